//! A bundle's entries, how they are found by reference, and the check that
//! every reference in them leads somewhere.

use std::collections::{HashMap, HashSet};

use serde_json::Value;

use super::read::Node;
use crate::fhir::codes::{self, system};
use crate::fhir::ids::Kind;
use crate::text::clean;

/// One entry of the bundle.
#[derive(Debug, Clone)]
pub struct Entry<'a> {
    /// Its place in `Bundle.entry`, from 0, as problems name it.
    pub index: usize,
    pub resource_type: &'a str,
    pub id: Option<&'a str>,
    pub full_url: Option<&'a str>,
    pub resource: &'a Value,
}

impl Entry<'_> {
    /// `Patient/p-12`, or the type alone for a resource without an id, as
    /// messages name it: cleaned, since both come from the file and a
    /// message goes to a terminal.
    pub fn name(&self) -> String {
        clean(
            &self
                .reference_key()
                .unwrap_or_else(|| self.resource_type.to_string()),
        )
        .into_owned()
    }

    /// `Patient/p-12` as the file writes it, which references use; None
    /// for a resource without an id.
    fn reference_key(&self) -> Option<String> {
        self.id.map(|id| format!("{}/{id}", self.resource_type))
    }

    /// The tend table its resource goes to, or None for one tend does
    /// not keep or keeps as columns of another's row (a ClaimResponse, a
    /// screening's total). A Condition is a need when its category is
    /// health-concern; an Observation of the survey category is a
    /// screening's total.
    pub fn kind(&self) -> Option<Kind> {
        Some(match self.resource_type {
            "Practitioner" => Kind::Practitioner,
            "Patient" => Kind::Patient,
            "Condition" if is_health_concern(self.resource) => Kind::Need,
            "Condition" => Kind::Condition,
            "MedicationStatement" => Kind::Medication,
            "AllergyIntolerance" => Kind::Allergy,
            "Flag" => Kind::Flag,
            "Goal" => Kind::Goal,
            "Observation" if is_screening_score(self.resource) => return None,
            "Observation" => Kind::Progress,
            "Task" => Kind::Task,
            "Communication" => Kind::Note,
            "Encounter" => Kind::Encounter,
            "ServiceRequest" => Kind::Referral,
            "Appointment" => Kind::Appointment,
            "Claim" => Kind::Authorization,
            "QuestionnaireResponse" => Kind::Screening,
            _ => return None,
        })
    }
}

/// An Observation of the survey category: a screening's total.
pub fn is_screening_score(observation: &Value) -> bool {
    let (code, _) = codes::SURVEY;
    observation["category"]
        .as_array()
        .is_some_and(|categories| {
            categories.iter().any(|category| {
                category["coding"].as_array().is_some_and(|codings| {
                    codings
                        .iter()
                        .any(|c| c["code"] == code && c["system"] == system::OBSERVATION_CATEGORY)
                })
            })
        })
}

fn is_health_concern(condition: &Value) -> bool {
    let (code, _) = codes::HEALTH_CONCERN;
    condition["category"].as_array().is_some_and(|categories| {
        categories.iter().any(|category| {
            category["coding"].as_array().is_some_and(|codings| {
                codings.iter().any(|c| {
                    c["code"] == code
                        && (c["system"] == system::US_CORE_CONDITION_CATEGORY
                            || c["system"] == system::CONDITION_CATEGORY)
                })
            })
        })
    })
}

/// The entries of a Bundle, or why they cannot be read.
pub fn entries(bundle: &Value) -> Result<Vec<Entry<'_>>, String> {
    let root = Node::root(bundle);
    let items = root.field("entry").items().map_err(|p| p.0)?;
    let mut entries = Vec::with_capacity(items.len());
    for (index, item) in items.iter().enumerate() {
        let resource = item.field("resource");
        let Some(resource_value) = resource.value().filter(|v| v.is_object()) else {
            return Err(format!("entry {index} has no resource"));
        };
        let resource_type = resource
            .field("resourceType")
            .opt_str()
            .ok()
            .flatten()
            .ok_or_else(|| format!("entry {index}: its resource has no resourceType"))?;
        let id = resource.field("id").opt_str().map_err(|_| {
            format!(
                "entry {index} ({}): its id is not text",
                clean(resource_type)
            )
        })?;
        let full_url = item.field("fullUrl").opt_str().map_err(|_| {
            format!(
                "entry {index} ({}): its fullUrl is not text",
                clean(resource_type)
            )
        })?;
        entries.push(Entry {
            index,
            resource_type,
            id,
            full_url,
            resource: resource_value,
        });
    }
    Ok(entries)
}

/// Finds entries by what references them: `Type/id`, or the entry's fullUrl.
pub struct Index {
    by_key: HashMap<String, usize>,
}

impl Index {
    pub fn new(entries: &[Entry<'_>]) -> Result<Index, String> {
        let mut by_key = HashMap::new();
        for entry in entries {
            let keys = entry
                .reference_key()
                .into_iter()
                .chain(entry.full_url.map(str::to_string));
            for key in keys {
                if let Some(first) = by_key.insert(key, entry.index) {
                    if first != entry.index {
                        return Err(format!(
                            "entry {} ({}): entry {first} is the same resource",
                            entry.index,
                            entry.name()
                        ));
                    }
                }
            }
        }
        Ok(Index { by_key })
    }

    /// The entry a (non-contained) reference leads to.
    pub fn resolve(&self, reference: &str) -> Option<usize> {
        self.by_key.get(reference).copied()
    }
}

/// Checks that every `reference` in every entry leads to an entry of the
/// bundle, or to a resource contained in the same one.
pub fn check_references(entries: &[Entry<'_>], index: &Index) -> Result<(), String> {
    for entry in entries {
        let contained: HashSet<String> = entry.resource["contained"]
            .as_array()
            .map(|items| {
                items
                    .iter()
                    .filter_map(|c| c["id"].as_str())
                    .map(|id| format!("#{id}"))
                    .collect()
            })
            .unwrap_or_default();
        let mut problem = None;
        walk(entry.resource, &mut String::new(), &mut |path, target| {
            let found = if target.starts_with('#') {
                contained.contains(target)
            } else {
                index.resolve(target).is_some()
            };
            if !found && problem.is_none() {
                // The path's keys and the target are the file's text.
                problem = Some(format!(
                    "entry {} ({}), {}: {} is not in the bundle",
                    entry.index,
                    entry.name(),
                    clean(path),
                    clean(target)
                ));
            }
        });
        if let Some(problem) = problem {
            return Err(problem);
        }
    }
    Ok(())
}

/// Calls `found(path, reference)` for every `reference` text under `value`.
fn walk(value: &Value, path: &mut String, found: &mut impl FnMut(&str, &str)) {
    match value {
        Value::Object(map) => {
            for (key, item) in map {
                let len = path.len();
                if !path.is_empty() {
                    path.push('.');
                }
                path.push_str(key);
                match (key.as_str(), item) {
                    ("reference", Value::String(target)) => found(path, target),
                    _ => walk(item, path, found),
                }
                path.truncate(len);
            }
        }
        Value::Array(items) => {
            for (i, item) in items.iter().enumerate() {
                let len = path.len();
                path.push_str(&format!("[{i}]"));
                walk(item, path, found);
                path.truncate(len);
            }
        }
        _ => {}
    }
}
