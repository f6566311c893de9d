//! Waiting for another session's write: who holds the lock, how long tend
//! waits for it, and the line that says so on a terminal.
//!
//! SQLite lets one connection write at a time. Its busy handler retries for
//! as long as the connection's busy timeout, silently, and then gives up
//! with "database is locked". Under a crowd of importers that was not
//! enough (issue 13: 43 of 4,414 imports gave up after 5 s), and the
//! message could not say who it had waited for. Here the wait is taken in
//! slices of a second: between slices tend looks up who holds the lock
//! (`/proc/locks` on Linux: the lock bytes SQLite uses, in the WAL index
//! or the database file) and shows how long it has waited.
//!
//! Another tend, or a holder tend cannot identify, is waited for as long
//! as the store's patience (a few seconds for the screen, which must not
//! freeze; ten minutes for commands such as an import or a backup, which
//! say on a terminal that they wait). Another program (an `sqlite3` shell
//! left in a transaction, say) may hold the lock for ever: it is waited for
//! only the short default, and named.

use std::io::{IsTerminal, Write};
use std::path::Path;
use std::time::{Duration, Instant};

use super::{is_busy, DEFAULT_BUSY_TIMEOUT};

/// How long commands run from the shell (imports, backups, exports) wait
/// for other tend sessions to finish writing.
pub const BATCH_BUSY_TIMEOUT: Duration = Duration::from_secs(600);

/// After this long a wait is shown, on a terminal.
const SHOW_AFTER: Duration = Duration::from_secs(2);

/// The longest single wait inside SQLite's busy handler: between two, tend
/// looks again at who holds the lock and updates the line it shows.
const SLICE: Duration = Duration::from_secs(1);

/// Who holds the lock tend waits for.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Holder {
    /// Another tend process (a program of tend's name, or of this one's).
    Tend { pid: u32 },
    /// Another connection inside this same process.
    ThisProcess,
    /// Another program: its name (letters, digits and `-_.` only) and pid.
    Other { name: String, pid: u32 },
    /// Nobody tend can see (not Linux, another machine over NFS, or the
    /// lock was already released).
    Unknown,
}

impl Holder {
    /// "another tend session (process 4242)", for a sentence.
    pub fn describe(&self) -> String {
        match self {
            Holder::Tend { pid } => format!("another tend session (process {pid})"),
            Holder::ThisProcess => "another session in this same process".into(),
            Holder::Other { name, pid } => format!("another program ({name}, process {pid})"),
            Holder::Unknown => "another session".into(),
        }
    }
}

/// A lock tend did not get: who held it, and how long tend waited.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Busy {
    pub holder: Holder,
    /// Whole seconds waited; None when SQLite gave up on its own (a read,
    /// not one of tend's waits).
    pub waited: Option<u64>,
}

impl Busy {
    pub(crate) fn unknown() -> Busy {
        Busy {
            holder: Holder::Unknown,
            waited: None,
        }
    }

    /// "within 5 s", or nothing when the wait is not known.
    fn within(&self) -> String {
        match self.waited {
            Some(s) => format!(" within {s} s"),
            None => String::new(),
        }
    }

    /// The sentence for a change that did not happen.
    pub(crate) fn change_refused(&self) -> String {
        match &self.holder {
            Holder::Other { .. } => format!(
                "{} keeps the database locked; nothing was changed: close it (or let it finish) and try again",
                self.holder.describe()
            ),
            holder => format!(
                "{} was writing to the database and did not finish{}; nothing was changed: try again in a moment",
                holder.describe(),
                self.within()
            ),
        }
    }

    /// The sentence for a database that could not be opened.
    pub(crate) fn open_refused(&self, path: &Path) -> String {
        let path = path.display();
        match &self.holder {
            Holder::Other { name, pid } => format!(
                "{path} is locked by another program ({name}, process {pid}); it was not changed: close that program (or let it finish what it is doing) and start tend again"
            ),
            holder => format!(
                "{path} stayed locked by {} writing to it{}; it was not changed: try again when it is done",
                holder.describe(),
                match self.waited {
                    Some(s) => format!(" for {s} s"),
                    None => String::new(),
                }
            ),
        }
    }
}

/// How long to wait for a lock, and whether to say so.
#[derive(Debug, Clone, Copy)]
pub(crate) struct Patience {
    /// For another tend (or a holder tend cannot see).
    pub tend: Duration,
    /// Whether a long wait shows a line on standard error (when it is a
    /// terminal): for commands, never for the screen.
    pub announce: bool,
}

impl Patience {
    /// For another program: the short default, or less if asked.
    fn other(&self) -> Duration {
        self.tend.min(DEFAULT_BUSY_TIMEOUT)
    }
}

