//! Notes in the store: drafts, signing, immutability, addenda, the timeline
//! and full-text search, against real SQLite files.

mod common;

use std::path::Path;

use chrono::{NaiveDate, TimeZone, Utc};
use rusqlite::Connection;
use tend::domain::note::{Direction, DraftHeader, Method, NoteHeader, Outcome, Party};
use tend::store::{Store, StoreError};

use common::open;

/// A store with one enrolled patient (id returned) and one disenrolled.
fn store(dir: &Path) -> (Store, i64, i64) {
    let (store, [a, b]) = common::members::enrolled_and_disenrolled(
        &dir.join("notes.db"),
        ["SYN0", "SYN1"],
        "Testa",
        "Una",
    );
    (store, a, b)
}

/// An outbound phone call that reached the patient, every field chosen.
const CALL: NoteHeader = NoteHeader {
    method: Method::Phone,
    direction: Direction::Outbound,
    party: Party::Patient,
    outcome: Outcome::Reached,
    minutes: 0,
};

/// Saves as one editor does: naming the version it saw last.
fn save(
    store: &mut Store,
    patient: i64,
    header: impl Into<DraftHeader>,
    body: &str,
    started: chrono::DateTime<Utc>,
) -> Result<i64, StoreError> {
    let seen = store.draft(patient)?.map(|d| d.version);
    store.save_draft(patient, &header.into(), body, started, seen)?;
    Ok(store.draft(patient)?.map_or(0, |d| d.id))
}

/// Signs the draft as it is stored now.
fn sign(store: &mut Store, patient: i64) -> Result<i64, StoreError> {
    let seen = store.draft(patient)?.map_or(0, |d| d.version);
    store.sign_note(patient, seen)
}

fn started() -> chrono::DateTime<Utc> {
    Utc.with_ymd_and_hms(2026, 11, 24, 13, 50, 0).unwrap()
}

fn audit_count(store: &Store, detail: &str) -> usize {
    store
        .recent_audit(1000)
        .unwrap()
        .iter()
        .filter(|e| e.detail.as_deref() == Some(detail))
        .count()
}

#[test]
fn a_draft_is_created_once_and_saved_as_it_is_typed() {
    let dir = tempfile::tempdir().unwrap();
    let (mut store, patient, _) = store(dir.path());
    assert_eq!(store.draft(patient).unwrap(), None);
    let header = CALL;
    let id = save(&mut store, patient, header, "Called", started()).unwrap();
    let again = save(
        &mut store,
        patient,
        header,
        "Called about refill",
        started(),
    )
    .unwrap();
    assert_eq!(id, again, "one draft per author and patient");
    let draft = store.draft(patient).unwrap().unwrap();
    assert_eq!(draft.body, "Called about refill");
    assert_eq!(draft.started_at, started());
    assert_eq!(
        audit_count(&store, "draft"),
        1,
        "creation is audited, autosaves are not"
    );
    let drafts = store.drafts().unwrap();
    assert_eq!(drafts.len(), 1);
    assert_eq!(drafts[0].patient_id, patient);
    assert_eq!(drafts[0].patient_name, "Testa0, Una");

    // Another coordinator has drafts of their own.
    let other = open(store.path(), "cc-other");
    assert!(other.drafts().unwrap().is_empty());
    assert_eq!(other.draft(patient).unwrap(), None);
}

#[test]
fn signing_refuses_an_empty_note_and_a_disenrolled_patient() {
    let dir = tempfile::tempdir().unwrap();
    let (mut store, patient, gone) = store(dir.path());
    let header = CALL;
    save(&mut store, patient, header, "  \n ", started()).unwrap();
    let error = sign(&mut store, patient).unwrap_err();
    assert!(matches!(error, StoreError::Refused(_)));
    assert!(error.to_string().contains("the note is empty"), "{error}");
    assert!(store.draft(patient).unwrap().is_some(), "still a draft");

    save(&mut store, gone, header, "Spoke with patient", started()).unwrap();
    let error = sign(&mut store, gone).unwrap_err();
    assert!(error.to_string().contains("disenrolled"), "{error}");
    assert_eq!(
        store.draft(gone).unwrap().unwrap().body,
        "Spoke with patient",
        "nothing typed is lost"
    );
    assert!(sign(&mut store, 12345).is_err());
}

