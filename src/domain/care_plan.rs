//! The care plan's rules: needs by domain, goal priorities, which status a
//! goal may move to, what a goal must hold to be saved, and the trend of its
//! measured progress (FHIR `CarePlan`, `Goal`, and `Observation`-like
//! progress entries kept with the goal).

use chrono::NaiveDate;

use super::choice::choice_list;
use super::goal::GoalStatus;

/// The domains a Health Home care plan groups needs by.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum NeedDomain {
    Medical,
    BehavioralHealth,
    SubstanceUse,
    Housing,
    Food,
    Transportation,
    IncomeBenefits,
    Safety,
    SocialSupport,
    Other,
}

impl NeedDomain {
    /// In the order a plan lists them.
    pub const ALL: [NeedDomain; 10] = [
        NeedDomain::Medical,
        NeedDomain::BehavioralHealth,
        NeedDomain::SubstanceUse,
        NeedDomain::Housing,
        NeedDomain::Food,
        NeedDomain::Transportation,
        NeedDomain::IncomeBenefits,
        NeedDomain::Safety,
        NeedDomain::SocialSupport,
        NeedDomain::Other,
    ];

    pub fn code(self) -> &'static str {
        match self {
            NeedDomain::Medical => "medical",
            NeedDomain::BehavioralHealth => "behavioral-health",
            NeedDomain::SubstanceUse => "substance-use",
            NeedDomain::Housing => "housing",
            NeedDomain::Food => "food",
            NeedDomain::Transportation => "transportation",
            NeedDomain::IncomeBenefits => "income-benefits",
            NeedDomain::Safety => "safety",
            NeedDomain::SocialSupport => "social-support",
            NeedDomain::Other => "other",
        }
    }

    pub fn from_code(code: &str) -> Option<NeedDomain> {
        NeedDomain::ALL.into_iter().find(|d| d.code() == code)
    }

    pub fn label(self) -> &'static str {
        match self {
            NeedDomain::Medical => "Medical",
            NeedDomain::BehavioralHealth => "Behavioral health",
            NeedDomain::SubstanceUse => "Substance use",
            NeedDomain::Housing => "Housing",
            NeedDomain::Food => "Food",
            NeedDomain::Transportation => "Transportation",
            NeedDomain::IncomeBenefits => "Income and benefits",
            NeedDomain::Safety => "Safety",
            NeedDomain::SocialSupport => "Social support",
            NeedDomain::Other => "Other",
        }
    }
}

choice_list!(NeedDomain, |d| d.label());

/// FHIR `Goal.priority` (goal-priority value set).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum GoalPriority {
    High,
    Medium,
    Low,
}

impl GoalPriority {
    pub const ALL: [GoalPriority; 3] =
        [GoalPriority::High, GoalPriority::Medium, GoalPriority::Low];

    pub fn code(self) -> &'static str {
        match self {
            GoalPriority::High => "high-priority",
            GoalPriority::Medium => "medium-priority",
            GoalPriority::Low => "low-priority",
        }
    }

    pub fn from_code(code: &str) -> Option<GoalPriority> {
        GoalPriority::ALL.into_iter().find(|p| p.code() == code)
    }

    pub fn label(self) -> &'static str {
        match self {
            GoalPriority::High => "high",
            GoalPriority::Medium => "medium",
            GoalPriority::Low => "low",
        }
    }
}

choice_list!(GoalPriority, |p| p.label());

/// Whether a goal may move from `from` to `to`. A proposed goal is agreed
/// (active) or dropped; an active one is paused, achieved or dropped; a
/// paused one resumes or is dropped; an achieved goal may be reopened when
/// it slips (a blood pressure back up), a cancelled one proposed again.
/// Staying put is not a move.
pub fn goal_may_become(from: GoalStatus, to: GoalStatus) -> bool {
    use GoalStatus::*;
    matches!(
        (from, to),
        (Proposed, Active | Cancelled)
            | (Active, OnHold | Completed | Cancelled)
            | (OnHold, Active | Cancelled)
            | (Completed, Active)
            | (Cancelled, Proposed)
    )
}

