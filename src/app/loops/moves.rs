//! `m` in a loop's list: where the selected one moves, as a one-key choice
//! of the statuses its loop allows from here (each with its key, as the
//! domain names them), then what that status asks for — a date, a note,
//! how receipt was confirmed — and the move through the store.
//!
//! A status key the loop does not allow from here is not ignored: the move
//! is put to the store, whose refusal (the loop's reason) is shown, so the
//! coordinator learns why rather than nothing happening.

use crossterm::event::{KeyCode, KeyEvent, KeyModifiers};

use super::{LoopKind, Message};
use crate::app::keymap::Action;
use crate::app::overlays::Overlay;
use crate::app::prompts::{Ask, LoopAnswer};
use crate::app::{capitalise, App};
use crate::domain::appointment::AppointmentStatus;
use crate::domain::authorization::AuthStatus;
use crate::domain::referral::{ReceiptConfirmation, ReferralStatus};
use crate::store::{AppointmentMove, AuthMove, ReferralMove, StoreError};

/// The one a move is about, at the version the list showed.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct MoveTarget {
    pub kind: LoopKind,
    pub id: i64,
    pub version: i64,
    pub patient_id: i64,
}

/// What the one-key choice is asking.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Stage {
    /// The status to move to.
    Status,
    /// How the member's receipt of the service was confirmed (closing a
    /// referral as done).
    Confirmation,
}

/// A one-key choice over the panes.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct KeyChoice {
    pub title: String,
    /// The keys offered, each with what it chooses.
    pub options: Vec<(char, String)>,
    pub target: MoveTarget,
    pub stage: Stage,
}

/// A move as the store takes it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum LoopMove {
    Referral(ReferralMove),
    Appointment(AppointmentMove),
    Authorization(AuthMove),
}

fn options<T: Copy>(
    all: &[T],
    key: impl Fn(T) -> char,
    label: impl Fn(T) -> &'static str,
) -> Vec<(char, String)> {
    all.iter()
        .map(|&s| (key(s), label(s).to_string()))
        .collect()
}

impl App {
    /// `m` on a list's row: the choice of where it moves.
    pub(in crate::app) fn ask_loop_move(
        &mut self,
        kind: LoopKind,
        patient_id: i64,
        id: Option<i64>,
    ) -> Result<(), StoreError> {
        let Some(id) = id else {
            self.show_loop_list(kind, patient_id, None)?;
            self.message = Some(Message::Info(format!(
                "No {} to move; {} makes one",
                kind.label(),
                self.key(match kind {
                    LoopKind::Referral => "referral_new",
                    LoopKind::Appointment => "appointment_new",
                    LoopKind::Authorization => "authorization_new",
                })
            )));
            return Ok(());
        };
        let choice = match kind {
            LoopKind::Referral => {
                let Some(referral) = self.store.referral(id)? else {
                    return self.gone(kind, patient_id);
                };
                let moves = referral.status.moves();
                if moves.is_empty() {
                    self.show_loop_list(kind, patient_id, Some(id))?;
                    self.message = Some(Message::Info(format!(
                        "A {} referral is finished; n makes a new one",
                        referral.status.label()
                    )));
                    return Ok(());
                }
                KeyChoice {
                    title: format!(
                        "Move the referral to {} ({})",
                        crate::text::fit(&referral.to_name, 30),
                        referral.status.label()
                    ),
                    options: options(moves, ReferralStatus::key, ReferralStatus::label),
                    target: MoveTarget {
                        kind,
                        id,
                        version: referral.version,
                        patient_id,
                    },
                    stage: Stage::Status,
                }
            }
            LoopKind::Appointment => {
                let Some(a) = self.store.appointment(id)? else {
                    return self.gone(kind, patient_id);
                };
                if !a.status.is_open() {
                    self.show_loop_list(kind, patient_id, Some(id))?;
                    self.message = Some(Message::Info(format!(
                        "A {} appointment is final; n books a new one",
                        a.status.label()
                    )));
                    return Ok(());
                }
                use AppointmentStatus::*;
                KeyChoice {
                    title: format!(
                        "The appointment of {} with {}",
                        a.starts_at.format("%m-%d %H:%M"),
                        crate::text::fit(&a.with_whom, 24)
                    ),
                    options: options(
                        &[Kept, Missed, Rescheduled, Cancelled],
                        AppointmentStatus::key,
                        AppointmentStatus::label,
                    ),
                    target: MoveTarget {
                        kind,
                        id,
                        version: a.version,
                        patient_id,
                    },
                    stage: Stage::Status,
                }
            }
            LoopKind::Authorization => {
                let Some(z) = self.store.authorization(id)? else {
                    return self.gone(kind, patient_id);
                };
                let moves = z.status.moves();
                if moves.is_empty() {
                    self.show_loop_list(kind, patient_id, Some(id))?;
                    self.message = Some(Message::Info(
                        "An expired authorization is final; n asks again with a new one".into(),
                    ));
                    return Ok(());
                }
                KeyChoice {
                    title: format!(
                        "Move the authorization for {} ({})",
                        crate::text::fit(&z.item, 24),
                        z.status.label()
                    ),
                    options: options(moves, AuthStatus::key, AuthStatus::label),
                    target: MoveTarget {
                        kind,
                        id,
                        version: z.version,
                        patient_id,
                    },
                    stage: Stage::Status,
                }
            }
        };
        self.layers.show(Overlay::KeyChoice(Box::new(choice)));
        Ok(())
    }

