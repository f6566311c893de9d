//! A full disk loses nothing (issue 13): the note being typed and the audit
//! row of every record viewed are kept — in the database while the reserve
//! lasts, then in files — and written into the database once there is room;
//! a database on a full disk opens read-only. On a really full file system:
//! a tmpfs of a few megabytes (`small_disk/`), filled with ordinary files.

mod common;
mod fixtures;
mod small_disk;

use std::path::{Path, PathBuf};
use std::time::Instant;

use chrono::{DateTime, Utc};
use common::*;
use rusqlite::Connection;
use small_disk::SmallDisk;
use tend::domain::note::{DraftHeader, Outcome};
use tend::domain::patient::FlagKind;
use tend::store::{DraftKept, OpenOptions, Reserve, Store, StoreError, ViewAudited};

/// The store a screen session opens: with room kept aside, and `fallback`
/// (on another disk) for what its own disk cannot take.
fn open_for_screen(path: &Path, fallback: &Path) -> Store {
    let options = OpenOptions {
        hold_reserve: true,
        aside_fallback: Some(fallback.to_path_buf()),
        ..OpenOptions::default()
    };
    Store::open(path, "ccuser", clock(), &options).unwrap()
}

fn started() -> DateTime<Utc> {
    clock().now_utc()
}

/// Zoë Testa's database on the small disk; her patient id is 1.
fn zoe_on(disk: &SmallDisk) -> PathBuf {
    fixtures::zoe_db(disk.path())
}

/// Views of a patient in the audit trail: (recorded_at, agent).
fn views_of(path: &Path, patient: i64) -> Vec<(String, String)> {
    let conn = Connection::open(path).unwrap();
    let mut stmt = conn
        .prepare(
            "SELECT recorded_at, agent FROM audit_event
              WHERE action = 'R' AND entity_type = 'Patient' AND entity_id = ?1 ORDER BY id",
        )
        .unwrap();
    let rows = stmt
        .query_map([patient], |r| Ok((r.get(0)?, r.get(1)?)))
        .unwrap()
        .collect::<Result<_, _>>()
        .unwrap();
    rows
}

#[test]
fn a_draft_goes_to_the_database_while_the_reserve_lasts_then_aside_then_back() {
    let Some(mut disk) = SmallDisk::mount(24) else {
        return;
    };
    let other_disk = tempfile::tempdir().unwrap();
    let elsewhere = other_disk.path().join("kept");
    let path = zoe_on(&disk);
    let mut store = open_for_screen(&path, &elsewhere);
    let reserve = Reserve::beside(&path);
    assert!(reserve.is_held(), "room kept aside at open");
    let header = DraftHeader {
        outcome: Some(Outcome::Reached),
        ..DraftHeader::default()
    };

    disk.fill();
    assert!(disk.free_bytes() < 64 << 10, "the disk is full");
    let kept = store.keep_draft(1, &header, "Written on a full disk", started(), None);
    let DraftKept::Database(saved) = kept else {
        panic!("the reserve makes room for the draft: {kept:?}");
    };
    assert!(!reserve.is_held(), "the reserve was given to the disk");
    assert!(store.lacks_room_aside());

    disk.fill();
    let kept = store.keep_draft(
        1,
        &header,
        "Written on a full disk, and more once even the reserve was gone",
        started(),
        Some(saved.version),
    );
    let DraftKept::Aside { path: file, why } = kept else {
        panic!("kept aside: {kept:?}");
    };
    assert!(file.starts_with(&elsewhere), "on the other disk: {file:?}");
    assert!(why.contains("disk"), "{why}");
    assert_eq!(
        store.drafts_kept_aside()[0].body,
        "Written on a full disk, and more once even the reserve was gone"
    );
    // The record's view is audited aside too, and the record can be read.
    let viewed_at = started();
    assert!(matches!(store.record_view(1), ViewAudited::Aside(_)));
    assert!(store.patient(1).unwrap().is_some(), "still readable");
    let before = views_of(&path, 1).len();

    disk.free();
    let back = store.write_kept_aside(None).unwrap();
    assert_eq!((back.drafts, back.audits), (1, 1));
    assert_eq!(
        store.draft(1).unwrap().unwrap().body,
        "Written on a full disk, and more once even the reserve was gone"
    );
    let views = views_of(&path, 1);
    assert_eq!(views.len(), before + 1, "the view is in the trail");
    assert_eq!(
        views.last().unwrap(),
        &(
            viewed_at.format("%Y-%m-%dT%H:%M:%SZ").to_string(),
            "ccuser".to_string()
        ),
        "when it happened, by whom"
    );
    assert!(store.drafts_kept_aside().is_empty());
    assert!(!elsewhere.exists(), "nothing left aside");
    assert!(reserve.is_held(), "room kept aside again");
    assert!(!store.lacks_room_aside());
}

