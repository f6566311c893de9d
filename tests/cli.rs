//! The command line without a screen: `tend gen`, and the one clear sentence
//! each kind of bad input gets. Runs the built binary.

use std::os::unix::fs::PermissionsExt;
use std::os::unix::process::CommandExt;
use std::path::{Path, PathBuf};
use std::process::{Command, Output, Stdio};

const NOW: &str = "2026-11-24T09:00:00-05:00";

/// A private home for one test: config, data and state folders inside it.
struct Sandbox {
    dir: tempfile::TempDir,
}

impl Sandbox {
    fn new() -> Sandbox {
        let dir = tempfile::tempdir().unwrap();
        std::fs::set_permissions(dir.path(), std::fs::Permissions::from_mode(0o755)).unwrap();
        Sandbox { dir }
    }

    fn path(&self, name: &str) -> PathBuf {
        self.dir.path().join(name)
    }

    fn command(&self) -> Command {
        let mut command = Command::new(env!("CARGO_BIN_EXE_tend"));
        command
            .env_clear()
            .env("PATH", std::env::var_os("PATH").unwrap_or_default())
            .env("HOME", self.dir.path())
            .env("USER", "ccuser")
            .env("TEND_NOW", NOW)
            .stdin(Stdio::null());
        command
    }

    fn run(&self, args: &[&str]) -> Output {
        self.command().args(args).output().unwrap()
    }

    fn gen(&self, name: &str, patients: usize) -> PathBuf {
        let path = self.path(name);
        let out = self.run(&[
            "gen",
            "--db",
            path.to_str().unwrap(),
            "--patients",
            &patients.to_string(),
        ]);
        assert!(out.status.success(), "{}", stderr(&out));
        path
    }
}

fn stderr(out: &Output) -> String {
    String::from_utf8_lossy(&out.stderr).into_owned()
}

fn stdout(out: &Output) -> String {
    String::from_utf8_lossy(&out.stdout).into_owned()
}

/// One line, starting "tend: ", with no backtrace or debug dump.
fn assert_one_clear_line(out: &Output) -> String {
    assert!(!out.status.success());
    let text = stderr(out);
    assert_eq!(text.lines().count(), 1, "one line: {text}");
    assert!(text.starts_with("tend: "), "{text}");
    for noise in [
        "panicked",
        "backtrace",
        "Error {",
        "RUST_BACKTRACE",
        "Location:",
    ] {
        assert!(!text.contains(noise), "{text}");
    }
    text
}

#[test]
fn gen_writes_a_caseload_and_reports_what_it_wrote() {
    let sandbox = Sandbox::new();
    let path = sandbox.path("kept.db");
    let out = sandbox.run(&["gen", "--db", path.to_str().unwrap(), "--patients", "120"]);
    assert!(out.status.success(), "{}", stderr(&out));
    let text = stdout(&out);
    assert!(
        text.starts_with("Wrote 120 patients for 2 coordinators (60 of them yours, as ccuser)"),
        "{text}"
    );
    assert!(text.contains(path.to_str().unwrap()), "{text}");
    assert!(path.exists());
}

#[test]
fn gen_refuses_a_database_that_already_holds_patients() {
    let sandbox = Sandbox::new();
    let path = sandbox.gen("kept.db", 30);
    let before = std::fs::read(&path).unwrap();
    let out = sandbox.run(&["gen", "--db", path.to_str().unwrap()]);
    let text = assert_one_clear_line(&out);
    assert!(text.contains("already holds 30 patients"), "{text}");
    assert_eq!(std::fs::read(&path).unwrap(), before, "nothing changed");
}

#[test]
fn gen_needs_to_be_told_where_to_write() {
    let sandbox = Sandbox::new();
    let text = assert_one_clear_line(&sandbox.run(&["gen"]));
    assert!(text.contains("--db PATH"), "{text}");
}

#[test]
fn tend_db_chooses_the_database_like_db_does() {
    let sandbox = Sandbox::new();
    let path = sandbox.path("from-env.db");
    let out = sandbox
        .command()
        .env("TEND_DB", &path)
        .args(["gen", "--patients", "10"])
        .output()
        .unwrap();
    assert!(out.status.success(), "{}", stderr(&out));
    assert!(path.exists());
}

#[test]
fn a_missing_database_is_named_and_not_created() {
    let sandbox = Sandbox::new();
    let path = sandbox.path("typo.db");
    let text = assert_one_clear_line(&sandbox.run(&["--db", path.to_str().unwrap()]));
    assert!(text.contains(path.to_str().unwrap()), "{text}");
    assert!(text.contains("no tend database"), "{text}");
    assert!(!path.exists());
}

