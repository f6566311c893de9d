//! The helpers every test file shares (`mod common;`), one copy each:
//!
//! - `in_process`: the app in-process (re-exported here): `open` a store at
//!   the tests' `NOW`, build an `app` over it, `press`, `ctrl`, `keys` and
//!   `typed` send it keys, `screen` draws it, `message` reads its status.
//! - this file: the end-to-end harness, the built `tend` binary in a real
//!   pseudo-terminal (`Tend`), driven by key presses, with a vt100 parser as
//!   the screen the user sees.
//! - `screen`: reading that screen (re-exported here): rows, panes, the
//!   caseload, the status line.
//!
//! The databases tests start from are in `tests/fixtures` (`mod fixtures;`,
//! which opens them with `common::open`).
//!
//! About the end-to-end harness:
//!
//! Tests wait for what a user would see, never for an amount of time: the
//! deadline only turns a broken build into a failure instead of a hang.
//! Like a terminal that honours synchronized output, the harness shows only
//! whole frames, so a test never reads a half-drawn screen.

// Each test file uses a different part of the harness.
#![allow(dead_code)]

pub mod account;
pub mod hl7;
pub mod in_process;
pub mod loops;
pub mod members;
pub mod screen;

use std::io::{Read, Write};
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, Mutex, MutexGuard};
use std::thread::JoinHandle;
use std::time::{Duration, Instant};

use portable_pty::{native_pty_system, Child, CommandBuilder, ExitStatus, MasterPty, PtySize};
use vt100::Screen;

// A test file that uses only part of the helpers leaves the rest unused.
#[allow(unused_imports)]
pub use account::Account;
#[allow(unused_imports)]
pub use in_process::*;
pub use screen::*;

/// Makes `home` a home whose config names the user `ccuser`: who tend's
/// user is comes from the system (the tests run as root, or whoever runs
/// them), and a config may name someone else on a database its account
/// alone can read, which every test database is.
pub fn home_as_ccuser(home: &std::path::Path) {
    let folder = home.join(".config/tend");
    std::fs::create_dir_all(&folder).unwrap();
    let config = folder.join("config.toml");
    if !config.exists() {
        std::fs::write(config, "user = \"ccuser\"\n").unwrap();
    }
}

/// "Now" for every test, so the demo caseload and its dates are fixed.
pub const NOW: &str = "2026-11-24T09:00:00-05:00";
/// How long to wait for something that normally takes a fraction of a second.
pub const DEADLINE: Duration = Duration::from_secs(20);
pub const POLL_EVERY: Duration = Duration::from_millis(20);

pub const TAB: &str = "\t";
pub const ENTER: &str = "\r";
pub const ESC: &str = "\x1b";

// ---------------------------------------------------------------------------
// The harness: tend in a pseudo-terminal.

/// How to start tend.
pub struct Options {
    pub cols: u16,
    pub rows: u16,
    pub no_color: bool,
    /// Whether the pty becomes tend's controlling terminal (as in a real
    /// terminal window); without one, closing the terminal sends no SIGHUP.
    pub controlling_tty: bool,
    /// The account tend runs as (uid, gid), through `setpriv`, when not
    /// the tests' own: for what depends on who the system says the user is.
    pub run_as: Option<(u32, u32)>,
}

impl Options {
    pub fn new(cols: u16, rows: u16) -> Options {
        Options {
            cols,
            rows,
            no_color: false,
            controlling_tty: true,
            run_as: None,
        }
    }
}

/// What the reader thread shares with the test.
struct Term {
    parser: vt100::Parser,
    /// The screen as of the last complete frame.
    shown: Screen,
    /// Whether the output is inside a synchronized update (a frame).
    in_frame: bool,
    /// How many frames have ended.
    frames: usize,
    /// The end of the previous read, to find a marker split across reads.
    tail: Vec<u8>,
    /// Everything tend wrote, for what passes without staying on screen
    /// (a progress bar cleared at the end).
    written: Vec<u8>,
}

const BEGIN_FRAME: &[u8] = b"\x1b[?2026h";
const END_FRAME: &[u8] = b"\x1b[?2026l";

impl Term {
    fn feed(&mut self, bytes: &[u8]) {
        self.parser.process(bytes);
        self.written.extend_from_slice(bytes);
        let mut seen = std::mem::take(&mut self.tail);
        seen.extend_from_slice(bytes);
        // The tail is shorter than a marker, so every marker found is new.
        self.frames += seen
            .windows(END_FRAME.len())
            .filter(|w| *w == END_FRAME)
            .count();
        // The last marker decides whether a frame is still being drawn.
        let last_begin = find_last(&seen, BEGIN_FRAME);
        let last_end = find_last(&seen, END_FRAME);
        match (last_begin, last_end) {
            (Some(b), Some(e)) => self.in_frame = b > e,
            (Some(_), None) => self.in_frame = true,
            (None, Some(_)) => self.in_frame = false,
            (None, None) => {}
        }
        let keep = seen.len().min(BEGIN_FRAME.len() - 1);
        self.tail = seen[seen.len() - keep..].to_vec();
        if !self.in_frame {
            self.shown = self.parser.screen().clone();
        }
    }
}

