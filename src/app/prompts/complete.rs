//! `x` in Today: complete the selected (or marked) tasks, with an optional
//! outcome; a care-plan review completed asks for the plan's next review.

use super::Purpose;
use crate::app::App;
use crate::domain::task::TaskKind;
use crate::store::{StoreError, TaskRef};

pub struct Complete(pub Vec<TaskRef>);

impl Purpose for Complete {
    fn preview(&self, app: &App, text: &str) -> Result<String, String> {
        let enter = app.key("line_submit");
        Ok(match (self.0.len(), text.trim().is_empty()) {
            (1, true) => format!("{enter} completes it"),
            (1, false) => format!("{enter} completes it with this outcome"),
            (n, true) => format!("{enter} completes all {n}"),
            (n, false) => format!("{enter} completes all {n} with this outcome"),
        })
    }

    fn submit(self: Box<Self>, app: &mut App, text: &str) -> Result<(), StoreError> {
        let reviewed = self.0.iter().find_map(|r| {
            app.tasks
                .rows
                .iter()
                .find(|t| t.id == r.id && t.kind == TaskKind::CarePlanReview)
                .map(|t| t.patient_id)
        });
        let today = app.today();
        let result = app.store.complete_tasks(&self.0, Some(text), today);
        let done = result.is_ok();
        app.task_change_made(result)?;
        if let (true, Some(patient_id)) = (done, reviewed) {
            app.open_next_review_form(patient_id)?;
        }
        Ok(())
    }
}
