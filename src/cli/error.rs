//! Why a command failed, worded for the user: `tend: MESSAGE` on standard
//! error and exit status 1. The layers below word their own errors (each
//! passes through as it is); the ones here are the command line's.

use std::path::PathBuf;

use crate::clock::ClockError;
use crate::config::ConfigError;
use crate::fhir::export::ExportError;
use crate::fhir::import::ImportError;
use crate::resources::ResourceImportError;
use crate::roster::RosterError;
use crate::store::{OpenError, StoreError};
use crate::synth::GenError;
use crate::text::clean;

/// What a command returns.
pub type CliResult<T> = Result<T, CliError>;

#[derive(Debug, thiserror::Error)]
pub enum CliError {
    #[error(transparent)]
    Clock(#[from] ClockError),
    #[error(transparent)]
    Config(#[from] ConfigError),
    /// A note template that cannot be read.
    #[error("{0}")]
    Templates(String),
    #[error(transparent)]
    Open(#[from] OpenError),
    #[error(transparent)]
    Store(#[from] StoreError),
    #[error(transparent)]
    Roster(#[from] RosterError),
    #[error(transparent)]
    FhirImport(#[from] ImportError),
    /// FHIR from other systems refused (its problems written before), or
    /// asked for wrongly.
    #[error("{0}")]
    FhirExternal(String),
    #[error(transparent)]
    Resources(#[from] ResourceImportError),
    #[error(transparent)]
    Generate(#[from] GenError),
    #[error(transparent)]
    Json(#[from] serde_json::Error),
    #[error("cannot find your home directory for the default database; use --db PATH")]
    NoHome,
    #[error(
        "the screen needs a terminal (standard input and output are not one); \
         for scripts, `tend gen` writes a database without the screen"
    )]
    NoTerminal,
    #[error("the terminal failed: {0}")]
    Terminal(std::io::Error),
    #[error("cannot create a folder for the demo database: {0}")]
    DemoFolder(std::io::Error),
    #[error("tend gen needs the database to write: add --db PATH (or set TEND_DB)")]
    GenNeedsDb,
    /// A file asked for with `--out` (or `tend gen --roster`).
    #[error("cannot write {}: {source}", .path.display())]
    Write {
        path: PathBuf,
        source: std::io::Error,
    },
    #[error("cannot write to standard output: {0}")]
    Stdout(std::io::Error),
    /// A file of recorded audit heads that cannot be read, or holds a line
    /// that is not one.
    #[error("{0}")]
    AuditHeads(String),
    /// One patient's records asked for, whose consent to share is not in
    /// force, without a reason.
    #[error("{member}'s consent to share is {standing}: nothing was exported; give --reason \"…\" to export anyway (the reason goes into the audit trail)")]
    NoConsent { member: String, standing: String },
    /// `--reason` with next to nothing in it.
    #[error("--reason needs a reason someone reading the audit trail will understand (at least 5 characters)")]
    NoReason,
    /// The team install cannot be trusted (see `team_install`).
    #[error("{0}")]
    TeamInstall(String),
    /// Installed for a team, something that would point tend elsewhere.
    #[error("{0} is not taken here: this tend is installed for a team and opens the team's database, with your own settings, at the real time (`tend demo` works on a throwaway database of its own)")]
    TeamInstallRefuses(&'static str),
    /// On a team install, a database without an admin.
    #[error("{} has no admin, so it is nobody's to share: on a team install the database is made by `tend admin init` (scripts/install-team.sh runs it); ask whoever looks after the server", .0.display())]
    TeamDatabaseUnmanaged(PathBuf),
    /// `tend gen` on a team install.
    #[error("tend gen writes synthetic patients, and this tend is installed for a team (its database is the team's): try `tend demo`, which makes a throwaway one")]
    TeamInstallNoGen,
    /// `--encrypt` in a build without encryption.
    #[error("this tend was built without encryption: build it with `cargo build --release --features encryption` (SQLCipher) to make an encrypted database")]
    NoEncryption,
    /// `--encrypt` for a database that is there already.
    #[error("{} is there already: --encrypt makes a new database encrypted, and an existing one stays as it is", .0.display())]
    EncryptExisting(PathBuf),
    /// `tend admin init` on a team install, not as root.
    #[error("on a team install only root makes the team's database: ask whoever looks after the server (scripts/install-team.sh)")]
    InitNeedsRoot,
    /// `tend admin init` over a database that is there.
    #[error("{} is there already: add users with `tend admin user add`", .0.display())]
    AlreadyADatabase(PathBuf),
    /// `tend admin user add` with a login the server has no account for.
    #[error("there is no account {0:?} on this server: a tend user is someone who logs in here (ask whoever looks after the server to create the account first)")]
    NoAccount(String),
    /// A file or folder of ADT messages that cannot be read.
    #[error("cannot read {}: {source}", .path.display())]
    Read {
        path: PathBuf,
        source: std::io::Error,
    },
    /// `tend listen adt` that cannot listen or stopped on a socket error.
    #[error("{0}")]
    Listen(String),
    /// `tend import adt` where some messages were rejected.
    #[error("{0} could not be read; each is in the rejected queue (`tend adt queue`)")]
    AdtRejected(String),
    /// `tend export fhir --patient` with a member ID nobody has.
    #[error("no patient has the member ID {0:?}")]
    NoSuchMember(String),
    /// The FHIR export stopped half-way; `what_became` says what became of
    /// the half-written bundle (removed, or already printed).
    #[error("{}{what_became}", clean(&.error.to_string()))]
    FhirExport {
        error: ExportError,
        what_became: String,
    },
    /// A report stopped half-way by the store; `what_became` says what
    /// became of what was written (removed, or already printed).
    #[error("{}{what_became}", clean(&.error.to_string()))]
    Unfinished {
        error: StoreError,
        what_became: String,
    },
}
