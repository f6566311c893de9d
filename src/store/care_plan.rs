//! The care plan: needs, goals with their progress and interventions, and
//! the review date (the record's lists are `record.rs`). Every change is one transaction with its audit
//! row; a change to a goal or the record names the version it saw, and one
//! that another session changed meanwhile is refused with nothing written.

use chrono::NaiveDate;
use rusqlite::{params, OptionalExtension};

use super::caseload::parse_date;
use super::write::{date_text, utc_text};
use super::{AuditAction, Store, StoreError, Tx};
use crate::domain::care_plan::{goal_may_become, NeedDomain};
use crate::domain::goal::{Goal, GoalStatus};
use crate::domain::task::TaskStatus;

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Need {
    pub id: i64,
    pub domain: NeedDomain,
    pub description: String,
    pub resolved: bool,
}

#[derive(Debug, Clone, PartialEq)]
pub struct ProgressEntry {
    pub id: i64,
    pub recorded_on: NaiveDate,
    pub note: String,
    pub value: Option<f64>,
}

pub(super) fn non_empty(what: &str, text: &str) -> Result<String, StoreError> {
    let trimmed = text.trim();
    if trimmed.is_empty() {
        return Err(StoreError::Refused(format!("{what} cannot be empty")));
    }
    Ok(trimmed.to_string())
}

/// A task serving a goal (FHIR CarePlan.activity).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Intervention {
    pub title: String,
    pub status: TaskStatus,
    pub due_on: Option<NaiveDate>,
}

impl Intervention {
    /// "due 2026-12-01 · Call the landlord", "completed · Apply for SNAP".
    pub fn describe(&self) -> String {
        match (self.status.is_open(), self.due_on) {
            (true, Some(due)) => format!("due {due} · {}", self.title),
            (true, None) => format!("open · {}", self.title),
            (false, _) => format!("{} · {}", self.status.code(), self.title),
        }
    }
}

/// A goal's patient and status, when the goal is still at version `seen`;
/// a conflict when another session changed or removed it meanwhile.
fn goal_as_seen(tx: &Tx<'_>, goal_id: i64, seen: i64) -> Result<(i64, String), StoreError> {
    let (patient_id, status, version): (i64, String, i64) = tx
        .conn()
        .query_row(
            "SELECT patient_id, lifecycle_status, version FROM goal WHERE id = ?1",
            [goal_id],
            |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?)),
        )
        .optional()?
        .ok_or_else(|| StoreError::Conflict("that goal no longer exists".into()))?;
    if version != seen {
        return Err(StoreError::Conflict(
            "another session changed this goal meanwhile; nothing was changed".into(),
        ));
    }
    Ok((patient_id, status))
}

/// Refuses a need that is not in this patient's plan.
fn check_need_is_theirs(tx: &Tx<'_>, need: Option<i64>, patient_id: i64) -> Result<(), StoreError> {
    let Some(need) = need else {
        return Ok(());
    };
    let owner: Option<i64> = tx
        .conn()
        .query_row("SELECT patient_id FROM need WHERE id = ?1", [need], |r| {
            r.get(0)
        })
        .optional()?;
    if owner != Some(patient_id) {
        return Err(StoreError::Refused(
            "that need is not in this patient's plan".into(),
        ));
    }
    Ok(())
}

/// Checks that the patient's record is still at `seen` and moves it on.
pub(super) fn bump_patient(tx: &Tx<'_>, patient_id: i64, seen: i64) -> Result<(), StoreError> {
    let changed = tx.conn().execute(
        "UPDATE patient SET version = version + 1, updated_at = ?3
          WHERE id = ?1 AND version = ?2",
        params![patient_id, seen, utc_text(tx.now())],
    )?;
    if changed == 0 {
        return Err(StoreError::Conflict(
            "another session changed this patient's record meanwhile; nothing was changed \
             (it is shown again as it is now)"
                .into(),
        ));
    }
    Ok(())
}

impl Store {
    pub fn needs(&self, patient_id: i64) -> Result<Vec<Need>, StoreError> {
        let mut stmt = self.conn().prepare_cached(
            "SELECT id, domain, description, status FROM need WHERE patient_id = ?1 ORDER BY id",
        )?;
        let rows = stmt.query_map([patient_id], |row| {
            let domain: String = row.get(1)?;
            let status: String = row.get(3)?;
            Ok(Need {
                id: row.get(0)?,
                domain: NeedDomain::from_code(&domain).unwrap_or(NeedDomain::Other),
                description: row.get(2)?,
                resolved: status == "resolved",
            })
        })?;
        let mut needs: Vec<Need> = rows.collect::<Result<_, _>>()?;
        // In the plan's order of domains, then as they were added.
        needs.sort_by_key(|n| (n.domain, n.id));
        Ok(needs)
    }

