//! The audit trail as a hash chain (issue 15, item 6): a trail and signed
//! notes changed behind tend's back, each way the issue names — a changed
//! field, a removed row, a row inserted, two rows swapped, the whole chain
//! recomputed, a signed note changed or removed — found by `verify` with
//! the message each gets. Real SQLite files in a temp dir; the tampering is
//! done as someone with the file and `sqlite3` would: triggers dropped, rows
//! changed, triggers put back.

mod common;

use std::path::{Path, PathBuf};

use chrono::{TimeZone, Utc};
use rusqlite::types::ValueRef;
use rusqlite::{params, Connection};
use sha2::{Digest, Sha256};
use tend::domain::note::{Direction, Method, NoteHeader, Outcome, Party};
use tend::store::{verify_file, ChainProblem, Head};
use tend::synth::{generate, GenParams};

use common::open;

/// What the tests tamper with, by id.
struct Trail {
    db: PathBuf,
    /// The head as a backup would have recorded it, before any tampering.
    head: Head,
    /// A note signed on the screen (sealed by a row of its own).
    signed_note: i64,
    /// The row that sealed it.
    signing_row: i64,
    /// A note the generator wrote (sealed with the rest of its load).
    generated_note: i64,
    /// The row that sealed the generator's notes.
    load_row: i64,
}

/// A generated caseload of 12, then records viewed, a note signed and an
/// addendum, as on the screen.
fn trail(dir: &Path) -> Trail {
    let db = dir.join("trail.db");
    let mut store = open(&db, "ccuser");
    generate(
        &mut store,
        &GenParams {
            patients: 12,
            seed: 7,
            user: "ccuser".into(),
        },
    )
    .unwrap();
    let header = NoteHeader {
        method: Method::Phone,
        direction: Direction::Outbound,
        party: Party::Patient,
        outcome: Outcome::Reached,
        minutes: 5,
    };
    // Records viewed: the rows the tests of the trail itself tamper with
    // (from row 3 on, after the generator's two).
    for patient in 1..=8 {
        let _ = store.record_view(patient);
    }
    let started = Utc.with_ymd_and_hms(2026, 11, 24, 13, 50, 0).unwrap();
    // A patient without a draft already (the generator leaves some).
    let patient = (1..=12)
        .find(|&p| store.draft(p).unwrap().is_none())
        .unwrap();
    store
        .save_draft(
            patient,
            &header.into(),
            "Called about the refill.",
            started,
            None,
        )
        .unwrap();
    let seen = store.draft(patient).unwrap().unwrap().version;
    let signed_note = store.sign_note(patient, seen).unwrap();
    store
        .add_addendum(signed_note, "Pharmacy confirmed.")
        .unwrap();
    // Two more views: the last rows of the trail seal nothing.
    for patient in [1, 2] {
        let _ = store.record_view(patient);
    }
    let head = store.audit_head().unwrap().unwrap();
    drop(store);
    let conn = Connection::open(&db).unwrap();
    let signing_row = conn
        .query_row(
            "SELECT id FROM audit_event WHERE entity_id = ?1 AND detail = 'sign'",
            [signed_note],
            |r| r.get(0),
        )
        .unwrap();
    let (load_row, generated_note): (i64, i64) = conn
        .query_row(
            "SELECT id, sealed_from FROM audit_event WHERE sealed_from IS NOT NULL",
            [],
            |r| Ok((r.get(0)?, r.get(1)?)),
        )
        .unwrap();
    Trail {
        db,
        head,
        signed_note,
        signing_row,
        generated_note,
        load_row,
    }
}

/// Opens the file as `sqlite3` would, with tend's guards dropped: what
/// someone with the file in hand can do.
fn tamper(db: &Path, sql: &str) {
    let conn = Connection::open(db).unwrap();
    conn.execute_batch(
        "DROP TRIGGER IF EXISTS audit_event_is_final; DROP TRIGGER IF EXISTS audit_event_is_kept;
         DROP TRIGGER IF EXISTS communication_signed_is_final;
         DROP TRIGGER IF EXISTS communication_signed_is_kept;",
    )
    .unwrap();
    conn.execute_batch(sql).unwrap();
}

fn problems(db: &Path, heads: &[Head]) -> Vec<ChainProblem> {
    verify_file(db, heads).unwrap().problems
}

