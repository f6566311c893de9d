//! `tend audit verify`: the trail walked from its first row to its head,
//! and every signed note held against the row that sealed it.

use std::collections::HashMap;
use std::fmt;

use rusqlite::Connection;

use super::{
    as_hash, note_hash, row_hash, values, Hash, Head, LoadSeal, GENESIS, NOTE_COLUMNS, ROW_COLUMNS,
};

/// What a walk of the trail found.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ChainReport {
    /// Whether the file keeps its trail as a chain (schema 8 and later).
    pub chained: bool,
    /// Rows walked.
    pub rows: u64,
    /// Signed notes held against their seals.
    pub notes: u64,
    /// The last row, as it is now.
    pub head: Option<Head>,
    /// Heads recorded earlier that were checked.
    pub heads_checked: usize,
    /// What does not hold, in the order found (rows first, then notes,
    /// then the recorded heads).
    pub problems: Vec<ChainProblem>,
}

impl ChainReport {
    pub fn is_whole(&self) -> bool {
        self.chained && self.problems.is_empty()
    }
}

/// One way the trail or a signed note does not match what was recorded.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum ChainProblem {
    /// The row's columns no longer give its hash.
    Changed { row: i64 },
    /// The row was not chained to the row now before it (`after`, None for
    /// the first row): rows were removed or inserted between them.
    Broken { row: i64, after: Option<i64> },
    /// A row without a hash: written behind tend's back.
    Unchained { row: i64 },
    /// A signed note that no longer matches the hash its signing row kept.
    NoteChanged { note: i64, row: i64 },
    /// A note sealed by a row that is no longer there, or no longer signed.
    NoteGone { note: i64, row: i64 },
    /// Signed notes no row seals: one, or a run of them (`first` to
    /// `last`, in the order of their ids, every signed note between them).
    NotesUnsealed { first: i64, last: i64 },
    /// The signed notes a load wrote no longer give the hash it kept.
    LoadChanged { row: i64, first: i64, last: i64 },
    /// A head recorded earlier whose row is gone.
    HeadMissing { head: Head },
    /// A head recorded earlier whose row now has another hash.
    HeadDiffers { head: Head },
}

impl fmt::Display for ChainProblem {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            ChainProblem::Changed { row } => write!(
                f,
                "audit row {row} was changed after it was written: its contents no longer give its hash"
            ),
            ChainProblem::Broken { row, after: None } => write!(
                f,
                "audit row {row} is now the first row but was chained to another: the rows before it were removed"
            ),
            ChainProblem::Broken { row, after: Some(after) } if row - after == 2 => write!(
                f,
                "audit row {} was removed: row {row} was chained to another row than {after}",
                after + 1
            ),
            ChainProblem::Broken { row, after: Some(after) } if row - after > 2 => write!(
                f,
                "audit rows {}–{} were removed: row {row} was chained to another row than {after}",
                after + 1,
                row - 1
            ),
            ChainProblem::Broken { row, after: Some(after) } => write!(
                f,
                "the trail is broken between audit rows {after} and {row}: row {row} was chained to another row (a row was removed or inserted, or rows moved)"
            ),
            ChainProblem::Unchained { row } => write!(
                f,
                "audit row {row} has no hash: it was written behind tend's back"
            ),
            ChainProblem::NoteChanged { note, row } => write!(
                f,
                "signed note {note} was changed after it was signed: it no longer matches audit row {row}, which sealed it"
            ),
            ChainProblem::NoteGone { note, row } => write!(
                f,
                "signed note {note}, sealed by audit row {row}, is gone or no longer signed"
            ),
            ChainProblem::NotesUnsealed { first, last } if first == last => write!(
                f,
                "signed note {first} is sealed by no audit row: it was written behind tend's back, or the row that sealed it was removed"
            ),
            ChainProblem::NotesUnsealed { first, last } => write!(
                f,
                "signed notes {first}–{last} are sealed by no audit row: they were written behind tend's back, or the row that sealed them was removed"
            ),
            ChainProblem::LoadChanged { row, first, last } => write!(
                f,
                "the signed notes {first}–{last} sealed by audit row {row} were changed, removed or added to behind tend's back"
            ),
            ChainProblem::HeadMissing { head } => write!(
                f,
                "the head recorded earlier (audit row {}) is no longer in the trail: rows were removed from its end",
                head.row
            ),
            ChainProblem::HeadDiffers { head } => write!(
                f,
                "audit row {} no longer has the hash recorded earlier ({}…): the trail up to it was rewritten",
                head.row,
                &hex::encode(head.hash)[..12]
            ),
        }
    }
}

