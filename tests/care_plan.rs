//! The care plan and the clinical lists in the store (issue 6, first part):
//! round trips against a real SQLite file, the plan's rules, version
//! conflicts and the audit row of every change.

mod common;
mod fixtures;

use chrono::NaiveDate;
use common::{keys, open, press};
use fixtures::{day, zoe_db, ZOE};
use tend::domain::care_plan::{sparkline, GoalPriority, NeedDomain};
use tend::domain::clinical::{AllergyCriticality, ConditionStatus};
use tend::domain::goal::Goal;
use tend::domain::goal::GoalStatus;
use tend::domain::patient::FlagKind;
use tend::store::{AuditAction, Medication, Store, StoreError};

fn store(dir: &std::path::Path) -> Store {
    open(&zoe_db(dir), "ccuser")
}

fn audited(store: &Store, entity: &str) -> Vec<(AuditAction, Option<i64>)> {
    store
        .recent_audit(100)
        .unwrap()
        .into_iter()
        .filter(|a| a.entity_type == entity)
        .map(|a| (a.action, a.patient_id))
        .collect()
}

fn goal(need: Option<i64>) -> Goal {
    Goal {
        id: 0,
        patient_id: ZOE,
        need_id: need,
        description: "I want my sugar under control".into(),
        measure: Some("A1c below 8".into()),
        priority: GoalPriority::High,
        status: GoalStatus::Active,
        start_date: Some(day(24)),
        target_date: Some(fixtures::day(30) + chrono::Duration::days(90)),
        version: 0,
    }
}

#[test]
fn needs_and_goals_round_trip_grouped_by_domain() {
    let dir = tempfile::tempdir().unwrap();
    let mut store = store(dir.path());
    let housing = store
        .add_need(ZOE, NeedDomain::Housing, "Facing eviction in January")
        .unwrap();
    let medical = store
        .add_need(ZOE, NeedDomain::Medical, "Diabetes out of control")
        .unwrap();
    let needs = store.needs(ZOE).unwrap();
    assert_eq!(
        needs.iter().map(|n| n.id).collect::<Vec<_>>(),
        [medical, housing],
        "in the plan's order of domains"
    );
    assert_eq!(needs[1].description, "Facing eviction in January");
    assert!(!needs[0].resolved);

    let id = store.add_plan_goal(&goal(Some(medical))).unwrap();
    let saved = store
        .goals(ZOE)
        .unwrap()
        .into_iter()
        .find(|g| g.id == id)
        .unwrap();
    assert_eq!(saved.description, "I want my sugar under control");
    assert_eq!(saved.measure.as_deref(), Some("A1c below 8"));
    assert_eq!(saved.priority, GoalPriority::High);
    assert_eq!(saved.need_id, Some(medical));
    assert_eq!(saved.status, GoalStatus::Active);
    assert_eq!(saved.start_date, Some(day(24)));
    assert_eq!(saved.version, 1);
    assert_eq!(audited(&store, "Need").len(), 2);
    assert_eq!(audited(&store, "Goal"), [(AuditAction::Create, Some(ZOE))]);
}

#[test]
fn a_goal_without_a_target_or_ending_before_it_starts_is_refused_and_nothing_is_saved() {
    let dir = tempfile::tempdir().unwrap();
    let mut store = store(dir.path());
    let before = store.goals(ZOE).unwrap().len();
    let refused = |store: &mut Store, goal: Goal| match store.add_plan_goal(&goal) {
        Err(StoreError::Refused(message)) => message,
        other => panic!("expected a refusal, got {other:?}"),
    };
    assert_eq!(
        refused(
            &mut store,
            Goal {
                target_date: None,
                ..goal(None)
            }
        ),
        "the goal needs a target date"
    );
    assert_eq!(
        refused(
            &mut store,
            Goal {
                target_date: Some(day(20)),
                ..goal(None)
            }
        ),
        "the target date 2026-11-20 is before the goal's start 2026-11-24"
    );
    assert_eq!(
        refused(
            &mut store,
            Goal {
                measure: Some(" ".into()),
                ..goal(None)
            }
        ),
        "the goal needs a measurable target (what will show it is met)"
    );
    // A need of another patient's cannot hold this patient's goal.
    assert!(matches!(
        store.add_plan_goal(&goal(Some(999))),
        Err(StoreError::Refused(_))
    ));
    assert_eq!(store.goals(ZOE).unwrap().len(), before);
    assert!(audited(&store, "Goal").is_empty());
}

