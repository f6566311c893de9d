//! Business days: Monday to Friday, except US federal holidays (and the
//! days they are observed on) and the program's own holidays from config.
//!
//! The federal holidays are those of 5 U.S.C. 6103(a), computed for any
//! year by their current rules (Martin Luther King Jr. Day from 1986,
//! Juneteenth from 2021, when it was first observed on Friday 18 June).
//! A holiday on a Saturday is observed on the Friday before and one on a
//! Sunday on the Monday after (5 U.S.C. 6103(b) and Executive Order 11582,
//! as OPM applies them), so New Year's Day 2022, a Saturday, was observed
//! on Friday 31 December 2021: a day of one year can be the next year's
//! holiday.
//!
//! Written here rather than taken from a crate: `bdays` (0.1.4, whose
//! `USSettlement` follows this very rule) answers only whether a day is a
//! holiday, not which one, and tend shows the name.
//!
//! "Within 2 business days" for transitional care management means Monday
//! to Friday except holidays, "without respect to normal practice hours or
//! date of notification of discharge" (CMS, Transitional Care Management
//! Services, MLN908628): [`Calendar::add_business_days`] counts that way.

use std::collections::BTreeSet;

use chrono::{Datelike, Duration, NaiveDate, Weekday};

/// The working calendar: federal holidays plus the program's own.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Calendar {
    extra: BTreeSet<NaiveDate>,
}

/// The name shown for a day from the program's own list.
pub const PROGRAM_HOLIDAY: &str = "program holiday";

impl Calendar {
    /// Federal holidays plus these days (`holidays` in config.toml).
    pub fn new(extra: impl IntoIterator<Item = NaiveDate>) -> Calendar {
        Calendar {
            extra: extra.into_iter().collect(),
        }
    }

    /// The holiday on `date`, by name: a federal holiday on its own date,
    /// "… (observed)" on the weekday it is observed instead, or
    /// [`PROGRAM_HOLIDAY`] for a day from config.
    pub fn is_holiday(&self, date: NaiveDate) -> Option<&'static str> {
        // Only next year's New Year's Day can be observed in this year.
        for year in [date.year(), date.year() + 1] {
            for (day, name, observed_name) in federal_holidays(year) {
                if day == date {
                    return Some(name);
                }
                if observed(day) == date {
                    return Some(observed_name);
                }
            }
        }
        self.extra.contains(&date).then_some(PROGRAM_HOLIDAY)
    }

    /// Monday to Friday, and neither a holiday nor a holiday's observed day.
    pub fn is_business_day(&self, date: NaiveDate) -> bool {
        !matches!(date.weekday(), Weekday::Sat | Weekday::Sun) && self.is_holiday(date).is_none()
    }

    /// The `n`-th business day after `date`; `date` itself is day 0
    /// whatever it is (a discharge on a Saturday: day 1 is Monday).
    pub fn add_business_days(&self, date: NaiveDate, n: u32) -> NaiveDate {
        let mut day = date;
        let mut left = n;
        while left > 0 {
            day += Duration::days(1);
            if self.is_business_day(day) {
                left -= 1;
            }
        }
        day
    }

    /// Business days after `from` up to and including `to`; negative when
    /// `to` is earlier (`between(a, b) == -between(b, a)`).
    pub fn business_days_between(&self, from: NaiveDate, to: NaiveDate) -> i64 {
        if to < from {
            return -self.business_days_between(to, from);
        }
        from.iter_days()
            .skip(1)
            .take_while(|d| *d <= to)
            .filter(|d| self.is_business_day(*d))
            .count() as i64
    }
}

/// The federal holidays of `year` on their own dates (which may fall on a
/// weekend), with their names and the names of their observed days.
fn federal_holidays(year: i32) -> Vec<(NaiveDate, &'static str, &'static str)> {
    let fixed = |month, day| NaiveDate::from_ymd_opt(year, month, day);
    let nth = |weekday, month, n| NaiveDate::from_weekday_of_month_opt(year, month, weekday, n);
    let mut days = vec![
        (fixed(1, 1), "New Year's Day", "New Year's Day (observed)"),
        (
            nth(Weekday::Mon, 2, 3),
            "Washington's Birthday",
            "Washington's Birthday",
        ),
        (
            last_weekday_of_month(year, 5, Weekday::Mon),
            "Memorial Day",
            "Memorial Day",
        ),
        (
            fixed(7, 4),
            "Independence Day",
            "Independence Day (observed)",
        ),
        (nth(Weekday::Mon, 9, 1), "Labor Day", "Labor Day"),
        (nth(Weekday::Mon, 10, 2), "Columbus Day", "Columbus Day"),
        (fixed(11, 11), "Veterans Day", "Veterans Day (observed)"),
        (
            nth(Weekday::Thu, 11, 4),
            "Thanksgiving Day",
            "Thanksgiving Day",
        ),
        (fixed(12, 25), "Christmas Day", "Christmas Day (observed)"),
    ];
    if year >= 1986 {
        days.push((
            nth(Weekday::Mon, 1, 3),
            "Martin Luther King Jr. Day",
            "Martin Luther King Jr. Day",
        ));
    }
    if year >= 2021 {
        days.push((fixed(6, 19), "Juneteenth", "Juneteenth (observed)"));
    }
    days.into_iter()
        .filter_map(|(day, name, observed_name)| Some((day?, name, observed_name)))
        .collect()
}

