//! Reading the caseload a window at a time by seeking along the order's
//! index, and where a patient stands in it by counting along the index.
//!
//! Why: at 1,000,000 patients `LIMIT … OFFSET n` steps over n rows before
//! the window, and `row_number() OVER` numbers every row, so the bottom of
//! the team's caseload cost as much as reading it whole. A window is read
//! from whichever known place is nearest: the top, the bottom (the order
//! walked backward), or a row the caller already holds (the rows after it,
//! or before it), so walking and paging cost the rows moved over, and `G`
//! the window itself. The one read whose cost grows with the list is a
//! patient's position (a count of the rows before it); it is asked for
//! when the list changes under the selection, not on a move. A narrow
//! list (see `caseload::Drive`) is read from its own rows instead, and
//! held in its order (`store::caseload_held`).

use rusqlite::{params_from_iter, types::Value};

use super::caseload::{read_row, where_all, CaseloadQuery, CaseloadRow, Drive, COLUMNS};
use super::{Store, StoreError};

/// Rows the caller holds, by position, to read the next window from.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Anchor {
    /// The row's index in the whole list (0-based).
    pub position: usize,
    pub patient_id: i64,
}

/// A row's place in an order: the lead's value, then the tie-break's.
struct SeekKey {
    values: Vec<Value>,
}

/// Which way a read walks the order from its starting place.
#[derive(Clone, Copy, PartialEq, Eq)]
enum Direction {
    Forward,
    Backward,
}

/// Where a window's read starts and how many rows it steps over first.
enum Start {
    Top {
        skip: usize,
    },
    /// From the end of the list, walking backward.
    Bottom {
        skip: usize,
    },
    After {
        anchor: i64,
        skip: usize,
    },
    Before {
        anchor: i64,
        skip: usize,
    },
}

impl Start {
    fn steps(&self) -> usize {
        match self {
            Start::Top { skip }
            | Start::Bottom { skip }
            | Start::After { skip, .. }
            | Start::Before { skip, .. } => *skip,
        }
    }
}

/// The cheapest start for rows `offset..offset + limit` of a list of
/// `len`, given rows whose positions are known.
fn cheapest_start(offset: usize, limit: usize, len: usize, anchors: &[Anchor]) -> Start {
    let end = (offset + limit).min(len);
    let mut best = Start::Top { skip: offset };
    let mut consider = |start: Start| {
        if start.steps() < best.steps() {
            best = start;
        }
    };
    consider(Start::Bottom {
        skip: len.saturating_sub(end),
    });
    for anchor in anchors {
        if anchor.position < offset {
            consider(Start::After {
                anchor: anchor.patient_id,
                skip: offset - anchor.position - 1,
            });
        } else if anchor.position >= end {
            consider(Start::Before {
                anchor: anchor.patient_id,
                skip: anchor.position - end,
            });
        }
    }
    best
}

impl CaseloadQuery {
    /// The condition "in the order, after (or before) the row with `key`":
    /// a range on the lead, which the planner walks the index from, and
    /// the exact comparison of the whole key for the rows that tie on it.
    fn beyond(&self, key: &SeekKey, direction: Direction) -> (String, Vec<Value>) {
        let (lead, descending) = self.sort.lead();
        let onward = (direction == Direction::Forward) != descending;
        let lead_op = if onward { ">" } else { "<" };
        let tie_op = if direction == Direction::Forward {
            ">"
        } else {
            "<"
        };
        let ties = self.sort.tie_break();
        let marks = vec!["?"; ties.len()].join(", ");
        let sql = format!(
            "({lead} {lead_op}= ? AND ({lead} {lead_op} ? OR ({}) {tie_op} ({marks})))",
            ties.join(", ")
        );
        let mut values = vec![key.values[0].clone(), key.values[0].clone()];
        values.extend(key.values[1..].iter().cloned());
        (sql, values)
    }
}

