//! FHIR out and in for screenings (issue 18): a signed screening is a
//! QuestionnaireResponse, its total (when the instrument has one) an
//! Observation of the survey category derived from it. A store holding a
//! PHQ-9 with its total and band, an AHC social-needs screening (no total:
//! no Observation) with a "choose all that apply" item and a free-text
//! answer, a PHQ-9 that corrects the first, and a program's own instrument
//! without LOINC codes exports a bundle the independent validator
//! (fhir.resources, FHIR R4 4.0.1) accepts, whose codes come from their
//! value sets; read back into an empty database it gives the same rows and
//! exports the same bytes. Unfinished and abandoned screenings are not
//! exported. A bundle whose screenings break FHIR's or tend's rules is
//! refused, naming the entry and the element, never a value.

mod common;
mod fixtures;
#[path = "fhir/setup.rs"]
mod setup;
#[path = "fhir/validator.rs"]
mod validator;

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use common::open;
use fixtures::zoe_db;
use rusqlite::types::Value as Sql;
use serde_json::{json, Value};
use tend::clock::Clock;
use tend::domain::instrument::{Answer, Instrument, RuleSex};
use tend::domain::screening::answer_words;
use tend::fhir::export::{export, export_with, Scope};
use tend::fhir::import::import_file;
use tend::store::{OpenOptions, SavedAnswer, Store};
use validator::validate;

const LOINC: &str = "http://loinc.org";
const SCREENING: &str = "https://tend.example/fhir/StructureDefinition/screening";
const SCREENING_ANSWER: &str = "https://tend.example/fhir/StructureDefinition/screening-answer";

fn instrument(id: &str) -> Instrument {
    tend::instruments::load(None)
        .instruments
        .into_iter()
        .find(|i| i.id == id)
        .unwrap_or_else(|| panic!("{id} is shipped"))
}

/// The store at `path` as ccuser, on another moment than the tests' now.
fn open_at(path: &Path, now: &str) -> Store {
    let options = OpenOptions {
        create: false,
        ..OpenOptions::default()
    };
    Store::open(path, "ccuser", Clock::parse(now).unwrap(), &options).unwrap()
}

/// Signs a screening of the instrument answered so (None: skipped), with
/// the total and band its scoring gives and, after them, `extra` answers
/// the instrument has not; its id.
fn sign(
    store: &mut Store,
    patient: i64,
    instrument: &Instrument,
    answers: &[Option<Answer>],
    extra: Vec<SavedAnswer>,
    corrects: Option<i64>,
) -> i64 {
    let mut saved: Vec<SavedAnswer> = answers
        .iter()
        .enumerate()
        .filter_map(|(position, answer)| {
            let item = &instrument.items[position];
            let words = answer_words(item, answer.as_ref()?).unwrap();
            Some(SavedAnswer {
                item: item.id.clone(),
                position,
                chosen: words.chosen,
                label: Some(words.label),
                score: Some(words.score),
                codes: words.codes,
                text: None,
            })
        })
        .collect();
    saved.extend(extra);
    let score = instrument.score(answers, RuleSex::Female);
    let id = store
        .start_screening(patient, &instrument.id, &instrument.name, corrects)
        .unwrap();
    let band = score.band.map(|b| b.label.clone());
    store
        .sign_screening(id, &saved, score.total, band.as_deref())
        .unwrap();
    id
}

fn one(options: &[usize]) -> Vec<Option<Answer>> {
    options.iter().map(|&o| Some(Answer::One(o))).collect()
}

