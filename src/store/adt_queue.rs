//! The queue of ADT messages a supervisor resolves: those for no known
//! member (or a disenrolled one, or a merge tend cannot make alone), and
//! those that could not be read. Each is matched to a member (and then
//! applied as if it had named them) or dismissed with a reason; nothing
//! in it is ever dropped, and every resolution is audited.

use rusqlite::{params, OptionalExtension};

use super::adt::{AdtOutcome, AdtPlan, Matched, ReceivedMessage};
use super::write::utc_text;
use super::{AuditAction, Store, StoreError};
use crate::domain::role::Right;

/// One message waiting for a supervisor.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct QueuedMessage {
    pub id: i64,
    pub received_at: String,
    pub sender: String,
    pub control_id: Option<String>,
    pub event: Option<String>,
    pub state: String,
    pub reason: String,
}

impl Store {
    /// The messages waiting for a supervisor: queued and rejected, oldest
    /// first.
    pub fn adt_queue(&self) -> Result<Vec<QueuedMessage>, StoreError> {
        self.require(Right::Import)?;
        let mut stmt = self.conn().prepare_cached(
            "SELECT id, received_at, sender, control_id, event, state, coalesce(reason, '')
               FROM adt_message WHERE state = 'queued' OR state = 'rejected'
              ORDER BY received_at, id",
        )?;
        let rows = stmt.query_map([], |r| {
            Ok(QueuedMessage {
                id: r.get(0)?,
                received_at: r.get(1)?,
                sender: r.get(2)?,
                control_id: r.get(3)?,
                event: r.get(4)?,
                state: r.get(5)?,
                reason: r.get(6)?,
            })
        })?;
        Ok(rows.collect::<Result<_, _>>()?)
    }

    /// A logged message as it came, with its state: for a supervisor
    /// resolving it (reading it is audited).
    pub fn adt_message(&mut self, id: i64) -> Result<(String, String), StoreError> {
        self.require(Right::Import)?;
        let row: Option<(String, String)> = self
            .conn()
            .query_row(
                "SELECT raw, state FROM adt_message WHERE id = ?1",
                [id],
                |r| Ok((r.get(0)?, r.get(1)?)),
            )
            .optional()?;
        let row =
            row.ok_or_else(|| StoreError::Refused(format!("message {id} is not in the log")))?;
        self.write(|tx| {
            tx.audit(
                AuditAction::Read,
                "AdtMessage",
                Some(id),
                None,
                Some("read"),
            )
        })?;
        Ok(row)
    }

    /// Resolves a queued message by applying it to the member a supervisor
    /// chose (their member ID); `plan` is the message read again.
    pub fn resolve_adt(
        &mut self,
        id: i64,
        member_id: &str,
        plan: &AdtPlan,
    ) -> Result<AdtOutcome, StoreError> {
        self.require(Right::Import)?;
        let rules = self.rules();
        let me = self.agent.clone();
        self.write(|tx| {
            let state: Option<String> = tx
                .conn()
                .query_row("SELECT state FROM adt_message WHERE id = ?1", [id], |r| {
                    r.get(0)
                })
                .optional()?;
            if state.as_deref() != Some("queued") {
                return Err(StoreError::Refused(format!(
                    "message {id} is not waiting to be matched; nothing was changed"
                )));
            }
            let patient = match tx.match_member(&[member_id.to_string()])? {
                Matched::Patient(p) => p,
                Matched::Nobody(reason) => {
                    return Err(StoreError::Refused(format!(
                        "{reason}; nothing was changed"
                    )))
                }
            };
            let received = ReceivedMessage {
                sender: String::new(),
                control_id: None,
                event: None,
                raw: String::new(),
            };
            let outcome = tx.apply_plan_to(&received, plan, patient, &rules, Some(id))?;
            let encounter_id = match &outcome {
                AdtOutcome::Applied { encounter_id, .. } => *encounter_id,
                AdtOutcome::Queued { reason, .. } => {
                    return Err(StoreError::Refused(format!(
                        "{reason}; nothing was changed"
                    )))
                }
                _ => None,
            };
            let by = tx.practitioner(&me, &me)?;
            tx.conn().execute(
                "UPDATE adt_message SET state = 'resolved', patient_id = ?2, encounter_id = ?3,
                        resolved_by = ?4, resolved_at = ?5, resolution = 'matched to a member'
                  WHERE id = ?1",
                params![id, patient, encounter_id, by, utc_text(tx.now())],
            )?;
            tx.audit(
                AuditAction::Update,
                "AdtMessage",
                Some(id),
                Some(patient),
                Some("matched to a member by a supervisor"),
            )?;
            Ok(AdtOutcome::Applied {
                message_id: id,
                encounter_id,
            })
        })
    }

    /// Dismisses a queued or rejected message, with a reason.
    pub fn dismiss_adt(&mut self, id: i64, reason: &str) -> Result<(), StoreError> {
        self.require(Right::Import)?;
        let reason = reason.trim();
        if reason.chars().count() < super::REASON_MIN_CHARS {
            return Err(StoreError::Refused(format!(
                "say why it is dismissed (at least {} characters); nothing was changed",
                super::REASON_MIN_CHARS
            )));
        }
        let me = self.agent.clone();
        self.write(|tx| {
            let by = tx.practitioner(&me, &me)?;
            let changed = tx.conn().execute(
                "UPDATE adt_message SET state = 'dismissed', resolved_by = ?2, resolved_at = ?3,
                        resolution = ?4
                  WHERE id = ?1 AND (state = 'queued' OR state = 'rejected')",
                params![id, by, utc_text(tx.now()), reason],
            )?;
            if changed == 0 {
                return Err(StoreError::Refused(format!(
                    "message {id} is not waiting; nothing was changed"
                )));
            }
            tx.audit(
                AuditAction::Update,
                "AdtMessage",
                Some(id),
                None,
                Some(&format!("dismissed: {reason}")),
            )
        })
    }

    /// How many messages wait for a supervisor (queued or rejected); none
    /// for a user whose role does not resolve them.
    pub fn adt_waiting(&self) -> Result<usize, StoreError> {
        if self.require(Right::Import).is_err() {
            return Ok(0);
        }
        let n: i64 = self.conn().query_row(
            "SELECT count(*) FROM adt_message WHERE state = 'queued' OR state = 'rejected'",
            [],
            |r| r.get(0),
        )?;
        Ok(n as usize)
    }

    /// How many messages are in the log, by state.
    pub fn adt_counts(&self) -> Result<Vec<(String, i64)>, StoreError> {
        self.require(Right::Import)?;
        let mut stmt = self.conn().prepare_cached(
            "SELECT state, count(*) FROM adt_message GROUP BY state ORDER BY state",
        )?;
        let rows = stmt.query_map([], |r| Ok((r.get(0)?, r.get(1)?)))?;
        Ok(rows.collect::<Result<_, _>>()?)
    }
}