/// Runs `attempt` until it gets past another session's lock: SQLite's busy
/// handler waits inside each try (up to a second), and tend decides between
/// tries whether to go on waiting. Errors other than "busy" end it at once.
/// `busy_timeout` is the connection's usual timeout, put back afterwards.
pub(crate) fn wait_for_lock<T>(
    conn: &rusqlite::Connection,
    db: &Path,
    patience: Patience,
    busy_timeout: Duration,
    mut attempt: impl FnMut() -> rusqlite::Result<T>,
) -> Result<T, WaitError> {
    let started = Instant::now();
    let mut notice = Notice::new(patience.announce, db);
    let result = loop {
        if let Err(e) = conn.busy_timeout(SLICE.min(patience.tend).max(Duration::from_millis(1))) {
            break Err(WaitError::Sqlite(e));
        }
        let tried = Instant::now();
        match attempt() {
            Ok(value) => break Ok(value),
            Err(e) if is_busy(&e) => {
                // Some refusals come at once, without SQLite's busy handler:
                // never spin on them.
                if tried.elapsed() < Duration::from_millis(5) {
                    std::thread::sleep(Duration::from_millis(10));
                }
                let holder = lock_holder(db);
                let waited = started.elapsed();
                let limit = match holder {
                    Holder::Other { .. } => patience.other(),
                    _ => patience.tend,
                };
                if waited >= limit {
                    break Err(WaitError::Busy(Busy {
                        holder,
                        waited: Some(waited.as_secs_f64().round() as u64),
                    }));
                }
                notice.show(waited, &holder);
            }
            Err(e) => break Err(WaitError::Sqlite(e)),
        }
    };
    notice.clear();
    let restored = conn.busy_timeout(busy_timeout);
    match (result, restored) {
        (Ok(value), Ok(())) => Ok(value),
        (Ok(_), Err(e)) => Err(WaitError::Sqlite(e)),
        (Err(e), _) => Err(e),
    }
}

/// Why [`wait_for_lock`] stopped without success.
#[derive(Debug)]
pub(crate) enum WaitError {
    Busy(Busy),
    Sqlite(rusqlite::Error),
}

/// The line a long wait shows on a terminal, rewritten in place.
struct Notice<'a> {
    announce: bool,
    db: &'a Path,
    shown: bool,
}

impl<'a> Notice<'a> {
    fn new(announce: bool, db: &'a Path) -> Notice<'a> {
        Notice {
            announce: announce && std::io::stderr().is_terminal(),
            db,
            shown: false,
        }
    }

    fn show(&mut self, waited: Duration, holder: &Holder) {
        if !self.announce || waited < SHOW_AFTER {
            return;
        }
        let waiting_for = match holder {
            Holder::Unknown => "another tend session".to_string(),
            holder => holder.describe(),
        };
        let name = self.db.file_name().map_or_else(
            || self.db.display().to_string(),
            |n| n.to_string_lossy().into_owned(),
        );
        // \r and "erase to the end of the line": the line is rewritten in
        // place, a second at a time.
        let line = format!(
            "\rtend: waiting for {waiting_for} to finish writing to {}… {} s (Ctrl-C gives up; nothing is changed)\x1b[K",
            printable(&name),
            waited.as_secs()
        );
        let mut err = std::io::stderr().lock();
        let _ = err.write_all(line.as_bytes());
        let _ = err.flush();
        self.shown = true;
    }

    fn clear(&mut self) {
        if self.shown {
            let mut err = std::io::stderr().lock();
            let _ = err.write_all(b"\r\x1b[K");
            let _ = err.flush();
            self.shown = false;
        }
    }
}

/// A file name fit for a terminal: control and bidi characters as `?`.
fn printable(name: &str) -> String {
    name.chars()
        .map(|c| {
            if c.is_control() || matches!(c, '\u{202a}'..='\u{202e}' | '\u{2066}'..='\u{2069}') {
                '?'
            } else {
                c
            }
        })
        .collect()
}

/// Who holds the write lock of the database at `db`, as far as this machine
/// can tell: the WAL index's write lock (byte 120 of `-shm`) in WAL mode,
/// the database file's reserved or pending lock under a rollback journal.
/// Read from `/proc/locks`, without opening either file: closing a file
/// descriptor would drop every POSIX lock this process's own SQLite
/// connections hold on it.
pub fn lock_holder(db: &Path) -> Holder {
    #[cfg(target_os = "linux")]
    {
        linux::lock_holder(db)
    }
    #[cfg(not(target_os = "linux"))]
    {
        let _ = db;
        Holder::Unknown
    }
}

#[cfg(target_os = "linux")]
mod linux {
    use std::os::unix::fs::MetadataExt;
    use std::path::Path;

