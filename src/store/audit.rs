//! The audit trail (FHIR AuditEvent): who did what to which record, and when.

use chrono::{DateTime, Utc};
use rusqlite::params;

use super::{Store, StoreError};

/// FHIR `AuditEvent.action`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum AuditAction {
    Create,
    Read,
    Update,
    Delete,
    Execute,
}

impl AuditAction {
    pub fn code(self) -> &'static str {
        match self {
            AuditAction::Create => "C",
            AuditAction::Read => "R",
            AuditAction::Update => "U",
            AuditAction::Delete => "D",
            AuditAction::Execute => "E",
        }
    }

    /// An action as a person names it: create, read, update, delete or
    /// execute, or its code (C, R, U, D, E), in any case.
    pub fn from_word(word: &str) -> Option<AuditAction> {
        const WORDS: [&str; 5] = ["create", "read", "update", "delete", "execute"];
        let word = word.trim();
        WORDS
            .iter()
            .position(|w| w.eq_ignore_ascii_case(word))
            .and_then(|i| AuditAction::from_code(["C", "R", "U", "D", "E"][i]))
            .or_else(|| AuditAction::from_code(&word.to_uppercase()))
    }

    pub fn from_code(code: &str) -> Option<AuditAction> {
        Some(match code {
            "C" => AuditAction::Create,
            "R" => AuditAction::Read,
            "U" => AuditAction::Update,
            "D" => AuditAction::Delete,
            "E" => AuditAction::Execute,
            _ => return None,
        })
    }
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct AuditEvent {
    pub recorded_at: DateTime<Utc>,
    pub agent: String,
    pub action: AuditAction,
    pub entity_type: String,
    pub entity_id: Option<i64>,
    pub patient_id: Option<i64>,
    pub detail: Option<String>,
}

impl Store {
    /// The head of the audit trail (its last row's id and hash), to be
    /// kept outside the database; None for an empty trail.
    pub fn audit_head(&self) -> Result<Option<super::Head>, StoreError> {
        Ok(super::Head::of(self.conn())?)
    }

    /// The newest audit rows, newest first.
    pub fn recent_audit(&self, limit: usize) -> Result<Vec<AuditEvent>, StoreError> {
        let mut stmt = self.conn().prepare_cached(
            "SELECT recorded_at, agent, action, entity_type, entity_id, patient_id, detail
               FROM audit_event ORDER BY id DESC LIMIT ?1",
        )?;
        let rows = stmt.query_map(params![limit as i64], |row| {
            let at: String = row.get(0)?;
            let action: String = row.get(2)?;
            Ok(AuditEvent {
                recorded_at: DateTime::parse_from_rfc3339(&at)
                    .map(|t| t.with_timezone(&Utc))
                    .unwrap_or_default(),
                agent: row.get(1)?,
                action: AuditAction::from_code(&action).unwrap_or(AuditAction::Execute),
                entity_type: row.get(3)?,
                entity_id: row.get(4)?,
                patient_id: row.get(5)?,
                detail: row.get(6)?,
            })
        })?;
        Ok(rows.collect::<Result<_, _>>()?)
    }
}

/// Which audit rows to read: every condition given must hold.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct AuditFilter {
    /// Rows written by this user.
    pub agent: Option<String>,
    /// Rows about this patient.
    pub patient_id: Option<i64>,
    pub action: Option<AuditAction>,
    /// Rows recorded at or after this instant.
    pub from: Option<DateTime<Utc>>,
    /// Rows recorded before this instant.
    pub until: Option<DateTime<Utc>>,
}

/// An audit row as it is read out: its id, the event, and the member ID
/// of the patient it is about (the patient's row id means nothing outside).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct AuditRow {
    pub id: i64,
    pub event: AuditEvent,
    pub member_id: Option<String>,
}

