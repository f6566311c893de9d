//! Signed screenings written in bulk with their past dates (the generated
//! caseload's screening history): each as `start_screening`,
//! `save_screening` and `sign_screening` would have left it had it been
//! given on its day, without their transaction and audit row each (the
//! caller's bulk load writes one for all of it, as for the rest of a
//! generated caseload; see `loop_load` for the same reason).
//!
//! A screening whose safety rule fired (PHQ-9 item 9) was acted on then:
//! its flag and escalation task are written as they were raised on that
//! day, the task done and the flag cleared since, so the history holds
//! together without putting an old alarm at the top of anyone's day
//! (written last, by [`Tx::load_safety_raised`]).

use chrono::{DateTime, NaiveDate, Utc};
use rusqlite::params;

use super::write::utc_text;
use super::{NewTask, SavedAnswer, StoreError, Tx};
use crate::domain::patient::FlagKind;
use crate::domain::task::{Priority, TaskKind, TaskStatus};

/// A signed screening as it was given (its patient id set by the caller).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SynthScreening {
    pub instrument: String,
    pub instrument_name: String,
    /// Who gave and signed it (the patient's coordinator).
    pub author_id: i64,
    pub started_at: DateTime<Utc>,
    pub signed_at: DateTime<Utc>,
    /// Its day, on the coordinator's calendar.
    pub signed_on: NaiveDate,
    pub total: Option<u32>,
    pub band: Option<String>,
    pub answers: Vec<SavedAnswer>,
    /// The flag's words and the escalation task's title, when a safety
    /// rule fired (see `domain::screening::safety_texts`).
    pub safety: Option<(String, String)>,
}

/// What a safety rule that fired raised, written after the rest of a
/// load (see [`Tx::load_safety_raised`]).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SafetyRaised {
    pub patient_id: i64,
    pub owner_id: i64,
    pub flag: String,
    pub task: String,
    pub raised_at: DateTime<Utc>,
    pub done_at: DateTime<Utc>,
    pub on: NaiveDate,
}

impl Tx<'_> {
    /// Writes a signed screening of the patient with its answers; for a
    /// safety rule that fired, what it raised, for
    /// [`Tx::load_safety_raised`].
    pub fn load_screening(
        &mut self,
        patient_id: i64,
        s: &SynthScreening,
    ) -> Result<Option<SafetyRaised>, StoreError> {
        let started = utc_text(s.started_at);
        let signed = utc_text(s.signed_at);
        // Written unfinished first, as the answers of a signed screening
        // cannot be added (its triggers), then signed.
        self.conn()
            .prepare_cached(
                "INSERT INTO screening (patient_id, instrument, instrument_name, author_id,
                   started_at, position, updated_at)
                 VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7)",
            )?
            .execute(params![
                patient_id,
                s.instrument,
                s.instrument_name,
                s.author_id,
                started,
                s.answers.len() as i64,
                signed
            ])?;
        let id = self.conn().last_insert_rowid();
        let mut insert = self.conn().prepare_cached(
            "INSERT INTO screening_answer (screening_id, item, position, chosen, label, score,
               code)
             VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7)",
        )?;
        for answer in &s.answers {
            let chosen: Vec<String> = answer.chosen.iter().map(usize::to_string).collect();
            insert.execute(params![
                id,
                answer.item,
                answer.position as i64,
                (!chosen.is_empty()).then(|| chosen.join(",")),
                answer.label,
                answer.score,
                (!answer.codes.is_empty()).then(|| answer.codes.join(",")),
            ])?;
        }
        drop(insert);
        self.conn()
            .prepare_cached(
                "UPDATE screening SET status = 'completed', signed_at = ?2, signed_by = ?3,
                   total = ?4, band = ?5, safety_raised_at = ?6, updated_at = ?2
                 WHERE id = ?1",
            )?
            .execute(params![
                id,
                signed,
                s.author_id,
                s.total,
                s.band,
                s.safety.as_ref().map(|_| &started)
            ])?;
        Ok(s.safety.as_ref().map(|(flag, task)| SafetyRaised {
            patient_id,
            owner_id: s.author_id,
            flag: flag.clone(),
            task: task.clone(),
            raised_at: s.started_at,
            done_at: s.signed_at,
            on: s.signed_on,
        }))
    }

    /// Writes the flag and escalation task a safety rule raised, closed
    /// since: the flag cleared, the task done the day it was raised. A
    /// generated caseload writes these after every patient, so the flags'
    /// and tasks' ids of the rest stay as they were before screenings.
    pub fn load_safety_raised(&mut self, raised: &SafetyRaised) -> Result<(), StoreError> {
        let at = utc_text(raised.raised_at);
        self.conn()
            .prepare_cached(
                "INSERT INTO patient_flag (patient_id, kind, text, active, created_at)
                 VALUES (?1, ?2, ?3, 0, ?4)",
            )?
            .execute(params![
                raised.patient_id,
                FlagKind::Safety.code(),
                raised.flag,
                at
            ])?;
        self.insert_task(&NewTask {
            patient_id: raised.patient_id,
            owner_id: Some(raised.owner_id),
            kind: TaskKind::FollowUp,
            description: raised.task.clone(),
            status: TaskStatus::Completed,
            priority: Priority::Stat,
            due_on: Some(raised.on),
            hard_deadline: true,
            authored_at: raised.raised_at,
            completed_at: Some(raised.done_at),
        })?;
        Ok(())
    }
}
