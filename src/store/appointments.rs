//! Appointments (FHIR Appointment): booked with a reminder before and a
//! "did they go?" after, then kept, missed (which starts outreach),
//! rescheduled (a new appointment) or cancelled (issue 17). The rules are
//! in `domain::appointment`.

use chrono::{NaiveDate, NaiveDateTime};
use rusqlite::{params, OptionalExtension};

use super::caseload::{local_day, parse_date};
use super::encounters::{parse_wall, wall_text};
use super::loop_steps::{as_read, StepEnd};
use super::referrals::from_move;
use super::write::{date_text, utc_text};
use super::{AuditAction, Store, StoreError, Tx};
use crate::domain::appointment::{self, AppointmentStatus};
use crate::domain::loops::NextStep;
use crate::domain::role::Right;
use crate::domain::task::TaskKind;

/// An appointment as the screen, the exports and the tests read it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Appointment {
    pub id: i64,
    pub patient_id: i64,
    pub status: AppointmentStatus,
    /// The clinic's wall clock.
    pub starts_at: NaiveDateTime,
    pub minutes: Option<u32>,
    pub with_whom: String,
    pub place: Option<String>,
    pub reason: String,
    pub referral_id: Option<i64>,
    pub transport_needed: bool,
    pub transport_arranged: bool,
    pub interpreter_needed: bool,
    pub interpreter_arranged: bool,
    pub reminder_task_id: Option<i64>,
    /// "Did they go?", due the day after.
    pub task_id: Option<i64>,
    /// The call after a missed appointment.
    pub outreach_task_id: Option<i64>,
    /// The appointment that replaced this one.
    pub rescheduled_to: Option<i64>,
    pub status_note: Option<String>,
    pub status_on: NaiveDate,
    pub created_on: NaiveDate,
    pub version: i64,
}

impl Appointment {
    /// What is needed and not yet arranged: "transport", "an interpreter".
    pub fn needs_arranging(&self) -> Vec<&'static str> {
        appointment::needs_arranging(
            self.transport_needed,
            self.transport_arranged,
            self.interpreter_needed,
            self.interpreter_arranged,
        )
    }
}

/// An appointment before it is booked.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct NewAppointment {
    pub patient_id: i64,
    pub starts_at: NaiveDateTime,
    pub minutes: Option<u32>,
    pub with_whom: String,
    pub place: Option<String>,
    pub reason: String,
    pub referral_id: Option<i64>,
    pub transport_needed: bool,
    pub transport_arranged: bool,
    pub interpreter_needed: bool,
    pub interpreter_arranged: bool,
}

/// What became of a booked appointment.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct AppointmentMove {
    pub to: AppointmentStatus,
    /// Rescheduled: the new date and time (required).
    pub new_start: Option<NaiveDateTime>,
    pub note: Option<String>,
}

/// An appointment in the week view, with its patient.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct WeekAppointment {
    pub appointment: Appointment,
    pub patient_name: String,
    pub member_id: String,
}

pub(super) const APPOINTMENT_COLUMNS: &str = "a.id, a.patient_id, a.status, a.starts_at,
    a.minutes, a.with_whom, a.place, a.reason, a.referral_id, a.transport_needed,
    a.transport_arranged, a.interpreter_needed, a.interpreter_arranged, a.reminder_task_id,
    a.task_id, a.outreach_task_id, a.rescheduled_to, a.status_note, a.status_on,
    a.created_at, a.version";

