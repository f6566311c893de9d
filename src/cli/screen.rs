//! `tend` (the caseload on the screen) and `tend demo` (a throwaway
//! database with a synthetic caseload).

use std::io::IsTerminal;
use std::path::Path;
use std::process::ExitCode;

use super::context::Context;
use super::error::{CliError, CliResult};
use crate::app::{App, Settings};
use crate::store::Store;
use crate::synth;
use crate::tui::{self, Exit};

#[derive(Debug, clap::Args)]
pub(crate) struct DemoArgs {
    /// Seed of the synthetic data: the same seed and date give the same caseload
    #[arg(long, default_value_t = 1)]
    seed: u64,
    /// How many patients (about 60 are yours, the rest your colleagues')
    #[arg(long, default_value_t = synth::DEMO_PATIENTS)]
    patients: usize,
}

/// `tend`: the database of `--db`, else the default one (made if it is
/// not there yet).
pub(crate) fn run(cx: &Context) -> CliResult<ExitCode> {
    let (path, create) = match &cx.db {
        Some(path) => (path.clone(), false),
        None => (cx.db_path()?, true),
    };
    // The database first: its problems are worth knowing even without a
    // terminal.
    let store = cx.open_for_screen(&path, create)?;
    require_terminal()?;
    show(store, cx, false)
}

/// `tend demo`.
pub(crate) fn demo(cx: &Context, args: DemoArgs) -> CliResult<ExitCode> {
    require_terminal()?;
    let dir = tempfile::Builder::new()
        .prefix("tend-demo-")
        .tempdir()
        .map_err(CliError::DemoFolder)?;
    let path = dir.path().join("demo.db");
    let mut store = cx.open_for_screen(&path, true)?;
    // The directory first, so the generated referrals to community
    // services name its services, as referrals made from it do.
    demo_directory(&mut store, dir.path(), args.seed)?;
    super::gen::generate(&mut store, cx, args.patients, args.seed)?;
    show(store, cx, true)
    // `dir` is dropped here: the demo database goes with it.
}

/// The demo's small synthetic resource directory (issue 17): an HSDS
/// package written beside the database and imported as `tend import
/// resources` would.
fn demo_directory(store: &mut Store, dir: &Path, seed: u64) -> CliResult<()> {
    let folder = dir.join("resources");
    std::fs::create_dir(&folder)
        .and_then(|()| {
            synth::resources::write_package(&folder, synth::resources::DEMO_SERVICES, seed)
        })
        .map_err(CliError::DemoFolder)?;
    crate::resources::import_folder(store, &folder, false)?;
    Ok(())
}

fn require_terminal() -> CliResult<()> {
    if std::io::stdin().is_terminal() && std::io::stdout().is_terminal() {
        Ok(())
    } else {
        Err(CliError::NoTerminal)
    }
}

/// Shows the screen; the exit status says how it ended: 0 when the user
/// quit, 128 + the signal's number when a signal ended it (SIGHUP's 129 when
/// the terminal went away), as shells report.
fn show(mut store: Store, cx: &Context, demo: bool) -> CliResult<ExitCode> {
    // A write on the screen must not freeze it: it waits a few seconds,
    // then says another session is writing (the draft keeps the text).
    store.set_patience(crate::store::DEFAULT_BUSY_TIMEOUT, false);
    let mut settings = Settings::from_config(&cx.config)?;
    if demo && settings.screening.rescreen.is_empty() {
        // The demo shows screenings due (its config may give its own).
        settings.screening.rescreen = crate::domain::screening::RescreenRule::demo();
    }
    let mut app = App::new(store, &settings, demo)?;
    let exit = tui::run(&mut app);
    // However the screen ended, the note being typed is kept as a draft.
    if let Err(error) = app.save_open_draft() {
        errln!("tend: the open note could not be saved: {error}");
    }
    match exit {
        Ok(Exit::Quit) => Ok(ExitCode::SUCCESS),
        Ok(Exit::Signal(signal)) => Ok(ExitCode::from(128 + signal as u8)),
        Ok(Exit::Hangup) => Ok(ExitCode::from(128 + libc::SIGHUP as u8)),
        Err(e) => {
            tui::restore_terminal();
            Err(CliError::Terminal(e))
        }
    }
}
