//! The one source of "now" for every part of tend.
//!
//! `TEND_NOW` (RFC 3339, for example `2026-11-24T09:00:00-05:00`) fixes the
//! clock for tests, demos and reproducible benchmarks; otherwise the system
//! clock in the local time zone is used.

use chrono::{DateTime, FixedOffset, Local, NaiveDate, Utc};

/// The environment variable that fixes "now".
pub const TEND_NOW: &str = "TEND_NOW";

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Clock {
    /// Time stands still at this instant (from `TEND_NOW`).
    Fixed(DateTime<FixedOffset>),
    /// The system clock, in the local time zone.
    System,
}

#[derive(Debug, thiserror::Error)]
#[error("TEND_NOW={value:?} is not an RFC 3339 time such as 2026-11-24T09:00:00-05:00")]
pub struct ClockError {
    value: String,
}

impl Clock {
    /// Reads `TEND_NOW` if it is set, else uses the system clock.
    pub fn from_env() -> Result<Clock, ClockError> {
        match std::env::var(TEND_NOW) {
            Ok(value) if !value.trim().is_empty() => Clock::parse(value.trim()),
            _ => Ok(Clock::System),
        }
    }

    pub fn parse(value: &str) -> Result<Clock, ClockError> {
        DateTime::parse_from_rfc3339(value)
            .map(Clock::Fixed)
            .map_err(|_| ClockError {
                value: value.to_string(),
            })
    }

    /// The current instant, in the coordinator's offset.
    pub fn now(&self) -> DateTime<FixedOffset> {
        match self {
            Clock::Fixed(at) => *at,
            Clock::System => Local::now().fixed_offset(),
        }
    }

    /// The current instant in UTC, as stored.
    pub fn now_utc(&self) -> DateTime<Utc> {
        self.now().with_timezone(&Utc)
    }

    /// A stored instant in the coordinator's time (the offset of "now").
    pub fn local(&self, at: DateTime<Utc>) -> DateTime<FixedOffset> {
        at.with_timezone(self.now().offset())
    }

    /// The coordinator's calendar date of a stored instant: an evening call
    /// in New York is on that evening's date, not the next day's in UTC.
    pub fn local_date(&self, at: DateTime<Utc>) -> NaiveDate {
        self.local(at).date_naive()
    }

    /// The coordinator's calendar date: what "today" means on screen.
    pub fn today(&self) -> NaiveDate {
        self.now().date_naive()
    }

    /// The instant a day of the coordinator's calendar begins, in UTC: for
    /// "from this day" and "up to and including that day" in filters.
    pub fn start_of(&self, day: NaiveDate) -> Option<DateTime<Utc>> {
        day.and_hms_opt(0, 0, 0)
            .and_then(|t| t.and_local_timezone(*self.now().offset()).single())
            .map(|t| t.with_timezone(&Utc))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn fixed_clock_uses_the_offset_of_tend_now_for_today() {
        // 23:30 in New York is already the next day in UTC; "today" must stay local.
        let clock = Clock::parse("2026-11-24T23:30:00-05:00").unwrap();
        assert_eq!(
            clock.today(),
            NaiveDate::from_ymd_opt(2026, 11, 24).unwrap()
        );
        assert_eq!(clock.now_utc().to_rfc3339(), "2026-11-25T04:30:00+00:00");
    }

    #[test]
    fn stored_instants_are_dated_in_the_coordinators_time() {
        let clock = Clock::parse("2026-11-24T09:00:00-05:00").unwrap();
        let evening_call = DateTime::parse_from_rfc3339("2026-11-24T03:27:00Z")
            .unwrap()
            .with_timezone(&Utc);
        assert_eq!(
            clock.local_date(evening_call),
            NaiveDate::from_ymd_opt(2026, 11, 23).unwrap()
        );
    }

    #[test]
    fn an_invalid_tend_now_says_what_is_expected() {
        let err = Clock::parse("tomorrow").unwrap_err();
        assert!(err.to_string().contains("RFC 3339"), "{err}");
        assert!(err.to_string().contains("\"tomorrow\""), "{err}");
    }
}
