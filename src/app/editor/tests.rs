//! The editor's keys and its header, without the app.

use super::*;

/// A key as the app gives it: read by the default keymap first.
fn press(editor: &mut NoteEditor, key: KeyEvent) -> EditorEvent {
    let command = crate::app::keymap::Keymap::default().command(editor.context(), &key);
    editor.key(command, key)
}

fn key(code: KeyCode) -> KeyEvent {
    KeyEvent::new(code, KeyModifiers::NONE)
}

fn ctrl(c: char) -> KeyEvent {
    KeyEvent::new(KeyCode::Char(c), KeyModifiers::CONTROL)
}

fn editor() -> NoteEditor {
    let now = DateTime::parse_from_rfc3339("2026-11-24T14:00:00Z")
        .unwrap()
        .to_utc();
    NoteEditor::new(1, CallSheet::default(), None, now)
}

fn type_text(editor: &mut NoteEditor, text: &str) -> Vec<EditorEvent> {
    text.chars()
        .map(|c| press(editor, key(KeyCode::Char(c))))
        .collect()
}

#[test]
fn text_typed_at_once_lands_in_the_note_and_chooses_nothing() {
    let mut e = editor();
    assert_eq!(e.field, Field::Body);
    let sentence = "Spoke with patient about pharmacy refill and bus pass 7";
    type_text(&mut e, sentence);
    assert_eq!(e.text(), sentence);
    assert_eq!(e.header, DraftHeader::default(), "nothing chosen");
    assert!(e.minutes_typed.is_none(), "the 7 is text");
}

#[test]
fn tab_reaches_the_header_where_one_key_a_field_chooses_then_back_to_the_text() {
    let mut e = editor();
    press(&mut e, key(KeyCode::Tab));
    assert_eq!(e.field, Field::Header(HeaderField::Method));
    type_text(&mut e, "hopn");
    let h = e.header;
    assert_eq!(h.method, Some(Method::HomeVisit));
    assert_eq!(h.direction, Some(Direction::Outbound));
    assert_eq!(h.party, Some(Party::Patient));
    assert_eq!(h.outcome, Some(Outcome::NoAnswer));
    assert_eq!(e.field, Field::Body, "after the outcome, the text");
    type_text(&mut e, "2 messages left");
    assert_eq!(
        e.text(),
        "2 messages left",
        "a digit after the outcome is text"
    );
}

#[test]
fn minutes_are_typed_in_their_field_and_anything_else_goes_to_the_text() {
    let mut e = editor();
    press(&mut e, key(KeyCode::BackTab));
    assert_eq!(e.field, Field::Minutes, "Shift-Tab from the text");
    type_text(&mut e, "15Spoke");
    assert_eq!(e.minutes_typed.as_deref(), Some("15"));
    assert_eq!(e.field, Field::Body);
    assert_eq!(e.text(), "Spoke", "no letter lost");
    let later = e.started_at + chrono::Duration::minutes(40);
    assert_eq!(e.header_at(later).minutes, 15, "typed minutes win");
}

#[test]
fn a_key_a_header_field_does_not_take_goes_into_the_text() {
    let mut e = editor();
    press(&mut e, key(KeyCode::Tab));
    type_text(&mut e, "Spoke");
    assert_eq!(e.header.method, None, "S chooses no method");
    assert_eq!(e.text(), "Spoke");
    assert_eq!(e.field, Field::Body);
}

#[test]
fn arrows_cycle_and_backspace_unchooses() {
    let mut e = editor();
    press(&mut e, key(KeyCode::Tab));
    press(&mut e, key(KeyCode::Right));
    assert_eq!(e.header.method, Some(Method::Phone));
    press(&mut e, key(KeyCode::Left));
    assert_eq!(e.header.method, Some(Method::Collateral), "cycles round");
    press(&mut e, key(KeyCode::Backspace));
    assert_eq!(e.header.method, None);
    assert_eq!(e.field, Field::Header(HeaderField::Method));
}

