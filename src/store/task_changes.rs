//! Changing tasks: complete, snooze, reassign, edit, add, and undo.
//!
//! Each action is one transaction with an audit row per task. An action
//! names the version of each task it was shown; if another session changed a
//! task since, the whole action is refused and nothing is written. Each
//! action returns a [`TaskChange`] that [`Store::undo`] reverses, itself as
//! an audited change, provided nobody has changed those tasks since.

use chrono::NaiveDate;
use rusqlite::{params, OptionalExtension};

use super::write::{date_text, utc_text};
use super::{AuditAction, LoopTask, Store, StoreError, Tx};
use crate::domain::recurrence::Recurrence;
use crate::domain::task::{Priority, TaskKind, TaskRow, TaskStatus};
use crate::domain::task_line::TaskLine;
use crate::domain::transitions::{ClockKind, MetBy};

/// A task as the user saw it: which one, and which version.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct TaskRef {
    pub id: i64,
    pub version: i64,
}

impl From<&TaskRow> for TaskRef {
    fn from(task: &TaskRow) -> TaskRef {
        TaskRef {
            id: task.id,
            version: task.version,
        }
    }
}

/// The fields of a task that actions change.
#[derive(Debug, Clone, PartialEq, Eq)]
struct TaskFields {
    status: String,
    due_on: Option<String>,
    owner_id: Option<i64>,
    description: String,
    kind: String,
    priority: String,
    outcome: Option<String>,
    completed_at: Option<String>,
    recurrence: Option<String>,
}

#[derive(Debug, Clone, PartialEq, Eq)]
struct TaskState {
    id: i64,
    patient_id: i64,
    version: i64,
    fields: TaskFields,
}

/// A change to tasks, as undo needs it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TaskChange {
    /// What was done, for messages: "completed 3 tasks".
    pub summary: String,
    before: Vec<TaskState>,
    after: Vec<TaskState>,
    /// Tasks the change added (a new task, a recurring task's next occurrence).
    created: Vec<TaskState>,
}

impl TaskChange {
    /// The tasks the change touched or added.
    pub fn task_ids(&self) -> impl Iterator<Item = i64> + '_ {
        self.after.iter().chain(&self.created).map(|s| s.id)
    }
}

/// What an action does to each task.
enum Action<'a> {
    Complete {
        outcome: Option<&'a str>,
        today: NaiveDate,
    },
    Snooze(NaiveDate),
    Reassign {
        owner_id: i64,
    },
    Edit(&'a TaskLine),
}

fn plural(n: usize) -> String {
    if n == 1 {
        "1 task".into()
    } else {
        format!("{n} tasks")
    }
}

impl Tx<'_> {
    fn task_state(&mut self, id: i64) -> Result<Option<TaskState>, StoreError> {
        Ok(self
            .conn()
            .prepare_cached(
                "SELECT id, patient_id, version, status, due_on, owner_id, description, kind,
                        priority, outcome, completed_at, recurrence
                   FROM task WHERE id = ?1",
            )?
            .query_row(params![id], |row| {
                Ok(TaskState {
                    id: row.get(0)?,
                    patient_id: row.get(1)?,
                    version: row.get(2)?,
                    fields: TaskFields {
                        status: row.get(3)?,
                        due_on: row.get(4)?,
                        owner_id: row.get(5)?,
                        description: row.get(6)?,
                        kind: row.get(7)?,
                        priority: row.get(8)?,
                        outcome: row.get(9)?,
                        completed_at: row.get(10)?,
                        recurrence: row.get(11)?,
                    },
                })
            })
            .optional()?)
    }

    fn require_state(&mut self, id: i64) -> Result<TaskState, StoreError> {
        self.task_state(id)?.ok_or_else(|| {
            StoreError::Conflict("that task no longer exists; nothing was changed".into())
        })
    }

    /// Writes `fields` over the task's, bumping its version.
    fn set_fields(&mut self, id: i64, fields: &TaskFields) -> Result<(), StoreError> {
        let now = utc_text(self.now());
        self.conn()
            .prepare_cached(
                "UPDATE task SET status = ?2, due_on = ?3, owner_id = ?4, description = ?5,
                        kind = ?6, priority = ?7, outcome = ?8, completed_at = ?9,
                        recurrence = ?10, version = version + 1, updated_at = ?11
                  WHERE id = ?1",
            )?
            .execute(params![
                id,
                fields.status,
                fields.due_on,
                fields.owner_id,
                fields.description,
                fields.kind,
                fields.priority,
                fields.outcome,
                fields.completed_at,
                fields.recurrence,
                now
            ])?;
        Ok(())
    }

    /// Adds the occurrence after a completed recurring task.
    fn next_occurrence(
        &mut self,
        done: &TaskState,
        rule: Recurrence,
        today: NaiveDate,
    ) -> Result<i64, StoreError> {
        let due = done
            .fields
            .due_on
            .as_deref()
            .and_then(super::caseload::parse_date);
        let now = utc_text(self.now());
        self.conn()
            .prepare_cached(
                "INSERT INTO task (patient_id, owner_id, kind, description, status, priority,
                   due_on, hard_deadline, authored_at, recurrence, previous_id, updated_at)
                 SELECT patient_id, owner_id, kind, description, 'requested', priority,
                        ?2, hard_deadline, ?3, recurrence, id, ?3
                   FROM task WHERE id = ?1",
            )?
            .execute(params![done.id, date_text(rule.next_due(due, today)), now])?;
        Ok(self.conn().last_insert_rowid())
    }
}

