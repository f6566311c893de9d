//! State and behaviour: keys become actions, actions change state through
//! the store, and the view state holds only what is on screen. No drawing.
//!
//! `App` is a thin router: each pane's behaviour lives in its own module.

pub mod caseload;
pub mod editor;
pub mod form;
mod forms;
pub mod goals;
pub mod help;
pub mod keymap;
pub mod layout;
pub mod line_input;
pub mod list;
pub mod notes;
pub mod pane;
pub mod patient;
pub mod prompt;
pub mod tasks;
mod triage;

use std::time::{Duration, Instant};

use chrono::NaiveDate;
use crossterm::event::{KeyCode, KeyEvent};

use crate::clock::Clock;
use crate::config::{Config, ThemeName};
use crate::domain::goal::Goal;
use crate::domain::note::FollowUpRules;
use crate::domain::patient::Patient;
use crate::domain::urgency::UrgencyWeights;
use crate::store::{
    KeptBack, NoteSummary, Scope, SearchHit, Store, StoreError, TaskChange, ViewAudited,
};
use crate::templates::Template;
use caseload::{CaseloadPane, FilterOutcome};
use editor::NoteEditor;
pub use forms::{GoalField, OpenForm, RecordField, ReviewField};
use goals::GoalsPane;
use keymap::{Action, Keymap};
use pane::PaneId;
use patient::PatientPane;
use prompt::{Prompt, PromptKind};
use tasks::{TaskContext, TaskScope, TasksPane};

/// A line for the status bar.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Message {
    Info(String),
    Error(String),
}

/// A goal with what the overlay shows besides it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct GoalDetail {
    pub goal: Goal,
    /// "Medical: Diabetes not under control".
    pub need: Option<String>,
    /// The progress entries, oldest first: "2026-11-10  A1c below 8: 9.1".
    pub progress: Vec<String>,
    /// The measured values as a sparkline (empty when none).
    pub trend: String,
    /// The tasks serving the goal: "due 2026-12-01 · Call the landlord".
    pub interventions: Vec<String>,
}

/// What is drawn over the panes.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Overlay {
    /// The keys of the focused pane.
    Help { scroll: usize },
    /// One goal in full.
    Goal(Box<GoalDetail>),
    /// Choosing a template to insert into the note (Ctrl-T).
    Templates { selected: usize },
    /// What the signed note calls for, taken with Enter.
    Proposal(notes::Proposal),
    /// The patient's notes, newest first.
    Timeline {
        notes: Vec<NoteSummary>,
        selected: usize,
    },
    /// One note in full, with its addenda.
    Note {
        note: NoteSummary,
        addenda: Vec<NoteSummary>,
        /// Lines scrolled past, for notes longer than the screen.
        scroll: usize,
    },
    /// "Discard this draft?" from the note editor (Ctrl-Q).
    ConfirmDiscard,
    /// Notes matching a search.
    Search {
        words: String,
        hits: Vec<SearchHit>,
        selected: usize,
    },
}

/// "Text" with its first letter in capitals, for messages built from
/// lower-case sentences.
pub(crate) fn capitalise(text: &str) -> String {
    let mut chars = text.chars();
    match chars.next() {
        Some(first) => first.to_uppercase().chain(chars).collect(),
        None => String::new(),
    }
}

