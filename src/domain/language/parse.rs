//! Reading a language from what a person typed or a file says: the common
//! spellings, a code or BCP 47 tag made canonical, a name with its code,
//! or a registry name (the order the module above describes), and the
//! codes' canonical forms.

use isolang::Language;
use language_tags::{LanguageTag, ValidationError};

use super::index::registry;
use super::spellings::BIBLIOGRAPHIC;
use super::{base_name, fold, primary_of, PreferredLanguage, Tag, DECLINED_CODE, UNKNOWN_CODE};

/// What a person typed or a file says ("Mandarin", "spa", "pt-br",
/// "Declined"), as an answer; why not, when it is none.
pub fn parse(typed: &str) -> Result<PreferredLanguage, String> {
    let typed = typed.trim();
    let folded = fold(typed);
    if folded.is_empty() {
        return Err("write a language (Spanish, es), unknown or declined".into());
    }
    let registry = registry();
    if let Some(answer) = registry.common_spelling(&folded) {
        return Ok(answer);
    }
    let code = read_code(typed);
    if let Some(Ok(answer)) = code {
        return Ok(answer);
    }
    if let Some(answer) = name_with_code(typed) {
        return answer;
    }
    let named = registry.languages_named(&folded);
    let with_two_letters: Vec<Language> = named
        .iter()
        .copied()
        .filter(|l| l.to_639_1().is_some())
        .collect();
    let chosen = match (named.as_slice(), with_two_letters.as_slice()) {
        ([one], _) | (_, [one]) => Some(*one),
        ([], _) => None,
        (many, _) => {
            return Err(format!(
                "{:?} names {} languages: write one with its code, {}",
                short(typed),
                many.len(),
                many.iter()
                    .map(|l| format!("{} ({})", l.to_name(), code_of(*l)))
                    .collect::<Vec<_>>()
                    .join(" or ")
            ))
        }
    };
    if let Some(answer) = chosen
        .and_then(|l| read_code(code_of(l)))
        .and_then(Result::ok)
    {
        return Ok(answer);
    }
    Err(match code {
        Some(Err(problem)) => problem,
        _ => format!(
            "{:?} is not a language tend knows: write its name (Spanish), a code (es, spa, pt-BR), unknown or declined",
            short(typed)
        ),
    })
}

/// A BCP 47 tag or ISO 639 code only (as a FHIR coding of
/// `urn:ietf:bcp:47` holds), not a name.
pub fn parse_code(code: &str) -> Result<PreferredLanguage, String> {
    read_code(code.trim()).unwrap_or_else(|| {
        Err(format!(
            "{:?} is not a BCP 47 language tag",
            short(code.trim())
        ))
    })
}

/// A code or tag read and made canonical: `None` when `text` is not one at
/// all (not well-formed, or a language subtag no registry has), so it may
/// be a name; an error when it is a tag but an invalid one (`pt-XX`).
pub(super) fn read_code(text: &str) -> Option<Result<PreferredLanguage, String>> {
    let tag = LanguageTag::parse(text).ok()?;
    let primary = tag.primary_language().to_ascii_lowercase();
    let shortest = shortest_code(&primary);
    let tag = if shortest == primary {
        tag
    } else {
        let rest = &tag.as_str()[primary.len()..];
        LanguageTag::parse(&format!("{shortest}{rest}")).ok()?
    };
    let tag = match tag.canonicalize() {
        Ok(tag) => tag,
        Err(problem) => return Some(Err(invalid(text, &problem))),
    };
    match tag.validate() {
        Ok(()) => {}
        // The registry `language-tags` carries may be older than isolang's
        // ISO 639-3 table: a language either knows is a language.
        Err(ValidationError::PrimaryLanguageNotInRegistry) if iso_language(&primary).is_some() => {}
        Err(ValidationError::PrimaryLanguageNotInRegistry) => return None,
        Err(problem) => return Some(Err(invalid(text, &problem))),
    }
    let canonical = tag.into_string();
    Some(Ok(if canonical == DECLINED_CODE {
        PreferredLanguage::Declined
    } else if primary_of(&canonical) == UNKNOWN_CODE {
        PreferredLanguage::Unknown
    } else {
        PreferredLanguage::Tag(Tag(canonical))
    }))
}

fn invalid(text: &str, problem: &ValidationError) -> String {
    format!("{:?} is not a valid language tag: {problem}", short(text))
}

/// "Swahili (swh)", "Portuguese (pt-BR)": the name must be the code's.
fn name_with_code(typed: &str) -> Option<Result<PreferredLanguage, String>> {
    let (named, code) = typed.strip_suffix(')')?.rsplit_once('(')?;
    let answer = match read_code(code.trim())? {
        Ok(answer) => answer,
        Err(problem) => return Some(Err(problem)),
    };
    let PreferredLanguage::Tag(tag) = &answer else {
        return None;
    };
    let agrees = base_name(tag.primary()).is_some_and(|base| fold(base) == fold(named));
    Some(if agrees {
        Ok(answer)
    } else {
        Err(format!(
            "{:?}: {} is the code of {}",
            short(typed),
            tag.as_str(),
            base_name(tag.primary()).unwrap_or("another language")
        ))
    })
}

/// A language code as BCP 47 writes it: a 639-2/B code as its /T code,
/// and a three-letter code as the language's ISO 639-1 code if it has one.
fn shortest_code(code: &str) -> &str {
    let code = BIBLIOGRAPHIC
        .iter()
        .find(|(b, _)| *b == code)
        .map_or(code, |(_, t)| t);
    Language::from_639_3(code)
        .and_then(|l| l.to_639_1())
        .unwrap_or(code)
}

pub(super) fn iso_language(code: &str) -> Option<Language> {
    match code.len() {
        2 => Language::from_639_1(code),
        3 => Language::from_639_3(code),
        _ => None,
    }
}

/// The code BCP 47 uses for an ISO 639-3 language.
pub(super) fn code_of(language: Language) -> &'static str {
    language.to_639_1().unwrap_or(language.to_639_3())
}

/// At most 20 characters of what was typed, for a message.
fn short(text: &str) -> String {
    text.chars().take(20).collect()
}