/// What the walk keeps of the rows that seal notes.
#[derive(Default)]
struct Seals {
    /// Note id → the last row that sealed it alone, and the hash it kept.
    notes: HashMap<i64, (i64, Hash)>,
    /// Loads: (row, first note, last note, hash kept), by row.
    loads: Vec<(i64, i64, i64, Hash)>,
}

/// Walks the trail of an open database, checks every signed note against
/// its seal, and each head recorded earlier (`heads`) against the trail.
pub fn verify(conn: &Connection, heads: &[Head]) -> rusqlite::Result<ChainReport> {
    let chained: bool = conn.query_row(
        "SELECT count(*) = 1 FROM pragma_table_info('audit_event') WHERE name = 'chain_hash'",
        [],
        |r| r.get(0),
    )?;
    let mut report = ChainReport {
        chained,
        rows: 0,
        notes: 0,
        head: None,
        heads_checked: 0,
        problems: Vec::new(),
    };
    if !chained {
        return Ok(report);
    }
    let seals = walk_rows(conn, &mut report)?;
    check_notes(conn, seals, &mut report)?;
    for head in heads {
        let stored: Option<Option<Vec<u8>>> = conn
            .prepare_cached("SELECT chain_hash FROM audit_event WHERE id = ?1")?
            .query_row([head.row], |r| r.get(0))
            .map(Some)
            .or_else(|e| match e {
                rusqlite::Error::QueryReturnedNoRows => Ok(None),
                e => Err(e),
            })?;
        match stored {
            None => report
                .problems
                .push(ChainProblem::HeadMissing { head: *head }),
            Some(hash) if as_hash(hash.as_deref()) != Some(head.hash) => report
                .problems
                .push(ChainProblem::HeadDiffers { head: *head }),
            Some(_) => {}
        }
        report.heads_checked += 1;
    }
    Ok(report)
}

/// Walks the rows in the order of their ids, each against its own hash
/// and the hash of the row before it.
fn walk_rows(conn: &Connection, report: &mut ChainReport) -> rusqlite::Result<Seals> {
    let mut stmt = conn.prepare(&format!(
        "SELECT {ROW_COLUMNS}, prev_hash, chain_hash FROM audit_event ORDER BY id"
    ))?;
    let mut rows = stmt.query([])?;
    let mut seals = Seals::default();
    // The stored hash of the row before, and its id.
    let mut before: (Option<i64>, Hash) = (None, GENESIS);
    while let Some(row) = rows.next()? {
        report.rows += 1;
        let columns = values(row)?;
        let (own, links) = columns.split_at(columns.len() - 2);
        let id: i64 = row.get(0)?;
        let prev = as_hash(links[0].as_blob_or_null().ok().flatten());
        let stored = as_hash(links[1].as_blob_or_null().ok().flatten());
        match (prev, stored) {
            (Some(prev), Some(stored)) => {
                if prev != before.1 {
                    report.problems.push(ChainProblem::Broken {
                        row: id,
                        after: before.0,
                    });
                }
                if row_hash(&prev, own) != stored {
                    report.problems.push(ChainProblem::Changed { row: id });
                }
                before = (Some(id), stored);
            }
            _ => {
                report.problems.push(ChainProblem::Unchained { row: id });
                // The next row is held against the last row that had a
                // hash, so one row slipped in is one problem.
            }
        }
        // What the row seals (its content hash), for the notes' check.
        let content = as_hash(row.get_ref(8)?.as_blob_or_null().ok().flatten());
        let entity: Option<i64> = row.get_ref(5)?.as_i64_or_null().ok().flatten();
        let sealed_from: Option<i64> = row.get_ref(9)?.as_i64_or_null().ok().flatten();
        match (content, entity, sealed_from) {
            (Some(hash), Some(last), Some(first)) => seals.loads.push((id, first, last, hash)),
            (Some(hash), Some(note), None) => {
                seals.notes.insert(note, (id, hash));
            }
            _ => {}
        }
        report.head = before.0.map(|row| Head {
            row,
            hash: before.1,
        });
    }
    Ok(seals)
}

