//! Screening as it is administered (issue 18): the keys that answer an
//! item, what an answer says and scores as stored, what a safety rule
//! raises, and the program's settings (`[screening]` in config.toml).
//! The instruments themselves are in `instrument`.

use chrono::{Duration, NaiveDate};
use serde::Deserialize;

use super::instrument::{Answer, Instrument, Item, ItemKind, RuleAction};

/// `[screening]` in config.toml.
#[derive(Debug, Clone, PartialEq, Eq, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct ScreeningSettings {
    /// What the coordinator is shown at once when a safety rule fires (a
    /// program's own crisis protocol replaces these).
    pub safety_steps: Vec<String>,
    /// When each instrument is due again (`[[screening.rescreen]]`).
    pub rescreen: Vec<RescreenRule>,
}

/// "PHQ-9 every 90 days while depression is on the problem list".
#[derive(Debug, Clone, PartialEq, Eq, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RescreenRule {
    /// The instrument's id ("phq-9").
    pub instrument: String,
    /// Days from the last signed screening to the next.
    pub every_days: u32,
    /// Only while the patient has an active condition whose code starts
    /// with one of these (ICD-10-CM, "F32") or whose words hold one of them
    /// ("depress"); empty: every patient.
    #[serde(default)]
    pub while_condition: Vec<String>,
}

impl Default for ScreeningSettings {
    fn default() -> Self {
        ScreeningSettings {
            safety_steps: [
                "Stay on the line with the member; do not end the call.",
                "Ask directly: are you thinking of killing yourself? Do you have a plan, and the means?",
                "If in immediate danger: call 911 (or have someone with them call) and stay on the line.",
                "Otherwise connect them with the 988 Suicide & Crisis Lifeline (call or text 988) by a warm hand-off.",
                "Tell your supervisor or the clinician on call now, before the next call.",
                "Write the note of the call: what was asked, what was said, what was done.",
            ]
            .map(String::from)
            .to_vec(),
            rescreen: Vec::new(),
        }
    }
}

impl ScreeningSettings {
    /// Refuses a rule out of range: its key, and what is allowed.
    pub fn check(&self) -> Result<(), (&'static str, String)> {
        if self.safety_steps.iter().all(|s| s.trim().is_empty()) {
            return Err((
                "safety_steps",
                "at least one step is needed: it is shown at once when a screening finds a risk \
                 of self-harm"
                    .into(),
            ));
        }
        for rule in &self.rescreen {
            if !(1..=3650).contains(&rule.every_days) {
                return Err((
                    "every_days",
                    format!(
                        "{} (for {}) is out of range: use 1 to 3650 days",
                        rule.every_days, rule.instrument
                    ),
                ));
            }
        }
        Ok(())
    }
}

impl RescreenRule {
    /// Whether the rule holds for a patient with these active conditions
    /// (ICD-10-CM code, if known, and words): always when it names none;
    /// otherwise when a code starts with one of its entries (dots and case
    /// aside: "F32" holds for "F32.1") or the words hold one at the start
    /// of a word ("depress" in "Major depressive disorder").
    pub fn holds_for<'a>(
        &self,
        active: impl IntoIterator<Item = (Option<&'a str>, &'a str)>,
    ) -> bool {
        if self.while_condition.is_empty() {
            return true;
        }
        let entries: Vec<String> = self
            .while_condition
            .iter()
            .map(|e| e.trim().to_lowercase())
            .filter(|e| !e.is_empty())
            .collect();
        active.into_iter().any(|(code, words)| {
            let code = code.map(|c| c.replace('.', "").to_lowercase());
            let words = words.to_lowercase();
            entries.iter().any(|entry| {
                code.as_deref()
                    .is_some_and(|c| c.starts_with(&entry.replace('.', "")))
                    || starts_a_word(&words, entry)
            })
        })
    }

    /// The day the instrument falls due again: `every_days` after the last
    /// signed screening of it, or today for a patient never screened with
    /// it.
    pub fn falls_due(&self, last: Option<NaiveDate>, today: NaiveDate) -> NaiveDate {
        match last {
            Some(last) => last + Duration::days(self.every_days.into()),
            None => today,
        }
    }

    /// When a due task is wanted, for a patient whose last signed
    /// screening with the instrument was on `last` (none: never screened)
    /// and whose active conditions are `active`: the day it falls due,
    /// never before today (a screening overdue is due today, not shown
    /// as late for days nobody was told), if that is by `until`; none
    /// when the rule does not hold for them or it falls due later.
    pub fn due_on<'a>(
        &self,
        last: Option<NaiveDate>,
        active: impl IntoIterator<Item = (Option<&'a str>, &'a str)>,
        today: NaiveDate,
        until: NaiveDate,
    ) -> Option<NaiveDate> {
        let falls = self.falls_due(last, today);
        (falls <= until && self.holds_for(active)).then(|| falls.max(today))
    }
}

