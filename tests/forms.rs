//! The forms of the record and the care plan, driven by key presses on the
//! app over a real database and read back from the screen (TestBackend) and
//! the database: validation as you type, Esc without change, one audited
//! transaction per save, and an edit that meets another session's.

mod common;
mod fixtures;

use common::{
    app_80x24_at_once as app, ctrl, message, open, press, screen, settings_at_once, typed,
};
use crossterm::event::KeyCode;
use fixtures::{zoe_db, ZOE};
use tend::app::pane::PaneId;
use tend::app::{App, GoalField};
use tend::domain::clinical::AllergyCriticality;
use tend::domain::goal::Goal;
use tend::domain::patient::Patient;
use tend::store::Store;

/// Empties the focused field (the form opens with the record's text in it).
fn clear(app: &mut App) {
    for _ in 0..60 {
        press(app, KeyCode::Backspace);
    }
}

/// Moves to the field with this label: to the first field, then Tab.
fn to_field(app: &mut App, label: &str) {
    for _ in 0..40 {
        press(app, KeyCode::BackTab);
    }
    for _ in 0..40 {
        let form = app.form().expect("a form is open");
        if form.fields[form.focused].label == label {
            return;
        }
        press(app, KeyCode::Tab);
    }
    panic!("the form has no field {label:?}");
}

fn audit_count(store: &Store) -> usize {
    store.recent_audit(1000).unwrap().len()
}

#[test]
fn the_record_form_at_80x24_starts_on_the_line_under_the_cursor() {
    let dir = tempfile::tempdir().unwrap();
    let mut app = app(&zoe_db(dir.path()));
    press(&mut app, KeyCode::Char('2'));
    // Down to the "Phone" line of the record.
    while !matches!(
        app.patient.selected_line(),
        Some(tend::app::patient::RecordLine::Field { label: "Phone", .. })
    ) {
        press(&mut app, KeyCode::Char('j'));
    }
    press(&mut app, KeyCode::Char('e'));
    let form = app.form().expect("e opens the record form");
    assert_eq!(form.fields[form.focused].label, "Phone");
    insta::assert_snapshot!("record_form_80x24", screen(&mut app));
    // Taller: every field at once.
    app.resize(120, 40);
    let shown = screen(&mut app);
    assert!(shown.contains("Advance directive  no"), "{shown}");
    insta::assert_snapshot!("record_form_120x40", shown);
}

#[test]
fn fields_are_checked_as_typed_and_a_bad_record_is_not_saved() {
    let dir = tempfile::tempdir().unwrap();
    let path = zoe_db(dir.path());
    let mut app = app(&path);
    press(&mut app, KeyCode::Char('2'));
    press(&mut app, KeyCode::Char('e'));
    to_field(&mut app, "Phone");
    clear(&mut app);
    typed(&mut app, "555 01");
    let shown = screen(&mut app);
    assert!(
        shown.contains("a phone number has 10 digits; this has 5"),
        "{shown}"
    );
    assert!(shown.contains("✗Phone"), "the field is marked: {shown}");

    // Saving jumps to the field that is wrong and writes nothing.
    let before = audit_count(app.store());
    to_field(&mut app, "Pronouns");
    typed(&mut app, "she/her");
    ctrl(&mut app, 's');
    let form = app.form().expect("the form stays open");
    assert_eq!(form.fields[form.focused].label, "Phone");
    assert_eq!(
        form.problem.as_deref(),
        Some("A phone number has 10 digits; this has 5")
    );

    // A rule across fields shows as soon as every field reads.
    clear(&mut app);
    typed(&mut app, "212 555 0199");
    assert!(screen(&mut app).contains("→ (212) 555-0199"));
    to_field(&mut app, "Consent expires");
    typed(&mut app, "+1y");
    assert!(screen(&mut app).contains("is not a date tend knows"));
    clear(&mut app);
    typed(&mut app, "2027-06-30");
    let form = app.form().unwrap();
    assert_eq!(
        form.problem.as_deref(),
        Some("Only a consent on file has an expiry date"),
        "Zoë's consent is not on file"
    );
    ctrl(&mut app, 's');
    assert!(app.form().is_some(), "not saved");
    assert_eq!(audit_count(app.store()), before, "nothing written");

    // Esc leaves without change.
    press(&mut app, KeyCode::Esc);
    assert!(app.form().is_none());
    assert_eq!(message(&app), "Cancelled; nothing was saved");
    let record = open(&path, "ccuser").patient(ZOE).unwrap().unwrap();
    assert_eq!(record.pronouns, None);
    assert_eq!(record.phone_primary.as_deref(), Some("(212) 555-0100"));
}

