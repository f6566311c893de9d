//! The app in-process: a store opened at the tests' "now", an `App` built
//! over it, key presses sent to it one by one, and its screen drawn through
//! ratatui's `TestBackend`. Faster than the binary in a pseudo-terminal
//! (`Tend`), and able to look at the app's state as well as its screen.
//!
//! The builders differ only in what their tests need from the start (the
//! size of the screen, whether the detail panes follow the selection at
//! once, the pane in focus); each says so in its name, so a test that
//! imports one under a shorter name (`use common::app_on_today as app;`)
//! still says at the top which one it uses.

use std::path::Path;

use chrono::NaiveDate;
use crossterm::event::{KeyCode, KeyEvent, KeyModifiers};
use ratatui::backend::TestBackend;
use ratatui::Terminal;
use tend::app::Settings;
use tend::app::{App, Message};
use tend::clock::Clock;
use tend::store::{OpenOptions, Store};

use super::NOW;

/// The tests' clock: always `NOW`, Tuesday 24 November 2026, 09:00 in
/// New York, so due dates and "overdue" never depend on the day a test runs.
pub fn clock() -> Clock {
    Clock::parse(NOW).unwrap()
}

/// The tests' today, the date of `NOW`.
pub fn today() -> NaiveDate {
    NaiveDate::from_ymd_opt(2026, 11, 24).unwrap()
}

/// Opens (creating if need be) the store at `path` as `user`, at `NOW`.
pub fn open(path: &Path, user: &str) -> Store {
    let options = OpenOptions {
        create: true,
        ..OpenOptions::default()
    };
    Store::open(path, user, clock(), &options).unwrap()
}

/// ccuser's default settings: what a user without a config file gets. The
/// detail panes follow a moved selection only once it rests
/// (`detail_delay`), as in the binary.
pub fn settings() -> Settings {
    Settings::defaults("ccuser")
}

/// ccuser's default settings, except that the detail panes follow the
/// selection at once: for tests that draw right after their keys and want
/// the panes to have caught up (the delay has tests of its own).
pub fn settings_at_once() -> Settings {
    let mut config = settings();
    config.detail_delay = std::time::Duration::ZERO;
    config
}

/// The app over `path` as ccuser with `config`, not in demo mode, at
/// `cols`x`rows`.
pub fn app_with(path: &Path, config: &Settings, cols: u16, rows: u16) -> App {
    let mut app = App::new(open(path, "ccuser"), config, false).unwrap();
    app.resize(cols, rows);
    app
}

/// The app over `path` as ccuser, at 100x30, with the default settings
/// (the detail panes follow a moved selection once it rests).
pub fn app(path: &Path) -> App {
    app_with(path, &settings(), 100, 30)
}

/// The app over `path` as ccuser, at 80x24 (the smallest screen tend
/// draws, where a form must still fit), the detail panes following the
/// selection at once.
pub fn app_80x24_at_once(path: &Path) -> App {
    app_with(path, &settings_at_once(), 80, 24)
}

/// The app over `path` as ccuser, at 120x40 with the default settings, and
/// `4` pressed: Today in focus, where triage happens.
pub fn app_on_today(path: &Path) -> App {
    let mut app = app_with(path, &settings(), 120, 40);
    press(&mut app, KeyCode::Char('4'));
    app
}

/// One key, without modifiers.
pub fn press(app: &mut App, code: KeyCode) {
    app.handle_key(KeyEvent::new(code, KeyModifiers::NONE));
}

/// One key with Ctrl held.
pub fn ctrl(app: &mut App, c: char) {
    app.handle_key(KeyEvent::new(KeyCode::Char(c), KeyModifiers::CONTROL));
}

/// Types `text` one character key at a time; every character, `\r` and
/// `\t` included, arrives as that character (`KeyCode::Char`).
pub fn keys(app: &mut App, text: &str) {
    for c in text.chars() {
        press(app, KeyCode::Char(c));
    }
}

/// Types `text` as a terminal sends it: `\r` arrives as Enter and `\t` as
/// Tab, every other character as itself. For a whole form filled in one
/// string (`"Testa\tZoë\r"`).
pub fn typed(app: &mut App, text: &str) {
    for c in text.chars() {
        let code = match c {
            '\r' => KeyCode::Enter,
            '\t' => KeyCode::Tab,
            c => KeyCode::Char(c),
        };
        press(app, code);
    }
}

/// The app's screen as text, drawn at its size: one line a row, each
/// cell's symbol in turn.
pub fn screen(app: &mut App) -> String {
    let (w, h) = app.size;
    let mut terminal = Terminal::new(TestBackend::new(w, h)).unwrap();
    terminal.draw(|f| tend::ui::render(app, f)).unwrap();
    let buffer = terminal.backend().buffer();
    let mut out = String::new();
    for y in 0..buffer.area.height {
        for x in 0..buffer.area.width {
            out.push_str(buffer[(x, y)].symbol());
        }
        out.push('\n');
    }
    out
}

/// The message on the status line (information or error alike), or "".
pub fn message(app: &App) -> String {
    match &app.message {
        Some(Message::Info(m) | Message::Error(m)) => m.clone(),
        None => String::new(),
    }
}
