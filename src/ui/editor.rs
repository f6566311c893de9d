//! The note editor: the call sheet (who is on the phone), the header chosen
//! with single keys, and the note's text.

use ratatui::layout::{Constraint, Layout, Rect};
use ratatui::text::{Line, Span};
use ratatui::widgets::{Block, BorderType, Paragraph, Wrap};
use ratatui::Frame;

use super::theme::Theme;
use crate::app::editor::{Field, Kept, NoteEditor};
use crate::app::help::hint_line;
use crate::app::keymap::{Context, Keymap};
use crate::app::layout;
use crate::app::App;
use crate::domain::note::{DraftHeader, HeaderField};
use crate::text::{clean, fit};

pub fn render(app: &App, editor: &NoteEditor, theme: &Theme, frame: &mut Frame, area: Rect) {
    let areas = layout::editor_areas(area);
    render_sheet(editor, theme, frame, areas.sheet);

    let block = Block::bordered()
        .border_type(BorderType::Thick)
        .border_style(theme.border_overlay)
        .title(Span::styled(
            format!(" Note for {} ", fit(&editor.sheet.name, 40)),
            theme.title_focused,
        ))
        .title_bottom(Span::styled(
            format!(" {} ", hint_line(&app.settings.keymap, Context::Editor)),
            theme.dim,
        ));
    let inner = block.inner(areas.editor);
    frame.render_widget(block, areas.editor);
    let [header, hint, body] = Layout::vertical([
        Constraint::Length(2),
        Constraint::Length(2),
        Constraint::Min(0),
    ])
    .areas(inner);

    let h = editor.header_at(app.clock.now_utc());
    let asking = editor.asking();
    let minutes = match &editor.minutes_typed {
        Some(typed) => format!("{typed}_"),
        None => format!("{} (counting)", h.minutes),
    };
    let field = |f: Field, value: Option<String>| -> Vec<Span<'static>> {
        let focused = editor.field == f || asking.is_some_and(|a| Field::Header(a) == f);
        let (text, style) = match value {
            Some(value) => (value, ratatui::style::Style::new()),
            // Not chosen: said so, never shown as a value.
            None => ("—".to_string(), theme.dim),
        };
        vec![
            Span::styled(format!("{}: ", f.label()), theme.label),
            Span::styled(
                text,
                if focused {
                    theme.selected_focused
                } else {
                    style
                },
            ),
            Span::raw("  "),
        ]
    };
    let chosen = |f: HeaderField| (Field::Header(f), h.value_label(f).map(str::to_string));
    let mut first = Vec::new();
    for f in [
        HeaderField::Method,
        HeaderField::Direction,
        HeaderField::Party,
    ] {
        let (f, value) = chosen(f);
        first.extend(field(f, value));
    }
    let (outcome, value) = chosen(HeaderField::Outcome);
    let mut second = field(outcome, value);
    second.extend(field(Field::Minutes, Some(minutes)));
    frame.render_widget(
        Paragraph::new(vec![Line::from(first), Line::from(second)]),
        header,
    );
    let (hint_text, hint_style) = match (&editor.kept, asking) {
        (Kept::Aside(path), _) => (
            format!(
                "NOT IN THE RECORD YET (disk full: free some space): kept in {} until there is room",
                path.display()
            ),
            theme.error,
        ),
        (Kept::Nowhere(_), _) => (
            format!(
                "NOT SAVED ANYWHERE (disk full): keep tend open and free some space; {} keeps the note open until it is saved",
                app.settings.keymap.key_name("editor_close")
            ),
            theme.error,
        ),
        (Kept::Database, Some(f)) => (
            format!(
                "To sign, the {}? {} · {}: not now",
                f.label().to_lowercase(),
                choice_list(f),
                app.settings.keymap.key_name("editor_close")
            ),
            theme.alert,
        ),
        (Kept::Database, None) => (field_hint(&app.settings.keymap, editor.field, &h), theme.dim),
    };
    frame.render_widget(
        Paragraph::new(clean(&hint_text).into_owned())
            .style(hint_style)
            .wrap(Wrap { trim: true }),
        hint,
    );
    // One column is kept free at the right: the text wraps before it, so
    // the cursor after a row that fills the width is still on screen.
    let text = Rect {
        width: body.width.saturating_sub(1),
        ..body
    };
    frame.render_widget(&editor.body, text);
}

/// "p phone · i in person · …": the keys that choose the field's value.
fn choice_list(field: HeaderField) -> String {
    field
        .choices()
        .iter()
        .map(|(key, label)| format!("{key} {label}"))
        .collect::<Vec<_>>()
        .join(" · ")
}

/// What the focused field takes.
fn field_hint(keymap: &Keymap, field: Field, header: &DraftHeader) -> String {
    let key = |name| keymap.key_name(name);
    match field {
        Field::Header(f) => format!(
            "{} · {} {} cycle, {} clears",
            choice_list(f),
            key("header_prev_value"),
            key("header_next_value"),
            key("header_clear")
        ),
        Field::Minutes => format!(
            "Type the minutes, or {} to keep counting; other keys go into the note",
            key("header_next_field")
        ),
        Field::Body if header.missing().is_empty() => format!(
            "Type the note; it is saved as you type. {} undoes.",
            key("editor_undo")
        ),
        Field::Body => format!(
            "Type the note; it is saved as you type. {} chooses method, with whom, outcome.",
            key("editor_header")
        ),
    }
}

fn render_sheet(editor: &NoteEditor, theme: &Theme, frame: &mut Frame, area: Rect) {
    let sheet = &editor.sheet;
    let width = area.width.saturating_sub(2) as usize;
    let mut lines = vec![Line::styled(fit(&sheet.name, width), theme.name)];
    let phones = if sheet.phones.is_empty() {
        "no phone on file".to_string()
    } else {
        sheet.phones.join(" · ")
    };
    lines.push(Line::raw(fit(&phones, width)));
    lines.push(Line::styled(fit(&sheet.language, width), theme.alert));
    for goal in &sheet.goals {
        lines.push(Line::raw(fit(&format!("• {goal}"), width)));
    }
    frame.render_widget(
        Paragraph::new(lines).block(
            Block::bordered()
                .border_style(theme.border)
                .title(Span::styled(" On the call ", theme.title)),
        ),
        area,
    );
}