#[test]
fn a_signed_note_is_final_and_moves_the_last_contact() {
    let dir = tempfile::tempdir().unwrap();
    let (mut store, patient, _) = store(dir.path());
    let header = NoteHeader {
        minutes: 12,
        ..CALL
    };
    save(
        &mut store,
        patient,
        header,
        "Reviewed medications.\nNext call Friday.",
        started(),
    )
    .unwrap();
    let id = sign(&mut store, patient).unwrap();
    assert_eq!(store.draft(patient).unwrap(), None);
    assert_eq!(audit_count(&store, "sign"), 1);
    let record = store.patient(patient).unwrap().unwrap();
    assert_eq!(record.last_contact_at, Some(started()));

    // Not even a program writing to the file directly can change it.
    let conn = Connection::open(store.path()).unwrap();
    let update = conn.execute(
        "UPDATE communication SET body = 'edited' WHERE id = ?1",
        [id],
    );
    assert!(update
        .unwrap_err()
        .to_string()
        .contains("cannot be changed"));
    let delete = conn.execute("DELETE FROM communication WHERE id = ?1", [id]);
    assert!(delete
        .unwrap_err()
        .to_string()
        .contains("cannot be deleted"));

    let timeline = store.timeline(patient, 10).unwrap();
    assert_eq!(timeline.len(), 1);
    assert_eq!(timeline[0].body, "Reviewed medications.\nNext call Friday.");
    assert_eq!(timeline[0].header.minutes, 12);
    assert_eq!(timeline[0].author.as_deref(), Some("ccuser"));
    assert_eq!(timeline[0].sent_at, started(), "dated when the call began");
}

#[test]
fn attempts_do_not_move_the_last_contact_but_count_as_outreach() {
    let dir = tempfile::tempdir().unwrap();
    let (mut store, patient, _) = store(dir.path());
    let header = NoteHeader {
        outcome: Outcome::NoAnswer,
        ..CALL
    };
    save(&mut store, patient, header, "No answer", started()).unwrap();
    sign(&mut store, patient).unwrap();
    let collateral = NoteHeader {
        party: Party::Provider,
        ..CALL
    };
    save(
        &mut store,
        patient,
        collateral,
        "Spoke with PCP office",
        started(),
    )
    .unwrap();
    sign(&mut store, patient).unwrap();
    assert_eq!(
        store.patient(patient).unwrap().unwrap().last_contact_at,
        None
    );
    let today = NaiveDate::from_ymd_opt(2026, 11, 24).unwrap();
    assert_eq!(store.outreach_this_month(patient, today).unwrap(), 1);
    let next_month = NaiveDate::from_ymd_opt(2026, 12, 1).unwrap();
    assert_eq!(store.outreach_this_month(patient, next_month).unwrap(), 0);
}

#[test]
fn corrections_are_signed_addenda_linked_to_the_original() {
    let dir = tempfile::tempdir().unwrap();
    let (mut store, patient, _) = store(dir.path());
    save(&mut store, patient, CALL, "Appointment on 12/03", started()).unwrap();
    let original = sign(&mut store, patient).unwrap();
    let addendum = store
        .add_addendum(original, "Correction: the appointment is on 12/04")
        .unwrap();
    let timeline = store.timeline(patient, 10).unwrap();
    let found = timeline.iter().find(|n| n.id == addendum).unwrap();
    assert_eq!(found.part_of, Some(original));
    assert_eq!(audit_count(&store, "addendum"), 1);
    assert!(store.add_addendum(original, "   ").is_err());
    save(&mut store, patient, CALL, "draft", started()).unwrap();
    let draft_id = store.draft(patient).unwrap().unwrap().id;
    let error = store.add_addendum(draft_id, "x").unwrap_err();
    assert!(error.to_string().contains("addenda are for signed notes"));
}

#[test]
fn search_finds_signed_notes_by_their_words_and_never_drafts() {
    let dir = tempfile::tempdir().unwrap();
    let (mut store, patient, _) = store(dir.path());
    save(
        &mut store,
        patient,
        CALL,
        "Discussed housing.\nMet at the café about the SNAP application.",
        started(),
    )
    .unwrap();
    assert!(
        store.search_notes("SNAP", 10).unwrap().is_empty(),
        "a draft is not found"
    );
    let id = sign(&mut store, patient).unwrap();
    let hits = store.search_notes("snap application", 10).unwrap();
    assert_eq!(hits.len(), 1);
    assert_eq!(hits[0].note_id, id);
    assert_eq!(hits[0].patient_name, "Testa0, Una");
    assert_eq!(hits[0].line, "Met at the café about the SNAP application.");
    assert_eq!(
        store.search_notes("cafe", 10).unwrap().len(),
        1,
        "accents do not matter"
    );
    assert!(store.search_notes("pharmacy", 10).unwrap().is_empty());
    assert!(store.search_notes("  ", 10).unwrap().is_empty());
    // Quotes and FTS syntax typed by the user are words, not queries.
    assert!(store.search_notes("\"snap OR", 10).unwrap().is_empty());
    assert_eq!(
        store.search_notes("SNAP)", 10).unwrap().len(),
        1,
        "punctuation is ignored"
    );
}

#[test]
fn the_generated_notes_are_searchable_after_upgrade() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("demo.db");
    let mut store = open(&path, "ccuser");
    tend::synth::generate(
        &mut store,
        &tend::synth::GenParams {
            patients: 30,
            seed: 4,
            user: "ccuser".into(),
        },
    )
    .unwrap();
    assert!(!store.search_notes("voicemail", 50).unwrap().is_empty());
}