#[test]
fn goal_status_moves_follow_the_rules_and_refuse_a_stale_version() {
    let dir = tempfile::tempdir().unwrap();
    let mut store = store(dir.path());
    let id = store.add_plan_goal(&goal(None)).unwrap();
    let status = |store: &Store| {
        let g = store
            .goals(ZOE)
            .unwrap()
            .into_iter()
            .find(|g| g.id == id)
            .unwrap();
        (g.status, g.version)
    };
    store.set_goal_status(id, 1, GoalStatus::OnHold).unwrap();
    assert_eq!(status(&store), (GoalStatus::OnHold, 2));
    let err = store
        .set_goal_status(id, 2, GoalStatus::Completed)
        .unwrap_err();
    assert_eq!(
        err.to_string(),
        "a goal that is on hold cannot become achieved"
    );
    let err = store
        .set_goal_status(id, 1, GoalStatus::Active)
        .unwrap_err();
    assert!(matches!(err, StoreError::Conflict(_)), "{err}");
    assert_eq!(status(&store), (GoalStatus::OnHold, 2), "nothing changed");
    store.set_goal_status(id, 2, GoalStatus::Active).unwrap();
    store.set_goal_status(id, 3, GoalStatus::Completed).unwrap();
    assert_eq!(status(&store), (GoalStatus::Completed, 4));
    let updates: Vec<String> = store
        .recent_audit(100)
        .unwrap()
        .into_iter()
        .filter(|a| a.entity_type == "Goal" && a.action == AuditAction::Update)
        .filter_map(|a| a.detail)
        .collect();
    assert_eq!(
        updates,
        ["active → completed", "on-hold → active", "active → on-hold"]
    );
}

#[test]
fn progress_entries_keep_their_values_in_date_order() {
    let dir = tempfile::tempdir().unwrap();
    let mut store = store(dir.path());
    let id = store.add_plan_goal(&goal(None)).unwrap();
    store
        .add_progress(id, day(20), "Lab: A1c 8.4", Some(8.4))
        .unwrap();
    store
        .add_progress(id, day(10), "Lab: A1c 9.1", Some(9.1))
        .unwrap();
    store
        .add_progress(id, day(24), "Says she takes them most days now", None)
        .unwrap();
    let entries = store.progress(id).unwrap();
    assert_eq!(
        entries
            .iter()
            .map(|e| (e.recorded_on, e.value))
            .collect::<Vec<_>>(),
        [(day(10), Some(9.1)), (day(20), Some(8.4)), (day(24), None)]
    );
    assert_eq!(entries[2].note, "Says she takes them most days now");
    let values: Vec<f64> = entries.iter().filter_map(|e| e.value).collect();
    assert_eq!(sparkline(&values, 8), "█▁");
    assert!(matches!(
        store.add_progress(id, day(24), "  ", None),
        Err(StoreError::Refused(_))
    ));
    assert!(matches!(
        store.add_progress(id, day(24), "x", Some(f64::NAN)),
        Err(StoreError::Refused(_))
    ));
    assert_eq!(store.progress(id).unwrap().len(), 3);
    assert_eq!(audited(&store, "GoalProgress").len(), 3);
}

