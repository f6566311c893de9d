//! Keys typed into a field whose value is one of a few (yes/no, a
//! choice), where typing after the text it holds would only spoil it.

use crossterm::event::{KeyCode, KeyEvent, KeyModifiers};

use super::{Field, FieldKind, FormEvent};
use crate::app::line_input::{InputEvent, LineInput};

impl Field {
    /// A character typed into a field of a closed value, which typing
    /// after its text would only spoil ("noy"): in yes/no, `y` and `n`
    /// set it and Space turns it over, other characters are left out;
    /// in a choice still holding the value it opened with, the first
    /// character starts it afresh, as the start of another choice.
    /// `None` for keys the line takes as they are (Backspace, arrows).
    pub(super) fn closed_value_key(&mut self, key: KeyEvent) -> Option<FormEvent> {
        let KeyCode::Char(c) = key.code else {
            return None;
        };
        if key
            .modifiers
            .intersects(KeyModifiers::CONTROL | KeyModifiers::ALT)
        {
            return None;
        }
        let set = |field: &mut Field, text: &str| {
            if field.text() == text {
                return FormEvent::Unchanged;
            }
            field.input = LineInput::new(text);
            FormEvent::Edited
        };
        match &self.kind {
            FieldKind::YesNo => Some(match c.to_ascii_lowercase() {
                'y' => set(self, "yes"),
                'n' => set(self, "no"),
                ' ' => {
                    let turned = if self.text().trim().eq_ignore_ascii_case("yes") {
                        "no"
                    } else {
                        "yes"
                    };
                    set(self, turned)
                }
                _ => FormEvent::Unchanged,
            }),
            FieldKind::Choice(_) if !self.initial.is_empty() && !self.is_changed() => {
                self.input = LineInput::new("");
                self.pick = 0;
                Some(match self.input.key(None, key) {
                    InputEvent::Edited => FormEvent::Edited,
                    _ => FormEvent::Unchanged,
                })
            }
            _ => None,
        }
    }
}
