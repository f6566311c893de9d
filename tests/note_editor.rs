//! Writing notes on the screen: the editor, drafts that come back, signing
//! and what it proposes next, the timeline, addenda and search, driven by
//! keys over a real database.

mod common;
mod fixtures;

use common::{app, ctrl, keys, message, press, screen};
use fixtures::zoe_db as db;

use std::path::Path;

use chrono::NaiveDate;
use crossterm::event::KeyCode;
use rusqlite::Connection;
use tend::app::Overlay;
use tend::domain::patient::{EnrollmentStatus, RiskTier, Sex};
use tend::domain::patient::{Patient, Practitioner};
use tend::store::AuditAction;

/// (status, outcome, body) of every note, oldest first.
fn notes_in_db(path: &Path) -> Vec<(String, Option<String>, String)> {
    let conn = Connection::open(path).unwrap();
    let mut stmt = conn
        .prepare("SELECT status, outcome, body FROM communication ORDER BY id")
        .unwrap();
    let rows = stmt
        .query_map([], |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?)))
        .unwrap()
        .collect::<Result<_, _>>()
        .unwrap();
    rows
}

/// A phone note (outbound, with the patient, reached) typed and signed:
/// `n`, the header in single keys, the text, Ctrl-S.
fn sign_reached_call(app: &mut tend::app::App, text: &str) {
    press(app, KeyCode::Char('n'));
    press(app, KeyCode::Tab);
    keys(app, "popr");
    keys(app, text);
    ctrl(app, 's');
}

#[test]
fn the_editor_shows_the_call_sheet_and_takes_the_header_in_single_keys() {
    let dir = tempfile::tempdir().unwrap();
    let mut app = app(&db(dir.path()));
    press(&mut app, KeyCode::Char('n'));
    let all = screen(&mut app);
    assert!(all.contains("Note for Zoë Testa"), "{all}");
    assert!(all.contains("(212) 555-0100"), "the phone is in view");
    assert!(all.contains("Spanish, interpreter"), "so is the language");
    assert!(
        all.contains("Method: —  Direction: —  With: —"),
        "nothing is chosen for the user: {all}"
    );
    assert!(all.contains("Outcome: —"), "{all}");
    press(&mut app, KeyCode::Tab);
    assert!(
        screen(&mut app).contains("p phone · i in person · h home visit"),
        "Tab reaches the header"
    );
    keys(&mut app, "pop");
    assert!(screen(&mut app).contains("r reached · n no answer · v left voicemail"));
    keys(&mut app, "vLeft a message about the refill.");
    let all = screen(&mut app);
    assert!(all.contains("Outcome: left voicemail"), "{all}");
    assert!(all.contains("Left a message about the refill."), "{all}");
}

#[test]
fn a_sentence_typed_at_once_after_n_is_the_note_and_signing_asks_for_the_header() {
    let dir = tempfile::tempdir().unwrap();
    let path = db(dir.path());
    let mut app = app(&path);
    press(&mut app, KeyCode::Char('n'));
    let sentence = "Spoke with patient about pharmacy refill and bus pass 7";
    keys(&mut app, sentence);
    assert_eq!(app.editor().unwrap().text(), sentence);
    ctrl(&mut app, 's');
    assert!(app.editor().is_some(), "not signed with nothing chosen");
    let all = screen(&mut app);
    assert!(
        all.contains("To sign, the method? p phone"),
        "signing asks: {all}"
    );
    keys(&mut app, "pop");
    assert!(
        screen(&mut app).contains("To sign, the outcome? r reached · n no answer"),
        "one key each"
    );
    keys(&mut app, "r");
    assert!(app.editor().is_none(), "signed once the outcome was chosen");
    let conn = Connection::open(&path).unwrap();
    let stored: (String, String, String, String, String, String) = conn
        .query_row(
            "SELECT status, medium, direction, recipient, outcome, body FROM communication",
            [],
            |r| {
                Ok((
                    r.get(0)?,
                    r.get(1)?,
                    r.get(2)?,
                    r.get(3)?,
                    r.get(4)?,
                    r.get(5)?,
                ))
            },
        )
        .unwrap();
    assert_eq!(
        stored,
        (
            "completed".into(),
            "phone".into(),
            "outbound".into(),
            "patient".into(),
            "reached".into(),
            sentence.into()
        )
    );
}

