//! The patient row to and from the one domain [`Patient`]: one column list,
//! one mapping, read by the record, the roster import and the FHIR export
//! alike, and one insert and one update that write every field.

use rusqlite::{params, OptionalExtension, Row};

use super::codec::{code, date, date_text, opt_date, opt_instant, unreadable, utc_text};
use super::{Store, StoreError, Tx};
use crate::domain::names::person_name;
use crate::domain::patient::{
    ConsentStatus, EnrollmentStatus, Patient, Practitioner, RiskTier, Sex,
};

/// Every column of `patient` a [`Patient`] holds, with the coordinator's
/// names; `patient_from_row` reads them in this order.
pub(crate) const PATIENT_SELECT: &str =
    "SELECT p.id, p.member_id, p.family_name, p.given_name, p.birth_date, p.sex,
            p.gender_identity, p.pronouns, p.language, p.interpreter_needed,
            p.phone_primary, p.phone_secondary, p.preferred_phone, p.best_time_to_call,
            p.address_line, p.city, p.state, p.postal_code, p.medicaid_id, p.plan_name,
            p.enrollment_status, p.enrolled_on, p.enrollment_ended_on, p.risk_tier,
            p.coordinator_id, c.username, c.display_name, p.last_contact_at,
            p.consent_status, p.consent_expires_on, p.advance_directive,
            p.medications_reconciled_on, p.plan_review_on, p.version
       FROM patient p LEFT JOIN practitioner c ON c.id = p.coordinator_id";

/// A row of [`PATIENT_SELECT`]; a column holding what tend never writes
/// there is an error naming the column (see `codec`).
pub(crate) fn patient_from_row(r: &Row<'_>) -> rusqlite::Result<Patient> {
    // The coordinator's names are the practitioner row's, not the
    // patient's: damage there is that row's to report (an export names it
    // and leaves it out), so it never makes the patient unreadable.
    let name = |i: usize| {
        r.get::<_, Option<String>>(i)
            .ok()
            .flatten()
            .unwrap_or_default()
    };
    let coordinator = r.get::<_, Option<i64>>(24)?.map(|id| Practitioner {
        id,
        username: name(25),
        display_name: name(26),
    });

    Ok(Patient {
        id: r.get(0)?,
        member_id: r.get(1)?,
        family_name: r.get(2)?,
        given_name: r.get(3)?,
        birth_date: date(r, 4)?,
        sex: code(r, 5, Sex::from_code)?,
        gender_identity: r.get(6)?,
        pronouns: r.get(7)?,
        language: r.get(8)?,
        interpreter_needed: r.get(9)?,
        phone_primary: r.get(10)?,
        phone_secondary: r.get(11)?,
        preferred_phone: r.get(12)?,
        best_time_to_call: r.get(13)?,
        address_line: r.get(14)?,
        city: r.get(15)?,
        state: r.get(16)?,
        postal_code: r.get(17)?,
        medicaid_id: r.get(18)?,
        plan_name: r.get(19)?,
        enrollment_status: code(r, 20, EnrollmentStatus::from_code)?,
        enrolled_on: opt_date(r, 21)?,
        enrollment_ended_on: opt_date(r, 22)?,
        risk_tier: RiskTier::from_number(r.get(23)?)
            .ok_or_else(|| unreadable(23, "a risk tier"))?,
        coordinator,
        last_contact_at: opt_instant(r, 27)?,
        consent_status: code(r, 28, ConsentStatus::from_code)?,
        consent_expires_on: opt_date(r, 29)?,
        advance_directive: r.get(30)?,
        medications_reconciled_on: opt_date(r, 31)?,
        plan_review_on: opt_date(r, 32)?,
        version: r.get(33)?,
    })
}

fn patient_where(
    conn: &rusqlite::Connection,
    condition: &str,
    key: &dyn rusqlite::ToSql,
) -> Result<Option<Patient>, StoreError> {
    let sql = format!("{PATIENT_SELECT} WHERE {condition}");
    Ok(conn
        .prepare_cached(&sql)?
        .query_row([key], patient_from_row)
        .optional()?)
}

impl Store {
    /// The patient with this member ID, if any; one outside the user's
    /// reach is refused ([`StoreError::OutOfReach`]).
    pub fn patient_id_by_member(&self, member_id: &str) -> Result<Option<i64>, StoreError> {
        let id = self.any_patient_id_by_member(member_id)?;
        if let Some(id) = id {
            self.require_reach(id)?;
        }
        Ok(id)
    }

    /// The patient with this member ID, whether in reach or not: for the
    /// audit trail's filters and for breaking the glass, which show no
    /// chart.
    pub fn any_patient_id_by_member(&self, member_id: &str) -> Result<Option<i64>, StoreError> {
        Ok(self
            .conn()
            .prepare_cached("SELECT id FROM patient WHERE member_id = ?1")?
            .query_row([member_id.trim()], |r| r.get(0))
            .optional()?)
    }

    /// A patient's record; one outside the user's reach is refused
    /// ([`StoreError::OutOfReach`]): every way onto a chart passes here.
    pub fn patient(&self, id: i64) -> Result<Option<Patient>, StoreError> {
        let found = patient_where(self.conn(), "p.id = ?1", &id)?;
        if found.is_some() {
            self.require_reach(id)?;
        }
        Ok(found)
    }