fn find_last(haystack: &[u8], needle: &[u8]) -> Option<usize> {
    haystack.windows(needle.len()).rposition(|w| w == needle)
}

/// tend running in a pseudo-terminal.
pub struct Tend {
    child: Box<dyn Child + Send + Sync>,
    master: Option<Box<dyn MasterPty + Send>>,
    writer: Option<Box<dyn Write + Send>>,
    term: Arc<Mutex<Term>>,
    stop_reader: Arc<AtomicBool>,
    reader: Option<JoinHandle<()>>,
    /// HOME and TMPDIR, so config, data and the demo database are private.
    home: std::path::PathBuf,
    /// The temporary folder behind `home`, when this session made it.
    _home_dir: Option<tempfile::TempDir>,
}

impl Tend {
    /// Starts `tend demo` in a terminal of the given size.
    pub fn demo(cols: u16, rows: u16) -> Tend {
        Tend::start(Options::new(cols, rows), &["demo"])
    }

    pub fn start(options: Options, args: &[&str]) -> Tend {
        let home = tempfile::tempdir().expect("a temporary home");
        let path = home.path().to_path_buf();
        let mut tend = Tend::start_in(options, args, path);
        tend._home_dir = Some(home);
        tend
    }

    /// Starts tend with `home` as its HOME and TMPDIR (another session's,
    /// to see what it left there).
    pub fn start_in(options: Options, args: &[&str], home: std::path::PathBuf) -> Tend {
        let pair = native_pty_system()
            .openpty(PtySize {
                rows: options.rows,
                cols: options.cols,
                pixel_width: 0,
                pixel_height: 0,
            })
            .expect("a pseudo-terminal");

        home_as_ccuser(&home);
        let mut command = match options.run_as {
            None => CommandBuilder::new(env!("CARGO_BIN_EXE_tend")),
            Some((uid, gid)) => {
                let mut command = CommandBuilder::new("setpriv");
                command.args([
                    format!("--reuid={uid}"),
                    format!("--regid={gid}"),
                    "--clear-groups".to_string(),
                    env!("CARGO_BIN_EXE_tend").to_string(),
                ]);
                command
            }
        };
        command.args(args);
        command.env_clear();
        command.env("PATH", std::env::var_os("PATH").unwrap_or_default());
        command.env("HOME", &home);
        command.env("TMPDIR", &home);
        command.env("USER", "ccuser");
        command.env("TERM", "xterm-256color");
        command.env("TEND_NOW", NOW);
        if options.no_color {
            command.env("NO_COLOR", "1");
        }
        command.cwd(&home);
        command.set_controlling_tty(options.controlling_tty);
        let child = pair.slave.spawn_command(command).expect("tend starts");
        // Only tend holds the terminal's side now, so once tend has gone
        // the reader sees the end (EIO) instead of waiting on for output.
        drop(pair.slave);

        let master = pair.master;
        let writer = master.take_writer().expect("the pty's writer");
        let mut reader = master.try_clone_reader().expect("the pty's reader");
        let fd = master.as_raw_fd().expect("the pty's descriptor");

        let parser = vt100::Parser::new(options.rows, options.cols, 0);
        let term = Arc::new(Mutex::new(Term {
            shown: parser.screen().clone(),
            parser,
            in_frame: false,
            frames: 0,
            tail: Vec::new(),
            written: Vec::new(),
        }));
        let stop_reader = Arc::new(AtomicBool::new(false));
        let reader_thread = {
            let term = Arc::clone(&term);
            let stop = Arc::clone(&stop_reader);
            std::thread::spawn(move || {
                // poll(2) before each read, so the thread can be stopped
                // (and its copy of the master closed) while tend is silent.
                // `fd` stays open until this thread has been joined.
                let mut buffer = [0u8; 16 * 1024];
                while !stop.load(Ordering::SeqCst) {
                    let mut pollfd = libc::pollfd {
                        fd,
                        events: libc::POLLIN,
                        revents: 0,
                    };
                    // SAFETY: one valid pollfd.
                    let ready = unsafe { libc::poll(&mut pollfd, 1, 20) };
                    if ready <= 0 {
                        continue;
                    }
                    match reader.read(&mut buffer) {
                        Ok(0) => break,
                        Ok(n) => lock(&term).feed(&buffer[..n]),
                        Err(e) if e.kind() == std::io::ErrorKind::Interrupted => {}
                        // EIO: tend has gone and its side of the terminal closed.
                        Err(_) => break,
                    }
                }
            })
        };

        Tend {
            child,
            master: Some(master),
            writer: Some(writer),
            term,
            stop_reader,
            reader: Some(reader_thread),
            home,
            _home_dir: None,
        }
    }

