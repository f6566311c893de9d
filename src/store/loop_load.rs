//! Closed loops written in bulk with their history (the generator; later,
//! perhaps, an import): a referral, an appointment or a prior authorization
//! and the moves it went through, each on its own day, written as the rows
//! and tasks [`Store::add_referral`] and [`Store::move_referral`] (and their
//! appointment and authorization siblings) would have left had each move
//! been made on its day. Every move is checked by the same rules in
//! `domain`, and refused with their sentence, so a bulk load cannot write a
//! loop the screen could not have made; every step the loop passed through
//! is a task closed the way `loop_steps` closes it, and the open status's
//! step is the open task the loop holds.
//!
//! Why not the Store API itself: it stamps every move with today, so it
//! cannot write a history, and one transaction and audit row a move would
//! take the generator minutes at 100,000 patients. The caller's bulk load
//! writes one audit row for all of it, as for the rest of a generated
//! caseload.
//!
//! [`Store::add_referral`]: super::Store::add_referral
//! [`Store::move_referral`]: super::Store::move_referral

use chrono::{DateTime, NaiveDate, Utc};
use rusqlite::params;

use super::encounters::wall_text;
use super::referrals::from_move;
use super::write::{date_text, utc_text};
use super::{AppointmentMove, AuthMove, NewAppointment, NewAuthorization, NewReferral};
use super::{ReferralMove, StoreError, Tx};
use crate::domain::appointment::{self, AppointmentStatus};
use crate::domain::authorization::{self, AuthStatus};
use crate::domain::business_days::Calendar;
use crate::domain::loops::{LoopSettings, NextStep};
use crate::domain::referral::{self, ReferralStatus, Urgency};
use crate::domain::task::{Priority, TaskKind, TaskStatus};

/// A referral as it went: written on `on` (sent, or drafted), then moved.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ReferralHistory {
    pub new: NewReferral,
    pub on: NaiveDate,
    /// Each move and the day it was made, in order.
    pub moves: Vec<(NaiveDate, ReferralMove)>,
}

/// An appointment as it went: booked on `booked_on`, then what became of it
/// and of the appointments it was rescheduled to, in order (each move
/// applies to the latest appointment of the chain, as a reschedule books a
/// new one).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct AppointmentHistory {
    pub new: NewAppointment,
    pub booked_on: NaiveDate,
    pub moves: Vec<(NaiveDate, AppointmentMove)>,
    /// Whether the coordinator did each reminder on the day it was due,
    /// when that day has come (a reminder is a plain task, done when done).
    pub reminded: bool,
    /// The day the call after a missed appointment was made, if it was.
    pub outreach_done_on: Option<NaiveDate>,
}

/// A prior authorization as it went: written on `on` (submitted, or a
/// draft), then moved; each move's `on` is the date of its notice.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct AuthorizationHistory {
    pub new: NewAuthorization,
    pub on: NaiveDate,
    pub moves: Vec<(NaiveDate, AuthMove)>,
}

/// What a load wrote: the loop's rows (an appointment rescheduled is two)
/// and the tasks of its steps.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Loaded {
    pub rows: usize,
    pub tasks: usize,
}

/// The rules a load checks moves against and takes steps from: the
/// `[loops]` settings, the business-day calendar, today, and who owns the
/// patient's tasks and writes the loop (the patient's coordinator).
#[derive(Debug, Clone)]
pub struct LoopLoad<'a> {
    pub rules: &'a LoopSettings,
    pub calendar: &'a Calendar,
    pub today: NaiveDate,
    pub owner: Option<i64>,
    pub author: Option<i64>,
    /// Steps closed before this day are not written: the tasks of older
    /// history, which no list shows, cost a generated caseload more than
    /// they show (at 100,000 patients, more than half of the loops' tasks
    /// and of their time). The loop's own rows, and its open steps, are
    /// always written.
    pub steps_from: Option<NaiveDate>,
}