fn messages(db: &Path, heads: &[Head]) -> Vec<String> {
    problems(db, heads).iter().map(|p| p.to_string()).collect()
}

#[test]
fn an_untouched_trail_is_whole_and_its_head_is_the_last_row() {
    let dir = tempfile::tempdir().unwrap();
    let t = trail(dir.path());
    let report = verify_file(&t.db, &[t.head]).unwrap();
    assert_eq!(report.problems, vec![]);
    assert!(report.is_whole());
    assert_eq!(report.head, Some(t.head));
    assert_eq!(report.heads_checked, 1);
    let conn = Connection::open(&t.db).unwrap();
    let (rows, notes): (u64, u64) = conn
        .query_row(
            "SELECT (SELECT count(*) FROM audit_event),
                    (SELECT count(*) FROM communication WHERE status = 'completed')",
            [],
            |r| Ok((r.get(0)?, r.get(1)?)),
        )
        .unwrap();
    assert_eq!((report.rows, report.notes), (rows, notes));
    assert!(notes > 12, "the generator's notes and the two signed here");
}

#[test]
fn tend_itself_cannot_change_or_remove_a_row() {
    let dir = tempfile::tempdir().unwrap();
    let t = trail(dir.path());
    let conn = Connection::open(&t.db).unwrap();
    for sql in [
        "UPDATE audit_event SET agent = 'someone' WHERE id = 1",
        "DELETE FROM audit_event WHERE id = 1",
    ] {
        let error = conn.execute(sql, []).unwrap_err().to_string();
        assert!(
            error.contains("the audit trail cannot be changed"),
            "{error}"
        );
    }
}

#[test]
fn a_changed_field_names_its_row() {
    let dir = tempfile::tempdir().unwrap();
    let t = trail(dir.path());
    tamper(
        &t.db,
        "UPDATE audit_event SET agent = 'someone-else' WHERE id = 3",
    );
    assert_eq!(
        messages(&t.db, &[]),
        ["audit row 3 was changed after it was written: its contents no longer give its hash"]
    );
}

#[test]
fn a_removed_row_is_named() {
    let dir = tempfile::tempdir().unwrap();
    let t = trail(dir.path());
    tamper(&t.db, "DELETE FROM audit_event WHERE id = 3");
    assert_eq!(
        messages(&t.db, &[]),
        ["audit row 3 was removed: row 4 was chained to another row than 2"]
    );
    tamper(&t.db, "DELETE FROM audit_event WHERE id IN (5, 6)");
    assert_eq!(
        problems(&t.db, &[])[1],
        ChainProblem::Broken {
            row: 7,
            after: Some(4)
        }
    );
    assert_eq!(
        messages(&t.db, &[])[1],
        "audit rows 5–6 were removed: row 7 was chained to another row than 4"
    );
}

#[test]
fn the_first_rows_removed_are_found() {
    let dir = tempfile::tempdir().unwrap();
    let t = trail(dir.path());
    tamper(&t.db, "DELETE FROM audit_event WHERE id <= 2");
    // The generator's rows went with them, its seal among them: the notes
    // it wrote are sealed by nothing now, said as one run.
    let last_generated = t.signed_note - 1;
    assert_eq!(
        messages(&t.db, &[]),
        [
            "audit row 3 is now the first row but was chained to another: the rows before it were removed".to_string(),
            format!(
                "signed notes {}–{last_generated} are sealed by no audit row: they were written behind tend's back, or the row that sealed them was removed",
                t.generated_note
            )
        ]
    );
}

#[test]
fn a_row_inserted_without_a_hash_is_named() {
    let dir = tempfile::tempdir().unwrap();
    let t = trail(dir.path());
    tamper(
        &t.db,
        "INSERT INTO audit_event (recorded_at, agent, action, entity_type, patient_id, detail)
         VALUES ('2026-11-24T12:00:00Z', 'ccuser', 'R', 'Patient', 1, 'view')",
    );
    let row = t.head.row + 1;
    assert_eq!(
        messages(&t.db, &[]),
        [format!(
            "audit row {row} has no hash: it was written behind tend's back"
        )]
    );
}

