//! `tend import adt`: files of messages written by independent libraries
//! (python's hl7apy and hl7), each applied, queued or rejected as the live
//! feed would, with the file and line of each that was not applied; a
//! second import of the same files applies nothing twice.

mod common;

use std::process::Command;

use common::hl7::{members, python};
use common::NOW;

#[test]
fn a_folder_of_messages_is_read_each_outcome_said_by_file_and_line() {
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("feed.db");
    let (store, patient) = members(&db);
    drop(store);
    let messages = dir.path().join("messages");
    let script = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/python/make_adt.py");
    let made = Command::new(python())
        .arg(script)
        .arg(&messages)
        .output()
        .unwrap();
    assert!(
        made.status.success(),
        "{}",
        String::from_utf8_lossy(&made.stderr)
    );
    let config = dir.path().join("config.toml");
    std::fs::write(
        &config,
        "user = \"ccuser\"\n[adt]\nmember_id_authority = \"STATEMCD\"\n",
    )
    .unwrap();
    let import = || {
        Command::new(env!("CARGO_BIN_EXE_tend"))
            .args([
                "--db",
                db.to_str().unwrap(),
                "--config",
                config.to_str().unwrap(),
            ])
            .args(["import", "adt", messages.to_str().unwrap()])
            .env("TEND_NOW", NOW)
            .env("HOME", dir.path())
            .output()
            .unwrap()
    };
    let first = import();
    let out = String::from_utf8_lossy(&first.stdout);
    let err = String::from_utf8_lossy(&first.stderr);
    assert_eq!(
        first.status.code(),
        Some(1),
        "rejected messages fail the import:\n{out}\n{err}"
    );
    assert!(out.contains("Read 13 messages from 13 files"), "{out}");
    assert!(out.contains("5 rejected"), "{out}");
    assert!(
        err.contains("bad_date.hl7, line 1: rejected: PV1-45"),
        "{err}"
    );
    assert!(
        err.contains("bad_version.hl7, line 1: rejected: MSH-12"),
        "{err}"
    );
    assert!(err.contains("5 messages could not be read"), "{err}");
    for value in ["2026-13-45", "Testpatient", "M0001"] {
        assert!(!err.contains(value), "{value} in:\n{err}");
    }
    let store = common::open(&db, "ccuser");
    assert!(!store.encounters(patient, 20).unwrap().is_empty());
    let counts = store.adt_counts().unwrap();
    assert!(counts.contains(&("rejected".to_string(), 5)), "{counts:?}");
    drop(store);

    // The same files again: nothing applied twice.
    let second = import();
    let out = String::from_utf8_lossy(&second.stdout);
    assert!(out.contains("0 applied"), "{out}");
    assert!(out.contains("8 already received"), "{out}");
}
