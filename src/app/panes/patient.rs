//! The patient pane: the selected patient's record, as lines to draw.

use chrono::NaiveDate;

use crate::app::keymap::Action;
use crate::app::list::ListCursor;
use crate::app::loops::LoopLines;
use crate::app::prompts::Reconcile;
use crate::app::transitions::{encounter_line, TransitionLines};
use crate::app::App;
use crate::clock::Clock;
use crate::domain::clinical::{AllergyCriticality, Condition, ConditionStatus};
use crate::domain::instrument::Instrument;
use crate::domain::language;
use crate::domain::patient::{age_on, EnrollmentStatus};
use crate::domain::patient::{ConsentStanding, FlagKind, Patient};
use crate::domain::screening::totals_sparkline;
use crate::store::{
    Allergy, CareTeamMember, Flag, Medication, RecordItem, ScreeningResult, Store, StoreError,
};

/// One line of the record, by meaning; the UI gives each its style.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum RecordLine {
    /// The patient's name.
    Name(String),
    /// A labelled value; `alert` marks what must be seen (an interpreter need).
    Field {
        label: &'static str,
        value: String,
        alert: bool,
    },
    /// A list's heading; the lines after it belong to its section.
    Heading(Section, String),
    /// An entry of a list, and which one, when `x` can end it.
    Item(String, Option<RecordItem>),
    /// A note in the timeline (newest first).
    Note(String),
    /// An instrument's results: its trend and the latest (Enter: its
    /// history).
    Screening {
        instrument: String,
        text: String,
    },
    /// What must be seen first: a flag, a consent that does not allow
    /// sharing. Drawn as an alert, right under the name.
    Flag(String, Option<RecordItem>),
    Blank,
}

/// The lists of the record, which `a` adds to.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Section {
    /// The latest encounters (shown only when there are some).
    Encounters,
    Conditions,
    Medications,
    Allergies,
    CareTeam,
    /// The instruments the patient has been screened with (shown only when
    /// there are some).
    Screenings,
    Notes,
}

/// How many recent notes the record lists.
const NOTES_SHOWN: usize = 10;

/// The record as lines with a cursor, so `j`/`k` move a highlight over
/// what is in view (two rows redrawn) instead of scrolling the text (every
/// row redrawn), and so a later edit knows which line it is about.
#[derive(Default)]
pub struct PatientPane {
    pub record: Option<Patient>,
    pub lines: Vec<RecordLine>,
    pub cursor: ListCursor,
}

impl PatientPane {
    /// Reads the patient's record (or clears the pane for `None`).
    pub fn load(
        &mut self,
        store: &Store,
        patient_id: Option<i64>,
        today: NaiveDate,
        instruments: &[Instrument],
    ) -> Result<(), StoreError> {
        let same_patient = self.record.as_ref().map(|r| r.id) == patient_id;
        self.record = match patient_id {
            Some(id) => store.patient(id)?,
            None => None,
        };
        self.lines =
            match &self.record {
                Some(record) => {
                    let lists = RecordLists {
                        flags: store.flags(record.id)?,
                        conditions: store.conditions(record.id)?,
                        medications: store.medications(record.id)?,
                        allergies: store.allergies(record.id)?,
                        care_team: store.care_team(record.id)?,
                        transitions: TransitionLines::read(store, record.id)?,
                        loops: LoopLines::read(store, record.id)?,
                    };
                    let mut lines = record_lines(record, &lists, &store.clock());
                    let results = store.screening_results(record.id)?;
                    lines.extend(screening_lines(&results, instruments));
                    let notes = store.timeline(record.id, NOTES_SHOWN)?;
                    let outreach = store.outreach_this_month(record.id, today)?;
                    lines.push(RecordLine::Blank);
                    lines.push(RecordLine::Heading(
                        Section::Notes,
                        format!("Notes · {outreach} outreach this month · Enter lists all"),
                    ));
                    if notes.is_empty() {
                        lines.push(RecordLine::Item("none yet; n writes one".into(), None));
                    }
                    lines.extend(notes.iter().map(|n| {
                        RecordLine::Note(crate::app::notes::summary_line(n, &store.clock()))
                    }));
                    lines
                }
                None => Vec::new(),
            };
        self.cursor.set_len(self.lines.len());
        if !same_patient {
            self.cursor.select(0);
        }
        Ok(())
    }

    /// The line under the cursor.
    pub fn selected_line(&self) -> Option<&RecordLine> {
        self.lines.get(self.cursor.selected()?)
    }