#[test]
fn leaving_signing_s_question_keeps_the_note_open_and_the_key_typed() {
    let dir = tempfile::tempdir().unwrap();
    let path = db(dir.path());
    let mut app = app(&path);
    press(&mut app, KeyCode::Char('n'));
    keys(&mut app, "Left word with her son");
    ctrl(&mut app, 's');
    press(&mut app, KeyCode::Esc);
    assert!(
        app.editor().is_some(),
        "Esc leaves the question, not the note"
    );
    assert_eq!(
        message(&app),
        "Not signed: the method, direction, with, outcome is still to choose; Ctrl-S asks again"
    );
    ctrl(&mut app, 's');
    keys(&mut app, ".");
    assert_eq!(app.editor().unwrap().text(), "Left word with her son.");
    assert!(notes_in_db(&path).iter().all(|n| n.0 == "preparation"));
}

#[test]
fn esc_keeps_a_draft_that_n_brings_back_and_a_new_session_offers() {
    let dir = tempfile::tempdir().unwrap();
    let path = db(dir.path());
    let mut app = app(&path);
    press(&mut app, KeyCode::Char('n'));
    press(&mut app, KeyCode::Tab);
    keys(&mut app, "popn");
    keys(&mut app, "Talked about housing");
    press(&mut app, KeyCode::Esc);
    assert!(app.editor().is_none());
    assert_eq!(message(&app), "Draft saved; n on this patient reopens it");
    assert_eq!(
        notes_in_db(&path),
        vec![(
            "preparation".into(),
            Some("no-answer".into()),
            "Talked about housing".into()
        )]
    );

    press(&mut app, KeyCode::Char('n'));
    let editor = app.editor().unwrap();
    assert_eq!(editor.text(), "Talked about housing");
    keys(&mut app, " and food.");
    drop(app); // as if the connection dropped with the editor open

    // The next start says a draft is waiting and d brings it back.
    let mut next = self::app(&path);
    assert!(message(&next).starts_with("A draft note for Testa, Zoë was not signed: d reopens it"));
    press(&mut next, KeyCode::Char('d'));
    let text = next.editor().unwrap().text();
    assert!(text.starts_with("Talked about housing"), "{text}");
}

#[test]
fn quitting_with_the_editor_open_keeps_every_word() {
    let dir = tempfile::tempdir().unwrap();
    let path = db(dir.path());
    let mut app = app(&path);
    press(&mut app, KeyCode::Char('n'));
    keys(&mut app, "First words");
    keys(&mut app, " and the last ones");
    // What tend does on q, SIGTERM, SIGHUP or a lost terminal.
    app.save_open_draft().unwrap();
    let notes = notes_in_db(&path);
    assert_eq!(notes[0].2, "First words and the last ones");
}

#[test]
fn signing_an_attempt_proposes_a_retry_the_next_business_day() {
    let dir = tempfile::tempdir().unwrap();
    let path = db(dir.path());
    let mut app = app(&path);
    press(&mut app, KeyCode::Char('n'));
    press(&mut app, KeyCode::Tab);
    keys(&mut app, "popn");
    keys(&mut app, "No answer on the cell.");
    ctrl(&mut app, 's');
    assert!(app.editor().is_none());
    assert_eq!(notes_in_db(&path)[0].0, "completed");
    assert!(screen(&mut app).contains("Add \"Retry outreach call\" due Wed 2026-11-25?"));
    press(&mut app, KeyCode::Enter);
    let due: String = Connection::open(&path)
        .unwrap()
        .query_row(
            "SELECT due_on FROM task WHERE description = 'Retry outreach call'",
            [],
            |r| r.get(0),
        )
        .unwrap();
    assert_eq!(due, "2026-11-25");
    press(&mut app, KeyCode::Char('u'));
    let left: i64 = Connection::open(&path)
        .unwrap()
        .query_row(
            "SELECT count(*) FROM task WHERE description = 'Retry outreach call'",
            [],
            |r| r.get(0),
        )
        .unwrap();
    assert_eq!(left, 0, "the proposal taken is undone like any change");
}

