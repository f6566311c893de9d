//! The rejects file of `tend import patients --partial`: the rows left out,
//! in the roster's own columns with a `problem` column added, so they can
//! be fixed in the spreadsheet and imported again.

use std::io::Write as _;
use std::path::{Path, PathBuf};

use super::read::RosterFile;
use super::RosterError;

/// Where the rejected rows go: `--rejects FILE`, else `ROSTER.rejected.csv`
/// beside the roster.
pub fn rejects_path(file: &Path, chosen: Option<&Path>) -> PathBuf {
    chosen.map(Path::to_path_buf).unwrap_or_else(|| {
        let mut name = file.file_stem().unwrap_or_default().to_os_string();
        name.push(".rejected.csv");
        file.with_file_name(name)
    })
}

/// Writes the rejected rows to `path`, private to the user (they hold
/// health information). Never over the roster itself or the database: both
/// would be lost.
pub fn write_rejects(
    path: &Path,
    roster_file: &Path,
    db: &Path,
    roster: &RosterFile,
) -> Result<(), RosterError> {
    let same = |a: &Path, b: &Path| match (a.canonicalize(), b.canonicalize()) {
        (Ok(a), Ok(b)) => a == b,
        _ => false,
    };
    if same(path, roster_file) || same(path, db) {
        return Err(RosterError::RejectsOverInput(path.to_path_buf()));
    }
    let text = rejects_csv(roster)?;
    let cannot_write = |source| RosterError::RejectsWrite {
        path: path.to_path_buf(),
        source,
    };
    // The user's own file, written with their own rights.
    crate::team_install::as_user(|| {
        crate::private::file(path, crate::private::Open::Emptied)
            .and_then(|mut file| file.write_all(text.as_bytes()))
    })
    .map_err(cannot_write)
}

/// The rejected rows as CSV: the file's own columns and a `problem` column.
pub fn rejects_csv(roster: &RosterFile) -> Result<String, RosterError> {
    let failed = |e: &dyn std::fmt::Display| RosterError::RejectsCsv(e.to_string());
    let mut writer = csv::Writer::from_writer(Vec::new());
    // A row rejected for having too many fields keeps them all: the header
    // gets unnamed columns enough to hold them.
    let width = roster
        .rejected
        .iter()
        .map(|r| r.cells.len())
        .chain([roster.headers.len()])
        .max()
        .unwrap_or_default();
    let mut header = roster.headers.clone();
    header.resize(width, String::new());
    header.push("problem".into());
    writer.write_record(&header).map_err(|e| failed(&e))?;
    for row in &roster.rejected {
        let mut cells = row.cells.clone();
        cells.resize(width, String::new());
        cells.push(format!("line {}: {}", row.line, row.problems.join("; ")));
        writer.write_record(&cells).map_err(|e| failed(&e))?;
    }
    let bytes = writer.into_inner().map_err(|e| failed(&e))?;
    String::from_utf8(bytes).map_err(|e| failed(&e))
}
