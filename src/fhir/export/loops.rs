//! The closed loops as FHIR R4 (issue 17): a referral is a ServiceRequest,
//! an appointment an Appointment, a prior authorization a Claim with use
//! `preauthorization` and, once the payer has answered, a ClaimResponse.
//!
//! FHIR's statuses are coarser than tend's loops (a sent, accepted and
//! scheduled referral are all an `active` ServiceRequest), so each carries
//! tend's own status, the day it was set and what was said in the
//! `loop-status` extension, which the import reads first: the round trip
//! is exact, and a reader that knows only FHIR still reads a true status.
//! The tasks that are a loop's steps name it in `Task.focus` (see
//! [`step_extension`]).

use std::collections::HashSet;

use chrono::{Duration, FixedOffset, NaiveDate};
use serde_json::{json, Value};

use super::encounter::wall;
use super::json::{coding, concept, date, extension, instant, reference};
use crate::domain::authorization::AuthStatus;
use crate::domain::referral::ReferralKind;
use crate::fhir::codes::{self, ext, id_system, system};
use crate::fhir::ids::{self, Kind};
use crate::store::fhir::{
    AppointmentRow, AuthorizationRow, DamagedRow, LoopOf, LoopRows, ReferralRow, StepRole,
};

/// tend's status, complex: the code, its day, what was said, and (a
/// closed referral) how receipt was confirmed.
fn loop_status(code: &str, on: NaiveDate, note: Option<&str>, confirmation: Option<&str>) -> Value {
    json!({
        "url": ext::LOOP_STATUS,
        "extension": [
            { "url": "status", "valueCode": code },
            { "url": "on", "valueDate": date(on) },
            extension("note", "valueString", note.map(Value::from)),
            extension("confirmation", "valueCode", confirmation.map(Value::from)),
        ],
    })
}

fn practitioner(id: Option<i64>) -> Value {
    id.map_or(Value::Null, |id| {
        reference(Kind::Practitioner.reference(id))
    })
}

fn phone(number: Option<&str>) -> Value {
    json!([number.map(|n| json!({ "system": "phone", "value": n }))])
}

/// A referral. Who it went to is contained, as tend keeps its own copy
/// of their name and phone: a HealthcareService with the directory's
/// service id when it came from the directory (so a service removed since
/// is still named), an Organization otherwise.
pub fn service_request(r: &ReferralRow) -> Value {
    let receiver = match &r.service_ref {
        Some(service) => json!({
            "resourceType": "HealthcareService",
            "id": "receiver",
            "identifier": [{ "system": id_system::HSDS_SERVICE, "value": service }],
            "name": r.to_name,
            "telecom": phone(r.to_phone.as_deref()),
        }),
        None => json!({
            "resourceType": "Organization",
            "id": "receiver",
            "name": r.to_name,
            "telecom": phone(r.to_phone.as_deref()),
        }),
    };
    let category = match r.kind {
        ReferralKind::Clinical => {
            let (code, display) = codes::PATIENT_REFERRAL;
            coding(system::SNOMED, code, Some(display))
        }
        ReferralKind::Community => {
            let (code, display) = codes::SDOH_CATEGORY;
            coding(system::US_CORE_CATEGORY, code, Some(display))
        }
    };
    let own = coding(system::REFERRAL_KIND, r.kind.code(), Some(r.kind.label()));
    json!({
        "resourceType": "ServiceRequest",
        "id": Kind::Referral.id(r.id),
        "contained": [receiver],
        "extension": [loop_status(
            r.status.code(),
            r.status_on,
            r.status_note.as_deref(),
            r.confirmation.map(|c| c.code()),
        )],
        "status": codes::service_request_status(r.status),
        "intent": "order",
        "category": [{ "coding": [category, own] }],
        "priority": r.urgency.code(),
        "code": { "text": r.reason },
        "subject": reference(Kind::Patient.reference(r.patient_id)),
        "occurrenceDateTime": r.appointment_on.map(date),
        "authoredOn": instant(r.created_at),
        "requester": practitioner(r.author_id),
        "performer": [{ "reference": "#receiver", "display": r.to_name }],
        "reasonReference": [r.need_id.map(|n| reference(Kind::Need.reference(n)))],
        "supportingInfo": [r.goal_id.map(|g| reference(Kind::Goal.reference(g)))],
    })
}