impl RescreenRule {
    /// The rules `tend demo` uses when the config gives none, so the demo
    /// shows screenings due: PHQ-9 every 90 days while depression is on
    /// the problem list, GAD-7 every 180 days while anxiety is.
    pub fn demo() -> Vec<RescreenRule> {
        let rule = |instrument: &str, every_days, while_condition: &[&str]| RescreenRule {
            instrument: instrument.into(),
            every_days,
            while_condition: while_condition.iter().map(|s| s.to_string()).collect(),
        };
        vec![
            rule("phq-9", 90, &["F32", "F33", "depress"]),
            rule("gad-7", 180, &["F41", "anxiety"]),
        ]
    }
}

/// Whether `entry` is in `words` where a word starts.
fn starts_a_word(words: &str, entry: &str) -> bool {
    words.match_indices(entry).any(|(at, _)| {
        words[..at]
            .chars()
            .next_back()
            .is_none_or(|c| !c.is_alphanumeric())
    })
}

/// The title of the task that says a screening is due: the instrument's
/// name and when it was last signed (ISO date), or that it never was.
pub fn due_title(instrument_name: &str, last: Option<NaiveDate>) -> String {
    match last {
        Some(last) => format!("{instrument_name} due: last screened {last}"),
        None => format!("{instrument_name} due: never screened"),
    }
}

/// The key that chooses each of an item's options: its score where three
/// or more options score 0, 1, 2… in order (as on the PHQ and GAD forms,
/// so "Nearly every day" is 3, as on paper), otherwise its place from 1 —
/// so a yes/no item is always 1 Yes, 2 No, even one scored in reverse
/// (DAST-10's item 3).
pub fn option_keys(item: &Item) -> Vec<char> {
    let by_score = !item.multiple
        && (3..=10).contains(&item.answers.len())
        && item
            .answers
            .iter()
            .enumerate()
            .all(|(i, a)| a.score as usize == i);
    (0..item.answers.len())
        .map(|i| {
            let n = if by_score { i } else { (i + 1) % 10 };
            char::from_digit(n as u32, 10).unwrap_or('?')
        })
        .collect()
}

/// How an item is numbered on screen: the instrument's own number where
/// its ids are numbers (PHQ-9's "9"), otherwise its place from 1 (the
/// assessment's ids are words, for the files and FHIR, not for reading).
pub fn item_number(item: &Item, position: usize) -> String {
    if item.id.chars().all(|c| c.is_ascii_digit()) {
        item.id.clone()
    } else {
        (position + 1).to_string()
    }
}

/// The option a key chooses, if any.
pub fn option_for_key(item: &Item, key: char) -> Option<usize> {
    option_keys(item).iter().take(10).position(|&k| k == key)
}

/// What an answer says, scores and codes, as it is stored.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct AnswerWords {
    pub chosen: Vec<usize>,
    pub label: String,
    pub score: u32,
    pub codes: Vec<String>,
}

/// An item's answer in words (the options' labels, joined), with its score
/// and LOINC answer codes; none for options the item does not have, or an
/// answer of the wrong kind. A text item's answer is its words, as given:
/// score 0, no codes, nothing chosen.
pub fn answer_words(item: &Item, answer: &Answer) -> Option<AnswerWords> {
    let chosen: Vec<usize> = match (item.kind, answer) {
        (ItemKind::Text, Answer::Text(words)) if !words.trim().is_empty() => {
            return Some(AnswerWords {
                chosen: Vec::new(),
                label: words.clone(),
                score: 0,
                codes: Vec::new(),
            })
        }
        (ItemKind::Choice, Answer::One(i)) => vec![*i],
        (ItemKind::Choice, Answer::Many(list)) if !list.is_empty() => list.clone(),
        _ => return None,
    };
    let options: Vec<_> = chosen
        .iter()
        .map(|&i| item.answers.get(i))
        .collect::<Option<_>>()?;
    Some(AnswerWords {
        label: options
            .iter()
            .map(|o| o.label.as_str())
            .collect::<Vec<_>>()
            .join("; "),
        score: options.iter().map(|o| o.score).sum(),
        codes: options.iter().filter_map(|o| o.loinc.clone()).collect(),
        chosen,
    })
}

