//! `config.toml` and where tend's files live.
//!
//! Every setting is documented in `config.example.toml`. A config that cannot
//! be read or has a wrong key or type stops tend with a message naming the
//! file, line and key: tend never starts with half a config.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::time::Duration;

use directories::ProjectDirs;
use serde::Deserialize;

use crate::domain::note::FollowUpRules;
use crate::domain::urgency::UrgencyWeights;
use crate::templates::Template;

/// How many days ahead "upcoming" means, unless configured.
pub const DEFAULT_UPCOMING_DAYS: u32 = 7;

/// Long enough to let a run of `j` presses pass over patients without
/// sending each one's record down a slow link (key repeat and a laggy link
/// space keys 30 to 100 ms apart), short enough to feel immediate.
pub const DEFAULT_DETAIL_DELAY_MS: u64 = 150;
/// Minutes without a key before the screen locks, unless configured.
pub const DEFAULT_LOCK_AFTER_MINUTES: f64 = 15.0;
/// The longest a screen may be left open without locking.
pub const MAX_LOCK_AFTER_MINUTES: f64 = 30.0;

/// Colour themes.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize, Default)]
#[serde(rename_all = "kebab-case")]
pub enum ThemeName {
    /// The 16 ANSI colours, which every terminal has.
    #[default]
    Default,
    /// No colours: reverse video and bold only. `NO_COLOR` selects it too.
    Mono,
}

/// A key or a list of keys in `[keys]`.
#[derive(Debug, Clone)]
struct KeyList(Vec<String>);

impl<'de> Deserialize<'de> for KeyList {
    fn deserialize<D: serde::Deserializer<'de>>(deserializer: D) -> Result<KeyList, D::Error> {
        struct Visitor;
        impl<'de> serde::de::Visitor<'de> for Visitor {
            type Value = KeyList;

            fn expecting(&self, f: &mut std::fmt::Formatter) -> std::fmt::Result {
                f.write_str(r#"a key such as "q", or a list such as ["q", "ctrl-c"]"#)
            }

            fn visit_str<E: serde::de::Error>(self, key: &str) -> Result<KeyList, E> {
                Ok(KeyList(vec![key.to_string()]))
            }

            fn visit_seq<A: serde::de::SeqAccess<'de>>(
                self,
                mut seq: A,
            ) -> Result<KeyList, A::Error> {
                let mut keys = Vec::new();
                while let Some(key) = seq.next_element::<String>()? {
                    keys.push(key);
                }
                Ok(KeyList(keys))
            }
        }
        deserializer.deserialize_any(Visitor)
    }
}

/// The file as written.
#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields, default)]
struct ConfigFile {
    user: Option<String>,
    theme: ThemeName,
    upcoming_days: Option<u32>,
    detail_delay_ms: Option<u64>,
    lock_after_minutes: Option<f64>,
    export_dir: Option<PathBuf>,
    fhir_member_id: Option<String>,
    urgency: UrgencyWeights,
    follow_up: FollowUpRules,
    adt: crate::hl7::plan::FeedSettings,
    transitions: crate::domain::business_days::TransitionSettings,
    loops: crate::domain::loops::LoopSettings,
    screening: crate::domain::screening::ScreeningSettings,
    keys: BTreeMap<String, toml::Spanned<KeyList>>,
}

/// The settings tend runs with.
#[derive(Debug, Clone)]
pub struct Config {
    /// Who the user is: written into every audit row; "my patients" are theirs.
    pub user: String,
    /// The line of the file's `user`, when it names one (see
    /// [`Config::check_user_for`]).
    pub user_line: Option<usize>,
    pub theme: ThemeName,
    pub upcoming_days: u32,
    /// How long the selection rests in the caseload before the patient and
    /// care-plan panes follow it (`detail_delay_ms`; zero: at once).
    pub detail_delay: Duration,
    /// How long the screen may go without a key before it locks
    /// (`lock_after_minutes`).
    pub lock_after: Duration,
    /// Where `E` writes care plans (`export_dir`); unset: the `exports`
    /// folder in tend's data folder.
    pub export_dir: Option<PathBuf>,
    /// The identifier system whose value is the member ID in FHIR from
    /// other systems (`fhir_member_id`; `tend import fhir --member-id`).
    pub fhir_member_id: Option<String>,
    /// How today's tasks are ranked (`[urgency]`).
    pub urgency: UrgencyWeights,
    /// What is proposed after a note is signed (`[follow_up]`).
    pub follow_up: FollowUpRules,
    /// How the hospitals' ADT feed is read (`[adt]`).
    pub adt: crate::hl7::plan::FeedSettings,
    /// How transition clocks count business days (`[transitions]`).
    pub transitions: crate::domain::business_days::TransitionSettings,
    /// How long referrals, appointments and prior authorizations wait
    /// before their next step is due (`[loops]`).
    pub loops: crate::domain::loops::LoopSettings,
    /// The safety steps shown when a screening finds a risk, and when
    /// screenings are due again (`[screening]`).
    pub screening: crate::domain::screening::ScreeningSettings,
    /// Note templates: the shipped ones, and the user's once loaded.
    pub templates: Vec<Template>,
    /// Screening instruments: the shipped ones, and the user's once
    /// loaded, with the files left out and why.
    pub instruments: crate::instruments::Loaded,
    /// The `[keys]` table as written: applied to the keymap (and checked)
    /// by the app's settings, which know the keys.
    pub keys: Vec<KeyRebinding>,
    /// The line of `[keys]`, for a conflict between rebindings.
    pub keys_line: usize,
    /// The file the settings came from, if any.
    pub source: Option<PathBuf>,
}

