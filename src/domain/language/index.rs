//! Every registry name and common spelling, folded and sorted once, for
//! reading names and for completing them as they are typed.

use std::sync::OnceLock;

use isolang::Language;
use unicode_normalization::char::is_combining_mark;
use unicode_normalization::UnicodeNormalization;

use super::spellings::{ALIASES, DECLINED_SPELLINGS, UNKNOWN_SPELLINGS};
use super::{code_of, read_code, PreferredLanguage, DECLINED_CODE, UNKNOWN_CODE};

/// A language the form offers for what has been typed so far.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Suggestion {
    pub answer: PreferredLanguage,
    /// Its name, as the field takes it ([`PreferredLanguage::name`]).
    pub name: String,
}

impl Suggestion {
    /// The name with its tag, to choose by: "Mandarin Chinese (cmn)".
    pub fn shown(&self) -> String {
        match &self.answer {
            PreferredLanguage::Tag(tag) if !self.name.ends_with(')') => {
                format!("{} ({})", self.name, tag.as_str())
            }
            _ => self.name.clone(),
        }
    }
}

/// Up to `limit` answers whose name, or a word of it, or a common spelling
/// starts with `typed` (case and accents aside), the likeliest first: the
/// common spellings, then languages with an ISO 639-1 code (the widely
/// spoken ones), then other names starting so, then names with a later word
/// starting so; shorter names first within each.
pub fn complete(typed: &str, limit: usize) -> Vec<Suggestion> {
    let query = fold(typed);
    if query.is_empty() || limit == 0 {
        return Vec::new();
    }
    let registry = registry();
    let mut found: Vec<(u8, usize, &Key)> = registry
        .starting(&query)
        .map(|key| {
            let group = match (key.whole, key.common, key.target) {
                (false, _, _) => 3,
                (true, true, _) => 0,
                (true, false, Target::Language(l)) if l.to_639_1().is_some() => 1,
                _ => 2,
            };
            (group, key.name.len(), key)
        })
        .collect();
    found.sort_by(|a, b| (a.0, a.1, a.2.name).cmp(&(b.0, b.1, b.2.name)));
    let mut suggestions: Vec<Suggestion> = Vec::new();
    let mut seen: Vec<&str> = Vec::new();
    for (_, _, key) in found {
        let code = key.target.code();
        if seen.contains(&code) {
            continue;
        }
        seen.push(code);
        if let Some(answer) = key.target.answer() {
            if suggestions.iter().any(|s| s.answer == answer) {
                continue;
            }
            suggestions.push(Suggestion {
                name: answer.name(),
                answer,
            });
            if suggestions.len() == limit {
                break;
            }
        }
    }
    suggestions
}

/// Lower case, accents and other marks taken off (Unicode canonical
/// decomposition, then every combining mark dropped), runs of spaces made
/// one: how names are compared. Every registry name folds to ASCII so.
pub fn fold(text: &str) -> String {
    let mut folded = String::with_capacity(text.len());
    for word in text.split_whitespace() {
        if !folded.is_empty() {
            folded.push(' ');
        }
        folded.extend(folded_chars(word));
    }
    folded
}

/// Whether two names are the same once folded, without allocating: most
/// pairs differ at their first letter.
pub(super) fn same_folded(a: &str, b: &str) -> bool {
    // The common cases, cheaply: plain ASCII names, and different plain
    // first letters.
    if a.is_ascii() && b.is_ascii() && !a.contains("  ") && !b.contains("  ") {
        return a.eq_ignore_ascii_case(b);
    }
    if let (Some(x), Some(y)) = (a.as_bytes().first(), b.as_bytes().first()) {
        if x.is_ascii_alphabetic() && y.is_ascii_alphabetic() && !x.eq_ignore_ascii_case(y) {
            return false;
        }
    }
    let mut a_words = a.split_whitespace();
    let mut b_words = b.split_whitespace();
    loop {
        match (a_words.next(), b_words.next()) {
            (None, None) => return true,
            (Some(x), Some(y)) if folded_chars(x).eq(folded_chars(y)) => {}
            _ => return false,
        }
    }
}

