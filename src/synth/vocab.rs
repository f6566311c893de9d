//! The word lists of the synthetic caseload, from `assets/synthetic.toml`
//! (embedded in the binary), so they can be read and extended as data.

use std::sync::OnceLock;

use serde::Deserialize;

use crate::domain::care_plan::NeedDomain;
use crate::domain::task::TaskKind;

const EMBEDDED: &str = include_str!("../../assets/synthetic.toml");

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Vocab {
    pub given_names: Vec<String>,
    family_heads: Vec<String>,
    family_tails: Vec<String>,
    pub area_codes: Vec<String>,
    pub plans: Vec<String>,
    pub goals: Vec<GoalWords>,
    pub conditions: Vec<ConditionWords>,
    pub care_team: Vec<CareTeamWords>,
    pub tasks: Vec<TaskWords>,
    pub notes: Vec<NoteWords>,
    /// Sentences of what was said, added to notes that reached the patient.
    pub note_sentences: Vec<String>,
    pub pronouns: Vec<String>,
    pub best_times: Vec<String>,
    pub streets: Vec<String>,
    pub towns: Vec<String>,
    pub safety_flags: Vec<String>,
    pub do_not_call_flags: Vec<String>,
    /// "Substance: reaction".
    pub allergies: Vec<String>,
    pub medications: Vec<MedicationWords>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct GoalWords {
    pub words: String,
    pub measure: String,
    #[serde(deserialize_with = "need_domain")]
    pub domain: NeedDomain,
    /// The need it serves, as the plan names it.
    pub need: String,
    /// First and last value of a measured trend.
    #[serde(default)]
    pub values: Option<(f64, f64)>,
}

fn need_domain<'de, D: serde::Deserializer<'de>>(deserializer: D) -> Result<NeedDomain, D::Error> {
    let code = String::deserialize(deserializer)?;
    NeedDomain::from_code(&code)
        .ok_or_else(|| serde::de::Error::custom(format!("unknown need domain {code:?}")))
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct MedicationWords {
    pub name: String,
    pub dose: String,
    pub frequency: String,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ConditionWords {
    pub code: String,
    pub display: String,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct CareTeamWords {
    pub role: String,
    pub organization: String,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct TaskWords {
    #[serde(deserialize_with = "task_kind")]
    pub kind: TaskKind,
    pub title: String,
    pub hard_deadline: bool,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct NoteWords {
    pub medium: String,
    pub recipient: String,
    pub outcome: String,
    pub reached: bool,
    pub body: String,
}

fn task_kind<'de, D: serde::Deserializer<'de>>(deserializer: D) -> Result<TaskKind, D::Error> {
    let code = String::deserialize(deserializer)?;
    TaskKind::from_code(&code)
        .ok_or_else(|| serde::de::Error::custom(format!("unknown task kind {code:?}")))
}

impl Vocab {
    /// The embedded lists. They are part of the build and checked by the
    /// tests, so a failure here is a defect in tend, not in the user's input.
    pub fn embedded() -> &'static Vocab {
        static VOCAB: OnceLock<Vocab> = OnceLock::new();
        VOCAB.get_or_init(|| {
            toml::from_str(EMBEDDED).expect("assets/synthetic.toml is valid (checked by tests)")
        })
    }

    /// How many family names the syllables make: (heads, tails).
    pub fn family_combinations(&self) -> (usize, usize) {
        (self.family_heads.len(), self.family_tails.len())
    }

    /// An invented family name, such as "Quinorrow" or "Zellix".
    pub fn family_name(&self, head: usize, tail: usize) -> String {
        format!(
            "{}{}",
            self.family_heads[head % self.family_heads.len()],
            self.family_tails[tail % self.family_tails.len()]
        )
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_embedded_lists_parse_and_none_is_empty() {
        let v = Vocab::embedded();
        let (heads, tails) = v.family_combinations();
        for (name, len) in [
            ("given_names", v.given_names.len()),
            ("family_heads", heads),
            ("family_tails", tails),
            ("area_codes", v.area_codes.len()),
            ("plans", v.plans.len()),
            ("goals", v.goals.len()),
            ("conditions", v.conditions.len()),
            ("care_team", v.care_team.len()),
            ("tasks", v.tasks.len()),
            ("notes", v.notes.len()),
            ("note_sentences", v.note_sentences.len()),
            ("pronouns", v.pronouns.len()),
            ("best_times", v.best_times.len()),
            ("streets", v.streets.len()),
            ("towns", v.towns.len()),
            ("safety_flags", v.safety_flags.len()),
            ("do_not_call_flags", v.do_not_call_flags.len()),
            ("allergies", v.allergies.len()),
            ("medications", v.medications.len()),
        ] {
            assert!(len > 0, "{name} is empty");
        }
        assert!(v.notes.iter().any(|n| n.reached) && v.notes.iter().any(|n| !n.reached));
        assert!(v.tasks.iter().any(|t| t.hard_deadline));
    }

    #[test]
    fn the_lists_are_plainly_synthetic() {
        let v = Vocab::embedded();
        assert!(v.area_codes.iter().all(|a| a.len() == 3));
        for org in v.care_team.iter().map(|m| &m.organization).chain(&v.plans) {
            assert!(
                ["Demo", "Sample", "Example", "Placeholder"]
                    .iter()
                    .any(|w| org.contains(w)),
                "{org}"
            );
        }
    }
}
