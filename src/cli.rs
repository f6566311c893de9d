//! The command line: `tend`, `tend demo`, `tend gen`, and their options.

use std::io::IsTerminal;
use std::path::{Path, PathBuf};
use std::process::ExitCode;
use std::time::Instant;

use clap::{Parser, Subcommand};

use crate::app::App;
use crate::clock::Clock;
use crate::config::{self, Config, Paths, ThemeName};
use crate::domain::task_line::Assignee;
use crate::store::{OpenOptions, Store};
use crate::synth::{self, GenParams, GenReport};
use crate::today::{self, TodayRequest};
use crate::tui::{self, Exit};
use crate::ui::text::{clean, pad};

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
    Demo {
        /// Seed of the synthetic data: the same seed and date give the same caseload
        #[arg(long, default_value_t = 1)]
        seed: u64,
        /// How many patients (about 60 are yours, the rest your colleagues')
        #[arg(long, default_value_t = synth::DEMO_PATIENTS)]
        patients: usize,
    },
    /// Write a synthetic caseload into a new database, without opening the screen
    Gen {
        /// How many patients (one coordinator per 65; the first caseload is yours)
        #[arg(long, default_value_t = synth::DEMO_PATIENTS)]
        patients: usize,
        /// Seed of the synthetic data
        #[arg(long, default_value_t = 1)]
        seed: u64,
    },
    /// Search all signed notes for words: patient, date and the matching line
    Search {
        /// The words to look for (all must appear; accents and case do not matter)
        #[arg(required = true)]
        words: Vec<String>,
        /// At most this many results
        #[arg(long, default_value_t = 50)]
        limit: usize,
    },
    /// Write records out of tend
    Export {
        #[command(subcommand)]
        what: Export,
    },
    /// Read records into tend
    Import {
        #[command(subcommand)]
        what: Import,
    },
    /// Print today's tasks, most urgent first, then the upcoming ones
    Today {
        /// Another coordinator's day (a user name)
        #[arg(long, value_name = "NAME", conflicts_with = "all")]
        user: Option<String>,
        /// The whole team's day
        #[arg(long)]
        all: bool,
        /// JSON instead of text
        #[arg(long)]
        json: bool,
    },
}

#[derive(Debug, Subcommand)]
enum Export {
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
    },
}

#[derive(Debug, Subcommand)]
enum Import {
    /// A FHIR R4 Bundle (JSON), as `tend export fhir` writes: all of it or, if any of it
    /// cannot be read, nothing (creates the database if it does not exist)
    Fhir {
        /// The bundle
        file: PathBuf,
    },
}

/// Runs tend and turns any error into one clear line on stderr.
pub fn main() -> ExitCode {
    let paths = Paths::from_env();
    crate::crash::install_panic_hook(paths.as_ref().map(|p| p.state_dir.clone()));
    let cli = Cli::parse();
    match run(cli, paths) {
        Ok(code) => code,
        Err(message) => {
            eprintln!("tend: {message}");
            ExitCode::from(1)
        }
    }
}

/// An error worded for the user.
type CliResult<T> = Result<T, String>;

