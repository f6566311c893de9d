//! What a layer asks for beyond its own state: a note opened, a template
//! inserted, a care plan exported. Layers return an [`Effect`]; `App`
//! carries each out here, in one place, so that no key handler reaches
//! into the store, the file system or another layer itself.

use super::keymap::Context;
use super::loops::LoopKind;
use super::notes::Proposal;
use super::overlays::Overlay;
use super::prompts::Search;
use super::screening::{FollowUp, FollowUps};
use super::{capitalise, App, Message};
use crate::store::{SearchHit, StoreError};

#[derive(Debug, Clone, PartialEq)]
pub enum Effect {
    /// A line in the status bar.
    Say(Message),
    /// The help of a layer, over it.
    ShowHelp(Context),
    /// The template of that place into the note being written.
    InsertTemplate(usize),
    /// The task (or other change) a signed note called for.
    TakeProposal(Proposal),
    /// A note of the patient on screen, in full.
    OpenNote(i64),
    /// A new note for the patient on screen.
    NewNote,
    /// The prompt for words to search all notes for.
    AskSearch,
    /// The prompt for an addendum to the note.
    AskAddendum(i64),
    /// Throw the open draft away.
    DiscardDraft,
    /// A search result's patient on screen, and the note in full.
    OpenHit(SearchHit),
    /// Write the patient's care plan into the export folder.
    ExportCarePlan(i64),
    /// The patient on screen (their record's view audited as any other),
    /// from a list that is not the caseload: the transitions.
    OpenPatient(i64),
    /// The prompt for why the ADT message is dismissed.
    AskDismissAdt(i64),
    /// Ask why the clock should not run, then void it; the transitions
    /// view (the team's or mine) comes back.
    AskVoidClock { clock_id: i64, team: bool },
    /// The prompt for the member ID the ADT message is for.
    AskMatchAdt(i64),
    /// The form of a new referral, appointment or authorization for the
    /// patient.
    NewLoop(LoopKind, i64),
    /// The resource directory, to find a service to refer the patient to.
    FindService(i64),
    /// The one-key choice of where the selected one moves (`None`: the
    /// list is empty).
    AskLoopMove {
        kind: LoopKind,
        patient_id: i64,
        id: Option<i64>,
    },
    /// One in full.
    ShowLoopDetail {
        kind: LoopKind,
        patient_id: i64,
        id: Option<i64>,
    },
    /// The patient's list again, with `select` (an id) selected.
    ShowLoopList {
        kind: LoopKind,
        patient_id: i64,
        select: Option<i64>,
    },
    /// The week from that day, moved by so many days.
    ShiftWeek(chrono::NaiveDate, i64),
    /// A screening of the patient with the instrument (or the one left
    /// unfinished).
    StartScreening { patient_id: i64, instrument: String },
    /// An instrument's history for the patient, as a chart.
    ShowScreeningChart { patient_id: i64, instrument: String },
    /// A new screening correcting the signed one, its answers filled in.
    CorrectScreening { patient_id: i64, id: i64 },
    /// The unfinished screening thrown away.
    AbandonScreening(i64),
    /// One of what a signed screening calls for; the rest offered again.
    TakeFollowUp {
        taken: FollowUp,
        rest: Box<FollowUps>,
    },
    /// An appointment's transport (or interpreter) arranged, or not.
    ToggleArranged {
        patient_id: i64,
        id: Option<i64>,
        transport: bool,
    },
}

impl App {
    /// Carries out what a layer asked for.
    pub(super) fn apply(&mut self, effect: Effect) -> Result<(), StoreError> {
        match effect {
            Effect::Say(message) => self.message = Some(message),
            Effect::ShowHelp(of) => self.layers.show(Overlay::Help { scroll: 0, of }),
            Effect::InsertTemplate(index) => self.insert_template(index)?,
            Effect::TakeProposal(proposal) => self.accept_proposal(proposal)?,
            Effect::OpenNote(note_id) => {
                if let Some(patient_id) = self.shown_patient {
                    self.open_note(note_id, patient_id)?;
                }
            }
            Effect::NewNote => self.open_editor(None)?,
            Effect::AskSearch => self.ask(Search, "Search all notes for".into(), "")?,
            Effect::AskAddendum(note_id) => self.open_addendum(note_id)?,
            Effect::DiscardDraft => self.discard_draft(true)?,
            Effect::OpenHit(hit) => self.open_hit(&hit)?,
            Effect::ExportCarePlan(patient_id) => self.export_care_plan(patient_id),
            Effect::OpenPatient(patient_id) => self.open_patient(patient_id)?,
            Effect::AskDismissAdt(id) => self.ask_dismiss_adt(id)?,
            Effect::AskVoidClock { clock_id, team } => self.ask_void_clock(clock_id, team)?,
            Effect::AskMatchAdt(id) => self.ask_match_adt(id)?,
            Effect::NewLoop(kind, patient_id) => self.open_loop_form(kind, patient_id)?,
            Effect::FindService(patient_id) => self.open_directory(Some(patient_id), "")?,
            Effect::AskLoopMove {
                kind,
                patient_id,
                id,
            } => self.ask_loop_move(kind, patient_id, id)?,
            Effect::ShowLoopDetail {
                kind,
                patient_id,
                id,
            } => self.show_loop_detail(kind, patient_id, id)?,
            Effect::ShowLoopList {
                kind,
                patient_id,
                select,
            } => self.show_loop_list(kind, patient_id, select)?,
            Effect::ShiftWeek(from, days) => self.shift_week(from, days)?,
            Effect::ToggleArranged {
                patient_id,
                id,
                transport,
            } => self.toggle_arranged(patient_id, id, transport)?,
            Effect::StartScreening {
                patient_id,
                instrument,
            } => self.start_screening(patient_id, &instrument)?,
            Effect::ShowScreeningChart {
                patient_id,
                instrument,
            } => self.show_screening_chart(patient_id, &instrument)?,
            Effect::TakeFollowUp { taken, rest } => self.take_follow_up(taken, *rest)?,
            Effect::CorrectScreening { patient_id, id } => {
                self.correct_screening(patient_id, id)?
            }
            Effect::AbandonScreening(id) => self.abandon_screening(id)?,
        }
        Ok(())
    }

    /// `E`: writes the patient's care plan into the export folder and says
    /// where.
    fn export_care_plan(&mut self, patient_id: i64) {
        let Some(folder) = self.settings.export_dir.clone() else {
            self.message = Some(Message::Error(
                "No export folder: set export_dir in the config".into(),
            ));
            return;
        };
        let today = self.today();
        // The plan leaves tend in that file: only with consent to share.
        match self.store.consent_lacking(patient_id, today) {
            Ok(None) => {}
            Ok(Some(standing)) => {
                self.message = Some(Message::Error(format!(
                    "No care plan written: the patient's consent to share is {}; `tend export \
                     careplan` with --reason writes one for a stated reason (audited)",
                    standing.describe().to_lowercase()
                )));
                return;
            }
            Err(error) => {
                self.message = Some(Message::Error(capitalise(&error.to_string())));
                return;
            }
        }
        self.message = Some(
            match crate::reports::careplan::careplan_to_folder(
                &mut self.store,
                patient_id,
                today,
                &folder,
            ) {
                Ok(path) => Message::Info(format!("Care plan written to {}", path.display())),
                Err(problem) => Message::Error(capitalise(&problem)),
            },
        );
    }
}
