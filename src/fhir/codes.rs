//! Every URL, code system and code that tend writes into FHIR, and the
//! tables that turn tend's codes into FHIR's and back: the export and the
//! import both read them from here, so the two cannot drift apart.
//!
//! Where FHIR R4 or one of its terminologies has a code system for a value,
//! tend writes that system's code; where tend's own codes say more (a "do
//! not call" flag, a "collateral contact"), it writes its own code system
//! beside it, under [`BASE`], and the import reads tend's code first.

use crate::domain::care_plan::GoalPriority;
use crate::domain::encounter::{Disposition, EncounterClass};
use crate::domain::note::Method;
use crate::domain::patient::{FlagKind, RiskTier};
use crate::domain::task::TaskKind;

mod loops;
mod screenings;
pub use loops::*;
pub use screenings::*;

/// Where tend's resources, extensions and code systems are named. The
/// `.example` domain is reserved: these are names, not addresses to fetch.
pub const BASE: &str = "https://tend.example/fhir";

/// The FHIR version tend writes and reads.
pub const FHIR_VERSION: &str = "4.0.1";

/// Identifier systems.
pub mod id_system {
    pub const MEMBER_ID: &str = "urn:tend:member-id";
    pub const MEDICAID_ID: &str = "urn:tend:medicaid-id";
    /// A coordinator's tend user name.
    pub const USERNAME: &str = "urn:tend:username";
    /// An encounter's visit number from a feed: this prefix and the
    /// sending system (application and facility), percent-encoded
    /// ([`super::source_system_uri`]).
    pub const ADT_SOURCE: &str = "urn:tend:adt-source:";
    /// A community service's id in the resource directory (Open Referral
    /// HSDS `services.id`), on the HealthcareService a referral went to:
    /// kept after the service is removed from the directory.
    pub const HSDS_SERVICE: &str = "urn:tend:hsds-service";
}

