//! The search of the loops from `:` (Store::search_loops), through the loop
//! tables' full-text indexes (schema version 14), against real SQLite
//! files: words typed in part, accents and phone numbers, an authorization
//! number written when the payer approves, the latest first up to the
//! limit, a generated caseload indexed by its bulk load, and a database
//! made before the indexes existed indexed when it is upgraded. The
//! tests' today is Tuesday 24 November 2026.

mod common;

use common::loops::{at, date, store};
use rusqlite::Connection;
use tend::domain::authorization::AuthStatus;
use tend::domain::referral::{ReferralKind, Urgency};
use tend::store::{
    check_file, AuthMove, LoopKind, NewAppointment, NewAuthorization, NewReferral, Store,
};
use tend::synth::{self, GenParams};

fn referral(patient_id: i64, to_name: &str) -> NewReferral {
    NewReferral {
        patient_id,
        kind: ReferralKind::Community,
        urgency: Urgency::Routine,
        reason: "Food insecurity: no groceries at the end of the month".into(),
        need_id: None,
        goal_id: None,
        to_name: to_name.into(),
        to_phone: Some("(555) 555-0142".into()),
        service_ref: None,
        sent: true,
    }
}

fn authorization(patient_id: i64) -> NewAuthorization {
    NewAuthorization {
        patient_id,
        payer: "Synthetic Health Plan".into(),
        item: "Home health aide".into(),
        item_system: Some("hcpcs".into()),
        item_code: Some("G0156".into()),
        diagnosis_code: None,
        submitted: true,
    }
}

/// What a search finds, as (kind, what).
fn found(store: &Store, words: &str) -> Vec<(LoopKind, String)> {
    store
        .search_loops(words, 50)
        .unwrap()
        .into_iter()
        .map(|l| (l.kind, l.what))
        .collect()
}

#[test]
fn words_in_part_accents_and_phone_numbers_find_their_loops() {
    let dir = tempfile::tempdir().unwrap();
    let (mut store, patient) = store(dir.path());
    store
        .add_referral(&referral(patient, "Synthetic Pantry Clínica"))
        .unwrap();
    store
        .book_appointment(&NewAppointment {
            patient_id: patient,
            starts_at: at(2026, 12, 3, 10),
            minutes: Some(30),
            with_whom: "Synthetic Cardiology".into(),
            place: Some("Clinic B, second floor".into()),
            reason: "Heart failure follow-up".into(),
            referral_id: None,
            transport_needed: false,
            transport_arranged: false,
            interpreter_needed: false,
            interpreter_arranged: false,
        })
        .unwrap();
    store.add_authorization(&authorization(patient)).unwrap();

    let referral_found = vec![(LoopKind::Referral, "Synthetic Pantry Clínica".to_string())];
    assert_eq!(
        found(&store, "pant clinica"),
        referral_found,
        "prefixes, accent"
    );
    assert_eq!(found(&store, "PANTRY groceries"), referral_found, "reason");
    assert_eq!(found(&store, "555-0142"), referral_found, "phone");
    assert_eq!(
        found(&store, "cardio second"),
        [(LoopKind::Appointment, "Synthetic Cardiology".to_string())]
    );
    assert_eq!(
        found(&store, "g0156"),
        [(
            LoopKind::Authorization,
            "Home health aide (Synthetic Health Plan)".to_string()
        )]
    );
    assert_eq!(found(&store, "synthetic").len(), 3, "all three kinds");
    assert_eq!(
        found(&store, "pantry cardiology"),
        vec![],
        "every word must hold"
    );
    // What FTS5 would read as its own syntax is taken as words.
    assert_eq!(found(&store, "pantry OR NEAR(x"), vec![]);
    assert_eq!(found(&store, "  * - "), vec![]);
}

#[test]
fn an_authorization_number_is_found_once_the_payer_gives_it() {
    let dir = tempfile::tempdir().unwrap();
    let (mut store, patient) = store(dir.path());
    let id = store.add_authorization(&authorization(patient)).unwrap();
    assert_eq!(found(&store, "PA-77120"), vec![]);
    let version = store.authorization(id).unwrap().unwrap().version;
    store
        .move_authorization(
            id,
            version,
            &AuthMove {
                to: AuthStatus::Approved,
                on: Some(date(2026, 11, 23)),
                units: Some(40),
                authorized_from: Some(date(2026, 12, 1)),
                authorized_until: Some(date(2027, 5, 31)),
                payer_ref: Some("PA-77120".into()),
                note: None,
            },
        )
        .unwrap();
    let hits = store.search_loops("PA-77120", 50).unwrap();
    assert_eq!(
        hits.iter().map(|l| (l.kind, l.id)).collect::<Vec<_>>(),
        [(LoopKind::Authorization, id)]
    );
    assert_eq!(hits[0].status, "approved");
    let report = check_file(&dir.path().join("loops.db")).unwrap();
    assert!(report.is_healthy(), "{report:?}");
}

