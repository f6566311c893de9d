//! Transitions of care on the screen, in-process: the view of the clocks
//! (`:transitions`, `T`), the encounters and clocks in the patient pane,
//! the encounter form (`:encounter`), and the supervisor's ADT queue
//! (`:adt`). The tests' today is Tuesday 24 November 2026, 09:00 New York.

mod common;

use std::path::{Path, PathBuf};

use chrono::{NaiveDate, NaiveDateTime};
use crossterm::event::KeyCode;
use tend::app::pane::PaneId;
use tend::app::{App, Overlay};
use tend::domain::encounter::{
    Complexity, Diagnosis, Disposition, EncounterClass, EncounterStatus, ProviderKind,
};
use tend::domain::patient::{EnrollmentStatus, Patient, Practitioner, RiskTier, Sex};
use tend::domain::role::Role;
use tend::domain::transitions::{ClockKind, ClockState};
use tend::store::{AuditAction, NewEncounter, ReceivedMessage, Store};

use common::{app_with, ctrl, keys, message, open, press, screen, settings_at_once, typed};

fn at(m: u32, d: u32, h: u32) -> NaiveDateTime {
    NaiveDate::from_ymd_opt(2026, m, d)
        .unwrap()
        .and_hms_opt(h, 0, 0)
        .unwrap()
}

/// Three of ccuser's patients: Alpha (nothing), Bravo (a stay in October
/// whose clocks were missed, and a readmission discharged on Friday whose
/// contact is due today), Charlie (an emergency visit for depression and
/// the follow-up visit that met its 7-day clock). Returns their ids.
fn database(dir: &Path) -> (PathBuf, [i64; 3]) {
    let path = dir.join("tend.db");
    let mut store = open(&path, "ccuser");
    let ids = store
        .write(|tx| {
            let me = tx.practitioner("ccuser", "ccuser")?;
            let mut ids = Vec::new();
            for (n, family) in ["Alpha", "Bravo", "Charlie"].into_iter().enumerate() {
                ids.push(tx.insert_patient(&Patient {
                    member_id: format!("SYN{n}"),
                    family_name: family.into(),
                    given_name: "Synth".into(),
                    birth_date: NaiveDate::from_ymd_opt(1970, 1, 2).unwrap(),
                    sex: Sex::Female,
                    language: "en".into(),
                    enrollment_status: EnrollmentStatus::Enrolled,
                    risk_tier: RiskTier::Low,
                    coordinator: Some(Practitioner {
                        id: me,
                        ..Practitioner::default()
                    }),
                    ..Patient::default()
                })?);
            }
            tx.audit(AuditAction::Create, "Bundle", None, None, None)?;
            Ok([ids[0], ids[1], ids[2]])
        })
        .unwrap();
    let [_, bravo, charlie] = ids;
    for (start, end) in [
        (at(10, 20, 8), at(10, 25, 12)),
        (at(11, 17, 8), at(11, 20, 14)),
    ] {
        store.add_encounter(&stay(bravo, start, end)).unwrap();
    }
    store
        .add_encounter(&NewEncounter {
            class: EncounterClass::Emergency,
            started_at: at(11, 22, 3),
            ended_at: Some(at(11, 22, 9)),
            disposition: None,
            diagnoses: vec![Diagnosis {
                code: "F32.9".into(),
                display: "Depression".into(),
            }],
            ..stay(charlie, at(11, 22, 3), at(11, 22, 9))
        })
        .unwrap();
    store
        .add_encounter(&NewEncounter {
            class: EncounterClass::Outpatient,
            facility: "Synthetic Clinic".into(),
            disposition: None,
            provider: Some(ProviderKind::MentalHealth),
            diagnoses: vec![Diagnosis {
                code: "F32.9".into(),
                display: "Depression".into(),
            }],
            ..stay(charlie, at(11, 23, 10), at(11, 23, 11))
        })
        .unwrap();
    (path, ids)
}

fn stay(patient_id: i64, start: NaiveDateTime, end: NaiveDateTime) -> NewEncounter {
    NewEncounter {
        patient_id,
        class: EncounterClass::Inpatient,
        status: EncounterStatus::Finished,
        facility: "Synthetic General".into(),
        started_at: start,
        ended_at: Some(end),
        disposition: Some(Disposition::Home),
        disposition_code: None,
        complexity: Complexity::Moderate,
        provider: None,
        diagnoses: vec![],
    }
}

fn app(path: &Path, cols: u16, rows: u16) -> App {
    app_with(path, &settings_at_once(), cols, rows)
}

fn command(app: &mut App, line: &str) {
    keys(app, &format!(":{line}"));
    press(app, KeyCode::Enter);
}

fn transition_rows(app: &App) -> Vec<(String, ClockState)> {
    match app.overlay() {
        Some(Overlay::Transitions { rows, .. }) => rows
            .iter()
            .map(|r| (r.patient_name.clone(), r.clock.state))
            .collect(),
        other => panic!("no transitions overlay: {other:?}"),
    }
}

