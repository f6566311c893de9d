//! `tend export csv|careplan|fhir`: records written out of tend, to a
//! private file (`--out`) or to standard output.

use std::path::{Path, PathBuf};
use std::process::ExitCode;

use super::context::Context;
use super::error::{CliError, CliResult};
use super::output::{create_private, write_private};
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
    let mut store = cx.open_store(&cx.db_path()?, false)?;
    match what {
        Export::Csv { report, all, out } => {
            let text = match report {
                CsvReport::Tasks => {
                    let who = if all { Assignee::Team } else { Assignee::Mine };
                    let day = reports::today::build(&mut store, &super::today::request(cx, who))?;
                    reports::csv::tasks_csv(&day)
                }
                CsvReport::Caseload => reports::csv::caseload_csv(
                    &mut store,
                    &cx.config.user,
                    if all { Scope::Team } else { Scope::Mine },
                    cx.clock.today(),
                ),
            }?;
            match out {
                Some(path) => {
                    write_private(&path, &text)?;
                    errln!("Wrote {}", clean(&path.display().to_string()));
                }
                None => out!("{text}")?,
            }
        }
        Export::Careplan { member_id, out } => {
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
        } => fhir(&mut store, patient.as_deref(), out.as_deref(), skip_damaged)?,
    }
    Ok(ExitCode::SUCCESS)
}

/// `tend export fhir`: the bundle to a file (saying what it holds) or to
/// standard output.
fn fhir(
    store: &mut Store,
    member_id: Option<&str>,
    out: Option<&Path>,
    skip_damaged: bool,
) -> CliResult<()> {
    use crate::fhir::export::{export_with, ExportError, Scope};
    let scope = member_id.map_or(Scope::All, Scope::Member);
    let written = match out {
        Some(path) => export_with(store, scope, create_private(path)?, skip_damaged),
        None => export_with(store, scope, std::io::stdout().lock(), skip_damaged),
    };
    // The reader of standard output has gone (`| head`): quietly done.
    if let Err(ExportError::Write(e)) = &written {
        if out.is_none() && e.kind() == std::io::ErrorKind::BrokenPipe {
            return Ok(());
        }
    }
    let report = written.map_err(|error| {
        let removed = out.is_some_and(|path| std::fs::remove_file(path).is_ok());
        match (error, member_id) {
            // Nothing was written yet (the file, made empty, is gone).
            (ExportError::NoSuchMember, Some(member)) => {
                CliError::NoSuchMember(clean(member.trim()).into_owned())
            }
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
