//! What a signed note calls for: Enter takes it, any other key skips it.

use super::{Effect, Outcome};
use crate::app::keymap::Action;
use crate::app::notes::Proposal;
use crate::app::Message;

pub(super) fn key(proposal: &Proposal, action: Option<Action>) -> Outcome {
    Outcome::CloseThen(if action == Some(Action::Choose) {
        Effect::TakeProposal(proposal.clone())
    } else {
        Effect::Say(Message::Info("Skipped".into()))
    })
}
