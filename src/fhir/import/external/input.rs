//! The resources of what another system sent, one at a time, each with its
//! place: a Bundle's entries (any type: collection, transaction, batch,
//! searchset), a lone resource, or the lines of FHIR Bulk Data NDJSON files
//! (one resource a line), given as a file or a folder of them.

use std::fmt;
use std::io::{BufRead, BufReader};
use std::path::{Path, PathBuf};

use serde::Deserialize;
use serde_json::Value;

use crate::text::clean;

/// Where a resource is, as problems name it: never a value from it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Place {
    /// The file's name, cleaned for a terminal.
    pub file: String,
    pub at: At,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum At {
    /// A Bundle's entry, from 0 as FHIRPath counts.
    Entry(usize),
    /// A line of an NDJSON file, from 1.
    Line(u64),
    /// The file is the one resource.
    Whole,
}

impl fmt::Display for Place {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self.at {
            At::Entry(i) => write!(f, "{}, entry {i}", self.file),
            At::Line(n) => write!(f, "{}:{n}", self.file),
            At::Whole => write!(f, "{}", self.file),
        }
    }
}

/// One resource and where it is.
pub struct Item {
    pub place: Place,
    /// The entry's `fullUrl` (a Bundle's), which references may use.
    pub full_url: Option<String>,
    pub resource: Value,
}

/// The files `path` names: itself, or a folder's `.ndjson`, `.jsonl` and
/// `.json` files in the order of their names.
pub fn files(path: &Path) -> Result<Vec<PathBuf>, String> {
    let shown = || clean(&path.display().to_string()).into_owned();
    if !path.is_dir() {
        return Ok(vec![path.to_path_buf()]);
    }
    let mut found = Vec::new();
    let entries =
        std::fs::read_dir(path).map_err(|e| format!("cannot read the folder {} ({e})", shown()))?;
    for entry in entries {
        let entry = entry.map_err(|e| format!("cannot read the folder {} ({e})", shown()))?;
        let file = entry.path();
        let wanted = file
            .extension()
            .and_then(|e| e.to_str())
            .is_some_and(|e| matches!(e, "ndjson" | "jsonl" | "json"));
        if wanted && file.is_file() {
            found.push(file);
        }
    }
    if found.is_empty() {
        return Err(format!(
            "the folder {} holds no .ndjson or .json file",
            shown()
        ));
    }
    found.sort();
    Ok(found)
}

/// Whether the file is NDJSON (by its name): one resource a line.
fn is_ndjson(file: &Path) -> bool {
    file.extension()
        .and_then(|e| e.to_str())
        .is_some_and(|e| e == "ndjson" || e == "jsonl")
}

/// Just the type of a resource: a line read to see whether it is wanted
/// without building the whole tree of it.
#[derive(Deserialize)]
struct TypeOnly<'a> {
    #[serde(rename = "resourceType", borrow)]
    resource_type: Option<std::borrow::Cow<'a, str>>,
}

/// Calls `each` with every resource of `file` whose type `wanted` accepts,
/// in the file's order. NDJSON is read a line at a time, so memory does
/// not grow with the file; a Bundle is read whole.
pub fn each_resource(
    file: &Path,
    wanted: &dyn Fn(&str) -> bool,
    each: &mut dyn FnMut(Item) -> Result<(), String>,
) -> Result<(), String> {
    let name = file.file_name().map_or_else(
        || file.display().to_string(),
        |n| n.to_string_lossy().into_owned(),
    );
    let name = clean(&name).into_owned();
    let opened = crate::team_install::as_user(|| std::fs::File::open(file))
        .map_err(|e| format!("{name}: cannot read it ({e})"))?;
    let reader = BufReader::with_capacity(1 << 16, opened);
    if is_ndjson(file) {
        return each_line(reader, &name, wanted, each);
    }
    let json: Value = serde_json::from_reader(reader)
        .map_err(|e| format!("{name}: {}", super::super::json_problem(&e)))?;
    match json.get("resourceType").and_then(Value::as_str) {
        Some("Bundle") => {
            let Some(Value::Array(entries)) = json.get("entry") else {
                return Ok(());
            };
            for (i, entry) in entries.iter().enumerate() {
                let place = Place {
                    file: name.clone(),
                    at: At::Entry(i),
                };
                let Some(resource) = entry.get("resource") else {
                    return Err(format!("{place}: the entry has no resource"));
                };
                let kind = resource.get("resourceType").and_then(Value::as_str);
                if !kind.is_some_and(wanted) {
                    continue;
                }
                each(Item {
                    place,
                    full_url: entry
                        .get("fullUrl")
                        .and_then(Value::as_str)
                        .map(str::to_string),
                    resource: resource.clone(),
                })?;
            }
            Ok(())
        }
        Some(kind) if wanted(kind) => each(Item {
            place: Place {
                file: name,
                at: At::Whole,
            },
            full_url: None,
            resource: json,
        }),
        Some(_) => Ok(()),
        None => Err(format!(
            "{name}: it is JSON but not a FHIR resource (it has no resourceType)"
        )),
    }
}

fn each_line(
    reader: impl BufRead,
    name: &str,
    wanted: &dyn Fn(&str) -> bool,
    each: &mut dyn FnMut(Item) -> Result<(), String>,
) -> Result<(), String> {
    for (i, line) in reader.lines().enumerate() {
        let number = i as u64 + 1;
        let place = Place {
            file: name.to_string(),
            at: At::Line(number),
        };
        let line = line.map_err(|e| format!("{place}: cannot read it ({e})"))?;
        if line.trim().is_empty() {
            continue;
        }
        let kind: TypeOnly<'_> = serde_json::from_str(&line)
            .map_err(|e| format!("{place}: {}", super::super::json_problem(&e)))?;
        let Some(kind) = kind.resource_type else {
            return Err(format!(
                "{place}: the line is not a FHIR resource (it has no resourceType)"
            ));
        };
        if !wanted(&kind) {
            continue;
        }
        let resource: Value = serde_json::from_str(&line)
            .map_err(|e| format!("{place}: {}", super::super::json_problem(&e)))?;
        each(Item {
            place,
            full_url: None,
            resource,
        })?;
    }
    Ok(())
}
