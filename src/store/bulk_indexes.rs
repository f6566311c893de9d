//! The indexes a bulk load into an empty store builds after its rows
//! instead of row by row.
//!
//! Why: their keys arrive in no order (names, dates, owners, risk), so each
//! row's entry lands on a random page of a b-tree far bigger than the page
//! cache, and a patient's "last contact" rewrote two of them at each note
//! that reached someone. `CREATE INDEX` over the finished table sorts the
//! keys once and writes each page once. Each is built again from its own
//! text in `sqlite_schema`, so it is the index the schema declares.
//!
//! Only indexes that no statement of a load searches by: the load reads
//! patients by id, tasks by patient or by id, loops by task, notes by
//! patient, and those indexes stay. None of these is UNIQUE, so no
//! constraint goes unchecked while they are away.

use rusqlite::{OptionalExtension, Transaction};

use super::StoreError;

/// Indexes built after a load into an empty store (see the module's note).
const BUILT_AFTER_LOAD: [&str; 17] = [
    "patient_by_coordinator_name",
    "patient_by_name",
    "patient_by_coordinator_risk",
    "patient_by_coordinator_contact",
    "patient_by_risk",
    "patient_by_contact",
    "patient_by_next_due",
    "task_open_by_owner",
    "task_open_by_due",
    "task_by_previous",
    "task_by_goal",
    "communication_by_part_of",
    "appointment_booked",
    "appointment_by_start",
    "referral_open",
    "referral_by_goal",
    "prior_auth_open",
];

/// Indexes taken off for a load, with the statements that make them again.
#[derive(Debug, Default)]
pub(crate) struct DeferredIndexes {
    create: Vec<String>,
}

/// Drops the indexes of [`BUILT_AFTER_LOAD`] when the store holds no
/// patients yet (a new caseload: `tend gen`). A load into a store that has
/// data keeps them: building them again over every row already there would
/// cost more than the load's own entries.
pub(crate) fn defer(tx: &Transaction<'_>) -> Result<DeferredIndexes, StoreError> {
    let empty: bool = tx.query_row("SELECT NOT EXISTS (SELECT 1 FROM patient)", [], |r| {
        r.get(0)
    })?;
    let mut deferred = DeferredIndexes::default();
    if !empty {
        return Ok(deferred);
    }
    for name in BUILT_AFTER_LOAD {
        let sql: Option<String> = tx
            .query_row(
                "SELECT sql FROM sqlite_schema WHERE type = 'index' AND name = ?1",
                [name],
                |r| r.get(0),
            )
            .optional()?;
        // A schema without it (an older or newer version) has nothing to defer.
        if let Some(sql) = sql {
            tx.execute_batch(&format!("DROP INDEX {name}"))?;
            deferred.create.push(sql);
        }
    }
    Ok(deferred)
}

impl DeferredIndexes {
    /// Builds every index [`defer`] dropped, from its own statement.
    pub(crate) fn build(self, tx: &Transaction<'_>) -> Result<(), StoreError> {
        for sql in self.create {
            tx.execute_batch(&sql)?;
        }
        Ok(())
    }
}
