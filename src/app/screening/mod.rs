//! Administering a screening during a call (issue 18): one key an answer,
//! saved as it is answered, the score and band as it goes; a safety rule
//! acted on the moment its answer is given; signing, then what the
//! answers call for — a fuller instrument, a need for the care plan —
//! offered in one key.

mod follow_up;
mod open;
mod trends;
mod view;

pub use follow_up::{FollowUp, FollowUps};
pub use trends::{follow_up_key, list_key, InstrumentRow, ScreeningChart, ScreeningsList};
pub use view::{CarriedAnswer, Moved, ScreeningView};

use crossterm::event::{KeyCode, KeyEvent, KeyModifiers};

use super::keymap::{Action, Context};
use super::layers::Modal;
use super::overlays::Overlay;
use super::{App, Message};
use crate::domain::instrument::RuleSex;
use crate::domain::screening::safety_texts;
use crate::store::{SafetyRaise, StoreError};

/// The program's safety steps, shown over the screening the moment a
/// safety rule fires.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SafetySteps {
    pub instrument: String,
    pub message: String,
    pub steps: Vec<String>,
}

impl App {
    /// Starts a screening of the patient with the instrument, or takes up
    /// the one the user left unfinished.
    pub(super) fn start_screening(
        &mut self,
        patient_id: i64,
        instrument_id: &str,
    ) -> Result<(), StoreError> {
        self.start_screening_with(patient_id, instrument_id, &[])
    }

    /// Starts a screening (or takes up the one left unfinished), a new one
    /// with the answers `carried` from the screening just signed.
    pub(super) fn start_screening_with(
        &mut self,
        patient_id: i64,
        instrument_id: &str,
        carried: &[CarriedAnswer],
    ) -> Result<(), StoreError> {
        let Some(instrument) = self
            .settings
            .instruments
            .instruments
            .iter()
            .find(|i| i.id == instrument_id)
            .cloned()
        else {
            self.message = Some(Message::Error(format!(
                "No screening instrument {instrument_id} is loaded: `tend instruments` lists them"
            )));
            return Ok(());
        };
        if self.layers.editor().is_some() {
            // The note's text is never closed by opening something else.
            self.message = Some(Message::Info(
                "Sign or close the note first (Esc keeps it as a draft)".into(),
            ));
            return Ok(());
        }
        let Some(patient) = self.store.patient(patient_id)? else {
            return Ok(());
        };
        let resumed = self
            .store
            .unfinished_screening(patient_id, &instrument.id)?;
        let screening = match resumed {
            Some(screening) => screening,
            None => {
                let id = self.store.start_screening(
                    patient_id,
                    &instrument.id,
                    &instrument.name,
                    None,
                )?;
                self.store
                    .screening(id)?
                    .ok_or_else(|| StoreError::Refused("the screening was not saved".into()))?
            }
        };
        let name = crate::domain::patient::list_name(&patient.family_name, &patient.given_name);
        let mut view = ScreeningView::new(&screening, instrument, name, RuleSex::from(patient.sex));
        let fresh = screening.answers.is_empty() && screening.position == 0;
        let carried = if fresh { view.carry(carried) } else { 0 };
        let name = view.instrument.name.clone();
        self.layers.open(Modal::Screening(Box::new(view)));
        if carried > 0 {
            // Saved as any answer is, so a carried answer that fires a rule
            // acts at once.
            self.save_screening_view()?;
            self.message = Some(Message::Info(format!(
                "{name} started with the {carried} answers already given"
            )));
        } else if !fresh {
            self.message = Some(Message::Info(format!(
                "Going on with the {name} left unfinished: {} answered",
                screening.answers.len()
            )));
        }
        Ok(())
    }

    /// A key for the screening: a digit answers; the keymap's keys move,
    /// sign or leave.
    pub(super) fn screening_key(&mut self, key: KeyEvent) -> Result<(), StoreError> {
        let command = self.settings.keymap.command(Context::Screening, &key);
        let Some(view) = self.layers.screening_mut() else {
            return Ok(());
        };
        let plain = !key
            .modifiers
            .intersects(KeyModifiers::CONTROL | KeyModifiers::ALT);
        let moved = match (command, key.code) {
            (Some(Action::Help), _) => {
                self.layers.show(Overlay::Help {
                    scroll: 0,
                    of: Context::Screening,
                });
                return Ok(());
            }
            (Some(Action::Cancel), _) => return self.leave_screening(),
            (Some(Action::DiscardDraft), _) => {
                let id = view.id;
                self.layers.show(Overlay::ConfirmAbandon(id));
                return Ok(());
            }
            (Some(Action::PrevField), _) => view.back(),
            (Some(Action::NextField), _) => view.forward(),
            (Some(Action::ClearChoice), _) => view.clear(),
            (Some(Action::Submit), _) if view.at_end() => return self.sign_screening(),
            (Some(Action::Submit), _) => view.enter(),
            // A free-text item takes what is typed, digits too.
            (None, KeyCode::Char(c)) if plain && view.on_text() => view.type_char(c),
            (None, KeyCode::Backspace) if view.on_text() => view.backspace(),
            (None, KeyCode::Char(c)) if plain && c.is_ascii_digit() => view.key(c),
            _ => Moved::Refused(format!(
                "{} does nothing here: a number answers, {} shows the keys",
                super::keymap::Key::from_event(&key),
                self.settings.keymap.key_name("screening_help")
            )),
        };
        match moved {
            Moved::Answered | Moved::Stepped => self.save_screening_view(),
            Moved::Refused(why) if why.is_empty() => Ok(()),
            Moved::Refused(why) => {
                self.message = Some(Message::Info(why));
                Ok(())
            }
        }
    }