/// A screening's answers on a full disk: the room kept aside takes them,
/// and signing after it; nothing given is lost.
#[test]
fn a_screening_answered_on_a_full_disk_is_saved_and_signed() {
    let Some(mut disk) = SmallDisk::mount(24) else {
        return;
    };
    let other_disk = tempfile::tempdir().unwrap();
    let path = zoe_on(&disk);
    let mut store = open_for_screen(&path, &other_disk.path().join("kept"));
    let reserve = Reserve::beside(&path);
    let id = store.start_screening(1, "gad-2", "GAD-2", None).unwrap();
    let answer = |item: &str, position: usize| tend::store::SavedAnswer {
        item: item.into(),
        position,
        chosen: vec![1],
        label: Some("Several days".into()),
        score: Some(1),
        codes: vec!["LA6569-3".into()],
        text: None,
    };
    disk.fill();
    assert!(disk.free_bytes() < 64 << 10, "the disk is full");
    let answers = [answer("1", 0), answer("2", 1)];
    store.save_screening(id, &answers, 2, None).unwrap();
    assert!(!reserve.is_held(), "the reserve was given to the disk");
    store
        .sign_screening(id, &answers, Some(2), Some("negative"))
        .unwrap();
    drop(store);
    disk.free();
    let conn = Connection::open(&path).unwrap();
    let (status, saved): (String, i64) = conn
        .query_row(
            "SELECT status, (SELECT count(*) FROM screening_answer) FROM screening",
            [],
            |r| Ok((r.get(0)?, r.get(1)?)),
        )
        .unwrap();
    assert_eq!((status.as_str(), saved), ("completed", 2));
}

#[test]
fn a_database_on_a_full_disk_opens_read_only_and_views_are_still_audited() {
    let Some(mut disk) = SmallDisk::mount(16) else {
        return;
    };
    let elsewhere = tempfile::tempdir().unwrap();
    let path = zoe_on(&disk);
    let before = views_of(&path, 1).len();
    disk.fill();
    // No reserve was ever held for this database: nothing can make room.
    let mut store = open_for_screen(&path, elsewhere.path());
    let why = store.read_only().expect("opened read-only").to_string();
    assert!(why.contains("disk is full"), "{why}");
    let record = store.patient(1).unwrap().expect("the record is read");
    assert_eq!(record.given_name, "Zoë");
    assert!(matches!(
        store.save_draft(1, &DraftHeader::default(), "x", started(), None),
        Err(StoreError::ReadOnly)
    ));
    assert!(matches!(store.record_view(1), ViewAudited::Aside(_)));
    drop(store);

    disk.free();
    let mut store = open_for_screen(&path, elsewhere.path());
    assert_eq!(store.read_only(), None, "writable again");
    assert_eq!(store.write_kept_aside(None).unwrap().audits, 1);
    assert_eq!(views_of(&path, 1).len(), before + 1);
}

// ---------------------------------------------------------------------------
// As a coordinator meets it: typing on, the disk full, the link dropping.

/// A discharge summary pasted into the note: big enough that saving it
/// needs new room in SQLite's write-ahead log, whatever room it had.
fn summary(part: &str) -> String {
    (1..=1500)
        .map(|n| format!("{part} line {n} of the discharge summary\n"))
        .collect()
}

/// Pastes text as a terminal does (bracketed paste).
fn paste(tend: &mut Tend, text: &str) {
    tend.send(&format!("\x1b[200~{text}\x1b[201~"));
}

/// Whether the screen shows this text.
fn shows(screen: &vt100::Screen, text: &str) -> bool {
    words(screen).contains(text)
}

fn kept_file(home: &Path) -> PathBuf {
    home.join(".local/share/tend/kept/draft-ccuser-1.json")
}

