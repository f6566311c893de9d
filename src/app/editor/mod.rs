//! The note editor: the note's text typed with ratatui-textarea, and a header
//! (method, direction, with whom, outcome, minutes) that holds only what its
//! author chose. The app saves the draft about once a second while it
//! changes, and whenever the editor closes.
//!
//! Keys are never read as something else (issue 12). The editor opens in
//! the text, so whatever is typed at once after `n` lands in the note. The
//! header is reached with `Tab`, where one key chooses a field's value and
//! moves on (`Tab` `p` `o` `p` `n` is an outbound call to the patient, no
//! answer, then back in the text); any key a field does not take goes into
//! the text. Signing asks, one key each, for whatever was not chosen.
//!
//! The text is kept as the paragraphs typed: a long paragraph is wrapped
//! on screen only (at a word, or inside a word longer than the line), so
//! what is stored does not depend on the width of the terminal it was
//! typed in. Enter starts a new paragraph.

use std::time::{Duration, Instant};

use chrono::{DateTime, Utc};
use crossterm::event::{KeyCode, KeyEvent, KeyModifiers};
use ratatui_textarea::{CursorMove, TextArea, WrapMode};

use super::keymap::{Action, Context};
use crate::domain::note::{Direction, DraftHeader, HeaderField, Method, Outcome, Party};
use crate::store::Draft;

/// The most a draft may lag behind what was typed.
pub const AUTOSAVE_EVERY: Duration = Duration::from_secs(1);

/// Where the editor's keys go.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Field {
    Header(HeaderField),
    Minutes,
    Body,
}

impl Field {
    /// `Tab` order: from the text round the header and back.
    const ORDER: [Field; 6] = [
        Field::Body,
        Field::Header(HeaderField::Method),
        Field::Header(HeaderField::Direction),
        Field::Header(HeaderField::Party),
        Field::Header(HeaderField::Outcome),
        Field::Minutes,
    ];

    fn step(self, by: isize) -> Field {
        let i = Field::ORDER.iter().position(|f| *f == self).unwrap_or(0) as isize;
        Field::ORDER[(i + by).rem_euclid(Field::ORDER.len() as isize) as usize]
    }

    pub fn next(self) -> Field {
        self.step(1)
    }

    pub fn prev(self) -> Field {
        self.step(-1)
    }

    /// Where a key that chose this field's value moves on to: the next
    /// field, except that the outcome, the last one chosen, goes back to
    /// the text (minutes are counted, and a digit typed next belongs to
    /// the note).
    fn after_choice(self) -> Field {
        match self {
            Field::Header(HeaderField::Outcome) => Field::Body,
            other => other.next(),
        }
    }

    pub fn label(self) -> &'static str {
        match self {
            Field::Header(field) => field.label(),
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
    /// Ctrl-S with every header field chosen (or the last one just chosen
    /// at signing's question): save and sign.
    Sign,
    /// Signing's question was left with a field still to choose; the key
    /// that left it went where it would have gone.
    SigningStopped {
        edited: bool,
    },
    /// Ctrl-T: choose a template to insert.
    PickTemplate,
    /// Ctrl-O: insert the time.
    InsertTime,
    /// Ctrl-Q: throw the draft away (after a confirmation).
    Discard,
}

/// Where the note being typed is safe, as of its last save.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Kept {
    /// In the database (or nothing typed yet).
    Database,
    /// Not in the database (its disk is full) but in this file; saved
    /// again each second, into the database as soon as it can be.
    Aside(std::path::PathBuf),
    /// Nowhere but on the screen, for this reason: tried again each second.
    Nowhere(String),
}

impl Kept {
    pub fn is_in_database(&self) -> bool {
        *self == Kept::Database
    }
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
    /// What the author has chosen; its minutes are not used (see
    /// [`NoteEditor::header_at`]).
    pub header: DraftHeader,
    pub field: Field,
    pub body: TextArea<'static>,
    /// Set by `Ctrl-S` while a header field is still to choose: the
    /// editor asks for each, one key each, then signs.
    pub signing: bool,
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
    /// Where the text was last saved.
    pub kept: Kept,
    dirty: bool,
    last_saved: Option<Instant>,
}

impl NoteEditor {
    /// A new note, or the draft the user left; either way the keys go to
    /// the text first.
    pub fn new(
        patient_id: i64,
        sheet: CallSheet,
        draft: Option<Draft>,
        now: DateTime<Utc>,
    ) -> NoteEditor {
        let version = draft.as_ref().map(|d| d.version);
        let base_minutes = draft.as_ref().map_or(0, |d| d.header.minutes);
        let (header, body, started_at) = match draft {
            Some(draft) => {
                // Cleaned: a draft is stored text, which may have come from
                // anywhere, and the text area draws what it holds as it is.
                // Its lines are kept as they are: a draft saved before
                // the wrap was soft has its line breaks where they were.
                let lines: Vec<String> = draft
                    .body
                    .lines()
                    .map(|l| crate::text::clean(l).into_owned())
                    .collect();
                (draft.header, lines, draft.started_at)
            }
            None => (DraftHeader::default(), Vec::new(), now),
        };
        let body = text_area(body);
        NoteEditor {
            patient_id,
            sheet,
            header,
            field: Field::Body,
            body,
            signing: false,
            started_at,
            minutes_typed: None,
            base_minutes,
            counted_from: now,
            version,
            kept: Kept::Database,
            dirty: false,
            last_saved: None,
        }
    }

