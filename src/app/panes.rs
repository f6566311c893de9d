//! What the panes' keys do: each action of the panes' keymap, on the
//! focused pane or the patient on screen.

use super::effects::Effect;
use super::keymap::{Action, Context};
use super::layers::Modal;
use super::overlays::{GoalDetail, Overlay};
use super::pane::PaneId;
use super::prompts::{AddTask, GoalStatus, Progress, Reconcile};
use super::tasks::TaskScope;
use super::{App, Message};
use crate::domain::goal::Goal;
use crate::domain::patient::Patient;
use crate::store::{Scope, StoreError};

impl App {
    pub(super) fn perform(&mut self, action: Action) -> Result<(), StoreError> {
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
            Action::MoveDown
            | Action::MoveUp
            | Action::Top
            | Action::Bottom
            | Action::PageDown
            | Action::PageUp => self.move_in_focus(action)?,
            Action::Open => self.open()?,
            Action::Filter => {
                self.layers
                    .open(Modal::Filter(self.caseload.start_filter()));
                self.apply_heights()?;
            }
            Action::ToggleTeam => {
                self.caseload.toggle_scope(&self.store)?;
                let scope = match self.caseload.query.scope {
                    Scope::Mine => "my patients",
                    Scope::Team => "the whole team",
                };
                self.message = Some(Message::Info(format!(
                    "Showing {scope} ({} patients)",
                    self.caseload.cursor.len()
                )));
                self.patient_changed()?;
            }
            Action::CycleSort => {
                self.caseload.cycle_sort(&self.store)?;
                self.message = Some(Message::Info(format!(
                    "Sorted by {}",
                    self.caseload.query.sort.label()
                )));
            }
            Action::CompleteTask
            | Action::SnoozeTask
            | Action::ReassignTask
            | Action::EditTask
            | Action::AddTask
            | Action::FilterTasks => self.open_prompt(action)?,
            Action::EditRecord => self.open_record_form()?,
            Action::AddToRecord => self.open_add_to_record(),
            Action::AddGoal => self.open_goal_form(),
            Action::AddNeed => self.open_need_form(),
            Action::SetPlanReview => self.open_review_form(),
            Action::ExportCarePlan => {
                if let Some(patient_id) = self.shown_patient_id() {
                    self.apply(Effect::ExportCarePlan(patient_id))?;
                }
            }
            Action::EndRecordItem => self.ask_end_record_item()?,
            Action::EditGoal => self.open_goal_edit_form(),
            Action::AddIntervention => {
                if let (Some(goal), Some(patient_id)) =
                    (self.selected_goal(), self.shown_patient_id())
                {
                    self.ask(
                        AddTask {
                            patient_id,
                            goal_id: Some(goal.id),
                        },
                        format!(
                            "Intervention for \u{201c}{}\u{201d} (title due: pri: kind: every:)",
                            crate::text::fit(&goal.description, 30)
                        ),
                        "",
                    )?;
                }
            }
            Action::AddProgress => {
                if let Some(goal) = self.selected_goal() {
                    self.ask(
                        Progress { goal_id: goal.id },
                        format!(
                            "Progress on \u{201c}{}\u{201d} (= a value when measured)",
                            crate::text::fit(&goal.description, 30)
                        ),
                        "",
                    )?;
                }
            }
            Action::SetGoalStatus => {
                if let Some(goal) = self.selected_goal() {
                    self.ask(
                        GoalStatus {
                            goal_id: goal.id,
                            version: goal.version,
                        },
                        format!(
                            "The goal is {}; make it (active, on hold, achieved, cancelled, proposed)",
                            goal.status.label()
                        ),
                        "",
                    )?;
                }
            }
            Action::ReconcileMedications => {
                if let Some(record) = self.shown_record() {
                    self.ask(
                        Reconcile {
                            patient_id: record.id,
                            version: record.version,
                        },
                        format!(
                            "Medications of {} {} reviewed with the patient today? (Enter confirms, Esc cancels)",
                            record.given_name, record.family_name
                        ),
                        "",
                    )?;
                }
            }
            Action::NewNote => self.open_editor(None)?,
            Action::ResumeDraft => self.resume_draft()?,
            Action::Command => self.open_command()?,
            Action::MarkTask => {
                self.tasks.toggle_mark();
                let marked = self.tasks.marked.len();
                if marked > 0 {
                    self.message = Some(Message::Info(format!(
                        "{marked} marked: x completes, s snoozes, r reassigns them all"
                    )));
                }
            }
            Action::Undo => self.undo_last()?,
            Action::Zoom => {
                self.zoomed = !self.zoomed;
                self.apply_heights()?;
                if self.zoomed {
                    self.message = Some(Message::Info(format!(
                        "{} on the whole screen: Tab or 1-4 show another pane, z shows all four",
                        self.focus.title()
                    )));
                }
            }
            Action::ToggleTaskScope => {
                self.tasks.scope = match self.tasks.scope {
                    TaskScope::MyDay => TaskScope::Patient,
                    TaskScope::Patient => TaskScope::MyDay,
                };
                self.tasks.cursor.select(0);
                self.load_tasks()?;
                self.patient_changed()?;
            }
            // The keys of the layers over the panes: the panes' contexts
            // bind none of these, so none reaches here.
            Action::Choose
            | Action::ChooseNumbered
            | Action::Addendum
            | Action::SearchNotes
            | Action::Yes
            | Action::Save
            | Action::Cancel
            | Action::Submit
            | Action::Complete
            | Action::NextField
            | Action::PrevField
            | Action::NextChoice
            | Action::PrevChoice
            | Action::ClearChoice
            | Action::NextSuggestion
            | Action::PrevSuggestion
            | Action::AcceptCompletion
            | Action::InsertTemplate
            | Action::InsertTime
            | Action::DiscardDraft
            | Action::UndoTyping => {}
        }
        Ok(())
    }

    /// The record shown in the patient pane, or `None` having said to
    /// select a patient.
    pub(super) fn shown_record(&mut self) -> Option<Patient> {
        let record = self.patient.record.clone();
        if record.is_none() {
            self.message = Some(Message::Error(
                "Select a patient in the caseload first".into(),
            ));
        }
        record
    }

    pub(super) fn shown_patient_id(&mut self) -> Option<i64> {
        self.shown_record().map(|r| r.id)
    }

    /// The goal under the care-plan cursor, or `None` having said to
    /// select one.
    pub(super) fn selected_goal(&mut self) -> Option<Goal> {
        let goal = self.goals.selected().cloned();
        if goal.is_none() {
            self.message = Some(Message::Error(
                "Select a goal (the cursor is on a need or the plan is empty)".into(),
            ));
        }
        goal
    }

    pub(super) fn move_in_focus(&mut self, action: Action) -> Result<(), StoreError> {
        let subject_may_change = match self.focus {
            PaneId::Caseload => self.caseload.move_cursor(&self.store, action)?,
            PaneId::Patient => {
                self.patient.move_cursor(action);
                false
            }
            PaneId::Goals => {
                self.goals.cursor.apply(action);
                false
            }
            PaneId::Tasks => self.tasks.cursor.apply(action),
        };
        if subject_may_change {
            self.follow_selection()?;
        }
        Ok(())
    }

    pub(super) fn open(&mut self) -> Result<(), StoreError> {
        match self.focus {
            PaneId::Caseload => {
                if self.caseload.selected().is_some() {
                    self.focus = PaneId::Patient;
                }
            }
            PaneId::Patient => self.open_timeline()?,
            PaneId::Goals => {
                if let Some(goal) = self.goals.selected().cloned() {
                    let need = self.goals.need_of(&goal);
                    let entries = self.store.progress(goal.id)?;
                    let values: Vec<f64> = entries.iter().filter_map(|e| e.value).collect();
                    self.layers.show(Overlay::Goal(Box::new(GoalDetail {
                        need,
                        progress: entries
                            .iter()
                            .map(|e| format!("{}  {}", e.recorded_on, e.note))
                            .collect(),
                        trend: crate::domain::care_plan::sparkline(&values, 24),
                        interventions: self
                            .store
                            .interventions(goal.id)?
                            .iter()
                            .map(|i| i.describe())
                            .collect(),
                        goal,
                    })));
                }
            }
            PaneId::Tasks => {
                let Some(patient_id) = self.tasks.selected().map(|t| t.patient_id) else {
                    return Ok(());
                };
                if self.bring_up(patient_id)? {
                    self.focus = PaneId::Patient;
                } else {
                    self.message = Some(Message::Error(
                        "That task's patient is no longer in the database".into(),
                    ));
                }
            }
        }
        Ok(())
    }

    pub(super) fn back(&mut self) -> Result<(), StoreError> {
        if self.focus == PaneId::Caseload && !self.caseload.query.filter.is_empty() {
            self.caseload.clear_filter(&self.store)?;
            self.apply_heights()?;
            self.patient_changed()?;
        } else if self.focus != PaneId::Caseload {
            self.set_focus(PaneId::Caseload)?;
        }
        Ok(())
    }
}
