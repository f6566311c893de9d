//! An instrument file's sections and items, read and checked (the format
//! is in `parse`): each item a choice or free text, in a section the
//! instrument declares where it declares any, each section's items
//! together and in the sections' order.

use std::ops::Range;

use toml::Spanned;

use super::{names, option, RawInstrument, RawItem};
use crate::domain::instrument::{AnswerOption, Item, ItemKind, Section};

/// The sections, in order, each id given once.
pub(super) fn read_sections(
    raw: &RawInstrument,
    at: &mut impl FnMut(Range<usize>, String),
) -> Vec<Section> {
    let mut sections: Vec<Section> = Vec::new();
    for s in &raw.sections {
        let id = s.id.get_ref().trim().to_string();
        if id.is_empty() || sections.iter().any(|seen| seen.id == id) {
            at(
                s.id.span(),
                format!("section \"{id}\" is empty or listed twice"),
            );
        }
        sections.push(Section {
            id,
            title: s.title.trim().to_string(),
        });
    }
    sections
}

/// The items, in order, every problem said through `at`.
pub(super) fn read_items(
    raw: &RawInstrument,
    sections: &[Section],
    at: &mut impl FnMut(Range<usize>, String),
) -> Vec<Item> {
    let mut items: Vec<Item> = Vec::new();
    // The place in `sections` of the last item's section.
    let mut last_section = 0;
    for item in raw.items.get_ref() {
        let id = item.id.get_ref().trim().to_string();
        if items.iter().any(|i| i.id == id) {
            at(item.id.span(), format!("item \"{id}\" is listed twice"));
        }
        let section = match &item.section {
            None if sections.is_empty() => None,
            None => {
                at(
                    item.id.span(),
                    format!(
                        "item \"{id}\" names no section: in a sectioned instrument each item \
                         names its own"
                    ),
                );
                None
            }
            Some(named) => {
                let name = named.get_ref().trim();
                match sections.iter().position(|s| s.id == name) {
                    Some(place) if place < last_section => at(
                        named.span(),
                        format!(
                            "item \"{id}\" is in section \"{name}\", after items of \"{}\": keep \
                             each section's items together, in the order of [[sections]]",
                            sections[last_section].id
                        ),
                    ),
                    Some(place) => last_section = place,
                    None if sections.is_empty() => at(
                        named.span(),
                        format!(
                            "item \"{id}\": no section named \"{name}\" (the instrument declares \
                             no [[sections]])"
                        ),
                    ),
                    None => at(
                        named.span(),
                        format!(
                            "item \"{id}\": no section named \"{name}\" (sections: {})",
                            names(sections.iter().map(|s| &s.id))
                        ),
                    ),
                }
                Some(name.to_string())
            }
        };
        // None for a kind not known: said, and its answers left unread.
        let kind = match item.kind.as_ref().map(|k| (k, k.get_ref().as_str())) {
            None | Some((_, "choice")) => Some(ItemKind::Choice),
            Some((_, "text")) => Some(ItemKind::Text),
            Some((k, other)) => {
                at(
                    k.span(),
                    format!("item \"{id}\": kind \"{other}\" is not choice or text"),
                );
                None
            }
        };
        let answers = match kind {
            Some(ItemKind::Choice) => choice_answers(raw, item, &id, at),
            Some(ItemKind::Text) => {
                text_item_checks(item, &id, at);
                Vec::new()
            }
            None => Vec::new(),
        };
        let kind = kind.unwrap_or(ItemKind::Choice);
        let choice = kind == ItemKind::Choice;
        let set = |flag: &Option<Spanned<bool>>| flag.as_ref().map(|f| *f.get_ref());
        items.push(Item {
            id,
            text: item.text.trim().to_string(),
            loinc: item.loinc.clone(),
            kind,
            section,
            answers,
            scored: choice && set(&item.scored).unwrap_or(true),
            optional: item.optional,
            multiple: choice && set(&item.multiple).unwrap_or(false),
        });
    }
    for (place, section) in sections.iter().enumerate() {
        if !items
            .iter()
            .any(|i| i.section.as_deref() == Some(&section.id))
        {
            at(
                raw.sections[place].id.span(),
                format!("section \"{}\" has no items", section.id),
            );
        }
    }
    items
}

/// A choice item's options: its scale's, or its own, each label once.
fn choice_answers(
    raw: &RawInstrument,
    item: &RawItem,
    id: &str,
    at: &mut impl FnMut(Range<usize>, String),
) -> Vec<AnswerOption> {
    let answers: Vec<AnswerOption> = match (&item.scale, &item.answers) {
        (Some(_), Some(own)) => {
            at(
                own.span(),
                format!("item \"{id}\" has both a scale and answers of its own: one of them"),
            );
            Vec::new()
        }
        (Some(scale), None) => match raw.scales.get(scale.get_ref()) {
            Some(s) => s.answers.iter().map(option).collect(),
            None => {
                at(
                    scale.span(),
                    format!(
                        "item \"{id}\": no scale named \"{}\" (scales: {})",
                        scale.get_ref(),
                        names(raw.scales.keys())
                    ),
                );
                Vec::new()
            }
        },
        (None, Some(own)) => own.get_ref().iter().map(option).collect(),
        (None, None) => {
            at(
                item.id.span(),
                format!(
                    "item \"{id}\" has no answers: give `scale` or `answers` (or `kind = \
                     \"text\"` for free text)"
                ),
            );
            Vec::new()
        }
    };
    if let Some(own) = &item.answers {
        if own.get_ref().len() < 2 {
            at(
                own.span(),
                format!("item \"{id}\" needs at least two answers"),
            );
        }
    }
    let mut labels: Vec<&str> = Vec::new();
    for a in &answers {
        if labels.contains(&a.label.as_str()) {
            at(
                item.id.span(),
                format!("item \"{id}\": the answer \"{}\" is listed twice", a.label),
            );
        }
        labels.push(&a.label);
    }
    answers
}

/// A text item takes words only: no options, no score, not several.
fn text_item_checks(item: &RawItem, id: &str, at: &mut impl FnMut(Range<usize>, String)) {
    let options = item
        .scale
        .as_ref()
        .map(Spanned::span)
        .or_else(|| item.answers.as_ref().map(Spanned::span));
    if let Some(span) = options {
        at(
            span,
            format!("item \"{id}\" is free text (kind = \"text\"): it takes no scale or answers"),
        );
    }
    if let Some(scored) = item.scored.as_ref().filter(|s| *s.get_ref()) {
        at(
            scored.span(),
            format!("item \"{id}\" is free text: it is never scored"),
        );
    }
    if let Some(multiple) = item.multiple.as_ref().filter(|m| *m.get_ref()) {
        at(
            multiple.span(),
            format!("item \"{id}\" is free text: it cannot be \"choose all that apply\""),
        );
    }
}
