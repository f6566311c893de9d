//! The patient's notes, newest first: Enter shows one in full, `/`
//! searches all notes, `n` writes a new one (the patient's on screen).

use super::{step, Effect, Outcome};
use crate::app::keymap::Action;
use crate::store::NoteSummary;

pub(super) fn key(notes: &[NoteSummary], selected: &mut usize, action: Option<Action>) -> Outcome {
    match action {
        Some(Action::Choose) => match notes.get(*selected) {
            // An addendum opens the note it belongs to.
            Some(note) => Outcome::CloseThen(Effect::OpenNote(note.part_of.unwrap_or(note.id))),
            None => Outcome::Stay,
        },
        Some(Action::NewNote) => Outcome::CloseThen(Effect::NewNote),
        Some(Action::SearchNotes) => Outcome::CloseThen(Effect::AskSearch),
        _ if step(selected, notes.len(), action) => Outcome::Stay,
        _ => Outcome::Close,
    }
}
