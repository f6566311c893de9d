//! Which need domain of a care plan a community service serves, read from
//! the taxonomy terms its directory gives it (HSDS `attribute.csv`).
//!
//! Directories use one of two taxonomies, or their own:
//!
//! - **AIRS/211 LA County** (most 211s): a term's code starts with its
//!   top-level letter and second letter, so the code says the domain
//!   whatever the term's name: `BD` Food, `BH` Housing/Shelter, `BT`
//!   Transportation, `BM`/`BR`/`BV` other basic needs, `F` Criminal
//!   Justice and Legal Services, `L` Health Care, `N` Income Support and
//!   Employment, `P` Individual and Family Life, `RX` Substance Use
//!   Disorder Services, `R` (the rest) Mental Health Care and Counseling
//!   (AIRS, "Taxonomy of Human Services", top-level structure). Read only
//!   when the term's `taxonomy` names AIRS or 211, since other
//!   taxonomies' codes mean something else.
//! - **Open Eligibility** (Open Referral's own) and anything else: the
//!   words of the term's name. Open Eligibility's top levels are
//!   Emergency, Food, Housing, Goods, Transit, Health, Money, Care,
//!   Education, Work and Legal, with "Mental Health Care" and "Addiction &
//!   Recovery" under Health (openeligibility.org).
//!
//! The rule, [`domain_of_term`]: the term's AIRS code if it has one; else
//! the first row of [`WORDS`] with a word in the term's name; else the
//! same asked of its parent, then the parent's parent. So the most
//! specific name decides ("Mental Health Care" under "Health" is
//! behavioral health, not medical), and [`WORDS`] is in priority order
//! for a name with words of two rows ("Substance Abuse Counseling" is
//! substance use, not behavioral health or safety; "Domestic Violence
//! Shelter" is safety before housing). A term that none of
//! this places has no domain; a service whose terms place none is
//! [`NeedDomain::Other`] (see [`domains_of_service`]).

use std::collections::HashMap;

use super::care_plan::NeedDomain;

/// A taxonomy term as the rule needs it.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct Term {
    pub id: String,
    pub name: String,
    pub code: Option<String>,
    pub parent_id: Option<String>,
    /// The term's `taxonomy` column: "AIRS", "Open Eligibility", …
    pub taxonomy: Option<String>,
}

/// The words that place a term, by domain, in priority order. A word
/// ending in `*` matches any word it begins ("addict*": addiction,
/// addicts); the others match the whole word only, so "care" does not
/// match "career", nor "rent" "parenting".
pub const WORDS: &[(NeedDomain, &[&str])] = &[
    (
        NeedDomain::SubstanceUse,
        &[
            "substance*",
            "addict*",
            "alcohol*",
            "drug",
            "drugs",
            "opioid*",
            "detox*",
            "sober*",
            "sobriety",
            "narcotic*",
            "methadone",
            "buprenorphine",
            "suboxone",
            "recovery",
        ],
    ),
    (
        NeedDomain::BehavioralHealth,
        &[
            "mental",
            "behavioral",
            "behavioural",
            "psychiatr*",
            "psycholog*",
            "counseling",
            "counselling",
            "therapy",
            "psychotherapy",
            "suicide",
        ],
    ),
    (
        NeedDomain::Safety,
        &[
            "safety",
            "safe",
            "abuse",
            "violence",
            "legal",
            "law",
            "protective",
            "protection",
            "trafficking",
            "assault",
        ],
    ),
    (
        NeedDomain::Food,
        &[
            "food*",
            "meal*",
            "pantry",
            "pantries",
            "nutrition*",
            "grocer*",
            "snap",
            "wic",
            "soup",
        ],
    ),
    (
        NeedDomain::Housing,
        &[
            "housing",
            "shelter*",
            "homeless*",
            "rent",
            "rental",
            "eviction*",
            "utilit*",
        ],
    ),
    (
        NeedDomain::Transportation,
        &[
            "transit",
            "transport*",
            "ride",
            "rides",
            "bus",
            "paratransit",
            "travel",
        ],
    ),
    (
        NeedDomain::IncomeBenefits,
        &[
            "money",
            "income",
            "benefit*",
            "financial",
            "finance*",
            "cash",
            "tax",
            "taxes",
            "work",
            "employment",
            "job",
            "jobs",
            "career*",
            "insurance",
            "medicaid",
            "medicare",
        ],
    ),
    (
        NeedDomain::Medical,
        &[
            "health",
            "medical",
            "clinic*",
            "dental",
            "doctor*",
            "hospital*",
            "pharmac*",
            "prescription*",
            "vision",
            "primary",
        ],
    ),
    (
        NeedDomain::SocialSupport,
        &[
            "care",
            "caregiv*",
            "support",
            "companion*",
            "family",
            "families",
            "social",
            "friendly",
            "peer",
            "community",
            "education",
            "childcare",
        ],
    ),
];

