//! Closed loops on the screen (issue 17): the patient's referrals (`F`),
//! appointments (`A`) and prior authorizations (`P`), each a list overlay
//! with `n` new, `m` move and `Enter` the whole of one; the open loops of
//! my patients or the team's (`L`, `:loops`); my week of appointments
//! (`W`, `:week`); and the lines the patient pane shows of them.
//!
//! Every change goes through the store, which checks the loop's rules and
//! writes the next-step task in the same transaction; a move the loop does
//! not allow comes back as the store's sentence, shown as it is.

mod detail;
mod moves;

use super::forms::{self, OpenForm};
use super::layers::Modal;
use super::overlays::Overlay;
use super::{App, Message};
pub use crate::store::LoopKind;
use crate::store::{Referral, StoreError};

pub use detail::LoopDetail;
pub use moves::{KeyChoice, LoopMove, MoveTarget, Stage};

/// A patient's referrals, appointments or authorizations, as an overlay
/// lists them.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct LoopList<T> {
    pub patient_id: i64,
    /// "Synth Alpha": whose list it is, for the title.
    pub patient: String,
    pub rows: Vec<T>,
    pub selected: usize,
}

/// A referral with the title of its next-step task, while it has one.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ReferralRow {
    pub referral: Referral,
    pub next_step: Option<String>,
}

impl App {
    /// `F`, `A`, `P`: the list of the patient on screen.
    pub(super) fn open_loop_list(&mut self, kind: LoopKind) -> Result<(), StoreError> {
        let Some(patient_id) = self.shown_patient_id() else {
            return Ok(());
        };
        self.message = None;
        self.show_loop_list(kind, patient_id, None)
    }

    /// The list over the panes, read again, with `select` (an id) selected
    /// when it is listed.
    pub(super) fn show_loop_list(
        &mut self,
        kind: LoopKind,
        patient_id: i64,
        select: Option<i64>,
    ) -> Result<(), StoreError> {
        let patient = self.patient_name(patient_id)?;
        let overlay = match kind {
            LoopKind::Referral => {
                let mut rows = Vec::new();
                for referral in self.store.referrals(patient_id)? {
                    let next_step = self.task_title(referral.task_id)?;
                    rows.push(ReferralRow {
                        referral,
                        next_step,
                    });
                }
                let selected = position(&rows, |r| r.referral.id, select);
                Overlay::Referrals(LoopList {
                    patient_id,
                    patient,
                    rows,
                    selected,
                })
            }
            LoopKind::Appointment | LoopKind::Authorization => {
                self.message = Some(Message::Error(format!(
                    "The {}s are not on the screen yet",
                    kind.label()
                )));
                return Ok(());
            }
        };
        self.layers.show(overlay);
        Ok(())
    }

    /// `n` in a list, `:referral`, `:appointment`, `:auth`: the form of a
    /// new one for the patient.
    pub(super) fn open_loop_form(
        &mut self,
        kind: LoopKind,
        patient_id: i64,
    ) -> Result<(), StoreError> {
        let today = self.today();
        let form: OpenForm = match kind {
            LoopKind::Referral => {
                forms::referral::open(patient_id, self.store.needs(patient_id)?, today)
            }
            LoopKind::Appointment | LoopKind::Authorization => return Ok(()),
        };
        if !self.layers.open(Modal::Form(form)) {
            self.message = Some(Message::Error(format!(
                "Sign or close the note first: the {} form opens over the panes",
                kind.label()
            )));
        }
        Ok(())
    }

    /// `:referral`, `:appointment`, `:auth`: the new one's form for the
    /// patient on screen.
    pub(super) fn new_loop_for_shown(&mut self, kind: LoopKind) -> Result<(), StoreError> {
        match self.shown_patient_id() {
            Some(patient_id) => self.open_loop_form(kind, patient_id),
            None => Ok(()),
        }
    }

    /// `t`, `i` in the appointments: transport or interpreter arranged, or
    /// not after all.
    pub(super) fn toggle_arranged(
        &mut self,
        patient_id: i64,
        id: Option<i64>,
        transport: bool,
    ) -> Result<(), StoreError> {
        let _ = (id, transport);
        self.show_loop_list(LoopKind::Appointment, patient_id, id)
    }

    /// "Synth Alpha", the name a list's title gives.
    fn patient_name(&self, patient_id: i64) -> Result<String, StoreError> {
        let record = match &self.patient.record {
            Some(record) if record.id == patient_id => Some(record.clone()),
            _ => self.store.patient(patient_id)?,
        };
        Ok(record
            .map(|r| format!("{} {}", r.given_name, r.family_name))
            .unwrap_or_default())
    }

    /// The title of an open task, for a loop's next step.
    fn task_title(&self, task_id: Option<i64>) -> Result<Option<String>, StoreError> {
        Ok(match task_id {
            Some(id) => self.store.task(id)?.map(|t| t.title),
            None => None,
        })
    }
}

/// The place of the row whose id is `select`, or the first.
fn position<T>(rows: &[T], id: impl Fn(&T) -> i64, select: Option<i64>) -> usize {
    select
        .and_then(|want| rows.iter().position(|r| id(r) == want))
        .unwrap_or(0)
}
