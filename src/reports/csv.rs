//! `tend export csv tasks|caseload`: reports a spreadsheet opens as it is.
//!
//! Two guards on every cell: control characters go to caret form (a file
//! may be printed with `cat`), and a cell a spreadsheet would take for a
//! formula (`=`, `+`, `-`, `@`, a tab or carriage return first) is written
//! with a leading `'`, the OWASP advice against CSV injection: a name
//! imported as `=HYPERLINK(...)` must stay text.

use std::io::Write;

use chrono::NaiveDate;

use super::today::Day;
use super::StreamError;
use crate::domain::patient::age_on;
use crate::store::{Anchor, AuditAction, CaseloadQuery, CaseloadSort, Scope, Store};
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

/// A CSV writer over `out` that guards every cell (see [`cell`]).
struct SafeCsv<'a> {
    writer: csv::Writer<&'a mut dyn Write>,
}

impl<'a> SafeCsv<'a> {
    fn new(out: &'a mut dyn Write, header: &[&str]) -> Result<Self, StreamError> {
        let mut csv = SafeCsv {
            writer: csv::Writer::from_writer(out),
        };
        csv.row(header.iter().map(|h| h.to_string()))?;
        Ok(csv)
    }

    fn row(&mut self, cells: impl IntoIterator<Item = String>) -> Result<(), StreamError> {
        let safe: Vec<String> = cells.into_iter().map(|c| cell(&c)).collect();
        self.writer.write_record(&safe).map_err(written)
    }

    fn finish(mut self) -> Result<(), StreamError> {
        self.writer.flush().map_err(StreamError::Write)
    }
}

/// The csv crate's error, as the write error it is (records are strings,
/// so a write is all that can fail).
fn written(error: csv::Error) -> StreamError {
    match error.into_kind() {
        csv::ErrorKind::Io(e) => StreamError::Write(e),
        other => StreamError::Write(std::io::Error::other(format!("{other:?}"))),
    }
}

/// The day's tasks (as `tend today` reads them), one row a task, read from
/// `store` as they are written (see [`Day`]).
pub fn tasks_csv(day: &Day, store: &Store, out: &mut dyn Write) -> Result<(), StreamError> {
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
    let mut csv = SafeCsv::new(out, &header)?;
    day.for_each_task(store, |t| {
        csv.row([
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
        ])
    })?;
    csv.finish()
}

/// How many patients are read at a time while the caseload is written.
const PAGE: usize = 512;

/// The caseload (the user's, or the whole team's), by name, one row a
/// patient, read a page at a time along the name index as it is written;
/// the export is audited before the first row is read. Runs in one read
/// snapshot, so the rows written are the ones counted.
pub fn caseload_csv(
    store: &mut Store,
    user: &str,
    scope: Scope,
    today: NaiveDate,
    out: &mut dyn Write,
) -> Result<(), StreamError> {
    let query = CaseloadQuery {
        scope,
        sort: CaseloadSort::Name,
        filter: String::new(),
        user: user.to_string(),
    };
    let total = store.caseload_count(&query)?;
    let detail = format!("caseload exported as CSV: {total} patients");
    store.write(|tx| tx.audit(AuditAction::Execute, "Patient", None, None, Some(&detail)))?;
    store.read_snapshot(|store| write_caseload(store, &query, today, out))
}

fn write_caseload(
    store: &Store,
    query: &CaseloadQuery,
    today: NaiveDate,
    out: &mut dyn Write,
) -> Result<(), StreamError> {
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
    let clock = store.clock();
    let mut csv = SafeCsv::new(out, &header)?;
    // Counted again inside the snapshot: the list as this read sees it.
    let total = store.caseload_count(query)?;
    let mut written = 0;
    let mut last: Option<Anchor> = None;
    while written < total {
        let anchors: Vec<Anchor> = last.into_iter().collect();
        let page = store.caseload_window_near(query, written, PAGE, total, &anchors)?;
        let Some(end) = page.last() else { break };
        last = Some(Anchor {
            position: written + page.len() - 1,
            patient_id: end.id,
        });
        written += page.len();
        for p in &page {
            csv.row([
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
            ])?;
        }
    }
    csv.finish()
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
