//! The note editor: a header filled with single keys (method, direction,
//! with whom, outcome, minutes) and a body typed with tui-textarea, wrapped
//! at the editor's width as it is typed. The app saves the draft about
//! once a second while it changes, and whenever the editor closes.

use std::time::{Duration, Instant};

use chrono::{DateTime, Utc};
use crossterm::event::{KeyCode, KeyEvent, KeyModifiers};
use tui_textarea::{CursorMove, TextArea};
use unicode_width::UnicodeWidthStr;

use crate::domain::note::{Direction, Method, NoteHeader, Outcome, Party};
use crate::store::Draft;

/// The most a draft may lag behind what was typed.
pub const AUTOSAVE_EVERY: Duration = Duration::from_secs(1);

/// Where the editor's keys go.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Field {
    Method,
    Direction,
    Party,
    Outcome,
    Minutes,
    Body,
}

impl Field {
    const ORDER: [Field; 6] = [
        Field::Method,
        Field::Direction,
        Field::Party,
        Field::Outcome,
        Field::Minutes,
        Field::Body,
    ];

    fn next(self) -> Field {
        let i = Field::ORDER.iter().position(|f| *f == self).unwrap_or(0);
        Field::ORDER[(i + 1).min(Field::ORDER.len() - 1)]
    }

    fn prev(self) -> Field {
        let i = Field::ORDER.iter().position(|f| *f == self).unwrap_or(0);
        Field::ORDER[i.saturating_sub(1)]
    }

    pub fn label(self) -> &'static str {
        match self {
            Field::Method => "Method",
            Field::Direction => "Direction",
            Field::Party => "With",
            Field::Outcome => "Outcome",
            Field::Minutes => "Minutes",
            Field::Body => "Note",
        }
    }
}

/// What a key in the editor asks the app to do.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum EditorEvent {
    /// Nothing beyond the editor itself (the draft may need saving).
    Edited,
    Unchanged,
    /// Esc: save the draft and close.
    Close,
    /// Ctrl-S: save and sign.
    Sign,
    /// Ctrl-T: choose a template to insert.
    PickTemplate,
    /// Ctrl-O: insert the time.
    InsertTime,
    /// Ctrl-Q: throw the draft away (after a confirmation).
    Discard,
}

/// What the side of the editor shows: the person on the phone.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct CallSheet {
    pub name: String,
    pub phones: Vec<String>,
    pub language: String,
    pub goals: Vec<String>,
}

pub struct NoteEditor {
    pub patient_id: i64,
    pub sheet: CallSheet,
    pub header: NoteHeader,
    pub field: Field,
    pub body: TextArea<'static>,
    /// When the call began: the note is dated then.
    pub started_at: DateTime<Utc>,
    /// Minutes as typed; `None` while they are counted.
    pub minutes_typed: Option<String>,
    /// Minutes counted in earlier sittings (a reopened draft's), to which
    /// the time since `counted_from` is added.
    base_minutes: u32,
    counted_from: DateTime<Utc>,
    /// The draft's version this editor saved or loaded last (`None` until
    /// the first save of a new note).
    pub version: Option<i64>,
    /// Columns at which typed text wraps.
    pub wrap_width: usize,
    dirty: bool,
    last_saved: Option<Instant>,
}

impl NoteEditor {
    /// A new note, or the draft the user left.
    pub fn new(
        patient_id: i64,
        sheet: CallSheet,
        draft: Option<Draft>,
        now: DateTime<Utc>,
    ) -> NoteEditor {
        let version = draft.as_ref().map(|d| d.version);
        let base_minutes = draft.as_ref().map_or(0, |d| d.header.minutes);
        let (header, body, started_at, minutes_typed, field) = match draft {
            Some(draft) => {
                let typed = None;
                // Cleaned: a draft is stored text, which may have come from
                // anywhere, and tui-textarea draws what it holds as it is.
                let lines: Vec<String> = draft
                    .body
                    .lines()
                    .map(|l| crate::ui::text::clean(l).into_owned())
                    .collect();
                (draft.header, lines, draft.started_at, typed, Field::Body)
            }
            None => (NoteHeader::default(), Vec::new(), now, None, Field::Method),
        };
        let mut body = TextArea::new(body);
        body.set_cursor_line_style(ratatui::style::Style::default());
        body.move_cursor(CursorMove::Bottom);
        body.move_cursor(CursorMove::End);
        NoteEditor {
            patient_id,
            sheet,
            header,
            field,
            body,
            started_at,
            minutes_typed,
            base_minutes,
            counted_from: now,
            version,
            wrap_width: 72,
            dirty: false,
            last_saved: None,
        }
    }