pub(super) fn read_appointment(
    row: &rusqlite::Row<'_>,
    offset: chrono::FixedOffset,
) -> rusqlite::Result<Appointment> {
    let id: i64 = row.get(0)?;
    let bad = |i: usize| {
        rusqlite::Error::FromSqlConversionFailure(
            i,
            rusqlite::types::Type::Text,
            format!("appointment {id}: column {i} cannot be read").into(),
        )
    };
    let status: String = row.get(2)?;
    let starts: String = row.get(3)?;
    let status_on: String = row.get(18)?;
    let created: String = row.get(19)?;
    Ok(Appointment {
        id,
        patient_id: row.get(1)?,
        status: AppointmentStatus::from_code(&status).ok_or_else(|| bad(2))?,
        starts_at: parse_wall(&starts).ok_or_else(|| bad(3))?,
        minutes: row
            .get::<_, Option<i64>>(4)?
            .map(|m| m.clamp(0, 24 * 60) as u32),
        with_whom: row.get(5)?,
        place: row.get(6)?,
        reason: row.get(7)?,
        referral_id: row.get(8)?,
        transport_needed: row.get(9)?,
        transport_arranged: row.get(10)?,
        interpreter_needed: row.get(11)?,
        interpreter_arranged: row.get(12)?,
        reminder_task_id: row.get(13)?,
        task_id: row.get(14)?,
        outreach_task_id: row.get(15)?,
        rescheduled_to: row.get(16)?,
        status_note: row.get(17)?,
        status_on: parse_date(&status_on).ok_or_else(|| bad(18))?,
        created_on: local_day(&created, offset).ok_or_else(|| bad(19))?,
        version: row.get(20)?,
    })
}

impl Store {
    /// The patient's appointments, latest start first.
    pub fn appointments(&self, patient_id: i64) -> Result<Vec<Appointment>, StoreError> {
        self.require(Right::ReadCharts)?;
        self.require_reach(patient_id)?;
        let sql = format!(
            "SELECT {APPOINTMENT_COLUMNS} FROM appointment a WHERE a.patient_id = ?1
              ORDER BY a.starts_at DESC, a.id DESC"
        );
        let mut stmt = self.conn().prepare_cached(&sql)?;
        let rows = stmt.query_map([patient_id], |r| read_appointment(r, self.offset()))?;
        Ok(rows.collect::<Result<_, _>>()?)
    }

    /// The patient's booked appointments from today on, soonest first.
    pub fn upcoming_appointments(
        &self,
        patient_id: i64,
        limit: usize,
    ) -> Result<Vec<Appointment>, StoreError> {
        self.require(Right::ReadCharts)?;
        self.require_reach(patient_id)?;
        let sql = format!(
            "SELECT {APPOINTMENT_COLUMNS} FROM appointment a
              WHERE a.patient_id = ?1 AND a.status = 'booked' AND a.starts_at >= ?2
              ORDER BY a.starts_at, a.id LIMIT ?3"
        );
        let mut stmt = self.conn().prepare_cached(&sql)?;
        let today = date_text(self.clock.today());
        let rows = stmt.query_map(params![patient_id, today, limit as i64], |r| {
            read_appointment(r, self.offset())
        })?;
        Ok(rows.collect::<Result<_, _>>()?)
    }

    pub fn appointment(&self, id: i64) -> Result<Option<Appointment>, StoreError> {
        self.require(Right::ReadCharts)?;
        let sql = format!("SELECT {APPOINTMENT_COLUMNS} FROM appointment a WHERE a.id = ?1");
        let offset = self.offset();
        let row = self
            .conn()
            .prepare_cached(&sql)?
            .query_row([id], |r| read_appointment(r, offset))
            .optional()?;
        if let Some(a) = &row {
            self.require_reach(a.patient_id)?;
        }
        Ok(row)
    }

    /// Books an appointment (not in the past) with its reminder and its
    /// "did they go?".
    pub fn book_appointment(&mut self, new: &NewAppointment) -> Result<i64, StoreError> {
        self.require(Right::WriteCharts)?;
        self.require_reach(new.patient_id)?;
        let today = self.clock.today();
        appointment::book(new.starts_at.date(), today).map_err(from_move)?;
        if new.with_whom.trim().is_empty() {
            return Err(StoreError::Refused(
                "an appointment needs who it is with; nothing was changed".into(),
            ));
        }
        if new.reason.trim().is_empty() {
            return Err(StoreError::Refused(
                "an appointment needs its reason; nothing was changed".into(),
            ));
        }
        let agent = self.agent.clone();
        let rules = self.loops.clone();
        self.write(|tx| {
            let author = tx.practitioner(&agent, &agent)?;
            let id = tx.insert_appointment(new, author, today)?;
            tx.audit(
                AuditAction::Create,
                "Appointment",
                Some(id),
                Some(new.patient_id),
                Some("booked"),
            )?;
            tx.open_appointment_steps(id, new, today, &rules)?;
            Ok(id)
        })
    }

