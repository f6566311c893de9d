//! In-process benchmarks (issue 5): keystroke-to-frame inside tend (the key
//! handled and the frame drawn to an in-memory terminal), and the queries
//! behind each pane, at 1,000, 10,000 and 100,000 patients.
//!
//! `cargo bench --bench inprocess` writes its section of BENCHMARKS.md
//! (between the `in-process` markers). `TEND_BENCH_SIZES=1000,10000` picks
//! sizes; `TEND_BENCH_QUICK=1` runs few iterations and writes nothing.
//! `TEND_BENCH_ENCRYPTED=1` (with `--features encryption`) makes every
//! database encrypted (SQLCipher) and writes its own section, beside the
//! plain one, so the two can be compared.

#[path = "common/report.rs"]
mod report;

use std::time::{Duration, Instant};

use crossterm::event::{KeyCode, KeyEvent, KeyModifiers};
use ratatui::backend::TestBackend;
use ratatui::Terminal;
use tend::app::tasks::DAY_ROWS_SHOWN;
use tend::app::App;
use tend::app::Settings;
use tend::clock::Clock;
use tend::domain::task_line::{Assignee, TaskFilter};
use tend::store::{CaseloadQuery, CaseloadSort, OpenOptions, Scope, Store};
use tend::synth::{self, GenParams};

const NOW: &str = "2026-11-24T09:00:00-05:00";
const USER: &str = "ccuser";

struct Stats {
    p50: Duration,
    p95: Duration,
}

/// `presses` of `j` and `k` alternately in the focused pane, each timed
/// from the key to its frame drawn; with `settle`, the detail panes are
/// brought up to the selection before the frame, as when it rests.
fn time_moves(
    app: &mut App,
    terminal: &mut Terminal<TestBackend>,
    presses: usize,
    settle: bool,
) -> Stats {
    let samples = (0..presses)
        .map(|i| {
            let key = if i % 2 == 0 { 'j' } else { 'k' };
            let start = Instant::now();
            press(app, key);
            if let Some(due) = app.detail_due().filter(|_| settle) {
                app.settle_detail_at(due);
            }
            terminal
                .draw(|f| tend::ui::render(app, f))
                .expect("a frame");
            start.elapsed()
        })
        .collect();
    stats(samples)
}

fn stats(mut samples: Vec<Duration>) -> Stats {
    samples.sort();
    let at = |q: f64| samples[((samples.len() - 1) as f64 * q).round() as usize];
    Stats {
        p50: at(0.5),
        p95: at(0.95),
    }
}

fn ms(d: Duration) -> String {
    format!("{:.3} ms", d.as_secs_f64() * 1000.0)
}

fn time<T>(runs: usize, mut f: impl FnMut() -> T) -> Stats {
    let samples = (0..runs)
        .map(|_| {
            let start = Instant::now();
            std::hint::black_box(f());
            start.elapsed()
        })
        .collect();
    stats(samples)
}

fn open(path: &std::path::Path) -> Store {
    let clock = Clock::parse(NOW).expect("a valid TEND_NOW");
    let options = OpenOptions {
        create: true,
        ..OpenOptions::default()
    };
    Store::open(path, USER, clock, &options).expect("the benchmark database opens")
}

fn press(app: &mut App, c: char) {
    app.handle_key(KeyEvent::new(KeyCode::Char(c), KeyModifiers::NONE));
}