#[test]
fn a_corrupt_database_is_named_and_left_as_it_was() {
    let sandbox = Sandbox::new();
    let path = sandbox.path("corrupt.db");
    let garbage = b"this is not an SQLite database, just some text that was saved here".repeat(64);
    std::fs::write(&path, &garbage).unwrap();
    let text = assert_one_clear_line(&sandbox.run(&["--db", path.to_str().unwrap()]));
    assert!(text.contains(path.to_str().unwrap()), "{text}");
    assert!(text.contains("not a tend database"), "{text}");
    assert_eq!(std::fs::read(&path).unwrap(), garbage);
}

#[test]
fn a_database_from_a_newer_tend_is_refused_unchanged() {
    let sandbox = Sandbox::new();
    let path = sandbox.gen("newer.db", 5);
    {
        let conn = rusqlite::Connection::open(&path).unwrap();
        conn.execute_batch("PRAGMA user_version = 99;").unwrap();
    }
    let before = std::fs::read(&path).unwrap();
    let text = assert_one_clear_line(&sandbox.run(&["--db", path.to_str().unwrap()]));
    assert!(text.contains("newer tend (schema version 99"), "{text}");
    assert_eq!(std::fs::read(&path).unwrap(), before);
}

#[test]
fn a_read_only_database_is_refused_with_what_to_do() {
    let sandbox = Sandbox::new();
    let path = sandbox.gen("ro.db", 5);
    std::fs::set_permissions(&path, std::fs::Permissions::from_mode(0o444)).unwrap();
    let before = std::fs::read(&path).unwrap();
    let mut command = sandbox.command();
    command.args(["--db", path.to_str().unwrap()]);
    // File modes do not bind root: run as an ordinary user when we are root.
    if unsafe { libc::geteuid() } == 0 {
        command.uid(65534).gid(65534);
    }
    let text = assert_one_clear_line(&command.output().unwrap());
    assert!(text.contains("is read-only"), "{text}");
    assert!(text.contains("chmod"), "{text}");
    assert_eq!(std::fs::read(&path).unwrap(), before);
}

#[test]
fn a_locked_database_is_refused_with_what_to_do() {
    let sandbox = Sandbox::new();
    let path = sandbox.gen("locked.db", 5);
    let holder = rusqlite::Connection::open(&path).unwrap();
    holder.execute_batch("BEGIN EXCLUSIVE;").unwrap();
    let text = assert_one_clear_line(&sandbox.run(&["--db", path.to_str().unwrap()]));
    assert!(text.contains("locked by another program"), "{text}");
    holder.execute_batch("ROLLBACK;").unwrap();
}

#[test]
fn the_screen_without_a_terminal_says_so() {
    let sandbox = Sandbox::new();
    let path = sandbox.gen("ok.db", 5);
    let text = assert_one_clear_line(&sandbox.run(&["--db", path.to_str().unwrap()]));
    assert!(text.contains("needs a terminal"), "{text}");
    let text = assert_one_clear_line(&sandbox.run(&["demo"]));
    assert!(text.contains("needs a terminal"), "{text}");
}

#[test]
fn a_config_with_a_wrong_type_names_file_line_and_key_and_tend_does_not_start() {
    let sandbox = Sandbox::new();
    let config = sandbox.path("config.toml");
    std::fs::write(
        &config,
        "user = \"ccuser\"\ntheme = \"mono\"\nupcoming_days = \"soon\"\n",
    )
    .unwrap();
    let db = sandbox.path("never.db");
    let out = sandbox.run(&[
        "--config",
        config.to_str().unwrap(),
        "gen",
        "--db",
        db.to_str().unwrap(),
    ]);
    let text = assert_one_clear_line(&out);
    assert!(
        text.contains(&format!(
            "{}, line 3, key `upcoming_days`",
            config.display()
        )),
        "{text}"
    );
    assert!(!db.exists(), "nothing was written with half a config");
}

