//! Every layer's keys come from the keymap: a `[keys]` rebinding in the
//! config changes what the editor, a form, a prompt and an overlay answer,
//! and what their frames and `?` say. Driven by keys over a real database.

mod common;
mod fixtures;

use std::path::Path;

use common::{app_with, keys, press, screen};
use crossterm::event::{KeyCode, KeyEvent, KeyModifiers};
use fixtures::zoe_db as db;
use rusqlite::Connection;
use tend::app::{App, Settings};
use tend::config::Config;

const REBOUND: &str = r#"
[keys]
editor_sign = "alt-s"
editor_help = "f2"
line_submit = "ctrl-g"
timeline_open = "o"
"#;

fn settings() -> Settings {
    let config = Config::parse(REBOUND, Path::new("config.toml"), Some("ccuser".into())).unwrap();
    Settings::from_config(&config).unwrap()
}

fn with(app: &mut App, code: KeyCode, modifiers: KeyModifiers) {
    app.handle_key(KeyEvent::new(code, modifiers));
}

fn signed_notes(path: &Path) -> Vec<String> {
    let conn = Connection::open(path).unwrap();
    let mut stmt = conn
        .prepare("SELECT body FROM communication WHERE status = 'completed' ORDER BY id")
        .unwrap();
    let rows = stmt
        .query_map([], |r| r.get(0))
        .unwrap()
        .collect::<Result<_, _>>()
        .unwrap();
    rows
}

#[test]
fn the_editor_signs_with_the_rebound_key_only_and_says_so() {
    let dir = tempfile::tempdir().unwrap();
    let path = db(dir.path());
    let before = signed_notes(&path).len();
    let mut app = app_with(&path, &settings(), 160, 40);
    press(&mut app, KeyCode::Char('n'));
    // The header chosen through Tab (phone, outbound, patient, reached).
    press(&mut app, KeyCode::Tab);
    keys(&mut app, "popr");
    keys(&mut app, "Reached her about the refill.");
    let shown = screen(&mut app);
    assert!(
        shown.contains("Alt-s sign"),
        "the frame says the new key: {shown}"
    );
    assert!(!shown.contains("Ctrl-S sign"), "{shown}");

    // The old key signs nothing now.
    with(&mut app, KeyCode::Char('s'), KeyModifiers::CONTROL);
    assert!(app.editor().is_some(), "Ctrl-S no longer signs");
    assert_eq!(signed_notes(&path).len(), before);

    // F1 is rebound to F2: F1 is no longer the editor's help.
    press(&mut app, KeyCode::F(1));
    assert!(app.overlay().is_none());
    press(&mut app, KeyCode::F(2));
    let help = screen(&mut app);
    assert!(help.contains("In the note editor"), "{help}");
    assert!(help.contains("Alt-s"), "{help}");
    press(&mut app, KeyCode::Esc);

    with(&mut app, KeyCode::Char('s'), KeyModifiers::ALT);
    assert!(app.editor().is_none(), "Alt-S signs");
    let notes = signed_notes(&path);
    assert_eq!(notes.len(), before + 1);
    assert_eq!(notes.last().unwrap(), "Reached her about the refill.");
}

#[test]
fn a_prompt_and_an_overlay_answer_their_rebound_keys() {
    let dir = tempfile::tempdir().unwrap();
    let path = db(dir.path());
    let mut app = app_with(&path, &settings(), 100, 30);
    // The command line: Enter no longer runs it, Ctrl-G does.
    press(&mut app, KeyCode::Char(':'));
    let shown = screen(&mut app);
    assert!(shown.contains("Ctrl-G does it"), "{shown}");
    keys(&mut app, "search refill");
    press(&mut app, KeyCode::Enter);
    assert!(app.prompt().is_some(), "Enter is not the prompt's key now");
    with(&mut app, KeyCode::Char('g'), KeyModifiers::CONTROL);
    assert!(app.prompt().is_none(), "Ctrl-G ran the search");
    if app.overlay().is_some() {
        press(&mut app, KeyCode::Esc);
    }

    // A note to show, signed with the rebound key.
    press(&mut app, KeyCode::Char('n'));
    press(&mut app, KeyCode::Tab);
    keys(&mut app, "poprReached her.");
    with(&mut app, KeyCode::Char('s'), KeyModifiers::ALT);
    if app.overlay().is_some() {
        press(&mut app, KeyCode::Esc); // what the note calls for: skipped
    }
    // The timeline opens a note with `o`, and says so.
    press(&mut app, KeyCode::Char('2'));
    press(&mut app, KeyCode::Enter);
    assert!(matches!(
        app.overlay(),
        Some(tend::app::Overlay::Timeline { .. })
    ));
    let shown = screen(&mut app);
    assert!(shown.contains("o reads one"), "{shown}");
    press(&mut app, KeyCode::Char('o'));
    assert!(matches!(
        app.overlay(),
        Some(tend::app::Overlay::Note { .. })
    ));
}