/// Zoë's screenings: a PHQ-9 (total 7, mild) and an AHC social-needs
/// screening on 3 November; on the 24th a PHQ-9 that corrects the first
/// (total 12, moderate) and the program's own check-in, an instrument tend
/// does not ship (no LOINC codes, its answer's words without a code); a
/// GAD-7 left unfinished and one abandoned.
fn screenings_db(dir: &Path) -> (PathBuf, Store) {
    let path = zoe_db(dir);
    let phq9 = instrument("phq-9");
    let ahc = instrument("ahc-hrsn");
    let gad7 = instrument("gad-7");
    let mut store = open_at(&path, "2026-11-03T09:30:00-05:00");
    let p = store.patient_id_by_member("SYN1").unwrap().unwrap();
    let first = sign(
        &mut store,
        p,
        &phq9,
        &one(&[1, 1, 2, 1, 0, 1, 1, 0, 0, 1]),
        vec![],
        None,
    );
    let mut social = one(&[1]);
    social.push(Some(Answer::Many(vec![0, 2])));
    social.extend(one(&[2, 2, 1]));
    social.push(None);
    social.extend(one(&[0, 0, 0, 0]));
    let comment = SavedAnswer {
        item: "comment".into(),
        position: 10,
        chosen: vec![],
        label: None,
        score: None,
        codes: vec![],
        text: Some("Stays with her sister; landlord; repairs".into()),
    };
    sign(&mut store, p, &ahc, &social, vec![comment], None);
    drop(store);

    let mut store = open(&path, "ccuser");
    sign(
        &mut store,
        p,
        &phq9,
        &one(&[2, 1, 2, 1, 1, 2, 1, 1, 1, 2]),
        vec![],
        Some(first),
    );
    let own = store
        .start_screening(p, "our-check-in", "Our check-in", None)
        .unwrap();
    let answer = SavedAnswer {
        item: "1".into(),
        position: 0,
        chosen: vec![1],
        label: Some("Yes".into()),
        score: Some(2),
        codes: vec![],
        text: None,
    };
    store.sign_screening(own, &[answer], Some(2), None).unwrap();
    let unfinished = store.start_screening(p, "gad-7", "GAD-7", None).unwrap();
    let item = &gad7.items[0];
    let words = answer_words(item, &Answer::One(1)).unwrap();
    let partial = SavedAnswer {
        item: item.id.clone(),
        position: 0,
        chosen: words.chosen,
        label: Some(words.label),
        score: Some(words.score),
        codes: words.codes,
        text: None,
    };
    store
        .save_screening(unfinished, &[partial], 1, None)
        .unwrap();
    let abandoned = store.start_screening(p, "phq-2", "PHQ-2", None).unwrap();
    store.abandon_screening(abandoned).unwrap();
    (path, store)
}

fn export_all(store: &mut Store) -> String {
    let mut out = Vec::new();
    export(store, Scope::All, &mut out).unwrap();
    String::from_utf8(out).unwrap()
}

fn resources<'v>(bundle: &'v Value, kind: &str) -> Vec<&'v Value> {
    bundle["entry"]
        .as_array()
        .unwrap()
        .iter()
        .map(|e| &e["resource"])
        .filter(|r| r["resourceType"] == kind)
        .collect()
}

fn by_id<'v>(bundle: &'v Value, kind: &str, id: &str) -> &'v Value {
    resources(bundle, kind)
        .into_iter()
        .find(|r| r["id"] == id)
        .unwrap_or_else(|| panic!("no {kind}/{id}"))
}

fn item<'v>(response: &'v Value, link: &str) -> &'v Value {
    response["item"]
        .as_array()
        .unwrap()
        .iter()
        .find(|i| i["linkId"] == link)
        .unwrap_or_else(|| panic!("no item {link}"))
}

/// A complex extension's parts named `name`, by URL.
fn parts<'v>(element: &'v Value, url: &str, name: &str) -> Vec<&'v Value> {
    element["extension"]
        .as_array()
        .into_iter()
        .flatten()
        .filter(|e| e["url"] == url)
        .flat_map(|e| e["extension"].as_array().into_iter().flatten())
        .filter(|p| p["url"] == name)
        .collect()
}

/// The signed screenings and their answers, every column an export keeps.
fn rows(path: &Path) -> Vec<Vec<Sql>> {
    let conn = rusqlite::Connection::open(path).unwrap();
    let mut all = Vec::new();
    for (sql, width) in [
        (
            "SELECT id, patient_id, instrument, instrument_name, status, signed_at, signed_by,
                    total, band, corrects_id
               FROM screening WHERE status = 'completed' ORDER BY id",
            10,
        ),
        (
            "SELECT a.screening_id, a.item, a.position, a.chosen, a.label, a.score, a.code, a.text
               FROM screening_answer a JOIN screening s ON s.id = a.screening_id
              WHERE s.status = 'completed' ORDER BY a.screening_id, a.item",
            8,
        ),
    ] {
        let mut stmt = conn.prepare(sql).unwrap();
        let read = stmt
            .query_map([], |r| (0..width).map(|i| r.get::<_, Sql>(i)).collect())
            .unwrap();
        all.extend(read.collect::<Result<Vec<Vec<Sql>>, _>>().unwrap());
    }
    all
}