#[test]
fn medications_allergies_and_flags_round_trip_and_reconciliation_is_one_stamp() {
    let dir = tempfile::tempdir().unwrap();
    let mut store = store(dir.path());
    store
        .add_medication(
            ZOE,
            &Medication {
                name: "Metformin".into(),
                dose: Some("500 mg".into()),
                frequency: Some("twice a day".into()),
                prescriber: Some("Dr. Example".into()),
                active: true,
                ..Medication::default()
            },
        )
        .unwrap();
    store
        .add_medication(
            ZOE,
            &Medication {
                name: "Atorvastatin".into(),
                dose: Some(" ".into()),
                active: false,
                ..Medication::default()
            },
        )
        .unwrap();
    let meds = store.medications(ZOE).unwrap();
    assert_eq!(meds[0].name, "Metformin", "active ones first");
    assert_eq!(meds[0].dose.as_deref(), Some("500 mg"));
    assert_eq!(
        meds[1].dose, None,
        "a blank field is not stored as blank text"
    );
    assert!(!meds[1].active);

    let (version, on) = store.medications_reconciled(ZOE).unwrap();
    assert_eq!(on, None);
    store.reconcile_medications(ZOE, version, day(24)).unwrap();
    assert_eq!(
        store.medications_reconciled(ZOE).unwrap(),
        (version + 1, Some(day(24)))
    );
    // Another session's view of the record is now stale.
    let err = store
        .reconcile_medications(ZOE, version, day(25))
        .unwrap_err();
    assert!(matches!(err, StoreError::Conflict(_)), "{err}");
    assert_eq!(store.medications_reconciled(ZOE).unwrap().1, Some(day(24)));

    store
        .add_allergy(ZOE, "Penicillin", Some("hives"), AllergyCriticality::High)
        .unwrap();
    store
        .add_allergy(ZOE, "Latex", None, AllergyCriticality::Low)
        .unwrap();
    // Only FHIR's criticalities can be given: the type holds no other.
    assert_eq!(AllergyCriticality::from_code("severe"), None);
    let allergies = store.allergies(ZOE).unwrap();
    assert_eq!(
        allergies[0].substance, "Penicillin",
        "high criticality first"
    );
    assert_eq!(allergies[0].reaction.as_deref(), Some("hives"));
    assert_eq!(allergies.len(), 2);

    store
        .add_flag(
            ZOE,
            FlagKind::DoNotCall,
            "Do not call at home: call the cell",
        )
        .unwrap();
    store
        .add_flag(ZOE, FlagKind::Safety, "Two-person home visits only")
        .unwrap();
    let flags = store.flags(ZOE).unwrap();
    assert_eq!(flags[0].kind, FlagKind::Safety, "safety first");
    assert_eq!(flags[1].text, "Do not call at home: call the cell");

    for entity in ["MedicationStatement", "AllergyIntolerance", "Flag"] {
        assert_eq!(audited(&store, entity).len(), 2, "{entity}");
    }
    assert_eq!(
        store
            .recent_audit(100)
            .unwrap()
            .iter()
            .filter(|a| a.detail.as_deref() == Some("medications reconciled"))
            .count(),
        1
    );
}

/// The record shows what must be seen first right under the name, and the
/// medications, when they were reconciled, and the allergies.
#[test]
fn the_record_puts_flags_and_consent_first_then_medications_and_allergies() {
    let dir = tempfile::tempdir().unwrap();
    let path = zoe_db(dir.path());
    {
        let mut store = open(&path, "ccuser");
        store
            .add_flag(ZOE, FlagKind::Safety, "Two-person home visits only")
            .unwrap();
        store
            .write(|tx| {
                let now = tx.patient(ZOE)?.unwrap();
                tx.update_patient(&tend::domain::patient::Patient {
                    pronouns: Some("she/her".into()),
                    preferred_phone: 1,
                    consent_status: tend::domain::patient::ConsentStatus::Active,
                    consent_expires_on: Some(day(1)),
                    medications_reconciled_on: Some(day(3)),
                    ..now
                })?;
                tx.audit(AuditAction::Update, "Patient", Some(ZOE), Some(ZOE), None)
            })
            .unwrap();
        store
            .add_medication(
                ZOE,
                &Medication {
                    name: "Metformin".into(),
                    dose: Some("500 mg".into()),
                    frequency: Some("twice a day".into()),
                    active: true,
                    ..Medication::default()
                },
            )
            .unwrap();
        store
            .add_allergy(ZOE, "Penicillin", Some("hives"), AllergyCriticality::High)
            .unwrap();
    }
    let mut config = tend::app::Settings::defaults("ccuser");
    config.detail_delay = std::time::Duration::ZERO;
    let mut app = tend::app::App::new(open(&path, "ccuser"), &config, false).unwrap();
    app.resize(120, 60);
    let lines = &app.patient.lines;
    let text: Vec<String> = lines.iter().map(|l| format!("{l:?}")).collect();
    let at = |needle: &str| {
        text.iter()
            .position(|l| l.contains(needle))
            .unwrap_or_else(|| panic!("{needle:?} not in {text:#?}"))
    };
    assert_eq!(at("Zoë Testa (she/her)"), 0);
    assert_eq!(at("⚑ SAFETY: Two-person home visits only"), 1);
    assert_eq!(at("⚑ CONSENT expired 2026-11-01: do not share"), 2);
    assert!(at("EXPIRED 2026-11-01") > 2, "and on its own line below");
    let meds = at("Medications (1) · reconciled 2026-11-03");
    assert_eq!(at("Metformin 500 mg twice a day"), meds + 1);
    assert!(at("Allergies (1)") > meds);
    assert!(at("Penicillin: hives (high risk)") > meds);
    let screen = common::screen(&mut app);
    assert!(
        screen.contains("⚑ SAFETY: Two-person home visits only"),
        "{screen}"
    );
}