pub struct App {
    store: Store,
    pub clock: Clock,
    pub user: String,
    pub theme: ThemeName,
    pub upcoming_days: u32,
    pub weights: UrgencyWeights,
    pub keymap: Keymap,
    /// Shown in the status line when the data is synthetic and thrown away.
    pub demo: bool,
    pub focus: PaneId,
    /// `z`: the focused pane takes the whole screen.
    zoomed: bool,
    /// The list whose selection the patient and care-plan panes show: the
    /// caseload or Today, whichever had focus last.
    patient_list: PaneId,
    pub caseload: CaseloadPane,
    pub patient: PatientPane,
    pub goals: GoalsPane,
    pub tasks: TasksPane,
    pub overlay: Option<Overlay>,
    /// The one-line prompt of a triage action, while it is open.
    pub prompt: Option<Prompt>,
    /// The form being filled in, while one is open.
    pub form: Option<OpenForm>,
    /// The note being written, while the editor is open.
    pub editor: Option<NoteEditor>,
    /// Drafts left from an earlier session (patients, newest first),
    /// offered back one by one with `d`.
    pub pending_drafts: Vec<i64>,
    pub templates: Vec<Template>,
    pub follow_up: FollowUpRules,
    pub message: Option<Message>,
    /// Changes made in this session, newest last, for `u`.
    undo: Vec<TaskChange>,
    /// Where `E` writes care plans, when configured.
    export_dir: Option<std::path::PathBuf>,
    /// The terminal's size, as last reported.
    pub size: (u16, u16),
    /// The patient whose record was last shown (and audited).
    shown_patient: Option<i64>,
    /// How long the caseload selection rests before the detail panes follow.
    detail_delay: Duration,
    /// When the detail panes are to follow a selection that moved; see
    /// [`App::settle_detail`].
    detail_due: Option<Instant>,
    /// `PRAGMA data_version` when the view was last read.
    data_version: i64,
    /// What is wrong with the disk, while anything waits to be written or
    /// the database is read-only: the status line shows it throughout.
    pub disk_trouble: Option<String>,
    /// The patient shown whose view's audit row waits aside.
    pub view_kept_aside: Option<i64>,
    quit: bool,
}

impl App {
    pub fn new(store: Store, config: &Config, demo: bool) -> Result<App, StoreError> {
        let data_version = store.data_version()?;
        let mut app = App {
            clock: store.clock(),
            user: config.user.clone(),
            theme: config.theme,
            upcoming_days: config.upcoming_days,
            weights: config.urgency.clone(),
            keymap: config.keymap.clone(),
            demo,
            focus: PaneId::Caseload,
            zoomed: false,
            patient_list: PaneId::Caseload,
            caseload: CaseloadPane::new(&config.user),
            patient: PatientPane::default(),
            goals: GoalsPane::default(),
            tasks: TasksPane::default(),
            overlay: None,
            prompt: None,
            form: None,
            editor: None,
            pending_drafts: Vec::new(),
            templates: config.templates.clone(),
            follow_up: config.follow_up.clone(),
            message: None,
            undo: Vec::new(),
            export_dir: config.export_dir.clone(),
            size: (80, 24),
            shown_patient: None,
            detail_delay: config.detail_delay,
            detail_due: None,
            data_version,
            disk_trouble: None,
            view_kept_aside: None,
            quit: false,
            store,
        };
        app.caseload.reload(&app.store, None)?;
        if app.caseload.cursor.is_empty() {
            // Nobody assigned to this user: show the team rather than nothing.
            app.caseload.query.scope = Scope::Team;
            app.caseload.reload(&app.store, None)?;
            if !app.caseload.cursor.is_empty() {
                app.message = Some(Message::Info(format!(
                    "No patients are assigned to {}; showing the whole team (t toggles)",
                    app.user
                )));
            }
        }
        if let Some(why) = app.store.read_only() {
            app.disk_trouble = Some(format!("Read-only: {why}"));
        }
        // What an earlier session kept aside (a full disk) goes into the
        // database now if it can.
        if app.store.write_kept_aside(None).is_err() {
            app.disk_trouble
                .get_or_insert_with(|| "The disk is full: drafts kept aside wait for room".into());
        }
        app.patient_changed()?;
        app.load_tasks()?;
        app.offer_drafts()?;
        app.notice_reserve_used();
        if app.store.rolled_back_interrupted_change() {
            // Said on standard error too, but the screen covers that.
            app.message = Some(Message::Info(
                "An interrupted change (an import or a generated caseload) was rolled back as tend opened the database: nothing of it is kept".into(),
            ));
        }
        Ok(app)
    }

