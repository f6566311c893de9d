//! "Discard this draft?": `y` throws it away, any other key keeps it.

use super::{Effect, Outcome};
use crate::app::keymap::Action;
use crate::app::Message;

pub(super) fn key(action: Option<Action>) -> Outcome {
    Outcome::CloseThen(if action == Some(Action::Yes) {
        Effect::DiscardDraft
    } else {
        Effect::Say(Message::Info("Kept".into()))
    })
}