/// One line of `[keys]`: a binding's name and the keys it is given.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct KeyRebinding {
    pub name: String,
    pub keys: Vec<String>,
    /// Where it is in the file.
    pub line: usize,
}

#[derive(Debug, thiserror::Error)]
pub enum ConfigError {
    #[error("cannot read the config file {path}: {source}")]
    Unreadable {
        path: PathBuf,
        source: std::io::Error,
    },
    #[error("{path}, line {line}{}: {message}", key.as_ref().map(|k| format!(", key `{k}`")).unwrap_or_default())]
    Invalid {
        path: PathBuf,
        line: usize,
        key: Option<String>,
        message: String,
    },
    #[error("no user name: set `user` in {0} (the login name could not be read)")]
    NoUser(String),
}

impl Config {
    /// The clocks' business days: federal holidays and the program's own.
    pub fn calendar(&self) -> crate::domain::business_days::Calendar {
        crate::domain::business_days::Calendar::new(self.transitions.holidays.iter().copied())
    }

    /// The settings with nothing configured.
    pub fn defaults(login_name: Option<String>) -> Result<Config, ConfigError> {
        Config::from_file(ConfigFile::default(), None, "", login_name)
    }

    /// Reads `path`. A missing file is an error only when `required` (the
    /// user named it); the default file may simply not exist yet.
    pub fn load(
        path: &Path,
        required: bool,
        login_name: Option<String>,
    ) -> Result<Config, ConfigError> {
        let text = match std::fs::read_to_string(path) {
            Ok(text) => text,
            Err(e) if e.kind() == std::io::ErrorKind::NotFound && !required => {
                return Config::defaults(login_name);
            }
            Err(source) => {
                return Err(ConfigError::Unreadable {
                    path: path.to_path_buf(),
                    source,
                })
            }
        };
        Config::parse(&text, path, login_name)
    }

    /// Parses config text that came from `path`.
    pub fn parse(
        text: &str,
        path: &Path,
        login_name: Option<String>,
    ) -> Result<Config, ConfigError> {
        let deserializer = toml::Deserializer::new(text);
        let file: ConfigFile = serde_path_to_error::deserialize(deserializer).map_err(|e| {
            // serde_path_to_error names toml's span wrapper; users wrote only the key.
            let key = e
                .path()
                .to_string()
                .split('.')
                .filter(|part| !part.starts_with("$__"))
                .collect::<Vec<_>>()
                .join(".");
            let inner = e.into_inner();
            ConfigError::Invalid {
                path: path.to_path_buf(),
                line: inner.span().map_or(1, |span| line_of(text, span.start)),
                key: (key != "." && !key.is_empty()).then_some(key),
                message: inner.message().trim().to_string(),
            }
        })?;
        Config::from_file(file, Some(path), text, login_name)
    }

