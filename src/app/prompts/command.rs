//! `:` the command line (`search WORDS`, `glass MEMBER-ID REASON`, `audit`,
//! `transitions [team]`, `encounter`, `complexity`, `adt`, `referral`,
//! `appointment`, `auth`, `loops [team|WORDS]`, `week`, `directory
//! [WORDS]` or `services [WORDS]`), and the
//! search of all notes (`/` in the timeline).

use super::Purpose;
use crate::app::loops::LoopKind;
use crate::app::App;
use crate::store::{StoreError, REASON_MIN_CHARS};
use crate::text::fit;

pub struct CommandLine;

pub struct Search;

impl Purpose for CommandLine {
    fn preview(&self, app: &App, text: &str) -> Result<String, String> {
        match text.trim().split_once(' ') {
            Some(("search", words)) if !words.trim().is_empty() => Ok(format!(
                "{} searches all signed notes",
                app.key("line_submit")
            )),
            Some(("glass", rest)) => match glass_words(rest) {
                Some((member, _)) => Ok(format!(
                    "{} opens {}'s record outside your teams; the reason is audited and your supervisor reviews it",
                    app.key("line_submit"),
                    fit(member, 20)
                )),
                None => Err(format!(
                    "glass MEMBER-ID REASON: say why (at least {REASON_MIN_CHARS} characters)"
                )),
            },
            _ if text.trim() == "audit" || text.trim().starts_with("audit ") => {
                match crate::app::audit_view::parse(text.trim().trim_start_matches("audit")) {
                    Ok(_) => Ok(format!(
                        "{} shows the newest rows of the audit trail",
                        app.key("line_submit")
                    )),
                    Err(problem) => Err(problem),
                }
            }
            _ if text.trim() == "transitions" => Ok(format!(
                "{} shows the clocks of your patients' transitions of care",
                app.key("line_submit")
            )),
            _ if text.trim() == "transitions team" => Ok(format!(
                "{} shows the clocks of the team's transitions of care",
                app.key("line_submit")
            )),
            _ if text.trim() == "encounter" => match &app.patient.record {
                Some(record) => Ok(format!(
                    "{} records an encounter of {} {} by hand",
                    app.key("line_submit"),
                    fit(&record.given_name, 20),
                    fit(&record.family_name, 20)
                )),
                None => Err("encounter: select a patient first".to_string()),
            },
            _ if LOOP_FORMS.iter().any(|(word, _)| *word == text.trim()) => {
                let (word, kind) = LOOP_FORMS
                    .iter()
                    .find(|(word, _)| *word == text.trim())
                    .copied()
                    .unwrap_or(("referral", LoopKind::Referral));
                match &app.patient.record {
                    Some(record) => Ok(format!(
                        "{} opens a new {} for {} {}",
                        app.key("line_submit"),
                        kind.label(),
                        fit(&record.given_name, 20),
                        fit(&record.family_name, 20)
                    )),
                    None => Err(format!("{word}: select a patient first")),
                }
            }
            _ if text.trim() == "loops" => Ok(format!(
                "{} shows your patients' open loops, oldest first",
                app.key("line_submit")
            )),
            _ if text.trim() == "loops team" => Ok(format!(
                "{} shows the team's open loops, oldest first",
                app.key("line_submit")
            )),
            Some(("loops", words)) if !words.trim().is_empty() => Ok(format!(
                "{} searches referrals, appointments and authorizations (receiver, item, payer, reason)",
                app.key("line_submit")
            )),
            _ if directory_words(text).is_some() => Ok(format!(
                "{} opens the resource directory to browse (Tab: a need domain; domain:, lang:, zip: filter)",
                app.key("line_submit")
            )),
            _ if text.trim() == "week" => Ok(format!(
                "{} shows your appointments of the next seven days",
                app.key("line_submit")
            )),
            _ if screen_words(text).is_some() => {
                let word = screen_words(text).unwrap_or("");
                let instruments = &app.settings.instruments.instruments;
                let found = instruments.iter().find(|i| i.id.eq_ignore_ascii_case(word));
                match (&app.patient.record, found) {
                    (None, _) => Err("screen: select a patient first".to_string()),
                    (Some(_), None) if word.is_empty() => Ok(format!(
                        "{} lists the patient's screenings",
                        app.key("line_submit")
                    )),
                    (Some(record), Some(instrument)) => Ok(format!(
                        "{} starts the {} for {} {}",
                        app.key("line_submit"),
                        instrument.name,
                        fit(&record.given_name, 20),
                        fit(&record.family_name, 20)
                    )),
                    (Some(_), None) => Err(format!(
                        "screen INSTRUMENT: one of {}",
                        instruments
                            .iter()
                            .map(|i| i.id.as_str())
                            .collect::<Vec<_>>()
                            .join(", ")
                    )),
                }
            }
            _ if text.trim() == "adt" => Ok(format!(
                "{} shows the ADT messages waiting for a supervisor",
                app.key("line_submit")
            )),
            Some(("complexity", word)) => match word.trim() {
                "high" | "moderate" => Ok(format!(
                    "{} sets the complexity of the latest stay of the patient on screen",
                    app.key("line_submit")
                )),
                _ => Err("complexity high or complexity moderate".to_string()),
            },
            _ if text.trim().is_empty() => Err(COMMANDS.to_string()),
            _ => Err(format!(
                "{:?} is not a command: {COMMANDS}",
                fit(text.trim(), 30)
            )),
        }
    }

