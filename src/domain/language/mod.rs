//! A patient's preferred language: what they answered when asked which
//! language they want to be spoken to in. Stored as BCP 47, as FHIR's
//! `Patient.communication.language` is, and shown by its English name.
//!
//! **Registries, not a list.** Every language ISO 639-3 knows (about
//! 7,900), with its ISO 639-1 code where it has one and its English
//! reference name, comes from the `isolang` crate; parsing, validating and
//! canonicalising BCP 47 tags (case, extended language subtags such as
//! `zh-cmn` → `cmn`, deprecated codes such as `iw` → `he`, regions, scripts
//! and variants) from the `language-tags` crate, which carries the IANA
//! Language Subtag Registry. tend keeps only what those cannot know: the
//! twenty ISO 639-2/B codes (`ger`, `chi`, `per`, …; a closed list ISO froze
//! in 1998), and [`ALIASES`], the spellings rosters use that no registry
//! name gives ("Mandarin", "Farsi", "Haitian Creole", "ASL").
//!
//! **Three kinds of answer**, each stored in `patient.language` as a valid
//! BCP 47 tag, so anything reading that column (a report, `sqlite3`, the
//! CSV export) meets a tag and nothing else:
//!
//! - a language: its canonical tag, the shortest form BCP 47 allows
//!   (`es`, not `spa`; `cmn`; `pt-BR`). "Other", as rosters say for a
//!   language not on their list, is `mis`, which ISO 639-2 and BCP 47
//!   reserve for a language without a code of its own: the patient does
//!   speak a language, tend cannot say which. It is a language (exported
//!   as a code like any other) and shown as "Other language".
//! - unknown: `und` ("undetermined", BCP 47 and ISO 639-2's own answer for
//!   this). Not English: a value nobody chose is not a language. A patient
//!   created with no language (a roster without the column, a FHIR patient
//!   without `communication`) is unknown.
//! - declined: `und-x-declined`, the patient was asked and chose not to
//!   say. A reader that knows only BCP 47 sees "undetermined", which is
//!   true; the private-use subtag (BCP 47's own place for a distinction
//!   that has no registered code) keeps it apart from unknown for tend.
//!   FHIR says it as the data-absent-reason `asked-declined`.
//!
//! **Reading what people type** (a form, a roster cell, a FHIR code), case,
//! accents and surrounding spaces aside, first match wins:
//!
//! 1. the common spellings: [`ALIASES`], [`UNKNOWN_SPELLINGS`],
//!    [`DECLINED_SPELLINGS`];
//! 2. a code or tag: ISO 639-1 (`es`), 639-2/B and /T (`ger`, `deu`),
//!    639-3 (`cmn`), any valid BCP 47 tag (`zh-Hant-TW`), made canonical;
//!    private-use languages `qaa`–`qtz` are valid BCP 47 and kept;
//! 3. a name with its code, as tend shows languages whose name alone is
//!    not enough: "Swahili (swh)", "Portuguese (pt-BR)";
//! 4. a registry name ("Spanish", "Mandarin Chinese"). ISO 639-3 gives a
//!    hundred-odd names to more than one language ("Swahili" is both the
//!    macrolanguage `sw` and `swh`): the one with an ISO 639-1 code wins,
//!    else tend asks for the code.
//!
//! [`PreferredLanguage::name`] is always read back as the same answer (a
//! test checks every language of the registry), so the record form can show
//! names and save what it shows.

mod index;
mod parse;
mod spellings;

pub use index::{complete, fold, Suggestion};
pub use parse::{parse, parse_code};
pub use spellings::{ALIASES, DECLINED_SPELLINGS, UNKNOWN_SPELLINGS};

use index::same_folded;
use parse::{code_of, iso_language, read_code};

use isolang::Language;

/// What is stored for a patient whose language is not known.
pub const UNKNOWN_CODE: &str = "und";
/// What is stored for a patient who declined to say.
pub const DECLINED_CODE: &str = "und-x-declined";
/// ISO 639-2's "uncoded languages": what a roster's "Other" is stored as.
pub const OTHER_CODE: &str = "mis";

