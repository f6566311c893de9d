//! The resource directory: its query line, what the search used or left
//! out, and the services found, two rows each (who, phone; where, which
//! languages, when); and one service in full.
//!
//! The box keeps its size as the hits change, so a key typed redraws the
//! rows that changed and nothing else.

use ratatui::layout::Rect;
use ratatui::style::Style;
use ratatui::text::{Line, Span};
use ratatui::widgets::{Clear, Paragraph, Wrap};
use ratatui::Frame;

use super::loops::list_width;
use super::overlay::{centered, overlay_block};
use super::theme::Theme;
use crate::app::directory::{receiver, DirectoryView};
use crate::app::help::hint_line;
use crate::app::keymap::Context;
use crate::app::App;
use crate::domain::directory::{ResourceDetail, ResourceHit};
use crate::text::{clean, fit, pad};

pub fn render(app: &App, view: &DirectoryView, theme: &Theme, frame: &mut Frame, area: Rect) {
    // Wide enough for a name, its organization and a phone; no wider, so
    // a wide screen sends no more than it needs.
    let width = list_width(area).min(100);
    let height = area.height.saturating_sub(2);
    let rect = centered(area, width, height);
    let inner_w = width.saturating_sub(2) as usize;
    let what = match &view.patient {
        Some(p) => format!("Directory · a service for {}", fit(&p.name, 24)),
        None => "Directory".to_string(),
    };
    let block = overlay_block(theme, &format!(" {what} ")).title_bottom(Span::styled(
        format!(" {} ", hint_line(&app.settings.keymap, Context::Directory)),
        theme.dim,
    ));
    let inner = block.inner(rect);
    frame.render_widget(Clear, rect);
    frame.render_widget(block, rect);
    if inner.height < 3 {
        return;
    }
    // The query line.
    frame.render_widget(
        Paragraph::new(Span::styled("Find ", theme.label)),
        Rect::new(inner.x, inner.y, 5, 1),
    );
    frame.render_widget(
        view.input.widget(),
        Rect::new(inner.x + 5, inner.y, inner.width.saturating_sub(5), 1),
    );
    frame.render_widget(
        Paragraph::new(about_line(app, view, theme, inner_w)),
        Rect::new(inner.x, inner.y + 1, inner.width, 1),
    );
    let list = Rect::new(
        inner.x,
        inner.y + 2,
        inner.width,
        inner.height.saturating_sub(2),
    );
    frame.render_widget(Paragraph::new(hit_lines(view, theme, list)), list);
}

/// Under the line: what it left out, else how many were found with which
/// filters, and the patient's language while it is not a filter.
fn about_line<'a>(app: &App, view: &DirectoryView, theme: &Theme, width: usize) -> Line<'a> {
    if !view.unread.is_empty() {
        return Line::styled(fit(&view.unread.join(" · "), width), theme.error);
    }
    let n = view.hits.len();
    let mut text = match n {
        0 => "no service found".to_string(),
        1 => "1 service".to_string(),
        n if n >= crate::app::directory::query::LIMIT => format!("the first {n} services"),
        n => format!("{n} services"),
    };
    if !view.filters.is_empty() {
        text.push_str(&format!(" · {}", view.filters));
    }
    let filtered = crate::app::directory::query::parse(&view.input.text())
        .query
        .language
        .is_some();
    if let Some((code, name)) = view.patient.as_ref().and_then(|p| p.language.as_ref()) {
        if !filtered {
            text.push_str(&format!(
                " · speaks {name}: {} adds lang:{code}",
                app.settings.keymap.key_name("directory_language")
            ));
        }
    }
    Line::styled(fit(&text, width), theme.dim)
}

/// "in 10027", "nearby 10031", or the ZIP alone when none was asked.
fn distance(hit: &ResourceHit, by_zip: bool) -> String {
    match (&hit.zip, by_zip) {
        (Some(zip), true) if hit.in_zip => format!("in {zip}"),
        (Some(zip), true) => format!("nearby {zip}"),
        (Some(zip), false) => zip.clone(),
        (None, _) => "no address".to_string(),
    }
}

