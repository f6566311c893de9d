//! Signed screenings written back as they were signed (the FHIR import;
//! issue 18): each with its answers, its signer, when it was signed, its
//! total and band, and the screening it corrects, inside the caller's
//! transaction.
//!
//! A screening is signed once, by the triggers of schema 15: its answers
//! can be written only while it is unfinished. So each is written as the
//! store's own functions leave it — started, answered, then signed — in
//! three statements, with the signing stamped from the row rather than
//! from today. What the export leaves out (who started it and when, the
//! item last on screen, when a safety rule fired) comes back as what
//! signing it would have left: the signer started it, at the moment it
//! was signed. A safety rule's flag and task are not raised again: they
//! are records of their own, which the bundle carries.
//!
//! No audit row here: the caller's load writes one for all it wrote (the
//! FHIR import's "imported from the FHIR bundle …"), as for the rest of a
//! bundle's rows.

use std::collections::HashSet;

use rusqlite::params;

use super::fhir::ScreeningRow;
use super::write::utc_text;
use super::{StoreError, Tx};

fn refused(why: &str) -> StoreError {
    StoreError::Refused(format!("{why}; nothing was imported"))
}

impl Tx<'_> {
    /// Writes signed screenings with the ids they carry. Refused (naming
    /// the screening by its id, never by what it holds) when one's answers
    /// name an item twice or it corrects itself. The screening a
    /// correction names must be written by the same transaction or be in
    /// the database (checked when it commits).
    pub fn load_screenings(&mut self, screenings: &[ScreeningRow]) -> Result<(), StoreError> {
        for s in screenings {
            let mut items = HashSet::new();
            if !s.answers.iter().all(|a| items.insert(a.item.as_str())) {
                return Err(refused(&format!(
                    "screening {} answers one item twice",
                    s.id
                )));
            }
            if s.corrects_id == Some(s.id) {
                return Err(refused(&format!("screening {} corrects itself", s.id)));
            }
            let signed_at = utc_text(s.signed_at);
            self.conn()
                .prepare_cached(
                    "INSERT INTO screening (id, patient_id, instrument, instrument_name,
                       author_id, started_at, corrects_id, updated_at)
                     VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?6)",
                )?
                .execute(params![
                    s.id,
                    s.patient_id,
                    s.instrument,
                    s.instrument_name,
                    s.signed_by,
                    signed_at,
                    s.corrects_id
                ])?;
            let mut insert = self.conn().prepare_cached(
                "INSERT INTO screening_answer (screening_id, item, position, chosen, label,
                   score, code, text)
                 VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8)",
            )?;
            for a in &s.answers {
                let chosen: Vec<String> = a.chosen.iter().map(usize::to_string).collect();
                insert.execute(params![
                    s.id,
                    a.item,
                    a.position as i64,
                    (!chosen.is_empty()).then(|| chosen.join(",")),
                    a.label,
                    a.score,
                    (!a.codes.is_empty()).then(|| a.codes.join(",")),
                    a.text,
                ])?;
            }
            self.conn()
                .prepare_cached(
                    "UPDATE screening SET status = 'completed', signed_at = ?2, signed_by = ?3,
                       total = ?4, band = ?5
                     WHERE id = ?1",
                )?
                .execute(params![s.id, signed_at, s.signed_by, s.total, s.band])?;
        }
        Ok(())
    }
}
