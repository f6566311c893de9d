//! Screenings due again (`[[screening.rescreen]]`, issue 18 item 4)
//! against real SQLite files: a patient never screened is due today, one
//! screened is due when the interval has passed and not a day before, a
//! rule bound to a condition holds only while it is active, one open task
//! a patient and instrument however often tend starts, and signing a
//! screening completes it. The tests' today is Tuesday 24 November 2026.

mod common;

use common::loops::{date, open_tasks, reopen_on, store};
use tend::domain::clinical::ConditionStatus;
use tend::domain::instrument::Answer;
use tend::domain::patient::{EnrollmentStatus, Patient, RiskTier};
use tend::domain::screening::{answer_words, RescreenRule};
use tend::store::{AuditAction, RescreenPlan, SavedAnswer, Store};

fn rule(instrument: &str, every_days: u32, while_condition: &[&str]) -> RescreenRule {
    RescreenRule {
        instrument: instrument.into(),
        every_days,
        while_condition: while_condition.iter().map(|s| s.to_string()).collect(),
    }
}

/// Makes the due tasks of these rules, due by today.
fn make(store: &mut Store, rules: &[RescreenRule]) -> usize {
    let until = store.clock().today();
    make_until(store, rules, until)
}

fn make_until(store: &mut Store, rules: &[RescreenRule], until: chrono::NaiveDate) -> usize {
    let plans: Vec<RescreenPlan<'_>> = rules
        .iter()
        .map(|rule| RescreenPlan {
            rule,
            instrument_name: if rule.instrument == "phq-9" {
                "PHQ-9"
            } else {
                "GAD-7"
            },
        })
        .collect();
    store.make_due_screening_tasks(&plans, until).unwrap()
}

