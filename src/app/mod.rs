//! State and behaviour: keys become actions, actions change state through
//! the store, and the view state holds only what is on screen. No drawing.
//!
//! `App` is a thin router: each pane's behaviour lives in its own module.

pub mod audit_view;
pub mod directory;
pub mod editor;
mod effects;
pub mod form;
mod forms;
mod glass;
pub mod help;
pub mod keymap;
pub mod layers;
pub mod layout;
pub mod line_input;
pub mod list;
pub mod lock;
pub mod loops;
pub mod notes;
pub mod overlays;
pub mod pane;
mod panes;
// The panes' state, where the rest of the app and the screen read it.
pub use panes::{caseload, goals, patient, tasks};
pub mod prompts;
mod rescreen;
mod safekeeping;
pub mod screening;
pub mod settings;
mod subject;
pub mod transitions;
mod triage;

use std::time::Instant;

use chrono::NaiveDate;
use crossterm::event::KeyEvent;

use crate::clock::Clock;
use crate::domain::role::Right;
use crate::store::{Scope, Store, StoreError, TaskChange};
use caseload::{CaseloadPane, FilterOutcome};
use editor::NoteEditor;
pub use forms::{GoalField, OpenForm, RecordField, ReviewField};
use goals::GoalsPane;
use keymap::{Action, Context};
use layers::{Layers, Top};
pub use overlays::{GoalDetail, Overlay};
use pane::PaneId;
use patient::PatientPane;
use prompts::Prompt;
pub use settings::{Settings, ThemeName};
use tasks::TasksPane;

/// A line for the status bar.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Message {
    Info(String),
    Error(String),
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
    /// Who the user is, the theme, the keymap, the rules: what the command
    /// line built from the config.
    pub settings: Settings,
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
    /// What is open over the panes: the one layer on top takes each key.
    layers: Layers,
    /// Drafts left from an earlier session (patients, newest first),
    /// offered back one by one with `d`.
    pub pending_drafts: Vec<i64>,
    pub message: Option<Message>,
    /// Changes made in this session, newest last, for `u`.
    undo: Vec<TaskChange>,
    /// The terminal's size, as last reported.
    pub size: (u16, u16),
    /// The patient whose record was last shown (and audited).
    shown_patient: Option<i64>,
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
    /// When the last key came: the screen locks `lock_after` later.
    last_key: Instant,
}

