//! `tend export csv tasks|caseload`: reports a spreadsheet opens as it is.
//!
//! Two guards on every cell: control characters go to caret form (a file
//! may be printed with `cat`), and a cell a spreadsheet would take for a
//! formula (`=`, `+`, `-`, `@`, a tab or carriage return first) is written
//! with a leading `'`, the OWASP advice against CSV injection: a name
//! imported as `=HYPERLINK(...)` must stay text.

use chrono::NaiveDate;

use super::today::TodayReport;
use crate::domain::patient::age_on;
use crate::store::{AuditAction, CaseloadQuery, CaseloadSort, Scope, Store, StoreError};
use crate::text::clean;

/// A cell as it is safe to hand to a spreadsheet.
pub fn cell(text: &str) -> String {
    let cleaned = clean(text).into_owned();
    // A plain number ("-3") is no formula and stays a number.
    let number = cleaned.parse::<f64>().is_ok();
    if !number && cleaned.starts_with(['=', '+', '-', '@', '\t', '\r']) {
        format!("'{cleaned}")
    } else {
        cleaned
    }
}

fn csv_of(header: &[&str], rows: impl Iterator<Item = Vec<String>>) -> Result<String, StoreError> {
    let mut writer = csv::Writer::from_writer(Vec::new());
    let failed = |e: csv::Error| StoreError::Refused(format!("cannot write the CSV: {e}"));
    writer.write_record(header).map_err(failed)?;
    for row in rows {
        let safe: Vec<String> = row.iter().map(|c| cell(c)).collect();
        writer.write_record(&safe).map_err(failed)?;
    }
    let bytes = writer
        .into_inner()
        .map_err(|e| StoreError::Refused(format!("cannot write the CSV: {e}")))?;
    Ok(String::from_utf8_lossy(&bytes).into_owned())
}

/// The day's tasks (as `tend today` reads them), one row a task.
pub fn tasks_csv(report: &TodayReport) -> Result<String, StoreError> {
    let header = [
        "section",
        "due_on",
        "days_overdue",
        "kind",
        "priority",
        "hard_deadline",
        "title",
        "repeats",
        "owner",
        "patient",
    ];
    csv_of(
        &header,
        report.tasks.iter().map(|t| {
            vec![
                t.section.to_string(),
                t.due_on.map(|d| d.to_string()).unwrap_or_default(),
                t.days_overdue.to_string(),
                t.kind.to_string(),
                t.priority.to_string(),
                if t.hard_deadline { "yes" } else { "no" }.to_string(),
                t.title.clone(),
                t.repeats.clone().unwrap_or_default(),
                t.owner.clone().unwrap_or_default(),
                t.patient.name.clone(),
            ]
        }),
    )
}

/// The caseload (the user's, or the whole team's), by name, one row a
/// patient; the export is audited.
pub fn caseload_csv(
    store: &mut Store,
    user: &str,
    scope: Scope,
    today: NaiveDate,
) -> Result<String, StoreError> {
    let query = CaseloadQuery {
        scope,
        sort: CaseloadSort::Name,
        filter: String::new(),
        user: user.to_string(),
    };
    let total = store.caseload_count(&query)?;
    let rows = store.caseload_window(&query, 0, total)?;
    let clock = store.clock();
    let header = [
        "member_id",
        "family_name",
        "given_name",
        "birth_date",
        "age",
        "risk_tier",
        "enrollment_status",
        "last_contact",
        "next_due",
        "coordinator",
    ];
    let text = csv_of(
        &header,
        rows.iter().map(|p| {
            vec![
                p.member_id.clone(),
                p.family_name.clone(),
                p.given_name.clone(),
                p.birth_date.to_string(),
                age_on(p.birth_date, today).to_string(),
                p.risk_tier.label().to_string(),
                p.enrollment_status.code().to_string(),
                p.last_contact_at
                    .map(|at| clock.local_date(at).to_string())
                    .unwrap_or_default(),
                p.next_due.map(|d| d.to_string()).unwrap_or_default(),
                p.coordinator.clone().unwrap_or_default(),
            ]
        }),
    )?;
    let detail = format!("caseload exported as CSV: {} patients", rows.len());
    store.write(|tx| tx.audit(AuditAction::Execute, "Patient", None, None, Some(&detail)))?;
    Ok(text)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn formulas_become_text_and_control_characters_caret_form() {
        assert_eq!(cell("=HYPERLINK(\"x\")"), "'=HYPERLINK(\"x\")");
        assert_eq!(cell("+1 212"), "'+1 212");
        assert_eq!(cell("-3"), "-3", "a number stays one");
        assert_eq!(cell("-3+A1"), "'-3+A1");
        assert_eq!(cell("@SUM(A1)"), "'@SUM(A1)");
        assert_eq!(cell("Testa\u{1b}[2J"), "Testa^[[2J");
        assert_eq!(cell("O'Brien"), "O'Brien");
        assert_eq!(cell("2026-11-24"), "2026-11-24");
    }
}
