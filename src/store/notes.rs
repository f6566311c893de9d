//! Notes: drafts saved as they are typed, signing, addenda, the patient's
//! timeline and full-text search.
//!
//! A draft belongs to its author and is saved every second or so while it is
//! typed. Creating a draft, signing it and adding an addendum are audited;
//! the autosaves in between are not (they are the same draft, seen by no one
//! else, and an audit row a second would bury the trail).

use chrono::{DateTime, Datelike, NaiveDate, Utc};
use rusqlite::{params, OptionalExtension, Row};

use super::caseload::parse_instant;
use super::write::utc_text;
use super::{AuditAction, Store, StoreError};
use crate::domain::note::{Direction, DraftHeader, Method, NoteHeader, Outcome, Party};
use crate::domain::patient::{list_name, EnrollmentStatus};

/// A note being written.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Draft {
    pub id: i64,
    pub patient_id: i64,
    /// What its author has chosen so far.
    pub header: DraftHeader,
    pub body: String,
    pub started_at: DateTime<Utc>,
    /// Bumped by every save.
    pub version: i64,
}

/// What saving a draft did.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DraftSaved {
    pub version: i64,
    /// Set when another window had saved the same draft meanwhile: both
    /// texts were kept, and this is the text now stored.
    pub merged: Option<String>,
}

/// Marks where a draft's text from another window begins, when two
/// windows wrote the same draft.
pub const MERGE_MARK: &str = "[also typed in another window]";

/// A draft waiting for its author, for the start-up notice.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DraftSummary {
    pub patient_id: i64,
    pub patient_name: String,
    pub updated_at: Option<DateTime<Utc>>,
}

/// A signed note as a timeline shows it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct NoteSummary {
    pub id: i64,
    pub sent_at: DateTime<Utc>,
    pub header: NoteHeader,
    pub author: Option<String>,
    /// The note's text; for a damaged one, [`DAMAGED_NOTE`] and then what
    /// could be read of it.
    pub body: String,
    /// The note this one corrects, for an addendum.
    pub part_of: Option<i64>,
    /// Whether the stored text is damaged (bytes that are not UTF-8, from
    /// damage on the disk): the body then says so before what it shows.
    pub damaged: bool,
}

/// A note's text read as bytes: text damaged on the disk is shown as
/// damaged, with what can be read of it, instead of failing the whole
/// timeline or search (the note used to vanish from them). Returns the text
/// and whether it was damaged.
fn note_text(row: &Row<'_>, index: usize) -> rusqlite::Result<(String, bool)> {
    let bytes = row.get_ref(index)?.as_bytes()?;
    Ok(match std::str::from_utf8(bytes) {
        Ok(text) => (text.to_string(), false),
        Err(_) => (
            format!("{DAMAGED_NOTE}\n{}", String::from_utf8_lossy(bytes)),
            true,
        ),
    })
}

/// The first line of a note whose stored text is damaged, in the timeline.
pub const DAMAGED_NOTE: &str = "[this note's text is damaged on the disk: below is what can be \
     read of it, with \u{fffd} where bytes are lost; `tend check` names it, and a backup from \
     before the damage holds it whole]";

/// A search result.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SearchHit {
    pub note_id: i64,
    pub patient_id: i64,
    pub patient_name: String,
    pub sent_at: DateTime<Utc>,
    /// The line of the note that matched.
    pub line: String,
}

/// The header as stored: a field its author has not chosen is NULL (only
/// in a draft; a signed note has all four, see schema version 7).
fn draft_header_from(row: &Row<'_>, first: usize) -> rusqlite::Result<DraftHeader> {
    let medium: Option<String> = row.get(first)?;
    let direction: Option<String> = row.get(first + 1)?;
    let recipient: Option<String> = row.get(first + 2)?;
    let outcome: Option<String> = row.get(first + 3)?;
    let minutes: Option<i64> = row.get(first + 4)?;
    Ok(DraftHeader {
        method: medium.as_deref().and_then(Method::from_code),
        direction: direction.as_deref().and_then(Direction::from_code),
        party: recipient.as_deref().and_then(Party::from_code),
        outcome: outcome.as_deref().and_then(Outcome::from_code),
        minutes: minutes.unwrap_or(0).clamp(0, i64::from(u32::MAX)) as u32,
    })
}