    /// Says at start-up how many drafts were left unsigned (in the database
    /// or kept aside), and lines them up for `d`.
    fn offer_drafts(&mut self) -> Result<(), StoreError> {
        let mut waiting: Vec<(i64, String)> = self
            .store
            .drafts_kept_aside()
            .iter()
            .map(|d| (d.patient_id, format!("patient {}", d.patient_id)))
            .collect();
        for draft in self.store.drafts()? {
            if let Some(aside) = waiting.iter_mut().find(|(id, _)| *id == draft.patient_id) {
                aside.1 = draft.patient_name;
            } else {
                waiting.push((draft.patient_id, draft.patient_name));
            }
        }
        for (id, name) in waiting.iter_mut() {
            if name.starts_with("patient ") {
                if let Some(record) = self.store.patient(*id)? {
                    *name =
                        crate::domain::patient::list_name(&record.family_name, &record.given_name);
                }
            }
        }
        if let Some((_, newest)) = waiting.first() {
            let name = crate::text::fit(newest, 30);
            self.message = Some(Message::Info(match waiting.len() {
                1 => format!("A draft note for {name} was not signed: d reopens it"),
                n => format!(
                    "{n} draft notes were not signed, newest for {name}: d reopens them one by one"
                ),
            }));
        }
        self.pending_drafts = waiting.into_iter().map(|(id, _)| id).collect();
        Ok(())
    }

    pub fn store(&self) -> &Store {
        &self.store
    }

    pub fn should_quit(&self) -> bool {
        self.quit
    }

    pub fn today(&self) -> NaiveDate {
        self.clock.today()
    }

    /// The pane that takes the whole screen, when zoomed.
    pub fn zoom(&self) -> Option<PaneId> {
        self.zoomed.then_some(self.focus)
    }

    /// The terminal was resized: recompute how many rows each list shows.
    pub fn resize(&mut self, width: u16, height: u16) {
        self.size = (width, height);
        if let Some(editor) = self.editor.as_mut() {
            editor.wrap_width = layout::editor_text_width(self.size);
        }
        let result = self.apply_heights();
        self.report(result);
    }

    fn apply_heights(&mut self) -> Result<(), StoreError> {
        let rows = layout::list_rows(self.size, self.caseload.shows_filter_line(), self.zoom());
        self.caseload.set_height(&self.store, rows.caseload)?;
        self.patient.set_height(rows.patient);
        self.goals.cursor.set_height(rows.goals);
        self.tasks.cursor.set_height(rows.tasks);
        Ok(())
    }

    /// How far the help overlay can scroll: its lines less the rows shown.
    fn help_max_scroll(&self) -> usize {
        let lines = help::help_lines(&self.keymap, self.focus, &self.weights).len();
        lines.saturating_sub(layout::help_rows(lines, self.size.1))
    }

    /// Handles one key press.
    pub fn handle_key(&mut self, key: KeyEvent) {
        let result = self.dispatch_key(key);
        self.report(result);
    }

    fn report(&mut self, result: Result<(), StoreError>) {
        if let Err(error) = result {
            self.message = Some(Message::Error(capitalise(&error.to_string())));
        }
    }

    fn dispatch_key(&mut self, key: KeyEvent) -> Result<(), StoreError> {
        // Any key but another move through the caseload first brings the
        // detail panes up to the selection, so `n`, Enter or `x` always act
        // on the patient the highlight is on.
        let action = self.pane_action(&key);
        if action == Some(Action::Quit) {
            // Leaving: a record the user will not see is not read (nor
            // audited as viewed).
            self.detail_due = None;
        } else if !action.is_some_and(|a| self.passes_over(a)) {
            self.settle_detail()?;
        }
        if self.overlay.is_some() {
            return self.overlay_key(key);
        }
        if self.editor.is_some() {
            return self.editor_key(key);
        }
        if self.form.is_some() {
            return self.form_key(key);
        }
        if self.prompt.is_some() {
            return self.prompt_key(key);
        }
        if self.caseload.filter_input.is_some() {
            let before = self.caseload.shows_filter_line();
            match self.caseload.filter_key(&self.store, key)? {
                FilterOutcome::Changed => self.patient_changed()?,
                FilterOutcome::Closed => {
                    if before != self.caseload.shows_filter_line() {
                        self.apply_heights()?;
                    }
                    self.patient_changed()?;
                }
                FilterOutcome::Unchanged => {}
            }
            return Ok(());
        }
        match self.keymap.action(self.focus, &key) {
            Some(action) => self.perform(action),
            None => {
                self.message = Some(Message::Info(format!(
                    "{} does nothing in the {} pane; ? shows its keys",
                    keymap::Key::from_event(&key),
                    self.focus.title()
                )));
                Ok(())
            }
        }
    }