fn section(size: usize, presses: usize, runs: usize) -> String {
    let dir = tempfile::tempdir().expect("a temporary folder");
    let path = dir.path().join("bench.db");
    if encrypted() {
        tend::store::key::make_key(&path, false).expect("a key for the database");
    }
    let mut store = open(&path);
    let started = Instant::now();
    synth::generate(
        &mut store,
        &GenParams {
            patients: size,
            seed: 1,
            user: USER.into(),
        },
    )
    .expect("the synthetic caseload is written");
    let generated = started.elapsed();
    drop(store);

    let mut out = format!(
        "### {size} patients\n\nGenerated in {:.2} s ({:.0} patients/s, in process).\n\n",
        generated.as_secs_f64(),
        size as f64 / generated.as_secs_f64()
    );

    // Keystroke to frame, inside the process.
    let config = Settings::defaults(USER);
    let mut app = App::new(open(&path), &config, false).expect("the app starts");
    let mut terminal = Terminal::new(TestBackend::new(80, 24)).expect("a test terminal");
    app.resize(80, 24);
    terminal
        .draw(|f| tend::ui::render(&app, f))
        .expect("first frame");
    out.push_str("| key (80x24) | p50 | p95 |\n|---|---:|---:|\n");
    let mut worst = Duration::ZERO;
    for (pane, name) in [
        ('1', "1 Caseload"),
        ('2', "2 Patient"),
        ('3', "3 Care plan"),
        ('4', "4 Today"),
    ] {
        press(&mut app, pane);
        let s = time_moves(&mut app, &mut terminal, presses, false);
        worst = worst.max(s.p95);
        out.push_str(&format!(
            "| `j`/`k` in {name} | {} | {} |\n",
            ms(s.p50),
            ms(s.p95)
        ));
    }
    // The caseload row above is the list's answer; the record and plan
    // follow when the selection rests (`detail_delay_ms`). Here the same
    // moves with them brought up at once, as when the selection rests.
    press(&mut app, '1');
    let s = time_moves(&mut app, &mut terminal, presses, true);
    worst = worst.max(s.p95);
    out.push_str(&format!(
        "| `j`/`k` in 1 Caseload, with the record and plan followed | {} | {} |\n",
        ms(s.p50),
        ms(s.p95)
    ));
    let samples = (0..presses)
        .map(|_| {
            let start = Instant::now();
            app.handle_key(KeyEvent::new(KeyCode::Tab, KeyModifiers::NONE));
            terminal
                .draw(|f| tend::ui::render(&app, f))
                .expect("a frame");
            start.elapsed()
        })
        .collect();
    let s = stats(samples);
    worst = worst.max(s.p95);
    out.push_str(&format!("| `Tab` | {} | {} |\n", ms(s.p50), ms(s.p95)));
    // The views over the panes: `T` the transitions (issue 16); `L` the
    // open loops, `W` the week of appointments, and the selected patient's
    // referrals, appointments and authorizations (`F`, `A`, `P`; issue
    // 17). Each opened (its query and its frame), timed, and closed.
    for (key, name) in [
        ('T', "the transitions view"),
        ('L', "the open loops, mine"),
        ('W', "the week of appointments, mine"),
        ('F', "the patient's referrals"),
        ('A', "the patient's appointments"),
        ('P', "the patient's prior authorizations"),
    ] {
        let samples = (0..presses.min(100))
            .map(|_| {
                let start = Instant::now();
                press(&mut app, key);
                terminal
                    .draw(|f| tend::ui::render(&app, f))
                    .expect("a frame");
                let opened = start.elapsed();
                app.handle_key(KeyEvent::new(KeyCode::Esc, KeyModifiers::NONE));
                terminal
                    .draw(|f| tend::ui::render(&app, f))
                    .expect("a frame");
                opened
            })
            .collect();
        let s = stats(samples);
        worst = worst.max(s.p95);
        out.push_str(&format!(
            "| `{key}`: {name} opened | {} | {} |\n",
            ms(s.p50),
            ms(s.p95)
        ));
    }
    out.push('\n');
    drop(app);

    // The queries behind the panes.
    let store = open(&path);
    let Caseloads {
        mine,
        team,
        filtered,
        ..
    } = Caseloads::of(USER);
    let window = |q: &CaseloadQuery| window(&store, q);
    let patient = first_patient(&store, &mine);
    let until = NaiveDateToday::today() + chrono::Duration::days(7);
    let weights = tend::domain::urgency::UrgencyWeights::default();
    let queries: Vec<(&str, Stats, Option<Duration>)> = vec![
        (
            "caseload, mine (count + window)",
            time(runs, || window(&mine)),
            None,
        ),
        (
            "caseload, whole team (count + window)",
            time(runs, || window(&team)),
            None,
        ),
        (
            "caseload, whole team filtered by \"kel\"",
            time(runs, || window(&filtered)),
            Some(Duration::from_millis(10)),
        ),
        (
            "patient record, conditions, care team, goals, notes",
            time(runs, || {
                (
                    store.patient(patient).expect("record"),
                    store.conditions(patient).expect("conditions"),
                    store.care_team(patient).expect("care team"),
                    store.goals(patient).expect("goals"),
                    store.timeline(patient, 10).expect("timeline"),
                )
            }),
            None,
        ),
        (
            "today's list, mine (as the pane reads it: rank, read the head)",
            time(runs, || {
                store
                    .ranked_day(
                        USER,
                        &TaskFilter::default(),
                        until,
                        NaiveDateToday::today(),
                        &weights,
                        DAY_ROWS_SHOWN,
                    )
                    .expect("day")
                    .rows
                    .len()
            }),
            Some(Duration::from_millis(10)),
        ),
        (
            "today's list, whole team (rank all, read the top 1,000)",
            time(runs.min(10), || {
                let team = TaskFilter {
                    who: Assignee::Team,
                    ..TaskFilter::default()
                };
                store
                    .ranked_day(
                        USER,
                        &team,
                        until,
                        NaiveDateToday::today(),
                        &weights,
                        DAY_ROWS_SHOWN,
                    )
                    .expect("day")
                    .counts
                    .total()
            }),
            None,
        ),
        (
            "note search \"voicemail clinic\" (50 results)",
            time(runs, || {
                store.search_notes("voicemail clinic", 50).expect("search")
            }),
            Some(Duration::from_millis(50)),
        ),
    ];
    out.push_str("| query | p50 | p95 | target |\n|---|---:|---:|---|\n");
    for (name, s, target) in &queries {
        let verdict = match target {
            Some(t) if s.p95 <= *t => format!("≤ {} ms: met", t.as_millis()),
            Some(t) => format!("≤ {} ms: **not met**", t.as_millis()),
            None => String::new(),
        };
        out.push_str(&format!(
            "| {name} | {} | {} | {verdict} |\n",
            ms(s.p50),
            ms(s.p95)
        ));
    }
    out.push_str(&format!(
        "\nIn-process keystroke p95, worst pane: {} (target ≤ 5 ms: {}).\n\n",
        ms(worst),
        if worst <= Duration::from_millis(5) {
            "met"
        } else {
            "**not met**"
        }
    ));
    drop(store);
    out.push_str(&team_section(&path, runs));
    out
}

