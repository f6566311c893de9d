//! The patient on screen: the patient and care-plan panes follow the
//! selection of whichever list has focus (a task in Today shows its
//! patient), and `n` and every per-patient key act on the patient the
//! patient pane shows — from Today, from the timeline and from a search
//! result. Driven by keys over a real database.

mod common;
mod fixtures;

use common::{app, ctrl, keys, press, screen};
use fixtures::morning_db;

use std::path::Path;
use std::time::{Duration, Instant};

use crossterm::event::KeyCode;
use rusqlite::Connection;
use tend::app::{App, Overlay};

/// As the event loop does once a moved selection has rested.
fn rest(app: &mut App) {
    app.settle_detail_at(Instant::now() + Duration::from_secs(5));
}

fn shown(app: &App) -> i64 {
    app.patient.record.as_ref().expect("a patient is shown").id
}

fn selected_task_patient(app: &App) -> i64 {
    app.tasks.selected().expect("a task is selected").patient_id
}

/// Patient ids of the signed notes, oldest first.
fn noted_patients(path: &Path) -> Vec<i64> {
    Connection::open(path)
        .unwrap()
        .prepare("SELECT patient_id FROM communication WHERE status = 'completed' ORDER BY id")
        .unwrap()
        .query_map([], |r| r.get(0))
        .unwrap()
        .collect::<Result<_, _>>()
        .unwrap()
}

/// Types and signs a note as a coordinator does: the text at once, then
/// Ctrl-S and one key for each header field it asks for.
fn write_and_sign(app: &mut App, text: &str) {
    keys(app, text);
    ctrl(app, 's');
    keys(app, "popr");
    assert!(app.editor().is_none(), "signed");
    if matches!(app.overlay(), Some(Overlay::Proposal(_))) {
        press(app, KeyCode::Esc); // skip the proposed follow-up
    }
}

#[test]
fn a_task_in_today_shows_its_patient_and_n_writes_for_them() {
    let dir = tempfile::tempdir().unwrap();
    let path = morning_db(dir.path());
    let mut app = app(&path);
    let from_caseload = app.caseload.selected_id().unwrap();
    assert_eq!(shown(&app), from_caseload);

    press(&mut app, KeyCode::Char('4'));
    rest(&mut app);
    assert_eq!(
        shown(&app),
        selected_task_patient(&app),
        "Today's selection"
    );
    // Down the list to a task of a patient the caseload does not select.
    while selected_task_patient(&app) == from_caseload {
        press(&mut app, KeyCode::Char('j'));
    }
    press(&mut app, KeyCode::Char('j'));
    rest(&mut app);
    let task_patient = selected_task_patient(&app);
    assert_ne!(task_patient, from_caseload);
    assert_eq!(shown(&app), task_patient, "the patient pane follows Today");
    let name = {
        let r = app.patient.record.as_ref().unwrap();
        format!("Note for {} {}", r.given_name, r.family_name)
    };

    press(&mut app, KeyCode::Char('n'));
    assert_eq!(app.editor().unwrap().patient_id, task_patient);
    assert!(screen(&mut app).contains(&name), "the editor names them");
    write_and_sign(&mut app, "Called about the discharge papers");
    assert_eq!(noted_patients(&path), vec![task_patient]);

    // Back in the caseload, its own selection is shown again, once the
    // focus rests there (passing over it with Tab costs no record).
    press(&mut app, KeyCode::Char('1'));
    rest(&mut app);
    assert_eq!(shown(&app), from_caseload);

    // Over a pane with Tab, and straight to a key: the key acts on the
    // patient of the list the focus came to.
    press(&mut app, KeyCode::Char('4'));
    press(&mut app, KeyCode::Char('n'));
    assert_eq!(
        app.editor().unwrap().patient_id,
        selected_task_patient(&app)
    );
}

#[test]
fn n_right_after_moving_in_today_waits_for_nothing_and_goes_to_the_task_s_patient() {
    let dir = tempfile::tempdir().unwrap();
    let path = morning_db(dir.path());
    let mut app = app(&path);
    press(&mut app, KeyCode::Char('4'));
    keys(&mut app, "jjj");
    // No rest: the detail panes are behind the selection until `n` brings
    // them up to it.
    let task_patient = selected_task_patient(&app);
    press(&mut app, KeyCode::Char('n'));
    assert_eq!(app.editor().unwrap().patient_id, task_patient);
    assert_eq!(shown(&app), task_patient);
}

