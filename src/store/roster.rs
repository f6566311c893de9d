//! A member roster into the database: each member created, or updated by
//! member ID, in one transaction with one audit row for the import. A
//! column the roster lacks, or a cell it leaves empty, leaves what tend
//! holds: a payer's file that does not know a phone number must not erase
//! the one a coordinator found.

use std::path::Path;

use rusqlite::{params, OpenFlags, OptionalExtension};

use super::write::utc_text;
use super::{AuditAction, NewCareTeamMember, OpenError, Store, StoreError, Tx};
use crate::domain::clinical::{Condition, ConditionStatus};
use crate::domain::patient::Practitioner;
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
            tx.insert_condition(&Condition {
                id: 0,
                patient_id,
                code: condition.code.clone(),
                display: condition.name.clone(),
                clinical_status: ConditionStatus::Active,
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

/// Whether a practitioner may hold patients: anyone tend knows on a
/// database that is one person's own; on a team's, an active user with a
/// role, never a name a roster or an old record brought in.
fn is_active_user(tx: &Tx<'_>, id: i64) -> Result<bool, StoreError> {
    Ok(tx.conn().query_row(
        "SELECT NOT EXISTS (SELECT 1 FROM practitioner WHERE role IS NOT NULL)
             OR EXISTS (SELECT 1 FROM practitioner
                         WHERE id = ?1 AND role IS NOT NULL AND active = 1)",
        [id],
        |r| r.get(0),
    )?)
}

/// Imports the rows in `tx`, calling `progress` with how many are done.
fn import_rows(
    tx: &mut Tx<'_>,
    rows: &[RosterRow],
    progress: &mut dyn FnMut(usize),
) -> Result<RosterCounts, StoreError> {
    let mut counts = RosterCounts::default();
    for (done, row) in rows.iter().enumerate() {
        let coordinator = match &row.coordinator {
            Some(user) => {
                let known: Option<Practitioner> = tx
                    .conn()
                    .prepare_cached(
                        "SELECT id, username, display_name FROM practitioner WHERE username = ?1",
                    )?
                    .query_row([user], |r| {
                        Ok(Practitioner {
                            id: r.get(0)?,
                            username: r.get(1)?,
                            display_name: r.get(2)?,
                        })
                    })
                    .optional()?;
                match known {
                    Some(known) if !is_active_user(tx, known.id)? => {
                        return Err(StoreError::Refused(format!(
                            "line {}: {user:?} is not an active user of this team's database (an admin adds users with `tend admin user add`)",
                            row.line
                        )))
                    }
                    Some(known) => Some(known),
                    // The one coordinator a roster may add: the person
                    // importing it, whose name comes from their login.
                    None if user == tx.agent() => {
                        counts.new_coordinators.push(user.clone());
                        Some(Practitioner {
                            id: tx.practitioner(user, user)?,
                            username: user.clone(),
                            display_name: user.clone(),
                        })
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
        match tx.patient_by_member(&row.member_id)? {
            Some(stored) => {
                let merged = row.laid_over(&stored, coordinator);
                let fields_changed = merged != stored;
                if fields_changed {
                    tx.update_patient(&merged)?;
                }
                let lists_changed = merge_lists(tx, stored.id, row)?;
                if fields_changed || lists_changed {
                    tx.conn()
                        .prepare_cached(
                            "UPDATE patient SET version = version + 1, updated_at = ?2
                              WHERE id = ?1",
                        )?
                        .execute(params![stored.id, utc_text(tx.now())])?;
                    counts.updated += 1;
                } else {
                    counts.unchanged += 1;
                }
            }
            None => {
                let patient_id = tx.insert_patient(&row.new_patient(coordinator))?;
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
        let conn = super::key::connect(
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
        self.require(crate::domain::role::Right::Import)?;
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
    use crate::domain::patient::EnrollmentStatus;
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
            phone_primary: Some("(212) 555-0100".into()),
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
        assert_eq!(
            record.coordinator.as_ref().map(|c| c.username.as_str()),
            Some("ccuser")
        );

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
        assert_eq!(record.check(today), Ok(()));
        assert_eq!(store.patient_count().unwrap(), 2);
    }
}
