//! End to end: the care plan kept current from the keyboard in the built
//! binary, in a real pseudo-terminal, and checked in the database.
//!
//! On a database of one patient whose goal is added through the store: two
//! measured progress entries, a status change and a medication
//! reconciliation, checked after tend has quit. On `tend demo`: a need and a
//! goal added through the forms (a goal saved without its target date is
//! refused, with the reason, and nothing written), two progress entries and
//! a reconciliation, checked in the demo's database while tend still runs
//! (it deletes that database when it quits).

mod common;
mod fixtures;

use common::start_on_zoe as start;
use common::*;
use fixtures::{day, zoe_db};
use rusqlite::{Connection, OpenFlags};
use tend::domain::care_plan::GoalPriority;
use tend::domain::goal::{Goal, GoalStatus};

#[test]
fn progress_status_and_reconciliation_typed_in_the_binary_reach_the_database() {
    let dir = tempfile::tempdir().unwrap();
    let path = zoe_db(dir.path());
    let goal = open(&path, "ccuser")
        .add_plan_goal(&Goal {
            id: 0,
            patient_id: 1,
            need_id: None,
            description: "Keep my blood pressure down".into(),
            measure: Some("Home readings under 140/90".into()),
            priority: GoalPriority::High,
            status: GoalStatus::Active,
            start_date: Some(day(1)),
            target_date: Some(day(30)),
            version: 0,
        })
        .unwrap();

    let mut tend = start(&path);
    tend.send("3");
    tend.wait_for("the care plan focused", |s| focused(s) == Some(CARE_PLAN));

    // Two progress entries, one key and one line each.
    tend.send("+");
    tend.wait_for("the progress line", |s| {
        s.contents().contains("Progress on")
    });
    tend.send("Home reading = 152");
    tend.send(ENTER);
    tend.wait_for("the first entry recorded", |s| {
        s.contents().contains("Progress recorded") && s.contents().contains(" 152")
    });
    tend.send("+");
    tend.wait_for("the progress line again", |s| {
        s.contents().contains("Progress on")
    });
    tend.send("Home reading = 138");
    tend.send(ENTER);
    tend.wait_for("the trend with the latest value", |s| {
        s.contents().contains("█▁ 138")
    });

    // The goal put on hold.
    tend.send("S");
    tend.wait_for("the status line", |s| {
        s.contents().contains("The goal is active")
    });
    tend.send("hold");
    tend.send(ENTER);
    // At 80 columns the date gives up the word "target" so that the trend
    // and the latest value still fit.
    tend.wait_for("the goal on hold", |s| {
        s.contents().contains("on hold · 2026-11-30 █▁ 138")
    });

    // The medications reconciled from the record.
    tend.send("2");
    tend.wait_for("the record focused", |s| focused(s) == Some(PATIENT));
    tend.send("R");
    tend.wait_for("the confirmation", |s| {
        s.contents().contains("reviewed with the patient today?")
    });
    tend.send(ENTER);
    tend.wait_for("the stamp", |s| {
        s.contents().contains("Medications reconciled today")
    });
    tend.send("q");
    assert!(tend.wait_exit().success());

    let conn = Connection::open(&path).unwrap();
    let mut stmt = conn
        .prepare("SELECT note, value FROM goal_progress WHERE goal_id = ?1 ORDER BY id")
        .unwrap();
    let entries: Vec<(String, Option<f64>)> = stmt
        .query_map([goal], |r| Ok((r.get(0)?, r.get(1)?)))
        .unwrap()
        .map(Result::unwrap)
        .collect();
    assert_eq!(
        entries,
        [
            ("Home reading".to_string(), Some(152.0)),
            ("Home reading".to_string(), Some(138.0))
        ]
    );
    let (status, version): (String, i64) = conn
        .query_row(
            "SELECT lifecycle_status, version FROM goal WHERE id = ?1",
            [goal],
            |r| Ok((r.get(0)?, r.get(1)?)),
        )
        .unwrap();
    assert_eq!((status.as_str(), version), ("on-hold", 2));
    let reconciled: Option<String> = conn
        .query_row(
            "SELECT medications_reconciled_on FROM patient WHERE id = 1",
            [],
            |r| r.get(0),
        )
        .unwrap();
    assert_eq!(reconciled.as_deref(), Some("2026-11-24"));
    let audited: i64 = conn
        .query_row(
            "SELECT count(*) FROM audit_event WHERE patient_id = 1 AND (
               entity_type = 'GoalProgress'
               OR (entity_type = 'Goal' AND action = 'U')
               OR detail = 'medications reconciled')",
            [],
            |r| r.get(0),
        )
        .unwrap();
    assert_eq!(audited, 4, "each change has its audit row");
}