#[test]
fn reaching_the_patient_offers_to_close_the_outreach_task() {
    let dir = tempfile::tempdir().unwrap();
    let path = db(dir.path());
    let mut app = app(&path);
    sign_reached_call(&mut app, "Reached her; she will come on Friday.");
    assert!(screen(&mut app).contains("Complete the open task \"Monthly outreach call\"?"));
    press(&mut app, KeyCode::Enter);
    let status: String = Connection::open(&path)
        .unwrap()
        .query_row(
            "SELECT status FROM task WHERE description = 'Monthly outreach call'",
            [],
            |r| r.get(0),
        )
        .unwrap();
    assert_eq!(status, "completed");
    let record = app.patient.record.as_ref().unwrap();
    assert!(record.last_contact_at.is_some(), "the contact counts");
}

#[test]
fn an_empty_note_is_not_signed_and_nothing_is_lost() {
    let dir = tempfile::tempdir().unwrap();
    let path = db(dir.path());
    let mut app = app(&path);
    press(&mut app, KeyCode::Char('n'));
    ctrl(&mut app, 's');
    assert!(app.editor().is_some(), "still open");
    assert_eq!(
        message(&app),
        "The note is empty: write what happened before signing"
    );
    assert!(notes_in_db(&path).is_empty());
}

#[test]
fn templates_and_the_time_go_into_the_note() {
    let dir = tempfile::tempdir().unwrap();
    let mut app = app(&db(dir.path()));
    press(&mut app, KeyCode::Char('n'));
    ctrl(&mut app, 't');
    let all = screen(&mut app);
    assert!(all.contains("1 outreach attempt"), "{all}");
    assert!(all.contains("2 post-discharge follow-up"), "{all}");
    press(&mut app, KeyCode::Char('2'));
    ctrl(&mut app, 'o');
    let text = app.editor().unwrap().text();
    assert!(
        text.starts_with("Post-discharge follow-up.\nDischarged from:"),
        "{text}"
    );
    assert!(
        text.ends_with("09:00 "),
        "the time, from TEND_NOW: {text:?}"
    );
}

#[test]
fn a_paste_with_control_characters_is_kept_visible_and_thousands_of_lines_work() {
    let dir = tempfile::tempdir().unwrap();
    let path = db(dir.path());
    let mut app = app(&path);
    press(&mut app, KeyCode::Char('n'));
    app.paste("From the portal:\r\n\x1b[31mALERT\x1b[0m\tcall back");
    let all = screen(&mut app);
    assert!(all.contains("^[[31mALERT^[[0m    call back"), "{all}");
    assert!(!all.contains('\x1b'));
    app.paste(&"line of a long discharge summary\n".repeat(5000));
    press(&mut app, KeyCode::Esc);
    let body = &notes_in_db(&path)[0].2;
    assert_eq!(body.lines().count(), 5001);
}

#[test]
fn the_timeline_opens_a_note_in_full_and_takes_an_addendum() {
    let dir = tempfile::tempdir().unwrap();
    let path = db(dir.path());
    let mut app = app(&path);
    sign_reached_call(&mut app, "Appointment on 12/03.");
    press(&mut app, KeyCode::Esc); // skip the proposal
    press(&mut app, KeyCode::Char('2'));
    press(&mut app, KeyCode::Char('G'));
    let all = screen(&mut app);
    assert!(all.contains("Notes · 1 outreach this month"), "{all}");
    assert!(
        all.contains("2026-11-24 phone ✓ ccuser  Appointment on"),
        "{all}"
    );
    press(&mut app, KeyCode::Enter);
    assert!(matches!(app.overlay(), Some(Overlay::Timeline { .. })));
    press(&mut app, KeyCode::Enter);
    assert!(screen(&mut app).contains("outbound phone · with patient · reached"));
    press(&mut app, KeyCode::Char('a'));
    keys(&mut app, "Correction: the appointment is on 12/04.");
    press(&mut app, KeyCode::Enter);
    assert_eq!(message(&app), "Addendum signed");
    let all = screen(&mut app);
    assert!(all.contains("Appointment on 12/03."), "{all}");
    assert!(all.contains("Addendum 2026-11-24"), "{all}");
    assert!(
        all.contains("Correction: the appointment is on 12/04."),
        "{all}"
    );
}

