//! The indexes (and loop search triggers) a bulk load into an empty store
//! builds after its rows instead of row by row.
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
//!
//! The loops' search update triggers too: the generator moves each loop
//! along after inserting it, and each move deleted and wrote its search
//! entry again, flushing FTS5's pending terms at each statement. In an
//! empty store every loop is the load's own, and the load's end indexes
//! each one with its final text (see `Tx::bulk_load`).

use rusqlite::{OptionalExtension, Transaction};

use super::StoreError;

/// Indexes and triggers made after a load into an empty store (see the
/// module's note).
const MADE_AFTER_LOAD: [&str; 26] = [
    "patient_by_coordinator_name",
    "patient_by_name",
    "patient_by_given_name",
    "patient_by_coordinator_risk",
    "patient_by_coordinator_contact",
    "patient_by_risk",
    "patient_by_contact",
    "patient_by_next_due",
    "patient_sort_keys",
    "patient_bucket_insert",
    "patient_bucket_delete",
    "patient_bucket_update",
    "task_open_by_owner",
    "task_open_by_due",
    "task_by_previous",
    "task_by_goal",
    "task_open_by_rank",
    "communication_by_part_of",
    "appointment_booked",
    "appointment_by_start",
    "referral_open",
    "referral_by_goal",
    "prior_auth_open",
    "referral_fts_update",
    "appointment_fts_update",
    "prior_auth_fts_update",
];

/// Indexes and triggers taken off for a load, with the statements that
/// make them again.
#[derive(Debug, Default)]
pub(crate) struct Deferred {
    create: Vec<String>,
    names: Vec<&'static str>,
}

/// Drops the indexes and triggers of [`MADE_AFTER_LOAD`] when the store holds no
/// patients yet (a new caseload: `tend gen`). A load into a store that has
/// data keeps them: building them again over every row already there would
/// cost more than the load's own entries.
pub(crate) fn defer(tx: &Transaction<'_>) -> Result<Deferred, StoreError> {
    let empty: bool = tx.query_row("SELECT NOT EXISTS (SELECT 1 FROM patient)", [], |r| {
        r.get(0)
    })?;
    let mut deferred = Deferred::default();
    if !empty {
        return Ok(deferred);
    }
    for name in MADE_AFTER_LOAD {
        let found: Option<(String, String)> = tx
            .query_row(
                "SELECT type, sql FROM sqlite_schema
                  WHERE type IN ('index', 'trigger') AND name = ?1",
                [name],
                |r| Ok((r.get(0)?, r.get(1)?)),
            )
            .optional()?;
        // A schema without it (an older or newer version) has nothing to defer.
        if let Some((kind, sql)) = found {
            tx.execute_batch(&format!("DROP {kind} {name}"))?;
            deferred.create.push(sql);
            deferred.names.push(name);
        }
    }
    Ok(deferred)
}

impl Deferred {
    /// Whether [`defer`] took `name` off.
    pub(crate) fn holds(&self, name: &str) -> bool {
        self.names.contains(&name)
    }

    /// Makes every index and trigger [`defer`] dropped, from its own statement.
    pub(crate) fn build(self, tx: &Transaction<'_>) -> Result<(), StoreError> {
        for sql in self.create {
            tx.execute_batch(&sql)?;
        }
        Ok(())
    }
}

/// The search indexes a bulk load fills at its end (see `Tx::bulk_load`).
const SEARCH_INDEXES: [&str; 5] = [
    "communication_fts",
    "patient_name_index",
    "referral_fts",
    "appointment_fts",
    "prior_auth_fts",
];

/// FTS5's buffer of pending terms while a load fills the search indexes:
/// 256 MiB, where FTS5 keeps 1 MiB. Each time the buffer is full FTS5
/// writes a segment, and segments are merged four at a time, so with the
/// small buffer two million notes' terms were written and merged again
/// some hundred times (at 100,000 patients the notes' index took 10-11 s
/// of CPU to fill, 7 s with this buffer, measured with the `sqlite3` shell).
/// The buffer is memory only as terms fill it.
const FILL_BUFFER_BYTES: i64 = 256 << 20;

/// Runs `fill` with each search index's buffer at [`FILL_BUFFER_BYTES`],
/// then leaves the indexes' settings as they were: FTS5 keeps a setting
/// in its `_config` table, and none of tend's indexes has one of its own.
pub(crate) fn with_big_fill_buffer<T>(
    tx: &Transaction<'_>,
    fill: impl FnOnce() -> Result<T, StoreError>,
) -> Result<T, StoreError> {
    let set = |bytes: i64| -> Result<(), StoreError> {
        for index in SEARCH_INDEXES {
            tx.execute(
                &format!("INSERT INTO {index} ({index}, rank) VALUES ('hashsize', ?1)"),
                [bytes],
            )?;
        }
        Ok(())
    };
    set(FILL_BUFFER_BYTES)?;
    let filled = fill()?;
    // FTS5's own default, for the rest of this connection's use...
    set(1 << 20)?;
    // ...and no setting on file, as the schema made them.
    for index in SEARCH_INDEXES {
        tx.execute(
            &format!("DELETE FROM {index}_config WHERE k = 'hashsize'"),
            [],
        )?;
    }
    Ok(filled)
}
