//! The bytes of a frame: ratatui's crossterm backend, with the cells that
//! changed written in fewer bytes.
//!
//! Over a slow link every byte of a frame is paid for. ratatui's diff hands
//! the backend only the cells that changed, but its crossterm backend then
//! moves the cursor with a whole `ESC[row;colH` before every run of them,
//! however short the gap; restates each attribute and colour in a sequence
//! of its own; hides the hidden cursor again on every frame; and closes
//! every frame with four resets. Given the same cells, this backend
//!
//! - writes the unchanged cells of a gap instead of moving over it, when
//!   they are fewer bytes than the move and drawn with the pen already set;
//! - moves the cursor with the shortest of `\r`, `\r\n`, `ESC[colG` on the
//!   same row, one or two line feeds and `ESC[colG` to a row below (the
//!   next row of a pane on the right, 6 bytes), and `ESC[rowH` /
//!   `ESC[row;colH`;
//! - erases a run of blanks with `ESC[nX` (ECH, which every terminal since
//!   the VT220 has, tmux too) instead of writing the spaces;
//! - sets a cell's attributes and colours in one SGR sequence, starting
//!   from what is set (or from a reset, `ESC[m`, when that is shorter);
//! - leaves alone a space whose change does not show (its foreground
//!   colour unless reversed, bold or italic: nothing of them shows on a
//!   blank), and writes a space with the pen already set when it would
//!   look the same, so a gap between two red words needs no SGR;
//! - hides or shows the cursor only when it is not so already, and resets
//!   the pen at the end of a frame only when it is not already reset.
//!
//! To write an unchanged cell it must know what the terminal shows: it keeps
//! a copy of every cell it wrote, which a clear blanks. A cell it cannot
//! vouch for (after a partial clear, or beside a wide character) is never
//! used to fill a gap. Colours are the palette entries crossterm would
//! name: the bright ones by their shorter codes (90-97), the eight low ones
//! as 30-37 on a pen that is not bold, `38;5;N` otherwise (see `sgr`).

use std::io::{self, Write};

use crossterm::cursor::{Hide, MoveTo, Show};
use crossterm::queue;
use ratatui::backend::{Backend, ClearType, CrosstermBackend, WindowSize};
use ratatui::buffer::{Cell, CellDiffOption};
use ratatui::layout::{Position, Size};
use ratatui::style::{Color, Modifier};
use unicode_width::UnicodeWidthStr;

mod sgr;
#[cfg(test)]
pub(super) mod tests;

/// The attributes and colours the terminal draws the next character with.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
struct Pen {
    fg: Color,
    bg: Color,
    underline: Color,
    modifier: Modifier,
}

impl Pen {
    /// What `ESC[0m` leaves.
    const RESET: Pen = Pen {
        fg: Color::Reset,
        bg: Color::Reset,
        underline: Color::Reset,
        modifier: Modifier::empty(),
    };

    fn of(cell: &Cell) -> Pen {
        Pen {
            fg: cell.fg,
            bg: cell.bg,
            underline: cell.underline_color,
            modifier: cell.modifier,
        }
    }
}

/// What the terminal shows, as far as this backend wrote it.
struct ScreenCopy {
    width: u16,
    cells: Vec<Cell>,
    /// What a cell not yet in `cells` holds: blank after a whole clear (or
    /// at the start, on the fresh alternate screen), unknown otherwise.
    beyond: Cell,
}

/// A cell the copy cannot vouch for: never written to fill a gap.
fn unknown_cell() -> Cell {
    let mut cell = Cell::EMPTY;
    cell.set_diff_option(CellDiffOption::Skip);
    cell
}

impl ScreenCopy {
    fn blank() -> ScreenCopy {
        ScreenCopy {
            width: 0,
            cells: Vec::new(),
            beyond: Cell::EMPTY,
        }
    }

    fn unknown() -> ScreenCopy {
        ScreenCopy {
            beyond: unknown_cell(),
            ..ScreenCopy::blank()
        }
    }

    fn get(&self, x: u16, y: u16) -> &Cell {
        if x >= self.width {
            return &self.beyond;
        }
        let i = y as usize * self.width as usize + x as usize;
        self.cells.get(i).unwrap_or(&self.beyond)
    }

