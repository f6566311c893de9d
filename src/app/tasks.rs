//! The tasks pane: my day (overdue, today, then upcoming), or one patient's
//! open tasks.

use chrono::{Duration, NaiveDate};

use super::list::ListCursor;
use crate::domain::task::{is_due_by, TaskRow};
use crate::store::{Store, StoreError};

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum TaskScope {
    /// The user's tasks due today or earlier, then the upcoming ones.
    MyDay,
    /// The selected patient's open tasks.
    Patient,
}

/// The figures in the pane's title.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct TaskCounts {
    pub overdue: usize,
    pub today: usize,
    pub upcoming: usize,
}

pub struct TasksPane {
    pub scope: TaskScope,
    pub rows: Vec<TaskRow>,
    pub counts: TaskCounts,
    pub cursor: ListCursor,
}

impl Default for TasksPane {
    fn default() -> Self {
        TasksPane {
            scope: TaskScope::MyDay,
            rows: Vec::new(),
            counts: TaskCounts::default(),
            cursor: ListCursor::default(),
        }
    }
}

impl TasksPane {
    pub fn load(
        &mut self,
        store: &Store,
        user: &str,
        patient_id: Option<i64>,
        today: NaiveDate,
        upcoming_days: u32,
    ) -> Result<(), StoreError> {
        let keep = self.selected().map(|t| t.id);
        self.rows = match (self.scope, patient_id) {
            (TaskScope::MyDay, _) => {
                store.my_day(user, today, today + Duration::days(upcoming_days.into()))?
            }
            (TaskScope::Patient, Some(id)) => store.patient_tasks(id)?,
            (TaskScope::Patient, None) => Vec::new(),
        };
        self.counts = TaskCounts::default();
        for task in &self.rows {
            match task.due_on {
                Some(due) if due < today => self.counts.overdue += 1,
                Some(due) if due == today => self.counts.today += 1,
                _ => self.counts.upcoming += 1,
            }
        }
        self.cursor.set_len(self.rows.len());
        if let Some(index) = keep.and_then(|id| self.rows.iter().position(|t| t.id == id)) {
            self.cursor.select(index);
        }
        Ok(())
    }

    pub fn selected(&self) -> Option<&TaskRow> {
        self.rows.get(self.cursor.selected()?)
    }

    /// Where the upcoming part of my day begins (for a divider), if shown.
    pub fn upcoming_from(&self, today: NaiveDate) -> Option<usize> {
        if self.scope != TaskScope::MyDay {
            return None;
        }
        self.rows.iter().position(|t| !is_due_by(t, today))
    }
}
