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
    /// An entry of a Bundle that is itself an entry (a search's results
    /// in a batch's response): the outer entry, then the inner one.
    Nested(usize, usize),
    /// A line of an NDJSON file, from 1.
    Line(u64),
    /// The file is the one resource.
    Whole,
}

impl fmt::Display for Place {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self.at {
            At::Entry(i) => write!(f, "{}, entry {i}", self.file),
            At::Nested(i, j) => write!(f, "{}, entry {i}, entry {j}", self.file),
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

/// A reader that says how many bytes each read brought (for a progress
/// bar).
struct Counted<'c, R> {
    inner: R,
    read: &'c mut dyn FnMut(u64),
}

impl<R: std::io::Read> std::io::Read for Counted<'_, R> {
    fn read(&mut self, buf: &mut [u8]) -> std::io::Result<usize> {
        let n = self.inner.read(buf)?;
        (self.read)(n as u64);
        Ok(n)
    }
}

/// The bytes of `file` (for a progress bar's length; 0 when it cannot be
/// read, which reading it will then say).
pub fn size(file: &Path) -> u64 {
    std::fs::metadata(file).map_or(0, |m| m.len())
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

/// What a Bundle's entry is read for first: its `fullUrl` and its
/// resource's type.
#[derive(Deserialize)]
struct EntryHead<'a> {
    #[serde(rename = "fullUrl", borrow)]
    full_url: Option<std::borrow::Cow<'a, str>>,
    #[serde(borrow)]
    resource: Option<TypeOnly<'a>>,
    request: Option<serde::de::IgnoredAny>,
    response: Option<serde::de::IgnoredAny>,
}

/// The entries of `bundle`, the resource of entry `outer` of the file's
/// Bundle, handed to `each` as the outer ones are (no deeper: a Bundle in
/// those is not read).
fn nested(
    bundle: &Value,
    name: &str,
    outer: usize,
    wanted: &dyn Fn(&str) -> bool,
    each: &mut dyn FnMut(Item) -> Result<(), String>,
) -> Result<(), String> {
    let Some(entries) = bundle.get("entry").and_then(Value::as_array) else {
        return Ok(());
    };
    for (j, entry) in entries.iter().enumerate() {
        let Some(resource) = entry.get("resource") else {
            continue;
        };
        let kind = resource.get("resourceType").and_then(Value::as_str);
        if !kind.is_some_and(|k| k != "Bundle" && wanted(k)) {
            continue;
        }
        each(Item {
            place: Place {
                file: name.to_string(),
                at: At::Nested(outer, j),
            },
            full_url: entry
                .get("fullUrl")
                .and_then(Value::as_str)
                .map(str::to_string),
            resource: resource.clone(),
        })?;
    }
    Ok(())
}

/// An entry's resource, read whole once it is wanted.
#[derive(Deserialize)]
struct FullEntry {
    resource: Value,
}

/// Calls `each` with every resource of `file` whose type `wanted` accepts,
/// in the file's order. NDJSON is read a line at a time and a Bundle an
/// entry at a time, so memory does not grow with the file.
pub fn each_resource(
    file: &Path,
    wanted: &dyn Fn(&str) -> bool,
    each: &mut dyn FnMut(Item) -> Result<(), String>,
    read: &mut dyn FnMut(u64),
) -> Result<(), String> {
    let all = |_: &[u8]| true;
    each_sifted(file, wanted, (&all, &all), each, read)
}

/// Two looks at a resource's JSON as sent (an NDJSON line, a Bundle's
/// entry): the first before its type is read, the second once it is known
/// to be of a type wanted. What either turns away is passed by unparsed.
pub type Sift<'s> = (&'s dyn Fn(&[u8]) -> bool, &'s dyn Fn(&[u8]) -> bool);

