//! The reports that grow with the program — `tend today` (text and JSON,
//! mine, another's, the team's) and `tend export csv tasks|caseload` — are
//! written as they are read (issue 19), and say what they said when they
//! were built whole in memory. The reference is that way of building them:
//! every task of the day read in full, sorted with `UrgencyWeights::sort_day`,
//! the document serialised at once; the caseload read in one window. The
//! generated caseload is large enough that the day is read in several
//! chunks and the caseload in several pages. Real binary, real SQLite in a
//! temporary folder, at the tests' fixed now; and a really full disk under
//! `--out`, which leaves no half-written report behind.

mod common;
mod small_disk;

use std::os::unix::fs::PermissionsExt;
use std::path::{Path, PathBuf};
use std::process::{Command, Output, Stdio};

use chrono::Duration;
use serde::Serialize;
use tend::domain::task_line::{Assignee, TaskFilter};
use tend::domain::urgency::UrgencyWeights;
use tend::reports::csv::cell;
use tend::reports::today::{today_task, TodayTask};
use tend::store::{CaseloadQuery, CaseloadSort, Scope, Store};
use tend::synth::{self, GenParams};

/// More than the chunks (512 tasks) and pages (512 patients) read at a time.
const PATIENTS: usize = 1200;

/// The days ahead `tend today` shows (the settings' default).
const UPCOMING_DAYS: i64 = 7;

struct Sandbox {
    dir: tempfile::TempDir,
    db: PathBuf,
}

impl Sandbox {
    /// A generated caseload of ccuser's team, and a home naming ccuser.
    fn new() -> Sandbox {
        let dir = tempfile::tempdir().unwrap();
        std::fs::set_permissions(dir.path(), std::fs::Permissions::from_mode(0o755)).unwrap();
        common::home_as_ccuser(dir.path());
        let db = dir.path().join("stream.db");
        let mut store = common::open(&db, "ccuser");
        synth::generate(
            &mut store,
            &GenParams {
                patients: PATIENTS,
                seed: 19,
                user: "ccuser".into(),
            },
        )
        .unwrap();
        Sandbox { dir, db }
    }

    fn run(&self, args: &[&str]) -> Output {
        Command::new(env!("CARGO_BIN_EXE_tend"))
            .env_clear()
            .env("PATH", std::env::var_os("PATH").unwrap_or_default())
            .env("HOME", self.dir.path())
            .env("TEND_NOW", common::NOW)
            .arg("--db")
            .arg(&self.db)
            .args(args)
            .stdin(Stdio::null())
            .output()
            .unwrap()
    }

    /// Standard output of a command that must succeed.
    fn out(&self, args: &[&str]) -> String {
        let out = self.run(args);
        assert!(
            out.status.success(),
            "tend {args:?}: {}",
            String::from_utf8_lossy(&out.stderr)
        );
        String::from_utf8(out.stdout).unwrap()
    }

    fn store(&self) -> Store {
        common::open(&self.db, "ccuser")
    }
}

/// The day as it was built before it was streamed: every task read in
/// full and sorted in memory.
fn day_in_memory(store: &Store, who: Assignee) -> Vec<TodayTask> {
    let weights = UrgencyWeights::default();
    let today = common::today();
    let filter = TaskFilter {
        who,
        ..TaskFilter::default()
    };
    let until = today + Duration::days(UPCOMING_DAYS);
    let mut rows = store.day_tasks("ccuser", &filter, until).unwrap();
    weights.sort_day(&mut rows, today);
    rows.iter()
        .map(|t| today_task(t, today, &weights))
        .collect()
}

/// The JSON document as it was serialised whole.
#[derive(Serialize)]
struct WholeDay<'a> {
    who: &'a str,
    date: chrono::NaiveDate,
    overdue: usize,
    today: usize,
    upcoming: usize,
    tasks: &'a [TodayTask],
}

fn whole_json(who: &str, tasks: &[TodayTask]) -> String {
    let count = |section: &str| tasks.iter().filter(|t| t.section == section).count();
    let document = WholeDay {
        who,
        date: common::today(),
        overdue: count("overdue"),
        today: count("today"),
        upcoming: count("upcoming"),
        tasks,
    };
    tend::safe_json::to_string_pretty(&document).unwrap() + "\n"
}

#[test]
fn the_day_as_json_is_byte_for_byte_the_document_built_whole() {
    let sandbox = Sandbox::new();
    let store = sandbox.store();
    let cases = [
        (vec!["today", "--json"], Assignee::Mine, "ccuser"),
        (
            vec!["today", "--user", "cc0002", "--json"],
            Assignee::Named("cc0002".into()),
            "cc0002",
        ),
        (vec!["today", "--all", "--json"], Assignee::Team, "team"),
    ];
    for (args, who, name) in cases {
        let tasks = day_in_memory(&store, who);
        assert!(!tasks.is_empty(), "{args:?}: a day with tasks in it");
        let streamed = sandbox.out(&args);
        assert!(
            streamed == whole_json(name, &tasks),
            "{args:?}: the streamed JSON differs from the document built whole"
        );
    }
    assert!(
        day_in_memory(&store, Assignee::Team).len() > 2 * 512,
        "the team's day is read in several chunks"
    );
}

