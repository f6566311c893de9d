//! The whole program's day, its head ranked without reading all of it.
//!
//! At 1,000,000 patients the team's day holds 1.7 million open tasks, and
//! Today shows its 1,000 most urgent. Ranking them all meant reading every
//! one (9 s). But urgency (`domain::urgency`) is made of a few things a
//! task has — a hard deadline or not, its priority, its kind, its
//! patient's risk — and its due date; among tasks alike in the first four,
//! the one due earlier is never less urgent, and ties go to the lower id.
//! So each group of alike tasks, read along `task_open_by_rank` (schema
//! v18) in due order, is already ranked, and the day's head is a merge of
//! the groups' heads: a heap holding each group's next task.
//!
//! The risk is the patient's, not in the index, so a group read from the
//! index is one per deadline, priority and kind (56), holding every risk.
//! Its rows are ranked among themselves only per risk; so each group also
//! keeps a stand-in in the heap for the rows it has not read yet: its last
//! row read, with the riskiest tier. No unread row can come before it (a
//! later or equal date, a tier no riskier, a higher id), so when it comes
//! to the top the group reads on, and every row above it is final.
//!
//! The counts (overdue, today, upcoming) are a sum over the days of
//! `open_task_day`, kept by triggers (schema v18).

use std::cmp::Ordering;
use std::collections::BinaryHeap;

use chrono::NaiveDate;
use rusqlite::params;

use super::caseload::parse_date;
use super::write::date_text;
use super::{Store, StoreError};
use crate::domain::patient::RiskTier;
use crate::domain::task::{Priority, TaskCounts, TaskKind};
use crate::domain::urgency::{RankKey, UrgencyWeights};

/// Rows a group reads at first; each later read of the same group reads
/// twice as many, up to [`MOST_A_READ`]. Most groups never read again:
/// the head of the day is mostly the few groups with deadlines.
const FIRST_READ: usize = 16;
const MOST_A_READ: usize = 1024;

/// A group's next rows: its deadline, priority and kind (?1–?3), due by
/// ?4, after the due date and id ?5, ?6; at most ?7. Public for the test
/// that holds its plan to the index.
pub const GROUP_READ: &str =
    "SELECT t.id, t.due_on, p.risk_tier FROM task t JOIN patient p ON p.id = t.patient_id
      WHERE t.status IN ('requested', 'in-progress')
        AND t.hard_deadline = ?1 AND t.priority = ?2 AND t.kind = ?3
        AND t.due_on <= ?4 AND (t.due_on, t.id) > (?5, ?6)
      ORDER BY t.due_on, t.id LIMIT ?7";

/// One group of alike tasks, read in due order a chunk at a time.
struct Group {
    hard_deadline: bool,
    priority: Priority,
    kind: TaskKind,
    /// The due date and id of the last row read: the next read starts
    /// after it.
    after: (String, i64),
    next_read: usize,
}

/// A row read, or a group's stand-in for the rows it has not read.
struct Entry<'a> {
    key: RankKey,
    /// For a stand-in, the group it stands for.
    unread_of: Option<usize>,
    ranking: &'a Ranking<'a>,
}

struct Ranking<'a> {
    weights: &'a UrgencyWeights,
    today: NaiveDate,
}

impl PartialEq for Entry<'_> {
    fn eq(&self, other: &Self) -> bool {
        self.cmp(other) == Ordering::Equal
    }
}

impl Eq for Entry<'_> {}

impl PartialOrd for Entry<'_> {
    fn partial_cmp(&self, other: &Self) -> Option<Ordering> {
        Some(self.cmp(other))
    }
}

impl Ord for Entry<'_> {
    /// The heap pops its greatest: the most urgent is the greatest.
    fn cmp(&self, other: &Self) -> Ordering {
        let r = self.ranking;
        r.weights.key_order(&other.key, &self.key, r.today)
    }
}

