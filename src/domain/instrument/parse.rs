//! An instrument file (TOML) read and checked whole: a file that breaks a
//! rule is refused with every problem, each at its line, so a program never
//! screens with a wrong instrument.
//!
//! The format, by example (assets/instruments/ holds the shipped ones):
//!
//! ```toml
//! id = "phq-2"
//! name = "PHQ-2"
//! title = "Patient Health Questionnaire-2"
//! stem = "Over the last 2 weeks, how often have you been bothered by …"
//! source = "Kroenke K, Spitzer RL, Williams JB. Med Care 2003;41:1284-92"
//! terms = "No permission required to reproduce, translate, display or distribute."
//! loinc_total = "55758-7"
//!
//! [scales.frequency]            # answer options shared by items
//! answers = [
//!   { label = "Not at all", score = 0, loinc = "LA6568-5" },
//!   { label = "Several days", score = 1 },
//! ]
//!
//! [[items]]
//! id = "1"
//! text = "Little interest or pleasure in doing things"
//! scale = "frequency"           # or its own `answers = [...]`
//!
//! [[bands]]                     # cover 0 to the highest total, no gap
//! from = 0
//! to = 2
//! label = "negative"
//!
//! [[rules]]
//! id = "offer-phq-9"
//! at_least = 3                  # the total (or `items = ["9"]`: their sum)
//! action = "offer:phq-9"        # safety | offer:ID | need:DOMAIN | positive
//! message = "PHQ-2 of 3 or more: the PHQ-9 now"
//! ```
//!
//! An item is a choice unless it says `kind = "text"`: free text, the
//! member's own words, with no `scale` or `answers`, never scored (so no
//! `scored = true`, no `multiple`, and no rule names it); `optional = true`
//! where it may be left blank. A choice item with `multiple = true` is
//! "choose all that apply".
//!
//! A long instrument is sectioned: it declares its sections in order, and
//! every item names its own, each section's items together and in the
//! sections' order (an item naming a section not declared is refused):
//!
//! ```toml
//! total = false
//!
//! [[sections]]
//! id = "medical"
//! title = "Medical"
//!
//! [[items]]
//! id = "goals"
//! section = "medical"
//! kind = "text"
//! text = "In your own words, what matters most for your health this year?"
//! ```

use std::collections::BTreeMap;

use serde::Deserialize;
use toml::Spanned;

mod items;

use super::{AnswerOption, Band, Instrument, Item, ItemKind, Rule, RuleAction, RuleSex};
use crate::domain::care_plan::NeedDomain;

/// One thing wrong with an instrument file, at its line (from 1).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Problem {
    pub line: usize,
    pub message: String,
}