    /// Records what became of a booked appointment: kept, missed (a call
    /// to the member follows), rescheduled (booked again at
    /// `new_start`, whose id is given back) or cancelled.
    pub fn move_appointment(
        &mut self,
        id: i64,
        version: i64,
        change: &AppointmentMove,
    ) -> Result<Option<i64>, StoreError> {
        self.require(Right::WriteCharts)?;
        let before = as_read(
            self.appointment(id)?,
            |a| a.version,
            version,
            ("appointment", "appointment", id),
        )?;
        let today = self.clock.today();
        appointment::move_allowed(before.status, change.to, before.starts_at.date(), today)
            .map_err(from_move)?;
        let new_start =
            match (change.to, change.new_start) {
                (AppointmentStatus::Rescheduled, None) => return Err(StoreError::Refused(
                    "a rescheduled appointment needs its new date and time; nothing was changed"
                        .into(),
                )),
                (AppointmentStatus::Rescheduled, Some(at)) => {
                    appointment::book(at.date(), today).map_err(from_move)?;
                    Some(at)
                }
                _ => None,
            };
        let (agent, rules, calendar) = (
            self.agent.clone(),
            self.loops.clone(),
            self.calendar.clone(),
        );
        self.write(|tx| {
            let label = change.to.label();
            tx.close_step(
                before.task_id,
                StepEnd::Done,
                &format!("appointment {label}"),
            )?;
            tx.close_step(
                before.reminder_task_id,
                StepEnd::Cancelled,
                &format!("appointment {label}"),
            )?;
            let outreach = if change.to == AppointmentStatus::Missed {
                let step = appointment::outreach_after_missed(before.starts_at.date(), &calendar);
                Some(tx.open_step(before.patient_id, &step, true)?)
            } else {
                None
            };
            let replaced_by = match new_start {
                Some(at) => {
                    let again = NewAppointment {
                        starts_at: at,
                        ..new_of(&before)
                    };
                    let author = tx.practitioner(&agent, &agent)?;
                    let new_id = tx.insert_appointment(&again, author, today)?;
                    tx.audit(
                        AuditAction::Create,
                        "Appointment",
                        Some(new_id),
                        Some(before.patient_id),
                        Some(&format!("booked, rescheduled from appointment {id}")),
                    )?;
                    tx.open_appointment_steps(new_id, &again, today, &rules)?;
                    Some(new_id)
                }
                None => None,
            };
            let note = change
                .note
                .as_deref()
                .map(str::trim)
                .filter(|n| !n.is_empty());
            tx.conn()
                .prepare_cached(
                    "UPDATE appointment SET status = ?2, outreach_task_id = ?3,
                            rescheduled_to = ?4, status_note = COALESCE(?5, status_note),
                            status_on = ?6, updated_at = ?7, version = version + 1
                      WHERE id = ?1",
                )?
                .execute(params![
                    id,
                    change.to.code(),
                    outreach,
                    replaced_by,
                    note,
                    date_text(today),
                    utc_text(tx.now()),
                ])?;
            tx.audit(
                AuditAction::Update,
                "Appointment",
                Some(id),
                Some(before.patient_id),
                Some(&format!("{} → {}", before.status.code(), change.to.code())),
            )?;
            Ok(replaced_by)
        })
    }

    /// Marks transport and the interpreter arranged (or not), and says so
    /// in the reminder's title.
    pub fn set_arrangements(
        &mut self,
        id: i64,
        version: i64,
        transport_arranged: bool,
        interpreter_arranged: bool,
    ) -> Result<(), StoreError> {
        self.require(Right::WriteCharts)?;
        let before = as_read(
            self.appointment(id)?,
            |a| a.version,
            version,
            ("appointment", "appointment", id),
        )?;
        let after = Appointment {
            transport_arranged,
            interpreter_arranged,
            ..before.clone()
        };
        self.write(|tx| {
            tx.conn().execute(
                "UPDATE appointment SET transport_arranged = ?2, interpreter_arranged = ?3,
                        updated_at = ?4, version = version + 1
                  WHERE id = ?1",
                params![id, transport_arranged, interpreter_arranged, utc_text(tx.now())],
            )?;
            if let Some(task) = before.reminder_task_id {
                tx.conn().execute(
                    "UPDATE task SET description = ?2, version = version + 1, updated_at = ?3
                      WHERE id = ?1 AND (status = 'requested' OR status = 'in-progress')",
                    params![
                        task,
                        reminder_title(&after.with_whom, after.starts_at, &after.needs_arranging()),
                        utc_text(tx.now())
                    ],
                )?;
            }
            tx.audit(
                AuditAction::Update,
                "Appointment",
                Some(id),
                Some(before.patient_id),
                Some(&format!(
                    "transport arranged {transport_arranged}, interpreter arranged {interpreter_arranged}"
                )),
            )
        })
    }
}