#[test]
fn a_row_inserted_with_hashes_copied_from_another_is_found() {
    let dir = tempfile::tempdir().unwrap();
    let t = trail(dir.path());
    // A copy of row 4 slipped in after the head, hashes and all.
    tamper(
        &t.db,
        "INSERT INTO audit_event
           SELECT (SELECT max(id) + 1 FROM audit_event), recorded_at, agent, action,
                  entity_type, entity_id, patient_id, detail, content_hash, sealed_from,
                  prev_hash, chain_hash
             FROM audit_event WHERE id = 4",
    );
    let row = t.head.row + 1;
    assert_eq!(
        problems(&t.db, &[]),
        [
            ChainProblem::Broken {
                row,
                after: Some(t.head.row)
            },
            ChainProblem::Changed { row }
        ]
    );
}

#[test]
fn two_rows_swapped_are_both_named() {
    let dir = tempfile::tempdir().unwrap();
    let t = trail(dir.path());
    // Everything but the ids swapped: row 4 now reads as row 5 did.
    tamper(
        &t.db,
        "CREATE TEMP TABLE saved AS SELECT * FROM audit_event WHERE id IN (4, 5);
         UPDATE audit_event SET
           (recorded_at, agent, action, entity_type, entity_id, patient_id, detail,
            content_hash, sealed_from, prev_hash, chain_hash) =
           (SELECT recorded_at, agent, action, entity_type, entity_id, patient_id, detail,
                   content_hash, sealed_from, prev_hash, chain_hash
              FROM saved WHERE saved.id = 9 - audit_event.id)
         WHERE id IN (4, 5);",
    );
    assert_eq!(
        problems(&t.db, &[]),
        [
            ChainProblem::Broken {
                row: 4,
                after: Some(3)
            },
            ChainProblem::Changed { row: 4 },
            ChainProblem::Broken {
                row: 5,
                after: Some(4)
            },
            ChainProblem::Changed { row: 5 },
            ChainProblem::Broken {
                row: 6,
                after: Some(5)
            },
        ]
    );
}

/// The documented scheme (store::chain), written again here from its
/// description: each value's type, length and bytes after the previous
/// row's hash.
fn recompute_chain(conn: &Connection) {
    let mut prev = [0u8; 32];
    let ids: Vec<i64> = conn
        .prepare("SELECT id FROM audit_event ORDER BY id")
        .unwrap()
        .query_map([], |r| r.get(0))
        .unwrap()
        .map(Result::unwrap)
        .collect();
    for id in ids {
        let hash: [u8; 32] = conn
            .query_row(
                "SELECT id, recorded_at, agent, action, entity_type, entity_id, patient_id,
                        detail, content_hash, sealed_from FROM audit_event WHERE id = ?1",
                [id],
                |row| {
                    let mut hasher = Sha256::new();
                    hasher.update(b"tend audit row v1\0");
                    hasher.update(prev);
                    for i in 0..10 {
                        let (tag, bytes): (u8, Vec<u8>) = match row.get_ref(i)? {
                            ValueRef::Null => (0, vec![]),
                            ValueRef::Integer(n) => (1, n.to_le_bytes().to_vec()),
                            ValueRef::Real(x) => (2, x.to_le_bytes().to_vec()),
                            ValueRef::Text(t) => (3, t.to_vec()),
                            ValueRef::Blob(b) => (4, b.to_vec()),
                        };
                        hasher.update([tag]);
                        hasher.update((bytes.len() as u64).to_le_bytes());
                        hasher.update(&bytes);
                    }
                    Ok(hasher.finalize().into())
                },
            )
            .unwrap();
        conn.execute(
            "UPDATE audit_event SET prev_hash = ?2, chain_hash = ?3 WHERE id = ?1",
            params![id, &prev[..], &hash[..]],
        )
        .unwrap();
        prev = hash;
    }
}

#[test]
fn a_chain_recomputed_after_tampering_does_not_hold_the_head_recorded_before() {
    let dir = tempfile::tempdir().unwrap();
    let t = trail(dir.path());
    tamper(
        &t.db,
        "UPDATE audit_event SET agent = 'someone-else' WHERE id = 3",
    );
    recompute_chain(&Connection::open(&t.db).unwrap());
    // Whole again as a chain: only the head recorded earlier tells.
    assert_eq!(problems(&t.db, &[]), []);
    assert_eq!(
        problems(&t.db, &[t.head]),
        [ChainProblem::HeadDiffers { head: t.head }]
    );
    let message = &messages(&t.db, &[t.head])[0];
    assert!(
        message.starts_with(&format!(
            "audit row {} no longer has the hash recorded earlier (",
            t.head.row
        )) && message.ends_with("…): the trail up to it was rewritten"),
        "{message}"
    );
}

