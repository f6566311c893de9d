//! The rows of a patient's record another system's FHIR brings (see
//! `import_source`): each kind's values as text (the same form for what is
//! sent and what is stored, so the two compare), read back, found by what
//! it is, updated and inserted.

use rusqlite::{params, OptionalExtension};

use super::encounters::wall_text;
use super::goal::{goal_from_row, GOAL_SELECT};
use super::record::{
    allergy_from_row, condition_from_row, medication_from_row, ALLERGY_SELECT, CONDITION_SELECT,
    MEDICATION_SELECT,
};
use super::{Medication, NewCareTeamMember, NewEncounter, SourceKey, StoreError, Tx};
use crate::domain::clinical::{AllergyCriticality, Condition};
use crate::domain::goal::Goal;
use crate::domain::task::{Priority, TaskKind, TaskStatus};

/// A row of a patient's record as another system sends it.
#[derive(Debug, Clone)]
pub enum SentRow {
    Condition(Condition),
    Medication(Medication),
    Allergy {
        substance: String,
        reaction: Option<String>,
        criticality: AllergyCriticality,
    },
    CareTeamMember(NewCareTeamMember),
    Goal(Goal),
    Encounter(NewEncounter),
    /// A measurement as progress on goal `goal_id`.
    Progress {
        goal_id: i64,
        recorded_on: chrono::NaiveDate,
        note: String,
        value: f64,
    },
    /// A care plan's activity as a task of the patient: an intervention
    /// of goal `goal_id` when it serves one.
    Task {
        kind: TaskKind,
        description: String,
        status: TaskStatus,
        due_on: Option<chrono::NaiveDate>,
        goal_id: Option<i64>,
    },
}

impl SentRow {
    pub(super) fn table(&self) -> &'static str {
        match self {
            SentRow::Condition(_) => "condition",
            SentRow::Medication(_) => "medication",
            SentRow::Allergy { .. } => "allergy",
            SentRow::CareTeamMember(_) => "care_team_member",
            SentRow::Goal(_) => "goal",
            SentRow::Encounter(_) => "encounter",
            SentRow::Progress { .. } => "goal_progress",
            SentRow::Task { .. } => "task",
        }
    }

    pub(super) fn values(&self) -> String {
        let json = match self {
            SentRow::Condition(c) => serde_json::json!([
                c.code,
                c.display,
                c.clinical_status.code(),
                c.onset_date.map(|d| d.to_string())
            ]),
            SentRow::Medication(m) => {
                serde_json::json!([m.name, m.dose, m.frequency, m.prescriber, m.active])
            }
            SentRow::Allergy {
                substance,
                reaction,
                criticality,
            } => serde_json::json!([substance, reaction, criticality.code()]),
            SentRow::CareTeamMember(m) => {
                serde_json::json!([m.role, m.name, m.organization, m.phone])
            }
            SentRow::Goal(g) => serde_json::json!([
                g.description,
                g.status.code(),
                g.start_date.map(|d| d.to_string()),
                g.target_date.map(|d| d.to_string()),
                g.measure,
                g.priority.code()
            ]),
            SentRow::Encounter(e) => serde_json::json!([
                e.class.code(),
                e.status.code(),
                e.facility,
                wall_text(e.started_at),
                e.ended_at.map(wall_text),
                e.disposition.map(|d| d.code()),
                e.disposition_code,
                e.diagnoses
                    .iter()
                    .map(|d| d.code.as_str())
                    .collect::<Vec<_>>()
            ]),
            SentRow::Progress {
                goal_id,
                recorded_on,
                note,
                value,
            } => serde_json::json!([goal_id, recorded_on.to_string(), note, value]),
            SentRow::Task {
                kind,
                description,
                status,
                due_on,
                goal_id,
            } => serde_json::json!([
                kind.code(),
                description,
                status.code(),
                due_on.map(|d| d.to_string()),
                goal_id
            ]),
        };
        json.to_string()
    }
}

