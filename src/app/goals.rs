//! The care-plan goals pane: the selected patient's goals.

use super::list::ListCursor;
use crate::domain::goal::Goal;
use crate::store::{Store, StoreError};

#[derive(Default)]
pub struct GoalsPane {
    pub goals: Vec<Goal>,
    /// Each goal's measured values, oldest first (same order as `goals`).
    pub values: Vec<Vec<f64>>,
    pub cursor: ListCursor,
}

impl GoalsPane {
    pub fn load(&mut self, store: &Store, patient_id: Option<i64>) -> Result<(), StoreError> {
        self.goals = match patient_id {
            Some(id) => store.goals(id)?,
            None => Vec::new(),
        };
        let measured = match patient_id {
            Some(id) => store.progress_values(id)?,
            None => Vec::new(),
        };
        self.values = self
            .goals
            .iter()
            .map(|g| {
                measured
                    .iter()
                    .filter(|(goal, _)| *goal == g.id)
                    .map(|(_, value)| *value)
                    .collect()
            })
            .collect();
        self.cursor.set_len(self.goals.len());
        Ok(())
    }

    pub fn selected(&self) -> Option<&Goal> {
        self.goals.get(self.cursor.selected()?)
    }
}