    fn set(&mut self, x: u16, y: u16, cell: Cell) {
        if x >= self.width {
            // Wider than before: lay the rows out again at the new width.
            let width = x + 1;
            let rows = self.cells.len().div_ceil(self.width.max(1) as usize);
            let mut cells = Vec::with_capacity(rows * width as usize);
            for row in 0..rows as u16 {
                for col in 0..width {
                    cells.push(self.get(col, row).clone());
                }
            }
            self.cells = cells;
            self.width = width;
        }
        let i = y as usize * self.width as usize + x as usize;
        if i >= self.cells.len() {
            let rows = y as usize + 1;
            self.cells
                .resize(rows * self.width as usize, self.beyond.clone());
        }
        self.cells[i] = cell;
    }
}

/// ratatui's crossterm backend with frames written in fewer bytes.
pub struct CompactBackend<W: Write> {
    inner: CrosstermBackend<W>,
    screen: ScreenCopy,
    /// `None` when unknown (at the start, or after someone else wrote).
    pen: Option<Pen>,
    cursor: Option<Position>,
    cursor_hidden: Option<bool>,
}

impl<W: Write> CompactBackend<W> {
    pub fn new(writer: W) -> CompactBackend<W> {
        CompactBackend {
            inner: CrosstermBackend::new(writer),
            screen: ScreenCopy::blank(),
            pen: None,
            cursor: None,
            cursor_hidden: None,
        }
    }

    pub fn writer_mut(&mut self) -> &mut W {
        self.inner.writer_mut()
    }

    fn emit(&mut self, bytes: &[u8]) -> io::Result<()> {
        self.inner.write_all(bytes)
    }

    /// Moves the cursor to `to` in the fewest bytes, writing the cells of a
    /// short gap on the same row when that is cheaper than a move.
    fn move_to(&mut self, to: Position) -> io::Result<()> {
        let Some(at) = self.cursor else {
            return self.move_absolute(to);
        };
        if at == to {
            return Ok(());
        }
        if at.y == to.y && to.x == 0 {
            return self.emit(b"\r");
        }
        if at.y != to.y {
            return self.move_to_row(at, to);
        }
        let column = format!("\x1b[{}G", to.x + 1);
        if to.x > at.x {
            if let Some(fill) = self.gap_fill(at, to.x, column.len()) {
                return self.emit(&fill);
            }
        }
        self.emit(column.as_bytes())
    }

    /// Moves to another row: down a row or two by line feeds, then to the
    /// column by `\r` or `ESC[colG`, when that is shorter than the
    /// absolute move. The column is always set after a line feed, so the
    /// move is right whether or not the terminal turns LF into CR LF. A
    /// line feed never scrolls here: the rows below `at` are on the screen.
    fn move_to_row(&mut self, at: Position, to: Position) -> io::Result<()> {
        let down = to.y.saturating_sub(at.y);
        if (1..=2).contains(&down) {
            let mut relative = Vec::with_capacity(8);
            if to.x == 0 {
                relative.push(b'\r');
            }
            relative.resize(relative.len() + down as usize, b'\n');
            if to.x > 0 {
                relative.extend_from_slice(format!("\x1b[{}G", to.x + 1).as_bytes());
            }
            if relative.len() < absolute_move(to).len() {
                return self.emit(&relative);
            }
        }
        self.move_absolute(to)
    }

    fn move_absolute(&mut self, to: Position) -> io::Result<()> {
        self.emit(absolute_move(to).as_bytes())
    }

    /// The bytes of the cells from `at` up to column `to_x` on the same row,
    /// when each is a cell the copy vouches for, one column wide and drawn
    /// with the pen already set (or a space that looks the same with it),
    /// and together they are shorter than `move_cost`.
    fn gap_fill(&self, at: Position, to_x: u16, move_cost: usize) -> Option<Vec<u8>> {
        let pen = self.pen?;
        let mut fill = Vec::new();
        for x in at.x..to_x {
            let cell = self.screen.get(x, at.y);
            let same_look = Pen::of(cell) == pen
                || (cell.symbol() == " " && blank_look(Pen::of(cell)) == blank_look(pen));
            if !fillable(cell) || !same_look {
                return None;
            }
            fill.extend_from_slice(cell.symbol().as_bytes());
            if fill.len() >= move_cost {
                return None;
            }
        }
        Some(fill)
    }

