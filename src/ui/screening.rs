//! A screening being administered (the item, its answers and their keys,
//! the score as it goes), and the overlays around it: the safety steps,
//! what a signed screening calls for, the patient's screenings with their
//! trends, and one instrument's history.

use ratatui::layout::Rect;
use ratatui::style::Style;
use ratatui::text::{Line, Span};
use ratatui::widgets::{Clear, Paragraph, Wrap};
use ratatui::Frame;

use super::overlay::{centered, closes, overlay_block, render_list};
use super::theme::Theme;
use crate::app::help::hint_line;
use crate::app::keymap::Context;
use crate::app::screening::{
    FollowUps, SafetySteps, ScreeningChart, ScreeningView, ScreeningsList,
};
use crate::app::{App, Overlay};
use crate::domain::instrument::{Answer, ItemKind};
use crate::domain::screening::{item_number, option_keys, totals_sparkline};
use crate::text::{clean, fit};

/// The screening, in a box over the panes.
pub fn render(app: &App, view: &ScreeningView, theme: &Theme, frame: &mut Frame, area: Rect) {
    let width = area.width.saturating_sub(2).min(90);
    let inner = width.saturating_sub(2) as usize;
    let items = &view.instrument.items;
    let mut lines: Vec<Line> = Vec::new();
    if let Some(stem) = &view.instrument.stem {
        lines.push(Line::styled(clean(stem).into_owned(), theme.dim));
        lines.push(Line::raw(""));
    }
    match items.get(view.position) {
        Some(item) => {
            if let Some(section) = item
                .section
                .as_ref()
                .and_then(|id| view.instrument.sections.iter().find(|s| &s.id == id))
            {
                lines.push(Line::styled(
                    clean(&section.title).into_owned(),
                    theme.label,
                ));
            }
            lines.push(Line::styled(
                format!(
                    "{}. {}",
                    item_number(item, view.position),
                    clean(&item.text)
                ),
                theme.heading,
            ));
            let note = match (item.multiple, item.optional) {
                (true, true) => " (choose all that apply, then Enter; may be skipped)",
                (true, false) => " (choose all that apply, then Enter)",
                (false, true) => " (may be skipped)",
                (false, false) => "",
            };
            if !note.is_empty() {
                lines.push(Line::styled(note.trim_start().to_string(), theme.dim));
            }
            lines.push(Line::raw(""));
            if item.kind == ItemKind::Text {
                let enter = app.settings.keymap.key_name("screening_enter");
                lines.push(Line::styled(
                    format!("Type the member's words; {enter} takes them"),
                    theme.dim,
                ));
                lines.push(Line::from(vec![
                    Span::raw(format!("  {}", clean(view.words()))),
                    Span::styled("▏", theme.status_key),
                ]));
            }
            let chosen: Vec<usize> = match (&view.answers[view.position], item.multiple) {
                (_, true) => view.pending.clone(),
                (Some(Answer::One(i)), false) => vec![*i],
                _ => Vec::new(),
            };
            for (option, key) in item.answers.iter().zip(option_keys(item)) {
                let index = item.answers.iter().position(|o| o == option).unwrap_or(0);
                let is_chosen = chosen.contains(&index);
                let mark = match (item.multiple, is_chosen) {
                    (true, true) => "[x] ",
                    (true, false) => "[ ] ",
                    (false, true) => "> ",
                    (false, false) => "  ",
                };
                let style = if is_chosen {
                    theme.selected_focused
                } else {
                    Style::new()
                };
                lines.push(Line::from(vec![
                    Span::styled(format!("  {key}  "), theme.status_key),
                    Span::styled(
                        fit(&format!("{mark}{}", clean(&option.label)), inner - 6),
                        style,
                    ),
                ]));
            }
        }
        None => {
            lines.push(Line::styled("Every item is on record.", theme.heading));
            lines.push(Line::raw(""));
            let sign = app.settings.keymap.key_name("screening_enter");
            let back = app.settings.keymap.key_name("screening_back");
            lines.push(Line::raw(match view.first_missing() {
                Some(i) => format!(
                    "Item {} still needs an answer: {sign} takes you to it.",
                    item_number(&items[i], i)
                ),
                None => format!(
                    "{sign} signs it as yours, now; a signed screening cannot be changed. {back} goes back."
                ),
            }));
        }
    }
    lines.push(Line::raw(""));
    lines.extend(score_lines(view, theme));
    lines.push(progress_line(view, inner, theme));
    let title = format!(
        " {} · {} · {} ",
        view.instrument.name,
        fit(&view.patient_name, 24),
        match items.get(view.position) {
            Some(_) => format!("item {} of {}", view.position + 1, items.len()),
            None => "to sign".into(),
        }
    );
    let hints = hint_line(&app.settings.keymap, Context::Screening);
    // As tall as what it shows (each line's wrapped rows counted), so the
    // record stays in sight around it on a larger screen.
    let rows: usize = lines
        .iter()
        .map(|l| l.width().max(1).div_ceil(inner.max(1)))
        .sum();
    let height = (rows as u16 + 2).clamp(12, area.height.saturating_sub(2).max(1));
    let rect = centered(area, width, height);
    frame.render_widget(Clear, rect);
    frame.render_widget(
        Paragraph::new(lines).wrap(Wrap { trim: false }).block(
            overlay_block(theme, &title)
                .title_bottom(Line::styled(format!(" {hints} "), theme.dim)),
        ),
        rect,
    );
}