#[test]
fn a_saved_record_is_one_audited_change_shown_at_once() {
    let dir = tempfile::tempdir().unwrap();
    let path = zoe_db(dir.path());
    let mut app = app(&path);
    press(&mut app, KeyCode::Char('2'));
    press(&mut app, KeyCode::Char('e'));
    to_field(&mut app, "Pronouns");
    typed(&mut app, "she/her");
    to_field(&mut app, "Second phone");
    typed(&mut app, "(646) 555 0123");
    to_field(&mut app, "Preferred phone");
    clear(&mut app);
    typed(&mut app, "sec");
    to_field(&mut app, "Consent to share");
    clear(&mut app);
    typed(&mut app, "on file");
    to_field(&mut app, "Consent expires");
    typed(&mut app, "2027-06-30");
    let before = audit_count(app.store());
    ctrl(&mut app, 's');
    assert!(
        app.form().is_none(),
        "saved: {:?}",
        app.form().map(|f| &f.problem)
    );
    assert_eq!(message(&app), "Record saved");
    assert_eq!(audit_count(app.store()), before + 1, "one audit row");
    let shown = screen(&mut app);
    assert!(shown.contains("Zoë Testa (she/her)"), "{shown}");
    assert!(shown.contains("(646) 555-0123 preferred"), "{shown}");
    assert!(
        app.patient.lines.iter().any(|l| matches!(
            l,
            tend::app::patient::RecordLine::Field { label: "Consent", value, alert: false }
                if value == "signed, until 2027-06-30"
        )),
        "the consent is on file now: {:?}",
        app.patient.lines
    );

    let record = open(&path, "ccuser").patient(ZOE).unwrap().unwrap();
    assert_eq!(record.preferred_phone, 2);
    assert_eq!(record.phone_secondary.as_deref(), Some("(646) 555-0123"));
    assert_eq!(record.version, 2);
}

/// The language field completes names from the whole ISO 639-3 registry:
/// the line under the form offers them as the name is typed, Tab takes the
/// first while the text is no language yet, and the record stores the tag
/// and shows the name. Unknown and declined are answers like any other.
#[test]
fn the_language_field_completes_from_the_registry_and_stores_the_tag() {
    let dir = tempfile::tempdir().unwrap();
    let path = zoe_db(dir.path());
    let mut app = app(&path);
    press(&mut app, KeyCode::Char('2'));
    press(&mut app, KeyCode::Char('e'));
    to_field(&mut app, "Language");
    clear(&mut app);
    typed(&mut app, "fuzh");
    let shown = screen(&mut app);
    assert!(shown.contains("Tab: Min Dong Chinese (cdo)"), "{shown}");
    insta::assert_snapshot!("record_form_language_80x24", shown);
    press(&mut app, KeyCode::Tab);
    let form = app.form().unwrap();
    assert_eq!(form.fields[form.focused].label, "Language", "Tab completed");
    assert!(screen(&mut app).contains("Min Dong Chinese"));
    ctrl(&mut app, 's');
    assert_eq!(message(&app), "Record saved");
    let language_line = |app: &App| {
        app.patient.lines.iter().find_map(|l| match l {
            tend::app::patient::RecordLine::Field {
                label: "Language",
                value,
                ..
            } => Some(value.clone()),
            _ => None,
        })
    };
    assert_eq!(
        language_line(&app).as_deref(),
        Some("Min Dong Chinese, interpreter"),
        "the pane shows the name"
    );
    assert_eq!(
        open(&path, "ccuser")
            .patient(ZOE)
            .unwrap()
            .unwrap()
            .language,
        "cdo"
    );

    for (typed_text, stored, shown) in [
        ("Declined", "und-x-declined", "Declined to answer"),
        ("unknown", "und", "Unknown"),
        ("pt-br", "pt-BR", "Portuguese (pt-BR)"),
    ] {
        press(&mut app, KeyCode::Char('e'));
        to_field(&mut app, "Language");
        clear(&mut app);
        typed(&mut app, typed_text);
        ctrl(&mut app, 's');
        assert_eq!(message(&app), "Record saved", "{typed_text}");
        assert_eq!(
            open(&path, "ccuser")
                .patient(ZOE)
                .unwrap()
                .unwrap()
                .language,
            stored
        );
        assert_eq!(
            language_line(&app),
            Some(format!("{shown}, interpreter")),
            "{typed_text}"
        );
    }
}