/// An appointment. Its time is the wall clock with the export's offset,
/// as an encounter's; R4 wants an end with every start (app-2), so one
/// whose length tend does not know ends as it starts, and the import reads
/// the length from `minutesDuration` alone.
pub fn appointment(a: &AppointmentRow, offset: FixedOffset) -> Value {
    let minutes = a.minutes.filter(|m| *m > 0);
    let end = a.starts_at + Duration::minutes(minutes.unwrap_or(0));
    let arranged =
        |url: &str, yes: bool| extension(url, "valueBoolean", yes.then_some(json!(true)));
    let (performer, performer_display) = codes::PRIMARY_PERFORMER;
    let (location, location_display) = codes::LOCATION;
    json!({
        "resourceType": "Appointment",
        "id": Kind::Appointment.id(a.id),
        "extension": [
            loop_status(a.status.code(), a.status_on, a.status_note.as_deref(), None),
            {
                "url": ext::ARRANGEMENTS,
                "extension": [
                    arranged("transport-needed", a.transport_needed),
                    arranged("transport-arranged", a.transport_arranged),
                    arranged("interpreter-needed", a.interpreter_needed),
                    arranged("interpreter-arranged", a.interpreter_arranged),
                ],
            },
            extension(
                ext::RESCHEDULED_TO,
                "valueReference",
                a.rescheduled_to.map(|id| reference(Kind::Appointment.reference(id))),
            ),
            extension(ext::RECORDED_BY, "valueReference", a.author_id.map(|id| {
                reference(Kind::Practitioner.reference(id))
            })),
        ],
        "status": codes::appointment_status(a.status),
        "description": a.reason,
        "start": wall(a.starts_at, offset),
        "end": wall(end, offset),
        "minutesDuration": minutes,
        "created": instant(a.created_at),
        "basedOn": [a.referral_id.map(|id| reference(Kind::Referral.reference(id)))],
        "participant": [
            {
                "actor": reference(Kind::Patient.reference(a.patient_id)),
                "status": "accepted",
            },
            {
                "type": [concept(system::PARTICIPATION_TYPE, performer, Some(performer_display))],
                "actor": { "display": a.with_whom },
                "status": "accepted",
            },
            a.place.as_deref().map(|place| json!({
                "type": [concept(system::PARTICIPATION_TYPE, location, Some(location_display))],
                "actor": { "display": place },
                "status": "accepted",
            })),
        ],
    })
}

/// A prior authorization. R4 requires an insurance with its Coverage,
/// which tend does not keep apart from the payer's name: a contained one
/// names the payer. The provider is required too: the coordinator who
/// wrote it, or, not known, a data-absent-reason.
pub fn claim(z: &AuthorizationRow) -> Value {
    let patient = Kind::Patient.reference(z.patient_id);
    let (kind, kind_display) = codes::claim_type(z.item_system.as_deref());
    // A code whose system tend was not told is still written, without one.
    let product = z.item_code.as_deref().map(|code| {
        json!({
            "system": z.item_system.as_deref().and_then(codes::item_system_uri),
            "code": code,
        })
    });
    let provider = match z.author_id {
        Some(id) => reference(Kind::Practitioner.reference(id)),
        None => {
            json!({ "extension": [{ "url": ext::DATA_ABSENT_REASON, "valueCode": "unknown" }] })
        }
    };
    json!({
        "resourceType": "Claim",
        "id": Kind::Authorization.id(z.id),
        "contained": [{
            "resourceType": "Coverage",
            "id": "coverage",
            "status": "active",
            "beneficiary": reference(patient.clone()),
            "payor": [{ "display": z.payer }],
        }],
        "extension": [
            loop_status(z.status.code(), z.status_on, z.status_note.as_deref(), None),
            extension(ext::SUBMITTED, "valueDate", z.submitted_on.map(date)),
        ],
        "status": codes::claim_status(z.status),
        "type": concept(system::CLAIM_TYPE, kind, Some(kind_display)),
        "use": "preauthorization",
        "patient": reference(patient),
        "created": instant(z.created_at),
        "insurer": { "display": z.payer },
        "provider": provider,
        "priority": concept(system::PROCESS_PRIORITY, "normal", Some("Normal")),
        "diagnosis": [z.diagnosis_code.as_deref().map(|code| json!({
            "sequence": 1,
            "diagnosisCodeableConcept": concept(system::ICD10CM, code, None),
        }))],
        "insurance": [{
            "sequence": 1,
            "focal": true,
            "coverage": reference("#coverage".into()),
            "preAuthRef": [z.payer_ref],
        }],
        "item": [{
            "sequence": 1,
            "diagnosisSequence": [z.diagnosis_code.as_ref().map(|_| 1)],
            "productOrService": { "coding": [product], "text": z.item },
            "quantity": z.units.map(|units| json!({ "value": units })),
        }],
    })
}

