//! Patients: the one `Patient` every part of tend reads and writes (see
//! `record.rs`), and the choices and rules of its fields: risk tiers,
//! enrollment, consent, age and names.

use chrono::{Datelike, NaiveDate};

use super::choice::choice_list;

mod record;

pub use record::{Patient, Practitioner};

/// The program's risk stratification, 1 (low) to 4 (very high).
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Default)]
pub enum RiskTier {
    #[default]
    Low = 1,
    Medium = 2,
    High = 3,
    VeryHigh = 4,
}

impl RiskTier {
    pub const ALL: [RiskTier; 4] = [
        RiskTier::Low,
        RiskTier::Medium,
        RiskTier::High,
        RiskTier::VeryHigh,
    ];

    pub fn from_number(n: i64) -> Option<RiskTier> {
        RiskTier::ALL.into_iter().find(|tier| *tier as i64 == n)
    }

    pub fn number(self) -> i64 {
        self as i64
    }

    pub fn label(self) -> &'static str {
        match self {
            RiskTier::Low => "low",
            RiskTier::Medium => "medium",
            RiskTier::High => "high",
            RiskTier::VeryHigh => "very high",
        }
    }

    /// The tier's number as text: how forms and FHIR name it.
    pub fn code(self) -> &'static str {
        match self {
            RiskTier::Low => "1",
            RiskTier::Medium => "2",
            RiskTier::High => "3",
            RiskTier::VeryHigh => "4",
        }
    }

    /// Four characters wide, for list columns.
    pub fn short(self) -> &'static str {
        match self {
            RiskTier::Low => "low",
            RiskTier::Medium => "med",
            RiskTier::High => "high",
            RiskTier::VeryHigh => "vhi",
        }
    }
}

/// Where a member stands with the program.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default)]
pub enum EnrollmentStatus {
    /// Assigned to the program, not yet engaged: the coordinator is reaching out.
    #[default]
    Outreach,
    Enrolled,
    Disenrolled,
}

impl EnrollmentStatus {
    pub const ALL: [EnrollmentStatus; 3] = [
        EnrollmentStatus::Outreach,
        EnrollmentStatus::Enrolled,
        EnrollmentStatus::Disenrolled,
    ];

    pub fn code(self) -> &'static str {
        match self {
            EnrollmentStatus::Outreach => "outreach",
            EnrollmentStatus::Enrolled => "enrolled",
            EnrollmentStatus::Disenrolled => "disenrolled",
        }
    }

    pub fn from_code(code: &str) -> Option<EnrollmentStatus> {
        EnrollmentStatus::ALL.into_iter().find(|s| s.code() == code)
    }
}

/// FHIR administrative gender (the `sex` on the insurance record).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default)]
pub enum Sex {
    Female,
    Male,
    Other,
    #[default]
    Unknown,
}

impl Sex {
    pub const ALL: [Sex; 4] = [Sex::Female, Sex::Male, Sex::Other, Sex::Unknown];

    pub fn code(self) -> &'static str {
        match self {
            Sex::Female => "female",
            Sex::Male => "male",
            Sex::Other => "other",
            Sex::Unknown => "unknown",
        }
    }

    pub fn from_code(code: &str) -> Option<Sex> {
        Sex::ALL.into_iter().find(|s| s.code() == code)
    }

    pub fn short(self) -> &'static str {
        match self {
            Sex::Female => "F",
            Sex::Male => "M",
            Sex::Other => "X",
            Sex::Unknown => "?",
        }
    }
}

choice_list!(RiskTier, |r| r.label());
choice_list!(EnrollmentStatus, |s| s.code());
choice_list!(Sex, |s| s.code());
choice_list!(ConsentStatus, |c| match c {
    ConsentStatus::Active => "on file",
    ConsentStatus::None => "none",
    ConsentStatus::Revoked => "revoked",
});
choice_list!(FlagKind, |k| k.label());

