//! The store: the only code that speaks SQL.
//!
//! One SQLite file in WAL mode, with foreign keys on and a busy timeout, its
//! schema brought up to date by migrations when it is opened. Every change is
//! one `BEGIN IMMEDIATE` transaction that also writes its audit row
//! ([`Store::write`]), so a second tend process waits its turn instead of
//! failing halfway through, and no change is ever without its trail.

mod access;
mod aside;
mod audit;
mod backup;
mod care;
mod care_plan;
mod caseload;
mod codec;
mod damage;
mod error;
pub mod fhir;
mod goal;
mod notes;
mod patient;
mod record;
mod reserve;
mod roster;
mod safekeeping;
pub mod schema;
mod task_changes;
mod tasks;
mod wait;
mod write;

use std::path::{Path, PathBuf};
use std::time::Duration;

use rusqlite::{Connection, ErrorCode, OpenFlags, TransactionBehavior};

use crate::clock::Clock;

use access::reachable;

pub use aside::{KeptDraft, PendingAudit};
pub use audit::{AuditAction, AuditEvent};
pub use backup::{Backup, Leftover};
pub use care::{check_file, copy_read_only, needs_upgrade, CheckReport, RowCounts};
pub use care_plan::{Intervention, Need, ProgressEntry};
pub use caseload::{CaseloadQuery, CaseloadRow, CaseloadSort, Scope};
pub use damage::DamagedText;
pub use error::{OpenError, StoreError};
pub use notes::{
    Draft, DraftSaved, DraftSummary, NoteSummary, SearchHit, DAMAGED_NOTE, MERGE_MARK,
};
pub use record::{Allergy, CareTeamMember, Flag, Medication, RecordItem};
pub use reserve::{Reserve, RESERVE_BYTES};
pub use roster::RosterCounts;
pub use safekeeping::{DraftKept, KeptBack, ViewAudited};
pub use task_changes::{TaskChange, TaskRef};
pub use tasks::RankedDay;
pub use wait::{lock_holder, Busy, Holder, BATCH_BUSY_TIMEOUT};
pub use write::{NewCareTeamMember, NewCommunication, NewTask, Tx};

/// How long a write on the screen waits for another tend session's write
/// to finish before giving up (the screen must not freeze), and how long
/// any write waits for another program that holds the lock (see `wait`).
pub const DEFAULT_BUSY_TIMEOUT: Duration = Duration::from_secs(5);

/// How to open a store.
#[derive(Debug, Clone)]
pub struct OpenOptions {
    /// Create the file (mode 0600) when it does not exist.
    pub create: bool,
    /// How long a write (and the opening, which writes) waits for another
    /// tend session to finish writing: [`DEFAULT_BUSY_TIMEOUT`] for the
    /// screen, [`BATCH_BUSY_TIMEOUT`] for commands.
    pub busy_timeout: Duration,
    /// Keep room aside beside the database for when its disk fills (see
    /// [`Reserve`]): for sessions where someone types.
    pub hold_reserve: bool,
    /// Where to keep drafts and audit rows when neither the database nor
    /// the folder beside it can take them; `None`: the user's data folder.
    pub aside_fallback: Option<PathBuf>,
    /// Whether a long wait says so on standard error, when that is a
    /// terminal ("waiting for another tend session … 12 s"). Never while
    /// the screen is up.
    pub announce_waits: bool,
}

impl Default for OpenOptions {
    fn default() -> Self {
        OpenOptions {
            create: false,
            busy_timeout: DEFAULT_BUSY_TIMEOUT,
            hold_reserve: false,
            aside_fallback: None,
            announce_waits: false,
        }
    }
}

impl OpenOptions {
    /// For a command run from the shell (an import, a backup, an export):
    /// it waits its turn behind other tend sessions for as long as
    /// [`BATCH_BUSY_TIMEOUT`], saying so on a terminal.
    pub fn batch(create: bool) -> OpenOptions {
        OpenOptions {
            create,
            busy_timeout: BATCH_BUSY_TIMEOUT,
            announce_waits: true,
            ..OpenOptions::default()
        }
    }
}