/// `+` on a goal and one line records progress; a value after `=` joins the
/// goal's trend, drawn as a sparkline with the latest value.
#[test]
fn progress_takes_one_key_and_a_line_and_shows_as_a_trend() {
    use crossterm::event::KeyCode;
    let dir = tempfile::tempdir().unwrap();
    let path = zoe_db(dir.path());
    let goal_id = open(&path, "ccuser").add_plan_goal(&goal(None)).unwrap();
    let config = tend::app::Settings::defaults("ccuser");
    let mut app = tend::app::App::new(open(&path, "ccuser"), &config, false).unwrap();
    app.resize(100, 30);
    press(&mut app, KeyCode::Char('3'));

    press(&mut app, KeyCode::Char('+'));
    keys(&mut app, "A1c at the clinic = 8.4");
    assert_eq!(
        app.prompt().unwrap().preview,
        Ok("Enter records it, with the value 8.4".to_string())
    );
    press(&mut app, KeyCode::Enter);
    assert!(app.prompt().is_none());

    // A value that is not a number keeps the line open, with the reason.
    press(&mut app, KeyCode::Char('+'));
    keys(&mut app, "= high");
    press(&mut app, KeyCode::Enter);
    assert!(app.prompt().is_some(), "still open to be fixed");
    let shown = common::screen(&mut app);
    assert!(
        shown.contains("After = comes the measured value, a number"),
        "{shown}"
    );
    for _ in 0..4 {
        press(&mut app, KeyCode::Backspace);
    }
    keys(&mut app, "7.6");
    press(&mut app, KeyCode::Enter);
    assert!(app.prompt().is_none());

    let entries = app.store().progress(goal_id).unwrap();
    assert_eq!(
        entries
            .iter()
            .map(|e| (e.note.as_str(), e.value))
            .collect::<Vec<_>>(),
        [
            ("A1c at the clinic", Some(8.4)),
            ("Measured 7.6", Some(7.6))
        ]
    );
    let shown = common::screen(&mut app);
    assert!(shown.contains("█▁ 7.6"), "{shown}");

    // Enter shows the goal in full, its progress with it.
    press(&mut app, KeyCode::Enter);
    let shown = common::screen(&mut app);
    for expected in [
        "Measure  A1c below 8",
        "Status   active · high priority",
        "Progress █▁",
        "2026-11-24  A1c at the clinic",
        "2026-11-24  Measured 7.6",
    ] {
        assert!(shown.contains(expected), "{expected:?} in:\n{shown}");
    }
}