/// Age in completed years on `today` (a birthday on 29 February counts from 1 March
/// in common years, as most US programs do).
pub fn age_on(birth_date: NaiveDate, today: NaiveDate) -> u32 {
    let mut years = today.year() - birth_date.year();
    if (today.month(), today.day()) < (birth_date.month(), birth_date.day()) {
        years -= 1;
    }
    years.max(0) as u32
}

/// "Family, Given": the order a coordinator scans a caseload in.
pub fn list_name(family: &str, given: &str) -> String {
    format!("{family}, {given}")
}

#[cfg(test)]
mod tests {
    use super::*;

    fn d(y: i32, m: u32, day: u32) -> NaiveDate {
        NaiveDate::from_ymd_opt(y, m, day).unwrap()
    }

    #[test]
    fn age_counts_completed_years() {
        assert_eq!(age_on(d(1970, 11, 24), d(2026, 11, 24)), 56);
        assert_eq!(age_on(d(1970, 11, 25), d(2026, 11, 24)), 55);
        assert_eq!(age_on(d(2000, 2, 29), d(2026, 2, 28)), 25);
        assert_eq!(age_on(d(2000, 2, 29), d(2026, 3, 1)), 26);
        assert_eq!(age_on(d(2030, 1, 1), d(2026, 3, 1)), 0);
    }

    #[test]
    fn risk_tiers_round_trip_their_numbers() {
        for tier in RiskTier::ALL {
            assert_eq!(RiskTier::from_number(tier.number()), Some(tier));
        }
        assert_eq!(RiskTier::from_number(0), None);
        assert_eq!(RiskTier::from_number(5), None);
        assert!(RiskTier::VeryHigh > RiskTier::High);
    }

    #[test]
    fn codes_round_trip() {
        for s in EnrollmentStatus::ALL {
            assert_eq!(EnrollmentStatus::from_code(s.code()), Some(s));
        }
        for s in Sex::ALL {
            assert_eq!(Sex::from_code(s.code()), Some(s));
        }
    }
}

/// Consent to share information with the care team (FHIR `Consent.status`,
/// the subset a program records).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default)]
pub enum ConsentStatus {
    /// Nothing signed yet.
    #[default]
    None,
    Active,
    Revoked,
}

impl ConsentStatus {
    pub const ALL: [ConsentStatus; 3] = [
        ConsentStatus::None,
        ConsentStatus::Active,
        ConsentStatus::Revoked,
    ];

    pub fn code(self) -> &'static str {
        match self {
            ConsentStatus::None => "none",
            ConsentStatus::Active => "active",
            ConsentStatus::Revoked => "revoked",
        }
    }

    pub fn from_code(code: &str) -> Option<ConsentStatus> {
        ConsentStatus::ALL.into_iter().find(|s| s.code() == code)
    }
}

/// Where a patient's consent stands on a day, as the record shows it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ConsentStanding {
    /// Signed and in force; `until` when it has an end.
    Valid {
        until: Option<NaiveDate>,
    },
    Expired {
        on: NaiveDate,
    },
    Missing,
    Revoked,
}

impl ConsentStanding {
    pub fn of(status: ConsentStatus, expires_on: Option<NaiveDate>, today: NaiveDate) -> Self {
        match (status, expires_on) {
            (ConsentStatus::None, _) => ConsentStanding::Missing,
            (ConsentStatus::Revoked, _) => ConsentStanding::Revoked,
            (ConsentStatus::Active, Some(on)) if on < today => ConsentStanding::Expired { on },
            (ConsentStatus::Active, until) => ConsentStanding::Valid { until },
        }
    }

    /// Whether the record must flag it: information cannot be shared.
    pub fn is_flagged(self) -> bool {
        !matches!(self, ConsentStanding::Valid { .. })
    }