/// The name shown for [`OTHER_CODE`] (ISO's own, "Uncoded languages",
/// says something else to a coordinator).
const OTHER_NAME: &str = "Other language";

/// A valid BCP 47 tag in canonical form, of a language (never `und…`).
/// Only [`parse`] makes one.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct Tag(String);

impl Tag {
    pub fn as_str(&self) -> &str {
        &self.0
    }

    /// The language subtag: `pt` of `pt-BR`.
    pub fn primary(&self) -> &str {
        primary_of(&self.0)
    }
}

/// A patient's answer to "which language do you prefer?".
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub enum PreferredLanguage {
    Tag(Tag),
    /// Not known (not asked, or not recorded).
    Unknown,
    /// Asked, and chose not to say.
    Declined,
}

impl PreferredLanguage {
    /// What `patient.language` holds.
    pub fn code(&self) -> &str {
        match self {
            PreferredLanguage::Tag(tag) => tag.as_str(),
            PreferredLanguage::Unknown => UNKNOWN_CODE,
            PreferredLanguage::Declined => DECLINED_CODE,
        }
    }

    /// The language's English name ("Spanish", "Mandarin Chinese"), with
    /// its tag where the name alone would be read as another language or
    /// says less than the tag ("Swahili (swh)", "Portuguese (pt-BR)"); the
    /// tag itself for a language no registry names (`qaa`). [`parse`]
    /// reads it back as this same answer.
    pub fn name(&self) -> String {
        let tag = match self {
            PreferredLanguage::Unknown => return UNKNOWN_SPELLINGS[0].to_string(),
            PreferredLanguage::Declined => return DECLINED_SPELLINGS[0].to_string(),
            PreferredLanguage::Tag(tag) => tag,
        };
        match base_name(tag.primary()) {
            None => tag.as_str().to_string(),
            Some(base)
                if tag.primary().len() == tag.as_str().len() && names_only(base, tag.primary()) =>
            {
                base.to_string()
            }
            Some(base) => format!("{base} ({})", tag.as_str()),
        }
    }
}

/// Whether [`parse`] reads the registry name `name` as the language
/// `primary` alone. Once the name index is built (a form or an import has
/// read names), it answers; until then the registry's table is scanned
/// (about 8,000 comparisons, a tenth of a millisecond), so showing a
/// patient's language never waits the 6 ms the index takes to build; the
/// answer is kept for each language, so a list or an export of thousands of
/// patients, who speak a few dozen languages, scans a few dozen times.
fn names_only(name: &str, primary: &str) -> bool {
    use std::collections::HashMap;
    use std::sync::{Mutex, OnceLock};
    static KNOWN: OnceLock<Mutex<HashMap<String, bool>>> = OnceLock::new();
    if primary == OTHER_CODE {
        return true;
    }
    let known = KNOWN.get_or_init(Default::default);
    if let Some(answer) = known.lock().ok().and_then(|k| k.get(primary).copied()) {
        return answer;
    }
    let answer = if index::is_built() {
        matches!(parse(name), Ok(PreferredLanguage::Tag(tag)) if tag.as_str() == primary)
    } else {
        scanned_names_only(name, primary)
    };
    if let Ok(mut known) = known.lock() {
        known.insert(primary.to_string(), answer);
    }
    answer
}

/// [`names_only`] without the index: no other language has that name
/// (case and accents aside) and it is no code, or `primary` is the one of
/// them with an ISO 639-1 code, which [`parse`] takes.
fn scanned_names_only(name: &str, primary: &str) -> bool {
    // A name that is also a valid code ("Ak", "Ari") is read as the code.
    if let Some(Ok(read)) = read_code(name) {
        return matches!(read, PreferredLanguage::Tag(tag) if tag.as_str() == primary);
    }
    let named: Vec<Language> = isolang::languages()
        .filter(|l| same_folded(l.to_name(), name))
        .collect();
    match named.as_slice() {
        [one] => code_of(*one) == primary,
        many => {
            let with_two_letters: Vec<&Language> =
                many.iter().filter(|l| l.to_639_1().is_some()).collect();
            matches!(with_two_letters.as_slice(), [one] if code_of(**one) == primary)
        }
    }
}