fn run(cli: Cli, paths: Option<Paths>) -> CliResult<ExitCode> {
    let clock = Clock::from_env().map_err(|e| e.to_string())?;
    let mut config = load_config(cli.config.as_deref(), paths.as_ref())?;
    if let Some(paths) = &paths {
        config.templates = crate::templates::load(Some(&paths.templates_dir()))?;
    }
    if std::env::var_os("NO_COLOR").is_some_and(|v| !v.is_empty()) {
        config.theme = ThemeName::Mono;
    }
    match cli.command {
        None => {
            let (path, create) = match cli.db {
                Some(path) => (path, false),
                None => {
                    let paths = paths.ok_or(
                        "cannot find your home directory for the default database; use --db PATH",
                    )?;
                    (paths.default_db(), true)
                }
            };
            // The database first: its problems are worth knowing even
            // without a terminal.
            let store = open_store(&path, &config, clock, create)?;
            require_terminal()?;
            show(store, &config, false)
        }
        Some(Command::Demo { seed, patients }) => {
            require_terminal()?;
            let dir = tempfile::Builder::new()
                .prefix("tend-demo-")
                .tempdir()
                .map_err(|e| format!("cannot create a folder for the demo database: {e}"))?;
            let path = dir.path().join("demo.db");
            let mut store = open_store(&path, &config, clock, true)?;
            generate(&mut store, &config, patients, seed)?;
            show(store, &config, true)
            // `dir` is dropped here: the demo database goes with it.
        }
        Some(Command::Search { words, limit }) => {
            let mut store = open_store(&db_path(cli.db, paths)?, &config, clock, false)?;
            let words = words.join(" ");
            let hits = store
                .search_notes_audited(&words, limit)
                .map_err(|e| e.to_string())?;
            for hit in &hits {
                println!(
                    "{}  {}  {}",
                    hit.sent_at.format("%Y-%m-%d"),
                    pad(&hit.patient_name, 24),
                    clean(hit.line.trim())
                );
            }
            if hits.is_empty() {
                println!("No signed note holds {}.", clean(&words));
            }
            Ok(ExitCode::SUCCESS)
        }
        Some(Command::Export {
            what: Export::Careplan { member_id, out },
        }) => {
            let mut store = open_store(&db_path(cli.db, paths)?, &config, clock, false)?;
            let text = crate::export::careplan_for_member(&mut store, &member_id, clock.today())
                .map_err(|e| e.to_string())?;
            match out {
                Some(path) => {
                    crate::export::write_private(&path, &text)?;
                    eprintln!(
                        "Wrote the care plan of {} to {}",
                        clean(member_id.trim()),
                        path.display()
                    );
                }
                None => print!("{text}"),
            }
            Ok(ExitCode::SUCCESS)
        }
        Some(Command::Export {
            what: Export::Fhir { patient, out },
        }) => {
            let mut store = open_store(&db_path(cli.db, paths)?, &config, clock, false)?;
            export_fhir(&mut store, patient.as_deref(), out.as_deref())
        }
        Some(Command::Import {
            what: Import::Fhir { file },
        }) => {
            let path = db_path(cli.db, paths)?;
            let mut store = open_store(&path, &config, clock, true)?;
            let report =
                crate::fhir::import::import_file(&mut store, &file).map_err(|e| e.to_string())?;
            println!(
                "Imported {} patients ({} records, {} new coordinators) from {} into {}; {}.",
                report.patients,
                report.rows,
                report.practitioners_added,
                file.display(),
                path.display(),
                if report.kept_ids {
                    "every record kept its id"
                } else {
                    "records got new ids (the database held patients, or the ids were not tend's)"
                }
            );
            Ok(ExitCode::SUCCESS)
        }
        Some(Command::Today { user, all, json }) => {
            let mut store = open_store(&db_path(cli.db, paths)?, &config, clock, false)?;
            let who = match (user, all) {
                (_, true) => Assignee::Team,
                (Some(name), false) => Assignee::Named(name),
                (None, false) => Assignee::Mine,
            };
            let show_owner = who != Assignee::Mine;
            let request = TodayRequest {
                user: &config.user,
                who,
                today: clock.today(),
                upcoming_days: config.upcoming_days,
                weights: &config.urgency,
            };
            let report = today::build(&mut store, &request).map_err(|e| e.to_string())?;
            if json {
                let text = serde_json::to_string_pretty(&report).map_err(|e| e.to_string())?;
                println!("{text}");
            } else {
                print!("{}", report.to_text(show_owner));
            }
            Ok(ExitCode::SUCCESS)
        }
        Some(Command::Gen { patients, seed }) => {
            let path = cli
                .db
                .ok_or("tend gen needs the database to write: add --db PATH (or set TEND_DB)")?;
            let started = Instant::now();
            let mut store = open_store(&path, &config, clock, true)?;
            let report = generate(&mut store, &config, patients, seed)?;
            println!(
                "Wrote {} patients for {} coordinators ({} of them yours, as {}), {} conditions, \
                 {} care-team members, {} goals, {} tasks and {} notes to {} in {:.1} s.",
                report.patients,
                report.coordinators,
                report.patients.div_ceil(report.coordinators.max(1)),
                config.user,
                report.conditions,
                report.care_team_members,
                report.goals,
                report.tasks,
                report.notes,
                path.display(),
                started.elapsed().as_secs_f64()
            );
            Ok(ExitCode::SUCCESS)
        }
    }
}