#[test]
fn the_transitions_view_lists_open_missed_and_met_clocks() {
    let dir = tempfile::tempdir().unwrap();
    let (path, _) = database(dir.path());
    for (cols, rows, name) in [
        (80, 24, "transitions_80x24"),
        (120, 40, "transitions_120x40"),
    ] {
        let mut app = app(&path, cols, rows);
        command(&mut app, "transitions");
        let listed = transition_rows(&app);
        assert!(listed
            .iter()
            .any(|(_, s)| matches!(s, ClockState::Open { days_left: 0, .. })));
        assert!(listed
            .iter()
            .any(|(_, s)| matches!(s, ClockState::Missed { .. })));
        assert!(listed
            .iter()
            .any(|(_, s)| matches!(s, ClockState::Met { .. })));
        let shown = screen(&mut app);
        assert!(shown.contains("today"), "{shown}");
        assert!(
            shown.contains("MISSED"),
            "missed is a word, not a colour:\n{shown}"
        );
        assert!(shown.contains("met "), "{shown}");
        assert!(shown.contains("READMIT"), "{shown}");
        assert!(shown.contains("IP discharge 11-20"), "{shown}");
        insta::assert_snapshot!(name, shown);
    }
}

#[test]
fn t_opens_the_view_and_enter_opens_the_patient_of_the_row() {
    let dir = tempfile::tempdir().unwrap();
    let (path, [_, _, charlie]) = database(dir.path());
    let mut app = app(&path, 100, 30);
    press(&mut app, KeyCode::Char('T'));
    let listed = transition_rows(&app);
    let at = listed
        .iter()
        .position(|(name, _)| name == "Charlie, Synth")
        .expect("a clock of Charlie's");
    for _ in 0..at {
        press(&mut app, KeyCode::Char('j'));
    }
    press(&mut app, KeyCode::Enter);
    assert!(app.overlay().is_none());
    assert_eq!(app.focus, PaneId::Patient);
    assert_eq!(app.patient.record.as_ref().map(|r| r.id), Some(charlie));
    let shown = screen(&mut app);
    assert!(shown.contains("Synth Charlie"), "{shown}");
    // Opening the patient is the audited view of their record.
    let reads = app
        .store()
        .recent_audit(20)
        .unwrap()
        .into_iter()
        .filter(|e| e.action == AuditAction::Read && e.patient_id == Some(charlie))
        .count();
    assert!(reads >= 1);
}

#[test]
fn v_voids_the_selected_clock_with_a_reason_and_the_view_comes_back() {
    let dir = tempfile::tempdir().unwrap();
    let (path, _) = database(dir.path());
    let mut app = app(&path, 100, 30);
    press(&mut app, KeyCode::Char('T'));
    let before = transition_rows(&app);
    press(&mut app, KeyCode::Char('v'));
    assert!(app.prompt().is_some(), "a reason is asked for");
    keys(&mut app, "member entered hospice care");
    press(&mut app, KeyCode::Enter);
    assert!(message(&app).contains("Clock voided"), "{}", message(&app));
    assert!(matches!(app.overlay(), Some(Overlay::Transitions { .. })));
    let after = transition_rows(&app);
    assert_eq!(
        after.len(),
        before.len() - 1,
        "the voided clock is not listed"
    );
    assert!(app
        .store()
        .recent_audit(10)
        .unwrap()
        .iter()
        .any(|e| e.detail.as_deref() == Some("voided (by hand: member entered hospice care)")));
}

#[test]
fn the_patient_pane_shows_encounters_open_clocks_and_the_readmission() {
    let dir = tempfile::tempdir().unwrap();
    let (path, _) = database(dir.path());
    let mut app = app(&path, 120, 40);
    press(&mut app, KeyCode::Char('j')); // Bravo
    let shown = screen(&mut app);
    assert!(shown.contains("⚑ READMIT"), "{shown}");
    let lines = format!("{:?}", app.patient.lines);
    assert!(
        lines.contains("4 missed · med rec + contact due today · visit 12-04"),
        "{lines}"
    );
    assert!(
        shown.contains("IP Synthetic General 11-17→11-20 · home · READMIT"),
        "{shown}"
    );
    assert!(
        shown.contains("IP Synthetic General 10-20→10-25 · home"),
        "{shown}"
    );
    press(&mut app, KeyCode::Char('j')); // Charlie
    let shown = screen(&mut app);
    assert!(
        shown.contains("ED Synthetic General 11-22 · F32.9"),
        "{shown}"
    );
}

