//! Transitions of care on the screen: the view of the clocks (`:transitions`,
//! `T`), the patient's encounters and open clocks in the record, a stay's
//! complexity (`:complexity`), and the supervisor's ADT work queue (`:adt`).
//!
//! Reading the transitions view writes no audit row (it shows names, as the
//! caseload does); opening a patient from it is the usual audited view.

use super::overlays::Overlay;
use super::pane::PaneId;
use super::prompts::{DismissAdt, MatchAdt, VoidClock};
use super::{capitalise, App, Message};
use crate::domain::encounter::{Complexity, EncounterClass};
use crate::domain::transitions::{ClockKind, ClockState};
use crate::store::{ClockRow, EncounterRow, Store, StoreError, REASON_MIN_CHARS};
use crate::text::fit;

/// How many days back the view shows clocks that were met or missed.
pub const LOOKING_BACK_DAYS: i64 = 30;

/// How many encounters the record shows.
pub const ENCOUNTERS_SHOWN: usize = 3;

/// A clock's name in a few letters, for one-line summaries.
pub fn short(kind: ClockKind) -> &'static str {
    match kind {
        ClockKind::TcmContact => "contact",
        ClockKind::TcmVisit => "visit",
        ClockKind::MedRec => "med rec",
        ClockKind::AdmissionNotice => "admission notice",
        ClockKind::DischargeInfo => "discharge info",
        ClockKind::Fuh7 => "FUH 7",
        ClockKind::Fuh30 => "FUH 30",
        ClockKind::Fum7 => "FUM 7",
        ClockKind::Fum30 => "FUM 30",
        ClockKind::Fua7 => "FUA 7",
        ClockKind::Fua30 => "FUA 30",
    }
}

/// An encounter as one line of the record: "IP Synthetic General
/// 11-17→11-20 · home · READMIT", "ED Synthetic General 11-22 · F32.9".
pub fn encounter_line(row: &EncounterRow) -> String {
    let e = &row.encounter;
    let mut text = format!(
        "{} {} {}",
        e.class.mark(),
        e.facility,
        e.started_at.format("%m-%d")
    );
    match e.ended_on() {
        Some(end) if e.class.is_stay() => text.push_str(&format!("→{}", end.format("%m-%d"))),
        None if e.class.is_stay() => text.push_str("→ (in)"),
        _ => {}
    }
    if let Some(disposition) = e.disposition {
        text.push_str(&format!(" · {}", disposition.code()));
    }
    if let Some(diagnosis) = e.diagnoses.first() {
        let said = if diagnosis.code.is_empty() {
            &diagnosis.display
        } else {
            &diagnosis.code
        };
        text.push_str(&format!(" · {said}"));
    }
    if row.readmission_of.is_some() {
        text.push_str(" · READMIT");
    }
    text
}

/// The patient's open clocks in one line ("contact due today · visit
/// 12-04 · 1 missed"), or `None` when nothing is open or lately missed.
/// The flag is true when something is due today or was missed.
pub fn clocks_summary(clocks: &[ClockRow], today: chrono::NaiveDate) -> Option<(String, bool)> {
    let since = today - chrono::Duration::days(LOOKING_BACK_DAYS);
    let mut parts = Vec::new();
    let mut urgent = false;
    // Clocks due the same day are said together: "med rec + contact due
    // today".
    let mut open: Vec<(chrono::NaiveDate, Vec<&str>)> = Vec::new();
    for clock in clocks {
        if let ClockState::Open { .. } = clock.state {
            match open.last_mut() {
                Some((due, kinds)) if *due == clock.due_on => kinds.push(short(clock.kind)),
                _ => open.push((clock.due_on, vec![short(clock.kind)])),
            }
        }
    }
    for (due, kinds) in open {
        if due == today {
            urgent = true;
            parts.push(format!("{} due today", kinds.join(" + ")));
        } else {
            parts.push(format!("{} {}", kinds.join(" + "), due.format("%m-%d")));
        }
    }
    let missed = clocks
        .iter()
        .filter(|c| {
            matches!(c.state, ClockState::Missed { met_late_on: None }) && c.due_on >= since
        })
        .count();
    if missed > 0 {
        urgent = true;
        parts.insert(0, format!("{missed} missed"));
    }
    (!parts.is_empty()).then(|| (parts.join(" · "), urgent))
}

