//! `tend import fhir PATH --member-id SYSTEM`: FHIR R4 from the systems
//! around tend (an EHR's or an HIE's US Core bundles, a payer's bulk
//! export), where `import` reads back what tend wrote.
//!
//! Up to five passes over the input, in one transaction:
//! 1. what others refer to ([`known`]): each patient's Coverage (its plan,
//!    Medicaid ID and subscriber ID), the names of Practitioners,
//!    Organizations, RelatedPersons and Medications, and the encounter
//!    diagnoses;
//! 2. every Patient becomes a member, created or updated by its link to
//!    where it came from, else by member ID (the identifier from `SYSTEM`;
//!    a patient without one is never matched by name: it is a problem,
//!    with its file and entry or line);
//! 3. every other resource is counted by type; those tend holds
//!    (Condition, MedicationRequest and MedicationStatement,
//!    AllergyIntolerance, CareTeam, Goal, Encounter) are read into the
//!    record of the patient they name ([`map`], [`plan`]), each row linked
//!    to its source (`store::import_source`), so a second import of the
//!    same data changes nothing and a later one updates what it sent
//!    before, unless someone changed the row in tend since: then tend's is
//!    kept, and said; an encounter's clocks follow the rules;
//! 4. every CarePlan ([`care_plan`]): the goals it contains, and its
//!    activities as tasks tied to the goals they serve, once every Goal of
//!    the input is in;
//! 5. the Observations of the kinds goals track ([`measures`]), as progress
//!    on the goals that track them, once every goal of the input is in.
//!
//! The last two passes are made only when the first saw what they read,
//! and each later pass opens only the files that hold what it wants
//! ([`passes`]).
//!
//! With problems, nothing is written; with `partial`, the patients with
//! problems (and what refers to them) are left out, listed, and the rest
//! is written. One transaction either way: a fault half-way (a full disk)
//! leaves nothing, and the same import run again after it does it all,
//! since an import is idempotent.

mod care_plan;
mod input;
mod known;
mod map;
mod measures;
mod passes;
mod plan;
mod report;
mod stream;

use std::collections::{HashMap, HashSet};
use std::path::Path;

use serde_json::Value;

use super::read::Node;
use super::version::resource_release;
use crate::store::{AuditAction, SourceKey, Store, StoreError, Taken, Tx};
use crate::text::clean;
use map::Mapped;
pub use report::{Counts, ExternalReport};

/// What the import is told.
#[derive(Debug, Clone)]
pub struct Options {
    /// The identifier system whose value is tend's member ID.
    pub member_system: String,
    /// Leave out the patients with problems, and import the rest.
    pub partial: bool,
}

/// Why nothing was imported: every problem, each with its place.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("{}; nothing was imported", problems.join("; "))]
pub struct Refused {
    /// The first problems, each with its place.
    pub problems: Vec<String>,
    /// How many there were in all.
    pub count: usize,
}

/// The most problems listed; past them, a count.
const PROBLEMS_LISTED: usize = 50;

/// Imports what `path` holds (a file, or a folder of them).
pub fn import(
    store: &mut Store,
    path: &Path,
    options: &Options,
    progress: &mut dyn FnMut(u64, u64),
) -> Result<ExternalReport, Refused> {
    let refused = |problem: String| Refused {
        problems: vec![clean(&problem).into_owned()],
        count: 1,
    };
    store
        .require(crate::domain::role::Right::Import)
        .map_err(|e| refused(e.to_string()))?;
    let files = input::files(path).map_err(refused)?;
    let mut run = Run {
        rules: store.clock_rules(),
        people: plan::People::new(),
        medications: HashMap::new(),
        diagnoses: HashMap::new(),
        diagnoses_of: HashMap::new(),
        today: store.clock().today(),
        coverages: HashMap::new(),
        options,
        report: ExternalReport::default(),
        patients: HashMap::new(),
        goals: HashMap::new(),
        left_out: HashSet::new(),
        problems: Vec::new(),
        problem_count: 0,
    };
    let written = store.write(|tx| {
        tx.bulk_load(|tx| {
            run.read(tx, &files, progress)
                .map_err(StoreError::Refused)?;
            if !run.problems.is_empty() && !options.partial {
                // Rolls the transaction back; the problems are the run's
                // (an empty reason tells this refusal from the store's).
                return Err(StoreError::Refused(String::new()));
            }
            let detail = format!(
                "FHIR import from other systems: {} members created, {} updated",
                run.report.members.created, run.report.members.updated
            );
            tx.audit(AuditAction::Execute, "Patient", None, None, Some(&detail))?;
            Ok(())
        })
    });
    match written {
        Ok(()) => {
            run.report.left_out = run.problems;
            run.report.left_out_count = run.problem_count;
            Ok(run.report)
        }
        Err(StoreError::Refused(why)) if why.is_empty() => Err(Refused {
            problems: run.problems,
            count: run.problem_count,
        }),
        Err(e) => Err(refused(e.to_string())),
    }
}

