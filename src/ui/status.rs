//! The status line: who, which day, the focused pane's main keys, and the
//! last message.

use ratatui::layout::Rect;
use ratatui::style::Modifier;
use ratatui::text::{Line, Span};
use ratatui::Frame;

use super::theme::Theme;
use crate::app::keymap::Context;
use crate::app::{App, Message};
use crate::text::fit;

pub fn render(app: &App, theme: &Theme, frame: &mut Frame, area: Rect) {
    let mut spans = Vec::new();
    if app.demo {
        spans.push(Span::styled(" DEMO ", theme.demo));
        spans.push(Span::raw(" "));
    }
    // While anything waits to be written, or nothing can be: always shown,
    // whatever the message.
    if app.disk_trouble.is_some() {
        let badge = if app.store().read_only().is_some() {
            " READ-ONLY "
        } else {
            " DISK FULL "
        };
        spans.push(Span::styled(
            badge,
            theme.error.add_modifier(Modifier::REVERSED),
        ));
        spans.push(Span::raw(" "));
    }
    spans.push(Span::styled(fit(&app.settings.user, 16), theme.status_key));
    spans.push(Span::styled(
        format!(" {} │ ", app.today().format("%a %Y-%m-%d")),
        theme.status,
    ));
    let used: usize = spans.iter().map(|s| s.width()).sum();
    let room = (area.width as usize).saturating_sub(used);
    match &app.message {
        Some(Message::Info(text)) => spans.push(Span::styled(fit(text, room), theme.status)),
        Some(Message::Error(text)) => spans.push(Span::styled(fit(text, room), theme.error)),
        None => match &app.disk_trouble {
            Some(trouble) => spans.push(Span::styled(fit(trouble, room), theme.error)),
            None => spans.extend(key_hints(app, theme, room)),
        },
    }
    frame.render_widget(Line::from(spans), area);
}

/// "? help  q quit  Enter open  / filter" from the keymap, as many as fit:
/// help and quit first, so a new user always sees them.
fn key_hints<'a>(app: &App, theme: &Theme, room: usize) -> Vec<Span<'a>> {
    let mut spans = Vec::new();
    let mut used = 0;
    let (global, own): (Vec<_>, Vec<_>) = app
        .settings
        .keymap
        .bindings_for(app.focus)
        .partition(|b| b.context == Context::Global);
    for binding in global.into_iter().chain(own) {
        let (Some(hint), Some(key)) = (binding.hint, binding.keys.first()) else {
            continue;
        };
        let key = key.to_string();
        let width = key.chars().count() + 1 + hint.chars().count() + 2;
        if used + width > room {
            break;
        }
        used += width;
        spans.push(Span::styled(key, theme.status_key));
        spans.push(Span::styled(format!(" {hint}  "), theme.status));
    }
    spans
}