#[test]
fn the_default_config_in_the_users_config_folder_is_read() {
    let sandbox = Sandbox::new();
    let folder = sandbox.path(".config/tend");
    std::fs::create_dir_all(&folder).unwrap();
    std::fs::write(folder.join("config.toml"), "user = \"cc-from-config\"\n").unwrap();
    let db = sandbox.path("mine.db");
    let out = sandbox.run(&["gen", "--db", db.to_str().unwrap(), "--patients", "5"]);
    assert!(out.status.success(), "{}", stderr(&out));
    assert!(
        stdout(&out).contains("as cc-from-config"),
        "{}",
        stdout(&out)
    );

    std::fs::write(folder.join("config.toml"), "[keys]\nquit = 5\n").unwrap();
    let text = assert_one_clear_line(&sandbox.run(&["gen", "--db", "/nonexistent/x.db"]));
    assert!(
        text.contains("config.toml, line 2, key `keys.quit`"),
        "{text}"
    );
}

#[test]
fn an_unreadable_config_is_named() {
    let sandbox = Sandbox::new();
    let missing = sandbox.path("nope.toml");
    let text = assert_one_clear_line(&sandbox.run(&["--config", missing.to_str().unwrap(), "gen"]));
    assert!(text.contains("cannot read the config file"), "{text}");
    assert!(text.contains(missing.to_str().unwrap()), "{text}");
}

#[test]
fn a_bad_tend_now_is_explained() {
    let sandbox = Sandbox::new();
    let out = sandbox
        .command()
        .env("TEND_NOW", "next tuesday")
        .arg("gen")
        .output()
        .unwrap();
    let text = assert_one_clear_line(&out);
    assert!(text.contains("RFC 3339"), "{text}");
}

#[test]
fn the_default_database_lives_in_the_users_data_folder() {
    // Without a terminal the screen does not open, but the default database
    // is created first, privately, where the README says.
    let sandbox = Sandbox::new();
    let out = sandbox.run(&[]);
    let text = assert_one_clear_line(&out);
    assert!(text.contains("needs a terminal"), "{text}");
    let db = sandbox.path(".local/share/tend/tend.db");
    assert!(db.exists(), "created at {}", db.display());
    let mode = |p: &Path| std::fs::metadata(p).unwrap().permissions().mode() & 0o777;
    assert_eq!(mode(&db), 0o600);
    assert_eq!(mode(db.parent().unwrap()), 0o700);
}

#[test]
fn today_prints_the_day_as_text_and_as_json() {
    let sandbox = Sandbox::new();
    let db = sandbox.gen("day.db", 120);
    let out = sandbox.run(&["--db", db.to_str().unwrap(), "today"]);
    assert!(out.status.success(), "{}", stderr(&out));
    let text = stdout(&out);
    let first = text.lines().next().unwrap();
    assert!(
        first.starts_with("Today for ccuser, Tue 2026-11-24: "),
        "{first}"
    );
    assert!(text.contains("\nOverdue and due today\n"), "{text}");
    assert!(text.contains("\nUpcoming\n"), "{text}");

    let out = sandbox.run(&["--db", db.to_str().unwrap(), "today", "--json"]);
    assert!(out.status.success(), "{}", stderr(&out));
    let json: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(json["who"], "ccuser");
    assert_eq!(json["date"], "2026-11-24");
    let tasks = json["tasks"].as_array().unwrap();
    let counted = json["overdue"].as_u64().unwrap()
        + json["today"].as_u64().unwrap()
        + json["upcoming"].as_u64().unwrap();
    assert_eq!(tasks.len() as u64, counted);
    assert!(tasks.iter().all(|t| t["owner"] == "ccuser"));
    // Same order as the screen: due tasks by falling urgency, then upcoming by date.
    let due: Vec<f64> = tasks
        .iter()
        .filter(|t| t["section"] != "upcoming")
        .map(|t| t["urgency"].as_f64().unwrap())
        .collect();
    assert!(due.windows(2).all(|w| w[0] >= w[1]), "{due:?}");
    let upcoming: Vec<&str> = tasks
        .iter()
        .filter(|t| t["section"] == "upcoming")
        .map(|t| t["due_on"].as_str().unwrap())
        .collect();
    assert!(upcoming.windows(2).all(|w| w[0] <= w[1]));
    // The same count of lines in the text.
    let text_lines = text.lines().filter(|l| l.starts_with("  ")).count();
    assert_eq!(text_lines, tasks.len());

    // Each task names its patient as every other command does, by member ID
    // (checked against the database), in the JSON and in the text.
    let conn = rusqlite::Connection::open(&db).unwrap();
    for task in tasks {
        let member_id = task["patient"]["member_id"].as_str().unwrap();
        let stored: String = conn
            .query_row(
                "SELECT member_id FROM patient WHERE id = ?1",
                [task["patient"]["id"].as_i64().unwrap()],
                |r| r.get(0),
            )
            .unwrap();
        assert_eq!(member_id, stored);
        assert!(
            text.lines()
                .any(|l| l.contains(member_id)
                    && l.contains(task["patient"]["name"].as_str().unwrap())),
            "{member_id} in the text"
        );
    }
    // So a script goes from today's list to the patient's care plan.
    let first = tasks[0]["patient"]["member_id"].as_str().unwrap();
    let out = sandbox.run(&["--db", db.to_str().unwrap(), "export", "careplan", first]);
    assert!(out.status.success(), "{}", stderr(&out));
}