#[test]
fn signed_screenings_validate_and_come_back_the_same() {
    let dir = tempfile::tempdir().unwrap();
    let (source, mut store) = screenings_db(dir.path());
    let first = export_all(&mut store);
    let bundle_path = dir.path().join("bundle.json");
    std::fs::write(&bundle_path, &first).unwrap();

    let stdout = validate(&bundle_path);
    let validated: BTreeMap<&str, usize> = stdout
        .lines()
        .filter(|line| !line.starts_with("valid:"))
        .map(|line| {
            let (kind, n) = line.split_once(' ').unwrap();
            (kind, n.parse().unwrap())
        })
        .collect();
    assert_eq!(
        validated["QuestionnaireResponse"], 4,
        "the signed ones: not the unfinished GAD-7 nor the abandoned PHQ-2"
    );
    assert_eq!(
        validated["Observation"], 3,
        "the totals: the AHC screening has none"
    );

    let bundle: Value = serde_json::from_str(&first).unwrap();
    // The first PHQ-9: LOINC's panel, who signed it and when, each answer
    // coded with its words, and tend's own record of it.
    let phq = by_id(&bundle, "QuestionnaireResponse", "qr-1");
    assert_eq!(phq["status"], "completed");
    assert_eq!(phq["questionnaire"], "http://loinc.org/q/44249-1");
    assert_eq!(phq["subject"]["reference"], "Patient/p-1");
    assert_eq!(phq["author"]["reference"], "Practitioner/pr-1");
    assert_eq!(phq["authored"], "2026-11-03T14:30:00Z");
    assert_eq!(
        parts(phq, SCREENING, "instrument")[0]["valueString"],
        "phq-9"
    );
    assert_eq!(parts(phq, SCREENING, "name")[0]["valueString"], "PHQ-9");
    assert!(parts(phq, SCREENING, "corrects").is_empty());
    assert_eq!(phq["item"].as_array().unwrap().len(), 10);
    let third = item(phq, "3");
    assert_eq!(
        third["answer"],
        json!([{"valueCoding": {"system": LOINC, "code": "LA6570-1", "display": "More than half the days"}}])
    );
    assert_eq!(
        parts(third, SCREENING_ANSWER, "position")[0]["valueInteger"],
        2
    );
    assert_eq!(
        parts(third, SCREENING_ANSWER, "option")[0]["valueInteger"],
        2
    );
    assert_eq!(
        parts(third, SCREENING_ANSWER, "score")[0]["valueInteger"],
        2
    );
    // Its total: LOINC's PHQ-9 total score, the band in words, derived
    // from the answers.
    let total = by_id(&bundle, "Observation", "qrs-1");
    assert_eq!(total["status"], "final");
    assert_eq!(
        total["category"][0]["coding"][0],
        json!({"system": "http://terminology.hl7.org/CodeSystem/observation-category", "code": "survey", "display": "Survey"})
    );
    assert_eq!(
        total["code"],
        json!({"coding": [{"system": LOINC, "code": "44261-6"}], "text": "PHQ-9 total score"})
    );
    assert_eq!(total["valueInteger"], 7);
    assert_eq!(total["interpretation"][0]["text"], "mild");
    assert_eq!(total["effectiveDateTime"], "2026-11-03T14:30:00Z");
    assert_eq!(
        total["derivedFrom"][0]["reference"],
        "QuestionnaireResponse/qr-1"
    );
    assert_eq!(total["subject"]["reference"], "Patient/p-1");

    // The AHC screening: no total, so no Observation; "choose all that
    // apply" as one coded answer an option; a skipped item is not there;
    // free text to an item the instrument has not, kept as written.
    let social = by_id(&bundle, "QuestionnaireResponse", "qr-2");
    assert_eq!(social["questionnaire"], "http://loinc.org/q/96777-8");
    assert!(resources(&bundle, "Observation")
        .iter()
        .all(|o| o["id"] != "qrs-2"));
    let problems = item(social, "2");
    let codes: Vec<&str> = problems["answer"]
        .as_array()
        .unwrap()
        .iter()
        .map(|a| a["valueCoding"]["code"].as_str().unwrap())
        .collect();
    assert_eq!(codes, ["LA31996-4", "LA31997-2"]);
    assert_eq!(
        problems["answer"][1]["valueCoding"]["display"],
        "Lead paint or pipes"
    );
    assert_eq!(
        parts(problems, SCREENING_ANSWER, "label")[0]["valueString"],
        "Pests such as bugs, ants, or mice; Lead paint or pipes"
    );
    assert!(social["item"]
        .as_array()
        .unwrap()
        .iter()
        .all(|i| i["linkId"] != "6"));
    assert_eq!(
        item(social, "comment")["answer"],
        json!([{"valueString": "Stays with her sister; landlord; repairs"}])
    );

    // The correction names the screening it corrects.
    let corrected = by_id(&bundle, "QuestionnaireResponse", "qr-3");
    assert_eq!(
        parts(corrected, SCREENING, "corrects")[0]["valueReference"]["reference"],
        "QuestionnaireResponse/qr-1"
    );
    assert_eq!(by_id(&bundle, "Observation", "qrs-3")["valueInteger"], 12);

    // The program's own instrument: tend's name for it, its words as
    // text, its total by words alone.
    let own = by_id(&bundle, "QuestionnaireResponse", "qr-4");
    assert_eq!(own["questionnaire"], "urn:tend:instrument:our-check-in");
    assert_eq!(item(own, "1")["answer"], json!([{"valueString": "Yes"}]));
    let own_total = by_id(&bundle, "Observation", "qrs-4");
    assert_eq!(
        own_total["code"],
        json!({"text": "Our check-in total score"})
    );
    assert!(own_total.get("interpretation").is_none());
    assert!(!first.contains("gad-7") && !first.contains("phq-2"));

    // Read back into an empty database: the same rows, the same bundle.
    let target = dir.path().join("target.db");
    let mut imported = open(&target, "ccuser");
    let report = import_file(&mut imported, &bundle_path).unwrap();
    assert!(report.kept_ids);
    let second = export_all(&mut imported);
    assert!(first == second, "the bundle read back exports unchanged");
    let before = rows(&source);
    assert_eq!(before.len(), 4 + 10 + 10 + 10 + 1, "screenings and answers");
    assert_eq!(before, rows(&target));
    let p = imported.patient_id_by_member("SYN1").unwrap().unwrap();
    let trend: Vec<_> = imported
        .screening_results(p)
        .unwrap()
        .into_iter()
        .map(|r| (r.instrument, r.total, r.band))
        .collect();
    // The PHQ-9 of 7 is corrected by the one of 12, which stands in its
    // place in the trend (both are in the rows, as signed).
    assert_eq!(
        trend,
        [
            ("ahc-hrsn".to_string(), None, None),
            ("phq-9".to_string(), Some(12), Some("moderate".to_string())),
            ("our-check-in".to_string(), Some(2), None),
        ]
    );
    assert!(imported.unfinished_screenings().unwrap().is_empty());
}

