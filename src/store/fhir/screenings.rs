//! Signed screenings for a FHIR export and import (issue 18): every column
//! a signed screening keeps, with its answers, but its edit bookkeeping
//! (`position`, `updated_at`) and the moments before signing (`started_at`,
//! who started it, when a safety rule fired). Unfinished and abandoned
//! screenings are not exported: only a signed screening is a record.
//! Written back by [`crate::store::Tx::load_screenings`].

use chrono::{DateTime, Utc};

use super::read::Skipping;
use crate::store::codec::{instant, unreadable};
use crate::store::{SavedAnswer, Store, StoreError};

/// A signed screening, as exported.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ScreeningRow {
    pub id: i64,
    pub patient_id: i64,
    /// The instrument's id ("phq-9") and name as shown ("PHQ-9").
    pub instrument: String,
    pub instrument_name: String,
    /// The practitioner who signed it.
    pub signed_by: i64,
    pub signed_at: DateTime<Utc>,
    pub total: Option<u32>,
    pub band: Option<String>,
    /// The signed screening this one corrects.
    pub corrects_id: Option<i64>,
    /// In the instrument's order.
    pub answers: Vec<SavedAnswer>,
}

/// A comma-separated list as stored: option indexes, or codes.
fn list(row: &rusqlite::Row<'_>, i: usize) -> rusqlite::Result<Vec<String>> {
    Ok(row
        .get::<_, Option<String>>(i)?
        .map(|t| t.split(',').map(str::to_string).collect())
        .unwrap_or_default())
}

impl Store {
    /// The patient's signed screenings in id order, with their answers. A
    /// screening one of whose answers cannot be read is damaged as a whole
    /// (named once, as the screening).
    pub(super) fn fhir_screenings(
        &self,
        patient_id: i64,
        skip: &mut Skipping<'_>,
    ) -> Result<Vec<ScreeningRow>, StoreError> {
        let mut screenings = self.rows(
            // The screening corrected is named when it is a record too
            // (signed, the same patient's).
            "SELECT s.id, s.patient_id, s.instrument, s.instrument_name, s.signed_by,
                    s.signed_at, s.total, s.band, c.id
               FROM screening s
               LEFT JOIN screening c ON c.id = s.corrects_id AND c.status = 'completed'
                    AND c.patient_id = s.patient_id
              WHERE s.patient_id = ?1 AND s.status = 'completed' ORDER BY s.id",
            [patient_id],
            "screening",
            skip,
            |r| {
                Ok(ScreeningRow {
                    id: r.get(0)?,
                    patient_id: r.get(1)?,
                    instrument: r.get(2)?,
                    instrument_name: r.get(3)?,
                    signed_by: r.get(4)?,
                    signed_at: instant(r, 5)?,
                    total: r.get(6)?,
                    band: r.get(7)?,
                    corrects_id: r.get(8)?,
                    answers: Vec::new(),
                })
            },
        )?;
        let answers = self.rows(
            "SELECT a.screening_id, a.item, a.position, a.chosen, a.label, a.score, a.code,
                    a.text
               FROM screening_answer a JOIN screening s ON s.id = a.screening_id
              WHERE s.patient_id = ?1 AND s.status = 'completed'
              ORDER BY a.screening_id, a.position, a.item",
            [patient_id],
            "screening",
            skip,
            |r| {
                let chosen = list(r, 3)?
                    .iter()
                    .map(|i| i.parse().map_err(|_| unreadable(3, "option indexes")))
                    .collect::<rusqlite::Result<_>>()?;
                let answer = SavedAnswer {
                    item: r.get(1)?,
                    position: r.get::<_, u32>(2)? as usize,
                    chosen,
                    label: r.get(4)?,
                    score: r.get(5)?,
                    codes: list(r, 6)?,
                    text: r.get(7)?,
                };
                Ok((r.get::<_, i64>(0)?, answer))
            },
        )?;
        for (id, answer) in answers {
            if let Some(s) = screenings.iter_mut().find(|s| s.id == id) {
                s.answers.push(answer);
            }
        }
        if let Some(damaged) = skip.as_deref_mut() {
            // A screening whose answer is damaged goes with it, named once.
            let mut named = std::collections::HashSet::new();
            damaged.retain(|d| d.table != "screening" || named.insert(d.id));
            screenings.retain(|s| !named.contains(&s.id));
        }
        Ok(screenings)
    }
}
