//! Screenings in the store (schema version 15) against real SQLite files:
//! saved as answered and read back unfinished, a safety rule's flag and
//! escalation task written once with the answer that fired it, signing
//! stamps who and when, and a signed screening that no write — tend's or
//! SQL's — can change. The tests' today is Tuesday 24 November 2026.

mod common;

use common::loops::{date, open_tasks, refusal, reopen_on, store};
use rusqlite::Connection;
use tend::domain::instrument::Answer;
use tend::domain::screening::{answer_words, safety_texts};
use tend::store::{SafetyRaise, SavedAnswer, ScreeningStatus};

fn phq9() -> tend::domain::instrument::Instrument {
    tend::instruments::load(None)
        .instruments
        .into_iter()
        .find(|i| i.id == "phq-9")
        .expect("PHQ-9 is shipped")
}

/// The saved form of answering the items in order with these options.
fn saved(options: &[usize]) -> Vec<SavedAnswer> {
    let phq = phq9();
    options
        .iter()
        .enumerate()
        .map(|(position, &option)| {
            let item = &phq.items[position];
            let words = answer_words(item, &Answer::One(option)).unwrap();
            SavedAnswer {
                item: item.id.clone(),
                position,
                chosen: words.chosen,
                label: Some(words.label),
                score: Some(words.score),
                codes: words.codes,
                text: None,
            }
        })
        .collect()
}

#[test]
fn an_unfinished_screening_is_kept_as_answered_and_offered_back() {
    let dir = tempfile::tempdir().unwrap();
    let (mut store, patient) = store(dir.path());
    let id = store
        .start_screening(patient, "phq-9", "PHQ-9", None)
        .unwrap();
    store
        .save_screening(id, &saved(&[1, 2, 0]), 3, None)
        .unwrap();
    drop(store);

    let store = reopen_on(dir.path(), "2026-11-24T16:00:00-05:00");
    let unfinished = store.unfinished_screenings().unwrap();
    assert_eq!(unfinished.len(), 1);
    assert_eq!(unfinished[0].instrument_name, "PHQ-9");
    assert_eq!((unfinished[0].answered, unfinished[0].position), (3, 3));
    let again = store
        .unfinished_screening(patient, "phq-9")
        .unwrap()
        .unwrap();
    assert_eq!(again.id, id);
    assert_eq!(again.status, ScreeningStatus::InProgress);
    let labels: Vec<_> = again
        .answers
        .iter()
        .map(|a| a.label.clone().unwrap())
        .collect();
    assert_eq!(
        labels,
        ["Several days", "More than half the days", "Not at all"]
    );
    assert_eq!(again.answers[1].codes, ["LA6570-1"]);
    assert!(store
        .unfinished_screening(patient, "gad-7")
        .unwrap()
        .is_none());
}

#[test]
fn a_safety_rule_raises_the_flag_and_a_task_due_now_once() {
    let dir = tempfile::tempdir().unwrap();
    let (mut store, patient) = store(dir.path());
    let id = store
        .start_screening(patient, "phq-9", "PHQ-9", None)
        .unwrap();
    let (flag, task) = safety_texts(&phq9(), "thoughts of self-harm");
    let raise = SafetyRaise { flag, task };
    let answers = saved(&[0, 0, 0, 0, 0, 0, 0, 0, 1]);
    assert!(store.save_screening(id, &answers, 8, Some(&raise)).unwrap());
    assert!(
        !store.save_screening(id, &answers, 9, Some(&raise)).unwrap(),
        "raised once a screening"
    );
    let flags = store.flags(patient).unwrap();
    assert_eq!(flags.len(), 1);
    assert!(flags[0].text.starts_with("PHQ-9: thoughts"));
    let tasks = open_tasks(&store, patient);
    let escalations: Vec<_> = tasks
        .iter()
        .filter(|(title, ..)| title.starts_with("Safety escalation (PHQ-9)"))
        .collect();
    assert_eq!(escalations.len(), 1);
    assert_eq!(escalations[0].1, Some(date(2026, 11, 24)), "due today");
    assert!(escalations[0].2, "a hard deadline");
}

#[test]
fn a_signed_screening_cannot_be_changed_by_tend_or_by_sql() {
    let dir = tempfile::tempdir().unwrap();
    let (mut store, patient) = store(dir.path());
    let id = store
        .start_screening(patient, "phq-9", "PHQ-9", None)
        .unwrap();
    let answers = saved(&[3, 3, 3, 3, 3, 3, 3, 3, 3]);
    store
        .sign_screening(id, &answers, Some(27), Some("Severe"))
        .unwrap();
    let signed = store.screening(id).unwrap().unwrap();
    assert_eq!(signed.status, ScreeningStatus::Completed);
    assert_eq!(signed.signed_by.as_deref(), Some("ccuser"));
    assert!(signed.signed_at.is_some());
    assert_eq!(
        (signed.total, signed.band.as_deref()),
        (Some(27), Some("Severe"))
    );

    let why = refusal(store.save_screening(id, &answers[..2], 1, None));
    assert!(why.contains("cannot be changed"), "{why}");
    refusal(store.sign_screening(id, &answers, Some(0), None));
    refusal(store.abandon_screening(id));

    let path = dir.path().join("loops.db");
    drop(store);
    let sql = Connection::open(&path).unwrap();
    for change in [
        "UPDATE screening SET total = 3",
        "DELETE FROM screening",
        "UPDATE screening_answer SET score = 0",
        "DELETE FROM screening_answer",
        "INSERT INTO screening_answer (screening_id, item, position) VALUES (1, '10', 9)",
    ] {
        let error = sql.execute(change, []).unwrap_err().to_string();
        assert!(error.contains("signed screening"), "{change}: {error}");
    }

    let store = reopen_on(dir.path(), "2026-11-25T09:00:00-05:00");
    let results = store.screening_results(patient).unwrap();
    assert_eq!(results.len(), 1);
    assert_eq!(results[0].signed_on, date(2026, 11, 24));
    assert_eq!(
        store.signed_screenings(patient).unwrap()[0].answers.len(),
        9
    );
    assert!(store.unfinished_screenings().unwrap().is_empty());
}

#[test]
fn an_abandoned_screening_is_no_longer_offered() {
    let dir = tempfile::tempdir().unwrap();
    let (mut store, patient) = store(dir.path());
    let id = store
        .start_screening(patient, "gad-7", "GAD-7", None)
        .unwrap();
    store.abandon_screening(id).unwrap();
    assert!(store.unfinished_screenings().unwrap().is_empty());
    assert!(store.screening_results(patient).unwrap().is_empty());
}
