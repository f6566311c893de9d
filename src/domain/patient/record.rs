//! The one patient: every field tend keeps about a person, named once. The
//! store maps its row to and from it; the roster import, the FHIR import
//! and export, the generator and the record form all read and write it.

use chrono::{DateTime, NaiveDate, Utc};

use super::{
    check_postal_code, check_state, earliest_birth_date, normalize_phone, ConsentStatus,
    EnrollmentStatus, RiskTier, Sex,
};
use crate::domain::{language, names::person_name};

/// A tend user: a coordinator, a task's owner, a note's author.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Practitioner {
    /// The row id; what a patient's, task's or note's reference names.
    pub id: i64,
    /// Their login.
    pub username: String,
    pub display_name: String,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Patient {
    /// The row id; 0 for a patient not yet stored.
    pub id: i64,
    /// The payer's member ID: how a roster and a bundle find them again.
    pub member_id: String,
    pub family_name: String,
    pub given_name: String,
    pub birth_date: NaiveDate,
    pub sex: Sex,
    pub gender_identity: Option<String>,
    pub pronouns: Option<String>,
    /// As `language::PreferredLanguage::code` gives it: a BCP 47 tag ("en",
    /// "pt-BR"), `und` when unknown, `und-x-declined` when declined.
    pub language: String,
    pub interpreter_needed: bool,
    pub phone_primary: Option<String>,
    pub phone_secondary: Option<String>,
    /// Which phone the patient prefers: 1 the first, 2 the second.
    pub preferred_phone: u8,
    pub best_time_to_call: Option<String>,
    /// The street part of the address.
    pub address_line: Option<String>,
    pub city: Option<String>,
    /// Two-letter postal abbreviation.
    pub state: Option<String>,
    pub postal_code: Option<String>,
    pub medicaid_id: Option<String>,
    pub plan_name: Option<String>,
    pub enrollment_status: EnrollmentStatus,
    pub enrolled_on: Option<NaiveDate>,
    pub enrollment_ended_on: Option<NaiveDate>,
    pub risk_tier: RiskTier,
    /// The assigned coordinator. The store writes only the id; it reads
    /// back all three fields.
    pub coordinator: Option<Practitioner>,
    /// The last contact that reached someone (set by the notes, not edited).
    pub last_contact_at: Option<DateTime<Utc>>,
    pub consent_status: ConsentStatus,
    pub consent_expires_on: Option<NaiveDate>,
    pub advance_directive: bool,
    pub medications_reconciled_on: Option<NaiveDate>,
    pub plan_review_on: Option<NaiveDate>,
    /// Bumped by every change to the record, so an edit names what it saw.
    pub version: i64,
}

impl Default for Patient {
    /// Nothing known yet: the values the database gives a new row.
    fn default() -> Patient {
        Patient {
            id: 0,
            member_id: String::new(),
            family_name: String::new(),
            given_name: String::new(),
            birth_date: NaiveDate::default(),
            sex: Sex::Unknown,
            gender_identity: None,
            pronouns: None,
            language: language::PreferredLanguage::Unknown.code().to_string(),
            interpreter_needed: false,
            phone_primary: None,
            phone_secondary: None,
            preferred_phone: 1,
            best_time_to_call: None,
            address_line: None,
            city: None,
            state: None,
            postal_code: None,
            medicaid_id: None,
            plan_name: None,
            enrollment_status: EnrollmentStatus::Outreach,
            enrolled_on: None,
            enrollment_ended_on: None,
            risk_tier: RiskTier::Low,
            coordinator: None,
            last_contact_at: None,
            consent_status: ConsentStatus::None,
            consent_expires_on: None,
            advance_directive: false,
            medications_reconciled_on: None,
            plan_review_on: None,
            version: 0,
        }
    }
}

impl Patient {
    /// The coordinator's row id, as the patient row stores it.
    pub fn coordinator_id(&self) -> Option<i64> {
        self.coordinator.as_ref().map(|c| c.id)
    }

    /// The address as lines to show: the street, then "City, ST 12345", as
    /// far as known.
    pub fn address_lines(&self) -> Vec<String> {
        let state_zip = [&self.state, &self.postal_code]
            .into_iter()
            .flatten()
            .cloned()
            .collect::<Vec<_>>()
            .join(" ");
        let city_line = [
            self.city.clone(),
            (!state_zip.is_empty()).then_some(state_zip),
        ]
        .into_iter()
        .flatten()
        .collect::<Vec<_>>()
        .join(", ");
        [self.address_line.clone(), Some(city_line)]
            .into_iter()
            .flatten()
            .filter(|l| !l.trim().is_empty())
            .collect()
    }

