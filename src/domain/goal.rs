//! Care-plan goals (FHIR `Goal`).

use chrono::NaiveDate;

pub use super::care_plan::GoalPriority;
use super::care_plan::{check_goal, GoalProblem};

/// FHIR `Goal.lifecycleStatus`, the subset a care plan uses.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum GoalStatus {
    Proposed,
    Active,
    OnHold,
    Completed,
    Cancelled,
}

impl GoalStatus {
    pub const ALL: [GoalStatus; 5] = [
        GoalStatus::Proposed,
        GoalStatus::Active,
        GoalStatus::OnHold,
        GoalStatus::Completed,
        GoalStatus::Cancelled,
    ];

    pub fn code(self) -> &'static str {
        match self {
            GoalStatus::Proposed => "proposed",
            GoalStatus::Active => "active",
            GoalStatus::OnHold => "on-hold",
            GoalStatus::Completed => "completed",
            GoalStatus::Cancelled => "cancelled",
        }
    }

    pub fn from_code(code: &str) -> Option<GoalStatus> {
        GoalStatus::ALL.into_iter().find(|s| s.code() == code)
    }

    /// As a coordinator says it ("achieved" is FHIR's `completed`).
    pub fn label(self) -> &'static str {
        match self {
            GoalStatus::Proposed => "proposed",
            GoalStatus::Active => "active",
            GoalStatus::OnHold => "on hold",
            GoalStatus::Completed => "achieved",
            GoalStatus::Cancelled => "cancelled",
        }
    }

    /// Whether the goal is still being worked on.
    pub fn is_open(self) -> bool {
        matches!(
            self,
            GoalStatus::Proposed | GoalStatus::Active | GoalStatus::OnHold
        )
    }
}

/// The one goal: what the plan shows, a form edits, the store keeps and a
/// bundle carries.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Goal {
    /// The row id; 0 for a goal not yet stored.
    pub id: i64,
    pub patient_id: i64,
    /// The goal in the patient's own words.
    pub description: String,
    pub status: GoalStatus,
    pub start_date: Option<NaiveDate>,
    pub target_date: Option<NaiveDate>,
    /// The need it serves, if the plan groups it under one.
    pub need_id: Option<i64>,
    /// What will show it is met ("A1c below 8").
    pub measure: Option<String>,
    pub priority: GoalPriority,
    /// Bumped by every change, so an edit names the version it saw.
    pub version: i64,
}

impl Goal {
    /// Whether it is a goal a plan can hold (see [`check_goal`]): the
    /// patient's words, a measure, a target date after the start.
    pub fn check(&self) -> Result<(), GoalProblem> {
        check_goal(
            &self.description,
            self.measure.as_deref().unwrap_or(""),
            self.start_date,
            self.target_date,
        )
    }

    /// An open goal whose target date has passed.
    pub fn is_overdue(&self, today: NaiveDate) -> bool {
        self.status.is_open() && self.target_date.is_some_and(|target| target < today)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn only_open_goals_past_their_target_are_overdue() {
        let today = NaiveDate::from_ymd_opt(2026, 11, 24).unwrap();
        let mut goal = Goal {
            id: 1,
            patient_id: 1,
            description: "Walk 20 minutes a day".into(),
            status: GoalStatus::Active,
            start_date: None,
            target_date: NaiveDate::from_ymd_opt(2026, 11, 23),
            need_id: None,
            measure: None,
            priority: GoalPriority::Medium,
            version: 1,
        };
        assert!(goal.is_overdue(today));
        goal.target_date = Some(today);
        assert!(!goal.is_overdue(today), "due today is not yet overdue");
        goal.target_date = NaiveDate::from_ymd_opt(2026, 1, 1);
        goal.status = GoalStatus::Completed;
        assert!(!goal.is_overdue(today));
        goal.status = GoalStatus::OnHold;
        assert!(goal.is_overdue(today));
        goal.target_date = None;
        assert!(!goal.is_overdue(today));
    }

    #[test]
    fn codes_round_trip() {
        for s in GoalStatus::ALL {
            assert_eq!(GoalStatus::from_code(s.code()), Some(s));
        }
    }
}
