//! End to end: notes written in the built `tend` binary, in a real
//! pseudo-terminal (the harness is in `common/`), checked in the database
//! afterwards: a note typed and signed, and drafts that outlive Esc, `q`, a
//! killed process, SIGTERM and a terminal that hangs up.

mod common;
mod fixtures;

use fixtures::zoe_db as db;

use std::path::Path;
use std::time::Instant;

use common::start_on_zoe as start;
use common::*;
use rusqlite::Connection;
use vt100::Screen;

/// Ctrl-S, as a terminal in raw mode sends it.
const CTRL_S: &str = "\x13";

/// The editor's title: " Note for Zoë Testa ".
const EDITOR: &str = "Note for Zoë Testa";

/// A sentence longer than the editor is wide. At 80 columns the text is 77
/// columns wide (the editor's inner width, 78, less the column kept for the
/// cursor) and wraps on screen at the last space that fits: LINE_1 and its
/// space on the first row, LINE_2 on the next. The note stores the sentence
/// as typed, on one line.
const LINE_1: &str = "Called the mobile and the home numbers at nine; no answer on either and the";
const LINE_2: &str = "voicemail box was full.";

/// Columns of the note's text at 80 columns.
const TEXT_WIDTH: usize = 77;

/// A sentence that fits on one line.
const SHORT: &str = "Talked about the housing application and the food pantry.";

// ---------------------------------------------------------------------------
// The database.

/// A note as the `communication` table holds it.
#[derive(Debug, Clone, PartialEq, Eq)]
struct Note {
    status: String,
    medium: String,
    direction: String,
    recipient: String,
    outcome: String,
    body: String,
}

/// What `n` `p` `o` `p` `n` records: an outbound call to the patient, no
/// answer.
fn no_answer_call(status: &str, body: &str) -> Note {
    Note {
        status: status.into(),
        medium: "phone".into(),
        direction: "outbound".into(),
        recipient: "patient".into(),
        outcome: "no-answer".into(),
        body: body.into(),
    }
}

fn connect(path: &Path) -> Connection {
    let conn = Connection::open(path).unwrap();
    // tend may be writing while the test reads.
    conn.busy_timeout(DEADLINE).unwrap();
    conn
}

/// Every note, oldest first.
fn notes_in_db(path: &Path) -> Vec<Note> {
    let conn = connect(path);
    let mut stmt = conn
        .prepare(
            "SELECT status, medium, direction, recipient, outcome, body
               FROM communication ORDER BY id",
        )
        .unwrap();
    let rows = stmt
        .query_map([], |r| {
            Ok(Note {
                status: r.get(0)?,
                medium: r.get(1)?,
                direction: r.get(2)?,
                recipient: r.get(3)?,
                outcome: r.get(4)?,
                body: r.get(5)?,
            })
        })
        .unwrap()
        .collect::<Result<_, _>>()
        .unwrap();
    rows
}

/// The body of the draft, if there is one.
fn draft_body(path: &Path) -> Option<String> {
    notes_in_db(path)
        .into_iter()
        .find(|n| n.status == "preparation")
        .map(|n| n.body)
}

/// Polls the database until `ready` holds of its notes. The draft is saved
/// about a second behind the typing; the deadline only turns a draft that
/// never comes into a failure instead of a hang.
fn wait_for_notes(path: &Path, what: &str, ready: impl Fn(&[Note]) -> bool) -> Vec<Note> {
    let started = Instant::now();
    loop {
        let notes = notes_in_db(path);
        if ready(&notes) {
            return notes;
        }
        if started.elapsed() > DEADLINE {
            panic!("gave up waiting for {what}; the database holds {notes:?}");
        }
        std::thread::sleep(POLL_EVERY);
    }
}