    /// A run of blanks worth erasing (ECH) rather than writing as spaces:
    /// from `updates[i]`, the updates on its row that blank cells, with
    /// gaps between them that are blank already, over cells that held one
    /// column each (so no wide character is cut). Returns the column after
    /// the run and the index of the first update after it, when the erase
    /// and the move after it cost fewer bytes than the spaces.
    fn blank_run(&self, updates: &[(u16, u16, &Cell)], i: usize) -> Option<(u16, usize)> {
        let (x, y, cell) = updates[i];
        if !blank(cell) || !fillable(self.screen.get(x, y)) {
            return None;
        }
        let mut end = x + 1;
        let mut next = i + 1;
        while let Some(&(nx, ny, ncell)) = updates.get(next) {
            let joins = ny == y
                && blank(ncell)
                && fillable(self.screen.get(nx, ny))
                && (end..nx).all(|column| blank(self.screen.get(column, y)));
            if !joins {
                break;
            }
            end = nx + 1;
            next += 1;
        }
        let length = end - x;
        // `ESC[nX`, then, when the next cell is on the same row, at most
        // `ESC[colG` to go on past the run (to another row, the move is
        // made either way).
        let same_row_after = updates.get(next).is_some_and(|&(_, ny, _)| ny == y);
        let cost = 3 + digits(length) + if same_row_after { 5 } else { 0 };
        (length as usize > cost).then_some((end, next))
    }

    /// Whether the terminal already shows `cell` at (x, y) as it would
    /// look written: both a space the copy vouches for, alike in all that
    /// shows on a blank (background, reverse, underline and its colour,
    /// crossed out, blink).
    fn looks_the_same(&self, x: u16, y: u16, cell: &Cell) -> bool {
        let shown = self.screen.get(x, y);
        cell.symbol() == " "
            && shown.symbol() == " "
            && fillable(cell)
            && fillable(shown)
            && blank_look(Pen::of(cell)) == blank_look(Pen::of(shown))
    }

    /// Whether a blank drawn with the pen set looks as one drawn with
    /// `pen` (never when the pen is unknown).
    fn pen_looks_blank_as(&self, pen: Pen) -> bool {
        self.pen
            .is_some_and(|set| blank_look(set) == blank_look(pen))
    }

    /// Sets the pen to draw `to`, in one sequence.
    fn set_pen(&mut self, to: Pen) -> io::Result<()> {
        if self.pen == Some(to) {
            return Ok(());
        }
        let sequence = sgr::step(self.pen, to);
        self.pen = Some(to);
        self.emit(sequence.as_bytes())
    }
}

/// `ESC[row;colH`, with the parameters that are 1 left out.
fn absolute_move(to: Position) -> String {
    match (to.x, to.y) {
        (0, 0) => "\x1b[H".to_string(),
        (0, y) => format!("\x1b[{}H", y + 1),
        (x, y) => format!("\x1b[{};{}H", y + 1, x + 1),
    }
}

/// Whether a symbol takes one column and moves the cursor one column on,
/// as ratatui's own backend counts it.
fn one_column(symbol: &str) -> bool {
    symbol.width() == 1 && !symbol.chars().any(char::is_control)
}

/// Whether a cell the copy holds may be written again to fill a gap, or
/// erased: one it vouches for, one column wide.
fn fillable(cell: &Cell) -> bool {
    #[allow(deprecated)]
    let skipped = cell.skip;
    matches!(cell.diff_option, CellDiffOption::None) && !skipped && one_column(cell.symbol())
}

/// A space with nothing set: what erasing leaves.
fn blank(cell: &Cell) -> bool {
    cell.symbol() == " " && Pen::of(cell) == Pen::RESET && fillable(cell)
}

/// How many decimal digits `n` takes.
fn digits(n: u16) -> usize {
    n.to_string().len()
}

/// The attributes that show on a space (as ratatui's diff counts them).
const VISIBLE_ON_BLANK: Modifier = Modifier::REVERSED
    .union(Modifier::UNDERLINED)
    .union(Modifier::SLOW_BLINK)
    .union(Modifier::RAPID_BLINK)
    .union(Modifier::CROSSED_OUT);

/// What shows of a pen on a space: the background, the attributes that
/// show on a blank, the underline's colour when underlined, and the
/// foreground when reversed (a reversed blank is filled with it).
fn blank_look(pen: Pen) -> (Color, Modifier, Option<Color>, Option<Color>) {
    (
        pen.bg,
        pen.modifier & VISIBLE_ON_BLANK,
        pen.modifier
            .contains(Modifier::UNDERLINED)
            .then_some(pen.underline),
        pen.modifier.contains(Modifier::REVERSED).then_some(pen.fg),
    )
}

impl<W: Write> Write for CompactBackend<W> {
    fn write(&mut self, bytes: &[u8]) -> io::Result<usize> {
        self.inner.write(bytes)
    }

