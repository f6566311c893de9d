//! The closed loops' reads and moves (issue 17), on a caseload generated
//! by the release binary (`tend gen`, with its referrals, appointments and
//! prior authorizations: about 2, 4 and 1 a patient):
//!
//! - a patient's referrals, appointments, authorizations and next
//!   appointments, for random patients (the patient pane and its overlays);
//! - the open loops, mine and the team's; the week of appointments, mine
//!   and the team's; a search of the loops for a common word and for a
//!   rare one (an authorization number);
//! - a referral moved from sent to accepted, and an appointment marked
//!   kept, each a write with its next step in one transaction.
//!
//! p50 and p95 of each. `cargo bench --bench loops` writes its section of
//! BENCHMARKS.md (between the `loops` markers), at 100,000 patients;
//! `TEND_BENCH_PATIENTS=10000` picks another size; `TEND_BENCH_QUICK=1`
//! runs 1,000 patients and writes nothing; `TEND_BENCH_DIR=FOLDER` keeps
//! the generated database there and measures it again on the next run.

#[path = "common/report.rs"]
mod report;

use std::path::Path;
use std::process::Command;
use std::time::{Duration, Instant};

use chrono::NaiveDate;
use rand::{Rng, SeedableRng};
use rand_chacha::ChaCha8Rng;
use tend::clock::Clock;
use tend::domain::appointment::AppointmentStatus;
use tend::domain::referral::ReferralStatus;
use tend::store::{AppointmentMove, OpenOptions, ReferralMove, Store};

const NOW: &str = "2026-11-24T09:00:00-05:00";
const USER: &str = "ccuser";

fn today() -> NaiveDate {
    NaiveDate::from_ymd_opt(2026, 11, 24).expect("a date")
}

fn percentile(values: &mut [Duration], p: f64) -> Duration {
    values.sort();
    let rank = ((p / 100.0) * values.len() as f64).ceil() as usize;
    values[rank.clamp(1, values.len()) - 1]
}

fn ms(d: Duration) -> String {
    format!("{:.2} ms", d.as_secs_f64() * 1000.0)
}

/// `tend gen` into `dir/t.db`; gives back what it said.
fn generate(dir: &Path, patients: usize) -> String {
    std::fs::write(dir.join("config.toml"), format!("user = \"{USER}\"\n")).expect("a config");
    let out = Command::new(env!("CARGO_BIN_EXE_tend"))
        .arg("--config")
        .arg(dir.join("config.toml"))
        .arg("--db")
        .arg(dir.join("t.db"))
        .args(["gen", "--patients", &patients.to_string()])
        .current_dir(dir)
        .env("TEND_NOW", NOW)
        .env("HOME", dir)
        .output()
        .expect("tend gen runs");
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    String::from_utf8_lossy(&out.stdout).trim().to_string()
}

fn open(dir: &Path) -> Store {
    let mut store = Store::open(
        &dir.join("t.db"),
        USER,
        Clock::parse(NOW).expect("NOW"),
        &OpenOptions::default(),
    )
    .expect("the database opens");
    store.sign_in().expect("signed in");
    store
}

/// `runs` timings of `f`, which gives back how many rows it read.
fn time(runs: usize, f: &mut dyn FnMut() -> usize) -> (Duration, Duration, f64) {
    let mut times = Vec::with_capacity(runs);
    let mut rows = 0;
    for _ in 0..runs {
        let started = Instant::now();
        rows += f();
        times.push(started.elapsed());
    }
    (
        percentile(&mut times, 50.0),
        percentile(&mut times, 95.0),
        rows as f64 / runs as f64,
    )
}

fn line(what: &str, (p50, p95, rows): (Duration, Duration, f64)) -> String {
    format!("| {what} | {rows:.1} | {} | {} |\n", ms(p50), ms(p95))
}

/// Ids a read of the database picks: the rows the moves act on, and an
/// authorization number to search for.
fn ids(dir: &Path, sql: &str) -> Vec<i64> {
    let conn = rusqlite::Connection::open(dir.join("t.db")).expect("opens");
    let mut stmt = conn.prepare(sql).expect("prepares");
    let rows = stmt.query_map([], |r| r.get(0)).expect("reads");
    rows.collect::<Result<_, _>>().expect("ids")
}

