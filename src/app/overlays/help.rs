//! The help: it scrolls; any other key closes it.

use super::{step, Outcome};
use crate::app::keymap::Action;

pub(super) fn key(scroll: &mut usize, action: Option<Action>, max_scroll: usize) -> Outcome {
    if step(scroll, max_scroll + 1, action) {
        Outcome::Stay
    } else {
        Outcome::Close
    }
}
