//! Triage on the screen: complete, snooze, reassign, edit, add, mark, filter
//! and undo, driven by key presses over a real database, checked in the
//! database afterwards.

mod common;
mod fixtures;

use common::{app_on_today as app, keys, message, open, press, screen};
use fixtures::{day, morning_db};

use std::path::Path;

use crossterm::event::KeyCode;
use rusqlite::Connection;
use tend::app::pane::PaneId;
use tend::app::App;
use tend::domain::task::TaskKind;
use tend::store::TaskRef;

/// (status, due_on, owner, outcome) of the task with this title.
fn task_in_db(path: &Path, title: &str) -> (String, Option<String>, String, Option<String>) {
    Connection::open(path)
        .unwrap()
        .query_row(
            "SELECT t.status, t.due_on, p.username, t.outcome FROM task t
               JOIN practitioner p ON p.id = t.owner_id
              WHERE t.description = ?1 ORDER BY t.id LIMIT 1",
            [title],
            |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?, r.get(3)?)),
        )
        .unwrap()
}

fn selected_title(app: &App) -> String {
    app.tasks.selected().unwrap().title.clone()
}

fn audit_details(path: &Path) -> Vec<(String, String)> {
    let conn = Connection::open(path).unwrap();
    let mut stmt = conn
        .prepare(
            "SELECT action, coalesce(detail, '') FROM audit_event
              WHERE entity_type = 'Task' ORDER BY id",
        )
        .unwrap();
    let rows = stmt
        .query_map([], |r| Ok((r.get(0)?, r.get(1)?)))
        .unwrap()
        .collect::<Result<_, _>>()
        .unwrap();
    rows
}

#[test]
fn the_morning_is_ranked_by_the_documented_urgency() {
    let dir = tempfile::tempdir().unwrap();
    let app = app(&morning_db(dir.path()));
    let titles: Vec<&str> = app.tasks.rows.iter().map(|t| t.title.as_str()).collect();
    // Hard deadline first; then score = 2 × days overdue + 4 × tiers above
    // low + 2 for calls: Food pantry 12 (6 days), Outreach B 6+4+2 = 12
    // (3 days: the tie goes to more days overdue), Refill 12 (today, so
    // after both), Consent 10, Outreach A 8+2 (the older task), Lab
    // follow-up 2+8, Referral 4, Care-plan review 4 (today), Appointment 0.
    assert_eq!(
        titles,
        [
            "Post-discharge call",
            "Food pantry list",
            "Outreach call B",
            "Refill reminder",
            "Consent renewal",
            "Outreach call A",
            "Lab follow-up",
            "Referral check",
            "Care-plan review",
            "Appointment reminder",
        ]
    );
    assert_eq!((app.tasks.counts.overdue, app.tasks.counts.today), (7, 3));
}

#[test]
fn complete_with_an_outcome_then_undo() {
    let dir = tempfile::tempdir().unwrap();
    let path = morning_db(dir.path());
    let mut app = app(&path);
    let title = selected_title(&app);
    press(&mut app, KeyCode::Char('x'));
    assert!(screen(&mut app).contains("Enter completes it"));
    keys(&mut app, "Reached; appointment kept");
    press(&mut app, KeyCode::Enter);
    assert_eq!(message(&app), "Completed 1 task · u undoes");
    let (status, _, _, outcome) = task_in_db(&path, &title);
    assert_eq!(status, "completed");
    assert_eq!(outcome.as_deref(), Some("Reached; appointment kept"));
    assert!(
        app.tasks.rows.iter().all(|t| t.title != title),
        "off the list"
    );

    press(&mut app, KeyCode::Char('u'));
    assert_eq!(message(&app), "Undone: completed 1 task");
    let (status, _, _, outcome) = task_in_db(&path, &title);
    assert_eq!((status.as_str(), outcome), ("requested", None));
    assert_eq!(selected_title(&app), title);
    let trail = audit_details(&path);
    assert_eq!(
        trail,
        vec![
            ("U".to_string(), "complete".to_string()),
            ("U".to_string(), "undo: completed 1 task".to_string()),
        ]
    );
}

