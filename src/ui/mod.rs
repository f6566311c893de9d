//! Drawing only: `render` reads the app and draws a frame; it does no I/O
//! and changes nothing. Every piece of stored text goes through
//! [`crate::text::clean`] (via [`crate::text::fit`]) before it is drawn.

mod caseload;
mod directory;
mod editor;
mod form;
mod goals;
mod lock;
mod loops;
mod overlay;
mod patient;
mod prompt;
mod screening;
mod status;
mod tasks;
pub mod theme;
mod transitions;
mod week;

use ratatui::layout::{Alignment, Rect};
use ratatui::text::{Line, Span};
use ratatui::widgets::{Block, BorderType, HighlightSpacing, Paragraph, Table, TableState, Wrap};
use ratatui::Frame;

use crate::app::help::hint_line;
use crate::app::keymap::Context;
use crate::app::layers::Modal;
use crate::app::layout;
use crate::app::list::ListCursor;
use crate::app::pane::PaneId;
use crate::app::App;
use theme::Theme;

pub fn render(app: &App, frame: &mut Frame) {
    let area = frame.area();
    let theme = Theme::new(app.settings.theme);
    // Locked: the lock screen alone, whatever the size of the terminal.
    if let Some(locked) = app.lock_screen() {
        lock::render(app, locked, &theme, frame, area);
        return;
    }
    if layout::is_too_small(area.width, area.height) {
        render_too_small(frame, area);
        return;
    }
    let areas = layout::areas(area, app.zoom());
    if let Some(note) = app.editor() {
        editor::render(app, note, &theme, frame, area);
    } else {
        for pane in PaneId::ALL {
            let rect = areas.of(pane);
            if rect.is_empty() {
                continue; // another pane is zoomed
            }
            match pane {
                PaneId::Caseload => caseload::render(app, &theme, frame, rect),
                PaneId::Patient => patient::render(app, &theme, frame, rect),
                PaneId::Goals => goals::render(app, &theme, frame, rect),
                PaneId::Tasks => tasks::render(app, &theme, frame, rect),
            }
        }
    }
    status::render(app, &theme, frame, areas.status);
    // The layers over the panes, bottom to top, as they take keys.
    match app.layers().modal() {
        Some(Modal::Prompt(prompt)) => {
            let hints = hint_line(&app.settings.keymap, Context::LineInput);
            prompt::render(prompt, &hints, &theme, frame, area);
        }
        Some(Modal::Form(open)) => {
            let keys = form::FormKeys {
                hints: hint_line(&app.settings.keymap, Context::Form),
                saves_at_end: format!(" · {} saves", app.settings.keymap.key_name("form_enter")),
                completion: crate::app::form::CompletionKeys::from_keymap(&app.settings.keymap),
            };
            form::render(open, &keys, &theme, frame, area);
        }
        Some(Modal::Directory(view)) => directory::render(app, view, &theme, frame, area),
        Some(Modal::Screening(view)) => screening::render(app, view, &theme, frame, area),
        // The editor is drawn in place of the panes (above); the filter
        // line inside the caseload.
        Some(Modal::Editor(_) | Modal::Filter(_)) | None => {}
    }
    if let Some(overlay) = app.overlay() {
        overlay::render(app, overlay, &theme, frame, area);
    }
}

/// The frame of a pane: its number and name, and what it shows. Focus shows
/// in the title alone (reverse video) and in the selection's style, never in
/// the border: a border restyled on every `Tab` cost about 1,200 bytes at
/// 80x24 (two panes' worth of box-drawing characters), a title about 40.
fn pane_block<'a>(app: &App, theme: &Theme, pane: PaneId, detail: String) -> Block<'a> {
    let focused = app.focus == pane;
    let title = format!(" {} {} ", pane.number(), pane.title());
    let mut spans = vec![Span::styled(
        title,
        if focused {
            theme.title_focused
        } else {
            theme.title
        },
    )];
    if !detail.is_empty() {
        spans.push(Span::styled(format!(" {detail} "), theme.title));
    }
    Block::bordered()
        .border_type(BorderType::Plain)
        .border_style(theme.border)
        .title(Line::from(spans))
}

/// Draws the rows on screen of a list pane with its selection marked: a `▶`
/// always, reverse video when the pane has focus and bold when not, so the
/// selection shows without colour.
fn render_list(
    app: &App,
    theme: &Theme,
    pane: PaneId,
    frame: &mut Frame,
    area: Rect,
    table: Table<'_>,
    cursor: &ListCursor,
) {
    let style = if app.focus == pane {
        theme.selected_focused
    } else {
        theme.selected
    };
    let table = table
        .row_highlight_style(style)
        .highlight_symbol("▶ ")
        .highlight_spacing(HighlightSpacing::Always);
    let first_on_screen = cursor.scroll();
    let mut state = TableState::new().with_selected(
        cursor
            .selected()
            .and_then(|s| s.checked_sub(first_on_screen)),
    );
    frame.render_stateful_widget(table, area, &mut state);
}

fn render_too_small(frame: &mut Frame, area: Rect) {
    let message = format!(
        "tend needs a terminal of at least {}×{}; this one is {}×{}. Enlarge the window, or press q to quit.",
        layout::MIN_WIDTH,
        layout::MIN_HEIGHT,
        area.width,
        area.height
    );
    let top = area.height / 2;
    let rect = Rect::new(
        area.x,
        area.y + top.saturating_sub(1),
        area.width,
        area.height - top.saturating_sub(1),
    );
    frame.render_widget(
        Paragraph::new(message)
            .alignment(Alignment::Center)
            .wrap(Wrap { trim: true }),
        rect,
    );
}
