//! The backend's bytes replayed into a model of a terminal (vt100): what it
//! shows must be the buffer ratatui meant, cell for cell, frame after frame.

use rand::{Rng, SeedableRng};
use rand_chacha::ChaCha8Rng;
use ratatui::buffer::Buffer;
use ratatui::layout::{Position, Rect};
use ratatui::style::{Color, Modifier, Style};
use ratatui::{Terminal, TerminalOptions, Viewport};

use ratatui::backend::CrosstermBackend;

use super::CompactBackend;

fn vt_colour(colour: Color) -> vt100::Color {
    match colour {
        Color::Reset => vt100::Color::Default,
        Color::Rgb(r, g, b) => vt100::Color::Rgb(r, g, b),
        Color::Indexed(i) => vt100::Color::Idx(i),
        named => match super::sgr::colour_code(named) {
            Some(code) => vt100::Color::Idx(code[2..].parse().unwrap()),
            None => vt100::Color::Default,
        },
    }
}

/// What a cell of the emulated terminal looks like: its text, and the
/// colours and attributes vt100 models (bold, italic, underline, reverse).
/// On a blank, the foreground colour (unless reversed: then it fills the
/// cell), bold and italic do not show, so they are left out (a space that
/// was red and is now plain need not be sent again).
type Look = (String, vt100::Color, vt100::Color, bool, bool, bool, bool);

fn look(
    text: String,
    fg: vt100::Color,
    bg: vt100::Color,
    [bold, italic, underline, inverse]: [bool; 4],
) -> Look {
    let text = if text.is_empty() {
        " ".to_string()
    } else {
        text
    };
    if text == " " {
        return (
            text,
            if inverse { fg } else { vt100::Color::Default },
            bg,
            false,
            false,
            underline,
            inverse,
        );
    }
    (text, fg, bg, bold, italic, underline, inverse)
}

fn shown_look(cell: &vt100::Cell) -> Look {
    look(
        cell.contents(),
        cell.fgcolor(),
        cell.bgcolor(),
        [cell.bold(), cell.italic(), cell.underline(), cell.inverse()],
    )
}

/// Every difference between what the emulated terminal shows and `buffer`,
/// as a user would see it. Empty when they agree.
pub(crate) fn differences(screen: &vt100::Screen, buffer: &Buffer) -> Vec<String> {
    let area = buffer.area;
    let mut found = Vec::new();
    for y in area.top()..area.bottom() {
        for x in area.left()..area.right() {
            let cell = &buffer[(x, y)];
            let Some(shown) = screen.cell(y, x) else {
                found.push(format!("({x},{y}) is off the emulated screen"));
                continue;
            };
            if shown.is_wide_continuation() {
                continue; // the right half of a wide character, drawn with it
            }
            let meant = look(
                cell.symbol().to_string(),
                vt_colour(cell.fg),
                vt_colour(cell.bg),
                [
                    Modifier::BOLD,
                    Modifier::ITALIC,
                    Modifier::UNDERLINED,
                    Modifier::REVERSED,
                ]
                .map(|m| cell.modifier.contains(m)),
            );
            let got = shown_look(shown);
            if meant != got {
                found.push(format!("({x},{y}): meant {meant:?}, shows {got:?}"));
            }
        }
    }
    found
}

/// Every cell where two emulated screens look different (everything vt100
/// models, but what does not show on a blank; see [`Look`]).
fn screen_differences(a: &vt100::Screen, b: &vt100::Screen) -> Vec<String> {
    let (rows, cols) = a.size();
    let mut found = Vec::new();
    for y in 0..rows {
        for x in 0..cols {
            let seen = |c: Option<&vt100::Cell>| c.map(|c| (shown_look(c), c.is_wide()));
            let (here, there) = (seen(a.cell(y, x)), seen(b.cell(y, x)));
            if here != there {
                found.push(format!("({x},{y}): {here:?} against {there:?}"));
            }
        }
    }
    found
}

/// Collects what the backend writes.
#[derive(Clone, Default)]
struct Bytes(std::rc::Rc<std::cell::RefCell<Vec<u8>>>);

impl std::io::Write for Bytes {
    fn write(&mut self, bytes: &[u8]) -> std::io::Result<usize> {
        self.0.borrow_mut().extend_from_slice(bytes);
        Ok(bytes.len())
    }

    fn flush(&mut self) -> std::io::Result<()> {
        Ok(())
    }
}

impl Bytes {
    fn take(&self) -> Vec<u8> {
        std::mem::take(&mut self.0.borrow_mut())
    }
}

const SYMBOLS: [&str; 10] = ["a", "b", "Z", " ", "│", "─", "▶", "é", "コ", "·"];
const COLOURS: [Color; 6] = [
    Color::Reset,
    Color::Red,
    Color::DarkGray,
    Color::Cyan,
    Color::Indexed(200),
    Color::Rgb(10, 200, 30),
];
const MODIFIERS: [Modifier; 5] = [
    Modifier::BOLD,
    Modifier::DIM,
    Modifier::ITALIC,
    Modifier::UNDERLINED,
    Modifier::REVERSED,
];

