//! The note editor: the call sheet (who is on the phone), the header chosen
//! with single keys, and the note's text.

use ratatui::layout::{Constraint, Layout, Rect};
use ratatui::text::{Line, Span};
use ratatui::widgets::{Block, BorderType, Paragraph};
use ratatui::Frame;

use super::layout;
use super::text::fit;
use super::theme::Theme;
use crate::app::editor::{Field, NoteEditor};
use crate::app::App;
use crate::domain::note::{Direction, Method, Outcome, Party};

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
            " Tab field · Ctrl-S sign · Esc keep draft · Ctrl-T template · Ctrl-O time · Ctrl-Q discard ",
            theme.dim,
        ));
    let inner = block.inner(areas.editor);
    frame.render_widget(block, areas.editor);
    let [header, choices, body] = Layout::vertical([
        Constraint::Length(3),
        Constraint::Length(1),
        Constraint::Min(0),
    ])
    .areas(inner);

    let h = editor.header_at(app.clock.now_utc());
    let minutes = match &editor.minutes_typed {
        Some(typed) => format!("{typed}_"),
        None => format!("{} (counting)", h.minutes),
    };
    let field = |f: Field, value: String| -> Vec<Span<'static>> {
        let style = if editor.field == f {
            theme.selected_focused
        } else {
            ratatui::style::Style::new()
        };
        vec![
            Span::styled(format!("{}: ", f.label()), theme.label),
            Span::styled(value, style),
            Span::raw("  "),
        ]
    };
    let mut first = field(Field::Method, h.method.label().into());
    first.extend(field(Field::Direction, h.direction.label().into()));
    first.extend(field(Field::Party, h.party.label().into()));
    let mut second = field(Field::Outcome, h.outcome.label().into());
    second.extend(field(Field::Minutes, minutes));
    frame.render_widget(
        Paragraph::new(vec![Line::from(first), Line::from(second)]),
        header,
    );
    frame.render_widget(
        Line::styled(
            fit(&choice_hint(editor.field), choices.width as usize),
            theme.dim,
        ),
        choices,
    );
    frame.render_widget(&editor.body, body);
}

/// The keys of the focused header field: "p phone · i in person · …".
fn choice_hint(field: Field) -> String {
    fn list<T: Copy>(all: &[T], key: fn(T) -> char, label: fn(T) -> &'static str) -> String {
        all.iter()
            .map(|&c| format!("{} {}", key(c), label(c)))
            .collect::<Vec<_>>()
            .join(" · ")
    }
    match field {
        Field::Method => list(Method::ALL, Method::key, Method::label),
        Field::Direction => list(Direction::ALL, Direction::key, Direction::label),
        Field::Party => list(Party::ALL, Party::key, Party::label),
        Field::Outcome => list(Outcome::ALL, Outcome::key, Outcome::label),
        Field::Minutes => "type the minutes, or Enter to keep counting".into(),
        Field::Body => "Type the note; it is saved as you type. Ctrl-Z undoes.".into(),
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
