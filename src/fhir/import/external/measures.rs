//! Observations of the kinds measured goals track (HbA1c, blood pressure,
//! weight, BMI; by LOINC), read as progress on the patient's goals that
//! measure them: a result from a lab or a clinic shows on the goal's trend
//! as a coordinator's own entry does.

use chrono::NaiveDate;

use super::{input, Run, SourceKey};
use crate::fhir::import::read::{Node, Read};
use crate::store::Tx;

/// A kind of measure, by the LOINC codes that carry it and the words a
/// goal that tracks it uses.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Kind {
    /// How the progress entry names it.
    pub name: &'static str,
    codes: &'static [&'static str],
    /// Words (lower case) of a goal's description or measure that mean it
    /// tracks this kind.
    words: &'static [&'static str],
}

const KINDS: &[Kind] = &[
    Kind {
        name: "HbA1c",
        codes: &["4548-4", "17856-6", "4549-2", "17855-8"],
        words: &["a1c", "glycated", "glycohemoglobin"],
    },
    Kind {
        name: "Blood pressure",
        codes: &["85354-9", "55284-4", "8480-6"],
        words: &["blood pressure", "bp "],
    },
    Kind {
        name: "Weight",
        codes: &["29463-7", "3141-9"],
        words: &["weight"],
    },
    Kind {
        name: "BMI",
        codes: &["39156-5"],
        words: &["bmi", "body mass"],
    },
];

impl Kind {
    /// Whether a goal in these words (its description, its measure) tracks
    /// this kind.
    pub fn tracked_by(&self, description: &str, measure: Option<&str>) -> bool {
        let text = format!("{} {} ", description, measure.unwrap_or("")).to_lowercase();
        self.words.iter().any(|w| text.contains(w))
    }
}

/// One measurement: its kind, day, the value a trend plots (systolic for
/// blood pressure) and the words of the progress entry ("Blood pressure
/// 137/85 mmHg").
#[derive(Debug, Clone, PartialEq)]
pub struct Measurement {
    pub kind: Kind,
    pub on: NaiveDate,
    pub value: f64,
    pub words: String,
}

const LOINC: &str = "http://loinc.org";

/// Whether an Observation's JSON, as sent, may be one of the kinds goals
/// track, or one whose FHIR version must be checked: whether it holds one
/// of the kinds' LOINC codes as a JSON string, or a telltale of another
/// release (`version::telltales`, an escape among them). Most of a bulk
/// export's Observations (vital signs and labs of other kinds) hold
/// neither, and are counted as skipped without being parsed, as
/// resources of types tend does not take are.
pub fn may_matter(raw: &[u8]) -> bool {
    static SIFT: std::sync::OnceLock<Option<aho_corasick::AhoCorasick>> =
        std::sync::OnceLock::new();
    let sift = SIFT.get_or_init(|| {
        let mut patterns: Vec<String> = KINDS
            .iter()
            .flat_map(|kind| kind.codes)
            .map(|code| format!("\"{code}\""))
            .collect();
        patterns.extend(crate::fhir::import::version::telltales("Observation"));
        aho_corasick::AhoCorasick::new(patterns).ok()
    });
    // Never built (it cannot fail for these few patterns): read them all.
    sift.as_ref().is_none_or(|sift| sift.is_match(raw))
}

const SYSTOLIC: &str = "8480-6";
const DIASTOLIC: &str = "8462-4";

/// An Observation as a measurement: None when it is not of a kind goals
/// track; why it is passed over when it is but cannot be one (not final,
/// no value, no day).
pub fn measurement(r: &Node<'_>) -> Read<Option<Result<Measurement, &'static str>>> {
    let Some(code) = r.field("code").code_from(LOINC)? else {
        return Ok(None);
    };
    let code = code.str()?;
    let Some(kind) = KINDS.iter().find(|k| k.codes.contains(&code)) else {
        return Ok(None);
    };
    if !matches!(
        r.field("status").opt_str()?,
        Some("final" | "amended" | "corrected")
    ) {
        return Ok(Some(Err("not final")));
    }
    let on = match super::map::date_of(&r.field("effectiveDateTime"))? {
        Some(day) => Some(day),
        None => super::map::date_of(&r.field("effectivePeriod").field("start"))?,
    };
    let Some(on) = on else {
        return Ok(Some(Err("without a day")));
    };
    let quantity = |q: &Node<'_>| -> Read<Option<(f64, String)>> {
        let Some(value) = q.field("value").opt_f64()? else {
            return Ok(None);
        };
        Ok(Some((
            value,
            q.field("unit").opt_string()?.unwrap_or_default(),
        )))
    };
    let mut systolic = None;
    let mut diastolic = None;
    for component in r.field("component").items()? {
        match component
            .field("code")
            .code_from(LOINC)?
            .map(|c| c.opt_str())
            .transpose()?
            .flatten()
        {
            Some(SYSTOLIC) => systolic = quantity(&component.field("valueQuantity"))?,
            Some(DIASTOLIC) => diastolic = quantity(&component.field("valueQuantity"))?,
            _ => {}
        }
    }
    let measured = match (quantity(&r.field("valueQuantity"))?, systolic, diastolic) {
        (_, Some((high, unit)), Some((low, _))) => Some((high, format!("{high}/{low} {unit}"))),
        (_, Some((high, unit)), None) => Some((high, format!("{high} {unit} systolic"))),
        (Some((value, unit)), _, _) => Some((value, format!("{value} {unit}"))),
        (None, None, _) => None,
    };
    let Some((value, shown)) = measured else {
        return Ok(Some(Err("without a value")));
    };
    Ok(Some(Ok(Measurement {
        kind: *kind,
        on,
        value,
        words: format!("{} {} (imported)", kind.name, shown.trim()),
    })))
}

