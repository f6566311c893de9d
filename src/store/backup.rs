//! `tend backup FILE`: a consistent copy of the database, which appears at
//! FILE whole, checked and audited, or not at all.
//!
//! Issue 13 found killed backups leaving half copies at the target (3–98 MB,
//! member IDs readable inside) and whole copies with no audit row. Now:
//!
//! 1. an audit row says a backup was started, and which temporary file it
//!    writes (so that `tend check` can find what a killed one left);
//! 2. the copy is written to `.FILE.tend-partial-PID` beside FILE, made mode
//!    0600, held under an exclusive `flock` for as long as this process
//!    works on it;
//! 3. the copy passes the integrity check, is read for damaged text (a
//!    copy of damaged pages is still made, and the damage is said), and is
//!    synced to the disk;
//! 4. a second audit row records the backup;
//! 5. only then is it given its name, by `link(2)` (which, unlike
//!    `rename(2)`, never replaces a file that is there), and the temporary
//!    name removed.
//!
//! A failure removes the temporary file. A kill leaves it (and the
//! journal SQLite may have made beside it) under the temporary name only,
//! never at FILE; the next `tend backup` or `tend check` removes it, once it
//! has proved that no process works on it any more: the process named in
//! the file name is gone, and nobody holds the file's lock.

use std::ffi::{OsStr, OsString};
use std::os::unix::ffi::OsStrExt as _;
use std::os::unix::io::AsRawFd as _;
use std::path::{Path, PathBuf};

use rusqlite::{Connection, OpenFlags};

use super::care::{copy_in_one_step, row_counts};
use super::damage::{damaged_text, DamagedText};
use super::{AuditAction, RowCounts, Store, StoreError};

/// What a backup made, and what it tidied up on the way.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Backup {
    /// Rows in each counted table, read back from the copy.
    pub counts: RowCounts,
    /// Records of the copy whose text is damaged (as it is in the
    /// database: the copy is of the pages as they are).
    pub damaged_text: Vec<DamagedText>,
    /// Files that killed backups had left, and what became of them.
    pub leftovers: Vec<Leftover>,
}

/// A file a killed backup left under its temporary name.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Leftover {
    pub path: PathBuf,
    /// None when it was removed; otherwise why it could not be.
    pub problem: Option<String>,
}

/// The marker in a temporary name: `.FILE.tend-partial-PID`.
const PARTIAL: &str = ".tend-partial-";

/// What SQLite may make beside a database file.
const SIDE_FILES: [&str; 3] = ["-journal", "-wal", "-shm"];

/// The start of the audit row that says a backup was started; the row
/// names the temporary file after `WRITTEN_TO`.
const STARTED: &str = "backup started: ";
const WRITTEN_TO: &str = " (written first to ";