/// Extensions: FHIR's own where R4 defines one, tend's otherwise.
pub mod ext {
    /// R4 core extension on Patient (valueBoolean).
    pub const INTERPRETER_REQUIRED: &str =
        "http://hl7.org/fhir/StructureDefinition/patient-interpreterRequired";
    /// R4 core extension on any element whose value is missing, saying why
    /// (valueCode from http://hl7.org/fhir/ValueSet/data-absent-reason):
    /// tend writes it on `Patient.communication.language` for a patient who
    /// declined to say ([`super::ASKED_DECLINED`]).
    pub const DATA_ABSENT_REASON: &str =
        "http://hl7.org/fhir/StructureDefinition/data-absent-reason";
    /// R4 core extension on Patient (valueCodeableConcept; tend keeps text).
    pub const GENDER_IDENTITY: &str =
        "http://hl7.org/fhir/StructureDefinition/patient-genderIdentity";
    pub const PRONOUNS: &str = "https://tend.example/fhir/StructureDefinition/pronouns";
    /// valueCoding from [`super::system::RISK_TIER`].
    pub const RISK_TIER: &str = "https://tend.example/fhir/StructureDefinition/risk-tier";
    /// Complex: `status` (valueCode: outreach, enrolled, disenrolled) and
    /// `period` (valuePeriod: enrolled on, ended on).
    pub const ENROLLMENT: &str = "https://tend.example/fhir/StructureDefinition/enrollment";
    pub const PLAN_NAME: &str = "https://tend.example/fhir/StructureDefinition/plan-name";
    /// Complex: `status` (valueCode: none, active, revoked) and `expires` (valueDate).
    pub const CONSENT: &str = "https://tend.example/fhir/StructureDefinition/consent-to-share";
    pub const ADVANCE_DIRECTIVE: &str =
        "https://tend.example/fhir/StructureDefinition/advance-directive-on-file";
    pub const BEST_TIME_TO_CALL: &str =
        "https://tend.example/fhir/StructureDefinition/best-time-to-call";
    pub const MEDICATIONS_RECONCILED: &str =
        "https://tend.example/fhir/StructureDefinition/medications-reconciled";
    /// The last contact that reached the patient (valueDateTime).
    pub const LAST_CONTACT: &str = "https://tend.example/fhir/StructureDefinition/last-contact";
    /// On MedicationStatement.dosage: the dose as written (valueString).
    pub const DOSE: &str = "https://tend.example/fhir/StructureDefinition/dose";
    /// On MedicationStatement: who prescribed it, as named (valueString).
    pub const PRESCRIBER: &str = "https://tend.example/fhir/StructureDefinition/prescriber";
    /// On CarePlan: when the plan is next reviewed (valueDate).
    pub const NEXT_REVIEW: &str = "https://tend.example/fhir/StructureDefinition/next-review";
    /// On Task (valueBoolean).
    pub const HARD_DEADLINE: &str = "https://tend.example/fhir/StructureDefinition/hard-deadline";
    /// On Task: the repeat rule, "14d", "2w", "1m" (valueString).
    pub const RECURRENCE: &str = "https://tend.example/fhir/StructureDefinition/recurrence";
    /// On Task: the occurrence it repeats (valueReference to a Task).
    pub const PREVIOUS_OCCURRENCE: &str =
        "https://tend.example/fhir/StructureDefinition/previous-occurrence";
    /// On Communication (valueCode: outbound, inbound).
    pub const CONTACT_DIRECTION: &str =
        "https://tend.example/fhir/StructureDefinition/contact-direction";
    /// On Communication (valueCode: patient, caregiver, provider, agency).
    pub const CONTACT_PARTY: &str = "https://tend.example/fhir/StructureDefinition/contact-party";
    /// On Communication (valueCode: reached, no-answer, left-voicemail,
    /// wrong-number, declined).
    pub const CONTACT_OUTCOME: &str =
        "https://tend.example/fhir/StructureDefinition/contact-outcome";
    /// On Communication (valueDuration in minutes).
    pub const CONTACT_DURATION: &str =
        "https://tend.example/fhir/StructureDefinition/contact-duration";
    /// On Communication: when the note was signed (valueDateTime).
    pub const SIGNED: &str = "https://tend.example/fhir/StructureDefinition/signed";
    /// On Encounter: the transitional care complexity (valueCode: moderate, high).
    pub const ENCOUNTER_COMPLEXITY: &str =
        "https://tend.example/fhir/StructureDefinition/encounter-complexity";
    /// On Encounter: who was seen at a follow-up visit (valueCode:
    /// mental-health, substance-use, primary-care, other).
    pub const PROVIDER_KIND: &str = "https://tend.example/fhir/StructureDefinition/provider-kind";
    /// On Encounter: the stay this admission readmits to (valueReference
    /// to an Encounter). Worked out again on import, never read back.
    pub const READMISSION_OF: &str = "https://tend.example/fhir/StructureDefinition/readmission-of";
    /// On Encounter: the day tend learned of the admission (valueDate),
    /// which meets (or misses) its notification clock; read back on import.
    pub const ADMISSION_NOTIFIED: &str =
        "https://tend.example/fhir/StructureDefinition/admission-notified";
    /// On Task: the work of a transition clock. Complex: `kind` (valueCode,
    /// the clock's kind) and `encounter` (valueReference to the Encounter).
    pub const TRANSITION_CLOCK: &str =
        "https://tend.example/fhir/StructureDefinition/transition-clock";
    /// On ServiceRequest, Appointment and Claim: where the closed loop
    /// stands in tend's own terms, which FHIR's status codes are coarser
    /// than (`super::service_request_status`). Complex: `status`
    /// (valueCode, tend's status), `on` (valueDate, the day it was set),
    /// `note` (valueString, what the receiver or payer said, why it was
    /// declined or cancelled) and, on a closed referral, `confirmation`
    /// (valueCode: how receipt was confirmed).
    pub const LOOP_STATUS: &str = "https://tend.example/fhir/StructureDefinition/loop-status";
    /// On Task: which step of a closed loop it is (valueCode: `next-step`,
    /// `reminder`, `outreach`); `Task.focus` names the loop's
    /// ServiceRequest, Appointment or Claim.
    pub const LOOP_STEP: &str = "https://tend.example/fhir/StructureDefinition/loop-step";
    /// On Appointment: what the member needs to get there and whether it
    /// is arranged. R4 has no extension for this (its interpreterRequired
    /// is the Patient's, not a visit's). Complex, each valueBoolean and
    /// written only when true: `transport-needed`, `transport-arranged`,
    /// `interpreter-needed`, `interpreter-arranged`.
    pub const ARRANGEMENTS: &str = "https://tend.example/fhir/StructureDefinition/arrangements";
    /// On a rescheduled Appointment: the one booked in its place
    /// (valueReference to an Appointment).
    pub const RESCHEDULED_TO: &str = "https://tend.example/fhir/StructureDefinition/rescheduled-to";
    /// On Appointment, which has no author element: the coordinator who
    /// recorded it (valueReference to a Practitioner).
    pub const RECORDED_BY: &str = "https://tend.example/fhir/StructureDefinition/recorded-by";
    /// On Claim: the day the prior authorization was sent to the payer
    /// (valueDate); `Claim.created` is when tend wrote it down.
    pub const SUBMITTED: &str = "https://tend.example/fhir/StructureDefinition/submitted";
    /// On QuestionnaireResponse: the screening as tend keeps it. Complex:
    /// `instrument` (valueString, the instrument's id: `phq-9`), `name`
    /// (valueString, as shown: `PHQ-9`) and, on a correction, `corrects`
    /// (valueReference to the QuestionnaireResponse it corrects).
    pub const SCREENING: &str = "https://tend.example/fhir/StructureDefinition/screening";
    /// On QuestionnaireResponse.item: the answer as tend keeps it. Complex:
    /// `position` (valueInteger, the item's place in the instrument, from
    /// 0), `option` (valueInteger, repeated: each option chosen, by its
    /// place from 0), `score` (valueInteger) and `label` (valueString, the
    /// options' words as chosen, joined with "; ").
    pub const SCREENING_ANSWER: &str =
        "https://tend.example/fhir/StructureDefinition/screening-answer";
}

