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
const V20: &str = "
CREATE TABLE caseload_bucket (
    sort     TEXT NOT NULL,     -- name, risk, contact, due
    lead     NOT NULL,          -- the order's lead, cut (see above)
    initial  TEXT NOT NULL,     -- the family name's first letter, folded
    patients INTEGER NOT NULL,
    PRIMARY KEY (sort, lead, initial)
) WITHOUT ROWID;

CREATE TRIGGER patient_bucket_insert AFTER INSERT ON patient
BEGIN
    INSERT INTO caseload_bucket (sort, lead, initial, patients) VALUES
        ('name', '', lower(substr(NEW.family_name, 1, 1)), 1),
        ('risk', NEW.risk_tier, lower(substr(NEW.family_name, 1, 1)), 1),
        ('contact', coalesce(substr(NEW.last_contact_at, 1, 10), ''),
         iif(NEW.last_contact_at IS NULL, lower(substr(NEW.family_name, 1, 1)), ''), 1),
        ('due', coalesce(NEW.next_due, '9999-99-99'), lower(substr(NEW.family_name, 1, 1)), 1)
    ON CONFLICT (sort, lead, initial) DO UPDATE SET patients = patients + 1;
END;

CREATE TRIGGER patient_bucket_delete AFTER DELETE ON patient
BEGIN
    UPDATE caseload_bucket SET patients = patients - 1
     WHERE (sort, lead, initial) IN (VALUES
        ('name', '', lower(substr(OLD.family_name, 1, 1))),
        ('risk', OLD.risk_tier, lower(substr(OLD.family_name, 1, 1))),
        ('contact', coalesce(substr(OLD.last_contact_at, 1, 10), ''),
         iif(OLD.last_contact_at IS NULL, lower(substr(OLD.family_name, 1, 1)), '')),
        ('due', coalesce(OLD.next_due, '9999-99-99'), lower(substr(OLD.family_name, 1, 1))));
END;

CREATE TRIGGER patient_bucket_update
    AFTER UPDATE OF family_name, risk_tier, last_contact_at, next_due ON patient
BEGIN
    UPDATE caseload_bucket SET patients = patients - 1
     WHERE (sort, lead, initial) IN (VALUES
        ('name', '', lower(substr(OLD.family_name, 1, 1))),
        ('risk', OLD.risk_tier, lower(substr(OLD.family_name, 1, 1))),
        ('contact', coalesce(substr(OLD.last_contact_at, 1, 10), ''),
         iif(OLD.last_contact_at IS NULL, lower(substr(OLD.family_name, 1, 1)), '')),
        ('due', coalesce(OLD.next_due, '9999-99-99'), lower(substr(OLD.family_name, 1, 1))));
    INSERT INTO caseload_bucket (sort, lead, initial, patients) VALUES
        ('name', '', lower(substr(NEW.family_name, 1, 1)), 1),
        ('risk', NEW.risk_tier, lower(substr(NEW.family_name, 1, 1)), 1),
        ('contact', coalesce(substr(NEW.last_contact_at, 1, 10), ''),
         iif(NEW.last_contact_at IS NULL, lower(substr(NEW.family_name, 1, 1)), ''), 1),
        ('due', coalesce(NEW.next_due, '9999-99-99'), lower(substr(NEW.family_name, 1, 1)), 1)
    ON CONFLICT (sort, lead, initial) DO UPDATE SET patients = patients + 1;
END;
";

/// Version 20's table and triggers, and its buckets counted.
pub(super) fn v20(tx: &rusqlite::Transaction<'_>) -> rusqlite::Result<()> {
    tx.execute_batch(V20)?;
    fill_buckets(tx)
}

/// Every bucket counted afresh from the patients: the upgrade's fill, and
/// a bulk load's when it took the triggers off (`bulk_deferred`).
pub(super) fn fill_buckets(conn: &rusqlite::Connection) -> rusqlite::Result<()> {
    conn.execute_batch(&format!(
        "DELETE FROM caseload_bucket;
         INSERT INTO caseload_bucket (sort, lead, initial, patients) {COUNTED};"
    ))
}

/// Buckets whose kept count is not their patients': for `tend check`. Said
/// by bucket, never by name.
pub(super) fn bucket_problems(conn: &rusqlite::Connection) -> rusqlite::Result<Vec<String>> {
    let (wrong, first): (i64, Option<String>) = conn.query_row(
        &format!(
            "WITH counted AS ({}),
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
            COUNTED
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

/// The buckets as the patients make them, as `sort, lead, initial,
/// patients` rows.
const COUNTED: &str = "
SELECT 'name' AS sort, '' AS lead, lower(substr(family_name, 1, 1)) AS initial,
       count(*) AS patients FROM patient GROUP BY 2, 3
UNION ALL
SELECT 'risk', risk_tier, lower(substr(family_name, 1, 1)), count(*) FROM patient GROUP BY 2, 3
UNION ALL
SELECT 'contact', coalesce(substr(last_contact_at, 1, 10), ''),
       iif(last_contact_at IS NULL, lower(substr(family_name, 1, 1)), ''), count(*)
  FROM patient GROUP BY 2, 3
UNION ALL
SELECT 'due', coalesce(next_due, '9999-99-99'), lower(substr(family_name, 1, 1)), count(*)
  FROM patient GROUP BY 2, 3";
