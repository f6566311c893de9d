//! The one-line prompt that triage actions type into: a title saying what
//! Enter will do, the line being typed, and a preview of what it means
//! ("→ Fri 2026-11-27") or why it cannot be used.

use super::line_input::LineInput;
use crate::store::TaskRef;

/// What the prompt is for.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum PromptKind {
    /// Complete these tasks, with an optional outcome.
    Complete(Vec<TaskRef>),
    /// Move these tasks to a date (empty: tomorrow).
    Snooze(Vec<TaskRef>),
    /// Give these tasks to another coordinator.
    Reassign(Vec<TaskRef>),
    /// A new task for this patient; with a goal, an intervention serving it.
    Add {
        patient_id: i64,
        goal_id: Option<i64>,
    },
    /// Change this task.
    Edit(TaskRef),
    /// Filter the tasks list.
    TaskFilter,
    /// The command line (`:`).
    Command,
    /// Search all notes.
    Search,
    /// A correction to a signed note.
    Addendum { note_id: i64 },
    /// Progress on a care-plan goal.
    Progress { goal_id: i64 },
    /// A goal's new status, on the goal as the user saw it.
    GoalStatus { goal_id: i64, version: i64 },
    /// Confirms ending an entry of the record's lists.
    EndItem {
        patient_id: i64,
        item: crate::store::RecordItem,
    },
    /// Confirms that the medication list was reconciled today.
    Reconcile { patient_id: i64, version: i64 },
}

pub struct Prompt {
    pub kind: PromptKind,
    pub title: String,
    pub input: LineInput,
    /// What the line means, or why it cannot be used.
    pub preview: Result<String, String>,
}

impl Prompt {
    pub fn new(kind: PromptKind, title: String, text: &str) -> Prompt {
        Prompt {
            kind,
            title,
            input: LineInput::new(text),
            preview: Ok(String::new()),
        }
    }
}
