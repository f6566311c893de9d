//! Another system's resources read into tend's rows: a Patient into a
//! member (as a roster row: what it leaves out, tend keeps), Condition,
//! MedicationRequest and MedicationStatement, AllergyIntolerance into the
//! patient's lists. US Core shapes, read leniently: what tend does not
//! hold is passed over, what it needs must be there.

use crate::domain::choice::ChoiceList;
use crate::domain::clinical::{Condition, ConditionStatus};
use crate::domain::encounter::Diagnosis;
use crate::domain::language::{self, PreferredLanguage};
use crate::domain::names::person_name as canonical_name;
use crate::domain::patient::{check_postal_code, check_state, normalize_phone, Sex};
use crate::domain::roster::RosterRow;
use crate::fhir::codes::system;
use crate::fhir::import::read::{Node, Read};
use crate::store::{Medication, SentRow};

/// US Core's gender identity extension (US Core 5 and 6).
const US_CORE_GENDER_IDENTITY: &str =
    "http://hl7.org/fhir/us/core/StructureDefinition/us-core-genderIdentity";

/// What a resource of the lists comes to: a row, or a reason it is passed
/// over (counted, never an error).
pub enum Mapped {
    Row(SentRow),
    PassedOver(&'static str),
}

impl Mapped {
    /// The row, or why it is passed over (as `Run::settle` takes it).
    pub fn into_result(self) -> Result<SentRow, &'static str> {
        match self {
            Mapped::Row(row) => Ok(row),
            Mapped::PassedOver(why) => Err(why),
        }
    }
}

/// What `--member-id` names instead of an identifier system: the
/// subscriber ID of the patient's Coverage.
pub const SUBSCRIBER_ID: &str = "Coverage.subscriberId";

/// What a patient's active Coverage gives their record.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Covered {
    pub subscriber_id: Option<String>,
    pub plan_name: Option<String>,
    /// The subscriber ID of a Medicaid coverage.
    pub medicaid_id: Option<String>,
}

/// A Patient as a member, its member ID the identifier from
/// `member_system` (or, for [`SUBSCRIBER_ID`], its coverage's), its plan
/// and Medicaid ID from its coverage.
pub fn member(r: &Node<'_>, member_system: &str, covered: Option<&Covered>) -> Read<RosterRow> {
    let mut member_id = None;
    if member_system == SUBSCRIBER_ID {
        member_id = covered.and_then(|c| c.subscriber_id.clone());
    } else {
        for id in r.field("identifier").items()? {
            if id.field("system").opt_str()? == Some(member_system) {
                member_id = Some(id.field("value").str()?.trim().to_string());
                break;
            }
        }
    }
    // The key every import and every command finds the member by: text
    // only, as a roster's (an escape sequence or a zero-width character
    // would make two IDs that look the same).
    if member_id
        .as_deref()
        .is_some_and(|m| m.chars().any(crate::text::is_unsafe))
    {
        return Err(r.field("identifier").problem(&format!(
            "of {member_system} holds a control or invisible character; a member ID is text only"
        )));
    }
    let member_id = member_id.filter(|m| !m.is_empty()).ok_or_else(|| {
        if member_system == SUBSCRIBER_ID {
            r.problem("has no active Coverage with a subscriberId (the member ID)")
        } else {
            r.field("identifier")
                .problem(&format!("has no {member_system}"))
        }
    })?;
    let name = official_name(r)?;
    let family = name.field("family");
    let family_name = canonical_name(family.str()?);
    if family_name.is_empty() {
        return Err(family.problem("holds no letters"));
    }
    let mut given = Vec::new();
    for part in name.field("given").items()? {
        given.push(part.str()?);
    }
    let given_name = canonical_name(&given.join(" "));
    if given_name.is_empty() {
        return Err(name.field("given").problem("is missing"));
    }
    let mut phones = Vec::new();
    for telecom in r.field("telecom").items()? {
        if telecom.field("system").opt_str()? != Some("phone") || phones.len() == 2 {
            continue;
        }
        // A number tend cannot read as ten digits is left out, as a
        // roster's would be refused: tend dials what it shows.
        if let Ok(phone) = normalize_phone(telecom.field("value").str()?) {
            phones.push(phone);
        }
    }
    let mut phones = phones.into_iter();
    let address = home_address(r)?;
    let mut lines = Vec::new();
    for line in address.field("line").items()? {
        lines.push(line.str()?);
    }
    Ok(RosterRow {
        line: 0,
        member_id,
        given_name,
        family_name,
        birth_date: r.field("birthDate").date()?,
        sex: r
            .field("gender")
            .opt_code(Sex::from_code, &Sex::ALL.map(|s| s.code()))?,
        gender_identity: r
            .extension(US_CORE_GENDER_IDENTITY)?
            .field("valueCodeableConcept")
            .concept_text()?
            .map(str::to_string),
        phone_primary: phones.next(),
        phone_secondary: phones.next(),
        address_line: (!lines.is_empty()).then(|| lines.join(", ")),
        city: address.field("city").opt_string()?,
        // A state or ZIP code of another form (another country's) is left
        // out, as a roster's would be refused.
        state: address
            .field("state")
            .opt_string()?
            .filter(|s| check_state(s).is_ok())
            .map(|s| s.trim().to_ascii_uppercase()),
        postal_code: address
            .field("postalCode")
            .opt_string()?
            .filter(|z| check_postal_code(z).is_ok())
            .map(|z| z.trim().to_string()),
        language: language_of(r)?,
        plan_name: covered.and_then(|c| c.plan_name.clone()),
        medicaid_id: covered.and_then(|c| c.medicaid_id.clone()),
        ..RosterRow::default()
    })
}