/// What the record shows of transitions: the latest encounters, the open
/// clocks. Read with the record.
#[derive(Debug, Clone, Default)]
pub struct TransitionLines {
    pub encounters: Vec<EncounterRow>,
    pub clocks: Option<(String, bool)>,
}

impl TransitionLines {
    pub fn read(store: &Store, patient_id: i64) -> Result<TransitionLines, StoreError> {
        let encounters = store.encounters(patient_id, ENCOUNTERS_SHOWN)?;
        let clocks = if encounters.is_empty() {
            None
        } else {
            clocks_summary(&store.patient_clocks(patient_id)?, store.clock().today())
        };
        Ok(TransitionLines { encounters, clocks })
    }

    /// The readmission among the encounters shown, as the flag says it.
    pub fn readmission(&self) -> Option<String> {
        self.encounters
            .iter()
            .find(|row| row.readmission_of.is_some())
            .map(|row| {
                format!(
                    "⚑ READMIT: {} {} within 30 days of a discharge",
                    row.encounter.class.mark(),
                    row.encounter.started_at.format("%m-%d")
                )
            })
    }
}

impl App {
    /// `:transitions [team]`, `T`: the clocks, nearest deadline first.
    pub(crate) fn open_transitions(&mut self, team: bool) -> Result<(), StoreError> {
        let rows = self
            .store
            .transitions(&self.settings.user, team, LOOKING_BACK_DAYS)?;
        let whose = if team { "the team's" } else { "your patients'" };
        self.message = Some(Message::Info(match rows.len() {
            0 => format!(
                "No clock is open, nor was one met or missed in the last {LOOKING_BACK_DAYS} days, for {whose}"
            ),
            n => {
                let missed = rows
                    .iter()
                    .filter(|r| matches!(r.clock.state, ClockState::Missed { .. }))
                    .count();
                let open = rows
                    .iter()
                    .filter(|r| matches!(r.clock.state, ClockState::Open { .. }))
                    .count();
                let capped = team
                    && (open >= crate::store::TRANSITION_ROWS
                        || missed >= crate::store::TRANSITION_ROWS);
                let nearest = if capped {
                    format!(
                        " (the nearest {} deadlines of each state)",
                        crate::store::TRANSITION_ROWS
                    )
                } else {
                    String::new()
                };
                format!(
                    "{n} clock{} of {whose} transitions; {missed} missed{nearest}",
                    plural(n)
                )
            }
        }));
        self.layers.show(Overlay::Transitions {
            team,
            rows,
            selected: 0,
        });
        Ok(())
    }

    /// A patient on screen, from a list that is not the caseload.
    pub(super) fn open_patient(&mut self, patient_id: i64) -> Result<(), StoreError> {
        if self.bring_up(patient_id)? {
            self.focus = PaneId::Patient;
        } else {
            self.message = Some(Message::Error(
                "That patient is no longer in the database".into(),
            ));
        }
        Ok(())
    }

    /// `:complexity high|moderate`: the complexity of the latest stay of
    /// the patient on screen.
    pub(super) fn set_latest_complexity(&mut self, word: &str) -> Result<(), StoreError> {
        let Some(complexity) = Complexity::from_code(word.trim()) else {
            self.message = Some(Message::Error(
                "complexity high or complexity moderate".into(),
            ));
            return Ok(());
        };
        let Some(patient_id) = self.shown_patient_id() else {
            return Ok(());
        };
        let stay = self
            .store
            .encounters(patient_id, 20)?
            .into_iter()
            .find(|row| row.encounter.class.is_stay());
        let Some(stay) = stay else {
            self.message = Some(Message::Error(
                "The patient has no stay recorded; :encounter records one".into(),
            ));
            return Ok(());
        };
        let done = self.store.set_complexity(stay.encounter.id, complexity);
        let said = format!(
            "{} {} is now of {} complexity",
            stay.encounter.class.mark(),
            stay.encounter.started_at.format("%m-%d"),
            complexity.code()
        );
        self.after_plan_change(done.map(|()| said.as_str()))?;
        self.load_tasks()
    }