/// The name to show for what `patient.language` holds; the stored text
/// itself if it is not a language (a value put there by other means).
pub fn name(stored: &str) -> String {
    // What tend stores is a tag, read without the name index; anything
    // else (written by other means) is read as typed text would be.
    let answer = match read_code(stored.trim()) {
        Some(Ok(answer)) => Ok(answer),
        _ => parse(stored),
    };
    answer.map_or_else(|_| stored.to_string(), |answer| answer.name())
}

/// The language subtag of a tag.
fn primary_of(tag: &str) -> &str {
    tag.split('-').next().unwrap_or(tag)
}

/// The English name of a language subtag, if a registry names it.
fn base_name(primary: &str) -> Option<&'static str> {
    if primary == OTHER_CODE {
        return Some(OTHER_NAME);
    }
    iso_language(primary).map(|l| l.to_name())
}

#[cfg(test)]
mod tests {
    use super::index::registry;
    use super::spellings::BIBLIOGRAPHIC;
    use super::*;
    use language_tags::LanguageTag;

    fn tag(typed: &str) -> String {
        match parse(typed) {
            Ok(answer) => answer.code().to_string(),
            Err(problem) => panic!("{typed:?}: {problem}"),
        }
    }

    #[test]
    fn the_spellings_rosters_use_read_as_their_tags() {
        for (typed, expected) in [
            ("Mandarin", "cmn"),
            ("Cantonese", "yue"),
            ("Chinese", "zh"),
            ("Fuzhounese", "cdo"),
            ("Foochow", "cdo"),
            ("Haitian Creole", "ht"),
            ("Creole", "ht"),
            ("Kreyòl", "ht"),
            ("Farsi", "fa"),
            ("Punjabi", "pa"),
            ("Urdu", "ur"),
            ("Yiddish", "yi"),
            ("Tagalog", "tl"),
            ("Filipino", "fil"),
            ("ASL", "ase"),
            ("American Sign Language", "ase"),
            ("Burmese", "my"),
            ("Cape Verdean Creole", "kea"),
            ("Toishanese", "yue"),
            ("Hmong", "hmn"),
            ("Somali", "so"),
            ("Greek", "el"),
            ("Other", "mis"),
            ("  mandarin  ", "cmn"),
            ("HAITIAN   CREOLE", "ht"),
        ] {
            assert_eq!(tag(typed), expected, "{typed}");
        }
    }

    #[test]
    fn registry_names_read_case_and_accents_aside() {
        for (typed, expected) in [
            ("Spanish", "es"),
            ("spanish", "es"),
            ("Mandarin Chinese", "cmn"),
            ("Haitian", "ht"),
            ("Persian", "fa"),
            ("Panjabi", "pa"),
            ("Norwegian Bokmål", "nb"),
            ("norwegian bokmal", "nb"),
            ("Kabuverdianu", "kea"),
            // Two languages share the name; the one with an ISO 639-1 code
            // (the macrolanguage) is meant.
            ("Swahili", "sw"),
            ("Nepali", "ne"),
        ] {
            assert_eq!(tag(typed), expected, "{typed}");
        }
        let ambiguous = parse("Konkani").unwrap_err();
        assert!(
            ambiguous.contains("(kok)") && ambiguous.contains("(knn)"),
            "{ambiguous}"
        );
    }

    #[test]
    fn codes_of_every_part_of_iso_639_read_as_the_shortest_tag() {
        for (typed, expected) in [
            ("es", "es"),
            ("ES", "es"),
            ("spa", "es"),
            ("ger", "de"),
            ("deu", "de"),
            ("chi", "zh"),
            ("zho", "zh"),
            ("per", "fa"),
            ("fas", "fa"),
            ("fre", "fr"),
            ("eng", "en"),
            ("cmn", "cmn"),
            ("yue", "yue"),
            ("ase", "ase"),
            ("hat", "ht"),
        ] {
            assert_eq!(tag(typed), expected, "{typed}");
        }
    }