    /// The list the line under the cursor belongs to, if any.
    pub fn selected_section(&self) -> Option<Section> {
        let at = self.cursor.selected()?;
        self.lines[..=at].iter().rev().find_map(|line| match line {
            RecordLine::Heading(section, _) => Some(*section),
            _ => None,
        })
    }

    pub fn set_height(&mut self, height: usize) {
        self.cursor.set_height(height);
    }

    /// Moves the cursor, passing over blank lines.
    pub fn move_cursor(&mut self, action: Action) -> bool {
        let moved = self.cursor.apply(action);
        let blank = |pane: &PatientPane| {
            pane.cursor
                .selected()
                .is_some_and(|i| pane.lines[i] == RecordLine::Blank)
        };
        if moved && blank(self) {
            let onward = match action {
                Action::MoveUp | Action::PageUp | Action::Top => Action::MoveUp,
                _ => Action::MoveDown,
            };
            if !self.cursor.apply(onward) || blank(self) {
                let back = if onward == Action::MoveUp {
                    Action::MoveDown
                } else {
                    Action::MoveUp
                };
                self.cursor.apply(back);
            }
        }
        moved
    }
}

fn field(label: &'static str, value: String) -> RecordLine {
    RecordLine::Field {
        label,
        value,
        alert: false,
    }
}

/// The lists read with the record.
#[derive(Debug, Clone, Default)]
pub struct RecordLists {
    pub flags: Vec<Flag>,
    pub conditions: Vec<Condition>,
    pub medications: Vec<Medication>,
    pub allergies: Vec<Allergy>,
    pub care_team: Vec<CareTeamMember>,
    /// The latest encounters and the open clocks.
    pub transitions: TransitionLines,
    /// The next appointments, and the referrals and authorizations open.
    pub loops: LoopLines,
}

