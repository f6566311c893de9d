//! Reading tasks: a coordinator's (or the team's) day, one patient's open
//! tasks, one task.

use chrono::NaiveDate;
use rusqlite::{params, params_from_iter, types::Value, OptionalExtension, Row};

use super::caseload::parse_date;
use super::write::date_text;
use super::{Store, StoreError};
use crate::domain::patient::{list_name, RiskTier};
use crate::domain::recurrence::Recurrence;
use crate::domain::task::{Priority, TaskKind, TaskRow, TaskStatus};
use crate::domain::task_line::{Assignee, TaskFilter};

const COLUMNS: &str = "t.id, t.patient_id, p.family_name, p.given_name, p.risk_tier,
    t.description, t.kind, t.priority, t.status, t.due_on, t.hard_deadline,
    (SELECT username FROM practitioner o WHERE o.id = t.owner_id), t.recurrence, t.version";

fn read_task(row: &Row<'_>) -> rusqlite::Result<TaskRow> {
    let family: String = row.get(2)?;
    let given: String = row.get(3)?;
    let risk: i64 = row.get(4)?;
    let kind: String = row.get(6)?;
    let priority: String = row.get(7)?;
    let status: String = row.get(8)?;
    let due: Option<String> = row.get(9)?;
    let recurrence: Option<String> = row.get(12)?;
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
        owner: row.get(11)?,
        recurrence: recurrence
            .as_deref()
            .and_then(|r| Recurrence::parse(r).ok()),
        version: row.get(13)?,
    })
}

impl Store {
    /// Open tasks due on or before `until`, for `user` or whoever the filter
    /// names, of the filter's kind and holding its words; by due date (the
    /// caller ranks them: see `domain::urgency`).
    pub fn day_tasks(
        &self,
        user: &str,
        filter: &TaskFilter,
        until: NaiveDate,
    ) -> Result<Vec<TaskRow>, StoreError> {
        let mut clauses = vec![
            "t.status IN ('requested', 'in-progress')".to_string(),
            "t.due_on <= ?".to_string(),
        ];
        let mut values = vec![Value::Text(date_text(until))];
        let owner = match &filter.who {
            Assignee::Mine => Some(user),
            Assignee::Named(name) => Some(name.as_str()),
            Assignee::Team => None,
        };
        if let Some(owner) = owner {
            clauses.push("t.owner_id = (SELECT id FROM practitioner WHERE username = ?)".into());
            values.push(Value::Text(owner.to_string()));
        }
        if let Some(kind) = filter.kind {
            clauses.push("t.kind = ?".into());
            values.push(Value::Text(kind.code().into()));
        }
        let sql = format!(
            "SELECT {COLUMNS} FROM task t JOIN patient p ON p.id = t.patient_id
              WHERE {} ORDER BY t.due_on, t.id",
            clauses.join(" AND ")
        );
        let mut stmt = self.conn().prepare_cached(&sql)?;
        let rows = stmt.query_map(params_from_iter(values), read_task)?;
        let mut tasks: Vec<TaskRow> = rows.collect::<Result<_, _>>()?;
        if !filter.words.is_empty() {
            // Words match names with accents and in any case, which SQL LIKE
            // would not; the rows are already narrowed to one day's list.
            tasks.retain(|t| filter.matches_words(&t.title, &t.patient_name));
        }
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

    /// One task, whatever its status.
    pub fn task(&self, id: i64) -> Result<Option<TaskRow>, StoreError> {
        let sql = format!(
            "SELECT {COLUMNS} FROM task t JOIN patient p ON p.id = t.patient_id WHERE t.id = ?1"
        );
        Ok(self
            .conn()
            .prepare_cached(&sql)?
            .query_row(params![id], read_task)
            .optional()?)
    }

    /// The user names of coordinators, for reassigning work.
    pub fn coordinators(&self) -> Result<Vec<String>, StoreError> {
        let mut stmt = self
            .conn()
            .prepare_cached("SELECT username FROM practitioner ORDER BY username")?;
        let rows = stmt.query_map([], |row| row.get(0))?;
        Ok(rows.collect::<Result<_, _>>()?)
    }
}
