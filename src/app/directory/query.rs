//! The directory's query line, read: words, and filters written as
//! `domain:food` (a need domain by code or label, any unambiguous start
//! of one), `lang:spanish` or `lang:es`, `zip:10027` (3 to 5 digits). A
//! filter's name may be shortened too (`d:`, `l:`, `z:`). What cannot be
//! read yet (`domain:s`, `zip:10` while it is typed) is left out of the
//! search and said, so the hits never vanish on a half-typed filter.

use crate::domain::care_plan::NeedDomain;
use crate::domain::directory::ResourceQuery;
use crate::domain::language;

/// How many services a search lists.
pub const LIMIT: usize = 60;

/// The filters a query line knows, by the names it accepts.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Filter {
    Domain,
    Language,
    Zip,
}

/// `domain`, `d`, `lang`, `language`, `l`, `zip`, `z`: a filter's name or
/// a start of it.
fn filter_named(name: &str) -> Option<Filter> {
    let name = name.to_lowercase();
    if name.is_empty() {
        return None;
    }
    if "domain".starts_with(&name) {
        Some(Filter::Domain)
    } else if "language".starts_with(&name) {
        Some(Filter::Language)
    } else if "zip".starts_with(&name) {
        Some(Filter::Zip)
    } else {
        None
    }
}

/// A word of the line as a filter and its value, when it is one.
fn as_filter(word: &str) -> Option<(Filter, &str)> {
    let (name, value) = word.split_once(':')?;
    Some((filter_named(name)?, value))
}

/// The need domains a typed value may mean: its code or label, or the
/// start of either (`beh`, `Income`), case aside. An exact code or label
/// is that one alone.
pub fn domains_matching(typed: &str) -> Vec<NeedDomain> {
    let typed = typed.trim().to_lowercase().replace('_', "-");
    if typed.is_empty() {
        return Vec::new();
    }
    let exact: Vec<NeedDomain> = NeedDomain::ALL
        .into_iter()
        .filter(|d| d.code() == typed || d.label().to_lowercase() == typed)
        .collect();
    if !exact.is_empty() {
        return exact;
    }
    NeedDomain::ALL
        .into_iter()
        .filter(|d| {
            d.code().starts_with(&typed)
                || d.label()
                    .to_lowercase()
                    .starts_with(&typed.replace('-', " "))
        })
        .collect()
}

/// The line read: the search to run, and what of the line it left out.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Parsed {
    pub query: ResourceQuery,
    /// Filters not used, each with why ("domain:s: safety, social support
    /// or substance use?").
    pub unread: Vec<String>,
}

/// Reads the query line.
pub fn parse(line: &str) -> Parsed {
    let mut query = ResourceQuery {
        limit: LIMIT,
        ..ResourceQuery::default()
    };
    let mut words: Vec<&str> = Vec::new();
    let mut unread = Vec::new();
    for word in line.split_whitespace() {
        let Some((filter, value)) = as_filter(word) else {
            words.push(word);
            continue;
        };
        match filter {
            Filter::Domain => match domains_matching(value).as_slice() {
                [one] => query.domain = Some(*one),
                [] if value.is_empty() => {}
                [] => unread.push(format!("{word}: no need domain is called that")),
                many => unread.push(format!(
                    "{word}: {}?",
                    many.iter().map(|d| d.code()).collect::<Vec<_>>().join(", ")
                )),
            },
            Filter::Language => {
                let value = value.replace('_', " ");
                if !value.trim().is_empty() {
                    query.language = Some(value);
                }
            }
            Filter::Zip => {
                let digits = value.bytes().all(|b| b.is_ascii_digit());
                if digits && (3..=5).contains(&value.len()) {
                    query.zip = Some(value.to_string());
                } else if !value.is_empty() {
                    unread.push(format!("{word}: a ZIP code is 3 to 5 digits"));
                }
            }
        }
    }
    query.words = words.join(" ");
    Parsed { query, unread }
}

/// The language a `lang:` value names, in words ("Spanish"), or `None`
/// for one no registry knows (the directory may still list it by name).
pub fn language_name(value: &str) -> Option<String> {
    language::parse(value).ok().map(|l| l.name())
}

