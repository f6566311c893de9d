//! Finding services in the community resource directory (schema v13), and
//! reading one in full.

use rusqlite::{params, params_from_iter, OptionalExtension, Row, ToSql};

use super::{Store, StoreError};
use crate::domain::care_plan::NeedDomain;
use crate::domain::directory::{
    zip5, AddressRecord, PhoneRecord, ResourceDetail, ResourceHit, ResourceQuery,
};
use crate::domain::language::{self, PreferredLanguage};

/// The columns of a hit, `s` the service and `o` its organization.
const HIT_COLUMNS: &str = "s.id, s.source_id, s.name, o.name, s.phone, s.address, s.zip,
    s.languages, s.schedule, s.domains, s.status, s.removed_at IS NOT NULL";

/// The weights of the index's columns for ranking words: a word in the
/// name counts most, then the organization, the terms, the description.
const RANK: &str = "bm25(resource_fts, 10.0, 1.0, 4.0, 2.0)";

fn hit(row: &Row<'_>, in_zip: bool) -> rusqlite::Result<ResourceHit> {
    let languages: String = row.get(7)?;
    let domains: String = row.get(9)?;
    Ok(ResourceHit {
        id: row.get(0)?,
        source_id: row.get(1)?,
        name: row.get(2)?,
        organization: row.get(3)?,
        phone: row.get(4)?,
        address: row.get(5)?,
        zip: row.get(6)?,
        languages: split(&languages, ",").map(str::to_string).collect(),
        schedule: row.get(8)?,
        domains: split(&domains, ",")
            .filter_map(NeedDomain::from_code)
            .collect(),
        status: row.get(10)?,
        removed: row.get(11)?,
        in_zip,
    })
}

fn split<'a>(text: &'a str, by: &'a str) -> impl Iterator<Item = &'a str> {
    text.split(by).filter(|part| !part.is_empty())
}

/// What was typed, as an FTS5 query: each word a quoted phrase (so no
/// character typed is FTS syntax) matched as a prefix (so a search typed
/// letter by letter finds as it goes), all of them required. `None` when
/// nothing typed is a word.
pub(crate) fn fts_words(typed: &str) -> Option<String> {
    let terms: Vec<String> = typed
        .split_whitespace()
        .filter(|w| w.chars().any(char::is_alphanumeric))
        .map(|w| format!("\"{}\"*", w.replace('"', "\"\"")))
        .collect();
    (!terms.is_empty()).then(|| terms.join(" "))
}

/// A language typed by name ("Haitian Creole") or code (`ht`, `hat`) as
/// the tag the directory keeps (its primary subtag); one no registry
/// knows, folded, as the import keeps such a name.
fn language_code(typed: &str) -> String {
    match language::parse(typed) {
        Ok(PreferredLanguage::Tag(tag)) => tag.primary().to_string(),
        _ => language::fold(typed),
    }
}

/// The ZIP part of a query: the 5-digit ZIP (or none when fewer digits
/// were typed) and its 3-digit region. `None` for fewer than 3 digits.
fn zip_of(typed: &str) -> Option<(Option<String>, String)> {
    let digits: String = typed.chars().filter(char::is_ascii_digit).collect();
    let region = digits.get(..3)?.to_string();
    Some((zip5(&digits), region))
}

