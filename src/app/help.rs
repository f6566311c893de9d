//! What the help overlay says for the focused pane: its keys and the global
//! ones, from the keymap, and for Today the ranking rule with the weights in
//! force. The UI draws these lines; the app scrolls through them.

use super::keymap::{Context, Keymap};
use super::pane::PaneId;
use crate::domain::note::HeaderField;
use crate::domain::urgency::UrgencyWeights;

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum HelpLine {
    Heading(String),
    Key {
        keys: String,
        description: &'static str,
    },
    Text(String),
    Blank,
}

/// The help of a layer: the keys of `context` and of the contexts it
/// falls back to, from the keymap; for Today the ranking rule with the
/// weights in force; for the panes and the editor, how the editor takes
/// keys and the header's choices.
pub fn help_lines(keymap: &Keymap, context: Context, weights: &UrgencyWeights) -> Vec<HelpLine> {
    let mut lines = Vec::new();
    let mut section = None;
    for binding in keymap.bindings_in(context) {
        if section != Some(binding.context) {
            if section.is_some() {
                lines.push(HelpLine::Blank);
            }
            lines.push(HelpLine::Heading(binding.context.heading()));
            section = Some(binding.context);
        }
        let keys: Vec<String> = binding.keys.iter().map(ToString::to_string).collect();
        lines.push(HelpLine::Key {
            keys: keys.join(" "),
            description: binding.description,
        });
    }
    if context == Context::Pane(PaneId::Tasks) {
        lines.push(HelpLine::Blank);
        lines.push(HelpLine::Heading("How Today is ranked".into()));
        lines.extend(ranking_rule(weights).into_iter().map(HelpLine::Text));
    }
    match context {
        Context::Pane(_) => {
            lines.push(HelpLine::Blank);
            lines.push(HelpLine::Heading("In the note editor (n)".into()));
            lines.extend(note_editor_help(keymap).into_iter().map(HelpLine::Text));
        }
        Context::Editor | Context::EditorHeader => {
            lines.push(HelpLine::Blank);
            lines.push(HelpLine::Heading("The header".into()));
            lines.extend(header_help().into_iter().map(HelpLine::Text));
        }
        _ => {}
    }
    lines
}

/// How the note editor takes keys, with its keys as the keymap has them and
/// the header's choices as the domain defines them.
pub fn note_editor_help(keymap: &Keymap) -> Vec<String> {
    let key = |name| keymap.key_name(name);
    let mut lines = vec![
        "Keys go to the note's text first: type at once.".to_string(),
        format!(
            "{} goes round the header, where one key chooses a field and moves on;",
            key("editor_header")
        ),
        format!(
            "  any other key goes into the text. {}: the minutes.",
            key("editor_minutes")
        ),
    ];
    lines.extend(header_help());
    lines.extend([
        format!(
            "{} signs, asking first for each field not chosen (one key each).",
            key("editor_sign")
        ),
        format!(
            "{} keeps the draft · {} template · {} time · {} undo",
            key("editor_close"),
            key("editor_template"),
            key("editor_time"),
            key("editor_undo")
        ),
        format!("{} throws the draft away (after y).", key("editor_discard")),
    ]);
    lines
}

/// Each header field's choices, one key each.
fn header_help() -> Vec<String> {
    let mut lines = Vec::new();
    for field in HeaderField::ALL {
        let choices: Vec<String> = field
            .choices()
            .iter()
            .map(|(key, label)| format!("{key} {label}"))
            .collect();
        lines.extend(packed(&format!("  {}: ", field.label()), &choices));
    }
    lines
}

/// The keys of a layer that carry a hint, as one line for its frame:
/// "Tab header · Ctrl-S sign · Esc keep draft". Bindings with the same hint
/// share it ("Tab/Enter next"). From the keymap, so a rebound key shows as
/// rebound.
pub fn hint_line(keymap: &Keymap, context: Context) -> String {
    let mut parts: Vec<(String, &str)> = Vec::new();
    for binding in keymap.all().iter().filter(|b| b.context == context) {
        let (Some(hint), Some(key)) = (binding.hint, binding.keys.first()) else {
            continue;
        };
        match parts.iter_mut().find(|(_, h)| *h == hint) {
            Some((keys, _)) => {
                keys.push('/');
                keys.push_str(&key.to_string());
            }
            None => parts.push((key.to_string(), hint)),
        }
    }
    parts
        .iter()
        .map(|(keys, hint)| format!("{keys} {hint}"))
        .collect::<Vec<_>>()
        .join(" · ")
}

/// Items joined by " · " after `lead`, in lines that fit the help overlay
/// at 80 columns (each further line indented under the first item).
fn packed(lead: &str, items: &[String]) -> Vec<String> {
    const WIDTH: usize = 72;
    let indent = " ".repeat(lead.chars().count());
    let mut lines = vec![lead.to_string()];
    for item in items {
        let line = lines.last_mut().expect("one line at least");
        let fresh = line.chars().count() == indent.chars().count();
        if !fresh && line.chars().count() + 3 + item.chars().count() > WIDTH {
            lines.push(format!("{indent}{item}"));
        } else {
            if !fresh {
                line.push_str(" · ");
            }
            line.push_str(item);
        }
    }
    lines
}