/// Code systems.
pub mod system {
    pub const BCP47: &str = "urn:ietf:bcp:47";
    pub const ICD10CM: &str = "http://hl7.org/fhir/sid/icd-10-cm";
    pub const CONDITION_CLINICAL: &str = "http://terminology.hl7.org/CodeSystem/condition-clinical";
    /// problem-list-item (R4's condition-category has no health-concern).
    pub const CONDITION_CATEGORY: &str = "http://terminology.hl7.org/CodeSystem/condition-category";
    /// health-concern: US Core's extension of the R4 value set.
    pub const US_CORE_CONDITION_CATEGORY: &str =
        "http://hl7.org/fhir/us/core/CodeSystem/condition-category";
    pub const ALLERGY_CLINICAL: &str =
        "http://terminology.hl7.org/CodeSystem/allergyintolerance-clinical";
    pub const GOAL_PRIORITY: &str = "http://terminology.hl7.org/CodeSystem/goal-priority";
    pub const FLAG_CATEGORY: &str = "http://terminology.hl7.org/CodeSystem/flag-category";
    pub const PARTICIPATION_MODE: &str =
        "http://terminology.hl7.org/CodeSystem/v3-ParticipationMode";
    pub const UCUM: &str = "http://unitsofmeasure.org";
    /// Encounter.class.
    pub const ACT_CODE: &str = "http://terminology.hl7.org/CodeSystem/v3-ActCode";
    pub const DISCHARGE_DISPOSITION: &str =
        "http://terminology.hl7.org/CodeSystem/discharge-disposition";
    /// HL7 v2 table 0112, the discharge disposition as a feed sent it.
    pub const V2_DISCHARGE_DISPOSITION: &str = "http://terminology.hl7.org/CodeSystem/v2-0112";
    /// tend's grouping of the discharge disposition (the rules' own).
    pub const DISPOSITION: &str = "https://tend.example/fhir/CodeSystem/disposition";
    pub const NEED_DOMAIN: &str = "https://tend.example/fhir/CodeSystem/need-domain";
    pub const RISK_TIER: &str = "https://tend.example/fhir/CodeSystem/risk-tier";
    pub const FLAG_KIND: &str = "https://tend.example/fhir/CodeSystem/flag-kind";
    pub const TASK_KIND: &str = "https://tend.example/fhir/CodeSystem/task-kind";
    pub const CONTACT_METHOD: &str = "https://tend.example/fhir/CodeSystem/contact-method";
    pub const OBSERVATION: &str = "https://tend.example/fhir/CodeSystem/observation";
    pub const SNOMED: &str = "http://snomed.info/sct";
    /// US Core's category codes: `sdoh` is the category of a service
    /// request for a social need (SDOH Clinical Care's service category
    /// value set).
    pub const US_CORE_CATEGORY: &str = "http://hl7.org/fhir/us/core/CodeSystem/us-core-category";
    /// tend's own kind of referral (clinical, community), beside FHIR's.
    pub const REFERRAL_KIND: &str = "https://tend.example/fhir/CodeSystem/referral-kind";
    /// Appointment.participant.type: the primary performer and the location.
    pub const PARTICIPATION_TYPE: &str =
        "http://terminology.hl7.org/CodeSystem/v3-ParticipationType";
    pub const CLAIM_TYPE: &str = "http://terminology.hl7.org/CodeSystem/claim-type";
    pub const PROCESS_PRIORITY: &str = "http://terminology.hl7.org/CodeSystem/processpriority";
    /// What an authorized item is coded in: the URIs of FHIR's
    /// terminology list and US Core's (HCPCS level II by its OID).
    pub const CPT: &str = "http://www.ama-assn.org/go/cpt";
    pub const HCPCS: &str = "urn:oid:2.16.840.1.113883.6.285";
    pub const RXNORM: &str = "http://www.nlm.nih.gov/research/umls/rxnorm";
    pub const NDC: &str = "http://hl7.org/fhir/sid/ndc";
    /// Screening answers, panels and totals.
    pub const LOINC: &str = "http://loinc.org";
    pub const OBSERVATION_CATEGORY: &str =
        "http://terminology.hl7.org/CodeSystem/observation-category";
}

