//! What is drawn over the panes (and over the editor or a form): each
//! overlay's state, and in a file of its own the keys it answers. An
//! overlay changes only itself; anything else it asks for — a note opened,
//! a template inserted, a draft thrown away — it returns as an [`Effect`]
//! that [`App`](super::App) carries out in one place.

mod confirm_discard;
mod help;
mod loops;
mod note;
mod proposal;
mod search;
mod templates;
mod timeline;

use super::effects::Effect;
use super::keymap::{Action, Context, OverlayKind};
use super::loops::{
    AuthRow, KeyChoice, LoopDetail, LoopKind, LoopList, LoopsView, ReferralRow, WeekView,
};
use super::notes::Proposal;
use super::screening::{FollowUps, SafetySteps, ScreeningChart, ScreeningsList};
use crate::domain::directory::ResourceDetail;
use crate::domain::goal::Goal;
use crate::store::Appointment;
use crate::store::{AuditRow, NoteSummary, QueuedMessage, SearchHit, TransitionRow};

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
    /// The keys of the layer under it (`of`).
    Help { scroll: usize, of: Context },
    /// One goal in full.
    Goal(Box<GoalDetail>),
    /// Choosing a template to insert into the note (Ctrl-T).
    Templates { selected: usize },
    /// What the signed note calls for, taken with Enter.
    Proposal(Proposal),
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
        /// Whether the hits stopped at the most shown, so more notes hold
        /// the words than are listed.
        capped: bool,
        selected: usize,
    },
    /// The newest rows of the audit trail a filter lets through.
    Audit {
        words: String,
        rows: Vec<AuditRow>,
        selected: usize,
    },
    /// The clocks of transitions of care, nearest deadline first.
    Transitions {
        /// The whole team's, rather than the user's own patients'.
        team: bool,
        rows: Vec<TransitionRow>,
        selected: usize,
    },
    /// The ADT messages waiting for a supervisor.
    AdtQueue {
        rows: Vec<QueuedMessage>,
        selected: usize,
    },
    /// The patient's referrals (`F`), open ones first.
    Referrals(LoopList<ReferralRow>),
    /// The patient's appointments (`A`), those to come first.
    Appointments(LoopList<Appointment>),
    /// The patient's prior authorizations (`P`), newest first.
    Authorizations(LoopList<AuthRow>),
    /// The open loops (or a search of all loops), oldest first.
    OpenLoops(Box<LoopsView>),
    /// My appointments of seven days.
    Week(Box<WeekView>),
    /// One referral, appointment or authorization in full.
    LoopDetail(Box<LoopDetail>),
    /// A one-key choice: where a loop moves, how receipt was confirmed.
    /// Its keys are read by `App` (they are the domain's, not the keymap's).
    KeyChoice(Box<KeyChoice>),
    /// One service of the resource directory in full, over the directory.
    Service(Box<ResourceDetail>),
    /// The program's safety steps, the moment a safety rule fires.
    SafetySteps(Box<SafetySteps>),
    /// What a signed screening calls for, one key each.
    FollowUps(Box<FollowUps>),
    /// The patient's screenings (`Q`).
    Screenings(Box<ScreeningsList>),
    /// One instrument's history.
    ScreeningChart(Box<ScreeningChart>),
    /// "Throw this unfinished screening away?" over it (its id).
    ConfirmAbandon(i64),
}

/// What an overlay does with a key.
#[derive(Debug, Clone, PartialEq)]
pub enum Outcome {
    /// It stays open (having perhaps moved its selection).
    Stay,
    /// It closes.
    Close,
    /// It closes, and asks for something else to happen.
    CloseThen(Effect),
}

/// What an overlay may need to know of the rest of the screen.
pub struct Limits {
    /// How far the help can scroll.
    pub help_scroll: usize,
    /// How many templates there are.
    pub templates: usize,
}

