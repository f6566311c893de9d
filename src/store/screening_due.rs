//! Screenings due again (issue 18, `[[screening.rescreen]]`): for the
//! user's patients, one open task a patient and instrument that falls due
//! (the rule is `RescreenRule::due_on`, in domain), owned by the patient's
//! coordinator; completed when a screening of the instrument is signed.
//!
//! Which task belongs to which patient and instrument is kept in
//! `screening_due`, with the cycle it was made for (the last signed
//! screening it follows, 0 when never screened): a cycle's task is made
//! once, so a coordinator who closes it by hand is not given it again
//! until the next screening is signed and falls due in its turn.

use std::collections::{HashMap, HashSet};

use chrono::NaiveDate;
use rusqlite::{params, params_from_iter};

use super::caseload::local_day;
use super::write::utc_text;
use super::{AuditAction, NewTask, Store, StoreError, Tx};
use crate::domain::role::Right;
use crate::domain::screening::{due_title, RescreenRule};
use crate::domain::task::{Priority, TaskKind, TaskStatus};

/// A rule and the name of its instrument as coordinators call it
/// ("PHQ-9"), for the task's title.
#[derive(Debug, Clone)]
pub struct RescreenPlan<'a> {
    pub rule: &'a RescreenRule,
    pub instrument_name: &'a str,
}

/// A task to make: whose, which instrument, which cycle, when due.
struct Due {
    patient_id: i64,
    owner: Option<i64>,
    instrument: String,
    cycle: i64,
    due_on: NaiveDate,
    title: String,
}

/// A patient's last signed screening of an instrument: its id and day.
type Last = (i64, NaiveDate);

