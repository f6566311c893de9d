//! `tend check`: the database's integrity, the links between its
//! records, its stored text, its search indexes and its schema version,
//! said plainly, a finding a line; exit status 1 when one is a problem.

use std::process::ExitCode;

use super::context::{Context, ROLLED_BACK};
use super::error::CliResult;
use super::output::counted;
use crate::text::clean;

pub(crate) fn run(cx: &Context) -> CliResult<ExitCode> {
    let db = cx.db_path()?;
    cx.require_on(&db, crate::domain::role::Right::ReadAudit)?;
    let heads = super::audit::recorded_heads(cx, &db)?;
    let report = crate::store::check_file_against(&db, &heads)?;
    out!("{}", check_text(&report))?;
    Ok(if report.is_healthy() {
        ExitCode::SUCCESS
    } else {
        ExitCode::from(1)
    })
}

/// "1,204 patients, 12,511 tasks, …".
pub(crate) fn describe_counts(counts: &crate::store::RowCounts) -> String {
    counts
        .iter()
        .map(|(table, n)| format!("{n} {table} rows"))
        .collect::<Vec<_>>()
        .join(", ")
}

/// "damaged text (not UTF-8) in 2 records: communication row 12 (body;
/// patient SYN0000012), …": the records by table, row, column and member
/// ID, never their text.
pub(crate) fn damaged_text_sentence(damaged: &[crate::store::DamagedText]) -> String {
    const NAMED: usize = 20;
    let mut named: Vec<String> = damaged
        .iter()
        .take(NAMED)
        .map(|d| clean(&d.describe()).into_owned())
        .collect();
    if damaged.len() > NAMED {
        named.push(format!("and {} more", damaged.len() - NAMED));
    }
    format!(
        "damaged text (bytes that are not UTF-8) in {}: {}",
        counted(damaged.len(), "record"),
        named.join(", ")
    )
}

/// What became of the temporary copies killed backups had left.
pub(crate) fn leftover_lines(leftovers: &[crate::store::Leftover]) -> Vec<String> {
    leftovers
        .iter()
        .map(|l| match &l.problem {
            None => format!(
                "removed {}, the unfinished copy of a backup that was interrupted",
                l.path.display()
            ),
            Some(problem) => format!(
                "{} is the unfinished copy of a backup that was interrupted, and holds health \
                 information: {problem}; remove it",
                l.path.display()
            ),
        })
        .collect()
}

/// What `tend check` found, said plainly, a finding a line.
fn check_text(report: &crate::store::CheckReport) -> String {
    let mut out = format!("{}:\n", report.path.display());
    if report.rolled_back {
        out.push_str(&format!("  note     {ROLLED_BACK}\n"));
    }
    let mut say = |ok: bool, line: String| {
        out.push_str(if ok { "  ok       " } else { "  PROBLEM  " });
        out.push_str(&line);
        out.push('\n');
    };
    say(
        report.integrity_problems.is_empty(),
        if report.integrity_problems.is_empty() {
            "SQLite's integrity check finds the file whole".into()
        } else {
            format!(
                "SQLite's integrity check: {} (restore from a backup)",
                report.integrity_problems.join("; ")
            )
        },
    );
    say(
        report.foreign_key_problems.is_empty(),
        if report.foreign_key_problems.is_empty() {
            "every record points at records that exist".into()
        } else {
            format!(
                "{} records point at records that do not exist: {}",
                report.foreign_key_problems.len(),
                report.foreign_key_problems.join("; ")
            )
        },
    );
    say(
        report.damaged_text.is_empty(),
        if report.damaged_text.is_empty() {
            "every stored text reads as text".into()
        } else {
            format!(
                "{}; tend shows such text marked as damaged, and `tend export fhir` stops at it \
                 (or leaves it out, with --skip-damaged): restore it from a backup made before \
                 the damage",
                damaged_text_sentence(&report.damaged_text)
            )
        },
    );
    match (report.indexes_checked, report.index_problems.is_empty()) {
        (false, _) => say(
            true,
            "search indexes not checked: the file is read-only to you".into(),
        ),
        (true, true) => say(true, "the search indexes match the records".into()),
        (true, false) => say(
            false,
            format!("search index: {}", report.index_problems.join("; ")),
        ),
    }
    say(
        report.kept_problems.is_empty(),
        if report.kept_problems.is_empty() {
            "the kept next due dates and counts (the team's day, the caseload's buckets) match their rows".into()
        } else {
            report.kept_problems.join("; ")
        },
    );
    say(
        report.schema_version == report.latest,
        match report.schema_version.cmp(&report.latest) {
            std::cmp::Ordering::Equal => format!("schema version {} (current)", report.latest),
            std::cmp::Ordering::Less => format!(
                "schema version {} is older than this tend's {}: opening it with tend upgrades it",
                report.schema_version, report.latest
            ),
            std::cmp::Ordering::Greater => format!(
                "schema version {} is newer than this tend's {}: upgrade tend",
                report.schema_version, report.latest
            ),
        },
    );
    let leftovers: Vec<(bool, String)> = report
        .leftovers
        .iter()
        .map(|l| l.problem.is_none())
        .zip(leftover_lines(&report.leftovers))
        .collect();
    for (_, line) in leftovers.iter().filter(|(removed, _)| !removed) {
        say(false, line.clone());
    }
    for (_, line) in leftovers.iter().filter(|(removed, _)| *removed) {
        out.push_str(&format!("  note     {line}\n"));
    }
    if report.audit.chained {
        out.push_str(&super::audit::chain_lines(&report.audit));
    }
    out.push_str(&format!("  holds    {}\n", describe_counts(&report.counts)));
    out
}
