//! The forms: one file per purpose, each holding its typed field ids, its
//! fields, what a save makes of them (a domain value), its checks across
//! fields, its save through the store and what it does when another
//! session saved first. The engine (`form.rs`) keeps the keys and the text;
//! `App` opens a form and, on `Ctrl-S`, runs its save here in one place.
//!
//! Adding a form: a file with a [`FormSpec`] and a line opening it.

mod allergy;
pub(in crate::app) mod appointment;
pub(in crate::app) mod approval;
pub(in crate::app) mod authorization;
mod care_team;
mod condition;
mod encounter;
mod flag;
mod goal;
mod medication;
mod need;
mod record;
pub(in crate::app) mod referral;
mod review;

use std::ops::{Deref, DerefMut};

use super::form::{FieldId, Form, FormEvent};
use super::keymap::{Action, Context};
use super::layers::Modal;
use super::overlays::Overlay;
use super::pane::PaneId;
use super::patient::{RecordLine, Section};
use super::{capitalise, App, Message};
use crate::store::{RecordItem, Store, StoreError};
use crate::text::fit;

pub use goal::GoalField;
pub use record::RecordField;
pub use review::ReviewField;

/// What a form is for: its fields, its checks, its save, its conflicts.
pub trait FormSpec: 'static {
    type Id: FieldId;

    /// What a conflict message calls the thing edited ("record", "goal").
    const WHAT: &'static str = "record";

    /// The field `id`, with the text the form opens with.
    fn field(&self, id: Self::Id) -> super::form::Field;

    /// What the fields say across fields, once each reads on its own: the
    /// reason the form cannot be saved, if any.
    fn check(&self, _form: &Form) -> Result<(), String> {
        Ok(())
    }

    /// Saves the form in one store call: one transaction with its audit
    /// row. A conflict is [`StoreError::Conflict`], with nothing written.
    fn save(&self, form: &Form, store: &mut Store) -> Result<Saved, StoreError>;

    /// Another session saved first: the spec as things now are (its
    /// version moved on), or why the form cannot go on. `None` for a form
    /// that cannot meet a conflict (it only adds).
    fn reload(&self, _store: &Store) -> Result<Option<Reloaded<Self>>, StoreError>
    where
        Self: Sized,
    {
        Ok(None)
    }

    /// The pane the edited thing is shown in.
    fn pane(&self) -> PaneId {
        PaneId::Patient
    }
}

/// What a save did: the message to show, and what to select after it.
pub struct Saved {
    pub message: std::borrow::Cow<'static, str>,
    pub select: Option<Select>,
}

impl Saved {
    pub fn said(message: &'static str) -> Saved {
        Saved {
            message: message.into(),
            select: None,
        }
    }

    /// A message made as the save went (what it started).
    pub fn said_now(message: String) -> Saved {
        Saved {
            message: message.into(),
            select: None,
        }
    }
}

/// What is selected after a save: a need or goal just added is, ready for
/// its goals or progress.
pub enum Select {
    Need(i64),
    Goal(i64),
    /// A loop's list, with the one saved selected.
    Loop {
        kind: crate::app::loops::LoopKind,
        patient_id: i64,
        id: i64,
    },
}

/// A form's purpose after a conflict.
pub enum Reloaded<S> {
    /// As saved now: its fields are the other session's.
    Now(S),
    /// What the form edits is gone; the message says so.
    Gone(&'static str),
}

/// [`FormSpec`] with its field ids erased, so `App` holds any form.
trait Purpose {
    fn check(&self, form: &Form) -> Result<(), String>;
    fn save(&self, form: &Form, store: &mut Store) -> Result<Saved, StoreError>;
    /// See [`FormSpec::reload`]: the texts of the fields as saved now.
    fn reload(
        &mut self,
        store: &Store,
    ) -> Result<Option<Result<Vec<String>, &'static str>>, StoreError>;
    fn what(&self) -> &'static str;
    fn pane(&self) -> PaneId;
}

impl<S: FormSpec> Purpose for S {
    fn check(&self, form: &Form) -> Result<(), String> {
        FormSpec::check(self, form)
    }

    fn save(&self, form: &Form, store: &mut Store) -> Result<Saved, StoreError> {
        FormSpec::save(self, form, store)
    }

    fn reload(
        &mut self,
        store: &Store,
    ) -> Result<Option<Result<Vec<String>, &'static str>>, StoreError> {
        Ok(match FormSpec::reload(self, store)? {
            None => None,
            Some(Reloaded::Gone(why)) => Some(Err(why)),
            Some(Reloaded::Now(now)) => {
                *self = now;
                Some(Ok(S::Id::ALL
                    .iter()
                    .map(|&id| self.field(id).text())
                    .collect()))
            }
        })
    }

    fn what(&self) -> &'static str {
        S::WHAT
    }

    fn pane(&self) -> PaneId {
        FormSpec::pane(self)
    }
}

/// An open form: the engine's state and what it is for.
pub struct OpenForm {
    form: Form,
    purpose: Box<dyn Purpose>,
}

