//! Referrals, appointments and prior authorizations for a FHIR export and
//! import (issue 17): every column read whole, and written back as it was,
//! ids and task links included. The store's own functions
//! (`store::referrals` and its siblings) check each move by the loop's
//! rules and write the next step with it; an import instead restores rows
//! that were already so checked, with the tasks the bundle carries (which
//! are written first, by `insert_patient_data`).
//!
//! Not here, as elsewhere: `version` and `updated_at`, the row's edit
//! bookkeeping, which start afresh in the database imported into.

use chrono::{DateTime, NaiveDate, NaiveDateTime, Utc};
use rusqlite::{params, Row};

use super::read::Skipping;
use crate::domain::appointment::AppointmentStatus;
use crate::domain::authorization::AuthStatus;
use crate::domain::referral::{ReceiptConfirmation, ReferralKind, ReferralStatus, Urgency};
use crate::store::codec::{code, date, date_text, instant, opt_date, unreadable, utc_text};
use crate::store::encounters::{parse_wall, wall_text};
use crate::store::{Store, StoreError, Tx, ITEM_SYSTEMS};

/// Every column of `referral` but its edit bookkeeping.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ReferralRow {
    pub id: i64,
    pub patient_id: i64,
    pub kind: ReferralKind,
    pub status: ReferralStatus,
    pub urgency: Urgency,
    pub reason: String,
    pub need_id: Option<i64>,
    pub goal_id: Option<i64>,
    pub to_name: String,
    pub to_phone: Option<String>,
    /// The directory's service id (HSDS), kept after the service is removed.
    pub service_ref: Option<String>,
    pub appointment_on: Option<NaiveDate>,
    pub confirmation: Option<ReceiptConfirmation>,
    pub status_note: Option<String>,
    pub status_on: NaiveDate,
    /// The open task that is its next step.
    pub task_id: Option<i64>,
    pub author_id: Option<i64>,
    pub created_at: DateTime<Utc>,
}

/// Every column of `appointment` but its edit bookkeeping.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct AppointmentRow {
    pub id: i64,
    pub patient_id: i64,
    pub status: AppointmentStatus,
    /// The local wall clock, as kept.
    pub starts_at: NaiveDateTime,
    pub minutes: Option<i64>,
    pub with_whom: String,
    pub place: Option<String>,
    pub reason: String,
    pub referral_id: Option<i64>,
    pub transport_needed: bool,
    pub transport_arranged: bool,
    pub interpreter_needed: bool,
    pub interpreter_arranged: bool,
    pub reminder_task_id: Option<i64>,
    /// "Did they go?"
    pub task_id: Option<i64>,
    /// The call after a missed one.
    pub outreach_task_id: Option<i64>,
    pub rescheduled_to: Option<i64>,
    pub status_note: Option<String>,
    pub status_on: NaiveDate,
    pub author_id: Option<i64>,
    pub created_at: DateTime<Utc>,
}

/// Every column of `prior_auth` but its edit bookkeeping.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct AuthorizationRow {
    pub id: i64,
    pub patient_id: i64,
    pub status: AuthStatus,
    pub payer: String,
    pub item: String,
    /// One of `store::ITEM_SYSTEMS`.
    pub item_system: Option<String>,
    pub item_code: Option<String>,
    /// ICD-10-CM.
    pub diagnosis_code: Option<String>,
    pub submitted_on: Option<NaiveDate>,
    /// The date on the payer's notice.
    pub decided_on: Option<NaiveDate>,
    pub units: Option<i64>,
    pub authorized_from: Option<NaiveDate>,
    pub authorized_until: Option<NaiveDate>,
    /// The payer's authorization number.
    pub payer_ref: Option<String>,
    pub status_note: Option<String>,
    pub status_on: NaiveDate,
    pub task_id: Option<i64>,
    pub author_id: Option<i64>,
    pub created_at: DateTime<Utc>,
}

/// A patient's closed loops, each list in id order.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct LoopRows {
    pub referrals: Vec<ReferralRow>,
    pub appointments: Vec<AppointmentRow>,
    pub authorizations: Vec<AuthorizationRow>,
}

/// Which step of a loop a task is (see `LoopRows::step_of`).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum StepRole {
    /// The loop's next step (`task_id`).
    NextStep,
    /// An appointment's reminder.
    Reminder,
    /// The call after a missed appointment.
    Outreach,
}

impl StepRole {
    pub const ALL: [StepRole; 3] = [StepRole::NextStep, StepRole::Reminder, StepRole::Outreach];

    pub fn code(self) -> &'static str {
        match self {
            StepRole::NextStep => "next-step",
            StepRole::Reminder => "reminder",
            StepRole::Outreach => "outreach",
        }
    }

    pub fn from_code(code: &str) -> Option<StepRole> {
        StepRole::ALL.into_iter().find(|r| r.code() == code)
    }
}

/// The loop a task is a step of.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum LoopOf {
    Referral(i64),
    Appointment(i64),
    Authorization(i64),
}