    pub fn describe(self) -> String {
        match self {
            ConsentStanding::Valid { until: Some(d) } => format!("signed, until {d}"),
            ConsentStanding::Valid { until: None } => "signed".to_string(),
            ConsentStanding::Expired { on } => format!("EXPIRED {on}"),
            ConsentStanding::Missing => "MISSING".to_string(),
            ConsentStanding::Revoked => "REVOKED".to_string(),
        }
    }
}

/// What a flag on a record is about: things to see before calling.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum FlagKind {
    /// A risk to the patient or to staff (for example a home-visit safety plan).
    Safety,
    /// Do not call at home (or at a number the patient named).
    DoNotCall,
    Other,
}

impl FlagKind {
    pub const ALL: [FlagKind; 3] = [FlagKind::Safety, FlagKind::DoNotCall, FlagKind::Other];

    pub fn code(self) -> &'static str {
        match self {
            FlagKind::Safety => "safety",
            FlagKind::DoNotCall => "do-not-call",
            FlagKind::Other => "other",
        }
    }

    pub fn from_code(code: &str) -> Option<FlagKind> {
        FlagKind::ALL.into_iter().find(|k| k.code() == code)
    }

    pub fn label(self) -> &'static str {
        match self {
            FlagKind::Safety => "Safety",
            FlagKind::DoNotCall => "Do not call",
            FlagKind::Other => "Note",
        }
    }
}

/// A North American phone number as typed ("212 555 0134", "(212)
/// 555-0134", "+1 212-555-0134"), written the one way tend shows them:
/// "(212) 555-0134". Anything else is refused with the reason.
pub fn normalize_phone(text: &str) -> Result<String, String> {
    if let Some(bad) = text
        .chars()
        .find(|c| !(c.is_ascii_digit() || " ()-.+".contains(*c)))
    {
        return Err(format!("{bad:?} does not belong in a phone number"));
    }
    let digits: String = text.chars().filter(char::is_ascii_digit).collect();
    let digits = match digits.len() {
        10 => digits,
        11 if digits.starts_with('1') => digits[1..].to_string(),
        n => return Err(format!("a phone number has 10 digits; this has {n}")),
    };
    if digits.starts_with(['0', '1']) {
        return Err("an area code cannot start with 0 or 1".to_string());
    }
    Ok(format!(
        "({}) {}-{}",
        &digits[..3],
        &digits[3..6],
        &digits[6..]
    ))
}

/// An ICD-10(-CM) code's shape: a letter, two digits (the second may be a
/// letter, as in "C4A"), then optionally a dot and one to four letters or
/// digits ("E11.9", "F32.A", "Z59.01"). Whether the code exists is for the
/// payer's files to say; this catches a name typed in the code's place.
pub fn check_icd10(code: &str) -> Result<(), String> {
    let code = code.trim();
    let bad = || {
        format!(
            "{:?} is not an ICD-10 code: a letter, two digits, then a dot and up to four more (E11.9)",
            code.chars().take(20).collect::<String>()
        )
    };
    let (category, detail) = match code.split_once('.') {
        Some((category, detail)) => (category, Some(detail)),
        None => (code, None),
    };
    let c: Vec<char> = category.chars().collect();
    let category_ok = c.len() == 3
        && c[0].is_ascii_alphabetic()
        && c[1].is_ascii_digit()
        && c[2].is_ascii_alphanumeric();
    let detail_ok = detail.is_none_or(|d| {
        (1..=4).contains(&d.len()) && d.chars().all(|ch| ch.is_ascii_alphanumeric())
    });
    if category_ok && detail_ok {
        Ok(())
    } else {
        Err(bad())
    }
}

/// A US postal code: five digits, or ZIP+4 ("10001-1234").
pub fn check_postal_code(code: &str) -> Result<(), String> {
    let digits = |t: &str, n: usize| t.len() == n && t.chars().all(|c| c.is_ascii_digit());
    let ok = match code.trim().split_once('-') {
        Some((zip, plus)) => digits(zip, 5) && digits(plus, 4),
        None => digits(code.trim(), 5),
    };
    if ok {
        Ok(())
    } else {
        Err("a ZIP code is five digits, or five, a dash and four".to_string())
    }
}