/// The answer stored as these option indexes, as the instrument reads it;
/// none for a text item (its answer is its words: `text_answer`).
pub fn answer_of(item: &Item, chosen: &[usize]) -> Option<Answer> {
    match (item.multiple, chosen) {
        _ if item.kind == ItemKind::Text => None,
        (_, []) => None,
        (false, [one]) => Some(Answer::One(*one)),
        (false, _) => None,
        (true, many) => Some(Answer::Many(many.to_vec())),
    }
}

/// A text item's answer from its stored words; none for blank words or a
/// choice item.
pub fn text_answer(item: &Item, words: &str) -> Option<Answer> {
    (item.kind == ItemKind::Text && !words.trim().is_empty())
        .then(|| Answer::Text(words.to_string()))
}

/// What a fired safety rule writes: the flag's words and the escalation
/// task's title, naming the instrument and the rule's message, never an
/// answer's words beyond it.
pub fn safety_texts(instrument: &Instrument, message: &str) -> (String, String) {
    (
        format!("{}: {message}", instrument.name),
        format!("Safety escalation ({}): {message}", instrument.name),
    )
}

/// Whether a rule is the kind that must be acted on at once.
pub fn is_safety(action: &RuleAction) -> bool {
    matches!(action, RuleAction::Safety)
}

