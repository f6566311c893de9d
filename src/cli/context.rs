//! What every command starts from: the clock, the settings, and which
//! database to open (and how, saying so when opening it rolled back an
//! interrupted change).

use std::path::{Path, PathBuf};

use super::error::{CliError, CliResult};
use crate::app::Settings;
use crate::clock::Clock;
use crate::config::{self, Config, Paths, ThemeName};
use crate::domain::role::Right;
use crate::store::{Access, OpenOptions, Store, StoreError};
use crate::team_install::as_user;
use crate::text::clean;

/// Said when opening a database rolled back a change that was interrupted.
pub(crate) const ROLLED_BACK: &str = "a change to it (an import, or a generated caseload) had \
     been interrupted, and was rolled back: nothing of that change is kept, the rest is as it was";

pub(crate) struct Context {
    pub clock: Clock,
    pub config: Config,
    /// `--db` (or `TEND_DB`).
    pub db: Option<PathBuf>,
    /// The user's folders, when there is a home directory.
    pub paths: Option<Paths>,
    /// `tend demo`: a throwaway database of its own.
    pub demo: bool,
}

impl Context {
    /// The clock (`TEND_NOW`), the config file (`--config`, else the
    /// user's), the note templates, and `NO_COLOR`.
    ///
    /// Who the user is comes from the system (the login of the real user
    /// id); the config's `user` may name someone else only on a database
    /// this account alone can read (or in the `demo`, whose database is
    /// its own), never on one it shares.
    pub fn new(
        db: Option<PathBuf>,
        config: Option<&Path>,
        paths: Option<Paths>,
        demo: bool,
    ) -> CliResult<Self> {
        let clock = Clock::from_env()?;
        // The user's own files, read with their own rights (see
        // `team_install`).
        let mut config = as_user(|| load_config(config, paths.as_ref()))?;
        let database = db.clone().or_else(|| paths.as_ref().map(Paths::default_db));
        if crate::team_install::current().is_some() && !demo {
            // On a team's install, always the login: never a display name
            // the config gives.
            config.user = config::login_name().unwrap_or_default();
        } else if let (false, Some(database)) = (demo, &database) {
            config.check_user_for(database, config::login_name().as_deref())?;
        }
        if let Some(paths) = &paths {
            config.templates = as_user(|| crate::templates::load(Some(&paths.templates_dir())))
                .map_err(CliError::Templates)?;
            // A broken instrument file is left out, said on the screen:
            // tend starts without it rather than not at all.
            config.instruments =
                as_user(|| crate::instruments::load(Some(&paths.instruments_dir())));
        }
        if std::env::var_os("NO_COLOR").is_some_and(|v| !v.is_empty()) {
            config.theme = ThemeName::Mono;
        }
        Ok(Context {
            clock,
            config,
            db,
            paths,
            demo,
        })
    }

    /// The database a command reads: `--db` (or `TEND_DB`), else the
    /// default.
    pub fn db_path(&self) -> CliResult<PathBuf> {
        match &self.db {
            Some(path) => Ok(path.clone()),
            None => Ok(self.paths.as_ref().ok_or(CliError::NoHome)?.default_db()),
        }
    }

    /// Opens the database for a command that needs `right`: it waits its
    /// turn behind other tend sessions' writes, saying so on a terminal.
    pub fn open_store(&self, path: &Path, create: bool, right: Right) -> CliResult<Store> {
        self.open(path, &OpenOptions::batch(create), &[right])
    }

    /// Opens it for the screen, where someone types: as for a command, and
    /// room is kept aside for when the disk fills, so a note or an audit row
    /// can still be written.
    pub fn open_for_screen(&self, path: &Path, create: bool) -> CliResult<Store> {
        let options = OpenOptions {
            hold_reserve: true,
            ..OpenOptions::batch(create)
        };
        // Charts, or (an auditor's screen) the audit trail alone.
        self.open(path, &options, &[Right::ReadCharts, Right::ReadAudit])
    }

    /// Refuses, before a command that reads the file without the store
    /// (`tend check`, `tend audit verify`), anyone who may not: on a team's
    /// database an active user whose role has `right`. A file the store
    /// cannot open at all (damaged, say) is left to the command to report.
    pub fn require_on(&self, path: &Path, right: Right) -> CliResult<()> {
        if !path.exists() {
            return Ok(());
        }
        match crate::store::access_of_file(path, &self.config.user) {
            Ok(access) => self.admit(&access, path, &[right]),
            Err(
                refused @ (StoreError::NotAUser { .. }
                | StoreError::Deactivated { .. }
                | StoreError::NotAllowed { .. }),
            ) => Err(refused.into()),
            // A file that cannot be read as a database is the command's
            // to report.
            Err(_) => Ok(()),
        }
    }

    /// A new database for `tend admin init`: made (on a team install too),
    /// nobody's yet until its first admin is added.
    pub fn open_new(&self, path: &Path) -> CliResult<Store> {
        Ok(Store::open(
            path,
            &self.config.user,
            self.clock,
            &OpenOptions::batch(true),
        )?)
    }

    /// The store opened with the user signed in (on a team's database, an
    /// active user whose role has `right`), having said if opening rolled
    /// back an interrupted change.
    fn open(&self, path: &Path, options: &OpenOptions, rights: &[Right]) -> CliResult<Store> {
        let team_install = self.team_install();
        let options = OpenOptions {
            // The team's database is made once, by `tend admin init`.
            create: options.create && !team_install,
            ..options.clone()
        };
        let mut store = Store::open(path, &self.config.user, self.clock, &options)?;
        store.set_calendar(self.config.calendar());
        store.set_loop_settings(self.config.loops.clone());
        store.sign_in()?;
        self.admit(store.access(), path, rights)?;
        if store.rolled_back_interrupted_change() {
            errln!(
                "tend: {}: {ROLLED_BACK}",
                clean(&path.display().to_string())
            );
        }
        Ok(store)
    }
}

impl Context {
    /// Whether this is a team install's tend opening the team's database
    /// (not `tend demo`'s own).
    fn team_install(&self) -> bool {
        crate::team_install::current().is_some() && !self.demo
    }

    /// Lets in, on the database at `path`, someone who stands there as
    /// `access` and whose role has one of `rights`: one sentence otherwise.
    fn admit(&self, access: &Access, path: &Path, rights: &[Right]) -> CliResult<()> {
        match access {
            // A database nobody manages is everyone's: never on a team's
            // install.
            Access::Own if self.team_install() => {
                Err(CliError::TeamDatabaseUnmanaged(path.to_path_buf()))
            }
            Access::Own => Ok(()),
            Access::User { role, .. } if rights.iter().any(|r| role.may(*r)) => Ok(()),
            Access::User { role, .. } => Err(StoreError::NotAllowed {
                role: *role,
                right: rights.first().copied().unwrap_or(Right::ReadCharts),
            }
            .into()),
            Access::Outsider { login } => Err(StoreError::NotAUser {
                login: login.clone(),
            }
            .into()),
        }
    }
}

fn load_config(explicit: Option<&Path>, paths: Option<&Paths>) -> CliResult<Config> {
    let login = config::login_name();
    let config = match (explicit, paths) {
        (Some(path), _) => Config::load(path, true, login),
        (None, Some(paths)) => Config::load(&paths.default_config(), false, login),
        (None, None) => Config::defaults(login),
    }?;
    // The keys are checked whatever the command, so a config is refused
    // (or taken) whole.
    Settings::from_config(&config)?;
    Ok(config)
}
