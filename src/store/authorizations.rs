//! Prior authorizations (FHIR Claim with use `preauthorization`, and the
//! payer's ClaimResponse): submitted, followed up, decided, appealed,
//! renewed (issue 17). The rules are in `domain::authorization`.

use chrono::NaiveDate;
use rusqlite::{params, OptionalExtension};

use super::caseload::{local_day, parse_date};
use super::loop_steps::{as_read, StepEnd};
use super::referrals::from_move;
use super::write::{date_text, utc_text};
use super::{AuditAction, Store, StoreError};
use crate::domain::authorization::{self, AuthStatus};
use crate::domain::role::Right;

/// A prior authorization as the screen, the exports and the tests read it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Authorization {
    pub id: i64,
    pub patient_id: i64,
    pub status: AuthStatus,
    pub payer: String,
    /// The service or medication, in words.
    pub item: String,
    /// Its code system (`cpt`, `hcpcs`, `rxnorm`, `ndc`) and code.
    pub item_system: Option<String>,
    pub item_code: Option<String>,
    /// ICD-10-CM.
    pub diagnosis_code: Option<String>,
    pub submitted_on: Option<NaiveDate>,
    /// The date on the payer's notice.
    pub decided_on: Option<NaiveDate>,
    pub units: Option<u32>,
    pub authorized_from: Option<NaiveDate>,
    pub authorized_until: Option<NaiveDate>,
    /// The payer's authorization number.
    pub payer_ref: Option<String>,
    pub status_note: Option<String>,
    pub status_on: NaiveDate,
    pub task_id: Option<i64>,
    /// The next step's due date, while open.
    pub next_due: Option<NaiveDate>,
    pub created_on: NaiveDate,
    pub version: i64,
}

/// A prior authorization before it is stored.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct NewAuthorization {
    pub patient_id: i64,
    pub payer: String,
    pub item: String,
    pub item_system: Option<String>,
    pub item_code: Option<String>,
    pub diagnosis_code: Option<String>,
    /// Submitted today, or kept as a draft.
    pub submitted: bool,
}

/// A move of a prior authorization: a submission, or the payer's answer.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct AuthMove {
    pub to: AuthStatus,
    /// The date of the submission or of the payer's notice; today when
    /// `None`. A denial's appeal deadline counts from it.
    pub on: Option<NaiveDate>,
    pub units: Option<u32>,
    pub authorized_from: Option<NaiveDate>,
    pub authorized_until: Option<NaiveDate>,
    pub payer_ref: Option<String>,
    pub note: Option<String>,
}

/// The code systems an authorized item may be coded in.
pub const ITEM_SYSTEMS: [&str; 4] = ["cpt", "hcpcs", "rxnorm", "ndc"];

pub(super) const AUTH_COLUMNS: &str = "z.id, z.patient_id, z.status, z.payer, z.item,
    z.item_system, z.item_code, z.diagnosis_code, z.submitted_on, z.decided_on, z.units,
    z.authorized_from, z.authorized_until, z.payer_ref, z.status_note, z.status_on, z.task_id,
    (SELECT t.due_on FROM task t WHERE t.id = z.task_id
        AND (t.status = 'requested' OR t.status = 'in-progress')),
    z.created_at, z.version";

