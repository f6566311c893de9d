//! The audit trail as FHIR R4 AuditEvent resources, in a `collection`
//! Bundle, written as the rows are read (a trail may hold millions): each
//! row an AuditEvent with its action (C, R, U, D, E), when it was
//! recorded, who did it (the login, as an identifier), tend as the source,
//! and the patient it was about as the entity, with what was done in words.

use std::cell::RefCell;
use std::io::Write;

use serde::ser::{Error as _, SerializeSeq};
use serde::{Serialize, Serializer};
use serde_json::{json, Value};

use super::json;
use crate::fhir::codes::id_system::{MEMBER_ID, USERNAME};
use crate::fhir::codes::BASE;
use crate::store::{AuditFilter, AuditRow, Store, StoreError};

/// Writes the rows `filter` lets through as a Bundle of AuditEvents into
/// `out`; returns how many.
pub fn audit_events(
    store: &mut Store,
    filter: &AuditFilter,
    out: impl Write,
) -> Result<usize, StoreError> {
    crate::reports::audit::record_export(store, filter, "FHIR R4 AuditEvent")?;
    let entries = Entries {
        store,
        filter,
        count: RefCell::new(0),
        failure: RefCell::new(None),
    };
    let bundle = json!({
        "resourceType": "Bundle",
        "type": "collection",
        "timestamp": json::instant(store.clock().now_utc()),
    });
    let mut out = std::io::BufWriter::new(out);
    let written = crate::safe_json::to_writer_pretty(
        &mut out,
        &BundleOut {
            head: &bundle,
            entry: &entries,
        },
    );
    if let Some(error) = entries.failure.take() {
        return Err(error);
    }
    let failed = |e: std::io::Error| StoreError::Refused(format!("cannot write the bundle: {e}"));
    written.map_err(|e| failed(e.into()))?;
    out.write_all(b"\n")
        .and_then(|()| out.flush())
        .map_err(failed)?;
    Ok(entries.count.into_inner())
}

/// One AuditEvent.
pub fn audit_event(row: &AuditRow) -> Value {
    let e = &row.event;
    // The patient by member ID (a logical reference): an audit export
    // travels without the patients' resources, and their row ids mean
    // nothing outside tend.
    let what = row.member_id.as_ref().map(|member| {
        json!({
            "type": "Patient",
            "identifier": { "system": MEMBER_ID, "value": member },
        })
    });
    let resource = json!({
        "resourceType": "AuditEvent",
        "id": format!("ae-{}", row.id),
        "type": json::coding(
            "http://terminology.hl7.org/CodeSystem/audit-event-type",
            "rest",
            Some("RESTful Operation"),
        ),
        "action": e.action.code(),
        "recorded": json::instant(e.recorded_at),
        "outcome": "0",
        "agent": [{
            "who": {
                "identifier": { "system": USERNAME, "value": e.agent },
                "display": e.agent,
            },
            "requestor": true,
        }],
        "source": { "observer": { "display": "tend" } },
        "entity": [{
            "what": what,
            "type": json::coding(
                "http://hl7.org/fhir/resource-types",
                fhir_type(&e.entity_type),
                None,
            ),
            "description": e.detail,
        }],
    });
    let resource = json::prune(resource);
    json!({ "fullUrl": format!("{BASE}/AuditEvent/ae-{}", row.id), "resource": resource })
}

/// The FHIR resource type of an audit row's entity (tend names them as
/// FHIR does; anything else is a Basic).
fn fhir_type(entity_type: &str) -> &str {
    match entity_type {
        "Patient"
        | "Practitioner"
        | "Communication"
        | "Task"
        | "Goal"
        | "CarePlan"
        | "Condition"
        | "Bundle"
        | "AuditEvent"
        | "Consent"
        | "Observation"
        | "Flag"
        | "MedicationStatement"
        | "AllergyIntolerance"
        | "CareTeam" => entity_type,
        _ => "Basic",
    }
}

#[derive(Serialize)]
struct BundleOut<'a> {
    #[serde(flatten)]
    head: &'a Value,
    entry: &'a Entries<'a>,
}

struct Entries<'a> {
    store: &'a Store,
    filter: &'a AuditFilter,
    count: RefCell<usize>,
    failure: RefCell<Option<StoreError>>,
}

impl Serialize for Entries<'_> {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        let mut seq = serializer.serialize_seq(None)?;
        let mut error = None;
        let read = self.store.for_each_audit_row(self.filter, |row| {
            seq.serialize_element(&audit_event(&row)).map_err(|e| {
                error = Some(e.to_string());
                StoreError::Refused("the bundle could not be written".into())
            })
        });
        if let Err(e) = read {
            let message = error.unwrap_or_else(|| "the database could not be read".into());
            *self.failure.borrow_mut() = Some(e);
            return Err(S::Error::custom(message));
        }
        *self.count.borrow_mut() = read.unwrap_or_default();
        seq.end()
    }
}
