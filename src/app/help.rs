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

pub fn help_lines(keymap: &Keymap, pane: PaneId, weights: &UrgencyWeights) -> Vec<HelpLine> {
    let mut lines = Vec::new();
    let mut section = None;
    for binding in keymap.bindings_for(pane) {
        if section != Some(binding.context) {
            if section.is_some() {
                lines.push(HelpLine::Blank);
            }
            lines.push(HelpLine::Heading(match binding.context {
                Context::Pane(_) => format!("In {}", pane.title()),
                Context::Global => "Everywhere".to_string(),
            }));
            section = Some(binding.context);
        }
        let keys: Vec<String> = binding.keys.iter().map(ToString::to_string).collect();
        lines.push(HelpLine::Key {
            keys: keys.join(" "),
            description: binding.description,
        });
    }
    if pane == PaneId::Tasks {
        lines.push(HelpLine::Blank);
        lines.push(HelpLine::Heading("How Today is ranked".into()));
        lines.extend(ranking_rule(weights).into_iter().map(HelpLine::Text));
    }
    lines.push(HelpLine::Blank);
    lines.push(HelpLine::Heading("In the note editor (n)".into()));
    lines.extend(note_editor_help().into_iter().map(HelpLine::Text));
    lines
}

/// How the note editor takes keys, with the header's choices as the domain
/// defines them.
pub fn note_editor_help() -> Vec<String> {
    let mut lines = vec![
        "Keys go to the note's text first: type at once.".to_string(),
        "Tab goes round the header, where one key chooses a field and moves on;".into(),
        "  any other key goes into the text. Shift-Tab: the minutes.".into(),
    ];
    for field in HeaderField::ALL {
        let choices: Vec<String> = field
            .choices()
            .iter()
            .map(|(key, label)| format!("{key} {label}"))
            .collect();
        lines.extend(packed(&format!("  {}: ", field.label()), &choices));
    }
    lines.extend([
        "Ctrl-S signs, asking first for each field not chosen (one key each).".to_string(),
        "Esc keeps the draft · Ctrl-T template · Ctrl-O time · Ctrl-Z undo".into(),
        "Ctrl-Q throws the draft away (after y).".into(),
    ]);
    lines
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
        let lines = note_editor_help();
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
    fn only_today_explains_the_ranking() {
        let keymap = Keymap::default();
        let weights = UrgencyWeights::default();
        let heading = HelpLine::Heading("How Today is ranked".into());
        assert!(help_lines(&keymap, PaneId::Tasks, &weights).contains(&heading));
        assert!(!help_lines(&keymap, PaneId::Caseload, &weights).contains(&heading));
    }
}