/// AIRS code prefixes, longest first, and their domains.
const AIRS: &[(&str, NeedDomain)] = &[
    ("BD", NeedDomain::Food),
    ("BH", NeedDomain::Housing),
    ("BT", NeedDomain::Transportation),
    ("RX", NeedDomain::SubstanceUse),
    ("B", NeedDomain::Other),
    ("F", NeedDomain::Safety),
    ("L", NeedDomain::Medical),
    ("N", NeedDomain::IncomeBenefits),
    ("P", NeedDomain::SocialSupport),
    ("R", NeedDomain::BehavioralHealth),
];

/// The domain a term's name says by [`WORDS`], if any.
pub fn domain_of_name(name: &str) -> Option<NeedDomain> {
    let words: Vec<String> = name
        .split(|c: char| !c.is_alphanumeric())
        .filter(|w| !w.is_empty())
        .map(str::to_lowercase)
        .collect();
    WORDS.iter().find_map(|(domain, keys)| {
        let hit = keys.iter().any(|key| match key.strip_suffix('*') {
            Some(stem) => words.iter().any(|w| w.starts_with(stem)),
            None => words.iter().any(|w| w == key),
        });
        hit.then_some(*domain)
    })
}

/// The domain an AIRS code says, when the term is AIRS's.
fn domain_of_airs(term: &Term) -> Option<NeedDomain> {
    let taxonomy = term.taxonomy.as_deref()?.to_ascii_lowercase();
    if !(taxonomy.contains("airs") || taxonomy.contains("211")) {
        return None;
    }
    let code = term.code.as_deref()?.trim().to_ascii_uppercase();
    AIRS.iter()
        .find(|(prefix, _)| code.starts_with(prefix))
        .map(|(_, domain)| *domain)
}

/// The terms of a directory by id, for walking up to parents.
pub struct Taxonomy<'a> {
    by_id: HashMap<&'a str, &'a Term>,
}

impl<'a> Taxonomy<'a> {
    pub fn new(terms: &'a [Term]) -> Self {
        Taxonomy {
            by_id: terms.iter().map(|t| (t.id.as_str(), t)).collect(),
        }
    }

    pub fn term(&self, id: &str) -> Option<&'a Term> {
        self.by_id.get(id).copied()
    }

    /// The term and its parents, nearest first; a loop in the parents
    /// (a package's mistake) ends the walk instead of spinning.
    pub fn lineage(&self, id: &str) -> Vec<&'a Term> {
        let mut out: Vec<&'a Term> = Vec::new();
        let mut next = self.term(id);
        while let Some(term) = next {
            if out.iter().any(|seen| seen.id == term.id) || out.len() > 32 {
                break;
            }
            out.push(term);
            next = term.parent_id.as_deref().and_then(|p| self.term(p));
        }
        out
    }

    /// The domain of the term `id` by the module's rule.
    pub fn domain_of_term(&self, id: &str) -> Option<NeedDomain> {
        let lineage = self.lineage(id);
        lineage
            .iter()
            .find_map(|t| domain_of_airs(t))
            .or_else(|| lineage.iter().find_map(|t| domain_of_name(&t.name)))
    }
}

/// The domains of a service with the terms `term_ids`, in
/// [`NeedDomain::ALL`]'s order, each once; [`NeedDomain::Other`] alone
/// when none places it, so a search by domain still finds every service
/// under one domain or another.
pub fn domains_of_service<'a>(
    taxonomy: &Taxonomy<'_>,
    term_ids: impl IntoIterator<Item = &'a str>,
) -> Vec<NeedDomain> {
    let mut found: Vec<NeedDomain> = term_ids
        .into_iter()
        .filter_map(|id| taxonomy.domain_of_term(id))
        .collect();
    if found.is_empty() {
        return vec![NeedDomain::Other];
    }
    found.sort_by_key(|d| NeedDomain::ALL.iter().position(|a| a == d));
    found.dedup();
    found
}

#[cfg(test)]
mod tests {
    use super::*;
    use NeedDomain::*;