/// The record as a coordinator reads it on a call: what must be seen first
/// (flags, a consent that does not allow sharing), who, how to reach them,
/// in which language, their coverage and standing, then conditions,
/// medications, allergies and team.
pub fn record_lines(record: &Patient, lists: &RecordLists, clock: &Clock) -> Vec<RecordLine> {
    let today = clock.today();
    let name = match &record.pronouns {
        Some(pronouns) => format!("{} {} ({pronouns})", record.given_name, record.family_name),
        None => format!("{} {}", record.given_name, record.family_name),
    };
    let mut lines = vec![RecordLine::Name(name)];
    for flag in &lists.flags {
        let what = match flag.kind {
            FlagKind::Safety => "SAFETY",
            FlagKind::DoNotCall => "DO NOT CALL",
            FlagKind::Other => "NOTE",
        };
        lines.push(RecordLine::Flag(
            format!("⚑ {what}: {}", flag.text),
            Some(RecordItem::Flag(flag.id)),
        ));
    }
    let consent = ConsentStanding::of(record.consent_status, record.consent_expires_on, today);
    if consent.is_flagged() {
        lines.push(RecordLine::Flag(
            format!(
                "⚑ CONSENT {}: do not share",
                match consent {
                    ConsentStanding::Expired { on } => format!("expired {on}"),
                    ConsentStanding::Revoked => "revoked".to_string(),
                    _ => "missing".to_string(),
                }
            ),
            None,
        ));
    }
    if let Some(readmission) = lists.transitions.readmission() {
        lines.push(RecordLine::Flag(readmission, None));
    }
    if let Some((clocks, urgent)) = &lists.transitions.clocks {
        lines.push(RecordLine::Field {
            label: "Transit.",
            value: clocks.clone(),
            alert: *urgent,
        });
    }
    if let Some((next, unarranged)) = &lists.loops.appointments {
        lines.push(RecordLine::Field {
            label: "Appts",
            value: next.clone(),
            alert: *unarranged,
        });
    }
    if let Some(open) = &lists.loops.open {
        lines.push(field("Loops", open.clone()));
    }
    lines.push(field("Member", record.member_id.clone()));
    lines.push(field(
        "Born",
        format!(
            "{} · {} y · {}",
            record.birth_date.format("%Y-%m-%d"),
            age_on(record.birth_date, today),
            record.sex.short()
        ),
    ));
    if let Some(gender) = &record.gender_identity {
        lines.push(field("Gender", gender.clone()));
    }
    let phones: Vec<&String> = [&record.phone_primary, &record.phone_secondary]
        .into_iter()
        .flatten()
        .collect();
    if phones.is_empty() {
        lines.push(field("Phone", "none on file".into()));
    }
    let preferred =
        usize::from(record.preferred_phone.max(1) - 1).min(phones.len().saturating_sub(1));
    for (i, phone) in phones.into_iter().enumerate() {
        let value = if i == preferred {
            format!("{phone} preferred")
        } else {
            phone.clone()
        };
        lines.push(field(if i == 0 { "Phone" } else { "" }, value));
    }
    if let Some(best) = &record.best_time_to_call {
        lines.push(field("Call at", best.clone()));
    }
    for (i, line) in record.address_lines().iter().enumerate() {
        lines.push(field(if i == 0 { "Address" } else { "" }, line.clone()));
    }
    let language_name = language::name(&record.language).to_string();
    lines.push(RecordLine::Field {
        label: "Language",
        value: if record.interpreter_needed {
            format!("{language_name}, interpreter")
        } else {
            language_name
        },
        alert: record.interpreter_needed,
    });
    lines.push(field(
        "Medicaid",
        record
            .medicaid_id
            .clone()
            .unwrap_or_else(|| "none on file".into()),
    ));
    if let Some(plan) = &record.plan_name {
        lines.push(field("Plan", plan.clone()));
    }
    let enrollment = match (record.enrollment_status, record.enrolled_on) {
        (EnrollmentStatus::Enrolled, Some(on)) => format!("enrolled {on}"),
        (status, Some(on)) => format!("{} (enrolled {on})", status.code()),
        (status, None) => status.code().to_string(),
    };
    lines.push(RecordLine::Field {
        label: "Status",
        value: enrollment,
        alert: record.enrollment_status == EnrollmentStatus::Disenrolled,
    });
    lines.push(RecordLine::Field {
        label: "Risk",
        value: record.risk_tier.label().to_string(),
        alert: record.risk_tier == crate::domain::patient::RiskTier::VeryHigh,
    });
    let last_contact = match record.last_contact_at {
        Some(at) => {
            let date = clock.local_date(at);
            let days = crate::domain::days_between(date, today).max(0);
            format!("{date} · {days}d ago")
        }
        None => "never".into(),
    };
    lines.push(field("Contact", last_contact));
    if let Some(coordinator) = &record.coordinator {
        lines.push(field("Coord.", coordinator.display_name.clone()));
    }
    lines.push(RecordLine::Field {
        label: "Consent",
        value: consent.describe(),
        alert: consent.is_flagged(),
    });
    lines.push(field(
        "Adv dir",
        if record.advance_directive {
            "on file"
        } else {
            "none on file"
        }
        .into(),
    ));
    if let Some(review) = record.plan_review_on {
        lines.push(RecordLine::Field {
            label: "Review",
            value: if review < today {
                format!("plan review overdue since {review}")
            } else {
                format!("plan review by {review}")
            },
            alert: review < today,
        });
    }

    if !lists.transitions.encounters.is_empty() {
        lines.push(RecordLine::Blank);
        lines.push(RecordLine::Heading(
            Section::Encounters,
            "Encounters · latest first · a adds one".into(),
        ));
        for row in &lists.transitions.encounters {
            lines.push(RecordLine::Item(encounter_line(row), None));
        }
    }
    lines.push(RecordLine::Blank);
    lines.push(RecordLine::Heading(
        Section::Conditions,
        format!("Conditions ({})", lists.conditions.len()),
    ));
    for c in &lists.conditions {
        let status = if c.clinical_status == ConditionStatus::Active {
            String::new()
        } else {
            format!(" ({})", c.clinical_status.code())
        };
        let item =
            (c.clinical_status != ConditionStatus::Resolved).then_some(RecordItem::Condition(c.id));
        lines.push(RecordLine::Item(format!("{}{status}", c.label()), item));
    }
    lines.push(RecordLine::Blank);
    let active_meds = lists.medications.iter().filter(|m| m.active).count();
    lines.push(RecordLine::Heading(
        Section::Medications,
        match record.medications_reconciled_on {
            Some(on) => format!("Medications ({active_meds}) · reconciled {on}"),
            None => format!("Medications ({active_meds}) · never reconciled"),
        },
    ));
    for m in lists.medications.iter().filter(|m| m.active) {
        let mut text = m.name.clone();
        for part in [&m.dose, &m.frequency].into_iter().flatten() {
            text.push_str(&format!(" {part}"));
        }
        if let Some(by) = &m.prescriber {
            text.push_str(&format!(" · {by}"));
        }
        lines.push(RecordLine::Item(text, Some(RecordItem::Medication(m.id))));
    }
    lines.push(RecordLine::Blank);
    lines.push(RecordLine::Heading(
        Section::Allergies,
        format!("Allergies ({})", lists.allergies.len()),
    ));
    if lists.allergies.is_empty() {
        lines.push(RecordLine::Item("none known".into(), None));
    }
    for a in &lists.allergies {
        let mut text = a.substance.clone();
        if let Some(reaction) = &a.reaction {
            text.push_str(&format!(": {reaction}"));
        }
        if a.criticality == AllergyCriticality::High {
            text.push_str(" (high risk)");
        }
        lines.push(RecordLine::Item(text, Some(RecordItem::Allergy(a.id))));
    }
    lines.push(RecordLine::Blank);
    lines.push(RecordLine::Heading(
        Section::CareTeam,
        format!("Care team ({})", lists.care_team.len()),
    ));
    for m in &lists.care_team {
        let mut text = format!("{}: {}", m.role, m.name);
        if let Some(phone) = &m.phone {
            text.push_str(&format!(" · {phone}"));
        }
        if let Some(org) = &m.organization {
            text.push_str(&format!(" · {org}"));
        }
        lines.push(RecordLine::Item(
            text,
            Some(RecordItem::CareTeamMember(m.id)),
        ));
    }
    lines
}