    /// Whether a header field (or the minutes), not the text, has the
    /// cursor: the header's keys then come first.
    pub fn in_header(&self) -> bool {
        self.field != Field::Body
    }

    pub fn text(&self) -> String {
        self.body.lines().join("\n")
    }

    /// The header with the minutes as typed, or counted to `now`.
    pub fn header_at(&self, now: DateTime<Utc>) -> DraftHeader {
        let since = (now - self.counted_from).num_seconds().max(0) as u32;
        let counted = self.base_minutes + since.div_ceil(60);
        let minutes = match &self.minutes_typed {
            Some(typed) => typed.parse().unwrap_or(counted),
            None => counted,
        };
        DraftHeader {
            minutes,
            ..self.header
        }
    }

    /// The field signing's question asks for now.
    pub fn asking(&self) -> Option<HeaderField> {
        if !self.signing {
            return None;
        }
        self.header.missing().first().copied()
    }

    pub fn is_dirty(&self) -> bool {
        self.dirty
    }

    /// Whether an autosave is due: there are unsaved changes, or the text
    /// is not in the database yet, and the last save is at least
    /// [`AUTOSAVE_EVERY`] old.
    pub fn save_due(&self, now: Instant) -> bool {
        (self.dirty || !self.kept.is_in_database())
            && self
                .last_saved
                .is_none_or(|at| now.duration_since(at) >= AUTOSAVE_EVERY)
    }

    /// The text is to be saved again (a draft brought back from aside).
    pub fn mark_unsaved(&mut self) {
        self.dirty = true;
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
            .map(|l| crate::text::clean(l).into_owned())
            .collect();
        self.body = text_area(lines);
    }

    /// Inserts text at the cursor (a template, the time, a paste). Control
    /// characters other than newlines are shown in caret form, so what is
    /// stored is exactly what the screen shows.
    pub fn insert(&mut self, text: &str) {
        let shown: String = text
            .replace("\r\n", "\n")
            .replace('\t', "    ")
            .split('\n')
            .map(|line| crate::text::clean(line).into_owned())
            .collect::<Vec<_>>()
            .join("\n");
        self.body.insert_str(shown);
        self.field = Field::Body;
        self.signing = false;
        self.dirty = true;
    }

    /// The keymap's context for the next key: the header's keys come first
    /// while a header field (or the minutes) has the cursor.
    pub fn context(&self) -> Context {
        if self.in_header() {
            Context::EditorHeader
        } else {
            Context::Editor
        }
    }

    /// A key, with what the keymap reads it as in [`NoteEditor::context`]
    /// (`command`). A key the keymap does not bind is typed.
    pub fn key(&mut self, command: Option<Action>, key: KeyEvent) -> EditorEvent {
        if let Some(field) = self.asking() {
            return self.answer(field, command, key);
        }
        match command {
            Some(Action::Cancel) => return EditorEvent::Close,
            Some(Action::Save) => {
                // An empty note is refused as such before anything is asked.
                if self.header.missing().is_empty() || self.text().trim().is_empty() {
                    return EditorEvent::Sign;
                }
                self.signing = true;
                return EditorEvent::Unchanged;
            }
            Some(Action::InsertTemplate) => return EditorEvent::PickTemplate,
            Some(Action::InsertTime) => return EditorEvent::InsertTime,
            Some(Action::DiscardDraft) => return EditorEvent::Discard,
            Some(Action::NextField) => {
                self.field = self.field.next();
                return EditorEvent::Unchanged;
            }
            Some(Action::PrevField) => {
                self.field = self.field.prev();
                return EditorEvent::Unchanged;
            }
            _ => {}
        }
        let changed = match self.field {
            Field::Body => self.body_key(command, key),
            Field::Minutes => self.minutes_key(command, key),
            Field::Header(field) => self.choice_key(field, command, key),
        };
        self.edited(changed)
    }

    fn edited(&mut self, changed: bool) -> EditorEvent {
        if changed {
            self.dirty = true;
            EditorEvent::Edited
        } else {
            EditorEvent::Unchanged
        }
    }