pub(super) fn read_authorization(
    row: &rusqlite::Row<'_>,
    offset: chrono::FixedOffset,
) -> rusqlite::Result<Authorization> {
    let id: i64 = row.get(0)?;
    let bad = |i: usize| {
        rusqlite::Error::FromSqlConversionFailure(
            i,
            rusqlite::types::Type::Text,
            format!("prior authorization {id}: column {i} cannot be read").into(),
        )
    };
    let date = |i: usize| -> rusqlite::Result<Option<NaiveDate>> {
        let text: Option<String> = row.get(i)?;
        Ok(text.as_deref().and_then(parse_date))
    };
    let status: String = row.get(2)?;
    let created: String = row.get(18)?;
    Ok(Authorization {
        id,
        patient_id: row.get(1)?,
        status: AuthStatus::from_code(&status).ok_or_else(|| bad(2))?,
        payer: row.get(3)?,
        item: row.get(4)?,
        item_system: row.get(5)?,
        item_code: row.get(6)?,
        diagnosis_code: row.get(7)?,
        submitted_on: date(8)?,
        decided_on: date(9)?,
        units: row.get::<_, Option<i64>>(10)?.map(|u| u.max(0) as u32),
        authorized_from: date(11)?,
        authorized_until: date(12)?,
        payer_ref: row.get(13)?,
        status_note: row.get(14)?,
        status_on: date(15)?.ok_or_else(|| bad(15))?,
        task_id: row.get(16)?,
        next_due: date(17)?,
        created_on: local_day(&created, offset).ok_or_else(|| bad(18))?,
        version: row.get(19)?,
    })
}

impl Store {
    /// The patient's prior authorizations, newest first.
    pub fn authorizations(&self, patient_id: i64) -> Result<Vec<Authorization>, StoreError> {
        self.require(Right::ReadCharts)?;
        self.require_reach(patient_id)?;
        let sql = format!(
            "SELECT {AUTH_COLUMNS} FROM prior_auth z WHERE z.patient_id = ?1
              ORDER BY z.created_at DESC, z.id DESC"
        );
        let mut stmt = self.conn().prepare_cached(&sql)?;
        let rows = stmt.query_map([patient_id], |r| read_authorization(r, self.offset()))?;
        Ok(rows.collect::<Result<_, _>>()?)
    }

    pub fn authorization(&self, id: i64) -> Result<Option<Authorization>, StoreError> {
        self.require(Right::ReadCharts)?;
        let sql = format!("SELECT {AUTH_COLUMNS} FROM prior_auth z WHERE z.id = ?1");
        let offset = self.offset();
        let row = self
            .conn()
            .prepare_cached(&sql)?
            .query_row([id], |r| read_authorization(r, offset))
            .optional()?;
        if let Some(a) = &row {
            self.require_reach(a.patient_id)?;
        }
        Ok(row)
    }