impl Tx<'_> {
    /// The row `id` as it is stored, in the form of `like`; None when it
    /// was removed.
    pub(super) fn stored_row(
        &self,
        like: &SentRow,
        id: i64,
    ) -> Result<Option<SentRow>, StoreError> {
        let conn = self.conn();
        let row = match like {
            SentRow::Condition(_) => conn
                .prepare_cached(&format!("{CONDITION_SELECT} WHERE id = ?1"))?
                .query_row([id], condition_from_row)
                .optional()?
                .map(SentRow::Condition),
            SentRow::Medication(_) => conn
                .prepare_cached(&format!("{MEDICATION_SELECT} WHERE id = ?1"))?
                .query_row([id], medication_from_row)
                .optional()?
                .map(SentRow::Medication),
            SentRow::Allergy { .. } => conn
                .prepare_cached(&format!("{ALLERGY_SELECT} WHERE id = ?1"))?
                .query_row([id], allergy_from_row)
                .optional()?
                .map(|a| SentRow::Allergy {
                    substance: a.substance,
                    reaction: a.reaction,
                    criticality: a.criticality,
                }),
            SentRow::CareTeamMember(m) => conn
                .prepare_cached(
                    "SELECT role, name, organization, phone FROM care_team_member WHERE id = ?1",
                )?
                .query_row([id], |r| {
                    Ok(SentRow::CareTeamMember(NewCareTeamMember {
                        patient_id: m.patient_id,
                        role: r.get(0)?,
                        name: r.get(1)?,
                        organization: r.get(2)?,
                        phone: r.get(3)?,
                    }))
                })
                .optional()?,
            SentRow::Goal(_) => conn
                .prepare_cached(&format!("{GOAL_SELECT} WHERE id = ?1"))?
                .query_row([id], goal_from_row)
                .optional()?
                .map(SentRow::Goal),
            SentRow::Encounter(_) => match self.load_encounter(id) {
                Ok(e) => {
                    let disposition_code: Option<String> = conn.query_row(
                        "SELECT disposition_code FROM encounter WHERE id = ?1",
                        [id],
                        |r| r.get(0),
                    )?;
                    Some(SentRow::Encounter(NewEncounter {
                        patient_id: e.patient_id,
                        class: e.class,
                        status: e.status,
                        facility: e.facility,
                        started_at: e.started_at,
                        ended_at: e.ended_at,
                        disposition: e.disposition,
                        disposition_code,
                        complexity: e.complexity,
                        provider: e.provider,
                        diagnoses: e.diagnoses,
                    }))
                }
                Err(StoreError::Sqlite(rusqlite::Error::QueryReturnedNoRows)) => None,
                Err(e) => return Err(e),
            },
            SentRow::Progress { .. } => conn
                .prepare_cached(
                    "SELECT goal_id, recorded_on, note, value FROM goal_progress WHERE id = ?1",
                )?
                .query_row([id], |r| {
                    Ok(SentRow::Progress {
                        goal_id: r.get(0)?,
                        recorded_on: super::codec::opt_date(r, 1)?.unwrap_or_default(),
                        note: r.get(2)?,
                        value: r.get::<_, Option<f64>>(3)?.unwrap_or(f64::NAN),
                    })
                })
                .optional()?,
            SentRow::Task { .. } => conn
                .prepare_cached(
                    "SELECT kind, description, status, due_on, goal_id FROM task WHERE id = ?1",
                )?
                .query_row([id], |r| {
                    let kind: String = r.get(0)?;
                    let status: String = r.get(2)?;
                    Ok(SentRow::Task {
                        kind: TaskKind::from_code(&kind).unwrap_or(TaskKind::Other),
                        description: r.get(1)?,
                        status: TaskStatus::from_code(&status).unwrap_or(TaskStatus::Requested),
                        due_on: super::codec::opt_date(r, 3)?,
                        goal_id: r.get(4)?,
                    })
                })
                .optional()?,
        };
        Ok(row)
    }

    /// A row of the patient that is the same thing as `row`: the same
    /// condition code (or, without one, the same name), the same
    /// medication or allergen by name, the same person in the same role,
    /// the same goal in the same words, an encounter of the same class
    /// that began at the same time.
    pub(super) fn same_row(
        &self,
        row: &SentRow,
        patient_id: i64,
    ) -> Result<Option<i64>, StoreError> {
        let conn = self.conn();
        let one = |sql: &str, values: &[&dyn rusqlite::ToSql]| -> Result<Option<i64>, StoreError> {
            Ok(conn
                .prepare_cached(sql)?
                .query_row(values, |r| r.get(0))
                .optional()?)
        };
        match row {
            SentRow::Condition(c) => one(
                "SELECT id FROM condition WHERE patient_id = ?1
                   AND (code = ?2 OR (?2 IS NULL AND code IS NULL AND display = ?3 COLLATE NOCASE))
                 ORDER BY id LIMIT 1",
                &[&patient_id, &c.code, &c.display],
            ),
            SentRow::Medication(m) => one(
                "SELECT id FROM medication WHERE patient_id = ?1 AND name = ?2 COLLATE NOCASE
                 ORDER BY id LIMIT 1",
                &[&patient_id, &m.name],
            ),
            SentRow::Allergy { substance, .. } => one(
                "SELECT id FROM allergy WHERE patient_id = ?1 AND substance = ?2 COLLATE NOCASE
                 ORDER BY id LIMIT 1",
                &[&patient_id, substance],
            ),
            SentRow::CareTeamMember(m) => one(
                "SELECT id FROM care_team_member WHERE patient_id = ?1
                   AND name = ?2 COLLATE NOCASE AND role = ?3 COLLATE NOCASE ORDER BY id LIMIT 1",
                &[&patient_id, &m.name, &m.role],
            ),
            SentRow::Goal(g) => one(
                "SELECT id FROM goal WHERE patient_id = ?1 AND description = ?2 COLLATE NOCASE
                 ORDER BY id LIMIT 1",
                &[&patient_id, &g.description],
            ),
            SentRow::Encounter(e) => one(
                "SELECT id FROM encounter WHERE patient_id = ?1 AND class = ?2 AND started_at = ?3
                 ORDER BY id LIMIT 1",
                &[&patient_id, &e.class.code(), &wall_text(e.started_at)],
            ),
            SentRow::Progress {
                goal_id,
                recorded_on,
                value,
                ..
            } => one(
                "SELECT id FROM goal_progress WHERE goal_id = ?1 AND recorded_on = ?2
                   AND value = ?3 ORDER BY id LIMIT 1",
                &[goal_id, &super::write::date_text(*recorded_on), value],
            ),
            // An open task of the patient in the same words, for the same
            // goal: one a coordinator wrote from the same plan.
            SentRow::Task {
                description,
                goal_id,
                ..
            } => one(
                "SELECT id FROM task WHERE patient_id = ?1 AND description = ?2 COLLATE NOCASE
                   AND goal_id IS ?3 AND status IN ('requested', 'in-progress')
                 ORDER BY id LIMIT 1",
                &[&patient_id, description, goal_id],
            ),
        }
    }

    pub(super) fn update_row(&mut self, row: &SentRow, id: i64) -> Result<(), StoreError> {
        let conn = self.conn();
        match row {
            SentRow::Condition(c) => conn
                .prepare_cached(
                    "UPDATE condition SET code = ?2, display = ?3, clinical_status = ?4,
                            onset_date = ?5, version = version + 1 WHERE id = ?1",
                )?
                .execute(params![
                    id,
                    c.code,
                    c.display,
                    c.clinical_status.code(),
                    c.onset_date.map(super::write::date_text)
                ])?,
            SentRow::Medication(m) => conn
                .prepare_cached(
                    "UPDATE medication SET name = ?2, dose = ?3, frequency = ?4, prescriber = ?5,
                            status = ?6, version = version + 1 WHERE id = ?1",
                )?
                .execute(params![
                    id,
                    m.name,
                    m.dose,
                    m.frequency,
                    m.prescriber,
                    if m.active { "active" } else { "stopped" }
                ])?,
            SentRow::Allergy {
                substance,
                reaction,
                criticality,
            } => conn
                .prepare_cached(
                    "UPDATE allergy SET substance = ?2, reaction = ?3, criticality = ?4 WHERE id = ?1",
                )?
                .execute(params![id, substance, reaction, criticality.code()])?,
            SentRow::CareTeamMember(m) => conn
                .prepare_cached(
                    "UPDATE care_team_member SET role = ?2, name = ?3, organization = ?4,
                            phone = ?5, version = version + 1 WHERE id = ?1",
                )?
                .execute(params![id, m.role, m.name, m.organization, m.phone])?,
            SentRow::Goal(g) => conn
                .prepare_cached(
                    "UPDATE goal SET description = ?2, lifecycle_status = ?3, start_date = ?4,
                            target_date = ?5, measure = ?6, priority = ?7, version = version + 1
                      WHERE id = ?1",
                )?
                .execute(params![
                    id,
                    g.description,
                    g.status.code(),
                    g.start_date.map(super::write::date_text),
                    g.target_date.map(super::write::date_text),
                    g.measure,
                    g.priority.code()
                ])?,
            SentRow::Encounter(e) => {
                self.update_encounter(id, e)?;
                return Ok(());
            }
            SentRow::Progress {
                recorded_on,
                note,
                value,
                ..
            } => conn
                .prepare_cached(
                    "UPDATE goal_progress SET recorded_on = ?2, note = ?3, value = ?4 WHERE id = ?1",
                )?
                .execute(params![id, super::write::date_text(*recorded_on), note, value])?,
            SentRow::Task {
                kind,
                description,
                status,
                due_on,
                goal_id,
            } => {
                let closed_at = (!status.is_open()).then(|| super::write::utc_text(self.now()));
                self.conn()
                    .prepare_cached(
                        "UPDATE task SET kind = ?2, description = ?3, status = ?4, due_on = ?5,
                                goal_id = ?6, completed_at = CASE WHEN ?7 IS NULL THEN NULL
                                    ELSE coalesce(completed_at, ?7) END,
                                version = version + 1
                          WHERE id = ?1",
                    )?
                    .execute(params![
                        id,
                        kind.code(),
                        description,
                        status.code(),
                        due_on.map(super::write::date_text),
                        goal_id,
                        closed_at
                    ])?
            }
        };
        Ok(())
    }

    /// A new row for patient `patient_id`; an encounter keeps where it
    /// came from as its feed key (the system, the resource's id).
    pub(super) fn insert_row(
        &mut self,
        row: &SentRow,
        patient_id: i64,
        key: &SourceKey,
    ) -> Result<i64, StoreError> {
        match row {
            SentRow::Condition(c) => self.insert_condition(&Condition {
                patient_id,
                ..c.clone()
            }),
            SentRow::Medication(m) => self.insert_medication(patient_id, m),
            SentRow::Allergy {
                substance,
                reaction,
                criticality,
            } => self.insert_allergy(patient_id, substance, reaction.as_deref(), *criticality),
            SentRow::CareTeamMember(m) => self.insert_care_team_member(&NewCareTeamMember {
                patient_id,
                ..m.clone()
            }),
            SentRow::Goal(g) => self.insert_goal(&Goal {
                id: 0,
                patient_id,
                ..g.clone()
            }),
            SentRow::Encounter(e) => self.insert_encounter(
                None,
                &NewEncounter {
                    patient_id,
                    ..e.clone()
                },
                Some(&key.source),
                Some(&key.resource_id),
            ),
            SentRow::Progress {
                goal_id,
                recorded_on,
                note,
                value,
            } => self.insert_progress(*goal_id, *recorded_on, note, Some(*value), None),
            SentRow::Task {
                kind,
                description,
                status,
                due_on,
                goal_id,
            } => self.insert_plan_task(
                patient_id,
                &super::NewTask {
                    patient_id,
                    owner_id: None,
                    kind: *kind,
                    description: description.clone(),
                    status: *status,
                    priority: Priority::Routine,
                    due_on: *due_on,
                    hard_deadline: false,
                    authored_at: self.now(),
                    completed_at: (!status.is_open()).then(|| self.now()),
                },
                *goal_id,
            ),
        }
    }

    /// A care plan's task, owned as a transition's clock tasks are: by the
    /// patient's coordinator (none until the patient has one).
    fn insert_plan_task(
        &mut self,
        patient_id: i64,
        task: &super::NewTask,
        goal_id: Option<i64>,
    ) -> Result<i64, StoreError> {
        let owner_id: Option<i64> = self
            .conn()
            .prepare_cached("SELECT coordinator_id FROM patient WHERE id = ?1")?
            .query_row([patient_id], |r| r.get(0))?;
        let id = self.insert_task(&super::NewTask {
            owner_id,
            ..task.clone()
        })?;
        self.conn()
            .prepare_cached("UPDATE task SET goal_id = ?2 WHERE id = ?1")?
            .execute(params![id, goal_id])?;
        Ok(id)
    }

    /// The patient's open goals (proposed, active, on hold): id, words and
    /// measure, for the measurements another system sends.
    pub fn open_goals(
        &self,
        patient_id: i64,
    ) -> Result<Vec<(i64, String, Option<String>)>, StoreError> {
        let mut stmt = self.conn().prepare_cached(
            "SELECT id, description, measure FROM goal
              WHERE patient_id = ?1 AND lifecycle_status IN ('proposed', 'active', 'on-hold')
              ORDER BY id",
        )?;
        let rows = stmt.query_map([patient_id], |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?)))?;
        Ok(rows.collect::<Result<_, _>>()?)
    }
}