#[test]
fn snooze_to_tomorrow_takes_two_keys_and_dates_are_previewed() {
    let dir = tempfile::tempdir().unwrap();
    let path = morning_db(dir.path());
    let mut app = app(&path);
    let title = selected_title(&app);
    press(&mut app, KeyCode::Char('s'));
    assert!(screen(&mut app).contains("→ Wed 2026-11-25 (Enter: tomorrow)"));
    press(&mut app, KeyCode::Enter);
    assert_eq!(task_in_db(&path, &title).1.as_deref(), Some("2026-11-25"));

    let title = selected_title(&app);
    press(&mut app, KeyCode::Char('s'));
    keys(&mut app, "fri");
    assert!(screen(&mut app).contains("→ Fri 2026-11-27"));
    press(&mut app, KeyCode::Enter);
    assert_eq!(task_in_db(&path, &title).1.as_deref(), Some("2026-11-27"));
    assert_eq!(message(&app), "Moved 1 task to Fri 2026-11-27 · u undoes");
}

#[test]
fn an_unreadable_date_says_why_and_changes_nothing() {
    let dir = tempfile::tempdir().unwrap();
    let path = morning_db(dir.path());
    let mut app = app(&path);
    let title = selected_title(&app);
    let before = task_in_db(&path, &title);
    press(&mut app, KeyCode::Char('s'));
    keys(&mut app, "someday");
    assert!(screen(&mut app).contains("\"someday\" is not a date tend knows"));
    press(&mut app, KeyCode::Enter);
    assert!(app.prompt().is_some(), "the prompt stays open to be fixed");
    assert!(message(&app).contains("is not a date tend knows"));
    press(&mut app, KeyCode::Esc);
    assert!(app.prompt().is_none());
    assert_eq!(message(&app), "Cancelled; nothing was changed");
    assert_eq!(task_in_db(&path, &title), before);
    assert!(audit_details(&path).is_empty());
}

#[test]
fn reassign_completes_names_and_refuses_unknown_coordinators() {
    let dir = tempfile::tempdir().unwrap();
    let path = morning_db(dir.path());
    let mut app = app(&path);
    let title = selected_title(&app);
    press(&mut app, KeyCode::Char('r'));
    keys(&mut app, "nobody");
    assert!(screen(&mut app).contains("there is no coordinator named \"nobody\""));
    press(&mut app, KeyCode::Enter);
    assert!(app.prompt().is_some());
    assert_eq!(task_in_db(&path, &title).2, "ccuser");
    press(&mut app, KeyCode::Esc);

    press(&mut app, KeyCode::Char('r'));
    keys(&mut app, "cc-c");
    press(&mut app, KeyCode::Tab);
    assert_eq!(app.prompt().unwrap().input.text(), "cc-cover");
    press(&mut app, KeyCode::Enter);
    assert_eq!(task_in_db(&path, &title).2, "cc-cover");
    assert!(
        app.tasks.rows.iter().all(|t| t.title != title),
        "no longer mine"
    );
    assert_eq!(message(&app), "Gave 1 task to cc-cover · u undoes");
}

#[test]
fn marked_tasks_are_acted_on_together_and_undone_together() {
    let dir = tempfile::tempdir().unwrap();
    let path = morning_db(dir.path());
    let mut app = app(&path);
    let marked: Vec<String> = app.tasks.rows[..3]
        .iter()
        .map(|t| t.title.clone())
        .collect();
    keys(&mut app, "   ");
    assert_eq!(app.tasks.marked.len(), 3);
    assert!(screen(&mut app).contains("· 3 marked"));
    press(&mut app, KeyCode::Char('x'));
    assert!(screen(&mut app).contains("Complete 3 marked tasks"));
    press(&mut app, KeyCode::Enter);
    assert_eq!(message(&app), "Completed 3 tasks · u undoes");
    for title in &marked {
        assert_eq!(task_in_db(&path, title).0, "completed");
    }
    assert_eq!(app.tasks.rows.len(), 7);
    assert!(app.tasks.marked.is_empty());
    press(&mut app, KeyCode::Char('u'));
    for title in &marked {
        assert_eq!(task_in_db(&path, title).0, "requested");
    }
    assert_eq!(app.tasks.rows.len(), 10);
}