impl Store {
    /// Makes the tasks of the screenings that fall due by `until` for the
    /// user's patients (theirs and those of whoever they cover today, as
    /// in Today's "mine"; enrolled ones only: nobody screens a member
    /// still being reached, or gone), in one transaction, each audited:
    /// due on the day it falls due, never before today, owned by the
    /// patient's coordinator; never a second while one is open. How many
    /// it made. Nothing for a user who may not change charts, or on a
    /// database opened read-only.
    pub fn make_due_screening_tasks(
        &mut self,
        plans: &[RescreenPlan<'_>],
        until: NaiveDate,
    ) -> Result<usize, StoreError> {
        if plans.is_empty() || self.require(Right::WriteCharts).is_err() || self.read_only.is_some()
        {
            return Ok(0);
        }
        let due = self.screenings_due(plans, until)?;
        if due.is_empty() {
            return Ok(0);
        }
        let now = self.clock.now_utc();
        self.write(|tx| {
            let mut made = 0;
            for due in &due {
                // Checked again in the transaction: another session may
                // have made it since the read.
                if tx.has_due_task(due.patient_id, &due.instrument, due.cycle)? {
                    continue;
                }
                let task = tx.insert_task(&NewTask {
                    patient_id: due.patient_id,
                    owner_id: due.owner,
                    kind: TaskKind::FollowUp,
                    description: due.title.clone(),
                    status: TaskStatus::Requested,
                    priority: Priority::Routine,
                    due_on: Some(due.due_on),
                    hard_deadline: false,
                    authored_at: now,
                    completed_at: None,
                })?;
                tx.conn()
                    .prepare_cached(
                        "INSERT INTO screening_due (patient_id, instrument, cycle, task_id)
                         VALUES (?1, ?2, ?3, ?4)",
                    )?
                    .execute(params![due.patient_id, due.instrument, due.cycle, task])?;
                tx.audit(
                    AuditAction::Create,
                    "Task",
                    Some(task),
                    Some(due.patient_id),
                    Some("screening due"),
                )?;
                made += 1;
            }
            Ok(made)
        })
    }

    /// What is due, read without writing: the patients, their active
    /// conditions, their last signed screenings and the due tasks they
    /// hold, four statements whatever the number of patients.
    fn screenings_due(
        &self,
        plans: &[RescreenPlan<'_>],
        until: NaiveDate,
    ) -> Result<Vec<Due>, StoreError> {
        let today = self.clock.today();
        let (mine, values) = self.mine("p.coordinator_id", &self.agent);
        let reach = self.reach("p");
        let patients_of = format!("p.enrollment_status = 'enrolled' AND {mine} AND {reach}");
        let read = |sql: String| -> Result<_, StoreError> {
            Ok((self.conn().prepare_cached(&sql)?, values.clone()))
        };

        let (mut stmt, v) = read(format!(
            "SELECT p.id, p.coordinator_id FROM patient p WHERE {patients_of} ORDER BY p.id"
        ))?;
        let patients: Vec<(i64, Option<i64>)> = stmt
            .query_map(params_from_iter(v), |r| Ok((r.get(0)?, r.get(1)?)))?
            .collect::<Result<_, _>>()?;
        if patients.is_empty() {
            return Ok(Vec::new());
        }

        let (mut stmt, v) = read(format!(
            "SELECT c.patient_id, c.code, c.display FROM condition c
               JOIN patient p ON p.id = c.patient_id
              WHERE (c.clinical_status = 'active' OR c.clinical_status = 'recurrence'
                     OR c.clinical_status = 'relapse') AND {patients_of}"
        ))?;
        let mut conditions: HashMap<i64, Vec<(Option<String>, String)>> = HashMap::new();
        let mut rows = stmt.query(params_from_iter(v))?;
        while let Some(row) = rows.next()? {
            conditions
                .entry(row.get(0)?)
                .or_default()
                .push((row.get(1)?, row.get(2)?));
        }

        // The newest signed screening of each instrument (SQLite gives the
        // other columns of the row holding the max).
        let (mut stmt, v) = read(format!(
            "SELECT s.patient_id, s.instrument, s.id, max(s.signed_at) FROM screening s
               JOIN patient p ON p.id = s.patient_id
              WHERE s.status = 'completed' AND {patients_of}
              GROUP BY s.patient_id, s.instrument"
        ))?;
        let offset = self.offset();
        let mut last: HashMap<(i64, String), Last> = HashMap::new();
        let mut rows = stmt.query(params_from_iter(v))?;
        while let Some(row) = rows.next()? {
            let signed: String = row.get(3)?;
            if let Some(day) = local_day(&signed, offset) {
                last.insert((row.get(0)?, row.get(1)?), (row.get(2)?, day));
            }
        }

        // The due tasks held: their cycles, and which are open.
        let (mut stmt, v) = read(format!(
            "SELECT d.patient_id, d.instrument, d.cycle,
                    (t.status = 'requested' OR t.status = 'in-progress')
               FROM screening_due d JOIN task t ON t.id = d.task_id
               JOIN patient p ON p.id = d.patient_id
              WHERE {patients_of}"
        ))?;
        let mut made: HashSet<(i64, String, i64)> = HashSet::new();
        let mut open: HashSet<(i64, String)> = HashSet::new();
        let mut rows = stmt.query(params_from_iter(v))?;
        while let Some(row) = rows.next()? {
            let (patient, instrument): (i64, String) = (row.get(0)?, row.get(1)?);
            if row.get::<_, bool>(3)? {
                open.insert((patient, instrument.clone()));
            }
            made.insert((patient, instrument, row.get(2)?));
        }

        let mut due = Vec::new();
        let none = Vec::new();
        for &(patient_id, owner) in &patients {
            let active = conditions.get(&patient_id).unwrap_or(&none);
            for plan in plans {
                let instrument = &plan.rule.instrument;
                let key = (patient_id, instrument.clone());
                if open.contains(&key) {
                    continue;
                }
                let last = last.get(&key).copied();
                let cycle = last.map_or(0, |(id, _)| id);
                if made.contains(&(patient_id, instrument.clone(), cycle)) {
                    continue;
                }
                let words = active.iter().map(|(c, d)| (c.as_deref(), d.as_str()));
                let last_day = last.map(|(_, day)| day);
                if let Some(due_on) = plan.rule.due_on(last_day, words, today, until) {
                    // One task a patient and instrument, should two rules
                    // name the same instrument.
                    open.insert(key);
                    due.push(Due {
                        patient_id,
                        owner,
                        instrument: instrument.clone(),
                        cycle,
                        due_on,
                        title: due_title(plan.instrument_name, last_day),
                    });
                }
            }
        }
        Ok(due)
    }
}

impl Tx<'_> {
    /// Whether the patient holds a due task of the instrument that is
    /// open, or one made for this cycle.
    fn has_due_task(
        &self,
        patient_id: i64,
        instrument: &str,
        cycle: i64,
    ) -> Result<bool, StoreError> {
        Ok(self
            .conn()
            .prepare_cached(
                "SELECT EXISTS (SELECT 1 FROM screening_due d JOIN task t ON t.id = d.task_id
                  WHERE d.patient_id = ?1 AND d.instrument = ?2
                    AND (d.cycle = ?3 OR t.status = 'requested' OR t.status = 'in-progress'))",
            )?
            .query_row(params![patient_id, instrument, cycle], |r| r.get(0))?)
    }

    /// Completes the patient's open due task of the instrument, if any: a
    /// screening of it was signed (called in the transaction that signs).
    pub(super) fn complete_screening_due(
        &mut self,
        patient_id: i64,
        instrument: &str,
    ) -> Result<(), StoreError> {
        let tasks: Vec<i64> = self
            .conn()
            .prepare_cached(
                "SELECT t.id FROM screening_due d JOIN task t ON t.id = d.task_id
                  WHERE d.patient_id = ?1 AND d.instrument = ?2
                    AND (t.status = 'requested' OR t.status = 'in-progress')",
            )?
            .query_map(params![patient_id, instrument], |r| r.get(0))?
            .collect::<Result<_, _>>()?;
        let now = utc_text(self.now());
        for task in tasks {
            self.conn()
                .prepare_cached(
                    "UPDATE task SET status = 'completed', outcome = 'screened',
                            completed_at = ?2, version = version + 1, updated_at = ?2
                      WHERE id = ?1",
                )?
                .execute(params![task, now])?;
            self.audit(
                AuditAction::Update,
                "Task",
                Some(task),
                Some(patient_id),
                Some("completed: the screening was signed"),
            )?;
        }
        Ok(())
    }
}