/// (description, kind, status, due_on) of every task, oldest first.
fn tasks_in_db(path: &Path) -> Vec<(String, String, String, Option<String>)> {
    let conn = connect(path);
    let mut stmt = conn
        .prepare("SELECT description, kind, status, due_on FROM task ORDER BY id")
        .unwrap();
    let rows = stmt
        .query_map([], |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?, r.get(3)?)))
        .unwrap()
        .collect::<Result<_, _>>()
        .unwrap();
    rows
}

// ---------------------------------------------------------------------------
// The screen.

/// tend on the database, at 80x24, with the caseload showing Zoë Testa.
/// The lines of the note's text in the editor: its pane's rows below the
/// header (two rows and a spare) and the line of key hints, without the
/// empty rows at the end.
fn note_lines(screen: &Screen) -> Option<Vec<String>> {
    let pane = find_pane(screen, EDITOR)?;
    let mut lines: Vec<String> = pane.lines(screen).into_iter().skip(4).collect();
    while lines.last().is_some_and(|l| l.is_empty()) {
        lines.pop();
    }
    Some(lines)
}

/// The editor's header rows, as one line of words.
fn note_header(screen: &Screen) -> String {
    let Some(pane) = find_pane(screen, EDITOR) else {
        return String::new();
    };
    pane.lines(screen)
        .iter()
        .take(2)
        .flat_map(|l| l.split_whitespace())
        .collect::<Vec<_>>()
        .join(" ")
}

/// `n`, then `Tab` and the header `p o p n` (phone, outbound, patient, no
/// answer): the cursor is back in the note's text.
fn open_no_answer_call(tend: &mut Tend) {
    tend.send("n");
    tend.wait_for("the note editor, in the text", |s| {
        find_pane(s, EDITOR).is_some()
            && words(s).contains("Type the note; it is saved as you type.")
    });
    tend.send(TAB);
    tend.wait_for("the method's choices", |s| {
        words(s).contains("p phone · i in person · h home visit")
    });
    tend.send("popn");
    tend.wait_for("the header: phone, outbound, patient, no answer", |s| {
        let header = note_header(s);
        header.starts_with("Method: phone Direction: outbound With: patient")
            && header.contains("Outcome: no answer Minutes:")
            && words(s).contains("Type the note; it is saved as you type.")
    });
}

/// Types text into the note and waits until the editor shows these lines.
fn type_note(tend: &mut Tend, text: &str, shown: &[&str]) -> Screen {
    tend.send(text);
    tend.wait_for(&format!("the note to show {shown:?}"), |s| {
        note_lines(s).is_some_and(|lines| lines == shown)
    })
}

/// Whether the status line shows `message`: whole, or cut to the room
/// left after "ccuser Tue 2026-11-24 │ " and ended with "…" (at 80 columns
/// that room is 56 columns).
fn shows_message(screen: &Screen, message: &str) -> bool {
    let status = status_line(screen);
    let Some((_, shown)) = status.split_once(" │ ") else {
        return false;
    };
    shown == message
        || shown
            .strip_suffix('…')
            .is_some_and(|start| !start.is_empty() && message.starts_with(start))
}

/// Waits until the status line shows `message` (see [`shows_message`]).
fn wait_for_message(tend: &Tend, message: &str) -> Screen {
    tend.wait_for(&format!("the message {message:?}"), |s| {
        shows_message(s, message)
    })
}

fn signal(tend: &Tend, signal: libc::c_int) {
    // SAFETY: signals only the process this test started.
    let sent = unsafe { libc::kill(tend.pid(), signal) };
    assert_eq!(sent, 0, "kill: {}", std::io::Error::last_os_error());
}

// ---------------------------------------------------------------------------
// The tests.