pub struct Store {
    conn: Connection,
    path: PathBuf,
    /// Who is making changes: written into every audit row.
    agent: String,
    clock: Clock,
    /// How long a write waits for another session's to finish.
    busy_timeout: Duration,
    /// Room kept aside for a full disk.
    reserve: Reserve,
    /// Whether this session keeps the reserve (makes it again when it can).
    holds_reserve: bool,
    /// Where drafts and audit rows wait when the database cannot take them.
    aside: aside::Aside,
    /// Audit rows that could not be written anywhere yet (not even aside):
    /// written as soon as they can be.
    unwritten_audits: Vec<PendingAudit>,
    /// Whether something may be waiting aside, so that only then each tick
    /// looks for it.
    maybe_aside: bool,
    /// Set when the database could only be opened read-only (its disk was
    /// full): why, for the screen to say.
    read_only: Option<String>,
    /// Whether a long wait says so on a terminal.
    announce_waits: bool,
    /// Whether opening rolled back a change that had been interrupted.
    rolled_back: bool,
}

impl Store {
    /// Opens (and if asked, creates) the database at `path`, refusing files
    /// that are not tend's, are newer than this tend, are read-only or stay
    /// locked. A refused file is never modified.
    pub fn open(
        path: &Path,
        agent: &str,
        clock: Clock,
        options: &OpenOptions,
    ) -> Result<Store, OpenError> {
        let reserve = Reserve::beside(path);
        let opened = match Store::open_writable(path, agent, clock, options) {
            // A full disk: the reserve makes room, and the open is tried
            // again; failing that, the file is read and nothing is written.
            Err(OpenError::NoRoom(_)) if reserve.release() => {
                Store::open_writable(path, agent, clock, options)
            }
            other => other,
        };
        let mut store = match opened {
            Err(OpenError::NoRoom(_)) => Store::open_read_only(path, agent, clock, options)?,
            other => other?,
        };
        store.maybe_aside = true;
        store.holds_reserve = options.hold_reserve;
        if store.read_only.is_none() && store.holds_reserve {
            store.hold_reserve_if_room();
        }
        Ok(store)
    }

