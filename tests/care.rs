//! Looking after the database: `tend backup` while other processes write,
//! and `tend check` on a whole file, a damaged one and an old one; the
//! spreadsheet reports of `tend export csv`.

mod fixtures;

use std::path::{Path, PathBuf};
use std::process::{Command, Output};

use rusqlite::Connection;
use tend::synth::{self, GenParams};

const NOW: &str = "2026-11-24T09:00:00-05:00";

fn tend(db: &Path, args: &[&str]) -> Output {
    let home = tempfile::tempdir().unwrap();
    Command::new(env!("CARGO_BIN_EXE_tend"))
        .arg("--db")
        .arg(db)
        .args(args)
        .current_dir(db.parent().unwrap())
        .env_clear()
        .env("HOME", home.path())
        .env("USER", "ccuser")
        .env("TEND_NOW", NOW)
        .output()
        .unwrap()
}

fn text(bytes: &[u8]) -> String {
    String::from_utf8_lossy(bytes).into_owned()
}

fn generated(dir: &Path, patients: usize) -> PathBuf {
    let path = dir.join("tend.db");
    let mut store = fixtures::open(&path, "ccuser");
    synth::generate(
        &mut store,
        &GenParams {
            patients,
            seed: 3,
            user: "ccuser".into(),
        },
    )
    .unwrap();
    path
}

fn count(db: &Path, sql: &str) -> i64 {
    Connection::open(db)
        .unwrap()
        .query_row(sql, [], |r| r.get(0))
        .unwrap()
}

/// Backups taken while another process imports rosters, one small
/// transaction after another: each copy is whole and shows the database as
/// of one moment (every import in it complete, none half there).
#[test]
fn backups_taken_while_another_process_writes_are_whole_and_consistent() {
    let dir = tempfile::tempdir().unwrap();
    let db = generated(dir.path(), 200);
    let rosters: Vec<PathBuf> = (0..20)
        .map(|n| {
            let path = dir.path().join(format!("r{n}.csv"));
            let mut body = String::from("member_id,first_name,last_name,dob\n");
            for m in 0..5 {
                body.push_str(&format!("NEW{n:02}{m},Ana,Sample,1980-02-03\n"));
            }
            std::fs::write(&path, body).unwrap();
            path
        })
        .collect();
    let writer = {
        let db = db.clone();
        std::thread::spawn(move || {
            for roster in &rosters {
                let out = tend(&db, &["import", "patients", roster.to_str().unwrap()]);
                assert!(out.status.success(), "{}", text(&out.stderr));
            }
        })
    };
    let mut copies = Vec::new();
    for n in 0..6 {
        let copy = dir.path().join(format!("backup{n}.db"));
        let out = tend(&db, &["backup", copy.to_str().unwrap()]);
        assert!(out.status.success(), "{}", text(&out.stderr));
        copies.push((copy, text(&out.stdout)));
    }
    writer.join().unwrap();
    let last = dir.path().join("final.db");
    let out = tend(&db, &["backup", last.to_str().unwrap()]);
    copies.push((last, text(&out.stdout)));

    for (copy, said) in &copies {
        let report = tend::store::check_file(copy).unwrap();
        assert!(report.is_healthy(), "{copy:?}: {report:?}");
        let patients = count(copy, "SELECT count(*) FROM patient");
        let imports = count(
            copy,
            "SELECT count(*) FROM audit_event WHERE detail LIKE 'roster import:%'",
        );
        assert_eq!(
            patients,
            200 + 5 * imports,
            "{copy:?}: every import in the copy is whole"
        );
        assert!(
            said.contains(&format!("holds {patients} patient rows,")),
            "the counts said are the copy's: {said}"
        );
        use std::os::unix::fs::PermissionsExt as _;
        assert_eq!(
            std::fs::metadata(copy).unwrap().permissions().mode() & 0o777,
            0o600
        );
    }
    let (last, _) = copies.last().unwrap();
    for table in ["patient", "task", "communication", "goal", "condition"] {
        let sql = format!("SELECT count(*) FROM {table}");
        assert_eq!(count(last, &sql), count(&db, &sql), "{table}");
    }
    assert_eq!(count(last, "SELECT count(*) FROM patient"), 300);
}

#[test]
fn a_backup_never_overwrites_a_file() {
    let dir = tempfile::tempdir().unwrap();
    let db = generated(dir.path(), 10);
    let there = dir.path().join("there.db");
    std::fs::write(&there, "precious").unwrap();
    let out = tend(&db, &["backup", there.to_str().unwrap()]);
    assert_eq!(out.status.code(), Some(1));
    assert!(
        text(&out.stderr).starts_with(&format!(
            "tend: cannot make the backup {}: ",
            there.display()
        )),
        "{}",
        text(&out.stderr)
    );
    assert_eq!(std::fs::read_to_string(&there).unwrap(), "precious");
}