/// Holds every signed note, in the order of its id, against the row that
/// sealed it alone, or else the load that wrote it.
fn check_notes(
    conn: &Connection,
    mut seals: Seals,
    report: &mut ChainReport,
) -> rusqlite::Result<()> {
    seals.loads.sort_by_key(|&(_, first, _, _)| first);
    let mut loads: Vec<LoadSeal> = seals.loads.iter().map(|_| LoadSeal::new()).collect();
    let mut stmt = conn.prepare(&format!(
        "SELECT {NOTE_COLUMNS} FROM communication WHERE status = 'completed' ORDER BY id"
    ))?;
    let mut rows = stmt.query([])?;
    // The run of unsealed notes being read, said as one problem.
    let mut unsealed: Option<(i64, i64)> = None;
    let end_run = |run: &mut Option<(i64, i64)>, problems: &mut Vec<ChainProblem>| {
        if let Some((first, last)) = run.take() {
            problems.push(ChainProblem::NotesUnsealed { first, last });
        }
    };
    while let Some(row) = rows.next()? {
        report.notes += 1;
        let id: i64 = row.get(0)?;
        let hash = note_hash(&values(row)?);
        if let Some((sealed_by, kept)) = seals.notes.remove(&id) {
            end_run(&mut unsealed, &mut report.problems);
            if kept != hash {
                report.problems.push(ChainProblem::NoteChanged {
                    note: id,
                    row: sealed_by,
                });
            }
            continue;
        }
        let load = seals
            .loads
            .partition_point(|&(_, first, _, _)| first <= id)
            .checked_sub(1)
            .filter(|&i| id <= seals.loads[i].2);
        match load {
            Some(i) => {
                end_run(&mut unsealed, &mut report.problems);
                loads[i].add(id, &hash);
            }
            None => {
                let first = unsealed.map_or(id, |(first, _)| first);
                unsealed = Some((first, id));
            }
        }
    }
    end_run(&mut unsealed, &mut report.problems);
    let mut gone: Vec<(i64, i64)> = seals
        .notes
        .into_iter()
        .map(|(note, (row, _))| (note, row))
        .collect();
    gone.sort();
    report.problems.extend(
        gone.into_iter()
            .map(|(note, row)| ChainProblem::NoteGone { note, row }),
    );
    for (seal, &(row, first, last, kept)) in loads.into_iter().zip(&seals.loads) {
        if seal.finish() != kept {
            report
                .problems
                .push(ChainProblem::LoadChanged { row, first, last });
        }
    }
    Ok(())
}

/// Verifies the trail of a database file, opened read-only.
pub fn verify_file(
    path: &std::path::Path,
    heads: &[Head],
) -> Result<ChainReport, crate::store::OpenError> {
    let failed = |e: rusqlite::Error| crate::store::OpenError::from_sqlite(path, e);
    if !path.exists() {
        return Err(crate::store::OpenError::Missing(path.to_path_buf()));
    }
    // One thread reads it: SQLite's own locking of the connection would
    // cost a mutex a column (seen with perf on the ten-million-row walk).
    let conn = crate::store::key::connect(
        path,
        rusqlite::OpenFlags::SQLITE_OPEN_READ_ONLY | rusqlite::OpenFlags::SQLITE_OPEN_NO_MUTEX,
    )
    .map_err(failed)?;
    verify(&conn, heads).map_err(failed)
}
