//! A narrow caseload list held in its order: the ids of a filtered list
//! of at most `Drive::SET_AT_MOST` rows, read and sorted once, then every
//! window and position of it taken from memory until the data changes.
//!
//! Why: a narrow list (a name filter over the whole team, a coordinator's
//! own patients) is found from the filter's rows, not along the order's
//! index, and had to be sorted for every window and counted for every
//! position: at 1,000,000 patients `/kel` (35,456 matches) sorted them for
//! its first window (90–140 ms in each order) and again to find where the
//! selection stood (as long again), and once more for each page or `G`.
//! Held, a keystroke reads the matches' sort keys once (by id, from
//! `patient_sort_keys`, schema v19) and sorts them here; a page is the
//! window's own rows, a position a search among at most 40,000 ids.
//!
//! The order is the one `CaseloadSort::order_by` writes for SQLite, kept
//! in step by `tests/caseload_seek.rs`, which reads every list both ways.
//! SQLite's NOCASE folds ASCII letters only and then compares bytes, as
//! [`nocase_key`] does; text otherwise compares as bytes, as in SQLite.

use std::cell::RefCell;
use std::cmp::Ordering;
use std::sync::Arc;

use rusqlite::{params_from_iter, types::Value};

use super::caseload::{read_row, where_all, CaseloadQuery, CaseloadRow, CaseloadSort, COLUMNS};
use super::{Scope, Store, StoreError};

/// The list last held, and what it was read from.
#[derive(Debug, Default)]
pub(super) struct HeldList {
    held: RefCell<Option<Held>>,
}

#[derive(Debug)]
struct Held {
    /// The statement and its parameters that read the list's keys.
    sql: String,
    values: Vec<Value>,
    /// The database as it was when read (see [`Store::data_mark`]).
    mark: (i64, u64),
    ids: Arc<Vec<i64>>,
}

/// One row's sort keys, the names folded as NOCASE folds them (see
/// [`nocase_key`]), once a row rather than at each comparison.
struct Keys {
    id: i64,
    lead: Value,
    family: String,
    given: String,
}

impl Keys {
    fn read(row: &rusqlite::Row<'_>) -> rusqlite::Result<Keys> {
        Ok(Keys {
            id: row.get(0)?,
            lead: row.get(1)?,
            family: nocase_key(row.get(2)?),
            given: nocase_key(row.get(3)?),
        })
    }
}

impl Store {
    /// The ids of a narrow list, in the query's order: held from the last
    /// read when neither this session nor another has changed the
    /// database since, else read and sorted again.
    pub(super) fn held_ids(&self, query: &CaseloadQuery) -> Result<Arc<Vec<i64>>, StoreError> {
        let (sql, values) = keys_statement(self, query);
        let mark = self.data_mark()?;
        if let Some(held) = self.held_list.held.borrow().as_ref() {
            if held.mark == mark && held.sql == sql && held.values == values {
                return Ok(Arc::clone(&held.ids));
            }
        }
        let mut keys = self
            .conn()
            .prepare_cached(&sql)?
            .query_map(params_from_iter(values.iter()), Keys::read)?
            .collect::<Result<Vec<_>, _>>()?;
        keys.sort_unstable_by(|a, b| in_order(query.sort, a, b));
        let ids = Arc::new(keys.into_iter().map(|k| k.id).collect::<Vec<_>>());
        *self.held_list.held.borrow_mut() = Some(Held {
            sql,
            values,
            mark,
            ids: Arc::clone(&ids),
        });
        Ok(ids)
    }

    /// Rows `offset..offset + limit` of a narrow list.
    pub(super) fn held_window(
        &self,
        query: &CaseloadQuery,
        offset: usize,
        limit: usize,
    ) -> Result<Vec<CaseloadRow>, StoreError> {
        let ids = self.held_ids(query)?;
        let end = offset.saturating_add(limit).min(ids.len());
        let Some(window) = ids.get(offset..end) else {
            return Ok(Vec::new());
        };
        let mut stmt = self
            .conn()
            .prepare_cached(&format!("SELECT {COLUMNS} FROM patient p WHERE p.id = ?"))?;
        let mut rows = Vec::with_capacity(window.len());
        for id in window {
            rows.push(stmt.query_row([id], read_row)?);
        }
        Ok(rows)
    }

    /// Where a patient stands in a narrow list, if there.
    pub(super) fn held_position(
        &self,
        query: &CaseloadQuery,
        patient_id: i64,
    ) -> Result<Option<usize>, StoreError> {
        Ok(self
            .held_ids(query)?
            .iter()
            .position(|id| *id == patient_id))
    }

    /// What changes whenever the database does: SQLite's data version
    /// (another connection's commits) and this connection's count of rows
    /// changed (its own).
    fn data_mark(&self) -> Result<(i64, u64), StoreError> {
        let version: i64 = self
            .conn()
            .query_row("PRAGMA data_version", [], |row| row.get(0))?;
        Ok((version, self.conn().total_changes()))
    }
}

