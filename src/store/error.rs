//! Store errors, worded for the person at the keyboard: what went wrong, with
//! which file, and what to do. None carries patient data.

use std::path::{Path, PathBuf};

use rusqlite::ErrorCode;

use super::wait::Busy;

/// Why a database could not be opened. The file is never changed.
#[derive(Debug, thiserror::Error)]
pub enum OpenError {
    #[error("there is no tend database at {0}: check the path, or create a demo one with `tend gen --db {0}`")]
    Missing(PathBuf),
    /// The file, or a folder on the way to it, does not let this account
    /// in: the message names who it belongs to.
    #[error("{0}")]
    NoAccess(String),
    /// (An encrypted database whose key is not beside it reads as this too:
    /// without the key, it cannot be told from damage.)
    #[error("{0} is not a tend database or is damaged (or is encrypted, and its key {0}.key is not beside it); it was not changed: choose another file with --db, restore it from a backup, or put its key back")]
    NotADatabase(PathBuf),
    #[error("{0} is an SQLite database but not tend's; it was not changed: choose another file with --db")]
    Foreign(PathBuf),
    #[error("{path} was written by a newer tend (schema version {found}; this tend knows up to {known}); it was not changed: upgrade tend to open it")]
    Newer {
        path: PathBuf,
        found: i64,
        known: i64,
    },
    /// A change was interrupted under a rollback journal (a `tend gen`, or
    /// an import by an older tend, killed half-way) and this process cannot
    /// write the file to roll it back. Copying the file alone now would
    /// give a damaged database, or one holding part of the change.
    #[error("{0}: a change to it (an import, or a generated caseload) was interrupted, and its journal {0}-journal holds what undoes it; the next tend that can write the file and its folder rolls it back, keeping nothing of the interrupted change: run `tend check` as someone who can (the file's owner), and until then leave the file and its journal where they are")]
    Interrupted(PathBuf),
    #[error("{0} is read-only, and tend must write to it to keep the audit trail: make it writable (chmod u+w, and the folder it is in), or ask whoever looks after tend")]
    ReadOnly(PathBuf),
    /// Another session kept the file locked for longer than tend waits.
    #[error("{}", busy.open_refused(path))]
    Locked { path: PathBuf, busy: Busy },
    #[error("cannot open {path}: {source}")]
    Io {
        path: PathBuf,
        source: std::io::Error,
    },
    #[error("cannot open {path}: {message}")]
    Sqlite { path: PathBuf, message: String },
    /// An encrypted database, and a tend built without encryption.
    #[error("{0} is encrypted (its key is beside it), and this tend was built without encryption; it was not changed: use a tend built with `cargo build --release --features encryption`")]
    NeedsEncryption(PathBuf),
    /// The database's key file is there but cannot be read (or is not a key).
    #[error("cannot read the key {}: {source}; ask whoever looks after the server", .key.display())]
    KeyUnreadable {
        key: PathBuf,
        source: std::io::Error,
    },
    /// The disk (or the file system) the database is on refused to write:
    /// full, most often. tend then opens the file read-only.
    #[error("cannot open {0} for writing: its disk is full or cannot be written (free some space, or ask whoever looks after the server)")]
    NoRoom(PathBuf),
}

impl OpenError {
    pub(crate) fn from_sqlite(path: &Path, error: rusqlite::Error) -> OpenError {
        let path = path.to_path_buf();
        if has_hot_journal(&error) {
            return OpenError::Interrupted(path);
        }
        match error.sqlite_error_code() {
            Some(ErrorCode::NotADatabase) => OpenError::NotADatabase(path),
            Some(ErrorCode::DatabaseCorrupt) => OpenError::NotADatabase(path),
            Some(ErrorCode::DatabaseBusy | ErrorCode::DatabaseLocked) => OpenError::Locked {
                busy: Busy {
                    holder: super::wait::lock_holder(&path),
                    waited: None,
                },
                path,
            },
            Some(ErrorCode::ReadOnly) => OpenError::ReadOnly(path),
            Some(ErrorCode::DiskFull | ErrorCode::SystemIoFailure) => OpenError::NoRoom(path),
            Some(ErrorCode::CannotOpen | ErrorCode::PermissionDenied) => OpenError::Sqlite {
                path,
                message: "permission denied or no such folder (tend needs to read and write the file and its folder)".into(),
            },
            _ => OpenError::Sqlite {
                path,
                message: error.to_string(),
            },
        }
    }
}