fn random_style(rng: &mut ChaCha8Rng) -> Style {
    let mut style = Style::new()
        .fg(COLOURS[rng.gen_range(0..COLOURS.len())])
        .bg(if rng.gen_bool(0.8) {
            Color::Reset
        } else {
            COLOURS[rng.gen_range(0..COLOURS.len())]
        });
    for modifier in MODIFIERS {
        if rng.gen_bool(0.25) {
            style = style.add_modifier(modifier);
        }
    }
    style
}

/// Writes a new row `y` into `buffer`: runs of a symbol in one style, like
/// a widget's spans, often alike from row to row.
fn random_row(rng: &mut ChaCha8Rng, buffer: &mut Buffer, y: u16) {
    let area = buffer.area;
    let mut x = area.left();
    while x < area.right() {
        let run = rng.gen_range(1..8u16).min(area.right() - x);
        let symbol = SYMBOLS[rng.gen_range(0..SYMBOLS.len())];
        let text = symbol.repeat(run as usize);
        let style = if rng.gen_bool(0.5) {
            Style::new()
        } else {
            random_style(rng)
        };
        let (end, _) = buffer.set_stringn(x, y, &text, (area.right() - x) as usize, style);
        // A wide character that does not fit leaves its column blank.
        x = end.max(x + 1);
    }
}

/// Draws `frames` random frames (a few rows changed, a few cells changed,
/// now and then a resize, which clears, or a cursor shown), replaying each
/// frame's bytes into vt100 and comparing the screen with the buffer.
fn replay_random_frames(seed: u64, frames: usize) {
    let mut rng = ChaCha8Rng::seed_from_u64(seed);
    let bytes = Bytes::default();
    let (mut width, mut height) = (30u16, 8u16);
    let area = Rect::new(0, 0, width, height);
    let backend = CompactBackend::new(bytes.clone());
    let options = TerminalOptions {
        viewport: Viewport::Fixed(area),
    };
    let mut terminal = Terminal::with_options(backend, options).unwrap();
    let mut parser = vt100::Parser::new(height, width, 0);
    // ratatui's own backend, drawing the same frames: the compact one must
    // leave the terminal exactly as it does.
    let mut stock = Terminal::with_options(
        CrosstermBackend::new(Vec::new()),
        TerminalOptions {
            viewport: Viewport::Fixed(area),
        },
    )
    .unwrap();
    let mut stock_parser = vt100::Parser::new(height, width, 0);
    let mut wanted = Buffer::empty(area);
    let mut frames_as_meant = 0;
    for frame_number in 0..frames {
        if rng.gen_bool(0.05) {
            width = rng.gen_range(10..40);
            height = rng.gen_range(3..12);
            let area = Rect::new(0, 0, width, height);
            terminal.resize(area).unwrap();
            parser.set_size(height, width);
            stock.resize(area).unwrap();
            stock_parser.set_size(height, width);
            let mut resized = Buffer::empty(area);
            for y in 0..height {
                random_row(&mut rng, &mut resized, y);
            }
            wanted = resized;
        } else {
            for _ in 0..rng.gen_range(0..4) {
                let y = rng.gen_range(0..height);
                random_row(&mut rng, &mut wanted, y);
            }
            // A few single cells restyled or retyped, as a moving
            // highlight or a counter does.
            for _ in 0..rng.gen_range(0..4) {
                let (x, y) = (rng.gen_range(0..width), rng.gen_range(0..height));
                let symbol = ["x", "y", "1", " "][rng.gen_range(0..4)];
                let previous_wide = x > 0 && wanted[(x - 1, y)].symbol() == "コ";
                if !previous_wide && wanted[(x, y)].symbol() != "コ" {
                    wanted.set_string(x, y, symbol, random_style(&mut rng));
                }
            }
        }
        let cursor = rng
            .gen_bool(0.1)
            .then(|| Position::new(rng.gen_range(0..width), rng.gen_range(0..height)));
        terminal
            .draw(|frame| {
                frame.buffer_mut().clone_from(&wanted);
                if let Some(at) = cursor {
                    frame.set_cursor_position(at);
                }
            })
            .unwrap();
        stock
            .draw(|frame| {
                frame.buffer_mut().clone_from(&wanted);
                if let Some(at) = cursor {
                    frame.set_cursor_position(at);
                }
            })
            .unwrap();
        stock_parser.process(&std::mem::take(stock.backend_mut().writer_mut()));
        parser.process(&bytes.take());
        let screen = parser.screen();
        let unlike = screen_differences(screen, stock_parser.screen());
        assert!(
            unlike.is_empty(),
            "seed {seed}, frame {frame_number}: {} cells unlike ratatui's backend's, first: {:?}",
            unlike.len(),
            &unlike[..unlike.len().min(5)]
        );
        // What was meant, but for a wide character cut in half, whose
        // other half ratatui leaves to the terminal (either backend alike).
        frames_as_meant += usize::from(differences(screen, &wanted).is_empty());
        assert_eq!(
            screen.hide_cursor(),
            cursor.is_none(),
            "frame {frame_number}"
        );
        if let Some(at) = cursor {
            assert_eq!(
                screen.cursor_position(),
                (at.y, at.x),
                "frame {frame_number}"
            );
        }
    }
    assert!(
        frames_as_meant * 10 >= frames * 8,
        "seed {seed}: only {frames_as_meant} of {frames} frames as meant"
    );
}