    /// Whether the action only moves on (a selection in a patient list, or
    /// the focus), so the detail panes may stay behind until it rests.
    fn passes_over(&self, action: Action) -> bool {
        matches!(
            action,
            Action::NextPane | Action::PrevPane | Action::Focus(_)
        ) || (self.focus.is_patient_list() && action.is_movement())
    }

    /// What the key does in the panes, when it goes to them (no overlay,
    /// editor, prompt or filter line has it).
    fn pane_action(&self, key: &KeyEvent) -> Option<Action> {
        let to_panes = self.overlay.is_none()
            && self.editor.is_none()
            && self.form.is_none()
            && self.prompt.is_none()
            && self.caseload.filter_input.is_none();
        to_panes
            .then(|| self.keymap.action(self.focus, key))
            .flatten()
    }

    /// When the detail panes are due to follow the caseload selection, if
    /// they are behind it: the event loop wakes then.
    pub fn detail_due(&self) -> Option<Instant> {
        self.detail_due
    }

    /// Brings the patient and care-plan panes up to the caseload selection
    /// once it has rested until `now`; returns whether they changed.
    pub fn settle_detail_at(&mut self, now: Instant) -> bool {
        if self.detail_due.is_some_and(|due| due <= now) {
            let settled = self.settle_detail();
            self.report(settled);
            return true;
        }
        false
    }

    /// Brings the detail panes up to the caseload selection now.
    fn settle_detail(&mut self) -> Result<(), StoreError> {
        if let Some(due) = self.detail_due.take() {
            if let Err(error) = self.patient_changed() {
                // Still behind the selection: the next key tries again.
                self.detail_due = Some(due);
                return Err(error);
            }
        }
        Ok(())
    }

    fn overlay_key(&mut self, key: KeyEvent) -> Result<(), StoreError> {
        let action = self.keymap.action(self.focus, &key);
        let help_max = self.help_max_scroll();
        let templates = self.templates.len();
        let Some(overlay) = self.overlay.as_mut() else {
            return Ok(());
        };
        let step = |selected: &mut usize, len: usize| match action {
            Some(Action::MoveDown) => *selected = (*selected + 1).min(len.saturating_sub(1)),
            Some(Action::MoveUp) => *selected = selected.saturating_sub(1),
            _ => {}
        };
        let is_move = matches!(action, Some(Action::MoveDown | Action::MoveUp));
        match overlay {
            Overlay::Help { scroll } if is_move => {
                step(scroll, help_max + 1);
            }
            Overlay::Templates { selected } => match key.code {
                KeyCode::Char(c @ '1'..='9') => {
                    let index = c as usize - '1' as usize;
                    self.overlay = None;
                    return self.insert_template(index);
                }
                KeyCode::Enter => {
                    let index = *selected;
                    self.overlay = None;
                    return self.insert_template(index);
                }
                _ if is_move => step(selected, templates),
                _ => self.overlay = None,
            },
            Overlay::Proposal(_) => {
                let Some(Overlay::Proposal(proposal)) = self.overlay.take() else {
                    return Ok(());
                };
                if key.code == KeyCode::Enter {
                    return self.accept_proposal(proposal);
                }
                self.message = Some(Message::Info("Skipped".into()));
            }
            Overlay::Timeline { notes, selected } => match key.code {
                KeyCode::Enter => {
                    let chosen = notes.get(*selected).map(|n| n.part_of.unwrap_or(n.id));
                    if let (Some(note_id), Some(patient_id)) = (chosen, self.shown_patient) {
                        return self.open_note(note_id, patient_id);
                    }
                }
                // The timeline is the patient's on screen: a note for them.
                _ if action == Some(Action::NewNote) => {
                    self.overlay = None;
                    return self.open_editor(None);
                }
                KeyCode::Char('/') => {
                    self.overlay = None;
                    self.prompt = Some(Prompt::new(
                        PromptKind::Search,
                        "Search all notes for".into(),
                        "",
                    ));
                }
                _ if is_move => step(selected, notes.len()),
                _ => self.overlay = None,
            },
            Overlay::Note { note, scroll, .. } => match (key.code, action) {
                (KeyCode::Char('a'), _) => {
                    let id = note.id;
                    self.overlay = None;
                    self.open_addendum(id);
                }
                // The note shown is of the patient on screen (a search
                // result brings its patient up first).
                (_, Some(Action::NewNote)) => {
                    self.overlay = None;
                    return self.open_editor(None);
                }
                (_, Some(Action::MoveDown)) => *scroll += 1,
                (_, Some(Action::MoveUp)) => *scroll = scroll.saturating_sub(1),
                (_, Some(Action::PageDown)) => *scroll += 10,
                (_, Some(Action::PageUp)) => *scroll = scroll.saturating_sub(10),
                (_, Some(Action::Top)) => *scroll = 0,
                _ => self.overlay = None,
            },
            Overlay::ConfirmDiscard => {
                self.overlay = None;
                if key.code == KeyCode::Char('y') {
                    return self.discard_draft(true);
                }
                self.message = Some(Message::Info("Kept".into()));
            }
            Overlay::Search { hits, selected, .. } => match key.code {
                KeyCode::Enter => {
                    if let Some(hit) = hits.get(*selected).cloned() {
                        self.overlay = None;
                        return self.open_hit(&hit);
                    }
                }
                _ if is_move => step(selected, hits.len()),
                _ => self.overlay = None,
            },
            _ => self.overlay = None,
        }
        Ok(())
    }