/// Whether SQLite refused a read because the file holds an interrupted
/// change that a read-only connection cannot roll back (a "hot journal").
pub(crate) fn has_hot_journal(error: &rusqlite::Error) -> bool {
    error
        .sqlite_error()
        .is_some_and(|e| e.extended_code == rusqlite::ffi::SQLITE_READONLY_ROLLBACK)
}

/// An error while reading or changing an open store.
#[derive(Debug, thiserror::Error)]
pub enum StoreError {
    /// Another session held the write lock for longer than tend waits.
    #[error("{}", .0.change_refused())]
    Busy(Busy),
    #[error("the database is damaged: {0}")]
    Corrupt(String),
    /// A record that cannot be read for what it holds (text damaged on the
    /// disk, say): named by table, row and member ID, never by its text.
    #[error("{0}: run `tend check`, which names every such record")]
    Damaged(super::fhir::DamagedRow),
    #[error(
        "a change was refused because it kept no audit row (a bug in tend); nothing was changed"
    )]
    Unaudited,
    /// Nothing could be written: the disk is full (or failing).
    #[error("the disk holding the database is full; nothing was changed: free some space (or ask whoever looks after the server)")]
    DiskFull,
    /// The database was opened read-only (see [`OpenError::NoRoom`]).
    #[error("tend opened the database read-only because its disk was full; nothing was changed: free some space and start tend again")]
    ReadOnly,
    /// Another session changed the same records first.
    #[error("{0}")]
    Conflict(String),
    /// The change makes no sense as asked (the message says why).
    #[error("{0}")]
    Refused(String),
    /// The login is not a user of this team's database.
    #[error("you ({login}) are not a user of this team's tend database: ask one of its admins to add you")]
    NotAUser { login: String },
    /// The login was a user here and has been deactivated.
    #[error("your account ({login}) is no longer active on this team's tend database: ask one of its admins if that is a mistake")]
    Deactivated { login: String },
    /// The user's role does not have the right to what was asked.
    #[error("your role ({role}) may not {}{}", .right.describe(), if .right.changes() { "; nothing was changed" } else { "" })]
    NotAllowed {
        role: crate::domain::role::Role,
        right: crate::domain::role::Right,
    },
    /// A patient outside the user's teams (and cover).
    #[error("that member is not in your teams' caseloads; to open their record anyway, break the glass with a reason (`:glass MEMBER-ID REASON` on the screen), which your supervisor reviews")]
    OutOfReach,
    /// Anything else SQLite or rusqlite reported. Shown as a sentence
    /// without SQLite's own message, which may quote SQL or a value.
    #[error("{}", sqlite_sentence(.0))]
    Sqlite(rusqlite::Error),
}