/// The line with its `domain:` filter moved to the next need domain (the
/// previous one when `back`): from none to the first, from the last to
/// none again. Other words stay where they are.
pub fn cycle_domain(line: &str, back: bool) -> String {
    let mut words: Vec<String> = line.split_whitespace().map(str::to_string).collect();
    let at = words
        .iter()
        .position(|w| matches!(as_filter(w), Some((Filter::Domain, _))));
    let now = at.and_then(|i| match as_filter(&words[i]) {
        Some((_, value)) => match domains_matching(value).as_slice() {
            [one] => Some(*one),
            _ => None,
        },
        None => None,
    });
    let all = NeedDomain::ALL;
    let place = now.and_then(|d| all.iter().position(|x| *x == d));
    let next = match (place, back) {
        (None, false) => Some(all[0]),
        (None, true) => Some(all[all.len() - 1]),
        (Some(i), false) => all.get(i + 1).copied(),
        (Some(0), true) => None,
        (Some(i), true) => Some(all[i - 1]),
    };
    match (at, next) {
        (Some(i), Some(d)) => words[i] = format!("domain:{}", d.code()),
        (Some(i), None) => {
            words.remove(i);
        }
        (None, Some(d)) => words.push(format!("domain:{}", d.code())),
        (None, None) => {}
    }
    with_trailing_space(words)
}

/// The line with `lang:CODE` added, or, when it has a language filter,
/// taken away.
pub fn toggle_language(line: &str, code: &str) -> String {
    let mut words: Vec<String> = line.split_whitespace().map(str::to_string).collect();
    let before = words.len();
    words.retain(|w| !matches!(as_filter(w), Some((Filter::Language, _))));
    if words.len() == before {
        words.push(format!("lang:{code}"));
    }
    with_trailing_space(words)
}

/// Words joined, with a space after them so what is typed next is a new
/// word.
fn with_trailing_space(words: Vec<String>) -> String {
    let mut line = words.join(" ");
    if !line.is_empty() {
        line.push(' ');
    }
    line
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn words_and_filters_are_read_apart() {
        let parsed = parse("groceries domain:food lang:es zip:10027 weekly");
        assert_eq!(parsed.query.words, "groceries weekly");
        assert_eq!(parsed.query.domain, Some(NeedDomain::Food));
        assert_eq!(parsed.query.language.as_deref(), Some("es"));
        assert_eq!(parsed.query.zip.as_deref(), Some("10027"));
        assert_eq!(parsed.query.limit, LIMIT);
        assert!(parsed.unread.is_empty());
        // Short names, labels, starts of codes, case aside.
        let parsed = parse("d:Behav l:haitian_creole z:100");
        assert_eq!(parsed.query.domain, Some(NeedDomain::BehavioralHealth));
        assert_eq!(parsed.query.language.as_deref(), Some("haitian creole"));
        assert_eq!(parsed.query.zip.as_deref(), Some("100"));
        assert_eq!(
            parse("domain:income").query.domain,
            Some(NeedDomain::IncomeBenefits)
        );
        // A colon in a word that is no filter is a word.
        assert_eq!(parse("open 9:30").query.words, "open 9:30");
    }

    #[test]
    fn half_typed_filters_are_left_out_and_said() {
        let parsed = parse("domain:s zip:10 food");
        assert_eq!(parsed.query.domain, None);
        assert_eq!(parsed.query.zip, None);
        assert_eq!(parsed.query.words, "food");
        assert_eq!(
            parsed.unread,
            vec![
                "domain:s: substance-use, safety, social-support?".to_string(),
                "zip:10: a ZIP code is 3 to 5 digits".to_string(),
            ]
        );
        assert_eq!(
            parse("domain:boats").unread,
            vec!["domain:boats: no need domain is called that".to_string()]
        );
        assert!(parse("domain: zip:").unread.is_empty());
    }

    #[test]
    fn tab_goes_round_the_domains_and_back_to_none() {
        assert_eq!(
            cycle_domain("zip:10027 ", false),
            "zip:10027 domain:medical "
        );
        assert_eq!(
            cycle_domain("pantry domain:medical", false),
            "pantry domain:behavioral-health "
        );
        assert_eq!(cycle_domain("domain:other", false), "");
        assert_eq!(cycle_domain("", true), "domain:other ");
        assert_eq!(cycle_domain("d:med x", true), "x ");
    }

    #[test]
    fn the_patients_language_comes_and_goes() {
        assert_eq!(toggle_language("zip:10027 ", "es"), "zip:10027 lang:es ");
        assert_eq!(
            toggle_language("zip:10027 lang:es food", "es"),
            "zip:10027 food "
        );
        assert_eq!(language_name("es").as_deref(), Some("Spanish"));
    }
}