    /// Every tend user, by user name: who a patient may be assigned to.
    pub fn practitioners(&self) -> Result<Vec<Practitioner>, StoreError> {
        let mut stmt = self.conn().prepare_cached(
            "SELECT id, username, display_name FROM practitioner ORDER BY username",
        )?;
        let rows = stmt.query_map([], |r| {
            Ok(Practitioner {
                id: r.get(0)?,
                username: r.get(1)?,
                display_name: r.get(2)?,
            })
        })?;
        Ok(rows.collect::<Result<_, _>>()?)
    }
}

impl Tx<'_> {
    pub fn patient(&self, id: i64) -> Result<Option<Patient>, StoreError> {
        patient_where(self.conn(), "p.id = ?1", &id)
    }

    pub fn patient_by_member(&self, member_id: &str) -> Result<Option<Patient>, StoreError> {
        patient_where(self.conn(), "p.member_id = ?1", &member_id)
    }

    /// Adds a patient with every field as given (its id too, unless it is
    /// 0: then the database picks one); their names are stored in their
    /// one form ([`person_name`]: NFC, no invisible or control
    /// characters). The version starts afresh. Returns the row id.
    pub fn insert_patient(&mut self, p: &Patient) -> Result<i64, StoreError> {
        self.conn()
            .prepare_cached(
                "INSERT INTO patient (id, member_id, family_name, given_name, birth_date, sex,
                   gender_identity, pronouns, language, interpreter_needed, phone_primary,
                   phone_secondary, preferred_phone, best_time_to_call, address_line, city,
                   state, postal_code, medicaid_id, plan_name, enrollment_status, enrolled_on,
                   enrollment_ended_on, risk_tier, coordinator_id, last_contact_at,
                   consent_status, consent_expires_on, advance_directive,
                   medications_reconciled_on, plan_review_on)
                 VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13, ?14, ?15, ?16,
                   ?17, ?18, ?19, ?20, ?21, ?22, ?23, ?24, ?25, ?26, ?27, ?28, ?29, ?30, ?31)",
            )?
            .execute(params![
                (p.id != 0).then_some(p.id),
                p.member_id,
                person_name(&p.family_name),
                person_name(&p.given_name),
                date_text(p.birth_date),
                p.sex.code(),
                p.gender_identity,
                p.pronouns,
                p.language,
                p.interpreter_needed,
                p.phone_primary,
                p.phone_secondary,
                p.preferred_phone.clamp(1, 2),
                p.best_time_to_call,
                p.address_line,
                p.city,
                p.state,
                p.postal_code,
                p.medicaid_id,
                p.plan_name,
                p.enrollment_status.code(),
                p.enrolled_on.map(date_text),
                p.enrollment_ended_on.map(date_text),
                p.risk_tier.number(),
                p.coordinator_id(),
                p.last_contact_at.map(utc_text),
                p.consent_status.code(),
                p.consent_expires_on.map(date_text),
                p.advance_directive,
                p.medications_reconciled_on.map(date_text),
                p.plan_review_on.map(date_text),
            ])?;
        Ok(self.conn().last_insert_rowid())
    }

    /// Writes every field a person edits (all but the member ID, the last
    /// contact, which the notes keep, and the version, which the caller
    /// moves on). Names are stored in their one form ([`person_name`]).
    pub fn update_patient(&mut self, p: &Patient) -> Result<(), StoreError> {
        self.conn()
            .prepare_cached(
                "UPDATE patient SET family_name = ?2, given_name = ?3, birth_date = ?4, sex = ?5,
                   gender_identity = ?6, pronouns = ?7, language = ?8, interpreter_needed = ?9,
                   phone_primary = ?10, phone_secondary = ?11, preferred_phone = ?12,
                   best_time_to_call = ?13, address_line = ?14, city = ?15, state = ?16,
                   postal_code = ?17, medicaid_id = ?18, plan_name = ?19,
                   enrollment_status = ?20, enrolled_on = ?21, enrollment_ended_on = ?22,
                   risk_tier = ?23, coordinator_id = ?24, consent_status = ?25,
                   consent_expires_on = ?26, advance_directive = ?27,
                   medications_reconciled_on = ?28, plan_review_on = ?29
                 WHERE id = ?1",
            )?
            .execute(params![
                p.id,
                person_name(&p.family_name),
                person_name(&p.given_name),
                date_text(p.birth_date),
                p.sex.code(),
                p.gender_identity,
                p.pronouns,
                p.language,
                p.interpreter_needed,
                p.phone_primary,
                p.phone_secondary,
                p.preferred_phone.clamp(1, 2),
                p.best_time_to_call,
                p.address_line,
                p.city,
                p.state,
                p.postal_code,
                p.medicaid_id,
                p.plan_name,
                p.enrollment_status.code(),
                p.enrolled_on.map(date_text),
                p.enrollment_ended_on.map(date_text),
                p.risk_tier.number(),
                p.coordinator_id(),
                p.consent_status.code(),
                p.consent_expires_on.map(date_text),
                p.advance_directive,
                p.medications_reconciled_on.map(date_text),
                p.plan_review_on.map(date_text),
            ])?;
        Ok(())
    }
}