/// What to tell the person at the keyboard about an unexpected database
/// error: what kind of failure, that nothing was changed (every change is
/// one transaction), and what to do.
fn sqlite_sentence(error: &rusqlite::Error) -> String {
    let what = match error {
        // From the code, never the message, which may hold SQL or a value.
        rusqlite::Error::SqliteFailure(failure, _) => match failure.code {
            ErrorCode::DiskFull => "the disk is full",
            ErrorCode::SystemIoFailure => "the disk could not be read or written",
            ErrorCode::ReadOnly => "the file cannot be written",
            ErrorCode::PermissionDenied | ErrorCode::CannotOpen => {
                "the file or its folder cannot be opened"
            }
            ErrorCode::ConstraintViolation => "a rule of the database refused the change",
            ErrorCode::OutOfMemory => "the machine is out of memory",
            _ => "an unexpected error inside tend",
        }
        .to_string(),
        rusqlite::Error::FromSqlConversionFailure(..)
        | rusqlite::Error::InvalidColumnType(..)
        | rusqlite::Error::IntegralValueOutOfRange(..) => {
            "a stored value is not of the kind tend expects".to_string()
        }
        rusqlite::Error::QueryReturnedNoRows => "a record it needed is not there".to_string(),
        _ => "an unexpected error inside tend".to_string(),
    };
    format!(
        "tend could not read or change the database ({what}); nothing was changed: try again, and if it happens again run `tend check` and tell whoever looks after tend"
    )
}

impl From<rusqlite::Error> for StoreError {
    fn from(error: rusqlite::Error) -> StoreError {
        if super::is_busy(&error) {
            return StoreError::Busy(Busy::unknown());
        }
        match error.sqlite_error_code() {
            Some(ErrorCode::NotADatabase | ErrorCode::DatabaseCorrupt) => {
                StoreError::Corrupt(error.to_string())
            }
            Some(ErrorCode::DiskFull) => StoreError::DiskFull,
            _ => StoreError::Sqlite(error),
        }
    }
}

impl StoreError {
    /// Whether the write failed for want of room (or of a disk that
    /// writes): what the reserve and keeping aside are for.
    pub fn is_no_room(&self) -> bool {
        match self {
            StoreError::DiskFull | StoreError::ReadOnly => true,
            StoreError::Sqlite(e) => matches!(
                e.sqlite_error_code(),
                Some(ErrorCode::SystemIoFailure | ErrorCode::DiskFull | ErrorCode::ReadOnly)
            ),
            _ => false,
        }
    }

    pub(crate) fn into_open_error(self, path: &Path) -> OpenError {
        match self {
            StoreError::Busy(busy) => OpenError::Locked {
                path: path.to_path_buf(),
                busy,
            },
            StoreError::Corrupt(_) => OpenError::NotADatabase(path.to_path_buf()),
            StoreError::DiskFull | StoreError::ReadOnly => OpenError::NoRoom(path.to_path_buf()),
            StoreError::Sqlite(e) => OpenError::from_sqlite(path, e),
            other @ (StoreError::Unaudited
            | StoreError::Conflict(_)
            | StoreError::Refused(_)
            | StoreError::NotAUser { .. }
            | StoreError::Deactivated { .. }
            | StoreError::NotAllowed { .. }
            | StoreError::OutOfReach
            | StoreError::Damaged(_)) => OpenError::Sqlite {
                path: path.to_path_buf(),
                message: other.to_string(),
            },
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Whatever goes wrong in the database, the status line says what to do
    /// in a sentence, and never shows SQL (the caseload's sort once showed
    /// "database error: no such column: next_due in SELECT pos FROM (…").
    #[test]
    fn an_unexpected_database_error_is_a_sentence_without_sql() {
        let failure = |code| {
            StoreError::from(rusqlite::Error::SqliteFailure(
                rusqlite::ffi::Error::new(code),
                Some("no such column: next_due in SELECT pos FROM (SELECT p.id".into()),
            ))
            .to_string()
        };
        let said = failure(rusqlite::ffi::SQLITE_ERROR);
        assert_eq!(
            said,
            "tend could not read or change the database (an unexpected error inside tend); nothing was changed: try again, and if it happens again run `tend check` and tell whoever looks after tend"
        );
        assert!(failure(rusqlite::ffi::SQLITE_IOERR)
            .contains("(the disk could not be read or written)"));
        assert!(!failure(rusqlite::ffi::SQLITE_IOERR).contains("SELECT"));
    }
}