/// The day a holiday is observed on: Saturday's on the Friday before,
/// Sunday's on the Monday after.
fn observed(day: NaiveDate) -> NaiveDate {
    match day.weekday() {
        Weekday::Sat => day - Duration::days(1),
        Weekday::Sun => day + Duration::days(1),
        _ => day,
    }
}

fn last_weekday_of_month(year: i32, month: u32, weekday: Weekday) -> Option<NaiveDate> {
    let next_month = if month == 12 {
        NaiveDate::from_ymd_opt(year + 1, 1, 1)
    } else {
        NaiveDate::from_ymd_opt(year, month + 1, 1)
    }?;
    let last = next_month - Duration::days(1);
    let back = (7 + last.weekday().num_days_from_monday() - weekday.num_days_from_monday()) % 7;
    Some(last - Duration::days(i64::from(back)))
}

/// `[transitions]`: how the clocks of transitions of care count.
#[derive(Debug, Clone, Default, PartialEq, Eq, serde::Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct TransitionSettings {
    /// The program's own holidays, beyond the US federal holidays (which
    /// are computed): days that are not business days for the 2-business-
    /// day contact, as "YYYY-MM-DD".
    pub holidays: Vec<chrono::NaiveDate>,
}

#[cfg(test)]
mod tests {
    use super::*;

    fn d(y: i32, m: u32, day: u32) -> NaiveDate {
        NaiveDate::from_ymd_opt(y, m, day).unwrap()
    }

    /// The days off of one year, as a sorted list.
    fn days_off(cal: &Calendar, year: i32) -> Vec<NaiveDate> {
        d(year, 1, 1)
            .iter_days()
            .take_while(|day| day.year() == year)
            .filter(|day| !matches!(day.weekday(), Weekday::Sat | Weekday::Sun))
            .filter(|day| !cal.is_business_day(*day))
            .collect()
    }

    #[test]
    fn federal_holidays_match_opm_lists() {
        let cal = Calendar::default();
        // OPM's published federal holidays for 2021 (Juneteenth observed
        // Fri 18 June, Independence Day Mon 5 July, Christmas Fri 24 Dec,
        // New Year's Day 2022 on Fri 31 Dec).
        assert_eq!(
            days_off(&cal, 2021),
            vec![
                d(2021, 1, 1),
                d(2021, 1, 18),
                d(2021, 2, 15),
                d(2021, 5, 31),
                d(2021, 6, 18),
                d(2021, 7, 5),
                d(2021, 9, 6),
                d(2021, 10, 11),
                d(2021, 11, 11),
                d(2021, 11, 25),
                d(2021, 12, 24),
                d(2021, 12, 31),
            ]
        );
        // 2022: no New Year's Day of its own (observed in 2021).
        assert_eq!(
            days_off(&cal, 2022),
            vec![
                d(2022, 1, 17),
                d(2022, 2, 21),
                d(2022, 5, 30),
                d(2022, 6, 20),
                d(2022, 7, 4),
                d(2022, 9, 5),
                d(2022, 10, 10),
                d(2022, 11, 11),
                d(2022, 11, 24),
                d(2022, 12, 26),
            ]
        );
        // 2026: Independence Day on a Saturday, observed Friday 3 July.
        assert_eq!(
            days_off(&cal, 2026),
            vec![
                d(2026, 1, 1),
                d(2026, 1, 19),
                d(2026, 2, 16),
                d(2026, 5, 25),
                d(2026, 6, 19),
                d(2026, 7, 3),
                d(2026, 9, 7),
                d(2026, 10, 12),
                d(2026, 11, 11),
                d(2026, 11, 26),
                d(2026, 12, 25),
            ]
        );
        // 2020 had no Juneteenth.
        assert!(cal.is_business_day(d(2020, 6, 19)));
        assert_eq!(days_off(&cal, 2020).len(), 10);
    }

    #[test]
    fn a_saturday_holiday_is_observed_on_friday_and_a_sunday_one_on_monday() {
        let cal = Calendar::default();
        assert_eq!(d(2026, 7, 4).weekday(), Weekday::Sat);
        assert_eq!(
            cal.is_holiday(d(2026, 7, 3)),
            Some("Independence Day (observed)")
        );
        assert_eq!(cal.is_holiday(d(2026, 7, 4)), Some("Independence Day"));
        assert!(cal.is_business_day(d(2026, 7, 6)));

        assert_eq!(d(2027, 7, 4).weekday(), Weekday::Sun);
        assert_eq!(
            cal.is_holiday(d(2027, 7, 5)),
            Some("Independence Day (observed)")
        );
        assert!(cal.is_business_day(d(2027, 7, 2)));
        assert!(!cal.is_business_day(d(2027, 7, 5)));
    }

