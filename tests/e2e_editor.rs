//! End to end: the note editor in a real pseudo-terminal (the harness is in
//! `common/`), for what the terminal libraries leave to tend: the cursor
//! among wide characters (CJK, emoji), drawn in reverse video since the
//! terminal's own cursor is hidden, and an arrow key whose Esc arrives
//! apart from the rest of it, as over a slow link.

mod common;
mod fixtures;

use std::path::Path;
use std::time::Duration;

use common::*;
use fixtures::zoe_db as db;
use vt100::Screen;

/// The editor's title: " Note for Zoë Testa ".
const EDITOR: &str = "Note for Zoë Testa";

/// The first row of the note's text: below the header (two rows) and the
/// hint (two rows).
const TEXT_ROW: u16 = 5;

/// The first row of the note's text, and the column, counted from the
/// text's left edge, of the cell drawn as the cursor (in reverse video).
fn first_row(screen: &Screen) -> Option<(String, Option<u16>)> {
    let pane = find_pane(screen, EDITOR)?;
    let row = pane.top + TEXT_ROW;
    let cursor = (pane.left + 1..pane.right)
        .find(|&col| screen.cell(row, col).is_some_and(|cell| cell.inverse()))
        .map(|col| col - pane.left - 1);
    Some((pane.line(screen, row).trim_end().to_string(), cursor))
}

/// What the cursor cell holds.
fn under_cursor(screen: &Screen) -> String {
    let pane = find_pane(screen, EDITOR).unwrap();
    let (_, col) = first_row(screen).unwrap();
    let col = pane.left + 1 + col.expect("a cursor");
    screen.cell(pane.top + TEXT_ROW, col).unwrap().contents()
}

fn wait_for_text(tend: &Tend, text: &str, cursor: u16) -> Screen {
    tend.wait_for(&format!("{text:?} with the cursor at {cursor}"), |s| {
        first_row(s) == Some((text.to_string(), Some(cursor)))
    })
}

fn draft_body(path: &Path) -> Option<String> {
    rusqlite::Connection::open(path)
        .unwrap()
        .query_row(
            "SELECT body FROM communication WHERE status = 'preparation'",
            [],
            |r| r.get(0),
        )
        .ok()
}

#[test]
fn the_cursor_keeps_its_place_among_wide_characters_and_split_arrows_move_it() {
    let dir = tempfile::tempdir().unwrap();
    let path = db(dir.path());
    let mut tend = Tend::start(Options::new(80, 24), &["--db", path.to_str().unwrap()]);
    tend.wait_for("the caseload", |s| {
        caseload(s).is_some_and(|c| c.selected.as_deref() == Some("Testa, Zoë"))
    });
    tend.send("n");
    tend.wait_for("the note editor", |s| {
        words(s).contains("Type the note; it is saved as you type.")
    });

    // 美 and 玲 take two columns each, the space one, 👋 two (columns 5
    // and 6): the cursor after "ab" is at column 9.
    tend.send("美玲 👋ab");
    wait_for_text(&tend, "美玲 👋ab", 9);

    // Left, three times, each with its Esc sent apart from "[D": joined
    // back into the arrow, not read as Esc (which would close the editor).
    for _ in 0..3 {
        tend.send(ESC);
        std::thread::sleep(Duration::from_millis(10));
        tend.send("[D");
    }
    let screen = wait_for_text(&tend, "美玲 👋ab", 5);
    assert_eq!(under_cursor(&screen), "👋", "\n{}", framed(&screen));

    // A key typed goes where the cursor is shown.
    tend.send("X");
    let screen = wait_for_text(&tend, "美玲 X👋ab", 6);
    assert_eq!(under_cursor(&screen), "👋");
    tend.send(ESC);
    tend.wait_for("the draft kept", |s| {
        words(s).contains("Draft saved; n on this patient reopens it")
    });
    assert_eq!(draft_body(&path).as_deref(), Some("美玲 X👋ab"));
}
