//! The caseload list: counted and read a window at a time, never whole.

use chrono::{DateTime, NaiveDate, Utc};
use rusqlite::{params_from_iter, types::Value, Row};

use super::{Store, StoreError};
use crate::domain::patient::{EnrollmentStatus, RiskTier};

/// Whose patients the caseload shows.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Scope {
    /// Patients assigned to the current user.
    Mine,
    /// Every patient in the database (cross-coverage, supervisors).
    Team,
}

/// The caseload's order.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum CaseloadSort {
    /// Family name, then given name.
    Name,
    /// Highest risk tier first.
    Risk,
    /// Longest since last contact first; never contacted before all.
    LastContact,
    /// Soonest next open task first; none last.
    NextDue,
}

impl CaseloadSort {
    pub const ALL: [CaseloadSort; 4] = [
        CaseloadSort::Name,
        CaseloadSort::Risk,
        CaseloadSort::LastContact,
        CaseloadSort::NextDue,
    ];

    pub fn label(self) -> &'static str {
        match self {
            CaseloadSort::Name => "name",
            CaseloadSort::Risk => "risk",
            CaseloadSort::LastContact => "last contact",
            CaseloadSort::NextDue => "next due",
        }
    }

    pub fn next(self) -> CaseloadSort {
        let i = CaseloadSort::ALL
            .iter()
            .position(|s| *s == self)
            .unwrap_or(0);
        CaseloadSort::ALL[(i + 1) % CaseloadSort::ALL.len()]
    }

    /// What the order leads with, and whether it runs downward. Each is
    /// an index's first column (schema v16), and each order goes on by the
    /// names and the id (`TIE_BREAK`) so that no two rows tie.
    pub(super) fn lead(self) -> (&'static str, bool) {
        match self {
            // The name order leads with the family name; its tie-break is
            // the rest of `TIE_BREAK` (see `tie_break`).
            CaseloadSort::Name => ("p.family_name COLLATE NOCASE", false),
            CaseloadSort::Risk => ("p.risk_tier", true),
            // Never contacted first: read as the empty text, before any time.
            CaseloadSort::LastContact => ("coalesce(p.last_contact_at, '')", false),
            // No open dated task last: read as a date after every date.
            CaseloadSort::NextDue => (NEXT_DUE_OR_NONE, false),
        }
    }

    /// The columns after the lead that break its ties, in order.
    pub(super) fn tie_break(self) -> &'static [&'static str] {
        match self {
            CaseloadSort::Name => &TIE_BREAK[1..],
            _ => &TIE_BREAK,
        }
    }

    /// The ORDER BY of the order, or of its reverse (to read a window
    /// upward from a row, or from the end).
    pub(super) fn order_by(self, reversed: bool) -> String {
        let (lead, descending) = self.lead();
        let (up, down) = if reversed {
            (" DESC", "")
        } else {
            ("", " DESC")
        };
        let mut terms = vec![format!("{lead}{}", if descending { down } else { up })];
        terms.extend(self.tie_break().iter().map(|c| format!("{c}{up}")));
        terms.join(", ")
    }
}

/// How a list's rows are found: along the order's index, or from the
/// filter's own (the name indexes, the user's coordinators), held in order
/// (`store::caseload_held`).
///
/// Why both: the order's index serves a list that is most of the table
/// (the whole team); a narrow one (a coordinator's team of 650 among
/// 1,000,000, a name filter) walked along it checks every row it passes,
/// and a position counted along it took 7 s.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) enum Drive {
    Order,
    Set,
}

impl Drive {
    /// The longest list read from its filter's set rather than along the
    /// order: at 1,000,000 patients the set of `/ke` (35,456 matches) is
    /// found and sorted in about 60 ms, where a walk along the name index
    /// to where its matches begin (the K's) took ~100 ms. Past this the
    /// matches are dense enough that a walk meets them early (`/k`, 78,000
    /// matches: 1 ms, where sorting them took 0.4 s).
    pub(super) const SET_AT_MOST: usize = 40_000;

    /// The drive for a list of `len` rows under some filter, read from its
    /// set when it holds at most `set_at_most`.
    pub(super) fn for_list(len: usize, set_at_most: usize) -> Drive {
        if len > set_at_most {
            Drive::Order
        } else {
            Drive::Set
        }
    }
}

/// The names and the id, which break every order's ties.
const TIE_BREAK: [&str; 3] = [
    "p.family_name COLLATE NOCASE",
    "p.given_name COLLATE NOCASE",
    "p.id",
];