    fn open_writable(
        path: &Path,
        agent: &str,
        clock: Clock,
        options: &OpenOptions,
    ) -> Result<Store, OpenError> {
        // A file this account cannot reach is not a missing one: say who
        // can read it, rather than that there is none.
        let exists = reachable(path)?;
        if !exists && !options.create {
            return Err(OpenError::Missing(path.to_path_buf()));
        }
        // A change killed half-way under a rollback journal (a `tend gen`,
        // or an import by an older tend): SQLite rolls it back at the first
        // read of a connection that can write, and tend says it did.
        let interrupted = exists && has_interrupted_change(path);
        if !exists {
            create_private_file(path)?;
        } else if !is_writable_with_folder(path) {
            // SQLite would open such a file read-only, or fail later creating
            // its WAL files; say plainly why instead.
            return Err(if interrupted {
                OpenError::Interrupted(path.to_path_buf())
            } else {
                OpenError::ReadOnly(path.to_path_buf())
            });
        }
        let conn = Connection::open_with_flags(
            path,
            OpenFlags::SQLITE_OPEN_READ_WRITE
                | OpenFlags::SQLITE_OPEN_NO_MUTEX
                | OpenFlags::SQLITE_OPEN_URI,
        )
        .map_err(|e| OpenError::from_sqlite(path, e))?;
        conn.busy_timeout(options.busy_timeout)
            .map_err(|e| OpenError::from_sqlite(path, e))?;
        let patience = wait::Patience {
            tend: options.busy_timeout,
            announce: options.announce_waits,
        };
        fn waiting<T>(
            conn: &Connection,
            path: &Path,
            patience: wait::Patience,
            attempt: impl FnMut() -> rusqlite::Result<T>,
        ) -> Result<T, OpenError> {
            wait::wait_for_lock(conn, path, patience, patience.tend, attempt).map_err(|e| match e {
                wait::WaitError::Busy(busy) => OpenError::Locked {
                    path: path.to_path_buf(),
                    busy,
                },
                wait::WaitError::Sqlite(e) => OpenError::from_sqlite(path, e),
            })
        }

        // Look before touching anything: the version check and the "is this
        // ours" check only read. (A read waits only while another session
        // recovers the write-ahead log, or writes under a rollback journal.)
        let version: i64 = waiting(&conn, path, patience, || {
            conn.query_row("PRAGMA user_version", [], |row| row.get(0))
        })?;
        if version > schema::LATEST {
            return Err(OpenError::Newer {
                path: path.to_path_buf(),
                found: version,
                known: schema::LATEST,
            });
        }
        if version == 0 && has_tables(&conn, path)? {
            return Err(OpenError::Foreign(path.to_path_buf()));
        }
        if conn
            .is_readonly(rusqlite::DatabaseName::Main)
            .unwrap_or(true)
        {
            return Err(OpenError::ReadOnly(path.to_path_buf()));
        }

        // Switching to WAL needs a moment when no other connection is in
        // the middle of a rollback-journal transaction (a `tend gen` load):
        // SQLite may say busy at once, without its busy handler, so tend
        // waits here between tries, as long as it would wait for any lock.
        let journal: String = waiting(&conn, path, patience, || {
            conn.query_row("PRAGMA journal_mode = WAL", [], |row| row.get(0))
        })?;
        if !journal.eq_ignore_ascii_case("wal") {
            return Err(OpenError::Sqlite {
                path: path.to_path_buf(),
                message: format!("could not switch to WAL journaling (got {journal})"),
            });
        }
        // recursive_triggers: a REPLACE's implicit delete fires DELETE
        // triggers too, so nothing slips past the guards on signed notes.
        // cache_size: SQLite's default 2 MB page cache held too little of a
        // 100,000-patient caseload, so a name filter's 3,600 lookups each
        // went to the operating system (6.5 ms; 2.6 ms with 16 MiB). The
        // cache fills only as pages are read, and stays well inside the
        // 50 MB memory budget.
        conn.execute_batch(
            "PRAGMA foreign_keys = ON; PRAGMA synchronous = NORMAL; PRAGMA recursive_triggers = ON;
             PRAGMA cache_size = -16384;",
        )
        .map_err(|e| OpenError::from_sqlite(path, e))?;

        let mut store = Store::with_connection(conn, path, agent, clock, options);
        store.rolled_back = interrupted;
        store.migrate().map_err(|e| e.into_open_error(path))?;
        Ok(store)
    }

