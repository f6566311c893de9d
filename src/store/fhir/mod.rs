//! The rows behind a FHIR export and import: every exported column of every
//! table tend keeps about patients, read whole and written back with their
//! ids. `crate::fhir` maps these rows to FHIR resources and back; this is the
//! only part of that work that speaks SQL. The patient and its goals are the
//! domain's own types, read and written through the store's one mapping of
//! their rows (`patient.rs`, `goal.rs`).
//!
//! Not here: the audit trail (never exported), drafts (a note is exported
//! once it is signed), and each row's edit bookkeeping (`version`,
//! `updated_at`, a note's `started_at`), which exists for tend's own
//! conflict checks and starts afresh in the database a bundle is imported
//! into.

mod encounters;
mod loops;
mod read;
mod rows;
mod screenings;
mod write;

pub use encounters::ClockRules;
pub use loops::*;
pub use rows::*;
pub use screenings::ScreeningRow;
pub use write::LastIds;