    fn submit(self: Box<Self>, app: &mut App, text: &str) -> Result<(), StoreError> {
        let text = text.trim();
        if let Some(rest) = text.strip_prefix("glass ") {
            return match glass_words(rest) {
                Some((member, reason)) => app.break_glass(member, reason),
                None => Err(StoreError::Refused(format!(
                    "glass MEMBER-ID REASON: say why you open the record (at least {REASON_MIN_CHARS} characters)"
                ))),
            };
        }
        if text == "audit" || text.starts_with("audit ") {
            return app.open_audit(text.trim_start_matches("audit"));
        }
        match text {
            "transitions" => return app.open_transitions(false),
            "transitions team" => return app.open_transitions(true),
            "encounter" => {
                app.open_encounter_form();
                return Ok(());
            }
            "adt" => return app.open_adt_queue(),
            _ => {}
        }
        if text == "loops" || text.starts_with("loops ") {
            return app.open_loops_view(text.trim_start_matches("loops"));
        }
        if text == "week" {
            return app.open_week(None);
        }
        if let Some(words) = directory_words(text) {
            return app.open_directory(None, words);
        }
        if let Some((_, kind)) = LOOP_FORMS.iter().find(|(word, _)| *word == text) {
            return app.new_loop_for_shown(*kind);
        }
        if let Some(word) = screen_words(text) {
            let Some(patient_id) = app.shown_patient else {
                return Err(StoreError::Refused("screen: select a patient first".into()));
            };
            let instrument = app
                .settings
                .instruments
                .instruments
                .iter()
                .find(|i| i.id.eq_ignore_ascii_case(word))
                .map(|i| i.id.clone());
            return match instrument {
                Some(id) => app.start_screening(patient_id, &id),
                None => app.screenings(),
            };
        }
        if let Some(word) = text.strip_prefix("complexity ") {
            return app.set_latest_complexity(word);
        }
        let words = text.strip_prefix("search").unwrap_or("");
        app.search(words)
    }
}

/// The commands that open a new loop's form for the patient on screen.
const LOOP_FORMS: [(&str, LoopKind); 3] = [
    ("referral", LoopKind::Referral),
    ("appointment", LoopKind::Appointment),
    ("auth", LoopKind::Authorization),
];

/// The commands, as the empty line says them.
const COMMANDS: &str = "search WORDS, glass MEMBER-ID REASON, audit [user:LOGIN member:ID action:read from:DATE to:DATE], transitions [team], encounter, complexity high|moderate, adt, referral, appointment, auth, loops [team|WORDS], week, screen [INSTRUMENT], or directory [WORDS]";

/// The words of `directory [WORDS]` (or `services [WORDS]`), when that is
/// the command.
fn directory_words(text: &str) -> Option<&str> {
    let text = text.trim();
    let (command, words) = text.split_once(' ').unwrap_or((text, ""));
    matches!(command, "directory" | "services").then_some(words)
}

/// The instrument of `screen [INSTRUMENT]`, when that is the command.
fn screen_words(text: &str) -> Option<&str> {
    let text = text.trim();
    let (command, word) = text.split_once(' ').unwrap_or((text, ""));
    (command == "screen").then_some(word.trim())
}

/// `glass`'s member ID and reason, when both are there and the reason is
/// long enough to be one.
fn glass_words(rest: &str) -> Option<(&str, &str)> {
    let (member, reason) = rest.trim().split_once(char::is_whitespace)?;
    let reason = reason.trim();
    (reason.chars().count() >= REASON_MIN_CHARS).then_some((member, reason))
}

impl Purpose for Search {
    fn preview(&self, app: &App, text: &str) -> Result<String, String> {
        if text.trim().is_empty() {
            Err("type the words to look for".to_string())
        } else {
            Ok(format!(
                "{} searches all signed notes",
                app.key("line_submit")
            ))
        }
    }

    fn submit(self: Box<Self>, app: &mut App, text: &str) -> Result<(), StoreError> {
        app.search(text)
    }
}