/// The payer's answer, once there is one: the decision (outcome complete,
/// created the day on its notice), its number and the dates it covers.
/// None while the payer has said nothing.
pub fn claim_response(z: &AuthorizationRow) -> Option<Value> {
    if z.decided_on.is_none() && z.authorized_from.is_none() && z.authorized_until.is_none() {
        return None;
    }
    let (kind, kind_display) = codes::claim_type(z.item_system.as_deref());
    let disposition = match z.status {
        AuthStatus::Approved | AuthStatus::Expired => Some("approved"),
        AuthStatus::Denied | AuthStatus::Appealed => Some("denied"),
        _ => None,
    };
    Some(json!({
        "resourceType": "ClaimResponse",
        "id": ids::claim_response_id(z.id),
        "status": "active",
        "type": concept(system::CLAIM_TYPE, kind, Some(kind_display)),
        "use": "preauthorization",
        "patient": reference(Kind::Patient.reference(z.patient_id)),
        "created": date(z.decided_on.unwrap_or(z.status_on)),
        "insurer": { "display": z.payer },
        "request": reference(Kind::Authorization.reference(z.id)),
        "outcome": if z.decided_on.is_some() { "complete" } else { "queued" },
        "disposition": disposition,
        "preAuthRef": z.payer_ref,
        "preAuthPeriod": {
            "start": z.authorized_from.map(date),
            "end": z.authorized_until.map(date),
        },
    }))
}

/// On a Task that is a step of a closed loop: which step; the loop is its
/// `focus` ([`focus`]).
pub fn step_extension(step: Option<(LoopOf, StepRole)>) -> Value {
    extension(
        ext::LOOP_STEP,
        "valueCode",
        step.map(|(_, role)| json!(role.code())),
    )
}

/// The loop a step's Task is about.
pub fn focus(step: Option<(LoopOf, StepRole)>) -> Value {
    match step {
        Some((LoopOf::Referral(id), _)) => reference(Kind::Referral.reference(id)),
        Some((LoopOf::Appointment(id), _)) => reference(Kind::Appointment.reference(id)),
        Some((LoopOf::Authorization(id), _)) => reference(Kind::Authorization.reference(id)),
        None => Value::Null,
    }
}

/// Takes out of the loops the links to records left out of an export
/// (`gone`, the patient's damaged rows; `tasks`, those and the tasks left
/// out with them; damaged `practitioners`): a loop goes without the need,
/// goal, task, author, referral or appointment it names, which a loop can
/// (each link is optional).
pub fn prune(
    loops: &mut LoopRows,
    gone: &[DamagedRow],
    tasks: &HashSet<i64>,
    practitioners: &HashSet<i64>,
) {
    let ids = |table: &str| -> HashSet<i64> {
        gone.iter()
            .filter(|r| r.table == table)
            .map(|r| r.id)
            .collect()
    };
    let (needs, goals) = (ids("need"), ids("goal"));
    let (referrals, appointments) = (ids("referral"), ids("appointment"));
    let drop = |link: &mut Option<i64>, set: &HashSet<i64>| {
        if link.is_some_and(|id| set.contains(&id)) {
            *link = None;
        }
    };
    for r in &mut loops.referrals {
        drop(&mut r.need_id, &needs);
        drop(&mut r.goal_id, &goals);
        drop(&mut r.task_id, tasks);
        drop(&mut r.author_id, practitioners);
    }
    for a in &mut loops.appointments {
        drop(&mut a.referral_id, &referrals);
        drop(&mut a.rescheduled_to, &appointments);
        drop(&mut a.reminder_task_id, tasks);
        drop(&mut a.task_id, tasks);
        drop(&mut a.outreach_task_id, tasks);
        drop(&mut a.author_id, practitioners);
    }
    for z in &mut loops.authorizations {
        drop(&mut z.task_id, tasks);
        drop(&mut z.author_id, practitioners);
    }
}