#[test]
fn search_from_the_command_line_jumps_to_the_note() {
    let dir = tempfile::tempdir().unwrap();
    let path = db(dir.path());
    let mut app = app(&path);
    sign_reached_call(&mut app, "Asked about the SNAP recertification.");
    press(&mut app, KeyCode::Esc);
    press(&mut app, KeyCode::Char(':'));
    keys(&mut app, "search snap");
    press(&mut app, KeyCode::Enter);
    let all = screen(&mut app);
    assert!(all.contains("1 notes hold \"snap\""), "{all}");
    assert!(all.contains("Testa, Zoë"), "{all}");
    assert!(
        all.contains("Asked about the SNAP recertification."),
        "{all}"
    );
    press(&mut app, KeyCode::Enter);
    assert!(matches!(app.overlay(), Some(Overlay::Note { .. })));

    press(&mut app, KeyCode::Esc);
    press(&mut app, KeyCode::Char(':'));
    keys(&mut app, "find x");
    press(&mut app, KeyCode::Enter);
    assert!(
        message(&app).contains("is not a command"),
        "{}",
        message(&app)
    );
}

#[test]
fn reading_a_note_and_searching_are_audited() {
    let dir = tempfile::tempdir().unwrap();
    let path = db(dir.path());
    let mut app = app(&path);
    sign_reached_call(&mut app, "Discussed the food pantry.");
    press(&mut app, KeyCode::Esc);
    press(&mut app, KeyCode::Char(':'));
    keys(&mut app, "search pantry");
    press(&mut app, KeyCode::Enter);
    press(&mut app, KeyCode::Enter);
    let trail: Vec<(String, String, Option<i64>, String)> = Connection::open(&path)
        .unwrap()
        .prepare(
            "SELECT action, entity_type, patient_id, coalesce(detail, '') FROM audit_event
              WHERE entity_type = 'Communication' ORDER BY id",
        )
        .unwrap()
        .query_map([], |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?, r.get(3)?)))
        .unwrap()
        .collect::<Result<_, _>>()
        .unwrap();
    let actions: Vec<(&str, &str)> = trail
        .iter()
        .map(|(a, _, _, d)| (a.as_str(), d.as_str()))
        .collect();
    assert_eq!(
        actions,
        [
            ("C", "draft"),
            ("U", "sign"),
            ("R", "search: 1 results"),
            ("R", "")
        ]
    );
    assert!(trail[3].2.is_some(), "reading a note names the patient");
}

#[test]
fn a_long_note_scrolls_to_its_end_and_its_addenda() {
    let dir = tempfile::tempdir().unwrap();
    let path = db(dir.path());
    let mut app = app(&path);
    app.resize(80, 24);
    press(&mut app, KeyCode::Char('n'));
    press(&mut app, KeyCode::Tab);
    keys(&mut app, "popr");
    let long: String = (1..=60)
        .map(|n| format!("line {n} of the summary\n"))
        .collect();
    app.paste(&long);
    keys(&mut app, "THE END");
    ctrl(&mut app, 's');
    press(&mut app, KeyCode::Esc);
    press(&mut app, KeyCode::Char('2'));
    press(&mut app, KeyCode::Enter);
    press(&mut app, KeyCode::Enter);
    assert!(
        !screen(&mut app).contains("THE END"),
        "below the fold at first"
    );
    for _ in 0..80 {
        press(&mut app, KeyCode::Char('j'));
    }
    assert!(
        matches!(app.overlay(), Some(Overlay::Note { .. })),
        "j scrolls, not closes"
    );
    assert!(screen(&mut app).contains("THE END"));
}