    /// What the list shows is no longer in the database.
    fn gone(&mut self, kind: LoopKind, patient_id: i64) -> Result<(), StoreError> {
        self.show_loop_list(kind, patient_id, None)?;
        self.message = Some(Message::Error(format!(
            "That {} is no longer there; the list is up to date now",
            kind.label()
        )));
        Ok(())
    }

    /// A key while the one-key choice is open: one of its keys (or another
    /// status key, which the store refuses with its reason), Esc back to
    /// the list, `?` its help.
    pub(in crate::app) fn key_choice_key(&mut self, key: KeyEvent) -> Result<(), StoreError> {
        let Some(Overlay::KeyChoice(choice)) = self.layers.overlay() else {
            return Ok(());
        };
        let choice = (**choice).clone();
        let target = choice.target;
        let command = self.settings.keymap.command(
            crate::app::keymap::Context::Overlay(crate::app::keymap::OverlayKind::KeyChoice),
            &key,
        );
        let typed = match key.code {
            KeyCode::Char(c)
                if !key
                    .modifiers
                    .intersects(KeyModifiers::CONTROL | KeyModifiers::ALT) =>
            {
                Some(c)
            }
            _ => None,
        };
        let picked = typed.filter(|c| self.is_status_key(&choice, *c));
        let Some(c) = picked else {
            if command == Some(Action::Back) {
                self.layers.take_overlay();
                self.message = Some(Message::Info("Cancelled; nothing was changed".into()));
                return self.show_loop_list(target.kind, target.patient_id, Some(target.id));
            }
            let keys: Vec<String> = choice.options.iter().map(|(k, _)| k.to_string()).collect();
            self.message = Some(Message::Error(format!(
                "{} is not one of the choices: press {} (or {} to cancel)",
                crate::app::keymap::Key::from_event(&key),
                keys.join(", "),
                self.key("back")
            )));
            return Ok(());
        };
        self.layers.take_overlay();
        match (target.kind, choice.stage) {
            (LoopKind::Referral, Stage::Status) => self.referral_status_chosen(target, c),
            (LoopKind::Referral, Stage::Confirmation) => {
                let confirmation = ReceiptConfirmation::from_key(c);
                self.make_loop_move(
                    target,
                    LoopMove::Referral(ReferralMove {
                        to: ReferralStatus::Closed,
                        appointment_on: None,
                        confirmation,
                        note: None,
                    }),
                )
            }
            (LoopKind::Appointment, _) => self.appointment_status_chosen(target, c),
            (LoopKind::Authorization, _) => self.auth_status_chosen(target, c),
        }
    }

    /// Whether `c` chooses something at this stage: one of the options, or
    /// (for a status) any status of the loop, allowed or not.
    fn is_status_key(&self, choice: &KeyChoice, c: char) -> bool {
        if choice.options.iter().any(|(k, _)| *k == c) {
            return true;
        }
        match (choice.target.kind, choice.stage) {
            (LoopKind::Referral, Stage::Status) => ReferralStatus::from_key(c).is_some(),
            (LoopKind::Appointment, _) => AppointmentStatus::from_key(c).is_some(),
            (LoopKind::Authorization, _) => AuthStatus::from_key(c).is_some(),
            (LoopKind::Referral, Stage::Confirmation) => false,
        }
    }

    fn referral_status_chosen(&mut self, target: MoveTarget, c: char) -> Result<(), StoreError> {
        let Some(to) = ReferralStatus::from_key(c) else {
            return Ok(());
        };
        let allowed = match self.store.referral(target.id)? {
            Some(referral) => referral.status.moves().contains(&to),
            None => return self.gone(target.kind, target.patient_id),
        };
        let plain = ReferralMove {
            to,
            appointment_on: None,
            confirmation: None,
            note: None,
        };
        if !allowed {
            // The store says why, in the loop's words.
            return self.make_loop_move(target, LoopMove::Referral(plain));
        }
        match to {
            ReferralStatus::Scheduled => self.ask(
                LoopAnswer {
                    target,
                    ask: Ask::ScheduledOn,
                },
                format!(
                    "Scheduled: the day of the service ({} alone: not known yet)",
                    self.key("line_submit")
                ),
                "",
            ),
            ReferralStatus::Closed => {
                self.layers.show(Overlay::KeyChoice(Box::new(KeyChoice {
                    title: "Closed as done: how was receipt confirmed?".into(),
                    options: options(
                        ReceiptConfirmation::ALL,
                        ReceiptConfirmation::key,
                        ReceiptConfirmation::label,
                    ),
                    target,
                    stage: Stage::Confirmation,
                })));
                Ok(())
            }
            ReferralStatus::Declined | ReferralStatus::Cancelled => self.ask(
                LoopAnswer {
                    target,
                    ask: Ask::ReferralNote(to),
                },
                format!("Referral {}: why?", to.label()),
                "",
            ),
            _ => self.make_loop_move(target, LoopMove::Referral(plain)),
        }
    }