impl Store {
    /// Calls `each` with every audit row the filter lets through, oldest
    /// first, one at a time (a trail may hold millions); returns how many.
    pub fn for_each_audit_row(
        &self,
        filter: &AuditFilter,
        each: impl FnMut(AuditRow) -> Result<(), StoreError>,
    ) -> Result<usize, StoreError> {
        self.require(crate::domain::role::Right::ReadAudit)?;
        self.audit_rows_where(filter, "ORDER BY a.id", each)
    }

    /// The newest `limit` audit rows the filter lets through, newest first:
    /// the audit view on the screen.
    pub fn latest_audit_rows(
        &self,
        filter: &AuditFilter,
        limit: usize,
    ) -> Result<Vec<AuditRow>, StoreError> {
        self.require(crate::domain::role::Right::ReadAudit)?;
        let mut rows = Vec::new();
        self.audit_rows_where(
            filter,
            &format!("ORDER BY a.id DESC LIMIT {limit}"),
            |row| {
                rows.push(row);
                Ok(())
            },
        )?;
        Ok(rows)
    }

    /// Like [`Store::latest_audit_rows`], and records the reading in the
    /// trail itself: who read whose trail is part of the trail.
    pub fn latest_audit_rows_audited(
        &mut self,
        filter: &AuditFilter,
        limit: usize,
    ) -> Result<Vec<AuditRow>, StoreError> {
        let rows = self.latest_audit_rows(filter, limit)?;
        let detail = format!("audit view: {} rows", rows.len());
        self.write(|tx| {
            tx.audit(
                AuditAction::Read,
                "AuditEvent",
                None,
                filter.patient_id,
                Some(&detail),
            )
        })?;
        Ok(rows)
    }

    fn audit_rows_where(
        &self,
        filter: &AuditFilter,
        order: &str,
        mut each: impl FnMut(AuditRow) -> Result<(), StoreError>,
    ) -> Result<usize, StoreError> {
        let mut stmt = self.conn().prepare(&format!(
            "SELECT a.id, a.recorded_at, a.agent, a.action, a.entity_type, a.entity_id,
                    a.patient_id, a.detail, p.member_id
               FROM audit_event a LEFT JOIN patient p ON p.id = a.patient_id
              WHERE (?1 IS NULL OR a.agent = ?1) AND (?2 IS NULL OR a.patient_id = ?2)
                AND (?3 IS NULL OR a.action = ?3) AND (?4 IS NULL OR a.recorded_at >= ?4)
                AND (?5 IS NULL OR a.recorded_at < ?5)
              {order}"
        ))?;
        let at = |t: Option<DateTime<Utc>>| t.map(super::write::utc_text);
        let mut rows = stmt.query(params![
            filter.agent,
            filter.patient_id,
            filter.action.map(AuditAction::code),
            at(filter.from),
            at(filter.until),
        ])?;
        // Text read as bytes: a value damaged on the disk is shown as far
        // as it reads, never stops the export (`tend check` names it).
        let text = |row: &rusqlite::Row<'_>, i: usize| -> rusqlite::Result<Option<String>> {
            Ok(row
                .get_ref(i)?
                .as_bytes_or_null()
                .ok()
                .flatten()
                .map(|b| String::from_utf8_lossy(b).into_owned()))
        };
        let mut count = 0;
        while let Some(row) = rows.next()? {
            let recorded: String = text(row, 1)?.unwrap_or_default();
            let action: String = text(row, 3)?.unwrap_or_default();
            each(AuditRow {
                id: row.get(0)?,
                event: AuditEvent {
                    recorded_at: DateTime::parse_from_rfc3339(&recorded)
                        .map(|t| t.with_timezone(&Utc))
                        .unwrap_or_default(),
                    agent: text(row, 2)?.unwrap_or_default(),
                    action: AuditAction::from_code(&action).unwrap_or(AuditAction::Execute),
                    entity_type: text(row, 4)?.unwrap_or_default(),
                    entity_id: row.get_ref(5)?.as_i64_or_null().ok().flatten(),
                    patient_id: row.get_ref(6)?.as_i64_or_null().ok().flatten(),
                    detail: text(row, 7)?,
                },
                member_id: text(row, 8)?,
            })?;
            count += 1;
        }
        Ok(count)
    }
}