impl Store {
    /// Applies `action` to each task in one transaction, refusing all if any
    /// changed since the user saw it.
    fn change_tasks(
        &mut self,
        tasks: &[TaskRef],
        action: Action<'_>,
        summary: String,
        detail: String,
    ) -> Result<TaskChange, StoreError> {
        if tasks.is_empty() {
            return Err(StoreError::Refused("no task is selected".into()));
        }
        self.write(|tx| {
            let mut change = TaskChange {
                summary,
                before: Vec::new(),
                after: Vec::new(),
                created: Vec::new(),
            };
            for task in tasks {
                let before = tx.require_state(task.id)?;
                let open = TaskStatus::from_code(&before.fields.status).is_some_and(|s| s.is_open());
                if before.version != task.version || !open {
                    let what = if open {
                        "changed that task"
                    } else {
                        "already closed that task"
                    };
                    return Err(StoreError::Conflict(format!(
                        "another session has {what}; nothing was changed, and the list is up to date now"
                    )));
                }
                if let Some((_, kind)) = tx.clock_of_task(task.id)? {
                    refuse_on_a_clock(kind, &action)?;
                }
                if let Some(of_loop) = tx.loop_of_task(task.id)? {
                    let hard_deadline: bool = tx.conn().query_row(
                        "SELECT hard_deadline FROM task WHERE id = ?1",
                        [task.id],
                        |r| r.get(0),
                    )?;
                    refuse_on_a_loop(of_loop, &action, hard_deadline)?;
                }
                let mut fields = before.fields.clone();
                match &action {
                    Action::Complete { outcome, .. } => {
                        fields.status = TaskStatus::Completed.code().into();
                        fields.completed_at = Some(utc_text(tx.now()));
                        fields.outcome = outcome.map(str::to_string);
                    }
                    Action::Snooze(due) => fields.due_on = Some(date_text(*due)),
                    Action::Reassign { owner_id } => fields.owner_id = Some(*owner_id),
                    Action::Edit(line) => {
                        fields.description = line.title.clone();
                        if let Some(due) = line.due {
                            fields.due_on = Some(date_text(due));
                        }
                        if let Some(priority) = line.priority {
                            fields.priority = priority.code().into();
                        }
                        if let Some(kind) = line.kind {
                            fields.kind = kind.code().into();
                        }
                        // The edit line shows the repeat rule: a line without
                        // one stops the task repeating.
                        fields.recurrence = line.recurrence.map(|r| r.to_string());
                    }
                }
                tx.set_fields(task.id, &fields)?;
                tx.sync_stamp_clock(task.id, tx.now().date_naive())?;
                tx.audit(
                    AuditAction::Update,
                    "Task",
                    Some(task.id),
                    Some(before.patient_id),
                    Some(&detail),
                )?;
                if let Action::Complete { today, .. } = &action {
                    let rule = before
                        .fields
                        .recurrence
                        .as_deref()
                        .and_then(|r| Recurrence::parse(r).ok());
                    if let Some(rule) = rule {
                        let next = tx.next_occurrence(&before, rule, *today)?;
                        tx.audit(
                            AuditAction::Create,
                            "Task",
                            Some(next),
                            Some(before.patient_id),
                            Some("next occurrence"),
                        )?;
                        change.created.push(tx.require_state(next)?);
                    }
                }
                change.after.push(tx.require_state(task.id)?);
                change.before.push(before);
            }
            Ok(change)
        })
    }

