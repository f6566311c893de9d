//! What a key can ask for, and where.

use crate::app::pane::PaneId;

/// Everything a key can ask for.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Action {
    // Moving, in the panes and in overlays.
    MoveDown,
    MoveUp,
    Top,
    Bottom,
    PageDown,
    PageUp,
    // The panes.
    NextPane,
    PrevPane,
    Focus(PaneId),
    Open,
    Back,
    Help,
    Quit,
    Filter,
    ToggleTeam,
    CycleSort,
    ToggleTaskScope,
    CompleteTask,
    SnoozeTask,
    ReassignTask,
    EditTask,
    AddTask,
    MarkTask,
    FilterTasks,
    Undo,
    NewNote,
    ResumeDraft,
    Command,
    AddProgress,
    ReconcileMedications,
    SetGoalStatus,
    EditRecord,
    AddToRecord,
    AddGoal,
    AddNeed,
    SetPlanReview,
    ExportCarePlan,
    EndRecordItem,
    AddIntervention,
    EditGoal,
    Zoom,
    /// The transitions of care: the clocks after discharges and emergency visits.
    Transitions,
    /// The patient's referrals (`F`), appointments (`A`), prior
    /// authorizations (`P`); the open loops (`L`); my week (`W`).
    Referrals,
    Appointments,
    Authorizations,
    OpenLoops,
    Week,
    Screenings,
    // Overlays.
    /// Enter in a list overlay: take or open what is selected.
    Choose,
    /// A digit in a numbered list: the item of that number.
    ChooseNumbered,
    /// `a` on a note: an addendum.
    Addendum,
    /// `/` in the timeline: search all notes.
    SearchNotes,
    /// `y`: yes to the question asked.
    Yes,
    /// `d` in the ADT queue: dismiss the message, with a reason.
    Dismiss,
    /// `m` in the ADT queue: match the message to a member.
    Match,
    /// `v` in the transitions view: void the clock, with a reason.
    Void,
    /// `n` in a loop's list: a new referral, appointment or authorization.
    NewLoop,
    /// `m` in a loop's list: move the selected one along its loop.
    MoveLoop,
    /// `t` / `i` in the appointments: transport / interpreter arranged, or not.
    ToggleTransport,
    ToggleInterpreter,
    /// `s` in the referrals: find a service in the resource directory.
    FindService,
    /// In the directory: the patient's language as a filter, or not.
    PatientLanguage,
    /// In the directory: the selected service in full.
    ShowService,
    /// `]` / `[` in the week: the next or previous seven days.
    NextWeek,
    PrevWeek,
    StartScreening,
    CorrectScreening,
    // Layers that take text: the editor, forms, prompts and the filter line.
    /// Sign the note, save the form.
    Save,
    /// Close the layer (a note's draft is kept; a form is given up).
    Cancel,
    /// Enter in a one-line prompt.
    Submit,
    /// Tab in a one-line prompt: complete the name typed.
    Complete,
    NextField,
    PrevField,
    /// The editor's header: the next or previous value of the field.
    NextChoice,
    PrevChoice,
    /// The editor's header: the field back to "not chosen".
    ClearChoice,
    /// A form's suggestions for the field.
    NextSuggestion,
    PrevSuggestion,
    /// A form: take the completion offered.
    AcceptCompletion,
    InsertTemplate,
    InsertTime,
    DiscardDraft,
    UndoTyping,
    /// Lock the screen (from any layer).
    LockScreen,
}

impl Action {
    /// Whether the action moves a selection (and does nothing else).
    pub fn is_movement(self) -> bool {
        matches!(
            self,
            Action::MoveDown
                | Action::MoveUp
                | Action::Top
                | Action::Bottom
                | Action::PageDown
                | Action::PageUp
        )
    }
}

/// The overlays, as far as their keys go.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum OverlayKind {
    Help,
    Goal,
    Templates,
    Proposal,
    Timeline,
    Note,
    ConfirmDiscard,
    Search,
    Audit,
    Transitions,
    AdtQueue,
    Referrals,
    Appointments,
    Authorizations,
    OpenLoops,
    Week,
    /// One referral, appointment or authorization in full.
    LoopDetail,
    /// A one-key choice: where a loop moves, how receipt was confirmed.
    KeyChoice,
    /// One service of the resource directory in full.
    Service,
    /// The program's safety steps, shown when a safety rule fires.
    SafetySteps,
    /// What a signed screening calls for.
    FollowUps,
    /// The patient's screenings, an instrument a row.
    Screenings,
    /// One instrument's history as a chart.
    ScreeningChart,
    /// "Throw this unfinished screening away?"
    ConfirmAbandon,
}