    pub fn text(&self) -> String {
        self.body.lines().join("\n")
    }

    /// The header with the minutes as typed, or counted to `now`.
    pub fn header_at(&self, now: DateTime<Utc>) -> NoteHeader {
        let since = (now - self.counted_from).num_seconds().max(0) as u32;
        let counted = self.base_minutes + since.div_ceil(60);
        let minutes = match &self.minutes_typed {
            Some(typed) => typed.parse().unwrap_or(counted),
            None => counted,
        };
        NoteHeader {
            minutes,
            ..self.header
        }
    }

    pub fn is_dirty(&self) -> bool {
        self.dirty
    }

    /// Whether an autosave is due: there are unsaved changes and the last
    /// save is at least [`AUTOSAVE_EVERY`] old.
    pub fn save_due(&self, now: Instant) -> bool {
        self.dirty
            && self
                .last_saved
                .is_none_or(|at| now.duration_since(at) >= AUTOSAVE_EVERY)
    }

    pub fn mark_saved(&mut self, at: Instant) {
        self.dirty = false;
        self.last_saved = Some(at);
    }

    /// Replaces the whole text (after another window's text was merged in),
    /// with the cursor at the end.
    pub fn replace_text(&mut self, text: &str) {
        let lines: Vec<String> = text
            .lines()
            .map(|l| crate::ui::text::clean(l).into_owned())
            .collect();
        self.body = TextArea::new(lines);
        self.body
            .set_cursor_line_style(ratatui::style::Style::default());
        self.body.move_cursor(CursorMove::Bottom);
        self.body.move_cursor(CursorMove::End);
    }

    /// Inserts text at the cursor (a template, the time, a paste). Control
    /// characters other than newlines are shown in caret form, so what is
    /// stored is exactly what the screen shows.
    pub fn insert(&mut self, text: &str) {
        let shown: String = text
            .replace("\r\n", "\n")
            .replace('\t', "    ")
            .split('\n')
            .map(|line| crate::ui::text::clean(line).into_owned())
            .collect::<Vec<_>>()
            .join("\n");
        self.body.insert_str(shown);
        self.field = Field::Body;
        self.dirty = true;
    }

    pub fn key(&mut self, key: KeyEvent) -> EditorEvent {
        let ctrl = key.modifiers.contains(KeyModifiers::CONTROL);
        match key.code {
            KeyCode::Esc => return EditorEvent::Close,
            KeyCode::Char('s') if ctrl => return EditorEvent::Sign,
            KeyCode::Char('t') if ctrl => return EditorEvent::PickTemplate,
            KeyCode::Char('o') if ctrl => return EditorEvent::InsertTime,
            KeyCode::Char('q') if ctrl => return EditorEvent::Discard,
            KeyCode::Tab => {
                self.field = self.field.next();
                return EditorEvent::Unchanged;
            }
            KeyCode::BackTab => {
                self.field = self.field.prev();
                return EditorEvent::Unchanged;
            }
            _ => {}
        }
        let changed = match self.field {
            Field::Body => self.body_key(key),
            Field::Minutes => self.minutes_key(key),
            field => self.choice_key(field, key),
        };
        if changed {
            self.dirty = true;
            EditorEvent::Edited
        } else {
            EditorEvent::Unchanged
        }
    }