/// Gives and signs a PHQ-9 of the patient, all "Not at all", now.
fn sign_phq9(store: &mut Store, patient: i64) {
    let phq = tend::instruments::load(None).get("phq-9").unwrap().clone();
    let answers: Vec<SavedAnswer> = phq.items[..9]
        .iter()
        .enumerate()
        .map(|(position, item)| {
            let words = answer_words(item, &Answer::One(0)).unwrap();
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
        .collect();
    let id = store
        .start_screening(patient, "phq-9", "PHQ-9", None)
        .unwrap();
    store
        .sign_screening(id, &answers, Some(0), Some("minimal"))
        .unwrap();
}

/// The patient's open screening-due tasks as (title, due).
fn due_tasks(store: &Store, patient: i64) -> Vec<(String, chrono::NaiveDate)> {
    open_tasks(store, patient)
        .into_iter()
        .filter(|(title, ..)| title.contains(" due: "))
        .map(|(title, due, _)| (title, due.unwrap()))
        .collect()
}

#[test]
fn never_screened_is_due_today_and_screened_is_due_after_the_interval_not_before() {
    let dir = tempfile::tempdir().unwrap();
    let (mut store, patient) = store(dir.path());
    let every_90 = [rule("phq-9", 90, &[])];
    assert_eq!(
        make(&mut store, &every_90),
        1,
        "the disenrolled one is left out"
    );
    assert_eq!(
        due_tasks(&store, patient),
        [("PHQ-9 due: never screened".to_string(), date(2026, 11, 24))]
    );
    let task = store.patient_tasks(patient).unwrap().remove(0);
    assert_eq!(task.owner.as_deref(), Some("ccuser"), "the coordinator's");
    let audit = store.recent_audit(1).unwrap().remove(0);
    assert_eq!(
        (audit.action, audit.entity_type.as_str(), audit.entity_id),
        (AuditAction::Create, "Task", Some(task.id))
    );
    assert_eq!(audit.detail.as_deref(), Some("screening due"));

    sign_phq9(&mut store, patient);
    assert!(
        due_tasks(&store, patient).is_empty(),
        "signing completed it"
    );
    drop(store);

    // 89 days on: not yet.
    let mut store = reopen_on(dir.path(), "2027-02-21T09:00:00-05:00");
    assert_eq!(make(&mut store, &every_90), 0);
    assert!(due_tasks(&store, patient).is_empty());
    // Looking a day ahead, it is due tomorrow: made now, due then.
    assert_eq!(
        make_until(&mut store, &every_90, date(2027, 2, 22)),
        1,
        "falls due within the days looked ahead"
    );
    assert_eq!(
        due_tasks(&store, patient),
        [(
            "PHQ-9 due: last screened 2026-11-24".to_string(),
            date(2027, 2, 22)
        )]
    );
    drop(store);

    // Long after: still the one task, not a second.
    let mut store = reopen_on(dir.path(), "2027-05-03T09:00:00-05:00");
    assert_eq!(make(&mut store, &every_90), 0);
    assert_eq!(due_tasks(&store, patient).len(), 1);
}

#[test]
fn a_long_overdue_screening_is_due_today_not_on_the_day_it_fell_due() {
    let dir = tempfile::tempdir().unwrap();
    let (mut store, patient) = store(dir.path());
    sign_phq9(&mut store, patient);
    drop(store);
    let mut store = reopen_on(dir.path(), "2027-06-01T09:00:00-04:00");
    assert_eq!(make(&mut store, &[rule("phq-9", 90, &[])]), 1);
    assert_eq!(
        due_tasks(&store, patient),
        [(
            "PHQ-9 due: last screened 2026-11-24".to_string(),
            date(2027, 6, 1)
        )]
    );
}

#[test]
fn a_rule_bound_to_a_condition_holds_only_while_it_is_active() {
    let dir = tempfile::tempdir().unwrap();
    let (mut store, patient) = store(dir.path());
    let depression = [rule("phq-9", 90, &["F32", "F33"])];
    store
        .add_condition(
            patient,
            Some("F33.1"),
            "Major depressive disorder, recurrent, moderate",
            ConditionStatus::Resolved,
        )
        .unwrap();
    store
        .add_condition(
            patient,
            Some("I10"),
            "Hypertension",
            ConditionStatus::Active,
        )
        .unwrap();
    assert_eq!(make(&mut store, &depression), 0, "resolved does not count");

    let anxiety = [rule("gad-7", 180, &["anxiety"])];
    store
        .add_condition(
            patient,
            None,
            "Generalized anxiety disorder",
            ConditionStatus::Active,
        )
        .unwrap();
    assert_eq!(make(&mut store, &anxiety), 1, "by its words");

    store
        .add_condition(
            patient,
            Some("F32.A"),
            "Depression, unspecified",
            ConditionStatus::Active,
        )
        .unwrap();
    assert_eq!(make(&mut store, &depression), 1, "by its code");
    let mut titles: Vec<String> = due_tasks(&store, patient)
        .into_iter()
        .map(|(t, _)| t)
        .collect();
    titles.sort();
    assert_eq!(
        titles,
        ["GAD-7 due: never screened", "PHQ-9 due: never screened"]
    );
}

#[test]
fn one_task_a_patient_and_instrument_however_often_tend_starts() {
    let dir = tempfile::tempdir().unwrap();
    let (mut store, patient) = store(dir.path());
    // Two rules naming one instrument still make one task.
    let rules = [rule("phq-9", 90, &[]), rule("phq-9", 30, &[])];
    assert_eq!(make(&mut store, &rules), 1);
    for _ in 0..3 {
        assert_eq!(make(&mut store, &rules), 0);
    }
    drop(store);
    let mut store = reopen_on(dir.path(), "2026-11-25T09:00:00-05:00");
    assert_eq!(make(&mut store, &rules), 0, "nor the next day");
    assert_eq!(due_tasks(&store, patient).len(), 1);

    // Closed by hand without a screening: not made again in this cycle.
    let task = store.patient_tasks(patient).unwrap().remove(0);
    let today = store.clock().today();
    store
        .complete_tasks(
            &[tend::store::TaskRef {
                id: task.id,
                version: task.version,
            }],
            Some("screened on paper"),
            today,
        )
        .unwrap();
    assert_eq!(make(&mut store, &rules), 0);
    assert!(due_tasks(&store, patient).is_empty());
}

#[test]
fn signing_completes_the_due_task_of_that_instrument_only() {
    let dir = tempfile::tempdir().unwrap();
    let (mut store, patient) = store(dir.path());
    let rules = [rule("phq-9", 90, &[]), rule("gad-7", 180, &[])];
    assert_eq!(make(&mut store, &rules), 2);
    let phq_task = store
        .patient_tasks(patient)
        .unwrap()
        .into_iter()
        .find(|t| t.title.starts_with("PHQ-9"))
        .unwrap();
    sign_phq9(&mut store, patient);
    assert_eq!(
        due_tasks(&store, patient),
        [("GAD-7 due: never screened".to_string(), date(2026, 11, 24))]
    );
    let done = store.task(phq_task.id).unwrap().unwrap();
    assert_eq!(done.status, tend::domain::task::TaskStatus::Completed);
    let audited = store.recent_audit(5).unwrap().into_iter().any(|a| {
        a.entity_type == "Task"
            && a.entity_id == Some(phq_task.id)
            && a.detail.as_deref() == Some("completed: the screening was signed")
    });
    assert!(audited, "its completion is in the audit trail");
    // Just screened: nothing due for it now.
    assert_eq!(make(&mut store, &rules), 0);
}

#[test]
fn only_the_users_patients_owned_by_their_coordinator() {
    let dir = tempfile::tempdir().unwrap();
    let (mut store, patient) = store(dir.path());
    let other = store
        .write(|tx| {
            let cc2 = tx.practitioner("cc2", "Colleague")?;
            let id = tx.insert_patient(&Patient {
                member_id: "SYN9".into(),
                family_name: "Otherly".into(),
                given_name: "Ona".into(),
                birth_date: date(1980, 3, 4),
                enrollment_status: EnrollmentStatus::Enrolled,
                risk_tier: RiskTier::Low,
                coordinator: Some(tend::domain::patient::Practitioner {
                    id: cc2,
                    ..Default::default()
                }),
                ..Patient::default()
            })?;
            tx.audit(AuditAction::Create, "Patient", Some(id), Some(id), None)?;
            Ok(id)
        })
        .unwrap();
    assert_eq!(make(&mut store, &[rule("phq-9", 90, &[])]), 1);
    assert_eq!(due_tasks(&store, patient).len(), 1);
    assert!(
        due_tasks(&store, other).is_empty(),
        "not the user's patient"
    );
}

/// The cost at start-up, on a generated caseload of 100,000 patients
/// (`TEND_BENCH_DB`, made by `tend gen --patients 100000 --seed 1` with
/// TEND_NOW=2026-11-24T09:00:00-05:00, as `root`): the first start of the
/// day, which writes the tasks, and the next, which only reads.
/// `cargo test --release --test screening_due -- --ignored --nocapture`.
#[test]
#[ignore]
fn cost_at_100000_patients() {
    let Some(path) = std::env::var_os("TEND_BENCH_DB") else {
        return;
    };
    let user = std::env::var("TEND_BENCH_USER").unwrap_or_else(|_| "root".into());
    let rules = [
        rule("phq-9", 90, &["F32", "F33", "depress"]),
        rule("gad-7", 180, &["F41", "anxiety"]),
        rule("phq-9", 365, &[]),
    ];
    for run in ["first", "second", "third"] {
        let mut store = Store::open(
            std::path::Path::new(&path),
            &user,
            tend::clock::Clock::parse("2026-11-24T09:00:00-05:00").unwrap(),
            &tend::store::OpenOptions::default(),
        )
        .unwrap();
        store.sign_in().unwrap();
        let started = std::time::Instant::now();
        let made = make_until(&mut store, &rules, date(2026, 12, 1));
        println!(
            "{run} start: {made} tasks made in {:.1} ms",
            started.elapsed().as_secs_f64() * 1000.0
        );
    }
}
