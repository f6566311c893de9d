//! Screening and assessment instruments (issue 18) as data: each one's
//! items, answer options with their scores, how the total is made, its
//! severity bands and the rules that act on the answers (a safety alert,
//! a fuller instrument offered, a need for the care plan). Read from a
//! TOML file (`parse`), checked whole; scored here (`Instrument::score`),
//! as it is answered.
//!
//! An item is a choice (one option, or "choose all that apply") or free
//! text (`ItemKind::Text`: the member's own words, never scored, with no
//! options). A long instrument such as the comprehensive assessment groups
//! its items in sections (`Instrument::sections`, each item naming its
//! own): the sections are declared in order and each one's items come
//! together, so it is administered section by section.
//!
//! The rules are what decide the next step, so they are tested to the
//! letter against each instrument's published scoring
//! (tests/instruments.rs against the shipped files in assets/instruments).

mod parse;
#[cfg(test)]
mod tests;

pub use parse::{parse, Problem};

use crate::domain::care_plan::NeedDomain;

/// One instrument, checked: every item's answers scored, item ids unique,
/// the bands covering every possible total without gap or overlap, every
/// rule naming items that exist.
#[derive(Debug, Clone, PartialEq)]
pub struct Instrument {
    /// Short, stable id ("phq-9"): what a saved screening names.
    pub id: String,
    /// As coordinators call it ("PHQ-9").
    pub name: String,
    pub title: String,
    /// The words read before the items ("Over the last 2 weeks, …").
    pub stem: Option<String>,
    /// Where it comes from, and its terms of use.
    pub source: String,
    pub terms: String,
    pub loinc_panel: Option<String>,
    pub loinc_total: Option<String>,
    /// Whether the instrument has a total at all: a screening of separate
    /// domains (the AHC social needs) is read by its rules alone.
    pub has_total: bool,
    /// In order; none for an instrument that is not sectioned (every item's
    /// `section` is then none, and otherwise names one of these).
    pub sections: Vec<Section>,
    pub items: Vec<Item>,
    /// How many scored items may be left unanswered with the total still
    /// made, prorated (the instrument's own rule); 0 for most: a total is
    /// never made from a partly answered instrument otherwise.
    pub prorate_max_missing: usize,
    /// From the lowest possible total to the highest, in order; none for
    /// an instrument read only by its cut points (AUDIT-C).
    pub bands: Vec<Band>,
    pub rules: Vec<Rule>,
}

#[derive(Debug, Clone, PartialEq)]
pub struct Item {
    /// As the instrument numbers it ("9").
    pub id: String,
    pub text: String,
    pub loinc: Option<String>,
    /// A choice of options, or free text.
    pub kind: ItemKind,
    /// The id of the section it belongs to, where the instrument has them.
    pub section: Option<String>,
    /// Its options; none for a text item.
    pub answers: Vec<AnswerOption>,
    /// Counted in the total (PHQ-9's item 10, how difficult, is not; a
    /// text item never is).
    pub scored: bool,
    /// May be skipped: the instrument allows it.
    pub optional: bool,
    /// "Choose all that apply": its score is the sum of those chosen.
    pub multiple: bool,
}

/// What an item takes as its answer.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ItemKind {
    /// One of its options, or several where it is "choose all that apply".
    Choice,
    /// Words, as the member says them: never scored, no options.
    Text,
}

/// A part of a sectioned instrument ("medical"), as it is headed.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Section {
    pub id: String,
    pub title: String,
}

#[derive(Debug, Clone, PartialEq)]
pub struct AnswerOption {
    pub label: String,
    pub score: u32,
    pub loinc: Option<String>,
}

#[derive(Debug, Clone, PartialEq)]
pub struct Band {
    pub from: u32,
    pub to: u32,
    pub label: String,
}

/// A rule: when the sum of some items' scores (or the total) reaches
/// `at_least`, it fires, for the patients it applies to.
#[derive(Debug, Clone, PartialEq)]
pub struct Rule {
    pub id: String,
    /// The items summed; empty for the total.
    pub items: Vec<String>,
    pub at_least: u32,
    /// Only for patients of these sexes as recorded (AUDIT-C's cut points
    /// differ); empty for everyone.
    pub sex: Vec<RuleSex>,
    pub action: RuleAction,
    /// What the coordinator is told when it fires.
    pub message: String,
}

/// The sex a rule reads, from the patient's recorded sex (the
/// administrative `sex` field, FHIR's `gender`; gender identity is not
/// read: cut points such as AUDIT-C's follow how alcohol acts on the body).
/// Other and unknown are both `Other`, which each instrument gives the
/// cautious cut point.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum RuleSex {
    Female,
    Male,
    /// Neither recorded as female nor as male: the instrument says which
    /// cut point then applies (the more cautious one, for AUDIT-C).
    Other,
}

#[derive(Debug, Clone, PartialEq)]
pub enum RuleAction {
    /// At once, whatever the total: a safety flag on the patient, an
    /// escalation task due now, and the program's safety steps shown.
    Safety,
    /// Offer this instrument there and then (PHQ-2 → PHQ-9).
    Offer(String),
    /// Offer this need for the care plan in one key.
    Need(NeedDomain),
    /// A positive screen, said in words.
    Positive,
}

/// One item's answer: the index of the option chosen, or of each chosen
/// where the item takes several; or, for a text item, its words.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Answer {
    One(usize),
    Many(Vec<usize>),
    Text(String),
}

/// The answers so far: for each item in order, its answer, or none (not
/// yet answered, or skipped).
pub type Answers = [Option<Answer>];

