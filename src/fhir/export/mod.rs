//! `tend export fhir`: what tend holds about patients as one FHIR R4 Bundle
//! (type `collection`), written as it is read, a patient at a time, so a
//! whole program's export never sits in memory.
//!
//! Entries come in a fixed order (practitioners, then each patient with
//! their resources, every list in row order) and every id comes from a row
//! id, so exporting the same database twice writes the same bytes, and
//! references are relative (`Patient/p-12`), resolved against each entry's
//! `fullUrl` (`https://tend.example/fhir/Patient/p-12`). Text that would
//! drive a terminal (a C1 control, a bidi override) is written as a `\u`
//! escape ([`crate::safe_json`]): the same data, safe to `cat`.

pub mod audit;
mod encounter;
mod json;
mod loops;
mod notes;
mod plan;
mod record;
mod screenings;

use std::cell::RefCell;
use std::collections::{BTreeMap, HashSet};
use std::io::Write;

use serde::ser::{Error as _, SerializeSeq};
use serde::{Serialize, Serializer};
use serde_json::Value;

use crate::domain::patient::ConsentStanding;
use crate::fhir::codes::BASE;
use crate::fhir::ids::Kind;
use crate::store::fhir::{DamagedRow, PatientData};
use crate::store::{AuditAction, Store, StoreError};

/// Which patients to export.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Scope<'a> {
    /// Every patient and every practitioner.
    All,
    /// One patient, by member ID, with the practitioners their records name.
    Member(&'a str),
}

/// Whose records leave tend, as far as consent to share goes.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Consent<'a> {
    /// Not asked: every patient in the scope (the library's own export,
    /// for round trips and tests; the command line never exports so).
    NotChecked,
    /// Only patients whose consent to share is on file and in force; the
    /// others are left out (counted in the report), and one asked for by
    /// member ID is refused.
    Required,
    /// Everyone in the scope, for the reason the user stated, which the
    /// audit trail records with the export.
    Overridden(&'a str),
}

/// What an export wrote.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct ExportReport {
    pub patients: usize,
    /// Patients left out for want of consent to share (with
    /// [`Consent::Required`]), and how each one's stands.
    pub without_consent: Vec<ConsentStanding>,
    /// Resources written, by type.
    pub resources: BTreeMap<String, usize>,
    /// Records left out (with `skip_damaged`): damaged ones, and those that
    /// cannot go without one of them.
    pub skipped: Vec<DamagedRecord>,
}

/// A record an export could not write, named by its resource and its
/// patient's member ID, never by what it holds.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DamagedRecord {
    /// `Communication/com-12`.
    pub resource: String,
    pub member_id: Option<String>,
    /// What is wrong with it, or which damaged record it goes with.
    pub why: String,
}

impl std::fmt::Display for DamagedRecord {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{}", self.resource)?;
        if let Some(member) = &self.member_id {
            write!(f, " (patient {member})")?;
        }
        write!(f, ": {}", self.why)
    }
}

impl DamagedRecord {
    fn of(row: &DamagedRow) -> DamagedRecord {
        let resource = match kind_of(row.table) {
            Some(kind) => kind.reference(row.id),
            None => format!("{} row {}", row.table, row.id),
        };
        let mut why = row.damage.says().to_string();
        if row.table == "patient" {
            why.push_str("; every resource about the patient goes with it");
        }
        DamagedRecord {
            resource,
            member_id: row.member_id.clone(),
            why,
        }
    }
}

/// The kind of resource a table's rows become.
fn kind_of(table: &str) -> Option<Kind> {
    Some(match table {
        "practitioner" => Kind::Practitioner,
        "patient" => Kind::Patient,
        "condition" => Kind::Condition,
        "need" => Kind::Need,
        "medication" => Kind::Medication,
        "allergy" => Kind::Allergy,
        "patient_flag" => Kind::Flag,
        "care_team_member" => Kind::CareTeamMember,
        "goal" => Kind::Goal,
        "goal_progress" => Kind::Progress,
        "task" => Kind::Task,
        "communication" => Kind::Note,
        "encounter" => Kind::Encounter,
        "referral" => Kind::Referral,
        "appointment" => Kind::Appointment,
        "prior_auth" => Kind::Authorization,
        "screening" => Kind::Screening,
        _ => return None,
    })
}