impl Store {
    /// Copies the database to `dest`, a new file made mode 0600, with
    /// SQLite's online backup API while other sessions may keep writing: in
    /// one step, inside one read transaction, so the copy is the database as
    /// of one moment. The copy appears at `dest` only when it is whole,
    /// checked and audited (see the module's notes). Returns the copy's row
    /// counts, read back from the copy.
    pub fn backup_to(&mut self, dest: &Path) -> Result<Backup, StoreError> {
        let refuse = |why: String| {
            StoreError::Refused(format!("cannot make the backup {}: {why}", dest.display()))
        };
        let name = dest
            .file_name()
            .ok_or_else(|| refuse("that names a folder, not a file".into()))?;
        let folder = match dest.parent().filter(|p| !p.as_os_str().is_empty()) {
            Some(folder) => folder,
            None => Path::new("."),
        };
        // By its real path: the audit row names it whole.
        let folder = folder
            .canonicalize()
            .map_err(|e| refuse(format!("its folder cannot be used ({e})")))?;
        let target = folder.join(name);
        if target.symlink_metadata().is_ok() {
            return Err(refuse(
                "something is already there, and a backup never replaces anything: choose a new name"
                    .into(),
            ));
        }

        // What killed backups of this database left, here and wherever
        // else they were written.
        let mut candidates = registered_partials(self.conn())?;
        candidates.extend(partials_in(&folder));
        let leftovers = clean_leftovers(candidates);

        let mut temp_name = OsString::from(".");
        temp_name.push(name);
        temp_name.push(format!("{PARTIAL}{}", std::process::id()));
        let temp = folder.join(temp_name);
        let started = format!(
            "{STARTED}{}{WRITTEN_TO}{})",
            target.display(),
            temp.display()
        );
        self.write(|tx| tx.audit(AuditAction::Execute, "Bundle", None, None, Some(&started)))?;

        let file = super::create_private_file(&temp)
            .map_err(|e| refuse(format!("cannot make its temporary file ({e})")))?;
        // Held until this process is done with the file (or killed): the
        // proof, for whoever tidies up, that someone still works on it.
        // SAFETY: flock(2) on a descriptor this function owns.
        if unsafe { libc::flock(file.as_raw_fd(), libc::LOCK_EX | libc::LOCK_NB) } != 0 {
            let error = std::io::Error::last_os_error();
            remove_with_side_files(&temp);
            return Err(refuse(format!("cannot lock its temporary file ({error})")));
        }

        let made = self
            .copy_to(&temp, &file)
            .and_then(|(counts, damaged_text)| {
                let detail = format!("backup: {} patients, to {}", counts[0].1, target.display());
                self.write(|tx| {
                    tx.audit(AuditAction::Execute, "Bundle", None, None, Some(&detail))
                })?;
                Ok((counts, damaged_text))
            });
        let (counts, damaged_text) = match made {
            Ok(made) => made,
            Err(error) => {
                // Half a backup is worse than none: it would be trusted.
                remove_with_side_files(&temp);
                return Err(error);
            }
        };
        // link(2) gives the copy its name only if nothing has it: rename(2)
        // would silently replace a file made there meanwhile.
        if let Err(error) = std::fs::hard_link(&temp, &target) {
            remove_with_side_files(&temp);
            let detail = format!("backup to {} not kept: {error}", target.display());
            // Best effort: the trail already says the copy was made.
            let _ = self
                .write(|tx| tx.audit(AuditAction::Execute, "Bundle", None, None, Some(&detail)));
            return Err(refuse(format!(
                "the copy could not be given that name ({error}); it was removed"
            )));
        }
        remove_with_side_files(&temp);
        // The new name and the removed one, on the disk.
        if let Ok(dir) = std::fs::File::open(&folder) {
            let _ = dir.sync_all();
        }
        drop(file);
        Ok(Backup {
            counts,
            damaged_text,
            leftovers,
        })
    }

    /// Copies the database into `temp` (made empty, locked) and checks the
    /// copy: its integrity, its row counts and any damaged text. The copy is left as a plain
    /// rollback-journal database, which opens read-only anywhere (a copy in
    /// WAL mode needs its folder writable to be read).
    fn copy_to(
        &self,
        temp: &Path,
        file: &std::fs::File,
    ) -> Result<(RowCounts, Vec<DamagedText>), StoreError> {
        // Without SQLITE_OPEN_URI: a file named "file:x?mode=memory" is a
        // file, not a database in memory.
        // Encrypted with the database's own key, when it has one: a backup
        // is nothing without it either.
        let mut target = super::key::connect_keyed_as(
            temp,
            self.path(),
            OpenFlags::SQLITE_OPEN_READ_WRITE | OpenFlags::SQLITE_OPEN_NO_MUTEX,
        )?;
        if !copy_in_one_step(self.conn(), &mut target)? {
            return Err(StoreError::Busy(super::Busy {
                holder: super::lock_holder(self.path()),
                waited: None,
            }));
        }
        let _: String = target.query_row("PRAGMA journal_mode = DELETE", [], |r| r.get(0))?;
        let problems: String = target.query_row("PRAGMA integrity_check", [], |r| r.get(0))?;
        if problems != "ok" {
            return Err(StoreError::Refused(format!(
                "the copy failed its integrity check: {problems}"
            )));
        }
        let counts = row_counts(&target)?;
        let damaged = damaged_text(&target)?;
        drop(target);
        file.sync_all().map_err(|e| {
            StoreError::Refused(format!("the copy could not be written to the disk: {e}"))
        })?;
        Ok((counts, damaged))
    }
}