fn reads_section(store: &Store, patients: usize, rare: &str) -> String {
    let mut rng = ChaCha8Rng::seed_from_u64(17);
    let picks: Vec<i64> = (0..200)
        .map(|_| rng.gen_range(1..=patients as i64))
        .collect();
    // Each read goes through the same random patients, one a run.
    let picks = &picks;
    let next = |run: &mut usize| {
        *run += 1;
        picks[*run % picks.len()]
    };
    let mut out = String::new();
    type Read<'a> = Box<dyn FnMut() -> usize + 'a>;
    let (mut a, mut b, mut c, mut d) = (0, 0, 0, 0);
    let cases: Vec<(&str, usize, Read)> = vec![
        (
            "a patient's referrals (random patients)",
            200,
            Box::new(|| store.referrals(next(&mut a)).expect("referrals").len()),
        ),
        (
            "a patient's appointments (random patients)",
            200,
            Box::new(|| {
                store
                    .appointments(next(&mut b))
                    .expect("appointments")
                    .len()
            }),
        ),
        (
            "a patient's prior authorizations (random patients)",
            200,
            Box::new(|| {
                store
                    .authorizations(next(&mut c))
                    .expect("authorizations")
                    .len()
            }),
        ),
        (
            "a patient's next 3 appointments (the patient pane)",
            200,
            Box::new(|| {
                store
                    .upcoming_appointments(next(&mut d), 3)
                    .expect("upcoming")
                    .len()
            }),
        ),
        (
            "open loops, mine",
            50,
            Box::new(|| store.open_loops(USER, false).expect("mine").len()),
        ),
        (
            "open loops, the team's (at most 300 of each kind)",
            50,
            Box::new(|| store.open_loops(USER, true).expect("team").len()),
        ),
        (
            "appointments this week, mine",
            50,
            Box::new(|| {
                store
                    .appointments_week(USER, false, today())
                    .expect("mine")
                    .len()
            }),
        ),
        (
            "appointments this week, the team's",
            50,
            Box::new(|| {
                store
                    .appointments_week(USER, true, today())
                    .expect("team")
                    .len()
            }),
        ),
        (
            "search of the loops, a common word (\"pantry\", 50 of each kind)",
            50,
            Box::new(|| store.search_loops("pantry", 50).expect("search").len()),
        ),
        (
            "search of the loops, a rare word (an authorization number)",
            50,
            Box::new(|| store.search_loops(rare, 50).expect("search").len()),
        ),
    ];
    for (what, runs, mut f) in cases {
        out.push_str(&line(what, time(runs, &mut *f)));
    }
    out
}

fn moves_section(store: &mut Store, dir: &Path) -> String {
    let sent = ids(
        dir,
        "SELECT id FROM referral WHERE status = 'sent' ORDER BY id LIMIT 50",
    );
    let due = ids(
        dir,
        "SELECT id FROM appointment WHERE status = 'booked'
          AND starts_at < '2026-11-25' ORDER BY id LIMIT 50",
    );
    let mut accepted = Vec::new();
    for id in &sent {
        let version = store.referral(*id).expect("read").expect("there").version;
        let started = Instant::now();
        store
            .move_referral(
                *id,
                version,
                &ReferralMove {
                    to: ReferralStatus::Accepted,
                    appointment_on: None,
                    confirmation: None,
                    note: None,
                },
            )
            .expect("accepted");
        accepted.push(started.elapsed());
    }
    let mut kept = Vec::new();
    for id in &due {
        let version = store
            .appointment(*id)
            .expect("read")
            .expect("there")
            .version;
        let started = Instant::now();
        store
            .move_appointment(
                *id,
                version,
                &AppointmentMove {
                    to: AppointmentStatus::Kept,
                    new_start: None,
                    note: None,
                },
            )
            .expect("kept");
        kept.push(started.elapsed());
    }
    let row = |what: &str, times: &mut Vec<Duration>| {
        format!(
            "| {what} ({} runs) | | {} | {} |\n",
            times.len(),
            ms(percentile(times, 50.0)),
            ms(percentile(times, 95.0))
        )
    };
    row(
        "move: a referral sent → accepted (write, with its next step)",
        &mut accepted,
    ) + &row(
        "move: an appointment marked kept (write, its steps closed)",
        &mut kept,
    )
}

fn main() {
    let quick = std::env::var_os("TEND_BENCH_QUICK").is_some();
    let patients: usize = std::env::var("TEND_BENCH_PATIENTS")
        .ok()
        .and_then(|s| s.parse().ok())
        .unwrap_or(if quick { 1_000 } else { 100_000 });
    // TEND_BENCH_DIR keeps the database, to measure again without
    // generating (the moves below change some of its loops).
    let (_temporary, dir) = match std::env::var_os("TEND_BENCH_DIR") {
        Some(kept) => (None, std::path::PathBuf::from(kept)),
        None => {
            let temporary = tempfile::tempdir().expect("a temporary folder");
            let dir = temporary.path().to_path_buf();
            (Some(temporary), dir)
        }
    };
    std::fs::create_dir_all(&dir).expect("the benchmark's folder");
    let said = if dir.join("t.db").exists() {
        std::fs::read_to_string(dir.join("said.txt")).unwrap_or_default()
    } else {
        eprintln!("loops benchmark: generating {patients} patients…");
        let said = generate(&dir, patients);
        std::fs::write(dir.join("said.txt"), &said).expect("what tend gen said, kept");
        said
    };
    let dir = dir.as_path();
    let rare: String = rusqlite::Connection::open(dir.join("t.db"))
        .expect("opens")
        .query_row(
            "SELECT payer_ref FROM prior_auth WHERE payer_ref IS NOT NULL
              ORDER BY id DESC LIMIT 1",
            [],
            |r| r.get(0),
        )
        .expect("an authorization number");
    let mut store = open(dir);
    eprintln!("loops benchmark: reads…");
    let reads = reads_section(&store, patients, &rare);
    eprintln!("loops benchmark: moves…");
    let moves = moves_section(&mut store, dir);
    let report = format!(
        "<!-- loops -->\n## Closed loops: referrals, appointments, prior authorizations\n\n\
         Written by `benches/loops.rs`: `cargo bench --bench loops`. A caseload of {patients} \
         patients generated by the release binary, `TEND_NOW={NOW}`:\n\n> {said}\n\n\
         The store's reads as `{USER}`, the first coordinator (65 patients); the patient's \
         reads for random patients (200 runs each), the others 50 runs each:\n\n\
         | read | rows | p50 | p95 |\n|---|---:|---:|---:|\n{reads}{moves}<!-- /loops -->\n"
    );
    println!("{report}");
    if quick {
        return;
    }
    report::write_section("loops", &report);
}