/// The plan as Markdown, against a reviewed snapshot: needs with their
/// goals and progress, what to know first, the clinical lists and the team.
#[test]
fn the_care_plan_exports_as_markdown() {
    let dir = tempfile::tempdir().unwrap();
    let path = zoe_db(dir.path());
    let mut store = open(&path, "ccuser");
    let medical = store
        .add_need(ZOE, NeedDomain::Medical, "Diabetes out of control")
        .unwrap();
    store
        .add_need(ZOE, NeedDomain::Housing, "Facing eviction in January")
        .unwrap();
    let sugar = store.add_plan_goal(&goal(Some(medical))).unwrap();
    store
        .add_progress(sugar, day(10), "Lab: A1c", Some(9.1))
        .unwrap();
    store
        .add_progress(sugar, day(20), "Takes them most days \u{1b}[31mnow", None)
        .unwrap();
    store
        .add_plan_goal(&Goal {
            need_id: None,
            description: "Walk every evening".into(),
            measure: Some("20 minutes, 5 days a week".into()),
            priority: GoalPriority::Low,
            start_date: Some(day(1)),
            target_date: Some(day(23)),
            ..goal(None)
        })
        .unwrap();
    store
        .add_flag(
            ZOE,
            FlagKind::DoNotCall,
            "Do not call at home: call the cell",
        )
        .unwrap();
    store
        .add_medication(
            ZOE,
            &Medication {
                name: "Metformin".into(),
                dose: Some("500 mg".into()),
                frequency: Some("twice a day".into()),
                prescriber: Some("Dr. Example".into()),
                active: true,
                ..Medication::default()
            },
        )
        .unwrap();
    store
        .add_allergy(ZOE, "Penicillin", Some("hives"), AllergyCriticality::High)
        .unwrap();
    let text = tend::reports::careplan::careplan_markdown(&store, ZOE, day(24)).unwrap();
    assert!(
        !text.contains('\u{1b}'),
        "no escape sequence reaches the file"
    );
    insta::assert_snapshot!("careplan_markdown", text);
}

/// `S` on a goal changes its status within the plan's rules; a change
/// another session made first is refused and shown. `R` on the record
/// stamps the medications as reconciled today.
#[test]
fn goal_status_and_reconciliation_from_the_screen() {
    use crossterm::event::KeyCode;
    let dir = tempfile::tempdir().unwrap();
    let path = zoe_db(dir.path());
    let goal_id = open(&path, "ccuser").add_plan_goal(&goal(None)).unwrap();
    let config = tend::app::Settings::defaults("ccuser");
    let mut app = tend::app::App::new(open(&path, "ccuser"), &config, false).unwrap();
    app.resize(100, 30);
    let status = |app: &tend::app::App| {
        app.store()
            .goals(ZOE)
            .unwrap()
            .into_iter()
            .find(|g| g.id == goal_id)
            .unwrap()
            .status
    };

    press(&mut app, KeyCode::Char('3'));
    press(&mut app, KeyCode::Char('S'));
    keys(&mut app, "hold");
    assert_eq!(app.prompt().unwrap().preview, Ok("→ on hold".to_string()));
    press(&mut app, KeyCode::Enter);
    assert_eq!(status(&app), GoalStatus::OnHold);

    press(&mut app, KeyCode::Char('S'));
    keys(&mut app, "ach");
    assert_eq!(
        app.prompt().unwrap().preview,
        Err("a goal that is on hold cannot become achieved".to_string())
    );
    press(&mut app, KeyCode::Enter);
    assert!(app.prompt().is_some(), "kept open to be fixed");
    press(&mut app, KeyCode::Esc);
    assert_eq!(status(&app), GoalStatus::OnHold);

    // Another session resumes the goal while this one has the prompt open.
    press(&mut app, KeyCode::Char('S'));
    keys(&mut app, "cancelled");
    open(&path, "colleague")
        .set_goal_status(goal_id, 2, GoalStatus::Active)
        .unwrap();
    press(&mut app, KeyCode::Enter);
    assert_eq!(status(&app), GoalStatus::Active, "theirs is kept");
    let shown = common::screen(&mut app);
    assert!(
        shown.contains("Another session changed this goal meanwhile"),
        "{shown}"
    );
    assert!(
        shown.contains("active · target"),
        "theirs is shown: {shown}"
    );

    press(&mut app, KeyCode::Char('2'));
    press(&mut app, KeyCode::Char('R'));
    press(&mut app, KeyCode::Enter);
    assert_eq!(
        app.store().medications_reconciled(ZOE).unwrap().1,
        Some(day(24))
    );
    let shown = common::screen(&mut app);
    assert!(shown.contains("Medications reconciled today"), "{shown}");
}