#[test]
fn the_latest_entered_come_first_up_to_the_limit_of_each_kind() {
    let dir = tempfile::tempdir().unwrap();
    let (mut store, patient) = store(dir.path());
    let ids: Vec<i64> = (1..=5)
        .map(|n| {
            store
                .add_referral(&referral(patient, &format!("Synthetic Pantry {n}")))
                .unwrap()
        })
        .collect();
    store.add_authorization(&authorization(patient)).unwrap();
    let hits = store.search_loops("synthetic", 3).unwrap();
    let referrals: Vec<i64> = hits
        .iter()
        .filter(|l| l.kind == LoopKind::Referral)
        .map(|l| l.id)
        .collect();
    assert_eq!(referrals, ids[2..].to_vec(), "the three latest");
    assert_eq!(hits.len(), 4, "and the authorization, a kind of its own");
}

/// Counts the loops of one table whose text holds `word` as SQLite's LIKE
/// reads it, to compare the index with.
fn like_count(conn: &Connection, table: &str, columns: &str, word: &str) -> usize {
    conn.query_row(
        &format!("SELECT count(*) FROM {table} WHERE {columns} LIKE ?1"),
        [format!("%{word}%")],
        |r| r.get(0),
    )
    .unwrap()
}

#[test]
fn a_generated_caseload_is_searchable_and_its_indexes_whole() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("gen.db");
    let mut store = common::open(&path, "ccuser");
    synth::generate(
        &mut store,
        &GenParams {
            patients: 200,
            seed: 5,
            user: "ccuser".into(),
        },
    )
    .unwrap();
    store.sign_in().unwrap();
    let conn = Connection::open(&path).unwrap();
    // "Synthetic" starts every generated receiver's and clinic's name.
    let referrals = like_count(&conn, "referral", "to_name", "Synthetic ");
    let appointments = like_count(&conn, "appointment", "with_whom", "Synthetic ");
    assert!(referrals > 100 && appointments > 100);
    let hits = store.search_loops("synthetic", 100_000).unwrap();
    let count = |kind| hits.iter().filter(|l| l.kind == kind).count();
    assert_eq!(count(LoopKind::Referral), referrals);
    assert_eq!(count(LoopKind::Appointment), appointments);
    let report = check_file(&path).unwrap();
    assert!(report.is_healthy(), "{report:?}");
}

#[test]
fn a_database_made_before_the_indexes_is_indexed_when_upgraded() {
    let dir = tempfile::tempdir().unwrap();
    let (mut store, patient) = store(dir.path());
    store
        .add_referral(&referral(patient, "Synthetic Pantry"))
        .unwrap();
    drop(store);
    // As version 13 left it: no loop indexes, nor their triggers.
    let conn = Connection::open(dir.path().join("loops.db")).unwrap();
    for table in ["referral", "appointment", "prior_auth"] {
        conn.execute_batch(&format!(
            "DROP TABLE {table}_fts; DROP TRIGGER {table}_fts_insert;
             DROP TRIGGER {table}_fts_update; DROP TRIGGER {table}_fts_delete;"
        ))
        .unwrap();
    }
    // Nor what later versions added (15: screenings; 16: the caseload's
    // order indexes and next due; 17: the indexes of records' links; 18:
    // the team's day and short filters' indexes, the counts of open tasks).
    conn.execute_batch(common::UNDO_V22).unwrap();
    conn.execute_batch(common::UNDO_V21).unwrap();
    conn.execute_batch(common::UNDO_V20).unwrap();
    conn.execute_batch(common::UNDO_V19).unwrap();
    conn.execute_batch(common::UNDO_V18).unwrap();
    conn.execute_batch(common::UNDO_V17).unwrap();
    conn.execute_batch(
        "DROP TABLE screening_due; DROP TABLE screening_answer; DROP TABLE screening;
         DROP INDEX patient_by_risk; DROP INDEX patient_by_contact;
         DROP INDEX patient_by_next_due; DROP TRIGGER task_next_due_insert;
         DROP TRIGGER task_next_due_update; DROP TRIGGER task_next_due_delete;
         ALTER TABLE patient DROP COLUMN next_due;",
    )
    .unwrap();
    conn.execute_batch("PRAGMA user_version = 13").unwrap();
    drop(conn);
    let store = common::loops::reopen_on(dir.path(), "2026-11-24T09:00:00-05:00");
    assert_eq!(
        found(&store, "pantry"),
        [(LoopKind::Referral, "Synthetic Pantry".to_string())]
    );
}