/// A note typed (wrapped on screen as it goes), signed with Ctrl-S, and
/// the retry call it proposes taken with Enter.
#[test]
fn a_note_typed_and_signed_proposes_a_retry_call() {
    // The sentence is wider than the editor, and LINE_1 is where it wraps.
    assert!(LINE_1.chars().count() < TEXT_WIDTH);
    let next_word = LINE_2.split(' ').next().unwrap();
    assert!(LINE_1.chars().count() + 1 + next_word.chars().count() > TEXT_WIDTH);
    let sentence = format!("{LINE_1} {LINE_2}");

    let dir = tempfile::tempdir().unwrap();
    let path = db(dir.path());
    let mut tend = start(&path);
    open_no_answer_call(&mut tend);

    // Typed as one sentence, shown on two lines.
    let screen = type_note(&mut tend, &sentence, &[LINE_1, LINE_2]);
    assert!(
        words(&screen).contains("Note for Zoë Testa"),
        "{}",
        framed(&screen)
    );

    // Ctrl-S signs, and a retry the next business day is proposed.
    tend.send(CTRL_S);
    let screen = tend.wait_for("the proposal of a retry call", |s| {
        words(s).contains("Add \"Retry outreach call\" due Wed 2026-11-25?")
    });
    assert!(find_pane(&screen, EDITOR).is_none(), "the editor closed");
    assert!(
        words(&screen).contains("Next step · Enter does it · Esc skips"),
        "{}",
        framed(&screen)
    );

    // Enter takes it.
    tend.send(ENTER);
    let screen = tend.wait_for("the retry added", |s| {
        !words(s).contains("Add \"Retry outreach call\"")
            && shows_message(s, "Added 1 task · u undoes")
    });
    // Today lists it for tomorrow (at 80 columns the title is cut short).
    let today = find_pane(&screen, TODAY).expect("the Today pane");
    assert!(
        today
            .lines(&screen)
            .iter()
            .any(|row| row.contains("tomorrow")
                && row.contains("Testa, Zoë")
                && row.contains("Retry ou")),
        "the new task is not listed:\n{}",
        framed(&screen)
    );

    // q: tend exits and the terminal is as it was.
    tend.send("q");
    let status = tend.wait_exit();
    assert!(status.success(), "tend exited with {status:?}");
    tend.wait_for("the main screen and the cursor back", restored);
    assert_cooked(&tend);

    // One signed note, its text as typed: no newline where the screen
    // wrapped it.
    assert_eq!(
        notes_in_db(&path),
        vec![no_answer_call("completed", &sentence)]
    );
    assert_eq!(
        tasks_in_db(&path),
        vec![
            (
                "Monthly outreach call".into(),
                "call".into(),
                "requested".into(),
                Some("2026-11-24".into())
            ),
            (
                "Retry outreach call".into(),
                "call".into(),
                "requested".into(),
                Some("2026-11-25".into())
            ),
        ]
    );
}

/// The same sentence typed key by key, as a person types, with a frame
/// drawn after each key: the screen shows it whole on two rows, and the
/// draft is the sentence on one line. (The text is one column narrower than
/// the editor, so the cursor after a row that fills it is still drawn.)
#[test]
fn a_sentence_typed_key_by_key_is_shown_whole_after_it_wraps() {
    let dir = tempfile::tempdir().unwrap();
    let path = db(dir.path());
    let mut tend = start(&path);
    open_no_answer_call(&mut tend);
    for c in format!("{LINE_1} {LINE_2}").chars() {
        tend.send_and_wait_for_frame(&c.to_string());
    }
    let screen = tend.screen();
    assert_eq!(
        note_lines(&screen),
        Some(vec![LINE_1.to_string(), LINE_2.to_string()]),
        "\n{}",
        framed(&screen)
    );
    // A wider terminal shows the paragraph on one row: the wrap was the
    // screen's, not the note's.
    tend.resize(140, 30);
    let sentence = format!("{LINE_1} {LINE_2}");
    tend.wait_for("the sentence on one row", |s| {
        note_lines(s).is_some_and(|lines| lines == [sentence.as_str()])
    });
    tend.send(ESC);
    wait_for_message(&tend, "Draft saved; n on this patient reopens it");
    assert_eq!(
        draft_body(&path).as_deref(),
        Some(format!("{LINE_1} {LINE_2}").as_str()),
        "the paragraph as typed, not as the screen wrapped it"
    );
}