/// Removes the temporary copies that killed backups left beside this
/// database or where the audit trail says backups of it were written, once
/// each is proved abandoned; `tend check` calls this.
pub(super) fn clean_leftovers_of(
    conn: &Connection,
    db: &Path,
) -> Result<Vec<Leftover>, StoreError> {
    let mut candidates = registered_partials(conn)?;
    if let Some(folder) = db.parent().map(|p| {
        if p.as_os_str().is_empty() {
            Path::new(".")
        } else {
            p
        }
    }) {
        candidates.extend(partials_in(folder));
    }
    Ok(clean_leftovers(candidates))
}

/// The temporary files the audit trail says backups were started into.
fn registered_partials(conn: &Connection) -> Result<Vec<PathBuf>, StoreError> {
    let mut stmt = conn.prepare(
        "SELECT DISTINCT detail FROM audit_event
          WHERE action = 'E' AND entity_type = 'Bundle' AND detail LIKE ?1",
    )?;
    // As bytes: a damaged row is skipped here, and named by the text check.
    let rows = stmt.query_map([format!("{STARTED}%")], |r| {
        Ok(r.get_ref(0)?.as_bytes().ok().map(<[u8]>::to_vec))
    })?;
    let mut paths = Vec::new();
    for detail in rows {
        let Some(detail) = detail? else { continue };
        let Ok(detail) = std::str::from_utf8(&detail) else {
            continue;
        };
        let Some((_, temp)) = detail.rsplit_once(WRITTEN_TO) else {
            continue;
        };
        let temp = PathBuf::from(temp.strip_suffix(')').unwrap_or(temp));
        // Only a name tend gives: anything else in a damaged trail is left.
        if temp.is_absolute() && temp.file_name().and_then(partial_pid).is_some() {
            paths.push(temp);
        }
    }
    Ok(paths)
}

/// The temporary files (and their side files) in `folder`, each given as
/// the temporary file's own path.
fn partials_in(folder: &Path) -> Vec<PathBuf> {
    let Ok(entries) = std::fs::read_dir(folder) else {
        return Vec::new();
    };
    let mut paths: Vec<PathBuf> = entries
        .filter_map(Result::ok)
        .filter_map(|entry| {
            let name = entry.file_name();
            let main = SIDE_FILES
                .iter()
                .find_map(|side| name.as_bytes().strip_suffix(side.as_bytes()))
                .unwrap_or(name.as_bytes());
            let main = OsStr::from_bytes(main);
            partial_pid(main).map(|_| folder.join(main))
        })
        .collect();
    paths.sort();
    paths.dedup();
    paths
}

/// The pid in a temporary name, `.FILE.tend-partial-PID`, if it is one.
fn partial_pid(name: &OsStr) -> Option<u32> {
    let name = name.as_bytes();
    if !name.starts_with(b".") {
        return None;
    }
    let at = name
        .windows(PARTIAL.len())
        .rposition(|w| w == PARTIAL.as_bytes())?;
    let pid = &name[at + PARTIAL.len()..];
    if at < 2 || pid.is_empty() || !pid.iter().all(u8::is_ascii_digit) {
        return None;
    }
    std::str::from_utf8(pid).ok()?.parse().ok()
}