    /// A key while signing asks for `field`: one of its keys chooses it
    /// (and signs once nothing is left to choose); Esc goes back to the
    /// note; any other key stops the question and does what it does.
    fn answer(
        &mut self,
        field: HeaderField,
        command: Option<Action>,
        key: KeyEvent,
    ) -> EditorEvent {
        if let (KeyCode::Char(c), false) = (key.code, has_command_modifier(key)) {
            if self.header.choose(field, c) {
                self.dirty = true;
                if self.header.missing().is_empty() {
                    self.signing = false;
                    return EditorEvent::Sign;
                }
                return EditorEvent::Edited;
            }
        }
        if command == Some(Action::Save) {
            return EditorEvent::Unchanged; // still asking
        }
        self.signing = false;
        if command == Some(Action::Cancel) {
            return EditorEvent::SigningStopped { edited: false };
        }
        let edited = self.key(command, key) == EditorEvent::Edited;
        EditorEvent::SigningStopped { edited }
    }

    /// A header field: one of its keys chooses and moves on; arrows cycle
    /// its values; Backspace un-chooses; Enter and ↓ move on, ↑ back. Any
    /// other key goes into the text.
    fn choice_key(&mut self, field: HeaderField, command: Option<Action>, key: KeyEvent) -> bool {
        let here = Field::Header(field);
        if let KeyCode::Char(c) = key.code {
            if !has_command_modifier(key) && self.header.choose(field, c) {
                self.field = here.after_choice();
                return true;
            }
        }
        match command {
            Some(Action::NextChoice) => self.cycle(field, 1),
            Some(Action::PrevChoice) => self.cycle(field, -1),
            Some(Action::ClearChoice) => {
                let had = self.header.has(field);
                self.header.clear(field);
                had
            }
            Some(Action::MoveDown) => {
                self.field = here.next();
                false
            }
            Some(Action::MoveUp) => {
                self.field = here.prev();
                false
            }
            _ => self.type_into_text(command, key),
        }
    }

    /// Moves the field's value `step` places round its choices (from
    /// unchosen, → takes the first and ← the last).
    fn cycle(&mut self, field: HeaderField, step: isize) -> bool {
        fn next<T: Copy + PartialEq>(all: &[T], now: Option<T>, step: isize) -> Option<T> {
            let len = all.len() as isize;
            let at = match now.and_then(|v| all.iter().position(|c| *c == v)) {
                Some(i) => (i as isize + step).rem_euclid(len),
                None if step > 0 => 0,
                None => len - 1,
            };
            all.get(at as usize).copied()
        }
        let h = &mut self.header;
        match field {
            HeaderField::Method => h.method = next(Method::ALL, h.method, step),
            HeaderField::Direction => h.direction = next(Direction::ALL, h.direction, step),
            HeaderField::Party => h.party = next(Party::ALL, h.party, step),
            HeaderField::Outcome => h.outcome = next(Outcome::ALL, h.outcome, step),
        }
        true
    }

    fn minutes_key(&mut self, command: Option<Action>, key: KeyEvent) -> bool {
        let typed = self.minutes_typed.get_or_insert_with(String::new);
        let digit = match key.code {
            KeyCode::Char(c) if c.is_ascii_digit() && !has_command_modifier(key) => Some(c),
            _ => None,
        };
        let changed = match (digit, command) {
            (Some(c), _) if typed.len() < 4 => {
                typed.push(c);
                true
            }
            (None, Some(Action::ClearChoice)) => typed.pop().is_some(),
            (None, Some(Action::MoveDown)) => {
                self.field = Field::Body;
                false
            }
            (None, Some(Action::MoveUp)) => {
                self.field = Field::Header(HeaderField::Outcome);
                false
            }
            _ => {
                if typed.is_empty() {
                    self.minutes_typed = None;
                }
                return self.type_into_text(command, key);
            }
        };
        if self.minutes_typed.as_ref().is_some_and(String::is_empty) {
            self.minutes_typed = None;
        }
        changed
    }

    /// A key a header field does not take: the text gets it, and the
    /// keys that follow.
    fn type_into_text(&mut self, command: Option<Action>, key: KeyEvent) -> bool {
        self.field = Field::Body;
        self.body_key(command, key)
    }

    fn body_key(&mut self, command: Option<Action>, key: KeyEvent) -> bool {
        if command == Some(Action::UndoTyping) {
            return self.body.undo();
        }
        if let KeyCode::Char(c) = key.code {
            if crate::text::is_unsafe(c) {
                return false;
            }
        }
        self.body.input(key)
    }
}

/// The note's text area: soft-wrapped at a word (inside a word only when
/// it is longer than the line), no highlighted cursor line, the cursor at
/// the end of the text.
fn text_area(lines: Vec<String>) -> TextArea<'static> {
    let mut area = TextArea::new(lines);
    area.set_wrap_mode(WrapMode::WordOrGlyph);
    area.set_cursor_line_style(ratatui::style::Style::default());
    area.move_cursor(CursorMove::Bottom);
    area.move_cursor(CursorMove::End);
    area
}

/// Whether Ctrl or Alt is held: such a key is a command, never a value.
fn has_command_modifier(key: KeyEvent) -> bool {
    key.modifiers
        .intersects(KeyModifiers::CONTROL | KeyModifiers::ALT)
}

#[cfg(test)]
mod tests;
