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
mod summary;
mod views;

use super::forms::{self, OpenForm};
use super::layers::Modal;
use super::overlays::Overlay;
use super::{App, Message};
pub use crate::store::Appointment;
pub use crate::store::LoopKind;
use crate::store::{Authorization, Referral, StoreError};

pub use detail::LoopDetail;
pub use moves::{KeyChoice, LoopMove, MoveTarget, Stage};
pub use summary::LoopLines;
pub use views::{LoopsView, WeekView};

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

/// A prior authorization with the title of its next-step task.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct AuthRow {
    pub auth: Authorization,
    pub next_step: Option<String>,
}

/// The patient's appointments as the list shows them: those still to come
/// first, soonest first; then the rest, latest first.
fn upcoming_first(mut all: Vec<Appointment>, today: chrono::NaiveDate) -> Vec<Appointment> {
    let coming = |a: &Appointment| a.status.is_open() && a.starts_at.date() >= today;
    let mut rows: Vec<Appointment> = all.iter().filter(|a| coming(a)).cloned().collect();
    rows.sort_by_key(|a| (a.starts_at, a.id));
    all.retain(|a| !coming(a));
    rows.extend(all);
    rows
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
            LoopKind::Appointment => {
                let rows = upcoming_first(self.store.appointments(patient_id)?, self.today());
                let selected = position(&rows, |a| a.id, select);
                Overlay::Appointments(LoopList {
                    patient_id,
                    patient,
                    rows,
                    selected,
                })
            }
            LoopKind::Authorization => {
                let mut rows = Vec::new();
                for auth in self.store.authorizations(patient_id)? {
                    let next_step = self.task_title(auth.task_id)?;
                    rows.push(AuthRow { auth, next_step });
                }
                let selected = position(&rows, |r| r.auth.id, select);
                Overlay::Authorizations(LoopList {
                    patient_id,
                    patient,
                    rows,
                    selected,
                })
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
            LoopKind::Appointment => {
                let interpreter = self
                    .store
                    .patient(patient_id)?
                    .is_some_and(|p| p.interpreter_needed || speaks_other(&p.language));
                forms::appointment::open(patient_id, interpreter, today)
            }
            LoopKind::Authorization => forms::authorization::open(patient_id, today),
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
        let kind = LoopKind::Appointment;
        let Some(id) = id else {
            self.show_loop_list(kind, patient_id, None)?;
            self.message = Some(Message::Info("No appointment is selected".into()));
            return Ok(());
        };
        let Some(a) = self.store.appointment(id)? else {
            return self.show_loop_list(kind, patient_id, None);
        };
        let (what, needed, now) = if transport {
            ("Transport", a.transport_needed, !a.transport_arranged)
        } else {
            (
                "An interpreter",
                a.interpreter_needed,
                !a.interpreter_arranged,
            )
        };
        let said = if !needed && now {
            Message::Error(format!(
                "{what} is not needed for this appointment; nothing was changed"
            ))
        } else {
            let (t, i) = if transport {
                (now, a.interpreter_arranged)
            } else {
                (a.transport_arranged, now)
            };
            match self.store.set_arrangements(id, a.version, t, i) {
                Ok(()) => Message::Info(format!(
                    "{what} {} for {}",
                    if now {
                        "arranged"
                    } else {
                        "no longer arranged"
                    },
                    a.starts_at.format("%m-%d %H:%M")
                )),
                Err(e @ (StoreError::Refused(_) | StoreError::Conflict(_))) => {
                    Message::Error(super::capitalise(&e.to_string()))
                }
                Err(other) => return Err(other),
            }
        };
        self.reload_view()?;
        self.show_loop_list(kind, patient_id, Some(id))?;
        self.message = Some(said);
        Ok(())
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

/// Whether the patient's language is known and not English: an
/// interpreter is then offered for a new appointment.
fn speaks_other(language: &str) -> bool {
    let primary = language.split('-').next().unwrap_or("");
    !matches!(
        primary,
        "" | "en" | "und" | "unknown" | "declined" | "mis" | "zxx"
    )
}

/// The place of the row whose id is `select`, or the first.
fn position<T>(rows: &[T], id: impl Fn(&T) -> i64, select: Option<i64>) -> usize {
    select
        .and_then(|want| rows.iter().position(|r| id(r) == want))
        .unwrap_or(0)
}
