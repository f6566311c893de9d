//! The caseload pane.

use ratatui::layout::{Constraint, Layout, Rect};
use ratatui::text::{Line, Span};
use ratatui::widgets::{Cell, Paragraph, Row, Table};
use ratatui::Frame;

use super::theme::Theme;
use super::{pane_block, render_list};
use crate::app::pane::PaneId;
use crate::app::App;
use crate::domain::days_between;
use crate::domain::patient::{age_on, list_name, RiskTier};
use crate::domain::task::due_short;
use crate::text::fit;

/// Days without contact after which the "Last" column is marked.
const STALE_CONTACT_DAYS: i64 = 30;

pub fn render(app: &App, theme: &Theme, frame: &mut Frame, area: Rect) {
    let pane = &app.caseload;
    let scope = match pane.query.scope {
        crate::app::caseload::Scope::Mine => "mine",
        crate::app::caseload::Scope::Team => "team",
    };
    // Cover shows in the user's own list: whose patients are in it, and
    // (below) each covered patient's coordinator.
    let covering =
        if pane.query.scope == crate::app::caseload::Scope::Mine && !pane.covering.is_empty() {
            format!(" covering {}", pane.covering.join(", "))
        } else {
            String::new()
        };
    let detail = format!(
        "{scope}{covering} {} · by {}",
        pane.cursor.len(),
        pane.query.sort.label()
    );
    let block = pane_block(app, theme, PaneId::Caseload, detail);
    let inner = block.inner(area);
    frame.render_widget(block, area);

    let mut list_area = inner;
    if app.shows_filter_line() {
        let [filter_area, rest] =
            Layout::vertical([Constraint::Length(1), Constraint::Min(0)]).areas(inner);
        list_area = rest;
        render_filter(app, theme, frame, filter_area);
    }

    if pane.cursor.is_empty() {
        let text = if pane.query.filter.is_empty() {
            "No patients here. `tend demo` shows a synthetic caseload; t shows the whole team."
                .to_string()
        } else {
            format!(
                "No patient matches {:?}. {} clears the filter.",
                fit(&pane.query.filter, 30),
                app.settings.keymap.key_name("back")
            )
        };
        frame.render_widget(
            Paragraph::new(text)
                .style(theme.dim)
                .wrap(ratatui::widgets::Wrap { trim: true }),
            list_area,
        );
        return;
    }

    let today = app.today();
    let wide = inner.width >= 60;
    let team = (pane.query.scope == crate::app::caseload::Scope::Team || !covering.is_empty())
        && inner.width >= 76;
    // Fixed columns, then the name takes what is left.
    let mut fixed: Vec<(&str, u16)> = vec![("Age", 3), ("Risk", 4), ("Last", 4), ("Next", 5)];
    if wide {
        fixed.insert(0, ("Member", 10));
    }
    if team {
        fixed.push(("Coord.", 8));
    }
    let highlight = 2;
    let spacing = fixed.len() as u16;
    let used: u16 = fixed.iter().map(|(_, w)| *w).sum::<u16>() + highlight + spacing;
    let name_width = inner.width.saturating_sub(used).max(8);

    let mut widths = vec![Constraint::Length(name_width)];
    widths.extend(fixed.iter().map(|(_, w)| Constraint::Length(*w)));
    let mut header = vec![Cell::from("Name")];
    header.extend(fixed.iter().map(|(title, _)| Cell::from(*title)));

    let rows = pane.visible();
    let table_rows = rows.iter().map(|row| {
        let mut name = list_name(&row.family_name, &row.given_name);
        // A covered patient in the user's own list, without room for the
        // coordinator column, says whose they are after the name.
        if !covering.is_empty() && !team {
            if let Some(holder) = row.coordinator.as_deref().filter(|h| *h != pane.query.user) {
                name = format!("{name} · {holder}");
            }
        }
        let mut cells = vec![Cell::from(fit(&name, name_width as usize))];
        if wide {
            cells.push(Cell::from(fit(&row.member_id, 10)));
        }
        cells.push(Cell::from(format!("{:>3}", age_on(row.birth_date, today))));
        let risk_style = match row.risk_tier {
            RiskTier::VeryHigh => theme.alert,
            RiskTier::High => theme.today,
            _ => ratatui::style::Style::new(),
        };
        cells.push(Cell::from(Span::styled(row.risk_tier.short(), risk_style)));
        let (last, last_style) = match row.last_contact_at {
            Some(at) => {
                let days = days_between(app.clock.local_date(at), today).max(0);
                let style = if days > STALE_CONTACT_DAYS {
                    theme.overdue
                } else {
                    ratatui::style::Style::new()
                };
                (format!("{days:>3}d"), style)
            }
            None => ("  — ".to_string(), theme.overdue),
        };
        cells.push(Cell::from(Span::styled(last, last_style)));
        let next_style = match row.next_due {
            Some(due) if due < today => theme.overdue,
            Some(due) if due == today => theme.today,
            _ => ratatui::style::Style::new(),
        };
        cells.push(Cell::from(Span::styled(
            due_short(row.next_due, today),
            next_style,
        )));
        if team {
            cells.push(Cell::from(fit(row.coordinator.as_deref().unwrap_or(""), 8)));
        }
        Row::new(cells)
    });

    let table = Table::new(table_rows, widths)
        .header(Row::new(header).style(theme.header))
        .column_spacing(1);
    render_list(
        app,
        theme,
        PaneId::Caseload,
        frame,
        list_area,
        table,
        &pane.cursor,
    );
}

fn render_filter(app: &App, theme: &Theme, frame: &mut Frame, area: Rect) {
    let pane = &app.caseload;
    let [prompt, field] =
        Layout::horizontal([Constraint::Length(2), Constraint::Min(0)]).areas(area);
    frame.render_widget(Span::styled("/ ", theme.status_key), prompt);
    match app.filter_input() {
        Some(input) => frame.render_widget(input.widget(), field),
        None => frame.render_widget(
            Line::from(vec![
                Span::raw(fit(
                    &pane.query.filter,
                    field.width.saturating_sub(14) as usize,
                )),
                Span::styled(
                    format!("  {} clears", app.settings.keymap.key_name("back")),
                    theme.dim,
                ),
            ]),
            field,
        ),
    }
}
