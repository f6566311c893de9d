//! The whole program's day merged from its groups of alike tasks (schema
//! v18, src/store/team_day.rs) is the day ranked whole: the same tasks in
//! the same order at every length shown, for every kind, under the default
//! weights and under weights that change which group leads; and its
//! counts, kept per day by triggers, are the tasks' own after every kind
//! of change. Real SQLite in a temporary folder, at the tests' fixed now.

mod common;

use std::path::{Path, PathBuf};

use rusqlite::Connection;
use tend::domain::task::TaskKind;
use tend::domain::task_line::{parse_task, Assignee, TaskFilter};
use tend::domain::urgency::UrgencyWeights;
use tend::store::{RankedDay, Store, TaskRef};
use tend::synth::{self, GenParams};

const PATIENTS: usize = 600;

/// A generated caseload, with tasks added by hand where the generator
/// leaves groups thin: escalations (stat with a hard deadline), tasks due
/// the same day as each other in every group, and long overdue ones past
/// the cap on days overdue — so that ties, caps and the escalations' rule
/// are all met by the merge.
fn caseload(dir: &Path) -> PathBuf {
    let path = dir.join("day.db");
    let mut store = common::open(&path, "ccuser");
    synth::generate(
        &mut store,
        &GenParams {
            patients: PATIENTS,
            seed: 5,
            user: "ccuser".into(),
        },
    )
    .unwrap();
    drop(store);
    let conn = Connection::open(&path).unwrap();
    let mut sql = String::new();
    let kinds = [
        "call",
        "follow-up",
        "referral",
        "appointment",
        "care-plan-review",
        "admin",
        "other",
    ];
    let priorities = ["routine", "urgent", "asap", "stat"];
    for n in 0..400 {
        let due = [
            "2026-11-24",
            "2026-11-20",
            "2026-09-01",
            "2026-11-27",
            "2026-12-01",
        ][n % 5];
        sql.push_str(&format!(
            "INSERT INTO task (patient_id, owner_id, kind, description, status, priority,
                               due_on, hard_deadline, authored_at)
             VALUES ({}, (SELECT id FROM practitioner WHERE username = 'ccuser'), '{}',
                     'Added for the ranking', '{}', '{}', '{due}', {}, '2026-11-01T00:00:00Z');",
            1 + (n * 7) % PATIENTS,
            kinds[n % kinds.len()],
            if n % 3 == 0 {
                "in-progress"
            } else {
                "requested"
            },
            priorities[(n / 7) % priorities.len()],
            (n / 2) % 2,
        ));
    }
    conn.execute_batch(&sql).unwrap();
    path
}

fn team(kind: Option<TaskKind>) -> TaskFilter {
    TaskFilter {
        who: Assignee::Team,
        kind,
        ..TaskFilter::default()
    }
}

fn ids(day: &RankedDay) -> Vec<i64> {
    day.rows.iter().map(|t| t.id).collect()
}

/// Weights under which the day's leaders differ: the defaults; no credit
/// for days overdue (dates break ties alone); risk counted against; the
/// deadline worth nothing and days overdue worth much, capped only far
/// beyond any task here; administrative tasks raised.
fn weightings() -> Vec<(&'static str, UrgencyWeights)> {
    let flat = UrgencyWeights {
        per_day_overdue: 0.0,
        ..UrgencyWeights::default()
    };
    let low_risk_first = UrgencyWeights {
        per_risk_tier: -5.0,
        ..UrgencyWeights::default()
    };
    let mut days_rule = UrgencyWeights {
        hard_deadline: 0.0,
        per_day_overdue: 50.0,
        max_days_overdue: 10_000,
        ..UrgencyWeights::default()
    };
    days_rule.kind.admin = 40.0;
    vec![
        ("default", UrgencyWeights::default()),
        ("flat", flat),
        ("low risk first", low_risk_first),
        ("days rule", days_rule),
    ]
}

