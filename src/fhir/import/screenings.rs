//! Signed screenings from FHIR QuestionnaireResponse, and their totals from
//! the `survey` Observation derived from each (ids are the entries' keys).
//!
//! tend's own record of each answer (the `screening-answer` extension) is
//! read first, so tend's own bundles come back exactly; a bundle from
//! elsewhere gives the answers as FHIR says them: the LOINC codes of coded
//! answers, their words, and free text. Which instrument was answered is
//! the `screening` extension's, else the questionnaire's canonical: tend's
//! own name for an instrument, or the LOINC panel of an instrument tend
//! ships. An answer to an item the instrument has not is kept as it came:
//! the screening is a record of what was asked then, and the instrument's
//! file may have changed since, or not be on this machine at all.

use std::collections::HashMap;
use std::sync::OnceLock;

use super::context::Ctx;
use super::read::{Node, Read};
use crate::fhir::codes::{self, ext, system, Questionnaire};
use crate::fhir::ids::Kind;
use crate::instruments::Loaded;
use crate::store::fhir::ScreeningRow;
use crate::store::SavedAnswer;

/// A screening's total, to be joined to its screening.
#[derive(Debug, Clone)]
pub struct Score {
    /// The key of the QuestionnaireResponse it is derived from.
    pub screening: i64,
    pub patient: i64,
    pub total: u32,
    pub band: Option<String>,
}

/// The instruments tend ships: which LOINC panel is which.
fn shipped() -> &'static Loaded {
    static SHIPPED: OnceLock<Loaded> = OnceLock::new();
    SHIPPED.get_or_init(|| crate::instruments::load(None))
}

/// The parts named `name` of a complex extension (a part may repeat).
fn parts<'a>(outer: &Node<'a>, name: &str) -> Read<Vec<Node<'a>>> {
    let mut found = Vec::new();
    for part in outer.field("extension").items()? {
        if part.field("url").opt_str()? == Some(name) {
            found.push(part);
        }
    }
    Ok(found)
}

/// A whole number from 0 that fits tend's columns.
fn count<T: TryFrom<i64>>(node: &Node<'_>) -> Read<Option<T>> {
    match node.opt_i64()? {
        None => Ok(None),
        Some(n) => T::try_from(n)
            .ok()
            .filter(|_| n >= 0)
            .map(Some)
            .ok_or_else(|| node.problem("is not a whole number from 0")),
    }
}

pub fn questionnaire_response(ctx: &Ctx<'_>, key: i64, r: &Node<'_>) -> Read<ScreeningRow> {
    let status = r.field("status");
    if status.str()? != codes::SCREENING_STATUS {
        return Err(status.problem("is not completed (tend imports signed screenings only)"));
    }
    let patient_id = ctx.required_target(&r.field("subject"), Kind::Patient)?;
    let author = r.field("author");
    let signed_by = ctx
        .target(&author, Kind::Practitioner)?
        .ok_or_else(|| author.problem("is missing (tend keeps who signed each screening)"))?;
    let authored = r.field("authored");
    let signed_at = authored.opt_instant()?.ok_or_else(|| {
        authored.problem("is missing (tend keeps when each screening was signed)")
    })?;
    let own = r.extension(ext::SCREENING)?;
    let (instrument, known_name) = instrument(r, &own)?;
    let instrument_name = match own.extension("name")?.field("valueString").opt_string()? {
        Some(name) => name,
        None => known_name.unwrap_or_else(|| instrument.clone()),
    };
    let corrects = own.extension("corrects")?.field("valueReference");
    let corrects_id = ctx.target(&corrects, Kind::Screening)?;
    if corrects_id == Some(key) {
        return Err(corrects.problem("leads to the screening itself"));
    }
    let mut answers = Vec::new();
    let mut seen: HashMap<&str, usize> = HashMap::new();
    for (i, item) in r.field("item").items()?.into_iter().enumerate() {
        let link = item.field("linkId");
        let id = link.str()?;
        if let Some(first) = seen.insert(id, i) {
            return Err(link.problem(&format!(
                "is item[{first}]'s too (tend keeps one answer an item)"
            )));
        }
        answers.push(answer(&item, i)?);
    }
    Ok(ScreeningRow {
        id: key,
        patient_id,
        instrument,
        instrument_name,
        signed_by,
        signed_at,
        total: None,
        band: None,
        corrects_id,
        answers,
    })
}