impl App {
    pub fn new(store: Store, config: &Settings, demo: bool) -> Result<App, StoreError> {
        let data_version = store.data_version()?;
        let mut app = App {
            clock: store.clock(),
            settings: config.clone(),
            demo,
            focus: PaneId::Caseload,
            zoomed: false,
            patient_list: PaneId::Caseload,
            caseload: CaseloadPane::new(&config.user),
            patient: PatientPane::default(),
            goals: GoalsPane::default(),
            tasks: TasksPane::default(),
            layers: Layers::default(),
            pending_drafts: Vec::new(),
            message: None,
            undo: Vec::new(),
            size: (80, 24),
            shown_patient: None,
            detail_due: None,
            data_version,
            disk_trouble: None,
            view_kept_aside: None,
            quit: false,
            last_key: Instant::now(),
            store,
        };
        app.make_due_screenings();
        app.caseload.reload(&app.store, None)?;
        if app.caseload.cursor.is_empty() {
            // Nobody assigned to this user: show the team rather than nothing.
            app.caseload.query.scope = Scope::Team;
            app.caseload.reload(&app.store, None)?;
            if !app.caseload.cursor.is_empty() {
                app.message = Some(Message::Info(format!(
                    "No patients are assigned to {}; showing the whole team (t toggles)",
                    app.settings.user
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
        app.offer_unfinished_screenings()?;
        app.notice_reserve_used();
        if app.store.rolled_back_interrupted_change() {
            // Said on standard error too, but the screen covers that.
            app.message = Some(Message::Info(
                "An interrupted change (an import or a generated caseload) was rolled back as tend opened the database: nothing of it is kept".into(),
            ));
        }
        // Hospitals' messages no rule could place wait for whoever
        // resolves them: said once, as the day starts.
        let waiting = app.store.adt_waiting()?;
        if waiting > 0 && app.message.is_none() {
            app.message = Some(Message::Info(format!(
                "{waiting} ADT message{} wait{} for you: :adt lists {}",
                if waiting == 1 { "" } else { "s" },
                if waiting == 1 { "s" } else { "" },
                if waiting == 1 { "it" } else { "them" },
            )));
        }
        if let Some(first) = app.settings.instruments.problems.first() {
            // Above the day's other news: a program's instrument that
            // will not be offered.
            let more = app.settings.instruments.problems.len() - 1;
            app.message = Some(Message::Error(format!(
                "Screening instrument left out: {first}{}",
                match more {
                    0 => String::new(),
                    n => format!(" (and {n} more problem{})", if n == 1 { "" } else { "s" }),
                }
            )));
        }
        if app.store.require(Right::ReadCharts).is_err() {
            // An auditor: no chart, the audit trail from the start.
            app.open_audit("")?;
        }
        Ok(app)
    }

    pub fn store(&self) -> &Store {
        &self.store
    }

    /// The key of a binding, as the screen names it ("Ctrl-S"): messages
    /// and previews say the keys as the user has them.
    pub fn key(&self, binding: &str) -> String {
        self.settings.keymap.key_name(binding)
    }

    /// The layer that takes the next key.
    pub fn top(&self) -> Top {
        self.layers.top()
    }

    /// The layers over the panes, for drawing.
    pub fn layers(&self) -> &Layers {
        &self.layers
    }

    pub fn overlay(&self) -> Option<&Overlay> {
        self.layers.overlay()
    }

    pub fn editor(&self) -> Option<&NoteEditor> {
        self.layers.editor()
    }

    pub fn form(&self) -> Option<&OpenForm> {
        self.layers.form()
    }

    pub fn prompt(&self) -> Option<&Prompt> {
        self.layers.prompt()
    }

    /// The keymap's context of the layer on top: what `?` lists and the
    /// status line hints.
    pub fn context(&self) -> Context {
        match self.layers.top() {
            Top::Panes => Context::Pane(self.focus),
            Top::Overlay => self
                .layers
                .overlay()
                .map_or(Context::Global, Overlay::context),
            Top::Editor => match self.layers.editor() {
                Some(editor) if editor.in_header() => Context::EditorHeader,
                _ => Context::Editor,
            },
            Top::Form => Context::Form,
            Top::Prompt | Top::Filter => Context::LineInput,
            Top::Directory => Context::Directory,
            Top::Screening => Context::Screening,
            Top::Lock => Context::Lock,
        }
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
        let result = self.apply_heights();
        self.report(result);
    }

    fn apply_heights(&mut self) -> Result<(), StoreError> {
        let rows = layout::list_rows(self.size, self.shows_filter_line(), self.zoom());
        self.caseload.set_height(&self.store, rows.caseload)?;
        self.patient.set_height(rows.patient);
        self.goals.cursor.set_height(rows.goals);
        self.tasks.cursor.set_height(rows.tasks);
        Ok(())
    }

    /// Whether the caseload shows its filter line: being typed, or a
    /// filter in force.
    pub fn shows_filter_line(&self) -> bool {
        self.layers.filter().is_some() || !self.caseload.query.filter.is_empty()
    }

    /// The filter being typed, while the filter line has the keys.
    pub fn filter_input(&self) -> Option<&line_input::LineInput> {
        self.layers.filter()
    }

    /// How far the help overlay can scroll: its lines less the rows shown.
    fn help_max_scroll(&self, of: Context) -> usize {
        let lines = help::help_lines(&self.settings.keymap, of, &self.settings.urgency).len();
        lines.saturating_sub(layout::help_rows(lines, self.size.1))
    }

    /// Handles one key press.
    pub fn handle_key(&mut self, key: KeyEvent) {
        self.last_key = Instant::now();
        let result = self.dispatch_key(key);
        self.report(result);
    }

    fn report(&mut self, result: Result<(), StoreError>) {
        if let Err(error) = result {
            self.message = Some(Message::Error(capitalise(&error.to_string())));
        }
    }

    fn dispatch_key(&mut self, key: KeyEvent) -> Result<(), StoreError> {
        // The lock first: nothing under it sees a key, and Ctrl-L locks
        // from any layer, even one that takes text.
        if self.layers.lock().is_some() {
            return self.lock_key(key);
        }
        if self.settings.keymap.command(Context::Anywhere, &key) == Some(Action::LockScreen) {
            self.lock(lock::Locked::Asked);
            return Ok(());
        }
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
        match self.layers.top() {
            Top::Overlay => return self.overlay_key(key),
            Top::Editor => return self.editor_key(key),
            Top::Form => return self.form_key(key),
            Top::Prompt => return self.prompt_key(key),
            Top::Filter => return self.filter_key(key),
            Top::Directory => return self.directory_key(key),
            Top::Screening => return self.screening_key(key),
            Top::Lock => return self.lock_key(key),
            Top::Panes => {}
        }
        match self.settings.keymap.action(self.focus, &key) {
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
        (self.layers.top() == Top::Panes)
            .then(|| self.settings.keymap.action(self.focus, key))
            .flatten()
    }

    /// A key for the overlay on top: it answers from its own keys, and
    /// what it asks for beyond itself is carried out here.
    fn overlay_key(&mut self, key: KeyEvent) -> Result<(), StoreError> {
        let Some(context) = self.layers.overlay().map(Overlay::context) else {
            return Ok(());
        };
        if let Some(Overlay::KeyChoice(_)) = self.layers.overlay() {
            // Its keys are the domain's choices, read from the key itself.
            return self.key_choice_key(key);
        }
        let action = self.settings.keymap.command(context, &key);
        let number = self.settings.keymap.numbered(context, &key);
        let of = match self.layers.overlay() {
            Some(Overlay::Help { of, .. }) => *of,
            _ => context,
        };
        let limits = overlays::Limits {
            help_scroll: self.help_max_scroll(of),
            templates: self.settings.templates.len(),
        };
        let Some(overlay) = self.layers.overlay_mut() else {
            return Ok(());
        };
        match overlay.key(action, number, &limits) {
            overlays::Outcome::Stay => Ok(()),
            overlays::Outcome::Close => {
                self.layers.take_overlay();
                Ok(())
            }
            overlays::Outcome::CloseThen(effect) => {
                self.layers.take_overlay();
                self.apply(effect)
            }
        }
    }

    /// A key for the caseload's filter line.
    fn filter_key(&mut self, key: KeyEvent) -> Result<(), StoreError> {
        let command = self.settings.keymap.command(Context::LineInput, &key);
        if command == Some(Action::Help) {
            self.layers.show(Overlay::Help {
                scroll: 0,
                of: Context::LineInput,
            });
            return Ok(());
        }
        let before = self.shows_filter_line();
        let Some(input) = self.layers.filter_mut() else {
            return Ok(());
        };
        match self.caseload.filter_key(&self.store, input, command, key)? {
            FilterOutcome::Changed => self.patient_changed()?,
            FilterOutcome::Closed => {
                self.layers.take_filter();
                if before != self.shows_filter_line() {
                    self.apply_heights()?;
                }
                self.patient_changed()?;
            }
            FilterOutcome::Unchanged => {}
        }
        Ok(())
    }
}