impl ExportReport {
    pub fn total(&self) -> usize {
        self.resources.values().sum()
    }
}

#[derive(Debug, thiserror::Error)]
pub enum ExportError {
    #[error("no patient has that member ID")]
    NoSuchMember,
    /// The one patient asked for has no consent to share in force.
    #[error("the patient's consent to share is {}: nothing was exported; give --reason \"…\" to export anyway (the reason goes into the audit trail)", .0.describe().to_lowercase())]
    NoConsent(ConsentStanding),
    /// A record that cannot be read (its text damaged on the disk, say);
    /// the export stopped there.
    #[error("cannot export {0}; the export stopped there: `tend check` names every damaged record, and --skip-damaged exports the rest, leaving such records out")]
    Damaged(DamagedRecord),
    #[error(transparent)]
    Store(StoreError),
    #[error("cannot write the bundle: {0}")]
    Write(std::io::Error),
}

impl From<StoreError> for ExportError {
    fn from(error: StoreError) -> ExportError {
        match error {
            StoreError::Damaged(row) => ExportError::Damaged(DamagedRecord::of(&row)),
            other => ExportError::Store(other),
        }
    }
}

/// Writes the bundle to `out`, after the audit row that records the export
/// (health information leaves tend: the trail says so even if writing then
/// fails half-way). A record that cannot be read stops it, named.
pub fn export(
    store: &mut Store,
    scope: Scope<'_>,
    out: impl Write,
) -> Result<ExportReport, ExportError> {
    export_with(store, scope, out, false)
}

/// Like [`export`]; with `skip_damaged`, a record that cannot be read is
/// left out instead (named in the report's `skipped`), with the records
/// that cannot go without it: a goal's progress entries and the
/// interventions that serve it, a note's addenda. References to it from
/// others are left out of them (a task's owner, a goal's need).
pub fn export_with(
    store: &mut Store,
    scope: Scope<'_>,
    out: impl Write,
    skip_damaged: bool,
) -> Result<ExportReport, ExportError> {
    let shipped = crate::instruments::load(None);
    export_shared(
        store,
        scope,
        out,
        skip_damaged,
        Consent::NotChecked,
        &shipped,
    )
}

/// Like [`export_with`], with consent to share enforced as `consent` says
/// (as of the store's today), and screenings coded by `instruments` (the
/// ones tend reads; [`export_with`] uses the shipped ones): what the
/// command line runs.
pub fn export_shared(
    store: &mut Store,
    scope: Scope<'_>,
    out: impl Write,
    skip_damaged: bool,
    consent: Consent<'_>,
    instruments: &crate::instruments::Loaded,
) -> Result<ExportReport, ExportError> {
    let patient = match scope {
        Scope::All => None,
        Scope::Member(member_id) => Some(
            store
                .patient_id_by_member(member_id)?
                .ok_or(ExportError::NoSuchMember)?,
        ),
    };
    let today = store.clock().today();
    // One patient's standing is read for that patient alone.
    let without: Vec<(i64, ConsentStanding)> = match (consent, patient) {
        (Consent::NotChecked, _) => Vec::new(),
        (_, Some(id)) => store
            .consent_lacking(id, today)?
            .map(|standing| (id, standing))
            .into_iter()
            .collect(),
        (_, None) => store.without_consent(today)?,
    };
    let what = match patient {
        Some(_) => "exported the patient as FHIR R4",
        None => "exported every patient as FHIR R4",
    };
    match (consent, patient, without.first()) {
        (Consent::Required, Some(_), Some((_, standing))) => {
            return Err(ExportError::NoConsent(*standing))
        }
        (Consent::Overridden(reason), _, Some(_)) => {
            store.record_sharing_without_consent(what, patient, without.len(), reason)?
        }
        _ => {}
    }
    store.write(|tx| tx.audit(AuditAction::Execute, "Bundle", None, patient, Some(what)))?;
    let left_out: HashSet<i64> = match consent {
        Consent::Required => without.iter().map(|(id, _)| *id).collect(),
        _ => HashSet::new(),
    };
    let timestamp = json::instant(store.clock().now_utc());
    let mut report = store.read_snapshot(|store| {
        write_bundle(
            store,
            patient,
            &left_out,
            timestamp,
            out,
            skip_damaged,
            instruments,
        )
    })?;
    if consent == Consent::Required {
        report.without_consent = without.into_iter().map(|(_, s)| s).collect();
    }
    Ok(report)
}