/// The next due date, or for a patient with no open dated task a text that
/// sorts after every date (dates are stored as YYYY-MM-DD); the same
/// expression as the index `patient_by_next_due`, which is how SQLite
/// knows to walk it.
const NEXT_DUE_OR_NONE: &str = "coalesce(p.next_due, '9999-99-99')";

/// Which patients, in which order.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CaseloadQuery {
    pub scope: Scope,
    pub sort: CaseloadSort,
    /// Part of a name ("given family" or "family, given") or member ID; empty for all.
    pub filter: String,
    /// The current user's name, for [`Scope::Mine`].
    pub user: String,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CaseloadRow {
    pub id: i64,
    pub member_id: String,
    pub family_name: String,
    pub given_name: String,
    pub birth_date: NaiveDate,
    pub risk_tier: RiskTier,
    pub enrollment_status: EnrollmentStatus,
    pub last_contact_at: Option<DateTime<Utc>>,
    pub next_due: Option<NaiveDate>,
    pub coordinator: Option<String>,
}

/// A statement's text and the values of its parameters.
pub(super) type Statement = (String, Vec<Value>);

pub(super) const COLUMNS: &str = "p.id, p.member_id, p.family_name, p.given_name, p.birth_date,
    p.risk_tier, p.enrollment_status, p.last_contact_at,
    p.next_due,
    (SELECT username FROM practitioner c WHERE c.id = p.coordinator_id) AS coordinator";

impl CaseloadQuery {
    /// The filter's words as one MATCH expression for the name index, when
    /// the index alone answers the query: the whole program in reach, and
    /// every word long enough for a trigram.
    fn index_only_match(&self, reach: &str) -> Option<String> {
        let words = self.words();
        (self.scope == Scope::Team
            && reach == "1"
            && !words.is_empty()
            && words.iter().all(|w| w.chars().count() >= 3))
        .then(|| {
            words
                .iter()
                .map(|w| phrase(w))
                .collect::<Vec<_>>()
                .join(" AND ")
        })
    }

    /// Whether every word of the filter is one or two letters long (the
    /// start of a name; see `conditions_for`).
    pub(super) fn words_are_short(&self) -> bool {
        self.words().iter().all(|w| w.chars().count() < 3)
    }

    fn words(&self) -> Vec<&str> {
        self.filter
            .split(|c: char| c.is_whitespace() || c == ',')
            .filter(|w| !w.is_empty())
            .collect()
    }

    /// The conditions and their parameters: the patients in the user's
    /// reach, theirs (and those of whoever they cover) for [`Scope::Mine`],
    /// matching the filter; written for SQLite to find the matches from
    /// the filter's indexes (a count, a narrow list).
    pub(super) fn conditions(&self, store: &Store) -> (Vec<String>, Vec<Value>) {
        self.conditions_for(store, Drive::Set)
    }

    /// Like [`CaseloadQuery::conditions`], written for `drive`: along the
    /// order's index, a short word's name ranges are checked on each entry
    /// the walk passes (the entries hold both names) rather than offered to
    /// SQLite as indexes, which it took: it gathered every match (78,000
    /// for `k` at 1,000,000 patients) and sorted them for a window of 40,
    /// 0.4 s, where the walk finds the window's rows in the first few
    /// hundred entries.
    pub(super) fn conditions_for(&self, store: &Store, drive: Drive) -> (Vec<String>, Vec<Value>) {
        self.written(store, drive, false)
    }

    /// The conditions of the whole team's list as sets of ids (the reach,
    /// each word), for reading a narrow list's sort keys by id (see
    /// `store::caseload_held`).
    pub(super) fn conditions_as_ids(&self, store: &Store) -> (Vec<String>, Vec<Value>) {
        self.written(store, Drive::Set, true)
    }

    /// The statement reading the ids, `lead` and names of the whole
    /// team's matches when every word is one or two letters (see
    /// `store::caseload_held`): the first word's ranges of the name
    /// indexes, which hold every order's keys (schema v21), so no patient
    /// is looked up; the reach and the other words as sets of ids. None
    /// when a word is longer, or there is none.
    pub(super) fn keys_from_name_starts(&self, store: &Store, lead: &str) -> Option<Statement> {
        let words = self.words();
        let (first, rest) = words.split_first()?;
        if self.scope != Scope::Team || !self.words_are_short() {
            return None;
        }
        let (clauses, values) = self.other_words_as_ids(store, rest);
        Some(name_starts(first, lead, &clauses, &values))
    }