/// The merged day and the whole ranking agree for every kind, weighting
/// and length, and for the week ahead as for today alone.
fn agree(store: &mut Store, what: &str) {
    let today = common::today();
    for until in [today, today + chrono::Days::new(7)] {
        for (name, weights) in weightings() {
            for kind in std::iter::once(None).chain(TaskKind::ALL.map(Some)) {
                store.set_day_merge(false);
                let whole = store
                    .ranked_day("ccuser", &team(kind), until, today, &weights, usize::MAX)
                    .unwrap();
                assert!(
                    kind.is_some() || whole.rows.len() > 500,
                    "a day worth merging: {}",
                    whole.rows.len()
                );
                for limit in [1, 2, 17, 100, 1000, whole.rows.len() + 3] {
                    let case = format!("{what}: {name}, {kind:?}, until {until}, top {limit}");
                    store.set_day_merge(true);
                    let merged = store
                        .ranked_day("ccuser", &team(kind), until, today, &weights, limit)
                        .unwrap();
                    let want: Vec<i64> = ids(&whole).into_iter().take(limit).collect();
                    assert_eq!(ids(&merged), want, "{case}");
                    assert_eq!(merged.rows, whole.rows[..want.len()].to_vec(), "{case}");
                    assert_eq!(merged.counts, whole.counts, "{case}");
                }
            }
        }
    }
}

#[test]
fn the_merged_day_is_the_day_ranked_whole() {
    let dir = tempfile::tempdir().unwrap();
    let path = caseload(dir.path());
    let mut store = common::open(&path, "ccuser");
    agree(&mut store, "as generated");
}

/// Weights the merge cannot serve (a day overdue counted against, a weight
/// that is not a number) leave the day ranked whole: the same answer.
#[test]
fn weights_that_break_the_groups_order_rank_the_day_whole() {
    let dir = tempfile::tempdir().unwrap();
    let path = caseload(dir.path());
    let mut store = common::open(&path, "ccuser");
    let today = common::today();
    let backwards = UrgencyWeights {
        per_day_overdue: -3.0,
        ..UrgencyWeights::default()
    };
    let mut nan = UrgencyWeights::default();
    nan.kind.call = f64::NAN;
    let huge = UrgencyWeights {
        per_risk_tier: f64::MAX,
        ..UrgencyWeights::default()
    };
    for weights in [backwards, nan, huge] {
        assert!(!weights.alike_tasks_rank_by_due(), "{weights:?}");
        store.set_day_merge(false);
        let whole = store
            .ranked_day("ccuser", &team(None), today, today, &weights, 50)
            .unwrap();
        store.set_day_merge(true);
        let day = store
            .ranked_day("ccuser", &team(None), today, today, &weights, 50)
            .unwrap();
        assert_eq!(day, whole);
    }
    assert!(UrgencyWeights::default().alike_tasks_rank_by_due());
}

/// The kept counts of each day and kind against the open tasks.
fn count_drift(conn: &Connection) -> Vec<(String, String, Option<i64>, Option<i64>)> {
    let sql = "
        WITH counted AS (
            SELECT due_on, kind, count(*) AS tasks FROM task
             WHERE status IN ('requested', 'in-progress') AND due_on IS NOT NULL
             GROUP BY due_on, kind)
        SELECT c.due_on, c.kind, c.tasks, d.tasks FROM counted c
          LEFT JOIN open_task_day d USING (due_on, kind) WHERE d.tasks IS NOT c.tasks
        UNION ALL
        SELECT d.due_on, d.kind, NULL, d.tasks FROM open_task_day d
          LEFT JOIN counted c USING (due_on, kind) WHERE c.tasks IS NULL";
    let mut stmt = conn.prepare(sql).unwrap();
    let rows = stmt
        .query_map([], |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?, r.get(3)?)))
        .unwrap();
    rows.collect::<Result<_, _>>().unwrap()
}