#[test]
fn two_windows_on_one_draft_keep_both_texts_and_sign_only_what_was_seen() {
    let dir = tempfile::tempdir().unwrap();
    let (mut store, patient, _) = store(dir.path());
    let mut window_b = open(store.path(), "ccuser");
    let header: DraftHeader = CALL.into();
    let a = store
        .save_draft(patient, &header, "A first", started(), None)
        .unwrap();
    let b_seen = window_b.draft(patient).unwrap().unwrap().version;
    let b = window_b
        .save_draft(patient, &header, "A first, B adds", started(), Some(b_seen))
        .unwrap();
    assert_eq!(b.merged, None, "B had seen the latest: a plain save");
    // A saves over a version it has not seen: nothing is overwritten.
    let a2 = store
        .save_draft(
            patient,
            &header,
            "A first, A adds",
            started(),
            Some(a.version),
        )
        .unwrap();
    let merged = a2.merged.expect("both texts kept");
    assert_eq!(
        merged,
        format!(
            "A first, B adds\n\n{}\nA first, A adds",
            tend::store::MERGE_MARK
        )
    );
    assert_eq!(store.draft(patient).unwrap().unwrap().body, merged);
    // B signing the version it saw last is refused: the draft moved on.
    let error = window_b.sign_note(patient, b.version).unwrap_err();
    assert!(matches!(error, StoreError::Conflict(_)), "{error}");
    assert!(store.draft(patient).unwrap().is_some(), "still a draft");
    store.sign_note(patient, a2.version).unwrap();
}

#[test]
fn a_signed_note_cannot_be_replaced_either() {
    let dir = tempfile::tempdir().unwrap();
    let (mut store, patient, _) = store(dir.path());
    save(&mut store, patient, CALL, "Original", started()).unwrap();
    let id = sign(&mut store, patient).unwrap();
    let conn = Connection::open(store.path()).unwrap();
    let replace = conn.execute(
        "INSERT OR REPLACE INTO communication (id, patient_id, sent_at, medium, direction,
           recipient, outcome, body, status)
         VALUES (?1, 1, '2026-01-01T00:00:00Z', 'phone', 'outbound', 'patient', 'reached',
                 'REWRITTEN', 'completed')",
        [id],
    );
    assert!(replace.is_err());
    assert_eq!(store.timeline(patient, 5).unwrap()[0].body, "Original");
}

#[test]
fn a_draft_keeps_what_was_not_chosen_and_is_signed_only_once_it_is() {
    let dir = tempfile::tempdir().unwrap();
    let (mut store, patient, _) = store(dir.path());
    let partial = DraftHeader {
        method: Some(Method::Phone),
        minutes: 3,
        ..DraftHeader::default()
    };
    save(
        &mut store,
        patient,
        partial,
        "Spoke about the bus pass",
        started(),
    )
    .unwrap();
    let draft = store.draft(patient).unwrap().unwrap();
    assert_eq!(draft.header, partial, "unchosen fields stay unchosen");
    let conn = Connection::open(store.path()).unwrap();
    let stored: (Option<String>, Option<String>) = conn
        .query_row(
            "SELECT medium, outcome FROM communication WHERE id = ?1",
            [draft.id],
            |r| Ok((r.get(0)?, r.get(1)?)),
        )
        .unwrap();
    assert_eq!(stored, (Some("phone".into()), None), "NULL, not a guess");

    let error = sign(&mut store, patient).unwrap_err();
    assert!(matches!(error, StoreError::Refused(_)));
    assert_eq!(
        error.to_string(),
        "the note was not signed: choose its direction, with, outcome first"
    );
    assert!(store.timeline(patient, 5).unwrap().is_empty());

    // Nor can anything writing to the file sign it without them.
    let sneak = conn.execute(
        "UPDATE communication SET status = 'completed' WHERE id = ?1",
        [draft.id],
    );
    assert!(
        sneak
            .unwrap_err()
            .to_string()
            .contains("needs its method, direction, party and outcome"),
        "the database refuses it too"
    );
    let insert = conn.execute(
        "INSERT INTO communication (patient_id, sent_at, medium, direction, recipient, outcome,
           body, status) VALUES (?1, '2026-01-01T00:00:00Z', 'phone', 'outbound', 'patient',
           NULL, 'x', 'completed')",
        [patient],
    );
    assert!(insert.is_err(), "no signed note without an outcome");

    let chosen = DraftHeader {
        direction: Some(Direction::Inbound),
        party: Some(Party::Caregiver),
        outcome: Some(Outcome::Reached),
        ..partial
    };
    save(
        &mut store,
        patient,
        chosen,
        "Spoke about the bus pass",
        started(),
    )
    .unwrap();
    sign(&mut store, patient).unwrap();
    let note = &store.timeline(patient, 5).unwrap()[0];
    assert_eq!(note.header.direction, Direction::Inbound);
    assert_eq!(note.header.party, Party::Caregiver);
    assert_eq!(
        store.patient(patient).unwrap().unwrap().last_contact_at,
        None,
        "a caregiver reached is not the patient"
    );
}
