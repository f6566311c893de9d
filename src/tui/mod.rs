//! The terminal: set-up and restore, the event loop, signals, and noticing
//! when the terminal has gone away.
//!
//! Slow links pay for every byte: tend draws only after an input, a resize
//! or a change in the database, never on an idle screen; each frame is
//! wrapped in synchronized output and leaves in one write.

mod compact;
mod input;
#[cfg(test)]
mod walk_tests;

use std::io::{self, Stdout, Write};
use std::os::fd::{AsRawFd, RawFd};
use std::sync::atomic::{AtomicBool, AtomicUsize, Ordering};
use std::sync::{mpsc, Arc};
use std::time::{Duration, Instant};

use crossterm::event::{self, DisableBracketedPaste, EnableBracketedPaste, Event, KeyEventKind};
use crossterm::terminal::{
    self, BeginSynchronizedUpdate, EndSynchronizedUpdate, EnterAlternateScreen,
    LeaveAlternateScreen,
};
use crossterm::{cursor, execute, queue};
use ratatui::Terminal;

use crate::app::App;
use compact::CompactBackend;
use input::{EscJoiner, ESC_GRACE};

/// How long the loop sleeps when nothing happens: the most a signal or a
/// hang-up waits to be noticed.
const IDLE_WAIT: Duration = Duration::from_millis(250);

/// How long, after a terminating signal, tend keeps taking keys that were
/// typed just before it.
const SIGNAL_DRAIN: Duration = Duration::from_millis(50);

/// How often the database is checked for other sessions' changes.
const REFRESH_EVERY: Duration = Duration::from_millis(750);

/// Whether tend has the terminal in raw mode on the alternate screen, so the
/// panic hook knows whether there is anything to restore.
static TERMINAL_ACTIVE: AtomicBool = AtomicBool::new(false);

/// Why the screen closed.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Exit {
    Quit,
    /// SIGTERM, SIGHUP, SIGINT or SIGQUIT.
    Signal(i32),
    /// The terminal went away (its reads fail or it hung up).
    Hangup,
}

/// Collects frames and sends each in one write: ratatui's own flush is held
/// back until the frame, wrapped in synchronized output, is complete.
struct FrameWriter<W: Write> {
    buffer: Vec<u8>,
    out: W,
}

impl<W: Write> Write for FrameWriter<W> {
    fn write(&mut self, bytes: &[u8]) -> io::Result<usize> {
        self.buffer.extend_from_slice(bytes);
        Ok(bytes.len())
    }

    fn flush(&mut self) -> io::Result<()> {
        Ok(())
    }
}

impl<W: Write> FrameWriter<W> {
    fn new(out: W) -> FrameWriter<W> {
        FrameWriter {
            buffer: Vec::with_capacity(64 * 1024),
            out,
        }
    }

    fn send(&mut self) -> io::Result<()> {
        if self.buffer.is_empty() {
            return Ok(());
        }
        let result = self
            .out
            .write_all(&self.buffer)
            .and_then(|_| self.out.flush());
        self.buffer.clear();
        result
    }
}

type Term<W> = Terminal<CompactBackend<FrameWriter<W>>>;

/// Draws one frame, wrapped in synchronized output, and sends it in one write.
fn draw_frame<W: Write>(terminal: &mut Term<W>, app: &App) -> io::Result<()> {
    queue!(terminal.backend_mut(), BeginSynchronizedUpdate)?;
    terminal.draw(|frame| crate::ui::render(app, frame))?;
    let backend = terminal.backend_mut();
    queue!(backend, EndSynchronizedUpdate)?;
    backend.writer_mut().send()
}

/// Owns the terminal while the screen is up and restores it when dropped,
/// however the screen ends.
struct Screen {
    terminal: Term<Stdout>,
}

impl Screen {
    fn enter() -> io::Result<Screen> {
        terminal::enable_raw_mode()?;
        TERMINAL_ACTIVE.store(true, Ordering::SeqCst);
        let mut out = io::stdout();
        execute!(
            out,
            EnterAlternateScreen,
            cursor::Hide,
            EnableBracketedPaste
        )?;
        let terminal = Terminal::new(CompactBackend::new(FrameWriter::new(out)))?;
        Ok(Screen { terminal })
    }

