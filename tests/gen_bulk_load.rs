//! What `tend gen`'s bulk load leaves behind equals what row-by-row inserts
//! with every index and trigger in place would have made: the load takes
//! indexes and triggers off and makes their effect once at its end
//! (`store::bulk_deferred`, `Tx::bulk_load`), so every derived value is
//! recomputed here from the base rows, and the schema compared with a new
//! store's.

mod common;

use std::collections::BTreeSet;
use std::path::Path;

use rusqlite::Connection;
use tend::store::schema;
use tend::synth::{self, GenParams};

/// A caseload of 300 patients, written by the generator.
fn generated(dir: &Path) -> Connection {
    let path = dir.join("gen.db");
    let mut store = common::open(&path, "ccuser");
    synth::generate(
        &mut store,
        &GenParams {
            patients: 300,
            seed: 5,
            user: "ccuser".into(),
        },
    )
    .unwrap();
    drop(store);
    Connection::open(&path).unwrap()
}

/// Every table, index, trigger and search-index setting, with its text.
fn schema_of(conn: &Connection) -> BTreeSet<String> {
    let mut stmt = conn
        .prepare("SELECT type, name, tbl_name, sql FROM sqlite_schema")
        .unwrap();
    let mut items: BTreeSet<String> = stmt
        .query_map([], |r| {
            Ok(format!(
                "{} {} on {}: {}",
                r.get::<_, String>(0)?,
                r.get::<_, String>(1)?,
                r.get::<_, String>(2)?,
                r.get::<_, Option<String>>(3)?.unwrap_or_default()
            ))
        })
        .unwrap()
        .collect::<Result<_, _>>()
        .unwrap();
    let configs: Vec<String> = conn
        .prepare("SELECT name FROM sqlite_schema WHERE type = 'table' AND name LIKE '%\\_config' ESCAPE '\\'")
        .unwrap()
        .query_map([], |r| r.get(0))
        .unwrap()
        .collect::<Result<_, _>>()
        .unwrap();
    for table in configs {
        let mut stmt = conn
            .prepare(&format!("SELECT k, v FROM {table} ORDER BY k"))
            .unwrap();
        let rows = stmt
            .query_map([], |r| {
                Ok(format!(
                    "{table}: {} = {:?}",
                    r.get::<_, String>(0)?,
                    r.get_ref(1)?
                ))
            })
            .unwrap();
        for row in rows {
            items.insert(row.unwrap());
        }
    }
    items
}

fn count(conn: &Connection, sql: &str) -> i64 {
    conn.query_row(sql, [], |r| r.get(0)).unwrap()
}

#[test]
fn the_bulk_load_leaves_the_schema_of_a_new_store_and_an_intact_file() {
    let dir = tempfile::tempdir().unwrap();
    let conn = generated(dir.path());
    let fresh_path = dir.path().join("fresh.db");
    drop(common::open(&fresh_path, "ccuser"));
    let fresh = Connection::open(&fresh_path).unwrap();

    // Every index and trigger the schema declares, with its own text (an
    // index not built again, or a trigger not made again, shows here), and
    // no search index left with a setting of the load's.
    let made = schema_of(&conn);
    let declared = schema_of(&fresh);
    let missing: Vec<_> = declared.difference(&made).collect();
    let extra: Vec<_> = made.difference(&declared).collect();
    assert!(
        missing.is_empty() && extra.is_empty(),
        "missing: {missing:#?}\nnot in a new store: {extra:#?}"
    );
    let version = |c: &Connection| -> i64 {
        c.query_row("PRAGMA user_version", [], |r| r.get(0))
            .unwrap()
    };
    assert_eq!(version(&conn), schema::LATEST);
    assert_eq!(version(&fresh), schema::LATEST);

    // Every index holds every row it should (integrity_check compares each
    // index with its table), and every link points at a row.
    let integrity: String = conn
        .query_row("PRAGMA integrity_check", [], |r| r.get(0))
        .unwrap();
    assert_eq!(integrity, "ok");
    assert_eq!(
        count(&conn, "SELECT COUNT(*) FROM pragma_foreign_key_check"),
        0
    );
    // The indexes the load builds at its end are used and hold the rows.
    assert_eq!(
        count(
            &conn,
            "SELECT COUNT(*) FROM task INDEXED BY task_open_by_due
              WHERE status IN ('requested', 'in-progress') AND due_on > '0'"
        ),
        count(
            &conn,
            "SELECT COUNT(*) FROM task
              WHERE status IN ('requested', 'in-progress') AND due_on IS NOT NULL"
        )
    );
    assert_eq!(count(&conn, "SELECT COUNT(*) FROM patient"), 300);
}

