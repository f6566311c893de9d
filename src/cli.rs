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
use crate::reports::today::{self, TodayRequest};
use crate::store::{OpenOptions, Scope, Store};
use crate::synth::{self, GenParams, GenReport};
use crate::text::{clean, pad};
use crate::tui::{self, Exit};

/// `println!` to standard output, through [`write_out`]: a closed pipe
/// ends the output quietly. Evaluates to a [`CliResult`].
macro_rules! outln {
    ($($arg:tt)*) => {
        write_out(format_args!("{}\n", format_args!($($arg)*)))
    };
}

/// `print!` to standard output, through [`write_out`].
macro_rules! out {
    ($($arg:tt)*) => {
        write_out(format_args!($($arg)*))
    };
}

/// `eprintln!` to standard error, through [`write_err`].
macro_rules! errln {
    ($($arg:tt)*) => {
        write_err(format_args!("{}\n", format_args!($($arg)*)))
    };
}

/// Whether the reader of standard output has gone.
static STDOUT_CLOSED: std::sync::atomic::AtomicBool = std::sync::atomic::AtomicBool::new(false);

/// Writes to standard output. `println!` panics when the reader has gone
/// (`tend today --all | head -1`: Rust ignores SIGPIPE, so the write fails
/// with EPIPE), which ended tend with exit status 101 and a crash report.
/// Here a closed pipe ends the output quietly, as for any Unix tool: the
/// rest is dropped, the command finishes (its audit row is written before
/// it prints) and exits 0, as `head` had all it wanted. Any other failure
/// (a full disk behind `> file`) is an error like any other.
fn write_out(text: std::fmt::Arguments<'_>) -> CliResult<()> {
    use std::io::Write;
    use std::sync::atomic::Ordering;
    if STDOUT_CLOSED.load(Ordering::Relaxed) {
        return Ok(());
    }
    let mut stdout = std::io::stdout().lock();
    match stdout.write_fmt(text).and_then(|()| stdout.flush()) {
        Ok(()) => Ok(()),
        Err(e) if e.kind() == std::io::ErrorKind::BrokenPipe => {
            STDOUT_CLOSED.store(true, Ordering::Relaxed);
            Ok(())
        }
        Err(e) => Err(format!("cannot write to standard output: {e}")),
    }
}

/// Writes to standard error; if that fails too (`2>&1 | head -1`) there is
/// nowhere left to say so, and the rest is dropped quietly.
fn write_err(text: std::fmt::Arguments<'_>) {
    use std::io::Write;
    let mut stderr = std::io::stderr().lock();
    let _ = stderr.write_fmt(text).and_then(|()| stderr.flush());
}

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
        /// Write a synthetic roster (CSV, as a spreadsheet exports it) to this file instead,
        /// for trying `tend import patients`
        #[arg(long, value_name = "FILE")]
        roster: Option<PathBuf>,
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
    /// Copy the database to a new file while other sessions keep working
    Backup {
        /// The copy (a new file; made readable by you alone)
        file: PathBuf,
    },
    /// Check the database: integrity, links between records, search indexes, schema version
    Check,
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
enum CsvReport {
    /// Open tasks due today or earlier, then the upcoming ones
    Tasks,
    /// Patients with their risk, last contact and next due task
    Caseload,
}