/// A draft saved as it is typed survives SIGKILL (nothing of tend runs
/// after it): the next start offers it, `d` reopens it, and it is signed.
#[test]
fn a_draft_survives_a_killed_process_and_d_reopens_it() {
    let dir = tempfile::tempdir().unwrap();
    let path = db(dir.path());
    let mut tend = start(&path);
    open_no_answer_call(&mut tend);
    type_note(&mut tend, SHORT, &[SHORT]);

    // The autosave catches up with the typing within about a second.
    wait_for_notes(&path, "the draft to hold the whole sentence", |notes| {
        notes == [no_answer_call("preparation", SHORT)]
    });
    signal(&tend, libc::SIGKILL);
    let status = tend.wait_exit();
    assert!(!status.success(), "tend exited with {status:?}");
    drop(tend);

    // The next start says a draft is waiting.
    let mut tend = start(&path);
    wait_for_message(
        &tend,
        "A draft note for Testa, Zoë was not signed: d reopens it",
    );

    // d: the editor, with the sentence and the header as they were.
    tend.send("d");
    let screen = tend.wait_for("the draft reopened", |s| {
        note_lines(s).is_some_and(|lines| lines == [SHORT])
    });
    assert!(
        note_header(&screen).contains("Outcome: no answer"),
        "{}",
        framed(&screen)
    );
    assert!(
        shows_message(&screen, "Your draft is back · Ctrl-S signs · Esc keeps it"),
        "{}",
        status_line(&screen)
    );

    // More text, at the end of what was there, then Ctrl-S.
    let more = " Call back Friday.";
    let whole = format!("{SHORT}{more}");
    type_note(&mut tend, more, &[whole.as_str()]);
    tend.send(CTRL_S);
    tend.wait_for("the proposal of a retry call", |s| {
        words(s).contains("Add \"Retry outreach call\" due Wed 2026-11-25?")
    });

    // Esc skips the proposal; q quits.
    tend.send(ESC);
    wait_for_message(&tend, "Skipped");
    tend.send("q");
    assert!(tend.wait_exit().success());
    tend.wait_for("the main screen and the cursor back", restored);

    // One signed note with the whole text, and no draft left.
    assert_eq!(
        notes_in_db(&path),
        vec![no_answer_call("completed", &whole)]
    );
    assert_eq!(tasks_in_db(&path).len(), 1, "the retry was skipped");
}

/// SIGTERM right after the typing, before the autosave has caught up: the
/// draft holds every word tend has shown.
#[test]
fn a_draft_survives_sigterm_at_once() {
    let dir = tempfile::tempdir().unwrap();
    let path = db(dir.path());
    let mut tend = start(&path);
    open_no_answer_call(&mut tend);
    type_note(&mut tend, SHORT, &[SHORT]);
    let before = draft_body(&path);
    signal(&tend, libc::SIGTERM);

    let status = tend.wait_exit();
    assert_eq!(status.exit_code(), 128 + 15, "as a shell reports SIGTERM");
    tend.wait_for("the main screen and the cursor back", restored);
    assert_cooked(&tend);
    assert_eq!(
        notes_in_db(&path),
        vec![no_answer_call("preparation", SHORT)],
        "(before the signal the draft held {before:?})"
    );
}

/// The terminal hangs up (window closed, SSH connection dropped) right
/// after the typing: the draft holds every word tend has shown.
#[test]
fn a_draft_survives_the_terminal_hanging_up_at_once() {
    let dir = tempfile::tempdir().unwrap();
    let path = db(dir.path());
    let mut tend = start(&path);
    open_no_answer_call(&mut tend);
    type_note(&mut tend, SHORT, &[SHORT]);
    let before = draft_body(&path);
    tend.hang_up();

    let status = tend.wait_exit();
    assert_eq!(status.exit_code(), 128 + 1, "as a shell reports SIGHUP");
    assert_eq!(
        notes_in_db(&path),
        vec![no_answer_call("preparation", SHORT)],
        "(before the hang-up the draft held {before:?})"
    );
}