#[test]
fn a_note_typed_while_the_disk_fills_survives_a_hang_up_and_comes_back() {
    let Some(mut disk) = SmallDisk::mount(24) else {
        return;
    };
    let path = zoe_on(&disk);
    let db = path.to_str().unwrap();
    let mut tend = Tend::start(Options::new(80, 24), &["--db", db]);
    tend.wait_for_panes();
    let home = tend.home().to_path_buf();
    assert!(Reserve::beside(&path).is_held());

    tend.send("nFirst words before the disk filled.");
    tend.wait_for("the first words", |s| {
        shows(s, "First words before the disk filled.")
    });
    disk.fill();
    paste(&mut tend, &summary("first"));
    tend.send(" Then it filled.");
    tend.wait_for("the badge: tend has used its reserve", |s| {
        status_line(s).contains("DISK FULL") && shows(s, "Then it filled.")
    });
    disk.fill();
    paste(&mut tend, &summary("second"));
    tend.send(" And filled again.");
    let screen = tend.wait_for("the editor saying where the note is", |s| {
        shows(
            s,
            "NOT IN THE RECORD YET (disk full: free some space): kept in",
        )
    });
    assert!(shows(&screen, "And filled again."), "{}", framed(&screen));

    // The link drops with the note on screen.
    tend.hang_up();
    tend.wait_exit();
    let whole = format!(
        "First words before the disk filled.{} Then it filled.{} And filled again.",
        summary("first"),
        summary("second")
    );
    let kept: serde_json::Value =
        serde_json::from_slice(&std::fs::read(kept_file(&home)).expect("the note kept aside"))
            .unwrap();
    assert_eq!(kept["body"], whole.as_str(), "every word kept aside");

    // Room again: the next start takes it into the database and offers it.
    disk.free();
    let mut again = Tend::start_in(Options::new(80, 24), &["--db", db], home.clone());
    again.wait_for("the draft offered", |s| {
        status_line(s).contains("A draft note for Testa, Zoë was not signed: d reopens")
    });
    again.send("d");
    again.wait_for("the note reopened, its end on screen", |s| {
        shows(s, "second line 1500 of the discharge summary") && shows(s, "And filled again.")
    });
    again.send(ESC);
    again.wait_for("the draft kept, the editor closed", |s| {
        status_line(s).contains("Draft saved")
    });
    again.send("q");
    assert!(again.wait_exit().success());
    let body: String = Connection::open(&path)
        .unwrap()
        .query_row(
            "SELECT body FROM communication WHERE status = 'preparation'",
            [],
            |r| r.get(0),
        )
        .unwrap();
    assert_eq!(body, whole, "every word in the database");
    assert!(!kept_file(&home).exists(), "nothing left aside");
    let started = Instant::now();
    while !Reserve::beside(&path).is_held() {
        assert!(started.elapsed() < DEADLINE, "the reserve is held again");
        std::thread::sleep(POLL_EVERY);
    }
}

/// The screen on a database whose disk filled before tend started: the
/// caseload, the record and its flags, and a banner; the view audited in a
/// file until there is room.
#[test]
fn on_a_full_disk_the_record_is_shown_with_a_banner_and_its_view_kept_aside() {
    let Some(mut disk) = SmallDisk::mount(16) else {
        return;
    };
    let other_disk = tempfile::tempdir().unwrap();
    let path = zoe_on(&disk);
    open(&path, "ccuser")
        .add_flag(1, FlagKind::Safety, "Two-person home visits only")
        .unwrap();
    disk.fill();
    let store = open_for_screen(&path, &other_disk.path().join("kept"));
    let config = tend::app::Settings::defaults("ccuser");
    let mut app = tend::app::App::new(store, &config, false).unwrap();
    app.resize(100, 30);
    let screen = screen(&mut app);
    assert!(screen.contains("Zoë Testa"), "the record:\n{screen}");
    assert!(
        screen.contains("SAFETY: Two-person home visits only"),
        "its safety flag:\n{screen}"
    );
    assert!(screen.contains(" READ-ONLY "), "the banner:\n{screen}");
    assert!(screen.contains("⚠ audit aside"), "{screen}");
    let kept = std::fs::read_to_string(other_disk.path().join("kept/audit-ccuser.jsonl"))
        .expect("the view's audit row kept aside");
    assert!(kept.contains("\"entity_type\":\"Patient\""), "{kept}");
}
