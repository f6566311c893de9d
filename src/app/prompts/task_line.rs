//! A task typed on one line (`title due: pri: kind: every:`): `a` adds one
//! for the patient on screen (with a goal: an intervention serving it),
//! `e` edits the selected one in place.

use super::Purpose;
use crate::app::App;
use crate::domain::dates;
use crate::domain::task_line::{parse_task, TaskLine};
use crate::store::{StoreError, TaskRef};
use crate::text::fit;

pub struct AddTask {
    pub patient_id: i64,
    pub goal_id: Option<i64>,
}

pub struct EditTask(pub TaskRef);

fn preview_line(app: &App, text: &str) -> Result<String, String> {
    parse_task(text, app.today())
        .map(|line| line_preview(&line))
        .map_err(|e| e.to_string())
}

impl Purpose for AddTask {
    fn preview(&self, app: &App, text: &str) -> Result<String, String> {
        preview_line(app, text)
    }

    fn submit(self: Box<Self>, app: &mut App, text: &str) -> Result<(), StoreError> {
        let today = app.today();
        let result = match parse_task(text, today) {
            Ok(line) => app.store.add_task(
                self.patient_id,
                &app.settings.user,
                &line,
                today,
                self.goal_id,
            ),
            Err(e) => Err(StoreError::Refused(e.to_string())),
        };
        app.task_change_made(result)
    }
}

impl Purpose for EditTask {
    fn preview(&self, app: &App, text: &str) -> Result<String, String> {
        preview_line(app, text)
    }

    fn submit(self: Box<Self>, app: &mut App, text: &str) -> Result<(), StoreError> {
        let result = match parse_task(text, app.today()) {
            Ok(line) => app.store.edit_task(self.0, &line),
            Err(e) => Err(StoreError::Refused(e.to_string())),
        };
        app.task_change_made(result)
    }
}

/// What a typed task line will make: "→ call · due Fri 2026-11-27 · urgent".
fn line_preview(line: &TaskLine) -> String {
    let mut parts = Vec::new();
    if let Some(kind) = line.kind {
        parts.push(kind.code().to_string());
    }
    if let Some(due) = line.due {
        parts.push(format!("due {}", dates::show(due)));
    }
    if let Some(priority) = line.priority {
        parts.push(priority.code().to_string());
    }
    if let Some(rule) = line.recurrence {
        parts.push(format!("every {rule}"));
    }
    if parts.is_empty() {
        format!("→ \"{}\"", fit(&line.title, 50))
    } else {
        format!("→ {}", parts.join(" · "))
    }
}
