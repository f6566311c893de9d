//! The live ADT feed over real sockets: tend's MLLP listener in-process
//! (what it acknowledges, what it keeps, a connection dropped
//! mid-message), the `tend listen adt` binary fed by an independent
//! client (python `hl7`'s `mllp_send`) and stopped by SIGTERM, and the
//! screen of a coordinator showing the discharge's deadline within about a
//! second of the message.

mod common;

use std::io::Write;
use std::net::{TcpListener, TcpStream};
use std::path::Path;
use std::process::{Child, Command, Stdio};
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use tend::domain::transitions::ClockKind;
use tend::hl7::listen::Listener;
use tend::hl7::mllp::{write_frame, FrameReader};
use tend::hl7::plan::FeedSettings;

use common::hl7::{members, mllp_send, stay_file};
use common::{open, Options, Tend, NOW};

/// A message for member M0001, built as a feed sends it.
fn message(control: &str, event: &str, pv1: &str) -> String {
    format!(
        "MSH|^~\\&|SYNADT|SYNHOSP|TEND|CARE|202611240800||ADT^{event}^ADT_A01|{control}|P|2.5.1\r\
         EVN|{event}|202611240800\r\
         PID|1||M0001^^^STATEMCD^MB||Feedtest0^Ada||19800101|F\r\
         {pv1}\r"
    )
}

const ADMIT: &str =
    "PV1|1|I|4W^401^^Synthetic General|||||||MED|||||||||V500|||||||||||||||||||||||||202611220900";
const DISCHARGE: &str = "PV1|1|I|4W^401^^Synthetic General|||||||MED|||||||||V500|||||||||||||||||01||||||||202611220900|202611231500";

/// Sends one frame and reads the ACK that answers it.
fn send(stream: &mut TcpStream, text: &str) -> String {
    write_frame(stream, text.as_bytes()).unwrap();
    stream.flush().unwrap();
    let mut frames = FrameReader::new(stream.try_clone().unwrap());
    let ack = frames.next_frame().unwrap().expect("an ACK");
    String::from_utf8(ack).unwrap()
}

fn msa(ack: &str) -> Vec<String> {
    let line = ack
        .split('\r')
        .find(|s| s.starts_with("MSA|"))
        .unwrap_or_else(|| panic!("no MSA in {ack:?}"));
    line.split('|').map(str::to_string).collect()
}