#[test]
fn undo_goes_back_several_changes_across_actions() {
    let dir = tempfile::tempdir().unwrap();
    let path = morning_db(dir.path());
    let mut app = app(&path);
    let first = selected_title(&app);
    press(&mut app, KeyCode::Char('s'));
    press(&mut app, KeyCode::Enter); // first → tomorrow
    let second = selected_title(&app);
    press(&mut app, KeyCode::Char('r'));
    keys(&mut app, "cc-other");
    press(&mut app, KeyCode::Enter); // second → cc-other
    let third = selected_title(&app);
    press(&mut app, KeyCode::Char('x'));
    press(&mut app, KeyCode::Enter); // third completed
    press(&mut app, KeyCode::Char('s'));
    keys(&mut app, "+1w");
    press(&mut app, KeyCode::Enter); // fourth → next week, snoozed twice below
    assert_eq!(task_in_db(&path, &third).0, "completed");
    assert!(
        first != second && second != third && first != third,
        "each action took the next task: {first}, {second}, {third}"
    );

    for _ in 0..4 {
        press(&mut app, KeyCode::Char('u'));
    }
    assert_eq!(task_in_db(&path, &first).1.as_deref(), Some("2026-11-23"));
    assert_eq!(task_in_db(&path, &second).2, "ccuser");
    assert_eq!(task_in_db(&path, &third).0, "requested");
    assert_eq!(app.tasks.rows.len(), 10);
    press(&mut app, KeyCode::Char('u'));
    assert_eq!(message(&app), "Nothing to undo");
}

#[test]
fn edit_changes_what_the_line_says() {
    let dir = tempfile::tempdir().unwrap();
    let path = morning_db(dir.path());
    let mut app = app(&path);
    // Select "Referral check" and edit it.
    let index = app
        .tasks
        .rows
        .iter()
        .position(|t| t.title == "Referral check")
        .unwrap();
    for _ in 0..index {
        press(&mut app, KeyCode::Char('j'));
    }
    press(&mut app, KeyCode::Char('e'));
    assert_eq!(
        app.prompt().unwrap().input.text(),
        "Referral check due:2026-11-22 pri:routine kind:other"
    );
    for _ in 0.."due:2026-11-22 pri:routine kind:other".len() {
        press(&mut app, KeyCode::Backspace);
    }
    keys(&mut app, "with cardiology due:mon pri:urgent kind:ref");
    assert!(screen(&mut app).contains("→ referral · due Mon 2026-11-30 · urgent"));
    press(&mut app, KeyCode::Enter);
    let row: (String, String, String, String) = Connection::open(&path)
        .unwrap()
        .query_row(
            "SELECT description, due_on, priority, kind FROM task WHERE description LIKE 'Referral%'",
            [],
            |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?, r.get(3)?)),
        )
        .unwrap();
    assert_eq!(
        row,
        (
            "Referral check with cardiology".to_string(),
            "2026-11-30".to_string(),
            "urgent".to_string(),
            "referral".to_string()
        )
    );
}

