//! Appointments (FHIR Appointment): a reminder before, a "did they go?"
//! the day after, and outreach after a missed one (issue 17).
//!
//! The statuses use FHIR's AppointmentStatus codes where it has them
//! (`booked`, `fulfilled`, `noshow`, `cancelled`); a rescheduled
//! appointment is tend's own `rescheduled` (FHIR cancels it and books a new
//! one, which is what tend does too: the new date is a new appointment).

use chrono::{Duration, NaiveDate};

use super::business_days::Calendar;
use super::choice::choices;
use super::loops::{LoopSettings, MoveRefused, NextStep};
use super::task::TaskKind;

choices!(
    /// Where an appointment stands.
    AppointmentStatus {
        Booked = ("booked", "booked", 'b'),
        Kept = ("fulfilled", "kept", 'k'),
        Missed = ("noshow", "missed", 'm'),
        Rescheduled = ("rescheduled", "rescheduled", 'r'),
        Cancelled = ("cancelled", "cancelled", 'c'),
    }
);

impl AppointmentStatus {
    /// Only a booked appointment is still to happen; every other status is
    /// final (a new date is a new appointment).
    pub fn is_open(self) -> bool {
        self == AppointmentStatus::Booked
    }
}

/// Whether an appointment on `start` may be booked `today`: not in the
/// past (today is allowed).
pub fn book(start: NaiveDate, today: NaiveDate) -> Result<(), MoveRefused> {
    if start < today {
        return Err(MoveRefused::new(
            "an appointment in the past cannot be booked; record it as kept or missed",
        ));
    }
    Ok(())
}

/// Whether an appointment on `start` may move `from` → `to`, `today`.
///
/// Only a booked appointment changes: to kept or missed once its day has
/// come, to rescheduled or cancelled at any time. Kept, missed, rescheduled
/// and cancelled are final.
pub fn move_allowed(
    from: AppointmentStatus,
    to: AppointmentStatus,
    start: NaiveDate,
    today: NaiveDate,
) -> Result<(), MoveRefused> {
    use AppointmentStatus::*;
    if from == to {
        return Err(MoveRefused::new(format!(
            "the appointment is already {}",
            from.label()
        )));
    }
    match (from, to) {
        (Booked, Kept | Missed) if start > today => Err(MoveRefused::new(format!(
            "an appointment is {} only once its day has come",
            to.label()
        ))),
        (Booked, Kept | Missed | Rescheduled | Cancelled) => Ok(()),
        (_, Booked) => Err(MoveRefused::new(
            "a past appointment is not booked again; book a new one",
        )),
        _ => Err(MoveRefused::new(format!(
            "a {} appointment is final; book a new one",
            from.label()
        ))),
    }
}

/// When the reminder for an appointment on `start` is due: `today` at the
/// earliest (a reminder is never due in the past), at most
/// `reminder_days_before` calendar days before, never after `start`.
pub fn reminder_due(start: NaiveDate, today: NaiveDate, rules: &LoopSettings) -> NaiveDate {
    let before = start - Duration::days(i64::from(rules.reminder_days_before));
    before.max(today)
}

/// The day after the appointment: "did they go?".
pub fn did_they_go_due(start: NaiveDate) -> NaiveDate {
    start + Duration::days(1)
}

/// What is needed and not yet arranged, in the words a line shows:
/// "transport", "an interpreter".
pub fn needs_arranging(
    transport_needed: bool,
    transport_arranged: bool,
    interpreter_needed: bool,
    interpreter_arranged: bool,
) -> Vec<&'static str> {
    let mut left = Vec::new();
    if transport_needed && !transport_arranged {
        left.push("transport");
    }
    if interpreter_needed && !interpreter_arranged {
        left.push("an interpreter");
    }
    left
}

/// The outreach a missed appointment on `missed_on` starts: a call the
/// next business day, to find out why and book it again.
pub fn outreach_after_missed(missed_on: NaiveDate, calendar: &Calendar) -> NextStep {
    NextStep::new(
        "Call the member: missed appointment, find out why and book again",
        calendar.add_business_days(missed_on, 1),
        TaskKind::Call,
    )
}

/// Missed appointments over kept and missed ones (rescheduled and cancelled
/// do not count); `None` when there are none.
pub fn no_show_rate(kept: u32, missed: u32) -> Option<f64> {
    let total = kept + missed;
    (total > 0).then(|| f64::from(missed) / f64::from(total))
}

#[cfg(test)]
mod tests {
    use chrono::{Datelike, Weekday};