/// Category of an encounter's diagnosis (a contained Condition).
pub const ENCOUNTER_DIAGNOSIS: (&str, &str) = ("encounter-diagnosis", "Encounter Diagnosis");

/// The data-absent-reason code of a preferred language the patient was
/// asked for and declined to give.
pub const ASKED_DECLINED: &str = "asked-declined";

/// Category of a diagnosis Condition.
pub const PROBLEM_LIST_ITEM: (&str, &str) = ("problem-list-item", "Problem List Item");
/// Category of a need (a Condition the care plan addresses).
pub const HEALTH_CONCERN: (&str, &str) = ("health-concern", "Health Concern");
/// The Observation code of a goal's progress entry.
pub const GOAL_PROGRESS: (&str, &str) = ("goal-progress", "Progress toward a care-plan goal");

// A condition's clinical status and an allergy's criticality are FHIR's
// codes, kept with their labels in `domain::clinical` (one list for the
// forms, the store, this mapping and the generator).

/// MedicationStatement.status for tend's active and stopped medications.
pub fn medication_status(active: bool) -> &'static str {
    if active {
        "active"
    } else {
        "stopped"
    }
}

/// Flag.status for a flag shown and one taken down.
pub fn flag_status(active: bool) -> &'static str {
    if active {
        "active"
    } else {
        "inactive"
    }
}

/// A need's Condition.clinicalStatus.
pub fn need_status(resolved: bool) -> &'static str {
    if resolved {
        "resolved"
    } else {
        "active"
    }
}

/// Task.intent: an intervention is part of the care plan; any other task
/// is work ordered for the coordinator.
pub fn task_intent(serves_goal: bool) -> &'static str {
    if serves_goal {
        "plan"
    } else {
        "order"
    }
}

/// The flag-category code closest to a flag's kind, when one fits: a
/// "do not call" flag is about contacting the subject. tend's own code goes
/// beside it, so the import knows the kind exactly.
pub fn flag_category(kind: FlagKind) -> Option<(&'static str, &'static str)> {
    match kind {
        FlagKind::Safety => Some(("safety", "Safety")),
        FlagKind::DoNotCall => Some(("contact", "Subject Contact")),
        FlagKind::Other => None,
    }
}

/// The v3 ParticipationMode of a contact method, when one fits. A text
/// message has none in R4's release of the code system, and a collateral
/// contact says with whom, not how; both keep tend's code alone.
pub fn participation_mode(method: Method) -> Option<(&'static str, &'static str)> {
    match method {
        Method::Phone => Some(("PHONE", "telephone")),
        Method::InPerson | Method::HomeVisit => Some(("FACE", "face-to-face")),
        Method::Telehealth => Some(("VIDEOCONF", "videoconferencing")),
        Method::Letter => Some(("MAILWRIT", "mail")),
        Method::Text | Method::Collateral => None,
    }
}

