//! The keys of the loops' lists (`n` new, `m` move, `Enter` the whole of
//! one; `s` the directory in the referrals; `t`/`i` in the appointments)
//! and of one in full (any key: back to the list). What they ask for is
//! an [`Effect`] `App` carries out.

use super::{step, Effect, Outcome};
use crate::app::keymap::Action;
use crate::app::loops::{LoopDetail, LoopKind, LoopList};

/// A key in a patient's list of referrals, appointments or authorizations.
pub fn list_key<T>(
    kind: LoopKind,
    list: &mut LoopList<T>,
    id: impl Fn(&T) -> i64,
    action: Option<Action>,
) -> Outcome {
    let patient_id = list.patient_id;
    let selected = list.rows.get(list.selected).map(&id);
    match action {
        Some(Action::NewLoop) => Outcome::CloseThen(Effect::NewLoop(kind, patient_id)),
        Some(Action::FindService) => Outcome::CloseThen(Effect::FindService(patient_id)),
        Some(Action::MoveLoop) => Outcome::CloseThen(Effect::AskLoopMove {
            kind,
            patient_id,
            id: selected,
        }),
        Some(Action::Choose) => Outcome::CloseThen(Effect::ShowLoopDetail {
            kind,
            patient_id,
            id: selected,
        }),
        Some(Action::ToggleTransport) => Outcome::CloseThen(Effect::ToggleArranged {
            patient_id,
            id: selected,
            transport: true,
        }),
        Some(Action::ToggleInterpreter) => Outcome::CloseThen(Effect::ToggleArranged {
            patient_id,
            id: selected,
            transport: false,
        }),
        _ if step(&mut list.selected, list.rows.len(), action) => Outcome::Stay,
        _ => Outcome::Close,
    }
}

/// Any key on one in full goes back to its list, the same one selected.
pub fn detail_key(detail: &LoopDetail) -> Outcome {
    Outcome::CloseThen(Effect::ShowLoopList {
        kind: detail.kind,
        patient_id: detail.patient_id,
        select: Some(detail.id),
    })
}
