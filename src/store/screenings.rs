//! Screenings (issue 18): written as they are answered, signed once, read
//! back for the patient's trends and for the FHIR export. The scoring and
//! the rules are the instrument's (`domain::instrument`); here each save is
//! one transaction, and a safety rule's flag and escalation task are
//! written in the same one as the answer that fired it.

use chrono::{DateTime, NaiveDate, Utc};
use rusqlite::{params, OptionalExtension};

use super::caseload::{local_day, parse_instant};
use super::write::utc_text;
use super::{AuditAction, NewTask, Store, StoreError, Tx};
use crate::domain::patient::FlagKind;
use crate::domain::role::Right;
use crate::domain::task::{Priority, TaskKind, TaskStatus};

/// Where a screening stands.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ScreeningStatus {
    /// Being answered (or left unfinished): offered back.
    InProgress,
    /// Signed: final.
    Completed,
    /// Thrown away unfinished.
    Abandoned,
}

impl ScreeningStatus {
    pub fn code(self) -> &'static str {
        match self {
            ScreeningStatus::InProgress => "in-progress",
            ScreeningStatus::Completed => "completed",
            ScreeningStatus::Abandoned => "abandoned",
        }
    }

    pub fn from_code(code: &str) -> Option<ScreeningStatus> {
        [
            ScreeningStatus::InProgress,
            ScreeningStatus::Completed,
            ScreeningStatus::Abandoned,
        ]
        .into_iter()
        .find(|s| s.code() == code)
    }
}

/// One item's answer as stored: what was chosen, in the words and with the
/// score it had when chosen.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SavedAnswer {
    /// The instrument's item id ("9").
    pub item: String,
    /// The item's place in the instrument, from 0.
    pub position: usize,
    /// The options chosen, by index.
    pub chosen: Vec<usize>,
    /// Their words, joined with "; ".
    pub label: Option<String>,
    pub score: Option<u32>,
    /// Their LOINC answer codes, where the instrument gives them.
    pub codes: Vec<String>,
    /// A free-text answer.
    pub text: Option<String>,
}

/// One screening, with its answers.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Screening {
    pub id: i64,
    pub patient_id: i64,
    pub instrument: String,
    pub instrument_name: String,
    pub author: String,
    pub started_at: DateTime<Utc>,
    pub status: ScreeningStatus,
    /// The item on screen when last saved.
    pub position: usize,
    pub signed_at: Option<DateTime<Utc>>,
    pub signed_by: Option<String>,
    pub total: Option<u32>,
    pub band: Option<String>,
    pub safety_raised: bool,
    /// The signed screening this one corrects.
    pub corrects_id: Option<i64>,
    pub answers: Vec<SavedAnswer>,
}

/// A signed screening's result: a point of the patient's trend.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ScreeningResult {
    pub id: i64,
    pub instrument: String,
    pub instrument_name: String,
    /// The coordinator's day it was signed.
    pub signed_on: NaiveDate,
    pub total: Option<u32>,
    pub band: Option<String>,
}

/// A screening left unfinished, to offer back.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct UnfinishedScreening {
    pub id: i64,
    pub patient_id: i64,
    pub patient_name: String,
    pub instrument: String,
    pub instrument_name: String,
    pub answered: usize,
    pub position: usize,
}

/// What a safety rule raises at once: the patient's flag and the
/// escalation task, due now.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SafetyRaise {
    pub flag: String,
    pub task: String,
}

fn refused(why: &str) -> StoreError {
    StoreError::Refused(why.into())
}

const SCREENING_COLUMNS: &str = "s.id, s.patient_id, s.instrument, s.instrument_name,
    a.username, s.started_at, s.status, s.position, s.signed_at, b.username, s.total, s.band,
    s.safety_raised_at IS NOT NULL, s.corrects_id";

fn read_screening(row: &rusqlite::Row<'_>) -> rusqlite::Result<Screening> {
    let id: i64 = row.get(0)?;
    let bad = |i: usize| {
        rusqlite::Error::FromSqlConversionFailure(
            i,
            rusqlite::types::Type::Text,
            format!("screening {id}: column {i} cannot be read").into(),
        )
    };
    let started: String = row.get(5)?;
    let status: String = row.get(6)?;
    let signed: Option<String> = row.get(8)?;
    Ok(Screening {
        id,
        patient_id: row.get(1)?,
        instrument: row.get(2)?,
        instrument_name: row.get(3)?,
        author: row.get(4)?,
        started_at: parse_instant(&started).ok_or_else(|| bad(5))?,
        status: ScreeningStatus::from_code(&status).ok_or_else(|| bad(6))?,
        position: row.get::<_, i64>(7)?.max(0) as usize,
        signed_at: match signed {
            Some(text) => Some(parse_instant(&text).ok_or_else(|| bad(8))?),
            None => None,
        },
        signed_by: row.get(9)?,
        total: row.get(10)?,
        band: row.get(11)?,
        safety_raised: row.get(12)?,
        corrects_id: row.get(13)?,
        answers: Vec::new(),
    })
}

