//! `tend import patients|fhir|adt|resources`: records read into tend. The
//! work is done by `roster`, `fhir::import`, `hl7` and `resources`; here
//! it is asked for and said.

use std::io::IsTerminal;
use std::path::PathBuf;
use std::process::ExitCode;

use super::context::Context;
use super::error::CliResult;
use super::output::counted;
use crate::domain::role::Right;
use crate::resources::ResourceImport;
use crate::roster::{Options, RosterImport};
use crate::text::clean;

#[derive(Debug, clap::Subcommand)]
pub(crate) enum Import {
    /// A member roster (CSV): new members added, known ones updated by member ID
    Patients {
        /// The roster: CSV, UTF-8, with a header line
        file: PathBuf,
        /// Import the good rows and write the rejected ones, with the reasons, to a file
        #[arg(long)]
        partial: bool,
        /// Where --partial writes the rejected rows [default: FILE.rejected.csv]
        #[arg(long, value_name = "FILE", requires = "partial")]
        rejects: Option<PathBuf>,
        /// Check the file and say what an import would do, without writing anything
        #[arg(long)]
        dry_run: bool,
    },
    /// HL7 v2 ADT messages from files (or the files of a folder): each applied, queued for a
    /// supervisor or rejected as the live feed would (`tend listen adt`)
    Adt {
        /// Files of messages, or folders of them
        #[arg(required = true)]
        paths: Vec<PathBuf>,
    },
    /// A FHIR R4 Bundle (JSON), as `tend export fhir` writes: all of it or, if any of it
    /// cannot be read, nothing (creates the database if it does not exist). With --member-id
    /// (or `fhir_member_id` in the config): FHIR from other systems, a Bundle of any type or
    /// Bulk Data NDJSON (a file or a folder), members matched by that identifier
    Fhir {
        /// The bundle; with --member-id, also an NDJSON file or a folder of them
        file: PathBuf,
        /// The identifier system whose value is tend's member ID (FHIR from other systems)
        #[arg(long, value_name = "SYSTEM")]
        member_id: Option<String>,
        /// Leave out the patients with problems (listed) and import the rest
        #[arg(long)]
        partial: bool,
    },
    /// A community resource directory: an Open Referral HSDS data package (a folder of CSV
    /// files). Refused whole if anything in it is wrong; a re-import updates services by
    /// their HSDS id and marks removed those no longer in it
    Resources {
        /// The folder holding organization.csv, service.csv, …
        folder: PathBuf,
        /// Import the rows without problems, and list those left out
        #[arg(long)]
        partial: bool,
    },
}

pub(crate) fn run(cx: &Context, what: Import) -> CliResult<ExitCode> {
    match what {
        Import::Patients {
            file,
            partial,
            rejects,
            dry_run,
        } => {
            let options = Options {
                partial,
                rejects,
                dry_run,
            };
            patients(cx, file, options)
        }
        Import::Fhir {
            file,
            member_id,
            partial,
        } => match member_id.or_else(|| cx.config.fhir_member_id.clone()) {
            Some(member_system) => fhir_external(cx, file, member_system, partial),
            None if partial => Err(super::error::CliError::FhirExternal(
                "--partial is for FHIR from other systems: name its member ID's identifier \
                 system with --member-id SYSTEM"
                    .into(),
            )),
            None => fhir(cx, file),
        },
        Import::Adt { paths } => super::adt::import(cx, paths),
        Import::Resources { folder, partial } => resources(cx, folder, partial),
    }
}

/// `tend import resources`: every problem on standard error (`FILE:LINE:
/// COLUMN: what is wrong`) before the database is touched; refused whole
/// unless `--partial`, which imports the rest and lists what was left out.
fn resources(cx: &Context, folder: PathBuf, partial: bool) -> CliResult<ExitCode> {
    let import = ResourceImport::read(&folder, partial)?;
    let lead = if partial { "left out: " } else { "" };
    for problem in import.problems() {
        errln!("{lead}{}", clean(&problem.to_string()));
    }
    import.check()?;
    let db = cx.db_path()?;
    cx.require_on(&db, Right::Import)?;
    let mut store = cx.open_store(&db, true, Right::Import)?;
    let report = import.run(&mut store)?;
    outln!("{}", clean(&report.line(&folder)))?;
    Ok(ExitCode::SUCCESS)
}

