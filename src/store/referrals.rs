//! Referrals (FHIR ServiceRequest): written, moved along their loop, and
//! read for the patient (issue 17). The rules are in
//! `domain::referral`; here each move is checked by them and written with
//! its next step in one transaction (see `loop_steps`).

use chrono::NaiveDate;
use rusqlite::{params, OptionalExtension};

use super::caseload::{local_day, parse_date};
use super::loop_steps::{as_read, StepEnd};
use super::write::{date_text, utc_text};
use super::{AuditAction, Store, StoreError};
use crate::domain::loops::MoveRefused;
use crate::domain::referral::{self, ReceiptConfirmation, ReferralKind, ReferralStatus, Urgency};
use crate::domain::role::Right;

/// A referral as the screen, the exports and the tests read it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Referral {
    pub id: i64,
    pub patient_id: i64,
    pub kind: ReferralKind,
    pub status: ReferralStatus,
    pub urgency: Urgency,
    pub reason: String,
    pub need_id: Option<i64>,
    pub goal_id: Option<i64>,
    /// The receiver as it was when referred: kept when the directory's
    /// service is later removed.
    pub to_name: String,
    pub to_phone: Option<String>,
    /// The directory's service id (HSDS), when referred from the directory.
    pub service_ref: Option<String>,
    pub appointment_on: Option<NaiveDate>,
    pub confirmation: Option<ReceiptConfirmation>,
    pub status_note: Option<String>,
    /// The day the status was set.
    pub status_on: NaiveDate,
    /// The open task that is the referral's next step.
    pub task_id: Option<i64>,
    /// The next step's due date, while open.
    pub next_due: Option<NaiveDate>,
    pub created_on: NaiveDate,
    pub version: i64,
}

/// A referral before it is stored.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct NewReferral {
    pub patient_id: i64,
    pub kind: ReferralKind,
    pub urgency: Urgency,
    pub reason: String,
    pub need_id: Option<i64>,
    pub goal_id: Option<i64>,
    pub to_name: String,
    pub to_phone: Option<String>,
    pub service_ref: Option<String>,
    /// Sent at once (the usual case) or kept as a draft.
    pub sent: bool,
}

/// A move of a referral along its loop.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ReferralMove {
    pub to: ReferralStatus,
    /// Scheduled: the day of the service, when known.
    pub appointment_on: Option<NaiveDate>,
    /// Closed: how receipt was confirmed (required).
    pub confirmation: Option<ReceiptConfirmation>,
    /// What the receiver said; why declined or cancelled.
    pub note: Option<String>,
}

pub(super) const REFERRAL_COLUMNS: &str = "r.id, r.patient_id, r.kind, r.status, r.urgency,
    r.reason, r.need_id, r.goal_id, r.to_name, r.to_phone, r.service_ref, r.appointment_on,
    r.confirmation, r.status_note, r.status_on, r.task_id,
    (SELECT t.due_on FROM task t WHERE t.id = r.task_id
        AND (t.status = 'requested' OR t.status = 'in-progress')),
    r.created_at, r.version";

pub(super) fn read_referral(
    row: &rusqlite::Row<'_>,
    offset: chrono::FixedOffset,
) -> rusqlite::Result<Referral> {
    let id: i64 = row.get(0)?;
    let bad = |i: usize| {
        rusqlite::Error::FromSqlConversionFailure(
            i,
            rusqlite::types::Type::Text,
            format!("referral {id}: column {i} cannot be read").into(),
        )
    };
    let code = |i: usize| -> rusqlite::Result<String> { row.get(i) };
    let date = |i: usize| -> rusqlite::Result<Option<NaiveDate>> {
        let text: Option<String> = row.get(i)?;
        Ok(text.as_deref().and_then(parse_date))
    };
    let created: String = row.get(17)?;
    Ok(Referral {
        id,
        patient_id: row.get(1)?,
        kind: ReferralKind::from_code(&code(2)?).ok_or_else(|| bad(2))?,
        status: ReferralStatus::from_code(&code(3)?).ok_or_else(|| bad(3))?,
        urgency: Urgency::from_code(&code(4)?).ok_or_else(|| bad(4))?,
        reason: row.get(5)?,
        need_id: row.get(6)?,
        goal_id: row.get(7)?,
        to_name: row.get(8)?,
        to_phone: row.get(9)?,
        service_ref: row.get(10)?,
        appointment_on: date(11)?,
        confirmation: row
            .get::<_, Option<String>>(12)?
            .as_deref()
            .and_then(ReceiptConfirmation::from_code),
        status_note: row.get(13)?,
        status_on: date(14)?.ok_or_else(|| bad(14))?,
        task_id: row.get(15)?,
        next_due: date(16)?,
        created_on: local_day(&created, offset).ok_or_else(|| bad(17))?,
        version: row.get(18)?,
    })
}

impl Store {
    /// The patient's referrals: open ones first, then the rest, newest
    /// first within each.
    pub fn referrals(&self, patient_id: i64) -> Result<Vec<Referral>, StoreError> {
        self.require(Right::ReadCharts)?;
        self.require_reach(patient_id)?;
        let sql = format!(
            "SELECT {REFERRAL_COLUMNS} FROM referral r WHERE r.patient_id = ?1
              ORDER BY (r.status = 'closed' OR r.status = 'declined' OR r.status = 'cancelled'),
                       r.created_at DESC, r.id DESC"
        );
        let mut stmt = self.conn().prepare_cached(&sql)?;
        let rows = stmt.query_map([patient_id], |r| read_referral(r, self.offset()))?;
        Ok(rows.collect::<Result<_, _>>()?)
    }