    /// A header field: its letters pick a choice and move on; arrows cycle;
    /// Enter moves on.
    fn choice_key(&mut self, field: Field, key: KeyEvent) -> bool {
        fn cycle<T: Copy + PartialEq>(all: &[T], now: T, step: isize) -> T {
            let i = all.iter().position(|c| *c == now).unwrap_or(0) as isize;
            all[(i + step).rem_euclid(all.len() as isize) as usize]
        }
        let step = match key.code {
            KeyCode::Right | KeyCode::Char(' ') => 1,
            KeyCode::Left => -1,
            KeyCode::Enter | KeyCode::Down => {
                self.field = self.field.next();
                return false;
            }
            KeyCode::Up => {
                self.field = self.field.prev();
                return false;
            }
            _ => 0,
        };
        let picked = match key.code {
            KeyCode::Char(c) if step == 0 => Some(c.to_ascii_lowercase()),
            _ => None,
        };
        let h = &mut self.header;
        let before = *h;
        match (field, picked) {
            (Field::Method, Some(c)) => h.method = Method::from_key(c).unwrap_or(h.method),
            (Field::Method, None) => h.method = cycle(Method::ALL, h.method, step),
            (Field::Direction, Some(c)) => {
                h.direction = Direction::from_key(c).unwrap_or(h.direction)
            }
            (Field::Direction, None) => h.direction = cycle(Direction::ALL, h.direction, step),
            (Field::Party, Some(c)) => h.party = Party::from_key(c).unwrap_or(h.party),
            (Field::Party, None) => h.party = cycle(Party::ALL, h.party, step),
            (Field::Outcome, Some(c)) => h.outcome = Outcome::from_key(c).unwrap_or(h.outcome),
            (Field::Outcome, None) => h.outcome = cycle(Outcome::ALL, h.outcome, step),
            _ => {}
        }
        // A letter that picked something moves on to the next field.
        let known = match (field, picked) {
            (Field::Method, Some(c)) => Method::from_key(c).is_some(),
            (Field::Direction, Some(c)) => Direction::from_key(c).is_some(),
            (Field::Party, Some(c)) => Party::from_key(c).is_some(),
            (Field::Outcome, Some(c)) => Outcome::from_key(c).is_some(),
            _ => false,
        };
        if known {
            self.field = self.field.next();
        }
        *h != before || known
    }

    fn minutes_key(&mut self, key: KeyEvent) -> bool {
        let typed = self.minutes_typed.get_or_insert_with(String::new);
        match key.code {
            KeyCode::Char(c) if c.is_ascii_digit() && typed.len() < 4 => {
                typed.push(c);
                true
            }
            KeyCode::Backspace => {
                typed.pop();
                if typed.is_empty() {
                    self.minutes_typed = None;
                }
                true
            }
            KeyCode::Enter | KeyCode::Down => {
                if typed.is_empty() {
                    self.minutes_typed = None;
                }
                self.field = Field::Body;
                false
            }
            KeyCode::Up => {
                self.field = Field::Outcome;
                false
            }
            _ => false,
        }
    }

    fn body_key(&mut self, key: KeyEvent) -> bool {
        let ctrl = key.modifiers.contains(KeyModifiers::CONTROL);
        if ctrl && key.code == KeyCode::Char('z') {
            return self.body.undo();
        }
        if let KeyCode::Char(c) = key.code {
            if crate::ui::text::is_unsafe(c) {
                return false;
            }
        }
        let changed = self.body.input(key);
        if changed && matches!(key.code, KeyCode::Char(_)) && !ctrl {
            wrap_at_cursor(&mut self.body, self.wrap_width);
        }
        changed
    }
}

/// Breaks the cursor's line at its last space when typing at its end runs
/// past `width` columns, as vim's `textwidth` does. Wide characters count
/// two columns.
pub fn wrap_at_cursor(area: &mut TextArea<'_>, width: usize) {
    let (row, col) = area.cursor();
    let Some(line) = area.lines().get(row) else {
        return;
    };
    if col != line.chars().count() || line.width() <= width || width < 10 {
        return;
    }
    // The last space at which the first part still fits.
    let mut split = None;
    let mut used = 0;
    for (index, c) in line.chars().enumerate() {
        if c == ' ' && used <= width {
            split = Some(index);
        }
        used += unicode_width::UnicodeWidthChar::width(c).unwrap_or(0);
    }
    let Some(space) = split.filter(|s| *s > 0) else {
        return; // one long word: leave it
    };
    area.move_cursor(CursorMove::Jump(row as u16, space as u16));
    area.delete_next_char();
    area.insert_newline();
    area.move_cursor(CursorMove::End);
}

#[cfg(test)]
mod tests {
    use super::*;

    fn key(code: KeyCode) -> KeyEvent {
        KeyEvent::new(code, KeyModifiers::NONE)
    }

