//! One note in full: it scrolls; `a` adds an addendum, `n` a new note for
//! the patient on screen (a search result brings its patient up first).

use super::{Effect, Outcome};
use crate::app::keymap::Action;
use crate::store::NoteSummary;

pub(super) fn key(note: &NoteSummary, scroll: &mut usize, action: Option<Action>) -> Outcome {
    match action {
        Some(Action::Addendum) => return Outcome::CloseThen(Effect::AskAddendum(note.id)),
        Some(Action::NewNote) => return Outcome::CloseThen(Effect::NewNote),
        Some(Action::MoveDown) => *scroll += 1,
        Some(Action::MoveUp) => *scroll = scroll.saturating_sub(1),
        Some(Action::PageDown) => *scroll += 10,
        Some(Action::PageUp) => *scroll = scroll.saturating_sub(10),
        Some(Action::Top) => *scroll = 0,
        _ => return Outcome::Close,
    }
    Outcome::Stay
}
