//! What tend writes out of the store for people to read: today's tasks
//! (`tend today`), the spreadsheet reports (`tend export csv`) and a
//! patient's care plan as Markdown (`tend export careplan`, and `E` on the
//! screen). Each writes the audit row of what it reads, then builds text
//! (or a value serialised to JSON) or, for the reports that grow with the
//! program, writes it to the writer it is given as it reads; none prints:
//! the CLI prints, and the screen shows a message.
//!
//! Below the app and the CLI, above the store: reports use `domain`,
//! `store` and the text cleaner, never what draws or prints.

pub mod audit;
pub mod careplan;
pub mod csv;
pub mod today;

use crate::store::StoreError;

/// A report that failed while it was written: reading the store, or
/// writing out (a closed pipe, a full disk).
#[derive(Debug, thiserror::Error)]
pub enum StreamError {
    #[error(transparent)]
    Store(#[from] StoreError),
    #[error(transparent)]
    Write(#[from] std::io::Error),
}