impl Overlay {
    pub fn kind(&self) -> OverlayKind {
        match self {
            Overlay::Help { .. } => OverlayKind::Help,
            Overlay::Goal(_) => OverlayKind::Goal,
            Overlay::Templates { .. } => OverlayKind::Templates,
            Overlay::Proposal(_) => OverlayKind::Proposal,
            Overlay::Timeline { .. } => OverlayKind::Timeline,
            Overlay::Note { .. } => OverlayKind::Note,
            Overlay::ConfirmDiscard => OverlayKind::ConfirmDiscard,
            Overlay::Search { .. } => OverlayKind::Search,
            Overlay::Audit { .. } => OverlayKind::Audit,
            Overlay::Transitions { .. } => OverlayKind::Transitions,
            Overlay::AdtQueue { .. } => OverlayKind::AdtQueue,
            Overlay::Referrals(_) => OverlayKind::Referrals,
            Overlay::Appointments(_) => OverlayKind::Appointments,
            Overlay::Authorizations(_) => OverlayKind::Authorizations,
            Overlay::OpenLoops(_) => OverlayKind::OpenLoops,
            Overlay::Week(_) => OverlayKind::Week,
            Overlay::LoopDetail(_) => OverlayKind::LoopDetail,
            Overlay::KeyChoice(_) => OverlayKind::KeyChoice,
            Overlay::Service(_) => OverlayKind::Service,
            Overlay::SafetySteps(_) => OverlayKind::SafetySteps,
            Overlay::FollowUps(_) => OverlayKind::FollowUps,
            Overlay::Screenings(_) => OverlayKind::Screenings,
            Overlay::ScreeningChart(_) => OverlayKind::ScreeningChart,
            Overlay::ConfirmAbandon(_) => OverlayKind::ConfirmAbandon,
        }
    }

    /// The keymap's context for this overlay's keys.
    pub fn context(&self) -> Context {
        Context::Overlay(self.kind())
    }

