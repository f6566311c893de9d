//! `:` the command line (`search WORDS`), and the search of all notes
//! (`/` in the timeline).

use super::Purpose;
use crate::app::App;
use crate::store::StoreError;
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
            _ if text.trim().is_empty() => Err("type a command: search WORDS".to_string()),
            _ => Err(format!(
                "{:?} is not a command: try search WORDS",
                fit(text.trim(), 30)
            )),
        }
    }

    fn submit(self: Box<Self>, app: &mut App, text: &str) -> Result<(), StoreError> {
        let words = text.trim().strip_prefix("search").unwrap_or("");
        app.search(words)
    }
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
