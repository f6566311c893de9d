//! What is wrong with a package, one [`Problem`] each, and the checks of
//! single values: phone numbers, schedule times, iCal BYDAY lists, dates,
//! US postal codes.

use std::fmt;

/// One thing wrong, displayed `FILE:LINE: COLUMN: what is wrong`.
///
/// `line` is the CSV line the record starts on (the header is line 1); 0
/// when the problem is the file itself, displayed `FILE: what is wrong`.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Problem {
    pub file: String,
    pub line: usize,
    pub column: Option<String>,
    pub message: String,
}

impl Problem {
    pub fn new(file: &str, line: usize, column: Option<&str>, message: impl Into<String>) -> Self {
        Problem {
            file: file.to_string(),
            line,
            column: column.map(str::to_string),
            message: message.into(),
        }
    }
}

impl fmt::Display for Problem {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}", self.file)?;
        if self.line > 0 {
            write!(f, ":{}", self.line)?;
        }
        if let Some(column) = &self.column {
            write!(f, ": {column}")?;
        }
        write!(f, ": {}", self.message)
    }
}

/// A phone number split into its digits and extension, or why it is not
/// one: 7 to 15 digits once spaces, `-`, `.`, `(`, `)`, `/` and a leading
/// `+` are removed, then optionally `x`, `ext` or `ext.` and 1 to 6
/// extension digits.
pub fn phone(number: &str) -> Result<(String, Option<String>), String> {
    let bad = || {
        format!("{number:?} is not a phone number (7 to 15 digits, then an optional \"ext\" and extension)")
    };
    let lower = number.to_ascii_lowercase();
    let (main, extension) = match lower.find(['x', 'e']) {
        Some(at) => {
            let rest = lower[at..]
                .trim_start_matches("ext")
                .trim_start_matches('x')
                .trim_start_matches('.')
                .trim();
            if rest.is_empty() || rest.len() > 6 || !rest.bytes().all(|b| b.is_ascii_digit()) {
                return Err(bad());
            }
            (&lower[..at], Some(rest.to_string()))
        }
        None => (lower.as_str(), None),
    };
    let main = main.trim();
    let main = main.strip_prefix('+').unwrap_or(main);
    let mut digits = String::new();
    for c in main.chars() {
        match c {
            '0'..='9' => digits.push(c),
            ' ' | '-' | '.' | '(' | ')' | '/' => {}
            _ => return Err(bad()),
        }
    }
    if !(7..=15).contains(&digits.len()) {
        return Err(bad());
    }
    Ok((digits, extension))
}

/// A schedule time's seconds after midnight: `HH:MM` or `HH:MM:SS`, then
/// optionally `Z` or a UTC offset (`-05:00`), as HSDS 3.0 asks. `24:00`
/// is the end of the day.
pub fn time_of_day(text: &str) -> Option<u32> {
    let clock = if let Some(rest) = text.strip_suffix(['Z', 'z']) {
        rest
    } else if text.len() > 6 && matches!(text.as_bytes()[text.len() - 6], b'+' | b'-') {
        let (clock, offset) = text.split_at(text.len() - 6);
        hh_mm(&offset[1..], 23)?;
        clock
    } else {
        text
    };
    let parts: Vec<&str> = clock.split(':').collect();
    let (hours, minutes, seconds) = match parts.as_slice() {
        [h, m] => (number(h, 24)?, number(m, 59)?, 0),
        [h, m, s] => (number(h, 24)?, number(m, 59)?, number(s, 59)?),
        _ => return None,
    };
    if hours == 24 && (minutes, seconds) != (0, 0) {
        return None;
    }
    Some(hours * 3600 + minutes * 60 + seconds)
}

fn hh_mm(text: &str, max_hours: u32) -> Option<()> {
    let (h, m) = text.split_once(':')?;
    number(h, max_hours)?;
    number(m, 59)?;
    Some(())
}

fn number(text: &str, max: u32) -> Option<u32> {
    if text.len() != 2 || !text.bytes().all(|b| b.is_ascii_digit()) {
        return None;
    }
    text.parse().ok().filter(|n| *n <= max)
}

/// Checks opens_at and closes_at together: each a time, and closing after
/// opening. A closing time of `00:00` or `24:00` is midnight at the end of
/// the day, the one way to write hours that reach midnight; hours past it
/// are a second row from `00:00` (HSDS has no "next day" marker).
/// Returns the column at fault and the message.
pub fn opening_hours(opens: &str, closes: &str) -> Result<(), (&'static str, String)> {
    let hh_mm = "is not a time (HH:MM or HH:MM:SS)";
    let open = match opens {
        "" => None,
        _ => Some(time_of_day(opens).ok_or(("opens_at", format!("{opens:?} {hh_mm}")))?),
    };
    let close = match closes {
        "" => None,
        _ => Some(time_of_day(closes).ok_or(("closes_at", format!("{closes:?} {hh_mm}")))?),
    };
    if let (Some(open), Some(close)) = (open, close) {
        let close = if close == 0 { 24 * 3600 } else { close };
        if close <= open {
            return Err((
                "closes_at",
                format!(
                    "{closes:?} is not after opens_at {opens:?} \
                     (hours past midnight close at 24:00 and go on in a row from 00:00)"
                ),
            ));
        }
    }
    Ok(())
}