fn hit_lines<'a>(view: &DirectoryView, theme: &Theme, area: Rect) -> Vec<Line<'a>> {
    let width = area.width as usize;
    if view.hits.is_empty() {
        let why = if view.input.text().trim().is_empty() {
            "The directory is empty: tend import resources FOLDER reads one"
        } else {
            "No service matches: fewer words, another domain (Tab), or no filter"
        };
        return vec![Line::styled(fit(why, width), theme.dim)];
    }
    let shown = (area.height as usize / 2).max(1);
    let first = view.selected.saturating_sub(shown - 1);
    let phone_w = 16;
    let name_w = width.saturating_sub(phone_w + 3);
    let mut lines = Vec::new();
    for (i, hit) in view.hits.iter().enumerate().skip(first).take(shown) {
        let selected = i == view.selected;
        let style = if selected {
            theme.selected_focused
        } else {
            Style::new()
        };
        let mark = if selected { "▶ " } else { "  " };
        let top = format!(
            "{mark}{} {:>phone_w$}",
            pad(&receiver(hit), name_w),
            fit(hit.phone.as_deref().unwrap_or("no phone"), phone_w),
        );
        let mut facts = vec![distance(hit, view.by_zip)];
        if !hit.languages.is_empty() {
            facts.push(language_names(&hit.languages));
        }
        facts.push(
            hit.schedule
                .clone()
                .unwrap_or_else(|| "hours not listed".into()),
        );
        let below = format!("    {}", facts.join(" · "));
        lines.push(Line::styled(fit(&clean(&top), width), style));
        lines.push(Line::styled(
            fit(&clean(&below), width),
            if selected { style } else { theme.dim },
        ));
    }
    lines
}

/// One service in full (`Ctrl-O`, or `Enter` while browsing).
pub fn render_service(
    app: &App,
    detail: &ResourceDetail,
    theme: &Theme,
    frame: &mut Frame,
    area: Rect,
) {
    let hit = &detail.hit;
    let mut rows: Vec<(&str, String)> = vec![("Organization", hit.organization.clone())];
    for phone in &detail.phones {
        let kind = phone.kind.as_deref().unwrap_or("phone");
        rows.push(("Phone", format!("{} ({kind})", phone.shown())));
    }
    if detail.phones.is_empty() {
        rows.push(("Phone", "none listed".into()));
    }
    for address in &detail.addresses {
        rows.push(("Address", address.line()));
    }
    if !hit.languages.is_empty() {
        rows.push(("Languages", language_names(&hit.languages)));
    }
    rows.push((
        "Hours",
        hit.schedule.clone().unwrap_or_else(|| "not listed".into()),
    ));
    rows.push((
        "Serves",
        hit.domains
            .iter()
            .map(|d| d.label().to_lowercase())
            .collect::<Vec<_>>()
            .join(", "),
    ));
    if let Some(status) = &hit.status {
        rows.push(("Status", status.clone()));
    }
    if let Some(at) = &detail.removed_at {
        rows.push((
            "REMOVED",
            format!("from the directory since {}", day_of(at)),
        ));
    }
    for (label, value) in [
        (
            "Website",
            detail.url.as_ref().or(detail.organization_website.as_ref()),
        ),
        ("Email", detail.email.as_ref()),
        ("About", detail.description.as_ref()),
    ] {
        if let Some(value) = value {
            rows.push((label, value.clone()));
        }
    }
    rows.push(("HSDS id", hit.source_id.clone()));
    let lines: Vec<Line> = rows
        .into_iter()
        .map(|(label, value)| {
            Line::from(vec![
                Span::styled(format!("{label:<13}"), theme.label),
                Span::raw(clean(&value).into_owned()),
            ])
        })
        .collect();
    let width = area.width.saturating_sub(6).min(96);
    let rect = centered(area, width, (lines.len() as u16 + 4).min(area.height));
    let title = format!(
        " {} · {} back ",
        fit(&hit.name, (width as usize).saturating_sub(16)),
        app.settings.keymap.key_name("back")
    );
    frame.render_widget(Clear, rect);
    frame.render_widget(
        Paragraph::new(lines)
            .wrap(Wrap { trim: false })
            .block(overlay_block(theme, &clean(&title))),
        rect,
    );
}

/// The day of an RFC 3339 time: "2026-11-24".
pub fn day_of(at: &str) -> &str {
    at.get(..10).unwrap_or(at)
}

/// A service's languages by name ("Spanish, Haitian Creole"), as the
/// language registry names their codes; a code it does not know as it is.
fn language_names(codes: &[String]) -> String {
    codes
        .iter()
        .map(|code| {
            crate::domain::language::parse(code)
                .map(|language| language.name())
                .unwrap_or_else(|_| code.clone())
        })
        .collect::<Vec<_>>()
        .join(", ")
}