#[test]
fn rows_removed_from_the_end_are_found_by_the_head_recorded_before() {
    let dir = tempfile::tempdir().unwrap();
    let t = trail(dir.path());
    tamper(
        &t.db,
        &format!("DELETE FROM audit_event WHERE id >= {}", t.head.row - 1),
    );
    assert_eq!(problems(&t.db, &[]), [], "the chain alone cannot tell");
    assert_eq!(
        messages(&t.db, &[t.head]),
        [format!(
            "the head recorded earlier (audit row {}) is no longer in the trail: rows were removed from its end",
            t.head.row
        )]
    );
}

#[test]
fn a_signed_note_changed_behind_tends_back_is_named_with_its_signing_row() {
    let dir = tempfile::tempdir().unwrap();
    let t = trail(dir.path());
    tamper(
        &t.db,
        &format!(
            "UPDATE communication SET body = 'Patient declined all services.' WHERE id = {};
             CREATE TRIGGER communication_signed_is_final BEFORE UPDATE ON communication
                 WHEN OLD.status = 'completed'
             BEGIN SELECT RAISE(ABORT, 'a signed note cannot be changed; add an addendum'); END;",
            t.signed_note
        ),
    );
    assert_eq!(
        messages(&t.db, &[]),
        [format!(
            "signed note {} was changed after it was signed: it no longer matches audit row {}, which sealed it",
            t.signed_note, t.signing_row
        )]
    );
}

#[test]
fn a_signed_note_removed_or_unsigned_is_named() {
    let dir = tempfile::tempdir().unwrap();
    let t = trail(dir.path());
    tamper(
        &t.db,
        &format!(
            "UPDATE communication SET status = 'preparation' WHERE id = {}",
            t.signed_note
        ),
    );
    assert_eq!(
        messages(&t.db, &[]),
        [format!(
            "signed note {}, sealed by audit row {}, is gone or no longer signed",
            t.signed_note, t.signing_row
        )]
    );
}

#[test]
fn a_generated_note_changed_or_removed_names_the_load_that_sealed_it() {
    let dir = tempfile::tempdir().unwrap();
    let t = trail(dir.path());
    let last: i64 = Connection::open(&t.db)
        .unwrap()
        .query_row(
            "SELECT entity_id FROM audit_event WHERE id = ?1",
            [t.load_row],
            |r| r.get(0),
        )
        .unwrap();
    let expected = [ChainProblem::LoadChanged {
        row: t.load_row,
        first: t.generated_note,
        last,
    }];
    tamper(
        &t.db,
        &format!(
            "UPDATE communication SET outcome = 'no-answer' WHERE id = {}",
            t.generated_note + 1
        ),
    );
    assert_eq!(problems(&t.db, &[]), expected);
    assert_eq!(
        messages(&t.db, &[])[0],
        format!(
            "the signed notes {}–{last} sealed by audit row {} were changed, removed or added to behind tend's back",
            t.generated_note, t.load_row
        )
    );
    let dir = tempfile::tempdir().unwrap();
    let t = trail(dir.path());
    tamper(
        &t.db,
        &format!(
            "DELETE FROM communication WHERE id = {}",
            t.generated_note + 2
        ),
    );
    assert_eq!(problems(&t.db, &[]), expected);
}

#[test]
fn a_signed_note_slipped_in_is_sealed_by_no_row() {
    let dir = tempfile::tempdir().unwrap();
    let t = trail(dir.path());
    tamper(
        &t.db,
        "INSERT INTO communication (patient_id, sent_at, medium, direction, recipient, outcome, body)
         VALUES (1, '2026-11-20T15:00:00Z', 'phone', 'outbound', 'patient', 'reached',
                 'Patient agreed to stop treatment.')",
    );
    let note: i64 = Connection::open(&t.db)
        .unwrap()
        .query_row("SELECT max(id) FROM communication", [], |r| r.get(0))
        .unwrap();
    assert_eq!(
        messages(&t.db, &[]),
        [format!(
            "signed note {note} is sealed by no audit row: it was written behind tend's back, or the row that sealed it was removed"
        )]
    );
}