impl std::fmt::Display for Problem {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "line {}: {}", self.line, self.message)
    }
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawInstrument {
    id: Spanned<String>,
    name: String,
    title: String,
    stem: Option<String>,
    source: String,
    terms: String,
    loinc_panel: Option<String>,
    loinc_total: Option<String>,
    #[serde(default = "yes")]
    total: bool,
    #[serde(default)]
    prorate_max_missing: usize,
    #[serde(default)]
    scales: BTreeMap<String, RawScale>,
    #[serde(default)]
    sections: Vec<RawSection>,
    items: Spanned<Vec<RawItem>>,
    #[serde(default)]
    bands: Option<Spanned<Vec<RawBand>>>,
    #[serde(default)]
    rules: Vec<RawRule>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawScale {
    answers: Vec<RawAnswer>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawAnswer {
    label: String,
    score: u32,
    loinc: Option<String>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawSection {
    id: Spanned<String>,
    title: String,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawItem {
    id: Spanned<String>,
    text: String,
    loinc: Option<String>,
    kind: Option<Spanned<String>>,
    section: Option<Spanned<String>>,
    scale: Option<Spanned<String>>,
    answers: Option<Spanned<Vec<RawAnswer>>>,
    /// Default: yes for a choice; a text item is never scored.
    scored: Option<Spanned<bool>>,
    #[serde(default)]
    optional: bool,
    multiple: Option<Spanned<bool>>,
}

fn yes() -> bool {
    true
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawBand {
    from: Spanned<u32>,
    to: Spanned<u32>,
    label: String,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawRule {
    id: Spanned<String>,
    #[serde(default)]
    items: Vec<Spanned<String>>,
    at_least: u32,
    #[serde(default)]
    sex: Vec<Spanned<String>>,
    action: Spanned<String>,
    message: String,
}

/// Reads an instrument file's text, every problem at its line.
pub fn parse(text: &str) -> Result<Instrument, Vec<Problem>> {
    let raw: RawInstrument = toml::from_str(text).map_err(|e| {
        vec![Problem {
            line: e.span().map_or(1, |s| line_of(text, s.start)),
            message: e.message().to_string(),
        }]
    })?;
    let mut problems = Vec::new();
    let mut at = |span: std::ops::Range<usize>, message: String| {
        problems.push(Problem {
            line: line_of(text, span.start),
            message,
        });
    };
    if raw.id.get_ref().trim().is_empty() {
        at(raw.id.span(), "the instrument's id is empty".into());
    }

    let sections = items::read_sections(&raw, &mut at);
    let items = items::read_items(&raw, &sections, &mut at);
    if items.is_empty() {
        at(raw.items.span(), "the instrument has no items".into());
    }
    for scale in raw.scales.values() {
        if scale.answers.len() < 2 {
            at(raw.id.span(), "a scale needs at least two answers".into());
        }
    }

    let max: u32 = items.iter().filter(|i| i.scored).map(Item::max_score).sum();
    let raw_bands: &[RawBand] = raw.bands.as_ref().map_or(&[], |b| b.get_ref());
    let bands_span = raw.bands.as_ref().map_or(raw.id.span(), |b| b.span());
    let bands: Vec<Band> = raw_bands
        .iter()
        .map(|b| Band {
            from: *b.from.get_ref(),
            to: *b.to.get_ref(),
            label: b.label.trim().to_string(),
        })
        .collect();
    let mut next = 0u32;
    for (band, raw_band) in bands.iter().zip(raw_bands) {
        if band.to < band.from {
            at(
                raw_band.to.span(),
                format!(
                    "band \"{}\" ends ({}) before it begins ({})",
                    band.label, band.to, band.from
                ),
            );
        } else if band.from > next {
            at(
                raw_band.from.span(),
                format!(
                    "band \"{}\" begins at {}, leaving {} to {} in no band",
                    band.label,
                    band.from,
                    next,
                    band.from - 1
                ),
            );
        } else if band.from < next {
            at(
                raw_band.from.span(),
                format!(
                    "band \"{}\" begins at {}, inside the band before it (which ends at {})",
                    band.label,
                    band.from,
                    next - 1
                ),
            );
        }
        next = band.to.saturating_add(1);
    }
    // Where the bands end: the last one's `to`.
    let end = raw_bands.last().map_or(bands_span.clone(), |b| b.to.span());
    // The highest total is known only when every choice has its answers.
    let items_whole = items
        .iter()
        .all(|i| i.kind == ItemKind::Text || !i.answers.is_empty());
    if raw.bands.is_some() && bands.is_empty() {
        at(
            bands_span,
            "the bands are empty: leave them out for an instrument read by its cut points".into(),
        );
    } else if !raw.total && !bands.is_empty() {
        at(
            bands_span,
            "an instrument without a total (total = false) has no bands".into(),
        );
    } else if !bands.is_empty() && items_whole && next <= max {
        at(
            end.clone(),
            format!(
                "the bands end at {}, but the total can reach {max}",
                next.saturating_sub(1)
            ),
        );
    } else if !bands.is_empty() && items_whole && next > max + 1 {
        at(
            end,
            format!(
                "the bands run to {}, past the highest total {max}",
                next - 1
            ),
        );
    }

    let mut rules = Vec::new();
    for rule in &raw.rules {
        let id = rule.id.get_ref().trim().to_string();
        if rule.items.is_empty() && !raw.total {
            at(
                rule.id.span(),
                format!(
                    "rule \"{id}\" reads the total, which this instrument has not: name its items"
                ),
            );
        }
        for item in &rule.items {
            let named = items.iter().find(|i| &i.id == item.get_ref());
            if named.is_some_and(|i| i.kind == ItemKind::Text) {
                at(
                    item.span(),
                    format!(
                        "rule \"{id}\" names item \"{}\", which is free text: it has no score",
                        item.get_ref()
                    ),
                );
            }
            if named.is_none() {
                at(
                    item.span(),
                    format!(
                        "rule \"{id}\" names item \"{}\", which the instrument has not",
                        item.get_ref()
                    ),
                );
            }
        }
        // Every item named is there, and a choice (a text item is said above).
        let all_there = rule.items.iter().all(|id| {
            items
                .iter()
                .any(|i| &i.id == id.get_ref() && i.kind == ItemKind::Choice)
        });
        let reach: u32 = if rule.items.is_empty() {
            max
        } else {
            rule.items
                .iter()
                .filter_map(|id| items.iter().find(|i| &i.id == id.get_ref()))
                .map(Item::max_score)
                .sum()
        };
        if items_whole && all_there && (rule.at_least == 0 || rule.at_least > reach) {
            at(
                rule.id.span(),
                format!(
                    "rule \"{id}\": at_least {} can never fire or always fires (its items reach {reach})",
                    rule.at_least
                ),
            );
        }
        let mut sex = Vec::new();
        for s in &rule.sex {
            match s.get_ref().as_str() {
                "female" => sex.push(RuleSex::Female),
                "male" => sex.push(RuleSex::Male),
                "other" => sex.push(RuleSex::Other),
                other => at(
                    s.span(),
                    format!("rule \"{id}\": sex \"{other}\" is not female, male or other"),
                ),
            }
        }
        let action = match action(rule.action.get_ref()) {
            Ok(action) => action,
            Err(why) => {
                at(rule.action.span(), format!("rule \"{id}\": {why}"));
                RuleAction::Positive
            }
        };
        rules.push(Rule {
            id,
            items: rule.items.iter().map(|i| i.get_ref().clone()).collect(),
            at_least: rule.at_least,
            sex,
            action,
            message: rule.message.trim().to_string(),
        });
    }

    if !problems.is_empty() {
        problems.sort_by_key(|p| p.line);
        return Err(problems);
    }
    Ok(Instrument {
        id: raw.id.into_inner().trim().to_string(),
        name: raw.name,
        title: raw.title,
        stem: raw.stem,
        source: raw.source,
        terms: raw.terms,
        loinc_panel: raw.loinc_panel,
        loinc_total: raw.loinc_total,
        has_total: raw.total,
        sections,
        items,
        prorate_max_missing: raw.prorate_max_missing,
        bands,
        rules,
    })
}

fn option(a: &RawAnswer) -> AnswerOption {
    AnswerOption {
        label: a.label.trim().to_string(),
        score: a.score,
        loinc: a.loinc.clone(),
    }
}

fn action(text: &str) -> Result<RuleAction, String> {
    match text.split_once(':') {
        None if text == "safety" => Ok(RuleAction::Safety),
        None if text == "positive" => Ok(RuleAction::Positive),
        Some(("offer", id)) if !id.trim().is_empty() => Ok(RuleAction::Offer(id.trim().into())),
        Some(("need", code)) => NeedDomain::from_code(code.trim())
            .map(RuleAction::Need)
            .ok_or_else(|| {
                format!(
                    "\"{code}\" is not a need domain ({})",
                    names(NeedDomain::ALL.iter().map(|d| d.code()))
                )
            }),
        _ => Err(format!(
            "the action \"{text}\" is not safety, positive, offer:INSTRUMENT or need:DOMAIN"
        )),
    }
}

fn names<'a>(names: impl Iterator<Item = impl AsRef<str> + 'a>) -> String {
    names
        .map(|n| n.as_ref().to_string())
        .collect::<Vec<_>>()
        .join(", ")
}

/// The line (from 1) of a byte offset.
fn line_of(text: &str, offset: usize) -> usize {
    text.get(..offset.min(text.len()))
        .map_or(1, |before| before.matches('\n').count() + 1)
}