    fn draw(&mut self, app: &App) -> io::Result<()> {
        draw_frame(&mut self.terminal, app)
    }
}

impl Drop for Screen {
    fn drop(&mut self) {
        let _ = self.terminal.backend_mut().writer_mut().send();
        restore_terminal();
    }
}

/// Puts the terminal back as tend found it: main screen, cursor shown,
/// cooked mode. Safe to call more than once, and from the panic hook.
pub fn restore_terminal() {
    if TERMINAL_ACTIVE.swap(false, Ordering::SeqCst) {
        let mut out = io::stdout();
        let _ = execute!(
            out,
            EndSynchronizedUpdate,
            DisableBracketedPaste,
            LeaveAlternateScreen,
            cursor::Show
        );
        let _ = terminal::disable_raw_mode();
    }
}

/// Records the last terminating signal received.
struct Signals {
    last: Arc<AtomicUsize>,
}

impl Signals {
    fn register() -> io::Result<Signals> {
        use signal_hook::consts::{SIGHUP, SIGINT, SIGQUIT, SIGTERM};
        let last = Arc::new(AtomicUsize::new(0));
        for signal in [SIGTERM, SIGHUP, SIGINT, SIGQUIT] {
            signal_hook::flag::register_usize(signal, Arc::clone(&last), signal as usize)?;
        }
        Ok(Signals { last })
    }

    fn take(&self) -> Option<i32> {
        match self.last.swap(0, Ordering::SeqCst) {
            0 => None,
            signal => Some(signal as i32),
        }
    }
}

/// Notices a terminal that has hung up. crossterm (0.28 and 0.29 alike)
/// retries a read that returns EOF or EIO forever, so its reader cannot
/// tell us; poll(2) on the terminal reports the hang-up without consuming
/// input.
struct HangupWatch {
    fd: Option<RawFd>,
    _tty: Option<std::fs::File>,
}

impl HangupWatch {
    fn new() -> HangupWatch {
        if unsafe { libc::isatty(libc::STDIN_FILENO) } == 1 {
            return HangupWatch {
                fd: Some(libc::STDIN_FILENO),
                _tty: None,
            };
        }
        match std::fs::File::open("/dev/tty") {
            Ok(tty) => HangupWatch {
                fd: Some(tty.as_raw_fd()),
                _tty: Some(tty),
            },
            Err(_) => HangupWatch {
                fd: None,
                _tty: None,
            },
        }
    }

    fn hung_up(&self) -> bool {
        let Some(fd) = self.fd else {
            return false;
        };
        let mut pollfd = libc::pollfd {
            fd,
            events: libc::POLLIN,
            revents: 0,
        };
        // SAFETY: one valid pollfd, no waiting.
        let ready = unsafe { libc::poll(&mut pollfd, 1, 0) };
        ready > 0 && pollfd.revents & (libc::POLLHUP | libc::POLLERR | libc::POLLNVAL) != 0
    }
}