    fn perform(&mut self, action: Action) -> Result<(), StoreError> {
        self.message = None;
        match action {
            Action::Quit => self.quit = true,
            Action::Help => self.overlay = Some(Overlay::Help { scroll: 0 }),
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
                self.caseload.start_filter();
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
            Action::ExportCarePlan => self.export_care_plan()?,
            Action::EndRecordItem => self.ask_end_record_item()?,
            Action::EditGoal => self.open_goal_edit_form(),
            Action::AddIntervention => {
                if let (Some(goal), Some(patient_id)) =
                    (self.selected_goal(), self.shown_patient_id())
                {
                    self.ask(
                        PromptKind::Add {
                            patient_id,
                            goal_id: Some(goal.id),
                        },
                        format!(
                            "Intervention for \u{201c}{}\u{201d} (title due: pri: kind: every:)",
                            crate::text::fit(&goal.description, 30)
                        ),
                    )?;
                }
            }
            Action::AddProgress => {
                if let Some(goal) = self.selected_goal() {
                    self.ask(
                        PromptKind::Progress { goal_id: goal.id },
                        format!(
                            "Progress on \u{201c}{}\u{201d} (= a value when measured)",
                            crate::text::fit(&goal.description, 30)
                        ),
                    )?;
                }
            }
            Action::SetGoalStatus => {
                if let Some(goal) = self.selected_goal() {
                    self.ask(
                        PromptKind::GoalStatus {
                            goal_id: goal.id,
                            version: goal.version,
                        },
                        format!(
                            "The goal is {}; make it (active, on hold, achieved, cancelled, proposed)",
                            goal.status.label()
                        ),
                    )?;
                }
            }
            Action::ReconcileMedications => {
                if let Some(record) = self.shown_record() {
                    self.ask(
                        PromptKind::Reconcile {
                            patient_id: record.id,
                            version: record.version,
                        },
                        format!(
                            "Medications of {} {} reviewed with the patient today? (Enter confirms, Esc cancels)",
                            record.given_name, record.family_name
                        ),
                    )?;
                }
            }
            Action::NewNote => self.open_editor(None)?,
            Action::ResumeDraft => self.resume_draft()?,
            Action::Command => self.open_command(),
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
        }
        Ok(())
    }

    /// The record shown in the patient pane, or `None` having said to
    /// select a patient.
    fn shown_record(&mut self) -> Option<Patient> {
        let record = self.patient.record.clone();
        if record.is_none() {
            self.message = Some(Message::Error(
                "Select a patient in the caseload first".into(),
            ));
        }
        record
    }

    fn shown_patient_id(&mut self) -> Option<i64> {
        self.shown_record().map(|r| r.id)
    }

    /// The goal under the care-plan cursor, or `None` having said to
    /// select one.
    fn selected_goal(&mut self) -> Option<Goal> {
        let goal = self.goals.selected().cloned();
        if goal.is_none() {
            self.message = Some(Message::Error(
                "Select a goal (the cursor is on a need or the plan is empty)".into(),
            ));
        }
        goal
    }