fn number(n: f64) -> String {
    let text = format!("{n:.1}");
    text.strip_suffix(".0").unwrap_or(&text).to_string()
}

/// The urgency rule in words, with the configured weights.
pub fn ranking_rule(w: &UrgencyWeights) -> Vec<String> {
    vec![
        "Overdue and due-today tasks first, highest score first:".into(),
        format!(
            "  +{} for a hard deadline (such as a post-discharge contact)",
            number(w.hard_deadline)
        ),
        format!(
            "  +{} a day overdue (up to {} days)",
            number(w.per_day_overdue),
            w.max_days_overdue
        ),
        format!("  +{} a risk tier above low", number(w.per_risk_tier)),
        format!(
            "  priority: urgent +{}, asap +{}, stat +{}",
            number(w.priority.urgent),
            number(w.priority.asap),
            number(w.priority.stat)
        ),
        format!(
            "  kind: follow-up +{}, call +{}, referral +{}, appointment +{}, review +{}",
            number(w.kind.follow_up),
            number(w.kind.call),
            number(w.kind.referral),
            number(w.kind.appointment),
            number(w.kind.care_plan_review)
        ),
        "Ties: more days overdue, then the older task.".into(),
        "Then upcoming tasks, soonest first. [urgency] in config.toml sets the numbers.".into(),
    ]
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_rule_shows_the_weights_in_force() {
        let mut weights = UrgencyWeights::default();
        let rule = ranking_rule(&weights).join("\n");
        assert!(rule.contains("+100 for a hard deadline"), "{rule}");
        assert!(rule.contains("+2 a day overdue (up to 30 days)"), "{rule}");
        assert!(rule.contains("referral +1.5"), "{rule}");
        weights.per_risk_tier = 7.5;
        assert!(ranking_rule(&weights)
            .join("\n")
            .contains("+7.5 a risk tier"));
    }

    #[test]
    fn the_editor_s_keys_fit_the_help_at_80_columns() {
        let lines = note_editor_help(&Keymap::default());
        assert!(lines.iter().all(|l| l.chars().count() <= 74), "{lines:#?}");
        let text = lines.join("\n");
        assert!(
            text.contains("  Outcome: r reached · n no answer"),
            "{text}"
        );
        assert!(
            text.contains("c collateral contact"),
            "every choice: {text}"
        );
    }

    #[test]
    fn the_frames_hints_come_from_the_keymap() {
        let mut keymap = Keymap::default();
        assert_eq!(
            hint_line(&keymap, Context::Editor),
            "Tab header · Ctrl-S sign · Esc keep draft · Ctrl-T template · Ctrl-O time · Ctrl-Q discard"
        );
        assert_eq!(
            hint_line(&keymap, Context::Form),
            "Tab/Enter next · Shift-Tab back · Ctrl-S saves · Esc cancels"
        );
        keymap
            .set_keys(
                "form_save",
                vec![crate::app::keymap::Key::parse("f2").unwrap()],
            )
            .unwrap();
        assert!(hint_line(&keymap, Context::Form).contains("F2 saves"));
    }

    #[test]
    fn only_today_explains_the_ranking() {
        let keymap = Keymap::default();
        let weights = UrgencyWeights::default();
        let heading = HelpLine::Heading("How Today is ranked".into());
        let tasks = Context::Pane(PaneId::Tasks);
        assert!(help_lines(&keymap, tasks, &weights).contains(&heading));
        let caseload = Context::Pane(PaneId::Caseload);
        assert!(!help_lines(&keymap, caseload, &weights).contains(&heading));
    }

    #[test]
    fn the_help_of_a_layer_lists_its_own_keys_as_rebound() {
        let mut keymap = Keymap::default();
        let weights = UrgencyWeights::default();
        let form = help_lines(&keymap, Context::Form, &weights);
        assert!(form.contains(&HelpLine::Heading("In a form".into())));
        assert!(
            !form.contains(&HelpLine::Heading("Everywhere".into())),
            "a form's letters are text: no pane keys there"
        );
        keymap
            .set_keys(
                "editor_sign",
                vec![crate::app::keymap::Key::parse("alt-s").unwrap()],
            )
            .unwrap();
        let editor = help_lines(&keymap, Context::Editor, &weights);
        assert!(editor.contains(&HelpLine::Key {
            keys: "Alt-s".into(),
            description:
                "sign the note, asking first for each header field not chosen (one key each)",
        }));
        assert!(note_editor_help(&keymap)
            .iter()
            .any(|l| l.starts_with("Alt-s signs")));
    }
}