#[test]
fn a_task_added_from_today_is_for_the_selected_task_s_patient() {
    let dir = tempfile::tempdir().unwrap();
    let path = morning_db(dir.path());
    let mut app = app(&path);
    press(&mut app, KeyCode::Char('4'));
    keys(&mut app, "jj");
    let task_patient = selected_task_patient(&app);
    press(&mut app, KeyCode::Char('a'));
    keys(&mut app, "Bring the forms due:fri");
    press(&mut app, KeyCode::Enter);
    let owner_of_new: i64 = Connection::open(&path)
        .unwrap()
        .query_row(
            "SELECT patient_id FROM task WHERE description = 'Bring the forms'",
            [],
            |r| r.get(0),
        )
        .unwrap();
    assert_eq!(owner_of_new, task_patient);
}

#[test]
fn completing_a_task_in_today_moves_the_patient_pane_to_the_next_task_s_patient() {
    let dir = tempfile::tempdir().unwrap();
    let path = morning_db(dir.path());
    let mut app = app(&path);
    press(&mut app, KeyCode::Char('4'));
    let first = selected_task_patient(&app);
    press(&mut app, KeyCode::Char('x'));
    press(&mut app, KeyCode::Enter);
    let next = selected_task_patient(&app);
    assert_ne!(next, first, "one task per patient in this morning");
    assert_eq!(shown(&app), next);
    press(&mut app, KeyCode::Char('n'));
    assert_eq!(app.editor().unwrap().patient_id, next);
}

#[test]
fn n_in_the_timeline_writes_for_the_patient_whose_timeline_it_is() {
    let dir = tempfile::tempdir().unwrap();
    let path = morning_db(dir.path());
    let mut app = app(&path);
    press(&mut app, KeyCode::Char('4'));
    keys(&mut app, "jjjj");
    rest(&mut app);
    let patient = shown(&app);
    press(&mut app, KeyCode::Char('n'));
    write_and_sign(&mut app, "First call");
    // The timeline, from the patient pane (which still shows them).
    press(&mut app, KeyCode::Char('2'));
    assert_eq!(shown(&app), patient, "the patient pane keeps its patient");
    press(&mut app, KeyCode::Enter);
    assert!(matches!(app.overlay(), Some(Overlay::Timeline { .. })));
    press(&mut app, KeyCode::Char('n'));
    assert!(app.overlay().is_none());
    assert_eq!(app.editor().unwrap().patient_id, patient);
    write_and_sign(&mut app, "Second call");
    assert_eq!(noted_patients(&path), vec![patient, patient]);
}

#[test]
fn a_search_result_brings_its_patient_up_and_n_writes_for_them() {
    let dir = tempfile::tempdir().unwrap();
    let path = morning_db(dir.path());
    let mut app = app(&path);
    press(&mut app, KeyCode::Char('4'));
    keys(&mut app, "jjjjj");
    rest(&mut app);
    let patient = shown(&app);
    press(&mut app, KeyCode::Char('n'));
    write_and_sign(&mut app, "Talked about the pantry voucher");

    // Somewhere else entirely: the caseload's first patient.
    press(&mut app, KeyCode::Char('1'));
    press(&mut app, KeyCode::Char('g'));
    rest(&mut app);
    assert_ne!(shown(&app), patient);

    press(&mut app, KeyCode::Char(':'));
    keys(&mut app, "search voucher");
    press(&mut app, KeyCode::Enter);
    assert!(matches!(app.overlay(), Some(Overlay::Search { .. })));
    press(&mut app, KeyCode::Enter);
    assert!(matches!(app.overlay(), Some(Overlay::Note { .. })));
    assert_eq!(shown(&app), patient, "the result's patient is on screen");
    press(&mut app, KeyCode::Char('n'));
    assert_eq!(app.editor().unwrap().patient_id, patient);
    write_and_sign(&mut app, "Voucher used");

    // And after closing the note, n is still for them.
    press(&mut app, KeyCode::Char('n'));
    assert_eq!(app.editor().unwrap().patient_id, patient);
    assert_eq!(noted_patients(&path), vec![patient, patient]);
}

#[test]
fn the_patient_pane_focused_keeps_following_the_list_it_came_from() {
    let dir = tempfile::tempdir().unwrap();
    let path = morning_db(dir.path());
    let mut app = app(&path);
    // A move in the caseload, then at once to the patient pane: the record
    // that follows is the caseload's new selection.
    press(&mut app, KeyCode::Char('j'));
    press(&mut app, KeyCode::Tab);
    rest(&mut app);
    assert_eq!(Some(shown(&app)), app.caseload.selected_id());
    // From Today to the care plan: still the task's patient.
    press(&mut app, KeyCode::Char('4'));
    keys(&mut app, "jjj");
    press(&mut app, KeyCode::Char('3'));
    rest(&mut app);
    assert_eq!(shown(&app), selected_task_patient(&app));
    assert_ne!(Some(shown(&app)), app.caseload.selected_id());
}
