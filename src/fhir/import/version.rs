//! Telling a bundle of another FHIR version from an R4 one, before anything
//! is read from it: a bundle written for R5 or STU3 often parses as JSON
//! just like R4's, and read as R4 it would lose or misread fields.
//!
//! What is detected (the first found is reported):
//! - an explicit version: `fhirVersion` on the Bundle or in its `meta`
//!   (some tools write one), or a `meta.profile` of the Bundle or of a
//!   resource that names a versioned core profile (`…|5.0.0`,
//!   `http://hl7.org/fhir/R5/…`, `http://hl7.org/fhir/3.0/…`);
//! - elements R4 does not have, in the resources tend reads: those R5
//!   added or renamed and those STU3 (or DSTU2) had and R4 dropped, listed
//!   in [`MARKERS`];
//! - elements whose shape changed: STU3's `clinicalStatus` and
//!   `verificationStatus` on Condition and AllergyIntolerance were codes
//!   (text) where R4 has a CodeableConcept.

use serde_json::Value;

use super::bundle::Entry;

/// FHIR releases other than R4, by the version number's start.
const RELEASES: &[(&str, &str)] = &[
    ("6.", "R6"),
    ("5.", "R5"),
    ("4.3", "R4B"),
    ("4.1", "R4B"),
    ("3.", "STU3"),
    ("1.0", "DSTU2"),
    ("1.", "an early draft"),
    ("0.", "an early draft"),
];

/// Which element, in which resource type, gives a version away.
enum Shape {
    /// The element is there at all.
    Present,
    /// The element is plain text where R4 has an object.
    Text,
}

/// (release, resource type, element path, shape). `[]` steps into each
/// item of a list.
const MARKERS: &[(&str, &str, &str, Shape)] = &[
    ("R5", "Bundle", "issues", Shape::Present),
    ("R5", "MedicationStatement", "medication", Shape::Present),
    ("R5", "MedicationStatement", "adherence", Shape::Present),
    (
        "R5",
        "MedicationStatement",
        "relatedClinicalInformation",
        Shape::Present,
    ),
    (
        "R5",
        "MedicationStatement",
        "renderedDosageInstruction",
        Shape::Present,
    ),
    ("R5", "Condition", "participant", Shape::Present),
    ("R5", "AllergyIntolerance", "participant", Shape::Present),
    ("R5", "CarePlan", "custodian", Shape::Present),
    (
        "R5",
        "CarePlan",
        "activity[].performedActivity",
        Shape::Present,
    ),
    (
        "R5",
        "CarePlan",
        "activity[].plannedActivityReference",
        Shape::Present,
    ),
    ("R5", "Task", "requestedPerformer", Shape::Present),
    ("R5", "Task", "requestedPeriod", Shape::Present),
    ("R5", "Task", "performer", Shape::Present),
    ("R5", "Task", "doNotPerform", Shape::Present),
    ("R5", "Goal", "continuous", Shape::Present),
    ("R5", "Observation", "triggeredBy", Shape::Present),
    ("R5", "Observation", "bodyStructure", Shape::Present),
    ("R5", "Observation", "instantiatesCanonical", Shape::Present),
    (
        "R5",
        "Communication",
        "payload[].contentCodeableConcept",
        Shape::Present,
    ),
    (
        "R5",
        "CareTeam",
        "participant[].coveragePeriod",
        Shape::Present,
    ),
    (
        "R5",
        "CareTeam",
        "participant[].coverageTiming",
        Shape::Present,
    ),
    ("R5", "Practitioner", "deceasedBoolean", Shape::Present),
    ("R5", "Practitioner", "deceasedDateTime", Shape::Present),
    ("STU3", "Patient", "animal", Shape::Present),
    ("STU3", "Goal", "status", Shape::Present),
    ("STU3", "Condition", "assertedDate", Shape::Present),
    ("STU3", "Condition", "context", Shape::Present),
    ("STU3", "Condition", "clinicalStatus", Shape::Text),
    ("STU3", "Condition", "verificationStatus", Shape::Text),
    ("STU3", "AllergyIntolerance", "assertedDate", Shape::Present),
    ("STU3", "AllergyIntolerance", "clinicalStatus", Shape::Text),
    (
        "STU3",
        "AllergyIntolerance",
        "verificationStatus",
        Shape::Text,
    ),
    ("STU3", "MedicationStatement", "taken", Shape::Present),
    (
        "STU3",
        "MedicationStatement",
        "reasonNotTaken",
        Shape::Present,
    ),
    ("STU3", "CarePlan", "definition", Shape::Present),
    ("STU3", "CarePlan", "context", Shape::Present),
    ("STU3", "Task", "context", Shape::Present),
    ("STU3", "Task", "definitionReference", Shape::Present),
    ("STU3", "Task", "definitionUri", Shape::Present),
    ("STU3", "Communication", "context", Shape::Present),
    ("STU3", "Communication", "definition", Shape::Present),
    ("STU3", "Communication", "notDone", Shape::Present),
    ("STU3", "Observation", "context", Shape::Present),
    ("STU3", "CareTeam", "context", Shape::Present),
    ("DSTU2", "Patient", "careProvider", Shape::Present),
    ("DSTU2", "Condition", "patient", Shape::Present),
];