#[test]
fn the_encounter_form_saves_a_stay_and_its_clocks_start() {
    let dir = tempfile::tempdir().unwrap();
    let (path, [alpha, _, _]) = database(dir.path());
    let mut app = app(&path, 80, 24);
    command(&mut app, "encounter");
    assert!(app.form().is_some(), "{}", message(&app));
    typed(
        &mut app,
        "inpatient\tSynthetic General\t2026-11-17\t08:00\t2026-11-20\t14:00\thome\t\t\tI50.9\tHeart failure",
    );
    ctrl(&mut app, 's');
    assert!(app.form().is_none(), "{:?}", app.form().map(|f| &f.problem));
    assert!(
        message(&app).contains("clocks started"),
        "{}",
        message(&app)
    );
    let clocks = app.store().patient_clocks(alpha).unwrap();
    let contact = clocks
        .iter()
        .find(|c| c.kind == ClockKind::TcmContact)
        .expect("the contact clock");
    assert_eq!(
        contact.due_on,
        NaiveDate::from_ymd_opt(2026, 11, 24).unwrap()
    );
    let lines = format!("{:?}", app.patient.lines);
    assert!(lines.contains("contact due today"), "{lines}");
    assert!(
        lines.contains("IP Synthetic General 11-17→11-20 · home · I50.9"),
        "{lines}"
    );
}

#[test]
fn an_end_before_the_start_is_named_and_nothing_is_saved() {
    let dir = tempfile::tempdir().unwrap();
    let (path, [alpha, _, _]) = database(dir.path());
    let mut app = app(&path, 80, 24);
    command(&mut app, "encounter");
    typed(
        &mut app,
        "inpatient\tSynthetic General\t2026-11-17\t08:00\t2026-11-16\t14:00",
    );
    ctrl(&mut app, 's');
    let problem = app
        .form()
        .and_then(|f| f.problem.clone())
        .expect("the form stays open with its problem");
    assert!(problem.contains("End is before the start"), "{problem}");
    assert!(app.store().encounters(alpha, 10).unwrap().is_empty());
    assert!(app.store().patient_clocks(alpha).unwrap().is_empty());
}

fn rejected(store: &mut Store, control: &str) {
    store
        .receive_adt(
            &ReceivedMessage {
                sender: "SYNTH^HOSP".into(),
                control_id: Some(control.into()),
                event: Some("A99".into()),
                raw: "MSH|^~\\&|SYNTH|HOSP|||20261124080000||ADT^A99|Q1|P|2.5\r".into(),
            },
            Err("MSH-9 names an event tend does not take"),
        )
        .unwrap();
}

#[test]
fn the_owner_sees_the_adt_queue_and_dismisses_a_message() {
    let dir = tempfile::tempdir().unwrap();
    let (path, _) = database(dir.path());
    rejected(&mut open(&path, "ccuser"), "Q1");
    let mut app = app(&path, 100, 30);
    // Said as the screen opens, to whoever resolves the queue.
    assert_eq!(message(&app), "1 ADT message waits for you: :adt lists it");
    command(&mut app, "adt");
    let shown = screen(&mut app);
    assert!(shown.contains("ADT queue · 1 message waiting"), "{shown}");
    assert!(shown.contains("rejected"), "{shown}");
    assert!(shown.contains("Q1"), "{shown}");
    press(&mut app, KeyCode::Char('d'));
    assert!(app.prompt().is_some());
    keys(&mut app, "a test message from the vendor");
    press(&mut app, KeyCode::Enter);
    assert!(message(&app).contains("dismissed"), "{}", message(&app));
    assert!(app.store().adt_queue().unwrap().is_empty());
    assert!(matches!(app.overlay(), Some(Overlay::AdtQueue { rows, .. }) if rows.is_empty()));
}

#[test]
fn a_coordinator_on_a_team_database_is_refused_the_adt_queue() {
    let dir = tempfile::tempdir().unwrap();
    let (path, _) = database(dir.path());
    {
        let north = ["north".to_string()];
        let mut store = open(&path, "boss");
        store
            .add_user("boss", "The Boss", Role::Admin, &[])
            .unwrap();
        store
            .add_user("ccuser", "Cee Cee", Role::Coordinator, &north)
            .unwrap();
    }
    rejected(&mut open(&path, "boss"), "Q2");
    let mut store = open(&path, "ccuser");
    store.sign_in().unwrap();
    let mut app = App::new(store, &settings_at_once(), false).unwrap();
    app.resize(100, 30);
    assert!(
        !message(&app).contains("ADT"),
        "not a coordinator's: {}",
        message(&app)
    );
    command(&mut app, "adt");
    assert!(
        app.overlay().is_none(),
        "{:?}",
        app.overlay().map(|o| o.kind())
    );
    assert!(message(&app).contains("coordinator"), "{}", message(&app));
    let said = message(&app);
    assert!(said.starts_with(char::is_uppercase), "a sentence: {said}");
    assert!(said.split_whitespace().count() > 4, "a sentence: {said}");
}
