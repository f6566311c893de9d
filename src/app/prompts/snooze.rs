//! `s` in Today: move the tasks to another day (Enter alone: tomorrow).

use chrono::Duration;

use super::Purpose;
use crate::app::App;
use crate::domain::dates;
use crate::store::{StoreError, TaskRef};

pub struct Snooze(pub Vec<TaskRef>);

impl Purpose for Snooze {
    fn preview(&self, app: &App, text: &str) -> Result<String, String> {
        let today = app.today();
        if text.trim().is_empty() {
            return Ok(format!(
                "→ {} ({}: tomorrow)",
                dates::show(today + Duration::days(1)),
                app.key("line_submit")
            ));
        }
        dates::parse(text, today)
            .map(|date| format!("→ {}", dates::show(date)))
            .map_err(|e| e.to_string())
    }

    fn submit(self: Box<Self>, app: &mut App, text: &str) -> Result<(), StoreError> {
        let today = app.today();
        let due = match text.trim() {
            "" => Ok(today + Duration::days(1)),
            typed => dates::parse(typed, today),
        };
        let result = match due {
            Ok(due) => app.store.snooze_tasks(&self.0, due),
            Err(e) => Err(StoreError::Refused(e.to_string())),
        };
        app.task_change_made(result)
    }
}