impl LoopLoad<'_> {
    /// Whether the task of this step is written.
    fn keeps(&self, task: &StepTask) -> bool {
        match (&task.closed, self.steps_from) {
            (Some((_, _, at)), Some(from)) => at.date_naive() >= from,
            _ => true,
        }
    }
}

/// A step's task as it stands at the end of the history: still open, or
/// closed (its status, outcome and when).
struct StepTask {
    step: NextStep,
    urgent: bool,
    opened: DateTime<Utc>,
    closed: Option<(TaskStatus, String, DateTime<Utc>)>,
}

impl StepTask {
    fn new(step: NextStep, urgent: bool, opened: DateTime<Utc>) -> StepTask {
        StepTask {
            step,
            urgent,
            opened,
            closed: None,
        }
    }

    /// Closes it as `close_step` does, unless it was already closed.
    fn close(&mut self, status: TaskStatus, outcome: String, at: DateTime<Utc>) {
        if self.closed.is_none() {
            self.closed = Some((status, outcome, at));
        }
    }
}

fn refused(why: &str) -> StoreError {
    StoreError::Refused(format!("{why}; nothing was changed"))
}

/// Moves of one history come in order and none in the future.
fn in_order(last: NaiveDate, day: NaiveDate, today: NaiveDate) -> Result<(), StoreError> {
    if day < last || day > today {
        return Err(refused(&format!(
            "a loaded move on {day} is out of order (after {last}) or in the future"
        )));
    }
    Ok(())
}

