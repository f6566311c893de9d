//! Looking after the database: `tend backup` while other processes write,
//! and `tend check` on a whole file, a damaged one and an old one; the
//! spreadsheet reports of `tend export csv`.

mod common;
mod fixtures;

use std::path::{Path, PathBuf};
use std::process::{Child, Command, Output, Stdio};
use std::time::Duration;

use rusqlite::Connection;
use tend::synth::{self, GenParams};

use common::NOW;

fn tend(db: &Path, args: &[&str]) -> Output {
    let home = tempfile::tempdir().unwrap();
    common::home_as_ccuser(home.path());
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
    let mut store = common::open(&path, "ccuser");
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
    common::open(&db, "ccuser")
        .save_draft(
            1,
            &tend::domain::note::DraftHeader::default(),
            "Called; no answer",
            common::clock().now_utc(),
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
            && said.contains(&format!(
                "  ok       schema version {} (current)\n",
                tend::store::schema::LATEST
            ))
            && said.contains("  ok       the audit trail is whole: 3 rows chained, "),
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
        said.contains(&format!(
            "schema version 5 is older than this tend's {}: opening it with tend upgrades it",
            tend::store::schema::LATEST
        )),
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

/// The size of a file, 0 when it is not there.
fn size(path: &Path) -> u64 {
    std::fs::metadata(path).map_or(0, |m| m.len())
}

/// `path` with `suffix` added to its name (`tend.db` → `tend.db-wal`).
fn beside(path: &Path, suffix: &str) -> PathBuf {
    let mut name = path.as_os_str().to_owned();
    name.push(suffix);
    PathBuf::from(name)
}

/// Starts tend without waiting for it.
fn spawn_tend(db: &Path, args: &[&str]) -> Child {
    common::home_as_ccuser(db.parent().unwrap());
    Command::new(env!("CARGO_BIN_EXE_tend"))
        .arg("--db")
        .arg(db)
        .args(args)
        .current_dir(db.parent().unwrap())
        .env_clear()
        .env("HOME", db.parent().unwrap())
        .env("USER", "ccuser")
        .env("TEND_NOW", NOW)
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .spawn()
        .unwrap()
}

/// Waits until `ready` says so or the child ends, then kills it with
/// SIGKILL; true when the kill landed before the child ended by itself.
fn kill_when(child: &mut Child, ready: impl Fn() -> bool) -> bool {
    loop {
        if child.try_wait().unwrap().is_some() {
            return false;
        }
        if ready() {
            let landed = child.try_wait().unwrap().is_none();
            child.kill().unwrap();
            child.wait().unwrap();
            return landed;
        }
        std::thread::sleep(Duration::from_micros(200));
    }
}

/// A reproducible stream of numbers for the kill points (printed when a
/// test fails, through the kill point in its messages).
fn kill_points(seed: u64) -> impl FnMut(u64) -> u64 {
    use rand::{Rng, SeedableRng};
    let mut rng = rand_chacha::ChaCha8Rng::seed_from_u64(seed);
    move |below| rng.gen_range(1..below.max(2))
}

/// Issue 13, item 4: `tend import fhir` killed at random moments of its
/// load (when its write-ahead log has grown to a random size), then `tend
/// check` and reopening. The import runs in WAL now: a kill leaves
/// uncommitted pages in the log, which nothing reads, and no journal that
/// a check could trip over. Every time the database is whole and holds all
/// of the import or none of it.
#[test]
fn a_fhir_import_killed_at_random_moments_leaves_all_of_it_or_none() {
    let dir = tempfile::tempdir().unwrap();
    let source = generated(dir.path(), 200);
    let bundle = dir.path().join("bundle.json");
    // Every patient, whatever their consent: the import is what is tested.
    let out = tend(
        &source,
        &[
            "export",
            "fhir",
            "--out",
            bundle.to_str().unwrap(),
            "--reason",
            "a test of the import",
        ],
    );
    assert!(out.status.success(), "{}", text(&out.stderr));
    let empty = |name: &str| {
        let path = dir.path().join(name);
        // Made and closed: the file holds the schema, and no log.
        drop(common::open(&path, "ccuser"));
        assert!(!beside(&path, "-wal").exists());
        path
    };
    // One import to the end: how big the log grows, and what "all" is.
    let whole = empty("whole.db");
    let mut child = spawn_tend(&whole, &["import", "fhir", bundle.to_str().unwrap()]);
    let mut largest_log = 0;
    while child.try_wait().unwrap().is_none() {
        largest_log = largest_log.max(size(&beside(&whole, "-wal")));
        std::thread::sleep(Duration::from_micros(200));
    }
    assert!(child.wait().unwrap().success());
    assert!(
        largest_log > 0,
        "the import wrote through the write-ahead log"
    );
    let all = count(&whole, "SELECT count(*) FROM patient");
    assert_eq!(all, 200);

    let mut next = kill_points(4);
    let mut landed = 0;
    for attempt in 0..8 {
        let db = empty(&format!("killed{attempt}.db"));
        let wal = beside(&db, "-wal");
        let at = next(largest_log);
        let mut child = spawn_tend(&db, &["import", "fhir", bundle.to_str().unwrap()]);
        if kill_when(&mut child, || size(&wal) >= at) {
            landed += 1;
        }
        assert!(
            !beside(&db, "-journal").exists(),
            "kill at {at} log bytes: the import ran under a rollback journal"
        );
        let out = tend(&db, &["check"]);
        let said = text(&out.stdout);
        assert!(
            out.status.success()
                && said.contains("  ok       SQLite's integrity check finds the file whole"),
            "kill at {at} log bytes: {said}{}",
            text(&out.stderr)
        );
        let patients = count(&db, "SELECT count(*) FROM patient");
        let audited = count(
            &db,
            "SELECT count(*) FROM audit_event WHERE detail LIKE 'imported from the FHIR bundle%'",
        );
        assert!(
            (patients, audited) == (0, 0) || (patients, audited) == (all, 1),
            "kill at {at} log bytes: {patients} patients, {audited} import rows"
        );
        // Reopened by tend, it takes the import again or says it is there.
        let again = tend(&db, &["import", "fhir", bundle.to_str().unwrap()]);
        assert_eq!(
            again.status.success(),
            patients == 0,
            "{}",
            text(&again.stderr)
        );
        assert_eq!(count(&db, "SELECT count(*) FROM patient"), all);
    }
    assert!(
        landed >= 4,
        "only {landed} of 8 kills landed during the import"
    );
}

/// Issue 13, item 4, as it was met: a change killed half-way under a
/// rollback journal (here `tend gen`, which still loads that way; an
/// import by an older tend did too) leaves a "hot" journal. `tend check`
/// used to call the file read-only and advise copying it, and a copy
/// without its journal is damaged. Now: someone who cannot write the file
/// is told what happened and that the next tend that can write it rolls it
/// back; the owner's `tend check` rolls it back and says so; and a tend
/// command opening the file says the same.
#[test]
fn an_interrupted_change_is_rolled_back_and_said_never_called_read_only() {
    use std::os::unix::fs::PermissionsExt as _;
    use std::os::unix::process::CommandExt as _;
    const MAGIC: [u8; 8] = [0xd9, 0xd5, 0x05, 0xf9, 0x20, 0xa1, 0x63, 0xd7];
    let hot =
        |db: &Path| std::fs::read(beside(db, "-journal")).is_ok_and(|j| j.starts_with(&MAGIC));
    let dir = tempfile::tempdir().unwrap();
    std::fs::set_permissions(dir.path(), std::fs::Permissions::from_mode(0o755)).unwrap();
    let mut interrupted = Vec::new();
    for name in ["others.db", "mine.db", "command.db"] {
        let db = dir.path().join(name);
        // 4,000 patients are more than the 16 MiB page cache holds, so
        // SQLite writes into the database file before the load commits:
        // from then until the commit, the journal is hot.
        let mut child = spawn_tend(&db, &["gen", "--patients", "4000"]);
        assert!(
            kill_when(&mut child, || hot(&db) && size(&db) > 1 << 20),
            "tend gen ended before it could be killed with a hot journal"
        );
        assert!(hot(&db));
        interrupted.push(db);
    }

    // Someone who may read the file but not write it.
    let db = &interrupted[0];
    for file in [db.clone(), beside(db, "-journal")] {
        std::fs::set_permissions(&file, std::fs::Permissions::from_mode(0o644)).unwrap();
    }
    let mut command = Command::new(env!("CARGO_BIN_EXE_tend"));
    command
        .args(["--db", db.to_str().unwrap(), "check"])
        .env_clear()
        .env("HOME", dir.path())
        .env("TEND_NOW", NOW);
    if unsafe { libc::geteuid() } == 0 {
        // As themselves: no config of theirs names anyone.
        command.uid(65534).gid(65534).env("HOME", "/nonexistent");
    } else {
        std::fs::set_permissions(db, std::fs::Permissions::from_mode(0o444)).unwrap();
    }
    let before = std::fs::read(db).unwrap();
    let out = command.output().unwrap();
    let said = text(&out.stderr);
    assert_eq!(out.status.code(), Some(1), "{said}");
    assert_eq!(
        said,
        format!(
            "tend: {0}: a change to it (an import, or a generated caseload) was interrupted, and \
             its journal {0}-journal holds what undoes it; the next tend that can write the file \
             and its folder rolls it back, keeping nothing of the interrupted change: run `tend \
             check` as someone who can (the file's owner), and until then leave the file and its \
             journal where they are\n",
            db.display()
        )
    );
    assert!(
        !said.contains("read-only") && !said.contains("copy"),
        "{said}"
    );
    assert_eq!(std::fs::read(db).unwrap(), before, "nothing changed");
    assert!(hot(db));
    std::fs::set_permissions(db, std::fs::Permissions::from_mode(0o600)).unwrap();

    // The owner's check rolls it back, says so, and finds the file whole:
    // the generated caseload is not there at all.
    for db in &interrupted[..2] {
        let out = tend(db, &["check"]);
        let said = text(&out.stdout);
        assert!(out.status.success(), "{said}{}", text(&out.stderr));
        assert!(
            said.contains(
                "  note     a change to it (an import, or a generated caseload) had been \
                 interrupted, and was rolled back: nothing of that change is kept, the rest is as \
                 it was\n"
            ) && said.contains("  ok       SQLite's integrity check finds the file whole\n"),
            "{said}"
        );
        assert!(!hot(db));
        assert_eq!(count(db, "SELECT count(*) FROM patient"), 0);
        assert_eq!(count(db, "SELECT count(*) FROM audit_event"), 0);
    }

    // Any tend command that opens the file rolls it back too, and says so.
    let db = &interrupted[2];
    let out = tend(db, &["export", "csv", "caseload"]);
    assert!(out.status.success(), "{}", text(&out.stderr));
    assert_eq!(
        text(&out.stderr),
        format!(
            "tend: {}: a change to it (an import, or a generated caseload) had been interrupted, \
             and was rolled back: nothing of that change is kept, the rest is as it was\n",
            db.display()
        )
    );
    assert!(!hot(db));
    let report = tend::store::check_file(db).unwrap();
    assert!(report.is_healthy() && !report.rolled_back, "{report:?}");
}

/// Issue 13, item 3: `tend backup` killed when its copy has reached a
/// random number of bytes. Nothing ever appears at the backup's name
/// unless it is whole and audited; what a kill leaves under the temporary
/// name is removed by the next `tend check` (odd attempts) or the next
/// `tend backup` (even ones).
#[test]
fn a_backup_killed_at_random_byte_counts_leaves_nothing_at_its_name() {
    let dir = tempfile::tempdir().unwrap();
    let db = generated(dir.path(), 1000);
    let backups = dir.path().join("backups");
    std::fs::create_dir(&backups).unwrap();
    let full = size(&db);
    let mut next = kill_points(3);
    let mut landed = 0;
    let mut cleaned_by = (0, 0);
    for attempt in 0..10 {
        let target = backups.join(format!("nightly-{attempt}.db"));
        let at = next(full);
        let mut child = spawn_tend(&db, &["backup", target.to_str().unwrap()]);
        let temp = backups.join(format!(".nightly-{attempt}.db.tend-partial-{}", child.id()));
        let killed = kill_when(&mut child, || size(&temp) >= at);
        let audited = count(
            &db,
            &format!(
                "SELECT count(*) FROM audit_event WHERE detail = 'backup: 1000 patients, to {}'",
                target.display()
            ),
        );
        if target.exists() {
            // Killed after the copy got its name (or not killed at all):
            // then it is whole, and audited.
            let report = tend::store::check_file(&target).unwrap();
            assert!(report.is_healthy(), "kill at {at} bytes: {report:?}");
            assert_eq!(count(&target, "SELECT count(*) FROM patient"), 1000);
            assert_eq!(
                audited, 1,
                "kill at {at} bytes: a copy without its audit row"
            );
            continue;
        }
        assert!(
            killed,
            "kill at {at} bytes: the backup ended without making {target:?}"
        );
        landed += 1;
        let left: Vec<PathBuf> = std::fs::read_dir(&backups)
            .unwrap()
            .map(|e| e.unwrap().path())
            .collect();
        assert!(
            left.iter()
                .all(|p| p.to_str().unwrap().starts_with(temp.to_str().unwrap())),
            "kill at {at} bytes: only the temporary copy is left: {left:?}"
        );
        assert!(
            !left.is_empty() || size(&temp) == 0,
            "kill at {at} bytes: {left:?}"
        );
        if left.is_empty() {
            continue;
        }
        let said = if attempt % 2 == 1 {
            let out = tend(&db, &["check"]);
            assert!(out.status.success(), "{}", text(&out.stdout));
            cleaned_by.0 += 1;
            text(&out.stdout)
        } else {
            let other = backups.join(format!("other-{attempt}.db"));
            let out = tend(&db, &["backup", other.to_str().unwrap()]);
            assert!(out.status.success(), "{}", text(&out.stderr));
            assert!(other.exists());
            std::fs::remove_file(&other).unwrap();
            cleaned_by.1 += 1;
            text(&out.stderr)
        };
        assert!(
            said.contains(&format!(
                "removed {}, the unfinished copy of a backup that was interrupted\n",
                temp.display()
            )),
            "kill at {at} bytes: {said}"
        );
        assert_eq!(
            std::fs::read_dir(&backups).unwrap().count(),
            0,
            "kill at {at} bytes: the leftovers are gone"
        );
    }
    eprintln!(
        "{landed} of 10 kills landed during the copy; cleaned by check, backup: {cleaned_by:?}"
    );
    assert!(
        landed >= 5 && cleaned_by.0 > 0 && cleaned_by.1 > 0,
        "only {landed} of 10 kills landed during the copy ({cleaned_by:?} cleaned by check, backup)"
    );
}

/// What looks like a killed backup's leftover is removed only when it
/// provably is one: the process its name gives is gone and nobody holds its
/// lock. Another backup at work keeps its file.
#[test]
fn a_temporary_copy_someone_still_works_on_is_left_alone() {
    use std::os::unix::io::AsRawFd as _;
    let dir = tempfile::tempdir().unwrap();
    let db = generated(dir.path(), 5);
    // A live process: its file stays.
    let mut alive = Command::new("sleep").arg("60").spawn().unwrap();
    let live = dir
        .path()
        .join(format!(".copy.db.tend-partial-{}", alive.id()));
    std::fs::write(&live, "pages").unwrap();
    // A dead process whose file someone holds locked (a process of the same
    // number in another namespace, say): it stays too, while locked.
    let mut gone = Command::new("true").spawn().unwrap();
    let gone_pid = gone.id();
    gone.wait().unwrap();
    let locked = dir
        .path()
        .join(format!(".other.db.tend-partial-{gone_pid}"));
    std::fs::write(&locked, "pages").unwrap();
    let holder = std::fs::File::open(&locked).unwrap();
    assert_eq!(unsafe { libc::flock(holder.as_raw_fd(), libc::LOCK_EX) }, 0);

    let out = tend(&db, &["check"]);
    assert!(out.status.success(), "{}", text(&out.stdout));
    assert!(
        !text(&out.stdout).contains("removed"),
        "{}",
        text(&out.stdout)
    );
    assert!(live.exists() && locked.exists());

    drop(holder);
    let out = tend(&db, &["check"]);
    assert!(
        text(&out.stdout).contains(&format!("  note     removed {}, ", locked.display())),
        "{}",
        text(&out.stdout)
    );
    assert!(!locked.exists() && live.exists());
    alive.kill().unwrap();
    alive.wait().unwrap();
    let out = tend(&db, &["check"]);
    assert!(
        text(&out.stdout).contains(&format!("  note     removed {}, ", live.display())),
        "{}",
        text(&out.stdout)
    );
    assert!(!live.exists());
}

/// Issue 13, item 5, as it was met: 64 bytes flipped inside one note's
/// text, in the database file itself. SQLite's integrity check cannot see
/// it (the page is whole; only what the text says is wrong). Now `tend
/// check` names the record, `tend backup` says the copy holds it, the
/// timeline shows the note marked damaged instead of losing it, and `tend
/// export fhir` names it and stops, or leaves it out (with its addendum)
/// as asked.
#[test]
fn a_note_damaged_on_the_disk_is_named_shown_and_exported_as_asked() {
    let dir = tempfile::tempdir().unwrap();
    let db = generated(dir.path(), 20);
    let member: String = Connection::open(&db)
        .unwrap()
        .query_row("SELECT member_id FROM patient WHERE id = 1", [], |r| {
            r.get(0)
        })
        .unwrap();
    // A phrase that is in the note's text only (the search index keeps
    // words, not phrases).
    let phrase = "the housing voucher interview moved to Thursday at ten; she will bring \
                  her ID and the landlord's letter";
    let (note, addendum) = {
        let mut store = common::open(&db, "ccuser");
        let note = store
            .write(|tx| {
                let author = tx.practitioner("ccuser", "ccuser")?;
                let id = tx.insert_communication(&tend::store::NewCommunication {
                    patient_id: 1,
                    author_id: Some(author),
                    sent_at: chrono::DateTime::parse_from_rfc3339("2026-11-24T13:30:00Z")
                        .unwrap()
                        .into(),
                    medium: "phone".into(),
                    direction: "outbound".into(),
                    recipient: "patient".into(),
                    outcome: "reached".into(),
                    reached: true,
                    duration_minutes: Some(12),
                    body: format!("Called. Told her {phrase}. Follow up Friday."),
                })?;
                tx.audit(
                    tend::store::AuditAction::Create,
                    "Communication",
                    Some(id),
                    Some(1),
                    None,
                )?;
                Ok(id)
            })
            .unwrap();
        let addendum = store
            .add_addendum(note, "Correction: the interview is at eleven.")
            .unwrap();
        (note, addendum)
        // The store is closed here: its log is copied into the file.
    };
    assert!(!beside(&db, "-wal").exists());
    let mut bytes = std::fs::read(&db).unwrap();
    let found: Vec<usize> = bytes
        .windows(phrase.len())
        .enumerate()
        .filter(|(_, w)| *w == phrase.as_bytes())
        .map(|(at, _)| at)
        .collect();
    assert_eq!(found.len(), 1, "the phrase is in the file once");
    for byte in &mut bytes[found[0] + 10..found[0] + 74] {
        *byte ^= 0x80;
    }
    assert!(std::str::from_utf8(&bytes[found[0]..found[0] + phrase.len()]).is_err());
    std::fs::write(&db, &bytes).unwrap();
    let named = format!("communication row {note} (body; patient {member})");

    // tend check: the file is whole to SQLite, and the text is damaged.
    let out = tend(&db, &["check"]);
    let said = text(&out.stdout);
    assert_eq!(out.status.code(), Some(1), "{said}");
    assert!(
        said.contains("  ok       SQLite's integrity check finds the file whole\n"),
        "{said}"
    );
    assert!(
        said.contains(&format!(
            "  PROBLEM  damaged text (bytes that are not UTF-8) in 1 record: {named}; tend shows \
             such text marked as damaged, and `tend export fhir` stops at it (or leaves it out, \
             with --skip-damaged): restore it from a backup made before the damage\n"
        )),
        "{said}"
    );
    assert!(!said.contains("landlord"), "no text of the note: {said}");

    // tend backup: the copy is made and kept, and the damage is said.
    let copy = dir.path().join("copy.db");
    let out = tend(&db, &["backup", copy.to_str().unwrap()]);
    assert_eq!(out.status.code(), Some(1));
    assert_eq!(
        text(&out.stderr),
        format!(
            "tend: the copy holds damaged text (bytes that are not UTF-8) in 1 record: {named}, \
             as the database does; run `tend check`\n"
        )
    );
    assert!(copy.exists());

    // The timeline shows it, marked, with what can be read; the rest whole.
    let store = common::open(&db, "ccuser");
    let timeline = store.timeline(1, 100).unwrap();
    let shown = timeline
        .iter()
        .find(|n| n.id == note)
        .expect("the note is shown");
    assert!(shown.damaged);
    assert!(
        shown.body.starts_with(tend::store::DAMAGED_NOTE),
        "{}",
        shown.body
    );
    assert!(
        shown.body.contains("Called. Told her the housin\u{fffd}"),
        "{}",
        shown.body
    );
    assert!(shown.body.contains("Follow up Friday."), "{}", shown.body);
    assert!(timeline.iter().filter(|n| n.id != note).all(|n| !n.damaged));
    assert!(timeline.iter().any(|n| n.id == addendum));
    // A search whose words the damaged note holds finds it, marked, rather
    // than failing whole.
    let hits = store.search_notes("Friday", 50).unwrap();
    let hit = hits.iter().find(|h| h.note_id == note).expect("found");
    assert!(hit.line.ends_with("Follow up Friday."), "{}", hit.line);
    drop(store);

    // tend export fhir: stops, naming the record, and leaves no half file.
    let bundle = dir.path().join("bundle.json");
    const EVERYONE: [&str; 2] = ["--reason", "a test of damaged records"];
    let out = tend(
        &db,
        &[
            &["export", "fhir", "--out", bundle.to_str().unwrap()][..],
            &EVERYONE,
        ]
        .concat(),
    );
    assert_eq!(out.status.code(), Some(1));
    assert_eq!(
        text(&out.stderr),
        format!(
            "tend: cannot export Communication/com-{note} (patient {member}): its text is damaged \
             (bytes that are not UTF-8); the export stopped there: `tend check` names every \
             damaged record, and --skip-damaged exports the rest, leaving such records out ({} \
             was removed: it held an unfinished bundle)\n",
            bundle.display()
        )
    );
    assert!(!bundle.exists());

    // With --skip-damaged: the rest, and the note's addendum left out
    // with it; the bundle reads back whole into another database.
    let out = tend(
        &db,
        &[
            "export",
            "fhir",
            "--out",
            bundle.to_str().unwrap(),
            "--skip-damaged",
            EVERYONE[0],
            EVERYONE[1],
        ],
    );
    assert!(out.status.success(), "{}", text(&out.stderr));
    let said = text(&out.stderr);
    assert!(
        said.starts_with(&format!(
            "tend: left out Communication/com-{note} (patient {member}): its text is damaged \
             (bytes that are not UTF-8)\n\
             tend: left out Communication/com-{addendum} (patient {member}): left out with \
             Communication/com-{note}, which is damaged\n\
             Wrote "
        )),
        "{said}"
    );
    let json = std::fs::read_to_string(&bundle).unwrap();
    assert!(
        !json.contains(&format!("com-{note}\"")) && !json.contains(&format!("com-{addendum}\""))
    );
    let notes = count(
        &db,
        "SELECT count(*) FROM communication WHERE status = 'completed'",
    );
    let restored = dir.path().join("restored.db");
    let out = tend(&restored, &["import", "fhir", bundle.to_str().unwrap()]);
    assert!(out.status.success(), "{}", text(&out.stderr));
    assert_eq!(
        count(&restored, "SELECT count(*) FROM communication"),
        notes - 2
    );
    assert_eq!(
        count(&restored, "SELECT count(*) FROM patient"),
        count(&db, "SELECT count(*) FROM patient")
    );
}

/// A damaged goal and a damaged coordinator, exported with
/// `--skip-damaged`: each is left out and named, with what cannot go
/// without the goal (its progress entries, the intervention serving it);
/// references to the coordinator are left out of the records that keep
/// them; and the bundle reads back into another database.
#[test]
fn an_export_leaving_out_damaged_records_leaves_no_reference_to_them() {
    use tend::fhir::export::{export, export_with, ExportError, Scope};
    let dir = tempfile::tempdir().unwrap();
    let db = generated(dir.path(), 20);
    let conn = Connection::open(&db).unwrap();
    let (goal, patient): (i64, i64) = conn
        .query_row(
            "SELECT g.id, g.patient_id FROM goal g
              WHERE (SELECT count(*) FROM goal_progress WHERE goal_id = g.id) >= 2
              ORDER BY g.id LIMIT 1",
            [],
            |r| Ok((r.get(0)?, r.get(1)?)),
        )
        .unwrap();
    let task: i64 = conn
        .query_row(
            "SELECT id FROM task WHERE patient_id = ?1 ORDER BY id LIMIT 1",
            [patient],
            |r| r.get(0),
        )
        .unwrap();
    let progress: Vec<i64> = conn
        .prepare("SELECT id FROM goal_progress WHERE goal_id = ?1 ORDER BY id")
        .unwrap()
        .query_map([goal], |r| r.get(0))
        .unwrap()
        .collect::<Result<_, _>>()
        .unwrap();
    conn.execute("UPDATE task SET goal_id = ?1 WHERE id = ?2", [goal, task])
        .unwrap();
    let signed_by_first: Vec<i64> = conn
        .prepare("SELECT id FROM screening WHERE signed_by = 1 ORDER BY id")
        .unwrap()
        .query_map([], |r| r.get(0))
        .unwrap()
        .collect::<Result<_, _>>()
        .unwrap();
    // Text whose bytes are not UTF-8, as damage on the disk leaves it.
    conn.execute(
        "UPDATE goal SET description = CAST(x'57616c6bff20646169' AS TEXT) WHERE id = ?1",
        [goal],
    )
    .unwrap();
    conn.execute(
        "UPDATE practitioner SET display_name = CAST(x'4d61ff' AS TEXT) WHERE id = 1",
        [],
    )
    .unwrap();
    drop(conn);

    let mut store = common::open(&db, "ccuser");
    let Err(ExportError::Damaged(first)) = export(&mut store, Scope::All, Vec::new()) else {
        panic!("the export did not stop at the damaged coordinator");
    };
    assert_eq!(
        first.to_string(),
        "Practitioner/pr-1: its text is damaged (bytes that are not UTF-8)"
    );

    let mut bundle = Vec::new();
    let report = export_with(&mut store, Scope::All, &mut bundle, true).unwrap();
    let left: Vec<&str> = report.skipped.iter().map(|r| r.resource.as_str()).collect();
    let mut expected = vec!["Practitioner/pr-1".to_string(), format!("Goal/g-{goal}")];
    expected.extend(progress.iter().map(|id| format!("Observation/gp-{id}")));
    expected.push(format!("Task/t-{task}"));
    let with_goal = expected.len();
    // The screenings the damaged coordinator signed go with them: tend
    // keeps who signed each one, and a response names its signer.
    expected.extend(
        signed_by_first
            .iter()
            .map(|id| format!("QuestionnaireResponse/qr-{id}")),
    );
    assert_eq!(left, expected);
    assert!(report.skipped[2..with_goal]
        .iter()
        .all(|r| r.why == format!("left out with Goal/g-{goal}, which is damaged")));
    let json = String::from_utf8(bundle).unwrap();
    for gone in &expected {
        assert!(
            !json.contains(&format!("\"{gone}\"")),
            "{gone} is still referred to"
        );
    }
    let file = dir.path().join("bundle.json");
    std::fs::write(&file, json).unwrap();
    let mut restored = common::open(&dir.path().join("restored.db"), "ccuser");
    let imported = tend::fhir::import::import_file(&mut restored, &file).unwrap();
    assert_eq!(imported.patients, 20);
}