fn write_bundle(
    store: &Store,
    patient: Option<i64>,
    left_out: &HashSet<i64>,
    timestamp: Value,
    out: impl Write,
    skip_damaged: bool,
    instruments: &crate::instruments::Loaded,
) -> Result<ExportReport, ExportError> {
    let (patients, practitioners) = match patient {
        None => (
            store
                .fhir_patient_ids()?
                .into_iter()
                .filter(|id| !left_out.contains(id))
                .collect(),
            None,
        ),
        Some(id) => {
            let data = if skip_damaged {
                store.fhir_patient_skipping(id, &mut Vec::new())?
            } else {
                store.fhir_patient(id)?
            };
            // A patient whose own record is damaged is left out: with it,
            // everything (the export is of nobody).
            let ids = data.map(|d| d.practitioner_ids()).unwrap_or_default();
            (vec![id], Some(ids))
        }
    };
    let entries = Entries {
        store,
        patients: &patients,
        practitioners: practitioners.as_deref(),
        report: RefCell::new(ExportReport::default()),
        failure: RefCell::new(None),
        skip_damaged,
        skipped_practitioners: RefCell::new(HashSet::new()),
        instruments,
    };
    let bundle = BundleOut {
        resource_type: "Bundle",
        kind: "collection",
        timestamp,
        entry: &entries,
    };
    let mut out = std::io::BufWriter::new(out);
    let written = crate::safe_json::to_writer_pretty(&mut out, &bundle)
        .map_err(|e| match entries.failure.take() {
            Some(store_error) => ExportError::from(store_error),
            None => ExportError::Write(e.into()),
        })
        .and_then(|()| {
            out.write_all(b"\n")
                .and_then(|()| out.flush())
                .map_err(ExportError::Write)
        });
    written?;
    Ok(entries.report.into_inner())
}

#[derive(Serialize)]
struct BundleOut<'a> {
    #[serde(rename = "resourceType")]
    resource_type: &'static str,
    #[serde(rename = "type")]
    kind: &'static str,
    timestamp: Value,
    entry: &'a Entries<'a>,
}

/// The bundle's entries, read from the store while they are written.
struct Entries<'a> {
    store: &'a Store,
    patients: &'a [i64],
    /// Only these practitioners (for one patient's export); None for all.
    practitioners: Option<&'a [i64]>,
    report: RefCell<ExportReport>,
    /// A store error met while writing, which serde can only carry as text.
    failure: RefCell<Option<StoreError>>,
    /// Whether damaged records are left out rather than stopping the export.
    skip_damaged: bool,
    /// The practitioners left out, damaged: references to them are too.
    skipped_practitioners: RefCell<HashSet<i64>>,
    instruments: &'a crate::instruments::Loaded,
}