    /// The private HOME and TMPDIR tend runs with: `tend demo` keeps its
    /// database in a `tend-demo-*` folder here while it runs.
    pub fn home(&self) -> &std::path::Path {
        &self.home
    }

    /// Whether tend has written `text` at any time (it may be gone from the
    /// screen since).
    pub fn has_written(&self, text: &str) -> bool {
        let term = lock(&self.term);
        String::from_utf8_lossy(&term.written).contains(text)
    }

    /// Types keys (raw bytes, as a terminal sends them).
    pub fn send(&mut self, keys: &str) {
        let writer = self.writer.as_mut().expect("the terminal is open");
        writer.write_all(keys.as_bytes()).expect("keys sent");
        writer.flush().expect("keys sent");
    }

    /// The screen as of the last complete frame.
    pub fn screen(&self) -> Screen {
        lock(&self.term).shown.clone()
    }

    /// Waits until the screen shows what `what` describes, and returns it.
    pub fn wait_for(&self, what: &str, ready: impl Fn(&Screen) -> bool) -> Screen {
        let started = Instant::now();
        loop {
            let screen = self.screen();
            if ready(&screen) {
                return screen;
            }
            if started.elapsed() > DEADLINE {
                panic!(
                    "gave up waiting for {what}; the screen shows:\n{}",
                    self.describe()
                );
            }
            std::thread::sleep(POLL_EVERY);
        }
    }

    /// Sends keys and waits until tend has drawn after them: proof that it
    /// is reading keys, even when they change nothing on screen.
    pub fn send_and_wait_for_frame(&mut self, keys: &str) {
        let before = lock(&self.term).frames;
        self.send(keys);
        let started = Instant::now();
        while lock(&self.term).frames == before {
            if started.elapsed() > DEADLINE {
                panic!(
                    "tend drew nothing after {keys:?}; the screen shows:\n{}",
                    self.describe()
                );
            }
            std::thread::sleep(POLL_EVERY);
        }
    }

    /// Waits for the first frame at least 80x24: all four panes, focus on
    /// the caseload.
    pub fn wait_for_panes(&self) -> Screen {
        self.wait_for("the four panes", |s| {
            PANES.iter().all(|title| find_pane(s, title).is_some()) && focused(s) == Some(CASELOAD)
        })
    }

    /// Waits for tend to exit, and returns how it did.
    pub fn wait_exit(&mut self) -> ExitStatus {
        let started = Instant::now();
        loop {
            if let Some(status) = self.child.try_wait().expect("tend's status") {
                return status;
            }
            if started.elapsed() > DEADLINE {
                panic!(
                    "tend is still running; the screen shows:\n{}",
                    self.describe()
                );
            }
            std::thread::sleep(POLL_EVERY);
        }
    }

    /// Resizes the terminal, as a user dragging the window would.
    pub fn resize(&mut self, cols: u16, rows: u16) {
        lock(&self.term).parser.set_size(rows, cols);
        self.master
            .as_ref()
            .expect("the terminal is open")
            .resize(PtySize {
                rows,
                cols,
                pixel_width: 0,
                pixel_height: 0,
            })
            .expect("the pty resized");
    }

    /// The terminal's modes (the master and the terminal share them).
    pub fn termios(&self) -> libc::termios {
        let fd = self
            .master
            .as_ref()
            .and_then(|m| m.as_raw_fd())
            .expect("the terminal is open");
        // SAFETY: termios is plain data, filled in by tcgetattr.
        let mut termios: libc::termios = unsafe { std::mem::zeroed() };
        let result = unsafe { libc::tcgetattr(fd, &mut termios) };
        assert_eq!(result, 0, "tcgetattr: {}", std::io::Error::last_os_error());
        termios
    }

    pub fn pid(&self) -> libc::pid_t {
        self.child.process_id().expect("tend's process id") as libc::pid_t
    }

    /// Closes the terminal, as when a terminal window or an SSH connection
    /// goes away.
    pub fn hang_up(&mut self) {
        self.stop_reading();
        // portable-pty's writer, when dropped, types a newline and the EOF
        // character (Ctrl-D) so that a program reading lines sees the end of
        // its input. tend, in raw mode, would read them as two keys and
        // draw as the terminal goes away, and fail on the closed terminal
        // (exit status 1, not 129) when the draw comes after the close. A
        // window closing types nothing: with no EOF character, nor does the
        // writer.
        let mut termios = self.termios();
        termios.c_cc[libc::VEOF] = 0;
        let fd = self
            .master
            .as_ref()
            .and_then(|m| m.as_raw_fd())
            .expect("the terminal is open");
        // SAFETY: termios is the terminal's own, read by tcgetattr.
        let result = unsafe { libc::tcsetattr(fd, libc::TCSANOW, &termios) };
        assert_eq!(result, 0, "tcsetattr: {}", std::io::Error::last_os_error());
        self.writer = None;
        self.master = None;
    }