impl Store {
    /// Services of the directory matching `query`, best first, at most
    /// `query.limit`:
    ///
    /// - `words`: every word typed is the start of a word of the service's
    ///   name, description, organization or taxonomy terms (FTS5 prefix
    ///   queries); ranked by BM25, the name weighing most;
    /// - `domain`, `language`: the service serves it / speaks it (the
    ///   language by name or code, read through the language registry);
    /// - `zip`: services with an address in that 5-digit ZIP first, then
    ///   those nearby, in the same 3-digit ZIP region (the first three
    ///   digits, the USPS sectional center), nearest ZIP number first; a
    ///   ZIP of 3 or 4 digits asks for the region alone;
    /// - without words, services are in name order (after the ZIP order);
    /// - services removed from the directory are left out unless
    ///   `include_removed`.
    ///
    /// Every filter has its index (FTS5 for words, the `resource_domain`,
    /// `resource_language` and `resource_zip` tables), so a search reads
    /// only the services that may match: within 10 ms at 50,000 services
    /// (BENCHMARKS.md).
    pub fn search_resources(&self, query: &ResourceQuery) -> Result<Vec<ResourceHit>, StoreError> {
        if query.limit == 0 {
            return Ok(Vec::new());
        }
        let mut from = vec![
            "resource_service s JOIN resource_organization o ON o.id = s.organization_id"
                .to_string(),
        ];
        let mut conditions: Vec<&str> = Vec::new();
        let mut order: Vec<String> = Vec::new();
        let mut values: Vec<Box<dyn ToSql>> = Vec::new();
        let mut in_zip = "0".to_string();

        if let Some((exact, region)) = query.zip.as_deref().and_then(zip_of) {
            let exact_value = exact.clone().unwrap_or_default();
            let target: i64 = exact
                .as_deref()
                .unwrap_or(&format!("{region}50"))
                .parse()
                .unwrap_or(0);
            values.push(Box::new(exact_value));
            let e = values.len();
            values.push(Box::new(target));
            let t = values.len();
            values.push(Box::new(format!("{region}00")));
            values.push(Box::new(format!("{region}99")));
            let lo = values.len() - 1;
            from.push(format!(
                "JOIN (SELECT service_id, max(zip = ?{e}) AS exact,
                              min(abs(CAST(zip AS INTEGER) - ?{t})) AS distance
                         FROM resource_zip WHERE zip >= ?{lo} AND zip <= ?{} GROUP BY service_id) z
                   ON z.service_id = s.id",
                lo + 1
            ));
            order.push("z.exact DESC, z.distance".into());
            in_zip = "z.exact".into();
        }
        if let Some(words) = fts_words(&query.words) {
            values.push(Box::new(words));
            from.push(format!(
                "JOIN (SELECT rowid AS id, {RANK} AS score FROM resource_fts
                        WHERE resource_fts MATCH ?{}) f ON f.id = s.id",
                values.len()
            ));
            order.push("f.score".into());
        }
        let domain_filter;
        if let Some(domain) = query.domain {
            values.push(Box::new(domain.code()));
            domain_filter = format!(
                "s.id IN (SELECT service_id FROM resource_domain WHERE domain = ?{})",
                values.len()
            );
            conditions.push(&domain_filter);
        }
        let language_filter;
        if let Some(typed) = query.language.as_deref().filter(|l| !l.trim().is_empty()) {
            values.push(Box::new(language_code(typed)));
            language_filter = format!(
                "s.id IN (SELECT service_id FROM resource_language WHERE code = ?{})",
                values.len()
            );
            conditions.push(&language_filter);
        }
        if !query.include_removed {
            conditions.push("s.removed_at IS NULL");
        }
        order.push("s.name COLLATE NOCASE, s.id".into());
        values.push(Box::new(query.limit as i64));
        let sql = format!(
            "SELECT {HIT_COLUMNS}, {in_zip} FROM {} {} ORDER BY {} LIMIT ?{}",
            from.join(" "),
            if conditions.is_empty() {
                String::new()
            } else {
                format!("WHERE {}", conditions.join(" AND "))
            },
            order.join(", "),
            values.len()
        );
        let mut stmt = self.conn().prepare_cached(&sql)?;
        let rows = stmt.query_map(params_from_iter(values.iter()), |row| {
            hit(row, row.get::<_, bool>(12)?)
        })?;
        Ok(rows.collect::<Result<_, _>>()?)
    }

    /// One service in full, by tend's id (removed or not).
    pub fn resource_service(&self, id: i64) -> Result<Option<ResourceDetail>, StoreError> {
        self.resource_detail("s.id = ?1", &id)
    }

    /// One service in full, by its HSDS id (what a referral keeps).
    pub fn resource_service_by_source(
        &self,
        source_id: &str,
    ) -> Result<Option<ResourceDetail>, StoreError> {
        self.resource_detail("s.source_id = ?1", &source_id)
    }

    fn resource_detail(
        &self,
        which: &str,
        value: &dyn ToSql,
    ) -> Result<Option<ResourceDetail>, StoreError> {
        let sql = format!(
            "SELECT {HIT_COLUMNS}, s.description, s.url, s.email, o.website, s.terms, s.removed_at
               FROM resource_service s JOIN resource_organization o ON o.id = s.organization_id
              WHERE {which}"
        );
        let detail = self
            .conn()
            .prepare_cached(&sql)?
            .query_row([value], |row| {
                let terms: String = row.get(16)?;
                Ok(ResourceDetail {
                    hit: hit(row, false)?,
                    description: row.get(12)?,
                    url: row.get(13)?,
                    email: row.get(14)?,
                    organization_website: row.get(15)?,
                    terms: split(&terms, "; ").map(str::to_string).collect(),
                    phones: Vec::new(),
                    addresses: Vec::new(),
                    removed_at: row.get(17)?,
                })
            })
            .optional()?;
        let Some(mut detail) = detail else {
            return Ok(None);
        };
        let id = detail.hit.id;
        detail.phones = self
            .conn()
            .prepare_cached(
                "SELECT number, extension, kind, description FROM resource_phone
                  WHERE service_id = ?1 ORDER BY position",
            )?
            .query_map(params![id], |r| {
                Ok(PhoneRecord {
                    number: r.get(0)?,
                    extension: r.get(1)?,
                    kind: r.get(2)?,
                    description: r.get(3)?,
                })
            })?
            .collect::<Result<_, _>>()?;
        detail.addresses = self
            .conn()
            .prepare_cached(
                "SELECT location, address_1, address_2, city, state, postal_code
                   FROM resource_address WHERE service_id = ?1 ORDER BY position",
            )?
            .query_map(params![id], |r| {
                Ok(AddressRecord {
                    location: r.get(0)?,
                    address_1: r.get(1)?,
                    address_2: r.get(2)?,
                    city: r.get(3)?,
                    state: r.get(4)?,
                    postal_code: r.get(5)?,
                })
            })?
            .collect::<Result<_, _>>()?;
        Ok(Some(detail))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn words_typed_are_never_fts_syntax() {
        assert_eq!(fts_words("food pan").as_deref(), Some("\"food\"* \"pan\"*"));
        assert_eq!(
            fts_words("a\"b OR NEAR(x) -y").as_deref(),
            Some("\"a\"\"b\"* \"OR\"* \"NEAR(x)\"* \"-y\"*")
        );
        assert_eq!(fts_words("  - * ( "), None);
        assert_eq!(fts_words(""), None);
    }

    #[test]
    fn zips_typed() {
        assert_eq!(
            zip_of("00012-3456"),
            Some((Some("00012".into()), "000".into()))
        );
        assert_eq!(zip_of("0001"), Some((None, "000".into())));
        assert_eq!(zip_of("12"), None);
    }
}
