//! The closed loops' overlays: a patient's referrals (and, in the same
//! shape, appointments and authorizations), one of them in full, and the
//! one-key choice of where one moves.
//!
//! What is late is said in words ("LATE"), as well as drawn in the
//! theme's overdue style, so it reads without colour (`NO_COLOR`).

use chrono::NaiveDate;
use ratatui::layout::Rect;
use ratatui::style::Style;
use ratatui::text::{Line, Span};
use ratatui::widgets::{Clear, Paragraph, Wrap};
use ratatui::Frame;

use super::overlay::{centered, closes, overlay_block};
use super::theme::Theme;
use super::transitions::draw;
use crate::app::loops::Appointment;
use crate::app::loops::{AuthRow, KeyChoice, LoopDetail, LoopList, ReferralRow};
use crate::app::{App, Overlay};
use crate::text::{clean, fit, pad};

pub fn render(app: &App, overlay: &Overlay, theme: &Theme, frame: &mut Frame, area: Rect) {
    match overlay {
        Overlay::Referrals(list) => referrals(app, list, overlay, theme, frame, area),
        Overlay::Appointments(list) => appointments(app, list, overlay, theme, frame, area),
        Overlay::Authorizations(list) => authorizations(app, list, overlay, theme, frame, area),
        Overlay::LoopDetail(detail) => render_detail(detail, theme, frame, area),
        Overlay::KeyChoice(choice) => render_choice(app, choice, theme, frame, area),
        _ => {}
    }
}

/// "12-01", or "LATE 11-20" with the overdue style once past.
pub fn due_text(due: Option<NaiveDate>, today: NaiveDate, theme: &Theme) -> (String, Style) {
    match due {
        Some(due) if due < today => (format!("LATE {}", due.format("%m-%d")), theme.overdue),
        Some(due) if due == today => ("today".into(), theme.today),
        Some(due) => (due.format("%m-%d").to_string(), Style::new()),
        None => (String::new(), Style::new()),
    }
}

/// Days since `from`, as a list shows an age: "12d".
pub fn age(from: NaiveDate, today: NaiveDate) -> String {
    format!("{}d", (today - from).num_days().max(0))
}

/// The overlay's width: most of the screen, up to 130 columns.
pub fn list_width(area: Rect) -> u16 {
    area.width.saturating_sub(4).min(130)
}

