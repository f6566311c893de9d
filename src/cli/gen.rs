//! `tend gen`: a synthetic caseload written into a new database, or a
//! synthetic roster written to a file.

use std::path::PathBuf;
use std::process::ExitCode;
use std::time::Instant;

use super::context::Context;
use super::error::{CliError, CliResult};
use crate::domain::role::Right;
use crate::store::Store;
use crate::synth::{self, GenParams, GenReport};

#[derive(Debug, clap::Args)]
pub(crate) struct GenArgs {
    /// How many patients (one coordinator per 65; the first caseload is yours)
    #[arg(long, default_value_t = synth::DEMO_PATIENTS)]
    patients: usize,
    /// Seed of the synthetic data
    #[arg(long, default_value_t = 1)]
    seed: u64,
    /// Write a synthetic roster (CSV, as a spreadsheet exports it) to this file instead,
    /// for trying `tend import patients`
    #[arg(long, value_name = "FILE")]
    roster: Option<PathBuf>,
    /// Encrypt the new database (SQLCipher; a tend built with --features
    /// encryption), its key in a new file beside it, PATH.key
    #[arg(long, conflicts_with = "roster")]
    encrypt: bool,
}

pub(crate) fn run(cx: &Context, args: GenArgs) -> CliResult<ExitCode> {
    let GenArgs {
        patients,
        seed,
        roster,
        encrypt,
    } = args;
    if let Some(file) = roster {
        let text = synth::roster_csv(patients, seed, cx.clock.today(), &cx.config.user);
        super::output::write_private(&file, &text)?;
        outln!(
            "Wrote a synthetic roster of {patients} members to {}.",
            file.display()
        )?;
        return Ok(ExitCode::SUCCESS);
    }
    let path = cx.db.clone().ok_or(CliError::GenNeedsDb)?;
    if encrypt {
        super::admin::new_key(&path, false)?;
    }
    let started = Instant::now();
    let mut store = cx.open_store(&path, true, Right::Import)?;
    let report = generate(&mut store, cx, patients, seed)?;
    outln!(
        "Wrote {} patients for {} coordinators ({} of them yours, as {}), {} conditions, \
         {} care-team members, {} goals, {} tasks, {} notes, {} hospital and emergency \
         visits, {} referrals, {} appointments, {} prior authorizations and {} signed screenings \
         to {} in {:.1} s.",
        report.patients,
        report.coordinators,
        report.patients.div_ceil(report.coordinators.max(1)),
        cx.config.user,
        report.conditions,
        report.care_team_members,
        report.goals,
        report.tasks,
        report.notes,
        report.encounters,
        report.referrals,
        report.appointments,
        report.authorizations,
        report.screenings,
        path.display(),
        started.elapsed().as_secs_f64()
    )?;
    Ok(ExitCode::SUCCESS)
}

/// Writes a synthetic caseload whose first coordinator is the user.
pub(crate) fn generate(
    store: &mut Store,
    cx: &Context,
    patients: usize,
    seed: u64,
) -> CliResult<GenReport> {
    let params = GenParams {
        patients,
        seed,
        user: cx.config.user.clone(),
    };
    Ok(synth::generate(store, &params)?)
}
