//! Date expressions: what a coordinator types wherever tend asks for a date.
//!
//! | typed | means |
//! | --- | --- |
//! | `today`, `tod` | today |
//! | `tomorrow`, `tom` | the day after today |
//! | `monday` … `sunday`, `mon` … `sun` | the next such day, after today |
//! | `next week`, `nw` | Monday of next week |
//! | `+3d`, `+2w`, `+1m` | days, weeks or months from today (a month from 31 January is the last day of February) |
//! | `eom` | the last day of this month |
//! | `12/05` | 5 December: this year's, or next year's once this year's has passed |
//! | `12/05/2026` | 5 December 2026 (month first, as US forms write it) |
//! | `2026-12-05` | ISO 8601 |
//!
//! Case and surrounding spaces do not matter. Anything else is refused with
//! a message that says what was wrong and what would work.

use chrono::{Datelike, Duration, Months, NaiveDate, Weekday};

/// What tend says when it cannot read a date.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum DateError {
    #[error("type a date: today, tom, fri, +3d, next week, eom, 12/05 or 2026-12-05")]
    Empty,
    #[error("{0:?} is not a date tend knows: try today, tom, fri, +3d, +2w, +1m, next week, eom, 12/05 or 2026-12-05")]
    Unknown(String),
    #[error("{0:?} is not a day of the calendar")]
    NoSuchDay(String),
    #[error("{0:?} is too far away")]
    TooFar(String),
}

const WEEKDAYS: [(Weekday, &str); 7] = [
    (Weekday::Mon, "monday"),
    (Weekday::Tue, "tuesday"),
    (Weekday::Wed, "wednesday"),
    (Weekday::Thu, "thursday"),
    (Weekday::Fri, "friday"),
    (Weekday::Sat, "saturday"),
    (Weekday::Sun, "sunday"),
];

/// Reads a date expression relative to `today`.
pub fn parse(input: &str, today: NaiveDate) -> Result<NaiveDate, DateError> {
    let text = input.trim().to_lowercase();
    let text = text.split_whitespace().collect::<Vec<_>>().join(" ");
    let unknown = || DateError::Unknown(input.trim().to_string());
    let no_such_day = || DateError::NoSuchDay(input.trim().to_string());
    let too_far = || DateError::TooFar(input.trim().to_string());
    match text.as_str() {
        "" => return Err(DateError::Empty),
        "today" | "tod" => return Ok(today),
        "tomorrow" | "tom" => return Ok(today + Duration::days(1)),
        "next week" | "nw" => {
            let days_to_monday = 7 - i64::from(today.weekday().num_days_from_monday());
            return Ok(today + Duration::days(days_to_monday));
        }
        "eom" => return Ok(end_of_month(today)),
        _ => {}
    }
    if let Some((weekday, _)) = WEEKDAYS
        .iter()
        .find(|(_, name)| text == *name || text == name[..3])
    {
        let ahead = (i64::from(weekday.num_days_from_monday())
            - i64::from(today.weekday().num_days_from_monday()))
        .rem_euclid(7);
        return Ok(today + Duration::days(if ahead == 0 { 7 } else { ahead }));
    }
    if let Some(offset) = text.strip_prefix('+') {
        let unit_at = offset.char_indices().last().map_or(0, |(i, _)| i);
        let (number, unit) = offset.split_at(unit_at);
        let n: u32 = number.parse().map_err(|_| unknown())?;
        if n > 3660 {
            return Err(too_far());
        }
        return match unit {
            "d" => Ok(today + Duration::days(n.into())),
            "w" => Ok(today + Duration::weeks(n.into())),
            "m" => today.checked_add_months(Months::new(n)).ok_or_else(too_far),
            _ => Err(unknown()),
        };
    }
    if let Ok(date) = NaiveDate::parse_from_str(&text, "%Y-%m-%d") {
        return Ok(date);
    }
    if text.contains('-') && text.chars().all(|c| c.is_ascii_digit() || c == '-') {
        return Err(no_such_day());
    }
    let parts: Vec<&str> = text.split('/').collect();
    let number = |s: &str| -> Result<u32, DateError> {
        if s.is_empty() || s.len() > 4 || !s.chars().all(|c| c.is_ascii_digit()) {
            return Err(unknown());
        }
        s.parse().map_err(|_| unknown())
    };
    match parts.as_slice() {
        [month, day] => {
            let (month, day) = (number(month)?, number(day)?);
            let this_year = NaiveDate::from_ymd_opt(today.year(), month, day);
            let next_year = NaiveDate::from_ymd_opt(today.year() + 1, month, day);
            match (this_year, next_year) {
                (Some(date), _) if date >= today => Ok(date),
                (_, Some(date)) => Ok(date),
                // 29 February: this year's has passed and next year has none.
                (Some(_), None) => (2..=4)
                    .find_map(|ahead| NaiveDate::from_ymd_opt(today.year() + ahead, month, day))
                    .ok_or_else(no_such_day),
                (None, None) => Err(no_such_day()),
            }
        }
        [month, day, year] => {
            let (month, day, year) = (number(month)?, number(day)?, number(year)?);
            let year = match year {
                0..=99 if parts[2].len() == 2 => 2000 + year,
                1900..=2999 => year,
                _ => return Err(no_such_day()),
            };
            NaiveDate::from_ymd_opt(year as i32, month, day).ok_or_else(no_such_day)
        }
        _ => Err(unknown()),
    }
}