    /// For the whole team's list led by a word of three letters or more
    /// (see `store::caseload_held`): the statement of every match's id,
    /// that word's matches in the trigram index met with the reach and the
    /// other words as sets of ids, so no patient is read; and the statement
    /// of the id, `lead` and names of every patient whose family or given
    /// name starts with the word (see [`name_starts`]). A name filter's
    /// matches are mostly such starts: their keys come from the ranges,
    /// and only the others' are looked up by id. None for any other list.
    pub(super) fn matches_and_name_starts(
        &self,
        store: &Store,
        lead: &str,
    ) -> Option<(Statement, Statement)> {
        let words = self.words();
        let (first, rest) = words.split_first()?;
        if self.scope != Scope::Team || first.chars().count() < 3 {
            return None;
        }
        let (rest_clauses, rest_values) = self.other_words_as_ids(store, rest);
        let mut match_values = vec![Value::Text(phrase(first))];
        match_values.extend(rest_values);
        // The matches named `p`, so the other conditions (`p.id IN ...`)
        // read as they do on the patient table.
        let matches = format!(
            "SELECT p.id FROM (SELECT rowid AS id FROM patient_name_index
                                WHERE patient_name_index MATCH ?) p {}",
            where_all(&rest_clauses)
        );
        Some(((matches, match_values), name_starts(first, lead, &[], &[])))
    }

    /// The reach and the words `rest` (the filter's but its first) as
    /// sets of ids.
    fn other_words_as_ids(&self, store: &Store, rest: &[&str]) -> (Vec<String>, Vec<Value>) {
        CaseloadQuery {
            filter: rest.join(" "),
            ..self.clone()
        }
        .conditions_as_ids(store)
    }

    fn written(&self, store: &Store, drive: Drive, as_ids: bool) -> (Vec<String>, Vec<Value>) {
        let mut clauses = Vec::new();
        let mut values = Vec::new();
        let words = self.words();
        // A name filter's matches meet the reach best as one set of ids.
        let reach = if as_ids || words.iter().any(|w| w.chars().count() >= 3) {
            store.reach_set("p")
        } else {
            store.reach("p")
        };
        if reach != "1" {
            clauses.push(reach);
        }
        if self.scope == Scope::Mine {
            let (mine, mine_values) = store.mine("p.coordinator_id", &self.user);
            clauses.push(mine);
            values.extend(mine_values);
        }
        // Every word must match a part of the name or the member ID, so
        // "ana test", "test, ana" and "SYN-0012" all find what they mean.
        // Words of three characters or more go through the trigram index
        // (case and accents ignored), anywhere in the name or member ID.
        // Shorter ones, which a trigram cannot hold, are the start of the
        // family or the given name: two ranges of their indexes (schema
        // v18), where "anywhere" was a LIKE over every patient (2 s a
        // letter at 1,000,000). As typed, the first letters of a name are
        // what is typed first.
        for word in words {
            if word.chars().count() >= 3 {
                clauses.push(
                    "p.id IN (SELECT rowid FROM patient_name_index WHERE patient_name_index MATCH ?)"
                        .to_string(),
                );
                values.push(Value::Text(phrase(word)));
                continue;
            }
            let (clause, word_values) = if as_ids {
                name_start_ids(word)
            } else {
                name_start(word, drive)
            };
            clauses.push(clause);
            values.extend(word_values);
        }
        (clauses, values)
    }
}

/// Patients whose kept next due date (schema v16, kept by triggers on
/// `task`) is not the earliest due date of their open tasks: for `tend
/// check`. Said by row, never by name.
pub(super) fn next_due_problems(conn: &rusqlite::Connection) -> rusqlite::Result<Vec<String>> {
    let (count, first): (i64, Option<i64>) = conn.query_row(
        "SELECT count(*), min(id) FROM patient p
          WHERE p.next_due IS NOT (SELECT min(t.due_on) FROM task t
                 WHERE t.patient_id = p.id AND t.status IN ('requested', 'in-progress'))",
        [],
        |r| Ok((r.get(0)?, r.get(1)?)),
    )?;
    Ok(first
        .map(|first| {
            format!(
                "patient.next_due: {count} patients' kept next due date is not their open \
                 tasks' earliest (first: patient row {first}); the caseload sorts them wrongly"
            )
        })
        .into_iter()
        .collect())
}