/// Removes each abandoned temporary file with its side files; one that a
/// live process may still be writing is left alone, and not reported.
fn clean_leftovers(mut candidates: Vec<PathBuf>) -> Vec<Leftover> {
    candidates.sort();
    candidates.dedup();
    let mut done = Vec::new();
    for temp in candidates {
        let Some(pid) = temp.file_name().and_then(partial_pid) else {
            continue;
        };
        let present: Vec<PathBuf> = std::iter::once(temp.clone())
            .chain(SIDE_FILES.iter().map(|side| side_file(&temp, side)))
            .filter(|p| p.symlink_metadata().is_ok())
            .collect();
        if present.is_empty() || process_alive(pid) {
            continue;
        }
        match abandoned(&temp) {
            Ok(true) => {}
            Ok(false) => continue,
            Err(problem) => {
                done.push(Leftover {
                    path: temp,
                    problem: Some(problem),
                });
                continue;
            }
        }
        let problem = present
            .iter()
            .filter_map(|p| match std::fs::remove_file(p) {
                Ok(()) => None,
                Err(e) if e.kind() == std::io::ErrorKind::NotFound => None,
                Err(e) => Some(format!("cannot remove {} ({e})", p.display())),
            })
            .next();
        done.push(Leftover {
            path: temp,
            problem,
        });
    }
    done
}

/// Whether nobody holds the temporary file's lock (true as well when only
/// its side files are left). Opened without following a link, and only a
/// plain file: anything else under such a name is not tend's.
fn abandoned(temp: &Path) -> Result<bool, String> {
    use std::os::unix::fs::OpenOptionsExt as _;
    let file = match std::fs::OpenOptions::new()
        .read(true)
        .custom_flags(libc::O_NOFOLLOW)
        .open(temp)
    {
        Ok(file) => file,
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => return Ok(true),
        Err(e) => return Err(format!("cannot look at it ({e})")),
    };
    if !file.metadata().is_ok_and(|m| m.is_file()) {
        return Ok(false);
    }
    // SAFETY: flock(2) on a descriptor this function owns; closing it
    // (when `file` is dropped) releases the lock again.
    let free = unsafe { libc::flock(file.as_raw_fd(), libc::LOCK_EX | libc::LOCK_NB) } == 0;
    Ok(free)
}

/// Whether a process with this id exists (one this process may not signal
/// exists too). This process itself has no backup under way yet.
fn process_alive(pid: u32) -> bool {
    if pid == std::process::id() {
        return false;
    }
    let Ok(pid) = libc::pid_t::try_from(pid) else {
        return false;
    };
    // SAFETY: signal 0 only asks whether the process exists.
    unsafe {
        libc::kill(pid, 0) == 0
            || std::io::Error::last_os_error().raw_os_error() == Some(libc::EPERM)
    }
}

fn side_file(path: &Path, side: &str) -> PathBuf {
    let mut name = path.as_os_str().to_owned();
    name.push(side);
    PathBuf::from(name)
}

/// Removes a temporary copy and whatever SQLite made beside it.
fn remove_with_side_files(temp: &Path) {
    for path in std::iter::once(temp.to_path_buf())
        .chain(SIDE_FILES.iter().map(|side| side_file(temp, side)))
    {
        let _ = std::fs::remove_file(path);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn only_tends_temporary_names_are_taken_for_leftovers() {
        let pid = |s: &str| partial_pid(OsStr::new(s));
        assert_eq!(pid(".nightly.db.tend-partial-4242"), Some(4242));
        assert_eq!(pid(".a.tend-partial-1.tend-partial-77"), Some(77));
        assert_eq!(pid("nightly.db.tend-partial-4242"), None, "not hidden");
        assert_eq!(pid(".tend-partial-4242"), None, "no file name");
        assert_eq!(pid(".x.tend-partial-"), None);
        assert_eq!(pid(".x.tend-partial-12a"), None);
        assert_eq!(pid(".x.tend-partial-12-journal"), None, "a side file");
        let dir = tempfile::tempdir().unwrap();
        for name in [
            ".b.db.tend-partial-9-journal",
            ".b.db.tend-partial-9",
            ".c.db.tend-partial-8-wal",
            "b.db",
            ".b.db.tend-partial-x",
        ] {
            std::fs::write(dir.path().join(name), "").unwrap();
        }
        assert_eq!(
            partials_in(dir.path()),
            vec![
                dir.path().join(".b.db.tend-partial-9"),
                dir.path().join(".c.db.tend-partial-8")
            ]
        );
    }
}