/// The instrument's id (and, for one tend ships, its name): the
/// extension's, else the questionnaire's.
fn instrument(r: &Node<'_>, own: &Node<'_>) -> Read<(String, Option<String>)> {
    if let Some(id) = own
        .extension("instrument")?
        .field("valueString")
        .opt_str()?
    {
        return Ok((id.to_string(), None));
    }
    let canonical = r.field("questionnaire");
    let named = canonical.opt_str()?.and_then(codes::questionnaire_of);
    let found = match named {
        Some(Questionnaire::Tend(id)) => return Ok((id, None)),
        Some(Questionnaire::LoincPanel(panel)) => shipped()
            .instruments
            .iter()
            .find(|i| i.loinc_panel.as_deref() == Some(panel.as_str())),
        None => None,
    };
    found
        .map(|i| (i.id.clone(), Some(i.name.clone())))
        .ok_or_else(|| {
            canonical.problem(&format!(
                "names no instrument tend knows, and extension({}).extension(instrument) is \
                 missing (tend needs to know which instrument was answered)",
                ext::SCREENING
            ))
        })
}

/// One item's answer: tend's own record of it where the bundle carries
/// it, else what the FHIR answers say (the item's place is then its place
/// in the response).
fn answer(item: &Node<'_>, index: usize) -> Read<SavedAnswer> {
    let nested = item.field("item");
    if nested.is_present() {
        return Err(nested.problem("is there (tend keeps answers to items, not nested groups)"));
    }
    let mut codes = Vec::new();
    let mut displays = Vec::new();
    let mut strings = Vec::new();
    for a in item.field("answer").items()? {
        if a.field("item").is_present() {
            return Err(a
                .field("item")
                .problem("is there (tend keeps answers to items, not nested groups)"));
        }
        let coding = a.field("valueCoding");
        let string = a.field("valueString");
        if coding.is_present() {
            if coding.field("system").opt_str()? == Some(system::LOINC) {
                codes.push(coding.field("code").str()?.to_string());
            }
            displays.extend(coding.field("display").opt_str()?);
        } else if string.is_present() {
            strings.push((string.str()?.to_string(), string));
        } else {
            return Err(
                a.problem("has neither valueCoding nor valueString (the answers tend keeps)")
            );
        }
    }
    let own = item.extension(ext::SCREENING_ANSWER)?;
    let mut strings = strings.into_iter();
    let (position, chosen, score, label) = if own.is_present() {
        let position = count(&own.extension("position")?.field("valueInteger"))?;
        let mut chosen = Vec::new();
        for part in parts(&own, "option")? {
            let option = part.field("valueInteger");
            chosen.push(count(&option)?.ok_or_else(|| option.problem("is missing"))?);
        }
        let score = count(&own.extension("score")?.field("valueInteger"))?;
        let label = own.extension("label")?.field("valueString").opt_string()?;
        if codes.is_empty() && label.is_some() {
            // Words without a code are written as text before any free
            // text: they are the label's, which tend keeps apart.
            strings.next();
        }
        (position.unwrap_or(index), chosen, score, label)
    } else {
        let label = (!displays.is_empty()).then(|| displays.join("; "));
        (index, Vec::new(), None, label)
    };
    let text = strings.next().map(|(text, _)| text);
    if let Some((_, second)) = strings.next() {
        return Err(second.problem("is a second free-text answer (tend keeps one an item)"));
    }
    Ok(SavedAnswer {
        item: item.field("linkId").str()?.to_string(),
        position,
        chosen,
        label,
        score,
        codes,
        text,
    })
}

/// A screening's total: a whole number, derived from its
/// QuestionnaireResponse; its band the interpretation's words.
pub fn score(ctx: &Ctx<'_>, r: &Node<'_>) -> Read<Score> {
    let status = r.field("status");
    if status.str()? != codes::SCORE_STATUS {
        return Err(status.problem("is not final (tend imports the totals of signed screenings)"));
    }
    let derived = r.field("derivedFrom").first()?;
    let screening = ctx.target(&derived, Kind::Screening)?.ok_or_else(|| {
        derived.problem(
            "is missing (tend keeps a total with the QuestionnaireResponse it was made from)",
        )
    })?;
    let value = r.field("valueInteger");
    Ok(Score {
        screening,
        patient: ctx.required_target(&r.field("subject"), Kind::Patient)?,
        total: count(&value)?.ok_or_else(|| {
            value.problem("is missing (tend keeps a screening's total as a whole number)")
        })?,
        band: r
            .field("interpretation")
            .first()?
            .concept_text()?
            .map(str::to_string),
    })
}
