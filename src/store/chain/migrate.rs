//! Schema version 8: the audit trail becomes a hash chain.

use rusqlite::{params, Transaction};

use super::{append, row_hash, seal_notes_after, values, NewRow, Seal, GENESIS, ROW_COLUMNS};
use crate::store::schema::Upgrade;
use crate::store::write::utc_text;

const V8_COLUMNS: &str = "
ALTER TABLE audit_event ADD COLUMN content_hash BLOB;   -- what the row seals
ALTER TABLE audit_event ADD COLUMN sealed_from INTEGER; -- a load's first note
ALTER TABLE audit_event ADD COLUMN prev_hash BLOB;      -- the row before's hash
ALTER TABLE audit_event ADD COLUMN chain_hash BLOB;     -- this row's hash
";

/// Rows of the trail are written once and kept: tend never changes or
/// removes one. Someone with the file in hand can drop these triggers, which
/// is why the chain, not the triggers, is what `tend audit verify` trusts.
const V8_TRIGGERS: &str = "
CREATE TRIGGER audit_event_is_final BEFORE UPDATE ON audit_event
BEGIN
    SELECT RAISE(ABORT, 'the audit trail cannot be changed');
END;
CREATE TRIGGER audit_event_is_kept BEFORE DELETE ON audit_event
BEGIN
    SELECT RAISE(ABORT, 'the audit trail cannot be changed');
END;
";

/// Chains the rows already in the trail, in the order of their ids, then
/// seals the notes already signed with one row written by whoever upgrades
/// the file: from here on, a change to either is found. (What happened to
/// them before the upgrade, the chain cannot tell.)
pub(crate) fn v8_audit_chain(tx: &Transaction<'_>, by: &Upgrade<'_>) -> rusqlite::Result<()> {
    tx.execute_batch(V8_COLUMNS)?;
    let mut prev = GENESIS;
    let mut last_id = 0;
    {
        let mut read = tx.prepare(&format!(
            "SELECT {ROW_COLUMNS} FROM audit_event ORDER BY id"
        ))?;
        let mut write =
            tx.prepare("UPDATE audit_event SET prev_hash = ?2, chain_hash = ?3 WHERE id = ?1")?;
        let mut rows = read.query([])?;
        while let Some(row) = rows.next()? {
            let id: i64 = row.get(0)?;
            let hash = row_hash(&prev, &values(row)?);
            write.execute(params![id, &prev[..], &hash[..]])?;
            (prev, last_id) = (hash, id);
        }
    }
    if let Some(sealed) = seal_notes_after(tx, 0)? {
        append(
            tx,
            Some((last_id, prev)),
            &NewRow {
                recorded_at: &utc_text(by.now),
                agent: by.agent,
                action: "E",
                entity_type: "Communication",
                entity_id: Some(sealed.last),
                patient_id: None,
                detail: Some(&format!(
                    "sealed {} signed notes at the upgrade to the audit chain",
                    sealed.count
                )),
                seal: Some(Seal {
                    hash: sealed.hash,
                    from: Some(sealed.first),
                }),
            },
        )?;
    }
    tx.execute_batch(V8_TRIGGERS)
}