    /// A key, as the keymap reads it in this overlay's context (`action`;
    /// `number` for numbered keys). A key the overlay does not answer
    /// closes it.
    pub fn key(
        &mut self,
        action: Option<Action>,
        number: Option<usize>,
        limits: &Limits,
    ) -> Outcome {
        if action == Some(Action::Help) && self.kind() != OverlayKind::Help {
            // `?` over an overlay: the overlay's own keys.
            return Outcome::CloseThen(Effect::ShowHelp(self.context()));
        }
        match self {
            Overlay::Help { scroll, .. } => help::key(scroll, action, limits.help_scroll),
            Overlay::Goal(_) | Overlay::Service(_) => Outcome::Close,
            Overlay::ScreeningChart(chart) => match (action, chart.results.last()) {
                (Some(Action::CorrectScreening), Some(latest)) => {
                    Outcome::CloseThen(Effect::CorrectScreening {
                        patient_id: chart.patient_id,
                        id: latest.id,
                    })
                }
                _ => Outcome::Close,
            },
            Overlay::ConfirmAbandon(id) => match action {
                Some(Action::Yes) => Outcome::CloseThen(Effect::AbandonScreening(*id)),
                _ => Outcome::CloseThen(Effect::Say(super::Message::Info(
                    "Kept: the screening goes on".into(),
                ))),
            },
            // Read before anything else is done: only Enter or Esc closes it.
            Overlay::SafetySteps(_) => match action {
                Some(Action::Choose | Action::Back) => Outcome::Close,
                _ => Outcome::Stay,
            },
            Overlay::FollowUps(list) => super::screening::follow_up_key(list, action, number),
            Overlay::Screenings(list) => super::screening::list_key(list, action),
            Overlay::Templates { selected } => {
                templates::key(selected, action, number, limits.templates)
            }
            Overlay::Proposal(proposal) => proposal::key(proposal, action),
            Overlay::Timeline { notes, selected } => timeline::key(notes, selected, action),
            Overlay::Note { note, scroll, .. } => note::key(note, scroll, action),
            Overlay::ConfirmDiscard => confirm_discard::key(action),
            Overlay::Search { hits, selected, .. } => search::key(hits, selected, action),
            Overlay::Audit { rows, selected, .. } => {
                if step(selected, rows.len(), action) {
                    Outcome::Stay
                } else {
                    Outcome::Close
                }
            }
            Overlay::Transitions {
                rows,
                selected,
                team,
            } => match action {
                Some(Action::Choose) => match rows.get(*selected) {
                    Some(row) => Outcome::CloseThen(Effect::OpenPatient(row.clock.patient_id)),
                    None => Outcome::Stay,
                },
                Some(Action::Void) => match rows.get(*selected) {
                    Some(row) => Outcome::CloseThen(Effect::AskVoidClock {
                        clock_id: row.clock.id,
                        team: *team,
                    }),
                    None => Outcome::Stay,
                },
                _ if step(selected, rows.len(), action) => Outcome::Stay,
                _ => Outcome::Close,
            },
            Overlay::AdtQueue { rows, selected } => match (action, rows.get(*selected)) {
                (Some(Action::Dismiss), Some(row)) => {
                    Outcome::CloseThen(Effect::AskDismissAdt(row.id))
                }
                (Some(Action::Match), Some(row)) => Outcome::CloseThen(Effect::AskMatchAdt(row.id)),
                (Some(Action::Dismiss | Action::Match), None) => Outcome::Stay,
                _ if step(selected, rows.len(), action) => Outcome::Stay,
                _ => Outcome::Close,
            },
            Overlay::Referrals(list) => {
                loops::list_key(LoopKind::Referral, list, |r| r.referral.id, action)
            }
            Overlay::Appointments(list) => {
                loops::list_key(LoopKind::Appointment, list, |a| a.id, action)
            }
            Overlay::Authorizations(list) => {
                loops::list_key(LoopKind::Authorization, list, |r| r.auth.id, action)
            }
            Overlay::OpenLoops(view) => match (action, view.rows.get(view.selected)) {
                (Some(Action::Choose), Some(row)) => {
                    Outcome::CloseThen(Effect::OpenPatient(row.patient_id))
                }
                (Some(Action::Choose), None) => Outcome::Stay,
                _ if step(&mut view.selected, view.rows.len(), action) => Outcome::Stay,
                _ => Outcome::Close,
            },
            Overlay::Week(week) => match (action, week.rows.get(week.selected)) {
                (Some(Action::Choose), Some(row)) => {
                    Outcome::CloseThen(Effect::OpenPatient(row.appointment.patient_id))
                }
                (Some(Action::Choose), None) => Outcome::Stay,
                (Some(Action::NextWeek), _) => Outcome::CloseThen(Effect::ShiftWeek(week.from, 7)),
                (Some(Action::PrevWeek), _) => Outcome::CloseThen(Effect::ShiftWeek(week.from, -7)),
                _ if step(&mut week.selected, week.rows.len(), action) => Outcome::Stay,
                _ => Outcome::Close,
            },
            Overlay::LoopDetail(detail) => loops::detail_key(detail),
            // Its keys are read by App before they reach here.
            Overlay::KeyChoice(_) => Outcome::Stay,
        }
    }
}

/// Rows a page key moves a list overlay's selection by.
const LIST_PAGE: usize = 10;

/// Moves a list overlay's selection (a row, a page, the top or the
/// bottom); false for a key that is not a move, which closes the overlay.
pub(super) fn step(selected: &mut usize, len: usize, action: Option<Action>) -> bool {
    let last = len.saturating_sub(1);
    match action {
        Some(Action::MoveDown) => *selected = (*selected + 1).min(last),
        Some(Action::MoveUp) => *selected = selected.saturating_sub(1),
        Some(Action::PageDown) => *selected = (*selected + LIST_PAGE).min(last),
        Some(Action::PageUp) => *selected = selected.saturating_sub(LIST_PAGE),
        Some(Action::Top) => *selected = 0,
        Some(Action::Bottom) => *selected = last,
        _ => return false,
    }
    true
}