impl Tx<'_> {
    /// The instant a move made on `day` is stamped with: mid-morning in
    /// the United States, never later than this change.
    fn instant_of(&self, day: NaiveDate) -> DateTime<Utc> {
        let at = day.and_hms_opt(15, 0, 0).unwrap_or_default().and_utc();
        at.min(self.now())
    }

    /// Writes a step's task as it stands: owned by the patient's
    /// coordinator, urgent as `open_step` makes it.
    fn write_step(
        &mut self,
        patient_id: i64,
        owner: Option<i64>,
        task: &StepTask,
    ) -> Result<i64, StoreError> {
        let priority = if task.urgent || task.step.hard_deadline {
            Priority::Urgent
        } else {
            Priority::Routine
        };
        let (status, outcome, closed_at) = match &task.closed {
            Some((status, outcome, at)) => (*status, Some(outcome.as_str()), Some(utc_text(*at))),
            None => (TaskStatus::Requested, None, None),
        };
        self.conn()
            .prepare_cached(
                "INSERT INTO task (patient_id, owner_id, kind, description, status, priority,
                   due_on, hard_deadline, authored_at, completed_at, outcome, updated_at,
                   version)
                 VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?10, ?12)",
            )?
            .execute(params![
                patient_id,
                owner,
                task.step.kind.code(),
                task.step.title,
                status.code(),
                priority.code(),
                date_text(task.step.due),
                task.step.hard_deadline,
                utc_text(task.opened),
                closed_at,
                outcome,
                if task.closed.is_some() { 2 } else { 1 },
            ])?;
        Ok(self.conn().last_insert_rowid())
    }

    /// Writes a referral and its history; refused when a move is one the
    /// loop does not allow.
    pub fn load_referral(
        &mut self,
        history: &ReferralHistory,
        load: &LoopLoad<'_>,
    ) -> Result<Loaded, StoreError> {
        let new = &history.new;
        let urgent = new.urgency == Urgency::Urgent;
        let mut status = if new.sent {
            ReferralStatus::Sent
        } else {
            ReferralStatus::Draft
        };
        let (mut status_on, mut appointment_on, mut confirmation) = (history.on, None, None);
        let mut note: Option<&str> = None;
        let created = self.instant_of(history.on);
        let mut updated = created;
        let mut done = Vec::new();
        let step = |status, on, appointment_on| {
            referral::next_step(status, on, appointment_on, load.rules, load.calendar)
        };
        let mut open = step(status, status_on, None).map(|s| StepTask::new(s, urgent, created));
        for (day, change) in &history.moves {
            in_order(status_on, *day, load.today)?;
            if change.to == ReferralStatus::Closed {
                confirmation =
                    Some(referral::close(status, change.confirmation).map_err(from_move)?);
            } else {
                referral::move_allowed(status, change.to).map_err(from_move)?;
            }
            let at = self.instant_of(*day);
            if let Some(mut task) = open.take() {
                let end = if change.to == ReferralStatus::Cancelled {
                    TaskStatus::Cancelled
                } else {
                    TaskStatus::Completed
                };
                task.close(end, format!("referral {}", change.to.label()), at);
                done.push(task);
            }
            if change.to == ReferralStatus::Scheduled {
                appointment_on = change.appointment_on;
            }
            note = change.note.as_deref().or(note);
            (status, status_on, updated) = (change.to, *day, at);
            open = step(status, status_on, appointment_on).map(|s| StepTask::new(s, urgent, at));
        }
        let done: Vec<&StepTask> = done.iter().filter(|t| load.keeps(t)).collect();
        for task in &done {
            self.write_step(new.patient_id, load.owner, task)?;
        }
        let task_id = match &open {
            Some(task) => Some(self.write_step(new.patient_id, load.owner, task)?),
            None => None,
        };
        self.conn()
            .prepare_cached(
                "INSERT INTO referral (patient_id, kind, status, urgency, reason, need_id,
                   goal_id, to_name, to_phone, service_ref, appointment_on, confirmation,
                   status_note, status_on, task_id, author_id, created_at, updated_at,
                   version)
                 VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13, ?14, ?15,
                         ?16, ?17, ?18, ?19)",
            )?
            .execute(params![
                new.patient_id,
                new.kind.code(),
                status.code(),
                new.urgency.code(),
                new.reason.trim(),
                new.need_id,
                new.goal_id,
                new.to_name.trim(),
                new.to_phone,
                new.service_ref,
                appointment_on.map(date_text),
                confirmation.map(|c| c.code()),
                note,
                date_text(status_on),
                task_id,
                load.author,
                utc_text(created),
                utc_text(updated),
                1 + history.moves.len() as i64,
            ])?;
        Ok(Loaded {
            rows: 1,
            tasks: done.len() + usize::from(open.is_some()),
        })
    }

    /// Writes an appointment, what became of it, and the appointments it
    /// was rescheduled to; refused when a move is one the loop does not
    /// allow (kept before its day, booked in the past).
    pub fn load_appointment(
        &mut self,
        history: &AppointmentHistory,
        load: &LoopLoad<'_>,
    ) -> Result<Loaded, StoreError> {
        let mut loaded = Loaded::default();
        let mut current = history.new.clone();
        let mut booked_on = history.booked_on;
        let mut moves = history.moves.iter();
        let mut previous: Option<i64> = None;
        loop {
            appointment::book(current.starts_at.date(), booked_on).map_err(from_move)?;
            let start = current.starts_at.date();
            let booked_at = self.instant_of(booked_on);
            let left = appointment::needs_arranging(
                current.transport_needed,
                current.transport_arranged,
                current.interpreter_needed,
                current.interpreter_arranged,
            );
            let mut reminder = StepTask::new(
                NextStep::new(
                    &super::appointments::reminder_title(
                        &current.with_whom,
                        current.starts_at,
                        &left,
                    ),
                    appointment::reminder_due(start, booked_on, load.rules),
                    TaskKind::Call,
                ),
                false,
                booked_at,
            );
            let mut went = StepTask::new(
                NextStep::new(
                    &format!(
                        "Did they go? Appointment with {} on {}",
                        current.with_whom.trim(),
                        current.starts_at.format("%a %-d %b")
                    ),
                    appointment::did_they_go_due(start),
                    TaskKind::FollowUp,
                ),
                false,
                booked_at,
            );
            let move_made = moves.next();
            // The reminder, done on its day when that came before anything
            // else happened to the appointment.
            let until = move_made.map_or(load.today, |(day, _)| *day);
            if history.reminded && reminder.step.due <= until && reminder.step.due < load.today {
                let at = self.instant_of(reminder.step.due);
                reminder.close(TaskStatus::Completed, "reminded".into(), at);
            }
            let (mut status, mut status_on, mut updated) =
                (AppointmentStatus::Booked, booked_on, booked_at);
            let (mut note, mut outreach, mut next) = (None, None, None);
            if let Some((day, change)) = move_made {
                in_order(booked_on, *day, load.today)?;
                appointment::move_allowed(status, change.to, start, *day).map_err(from_move)?;
                let at = self.instant_of(*day);
                let label = change.to.label();
                went.close(TaskStatus::Completed, format!("appointment {label}"), at);
                reminder.close(TaskStatus::Cancelled, format!("appointment {label}"), at);
                if change.to == AppointmentStatus::Missed {
                    let mut call = StepTask::new(
                        appointment::outreach_after_missed(start, load.calendar),
                        true,
                        at,
                    );
                    if let Some(done_on) = history.outreach_done_on.filter(|d| d >= day) {
                        let at = self.instant_of(done_on);
                        call.close(TaskStatus::Completed, "reached the member".into(), at);
                    }
                    if load.keeps(&call) {
                        outreach = Some(self.write_step(current.patient_id, load.owner, &call)?);
                        loaded.tasks += 1;
                    }
                }
                if change.to == AppointmentStatus::Rescheduled {
                    let Some(new_start) = change.new_start else {
                        return Err(refused(
                            "a rescheduled appointment needs its new date and time",
                        ));
                    };
                    next = Some(new_start);
                }
                note = change.note.as_deref();
                (status, status_on, updated) = (change.to, *day, at);
            }
            // Both steps, or neither: a past appointment's are kept with the
            // last one closed.
            let (reminder_id, went_id) = if load.keeps(&went) || load.keeps(&reminder) {
                loaded.tasks += 2;
                (
                    Some(self.write_step(current.patient_id, load.owner, &reminder)?),
                    Some(self.write_step(current.patient_id, load.owner, &went)?),
                )
            } else {
                (None, None)
            };
            let id = self.insert_loaded_appointment(
                &current,
                status,
                (reminder_id, went_id, outreach),
                note,
                status_on,
                load.author,
                (booked_at, updated),
            )?;
            loaded.rows += 1;
            if let Some(before) = previous {
                self.conn().execute(
                    "UPDATE appointment SET rescheduled_to = ?2 WHERE id = ?1",
                    params![before, id],
                )?;
            }
            match next {
                Some(at) => {
                    current.starts_at = at;
                    booked_on = status_on;
                    previous = Some(id);
                }
                None if moves.next().is_some() => {
                    return Err(refused(
                        "only a rescheduled appointment is followed by more moves",
                    ))
                }
                None => return Ok(loaded),
            }
        }
    }

    #[allow(clippy::too_many_arguments)] // the row's columns
    fn insert_loaded_appointment(
        &mut self,
        new: &NewAppointment,
        status: AppointmentStatus,
        (reminder, went, outreach): (Option<i64>, Option<i64>, Option<i64>),
        note: Option<&str>,
        status_on: NaiveDate,
        author: Option<i64>,
        (created, updated): (DateTime<Utc>, DateTime<Utc>),
    ) -> Result<i64, StoreError> {
        self.conn()
            .prepare_cached(
                "INSERT INTO appointment (patient_id, status, starts_at, minutes, with_whom,
                   place, reason, referral_id, transport_needed, transport_arranged,
                   interpreter_needed, interpreter_arranged, reminder_task_id, task_id,
                   outreach_task_id, status_note, status_on, author_id, created_at,
                   updated_at, version)
                 VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13, ?14, ?15,
                         ?16, ?17, ?18, ?19, ?20, ?21)",
            )?
            .execute(params![
                new.patient_id,
                status.code(),
                wall_text(new.starts_at),
                new.minutes,
                new.with_whom.trim(),
                new.place
                    .as_deref()
                    .map(str::trim)
                    .filter(|p| !p.is_empty()),
                new.reason.trim(),
                new.referral_id,
                new.transport_needed,
                new.transport_arranged,
                new.interpreter_needed,
                new.interpreter_arranged,
                reminder,
                went,
                outreach,
                note,
                date_text(status_on),
                author,
                utc_text(created),
                utc_text(updated),
                if status == AppointmentStatus::Booked {
                    1
                } else {
                    2
                },
            ])?;
        Ok(self.conn().last_insert_rowid())
    }

    /// Writes a prior authorization and its history; refused when a move
    /// is one the loop does not allow, or a notice is dated after its move.
    pub fn load_authorization(
        &mut self,
        history: &AuthorizationHistory,
        load: &LoopLoad<'_>,
    ) -> Result<Loaded, StoreError> {
        let new = &history.new;
        let mut status = if new.submitted {
            AuthStatus::Submitted
        } else {
            AuthStatus::Draft
        };
        let created = self.instant_of(history.on);
        let (mut status_on, mut updated) = (history.on, created);
        let mut submitted_on = new.submitted.then_some(history.on);
        let (mut decided_on, mut units, mut from, mut until) = (None, None, None, None);
        let (mut payer_ref, mut note): (Option<&str>, Option<&str>) = (None, None);
        let step = |status, on, until| {
            authorization::next_step(status, on, until, load.rules, load.calendar)
        };
        let mut open = step(status, status_on, None).map(|s| StepTask::new(s, false, created));
        let mut done = Vec::new();
        let mut last_day = history.on;
        for (day, change) in &history.moves {
            in_order(last_day, *day, load.today)?;
            authorization::move_allowed(status, change.to).map_err(from_move)?;
            let on = change.on.unwrap_or(*day);
            if on > *day {
                return Err(refused("the date of a notice cannot be after its move"));
            }
            match change.to {
                AuthStatus::Submitted => submitted_on = Some(on),
                AuthStatus::Approved => {
                    decided_on = Some(on);
                    units = change.units.or(units);
                    from = change.authorized_from.or(from);
                    until = change.authorized_until.or(until);
                    if matches!((from, until), (Some(f), Some(u)) if u < f) {
                        return Err(refused("the authorization cannot end before it starts"));
                    }
                }
                AuthStatus::Denied => decided_on = Some(on),
                _ => {}
            }
            payer_ref = change.payer_ref.as_deref().or(payer_ref);
            note = change.note.as_deref().or(note);
            let at = self.instant_of(*day);
            if let Some(mut task) = open.take() {
                let outcome = format!("prior authorization {}", change.to.label());
                task.close(TaskStatus::Completed, outcome, at);
                done.push(task);
            }
            (status, status_on, updated, last_day) = (change.to, on, at, *day);
            open = step(status, on, until).map(|s| StepTask::new(s, false, at));
        }
        let done: Vec<&StepTask> = done.iter().filter(|t| load.keeps(t)).collect();
        for task in &done {
            self.write_step(new.patient_id, load.owner, task)?;
        }
        let task_id = match &open {
            Some(task) => Some(self.write_step(new.patient_id, load.owner, task)?),
            None => None,
        };
        self.conn()
            .prepare_cached(
                "INSERT INTO prior_auth (patient_id, status, payer, item, item_system,
                   item_code, diagnosis_code, submitted_on, decided_on, units,
                   authorized_from, authorized_until, payer_ref, status_note, status_on,
                   task_id, author_id, created_at, updated_at, version)
                 VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13, ?14, ?15,
                         ?16, ?17, ?18, ?19, ?20)",
            )?
            .execute(params![
                new.patient_id,
                status.code(),
                new.payer.trim(),
                new.item.trim(),
                new.item_system,
                new.item_code,
                new.diagnosis_code,
                submitted_on.map(date_text),
                decided_on.map(date_text),
                units,
                from.map(date_text),
                until.map(date_text),
                payer_ref,
                note,
                date_text(status_on),
                task_id,
                load.author,
                utc_text(created),
                utc_text(updated),
                1 + history.moves.len() as i64,
            ])?;
        Ok(Loaded {
            rows: 1,
            tasks: done.len() + usize::from(open.is_some()),
        })
    }
}