impl Run<'_> {
    /// An Observation: a measurement of a kind goals track, as progress on
    /// each of the patient's open goals that tracks it.
    pub(super) fn observation(&mut self, tx: &mut Tx<'_>, item: input::Item) -> Result<(), String> {
        Self::r4_only(&item, "Observation")?;
        let node = Node::root(&item.resource);
        let measured = match measurement(&node) {
            Ok(Some(Ok(measured))) => measured,
            Ok(Some(Err(why))) => {
                self.passed_over(&format!("Observation ({why})"));
                return Ok(());
            }
            Ok(None) => {
                *self.report.skipped.entry("Observation".into()).or_default() += 1;
                return Ok(());
            }
            Err(problem) => {
                self.problem(&item.place, &problem.0);
                return Ok(());
            }
        };
        let Some((patient, patient_id)) = self.patient_of(&item.place, &node, "subject") else {
            return Ok(());
        };
        let goals = tx.open_goals(patient_id).map_err(|e| e.to_string())?;
        let tracking: Vec<i64> = goals
            .iter()
            .filter(|(_, words, measure)| measured.kind.tracked_by(words, measure.as_deref()))
            .map(|(id, _, _)| *id)
            .collect();
        if tracking.is_empty() {
            self.passed_over("Observation (no goal of the patient tracks it)");
            return Ok(());
        }
        let key = self.key(&item, "Observation", &patient);
        for goal_id in tracking {
            let row = crate::store::SentRow::Progress {
                goal_id,
                recorded_on: measured.on,
                note: measured.words.clone(),
                value: measured.value,
            };
            let key = SourceKey {
                resource_id: format!("{}#goal-{goal_id}", key.resource_id),
                ..key.clone()
            };
            self.take(
                tx,
                &item.place,
                "Observation (goal progress)",
                &key,
                patient_id,
                &row,
            )?;
        }
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn only_an_observation_of_a_tracked_kind_or_of_another_version_is_read() {
        let heart_rate = r#"{"resourceType":"Observation","status":"final","code":{"coding":
            [{"system":"http://loinc.org","code":"8867-4"}]},"meta":{"profile":
            ["http://hl7.org/fhir/us/core/StructureDefinition/us-core-heart-rate"]},
            "text":{"div":"<div xmlns=\"http://www.w3.org/1999/xhtml\">72 \u2014 final</div>"}}"#;
        assert!(!may_matter(heart_rate.as_bytes()));
        for read in [
            heart_rate.replace("8867-4", "4548-4"),
            // A panel of another code whose component is systolic.
            heart_rate.replace(
                r#""status""#,
                r#""component":[{"code":{"coding":[{"code":"8480-6"}]}}],"status""#,
            ),
            heart_rate.replace("us/core/StructureDefinition", "R5/StructureDefinition"),
            heart_rate.replace("us-core-heart-rate", "us-core-heart-rate|7.0.0"),
            heart_rate.replace(r#""status""#, r#""triggeredBy":[],"status""#),
            heart_rate.replace("8867-4", r"\u0034548-4"),
            heart_rate.replace("us/core", r"R5\/core"),
        ] {
            assert!(may_matter(read.as_bytes()), "{read}");
        }
    }

    #[test]
    fn goals_are_matched_to_a_kind_by_their_words() {
        let a1c = KINDS[0];
        assert!(a1c.tracked_by("Keep my sugar down", Some("HbA1c below 8%")));
        assert!(a1c.tracked_by("A1C under 7", None));
        assert!(!a1c.tracked_by("Keep blood pressure under 140/90", None));
        assert!(KINDS[1].tracked_by("Keep blood pressure under 140/90", None));
        assert!(KINDS[2].tracked_by("Target weight is 160 to 180 lbs.", None));
    }
}
