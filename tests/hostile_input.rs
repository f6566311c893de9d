//! The escape corpus (`tests/escapes/`) through every refusal of every
//! importer: `tend import fhir` and `tend import patients`, the built
//! binary with its standard error captured, each corpus item placed in the
//! value the message quotes (a resource's id or type, a reference, an
//! element's key, a file's name, a header, a cell). Standard error must
//! hold no control character but the line end, no C1 control, no bidi or
//! zero-width character, and show the value escaped (caret form `^[`, or
//! `<U+202E>`; a roster's cells in Rust's `\u{202e}` quoting).

mod common;
mod escapes;
mod fixtures;

use std::path::{Path, PathBuf};
use std::process::{Command, Output};

use escapes::{assert_terminal_safe, file_name_safe, shown, Escape, CORPUS};
use serde_json::{json, Value};

/// `tend --db DB ARGS…` in `dir`, with a private home.
fn tend(dir: &Path, db: &Path, args: &[&str]) -> Output {
    common::home_as_ccuser(dir);
    Command::new(env!("CARGO_BIN_EXE_tend"))
        .arg("--db")
        .arg(db)
        .args(args)
        .current_dir(dir)
        .env_clear()
        .env("HOME", dir)
        .env("USER", "ccuser")
        .env("TEND_NOW", common::NOW)
        .stdin(std::process::Stdio::null())
        .output()
        .unwrap()
}

fn text(bytes: &[u8]) -> String {
    String::from_utf8_lossy(bytes).into_owned()
}

/// A refusal: exit status 1, nothing on standard output, standard error
/// safe for a terminal and holding `expected`; its text.
fn assert_refused(context: &str, out: &Output, expected: &str) -> String {
    assert_eq!(
        out.status.code(),
        Some(1),
        "{context}: {}",
        text(&out.stderr)
    );
    assert_eq!(text(&out.stdout), "", "{context}");
    assert_terminal_safe(context, &out.stderr);
    let stderr = text(&out.stderr);
    assert!(
        stderr.contains(expected),
        "{context}: {expected:?} is not in {stderr:?}"
    );
    assert!(
        !stderr.lines().any(|l| l.starts_with("tend: all is well")),
        "{context}: a value forged a line: {stderr:?}"
    );
    stderr
}

// ---------------------------------------------------------------- FHIR --

/// The bundle of a small database (Zoë Testa and an open call): entries
/// Practitioner/pr-1, Patient/p-1, CarePlan/cp-1, Task/t-1.
fn zoe_bundle(dir: &Path) -> (PathBuf, Value) {
    let db = fixtures::zoe_db(dir);
    let mut store = common::open(&db, "ccuser");
    let mut bytes = Vec::new();
    tend::fhir::export::export(&mut store, tend::fhir::export::Scope::All, &mut bytes).unwrap();
    (db, serde_json::from_slice(&bytes).unwrap())
}

/// Every text in `value` equal to `from` made `to`.
fn replaced(value: &Value, from: &str, to: &str) -> Value {
    match value {
        Value::String(s) if s == from => Value::String(to.to_string()),
        Value::Array(items) => Value::Array(items.iter().map(|v| replaced(v, from, to)).collect()),
        Value::Object(map) => Value::Object(
            map.iter()
                .map(|(k, v)| (k.clone(), replaced(v, from, to)))
                .collect(),
        ),
        other => other.clone(),
    }
}

/// The bundle with its patient's id made `id` (and every reference to it).
fn patient_id(bundle: &Value, id: &str) -> Value {
    let mut out = replaced(bundle, "Patient/p-1", &format!("Patient/{id}"));
    out["entry"][1]["resource"]["id"] = json!(id);
    out
}

fn push(bundle: &mut Value, entry: Value) {
    bundle["entry"].as_array_mut().unwrap().push(entry);
}

/// One refusal of `tend import fhir`: the bundle it is given, with `h`
/// where the message quotes it, and the words the message must hold.
type FhirPath = fn(&Value, &str) -> (Value, String);

