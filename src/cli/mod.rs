//! The command line: `tend`, its subcommands and their options. Each
//! subcommand is a file here, taking its arguments and a [`Context`] (the
//! clock, the settings, the database) and returning an exit status or a
//! [`CliError`]; only this folder prints (see `output`).

#[macro_use]
mod output;
mod admin;
mod adt;
mod audit;
mod backup;
mod check;
mod context;
mod error;
mod export;
mod gen;
mod import;
mod instruments;
mod screen;
mod search;
mod today;

use std::path::PathBuf;
use std::process::ExitCode;

use clap::{Parser, Subcommand};

use crate::config::Paths;
use crate::text::clean;
use context::Context;
pub use error::{CliError, CliResult};

#[derive(Debug, Parser)]
#[command(
    name = "tend",
    version,
    about = "A keyboard-driven terminal application for care coordinators",
    long_about = "A keyboard-driven terminal application for care coordinators.\n\n\
        With no command, opens the caseload in the default database (or --db PATH).\n\
        TEND_NOW=2026-11-24T09:00:00-05:00 fixes \"now\" for tests and demos."
)]
struct Cli {
    /// The database to open [default: tend.db in the user's data directory]
    #[arg(long, global = true, env = "TEND_DB", value_name = "PATH")]
    db: Option<PathBuf>,

    /// The config file [default: config.toml in the user's config directory]
    #[arg(long, global = true, env = "TEND_CONFIG", value_name = "PATH")]
    config: Option<PathBuf>,

    #[command(subcommand)]
    command: Option<Command>,
}

#[derive(Debug, Subcommand)]
enum Command {
    /// Open a throwaway database with a synthetic caseload (ignores --db)
    Demo(screen::DemoArgs),
    /// Write a synthetic caseload into a new database, without opening the screen
    Gen(gen::GenArgs),
    /// Search all signed notes for words: patient, date and the matching line
    Search(search::SearchArgs),
    /// Write records out of tend
    Export {
        #[command(subcommand)]
        what: export::Export,
    },
    /// Copy the database to a new file while other sessions keep working
    Backup(backup::BackupArgs),
    /// Check the database: integrity, links between records, search indexes, schema version
    Check,
    /// The screening instruments tend reads, or instrument files checked as tend would
    Instruments(instruments::InstrumentsArgs),
    /// Read records into tend
    Import {
        #[command(subcommand)]
        what: import::Import,
    },
    /// Print today's tasks, most urgent first, then the upcoming ones
    Today(today::TodayArgs),
    /// The audit trail: verify its hash chain, print its head
    Audit {
        #[command(subcommand)]
        what: audit::Audit,
    },
    /// Receive what other systems send live
    Listen {
        #[command(subcommand)]
        what: adt::Listen,
    },
    /// The hospitals' ADT messages waiting for a supervisor: list, show, match, dismiss
    Adt {
        #[command(subcommand)]
        what: adt::Adt,
    },
    /// A team's users and roles, cover, and broken glass to review
    Admin {
        #[command(subcommand)]
        what: admin::Admin,
    },
}

/// Installed for a team (setgid), tend opens the team's database at the
/// real time: nothing that points it at other data or another time is
/// taken from the command line or the environment.
fn refuse_redirection(cli: &Cli) -> CliResult<()> {
    let set = |name: &str| std::env::var_os(name).is_some_and(|v| !v.is_empty());
    let refused = if cli.db.is_some() {
        Some(if set("TEND_DB") { "TEND_DB" } else { "--db" })
    } else if cli.config.is_some() {
        Some(if set("TEND_CONFIG") {
            "TEND_CONFIG"
        } else {
            "--config"
        })
    } else if set("TEND_NOW") {
        Some("TEND_NOW")
    } else {
        None
    };
    match refused {
        Some(what) => Err(CliError::TeamInstallRefuses(what)),
        None => Ok(()),
    }
}

/// Runs tend and turns any error into one clear line on stderr. Every
/// message that quotes a value (a member ID, a name, a file's text or name)
/// cleans it where it quotes it; the whole line is cleaned again as it is
/// printed (which changes nothing already clean), so one written later
/// that forgets cannot drive the terminal or forge a line with a line
/// break: an error is one line.
pub fn main() -> ExitCode {
    let paths = Paths::from_env();
    crate::crash::install_panic_hook(paths.as_ref().map(|p| p.state_dir.clone()));
    let cli = Cli::parse();
    match run(cli, paths) {
        Ok(code) => code,
        Err(error) => {
            errln!("tend: {}", clean(&error.to_string()));
            ExitCode::from(1)
        }
    }
}

fn run(mut cli: Cli, paths: Option<Paths>) -> CliResult<ExitCode> {
    let demo = matches!(cli.command, Some(Command::Demo(_)));
    if let Some(install) = crate::team_install::detect().map_err(CliError::TeamInstall)? {
        refuse_redirection(&cli)?;
        if matches!(cli.command, Some(Command::Gen(_))) {
            return Err(CliError::TeamInstallNoGen);
        }
        // Nor from the environment: the time zone ("today", and so when
        // cover ends) is the server's, and SQLite's temporary files go
        // where the system keeps them, not to a folder the user names.
        for name in ["TZ", "TMPDIR", "SQLITE_TMPDIR"] {
            std::env::remove_var(name);
        }
        if demo {
            // The demo's database is a throwaway of the user's own.
            crate::team_install::drop_for_good();
        } else {
            cli.db = Some(install.database.clone());
        }
    }
    let cx = Context::new(cli.db, cli.config.as_deref(), paths, demo)?;
    match cli.command {
        None => screen::run(&cx),
        Some(Command::Demo(args)) => screen::demo(&cx, args),
        Some(Command::Gen(args)) => gen::run(&cx, args),
        Some(Command::Search(args)) => search::run(&cx, args),
        Some(Command::Export { what }) => export::run(&cx, what),
        Some(Command::Backup(args)) => backup::run(&cx, args),
        Some(Command::Check) => check::run(&cx),
        Some(Command::Instruments(args)) => instruments::run(&cx, args),
        Some(Command::Import { what }) => import::run(&cx, what),
        Some(Command::Today(args)) => today::run(&cx, args),
        Some(Command::Audit { what }) => audit::run(&cx, what),
        Some(Command::Admin { what }) => admin::run(&cx, what),
        Some(Command::Listen { what }) => adt::listen(&cx, what),
        Some(Command::Adt { what }) => adt::run(&cx, what),
    }
}