/// The last day of `date`'s month.
pub fn end_of_month(date: NaiveDate) -> NaiveDate {
    let first = date.with_day(1).unwrap_or(date);
    first
        .checked_add_months(Months::new(1))
        .and_then(|next| next.pred_opt())
        .unwrap_or(date)
}

/// "Fri 2026-11-27": how tend shows a parsed date back.
pub fn show(date: NaiveDate) -> String {
    date.format("%a %Y-%m-%d").to_string()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn d(y: i32, m: u32, day: u32) -> NaiveDate {
        NaiveDate::from_ymd_opt(y, m, day).unwrap()
    }

    /// Tuesday 24 November 2026.
    fn today() -> NaiveDate {
        d(2026, 11, 24)
    }

    #[test]
    fn every_form_against_a_fixed_today() {
        let cases = [
            ("today", d(2026, 11, 24)),
            ("tod", d(2026, 11, 24)),
            ("tomorrow", d(2026, 11, 25)),
            ("tom", d(2026, 11, 25)),
            ("  TOM ", d(2026, 11, 25)),
            ("wed", d(2026, 11, 25)),
            ("wednesday", d(2026, 11, 25)),
            ("thu", d(2026, 11, 26)),
            ("fri", d(2026, 11, 27)),
            ("friday", d(2026, 11, 27)),
            ("sat", d(2026, 11, 28)),
            ("sun", d(2026, 11, 29)),
            ("mon", d(2026, 11, 30)),
            ("Monday", d(2026, 11, 30)),
            ("tue", d(2026, 12, 1)),
            ("tuesday", d(2026, 12, 1)),
            ("next week", d(2026, 11, 30)),
            ("next   week", d(2026, 11, 30)),
            ("nw", d(2026, 11, 30)),
            ("+0d", d(2026, 11, 24)),
            ("+3d", d(2026, 11, 27)),
            ("+10d", d(2026, 12, 4)),
            ("+2w", d(2026, 12, 8)),
            ("+1m", d(2026, 12, 24)),
            ("+3m", d(2027, 2, 24)),
            ("eom", d(2026, 11, 30)),
            ("12/05", d(2026, 12, 5)),
            ("11/24", d(2026, 11, 24)),
            ("11/23", d(2027, 11, 23)),
            ("1/5", d(2027, 1, 5)),
            ("12/05/2026", d(2026, 12, 5)),
            ("12/5/26", d(2026, 12, 5)),
            ("01/15/2027", d(2027, 1, 15)),
            ("2026-12-05", d(2026, 12, 5)),
            ("2025-01-31", d(2025, 1, 31)),
        ];
        for (typed, expected) in cases {
            assert_eq!(parse(typed, today()), Ok(expected), "{typed:?}");
        }
    }

    #[test]
    fn month_and_year_ends() {
        assert_eq!(parse("+1m", d(2026, 1, 31)), Ok(d(2026, 2, 28)));
        assert_eq!(parse("+1m", d(2026, 3, 31)), Ok(d(2026, 4, 30)));
        assert_eq!(parse("+1m", d(2026, 12, 15)), Ok(d(2027, 1, 15)));
        assert_eq!(parse("tom", d(2026, 12, 31)), Ok(d(2027, 1, 1)));
        assert_eq!(parse("eom", d(2026, 12, 31)), Ok(d(2026, 12, 31)));
        assert_eq!(parse("eom", d(2026, 2, 1)), Ok(d(2026, 2, 28)));
        assert_eq!(parse("next week", d(2026, 12, 28)), Ok(d(2027, 1, 4)));
        assert_eq!(
            parse("next week", d(2026, 11, 29)),
            Ok(d(2026, 11, 30)),
            "from a Sunday"
        );
        assert_eq!(
            parse("next week", d(2026, 11, 30)),
            Ok(d(2026, 12, 7)),
            "from a Monday"
        );
        assert_eq!(parse("1/2", d(2026, 12, 31)), Ok(d(2027, 1, 2)));
        assert_eq!(parse("+1w", d(2026, 12, 28)), Ok(d(2027, 1, 4)));
    }

    #[test]
    fn leap_days() {
        assert_eq!(parse("eom", d(2028, 2, 3)), Ok(d(2028, 2, 29)));
        assert_eq!(parse("+1m", d(2028, 1, 31)), Ok(d(2028, 2, 29)));
        assert_eq!(parse("+1m", d(2028, 2, 29)), Ok(d(2028, 3, 29)));
        assert_eq!(parse("2/29", d(2027, 11, 24)), Ok(d(2028, 2, 29)));
        assert_eq!(parse("2/29", d(2028, 3, 1)), Ok(d(2032, 2, 29)));
        assert_eq!(parse("02/29/2028", today()), Ok(d(2028, 2, 29)));
        assert_eq!(parse("2028-02-29", today()), Ok(d(2028, 2, 29)));
        assert!(matches!(
            parse("02/29/2027", today()),
            Err(DateError::NoSuchDay(_))
        ));
        assert!(matches!(
            parse("2027-02-29", today()),
            Err(DateError::NoSuchDay(_))
        ));
    }

    #[test]
    fn a_weekday_means_the_next_one_never_today() {
        // Today is a Tuesday: "tue" is a week away.
        assert_eq!(parse("tue", today()), Ok(d(2026, 12, 1)));
    }

    #[test]
    fn invalid_input_says_what_is_wrong() {
        assert_eq!(parse("", today()), Err(DateError::Empty));
        assert_eq!(parse("   ", today()), Err(DateError::Empty));
        for typed in [
            "soon", "fri day", "+3", "+d", "+3x", "-3d", "12/", "/5", "1/2/3/4", "tues", "12.05",
            "+3é", "+é", "+",
        ] {
            assert!(
                matches!(parse(typed, today()), Err(DateError::Unknown(_))),
                "{typed:?} gave {:?}",
                parse(typed, today())
            );
        }
        for typed in [
            "2026/12/05",
            "13/05",
            "12/32",
            "2/30",
            "00/10",
            "2026-13-01",
            "2026-02-30",
            "12/05/12345",
        ] {
            assert!(
                matches!(
                    parse(typed, today()),
                    Err(DateError::NoSuchDay(_) | DateError::Unknown(_))
                ),
                "{typed:?} gave {:?}",
                parse(typed, today())
            );
        }
        assert!(matches!(
            parse("13/05", today()),
            Err(DateError::NoSuchDay(_))
        ));
        assert!(matches!(
            parse("+99999d", today()),
            Err(DateError::TooFar(_))
        ));
        let message = parse("soon", today()).unwrap_err().to_string();
        assert!(
            message.starts_with("\"soon\" is not a date tend knows: try"),
            "{message}"
        );
    }

    #[test]
    fn dates_show_with_their_weekday() {
        assert_eq!(show(d(2026, 11, 27)), "Fri 2026-11-27");
    }
}
