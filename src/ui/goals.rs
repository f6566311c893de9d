//! The care-plan goals pane.

use ratatui::layout::{Constraint, Rect};
use ratatui::style::Style;
use ratatui::text::{Line, Span, Text};
use ratatui::widgets::{Cell, Paragraph, Row, Table};
use ratatui::Frame;

use super::theme::Theme;
use super::{pane_block, render_list};
use crate::app::goals::PlanRow;
use crate::app::layout;
use crate::app::pane::PaneId;
use crate::app::App;
use crate::domain::care_plan::sparkline;
use crate::text::fit;

pub fn render(app: &App, theme: &Theme, frame: &mut Frame, area: Rect) {
    let pane = &app.goals;
    let today = app.today();
    let overdue = pane.goals.iter().filter(|g| g.is_overdue(today)).count();
    let goals = match pane.goals.len() {
        1 => "1 goal".to_string(),
        n => format!("{n} goals"),
    };
    let detail = match (pane.goals.len(), overdue) {
        (0, _) => String::new(),
        (_, 0) => goals,
        (_, o) => format!("{goals}, {o} overdue"),
    };
    let block = pane_block(app, theme, PaneId::Goals, detail);
    let inner = block.inner(area);
    frame.render_widget(block, area);
    if pane.rows.is_empty() {
        let text = if app.patient.record.is_some() {
            "No care-plan goals yet."
        } else {
            "No patient selected."
        };
        frame.render_widget(Paragraph::new(text).style(theme.dim), inner);
        return;
    }

    // A need is one row, heading its goals; a goal two rows: the patient's
    // words, then status and target date.
    let text_width = inner.width.saturating_sub(2) as usize;
    // The cursor counts two rows an entry; a need's heading takes one, so
    // the rows after the cursor's view fill what the headings leave.
    // Only whole entries: a goal cut after its first row would show its
    // words without its status (ratatui 0.30's table draws a partial last
    // row).
    let first = pane.cursor.scroll();
    let mut room = inner.height as usize;
    let rows = pane.rows[first..]
        .iter()
        .take_while(|row| {
            let height = match row {
                PlanRow::Goal(_) => layout::GOAL_ROW_HEIGHT,
                PlanRow::Need(_) | PlanRow::Unlinked => 1,
            };
            let fits = height <= room;
            room = room.saturating_sub(height);
            fits
        })
        .map(|row| match *row {
            PlanRow::Need(n) => {
                let need = &pane.needs[n];
                let mut text = format!("{}: {}", need.domain.label(), need.description);
                if need.resolved {
                    text.push_str(" (resolved)");
                }
                let style = if need.resolved {
                    theme.dim
                } else {
                    theme.heading
                };
                Row::new(vec![Cell::from(Line::styled(
                    fit(&text, text_width),
                    style,
                ))])
            }
            PlanRow::Unlinked => Row::new(vec![Cell::from(Line::styled(
                fit("Goals not under a need", text_width),
                theme.heading,
            ))]),
            PlanRow::Goal(i) => {
                let (goal, values) = (&pane.goals[i], &pane.values[i]);
                let is_overdue = goal.is_overdue(today);
                let text_style = if goal.status.is_open() {
                    Style::new()
                } else {
                    theme.dim
                };
                let status = format!("{} · ", goal.status.label());
                // Measured progress ends the line: its trend, then the latest
                // value, which must always show; the trend and then the word
                // "target" give way when the line is narrow.
                let latest = values.last().map(|v| format!(" {v}")).unwrap_or_default();
                let target_text = |short: bool| match goal.target_date {
                    Some(date) if is_overdue => format!("overdue {date}"),
                    Some(date) if short => date.to_string(),
                    Some(date) => format!("target {date}"),
                    None => "no target date".to_string(),
                };
                let room = |target: &str| {
                    text_width.saturating_sub(
                        status.chars().count()
                            + target.chars().count()
                            + latest.chars().count()
                            + 1,
                    )
                };
                let mut target = target_text(false);
                if !latest.is_empty() && room(&target) < values.len().min(3) {
                    target = target_text(true);
                }
                let trend_width = room(&target).min(8);
                let target_style = if is_overdue {
                    theme.overdue
                } else {
                    text_style
                };
                let description = Line::styled(fit(&goal.description, text_width), text_style);
                let mut facts = vec![
                    Span::styled(status, theme.dim),
                    Span::styled(target, target_style),
                ];
                if !latest.is_empty() {
                    let trend = sparkline(values, trend_width);
                    let text = if trend.is_empty() {
                        latest
                    } else {
                        format!(" {trend}{latest}")
                    };
                    facts.push(Span::styled(text, text_style));
                }
                let facts = Line::from(facts);
                Row::new(vec![Cell::from(Text::from(vec![description, facts]))])
                    .height(layout::GOAL_ROW_HEIGHT as u16)
            }
        });
    let table = Table::new(rows, [Constraint::Min(0)]);
    render_list(app, theme, PaneId::Goals, frame, inner, table, &pane.cursor);
}
