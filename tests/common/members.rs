//! Two members in a new database at `path`, ccuser's: the first enrolled,
//! the second disenrolled (the store refuses some things for them), with
//! the member IDs and names a test gives.

use std::path::Path;

use chrono::NaiveDate;
use tend::domain::patient::{EnrollmentStatus, Patient, Practitioner, RiskTier, Sex};
use tend::store::{AuditAction, Store};

/// The store and the two patients' ids, `[enrolled, disenrolled]`; their
/// family names are `family` with 0 and 1 after it.
pub fn enrolled_and_disenrolled(
    path: &Path,
    member_ids: [&str; 2],
    family: &str,
    given: &str,
) -> (Store, [i64; 2]) {
    let mut store = super::open(path, "ccuser");
    let ids = store
        .write(|tx| {
            let me = tx.practitioner("ccuser", "ccuser")?;
            let mut ids = [0; 2];
            for (n, status) in [EnrollmentStatus::Enrolled, EnrollmentStatus::Disenrolled]
                .into_iter()
                .enumerate()
            {
                ids[n] = tx.insert_patient(&Patient {
                    member_id: member_ids[n].to_string(),
                    family_name: format!("{family}{n}"),
                    given_name: given.into(),
                    birth_date: NaiveDate::from_ymd_opt(1970, 1, 2).unwrap(),
                    sex: Sex::Female,
                    language: "en".into(),
                    enrollment_status: status,
                    risk_tier: RiskTier::Low,
                    coordinator: Some(Practitioner {
                        id: me,
                        ..Practitioner::default()
                    }),
                    ..Patient::default()
                })?;
            }
            tx.audit(AuditAction::Create, "Bundle", None, None, None)?;
            Ok(ids)
        })
        .unwrap();
    (store, ids)
}
