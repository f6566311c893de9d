//! Every link from a record to its patient or to its goal is followed by
//! an index (schema version 17, issue 19): opening a record reads each of
//! its parts by such a link, and at 1,000,000 patients one link without an
//! index (a goal's tasks) cost 2.6 s a goal, another (a patient's tasks,
//! closed ones too, for `tend export fhir`) 8.9 s a patient. Checked on
//! every table tend makes, from SQLite's own list of its foreign keys and
//! its own query plans, so a table added later is held to it too. Real
//! SQLite in a temporary folder.

mod common;

use rusqlite::Connection;

/// The links a record's parts are read by.
const LINKS: [&str; 2] = ["patient_id", "goal_id"];

/// SQLite's plan for `sql`, a step a line.
fn plan(conn: &Connection, sql: &str) -> Vec<String> {
    conn.prepare(&format!("EXPLAIN QUERY PLAN {sql}"))
        .unwrap()
        .query_map([], |r| r.get::<_, String>(3))
        .unwrap()
        .collect::<Result<_, _>>()
        .unwrap()
}

#[test]
fn every_link_to_a_patient_or_a_goal_is_read_by_an_index() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("links.db");
    drop(common::open(&path, "ccuser"));
    let conn = Connection::open(&path).unwrap();
    let mut stmt = conn
        .prepare(
            "SELECT m.name, f.\"from\" FROM sqlite_master m, pragma_foreign_key_list(m.name) f
              WHERE m.type = 'table' AND m.sql NOT LIKE 'CREATE VIRTUAL%'
              ORDER BY m.name, f.\"from\"",
        )
        .unwrap();
    let links: Vec<(String, String)> = stmt
        .query_map([], |r| Ok((r.get(0)?, r.get(1)?)))
        .unwrap()
        .collect::<Result<_, _>>()
        .unwrap();
    let followed: Vec<&(String, String)> = links
        .iter()
        .filter(|(_, column)| LINKS.contains(&column.as_str()))
        .collect();
    assert!(
        followed.len() >= 15,
        "the tables that name a patient or a goal: {followed:?}"
    );
    let mut scanned = Vec::new();
    for (table, column) in followed {
        let plan = plan(&conn, &format!("SELECT * FROM {table} WHERE {column} = 1"));
        if !plan.iter().any(|step| step.contains("USING")) {
            scanned.push(format!("{table}.{column}: {}", plan.join("; ")));
        }
    }
    assert!(
        scanned.is_empty(),
        "links read by walking the whole table:\n{}",
        scanned.join("\n")
    );
}

/// The reads the issue measured: a goal's interventions and all of a
/// patient's tasks (the FHIR export's), each by its index.
#[test]
fn a_goal_s_interventions_and_a_patient_s_tasks_are_read_by_index() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("plans.db");
    drop(common::open(&path, "ccuser"));
    let conn = Connection::open(&path).unwrap();
    for (sql, index) in [
        (
            "SELECT description, status, due_on FROM task WHERE goal_id = ?1
              ORDER BY status NOT IN ('requested', 'in-progress'), due_on IS NULL, due_on, id",
            "task_by_goal",
        ),
        (
            "SELECT * FROM task WHERE patient_id = ?1 ORDER BY id",
            "task_by_patient",
        ),
    ] {
        let plan = plan(&conn, &sql.replace("?1", "1"));
        assert!(
            plan.iter().any(|step| step.contains(index)),
            "{sql}: {plan:?}"
        );
    }
}
