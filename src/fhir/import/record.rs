//! The record from FHIR: Practitioner, Patient, Condition (diagnoses),
//! MedicationStatement, AllergyIntolerance, Flag and CareTeam, read back
//! into tend's rows. Row ids are the entries' keys here; the load gives
//! them their real ids.

use super::context::Ctx;
use super::read::{Node, Read};
use crate::domain::care_plan::NeedDomain;
use crate::domain::choice::ChoiceList;
use crate::domain::clinical::{AllergyCriticality, Condition, ConditionStatus};
use crate::domain::language::{self, PreferredLanguage};
use crate::domain::names::person_name as canonical_name;
use crate::domain::patient::{ConsentStatus, EnrollmentStatus, FlagKind, Sex};
use crate::domain::patient::{Patient, Practitioner};
use crate::fhir::codes::{self, ext, id_system, system};
use crate::fhir::ids::Kind;
use crate::store::fhir::{AllergyRow, CareTeamRow, FlagRow, MedicationRow};

pub fn practitioner(key: i64, r: &Node<'_>) -> Read<Practitioner> {
    let username = identifier(r, id_system::USERNAME)?.ok_or_else(|| {
        r.field("identifier").problem(&format!(
            "has no {} (tend knows coordinators by user name)",
            id_system::USERNAME
        ))
    })?;
    // A user name and a display name identify a person: in their one form.
    let username = canonical_name(&username);
    if username.is_empty() {
        return Err(r
            .field("identifier")
            .problem("has a user name of invisible characters only"));
    }
    let name = r.field("name").first()?;
    let display_name = match name.field("text").opt_str()? {
        Some(text) => canonical_name(text),
        None => person_name(&name)?.map_or_else(|| username.clone(), |n| canonical_name(&n)),
    };
    Ok(Practitioner {
        id: key,
        username,
        display_name,
    })
}

/// A `communication.language` as the export writes it: a BCP 47 coding
/// (an ISO 639 code is taken too, as its tag), or the data-absent-reason
/// `asked-declined` for a patient who declined to say (any other reason is
/// unknown); `None` when it says neither.
fn preferred_language(concept: &Node<'_>) -> Read<Option<PreferredLanguage>> {
    if let Some(code) = concept.code_from(system::BCP47)? {
        return language::parse_code(code.str()?)
            .map(Some)
            .map_err(|_| code.problem("is not a BCP 47 language tag"));
    }
    let reason = concept
        .extension(ext::DATA_ABSENT_REASON)?
        .field("valueCode")
        .opt_str()?;
    Ok(reason.map(|reason| {
        if reason == codes::ASKED_DECLINED {
            PreferredLanguage::Declined
        } else {
            PreferredLanguage::Unknown
        }
    }))
}

/// The value of the identifier from `system`.
fn identifier(r: &Node<'_>, system: &str) -> Read<Option<String>> {
    for id in r.field("identifier").items()? {
        if id.field("system").opt_str()? == Some(system) {
            return Ok(Some(id.field("value").str()?.to_string()));
        }
    }
    Ok(None)
}

/// "Given Family" from a HumanName's parts, when it has any.
fn person_name(name: &Node<'_>) -> Read<Option<String>> {
    let mut parts = Vec::new();
    for given in name.field("given").items()? {
        parts.push(given.str()?);
    }
    parts.extend(name.field("family").opt_str()?);
    Ok((!parts.is_empty()).then(|| parts.join(" ")))
}