#[test]
fn today_for_another_coordinator_or_the_team() {
    let sandbox = Sandbox::new();
    let db = sandbox.gen("day.db", 120);
    let db = db.to_str().unwrap();
    let out = sandbox.run(&["--db", db, "today", "--user", "cc0001", "--json"]);
    assert!(out.status.success(), "{}", stderr(&out));
    let json: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(json["who"], "cc0001");
    assert!(json["tasks"]
        .as_array()
        .unwrap()
        .iter()
        .all(|t| t["owner"] == "cc0001"));

    let out = sandbox.run(&["--db", db, "today", "--all", "--json"]);
    let json: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    let owners: std::collections::BTreeSet<&str> = json["tasks"]
        .as_array()
        .unwrap()
        .iter()
        .map(|t| t["owner"].as_str().unwrap())
        .collect();
    assert_eq!(owners.into_iter().collect::<Vec<_>>(), ["cc0001", "ccuser"]);

    let text = assert_one_clear_line(&sandbox.run(&["--db", db, "today", "--user", "nobody"]));
    assert!(
        text.contains("there is no coordinator named \"nobody\""),
        "{text}"
    );
}

#[test]
fn search_prints_patient_date_and_the_matching_line() {
    let sandbox = Sandbox::new();
    let db = sandbox.gen("notes.db", 60);
    let db = db.to_str().unwrap();
    let out = sandbox.run(&["--db", db, "search", "voicemail"]);
    assert!(out.status.success(), "{}", stderr(&out));
    let text = stdout(&out);
    let first = text.lines().next().unwrap();
    assert!(
        chrono::NaiveDate::parse_from_str(&first[..10], "%Y-%m-%d").is_ok(),
        "a date first: {first}"
    );
    assert!(
        first.ends_with("Left voicemail with call-back number."),
        "{first}"
    );
    let out = sandbox.run(&["--db", db, "search", "zzzz"]);
    assert_eq!(stdout(&out), "No signed note holds zzzz.\n");
    let out = sandbox.run(&["--db", db, "search"]);
    assert!(!out.status.success(), "words are required");
}

#[test]
fn export_careplan_writes_markdown_readable_by_its_owner_and_is_audited() {
    let sandbox = Sandbox::new();
    let db = sandbox.gen("plan.db", 30);
    let db = db.to_str().unwrap();
    let out = sandbox.run(&["--db", db, "export", "careplan", "SYN0000001"]);
    assert!(out.status.success(), "{}", stderr(&out));
    let text = stdout(&out);
    assert!(text.starts_with("# Care plan: "), "{text}");
    assert!(text.contains("Member SYN0000001"), "{text}");
    for section in [
        "## To know first",
        "## Needs and goals",
        "## Medications",
        "## Care team",
    ] {
        assert!(text.contains(section), "{section}: {text}");
    }

    let file = sandbox.path("plan.md");
    let out = sandbox.run(&[
        "--db",
        db,
        "export",
        "careplan",
        "SYN0000001",
        "--out",
        file.to_str().unwrap(),
    ]);
    assert!(out.status.success(), "{}", stderr(&out));
    assert_eq!(
        stderr(&out),
        format!("Wrote the care plan of SYN0000001 to {}\n", file.display())
    );
    assert_eq!(std::fs::read_to_string(&file).unwrap(), text);
    let mode = std::fs::metadata(&file).unwrap().permissions().mode() & 0o777;
    assert_eq!(
        mode, 0o600,
        "health information is readable by its owner alone"
    );

    let conn = rusqlite::Connection::open(db).unwrap();
    let exports: i64 = conn
        .query_row(
            "SELECT count(*) FROM audit_event WHERE action = 'E' AND entity_type = 'CarePlan'",
            [],
            |r| r.get(0),
        )
        .unwrap();
    assert_eq!(exports, 2);

    let text = assert_one_clear_line(&sandbox.run(&["--db", db, "export", "careplan", "NOPE"]));
    assert_eq!(text, "tend: no patient has the member ID \"NOPE\"\n");
}