/// The display of a task kind in tend's task-kind code system.
pub fn task_kind_display(kind: TaskKind) -> &'static str {
    match kind {
        TaskKind::Call => "Call",
        TaskKind::FollowUp => "Follow-up",
        TaskKind::Referral => "Referral",
        TaskKind::Appointment => "Appointment",
        TaskKind::CarePlanReview => "Care-plan review",
        TaskKind::Admin => "Administrative",
        TaskKind::Other => "Other",
    }
}

/// The display of a goal priority in FHIR's goal-priority code system.
pub fn goal_priority_display(priority: GoalPriority) -> &'static str {
    match priority {
        GoalPriority::High => "High Priority",
        GoalPriority::Medium => "Medium Priority",
        GoalPriority::Low => "Low Priority",
    }
}

/// Encounter.class: the v3 ActCode of each class (a skilled nursing or
/// rehabilitation stay is inpatient non-acute).
pub fn encounter_class(class: EncounterClass) -> (&'static str, &'static str) {
    match class {
        EncounterClass::Emergency => ("EMER", "emergency"),
        EncounterClass::Inpatient => ("IMP", "inpatient encounter"),
        EncounterClass::Observation => ("OBSENC", "observation encounter"),
        EncounterClass::SkilledNursing => ("NONAC", "inpatient non-acute"),
        EncounterClass::Outpatient => ("AMB", "ambulatory"),
    }
}

pub fn encounter_class_from_code(code: &str) -> Option<EncounterClass> {
    EncounterClass::ALL
        .iter()
        .copied()
        .find(|class| encounter_class(*class).0 == code)
}

/// The FHIR discharge-disposition code closest to tend's grouping; tend's
/// own code goes beside it (home with home health is "home" there).
pub fn discharge_disposition(d: Disposition) -> (&'static str, &'static str) {
    match d {
        Disposition::Home | Disposition::HomeHealth => ("home", "Home"),
        Disposition::SkilledNursing => ("snf", "Skilled nursing facility"),
        // R4's "hosp" is a hospice: a transfer to another hospital is
        // "other-hcf".
        Disposition::AcuteTransfer | Disposition::OtherFacility => {
            ("other-hcf", "Other healthcare facility")
        }
        Disposition::Hospice => ("hosp", "Hospice"),
        Disposition::LeftAgainstAdvice => ("aadvice", "Left against advice"),
        Disposition::Expired => ("exp", "Expired"),
        Disposition::Other => ("oth", "Other"),
    }
}

/// tend's grouping of a FHIR discharge-disposition code, for a bundle
/// that does not carry tend's own.
pub fn disposition_from_fhir(code: &str) -> Disposition {
    match code {
        "home" | "alt-home" => Disposition::Home,
        "snf" | "rehab" | "long" => Disposition::SkilledNursing,
        "other-hcf" => Disposition::AcuteTransfer,
        "aadvice" => Disposition::LeftAgainstAdvice,
        "exp" => Disposition::Expired,
        "hosp" => Disposition::Hospice,
        _ => Disposition::Other,
    }
}

/// The identifier system of a feed's visit numbers: [`id_system::ADT_SOURCE`]
/// and the sending system, every byte but letters, digits and `-._~`
/// percent-encoded (so a `^` or a space makes a valid URI).
pub fn source_system_uri(source: &str) -> String {
    format!("{}{}", id_system::ADT_SOURCE, percent_encoded(source))
}

/// The sending system of an identifier system written by
/// [`source_system_uri`]; None for another system or a bad encoding.
pub fn source_system_of(uri: &str) -> Option<String> {
    percent_decoded(uri.strip_prefix(id_system::ADT_SOURCE)?)
}

/// Text with every byte but letters, digits and `-._~` percent-encoded:
/// what may follow a URI's prefix.
fn percent_encoded(text: &str) -> String {
    let mut uri = String::new();
    for b in text.bytes() {
        if b.is_ascii_alphanumeric() || b"-._~".contains(&b) {
            uri.push(b as char);
        } else {
            uri.push_str(&format!("%{b:02X}"));
        }
    }
    uri
}