/// The demo's database, read while `tend demo` runs (it goes when tend
/// quits): read-only, beside tend's own connection.
fn demo_db(tend: &Tend) -> Connection {
    let folder = std::fs::read_dir(tend.home())
        .expect("tend's TMPDIR")
        .map(|entry| entry.expect("a folder entry").path())
        .find(|path| {
            path.file_name()
                .and_then(|name| name.to_str())
                .is_some_and(|name| name.starts_with("tend-demo-"))
        })
        .expect("the demo's folder in tend's TMPDIR");
    Connection::open_with_flags(folder.join("demo.db"), OpenFlags::SQLITE_OPEN_READ_ONLY)
        .expect("the demo database opens read-only")
}

/// The care plan's selected row and the row under it (a goal's status,
/// target date, trend and latest value).
fn selected_plan_rows(screen: &vt100::Screen) -> Option<(String, String)> {
    let pane = find_pane(screen, CARE_PLAN)?;
    let (row, line) = pane.selected(screen)?;
    let next = pane.line(screen, row + 1);
    Some((line.trim_end().to_string(), next.trim_end().to_string()))
}

/// Every row a query returns.
fn rows<T>(
    db: &Connection,
    sql: &str,
    params: impl rusqlite::Params,
    row: impl FnMut(&rusqlite::Row<'_>) -> rusqlite::Result<T>,
) -> Vec<T> {
    db.prepare(sql)
        .unwrap()
        .query_map(params, row)
        .unwrap()
        .map(Result::unwrap)
        .collect()
}

const NEED: &str = "No safe place to sleep";
const WORDS: &str = "I want a room of my own";
const MEASURE: &str = "Nights housed a week";

#[test]
fn a_need_a_goal_progress_and_reconciliation_typed_in_the_demo_reach_the_database() {
    let mut tend = Tend::demo(80, 24);
    let screen = tend.wait_for("a patient selected and shown", |s| {
        PANES.iter().all(|title| find_pane(s, title).is_some())
            && caseload(s)
                .and_then(|c| c.selected)
                .is_some_and(|listed| patient_name(s) == Some(given_family(&listed)))
    });
    let listed = caseload(&screen).unwrap().selected.unwrap();
    let db = demo_db(&tend);
    let audit_before: i64 = db
        .query_row("SELECT coalesce(max(id), 0) FROM audit_event", [], |r| {
            r.get(0)
        })
        .unwrap();

    // A need, from the care plan.
    tend.send("3");
    tend.wait_for("the care plan focused", |s| focused(s) == Some(CARE_PLAN));
    tend.send("N");
    tend.wait_for("the need form", |s| {
        s.contents().contains("New need in the care plan")
    });
    tend.send("housing");
    tend.send(TAB);
    tend.send(NEED);
    tend.send(ENTER);
    let heading = format!("Housing: {NEED}");
    tend.wait_for("the need added and selected", |s| {
        status_line(s).contains("Need added to the plan")
            && selected_plan_rows(s).is_some_and(|(line, _)| line.contains(&heading))
    });

    // A goal under it. Saved without a target date, it is refused with the
    // reason, the cursor in the field to fix, and nothing written.
    tend.send("a");
    tend.wait_for("the goal form", |s| {
        s.contents().contains("New goal in the care plan")
    });
    tend.send(WORDS);
    tend.send(TAB);
    tend.send(MEASURE);
    tend.send("\x13");
    tend.wait_for("the missing target date refused", |s| {
        s.contents().contains("New goal in the care plan")
            && s.contents().contains("Target date is required")
    });
    let unsaved: i64 = db
        .query_row(
            "SELECT count(*) FROM goal WHERE description = ?1",
            [WORDS],
            |r| r.get(0),
        )
        .unwrap();
    assert_eq!(unsaved, 0, "a refused goal is not saved");
    tend.send("+2m");
    tend.wait_for("the target date typed where the cursor was put", |s| {
        s.contents()
            .lines()
            .any(|line| line.contains("Target date") && line.contains("+2m"))
            && s.contents().contains("2027-01-24")
    });
    // The priority and the start keep what they were filled with.
    tend.send(ENTER);
    tend.send(ENTER);
    tend.send(ENTER);
    tend.wait_for("the goal added and selected", |s| {
        status_line(s).contains("Goal added to the plan")
            && selected_plan_rows(s).is_some_and(|(line, _)| line.contains(WORDS))
    });

    // Two progress entries, measured.
    tend.send("+");
    tend.wait_for("the progress line", |s| {
        s.contents().contains("Progress on")
    });
    tend.send("Nights housed = 3");
    tend.send(ENTER);
    tend.wait_for("the first entry recorded", |s| {
        status_line(s).contains("Progress recorded")
            && selected_plan_rows(s).is_some_and(|(_, facts)| facts.ends_with(" 3"))
    });
    tend.send("+");
    tend.wait_for("the progress line again", |s| {
        s.contents().contains("Progress on")
    });
    tend.send("Nights housed = 9");
    tend.send(ENTER);
    tend.wait_for("the trend with the latest value", |s| {
        selected_plan_rows(s).is_some_and(|(line, facts)| {
            line.contains(WORDS) && facts.contains("2027-01-24") && facts.ends_with("▁█ 9")
        })
    });

    // The medications reconciled from the record.
    tend.send("2");
    tend.wait_for("the record focused", |s| focused(s) == Some(PATIENT));
    tend.send("R");
    tend.wait_for("the confirmation", |s| {
        s.contents().contains("reviewed with the patient today?")
    });
    tend.send(ENTER);
    tend.wait_for("the stamp", |s| {
        status_line(s).contains("Medications reconciled today")
    });

    // The database, while tend still has it.
    let (need, patient, domain, status): (i64, i64, String, String) = db
        .query_row(
            "SELECT id, patient_id, domain, status FROM need WHERE description = ?1",
            [NEED],
            |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?, r.get(3)?)),
        )
        .expect("exactly one need with that description");
    assert_eq!((domain.as_str(), status.as_str()), ("housing", "active"));
    let (family, given): (String, String) = db
        .query_row(
            "SELECT family_name, given_name FROM patient WHERE id = ?1",
            [patient],
            |r| Ok((r.get(0)?, r.get(1)?)),
        )
        .unwrap();
    assert_eq!(
        format!("{family}, {given}"),
        listed,
        "the need is the selected patient's"
    );

    type GoalRow = (
        i64,
        i64,
        Option<i64>,
        String,
        String,
        String,
        String,
        String,
    );
    let goals: Vec<GoalRow> = rows(
        &db,
        "SELECT id, patient_id, need_id, measure, start_date, target_date, priority,
                lifecycle_status
           FROM goal WHERE description = ?1",
        [WORDS],
        |r| {
            Ok((
                r.get(0)?,
                r.get(1)?,
                r.get(2)?,
                r.get(3)?,
                r.get(4)?,
                r.get(5)?,
                r.get(6)?,
                r.get(7)?,
            ))
        },
    );
    assert_eq!(goals.len(), 1, "one goal, saved once: {goals:?}");
    let goal = goals[0].0;
    assert_eq!(
        goals[0],
        (
            goal,
            patient,
            Some(need),
            MEASURE.to_string(),
            "2026-11-24".to_string(),
            "2027-01-24".to_string(),
            "medium-priority".to_string(),
            "active".to_string()
        )
    );

    let progress: Vec<(i64, String, String, Option<f64>)> = rows(
        &db,
        "SELECT id, recorded_on, note, value FROM goal_progress WHERE goal_id = ?1 ORDER BY id",
        [goal],
        |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?, r.get(3)?)),
    );
    assert_eq!(
        progress
            .iter()
            .map(|(_, on, note, value)| (on.as_str(), note.as_str(), *value))
            .collect::<Vec<_>>(),
        [
            ("2026-11-24", "Nights housed", Some(3.0)),
            ("2026-11-24", "Nights housed", Some(9.0))
        ]
    );

    let reconciled: Option<String> = db
        .query_row(
            "SELECT medications_reconciled_on FROM patient WHERE id = ?1",
            [patient],
            |r| r.get(0),
        )
        .unwrap();
    assert_eq!(reconciled.as_deref(), Some("2026-11-24"));

    // Each change has its audit row, and nothing else was changed.
    type AuditRow = (
        String,
        String,
        String,
        Option<i64>,
        Option<i64>,
        Option<String>,
    );
    let audited: Vec<AuditRow> = rows(
        &db,
        "SELECT agent, action, entity_type, entity_id, patient_id, detail FROM audit_event
          WHERE id > ?1 ORDER BY id",
        [audit_before],
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
    );
    let row = |action: &str, entity: &str, id: i64, detail: Option<&str>| {
        (
            "ccuser".to_string(),
            action.to_string(),
            entity.to_string(),
            Some(id),
            Some(patient),
            detail.map(str::to_string),
        )
    };
    assert_eq!(
        audited,
        [
            row("C", "Need", need, None),
            row("C", "Goal", goal, None),
            row("C", "GoalProgress", progress[0].0, None),
            row("C", "GoalProgress", progress[1].0, None),
            row("U", "Patient", patient, Some("medications reconciled")),
        ]
    );
    drop(db);

    tend.send("q");
    assert!(tend.wait_exit().success());
}