/// Esc keeps the note as a draft; `n` reopens it with its text; Esc and `q`
/// (in the editor `q` is a letter of the note) leave it a draft.
#[test]
fn esc_keeps_a_draft_that_n_reopens_and_q_leaves() {
    let dir = tempfile::tempdir().unwrap();
    let path = db(dir.path());
    let mut tend = start(&path);
    open_no_answer_call(&mut tend);
    type_note(&mut tend, SHORT, &[SHORT]);

    // Esc saves the draft before the screen says so.
    tend.send(ESC);
    let screen = wait_for_message(&tend, "Draft saved; n on this patient reopens it");
    assert!(find_pane(&screen, EDITOR).is_none(), "the editor closed");
    assert_eq!(
        notes_in_db(&path),
        vec![no_answer_call("preparation", SHORT)]
    );

    // n: the same draft, with its text and header.
    tend.send("n");
    let screen = tend.wait_for("the draft reopened", |s| {
        note_lines(s).is_some_and(|lines| lines == [SHORT])
    });
    assert!(
        note_header(&screen).contains("Outcome: no answer"),
        "{}",
        framed(&screen)
    );
    wait_for_message(&tend, "Your draft is back · Ctrl-S signs · Esc keeps it");

    tend.send(ESC);
    wait_for_message(&tend, "Draft saved; n on this patient reopens it");
    tend.send("q");
    let status = tend.wait_exit();
    assert!(status.success(), "tend exited with {status:?}");
    tend.wait_for("the main screen and the cursor back", restored);
    assert_cooked(&tend);

    // Still one draft, not signed, not doubled.
    assert_eq!(
        notes_in_db(&path),
        vec![no_answer_call("preparation", SHORT)]
    );
    assert_eq!(
        tasks_in_db(&path).len(),
        1,
        "nothing proposed, nothing added"
    );
}

/// (status, medium, direction, recipient, outcome, body, member ID) of each
/// note, as stored: a header field nobody chose is NULL.
type StoredNote = (
    String,
    Option<String>,
    Option<String>,
    Option<String>,
    Option<String>,
    String,
    String,
);

fn stored_notes(path: &Path) -> Vec<StoredNote> {
    let conn = connect(path);
    let mut stmt = conn
        .prepare(
            "SELECT c.status, c.medium, c.direction, c.recipient, c.outcome, c.body, p.member_id
               FROM communication c JOIN patient p ON p.id = c.patient_id ORDER BY c.id",
        )
        .unwrap();
    let rows = stmt
        .query_map([], |r| {
            Ok((
                r.get(0)?,
                r.get(1)?,
                r.get(2)?,
                r.get(3)?,
                r.get(4)?,
                r.get(5)?,
                r.get(6)?,
            ))
        })
        .unwrap()
        .collect::<Result<_, _>>()
        .unwrap();
    rows
}

