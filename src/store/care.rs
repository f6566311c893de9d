//! Looking after the database file: `tend backup` (a consistent copy taken
//! while other sessions keep working) and `tend check` (is the file whole,
//! and of which schema version).

use std::path::{Path, PathBuf};

use rusqlite::{Connection, OpenFlags};

use super::backup::{clean_leftovers_of, Leftover};
use super::damage::{damaged_text, DamagedText};
use super::{schema, OpenError};

/// The tables whose row counts a backup and a check report.
const COUNTED: [&str; 8] = [
    "patient",
    "task",
    "communication",
    "goal",
    "need",
    "condition",
    "medication",
    "audit_event",
];

/// Rows in each counted table.
pub type RowCounts = Vec<(&'static str, i64)>;

pub(super) fn row_counts(conn: &Connection) -> Result<RowCounts, rusqlite::Error> {
    COUNTED
        .iter()
        .map(|table| {
            let n: i64 =
                conn.query_row(&format!("SELECT count(*) FROM {table}"), [], |r| r.get(0))?;
            Ok((*table, n))
        })
        .collect()
}

/// What a check found.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CheckReport {
    pub path: PathBuf,
    /// Whether a change that had been interrupted (a process killed half-way
    /// through it, under a rollback journal) was rolled back first.
    pub rolled_back: bool,
    /// `PRAGMA integrity_check`'s findings; empty when it says "ok".
    pub integrity_problems: Vec<String>,
    /// Rows that point at rows that do not exist.
    pub foreign_key_problems: Vec<String>,
    /// The full-text indexes that do not match their tables.
    pub index_problems: Vec<String>,
    /// Values kept from other rows that no longer match them (a patient's
    /// next due date, against their open tasks).
    pub kept_problems: Vec<String>,
    /// Whether the indexes could be checked (not on a read-only file).
    pub indexes_checked: bool,
    /// Records whose stored text is not valid UTF-8 (damaged on the disk).
    pub damaged_text: Vec<DamagedText>,
    /// Temporary copies killed backups had left (beside the database, or
    /// where the audit trail says its backups were written), and what
    /// became of each: removed, or why not.
    pub leftovers: Vec<Leftover>,
    /// The schema version the file has, and the one this tend writes.
    pub schema_version: i64,
    pub latest: i64,
    pub counts: RowCounts,
    /// The audit trail's hash chain, walked (see `store::chain`).
    pub audit: super::ChainReport,
}

impl CheckReport {
    pub fn is_healthy(&self) -> bool {
        self.integrity_problems.is_empty()
            && self.foreign_key_problems.is_empty()
            && self.index_problems.is_empty()
            && self.kept_problems.is_empty()
            && self.damaged_text.is_empty()
            && self.leftovers.iter().all(|l| l.problem.is_none())
            && self.schema_version == self.latest
            && self.audit.problems.is_empty()
    }
}

/// Checks a database file without changing it (opened read-only, so not
/// migrated): SQLite's integrity check, the foreign keys, the search
/// indexes, and the schema version.
///
/// One exception: a change interrupted under a rollback journal (a process
/// killed half-way through it) is rolled back first, as the next tend to
/// open the file would do, when this process can write the file; the
/// report says so. When it cannot, the check stops and says who can.
pub fn check_file(path: &Path) -> Result<CheckReport, OpenError> {
    check_file_against(path, &[])
}

