//! `:` the command line (`search WORDS`, `glass MEMBER-ID REASON`), and the
//! search of all notes (`/` in the timeline).

use super::Purpose;
use crate::app::App;
use crate::store::{StoreError, REASON_MIN_CHARS};
use crate::text::fit;

pub struct CommandLine;

pub struct Search;

impl Purpose for CommandLine {
    fn preview(&self, app: &App, text: &str) -> Result<String, String> {
        match text.trim().split_once(' ') {
            Some(("search", words)) if !words.trim().is_empty() => Ok(format!(
                "{} searches all signed notes",
                app.key("line_submit")
            )),
            Some(("glass", rest)) => match glass_words(rest) {
                Some((member, _)) => Ok(format!(
                    "{} opens {}'s record outside your teams; the reason is audited and your supervisor reviews it",
                    app.key("line_submit"),
                    fit(member, 20)
                )),
                None => Err(format!(
                    "glass MEMBER-ID REASON: say why (at least {REASON_MIN_CHARS} characters)"
                )),
            },
            _ if text.trim().is_empty() => {
                Err("type a command: search WORDS, or glass MEMBER-ID REASON".to_string())
            }
            _ => Err(format!(
                "{:?} is not a command: try search WORDS, or glass MEMBER-ID REASON",
                fit(text.trim(), 30)
            )),
        }
    }

    fn submit(self: Box<Self>, app: &mut App, text: &str) -> Result<(), StoreError> {
        let text = text.trim();
        if let Some(rest) = text.strip_prefix("glass ") {
            return match glass_words(rest) {
                Some((member, reason)) => app.break_glass(member, reason),
                None => Err(StoreError::Refused(format!(
                    "glass MEMBER-ID REASON: say why you open the record (at least {REASON_MIN_CHARS} characters)"
                ))),
            };
        }
        let words = text.strip_prefix("search").unwrap_or("");
        app.search(words)
    }
}

/// `glass`'s member ID and reason, when both are there and the reason is
/// long enough to be one.
fn glass_words(rest: &str) -> Option<(&str, &str)> {
    let (member, reason) = rest.trim().split_once(char::is_whitespace)?;
    let reason = reason.trim();
    (reason.chars().count() >= REASON_MIN_CHARS).then_some((member, reason))
}

impl Purpose for Search {
    fn preview(&self, app: &App, text: &str) -> Result<String, String> {
        if text.trim().is_empty() {
            Err("type the words to look for".to_string())
        } else {
            Ok(format!(
                "{} searches all signed notes",
                app.key("line_submit")
            ))
        }
    }

    fn submit(self: Box<Self>, app: &mut App, text: &str) -> Result<(), StoreError> {
        app.search(text)
    }
}
