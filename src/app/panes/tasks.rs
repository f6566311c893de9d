//! The tasks pane: my day (overdue, today, then upcoming) or one patient's
//! open tasks, filtered, with marks for acting on several at once.

use std::collections::BTreeSet;

use chrono::{Duration, NaiveDate};

use crate::app::keymap::Action;
use crate::app::list::ListCursor;
use crate::app::pane::PaneId;
use crate::app::{App, Message};
use crate::domain::task::TaskRow;
use crate::domain::task_line::{Assignee, TaskFilter};
use crate::domain::urgency::UrgencyWeights;
use crate::store::{Store, StoreError, TaskRef};

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum TaskScope {
    /// The user's (or the filter's coordinator's) tasks due today or
    /// earlier, then the upcoming ones.
    MyDay,
    /// The selected patient's open tasks.
    Patient,
}

pub use crate::domain::task::TaskCounts;

/// The most rows the day's list reads in full: far more than a coordinator's
/// own day (about 130 tasks), and a whole team's day (90,000 tasks at
/// 100,000 patients) is ranked whole but only its head is read; words,
/// `kind:` or `who:` narrow it.
pub const DAY_ROWS_SHOWN: usize = 1000;

/// What the pane needs to read its list.
pub struct TaskContext<'a> {
    pub user: &'a str,
    pub patient_id: Option<i64>,
    pub today: NaiveDate,
    pub upcoming_days: u32,
    pub weights: &'a UrgencyWeights,
}

pub struct TasksPane {
    pub scope: TaskScope,
    pub filter: TaskFilter,
    /// The filter as typed, to show and to edit again.
    pub filter_text: String,
    pub rows: Vec<TaskRow>,
    pub counts: TaskCounts,
    pub cursor: ListCursor,
    /// Tasks marked with Space; actions apply to them when there are any.
    pub marked: BTreeSet<i64>,
}

impl Default for TasksPane {
    fn default() -> Self {
        TasksPane {
            scope: TaskScope::MyDay,
            filter: TaskFilter::default(),
            filter_text: String::new(),
            rows: Vec::new(),
            counts: TaskCounts::default(),
            cursor: ListCursor::default(),
            marked: BTreeSet::new(),
        }
    }
}

impl TasksPane {
    pub fn load(&mut self, store: &Store, cx: &TaskContext<'_>) -> Result<(), StoreError> {
        let keep = self.selected().map(|t| t.id);
        let until = cx.today + Duration::days(cx.upcoming_days.into());
        match (self.scope, cx.patient_id) {
            (TaskScope::MyDay, _) => {
                let day = store.ranked_day(
                    cx.user,
                    &self.filter,
                    until,
                    cx.today,
                    cx.weights,
                    DAY_ROWS_SHOWN,
                )?;
                self.rows = day.rows;
                self.counts = day.counts;
            }
            (TaskScope::Patient, Some(id)) => {
                let mut rows = store.patient_tasks(id)?;
                rows.retain(|t| {
                    self.filter.kind.is_none_or(|k| t.kind == k)
                        && self.filter.matches_words(&t.title, &t.patient_name)
                });
                self.counts = TaskCounts::of(rows.iter().map(|t| t.due_on), cx.today);
                self.rows = rows;
            }
            (TaskScope::Patient, None) => {
                self.rows = Vec::new();
                self.counts = TaskCounts::default();
            }
        }
        let ids: BTreeSet<i64> = self.rows.iter().map(|t| t.id).collect();
        self.marked.retain(|id| ids.contains(id));
        self.cursor.set_len(self.rows.len());
        if let Some(index) = keep.and_then(|id| self.rows.iter().position(|t| t.id == id)) {
            self.cursor.select(index);
        }
        Ok(())
    }

    pub fn selected(&self) -> Option<&TaskRow> {
        self.rows.get(self.cursor.selected()?)
    }

    /// Marks or unmarks the selected task and moves to the next, so a run
    /// of tasks is marked by holding Space.
    pub fn toggle_mark(&mut self) {
        let Some(id) = self.selected().map(|t| t.id) else {
            return;
        };
        if !self.marked.remove(&id) {
            self.marked.insert(id);
        }
        self.cursor.apply(Action::MoveDown);
    }

    /// What an action applies to: the marked tasks, or else the selected one.
    pub fn targets(&self) -> Vec<&TaskRow> {
        if self.marked.is_empty() {
            return self.selected().into_iter().collect();
        }
        self.rows
            .iter()
            .filter(|t| self.marked.contains(&t.id))
            .collect()
    }

    pub fn target_refs(&self) -> Vec<TaskRef> {
        self.targets().into_iter().map(TaskRef::from).collect()
    }

    /// Whether the list shows other coordinators' tasks (so it names owners).
    pub fn shows_owners(&self) -> bool {
        self.scope == TaskScope::Patient || self.filter.who != Assignee::Mine
    }
}

impl App {
    /// Today's own keys: moves, a task's patient, triage (through the
    /// prompts), marks, my day or the patient's tasks.
    pub(super) fn tasks_action(&mut self, action: Action) -> Result<(), StoreError> {
        if action.is_movement() {
            let moved = self.tasks.cursor.apply(action);
            if moved {
                self.follow_selection()?;
            }
            return Ok(());
        }
        match action {
            Action::Open => {
                let Some(patient_id) = self.tasks.selected().map(|t| t.patient_id) else {
                    return Ok(());
                };
                if self.bring_up(patient_id)? {
                    self.focus = PaneId::Patient;
                } else {
                    self.message = Some(Message::Error(
                        "That task's patient is no longer in the database".into(),
                    ));
                }
            }
            Action::CompleteTask
            | Action::SnoozeTask
            | Action::ReassignTask
            | Action::EditTask
            | Action::AddTask
            | Action::FilterTasks => self.open_prompt(action)?,
            Action::MarkTask => {
                self.tasks.toggle_mark();
                let marked = self.tasks.marked.len();
                if marked > 0 {
                    self.message = Some(Message::Info(format!(
                        "{marked} marked: x completes, s snoozes, r reassigns them all"
                    )));
                }
            }
            Action::ToggleTaskScope => {
                self.tasks.scope = match self.tasks.scope {
                    TaskScope::MyDay => TaskScope::Patient,
                    TaskScope::Patient => TaskScope::MyDay,
                };
                self.tasks.cursor.select(0);
                self.load_tasks()?;
                self.patient_changed()?;
            }
            // The keymap gives Today no other action.
            _ => {}
        }
        Ok(())
    }
}