#[test]
fn the_listener_acknowledges_each_message_after_keeping_it_and_never_applies_one_twice() {
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("feed.db");
    let (store, patient) = members(&db);
    let socket = TcpListener::bind("127.0.0.1:0").unwrap();
    let address = socket.local_addr().unwrap();
    let stop = Arc::new(AtomicBool::new(false));
    let lines = Arc::new(Mutex::new(Vec::<String>::new()));
    let log_lines = Arc::clone(&lines);
    let listener = Listener::new(
        socket,
        store,
        FeedSettings {
            member_id_authority: "STATEMCD".into(),
        },
        Arc::clone(&stop),
        Arc::new(move |line: &str| log_lines.lock().unwrap().push(line.to_string())),
    )
    .unwrap();
    let server = std::thread::spawn(move || listener.serve().unwrap());

    let mut client = TcpStream::connect(address).unwrap();
    let ack = send(&mut client, &message("C1", "A01", ADMIT));
    assert_eq!(msa(&ack)[1..3], ["AA", "C1"]);
    let ack = send(&mut client, &message("C2", "A03", DISCHARGE));
    assert_eq!(msa(&ack)[1..3], ["AA", "C2"]);
    // The engine did not see the ACK and sends it again: acknowledged,
    // not applied twice.
    let ack = send(&mut client, &message("C2", "A03", DISCHARGE));
    assert_eq!(msa(&ack)[1..3], ["AA", "C2"]);
    // A date that is not one: AE, naming the segment and field.
    let bad = DISCHARGE.replace("202611231500", "2026-13-45");
    let ack = send(&mut client, &message("C3", "A03", &bad));
    assert_eq!(msa(&ack)[1..3], ["AE", "C3"]);
    assert!(ack.contains("PV1-45"), "{ack:?}");
    assert!(!ack.contains("2026-13-45"), "no value in the ACK: {ack:?}");
    // An unknown event: AR.
    let ack = send(&mut client, &message("C4", "A99", ADMIT));
    assert_eq!(msa(&ack)[1], "AR");
    // A member tend does not know: kept for a supervisor, acknowledged.
    let stranger = message("C5", "A03", DISCHARGE).replace("M0001", "M9999");
    let ack = send(&mut client, &stranger);
    assert_eq!(msa(&ack)[1], "AA");

    // A second connection drops half-way through a message: nothing of it
    // is kept, and the listener goes on.
    let mut dropped = TcpStream::connect(address).unwrap();
    let half = message("C6", "A01", ADMIT);
    dropped.write_all(b"\x0b").unwrap();
    dropped.write_all(&half.as_bytes()[..40]).unwrap();
    drop(dropped);
    let ack = send(&mut client, &message("C7", "A08", DISCHARGE));
    assert_eq!(msa(&ack)[1], "AA");

    stop.store(true, Ordering::Relaxed);
    drop(client);
    let counts = server.join().unwrap();
    assert_eq!(counts.applied.load(Ordering::Relaxed), 3);
    assert_eq!(counts.repeated.load(Ordering::Relaxed), 1);
    assert_eq!(counts.rejected.load(Ordering::Relaxed), 2);
    assert_eq!(counts.queued.load(Ordering::Relaxed), 1);

    let store = open(&db, "ccuser");
    let encounters = store.encounters(patient, 10).unwrap();
    assert_eq!(encounters.len(), 1, "admission and discharge are one stay");
    let clocks = store.patient_clocks(patient).unwrap();
    assert!(clocks.iter().any(|c| c.kind == ClockKind::TcmContact));
    let queue = store.adt_queue().unwrap();
    let states: Vec<&str> = queue.iter().map(|m| m.state.as_str()).collect();
    assert_eq!(states, ["rejected", "rejected", "queued"]);
    assert!(queue.iter().all(|m| m.control_id.as_deref() != Some("C6")));
    // The log names control IDs and outcomes, never a member or a name.
    let log = lines.lock().unwrap().join("\n");
    assert!(log.contains("message C2 A03: applied"), "{log}");
    for secret in ["M0001", "M9999", "Feedtest", "Ada"] {
        assert!(!log.contains(secret), "{secret} in the log:\n{log}");
    }
}

#[test]
fn a_message_too_large_is_refused_and_noted_and_the_connection_goes_on() {
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("feed.db");
    let (store, _) = members(&db);
    let socket = TcpListener::bind("127.0.0.1:0").unwrap();
    let address = socket.local_addr().unwrap();
    let stop = Arc::new(AtomicBool::new(false));
    let listener = Listener::new(
        socket,
        store,
        FeedSettings::default(),
        Arc::clone(&stop),
        Arc::new(|_: &str| {}),
    )
    .unwrap();
    let server = std::thread::spawn(move || listener.serve().unwrap());
    let mut client = TcpStream::connect(address).unwrap();
    let mut huge = message("BIG", "A08", DISCHARGE);
    huge.push_str(&"NTE|1||".repeat(17 * 1024 * 1024 / 7));
    let ack = send(&mut client, &huge);
    assert_eq!(msa(&ack)[1], "AR", "{}", &ack[..ack.len().min(300)]);
    let ack = send(&mut client, &message("AFTER", "A01", ADMIT));
    assert_eq!(msa(&ack)[1..3], ["AA", "AFTER"]);
    stop.store(true, Ordering::Relaxed);
    drop(client);
    server.join().unwrap();
    let store = open(&db, "ccuser");
    let queue = store.adt_queue().unwrap();
    assert_eq!(queue.len(), 1);
    assert!(queue[0].reason.contains("over 16 MiB"), "{:?}", queue[0]);
}