/// The codes the screenings' resources write, each from its R4 value set.
#[test]
fn the_screenings_codes_come_from_their_value_sets() {
    let dir = tempfile::tempdir().unwrap();
    let (_, mut store) = screenings_db(dir.path());
    let bundle: Value = serde_json::from_str(&export_all(&mut store)).unwrap();
    // http://hl7.org/fhir/R4/valueset-questionnaire-answers-status.html
    let answers_status = [
        "in-progress",
        "completed",
        "amended",
        "entered-in-error",
        "stopped",
    ];
    // http://hl7.org/fhir/R4/valueset-observation-status.html
    let observation_status = [
        "registered",
        "preliminary",
        "final",
        "amended",
        "corrected",
        "cancelled",
        "entered-in-error",
        "unknown",
    ];
    // http://hl7.org/fhir/R4/valueset-observation-category.html
    let categories = [
        "social-history",
        "vital-signs",
        "imaging",
        "laboratory",
        "procedure",
        "survey",
        "exam",
        "therapy",
        "activity",
    ];
    let responses = resources(&bundle, "QuestionnaireResponse");
    assert_eq!(responses.len(), 4);
    for r in &responses {
        assert!(answers_status.contains(&r["status"].as_str().unwrap()));
        for item in r["item"].as_array().unwrap() {
            for answer in item["answer"].as_array().into_iter().flatten() {
                if let Some(coding) = answer.get("valueCoding") {
                    assert_eq!(coding["system"], LOINC);
                    // LOINC answer codes: LA, digits, a check digit.
                    let code = coding["code"].as_str().unwrap();
                    let (digits, check) = code.strip_prefix("LA").unwrap().split_once('-').unwrap();
                    assert!(digits.bytes().all(|b| b.is_ascii_digit()), "{code}");
                    assert!(check.len() == 1 && check.bytes().all(|b| b.is_ascii_digit()));
                }
            }
        }
    }
    let observations = resources(&bundle, "Observation");
    assert_eq!(observations.len(), 3);
    for o in observations {
        assert!(observation_status.contains(&o["status"].as_str().unwrap()));
        let category = &o["category"][0]["coding"][0];
        assert_eq!(
            category["system"],
            "http://terminology.hl7.org/CodeSystem/observation-category"
        );
        assert!(categories.contains(&category["code"].as_str().unwrap()));
    }
}