    fn appointment_status_chosen(&mut self, target: MoveTarget, c: char) -> Result<(), StoreError> {
        let Some(to) = AppointmentStatus::from_key(c) else {
            return Ok(());
        };
        let (ask, title) = match to {
            AppointmentStatus::Rescheduled => (
                Ask::NewStart,
                "Rescheduled to: the new day and time (fri 14:30)".to_string(),
            ),
            AppointmentStatus::Cancelled => (
                Ask::AppointmentNote,
                format!(
                    "Cancelled: why? ({} alone: not said)",
                    self.key("line_submit")
                ),
            ),
            // Kept, missed, and a status not allowed (the store says why).
            _ => {
                let change = AppointmentMove {
                    to,
                    new_start: None,
                    note: None,
                };
                return self.make_loop_move(target, LoopMove::Appointment(change));
            }
        };
        self.ask(LoopAnswer { target, ask }, title, "")
    }

    fn auth_status_chosen(&mut self, target: MoveTarget, c: char) -> Result<(), StoreError> {
        let Some(to) = AuthStatus::from_key(c) else {
            return Ok(());
        };
        let Some(z) = self.store.authorization(target.id)? else {
            return self.gone(target.kind, target.patient_id);
        };
        let allowed = z.status.moves().contains(&to);
        match to {
            AuthStatus::Approved if allowed => {
                let form = crate::app::forms::approval::open(target, &z.item, self.today());
                self.layers.open(crate::app::layers::Modal::Form(form));
                Ok(())
            }
            AuthStatus::Denied if allowed => self.ask(
                LoopAnswer {
                    target,
                    ask: Ask::DenialNotice,
                },
                format!(
                    "Denied: the date on the notice ({} alone: today); the appeal is due from it",
                    self.key("line_submit")
                ),
                "",
            ),
            _ => {
                let change = AuthMove {
                    to,
                    on: None,
                    units: None,
                    authorized_from: None,
                    authorized_until: None,
                    payer_ref: None,
                    note: None,
                };
                self.make_loop_move(target, LoopMove::Authorization(change))
            }
        }
    }

    /// Puts the move to the store; says what it did (the next step and
    /// when) or why not, as the store words it; shows the list again.
    pub(in crate::app) fn make_loop_move(
        &mut self,
        target: MoveTarget,
        change: LoopMove,
    ) -> Result<(), StoreError> {
        let result = match &change {
            LoopMove::Referral(m) => self
                .store
                .move_referral(target.id, target.version, m)
                .map(|()| None::<i64>),
            LoopMove::Appointment(m) => self.store.move_appointment(target.id, target.version, m),
            LoopMove::Authorization(m) => self
                .store
                .move_authorization(target.id, target.version, m)
                .map(|()| None),
        };
        let mut select = target.id;
        let said = match result {
            Ok(new) => {
                select = new.unwrap_or(target.id);
                Message::Info(self.moved_words(target, &change, new)?)
            }
            Err(error @ (StoreError::Refused(_) | StoreError::Conflict(_))) => {
                Message::Error(capitalise(&error.to_string()))
            }
            Err(other) => return Err(other),
        };
        self.reload_view()?;
        self.show_loop_list(target.kind, target.patient_id, Some(select))?;
        self.message = Some(said);
        Ok(())
    }

    /// "Referral accepted; next: Confirm the appointment date with the
    /// receiver, by Tue 2026-12-01".
    fn moved_words(
        &self,
        target: MoveTarget,
        change: &LoopMove,
        new: Option<i64>,
    ) -> Result<String, StoreError> {
        let (status, task_id, due) = match change {
            LoopMove::Referral(m) => {
                let now = self.store.referral(target.id)?;
                (
                    m.to.label(),
                    now.as_ref().and_then(|r| r.task_id),
                    now.as_ref().and_then(|r| r.next_due),
                )
            }
            LoopMove::Appointment(m) => {
                // Missed: the outreach call; rescheduled: the new one's reminder.
                let now = self.store.appointment(new.unwrap_or(target.id))?;
                let task = now
                    .as_ref()
                    .and_then(|a| a.outreach_task_id.or(a.reminder_task_id).or(a.task_id));
                let due = match task {
                    Some(id) => self.store.task(id)?.and_then(|t| t.due_on),
                    None => None,
                };
                (m.to.label(), task, due)
            }
            LoopMove::Authorization(m) => {
                let now = self.store.authorization(target.id)?;
                (
                    m.to.label(),
                    now.as_ref().and_then(|z| z.task_id),
                    now.as_ref().and_then(|z| z.next_due),
                )
            }
        };
        let head = format!("{} {status}", capitalise(target.kind.label()));
        Ok(match (self.task_title(task_id)?, due) {
            (Some(title), Some(due)) => format!(
                "{head}; next: {title}, by {}",
                crate::domain::dates::show(due)
            ),
            _ => format!("{head}; nothing is left to do"),
        })
    }
}