/// Each refusal that quotes a value from the file (issue 13 met four of
/// them printing raw text: a dangling reference, a reference to the wrong
/// type, a duplicate entry, a resource type tend does not keep).
const FHIR_PATHS: &[(&str, FhirPath)] = &[
    ("a resource whose id is not text, by its type", |b, h| {
        let mut b = b.clone();
        b["entry"][3]["resource"]["resourceType"] = json!(h);
        b["entry"][3]["resource"]["id"] = json!(5);
        (b, format!("entry 3 ({}): its id is not text", shown(h)))
    }),
    ("an entry whose fullUrl is not text, by its type", |b, h| {
        let mut b = b.clone();
        b["entry"][3]["resource"]["resourceType"] = json!(h);
        b["entry"][3]["fullUrl"] = json!(5);
        (
            b,
            format!("entry 3 ({}): its fullUrl is not text", shown(h)),
        )
    }),
    ("two entries that are the same resource", |b, h| {
        let mut b = b.clone();
        b["entry"][3]["resource"]["id"] = json!(h);
        let copy = b["entry"][3].clone();
        push(&mut b, copy);
        (
            b,
            format!("entry 4 (Task/{}): entry 3 is the same resource", shown(h)),
        )
    }),
    ("a reference that leads nowhere", |b, h| {
        let mut b = b.clone();
        b["entry"][3]["resource"]["for"]["reference"] = json!(format!("Patient/{h}"));
        (
            b,
            format!(
                "entry 3 (Task/t-1), for.reference: Patient/{} is not in the bundle",
                shown(h)
            ),
        )
    }),
    (
        "a reference that leads nowhere, under a key of the file's",
        |b, h| {
            let mut b = b.clone();
            b["entry"][3]["resource"][h] = json!({"reference": "Patient/p-404"});
            (
                b,
                format!(
                    "entry 3 (Task/t-1), {}.reference: Patient/p-404 is not in the bundle",
                    shown(h)
                ),
            )
        },
    ),
    ("a reference to a resource of the wrong type", |b, h| {
        let mut b = patient_id(b, h);
        b["entry"][3]["resource"]["owner"]["reference"] = json!(format!("Patient/{h}"));
        (
            b,
            format!(
                "entry 3 (Task/t-1): owner.reference refers to Patient/{}, not to a Practitioner",
                shown(h)
            ),
        )
    }),
    ("a resource type tend does not keep (said twice)", |b, h| {
        let mut b = b.clone();
        let kind = format!("Encounter{h}");
        push(
            &mut b,
            json!({"resource": {"resourceType": kind, "id": "e1", "status": "finished",
                                "subject": {"reference": "Patient/p-1"}}}),
        );
        let kind = shown(&kind);
        (
            b,
            format!("entry 4 ({kind}/e1): tend does not keep {kind} resources"),
        )
    }),
    ("a patient without a birth date, by its id", |b, h| {
        let mut b = patient_id(b, h);
        b["entry"][1]["resource"]
            .as_object_mut()
            .unwrap()
            .remove("birthDate");
        (
            b,
            format!("entry 1 (Patient/{}): birthDate is missing", shown(h)),
        )
    }),
    (
        "a practitioner with another's user name, by its id",
        |b, h| {
            let mut b = b.clone();
            let mut copy = b["entry"][0].clone();
            copy["fullUrl"] = json!("urn:uuid:2");
            copy["resource"]["id"] = json!(h);
            push(&mut b, copy);
            (
                b,
                format!(
                    "entry 4 (Practitioner/{}): entry 0 has the same user name",
                    shown(h)
                ),
            )
        },
    ),
    ("an element of FHIR R5, by the resource's id", |b, h| {
        let mut b = b.clone();
        push(
            &mut b,
            json!({"resource": {"resourceType": "MedicationStatement", "id": h,
                                "status": "recorded", "medication": {"concept": {"text": "x"}},
                                "subject": {"reference": "Patient/p-1"}}}),
        );
        (
            b,
            format!(
                "it is a FHIR R5 bundle (entry 4, MedicationStatement/{} has medication",
                shown(h)
            ),
        )
    }),
    ("not a Bundle, with a resourceType of the file's", |_, h| {
        (
            json!({"resourceType": h}),
            "it is JSON but not a FHIR Bundle (its resourceType is no resource's)".into(),
        )
    }),
];

