//! The screen's lock (issue 15, item 5): Ctrl-L from any layer, the lock
//! after `lock_after_minutes` without a key, a first passphrase chosen at
//! the first Ctrl-L, no patient data on the screen while locked (the whole
//! buffer read), an open note saved first and back untouched, refused
//! unlocks audited and the fifth leaving tend, a resize that keeps the lock;
//! then the real binary in a pseudo-terminal locking by itself.

mod common;
mod fixtures;

use std::time::{Duration, Instant};

use crossterm::event::KeyCode;
use rusqlite::Connection;
use tend::app::lock::Stage;

use common::{app_80x24_at_once as app, ctrl, keys, message, press, screen};
use fixtures::zoe_db as db;

/// What identifies Zoë (or tells anything of her) on the screen.
const HERS: [&str; 5] = ["Testa", "Zoë", "SYN1", "555-0100", "outreach"];

fn assert_shows_nothing_of_hers(screen: &str) {
    for word in HERS {
        assert!(
            !screen.contains(word),
            "{word:?} shows while locked:\n{screen}"
        );
    }
    assert!(screen.contains("tend is locked"), "{screen}");
}

/// The audit rows of the session's own events, oldest first.
fn session_events(path: &std::path::Path) -> Vec<String> {
    let conn = Connection::open(path).unwrap();
    let mut stmt = conn
        .prepare("SELECT detail FROM audit_event WHERE entity_type = 'Practitioner' ORDER BY id")
        .unwrap();
    stmt.query_map([], |r| r.get(0))
        .unwrap()
        .map(Result::unwrap)
        .collect()
}

/// The text of the draft note kept in the database.
fn draft_body(path: &std::path::Path) -> String {
    Connection::open(path)
        .unwrap()
        .query_row(
            "SELECT body FROM communication WHERE status = 'preparation'",
            [],
            |r| r.get(0),
        )
        .unwrap()
}

fn stage(app: &tend::app::App) -> Option<Stage> {
    app.lock_screen().map(|l| l.stage.clone())
}

/// Ctrl-L, a first passphrase chosen (twice), and unlocked with it.
fn choose_passphrase(app: &mut tend::app::App, passphrase: &str) {
    ctrl(app, 'l');
    assert_eq!(stage(app), Some(Stage::Choose { first: None }));
    keys(app, passphrase);
    press(app, KeyCode::Enter);
    keys(app, passphrase);
    press(app, KeyCode::Enter);
    assert_eq!(stage(app), Some(Stage::Unlock));
    keys(app, passphrase);
    press(app, KeyCode::Enter);
    assert_eq!(stage(app), None, "unlocked");
}

#[test]
fn the_first_ctrl_l_chooses_a_passphrase_and_the_screen_shows_nothing_of_any_patient() {
    let dir = tempfile::tempdir().unwrap();
    let path = db(dir.path());
    let mut app = app(&path);
    assert!(screen(&mut app).contains("Testa, Zoë"));
    ctrl(&mut app, 'l');
    let locked = screen(&mut app);
    assert_shows_nothing_of_hers(&locked);
    assert!(
        locked.contains("No passphrase is set for you yet"),
        "{locked}"
    );
    assert!(
        locked.contains("Enter takes it · Esc does not lock"),
        "{locked}"
    );
    // Too short: said, and asked again.
    keys(&mut app, "short");
    press(&mut app, KeyCode::Enter);
    assert!(screen(&mut app).contains("Not taken: a passphrase needs at least 8 characters"));
    // Two that differ: chosen again.
    keys(&mut app, "correct horse");
    press(&mut app, KeyCode::Enter);
    keys(&mut app, "correct hoarse");
    let again = screen(&mut app);
    assert!(again.contains("Again: ••••••••••••••"), "{again}");
    assert!(!again.contains("hoarse"), "what is typed is never drawn");
    press(&mut app, KeyCode::Enter);
    assert!(screen(&mut app).contains("The two did not match: choose it again"));
    keys(&mut app, "correct horse");
    press(&mut app, KeyCode::Enter);
    keys(&mut app, "correct horse");
    press(&mut app, KeyCode::Enter);
    assert!(screen(&mut app).contains("Passphrase kept. Type it to unlock"));
    // Only the hash is kept.
    let kept: String = Connection::open(&path)
        .unwrap()
        .query_row(
            "SELECT phc FROM unlock_secret WHERE username = 'ccuser'",
            [],
            |r| r.get(0),
        )
        .unwrap();
    assert!(
        kept.starts_with("$argon2id$") && !kept.contains("correct"),
        "{kept}"
    );
    // A wrong one, refused without saying what was wrong; then the right one.
    keys(&mut app, "correct horsE");
    press(&mut app, KeyCode::Enter);
    let refused = screen(&mut app);
    assert!(
        refused.contains("That is not your passphrase (4 tries left)"),
        "{refused}"
    );
    assert_shows_nothing_of_hers(&refused);
    keys(&mut app, "correct horse");
    press(&mut app, KeyCode::Enter);
    assert!(app.lock_screen().is_none());
    assert!(screen(&mut app).contains("Testa, Zoë"));
    assert_eq!(
        session_events(&path),
        [
            "screen locked",
            "unlock passphrase set",
            "unlock refused (1 of 5)",
            "screen unlocked"
        ]
    );
}

