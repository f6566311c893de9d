//! Issue 19: the whole-team paths at any size, 1,000,000 patients meant,
//! each timed in process from the key to its frame drawn at 80x24 (the
//! store's reads included), or as the store call where no key gives it.
//!
//! ```text
//! # a database made once (1,000,000 patients take minutes to generate):
//! TEND_NOW=2026-11-24T09:00:00-05:00 tend --db g.db gen --patients 1000000 --seed 1
//! TEND_BENCH_DB=g.db cargo bench --bench scale
//! # or generated here, in a temporary folder:
//! TEND_BENCH_PATIENTS=10000 cargo bench --bench scale
//! ```
//!
//! `TEND_BENCH_QUICK=1` runs few iterations (CI's smoke run). The table is
//! printed, not written into BENCHMARKS.md: the figures there name the
//! size and the command. The database is opened as its generator's user
//! (the first coordinator it wrote), who owns it and so reaches every
//! patient, as a supervisor does. Each path is run once before it is timed: cold start aside, as
//! the issue asks.

use std::path::{Path, PathBuf};
use std::time::{Duration, Instant};

use crossterm::event::{KeyCode, KeyEvent, KeyModifiers};
use ratatui::backend::TestBackend;
use ratatui::Terminal;
use tend::app::tasks::DAY_ROWS_SHOWN;
use tend::app::{App, Settings};
use tend::clock::Clock;
use tend::domain::task_line::{Assignee, TaskFilter};
use tend::store::{OpenOptions, Store};
use tend::synth::{self, GenParams};

const NOW: &str = "2026-11-24T09:00:00-05:00";
/// The user a database generated here is made for.
const USER: &str = "ccuser";

struct Bench {
    app: App,
    terminal: Terminal<TestBackend>,
    runs: usize,
    rows: Vec<(String, Vec<Duration>)>,
}

impl Bench {
    fn key(&mut self, code: KeyCode) {
        self.app.handle_key(KeyEvent::new(code, KeyModifiers::NONE));
    }

    fn frame(&mut self) {
        let app = &self.app;
        self.terminal
            .draw(|f| tend::ui::render(app, f))
            .expect("a frame");
    }

    /// Times `keys` pressed one after another, each to its frame, `runs`
    /// times (after one untimed round); `between` puts things back after
    /// each round, untimed.
    fn keys(&mut self, name: &str, keys: &[KeyCode], between: &[KeyCode]) {
        self.keys_after(name, &[], keys, between);
    }

    /// Like [`Bench::keys`], with `before` pressed untimed before each round.
    fn keys_after(
        &mut self,
        name: &str,
        before: &[KeyCode],
        keys: &[KeyCode],
        between: &[KeyCode],
    ) {
        let mut samples = Vec::new();
        for round in 0..=self.runs {
            for key in before {
                self.key(*key);
                self.frame();
            }
            for key in keys {
                let start = Instant::now();
                self.key(*key);
                self.frame();
                if round > 0 {
                    samples.push(start.elapsed());
                }
                if std::env::var_os("TEND_BENCH_TRACE").is_some() {
                    eprintln!(
                        "{name}: {key:?} {:?} len {}",
                        start.elapsed(),
                        self.app.caseload.cursor.len()
                    );
                }
            }
            if round == self.runs && std::env::var_os("TEND_BENCH_SHOW").is_some() {
                eprintln!("after {name}:\n{}", self.screen());
            }
            for key in between {
                self.key(*key);
                self.frame();
            }
        }
        self.rows.push((name.to_string(), samples));
    }

    /// The screen as text, to see that the keys did what they are named
    /// for (`TEND_BENCH_SHOW=1` prints it after each path's last round).
    fn screen(&self) -> String {
        let buffer = self.terminal.backend().buffer();
        let mut out = String::new();
        for y in 0..buffer.area.height {
            for x in 0..buffer.area.width {
                out.push_str(buffer[(x, y)].symbol());
            }
            out.push('\n');
        }
        out
    }