/// A Coverage in force on `today` (active, its period around the day):
/// whose it is (the beneficiary's reference) and what it gives their
/// record; or why it is passed over.
pub fn coverage(
    r: &Node<'_>,
    today: chrono::NaiveDate,
) -> Read<Result<(String, Covered), &'static str>> {
    if r.field("status").opt_str()? != Some("active") {
        return Ok(Err("not active"));
    }
    let period = r.field("period");
    if date_of(&period.field("end"))?.is_some_and(|end| end < today) {
        return Ok(Err("ended"));
    }
    if date_of(&period.field("start"))?.is_some_and(|start| start > today) {
        return Ok(Err("not begun"));
    }
    let beneficiary = r.field("beneficiary").field("reference").str()?.to_string();
    let mut plan_name = None;
    for class in r.field("class").items()? {
        let kind = class
            .field("type")
            .code_from("http://terminology.hl7.org/CodeSystem/coverage-class")?;
        if kind.map(|k| k.opt_str()).transpose()?.flatten() == Some("plan") {
            plan_name = match class.field("name").opt_string()? {
                Some(name) => Some(name),
                None => class.field("value").opt_string()?,
            };
        }
    }
    if plan_name.is_none() {
        plan_name = r.field("payor").first()?.field("display").opt_string()?;
    }
    let subscriber_id = r
        .field("subscriberId")
        .opt_string()?
        .map(|s| s.trim().to_string());
    // Medicaid by the Source of Payment Typology (its codes 2…), the payer
    // type US Core's Coverage names.
    let medicaid = r
        .field("type")
        .code_from("https://nahdo.org/sopt")?
        .map(|c| c.opt_str())
        .transpose()?
        .flatten()
        .is_some_and(|code| code.starts_with('2'));
    Ok(Ok((
        beneficiary,
        Covered {
            medicaid_id: subscriber_id.clone().filter(|_| medicaid),
            subscriber_id,
            plan_name,
        },
    )))
}

/// The official name, else the first.
fn official_name<'a>(r: &Node<'a>) -> Read<Node<'a>> {
    let names = r.field("name").items()?;
    for name in &names {
        if name.field("use").opt_str()? == Some("official") {
            return Ok(name.clone());
        }
    }
    r.field("name").first()
}

/// The home address, else the first.
fn home_address<'a>(r: &Node<'a>) -> Read<Node<'a>> {
    for address in r.field("address").items()? {
        if address.field("use").opt_str()? == Some("home") {
            return Ok(address);
        }
    }
    r.field("address").first()
}

/// The preferred language of `communication` (else the first), when it is
/// a BCP 47 tag tend knows; None otherwise (the member's stays as it is).
fn language_of(r: &Node<'_>) -> Read<Option<PreferredLanguage>> {
    let mut found = None;
    for communication in r.field("communication").items()? {
        let Some(code) = communication.field("language").code_from(system::BCP47)? else {
            continue;
        };
        let Ok(answer) = language::parse_code(code.str()?) else {
            continue;
        };
        let preferred = communication.field("preferred").opt_bool()? == Some(true);
        if found.is_none() || preferred {
            found = Some(answer);
        }
    }
    Ok(found)
}

