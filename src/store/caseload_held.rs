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
//! Held, a keystroke reads the matches' sort keys once and sorts them here
//! (`store::packed_keys`); a page is the window's own rows, a position a
//! search among at most 40,000 ids.
//!
//! The keys come from indexes that hold them, never from the patient rows
//! (see [`keys_read`]): the name indexes' ranges for the patients whose
//! names start with the filter's first word (schema v21), the sort keys
//! index by id for any other match (v19).
//!
//! The order is the one `CaseloadSort::order_by` writes for SQLite, kept
//! in step by `tests/caseload_seek.rs`, which reads every list both ways.

use std::cell::RefCell;
use std::sync::Arc;

use rusqlite::{params_from_iter, types::Value};

use super::caseload::{
    read_row, where_all, CaseloadQuery, CaseloadRow, CaseloadSort, Statement, COLUMNS,
};
use super::packed_keys::{PackedKeys, Term};
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

impl Store {
    /// The ids of a narrow list, in the query's order: held from the last
    /// read when neither this session nor another has changed the
    /// database since, else read and sorted again.
    pub(super) fn held_ids(&self, query: &CaseloadQuery) -> Result<Arc<Vec<i64>>, StoreError> {
        let read = keys_read(self, query);
        let (sql, values) = read.statements();
        let mark = self.data_mark()?;
        if let Some(held) = self.held_list.held.borrow().as_ref() {
            if held.mark == mark && held.sql == sql && held.values == values {
                return Ok(Arc::clone(&held.ids));
            }
        }
        let lead = lead_term(query.sort);
        let keys = match &read {
            KeysRead::Rows(sql, values) => {
                let mut stmt = self.conn().prepare_cached(sql)?;
                let mut rows = stmt.query(params_from_iter(values.iter()))?;
                let mut keys = PackedKeys::with_capacity(4096);
                while let Some(row) = rows.next()? {
                    push_row(&mut keys, row, lead)?;
                }
                keys
            }
            KeysRead::Matches { matches, starts } => {
                self.matches_keys(matches, starts, query.sort, lead)?
            }
        };
        let ids = Arc::new(keys.sorted_ids());
        *self.held_list.held.borrow_mut() = Some(Held {
            sql,
            values,
            mark,
            ids: Arc::clone(&ids),
        });
        Ok(ids)
    }

