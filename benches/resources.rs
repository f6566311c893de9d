//! The community resource directory (issue 17): a synthetic HSDS package
//! of 50,000 services (`tend::synth::resources::write_package`, seed 1)
//!
//! - imported by the release binary, `tend import resources`, into a new
//!   database, then again unchanged: wall time, services a second, peak
//!   RSS;
//! - searched in-process (`Store::search_resources`, 50 hits at most, as
//!   a list on screen asks), 200 runs of each kind, rotating through
//!   inputs, after one warm-up run each: p50 and p95.
//!
//! `cargo bench --bench resources` writes its section of BENCHMARKS.md
//! (between the `resources` markers). `TEND_BENCH_SERVICES=N` picks
//! another size; `TEND_BENCH_QUICK=1` runs 2,000 services and writes
//! nothing.

#[path = "common/report.rs"]
mod report;

use std::path::Path;
use std::process::Command;
use std::time::{Duration, Instant};

use tend::clock::Clock;
use tend::domain::care_plan::NeedDomain;
use tend::domain::directory::ResourceQuery;
use tend::store::{OpenOptions, Store};

const NOW: &str = "2026-11-24T09:00:00-05:00";
const USER: &str = "ccuser";
const RUNS: usize = 200;
const LIMIT: usize = 50;

fn tend(dir: &Path) -> Command {
    std::fs::create_dir_all(dir.join(".config/tend")).expect("a config folder");
    std::fs::write(
        dir.join(".config/tend/config.toml"),
        format!("user = \"{USER}\"\n"),
    )
    .expect("a config");
    let mut command = Command::new(env!("CARGO_BIN_EXE_tend"));
    command
        .arg("--db")
        .arg(dir.join("t.db"))
        .current_dir(dir)
        .env("TEND_NOW", NOW)
        .env("USER", USER)
        .env("HOME", dir);
    command
}

fn children_max_rss_mib() -> f64 {
    // SAFETY: getrusage only fills the struct it is given.
    let kb = unsafe {
        let mut usage: libc::rusage = std::mem::zeroed();
        libc::getrusage(libc::RUSAGE_CHILDREN, &mut usage);
        usage.ru_maxrss as u64
    };
    kb as f64 / 1024.0
}

fn percentile(values: &mut [Duration], p: f64) -> Duration {
    values.sort();
    let rank = ((p / 100.0) * values.len() as f64).ceil() as usize;
    values[rank.clamp(1, values.len()) - 1]
}

fn ms(d: Duration) -> String {
    format!("{:.2} ms", d.as_secs_f64() * 1000.0)
}

fn folder_bytes(dir: &Path) -> u64 {
    std::fs::read_dir(dir)
        .expect("the package")
        .filter_map(|e| e.ok()?.metadata().ok())
        .map(|m| m.len())
        .sum()
}

/// One import by the binary: its table row.
fn import_row(dir: &Path, what: &str, services: usize) -> String {
    let started = Instant::now();
    let out = tend(dir)
        .args(["import", "resources", "package"])
        .output()
        .expect("tend import resources runs");
    let took = started.elapsed();
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let said = String::from_utf8_lossy(&out.stdout).trim().to_string();
    eprintln!("  {what}: {:.2} s: {said}", took.as_secs_f64());
    format!(
        "| {what} | {:.2} s | {:.0} | {:.1} MiB | {said} |\n",
        took.as_secs_f64(),
        services as f64 / took.as_secs_f64(),
        children_max_rss_mib()
    )
}

