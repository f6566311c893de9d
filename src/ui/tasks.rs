//! The tasks pane: my day, or the selected patient's tasks.

use chrono::NaiveDate;
use ratatui::layout::{Constraint, Rect};
use ratatui::style::Style;
use ratatui::text::{Line, Span, Text};
use ratatui::widgets::{Cell, Paragraph, Row, Table};
use ratatui::Frame;

use super::theme::Theme;
use super::{pane_block, render_list};
use crate::app::layout;
use crate::app::pane::PaneId;
use crate::app::tasks::TaskScope;
use crate::app::App;
use crate::domain::task::{due_label, is_due_by, TaskRow};
use crate::text::fit;

/// Widest due label: "99d overdue".
const DUE_WIDTH: u16 = 11;
/// Owners' user names, when the list shows other coordinators' tasks.
const OWNER_WIDTH: u16 = 8;

fn title_detail(app: &App, width: u16) -> String {
    let pane = &app.tasks;
    let counts = pane.counts;
    let mut suffix = String::new();
    if pane.scope == TaskScope::MyDay && pane.rows.len() < pane.counts.total() {
        // Only the head of a very long list is read (see DAY_ROWS_SHOWN).
        suffix.push_str(&format!(" · top {}", pane.rows.len()));
    }
    if !pane.marked.is_empty() {
        suffix.push_str(&format!(" · {} marked", pane.marked.len()));
    }
    if !pane.filter_text.is_empty() {
        suffix.push_str(&format!(" · /{}", fit(&pane.filter_text, 20)));
    }
    let mut detail = match pane.scope {
        TaskScope::MyDay => {
            let full = format!(
                "{} overdue · {} today · {} upcoming",
                counts.overdue, counts.today, counts.upcoming
            );
            // The corners, " 4 Today " and the spaces around the detail
            // take 13 columns.
            if full.chars().count() + 13 <= width as usize {
                full
            } else {
                format!(
                    "{} overdue · {} today · {} soon",
                    counts.overdue, counts.today, counts.upcoming
                )
            }
        }
        TaskScope::Patient => match &app.patient.record {
            Some(r) => format!(
                "{}: {} open",
                fit(&format!("{} {}", r.given_name, r.family_name), 24),
                pane.rows.len()
            ),
            None => "no patient".to_string(),
        },
    };
    // Marks and the filter when they fit; the counts always come first (the
    // status line says how many are marked, and the rows show them).
    if detail.chars().count() + suffix.chars().count() + 13 <= width as usize {
        detail.push_str(&suffix);
    }
    detail
}

pub fn render(app: &App, theme: &Theme, frame: &mut Frame, area: Rect) {
    let pane = &app.tasks;
    let today = app.today();
    let block = pane_block(app, theme, PaneId::Tasks, title_detail(app, area.width));
    let inner = block.inner(area);
    frame.render_widget(block, area);
    if pane.rows.is_empty() {
        let text = match pane.scope {
            _ if !pane.filter.is_empty() => "No task matches the filter; / changes it.",
            TaskScope::MyDay => "Nothing due. p shows the selected patient's tasks.",
            TaskScope::Patient => "No open tasks for this patient. p shows your day.",
        };
        frame.render_widget(Paragraph::new(text).style(theme.dim), inner);
        return;
    }

    let show_patient = pane.scope == TaskScope::MyDay;
    // Tasks of someone the user covers, in their own day, name their owner.
    let covered = pane
        .rows
        .iter()
        .any(|t| t.owner.as_deref() != Some(app.settings.user.as_str()));
    let show_owner = (pane.shows_owners() || covered) && inner.width >= 60;
    if layout::task_row_height(app.zoom() == Some(PaneId::Tasks), inner.width) == 2 {
        return render_two_line_rows(app, theme, frame, inner, show_patient, show_owner);
    }
    let patient_width: u16 = if show_patient {
        (inner.width / 3).clamp(10, 22)
    } else {
        0
    };
    let owner_width = if show_owner { OWNER_WIDTH } else { 0 };
    let mut widths = lead_widths();
    if show_owner {
        widths.push(Constraint::Length(owner_width));
    }
    if show_patient {
        widths.push(Constraint::Length(patient_width));
    }
    let spacing = widths.len() as u16;
    let title_width = inner
        .width
        .saturating_sub(2 + 1 + 1 + DUE_WIDTH + owner_width + patient_width + spacing)
        as usize;
    widths.push(Constraint::Min(0));

    let range = pane.cursor.visible();
    let rows = pane.rows[range.clone()].iter().map(|task| {
        let mut cells = lead_cells(app, theme, task, today);
        if show_owner {
            let owner = task.owner.as_deref().unwrap_or("");
            cells.push(Cell::from(fit(owner, owner_width as usize)));
        }
        if show_patient {
            cells.push(Cell::from(fit(&task.patient_name, patient_width as usize)));
        }
        cells.push(Cell::from(fit(&title_of(task), title_width)));
        Row::new(cells).style(row_style(app, theme, task, today))
    });
    let table = Table::new(rows, widths).column_spacing(1);
    render_list(app, theme, PaneId::Tasks, frame, inner, table, &pane.cursor);
}