fn split_list(text: Option<String>) -> Vec<String> {
    text.map(|t| {
        t.split(',')
            .filter(|s| !s.is_empty())
            .map(str::to_string)
            .collect()
    })
    .unwrap_or_default()
}

impl Store {
    /// Starts a screening of the patient with the instrument (`corrects`:
    /// the signed one it will correct).
    pub fn start_screening(
        &mut self,
        patient_id: i64,
        instrument: &str,
        instrument_name: &str,
        corrects: Option<i64>,
    ) -> Result<i64, StoreError> {
        self.require(Right::WriteCharts)?;
        self.require_reach(patient_id)?;
        let agent = self.agent.clone();
        self.write(|tx| {
            let author = tx.practitioner(&agent, &agent)?;
            let now = utc_text(tx.now());
            tx.conn()
                .prepare_cached(
                    "INSERT INTO screening (patient_id, instrument, instrument_name, author_id,
                       started_at, corrects_id, updated_at)
                     VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?5)",
                )?
                .execute(params![
                    patient_id,
                    instrument,
                    instrument_name,
                    author,
                    now,
                    corrects
                ])?;
            let id = tx.conn().last_insert_rowid();
            tx.audit(
                AuditAction::Create,
                "QuestionnaireResponse",
                Some(id),
                Some(patient_id),
                Some(instrument),
            )?;
            Ok(id)
        })
    }

    /// Saves the screening's answers so far and the item on screen, in one
    /// transaction; with `safety`, raises the patient's safety flag and an
    /// escalation task due today (once a screening). True when it raised
    /// them now. On a full disk the room kept aside is given to it, as to a
    /// note's draft.
    pub fn save_screening(
        &mut self,
        id: i64,
        answers: &[SavedAnswer],
        position: usize,
        safety: Option<&SafetyRaise>,
    ) -> Result<bool, StoreError> {
        self.with_room(|store| store.save_screening_once(id, answers, position, safety))
    }

    fn save_screening_once(
        &mut self,
        id: i64,
        answers: &[SavedAnswer],
        position: usize,
        safety: Option<&SafetyRaise>,
    ) -> Result<bool, StoreError> {
        self.require(Right::WriteCharts)?;
        let screening = self.open_screening(id)?;
        let agent = self.agent.clone();
        let today = self.clock.today();
        self.write(|tx| {
            write_answers(tx, id, answers)?;
            let now = utc_text(tx.now());
            tx.conn()
                .prepare_cached(
                    "UPDATE screening SET position = ?2, updated_at = ?3 WHERE id = ?1",
                )?
                .execute(params![id, position as i64, now])?;
            let raised = match safety {
                Some(raise) if !screening.safety_raised => {
                    raise_safety(tx, &screening, raise, &agent, today)?;
                    true
                }
                _ => false,
            };
            tx.audit(
                AuditAction::Update,
                "QuestionnaireResponse",
                Some(id),
                Some(screening.patient_id),
                None,
            )?;
            Ok(raised)
        })
    }

    /// Signs the screening with its answers, total and band: from now on it
    /// cannot change. On a full disk the room kept aside is given to it.
    pub fn sign_screening(
        &mut self,
        id: i64,
        answers: &[SavedAnswer],
        total: Option<u32>,
        band: Option<&str>,
    ) -> Result<(), StoreError> {
        self.with_room(|store| store.sign_screening_once(id, answers, total, band))
    }

    fn sign_screening_once(
        &mut self,
        id: i64,
        answers: &[SavedAnswer],
        total: Option<u32>,
        band: Option<&str>,
    ) -> Result<(), StoreError> {
        self.require(Right::WriteCharts)?;
        let screening = self.open_screening(id)?;
        let agent = self.agent.clone();
        self.write(|tx| {
            write_answers(tx, id, answers)?;
            let signer = tx.practitioner(&agent, &agent)?;
            let now = utc_text(tx.now());
            tx.conn()
                .prepare_cached(
                    "UPDATE screening SET status = 'completed', signed_at = ?2, signed_by = ?3,
                       total = ?4, band = ?5, updated_at = ?2
                     WHERE id = ?1",
                )?
                .execute(params![id, now, signer, total, band])?;
            tx.complete_screening_due(screening.patient_id, &screening.instrument)?;
            tx.audit(
                AuditAction::Update,
                "QuestionnaireResponse",
                Some(id),
                Some(screening.patient_id),
                Some("signed"),
            )?;
            Ok(())
        })
    }

    /// Throws an unfinished screening away (it stays, marked abandoned).
    pub fn abandon_screening(&mut self, id: i64) -> Result<(), StoreError> {
        self.require(Right::WriteCharts)?;
        let screening = self.open_screening(id)?;
        self.write(|tx| {
            let now = utc_text(tx.now());
            tx.conn()
                .prepare_cached(
                    "UPDATE screening SET status = 'abandoned', updated_at = ?2 WHERE id = ?1",
                )?
                .execute(params![id, now])?;
            tx.audit(
                AuditAction::Delete,
                "QuestionnaireResponse",
                Some(id),
                Some(screening.patient_id),
                Some("abandoned"),
            )?;
            Ok(())
        })
    }

    /// The screening, with its answers in the instrument's order.
    pub fn screening(&self, id: i64) -> Result<Option<Screening>, StoreError> {
        self.require(Right::ReadCharts)?;
        let sql = format!(
            "SELECT {SCREENING_COLUMNS} FROM screening s
               JOIN practitioner a ON a.id = s.author_id
               LEFT JOIN practitioner b ON b.id = s.signed_by
              WHERE s.id = ?1"
        );
        let found = self
            .conn()
            .prepare_cached(&sql)?
            .query_row([id], read_screening)
            .optional()?;
        let Some(mut screening) = found else {
            return Ok(None);
        };
        self.require_reach(screening.patient_id)?;
        screening.answers = self.screening_answers(id)?;
        Ok(Some(screening))
    }

    fn screening_answers(&self, id: i64) -> Result<Vec<SavedAnswer>, StoreError> {
        let mut stmt = self.conn().prepare_cached(
            "SELECT item, position, chosen, label, score, code, text FROM screening_answer
              WHERE screening_id = ?1 ORDER BY position",
        )?;
        let rows = stmt.query_map([id], |row| {
            Ok(SavedAnswer {
                item: row.get(0)?,
                position: row.get::<_, i64>(1)?.max(0) as usize,
                chosen: split_list(row.get(2)?)
                    .iter()
                    .filter_map(|i| i.parse().ok())
                    .collect(),
                label: row.get(3)?,
                score: row.get(4)?,
                codes: split_list(row.get(5)?),
                text: row.get(6)?,
            })
        })?;
        Ok(rows.collect::<Result<_, _>>()?)
    }

    /// The patient's signed screenings, with their answers, oldest first.
    pub fn signed_screenings(&self, patient_id: i64) -> Result<Vec<Screening>, StoreError> {
        self.require(Right::ReadCharts)?;
        self.require_reach(patient_id)?;
        let sql = format!(
            "SELECT {SCREENING_COLUMNS} FROM screening s
               JOIN practitioner a ON a.id = s.author_id
               LEFT JOIN practitioner b ON b.id = s.signed_by
              WHERE s.patient_id = ?1 AND s.status = 'completed'
              ORDER BY s.signed_at, s.id"
        );
        let mut stmt = self.conn().prepare_cached(&sql)?;
        let mut screenings: Vec<Screening> = stmt
            .query_map([patient_id], read_screening)?
            .collect::<Result<_, _>>()?;
        for screening in &mut screenings {
            screening.answers = self.screening_answers(screening.id)?;
        }
        Ok(screenings)
    }

    /// The results of the patient's signed screenings, oldest first: their
    /// trends, without the answers. A screening a later signed one corrects
    /// is left out: the correction stands in its place.
    pub fn screening_results(&self, patient_id: i64) -> Result<Vec<ScreeningResult>, StoreError> {
        self.require(Right::ReadCharts)?;
        self.require_reach(patient_id)?;
        let mut stmt = self.conn().prepare_cached(
            "SELECT s.id, s.instrument, s.instrument_name, s.signed_at, s.total, s.band
               FROM screening s
              WHERE s.patient_id = ?1 AND s.status = 'completed'
                AND NOT EXISTS (SELECT 1 FROM screening c
                                 WHERE c.corrects_id = s.id AND c.status = 'completed')
              ORDER BY s.signed_at, s.id",
        )?;
        let offset = self.offset();
        let rows = stmt.query_map([patient_id], |row| {
            let signed: String = row.get(3)?;
            Ok(ScreeningResult {
                id: row.get(0)?,
                instrument: row.get(1)?,
                instrument_name: row.get(2)?,
                signed_on: local_day(&signed, offset).unwrap_or_default(),
                total: row.get(4)?,
                band: row.get(5)?,
            })
        })?;
        Ok(rows.collect::<Result<_, _>>()?)
    }

    /// The screenings the user left unfinished, newest first.
    pub fn unfinished_screenings(&self) -> Result<Vec<UnfinishedScreening>, StoreError> {
        self.require(Right::ReadCharts)?;
        let reach = self.reach("p");
        let sql = format!(
            "SELECT s.id, s.patient_id, p.family_name, p.given_name, s.instrument,
                    s.instrument_name, s.position,
                    (SELECT count(*) FROM screening_answer x WHERE x.screening_id = s.id)
               FROM screening s JOIN patient p ON p.id = s.patient_id
              WHERE s.status = 'in-progress'
                AND s.author_id = (SELECT id FROM practitioner WHERE username = ?1)
                AND {reach}
              ORDER BY s.updated_at DESC, s.id DESC"
        );
        let mut stmt = self.conn().prepare_cached(&sql)?;
        let rows = stmt.query_map([&self.agent], |row| {
            Ok(UnfinishedScreening {
                id: row.get(0)?,
                patient_id: row.get(1)?,
                patient_name: crate::domain::patient::list_name(
                    &row.get::<_, String>(2)?,
                    &row.get::<_, String>(3)?,
                ),
                instrument: row.get(4)?,
                instrument_name: row.get(5)?,
                position: row.get::<_, i64>(6)?.max(0) as usize,
                answered: row.get::<_, i64>(7)?.max(0) as usize,
            })
        })?;
        Ok(rows.collect::<Result<_, _>>()?)
    }

    /// The screening of the patient with this instrument the user left
    /// unfinished, if any (the newest).
    pub fn unfinished_screening(
        &self,
        patient_id: i64,
        instrument: &str,
    ) -> Result<Option<Screening>, StoreError> {
        self.require(Right::ReadCharts)?;
        self.require_reach(patient_id)?;
        let id: Option<i64> = self
            .conn()
            .prepare_cached(
                "SELECT s.id FROM screening s
                  WHERE s.patient_id = ?1 AND s.instrument = ?2 AND s.status = 'in-progress'
                    AND s.author_id = (SELECT id FROM practitioner WHERE username = ?3)
                  ORDER BY s.updated_at DESC, s.id DESC LIMIT 1",
            )?
            .query_row(params![patient_id, instrument, self.agent], |row| {
                row.get(0)
            })
            .optional()?;
        match id {
            Some(id) => self.screening(id),
            None => Ok(None),
        }
    }

    /// The screening, which must be unfinished and within reach.
    fn open_screening(&self, id: i64) -> Result<Screening, StoreError> {
        let screening = self
            .screening(id)?
            .ok_or_else(|| refused("that screening is not in the database"))?;
        if screening.status != ScreeningStatus::InProgress {
            return Err(refused(
                "a signed screening cannot be changed: start a new one to correct it",
            ));
        }
        Ok(screening)
    }
}