    use super::Holder;

    /// SQLite's lock bytes: the WAL index's write lock, and the rollback
    /// journal's pending byte, reserved byte and shared range (os_unix.c).
    const WAL_WRITE_LOCK: u64 = 120;
    const PENDING_BYTE: u64 = 0x4000_0000;
    const SHARED_SIZE: u64 = 510;

    pub fn lock_holder(db: &Path) -> Holder {
        let Ok(locks) = std::fs::read_to_string("/proc/locks") else {
            return Holder::Unknown;
        };
        let mut shm = db.as_os_str().to_owned();
        shm.push("-shm");
        let file_id = |path: &Path| {
            std::fs::metadata(path).ok().map(|m| {
                let dev = m.dev();
                (libc::major(dev) as u64, libc::minor(dev) as u64, m.ino())
            })
        };
        let wanted = [
            (file_id(Path::new(&shm)), WAL_WRITE_LOCK, WAL_WRITE_LOCK),
            (file_id(db), PENDING_BYTE, PENDING_BYTE + 2 + SHARED_SIZE),
        ];
        let own = std::process::id();
        for line in locks.lines() {
            let Some(lock) = parse(line) else { continue };
            let holds = wanted.iter().any(|(id, from, to)| {
                *id == Some(lock.file) && lock.write && lock.start <= *to && lock.end >= *from
            });
            if holds {
                if lock.pid == own {
                    return Holder::ThisProcess;
                }
                return identify(lock.pid);
            }
        }
        Holder::Unknown
    }

    struct Lock {
        write: bool,
        pid: u32,
        file: (u64, u64, u64),
        start: u64,
        end: u64,
    }

    /// One line of /proc/locks: `1: POSIX  ADVISORY  WRITE 4242 08:01:1234 120 120`
    /// (a waiting request has `->` after its number, and is skipped).
    fn parse(line: &str) -> Option<Lock> {
        let mut fields = line.split_whitespace().skip(1);
        let class = fields.next()?;
        if class == "->" || !matches!(class, "POSIX" | "OFDLCK") {
            return None;
        }
        let _advisory = fields.next()?;
        let write = fields.next()? == "WRITE";
        let pid: i64 = fields.next()?.parse().ok()?;
        let mut file = fields.next()?.split(':');
        let major = u64::from_str_radix(file.next()?, 16).ok()?;
        let minor = u64::from_str_radix(file.next()?, 16).ok()?;
        let inode = file.next()?.parse().ok()?;
        let start = fields.next()?.parse().ok()?;
        let end = match fields.next()? {
            "EOF" => u64::MAX,
            n => n.parse().ok()?,
        };
        Some(Lock {
            write,
            pid: u32::try_from(pid).ok()?,
            file: (major, minor, inode),
            start,
            end,
        })
    }

    /// tend when the process's name is tend's or this program's own (a
    /// renamed binary), another program otherwise.
    fn identify(pid: u32) -> Holder {
        let comm = |path: &str| {
            std::fs::read_to_string(path)
                .ok()
                .map(|s| s.trim_end().to_string())
        };
        let Some(name) = comm(&format!("/proc/{pid}/comm")) else {
            return Holder::Unknown;
        };
        if name == "tend" || comm("/proc/self/comm").is_some_and(|own| own == name) {
            return Holder::Tend { pid };
        }
        let name: String = name
            .chars()
            .filter(|c| c.is_ascii_alphanumeric() || matches!(c, '-' | '_' | '.'))
            .collect();
        Holder::Other { name, pid }
    }

    #[cfg(test)]
    mod tests {
        use super::*;

        #[test]
        fn lines_of_proc_locks_are_read() {
            let lock = parse("1: POSIX  ADVISORY  WRITE 4242 08:1f:1234 120 120").unwrap();
            assert!(lock.write);
            assert_eq!(lock.pid, 4242);
            assert_eq!(lock.file, (8, 31, 1234));
            assert_eq!((lock.start, lock.end), (120, 120));
            let lock = parse("2: OFDLCK ADVISORY  READ  -1 00:05:9 0 EOF").is_none();
            assert!(lock, "a pid of -1 (an OFD lock) names nobody");
            assert!(parse("3: -> POSIX  ADVISORY  WRITE 4243 08:01:1234 120 120").is_none());
            assert!(parse("4: FLOCK  ADVISORY  WRITE 99 08:01:7 0 EOF").is_none());
        }
    }
}
