//! Screenings on the screen, in-process over a real database (issue 18):
//! the patient's screenings (`I`) with their trends, a PHQ-9 being
//! answered, the safety steps, the page to sign and one instrument's
//! history, drawn at 80x24 and 120x40; and driven by keys: a positive
//! PHQ-2 offering the PHQ-9 there and then, the AHC social needs adding
//! the needs it finds to the care plan in one key each, AUDIT-C read at
//! the cut point of the patient's recorded sex, and a required item that
//! cannot be passed. The tests' today is Tuesday 24 November 2026.

mod common;

use std::path::{Path, PathBuf};

use chrono::NaiveDate;
use crossterm::event::KeyCode;
use tend::app::{App, Overlay};
use tend::clock::Clock;
use tend::domain::care_plan::NeedDomain;
use tend::domain::instrument::Answer;
use tend::domain::patient::{EnrollmentStatus, Patient, Practitioner, RiskTier, Sex};
use tend::domain::screening::answer_words;
use tend::store::{AuditAction, OpenOptions, SavedAnswer, Store};

use common::{app_with, keys, message, open, press, screen, settings_at_once};

/// ccuser's patients Alpha (female) and Bravo (male); Alpha has PHQ-9s
/// signed in June, August and October. Returns the file and their ids.
fn database(dir: &Path) -> (PathBuf, [i64; 2]) {
    let path = dir.join("tend.db");
    let mut store = open(&path, "ccuser");
    let ids = store
        .write(|tx| {
            let me = tx.practitioner("ccuser", "ccuser")?;
            let mut ids = Vec::new();
            for (n, (family, sex)) in [("Alpha", Sex::Female), ("Bravo", Sex::Male)]
                .into_iter()
                .enumerate()
            {
                ids.push(tx.insert_patient(&Patient {
                    member_id: format!("SYN{n}"),
                    family_name: family.into(),
                    given_name: "Synth".into(),
                    birth_date: NaiveDate::from_ymd_opt(1970, 1, 2).unwrap(),
                    sex,
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
            Ok([ids[0], ids[1]])
        })
        .unwrap();
    drop(store);
    for (day, options) in [
        ("2026-06-02T10:00:00-04:00", [3, 3, 2, 3, 2, 2, 2, 2, 0]),
        ("2026-08-04T10:00:00-04:00", [2, 2, 2, 2, 1, 1, 1, 1, 0]),
        ("2026-10-06T10:00:00-04:00", [1, 1, 1, 1, 0, 1, 0, 1, 0]),
    ] {
        sign_phq9_on(&path, day, ids[0], &options);
    }
    (path, ids)
}

/// A PHQ-9 with these answers, signed at `at` by ccuser.
fn sign_phq9_on(path: &Path, at: &str, patient: i64, options: &[usize; 9]) {
    let phq = tend::instruments::load(None)
        .instruments
        .into_iter()
        .find(|i| i.id == "phq-9")
        .unwrap();
    let options_db = OpenOptions {
        create: false,
        ..OpenOptions::default()
    };
    let mut store = Store::open(path, "ccuser", Clock::parse(at).unwrap(), &options_db).unwrap();
    let answers: Vec<Option<Answer>> = options.iter().map(|&o| Some(Answer::One(o))).collect();
    let saved: Vec<SavedAnswer> = answers
        .iter()
        .enumerate()
        .map(|(i, a)| {
            let words = answer_words(&phq.items[i], a.as_ref().unwrap()).unwrap();
            SavedAnswer {
                item: phq.items[i].id.clone(),
                position: i,
                chosen: words.chosen,
                label: Some(words.label),
                score: Some(words.score),
                codes: words.codes,
                text: None,
            }
        })
        .collect();
    let score = phq.score(&answers, tend::domain::instrument::RuleSex::Female);
    let id = store
        .start_screening(patient, "phq-9", "PHQ-9", None)
        .unwrap();
    store
        .sign_screening(
            id,
            &saved,
            score.total,
            score.band.map(|b| b.label.as_str()),
        )
        .unwrap();
}

fn app(path: &Path, cols: u16, rows: u16) -> App {
    app_with(path, &settings_at_once(), cols, rows)
}

/// `:screen ID` on the patient on screen.
fn screen_with(app: &mut App, instrument: &str) {
    keys(app, ":");
    keys(app, &format!("screen {instrument}"));
    press(app, KeyCode::Enter);
}

#[test]
fn the_screenings_a_phq_9_the_safety_steps_and_the_history_at_80x24_and_120x40() {
    for (cols, rows) in [(80, 24), (120, 40)] {
        // A database each: the screening left unfinished at one size would
        // be taken up by `I` at the next.
        let dir = tempfile::tempdir().unwrap();
        let (path, _) = database(dir.path());
        let mut app = app(&path, cols, rows);
        keys(&mut app, "I");
        let shown = screen(&mut app);
        assert!(shown.contains("Screenings of Alpha"), "{shown}");
        assert!(shown.contains("PHQ-9"), "{shown}");
        insta::assert_snapshot!(format!("screenings_{cols}x{rows}"), shown);

        // The PHQ-9's history (first: the instruments with results come
        // first): three results, the latest mild.
        press(&mut app, KeyCode::Enter);
        let shown = screen(&mut app);
        assert!(shown.contains("moderately severe"), "{shown}");
        insta::assert_snapshot!(format!("screening_history_{cols}x{rows}"), shown);
        press(&mut app, KeyCode::Esc);

        // A new PHQ-9, two items answered: the third on screen.
        screen_with(&mut app, "phq-9");
        keys(&mut app, "12");
        let shown = screen(&mut app);
        assert!(shown.contains("item 3 of 10"), "{shown}");
        insta::assert_snapshot!(format!("screening_phq9_item3_{cols}x{rows}"), shown);

        // Item 9 above 0: the safety steps over it at once.
        keys(&mut app, "000000");
        keys(&mut app, "1");
        assert!(matches!(app.overlay(), Some(Overlay::SafetySteps(_))));
        let shown = screen(&mut app);
        insta::assert_snapshot!(format!("screening_safety_{cols}x{rows}"), shown);
        press(&mut app, KeyCode::Enter);
        press(&mut app, KeyCode::Tab);
        let shown = screen(&mut app);
        assert!(shown.contains("Total 4 of 27: minimal"), "{shown}");
        insta::assert_snapshot!(format!("screening_to_sign_{cols}x{rows}"), shown);
        press(&mut app, KeyCode::Esc);
        assert!(message(&app).contains("PHQ-9 kept unfinished (9 answered)"));
    }
}

#[test]
fn the_patient_pane_shows_each_instruments_trend_and_enter_its_history() {
    let dir = tempfile::tempdir().unwrap();
    let (path, _) = database(dir.path());
    let app = app(&path, 120, 40);
    let lines = format!("{:?}", app.patient.lines);
    // 20 → 12 → 6 on the PHQ-9's own 0–27 scale.
    assert!(
        lines.contains("PHQ-9    ▆▄▃    6 mild · Tue 2026-10-06"),
        "{lines}"
    );
}

#[test]
fn a_positive_phq_2_offers_the_phq_9_there_and_then() {
    let dir = tempfile::tempdir().unwrap();
    let (path, _) = database(dir.path());
    let mut app = app(&path, 80, 24);
    screen_with(&mut app, "phq-2");
    keys(&mut app, "21");
    press(&mut app, KeyCode::Enter);
    assert_eq!(message(&app), "PHQ-2 signed: 3, positive");
    let shown = screen(&mut app);
    assert!(shown.contains("1 Start the PHQ-9 now"), "{shown}");
    keys(&mut app, "1");
    // Its first two items are the PHQ-2's: their answers come with it.
    assert_eq!(
        message(&app),
        "PHQ-9 started with the 2 answers already given"
    );
    let shown = screen(&mut app);
    assert!(
        shown.contains("PHQ-9 · Alpha, Synth · item 3 of 10"),
        "{shown}"
    );
    assert!(shown.contains("1:2 2:1 3:·"), "{shown}");
}

#[test]
fn the_social_needs_found_are_added_to_the_plan_one_key_each() {
    let dir = tempfile::tempdir().unwrap();
    let (path, [alpha, _]) = database(dir.path());
    let mut app = app(&path, 120, 40);
    screen_with(&mut app, "ahc-hrsn");
    // Worried about losing the place (2); no housing problems (skip);
    // food often ran out (1, 1); no transport or utility trouble (2, 2:
    // "No", as every yes/no item); never hurt, insulted, threatened or
    // screamed at (1 each).
    keys(&mut app, "2");
    press(&mut app, KeyCode::Tab);
    keys(&mut app, "1122");
    keys(&mut app, "1111");
    press(&mut app, KeyCode::Enter);
    assert_eq!(message(&app), "AHC HRSN signed");
    let shown = screen(&mut app);
    assert!(shown.contains("Add a Housing need"), "{shown}");
    assert!(shown.contains("Add a Food need"), "{shown}");
    press(&mut app, KeyCode::Enter);
    keys(&mut app, "1");
    let store = open(&path, "ccuser");
    let domains: Vec<NeedDomain> = store
        .needs(alpha)
        .unwrap()
        .into_iter()
        .map(|n| n.domain)
        .collect();
    assert_eq!(domains, [NeedDomain::Housing, NeedDomain::Food]);
}

#[test]
fn audit_c_reads_the_cut_point_of_the_recorded_sex() {
    let dir = tempfile::tempdir().unwrap();
    let (path, _) = database(dir.path());
    for (patient, positive) in [("Alpha", true), ("Bravo", false)] {
        let mut app = app(&path, 120, 40);
        if patient == "Bravo" {
            keys(&mut app, "j");
        }
        screen_with(&mut app, "audit-c");
        // Monthly or less (1), 3 or 4 drinks (1), less than monthly (1): 3.
        keys(&mut app, "111");
        let shown = screen(&mut app);
        assert!(shown.contains("Total 3 of 12"), "{patient}:\n{shown}");
        assert_eq!(
            shown.contains("! "),
            positive,
            "{patient}: positive at 3 for women only:\n{shown}"
        );
        press(&mut app, KeyCode::Esc);
    }
}

#[test]
fn a_required_item_cannot_be_passed_and_a_signed_one_cannot_be_changed() {
    let dir = tempfile::tempdir().unwrap();
    let (path, [alpha, _]) = database(dir.path());
    let mut app = app(&path, 80, 24);
    screen_with(&mut app, "gad-7");
    press(&mut app, KeyCode::Tab);
    assert!(
        message(&app).contains("item 1 needs an answer"),
        "{}",
        message(&app)
    );
    keys(&mut app, "9");
    assert!(
        message(&app).contains("9 is not an answer"),
        "{}",
        message(&app)
    );
    keys(&mut app, "3333333");
    press(&mut app, KeyCode::Enter);
    assert_eq!(message(&app), "GAD-7 signed: 21, severe");
    let store = open(&path, "ccuser");
    let results = store.screening_results(alpha).unwrap();
    let gad: Vec<_> = results.iter().filter(|r| r.instrument == "gad-7").collect();
    assert_eq!(gad.len(), 1);
    let id = gad[0].id;
    let mut store = store;
    assert!(store.save_screening(id, &[], 0, None).is_err());
}

#[test]
fn a_signed_screening_is_corrected_by_a_new_one_that_stands_in_its_place() {
    let dir = tempfile::tempdir().unwrap();
    let (path, [alpha, _]) = database(dir.path());
    let mut app = app(&path, 120, 40);
    keys(&mut app, "I");
    press(&mut app, KeyCode::Enter);
    keys(&mut app, "c");
    assert!(
        message(&app).starts_with("Correcting the PHQ-9 of Tue 2026-10-06"),
        "{}",
        message(&app)
    );
    let shown = screen(&mut app);
    assert!(
        shown.contains("1:1 2:1 3:1 4:1 5:0 6:1 7:0 8:1 9:0"),
        "{shown}"
    );
    // Item 1 was wrong: 3, not 1; then on to the end and signed.
    keys(&mut app, "3");
    for _ in 0..9 {
        press(&mut app, KeyCode::Tab);
    }
    press(&mut app, KeyCode::Enter);
    assert_eq!(message(&app), "PHQ-9 signed: 8, mild");
    let store = open(&path, "ccuser");
    let totals: Vec<Option<u32>> = store
        .screening_results(alpha)
        .unwrap()
        .into_iter()
        .map(|r| r.total)
        .collect();
    assert_eq!(
        totals,
        [Some(19), Some(12), Some(8)],
        "the correction in its place"
    );
    let all = store.signed_screenings(alpha).unwrap();
    assert_eq!(all.len(), 4, "the corrected one is kept, as signed");
    assert_eq!(all[3].corrects_id, Some(all[2].id));
    assert_eq!(all[2].total, Some(6));
}

#[test]
fn an_unfinished_screening_is_thrown_away_only_when_asked_twice() {
    let dir = tempfile::tempdir().unwrap();
    let (path, _) = database(dir.path());
    let mut app = app(&path, 80, 24);
    screen_with(&mut app, "gad-7");
    keys(&mut app, "12");
    tend_ctrl_q(&mut app);
    assert!(matches!(app.overlay(), Some(Overlay::ConfirmAbandon(_))));
    keys(&mut app, "n");
    assert_eq!(message(&app), "Kept: the screening goes on");
    assert!(screen(&mut app).contains("item 3 of 7"));
    tend_ctrl_q(&mut app);
    keys(&mut app, "y");
    assert_eq!(message(&app), "The unfinished GAD-7 was thrown away");
    assert!(open(&path, "ccuser")
        .unfinished_screenings()
        .unwrap()
        .is_empty());
}

fn tend_ctrl_q(app: &mut App) {
    common::ctrl(app, 'q');
}