#[test]
fn a_head_is_written_and_read_back() {
    let dir = tempfile::tempdir().unwrap();
    let t = trail(dir.path());
    let line = t.head.to_string();
    assert!(line.starts_with(&format!("tend-audit-head row={} sha256=", t.head.row)));
    let text = format!("# kept by the backup\n{line} at=2026-11-24T09:00:00-05:00 db=/x/y z.db\n");
    assert_eq!(Head::parse_all(&text).unwrap(), [t.head]);
    assert_eq!(
        Head::parse_all("tend-audit-head row=12 sha256=abc").unwrap_err(),
        "line 1: not a head tend wrote (tend-audit-head row=ID sha256=HEX)"
    );
}

/// A database of schema 7 — its trail ordinary rows, its notes signed
/// before the chain — upgraded by opening it: its rows chained in the
/// order of their ids, its signed notes sealed by one row written by who
/// upgraded it, and from then on a change to either is found.
#[test]
fn an_older_trail_and_its_signed_notes_are_chained_at_the_upgrade() {
    use tend::store::schema::{Upgrade, MIGRATIONS};
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("v7.db");
    {
        let conn = Connection::open(&db).unwrap();
        let tx = conn.unchecked_transaction().unwrap();
        let by = Upgrade {
            agent: "ccuser",
            now: chrono::DateTime::UNIX_EPOCH,
        };
        for migration in &MIGRATIONS[..7] {
            migration.apply(&tx, &by).unwrap();
        }
        tx.commit().unwrap();
        conn.execute_batch(
            "PRAGMA user_version = 7;
             INSERT INTO practitioner (id, username, display_name) VALUES (1, 'ccuser', 'ccuser');
             INSERT INTO patient (id, member_id, family_name, given_name, birth_date,
               enrollment_status, risk_tier, coordinator_id)
               VALUES (1, 'SYN1', 'Testa', 'Una', '1970-01-02', 'enrolled', 2, 1);
             INSERT INTO communication (id, patient_id, author_id, sent_at, medium, direction,
               recipient, outcome, duration_minutes, body, status, started_at, signed_at)
               VALUES (7, 1, 1, '2026-11-20T14:00:00Z', 'phone', 'outbound', 'patient',
                       'reached', 4, 'Spoke about the refill', 'completed',
                       '2026-11-20T14:00:00Z', '2026-11-20T14:05:00Z'),
                      (8, 1, 1, '2026-11-21T14:00:00Z', 'phone', 'outbound', 'patient',
                       'no-answer', 1, 'No answer', 'completed',
                       '2026-11-21T14:00:00Z', '2026-11-21T14:01:00Z');
             INSERT INTO audit_event (recorded_at, agent, action, entity_type, entity_id,
               patient_id, detail)
               VALUES ('2026-11-20T14:05:00Z', 'ccuser', 'U', 'Communication', 7, 1, 'sign'),
                      ('2026-11-21T14:01:00Z', 'ccuser', 'U', 'Communication', 8, 1, 'sign'),
                      ('2026-11-22T09:00:00Z', 'ccuser', 'R', 'Patient', 1, 1, NULL);",
        )
        .unwrap();
    }
    // Opened by tend: upgraded.
    drop(open(&db, "cc-admin"));
    let report = verify_file(&db, &[]).unwrap();
    assert_eq!(report.problems, []);
    assert_eq!((report.rows, report.notes), (4, 2));
    let conn = Connection::open(&db).unwrap();
    let (agent, detail, from, to): (String, String, i64, i64) = conn
        .query_row(
            "SELECT agent, detail, sealed_from, entity_id FROM audit_event WHERE id = 4",
            [],
            |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?, r.get(3)?)),
        )
        .unwrap();
    assert_eq!(
        (agent.as_str(), detail.as_str(), from, to),
        (
            "cc-admin",
            "sealed 2 signed notes at the upgrade to the audit chain",
            7,
            8
        )
    );
    drop(conn);
    // A row from before the upgrade changed, and a note signed before it.
    tamper(
        &db,
        "UPDATE audit_event SET detail = 'export' WHERE id = 3;
         UPDATE communication SET body = 'Declined all services' WHERE id = 7;",
    );
    assert_eq!(
        problems(&db, &[]),
        [
            ChainProblem::Changed { row: 3 },
            ChainProblem::LoadChanged {
                row: 4,
                first: 7,
                last: 8
            }
        ]
    );
}
