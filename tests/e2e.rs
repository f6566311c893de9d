//! End to end: the built `tend` binary in a real pseudo-terminal, driven by
//! key presses, with a vt100 parser as the screen the user sees.
//!
//! The tests wait for what a user would see, never for an amount of time:
//! the deadline only turns a broken build into a failure instead of a hang.
//! Like a terminal that honours synchronized output, the harness shows only
//! whole frames, so a test never reads a half-drawn screen.

use std::io::{Read, Write};
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, Mutex, MutexGuard};
use std::thread::JoinHandle;
use std::time::{Duration, Instant};

use portable_pty::{native_pty_system, Child, CommandBuilder, ExitStatus, MasterPty, PtySize};
use vt100::Screen;

/// "Now" for every test, so the demo caseload and its dates are fixed.
const NOW: &str = "2026-11-24T09:00:00-05:00";
/// How long to wait for something that normally takes a fraction of a second.
const DEADLINE: Duration = Duration::from_secs(20);
const POLL_EVERY: Duration = Duration::from_millis(20);

const TAB: &str = "\t";
const ENTER: &str = "\r";
const ESC: &str = "\x1b";

const CASELOAD: &str = "1 Caseload";
const PATIENT: &str = "2 Patient";
const CARE_PLAN: &str = "3 Care plan";
const TODAY: &str = "4 Today";
const PANES: [&str; 4] = [CASELOAD, PATIENT, CARE_PLAN, TODAY];

/// The status line's start: the demo badge, the user and "today".
const STATUS_START: &str = " DEMO  ccuser Tue 2026-11-24 │ ";

// ---------------------------------------------------------------------------
// The harness: tend in a pseudo-terminal.

/// How to start tend.
struct Options {
    cols: u16,
    rows: u16,
    no_color: bool,
    /// Whether the pty becomes tend's controlling terminal (as in a real
    /// terminal window); without one, closing the terminal sends no SIGHUP.
    controlling_tty: bool,
}

