//! Signed screenings as FHIR R4 (issue 18): the answers a
//! QuestionnaireResponse, the total (when the instrument has one) an
//! Observation of the `survey` category derived from it. Unfinished and
//! abandoned screenings are not exported.
//!
//! Which questionnaire was answered is the instrument's LOINC panel where
//! it has one, and the total's code its LOINC total code, both looked up
//! in the instruments tend reads (a screening whose instrument file is
//! gone still goes, named by tend's id and its total by words). Each
//! answer is what FHIR readers read — a LOINC-coded answer with its words,
//! or the words alone, and free text — and tend's own record of it (the
//! item's place, the options chosen, the score, the words as chosen) in
//! the `screening-answer` extension, which the import reads first: the
//! round trip is exact.

use std::collections::HashSet;

use serde_json::{json, Value};

use super::json::{coding, concept, extension, instant, reference, text_concept};
use super::DamagedRecord;
use crate::fhir::codes::{self, ext, system};
use crate::fhir::ids::{self, Kind};
use crate::instruments::Loaded;
use crate::store::fhir::{DamagedRow, ScreeningRow};
use crate::store::SavedAnswer;

/// Each screening's QuestionnaireResponse, then its total.
pub fn resources(screenings: &[ScreeningRow], instruments: &Loaded) -> Vec<Value> {
    let mut resources = Vec::new();
    for s in screenings {
        resources.push(questionnaire_response(s, instruments));
        resources.extend(score(s, instruments));
    }
    resources
}

fn questionnaire_response(s: &ScreeningRow, instruments: &Loaded) -> Value {
    let panel = instruments
        .get(&s.instrument)
        .and_then(|i| i.loinc_panel.as_deref());
    json!({
        "resourceType": "QuestionnaireResponse",
        "id": Kind::Screening.id(s.id),
        "extension": [{
            "url": ext::SCREENING,
            "extension": [
                { "url": "instrument", "valueString": s.instrument },
                { "url": "name", "valueString": s.instrument_name },
                extension(
                    "corrects",
                    "valueReference",
                    s.corrects_id.map(|id| reference(Kind::Screening.reference(id))),
                ),
            ],
        }],
        "questionnaire": codes::questionnaire_uri(&s.instrument, panel),
        "status": codes::SCREENING_STATUS,
        "subject": reference(Kind::Patient.reference(s.patient_id)),
        "authored": instant(s.signed_at),
        "author": reference(Kind::Practitioner.reference(s.signed_by)),
        "item": s.answers.iter().map(item).collect::<Vec<_>>(),
    })
}

/// One answered item. The words go on the coded answers when they can be
/// told apart: one option with one code, or as many options as codes and
/// as many words as either (an option's words holding "; " cannot be).
fn item(a: &SavedAnswer) -> Value {
    let label = a.label.as_deref();
    let parts: Vec<&str> = label.map(|l| l.split("; ").collect()).unwrap_or_default();
    let display = |i: usize| -> Option<&str> {
        if a.codes.len() == 1 && a.chosen.len() <= 1 {
            label
        } else if parts.len() == a.codes.len() && a.chosen.len() == a.codes.len() {
            parts.get(i).copied()
        } else {
            None
        }
    };
    let mut answers: Vec<Value> = a
        .codes
        .iter()
        .enumerate()
        .map(|(i, code)| json!({ "valueCoding": coding(system::LOINC, code, display(i)) }))
        .collect();
    if a.codes.is_empty() {
        answers.extend(label.map(|l| json!({ "valueString": l })));
    }
    answers.extend(a.text.as_deref().map(|t| json!({ "valueString": t })));
    let mut own = vec![json!({ "url": "position", "valueInteger": a.position })];
    own.extend(
        a.chosen
            .iter()
            .map(|i| json!({ "url": "option", "valueInteger": i })),
    );
    own.push(extension("score", "valueInteger", a.score.map(Value::from)));
    own.push(extension("label", "valueString", label.map(Value::from)));
    json!({
        "extension": [{ "url": ext::SCREENING_ANSWER, "extension": own }],
        "linkId": a.item,
        "answer": answers,
    })
}

/// The total, when the screening has one: its value, its band as the
/// interpretation's words, derived from the screening's answers.
fn score(s: &ScreeningRow, instruments: &Loaded) -> Option<Value> {
    let total = s.total?;
    let loinc = instruments
        .get(&s.instrument)
        .and_then(|i| i.loinc_total.as_deref());
    let (category, category_display) = codes::SURVEY;
    Some(json!({
        "resourceType": "Observation",
        "id": ids::screening_score_id(s.id),
        "status": codes::SCORE_STATUS,
        "category": [concept(system::OBSERVATION_CATEGORY, category, Some(category_display))],
        "code": {
            "coding": [loinc.map(|code| coding(system::LOINC, code, None))],
            "text": codes::score_text(&s.instrument_name),
        },
        "subject": reference(Kind::Patient.reference(s.patient_id)),
        "effectiveDateTime": instant(s.signed_at),
        "performer": [reference(Kind::Practitioner.reference(s.signed_by))],
        "valueInteger": total,
        "interpretation": [s.band.as_deref().map(text_concept)],
        "derivedFrom": [reference(Kind::Screening.reference(s.id))],
    }))
}

/// Takes out the screenings that cannot go without a record left out: a
/// screening goes with the damaged practitioner who signed it (tend keeps
/// who signed each one). A correction goes without the link to a
/// screening left out (`gone`, or taken out here). Returns those taken
/// out, named by `with` (the screening, and the record it goes with).
pub fn prune(
    screenings: &mut Vec<ScreeningRow>,
    gone: &[DamagedRow],
    practitioners: &HashSet<i64>,
    with: &dyn Fn(String, String) -> DamagedRecord,
) -> Vec<DamagedRecord> {
    let mut out: HashSet<i64> = gone
        .iter()
        .filter(|r| r.table == "screening")
        .map(|r| r.id)
        .collect();
    let mut taken = Vec::new();
    screenings.retain(|s| {
        let keep = !practitioners.contains(&s.signed_by);
        if !keep {
            let signer = Kind::Practitioner.reference(s.signed_by);
            taken.push(with(Kind::Screening.reference(s.id), signer));
            out.insert(s.id);
        }
        keep
    });
    for s in screenings.iter_mut() {
        if s.corrects_id.is_some_and(|id| out.contains(&id)) {
            s.corrects_id = None;
        }
    }
    taken
}