/// The score so far, the band once there is a total, and every rule the
/// answers fire.
fn score_lines<'a>(view: &ScreeningView, theme: &Theme) -> Vec<Line<'a>> {
    let score = view.score();
    let mut lines = Vec::new();
    let so_far = match (score.total, view.instrument.has_total) {
        (Some(total), _) => format!(
            "Total {total} of {}{}",
            view.instrument.max_total(),
            score
                .band
                .map(|b| format!(": {}", b.label))
                .unwrap_or_default()
        ),
        (None, true) => format!(
            "{} of {} scored items answered: the total comes when all are",
            score.answered, score.scored_items
        ),
        (None, false) => format!(
            "{} of {} items answered",
            view.answers.iter().flatten().count(),
            view.instrument.items.len()
        ),
    };
    let unsaved = if view.unsaved { " · NOT SAVED" } else { "" };
    lines.push(Line::styled(format!("{so_far}{unsaved}"), theme.label));
    for rule in &score.fired {
        let style = match rule.action {
            crate::domain::instrument::RuleAction::Safety => theme.alert,
            _ => theme.label,
        };
        lines.push(Line::styled(format!("! {}", clean(&rule.message)), style));
    }
    lines
}

/// Each item's answer at a glance: its score, `-` skipped, `·` not yet;
/// the item on screen in reverse.
fn progress_line<'a>(view: &ScreeningView, width: usize, theme: &Theme) -> Line<'a> {
    let mut spans = Vec::new();
    let mut used = 0;
    for (i, (item, answer)) in view.instrument.items.iter().zip(&view.answers).enumerate() {
        let mark = match answer {
            Some(Answer::Text(_)) => "✎".to_string(),
            Some(a) => crate::domain::screening::answer_words(item, a)
                .map_or("?".to_string(), |w| w.score.to_string()),
            None if i < view.position && item.optional => "-".into(),
            None => "·".into(),
        };
        let cell = format!("{}:{mark} ", item_number(item, i));
        used += cell.chars().count();
        if used > width {
            break;
        }
        let style = if i == view.position {
            theme.selected_focused
        } else {
            theme.dim
        };
        spans.push(Span::styled(cell, style));
    }
    Line::from(spans)
}

/// The overlays of screening.
pub fn render_overlay(app: &App, overlay: &Overlay, theme: &Theme, frame: &mut Frame, area: Rect) {
    match overlay {
        Overlay::SafetySteps(steps) => safety(app, steps, theme, frame, area),
        Overlay::FollowUps(list) => follow_ups(app, list, overlay, theme, frame, area),
        Overlay::Screenings(list) => screenings(app, list, overlay, theme, frame, area),
        Overlay::ScreeningChart(chart) => history(app, chart, overlay, theme, frame, area),
        Overlay::ConfirmAbandon(_) => {
            let rect = centered(area, 64, 3);
            frame.render_widget(Clear, rect);
            frame.render_widget(
                Paragraph::new("Throw this unfinished screening away? Its answers go with it.")
                    .block(overlay_block(
                        theme,
                        &format!(
                            " {} throws it away · any other key keeps it ",
                            app.settings.keymap.key_name("abandon_yes")
                        ),
                    )),
                rect,
            );
        }
        _ => {}
    }
}