/// The coordinators of the benchmark's team: the generator's first ten.
const TEAM: [&str; 10] = [
    "cc0001", "cc0002", "cc0003", "cc0004", "cc0005", "cc0006", "cc0007", "cc0008", "cc0009",
    "cc0010",
];

/// The same panes' queries on the database made a team's (issue 15): the
/// generator's user its admin, ten coordinators in one team, and the
/// queries run as the first of them, signed in, so that every one carries
/// the condition of what a coordinator reaches.
fn team_section(path: &std::path::Path, runs: usize) -> String {
    use tend::domain::role::Role;
    let mut admin = open(path);
    admin
        .add_user(USER, "Benchmark admin", Role::Admin, &[])
        .expect("the admin is added");
    let coordinators: Vec<&str> = TEAM
        .iter()
        .copied()
        .filter(|c| {
            admin
                .practitioners()
                .expect("practitioners")
                .iter()
                .any(|p| p.username == *c)
        })
        .collect();
    if coordinators.is_empty() {
        return String::new();
    }
    for c in &coordinators {
        admin
            .add_user(c, c, Role::Coordinator, &["bench".to_string()])
            .expect("a coordinator is added");
    }
    drop(admin);
    let me = coordinators[0];
    let clock = Clock::parse(NOW).expect("a valid TEND_NOW");
    let mut store =
        Store::open(path, me, clock, &OpenOptions::default()).expect("the database opens");
    store.sign_in().expect("the coordinator signs in");
    let Caseloads {
        mine,
        team,
        by_contact,
        filtered,
    } = Caseloads::of(me);
    let window = |q: &CaseloadQuery| window(&store, q);
    let reached = store.caseload_count(&team).expect("count");
    let patient = first_patient(&store, &mine);
    let until = NaiveDateToday::today() + chrono::Duration::days(7);
    let weights = tend::domain::urgency::UrgencyWeights::default();
    let day = |who: Assignee| {
        let filter = TaskFilter {
            who,
            ..TaskFilter::default()
        };
        store
            .ranked_day(
                me,
                &filter,
                until,
                NaiveDateToday::today(),
                &weights,
                DAY_ROWS_SHOWN,
            )
            .expect("day")
            .counts
            .total()
    };
    let rows: Vec<(&str, Stats)> = vec![
        (
            "caseload, mine (count + window)",
            time(runs, || window(&mine)),
        ),
        (
            "caseload, my team (count + window)",
            time(runs, || window(&team)),
        ),
        (
            "caseload, my team by last contact",
            time(runs, || window(&by_contact)),
        ),
        (
            "caseload, my team filtered by \"kel\"",
            time(runs, || window(&filtered)),
        ),
        (
            "patient record (its reach checked), goals, notes",
            time(runs, || {
                (
                    store.patient(patient).expect("record"),
                    store.goals(patient).expect("goals"),
                    store.timeline(patient, 10).expect("timeline"),
                )
            }),
        ),
        ("today's list, mine", time(runs, || day(Assignee::Mine))),
        ("today's list, my team", time(runs, || day(Assignee::Team))),
        (
            "note search \"voicemail clinic\" (50 results in reach)",
            time(runs, || {
                store.search_notes("voicemail clinic", 50).expect("search")
            }),
        ),
    ];
    let mut out = format!(
        "As a coordinator signed in on the same database made a team's: {} coordinators in one \
         team, {reached} patients in reach; each query carries the condition of what the \
         coordinator reaches.\n\n| query | p50 | p95 |\n|---|---:|---:|\n",
        coordinators.len()
    );
    for (name, s) in rows {
        out.push_str(&format!("| {name} | {} | {} |\n", ms(s.p50), ms(s.p95)));
    }
    out.push('\n');
    out
}

