//! The record as FHIR: Practitioner, Patient, Condition (diagnoses),
//! MedicationStatement, AllergyIntolerance, Flag and CareTeam.

use serde_json::{json, Value};

use super::json::{coding, concept, date, extension, instant, reference, text_concept};
use crate::domain::clinical::Condition;
use crate::domain::language::{self, PreferredLanguage};
use crate::domain::patient::{Patient, Practitioner};
use crate::fhir::codes::{self, ext, id_system, system};
use crate::fhir::ids::{self, Kind};
use crate::store::fhir::{AllergyRow, CareTeamRow, FlagRow, MedicationRow};

pub fn practitioner(p: &Practitioner) -> Value {
    json!({
        "resourceType": "Practitioner",
        "id": Kind::Practitioner.id(p.id),
        "identifier": [{ "system": id_system::USERNAME, "value": p.username }],
        "name": [{ "text": p.display_name }],
    })
}

pub fn patient(p: &Patient) -> Value {
    // The phones keep their place in tend (first, second) as the element
    // id, since either may be missing; the one the patient prefers ranks 1.
    let phone = |slot: u8, number: &Option<String>| {
        number.as_ref().map(|number| {
            json!({
                "id": format!("phone-{slot}"),
                "system": "phone",
                "value": number,
                "rank": if p.preferred_phone == slot { 1 } else { 2 },
            })
        })
    };
    json!({
        "resourceType": "Patient",
        "id": Kind::Patient.id(p.id),
        "extension": [
            extension(ext::INTERPRETER_REQUIRED, "valueBoolean", Some(json!(p.interpreter_needed))),
            extension(
                ext::GENDER_IDENTITY,
                "valueCodeableConcept",
                p.gender_identity.as_deref().map(text_concept),
            ),
            extension(ext::PRONOUNS, "valueString", p.pronouns.as_deref().map(Value::from)),
            extension(
                ext::RISK_TIER,
                "valueCoding",
                Some(coding(
                    system::RISK_TIER,
                    codes::risk_tier_code(p.risk_tier),
                    Some(p.risk_tier.label()),
                )),
            ),
            {
                "url": ext::ENROLLMENT,
                "extension": [
                    { "url": "status", "valueCode": p.enrollment_status.code() },
                    extension(
                        "period",
                        "valuePeriod",
                        (p.enrolled_on.is_some() || p.enrollment_ended_on.is_some()).then(|| {
                            json!({
                                "start": p.enrolled_on.map(date),
                                "end": p.enrollment_ended_on.map(date),
                            })
                        }),
                    ),
                ],
            },
            extension(ext::PLAN_NAME, "valueString", p.plan_name.as_deref().map(Value::from)),
            {
                "url": ext::CONSENT,
                "extension": [
                    { "url": "status", "valueCode": p.consent_status.code() },
                    extension("expires", "valueDate", p.consent_expires_on.map(date)),
                ],
            },
            extension(ext::ADVANCE_DIRECTIVE, "valueBoolean", Some(json!(p.advance_directive))),
            extension(
                ext::BEST_TIME_TO_CALL,
                "valueString",
                p.best_time_to_call.as_deref().map(Value::from),
            ),
            extension(
                ext::MEDICATIONS_RECONCILED,
                "valueDate",
                p.medications_reconciled_on.map(date),
            ),
            extension(ext::LAST_CONTACT, "valueDateTime", p.last_contact_at.map(instant)),
        ],
        "identifier": [
            { "system": id_system::MEMBER_ID, "value": p.member_id },
            p.medicaid_id.as_ref().map(|id| json!({ "system": id_system::MEDICAID_ID, "value": id })),
        ],
        "name": [{ "family": p.family_name, "given": [p.given_name] }],
        "telecom": [phone(1, &p.phone_primary), phone(2, &p.phone_secondary)],
        "gender": p.sex.code(),
        "birthDate": date(p.birth_date),
        "address": [{
            "line": [p.address_line],
            "city": p.city,
            "state": p.state,
            "postalCode": p.postal_code,
        }],
        "communication": [communication(&p.language)],
        "generalPractitioner": [p.coordinator_id().map(|id| reference(Kind::Practitioner.reference(id)))],
    })
}

/// The preferred language: a BCP 47 coding with the language's name; for a
/// patient who declined to say, no coding but the data-absent-reason
/// `asked-declined` on the language; for an unknown language, no
/// `communication` at all (an optional element whose data is missing is
/// left out, as US Core asks). A stored value that is no language (put
/// there by other means) goes out as it is.
fn communication(stored: &str) -> Value {
    let language = match language::parse(stored) {
        Ok(PreferredLanguage::Unknown) => return Value::Null,
        Ok(PreferredLanguage::Declined) => json!({
            "extension": [extension(
                ext::DATA_ABSENT_REASON,
                "valueCode",
                Some(json!(codes::ASKED_DECLINED)),
            )],
        }),
        Ok(answer) => concept(system::BCP47, answer.code(), Some(&answer.name())),
        Err(_) => concept(system::BCP47, stored, None),
    };
    json!({ "language": language, "preferred": true })
}