/// `tend listen adt` on a free port of loopback, its standard error kept.
fn start_listener(db: &Path, dir: &Path) -> (Child, u16) {
    let port = TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port();
    let config = dir.join("config.toml");
    std::fs::write(
        &config,
        "user = \"ccuser\"\n[adt]\nmember_id_authority = \"STATEMCD\"\n",
    )
    .unwrap();
    let child = Command::new(env!("CARGO_BIN_EXE_tend"))
        .args([
            "--db",
            db.to_str().unwrap(),
            "--config",
            config.to_str().unwrap(),
        ])
        .args(["listen", "adt", "--mllp", &format!("127.0.0.1:{port}")])
        .env("TEND_NOW", NOW)
        .env("HOME", dir)
        .stdin(Stdio::null())
        .stdout(Stdio::null())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    // Listening once a connection is taken.
    let deadline = Instant::now() + Duration::from_secs(20);
    while TcpStream::connect(("127.0.0.1", port)).is_err() {
        assert!(
            Instant::now() < deadline,
            "tend listen did not start listening"
        );
        std::thread::sleep(Duration::from_millis(20));
    }
    (child, port)
}

fn terminate(child: &mut Child) -> String {
    // SAFETY: signalling our own child by its pid.
    unsafe { libc::kill(child.id() as i32, libc::SIGTERM) };
    let deadline = Instant::now() + Duration::from_secs(10);
    loop {
        if let Some(status) = child.try_wait().unwrap() {
            assert!(status.success(), "tend listen exited with {status}");
            break;
        }
        assert!(
            Instant::now() < deadline,
            "tend listen did not stop on SIGTERM"
        );
        std::thread::sleep(Duration::from_millis(20));
    }
    let mut err = String::new();
    std::io::Read::read_to_string(child.stderr.as_mut().unwrap(), &mut err).unwrap();
    err
}

#[test]
fn an_independent_mllp_client_is_answered_and_sigterm_stops_the_listener_cleanly() {
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("feed.db");
    let (store, patient) = members(&db);
    drop(store);
    let file = stay_file(dir.path(), "S1", "V900", "202611200800", "202611231400");
    let (mut child, port) = start_listener(&db, dir.path());
    let sent = mllp_send(&file, port);
    assert!(
        sent.status.success(),
        "{}",
        String::from_utf8_lossy(&sent.stderr)
    );
    let acks = String::from_utf8_lossy(&sent.stdout);
    assert!(acks.contains("MSA|AA|S1-A01"), "{acks}");
    assert!(acks.contains("MSA|AA|S1-A03"), "{acks}");
    let log = terminate(&mut child);
    // Two connections: the test's own probe for the port, and mllp_send.
    assert!(log.contains("messages: 2 applied, 0 queued"), "{log}");
    for secret in ["M0001", "Testpatient", "Alpha"] {
        assert!(!log.contains(secret), "{secret} in the log:\n{log}");
    }
    let store = open(&db, "ccuser");
    let stay = &store.encounters(patient, 10).unwrap()[0].encounter;
    assert_eq!(stay.facility, "Synthetic General");
    assert_eq!(stay.diagnoses[0].code, "I50.9");
    assert!(store
        .patient_clocks(patient)
        .unwrap()
        .iter()
        .any(|c| c.kind == ClockKind::TcmContact));
}

#[test]
fn a_discharge_sent_while_tend_is_open_shows_its_deadline_in_today_within_a_second() {
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("feed.db");
    drop(members(&db));
    let tend = Tend::start(Options::new(100, 30), &["--db", db.to_str().unwrap()]);
    tend.wait_for("the panes", |s| {
        common::PANES
            .iter()
            .all(|t| common::find_pane(s, t).is_some())
    });
    let file = stay_file(dir.path(), "S2", "V901", "202611200800", "202611231400");
    let (mut child, port) = start_listener(&db, dir.path());
    let sent = mllp_send(&file, port);
    assert!(
        sent.status.success(),
        "{}",
        String::from_utf8_lossy(&sent.stderr)
    );
    let acknowledged = Instant::now();
    tend.wait_for("the post-discharge contact in Today", |s| {
        s.contents().contains("Post-discharge c")
    });
    let took = acknowledged.elapsed();
    // About a second: the screen looks for other sessions' changes on its
    // tick. Generous for a loaded machine; the point is it comes by itself.
    assert!(took < Duration::from_secs(5), "took {took:?}");
    terminate(&mut child);
}