#[test]
fn every_refusal_of_a_fhir_import_shows_the_file_s_text_escaped() {
    let dir = tempfile::tempdir().unwrap();
    let (zoe, bundle) = zoe_bundle(dir.path());
    let empty = dir.path().join("empty.db");
    drop(common::open(&empty, "ccuser"));
    let file = dir.path().join("bundle.json");
    let mut runs = 0;
    for Escape { name, raw } in CORPUS {
        for (path, spoil) in FHIR_PATHS {
            let (spoilt, expected) = spoil(&bundle, raw);
            std::fs::write(&file, spoilt.to_string()).unwrap();
            let out = tend(dir.path(), &empty, &["import", "fhir", "bundle.json"]);
            let stderr = assert_refused(&format!("{path}, {name}"), &out, &expected);
            assert_eq!(stderr.lines().count(), 1, "{path}, {name}: {stderr}");
            runs += 1;
        }
        // A patient whose member ID the database holds, by its id: refused
        // by the load, in the database's transaction.
        std::fs::write(&file, patient_id(&bundle, raw).to_string()).unwrap();
        let out = tend(dir.path(), &zoe, &["import", "fhir", "bundle.json"]);
        assert_refused(
            &format!("a member ID already held, {name}"),
            &out,
            &format!(
                "entry 1 (Patient/{}): a patient with its member ID is already in the database",
                shown(raw)
            ),
        );
        runs += 1;
    }
    // The file's own name, which a listing of a folder may hand to tend.
    for Escape { name, raw } in file_name_safe() {
        let file_name = format!("bundle-{raw}.json");
        std::fs::write(dir.path().join(&file_name), "{\"resourceType\": ").unwrap();
        let out = tend(dir.path(), &empty, &["import", "fhir", &file_name]);
        assert_refused(
            &format!("a file's name, {name}"),
            &out,
            &format!(
                "tend: cannot import {}: it is not valid JSON",
                shown(&file_name)
            ),
        );
        runs += 1;
    }
    assert!(runs >= CORPUS.len() * (FHIR_PATHS.len() + 2) - 2, "{runs}");
}

// -------------------------------------------------------------- roster --

/// A CSV cell holding `text` whatever it is (quoted, quotes doubled).
fn cell(text: &str) -> String {
    format!("\"{}\"", text.replace('"', "\"\""))
}

/// How a roster's cell problem shows a value: a control character is
/// refused and named in caret form (C1 by its code point); other text is
/// quoted the way Rust quotes it (`"abc\u{202e}fed"`): the first character
/// so escaped, escaped. None when nothing in it needs escaping.
fn cell_shows(value: &str) -> Option<String> {
    let value = value.trim();
    let refused = value
        .chars()
        .find(|c| c.is_control() && !matches!(c, '\n' | '\r' | '\t'));
    match refused {
        Some(c) if (c as u32) < 0x20 => Some(format!(
            "holds a control character (^{})",
            char::from(b'@' + c as u8)
        )),
        Some('\u{7f}') => Some("holds a control character (^?)".into()),
        Some(c) => Some(format!("holds a control character (U+{:04X})", c as u32)),
        None => value
            .chars()
            .filter(|c| !matches!(c, '\'' | '"' | '\\'))
            .map(|c| c.escape_debug().to_string())
            .find(|e| e.len() > 1),
    }
}

/// The cells a roster quotes when they are wrong, with text to put before
/// the hostile value so the cell is wrong whatever the value is.
const QUOTING_CELLS: &[(&str, &str)] = &[
    ("dob", "1970-02-03"),
    ("sex", "F"),
    ("interpreter", "Y"),
    ("risk_tier", "1"),
    ("enrollment_status", "enrolled"),
    ("enrolled_on", "2020-01-01"),
    ("language", "Spanish"),
    ("coordinator", "ccuser"),
    ("conditions", "E1.9"),
];

