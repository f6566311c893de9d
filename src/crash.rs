//! What happens when tend panics: the terminal is restored first, the report
//! (with a backtrace) goes to a file in the state directory rather than over
//! the screen, and one line on stderr says where it is.
//!
//! The panic's message is left out of the report, only where it happened
//! and the backtrace are kept: a message can quote the text being handled
//! (the standard library's slicing panics do), and that text may be
//! patient data.

use std::path::{Path, PathBuf};

use chrono::Utc;

pub fn install_panic_hook(state_dir: Option<PathBuf>) {
    // Always capture a backtrace: the report is read later, by someone else.
    if std::env::var_os("RUST_BACKTRACE").is_none() {
        std::env::set_var("RUST_BACKTRACE", "1");
    }
    let (panic_hook, eyre_hook) = color_eyre::config::HookBuilder::blank()
        .theme(color_eyre::config::Theme::new())
        .panic_message(WhereOnly)
        .add_default_filters()
        .display_env_section(false)
        .into_hooks();
    let _ = eyre_hook.install();
    std::panic::set_hook(Box::new(move |info| {
        // The report is the user's own file: never written with a team's
        // rights (see `team_install`), and nothing else happens after it.
        crate::team_install::drop_for_good();
        crate::tui::restore_terminal();
        let report = format!(
            "tend {} crashed at {}\n\n{}",
            env!("CARGO_PKG_VERSION"),
            Utc::now().to_rfc3339(),
            panic_hook.panic_report(info)
        );
        match state_dir.as_deref().and_then(|dir| write_report(dir, &report)) {
            Some(path) => eprintln!(
                "tend stopped because of an internal error. The report is in {}; \
                 please send it to the tend team. Every change made before this was saved.",
                path.display()
            ),
            None => eprintln!(
                "tend stopped because of an internal error (the report could not be saved).\n{report}"
            ),
        }
    }));
}

/// The panic section of a report: where it happened, never what it said.
struct WhereOnly;

#[allow(deprecated)] // color-eyre 0.6 still names std's PanicInfo
impl color_eyre::section::PanicMessage for WhereOnly {
    fn display(
        &self,
        info: &std::panic::PanicInfo<'_>,
        f: &mut std::fmt::Formatter<'_>,
    ) -> std::fmt::Result {
        match info.location() {
            Some(at) => write!(f, "tend panicked at {}:{}", at.file(), at.line()),
            None => write!(f, "tend panicked"),
        }
    }
}

fn write_report(dir: &Path, report: &str) -> Option<PathBuf> {
    crate::private::folder(dir).ok()?;
    let path = dir.join(format!(
        "crash-{}-{}.txt",
        Utc::now().format("%Y%m%dT%H%M%S"),
        std::process::id()
    ));
    let mut file = crate::private::file(&path, crate::private::Open::New).ok()?;
    std::io::Write::write_all(&mut file, report.as_bytes()).ok()?;
    Some(path)
}