    /// Saves the answers and the item on screen; the first time a safety
    /// rule fires, raises its flag and task in the same write and shows the
    /// safety steps at once.
    fn save_screening_view(&mut self) -> Result<(), StoreError> {
        let steps = self.settings.screening.safety_steps.clone();
        let Some(view) = self.layers.screening_mut() else {
            return Ok(());
        };
        let safety = view
            .safety_message()
            .filter(|_| !view.safety_raised)
            .map(|message| {
                let (flag, task) = safety_texts(&view.instrument, &message);
                (message, SafetyRaise { flag, task })
            });
        let saved = view.saved();
        let result = self.store.save_screening(
            view.id,
            &saved,
            view.position,
            safety.as_ref().map(|s| &s.1),
        );
        match result {
            Ok(raised) => {
                view.unsaved = false;
                if raised {
                    view.safety_raised = true;
                    let instrument = view.instrument.name.clone();
                    let message = safety.map(|s| s.0).unwrap_or_default();
                    self.layers.show(Overlay::SafetySteps(Box::new(SafetySteps {
                        instrument: instrument.clone(),
                        message,
                        steps,
                    })));
                    self.message = Some(Message::Error(format!(
                        "{instrument}: safety flag raised and an escalation task due now"
                    )));
                    self.reload_view()?;
                }
                Ok(())
            }
            Err(error) => {
                // The answers stay on screen, and the next save writes them
                // all: nothing typed is lost to a failed write.
                view.unsaved = true;
                self.message = Some(Message::Error(format!(
                    "Not saved ({error}): the answers stay on screen and are saved with the next"
                )));
                Ok(())
            }
        }
    }

    /// Esc: the screening is kept as it is, to go on with later.
    fn leave_screening(&mut self) -> Result<(), StoreError> {
        let Some(view) = self.layers.take_screening() else {
            return Ok(());
        };
        let answered = view.saved().len();
        let name = view.instrument.name.clone();
        if view.unsaved {
            // One more try before it leaves the screen.
            let result = self
                .store
                .save_screening(view.id, &view.saved(), view.position, None);
            if let Err(error) = result {
                self.message = Some(Message::Error(format!(
                    "The {name} could not be saved ({error}): it stays open"
                )));
                self.layers.open(Modal::Screening(view));
                return Ok(());
            }
        }
        self.message = Some(Message::Info(format!(
            "{name} kept unfinished ({answered} answered): {} on the patient goes on",
            self.settings.keymap.key_name("screenings")
        )));
        Ok(())
    }

    /// Enter at the end: signed with its total and band, if every item
    /// that must be answered is; then what the answers call for.
    fn sign_screening(&mut self) -> Result<(), StoreError> {
        let Some(view) = self.layers.screening_mut() else {
            return Ok(());
        };
        if let Some(missing) = view.first_missing() {
            let id =
                crate::domain::screening::item_number(&view.instrument.items[missing], missing);
            view.position = missing;
            self.message = Some(Message::Info(format!(
                "Item {id} needs an answer before the screening is signed"
            )));
            return Ok(());
        }
        let score = view.score();
        let (total, band) = (score.total, score.band.map(|b| b.label.clone()));
        let follow_ups = FollowUps::of(view, &self.settings.instruments.instruments);
        let saved = view.saved();
        let (id, name) = (view.id, view.instrument.name.clone());
        self.store
            .sign_screening(id, &saved, total, band.as_deref())?;
        self.layers.take_screening();
        self.message = Some(Message::Info(match (total, &band) {
            (Some(total), Some(band)) => format!("{name} signed: {total}, {band}"),
            (Some(total), None) => format!("{name} signed: {total}"),
            _ => format!("{name} signed"),
        }));
        self.reload_view()?;
        if !follow_ups.items.is_empty() {
            self.layers.show(Overlay::FollowUps(Box::new(follow_ups)));
        }
        Ok(())
    }

    /// Says at start-up which screenings the user left unfinished.
    pub(super) fn offer_unfinished_screenings(&mut self) -> Result<(), StoreError> {
        let unfinished = match self.store.unfinished_screenings() {
            Ok(unfinished) => unfinished,
            // An auditor reads no charts, and so has no screening to go on with.
            Err(StoreError::NotAllowed { .. }) => return Ok(()),
            Err(other) => return Err(other),
        };
        let Some(newest) = unfinished.first() else {
            return Ok(());
        };
        if self.message.is_some() {
            // The drafts' offer comes first; the screenings are listed in
            // the patient's record.
            return Ok(());
        }
        let name = crate::text::fit(&newest.patient_name, 30);
        let key = self.settings.keymap.key_name("screenings");
        self.message = Some(Message::Info(match unfinished.len() {
            1 => format!(
                "A {} for {name} was left unfinished ({} answered): {key} on their record goes on",
                newest.instrument_name, newest.answered
            ),
            n => format!(
                "{n} screenings were left unfinished, newest a {} for {name}: {key} on their record goes on",
                newest.instrument_name
            ),
        }));
        Ok(())
    }
}