/// Writes the answers in place of those saved before.
fn write_answers(tx: &mut Tx<'_>, id: i64, answers: &[SavedAnswer]) -> Result<(), StoreError> {
    tx.conn()
        .prepare_cached("DELETE FROM screening_answer WHERE screening_id = ?1")?
        .execute([id])?;
    let mut insert = tx.conn().prepare_cached(
        "INSERT INTO screening_answer (screening_id, item, position, chosen, label, score, code,
           text)
         VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8)",
    )?;
    for answer in answers {
        let chosen: Vec<String> = answer.chosen.iter().map(usize::to_string).collect();
        insert.execute(params![
            id,
            answer.item,
            answer.position as i64,
            (!chosen.is_empty()).then(|| chosen.join(",")),
            answer.label,
            answer.score,
            (!answer.codes.is_empty()).then(|| answer.codes.join(",")),
            answer.text,
        ])?;
    }
    Ok(())
}

/// The patient's safety flag and the escalation task, due today with a
/// hard deadline and stat priority (first in Today: see
/// `domain::urgency`), owned by whoever is screening.
fn raise_safety(
    tx: &mut Tx<'_>,
    screening: &Screening,
    raise: &SafetyRaise,
    agent: &str,
    today: NaiveDate,
) -> Result<(), StoreError> {
    let patient = screening.patient_id;
    let flag = tx.insert_flag(patient, FlagKind::Safety, &raise.flag)?;
    tx.audit(AuditAction::Create, "Flag", Some(flag), Some(patient), None)?;
    let owner = tx.practitioner(agent, agent)?;
    let task = tx.insert_task(&NewTask {
        patient_id: patient,
        owner_id: Some(owner),
        kind: TaskKind::FollowUp,
        description: raise.task.clone(),
        status: TaskStatus::Requested,
        priority: Priority::Stat,
        due_on: Some(today),
        hard_deadline: true,
        authored_at: tx.now(),
        completed_at: None,
    })?;
    tx.audit(AuditAction::Create, "Task", Some(task), Some(patient), None)?;
    let now = utc_text(tx.now());
    tx.conn()
        .prepare_cached("UPDATE screening SET safety_raised_at = ?2 WHERE id = ?1")?
        .execute(params![screening.id, now])?;
    Ok(())
}
