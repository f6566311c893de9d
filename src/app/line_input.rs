//! A one-line text field (ratatui-textarea underneath): the caseload filter
//! and every prompt. It never takes a newline or a control character, so
//! what it holds is always safe to store and to draw.

use crossterm::event::{KeyCode, KeyEvent, KeyModifiers};
use ratatui_textarea::{CursorMove, TextArea};

use super::keymap::Action;

/// What a key typed into the field did.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum InputEvent {
    /// Enter, with the text.
    Submit(String),
    /// Esc.
    Cancel,
    /// Tab.
    Complete,
    /// The text changed.
    Edited,
    Unchanged,
}

pub struct LineInput {
    area: TextArea<'static>,
}

impl LineInput {
    /// A field holding `text` (cleaned: it may come from the database).
    pub fn new(text: &str) -> LineInput {
        let mut area = TextArea::new(vec![crate::text::clean(text).into_owned()]);
        area.move_cursor(CursorMove::End);
        area.set_cursor_line_style(ratatui::style::Style::default());
        LineInput { area }
    }

    pub fn text(&self) -> String {
        self.area.lines().first().cloned().unwrap_or_default()
    }

    /// Whether the cursor is after the last character.
    pub fn at_end(&self) -> bool {
        self.area.cursor().1 >= self.text().chars().count()
    }

    /// The widget to draw.
    pub fn widget(&self) -> &TextArea<'static> {
        &self.area
    }

    /// A key, with what the keymap reads it as in a prompt (`command`; a
    /// form's field, whose form has taken its own keys, gives none). Other
    /// keys edit the line.
    pub fn key(&mut self, command: Option<Action>, key: KeyEvent) -> InputEvent {
        match command {
            Some(Action::Submit) => return InputEvent::Submit(self.text()),
            Some(Action::Cancel) => return InputEvent::Cancel,
            Some(Action::Complete) => return InputEvent::Complete,
            _ => {}
        }
        match key.code {
            // One line: it takes no line break and no tab, whatever key
            // the keymap gave those to.
            KeyCode::Enter | KeyCode::Tab | KeyCode::BackTab => return InputEvent::Unchanged,
            KeyCode::Char(c) if crate::text::is_unsafe(c) => return InputEvent::Unchanged,
            // The text area's newline key (Ctrl-M), and Ctrl-J, which a
            // terminal sends for a newline.
            KeyCode::Char('m' | 'j') if key.modifiers.contains(KeyModifiers::CONTROL) => {
                return InputEvent::Unchanged
            }
            _ => {}
        }
        let before = self.text();
        self.area.input(key);
        if self.text() == before {
            InputEvent::Unchanged
        } else {
            InputEvent::Edited
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::app::keymap::{Context, Keymap};

    /// A key as a prompt gets it: read by the default keymap first.
    fn press(input: &mut LineInput, key: KeyEvent) -> InputEvent {
        input.key(Keymap::default().command(Context::LineInput, &key), key)
    }

    fn key(code: KeyCode) -> KeyEvent {
        KeyEvent::new(code, KeyModifiers::NONE)
    }

    #[test]
    fn typing_editing_and_the_keys_that_end_it() {
        let mut input = LineInput::new("ab");
        assert_eq!(
            press(&mut input, key(KeyCode::Char('c'))),
            InputEvent::Edited
        );
        assert_eq!(
            press(&mut input, key(KeyCode::Backspace)),
            InputEvent::Edited
        );
        assert_eq!(press(&mut input, key(KeyCode::Left)), InputEvent::Unchanged);
        assert_eq!(
            press(&mut input, key(KeyCode::Char('x'))),
            InputEvent::Edited
        );
        assert_eq!(input.text(), "axb");
        assert!(!input.at_end());
        press(&mut input, key(KeyCode::End));
        assert!(input.at_end());
        assert_eq!(press(&mut input, key(KeyCode::Tab)), InputEvent::Complete);
        assert_eq!(
            press(&mut input, key(KeyCode::Enter)),
            InputEvent::Submit("axb".into())
        );
        assert_eq!(press(&mut input, key(KeyCode::Esc)), InputEvent::Cancel);
    }

    #[test]
    fn no_newline_or_control_character_gets_in() {
        let mut input = LineInput::new("");
        press(&mut input, key(KeyCode::Char('\u{1b}')));
        press(
            &mut input,
            KeyEvent::new(KeyCode::Char('m'), KeyModifiers::CONTROL),
        );
        press(
            &mut input,
            KeyEvent::new(KeyCode::Char('j'), KeyModifiers::CONTROL),
        );
        press(&mut input, key(KeyCode::Char('\u{7}')));
        assert_eq!(input.text(), "");
        assert_eq!(input.widget().lines().len(), 1);
    }
}