    #[test]
    fn new_years_day_on_a_saturday_is_observed_the_year_before() {
        let cal = Calendar::default();
        assert_eq!(d(2022, 1, 1).weekday(), Weekday::Sat);
        assert_eq!(d(2021, 12, 31).weekday(), Weekday::Fri);
        assert_eq!(
            cal.is_holiday(d(2021, 12, 31)),
            Some("New Year's Day (observed)")
        );
        assert!(!cal.is_business_day(d(2021, 12, 31)));
        assert!(cal.is_business_day(d(2022, 1, 3)));
        // Not every 31 December: 2026's is a Thursday and a working day.
        assert!(cal.is_business_day(d(2026, 12, 31)));
        // 2027 ends on a Friday before Saturday 1 January 2028.
        assert_eq!(d(2027, 12, 31).weekday(), Weekday::Fri);
        assert!(!cal.is_business_day(d(2027, 12, 31)));
    }

    #[test]
    fn monday_holidays_fall_on_their_mondays() {
        let cal = Calendar::default();
        for (day, name) in [
            (d(2026, 1, 19), "Martin Luther King Jr. Day"),
            (d(2026, 2, 16), "Washington's Birthday"),
            (d(2026, 5, 25), "Memorial Day"),
            (d(2026, 9, 7), "Labor Day"),
            (d(2026, 10, 12), "Columbus Day"),
            (d(2026, 11, 26), "Thanksgiving Day"),
            (d(2027, 5, 31), "Memorial Day"),
        ] {
            assert_eq!(cal.is_holiday(day), Some(name), "{day}");
        }
        // 31 May 2027 is the last Monday; 24 May is not.
        assert!(cal.is_business_day(d(2027, 5, 24)));
        assert!(
            cal.is_business_day(d(1985, 1, 21)),
            "no MLK Day before 1986"
        );
    }

    #[test]
    fn program_holidays_come_from_config() {
        let day_after_thanksgiving = d(2026, 11, 27);
        assert!(Calendar::default().is_business_day(day_after_thanksgiving));
        let cal = Calendar::new([day_after_thanksgiving]);
        assert_eq!(
            cal.is_holiday(day_after_thanksgiving),
            Some(PROGRAM_HOLIDAY)
        );
        assert!(!cal.is_business_day(day_after_thanksgiving));
        // Wednesday before Thanksgiving + 2 business days: Thu and Fri are
        // off, so Monday then Tuesday.
        let wednesday = d(2026, 11, 25);
        assert_eq!(cal.add_business_days(wednesday, 2), d(2026, 12, 1));
        assert_eq!(
            Calendar::default().add_business_days(wednesday, 2),
            d(2026, 11, 30)
        );
    }

    #[test]
    fn adding_business_days_counts_after_the_day() {
        let cal = Calendar::default();
        let friday = d(2026, 3, 6);
        assert_eq!(friday.weekday(), Weekday::Fri);
        assert_eq!(cal.add_business_days(friday, 0), friday);
        assert_eq!(cal.add_business_days(friday, 1), d(2026, 3, 9));
        assert_eq!(cal.add_business_days(friday, 2), d(2026, 3, 10));
        let saturday = d(2026, 3, 7);
        assert_eq!(cal.add_business_days(saturday, 0), saturday);
        assert_eq!(cal.add_business_days(saturday, 1), d(2026, 3, 9));
        // Across New Year's Day observed on 31 December 2021.
        let thursday = d(2021, 12, 30);
        assert_eq!(thursday.weekday(), Weekday::Thu);
        assert_eq!(cal.add_business_days(thursday, 1), d(2022, 1, 3));
        assert_eq!(cal.add_business_days(thursday, 2), d(2022, 1, 4));
    }

    #[test]
    fn business_days_between_is_symmetric() {
        let cal = Calendar::default();
        let friday = d(2026, 3, 6);
        let monday = d(2026, 3, 9);
        let tuesday = d(2026, 3, 10);
        assert_eq!(cal.business_days_between(friday, friday), 0);
        assert_eq!(cal.business_days_between(friday, monday), 1);
        assert_eq!(cal.business_days_between(friday, tuesday), 2);
        assert_eq!(cal.business_days_between(tuesday, friday), -2);
        assert_eq!(cal.business_days_between(d(2026, 3, 7), d(2026, 3, 8)), 0);
        // A week around Thanksgiving 2026 has four business days.
        assert_eq!(
            cal.business_days_between(d(2026, 11, 22), d(2026, 11, 28)),
            4
        );
        for n in 0..40 {
            let to = cal.add_business_days(friday, n);
            assert_eq!(cal.business_days_between(friday, to), i64::from(n));
            assert_eq!(cal.business_days_between(to, friday), -i64::from(n));
        }
    }
}