    fn from_file(
        file: ConfigFile,
        path: Option<&Path>,
        text: &str,
        login_name: Option<String>,
    ) -> Result<Config, ConfigError> {
        let shown_path = path.map_or_else(|| PathBuf::from("config.toml"), Path::to_path_buf);
        let invalid = |line: usize, key: String, message: String| ConfigError::Invalid {
            path: shown_path.clone(),
            line,
            key: Some(key),
            message,
        };
        let user_line = file.user.as_ref().map(|_| find_key_line(text, "user"));
        let user = match file.user.map(|u| u.trim().to_string()) {
            Some(u) if !u.is_empty() => u,
            Some(_) => {
                let line = find_key_line(text, "user");
                return Err(invalid(line, "user".into(), "must not be empty".into()));
            }
            None => login_name
                .filter(|n| !n.is_empty())
                .ok_or_else(|| ConfigError::NoUser(shown_path.display().to_string()))?,
        };
        let upcoming_days = file.upcoming_days.unwrap_or(DEFAULT_UPCOMING_DAYS);
        if !(1..=90).contains(&upcoming_days) {
            let line = find_key_line(text, "upcoming_days");
            return Err(invalid(
                line,
                "upcoming_days".into(),
                format!("{upcoming_days} is out of range: use 1 to 90 days"),
            ));
        }

        let detail_delay_ms = file.detail_delay_ms.unwrap_or(DEFAULT_DETAIL_DELAY_MS);
        if detail_delay_ms > 1000 {
            let line = find_key_line(text, "detail_delay_ms");
            return Err(invalid(
                line,
                "detail_delay_ms".into(),
                format!("{detail_delay_ms} is out of range: use 0 to 1000 milliseconds"),
            ));
        }

        let lock_after_minutes = file
            .lock_after_minutes
            .unwrap_or(DEFAULT_LOCK_AFTER_MINUTES);
        // At most 30: a screen left open on a desk must lock (HIPAA's
        // automatic logoff); a fraction of a minute is allowed, for a
        // demonstration or a test.
        if !(lock_after_minutes > 0.0 && lock_after_minutes <= MAX_LOCK_AFTER_MINUTES) {
            let line = find_key_line(text, "lock_after_minutes");
            return Err(invalid(
                line,
                "lock_after_minutes".into(),
                format!(
                    "{lock_after_minutes} is out of range: use more than 0 and at most \
                     {MAX_LOCK_AFTER_MINUTES} minutes (an idle screen must lock)"
                ),
            ));
        }

        if let Err((key, message)) = file.loops.check() {
            let line = find_key_line(text, key);
            return Err(invalid(line, format!("loops.{key}"), message));
        }
        if let Err((key, message)) = file.screening.check() {
            let line = find_key_line(text, key);
            return Err(invalid(line, format!("screening.{key}"), message));
        }

        if !(1..=30).contains(&file.follow_up.retry_in_business_days) {
            let line = find_key_line(text, "retry_in_business_days");
            return Err(invalid(
                line,
                "follow_up.retry_in_business_days".into(),
                format!(
                    "{} is out of range: use 1 to 30 business days",
                    file.follow_up.retry_in_business_days
                ),
            ));
        }

        let keys = file
            .keys
            .iter()
            .map(|(name, spanned)| KeyRebinding {
                name: name.clone(),
                keys: spanned.get_ref().0.clone(),
                line: line_of(text, spanned.span().start),
            })
            .collect();

        Ok(Config {
            user,
            user_line,
            theme: file.theme,
            upcoming_days,
            detail_delay: Duration::from_millis(detail_delay_ms),
            lock_after: Duration::from_secs_f64(lock_after_minutes * 60.0),
            export_dir: file.export_dir.filter(|p| !p.as_os_str().is_empty()),
            fhir_member_id: file.fhir_member_id.filter(|s| !s.trim().is_empty()),
            urgency: file.urgency,
            follow_up: file.follow_up,
            adt: file.adt,
            transitions: file.transitions,
            loops: file.loops,
            screening: file.screening,
            templates: crate::templates::load(None).unwrap_or_default(),
            instruments: crate::instruments::load(None),
            keys,
            keys_line: find_key_line(text, "[keys]"),
            source: path.map(Path::to_path_buf),
        })
    }
}

impl Config {
    /// Refuses a `user` the file names that is not the login, on a
    /// database other accounts can change: there, who you are comes from
    /// the system. On a database this account owns alone (or one not made
    /// yet, which tend makes private), or in the demo, the file may name
    /// anyone: every row in it is this account's own work.
    pub fn check_user_for(&self, db: &Path, login: Option<&str>) -> Result<(), ConfigError> {
        let Some(line) = self.user_line else {
            return Ok(());
        };
        if login == Some(self.user.as_str()) || owned_alone(db) {
            return Ok(());
        }
        Err(ConfigError::Invalid {
            path: self
                .source
                .clone()
                .unwrap_or_else(|| PathBuf::from("config.toml")),
            line,
            key: Some("user".into()),
            message: format!(
                "names {:?}, but {} is not this account's alone, and there who you are comes \
                 from the system: you are {}; remove the key (it may name someone only on a \
                 database no other account can change)",
                self.user,
                db.display(),
                login.unwrap_or("an account without a name")
            ),
        })
    }
}

