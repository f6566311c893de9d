//! Reading a patient's rows for an export: every exported table read whole,
//! inside one read transaction, with the rows that cannot be read either
//! stopping the export or set aside.

use rusqlite::Row;

use crate::domain::care_plan::NeedDomain;
use crate::domain::clinical::AllergyCriticality;
use crate::domain::note::{Direction, Method, Outcome, Party};
use crate::domain::patient::{FlagKind, Patient, Practitioner};
use crate::domain::task::{Priority, TaskKind, TaskStatus};
use crate::store::codec::{code, date, instant, opt_date, opt_instant};
use crate::store::goal::{goal_from_row, GOAL_SELECT};
use crate::store::patient::{patient_from_row, PATIENT_SELECT};
use crate::store::record::{condition_from_row, CONDITION_SELECT};
use crate::store::{Store, StoreError};

use super::rows::*;

/// What a conversion failure says about the row: None for an error that
/// is not about a stored value (the database could not be read at all).
fn damage_of(error: &rusqlite::Error) -> Option<Damage> {
    match error {
        rusqlite::Error::FromSqlConversionFailure(_, _, inner)
            if inner.is::<std::str::Utf8Error>() =>
        {
            Some(Damage::Text)
        }
        rusqlite::Error::FromSqlConversionFailure(..)
        | rusqlite::Error::InvalidColumnType(..)
        | rusqlite::Error::IntegralValueOutOfRange(..) => Some(Damage::Value),
        _ => None,
    }
}

/// Where an export's reads put the rows they cannot read: nowhere (the
/// first one stops the export, named), or a list (they are left out).
pub(super) type Skipping<'a> = Option<&'a mut Vec<DamagedRow>>;

impl Store {
    /// Runs `read` inside one read transaction, so that everything it reads
    /// comes from the same moment even while other sessions write: an
    /// export's references then always meet their targets.
    pub fn read_snapshot<T, E: From<StoreError>>(
        &self,
        read: impl FnOnce(&Store) -> Result<T, E>,
    ) -> Result<T, E> {
        self.conn()
            .execute_batch("BEGIN DEFERRED")
            .map_err(StoreError::from)?;
        let result = read(self);
        // Nothing was written: ending the transaction cannot lose anything.
        let ended = self.conn().execute_batch("ROLLBACK");
        let value = result?;
        ended.map_err(StoreError::from)?;
        Ok(value)
    }

    /// Every patient's row id in the user's reach, in order.
    pub fn fhir_patient_ids(&self) -> Result<Vec<i64>, StoreError> {
        self.require(crate::domain::role::Right::ReadCharts)?;
        let mut stmt = self.conn().prepare_cached(&format!(
            "SELECT p.id FROM patient p WHERE {} ORDER BY p.id",
            self.reach("p")
        ))?;
        let ids = stmt.query_map([], |r| r.get(0))?;
        Ok(ids.collect::<Result<_, _>>()?)
    }

    /// Practitioners in id order: all of them, or those with these ids. A
    /// damaged one is an error naming it ([`StoreError::Damaged`]).
    pub fn fhir_practitioners(
        &self,
        only: Option<&[i64]>,
    ) -> Result<Vec<Practitioner>, StoreError> {
        self.practitioner_rows(only, None)
    }

    /// Like [`Store::fhir_practitioners`], leaving damaged ones out: they
    /// are added to `skipped`.
    pub fn fhir_practitioners_skipping(
        &self,
        only: Option<&[i64]>,
        skipped: &mut Vec<DamagedRow>,
    ) -> Result<Vec<Practitioner>, StoreError> {
        self.practitioner_rows(only, Some(skipped))
    }

    fn practitioner_rows(
        &self,
        only: Option<&[i64]>,
        mut skip: Skipping<'_>,
    ) -> Result<Vec<Practitioner>, StoreError> {
        let all = self.rows(
            "SELECT id, username, display_name FROM practitioner ORDER BY id",
            [],
            "practitioner",
            &mut skip,
            |r| {
                Ok(Practitioner {
                    id: r.get(0)?,
                    username: r.get(1)?,
                    display_name: r.get(2)?,
                })
            },
        )?;
        Ok(all
            .into_iter()
            .filter(|row| only.is_none_or(|ids| ids.contains(&row.id)))
            .collect())
    }

