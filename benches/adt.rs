//! The hospitals' ADT feed (issue 16), measured on a generated caseload of
//! 100,000 patients with the release binary:
//!
//! - `tend import adt` of a file of 10,000 messages (5,000 stays: an A01
//!   and its A03 each, a fifth of them psychiatric): wall time, messages a
//!   second, peak RSS, and that every one was applied;
//! - `tend listen adt` under a burst of 1,000 messages from one client
//!   that sends each as soon as the previous one's ACK came (as interface
//!   engines do): messages a second, the ACK's round trip (p50, p95, max),
//!   and that all 1,000 were acknowledged AA and are in the database;
//! - the store's reads behind the transitions view and the patient pane
//!   on the database those made: p50 and p95 of 50 runs each.
//!
//! `cargo bench --bench adt` writes its section of BENCHMARKS.md (between
//! the `adt` markers). `TEND_BENCH_PATIENTS=10000` picks another size;
//! `TEND_BENCH_QUICK=1` runs 10,000 patients and writes nothing.

#[path = "common/report.rs"]
mod report;

use std::io::Write;
use std::net::{TcpListener, TcpStream};
use std::path::Path;
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

use crossterm::event::{KeyCode, KeyEvent, KeyModifiers};
use ratatui::backend::TestBackend;
use ratatui::Terminal;
use tend::app::{App, Settings};
use tend::clock::Clock;
use tend::hl7::mllp::{write_frame, FrameReader};
use tend::store::{OpenOptions, Store};

const NOW: &str = "2026-11-24T09:00:00-05:00";
const USER: &str = "ccuser";