impl Entries<'_> {
    fn fail<E: serde::ser::Error>(&self, error: StoreError) -> E {
        *self.failure.borrow_mut() = Some(error);
        E::custom("the database could not be read")
    }

    fn entry(&self, resource: Value) -> Value {
        let resource = json::prune(resource);
        let kind = resource["resourceType"].as_str().unwrap_or_default();
        let full_url = format!(
            "{BASE}/{kind}/{}",
            resource["id"].as_str().unwrap_or_default()
        );
        *self
            .report
            .borrow_mut()
            .resources
            .entry(kind.to_string())
            .or_default() += 1;
        serde_json::json!({ "fullUrl": full_url, "resource": resource })
    }
}

impl Serialize for Entries<'_> {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        let mut seq = serializer.serialize_seq(None)?;
        let mut damaged = Vec::new();
        let practitioners = if self.skip_damaged {
            self.store
                .fhir_practitioners_skipping(self.practitioners, &mut damaged)
        } else {
            self.store.fhir_practitioners(self.practitioners)
        }
        .map_err(|e| self.fail(e))?;
        for row in damaged.drain(..) {
            self.skipped_practitioners.borrow_mut().insert(row.id);
            self.report
                .borrow_mut()
                .skipped
                .push(DamagedRecord::of(&row));
        }
        for p in &practitioners {
            seq.serialize_element(&self.entry(record::practitioner(p)))?;
        }
        for &id in self.patients {
            let data = if self.skip_damaged {
                self.store.fhir_patient_skipping(id, &mut damaged)
            } else {
                self.store.fhir_patient(id)
            }
            .map_err(|e| self.fail(e))?;
            let mut left_out: Vec<DamagedRecord> = damaged.iter().map(DamagedRecord::of).collect();
            let data = match data {
                Some(mut data) => {
                    left_out.extend(prune(
                        &mut data,
                        &damaged,
                        &self.skipped_practitioners.borrow(),
                    ));
                    Some(data)
                }
                None if damaged.iter().any(|row| row.table == "patient") => None,
                None => {
                    return Err(S::Error::custom("a patient vanished during the export"));
                }
            };
            damaged.clear();
            self.report.borrow_mut().skipped.extend(left_out);
            let Some(data) = data else { continue };
            let offset = *self.store.clock().now().offset();
            for resource in patient_resources(&data, offset, self.instruments) {
                seq.serialize_element(&self.entry(resource))?;
            }
            self.report.borrow_mut().patients += 1;
        }
        seq.end()
    }
}