/// A Condition of the problem list. Encounter diagnoses, and conditions
/// entered in error or refuted, are passed over.
pub fn condition(r: &Node<'_>) -> Read<Mapped> {
    if let Some(reason) = not_so(r)? {
        return Ok(Mapped::PassedOver(reason));
    }
    if is_encounter_diagnosis(r)? {
        // Read with its encounter, as one of the stay's diagnoses.
        return Ok(Mapped::PassedOver("an encounter diagnosis"));
    }
    let code = r.field("code");
    let display = code
        .concept_text()?
        .ok_or_else(|| code.field("text").problem("is missing"))?;
    let status = match r
        .field("clinicalStatus")
        .code_from(system::CONDITION_CLINICAL)?
    {
        Some(code) => code.opt_code(ConditionStatus::from_code, &ConditionStatus::codes())?,
        None => None,
    };
    Ok(Mapped::Row(SentRow::Condition(Condition {
        id: 0,
        patient_id: 0,
        code: code
            .code_from(system::ICD10CM)?
            .map(|c| c.str().map(str::to_string))
            .transpose()?,
        display: display.to_string(),
        clinical_status: status.unwrap_or_default(),
        onset_date: date_of(&r.field("onsetDateTime"))?,
    })))
}

/// An encounter diagnosis with an ICD-10-CM code (the code families the
/// transitions of care read, such as a mental illness for the FUH
/// clocks), and the encounter it names, if it names one; None for any
/// other Condition.
pub fn encounter_diagnosis(r: &Node<'_>) -> Read<Option<(Option<String>, Diagnosis)>> {
    if not_so(r)?.is_some() || !is_encounter_diagnosis(r)? {
        return Ok(None);
    }
    let code = r.field("code");
    let Some(icd) = code.code_from(system::ICD10CM)? else {
        return Ok(None);
    };
    let icd = icd.str()?.to_string();
    let display = code.concept_text()?.unwrap_or(&icd).to_string();
    Ok(Some((
        r.field("encounter").field("reference").opt_string()?,
        Diagnosis { code: icd, display },
    )))
}

fn is_encounter_diagnosis(r: &Node<'_>) -> Read<bool> {
    for category in r.field("category").items()? {
        if category
            .code_from("http://terminology.hl7.org/CodeSystem/condition-category")?
            .map(|c| c.opt_str())
            .transpose()?
            .flatten()
            == Some("encounter-diagnosis")
        {
            return Ok(true);
        }
    }
    Ok(false)
}

/// A MedicationRequest or MedicationStatement: active (or on hold) is
/// active, unless a statement's `effectivePeriod` ended before `today`;
/// completed, stopped and cancelled are stopped; the rest (a draft,
/// entered in error, unknown) is passed over, as is a medication given by
/// a reference to nothing in the input (or in the resource's `contained`)
/// that names it. `medications` holds the names of the input's Medication
/// resources by reference.
pub fn medication(
    r: &Node<'_>,
    resource_type: &str,
    medications: &std::collections::HashMap<String, String>,
    today: chrono::NaiveDate,
) -> Read<Mapped> {
    let status = r.field("status");
    let active = match status.str()? {
        "active" | "on-hold" | "intended" => true,
        "completed" | "stopped" | "cancelled" | "not-taken" => false,
        _ => return Ok(Mapped::PassedOver("not active, stopped or completed")),
    };
    // A statement is what the patient took, and when: one whose period
    // is over is a medication they no longer take, whatever its status.
    let ended = date_of(&r.field("effectivePeriod").field("end"))?;
    let active = active && ended.is_none_or(|end| end >= today);
    let concept = r.field("medicationCodeableConcept");
    let name = match concept.concept_text()? {
        Some(name) => Some(name.to_string()),
        None => match r
            .field("medicationReference")
            .field("reference")
            .opt_str()?
        {
            Some(local) if local.starts_with('#') => {
                let mut found = None;
                for resource in r.field("contained").items()? {
                    if resource.field("id").opt_str()? == Some(&local[1..]) {
                        found = resource.field("code").concept_text()?.map(str::to_string);
                    }
                }
                found
            }
            Some(reference) => medications.get(&super::reference_key(reference)).cloned(),
            None => None,
        },
    };
    let Some(name) = name else {
        return Ok(Mapped::PassedOver(
            "its medication named nowhere in the input",
        ));
    };
    let dosage = if resource_type == "MedicationRequest" {
        r.field("dosageInstruction").first()?
    } else {
        r.field("dosage").first()?
    };
    Ok(Mapped::Row(SentRow::Medication(Medication {
        id: 0,
        name,
        dose: dosage.field("text").opt_string()?,
        frequency: None,
        prescriber: r.field("requester").field("display").opt_string()?,
        active,
    })))
}