    pub fn add_need(
        &mut self,
        patient_id: i64,
        domain: NeedDomain,
        description: &str,
    ) -> Result<i64, StoreError> {
        let description = non_empty("a need's description", description)?;
        self.write(|tx| {
            tx.conn().execute(
                "INSERT INTO need (patient_id, domain, description, created_at)
                 VALUES (?1, ?2, ?3, ?4)",
                params![patient_id, domain.code(), description, utc_text(tx.now())],
            )?;
            let id = tx.conn().last_insert_rowid();
            tx.audit(
                AuditAction::Create,
                "Need",
                Some(id),
                Some(patient_id),
                None,
            )?;
            Ok(id)
        })
    }

    /// Adds a goal to its patient's plan, active from its start, after
    /// checking it is a goal (the patient's words, a measure, a target
    /// date after the start). Its status and version are the store's.
    pub fn add_plan_goal(&mut self, goal: &Goal) -> Result<i64, StoreError> {
        goal.check()
            .map_err(|problem| StoreError::Refused(problem.to_string()))?;
        let patient_id = goal.patient_id;
        self.write(|tx| {
            check_need_is_theirs(tx, goal.need_id, patient_id)?;
            tx.conn().execute(
                "INSERT INTO goal (patient_id, description, lifecycle_status, start_date,
                   target_date, need_id, measure, priority, updated_at)
                 VALUES (?1, ?2, 'active', ?3, ?4, ?5, ?6, ?7, ?8)",
                params![
                    patient_id,
                    goal.description.trim(),
                    goal.start_date.map(date_text),
                    goal.target_date.map(date_text),
                    goal.need_id,
                    goal.measure.as_deref().map(str::trim),
                    goal.priority.code(),
                    utc_text(tx.now())
                ],
            )?;
            let id = tx.conn().last_insert_rowid();
            tx.audit(
                AuditAction::Create,
                "Goal",
                Some(id),
                Some(patient_id),
                None,
            )?;
            Ok(id)
        })
    }

    /// Moves a goal to `to`, if the plan's rules allow it and nobody else
    /// changed the goal since `seen`.
    pub fn set_goal_status(
        &mut self,
        goal_id: i64,
        seen: i64,
        to: GoalStatus,
    ) -> Result<(), StoreError> {
        self.write(|tx| {
            let (patient_id, status) = goal_as_seen(tx, goal_id, seen)?;
            let from = GoalStatus::from_code(&status).unwrap_or(GoalStatus::Proposed);
            if !goal_may_become(from, to) {
                return Err(StoreError::Refused(format!(
                    "a goal that is {} cannot become {}",
                    from.label(),
                    to.label()
                )));
            }
            tx.conn().execute(
                "UPDATE goal SET lifecycle_status = ?2, version = version + 1, updated_at = ?3
                  WHERE id = ?1",
                params![goal_id, to.code(), utc_text(tx.now())],
            )?;
            let detail = format!("{} → {}", from.code(), to.code());
            tx.audit(
                AuditAction::Update,
                "Goal",
                Some(goal_id),
                Some(patient_id),
                Some(&detail),
            )
        })
    }

    /// Changes a goal's words, measure, priority, need and dates, on the
    /// goal as the user saw it (`seen`), after the same checks as a new one;
    /// its status has its own action.
    pub fn update_plan_goal(
        &mut self,
        goal_id: i64,
        seen: i64,
        goal: &Goal,
    ) -> Result<(), StoreError> {
        goal.check()
            .map_err(|problem| StoreError::Refused(problem.to_string()))?;
        self.write(|tx| {
            let (patient_id, _) = goal_as_seen(tx, goal_id, seen)?;
            check_need_is_theirs(tx, goal.need_id, patient_id)?;
            tx.conn().execute(
                "UPDATE goal SET description = ?2, measure = ?3, priority = ?4, start_date = ?5,
                   target_date = ?6, need_id = ?7, version = version + 1, updated_at = ?8
                 WHERE id = ?1",
                params![
                    goal_id,
                    goal.description.trim(),
                    goal.measure.as_deref().map(str::trim),
                    goal.priority.code(),
                    goal.start_date.map(date_text),
                    goal.target_date.map(date_text),
                    goal.need_id,
                    utc_text(tx.now())
                ],
            )?;
            tx.audit(
                AuditAction::Update,
                "Goal",
                Some(goal_id),
                Some(patient_id),
                Some("edited"),
            )
        })
    }

    /// Records progress on a goal: a line, and a value when it is measured.
    pub fn add_progress(
        &mut self,
        goal_id: i64,
        recorded_on: NaiveDate,
        note: &str,
        value: Option<f64>,
    ) -> Result<i64, StoreError> {
        let note = non_empty("a progress note", note)?;
        if value.is_some_and(|v| !v.is_finite()) {
            return Err(StoreError::Refused("the value must be a number".into()));
        }
        let agent = self.agent().to_string();
        self.write(|tx| {
            let patient_id: i64 = tx
                .conn()
                .query_row(
                    "SELECT patient_id FROM goal WHERE id = ?1",
                    [goal_id],
                    |r| r.get(0),
                )
                .optional()?
                .ok_or_else(|| StoreError::Conflict("that goal no longer exists".into()))?;
            tx.conn().execute(
                "INSERT INTO goal_progress (goal_id, recorded_on, note, value, author_id)
                 VALUES (?1, ?2, ?3, ?4, (SELECT id FROM practitioner WHERE username = ?5))",
                params![goal_id, date_text(recorded_on), note, value, agent],
            )?;
            let id = tx.conn().last_insert_rowid();
            tx.audit(
                AuditAction::Create,
                "GoalProgress",
                Some(id),
                Some(patient_id),
                None,
            )?;
            Ok(id)
        })
    }

    /// A goal's progress, oldest first (the order a trend reads in).
    pub fn progress(&self, goal_id: i64) -> Result<Vec<ProgressEntry>, StoreError> {
        let mut stmt = self.conn().prepare_cached(
            "SELECT id, recorded_on, note, value FROM goal_progress
              WHERE goal_id = ?1 ORDER BY recorded_on, id",
        )?;
        let rows = stmt.query_map([goal_id], |row| {
            let on: String = row.get(1)?;
            Ok(ProgressEntry {
                id: row.get(0)?,
                recorded_on: parse_date(&on).unwrap_or_default(),
                note: row.get(2)?,
                value: row.get(3)?,
            })
        })?;
        Ok(rows.collect::<Result<_, _>>()?)
    }

    /// The measured values of all the patient's goals, each goal's oldest
    /// first: (goal, value). One query for the goals pane, not one a goal.
    pub fn progress_values(&self, patient_id: i64) -> Result<Vec<(i64, f64)>, StoreError> {
        let mut stmt = self.conn().prepare_cached(
            "SELECT gp.goal_id, gp.value FROM goal_progress gp JOIN goal g ON g.id = gp.goal_id
              WHERE g.patient_id = ?1 AND gp.value IS NOT NULL
              ORDER BY gp.goal_id, gp.recorded_on, gp.id",
        )?;
        let rows = stmt.query_map([patient_id], |row| Ok((row.get(0)?, row.get(1)?)))?;
        Ok(rows.collect::<Result<_, _>>()?)
    }

    /// The goal's interventions: open ones first by due date, then the rest.
    pub fn interventions(&self, goal_id: i64) -> Result<Vec<Intervention>, StoreError> {
        let mut stmt = self.conn().prepare_cached(
            "SELECT description, status, due_on FROM task WHERE goal_id = ?1
              ORDER BY status NOT IN ('requested', 'in-progress'), due_on IS NULL, due_on, id",
        )?;
        let rows = stmt.query_map([goal_id], |row| {
            let status: String = row.get(1)?;
            let due: Option<String> = row.get(2)?;
            Ok(Intervention {
                title: row.get(0)?,
                status: TaskStatus::from_code(&status).unwrap_or(TaskStatus::Requested),
                due_on: due.as_deref().and_then(parse_date),
            })
        })?;
        Ok(rows.collect::<Result<_, _>>()?)
    }

    /// Sets the date the care plan is next to be reviewed, and keeps one open
    /// "Care-plan review" task due that day, so the review comes up in the
    /// coordinator's day like any other task (overdue once the date passes).
    pub fn set_plan_review(
        &mut self,
        patient_id: i64,
        seen: i64,
        on: NaiveDate,
    ) -> Result<(), StoreError> {
        self.write(|tx| {
            bump_patient(tx, patient_id, seen)?;
            tx.conn().execute(
                "UPDATE patient SET plan_review_on = ?2 WHERE id = ?1",
                params![patient_id, date_text(on)],
            )?;
            tx.plan_review_task(patient_id, on)?;
            let detail = format!("plan review by {on}");
            tx.audit(
                AuditAction::Update,
                "CarePlan",
                None,
                Some(patient_id),
                Some(&detail),
            )
        })
    }
}
