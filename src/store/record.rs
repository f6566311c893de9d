//! One patient's record beyond the patient row (`patient.rs`): the edit of
//! the record, and its lists (conditions, medications and their
//! reconciliation, allergies, care team, and the flags that must be seen
//! first). Every change is one transaction with its audit row; a change to
//! the record names the version it saw, and one that another session
//! changed meanwhile is refused with nothing written.

use chrono::NaiveDate;
use rusqlite::params;

use super::care_plan::{bump_patient, non_empty};
use super::codec::{code, date_text, opt_date, parse_date};
use super::{AuditAction, NewCareTeamMember, Store, StoreError, Tx};
use crate::domain::clinical::{AllergyCriticality, Condition, ConditionStatus};
use crate::domain::patient::{check_icd10, normalize_phone, FlagKind, Patient};

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CareTeamMember {
    pub id: i64,
    pub role: String,
    pub name: String,
    pub organization: Option<String>,
    pub phone: Option<String>,
}

#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct Medication {
    pub id: i64,
    pub name: String,
    pub dose: Option<String>,
    pub frequency: Option<String>,
    pub prescriber: Option<String>,
    pub active: bool,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Allergy {
    pub id: i64,
    pub substance: String,
    pub reaction: Option<String>,
    pub criticality: AllergyCriticality,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Flag {
    pub id: i64,
    pub kind: FlagKind,
    pub text: String,
}

/// An entry of one of the record's lists, which `x` ends.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum RecordItem {
    /// Marked resolved (kept, shown as such).
    Condition(i64),
    /// Marked stopped (kept, no longer listed).
    Medication(i64),
    /// Removed: an allergy entered in error or ruled out.
    Allergy(i64),
    /// Removed from the team.
    CareTeamMember(i64),
    /// Taken down (kept, no longer shown).
    Flag(i64),
}

/// Every column of `condition`, in `condition_from_row`'s order.
pub(crate) const CONDITION_SELECT: &str =
    "SELECT id, patient_id, code, display, clinical_status, onset_date FROM condition";

pub(crate) fn condition_from_row(r: &rusqlite::Row<'_>) -> rusqlite::Result<Condition> {
    Ok(Condition {
        id: r.get(0)?,
        patient_id: r.get(1)?,
        code: r.get(2)?,
        display: r.get(3)?,
        clinical_status: code(r, 4, ConditionStatus::from_code)?,
        onset_date: opt_date(r, 5)?,
    })
}

/// Every column of `medication` a list shows, in `medication_from_row`'s
/// order.
pub(crate) const MEDICATION_SELECT: &str =
    "SELECT id, name, dose, frequency, prescriber, status FROM medication";

pub(crate) fn medication_from_row(r: &rusqlite::Row<'_>) -> rusqlite::Result<Medication> {
    Ok(Medication {
        id: r.get(0)?,
        name: r.get(1)?,
        dose: r.get(2)?,
        frequency: r.get(3)?,
        prescriber: r.get(4)?,
        active: r.get::<_, String>(5)? == "active",
    })
}

/// Every column of `allergy` a list shows, in `allergy_from_row`'s order.
pub(crate) const ALLERGY_SELECT: &str = "SELECT id, substance, reaction, criticality FROM allergy";

pub(crate) fn allergy_from_row(r: &rusqlite::Row<'_>) -> rusqlite::Result<Allergy> {
    Ok(Allergy {
        id: r.get(0)?,
        substance: r.get(1)?,
        reaction: r.get(2)?,
        criticality: code(r, 3, AllergyCriticality::from_code)?,
    })
}