#[test]
fn signing_asks_for_what_was_not_chosen_one_key_each() {
    let mut e = editor();
    type_text(&mut e, "Talked it over");
    assert_eq!(
        press(&mut e, ctrl('s')),
        EditorEvent::Unchanged,
        "not signed yet"
    );
    assert_eq!(e.asking(), Some(HeaderField::Method));
    assert_eq!(
        type_text(&mut e, "poprx").as_slice()[..4],
        [
            EditorEvent::Edited,
            EditorEvent::Edited,
            EditorEvent::Edited,
            EditorEvent::Sign
        ]
    );
    assert_eq!(e.header.outcome, Some(Outcome::Reached));
    assert_eq!(
        e.text(),
        "Talked it overx",
        "a key after signing is text again"
    );
}

#[test]
fn signing_with_everything_chosen_signs_at_once() {
    let mut e = editor();
    press(&mut e, key(KeyCode::Tab));
    type_text(&mut e, "popvLeft a message");
    assert_eq!(press(&mut e, ctrl('s')), EditorEvent::Sign);
}

#[test]
fn a_key_signing_does_not_take_stops_it_and_is_not_lost() {
    let mut e = editor();
    type_text(&mut e, "Note");
    press(&mut e, ctrl('s'));
    assert_eq!(
        press(&mut e, key(KeyCode::Char('!'))),
        EditorEvent::SigningStopped { edited: true }
    );
    assert_eq!(e.text(), "Note!");
    assert_eq!(e.asking(), None);
    press(&mut e, ctrl('s'));
    assert_eq!(
        press(&mut e, key(KeyCode::Esc)),
        EditorEvent::SigningStopped { edited: false },
        "Esc goes back to the note, not out of it"
    );
    assert_eq!(e.asking(), None);
}

#[test]
fn minutes_count_from_when_the_editor_opened() {
    let e = editor();
    let later = e.started_at + chrono::Duration::seconds(7 * 60 + 5);
    assert_eq!(e.header_at(later).minutes, 8);
    assert_eq!(e.header_at(e.started_at).minutes, 0);
}

#[test]
fn a_reopened_draft_keeps_its_choices_and_counts_from_its_saved_minutes() {
    let opened = DateTime::parse_from_rfc3339("2026-11-26T10:00:00Z")
        .unwrap()
        .to_utc();
    let draft = Draft {
        id: 1,
        patient_id: 1,
        header: DraftHeader {
            outcome: Some(Outcome::LeftVoicemail),
            minutes: 12,
            ..DraftHeader::default()
        },
        body: "Earlier".into(),
        // Two days before it is reopened.
        started_at: opened - chrono::Duration::days(2),
        version: 3,
    };
    let e = NoteEditor::new(1, CallSheet::default(), Some(draft), opened);
    assert_eq!(e.version, Some(3));
    assert_eq!(e.field, Field::Body);
    assert_eq!(e.header.outcome, Some(Outcome::LeftVoicemail));
    assert_eq!(e.header.method, None);
    assert_eq!(e.header_at(opened).minutes, 12, "not two days' worth");
    let later = opened + chrono::Duration::minutes(5);
    assert_eq!(e.header_at(later).minutes, 17, "and still counting");
}

#[test]
fn keys_the_editor_gives_to_the_app() {
    let mut e = editor();
    assert_eq!(press(&mut e, key(KeyCode::Esc)), EditorEvent::Close);
    assert_eq!(press(&mut e, ctrl('t')), EditorEvent::PickTemplate);
    assert_eq!(press(&mut e, ctrl('o')), EditorEvent::InsertTime);
    assert_eq!(press(&mut e, ctrl('q')), EditorEvent::Discard);
}

#[test]
fn pasted_control_characters_are_kept_visible_and_lines_kept() {
    let mut e = editor();
    e.insert("line one\r\nline\ttwo \x1b[31mred\x07");
    assert_eq!(e.text(), "line one\nline    two ^[[31mred^G");
    let many = "x\n".repeat(5000);
    e.insert(&many);
    assert_eq!(e.body.lines().len(), 5002);
}

#[test]
fn autosave_is_due_a_second_after_the_last_save_when_dirty() {
    let mut e = editor();
    let t0 = Instant::now();
    assert!(!e.save_due(t0), "nothing typed yet");
    type_text(&mut e, "a");
    assert!(e.save_due(t0));
    e.mark_saved(t0);
    type_text(&mut e, "b");
    assert!(!e.save_due(t0 + Duration::from_millis(500)));
    assert!(e.save_due(t0 + Duration::from_millis(1000)));
}