/// A PHQ-9 from elsewhere, without tend's extensions: read by its LOINC
/// panel (the instrument tend ships), its answers' codes and words, with
/// its total.
#[test]
fn a_response_from_elsewhere_is_read_by_its_loinc_panel() {
    let dir = tempfile::tempdir().unwrap();
    let (_, mut store) = screenings_db(dir.path());
    let mut bundle: Value = serde_json::from_str(&export_all(&mut store)).unwrap();
    for entry in bundle["entry"].as_array_mut().unwrap() {
        let r = &mut entry["resource"];
        if r["resourceType"] == "QuestionnaireResponse" {
            r.as_object_mut().unwrap().remove("extension");
            for item in r["item"].as_array_mut().unwrap() {
                item.as_object_mut().unwrap().remove("extension");
            }
        }
    }
    // Only the LOINC-coded PHQ-9s and the AHC screening stay: the own
    // check-in is named by tend's URN, which stays readable too.
    let file = dir.path().join("elsewhere.json");
    std::fs::write(&file, serde_json::to_string(&bundle).unwrap()).unwrap();
    let mut imported = open(&dir.path().join("elsewhere.db"), "ccuser");
    import_file(&mut imported, &file).unwrap();
    let p = imported.patient_id_by_member("SYN1").unwrap().unwrap();
    let signed = imported.signed_screenings(p).unwrap();
    let phq = &signed[0];
    assert_eq!(
        (phq.instrument.as_str(), phq.instrument_name.as_str()),
        ("phq-9", "PHQ-9")
    );
    assert_eq!((phq.total, phq.band.as_deref()), (Some(7), Some("mild")));
    assert_eq!(phq.answers[2].item, "3");
    assert_eq!(phq.answers[2].codes, ["LA6570-1"]);
    assert_eq!(
        phq.answers[2].label.as_deref(),
        Some("More than half the days")
    );
    assert_eq!(phq.answers[2].score, None, "a score is tend's own record");
    assert_eq!(
        signed[1].answers[1].label.as_deref(),
        Some("Pests such as bugs, ants, or mice; Lead paint or pipes")
    );
    assert_eq!(signed[3].instrument, "our-check-in");
    assert_eq!(
        signed[3].instrument_name, "our-check-in",
        "its name was tend's own record"
    );
    assert_eq!(
        signed[3].answers[0].text.as_deref(),
        Some("Yes"),
        "words without a code are text"
    );
}

/// A screening's record damaged on the disk is left out with
/// `--skip-damaged`, with its total and the correction's link to it; the
/// bundle still validates and reads back.
#[test]
fn a_damaged_screening_is_left_out_with_its_total_and_the_link_to_it() {
    let dir = tempfile::tempdir().unwrap();
    let (source, store) = screenings_db(dir.path());
    drop(store);
    let conn = rusqlite::Connection::open(&source).unwrap();
    conn.execute_batch("DROP TRIGGER screening_answer_update_final")
        .unwrap();
    conn.execute(
        "UPDATE screening_answer SET label = CAST(x'4d696cff' AS TEXT)
          WHERE screening_id = 1 AND item = '4'",
        [],
    )
    .unwrap();
    drop(conn);
    let mut store = open(&source, "ccuser");
    let mut out = Vec::new();
    let report = export_with(&mut store, Scope::All, &mut out, true).unwrap();
    let left: Vec<&str> = report.skipped.iter().map(|r| r.resource.as_str()).collect();
    assert_eq!(left, ["QuestionnaireResponse/qr-1"]);
    let text = String::from_utf8(out).unwrap();
    assert!(
        !text.contains("qr-1\""),
        "neither it, its total nor the link to it"
    );
    let file = dir.path().join("bundle.json");
    std::fs::write(&file, &text).unwrap();
    validate(&file);
    let mut restored = open(&dir.path().join("restored.db"), "ccuser");
    import_file(&mut restored, &file).unwrap();

    let mut out = Vec::new();
    let stopped = export(&mut store, Scope::All, &mut out)
        .unwrap_err()
        .to_string();
    assert!(
        stopped.starts_with(
            "cannot export QuestionnaireResponse/qr-1 (patient SYN1): its text is damaged"
        ),
        "{stopped}"
    );
}