impl Tx<'_> {
    /// Adds a condition with every field as given (its id too, unless it
    /// is 0: then the database picks one).
    pub fn insert_condition(&mut self, c: &Condition) -> Result<i64, StoreError> {
        self.conn()
            .prepare_cached(
                "INSERT INTO condition (id, patient_id, code, display, clinical_status,
                   onset_date)
                 VALUES (?1, ?2, ?3, ?4, ?5, ?6)",
            )?
            .execute(params![
                (c.id != 0).then_some(c.id),
                c.patient_id,
                c.code,
                c.display,
                c.clinical_status.code(),
                c.onset_date.map(date_text)
            ])?;
        Ok(self.conn().last_insert_rowid())
    }
}

impl Store {
    /// Active conditions first, then by name.
    pub fn conditions(&self, patient_id: i64) -> Result<Vec<Condition>, StoreError> {
        let sql = format!(
            "{CONDITION_SELECT} WHERE patient_id = ?1
              ORDER BY clinical_status <> 'active', display COLLATE NOCASE, id"
        );
        let mut stmt = self.conn().prepare_cached(&sql)?;
        let rows = stmt.query_map(params![patient_id], condition_from_row)?;
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

    /// Active medications first, then stopped ones; by name.
    pub fn medications(&self, patient_id: i64) -> Result<Vec<Medication>, StoreError> {
        let mut stmt = self.conn().prepare_cached(&format!(
            "{MEDICATION_SELECT}
              WHERE patient_id = ?1 ORDER BY status <> 'active', name COLLATE NOCASE, id"
        ))?;
        let rows = stmt.query_map([patient_id], medication_from_row)?;
        Ok(rows.collect::<Result<_, _>>()?)
    }

    pub fn add_medication(
        &mut self,
        patient_id: i64,
        medication: &Medication,
    ) -> Result<i64, StoreError> {
        let name = non_empty("a medication's name", &medication.name)?;
        let optional = |text: &Option<String>| {
            text.as_deref()
                .map(str::trim)
                .filter(|t| !t.is_empty())
                .map(str::to_string)
        };
        let medication = Medication {
            name,
            dose: optional(&medication.dose),
            frequency: optional(&medication.frequency),
            prescriber: optional(&medication.prescriber),
            ..medication.clone()
        };
        self.write(|tx| {
            let id = tx.insert_medication(patient_id, &medication)?;
            tx.audit(
                AuditAction::Create,
                "MedicationStatement",
                Some(id),
                Some(patient_id),
                None,
            )?;
            Ok(id)
        })
    }

    /// Stamps the medication list as reconciled on `on`: one action, on the
    /// record as the user saw it (`seen`).
    pub fn reconcile_medications(
        &mut self,
        patient_id: i64,
        seen: i64,
        on: NaiveDate,
    ) -> Result<(), StoreError> {
        self.write(|tx| {
            bump_patient(tx, patient_id, seen)?;
            tx.conn().execute(
                "UPDATE patient SET medications_reconciled_on = ?2 WHERE id = ?1",
                params![patient_id, date_text(on)],
            )?;
            tx.audit(
                AuditAction::Update,
                "Patient",
                Some(patient_id),
                Some(patient_id),
                Some("medications reconciled"),
            )?;
            tx.meet_med_rec_clocks(patient_id, on)
        })
    }

    /// Saves the record as the user edited it, on the version they saw
    /// (`edited.version`): refused whole, with nothing written, when
    /// another session changed the record meanwhile or the record does not
    /// hold together (see [`Patient::check`]).
    pub fn update_patient_record(&mut self, edited: &Patient) -> Result<(), StoreError> {
        let patient_id = edited.id;
        let record = self
            .patient(patient_id)?
            .ok_or_else(|| StoreError::Conflict("that patient no longer exists".into()))?;
        let today = self.clock().today();
        edited.check(today).map_err(StoreError::Refused)?;
        let holder = |p: &Patient| p.coordinator.as_ref().map(|c| c.id);
        if holder(edited) != holder(&record) {
            self.require(crate::domain::role::Right::AssignPatients)?;
        }
        // The review date, the reconciliation stamp and the last contact
        // have actions of their own (the review keeps its task in step): an
        // edit leaves them be.
        let patient = Patient {
            medications_reconciled_on: record.medications_reconciled_on,
            plan_review_on: record.plan_review_on,
            last_contact_at: record.last_contact_at,
            ..edited.clone()
        };
        self.write(|tx| {
            if let Some(coordinator) = &patient.coordinator {
                if tx.practitioner_by_username(&coordinator.username)? != Some(coordinator.id) {
                    return Err(StoreError::Refused(format!(
                        "there is no coordinator named {:?}",
                        coordinator.username
                    )));
                }
            }
            bump_patient(tx, patient_id, edited.version)?;
            tx.update_patient(&patient)?;
            tx.audit(
                AuditAction::Update,
                "Patient",
                Some(patient_id),
                Some(patient_id),
                Some("record"),
            )
        })
    }

    /// Adds a condition (a name, an optional ICD-10 code, a FHIR clinical
    /// status).
    pub fn add_condition(
        &mut self,
        patient_id: i64,
        code: Option<&str>,
        display: &str,
        clinical_status: ConditionStatus,
    ) -> Result<i64, StoreError> {
        let display = non_empty("a condition's name", display)?;
        let code = code.map(str::trim).filter(|c| !c.is_empty());
        if let Some(code) = code {
            check_icd10(code).map_err(StoreError::Refused)?;
        }
        self.write(|tx| {
            let id = tx.insert_condition(&Condition {
                id: 0,
                patient_id,
                code: code.map(str::to_uppercase),
                display,
                clinical_status,
                onset_date: None,
            })?;
            tx.audit(
                AuditAction::Create,
                "Condition",
                Some(id),
                Some(patient_id),
                None,
            )?;
            Ok(id)
        })
    }

    /// Ends an entry of the patient's lists (see [`RecordItem`]), with its
    /// audit row; refused when another session ended it first.
    pub fn end_record_item(&mut self, patient_id: i64, item: RecordItem) -> Result<(), StoreError> {
        let (sql, entity, action, detail) = match item {
            RecordItem::Condition(_) => (
                "UPDATE condition SET clinical_status = 'resolved', version = version + 1
                  WHERE id = ?1 AND patient_id = ?2 AND clinical_status <> 'resolved'",
                "Condition",
                AuditAction::Update,
                "resolved",
            ),
            RecordItem::Medication(_) => (
                "UPDATE medication SET status = 'stopped', version = version + 1
                  WHERE id = ?1 AND patient_id = ?2 AND status = 'active'",
                "MedicationStatement",
                AuditAction::Update,
                "stopped",
            ),
            RecordItem::Allergy(_) => (
                "DELETE FROM allergy WHERE id = ?1 AND patient_id = ?2",
                "AllergyIntolerance",
                AuditAction::Delete,
                "removed",
            ),
            RecordItem::CareTeamMember(_) => (
                "DELETE FROM care_team_member WHERE id = ?1 AND patient_id = ?2",
                "CareTeam",
                AuditAction::Delete,
                "member removed",
            ),
            RecordItem::Flag(_) => (
                "UPDATE patient_flag SET active = 0 WHERE id = ?1 AND patient_id = ?2 AND active = 1",
                "Flag",
                AuditAction::Update,
                "taken down",
            ),
        };
        let (RecordItem::Condition(id)
        | RecordItem::Medication(id)
        | RecordItem::Allergy(id)
        | RecordItem::CareTeamMember(id)
        | RecordItem::Flag(id)) = item;
        self.write(|tx| {
            if tx.conn().execute(sql, params![id, patient_id])? == 0 {
                return Err(StoreError::Conflict(
                    "another session changed or removed that entry meanwhile; it is shown as it now is"
                        .into(),
                ));
            }
            tx.audit(action, entity, Some(id), Some(patient_id), Some(detail))
        })
    }

    /// Adds a member of the patient's care team.
    pub fn add_care_team_member(
        &mut self,
        patient_id: i64,
        member: &CareTeamMember,
    ) -> Result<i64, StoreError> {
        let role = non_empty("a care team member's role", &member.role)?;
        let name = non_empty("a care team member's name", &member.name)?;
        let phone = match member.phone.as_deref().map(str::trim) {
            Some(typed) if !typed.is_empty() => {
                Some(normalize_phone(typed).map_err(StoreError::Refused)?)
            }
            _ => None,
        };
        let organization = member
            .organization
            .as_deref()
            .map(str::trim)
            .filter(|o| !o.is_empty())
            .map(str::to_string);
        self.write(|tx| {
            let id = tx.insert_care_team_member(&NewCareTeamMember {
                patient_id,
                role,
                name,
                organization,
                phone,
            })?;
            tx.audit(
                AuditAction::Create,
                "CareTeam",
                Some(id),
                Some(patient_id),
                None,
            )?;
            Ok(id)
        })
    }

    /// The record's version and the date its medications were last
    /// reconciled.
    pub fn medications_reconciled(
        &self,
        patient_id: i64,
    ) -> Result<(i64, Option<NaiveDate>), StoreError> {
        let (version, on): (i64, Option<String>) = self.conn().query_row(
            "SELECT version, medications_reconciled_on FROM patient WHERE id = ?1",
            [patient_id],
            |r| Ok((r.get(0)?, r.get(1)?)),
        )?;
        Ok((version, on.as_deref().and_then(parse_date)))
    }

    pub fn allergies(&self, patient_id: i64) -> Result<Vec<Allergy>, StoreError> {
        let mut stmt = self.conn().prepare_cached(&format!(
            "{ALLERGY_SELECT}
              WHERE patient_id = ?1 ORDER BY criticality = 'high' DESC, substance COLLATE NOCASE"
        ))?;
        let rows = stmt.query_map([patient_id], allergy_from_row)?;
        Ok(rows.collect::<Result<_, _>>()?)
    }

    pub fn add_allergy(
        &mut self,
        patient_id: i64,
        substance: &str,
        reaction: Option<&str>,
        criticality: AllergyCriticality,
    ) -> Result<i64, StoreError> {
        let substance = non_empty("an allergy's substance", substance)?;
        let reaction = reaction.map(str::trim).filter(|r| !r.is_empty());
        self.write(|tx| {
            let id = tx.insert_allergy(patient_id, &substance, reaction, criticality)?;
            tx.audit(
                AuditAction::Create,
                "AllergyIntolerance",
                Some(id),
                Some(patient_id),
                None,
            )?;
            Ok(id)
        })
    }

    /// The patient's active flags, safety first.
    pub fn flags(&self, patient_id: i64) -> Result<Vec<Flag>, StoreError> {
        let mut stmt = self.conn().prepare_cached(
            "SELECT id, kind, text FROM patient_flag WHERE patient_id = ?1 AND active = 1
              ORDER BY kind <> 'safety', kind <> 'do-not-call', id",
        )?;
        let rows = stmt.query_map([patient_id], |row| {
            let kind: String = row.get(1)?;
            Ok(Flag {
                id: row.get(0)?,
                kind: FlagKind::from_code(&kind).unwrap_or(FlagKind::Other),
                text: row.get(2)?,
            })
        })?;
        Ok(rows.collect::<Result<_, _>>()?)
    }

    pub fn add_flag(
        &mut self,
        patient_id: i64,
        kind: FlagKind,
        text: &str,
    ) -> Result<i64, StoreError> {
        let text = non_empty("a flag", text)?;
        self.write(|tx| {
            let id = tx.insert_flag(patient_id, kind, &text)?;
            tx.audit(
                AuditAction::Create,
                "Flag",
                Some(id),
                Some(patient_id),
                None,
            )?;
            Ok(id)
        })
    }
}