pub fn patient(ctx: &Ctx<'_>, key: i64, r: &Node<'_>) -> Read<Patient> {
    let member_id = identifier(r, id_system::MEMBER_ID)?.ok_or_else(|| {
        r.field("identifier").problem(&format!(
            "has no {} (tend needs each patient's member ID; for FHIR from another system, \
             name the identifier system of its member IDs with --member-id SYSTEM)",
            id_system::MEMBER_ID
        ))
    })?;
    // Names in their one form (NFC, no invisible or control characters),
    // as wherever a name that identifies a person comes in.
    let name = r.field("name").first()?;
    let family = name.field("family");
    let family_name = canonical_name(family.str()?);
    if family_name.is_empty() {
        return Err(family.problem("holds no letters, only invisible characters"));
    }
    let mut given = Vec::new();
    for part in name.field("given").items()? {
        given.push(part.str()?);
    }
    if given.is_empty() {
        return Err(name.field("given").problem("is missing"));
    }
    let given_name = canonical_name(&given.join(" "));
    if given_name.is_empty() {
        return Err(name
            .field("given")
            .problem("holds no letters, only invisible characters"));
    }

    // Phones: tend's own place for each (the element id it writes), else
    // their order.
    let mut phones: [Option<String>; 2] = [None, None];
    let mut preferred_phone = 1;
    let mut next_slot = 0;
    for telecom in r.field("telecom").items()? {
        if telecom.field("system").opt_str()? != Some("phone") {
            continue;
        }
        let slot = match telecom.field("id").opt_str()? {
            Some("phone-1") => 0,
            Some("phone-2") => 1,
            _ => {
                while next_slot < 2 && phones[next_slot].is_some() {
                    next_slot += 1;
                }
                next_slot
            }
        };
        if slot > 1 || phones[slot].is_some() {
            return Err(telecom.problem("is a third phone number; tend keeps two"));
        }
        phones[slot] = Some(telecom.field("value").str()?.to_string());
        // Ranked first, it is preferred; ranked second, the other one is
        // (tend ranks the phone it has so even when the preferred one is gone).
        match telecom.field("rank").opt_i64()? {
            Some(1) => preferred_phone = slot as u8 + 1,
            Some(2) => preferred_phone = 2 - slot as u8,
            _ => {}
        }
    }
    let [phone_primary, phone_secondary] = phones;

    // The preferred language, else the first; none at all is unknown.
    let mut language = None;
    for communication in r.field("communication").items()? {
        let answer = preferred_language(&communication.field("language"))?;
        let preferred = communication.field("preferred").opt_bool()? == Some(true);
        if language.is_none() || preferred {
            language = answer.or(language);
        }
    }

    let address = r.field("address").first()?;
    let mut lines = Vec::new();
    for line in address.field("line").items()? {
        lines.push(line.str()?);
    }

    let enrollment = r.extension(ext::ENROLLMENT)?;
    if !enrollment.is_present() {
        return Err(enrollment.problem("is missing (tend needs each patient's enrollment status)"));
    }
    let enrollment_status = enrollment
        .extension("status")?
        .field("valueCode")
        .opt_code(
            EnrollmentStatus::from_code,
            &EnrollmentStatus::ALL.map(|s| s.code()),
        )?
        .ok_or_else(|| enrollment.problem("has no status"))?;
    let period = enrollment.extension("period")?.field("valuePeriod");

    let risk = r.extension(ext::RISK_TIER)?.field("valueCoding");
    let risk_tier = risk
        .field("code")
        .opt_code(
            codes::risk_tier_from_code,
            &crate::domain::patient::RiskTier::ALL.map(codes::risk_tier_code),
        )?
        .ok_or_else(|| risk.problem("is missing (tend needs each patient's risk tier)"))?;

    let consent = r.extension(ext::CONSENT)?;
    let consent_status = consent
        .extension("status")?
        .field("valueCode")
        .opt_code(
            ConsentStatus::from_code,
            &ConsentStatus::ALL.map(|s| s.code()),
        )?
        .unwrap_or_default();

    let coordinator = r.field("generalPractitioner").first()?;
    Ok(Patient {
        id: key,
        member_id,
        family_name,
        given_name,
        birth_date: r.field("birthDate").date()?,
        sex: r
            .field("gender")
            .opt_code(Sex::from_code, &Sex::ALL.map(|s| s.code()))?
            .unwrap_or(Sex::Unknown),
        language: language
            .unwrap_or(PreferredLanguage::Unknown)
            .code()
            .to_string(),
        interpreter_needed: r
            .extension(ext::INTERPRETER_REQUIRED)?
            .field("valueBoolean")
            .opt_bool()?
            .unwrap_or(false),
        phone_primary,
        phone_secondary,
        preferred_phone,
        medicaid_id: identifier(r, id_system::MEDICAID_ID)?,
        plan_name: r
            .extension(ext::PLAN_NAME)?
            .field("valueString")
            .opt_string()?,
        enrollment_status,
        enrolled_on: period.field("start").opt_date()?,
        enrollment_ended_on: period.field("end").opt_date()?,
        risk_tier,
        // Named by the bundle's key until the load gives it its row id and
        // the names of the bundle's Practitioner.
        coordinator: ctx
            .target(&coordinator, Kind::Practitioner)?
            .map(|key| Practitioner {
                id: key,
                ..Practitioner::default()
            }),
        last_contact_at: r
            .extension(ext::LAST_CONTACT)?
            .field("valueDateTime")
            .opt_instant()?,
        gender_identity: r
            .extension(ext::GENDER_IDENTITY)?
            .field("valueCodeableConcept")
            .concept_text()?
            .map(str::to_string),
        pronouns: r
            .extension(ext::PRONOUNS)?
            .field("valueString")
            .opt_string()?,
        best_time_to_call: r
            .extension(ext::BEST_TIME_TO_CALL)?
            .field("valueString")
            .opt_string()?,
        address_line: (!lines.is_empty()).then(|| lines.join(", ")),
        city: address.field("city").opt_string()?,
        state: address.field("state").opt_string()?,
        postal_code: address.field("postalCode").opt_string()?,
        consent_status,
        consent_expires_on: consent
            .extension("expires")?
            .field("valueDate")
            .opt_date()?,
        advance_directive: r
            .extension(ext::ADVANCE_DIRECTIVE)?
            .field("valueBoolean")
            .opt_bool()?
            .unwrap_or(false),
        medications_reconciled_on: r
            .extension(ext::MEDICATIONS_RECONCILED)?
            .field("valueDate")
            .opt_date()?,
        // The care plan's review date comes from the patient's CarePlan.
        plan_review_on: None,
        // The version is the database's own: an imported record starts at 1.
        version: 1,
    })
}

