//! `tend audit export`: the audit trail read out, for a supervisor, an
//! auditor or a compliance review: as CSV (a spreadsheet opens it as it
//! is; every cell through the same guards as the other reports) or as FHIR
//! R4 AuditEvent resources (`crate::fhir::export::audit`). Rows are written
//! as they are read, so a trail of millions streams; the export is itself
//! an audit row, written first.

use std::io::Write;

use super::csv::cell;
use crate::store::{AuditAction, AuditFilter, Store, StoreError};

/// The columns, in order.
const HEADER: [&str; 9] = [
    "row",
    "recorded_at",
    "user",
    "action",
    "entity_type",
    "entity_id",
    "member_id",
    "detail",
    "action_code",
];

/// Writes the rows `filter` lets through as CSV into `out`; returns how
/// many.
pub fn audit_csv(
    store: &mut Store,
    filter: &AuditFilter,
    out: impl Write,
) -> Result<usize, StoreError> {
    record_export(store, filter, "CSV")?;
    let failed = |e: csv::Error| StoreError::Refused(format!("cannot write the CSV: {e}"));
    let mut writer = csv::Writer::from_writer(out);
    writer.write_record(HEADER).map_err(failed)?;
    let count = store.for_each_audit_row(filter, |row| {
        let e = &row.event;
        let record = [
            row.id.to_string(),
            crate::store::utc_text(e.recorded_at),
            e.agent.clone(),
            action_name(e.action).to_string(),
            e.entity_type.clone(),
            e.entity_id.map(|id| id.to_string()).unwrap_or_default(),
            row.member_id.clone().unwrap_or_default(),
            e.detail.clone().unwrap_or_default(),
            e.action.code().to_string(),
        ];
        let safe: Vec<String> = record.iter().map(|c| cell(c)).collect();
        writer.write_record(&safe).map_err(failed)
    })?;
    writer
        .flush()
        .map_err(|e| StoreError::Refused(format!("cannot write the CSV: {e}")))?;
    Ok(count)
}

/// The export's own audit row, written before any row is read out.
pub(crate) fn record_export(
    store: &mut Store,
    filter: &AuditFilter,
    format: &str,
) -> Result<(), StoreError> {
    let detail = format!("audit trail exported as {format}{}", describe(filter));
    store.write(|tx| {
        tx.audit(
            AuditAction::Execute,
            "AuditEvent",
            None,
            filter.patient_id,
            Some(&detail),
        )
    })
}

/// What the filter asked for, for the export's own audit row.
fn describe(filter: &AuditFilter) -> String {
    let mut parts = Vec::new();
    if let Some(agent) = &filter.agent {
        parts.push(format!("user {agent}"));
    }
    if filter.patient_id.is_some() {
        parts.push("one patient".to_string());
    }
    if let Some(action) = filter.action {
        parts.push(format!("action {}", action.code()));
    }
    if let Some(from) = filter.from {
        parts.push(format!("from {}", crate::store::utc_text(from)));
    }
    if let Some(until) = filter.until {
        parts.push(format!("before {}", crate::store::utc_text(until)));
    }
    if parts.is_empty() {
        String::new()
    } else {
        format!(" ({})", parts.join(", "))
    }
}

/// The action in words.
pub fn action_name(action: AuditAction) -> &'static str {
    match action {
        AuditAction::Create => "create",
        AuditAction::Read => "read",
        AuditAction::Update => "update",
        AuditAction::Delete => "delete",
        AuditAction::Execute => "execute",
    }
}