impl OpenForm {
    /// The form of `spec`, its fields as `spec` opens them.
    pub fn new<S: FormSpec>(spec: S, title: String, today: chrono::NaiveDate) -> OpenForm {
        OpenForm {
            form: Form::new(title, |id| spec.field(id), today),
            purpose: Box::new(spec),
        }
    }

    pub fn focused_on<I: FieldId>(mut self, id: I) -> OpenForm {
        self.form.focus(id);
        self
    }
}

impl Deref for OpenForm {
    type Target = Form;

    fn deref(&self) -> &Form {
        &self.form
    }
}

impl DerefMut for OpenForm {
    fn deref_mut(&mut self) -> &mut Form {
        &mut self.form
    }
}

impl App {
    /// `e` on the record: the record form, at the line under the cursor (or
    /// the review date's own form, on the review line).
    pub(super) fn open_record_form(&mut self) -> Result<(), StoreError> {
        let Some(shown) = self.shown_record() else {
            return Ok(());
        };
        let line = self.patient.selected_line().cloned();
        if matches!(
            &line,
            Some(RecordLine::Field {
                label: "Review",
                ..
            })
        ) {
            self.open_review_form();
            return Ok(());
        }
        let coordinators = self.store().practitioners()?;
        self.layers.open(Modal::Form(record::open(
            shown,
            coordinators,
            line.as_ref(),
            self.today(),
        )));
        Ok(())
    }

    /// `a` on the record: a form adding to the list under the cursor (a
    /// flag, on the name or the flags).
    pub(super) fn open_add_to_record(&mut self) {
        let Some(patient_id) = self.shown_patient_id() else {
            return;
        };
        let today = self.today();
        let on_top = matches!(
            self.patient.selected_line(),
            Some(RecordLine::Name(_) | RecordLine::Flag(..))
        );
        let section = if on_top {
            None
        } else {
            self.patient.selected_section()
        };
        self.layers.open(Modal::Form(match section {
            None if on_top => flag::open(patient_id, today),
            Some(Section::Conditions) => condition::open(patient_id, today),
            Some(Section::Medications) => medication::open(patient_id, today),
            Some(Section::Allergies) => allergy::open(patient_id, today),
            Some(Section::CareTeam) => care_team::open(patient_id, today),
            Some(Section::Encounters) => encounter::open(patient_id, today),
            _ => {
                self.message = Some(Message::Info(
                    "a adds to the list under the cursor: move to Conditions, Medications, \
                     Allergies or Care team, or to the name for a flag"
                        .into(),
                ));
                return;
            }
        }));
    }

    /// `:encounter`: an encounter of the patient on screen, entered by hand.
    pub(super) fn open_encounter_form(&mut self) {
        let Some(patient_id) = self.shown_patient_id() else {
            return;
        };
        if !self
            .layers
            .open(Modal::Form(encounter::open(patient_id, self.today())))
        {
            self.message = Some(Message::Error(
                "Sign or close the note first: the encounter form opens over the panes".into(),
            ));
        }
    }

    /// `N` on the plan: a need, in one of the plan's domains.
    pub(super) fn open_need_form(&mut self) {
        let Some(patient_id) = self.shown_patient_id() else {
            return;
        };
        self.layers
            .open(Modal::Form(need::open(patient_id, self.today())));
    }

    /// `a` on the plan: a goal, under the need the cursor is on (or its
    /// goal's need).
    pub(super) fn open_goal_form(&mut self) {
        let Some(patient_id) = self.shown_patient_id() else {
            return;
        };
        let need = self.goals.selected_need();
        self.layers.open(Modal::Form(goal::open_new(
            patient_id,
            self.goals.needs.clone(),
            need,
            self.today(),
        )));
    }

    /// `e` on a goal: its words, measure, need, dates and priority.
    pub(super) fn open_goal_edit_form(&mut self) {
        let Some(goal) = self.selected_goal() else {
            return;
        };
        self.layers.open(Modal::Form(goal::open_edit(
            goal,
            self.goals.needs.clone(),
            self.today(),
        )));
    }

    /// The date the plan is next reviewed (`r` on the plan, `e` on the
    /// record's review line).
    pub(super) fn open_review_form(&mut self) {
        let Some(record) = self.shown_record() else {
            return;
        };
        self.layers
            .open(Modal::Form(review::open(&record, self.today())));
    }

    /// After a care-plan review task is completed: when the plan is next
    /// reviewed, so the record does not go on saying the review is overdue
    /// (Esc leaves it for later).
    pub(super) fn open_next_review_form(&mut self, patient_id: i64) -> Result<(), StoreError> {
        let Some(record) = self.store.patient(patient_id)? else {
            return Ok(());
        };
        self.layers
            .open(Modal::Form(review::open_next(&record, self.today())));
        Ok(())
    }

