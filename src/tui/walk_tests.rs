//! Walks down and up the lists, page turns, the record following, zoom,
//! overlays and resizes, drawn as tend draws them (the compact backend, one
//! write a frame) and replayed into a model of a terminal (vt100): after
//! every frame the emulated screen must equal a fresh full draw of the same
//! state, so the cheaper output can never leave a stale or a wrong cell.

use crossterm::event::{KeyCode, KeyEvent, KeyModifiers};
use ratatui::backend::{CrosstermBackend, TestBackend};
use ratatui::buffer::Buffer;
use ratatui::layout::Rect;
use ratatui::{Terminal, TerminalOptions, Viewport};

use super::compact::tests::differences;
use super::draw_frame;
use super::tests::{demo_app, terminal, Sink};
use super::Term;
use crate::app::App;

/// tend's terminal, and what a terminal shown its bytes would show.
struct Replayed {
    sink: Sink,
    terminal: Term<Sink>,
    parser: vt100::Parser,
    size: (u16, u16),
    /// The same frames through ratatui's own crossterm backend, to tell a
    /// fault of the compact backend from one of the drawing.
    stock: Terminal<CrosstermBackend<Vec<u8>>>,
    stock_parser: vt100::Parser,
    /// Frames drawn and bytes sent so far.
    frames: usize,
    bytes: usize,
}

/// The screen a fresh terminal shows for the app as it is: a full draw.
fn fresh_draw(app: &App, (width, height): (u16, u16)) -> Buffer {
    let mut terminal = Terminal::new(TestBackend::new(width, height)).unwrap();
    terminal
        .draw(|frame| crate::ui::render(app, frame))
        .unwrap();
    terminal.backend().buffer().clone()
}

impl Replayed {
    fn new(app: &mut App, width: u16, height: u16) -> Replayed {
        app.resize(width, height);
        let sink = Sink::default();
        let mut replayed = Replayed {
            terminal: terminal(&sink, width, height),
            sink,
            parser: vt100::Parser::new(height, width, 0),
            size: (width, height),
            stock: Terminal::with_options(
                CrosstermBackend::new(Vec::new()),
                TerminalOptions {
                    viewport: Viewport::Fixed(Rect::new(0, 0, width, height)),
                },
            )
            .unwrap(),
            stock_parser: vt100::Parser::new(height, width, 0),
            frames: 0,
            bytes: 0,
        };
        replayed.draw(app, "the first frame");
        replayed
    }

    /// Draws a frame, replays it, and checks the emulated screen.
    fn draw(&mut self, app: &App, after: &str) {
        draw_frame(&mut self.terminal, app).unwrap();
        let writes = self.sink.take();
        for write in &writes {
            self.bytes += write.len();
            self.parser.process(write);
        }
        self.frames += 1;
        self.stock
            .draw(|frame| crate::ui::render(app, frame))
            .unwrap();
        let stock_bytes = std::mem::take(self.stock.backend_mut().writer_mut());
        self.stock_parser.process(&stock_bytes);
        let wanted = fresh_draw(app, self.size);
        let wrong = differences(self.parser.screen(), &wanted);
        let stock_wrong = differences(self.stock_parser.screen(), &wanted);
        assert!(
            wrong.is_empty(),
            "after {after}: {} cells differ from a fresh draw, first: {:?}\n(stock backend: {:?})\nshown:\n{}",
            wrong.len(),
            &wrong[..wrong.len().min(5)],
            &stock_wrong[..stock_wrong.len().min(5)],
            self.parser.screen().contents()
        );
    }

    /// Each key in turn, with a frame after each.
    fn keys(&mut self, app: &mut App, keys: &[KeyEvent], what: &str) {
        for (i, key) in keys.iter().enumerate() {
            app.handle_key(*key);
            self.draw(app, &format!("{what}, key {i}"));
        }
    }

    /// Lets the selection rest, so the record and plan follow it.
    fn rest(&mut self, app: &mut App, what: &str) {
        if let Some(due) = app.detail_due() {
            if app.settle_detail_at(due) {
                self.draw(app, &format!("{what}, at rest"));
            }
        }
    }

    fn resize(&mut self, app: &mut App, width: u16, height: u16) {
        app.resize(width, height);
        self.terminal
            .resize(Rect::new(0, 0, width, height))
            .unwrap();
        self.parser.set_size(height, width);
        self.stock.resize(Rect::new(0, 0, width, height)).unwrap();
        self.stock_parser.set_size(height, width);
        self.size = (width, height);
        self.draw(app, &format!("a resize to {width}x{height}"));
    }
}

