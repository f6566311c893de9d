//! The four panes: each file holds a pane's state and what its own keys
//! do; this one, the keys that work in every pane (focus, help, quit, undo,
//! a note, zoom), and which pane the others go to. Adding a pane is a file
//! here, a `PaneId`, its bindings in the keymap and its drawing in ui/.

pub mod caseload;
pub mod goals;
pub mod patient;
pub mod tasks;

use crate::app::effects::Effect;
use crate::app::keymap::{Action, Context};
use crate::app::overlays::Overlay;
use crate::app::pane::PaneId;
use crate::app::{App, Message};
use crate::domain::goal::Goal;
use crate::domain::patient::Patient;
use crate::store::StoreError;

impl App {
    /// An action of the panes' keymap: the ones of every pane here, the
    /// rest by the focused pane.
    pub(in crate::app) fn perform(&mut self, action: Action) -> Result<(), StoreError> {
        self.message = None;
        match action {
            Action::Quit => self.quit = true,
            Action::Help => self.layers.show(Overlay::Help {
                scroll: 0,
                of: Context::Pane(self.focus),
            }),
            Action::NextPane => self.set_focus(self.focus.next())?,
            Action::PrevPane => self.set_focus(self.focus.prev())?,
            Action::Focus(pane) => self.set_focus(pane)?,
            Action::Back => self.back()?,
            Action::NewNote => self.open_editor(None)?,
            Action::ResumeDraft => self.resume_draft()?,
            Action::Command => self.open_command()?,
            Action::Undo => self.undo_last()?,
            Action::Transitions => self.open_transitions(false)?,
            Action::Referrals => self.open_loop_list(crate::app::loops::LoopKind::Referral)?,
            Action::Appointments => {
                self.open_loop_list(crate::app::loops::LoopKind::Appointment)?
            }
            Action::OpenLoops => self.open_loops_view("")?,
            Action::Screenings => self.screenings()?,
            Action::Week => self.open_week(None)?,
            Action::Authorizations => {
                self.open_loop_list(crate::app::loops::LoopKind::Authorization)?
            }
            Action::ExportCarePlan => {
                if let Some(patient_id) = self.shown_patient_id() {
                    self.apply(Effect::ExportCarePlan(patient_id))?;
                }
            }
            Action::Zoom => {
                self.zoomed = !self.zoomed;
                self.apply_heights()?;
                if self.zoomed {
                    self.message = Some(Message::Info(format!(
                        "{} on the whole screen: {} or {}-{} show another pane, {} shows all four",
                        self.focus.title(),
                        self.key("next_pane"),
                        self.key("focus_caseload"),
                        self.key("focus_tasks"),
                        self.key("zoom")
                    )));
                }
            }
            pane_action => match self.focus {
                PaneId::Caseload => self.caseload_action(pane_action)?,
                PaneId::Patient => self.patient_action(pane_action)?,
                PaneId::Goals => self.goals_action(pane_action)?,
                PaneId::Tasks => self.tasks_action(pane_action)?,
            },
        }
        Ok(())
    }

    /// `Esc` in the panes: clears the caseload's filter, or goes back to
    /// the caseload.
    fn back(&mut self) -> Result<(), StoreError> {
        if self.focus == PaneId::Caseload && !self.caseload.query.filter.is_empty() {
            self.caseload.clear_filter(&self.store)?;
            self.apply_heights()?;
            self.patient_changed()?;
        } else if self.focus != PaneId::Caseload {
            self.set_focus(PaneId::Caseload)?;
        }
        Ok(())
    }

    /// The record shown in the patient pane, or `None` having said to
    /// select a patient.
    pub(in crate::app) fn shown_record(&mut self) -> Option<Patient> {
        let record = self.patient.record.clone();
        if record.is_none() {
            self.message = Some(Message::Error(
                "Select a patient in the caseload first".into(),
            ));
        }
        record
    }

    pub(in crate::app) fn shown_patient_id(&mut self) -> Option<i64> {
        self.shown_record().map(|r| r.id)
    }

    /// The goal under the care-plan cursor, or `None` having said to
    /// select one.
    pub(in crate::app) fn selected_goal(&mut self) -> Option<Goal> {
        let goal = self.goals.selected().cloned();
        if goal.is_none() {
            self.message = Some(Message::Error(
                "Select a goal (the cursor is on a need or the plan is empty)".into(),
            ));
        }
        goal
    }
}
