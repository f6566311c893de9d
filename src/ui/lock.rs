//! The lock screen: the whole terminal, and nothing of any patient — not a
//! pane, not the status line (whose messages can name one). Only who the
//! screen belongs to, how it locked, dots for what is typed and the keys.

use ratatui::layout::{Alignment, Rect};
use ratatui::text::{Line, Span};
use ratatui::widgets::{Block, BorderType, Clear, Paragraph, Wrap};
use ratatui::Frame;

use super::theme::Theme;
use crate::app::help::hint_line;
use crate::app::keymap::Context;
use crate::app::lock::{LockScreen, Locked, Stage};
use crate::app::App;
use crate::text::clean;

pub fn render(app: &App, lock: &LockScreen, theme: &Theme, frame: &mut Frame, area: Rect) {
    frame.render_widget(Clear, area);
    let width = area.width.min(64);
    let height = area.height.min(12);
    let rect = Rect::new(
        area.x + (area.width - width) / 2,
        area.y + (area.height - height) / 2,
        width,
        height,
    );
    let minutes = app.settings.lock_after.as_secs_f64() / 60.0;
    let how = match lock.why {
        Locked::Idle => format!("Locked after {minutes} minutes without a key."),
        Locked::Asked => "Locked.".to_string(),
    };
    let dots = "•".repeat(lock.typed_len().min(40));
    let mut lines = vec![
        Line::from(Span::styled(
            format!("{}'s screen", clean(&app.settings.user)),
            theme.heading,
        )),
        Line::from(how),
        Line::from(""),
    ];
    match &lock.stage {
        Stage::Unlock => {
            lines.push(Line::from("Type your tend passphrase to unlock."));
            lines.push(Line::from(format!("Passphrase: {dots}")));
        }
        Stage::System => {
            lines.push(Line::from(
                "Type your password (the one you log in to this server with) to unlock.",
            ));
            lines.push(Line::from(format!("Password: {dots}")));
        }
        Stage::Choose { first: None } => {
            lines.push(Line::from(format!(
                "No passphrase is set for you yet. Choose one (at least {} characters): \
                 you will type it to unlock.",
                crate::secret::MIN_PASSPHRASE_CHARS
            )));
            lines.push(Line::from(format!("New passphrase: {dots}")));
        }
        Stage::Choose { first: Some(_) } => {
            lines.push(Line::from("Type it again, to be sure."));
            lines.push(Line::from(format!("Again: {dots}")));
        }
        Stage::CannotUnlock => {
            lines.push(Line::from(
                "No passphrase was set for you, so tend cannot tell who is here. Your note \
                 is saved; leave tend and start it again (the draft is offered back).",
            ));
        }
    }
    if let Some(said) = &lock.said {
        lines.push(Line::from(Span::styled(said.clone(), theme.error)));
    }
    lines.push(Line::from(""));
    let hints = match lock.stage {
        Stage::CannotUnlock => format!(
            "{} or {}: save and leave",
            app.key("lock_submit"),
            app.key("lock_leave")
        ),
        Stage::Choose { .. } => format!(
            "{} takes it · {} does not lock",
            app.key("lock_submit"),
            app.key("lock_back")
        ),
        Stage::Unlock | Stage::System => hint_line(&app.settings.keymap, Context::Lock),
    };
    lines.push(Line::from(Span::styled(hints, theme.dim)));
    let block = Block::bordered()
        .border_type(BorderType::Plain)
        .border_style(theme.border_overlay)
        .title(Span::styled(" tend is locked ", theme.title_focused));
    frame.render_widget(
        Paragraph::new(lines)
            .block(block)
            .alignment(Alignment::Left)
            .wrap(Wrap { trim: true }),
        rect,
    );
}
