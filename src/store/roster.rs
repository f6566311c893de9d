//! A member roster into the database: each member created, or updated by
//! member ID, in one transaction with one audit row for the import. A
//! column the roster lacks, or a cell it leaves empty, leaves what tend
//! holds: a payer's file that does not know a phone number must not erase
//! the one a coordinator found.

use std::path::Path;

use rusqlite::{params, Connection, OpenFlags, OptionalExtension};

use super::write::{date_text, utc_text};
use super::{
    AuditAction, NewCareTeamMember, NewCondition, NewPatient, OpenError, Store, StoreError, Tx,
};
use crate::domain::language::PreferredLanguage;
use crate::domain::patient::{EnrollmentStatus, RiskTier, Sex};
use crate::domain::roster::RosterRow;

/// What an import did (or, rehearsed, would do).
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct RosterCounts {
    pub created: usize,
    pub updated: usize,
    pub unchanged: usize,
    /// Coordinators the roster named whom tend did not know: added.
    pub new_coordinators: Vec<String>,
}

/// The roster's part of a stored member, as compared and written.
#[derive(Debug, Clone, PartialEq, Eq)]
struct RosterFields {
    given_name: String,
    family_name: String,
    birth_date: String,
    sex: String,
    gender_identity: Option<String>,
    pronouns: Option<String>,
    phone_primary: Option<String>,
    phone_secondary: Option<String>,
    address_line: Option<String>,
    city: Option<String>,
    state: Option<String>,
    postal_code: Option<String>,
    language: String,
    interpreter_needed: bool,
    medicaid_id: Option<String>,
    plan_name: Option<String>,
    risk_tier: i64,
    coordinator_id: Option<i64>,
    enrollment_status: String,
    enrolled_on: Option<String>,
    enrollment_ended_on: Option<String>,
}

impl RosterFields {
    /// The stored fields with what the row gives laid over them.
    fn with(&self, row: &RosterRow, coordinator_id: Option<i64>) -> RosterFields {
        let over = |stored: &Option<String>, given: &Option<String>| {
            given.clone().or_else(|| stored.clone())
        };
        RosterFields {
            given_name: row.given_name.clone(),
            family_name: row.family_name.clone(),
            birth_date: date_text(row.birth_date),
            sex: row
                .sex
                .map_or_else(|| self.sex.clone(), |s| s.code().into()),
            gender_identity: over(&self.gender_identity, &row.gender_identity),
            pronouns: over(&self.pronouns, &row.pronouns),
            phone_primary: over(&self.phone_primary, &row.phone),
            phone_secondary: over(&self.phone_secondary, &row.phone2),
            address_line: over(&self.address_line, &row.address),
            city: over(&self.city, &row.city),
            state: over(&self.state, &row.state),
            postal_code: over(&self.postal_code, &row.zip),
            // A roster that does not know the language (an empty cell, or
            // "Unknown") says nothing new: what a coordinator learnt stays.
            // "Declined" is an answer, and is taken.
            language: match &row.language {
                None | Some(PreferredLanguage::Unknown) => self.language.clone(),
                Some(answer) => answer.code().to_string(),
            },
            interpreter_needed: row.interpreter.unwrap_or(self.interpreter_needed),
            medicaid_id: over(&self.medicaid_id, &row.medicaid_id),
            plan_name: over(&self.plan_name, &row.plan),
            risk_tier: row.risk_tier.map_or(self.risk_tier, RiskTier::number),
            coordinator_id: coordinator_id.or(self.coordinator_id),
            enrollment_status: row
                .enrollment_status
                .map_or_else(|| self.enrollment_status.clone(), |s| s.code().into()),
            enrolled_on: over(&self.enrolled_on, &row.enrolled_on.map(date_text)),
            enrollment_ended_on: None,
        }
        .with_end_of(self)
    }