/// A WHERE clause of all the conditions (none: an empty text).
pub(super) fn where_all(clauses: &[String]) -> String {
    if clauses.is_empty() {
        String::new()
    } else {
        format!("WHERE {}", clauses.join(" AND "))
    }
}

/// A word as an FTS5 phrase: quoted, so its characters are not syntax.
fn phrase(word: &str) -> String {
    format!("\"{}\"", word.replace('"', "\"\""))
}

/// The condition that the family or the given name starts with `word`,
/// in any case: a range of each name's index (for `Drive::Order`, written
/// so that no index serves it: see `CaseloadQuery::conditions_for`), and
/// LIKE to say exactly what the range only bounds.
fn name_start(word: &str, drive: Drive) -> (String, Vec<Value>) {
    let pattern = Value::Text(format!("{}%", escape_like(word)));
    // NOCASE compares ASCII letters as lower case.
    let low = word.to_ascii_lowercase();
    let high = following(&low);
    let name = |column: &str| match &high {
        // Every term's column behind a unary +, the LIKE's too (SQLite
        // serves a prefix LIKE from a NOCASE index as well).
        Some(_) if drive == Drive::Order => format!(
            "((+{column}) COLLATE NOCASE >= ? AND (+{column}) COLLATE NOCASE < ? \
             AND (+{column}) LIKE ? ESCAPE '\\')"
        ),
        Some(_) => format!(
            "({column} COLLATE NOCASE >= ? AND {column} COLLATE NOCASE < ? \
             AND {column} LIKE ? ESCAPE '\\')"
        ),
        None if drive == Drive::Order => {
            format!("((+{column}) COLLATE NOCASE >= ? AND (+{column}) LIKE ? ESCAPE '\\')")
        }
        None => format!("({column} COLLATE NOCASE >= ? AND {column} LIKE ? ESCAPE '\\')"),
    };
    let clause = format!("({} OR {})", name("p.family_name"), name("p.given_name"));
    let mut values = Vec::new();
    for _ in 0..2 {
        values.push(Value::Text(low.clone()));
        if let Some(high) = &high {
            values.push(Value::Text(high.clone()));
        }
        values.push(pattern.clone());
    }
    (clause, values)
}

/// The statement of the id, `lead` and names of every patient whose family
/// or given name starts with `word` and who meets `clauses`: a range of
/// each name index, which hold every order's keys (schema v21). A patient
/// whose two names both start with the word is read from the family
/// name's range only.
fn name_starts(word: &str, lead: &str, clauses: &[String], clause_values: &[Value]) -> Statement {
    let and: String = clauses.iter().map(|c| format!(" AND {c}")).collect();
    let (family, mut values) = name_start_of("p.family_name", word);
    values.extend(clause_values.iter().cloned());
    let (given, given_values) = name_start_of("p.given_name", word);
    values.extend(given_values);
    values.push(Value::Text(format!("{}%", escape_like(word))));
    values.extend(clause_values.iter().cloned());
    let columns = format!("p.id, {lead}, p.family_name, p.given_name");
    let sql = format!(
        "SELECT {columns} FROM patient p INDEXED BY patient_by_name WHERE {family}{and}
         UNION ALL
         SELECT {columns} FROM patient p INDEXED BY patient_by_given_name
          WHERE {given} AND NOT (p.family_name LIKE ? ESCAPE '\\'){and}"
    );
    (sql, values)
}

/// Like [`name_start`], as the set of ids whose family or given name
/// starts with `word`: each name's index range read alone (both indexes
/// cover the id), so no patient row is read to find them. `UNION ALL`:
/// `IN` makes a set of them anyway, where `UNION` sorted them once more
/// (35 ms against 9 for `ke`'s 35,456 at 1,000,000 patients).
fn name_start_ids(word: &str) -> (String, Vec<Value>) {
    let (family, mut values) = name_start_of("family_name", word);
    let (given, given_values) = name_start_of("given_name", word);
    values.extend(given_values);
    (
        format!(
            "p.id IN (SELECT id FROM patient WHERE {family} \
             UNION ALL SELECT id FROM patient WHERE {given})"
        ),
        values,
    )
}