#[test]
fn add_takes_tokens_and_refuses_unknown_ones_and_empty_titles() {
    let dir = tempfile::tempdir().unwrap();
    let path = morning_db(dir.path());
    let mut app = app(&path);
    let patient = app.patient.record.clone().unwrap();
    press(&mut app, KeyCode::Char('a'));
    assert!(screen(&mut app).contains(&format!("New task for Una {}", patient.family_name)));
    keys(&mut app, "Call pharmacy owner:bob");
    press(&mut app, KeyCode::Enter);
    assert!(message(&app).contains("\"owner:bob\" is not a token tend knows"));
    for _ in 0.." owner:bob".len() {
        press(&mut app, KeyCode::Backspace);
    }
    keys(&mut app, " about refill due:fri pri:high kind:call");
    press(&mut app, KeyCode::Enter);
    assert_eq!(message(&app), "Added 1 task · u undoes");
    let added: (i64, String, String, String, String) = Connection::open(&path)
        .unwrap()
        .query_row(
            "SELECT patient_id, description, due_on, priority, kind FROM task
              WHERE description LIKE 'Call pharmacy%'",
            [],
            |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?, r.get(3)?, r.get(4)?)),
        )
        .unwrap();
    assert_eq!(
        added,
        (
            patient.id,
            "Call pharmacy about refill".into(),
            "2026-11-27".into(),
            "urgent".into(),
            "call".into()
        )
    );

    press(&mut app, KeyCode::Char('a'));
    keys(&mut app, "due:tom");
    press(&mut app, KeyCode::Enter);
    assert_eq!(message(&app), "A task needs a title");
    press(&mut app, KeyCode::Esc);
    press(&mut app, KeyCode::Char('u'));
    let count: i64 = Connection::open(&path)
        .unwrap()
        .query_row(
            "SELECT count(*) FROM task WHERE description LIKE 'Call pharmacy%'",
            [],
            |r| r.get(0),
        )
        .unwrap();
    assert_eq!(count, 0, "undoing an add removes the task");
}

#[test]
fn completing_a_recurring_task_creates_the_next_and_keeps_the_history() {
    let dir = tempfile::tempdir().unwrap();
    let path = morning_db(dir.path());
    let mut app = app(&path);
    press(&mut app, KeyCode::Char('a'));
    keys(&mut app, "Monthly check-in kind:call every:monthly");
    press(&mut app, KeyCode::Enter);
    let index = app
        .tasks
        .rows
        .iter()
        .position(|t| t.title == "Monthly check-in")
        .unwrap();
    app.tasks.cursor.select(index);
    assert!(screen(&mut app).contains("Monthly check-in ↻1m"));
    press(&mut app, KeyCode::Char('x'));
    keys(&mut app, "Reached");
    press(&mut app, KeyCode::Enter);

    let conn = Connection::open(&path).unwrap();
    let occurrences: Vec<(i64, String, String, Option<i64>)> = conn
        .prepare(
            "SELECT id, status, due_on, previous_id FROM task
              WHERE description = 'Monthly check-in' ORDER BY id",
        )
        .unwrap()
        .query_map([], |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?, r.get(3)?)))
        .unwrap()
        .collect::<Result<_, _>>()
        .unwrap();
    assert_eq!(occurrences.len(), 2);
    assert_eq!(occurrences[0].1, "completed");
    assert_eq!(occurrences[1].1, "requested");
    assert_eq!(
        occurrences[1].2, "2026-12-24",
        "a month after today's due date"
    );
    assert_eq!(
        occurrences[1].3,
        Some(occurrences[0].0),
        "linked to the one it follows"
    );

    press(&mut app, KeyCode::Char('u'));
    let left: i64 = conn
        .query_row(
            "SELECT count(*) FROM task WHERE description = 'Monthly check-in' AND status = 'requested'",
            [],
            |r| r.get(0),
        )
        .unwrap();
    let total: i64 = conn
        .query_row(
            "SELECT count(*) FROM task WHERE description = 'Monthly check-in'",
            [],
            |r| r.get(0),
        )
        .unwrap();
    assert_eq!(
        (left, total),
        (1, 1),
        "undo reopens it and removes the next one"
    );
}