    /// An end of enrollment stays only while the member is disenrolled: a
    /// roster that enrolls them again ends it, or the record would break
    /// the rule every later edit is checked against.
    fn with_end_of(mut self, stored: &RosterFields) -> RosterFields {
        if self.enrollment_status == EnrollmentStatus::Disenrolled.code() {
            self.enrollment_ended_on = stored.enrollment_ended_on.clone();
        }
        self
    }
}

fn stored_fields(tx: &Tx<'_>, member_id: &str) -> Result<Option<(i64, RosterFields)>, StoreError> {
    Ok(tx
        .conn()
        .prepare_cached(
            "SELECT id, given_name, family_name, birth_date, sex, gender_identity, pronouns,
                    phone_primary, phone_secondary, address_line, city, state, postal_code,
                    language, interpreter_needed, medicaid_id, plan_name, risk_tier,
                    coordinator_id, enrollment_status, enrolled_on, enrollment_ended_on
               FROM patient WHERE member_id = ?1",
        )?
        .query_row([member_id], |r| {
            Ok((
                r.get(0)?,
                RosterFields {
                    given_name: r.get(1)?,
                    family_name: r.get(2)?,
                    birth_date: r.get(3)?,
                    sex: r.get(4)?,
                    gender_identity: r.get(5)?,
                    pronouns: r.get(6)?,
                    phone_primary: r.get(7)?,
                    phone_secondary: r.get(8)?,
                    address_line: r.get(9)?,
                    city: r.get(10)?,
                    state: r.get(11)?,
                    postal_code: r.get(12)?,
                    language: r.get(13)?,
                    interpreter_needed: r.get(14)?,
                    medicaid_id: r.get(15)?,
                    plan_name: r.get(16)?,
                    risk_tier: r.get(17)?,
                    coordinator_id: r.get(18)?,
                    enrollment_status: r.get(19)?,
                    enrolled_on: r.get(20)?,
                    enrollment_ended_on: r.get(21)?,
                },
            ))
        })
        .optional()?)
}

fn write_fields(tx: &Tx<'_>, patient_id: i64, f: &RosterFields) -> Result<(), StoreError> {
    tx.conn()
        .prepare_cached(
            "UPDATE patient SET given_name = ?2, family_name = ?3, birth_date = ?4, sex = ?5,
                gender_identity = ?6, pronouns = ?7, phone_primary = ?8, phone_secondary = ?9,
                address_line = ?10, city = ?11, state = ?12, postal_code = ?13, language = ?14,
                interpreter_needed = ?15, medicaid_id = ?16, plan_name = ?17, risk_tier = ?18,
                coordinator_id = ?19, enrollment_status = ?20, enrolled_on = ?21,
                enrollment_ended_on = ?22
              WHERE id = ?1",
        )?
        .execute(params![
            patient_id,
            f.given_name,
            f.family_name,
            f.birth_date,
            f.sex,
            f.gender_identity,
            f.pronouns,
            f.phone_primary,
            f.phone_secondary,
            f.address_line,
            f.city,
            f.state,
            f.postal_code,
            f.language,
            f.interpreter_needed,
            f.medicaid_id,
            f.plan_name,
            f.risk_tier,
            f.coordinator_id,
            f.enrollment_status,
            f.enrolled_on,
            f.enrollment_ended_on,
        ])?;
    Ok(())
}

