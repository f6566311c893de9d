//! The care-plan goals pane.

use ratatui::layout::{Constraint, Rect};
use ratatui::style::Style;
use ratatui::text::{Line, Span, Text};
use ratatui::widgets::{Cell, Paragraph, Row, Table};
use ratatui::Frame;

use super::text::fit;
use super::theme::Theme;
use super::{layout, pane_block, render_list};
use crate::app::pane::PaneId;
use crate::app::App;
use crate::domain::care_plan::sparkline;

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
    if pane.goals.is_empty() {
        let text = if app.patient.record.is_some() {
            "No care-plan goals yet."
        } else {
            "No patient selected."
        };
        frame.render_widget(Paragraph::new(text).style(theme.dim), inner);
        return;
    }

    // Two rows a goal: the patient's words, then status and target date.
    let text_width = inner.width.saturating_sub(2) as usize;
    let range = pane.cursor.visible();
    let rows = pane.goals[range.clone()]
        .iter()
        .zip(&pane.values[range.clone()])
        .map(|(goal, values)| {
            let is_overdue = goal.is_overdue(today);
            let text_style = if goal.status.is_open() {
                Style::new()
            } else {
                theme.dim
            };
            let target = match goal.target_date {
                Some(date) if is_overdue => Span::styled(format!("overdue {date}"), theme.overdue),
                Some(date) => Span::styled(format!("target {date}"), text_style),
                None => Span::styled("no target date", text_style),
            };
            let description = Line::styled(fit(&goal.description, text_width), text_style);
            let mut facts = vec![
                Span::styled(format!("{} · ", goal.status.label()), theme.dim),
                target,
            ];
            // Measured progress: the trend, then the latest value.
            if let Some(latest) = values.last() {
                facts.push(Span::styled(
                    format!(" {} {latest}", sparkline(values, 8)),
                    text_style,
                ));
            }
            let facts = Line::from(facts);
            Row::new(vec![Cell::from(Text::from(vec![description, facts]))])
                .height(layout::GOAL_ROW_HEIGHT as u16)
        });
    let table = Table::new(rows, [Constraint::Min(0)]);
    render_list(app, theme, PaneId::Goals, frame, inner, table, &pane.cursor);
}