    /// The keys of every match of `matches` (a statement of ids): those
    /// among `starts` (a statement of keys, each patient once) from there,
    /// the others read one by one by id from the sort keys index.
    fn matches_keys(
        &self,
        (matches, match_values): &Statement,
        (starts, start_values): &Statement,
        sort: CaseloadSort,
        lead: Option<Term>,
    ) -> Result<PackedKeys, StoreError> {
        let mut ids: Vec<i64> = self
            .conn()
            .prepare_cached(matches)?
            .query_map(params_from_iter(match_values.iter()), |row| row.get(0))?
            .collect::<Result<_, _>>()?;
        ids.sort_unstable();
        ids.dedup();
        let mut keys = PackedKeys::with_capacity(ids.len());
        let mut found = vec![false; ids.len()];
        let mut stmt = self.conn().prepare_cached(starts)?;
        let mut rows = stmt.query(params_from_iter(start_values.iter()))?;
        while let Some(row) = rows.next()? {
            if let Ok(at) = ids.binary_search(&row.get(0)?) {
                found[at] = true;
                push_row(&mut keys, row, lead)?;
            }
        }
        let (lead_sql, _) = sort.lead();
        let mut by_id = self.conn().prepare_cached(&format!(
            "SELECT p.id, {lead_sql}, p.family_name, p.given_name
               FROM patient p INDEXED BY patient_sort_keys WHERE p.id = ?"
        ))?;
        for (id, _) in ids.iter().zip(&found).filter(|(_, found)| !**found) {
            let mut rows = by_id.query([id])?;
            if let Some(row) = rows.next()? {
                push_row(&mut keys, row, lead)?;
            }
        }
        Ok(keys)
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

/// How a narrow list's ids and sort keys are read.
enum KeysRead {
    /// One statement of (id, lead, family name, given name) rows.
    Rows(String, Vec<Value>),
    /// The ids of every match, and a statement of such rows for the
    /// patients whose names start with the filter's first word (see
    /// `CaseloadQuery::matches_and_name_starts`).
    Matches {
        matches: Statement,
        starts: Statement,
    },
}

impl KeysRead {
    /// The statements and their values, to know the list again.
    fn statements(&self) -> (String, Vec<Value>) {
        match self {
            KeysRead::Rows(sql, values) => (sql.clone(), values.clone()),
            KeysRead::Matches { matches, starts } => (
                format!("{};\n{}", matches.0, starts.0),
                matches.1.iter().chain(&starts.1).cloned().collect(),
            ),
        }
    }
}

/// How a narrow list's keys are read. The whole team's list is read from
/// indexes that hold every order's keys, so no patient row is read: under
/// a first word of one or two letters, the name indexes' ranges (schema
/// v21) with the rest as sets of ids; under a longer one, its matches'
/// ids, then their keys from the same ranges where their names start with
/// the word (most of them) and from the sort keys index by id (v19) where
/// not. A coordinator's own list, a few thousand rows at most, is left to
/// the planner, which finds it from their patients.
fn keys_read(store: &Store, query: &CaseloadQuery) -> KeysRead {
    let (lead, _) = query.sort.lead();
    if let Some((sql, values)) = query.keys_from_name_starts(store, lead) {
        return KeysRead::Rows(sql, values);
    }
    if let Some((matches, starts)) = query.matches_and_name_starts(store, lead) {
        return KeysRead::Matches { matches, starts };
    }
    let (from, (clauses, values)) = match query.scope {
        Scope::Team => (
            "patient p INDEXED BY patient_sort_keys",
            query.conditions_as_ids(store),
        ),
        Scope::Mine => ("patient p", query.conditions(store)),
    };
    KeysRead::Rows(
        format!(
            "SELECT p.id, {lead}, p.family_name, p.given_name FROM {from} {}",
            where_all(&clauses)
        ),
        values,
    )
}

/// How the query's lead is compared (see `CaseloadSort::lead` and
/// `tie_break`): the order is its lead, then the family and given names in
/// NOCASE, then the id. None for the name order, which the family name
/// leads anyway.
fn lead_term(sort: CaseloadSort) -> Option<Term> {
    match sort {
        CaseloadSort::Name => None,
        CaseloadSort::Risk => Some(Term::Descending),
        CaseloadSort::LastContact | CaseloadSort::NextDue => Some(Term::Ascending),
    }
}

/// Adds a row of (id, lead, family name, given name) to `keys`.
fn push_row(
    keys: &mut PackedKeys,
    row: &rusqlite::Row<'_>,
    lead: Option<Term>,
) -> rusqlite::Result<()> {
    let names = [
        (row.get_ref(2)?, Term::NoCase),
        (row.get_ref(3)?, Term::NoCase),
    ];
    match lead {
        Some(term) => {
            let [family, given] = names;
            keys.push(row.get(0)?, &[(row.get_ref(1)?, term), family, given]);
        }
        None => keys.push(row.get(0)?, &names),
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The order against SQLite's own ORDER BY, on names that differ in
    /// case, in letters outside ASCII (which NOCASE does not fold), in
    /// length, past the 16 bytes a packed key's head holds; and on leads
    /// of every kind a column can hold, numbers of both kinds equal and
    /// not.
    #[test]
    fn the_order_is_sqlites() {
        let conn = rusqlite::Connection::open_in_memory().unwrap();
        conn.execute_batch(
            "CREATE TABLE t (id INTEGER PRIMARY KEY, lead, family TEXT, given TEXT)",
        )
        .unwrap();
        let names = [
            "Ames",
            "ames",
            "AMES",
            "Amesbury",
            "Åmes",
            "åmes",
            "Émile",
            "emile",
            "Zoë",
            "zoe",
            "O'Neil",
            "o neil",
            "",
            "a",
            "B",
            "_x",
            "~y",
            "Abernathy-Worthington",
            "abernathy-worthingtonne",
            "ABERNATHY-WORTHINGTON-Lee",
        ];
        let leads = [
            Value::Null,
            Value::Integer(3),
            Value::Integer(-1),
            Value::Integer(2),
            Value::Real(2.5),
            Value::Real(2.0),
            Value::Real(-0.5),
            Value::Integer(i64::MAX),
            Value::Integer(i64::MIN),
            Value::Text("2026-01-02".into()),
            Value::Text("2026-01-02T09:00:00Z".into()),
            Value::Text("".into()),
            Value::Text("9999-99-99".into()),
            Value::Blob(vec![1]),
            Value::Blob(vec![1, 0]),
        ];
        let mut id = 0;
        for (i, family) in names.iter().enumerate() {
            for given in [names[(i * 7) % names.len()], names[(i * 3) % names.len()]] {
                for lead in [id as usize, id as usize * 5 + 1] {
                    id += 1;
                    conn.execute(
                        "INSERT INTO t VALUES (?, ?, ?, ?)",
                        rusqlite::params![id, leads[lead % leads.len()], family, given],
                    )
                    .unwrap();
                }
            }
        }
        let names_order = "family COLLATE NOCASE, given COLLATE NOCASE, id";
        for (sort, order) in [
            (CaseloadSort::Name, names_order.to_string()),
            (CaseloadSort::Risk, format!("lead DESC, {names_order}")),
            (CaseloadSort::LastContact, format!("lead, {names_order}")),
            (CaseloadSort::NextDue, format!("lead, {names_order}")),
        ] {
            let sqlite: Vec<i64> = conn
                .prepare(&format!("SELECT id FROM t ORDER BY {order}"))
                .unwrap()
                .query_map([], |row| row.get(0))
                .unwrap()
                .collect::<Result<_, _>>()
                .unwrap();
            let mut shuffled = conn.prepare("SELECT * FROM t ORDER BY random()").unwrap();
            let mut rows = shuffled.query([]).unwrap();
            let mut keys = PackedKeys::with_capacity(0);
            while let Some(row) = rows.next().unwrap() {
                push_row(&mut keys, row, lead_term(sort)).unwrap();
            }
            assert_eq!(keys.sorted_ids(), sqlite, "{sort:?}");
        }
    }

    /// The plan of a statement, a line a step.
    fn plan(store: &Store, (sql, values): &Statement) -> String {
        let lines: Vec<String> = store
            .conn()
            .prepare(&format!("EXPLAIN QUERY PLAN {sql}"))
            .unwrap()
            .query_map(params_from_iter(values.iter()), |r| r.get(3))
            .unwrap()
            .collect::<Result<_, _>>()
            .unwrap();
        lines.join("\n")
    }

    /// The whole team's matches are read from indexes that hold every
    /// order's keys, never from the patient rows: the name indexes' ranges
    /// under a first word of one or two letters (schema v21); under a
    /// longer one, the trigram index's ids, then the same ranges; the sort
    /// keys by id (v19) under a short word met with a long one.
    #[test]
    fn a_team_list_reads_its_keys_from_indexes_alone() {
        let dir = tempfile::tempdir().unwrap();
        let clock = crate::clock::Clock::parse("2026-11-24T09:00:00-05:00").unwrap();
        let options = crate::store::OpenOptions {
            create: true,
            ..Default::default()
        };
        let store = Store::open(&dir.path().join("t.db"), "ccuser", clock, &options).unwrap();
        let by_names = &["patient_by_name", "patient_by_given_name"][..];
        for sort in CaseloadSort::ALL {
            for (filter, indexes) in [
                ("ke", by_names),
                ("ke j", by_names),
                ("kel", by_names),
                ("kel j", by_names),
                ("j kel", &["patient_sort_keys"][..]),
            ] {
                let query = CaseloadQuery {
                    scope: Scope::Team,
                    sort,
                    filter: filter.into(),
                    user: "ccuser".into(),
                };
                let keys = match keys_read(&store, &query) {
                    KeysRead::Rows(sql, values) => plan(&store, &(sql, values)),
                    KeysRead::Matches { matches, starts } => {
                        let ids = plan(&store, &matches);
                        assert!(
                            ids.contains("SCAN patient_name_index VIRTUAL TABLE")
                                && !ids.contains(" p USING"),
                            "{sort:?} {filter:?}: {ids}"
                        );
                        plan(&store, &starts)
                    }
                };
                for index in indexes {
                    assert!(
                        keys.contains(&format!("SEARCH p USING COVERING INDEX {index}")),
                        "{sort:?} {filter:?}: {keys}"
                    );
                }
                assert!(
                    !keys
                        .lines()
                        .any(|line| line == "SCAN p" || line.starts_with("SCAN p ")),
                    "{sort:?} {filter:?}: {keys}"
                );
            }
        }
    }
}
