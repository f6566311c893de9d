//! The goal row to and from the one domain [`Goal`]: one column list, one
//! mapping, read by the plan and the FHIR export, and one insert.

use rusqlite::{params, Row};

use super::codec::{code, date_text, opt_date};
use super::{Store, StoreError, Tx};
use crate::domain::goal::{Goal, GoalPriority, GoalStatus};

/// Every column of `goal` a [`Goal`] holds, in `goal_from_row`'s order.
pub(crate) const GOAL_SELECT: &str =
    "SELECT id, patient_id, description, lifecycle_status, start_date, target_date,
            need_id, measure, priority, version FROM goal";

pub(crate) fn goal_from_row(r: &Row<'_>) -> rusqlite::Result<Goal> {
    Ok(Goal {
        id: r.get(0)?,
        patient_id: r.get(1)?,
        description: r.get(2)?,
        status: code(r, 3, GoalStatus::from_code)?,
        start_date: opt_date(r, 4)?,
        target_date: opt_date(r, 5)?,
        need_id: r.get(6)?,
        measure: r.get(7)?,
        priority: code(r, 8, GoalPriority::from_code)?,
        version: r.get(9)?,
    })
}

impl Store {
    /// Open goals first, soonest target first; then closed ones.
    pub fn goals(&self, patient_id: i64) -> Result<Vec<Goal>, StoreError> {
        let sql = format!(
            "{GOAL_SELECT} WHERE patient_id = ?1
              ORDER BY lifecycle_status IN ('completed', 'cancelled'),
                       target_date IS NULL, target_date, id"
        );
        let mut stmt = self.conn().prepare_cached(&sql)?;
        let rows = stmt.query_map(params![patient_id], goal_from_row)?;
        Ok(rows.collect::<Result<_, _>>()?)
    }
}

impl Tx<'_> {
    /// Adds a goal with every field as given (its id too, unless it is 0:
    /// then the database picks one). The version starts afresh.
    pub fn insert_goal(&mut self, g: &Goal) -> Result<i64, StoreError> {
        self.conn()
            .prepare_cached(
                "INSERT INTO goal (id, patient_id, description, lifecycle_status, start_date,
                   target_date, need_id, measure, priority)
                 VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9)",
            )?
            .execute(params![
                (g.id != 0).then_some(g.id),
                g.patient_id,
                g.description,
                g.status.code(),
                g.start_date.map(date_text),
                g.target_date.map(date_text),
                g.need_id,
                g.measure,
                g.priority.code()
            ])?;
        Ok(self.conn().last_insert_rowid())
    }
}