/// What a new user typed (issue 12): `n` and, without waiting, a sentence.
/// It lands in the note word for word, the header stays unchosen (stored as
/// such), and signing asks for each field with one key.
#[test]
fn a_sentence_typed_at_once_after_n_is_the_note_and_signing_asks_for_the_header() {
    const SENTENCE: &str = "Spoke with patient about pharmacy refill and bus pass";
    let dir = tempfile::tempdir().unwrap();
    let path = db(dir.path());
    let mut tend = start(&path);
    // One write, as a fast typist's keys arrive over a slow link.
    tend.send(&format!("n{SENTENCE}"));
    let screen = tend.wait_for("the sentence in the note", |s| {
        note_lines(s).is_some_and(|lines| lines == [SENTENCE])
    });
    assert_eq!(
        note_header(&screen),
        "Method: — Direction: — With: — Outcome: — Minutes: 0 (counting)",
        "nothing chosen for the user:\n{}",
        framed(&screen)
    );
    // The draft is saved as typed (about a second behind), its header
    // empty.
    let started = Instant::now();
    let draft = loop {
        if let Some(draft) = stored_notes(&path).into_iter().find(|n| n.5 == SENTENCE) {
            break draft;
        }
        assert!(started.elapsed() < DEADLINE, "the draft was never saved");
        std::thread::sleep(POLL_EVERY);
    };
    assert_eq!(
        (draft.0.as_str(), draft.1, draft.2, draft.3, draft.4),
        ("preparation", None, None, None, None)
    );

    tend.send(CTRL_S);
    tend.wait_for("signing asks for the method", |s| {
        words(s).contains("To sign, the method? p phone · i in person")
    });
    tend.send("pop");
    tend.wait_for("then for the outcome", |s| {
        words(s).contains("To sign, the outcome? r reached · n no answer")
            && note_header(s).starts_with("Method: phone Direction: outbound With: patient")
    });
    tend.send("n");
    tend.wait_for("signed, and a retry proposed", |s| {
        find_pane(s, EDITOR).is_none() && words(s).contains("Add \"Retry outreach call\"")
    });
    tend.send(ESC);
    tend.wait_for("the proposal skipped", |s| shows_message(s, "Skipped"));
    tend.send("q");
    assert!(tend.wait_exit().success());
    assert_eq!(
        stored_notes(&path),
        vec![(
            "completed".into(),
            Some("phone".into()),
            Some("outbound".into()),
            Some("patient".into()),
            Some("no-answer".into()),
            SENTENCE.into(),
            "SYN1".into()
        )]
    );
}

/// From Today: the task's patient is the one on screen and the one `n`
/// writes for, whatever the caseload has selected.
#[test]
fn a_note_written_from_today_is_for_the_selected_task_s_patient() {
    let dir = tempfile::tempdir().unwrap();
    let path = fixtures::morning_db(dir.path());
    let mut tend = Tend::start(Options::new(80, 24), &["--db", path.to_str().unwrap()]);
    let screen = tend.wait_for_panes();
    let in_caseload = caseload(&screen).unwrap().selected.unwrap();
    tend.send("4");
    tend.wait_for("Today focused", |s| focused(s) == Some(TODAY));
    // Down to the first task of another patient than the caseload's.
    let mut listed;
    loop {
        let screen = tend.screen();
        let today = find_pane(&screen, TODAY).unwrap();
        listed = today
            .selected(&screen)
            .map(|(_, row)| row)
            .unwrap_or_default();
        if !listed.is_empty() && !listed.contains(in_caseload.as_str()) {
            break;
        }
        tend.send_and_wait_for_frame("j");
    }
    // "Testa7, Una" in the row; the patient pane says "Una Testa7".
    let family = listed
        .split_whitespace()
        .find(|w| w.starts_with("Testa"))
        .unwrap()
        .trim_end_matches(',')
        .to_string();
    let number: u32 = family.trim_start_matches("Testa").parse().unwrap();
    let member_id = format!("SYN{number:07}");
    tend.wait_for("the task's patient in the patient pane", |s| {
        patient_name(s).as_deref() == Some(format!("Una {family}").as_str())
    });
    tend.send("nCalled about the task");
    tend.wait_for("the editor for the task's patient", |s| {
        words(s).contains(&format!("Note for Una {family}"))
            && words(s).contains("Called about the task")
    });
    tend.send(CTRL_S);
    tend.send("popr");
    tend.wait_for("signed", |s| !words(s).contains("Note for Una"));
    assert_eq!(
        stored_notes(&path),
        vec![(
            "completed".into(),
            Some("phone".into()),
            Some("outbound".into()),
            Some("patient".into()),
            Some("reached".into()),
            "Called about the task".into(),
            member_id
        )]
    );
}