/// [`check_file`], holding the audit trail against heads recorded earlier.
pub fn check_file_against(path: &Path, heads: &[super::Head]) -> Result<CheckReport, OpenError> {
    if !path.exists() {
        return Err(OpenError::Missing(path.to_path_buf()));
    }
    let failed = |e: rusqlite::Error| OpenError::from_sqlite(path, e);
    let open = || {
        let conn = super::key::connect(path, OpenFlags::SQLITE_OPEN_READ_ONLY)?;
        let version: i64 = conn.query_row("PRAGMA user_version", [], |r| r.get(0))?;
        Ok::<_, rusqlite::Error>((conn, version))
    };
    let mut rolled_back = false;
    let (conn, schema_version) = match open() {
        Err(e) if super::error::has_hot_journal(&e) => {
            if !super::open::is_writable_with_folder(path) {
                return Err(OpenError::Interrupted(path.to_path_buf()));
            }
            roll_back_interrupted_change(path).map_err(failed)?;
            rolled_back = true;
            open().map_err(failed)?
        }
        opened => opened.map_err(failed)?,
    };
    let is_tend: bool = conn
        .query_row(
            "SELECT count(*) = 2 FROM sqlite_master WHERE name IN ('patient', 'audit_event')",
            [],
            |r| r.get(0),
        )
        .map_err(failed)?;
    if !is_tend {
        return Err(OpenError::Foreign(path.to_path_buf()));
    }
    let lines = |sql: &str| -> Result<Vec<String>, OpenError> {
        let mut stmt = conn.prepare(sql).map_err(failed)?;
        let rows = stmt
            .query_map([], |r| {
                // integrity_check gives text; foreign_key_check gives
                // (table, rowid, parent, fkid).
                let count = r.as_ref().column_count();
                if count == 1 {
                    r.get::<_, String>(0)
                } else {
                    Ok(format!(
                        "{} row {} points at a missing {}",
                        r.get::<_, String>(0)?,
                        r.get::<_, Option<i64>>(1)?.unwrap_or_default(),
                        r.get::<_, String>(2)?
                    ))
                }
            })
            .map_err(failed)?;
        rows.collect::<Result<_, _>>().map_err(failed)
    };
    let mut integrity_problems = lines("PRAGMA integrity_check")?;
    integrity_problems.retain(|line| line != "ok");
    let mut foreign_key_problems = lines("PRAGMA foreign_key_check")?;
    foreign_key_problems.extend(super::loop_steps::loops_without_a_step(&conn).map_err(failed)?);
    let mut index_problems = Vec::new();
    // FTS5 checks an index against its table through an INSERT, which a
    // read-only connection cannot run; a writable one, in a transaction
    // that is rolled back, changes nothing either. A file the user cannot
    // write is left unchecked here, and the report says so.
    let writable = super::key::connect(path, OpenFlags::SQLITE_OPEN_READ_WRITE)
        .ok()
        .filter(|c| c.execute_batch("BEGIN").is_ok());
    let indexes_checked = writable.is_some();
    if let Some(writable) = &writable {
        // rank 1 also compares the index with its table row by row: right
        // for the names (every patient is indexed), wrong for the notes,
        // whose index holds signed notes only (drafts are never searched),
        // so that one checks its own structure; the resource directory's
        // hold their own copy of the text, and the loops' none (they are
        // contentless), with nothing to compare.
        for (index, rank) in [
            ("communication_fts", 0),
            ("patient_name_index", 1),
            ("resource_fts", 0),
            ("resource_name_fts", 0),
            ("referral_fts", 0),
            ("appointment_fts", 0),
            ("prior_auth_fts", 0),
        ] {
            let sql =
                format!("INSERT INTO {index}({index}, rank) VALUES ('integrity-check', {rank})");
            match writable.execute(&sql, []) {
                Ok(_) => {}
                Err(e)
                    if matches!(
                        e.sqlite_error_code(),
                        Some(
                            rusqlite::ErrorCode::DatabaseBusy | rusqlite::ErrorCode::DatabaseLocked
                        )
                    ) =>
                {
                    index_problems.push(format!(
                        "{index}: not checked, another session was writing; run tend check again"
                    ));
                }
                Err(e) => index_problems.push(format!("{index}: {e}")),
            }
        }
        let _ = writable.execute_batch("ROLLBACK");
    }
    // Kept values (schema v16: a patient's next due date; v18: the counts
    // of open tasks a day; v20: the caseload's buckets) against the rows
    // they are kept from.
    let mut kept_problems = if schema_version >= 16 {
        super::caseload::next_due_problems(&conn).map_err(failed)?
    } else {
        Vec::new()
    };
    if schema_version >= 18 {
        kept_problems.extend(super::schema_v18::open_task_day_problems(&conn).map_err(failed)?);
    }
    if schema_version >= 20 {
        kept_problems.extend(super::schema_v20::bucket_problems(&conn).map_err(failed)?);
    }
    let damaged_text = damaged_text(&conn).map_err(failed)?;
    let counts = row_counts(&conn).map_err(failed)?;
    let audit = super::chain::verify(&conn, heads).map_err(failed)?;
    let leftovers = clean_leftovers_of(&conn, path).map_err(|e| OpenError::Sqlite {
        path: path.to_path_buf(),
        message: e.to_string(),
    })?;
    Ok(CheckReport {
        leftovers,
        path: path.to_path_buf(),
        rolled_back,
        integrity_problems,
        foreign_key_problems,
        index_problems,
        kept_problems,
        indexes_checked,
        damaged_text,
        schema_version,
        latest: schema::LATEST,
        counts,
        audit,
    })
}