/// A plan's review date comes up in the coordinator's day as a task: one
/// open review task per patient, moved when the date moves, overdue once
/// the date has passed.
#[test]
fn a_plan_past_its_review_is_a_task_in_todays_list() {
    use tend::domain::task::TaskKind;
    use tend::domain::task_line::TaskFilter;
    use tend::domain::urgency::UrgencyWeights;
    let dir = tempfile::tempdir().unwrap();
    let mut store = store(dir.path());
    let version = store.patient(ZOE).unwrap().unwrap().version;
    store.set_plan_review(ZOE, version, day(20)).unwrap();
    let reviews = |store: &Store| {
        store
            .ranked_day(
                "ccuser",
                &TaskFilter::default(),
                day(24) + chrono::Duration::days(7),
                day(24),
                &UrgencyWeights::default(),
                100,
            )
            .unwrap()
            .rows
            .into_iter()
            .filter(|t| t.kind == TaskKind::CarePlanReview)
            .collect::<Vec<_>>()
    };
    let due = reviews(&store);
    assert_eq!(due.len(), 1);
    assert_eq!(due[0].due_on, Some(day(20)), "four days overdue");
    assert_eq!(due[0].title, "Care-plan review due");
    assert_eq!(
        store.patient(ZOE).unwrap().unwrap().plan_review_on,
        Some(day(20))
    );

    // A new date moves the same task; a stale view of the record is refused.
    assert!(matches!(
        store.set_plan_review(ZOE, version, day(26)),
        Err(StoreError::Conflict(_))
    ));
    store.set_plan_review(ZOE, version + 1, day(26)).unwrap();
    let moved = reviews(&store);
    assert_eq!(moved.len(), 1);
    assert_eq!((moved[0].id, moved[0].due_on), (due[0].id, Some(day(26))));
    assert_eq!(
        audited(&store, "CarePlan"),
        [
            (AuditAction::Update, Some(ZOE)),
            (AuditAction::Update, Some(ZOE))
        ]
    );
}

