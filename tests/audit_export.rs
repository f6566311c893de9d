//! `tend audit export` (issue 15): the audit trail read out as CSV for a
//! supervisor or an auditor, filtered by user, patient, action and days;
//! the export audited too; a closed pipe ends it quietly. (As FHIR R4
//! AuditEvent resources, checked by the independent validator, in
//! tests/fhir.rs.)

mod common;

use std::path::Path;
use std::process::{Command, Output, Stdio};

use common::{open, NOW};
use tend::synth::{generate, GenParams};

fn tend(home: &Path, args: &[&str]) -> Output {
    common::home_as_ccuser(home);
    Command::new(env!("CARGO_BIN_EXE_tend"))
        .args(args)
        .env_clear()
        .env("HOME", home)
        .env("TEND_NOW", NOW)
        .stdin(Stdio::null())
        .output()
        .unwrap()
}

/// A caseload of 10 by ccuser, with records viewed by ccuser and by
/// cc-other; returns the database and a patient's member ID.
fn trail(dir: &Path) -> (std::path::PathBuf, String) {
    let db = dir.join("trail.db");
    let mut store = open(&db, "ccuser");
    generate(
        &mut store,
        &GenParams {
            patients: 10,
            seed: 3,
            user: "ccuser".into(),
        },
    )
    .unwrap();
    for patient in [1, 2, 2] {
        let _ = store.record_view(patient);
    }
    drop(store);
    let mut other = open(&db, "cc-other");
    let _ = other.record_view(2);
    let member = other.patient(2).unwrap().unwrap().member_id;
    (db, member)
}

fn rows(out: &Output) -> Vec<Vec<String>> {
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let mut reader = csv::Reader::from_reader(&out.stdout[..]);
    assert_eq!(
        reader.headers().unwrap().iter().collect::<Vec<_>>(),
        [
            "row",
            "recorded_at",
            "user",
            "action",
            "entity_type",
            "entity_id",
            "member_id",
            "detail",
            "action_code"
        ]
    );
    reader
        .records()
        .map(|r| r.unwrap().iter().map(str::to_string).collect())
        .collect()
}

#[test]
fn the_trail_exports_as_csv_filtered_by_user_patient_action_and_day() {
    let dir = tempfile::tempdir().unwrap();
    let (db, member) = trail(dir.path());
    let path = db.to_str().unwrap();

    let all = rows(&tend(dir.path(), &["--db", path, "audit", "export"]));
    // The generator's two rows, four views, and the export itself, last.
    assert_eq!(all.len(), 7, "{all:?}");
    let last = all.last().unwrap();
    assert_eq!(last[2], "ccuser");
    assert_eq!(last[3], "execute");
    assert_eq!(last[7], "audit trail exported as CSV");
    assert_eq!(all[0][1], "2026-11-24T14:00:00Z");

    let theirs = rows(&tend(
        dir.path(),
        &["--db", path, "audit", "export", "--user", "cc-other"],
    ));
    assert_eq!(theirs.len(), 1);
    assert_eq!(theirs[0][2], "cc-other");
    assert_eq!(theirs[0][3], "read");
    assert_eq!(theirs[0][6], member);

    let views_of_hers = rows(&tend(
        dir.path(),
        &[
            "--db",
            path,
            "audit",
            "export",
            "--patient",
            &member,
            "--action",
            "read",
        ],
    ));
    assert_eq!(views_of_hers.len(), 3, "two by ccuser, one by cc-other");
    assert!(views_of_hers.iter().all(|r| r[6] == member && r[8] == "R"));

    let before = rows(&tend(
        dir.path(),
        &["--db", path, "audit", "export", "--to", "2026-11-23"],
    ));
    assert!(before.is_empty(), "{before:?}");
    let on_the_day = rows(&tend(
        dir.path(),
        &[
            "--db",
            path,
            "audit",
            "export",
            "--from",
            "2026-11-24",
            "--to",
            "2026-11-24",
            "--action",
            "E",
        ],
    ));
    // Every export so far, its own included.
    assert_eq!(on_the_day.len(), 5, "{on_the_day:?}");

    let out = tend(
        dir.path(),
        &["--db", path, "audit", "export", "--action", "peek"],
    );
    assert_eq!(
        String::from_utf8_lossy(&out.stderr),
        "tend: --action \"peek\": use create, read, update, delete or execute\n"
    );
    let file = dir.path().join("trail.csv");
    let out = tend(
        dir.path(),
        &[
            "--db",
            path,
            "audit",
            "export",
            "--out",
            file.to_str().unwrap(),
        ],
    );
    assert!(out.status.success());
    assert!(String::from_utf8_lossy(&out.stderr).starts_with("Wrote 12 audit rows to "));
    use std::os::unix::fs::PermissionsExt;
    assert_eq!(
        std::fs::metadata(&file).unwrap().permissions().mode() & 0o777,
        0o600
    );
}

#[test]
fn a_closed_pipe_ends_the_export_quietly() {
    let dir = tempfile::tempdir().unwrap();
    let (db, _) = trail(dir.path());
    common::home_as_ccuser(dir.path());
    let mut child = Command::new(env!("CARGO_BIN_EXE_tend"))
        .args([
            "--db",
            db.to_str().unwrap(),
            "audit",
            "export",
            "--format",
            "fhir",
        ])
        .env_clear()
        .env("HOME", dir.path())
        .env("TEND_NOW", NOW)
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    // Read nothing: the reader goes away at once.
    drop(child.stdout.take());
    let out = child.wait_with_output().unwrap();
    assert_eq!(
        out.status.code(),
        Some(0),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    assert!(out.stderr.is_empty());
}
