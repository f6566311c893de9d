//! `tend export csv|careplan|fhir`: records written out of tend, to a
//! private file (`--out`) or to standard output.

use std::path::{Path, PathBuf};
use std::process::ExitCode;

use super::context::Context;
use super::error::{CliError, CliResult};
use super::output::{create_private, stream, write_private};
use crate::domain::role::Right;
use crate::domain::task_line::Assignee;
use crate::reports;
use crate::store::{Scope, Store};
use crate::text::clean;

#[derive(Debug, clap::Subcommand)]
pub(crate) enum Export {
    /// A spreadsheet report: the day's tasks, or the caseload
    Csv {
        /// Which report
        report: CsvReport,
        /// The whole team's, not only yours
        #[arg(long)]
        all: bool,
        /// Write to this file (created readable by you alone) instead of standard output
        #[arg(long, value_name = "FILE")]
        out: Option<PathBuf>,
    },
    /// A patient's care plan as Markdown, for printing or sharing
    Careplan {
        /// The patient's member ID
        member_id: String,
        /// Write to this file (created readable by you alone) instead of standard output
        #[arg(long, value_name = "FILE")]
        out: Option<PathBuf>,
        /// Why the plan may leave tend although the patient's consent to share is missing,
        /// expired or revoked (kept in the audit trail)
        #[arg(long, value_name = "TEXT")]
        reason: Option<String>,
    },
    /// Everything tend holds about patients as a FHIR R4 Bundle (JSON)
    Fhir {
        /// Only this patient (a member ID), with the coordinators their records name
        #[arg(long, value_name = "MEMBER_ID")]
        patient: Option<String>,
        /// Write to this file (created readable by you alone) instead of standard output
        #[arg(long, value_name = "FILE")]
        out: Option<PathBuf>,
        /// Leave out records that cannot be read (text damaged on the disk), naming each,
        /// instead of stopping at the first
        #[arg(long)]
        skip_damaged: bool,
        /// Why patients whose consent to share is missing, expired or revoked may leave
        /// tend too (kept in the audit trail); without it they are left out
        #[arg(long, value_name = "TEXT")]
        reason: Option<String>,
    },
}

/// The spreadsheet reports of `tend export csv`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub(crate) enum CsvReport {
    /// Open tasks due today or earlier, then the upcoming ones
    Tasks,
    /// Patients with their risk, last contact and next due task
    Caseload,
}

pub(crate) fn run(cx: &Context, what: Export) -> CliResult<ExitCode> {
    let mut store = cx.open_store(&cx.db_path()?, false, Right::ReadCharts)?;
    match what {
        Export::Csv { report, all, out } => {
            match report {
                CsvReport::Tasks => {
                    let who = if all { Assignee::Team } else { Assignee::Mine };
                    let request = super::today::request(cx, who);
                    reports::today::with_day(&mut store, &request, |day, store| {
                        stream(out.as_deref(), |w| reports::csv::tasks_csv(day, store, w))
                    })?;
                }
                CsvReport::Caseload => stream(out.as_deref(), |w| {
                    reports::csv::caseload_csv(
                        &mut store,
                        &cx.config.user,
                        if all { Scope::Team } else { Scope::Mine },
                        cx.clock.today(),
                        w,
                    )
                })?,
            }
            if let Some(path) = out {
                errln!("Wrote {}", clean(&path.display().to_string()));
            }
        }
        Export::Careplan {
            member_id,
            out,
            reason,
        } => {
            check_consent(&mut store, &member_id, reason.as_deref(), cx)?;
            let text =
                reports::careplan::careplan_for_member(&mut store, &member_id, cx.clock.today())?;
            match out {
                Some(path) => {
                    write_private(&path, &text)?;
                    errln!(
                        "Wrote the care plan of {} to {}",
                        clean(member_id.trim()),
                        clean(&path.display().to_string())
                    );
                }
                None => out!("{text}")?,
            }
        }
        Export::Fhir {
            patient,
            out,
            skip_damaged,
            reason,
        } => {
            let consent = consent_rule(reason.as_deref())?;
            fhir(
                &mut store,
                patient.as_deref(),
                out.as_deref(),
                skip_damaged,
                consent,
                &cx.config.instruments,
            )?
        }
    }
    Ok(ExitCode::SUCCESS)
}

/// What `--reason` asks for: consent required, or overridden for a reason
/// that says something.
fn consent_rule(reason: Option<&str>) -> CliResult<crate::fhir::export::Consent<'_>> {
    use crate::fhir::export::Consent;
    match reason.map(str::trim) {
        None => Ok(Consent::Required),
        Some(reason) if reason.chars().count() >= 5 => Ok(Consent::Overridden(reason)),
        Some(_) => Err(CliError::NoReason),
    }
}

