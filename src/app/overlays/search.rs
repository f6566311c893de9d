//! Notes matching a search: Enter brings the patient up and shows the note.

use super::{step, Effect, Outcome};
use crate::app::keymap::Action;
use crate::store::SearchHit;

pub(super) fn key(hits: &[SearchHit], selected: &mut usize, action: Option<Action>) -> Outcome {
    match action {
        Some(Action::Choose) => match hits.get(*selected) {
            Some(hit) => Outcome::CloseThen(Effect::OpenHit(hit.clone())),
            None => Outcome::Stay,
        },
        _ if step(selected, hits.len(), action) => Outcome::Stay,
        _ => Outcome::Close,
    }
}