/// Another session saved the record while the form was open: nothing of
/// ours is written, the form says so, takes theirs where we had not typed,
/// shows theirs beside ours where we had; a second save keeps both.
#[test]
fn an_edit_that_meets_another_sessions_loses_neither() {
    let dir = tempfile::tempdir().unwrap();
    let path = zoe_db(dir.path());
    let mut app = app(&path);
    press(&mut app, KeyCode::Char('2'));
    press(&mut app, KeyCode::Char('e'));
    to_field(&mut app, "Pronouns");
    typed(&mut app, "she/her");
    to_field(&mut app, "Best time to call");
    typed(&mut app, "after 5pm");

    // Meanwhile, a colleague's session.
    let mut other = open(&path, "colleague");
    let record = other.patient(ZOE).unwrap().unwrap();
    other
        .update_patient_record(&Patient {
            medicaid_id: Some("ZZ99999Z".into()),
            best_time_to_call: Some("mornings".into()),
            ..record
        })
        .unwrap();

    ctrl(&mut app, 's');
    let form = app.form().expect("the form stays open");
    let problem = form.problem.clone().unwrap_or_default();
    assert!(
        problem.starts_with("Another session saved this record meanwhile; nothing was saved"),
        "{problem}"
    );
    assert!(
        problem.contains("≠ marks where yours and theirs differ (1)"),
        "{problem}"
    );
    let field = |label: &str| form.fields.iter().find(|f| f.label == label).unwrap();
    assert_eq!(field("Best time to call").text(), "after 5pm", "ours kept");
    assert_eq!(
        field("Best time to call").theirs.as_deref(),
        Some("mornings"),
        "theirs shown"
    );
    assert_eq!(
        field("Medicaid ID").text(),
        "ZZ99999Z",
        "theirs taken where we had not typed"
    );
    assert_eq!(field("Pronouns").text(), "she/her");
    let shown = screen(&mut app);
    assert!(
        shown.contains("Saved meanwhile by another session: mornings"),
        "{shown}"
    );
    insta::assert_snapshot!("record_form_conflict_80x24", shown);
    let stored = open(&path, "ccuser").patient(ZOE).unwrap().unwrap();
    assert_eq!(stored.pronouns, None, "nothing of ours was written");

    // Saving again is a choice made seeing both: ours where we typed,
    // theirs elsewhere.
    ctrl(&mut app, 's');
    assert!(app.form().is_none(), "{:?}", app.form().map(|f| &f.problem));
    let stored = open(&path, "ccuser").patient(ZOE).unwrap().unwrap();
    assert_eq!(stored.pronouns.as_deref(), Some("she/her"));
    assert_eq!(stored.best_time_to_call.as_deref(), Some("after 5pm"));
    assert_eq!(stored.medicaid_id.as_deref(), Some("ZZ99999Z"));
    assert_eq!(stored.version, 3);
}

