//! The command line without a screen: `tend gen`, and the one clear sentence
//! each kind of bad input gets. Runs the built binary.

mod common;

use std::os::unix::fs::PermissionsExt;
use std::os::unix::process::CommandExt;
use std::path::{Path, PathBuf};
use std::process::{Command, Output, Stdio};

use common::{Account, NOW};

/// A private home for one test: config, data and state folders inside it.
struct Sandbox {
    dir: tempfile::TempDir,
}

impl Sandbox {
    fn new() -> Sandbox {
        let dir = tempfile::tempdir().unwrap();
        std::fs::set_permissions(dir.path(), std::fs::Permissions::from_mode(0o755)).unwrap();
        common::home_as_ccuser(dir.path());
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
    // File modes do not bind root: run as an ordinary user when we are root
    // (as themselves: the file is not theirs, so no config names anyone).
    if unsafe { libc::geteuid() } == 0 {
        command.uid(65534).gid(65534).env("HOME", "/nonexistent");
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

/// `tend today --json` carried raw U+009B and U+202E (issue 13): what
/// would drive a terminal or reorder its text is written as a `\u` escape,
/// the same data to a JSON reader, safe to print.
#[test]
fn today_as_json_escapes_what_would_drive_a_terminal() {
    let sandbox = Sandbox::new();
    let db = sandbox.gen("day.db", 30);
    let hostile = "\u{9b}2J \u{202e}dne\u{200b} \u{1b}]52;c;eA==\u{7}\u{2066}";
    {
        let conn = rusqlite::Connection::open(&db).unwrap();
        // As a database written before names were normalised may hold.
        conn.execute(
            "UPDATE patient SET given_name = given_name || ?1",
            [hostile],
        )
        .unwrap();
        conn.execute("UPDATE task SET description = description || ?1", [hostile])
            .unwrap();
    }
    let out = sandbox.run(&["--db", db.to_str().unwrap(), "today", "--json"]);
    assert!(out.status.success(), "{}", stderr(&out));
    let text = stdout(&out);
    for (at, c) in text.char_indices() {
        let forbidden = ((c as u32) < 0x20 && c != '\n')
            || matches!(c as u32, 0x7f..=0x9f | 0x200b..=0x200f | 0x202a..=0x202e | 0x2066..=0x2069);
        assert!(!forbidden, "{c:?} at byte {at}");
    }
    assert!(text.contains(r"\u009b2J \u202edne\u200b \u001b]52;c;eA==\u0007\u2066"));
    // The same data when read.
    let json: serde_json::Value = serde_json::from_str(&text).unwrap();
    let conn = rusqlite::Connection::open(&db).unwrap();
    let tasks = json["tasks"].as_array().unwrap();
    assert!(!tasks.is_empty());
    for task in tasks {
        let (title, given): (String, String) = conn
            .query_row(
                "SELECT t.description, p.given_name FROM task t JOIN patient p
                   ON p.id = t.patient_id WHERE t.id = ?1",
                [task["id"].as_i64().unwrap()],
                |r| Ok((r.get(0)?, r.get(1)?)),
            )
            .unwrap();
        assert_eq!(task["title"], title.as_str());
        assert!(task["patient"]["name"].as_str().unwrap().contains(&given));
        assert!(title.ends_with(hostile));
    }
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
    // Their consent to share on file: the plan may leave tend.
    rusqlite::Connection::open(&db)
        .unwrap()
        .execute_batch(
            "UPDATE patient SET consent_status = 'active', consent_expires_on = NULL
              WHERE member_id = 'SYN0000001'",
        )
        .unwrap();
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

/// Runs `tend ARGS`, reads the first line of its output and closes the
/// pipe, as `| head -1` does; then the exit status and standard error.
fn first_line_then_close(sandbox: &Sandbox, args: &[&str]) -> (String, Output) {
    use std::io::BufRead;
    let mut child = sandbox
        .command()
        .args(args)
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    let mut first = String::new();
    {
        let mut reader = std::io::BufReader::new(child.stdout.take().unwrap());
        reader.read_line(&mut first).unwrap();
        // The reader goes here: the pipe is closed.
    }
    (first, child.wait_with_output().unwrap())
}

/// `tend today --all | head -1` panicked with exit status 101 and a crash
/// report (issue 13): Rust ignores SIGPIPE, so a write to a closed pipe
/// fails, and `println!` panics. Every command that prints ends quietly
/// instead, exit 0. Each output here is more than twice the 64 KiB a pipe
/// holds, so tend is still writing when the pipe closes.
#[test]
fn a_closed_pipe_ends_the_output_quietly() {
    let sandbox = Sandbox::new();
    let db = sandbox.gen("big.db", 3000);
    let db = db.to_str().unwrap();
    for args in [
        &["--db", db, "today", "--all"][..],
        &["--db", db, "today", "--all", "--json"],
        &["--db", db, "export", "csv", "tasks", "--all"],
        &["--db", db, "export", "csv", "caseload", "--all"],
        &["--db", db, "search", "--limit", "100000", "call"],
    ] {
        let whole = sandbox.run(args);
        assert!(whole.status.success(), "{args:?}: {}", stderr(&whole));
        assert!(
            whole.stdout.len() > 2 * 65536,
            "{args:?} writes {} bytes",
            whole.stdout.len()
        );
        let (first, out) = first_line_then_close(&sandbox, args);
        assert_eq!(
            first,
            stdout(&whole).lines().next().unwrap().to_string() + "\n"
        );
        assert_eq!(out.status.code(), Some(0), "{args:?}: {}", stderr(&out));
        assert_eq!(stderr(&out), "", "{args:?}");
    }
    // The FHIR export of 3,000 patients (some 200 MB) is written as it is
    // read: the closed pipe stops it.
    let (first, out) = first_line_then_close(&sandbox, &["--db", db, "export", "fhir"]);
    assert_eq!(first, "{\n");
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    assert_eq!(stderr(&out), "");
    let state = sandbox.path(".local/state/tend");
    let reports: Vec<_> = std::fs::read_dir(&state)
        .map(|d| d.map(|e| e.unwrap().file_name()).collect())
        .unwrap_or_default();
    assert!(reports.is_empty(), "crash reports: {reports:?}");
}

/// A coordinator whose account may not read the database was told there
/// was none and to make a demo one (issue 13). The file exists and cannot
/// be read: tend says so, and by whom it can. Run as a real account made
/// for the test, since root reads every file.
#[test]
fn a_database_this_account_cannot_read_is_named_with_who_can() {
    if unsafe { libc::geteuid() } != 0 {
        eprintln!(
            "skipped: making an account to run tend as needs root, and root reads every file"
        );
        return;
    }
    let account = Account::create();
    let sandbox = Sandbox::new();
    // Made by root: tend.db 0600 in a 0700 folder, as tend makes them.
    let db = sandbox.gen("private/tend.db", 5);
    let folder = db.parent().unwrap();
    assert_eq!(
        std::fs::metadata(folder).unwrap().permissions().mode() & 0o777,
        0o700
    );
    let run_as_account = |args: &[&str]| {
        let mut command = sandbox.command();
        command
            .env("USER", &account.name)
            // A home of its own, with no config naming anyone.
            .env("HOME", "/nonexistent")
            .uid(account.uid)
            .gid(account.gid)
            .args(args);
        command.output().unwrap()
    };
    let path = db.to_str().unwrap();
    let text = assert_one_clear_line(&run_as_account(&["--db", path, "today"]));
    assert_eq!(
        text,
        format!(
            "tend: {path} cannot be reached from this account ({}): the folder {} belongs to root \
             (mode 0700) and does not let this account in; ask root or an administrator to give \
             your account access\n",
            account.name,
            folder.display()
        )
    );
    assert!(!text.contains("no tend database"));

    // The folder open, the file still private: it exists and who can read it.
    std::fs::set_permissions(folder, std::fs::Permissions::from_mode(0o755)).unwrap();
    let text = assert_one_clear_line(&run_as_account(&["--db", path, "today"]));
    assert_eq!(
        text,
        format!(
            "tend: {path} exists but this account ({}) cannot read it: it belongs to root (mode \
             0600); ask root or an administrator to give your account access\n",
            account.name
        )
    );
    // Readable by a group the account is not in: the group is named too.
    std::fs::set_permissions(&db, std::fs::Permissions::from_mode(0o640)).unwrap();
    let text = assert_one_clear_line(&run_as_account(&["--db", path, "import", "fhir", path]));
    assert!(
        text.contains("it belongs to root and the group root (mode 0640)"),
        "{text}"
    );
    // And a file that is not there is still missing, not unreadable.
    let missing = sandbox.path("missing.db");
    let text = assert_one_clear_line(&run_as_account(&[
        "--db",
        missing.to_str().unwrap(),
        "today",
    ]));
    assert!(text.contains("there is no tend database at"), "{text}");
}

/// `tend backup` prints the trail's head and keeps it in the user's heads
/// file; `tend audit verify` and `tend check` hold the trail against it, so
/// rows cut from the end — which leave no broken link — are found, and a
/// changed row is named by both.
#[test]
fn the_audit_trail_is_verified_against_the_heads_recorded_before() {
    let sandbox = Sandbox::new();
    let db = sandbox.gen("trail.db", 20);
    let path = db.to_str().unwrap();
    let verify = |sandbox: &Sandbox| sandbox.run(&["--db", path, "audit", "verify"]);

    let out = verify(&sandbox);
    assert!(out.status.success(), "{}", stdout(&out));
    let text = stdout(&out);
    assert!(
        text.contains("  ok       the audit trail is whole: 2 rows chained, "),
        "{text}"
    );

    let backup = sandbox.path("copy.db");
    let out = sandbox.run(&["--db", path, "backup", backup.to_str().unwrap()]);
    assert!(out.status.success(), "{}", stderr(&out));
    let said = stdout(&out);
    let head_line = said
        .lines()
        .find_map(|l| l.strip_prefix("Audit head: "))
        .unwrap_or_else(|| panic!("{said}"))
        .to_string();
    assert!(
        head_line.starts_with("tend-audit-head row=4 sha256="),
        "{head_line}"
    );
    let heads = sandbox.path(".local/state/tend/audit-heads");
    let kept = std::fs::read_to_string(&heads).unwrap();
    assert!(kept.starts_with(&format!("{head_line} at=2026-11-24T09:00:00-05:00 db=")));
    assert_eq!(
        std::fs::metadata(&heads).unwrap().permissions().mode() & 0o777,
        0o600
    );
    let out = sandbox.run(&["--db", path, "audit", "head"]);
    assert_eq!(stdout(&out), format!("{head_line}\n"));
    let out = verify(&sandbox);
    assert!(out.status.success(), "{}", stdout(&out));
    assert!(stdout(&out).contains("  ok       2 heads recorded earlier still in the trail\n"));

    // The last rows cut off, with the guards tend keeps dropped first.
    let conn = rusqlite::Connection::open(&db).unwrap();
    conn.execute_batch("DROP TRIGGER audit_event_is_kept; DELETE FROM audit_event WHERE id >= 3;")
        .unwrap();
    drop(conn);
    let out = verify(&sandbox);
    assert_eq!(out.status.code(), Some(1));
    assert!(
        stdout(&out).contains(
            "  PROBLEM  the head recorded earlier (audit row 4) is no longer in the trail: rows \
             were removed from its end\n"
        ),
        "{}",
        stdout(&out)
    );
    // Against a heads file given by hand, too (the backup's own head).
    let given = sandbox.path("heads.txt");
    std::fs::write(&given, format!("{head_line}\n")).unwrap();
    std::fs::remove_file(&heads).unwrap();
    let out = sandbox.run(&[
        "--db",
        path,
        "audit",
        "verify",
        "--head",
        given.to_str().unwrap(),
    ]);
    assert_eq!(out.status.code(), Some(1));
    assert!(stdout(&out).contains("(audit row 4) is no longer in the trail"));

    // A row changed: named by verify and by check.
    let conn = rusqlite::Connection::open(&db).unwrap();
    conn.execute_batch(
        "DROP TRIGGER audit_event_is_final; UPDATE audit_event SET agent = 'x' WHERE id = 1;",
    )
    .unwrap();
    drop(conn);
    let problem =
        "  PROBLEM  audit row 1 was changed after it was written: its contents no longer \
                   give its hash\n";
    let out = verify(&sandbox);
    assert_eq!(out.status.code(), Some(1));
    assert!(stdout(&out).contains(problem), "{}", stdout(&out));
    let out = sandbox.run(&["--db", path, "check"]);
    assert_eq!(out.status.code(), Some(1));
    assert!(stdout(&out).contains(problem), "{}", stdout(&out));

    // A heads file that is not one is named, with its line.
    std::fs::write(&given, "tend-audit-head row=4 sha256=zz\n").unwrap();
    let out = sandbox.run(&[
        "--db",
        path,
        "audit",
        "verify",
        "--head",
        given.to_str().unwrap(),
    ]);
    let text = assert_one_clear_line(&out);
    assert_eq!(
        text,
        format!(
            "tend: {}: line 1: not a head tend wrote (tend-audit-head row=ID sha256=HEX)\n",
            given.display()
        )
    );
}

/// Who the user is comes from the system (issue 15, item 1): two real
/// accounts on one shared database, each written into the audit trail as
/// its login whatever `USER` says; a config naming someone else is refused
/// there with a sentence, while on a database only its account can change
/// it may name anyone (the tests' own `ccuser`).
#[test]
fn on_a_shared_database_who_you_are_comes_from_the_system() {
    if unsafe { libc::geteuid() } != 0 {
        eprintln!("skipped: making accounts to run tend as needs root");
        return;
    }
    let (ana, ben) = (Account::create_named("a"), Account::create_named("b"));
    let sandbox = Sandbox::new();
    // The team's folder and file, which every account may change.
    let shared = sandbox.path("team");
    std::fs::create_dir(&shared).unwrap();
    std::fs::set_permissions(&shared, std::fs::Permissions::from_mode(0o777)).unwrap();
    let db = sandbox.gen("team/tend.db", 5);
    std::fs::set_permissions(&db, std::fs::Permissions::from_mode(0o666)).unwrap();
    let conn = rusqlite::Connection::open(&db).unwrap();
    // A patient whose consent to share is on file: their plan may leave.
    conn.execute_batch(
        "UPDATE patient SET consent_status = 'active', consent_expires_on = NULL WHERE id = 1",
    )
    .unwrap();
    let member: String = conn
        .query_row("SELECT member_id FROM patient WHERE id = 1", [], |r| {
            r.get(0)
        })
        .unwrap();
    drop(conn);
    let path = db.to_str().unwrap();
    // Each account's own home, readable by it.
    let home_of = |account: &Account, config: Option<&str>| {
        let home = sandbox.path(&format!("home-{}", account.name));
        std::fs::create_dir_all(home.join(".config/tend")).unwrap();
        if let Some(text) = config {
            std::fs::write(home.join(".config/tend/config.toml"), text).unwrap();
        }
        std::process::Command::new("chown")
            .args(["-R", &format!("{}:{}", account.uid, account.gid)])
            .arg(&home)
            .status()
            .unwrap();
        home
    };
    let run_as = |account: &Account, home: &Path, args: &[&str]| {
        let mut command = sandbox.command();
        command
            .env("HOME", home)
            .env("USER", "someone-else")
            .env("LOGNAME", "someone-else")
            .uid(account.uid)
            .gid(account.gid)
            .args(args);
        command.output().unwrap()
    };
    for account in [&ana, &ben] {
        let home = home_of(account, None);
        let out_file = shared.join(format!("plan-{}.md", account.name));
        let out = run_as(
            account,
            &home,
            &[
                "--db",
                path,
                "export",
                "careplan",
                &member,
                "--out",
                out_file.to_str().unwrap(),
            ],
        );
        assert!(out.status.success(), "{}", stderr(&out));
    }
    let agents: Vec<String> = rusqlite::Connection::open(&db)
        .unwrap()
        .prepare("SELECT agent FROM audit_event WHERE entity_type = 'CarePlan' ORDER BY id")
        .unwrap()
        .query_map([], |r| r.get(0))
        .unwrap()
        .map(Result::unwrap)
        .collect();
    assert_eq!(
        agents,
        [ana.name.clone(), ben.name.clone()],
        "as their logins, not USER"
    );

    // A config naming someone else, on the shared file: refused, one sentence.
    let home = home_of(&ana, Some("user = \"ccuser\"\n"));
    let out = run_as(&ana, &home, &["--db", path, "today"]);
    let text = assert_one_clear_line(&out);
    assert_eq!(
        text,
        format!(
            "tend: {}/.config/tend/config.toml, line 1, key `user`: names \"ccuser\", but {path} \
             is not this account's alone, and there who you are comes from the system: you are \
             {}; remove the key (it may name someone only on a database no other account can \
             change)\n",
            home.display(),
            ana.name
        )
    );
    // Naming oneself is no impersonation.
    let home = home_of(&ana, Some(&format!("user = \"{}\"\n", ana.name)));
    assert!(run_as(&ana, &home, &["--db", path, "today"])
        .status
        .success());
}

/// Consent is enforced where health information leaves tend (issue 15,
/// item 7): the FHIR export leaves out patients whose consent to share is
/// missing, expired or revoked, says how many and why, and takes them only
/// for a stated reason, which the audit trail keeps; a care plan of a
/// patient who revoked consent is refused the same way.
#[test]
fn records_leave_tend_only_with_consent_or_a_stated_reason() {
    let sandbox = Sandbox::new();
    let db = sandbox.gen("consent.db", 30);
    let path = db.to_str().unwrap();
    let conn = rusqlite::Connection::open(&db).unwrap();
    // One revoked, one expired, one missing; the rest on file.
    conn.execute_batch(
        "UPDATE patient SET consent_status = 'active', consent_expires_on = NULL;
         UPDATE patient SET consent_status = 'revoked' WHERE id = 1;
         UPDATE patient SET consent_expires_on = '2026-11-01' WHERE id = 2;
         UPDATE patient SET consent_status = 'none' WHERE id = 3;",
    )
    .unwrap();
    let revoked: String = conn
        .query_row("SELECT member_id FROM patient WHERE id = 1", [], |r| {
            r.get(0)
        })
        .unwrap();
    let patients_in = |bundle: &Path| -> usize {
        let json: serde_json::Value =
            serde_json::from_str(&std::fs::read_to_string(bundle).unwrap()).unwrap();
        json["entry"]
            .as_array()
            .unwrap()
            .iter()
            .filter(|e| e["resource"]["resourceType"] == "Patient")
            .count()
    };

    let bundle = sandbox.path("shared.json");
    let out = sandbox.run(&[
        "--db",
        path,
        "export",
        "fhir",
        "--out",
        bundle.to_str().unwrap(),
    ]);
    assert!(out.status.success(), "{}", stderr(&out));
    assert!(
        stderr(&out).contains(
            "tend: left out 3 patients whose consent to share is not in force (1 missing, 1 \
             expired, 1 revoked); --reason \"…\" exports them too, and the reason goes into the \
             audit trail\n"
        ),
        "{}",
        stderr(&out)
    );
    assert_eq!(patients_in(&bundle), 27);

    let all = sandbox.path("all.json");
    let out = sandbox.run(&[
        "--db",
        path,
        "export",
        "fhir",
        "--out",
        all.to_str().unwrap(),
        "--reason",
        "transfer of care to the county ACT team",
    ]);
    assert!(out.status.success(), "{}", stderr(&out));
    assert_eq!(patients_in(&all), 30);
    let said: String = conn
        .query_row(
            "SELECT detail FROM audit_event WHERE entity_type = 'Consent' ORDER BY id DESC",
            [],
            |r| r.get(0),
        )
        .unwrap();
    assert_eq!(
        said,
        "exported every patient as FHIR R4, 3 patient(s) without consent to share in force; \
         reason given: transfer of care to the county ACT team"
    );

    // One patient, who revoked consent: refused, nothing written.
    let one = sandbox.path("one.json");
    let out = sandbox.run(&[
        "--db",
        path,
        "export",
        "fhir",
        "--patient",
        &revoked,
        "--out",
        one.to_str().unwrap(),
    ]);
    let text = assert_one_clear_line(&out);
    assert_eq!(
        text,
        format!(
            "tend: {revoked}'s consent to share is revoked: nothing was exported; give --reason \
             \"…\" to export anyway (the reason goes into the audit trail)\n"
        )
    );
    assert!(!one.exists(), "no half file left");
    let out = sandbox.run(&["--db", path, "export", "careplan", &revoked]);
    assert_eq!(
        assert_one_clear_line(&out),
        format!(
            "tend: {revoked}'s consent to share is revoked: nothing was exported; give --reason \
             \"…\" to export anyway (the reason goes into the audit trail)\n"
        )
    );
    assert!(out.stdout.is_empty());
    let out = sandbox.run(&[
        "--db", path, "export", "careplan", &revoked, "--reason", "x",
    ]);
    assert!(assert_one_clear_line(&out).contains("--reason needs a reason"));
    let out = sandbox.run(&[
        "--db",
        path,
        "export",
        "careplan",
        &revoked,
        "--reason",
        "subpoena 2026-114",
    ]);
    assert!(out.status.success(), "{}", stderr(&out));
    assert!(stdout(&out).starts_with("# Care plan"), "{}", stdout(&out));
}

/// Two coordinators with accounts of their own on one team database (issue
/// 15, item 3): each is who the system says, whatever `USER` says; each
/// sees their own team's day and notes only; someone the admin never added
/// is told to ask one, in one sentence; a coordinator may not add users;
/// and a login the server has no account for is never added.
#[test]
fn two_accounts_on_one_team_database_each_see_their_own_team() {
    if unsafe { libc::geteuid() } != 0 {
        eprintln!("skipped: making accounts to run tend as needs root");
        return;
    }
    let north = Account::create_named("n");
    let south = Account::create_named("s");
    let stranger = Account::create_named("x");
    let sandbox = Sandbox::new();
    let db = sandbox.gen("team/tend.db", 200);
    let path = db.to_str().unwrap();
    // The admin is root as the system knows it: no config naming anyone.
    let as_root = |args: &[&str]| {
        let mut command = sandbox.command();
        command
            .env("HOME", "/nonexistent")
            .args(["--db", path])
            .args(args);
        command.output().unwrap()
    };
    for args in [
        vec!["admin", "user", "add", "root", "--role", "admin"],
        vec![
            "admin",
            "user",
            "add",
            &north.name,
            "--role",
            "coordinator",
            "--team",
            "north",
        ],
        vec![
            "admin",
            "user",
            "add",
            &south.name,
            "--role",
            "coordinator",
            "--team",
            "south",
        ],
    ] {
        let out = as_root(&args);
        assert!(out.status.success(), "{args:?}: {}", stderr(&out));
    }
    let text = assert_one_clear_line(&as_root(&[
        "admin",
        "user",
        "add",
        "nobody-here",
        "--role",
        "coordinator",
    ]));
    assert!(
        text.contains("there is no account \"nobody-here\" on this server"),
        "{text}"
    );

    // Each coordinator holds a third of the generated caseload (set up
    // behind tend's back: tend has no command to hand over a caseload).
    let conn = rusqlite::Connection::open(&db).unwrap();
    for (account, old) in [(&north, "cc0001"), (&south, "cc0002")] {
        conn.execute(
            "UPDATE patient SET coordinator_id = (SELECT id FROM practitioner WHERE username = ?1)
              WHERE coordinator_id = (SELECT id FROM practitioner WHERE username = ?2)",
            [&account.name, old],
        )
        .unwrap();
        conn.execute(
            "UPDATE task SET owner_id = (SELECT id FROM practitioner WHERE username = ?1)
              WHERE owner_id = (SELECT id FROM practitioner WHERE username = ?2)",
            [&account.name, old],
        )
        .unwrap();
    }
    let members_of = |account: &Account| -> Vec<String> {
        let mut stmt = conn
            .prepare(
                "SELECT member_id FROM patient WHERE coordinator_id =
                   (SELECT id FROM practitioner WHERE username = ?1)",
            )
            .unwrap();
        stmt.query_map([&account.name], |r| r.get(0))
            .unwrap()
            .collect::<Result<_, _>>()
            .unwrap()
    };
    let (north_members, south_members) = (members_of(&north), members_of(&south));
    assert!(!north_members.is_empty() && !south_members.is_empty());
    let names_of = |members: &[String]| -> Vec<String> {
        members
            .iter()
            .map(|m| {
                conn.query_row(
                    "SELECT family_name || ', ' || given_name FROM patient WHERE member_id = ?1",
                    [m],
                    |r| r.get(0),
                )
                .unwrap()
            })
            .collect()
    };
    let (north_names, south_names) = (names_of(&north_members), names_of(&south_members));
    // Closed, so that its write-ahead log (root's, 0600) is gone.
    drop(conn);
    // Shared for the test only: a team install gives the file to a group.
    let folder = db.parent().unwrap();
    std::fs::set_permissions(folder, std::fs::Permissions::from_mode(0o777)).unwrap();
    std::fs::set_permissions(&db, std::fs::Permissions::from_mode(0o666)).unwrap();

    let run_as = |account: &Account, user_env: &str, args: &[&str]| {
        let mut command = sandbox.command();
        command
            .env("USER", user_env)
            .env("LOGNAME", user_env)
            .env("HOME", "/nonexistent")
            .uid(account.uid)
            .gid(account.gid)
            .args(["--db", path])
            .args(args);
        command.output().unwrap()
    };
    // North's whole team day, asked with USER naming south's coordinator.
    let out = run_as(&north, &south.name, &["today", "--all", "--json"]);
    assert!(out.status.success(), "{}", stderr(&out));
    let day: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    let tasks = day["tasks"].as_array().unwrap();
    assert!(!tasks.is_empty());
    for task in tasks {
        let member = task["patient"]["member_id"].as_str().unwrap().to_string();
        assert!(north_members.contains(&member), "{member} is not north's");
    }
    let out = run_as(&north, &south.name, &["today"]);
    assert!(
        stdout(&out).starts_with(&format!("Today for {},", north.name)),
        "{}",
        stdout(&out)
    );
    // Search: every note found is of one of the searcher's patients.
    for (account, own, other) in [
        (&north, &north_names, &south_names),
        (&south, &south_names, &north_names),
    ] {
        let out = run_as(account, "root", &["search", "the"]);
        assert!(out.status.success(), "{}", stderr(&out));
        let found = stdout(&out);
        assert!(!found.starts_with("No signed note"), "{found}");
        for line in found.lines() {
            assert!(
                own.iter().any(|n| line.contains(n.as_str())),
                "not theirs: {line}"
            );
            assert!(
                !other.iter().any(|n| line.contains(n.as_str())),
                "the other team's: {line}"
            );
        }
    }
    // The FHIR export of a coordinator holds none of the other team.
    let out = run_as(
        &south,
        &north.name,
        &["export", "fhir", "--reason", "test of reach"],
    );
    assert!(out.status.success(), "{}", stderr(&out));
    let bundle = stdout(&out);
    assert!(south_members.iter().any(|m| bundle.contains(m.as_str())));
    assert!(!north_members
        .iter()
        .any(|m| bundle.contains(&format!("\"{m}\""))));

    // Someone never added: one sentence, whatever USER says.
    let text = assert_one_clear_line(&run_as(&stranger, &north.name, &["today"]));
    assert_eq!(
        text,
        format!(
            "tend: you ({}) are not a user of this team's tend database: ask one of its admins to add you\n",
            stranger.name
        )
    );
    // A coordinator may not add users, and nothing is written.
    let text = assert_one_clear_line(&run_as(
        &north,
        "root",
        &["admin", "user", "add", &stranger.name, "--role", "admin"],
    ));
    assert_eq!(
        text,
        "tend: your role (coordinator) may not add or change users; nothing was changed\n"
    );
    let conn = rusqlite::Connection::open(&db).unwrap();
    let users: i64 = conn
        .query_row(
            "SELECT count(*) FROM practitioner WHERE role IS NOT NULL",
            [],
            |r| r.get(0),
        )
        .unwrap();
    assert_eq!(users, 3);
}
