//! A form over the panes: one row a field (label, text, and a mark when it
//! cannot be used or another session saved something else there), then
//! what the focused field means or why not, then the form's own problem or
//! its keys.

use ratatui::layout::{Constraint, Flex, Layout, Rect};
use ratatui::text::{Line, Span};
use ratatui::widgets::{Block, BorderType, Clear, Paragraph};
use ratatui::Frame;

use super::theme::Theme;
use crate::app::form::Form;
use crate::text::fit;

/// Columns of the labels.
const LABEL_WIDTH: usize = 18;

/// `keys`: the form's keys for the frame, and the key that saves on the
/// last field, from the keymap.
pub fn render(form: &Form, keys: &FormKeys, theme: &Theme, frame: &mut Frame, area: Rect) {
    let width = area.width.saturating_sub(2).min(76);
    // The fields, three lines under them, the borders; over the panes, not
    // the status line.
    let panes = Rect {
        height: area.height.saturating_sub(1),
        ..area
    };
    let height = (form.fields.len() as u16 + 5).min(panes.height);
    let [row] = Layout::vertical([Constraint::Length(height)])
        .flex(Flex::Center)
        .areas(panes);
    let [rect] = Layout::horizontal([Constraint::Length(width)])
        .flex(Flex::Center)
        .areas(row);
    frame.render_widget(Clear, rect);
    let title = fit(&form.title, rect.width.saturating_sub(4) as usize);
    let block = Block::bordered()
        .border_type(BorderType::Double)
        .border_style(theme.border_overlay)
        .title(Span::styled(format!(" {title} "), theme.title_focused))
        .title_bottom(Span::styled(format!(" {} ", keys.hints), theme.dim));
    let inner = block.inner(rect);
    frame.render_widget(block, rect);
    if inner.height < 4 {
        return;
    }
    let field_rows = (inner.height - 3) as usize;
    // The focused field stays in view: the list scrolls only when it must.
    let first = form.focused.saturating_sub(field_rows.saturating_sub(1));
    let value_x = inner.x + LABEL_WIDTH as u16 + 2;
    let value_width = inner.width.saturating_sub(LABEL_WIDTH as u16 + 2);
    for (row, (index, field)) in form
        .fields
        .iter()
        .enumerate()
        .skip(first)
        .take(field_rows)
        .enumerate()
    {
        let y = inner.y + row as u16;
        let focused = index == form.focused;
        let problem = field.value(form.today).is_err();
        let mark = match (problem, field.theirs.is_some()) {
            (true, _) => Span::styled("✗", theme.error),
            (false, true) => Span::styled("≠", theme.alert),
            _ if focused => Span::raw("▶"),
            _ => Span::raw(" "),
        };
        let label_style = if focused {
            theme.title_focused
        } else {
            theme.label
        };
        frame.render_widget(
            Paragraph::new(Line::from(vec![
                mark,
                Span::styled(format!("{:<LABEL_WIDTH$}", field.label), label_style),
            ])),
            Rect::new(inner.x, y, LABEL_WIDTH as u16 + 1, 1),
        );
        let value_rect = Rect::new(value_x, y, value_width, 1);
        if focused {
            frame.render_widget(field.input.widget(), value_rect);
        } else {
            let mut spans = vec![Span::raw(fit(&field.text(), value_width as usize))];
            if let Some(theirs) = &field.theirs {
                let room = (value_width as usize).saturating_sub(field.text().chars().count() + 8);
                if room > 3 {
                    spans.push(Span::styled(
                        format!("  now: {}", fit(theirs, room)),
                        theme.alert,
                    ));
                }
            }
            frame.render_widget(Paragraph::new(Line::from(spans)), value_rect);
        }
    }
    let line_width = inner.width as usize;
    let below = inner.y + inner.height - 3;
    if let Some(field) = form.fields.get(form.focused) {
        let line = match (
            &field.theirs,
            field.completion_line(form.today, &keys.completion),
            field.meaning(form.today),
        ) {
            // A language being typed: what it may be completed to.
            (None, Some(completion), _) => Line::styled(fit(&completion, line_width), theme.dim),
            (_, _, Err(problem)) => Line::styled(fit(&problem, line_width), theme.error),
            (Some(theirs), _, _) => Line::styled(
                fit(
                    &format!("Saved meanwhile by another session: {theirs}"),
                    line_width,
                ),
                theme.alert,
            ),
            (None, _, Ok(meaning)) if !meaning.is_empty() => {
                Line::styled(fit(&meaning, line_width), theme.dim)
            }
            (None, _, Ok(_)) => Line::styled(fit(&field.hint(), line_width), theme.dim),
        };
        frame.render_widget(
            Paragraph::new(line),
            Rect::new(inner.x, below, inner.width, 1),
        );
    }
    // The form's problem may take two lines: a conflict says what happened
    // and what each key does.
    let last = match &form.problem {
        Some(problem) => Paragraph::new(Line::styled(crate::text::clean(problem), theme.error))
            .wrap(ratatui::widgets::Wrap { trim: true }),
        None => Paragraph::new(Line::styled(
            fit(
                &format!(
                    "Field {} of {}{}",
                    form.focused + 1,
                    form.fields.len(),
                    if form.focused + 1 == form.fields.len() {
                        keys.saves_at_end.as_str()
                    } else {
                        ""
                    }
                ),
                line_width,
            ),
            theme.dim,
        )),
    };
    frame.render_widget(last, Rect::new(inner.x, below + 1, inner.width, 2));
}

/// What the form's frame says of its keys.
pub struct FormKeys {
    /// "Tab/Enter next · Shift-Tab back · Ctrl-S saves · Esc cancels".
    pub hints: String,
    /// " · Enter saves", shown on the last field.
    pub saves_at_end: String,
    /// The keys of completion.
    pub completion: crate::app::form::CompletionKeys,
}
