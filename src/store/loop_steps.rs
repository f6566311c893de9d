//! The tasks that are the next steps of closed loops (issue 17).
//!
//! A referral, an appointment and a prior authorization each hold the task
//! that is their next step (`task_id`). Every move of a loop closes that
//! task and writes the one that follows in the same transaction, so no
//! open loop is ever without a next step and no step outlives its loop.
//! Such a task is done by moving its loop, not by ticking it off (see
//! `refuse_on_a_loop` in `task_changes`): a coordinator who ticks "chase
//! the receiver" has not yet said what the receiver answered. An
//! appointment's reminder and the outreach after a missed one are plain
//! tasks, done when done.

use rusqlite::{params, OptionalExtension};

use super::write::utc_text;
use super::{NewTask, StoreError, Tx};
use crate::domain::loops::NextStep;
use crate::domain::task::{Priority, TaskStatus};

/// The loop a task belongs to, when it belongs to one.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum LoopTask {
    /// The next step of a referral.
    Referral(i64),
    /// "Did they go?" after an appointment.
    Appointment(i64),
    /// The reminder before an appointment: a plain task.
    Reminder(i64),
    /// The next step of a prior authorization.
    Authorization(i64),
}

impl LoopTask {
    /// Whether the task is done by moving its loop rather than by
    /// completing it.
    pub fn done_by_moving(self) -> bool {
        !matches!(self, LoopTask::Reminder(_))
    }

    /// What moves the loop, for the sentence refusing to tick it off.
    pub fn how_to_move(self) -> &'static str {
        match self {
            LoopTask::Referral(_) => {
                "done by moving the referral (open the patient's referrals: F)"
            }
            LoopTask::Appointment(_) => {
                "done by saying whether they went: kept, missed or rescheduled (the patient's appointments: A)"
            }
            LoopTask::Authorization(_) => {
                "done by recording the payer's answer (the patient's authorizations: P)"
            }
            LoopTask::Reminder(_) => "",
        }
    }
}

/// How a loop's step ends: done (its loop moved on) or cancelled (its
/// loop ended without it).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum StepEnd {
    Done,
    Cancelled,
}

impl Tx<'_> {
    /// Writes `step` as an open task on the patient, owned by their
    /// coordinator; urgent when the loop is urgent or the step has a legal
    /// deadline.
    pub(crate) fn open_step(
        &mut self,
        patient_id: i64,
        step: &NextStep,
        urgent: bool,
    ) -> Result<i64, StoreError> {
        let owner: Option<i64> = self.conn().query_row(
            "SELECT coordinator_id FROM patient WHERE id = ?1",
            [patient_id],
            |r| r.get(0),
        )?;
        let priority = if urgent || step.hard_deadline {
            Priority::Urgent
        } else {
            Priority::Routine
        };
        self.insert_task(&NewTask {
            patient_id,
            owner_id: owner,
            kind: step.kind,
            description: step.title.clone(),
            status: TaskStatus::Requested,
            priority,
            due_on: Some(step.due),
            hard_deadline: step.hard_deadline,
            authored_at: self.now(),
            completed_at: None,
        })
    }

    /// Closes a loop's step, if it is still open, saying why in its
    /// outcome.
    pub(crate) fn close_step(
        &mut self,
        task_id: Option<i64>,
        end: StepEnd,
        outcome: &str,
    ) -> Result<(), StoreError> {
        let Some(task) = task_id else {
            return Ok(());
        };
        let status = match end {
            StepEnd::Done => TaskStatus::Completed,
            StepEnd::Cancelled => TaskStatus::Cancelled,
        };
        let now = utc_text(self.now());
        self.conn()
            .prepare_cached(
                "UPDATE task SET status = ?2, outcome = ?3, completed_at = ?4,
                        version = version + 1, updated_at = ?4
                  WHERE id = ?1 AND (status = 'requested' OR status = 'in-progress')",
            )?
            .execute(params![task, status.code(), outcome, now])?;
        Ok(())
    }

    /// The loop `task_id` belongs to, if any.
    pub(crate) fn loop_of_task(&self, task_id: i64) -> Result<Option<LoopTask>, StoreError> {
        let row: Option<(String, i64)> = self
            .conn()
            .prepare_cached(
                "SELECT 'referral', id FROM referral WHERE task_id = ?1
                 UNION ALL SELECT 'appointment', id FROM appointment WHERE task_id = ?1
                 UNION ALL SELECT 'reminder', id FROM appointment WHERE reminder_task_id = ?1
                 UNION ALL SELECT 'authorization', id FROM prior_auth WHERE task_id = ?1
                 LIMIT 1",
            )?
            .query_row([task_id], |r| Ok((r.get(0)?, r.get(1)?)))
            .optional()?;
        Ok(row.and_then(|(kind, id)| match kind.as_str() {
            "referral" => Some(LoopTask::Referral(id)),
            "appointment" => Some(LoopTask::Appointment(id)),
            "reminder" => Some(LoopTask::Reminder(id)),
            "authorization" => Some(LoopTask::Authorization(id)),
            _ => None,
        }))
    }
}

/// The open loops without an open next step, for `tend check`: none
/// should be, since every move writes the step that follows in its own
/// transaction; one here was changed outside tend. Approved
/// authorizations without an end date have no renewal, so no step.
pub(super) fn loops_without_a_step(conn: &rusqlite::Connection) -> rusqlite::Result<Vec<String>> {
    const OPEN_TASK: &str = "EXISTS (SELECT 1 FROM task t WHERE t.id = x.task_id
                                AND (t.status = 'requested' OR t.status = 'in-progress'))";
    let sql = format!(
        "SELECT 'referral', x.id FROM referral x
          WHERE x.status != 'closed' AND x.status != 'declined' AND x.status != 'cancelled'
            AND NOT {OPEN_TASK}
         UNION ALL
         SELECT 'prior_auth', x.id FROM prior_auth x
          WHERE x.status != 'expired' AND x.status != 'draft'
            AND NOT (x.status = 'approved' AND x.authorized_until IS NULL)
            AND NOT {OPEN_TASK}
         UNION ALL
         SELECT 'appointment', x.id FROM appointment x
          WHERE x.status = 'booked' AND NOT {OPEN_TASK}"
    );
    // A file from before schema version 12 (checked before its upgrade)
    // has no loops.
    let has_loops: bool = conn.query_row(
        "SELECT EXISTS (SELECT 1 FROM sqlite_schema WHERE type = 'table' AND name = 'referral')",
        [],
        |r| r.get(0),
    )?;
    if !has_loops {
        return Ok(Vec::new());
    }
    let mut stmt = conn.prepare(&sql)?;
    let rows = stmt.query_map([], |r| {
        Ok(format!(
            "{} row {} is open without an open next step",
            r.get::<_, String>(0)?,
            r.get::<_, i64>(1)?
        ))
    })?;
    rows.collect()
}