/// One import's state across its passes.
struct Run<'o> {
    rules: crate::store::fhir::ClockRules,
    /// The names and phones of the input's Practitioners, Organizations
    /// and RelatedPersons, for the care teams that name them.
    people: plan::People,
    /// The names of the input's Medications, by reference.
    medications: HashMap<String, String>,
    /// The input's encounter diagnoses (ICD-10-CM), by reference; and the
    /// ones that name their encounter, by the encounter's reference.
    diagnoses: HashMap<String, crate::domain::encounter::Diagnosis>,
    diagnoses_of: HashMap<String, Vec<String>>,
    today: chrono::NaiveDate,
    /// What each patient's Coverage gives their record, by the patient's
    /// reference.
    coverages: HashMap<String, map::Covered>,
    options: &'o Options,
    report: ExternalReport,
    /// Every way the input refers to a patient written, to its id.
    patients: HashMap<String, i64>,
    /// Every way the input refers to a Goal taken, to its id: for the
    /// CarePlans that name them.
    goals: HashMap<String, i64>,
    /// The references of the patients left out for a problem.
    left_out: HashSet<String>,
    problems: Vec<String>,
    problem_count: usize,
}

impl Run<'_> {
    /// The import refused when `item` is of another FHIR version.
    pub(super) fn r4_only(item: &input::Item, kind: &str) -> Result<(), String> {
        match resource_release(&item.resource, kind) {
            Some(release) => Err(format!(
                "{}: it is {release}, and tend reads FHIR R4 only",
                item.place
            )),
            None => Ok(()),
        }
    }

    pub(super) fn problem(&mut self, place: &input::Place, what: &str) {
        self.problem_count += 1;
        if self.problems.len() < PROBLEMS_LISTED {
            self.problems
                .push(clean(&format!("{place}: {what}")).into_owned());
        }
    }

    fn patient(&mut self, tx: &mut Tx<'_>, item: input::Item) -> Result<(), String> {
        let refs = patient_refs(&item);
        Self::r4_only(&item, "Patient")?;
        let node = Node::root(&item.resource);
        let covered = refs.iter().find_map(|r| self.coverages.get(r));
        let row = match map::member(&node, &self.options.member_system, covered) {
            Ok(row) => row,
            Err(problem) => {
                self.problem(&item.place, &problem.0);
                self.left_out.extend(refs);
                return Ok(());
            }
        };
        let key = self.key(&item, "Patient", &row.member_id);
        let (id, taken) = tx.take_member(&key, &row).map_err(|e| e.to_string())?;
        self.report.members.add(taken);
        if taken == Taken::KeptTends {
            self.kept_at(&item.place);
        }
        for r in refs {
            self.patients.insert(r, id);
        }
        Ok(())
    }

    fn other(&mut self, tx: &mut Tx<'_>, item: input::Item) -> Result<(), String> {
        let kind = item
            .resource
            .get("resourceType")
            .and_then(Value::as_str)
            .unwrap_or_default()
            .to_string();
        Self::r4_only(&item, &kind)?;
        let node = Node::root(&item.resource);
        let subject = if kind == "AllergyIntolerance" {
            "patient"
        } else {
            "subject"
        };
        if !matches!(
            kind.as_str(),
            "Condition"
                | "MedicationRequest"
                | "MedicationStatement"
                | "AllergyIntolerance"
                | "CareTeam"
                | "Goal"
                | "Encounter"
        ) {
            *self
                .report
                .skipped
                .entry(clean(&kind).into_owned())
                .or_default() += 1;
            return Ok(());
        }
        let Some((patient, patient_id)) = self.patient_of(&item.place, &node, subject) else {
            return Ok(());
        };
        let mapped = match kind.as_str() {
            "Condition" => map::condition(&node),
            "MedicationRequest" | "MedicationStatement" => {
                map::medication(&node, &kind, &self.medications, self.today)
            }
            "AllergyIntolerance" => map::allergy(&node),
            "Goal" => plan::goal(&node),
            "Encounter" => plan::encounter(&node, &self.stay_diagnoses(&item)),
            _ => {
                return self.care_team(tx, &item, &node, &patient, patient_id);
            }
        };
        let Some(row) = self.settle(&item.place, &kind, mapped.map(Mapped::into_result)) else {
            return Ok(());
        };
        let key = self.key(&item, &kind, &patient);
        let id = self.take(tx, &item.place, &kind, &key, patient_id, &row)?;
        if kind == "Goal" {
            // For the care plans that name it, read in a later pass.
            for reference in item_refs(&item, "Goal") {
                self.goals.insert(reference, id);
            }
        }
        Ok(())
    }

    /// The patient a resource's `field` refers to: its key and id; None
    /// (a problem said) when it names none of the input's patients, or
    /// (nothing said) one left out for a problem of its own.
    pub(super) fn patient_of(
        &mut self,
        place: &input::Place,
        node: &Node<'_>,
        field: &str,
    ) -> Option<(String, i64)> {
        let reference = node.field(field).field("reference");
        let Ok(Some(patient)) = reference.opt_str().map(|r| r.map(reference_key)) else {
            self.problem(place, &format!("{} is missing", reference.path()));
            return None;
        };
        if self.left_out.contains(&patient) {
            return None;
        }
        let Some(&id) = self.patients.get(&patient) else {
            self.problem(
                place,
                &format!("{} names no Patient of the input", reference.path()),
            );
            return None;
        };
        Some((patient, id))
    }

    pub(super) fn passed_over(&mut self, what: &str) {
        *self.report.passed_over.entry(what.to_string()).or_default() += 1;
    }

    /// What reading a resource of type `kind` came to: what it holds, or
    /// None once it is counted as passed over ("CareTeam (inactive)") or
    /// said as a problem at `place`.
    pub(super) fn settle<T>(
        &mut self,
        place: &input::Place,
        kind: &str,
        read: super::read::Read<Result<T, &'static str>>,
    ) -> Option<T> {
        match read {
            Ok(Ok(held)) => Some(held),
            Ok(Err(why)) => {
                self.passed_over(&format!("{kind} ({why})"));
                None
            }
            Err(problem) => {
                self.problem(place, &problem.0);
                None
            }
        }
    }

    /// One row taken, counted under `kind`; an encounter's clocks brought
    /// in line with the rules when it is new or changed. Returns the row's
    /// id.
    pub(super) fn take(
        &mut self,
        tx: &mut Tx<'_>,
        place: &input::Place,
        kind: &str,
        key: &SourceKey,
        patient_id: i64,
        row: &crate::store::SentRow,
    ) -> Result<i64, String> {
        let (id, taken) = tx
            .take_row(key, patient_id, row)
            .map_err(|e| e.to_string())?;
        if matches!(row, crate::store::SentRow::Encounter(_))
            && matches!(taken, Taken::Created | Taken::Updated)
        {
            tx.encounter_from_elsewhere(id, &self.rules)
                .map_err(|e| e.to_string())?;
        }
        self.report
            .rows
            .entry(kind.to_string())
            .or_default()
            .add(taken);
        if taken == Taken::KeptTends {
            self.kept_at(place);
        }
        Ok(id)
    }

    /// A CareTeam's members, each a row of the patient's care team.
    fn care_team(
        &mut self,
        tx: &mut Tx<'_>,
        item: &input::Item,
        node: &Node<'_>,
        patient: &str,
        patient_id: i64,
    ) -> Result<(), String> {
        let read = plan::care_team(node, &[patient.to_string()], &self.people, self.today);
        let Some(members) = self.settle(&item.place, "CareTeam", read) else {
            return Ok(());
        };
        let team = self.key(item, "CareTeam", patient);
        for member in members {
            let (member, row) = match member {
                Ok(taken) => taken,
                Err(why) => {
                    *self
                        .report
                        .passed_over
                        .entry(format!("CareTeam member ({why})"))
                        .or_default() += 1;
                    continue;
                }
            };
            let key = SourceKey {
                resource_id: format!("{}#{member}", team.resource_id),
                ..team.clone()
            };
            self.take(tx, &item.place, "CareTeam member", &key, patient_id, &row)?;
        }
        Ok(())
    }

    fn kept_at(&mut self, place: &input::Place) {
        if self.report.kept_at.len() < PROBLEMS_LISTED {
            self.report.kept_at.push(place.to_string());
        }
    }

    /// Where a resource came from: the system its `meta.source` names,
    /// else the member ID's; its id, else its entry's `fullUrl`, else
    /// (neither given) its content, so the same resource is still the same.
    pub(super) fn key(&self, item: &input::Item, kind: &str, owner: &str) -> SourceKey {
        let text = |v: Option<&Value>| v.and_then(Value::as_str).map(str::to_string);
        let source = text(item.resource.pointer("/meta/source"))
            .unwrap_or_else(|| self.options.member_system.clone());
        let resource_id = text(item.resource.get("id"))
            .or_else(|| item.full_url.clone())
            .unwrap_or_else(|| format!("{owner}#{}", content_id(&item.resource)));
        SourceKey {
            source,
            resource_type: kind.to_string(),
            resource_id,
        }
    }
}