    /// Completes the tasks, with an optional one-line outcome; a recurring
    /// task's next occurrence is added from its rule.
    pub fn complete_tasks(
        &mut self,
        tasks: &[TaskRef],
        outcome: Option<&str>,
        today: NaiveDate,
    ) -> Result<TaskChange, StoreError> {
        let outcome = outcome.map(str::trim).filter(|o| !o.is_empty());
        self.change_tasks(
            tasks,
            Action::Complete { outcome, today },
            format!("completed {}", plural(tasks.len())),
            "complete".into(),
        )
    }

    /// Moves the tasks' due date.
    pub fn snooze_tasks(
        &mut self,
        tasks: &[TaskRef],
        due: NaiveDate,
    ) -> Result<TaskChange, StoreError> {
        self.change_tasks(
            tasks,
            Action::Snooze(due),
            format!(
                "moved {} to {}",
                plural(tasks.len()),
                crate::domain::dates::show(due)
            ),
            format!("due {}", date_text(due)),
        )
    }

    /// Gives the tasks to another coordinator (cross-coverage).
    pub fn reassign_tasks(
        &mut self,
        tasks: &[TaskRef],
        username: &str,
    ) -> Result<TaskChange, StoreError> {
        let owner_id: Option<i64> = self
            .conn()
            .prepare_cached("SELECT id FROM practitioner WHERE username = ?1")?
            .query_row(params![username], |row| row.get(0))
            .optional()?;
        let Some(owner_id) = owner_id else {
            return Err(StoreError::Refused(format!(
                "there is no coordinator named {username:?}; nothing was changed"
            )));
        };
        self.change_tasks(
            tasks,
            Action::Reassign { owner_id },
            format!("gave {} to {username}", plural(tasks.len())),
            format!("owner {username}"),
        )
    }

    /// Changes a task's title and whichever of due date, priority, kind and
    /// repeat rule the line gives.
    pub fn edit_task(&mut self, task: TaskRef, line: &TaskLine) -> Result<TaskChange, StoreError> {
        self.change_tasks(
            &[task],
            Action::Edit(line),
            "edited 1 task".into(),
            "edit".into(),
        )
    }

    /// Adds a task for a patient, owned by `owner` (the user), due when the
    /// line says or today.
    /// Adds a task for the patient; `goal_id` makes it an intervention of
    /// that goal of theirs.
    pub fn add_task(
        &mut self,
        patient_id: i64,
        owner: &str,
        line: &TaskLine,
        today: NaiveDate,
        goal_id: Option<i64>,
    ) -> Result<TaskChange, StoreError> {
        if line.title.trim().is_empty() {
            return Err(StoreError::Refused("a task needs a title".into()));
        }
        self.write(|tx| {
            let owner_id = tx.practitioner(owner, owner)?;
            let id = tx.insert_task(&super::NewTask {
                patient_id,
                owner_id: Some(owner_id),
                kind: line.kind.unwrap_or(TaskKind::Other),
                description: line.title.clone(),
                status: TaskStatus::Requested,
                priority: line.priority.unwrap_or(Priority::Routine),
                due_on: Some(line.due.unwrap_or(today)),
                hard_deadline: false,
                authored_at: tx.now(),
                completed_at: None,
            })?;
            if let Some(rule) = line.recurrence {
                tx.conn()
                    .prepare_cached("UPDATE task SET recurrence = ?2 WHERE id = ?1")?
                    .execute(params![id, rule.to_string()])?;
            }
            if let Some(goal) = goal_id {
                let linked = tx.conn().execute(
                    "UPDATE task SET goal_id = ?2 WHERE id = ?1
                       AND EXISTS (SELECT 1 FROM goal WHERE id = ?2 AND patient_id = ?3)",
                    params![id, goal, patient_id],
                )?;
                if linked == 0 {
                    return Err(StoreError::Refused(
                        "that goal is not in this patient's plan".into(),
                    ));
                }
            }
            tx.audit(
                AuditAction::Create,
                "Task",
                Some(id),
                Some(patient_id),
                Some(if goal_id.is_some() {
                    "add intervention"
                } else {
                    "add"
                }),
            )?;
            Ok(TaskChange {
                summary: "added 1 task".into(),
                before: Vec::new(),
                after: Vec::new(),
                created: vec![tx.require_state(id)?],
            })
        })
    }