/// Why the bundle is not R4, worded to follow "it is ": None when nothing
/// says so.
pub fn other_version(bundle: &Value, entries: &[Entry<'_>]) -> Option<String> {
    let declared = [&bundle["fhirVersion"], &bundle["meta"]["fhirVersion"]]
        .into_iter()
        .find_map(|v| v.as_str());
    if let Some(version) = declared {
        if !version.starts_with("4.0") {
            return Some(format!(
                "a FHIR {} bundle (its fhirVersion says so)",
                release(version)
            ));
        }
    }
    if let Some(found) = profile_release(bundle) {
        return Some(format!("a FHIR {found} bundle (its meta.profile says so)"));
    }
    if let Some((release, _, path, _)) = marker(bundle, "Bundle") {
        return Some(format!(
            "a FHIR {release} bundle (the Bundle has {path}, which R4 does not)"
        ));
    }
    for entry in entries {
        if let Some(found) = profile_release(entry.resource) {
            return Some(format!(
                "a FHIR {found} bundle (entry {}, {}: its meta.profile says so)",
                entry.index,
                entry.name()
            ));
        }
        if let Some((release, _, path, shape)) = marker(entry.resource, entry.resource_type) {
            let how = match shape {
                Shape::Present => format!("has {path}, which R4 does not"),
                Shape::Text => format!("has {path} as a code, where R4 has a CodeableConcept"),
            };
            return Some(format!(
                "a FHIR {release} bundle (entry {}, {} {how})",
                entry.index,
                entry.name()
            ));
        }
    }
    None
}

/// The FHIR release other than R4 that one resource gives away, and how
/// (as [`other_version`] says it for a bundle's entry): for a resource
/// read alone, a line of a bulk export.
pub fn resource_release(resource: &Value, resource_type: &str) -> Option<String> {
    if let Some(found) = profile_release(resource) {
        return Some(format!("FHIR {found} (its meta.profile says so)"));
    }
    let (release, _, path, shape) = marker(resource, resource_type)?;
    Some(match shape {
        Shape::Present => format!("FHIR {release} (it has {path}, which R4 does not)"),
        Shape::Text => {
            format!("FHIR {release} (it has {path} as a code, where R4 has a CodeableConcept)")
        }
    })
}

fn release(version: &str) -> &'static str {
    RELEASES
        .iter()
        .find(|(start, _)| version.starts_with(start))
        .map_or("other than R4", |(_, name)| name)
}

/// The release a versioned core profile in `meta.profile` names, if any.
fn profile_release(resource: &Value) -> Option<&'static str> {
    let profiles = resource["meta"]["profile"].as_array()?;
    profiles
        .iter()
        .filter_map(Value::as_str)
        .find_map(|profile| {
            if let Some((_, version)) = profile.rsplit_once('|') {
                return (!version.starts_with("4.0")).then(|| release(version));
            }
            let rest = profile.strip_prefix(CORE_PROFILES)?;
            let segment = rest.split('/').next()?;
            CORE_SEGMENTS
                .iter()
                .find(|(name, _)| *name == segment)
                .map(|(_, release)| *release)
        })
}

