//! One-line task entry and task filters.
//!
//! A task is typed as a title with optional tokens anywhere in it:
//! `Call pharmacy about refill due:fri pri:urgent kind:call every:1m`.
//!
//! | token | takes |
//! | --- | --- |
//! | `due:` | a date expression without spaces (`fri`, `tom`, `+3d`, `12/05`, `nw`) |
//! | `pri:` | `routine` (or `normal`, `low`), `urgent` (or `high`), `asap`, `stat` |
//! | `kind:` | `call` (`outreach`), `follow-up` (`fu`), `referral` (`ref`), `appointment` (`appt`), `review` (`care-plan-review`), `admin`, `other`, or the kind's letter |
//! | `every:` | a repeat rule: `daily`, `weekly`, `monthly`, `14d`, `2w`, `3m` |
//!
//! A word that looks like a token (`word:value`) with a name tend does not
//! know is refused rather than kept in the title.
//!
//! The filter of the tasks list takes `kind:` and `who:` (`mine`, `team`, or
//! a coordinator's user name); its other words must all appear in the task's
//! title or patient's name.

use chrono::NaiveDate;

use super::dates::{self, DateError};
use super::recurrence::{Recurrence, RecurrenceError};
use super::task::{Priority, TaskKind};

/// A task as typed: the title and whichever tokens were given.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct TaskLine {
    pub title: String,
    pub due: Option<NaiveDate>,
    pub priority: Option<Priority>,
    pub kind: Option<TaskKind>,
    pub recurrence: Option<Recurrence>,
}

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum LineError {
    #[error("a task needs a title")]
    NoTitle,
    #[error("{0:?} is not a token tend knows: use {1}")]
    UnknownToken(String, &'static str),
    #[error("{0:?} is given twice")]
    Twice(String),
    #[error("due: {0}")]
    Date(#[from] DateError),
    #[error("pri: {0:?} is not a priority: use routine, urgent, asap or stat")]
    Priority(String),
    #[error("kind: {0:?} is not a kind: use call, follow-up, referral, appointment, review, admin or other")]
    Kind(String),
    #[error("every: {0}")]
    Recurrence(#[from] RecurrenceError),
}

const TASK_TOKENS: &str = "due:, pri:, kind: or every:";
const FILTER_TOKENS: &str = "kind: or who:";

/// Splits `word` into a token's name and value when it looks like one:
/// letters, a colon, then something.
fn as_token(word: &str) -> Option<(String, &str)> {
    let (name, value) = word.split_once(':')?;
    let is_name = !name.is_empty() && name.chars().all(|c| c.is_ascii_alphabetic());
    (is_name && !value.is_empty()).then(|| (name.to_ascii_lowercase(), value))
}

pub fn parse_priority(text: &str) -> Option<Priority> {
    match text.to_ascii_lowercase().as_str() {
        "routine" | "normal" | "low" => Some(Priority::Routine),
        "urgent" | "high" => Some(Priority::Urgent),
        "asap" => Some(Priority::Asap),
        "stat" => Some(Priority::Stat),
        _ => None,
    }
}

pub fn parse_kind(text: &str) -> Option<TaskKind> {
    let lower = text.to_ascii_lowercase();
    let by_name = match lower.as_str() {
        "call" | "outreach" => Some(TaskKind::Call),
        "follow-up" | "followup" | "fu" => Some(TaskKind::FollowUp),
        "referral" | "ref" => Some(TaskKind::Referral),
        "appointment" | "appt" => Some(TaskKind::Appointment),
        "care-plan-review" | "review" | "cpr" => Some(TaskKind::CarePlanReview),
        "admin" | "administrative" => Some(TaskKind::Admin),
        "other" => Some(TaskKind::Other),
        _ => None,
    };
    by_name.or_else(|| {
        let mut chars = text.chars();
        match (chars.next(), chars.next()) {
            (Some(c), None) => TaskKind::ALL
                .into_iter()
                .find(|k| k.mark() == c.to_ascii_uppercase()),
            _ => None,
        }
    })
}

/// Reads a typed task line; dates are relative to `today`.
pub fn parse_task(line: &str, today: NaiveDate) -> Result<TaskLine, LineError> {
    let mut task = TaskLine::default();
    let mut title = Vec::new();
    for word in line.split_whitespace() {
        let Some((name, value)) = as_token(word) else {
            title.push(word);
            continue;
        };
        let twice = || LineError::Twice(format!("{name}:"));
        match name.as_str() {
            "due" => {
                if task.due.replace(dates::parse(value, today)?).is_some() {
                    return Err(twice());
                }
            }
            "pri" | "priority" => {
                let p = parse_priority(value).ok_or_else(|| LineError::Priority(value.into()))?;
                if task.priority.replace(p).is_some() {
                    return Err(twice());
                }
            }
            "kind" => {
                let k = parse_kind(value).ok_or_else(|| LineError::Kind(value.into()))?;
                if task.kind.replace(k).is_some() {
                    return Err(twice());
                }
            }
            "every" => {
                if task.recurrence.replace(Recurrence::parse(value)?).is_some() {
                    return Err(twice());
                }
            }
            _ => return Err(LineError::UnknownToken(word.into(), TASK_TOKENS)),
        }
    }
    task.title = title.join(" ");
    if task.title.is_empty() {
        return Err(LineError::NoTitle);
    }
    Ok(task)
}

/// Whose tasks a list shows.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub enum Assignee {
    /// The current user's.
    #[default]
    Mine,
    /// Every coordinator's.
    Team,
    /// One coordinator's, by user name.
    Named(String),
}

/// A filter of the tasks list, as typed after `/`.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct TaskFilter {
    pub kind: Option<TaskKind>,
    pub who: Assignee,
    /// Words that must all appear in the title or the patient's name.
    pub words: Vec<String>,
}

impl TaskFilter {
    pub fn parse(line: &str) -> Result<TaskFilter, LineError> {
        let mut filter = TaskFilter::default();
        for word in line.split_whitespace() {
            match as_token(word) {
                Some((name, value)) if name == "kind" => {
                    filter.kind =
                        Some(parse_kind(value).ok_or_else(|| LineError::Kind(value.into()))?);
                }
                Some((name, value)) if name == "who" => {
                    filter.who = match value.to_ascii_lowercase().as_str() {
                        "mine" | "me" => Assignee::Mine,
                        "team" | "all" => Assignee::Team,
                        _ => Assignee::Named(value.to_string()),
                    };
                }
                Some(_) => return Err(LineError::UnknownToken(word.into(), FILTER_TOKENS)),
                None => filter.words.push(word.to_lowercase()),
            }
        }
        Ok(filter)
    }

    pub fn is_empty(&self) -> bool {
        *self == TaskFilter::default()
    }

    /// Whether a task's title and patient name hold every word.
    pub fn matches_words(&self, title: &str, patient_name: &str) -> bool {
        let haystack = format!("{} {}", title, patient_name).to_lowercase();
        self.words.iter().all(|w| haystack.contains(w.as_str()))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn today() -> NaiveDate {
        NaiveDate::from_ymd_opt(2026, 11, 24).unwrap()
    }

    #[test]
    fn a_title_with_tokens_anywhere() {
        let task = parse_task(
            "Call pharmacy due:fri about refill pri:high kind:call every:1m",
            today(),
        )
        .unwrap();
        assert_eq!(task.title, "Call pharmacy about refill");
        assert_eq!(task.due, NaiveDate::from_ymd_opt(2026, 11, 27));
        assert_eq!(task.priority, Some(Priority::Urgent));
        assert_eq!(task.kind, Some(TaskKind::Call));
        assert_eq!(task.recurrence, Some(Recurrence::Months(1)));
    }

    #[test]
    fn a_plain_title_sets_nothing_else_and_colons_in_words_are_kept() {
        let task = parse_task("Re: refill, call at 10:30", today()).unwrap();
        assert_eq!(task.title, "Re: refill, call at 10:30");
        assert_eq!((task.due, task.priority, task.kind), (None, None, None));
    }

    #[test]
    fn bad_lines_say_what_is_wrong() {
        assert_eq!(parse_task("", today()), Err(LineError::NoTitle));
        assert_eq!(
            parse_task("due:tom pri:asap", today()),
            Err(LineError::NoTitle)
        );
        let err = parse_task("Call due:tom owner:bob", today()).unwrap_err();
        assert_eq!(
            err,
            LineError::UnknownToken("owner:bob".into(), TASK_TOKENS)
        );
        assert_eq!(
            err.to_string(),
            "\"owner:bob\" is not a token tend knows: use due:, pri:, kind: or every:"
        );
        assert!(matches!(
            parse_task("Call due:someday", today()),
            Err(LineError::Date(_))
        ));
        assert!(matches!(
            parse_task("Call pri:whenever", today()),
            Err(LineError::Priority(_))
        ));
        assert!(matches!(
            parse_task("Call kind:party", today()),
            Err(LineError::Kind(_))
        ));
        assert!(matches!(
            parse_task("Call every:often", today()),
            Err(LineError::Recurrence(_))
        ));
        assert_eq!(
            parse_task("Call due:tom due:fri", today()),
            Err(LineError::Twice("due:".into()))
        );
    }

    #[test]
    fn kinds_by_name_alias_or_letter() {
        for (text, kind) in [
            ("outreach", TaskKind::Call),
            ("fu", TaskKind::FollowUp),
            ("F", TaskKind::FollowUp),
            ("ref", TaskKind::Referral),
            ("appt", TaskKind::Appointment),
            ("review", TaskKind::CarePlanReview),
            ("p", TaskKind::CarePlanReview),
            ("admin", TaskKind::Admin),
            ("d", TaskKind::Admin),
            ("other", TaskKind::Other),
        ] {
            assert_eq!(parse_kind(text), Some(kind), "{text}");
        }
        for kind in TaskKind::ALL {
            assert_eq!(parse_kind(kind.code()), Some(kind));
        }
        assert_eq!(parse_kind("x"), None);
    }

    #[test]
    fn filters_take_kind_who_and_words() {
        let filter = TaskFilter::parse("kind:ref who:cc0002 Cardio").unwrap();
        assert_eq!(filter.kind, Some(TaskKind::Referral));
        assert_eq!(filter.who, Assignee::Named("cc0002".into()));
        assert_eq!(filter.words, vec!["cardio"]);
        assert!(filter.matches_words("Check cardiology referral", "Testa, Una"));
        assert!(!filter.matches_words("Outreach call", "Testa, Una"));
        assert_eq!(TaskFilter::parse("who:team").unwrap().who, Assignee::Team);
        assert!(TaskFilter::parse("").unwrap().is_empty());
        assert!(matches!(
            TaskFilter::parse("due:tom"),
            Err(LineError::UnknownToken(_, _))
        ));
    }
}