/// A signed note's header. Signed notes hold all four fields (the
/// database refuses one without); a code this version of tend does not
/// know is shown as the commonest value, as before version 7 (issue 13
/// makes damaged rows show as damaged).
fn header_from(row: &Row<'_>, first: usize) -> rusqlite::Result<NoteHeader> {
    let draft = draft_header_from(row, first)?;
    Ok(NoteHeader {
        method: draft.method.unwrap_or(Method::Phone),
        direction: draft.direction.unwrap_or(Direction::Outbound),
        party: draft.party.unwrap_or(Party::Patient),
        outcome: draft.outcome.unwrap_or(Outcome::Reached),
        minutes: draft.minutes,
    })
}

/// How many of the newest matches a note search ranks (see
/// [`Store::search_notes`]).
pub const SEARCH_CANDIDATES: usize = 2000;

const HEADER_COLUMNS: &str = "c.medium, c.direction, c.recipient, c.outcome, c.duration_minutes";

impl Store {
    /// The user's draft for this patient, if there is one.
    pub fn draft(&self, patient_id: i64) -> Result<Option<Draft>, StoreError> {
        let sql = format!(
            "SELECT c.id, c.patient_id, c.body, c.started_at, c.version, {HEADER_COLUMNS}
               FROM communication c JOIN practitioner a ON a.id = c.author_id
              WHERE c.status = 'preparation' AND c.patient_id = ?1 AND a.username = ?2"
        );
        Ok(self
            .conn()
            .prepare_cached(&sql)?
            .query_row(params![patient_id, self.agent()], |row| {
                let started: Option<String> = row.get(3)?;
                Ok(Draft {
                    id: row.get(0)?,
                    patient_id: row.get(1)?,
                    body: row.get(2)?,
                    started_at: started
                        .as_deref()
                        .and_then(parse_instant)
                        .unwrap_or_default(),
                    version: row.get(4)?,
                    header: draft_header_from(row, 5)?,
                })
            })
            .optional()?)
    }

    /// The user's drafts, newest first: offered back at start-up.
    pub fn drafts(&self) -> Result<Vec<DraftSummary>, StoreError> {
        let mut stmt = self.conn().prepare_cached(
            "SELECT c.patient_id, p.family_name, p.given_name, c.updated_at
               FROM communication c
               JOIN practitioner a ON a.id = c.author_id
               JOIN patient p ON p.id = c.patient_id
              WHERE c.status = 'preparation' AND a.username = ?1
              ORDER BY c.updated_at DESC, c.id DESC",
        )?;
        let rows = stmt.query_map(params![self.agent()], |row| {
            let family: String = row.get(1)?;
            let given: String = row.get(2)?;
            let updated: Option<String> = row.get(3)?;
            Ok(DraftSummary {
                patient_id: row.get(0)?,
                patient_name: list_name(&family, &given),
                updated_at: updated.as_deref().and_then(parse_instant),
            })
        })?;
        Ok(rows.collect::<Result<_, _>>()?)
    }