/// The record is saved whole on the version the user saw, every field round
/// trip, or refused whole with the reason; the review date and the
/// reconciliation stamp are left to their own actions.
#[test]
fn the_record_is_saved_whole_on_the_version_seen_or_refused_whole() {
    use tend::domain::patient::{
        ConsentStatus, EnrollmentStatus, Patient, Practitioner, RiskTier, Sex,
    };
    let dir = tempfile::tempdir().unwrap();
    let mut store = store(dir.path());
    let before = store.patient(ZOE).unwrap().unwrap();
    let seen = before.version;
    store.reconcile_medications(ZOE, seen, day(3)).unwrap();
    let seen = seen + 1;
    let edited = Patient {
        family_name: "Testa-Ray".into(),
        given_name: "Zoë".into(),
        birth_date: NaiveDate::from_ymd_opt(1970, 2, 3).unwrap(),
        sex: Sex::Female,
        language: "es".into(),
        interpreter_needed: true,
        phone_primary: Some("(212) 555-0101".into()),
        phone_secondary: Some("(212) 555-0102".into()),
        medicaid_id: Some("ZZ00001Z".into()),
        plan_name: Some("Synthetic Health Plan".into()),
        enrollment_status: EnrollmentStatus::Disenrolled,
        enrolled_on: Some(NaiveDate::from_ymd_opt(2025, 1, 6).unwrap()),
        enrollment_ended_on: Some(day(20)),
        risk_tier: RiskTier::VeryHigh,
        gender_identity: Some("woman".into()),
        pronouns: Some("she/her".into()),
        preferred_phone: 2,
        best_time_to_call: Some("mornings".into()),
        address_line: Some("12 Example Street".into()),
        city: Some("Sampleton".into()),
        state: Some("NY".into()),
        postal_code: Some("00012".into()),
        consent_status: ConsentStatus::Active,
        consent_expires_on: Some(day(30) + chrono::Duration::days(365)),
        advance_directive: true,
        medications_reconciled_on: None,
        plan_review_on: Some(day(1)),
        version: seen,
        ..before.clone()
    };
    let refused =
        |store: &mut Store, p: Patient| store.update_patient_record(&p).unwrap_err().to_string();
    let cases: Vec<(Patient, &str)> = vec![
        (
            Patient {
                phone_secondary: None,
                ..edited.clone()
            },
            "the preferred phone is the second, but there is no second phone",
        ),
        (
            Patient {
                consent_status: ConsentStatus::None,
                ..edited.clone()
            },
            "only a consent on file has an expiry date",
        ),
        (
            Patient {
                birth_date: day(25),
                ..edited.clone()
            },
            "the birth date 2026-11-25 is after today",
        ),
        (
            Patient {
                enrollment_ended_on: Some(NaiveDate::from_ymd_opt(2024, 1, 1).unwrap()),
                ..edited.clone()
            },
            "enrollment cannot end (2024-01-01) before it began (2025-01-06)",
        ),
        (
            Patient {
                phone_primary: Some("555-0101".into()),
                ..edited.clone()
            },
            "a phone number has 10 digits; this has 7",
        ),
        (
            Patient {
                coordinator: Some(Practitioner {
                    id: 999,
                    username: "nobody".into(),
                    display_name: "Nobody".into(),
                }),
                ..edited.clone()
            },
            "there is no coordinator named \"nobody\"",
        ),
        (
            Patient {
                state: Some("New York".into()),
                ..edited.clone()
            },
            "a state is its two-letter abbreviation (NY)",
        ),
    ];
    for (p, expected) in cases {
        assert_eq!(refused(&mut store, p), expected);
    }
    assert!(matches!(
        store.update_patient_record(&Patient {
            version: seen - 1,
            ..edited.clone()
        }),
        Err(StoreError::Conflict(_))
    ));
    let unchanged = store.patient(ZOE).unwrap().unwrap();
    assert_eq!(
        (
            unchanged.pronouns.as_ref(),
            &unchanged.family_name,
            unchanged.version
        ),
        (None, &before.family_name, seen),
        "nothing written"
    );

    store.update_patient_record(&edited).unwrap();
    let record = store.patient(ZOE).unwrap().unwrap();
    assert_eq!(
        record,
        Patient {
            version: seen + 1,
            medications_reconciled_on: Some(day(3)),
            plan_review_on: None,
            ..edited.clone()
        },
        "every field round trips, except what an edit is not to touch"
    );
    assert_eq!(
        record.address_lines(),
        ["12 Example Street", "Sampleton, NY 00012"]
    );
    assert_eq!(
        store
            .recent_audit(10)
            .unwrap()
            .iter()
            .filter(|a| a.detail.as_deref() == Some("record"))
            .count(),
        1
    );
}