/// What is wrong with a goal as entered, if anything.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum GoalProblem {
    #[error("the goal needs the patient's own words")]
    NoWords,
    #[error("the goal needs a measurable target (what will show it is met)")]
    NoMeasure,
    #[error("the goal needs a target date")]
    NoTargetDate,
    #[error("the target date {target} is before the goal's start {start}")]
    TargetBeforeStart { start: NaiveDate, target: NaiveDate },
}

/// Checks a goal as a coordinator enters it: SMART goals carry the
/// patient's words, a measure and a date to reach it by, after the start.
pub fn check_goal(
    words: &str,
    measure: &str,
    start: Option<NaiveDate>,
    target: Option<NaiveDate>,
) -> Result<(), GoalProblem> {
    if words.trim().is_empty() {
        return Err(GoalProblem::NoWords);
    }
    if measure.trim().is_empty() {
        return Err(GoalProblem::NoMeasure);
    }
    let target = target.ok_or(GoalProblem::NoTargetDate)?;
    if let Some(start) = start {
        if target < start {
            return Err(GoalProblem::TargetBeforeStart { start, target });
        }
    }
    Ok(())
}

/// A goal status as a coordinator types it: its label or code, or the
/// start of one ("ach", "hold", "cancel").
pub fn parse_goal_status(text: &str) -> Option<GoalStatus> {
    let typed = text.trim().to_lowercase().replace('-', " ");
    if typed.is_empty() {
        return None;
    }
    let matches: Vec<GoalStatus> = GoalStatus::ALL
        .into_iter()
        .filter(|s| {
            let label = s.label();
            let code = s.code().replace('-', " ");
            label.starts_with(&typed)
                || code.starts_with(&typed)
                || label.split(' ').any(|w| w.starts_with(&typed))
        })
        .collect();
    match matches.as_slice() {
        [one] => Some(*one),
        _ => None,
    }
}

/// A progress entry as typed on one line: what happened, and after `=` the
/// measured value when the goal has one ("A1c at the clinic = 7.9").
pub fn parse_progress(line: &str) -> Result<(String, Option<f64>), String> {
    let (note, value) = match line.rsplit_once('=') {
        Some((note, value)) => {
            let value = value.trim();
            let number: f64 = value
                .parse()
                .ok()
                .filter(|v: &f64| v.is_finite())
                .ok_or_else(|| {
                    format!("after = comes the measured value, a number, not {value:?}")
                })?;
            (note.trim(), Some(number))
        }
        None => (line.trim(), None),
    };
    match (note.is_empty(), value) {
        (true, None) => Err("type what happened (and = a value when it is measured)".into()),
        // A bare value is a note of itself.
        (true, Some(v)) => Ok((format!("Measured {v}"), Some(v))),
        (false, v) => Ok((note.to_string(), v)),
    }
}

/// The eight block heights of a sparkline, lowest first.
const BARS: [char; 8] = ['▁', '▂', '▃', '▄', '▅', '▆', '▇', '█'];