    /// `x` on the record: asks before ending the entry under the cursor.
    pub(super) fn ask_end_record_item(&mut self) -> Result<(), StoreError> {
        let Some(patient_id) = self.shown_patient_id() else {
            return Ok(());
        };
        let (text, item) = match self.patient.selected_line() {
            Some(RecordLine::Item(text, Some(item)) | RecordLine::Flag(text, Some(item))) => {
                (text.clone(), *item)
            }
            _ => {
                self.message = Some(Message::Info(
                    "x ends the entry under the cursor: a medication, condition, allergy, \
                     care team member or flag"
                        .into(),
                ));
                return Ok(());
            }
        };
        let verb = match item {
            RecordItem::Condition(_) => "Mark resolved",
            RecordItem::Medication(_) => "Stop",
            RecordItem::Allergy(_) => "Remove (entered in error or ruled out)",
            RecordItem::CareTeamMember(_) => "Remove from the care team",
            RecordItem::Flag(_) => "Take down",
        };
        self.ask(
            super::prompts::EndItem { patient_id, item },
            format!(
                "{verb}: {}? ({} confirms, {} cancels)",
                fit(&text, 40),
                self.key("line_submit"),
                self.key("line_cancel")
            ),
            "",
        )
    }

    /// A key typed into the open form.
    pub(super) fn form_key(&mut self, key: crossterm::event::KeyEvent) -> Result<(), StoreError> {
        let command = self.settings.keymap.command(Context::Form, &key);
        if command == Some(Action::Help) {
            self.layers.show(Overlay::Help {
                scroll: 0,
                of: Context::Form,
            });
            return Ok(());
        }
        let Some(open) = self.layers.form_mut() else {
            return Ok(());
        };
        match open.form.key(command, key) {
            FormEvent::Save => self.save_form(),
            FormEvent::Cancel => {
                let changed = open.is_changed();
                self.layers.take_form();
                self.message = Some(Message::Info(
                    if changed {
                        "Cancelled; nothing was saved"
                    } else {
                        "Closed; nothing was changed"
                    }
                    .into(),
                ));
                Ok(())
            }
            FormEvent::Edited => {
                // The rules across fields are checked as you type, once
                // every field reads on its own.
                open.form.problem = match open.first_problem() {
                    Some(_) => None,
                    None => open.purpose.check(&open.form).err().map(|p| capitalise(&p)),
                };
                Ok(())
            }
            FormEvent::Unchanged => Ok(()),
        }
    }

    /// Saves the form in one transaction, or keeps it open saying why not.
    fn save_form(&mut self) -> Result<(), StoreError> {
        let Some(open) = self.layers.form_mut() else {
            return Ok(());
        };
        if let Some((index, problem)) = open.first_problem() {
            open.form.focused = index;
            open.form.problem = Some(capitalise(&problem));
            return Ok(());
        }
        if let Err(problem) = open.purpose.check(&open.form) {
            open.form.problem = Some(capitalise(&problem));
            return Ok(());
        }
        match open.purpose.save(&open.form, &mut self.store) {
            Ok(saved) => {
                self.layers.take_form();
                self.after_plan_change(Ok(&saved.message))?;
                match saved.select {
                    Some(Select::Need(id)) => self.goals.select_need(id),
                    Some(Select::Goal(id)) => self.goals.select_goal(id),
                    Some(Select::Loop {
                        kind,
                        patient_id,
                        id,
                    }) => {
                        self.load_tasks()?;
                        let said = self.message.take();
                        self.show_loop_list(kind, patient_id, Some(id))?;
                        self.message = said;
                    }
                    None => {}
                }
                self.load_tasks()
            }
            Err(StoreError::Conflict(_)) => self.form_conflict(),
            Err(error @ StoreError::Refused(_)) => {
                if let Some(open) = self.layers.form_mut() {
                    open.form.problem = Some(capitalise(&error.to_string()));
                }
                Ok(())
            }
            // The database could not take it (busy, say): the form stays
            // open with everything typed, to save again.
            Err(other) => Err(other),
        }
    }

    /// Another session saved first. Nothing of ours was written. The form
    /// takes their values where the user had not changed a field, keeps the
    /// user's where they had and shows theirs beside it, and moves to the
    /// version now saved, so a second save is a choice made knowing both:
    /// say so, show theirs, lose neither.
    fn form_conflict(&mut self) -> Result<(), StoreError> {
        let today = self.today();
        let Some(open) = self.layers.form_mut() else {
            return Ok(());
        };
        let Some(now) = open.purpose.reload(&self.store)? else {
            return Ok(());
        };
        // The panes show the record as it now is.
        self.after_plan_change(Ok("Another session changed this record meanwhile"))?;
        let Some(open) = self.layers.form_mut() else {
            return Ok(());
        };
        let theirs = match now {
            Ok(theirs) => theirs,
            Err(gone) => {
                self.layers.take_form();
                self.message = Some(Message::Error(gone.into()));
                return Ok(());
            }
        };
        let differing = open.form.take_theirs(&theirs);
        open.form.today = today;
        let what = open.purpose.what();
        open.form.problem = Some(match differing {
            0 => format!(
                "Another session saved this {what} meanwhile; nothing was saved. Their changes \
                 are in the form now: Ctrl-S saves yours with them"
            ),
            n => format!(
                "Another session saved this {what} meanwhile; nothing was saved. ≠ marks where \
                 yours and theirs differ ({n}): Ctrl-S saves yours, Esc keeps theirs"
            ),
        });
        self.focus = open.purpose.pane();
        Ok(())
    }
}
