//! Reading tasks: a coordinator's (or the team's) day, one patient's open
//! tasks, one task.

use chrono::NaiveDate;
use rusqlite::{params, params_from_iter, types::Value, OptionalExtension, Row};

use super::caseload::parse_date;
use super::write::date_text;
use super::{Store, StoreError};
use crate::domain::patient::{list_name, RiskTier};
use crate::domain::recurrence::Recurrence;
use crate::domain::task::{Priority, TaskCounts, TaskKind, TaskRow, TaskStatus};
use crate::domain::task_line::{Assignee, TaskFilter};
use crate::domain::urgency::{RankKey, UrgencyWeights};

/// The head of a day's list in urgency order, with the counts of all of it.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct RankedDay {
    /// The most urgent tasks, at most the limit asked for, most urgent first.
    pub rows: Vec<TaskRow>,
    /// Overdue, due today and upcoming, over the whole list.
    pub counts: TaskCounts,
}

const COLUMNS: &str = "t.id, t.patient_id, p.family_name, p.given_name, p.risk_tier,
    t.description, t.kind, t.priority, t.status, t.due_on, t.hard_deadline,
    (SELECT username FROM practitioner o WHERE o.id = t.owner_id), t.recurrence, t.version,
    p.member_id";

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
        patient_member_id: row.get(14)?,
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
    /// The conditions of a day's list: open, due by `until`, of patients in
    /// the user's reach, the filter's owner (mine: the user's and those of
    /// whoever they cover) and kind (its words are matched in Rust: see
    /// `TaskFilter::matches_words`).
    fn day_clauses(
        &self,
        user: &str,
        filter: &TaskFilter,
        until: NaiveDate,
    ) -> (String, Vec<Value>) {
        let mut clauses = vec![
            "t.status IN ('requested', 'in-progress')".to_string(),
            "t.due_on <= ?".to_string(),
        ];
        let mut values = vec![Value::Text(date_text(until))];
        let reach = self.reach("p");
        if reach != "1" {
            clauses.push(reach);
        }
        match &filter.who {
            Assignee::Mine => {
                let (mine, mine_values) = self.mine("t.owner_id", user);
                clauses.push(mine);
                values.extend(mine_values);
            }
            Assignee::Named(name) => {
                clauses
                    .push("t.owner_id = (SELECT id FROM practitioner WHERE username = ?)".into());
                values.push(Value::Text(name.to_string()));
            }
            Assignee::Team => {}
        }
        if let Some(kind) = filter.kind {
            clauses.push("t.kind = ?".into());
            values.push(Value::Text(kind.code().into()));
        }
        (clauses.join(" AND "), values)
    }

    /// Open tasks due on or before `until`, for `user` or whoever the filter
    /// names, of the filter's kind and holding its words; by due date (the
    /// caller ranks them: see `domain::urgency`).
    pub fn day_tasks(
        &self,
        user: &str,
        filter: &TaskFilter,
        until: NaiveDate,
    ) -> Result<Vec<TaskRow>, StoreError> {
        let (clauses, values) = self.day_clauses(user, filter, until);
        let sql = format!(
            "SELECT {COLUMNS} FROM task t JOIN patient p ON p.id = t.patient_id
              WHERE {clauses} ORDER BY t.due_on, t.id"
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

    /// Like [`Store::day_tasks`], ranked by `weights` on `today`, but only
    /// the `limit` most urgent tasks are read in full. Why: the whole team's
    /// day at 100,000 patients holds over 90,000 tasks, and reading each with
    /// its patient's name, its owner and its text took 0.9 s on every
    /// refresh; the ranking needs six narrow columns, and nobody reads past
    /// the first few hundred rows (they narrow the list with words instead).
    pub fn ranked_day(
        &self,
        user: &str,
        filter: &TaskFilter,
        until: NaiveDate,
        today: NaiveDate,
        weights: &UrgencyWeights,
        limit: usize,
    ) -> Result<RankedDay, StoreError> {
        // Both reads see the same moment: a task another session changes
        // in between cannot be counted one way and shown another.
        let snapshot = self.conn().unchecked_transaction()?;
        let (keys, counts) = if self.merges_day(filter, weights) {
            (
                self.team_day_head(filter.kind, until, today, weights, limit)?,
                self.team_day_counts(filter.kind, until, today)?,
            )
        } else {
            let mut keys = self.day_keys(user, filter, until)?;
            let counts = TaskCounts::of(keys.iter().map(|t| t.due_on), today);
            // Only the head needs ordering: select it, then sort it.
            if keys.len() > limit {
                keys.select_nth_unstable_by(limit, |a, b| weights.key_order(a, b, today));
                keys.truncate(limit);
            }
            weights.sort_keys(&mut keys, today);
            (keys, counts)
        };
        let ids: Vec<i64> = keys.iter().map(|k| k.id).collect();
        let rows = self.tasks_in_order(&ids)?;
        drop(snapshot);
        Ok(RankedDay { rows, counts })
    }

    /// Whether the day is the whole program's, unnarrowed by words, under
    /// weights that rank alike tasks by due date: then its head is merged
    /// from the groups of alike tasks (`store::team_day`) rather than
    /// ranked whole. Narrower days (mine, a coordinator's, a team's reach,
    /// words) hold few enough tasks to rank whole. Tests turn it off
    /// ([`Store::set_day_merge`]) to compare the two.
    fn merges_day(&self, filter: &TaskFilter, weights: &UrgencyWeights) -> bool {
        self.day_merge
            && filter.who == Assignee::Team
            && filter.words.is_empty()
            && self.reach("p") == "1"
            && weights.alike_tasks_rank_by_due()
    }

    /// Ranks the whole program's day whole (`false`) or merges its head
    /// from its groups (`true`, the default); both give the same rows.
    pub fn set_day_merge(&mut self, merge: bool) {
        self.day_merge = merge;
    }

    /// What [`UrgencyWeights`] ranks of each task of a day's list (see
    /// [`Store::day_tasks`]), in no order. Run it and the reads of the rows
    /// in one snapshot (a transaction, or `read_snapshot`) so a task changed
    /// meanwhile is not counted one way and shown another.
    pub fn day_keys(
        &self,
        user: &str,
        filter: &TaskFilter,
        until: NaiveDate,
    ) -> Result<Vec<RankKey>, StoreError> {
        let (clauses, values) = self.day_clauses(user, filter, until);
        // The text is read only when words must be matched against it.
        let text = if filter.words.is_empty() {
            "NULL, NULL, NULL"
        } else {
            "t.description, p.family_name, p.given_name"
        };
        let sql = format!(
            "SELECT t.id, t.due_on, t.hard_deadline, t.priority, t.kind, p.risk_tier, {text}
               FROM task t JOIN patient p ON p.id = t.patient_id
              WHERE {clauses}"
        );
        let mut stmt = self.conn().prepare_cached(&sql)?;
        let mut keys = Vec::new();
        let mut rows = stmt.query(params_from_iter(values))?;
        while let Some(row) = rows.next()? {
            if !filter.words.is_empty() {
                let title: String = row.get(6)?;
                let name = list_name(&row.get::<_, String>(7)?, &row.get::<_, String>(8)?);
                if !filter.matches_words(&title, &name) {
                    continue;
                }
            }
            let due: Option<String> = row.get(1)?;
            let priority: String = row.get(3)?;
            let kind: String = row.get(4)?;
            keys.push(RankKey {
                id: row.get(0)?,
                due_on: due.as_deref().and_then(parse_date),
                open: true,
                hard_deadline: row.get(2)?,
                priority: Priority::from_code(&priority).unwrap_or(Priority::Routine),
                kind: TaskKind::from_code(&kind).unwrap_or(TaskKind::Other),
                risk: RiskTier::from_number(row.get(5)?).unwrap_or(RiskTier::Low),
            });
        }
        Ok(keys)
    }

    /// The tasks `ids` names, read in full, in that order; a task deleted
    /// since its id was read is left out.
    pub fn tasks_in_order(&self, ids: &[i64]) -> Result<Vec<TaskRow>, StoreError> {
        let list = format!(
            "[{}]",
            ids.iter()
                .map(|id| id.to_string())
                .collect::<Vec<_>>()
                .join(",")
        );
        let sql = format!(
            "SELECT {COLUMNS} FROM task t JOIN patient p ON p.id = t.patient_id
              WHERE t.id IN (SELECT value FROM json_each(?1))"
        );
        let mut stmt = self.conn().prepare_cached(&sql)?;
        let mut full = stmt
            .query_map([list], read_task)?
            .collect::<Result<Vec<_>, _>>()?;
        let rank: std::collections::HashMap<i64, usize> =
            ids.iter().enumerate().map(|(i, id)| (*id, i)).collect();
        full.sort_by_key(|t| rank[&t.id]);
        Ok(full)
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
