//! Colours and emphasis. The default theme uses only the 16 ANSI colours,
//! which every terminal has; the mono theme (and `NO_COLOR`) uses none at
//! all, only reverse video, bold and underline, so nothing that matters is
//! shown by colour alone.
//!
//! Mono uses no colour at all, not even "reset": crossterm (0.28 and 0.29
//! alike) writes a full SGR reset for any colour under `NO_COLOR`, which
//! would also clear the reverse video that marks the selection.

use ratatui::style::{Color, Modifier, Style};

use crate::app::ThemeName;

#[derive(Debug, Clone, Copy)]
pub struct Theme {
    pub border: Style,
    /// The border of what is drawn over the panes: editor, overlays, prompts.
    pub border_overlay: Style,
    pub title: Style,
    /// The focused pane's title: the one place focus shows besides the
    /// selection (see `ui::pane_block`).
    pub title_focused: Style,
    pub header: Style,
    /// The selected row of the focused pane.
    pub selected_focused: Style,
    /// The selected row of other panes.
    pub selected: Style,
    pub name: Style,
    pub label: Style,
    pub heading: Style,
    pub overdue: Style,
    pub today: Style,
    /// The kind letter of a task with a hard deadline.
    pub deadline: Style,
    pub dim: Style,
    /// What must be seen (an interpreter need, a disenrolled patient).
    pub alert: Style,
    pub status: Style,
    pub status_key: Style,
    pub error: Style,
    pub demo: Style,
}

impl Theme {
    pub fn new(name: ThemeName) -> Theme {
        match name {
            ThemeName::Default => Theme::ansi16(),
            ThemeName::Mono => Theme::mono(),
        }
    }

    fn ansi16() -> Theme {
        let bold = Style::new().add_modifier(Modifier::BOLD);
        Theme {
            border: Style::new().fg(Color::DarkGray),
            border_overlay: Style::new().fg(Color::Cyan),
            title: Style::new(),
            title_focused: bold.fg(Color::Cyan).add_modifier(Modifier::REVERSED),
            header: Style::new()
                .fg(Color::DarkGray)
                .add_modifier(Modifier::UNDERLINED),
            selected_focused: Style::new().add_modifier(Modifier::REVERSED | Modifier::BOLD),
            selected: bold,
            name: bold,
            label: Style::new().fg(Color::DarkGray),
            heading: bold.fg(Color::Cyan),
            overdue: Style::new().fg(Color::Red),
            today: Style::new().fg(Color::Yellow),
            deadline: bold.fg(Color::Red).add_modifier(Modifier::REVERSED),
            dim: Style::new().fg(Color::DarkGray),
            alert: bold.fg(Color::Magenta),
            status: Style::new(),
            status_key: bold.fg(Color::Cyan),
            error: bold.fg(Color::Red),
            demo: bold.fg(Color::Black).bg(Color::Yellow),
        }
    }

    fn mono() -> Theme {
        let plain = Style::new();
        let bold = Style::new().add_modifier(Modifier::BOLD);
        Theme {
            border: plain,
            border_overlay: bold,
            title: plain,
            title_focused: bold.add_modifier(Modifier::REVERSED),
            header: Style::new().add_modifier(Modifier::UNDERLINED),
            selected_focused: Style::new().add_modifier(Modifier::REVERSED | Modifier::BOLD),
            selected: bold,
            name: bold,
            label: plain,
            heading: bold.add_modifier(Modifier::UNDERLINED),
            overdue: bold,
            today: plain,
            deadline: bold.add_modifier(Modifier::REVERSED),
            dim: plain,
            alert: bold.add_modifier(Modifier::UNDERLINED),
            status: plain,
            status_key: bold,
            error: bold.add_modifier(Modifier::REVERSED),
            demo: Style::new().add_modifier(Modifier::REVERSED),
        }
    }
}