/// Where a binding works: the layer on top decides which context a key is
/// looked up in.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Context {
    /// The panes, whichever has focus; and, below their own keys, overlays.
    Global,
    Pane(PaneId),
    Overlay(OverlayKind),
    /// The note editor's text.
    Editor,
    /// The note editor's header fields (the editor's keys work there too).
    EditorHeader,
    Form,
    /// A one-line prompt, or the caseload's filter line.
    LineInput,
    /// The resource directory: its query line takes text.
    Directory,
    /// A screening being administered: digits answer (the instrument's
    /// own keys, read before the keymap), and a free-text item takes text.
    Screening,
    /// Every layer, even those that take text: looked up before the layer
    /// on top (the lock).
    Anywhere,
    /// The lock screen, which takes the passphrase as text.
    Lock,
}

impl Context {
    /// Where a key not bound here is looked up next. Layers that take text
    /// have no fallback: a letter typed there is text, never a pane's key.
    pub fn parent(self) -> Option<Context> {
        match self {
            Context::Pane(_) | Context::Overlay(_) => Some(Context::Global),
            Context::EditorHeader => Some(Context::Editor),
            Context::Global
            | Context::Editor
            | Context::Form
            | Context::LineInput
            | Context::Directory
            | Context::Screening
            | Context::Anywhere
            | Context::Lock => None,
        }
    }

    /// Whether the layer takes typed text, so that a plain printable key
    /// cannot be bound there.
    pub fn takes_text(self) -> bool {
        matches!(
            self,
            Context::Editor
                | Context::EditorHeader
                | Context::Form
                | Context::LineInput
                | Context::Directory
                | Context::Screening
                | Context::Anywhere
                | Context::Lock
        )
    }

    /// The heading the help overlay gives its keys.
    pub fn heading(self) -> String {
        match self {
            Context::Global => "Everywhere".into(),
            Context::Pane(pane) => format!("In {}", pane.title()),
            Context::Overlay(kind) => format!(
                "In {} (any other key closes it)",
                match kind {
                    OverlayKind::Help => "the help",
                    OverlayKind::Goal => "a goal's view",
                    OverlayKind::Templates => "the templates",
                    OverlayKind::Proposal => "what the note calls for",
                    OverlayKind::Timeline => "the timeline",
                    OverlayKind::Note => "a note's view",
                    OverlayKind::ConfirmDiscard => "the question",
                    OverlayKind::Search => "the search results",
                    OverlayKind::Audit => "the audit trail",
                    OverlayKind::Transitions => "the transitions",
                    OverlayKind::AdtQueue => "the ADT queue",
                    OverlayKind::Referrals => "the referrals",
                    OverlayKind::Appointments => "the appointments",
                    OverlayKind::Authorizations => "the prior authorizations",
                    OverlayKind::OpenLoops => "the open loops",
                    OverlayKind::Week => "the week",
                    OverlayKind::LoopDetail => "a loop's view",
                    OverlayKind::KeyChoice => "a one-key choice",
                    OverlayKind::Service => "a service's view",
                    OverlayKind::SafetySteps => "the safety steps",
                    OverlayKind::FollowUps => "what the screening calls for",
                    OverlayKind::Screenings => "the screenings",
                    OverlayKind::ScreeningChart => "a screening's history",
                    OverlayKind::ConfirmAbandon => "the question over a screening",
                }
            ),
            Context::Editor => "In the note editor".into(),
            Context::EditorHeader => "In the note's header".into(),
            Context::Form => "In a form".into(),
            Context::LineInput => "In a prompt or the filter line".into(),
            Context::Directory => "In the directory".into(),
            Context::Screening => {
                "In a screening (a number answers: the one beside the answer)".into()
            }
            Context::Anywhere => "In any layer".into(),
            Context::Lock => "In the lock screen".into(),
        }
    }
}