    use super::*;

    fn d(y: i32, m: u32, day: u32) -> NaiveDate {
        NaiveDate::from_ymd_opt(y, m, day).unwrap()
    }

    #[test]
    fn booking_in_the_past_is_refused() {
        let today = d(2026, 5, 12);
        assert_eq!(
            book(d(2026, 5, 11), today).unwrap_err().0,
            "an appointment in the past cannot be booked; record it as kept or missed"
        );
        assert_eq!(book(today, today), Ok(()));
        assert_eq!(book(d(2026, 5, 13), today), Ok(()));
    }

    #[test]
    fn moves_over_all_statuses() {
        use AppointmentStatus::*;
        let today = d(2026, 5, 12);
        let past = d(2026, 5, 11);
        let allowed = [
            ("booked", "fulfilled"),
            ("booked", "noshow"),
            ("booked", "rescheduled"),
            ("booked", "cancelled"),
        ];
        for &from in AppointmentStatus::ALL {
            for &to in AppointmentStatus::ALL {
                let expected = allowed.contains(&(from.code(), to.code()));
                assert_eq!(
                    move_allowed(from, to, past, today).is_ok(),
                    expected,
                    "{from:?} -> {to:?}"
                );
            }
        }
        // Not kept or missed before the day.
        let later = d(2026, 5, 20);
        assert_eq!(
            move_allowed(Booked, Missed, later, today).unwrap_err().0,
            "an appointment is missed only once its day has come"
        );
        assert!(move_allowed(Booked, Kept, today, today).is_ok());
        assert!(move_allowed(Booked, Cancelled, later, today).is_ok());
        assert_eq!(
            move_allowed(Missed, Kept, past, today).unwrap_err().0,
            "a missed appointment is final; book a new one"
        );
        assert!(AppointmentStatus::ALL
            .iter()
            .filter(|s| s.is_open())
            .eq([&Booked]));
    }

    #[test]
    fn reminder_two_days_before_never_before_today() {
        let rules = LoopSettings::default();
        let start = d(2026, 5, 20);
        assert_eq!(reminder_due(start, d(2026, 5, 1), &rules), d(2026, 5, 18));
        // Booked tomorrow: the reminder is today, not yesterday.
        assert_eq!(reminder_due(start, d(2026, 5, 19), &rules), d(2026, 5, 19));
        assert_eq!(reminder_due(start, start, &rules), start);
        let on_the_day = LoopSettings {
            reminder_days_before: 0,
            ..LoopSettings::default()
        };
        assert_eq!(reminder_due(start, d(2026, 5, 1), &on_the_day), start);
        // Across a month end.
        assert_eq!(
            reminder_due(d(2026, 6, 1), d(2026, 5, 1), &rules),
            d(2026, 5, 30)
        );
    }

    #[test]
    fn did_they_go_is_the_day_after() {
        assert_eq!(did_they_go_due(d(2026, 12, 31)), d(2027, 1, 1));
    }

    #[test]
    fn what_is_left_to_arrange() {
        assert_eq!(
            needs_arranging(false, false, false, false),
            Vec::<&str>::new()
        );
        assert_eq!(needs_arranging(true, false, true, true), vec!["transport"]);
        assert_eq!(
            needs_arranging(true, false, true, false),
            vec!["transport", "an interpreter"]
        );
        assert_eq!(
            needs_arranging(true, true, true, false),
            vec!["an interpreter"]
        );
    }

    #[test]
    fn a_missed_appointment_starts_a_call_the_next_business_day() {
        let cal = Calendar::default();
        // Friday 27 November 2026, the day after Thanksgiving: the call is Monday.
        let missed = d(2026, 11, 27);
        assert_eq!(missed.weekday(), Weekday::Fri);
        let step = outreach_after_missed(missed, &cal);
        assert_eq!(step.due, d(2026, 11, 30));
        assert_eq!(step.kind, TaskKind::Call);
        // Wednesday 25 November: Thanksgiving is skipped, Friday 27.
        assert_eq!(
            outreach_after_missed(d(2026, 11, 25), &cal).due,
            d(2026, 11, 27)
        );
    }

    #[test]
    fn no_show_rate_is_missed_over_kept_and_missed() {
        assert_eq!(no_show_rate(0, 0), None);
        assert_eq!(no_show_rate(3, 1), Some(0.25));
        assert_eq!(no_show_rate(0, 2), Some(1.0));
        assert_eq!(no_show_rate(5, 0), Some(0.0));
    }
}
