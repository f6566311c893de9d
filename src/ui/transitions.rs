//! The transitions of care overlay (the clocks, nearest deadline first)
//! and the supervisor's ADT work queue.
//!
//! A missed clock is said in capitals ("MISSED") as well as drawn in the
//! theme's overdue style, so it reads without colour (`NO_COLOR`).

use ratatui::layout::Rect;
use ratatui::style::Style;
use ratatui::text::Line;
use ratatui::widgets::{Clear, Paragraph};
use ratatui::Frame;

use super::overlay::{centered, closes, overlay_block};
use super::theme::Theme;
use crate::app::transitions::{event_text, short, LOOKING_BACK_DAYS};
use crate::app::{App, Overlay};
use crate::domain::transitions::ClockState;
use crate::text::{clean, fit, pad};

pub fn render(app: &App, overlay: &Overlay, theme: &Theme, frame: &mut Frame, area: Rect) {
    match overlay {
        Overlay::Transitions {
            team,
            rows,
            selected,
        } => {
            let missed = rows
                .iter()
                .filter(|r| matches!(r.clock.state, ClockState::Missed { .. }))
                .count();
            let title = closes(
                app,
                &format!(
                    "Transitions · {} · {} clock{} · {missed} missed",
                    if *team { "the team's" } else { "yours" },
                    rows.len(),
                    if rows.len() == 1 { "" } else { "s" }
                ),
                overlay,
            );
            let width = area.width.saturating_sub(4).min(130);
            let inner = width.saturating_sub(2) as usize;
            let wide = inner >= 100;
            let (name_w, event_w) = if wide { (20, 40) } else { (16, 24) };
            // state, due, name, event, then the clock and READMIT.
            let fixed = 9 + 1 + 5 + 1 + name_w + 1 + event_w + 1;
            let clock_w = inner.saturating_sub(fixed + 8);
            let header = format!(
                "{:<9} {:<5} {:<name_w$} {:<event_w$} {}",
                "state", "due", "patient", "event", "clock"
            );
            let items: Vec<(String, Style)> = rows
                .iter()
                .map(|row| {
                    let (state, style) = match row.clock.state {
                        ClockState::Missed { met_late_on: None } => {
                            ("MISSED".to_string(), theme.overdue)
                        }
                        ClockState::Missed { .. } => ("MET LATE".to_string(), theme.overdue),
                        ClockState::Open { days_left: 0, .. } => {
                            (row.clock.state.label(), theme.today)
                        }
                        _ => (row.clock.state.label(), Style::new()),
                    };
                    let label = row.clock.kind.label();
                    let clock = if label.chars().count() <= clock_w {
                        label.to_string()
                    } else if clock_w >= 20 {
                        pad(label, clock_w)
                    } else {
                        short(row.clock.kind).to_string()
                    };
                    let text = format!(
                        "{:<9} {} {} {} {} {}",
                        state,
                        row.clock.due_on.format("%m-%d"),
                        pad(&row.patient_name, name_w),
                        pad(&event_text(row.class, row.event_on, &row.facility), event_w),
                        pad(&clock, clock_w),
                        if row.readmission { "READMIT" } else { "" }
                    );
                    (text, style)
                })
                .collect();
            let empty = format!(
                "No clock is open, nor was one met or missed in the last {LOOKING_BACK_DAYS} days"
            );
            draw(
                theme,
                frame,
                area,
                width,
                &title,
                Some(&header),
                &items,
                *selected,
                &empty,
            );
        }
        Overlay::AdtQueue { rows, selected } => {
            let title = closes(
                app,
                &format!(
                    "ADT queue · {} message{} waiting",
                    rows.len(),
                    if rows.len() == 1 { "" } else { "s" }
                ),
                overlay,
            );
            let width = area.width.saturating_sub(4).min(130);
            let header = format!(
                "{:>5}  {:<11}  {:<8}  {:<5}  {:<14}  {}",
                "id", "received", "state", "event", "control ID", "reason"
            );
            let items: Vec<(String, Style)> = rows
                .iter()
                .map(|row| {
                    let received = chrono::DateTime::parse_from_rfc3339(&row.received_at)
                        .map(|t| {
                            app.clock
                                .local(t.with_timezone(&chrono::Utc))
                                .format("%m-%d %H:%M")
                                .to_string()
                        })
                        .unwrap_or_else(|_| fit(&row.received_at, 11));
                    let style = if row.state == "rejected" {
                        theme.overdue
                    } else {
                        Style::new()
                    };
                    let text = clean(&format!(
                        "{:>5}  {:<11}  {:<8}  {:<5}  {:<14}  {}",
                        row.id,
                        received,
                        fit(&row.state, 8),
                        fit(row.event.as_deref().unwrap_or("?"), 5),
                        fit(row.control_id.as_deref().unwrap_or("none"), 14),
                        row.reason.trim()
                    ))
                    .into_owned();
                    (text, style)
                })
                .collect();
            draw(
                theme,
                frame,
                area,
                width,
                &title,
                Some(&header),
                &items,
                *selected,
                "No ADT message waits for a supervisor",
            );
        }
        _ => {}
    }
}

/// A list overlay whose rows each have their style: a header line, then
/// one line an item, the selected one in reverse video and kept in view.
#[allow(clippy::too_many_arguments)] // the box, its title, its header, its items
pub(super) fn draw(
    theme: &Theme,
    frame: &mut Frame,
    area: Rect,
    width: u16,
    title: &str,
    header: Option<&str>,
    items: &[(String, Style)],
    selected: usize,
    empty: &str,
) {
    let inner = width.saturating_sub(2) as usize;
    let header_rows = usize::from(header.is_some());
    let rows = (area.height.saturating_sub(4) as usize).saturating_sub(header_rows);
    let first = selected.saturating_sub(rows.saturating_sub(1));
    let mut lines: Vec<Line> = Vec::new();
    if let Some(header) = header {
        lines.push(Line::styled(fit(header, inner), theme.header));
    }
    if items.is_empty() {
        lines.push(Line::styled(fit(empty, inner), theme.dim));
    }
    lines.extend(
        items
            .iter()
            .enumerate()
            .skip(first)
            .take(rows)
            .map(|(i, (text, style))| {
                let line = Line::styled(fit(text, inner), *style);
                if i == selected {
                    line.patch_style(theme.selected_focused)
                } else {
                    line
                }
            }),
    );
    let rect = centered(area, width, lines.len().max(1) as u16 + 2);
    frame.render_widget(Clear, rect);
    frame.render_widget(
        Paragraph::new(lines).block(overlay_block(theme, title)),
        rect,
    );
}