pub fn condition(c: &Condition) -> Value {
    let (category, category_display) = codes::PROBLEM_LIST_ITEM;
    json!({
        "resourceType": "Condition",
        "id": Kind::Condition.id(c.id),
        "clinicalStatus": concept(system::CONDITION_CLINICAL, c.clinical_status.code(), None),
        "category": [concept(system::CONDITION_CATEGORY, category, Some(category_display))],
        "code": {
            "coding": [c.code.as_ref().map(|code| coding(system::ICD10CM, code, None))],
            "text": c.display,
        },
        "subject": reference(Kind::Patient.reference(c.patient_id)),
        "onsetDateTime": c.onset_date.map(date),
    })
}

pub fn medication(m: &MedicationRow) -> Value {
    // Dosage.text is the whole instruction for people to read; the dose as
    // tend holds it rides in an extension, so the import need not guess
    // where the dose ends and the frequency begins.
    let sig = [m.dose.as_deref(), m.frequency.as_deref()]
        .into_iter()
        .flatten()
        .collect::<Vec<_>>()
        .join(" ");
    json!({
        "resourceType": "MedicationStatement",
        "id": Kind::Medication.id(m.id),
        "extension": [extension(ext::PRESCRIBER, "valueString", m.prescriber.as_deref().map(Value::from))],
        "status": codes::medication_status(m.active),
        "medicationCodeableConcept": text_concept(&m.name),
        "subject": reference(Kind::Patient.reference(m.patient_id)),
        "dosage": [{
            "extension": [extension(ext::DOSE, "valueString", m.dose.as_deref().map(Value::from))],
            "text": sig,
            "timing": { "code": { "text": m.frequency } },
        }],
    })
}

pub fn allergy(a: &AllergyRow) -> Value {
    // tend removes an allergy entered in error, so every one it holds is active.
    json!({
        "resourceType": "AllergyIntolerance",
        "id": Kind::Allergy.id(a.id),
        "clinicalStatus": concept(system::ALLERGY_CLINICAL, "active", Some("Active")),
        "criticality": a.criticality.code(),
        "code": text_concept(&a.substance),
        "patient": reference(Kind::Patient.reference(a.patient_id)),
        "reaction": [a.reaction.as_deref().map(|r| json!({ "manifestation": [text_concept(r)] }))],
    })
}

pub fn flag(f: &FlagRow) -> Value {
    let standard = codes::flag_category(f.kind)
        .map(|(code, display)| coding(system::FLAG_CATEGORY, code, Some(display)));
    json!({
        "resourceType": "Flag",
        "id": Kind::Flag.id(f.id),
        "status": codes::flag_status(f.active),
        "category": [{
            "coding": [standard, coding(system::FLAG_KIND, f.kind.code(), Some(f.kind.label()))],
        }],
        "code": text_concept(&f.text),
        "subject": reference(Kind::Patient.reference(f.patient_id)),
        "period": { "start": instant(f.created_at) },
    })
}

/// The patient's care team, each member a contained Practitioner (tend
/// keeps a name, role and phone, not whether they are a clinician, a
/// service or a relative; the role's text says which) acting for a
/// contained Organization when one is named. None when the team is empty.
pub fn care_team(patient_id: i64, members: &[CareTeamRow]) -> Option<Value> {
    if members.is_empty() {
        return None;
    }
    let mut contained = Vec::new();
    let mut participants = Vec::new();
    for m in members {
        let member_id = Kind::CareTeamMember.id(m.id);
        contained.push(json!({
            "resourceType": "Practitioner",
            "id": member_id,
            "name": [{ "text": m.name }],
            "telecom": [m.phone.as_ref().map(|phone| json!({ "system": "phone", "value": phone }))],
        }));
        let organization = m.organization.as_ref().map(|name| {
            let org_id = ids::organization_id(m.id);
            contained.push(json!({ "resourceType": "Organization", "id": org_id, "name": name }));
            reference(format!("#{org_id}"))
        });
        participants.push(json!({
            "role": [text_concept(&m.role)],
            "member": reference(format!("#{member_id}")),
            "onBehalfOf": organization,
        }));
    }
    Some(json!({
        "resourceType": "CareTeam",
        "id": ids::care_team_id(patient_id),
        "contained": contained,
        "status": "active",
        "subject": reference(Kind::Patient.reference(patient_id)),
        "participant": participants,
    }))
}