impl LoopRows {
    pub fn is_empty(&self) -> bool {
        self.referrals.is_empty() && self.appointments.is_empty() && self.authorizations.is_empty()
    }

    /// The loop `task_id` is a step of, and which step.
    pub fn step_of(&self, task_id: i64) -> Option<(LoopOf, StepRole)> {
        let is = |t: Option<i64>| t == Some(task_id);
        if let Some(r) = self.referrals.iter().find(|r| is(r.task_id)) {
            return Some((LoopOf::Referral(r.id), StepRole::NextStep));
        }
        for a in &self.appointments {
            let role = if is(a.task_id) {
                StepRole::NextStep
            } else if is(a.reminder_task_id) {
                StepRole::Reminder
            } else if is(a.outreach_task_id) {
                StepRole::Outreach
            } else {
                continue;
            };
            return Some((LoopOf::Appointment(a.id), role));
        }
        self.authorizations
            .iter()
            .find(|z| is(z.task_id))
            .map(|z| (LoopOf::Authorization(z.id), StepRole::NextStep))
    }

    /// The practitioners the rows name (their authors).
    pub fn author_ids(&self) -> impl Iterator<Item = i64> + '_ {
        self.referrals
            .iter()
            .filter_map(|r| r.author_id)
            .chain(self.appointments.iter().filter_map(|a| a.author_id))
            .chain(self.authorizations.iter().filter_map(|z| z.author_id))
    }
}

fn wall(row: &Row<'_>, i: usize) -> rusqlite::Result<NaiveDateTime> {
    let text: String = row.get(i)?;
    parse_wall(&text).ok_or_else(|| unreadable(i, "a local date and time"))
}

fn opt_code<T>(
    row: &Row<'_>,
    i: usize,
    from_code: fn(&str) -> Option<T>,
) -> rusqlite::Result<Option<T>> {
    match row.get::<_, Option<String>>(i)? {
        None => Ok(None),
        Some(text) => from_code(&text)
            .map(Some)
            .ok_or_else(|| unreadable(i, "one of tend's codes")),
    }
}

impl Store {
    /// The patient's referrals, appointments and prior authorizations.
    pub(super) fn fhir_loops(
        &self,
        patient_id: i64,
        skip: &mut Skipping<'_>,
    ) -> Result<LoopRows, StoreError> {
        let referrals = self.rows(
            "SELECT id, patient_id, kind, status, urgency, reason, need_id, goal_id, to_name,
                    to_phone, service_ref, appointment_on, confirmation, status_note, status_on,
                    task_id, author_id, created_at
               FROM referral WHERE patient_id = ?1 ORDER BY id",
            [patient_id],
            "referral",
            skip,
            |r| {
                Ok(ReferralRow {
                    id: r.get(0)?,
                    patient_id: r.get(1)?,
                    kind: code(r, 2, ReferralKind::from_code)?,
                    status: code(r, 3, ReferralStatus::from_code)?,
                    urgency: code(r, 4, Urgency::from_code)?,
                    reason: r.get(5)?,
                    need_id: r.get(6)?,
                    goal_id: r.get(7)?,
                    to_name: r.get(8)?,
                    to_phone: r.get(9)?,
                    service_ref: r.get(10)?,
                    appointment_on: opt_date(r, 11)?,
                    confirmation: opt_code(r, 12, ReceiptConfirmation::from_code)?,
                    status_note: r.get(13)?,
                    status_on: date(r, 14)?,
                    task_id: r.get(15)?,
                    author_id: r.get(16)?,
                    created_at: instant(r, 17)?,
                })
            },
        )?;
        let appointments = self.rows(
            "SELECT id, patient_id, status, starts_at, minutes, with_whom, place, reason,
                    referral_id, transport_needed, transport_arranged, interpreter_needed,
                    interpreter_arranged, reminder_task_id, task_id, outreach_task_id,
                    rescheduled_to, status_note, status_on, author_id, created_at
               FROM appointment WHERE patient_id = ?1 ORDER BY id",
            [patient_id],
            "appointment",
            skip,
            |r| {
                Ok(AppointmentRow {
                    id: r.get(0)?,
                    patient_id: r.get(1)?,
                    status: code(r, 2, AppointmentStatus::from_code)?,
                    starts_at: wall(r, 3)?,
                    minutes: r.get(4)?,
                    with_whom: r.get(5)?,
                    place: r.get(6)?,
                    reason: r.get(7)?,
                    referral_id: r.get(8)?,
                    transport_needed: r.get(9)?,
                    transport_arranged: r.get(10)?,
                    interpreter_needed: r.get(11)?,
                    interpreter_arranged: r.get(12)?,
                    reminder_task_id: r.get(13)?,
                    task_id: r.get(14)?,
                    outreach_task_id: r.get(15)?,
                    rescheduled_to: r.get(16)?,
                    status_note: r.get(17)?,
                    status_on: date(r, 18)?,
                    author_id: r.get(19)?,
                    created_at: instant(r, 20)?,
                })
            },
        )?;
        let authorizations = self.rows(
            "SELECT id, patient_id, status, payer, item, item_system, item_code, diagnosis_code,
                    submitted_on, decided_on, units, authorized_from, authorized_until, payer_ref,
                    status_note, status_on, task_id, author_id, created_at
               FROM prior_auth WHERE patient_id = ?1 ORDER BY id",
            [patient_id],
            "prior_auth",
            skip,
            |r| {
                let item_system: Option<String> = r.get(5)?;
                if item_system
                    .as_deref()
                    .is_some_and(|s| !ITEM_SYSTEMS.contains(&s))
                {
                    return Err(unreadable(5, "one of tend's codes"));
                }
                Ok(AuthorizationRow {
                    id: r.get(0)?,
                    patient_id: r.get(1)?,
                    status: code(r, 2, AuthStatus::from_code)?,
                    payer: r.get(3)?,
                    item: r.get(4)?,
                    item_system,
                    item_code: r.get(6)?,
                    diagnosis_code: r.get(7)?,
                    submitted_on: opt_date(r, 8)?,
                    decided_on: opt_date(r, 9)?,
                    units: r.get(10)?,
                    authorized_from: opt_date(r, 11)?,
                    authorized_until: opt_date(r, 12)?,
                    payer_ref: r.get(13)?,
                    status_note: r.get(14)?,
                    status_on: date(r, 15)?,
                    task_id: r.get(16)?,
                    author_id: r.get(17)?,
                    created_at: instant(r, 18)?,
                })
            },
        )?;
        Ok(LoopRows {
            referrals,
            appointments,
            authorizations,
        })
    }
}