    fn table(&self) -> String {
        let mut out = String::from("| path | p50 | p95 | max |\n|---|---:|---:|---:|\n");
        for (name, samples) in &self.rows {
            let mut s = samples.clone();
            s.sort();
            let at = |q: f64| s[((s.len() - 1) as f64 * q).round() as usize];
            out.push_str(&format!(
                "| {name} | {} | {} | {} |\n",
                ms(at(0.5)),
                ms(at(0.95)),
                ms(at(1.0))
            ));
        }
        out
    }
}

fn ms(d: Duration) -> String {
    format!("{:.1} ms", d.as_secs_f64() * 1000.0)
}

fn open(path: &Path, user: &str) -> Store {
    let clock = Clock::parse(NOW).expect("a valid TEND_NOW");
    let options = OpenOptions {
        create: true,
        ..OpenOptions::default()
    };
    Store::open(path, user, clock, &options).expect("the benchmark database opens")
}

/// The generator's user: the first coordinator it wrote.
fn generator_user(path: &Path) -> String {
    let conn = rusqlite::Connection::open(path).expect("the database opens");
    conn.query_row(
        "SELECT username FROM practitioner ORDER BY id LIMIT 1",
        [],
        |r| r.get(0),
    )
    .expect("a generated database has its user")
}

/// The database to measure: the one named, or one generated here.
fn database(dir: &Path) -> PathBuf {
    if let Some(path) = std::env::var_os("TEND_BENCH_DB") {
        return PathBuf::from(path);
    }
    let quick = std::env::var_os("TEND_BENCH_QUICK").is_some();
    let patients = std::env::var("TEND_BENCH_PATIENTS")
        .ok()
        .and_then(|s| s.parse().ok())
        .unwrap_or(if quick { 1_000 } else { 10_000 });
    let path = dir.join("scale.db");
    let mut store = open(&path, USER);
    synth::generate(
        &mut store,
        &GenParams {
            patients,
            seed: 1,
            user: USER.into(),
        },
    )
    .expect("the synthetic caseload is written");
    path
}