    /// Opens the one-line prompt for `kind` with its preview.
    fn ask(&mut self, kind: PromptKind, title: String) -> Result<(), StoreError> {
        self.prompt = Some(Prompt::new(kind, title, ""));
        self.update_preview()
    }

    /// `E`: writes the selected patient's care plan into the export folder
    /// and says where.
    fn export_care_plan(&mut self) -> Result<(), StoreError> {
        let Some(patient_id) = self.shown_patient_id() else {
            return Ok(());
        };
        let folder = match &self.export_dir {
            Some(folder) => folder.clone(),
            None => match crate::config::Paths::from_env() {
                Some(paths) => paths.data_dir.join("exports"),
                None => {
                    self.message = Some(Message::Error(
                        "No export folder: set export_dir in the config".into(),
                    ));
                    return Ok(());
                }
            },
        };
        let today = self.today();
        self.message = Some(
            match crate::export::careplan_to_folder(&mut self.store, patient_id, today, &folder) {
                Ok(path) => Message::Info(format!("Care plan written to {}", path.display())),
                Err(problem) => Message::Error(capitalise(&problem)),
            },
        );
        Ok(())
    }

    fn move_in_focus(&mut self, action: Action) -> Result<(), StoreError> {
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

    /// The detail panes are to show the focused list's selection. The list
    /// answers at once; the record and the plan, which cost most of a move's
    /// bytes, follow once the selection rests, so passing over patients (or
    /// over Today with Tab) neither sends their records down the link nor
    /// audits them as viewed. Any key but a move brings them up first.
    fn follow_selection(&mut self) -> Result<(), StoreError> {
        if self.detail_delay.is_zero() {
            self.patient_changed()
        } else {
            self.detail_due = Some(Instant::now() + self.detail_delay);
            Ok(())
        }
    }

    /// Moves the focus; the detail panes then show the patient of the
    /// newly focused list's selection.
    fn set_focus(&mut self, pane: PaneId) -> Result<(), StoreError> {
        self.focus = pane;
        if pane.is_patient_list() {
            self.patient_list = pane;
        }
        if self.zoomed {
            // The pane now on the whole screen shows more rows.
            self.apply_heights()?;
        }
        if self.subject() != self.shown_patient {
            self.follow_selection()?;
        }
        Ok(())
    }

    /// The patient the detail panes are to show: the selection of the list
    /// that had focus last (a task in Today shows its patient). The patient
    /// and care-plan panes, focused, keep following it.
    fn subject(&self) -> Option<i64> {
        match self.patient_list {
            PaneId::Tasks => self
                .tasks
                .selected()
                .map(|t| t.patient_id)
                .or(self.shown_patient),
            _ => self.caseload.selected_id(),
        }
    }

    /// Puts the patient at the caseload's selection (widening it if need
    /// be) and on screen; false if they are no longer in the database.
    fn bring_up(&mut self, patient_id: i64) -> Result<bool, StoreError> {
        let had_filter = self.caseload.shows_filter_line();
        if !self.caseload.reveal(&self.store, patient_id)? {
            return Ok(false);
        }
        if had_filter != self.caseload.shows_filter_line() {
            self.apply_heights()?;
        }
        self.patient_list = PaneId::Caseload;
        self.detail_due = None;
        self.patient_changed()?;
        Ok(true)
    }

    fn open(&mut self) -> Result<(), StoreError> {
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
                    self.overlay = Some(Overlay::Goal(Box::new(GoalDetail {
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

    /// The followed list's selection may have changed: shows its patient's
    /// record, goals and (when following the patient) tasks in the detail
    /// panes, and audits the view. Every per-patient key then acts on this
    /// patient.
    fn patient_changed(&mut self) -> Result<(), StoreError> {
        let selected = self.subject();
        if selected == self.shown_patient && self.patient.record.is_some() == selected.is_some() {
            return Ok(());
        }
        // The view is audited before the record is shown. When the database
        // cannot take the row (a full disk), it is kept aside and written
        // later, and the record is shown all the same: a safety flag must
        // be readable whatever the disk.
        self.view_kept_aside = None;
        if let Some(id) = selected {
            match self.store.record_view(id) {
                ViewAudited::Database => {}
                kept => {
                    self.view_kept_aside = Some(id);
                    self.disk_trouble = Some(match kept {
                        ViewAudited::Aside(_) => {
                            "The disk is full: views are audited in a file beside the database until there is room".into()
                        }
                        _ => "The disk is full: views are audited in memory until there is room; do not quit".into(),
                    });
                }
            }
        }
        self.load_patient(selected)?;
        self.shown_patient = selected;
        if self.tasks.scope == TaskScope::Patient {
            self.tasks.cursor.select(0);
            self.load_tasks()?;
        }
        Ok(())
    }

    fn load_patient(&mut self, id: Option<i64>) -> Result<(), StoreError> {
        let today = self.today();
        self.patient.load(&self.store, id, today)?;
        self.goals.load(&self.store, id)?;
        Ok(())
    }

    fn load_tasks(&mut self) -> Result<(), StoreError> {
        let cx = TaskContext {
            user: &self.user,
            patient_id: self.shown_patient,
            today: self.clock.today(),
            upcoming_days: self.upcoming_days,
            weights: &self.weights,
        };
        self.tasks.load(&self.store, &cx)
    }

    /// Called about once a second when idle: if another session changed the
    /// database, re-reads what is on screen. Returns whether anything may
    /// have changed (and so whether to draw).
    pub fn tick(&mut self) -> bool {
        let trouble_before = self.disk_trouble.clone();
        let saved = self.autosave(false);
        self.report(saved);
        let taken_back = self.take_back_kept_aside() || self.disk_trouble != trouble_before;
        match self.refresh_if_changed() {
            Ok(changed) => changed || taken_back,
            Err(error) => {
                self.message = Some(Message::Error(capitalise(&error.to_string())));
                true
            }
        }
    }

    /// Writes into the database what waited aside (audit rows, drafts),
    /// when it can; returns whether the screen has something new to say.
    fn take_back_kept_aside(&mut self) -> bool {
        self.notice_reserve_used();
        if self.disk_trouble.is_none() || self.store.read_only().is_some() {
            return false;
        }
        let open = self.editor.as_ref().map(|e| e.patient_id);
        let editor_waits = self
            .editor
            .as_ref()
            .is_some_and(|e| !e.kept.is_in_database());
        match self.store.write_kept_aside(open) {
            Ok(back)
                if !self.store.audits_waiting()
                    && !editor_waits
                    && !self.store.lacks_room_aside() =>
            {
                self.view_kept_aside = None;
                self.disk_trouble = None;
                self.message = Some(Message::Info(match back {
                    KeptBack { drafts: 0, audits: 0 } => "There is room on the disk again".into(),
                    KeptBack { drafts: 0, .. } => {
                        "There is room again: the audit rows kept aside are in the database".into()
                    }
                    _ => "There is room again: what was kept aside is in the database (d reopens drafts)".into(),
                }));
                true
            }
            _ => false,
        }
    }

    /// Says so when tend has no room kept aside for a full disk (it was
    /// used, or the disk has too little left to keep it): once the disk is
    /// full, notes and audit rows can only be kept in files.
    fn notice_reserve_used(&mut self) {
        if self.disk_trouble.is_none() && self.store.lacks_room_aside() {
            self.disk_trouble = Some(
                "The disk is (nearly) full: tend has no room left aside for notes; free some space soon".into(),
            );
        }
    }

    fn refresh_if_changed(&mut self) -> Result<bool, StoreError> {
        let version = self.store.data_version()?;
        if version == self.data_version {
            return Ok(false);
        }
        self.data_version = version;
        self.reload_view()?;
        Ok(true)
    }

    /// Re-reads everything on screen after a change, keeping the selection.
    fn reload_view(&mut self) -> Result<(), StoreError> {
        let keep = self.caseload.selected_id();
        self.caseload.reload(&self.store, keep)?;
        self.load_tasks()?;
        if self.detail_due.is_some() {
            // The selection is still moving; the panes follow when it rests.
        } else if self.subject() == self.shown_patient {
            // Same patient: re-read their record, without a new audit row.
            self.load_patient(self.shown_patient)?;
        } else {
            // The list changed under the selection (a task completed in
            // Today leaves the next one, perhaps another patient's).
            self.patient_changed()?;
        }
        Ok(())
    }
}
