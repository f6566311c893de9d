//! Recurring tasks: "every 14 days", "monthly". Completing an occurrence
//! creates the next one from the rule.

use std::fmt;

use chrono::{Duration, Months, NaiveDate};

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Recurrence {
    Days(u32),
    Weeks(u32),
    Months(u32),
}

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("{0:?} is not a repeat rule: try daily, weekly, monthly, 14d, 2w or 3m")]
pub struct RecurrenceError(String);

impl Recurrence {
    /// Reads `daily`, `weekly`, `biweekly`, `monthly`, `quarterly`, or a
    /// count and unit: `14d`, `2w`, `3m`.
    pub fn parse(text: &str) -> Result<Recurrence, RecurrenceError> {
        let lower = text.trim().to_lowercase();
        let error = || RecurrenceError(text.trim().to_string());
        let rule = match lower.as_str() {
            "daily" => Recurrence::Days(1),
            "weekly" => Recurrence::Weeks(1),
            "biweekly" => Recurrence::Weeks(2),
            "monthly" => Recurrence::Months(1),
            "quarterly" => Recurrence::Months(3),
            _ => {
                let unit_at = lower.char_indices().last().map_or(0, |(i, _)| i);
                let (number, unit) = lower.split_at(unit_at);
                let n: u32 = number.parse().map_err(|_| error())?;
                if n == 0 || n > 366 {
                    return Err(error());
                }
                match unit {
                    "d" => Recurrence::Days(n),
                    "w" => Recurrence::Weeks(n),
                    "m" => Recurrence::Months(n),
                    _ => return Err(error()),
                }
            }
        };
        Ok(rule)
    }

    fn after(self, date: NaiveDate) -> NaiveDate {
        match self {
            Recurrence::Days(n) => date + Duration::days(n.into()),
            Recurrence::Weeks(n) => date + Duration::weeks(n.into()),
            Recurrence::Months(n) => date.checked_add_months(Months::new(n)).unwrap_or(date),
        }
    }

    /// When the occurrence after one due on `due` falls, completed on
    /// `today`: one period after its due date, or, when that has already
    /// passed (the task was done late), one period after today, so a late
    /// completion never creates an occurrence that is overdue at once.
    pub fn next_due(self, due: Option<NaiveDate>, today: NaiveDate) -> NaiveDate {
        match due.map(|d| self.after(d)) {
            Some(next) if next > today => next,
            _ => self.after(today),
        }
    }
}

impl fmt::Display for Recurrence {
    /// The stored form, which [`Recurrence::parse`] reads back.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Recurrence::Days(n) => write!(f, "{n}d"),
            Recurrence::Weeks(n) => write!(f, "{n}w"),
            Recurrence::Months(n) => write!(f, "{n}m"),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn d(y: i32, m: u32, day: u32) -> NaiveDate {
        NaiveDate::from_ymd_opt(y, m, day).unwrap()
    }

    #[test]
    fn rules_parse_and_print_back() {
        for (text, rule) in [
            ("daily", Recurrence::Days(1)),
            ("Weekly", Recurrence::Weeks(1)),
            ("biweekly", Recurrence::Weeks(2)),
            ("monthly", Recurrence::Months(1)),
            ("quarterly", Recurrence::Months(3)),
            ("14d", Recurrence::Days(14)),
            ("2w", Recurrence::Weeks(2)),
            ("6m", Recurrence::Months(6)),
        ] {
            assert_eq!(Recurrence::parse(text), Ok(rule), "{text}");
            assert_eq!(Recurrence::parse(&rule.to_string()), Ok(rule));
        }
        for bad in ["", "0d", "often", "3y", "d", "-2w", "999d", "2é", "é"] {
            assert!(Recurrence::parse(bad).is_err(), "{bad}");
        }
    }

    #[test]
    fn the_next_occurrence_follows_the_due_date_or_today_when_done_late() {
        let today = d(2026, 11, 24);
        let monthly = Recurrence::Months(1);
        assert_eq!(
            monthly.next_due(Some(d(2026, 11, 24)), today),
            d(2026, 12, 24)
        );
        assert_eq!(
            monthly.next_due(Some(d(2026, 11, 30)), today),
            d(2026, 12, 30)
        );
        assert_eq!(
            monthly.next_due(Some(d(2026, 1, 31)), d(2026, 1, 31)),
            d(2026, 2, 28)
        );
        // Done two months late: the next one is a month from today, not overdue.
        assert_eq!(
            monthly.next_due(Some(d(2026, 9, 1)), today),
            d(2026, 12, 24)
        );
        assert_eq!(Recurrence::Days(14).next_due(None, today), d(2026, 12, 8));
        assert_eq!(
            Recurrence::Weeks(1).next_due(Some(d(2026, 11, 20)), today),
            d(2026, 11, 27)
        );
        assert_eq!(
            Recurrence::Weeks(1).next_due(Some(d(2026, 11, 17)), today),
            d(2026, 12, 1),
            "a period after today when the next would be today or past"
        );
    }
}