    /// Whether the record holds together on `today`; the reason when not.
    /// A form checks each field as it is typed; these are the rules that
    /// span fields, checked again by the store so no caller can keep a
    /// record that breaks them.
    pub fn check(&self, today: NaiveDate) -> Result<(), String> {
        let blank = |name: &str| person_name(name).is_empty();
        if blank(&self.given_name) || blank(&self.family_name) {
            return Err("a patient has a given and a family name".into());
        }
        if self.birth_date > today {
            return Err(format!("the birth date {} is after today", self.birth_date));
        }
        if self.birth_date < earliest_birth_date(today) {
            return Err(format!(
                "the birth date {} would make the patient older than 120",
                self.birth_date
            ));
        }
        for phone in [&self.phone_primary, &self.phone_secondary]
            .into_iter()
            .flatten()
        {
            normalize_phone(phone)?;
        }
        if self.preferred_phone == 2 && self.phone_secondary.is_none() {
            return Err("the preferred phone is the second, but there is no second phone".into());
        }
        if self.consent_status != ConsentStatus::Active && self.consent_expires_on.is_some() {
            return Err("only a consent on file has an expiry date".into());
        }
        if let (Some(from), Some(to)) = (self.enrolled_on, self.enrollment_ended_on) {
            if to < from {
                return Err(format!(
                    "enrollment cannot end ({to}) before it began ({from})"
                ));
            }
        }
        if self.enrollment_ended_on.is_some()
            && self.enrollment_status != EnrollmentStatus::Disenrolled
        {
            return Err("only a disenrolled patient has an enrollment end date".into());
        }
        // A form writes what `language::parse` made; anything else (empty,
        // a name, a tag not in canonical form) is not what the column holds.
        if language::parse(&self.language).map_or(true, |answer| answer.code() != self.language) {
            return Err(
                "a patient's preferred language is stored as its BCP 47 tag (und: unknown, und-x-declined: declined)"
                    .into(),
            );
        }
        if let Some(state) = &self.state {
            check_state(state)?;
        }
        if let Some(zip) = &self.postal_code {
            check_postal_code(zip)?;
        }
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn day(y: i32, m: u32, d: u32) -> NaiveDate {
        NaiveDate::from_ymd_opt(y, m, d).unwrap()
    }

    fn today() -> NaiveDate {
        day(2026, 11, 24)
    }

    fn patient() -> Patient {
        Patient {
            family_name: "Rivera".into(),
            given_name: "Ana".into(),
            birth_date: day(1970, 2, 3),
            language: "es".into(),
            ..Patient::default()
        }
    }

    #[test]
    fn a_plain_record_holds_together() {
        assert_eq!(patient().check(today()), Ok(()));
    }

    #[test]
    fn each_rule_across_fields_says_what_is_wrong() {
        let cases: Vec<(Patient, &str)> = vec![
            (
                Patient {
                    given_name: "\u{200b}".into(),
                    ..patient()
                },
                "a given and a family name",
            ),
            (
                Patient {
                    birth_date: day(2026, 11, 25),
                    ..patient()
                },
                "after today",
            ),
            (
                Patient {
                    birth_date: day(1900, 1, 1),
                    ..patient()
                },
                "older than 120",
            ),
            (
                Patient {
                    phone_primary: Some("555-0134".into()),
                    ..patient()
                },
                "10 digits",
            ),
            (
                Patient {
                    preferred_phone: 2,
                    ..patient()
                },
                "no second phone",
            ),
            (
                Patient {
                    consent_expires_on: Some(day(2027, 1, 1)),
                    ..patient()
                },
                "only a consent on file",
            ),
            (
                Patient {
                    enrollment_status: EnrollmentStatus::Disenrolled,
                    enrolled_on: Some(day(2026, 5, 1)),
                    enrollment_ended_on: Some(day(2026, 4, 1)),
                    ..patient()
                },
                "cannot end",
            ),
            (
                Patient {
                    enrollment_ended_on: Some(day(2026, 4, 1)),
                    ..patient()
                },
                "only a disenrolled patient",
            ),
            (
                Patient {
                    language: "Spanish".into(),
                    ..patient()
                },
                "BCP 47",
            ),
            (
                Patient {
                    state: Some("New York".into()),
                    ..patient()
                },
                "two-letter",
            ),
            (
                Patient {
                    postal_code: Some("1000".into()),
                    ..patient()
                },
                "ZIP code",
            ),
        ];
        for (record, says) in cases {
            let problem = record.check(today()).unwrap_err();
            assert!(problem.contains(says), "{problem:?} should say {says:?}");
        }
    }

    #[test]
    fn the_address_reads_as_lines_as_far_as_known() {
        let mut p = patient();
        assert!(p.address_lines().is_empty());
        p.city = Some("Albany".into());
        assert_eq!(p.address_lines(), ["Albany"]);
        p.address_line = Some("1 Main St".into());
        p.state = Some("NY".into());
        p.postal_code = Some("12207".into());
        assert_eq!(p.address_lines(), ["1 Main St", "Albany, NY 12207"]);
    }
}