/// The plain text's task lines, in order: each names its due label and
/// member ID, under the heading of its section, after the counts.
#[test]
fn the_day_as_text_lists_the_same_tasks_in_the_same_order() {
    let sandbox = Sandbox::new();
    let store = sandbox.store();
    for (args, who) in [
        (vec!["today"], Assignee::Mine),
        (vec!["today", "--all"], Assignee::Team),
    ] {
        let tasks = day_in_memory(&store, who);
        let text = sandbox.out(&args);
        let count = |section: &str| tasks.iter().filter(|t| t.section == section).count();
        let first = text.lines().next().unwrap();
        assert!(
            first.ends_with(&format!(
                "{} overdue, {} today, {} upcoming",
                count("overdue"),
                count("today"),
                count("upcoming")
            )),
            "{args:?}: {first}"
        );
        let lines: Vec<&str> = text
            .lines()
            .skip(1)
            .filter(|l| l.starts_with("  "))
            .collect();
        assert_eq!(lines.len(), tasks.len(), "{args:?}: one line a task");
        for (line, task) in lines.iter().zip(&tasks) {
            let due = line.split_whitespace().next().unwrap();
            assert!(
                task.due.starts_with(due) && line.contains(&task.patient.member_id),
                "{args:?}: {line:?} is not task {} ({} {})",
                task.id,
                task.due,
                task.patient.member_id
            );
        }
        let upcoming_at = text.find("\nUpcoming\n").unwrap();
        let overdue_at = text.find("\nOverdue and due today\n").unwrap();
        assert!(
            overdue_at < upcoming_at,
            "{args:?}: due first, then upcoming"
        );
    }
}

#[test]
fn the_tasks_csv_holds_every_task_of_the_day_in_order_cell_for_cell() {
    let sandbox = Sandbox::new();
    let store = sandbox.store();
    let tasks = day_in_memory(&store, Assignee::Team);
    let text = sandbox.out(&["export", "csv", "tasks", "--all"]);
    let mut reader = csv::Reader::from_reader(text.as_bytes());
    let rows: Vec<csv::StringRecord> = reader.records().map(Result::unwrap).collect();
    assert_eq!(rows.len(), tasks.len(), "one row a task");
    for (row, t) in rows.iter().zip(&tasks) {
        let expected = [
            t.section.to_string(),
            t.due_on.map(|d| d.to_string()).unwrap_or_default(),
            t.days_overdue.to_string(),
            t.kind.to_string(),
            t.priority.to_string(),
            if t.hard_deadline { "yes" } else { "no" }.to_string(),
            t.title.clone(),
            t.repeats.clone().unwrap_or_default(),
            t.owner.clone().unwrap_or_default(),
            t.patient.name.clone(),
        ]
        .map(|c| cell(&c));
        let got: Vec<&str> = row.iter().collect();
        assert_eq!(got, expected, "task {}", t.id);
    }
}

#[test]
fn the_caseload_csv_is_byte_for_byte_the_caseload_read_whole() {
    let sandbox = Sandbox::new();
    let store = sandbox.store();
    let clock = store.clock();
    for (args, scope) in [
        (vec!["export", "csv", "caseload"], Scope::Mine),
        (vec!["export", "csv", "caseload", "--all"], Scope::Team),
    ] {
        let query = CaseloadQuery {
            scope,
            sort: CaseloadSort::Name,
            filter: String::new(),
            user: "ccuser".into(),
        };
        let total = store.caseload_count(&query).unwrap();
        let rows = store.caseload_window(&query, 0, total).unwrap();
        let mut whole = csv::Writer::from_writer(Vec::new());
        whole
            .write_record([
                "member_id",
                "family_name",
                "given_name",
                "birth_date",
                "age",
                "risk_tier",
                "enrollment_status",
                "last_contact",
                "next_due",
                "coordinator",
            ])
            .unwrap();
        for p in &rows {
            let cells = [
                p.member_id.clone(),
                p.family_name.clone(),
                p.given_name.clone(),
                p.birth_date.to_string(),
                tend::domain::patient::age_on(p.birth_date, common::today()).to_string(),
                p.risk_tier.label().to_string(),
                p.enrollment_status.code().to_string(),
                p.last_contact_at
                    .map(|at| clock.local_date(at).to_string())
                    .unwrap_or_default(),
                p.next_due.map(|d| d.to_string()).unwrap_or_default(),
                p.coordinator.clone().unwrap_or_default(),
            ];
            whole.write_record(cells.map(|c| cell(&c))).unwrap();
        }
        let whole = String::from_utf8(whole.into_inner().unwrap()).unwrap();
        let streamed = sandbox.out(&args);
        assert!(
            streamed == whole,
            "{args:?}: the streamed CSV differs from the caseload read whole"
        );
    }
    let team = CaseloadQuery {
        scope: Scope::Team,
        sort: CaseloadSort::Name,
        filter: String::new(),
        user: "ccuser".into(),
    };
    assert!(
        store.caseload_count(&team).unwrap() > 2 * 512,
        "the team's caseload is read in several pages"
    );
}

/// A report written to `--out` on a disk that fills part-way is removed,
/// not left to be taken for a whole one, and the message names the file.
#[test]
fn a_report_cut_short_by_a_full_disk_is_removed_and_said() {
    let Some(mut disk) = small_disk::SmallDisk::mount(1) else {
        return;
    };
    let sandbox = Sandbox::new();
    disk.fill();
    for report in ["tasks", "caseload"] {
        let file = disk.path().join(format!("{report}.csv"));
        let out = sandbox.run(&[
            "export",
            "csv",
            report,
            "--all",
            "--out",
            file.to_str().unwrap(),
        ]);
        let stderr = String::from_utf8_lossy(&out.stderr);
        assert!(!out.status.success(), "{report}: {stderr}");
        assert!(
            stderr.contains(&format!("cannot write {}", file.display()))
                && stderr.contains("was removed: it held an unfinished report"),
            "{report}: {stderr}"
        );
        assert!(!Path::new(&file).exists(), "{report}: no half a report");
    }
}