impl Tx<'_> {
    fn insert_appointment(
        &mut self,
        new: &NewAppointment,
        author: i64,
        today: NaiveDate,
    ) -> Result<i64, StoreError> {
        let now = utc_text(self.now());
        self.conn()
            .prepare_cached(
                "INSERT INTO appointment (patient_id, status, starts_at, minutes, with_whom,
                   place, reason, referral_id, transport_needed, transport_arranged,
                   interpreter_needed, interpreter_arranged, status_on, author_id,
                   created_at, updated_at)
                 VALUES (?1, 'booked', ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13, ?14, ?14)",
            )?
            .execute(params![
                new.patient_id,
                wall_text(new.starts_at),
                new.minutes,
                new.with_whom.trim(),
                new.place.as_deref().map(str::trim).filter(|p| !p.is_empty()),
                new.reason.trim(),
                new.referral_id,
                new.transport_needed,
                new.transport_arranged,
                new.interpreter_needed,
                new.interpreter_arranged,
                date_text(today),
                author,
                now,
            ])?;
        Ok(self.conn().last_insert_rowid())
    }

    /// The reminder (a plain task) and "did they go?" (the loop's step).
    fn open_appointment_steps(
        &mut self,
        id: i64,
        new: &NewAppointment,
        today: NaiveDate,
        rules: &crate::domain::loops::LoopSettings,
    ) -> Result<(), StoreError> {
        let start = new.starts_at.date();
        let left = appointment::needs_arranging(
            new.transport_needed,
            new.transport_arranged,
            new.interpreter_needed,
            new.interpreter_arranged,
        );
        let reminder = NextStep::new(
            &reminder_title(&new.with_whom, new.starts_at, &left),
            appointment::reminder_due(start, today, rules),
            TaskKind::Call,
        );
        let reminder_task = self.open_step(new.patient_id, &reminder, false)?;
        let went = NextStep::new(
            &format!(
                "Did they go? Appointment with {} on {}",
                new.with_whom.trim(),
                new.starts_at.format("%a %-d %b")
            ),
            appointment::did_they_go_due(start),
            TaskKind::FollowUp,
        );
        let went_task = self.open_step(new.patient_id, &went, false)?;
        self.conn().execute(
            "UPDATE appointment SET reminder_task_id = ?2, task_id = ?3 WHERE id = ?1",
            params![id, reminder_task, went_task],
        )?;
        Ok(())
    }
}

/// The reminder's title: the appointment, and what is left to arrange.
pub(super) fn reminder_title(with_whom: &str, at: NaiveDateTime, left: &[&str]) -> String {
    let mut title = format!(
        "Remind the member: appointment with {} on {}",
        with_whom.trim(),
        at.format("%a %-d %b %H:%M")
    );
    if !left.is_empty() {
        title.push_str(&format!("; arrange {}", left.join(" and ")));
    }
    title
}

fn new_of(a: &Appointment) -> NewAppointment {
    NewAppointment {
        patient_id: a.patient_id,
        starts_at: a.starts_at,
        minutes: a.minutes,
        with_whom: a.with_whom.clone(),
        place: a.place.clone(),
        reason: a.reason.clone(),
        referral_id: a.referral_id,
        transport_needed: a.transport_needed,
        transport_arranged: a.transport_arranged,
        interpreter_needed: a.interpreter_needed,
        interpreter_arranged: a.interpreter_arranged,
    }
}
