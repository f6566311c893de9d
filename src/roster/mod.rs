//! Member rosters in (`tend import patients FILE.csv`), a pipeline in four
//! steps, each in its own file:
//!
//! 1. read ([`read`]): the bytes checked, the CSV read, the header mapped,
//!    every row read (by `domain::roster`) or rejected with its reasons;
//! 2. check ([`RosterImport::problems`], [`RosterImport::check`]): what is
//!    wrong is said, line by line, before the database is touched, and a
//!    bad row stops the import unless `--partial` was asked for;
//! 3. prepare ([`RosterImport::prepare`]): for a dry run, the database to
//!    rehearse on (a scratch copy if opening would upgrade it); otherwise
//!    the rejects file ([`rejects`]) written first, so that if it cannot be
//!    written nothing is imported;
//! 4. write ([`RosterImport::run`]): the rows in one transaction (by
//!    `store::roster`), or rehearsed and rolled back, and an [`ImportReport`].
//!
//! Nothing here prints: the CLI opens the store between steps 3 and 4,
//! prints the problems and the report, and draws the progress bar from the
//! callback [`RosterImport::run`] takes.

mod import;
pub mod read;
pub mod rejects;

pub use import::{ImportReport, Options, RosterImport, Target};
pub use read::{read_roster, FileError, RejectedRow, RosterFile};

use std::path::PathBuf;

use crate::store::{OpenError, StoreError};

/// Why a roster import stopped; each is worded for the person importing,
/// and none changed the database.
#[derive(Debug, thiserror::Error)]
pub enum RosterError {
    /// The database could not be read (for its coordinators, or to
    /// rehearse on).
    #[error(transparent)]
    Open(#[from] OpenError),
    /// The whole file cannot be read as a roster.
    #[error(transparent)]
    File(#[from] FileError),
    /// Rows have problems (said before, line by line) and `--partial` was
    /// not asked for.
    #[error("{}", refused(*.rejected, *.total, *.good))]
    RowsRefused {
        rejected: usize,
        total: usize,
        good: usize,
    },
    #[error("cannot make a scratch folder: {0}")]
    Scratch(std::io::Error),
    #[error(
        "nothing was imported: the rejected rows would be written over {}; \
         choose another file with --rejects",
        .0.display()
    )]
    RejectsOverInput(PathBuf),
    #[error("{0}")]
    RejectsCsv(String),
    #[error("nothing was imported: cannot write {}: {source}", .path.display())]
    RejectsWrite {
        path: PathBuf,
        source: std::io::Error,
    },
    /// The import failed in its transaction: rolled back whole.
    #[error("nothing was imported: {0}")]
    Import(StoreError),
    /// The rehearsal of a dry run failed.
    #[error(transparent)]
    Rehearse(StoreError),
}

/// "nothing was imported: 2 of 5 rows have problems (above); fix them, or
/// use --partial to import the other 3 and write these to a file".
fn refused(rejected: usize, total: usize, good: usize) -> String {
    let have = if rejected == 1 { "has" } else { "have" };
    let rows = if total == 1 { "row" } else { "rows" };
    let mut message =
        format!("nothing was imported: {rejected} of {total} {rows} {have} problems (above)");
    match good {
        0 => message.push_str("; fix them and import again"),
        good => message.push_str(&format!(
            "; fix them, or use --partial to import the other {good} and write these to a file"
        )),
    }
    message
}
