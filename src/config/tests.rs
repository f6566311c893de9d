//! The config file's tests: values read, defaults, and each refusal
//! naming its line and key.
use super::*;

fn parse(text: &str) -> Result<Config, ConfigError> {
    Config::parse(
        text,
        Path::new("/home/cc/.config/tend/config.toml"),
        Some("login".into()),
    )
}

#[test]
fn an_empty_config_gives_the_documented_defaults() {
    let config = parse("").unwrap();
    assert_eq!(config.user, "login");
    assert_eq!(config.theme, ThemeName::Default);
    assert_eq!(config.upcoming_days, 7);
}

#[test]
fn settings_are_read() {
    let config = parse(
        "user = \"cc-test\"\ntheme = \"mono\"\nupcoming_days = 3\n[keys]\nquit = \"Q\"\nmove_down = [\"j\", \"ctrl-n\"]\n",
    )
    .unwrap();
    assert_eq!(config.user, "cc-test");
    assert_eq!(config.theme, ThemeName::Mono);
    assert_eq!(config.upcoming_days, 3);
    assert_eq!(
        config.keys,
        [
            KeyRebinding {
                name: "move_down".into(),
                keys: vec!["j".into(), "ctrl-n".into()],
                line: 6
            },
            KeyRebinding {
                name: "quit".into(),
                keys: vec!["Q".into()],
                line: 5
            },
        ]
    );
}

#[test]
fn a_wrong_type_names_file_line_and_key() {
    let err = parse("user = \"cc\"\n\nupcoming_days = \"three\"\n").unwrap_err();
    let text = err.to_string();
    assert!(
        text.starts_with("/home/cc/.config/tend/config.toml, line 3, key `upcoming_days`: "),
        "{text}"
    );
    assert!(text.contains("expected u32"), "{text}");
}

#[test]
fn an_unknown_setting_is_refused_with_its_line() {
    let err = parse("theme = \"mono\"\ncolour = \"blue\"\n").unwrap_err();
    let text = err.to_string();
    assert!(text.contains("line 2"), "{text}");
    assert!(text.contains("unknown field `colour`"), "{text}");
}

#[test]
fn an_unknown_theme_is_refused() {
    let err = parse("theme = \"neon\"\n").unwrap_err().to_string();
    assert!(err.contains("line 1, key `theme`"), "{err}");
    assert!(err.contains("neon"), "{err}");
}

#[test]
fn out_of_range_and_syntax_errors_are_located() {
    let err = parse("upcoming_days = 0\n").unwrap_err().to_string();
    assert!(
        err.contains("line 1, key `upcoming_days`: 0 is out of range"),
        "{err}"
    );
    let err = parse("user = \"cc\"\ntheme = \n").unwrap_err().to_string();
    assert!(err.contains("line 2"), "{err}");
    let err = parse("user = \"cc\"\ndetail_delay_ms = 5000\n")
        .unwrap_err()
        .to_string();
    assert!(
        err.contains("line 2, key `detail_delay_ms`: 5000 is out of range: use 0 to 1000"),
        "{err}"
    );
    let config = parse("detail_delay_ms = 0\n").unwrap();
    assert!(config.detail_delay.is_zero());
}

#[test]
fn the_screen_locks_after_at_most_thirty_minutes() {
    assert_eq!(parse("").unwrap().lock_after, Duration::from_secs(15 * 60));
    assert_eq!(
        parse("lock_after_minutes = 30\n").unwrap().lock_after,
        Duration::from_secs(30 * 60)
    );
    assert_eq!(
        parse("lock_after_minutes = 0.5\n").unwrap().lock_after,
        Duration::from_secs(30)
    );
    for bad in ["45", "0", "-1"] {
        let err = parse(&format!("user = \"cc\"\nlock_after_minutes = {bad}\n"))
            .unwrap_err()
            .to_string();
        assert!(
            err.contains(&format!(
                "line 2, key `lock_after_minutes`: {bad} is out of range: use more than 0 \
                 and at most 30 minutes (an idle screen must lock)"
            )),
            "{err}"
        );
    }
}

#[test]
fn a_missing_default_file_is_fine_but_a_named_one_is_not() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("config.toml");
    assert!(Config::load(&path, false, Some("login".into())).is_ok());
    let err = Config::load(&path, true, Some("login".into())).unwrap_err();
    assert!(
        err.to_string().starts_with("cannot read the config file "),
        "{err}"
    );
}

#[test]
fn without_a_login_name_the_user_must_be_configured() {
    let err = Config::parse("", Path::new("c.toml"), None).unwrap_err();
    assert!(err.to_string().contains("set `user`"), "{err}");
}

#[test]
fn loops_settings_are_read_and_out_of_range_ones_located() {
    let config = parse("[loops]\nappeal_days = 90\nreminder_days_before = 1\n").unwrap();
    assert_eq!(config.loops.appeal_days, 90);
    assert_eq!(config.loops.reminder_days_before, 1);
    assert_eq!(config.loops.pending_business_days, 5);
    let err = parse("user = \"x\"\n[loops]\nno_response_business_days = 0\n").unwrap_err();
    assert_eq!(
        err.to_string(),
        "/home/cc/.config/tend/config.toml, line 3, key `loops.no_response_business_days`: \
         [loops] no_response_business_days must be from 1 to 30 business days; it is 0"
    );
}
