//! `tend import fhir FILE`: a FHIR R4 Bundle read into the database, all of
//! it in one transaction or none of it.
//!
//! In order, each step refusing the file with one line that names it (and
//! the entry and element where there is one, never a value from it):
//! 1. the file is read and parsed as JSON (a syntax error gives its line
//!    and column);
//! 2. it must be a Bundle with entries, of FHIR R4 ([`version`] says what
//!    gives another version away);
//! 3. every entry has a resource of a type tend keeps, no two entries are
//!    the same resource, and every reference leads to an entry of the
//!    bundle or a contained resource;
//! 4. each resource is read into tend's rows: what tend needs must be
//!    there, codes must be tend's ([`parse`]); text is kept as written
//!    (the screen cleans it when it draws it);
//! 5. the rows are written in one transaction with one audit row; a
//!    patient whose member ID is already in the database refuses the whole
//!    import ([`load`]), as does an encounter whose feed key (sending
//!    system and visit number) is. Encounters are written last, and their
//!    clocks worked out again by the rules ([`encounter`]): an import
//!    gives back the clocks an export's encounters call for, each with its
//!    exported task, but not the history of clocks met by the event's own
//!    arrival (met again on the day of the import) or voided.

mod bundle;
mod context;
mod encounter;
pub mod external;
mod load;
mod loops;
mod notes;
mod parse;
mod plan;
mod read;
mod record;
mod screenings;
mod version;

use std::path::{Path, PathBuf};

use serde_json::Value;

pub use load::ImportReport;

use crate::store::Store;
use crate::text::clean;

/// Why a file was not imported. Nothing of it was written.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("cannot import {}: {problem}; nothing was imported", clean(&file.display().to_string()))]
pub struct ImportError {
    pub file: PathBuf,
    /// What is wrong, and where in the file: cleaned (a resource's id or
    /// type, a reference, quoted from the file, shows an escape sequence
    /// as `^[`), so the message is safe to print on a terminal.
    pub problem: String,
}

/// Imports the bundle in `file`.
pub fn import_file(store: &mut Store, file: &Path) -> Result<ImportReport, ImportError> {
    // Each problem that quotes the file cleans what it quotes; cleaning
    // the whole line again here (which changes nothing already clean) is
    // what keeps a problem written later from forgetting to.
    let refuse = |problem: String| ImportError {
        file: file.to_path_buf(),
        problem: clean(&problem).into_owned(),
    };
    store
        .require(crate::domain::role::Right::Import)
        .map_err(|e| refuse(e.to_string()))?;
    let bytes = crate::team_install::as_user(|| std::fs::read(file))
        .map_err(|e| refuse(format!("cannot read it ({e})")))?;
    let json: Value = serde_json::from_slice(&bytes).map_err(|e| refuse(json_problem(&e)))?;
    let source = file.file_name().map_or_else(
        || file.display().to_string(),
        |n| n.to_string_lossy().into_owned(),
    );
    let now = store.clock().now_utc();
    let parsed = {
        check_is_bundle(&json).map_err(refuse)?;
        let entries = bundle::entries(&json).map_err(refuse)?;
        if let Some(other) = version::other_version(&json, &entries) {
            return Err(refuse(format!(
                "it is {other}, and tend reads FHIR R4 ({}) only",
                crate::fhir::codes::FHIR_VERSION
            )));
        }
        if entries.is_empty() {
            return Err(refuse("the bundle has no entries".into()));
        }
        let index = bundle::Index::new(&entries).map_err(refuse)?;
        bundle::check_references(&entries, &index).map_err(refuse)?;
        let ctx = context::Ctx {
            entries: &entries,
            index: &index,
            now,
        };
        parse::parse(&ctx).map_err(refuse)?
    };
    // In the write-ahead log, as the roster import, not under the rollback
    // journal of `Store::bulk_write` (issue 13). Killed half-way, a load
    // under a rollback journal leaves the database file holding part of it
    // (the pages that did not fit in the cache), and only the journal beside
    // it can undo that: a check read-only could not, and a copy of the file
    // without its journal was damaged or held the half import. In WAL a
    // killed load's pages sit uncommitted in the log, where nothing reads
    // them: there is nothing to roll back. And other sessions keep reading
    // and writing while it loads (under the rollback journal they could not
    // even open the file once the cache spilled). The price is every page
    // written twice, to the log and then to the file: 21 MB instead of 11
    // for a 1,000-patient bundle, in less time (no journal to sync).
    let rules = store.clock_rules();
    store
        .write(|tx| tx.bulk_load(|tx| load::load(tx, &parsed, &source, &rules)))
        .map_err(|e| refuse(e.to_string()))
}

/// A JSON syntax error as one line: what, and where (serde_json's messages
/// for syntax never quote the text).
fn json_problem(error: &serde_json::Error) -> String {
    json_problem_from(error, 1, 1)
}

/// As [`json_problem`], for JSON that starts at `line` and `column` of its
/// file (an entry of a bundle read on its own), placed in the file.
fn json_problem_from(error: &serde_json::Error, line: usize, column: usize) -> String {
    let (line, column) = if error.line() <= 1 {
        (line, column + error.column().saturating_sub(1))
    } else {
        (line + error.line() - 1, error.column())
    };
    let message = error.to_string();
    let what = message
        .rsplit_once(" at line ")
        .map_or(message.as_str(), |(what, _)| what);
    match error.classify() {
        serde_json::error::Category::Io => format!("cannot read it ({what})"),
        serde_json::error::Category::Eof => {
            format!("it is not valid JSON: it ends too early, at line {line}, column {column}")
        }
        _ => format!("it is not valid JSON: {what} at line {line}, column {column}"),
    }
}

fn check_is_bundle(json: &Value) -> Result<(), String> {
    let Some(object) = json.as_object() else {
        return Err("it is JSON but not a FHIR Bundle (not a JSON object)".into());
    };
    match object.get("resourceType").and_then(Value::as_str) {
        Some("Bundle") => Ok(()),
        // A resource type is a name of letters; anything else is not echoed.
        Some(other) if other.len() <= 64 && other.chars().all(|c| c.is_ascii_alphabetic()) => {
            Err(format!("it is a FHIR {other}, not a Bundle"))
        }
        Some(_) => {
            Err("it is JSON but not a FHIR Bundle (its resourceType is no resource's)".into())
        }
        None => Err("it is JSON but not a FHIR Bundle (it has no resourceType)".into()),
    }
}
