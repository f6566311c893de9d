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

    fn from_code(code: &str) -> Option<AuditAction> {
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