/// tend keeps who signed each screening: with the practitioner who
/// signed them damaged, the screenings are left out with them, named, and
/// the bundle still reads back.
#[test]
fn a_screening_goes_with_the_damaged_practitioner_who_signed_it() {
    let dir = tempfile::tempdir().unwrap();
    let (source, store) = screenings_db(dir.path());
    drop(store);
    let conn = rusqlite::Connection::open(&source).unwrap();
    conn.execute(
        "UPDATE practitioner SET display_name = CAST(x'43cf' AS TEXT) WHERE id = 1",
        [],
    )
    .unwrap();
    drop(conn);
    let mut store = open(&source, "ccuser");
    let mut out = Vec::new();
    let report = export_with(&mut store, Scope::All, &mut out, true).unwrap();
    let screenings: Vec<(&str, &str)> = report
        .skipped
        .iter()
        .filter(|r| r.resource.starts_with("QuestionnaireResponse"))
        .map(|r| (r.resource.as_str(), r.why.as_str()))
        .collect();
    let why = "left out with Practitioner/pr-1, which is damaged";
    assert_eq!(
        screenings,
        [
            ("QuestionnaireResponse/qr-1", why),
            ("QuestionnaireResponse/qr-2", why),
            ("QuestionnaireResponse/qr-3", why),
            ("QuestionnaireResponse/qr-4", why),
        ]
    );
    let text = String::from_utf8(out).unwrap();
    assert!(!text.contains("QuestionnaireResponse") && !text.contains("qrs-"));
    let file = dir.path().join("bundle.json");
    std::fs::write(&file, &text).unwrap();
    let mut restored = open(&dir.path().join("restored.db"), "ccuser");
    import_file(&mut restored, &file).unwrap();
}

/// The small bundle the refusals spoil: Zoë's screenings.
fn spoil(dir: &Path, change: impl FnOnce(&mut Value) -> usize) -> (PathBuf, usize) {
    let (_, mut store) = screenings_db(dir);
    let mut bundle: Value = serde_json::from_str(&export_all(&mut store)).unwrap();
    let entry = change(&mut bundle);
    let file = dir.join("spoiled.json");
    std::fs::write(&file, serde_json::to_string(&bundle).unwrap()).unwrap();
    (file, entry)
}

/// The entry index of `Type/id`, and its resource to spoil.
fn entry<'v>(bundle: &'v mut Value, kind: &str, id: &str) -> (usize, &'v mut Value) {
    let entries = bundle["entry"].as_array_mut().unwrap();
    let i = entries
        .iter()
        .position(|e| e["resource"]["resourceType"] == kind && e["resource"]["id"] == id)
        .unwrap();
    (i, &mut entries[i]["resource"])
}

/// Imports the spoiled bundle into an empty database: the problem, having
/// checked that nothing was written.
fn refusal(dir: &Path, file: &Path) -> String {
    let empty = dir.join("empty.db");
    let mut store = open(&empty, "ccuser");
    let error = import_file(&mut store, file).unwrap_err();
    assert!(store.fhir_patient_ids().unwrap().is_empty());
    error.problem
}

macro_rules! refused {
    ($($case:ident: |$b:ident| $spoil:block => $reason:expr;)*) => {
        $(
            #[test]
            fn $case() {
                let dir = tempfile::tempdir().unwrap();
                let (file, i) = spoil(dir.path(), |$b: &mut Value| $spoil);
                // `{i}` is the entry spoiled, `{j}` the one before it.
                let reason: String = $reason
                    .replace("{i}", &i.to_string())
                    .replace("{j}", &i.saturating_sub(1).to_string());
                let problem = refusal(dir.path(), &file);
                assert_eq!(problem, reason);
                assert!(!problem.contains("Several days") && !problem.contains("sister"));
            }
        )*
    };
}

mod a_bundle_whose_screenings_break_the_rules_is_refused {
    use super::*;

