//! Triage: the actions on today's tasks (complete, snooze, reassign, edit,
//! add, filter) through the one-line prompt, and undo.

use super::keymap::Action;
use super::pane::PaneId;
use super::prompts::{AddTask, Complete, EditTask, Reassign, Snooze, TaskFilterLine};
use super::{capitalise, App, Message};
use crate::domain::task::TaskRow;
use crate::domain::task_line::TaskFilter;
use crate::store::{StoreError, TaskChange};
use crate::text::fit;

/// How many changes `u` can undo.
const UNDO_DEPTH: usize = 100;

/// "Call pharmacy" for one task, "3 marked tasks" for several.
fn describe(targets: &[&TaskRow]) -> String {
    match targets {
        [one] => format!("\"{}\"", fit(&one.title, 40)),
        many => format!("{} marked tasks", many.len()),
    }
}

/// The line that edits a task: its title and every token, to change in place.
fn edit_line(task: &TaskRow) -> String {
    let mut line = task.title.clone();
    if let Some(due) = task.due_on {
        line.push_str(&format!(" due:{due}"));
    }
    line.push_str(&format!(
        " pri:{} kind:{}",
        task.priority.code(),
        task.kind.code()
    ));
    if let Some(rule) = task.recurrence {
        line.push_str(&format!(" every:{rule}"));
    }
    line
}

impl App {
    /// Opens the prompt for a triage action, or says why it cannot open.
    pub(super) fn open_prompt(&mut self, action: Action) -> Result<(), StoreError> {
        let targets = self.tasks.targets();
        let what = describe(&targets);
        let refs = self.tasks.target_refs();
        match action {
            Action::CompleteTask if !refs.is_empty() => self.ask(
                Complete(refs),
                format!("Complete {what}: outcome (optional)"),
                "",
            ),
            Action::SnoozeTask if !refs.is_empty() => self.ask(
                Snooze(refs),
                format!("Move {what} to (tom, fri, +3d, 12/05…)"),
                "",
            ),
            Action::ReassignTask if !refs.is_empty() => {
                let names = self.store.coordinators()?;
                self.ask(
                    Reassign { tasks: refs, names },
                    format!(
                        "Give {what} to (a coordinator; {} completes)",
                        self.key("line_complete")
                    ),
                    "",
                )
            }
            Action::EditTask => {
                let Some(task) = self.tasks.selected() else {
                    self.message = Some(Message::Error("No task is selected".into()));
                    return Ok(());
                };
                let line = edit_line(task);
                self.ask(
                    EditTask(task.into()),
                    "Edit the task (title due: pri: kind: every:)".into(),
                    &line,
                )
            }
            Action::AddTask => {
                let Some(patient) = self.shown_record() else {
                    return Ok(());
                };
                self.ask(
                    AddTask {
                        patient_id: patient.id,
                        goal_id: None,
                    },
                    format!(
                        "New task for {} {} (title due: pri: kind: every:)",
                        fit(&patient.given_name, 20),
                        fit(&patient.family_name, 20)
                    ),
                    "",
                )
            }
            Action::FilterTasks => {
                let text = self.tasks.filter_text.clone();
                self.ask(
                    TaskFilterLine,
                    "Filter tasks (words, kind:, who:mine|team|NAME)".into(),
                    &text,
                )
            }
            _ => {
                self.message = Some(Message::Error("No task is selected".into()));
                Ok(())
            }
        }
    }

    /// After a change to the record or the plan: say what happened (or why
    /// not) and show the patient as the database now holds them, so a
    /// change another session made is seen, not overwritten.
    pub(super) fn after_plan_change(
        &mut self,
        result: Result<&str, StoreError>,
    ) -> Result<(), StoreError> {
        match result {
            Ok(done) => self.message = Some(Message::Info(done.to_string())),
            Err(error @ (StoreError::Conflict(_) | StoreError::Refused(_))) => {
                self.message = Some(Message::Error(capitalise(&error.to_string())));
            }
            Err(other) => return Err(other),
        }
        let keep = self.goals.cursor.selected();
        let today = self.today();
        self.patient.load(
            &self.store,
            self.shown_patient,
            today,
            &self.settings.instruments.instruments,
        )?;
        self.goals.load(&self.store, self.shown_patient)?;
        if let Some(index) = keep {
            self.goals.cursor.select(index);
        }
        Ok(())
    }

    pub(super) fn set_task_filter(
        &mut self,
        filter: TaskFilter,
        text: String,
    ) -> Result<(), StoreError> {
        self.tasks.filter = filter;
        self.tasks.filter_text = text;
        self.tasks.cursor.select(0);
        self.load_tasks()
    }

    /// After a prompt asked the store for a task change: the change made
    /// (see [`App::changed`]), or why not, with the list as it now is.
    pub(super) fn task_change_made(
        &mut self,
        result: Result<TaskChange, StoreError>,
    ) -> Result<(), StoreError> {
        match result {
            Ok(change) => self.changed(change),
            Err(error @ (StoreError::Conflict(_) | StoreError::Refused(_))) => {
                self.message = Some(Message::Error(capitalise(&error.to_string())));
                self.reload_view()
            }
            Err(error) => Err(error),
        }
    }

    /// After a change: remember it for undo, say what happened, show it.
    pub(super) fn changed(&mut self, change: TaskChange) -> Result<(), StoreError> {
        self.message = Some(Message::Info(format!(
            "{} · u undoes",
            capitalise(&change.summary)
        )));
        let new_task = change.task_ids().max();
        let touched: Vec<i64> = change.task_ids().collect();
        self.undo.push(change);
        if self.undo.len() > UNDO_DEPTH {
            self.undo.remove(0);
        }
        self.tasks.marked.clear();
        // A task completed, snoozed or given away leaves its place and the
        // next one slides under the cursor; a selected task the change did
        // not touch (marked ones were acted on) stays selected.
        let place = self.tasks.cursor.selected();
        let selected = self.tasks.selected().map(|t| t.id);
        self.reload_view()?;
        let kept = selected
            .filter(|id| !touched.contains(id))
            .and_then(|id| self.tasks.rows.iter().position(|t| t.id == id));
        if let Some(index) = kept.or(place) {
            self.tasks.cursor.select(index);
        }
        // A task just added is selected, if the list shows it.
        if self.focus == PaneId::Tasks {
            if let Some(index) = new_task.and_then(|id| {
                self.tasks
                    .rows
                    .iter()
                    .position(|t| t.id == id && t.version == 1)
            }) {
                self.tasks.cursor.select(index);
            }
        }
        Ok(())
    }

    /// `u`: reverses the last change made in this session.
    pub(super) fn undo_last(&mut self) -> Result<(), StoreError> {
        let Some(change) = self.undo.pop() else {
            self.message = Some(Message::Info("Nothing to undo".into()));
            return Ok(());
        };
        match self.store.undo(&change) {
            Ok(()) => {
                self.message = Some(Message::Info(format!("Undone: {}", change.summary)));
            }
            Err(error @ StoreError::Conflict(_)) => {
                self.message = Some(Message::Error(capitalise(&error.to_string())));
            }
            Err(error) => {
                // Not undone (the database was busy, say): keep it to try again.
                self.undo.push(change);
                return Err(error);
            }
        }
        self.reload_view()?;
        // Back on the task that came back, if the list shows it.
        let restored: Vec<i64> = change.task_ids().collect();
        if let Some(index) = self
            .tasks
            .rows
            .iter()
            .position(|t| restored.contains(&t.id))
        {
            self.tasks.cursor.select(index);
        }
        Ok(())
    }
}