/// An AllergyIntolerance that is active (tend keeps an allergy while it
/// is); an inactive or resolved one, or one entered in error or refuted,
/// is passed over.
pub fn allergy(r: &Node<'_>) -> Read<Mapped> {
    if let Some(reason) = not_so(r)? {
        return Ok(Mapped::PassedOver(reason));
    }
    if let Some(code) = r.field("code").code_from("http://snomed.info/sct")? {
        if NO_KNOWN_ALLERGY.contains(&code.str()?) {
            return Ok(Mapped::PassedOver("a statement of no known allergy"));
        }
    }
    if let Some(code) = r
        .field("clinicalStatus")
        .code_from(system::ALLERGY_CLINICAL)?
    {
        if code.str()? != "active" {
            return Ok(Mapped::PassedOver("not active"));
        }
    }
    let (substance, reaction, criticality) = crate::fhir::import::record::allergy_fields(r)?;
    Ok(Mapped::Row(SentRow::Allergy {
        substance,
        reaction,
        criticality,
    }))
}

/// SNOMED CT's "no known … allergy" situations, which an
/// AllergyIntolerance may carry as its code: none of them is an allergy
/// for tend's list (no known allergy, drug, food, latex, environmental
/// allergy; no known insect allergy).
const NO_KNOWN_ALLERGY: &[&str] = &[
    "716186003",
    "409137002",
    "429625007",
    "716184000",
    "428607008",
    "428197003",
];

/// Why a Condition or an allergy is not so: entered in error, or refuted.
fn not_so(r: &Node<'_>) -> Read<Option<&'static str>> {
    let verification = r.field("verificationStatus");
    for coding in verification.field("coding").items()? {
        match coding.field("code").opt_str()? {
            Some("entered-in-error") => return Ok(Some("entered in error")),
            Some("refuted") => return Ok(Some("refuted")),
            _ => {}
        }
    }
    Ok(None)
}

/// The date of a dateTime (its first ten characters: the day as the
/// sender wrote it).
pub(super) fn date_of(node: &Node<'_>) -> Read<Option<chrono::NaiveDate>> {
    let Some(text) = node.opt_str()? else {
        return Ok(None);
    };
    let day = text.get(..10).unwrap_or(text);
    chrono::NaiveDate::parse_from_str(day, "%Y-%m-%d")
        .map(Some)
        .map_err(|_| node.problem("is not a date"))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn active(statement: serde_json::Value) -> bool {
        let today = chrono::NaiveDate::from_ymd_opt(2026, 11, 24).unwrap();
        let names = std::collections::HashMap::new();
        match medication(
            &Node::root(&statement),
            "MedicationStatement",
            &names,
            today,
        ) {
            Ok(Mapped::Row(SentRow::Medication(m))) => m.active,
            _ => panic!("not read as a medication"),
        }
    }

    #[test]
    fn a_statement_whose_period_has_ended_is_a_medication_stopped() {
        let mut statement = serde_json::json!({
            "resourceType": "MedicationStatement",
            "status": "active",
            "medicationCodeableConcept": { "text": "Metformin 500 mg" },
            "effectivePeriod": { "start": "2026-01-01", "end": "2026-11-23" },
        });
        assert!(!active(statement.clone()), "ended yesterday");
        statement["effectivePeriod"]["end"] = "2026-11-24".into();
        assert!(active(statement.clone()), "ends today");
        statement["effectivePeriod"] = serde_json::json!({ "start": "2026-01-01" });
        assert!(active(statement.clone()), "no end");
        statement["status"] = "completed".into();
        assert!(!active(statement));
    }
}