impl Store {
    /// A patient's key in the query's order, if the patient is there.
    fn seek_key(
        &self,
        query: &CaseloadQuery,
        patient_id: i64,
    ) -> Result<Option<SeekKey>, StoreError> {
        let (lead, _) = query.sort.lead();
        let ties = query.sort.tie_break();
        let (mut clauses, mut values) = query.conditions(self);
        clauses.push("p.id = ?".into());
        values.push(Value::Integer(patient_id));
        let sql = format!(
            "SELECT {lead}, {} FROM patient p {}",
            ties.join(", "),
            where_all(&clauses)
        );
        let mut stmt = self.conn().prepare_cached(&sql)?;
        let mut rows = stmt.query(params_from_iter(values))?;
        let Some(row) = rows.next()? else {
            return Ok(None);
        };
        let values = (0..=ties.len())
            .map(|i| row.get::<_, Value>(i))
            .collect::<Result<Vec<_>, _>>()?;
        Ok(Some(SeekKey { values }))
    }

    /// Up to `limit` rows of the query, from row `offset` (0-based).
    pub fn caseload_window(
        &self,
        query: &CaseloadQuery,
        offset: usize,
        limit: usize,
    ) -> Result<Vec<CaseloadRow>, StoreError> {
        if self.drive(query, None)? == Drive::Set {
            return self.held_window(query, offset, limit);
        }
        self.read_from(query, Start::Top { skip: offset }, limit)
    }

    /// Like [`Store::caseload_window`] for a list of `len` rows, read from
    /// the nearest of the top, the bottom and the `anchors` (rows whose
    /// positions the caller knows from its last window).
    pub fn caseload_window_near(
        &self,
        query: &CaseloadQuery,
        offset: usize,
        limit: usize,
        len: usize,
        anchors: &[Anchor],
    ) -> Result<Vec<CaseloadRow>, StoreError> {
        if offset >= len {
            return Ok(Vec::new());
        }
        let limit = limit.min(len - offset);
        if self.drive(query, Some(len))? == Drive::Set {
            return self.held_window(query, offset, limit);
        }
        let start = cheapest_start(offset, limit, len, anchors);
        let rows = self.read_from(query, start, limit)?;
        if rows.len() == limit {
            return Ok(rows);
        }
        // The list changed since `len` was counted or an anchor was read
        // (another session's change): read from the top, as the position
        // means there.
        self.caseload_window(query, offset, limit)
    }

    /// How a list of `len` rows (counted if not known) is read.
    fn drive(&self, query: &CaseloadQuery, len: Option<usize>) -> Result<Drive, StoreError> {
        if query.conditions(self).0.is_empty() {
            return Ok(Drive::Order);
        }
        let len = match len {
            Some(len) => len,
            None => self.caseload_count(query)?,
        };
        Ok(Drive::for_list(len, self.caseload_set_at_most))
    }

    /// `limit` rows from `start`, in the query's order, read along the
    /// order's index.
    fn read_from(
        &self,
        query: &CaseloadQuery,
        start: Start,
        limit: usize,
    ) -> Result<Vec<CaseloadRow>, StoreError> {
        let (mut clauses, mut values) = query.conditions_for(self, Drive::Order);
        let (direction, skip) = match start {
            Start::Top { skip } => (Direction::Forward, skip),
            Start::Bottom { skip } => (Direction::Backward, skip),
            Start::After { anchor, skip } | Start::Before { anchor, skip } => {
                let direction = if matches!(start, Start::After { .. }) {
                    Direction::Forward
                } else {
                    Direction::Backward
                };
                let Some(key) = self.seek_key(query, anchor)? else {
                    // The anchor has left the list: from the top instead.
                    return Ok(Vec::new());
                };
                let (beyond, beyond_values) = query.beyond(&key, direction);
                clauses.push(beyond);
                values.extend(beyond_values);
                (direction, skip)
            }
        };
        let sql = format!(
            "SELECT {COLUMNS} FROM patient p {} ORDER BY {} LIMIT ? OFFSET ?",
            where_all(&clauses),
            query.sort.order_by(direction == Direction::Backward)
        );
        values.push(Value::Integer(limit as i64));
        values.push(Value::Integer(skip as i64));
        let mut stmt = self.conn().prepare_cached(&sql)?;
        let mut rows = stmt
            .query_map(params_from_iter(values), read_row)?
            .collect::<Result<Vec<_>, _>>()?;
        if direction == Direction::Backward {
            rows.reverse();
        }
        Ok(rows)
    }