/// A diagnosis.
pub fn condition(ctx: &Ctx<'_>, key: i64, r: &Node<'_>) -> Read<Condition> {
    let code = r.field("code");
    Ok(Condition {
        id: key,
        patient_id: ctx.required_target(&r.field("subject"), Kind::Patient)?,
        code: code
            .code_from(system::ICD10CM)?
            .map(|c| c.str().map(str::to_string))
            .transpose()?,
        display: code
            .concept_text()?
            .ok_or_else(|| code.field("text").problem("is missing"))?
            .to_string(),
        clinical_status: clinical_status(r, &ConditionStatus::codes())?
            .and_then(ConditionStatus::from_code)
            .unwrap_or_default(),
        onset_date: r.field("onsetDateTime").opt_date()?,
    })
}

/// A Condition's status from FHIR's condition-clinical code system, one of `allowed`.
pub fn clinical_status<'a>(r: &Node<'a>, allowed: &[&'static str]) -> Read<Option<&'static str>> {
    let Some(code) = r
        .field("clinicalStatus")
        .code_from(system::CONDITION_CLINICAL)?
    else {
        return Ok(None);
    };
    code.opt_code(|c| allowed.iter().copied().find(|a| *a == c), allowed)
}

pub fn medication(ctx: &Ctx<'_>, key: i64, r: &Node<'_>) -> Read<MedicationRow> {
    let status = r.field("status");
    let active = status
        .opt_code(
            |c| match c {
                "active" => Some(true),
                "stopped" => Some(false),
                _ => None,
            },
            &["active", "stopped"],
        )?
        .ok_or_else(|| status.problem("is missing"))?;
    let medication = r.field("medicationCodeableConcept");
    let dosage = r.field("dosage").first()?;
    let frequency = dosage
        .field("timing")
        .field("code")
        .concept_text()?
        .map(str::to_string);
    // tend writes the dose in its own extension; from elsewhere, a dosage's
    // text is taken as its dose only when no frequency is given apart.
    let dose = match dosage
        .extension(ext::DOSE)?
        .field("valueString")
        .opt_string()?
    {
        Some(dose) => Some(dose),
        None if frequency.is_none() => dosage.field("text").opt_string()?,
        None => None,
    };
    Ok(MedicationRow {
        id: key,
        patient_id: ctx.required_target(&r.field("subject"), Kind::Patient)?,
        name: medication
            .concept_text()?
            .ok_or_else(|| medication.field("text").problem("is missing"))?
            .to_string(),
        dose,
        frequency,
        prescriber: r
            .extension(ext::PRESCRIBER)?
            .field("valueString")
            .opt_string()?,
        active,
    })
}

pub fn allergy(ctx: &Ctx<'_>, key: i64, r: &Node<'_>) -> Read<AllergyRow> {
    let status = r.field("clinicalStatus");
    if let Some(code) = status.code_from(system::ALLERGY_CLINICAL)? {
        if code.str()? != "active" {
            return Err(code.problem("is not active (tend keeps an allergy while it is active)"));
        }
    }
    let (substance, reaction, criticality) = allergy_fields(r)?;
    Ok(AllergyRow {
        id: key,
        patient_id: ctx.required_target(&r.field("patient"), Kind::Patient)?,
        substance,
        reaction,
        criticality,
    })
}

/// An AllergyIntolerance's substance (its code's words), first reaction
/// and criticality (unable to assess when not given): tend's own bundles
/// and other systems' alike.
pub(super) fn allergy_fields(r: &Node<'_>) -> Read<(String, Option<String>, AllergyCriticality)> {
    let substance = r.field("code");
    let reaction = r
        .field("reaction")
        .first()?
        .field("manifestation")
        .first()?;
    Ok((
        substance
            .concept_text()?
            .ok_or_else(|| substance.field("text").problem("is missing"))?
            .to_string(),
        reaction.concept_text()?.map(str::to_string),
        r.field("criticality")
            .opt_code(AllergyCriticality::from_code, &AllergyCriticality::codes())?
            .unwrap_or(AllergyCriticality::UnableToAssess),
    ))
}

pub fn flag(ctx: &Ctx<'_>, key: i64, r: &Node<'_>) -> Read<FlagRow> {
    let status = r.field("status");
    let active = status
        .opt_code(
            |c| match c {
                "active" => Some(true),
                "inactive" => Some(false),
                _ => None,
            },
            &["active", "inactive"],
        )?
        .ok_or_else(|| status.problem("is missing"))?;
    // tend's own kind when it wrote the flag; from elsewhere, a safety
    // category is a safety flag and anything else a note.
    let mut kind = None;
    let mut safety = false;
    for category in r.field("category").items()? {
        if let Some(code) = category.code_from(system::FLAG_KIND)? {
            kind = code.opt_code(FlagKind::from_code, &FlagKind::ALL.map(|k| k.code()))?;
        }
        if let Some(code) = category.code_from(system::FLAG_CATEGORY)? {
            safety |= code.opt_str()? == Some("safety");
        }
    }
    let text = r.field("code");
    Ok(FlagRow {
        id: key,
        patient_id: ctx.required_target(&r.field("subject"), Kind::Patient)?,
        kind: kind.unwrap_or(if safety {
            FlagKind::Safety
        } else {
            FlagKind::Other
        }),
        text: text
            .concept_text()?
            .ok_or_else(|| text.field("text").problem("is missing"))?
            .to_string(),
        active,
        created_at: r
            .field("period")
            .field("start")
            .opt_instant()?
            .unwrap_or(ctx.now),
    })
}

/// A care-team member, with the row id its contained resource's id carries.
pub type Member = (CareTeamRow, Option<i64>);

/// A care team's members, each with the row id its contained resource's
/// id carries (`ctm-7`) when it has tend's form; `id` and `patient_id` are
/// left for the caller.
pub fn care_team(ctx: &Ctx<'_>, r: &Node<'_>) -> Read<(i64, Vec<Member>)> {
    let patient_id = ctx.required_target(&r.field("subject"), Kind::Patient)?;
    let contained = r.field("contained").items()?;
    let find_contained = |reference: &Node<'_>| -> Read<Option<Node<'_>>> {
        let Some(target) = reference.field("reference").opt_str()? else {
            return Ok(None);
        };
        let Some(local) = target.strip_prefix('#') else {
            return Err(reference.field("reference").problem(
                "is not a contained resource (tend keeps care-team members within the CareTeam)",
            ));
        };
        for c in &contained {
            if c.field("id").opt_str()? == Some(local) {
                return Ok(Some(c.clone()));
            }
        }
        Ok(None)
    };
    let mut members = Vec::new();
    for participant in r.field("participant").items()? {
        let member_ref = participant.field("member");
        let member = find_contained(&member_ref)?;
        let name = match &member {
            Some(m) => {
                let name = m.field("name").first()?;
                match name.field("text").opt_str()? {
                    Some(text) => Some(text.to_string()),
                    None => person_name(&name)?,
                }
            }
            None => member_ref.field("display").opt_string()?,
        }
        .ok_or_else(|| member_ref.problem("has no name"))?;
        let mut phone = None;
        if let Some(m) = &member {
            for telecom in m.field("telecom").items()? {
                if telecom.field("system").opt_str()? == Some("phone") {
                    phone = telecom.field("value").opt_string()?;
                    break;
                }
            }
        }
        let org_ref = participant.field("onBehalfOf");
        let organization = match find_contained(&org_ref)? {
            Some(org) => org.field("name").opt_string()?,
            None => org_ref.field("display").opt_string()?,
        };
        let role = participant.field("role").first()?;
        let number = member
            .as_ref()
            .map(|m| m.field("id").opt_str())
            .transpose()?
            .flatten()
            .and_then(|id| Kind::CareTeamMember.row_of(id));
        members.push((
            CareTeamRow {
                id: 0,
                patient_id,
                role: role
                    .concept_text()?
                    .ok_or_else(|| role.field("text").problem("is missing"))?
                    .to_string(),
                name,
                organization,
                phone,
            },
            number,
        ));
    }
    Ok((patient_id, members))
}

/// A need's domain: tend's code, else "other".
pub fn need_domain(r: &Node<'_>) -> Read<NeedDomain> {
    for category in r.field("category").items()? {
        if let Some(code) = category.code_from(system::NEED_DOMAIN)? {
            return Ok(code
                .opt_code(NeedDomain::from_code, &NeedDomain::ALL.map(|d| d.code()))?
                .unwrap_or(NeedDomain::Other));
        }
    }
    Ok(NeedDomain::Other)
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn a_patient_needs_a_member_id_and_its_program_fields() {
        let entries = [];
        let index = super::super::bundle::Index::new(&entries).unwrap();
        let ctx = Ctx {
            entries: &entries,
            index: &index,
            now: chrono::DateTime::UNIX_EPOCH,
        };
        let bare = json!({"resourceType": "Patient", "name": [{"family": "Testa", "given": ["Una"]}],
                          "birthDate": "1970-01-02"});
        assert_eq!(
            patient(&ctx, 0, &Node::root(&bare)).unwrap_err().0,
            "identifier has no urn:tend:member-id (tend needs each patient's member ID; for FHIR \
             from another system, name the identifier system of its member IDs with --member-id \
             SYSTEM)"
        );
        let mut with_id = bare.clone();
        with_id["identifier"] = json!([{"system": "urn:tend:member-id", "value": "SYN1"}]);
        assert_eq!(
            patient(&ctx, 0, &Node::root(&with_id)).unwrap_err().0,
            format!(
                "extension({}) is missing (tend needs each patient's enrollment status)",
                ext::ENROLLMENT
            )
        );
    }
}