    pub fn referral(&self, id: i64) -> Result<Option<Referral>, StoreError> {
        self.require(Right::ReadCharts)?;
        let row = read_referral_by_id(self.conn(), id, self.offset())?;
        if let Some(r) = &row {
            self.require_reach(r.patient_id)?;
        }
        Ok(row)
    }

    /// Writes a referral, sent (or a draft), with its first next step.
    pub fn add_referral(&mut self, new: &NewReferral) -> Result<i64, StoreError> {
        self.require(Right::WriteCharts)?;
        self.require_reach(new.patient_id)?;
        let reason = new.reason.trim();
        let to_name = new.to_name.trim();
        if reason.is_empty() {
            return Err(refused("a referral needs its reason"));
        }
        if to_name.is_empty() {
            return Err(refused("a referral needs who it goes to"));
        }
        let agent = self.agent.clone();
        let (rules, calendar) = (self.loops.clone(), self.calendar.clone());
        let today = self.clock.today();
        self.write(|tx| {
            let author = tx.practitioner(&agent, &agent)?;
            let status = if new.sent {
                ReferralStatus::Sent
            } else {
                ReferralStatus::Draft
            };
            let now = utc_text(tx.now());
            tx.conn()
                .prepare_cached(
                    "INSERT INTO referral (patient_id, kind, status, urgency, reason, need_id,
                       goal_id, to_name, to_phone, service_ref, status_on, author_id,
                       created_at, updated_at)
                     VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13, ?13)",
                )?
                .execute(params![
                    new.patient_id,
                    new.kind.code(),
                    status.code(),
                    new.urgency.code(),
                    reason,
                    new.need_id,
                    new.goal_id,
                    to_name,
                    new.to_phone
                        .as_deref()
                        .map(str::trim)
                        .filter(|p| !p.is_empty()),
                    new.service_ref,
                    date_text(today),
                    author,
                    now,
                ])?;
            let id = tx.conn().last_insert_rowid();
            tx.audit(
                AuditAction::Create,
                "ServiceRequest",
                Some(id),
                Some(new.patient_id),
                Some(&format!("{} referral, {}", new.kind.code(), status.code())),
            )?;
            let step = referral::next_step(status, today, None, &rules, &calendar);
            let urgent = new.urgency == Urgency::Urgent;
            let task = match step {
                Some(step) => Some(tx.open_step(new.patient_id, &step, urgent)?),
                None => None,
            };
            tx.conn().execute(
                "UPDATE referral SET task_id = ?2 WHERE id = ?1",
                params![id, task],
            )?;
            Ok(id)
        })
    }

    /// Moves a referral along its loop, refused (with the reason) when the
    /// loop does not allow it, and refused as a conflict when another
    /// session changed it since `version` was read.
    pub fn move_referral(
        &mut self,
        id: i64,
        version: i64,
        change: &ReferralMove,
    ) -> Result<(), StoreError> {
        self.require(Right::WriteCharts)?;
        let before = as_read(
            self.referral(id)?,
            |r| r.version,
            version,
            ("referral", "referral", id),
        )?;
        let confirmation = if change.to == ReferralStatus::Closed {
            Some(referral::close(before.status, change.confirmation).map_err(from_move)?)
        } else {
            referral::move_allowed(before.status, change.to).map_err(from_move)?;
            None
        };
        let appointment_on = match change.to {
            ReferralStatus::Scheduled => change.appointment_on,
            _ => before.appointment_on,
        };
        let (rules, calendar) = (self.loops.clone(), self.calendar.clone());
        let today = self.clock.today();
        self.write(|tx| {
            let end = if change.to == ReferralStatus::Cancelled {
                StepEnd::Cancelled
            } else {
                StepEnd::Done
            };
            tx.close_step(
                before.task_id,
                end,
                &format!("referral {}", change.to.label()),
            )?;
            let step = referral::next_step(change.to, today, appointment_on, &rules, &calendar);
            let urgent = before.urgency == Urgency::Urgent;
            let task = match step {
                Some(step) => Some(tx.open_step(before.patient_id, &step, urgent)?),
                None => None,
            };
            let note = change
                .note
                .as_deref()
                .map(str::trim)
                .filter(|n| !n.is_empty());
            tx.conn()
                .prepare_cached(
                    "UPDATE referral SET status = ?2, appointment_on = ?3, confirmation = ?4,
                            status_note = COALESCE(?5, status_note), status_on = ?6,
                            task_id = ?7, updated_at = ?8, version = version + 1
                      WHERE id = ?1",
                )?
                .execute(params![
                    id,
                    change.to.code(),
                    appointment_on.map(date_text),
                    confirmation.map(|c| c.code()),
                    note,
                    date_text(today),
                    task,
                    utc_text(tx.now()),
                ])?;
            let detail = match confirmation {
                Some(c) => format!(
                    "{} → {} ({})",
                    before.status.code(),
                    change.to.code(),
                    c.code()
                ),
                None => format!("{} → {}", before.status.code(), change.to.code()),
            };
            tx.audit(
                AuditAction::Update,
                "ServiceRequest",
                Some(id),
                Some(before.patient_id),
                Some(&detail),
            )
        })
    }
}

pub(super) fn read_referral_by_id(
    conn: &rusqlite::Connection,
    id: i64,
    offset: chrono::FixedOffset,
) -> Result<Option<Referral>, StoreError> {
    let sql = format!("SELECT {REFERRAL_COLUMNS} FROM referral r WHERE r.id = ?1");
    Ok(conn
        .prepare_cached(&sql)?
        .query_row([id], |r| read_referral(r, offset))
        .optional()?)
}

fn refused(why: &str) -> StoreError {
    StoreError::Refused(format!("{why}; nothing was changed"))
}

pub(super) fn from_move(refusal: MoveRefused) -> StoreError {
    refused(&refusal.0)
}