#[derive(Debug, Subcommand)]
enum Import {
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
    /// A FHIR R4 Bundle (JSON), as `tend export fhir` writes: all of it or, if any of it
    /// cannot be read, nothing (creates the database if it does not exist)
    Fhir {
        /// The bundle
        file: PathBuf,
    },
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
        Err(message) => {
            errln!("tend: {}", clean(&message));
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
            let store = open_for_screen(&path, &config, clock, create)?;
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
            let mut store = open_for_screen(&path, &config, clock, true)?;
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
                outln!(
                    "{}  {}  {}",
                    hit.sent_at.format("%Y-%m-%d"),
                    pad(&hit.patient_name, 24),
                    clean(hit.line.trim())
                )?;
            }
            if hits.is_empty() {
                outln!("No signed note holds {}.", clean(&words))?;
            }
            Ok(ExitCode::SUCCESS)
        }
        Some(Command::Export {
            what: Export::Careplan { member_id, out },
        }) => {
            let mut store = open_store(&db_path(cli.db, paths)?, &config, clock, false)?;
            let text = crate::reports::careplan::careplan_for_member(
                &mut store,
                &member_id,
                clock.today(),
            )
            .map_err(|e| e.to_string())?;
            match out {
                Some(path) => {
                    crate::reports::careplan::write_private(&path, &text)?;
                    errln!(
                        "Wrote the care plan of {} to {}",
                        clean(member_id.trim()),
                        clean(&path.display().to_string())
                    );
                }
                None => out!("{text}")?,
            }
            Ok(ExitCode::SUCCESS)
        }
        Some(Command::Import {
            what:
                Import::Patients {
                    file,
                    partial,
                    rejects,
                    dry_run,
                },
        }) => {
            let db = db_path(cli.db, paths)?;
            let options = crate::roster::Options {
                partial,
                rejects,
                dry_run,
            };
            import_patients(&file, &db, &config, clock, options)
        }
        Some(Command::Backup { file }) => {
            let db = db_path(cli.db, paths)?;
            let mut store = open_store(&db, &config, clock, false)?;
            let backup = store.backup_to(&file).map_err(|e| e.to_string())?;
            for line in leftover_lines(&backup.leftovers) {
                errln!("tend: {line}");
            }
            outln!(
                "Backed up {} to {}: it passes the integrity check and holds {}.",
                clean(&db.display().to_string()),
                clean(&file.display().to_string()),
                describe_counts(&backup.counts)
            )?;
            if backup.damaged_text.is_empty() {
                return Ok(ExitCode::SUCCESS);
            }
            // The copy is kept (it is as good as the database), but the
            // damage is not "all well": the exit status says so to a script.
            errln!(
                "tend: the copy holds {}, as the database does; run `tend check`",
                damaged_text_sentence(&backup.damaged_text)
            );
            Ok(ExitCode::from(1))
        }
        Some(Command::Check) => {
            let db = db_path(cli.db, paths)?;
            let report = crate::store::check_file(&db).map_err(|e| e.to_string())?;
            out!("{}", check_text(&report))?;
            Ok(if report.is_healthy() {
                ExitCode::SUCCESS
            } else {
                ExitCode::from(1)
            })
        }
        Some(Command::Export {
            what: Export::Csv { report, all, out },
        }) => {
            let mut store = open_store(&db_path(cli.db, paths)?, &config, clock, false)?;
            let text = match report {
                CsvReport::Tasks => {
                    let request = TodayRequest {
                        user: &config.user,
                        who: if all { Assignee::Team } else { Assignee::Mine },
                        today: clock.today(),
                        upcoming_days: config.upcoming_days,
                        weights: &config.urgency,
                    };
                    let day = today::build(&mut store, &request).map_err(|e| e.to_string())?;
                    crate::reports::csv::tasks_csv(&day)
                }
                CsvReport::Caseload => crate::reports::csv::caseload_csv(
                    &mut store,
                    &config.user,
                    if all { Scope::Team } else { Scope::Mine },
                    clock.today(),
                ),
            }
            .map_err(|e| e.to_string())?;
            match out {
                Some(path) => {
                    crate::reports::careplan::write_private(&path, &text)?;
                    errln!("Wrote {}", clean(&path.display().to_string()));
                }
                None => out!("{text}")?,
            }
            Ok(ExitCode::SUCCESS)
        }
        Some(Command::Export {
            what:
                Export::Fhir {
                    patient,
                    out,
                    skip_damaged,
                },
        }) => {
            let mut store = open_store(&db_path(cli.db, paths)?, &config, clock, false)?;
            export_fhir(&mut store, patient.as_deref(), out.as_deref(), skip_damaged)
        }
        Some(Command::Import {
            what: Import::Fhir { file },
        }) => {
            let path = db_path(cli.db, paths)?;
            let mut store = open_store(&path, &config, clock, true)?;
            let report =
                crate::fhir::import::import_file(&mut store, &file).map_err(|e| e.to_string())?;
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
                let text =
                    crate::safe_json::to_string_pretty(&report).map_err(|e| e.to_string())?;
                outln!("{text}")?;
            } else {
                out!("{}", report.to_text(show_owner))?;
            }
            Ok(ExitCode::SUCCESS)
        }
        Some(Command::Gen {
            patients,
            seed,
            roster: Some(file),
        }) => {
            let text = synth::roster_csv(patients, seed, clock.today(), &config.user);
            crate::reports::careplan::write_private(&file, &text)?;
            outln!(
                "Wrote a synthetic roster of {patients} members to {}.",
                file.display()
            )?;
            Ok(ExitCode::SUCCESS)
        }
        Some(Command::Gen {
            patients,
            seed,
            roster: None,
        }) => {
            let path = cli
                .db
                .ok_or("tend gen needs the database to write: add --db PATH (or set TEND_DB)")?;
            let started = Instant::now();
            let mut store = open_store(&path, &config, clock, true)?;
            let report = generate(&mut store, &config, patients, seed)?;
            outln!(
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
            )?;
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
    skip_damaged: bool,
) -> CliResult<ExitCode> {
    use crate::fhir::export::{export_with, ExportError, Scope};
    let scope = member_id.map_or(Scope::All, Scope::Member);
    let written = match out {
        Some(path) => export_with(
            store,
            scope,
            crate::reports::careplan::create_private(path)?,
            skip_damaged,
        ),
        None => export_with(store, scope, std::io::stdout().lock(), skip_damaged),
    };
    // The reader of standard output has gone (`| head`): quietly done.
    if let Err(ExportError::Write(e)) = &written {
        if out.is_none() && e.kind() == std::io::ErrorKind::BrokenPipe {
            return Ok(ExitCode::SUCCESS);
        }
    }
    let report = written.map_err(|e| {
        let removed = out.is_some_and(|path| std::fs::remove_file(path).is_ok());
        match (e, member_id) {
            // Nothing was written yet (the file, made empty, is gone).
            (ExportError::NoSuchMember, Some(member)) => {
                format!("no patient has the member ID {:?}", clean(member.trim()))
            }
            // Half a bundle would be taken for a whole one.
            (e, _) => {
                let mut message = clean(&e.to_string()).into_owned();
                match out {
                    Some(path) if removed => message.push_str(&format!(
                        " ({} was removed: it held an unfinished bundle)",
                        clean(&path.display().to_string())
                    )),
                    Some(_) => {}
                    None => message.push_str(" (what was written above is an unfinished bundle)"),
                }
                message
            }
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

/// Opens the database for a command, or for the screen before it is drawn:
/// either waits its turn behind other tend sessions' writes, saying so on a
/// terminal (the screen then waits only briefly: see `show`).
fn open_store(path: &Path, config: &Config, clock: Clock, create: bool) -> CliResult<Store> {
    opened(
        path,
        Store::open(path, &config.user, clock, &OpenOptions::batch(create)),
    )
}

/// The store opened, having said if opening rolled back an interrupted
/// change.
fn opened(path: &Path, store: Result<Store, crate::store::OpenError>) -> CliResult<Store> {
    let store = store.map_err(|e| e.to_string())?;
    if store.rolled_back_interrupted_change() {
        errln!(
            "tend: {}: {ROLLED_BACK}",
            clean(&path.display().to_string())
        );
    }
    Ok(store)
}

/// For the screen, where someone types: as for a command, and room is
/// kept aside for when the disk fills, so a note or an audit row can still
/// be written.
fn open_for_screen(path: &Path, config: &Config, clock: Clock, create: bool) -> CliResult<Store> {
    let options = OpenOptions {
        hold_reserve: true,
        ..OpenOptions::batch(create)
    };
    opened(path, Store::open(path, &config.user, clock, &options))
}

/// Said when opening a database rolled back a change that was interrupted.
const ROLLED_BACK: &str = "a change to it (an import, or a generated caseload) had been \
     interrupted, and was rolled back: nothing of that change is kept, the rest is as it was";

/// "1 patient", "3 patients".
fn counted(n: usize, what: &str) -> String {
    if n == 1 {
        format!("1 {what}")
    } else {
        format!("{n} {what}s")
    }
}

/// "1,204 patients, 12,511 tasks, …".
fn describe_counts(counts: &crate::store::RowCounts) -> String {
    counts
        .iter()
        .map(|(table, n)| format!("{n} {table} rows"))
        .collect::<Vec<_>>()
        .join(", ")
}

/// "damaged text (not UTF-8) in 2 records: communication row 12 (body;
/// patient SYN0000012), …": the records by table, row, column and member
/// ID, never their text.
fn damaged_text_sentence(damaged: &[crate::store::DamagedText]) -> String {
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
fn leftover_lines(leftovers: &[crate::store::Leftover]) -> Vec<String> {
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
    out.push_str(&format!("  holds    {}\n", describe_counts(&report.counts)));
    out
}

/// `tend import patients`: the roster's problems on standard error before
/// the database is touched, then what the import did (or would do).
fn import_patients(
    file: &Path,
    db: &Path,
    config: &Config,
    clock: Clock,
    options: crate::roster::Options,
) -> CliResult<ExitCode> {
    let dry_run = options.dry_run;
    let import = crate::roster::RosterImport::read(file, db, &config.user, clock.today(), options)
        .map_err(|e| e.to_string())?;
    for line in import.problems() {
        errln!("{line}");
    }
    import.check().map_err(|e| e.to_string())?;
    let target = import.prepare().map_err(|e| e.to_string())?;
    let mut store = open_store(target.path(), config, clock, target.create())?;
    // A bar on a terminal only: piped or logged output stays plain lines.
    let bar = if !dry_run && std::io::stderr().is_terminal() {
        indicatif::ProgressBar::new(import.roster().rows.len() as u64).with_style(
            indicatif::ProgressStyle::with_template("{bar:40} {pos}/{len} members {eta}")
                .unwrap_or_else(|_| indicatif::ProgressStyle::default_bar()),
        )
    } else {
        indicatif::ProgressBar::hidden()
    };
    let report = import.run(&mut store, &target, &mut |done| {
        bar.set_position(done as u64)
    });
    bar.finish_and_clear();
    for line in report.map_err(|e| e.to_string())?.lines() {
        outln!("{line}")?;
    }
    Ok(ExitCode::SUCCESS)
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
fn show(mut store: Store, config: &Config, demo: bool) -> CliResult<ExitCode> {
    // A write on the screen must not freeze it: it waits a few seconds,
    // then says another session is writing (the draft keeps the text).
    store.set_patience(crate::store::DEFAULT_BUSY_TIMEOUT, false);
    let mut app = App::new(store, config, demo).map_err(|e| e.to_string())?;
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
            Err(format!("the terminal failed: {e}"))
        }
    }
}