#[test]
fn an_action_on_a_task_another_session_just_completed_is_refused() {
    let dir = tempfile::tempdir().unwrap();
    let path = morning_db(dir.path());
    let mut app = app(&path);
    let task = app.tasks.selected().unwrap().clone();
    // Another coordinator's tend completes it first.
    let mut other = open(&path, "cc-cover");
    other
        .complete_tasks(&[TaskRef::from(&task)], Some("done by cover"), day(24))
        .unwrap();

    press(&mut app, KeyCode::Char('s'));
    press(&mut app, KeyCode::Enter);
    assert_eq!(
        message(&app),
        "Another session has already closed that task; nothing was changed, and the list is up to date now"
    );
    let (status, due, _, outcome) = task_in_db(&path, &task.title);
    assert_eq!(status, "completed");
    assert_eq!(due.as_deref(), Some("2026-11-23"), "not snoozed");
    assert_eq!(outcome.as_deref(), Some("done by cover"));
    assert!(
        app.tasks.rows.iter().all(|t| t.id != task.id),
        "list refreshed"
    );
}

#[test]
fn undo_refuses_when_another_session_changed_the_task_since() {
    let dir = tempfile::tempdir().unwrap();
    let path = morning_db(dir.path());
    let mut app = app(&path);
    let task = app.tasks.selected().unwrap().clone();
    press(&mut app, KeyCode::Char('s'));
    press(&mut app, KeyCode::Enter);
    let mut other = open(&path, "cc-cover");
    let now = other.task(task.id).unwrap().unwrap();
    other.snooze_tasks(&[TaskRef::from(&now)], day(30)).unwrap();
    press(&mut app, KeyCode::Char('u'));
    assert!(message(&app).starts_with("Cannot undo (moved 1 task to Wed 2026-11-25)"));
    assert_eq!(
        task_in_db(&path, &task.title).1.as_deref(),
        Some("2026-11-30")
    );
}

#[test]
fn the_filter_narrows_by_kind_assignee_and_words() {
    let dir = tempfile::tempdir().unwrap();
    let path = morning_db(dir.path());
    let mut app = app(&path);
    // Give one task away so the team view differs from mine.
    press(&mut app, KeyCode::Char('r'));
    keys(&mut app, "cc-other");
    press(&mut app, KeyCode::Enter);

    press(&mut app, KeyCode::Char('/'));
    keys(&mut app, "kind:call");
    assert!(app.tasks.rows.iter().all(|t| t.kind == TaskKind::Call));
    assert_eq!(app.tasks.rows.len(), 2);
    press(&mut app, KeyCode::Enter);
    assert!(screen(&mut app).contains("· /kind:call"));

    press(&mut app, KeyCode::Char('/'));
    for _ in 0.."kind:call".len() {
        press(&mut app, KeyCode::Backspace);
    }
    keys(&mut app, "who:team");
    assert_eq!(app.tasks.rows.len(), 10);
    assert!(screen(&mut app).contains("cc-other"), "owners are shown");
    keys(&mut app, " pantry");
    assert_eq!(app.tasks.rows.len(), 1);
    keys(&mut app, " due:x");
    assert!(screen(&mut app).contains("\"due:x\" is not a token tend knows: use kind: or who:"));
    press(&mut app, KeyCode::Esc);
    assert!(app.tasks.filter.is_empty(), "Esc clears the filter");
    assert_eq!(app.tasks.rows.len(), 9);
}

#[test]
fn help_in_today_shows_every_triage_key() {
    let dir = tempfile::tempdir().unwrap();
    let mut app = app(&morning_db(dir.path()));
    press(&mut app, KeyCode::Char('?'));
    let all = screen(&mut app);
    for line in [
        "x               complete",
        "s               move to another day",
        "r               give to another coordinator",
        "e               edit",
        "a               add a task",
        "Space           mark or unmark",
        "/               filter",
        "u               undo",
        "p               switch between my day",
        "Enter           open the task's patient",
    ] {
        assert!(all.contains(line), "{line} missing:\n{all}");
    }
    assert_eq!(app.focus, PaneId::Tasks);
    // Further down, the ranking rule with the weights in force.
    for _ in 0..40 {
        press(&mut app, KeyCode::Char('j'));
    }
    let all = screen(&mut app);
    assert!(all.contains("How Today is ranked"), "{all}");
    assert!(all.contains("+100 for a hard deadline"), "{all}");
    assert!(all.contains("+4 a risk tier above low"), "{all}");
}