/// Zoomed on a narrow screen: each task on two rows, the patient (and
/// owner) on the first, the whole title on the second.
fn render_two_line_rows(
    app: &App,
    theme: &Theme,
    frame: &mut Frame,
    inner: Rect,
    show_patient: bool,
    show_owner: bool,
) {
    let pane = &app.tasks;
    let today = app.today();
    let mut widths = lead_widths();
    widths.push(Constraint::Min(0));
    // The highlight mark, three fixed columns and their spaces.
    let rest = inner.width.saturating_sub(2 + 1 + 1 + DUE_WIDTH + 3) as usize;
    let range = pane.cursor.visible();
    let rows = pane.rows[range].iter().map(|task| {
        let mut who = Vec::new();
        if show_patient {
            who.push(task.patient_name.clone());
        }
        if show_owner {
            who.push(format!("({})", task.owner.as_deref().unwrap_or("nobody")));
        }
        let mut cells = lead_cells(app, theme, task, today);
        cells.push(Cell::from(Text::from(vec![
            Line::raw(fit(&who.join(" "), rest)),
            Line::raw(fit(&title_of(task), rest)),
        ])));
        Row::new(cells)
            .height(2)
            .style(row_style(app, theme, task, today))
    });
    let table = Table::new(rows, widths).column_spacing(1);
    render_list(app, theme, PaneId::Tasks, frame, inner, table, &pane.cursor);
}

/// The mark, kind and due columns every task row starts with.
fn lead_widths() -> Vec<Constraint> {
    vec![
        Constraint::Length(1),
        Constraint::Length(1),
        Constraint::Length(DUE_WIDTH),
    ]
}

fn lead_cells<'a>(app: &App, theme: &Theme, task: &TaskRow, today: NaiveDate) -> Vec<Cell<'a>> {
    let due_style = match task.due_on {
        Some(due) if due < today => theme.overdue,
        Some(due) if due == today => theme.today,
        _ => Style::new(),
    };
    // A hard deadline shows as its kind letter in reverse video.
    let mark_style = if task.hard_deadline {
        theme.deadline
    } else {
        Style::new()
    };
    let marked = if app.tasks.marked.contains(&task.id) {
        Span::styled("•", theme.status_key)
    } else {
        Span::raw(" ")
    };
    vec![
        Cell::from(marked),
        Cell::from(Span::styled(task.kind.mark().to_string(), mark_style)),
        Cell::from(Span::styled(due_label(task.due_on, today), due_style)),
    ]
}

/// Upcoming tasks are dimmed in the day's list.
fn row_style(app: &App, theme: &Theme, task: &TaskRow, today: NaiveDate) -> Style {
    if is_due_by(task, today) || app.tasks.scope == TaskScope::Patient {
        Style::new()
    } else {
        theme.dim
    }
}

fn title_of(task: &TaskRow) -> String {
    match task.recurrence {
        Some(rule) => format!("{} ↻{rule}", task.title),
        None => task.title.clone(),
    }
}
