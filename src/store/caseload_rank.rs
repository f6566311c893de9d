//! Where a patient stands in the whole team's caseload, from the kept
//! counts of each order's buckets (schema v20) rather than a count of
//! every row before them.
//!
//! A bucket is a prefix of the order's key (see `schema_v20`): the
//! patients of every bucket before the patient's are one sum over a few
//! thousand kept counts at most, and those of the patient's own bucket
//! before them are counted along the order's index within the bucket, a
//! range of some thousands of entries where the count along the whole
//! index passed up to a million (1,000,000 patients: 58–118 ms a re-sort,
//! once 356 ms).

use rusqlite::types::Value;

use super::caseload::{following, CaseloadQuery, CaseloadSort};
use super::{Store, StoreError};

/// One bucket of an order, and the conditions that hold exactly its rows,
/// written as ranges of the order's index.
struct Bucket {
    sort: &'static str,
    lead: Value,
    initial: String,
    clauses: Vec<String>,
    values: Vec<Value>,
}

impl Store {
    /// The position of the row whose order key is `key` (the lead's value,
    /// then the tie-break's) in the whole team's unfiltered caseload; none
    /// when its bucket cannot be written as a range (a name whose first
    /// letter has no successor NOCASE keeps apart, an empty family name),
    /// and the caller counts along the index instead.
    pub(super) fn bucket_position(
        &self,
        query: &CaseloadQuery,
        key: &[Value],
    ) -> Result<Option<usize>, StoreError> {
        let Some(bucket) = bucket_of(query.sort, key) else {
            return Ok(None);
        };
        // Risk runs downward: its higher tiers come first.
        let lead_before = if query.sort == CaseloadSort::Risk {
            ">"
        } else {
            "<"
        };
        let before: i64 = self
            .conn()
            .prepare_cached(&format!(
                "SELECT coalesce(sum(patients), 0) FROM caseload_bucket
                  WHERE sort = ?1 AND (lead {lead_before} ?2 OR (lead = ?2 AND initial < ?3))"
            ))?
            .query_row(
                rusqlite::params![bucket.sort, bucket.lead, bucket.initial],
                |row| row.get(0),
            )?;
        let within = self.count_before(query, key, &bucket.clauses, &bucket.values)?;
        Ok(Some(before as usize + within))
    }
}

/// The bucket of the row with order key `key`, as `schema_v20` cuts it.
fn bucket_of(sort: CaseloadSort, key: &[Value]) -> Option<Bucket> {
    // The family name: the lead of the name order, the first tie-break of
    // the others.
    let family = match (sort, key) {
        (CaseloadSort::Name, [Value::Text(family), ..]) => family,
        (_, [_, Value::Text(family), ..]) => family,
        _ => return None,
    };
    // SQLite's lower(substr(family_name, 1, 1)): the first character,
    // ASCII letters folded (as NOCASE folds them).
    let initial = family.chars().next()?.to_ascii_lowercase().to_string();
    let after_initial = following(&initial)?;
    let family_range = || {
        (
            "p.family_name COLLATE NOCASE >= ? AND p.family_name COLLATE NOCASE < ?".to_string(),
            vec![
                Value::Text(initial.clone()),
                Value::Text(after_initial.clone()),
            ],
        )
    };
    let (sort_name, lead, initial, (clause, values)) = match sort {
        CaseloadSort::Name => (
            "name",
            Value::Text(String::new()),
            initial.clone(),
            family_range(),
        ),
        // The lead whole (a tier, a date), then the family name's range.
        CaseloadSort::Risk | CaseloadSort::NextDue => {
            let (name, column) = if sort == CaseloadSort::Risk {
                ("risk", "p.risk_tier")
            } else {
                ("due", "coalesce(p.next_due, '9999-99-99')")
            };
            let (range, mut values) = family_range();
            values.insert(0, key[0].clone());
            (
                name,
                key[0].clone(),
                initial.clone(),
                (format!("{column} = ? AND {range}"), values),
            )
        }
        CaseloadSort::LastContact => match &key[0] {
            // Never contacted: the empty text, then the family name.
            Value::Text(at) if at.is_empty() => {
                let (range, values) = family_range();
                (
                    "contact",
                    Value::Text(String::new()),
                    initial.clone(),
                    (
                        format!("coalesce(p.last_contact_at, '') = '' AND {range}"),
                        values,
                    ),
                )
            }
            // Contacted: the day, a range of the times written that day.
            Value::Text(at) => {
                let day: String = at.chars().take(10).collect();
                if day.len() != 10 || !day.is_ascii() {
                    return None;
                }
                let next_day = following(&day)?;
                (
                    "contact",
                    Value::Text(day.clone()),
                    String::new(),
                    (
                        "coalesce(p.last_contact_at, '') >= ? \
                         AND coalesce(p.last_contact_at, '') < ?"
                            .to_string(),
                        vec![Value::Text(day), Value::Text(next_day)],
                    ),
                )
            }
            _ => return None,
        },
    };
    Some(Bucket {
        sort: sort_name,
        lead,
        initial,
        clauses: vec![clause],
        values,
    })
}