#[test]
fn check_says_plainly_what_it_found() {
    let dir = tempfile::tempdir().unwrap();
    let db = generated(dir.path(), 20);
    // A draft note is not in the search index (drafts are never searched),
    // and that is no damage.
    fixtures::open(&db, "ccuser")
        .save_draft(
            1,
            &tend::domain::note::DraftHeader::default(),
            "Called; no answer",
            fixtures::clock().now_utc(),
            None,
        )
        .unwrap();
    let out = tend(&db, &["check"]);
    assert!(out.status.success());
    let said = text(&out.stdout);
    assert!(
        said.contains("  ok       SQLite's integrity check finds the file whole\n")
            && said.contains("  ok       every record points at records that exist\n")
            && said.contains("  ok       the search indexes match the records\n")
            && said.contains("  ok       schema version 7 (current)\n"),
        "{said}"
    );

    // Damage it: a record pointing at a patient that does not exist, and a
    // name in the search index with no patient behind it.
    {
        let conn = Connection::open(&db).unwrap();
        conn.execute_batch(
            "PRAGMA foreign_keys = OFF;
             INSERT INTO condition (patient_id, display) VALUES (999999, 'orphan');
             INSERT INTO patient_name_index (rowid, family_name, given_name, member_id)
               VALUES (999999, 'Nobody', 'Here', 'X');",
        )
        .unwrap();
    }
    let before = std::fs::read(&db).unwrap();
    let out = tend(&db, &["check"]);
    assert_eq!(out.status.code(), Some(1));
    let said = text(&out.stdout);
    assert!(
        said.contains("  PROBLEM  1 records point at records that do not exist: condition row "),
        "{said}"
    );
    assert!(
        said.contains("  PROBLEM  search index: patient_name_index: "),
        "{said}"
    );
    assert_eq!(std::fs::read(&db).unwrap(), before, "check changes nothing");

    // An older schema version is said, not upgraded.
    Connection::open(&db)
        .unwrap()
        .execute_batch("PRAGMA user_version = 5")
        .unwrap();
    let said = text(&tend(&db, &["check"]).stdout);
    assert!(
        said.contains(
            "schema version 5 is older than this tend's 7: opening it with tend upgrades it"
        ),
        "{said}"
    );
}

#[test]
fn spreadsheet_reports_keep_formulas_as_text() {
    let dir = tempfile::tempdir().unwrap();
    let db = fixtures::zoe_db(dir.path());
    Connection::open(&db)
        .unwrap()
        .execute(
            "UPDATE patient SET family_name = '=HYPERLINK(\"http://x\")' WHERE id = 1",
            [],
        )
        .unwrap();
    let out = tend(&db, &["export", "csv", "caseload"]);
    assert!(out.status.success(), "{}", text(&out.stderr));
    assert_eq!(
        text(&out.stdout),
        "member_id,family_name,given_name,birth_date,age,risk_tier,enrollment_status,last_contact,next_due,coordinator\n\
         SYN1,\"'=HYPERLINK(\"\"http://x\"\")\",Zoë,1970-01-02,56,high,enrolled,,2026-11-24,ccuser\n"
    );
    let out = tend(&db, &["export", "csv", "tasks"]);
    assert_eq!(
        text(&out.stdout),
        "section,due_on,days_overdue,kind,priority,hard_deadline,title,repeats,owner,patient\n\
         today,2026-11-24,0,call,routine,no,Monthly outreach call,,ccuser,\"'=HYPERLINK(\"\"http://x\"\"), Zoë\"\n"
    );
}

/// Issue 13, item 6: 32 processes importing 200-member rosters at once
/// (three each, one after another). Before, a writer gave up after 5 s
/// ("locked by another program", "database is busy"); now each waits its
/// turn behind the others, and every import lands.
#[test]
fn thirty_two_processes_importing_at_once_all_wait_their_turn() {
    const PROCESSES: usize = 32;
    const ROUNDS: usize = 3;
    const MEMBERS: usize = 200;
    let dir = tempfile::tempdir().unwrap();
    // The rosters' coordinators (ccuser, cc0001…cc0003) are the
    // generated caseload's.
    let db = generated(dir.path(), 200);
    let today = chrono::NaiveDate::from_ymd_opt(2026, 11, 24).unwrap();
    // One synthetic roster as a spreadsheet exports it (the generator is
    // slow in a debug build: about 40 ms a member), and every import gets
    // members of its own: the generator numbers them SYN0000001… whatever
    // the seed, so each copy gets a prefix.
    let roster = synth::roster_csv(MEMBERS, 13, today, "ccuser");
    let rosters: Vec<Vec<PathBuf>> = (0..PROCESSES)
        .map(|p| {
            (0..ROUNDS)
                .map(|r| {
                    let csv = roster.replace("\r\nSYN", &format!("\r\nP{p:02}R{r}-"));
                    let path = dir.path().join(format!("roster-{p:02}-{r}.csv"));
                    std::fs::write(&path, csv).unwrap();
                    path
                })
                .collect()
        })
        .collect();
    let workers: Vec<_> = rosters
        .into_iter()
        .map(|mine| {
            let db = db.clone();
            std::thread::spawn(move || {
                mine.iter()
                    .map(|roster| tend(&db, &["import", "patients", roster.to_str().unwrap()]))
                    .collect::<Vec<Output>>()
            })
        })
        .collect();
    let mut failures = Vec::new();
    for (p, worker) in workers.into_iter().enumerate() {
        for (r, out) in worker.join().unwrap().into_iter().enumerate() {
            if !out.status.success() {
                failures.push(format!("{p}/{r}: {}", text(&out.stderr)));
            }
        }
    }
    assert!(failures.is_empty(), "imports that failed: {failures:#?}");
    assert_eq!(
        count(&db, "SELECT count(*) FROM patient"),
        (200 + PROCESSES * ROUNDS * MEMBERS) as i64
    );
    for p in 0..PROCESSES {
        for r in 0..ROUNDS {
            let sql = format!("SELECT count(*) FROM patient WHERE member_id LIKE 'P{p:02}R{r}-%'");
            assert_eq!(count(&db, &sql), MEMBERS as i64, "roster {p}/{r}");
        }
    }
    assert_eq!(
        count(
            &db,
            "SELECT count(*) FROM audit_event WHERE detail LIKE 'roster import: 200 created,%'"
        ),
        (PROCESSES * ROUNDS) as i64
    );
}