#[test]
fn a_goal_needs_a_target_date_after_its_start() {
    let dir = tempfile::tempdir().unwrap();
    let path = zoe_db(dir.path());
    let mut app = app(&path);
    press(&mut app, KeyCode::Char('3'));
    press(&mut app, KeyCode::Char('N'));
    typed(&mut app, "food");
    press(&mut app, KeyCode::Enter);
    typed(&mut app, "Runs out of food at month's end");
    press(&mut app, KeyCode::Enter);
    assert!(app.form().is_none());
    assert_eq!(message(&app), "Need added to the plan: a adds a goal to it");

    press(&mut app, KeyCode::Char('a'));
    let form = app.form().expect("a opens the goal form");
    assert_eq!(
        form.get(GoalField::Need).text(),
        "food: Runs out of food at month's end",
        "under the need just added"
    );
    assert_eq!(form.fields[form.focused].label, "Patient's words");
    typed(&mut app, "I want food every day of the month");
    ctrl(&mut app, 's');
    let form = app.form().unwrap();
    assert_eq!(
        form.problem.as_deref(),
        Some("Measurable target is required")
    );
    assert_eq!(form.fields[form.focused].label, "Measurable target");
    typed(&mut app, "SNAP benefits active");
    press(&mut app, KeyCode::Enter);
    typed(&mut app, "2026-11-01");
    assert_eq!(
        app.form().unwrap().problem.as_deref(),
        Some("The target date 2026-11-01 is before the goal's start 2026-11-24")
    );
    ctrl(&mut app, 's');
    assert!(app.form().is_some(), "refused");
    clear(&mut app);
    typed(&mut app, "+2m");
    assert_eq!(app.form().unwrap().problem, None);
    ctrl(&mut app, 's');
    assert!(app.form().is_none());
    assert_eq!(message(&app), "Goal added to the plan: + records progress");
    let goal = app
        .goals
        .selected()
        .expect("the new goal is selected")
        .clone();
    assert_eq!(goal.description, "I want food every day of the month");
    assert_eq!(goal.measure.as_deref(), Some("SNAP benefits active"));
    assert_eq!(
        goal.target_date,
        chrono::NaiveDate::from_ymd_opt(2027, 1, 24)
    );
    let shown = screen(&mut app);
    assert!(
        shown.contains("│  Food: Runs out of food at month…│"),
        "{shown}"
    );
    insta::assert_snapshot!("plan_by_need_80x24", shown);

    // Edited: a new target; meanwhile another session changed the measure,
    // which the form takes (it was not touched here) while keeping ours.
    press(&mut app, KeyCode::Char('e'));
    assert_eq!(
        app.form().unwrap().get(GoalField::TargetDate).text(),
        "2027-01-24"
    );
    let mut other = open(&path, "colleague");
    other
        .update_plan_goal(
            goal.id,
            goal.version,
            &Goal {
                measure: Some("SNAP card in hand".into()),
                ..goal.clone()
            },
        )
        .unwrap();
    to_field(&mut app, "Target date");
    clear(&mut app);
    typed(&mut app, "2027-02-28");
    ctrl(&mut app, 's');
    let form = app.form().expect("kept open after the conflict");
    assert_eq!(
        form.get(GoalField::Measure).text(),
        "SNAP card in hand",
        "theirs taken"
    );
    assert_eq!(
        form.get(GoalField::TargetDate).text(),
        "2027-02-28",
        "ours kept"
    );
    ctrl(&mut app, 's');
    assert!(app.form().is_none(), "{:?}", app.form().map(|f| &f.problem));
    assert_eq!(message(&app), "Goal saved");
    let goal = app.goals.selected().unwrap().clone();
    assert_eq!(goal.measure.as_deref(), Some("SNAP card in hand"));
    assert_eq!(
        goal.target_date,
        chrono::NaiveDate::from_ymd_opt(2027, 2, 28)
    );
    assert_eq!(goal.version, 3);

    // An intervention: a task that serves the goal, in today's list and
    // under the goal.
    press(&mut app, KeyCode::Char('i'));
    typed(&mut app, "Help apply for SNAP kind:referral due:fri\r");
    assert!(
        message(&app).starts_with("Added 1 task"),
        "{}",
        message(&app)
    );
    let linked: (String, Option<i64>) = rusqlite::Connection::open(&path)
        .unwrap()
        .query_row(
            "SELECT kind, goal_id FROM task WHERE description = 'Help apply for SNAP'",
            [],
            |r| Ok((r.get(0)?, r.get(1)?)),
        )
        .unwrap();
    assert_eq!(linked, ("referral".to_string(), Some(goal.id)));
    press(&mut app, KeyCode::Char('3'));
    press(&mut app, KeyCode::Enter);
    let shown = screen(&mut app);
    assert!(
        shown.contains("Interventions") && shown.contains("due 2026-11-27 · Help apply for SNAP"),
        "{shown}"
    );
    let plan =
        tend::reports::careplan::careplan_markdown(app.store(), ZOE, fixtures::day(24)).unwrap();
    assert!(
        plan.contains("  - Intervention: due 2026-11-27 · Help apply for SNAP"),
        "{plan}"
    );
}