#[test]
fn every_derived_value_is_what_the_triggers_would_have_made() {
    let dir = tempfile::tempdir().unwrap();
    let conn = generated(dir.path());

    // A patient's next due date: the earliest due date of their open tasks
    // (schema v16's triggers).
    let next_due_wrong = count(
        &conn,
        "SELECT COUNT(*) FROM patient p
          WHERE p.next_due IS NOT (SELECT min(t.due_on) FROM task t
                 WHERE t.patient_id = p.id AND t.status IN ('requested', 'in-progress'))",
    );
    assert_eq!(next_due_wrong, 0, "patients whose next due date is wrong");
    assert_eq!(
        count(&conn, "SELECT COUNT(*) FROM patient WHERE next_due IS NULL"),
        0,
        "every generated patient has an open task (the plan's review)"
    );

    // The day's counts of open tasks by date and kind (schema v18's
    // triggers), against a count of the tasks.
    let counts_wrong = count(
        &conn,
        "WITH kept AS (SELECT due_on, kind, tasks FROM open_task_day WHERE tasks > 0),
              counted AS (SELECT due_on, kind, count(*) AS tasks FROM task
                           WHERE status IN ('requested', 'in-progress') AND due_on IS NOT NULL
                           GROUP BY due_on, kind)
         SELECT (SELECT COUNT(*) FROM (SELECT * FROM kept EXCEPT SELECT * FROM counted))
              + (SELECT COUNT(*) FROM (SELECT * FROM counted EXCEPT SELECT * FROM kept))",
    );
    assert_eq!(counts_wrong, 0, "days whose open-task counts are wrong");
    assert!(count(&conn, "SELECT COUNT(*) FROM open_task_day") > 10);

    // The caseload's buckets (schema v20, counted once at the load's end),
    // against the patients, bucket by bucket.
    let buckets_wrong = count(
        &conn,
        "WITH kept AS (SELECT sort, lead, initial, patients FROM caseload_bucket
                        WHERE patients > 0),
              counted AS (
                SELECT 'name', '', lower(substr(family_name, 1, 1)), count(*)
                  FROM patient GROUP BY 2, 3
                UNION ALL SELECT 'risk', risk_tier, lower(substr(family_name, 1, 1)), count(*)
                  FROM patient GROUP BY 2, 3
                UNION ALL SELECT 'contact', coalesce(substr(last_contact_at, 1, 10), ''),
                       iif(last_contact_at IS NULL, lower(substr(family_name, 1, 1)), ''),
                       count(*) FROM patient GROUP BY 2, 3
                UNION ALL SELECT 'due', coalesce(next_due, '9999-99-99'),
                       lower(substr(family_name, 1, 1)), count(*) FROM patient GROUP BY 2, 3)
         SELECT (SELECT COUNT(*) FROM (SELECT * FROM kept EXCEPT SELECT * FROM counted))
              + (SELECT COUNT(*) FROM (SELECT * FROM counted EXCEPT SELECT * FROM kept))",
    );
    assert_eq!(buckets_wrong, 0, "caseload buckets whose counts are wrong");
    assert!(
        count(
            &conn,
            "SELECT COUNT(*) FROM caseload_bucket WHERE sort = 'contact'"
        ) > 10
    );

    // The notes' and the names' search indexes against their tables
    // (FTS5's own check reads every row of the content table and compares
    // its terms with the index).
    for index in ["communication_fts", "patient_name_index"] {
        conn.execute(
            &format!("INSERT INTO {index} ({index}) VALUES ('integrity-check')"),
            [],
        )
        .unwrap_or_else(|e| panic!("{index}: {e}"));
    }
    assert_eq!(
        count(
            &conn,
            "SELECT COUNT(*) FROM communication WHERE status != 'completed'"
        ),
        0,
        "every generated note is signed, so all of them are indexed"
    );

    // The loops' search indexes hold no content of their own: each loop is
    // found by every word of its searchable text as it stands now (the
    // update triggers keep it so), and no other row is there.
    let mut words_checked = 0;
    for (table, index, text) in [
        (
            "referral",
            "referral_fts",
            "coalesce(to_name, '') || ' ' || coalesce(reason, '') || ' ' || coalesce(to_phone, '')",
        ),
        (
            "appointment",
            "appointment_fts",
            "coalesce(with_whom, '') || ' ' || coalesce(reason, '') || ' ' || coalesce(place, '')",
        ),
        (
            "prior_auth",
            "prior_auth_fts",
            "coalesce(item, '') || ' ' || coalesce(payer, '') || ' ' || coalesce(item_code, '')
                || ' ' || coalesce(payer_ref, '')",
        ),
    ] {
        let rows: Vec<(i64, String)> = conn
            .prepare(&format!("SELECT id, {text} FROM {table} ORDER BY id"))
            .unwrap()
            .query_map([], |r| Ok((r.get(0)?, r.get(1)?)))
            .unwrap()
            .collect::<Result<_, _>>()
            .unwrap();
        assert!(rows.len() > 100, "{table}: {} rows", rows.len());
        assert_eq!(
            count(&conn, &format!("SELECT COUNT(*) FROM {index}")),
            rows.len() as i64,
            "{index} holds a row for each {table}"
        );
        let mut found = conn
            .prepare(&format!(
                "SELECT COUNT(*) FROM {index} WHERE {index} MATCH ?1 AND rowid = ?2"
            ))
            .unwrap();
        for (id, text) in rows {
            for word in text
                .split(|c: char| !c.is_alphanumeric())
                .filter(|w| !w.is_empty())
            {
                let phrase = format!("\"{word}\"");
                let hits: i64 = found
                    .query_row(rusqlite::params![phrase, id], |r| r.get(0))
                    .unwrap();
                assert_eq!(hits, 1, "{table} {id} is not found by {word:?}");
                words_checked += 1;
            }
        }
    }
    assert!(words_checked > 1000, "{words_checked}");
}