    /// The database read without writing anything, not even SQLite's
    /// shared-memory file: for a full disk. First as a reader of the
    /// write-ahead log, which sees every committed change; if SQLite cannot
    /// do that without writing, the file alone (`immutable`), which may
    /// miss the latest changes not yet copied into it, and says so.
    fn open_read_only(
        path: &Path,
        agent: &str,
        clock: Clock,
        options: &OpenOptions,
    ) -> Result<Store, OpenError> {
        let flags = OpenFlags::SQLITE_OPEN_READ_ONLY
            | OpenFlags::SQLITE_OPEN_NO_MUTEX
            | OpenFlags::SQLITE_OPEN_URI;
        let uri = |query: &str| {
            let mut uri = String::from("file:");
            for byte in path.as_os_str().as_encoded_bytes() {
                match byte {
                    b'a'..=b'z' | b'A'..=b'Z' | b'0'..=b'9' | b'/' | b'.' | b'-' | b'_' => {
                        uri.push(*byte as char)
                    }
                    other => uri.push_str(&format!("%{other:02X}")),
                }
            }
            format!("{uri}?{query}")
        };
        let readable = |conn: &Connection| {
            conn.query_row("SELECT count(*) FROM patient", [], |r| r.get::<_, i64>(0))
                .is_ok()
        };
        let mut why = "its disk is full, so nothing can be saved until there is room".to_string();
        let conn = match Connection::open_with_flags(uri("mode=ro"), flags) {
            Ok(conn) if readable(&conn) => conn,
            _ => {
                why.push_str(", and the latest changes of other sessions may not show");
                Connection::open_with_flags(uri("mode=ro&immutable=1"), flags)
                    .map_err(|e| OpenError::from_sqlite(path, e))?
            }
        };
        let version: i64 = conn
            .query_row("PRAGMA user_version", [], |row| row.get(0))
            .map_err(|e| OpenError::from_sqlite(path, e))?;
        if version != schema::LATEST {
            // An old file would need an upgrade, which writes.
            return Err(OpenError::NoRoom(path.to_path_buf()));
        }
        let mut store = Store::with_connection(conn, path, agent, clock, options);
        store.read_only = Some(why);
        Ok(store)
    }

    fn with_connection(
        conn: Connection,
        path: &Path,
        agent: &str,
        clock: Clock,
        options: &OpenOptions,
    ) -> Store {
        Store {
            rolled_back: false,
            busy_timeout: options.busy_timeout,
            announce_waits: options.announce_waits,
            conn,
            path: path.to_path_buf(),
            agent: agent.to_string(),
            clock,
            reserve: Reserve::beside(path),
            holds_reserve: false,
            aside: aside::Aside::for_database(path, options.aside_fallback.clone()),
            unwritten_audits: Vec::new(),
            maybe_aside: false,
            read_only: None,
        }
    }

    /// Brings the schema up to date. Also proves the file is writable: even
    /// an up-to-date store takes the write lock once, so a read-only or locked
    /// file is refused at start, not at the first change.
    fn migrate(&mut self) -> Result<(), StoreError> {
        let tx = self.begin_immediate()?;
        let version: i64 = tx.query_row("PRAGMA user_version", [], |row| row.get(0))?;
        for (index, migration) in schema::MIGRATIONS.iter().enumerate().skip(version as usize) {
            migration.apply(&tx)?;
            tx.execute_batch(&format!("PRAGMA user_version = {}", index + 1))?;
        }
        tx.commit()?;
        Ok(())
    }

    pub fn path(&self) -> &Path {
        &self.path
    }

    /// Whether opening the file rolled back a change that had been
    /// interrupted (a process killed half-way through a change under a
    /// rollback journal): none of that change is in the database.
    pub fn rolled_back_interrupted_change(&self) -> bool {
        self.rolled_back
    }

    pub fn agent(&self) -> &str {
        &self.agent
    }

    pub fn clock(&self) -> Clock {
        self.clock
    }

    /// The schema version of the open database.
    pub fn schema_version(&self) -> Result<i64, StoreError> {
        Ok(self
            .conn
            .query_row("PRAGMA user_version", [], |row| row.get(0))?)
    }

    /// A number that changes whenever another connection commits to this
    /// database: polled to show other sessions' changes without a key press.
    pub fn data_version(&self) -> Result<i64, StoreError> {
        Ok(self
            .conn
            .query_row("PRAGMA data_version", [], |row| row.get(0))?)
    }