/// Rolls back a change interrupted under a rollback journal, as SQLite does
/// at the first read of a connection that can write: the journal holds the
/// pages as they were before the change, and they are put back.
fn roll_back_interrupted_change(path: &Path) -> rusqlite::Result<()> {
    let conn = super::key::connect(
        path,
        OpenFlags::SQLITE_OPEN_READ_WRITE | OpenFlags::SQLITE_OPEN_NO_MUTEX,
    )?;
    conn.busy_timeout(super::DEFAULT_BUSY_TIMEOUT)?;
    conn.query_row("SELECT count(*) FROM sqlite_master", [], |r| {
        r.get::<_, i64>(0)
    })?;
    Ok(())
}

/// Whether opening the file would upgrade its schema (it is older than
/// this tend's); read without changing anything.
pub fn needs_upgrade(path: &Path) -> Result<bool, OpenError> {
    let conn = super::key::connect(path, OpenFlags::SQLITE_OPEN_READ_ONLY)
        .map_err(|e| OpenError::from_sqlite(path, e))?;
    let version: i64 = conn
        .query_row("PRAGMA user_version", [], |r| r.get(0))
        .map_err(|e| OpenError::from_sqlite(path, e))?;
    Ok(version < schema::LATEST)
}

/// Copies a database through a read-only connection (SQLite's backup API,
/// one step), so nothing about the original changes: for rehearsing on an
/// older database without upgrading it.
pub fn copy_read_only(path: &Path, dest: &Path) -> Result<(), OpenError> {
    let failed = |e: rusqlite::Error| OpenError::from_sqlite(path, e);
    let source = super::key::connect(path, OpenFlags::SQLITE_OPEN_READ_ONLY).map_err(failed)?;
    // The copy is encrypted with the original's key, and keeps a copy of
    // the key beside it, so that it opens (a scratch copy, in a folder as
    // private as the original's).
    if let Some(key) = super::key::read_key(path).ok().flatten() {
        let copy_key = super::key::key_path(dest);
        crate::private::file(&copy_key, crate::private::Open::New)
            .and_then(|mut f| {
                use std::io::Write;
                writeln!(f, "{}", key.trim_start_matches("x'").trim_end_matches('\''))
            })
            .map_err(|source| OpenError::Io {
                path: copy_key.clone(),
                source,
            })?;
    }
    let mut target = super::key::connect_keyed_as(
        dest,
        path,
        OpenFlags::SQLITE_OPEN_READ_WRITE | OpenFlags::SQLITE_OPEN_CREATE,
    )
    .map_err(failed)?;
    match copy_in_one_step(&source, &mut target).map_err(failed)? {
        true => Ok(()),
        false => Err(OpenError::Locked {
            path: path.to_path_buf(),
            busy: super::Busy {
                holder: super::lock_holder(path),
                waited: None,
            },
        }),
    }
}

/// Copies `source` into `target` with SQLite's backup API, every page in
/// one step (-1), so no other session's write can land half-way through
/// the copy. A writer holding the lock at that moment makes the step wait
/// and try again, for up to half a minute; false when it never got in.
pub(super) fn copy_in_one_step(
    source: &Connection,
    target: &mut Connection,
) -> rusqlite::Result<bool> {
    use rusqlite::backup::{Backup, StepResult};
    let backup = Backup::new(source, target)?;
    for _ in 0..600 {
        match backup.step(-1)? {
            StepResult::Done => return Ok(true),
            StepResult::More => continue,
            // Busy, locked, or a result this version does not know.
            _ => std::thread::sleep(std::time::Duration::from_millis(50)),
        }
    }
    Ok(false)
}
