//! A note's text is the paragraphs typed: the editor wraps a long paragraph
//! on screen only, so what is stored does not depend on the width of the
//! terminal it was typed in. Driven by keys over a real database.

mod common;
mod fixtures;

use std::path::Path;

use common::{app, ctrl, keys, press, screen};
use crossterm::event::KeyCode;
use fixtures::zoe_db as db;
use rusqlite::Connection;
use tend::app::App;

/// Wider than the editor at 80 columns (77 columns of text).
const PARAGRAPH: &str =
    "Spoke with Zoë and her son about the refill the pharmacy could not fill on \
                         Monday because the prior authorization had lapsed; she will call the plan \
                         tomorrow morning and ring back.";

/// A word longer than the row: cut where the row ends.
const LONG_WORD: &str =
    "Authorization PA20261124000000000000000000000000000000000000000000000000000000000000000000ZT, renewed.";

/// Types `text` a key at a time, drawing the screen after each key as the
/// terminal does.
fn type_drawn(app: &mut App, text: &str) {
    for c in text.chars() {
        press(app, KeyCode::Char(c));
        screen(app);
    }
}

/// The body of the one note (draft or signed), and its status.
fn the_note(path: &Path) -> (String, String) {
    Connection::open(path)
        .unwrap()
        .query_row("SELECT status, body FROM communication", [], |r| {
            Ok((r.get(0)?, r.get(1)?))
        })
        .unwrap()
}

/// The editor's rows of text on an 80x24 screen (below its header and
/// hint), without the trailing spaces and empty rows.
fn text_rows(screen: &str) -> Vec<String> {
    let rows: Vec<&str> = screen.lines().collect();
    let top = rows
        .iter()
        .position(|r| r.contains("Note for Zoë Testa"))
        .expect("the editor");
    let mut text: Vec<String> = rows[top + 5..rows.len() - 2]
        .iter()
        .map(|r| {
            let inner: String = r.chars().skip(1).collect();
            inner.trim_end_matches([' ', '┃']).to_string()
        })
        .collect();
    while text.last().is_some_and(String::is_empty) {
        text.pop();
    }
    text
}

#[test]
fn a_paragraph_typed_past_the_screen_width_is_stored_as_one_line() {
    let dir = tempfile::tempdir().unwrap();
    let path = db(dir.path());
    let mut app = app(&path);
    app.resize(80, 24);
    press(&mut app, KeyCode::Char('n'));
    type_drawn(&mut app, PARAGRAPH);
    let shown = text_rows(&screen(&mut app));
    assert_eq!(shown.len(), 3, "wrapped on screen: {shown:#?}");
    assert_eq!(shown.join(" "), PARAGRAPH, "at spaces, none lost");
    assert!(shown.iter().all(|row| row.chars().count() <= 77));

    // Enter starts a paragraph.
    press(&mut app, KeyCode::Enter);
    type_drawn(&mut app, "Bus pass renewed.");
    press(&mut app, KeyCode::Esc);
    let draft = format!("{PARAGRAPH}\nBus pass renewed.");
    assert_eq!(the_note(&path), ("preparation".into(), draft.clone()));

    // Reopened in a wider terminal: the same text, fewer rows.
    app.resize(140, 40);
    press(&mut app, KeyCode::Char('n'));
    assert_eq!(app.editor().unwrap().text(), draft);
    press(&mut app, KeyCode::Tab);
    keys(&mut app, "popr");
    ctrl(&mut app, 's');
    assert!(app.editor().is_none(), "signed");
    assert_eq!(the_note(&path), ("completed".into(), draft));
}

#[test]
fn a_draft_stored_with_line_breaks_keeps_them() {
    let dir = tempfile::tempdir().unwrap();
    let path = db(dir.path());
    let mut app = app(&path);
    press(&mut app, KeyCode::Char('n'));
    keys(&mut app, "x");
    press(&mut app, KeyCode::Esc);
    // As the editor stored a wrapped paragraph before the wrap was soft: a
    // newline where the screen wrapped it.
    let before = "Spoke with Zoë about the refill and\nthe bus pass.";
    Connection::open(&path)
        .unwrap()
        .execute("UPDATE communication SET body = ?1", [before])
        .unwrap();
    press(&mut app, KeyCode::Char('n'));
    type_drawn(&mut app, " Done.");
    press(&mut app, KeyCode::Esc);
    assert_eq!(the_note(&path).1, format!("{before} Done."));
}

#[test]
fn the_editor_wraps_a_paragraph_at_80x24() {
    let dir = tempfile::tempdir().unwrap();
    let mut app = app(&db(dir.path()));
    app.resize(80, 24);
    press(&mut app, KeyCode::Char('n'));
    type_drawn(&mut app, PARAGRAPH);
    press(&mut app, KeyCode::Enter);
    type_drawn(&mut app, LONG_WORD);
    let screen = screen(&mut app);
    insta::assert_snapshot!("editor_soft_wrap_80x24", screen);
    assert_eq!(
        app.editor().unwrap().text(),
        format!("{PARAGRAPH}\n{LONG_WORD}")
    );
}