impl Store {
    /// The `limit` most urgent of the whole program's day — every open task
    /// due by `until`, of `kind` when given — most urgent first, as
    /// `weights` rank them on `today`. Only for a user who reaches every
    /// patient, and weights for which
    /// [`UrgencyWeights::alike_tasks_rank_by_due`]; the caller checks both.
    pub(super) fn team_day_head(
        &self,
        kind: Option<TaskKind>,
        until: NaiveDate,
        today: NaiveDate,
        weights: &UrgencyWeights,
        limit: usize,
    ) -> Result<Vec<RankKey>, StoreError> {
        let ranking = Ranking { weights, today };
        let until = date_text(until);
        let kinds: Vec<TaskKind> = match kind {
            Some(kind) => vec![kind],
            None => TaskKind::ALL.to_vec(),
        };
        let mut groups = Vec::new();
        for hard_deadline in [false, true] {
            for priority in Priority::ALL {
                for kind in &kinds {
                    groups.push(Group {
                        hard_deadline,
                        priority,
                        kind: *kind,
                        after: (String::new(), 0),
                        next_read: FIRST_READ,
                    });
                }
            }
        }
        let mut heap = BinaryHeap::new();
        for (index, group) in groups.iter_mut().enumerate() {
            self.read_group(group, index, &until, &ranking, &mut heap)?;
        }
        let mut head = Vec::with_capacity(limit.min(4096));
        while head.len() < limit {
            let Some(entry) = heap.pop() else { break };
            match entry.unread_of {
                None => head.push(entry.key),
                Some(index) => {
                    self.read_group(&mut groups[index], index, &until, &ranking, &mut heap)?
                }
            }
        }
        Ok(head)
    }

    /// Reads a group's next chunk into the heap, with a stand-in for the
    /// rest when the chunk was full.
    fn read_group<'a>(
        &self,
        group: &mut Group,
        index: usize,
        until: &str,
        ranking: &'a Ranking<'a>,
        heap: &mut BinaryHeap<Entry<'a>>,
    ) -> Result<(), StoreError> {
        let mut stmt = self.conn().prepare_cached(GROUP_READ)?;
        let mut rows = stmt.query(params![
            group.hard_deadline,
            group.priority.code(),
            group.kind.code(),
            until,
            group.after.0,
            group.after.1,
            group.next_read as i64,
        ])?;
        let key = |id, due: &str, risk| RankKey {
            id,
            due_on: parse_date(due),
            open: true,
            hard_deadline: group.hard_deadline,
            priority: group.priority,
            kind: group.kind,
            risk,
        };
        let mut read = 0;
        let mut last = None;
        while let Some(row) = rows.next()? {
            let id: i64 = row.get(0)?;
            let due: String = row.get(1)?;
            let risk = RiskTier::from_number(row.get(2)?).unwrap_or(RiskTier::Low);
            heap.push(Entry {
                key: key(id, &due, risk),
                unread_of: None,
                ranking,
            });
            read += 1;
            last = Some((due, id));
        }
        if read == group.next_read {
            if let Some((due, id)) = last {
                heap.push(Entry {
                    key: key(id, &due, ranking.weights.riskiest_tier()),
                    unread_of: Some(index),
                    ranking,
                });
                group.after = (due, id);
            }
        }
        group.next_read = (group.next_read * 2).min(MOST_A_READ);
        Ok(())
    }

    /// Overdue, due today and upcoming (to `until`) among the whole
    /// program's open tasks, of `kind` when given: a sum over the days of
    /// `open_task_day`.
    pub(super) fn team_day_counts(
        &self,
        kind: Option<TaskKind>,
        until: NaiveDate,
        today: NaiveDate,
    ) -> Result<TaskCounts, StoreError> {
        let mut stmt = self.conn().prepare_cached(
            "SELECT coalesce(sum(tasks) FILTER (WHERE due_on < ?1), 0),
                    coalesce(sum(tasks) FILTER (WHERE due_on = ?1), 0),
                    coalesce(sum(tasks) FILTER (WHERE due_on > ?1), 0)
               FROM open_task_day WHERE due_on <= ?2 AND (?3 IS NULL OR kind = ?3)",
        )?;
        let counts = stmt.query_row(
            params![date_text(today), date_text(until), kind.map(|k| k.code())],
            |row| {
                let count = |i| row.get::<_, i64>(i).map(|n| n.max(0) as usize);
                Ok(TaskCounts {
                    overdue: count(0)?,
                    today: count(1)?,
                    upcoming: count(2)?,
                })
            },
        )?;
        Ok(counts)
    }
}