    /// Reads the rows `sql` selects for `param` (their id first) with `map`.
    /// A row `map` cannot read for what it holds is named: the error, or
    /// an entry of `skip`'s list when there is one.
    pub(super) fn rows<T>(
        &self,
        sql: &str,
        params: impl rusqlite::Params,
        table: &'static str,
        skip: &mut Skipping<'_>,
        map: impl Fn(&Row<'_>) -> rusqlite::Result<T>,
    ) -> Result<Vec<T>, StoreError> {
        let mut stmt = self.conn().prepare_cached(sql)?;
        let mut rows = stmt.query(params)?;
        let mut read = Vec::new();
        while let Some(row) = rows.next()? {
            match map(row) {
                Ok(value) => read.push(value),
                Err(error) => {
                    let Some(damage) = damage_of(&error) else {
                        return Err(error.into());
                    };
                    let id: i64 = row.get(0)?;
                    let damaged = DamagedRow {
                        table,
                        id,
                        member_id: crate::store::damage::member_of(self.conn(), table, id)?,
                        damage,
                    };
                    match skip {
                        Some(list) => list.push(damaged),
                        None => return Err(StoreError::Damaged(damaged)),
                    }
                }
            }
        }
        Ok(read)
    }

    /// Everything tend holds about the patient, or None if there is no such
    /// patient. A damaged row is an error naming it ([`StoreError::Damaged`]).
    pub fn fhir_patient(&self, patient_id: i64) -> Result<Option<PatientData>, StoreError> {
        self.patient_data(patient_id, None)
    }

    /// Like [`Store::fhir_patient`], leaving damaged rows out: they are
    /// added to `skipped` (and None is returned when the patient's own row
    /// is one). The rows that refer to one stay as they are: the caller
    /// decides what becomes of them.
    pub fn fhir_patient_skipping(
        &self,
        patient_id: i64,
        skipped: &mut Vec<DamagedRow>,
    ) -> Result<Option<PatientData>, StoreError> {
        self.patient_data(patient_id, Some(skipped))
    }

    fn patient_data(
        &self,
        patient_id: i64,
        mut skip: Skipping<'_>,
    ) -> Result<Option<PatientData>, StoreError> {
        let Some(patient) = self.fhir_patient_row(patient_id, &mut skip)? else {
            return Ok(None);
        };
        let skip = &mut skip;
        let conditions = self.rows(
            &format!("{CONDITION_SELECT} WHERE patient_id = ?1 ORDER BY id"),
            [patient_id],
            "condition",
            skip,
            condition_from_row,
        )?;
        let needs = self.rows(
            "SELECT id, patient_id, domain, description, status, created_at
                   FROM need WHERE patient_id = ?1 ORDER BY id",
            [patient_id],
            "need",
            skip,
            |r| {
                Ok(NeedRow {
                    id: r.get(0)?,
                    patient_id: r.get(1)?,
                    domain: code(r, 2, NeedDomain::from_code)?,
                    description: r.get(3)?,
                    resolved: r.get::<_, String>(4)? == "resolved",
                    created_at: instant(r, 5)?,
                })
            },
        )?;
        let medications = self.rows(
            "SELECT id, patient_id, name, dose, frequency, prescriber, status
                   FROM medication WHERE patient_id = ?1 ORDER BY id",
            [patient_id],
            "medication",
            skip,
            |r| {
                Ok(MedicationRow {
                    id: r.get(0)?,
                    patient_id: r.get(1)?,
                    name: r.get(2)?,
                    dose: r.get(3)?,
                    frequency: r.get(4)?,
                    prescriber: r.get(5)?,
                    active: r.get::<_, String>(6)? == "active",
                })
            },
        )?;
        let allergies = self.rows(
            "SELECT id, patient_id, substance, reaction, criticality
                   FROM allergy WHERE patient_id = ?1 ORDER BY id",
            [patient_id],
            "allergy",
            skip,
            |r| {
                Ok(AllergyRow {
                    id: r.get(0)?,
                    patient_id: r.get(1)?,
                    substance: r.get(2)?,
                    reaction: r.get(3)?,
                    criticality: code(r, 4, AllergyCriticality::from_code)?,
                })
            },
        )?;
        let flags = self.rows(
            "SELECT id, patient_id, kind, text, active, created_at
                   FROM patient_flag WHERE patient_id = ?1 ORDER BY id",
            [patient_id],
            "patient_flag",
            skip,
            |r| {
                Ok(FlagRow {
                    id: r.get(0)?,
                    patient_id: r.get(1)?,
                    kind: code(r, 2, FlagKind::from_code)?,
                    text: r.get(3)?,
                    active: r.get(4)?,
                    created_at: instant(r, 5)?,
                })
            },
        )?;
        let care_team = self.rows(
            "SELECT id, patient_id, role, name, organization, phone
                   FROM care_team_member WHERE patient_id = ?1 ORDER BY id",
            [patient_id],
            "care_team_member",
            skip,
            |r| {
                Ok(CareTeamRow {
                    id: r.get(0)?,
                    patient_id: r.get(1)?,
                    role: r.get(2)?,
                    name: r.get(3)?,
                    organization: r.get(4)?,
                    phone: r.get(5)?,
                })
            },
        )?;
        let goals = self.rows(
            &format!("{GOAL_SELECT} WHERE patient_id = ?1 ORDER BY id"),
            [patient_id],
            "goal",
            skip,
            goal_from_row,
        )?;
        let progress = self.rows(
            "SELECT gp.id, gp.goal_id, gp.recorded_on, gp.note, gp.value, gp.author_id
                   FROM goal_progress gp JOIN goal g ON g.id = gp.goal_id
                  WHERE g.patient_id = ?1 ORDER BY gp.id",
            [patient_id],
            "goal_progress",
            skip,
            |r| {
                Ok(ProgressRow {
                    id: r.get(0)?,
                    goal_id: r.get(1)?,
                    recorded_on: date(r, 2)?,
                    note: r.get(3)?,
                    value: r.get(4)?,
                    author_id: r.get(5)?,
                })
            },
        )?;
        let tasks = self.rows(
            "SELECT id, patient_id, owner_id, kind, description, status, priority, due_on,
                        hard_deadline, authored_at, completed_at, outcome, recurrence,
                        previous_id, goal_id
                   FROM task WHERE patient_id = ?1 ORDER BY id",
            [patient_id],
            "task",
            skip,
            |r| {
                Ok(TaskRow {
                    id: r.get(0)?,
                    patient_id: r.get(1)?,
                    owner_id: r.get(2)?,
                    kind: code(r, 3, TaskKind::from_code)?,
                    description: r.get(4)?,
                    status: code(r, 5, TaskStatus::from_code)?,
                    priority: code(r, 6, Priority::from_code)?,
                    due_on: opt_date(r, 7)?,
                    hard_deadline: r.get(8)?,
                    authored_at: instant(r, 9)?,
                    completed_at: opt_instant(r, 10)?,
                    outcome: r.get(11)?,
                    recurrence: r.get(12)?,
                    previous_id: r.get(13)?,
                    goal_id: r.get(14)?,
                })
            },
        )?;
        let notes = self.rows(
            "SELECT id, patient_id, author_id, sent_at, medium, direction, recipient, outcome,
                        duration_minutes, body, signed_at, part_of
                   FROM communication WHERE patient_id = ?1 AND status = 'completed'
                  ORDER BY id",
            [patient_id],
            "communication",
            skip,
            |r| {
                Ok(NoteRow {
                    id: r.get(0)?,
                    patient_id: r.get(1)?,
                    author_id: r.get(2)?,
                    sent_at: instant(r, 3)?,
                    method: code(r, 4, Method::from_code)?,
                    direction: code(r, 5, Direction::from_code)?,
                    party: code(r, 6, Party::from_code)?,
                    outcome: code(r, 7, Outcome::from_code)?,
                    duration_minutes: r.get(8)?,
                    body: r.get(9)?,
                    signed_at: opt_instant(r, 10)?,
                    part_of: r.get(11)?,
                })
            },
        )?;
        let encounters = self.fhir_encounters(patient_id, skip)?;
        let clock_tasks = self.fhir_clock_tasks(patient_id)?;
        let loops = self.fhir_loops(patient_id, skip)?;
        let screenings = self.fhir_screenings(patient_id, skip)?;
        Ok(Some(PatientData {
            patient,
            conditions,
            needs,
            medications,
            allergies,
            flags,
            care_team,
            goals,
            progress,
            tasks,
            notes,
            encounters,
            clock_tasks,
            loops,
            screenings,
        }))
    }

    fn fhir_patient_row(
        &self,
        patient_id: i64,
        skip: &mut Skipping<'_>,
    ) -> Result<Option<Patient>, StoreError> {
        Ok(self
            .rows(
                &format!("{PATIENT_SELECT} WHERE p.id = ?1"),
                [patient_id],
                "patient",
                skip,
                patient_from_row,
            )?
            .pop())
    }
}
