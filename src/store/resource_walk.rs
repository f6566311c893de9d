//! How `Store::search_resources` finds its hits without reading every
//! service that may match: each way of searching walks an index in the
//! order the results are shown and stops once it has `limit` of them;
//! only what is returned is sorted.
//!
//! - Words: the services whose *name* has every word (`resource_name_fts`,
//!   a small index of names alone) come first, then the other services
//!   the words find (`resource_fts`), each in index order until the limit
//!   is filled; each group shown by name. No BM25: it costs a read of the
//!   row's sizes for every match, and a 2-letter prefix matches most of
//!   the directory.
//! - A ZIP: the services in that ZIP, then outward one ZIP number at a
//!   time (`n - 1`, `n + 1`, `n - 2`, …) within its 3-digit region until
//!   the limit is filled (the region's middle, `xxx50`, for a region
//!   alone); within one distance, the name matches first (with words),
//!   then by name.
//!   With one filter (domain or language) it is checked for each service
//!   of a ZIP. With words, or both filters, those are read first as a set
//!   of service ids (their tables are keyed by the value first; words
//!   through the two FTS indexes), and a ZIP walked is filtered in
//!   memory; when they find few services (`FEW`), each one's own ZIPs are
//!   read instead of walking the region.
//! - Without words or ZIP: by name, walked from the domain's names
//!   (`resource_domain` keeps the service's name, indexed by domain and
//!   name), or the language's, or every service's; the language checked
//!   for each when both are asked for.

use std::collections::{HashMap, HashSet};

use rusqlite::{params, Connection};

use super::StoreError;

/// What a search asks, read from the query.
pub(super) struct Walk<'a> {
    pub conn: &'a Connection,
    /// As an FTS5 query (`fts_words`).
    pub words: Option<String>,
    pub domain: Option<&'static str>,
    pub language: Option<String>,
    pub include_removed: bool,
    pub limit: usize,
}

/// A service found, in the order shown, with whether it is in the ZIP.
pub(super) type Found = Vec<(i64, bool)>;

/// Words found in a service's name rank before words found elsewhere.
const IN_NAME: u8 = 0;
const ELSEWHERE: u8 = 1;

/// Up to this many services found by words or two filters are placed by
/// reading their own ZIPs; more, by walking the region's ZIPs.
const FEW: usize = 1_000;

