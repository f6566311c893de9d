//! Schema version 19, in a file of its own (see `schema` for the rest).

/// Version 19: every order's keys of a patient, found by the patient's id
/// (issue 19).
///
/// A filtered list narrow enough to be sorted rather than walked along its
/// order's index (`caseload::Drive::Set`, up to 40,000 rows) is read as the
/// ids the filter gives (the name index's trigrams, a name's first
/// letters) and each id's sort keys. Read from the patient table, each id
/// cost a page of its own (at 1,000,000 patients the table is 284 MB, and
/// `/kel`'s 35,456 matches read about as many pages: 90–140 ms). This
/// index holds only the keys, in id order, about a fifth of the table, so
/// the same ids share pages and the read takes about half the time.
pub(super) const V19: &str = "
CREATE INDEX patient_sort_keys
    ON patient (id, risk_tier, last_contact_at, next_due, family_name, given_name);
";