/// As [`each_resource`], with a [`Sift`]. For a pass after the first,
/// which parsed every resource and so checked the JSON of each, that wants
/// few of them and can tell those by their bytes ([`may_be`]).
pub fn each_sifted(
    file: &Path,
    wanted: &dyn Fn(&str) -> bool,
    (first, then): Sift<'_>,
    each: &mut dyn FnMut(Item) -> Result<(), String>,
    read: &mut dyn FnMut(u64),
) -> Result<(), String> {
    let name = file.file_name().map_or_else(
        || file.display().to_string(),
        |n| n.to_string_lossy().into_owned(),
    );
    let name = clean(&name).into_owned();
    let opened = crate::team_install::as_user(|| std::fs::File::open(file))
        .map_err(|e| format!("{name}: cannot read it ({e})"))?;
    let reader = BufReader::with_capacity(
        1 << 16,
        Counted {
            inner: opened,
            read,
        },
    );
    if is_ndjson(file) {
        return each_line(reader, &name, wanted, (first, then), each);
    }
    // A Bundle's entries as the parser reaches them: a resource not
    // wanted in this pass is dropped at once.
    let mut on_entry = |i: usize, entry: &[u8], (line, column): (usize, usize)| {
        if !first(entry) {
            return Ok(());
        }
        let place = Place {
            file: name.clone(),
            at: At::Entry(i),
        };
        // The first parse of the entry's bytes is what checks them.
        let head: EntryHead<'_> = serde_json::from_slice(entry).map_err(|e| {
            if e.is_data() {
                format!("{place}: the entry is not a JSON object")
            } else {
                format!(
                    "{name}: {}",
                    super::super::json_problem_from(&e, line, column)
                )
            }
        })?;
        let not_an_entry = |_| format!("{place}: the entry is not a JSON object");
        let Some(resource) = head.resource else {
            // A response's entry (an outcome only), or a request without a
            // body (a read, a delete), carries nothing to take.
            if head.response.is_some() || head.request.is_some() {
                return Ok(());
            }
            return Err(format!("{place}: the entry has no resource"));
        };
        let kind = resource.resource_type.as_deref();
        if kind == Some("Bundle") {
            // A Bundle in a Bundle: a search's results in a batch's
            // response. Its entries are read as the outer ones are.
            let whole: FullEntry = serde_json::from_slice(entry).map_err(not_an_entry)?;
            return nested(&whole.resource, &name, i, wanted, each);
        }
        if !kind.is_some_and(wanted) || !then(entry) {
            return Ok(());
        }
        let whole: FullEntry = serde_json::from_slice(entry).map_err(not_an_entry)?;
        each(Item {
            place,
            full_url: head.full_url.map(|u| u.into_owned()),
            resource: whole.resource,
        })
    };
    let rest = match super::stream::read(reader, &mut on_entry) {
        Ok(rest) => rest,
        Err(super::stream::Stop::Handler(why)) => return Err(why),
        Err(super::stream::Stop::Json(problem)) => return Err(format!("{name}: {problem}")),
        Err(super::stream::Stop::Io(e)) => return Err(format!("{name}: cannot read it ({e})")),
    };
    match rest.fields.get("resourceType").and_then(Value::as_str) {
        Some("Bundle") => Ok(()),
        _ if rest.entries > 0 => Err(format!(
            "{name}: it has entries but is not a Bundle (its resourceType says otherwise)"
        )),
        Some(kind) if wanted(kind) => each(Item {
            place: Place {
                file: name,
                at: At::Whole,
            },
            full_url: None,
            resource: Value::Object(rest.fields),
        }),
        Some(_) => Ok(()),
        None => Err(format!(
            "{name}: it is JSON but not a FHIR resource (it has no resourceType)"
        )),
    }
}

/// A first look at a resource's JSON as sent ([`Sift`]): whether it may be
/// of type `kind`, which it cannot be without holding the type's name as a
/// JSON string (its `resourceType`), or an escape that could spell one
/// (`\u00` and an ASCII character's code). One search for a string each
/// (SIMD): many times quicker than parsing the line for its type.
pub fn may_be(kind: &str) -> impl Fn(&[u8]) -> bool {
    let name = memchr::memmem::Finder::new(format!("\"{kind}\"").as_bytes()).into_owned();
    let escape = memchr::memmem::Finder::new(br"\u00");
    move |raw| name.find(raw).is_some() || escape.find(raw).is_some()
}

fn each_line(
    reader: impl BufRead,
    name: &str,
    wanted: &dyn Fn(&str) -> bool,
    (first, then): Sift<'_>,
    each: &mut dyn FnMut(Item) -> Result<(), String>,
) -> Result<(), String> {
    for (i, line) in reader.lines().enumerate() {
        let number = i as u64 + 1;
        let place = Place {
            file: name.to_string(),
            at: At::Line(number),
        };
        let line = line.map_err(|e| format!("{place}: cannot read it ({e})"))?;
        if line.trim().is_empty() || !first(line.as_bytes()) {
            continue;
        }
        let kind: TypeOnly<'_> = serde_json::from_str(&line)
            .map_err(|e| format!("{place}: {}", super::super::json_problem(&e)))?;
        let Some(kind) = kind.resource_type else {
            return Err(format!(
                "{place}: the line is not a FHIR resource (it has no resourceType)"
            ));
        };
        if !wanted(&kind) || !then(line.as_bytes()) {
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

#[cfg(test)]
mod tests {
    use super::may_be;

    #[test]
    fn a_first_look_passes_by_only_what_cannot_be_of_the_types_wanted() {
        let patient = may_be("Patient");
        assert!(patient(br#"{"resourceType":"Patient","id":"1"}"#));
        assert!(patient(br#"{ "resourceType" : "Patient" }"#));
        // Its type spelled with an escape: looked at.
        assert!(patient(br#"{"resourceType":"Pati\u0065nt"}"#));
        // One that names a patient only by reference: passed by.
        assert!(!patient(
            br#"{"resourceType":"Condition","subject":{"reference":"Patient/1"}}"#
        ));
        // A narrative's escapes spell nothing of it.
        assert!(!patient(
            br#"{"resourceType":"Encounter","text":{"div":"<div xmlns=\"x\">\u2014</div>"}}"#
        ));
    }
}
