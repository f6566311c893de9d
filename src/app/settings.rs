//! What the app runs with. The command line builds it once from the config
//! file (`Settings::from_config`), so that the app neither reads the file
//! nor the environment, and config knows nothing of the app: the `[keys]`
//! the file holds are names and key strings until they are applied here,
//! to the keymap, and checked for conflicts.

use std::path::PathBuf;
use std::time::Duration;

use super::keymap::{Key, Keymap};
pub use crate::config::ThemeName;
use crate::config::{Config, ConfigError, Paths};
use crate::domain::note::FollowUpRules;
use crate::domain::urgency::UrgencyWeights;
use crate::templates::Template;

#[derive(Debug, Clone)]
pub struct Settings {
    /// Who the user is: written into every audit row; "my patients" are theirs.
    pub user: String,
    pub theme: ThemeName,
    pub upcoming_days: u32,
    /// How long a selection rests before the detail panes follow it.
    pub detail_delay: Duration,
    /// How long the screen may go without a key before it locks.
    pub lock_after: Duration,
    /// Where `E` writes care plans: the configured folder, else the
    /// `exports` folder in tend's data folder; `None` when there is no home
    /// folder to put it in.
    pub export_dir: Option<PathBuf>,
    pub urgency: UrgencyWeights,
    pub follow_up: FollowUpRules,
    pub templates: Vec<Template>,
    /// The screening instruments, and the files left out.
    pub instruments: crate::instruments::Loaded,
    /// The safety steps and when screenings are due again.
    pub screening: crate::domain::screening::ScreeningSettings,
    pub keymap: Keymap,
    /// How the hospitals' ADT feed is read: a queued message matched by a
    /// supervisor is read again with it.
    pub adt: crate::hl7::plan::FeedSettings,
    /// Business days, for the dates the rules set (`[transitions]`).
    pub calendar: crate::domain::business_days::Calendar,
}

impl Settings {
    /// The settings of a config, its `[keys]` applied to the default
    /// keymap: a key tend does not know, a letter bound where text is
    /// typed, or two bindings on one key in one layer is an error naming
    /// the file, line and key.
    pub fn from_config(config: &Config) -> Result<Settings, ConfigError> {
        let path = config
            .source
            .clone()
            .unwrap_or_else(|| PathBuf::from("config.toml"));
        let invalid = |line: usize, key: String, message: String| ConfigError::Invalid {
            path: path.clone(),
            line,
            key: Some(key),
            message,
        };
        let mut keymap = Keymap::default();
        for rebound in &config.keys {
            let key_path = format!("keys.{}", rebound.name);
            let keys = rebound
                .keys
                .iter()
                .map(|t| Key::parse(t))
                .collect::<Result<Vec<_>, _>>()
                .map_err(|m| invalid(rebound.line, key_path.clone(), m))?;
            keymap
                .set_keys(&rebound.name, keys)
                .map_err(|m| invalid(rebound.line, key_path.clone(), m))?;
        }
        if let Some(conflict) = keymap.conflict() {
            return Err(invalid(config.keys_line, "keys".into(), conflict));
        }
        Ok(Settings {
            user: config.user.clone(),
            theme: config.theme,
            upcoming_days: config.upcoming_days,
            detail_delay: config.detail_delay,
            lock_after: config.lock_after,
            export_dir: config
                .export_dir
                .clone()
                .or_else(|| Paths::from_env().map(|paths| paths.data_dir.join("exports"))),
            urgency: config.urgency.clone(),
            follow_up: config.follow_up.clone(),
            templates: config.templates.clone(),
            instruments: config.instruments.clone(),
            screening: config.screening.clone(),
            keymap,
            adt: config.adt.clone(),
            calendar: config.calendar(),
        })
    }