/// Takes out of a patient's rows those that cannot go without a record
/// that was left out (`gone`, this patient's damaged rows, and the damaged
/// practitioners), and the references to such records from the rows that
/// can; returns the rows taken out, named.
fn prune(
    data: &mut PatientData,
    gone: &[DamagedRow],
    practitioners: &HashSet<i64>,
) -> Vec<DamagedRecord> {
    let gone_ids = |table: &str| -> HashSet<i64> {
        gone.iter()
            .filter(|r| r.table == table)
            .map(|r| r.id)
            .collect()
    };
    let member = Some(data.patient.member_id.clone());
    let with = |resource: String, other: String| DamagedRecord {
        resource,
        member_id: member.clone(),
        why: format!("left out with {other}, which is damaged"),
    };
    let mut left = Vec::new();
    let goals = gone_ids("goal");
    let needs = gone_ids("need");
    let mut tasks = gone_ids("task");
    let mut notes = gone_ids("communication");
    // A progress entry is about its goal; an intervention serves its goal
    // (and says so in its intent): neither goes without it.
    data.progress.retain(|e| {
        let keep = !goals.contains(&e.goal_id);
        if !keep {
            left.push(with(
                Kind::Progress.reference(e.id),
                Kind::Goal.reference(e.goal_id),
            ));
        }
        keep
    });
    data.tasks.retain(|t| match t.goal_id {
        Some(goal) if goals.contains(&goal) => {
            left.push(with(Kind::Task.reference(t.id), Kind::Goal.reference(goal)));
            tasks.insert(t.id);
            false
        }
        _ => true,
    });
    // An addendum corrects its note: it does not go alone (nor does an
    // addendum to an addendum left out).
    loop {
        let before = data.notes.len();
        data.notes.retain(|n| match n.part_of {
            Some(note) if notes.contains(&note) => {
                left.push(with(Kind::Note.reference(n.id), Kind::Note.reference(note)));
                false
            }
            _ => true,
        });
        if data.notes.len() == before {
            break;
        }
        notes.extend(left.iter().filter_map(|r| {
            r.resource
                .strip_prefix("Communication/com-")
                .and_then(|id| id.parse::<i64>().ok())
        }));
    }
    let drop_practitioner = |id: &mut Option<i64>| {
        if id.is_some_and(|id| practitioners.contains(&id)) {
            *id = None;
        }
    };
    if data
        .patient
        .coordinator
        .as_ref()
        .is_some_and(|c| practitioners.contains(&c.id))
    {
        data.patient.coordinator = None;
    }
    for goal in &mut data.goals {
        if goal.need_id.is_some_and(|need| needs.contains(&need)) {
            goal.need_id = None;
        }
    }
    for entry in &mut data.progress {
        drop_practitioner(&mut entry.author_id);
    }
    for task in &mut data.tasks {
        drop_practitioner(&mut task.owner_id);
        if task.previous_id.is_some_and(|t| tasks.contains(&t)) {
            task.previous_id = None;
        }
    }
    for note in &mut data.notes {
        drop_practitioner(&mut note.author_id);
    }
    // An encounter goes without the stay it readmits to; a clock's task
    // without its clock's encounter is a task like any other.
    let encounters = gone_ids("encounter");
    for e in &mut data.encounters {
        if e.readmission_of.is_some_and(|id| encounters.contains(&id)) {
            e.readmission_of = None;
        }
    }
    data.clock_tasks
        .retain(|c| !encounters.contains(&c.encounter_id) && !tasks.contains(&c.task_id));
    loops::prune(&mut data.loops, gone, &tasks, practitioners);
    left.extend(screenings::prune(
        &mut data.screenings,
        gone,
        practitioners,
        &with,
    ));
    left
}

/// One patient's resources, in the bundle's order.
fn patient_resources(
    data: &PatientData,
    offset: chrono::FixedOffset,
    instruments: &crate::instruments::Loaded,
) -> Vec<Value> {
    let mut resources = vec![record::patient(&data.patient)];
    resources.extend(data.conditions.iter().map(record::condition));
    resources.extend(data.needs.iter().map(plan::need));
    resources.extend(data.medications.iter().map(record::medication));
    resources.extend(data.allergies.iter().map(record::allergy));
    resources.extend(data.flags.iter().map(record::flag));
    resources.extend(record::care_team(data.patient.id, &data.care_team));
    resources.extend(data.goals.iter().map(plan::goal));
    resources.extend(
        data.progress
            .iter()
            .map(|e| plan::progress(data.patient.id, e)),
    );
    resources.push(plan::care_plan(data));
    resources.extend(data.tasks.iter().map(|t| {
        let clock = data.clock_tasks.iter().find(|c| c.task_id == t.id);
        plan::task(t, clock, data.loops.step_of(t.id))
    }));
    resources.extend(data.notes.iter().map(notes::communication));
    resources.extend(
        data.encounters
            .iter()
            .map(|e| encounter::encounter(e, offset)),
    );
    let loops = &data.loops;
    resources.extend(loops.referrals.iter().map(loops::service_request));
    resources.extend(
        loops
            .appointments
            .iter()
            .map(|a| loops::appointment(a, offset)),
    );
    for z in &loops.authorizations {
        resources.push(loops::claim(z));
        resources.extend(loops::claim_response(z));
    }
    resources.extend(screenings::resources(&data.screenings, instruments));
    resources
}