impl Walk<'_> {
    /// Conditions on `s` (the service) for the domain, language and
    /// removal, numbered from `?2` on, with their values.
    fn filters(&self) -> (String, Vec<String>) {
        let mut sql = String::new();
        let mut values = Vec::new();
        if let Some(domain) = self.domain {
            values.push(domain.to_string());
            sql.push_str(&format!(
                " AND EXISTS (SELECT 1 FROM resource_domain
                               WHERE domain = ?{} AND service_id = s.id)",
                values.len() + 1
            ));
        }
        if let Some(language) = &self.language {
            values.push(language.clone());
            sql.push_str(&format!(
                " AND EXISTS (SELECT 1 FROM resource_language
                               WHERE code = ?{} AND service_id = s.id)",
                values.len() + 1
            ));
        }
        if !self.include_removed {
            sql.push_str(" AND s.removed_at IS NULL");
        }
        (sql, values)
    }

    /// Without a ZIP: by words (name matches first), or by name.
    pub fn listed(&self) -> Result<Found, StoreError> {
        let (filters, values) = self.filters();
        let Some(words) = &self.words else {
            return self.by_filters();
        };
        let mut found: Found = Vec::new();
        let mut seen = HashSet::new();
        for table in ["resource_name_fts", "resource_fts"] {
            // Those already found come again: ask for as many more.
            let sql = format!(
                "SELECT s.id FROM {table} f JOIN resource_service s ON s.id = f.rowid
                  WHERE {table} MATCH ?1 {filters} LIMIT {}",
                self.limit + seen.len()
            );
            let ids: Vec<i64> = self
                .ids(&sql, Some(words.as_str()), &values)?
                .into_iter()
                .filter(|id| seen.insert(*id))
                .take(self.limit - found.len())
                .collect();
            found.extend(self.by_name(ids)?.into_iter().map(|id| (id, false)));
            if found.len() >= self.limit {
                break;
            }
        }
        Ok(found)
    }

    /// The ids a statement returns, `?1` the words (none: not bound).
    fn ids(
        &self,
        sql: &str,
        words: Option<&str>,
        values: &[String],
    ) -> Result<Vec<i64>, StoreError> {
        let mut stmt = self.conn.prepare_cached(sql)?;
        let mut all: Vec<&dyn rusqlite::ToSql> = Vec::new();
        if let Some(words) = &words {
            all.push(words);
        }
        all.extend(values.iter().map(|v| v as &dyn rusqlite::ToSql));
        let rows = stmt.query_map(all.as_slice(), |r| r.get::<_, i64>(0))?;
        Ok(rows.collect::<Result<_, _>>()?)
    }

    /// Without words or ZIP: by name. Walked from the domain's names
    /// (`resource_domain_by_name`), or else the language's, the other
    /// checked for each; from every service's names without either.
    fn by_filters(&self) -> Result<Found, StoreError> {
        let removed = if self.include_removed {
            ""
        } else {
            " AND s.removed_at IS NULL"
        };
        let (sql, values): (String, Vec<String>) = match (self.domain, &self.language) {
            (Some(domain), language) => (
                format!(
                    "SELECT d.service_id FROM resource_domain d
                       JOIN resource_service s ON s.id = d.service_id
                      WHERE d.domain = ?1 {} {removed}
                      ORDER BY d.name COLLATE NOCASE, d.service_id LIMIT {}",
                    if language.is_some() {
                        "AND EXISTS (SELECT 1 FROM resource_language
                                      WHERE code = ?2 AND service_id = d.service_id)"
                    } else {
                        ""
                    },
                    self.limit
                ),
                [Some(domain.to_string()), language.clone()]
                    .into_iter()
                    .flatten()
                    .collect(),
            ),
            (None, Some(language)) => (
                format!(
                    "SELECT l.service_id FROM resource_language l
                       JOIN resource_service s ON s.id = l.service_id
                      WHERE l.code = ?1 {removed}
                      ORDER BY l.name COLLATE NOCASE, l.service_id LIMIT {}",
                    self.limit
                ),
                vec![language.clone()],
            ),
            (None, None) => (
                format!(
                    "SELECT s.id FROM resource_service s WHERE 1 {removed}
                      ORDER BY s.name COLLATE NOCASE, s.id LIMIT {}",
                    self.limit
                ),
                Vec::new(),
            ),
        };
        Ok(self
            .ids(&sql, None, &values)?
            .into_iter()
            .map(|id| (id, false))
            .collect())
    }

    /// `ids` in name order (as `COLLATE NOCASE`: ASCII letters folded).
    fn by_name(&self, ids: Vec<i64>) -> Result<Vec<i64>, StoreError> {
        let mut named = self.names(ids)?;
        named.sort();
        Ok(named.into_iter().map(|(_, id)| id).collect())
    }

    /// Each service's name folded as NOCASE, with its id; removed
    /// services left out unless asked for.
    fn names(&self, ids: Vec<i64>) -> Result<Vec<(Vec<u8>, i64)>, StoreError> {
        let mut stmt = self.conn.prepare_cached(
            "SELECT name, removed_at IS NOT NULL FROM resource_service WHERE id = ?1",
        )?;
        let mut out = Vec::with_capacity(ids.len());
        for id in ids {
            let (name, removed): (String, bool) =
                stmt.query_row(params![id], |r| Ok((r.get(0)?, r.get(1)?)))?;
            if !removed || self.include_removed {
                out.push((name.to_ascii_lowercase().into_bytes(), id));
            }
        }
        Ok(out)
    }

    /// The service ids of one value of a filter table keyed by it.
    fn set(&self, sql: &str, value: &str) -> Result<HashSet<i64>, StoreError> {
        let mut stmt = self.conn.prepare_cached(sql)?;
        let rows = stmt.query_map([value], |r| r.get::<_, i64>(0))?;
        Ok(rows.collect::<Result<_, _>>()?)
    }

    /// The services of the domain and of the language asked for, as one
    /// set; `None` when neither is asked for.
    fn allowed(&self) -> Result<Option<HashSet<i64>>, StoreError> {
        let mut allowed: Option<HashSet<i64>> = None;
        let mut narrow = |set: HashSet<i64>| {
            allowed = Some(match allowed.take() {
                None => set,
                Some(had) => had.intersection(&set).copied().collect(),
            });
        };
        if let Some(domain) = self.domain {
            narrow(self.set(
                "SELECT service_id FROM resource_domain WHERE domain = ?1",
                domain,
            )?);
        }
        if let Some(language) = &self.language {
            narrow(self.set(
                "SELECT service_id FROM resource_language WHERE code = ?1",
                language,
            )?);
        }
        Ok(allowed)
    }

    /// With a ZIP: `exact` (none when only a region was typed), the ZIP
    /// number the walk starts from, and the region's first three digits.
    pub fn near(&self, exact: bool, target: i64, region: i64) -> Result<Found, StoreError> {
        let region = (region * 100, region * 100 + 99);
        let narrowed = self.narrowed()?;
        if let Some(few) = narrowed.as_ref().filter(|n| n.len() <= FEW) {
            return self.near_few(few, exact, target, region);
        }
        let (filters, values) = match narrowed {
            Some(_) => (String::new(), Vec::new()),
            None => self.filters(),
        };
        let mut stmt = self.conn.prepare_cached(&match narrowed {
            // Only the ids (the key), the rest in memory.
            Some(_) => "SELECT service_id, NULL FROM resource_zip WHERE zip = ?1".to_string(),
            None => format!(
                "SELECT z.service_id, s.name FROM resource_zip z
                   JOIN resource_service s ON s.id = z.service_id
                  WHERE z.zip = ?1 {filters}"
            ),
        })?;
        let mut found: Found = Vec::new();
        let mut seen = HashSet::new();
        for distance in 0..=(region.1 - region.0) {
            let zips = [target - distance, target + distance];
            let zips: Vec<i64> = zips[..if distance == 0 { 1 } else { 2 }]
                .iter()
                .copied()
                .filter(|z| (region.0..=region.1).contains(z))
                .collect();
            if zips.is_empty() {
                break;
            }
            let mut ring: Vec<(u8, Vec<u8>, i64)> = Vec::new();
            let mut unnamed: Vec<(u8, i64)> = Vec::new();
            for zip in zips {
                let mut all: Vec<&dyn rusqlite::ToSql> = Vec::new();
                let zip = format!("{zip:05}");
                all.push(&zip);
                all.extend(values.iter().map(|v| v as &dyn rusqlite::ToSql));
                let mut rows = stmt.query(all.as_slice())?;
                while let Some(row) = rows.next()? {
                    let id: i64 = row.get(0)?;
                    let tier = match &narrowed {
                        None => IN_NAME,
                        Some(map) => match map.get(&id) {
                            Some(tier) => *tier,
                            None => continue,
                        },
                    };
                    if !seen.insert(id) {
                        continue;
                    }
                    match row.get::<_, Option<String>>(1)? {
                        Some(name) => ring.push((tier, name.to_ascii_lowercase().into_bytes(), id)),
                        None => unnamed.push((tier, id)),
                    }
                }
            }
            let tier_of: HashMap<i64, u8> = unnamed.iter().map(|(t, id)| (*id, *t)).collect();
            for (name, id) in self.names(unnamed.into_iter().map(|(_, id)| id).collect())? {
                ring.push((tier_of[&id], name, id));
            }
            ring.sort();
            let in_zip = exact && distance == 0;
            let room = self.limit - found.len();
            found.extend(ring.into_iter().take(room).map(|(_, _, id)| (id, in_zip)));
            if found.len() >= self.limit {
                break;
            }
        }
        Ok(found)
    }

    /// With words, or both a domain and a language: the services they
    /// find (each with whether its name has the words), read as sets.
    /// `None` otherwise: one filter alone is checked as a ZIP is walked.
    fn narrowed(&self) -> Result<Option<HashMap<i64, u8>>, StoreError> {
        if self.words.is_none() && (self.domain.is_none() || self.language.is_none()) {
            return Ok(None);
        }
        let allowed = self.allowed()?;
        let Some(words) = &self.words else {
            let all = allowed.unwrap_or_default();
            return Ok(Some(all.into_iter().map(|id| (id, IN_NAME)).collect()));
        };
        let mut map: HashMap<i64, u8> = self
            .set(
                "SELECT rowid FROM resource_fts WHERE resource_fts MATCH ?1",
                words,
            )?
            .into_iter()
            .filter(|id| allowed.as_ref().is_none_or(|a| a.contains(id)))
            .map(|id| (id, ELSEWHERE))
            .collect();
        for id in self.set(
            "SELECT rowid FROM resource_name_fts WHERE resource_name_fts MATCH ?1",
            words,
        )? {
            if let Some(tier) = map.get_mut(&id) {
                *tier = IN_NAME;
            }
        }
        Ok(Some(map))
    }

    /// Few services to place: each one's ZIPs read (by service), nearest
    /// first, rather than walking the region's ZIPs.
    fn near_few(
        &self,
        few: &HashMap<i64, u8>,
        exact: bool,
        target: i64,
        (low, high): (i64, i64),
    ) -> Result<Found, StoreError> {
        let mut zips = self
            .conn
            .prepare_cached("SELECT zip FROM resource_zip WHERE service_id = ?1")?;
        let mut placed: HashMap<i64, i64> = HashMap::new();
        for &id in few.keys() {
            let rows = zips.query_map([id], |r| r.get::<_, String>(0))?;
            for zip in rows {
                let Ok(zip) = zip?.parse::<i64>() else {
                    continue;
                };
                if (low..=high).contains(&zip) {
                    let distance = (zip - target).abs();
                    let best = placed.entry(id).or_insert(distance);
                    *best = (*best).min(distance);
                }
            }
        }
        let mut shown: Vec<(i64, u8, Vec<u8>, i64)> = self
            .names(placed.keys().copied().collect())?
            .into_iter()
            .map(|(name, id)| (placed[&id], few[&id], name, id))
            .collect();
        shown.sort();
        shown.truncate(self.limit);
        Ok(shown
            .into_iter()
            .map(|(distance, _, _, id)| (id, exact && distance == 0))
            .collect())
    }
}
