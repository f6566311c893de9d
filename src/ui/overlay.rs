//! Overlays drawn over the panes: help, and a goal in full.

use ratatui::layout::{Constraint, Flex, Layout, Rect};
use ratatui::text::{Line, Span};
use ratatui::widgets::{Block, BorderType, Clear, Paragraph, Wrap};
use ratatui::Frame;

use super::theme::Theme;
use crate::app::help::{help_lines, hint_line, HelpLine};
use crate::app::keymap::Context;
use crate::app::notes::{summary_line, Proposal};
use crate::app::{App, Overlay};
use crate::text::{clean, fit};

pub fn render(app: &App, overlay: &Overlay, theme: &Theme, frame: &mut Frame, area: Rect) {
    match overlay {
        Overlay::SafetySteps(_)
        | Overlay::FollowUps(_)
        | Overlay::Screenings(_)
        | Overlay::ScreeningChart(_)
        | Overlay::ConfirmAbandon(_) => {
            super::screening::render_overlay(app, overlay, theme, frame, area)
        }
        Overlay::Help { scroll, of } => render_help(app, *scroll, *of, theme, frame, area),
        Overlay::ConfirmDiscard => {
            let rect = centered(area, 60, 3);
            frame.render_widget(Clear, rect);
            frame.render_widget(
                Paragraph::new("Throw this draft away? It cannot be brought back.").block(
                    overlay_block(theme, " y discards · any other key keeps it "),
                ),
                rect,
            );
        }
        Overlay::Templates { selected } => {
            let lines: Vec<Line> = app
                .settings
                .templates
                .iter()
                .enumerate()
                .map(|(i, t)| {
                    let style = if i == *selected {
                        theme.selected_focused
                    } else {
                        ratatui::style::Style::new()
                    };
                    let key = if i < 9 {
                        format!("{} ", i + 1)
                    } else {
                        "  ".into()
                    };
                    Line::styled(format!("{key}{}", fit(&t.name, 50)), style)
                })
                .collect();
            // Taller than the screen: keep the selection in view.
            let rows = (lines.len() as u16)
                .min(area.height.saturating_sub(4))
                .max(1);
            let first = selected.saturating_sub(rows as usize - 1);
            let rect = centered(area, 56, rows + 2);
            frame.render_widget(Clear, rect);
            frame.render_widget(
                Paragraph::new(lines)
                    .scroll((first as u16, 0))
                    .block(overlay_block(
                        theme,
                        &format!(
                            " Insert a template · {} or {} ",
                            numbered_keys(app),
                            app.settings.keymap.key_name("template_insert")
                        ),
                    )),
                rect,
            );
        }
        Overlay::Proposal(proposal) => {
            let text = match proposal {
                Proposal::AddRetry { line, .. } => format!(
                    "Add \"{}\" due {}?",
                    fit(&line.title, 40),
                    line.due.map(crate::domain::dates::show).unwrap_or_default()
                ),
                Proposal::Complete { title, .. } => {
                    format!("Complete the open task \"{}\"?", fit(title, 40))
                }
            };
            let rect = centered(area, 64, 3);
            frame.render_widget(Clear, rect);
            frame.render_widget(
                Paragraph::new(text).block(overlay_block(
                    theme,
                    &format!(
                        " Next step · {} · {} skips ",
                        hint_line(&app.settings.keymap, overlay.context()),
                        app.settings.keymap.key_name("back")
                    ),
                )),
                rect,
            );
        }
        Overlay::Timeline { notes, selected } => {
            let width = area.width.saturating_sub(8).min(100);
            let rows = area.height.saturating_sub(4);
            let first = selected.saturating_sub(rows.saturating_sub(1) as usize);
            let lines: Vec<Line> = notes
                .iter()
                .enumerate()
                .skip(first)
                .take(rows as usize)
                .map(|(i, note)| {
                    let style = if i == *selected {
                        theme.selected_focused
                    } else {
                        ratatui::style::Style::new()
                    };
                    Line::styled(
                        fit(&summary_line(note, &app.clock), width as usize - 2),
                        style,
                    )
                })
                .collect();
            let rect = centered(area, width, lines.len() as u16 + 2);
            frame.render_widget(Clear, rect);
            frame.render_widget(
                Paragraph::new(lines).block(overlay_block(theme, &closes(app, "Notes", overlay))),
                rect,
            );
        }
        Overlay::Note {
            note,
            addenda,
            scroll,
        } => {
            let mut lines = vec![Line::styled(
                format!(
                    "{} · {} {} · with {} · {} · {} min · {}",
                    app.clock.local(note.sent_at).format("%Y-%m-%d %H:%M"),
                    note.header.direction.label(),
                    note.header.method.label(),
                    note.header.party.label(),
                    note.header.outcome.label(),
                    note.header.minutes,
                    fit(note.author.as_deref().unwrap_or("?"), 16)
                ),
                theme.label,
            )];
            lines.push(Line::raw(""));
            lines.extend(note.body.lines().map(|l| Line::raw(clean(l).into_owned())));
            for addendum in addenda {
                lines.push(Line::raw(""));
                lines.push(Line::styled(
                    format!(
                        "Addendum {} by {}",
                        app.clock.local(addendum.sent_at).format("%Y-%m-%d %H:%M"),
                        fit(addendum.author.as_deref().unwrap_or("?"), 16)
                    ),
                    theme.heading,
                ));
                lines.extend(
                    addendum
                        .body
                        .lines()
                        .map(|l| Line::raw(clean(l).into_owned())),
                );
            }
            let rect = centered(
                area,
                area.width.saturating_sub(6).min(100),
                area.height.saturating_sub(3),
            );
            frame.render_widget(Clear, rect);
            // Wrapped lines can outnumber the text's: the last screenful
            // is reached by scrolling up to the count of rows as they wrap
            // (at words, so more than the text's width over the row's).
            let text = Paragraph::new(lines).wrap(Wrap { trim: false });
            let rows = text.line_count(rect.width.saturating_sub(2).max(1));
            let last = rows.saturating_sub(rect.height.saturating_sub(2) as usize);
            frame.render_widget(
                text.scroll(((*scroll).min(last) as u16, 0))
                    .block(overlay_block(
                        theme,
                        &closes(
                            app,
                            &format!(
                                "Signed note · {} {} scroll",
                                app.settings.keymap.key_name("move_down"),
                                app.settings.keymap.key_name("move_up")
                            ),
                            overlay,
                        ),
                    )),
                rect,
            );
        }
        Overlay::Search {
            words,
            hits,
            capped,
            selected,
        } => {
            let what = if *capped {
                format!(
                    "the best {} notes holding \"{}\"",
                    hits.len(),
                    fit(words, 20)
                )
            } else {
                format!("{} notes hold \"{}\"", hits.len(), fit(words, 20))
            };
            let title = closes(app, &what, overlay);
            let width = area.width.saturating_sub(8).min(110);
            render_list(theme, frame, area, width, &title, hits, *selected, |hit| {
                format!(
                    "{}  {}  {}",
                    app.clock.local_date(hit.sent_at),
                    fit(&hit.patient_name, 24),
                    hit.line.trim()
                )
            });
        }
        Overlay::Audit {
            words,
            rows,
            selected,
        } => {
            let filter = if words.is_empty() {
                "everything".to_string()
            } else {
                fit(words, 40)
            };
            let title = closes(
                app,
                &format!(
                    "Audit trail · {} row{} · {filter}",
                    rows.len(),
                    if rows.len() == 1 { "" } else { "s" }
                ),
                overlay,
            );
            let width = area.width.saturating_sub(4).min(120);
            render_list(theme, frame, area, width, &title, rows, *selected, |row| {
                let event = &row.event;
                let what = match &row.member_id {
                    Some(member) => format!("{} {}", event.entity_type, member),
                    None => event.entity_type.clone(),
                };
                clean(&format!(
                    "{}  {:<10}  {}  {:<22}  {}",
                    app.clock.local(event.recorded_at).format("%m-%d %H:%M"),
                    fit(&event.agent, 10),
                    crate::app::audit_view::action_word(event.action),
                    fit(&what, 22),
                    event.detail.as_deref().unwrap_or("").trim()
                ))
                .into_owned()
            });
        }
        Overlay::Transitions { .. } | Overlay::AdtQueue { .. } => {
            super::transitions::render(app, overlay, theme, frame, area)
        }
        Overlay::Referrals(_)
        | Overlay::Appointments(_)
        | Overlay::Authorizations(_)
        | Overlay::LoopDetail(_)
        | Overlay::KeyChoice(_) => super::loops::render(app, overlay, theme, frame, area),
        Overlay::Service(detail) => {
            super::directory::render_service(app, detail, theme, frame, area)
        }
        Overlay::OpenLoops(_) | Overlay::Week(_) => {
            super::week::render(app, overlay, theme, frame, area)
        }
        Overlay::Goal(detail) => {
            let goal = &detail.goal;
            let today = app.today();
            let field = |label: &str, value: String| {
                Line::from(vec![
                    Span::styled(format!("{label:<9}"), theme.label),
                    Span::raw(clean(&value).into_owned()),
                ])
            };
            let mut lines = vec![
                Line::raw(clean(&goal.description).into_owned()),
                Line::raw(""),
            ];
            if let Some(need) = &detail.need {
                lines.push(field("Need", need.clone()));
            }
            if let Some(measure) = &goal.measure {
                lines.push(field("Measure", measure.clone()));
            }
            lines.push(field(
                "Status",
                format!(
                    "{} · {} priority",
                    goal.status.label(),
                    goal.priority.label()
                ),
            ));
            lines.push(field(
                "Started",
                goal.start_date.map(|d| d.to_string()).unwrap_or("—".into()),
            ));
            lines.push(Line::from(vec![
                Span::styled("Target   ", theme.label),
                match goal.target_date {
                    Some(d) if goal.is_overdue(today) => {
                        Span::styled(format!("{d} (overdue)"), theme.overdue)
                    }
                    Some(d) => Span::raw(d.to_string()),
                    None => Span::raw("none set"),
                },
            ]));
            lines.push(Line::raw(""));
            if detail.progress.is_empty() {
                lines.push(Line::styled(
                    "No progress recorded yet; + records it.",
                    theme.dim,
                ));
            } else {
                let heading = if detail.trend.is_empty() {
                    "Progress".to_string()
                } else {
                    format!("Progress {}", detail.trend)
                };
                lines.push(Line::styled(heading, theme.heading));
                for entry in &detail.progress {
                    lines.push(Line::raw(clean(entry).into_owned()));
                }
            }
            lines.push(Line::raw(""));
            if detail.interventions.is_empty() {
                lines.push(Line::styled(
                    "No interventions yet; i adds a task that serves it.",
                    theme.dim,
                ));
            } else {
                lines.push(Line::styled("Interventions", theme.heading));
                for intervention in &detail.interventions {
                    lines.push(Line::raw(clean(intervention).into_owned()));
                }
            }
            let rect = centered(area, 64, (lines.len() as u16 + 2).clamp(8, 20));
            frame.render_widget(Clear, rect);
            frame.render_widget(
                Paragraph::new(lines)
                    .wrap(Wrap { trim: false })
                    .block(overlay_block(theme, &closes(app, "Goal", overlay))),
                rect,
            );
        }
    }
}