/// Every value in the Markdown is text to a Markdown viewer (issue 13: a
/// name like `![x](https://example.org/pixel.png)` became an image the
/// viewer fetched). The export of a plan whose every field holds Markdown
/// (images, links, autolinks, raw HTML, entities, emphasis, a table, a
/// heading's closing hashes, footnotes, math) is rendered by comrak, a
/// CommonMark and GitHub Flavored Markdown implementation nobody here
/// wrote, with every extension that makes links or markup on: no image, no
/// link, no raw HTML, and each value shown as it was written.
#[test]
fn every_value_in_the_markdown_is_text_to_a_markdown_viewer() {
    let dir = tempfile::tempdir().unwrap();
    let path = zoe_db(dir.path());
    let mut store = open(&path, "ccuser");
    let hostile = [
        "![x](https://example.org/pixel.png)",
        "<img src=https://example.org/a.png>",
        "[click](https://example.org/x) and <https://example.org/y>",
        "https://example.org/auto www.example.org/w",
        "Housing *em* _u_ ~~s~~ ==hi== | a | b | #",
        "`code` $x^2$ [^1] [[wiki]] :+1: ^sup^",
        "&lt;img src=x&gt; &amp; &#60;b&#62;",
        "[ref]\n\n[ref]: https://example.org/ref",
        "- [ ] not a task",
        "<script>alert(1)</script>",
        "1. not a list",
        "write to me@example.org",
    ];
    let conn = rusqlite::Connection::open(&path).unwrap();
    // Names as a database written before names were normalised may hold
    // them (the form and the importers would keep this punctuation too).
    conn.execute(
        "UPDATE patient SET given_name = ?1, family_name = ?2 WHERE id = ?3",
        rusqlite::params![hostile[0], hostile[1], ZOE],
    )
    .unwrap();
    let need = store
        .add_need(ZOE, NeedDomain::Housing, hostile[4])
        .unwrap();
    let goal_id = store
        .add_plan_goal(&Goal {
            need_id: Some(need),
            description: hostile[5].into(),
            measure: Some(hostile[6].into()),
            ..goal(None)
        })
        .unwrap();
    store
        .add_progress(goal_id, day(20), hostile[7], None)
        .unwrap();
    store.add_flag(ZOE, FlagKind::Safety, hostile[2]).unwrap();
    store
        .add_medication(
            ZOE,
            &Medication {
                name: hostile[0].into(),
                dose: Some(hostile[8].into()),
                frequency: Some(hostile[3].into()),
                prescriber: Some(hostile[2].into()),
                active: true,
                ..Medication::default()
            },
        )
        .unwrap();
    store
        .add_allergy(ZOE, hostile[9], Some(hostile[10]), AllergyCriticality::High)
        .unwrap();
    store
        .add_condition(ZOE, None, hostile[1], ConditionStatus::Active)
        .unwrap();
    store
        .add_care_team_member(
            ZOE,
            &tend::store::CareTeamMember {
                id: 0,
                role: hostile[4].into(),
                name: hostile[0].into(),
                organization: Some(hostile[11].into()),
                phone: None,
            },
        )
        .unwrap();
    let line = tend::domain::task_line::parse_task("Intervention", day(24)).unwrap();
    let task = store
        .add_task(ZOE, "ccuser", &line, day(24), Some(goal_id))
        .unwrap();
    conn.execute(
        "UPDATE task SET description = ?1 WHERE goal_id = ?2",
        rusqlite::params![hostile[3], goal_id],
    )
    .unwrap();
    drop(task);

    let text = tend::reports::careplan::careplan_markdown(&store, ZOE, day(24)).unwrap();
    let mut options = comrak::Options::default();
    let ext = &mut options.extension;
    ext.strikethrough = true;
    ext.table = true;
    ext.autolink = true;
    ext.tasklist = true;
    ext.superscript = true;
    ext.footnotes = true;
    ext.description_lists = true;
    ext.math_dollars = true;
    ext.math_code = true;
    ext.wikilinks_title_after_pipe = true;
    ext.underline = true;
    ext.subscript = true;
    ext.spoiler = true;
    ext.highlight = true;
    ext.alerts = true;
    options.parse.relaxed_autolinks = true;
    // Raw HTML passed through, as a lax viewer would.
    options.render.r#unsafe = true;
    let html = comrak::markdown_to_html(&text, &options);
    for markup in [
        "<img", "<a ", "<script", "<em>", "<u>", "<del>", "<mark>", "<code", "<sup", "<table",
        "<input", "math", "footnote", "<ol", "<b>",
    ] {
        assert!(
            !html.contains(markup),
            "{markup} in:\n{html}\nfrom:\n{text}"
        );
    }
    // Each value shown as written (HTML-escaped, a line break as ^J).
    let shown = |value: &str| {
        value
            .replace('&', "&amp;")
            .replace('<', "&lt;")
            .replace('>', "&gt;")
            .replace('"', "&quot;")
            .replace('\n', "^J")
    };
    for value in hostile {
        assert!(
            html.contains(&shown(value)),
            "{value:?} is not shown as written in:\n{html}"
        );
    }
    // The export's own markup still works: the headings and bold labels.
    assert!(html.contains("<h2>To know first</h2>"), "{html}");
    assert!(html.contains("<strong>Safety</strong>"), "{html}");
}