fn tend(dir: &Path) -> Command {
    std::fs::write(
        dir.join("config.toml"),
        format!("user = \"{USER}\"\n[adt]\nmember_id_authority = \"STATEMCD\"\n"),
    )
    .expect("a config");
    let mut command = Command::new(env!("CARGO_BIN_EXE_tend"));
    command
        .arg("--config")
        .arg(dir.join("config.toml"))
        .arg("--db")
        .arg(dir.join("t.db"))
        .current_dir(dir)
        .env("TEND_NOW", NOW)
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

/// An A01 and its A03 for a member, the stay numbered `n`.
fn stay(n: usize, member: usize) -> [String; 2] {
    let admitted = 20261110 + (n % 10);
    let discharged = admitted + 3 + (n % 5);
    let dx = if n.is_multiple_of(5) {
        "F32.2^Major depressive disorder, severe^I10"
    } else {
        "I50.9^Heart failure, unspecified^I10"
    };
    let head = |event: &str, structure: &str, at: usize| {
        format!(
            "MSH|^~\\&|BENCHADT|SYNHOSP|TEND|CARE|{at}0900||ADT^{event}^{structure}|B{n}-{event}|P|2.5.1\r\
             EVN|{event}|{at}0900\r\
             PID|1||SYN{member:07}^^^STATEMCD^MB||Benchpatient^Synthetic||19800101|F\r"
        )
    };
    [
        format!(
            "{}PV1|1|I|4W^401^^Synthetic General|||||||MED|||||||||BV{n}|||||||||||||||||||||||||{admitted}0900\r\
             DG1|1||{dx}||||||||||||1",
            head("A01", "ADT_A01", admitted)
        ),
        format!(
            "{}PV1|1|I|4W^401^^Synthetic General|||||||MED|||||||||BV{n}|||||||||||||||||01||||||||{admitted}0900|{discharged}1400\r\
             DG1|1||{dx}||||||||||||1",
            head("A03", "ADT_A03", discharged)
        ),
    ]
}

fn percentile(values: &mut [Duration], p: f64) -> Duration {
    values.sort();
    let rank = ((p / 100.0) * values.len() as f64).ceil() as usize;
    values[rank.clamp(1, values.len()) - 1]
}

fn ms(d: Duration) -> String {
    format!("{:.2} ms", d.as_secs_f64() * 1000.0)
}

fn import_section(dir: &Path, stays: usize) -> String {
    let mut file = String::new();
    for n in 0..stays {
        for message in stay(n, n + 1) {
            file.push_str(&message);
            file.push_str("\r\n");
        }
    }
    std::fs::write(dir.join("messages.hl7"), &file).expect("the messages are written");
    let started = Instant::now();
    let out = tend(dir)
        .args(["import", "adt", "messages.hl7"])
        .output()
        .expect("tend import adt runs");
    let took = started.elapsed();
    let said = String::from_utf8_lossy(&out.stdout).trim().to_string();
    assert!(
        out.status.success(),
        "{said} {}",
        String::from_utf8_lossy(&out.stderr)
    );
    let messages = stays * 2;
    // Every message is applied or, for the members the generator made
    // disenrolled (7%), queued for a supervisor: none rejected, none lost.
    assert!(
        said.contains(&format!("Read {messages} messages")) && said.contains(" 0 rejected"),
        "not every message was kept: {said}"
    );
    format!(
        "| `tend import adt` of {messages} messages ({:.1} MB, {stays} stays) | {:.2} s | {:.0} | {:.1} MiB | {said} |\n",
        file.len() as f64 / 1e6,
        took.as_secs_f64(),
        messages as f64 / took.as_secs_f64(),
        children_max_rss_mib()
    )
}

fn listen_section(dir: &Path, first_stay: usize, messages: usize) -> String {
    let port = TcpListener::bind("127.0.0.1:0")
        .and_then(|l| l.local_addr())
        .expect("a free port")
        .port();
    let mut child = tend(dir)
        .args(["listen", "adt", "--mllp", &format!("127.0.0.1:{port}")])
        .stderr(Stdio::null())
        .spawn()
        .expect("tend listen adt starts");
    let deadline = Instant::now() + Duration::from_secs(60);
    let mut stream = loop {
        match TcpStream::connect(("127.0.0.1", port)) {
            Ok(stream) => break stream,
            Err(_) if Instant::now() < deadline => std::thread::sleep(Duration::from_millis(20)),
            Err(e) => panic!("tend listen did not listen: {e}"),
        }
    };
    let mut acks = FrameReader::new(stream.try_clone().expect("a second handle"));
    let mut round_trips = Vec::with_capacity(messages);
    let mut accepted = 0;
    let started = Instant::now();
    for n in first_stay..first_stay + messages / 2 {
        for message in stay(n, n + 1) {
            let sent = Instant::now();
            write_frame(&mut stream, message.as_bytes()).expect("sent");
            stream.flush().expect("flushed");
            let ack = acks.next_frame().expect("read").expect("an ACK");
            round_trips.push(sent.elapsed());
            if String::from_utf8_lossy(&ack).contains("MSA|AA|") {
                accepted += 1;
            }
        }
    }
    let took = started.elapsed();
    drop(stream);
    // SAFETY: signalling our own child.
    unsafe { libc::kill(child.id() as i32, libc::SIGTERM) };
    let status = child.wait().expect("tend listen stops");
    assert!(status.success(), "tend listen: {status}");
    assert_eq!(accepted, messages, "every message acknowledged AA");
    let store = open(dir);
    let counts = store.adt_counts().expect("counts");
    let kept: i64 = counts
        .iter()
        .filter(|(state, _)| state == "applied" || state == "queued")
        .map(|(_, n)| *n)
        .sum();
    let expected = (first_stay * 2 + messages) as i64;
    assert_eq!(
        kept, expected,
        "every message of both runs is in the log: {counts:?}"
    );
    format!(
        "| `tend listen adt`: a burst of {messages} messages from one client, each sent when the last was acknowledged | {:.2} s | {:.0} | ACK round trip p50 {}, p95 {}, max {} | {accepted} acknowledged AA (applied, or queued for a disenrolled member); the log holds all {kept} messages of the import and the burst, none lost |\n",
        took.as_secs_f64(),
        messages as f64 / took.as_secs_f64(),
        ms(percentile(&mut round_trips, 50.0)),
        ms(percentile(&mut round_trips, 95.0)),
        ms(*round_trips.iter().max().expect("some")),
    )
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

fn reads_section(dir: &Path) -> String {
    let store = open(dir);
    let time = |f: &mut dyn FnMut() -> usize| {
        let mut times = Vec::new();
        let mut rows = 0;
        for _ in 0..50 {
            let started = Instant::now();
            rows = f();
            times.push(started.elapsed());
        }
        (
            percentile(&mut times, 50.0),
            percentile(&mut times, 95.0),
            rows,
        )
    };
    let patient = store
        .patient_id_by_member("SYN0000001")
        .expect("read")
        .expect("the first member");
    let mut out = String::new();
    type Read<'a> = Box<dyn FnMut() -> usize + 'a>;
    let cases: Vec<(&str, Read)> = vec![
        (
            "transitions view, mine (`:transitions`)",
            Box::new(|| store.transitions(USER, false, 30).expect("mine").len()),
        ),
        (
            "transitions view, the team's (`:transitions team`)",
            Box::new(|| store.transitions(USER, true, 30).expect("team").len()),
        ),
        (
            "patient pane: latest encounters",
            Box::new(|| store.encounters(patient, 3).expect("encounters").len()),
        ),
        (
            "patient pane: the patient's clocks",
            Box::new(|| store.patient_clocks(patient).expect("clocks").len()),
        ),
    ];
    for (what, mut f) in cases {
        let (p50, p95, rows) = time(&mut *f);
        out.push_str(&format!(
            "| {what} | {rows} rows | {} | {} |\n",
            ms(p50),
            ms(p95)
        ));
    }
    out
}

/// The screen over that database, in-process at 80x24: the first frame,
/// `T` opening the transitions view (its query and its frame) and `j` in
/// it; 50 runs each.
fn screen_section(dir: &Path) -> String {
    let key = |c: KeyCode| KeyEvent::new(c, KeyModifiers::NONE);
    let mut terminal = Terminal::new(TestBackend::new(80, 24)).expect("a test terminal");
    let started = Instant::now();
    let mut app = App::new(open(dir), &Settings::defaults(USER), false).expect("the app starts");
    app.resize(80, 24);
    terminal
        .draw(|f| tend::ui::render(&app, f))
        .expect("first frame");
    let first = started.elapsed();
    let mut opened = Vec::new();
    let mut moved = Vec::new();
    for _ in 0..50 {
        let started = Instant::now();
        app.handle_key(key(KeyCode::Char('T')));
        terminal
            .draw(|f| tend::ui::render(&app, f))
            .expect("a frame");
        opened.push(started.elapsed());
        let started = Instant::now();
        app.handle_key(key(KeyCode::Char('j')));
        terminal
            .draw(|f| tend::ui::render(&app, f))
            .expect("a frame");
        moved.push(started.elapsed());
        app.handle_key(key(KeyCode::Esc));
        terminal
            .draw(|f| tend::ui::render(&app, f))
            .expect("a frame");
    }
    format!(
        "| the screen's first frame (the app built over the database, 80x24) | | {} | |\n\
         | `T`: the transitions view opened (query and frame) | | {} | {} |\n\
         | `j` in the transitions view | | {} | {} |\n",
        ms(first),
        ms(percentile(&mut opened, 50.0)),
        ms(percentile(&mut opened, 95.0)),
        ms(percentile(&mut moved, 50.0)),
        ms(percentile(&mut moved, 95.0)),
    )
}

fn main() {
    let quick = std::env::var_os("TEND_BENCH_QUICK").is_some();
    let patients: usize = std::env::var("TEND_BENCH_PATIENTS")
        .ok()
        .and_then(|s| s.parse().ok())
        .unwrap_or(if quick { 10_000 } else { 100_000 });
    let dir = tempfile::tempdir().expect("a temporary folder");
    eprintln!("adt benchmark: generating {patients} patients…");
    let out = tend(dir.path())
        .args(["gen", "--patients", &patients.to_string()])
        .output()
        .expect("tend gen runs");
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let stays = 5_000.min(patients / 2);
    eprintln!("adt benchmark: import of {} messages…", stays * 2);
    let import = import_section(dir.path(), stays);
    eprintln!("adt benchmark: listener burst…");
    let burst = 1_000.min(patients - stays);
    let listen = listen_section(dir.path(), stays, burst);
    eprintln!("adt benchmark: reads…");
    let reads = reads_section(dir.path());
    let screen = screen_section(dir.path());
    let report = format!(
        "<!-- adt -->\n## The ADT feed and transitions of care\n\n\
         Written by `benches/adt.rs`: `cargo bench --bench adt`. The release binary on a \
         generated caseload of {patients} patients (`tend gen`, with its own recent \
         discharges and emergency visits), `TEND_NOW=2026-11-24T09:00:00-05:00`. Each message \
         is its own transaction with its log row and its clocks, as the live feed takes it; \
         a fifth of the stays are psychiatric (FUH clocks too). The listener's commits reach the disk before each ACK (`synchronous = FULL`); the import's are SQLite's WAL default, NORMAL, as everywhere else in tend.\n\n\
         | what | time | messages/s | | result |\n|---|---:|---:|---|---|\n{import}{listen}\n\
         Reads behind the transitions view and the patient pane, on the database the import and \
         the burst left ({patients} patients, {} stays from the feed), 50 runs each, as \
         `{USER}`, the first coordinator:\n\n\
         | read | rows | p50 | p95 |\n|---|---:|---:|---:|\n{reads}{screen}<!-- /adt -->\n",
        stays + burst / 2
    );
    println!("{report}");
    if quick {
        return;
    }
    report::write_section("adt", &report);
}