/// `tend export fhir`: the bundle to a file (saying what it holds) or to
/// standard output.
fn export_fhir(
    store: &mut Store,
    member_id: Option<&str>,
    out: Option<&Path>,
) -> CliResult<ExitCode> {
    use crate::fhir::export::{export, ExportError, Scope};
    let scope = member_id.map_or(Scope::All, Scope::Member);
    let written = match out {
        Some(path) => export(store, scope, crate::export::create_private(path)?),
        None => export(store, scope, std::io::stdout().lock()),
    };
    let report = written.map_err(|e| match (e, member_id) {
        (ExportError::NoSuchMember, Some(member)) => {
            format!("no patient has the member ID {:?}", clean(member.trim()))
        }
        (e, _) => e.to_string(),
    })?;
    if let Some(path) = out {
        let counts: Vec<String> = report
            .resources
            .iter()
            .map(|(kind, n)| format!("{n} {kind}"))
            .collect();
        eprintln!(
            "Wrote {} resources about {} patients to {} ({}).",
            report.total(),
            report.patients,
            path.display(),
            counts.join(", ")
        );
    }
    Ok(ExitCode::SUCCESS)
}

/// The database a command reads: `--db` (or `TEND_DB`), else the default.
fn db_path(db: Option<PathBuf>, paths: Option<Paths>) -> CliResult<PathBuf> {
    match db {
        Some(path) => Ok(path),
        None => Ok(paths
            .ok_or("cannot find your home directory for the default database; use --db PATH")?
            .default_db()),
    }
}

fn load_config(explicit: Option<&Path>, paths: Option<&Paths>) -> CliResult<Config> {
    let login = config::login_name();
    let result = match (explicit, paths) {
        (Some(path), _) => Config::load(path, true, login),
        (None, Some(paths)) => Config::load(&paths.default_config(), false, login),
        (None, None) => Config::defaults(login),
    };
    result.map_err(|e| e.to_string())
}

fn open_store(path: &Path, config: &Config, clock: Clock, create: bool) -> CliResult<Store> {
    let options = OpenOptions {
        create,
        ..OpenOptions::default()
    };
    Store::open(path, &config.user, clock, &options).map_err(|e| e.to_string())
}

/// Writes a synthetic caseload whose first coordinator is the user.
fn generate(
    store: &mut Store,
    config: &Config,
    patients: usize,
    seed: u64,
) -> CliResult<GenReport> {
    let params = GenParams {
        patients,
        seed,
        user: config.user.clone(),
    };
    synth::generate(store, &params).map_err(|e| e.to_string())
}

fn require_terminal() -> CliResult<()> {
    if std::io::stdin().is_terminal() && std::io::stdout().is_terminal() {
        Ok(())
    } else {
        Err(
            "the screen needs a terminal (standard input and output are not one); \
             for scripts, `tend gen` writes a database without the screen"
                .into(),
        )
    }
}

/// Shows the screen; the exit status says how it ended: 0 when the user
/// quit, 128 + the signal's number when a signal ended it (SIGHUP's 129 when
/// the terminal went away), as shells report.
fn show(store: Store, config: &Config, demo: bool) -> CliResult<ExitCode> {
    let mut app = App::new(store, config, demo).map_err(|e| e.to_string())?;
    let exit = tui::run(&mut app);
    // However the screen ended, the note being typed is kept as a draft.
    if let Err(error) = app.save_open_draft() {
        eprintln!("tend: the open note could not be saved: {error}");
    }
    match exit {
        Ok(Exit::Quit) => Ok(ExitCode::SUCCESS),
        Ok(Exit::Signal(signal)) => Ok(ExitCode::from(128 + signal as u8)),
        Ok(Exit::Hangup) => Ok(ExitCode::from(128 + libc::SIGHUP as u8)),
        Err(e) => {
            tui::restore_terminal();
            Err(format!("the terminal failed: {e}"))
        }
    }
}