/// The text [`percent_encoded`] made; None for a bad encoding.
fn percent_decoded(encoded: &str) -> Option<String> {
    let mut bytes = Vec::new();
    let mut rest = encoded.as_bytes();
    while let Some((&b, tail)) = rest.split_first() {
        if b == b'%' {
            let hex = std::str::from_utf8(tail.get(..2)?).ok()?;
            bytes.push(u8::from_str_radix(hex, 16).ok()?);
            rest = &tail[2..];
        } else {
            bytes.push(b);
            rest = tail;
        }
    }
    String::from_utf8(bytes).ok()
}

pub fn risk_tier_code(tier: RiskTier) -> &'static str {
    match tier {
        RiskTier::Low => "low",
        RiskTier::Medium => "medium",
        RiskTier::High => "high",
        RiskTier::VeryHigh => "very-high",
    }
}

pub fn risk_tier_from_code(code: &str) -> Option<RiskTier> {
    RiskTier::ALL
        .into_iter()
        .find(|tier| risk_tier_code(*tier) == code)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn risk_tier_codes_round_trip() {
        for tier in RiskTier::ALL {
            assert_eq!(risk_tier_from_code(risk_tier_code(tier)), Some(tier));
        }
        assert_eq!(risk_tier_from_code("very high"), None);
    }

    #[test]
    fn encounter_codes_round_trip() {
        for &class in EncounterClass::ALL {
            assert_eq!(
                encounter_class_from_code(encounter_class(class).0),
                Some(class)
            );
        }
        for &d in Disposition::ALL {
            let back = disposition_from_fhir(discharge_disposition(d).0);
            let expected = match d {
                Disposition::HomeHealth => Disposition::Home,
                Disposition::OtherFacility => Disposition::AcuteTransfer,
                other => other,
            };
            assert_eq!(back, expected, "{d:?}");
        }
        for source in ["EPIC^GENERAL HOSP", "ADT|Señora", ""] {
            let uri = source_system_uri(source);
            assert!(uri.bytes().all(|b| b.is_ascii_graphic()), "{uri}");
            assert_eq!(source_system_of(&uri).as_deref(), Some(source));
        }
        assert_eq!(source_system_of("urn:tend:adt-source:%Z1"), None);
        assert_eq!(source_system_of("urn:other:x"), None);
    }

    #[test]
    fn every_extension_url_is_absolute_and_distinct() {
        let urls = [
            ext::INTERPRETER_REQUIRED,
            ext::GENDER_IDENTITY,
            ext::PRONOUNS,
            ext::RISK_TIER,
            ext::ENROLLMENT,
            ext::PLAN_NAME,
            ext::CONSENT,
            ext::ADVANCE_DIRECTIVE,
            ext::BEST_TIME_TO_CALL,
            ext::MEDICATIONS_RECONCILED,
            ext::LAST_CONTACT,
            ext::DOSE,
            ext::PRESCRIBER,
            ext::NEXT_REVIEW,
            ext::HARD_DEADLINE,
            ext::RECURRENCE,
            ext::PREVIOUS_OCCURRENCE,
            ext::CONTACT_DIRECTION,
            ext::CONTACT_PARTY,
            ext::CONTACT_OUTCOME,
            ext::CONTACT_DURATION,
            ext::SIGNED,
            ext::ENCOUNTER_COMPLEXITY,
            ext::PROVIDER_KIND,
            ext::READMISSION_OF,
            ext::ADMISSION_NOTIFIED,
            ext::TRANSITION_CLOCK,
            ext::LOOP_STATUS,
            ext::LOOP_STEP,
            ext::ARRANGEMENTS,
            ext::RESCHEDULED_TO,
            ext::RECORDED_BY,
            ext::SUBMITTED,
            ext::SCREENING,
            ext::SCREENING_ANSWER,
        ];
        let mut seen = std::collections::HashSet::new();
        for url in urls {
            assert!(
                url.starts_with("http://hl7.org/fhir/StructureDefinition/")
                    || url.starts_with(&format!("{BASE}/StructureDefinition/")),
                "{url}"
            );
            assert!(seen.insert(url), "{url} twice");
        }
    }
}