#[test]
fn the_counts_of_each_day_follow_every_change_to_the_tasks() {
    let dir = tempfile::tempdir().unwrap();
    let path = caseload(dir.path());
    let conn = Connection::open(&path).unwrap();
    assert_eq!(count_drift(&conn), [], "as generated and added to");
    let days: i64 = conn
        .query_row("SELECT count(*) FROM open_task_day", [], |r| r.get(0))
        .unwrap();
    assert!(days > 50, "{days}");
    let mut store = common::open(&path, "ccuser");
    let today = common::today();

    // Through the store, as Today changes tasks.
    let mine = store
        .day_tasks("ccuser", &Default::default(), today + chrono::Days::new(60))
        .unwrap();
    let refs: Vec<TaskRef> = mine
        .iter()
        .filter(|t| !t.hard_deadline)
        .map(TaskRef::from)
        .collect();
    assert!(refs.len() > 30, "{}", refs.len());
    store.complete_tasks(&refs[..5], None, today).unwrap();
    store
        .snooze_tasks(&refs[5..10], today + chrono::Days::new(3))
        .unwrap();
    store
        .snooze_tasks(&refs[10..12], today - chrono::Days::new(30))
        .unwrap();
    let line = parse_task("Call back soon due:+3d kind:call", today).unwrap();
    store.edit_task(refs[12], &line).unwrap();
    let line = parse_task("Check in due:+1d", today).unwrap();
    store
        .add_task(mine[20].patient_id, "ccuser", &line, today, None)
        .unwrap();
    assert_eq!(count_drift(&conn), [], "after the store's changes");
    agree(&mut store, "after the store's changes");

    // By hand, as a repair might: a kind changed, a task reopened, one
    // cancelled, a date cleared, tasks and a whole patient deleted.
    conn.execute_batch(
        "UPDATE task SET kind = 'admin'
          WHERE id = (SELECT min(id) FROM task WHERE status = 'requested' AND kind != 'admin');
         UPDATE task SET status = 'requested'
          WHERE id = (SELECT min(id) FROM task WHERE status = 'completed' AND due_on IS NOT NULL);
         UPDATE task SET status = 'cancelled'
          WHERE id = (SELECT max(id) FROM task WHERE status = 'in-progress');
         UPDATE task SET due_on = NULL
          WHERE id = (SELECT max(id) FROM task WHERE status = 'requested');
         DELETE FROM task WHERE id IN (SELECT id FROM task WHERE status = 'requested' LIMIT 3);",
    )
    .unwrap();
    assert_eq!(count_drift(&conn), [], "after changes by hand");
    drop(store);
    assert_eq!(
        tend::store::check_file(&path).unwrap().kept_problems,
        Vec::<String>::new()
    );

    // A count made wrong behind the triggers' back: `tend check` says which
    // day, and the file is not healthy.
    conn.execute_batch(
        "UPDATE open_task_day SET tasks = tasks + 2
          WHERE (due_on, kind) = (SELECT due_on, kind FROM open_task_day
                                   ORDER BY due_on, kind LIMIT 1);",
    )
    .unwrap();
    let first: String = conn
        .query_row("SELECT min(due_on) FROM open_task_day", [], |r| r.get(0))
        .unwrap();
    let report = tend::store::check_file(&path).unwrap();
    assert!(!report.is_healthy());
    let said = report.kept_problems.join("\n");
    assert!(
        said.contains("open_task_day: 1 kept counts")
            && said.contains(&format!("(first: {first})")),
        "{said}"
    );
}

/// A version 17 file gets the counts, filled from its tasks, and the
/// indexes when opened.
#[test]
fn a_version_17_database_gets_the_counts_and_indexes_when_upgraded() {
    let dir = tempfile::tempdir().unwrap();
    let path = caseload(dir.path());
    let conn = Connection::open(&path).unwrap();
    conn.execute_batch(common::UNDO_V22).unwrap();
    conn.execute_batch(common::UNDO_V21).unwrap();
    conn.execute_batch(common::UNDO_V20).unwrap();
    conn.execute_batch(common::UNDO_V19).unwrap();
    conn.execute_batch(common::UNDO_V18).unwrap();
    conn.execute_batch("PRAGMA user_version = 17;").unwrap();
    drop(conn);
    let mut store = common::open(&path, "ccuser");
    assert_eq!(store.schema_version().unwrap(), tend::store::schema::LATEST);
    agree(&mut store, "after the upgrade");
    drop(store);
    let conn = Connection::open(&path).unwrap();
    assert_eq!(count_drift(&conn), []);
}

/// Each group of the merge is read along the index, never sorted.
#[test]
fn each_group_of_the_day_is_read_along_its_index() {
    let dir = tempfile::tempdir().unwrap();
    let path = caseload(dir.path());
    let conn = Connection::open(&path).unwrap();
    conn.execute_batch("ANALYZE").unwrap();
    let plan: Vec<String> = conn
        .prepare(&format!(
            "EXPLAIN QUERY PLAN {}",
            tend::store::team_day::GROUP_READ
        ))
        .unwrap()
        .query_map(
            rusqlite::params![1, "stat", "call", "2026-12-01", "2026-11-01", 7, 16],
            |r| r.get(3),
        )
        .unwrap()
        .collect::<Result<_, _>>()
        .unwrap();
    let plan = plan.join("\n");
    assert!(plan.contains("task_open_by_rank"), "{plan}");
    assert!(!plan.contains("TEMP B-TREE"), "{plan}");
}
