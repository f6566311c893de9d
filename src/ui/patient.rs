//! The patient pane: the selected patient's record.

use ratatui::layout::Rect;
use ratatui::text::{Line, Span};
use ratatui::widgets::Paragraph;
use ratatui::Frame;

use super::pane_block;
use super::theme::Theme;
use crate::app::pane::PaneId;
use crate::app::patient::RecordLine;
use crate::app::App;
use crate::text::fit;

/// Columns for field labels ("Language ").
const LABEL_WIDTH: usize = 9;

pub fn render(app: &App, theme: &Theme, frame: &mut Frame, area: Rect) {
    let pane = &app.patient;
    let mut detail = pane
        .record
        .as_ref()
        .map(|r| fit(&r.member_id, 12))
        .unwrap_or_default();
    if app.view_kept_aside.is_some() && app.view_kept_aside == pane.record.as_ref().map(|r| r.id) {
        // The record is shown though its view's audit row could not go
        // into the database yet (a full disk): said where it is seen.
        detail.push_str(" ⚠ audit aside");
    }
    let block = pane_block(app, theme, PaneId::Patient, detail);
    let inner = block.inner(area);
    frame.render_widget(block, area);
    if pane.record.is_none() {
        frame.render_widget(
            Paragraph::new("No patient selected.").style(theme.dim),
            inner,
        );
        return;
    }
    let width = inner.width as usize;
    // The cursor shows only while the pane has focus: it marks where `j`
    // and `k` are, not a choice that other panes follow.
    let cursor = (app.focus == PaneId::Patient)
        .then(|| pane.cursor.selected())
        .flatten();
    let lines: Vec<Line> = pane
        .lines
        .iter()
        .enumerate()
        .skip(pane.cursor.scroll())
        .take(inner.height as usize)
        .map(|(index, line)| {
            let drawn = draw_line(line, theme, width);
            if cursor == Some(index) {
                drawn.patch_style(theme.selected_focused)
            } else {
                drawn
            }
        })
        .collect();
    frame.render_widget(Paragraph::new(lines), inner);
}

fn draw_line<'a>(line: &RecordLine, theme: &Theme, width: usize) -> Line<'a> {
    match line {
        RecordLine::Name(name) => Line::styled(fit(name, width), theme.name),
        RecordLine::Field {
            label,
            value,
            alert,
        } => {
            let value_width = width.saturating_sub(LABEL_WIDTH);
            let value_style = if *alert {
                theme.alert
            } else {
                ratatui::style::Style::new()
            };
            Line::from(vec![
                Span::styled(format!("{label:<LABEL_WIDTH$}"), theme.label),
                Span::styled(fit(value, value_width), value_style),
            ])
        }
        RecordLine::Heading(_, text) => Line::styled(fit(text, width), theme.heading),
        RecordLine::Item(text, _) => Line::raw(fit(&format!("• {text}"), width)),
        RecordLine::Note(text) | RecordLine::Screening { text, .. } => Line::raw(fit(text, width)),
        RecordLine::Flag(text, _) => Line::styled(fit(text, width), theme.alert),
        RecordLine::Blank => Line::raw(""),
    }
}
