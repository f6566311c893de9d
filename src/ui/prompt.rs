//! The one-line prompt of a triage action, drawn at the bottom of the screen
//! above the status line: what Enter will do, the line, and what it means.

use ratatui::layout::Rect;
use ratatui::text::{Line, Span};
use ratatui::widgets::{Block, BorderType, Clear, Paragraph};
use ratatui::Frame;

use super::theme::Theme;
use crate::app::prompts::Prompt;
use crate::text::fit;

/// Rows the prompt takes: a border with the title, the line, the preview,
/// and the bottom border.
pub const HEIGHT: u16 = 4;

/// `hints`: the prompt's keys, from the keymap.
pub fn render(prompt: &Prompt, hints: &str, theme: &Theme, frame: &mut Frame, area: Rect) {
    let rect = Rect::new(
        area.x,
        area.y + area.height.saturating_sub(HEIGHT + 1),
        area.width,
        HEIGHT.min(area.height),
    );
    frame.render_widget(Clear, rect);
    let title = fit(&prompt.title, rect.width.saturating_sub(4) as usize);
    let block = Block::bordered()
        .border_type(BorderType::Double)
        .border_style(theme.border_overlay)
        .title(Span::styled(format!(" {title} "), theme.title_focused))
        .title_bottom(Span::styled(format!(" {hints} "), theme.dim));
    let inner = block.inner(rect);
    frame.render_widget(block, rect);
    if inner.height == 0 {
        return;
    }
    let line = Rect::new(inner.x, inner.y, inner.width, 1);
    frame.render_widget(prompt.input.widget(), line);
    if inner.height > 1 {
        let width = inner.width as usize;
        let preview = match &prompt.preview {
            Ok(text) => Line::styled(fit(text, width), theme.dim),
            Err(problem) => Line::styled(fit(problem, width), theme.error),
        };
        frame.render_widget(
            Paragraph::new(preview),
            Rect::new(inner.x, inner.y + 1, inner.width, 1),
        );
    }
}
