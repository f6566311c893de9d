//! Consent to share, where health information leaves tend: which patients
//! have none in force, and the audit row of sharing without it.

use chrono::NaiveDate;
use rusqlite::params;

use super::write::date_text;
use super::{AuditAction, Store, StoreError};
use crate::domain::patient::{ConsentStanding, ConsentStatus};

impl Store {
    /// How one patient's consent to share stands on `today` when it is not
    /// in force (missing, expired or revoked); None when it is.
    pub fn consent_lacking(
        &self,
        patient_id: i64,
        today: NaiveDate,
    ) -> Result<Option<ConsentStanding>, StoreError> {
        Ok(self
            .without_consent_where("id = ?2", patient_id, today)?
            .first()
            .map(|(_, standing)| *standing))
    }

    /// The patients whose consent to share is missing, expired (before
    /// `today`) or revoked, by id, with how it stands.
    pub fn without_consent(
        &self,
        today: NaiveDate,
    ) -> Result<Vec<(i64, ConsentStanding)>, StoreError> {
        self.without_consent_where("?2 IS NULL", None::<i64>, today)
    }

    fn without_consent_where(
        &self,
        only: &str,
        patient_id: impl rusqlite::ToSql,
        today: NaiveDate,
    ) -> Result<Vec<(i64, ConsentStanding)>, StoreError> {
        let mut stmt = self.conn().prepare_cached(&format!(
            "SELECT id, consent_status, consent_expires_on FROM patient p
              WHERE (consent_status != 'active' OR consent_expires_on < ?1) AND {only} AND {}
              ORDER BY id",
            self.reach("p")
        ))?;
        let rows = stmt.query_map(params![date_text(today), patient_id], |row| {
            let id: i64 = row.get(0)?;
            let status: String = row.get(1)?;
            let expires: Option<String> = row.get(2)?;
            Ok((id, status, expires))
        })?;
        let mut out = Vec::new();
        for row in rows {
            let (id, status, expires) = row?;
            let status = ConsentStatus::from_code(&status).unwrap_or(ConsentStatus::None);
            let expires = expires.and_then(|d| NaiveDate::parse_from_str(&d, "%Y-%m-%d").ok());
            let standing = ConsentStanding::of(status, expires, today);
            if standing.is_flagged() {
                out.push((id, standing));
            }
        }
        Ok(out)
    }

    /// Records that health information is leaving tend without consent in
    /// force, for the reason the user stated: `what` is the export, `count`
    /// how many patients it concerns (`patient` when one).
    pub fn record_sharing_without_consent(
        &mut self,
        what: &str,
        patient: Option<i64>,
        count: usize,
        reason: &str,
    ) -> Result<(), StoreError> {
        let detail = format!(
            "{what}, {count} patient(s) without consent to share in force; reason given: {reason}"
        );
        self.write(|tx| {
            tx.audit(
                AuditAction::Execute,
                "Consent",
                None,
                patient,
                Some(&detail),
            )
        })
    }
}