    /// Reverses a change, unless another session has changed those tasks
    /// since; the undo is audited like any change.
    pub fn undo(&mut self, change: &TaskChange) -> Result<(), StoreError> {
        self.write(|tx| {
            let changed_since = || {
                StoreError::Conflict(format!(
                    "cannot undo ({}): another session has changed those tasks since; nothing was changed",
                    change.summary
                ))
            };
            let detail = format!("undo: {}", change.summary);
            for created in &change.created {
                let now = tx.require_state(created.id).map_err(|_| changed_since())?;
                if now.fields != created.fields {
                    return Err(changed_since());
                }
                tx.conn()
                    .prepare_cached("DELETE FROM task WHERE id = ?1")?
                    .execute(params![created.id])?;
                tx.audit(
                    AuditAction::Delete,
                    "Task",
                    Some(created.id),
                    Some(created.patient_id),
                    Some(&detail),
                )?;
            }
            for (before, after) in change.before.iter().zip(&change.after) {
                let now = tx.require_state(before.id).map_err(|_| changed_since())?;
                if now.fields != after.fields {
                    return Err(changed_since());
                }
                tx.set_fields(before.id, &before.fields)?;
                tx.sync_stamp_clock(before.id, tx.now().date_naive())?;
                tx.audit(
                    AuditAction::Update,
                    "Task",
                    Some(before.id),
                    Some(before.patient_id),
                    Some(&detail),
                )?;
            }
            Ok(())
        })
    }
}

/// Refuses ticking off a loop's step: it is done by moving its loop,
/// which writes the step that follows (see `loop_steps`); and refuses
/// moving a legal deadline (an appeal's).
fn refuse_on_a_loop(
    of_loop: LoopTask,
    action: &Action<'_>,
    hard_deadline: bool,
) -> Result<(), StoreError> {
    let moves_deadline = match action {
        Action::Snooze(_) => true,
        Action::Edit(line) => line.due.is_some(),
        _ => false,
    };
    if hard_deadline && moves_deadline {
        return Err(StoreError::Refused(
            "a deadline set by a rule cannot be moved (the appeal's filing limit); nothing was changed"
                .into(),
        ));
    }
    if matches!(action, Action::Complete { .. }) && of_loop.done_by_moving() {
        return Err(StoreError::Refused(format!(
            "{}, not by completing the task; nothing was changed",
            of_loop.how_to_move()
        )));
    }
    Ok(())
}

/// Refuses what would hide or fake a transition clock: its deadline is set
/// by its rule, and most clocks are met by the event that meets them, not
/// by ticking their task.
fn refuse_on_a_clock(kind: ClockKind, action: &Action<'_>) -> Result<(), StoreError> {
    // What to do comes first: the status line at 80 columns shows about
    // fifty characters of it.
    let moves_deadline = match action {
        Action::Snooze(_) => true,
        Action::Edit(line) => line.due.is_some(),
        _ => false,
    };
    if moves_deadline {
        return Err(StoreError::Refused(format!(
            "a deadline set by a rule cannot be moved ({}); nothing was changed",
            kind.label()
        )));
    }
    if let Action::Complete { .. } = action {
        let how = match kind.met_by() {
            MetBy::Contact => "met by a signed note that reached the member or their caregiver (n)",
            MetBy::Visit => "met by a recorded follow-up visit (:encounter)",
            MetBy::Stamp if kind == ClockKind::MedRec => {
                "met by stamping the medication list reconciled (R)"
            }
            MetBy::Stamp | MetBy::Arrival => return Ok(()),
        };
        return Err(StoreError::Refused(format!(
            "{how}, not by completing the task ({}); nothing was changed",
            kind.label()
        )));
    }
    Ok(())
}