fn render_help(
    app: &App,
    scroll: usize,
    of: Context,
    theme: &Theme,
    frame: &mut Frame,
    area: Rect,
) {
    let lines: Vec<Line> = help_lines(&app.settings.keymap, of, &app.settings.urgency)
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
    let rows = crate::app::layout::help_rows(lines.len(), area.height);
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

pub(super) fn overlay_block<'a>(theme: &Theme, title: &str) -> Block<'a> {
    Block::bordered()
        .border_type(BorderType::Double)
        .border_style(theme.border_overlay)
        .title(Span::styled(title.to_string(), theme.title_focused))
}

pub(super) fn centered(area: Rect, width: u16, height: u16) -> Rect {
    let [row] = Layout::vertical([Constraint::Length(height.min(area.height))])
        .flex(Flex::Center)
        .areas(area);
    let [rect] = Layout::horizontal([Constraint::Length(width.min(area.width))])
        .flex(Flex::Center)
        .areas(row);
    rect
}

/// An overlay's title: what it shows, its keys from the keymap, and the
/// key that closes it ("Notes · Enter reads one · / searches all notes ·
/// Esc closes").
pub(super) fn closes(app: &App, what: &str, overlay: &Overlay) -> String {
    let hints = hint_line(&app.settings.keymap, overlay.context());
    let close = app.settings.keymap.key_name("back");
    if hints.is_empty() {
        format!(" {what} · {close} closes ")
    } else {
        format!(" {what} · {hints} · {close} closes ")
    }
}

/// "1-9": the first and last of the templates' numbered keys.
fn numbered_keys(app: &App) -> String {
    let keys = app
        .settings
        .keymap
        .keys_of("template_by_number")
        .unwrap_or_default();
    match (keys.first(), keys.last()) {
        (Some(first), Some(last)) if first != last => format!("{first}-{last}"),
        (Some(only), _) => only.to_string(),
        _ => String::new(),
    }
}

/// A list overlay: one line an item, the selected one highlighted and kept
/// in view, in a box `width` wide and as tall as its lines (one at least).
#[allow(clippy::too_many_arguments)] // the box, its title, its items and how each reads
pub(super) fn render_list<T>(
    theme: &Theme,
    frame: &mut Frame,
    area: Rect,
    width: u16,
    title: &str,
    items: &[T],
    selected: usize,
    text_of: impl Fn(&T) -> String,
) {
    let rows = area.height.saturating_sub(4);
    let first = selected.saturating_sub(rows.saturating_sub(1) as usize);
    let lines: Vec<Line> = items
        .iter()
        .enumerate()
        .skip(first)
        .take(rows as usize)
        .map(|(i, item)| {
            let style = if i == selected {
                theme.selected_focused
            } else {
                ratatui::style::Style::new()
            };
            Line::styled(fit(&text_of(item), width as usize - 2), style)
        })
        .collect();
    let rect = centered(area, width, lines.len().max(1) as u16 + 2);
    frame.render_widget(Clear, rect);
    frame.render_widget(
        Paragraph::new(lines).block(overlay_block(theme, title)),
        rect,
    );
}