    fn flush(&mut self) -> io::Result<()> {
        Write::flush(&mut self.inner)
    }
}

impl<W: Write> Backend for CompactBackend<W> {
    type Error = io::Error;

    fn draw<'a, I>(&mut self, content: I) -> io::Result<()>
    where
        I: Iterator<Item = (u16, u16, &'a Cell)>,
    {
        let updates: Vec<(u16, u16, &Cell)> = content.collect();
        let mut i = 0;
        while i < updates.len() {
            let (x, y, cell) = updates[i];
            let at = Position { x, y };
            if let Some((end, next)) = self.blank_run(&updates, i) {
                // ECH: erase the run where the cursor is, without moving it.
                self.move_to(at)?;
                // Erasing leaves blanks of the background set: any pen that
                // looks like none on a blank will do.
                if !self.pen_looks_blank_as(Pen::RESET) {
                    self.set_pen(Pen::RESET)?;
                }
                self.emit(format!("\x1b[{}X", end - x).as_bytes())?;
                for column in x..end {
                    self.screen.set(column, y, Cell::EMPTY);
                }
                self.cursor = Some(at);
                i = next;
                continue;
            }
            if self.looks_the_same(x, y, cell) {
                // A space whose only change (its foreground colour, bold,
                // italic) does not show on a space.
                i += 1;
                continue;
            }
            self.move_to(at)?;
            // A space shows only what `blank_look` holds: drawn with the
            // pen already set when that looks the same, it needs no SGR.
            let space = cell.symbol() == " " && fillable(cell);
            if !(space && self.pen_looks_blank_as(Pen::of(cell))) {
                self.set_pen(Pen::of(cell))?;
            }
            let symbol = cell.symbol();
            self.emit(symbol.as_bytes())?;
            self.screen.set(x, y, cell.clone());
            if one_column(symbol) {
                self.cursor = Some(Position { x: x + 1, y });
            } else {
                // Where a wide or unusual character leaves the cursor, and
                // what shows beside it, is the terminal's to say.
                self.cursor = None;
                for beside in 1..(symbol.width() as u16).max(1) {
                    self.screen.set(x + beside, y, unknown_cell());
                }
            }
            i += 1;
        }
        // After the last column the cursor waits to wrap, one column past
        // the screen as this counts it: no cell is ever there to be reached
        // without a move, and `\r`, `\r\n` and the absolute moves are right
        // from there too.
        if !updates.is_empty() {
            // Each frame leaves the pen reset, as ratatui's backend does,
            // for whatever writes to the terminal next.
            if self.pen != Some(Pen::RESET) {
                self.emit(sgr::RESET.as_bytes())?;
                self.pen = Some(Pen::RESET);
            }
        }
        Ok(())
    }

    fn hide_cursor(&mut self) -> io::Result<()> {
        if self.cursor_hidden != Some(true) {
            queue!(self.inner, Hide)?;
            self.cursor_hidden = Some(true);
        }
        Ok(())
    }

    fn show_cursor(&mut self) -> io::Result<()> {
        if self.cursor_hidden != Some(false) {
            queue!(self.inner, Show)?;
            self.cursor_hidden = Some(false);
        }
        Ok(())
    }

    fn get_cursor_position(&mut self) -> io::Result<Position> {
        self.inner.get_cursor_position()
    }

    fn set_cursor_position<P: Into<Position>>(&mut self, position: P) -> io::Result<()> {
        let position = position.into();
        if self.cursor != Some(position) {
            queue!(self.inner, MoveTo(position.x, position.y))?;
            self.cursor = Some(position);
        }
        Ok(())
    }

    fn clear(&mut self) -> io::Result<()> {
        self.clear_region(ClearType::All)
    }

    fn clear_region(&mut self, clear_type: ClearType) -> io::Result<()> {
        // Terminals clear with the background colour set: reset it first.
        if self.pen != Some(Pen::RESET) {
            self.emit(sgr::RESET.as_bytes())?;
            self.pen = Some(Pen::RESET);
        }
        self.inner.clear_region(clear_type)?;
        self.screen = match clear_type {
            ClearType::All => ScreenCopy::blank(),
            _ => ScreenCopy::unknown(),
        };
        Ok(())
    }

    fn size(&self) -> io::Result<Size> {
        self.inner.size()
    }

    fn window_size(&mut self) -> io::Result<WindowSize> {
        self.inner.window_size()
    }

    fn flush(&mut self) -> io::Result<()> {
        Backend::flush(&mut self.inner)
    }
}
