//! Task lists: today's for a coordinator, and all open ones for a patient.

use chrono::NaiveDate;
use rusqlite::{params, Row};

use super::caseload::parse_date;
use super::write::date_text;
use super::{Store, StoreError};
use crate::domain::patient::{list_name, RiskTier};
use crate::domain::task::{day_order, Priority, TaskKind, TaskRow, TaskStatus};

const COLUMNS: &str = "t.id, t.patient_id, p.family_name, p.given_name, p.risk_tier,
    t.description, t.kind, t.priority, t.status, t.due_on, t.hard_deadline";

fn read_task(row: &Row<'_>) -> rusqlite::Result<TaskRow> {
    let family: String = row.get(2)?;
    let given: String = row.get(3)?;
    let risk: i64 = row.get(4)?;
    let kind: String = row.get(6)?;
    let priority: String = row.get(7)?;
    let status: String = row.get(8)?;
    let due: Option<String> = row.get(9)?;
    Ok(TaskRow {
        id: row.get(0)?,
        patient_id: row.get(1)?,
        patient_name: list_name(&family, &given),
        patient_risk: RiskTier::from_number(risk).unwrap_or(RiskTier::Low),
        title: row.get(5)?,
        kind: TaskKind::from_code(&kind).unwrap_or(TaskKind::Other),
        priority: Priority::from_code(&priority).unwrap_or(Priority::Routine),
        status: TaskStatus::from_code(&status).unwrap_or(TaskStatus::Requested),
        due_on: due.as_deref().and_then(parse_date),
        hard_deadline: row.get(10)?,
    })
}

impl Store {
    /// The user's open tasks due on or before `until`: those due by `today`
    /// first, most urgent first, then the upcoming ones by date (see
    /// [`day_order`]).
    pub fn my_day(
        &self,
        user: &str,
        today: NaiveDate,
        until: NaiveDate,
    ) -> Result<Vec<TaskRow>, StoreError> {
        let sql = format!(
            "SELECT {COLUMNS} FROM task t JOIN patient p ON p.id = t.patient_id
              WHERE t.owner_id = (SELECT id FROM practitioner WHERE username = ?1)
                AND t.status IN ('requested', 'in-progress')
                AND t.due_on <= ?2"
        );
        let mut stmt = self.conn().prepare_cached(&sql)?;
        let rows = stmt.query_map(params![user, date_text(until.max(today))], read_task)?;
        let mut tasks: Vec<TaskRow> = rows.collect::<Result<_, _>>()?;
        tasks.sort_by(|a, b| day_order(a, b, today));
        Ok(tasks)
    }

    /// A patient's open tasks, soonest due first, undated last.
    pub fn patient_tasks(&self, patient_id: i64) -> Result<Vec<TaskRow>, StoreError> {
        let sql = format!(
            "SELECT {COLUMNS} FROM task t JOIN patient p ON p.id = t.patient_id
              WHERE t.patient_id = ?1 AND t.status IN ('requested', 'in-progress')
              ORDER BY t.due_on IS NULL, t.due_on, t.id"
        );
        let mut stmt = self.conn().prepare_cached(&sql)?;
        let rows = stmt.query_map(params![patient_id], read_task)?;
        Ok(rows.collect::<Result<_, _>>()?)
    }
}
