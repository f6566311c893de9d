//! Encounters as FHIR R4 `Encounter`. Its times are the facility's wall
//! clock, which tend keeps without an offset; a FHIR dateTime with a time
//! must have one, so they are written with the offset of tend's clock at
//! the export (the coordinator's, which is the facility's for a program in
//! one zone), and the import keeps the wall clock as written and drops the
//! offset: the rules count days in the facility's dates. Diagnoses are
//! contained Conditions (`#dx1`, the principal one rank 1). The clocks are
//! not exported: the import works them out again from the encounters.

use chrono::{FixedOffset, NaiveDateTime, SecondsFormat};
use serde_json::{json, Value};

use super::json::{coding, concept, extension, reference};
use crate::fhir::codes::{self, ext, system};
use crate::fhir::ids::Kind;
use crate::store::fhir::{ClockTask, EncounterData};

/// A wall-clock time with the export's offset: `2026-11-02T14:30:00-05:00`.
pub fn wall(at: NaiveDateTime, offset: FixedOffset) -> Value {
    match at.and_local_timezone(offset).single() {
        Some(t) => Value::String(t.to_rfc3339_opts(SecondsFormat::Secs, true)),
        None => Value::Null,
    }
}

pub fn encounter(data: &EncounterData, offset: FixedOffset) -> Value {
    let e = &data.encounter;
    let patient = Kind::Patient.reference(e.patient_id);
    let (category, category_display) = codes::ENCOUNTER_DIAGNOSIS;
    let contained: Vec<Value> = e
        .diagnoses
        .iter()
        .enumerate()
        .map(|(i, d)| {
            json!({
                "resourceType": "Condition",
                "id": format!("dx{}", i + 1),
                "category": [concept(system::CONDITION_CATEGORY, category, Some(category_display))],
                "code": {
                    "coding": [coding(system::ICD10CM, &d.code, None)],
                    "text": d.display,
                },
                "subject": reference(patient.clone()),
            })
        })
        .collect();
    let diagnosis: Vec<Value> = (1..=e.diagnoses.len())
        .map(|rank| json!({ "condition": reference(format!("#dx{rank}")), "rank": rank }))
        .collect();
    let disposition = (e.disposition.is_some() || data.disposition_code.is_some()).then(|| {
        let fhir = e.disposition.map(|d| {
            let (code, display) = codes::discharge_disposition(d);
            coding(system::DISCHARGE_DISPOSITION, code, Some(display))
        });
        let own = e
            .disposition
            .map(|d| coding(system::DISPOSITION, d.code(), Some(d.label())));
        let sent = data
            .disposition_code
            .as_deref()
            .map(|code| coding(system::V2_DISCHARGE_DISPOSITION, code, None));
        json!({ "dischargeDisposition": { "coding": [fhir, own, sent] } })
    });
    let (class, class_display) = codes::encounter_class(e.class);
    json!({
        "resourceType": "Encounter",
        "id": Kind::Encounter.id(e.id),
        "contained": contained,
        "extension": [
            extension(ext::ENCOUNTER_COMPLEXITY, "valueCode", Some(json!(e.complexity.code()))),
            extension(ext::PROVIDER_KIND, "valueCode", e.provider.map(|p| json!(p.code()))),
            extension(
                ext::READMISSION_OF,
                "valueReference",
                data.readmission_of.map(|id| reference(Kind::Encounter.reference(id))),
            ),
            extension(
                ext::ADMISSION_NOTIFIED,
                "valueDate",
                data.notified_on.map(|d| json!(d.format("%Y-%m-%d").to_string())),
            ),
        ],
        "identifier": [data.source_system.as_deref().map(|source| json!({
            "system": codes::source_system_uri(source),
            "value": data.source_visit,
        }))],
        "status": e.status.code(),
        "class": coding(system::ACT_CODE, class, Some(class_display)),
        "subject": reference(patient),
        "period": {
            "start": wall(e.started_at, offset),
            "end": e.ended_at.map(|t| wall(t, offset)),
        },
        "diagnosis": diagnosis,
        "hospitalization": disposition,
        "serviceProvider": { "display": e.facility },
    })
}

/// On the Task of a live transition clock: which clock it is the work of.
pub fn clock_extension(link: Option<&ClockTask>) -> Value {
    match link {
        Some(link) => json!({
            "url": ext::TRANSITION_CLOCK,
            "extension": [
                { "url": "kind", "valueCode": link.kind.code() },
                { "url": "encounter", "valueReference": reference(Kind::Encounter.reference(link.encounter_id)) },
            ],
        }),
        None => Value::Null,
    }
}