/// Adds the row's conditions the patient does not have yet (the same code,
/// or without a code the same name) and its PCP to the care team (or
/// updates the PCP on file); whether anything changed.
fn merge_lists(tx: &mut Tx<'_>, patient_id: i64, row: &RosterRow) -> Result<bool, StoreError> {
    let mut changed = false;
    for condition in &row.conditions {
        let known: bool = tx
            .conn()
            .prepare_cached(
                "SELECT EXISTS (SELECT 1 FROM condition WHERE patient_id = ?1 AND
                   (code = ?2 OR (?2 IS NULL AND code IS NULL AND display = ?3 COLLATE NOCASE)))",
            )?
            .query_row(params![patient_id, condition.code, condition.name], |r| {
                r.get(0)
            })?;
        if !known {
            tx.insert_condition(&NewCondition {
                patient_id,
                code: condition.code.clone(),
                display: condition.name.clone(),
                clinical_status: "active",
                onset_date: None,
            })?;
            changed = true;
        }
    }
    if let Some(name) = &row.pcp_name {
        let pcp: Option<(i64, String, Option<String>)> = tx
            .conn()
            .prepare_cached(
                "SELECT id, name, phone FROM care_team_member
                  WHERE patient_id = ?1 AND role = 'PCP' COLLATE NOCASE ORDER BY id LIMIT 1",
            )?
            .query_row([patient_id], |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?)))
            .optional()?;
        match pcp {
            Some((id, stored_name, stored_phone)) => {
                let phone = row.pcp_phone.clone().or(stored_phone.clone());
                if stored_name != *name || stored_phone != phone {
                    tx.conn().execute(
                        "UPDATE care_team_member SET name = ?2, phone = ?3, version = version + 1
                          WHERE id = ?1",
                        params![id, name, phone],
                    )?;
                    changed = true;
                }
            }
            None => {
                tx.insert_care_team_member(&NewCareTeamMember {
                    patient_id,
                    role: "PCP".into(),
                    name: name.clone(),
                    organization: None,
                    phone: row.pcp_phone.clone(),
                })?;
                changed = true;
            }
        }
    }
    Ok(changed)
}

/// Imports the rows in `tx`, calling `progress` with how many are done.
fn import_rows(
    tx: &mut Tx<'_>,
    rows: &[RosterRow],
    progress: &mut dyn FnMut(usize),
) -> Result<RosterCounts, StoreError> {
    let mut counts = RosterCounts::default();
    for (done, row) in rows.iter().enumerate() {
        let coordinator_id = match &row.coordinator {
            Some(user) => {
                let known: Option<i64> = tx
                    .conn()
                    .prepare_cached("SELECT id FROM practitioner WHERE username = ?1")?
                    .query_row([user], |r| r.get(0))
                    .optional()?;
                match known {
                    Some(id) => Some(id),
                    // The one coordinator a roster may add: the person
                    // importing it, whose name comes from their login.
                    None if user == tx.agent() => {
                        counts.new_coordinators.push(user.clone());
                        Some(tx.practitioner(user, user)?)
                    }
                    None => {
                        return Err(StoreError::Refused(format!(
                            "line {}: {user:?} is not a coordinator tend knows",
                            row.line
                        )))
                    }
                }
            }
            None => None,
        };
        match stored_fields(tx, &row.member_id)? {
            Some((patient_id, stored)) => {
                let merged = stored.with(row, coordinator_id);
                let fields_changed = merged != stored;
                if fields_changed {
                    write_fields(tx, patient_id, &merged)?;
                }
                let lists_changed = merge_lists(tx, patient_id, row)?;
                if fields_changed || lists_changed {
                    tx.conn()
                        .prepare_cached(
                            "UPDATE patient SET version = version + 1, updated_at = ?2
                              WHERE id = ?1",
                        )?
                        .execute(params![patient_id, utc_text(tx.now())])?;
                    counts.updated += 1;
                } else {
                    counts.unchanged += 1;
                }
            }
            None => {
                let patient_id = tx.insert_patient(&NewPatient {
                    member_id: row.member_id.clone(),
                    family_name: row.family_name.clone(),
                    given_name: row.given_name.clone(),
                    birth_date: row.birth_date,
                    sex: row.sex.unwrap_or(Sex::Unknown),
                    // A roster that does not say has not said English.
                    language: row
                        .language
                        .as_ref()
                        .unwrap_or(&PreferredLanguage::Unknown)
                        .code()
                        .to_string(),
                    interpreter_needed: row.interpreter.unwrap_or(false),
                    phone_primary: row.phone.clone(),
                    phone_secondary: row.phone2.clone(),
                    medicaid_id: row.medicaid_id.clone(),
                    plan_name: row.plan.clone(),
                    // A member new to the program is someone to reach.
                    enrollment_status: row.enrollment_status.unwrap_or(EnrollmentStatus::Outreach),
                    enrolled_on: row.enrolled_on,
                    risk_tier: row.risk_tier.unwrap_or(RiskTier::Low),
                    coordinator_id,
                })?;
                // Not through `write_fields`: a bulk load indexes new
                // members' names at its end, and an update of their names
                // now would index them twice.
                tx.conn()
                    .prepare_cached(
                        "UPDATE patient SET gender_identity = ?2, pronouns = ?3,
                           address_line = ?4, city = ?5, state = ?6, postal_code = ?7
                         WHERE id = ?1",
                    )?
                    .execute(params![
                        patient_id,
                        row.gender_identity,
                        row.pronouns,
                        row.address,
                        row.city,
                        row.state,
                        row.zip
                    ])?;
                merge_lists(tx, patient_id, row)?;
                counts.created += 1;
            }
        }
        if done % 256 == 255 {
            progress(done + 1);
        }
    }
    progress(rows.len());
    counts.new_coordinators.sort();
    counts.new_coordinators.dedup();
    let detail = format!(
        "roster import: {} created, {} updated, {} unchanged",
        counts.created, counts.updated, counts.unchanged
    );
    tx.audit(AuditAction::Execute, "Patient", None, None, Some(&detail))?;
    Ok(counts)
}