#[test]
fn several_drafts_are_announced_and_offered_one_by_one() {
    let dir = tempfile::tempdir().unwrap();
    let path = db(dir.path());
    let mut store = common::open(&path, "ccuser");
    let second = store
        .write(|tx| {
            let me = tx.practitioner("ccuser", "ccuser")?;
            let id = tx.insert_patient(&Patient {
                member_id: "SYN2".into(),
                family_name: "Sampleton".into(),
                given_name: "Ada".into(),
                birth_date: NaiveDate::from_ymd_opt(1980, 1, 2).unwrap(),
                sex: Sex::Female,
                language: "en".into(),
                interpreter_needed: false,
                phone_primary: None,
                phone_secondary: None,
                medicaid_id: None,
                plan_name: None,
                enrollment_status: EnrollmentStatus::Enrolled,
                enrolled_on: None,
                risk_tier: RiskTier::Low,
                coordinator: Some(Practitioner {
                    id: me,
                    ..Practitioner::default()
                }),
                ..Patient::default()
            })?;
            tx.audit(AuditAction::Create, "Patient", Some(id), Some(id), None)?;
            Ok(id)
        })
        .unwrap();
    let header = tend::domain::note::DraftHeader::default();
    let started = chrono::DateTime::parse_from_rfc3339("2026-11-24T14:00:00Z")
        .unwrap()
        .to_utc();
    store
        .save_draft(1, &header, "first draft", started, None)
        .unwrap();
    store
        .save_draft(second, &header, "second draft", started, None)
        .unwrap();
    drop(store);
    let mut app = app(&path);
    assert!(
        message(&app).starts_with("2 draft notes were not signed"),
        "{}",
        message(&app)
    );
    press(&mut app, KeyCode::Char('d'));
    let first = app.editor().unwrap().text();
    press(&mut app, KeyCode::Esc);
    press(&mut app, KeyCode::Char('d'));
    let then = app.editor().unwrap().text();
    let mut both = [first, then];
    both.sort();
    assert_eq!(
        both,
        ["first draft".to_string(), "second draft".to_string()]
    );
}

#[test]
fn an_empty_note_leaves_no_draft_and_ctrl_q_discards_one() {
    let dir = tempfile::tempdir().unwrap();
    let path = db(dir.path());
    let mut app = app(&path);
    press(&mut app, KeyCode::Char('n'));
    press(&mut app, KeyCode::Tab);
    keys(&mut app, "pop");
    press(&mut app, KeyCode::Esc);
    assert_eq!(message(&app), "Closed; nothing was written");
    assert!(
        notes_in_db(&path).is_empty(),
        "no empty draft to be offered forever"
    );

    press(&mut app, KeyCode::Char('n'));
    press(&mut app, KeyCode::Tab);
    keys(&mut app, "popn");
    keys(&mut app, "Started by mistake");
    press(&mut app, KeyCode::Esc);
    assert_eq!(notes_in_db(&path).len(), 1);
    press(&mut app, KeyCode::Char('n'));
    ctrl(&mut app, 'q');
    assert!(screen(&mut app).contains("Throw this draft away?"));
    press(&mut app, KeyCode::Char('x'));
    assert_eq!(message(&app), "Kept");
    assert!(app.editor().is_some());
    ctrl(&mut app, 'q');
    press(&mut app, KeyCode::Char('y'));
    assert!(app.editor().is_none());
    assert_eq!(message(&app), "Draft discarded");
    assert!(notes_in_db(&path).is_empty());
    let discarded: i64 = Connection::open(&path)
        .unwrap()
        .query_row(
            "SELECT count(*) FROM audit_event WHERE action = 'D' AND detail = 'draft discarded'",
            [],
            |r| r.get(0),
        )
        .unwrap();
    assert_eq!(discarded, 1);
}

/// A search with more matches than the overlay lists says it shows the
/// best of them, not that that many notes hold the words.
#[test]
fn a_search_with_more_matches_than_shown_says_so() {
    let dir = tempfile::tempdir().unwrap();
    let path = db(dir.path());
    let mut app = app(&path);
    sign_reached_call(&mut app, "Asked about the SNAP recertification.");
    press(&mut app, KeyCode::Esc);
    // The signed note copied 250 times (its search index rows with it).
    let conn = Connection::open(&path).unwrap();
    let columns: Vec<String> = conn
        .prepare("SELECT name FROM pragma_table_info('communication') WHERE name != 'id'")
        .unwrap()
        .query_map([], |r| r.get(0))
        .unwrap()
        .collect::<Result<_, _>>()
        .unwrap();
    let columns = columns.join(", ");
    for _ in 0..250 {
        conn.execute(
            &format!(
                "INSERT INTO communication ({columns}) SELECT {columns} FROM communication
                  WHERE id = (SELECT min(id) FROM communication WHERE body LIKE '%SNAP%')"
            ),
            [],
        )
        .unwrap();
    }
    drop(conn);
    press(&mut app, KeyCode::Char(':'));
    keys(&mut app, "search snap");
    press(&mut app, KeyCode::Enter);
    let all = screen(&mut app);
    assert!(all.contains("the best 200 notes holding \"snap\""), "{all}");
    assert!(!all.contains("200 notes hold \""), "{all}");
    assert_eq!(
        message(&app),
        "The best 200 matches shown; more notes hold the words"
    );
}