/// The last `width` values as a sparkline, oldest first: each value's height
/// between the smallest and the largest shown. Equal values draw mid-height
/// so a flat trend reads as flat, not as empty or full.
pub fn sparkline(values: &[f64], width: usize) -> String {
    let shown: Vec<f64> = values.iter().copied().filter(|v| v.is_finite()).collect();
    let shown = &shown[shown.len().saturating_sub(width)..];
    let (low, high) = shown
        .iter()
        .fold((f64::INFINITY, f64::NEG_INFINITY), |(lo, hi), v| {
            (lo.min(*v), hi.max(*v))
        });
    shown
        .iter()
        .map(|v| {
            if high - low <= f64::EPSILON {
                BARS[3]
            } else {
                let step = ((v - low) / (high - low) * 7.0).round() as usize;
                BARS[step.min(7)]
            }
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn day(d: u32) -> NaiveDate {
        NaiveDate::from_ymd_opt(2026, 11, d).unwrap()
    }

    #[test]
    fn codes_round_trip_and_are_the_published_ones() {
        for d in NeedDomain::ALL {
            assert_eq!(NeedDomain::from_code(d.code()), Some(d));
        }
        // FHIR R4 goal-priority codes.
        let codes: Vec<&str> = GoalPriority::ALL.iter().map(|p| p.code()).collect();
        assert_eq!(codes, ["high-priority", "medium-priority", "low-priority"]);
        for p in GoalPriority::ALL {
            assert_eq!(GoalPriority::from_code(p.code()), Some(p));
        }
        assert_eq!(NeedDomain::from_code("Housing"), None);
    }

    #[test]
    fn goal_status_moves() {
        use GoalStatus::*;
        let allowed = [
            (Proposed, Active),
            (Proposed, Cancelled),
            (Active, OnHold),
            (Active, Completed),
            (Active, Cancelled),
            (OnHold, Active),
            (OnHold, Cancelled),
            (Completed, Active),
            (Cancelled, Proposed),
        ];
        for from in GoalStatus::ALL {
            for to in GoalStatus::ALL {
                assert_eq!(
                    goal_may_become(from, to),
                    allowed.contains(&(from, to)),
                    "{from:?} → {to:?}"
                );
            }
        }
    }

    #[test]
    fn a_goal_needs_words_a_measure_and_a_target_after_its_start() {
        assert_eq!(
            check_goal(" ", "A1c < 8", None, Some(day(30))),
            Err(GoalProblem::NoWords)
        );
        assert_eq!(
            check_goal("Take my pills", "", None, Some(day(30))),
            Err(GoalProblem::NoMeasure)
        );
        assert_eq!(
            check_goal("Take my pills", "A1c < 8", Some(day(1)), None),
            Err(GoalProblem::NoTargetDate)
        );
        assert_eq!(
            check_goal("Take my pills", "A1c < 8", Some(day(10)), Some(day(9))),
            Err(GoalProblem::TargetBeforeStart {
                start: day(10),
                target: day(9)
            })
        );
        assert_eq!(
            check_goal("Take my pills", "A1c < 8", Some(day(10)), Some(day(10))),
            Ok(())
        );
    }

    #[test]
    fn goal_statuses_are_typed_by_label_code_or_start() {
        use GoalStatus::*;
        for (typed, status) in [
            ("achieved", Completed),
            ("ach", Completed),
            ("completed", Completed),
            ("on hold", OnHold),
            ("hold", OnHold),
            ("On-Hold", OnHold),
            ("cancel", Cancelled),
            ("act", Active),
            ("prop", Proposed),
        ] {
            assert_eq!(parse_goal_status(typed), Some(status), "{typed}");
        }
        assert_eq!(parse_goal_status(""), None);
        assert_eq!(parse_goal_status("done"), None);
        assert_eq!(parse_goal_status("c"), None, "cancelled or completed");
    }

    #[test]
    fn a_progress_line_is_a_note_and_perhaps_a_value() {
        assert_eq!(
            parse_progress("Walked 4 days this week"),
            Ok(("Walked 4 days this week".into(), None))
        );
        assert_eq!(
            parse_progress("A1c at the clinic = 7.9"),
            Ok(("A1c at the clinic".into(), Some(7.9)))
        );
        assert_eq!(
            parse_progress(" = 140"),
            Ok(("Measured 140".into(), Some(140.0)))
        );
        assert_eq!(
            parse_progress("BP = high").unwrap_err(),
            "after = comes the measured value, a number, not \"high\""
        );
        assert!(parse_progress("  ").is_err());
        assert!(parse_progress("x = inf").is_err());
    }

    #[test]
    fn sparklines_scale_between_the_lowest_and_highest_shown() {
        assert_eq!(sparkline(&[9.1, 8.4, 7.9, 7.2], 8), "█▅▄▁");
        assert_eq!(
            sparkline(&[1.0, 2.0, 3.0, 4.0, 5.0], 3),
            "▁▅█",
            "the last three"
        );
        assert_eq!(sparkline(&[140.0, 140.0], 8), "▄▄", "flat reads flat");
        assert_eq!(sparkline(&[], 8), "");
        assert_eq!(sparkline(&[1.0, f64::NAN, 2.0], 8), "▁█");
    }
}