fn folded_chars(word: &str) -> impl Iterator<Item = char> + '_ {
    word.nfd()
        .filter(|c| !is_combining_mark(*c))
        .flat_map(char::to_lowercase)
        .map(|c| if c == '’' || c == 'ʼ' { '\'' } else { c })
}

/// What a name in the index leads to.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Target {
    Language(Language),
    /// A common spelling's tag.
    Code(&'static str),
    Unknown,
    Declined,
}

impl Target {
    fn code(self) -> &'static str {
        match self {
            Target::Language(language) => code_of(language),
            Target::Code(code) => code,
            Target::Unknown => UNKNOWN_CODE,
            Target::Declined => DECLINED_CODE,
        }
    }

    fn answer(self) -> Option<PreferredLanguage> {
        match self {
            Target::Unknown => Some(PreferredLanguage::Unknown),
            Target::Declined => Some(PreferredLanguage::Declined),
            other => read_code(other.code()).and_then(Result::ok),
        }
    }
}

/// One name of the index, folded.
#[derive(Debug)]
struct Key {
    folded: String,
    /// As written, to sort by.
    name: &'static str,
    target: Target,
    /// The whole name (else the name from a later word on, for completing
    /// "Chinese" to "Mandarin Chinese").
    whole: bool,
    /// One of tend's common spellings, not a registry name.
    common: bool,
}

/// Every registry name and common spelling, folded and sorted, built once
/// (about 16,000 keys, a few milliseconds): lookups are then a binary
/// search, and completing a keystroke allocates nothing per name.
pub(super) struct Index {
    keys: Vec<Key>,
}

impl Index {
    fn build() -> Index {
        let mut keys = Vec::new();
        let mut add = |name: &'static str, target: Target, common: bool| {
            let folded = fold(name);
            let starts = folded
                .char_indices()
                .filter(|(i, _)| *i > 0 && matches!(folded.as_bytes()[i - 1], b' ' | b'-'))
                .map(|(i, _)| i)
                .collect::<Vec<_>>();
            for start in starts {
                keys.push(Key {
                    folded: folded[start..].to_string(),
                    name,
                    target,
                    whole: false,
                    common,
                });
            }
            keys.push(Key {
                folded,
                name,
                target,
                whole: true,
                common,
            });
        };
        for (spelling, code) in ALIASES {
            add(spelling, Target::Code(code), true);
        }
        for spelling in UNKNOWN_SPELLINGS {
            add(spelling, Target::Unknown, true);
        }
        for spelling in DECLINED_SPELLINGS {
            add(spelling, Target::Declined, true);
        }
        for language in isolang::languages() {
            add(language.to_name(), Target::Language(language), false);
        }
        keys.sort_by(|a, b| a.folded.cmp(&b.folded));
        Index { keys }
    }

    fn starting<'a>(&'a self, query: &'a str) -> impl Iterator<Item = &'a Key> {
        let first = self.keys.partition_point(|k| k.folded.as_str() < query);
        self.keys[first..]
            .iter()
            .take_while(move |k| k.folded.starts_with(query))
    }

    /// The answer a common spelling ("Mandarin", "Declined") stands for.
    pub(super) fn common_spelling(&self, folded: &str) -> Option<PreferredLanguage> {
        self.exact(folded)
            .find(|k| k.common)
            .and_then(|k| k.target.answer())
    }

    /// The registry's languages with this whole name, each once.
    pub(super) fn languages_named(&self, folded: &str) -> Vec<Language> {
        let mut named: Vec<Language> = Vec::new();
        for key in self.exact(folded) {
            if let Target::Language(language) = key.target {
                if !named.contains(&language) {
                    named.push(language);
                }
            }
        }
        named
    }

    /// The whole names equal to `folded`.
    fn exact<'a>(&'a self, folded: &'a str) -> impl Iterator<Item = &'a Key> {
        self.starting(folded)
            .take_while(move |k| k.folded == folded)
            .filter(|k| k.whole)
    }
}

static INDEX: OnceLock<Index> = OnceLock::new();

pub(super) fn registry() -> &'static Index {
    INDEX.get_or_init(Index::build)
}

/// Whether [`registry`] has been built (by a parse or a completion).
pub(super) fn is_built() -> bool {
    INDEX.get().is_some()
}