/// An iCal BYDAY list (RFC 5545): comma-separated weekdays `MO` … `SU`,
/// each optionally preceded by an ordinal 1 to 53, signed (`1MO`,
/// `-1FR`). Returns it upper-cased without blanks.
pub fn byday(text: &str) -> Result<String, String> {
    let bad = || {
        format!("{text:?} is not an iCal BYDAY list (days MO,TU,WE,TH,FR,SA,SU, each may start with an ordinal like 1MO or -1FR)")
    };
    let mut days = Vec::new();
    for part in text.split(',') {
        let part = part.trim().to_ascii_uppercase();
        if part.len() < 2 {
            return Err(bad());
        }
        let (ordinal, day) = part.split_at(part.len() - 2);
        if !matches!(day, "MO" | "TU" | "WE" | "TH" | "FR" | "SA" | "SU") {
            return Err(bad());
        }
        if !ordinal.is_empty() {
            let digits = ordinal.strip_prefix(['+', '-']).unwrap_or(ordinal);
            let ok = (1..=2).contains(&digits.len())
                && digits.bytes().all(|b| b.is_ascii_digit())
                && (1..=53).contains(&digits.parse::<u32>().unwrap_or(0));
            if !ok {
                return Err(bad());
            }
        }
        days.push(part);
    }
    Ok(days.join(","))
}

/// A `YYYY-MM-DD` date.
pub fn date(text: &str) -> Result<chrono::NaiveDate, String> {
    chrono::NaiveDate::parse_from_str(text, "%Y-%m-%d")
        .ok()
        .filter(|_| text.len() == 10)
        .ok_or_else(|| format!("{text:?} is not a date (YYYY-MM-DD)"))
}

/// Whether an address's country is the US: `US`, `USA`, `United States`,
/// or blank (tend serves US programmes).
pub fn is_us(country: &str) -> bool {
    matches!(
        country.to_ascii_uppercase().as_str(),
        "" | "US" | "USA" | "UNITED STATES" | "UNITED STATES OF AMERICA"
    )
}

/// A US ZIP code: 5 digits, or 5+4 as `12345-6789`.
pub fn us_postal_code(text: &str) -> Result<(), String> {
    let digits = |s: &str, n: usize| s.len() == n && s.bytes().all(|b| b.is_ascii_digit());
    let ok = match text.split_once('-') {
        Some((zip, plus4)) => digits(zip, 5) && digits(plus4, 4),
        None => digits(text, 5),
    };
    if ok {
        Ok(())
    } else {
        Err(format!(
            "{text:?} is not a US ZIP code (5 digits, or 5+4 as 12345-6789)"
        ))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn phones() {
        assert_eq!(
            phone("(555) 010-0100").unwrap(),
            ("5550100100".into(), None)
        );
        assert_eq!(phone("+1 555.010.0100").unwrap().0, "15550100100");
        assert_eq!(phone("555-0100").unwrap().0, "5550100");
        assert_eq!(
            phone("555-010-0100 x12").unwrap(),
            ("5550100100".into(), Some("12".into()))
        );
        assert_eq!(phone("555-010-0100 ext. 7").unwrap().1, Some("7".into()));
        assert_eq!(phone("555-010-0100ext7").unwrap().1, Some("7".into()));
        for bad in [
            "555-01",
            "",
            "1234567890123456",
            "555-010-0100 x",
            "call 5550100",
            "555-0100 x1234567",
        ] {
            assert!(phone(bad).is_err(), "{bad}");
        }
    }

    #[test]
    fn times() {
        assert_eq!(time_of_day("09:00"), Some(9 * 3600));
        assert_eq!(time_of_day("09:30:15"), Some(9 * 3600 + 30 * 60 + 15));
        assert_eq!(time_of_day("09:00Z"), Some(9 * 3600));
        assert_eq!(time_of_day("09:00-05:00"), Some(9 * 3600));
        assert_eq!(time_of_day("24:00"), Some(24 * 3600));
        for bad in [
            "9:00",
            "25:00",
            "24:01",
            "09:60",
            "0900",
            "noon",
            "09:00-5",
            "09:00+25:00",
        ] {
            assert_eq!(time_of_day(bad), None, "{bad}");
        }
    }

    #[test]
    fn hours() {
        assert!(opening_hours("09:00", "17:00").is_ok());
        assert!(opening_hours("18:00", "24:00").is_ok());
        assert!(opening_hours("18:00", "00:00").is_ok());
        assert!(opening_hours("", "17:00").is_ok());
        assert_eq!(opening_hours("17:00", "09:00").unwrap_err().0, "closes_at");
        assert_eq!(opening_hours("09:00", "09:00").unwrap_err().0, "closes_at");
        assert_eq!(opening_hours("9am", "17:00").unwrap_err().0, "opens_at");
    }

    #[test]
    fn bydays() {
        assert_eq!(byday("MO,TU").unwrap(), "MO,TU");
        assert_eq!(byday("mo, we ,fr").unwrap(), "MO,WE,FR");
        assert_eq!(byday("1MO").unwrap(), "1MO");
        assert_eq!(byday("-1FR,+2SA").unwrap(), "-1FR,+2SA");
        for bad in ["Monday", "MO,", "0MO", "54MO", "XX", "MO;TU", "1 MO"] {
            assert!(byday(bad).is_err(), "{bad}");
        }
    }

    #[test]
    fn dates_and_zips() {
        assert!(date("2026-01-31").is_ok());
        assert!(date("2026-02-30").is_err());
        assert!(date("1/2/2026").is_err());
        assert!(us_postal_code("00501").is_ok());
        assert!(us_postal_code("00501-1234").is_ok());
        for bad in ["0050", "005011", "00501-12", "K1A 0B1", "ABCDE"] {
            assert!(us_postal_code(bad).is_err(), "{bad}");
        }
        assert!(is_us("") && is_us("us") && !is_us("CA"));
    }

    #[test]
    fn display() {
        let p = Problem::new("service.csv", 3, Some("organization_id"), "x");
        assert_eq!(p.to_string(), "service.csv:3: organization_id: x");
        let p = Problem::new("service.csv", 0, None, "missing");
        assert_eq!(p.to_string(), "service.csv: missing");
    }
}