/// Totals as a sparkline on the instrument's own scale (0 to its highest
/// total), oldest first, the last `width` of them: a PHQ-9 of 18 after 20
/// reads as the small change it is, not as a fall to the bottom.
pub fn totals_sparkline(totals: &[u32], max_total: u32, width: usize) -> String {
    const BARS: [char; 8] = ['▁', '▂', '▃', '▄', '▅', '▆', '▇', '█'];
    let shown = &totals[totals.len().saturating_sub(width)..];
    shown
        .iter()
        .map(|&t| {
            let step = (u64::from(t.min(max_total)) * 7 * 2 + u64::from(max_total.max(1)))
                / (u64::from(max_total.max(1)) * 2);
            BARS[(step as usize).min(7)]
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::domain::instrument::AnswerOption;

    fn item(scores: &[u32], multiple: bool) -> Item {
        Item {
            id: "1".into(),
            text: "An item".into(),
            loinc: None,
            kind: ItemKind::Choice,
            section: None,
            answers: scores
                .iter()
                .map(|&score| AnswerOption {
                    label: format!("scores {score}"),
                    score,
                    loinc: Some(format!("LA{score}")),
                })
                .collect(),
            scored: true,
            optional: false,
            multiple,
        }
    }

    #[test]
    fn keys_are_the_scores_where_they_run_from_0_and_places_otherwise() {
        assert_eq!(
            option_keys(&item(&[0, 1, 2, 3], false)),
            vec!['0', '1', '2', '3']
        );
        assert_eq!(option_keys(&item(&[0, 1, 1], false)), vec!['1', '2', '3']);
        assert_eq!(option_keys(&item(&[0, 10], false)), vec!['1', '2']);
        assert_eq!(option_keys(&item(&[0, 1], true)), vec!['1', '2']);
        assert_eq!(option_for_key(&item(&[0, 1, 2, 3], false), '3'), Some(3));
        assert_eq!(option_for_key(&item(&[0, 1, 2, 3], false), '4'), None);
        assert_eq!(option_for_key(&item(&[0, 1, 1], false), '1'), Some(0));
    }

    #[test]
    fn an_answer_is_stored_in_words_with_its_score_and_codes() {
        let many = item(&[1, 2, 4], true);
        let words = answer_words(&many, &Answer::Many(vec![0, 2])).unwrap();
        assert_eq!(words.label, "scores 1; scores 4");
        assert_eq!(words.score, 5);
        assert_eq!(words.codes, vec!["LA1", "LA4"]);
        assert_eq!(
            answer_of(&many, &words.chosen),
            Some(Answer::Many(vec![0, 2]))
        );
        assert_eq!(answer_words(&many, &Answer::One(7)), None, "no such option");
        let one = item(&[0, 1], false);
        assert_eq!(answer_of(&one, &[1]), Some(Answer::One(1)));
        assert_eq!(answer_of(&one, &[]), None);
        assert_eq!(answer_words(&one, &Answer::Text("yes".into())), None);
        assert_eq!(text_answer(&one, "yes"), None);
    }

    #[test]
    fn a_text_answer_is_stored_as_its_words_with_no_score_or_codes() {
        let text = Item {
            kind: ItemKind::Text,
            answers: Vec::new(),
            scored: false,
            ..item(&[], false)
        };
        let words = "Walk my granddaughter to school again";
        let answer = text_answer(&text, words).unwrap();
        assert_eq!(answer, Answer::Text(words.into()));
        assert_eq!(
            answer_words(&text, &answer),
            Some(AnswerWords {
                chosen: vec![],
                label: words.into(),
                score: 0,
                codes: vec![],
            })
        );
        assert_eq!(text_answer(&text, "  "), None, "blank is no answer");
        assert_eq!(answer_words(&text, &Answer::Text(" ".into())), None);
        assert_eq!(answer_words(&text, &Answer::One(0)), None);
        assert_eq!(answer_words(&text, &Answer::Many(vec![])), None);
        assert_eq!(answer_of(&text, &[0]), None);
        assert_eq!(option_keys(&text), Vec::<char>::new());
    }

    #[test]
    fn totals_are_drawn_on_the_instruments_own_scale() {
        assert_eq!(totals_sparkline(&[0, 27, 20, 18], 27, 10), "▁█▆▆");
        assert_eq!(totals_sparkline(&[5, 6, 7], 21, 2), "▃▃");
        assert_eq!(totals_sparkline(&[], 27, 10), "");
    }

    fn rule(every_days: u32, while_condition: &[&str]) -> RescreenRule {
        RescreenRule {
            instrument: "phq-9".into(),
            every_days,
            while_condition: while_condition.iter().map(|s| s.to_string()).collect(),
        }
    }

    fn day(text: &str) -> NaiveDate {
        text.parse().unwrap()
    }

    #[test]
    fn a_screening_falls_due_after_its_interval_and_never_before_today() {
        let every_90 = rule(90, &[]);
        let today = day("2026-11-24");
        let none = std::iter::empty();
        // Last screened 2026-08-26: 90 days later is today.
        assert_eq!(
            every_90.due_on(Some(day("2026-08-26")), none.clone(), today, today),
            Some(today)
        );
        // A day later: not yet due today, due tomorrow.
        assert_eq!(
            every_90.due_on(Some(day("2026-08-27")), none.clone(), today, today),
            None
        );
        assert_eq!(
            every_90.due_on(
                Some(day("2026-08-27")),
                none.clone(),
                today,
                day("2026-12-01")
            ),
            Some(day("2026-11-25"))
        );
        // Long overdue: due today, not on the day it fell due.
        assert_eq!(
            every_90.due_on(Some(day("2025-01-02")), none.clone(), today, today),
            Some(today)
        );
        // Never screened: due today.
        assert_eq!(every_90.due_on(None, none, today, today), Some(today));
        assert_eq!(
            due_title("PHQ-9", Some(day("2026-08-20"))),
            "PHQ-9 due: last screened 2026-08-20"
        );
        assert_eq!(due_title("GAD-7", None), "GAD-7 due: never screened");
    }

    #[test]
    fn a_rule_with_conditions_holds_only_while_one_of_them_is_active() {
        let depression = rule(90, &["F32", "F33", "depress"]);
        let today = day("2026-11-24");
        let has = |conditions: &[(Option<&str>, &str)]| {
            depression
                .due_on(None, conditions.iter().copied(), today, today)
                .is_some()
        };
        assert!(has(&[(
            Some("F33.1"),
            "Major depressive disorder, recurrent"
        )]));
        assert!(has(&[(Some("f32.A"), "Unspecified")]), "case aside");
        assert!(has(&[(None, "Postpartum depression")]), "words, no code");
        assert!(!has(&[(Some("I10"), "Essential hypertension")]));
        assert!(!has(&[(None, "Antidepressant review")]), "inside a word");
        assert!(!has(&[]), "no active conditions");
        let dotted = rule(90, &["F33.1"]);
        assert!(dotted.holds_for([(Some("F331"), "x")]));
        assert!(!dotted.holds_for([(Some("F33.0"), "x")]));
        assert!(rule(365, &[]).holds_for([]), "empty: everyone");
    }

    #[test]
    fn the_default_settings_pass_their_own_check() {
        assert_eq!(ScreeningSettings::default().check(), Ok(()));
        let empty = ScreeningSettings {
            safety_steps: vec![" ".into()],
            ..ScreeningSettings::default()
        };
        assert_eq!(empty.check().unwrap_err().0, "safety_steps");
    }
}