/// A US state or territory as its two-letter postal abbreviation.
pub fn check_state(state: &str) -> Result<(), String> {
    let state = state.trim();
    if state.len() == 2 && state.chars().all(|c| c.is_ascii_alphabetic()) {
        Ok(())
    } else {
        Err("a state is its two-letter abbreviation (NY)".to_string())
    }
}

/// The earliest birth date tend accepts on `today`: nobody enrolled is
/// older than 120.
pub fn earliest_birth_date(today: NaiveDate) -> NaiveDate {
    today
        .with_year(today.year() - 120)
        .unwrap_or(NaiveDate::MIN)
}

#[cfg(test)]
mod record_rule_tests {
    use super::*;

    #[test]
    fn icd10_codes_zip_codes_and_states_are_checked_for_shape() {
        for good in ["E11.9", "F32.A", "Z59.01", "I10", "C4A.0", "e11.65"] {
            assert_eq!(check_icd10(good), Ok(()), "{good}");
        }
        for bad in ["diabetes", "E1", "E11.", "E11.12345", "11.9", "E1X9"] {
            assert!(check_icd10(bad).is_err(), "{bad}");
        }
        assert!(check_postal_code("10001").is_ok() && check_postal_code("10001-1234").is_ok());
        assert!(check_postal_code("1000").is_err() && check_postal_code("10001-12").is_err());
        assert!(check_state("NY").is_ok());
        assert!(check_state("New York").is_err() && check_state("N1").is_err());
    }

    fn day(d: u32) -> NaiveDate {
        NaiveDate::from_ymd_opt(2026, 11, d).unwrap()
    }

    #[test]
    fn consent_expired_missing_or_revoked_is_flagged() {
        use ConsentStanding as S;
        let on = |status, expires| ConsentStanding::of(status, expires, day(24));
        assert_eq!(
            on(ConsentStatus::Active, Some(day(30))),
            S::Valid {
                until: Some(day(30))
            }
        );
        assert_eq!(
            on(ConsentStatus::Active, Some(day(24))),
            S::Valid {
                until: Some(day(24))
            },
            "good through its last day"
        );
        assert_eq!(
            on(ConsentStatus::Active, Some(day(23))),
            S::Expired { on: day(23) }
        );
        assert_eq!(on(ConsentStatus::Active, None), S::Valid { until: None });
        assert_eq!(on(ConsentStatus::None, Some(day(30))), S::Missing);
        assert_eq!(on(ConsentStatus::Revoked, None), S::Revoked);
        assert!(!S::Valid { until: None }.is_flagged());
        assert!(
            S::Expired { on: day(23) }.is_flagged()
                && S::Missing.is_flagged()
                && S::Revoked.is_flagged()
        );
        for s in ConsentStatus::ALL {
            assert_eq!(ConsentStatus::from_code(s.code()), Some(s));
        }
    }

    #[test]
    fn phone_numbers_are_checked_and_written_one_way() {
        for typed in [
            "212 555 0134",
            "(212) 555-0134",
            "+1 212-555-0134",
            "212.555.0134",
            "12125550134",
        ] {
            assert_eq!(
                normalize_phone(typed).as_deref(),
                Ok("(212) 555-0134"),
                "{typed}"
            );
        }
        assert_eq!(
            normalize_phone("555-0134").unwrap_err(),
            "a phone number has 10 digits; this has 7"
        );
        assert_eq!(
            normalize_phone("112 555 0134").unwrap_err(),
            "an area code cannot start with 0 or 1"
        );
        assert_eq!(
            normalize_phone("212 555 013x").unwrap_err(),
            "'x' does not belong in a phone number"
        );
        assert!(normalize_phone("").is_err());
    }
}
