//! The views across patients: the open loops (oldest first, with their age
//! and whether the next step is late) and my week of appointments (with my
//! patients' no-show rate in the title).

use ratatui::layout::Rect;
use ratatui::style::Style;
use ratatui::Frame;

use super::loops::{age, due_text, list_width, needs};
use super::overlay::closes;
use super::theme::Theme;
use super::transitions::draw;
use crate::app::loops::{LoopsView, WeekView};
use crate::app::{App, Overlay};
use crate::domain::appointment::no_show_rate;
use crate::text::{clean, fit, pad};

pub fn render(app: &App, overlay: &Overlay, theme: &Theme, frame: &mut Frame, area: Rect) {
    match overlay {
        Overlay::OpenLoops(view) => open_loops(app, view, overlay, theme, frame, area),
        Overlay::Week(week) => render_week(app, week, overlay, theme, frame, area),
        _ => {}
    }
}

fn open_loops(
    app: &App,
    view: &LoopsView,
    overlay: &Overlay,
    theme: &Theme,
    frame: &mut Frame,
    area: Rect,
) {
    let today = app.today();
    let what = match &view.words {
        Some(words) => format!("Loops matching \"{}\"", fit(words, 20)),
        None if view.team => "Open loops · the team's".into(),
        None => "Open loops · yours".into(),
    };
    let title = closes(app, &format!("{what} · {}", view.rows.len()), overlay);
    let width = list_width(area);
    let inner = width.saturating_sub(2) as usize;
    let (name_w, what_w) = if inner >= 100 { (22, 30) } else { (16, 18) };
    let header = format!(
        "{:>4} {:<5} {:<name_w$} {:<what_w$} {:<11} next due",
        "age", "kind", "patient", "what", "status"
    );
    let items: Vec<(String, Style)> = view
        .rows
        .iter()
        .map(|row| {
            let (due, style) = due_text(row.next_due, today, theme);
            let kind = match row.kind {
                crate::app::loops::LoopKind::Referral => "ref",
                crate::app::loops::LoopKind::Appointment => "appt",
                crate::app::loops::LoopKind::Authorization => "auth",
            };
            let text = format!(
                "{:>4} {kind:<5} {} {} {:<11} {due}",
                age(row.since, today),
                pad(&row.patient_name, name_w),
                pad(&row.what, what_w),
                fit(&row.status, 11),
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
        view.selected,
        "No loop is open: nothing waits on anyone",
    );
}

fn render_week(
    app: &App,
    week: &WeekView,
    overlay: &Overlay,
    theme: &Theme,
    frame: &mut Frame,
    area: Rect,
) {
    let until = week.from + chrono::Duration::days(6);
    let rate = match no_show_rate(week.kept, week.missed) {
        Some(rate) => format!(
            "no-shows {:.0}% ({} of {})",
            rate * 100.0,
            week.missed,
            week.kept + week.missed
        ),
        None => "no-shows: none counted".into(),
    };
    let title = closes(
        app,
        &format!(
            "Week {}→{} · {} · {rate}",
            week.from.format("%m-%d"),
            until.format("%m-%d"),
            week.rows.len()
        ),
        overlay,
    );
    let width = list_width(area);
    let inner = width.saturating_sub(2) as usize;
    let (name_w, with_w) = if inner >= 100 { (22, 24) } else { (16, 14) };
    let header = format!(
        "{:<15} {:<name_w$} {:<with_w$} {:<9} needs",
        "when", "patient", "with", "status"
    );
    let items: Vec<(String, Style)> = week
        .rows
        .iter()
        .map(|row| {
            let a = &row.appointment;
            let unarranged = a.status.is_open() && !a.needs_arranging().is_empty();
            let style = if unarranged {
                theme.overdue
            } else {
                Style::new()
            };
            let text = format!(
                "{:<15} {} {} {:<9} {}",
                a.starts_at.format("%a %m-%d %H:%M"),
                pad(&row.patient_name, name_w),
                pad(&a.with_whom, with_w),
                a.status.label(),
                needs(a)
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
        week.selected,
        "No appointment in these seven days",
    );
}