/// The caseloads the queries are timed on, as `user` sees them.
struct Caseloads {
    mine: CaseloadQuery,
    team: CaseloadQuery,
    by_contact: CaseloadQuery,
    filtered: CaseloadQuery,
}

impl Caseloads {
    fn of(user: &str) -> Caseloads {
        let mine = CaseloadQuery {
            scope: Scope::Mine,
            sort: CaseloadSort::Name,
            filter: String::new(),
            user: user.into(),
        };
        let team = CaseloadQuery {
            scope: Scope::Team,
            ..mine.clone()
        };
        Caseloads {
            by_contact: CaseloadQuery {
                sort: CaseloadSort::LastContact,
                ..team.clone()
            },
            filtered: CaseloadQuery {
                filter: "kel".into(),
                ..team.clone()
            },
            mine,
            team,
        }
    }
}

/// What the caseload pane reads for a query: its count and a window.
fn window(store: &Store, query: &CaseloadQuery) -> (usize, usize) {
    let n = store.caseload_count(query).expect("count");
    let rows = store.caseload_window(query, 0, 120).expect("window");
    (n, rows.len())
}

/// The first patient of a caseload.
fn first_patient(store: &Store, query: &CaseloadQuery) -> i64 {
    store
        .caseload_window(query, 0, 1)
        .expect("a patient")
        .first()
        .map(|r| r.id)
        .expect("the user has patients")
}

/// "Today" for the benchmark: the fixed clock's date.
struct NaiveDateToday;

impl NaiveDateToday {
    fn today() -> chrono::NaiveDate {
        Clock::parse(NOW).expect("a valid TEND_NOW").today()
    }
}

/// Whether this run measures encrypted databases.
fn encrypted() -> bool {
    std::env::var_os("TEND_BENCH_ENCRYPTED").is_some_and(|v| !v.is_empty())
}

fn main() {
    // `cargo bench` passes "--bench"; nothing else is expected.
    assert!(
        !encrypted() || tend::store::key::ENCRYPTION,
        "TEND_BENCH_ENCRYPTED needs a build with --features encryption"
    );
    let (marker, title, command) = if encrypted() {
        (
            "in-process-encrypted",
            "In the process, encrypted (SQLCipher)",
            "TEND_BENCH_ENCRYPTED=1 cargo bench --features encryption --bench inprocess",
        )
    } else {
        (
            "in-process",
            "In the process",
            "cargo bench --bench inprocess",
        )
    };
    let (open_marker, close_marker) = (format!("<!-- {marker} -->"), format!("<!-- /{marker} -->"));
    let quick = report::quick();
    let sizes = report::sizes(quick, &[1000, 10_000, 100_000]);
    let (presses, runs) = if quick { (30, 5) } else { (300, 50) };
    let mut report = format!(
        "{open_marker}\n## {title}\n\nWritten by `benches/inprocess.rs`: `{command}`. \
         Keystrokes are the key handled and the frame drawn into an in-memory 80x24 terminal \
         ({presses} presses a pane); queries are timed {runs} times each on the database the \
         generator wrote. The database is in the page cache after generation, as it is for a \
         coordinator who keeps tend open all day.\n\n"
    );
    for size in sizes {
        eprintln!("in-process benchmark: {size} patients…");
        report.push_str(&section(size, presses, runs));
    }
    report.push_str(&format!("{close_marker}\n"));
    println!("{report}");
    if quick {
        return;
    }
    report::write_section(marker, &report);
}
