//! The rows of a patient's bundle other than the patient, its conditions
//! and its goals (which are the domain's `Patient`, `Condition` and `Goal`), and what a row that
//! cannot be read is called.

use chrono::{DateTime, NaiveDate, Utc};

use crate::domain::care_plan::NeedDomain;
use crate::domain::clinical::{AllergyCriticality, Condition};
use crate::domain::encounter::Encounter;
use crate::domain::goal::Goal;
use crate::domain::note::{Direction, Method, Outcome, Party};
use crate::domain::patient::{FlagKind, Patient};
use crate::domain::task::{Priority, TaskKind, TaskStatus};
use crate::domain::transitions::ClockKind;

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct NeedRow {
    pub id: i64,
    pub patient_id: i64,
    pub domain: NeedDomain,
    pub description: String,
    pub resolved: bool,
    pub created_at: DateTime<Utc>,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct MedicationRow {
    pub id: i64,
    pub patient_id: i64,
    pub name: String,
    pub dose: Option<String>,
    pub frequency: Option<String>,
    pub prescriber: Option<String>,
    pub active: bool,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct AllergyRow {
    pub id: i64,
    pub patient_id: i64,
    pub substance: String,
    pub reaction: Option<String>,
    pub criticality: AllergyCriticality,
}

/// A flag, shown or taken down.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FlagRow {
    pub id: i64,
    pub patient_id: i64,
    pub kind: FlagKind,
    pub text: String,
    pub active: bool,
    pub created_at: DateTime<Utc>,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CareTeamRow {
    pub id: i64,
    pub patient_id: i64,
    pub role: String,
    pub name: String,
    pub organization: Option<String>,
    pub phone: Option<String>,
}

#[derive(Debug, Clone, PartialEq)]
pub struct ProgressRow {
    pub id: i64,
    pub goal_id: i64,
    pub recorded_on: NaiveDate,
    pub note: String,
    pub value: Option<f64>,
    pub author_id: Option<i64>,
}

/// Every column of `task` but its edit bookkeeping.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TaskRow {
    pub id: i64,
    pub patient_id: i64,
    pub owner_id: Option<i64>,
    pub kind: TaskKind,
    pub description: String,
    pub status: TaskStatus,
    pub priority: Priority,
    pub due_on: Option<NaiveDate>,
    pub hard_deadline: bool,
    pub authored_at: DateTime<Utc>,
    pub completed_at: Option<DateTime<Utc>>,
    pub outcome: Option<String>,
    /// A repeat rule: "14d", "2w", "1m".
    pub recurrence: Option<String>,
    /// The occurrence this one repeats.
    pub previous_id: Option<i64>,
    /// The goal this task serves, when it is an intervention.
    pub goal_id: Option<i64>,
}

/// A signed note (drafts are never exported).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct NoteRow {
    pub id: i64,
    pub patient_id: i64,
    pub author_id: Option<i64>,
    pub sent_at: DateTime<Utc>,
    pub method: Method,
    pub direction: Direction,
    pub party: Party,
    pub outcome: Outcome,
    pub duration_minutes: Option<i64>,
    pub body: String,
    pub signed_at: Option<DateTime<Utc>>,
    /// The note an addendum corrects.
    pub part_of: Option<i64>,
}

/// An encounter with what the domain's `Encounter` leaves out: the feed's
/// own disposition code and key, and the stay it readmits to.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct EncounterData {
    pub encounter: Encounter,
    /// The disposition as the feed sent it (HL7 table 0112).
    pub disposition_code: Option<String>,
    /// The feed's sending application and facility.
    pub source_system: Option<String>,
    /// Its visit number.
    pub source_visit: Option<String>,
    /// Worked out again from the encounters on import, never read back.
    pub readmission_of: Option<i64>,
    /// The day tend learned of the admission (its notification clock's
    /// met date), so an import meets that clock as it was met.
    pub notified_on: Option<chrono::NaiveDate>,
}

/// A task that is the work of a live transition clock: the clock's kind and
/// encounter. The clock itself is not exported; on import the clocks are
/// worked out again and each takes back its task.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct ClockTask {
    pub task_id: i64,
    pub encounter_id: i64,
    pub kind: ClockKind,
}

/// Everything tend holds about one patient, each list in row order.
#[derive(Debug, Clone, PartialEq)]
pub struct PatientData {
    pub patient: Patient,
    pub conditions: Vec<Condition>,
    pub needs: Vec<NeedRow>,
    pub medications: Vec<MedicationRow>,
    pub allergies: Vec<AllergyRow>,
    pub flags: Vec<FlagRow>,
    pub care_team: Vec<CareTeamRow>,
    pub goals: Vec<Goal>,
    pub progress: Vec<ProgressRow>,
    pub tasks: Vec<TaskRow>,
    pub notes: Vec<NoteRow>,
    /// Written by [`crate::store::Tx::load_encounters`], not by
    /// `insert_patient_data`: their clocks need every row in place first.
    pub encounters: Vec<EncounterData>,
    pub clock_tasks: Vec<ClockTask>,
    /// Referrals, appointments and prior authorizations.
    pub loops: super::LoopRows,
    /// Signed screenings, written by [`crate::store::Tx::load_screenings`].
    pub screenings: Vec<super::ScreeningRow>,
}

impl PatientData {
    /// The practitioners its rows name: coordinator, task owners, note,
    /// progress and loop authors, screenings' signers.
    pub fn practitioner_ids(&self) -> Vec<i64> {
        let mut ids: Vec<i64> = self
            .patient
            .coordinator_id()
            .into_iter()
            .chain(self.tasks.iter().filter_map(|t| t.owner_id))
            .chain(self.notes.iter().filter_map(|n| n.author_id))
            .chain(self.progress.iter().filter_map(|p| p.author_id))
            .chain(self.loops.author_ids())
            .chain(self.screenings.iter().map(|s| s.signed_by))
            .collect();
        ids.sort_unstable();
        ids.dedup();
        ids
    }
}

/// A row an export could not read: damaged on the disk (text that is not
/// UTF-8), or holding a value tend never writes there. Named by table, row
/// id and the member ID of its patient, never by what it holds.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DamagedRow {
    pub table: &'static str,
    pub id: i64,
    pub member_id: Option<String>,
    pub damage: Damage,
}

/// What is wrong with a [`DamagedRow`].
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Damage {
    /// Stored text whose bytes are not UTF-8.
    Text,
    /// A value that is not what tend writes there (not a date, not one of
    /// its codes).
    Value,
}

impl Damage {
    pub fn says(self) -> &'static str {
        match self {
            Damage::Text => "its text is damaged (bytes that are not UTF-8)",
            Damage::Value => "it holds a value that is not what tend writes there",
        }
    }
}

impl std::fmt::Display for DamagedRow {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{} row {}", self.table, self.id)?;
        if let Some(member) = &self.member_id {
            write!(f, " (patient {member})")?;
        }
        write!(f, " cannot be read: {}", self.damage.says())
    }
}