    /// The settings with nothing configured, for `user`.
    pub fn defaults(user: &str) -> Settings {
        let config = Config::defaults(Some(user.to_string()))
            .expect("the defaults need nothing but a user name");
        Settings::from_config(&config).expect("the default keymap has no conflicts")
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::config::{DEFAULT_DETAIL_DELAY_MS, DEFAULT_UPCOMING_DAYS};
    use std::path::Path;

    fn parse_settings(text: &str) -> Result<Settings, ConfigError> {
        let config = Config::parse(
            text,
            Path::new("/home/cc/.config/tend/config.toml"),
            Some("login".into()),
        )?;
        Settings::from_config(&config)
    }

    #[test]
    fn rebound_keys_are_applied() {
        let settings =
            parse_settings("[keys]\nquit = \"Q\"\nmove_down = [\"j\", \"ctrl-n\"]\n").unwrap();
        assert_eq!(settings.keymap.keys_of("quit"), Some(&[Key::char('Q')][..]));
        assert_eq!(
            settings.keymap.keys_of("move_down").map(<[Key]>::len),
            Some(2)
        );
    }

    #[test]
    fn a_letter_bound_in_the_editor_names_the_line() {
        let err = parse_settings("[keys]\neditor_sign = \"s\"\n")
            .unwrap_err()
            .to_string();
        assert!(err.contains("line 2, key `keys.editor_sign`"), "{err}");
        assert!(err.contains("types text"), "{err}");
    }

    #[test]
    fn bad_key_overrides_name_the_line_and_the_action() {
        let err = parse_settings("[keys]\nquit = \"q\"\nfly = \"f\"\n")
            .unwrap_err()
            .to_string();
        assert!(err.contains("line 3, key `keys.fly`"), "{err}");
        assert!(err.contains("not an action"), "{err}");
        let err = parse_settings("[keys]\nquit = \"hyper-q\"\n")
            .unwrap_err()
            .to_string();
        assert!(err.contains("line 2, key `keys.quit`"), "{err}");
        let err = parse_settings("[keys]\nquit = 5\n")
            .unwrap_err()
            .to_string();
        assert!(
            err.contains(
                "line 2, key `keys.quit`: invalid type: integer `5`, expected a key such as"
            ),
            "{err}"
        );
        let err = parse_settings("[keys]\nquit = \"j\"\n")
            .unwrap_err()
            .to_string();
        assert!(err.contains("bound to both quit and move_down"), "{err}");
    }

    const EXAMPLE: &str = include_str!("../../config.example.toml");

    #[test]
    fn the_example_config_is_valid_and_gives_the_defaults() {
        let config =
            Config::parse(EXAMPLE, Path::new("config.example.toml"), Some("me".into())).unwrap();
        assert_eq!(config.theme, ThemeName::Default);
        assert_eq!(config.upcoming_days, DEFAULT_UPCOMING_DAYS);
        assert_eq!(
            config.detail_delay,
            Duration::from_millis(DEFAULT_DETAIL_DELAY_MS)
        );
        assert_eq!(
            config.urgency,
            UrgencyWeights::default(),
            "the documented weights are the defaults"
        );
    }

    #[test]
    fn the_example_documents_every_setting_and_every_action() {
        for setting in [
            "user",
            "theme",
            "upcoming_days",
            "detail_delay_ms",
            "export_dir",
            "[urgency]",
            "[follow_up]",
            "[keys]",
        ] {
            assert!(EXAMPLE.contains(setting), "{setting} undocumented");
        }
        let keymap = Keymap::default();
        {
            for binding in keymap.all() {
                let line = format!("# {} = ", binding.name);
                assert!(EXAMPLE.contains(&line), "{} undocumented", binding.name);
            }
        }
    }

    #[test]
    fn the_documented_defaults_are_the_real_defaults() {
        // Uncommenting every key line must change nothing.
        let uncommented: String = EXAMPLE
            .lines()
            .map(|l| match l.strip_prefix("# ") {
                Some(rest)
                    if rest.split_once(" = ").is_some_and(|(name, _)| {
                        name != "user" && name.chars().all(|c| c.is_ascii_lowercase() || c == '_')
                    }) =>
                {
                    rest
                }
                _ => l,
            })
            .collect::<Vec<_>>()
            .join("\n");
        let config = Config::parse(&uncommented, Path::new("x.toml"), Some("me".into())).unwrap();
        let config = Settings::from_config(&config).unwrap();
        let defaults = Keymap::default();
        {
            for binding in defaults.all() {
                assert_eq!(
                    config.keymap.keys_of(binding.name),
                    Some(binding.keys.as_slice()),
                    "{}",
                    binding.name
                );
            }
        }
    }
}