    fn term(id: &str, name: &str, parent: Option<&str>) -> Term {
        Term {
            id: id.into(),
            name: name.into(),
            parent_id: parent.map(Into::into),
            ..Term::default()
        }
    }

    #[test]
    fn open_eligibility_top_levels_and_common_names() {
        for (name, domain) in [
            ("Food", Some(Food)),
            ("Emergency Food", Some(Food)),
            ("Food Pantry", Some(Food)),
            ("Housing", Some(Housing)),
            ("Temporary Shelter", Some(Housing)),
            ("Transit", Some(Transportation)),
            ("Transportation", Some(Transportation)),
            ("Health", Some(Medical)),
            ("Medical Care", Some(Medical)),
            ("Dental Care", Some(Medical)),
            ("Mental Health Care", Some(BehavioralHealth)),
            ("Behavioral Health", Some(BehavioralHealth)),
            ("Addiction & Recovery", Some(SubstanceUse)),
            ("Substance Abuse Counseling", Some(SubstanceUse)),
            ("Money", Some(IncomeBenefits)),
            ("Government Benefits", Some(IncomeBenefits)),
            ("Work", Some(IncomeBenefits)),
            ("Legal", Some(Safety)),
            ("Domestic Violence Shelter", Some(Safety)),
            ("Home Health Care", Some(Medical)),
            ("Care", Some(SocialSupport)),
            ("Support Groups", Some(SocialSupport)),
            ("Career Services", Some(IncomeBenefits)),
            ("Goods", None),
            ("Parenting classes", None),
        ] {
            assert_eq!(domain_of_name(name), domain, "{name}");
        }
    }

    #[test]
    fn the_most_specific_name_decides_then_the_parents() {
        let terms = vec![
            term("1", "Health", None),
            term("2", "Mental Health Care", Some("1")),
            term("3", "Psychiatric Medication", Some("2")),
            term("4", "Checkup", Some("1")),
            term("5", "Goods", None),
            term("6", "Clothing", Some("5")),
            // A loop in the parents ends the walk.
            term("7", "Loop A", Some("8")),
            term("8", "Loop B", Some("7")),
        ];
        let taxonomy = Taxonomy::new(&terms);
        assert_eq!(taxonomy.domain_of_term("3"), Some(BehavioralHealth));
        assert_eq!(taxonomy.domain_of_term("4"), Some(Medical));
        assert_eq!(taxonomy.domain_of_term("6"), None);
        assert_eq!(taxonomy.domain_of_term("7"), None);
        assert_eq!(taxonomy.domain_of_term("missing"), None);
        assert_eq!(
            domains_of_service(&taxonomy, ["4", "3", "2"]),
            [Medical, BehavioralHealth]
        );
        assert_eq!(domains_of_service(&taxonomy, ["6"]), [Other]);
        assert_eq!(domains_of_service(&taxonomy, []), [Other]);
    }

    #[test]
    fn airs_codes_when_the_taxonomy_is_airs() {
        let airs = |code: &str, name: &str| Term {
            id: code.into(),
            code: Some(code.into()),
            name: name.into(),
            taxonomy: Some("AIRS".into()),
            ..Term::default()
        };
        let terms = vec![
            airs("BD-1800.2000", "Food Pantries"),
            airs("BH-1800.8500", "Homeless Shelter"),
            airs("RX-8450.1000", "Outpatient Care"),
            airs("RP-1400.8000", "Outpatient Care"),
            airs("LN-5000", "Outpatient Care"),
            airs("BT-8300", "Local Bus"),
            airs("NL-3000", "Food Stamps/SNAP"),
            Term {
                taxonomy: Some("Other".into()),
                ..airs("BD-1", "Outpatient Care")
            },
        ];
        let taxonomy = Taxonomy::new(&terms);
        for (id, domain) in [
            ("BD-1800.2000", Food),
            ("BH-1800.8500", Housing),
            ("RX-8450.1000", SubstanceUse),
            ("RP-1400.8000", BehavioralHealth),
            ("LN-5000", Medical),
            ("BT-8300", Transportation),
            ("NL-3000", IncomeBenefits),
        ] {
            assert_eq!(taxonomy.domain_of_term(id), Some(domain), "{id}");
        }
        // Not AIRS: the code is not read, the name is.
        assert_eq!(
            Taxonomy::new(&terms[7..]).domain_of_term("BD-1"),
            Some(SocialSupport)
        );
    }
}
