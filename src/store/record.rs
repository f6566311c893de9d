//! One patient's record: demographics, conditions, care team, goals.

use chrono::{DateTime, NaiveDate, Utc};
use rusqlite::{params, OptionalExtension};

use super::caseload::{parse_date, parse_instant};
use super::{Store, StoreError};
use crate::domain::goal::{Goal, GoalPriority, GoalStatus};
use crate::domain::patient::{ConsentStatus, EnrollmentStatus, RiskTier, Sex};

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PatientRecord {
    pub id: i64,
    pub member_id: String,
    pub family_name: String,
    pub given_name: String,
    pub birth_date: NaiveDate,
    pub sex: Sex,
    pub language: String,
    pub interpreter_needed: bool,
    pub phone_primary: Option<String>,
    pub phone_secondary: Option<String>,
    pub medicaid_id: Option<String>,
    pub plan_name: Option<String>,
    pub enrollment_status: EnrollmentStatus,
    pub enrolled_on: Option<NaiveDate>,
    pub risk_tier: RiskTier,
    pub coordinator: Option<String>,
    pub last_contact_at: Option<DateTime<Utc>>,
    pub gender_identity: Option<String>,
    pub pronouns: Option<String>,
    /// Which phone the patient prefers: 1 the first, 2 the second.
    pub preferred_phone: u8,
    pub best_time_to_call: Option<String>,
    /// Street, city, state and postal code, as far as known.
    pub address: Vec<String>,
    pub enrollment_ended_on: Option<NaiveDate>,
    pub consent_status: ConsentStatus,
    pub consent_expires_on: Option<NaiveDate>,
    pub advance_directive: bool,
    pub medications_reconciled_on: Option<NaiveDate>,
    pub plan_review_on: Option<NaiveDate>,
    /// The address as stored, field by field, for editing (`address` is the
    /// same as lines to show).
    pub address_line: Option<String>,
    pub city: Option<String>,
    pub state: Option<String>,
    pub postal_code: Option<String>,
    /// The assigned coordinator's user name (`coordinator` is their name).
    pub coordinator_user: Option<String>,
    /// Bumped by every change to the record, so an edit names what it saw.
    pub version: i64,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Condition {
    pub id: i64,
    pub code: Option<String>,
    pub display: String,
    pub clinical_status: String,
}

impl Condition {
    /// "E11.9 Type 2 diabetes"; the code alone when it is all the roster
    /// gave ("I10"), the name alone when there is no code.
    pub fn label(&self) -> String {
        match &self.code {
            Some(code) if *code != self.display => format!("{code} {}", self.display),
            _ => self.display.clone(),
        }
    }
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CareTeamMember {
    pub id: i64,
    pub role: String,
    pub name: String,
    pub organization: Option<String>,
    pub phone: Option<String>,
}

impl Store {
    /// The patient with this member ID, if any.
    pub fn patient_id_by_member(&self, member_id: &str) -> Result<Option<i64>, StoreError> {
        Ok(self
            .conn()
            .prepare_cached("SELECT id FROM patient WHERE member_id = ?1")?
            .query_row([member_id.trim()], |r| r.get(0))
            .optional()?)
    }

    pub fn patient(&self, id: i64) -> Result<Option<PatientRecord>, StoreError> {
        let mut stmt = self.conn().prepare_cached(
            "SELECT p.id, p.member_id, p.family_name, p.given_name, p.birth_date, p.sex,
                    p.language, p.interpreter_needed, p.phone_primary, p.phone_secondary,
                    p.medicaid_id, p.plan_name, p.enrollment_status, p.enrolled_on,
                    p.risk_tier, c.display_name, p.last_contact_at,
                    p.gender_identity, p.pronouns, p.preferred_phone, p.best_time_to_call,
                    p.address_line, p.city, p.state, p.postal_code, p.enrollment_ended_on,
                    p.consent_status, p.consent_expires_on, p.advance_directive,
                    p.medications_reconciled_on, p.plan_review_on, p.version, c.username
               FROM patient p LEFT JOIN practitioner c ON c.id = p.coordinator_id
              WHERE p.id = ?1",
        )?;
        let record = stmt
            .query_row(params![id], |row| {
                let birth: String = row.get(4)?;
                let sex: String = row.get(5)?;
                let enrollment: String = row.get(12)?;
                let enrolled_on: Option<String> = row.get(13)?;
                let risk: i64 = row.get(14)?;
                let last_contact: Option<String> = row.get(16)?;
                let date = |i: usize| -> rusqlite::Result<Option<NaiveDate>> {
                    Ok(row
                        .get::<_, Option<String>>(i)?
                        .as_deref()
                        .and_then(parse_date))
                };
                let city_line = [row.get::<_, Option<String>>(22)?, {
                    let state: Option<String> = row.get(23)?;
                    let zip: Option<String> = row.get(24)?;
                    let both = [state, zip]
                        .into_iter()
                        .flatten()
                        .collect::<Vec<_>>()
                        .join(" ");
                    (!both.is_empty()).then_some(both)
                }]
                .into_iter()
                .flatten()
                .collect::<Vec<_>>()
                .join(", ");
                let address = [row.get::<_, Option<String>>(21)?, Some(city_line)]
                    .into_iter()
                    .flatten()
                    .filter(|l| !l.trim().is_empty())
                    .collect();
                let consent: String = row.get(26)?;
                Ok(PatientRecord {
                    id: row.get(0)?,
                    member_id: row.get(1)?,
                    family_name: row.get(2)?,
                    given_name: row.get(3)?,
                    birth_date: parse_date(&birth).unwrap_or_default(),
                    sex: Sex::from_code(&sex).unwrap_or(Sex::Unknown),
                    language: row.get(6)?,
                    interpreter_needed: row.get(7)?,
                    phone_primary: row.get(8)?,
                    phone_secondary: row.get(9)?,
                    medicaid_id: row.get(10)?,
                    plan_name: row.get(11)?,
                    enrollment_status: EnrollmentStatus::from_code(&enrollment)
                        .unwrap_or(EnrollmentStatus::Outreach),
                    enrolled_on: enrolled_on.as_deref().and_then(parse_date),
                    risk_tier: RiskTier::from_number(risk).unwrap_or(RiskTier::Low),
                    coordinator: row.get(15)?,
                    last_contact_at: last_contact.as_deref().and_then(parse_instant),
                    gender_identity: row.get(17)?,
                    pronouns: row.get(18)?,
                    preferred_phone: row.get(19)?,
                    best_time_to_call: row.get(20)?,
                    address,
                    enrollment_ended_on: date(25)?,
                    consent_status: ConsentStatus::from_code(&consent)
                        .unwrap_or(ConsentStatus::None),
                    consent_expires_on: date(27)?,
                    advance_directive: row.get(28)?,
                    medications_reconciled_on: date(29)?,
                    plan_review_on: date(30)?,
                    version: row.get(31)?,
                    address_line: row.get(21)?,
                    city: row.get(22)?,
                    state: row.get(23)?,
                    postal_code: row.get(24)?,
                    coordinator_user: row.get(32)?,
                })
            })
            .optional()?;
        Ok(record)
    }

    /// Active conditions first, then by name.
    pub fn conditions(&self, patient_id: i64) -> Result<Vec<Condition>, StoreError> {
        let mut stmt = self.conn().prepare_cached(
            "SELECT code, display, clinical_status, id FROM condition WHERE patient_id = ?1
              ORDER BY clinical_status <> 'active', display COLLATE NOCASE, id",
        )?;
        let rows = stmt.query_map(params![patient_id], |row| {
            Ok(Condition {
                code: row.get(0)?,
                display: row.get(1)?,
                clinical_status: row.get(2)?,
                id: row.get(3)?,
            })
        })?;
        Ok(rows.collect::<Result<_, _>>()?)
    }

    pub fn care_team(&self, patient_id: i64) -> Result<Vec<CareTeamMember>, StoreError> {
        let mut stmt = self.conn().prepare_cached(
            "SELECT role, name, organization, phone, id FROM care_team_member
              WHERE patient_id = ?1 ORDER BY id",
        )?;
        let rows = stmt.query_map(params![patient_id], |row| {
            Ok(CareTeamMember {
                role: row.get(0)?,
                name: row.get(1)?,
                organization: row.get(2)?,
                phone: row.get(3)?,
                id: row.get(4)?,
            })
        })?;
        Ok(rows.collect::<Result<_, _>>()?)
    }

    /// Open goals first, soonest target first; then closed ones.
    pub fn goals(&self, patient_id: i64) -> Result<Vec<Goal>, StoreError> {
        let mut stmt = self.conn().prepare_cached(
            "SELECT id, description, lifecycle_status, start_date, target_date,
                    need_id, measure, priority, version FROM goal
              WHERE patient_id = ?1
              ORDER BY lifecycle_status IN ('completed', 'cancelled'),
                       target_date IS NULL, target_date, id",
        )?;
        let rows = stmt.query_map(params![patient_id], |row| {
            let status: String = row.get(2)?;
            let start: Option<String> = row.get(3)?;
            let target: Option<String> = row.get(4)?;
            Ok(Goal {
                id: row.get(0)?,
                description: row.get(1)?,
                status: GoalStatus::from_code(&status).unwrap_or(GoalStatus::Proposed),
                start_date: start.as_deref().and_then(parse_date),
                target_date: target.as_deref().and_then(parse_date),
                need_id: row.get(5)?,
                measure: row.get(6)?,
                priority: GoalPriority::from_code(&row.get::<_, String>(7)?)
                    .unwrap_or(GoalPriority::Medium),
                version: row.get(8)?,
            })
        })?;
        Ok(rows.collect::<Result<_, _>>()?)
    }
}
