//! Running the built binary's `tend import fhir --member-id SYSTEM` and
//! reading what it wrote, for the tests of FHIR from other systems
//! (`#[path = "fhir/external_run.rs"] mod external_run;`, with `mod common`
//! and `fhir/validator.rs` as `mod validator` beside it).

#![allow(dead_code)]

use std::collections::BTreeMap;
use std::path::Path;
use std::process::{Command, Output};

use rusqlite::Connection;

/// `tend --db DB import fhir PATH --member-id SYSTEM ARGS…`.
pub fn import_as(db: &Path, path: &Path, member_system: &str, args: &[&str]) -> Output {
    tend(
        db,
        &[
            &[
                "import",
                "fhir",
                path.to_str().unwrap(),
                "--member-id",
                member_system,
            ],
            args,
        ]
        .concat(),
    )
}

pub fn tend(db: &Path, args: &[&str]) -> Output {
    let home = tempfile::tempdir().unwrap();
    super::common::home_as_ccuser(home.path());
    Command::new(env!("CARGO_BIN_EXE_tend"))
        .args(["--db", db.to_str().unwrap()])
        .args(args)
        .env_clear()
        .env("HOME", home.path())
        .env("USER", "ccuser")
        .env("TEND_NOW", super::common::NOW)
        .stdin(std::process::Stdio::null())
        .output()
        .unwrap()
}

pub fn stdout(out: &Output) -> String {
    String::from_utf8_lossy(&out.stdout).into_owned()
}

pub fn stderr(out: &Output) -> String {
    String::from_utf8_lossy(&out.stderr).into_owned()
}

pub fn ok(out: Output) -> String {
    assert!(
        out.status.success(),
        "tend failed: {}{}",
        stdout(&out),
        stderr(&out)
    );
    stdout(&out)
}

/// The rows of every table but the audit trail's, to see what changed.
pub fn tables(db: &Path) -> BTreeMap<String, Vec<String>> {
    let conn = Connection::open(db).unwrap();
    let names: Vec<String> = conn
        .prepare(
            // The search indexes' own tables aside (their contents are in
            // the virtual tables), and the audit trail's.
            "SELECT name FROM sqlite_schema t WHERE type = 'table'
               AND name NOT LIKE 'audit%' AND name NOT LIKE 'sqlite%'
               AND NOT EXISTS (SELECT 1 FROM sqlite_schema v
                                WHERE v.sql LIKE 'CREATE VIRTUAL TABLE%'
                                  AND t.name LIKE v.name || '!_%' ESCAPE '!')",
        )
        .unwrap()
        .query_map([], |r| r.get(0))
        .unwrap()
        .map(Result::unwrap)
        .collect();
    names
        .into_iter()
        .map(|name| {
            let rows: Vec<String> = conn
                .prepare(&format!("SELECT * FROM \"{name}\""))
                .unwrap()
                .query_map([], |r| {
                    let n = r.as_ref().column_count();
                    Ok((0..n)
                        .map(|i| format!("{:?}", r.get::<_, rusqlite::types::Value>(i).unwrap()))
                        .collect::<Vec<_>>()
                        .join("|"))
                })
                .unwrap()
                .map(Result::unwrap)
                .collect();
            (name, rows)
        })
        .collect()
}

pub fn one<T: rusqlite::types::FromSql>(db: &Path, sql: &str) -> T {
    Connection::open(db)
        .unwrap()
        .query_row(sql, [], |r| r.get(0))
        .unwrap()
}

pub fn strings(db: &Path, sql: &str) -> Vec<String> {
    let conn = Connection::open(db).unwrap();
    let mut stmt = conn.prepare(sql).unwrap();
    stmt.query_map([], |r| r.get(0))
        .unwrap()
        .map(Result::unwrap)
        .collect()
}

/// tend's FHIR export of `db` (every member consenting to it first),
/// written into `dir`, as the independent validator sums it up.
pub fn validated_export(db: &Path, dir: &Path) -> String {
    Connection::open(db)
        .unwrap()
        .execute("UPDATE patient SET consent_status = 'active'", [])
        .unwrap();
    let exported = dir.join("export.json");
    ok(tend(
        db,
        &["export", "fhir", "--out", exported.to_str().unwrap()],
    ));
    super::validator::validate(&exported)
}