#[test]
fn conditions_medications_allergies_team_and_flags_are_added_where_the_cursor_is() {
    let dir = tempfile::tempdir().unwrap();
    let path = zoe_db(dir.path());
    let mut app = app(&path);
    press(&mut app, KeyCode::Char('2'));
    let down_to = |app: &mut App, heading: &str| {
        press(app, KeyCode::Char('g'));
        for _ in 0..60 {
            if let Some(tend::app::patient::RecordLine::Heading(_, text)) =
                app.patient.selected_line()
            {
                if text.starts_with(heading) {
                    return;
                }
            }
            press(app, KeyCode::Char('j'));
        }
        panic!("no heading {heading}");
    };
    let before = audit_count(app.store());

    down_to(&mut app, "Conditions");
    press(&mut app, KeyCode::Char('a'));
    typed(&mut app, "Type 2 diabetes");
    press(&mut app, KeyCode::Enter);
    typed(&mut app, "diabetes");
    assert!(screen(&mut app).contains("is not an ICD-10 code"));
    clear(&mut app);
    typed(&mut app, "e11.9");
    ctrl(&mut app, 's');
    assert_eq!(message(&app), "Condition added");

    down_to(&mut app, "Medications");
    press(&mut app, KeyCode::Char('a'));
    typed(&mut app, "Metformin\r500 mg\ttwice daily\tDr. Example\r");
    assert_eq!(
        message(&app),
        "Medication added; R stamps the list reconciled"
    );

    down_to(&mut app, "Allergies");
    press(&mut app, KeyCode::Char('a'));
    typed(&mut app, "Penicillin\rHives\r");
    clear(&mut app);
    typed(&mut app, "high\r");
    assert_eq!(message(&app), "Allergy added");

    down_to(&mut app, "Care team");
    press(&mut app, KeyCode::Char('a'));
    typed(
        &mut app,
        "Housing case manager\rSam Sample\rSample Housing Org\r212 555 0177\r",
    );
    assert_eq!(message(&app), "Care team member added");

    press(&mut app, KeyCode::Char('g'));
    press(&mut app, KeyCode::Char('a'));
    typed(&mut app, "do not\rCall the cell only\r");
    assert_eq!(message(&app), "Flag added");

    let shown = screen(&mut app);
    assert!(
        shown.contains("⚑ DO NOT CALL: Call the cell only"),
        "{shown}"
    );
    assert_eq!(audit_count(app.store()), before + 5, "one audit row each");
    let store = open(&path, "ccuser");
    let conditions = store.conditions(ZOE).unwrap();
    assert_eq!(
        (
            conditions[0].code.as_deref(),
            conditions[0].display.as_str()
        ),
        (Some("E11.9"), "Type 2 diabetes")
    );
    let meds = store.medications(ZOE).unwrap();
    assert_eq!(
        (meds[0].dose.as_deref(), meds[0].frequency.as_deref()),
        (Some("500 mg"), Some("twice daily"))
    );
    assert_eq!(
        store.allergies(ZOE).unwrap()[0].criticality,
        AllergyCriticality::High
    );
    let team = store.care_team(ZOE).unwrap();
    assert_eq!(team[0].phone.as_deref(), Some("(212) 555-0177"));
    assert_eq!(team[0].organization.as_deref(), Some("Sample Housing Org"));

    // x ends the entry under the cursor, after Enter; Esc keeps it.
    let on_item = |app: &mut App, starts: &str| {
        press(app, KeyCode::Char('g'));
        for _ in 0..60 {
            if let Some(
                tend::app::patient::RecordLine::Item(text, _)
                | tend::app::patient::RecordLine::Flag(text, _),
            ) = app.patient.selected_line()
            {
                if text.starts_with(starts) {
                    return;
                }
            }
            press(app, KeyCode::Char('j'));
        }
        panic!("no entry {starts}");
    };
    on_item(&mut app, "Metformin");
    press(&mut app, KeyCode::Char('x'));
    let shown = screen(&mut app);
    assert!(
        shown.contains("Stop: Metformin 500 mg twice daily"),
        "{shown}"
    );
    press(&mut app, KeyCode::Esc);
    assert!(store.medications(ZOE).unwrap()[0].active, "Esc kept it");
    press(&mut app, KeyCode::Char('x'));
    press(&mut app, KeyCode::Enter);
    assert_eq!(
        message(&app),
        "Medication stopped; R stamps the list reconciled"
    );
    on_item(&mut app, "⚑ DO NOT CALL");
    press(&mut app, KeyCode::Char('x'));
    press(&mut app, KeyCode::Enter);
    assert_eq!(message(&app), "Flag taken down");
    on_item(&mut app, "Housing case manager");
    press(&mut app, KeyCode::Char('x'));
    press(&mut app, KeyCode::Enter);
    assert_eq!(message(&app), "Removed from the care team");
    let shown = screen(&mut app);
    assert!(!shown.contains("DO NOT CALL"), "{shown}");
    assert!(!store.medications(ZOE).unwrap()[0].active);
    assert!(store.flags(ZOE).unwrap().is_empty());
    assert!(store.care_team(ZOE).unwrap().is_empty());
    assert_eq!(audit_count(app.store()), before + 8, "one audit row each");
}