fn referrals(
    app: &App,
    list: &LoopList<ReferralRow>,
    overlay: &Overlay,
    theme: &Theme,
    frame: &mut Frame,
    area: Rect,
) {
    let today = app.today();
    let open = list
        .rows
        .iter()
        .filter(|r| !r.referral.status.is_terminal())
        .count();
    let title = closes(
        app,
        &format!("Referrals · {} · {open} open", fit(&list.patient, 24)),
        overlay,
    );
    let width = list_width(area);
    let inner = width.saturating_sub(2) as usize;
    let to_w = if inner >= 100 { 28 } else { 18 };
    let header = format!(
        "{:<11} {:>4} {:<to_w$} {:<9} {:<10} next step",
        "status", "age", "to", "kind", "due"
    );
    let items: Vec<(String, Style)> = list
        .rows
        .iter()
        .map(|row| {
            let r = &row.referral;
            let (due, style) = due_text(r.next_due, today, theme);
            let to = match r.urgency {
                crate::domain::referral::Urgency::Urgent => format!("URGENT {}", r.to_name),
                _ => r.to_name.clone(),
            };
            let text = format!(
                "{:<11} {:>4} {} {:<9} {:<10} {}",
                fit(r.status.code(), 11),
                age(r.created_on, today),
                pad(&to, to_w),
                r.kind.code(),
                due,
                row.next_step.as_deref().unwrap_or("")
            );
            (clean(&text).into_owned(), style)
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
        list.selected,
        "No referral yet: n makes one",
    );
}

fn render_detail(detail: &LoopDetail, theme: &Theme, frame: &mut Frame, area: Rect) {
    let lines: Vec<Line> = detail
        .lines
        .iter()
        .map(|(label, value)| {
            Line::from(vec![
                Span::styled(format!("{label:<11}"), theme.label),
                Span::raw(clean(value).into_owned()),
            ])
        })
        .collect();
    let width = area.width.saturating_sub(6).min(90);
    let rect = centered(area, width, (lines.len() as u16 + 2).min(area.height));
    let title = format!(
        "{} · any key: back to the list",
        fit(&detail.title, (width as usize).saturating_sub(34))
    );
    frame.render_widget(Clear, rect);
    frame.render_widget(
        Paragraph::new(lines)
            .wrap(Wrap { trim: false })
            .block(overlay_block(theme, &format!(" {} ", clean(&title)))),
        rect,
    );
}

fn render_choice(app: &App, choice: &KeyChoice, theme: &Theme, frame: &mut Frame, area: Rect) {
    let lines: Vec<Line> = choice
        .options
        .iter()
        .map(|(key, label)| {
            Line::from(vec![
                Span::styled(format!(" {key} "), theme.status_key),
                Span::raw(format!(" {label}")),
            ])
        })
        .collect();
    let title = format!(
        " {} · one key · {} cancels ",
        fit(&choice.title, 50),
        app.settings.keymap.key_name("back")
    );
    let width = (title.chars().count() as u16 + 2).clamp(40, area.width.saturating_sub(4));
    let rect = centered(area, width, lines.len() as u16 + 2);
    frame.render_widget(Clear, rect);
    frame.render_widget(
        Paragraph::new(lines).block(overlay_block(theme, &clean(&title))),
        rect,
    );
}

fn appointments(
    app: &App,
    list: &LoopList<Appointment>,
    overlay: &Overlay,
    theme: &Theme,
    frame: &mut Frame,
    area: Rect,
) {
    let today = app.today();
    let coming = list
        .rows
        .iter()
        .filter(|a| a.status.is_open() && a.starts_at.date() >= today)
        .count();
    let title = closes(
        app,
        &format!(
            "Appointments · {} · {coming} to come",
            fit(&list.patient, 24)
        ),
        overlay,
    );
    let width = list_width(area);
    let inner = width.saturating_sub(2) as usize;
    let with_w = if inner >= 100 { 26 } else { 16 };
    let header = format!(
        "{:<16} {:<9} {:<with_w$} {:<19} reason",
        "when", "status", "with", "needs"
    );
    let items: Vec<(String, Style)> = list
        .rows
        .iter()
        .map(|a| {
            let left = a.needs_arranging();
            let late = a.status.is_open() && a.starts_at.date() < today;
            let style = if late || (!left.is_empty() && a.status.is_open()) {
                theme.overdue
            } else {
                Style::new()
            };
            let status = if late {
                "did-go?".to_string()
            } else {
                a.status.label().to_string()
            };
            let text = format!(
                "{:<16} {:<9} {} {:<19} {}",
                a.starts_at.format("%a %m-%d %H:%M"),
                status,
                pad(&a.with_whom, with_w),
                needs(a),
                a.reason
            );
            (clean(&text).into_owned(), style)
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
        list.selected,
        "No appointment yet: n books one",
    );
}

/// Transport and interpreter as a short column: "ride OK · interp NOT",
/// the unarranged in capitals so it reads without colour.
pub fn needs(a: &Appointment) -> String {
    let mut parts = Vec::new();
    if a.transport_needed {
        parts.push(if a.transport_arranged {
            "ride ok"
        } else {
            "RIDE NOT"
        });
    }
    if a.interpreter_needed {
        parts.push(if a.interpreter_arranged {
            "interp ok"
        } else {
            "INTERP NOT"
        });
    }
    parts.join(" ")
}

fn authorizations(
    app: &App,
    list: &LoopList<AuthRow>,
    overlay: &Overlay,
    theme: &Theme,
    frame: &mut Frame,
    area: Rect,
) {
    let today = app.today();
    let title = closes(
        app,
        &format!("Prior authorizations · {}", fit(&list.patient, 24)),
        overlay,
    );
    let width = list_width(area);
    let inner = width.saturating_sub(2) as usize;
    let wide = inner >= 100;
    let item_w = if wide { 30 } else { 16 };
    let payer_w = if wide { 16 } else { 10 };
    let header = if wide {
        format!(
            "{:<10} {:<payer_w$} {:<item_w$} {:<5} {:<5} {:>5} {:<11} {:<10} next step",
            "status", "payer", "item", "sent", "dec.", "units", "authorized", "due"
        )
    } else {
        format!(
            "{:<10} {:<payer_w$} {:<item_w$} {:<11} {:<10} next step",
            "status", "payer", "item", "authorized", "due"
        )
    };
    let items: Vec<(String, Style)> = list
        .rows
        .iter()
        .map(|row| {
            let z = &row.auth;
            let (due, style) = due_text(z.next_due, today, theme);
            let item = match &z.item_code {
                Some(code) => format!("{} {code}", z.item),
                None => z.item.clone(),
            };
            let md = |d: Option<NaiveDate>| d.map(|d| d.format("%m-%d").to_string());
            let authorized = match (md(z.authorized_from), md(z.authorized_until)) {
                (Some(from), Some(until)) => format!("{from}→{until}"),
                (None, Some(until)) => format!("→{until}"),
                (Some(from), None) => format!("{from}→"),
                (None, None) => String::new(),
            };
            let status = fit(z.status.code(), 10);
            let next = row.next_step.as_deref().unwrap_or("");
            let text = if wide {
                format!(
                    "{status:<10} {} {} {:<5} {:<5} {:>5} {authorized:<11} {due:<10} {next}",
                    pad(&z.payer, payer_w),
                    pad(&item, item_w),
                    md(z.submitted_on).unwrap_or_default(),
                    md(z.decided_on).unwrap_or_default(),
                    z.units.map(|u| u.to_string()).unwrap_or_default(),
                )
            } else {
                format!(
                    "{status:<10} {} {} {authorized:<11} {due:<10} {next}",
                    pad(&z.payer, payer_w),
                    pad(&item, item_w),
                )
            };
            (clean(&text).into_owned(), style)
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
        list.selected,
        "No prior authorization yet: n makes one",
    );
}