    #[test]
    fn bcp_47_tags_are_made_canonical_and_checked_against_the_registry() {
        for (typed, expected) in [
            ("pt-BR", "pt-BR"),
            ("pt-br", "pt-BR"),
            ("zh-Hant-TW", "zh-Hant-TW"),
            ("ZH-HANT-tw", "zh-Hant-TW"),
            ("zh-cmn", "cmn"),
            ("zh-yue", "yue"),
            ("zh-cmn-Hans-CN", "cmn-Hans-CN"),
            ("sgn-US", "ase"),
            ("iw", "he"),
            ("en-Latn-US", "en-US"),
            ("es-419", "es-419"),
            ("spa-MX", "es-MX"),
            ("sr-Latn", "sr-Latn"),
            // Private use, qaa–qtz: valid BCP 47, the two parties' own.
            ("qaa", "qaa"),
            ("qqq", "qqq"),
        ] {
            assert_eq!(tag(typed), expected, "{typed}");
        }
        assert_eq!(
            parse("pt-YY").unwrap_err(),
            "\"pt-YY\" is not a valid language tag: the region is not in the IANA Language Subtag Registry"
        );
    }

    #[test]
    fn unknown_and_declined_are_answers_of_their_own() {
        for typed in ["Unknown", "unk", "UNDETERMINED", "und", "Und"] {
            assert_eq!(parse(typed), Ok(PreferredLanguage::Unknown), "{typed}");
        }
        for typed in [
            "Declined",
            "refused",
            "Patient declined",
            "asked-declined",
            "und-x-declined",
            "Declined to answer",
        ] {
            assert_eq!(parse(typed), Ok(PreferredLanguage::Declined), "{typed}");
        }
        assert_eq!(PreferredLanguage::Unknown.code(), "und");
        assert_eq!(PreferredLanguage::Declined.code(), "und-x-declined");
        assert_eq!(PreferredLanguage::Unknown.name(), "Unknown");
        assert_eq!(PreferredLanguage::Declined.name(), "Declined to answer");
        assert_ne!(parse("Other"), parse("Unknown"), "other is a language");
        // Both stored forms are valid BCP 47.
        for stored in [UNKNOWN_CODE, DECLINED_CODE, OTHER_CODE] {
            assert!(LanguageTag::parse(stored).unwrap().is_valid(), "{stored}");
        }
    }

    #[test]
    fn what_is_no_language_is_refused_with_the_reason() {
        assert_eq!(
            parse("Klingon language").unwrap_err(),
            "\"Klingon language\" is not a language tend knows: write its name (Spanish), a code (es, spa, pt-BR), unknown or declined"
        );
        for typed in ["12", "xyz", "English!", "en_US", "Mandarinn", "jjj"] {
            assert!(parse(typed).is_err(), "{typed}");
        }
        assert!(parse("").is_err());
        assert!(parse("Spanish (fr)")
            .unwrap_err()
            .contains("fr is the code of French"));
        assert!(parse_code("Spanish").is_err(), "a code, not a name");
        assert_eq!(parse_code("spa").unwrap().code(), "es");
    }