    /// Saves the draft as it stands: creates it the first time (audited),
    /// updates it after (not audited). `seen` is the version this editor
    /// last saved or loaded (`None` for a new note). If another window has
    /// saved the same draft since, nothing is overwritten: the stored text
    /// and this one are kept together, and the result says so.
    pub fn save_draft(
        &mut self,
        patient_id: i64,
        header: &DraftHeader,
        body: &str,
        started_at: DateTime<Utc>,
        seen: Option<i64>,
    ) -> Result<DraftSaved, StoreError> {
        let agent = self.agent().to_string();
        self.write_unaudited(|tx| {
            let author = tx.practitioner(&agent, &agent)?;
            let now = utc_text(tx.now());
            let stored: Option<(i64, i64, String)> = tx
                .conn()
                .prepare_cached(
                    "SELECT id, version, body FROM communication
                      WHERE status = 'preparation' AND patient_id = ?1 AND author_id = ?2",
                )?
                .query_row(params![patient_id, author], |row| {
                    Ok((row.get(0)?, row.get(1)?, row.get(2)?))
                })
                .optional()?;
            let Some((id, version, stored_body)) = stored else {
                tx.conn()
                    .prepare_cached(
                        "INSERT INTO communication (patient_id, author_id, sent_at, medium,
                           direction, recipient, outcome, duration_minutes, body, status,
                           started_at, updated_at)
                         VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, 'preparation', ?3, ?10)",
                    )?
                    .execute(params![
                        patient_id,
                        author,
                        utc_text(started_at),
                        header.method.map(|v| v.code()),
                        header.direction.map(|v| v.code()),
                        header.party.map(|v| v.code()),
                        header.outcome.map(|v| v.code()),
                        header.minutes,
                        body,
                        now
                    ])?;
                let id = tx.conn().last_insert_rowid();
                tx.audit(
                    AuditAction::Create,
                    "Communication",
                    Some(id),
                    Some(patient_id),
                    Some("draft"),
                )?;
                return Ok(DraftSaved {
                    version: 1,
                    merged: None,
                });
            };
            let merged = (seen != Some(version) && stored_body.trim() != body.trim())
                .then(|| format!("{stored_body}\n\n{MERGE_MARK}\n{body}"));
            tx.conn()
                .prepare_cached(
                    "UPDATE communication SET medium = ?2, direction = ?3, recipient = ?4,
                            outcome = ?5, duration_minutes = ?6, body = ?7, updated_at = ?8,
                            version = version + 1
                      WHERE id = ?1 AND status = 'preparation'",
                )?
                .execute(params![
                    id,
                    header.method.map(|v| v.code()),
                    header.direction.map(|v| v.code()),
                    header.party.map(|v| v.code()),
                    header.outcome.map(|v| v.code()),
                    header.minutes,
                    merged.as_deref().unwrap_or(body),
                    now
                ])?;
            Ok(DraftSaved {
                version: version + 1,
                merged,
            })
        })
    }

    /// Deletes the user's draft for the patient (audited), unless another
    /// window has saved it since version `seen`. A signed note is never
    /// touched (and could not be).
    pub fn discard_draft(&mut self, patient_id: i64, seen: i64) -> Result<bool, StoreError> {
        let Some(draft) = self.draft(patient_id)? else {
            return Ok(false);
        };
        if draft.version != seen {
            return Err(StoreError::Conflict(
                "this draft was changed in another window since; it was kept".into(),
            ));
        }
        self.write(|tx| {
            tx.conn()
                .prepare_cached(
                    "DELETE FROM communication WHERE id = ?1 AND status = 'preparation' AND version = ?2",
                )?
                .execute(params![draft.id, seen])?;
            tx.audit(
                AuditAction::Delete,
                "Communication",
                Some(draft.id),
                Some(patient_id),
                Some("draft discarded"),
            )?;
            Ok(true)
        })
        .inspect(|_| self.forget_kept_draft(patient_id))
    }

    /// Signs the user's draft for the patient as version `seen` holds it
    /// (what the editor saved last): from now on it is part of the record
    /// and cannot change. Refused with nothing changed for an empty body, a
    /// missing draft, a draft another window has saved since, or a patient
    /// no longer enrolled.
    pub fn sign_note(&mut self, patient_id: i64, seen: i64) -> Result<i64, StoreError> {
        let Some(draft) = self.draft(patient_id)? else {
            return Err(StoreError::Refused(
                "there is no draft to sign for this patient".into(),
            ));
        };
        if draft.version != seen {
            return Err(StoreError::Conflict(
                "this draft was changed in another window since; it was not signed: check it and sign again"
                    .into(),
            ));
        }
        if draft.body.trim().is_empty() {
            return Err(StoreError::Refused(
                "the note is empty: write what happened before signing".into(),
            ));
        }
        let Some(header) = draft.header.complete() else {
            let missing: Vec<String> = draft
                .header
                .missing()
                .iter()
                .map(|f| f.label().to_lowercase())
                .collect();
            return Err(StoreError::Refused(format!(
                "the note was not signed: choose its {} first",
                missing.join(", ")
            )));
        };
        let status: Option<String> = self
            .conn()
            .prepare_cached("SELECT enrollment_status FROM patient WHERE id = ?1")?
            .query_row(params![patient_id], |row| row.get(0))
            .optional()?;
        if status.as_deref() == Some(EnrollmentStatus::Disenrolled.code()) {
            return Err(StoreError::Refused(
                "this patient has been disenrolled, so the note was not signed; it is kept as a draft"
                    .into(),
            ));
        }
        let rules = self.rules();
        self.write(|tx| {
            let now = tx.now();
            tx.conn()
                .prepare_cached(
                    "UPDATE communication SET status = 'completed', signed_at = ?2,
                            sent_at = coalesce(started_at, ?2), updated_at = ?2
                      WHERE id = ?1 AND status = 'preparation' AND version = ?3",
                )?
                .execute(params![draft.id, utc_text(now), seen])?;
            if header.reached_patient() {
                tx.conn()
                    .prepare_cached(
                        "UPDATE patient SET last_contact_at = ?2
                          WHERE id = ?1 AND (last_contact_at IS NULL OR last_contact_at < ?2)",
                    )?
                    .execute(params![patient_id, utc_text(draft.started_at)])?;
            }
            tx.audit_signed_note(AuditAction::Update, draft.id, patient_id, "sign")?;
            let on = rules.clock.local_date(draft.started_at);
            tx.meet_contact_clocks(patient_id, draft.id, on, &header)?;
            Ok(draft.id)
        })
        .inspect(|_| self.forget_kept_draft(patient_id))
    }

    /// Adds a signed correction to a signed note.
    pub fn add_addendum(&mut self, note_id: i64, body: &str) -> Result<i64, StoreError> {
        if body.trim().is_empty() {
            return Err(StoreError::Refused("an addendum needs some text".into()));
        }
        let original: Option<(i64, String)> = self
            .conn()
            .prepare_cached("SELECT patient_id, status FROM communication WHERE id = ?1")?
            .query_row(params![note_id], |row| Ok((row.get(0)?, row.get(1)?)))
            .optional()?;
        let Some((patient_id, "completed")) = original.as_ref().map(|(p, s)| (*p, s.as_str()))
        else {
            return Err(StoreError::Refused("addenda are for signed notes".into()));
        };
        let agent = self.agent().to_string();
        self.write(|tx| {
            let author = tx.practitioner(&agent, &agent)?;
            let now = utc_text(tx.now());
            tx.conn()
                .prepare_cached(
                    "INSERT INTO communication (patient_id, author_id, sent_at, medium,
                       direction, recipient, outcome, duration_minutes, body, status,
                       started_at, signed_at, updated_at, part_of)
                     SELECT patient_id, ?2, ?3, medium, direction, recipient, outcome, NULL,
                            ?4, 'completed', ?3, ?3, ?3, id
                       FROM communication WHERE id = ?1",
                )?
                .execute(params![note_id, author, now, body])?;
            let id = tx.conn().last_insert_rowid();
            tx.audit_signed_note(AuditAction::Create, id, patient_id, "addendum")?;
            Ok(id)
        })
    }

    /// The patient's signed notes, newest first (addenda with them).
    pub fn timeline(&self, patient_id: i64, limit: usize) -> Result<Vec<NoteSummary>, StoreError> {
        let sql = format!(
            "SELECT c.id, c.sent_at, a.username, c.body, c.part_of, {HEADER_COLUMNS}
               FROM communication c LEFT JOIN practitioner a ON a.id = c.author_id
              WHERE c.patient_id = ?1 AND c.status = 'completed'
              ORDER BY c.sent_at DESC, c.id DESC LIMIT ?2"
        );
        let mut stmt = self.conn().prepare_cached(&sql)?;
        let rows = stmt.query_map(params![patient_id, limit as i64], |row| {
            let sent: String = row.get(1)?;
            let (body, damaged) = note_text(row, 3)?;
            let author = row
                .get_ref(2)?
                .as_bytes_or_null()?
                .map(|name| String::from_utf8_lossy(name).into_owned());
            Ok(NoteSummary {
                id: row.get(0)?,
                sent_at: parse_instant(&sent).unwrap_or_default(),
                author,
                body,
                part_of: row.get(4)?,
                header: header_from(row, 5)?,
                damaged,
            })
        })?;
        Ok(rows.collect::<Result<_, _>>()?)
    }

    /// Outreach attempts and contacts with the patient in `today`'s month.
    pub fn outreach_this_month(
        &self,
        patient_id: i64,
        today: NaiveDate,
    ) -> Result<usize, StoreError> {
        // The month begins at local midnight on the 1st, stored as UTC.
        let first = today.with_day(1).unwrap_or(today);
        let offset = *self.clock().now().offset();
        let month_start = first
            .and_hms_opt(0, 0, 0)
            .and_then(|midnight| midnight.and_local_timezone(offset).single())
            .map(|local| utc_text(local.with_timezone(&Utc)))
            .unwrap_or_else(|| format!("{first}T00:00:00Z"));
        let n: i64 = self
            .conn()
            .prepare_cached(
                "SELECT count(*) FROM communication
                  WHERE patient_id = ?1 AND status = 'completed' AND part_of IS NULL
                    AND recipient = 'patient' AND direction = 'outbound' AND sent_at >= ?2",
            )?
            .query_row(params![patient_id, month_start], |row| row.get(0))?;
        Ok(n as usize)
    }

    /// Searches like [`Store::search_notes`] and records the search in the
    /// audit trail: its results show lines of many patients' notes.
    pub fn search_notes_audited(
        &mut self,
        words: &str,
        limit: usize,
    ) -> Result<Vec<SearchHit>, StoreError> {
        let hits = self.search_notes(words, limit)?;
        let detail = format!("search: {} results", hits.len());
        self.write(|tx| {
            tx.audit(
                AuditAction::Read,
                "Communication",
                None,
                None,
                Some(&detail),
            )
        })?;
        Ok(hits)
    }

    /// Signed notes holding every word, best matches first: ranked with
    /// bm25 among the newest [`SEARCH_CANDIDATES`] matches (every match,
    /// when there are fewer).
    ///
    /// Why bounded: at 1,000,000 patients a common word ("housing") is in
    /// 3.5 million of 20 million notes, and ranking every match before
    /// taking the best 50 took 4.7 s warm, 18 s cold. The candidates are
    /// the matches most recently written into tend (the highest note ids:
    /// FTS5 walks its index by id, newest first, and stops), which is what
    /// a coordinator looks for first. FTS5's `bm25()` walks each word's
    /// whole index once to weigh it by its rarity (190 ms for the
    /// commonest word at 1,000,000 patients, 375 ms for two): the ranking
    /// is bm25's with the weights found without that walk, the same for
    /// every note when there is one word, counted among the newest notes
    /// when there are several (`store::fts_rank`).
    pub fn search_notes(&self, words: &str, limit: usize) -> Result<Vec<SearchHit>, StoreError> {
        let terms: Vec<String> = words
            .split_whitespace()
            .map(|w| format!("\"{}\"", w.replace('"', "\"\"")))
            .collect();
        if terms.is_empty() {
            return Ok(Vec::new());
        }
        // Only notes of patients in the user's reach: a coordinator's
        // search never shows a line of another team's note, and the
        // candidates are the newest the user may read. The notes and names
        // are read again outside for the shown rows alone: a body is read
        // for each result, not for each of the 2,000 candidates.
        // Ranked by `tend_rank`, bm25 with each word's weight given: one
        // word's is the same for every note, several are weighed among
        // the newest notes (see `store::fts_rank`), where `bm25()` first
        // walked each word's whole index to weigh it.
        let weights = if self.term_rank && terms.len() > 1 {
            super::fts_rank::note_phrase_weights(self.conn(), &terms)?
        } else {
            Vec::new()
        };
        let score = if self.term_rank {
            let arguments: String = (0..weights.len())
                .map(|i| format!(", ?{}", i + 4))
                .collect();
            format!("tend_rank(communication_fts{arguments})")
        } else {
            "f.rank".to_string()
        };
        let mut stmt = self.conn().prepare_cached(&format!(
            "SELECT c.id, c.patient_id, p.family_name, p.given_name, c.sent_at, c.body
               FROM (SELECT f.rowid AS id, {score} AS score
                       FROM communication_fts f
                       JOIN communication c ON c.id = f.rowid
                       JOIN patient p ON p.id = c.patient_id
                      WHERE communication_fts MATCH ?1 AND {}
                      ORDER BY f.rowid DESC LIMIT ?3) best
               JOIN communication c ON c.id = best.id
               JOIN patient p ON p.id = c.patient_id
              ORDER BY best.score, c.id DESC LIMIT ?2",
            self.reach("p")
        ))?;
        let lowered: Vec<String> = words.split_whitespace().map(str::to_lowercase).collect();
        let candidates = SEARCH_CANDIDATES.max(limit) as i64;
        let mut values: Vec<rusqlite::types::Value> = vec![
            terms.join(" ").into(),
            (limit as i64).into(),
            candidates.into(),
        ];
        values.extend(weights.iter().map(|w| rusqlite::types::Value::Real(*w)));
        let rows = stmt.query_map(rusqlite::params_from_iter(values), |row| {
            let family: String = row.get(2)?;
            let given: String = row.get(3)?;
            let sent: String = row.get(4)?;
            let (body, _) = note_text(row, 5)?;
            let line = body
                .lines()
                .find(|l| {
                    let l = l.to_lowercase();
                    lowered.iter().any(|w| l.contains(w.as_str()))
                })
                .or_else(|| body.lines().next())
                .unwrap_or("")
                .to_string();
            Ok(SearchHit {
                note_id: row.get(0)?,
                patient_id: row.get(1)?,
                patient_name: list_name(&family, &given),
                sent_at: parse_instant(&sent).unwrap_or_default(),
                line,
            })
        })?;
        Ok(rows.collect::<Result<_, _>>()?)
    }
}