fn safety(app: &App, steps: &SafetySteps, theme: &Theme, frame: &mut Frame, area: Rect) {
    let mut lines = vec![
        Line::styled(
            format!("{}: {}", steps.instrument, clean(&steps.message)),
            theme.alert,
        ),
        Line::raw("A safety flag is on the patient and an escalation task is due now."),
        Line::raw(""),
    ];
    for (n, step) in steps.steps.iter().enumerate() {
        lines.push(Line::raw(format!("{}. {}", n + 1, clean(step))));
    }
    let width = area.width.saturating_sub(4).min(76);
    let rect = centered(area, width, (lines.len() as u16 * 2 + 2).min(area.height));
    let done = app.settings.keymap.key_name("safety_steps_done");
    frame.render_widget(Clear, rect);
    frame.render_widget(
        Paragraph::new(lines)
            .wrap(Wrap { trim: false })
            .block(overlay_block(
                theme,
                &format!(" Safety steps · {done} back to the screening "),
            )),
        rect,
    );
}

fn follow_ups(
    app: &App,
    list: &FollowUps,
    overlay: &Overlay,
    theme: &Theme,
    frame: &mut Frame,
    area: Rect,
) {
    let width = area.width.saturating_sub(4).min(76);
    let numbered: Vec<(usize, String)> = list
        .items
        .iter()
        .enumerate()
        .map(|(i, f)| (i + 1, f.line()))
        .collect();
    render_list(
        theme,
        frame,
        area,
        width,
        &closes(app, &format!("The {} calls for", list.instrument), overlay),
        &numbered,
        list.selected,
        |(n, line)| format!("{n} {}", clean(line)),
    );
}

fn screenings(
    app: &App,
    list: &ScreeningsList,
    overlay: &Overlay,
    theme: &Theme,
    frame: &mut Frame,
    area: Rect,
) {
    let width = area.width.saturating_sub(4).min(86);
    let today = app.today();
    render_list(
        theme,
        frame,
        area,
        width,
        &closes(
            app,
            &format!("Screenings of {}", fit(&list.patient_name, 20)),
            overlay,
        ),
        &list.rows,
        list.selected,
        |row| {
            let totals: Vec<u32> = row.results.iter().filter_map(|r| r.total).collect();
            let latest = match row.results.last() {
                Some(r) => format!(
                    "{}{}, {} ago",
                    r.total
                        .map(|t| t.to_string())
                        .unwrap_or_else(|| "done".into()),
                    r.band
                        .as_deref()
                        .map(|b| format!(" {}", fit(b, 18)))
                        .unwrap_or_default(),
                    crate::ui::loops::age(r.signed_on, today)
                ),
                None => format!("never · {}", row.title),
            };
            let unfinished = row
                .unfinished
                .map(|n| format!(" · unfinished, {n} answered"))
                .unwrap_or_default();
            format!(
                "{:<12}{:<11}{latest}{unfinished}",
                fit(&row.name, 11),
                totals_sparkline(&totals, row.max_total, 10)
            )
        },
    );
}

fn history(
    app: &App,
    chart: &ScreeningChart,
    overlay: &Overlay,
    theme: &Theme,
    frame: &mut Frame,
    area: Rect,
) {
    let width = area.width.saturating_sub(4).min(80);
    // Date (14), total (5) and the band (up to 20) beside the bar.
    let bar_width = (width as usize).saturating_sub(2 + 14 + 7 + 20).max(4);
    let mut lines = Vec::new();
    for result in &chart.results {
        let (bar, total) = match result.total {
            Some(t) => {
                let cells = (t as usize * bar_width).div_ceil(chart.max_total.max(1) as usize);
                ("█".repeat(cells.max(usize::from(t > 0))), t.to_string())
            }
            None => (String::new(), "—".into()),
        };
        lines.push(Line::from(vec![
            Span::raw(format!(
                "{}  {total:>3}  ",
                crate::domain::dates::show(result.signed_on)
            )),
            Span::styled(format!("{bar:<bar_width$}"), theme.label),
            Span::styled(
                format!(" {}", fit(result.band.as_deref().unwrap_or(""), 19)),
                theme.dim,
            ),
        ]));
    }
    if !chart.bands.is_empty() {
        lines.push(Line::raw(""));
        let bands: Vec<String> = chart
            .bands
            .iter()
            .map(|(from, to, label)| format!("{from}–{to} {label}"))
            .collect();
        lines.push(Line::styled(bands.join(" · "), theme.dim));
    }
    let rect = centered(area, width, (lines.len() as u16 + 4).min(area.height));
    frame.render_widget(Clear, rect);
    frame.render_widget(
        Paragraph::new(lines)
            .wrap(Wrap { trim: false })
            .block(overlay_block(
                theme,
                &closes(
                    app,
                    &format!("{} of {}", chart.name, fit(&chart.patient_name, 20)),
                    overlay,
                ),
            )),
        rect,
    );
}