/// Where the core profiles of each release live: `CORE_PROFILES` and one
/// of these segments (`http://hl7.org/fhir/R5/…`).
const CORE_PROFILES: &str = "http://hl7.org/fhir/";
const CORE_SEGMENTS: &[(&str, &str)] = &[
    ("R5", "R5"),
    ("5.0", "R5"),
    ("R4B", "R4B"),
    ("4.3", "R4B"),
    ("STU3", "STU3"),
    ("3.0", "STU3"),
    ("DSTU2", "DSTU2"),
    ("1.0", "DSTU2"),
];

/// Text whose absence from a resource's JSON, as sent, shows that
/// [`resource_release`] would find nothing in it: a `|` (a versioned
/// profile), a core profile of another release, an element that gives a
/// release away (as a key), or an escape that could spell any of them
/// (`\u00` and an ASCII character's code, `\/`; not the `\"` and `\u2014`
/// every narrative holds). For a pass that may leave unread the many
/// resources of a type it has no use for, and must still refuse one of
/// another version.
pub fn telltales(resource_type: &str) -> Vec<String> {
    let mut found: Vec<String> = vec!["|".into(), r"\u00".into(), r"\/".into()];
    for (segment, _) in CORE_SEGMENTS {
        found.push(format!("hl7.org/fhir/{segment}"));
    }
    for (_, kind, path, _) in MARKERS {
        if *kind == resource_type {
            let key = path.split(['.', '[']).next().unwrap_or(path);
            found.push(format!("\"{key}\""));
        }
    }
    found
}

fn marker<'m>(
    resource: &Value,
    resource_type: &str,
) -> Option<(&'m str, &'m str, &'m str, &'m Shape)> {
    MARKERS
        .iter()
        .filter(|(_, kind, _, _)| *kind == resource_type)
        .find(|(_, _, path, shape)| has(resource, path, shape))
        .map(|(release, kind, path, shape)| (*release, *kind, *path, shape))
}

fn has(value: &Value, path: &str, shape: &Shape) -> bool {
    let (step, rest) = match path.split_once('.') {
        Some((step, rest)) => (step, Some(rest)),
        None => (path, None),
    };
    let (key, each) = match step.strip_suffix("[]") {
        Some(key) => (key, true),
        None => (step, false),
    };
    let Some(found) = value.get(key).filter(|v| !v.is_null()) else {
        return false;
    };
    match (rest, each) {
        (Some(rest), true) => found
            .as_array()
            .is_some_and(|items| items.iter().any(|item| has(item, rest, shape))),
        (Some(rest), false) => has(found, rest, shape),
        (None, _) => match shape {
            Shape::Present => true,
            Shape::Text => found.is_string(),
        },
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn nested_markers_step_into_lists() {
        let plan = json!({"activity": [{"detail": {}}, {"performedActivity": [{}]}]});
        assert!(has(&plan, "activity[].performedActivity", &Shape::Present));
        assert!(!has(
            &plan,
            "activity[].plannedActivityReference",
            &Shape::Present
        ));
        let stu3 = json!({"clinicalStatus": "active"});
        let r4 = json!({"clinicalStatus": {"coding": []}});
        assert!(has(&stu3, "clinicalStatus", &Shape::Text));
        assert!(!has(&r4, "clinicalStatus", &Shape::Text));
    }

    #[test]
    fn versioned_profiles_name_their_release() {
        let r5 =
            json!({"meta": {"profile": ["http://hl7.org/fhir/StructureDefinition/Bundle|5.0.0"]}});
        let r4 =
            json!({"meta": {"profile": ["http://hl7.org/fhir/StructureDefinition/Bundle|4.0.1"]}});
        let stu3 =
            json!({"meta": {"profile": ["http://hl7.org/fhir/STU3/StructureDefinition/Patient"]}});
        let local =
            json!({"meta": {"profile": ["https://example.org/fhir/StructureDefinition/x"]}});
        assert_eq!(profile_release(&r5), Some("R5"));
        assert_eq!(profile_release(&r4), None);
        assert_eq!(profile_release(&stu3), Some("STU3"));
        assert_eq!(profile_release(&local), None);
        assert_eq!(release("4.3.0"), "R4B");
        assert_eq!(release("9.9"), "other than R4");
    }
}
