//! Overlays drawn over the panes: help, and a goal in full.

use ratatui::layout::{Constraint, Flex, Layout, Rect};
use ratatui::text::{Line, Span};
use ratatui::widgets::{Block, BorderType, Clear, Paragraph, Wrap};
use ratatui::Frame;

use super::text::{clean, fit};
use super::theme::Theme;
use crate::app::help::{help_lines, HelpLine};
use crate::app::{App, Overlay};

pub fn render(app: &App, overlay: &Overlay, theme: &Theme, frame: &mut Frame, area: Rect) {
    match overlay {
        Overlay::Help { scroll } => render_help(app, *scroll, theme, frame, area),
        Overlay::Goal(goal) => {
            let today = app.today();
            let mut lines = vec![
                Line::from(vec![
                    Span::styled("Status   ", theme.label),
                    Span::raw(goal.status.label()),
                ]),
                Line::from(vec![
                    Span::styled("Started  ", theme.label),
                    Span::raw(goal.start_date.map(|d| d.to_string()).unwrap_or("—".into())),
                ]),
                Line::from(vec![
                    Span::styled("Target   ", theme.label),
                    match goal.target_date {
                        Some(d) if goal.is_overdue(today) => {
                            Span::styled(format!("{d} (overdue)"), theme.overdue)
                        }
                        Some(d) => Span::raw(d.to_string()),
                        None => Span::raw("none set"),
                    },
                ]),
                Line::raw(""),
            ];
            lines.push(Line::raw(clean(&goal.description).into_owned()));
            let rect = centered(area, 64, 12);
            frame.render_widget(Clear, rect);
            frame.render_widget(
                Paragraph::new(lines)
                    .wrap(Wrap { trim: false })
                    .block(overlay_block(theme, " Goal · Esc closes ")),
                rect,
            );
        }
    }
}

fn render_help(app: &App, scroll: usize, theme: &Theme, frame: &mut Frame, area: Rect) {
    let lines: Vec<Line> = help_lines(&app.keymap, app.focus, &app.weights)
        .into_iter()
        .map(|line| match line {
            HelpLine::Heading(text) => Line::styled(text, theme.heading),
            HelpLine::Key { keys, description } => Line::from(vec![
                Span::styled(format!("{:<16}", fit(&keys, 15)), theme.status_key),
                Span::raw(description),
            ]),
            HelpLine::Text(text) => Line::raw(text),
            HelpLine::Blank => Line::raw(""),
        })
        .collect();
    let rows = super::layout::help_rows(lines.len(), area.height);
    let rect = centered(area, area.width.saturating_sub(4).min(80), rows as u16 + 2);
    let max_scroll = lines.len().saturating_sub(rows);
    frame.render_widget(Clear, rect);
    frame.render_widget(
        Paragraph::new(lines)
            .scroll((scroll.min(max_scroll) as u16, 0))
            .block(overlay_block(
                theme,
                " Keys · j k scroll · any other key closes ",
            )),
        rect,
    );
}

fn overlay_block<'a>(theme: &Theme, title: &'a str) -> Block<'a> {
    Block::bordered()
        .border_type(BorderType::Double)
        .border_style(theme.border_focused)
        .title(Span::styled(title, theme.title_focused))
}

fn centered(area: Rect, width: u16, height: u16) -> Rect {
    let [row] = Layout::vertical([Constraint::Length(height.min(area.height))])
        .flex(Flex::Center)
        .areas(area);
    let [rect] = Layout::horizontal([Constraint::Length(width.min(area.width))])
        .flex(Flex::Center)
        .areas(row);
    rect
}