impl Store {
    /// The user names of the coordinators the database at `path` knows,
    /// read without changing it (no upgrade, no switch to WAL): a roster's
    /// coordinator column is checked against them before the file's
    /// problems are said and before the database is opened to write. None
    /// when there is no database there yet, or an empty file (a new one);
    /// an error naming who may read it when this account cannot.
    pub fn coordinators_in(path: &Path) -> Result<Vec<String>, OpenError> {
        if !super::reachable(path)? {
            return Ok(Vec::new());
        }
        let conn = Connection::open_with_flags(
            path,
            OpenFlags::SQLITE_OPEN_READ_ONLY | OpenFlags::SQLITE_OPEN_NO_MUTEX,
        )
        .map_err(|e| OpenError::from_sqlite(path, e))?;
        conn.busy_timeout(super::DEFAULT_BUSY_TIMEOUT)
            .map_err(|e| OpenError::from_sqlite(path, e))?;
        let tables: Vec<String> = conn
            .prepare("SELECT name FROM sqlite_master WHERE type = 'table'")
            .and_then(|mut stmt| stmt.query_map([], |r| r.get(0))?.collect())
            .map_err(|e| OpenError::from_sqlite(path, e))?;
        if !tables.iter().any(|t| t == "practitioner") {
            // A new, empty file holds no one; a database of another
            // program is refused by name when it is opened.
            return Ok(Vec::new());
        }
        conn.prepare("SELECT username FROM practitioner")
            .and_then(|mut stmt| stmt.query_map([], |r| r.get(0))?.collect())
            .map_err(|e| OpenError::from_sqlite(path, e))
    }

    /// Imports roster rows (already checked, one per member ID) in one
    /// transaction: all of them or, on any failure, none. It stays in WAL
    /// (unlike the generator's [`Store::bulk_write`]): a roster goes into a
    /// database coordinators are working in, whose sessions must keep
    /// reading while it loads, and open while it does.
    pub fn import_roster(
        &mut self,
        rows: &[RosterRow],
        progress: &mut dyn FnMut(usize),
    ) -> Result<RosterCounts, StoreError> {
        self.write(|tx| tx.bulk_load(|tx| import_rows(tx, rows, progress)))
    }