#[test]
fn every_refusal_of_a_roster_shows_the_file_s_text_escaped() {
    let dir = tempfile::tempdir().unwrap();
    let db = fixtures::zoe_db(dir.path());
    let roster = dir.path().join("roster.csv");
    let import = |args: &[&str]| {
        tend(
            dir.path(),
            &db,
            &[&["import", "patients"][..], args].concat(),
        )
    };
    let mut runs = 0;
    for Escape { name, raw } in CORPUS {
        let nul = raw.contains('\0');
        let whole_file = |expected: String| {
            if nul {
                "the file holds NUL bytes: it is not a CSV text file".to_string()
            } else {
                expected
            }
        };
        // A header line with none of tend's columns, quoted back.
        std::fs::write(&roster, format!("{},b,c\nx,y,z\n", cell(raw))).unwrap();
        assert_refused(
            &format!("no column of tend's, {name}"),
            &import(&["roster.csv"]),
            &whole_file(format!("this one reads: {},b,c", shown(raw))),
        );
        // Columns missing: the first line is quoted back.
        std::fs::write(
            &roster,
            format!(
                "member_id,first_name,dob,{}\nSYN2,Ana,1980-02-03,x\n",
                cell(raw)
            ),
        )
        .unwrap();
        assert_refused(
            &format!("a missing column, {name}"),
            &import(&["roster.csv"]),
            &whole_file(format!(
                "the first line reads: member_id,first_name,dob,{}",
                shown(raw)
            )),
        );
        // A column tend does not read, named as it is ignored (the file is
        // then refused for a bad date).
        std::fs::write(
            &roster,
            format!(
                "member_id,first_name,last_name,dob,{}\nSYN2,Ana,Sample,1970-13-01,x\n",
                cell(raw)
            ),
        )
        .unwrap();
        assert_refused(
            &format!("an ignored column, {name}"),
            &import(&["roster.csv"]),
            &whole_file(format!(
                "roster.csv:1: columns tend does not read, ignored: {}",
                shown(raw)
            )),
        );
        // Each cell a message quotes.
        for (column, before) in QUOTING_CELLS {
            let mut header = "member_id,first_name,last_name".to_string();
            let mut row = "SYN2,Ana,Sample".to_string();
            if *column != "dob" {
                header.push_str(",dob");
                row.push_str(",1980-02-03");
            }
            let value = format!("{before}{raw}");
            header.push_str(&format!(",{column}"));
            row.push_str(&format!(",{}", cell(&value)));
            std::fs::write(&roster, format!("{header}\n{row}\n")).unwrap();
            let expected = if nul {
                whole_file(String::new())
            } else {
                format!("roster.csv:2: {column}: ")
            };
            let stderr = assert_refused(
                &format!("{column}, {name}"),
                &import(&["roster.csv"]),
                &expected,
            );
            // A condition's problem quotes its first word, not the cell.
            let quoted = match *column {
                "conditions" => value.split_whitespace().next().unwrap_or_default(),
                _ => &value,
            };
            if let (false, Some(escaped)) = (nul, cell_shows(quoted)) {
                let line = stderr.lines().find(|l| l.starts_with(&expected)).unwrap();
                assert!(
                    line.contains(&escaped),
                    "{column}, {name}: {escaped:?} is not in {line:?}"
                );
            }
            runs += 1;
        }
        // The same member ID twice: the second line quotes it.
        std::fs::write(
            &roster,
            format!(
                "member_id,first_name,last_name,dob\n{id},Ana,Sample,1980-02-03\n{id},Bea,Sample,1980-02-03\n",
                id = cell(&format!("SYN{raw}"))
            ),
        )
        .unwrap();
        assert_refused(
            &format!("a member ID twice, {name}"),
            &import(&["roster.csv"]),
            // (on line 3, or a later one when the value holds a line end)
            &whole_file(format!(
                "member_id: {} is also on line 2",
                shown(format!("SYN{raw}").trim())
            )),
        );
        runs += 4;
    }
    // The file's own name: a whole-file problem, and the rejects file
    // that would be written over the roster.
    for Escape { name, raw } in file_name_safe() {
        let file_name = format!("roster-{raw}.csv");
        std::fs::write(dir.path().join(&file_name), "").unwrap();
        assert_refused(
            &format!("an empty file's name, {name}"),
            &import(&[file_name.as_str()]),
            &format!("tend: {}: the file is empty", shown(&file_name)),
        );
        std::fs::write(
            dir.path().join(&file_name),
            "member_id,first_name,last_name,dob\nSYN2,Ana,Sample,1970-13-01\nSYN3,Bea,Sample,1980-02-03\n",
        )
        .unwrap();
        let out = import(&[
            file_name.as_str(),
            "--partial",
            "--rejects",
            file_name.as_str(),
        ]);
        assert_refused(
            &format!("rejects over the roster, {name}"),
            &out,
            &format!(
                "the rejected rows would be written over {}",
                shown(&file_name)
            ),
        );
        runs += 2;
    }
    assert!(runs > CORPUS.len() * (QUOTING_CELLS.len() + 4), "{runs}");
}
