//! Schema version 21, in a file of its own (see `schema` for the rest).

/// Version 21: the name indexes hold every order's keys (issue 19).
///
/// A filter of one or two letters is the start of a family or a given
/// name: two ranges of the name indexes (schema v18). Its matches were
/// then looked up one by one by id for their sort keys (`patient_sort_keys`,
/// v19): at 1,000,000 patients `/ke`'s 35,456 matches took 80–90 ms to look
/// up, and its first window by risk, last contact or next due 120–270 ms.
/// With the keys in the name indexes themselves, the two ranges are the
/// whole read (about 10 ms). Their order is unchanged, so every walk along
/// them (the caseload by name, the name buckets' counts) reads the same
/// entries; each entry is larger, and a change of risk, contact or next
/// due now rewrites these two entries too. The id is named after the names
/// in `patient_by_name`: an index ends with the id anyway, but after the
/// keys it would no longer give the name order's last term, and SQLite
/// sorted each run of equal names again.
pub(super) const V21: &str = "
DROP INDEX patient_by_name;
CREATE INDEX patient_by_name
    ON patient (family_name COLLATE NOCASE, given_name COLLATE NOCASE, id,
                risk_tier, last_contact_at, next_due);
DROP INDEX patient_by_given_name;
CREATE INDEX patient_by_given_name
    ON patient (given_name COLLATE NOCASE, family_name, risk_tier, last_contact_at, next_due);
";
