//! `r` in Today: give the tasks to another coordinator; Tab completes the
//! name as far as it is unambiguous. The coordinators are read once, when
//! the prompt opens, not at every key.

use super::Purpose;
use crate::app::App;
use crate::store::{StoreError, TaskRef};

pub struct Reassign {
    pub tasks: Vec<TaskRef>,
    /// Every coordinator's user name.
    pub names: Vec<String>,
}

impl Reassign {
    fn starting(&self, typed: &str) -> Vec<&str> {
        self.names
            .iter()
            .map(String::as_str)
            .filter(|n| n.starts_with(typed))
            .collect()
    }
}

impl Purpose for Reassign {
    fn preview(&self, app: &App, text: &str) -> Result<String, String> {
        let typed = text.trim();
        match self.starting(typed).as_slice() {
            _ if typed.is_empty() => Err("type a coordinator's user name".to_string()),
            [] => Err(format!("there is no coordinator named {typed:?}")),
            _ if self.names.iter().any(|n| n == typed) => Ok(format!("→ {typed}")),
            [one] => Ok(format!("→ {one}")),
            many => Err(format!(
                "{} coordinators start so; {} completes: {}",
                many.len(),
                app.key("line_complete"),
                many.iter().take(6).copied().collect::<Vec<_>>().join(" ")
            )),
        }
    }

    fn complete(&self, text: &str) -> Option<String> {
        let typed = text.trim();
        let completed = common_prefix(&self.starting(typed));
        (completed.len() > typed.len()).then(|| completed.to_string())
    }

    fn submit(self: Box<Self>, app: &mut App, text: &str) -> Result<(), StoreError> {
        // The preview has made sure the text names one coordinator, in full
        // or by the start of the name.
        let typed = text.trim();
        let name = self
            .names
            .iter()
            .find(|n| n.as_str() == typed)
            .or_else(|| self.names.iter().find(|n| n.starts_with(typed)))
            .cloned()
            .unwrap_or_else(|| typed.to_string());
        let result = app.store.reassign_tasks(&self.tasks, &name);
        app.task_change_made(result)
    }
}

/// The longest text every choice starts with.
fn common_prefix<'a>(choices: &[&'a str]) -> &'a str {
    let Some(first) = choices.first() else {
        return "";
    };
    let mut end = first.len();
    for choice in &choices[1..] {
        end = end.min(
            first
                .char_indices()
                .zip(choice.chars())
                .find(|((_, a), b)| a != b)
                .map_or(end.min(choice.len()), |((i, _), _)| i),
        );
    }
    &first[..end]
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn common_prefixes_complete_as_far_as_unambiguous() {
        assert_eq!(common_prefix(&["cc0001", "cc0002", "cc0010"]), "cc00");
        assert_eq!(common_prefix(&["jdoe"]), "jdoe");
        assert_eq!(common_prefix(&[]), "");
        assert_eq!(common_prefix(&["ab", "abc"]), "ab");
    }
}