/// The statement reading a narrow list's ids and sort keys. The whole
/// team's list is met as sets of ids (its reach, its words) on the sort
/// keys index, which holds every key, so no patient row is read. Two
/// lists are better left to the planner: a coordinator's own, a few
/// thousand rows at most, found from their patients; and the name order
/// under words of one or two letters, whose matches the name indexes give
/// with the order's keys (`/ke` at 1,000,000 patients: 14 ms, against
/// ~60 ms met by id on the sort keys).
fn keys_statement(store: &Store, query: &CaseloadQuery) -> (String, Vec<Value>) {
    let (lead, _) = query.sort.lead();
    let names_give_keys = query.sort == CaseloadSort::Name && query.words_are_short();
    let (from, (clauses, values)) = match query.scope {
        Scope::Team if !names_give_keys => (
            "patient p INDEXED BY patient_sort_keys",
            query.conditions_as_ids(store),
        ),
        _ => ("patient p", query.conditions(store)),
    };
    (
        format!(
            "SELECT p.id, {lead}, p.family_name, p.given_name FROM {from} {}",
            where_all(&clauses)
        ),
        values,
    )
}

/// The query's order (see `CaseloadSort::lead` and `tie_break`): its lead,
/// then the family and given names in NOCASE, then the id.
fn in_order(sort: CaseloadSort, a: &Keys, b: &Keys) -> Ordering {
    let lead = match sort {
        // The lead is the family name, compared as the names are below.
        CaseloadSort::Name => Ordering::Equal,
        CaseloadSort::Risk => sql_compare(&b.lead, &a.lead),
        CaseloadSort::LastContact | CaseloadSort::NextDue => sql_compare(&a.lead, &b.lead),
    };
    lead.then_with(|| a.family.cmp(&b.family))
        .then_with(|| a.given.cmp(&b.given))
        .then_with(|| a.id.cmp(&b.id))
}

/// A text that compares as bytes the way the original compares in SQLite's
/// NOCASE collation, which folds ASCII letters only and then compares
/// bytes.
fn nocase_key(mut text: String) -> String {
    text.make_ascii_lowercase();
    text
}

/// How SQLite orders two values of a column: NULL first, then numbers,
/// then text (as bytes), then blobs.
fn sql_compare(a: &Value, b: &Value) -> Ordering {
    fn class(v: &Value) -> u8 {
        match v {
            Value::Null => 0,
            Value::Integer(_) | Value::Real(_) => 1,
            Value::Text(_) => 2,
            Value::Blob(_) => 3,
        }
    }
    match (a, b) {
        (Value::Integer(x), Value::Integer(y)) => x.cmp(y),
        (Value::Integer(x), Value::Real(y)) => (*x as f64).total_cmp(y),
        (Value::Real(x), Value::Integer(y)) => x.total_cmp(&(*y as f64)),
        (Value::Real(x), Value::Real(y)) => x.total_cmp(y),
        (Value::Text(x), Value::Text(y)) => x.as_bytes().cmp(y.as_bytes()),
        (Value::Blob(x), Value::Blob(y)) => x.cmp(y),
        _ => class(a).cmp(&class(b)),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The comparisons against SQLite's own ORDER BY, on names that differ
    /// in case, in letters outside ASCII (which NOCASE does not fold), in
    /// length, and on leads of every kind a column can hold.
    #[test]
    fn the_order_is_sqlites() {
        let conn = rusqlite::Connection::open_in_memory().unwrap();
        conn.execute_batch(
            "CREATE TABLE t (id INTEGER PRIMARY KEY, lead, family TEXT, given TEXT)",
        )
        .unwrap();
        let names = [
            "Ames", "ames", "AMES", "Amesbury", "Åmes", "åmes", "Émile", "emile", "Zoë", "zoe",
            "O'Neil", "o neil", "", "a", "B", "_x", "~y",
        ];
        let leads = [
            Value::Null,
            Value::Integer(3),
            Value::Integer(-1),
            Value::Real(2.5),
            Value::Text("2026-01-02".into()),
            Value::Text("".into()),
            Value::Text("9999-99-99".into()),
            Value::Blob(vec![1]),
        ];
        let mut id = 0;
        for (i, family) in names.iter().enumerate() {
            for given in [names[(i * 7) % names.len()], names[(i * 3) % names.len()]] {
                id += 1;
                conn.execute(
                    "INSERT INTO t VALUES (?, ?, ?, ?)",
                    rusqlite::params![id, leads[id as usize % leads.len()], family, given],
                )
                .unwrap();
            }
        }
        let read = |sql: &str| -> Vec<Keys> {
            let mut stmt = conn.prepare(sql).unwrap();
            stmt.query_map([], Keys::read)
                .unwrap()
                .collect::<Result<_, _>>()
                .unwrap()
        };
        let names_order = "family COLLATE NOCASE, given COLLATE NOCASE, id";
        for (sort, order) in [
            (CaseloadSort::Name, names_order.to_string()),
            (CaseloadSort::Risk, format!("lead DESC, {names_order}")),
            (CaseloadSort::LastContact, format!("lead, {names_order}")),
        ] {
            let sqlite: Vec<i64> = read(&format!("SELECT * FROM t ORDER BY {order}"))
                .iter()
                .map(|k| k.id)
                .collect();
            let mut ours = read("SELECT * FROM t ORDER BY random()");
            ours.sort_unstable_by(|a, b| in_order(sort, a, b));
            let ours: Vec<i64> = ours.iter().map(|k| k.id).collect();
            assert_eq!(ours, sqlite, "{sort:?}");
        }
    }
}