    /// Where a patient stands (0-based) in the query's order, if it matches.
    pub fn caseload_position(
        &self,
        query: &CaseloadQuery,
        patient_id: i64,
    ) -> Result<Option<usize>, StoreError> {
        self.caseload_position_in(query, patient_id, None)
    }

    /// Like [`Store::caseload_position`] in a list known to hold `len`
    /// rows, which decides how it is counted (see [`Drive`]): a narrow
    /// list's rows before the patient are counted among its own, a wide
    /// one's along the order's index, as a sum of one count a column (rows
    /// before on the lead, then rows equal on it and before on the next
    /// column, and so on). Each is a plain range of the index, which
    /// SQLite counts by stepping through it, where one count of "the whole
    /// key is less" compares every entry's key (re-sorting the team's
    /// caseload at 1,000,000 patients, which asks where the selection
    /// went: 113 ms at p95 that way, 67 ms this way; `benches/scale.rs`).
    pub fn caseload_position_in(
        &self,
        query: &CaseloadQuery,
        patient_id: i64,
        len: Option<usize>,
    ) -> Result<Option<usize>, StoreError> {
        if self.drive(query, len)? == Drive::Set {
            return self.held_position(query, patient_id);
        }
        let Some(key) = self.seek_key(query, patient_id)? else {
            return Ok(None);
        };
        let (clauses, filter_values) = query.conditions_for(self, Drive::Order);
        if clauses.is_empty() {
            // The whole team's list: summed from its kept buckets.
            if let Some(position) = self.bucket_position(query, &key.values)? {
                return Ok(Some(position));
            }
        }
        self.count_before(query, &key.values, &clauses, &filter_values)
            .map(Some)
    }

    /// How many rows under `clauses` come before the row whose key (the
    /// lead's value, then the tie-break's) is `key`: a sum of one count a
    /// column, each a plain range of the order's index.
    pub(super) fn count_before(
        &self,
        query: &CaseloadQuery,
        key: &[Value],
        clauses: &[String],
        filter_values: &[Value],
    ) -> Result<usize, StoreError> {
        let (lead, descending) = query.sort.lead();
        let columns: Vec<(&str, &str)> =
            std::iter::once((lead, if descending { ">" } else { "<" }))
                .chain(query.sort.tie_break().iter().map(|c| (*c, "<")))
                .collect();
        let mut counts = Vec::new();
        let mut values = Vec::new();
        for (i, (column, before)) in columns.iter().enumerate() {
            let mut part = clauses.to_vec();
            for (equal, _) in &columns[..i] {
                part.push(format!("{equal} = ?"));
            }
            part.push(format!("{column} {before} ?"));
            counts.push(format!(
                "(SELECT count(*) FROM patient p {})",
                where_all(&part)
            ));
            values.extend(filter_values.iter().cloned());
            values.extend(key[..=i].iter().cloned());
        }
        let sql = format!("SELECT {}", counts.join(" + "));
        let n: i64 = self
            .conn()
            .prepare_cached(&sql)?
            .query_row(params_from_iter(values), |row| row.get(0))?;
        Ok(n as usize)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn anchor(position: usize) -> Anchor {
        Anchor {
            position,
            patient_id: position as i64 + 1,
        }
    }

    #[test]
    fn a_window_is_read_from_the_nearest_known_place() {
        let steps = |offset, anchors: &[Anchor]| cheapest_start(offset, 20, 1000, anchors).steps();
        assert_eq!(steps(0, &[]), 0, "the top");
        assert_eq!(steps(980, &[]), 0, "the bottom, walked backward");
        assert_eq!(steps(500, &[]), 480, "the nearer end");
        assert_eq!(steps(500, &[anchor(499)]), 0, "just after a known row");
        assert_eq!(steps(500, &[anchor(520)]), 0, "just before one");
        assert_eq!(
            steps(500, &[anchor(510)]),
            480,
            "a row inside the window is no start"
        );
        assert!(matches!(
            cheapest_start(400, 20, 1000, &[anchor(300)]),
            Start::After { skip: 99, .. }
        ));
    }
}