fn main() {
    let quick = std::env::var_os("TEND_BENCH_QUICK").is_some();
    let dir = tempfile::tempdir().expect("a temporary folder");
    let path = database(dir.path());
    let user = generator_user(&path);
    let started = Instant::now();
    let store = open(&path, &user);
    let patients = store
        .caseload_count(&tend::store::CaseloadQuery {
            scope: tend::store::Scope::Team,
            sort: tend::store::CaseloadSort::Name,
            filter: String::new(),
            user: user.clone(),
        })
        .expect("count");
    let config = Settings::defaults(&user);
    let app = App::new(store, &config, false).expect("the app starts");
    let mut bench = Bench {
        app,
        terminal: Terminal::new(TestBackend::new(80, 24)).expect("a test terminal"),
        runs: if quick { 3 } else { 20 },
        rows: Vec::new(),
    };
    bench.app.resize(80, 24);
    bench.frame();
    let opened = started.elapsed();
    use KeyCode::{Char, Esc, PageDown};
    bench.key(Char('1'));
    bench.frame();
    // Mine and the team's, back and forth.
    bench.keys("`t`: my patients ↔ the whole team", &[Char('t')], &[]);
    // Now on the team's, whichever the presses above ended on.
    while bench.app.caseload.query.scope != tend::store::Scope::Team {
        bench.key(Char('t'));
    }
    bench.frame();
    // Each order in turn (four presses of `o` come back to name).
    bench.keys(
        "`o`: the team's caseload re-sorted (each order, selection kept)",
        &[Char('o'); 4],
        &[],
    );
    // Re-sorted with the selection at the previous order's bottom, so that
    // its place in the next order is anywhere (a count along the index).
    bench.keys(
        "`o` with the selection at the bottom of the previous order",
        &[Char('o')],
        &[Char('G')],
    );
    while bench.app.caseload.query.sort != tend::store::CaseloadSort::Name {
        bench.key(Char('o'));
    }
    bench.key(Char('g'));
    bench.frame();
    for sort in ["name", "risk", "last contact", "next due"] {
        bench.keys(
            &format!("`G`: the bottom of the team's caseload by {sort}"),
            &[Char('G')],
            &[Char('g')],
        );
        bench.keys(
            &format!("`g`: back to its top, by {sort}"),
            &[Char('g')],
            &[Char('G')],
        );
        bench.key(Char('g'));
        bench.frame();
        let walk = [Char('j'); 60];
        bench.keys(
            &format!("`j` ×60 down the team's caseload by {sort}"),
            &walk,
            &[Char('g')],
        );
        bench.keys(
            &format!("page down ×40 in the team's caseload by {sort}"),
            &[PageDown; 40],
            &[Char('g')],
        );
        bench.key(Char('o'));
        bench.frame();
    }
    // A filter typed from its first letter, and cleared.
    bench.keys(
        "`/` then `k`, `e`, `l` typed, `Esc` clears: the team filtered as typed",
        &[Char('/'), Char('k'), Char('e'), Char('l'), Esc],
        &[],
    );
    // Each filter's last letter in each order: `/kel` and `/ke` (35,000
    // matches) are read from their matches and held sorted
    // (`store::caseload_held`), `/k` (78,000) along the order's index.
    for sort in ["name", "risk", "last contact", "next due"] {
        for (word, name) in [
            ("k", "one letter"),
            ("ke", "two letters"),
            ("kel", "three letters"),
        ] {
            let typed: Vec<KeyCode> = word.chars().map(Char).collect();
            let (last, first) = typed.split_last().expect("a word");
            let mut open = vec![Char('/')];
            open.extend(first);
            bench.keys_after(
                &format!("the last letter of `/{word}` ({name}), by {sort}"),
                &open,
                &[*last],
                &[Esc],
            );
        }
        let mut kept = vec![Char('/')];
        kept.extend("kel".chars().map(Char));
        kept.push(KeyCode::Enter);
        bench.keys_after(
            &format!("`G` then `g` in the team's caseload filtered `kel`, by {sort}"),
            &kept,
            &[Char('G'), Char('g')],
            &[Esc],
        );
        bench.key(Char('o'));
        bench.frame();
    }
    // What no key here gives alone, as the store's calls: the team's day
    // as Today reads it (`who:team`), and a note search for a common word.

    let store = open(&path, &user);
    let today = Clock::parse(NOW).expect("a valid TEND_NOW").today();
    let until = today + chrono::Duration::days(7);
    let weights = tend::domain::urgency::UrgencyWeights::default();
    let team = TaskFilter {
        who: Assignee::Team,
        ..TaskFilter::default()
    };
    let calls = bench.runs.min(5);
    let mut time_call = |name: &str, call: &mut dyn FnMut()| {
        let mut samples = Vec::new();
        for round in 0..=calls {
            let start = Instant::now();
            call();
            if round > 0 {
                samples.push(start.elapsed());
            }
        }
        bench.rows.push((name.to_string(), samples));
    };
    time_call(
        "the team's day in Today (rank all, read the top rows)",
        &mut || {
            store
                .ranked_day(&user, &team, until, today, &weights, DAY_ROWS_SHOWN)
                .expect("the day");
        },
    );
    time_call(
        "note search for a common word (\"called\", 50 results)",
        &mut || {
            store.search_notes("called", 50).expect("search");
        },
    );
    // Two words are ranked with bm25, which weighs each by its rarity.
    time_call(
        "note search for two words (\"called housing\", 50 results)",
        &mut || {
            store.search_notes("called housing", 50).expect("search");
        },
    );
    assert_eq!(
        bench.app.caseload.query.scope,
        tend::store::Scope::Team,
        "the paths above are the team's"
    );
    let out = format!(
        "{patients} patients; tend opened to its first frame in {} (the first open of the file, untimed by the rows below).\n\n{}",
        ms(opened),
        bench.table()
    );
    println!("{out}");
}