impl Tx<'_> {
    /// Writes the loops with their ids and links (after the tasks, needs
    /// and goals they name: foreign keys are checked at commit anyway).
    /// Each row's `updated_at` is its `created_at`: the edit history
    /// starts afresh, as every imported row's does.
    pub(super) fn insert_loops(&mut self, loops: &LoopRows) -> Result<(), StoreError> {
        let conn = self.conn();
        for r in &loops.referrals {
            conn.prepare_cached(
                "INSERT INTO referral (id, patient_id, kind, status, urgency, reason, need_id,
                   goal_id, to_name, to_phone, service_ref, appointment_on, confirmation,
                   status_note, status_on, task_id, author_id, created_at, updated_at)
                 VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13, ?14, ?15, ?16,
                         ?17, ?18, ?18)",
            )?
            .execute(params![
                r.id,
                r.patient_id,
                r.kind.code(),
                r.status.code(),
                r.urgency.code(),
                r.reason,
                r.need_id,
                r.goal_id,
                r.to_name,
                r.to_phone,
                r.service_ref,
                r.appointment_on.map(date_text),
                r.confirmation.map(|c| c.code()),
                r.status_note,
                date_text(r.status_on),
                r.task_id,
                r.author_id,
                utc_text(r.created_at),
            ])?;
        }
        for a in &loops.appointments {
            conn.prepare_cached(
                "INSERT INTO appointment (id, patient_id, status, starts_at, minutes, with_whom,
                   place, reason, referral_id, transport_needed, transport_arranged,
                   interpreter_needed, interpreter_arranged, reminder_task_id, task_id,
                   outreach_task_id, rescheduled_to, status_note, status_on, author_id,
                   created_at, updated_at)
                 VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13, ?14, ?15, ?16,
                         ?17, ?18, ?19, ?20, ?21, ?21)",
            )?
            .execute(params![
                a.id,
                a.patient_id,
                a.status.code(),
                wall_text(a.starts_at),
                a.minutes,
                a.with_whom,
                a.place,
                a.reason,
                a.referral_id,
                a.transport_needed,
                a.transport_arranged,
                a.interpreter_needed,
                a.interpreter_arranged,
                a.reminder_task_id,
                a.task_id,
                a.outreach_task_id,
                a.rescheduled_to,
                a.status_note,
                date_text(a.status_on),
                a.author_id,
                utc_text(a.created_at),
            ])?;
        }
        for z in &loops.authorizations {
            conn.prepare_cached(
                "INSERT INTO prior_auth (id, patient_id, status, payer, item, item_system,
                   item_code, diagnosis_code, submitted_on, decided_on, units, authorized_from,
                   authorized_until, payer_ref, status_note, status_on, task_id, author_id,
                   created_at, updated_at)
                 VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13, ?14, ?15, ?16,
                         ?17, ?18, ?19, ?19)",
            )?
            .execute(params![
                z.id,
                z.patient_id,
                z.status.code(),
                z.payer,
                z.item,
                z.item_system,
                z.item_code,
                z.diagnosis_code,
                z.submitted_on.map(date_text),
                z.decided_on.map(date_text),
                z.units,
                z.authorized_from.map(date_text),
                z.authorized_until.map(date_text),
                z.payer_ref,
                z.status_note,
                date_text(z.status_on),
                z.task_id,
                z.author_id,
                utc_text(z.created_at),
            ])?;
        }
        Ok(())
    }
}