    refused! {
        a_response_without_its_patient: |b| {
            let (i, r) = entry(b, "QuestionnaireResponse", "qr-1");
            r.as_object_mut().unwrap().remove("subject");
            i
        } => "entry {i} (QuestionnaireResponse/qr-1): subject is missing";
        a_response_not_signed: |b| {
            let (i, r) = entry(b, "QuestionnaireResponse", "qr-2");
            r["status"] = json!("in-progress");
            i
        } => "entry {i} (QuestionnaireResponse/qr-2): status is not completed (tend imports signed screenings only)";
        a_response_without_who_signed_it: |b| {
            let (i, r) = entry(b, "QuestionnaireResponse", "qr-1");
            r.as_object_mut().unwrap().remove("author");
            i
        } => "entry {i} (QuestionnaireResponse/qr-1): author is missing (tend keeps who signed each screening)";
        a_response_without_when_it_was_signed: |b| {
            let (i, r) = entry(b, "QuestionnaireResponse", "qr-1");
            r["authored"] = json!("2026-11-03");
            i
        } => "entry {i} (QuestionnaireResponse/qr-1): authored is not a date and time with its offset";
        an_item_answered_twice: |b| {
            let (i, r) = entry(b, "QuestionnaireResponse", "qr-1");
            r["item"][1]["linkId"] = json!("1");
            i
        } => "entry {i} (QuestionnaireResponse/qr-1): item[1].linkId is item[0]'s too (tend keeps one answer an item)";
        an_answer_of_a_kind_tend_does_not_keep: |b| {
            let (i, r) = entry(b, "QuestionnaireResponse", "qr-1");
            r["item"][4]["answer"][0] = json!({"valueInteger": 3});
            i
        } => "entry {i} (QuestionnaireResponse/qr-1): item[4].answer[0] has neither valueCoding nor valueString (the answers tend keeps)";
        a_questionnaire_tend_does_not_know: |b| {
            let (i, r) = entry(b, "QuestionnaireResponse", "qr-1");
            r.as_object_mut().unwrap().remove("extension");
            r["questionnaire"] = json!("http://example.org/Questionnaire/mood");
            i
        } => "entry {i} (QuestionnaireResponse/qr-1): questionnaire names no instrument tend knows, and extension(https://tend.example/fhir/StructureDefinition/screening).extension(instrument) is missing (tend needs to know which instrument was answered)";
        a_correction_of_a_screening_not_in_the_bundle: |b| {
            let (i, r) = entry(b, "QuestionnaireResponse", "qr-3");
            r["extension"][0]["extension"][2]["valueReference"]["reference"] = json!("QuestionnaireResponse/qr-99");
            i
        } => "entry {i} (QuestionnaireResponse/qr-3), extension[0].extension[2].valueReference.reference: QuestionnaireResponse/qr-99 is not in the bundle";
        a_correction_of_itself: |b| {
            let (i, r) = entry(b, "QuestionnaireResponse", "qr-3");
            r["extension"][0]["extension"][2]["valueReference"]["reference"] = json!("QuestionnaireResponse/qr-3");
            i
        } => "entry {i} (QuestionnaireResponse/qr-3): extension[0].extension[2].valueReference leads to the screening itself";
        a_total_without_its_value: |b| {
            let (i, r) = entry(b, "Observation", "qrs-1");
            r.as_object_mut().unwrap().remove("valueInteger");
            i
        } => "entry {i} (Observation/qrs-1): valueInteger is missing (tend keeps a screening's total as a whole number)";
        a_total_below_zero: |b| {
            let (i, r) = entry(b, "Observation", "qrs-1");
            r["valueInteger"] = json!(-3);
            i
        } => "entry {i} (Observation/qrs-1): valueInteger is not a whole number from 0";
        a_total_not_derived_from_a_response: |b| {
            let (i, r) = entry(b, "Observation", "qrs-1");
            r.as_object_mut().unwrap().remove("derivedFrom");
            i
        } => "entry {i} (Observation/qrs-1): derivedFrom[0] is missing (tend keeps a total with the QuestionnaireResponse it was made from)";
        a_second_total_for_one_response: |b| {
            // A copy of the first PHQ-9's total just before it: the total
            // itself is then the second.
            let (i, r) = entry(b, "Observation", "qrs-1");
            let mut copy = r.clone();
            copy["id"] = json!("qrs-99");
            b["entry"].as_array_mut().unwrap().insert(i, json!({"resource": copy}));
            i + 1
        } => "entry {i} (Observation/qrs-1): entry {j} is already the total of its QuestionnaireResponse (tend keeps one)";
    }
}