/// The patient's screenings, an instrument a line, the latest signed
/// first: its trend on its own scale, the latest total, band and day.
fn screening_lines(results: &[ScreeningResult], instruments: &[Instrument]) -> Vec<RecordLine> {
    if results.is_empty() {
        return Vec::new();
    }
    let mut order: Vec<&str> = Vec::new();
    for result in results.iter().rev() {
        if !order.contains(&result.instrument.as_str()) {
            order.push(&result.instrument);
        }
    }
    let mut lines = vec![
        RecordLine::Blank,
        RecordLine::Heading(Section::Screenings, "Screenings · Enter its history".into()),
    ];
    for id in order {
        let of: Vec<&ScreeningResult> = results.iter().filter(|r| r.instrument == id).collect();
        let Some(latest) = of.last() else { continue };
        let max = instruments.iter().find(|i| i.id == id).map_or_else(
            || of.iter().filter_map(|r| r.total).max().unwrap_or(1),
            Instrument::max_total,
        );
        let totals: Vec<u32> = of.iter().filter_map(|r| r.total).collect();
        let latest_text = match (latest.total, &latest.band) {
            (Some(t), Some(band)) => format!("{t} {band}"),
            (Some(t), None) => t.to_string(),
            (None, _) => "done".into(),
        };
        lines.push(RecordLine::Screening {
            instrument: id.to_string(),
            text: format!(
                "{:<8} {:<6} {latest_text} · {}",
                crate::text::fit(&latest.instrument_name, 8),
                totals_sparkline(&totals, max, 6),
                crate::domain::dates::show(latest.signed_on)
            ),
        });
    }
    lines
}

impl App {
    /// The record's own keys: moves, the timeline, the record's form and
    /// lists, the reconciliation.
    pub(super) fn patient_action(&mut self, action: Action) -> Result<(), StoreError> {
        match action {
            _ if action.is_movement() => {
                self.patient.move_cursor(action);
            }
            Action::Open => match self.patient.selected_line() {
                Some(RecordLine::Screening { instrument, .. }) => {
                    let instrument = instrument.clone();
                    if let Some(id) = self.shown_patient {
                        self.show_screening_chart(id, &instrument)?;
                    }
                }
                _ => self.open_timeline()?,
            },
            Action::EditRecord => self.open_record_form()?,
            Action::AddToRecord => self.open_add_to_record(),
            Action::EndRecordItem => self.ask_end_record_item()?,
            Action::ReconcileMedications => {
                if let Some(record) = self.shown_record() {
                    self.ask(
                        Reconcile {
                            patient_id: record.id,
                            version: record.version,
                        },
                        format!(
                            "Medications of {} {} reviewed with the patient today? ({} confirms, {} cancels)",
                            record.given_name,
                            record.family_name,
                            self.key("line_submit"),
                            self.key("line_cancel")
                        ),
                        "",
                    )?;
                }
            }
            // The keymap gives the record no other action.
            _ => {}
        }
        Ok(())
    }
}
