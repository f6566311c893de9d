//! Where each pane goes. The app uses the same geometry to know how many
//! rows each list shows.
//!
//! ```text
//! ┌1 Caseload─────────┬2 Patient──────┐
//! │                   │               │
//! ├4 Today────────────┼3 Care plan────┤
//! │                   │               │
//! └───────────────────┴───────────────┘
//!  status line
//! ```
//!
//! Zoomed (`z`), the focused pane takes the whole screen above the status
//! line: at 80x24 each pane above is about 40 columns wide.

use ratatui::layout::{Constraint, Layout, Rect};

use crate::app::pane::PaneId;

pub const MIN_WIDTH: u16 = 80;
pub const MIN_HEIGHT: u16 = 24;

/// Rows per goal in the care-plan pane.
pub const GOAL_ROW_HEIGHT: usize = 2;

pub struct Areas {
    pub caseload: Rect,
    pub patient: Rect,
    pub goals: Rect,
    pub tasks: Rect,
    pub status: Rect,
}

pub fn is_too_small(width: u16, height: u16) -> bool {
    width < MIN_WIDTH || height < MIN_HEIGHT
}

/// Where each pane goes; with `zoom`, that pane takes the whole screen
/// above the status line and the others are not drawn (an empty area).
pub fn areas(area: Rect, zoom: Option<PaneId>) -> Areas {
    let [main, status] = Layout::vertical([Constraint::Min(0), Constraint::Length(1)]).areas(area);
    if let Some(pane) = zoom {
        let only = |p: PaneId| if p == pane { main } else { Rect::default() };
        return Areas {
            caseload: only(PaneId::Caseload),
            patient: only(PaneId::Patient),
            goals: only(PaneId::Goals),
            tasks: only(PaneId::Tasks),
            status,
        };
    }
    let [top, bottom] =
        Layout::vertical([Constraint::Percentage(58), Constraint::Percentage(42)]).areas(main);
    let columns = [Constraint::Percentage(55), Constraint::Percentage(45)];
    let [caseload, patient] = Layout::horizontal(columns).areas(top);
    let [tasks, goals] = Layout::horizontal(columns).areas(bottom);
    Areas {
        caseload,
        patient,
        goals,
        tasks,
        status,
    }
}

impl Areas {
    pub fn of(&self, pane: PaneId) -> Rect {
        match pane {
            PaneId::Caseload => self.caseload,
            PaneId::Patient => self.patient,
            PaneId::Goals => self.goals,
            PaneId::Tasks => self.tasks,
        }
    }
}

/// Inner width from which a task's whole line (kind, due, patient, a title
/// of about 60 characters) fits on one row.
const ONE_LINE_TASKS_FROM: u16 = 110;

/// Rows per task in Today: zoomed on a screen too narrow for the whole
/// line on one row, each task takes two, its title on the second, so a
/// coordinator at 80 columns reads every task whole.
pub fn task_row_height(zoomed: bool, inner_width: u16) -> usize {
    if zoomed && inner_width < ONE_LINE_TASKS_FROM {
        2
    } else {
        1
    }
}

/// Rows of content each pane shows.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct ListRows {
    pub caseload: usize,
    pub patient: usize,
    pub goals: usize,
    pub tasks: usize,
}

/// Rows inside a pane's border.
pub fn inner_rows(rect: Rect) -> usize {
    rect.height.saturating_sub(2) as usize
}

/// The caseload's first inner row is its column header; the filter line,
/// when shown, takes one more. Zoomed, the zoomed pane's rows are those of
/// the whole screen; the others keep theirs, ready for when zoom ends.
pub fn list_rows(size: (u16, u16), filter_line: bool, zoom: Option<PaneId>) -> ListRows {
    let screen = Rect::new(0, 0, size.0, size.1);
    let rows = |a: &Areas, zoomed: bool| {
        let task_height = task_row_height(zoomed, a.tasks.width.saturating_sub(2));
        ListRows {
            caseload: inner_rows(a.caseload).saturating_sub(1 + usize::from(filter_line)),
            patient: inner_rows(a.patient),
            // Each goal takes two rows: its words, then status and target.
            goals: inner_rows(a.goals) / GOAL_ROW_HEIGHT,
            tasks: inner_rows(a.tasks) / task_height,
        }
    };
    let mut shown = rows(&areas(screen, None), false);
    if let Some(pane) = zoom {
        let whole = rows(&areas(screen, Some(pane)), true);
        match pane {
            PaneId::Caseload => shown.caseload = whole.caseload,
            PaneId::Patient => shown.patient = whole.patient,
            PaneId::Goals => shown.goals = whole.goals,
            PaneId::Tasks => shown.tasks = whole.tasks,
        }
    }
    shown
}

/// Rows inside the help overlay for `lines` lines of help on a screen
/// `screen_height` rows high (the overlay keeps a row free above and below).
pub fn help_rows(lines: usize, screen_height: u16) -> usize {
    (lines + 2)
        .min(screen_height.saturating_sub(2) as usize)
        .saturating_sub(2)
}

/// The note editor: the whole screen above the status line, with the call
/// sheet beside the text when there is room (at least 100 columns), else
/// above it.
pub struct EditorAreas {
    pub sheet: Rect,
    pub editor: Rect,
}

/// Columns of the call sheet beside the editor.
const SHEET_WIDTH: u16 = 32;

pub fn editor_areas(area: Rect) -> EditorAreas {
    let [main, _status] = Layout::vertical([Constraint::Min(0), Constraint::Length(1)]).areas(area);
    if main.width >= 100 {
        let [editor, sheet] =
            Layout::horizontal([Constraint::Min(0), Constraint::Length(SHEET_WIDTH)]).areas(main);
        EditorAreas { sheet, editor }
    } else {
        let [sheet, editor] =
            // Name, phones, language and two goals above the text.
            Layout::vertical([Constraint::Length(7), Constraint::Min(0)]).areas(main);
        EditorAreas { sheet, editor }
    }
}