/// Whether the file at `path` belongs to this account (the real user id)
/// and no other account may change it: then every row in it is this
/// account's own, whatever name the config gives. True for a file not made
/// yet (tend makes it private).
fn owned_alone(path: &Path) -> bool {
    use std::os::unix::fs::MetadataExt;
    match std::fs::metadata(path) {
        // SAFETY: getuid has no preconditions and cannot fail.
        Ok(meta) => meta.uid() == unsafe { libc::getuid() } && meta.mode() & 0o022 == 0,
        Err(e) => e.kind() == std::io::ErrorKind::NotFound,
    }
}

/// The 1-based line of a byte offset.
fn line_of(text: &str, offset: usize) -> usize {
    text[..offset.min(text.len())].matches('\n').count() + 1
}

/// The line where `key` is first written, for errors found after parsing.
fn find_key_line(text: &str, key: &str) -> usize {
    text.lines()
        .position(|l| l.trim_start().starts_with(key))
        .map_or(1, |i| i + 1)
}

/// The login name, the default `user`: the name of the account tend runs
/// as, from the password database (the real user id), never `$USER` or
/// `$LOGNAME`, which anyone can set.
pub fn login_name() -> Option<String> {
    account_name()
}

/// Whether the system knows an account by this login (the password
/// database, as `getpwnam_r(3)` reads it: files, LDAP, whatever the
/// server is set up with).
pub fn account_exists(login: &str) -> bool {
    let Ok(name) = std::ffi::CString::new(login) else {
        return false;
    };
    let mut buffer = vec![0 as libc::c_char; 4096];
    let mut entry: libc::passwd = unsafe { std::mem::zeroed() };
    let mut found: *mut libc::passwd = std::ptr::null_mut();
    // SAFETY: getpwnam_r reads the NUL-terminated name and writes only into
    // `entry` and `buffer`, whose sizes are given.
    let status = unsafe {
        libc::getpwnam_r(
            name.as_ptr(),
            &mut entry,
            buffer.as_mut_ptr(),
            buffer.len(),
            &mut found,
        )
    };
    status == 0 && !found.is_null()
}

fn account_name() -> Option<String> {
    let mut buffer = vec![0 as libc::c_char; 4096];
    let mut entry: libc::passwd = unsafe { std::mem::zeroed() };
    let mut found: *mut libc::passwd = std::ptr::null_mut();
    // SAFETY: getpwuid_r writes only into `entry` and `buffer`, whose sizes
    // are given; `found` is non-null only when `entry` was filled.
    let status = unsafe {
        libc::getpwuid_r(
            libc::getuid(),
            &mut entry,
            buffer.as_mut_ptr(),
            buffer.len(),
            &mut found,
        )
    };
    if status != 0 || found.is_null() || entry.pw_name.is_null() {
        return None;
    }
    // SAFETY: pw_name points into `buffer`, NUL-terminated by getpwuid_r.
    let name = unsafe { std::ffi::CStr::from_ptr(entry.pw_name) };
    Some(name.to_string_lossy().into_owned()).filter(|n| !n.is_empty())
}

/// Where tend keeps its files, from the XDG directories.
#[derive(Debug, Clone)]
pub struct Paths {
    pub data_dir: PathBuf,
    pub config_dir: PathBuf,
    pub state_dir: PathBuf,
}

impl Paths {
    pub fn from_env() -> Option<Paths> {
        let dirs = ProjectDirs::from("", "", "tend")?;
        Some(Paths {
            data_dir: dirs.data_dir().to_path_buf(),
            config_dir: dirs.config_dir().to_path_buf(),
            state_dir: dirs
                .state_dir()
                .unwrap_or_else(|| dirs.data_local_dir())
                .to_path_buf(),
        })
    }

    pub fn default_db(&self) -> PathBuf {
        self.data_dir.join("tend.db")
    }

    pub fn default_config(&self) -> PathBuf {
        self.config_dir.join("config.toml")
    }

    /// The user's own note templates.
    pub fn templates_dir(&self) -> PathBuf {
        self.config_dir.join("templates")
    }

    /// The program's own screening instruments (TOML files).
    pub fn instruments_dir(&self) -> PathBuf {
        self.config_dir.join("instruments")
    }
}

#[cfg(test)]
mod tests;