    #[test]
    fn names_are_the_registrys_and_read_back_as_the_same_language() {
        for (stored, shown) in [
            ("es", "Spanish"),
            ("cmn", "Mandarin Chinese"),
            ("yue", "Yue Chinese"),
            ("ht", "Haitian"),
            ("ase", "American Sign Language"),
            ("mis", "Other language"),
            ("swh", "Swahili (swh)"),
            ("pt-BR", "Portuguese (pt-BR)"),
            ("zh-Hant-TW", "Chinese (zh-Hant-TW)"),
            ("qaa", "qaa"),
            ("und", "Unknown"),
            ("und-x-declined", "Declined to answer"),
            ("not a tag", "not a tag"),
        ] {
            assert_eq!(name(stored), shown, "{stored}");
        }
        // Every language of ISO 639-3 has a name tend reads back as it; and
        // without the index, the same names are shown (every 60th language,
        // and the names shared with another language or a code).
        let mut names = std::collections::HashMap::new();
        for language in isolang::languages() {
            *names.entry(fold(language.to_name())).or_insert(0) += 1;
        }
        for (i, language) in isolang::languages().enumerate() {
            let code = code_of(language);
            let name = language.to_name();
            if code == UNKNOWN_CODE {
                continue; // "Undetermined" is the unknown answer, not a language
            }
            let shared = names[&fold(name)] > 1;
            if i % 60 == 0 || shared || read_code(name).is_some() {
                assert_eq!(
                    scanned_names_only(name, code),
                    matches!(parse(name), Ok(PreferredLanguage::Tag(t)) if t.as_str() == code),
                    "{name} ({code})"
                );
            }
        }
        let mut checked = 0;
        for language in isolang::languages() {
            let answer = parse_code(code_of(language)).unwrap();
            assert_eq!(
                parse(&answer.name()).as_ref(),
                Ok(&answer),
                "{}",
                answer.name()
            );
            checked += 1;
        }
        assert!(checked > 7_800, "{checked}");
    }

    #[test]
    fn completion_offers_the_likeliest_languages_first() {
        let shown = |typed: &str| -> Vec<String> {
            complete(typed, 3).iter().map(Suggestion::shown).collect()
        };
        assert_eq!(shown("mand")[0], "Mandarin Chinese (cmn)");
        assert_eq!(shown("SPAN")[0], "Spanish (es)");
        assert_eq!(shown("fuzh"), ["Min Dong Chinese (cdo)"]);
        assert_eq!(shown("farsi"), ["Persian (fa)"]);
        assert_eq!(shown("unk"), ["Unknown"]);
        assert_eq!(shown("decl"), ["Declined to answer"]);
        assert_eq!(shown("bokm"), ["Norwegian Bokmål (nb)"]);
        // A later word of a name: "Chinese" finds the Chinese languages.
        let chinese = complete("chinese", 20);
        assert_eq!(chinese[0].shown(), "Chinese (zh)");
        assert!(chinese.iter().any(|s| s.shown() == "Yue Chinese (yue)"));
        // Each language once, however many spellings lead to it.
        let mut codes: Vec<&str> = chinese.iter().map(|s| s.answer.code()).collect();
        codes.sort_unstable();
        codes.dedup();
        assert_eq!(codes.len(), chinese.len());
        assert!(complete("", 5).is_empty());
        assert!(complete("qxqx", 5).is_empty());
        // What a suggestion fills in reads as it.
        for s in complete("a", 50) {
            assert_eq!(parse(&s.name), Ok(s.answer.clone()), "{}", s.name);
        }
    }

    #[test]
    fn every_alias_is_a_spelling_the_registry_lacks_and_leads_to_a_language() {
        for (spelling, code) in ALIASES {
            assert!(
                registry().languages_named(&fold(spelling)).is_empty(),
                "{spelling} is a registry name: it needs no alias"
            );
            assert!(
                matches!(read_code(code), Some(Ok(PreferredLanguage::Tag(t))) if t.as_str() == *code),
                "{code} is a canonical tag"
            );
        }
        for (b, t) in BIBLIOGRAPHIC {
            assert!(
                Language::from_639_3(b).is_none(),
                "{b} is no ISO 639-3 code"
            );
            assert!(Language::from_639_3(t).is_some(), "{t} is");
        }
    }

    #[test]
    fn folding_takes_case_accents_and_extra_spaces_off() {
        assert_eq!(fold("  Kreyòl   Ayisyen "), "kreyol ayisyen");
        assert_eq!(fold("Arbëreshë"), "arbereshe");
        assert_eq!(fold("E\u{301}we"), "ewe");
    }
}