/// A care plan leaves tend only with the patient's consent to share in
/// force, or for a stated reason, which the audit trail keeps.
fn check_consent(
    store: &mut Store,
    member_id: &str,
    reason: Option<&str>,
    cx: &Context,
) -> CliResult<()> {
    let Some(patient) = store.patient_id_by_member(member_id)? else {
        return Ok(()); // said by the export itself
    };
    let Some(standing) = store.consent_lacking(patient, cx.clock.today())? else {
        return Ok(());
    };
    match consent_rule(reason)? {
        crate::fhir::export::Consent::Overridden(reason) => {
            store.record_sharing_without_consent(
                "exported the care plan as Markdown",
                Some(patient),
                1,
                reason,
            )?;
            Ok(())
        }
        _ => Err(CliError::NoConsent {
            member: clean(member_id.trim()).into_owned(),
            standing: standing.describe().to_lowercase(),
        }),
    }
}

/// `tend export fhir`: the bundle to a file (saying what it holds) or to
/// standard output.
fn fhir(
    store: &mut Store,
    member_id: Option<&str>,
    out: Option<&Path>,
    skip_damaged: bool,
    consent: crate::fhir::export::Consent<'_>,
    instruments: &crate::instruments::Loaded,
) -> CliResult<()> {
    use crate::fhir::export::{export_shared, ExportError, Scope};
    let scope = member_id.map_or(Scope::All, Scope::Member);
    let written = match out {
        Some(path) => export_shared(
            store,
            scope,
            create_private(path)?,
            skip_damaged,
            consent,
            instruments,
        ),
        None => export_shared(
            store,
            scope,
            std::io::stdout().lock(),
            skip_damaged,
            consent,
            instruments,
        ),
    };
    // The reader of standard output has gone (`| head`): quietly done.
    if let Err(ExportError::Write(e)) = &written {
        if out.is_none() && e.kind() == std::io::ErrorKind::BrokenPipe {
            return Ok(());
        }
    }
    let report = written.map_err(|error| {
        // The user's own file, removed with their own rights.
        let removed = out.is_some_and(|path| {
            crate::team_install::as_user(|| std::fs::remove_file(path)).is_ok()
        });
        match (error, member_id) {
            // Nothing was written yet (the file, made empty, is gone).
            (ExportError::NoSuchMember, Some(member)) => {
                CliError::NoSuchMember(clean(member.trim()).into_owned())
            }
            (ExportError::NoConsent(standing), Some(member)) => CliError::NoConsent {
                member: clean(member.trim()).into_owned(),
                standing: standing.describe().to_lowercase(),
            },
            // Half a bundle would be taken for a whole one.
            (error, _) => CliError::FhirExport {
                error,
                what_became: match out {
                    Some(path) if removed => format!(
                        " ({} was removed: it held an unfinished bundle)",
                        clean(&path.display().to_string())
                    ),
                    Some(_) => String::new(),
                    None => " (what was written above is an unfinished bundle)".into(),
                },
            },
        }
    })?;
    for record in &report.skipped {
        errln!("tend: left out {}", clean(&record.to_string()));
    }
    if !report.without_consent.is_empty() {
        errln!("tend: {}", left_out_sentence(&report.without_consent));
    }
    if let Some(path) = out {
        let counts: Vec<String> = report
            .resources
            .iter()
            .map(|(kind, n)| format!("{n} {kind}"))
            .collect();
        errln!(
            "Wrote {} resources about {} patients to {} ({}).",
            report.total(),
            report.patients,
            clean(&path.display().to_string()),
            counts.join(", ")
        );
    }
    Ok(())
}

/// "left out 3 patients whose consent to share is not in force (2 missing,
/// 1 revoked); --reason …".
fn left_out_sentence(standings: &[crate::domain::patient::ConsentStanding]) -> String {
    use crate::domain::patient::ConsentStanding;
    let count = |f: fn(&ConsentStanding) -> bool| standings.iter().filter(|s| f(s)).count();
    let kinds: Vec<String> = [
        (count(|s| matches!(s, ConsentStanding::Missing)), "missing"),
        (
            count(|s| matches!(s, ConsentStanding::Expired { .. })),
            "expired",
        ),
        (count(|s| matches!(s, ConsentStanding::Revoked)), "revoked"),
    ]
    .into_iter()
    .filter(|(n, _)| *n > 0)
    .map(|(n, kind)| format!("{n} {kind}"))
    .collect();
    format!(
        "left out {} whose consent to share is not in force ({}); --reason \"…\" exports them \
         too, and the reason goes into the audit trail",
        super::output::counted(standings.len(), "patient"),
        kinds.join(", ")
    )
}
