//! Choosing a template for the note: by its number, or moved to and Enter.

use super::{step, Effect, Outcome};
use crate::app::keymap::Action;

pub(super) fn key(
    selected: &mut usize,
    action: Option<Action>,
    number: Option<usize>,
    templates: usize,
) -> Outcome {
    match action {
        Some(Action::ChooseNumbered) => match number {
            Some(index) => Outcome::CloseThen(Effect::InsertTemplate(index)),
            None => Outcome::Stay,
        },
        Some(Action::Choose) => Outcome::CloseThen(Effect::InsertTemplate(*selected)),
        _ if step(selected, templates, action) => Outcome::Stay,
        _ => Outcome::Close,
    }
}