    /// `:adt`: the ADT messages waiting for a supervisor.
    pub(super) fn open_adt_queue(&mut self) -> Result<(), StoreError> {
        let waiting = self.show_adt_queue()?;
        self.message = Some(Message::Info(match waiting {
            0 => "No ADT message waits for a supervisor".into(),
            1 => "1 ADT message waits".into(),
            n => format!("{n} ADT messages wait"),
        }));
        Ok(())
    }

    /// The queue over the panes, read again; how many wait.
    pub(super) fn show_adt_queue(&mut self) -> Result<usize, StoreError> {
        let rows = self.store.adt_queue()?;
        let waiting = rows.len();
        self.layers.show(Overlay::AdtQueue { rows, selected: 0 });
        Ok(waiting)
    }

    pub(super) fn ask_void_clock(&mut self, clock_id: i64, team: bool) -> Result<(), StoreError> {
        self.ask(
            VoidClock { clock_id, team },
            format!(
                "Void this clock: why should it not run? (at least {REASON_MIN_CHARS} characters)"
            ),
            "",
        )
    }

    /// Voids the clock, then shows the view again.
    pub(crate) fn void_clock(
        &mut self,
        clock_id: i64,
        reason: &str,
        team: bool,
    ) -> Result<(), StoreError> {
        let said = match self.store.void_clock(clock_id, reason) {
            Ok(()) => Message::Info("Clock voided; its task is cancelled (audited)".into()),
            Err(StoreError::Refused(why)) => Message::Error(capitalise(&why)),
            Err(other) => return Err(other),
        };
        self.load_tasks()?;
        self.open_transitions(team)?;
        self.message = Some(said);
        Ok(())
    }

    pub(super) fn ask_dismiss_adt(&mut self, id: i64) -> Result<(), StoreError> {
        self.ask(
            DismissAdt { id },
            format!("Dismiss ADT message {id}: why? (at least {REASON_MIN_CHARS} characters)"),
            "",
        )
    }

    pub(super) fn ask_match_adt(&mut self, id: i64) -> Result<(), StoreError> {
        self.ask(
            MatchAdt { id },
            format!("Match ADT message {id} to the member ID"),
            "",
        )
    }

    /// Dismisses the message, then shows the queue again.
    pub(crate) fn dismiss_adt(&mut self, id: i64, reason: &str) -> Result<(), StoreError> {
        self.message = Some(match self.store.dismiss_adt(id, reason) {
            Ok(()) => Message::Info(format!("ADT message {id} dismissed")),
            Err(StoreError::Refused(why)) => Message::Error(capitalise(&why)),
            Err(other) => return Err(other),
        });
        self.show_adt_queue().map(|_| ())
    }

    /// Reads the message again and applies it to the member, then shows
    /// the queue again.
    pub(crate) fn match_adt(&mut self, id: i64, member_id: &str) -> Result<(), StoreError> {
        let (raw, _) = self.store.adt_message(id)?;
        let outcome = match crate::hl7::adt::parse(&raw) {
            Ok(message) => {
                let plan = crate::hl7::plan::plan(&message, &self.settings.adt);
                self.store.resolve_adt(id, member_id.trim(), &plan)
            }
            Err(problem) => Err(StoreError::Refused(format!(
                "message {id} cannot be read ({}); dismiss it with a reason",
                fit(&problem.to_string(), 60)
            ))),
        };
        self.message = Some(match outcome {
            Ok(_) => Message::Info(format!(
                "ADT message {id} applied to {}",
                fit(member_id.trim(), 20)
            )),
            Err(StoreError::Refused(why)) => Message::Error(capitalise(&why)),
            Err(other) => return Err(other),
        });
        self.reload_view()?;
        self.show_adt_queue().map(|_| ())
    }
}

fn plural(n: usize) -> &'static str {
    if n == 1 {
        ""
    } else {
        "s"
    }
}

/// The event a clock follows, as the view shows it: "IP discharge 11-20 ·
/// Synthetic General", "ED 11-22 · Synthetic General".
pub fn event_text(class: EncounterClass, on: chrono::NaiveDate, facility: &str) -> String {
    if class.is_stay() {
        format!(
            "{} discharge {} · {facility}",
            class.mark(),
            on.format("%m-%d")
        )
    } else {
        format!("{} {} · {facility}", class.mark(), on.format("%m-%d"))
    }
}