/// A kind of search: its name, and the query of run `i`.
type Kind = (&'static str, Box<dyn Fn(usize) -> ResourceQuery>);

fn pick<T: Clone>(list: &[T], i: usize) -> T {
    list[i % list.len()].clone()
}

fn kinds() -> Vec<Kind> {
    const WORDS: [&str; 6] = [
        "pantry",
        "shelter",
        "counseling",
        "rides",
        "benefits",
        "dental",
    ];
    const PREFIXES: [&str; 6] = ["fo", "sh", "co", "re", "me", "pa"];
    const DOMAINS: [NeedDomain; 5] = [
        NeedDomain::Food,
        NeedDomain::Housing,
        NeedDomain::BehavioralHealth,
        NeedDomain::Transportation,
        NeedDomain::SubstanceUse,
    ];
    const LANGUAGES: [&str; 5] = ["Spanish", "zh", "Haitian Creole", "ru", "Vietnamese"];
    let zip = |i: usize| format!("{:03}{:02}", i % 3, 10 + (i * 7) % 30);
    vec![
        (
            "a word (`pantry`, `shelter`, …)",
            Box::new(|i| ResourceQuery {
                words: pick(&WORDS, i).into(),
                ..ResourceQuery::default()
            }),
        ),
        (
            "a 2-letter prefix (`fo`, `sh`, …)",
            Box::new(|i| ResourceQuery {
                words: pick(&PREFIXES, i).into(),
                ..ResourceQuery::default()
            }),
        ),
        (
            "need domain + ZIP",
            Box::new(move |i| ResourceQuery {
                domain: Some(pick(&DOMAINS, i)),
                zip: Some(zip(i)),
                ..ResourceQuery::default()
            }),
        ),
        (
            "language + need domain",
            Box::new(|i| ResourceQuery {
                language: Some(pick(&LANGUAGES, i).into()),
                domain: Some(pick(&DOMAINS, i / 5)),
                ..ResourceQuery::default()
            }),
        ),
        (
            "words + need domain + ZIP",
            Box::new(move |i| ResourceQuery {
                words: pick(&["free", "help", "weekly groc", "walk"], i).into(),
                domain: Some(pick(&DOMAINS, i)),
                zip: Some(zip(i)),
                ..ResourceQuery::default()
            }),
        ),
        (
            "nothing typed (every service, by name)",
            Box::new(|_| ResourceQuery::default()),
        ),
    ]
}

fn search_rows(dir: &Path) -> String {
    let store = Store::open(
        &dir.join("t.db"),
        USER,
        Clock::parse(NOW).expect("NOW"),
        &OpenOptions::default(),
    )
    .expect("the database opens");
    let mut out = String::new();
    for (name, query) in kinds() {
        let run = |i: usize| {
            let q = ResourceQuery {
                limit: LIMIT,
                ..query(i)
            };
            store.search_resources(&q).expect("a search").len()
        };
        run(0);
        let mut times = Vec::with_capacity(RUNS);
        let mut hits = 0;
        for i in 0..RUNS {
            let started = Instant::now();
            hits += run(i);
            times.push(started.elapsed());
        }
        let (p50, p95) = (percentile(&mut times, 50.0), percentile(&mut times, 95.0));
        eprintln!("  {name}: p50 {}, p95 {}", ms(p50), ms(p95));
        out.push_str(&format!(
            "| {name} | {:.1} | {} | {} |\n",
            hits as f64 / RUNS as f64,
            ms(p50),
            ms(p95)
        ));
    }
    out
}

fn main() {
    let quick = std::env::var_os("TEND_BENCH_QUICK").is_some();
    let services: usize = std::env::var("TEND_BENCH_SERVICES")
        .ok()
        .and_then(|s| s.parse().ok())
        .unwrap_or(if quick { 2_000 } else { 50_000 });
    let dir = tempfile::tempdir().expect("a temporary folder");
    let package = dir.path().join("package");
    std::fs::create_dir_all(&package).expect("the package folder");
    eprintln!("resources benchmark: writing a package of {services} services…");
    tend::synth::resources::write_package(&package, services, 1).expect("the package");
    let size = folder_bytes(&package) as f64 / (1024.0 * 1024.0);
    eprintln!("resources benchmark: imports…");
    let first = import_row(dir.path(), "into a new database", services);
    let again = import_row(dir.path(), "again, nothing changed", services);
    eprintln!("resources benchmark: searches…");
    let searches = search_rows(dir.path());
    let report = format!(
        "<!-- resources -->\n## The community resource directory\n\n\
         Written by `benches/resources.rs`: `cargo bench --bench resources`. A synthetic \
         Open Referral HSDS package of {services} services ({size:.1} MB of CSV; \
         `tend::synth::resources::write_package`, seed 1: organizations of one kind with 1 to 4 \
         services, one or two locations each, ZIP codes in three 3-digit regions), imported by \
         the release binary with `TEND_NOW={NOW}`; peak RSS is the largest of the imports so far.\n\n\
         | import | time | services/s | peak RSS | said |\n|---|---:|---:|---:|---|\n{first}{again}\n\
         Searches of that directory (`Store::search_resources`, at most {LIMIT} hits), {RUNS} \
         runs of each kind rotating through its inputs, after a warm-up run:\n\n\
         | search | hits (mean) | p50 | p95 |\n|---|---:|---:|---:|\n{searches}<!-- /resources -->\n"
    );
    println!("{report}");
    if quick {
        return;
    }
    report::write_section("resources", &report);
}