#[test]
fn esc_while_choosing_a_first_passphrase_does_not_lock() {
    let dir = tempfile::tempdir().unwrap();
    let path = db(dir.path());
    let mut app = app(&path);
    ctrl(&mut app, 'l');
    press(&mut app, KeyCode::Esc);
    assert!(app.lock_screen().is_none());
    assert_eq!(message(&app), "Not locked: no passphrase was chosen");
}

#[test]
fn a_note_being_written_is_saved_at_the_lock_and_back_untouched_after() {
    let dir = tempfile::tempdir().unwrap();
    let path = db(dir.path());
    let mut app = app(&path);
    choose_passphrase(&mut app, "correct horse");
    press(&mut app, KeyCode::Char('n'));
    let words = "Spoke with her about the bus pass and the pharmacy";
    keys(&mut app, words);
    // Ctrl-L from the editor, where letters are text.
    ctrl(&mut app, 'l');
    assert_shows_nothing_of_hers(&screen(&mut app));
    assert!(!screen(&mut app).contains("bus pass"));
    let saved = draft_body(&path);
    assert_eq!(saved, words, "saved before the lock");
    // A resize while locked keeps the lock.
    app.resize(120, 40);
    assert_shows_nothing_of_hers(&screen(&mut app));
    // A paste goes into the passphrase, never into the note under the lock.
    app.paste("written by someone else");
    assert!(screen(&mut app).contains("Passphrase: •••••••••••••••••••••••"));
    press(&mut app, KeyCode::Esc);
    keys(&mut app, "correct horse");
    press(&mut app, KeyCode::Enter);
    let editor = app.editor().expect("the editor is still open");
    assert_eq!(editor.text(), words);
    // And it still takes text where it left off.
    keys(&mut app, ".");
    assert_eq!(app.editor().unwrap().text(), format!("{words}."));
}

#[test]
fn an_idle_screen_locks_itself_after_lock_after_minutes() {
    let dir = tempfile::tempdir().unwrap();
    let path = db(dir.path());
    let mut app = app(&path);
    choose_passphrase(&mut app, "correct horse");
    let now = Instant::now();
    assert!(!app.lock_if_idle(now + Duration::from_secs(14 * 60)));
    assert!(app.lock_screen().is_none());
    assert!(app.lock_if_idle(now + Duration::from_secs(15 * 60 + 1)));
    let locked = screen(&mut app);
    assert_shows_nothing_of_hers(&locked);
    assert!(
        locked.contains("Locked after 15 minutes without a key."),
        "{locked}"
    );
    assert_eq!(
        session_events(&path).last().map(String::as_str),
        Some("screen locked after 15 minutes without a key")
    );
}