/// Shows the app until the user quits, a signal arrives or the terminal goes
/// away. The terminal is restored before this returns.
pub fn run(app: &mut App) -> io::Result<Exit> {
    let signals = Signals::register()?;
    let hangup = HangupWatch::new();
    let mut screen = Screen::enter()?;

    // crossterm installs its SIGWINCH handler on the first look at input;
    // do that here, before measuring the terminal, so a resize that comes
    // right after start-up is not lost.
    event::poll(Duration::ZERO)?;

    // Reading runs on its own thread so the loop can notice signals and a
    // hang-up while no key comes. A read error ends the thread, which the
    // loop sees as the terminal going away.
    let (events, received) = mpsc::channel();
    std::thread::Builder::new()
        .name("tend-input".into())
        .spawn(move || {
            while let Ok(event) = event::read() {
                if events.send(event).is_err() {
                    break;
                }
            }
        })?;

    let size = screen.terminal.size()?;
    app.resize(size.width, size.height);
    screen.draw(app)?;

    let mut joiner = EscJoiner::default();
    // When the joiner began holding an Esc.
    let mut held_since: Option<Instant> = None;
    let mut last_refresh = Instant::now();
    loop {
        // A held Esc is released once its grace has passed since it came,
        // however often the loop wakes meanwhile (the detail panes' timer
        // may fall inside the grace, and must not split an arrow key).
        let mut wait = match held_since {
            Some(since) => ESC_GRACE.saturating_sub(since.elapsed()),
            None => IDLE_WAIT,
        };
        if let Some(due) = app.detail_due() {
            wait = wait.min(due.saturating_duration_since(Instant::now()));
        }
        let mut dirty = false;
        match received.recv_timeout(wait) {
            Ok(event) => {
                // Take everything that has arrived before drawing once.
                let mut next = Some(event);
                while let Some(event) = next {
                    dirty |= handle_event(app, &mut joiner, event);
                    if app.should_quit() {
                        return Ok(Exit::Quit);
                    }
                    next = received.try_recv().ok();
                }
            }
            Err(mpsc::RecvTimeoutError::Timeout) => {
                if held_since.is_some_and(|since| since.elapsed() >= ESC_GRACE) {
                    for key in joiner.flush() {
                        app.handle_key(key);
                        dirty = true;
                    }
                }
            }
            Err(mpsc::RecvTimeoutError::Disconnected) => return Ok(Exit::Hangup),
        }
        held_since = match (joiner.is_holding(), held_since) {
            (false, _) => None,
            (true, Some(since)) => Some(since),
            (true, None) => Some(Instant::now()),
        };
        if let Some(signal) = signals.take() {
            // Keys already typed (read, or about to be) go into the note
            // before tend saves it and ends.
            while let Ok(event) = received.recv_timeout(SIGNAL_DRAIN) {
                handle_event(app, &mut joiner, event);
            }
            for key in joiner.flush() {
                app.handle_key(key);
            }
            return Ok(Exit::Signal(signal));
        }
        if hangup.hung_up() {
            return Ok(Exit::Hangup);
        }
        if app.should_quit() {
            return Ok(Exit::Quit);
        }
        dirty |= app.lock_if_idle(Instant::now());
        dirty |= app.settle_detail_at(Instant::now());
        if last_refresh.elapsed() >= REFRESH_EVERY {
            last_refresh = Instant::now();
            dirty |= app.tick();
        }
        if dirty {
            if let Err(error) = screen.draw(app) {
                // Drawing on a terminal that has hung up fails with EIO: that
                // is the terminal going away, not a fault of tend's.
                if error.raw_os_error() == Some(libc::EIO) || hangup.hung_up() {
                    return Ok(Exit::Hangup);
                }
                return Err(error);
            }
        }
    }
}

/// Returns whether the event may have changed the screen.
fn handle_event(app: &mut App, joiner: &mut EscJoiner, event: Event) -> bool {
    match event {
        Event::Key(key) if key.kind == KeyEventKind::Press => {
            let keys = joiner.feed(key);
            let any = !keys.is_empty();
            for key in keys {
                app.handle_key(key);
                if app.should_quit() {
                    break;
                }
            }
            any
        }
        Event::Resize(width, height) => {
            app.resize(width, height);
            true
        }
        Event::Paste(text) => {
            app.paste(&text);
            true
        }
        _ => false,
    }
}

#[cfg(test)]
pub(super) mod tests {
    use std::sync::{Arc, Mutex};

    use crossterm::event::{KeyCode, KeyEvent, KeyModifiers};
    use ratatui::layout::Rect;
    use ratatui::{TerminalOptions, Viewport};

    use super::*;
    use crate::app::Settings;
    use crate::clock::Clock;
    use crate::store::{OpenOptions, Store};
    use crate::synth::{self, GenParams};

    /// Records each write the terminal would receive.
    #[derive(Clone, Default)]
    pub(super) struct Sink(Arc<Mutex<Vec<Vec<u8>>>>);

    impl Write for Sink {
        fn write(&mut self, bytes: &[u8]) -> io::Result<usize> {
            self.0.lock().unwrap().push(bytes.to_vec());
            Ok(bytes.len())
        }