    /// Writes a prior authorization, submitted today (with the follow-up
    /// with the payer as its next step) or as a draft.
    pub fn add_authorization(&mut self, new: &NewAuthorization) -> Result<i64, StoreError> {
        self.require(Right::WriteCharts)?;
        self.require_reach(new.patient_id)?;
        let refuse = |why: &str| StoreError::Refused(format!("{why}; nothing was changed"));
        if new.payer.trim().is_empty() {
            return Err(refuse("a prior authorization needs its payer"));
        }
        if new.item.trim().is_empty() {
            return Err(refuse(
                "a prior authorization needs the service or medication",
            ));
        }
        if let Some(system) = &new.item_system {
            if !ITEM_SYSTEMS.contains(&system.as_str()) {
                return Err(refuse(&format!(
                    "the item's code system must be one of {}",
                    ITEM_SYSTEMS.join(", ")
                )));
            }
        }
        let agent = self.agent.clone();
        let (rules, calendar) = (self.loops.clone(), self.calendar.clone());
        let today = self.clock.today();
        self.write(|tx| {
            let author = tx.practitioner(&agent, &agent)?;
            let status = if new.submitted {
                AuthStatus::Submitted
            } else {
                AuthStatus::Draft
            };
            let now = utc_text(tx.now());
            tx.conn()
                .prepare_cached(
                    "INSERT INTO prior_auth (patient_id, status, payer, item, item_system,
                       item_code, diagnosis_code, submitted_on, status_on, author_id,
                       created_at, updated_at)
                     VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?11)",
                )?
                .execute(params![
                    new.patient_id,
                    status.code(),
                    new.payer.trim(),
                    new.item.trim(),
                    new.item_system,
                    new.item_code
                        .as_deref()
                        .map(str::trim)
                        .filter(|c| !c.is_empty()),
                    new.diagnosis_code
                        .as_deref()
                        .map(str::trim)
                        .filter(|c| !c.is_empty()),
                    new.submitted.then(|| date_text(today)),
                    date_text(today),
                    author,
                    now,
                ])?;
            let id = tx.conn().last_insert_rowid();
            tx.audit(
                AuditAction::Create,
                "Claim",
                Some(id),
                Some(new.patient_id),
                Some(&format!("prior authorization, {}", status.code())),
            )?;
            if let Some(step) = authorization::next_step(status, today, None, &rules, &calendar) {
                let task = tx.open_step(new.patient_id, &step, false)?;
                tx.conn().execute(
                    "UPDATE prior_auth SET task_id = ?2 WHERE id = ?1",
                    params![id, task],
                )?;
            }
            Ok(id)
        })
    }

    /// Records a submission or the payer's answer, refused (with the
    /// reason) when the loop does not allow the move.
    pub fn move_authorization(
        &mut self,
        id: i64,
        version: i64,
        change: &AuthMove,
    ) -> Result<(), StoreError> {
        self.require(Right::WriteCharts)?;
        let before = as_read(
            self.authorization(id)?,
            |a| a.version,
            version,
            ("prior authorization", "authorization", id),
        )?;
        authorization::move_allowed(before.status, change.to).map_err(from_move)?;
        let today = self.clock.today();
        let on = change.on.unwrap_or(today);
        if on > today {
            return Err(StoreError::Refused(
                "the date of a submission or a notice cannot be in the future; nothing was changed"
                    .into(),
            ));
        }
        let mut after = before.clone();
        match change.to {
            AuthStatus::Submitted => after.submitted_on = Some(on),
            AuthStatus::Approved => {
                after.decided_on = Some(on);
                after.units = change.units.or(before.units);
                after.authorized_from = change.authorized_from.or(before.authorized_from);
                after.authorized_until = change.authorized_until.or(before.authorized_until);
                if let (Some(from), Some(until)) = (after.authorized_from, after.authorized_until) {
                    if until < from {
                        return Err(StoreError::Refused(
                            "the authorization cannot end before it starts; nothing was changed"
                                .into(),
                        ));
                    }
                }
            }
            AuthStatus::Denied => after.decided_on = Some(on),
            _ => {}
        }
        if change.payer_ref.is_some() {
            after.payer_ref = change.payer_ref.clone();
        }
        let (rules, calendar) = (self.loops.clone(), self.calendar.clone());
        self.write(|tx| {
            tx.close_step(
                before.task_id,
                StepEnd::Done,
                &format!("prior authorization {}", change.to.label()),
            )?;
            let step =
                authorization::next_step(change.to, on, after.authorized_until, &rules, &calendar);
            let task = match step {
                Some(step) => Some(tx.open_step(before.patient_id, &step, false)?),
                None => None,
            };
            let note = change
                .note
                .as_deref()
                .map(str::trim)
                .filter(|n| !n.is_empty());
            tx.conn()
                .prepare_cached(
                    "UPDATE prior_auth SET status = ?2, submitted_on = ?3, decided_on = ?4,
                            units = ?5, authorized_from = ?6, authorized_until = ?7,
                            payer_ref = ?8, status_note = COALESCE(?9, status_note),
                            status_on = ?10, task_id = ?11, updated_at = ?12,
                            version = version + 1
                      WHERE id = ?1",
                )?
                .execute(params![
                    id,
                    change.to.code(),
                    after.submitted_on.map(date_text),
                    after.decided_on.map(date_text),
                    after.units,
                    after.authorized_from.map(date_text),
                    after.authorized_until.map(date_text),
                    after.payer_ref,
                    note,
                    date_text(on),
                    task,
                    utc_text(tx.now()),
                ])?;
            tx.audit(
                AuditAction::Update,
                "Claim",
                Some(id),
                Some(before.patient_id),
                Some(&format!("{} → {}", before.status.code(), change.to.code())),
            )
        })
    }
}