/// The condition that `column` starts with `word` in any case, for a
/// statement of its own over `patient`.
fn name_start_of(column: &str, word: &str) -> (String, Vec<Value>) {
    let low = word.to_ascii_lowercase();
    let pattern = Value::Text(format!("{}%", escape_like(word)));
    match following(&low) {
        Some(high) => (
            format!(
                "{column} COLLATE NOCASE >= ? AND {column} COLLATE NOCASE < ? \
                 AND {column} LIKE ? ESCAPE '\\'"
            ),
            vec![Value::Text(low), Value::Text(high), pattern],
        ),
        None => (
            format!("{column} COLLATE NOCASE >= ? AND {column} LIKE ? ESCAPE '\\'"),
            vec![Value::Text(low), pattern],
        ),
    }
}

/// The first text after every text starting with `prefix` (in NOCASE
/// order, `prefix` in lower case): its last character's successor, when
/// there is one that NOCASE does not fold (after '@' comes 'A', read as
/// 'a'); else none, and the range is open above.
pub(super) fn following(prefix: &str) -> Option<String> {
    let mut chars: Vec<char> = prefix.chars().collect();
    let last = chars.pop()?;
    let next = char::from_u32(u32::from(last) + 1)?;
    if next.is_ascii_uppercase() {
        return None;
    }
    chars.push(next);
    Some(chars.into_iter().collect())
}

fn escape_like(word: &str) -> String {
    let mut out = String::with_capacity(word.len());
    for c in word.chars() {
        if matches!(c, '%' | '_' | '\\') {
            out.push('\\');
        }
        out.push(c);
    }
    out
}

pub(super) fn read_row(row: &Row<'_>) -> rusqlite::Result<CaseloadRow> {
    let birth: String = row.get(4)?;
    let risk: i64 = row.get(5)?;
    let enrollment: String = row.get(6)?;
    let last_contact: Option<String> = row.get(7)?;
    let next_due: Option<String> = row.get(8)?;
    Ok(CaseloadRow {
        id: row.get(0)?,
        member_id: row.get(1)?,
        family_name: row.get(2)?,
        given_name: row.get(3)?,
        birth_date: parse_date(&birth).unwrap_or_default(),
        risk_tier: RiskTier::from_number(risk).unwrap_or(RiskTier::Low),
        enrollment_status: EnrollmentStatus::from_code(&enrollment)
            .unwrap_or(EnrollmentStatus::Outreach),
        last_contact_at: last_contact.as_deref().and_then(parse_instant),
        next_due: next_due.as_deref().and_then(parse_date),
        coordinator: row.get(9)?,
    })
}

pub(crate) fn parse_date(text: &str) -> Option<NaiveDate> {
    NaiveDate::parse_from_str(text, "%Y-%m-%d").ok()
}

pub(crate) fn parse_instant(text: &str) -> Option<DateTime<Utc>> {
    DateTime::parse_from_rfc3339(text)
        .ok()
        .map(|t| t.with_timezone(&Utc))
}

/// The coordinator's calendar date (at `offset`) of a stored UTC instant:
/// a referral made at 8 p.m. in New York was made that day, not the next.
pub(crate) fn local_day(text: &str, offset: chrono::FixedOffset) -> Option<NaiveDate> {
    parse_instant(text).map(|t| t.with_timezone(&offset).date_naive())
}

impl Store {
    /// Reads every caseload of more than `rows` rows along its order's
    /// index, and the others from their filter's own rows (see `Drive`;
    /// 40,000 unless set). Both give the same rows in the same order: the
    /// tests read each list both ways.
    pub fn set_caseload_set_at_most(&mut self, rows: usize) {
        self.caseload_set_at_most = rows;
    }

    /// How many patients the query matches.
    pub fn caseload_count(&self, query: &CaseloadQuery) -> Result<usize, StoreError> {
        if let Some(phrases) = query.index_only_match(&self.reach("p")) {
            // Counted in the name index alone, which holds one row per
            // patient: 0.25 ms for 3,600 matches among 100,000 patients,
            // where joining each match back to its patient took 2.6 ms.
            let n: i64 = self
                .conn()
                .prepare_cached(
                    "SELECT count(*) FROM patient_name_index WHERE patient_name_index MATCH ?1",
                )?
                .query_row([phrases], |row| row.get(0))?;
            return Ok(n as usize);
        }
        let (clauses, values) = query.conditions(self);
        let sql = format!("SELECT count(*) FROM patient p {}", where_all(&clauses));
        let n: i64 = self
            .conn()
            .prepare_cached(&sql)?
            .query_row(params_from_iter(values), |row| row.get(0))?;
        Ok(n as usize)
    }
}
