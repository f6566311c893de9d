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

mod json;
mod notes;
mod plan;
mod record;

use std::cell::RefCell;
use std::collections::BTreeMap;
use std::io::Write;

use serde::ser::{Error as _, SerializeSeq};
use serde::{Serialize, Serializer};
use serde_json::Value;

use crate::fhir::codes::BASE;
use crate::store::fhir::PatientData;
use crate::store::{AuditAction, Store, StoreError};

/// Which patients to export.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Scope<'a> {
    /// Every patient and every practitioner.
    All,
    /// One patient, by member ID, with the practitioners their records name.
    Member(&'a str),
}

/// What an export wrote.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct ExportReport {
    pub patients: usize,
    /// Resources written, by type.
    pub resources: BTreeMap<String, usize>,
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
    #[error(transparent)]
    Store(#[from] StoreError),
    #[error("cannot write the bundle: {0}")]
    Write(std::io::Error),
}

/// Writes the bundle to `out`, after the audit row that records the export
/// (health information leaves tend: the trail says so even if writing then
/// fails half-way).
pub fn export(
    store: &mut Store,
    scope: Scope<'_>,
    out: impl Write,
) -> Result<ExportReport, ExportError> {
    let patient = match scope {
        Scope::All => None,
        Scope::Member(member_id) => Some(
            store
                .patient_id_by_member(member_id)?
                .ok_or(ExportError::NoSuchMember)?,
        ),
    };
    store.write(|tx| {
        tx.audit(
            AuditAction::Execute,
            "Bundle",
            None,
            patient,
            Some(match patient {
                Some(_) => "exported the patient as FHIR R4",
                None => "exported every patient as FHIR R4",
            }),
        )
    })?;
    let timestamp = json::instant(store.clock().now_utc());
    store.read_snapshot(|store| write_bundle(store, patient, timestamp, out))
}

fn write_bundle(
    store: &Store,
    patient: Option<i64>,
    timestamp: Value,
    out: impl Write,
) -> Result<ExportReport, ExportError> {
    let (patients, practitioners) = match patient {
        None => (store.fhir_patient_ids()?, None),
        Some(id) => {
            let data = store.fhir_patient(id)?.ok_or(ExportError::NoSuchMember)?;
            (vec![id], Some(data.practitioner_ids()))
        }
    };
    let entries = Entries {
        store,
        patients: &patients,
        practitioners: practitioners.as_deref(),
        report: RefCell::new(ExportReport::default()),
        failure: RefCell::new(None),
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
            Some(store_error) => ExportError::Store(store_error),
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
        let practitioners = self
            .store
            .fhir_practitioners(self.practitioners)
            .map_err(|e| self.fail(e))?;
        for p in &practitioners {
            seq.serialize_element(&self.entry(record::practitioner(p)))?;
        }
        for &id in self.patients {
            let data = self
                .store
                .fhir_patient(id)
                .map_err(|e| self.fail(e))?
                .ok_or_else(|| S::Error::custom("a patient vanished during the export"))?;
            for resource in patient_resources(&data) {
                seq.serialize_element(&self.entry(resource))?;
            }
            self.report.borrow_mut().patients += 1;
        }
        seq.end()
    }
}

/// One patient's resources, in the bundle's order.
fn patient_resources(data: &PatientData) -> Vec<Value> {
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
    resources.extend(data.tasks.iter().map(plan::task));
    resources.extend(data.notes.iter().map(notes::communication));
    resources
}
