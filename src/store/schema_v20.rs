//! Schema version 20, in a file of its own (see `schema` for the rest).

/// Version 20: the whole team's caseload counted by buckets of each order
/// (issue 19), so that where a patient stands in it is a sum of a few
/// counts, not a count of every row before them.
///
/// At 1,000,000 patients re-sorting the team's caseload asks where the
/// selection went: a count along the new order's index of every patient
/// before it, up to a million entries (58–118 ms, once 356 ms). Here each
/// order's key is cut into buckets by a prefix of it, and each bucket's
/// patients are counted, kept by triggers on `patient`:
///
/// - `name`: the family name's first letter (folded as NOCASE folds it);
/// - `risk`: the tier, then that letter;
/// - `contact`: the day of the last contact, or for a patient never
///   contacted (who come first) that letter;
/// - `due`: the next due date (none: `9999-99-99`), then that letter.
///
/// A position is the patients of the buckets before the patient's, summed
/// from this table, and those of its own bucket before it, counted along
/// the order's index within the bucket (`store::caseload_rank`).
const V20_TABLE: &str = "
CREATE TABLE caseload_bucket (
    sort     TEXT NOT NULL,     -- name, risk, contact, due
    lead     NOT NULL,          -- the order's lead, cut (see above)
    initial  TEXT NOT NULL,     -- the family name's first letter, folded
    patients INTEGER NOT NULL,
    PRIMARY KEY (sort, lead, initial)
) WITHOUT ROWID;
";

/// Each order's bucket of the patient row `row` (`NEW`, `OLD`, or a
/// table's columns): the order's name, then its lead and initial as SQL.
/// The one place the buckets are defined; the triggers and the counts are
/// written from it, and `caseload_rank::bucket_of` cuts a key the same way.
fn buckets(row: &str) -> [(&'static str, String, String); 4] {
    let initial = format!("lower(substr({row}family_name, 1, 1))");
    [
        ("name", "''".into(), initial.clone()),
        ("risk", format!("{row}risk_tier"), initial.clone()),
        (
            "contact",
            format!("coalesce(substr({row}last_contact_at, 1, 10), '')"),
            format!("iif({row}last_contact_at IS NULL, {initial}, '')"),
        ),
        (
            "due",
            format!("coalesce({row}next_due, '9999-99-99')"),
            initial,
        ),
    ]
}

/// The statement that adds `row` to its buckets.
fn add_to_buckets(row: &str) -> String {
    let rows: Vec<String> = buckets(row)
        .iter()
        .map(|(sort, lead, initial)| format!("('{sort}', {lead}, {initial}, 1)"))
        .collect();
    format!(
        "INSERT INTO caseload_bucket (sort, lead, initial, patients) VALUES {}
         ON CONFLICT (sort, lead, initial) DO UPDATE SET patients = patients + 1;",
        rows.join(", ")
    )
}

/// The statement that takes `row` out of its buckets.
fn take_from_buckets(row: &str) -> String {
    let rows: Vec<String> = buckets(row)
        .iter()
        .map(|(sort, lead, initial)| format!("('{sort}', {lead}, {initial})"))
        .collect();
    format!(
        "UPDATE caseload_bucket SET patients = patients - 1
          WHERE (sort, lead, initial) IN (VALUES {});",
        rows.join(", ")
    )
}

/// The buckets as the patients make them, as `sort, lead, initial,
/// patients` rows.
fn counted() -> String {
    buckets("")
        .iter()
        .map(|(sort, lead, initial)| {
            format!("SELECT '{sort}', {lead}, {initial}, count(*) FROM patient GROUP BY 2, 3")
        })
        .collect::<Vec<_>>()
        .join(" UNION ALL ")
}

/// Version 20's table and triggers, and its buckets counted.
pub(super) fn v20(tx: &rusqlite::Transaction<'_>) -> rusqlite::Result<()> {
    tx.execute_batch(V20_TABLE)?;
    tx.execute_batch(&format!(
        "CREATE TRIGGER patient_bucket_insert AFTER INSERT ON patient
         BEGIN {} END;
         CREATE TRIGGER patient_bucket_delete AFTER DELETE ON patient
         BEGIN {} END;
         CREATE TRIGGER patient_bucket_update
             AFTER UPDATE OF family_name, risk_tier, last_contact_at, next_due ON patient
         BEGIN {} {} END;",
        add_to_buckets("NEW."),
        take_from_buckets("OLD."),
        take_from_buckets("OLD."),
        add_to_buckets("NEW."),
    ))?;
    fill_buckets(tx)
}

/// Every bucket counted afresh from the patients: the upgrade's fill, and
/// a bulk load's when it took the triggers off (`bulk_deferred`).
pub(super) fn fill_buckets(conn: &rusqlite::Connection) -> rusqlite::Result<()> {
    conn.execute_batch(&format!(
        "DELETE FROM caseload_bucket;
         INSERT INTO caseload_bucket (sort, lead, initial, patients) {};",
        counted()
    ))
}

/// Buckets whose kept count is not their patients': for `tend check`. Said
/// by bucket, never by name.
pub(super) fn bucket_problems(conn: &rusqlite::Connection) -> rusqlite::Result<Vec<String>> {
    let (wrong, first): (i64, Option<String>) = conn.query_row(
        &format!(
            "WITH counted (sort, lead, initial, patients) AS ({}),
             differ AS (
                 SELECT c.sort FROM counted c
                   LEFT JOIN caseload_bucket b
                          ON b.sort = c.sort AND b.lead = c.lead AND b.initial = c.initial
                  WHERE b.patients IS NOT c.patients
                 UNION ALL
                 SELECT b.sort FROM caseload_bucket b
                   LEFT JOIN counted c
                          ON c.sort = b.sort AND c.lead = b.lead AND c.initial = b.initial
                  WHERE c.patients IS NULL AND b.patients != 0)
             SELECT count(*), min(sort) FROM differ",
            counted()
        ),
        [],
        |r| Ok((r.get(0)?, r.get(1)?)),
    )?;
    Ok(first
        .map(|first| {
            format!(
                "caseload_bucket: {wrong} kept counts of patients by a prefix of an order are \
                 not the patients' (first: the {first} order); positions in the whole team's \
                 caseload are wrong"
            )
        })
        .into_iter()
        .collect())
}
