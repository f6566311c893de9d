//! A note's text is the paragraphs typed: the editor wraps a long paragraph
//! on screen only, so what is stored does not depend on the width of the
//! terminal it was typed in. Driven by keys over a real database.

mod common;
mod fixtures;

use std::path::Path;

use common::{app, ctrl, keys, press, screen};
use crossterm::event::{KeyCode, KeyEvent, KeyModifiers};
use fixtures::zoe_db as db;
use rusqlite::Connection;
use tend::app::editor::{CallSheet, NoteEditor};
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

/// A long paragraph, signed and read in the notes' view, scrolls to its
/// last word: the view counts its rows as they wrap, at words.
#[test]
fn a_long_paragraph_is_read_to_its_end_in_the_notes_view() {
    let dir = tempfile::tempdir().unwrap();
    let mut app = app(&db(dir.path()));
    app.resize(80, 24);
    press(&mut app, KeyCode::Char('n'));
    press(&mut app, KeyCode::Tab);
    keys(&mut app, "popr");
    let paragraph = "Discussed the prior authorization, transportation, \
                     pharmacy reconciliation and appointment. "
        .repeat(30);
    app.paste(&paragraph);
    keys(&mut app, "THE END");
    ctrl(&mut app, 's');
    press(&mut app, KeyCode::Esc);
    press(&mut app, KeyCode::Char('2'));
    press(&mut app, KeyCode::Enter);
    press(&mut app, KeyCode::Enter);
    assert!(!screen(&mut app).contains("THE END"), "below the fold");
    for _ in 0..100 {
        press(&mut app, KeyCode::Char('j'));
    }
    let shown = screen(&mut app);
    assert!(shown.contains("THE END"), "{shown}");
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

// ---------------------------------------------------------------------------
// The editor's text area alone, drawn 20 columns wide.

fn editor() -> NoteEditor {
    let now = chrono::DateTime::parse_from_rfc3339("2026-11-24T14:00:00Z")
        .unwrap()
        .to_utc();
    NoteEditor::new(1, CallSheet::default(), None, now)
}

fn key(code: KeyCode) -> KeyEvent {
    KeyEvent::new(code, KeyModifiers::NONE)
}

/// The text area drawn `width` columns wide: its rows, and where the
/// cursor (a reversed cell) is.
fn draw(e: &NoteEditor, width: u16, height: u16) -> (Vec<String>, Option<(u16, u16)>) {
    use ratatui::buffer::Buffer;
    use ratatui::layout::Rect;
    use ratatui::style::Modifier;
    use ratatui::widgets::Widget;
    let area = Rect::new(0, 0, width, height);
    let mut buffer = Buffer::empty(area);
    (&e.body).render(area, &mut buffer);
    let mut rows = Vec::new();
    let mut cursor = None;
    for y in 0..height {
        let mut row = String::new();
        let mut skip = 0;
        for x in 0..width {
            let cell = &buffer[(x, y)];
            if cell.modifier.contains(Modifier::REVERSED) {
                cursor = Some((y, x));
            }
            if skip > 0 {
                skip -= 1;
                continue;
            }
            row.push_str(cell.symbol());
            skip = unicode_width::UnicodeWidthStr::width(cell.symbol()).saturating_sub(1);
        }
        rows.push(row.trim_end().to_string());
    }
    (rows, cursor)
}

#[test]
fn a_long_paragraph_is_stored_whole_and_wrapped_only_on_screen() {
    let mut e = editor();
    let sentence = "Spoke with Zoë about the café voucher and 美玲's ride 👋 today";
    for c in sentence.chars() {
        press_editor(&mut e, key(KeyCode::Char(c)));
        draw(&e, 20, 5);
    }
    assert_eq!(e.text(), sentence, "no line break where it wraps");
    assert!(e.is_dirty());
    let (rows, cursor) = draw(&e, 20, 5);
    // The crate's word wrap moves the space a row ends on to the start
    // of the next row when it does not fit.
    assert_eq!(
        rows,
        [
            "Spoke with Zoë about",
            " the café voucher",
            "and 美玲's ride 👋",
            "today",
            ""
        ]
    );
    assert_eq!(cursor, Some((3, 5)), "after the last word");

    // Up and down go by rows on screen and keep the column; a wide
    // character the column falls inside takes the cursor to its start.
    press_editor(&mut e, key(KeyCode::Up));
    press_editor(&mut e, key(KeyCode::Char('X')));
    press_editor(&mut e, key(KeyCode::Up));
    press_editor(&mut e, key(KeyCode::Char('Y')));
    assert_eq!(
        draw(&e, 20, 5).0[1..3],
        [" the Ycafé voucher", "and X美玲's ride 👋"]
    );
    press_editor(&mut e, key(KeyCode::Down));
    press_editor(&mut e, key(KeyCode::Down));
    press_editor(&mut e, key(KeyCode::Char('!')));
    assert_eq!(
        e.text(),
        "Spoke with Zoë about the Ycafé voucher and X美玲's ride 👋 today!"
    );
    assert_eq!(draw(&e, 20, 5).1, Some((3, 6)));
}

#[test]
fn a_word_longer_than_the_row_is_cut_and_a_wide_character_never_split() {
    let mut e = editor();
    for c in "abcdefghijklmnopqrs美 x".chars() {
        press_editor(&mut e, key(KeyCode::Char(c)));
        draw(&e, 20, 3);
    }
    assert_eq!(
        draw(&e, 20, 3),
        (
            vec!["abcdefghijklmnopqrs".into(), "美 x".into(), "".into()],
            Some((1, 4))
        )
    );
    press_editor(&mut e, key(KeyCode::Enter));
    press_editor(&mut e, key(KeyCode::Char('y')));
    assert_eq!(
        e.text(),
        "abcdefghijklmnopqrs美 x\ny",
        "Enter starts a paragraph"
    );
}

/// A key as the app gives the editor: read by the default keymap first.
fn press_editor(editor: &mut NoteEditor, key: KeyEvent) -> tend::app::editor::EditorEvent {
    let command = tend::app::keymap::Keymap::default().command(editor.context(), &key);
    editor.key(command, key)
}