/// What the answers so far come to.
#[derive(Debug, Clone, PartialEq)]
pub struct Score<'a> {
    /// The total, once every scored item that must be is answered (or
    /// prorated as the instrument allows).
    pub total: Option<u32>,
    pub band: Option<&'a Band>,
    /// The rules that fire on the answers so far: a safety rule fires as
    /// soon as its item is answered, before the total exists.
    pub fired: Vec<&'a Rule>,
    /// Scored items answered, of those scored.
    pub answered: usize,
    pub scored_items: usize,
}

impl Instrument {
    /// The highest total the items allow (or, with no total, their
    /// scores' sum all the same).
    pub fn max_total(&self) -> u32 {
        self.items
            .iter()
            .filter(|i| i.scored)
            .map(Item::max_score)
            .sum()
    }

    /// An item's score, if it is answered with options it has (one, or
    /// any number where it takes several).
    fn item_score(&self, answers: &Answers, index: usize) -> Option<u32> {
        let item = self.items.get(index)?;
        let answer = answers.get(index)?.as_ref()?;
        if !item.accepts(answer) {
            return None;
        }
        let score = |i: &usize| item.answers.get(*i).map(|a| a.score);
        match answer {
            Answer::One(chosen) => score(chosen),
            Answer::Many(chosen) => chosen.iter().map(score).sum(),
            Answer::Text(_) => None,
        }
    }

    /// The items that must be answered and are not (or not with an answer
    /// they take): what stands between the answers and signing.
    pub fn unanswered(&self, answers: &Answers) -> Vec<&Item> {
        self.items
            .iter()
            .enumerate()
            .filter(|(_, item)| !item.optional)
            .filter(|(i, item)| {
                !answers
                    .get(*i)
                    .and_then(Option::as_ref)
                    .is_some_and(|a| item.accepts(a))
            })
            .map(|(_, item)| item)
            .collect()
    }

    /// Scores the answers so far for a patient of `sex` (for rules that
    /// depend on it). Text items are not scored. Answers beyond the items,
    /// naming options an item does not have, or of the wrong kind (words
    /// for a choice, a choice for a text item) count as unanswered.
    pub fn score(&self, answers: &Answers, sex: RuleSex) -> Score<'_> {
        let scored: Vec<usize> = (0..self.items.len())
            .filter(|&i| self.items[i].scored)
            .collect();
        let given: Vec<u32> = scored
            .iter()
            .filter_map(|&i| self.item_score(answers, i))
            .collect();
        let missing = scored.len() - given.len();
        let sum: u32 = given.iter().sum();
        let total = match missing {
            _ if !self.has_total => None,
            0 => Some(sum),
            m if m <= self.prorate_max_missing && !given.is_empty() => {
                // Prorated: the mean of the answered items times their
                // number, rounded half up.
                let n = scored.len() as u32;
                let k = given.len() as u32;
                Some((sum * n * 2 + k) / (k * 2))
            }
            _ => None,
        };
        let band = total.and_then(|t| self.bands.iter().find(|b| b.from <= t && t <= b.to));
        let fired = self
            .rules
            .iter()
            .filter(|rule| rule.applies_to(sex))
            .filter(|rule| {
                if rule.items.is_empty() {
                    return total.is_some_and(|t| t >= rule.at_least);
                }
                let indexes: Vec<Option<usize>> = rule
                    .items
                    .iter()
                    .map(|id| self.items.iter().position(|i| &i.id == id))
                    .collect();
                let scores: Vec<Option<u32>> = indexes
                    .iter()
                    .map(|i| i.and_then(|i| self.item_score(answers, i)))
                    .collect();
                let so_far: u32 = scores.iter().flatten().sum();
                // Fires once what is answered reaches it: more answers
                // can only add to a sum.
                so_far >= rule.at_least
            })
            .collect();
        Score {
            total,
            band,
            fired,
            answered: given.len(),
            scored_items: scored.len(),
        }
    }

    /// The item with this id.
    pub fn item(&self, id: &str) -> Option<&Item> {
        self.items.iter().find(|i| i.id == id)
    }

    /// The section with this id.
    pub fn section(&self, id: &str) -> Option<&Section> {
        self.sections.iter().find(|s| s.id == id)
    }
}

impl Item {
    /// Whether the item takes this answer: one option it has, or several
    /// (at least one, none twice) where it is "choose all that apply"; or
    /// words, not blank, for a text item.
    pub fn accepts(&self, answer: &Answer) -> bool {
        let has = |i: &usize| *i < self.answers.len();
        match (self.kind, answer) {
            (ItemKind::Choice, Answer::One(i)) => !self.multiple && has(i),
            (ItemKind::Choice, Answer::Many(list)) => {
                let mut seen = list.clone();
                seen.sort_unstable();
                seen.dedup();
                self.multiple
                    && !list.is_empty()
                    && seen.len() == list.len()
                    && list.iter().all(has)
            }
            (ItemKind::Text, Answer::Text(words)) => !words.trim().is_empty(),
            _ => false,
        }
    }

    pub fn max_score(&self) -> u32 {
        if self.multiple {
            self.answers.iter().map(|a| a.score).sum()
        } else {
            self.answers.iter().map(|a| a.score).max().unwrap_or(0)
        }
    }
}

impl From<crate::domain::patient::Sex> for RuleSex {
    fn from(sex: crate::domain::patient::Sex) -> RuleSex {
        use crate::domain::patient::Sex;
        match sex {
            Sex::Female => RuleSex::Female,
            Sex::Male => RuleSex::Male,
            Sex::Other | Sex::Unknown => RuleSex::Other,
        }
    }
}

impl Rule {
    fn applies_to(&self, sex: RuleSex) -> bool {
        self.sex.is_empty() || self.sex.contains(&sex)
    }
}