#[test]
fn random_frames_replayed_show_what_ratatuis_backend_shows() {
    for seed in 0..40 {
        replay_random_frames(seed, 60);
    }
}

#[test]
fn a_gap_of_unchanged_cells_is_written_over_when_cheaper_than_a_move() {
    let bytes = Bytes::default();
    let area = Rect::new(0, 0, 20, 2);
    let options = TerminalOptions {
        viewport: Viewport::Fixed(area),
    };
    let mut terminal = Terminal::with_options(CompactBackend::new(bytes.clone()), options).unwrap();
    let draw = |terminal: &mut Terminal<CompactBackend<Bytes>>, text: &str| {
        terminal
            .draw(|frame| frame.buffer_mut().set_string(0, 1, text, Style::new()))
            .unwrap();
        String::from_utf8(bytes.take()).unwrap()
    };
    draw(&mut terminal, "abcdefghij");
    // Two cells change with two equal ones between: "de" is cheaper to
    // write again than `ESC[6G`; the cursor is on the row already.
    assert_eq!(draw(&mut terminal, "abXdeYghij"), "\x1b[3GXdeY");
    // Gaps of one to three cells: the row written through.
    assert_eq!(draw(&mut terminal, "Qbcd  ghiR"), "\rQbcd  ghiR");
    // A gap of eight cells is moved over, by column.
    assert_eq!(draw(&mut terminal, "Wbcd  ghiS"), "\rW\x1b[10GS");
}

/// A terminal of `width` x `height` whose frames' bytes are returned as
/// text.
fn terminal_of(width: u16, height: u16) -> (Terminal<CompactBackend<Bytes>>, Bytes) {
    let bytes = Bytes::default();
    let options = TerminalOptions {
        viewport: Viewport::Fixed(Rect::new(0, 0, width, height)),
    };
    let terminal = Terminal::with_options(CompactBackend::new(bytes.clone()), options).unwrap();
    (terminal, bytes)
}

#[test]
fn the_next_rows_of_a_pane_are_reached_by_line_feeds() {
    let (mut terminal, bytes) = terminal_of(40, 12);
    let mut draw = |lines: [&str; 3]| {
        terminal
            .draw(|frame| {
                for (y, line) in lines.iter().enumerate() {
                    frame
                        .buffer_mut()
                        .set_string(30, y as u16 + 8, line, Style::new());
                }
            })
            .unwrap();
        String::from_utf8(bytes.take()).unwrap()
    };
    draw(["one", "two", "six"]);
    // A row down to column 31 is LF and `ESC[31G` (6 bytes), not
    // `ESC[10;31H` (8); two rows down, two LFs (7). Column 31 is always
    // set after them, whether or not the terminal turns LF into CR LF.
    assert_eq!(draw(["ONE", "TWO", "six"]), "\x1b[9;31HONE\n\x1b[31GTWO");
    assert_eq!(draw(["one", "TWO", "SIX"]), "\x1b[9;31Hone\n\n\x1b[31GSIX");
    // Up a row is always the absolute move.
    assert_eq!(draw(["ONE", "TWO", "SIX"]), "\x1b[9;31HONE");
}

#[test]
fn a_space_keeps_the_pen_when_it_looks_the_same_and_not_when_reversed() {
    let (mut terminal, bytes) = terminal_of(20, 1);
    let red = Style::new().fg(Color::Red);
    let mut draw = |style: Style| {
        terminal
            .draw(|frame| {
                let buffer = frame.buffer_mut();
                buffer.set_string(0, 0, "36d", style);
                buffer.set_string(3, 0, " ", style.fg(Color::Reset));
                buffer.set_string(4, 0, "-2d", style);
            })
            .unwrap();
        String::from_utf8(bytes.take()).unwrap()
    };
    draw(Style::new());
    // The plain space between two red words shows nothing of red: it is
    // written with the red pen, and the row needs one SGR.
    assert_eq!(draw(red), "\r\x1b[31m36d -2d\x1b[m");
    // Reversed, a blank is filled with its foreground: the space's own
    // (default) colour must be set, or it would show a red block.
    let reversed = red.add_modifier(Modifier::REVERSED);
    assert_eq!(draw(reversed), "\r\x1b[7;31m36d\x1b[39m \x1b[31m-2d\x1b[m");
}
