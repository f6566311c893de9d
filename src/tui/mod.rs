//! The terminal: set-up and restore, the event loop, signals, and noticing
//! when the terminal has gone away.
//!
//! Slow links pay for every byte: tend draws only after an input, a resize
//! or a change in the database, never on an idle screen; each frame is
//! wrapped in synchronized output and leaves in one write.

mod input;

use std::io::{self, Stdout, Write};
use std::os::fd::{AsRawFd, RawFd};
use std::sync::atomic::{AtomicBool, AtomicUsize, Ordering};
use std::sync::{mpsc, Arc};
use std::time::{Duration, Instant};

use crossterm::event::{self, Event, KeyEventKind};
use crossterm::terminal::{
    self, BeginSynchronizedUpdate, EndSynchronizedUpdate, EnterAlternateScreen,
    LeaveAlternateScreen,
};
use crossterm::{cursor, execute, queue};
use ratatui::backend::CrosstermBackend;
use ratatui::Terminal;

use crate::app::App;
use input::{EscJoiner, ESC_GRACE};

/// How long the loop sleeps when nothing happens: the most a signal or a
/// hang-up waits to be noticed.
const IDLE_WAIT: Duration = Duration::from_millis(250);

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
struct FrameWriter {
    buffer: Vec<u8>,
    out: Stdout,
}

impl Write for FrameWriter {
    fn write(&mut self, bytes: &[u8]) -> io::Result<usize> {
        self.buffer.extend_from_slice(bytes);
        Ok(bytes.len())
    }

    fn flush(&mut self) -> io::Result<()> {
        Ok(())
    }
}

impl FrameWriter {
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

type Term = Terminal<CrosstermBackend<FrameWriter>>;

/// Owns the terminal while the screen is up and restores it when dropped,
/// however the screen ends.
struct Screen {
    terminal: Term,
}

impl Screen {
    fn enter() -> io::Result<Screen> {
        terminal::enable_raw_mode()?;
        TERMINAL_ACTIVE.store(true, Ordering::SeqCst);
        let mut out = io::stdout();
        execute!(out, EnterAlternateScreen, cursor::Hide)?;
        let writer = FrameWriter {
            buffer: Vec::with_capacity(64 * 1024),
            out,
        };
        let terminal = Terminal::new(CrosstermBackend::new(writer))?;
        Ok(Screen { terminal })
    }

    fn draw(&mut self, app: &App) -> io::Result<()> {
        let backend = self.terminal.backend_mut();
        queue!(backend, BeginSynchronizedUpdate)?;
        self.terminal.draw(|frame| crate::ui::render(app, frame))?;
        let backend = self.terminal.backend_mut();
        queue!(backend, EndSynchronizedUpdate)?;
        backend.writer_mut().send()
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

/// Notices a terminal that has hung up. crossterm 0.28 retries a read that
/// returns EOF or EIO forever, so its reader cannot tell us; poll(2) on the
/// terminal reports the hang-up without consuming input.
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
    let mut last_refresh = Instant::now();
    loop {
        let wait = if joiner.is_holding() {
            ESC_GRACE
        } else {
            IDLE_WAIT
        };
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
                for key in joiner.flush() {
                    app.handle_key(key);
                    dirty = true;
                }
            }
            Err(mpsc::RecvTimeoutError::Disconnected) => return Ok(Exit::Hangup),
        }
        if let Some(signal) = signals.take() {
            return Ok(Exit::Signal(signal));
        }
        if hangup.hung_up() {
            return Ok(Exit::Hangup);
        }
        if app.should_quit() {
            return Ok(Exit::Quit);
        }
        if last_refresh.elapsed() >= REFRESH_EVERY {
            last_refresh = Instant::now();
            dirty |= app.tick();
        }
        if dirty {
            screen.draw(app)?;
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
        _ => false,
    }
}