/// A resource's content as an id: its JSON without `meta` and `text`.
fn content_id(resource: &Value) -> String {
    let mut bare = resource.clone();
    if let Some(object) = bare.as_object_mut() {
        object.remove("meta");
        object.remove("text");
    }
    bare.to_string()
}

/// Every way the input may refer to this patient: its entry's `fullUrl`
/// and `Patient/ID`.
fn patient_refs(item: &input::Item) -> Vec<String> {
    item_refs(item, "Patient")
}

/// Every way the input may refer to `item`, a resource of type `kind`: its
/// entry's `fullUrl` and `KIND/ID`.
fn item_refs(item: &input::Item, kind: &str) -> Vec<String> {
    let mut refs = Vec::new();
    if let Some(url) = &item.full_url {
        refs.push(reference_key(url));
    }
    if let Some(id) = item.resource.get("id").and_then(Value::as_str) {
        refs.push(format!("{kind}/{id}"));
    }
    refs
}

/// A reference as the key it is looked up by: a `urn:` as it is, else its
/// last two segments (`https://ehr.example/fhir/Patient/7` is `Patient/7`,
/// as a relative reference in the same bundle would say).
fn reference_key(reference: &str) -> String {
    if reference.starts_with("urn:") {
        return reference.to_string();
    }
    let parts: Vec<&str> = reference.trim_end_matches('/').rsplitn(3, '/').collect();
    match parts.as_slice() {
        [id, kind, ..] => format!("{kind}/{id}"),
        _ => reference.to_string(),
    }
}

#[cfg(test)]
mod tests {
    use super::reference_key;

    #[test]
    fn references_are_keyed_as_a_bundle_names_them() {
        assert_eq!(reference_key("urn:uuid:1-2"), "urn:uuid:1-2");
        assert_eq!(reference_key("Patient/7"), "Patient/7");
        assert_eq!(
            reference_key("https://ehr.example/fhir/Patient/7"),
            "Patient/7"
        );
    }
}