/// `tend import patients`: the roster's problems on standard error before
/// the database is touched, then what the import did (or would do).
fn patients(cx: &Context, file: PathBuf, options: Options) -> CliResult<ExitCode> {
    let db = cx.db_path()?;
    let dry_run = options.dry_run;
    let import = RosterImport::read(&file, &db, &cx.config.user, cx.clock.today(), options)?;
    for line in import.problems() {
        errln!("{line}");
    }
    import.check()?;
    // Who may import, asked before anything (a dry run's scratch copy of
    // the database included) is made, and without changing the file.
    cx.require_on(&db, Right::Import)?;
    let target = import.prepare()?;
    let mut store = cx.open_store(target.path(), target.create(), Right::Import)?;
    let bar = if dry_run {
        indicatif::ProgressBar::hidden()
    } else {
        progress_bar(
            import.roster().rows.len() as u64,
            "{bar:40} {pos}/{len} members {eta}",
        )
    };
    let report = import.run(&mut store, &target, &mut |done| {
        bar.set_position(done as u64)
    });
    bar.finish_and_clear();
    for line in report?.lines() {
        outln!("{line}")?;
    }
    Ok(ExitCode::SUCCESS)
}

/// `tend import fhir`: a bundle, all of it or nothing.
fn fhir(cx: &Context, file: PathBuf) -> CliResult<ExitCode> {
    let path = cx.db_path()?;
    let mut store = cx.open_store(&path, true, Right::Import)?;
    let report = crate::fhir::import::import_file(&mut store, &file)?;
    outln!(
        "Imported {} ({}, {}) from {} into {}; {}.",
        counted(report.patients, "patient"),
        counted(report.rows, "record"),
        counted(report.practitioners_added, "new coordinator"),
        file.display(),
        path.display(),
        if report.kept_ids {
            "every record kept its id"
        } else {
            "records got new ids (the database held patients, or the ids were not tend's)"
        }
    )?;
    Ok(ExitCode::SUCCESS)
}

/// `tend import fhir --member-id SYSTEM`: FHIR from other systems. The
/// problems on standard error, each with its place; then what was done.
fn fhir_external(
    cx: &Context,
    path: PathBuf,
    member_system: String,
    partial: bool,
) -> CliResult<ExitCode> {
    use crate::fhir::import::external::{import, Options};
    let db = cx.db_path()?;
    let mut store = cx.open_store(&db, true, Right::Import)?;
    let options = Options {
        member_system,
        partial,
    };
    let bar = progress_bar(0, "{bar:40} {bytes}/{total_bytes} read {eta}");
    let imported = import(&mut store, &path, &options, &mut |done, total| {
        bar.set_length(total);
        bar.set_position(done);
    });
    bar.finish_and_clear();
    let report = match imported {
        Ok(report) => report,
        Err(refused) => {
            for problem in &refused.problems {
                errln!("{problem}");
            }
            if refused.count > refused.problems.len() {
                errln!("and {} more", refused.count - refused.problems.len());
            }
            return Err(super::error::CliError::FhirExternal(format!(
                "cannot import {}: {}; nothing was imported",
                clean(&path.display().to_string()),
                counted(refused.count, "problem")
            )));
        }
    };
    for problem in &report.left_out {
        errln!("left out: {problem}");
    }
    for line in report.lines(&clean(&path.display().to_string()), &db) {
        outln!("{line}")?;
    }
    Ok(ExitCode::SUCCESS)
}

/// A progress bar of `len` in `template`'s form, on a terminal only: piped
/// or logged output stays plain lines.
fn progress_bar(len: u64, template: &str) -> indicatif::ProgressBar {
    if !std::io::stderr().is_terminal() {
        return indicatif::ProgressBar::hidden();
    }
    indicatif::ProgressBar::new(len).with_style(
        indicatif::ProgressStyle::with_template(template)
            .unwrap_or_else(|_| indicatif::ProgressStyle::default_bar()),
    )
}