    fn editor() -> NoteEditor {
        let now = DateTime::parse_from_rfc3339("2026-11-24T14:00:00Z")
            .unwrap()
            .to_utc();
        NoteEditor::new(1, CallSheet::default(), None, now)
    }

    fn type_text(editor: &mut NoteEditor, text: &str) {
        for c in text.chars() {
            editor.key(key(KeyCode::Char(c)));
        }
    }

    #[test]
    fn the_header_takes_one_key_per_field() {
        let mut e = editor();
        assert_eq!(e.field, Field::Method);
        type_text(&mut e, "hopn");
        assert_eq!(e.header.method, Method::HomeVisit);
        assert_eq!(e.header.direction, Direction::Outbound);
        assert_eq!(e.header.party, Party::Patient);
        assert_eq!(e.header.outcome, Outcome::NoAnswer);
        assert_eq!(e.field, Field::Minutes);
        type_text(&mut e, "15");
        e.key(key(KeyCode::Enter));
        assert_eq!(e.field, Field::Body);
        let later = e.started_at + chrono::Duration::minutes(40);
        assert_eq!(e.header_at(later).minutes, 15, "typed minutes win");
    }

    #[test]
    fn minutes_count_from_when_the_editor_opened() {
        let e = editor();
        let later = e.started_at + chrono::Duration::seconds(7 * 60 + 5);
        assert_eq!(e.header_at(later).minutes, 8);
        assert_eq!(e.header_at(e.started_at).minutes, 0);
    }

    #[test]
    fn a_reopened_draft_keeps_counting_from_its_saved_minutes() {
        let opened = DateTime::parse_from_rfc3339("2026-11-26T10:00:00Z")
            .unwrap()
            .to_utc();
        let draft = Draft {
            id: 1,
            patient_id: 1,
            header: NoteHeader {
                minutes: 12,
                ..NoteHeader::default()
            },
            body: "Earlier".into(),
            // Two days before it is reopened.
            started_at: opened - chrono::Duration::days(2),
            version: 3,
        };
        let e = NoteEditor::new(1, CallSheet::default(), Some(draft), opened);
        assert_eq!(e.version, Some(3));
        assert_eq!(e.header_at(opened).minutes, 12, "not two days' worth");
        let later = opened + chrono::Duration::minutes(5);
        assert_eq!(e.header_at(later).minutes, 17, "and still counting");
    }

    #[test]
    fn unknown_letters_and_arrows_in_the_header() {
        let mut e = editor();
        type_text(&mut e, "z");
        assert_eq!((e.field, e.header.method), (Field::Method, Method::Phone));
        e.key(key(KeyCode::Right));
        assert_eq!(e.header.method, Method::InPerson);
        e.key(key(KeyCode::Left));
        e.key(key(KeyCode::Left));
        assert_eq!(e.header.method, Method::Collateral, "cycles round");
    }

    #[test]
    fn the_body_wraps_as_it_is_typed_with_wide_characters_counted() {
        let mut e = editor();
        e.field = Field::Body;
        e.wrap_width = 20;
        type_text(
            &mut e,
            "Spoke with Zoë about the café voucher and 美玲's ride 👋 today",
        );
        for line in e.body.lines() {
            assert!(line.width() <= 20, "{line:?} is {} wide", line.width());
        }
        assert_eq!(
            e.text(),
            "Spoke with Zoë about\nthe café voucher and\n美玲's ride 👋 today"
        );
        assert!(e.is_dirty());
    }

    #[test]
    fn keys_the_editor_gives_to_the_app() {
        let mut e = editor();
        assert_eq!(e.key(key(KeyCode::Esc)), EditorEvent::Close);
        let ctrl = |c| KeyEvent::new(KeyCode::Char(c), KeyModifiers::CONTROL);
        assert_eq!(e.key(ctrl('s')), EditorEvent::Sign);
        assert_eq!(e.key(ctrl('t')), EditorEvent::PickTemplate);
        assert_eq!(e.key(ctrl('o')), EditorEvent::InsertTime);
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
        e.field = Field::Body;
        type_text(&mut e, "a");
        assert!(e.save_due(t0));
        e.mark_saved(t0);
        type_text(&mut e, "b");
        assert!(!e.save_due(t0 + Duration::from_millis(500)));
        assert!(e.save_due(t0 + Duration::from_millis(1000)));
    }
}