impl Options {
    fn new(cols: u16, rows: u16) -> Options {
        Options {
            cols,
            rows,
            no_color: false,
            controlling_tty: true,
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
}

const BEGIN_FRAME: &[u8] = b"\x1b[?2026h";
const END_FRAME: &[u8] = b"\x1b[?2026l";

impl Term {
    fn feed(&mut self, bytes: &[u8]) {
        self.parser.process(bytes);
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
struct Tend {
    child: Box<dyn Child + Send + Sync>,
    master: Option<Box<dyn MasterPty + Send>>,
    writer: Option<Box<dyn Write + Send>>,
    term: Arc<Mutex<Term>>,
    stop_reader: Arc<AtomicBool>,
    reader: Option<JoinHandle<()>>,
    /// HOME and TMPDIR, so config, data and the demo database are private.
    _home: tempfile::TempDir,
}

impl Tend {
    /// Starts `tend demo` in a terminal of the given size.
    fn demo(cols: u16, rows: u16) -> Tend {
        Tend::start(Options::new(cols, rows), &["demo"])
    }

    fn start(options: Options, args: &[&str]) -> Tend {
        let home = tempfile::tempdir().expect("a temporary home");
        let pair = native_pty_system()
            .openpty(PtySize {
                rows: options.rows,
                cols: options.cols,
                pixel_width: 0,
                pixel_height: 0,
            })
            .expect("a pseudo-terminal");

        let mut command = CommandBuilder::new(env!("CARGO_BIN_EXE_tend"));
        command.args(args);
        command.env_clear();
        command.env("PATH", std::env::var_os("PATH").unwrap_or_default());
        command.env("HOME", home.path());
        command.env("TMPDIR", home.path());
        command.env("USER", "ccuser");
        command.env("TERM", "xterm-256color");
        command.env("TEND_NOW", NOW);
        if options.no_color {
            command.env("NO_COLOR", "1");
        }
        command.cwd(home.path());
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
            _home: home,
        }
    }

    /// Types keys (raw bytes, as a terminal sends them).
    fn send(&mut self, keys: &str) {
        let writer = self.writer.as_mut().expect("the terminal is open");
        writer.write_all(keys.as_bytes()).expect("keys sent");
        writer.flush().expect("keys sent");
    }

    /// The screen as of the last complete frame.
    fn screen(&self) -> Screen {
        lock(&self.term).shown.clone()
    }

    /// Waits until the screen shows what `what` describes, and returns it.
    fn wait_for(&self, what: &str, ready: impl Fn(&Screen) -> bool) -> Screen {
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
    fn send_and_wait_for_frame(&mut self, keys: &str) {
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
    fn wait_for_panes(&self) -> Screen {
        self.wait_for("the four panes", |s| {
            PANES.iter().all(|title| find_pane(s, title).is_some()) && focused(s) == Some(CASELOAD)
        })
    }

    /// Waits for tend to exit, and returns how it did.
    fn wait_exit(&mut self) -> ExitStatus {
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
    fn resize(&mut self, cols: u16, rows: u16) {
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
    fn termios(&self) -> libc::termios {
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

    fn pid(&self) -> libc::pid_t {
        self.child.process_id().expect("tend's process id") as libc::pid_t
    }

    /// Closes the terminal, as when a terminal window or an SSH connection
    /// goes away.
    fn hang_up(&mut self) {
        self.stop_reading();
        self.writer = None;
        self.master = None;
    }

    fn stop_reading(&mut self) {
        self.stop_reader.store(true, Ordering::SeqCst);
        if let Some(reader) = self.reader.take() {
            let _ = reader.join();
        }
    }

    /// The screen for a failure message: the last whole frame, and what
    /// has arrived since if a frame is unfinished.
    fn describe(&self) -> String {
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

fn lock(term: &Mutex<Term>) -> MutexGuard<'_, Term> {
    term.lock().unwrap_or_else(|poisoned| poisoned.into_inner())
}

/// The screen, one row a line, for failure messages.
fn framed(screen: &Screen) -> String {
    let (rows, cols) = screen.size();
    (0..rows)
        .map(|row| format!("|{}", text(screen, row, 0, cols).trim_end()))
        .collect::<Vec<_>>()
        .join("\n")
}

// ---------------------------------------------------------------------------
// Reading the screen.

/// The cells `from..to` of a row as text: a wide character once, an empty
/// cell as a space.
fn text(screen: &Screen, row: u16, from: u16, to: u16) -> String {
    let mut text = String::new();
    for col in from..to {
        let Some(cell) = screen.cell(row, col) else {
            break;
        };
        if cell.is_wide_continuation() {
            continue;
        }
        if cell.has_contents() {
            text.push_str(&cell.contents());
        } else {
            text.push(' ');
        }
    }
    text
}

fn cell_is(screen: &Screen, row: u16, col: u16, any_of: &[&str]) -> bool {
    screen
        .cell(row, col)
        .is_some_and(|cell| any_of.contains(&cell.contents().as_str()))
}

/// The status line (the last row).
fn status_line(screen: &Screen) -> String {
    let (rows, cols) = screen.size();
    text(screen, rows - 1, 0, cols).trim_end().to_string()
}

/// The whole screen as words separated by single spaces, to find text
/// that may wrap.
fn words(screen: &Screen) -> String {
    screen
        .contents()
        .split_whitespace()
        .collect::<Vec<_>>()
        .join(" ")
}

/// A pane's border on screen.
#[derive(Debug, Clone, Copy)]
struct Pane {
    top: u16,
    left: u16,
    bottom: u16,
    right: u16,
    /// A thick border marks the focused pane.
    focused: bool,
}

impl Pane {
    /// The row of text in the border's top edge, after the corner.
    fn title(&self, screen: &Screen) -> String {
        text(screen, self.top, self.left + 1, self.right)
    }

    /// The screen rows inside the border.
    fn inner_rows(&self) -> std::ops::Range<u16> {
        self.top + 1..self.bottom
    }

    /// One row inside the border.
    fn line(&self, screen: &Screen, row: u16) -> String {
        text(screen, row, self.left + 1, self.right)
    }

    /// The rows inside the border, without trailing spaces.
    fn lines(&self, screen: &Screen) -> Vec<String> {
        self.inner_rows()
            .map(|row| self.line(screen, row).trim_end().to_string())
            .collect()
    }

    /// The row marked selected ("▶ ") and its text.
    fn selected(&self, screen: &Screen) -> Option<(u16, String)> {
        self.inner_rows()
            .map(|row| (row, self.line(screen, row)))
            .find(|(_, line)| line.starts_with("▶ "))
    }
}

/// Finds the pane whose title starts with `title` ("1 Caseload"): its
/// top-left corner is followed by " 1 Caseload ".
fn find_pane(screen: &Screen, title: &str) -> Option<Pane> {
    let (rows, cols) = screen.size();
    let label = format!(" {title} ");
    for top in 0..rows {
        for left in 0..cols {
            if !cell_is(screen, top, left, &["┌", "┏"]) {
                continue;
            }
            let after = text(screen, top, left + 1, cols);
            if !after.starts_with(&label) {
                continue;
            }
            let right = (left + 1..cols).find(|&c| cell_is(screen, top, c, &["┐", "┓"]))?;
            let bottom = (top + 1..rows).find(|&r| cell_is(screen, r, left, &["└", "┗"]))?;
            return Some(Pane {
                top,
                left,
                bottom,
                right,
                focused: cell_is(screen, top, left, &["┏"]),
            });
        }
    }
    None
}

/// The title of the focused pane.
fn focused(screen: &Screen) -> Option<&'static str> {
    PANES
        .into_iter()
        .find(|title| find_pane(screen, title).is_some_and(|pane| pane.focused))
}

/// What the caseload pane shows.
#[derive(Debug)]
struct Caseload {
    /// "mine" or "team".
    scope: String,
    /// How many patients the title counts.
    count: usize,
    /// The filter line's text, without "/ ".
    filter: Option<String>,
    /// The column headers.
    columns: Vec<String>,
    /// The names listed, as shown ("Family, Given").
    names: Vec<String>,
    /// The selected row's name.
    selected: Option<String>,
}

fn caseload(screen: &Screen) -> Option<Caseload> {
    let pane = find_pane(screen, CASELOAD)?;
    // " 1 Caseload mine 60 · by name ───"
    let title = pane.title(screen);
    let mut title_words = title
        .trim_start()
        .strip_prefix(CASELOAD)?
        .split_whitespace();
    let scope = title_words.next()?.to_string();
    let count = title_words.next()?.parse().ok()?;

    let mut filter = None;
    let mut header = None;
    for row in pane.inner_rows() {
        let line = pane.line(screen, row);
        if let Some(rest) = line.strip_prefix("/ ") {
            filter = Some(rest.trim_end().to_string());
        } else if line.trim_start().starts_with("Name ") {
            header = Some((row, line));
            break;
        }
    }
    let (header_row, header) = header?;
    let columns: Vec<String> = header.split_whitespace().map(String::from).collect();
    // The name is the cells from the header's "Name" to its next column.
    let name_start = header.find("Name")? as u16;
    let name_end =
        name_start + 4 + header[name_start as usize + 4..].find(|c: char| c != ' ')? as u16;

    let mut names = Vec::new();
    let mut selected = None;
    for row in header_row + 1..pane.bottom {
        let left = pane.left + 1;
        let name = text(screen, row, left + name_start, left + name_end)
            .trim()
            .to_string();
        if name.is_empty() {
            continue;
        }
        if text(screen, row, left, left + 2) == "▶ " {
            selected = Some(name.clone());
        }
        names.push(name);
    }
    Some(Caseload {
        scope,
        count,
        filter,
        columns,
        names,
        selected,
    })
}

/// The patient pane's first line: the patient's name ("Given Family").
fn patient_name(screen: &Screen) -> Option<String> {
    let pane = find_pane(screen, PATIENT)?;
    pane.lines(screen).into_iter().next()
}

/// "Family, Given" as the patient pane writes it: "Given Family".
fn given_family(listed: &str) -> String {
    match listed.split_once(", ") {
        Some((family, given)) => format!("{given} {family}"),
        None => listed.to_string(),
    }
}

/// Whether the terminal is back as it was before tend: the main screen,
/// the cursor shown.
fn restored(screen: &Screen) -> bool {
    !screen.alternate_screen() && !screen.hide_cursor()
}

fn assert_cooked(tend: &Tend) {
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

// ---------------------------------------------------------------------------
// The tests.

/// Start-up, moving between panes, opening a patient from the day's tasks,
/// filtering the caseload, help, and quitting with the terminal restored.
#[test]
fn walkthrough_at_80x24() {
    let mut tend = Tend::demo(80, 24);

    // Start-up: four panes, my 60 patients, focus on the caseload.
    let screen = tend.wait_for("the four panes and my 60 patients", |s| {
        PANES.iter().all(|title| find_pane(s, title).is_some())
            && caseload(s).is_some_and(|c| c.scope == "mine" && c.count == 60)
    });
    assert_eq!(focused(&screen), Some(CASELOAD));
    let status = status_line(&screen);
    assert!(status.starts_with(STATUS_START), "status line: {status:?}");
    assert!(
        status.contains("Enter open  / filter"),
        "status: {status:?}"
    );
    let today = find_pane(&screen, TODAY).unwrap().title(&screen);
    assert!(today.contains(" overdue · "), "Today's title: {today:?}");

    // Tab: the patient's record, whose keys the status line now shows.
    tend.send(TAB);
    let screen = tend.wait_for("focus on the patient", |s| focused(s) == Some(PATIENT));
    let status = status_line(&screen);
    assert!(status.starts_with(STATUS_START), "status line: {status:?}");
    assert!(status.ends_with("? help  q quit"), "status: {status:?}");
    assert!(!status.contains("Enter open"), "status: {status:?}");

    // 4: today's tasks.
    tend.send("4");
    let screen = tend.wait_for("focus on today's tasks", |s| focused(s) == Some(TODAY));
    let tasks = find_pane(&screen, TODAY).unwrap();
    let (first_row, _) = tasks.selected(&screen).expect("a task is selected");

    // j: the next task.
    tend.send("j");
    let screen = tend.wait_for("the second task selected", |s| {
        tasks
            .selected(s)
            .is_some_and(|(row, _)| row == first_row + 1)
    });
    let (_, task) = tasks.selected(&screen).unwrap();

    // Enter: that task's patient, in the patient pane and the caseload.
    tend.send(ENTER);
    let screen = tend.wait_for("the task's patient opened", |s| {
        focused(s) == Some(PATIENT)
            && caseload(s)
                .and_then(|c| c.selected)
                .is_some_and(|name| patient_name(s) == Some(given_family(&name)))
    });
    let listed = caseload(&screen).unwrap().selected.unwrap();
    let family = listed.split_once(", ").expect("\"Family, Given\"").0;
    // The task's row names its patient, perhaps shortened.
    let family_start: String = family.chars().take(8).collect();
    assert!(
        task.contains(&family_start),
        "the task {task:?} is not {listed:?}'s"
    );
    assert_eq!(patient_name(&screen), Some(given_family(&listed)));

    // 1, then /: a filter typed as you go narrows the caseload.
    tend.send("1");
    tend.wait_for("focus on the caseload", |s| focused(s) == Some(CASELOAD));
    let typed: String = family.chars().take(3).collect();
    tend.send("/");
    tend.send(&typed);
    let screen = tend.wait_for("the caseload filtered", |s| {
        caseload(s).is_some_and(|c| c.filter.as_deref() == Some(typed.as_str()) && c.count < 60)
    });
    let filtered = caseload(&screen).unwrap();
    assert!(filtered.count >= 1, "{filtered:?}");
    assert!(!filtered.names.is_empty(), "{filtered:?}");
    assert!(filtered.names.len() <= filtered.count, "{filtered:?}");
    for name in &filtered.names {
        assert!(
            name.to_lowercase().contains(&typed.to_lowercase()),
            "{name:?} is listed under the filter {typed:?}"
        );
    }
    assert!(
        filtered.names.contains(&listed),
        "{listed:?} is missing under the filter {typed:?}: {filtered:?}"
    );

    // Enter keeps the filter.
    tend.send(ENTER);
    let screen = tend.wait_for("the filter kept", |s| {
        caseload(s)
            .and_then(|c| c.filter)
            .is_some_and(|f| f.starts_with(&typed) && f.contains("Esc clears"))
    });
    let kept = caseload(&screen).unwrap();
    assert_eq!(kept.count, filtered.count);
    assert_eq!(kept.names, filtered.names);
    let selected = kept.selected.expect("a patient is selected");

    // Esc clears it, keeping the selected patient.
    tend.send(ESC);
    let screen = tend.wait_for("the filter cleared", |s| {
        caseload(s).is_some_and(|c| c.filter.is_none() && c.count == 60)
    });
    assert_eq!(caseload(&screen).unwrap().selected, Some(selected));

    // ?: the caseload's keys first, then those that work everywhere; at
    // 80x24 the list is longer than the overlay, and j scrolls it.
    tend.send("?");
    let mut screen = tend.wait_for("the help overlay", |s| words(s).contains("Keys · "));
    let help = words(&screen);
    assert!(help.contains("In Caseload"), "{help}");
    assert!(help.contains("filter by name or member ID"), "{help}");
    assert!(help.contains("Everywhere"), "{help}");
    for _ in 0..40 {
        if words(&screen).contains("quit tend") {
            break;
        }
        let before = words(&screen);
        tend.send("j");
        screen = tend.wait_for("the help scrolled", |s| words(s) != before);
    }
    assert!(
        words(&screen).contains("q quit tend"),
        "{}",
        framed(&screen)
    );
    tend.send("x");
    tend.wait_for("the help overlay closed", |s| {
        !words(s).contains("quit tend") && focused(s) == Some(CASELOAD)
    });

    // q: tend exits and the terminal is as it was.
    tend.send("q");
    let status = tend.wait_exit();
    assert!(status.success(), "tend exited with {status:?}");
    tend.wait_for("the main screen and the cursor back", restored);
    assert_cooked(&tend);
}

/// A larger terminal shows more: the member ID column.
#[test]
fn a_larger_terminal_shows_more_columns() {
    let mut tend = Tend::demo(120, 40);
    let screen = tend.wait_for_panes();
    let list = caseload(&screen).expect("the caseload");
    assert_eq!((list.scope.as_str(), list.count), ("mine", 60));
    assert!(
        list.columns.iter().any(|c| c == "Member"),
        "columns: {:?}",
        list.columns
    );
    let pane = find_pane(&screen, CASELOAD).unwrap();
    assert!(
        pane.lines(&screen).iter().any(|l| l.contains("SYN")),
        "no member IDs listed:\n{}",
        framed(&screen)
    );
    // More rows than at 80x24 (which lists 10).
    assert!(list.names.len() > 10, "{list:?}");

    // t: the whole team, then mine again.
    tend.send("t");
    let screen = tend.wait_for("the team's caseload", |s| {
        caseload(s).is_some_and(|c| c.scope == "team")
    });
    assert!(caseload(&screen).unwrap().count > 60);
    tend.send("t");
    tend.wait_for("my caseload again", |s| {
        caseload(s).is_some_and(|c| c.scope == "mine" && c.count == 60)
    });

    tend.send("q");
    assert!(tend.wait_exit().success());
}

/// SIGTERM (a shutdown, `kill`): tend exits and restores the terminal.
#[test]
fn sigterm_restores_the_terminal() {
    let mut tend = Tend::demo(80, 24);
    tend.wait_for_panes();
    assert!(tend.screen().alternate_screen());

    // SAFETY: signals only the process this test started.
    let sent = unsafe { libc::kill(tend.pid(), libc::SIGTERM) };
    assert_eq!(sent, 0, "kill: {}", std::io::Error::last_os_error());
    let status = tend.wait_exit();
    assert_eq!(
        status.exit_code(),
        128 + 15,
        "exits as a shell reports SIGTERM"
    );
    tend.wait_for("the main screen and the cursor back", restored);
    assert_cooked(&tend);
}

/// The terminal goes away (window closed, connection dropped): tend exits
/// rather than running on with nobody to see it.
#[test]
fn tend_exits_when_the_terminal_hangs_up() {
    let mut tend = Tend::demo(80, 24);
    tend.wait_for_panes();
    tend.hang_up();
    let status = tend.wait_exit();
    assert_eq!(
        status.exit_code(),
        128 + 1,
        "exits as a shell reports SIGHUP"
    );
}

/// The same without a controlling terminal, so no SIGHUP comes: tend must
/// notice the hang-up itself.
#[test]
fn tend_exits_when_the_terminal_hangs_up_without_sighup() {
    let mut options = Options::new(80, 24);
    options.controlling_tty = false;
    let mut tend = Tend::start(options, &["demo"]);
    tend.wait_for_panes();
    tend.hang_up();
    let status = tend.wait_exit();
    assert_eq!(
        status.exit_code(),
        128 + 1,
        "exits as a shell reports SIGHUP"
    );
}

/// NO_COLOR: no colour at all, and the selection still shows, in reverse
/// video.
#[test]
fn no_color_shows_the_selection_in_reverse_video() {
    let mut options = Options::new(80, 24);
    options.no_color = true;
    let mut tend = Tend::start(options, &["demo"]);
    let screen = tend.wait_for_panes();

    let pane = find_pane(&screen, CASELOAD).unwrap();
    let (row, line) = pane.selected(&screen).expect("a selected caseload row");
    for col in pane.left + 1..pane.right {
        let cell = screen.cell(row, col).unwrap();
        assert!(
            cell.inverse(),
            "the selected row {line:?} is not in reverse video at column {col}"
        );
    }
    // The other rows of the list are not.
    for other in pane.inner_rows().filter(|&r| r != row) {
        let cell = screen.cell(other, pane.left + 3).unwrap();
        assert!(!cell.inverse(), "row {other} is in reverse video too");
    }

    let (rows, cols) = screen.size();
    for r in 0..rows {
        for c in 0..cols {
            let cell = screen.cell(r, c).unwrap();
            assert_eq!(
                (cell.fgcolor(), cell.bgcolor()),
                (vt100::Color::Default, vt100::Color::Default),
                "a colour at row {r}, column {c} ({:?}) under NO_COLOR",
                cell.contents()
            );
        }
    }

    tend.send("q");
    assert!(tend.wait_exit().success());
}

/// A terminal smaller than 80x24 says so, and the panes come when it grows.
#[test]
fn a_small_terminal_asks_for_more_room_until_resized() {
    let mut tend = Tend::demo(60, 20);
    let screen = tend.wait_for("the terminal-too-small message", |s| {
        words(s).contains("needs a terminal of at least 80×24")
    });
    assert!(
        words(&screen).contains("this one is 60×20"),
        "{}",
        framed(&screen)
    );
    assert!(find_pane(&screen, CASELOAD).is_none());

    // tend starts listening for resizes only when its input thread first
    // reads (crossterm sets up its SIGWINCH handler then), a moment after
    // the first frame; a resize before that is lost (see
    // `a_resize_right_after_start_up_is_not_lost`). A key tend has read
    // shows it is listening. j moves the (hidden) caseload selection.
    tend.send_and_wait_for_frame("j");
    tend.resize(80, 24);
    let screen = tend.wait_for_panes();
    assert!(!words(&screen).contains("needs a terminal"));
    assert_eq!(caseload(&screen).map(|c| c.count), Some(60));

    tend.send("q");
    assert!(tend.wait_exit().success());
}

/// The too-small message says q quits, and it does.
#[test]
fn q_quits_from_a_small_terminal() {
    let mut tend = Tend::demo(60, 20);
    tend.wait_for("the terminal-too-small message", |s| {
        words(s).contains("press q to quit")
    });
    tend.send("q");
    assert!(tend.wait_exit().success());
    tend.wait_for("the main screen and the cursor back", restored);
    assert_cooked(&tend);
}

/// A window resized as soon as tend shows its first frame (as a tiling
/// window manager does to a new terminal) must still get the panes.
///
/// crossterm installs its SIGWINCH handler lazily, on the first look at
/// input; tend makes that look before measuring the terminal, so a resize
/// between the first frame and the first key is not lost.
#[test]
fn a_resize_right_after_start_up_is_not_lost() {
    for _ in 0..30 {
        let mut tend = Tend::demo(60, 20);
        tend.wait_for("the terminal-too-small message", |s| {
            words(s).contains("needs a terminal of at least 80×24")
        });
        tend.resize(80, 24);
        tend.wait_for_panes();
    }
}