    /// What importing the rows would do, without writing anything.
    pub fn rehearse_roster(&mut self, rows: &[RosterRow]) -> Result<RosterCounts, StoreError> {
        self.rehearse(|tx| import_rows(tx, rows, &mut |_| {}))
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::clock::Clock;
    use crate::store::OpenOptions;
    use chrono::NaiveDate;

    fn store(dir: &std::path::Path) -> Store {
        Store::open(
            &dir.join("t.db"),
            "ccuser",
            Clock::parse("2026-11-24T09:00:00-05:00").unwrap(),
            &OpenOptions {
                create: true,
                ..OpenOptions::default()
            },
        )
        .unwrap()
    }

    fn row(member: &str) -> RosterRow {
        RosterRow {
            line: 2,
            member_id: member.into(),
            given_name: "Zoë".into(),
            family_name: "Testa".into(),
            birth_date: NaiveDate::from_ymd_opt(1970, 2, 3).unwrap(),
            ..RosterRow::default()
        }
    }

    #[test]
    fn re_importing_updates_by_member_id_and_empty_cells_keep_what_is_stored() {
        let dir = tempfile::tempdir().unwrap();
        let mut store = store(dir.path());
        let first = RosterRow {
            phone: Some("(212) 555-0100".into()),
            coordinator: Some("ccuser".into()),
            ..row("SYN1")
        };
        let stranger = RosterRow {
            coordinator: Some("jdoe".into()),
            ..row("SYN9")
        };
        assert_eq!(
            store
                .import_roster(&[first.clone(), stranger], &mut |_| {})
                .unwrap_err()
                .to_string(),
            "line 2: \"jdoe\" is not a coordinator tend knows",
            "a roster adds no coordinator but the one importing it"
        );
        assert_eq!(store.patient_count().unwrap(), 0);
        let counts = store
            .import_roster(&[first.clone(), row("SYN2")], &mut |_| {})
            .unwrap();
        assert_eq!(
            (counts.created, counts.updated, counts.unchanged),
            (2, 0, 0)
        );
        assert_eq!(counts.new_coordinators, ["ccuser"]);

        let again = store
            .import_roster(&[first, row("SYN2")], &mut |_| {})
            .unwrap();
        assert_eq!((again.created, again.updated, again.unchanged), (0, 0, 2));

        let renamed = RosterRow {
            family_name: "Testa-Ray".into(),
            ..row("SYN1")
        };
        let rehearsed = store
            .rehearse_roster(std::slice::from_ref(&renamed))
            .unwrap();
        assert_eq!(rehearsed.updated, 1);
        let id = store.patient_id_by_member("SYN1").unwrap().unwrap();
        assert_eq!(
            store.patient(id).unwrap().unwrap().family_name,
            "Testa",
            "a rehearsal writes nothing"
        );

        let counts = store.import_roster(&[renamed], &mut |_| {}).unwrap();
        assert_eq!(counts.updated, 1);
        let record = store.patient(id).unwrap().unwrap();
        assert_eq!(record.family_name, "Testa-Ray");
        assert_eq!(
            record.phone_primary.as_deref(),
            Some("(212) 555-0100"),
            "a row without the phone keeps it"
        );
        assert_eq!(record.coordinator_user.as_deref(), Some("ccuser"));

        // Disenrolled with an end date, then enrolled again by the roster:
        // the end date goes, so the record still holds together.
        store
            .conn()
            .execute(
                "UPDATE patient SET enrollment_status = 'disenrolled',
                   enrollment_ended_on = '2026-10-31' WHERE id = ?1",
                [id],
            )
            .unwrap();
        let back = RosterRow {
            enrollment_status: Some(EnrollmentStatus::Enrolled),
            family_name: "Testa-Ray".into(),
            ..row("SYN1")
        };
        store.import_roster(&[back], &mut |_| {}).unwrap();
        let record = store.patient(id).unwrap().unwrap();
        assert_eq!(record.enrollment_ended_on, None);
        let today = NaiveDate::from_ymd_opt(2026, 11, 24).unwrap();
        assert_eq!(
            crate::store::check_record(
                &crate::store::PatientCore::of(&record),
                &crate::store::PatientDetails::of(&record),
                today
            ),
            Ok(())
        );
        assert_eq!(store.patient_count().unwrap(), 2);
    }
}