#[test]
fn the_review_date_moves_its_task_and_e_writes_the_plan_to_the_export_folder() {
    let dir = tempfile::tempdir().unwrap();
    let path = zoe_db(dir.path());
    let exports = dir.path().join("exports");
    let mut config = settings_at_once();
    config.export_dir = Some(exports.clone());
    let mut app = App::new(open(&path, "ccuser"), &config, false).unwrap();
    app.resize(80, 24);
    press(&mut app, KeyCode::Char('3'));
    press(&mut app, KeyCode::Char('r'));
    typed(&mut app, "2026-11-01");
    assert_eq!(
        app.form().unwrap().problem.as_deref(),
        Some("The review date 2026-11-01 has passed")
    );
    clear(&mut app);
    typed(&mut app, "fri\r");
    assert_eq!(
        message(&app),
        "Plan review date set; its task is due that day"
    );
    assert!(
        app.tasks
            .rows
            .iter()
            .any(|t| t.title == "Care-plan review due"
                && t.due_on == chrono::NaiveDate::from_ymd_opt(2026, 11, 27)),
        "the review's task is in today's list, due Friday"
    );
    assert!(screen(&mut app).contains("P in 3d       Testa, Zoë     Care-pla…"));

    // Her consent to share is not on file: the plan does not leave tend.
    press(&mut app, KeyCode::Char('E'));
    assert_eq!(
        message(&app),
        "No care plan written: the patient's consent to share is missing; `tend export \
         careplan` with --reason writes one for a stated reason (audited)"
    );
    assert!(!exports.exists() || std::fs::read_dir(&exports).unwrap().next().is_none());
    rusqlite::Connection::open(&path)
        .unwrap()
        .execute_batch("UPDATE patient SET consent_status = 'active'")
        .unwrap();
    press(&mut app, KeyCode::Char('E'));
    let written = exports.join("careplan-SYN1-2026-11-24.md");
    assert_eq!(
        message(&app),
        format!("Care plan written to {}", written.display())
    );
    let text = std::fs::read_to_string(&written).unwrap();
    assert!(text.starts_with("# Care plan: Zoë Testa"), "{text}");
    use std::os::unix::fs::PermissionsExt as _;
    let mode = std::fs::metadata(&written).unwrap().permissions().mode();
    assert_eq!(mode & 0o777, 0o600);
    press(&mut app, KeyCode::Char('E'));
    assert!(
        message(&app).ends_with("careplan-SYN1-2026-11-24-2.md"),
        "an earlier export is never replaced: {}",
        message(&app)
    );
    assert_eq!(app.focus, PaneId::Goals);
}

/// Completing the plan's review task asks when the next review is, so the
/// record does not go on saying the review is overdue.
#[test]
fn completing_the_review_task_asks_for_the_next_review() {
    let dir = tempfile::tempdir().unwrap();
    let path = zoe_db(dir.path());
    {
        let mut store = open(&path, "ccuser");
        let version = store.patient(ZOE).unwrap().unwrap().version;
        store
            .set_plan_review(ZOE, version, fixtures::day(20))
            .unwrap();
    }
    let mut app = app(&path);
    press(&mut app, KeyCode::Char('4'));
    while app.tasks.selected().map(|t| t.title.as_str()) != Some("Care-plan review due") {
        press(&mut app, KeyCode::Char('j'));
    }
    press(&mut app, KeyCode::Char('x'));
    typed(&mut app, "Reviewed with the patient\r");
    let form = app.form().expect("the next review is asked for");
    assert_eq!(
        form.title,
        "Plan of Zoë Testa reviewed: when is the next review? (Esc: later)"
    );
    assert_eq!(
        form.fields[0].meaning(form.today).as_deref(),
        Ok("→ Mon 2027-05-24")
    );
    press(&mut app, KeyCode::Enter);
    assert!(app.form().is_none());
    let store = open(&path, "ccuser");
    let record = store.patient(ZOE).unwrap().unwrap();
    assert_eq!(
        record.plan_review_on,
        chrono::NaiveDate::from_ymd_opt(2027, 5, 24)
    );
    let open_reviews: i64 = rusqlite::Connection::open(&path)
        .unwrap()
        .query_row(
            "SELECT count(*) FROM task WHERE patient_id = 1 AND kind = 'care-plan-review'
               AND status IN ('requested', 'in-progress') AND due_on = '2027-05-24'",
            [],
            |r| r.get(0),
        )
        .unwrap();
    assert_eq!(open_reviews, 1, "the next review is a task again");
}