    /// Runs `change` in one IMMEDIATE transaction and commits it. The change
    /// must record at least one audit row through [`Tx::audit`]; one that
    /// does not is rolled back.
    pub fn write<T>(
        &mut self,
        change: impl FnOnce(&mut Tx<'_>) -> Result<T, StoreError>,
    ) -> Result<T, StoreError> {
        self.transact(true, change)
    }

    /// Like [`Store::write`], for loading many records at once (the
    /// generator; later, the importers): the search indexes are filled at
    /// the end ([`Tx::bulk_load`]), and when no other connection has the
    /// file open the transaction runs under a rollback journal instead of
    /// the write-ahead log. Why: a transaction bigger than the page cache
    /// spills its pages into the log, and the checkpoint then copies every
    /// one of them again into the database, so a 900 MB load wrote 1.8 GB.
    /// The rollback journal only keeps the pages that held data before, and
    /// still rolls back a load that fails half-way. WAL is back afterwards.
    pub fn bulk_write<T>(
        &mut self,
        load: impl FnOnce(&mut Tx<'_>) -> Result<T, StoreError>,
    ) -> Result<T, StoreError> {
        let journal = |conn: &Connection, mode: &str| -> Result<String, StoreError> {
            Ok(
                conn.query_row(&format!("PRAGMA journal_mode = {mode}"), [], |row| {
                    row.get(0)
                })?,
            )
        };
        // Leaving WAL needs the file to itself: while another connection
        // has it open SQLite says it is busy, and the load runs in WAL.
        // Asked without waiting: the busy timeout would only delay the
        // answer.
        self.conn.busy_timeout(Duration::ZERO)?;
        let asked = journal(&self.conn, "DELETE");
        self.conn.busy_timeout(self.busy_timeout)?;
        let switched = match asked {
            Ok(mode) => mode.eq_ignore_ascii_case("delete"),
            Err(StoreError::Busy(_)) => false,
            Err(other) => return Err(other),
        };
        let loaded = self.write(|tx| tx.bulk_load(|tx| load(tx)));
        if switched {
            // Best effort: the load is committed whatever happens here, and
            // every Store::open switches the file back to WAL anyway.
            let _ = journal(&self.conn, "WAL");
        }
        loaded
    }

    /// Like [`Store::write`], but the change need not write an audit row:
    /// for a draft's autosaves only.
    pub(crate) fn write_unaudited<T>(
        &mut self,
        change: impl FnOnce(&mut Tx<'_>) -> Result<T, StoreError>,
    ) -> Result<T, StoreError> {
        self.transact(false, change)
    }

    /// Runs `change` in a transaction and rolls it back: what a change
    /// would do, without doing it (`--dry-run`).
    pub fn rehearse<T>(
        &mut self,
        change: impl FnOnce(&mut Tx<'_>) -> Result<T, StoreError>,
    ) -> Result<T, StoreError> {
        // Immediate, as a real change would be: a rehearsal that reads and
        // then writes must not fail on another session's commit in between.
        let tx = self.begin_immediate()?;
        let mut tx = Tx::new(tx, &self.agent, self.clock.now_utc());
        // Dropped without a commit: rolled back.
        change(&mut tx)
    }

    fn transact<T>(
        &mut self,
        audit_required: bool,
        change: impl FnOnce(&mut Tx<'_>) -> Result<T, StoreError>,
    ) -> Result<T, StoreError> {
        if self.read_only.is_some() {
            return Err(StoreError::ReadOnly);
        }
        let tx = self.begin_immediate()?;
        let mut tx = Tx::new(tx, &self.agent, self.clock.now_utc());
        let value = change(&mut tx)?;
        tx.commit(audit_required)?;
        Ok(value)
    }

    /// Begins a write transaction, waiting behind other sessions' writes as
    /// long as the store's patience allows (see `wait`).
    fn begin_immediate(&self) -> Result<rusqlite::Transaction<'_>, StoreError> {
        let patience = wait::Patience {
            tend: self.busy_timeout,
            announce: self.announce_waits,
        };
        let conn = &self.conn;
        wait::wait_for_lock(conn, &self.path, patience, self.busy_timeout, || {
            rusqlite::Transaction::new_unchecked(conn, TransactionBehavior::Immediate)
        })
        .map_err(|e| match e {
            wait::WaitError::Busy(busy) => StoreError::Busy(busy),
            wait::WaitError::Sqlite(e) => e.into(),
        })
    }

    /// Changes how long writes wait for other tend sessions, and whether
    /// they say so: the screen opens the store as a command does (waiting
    /// its turn, saying so), then waits only briefly once it is drawn.
    pub fn set_patience(&mut self, busy_timeout: Duration, announce_waits: bool) {
        self.busy_timeout = busy_timeout;
        self.announce_waits = announce_waits;
        // Best effort: a failure leaves the timeout it had.
        let _ = self.conn.busy_timeout(busy_timeout);
    }

    /// How many patients the database holds.
    pub fn patient_count(&self) -> Result<usize, StoreError> {
        let n: i64 = self
            .conn
            .query_row("SELECT count(*) FROM patient", [], |row| row.get(0))?;
        Ok(n as usize)
    }

    pub(crate) fn conn(&self) -> &Connection {
        &self.conn
    }
}

/// Creates an empty file readable and writable by its owner only, and its
/// folder (0700) if that does not exist. Never over anything already there,
/// a symbolic link included.
pub(crate) fn create_private_file(path: &Path) -> Result<std::fs::File, OpenError> {
    let io_error = |source| OpenError::Io {
        path: path.to_path_buf(),
        source,
    };
    if let Some(dir) = path.parent().filter(|d| !d.as_os_str().is_empty()) {
        if !dir.exists() {
            crate::private::folder(dir).map_err(io_error)?;
        }
    }
    crate::private::file(path, crate::private::Open::New).map_err(io_error)
}

/// Whether this process may write to the file and to its folder (where
/// SQLite makes its journal and write-ahead log).
pub(crate) fn is_writable_with_folder(path: &Path) -> bool {
    is_writable(path)
        && is_writable(
            path.parent()
                .filter(|d| !d.as_os_str().is_empty())
                .unwrap_or(Path::new(".")),
        )
}

/// Whether the database holds a change interrupted under a rollback
/// journal ("hot journal"): asked of SQLite itself through a read-only
/// connection, which refuses to read such a file (and changes nothing),
/// and only when a journal is there at all. A journal that another
/// process is still writing is not hot, and is not reported.
pub(crate) fn has_interrupted_change(path: &Path) -> bool {
    let mut journal = path.as_os_str().to_owned();
    journal.push("-journal");
    if std::fs::metadata(&journal).map_or(true, |m| m.len() == 0) {
        return false;
    }
    Connection::open_with_flags(path, OpenFlags::SQLITE_OPEN_READ_ONLY)
        .and_then(|conn| conn.query_row("PRAGMA user_version", [], |r| r.get::<_, i64>(0)))
        .is_err_and(|e| error::has_hot_journal(&e))
}

/// Whether this process may write to `path` (a file or a folder).
fn is_writable(path: &Path) -> bool {
    use std::os::unix::ffi::OsStrExt;
    let Ok(c_path) = std::ffi::CString::new(path.as_os_str().as_bytes()) else {
        return false;
    };
    // SAFETY: a valid NUL-terminated path; access(2) only reads it.
    unsafe { libc::access(c_path.as_ptr(), libc::W_OK) == 0 }
}

fn has_tables(conn: &Connection, path: &Path) -> Result<bool, OpenError> {
    conn.query_row(
        "SELECT count(*) FROM sqlite_master WHERE name NOT LIKE 'sqlite_%'",
        [],
        |row| row.get::<_, i64>(0),
    )
    .map(|n| n > 0)
    .map_err(|e| OpenError::from_sqlite(path, e))
}

/// True for SQLite errors that mean "another connection holds the lock".
pub(crate) fn is_busy(error: &rusqlite::Error) -> bool {
    matches!(
        error.sqlite_error_code(),
        Some(ErrorCode::DatabaseBusy | ErrorCode::DatabaseLocked)
    )
}
