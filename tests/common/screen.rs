//! Reading the screen: rows as text, the status line, the panes and what
//! the caseload and patient panes show.

use vt100::Screen;

pub const CASELOAD: &str = "1 Caseload";
pub const PATIENT: &str = "2 Patient";
pub const CARE_PLAN: &str = "3 Care plan";
pub const TODAY: &str = "4 Today";
pub const PANES: [&str; 4] = [CASELOAD, PATIENT, CARE_PLAN, TODAY];

/// The screen, one row a line, for failure messages.
pub fn framed(screen: &Screen) -> String {
    let (rows, cols) = screen.size();
    (0..rows)
        .map(|row| format!("|{}", text(screen, row, 0, cols).trim_end()))
        .collect::<Vec<_>>()
        .join("\n")
}

/// The cells `from..to` of a row as text: a wide character once, an empty
/// cell as a space.
pub fn text(screen: &Screen, row: u16, from: u16, to: u16) -> String {
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

pub fn cell_is(screen: &Screen, row: u16, col: u16, any_of: &[&str]) -> bool {
    screen
        .cell(row, col)
        .is_some_and(|cell| any_of.contains(&cell.contents().as_str()))
}

/// The status line (the last row).
pub fn status_line(screen: &Screen) -> String {
    let (rows, cols) = screen.size();
    text(screen, rows - 1, 0, cols).trim_end().to_string()
}

/// The whole screen as words separated by single spaces, to find text
/// that may wrap.
pub fn words(screen: &Screen) -> String {
    screen
        .contents()
        .split_whitespace()
        .collect::<Vec<_>>()
        .join(" ")
}

/// A pane's border on screen.
#[derive(Debug, Clone, Copy)]
pub struct Pane {
    pub top: u16,
    pub left: u16,
    pub bottom: u16,
    pub right: u16,
    /// A thick border marks the focused pane.
    pub focused: bool,
}

impl Pane {
    /// The row of text in the border's top edge, after the corner.
    pub fn title(&self, screen: &Screen) -> String {
        text(screen, self.top, self.left + 1, self.right)
    }

    /// The screen rows inside the border.
    pub fn inner_rows(&self) -> std::ops::Range<u16> {
        self.top + 1..self.bottom
    }

    /// One row inside the border.
    pub fn line(&self, screen: &Screen, row: u16) -> String {
        text(screen, row, self.left + 1, self.right)
    }

    /// The rows inside the border, without trailing spaces.
    pub fn lines(&self, screen: &Screen) -> Vec<String> {
        self.inner_rows()
            .map(|row| self.line(screen, row).trim_end().to_string())
            .collect()
    }

    /// The row marked selected ("▶ ") and its text.
    pub fn selected(&self, screen: &Screen) -> Option<(u16, String)> {
        self.inner_rows()
            .map(|row| (row, self.line(screen, row)))
            .find(|(_, line)| line.starts_with("▶ "))
    }
}

/// Finds the pane whose title starts with `title` ("1 Caseload"): its
/// top-left corner is followed by " 1 Caseload ", reversed when focused.
pub fn find_pane(screen: &Screen, title: &str) -> Option<Pane> {
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
                // The focused pane's title is in reverse video.
                focused: screen
                    .cell(top, left + 2)
                    .is_some_and(|cell| cell.inverse()),
            });
        }
    }
    None
}

/// The title of the focused pane.
pub fn focused(screen: &Screen) -> Option<&'static str> {
    PANES
        .into_iter()
        .find(|title| find_pane(screen, title).is_some_and(|pane| pane.focused))
}

/// What the caseload pane shows.
#[derive(Debug)]
pub struct Caseload {
    /// "mine" or "team".
    pub scope: String,
    /// How many patients the title counts.
    pub count: usize,
    /// The filter line's text, without "/ ".
    pub filter: Option<String>,
    /// The column headers.
    pub columns: Vec<String>,
    /// The names listed, as shown ("Family, Given").
    pub names: Vec<String>,
    /// The selected row's name.
    pub selected: Option<String>,
}

pub fn caseload(screen: &Screen) -> Option<Caseload> {
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
pub fn patient_name(screen: &Screen) -> Option<String> {
    let pane = find_pane(screen, PATIENT)?;
    let first = pane.lines(screen).into_iter().next()?;
    // Without the pronouns that may follow it: "Wren Talusk (he/him)".
    Some(match first.split_once(" (") {
        Some((name, rest)) if rest.ends_with(')') => name.to_string(),
        _ => first,
    })
}

/// "Family, Given" as the patient pane writes it: "Given Family".
pub fn given_family(listed: &str) -> String {
    match listed.split_once(", ") {
        Some((family, given)) => format!("{given} {family}"),
        None => listed.to_string(),
    }
}
