//! Opening a store file: the options, the checks that refuse a file that
//! is not tend's (too new, read-only, locked), the migrations that bring
//! its schema up to date, and the read-only fallback when its disk is full.

use std::io::IsTerminal;
use std::path::{Path, PathBuf};
use std::time::Duration;

use rusqlite::{Connection, OpenFlags};

use crate::clock::Clock;

use super::access::reachable;
use super::{
    aside, create_private_file, error, schema, wait, OpenError, Reserve, Store, StoreError,
    BATCH_BUSY_TIMEOUT, DEFAULT_BUSY_TIMEOUT,
};

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
        check_key(path)?;
        let conn = super::key::connect(
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
        conn.execute_batch(
            "PRAGMA foreign_keys = ON; PRAGMA synchronous = NORMAL; PRAGMA recursive_triggers = ON;",
        )
        .map_err(|e| OpenError::from_sqlite(path, e))?;
        let cache_kib = page_cache_kib(&conn).map_err(|e| OpenError::from_sqlite(path, e))?;
        conn.execute_batch(&format!("PRAGMA cache_size = -{cache_kib};"))
            .map_err(|e| OpenError::from_sqlite(path, e))?;
        if crate::team_install::current().is_some() {
            // A temporary file (a big sort) would belong to the user, in a
            // folder the user can reach, for as long as SQLite needs it
            // named: on a team install, temporary tables stay in memory.
            conn.execute_batch("PRAGMA temp_store = MEMORY;")
                .map_err(|e| OpenError::from_sqlite(path, e))?;
        }

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
        check_key(path)?;
        let conn = match super::key::connect_keyed_as(uri("mode=ro"), path, flags) {
            Ok(conn) if readable(&conn) => conn,
            _ => {
                why.push_str(", and the latest changes of other sessions may not show");
                super::key::connect_keyed_as(uri("mode=ro&immutable=1"), path, flags)
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
        // Without it, note search ranks with `bm25()` as before.
        let term_rank = super::fts_rank::register(&conn).is_ok();
        Store {
            term_rank,
            rolled_back: false,
            access: Default::default(),
            calendar: Default::default(),
            loops: Default::default(),
            busy_timeout: options.busy_timeout,
            announce_waits: options.announce_waits,
            caseload_set_at_most: super::caseload::Drive::SET_AT_MOST,
            held_list: Default::default(),
            day_merge: true,
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
        let agent = self.agent.clone();
        let by = schema::Upgrade {
            agent: &agent,
            now: self.clock.now_utc(),
        };
        let tx = self.begin_immediate()?;
        let version: i64 = tx.query_row("PRAGMA user_version", [], |row| row.get(0))?;
        // An upgrade of a large file rebuilds indexes (tens of seconds at
        // 1,000,000 patients): said on the terminal, before the screen
        // starts, so a wait is not taken for a hang.
        let said = (version > 0 && version < schema::LATEST && std::io::stderr().is_terminal())
            .then(|| {
                eprintln!(
                    "tend: upgrading {} from schema version {version} to {}; a large database takes a while…",
                    self.path.display(),
                    schema::LATEST
                );
                std::time::Instant::now()
            });
        for (index, migration) in schema::MIGRATIONS.iter().enumerate().skip(version as usize) {
            migration.apply(&tx, &by)?;
            tx.execute_batch(&format!("PRAGMA user_version = {}", index + 1))?;
        }
        tx.commit()?;
        if let Some(started) = said {
            eprintln!("tend: upgraded in {:.1} s", started.elapsed().as_secs_f64());
        }
        Ok(())
    }
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

/// The page cache for the database at `conn`, in KiB: 16 MiB, or for a
/// big file a 256th of it, up to 64 MiB.
///
/// Why: SQLite's default 2 MB held too little of a 100,000-patient
/// caseload, so a name filter's 3,600 lookups each went to the operating
/// system (6.5 ms; 2.6 ms with 16 MiB). At 1,000,000 patients (15 GB) a
/// narrow list's sort keys alone are 57 MB (`patient_sort_keys`), and
/// reading those of `/kel`'s 35,456 matches took 59–76 ms through 16 MiB,
/// 33–52 ms through 64 MiB. The cache fills only as pages are read: a
/// small caseload's session stays within its 16 MiB.
fn page_cache_kib(conn: &Connection) -> rusqlite::Result<i64> {
    let bytes: i64 = conn.query_row(
        "SELECT page_count * page_size FROM pragma_page_count(), pragma_page_size()",
        [],
        |row| row.get(0),
    )?;
    Ok(page_cache_kib_for(bytes))
}

fn page_cache_kib_for(file_bytes: i64) -> i64 {
    const FLOOR_KIB: i64 = 16 * 1024;
    const CEILING_KIB: i64 = 64 * 1024;
    (file_bytes / 256 / 1024).clamp(FLOOR_KIB, CEILING_KIB)
}

/// Refuses, with a sentence, a database whose key this tend cannot use: an
/// encrypted one in a build without encryption, or a key file it cannot
/// read.
fn check_key(path: &Path) -> Result<(), OpenError> {
    let key = super::key::key_path(path);
    match super::key::read_key(path) {
        Ok(None) => Ok(()),
        Ok(Some(_)) if !super::key::ENCRYPTION => {
            Err(OpenError::NeedsEncryption(path.to_path_buf()))
        }
        Ok(Some(_)) => Ok(()),
        Err(source) => Err(OpenError::KeyUnreadable { key, source }),
    }
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
    super::key::connect(path, OpenFlags::SQLITE_OPEN_READ_ONLY)
        .and_then(|conn| conn.query_row("PRAGMA user_version", [], |r| r.get::<_, i64>(0)))
        .is_err_and(|e| error::has_hot_journal(&e))
}

/// Whether this process may write to `path` (a file or a folder).
fn is_writable(path: &Path) -> bool {
    use std::os::unix::ffi::OsStrExt;
    let Ok(c_path) = std::ffi::CString::new(path.as_os_str().as_bytes()) else {
        return false;
    };
    // With the effective ids, as open(2) judges (access(2) asks about the
    // real ones, and a team install reaches its database through its
    // effective group).
    // SAFETY: a valid NUL-terminated path; faccessat(2) only reads it.
    unsafe {
        libc::faccessat(
            libc::AT_FDCWD,
            c_path.as_ptr(),
            libc::W_OK,
            libc::AT_EACCESS,
        ) == 0
    }
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

#[cfg(test)]
mod page_cache_tests {
    #[test]
    fn the_page_cache_grows_with_the_file_between_16_and_64_mib() {
        let kib = super::page_cache_kib_for;
        let mib = 1024 * 1024;
        assert_eq!(kib(0), 16 * 1024, "a new file");
        assert_eq!(kib(1_500 * mib), 16 * 1024, "100,000 patients");
        assert_eq!(kib(8 * 1024 * mib), 32 * 1024, "8 GiB: a 256th");
        assert_eq!(kib(15 * 1024 * mib), 60 * 1024, "1,000,000 patients");
        assert_eq!(kib(100 * 1024 * mib), 64 * 1024, "the ceiling");
    }
}