fn char_key(c: char) -> KeyEvent {
    KeyEvent::new(KeyCode::Char(c), KeyModifiers::NONE)
}

fn repeat(c: char, times: usize) -> Vec<KeyEvent> {
    vec![char_key(c); times]
}

/// Walks each list down and up, resting now and then, zoomed and not.
fn walk_everything(replayed: &mut Replayed, app: &mut App) {
    for pane in ['1', '4', '2', '3'] {
        replayed.keys(app, &[char_key(pane), char_key('g')], "a pane's top");
        replayed.rest(app, "a pane's top");
        replayed.keys(app, &repeat('j', 60), &format!("j in {pane}"));
        replayed.rest(app, &format!("j in {pane}"));
        replayed.keys(app, &repeat('k', 25), &format!("k in {pane}"));
        replayed.rest(app, &format!("k in {pane}"));
        replayed.keys(app, &repeat('k', 35), &format!("k in {pane}"));
    }
    // Moves that rest after each, as a coordinator reading each record.
    replayed.keys(app, &[char_key('1')], "the caseload");
    for i in 0..12 {
        let way = if i < 8 { 'j' } else { 'k' };
        replayed.keys(app, &[char_key(way)], "a resting move");
        replayed.rest(app, "a resting move");
    }
    // Pages, the bottom and the top.
    let page_down = KeyEvent::new(KeyCode::PageDown, KeyModifiers::NONE);
    let page_up = KeyEvent::new(KeyCode::PageUp, KeyModifiers::NONE);
    replayed.keys(app, &[page_down, page_down, page_up], "pages");
    replayed.keys(app, &[char_key('G'), char_key('k'), char_key('g')], "G, g");
    replayed.rest(app, "G, g");
    // Zoomed, the list takes the whole screen.
    replayed.keys(app, &[char_key('z')], "zoom");
    replayed.keys(app, &repeat('j', 40), "j zoomed");
    replayed.keys(app, &repeat('k', 40), "k zoomed");
    replayed.keys(app, &[char_key('z')], "zoom off");
    replayed.rest(app, "zoom off");
    // An overlay over the panes, and gone again.
    replayed.keys(app, &[char_key('?')], "help");
    replayed.keys(app, &repeat('j', 5), "j in help");
    replayed.keys(
        app,
        &[KeyEvent::new(KeyCode::Esc, KeyModifiers::NONE)],
        "help closed",
    );
    // The filter line, typed and cleared.
    replayed.keys(app, &[char_key('/'), char_key('a')], "a filter");
    replayed.keys(
        app,
        &[
            KeyEvent::new(KeyCode::Enter, KeyModifiers::NONE),
            KeyEvent::new(KeyCode::Esc, KeyModifiers::NONE),
        ],
        "the filter cleared",
    );
    replayed.keys(app, &repeat('\t', 5), "Tab");
}

#[test]
fn walks_overlays_and_resizes_leave_no_stale_cell() {
    let dir = tempfile::tempdir().unwrap();
    let mut app = demo_app(dir.path());
    let mut replayed = Replayed::new(&mut app, 80, 24);
    walk_everything(&mut replayed, &mut app);
    replayed.resize(&mut app, 200, 50);
    walk_everything(&mut replayed, &mut app);
    replayed.resize(&mut app, 100, 30);
    replayed.resize(&mut app, 80, 24);
    walk_everything(&mut replayed, &mut app);
    assert!(replayed.frames > 1000, "{} frames", replayed.frames);
}

#[test]
fn walking_the_caseload_costs_under_250_bytes_a_key_at_80x24() {
    let dir = tempfile::tempdir().unwrap();
    let mut app = demo_app(dir.path());
    let mut replayed = Replayed::new(&mut app, 80, 24);
    replayed.keys(&mut app, &[char_key('1'), char_key('g')], "the top");
    replayed.rest(&mut app, "the top");
    let before = replayed.bytes;
    replayed.keys(&mut app, &repeat('j', 60), "j");
    replayed.keys(&mut app, &repeat('k', 60), "k");
    let mean = (replayed.bytes - before) as f64 / 120.0;
    assert!(mean < 250.0, "{mean:.0} bytes a key walking the caseload");
}
