//! `+` on a goal: a line of progress, and `= a value` when measured.

use super::Purpose;
use crate::app::{capitalise, App, Message};
use crate::domain::care_plan::parse_progress;
use crate::store::StoreError;

pub struct Progress {
    pub goal_id: i64,
}

impl Purpose for Progress {
    fn preview(&self, app: &App, text: &str) -> Result<String, String> {
        let enter = app.key("line_submit");
        parse_progress(text).map(|(_, value)| match value {
            Some(v) => format!("{enter} records it, with the value {v}"),
            None => format!("{enter} records it"),
        })
    }

    fn submit(self: Box<Self>, app: &mut App, text: &str) -> Result<(), StoreError> {
        let (note, value) = match parse_progress(text) {
            Ok(parsed) => parsed,
            Err(problem) => {
                app.message = Some(Message::Error(capitalise(&problem)));
                return Ok(());
            }
        };
        let today = app.today();
        let recorded = app.store.add_progress(self.goal_id, today, &note, value);
        app.after_plan_change(recorded.map(|_| "Progress recorded"))
    }
}
