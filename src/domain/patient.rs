//! Patients: risk tiers, enrollment, age and names.

use chrono::{Datelike, NaiveDate};

/// The program's risk stratification, 1 (low) to 4 (very high).
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum RiskTier {
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
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum EnrollmentStatus {
    /// Assigned to the program, not yet engaged: the coordinator is reaching out.
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
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Sex {
    Female,
    Male,
    Other,
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