#[test]
fn an_idle_lock_with_no_passphrase_set_can_only_save_and_leave() {
    let dir = tempfile::tempdir().unwrap();
    let path = db(dir.path());
    let mut app = app(&path);
    press(&mut app, KeyCode::Char('n'));
    keys(&mut app, "Left a voicemail");
    assert!(app.lock_if_idle(Instant::now() + Duration::from_secs(16 * 60)));
    assert_eq!(stage(&app), Some(Stage::CannotUnlock));
    let locked = screen(&mut app);
    assert_shows_nothing_of_hers(&locked);
    assert!(locked.contains("tend cannot tell who is"), "{locked}");
    // Nothing typed unlocks it.
    keys(&mut app, "anything at all");
    assert!(app.lock_screen().is_some());
    press(&mut app, KeyCode::Enter);
    assert!(app.should_quit());
    let saved = draft_body(&path);
    assert_eq!(saved, "Left a voicemail");
}

#[test]
fn the_fifth_refused_unlock_saves_everything_and_leaves() {
    let dir = tempfile::tempdir().unwrap();
    let path = db(dir.path());
    let mut app = app(&path);
    choose_passphrase(&mut app, "correct horse");
    press(&mut app, KeyCode::Char('n'));
    keys(&mut app, "Called twice");
    ctrl(&mut app, 'l');
    for n in 1..=4 {
        keys(&mut app, "guess");
        press(&mut app, KeyCode::Enter);
        assert!(!app.should_quit(), "after {n}");
    }
    assert!(screen(&mut app).contains("(1 try left)"));
    keys(&mut app, "guess");
    press(&mut app, KeyCode::Enter);
    assert!(app.should_quit());
    let events = session_events(&path);
    assert_eq!(
        events[events.len() - 6..],
        [
            "unlock refused (1 of 5)",
            "unlock refused (2 of 5)",
            "unlock refused (3 of 5)",
            "unlock refused (4 of 5)",
            "unlock refused (5 of 5)",
            "left after five refused unlocks"
        ]
    );
    let saved = draft_body(&path);
    assert_eq!(saved, "Called twice");
}

#[test]
fn the_lock_screen_at_80x24() {
    let dir = tempfile::tempdir().unwrap();
    let path = db(dir.path());
    let mut app = app(&path);
    choose_passphrase(&mut app, "correct horse");
    ctrl(&mut app, 'l');
    keys(&mut app, "corr");
    insta::assert_snapshot!(screen(&mut app));
}

/// The real binary in a terminal, with `lock_after_minutes = 0.05` (three
/// seconds): the passphrase chosen at Ctrl-L, then, left alone, the screen
/// locks by itself, shows nothing of Zoë, and her passphrase brings her back.
#[test]
fn in_a_terminal_an_idle_screen_locks_and_unlocks() {
    use common::{Options, Tend, ENTER};
    let dir = tempfile::tempdir().unwrap();
    let path = db(dir.path());
    let config = dir.path().join("config.toml");
    std::fs::write(&config, "user = \"ccuser\"\nlock_after_minutes = 0.05\n").unwrap();
    let mut tend = Tend::start(
        Options::new(80, 24),
        &[
            "--db",
            path.to_str().unwrap(),
            "--config",
            config.to_str().unwrap(),
        ],
    );
    tend.wait_for("Zoë in the caseload", |s| {
        common::framed(s).contains("Testa, Zoë")
    });
    tend.send("\x0c"); // Ctrl-L
    tend.wait_for("the first passphrase asked for", |s| {
        common::framed(s).contains("No passphrase is set for you yet")
    });
    tend.send(&format!(
        "correct horse{ENTER}correct horse{ENTER}correct horse{ENTER}"
    ));
    tend.wait_for("unlocked", |s| common::framed(s).contains("Testa, Zoë"));
    // Left alone: no key for three seconds.
    let locked = tend.wait_for("the idle lock", |s| {
        common::framed(s).contains("Locked after 0.05 minutes without a key.")
    });
    let text = common::framed(&locked);
    for word in HERS {
        assert!(!text.contains(word), "{word:?} shows while locked:\n{text}");
    }
    tend.send(&format!("correct horse{ENTER}"));
    tend.wait_for("unlocked again", |s| {
        common::framed(s).contains("Testa, Zoë")
    });
    tend.send("q");
    assert!(tend.wait_exit().success());
}