        fn flush(&mut self) -> io::Result<()> {
            Ok(())
        }
    }

    impl Sink {
        pub(super) fn take(&self) -> Vec<Vec<u8>> {
            std::mem::take(&mut self.0.lock().unwrap())
        }
    }

    pub(super) fn demo_app(dir: &std::path::Path) -> App {
        let clock = Clock::parse("2026-11-24T09:00:00-05:00").unwrap();
        let options = OpenOptions {
            create: true,
            ..OpenOptions::default()
        };
        let mut store = Store::open(&dir.join("t.db"), "ccuser", clock, &options).unwrap();
        let params = GenParams {
            patients: synth::DEMO_PATIENTS,
            seed: 1,
            user: "ccuser".into(),
        };
        synth::generate(&mut store, &params).unwrap();
        let config = Settings::defaults("ccuser");
        App::new(store, &config, false).unwrap()
    }

    pub(super) fn terminal(sink: &Sink, width: u16, height: u16) -> Term<Sink> {
        let backend = CompactBackend::new(FrameWriter::new(sink.clone()));
        let viewport = Viewport::Fixed(Rect::new(0, 0, width, height));
        Terminal::with_options(backend, TerminalOptions { viewport }).unwrap()
    }

    fn key(app: &mut App, c: char) {
        app.handle_key(KeyEvent::new(KeyCode::Char(c), KeyModifiers::NONE));
    }

    #[test]
    fn each_frame_is_one_synchronized_write() {
        let dir = tempfile::tempdir().unwrap();
        let mut app = demo_app(dir.path());
        app.resize(80, 24);
        let sink = Sink::default();
        let mut terminal = terminal(&sink, 80, 24);
        draw_frame(&mut terminal, &app).unwrap();
        let writes = sink.take();
        assert_eq!(writes.len(), 1, "one write for the first frame");
        assert!(writes[0].starts_with(b"\x1b[?2026h"));
        assert!(writes[0].ends_with(b"\x1b[?2026l"));

        key(&mut app, '4');
        key(&mut app, 'j');
        draw_frame(&mut terminal, &app).unwrap();
        assert_eq!(sink.take().len(), 1);
    }

    #[test]
    fn moving_one_row_sends_only_what_changed() {
        let dir = tempfile::tempdir().unwrap();
        let mut app = demo_app(dir.path());
        app.resize(80, 24);
        let sink = Sink::default();
        let mut terminal = terminal(&sink, 80, 24);
        // Bytes sent for the frame after these keys.
        let mut bytes_after = |app: &mut App, keys: &str| -> usize {
            for c in keys.chars() {
                key(app, c);
            }
            draw_frame(&mut terminal, app).unwrap();
            sink.take().iter().map(Vec::len).sum()
        };
        let full = bytes_after(&mut app, "");

        // In today's list a move changes two rows and the status line.
        bytes_after(&mut app, "4");
        let task_move = bytes_after(&mut app, "j");
        assert!(task_move <= 300, "{task_move} bytes for one row in Today");

        // In the caseload the list answers at once; the record and the goals
        // of the patient the selection rests on follow in a frame of their
        // own, still far from a full redraw.
        bytes_after(&mut app, "1");
        let patient_move = bytes_after(&mut app, "j");
        assert!(
            patient_move <= 300,
            "{patient_move} bytes for a caseload move"
        );
        let due = app.detail_due().expect("the record follows later");
        assert!(app.settle_detail_at(due));
        let record = bytes_after(&mut app, "");
        assert!(
            record < full / 2,
            "{record} bytes for the next patient's record; a full frame is {full}"
        );

        // A frame with nothing changed sends little more than the
        // synchronized-output pair and ratatui's closing resets.
        let idle = bytes_after(&mut app, "");
        assert!(idle <= 64, "{idle} bytes for an unchanged frame");
        eprintln!(
            "full frame {full} B, Today move {task_move} B, caseload move {patient_move} B \
             then {record} B for the record and plan, unchanged {idle} B"
        );
    }
}