    pub fn stop_reading(&mut self) {
        self.stop_reader.store(true, Ordering::SeqCst);
        if let Some(reader) = self.reader.take() {
            let _ = reader.join();
        }
    }

    /// The screen for a failure message: the last whole frame, and what
    /// has arrived since if a frame is unfinished.
    pub fn describe(&self) -> String {
        let term = lock(&self.term);
        let mut text = framed(&term.shown);
        if term.in_frame {
            text.push_str("\n(an unfinished frame follows)\n");
            text.push_str(&framed(term.parser.screen()));
        }
        text
    }
}

impl Drop for Tend {
    fn drop(&mut self) {
        if let Ok(None) = self.child.try_wait() {
            // SAFETY: signals only the process this test started.
            unsafe { libc::kill(self.pid(), libc::SIGKILL) };
            let _ = self.child.wait();
        }
        self.stop_reading();
    }
}

/// Starts tend at 80x24 over the database at `path`, made by
/// `fixtures::zoe_db`, and waits until it shows the four panes with Zoë
/// Testa selected in the caseload.
pub fn start_on_zoe(path: &std::path::Path) -> Tend {
    let tend = Tend::start(Options::new(80, 24), &["--db", path.to_str().unwrap()]);
    tend.wait_for("the caseload with Zoë Testa selected", |s| {
        PANES.iter().all(|title| find_pane(s, title).is_some())
            && caseload(s).is_some_and(|c| c.selected.as_deref() == Some("Testa, Zoë"))
    });
    tend
}

fn lock(term: &Mutex<Term>) -> MutexGuard<'_, Term> {
    term.lock().unwrap_or_else(|poisoned| poisoned.into_inner())
}

/// Whether the terminal is back as it was before tend: the main screen,
/// the cursor shown.
pub fn restored(screen: &Screen) -> bool {
    !screen.alternate_screen() && !screen.hide_cursor()
}

pub fn assert_cooked(tend: &Tend) {
    let termios = tend.termios();
    assert!(
        termios.c_lflag & libc::ICANON != 0,
        "the terminal is left without line editing (ICANON off)"
    );
    assert!(
        termios.c_lflag & libc::ECHO != 0,
        "the terminal is left without echo (ECHO off)"
    );
}

/// What schema version 17 adds, taken away: for the tests that make a file
/// of an earlier version out of a new one (each such test takes away what
/// every later version added, then sets the version).
#[allow(dead_code)]
pub const UNDO_V17: &str = "DROP INDEX task_by_patient; DROP INDEX task_by_goal;
    DROP INDEX patient_flag_of_patient; DROP INDEX glass_by_patient;
    DROP INDEX adt_message_by_patient; DROP INDEX referral_by_goal;";

/// What schema version 18 adds, taken away (as [`UNDO_V17`]; run it first).
#[allow(dead_code)]
pub const UNDO_V18: &str = "DROP INDEX task_open_by_rank; DROP INDEX patient_by_given_name;
    DROP TRIGGER task_open_day_insert; DROP TRIGGER task_open_day_delete;
    DROP TRIGGER task_open_day_update; DROP TABLE open_task_day;";

/// What schema version 19 adds, taken away (as [`UNDO_V17`]; run it first).
#[allow(dead_code)]
pub const UNDO_V19: &str = "DROP INDEX patient_sort_keys;";

/// What schema version 20 adds, taken away (as [`UNDO_V17`]; run it first).
#[allow(dead_code)]
pub const UNDO_V20: &str = "DROP TRIGGER patient_bucket_insert; DROP TRIGGER patient_bucket_delete;
    DROP TRIGGER patient_bucket_update; DROP TABLE caseload_bucket;";

/// What schema version 21 changes, taken back (as [`UNDO_V17`]; run it
/// first): the name indexes without the orders' keys.
#[allow(dead_code)]
pub const UNDO_V21: &str = "DROP INDEX patient_by_name; DROP INDEX patient_by_given_name;
    CREATE INDEX patient_by_name
        ON patient (family_name COLLATE NOCASE, given_name COLLATE NOCASE);
    CREATE INDEX patient_by_given_name ON patient (given_name COLLATE NOCASE);";

/// What schema versions 22 and 23 change, taken back (as [`UNDO_V17`];
/// run it first): the links of rows to the systems they came from (which
/// version 23 made again to link tasks too).
#[allow(dead_code)]
pub const UNDO_V22: &str = "DROP TABLE import_source;";
