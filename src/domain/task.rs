//! Tasks (FHIR `Task`): kinds, priorities, due labels and the urgency order of
//! today's list.

use chrono::NaiveDate;

use super::patient::RiskTier;
use super::recurrence::Recurrence;

/// What kind of work a task is. Each has a one-letter mark for lists.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum TaskKind {
    /// A call or other outreach to the patient.
    Call,
    /// A follow-up after an event, such as a hospital discharge.
    FollowUp,
    Referral,
    Appointment,
    CarePlanReview,
    Admin,
    Other,
}

impl TaskKind {
    pub const ALL: [TaskKind; 7] = [
        TaskKind::Call,
        TaskKind::FollowUp,
        TaskKind::Referral,
        TaskKind::Appointment,
        TaskKind::CarePlanReview,
        TaskKind::Admin,
        TaskKind::Other,
    ];

    pub fn code(self) -> &'static str {
        match self {
            TaskKind::Call => "call",
            TaskKind::FollowUp => "follow-up",
            TaskKind::Referral => "referral",
            TaskKind::Appointment => "appointment",
            TaskKind::CarePlanReview => "care-plan-review",
            TaskKind::Admin => "admin",
            TaskKind::Other => "other",
        }
    }

    pub fn from_code(code: &str) -> Option<TaskKind> {
        TaskKind::ALL.into_iter().find(|k| k.code() == code)
    }

    pub fn mark(self) -> char {
        match self {
            TaskKind::Call => 'C',
            TaskKind::FollowUp => 'F',
            TaskKind::Referral => 'R',
            TaskKind::Appointment => 'A',
            TaskKind::CarePlanReview => 'P',
            TaskKind::Admin => 'D',
            TaskKind::Other => 'O',
        }
    }
}

/// FHIR request priority.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Priority {
    Routine,
    Urgent,
    Asap,
    Stat,
}

impl Priority {
    pub const ALL: [Priority; 4] = [
        Priority::Routine,
        Priority::Urgent,
        Priority::Asap,
        Priority::Stat,
    ];

    pub fn code(self) -> &'static str {
        match self {
            Priority::Routine => "routine",
            Priority::Urgent => "urgent",
            Priority::Asap => "asap",
            Priority::Stat => "stat",
        }
    }

    pub fn from_code(code: &str) -> Option<Priority> {
        Priority::ALL.into_iter().find(|p| p.code() == code)
    }
}

/// FHIR task status, the subset tend uses.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum TaskStatus {
    Requested,
    InProgress,
    Completed,
    Cancelled,
}

impl TaskStatus {
    pub const ALL: [TaskStatus; 4] = [
        TaskStatus::Requested,
        TaskStatus::InProgress,
        TaskStatus::Completed,
        TaskStatus::Cancelled,
    ];

    pub fn code(self) -> &'static str {
        match self {
            TaskStatus::Requested => "requested",
            TaskStatus::InProgress => "in-progress",
            TaskStatus::Completed => "completed",
            TaskStatus::Cancelled => "cancelled",
        }
    }

    pub fn from_code(code: &str) -> Option<TaskStatus> {
        TaskStatus::ALL.into_iter().find(|s| s.code() == code)
    }

    pub fn is_open(self) -> bool {
        matches!(self, TaskStatus::Requested | TaskStatus::InProgress)
    }
}

/// A task as lists show it, with what its urgency depends on.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TaskRow {
    pub id: i64,
    pub patient_id: i64,
    /// The patient's member ID: how every command names a patient.
    pub patient_member_id: String,
    pub patient_name: String,
    pub patient_risk: RiskTier,
    pub title: String,
    pub kind: TaskKind,
    pub priority: Priority,
    pub status: TaskStatus,
    pub due_on: Option<NaiveDate>,
    /// A deadline set by a rule (for example contact within two business days
    /// of a discharge), as opposed to a coordinator's own target.
    pub hard_deadline: bool,
    /// The coordinator it is assigned to.
    pub owner: Option<String>,
    pub recurrence: Option<Recurrence>,
    /// Bumped by every change: an action names the version it saw, so a
    /// change another session made meanwhile is not overwritten.
    pub version: i64,
}

/// How a day's list divides: overdue, due today, upcoming (undated tasks
/// count as upcoming).
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct TaskCounts {
    pub overdue: usize,
    pub today: usize,
    pub upcoming: usize,
}

impl TaskCounts {
    pub fn total(&self) -> usize {
        self.overdue + self.today + self.upcoming
    }

    pub fn of(due_dates: impl IntoIterator<Item = Option<NaiveDate>>, today: NaiveDate) -> Self {
        let mut counts = TaskCounts::default();
        for due in due_dates {
            match due {
                Some(due) if due < today => counts.overdue += 1,
                Some(due) if due == today => counts.today += 1,
                _ => counts.upcoming += 1,
            }
        }
        counts
    }
}

/// "3d overdue", "today", "tomorrow", "in 5d", or "" when there is no due date.
pub fn due_label(due_on: Option<NaiveDate>, today: NaiveDate) -> String {
    let Some(due) = due_on else {
        return String::new();
    };
    match super::days_between(today, due) {
        0 => "today".to_string(),
        1 => "tomorrow".to_string(),
        n if n < 0 => format!("{}d overdue", -n),
        n => format!("in {n}d"),
    }
}

/// The caseload's compact form: "-3d" (overdue), "today", "+5d", or "".
pub fn due_short(due_on: Option<NaiveDate>, today: NaiveDate) -> String {
    let Some(due) = due_on else {
        return String::new();
    };
    match super::days_between(today, due) {
        0 => "today".to_string(),
        n if n < 0 => format!("-{}d", -n),
        n => format!("+{n}d"),
    }
}

/// True when the task belongs on today's list: due today or earlier.
pub fn is_due_by(task: &TaskRow, today: NaiveDate) -> bool {
    task.status.is_open() && task.due_on.is_some_and(|due| due <= today)
}

/// A plain task for tests: routine, kind "other", a low-risk patient, due
/// on Tuesday 24 November 2026.
#[cfg(test)]
pub(crate) fn sample(id: i64) -> TaskRow {
    TaskRow {
        id,
        patient_id: 1,
        patient_member_id: "SYN0000001".into(),
        patient_name: "Testa, Una".into(),
        patient_risk: RiskTier::Low,
        title: "Call".into(),
        kind: TaskKind::Other,
        priority: Priority::Routine,
        status: TaskStatus::Requested,
        due_on: NaiveDate::from_ymd_opt(2026, 11, 24),
        hard_deadline: false,
        owner: None,
        recurrence: None,
        version: 1,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn d(y: i32, m: u32, day: u32) -> NaiveDate {
        NaiveDate::from_ymd_opt(y, m, day).unwrap()
    }

    fn task(id: i64) -> TaskRow {
        TaskRow {
            patient_risk: RiskTier::Medium,
            kind: TaskKind::Call,
            ..sample(id)
        }
    }

    const TODAY: fn() -> NaiveDate = || NaiveDate::from_ymd_opt(2026, 11, 24).unwrap();

    #[test]
    fn due_labels_read_as_a_coordinator_says_them() {
        let today = TODAY();
        assert_eq!(due_label(Some(d(2026, 11, 21)), today), "3d overdue");
        assert_eq!(due_label(Some(today), today), "today");
        assert_eq!(due_label(Some(d(2026, 11, 25)), today), "tomorrow");
        assert_eq!(due_label(Some(d(2026, 12, 1)), today), "in 7d");
        assert_eq!(due_label(None, today), "");
        assert_eq!(due_short(Some(d(2026, 11, 21)), today), "-3d");
        assert_eq!(due_short(Some(today), today), "today");
        assert_eq!(due_short(Some(d(2026, 12, 6)), today), "+12d");
        assert_eq!(due_short(None, today), "");
    }

    #[test]
    fn only_open_tasks_due_by_today_are_on_todays_list() {
        let today = TODAY();
        let mut t = task(1);
        assert!(is_due_by(&t, today));
        t.due_on = Some(d(2026, 11, 25));
        assert!(!is_due_by(&t, today));
        t.due_on = Some(d(2026, 11, 2));
        t.status = TaskStatus::Completed;
        assert!(!is_due_by(&t, today));
        t.status = TaskStatus::InProgress;
        assert!(is_due_by(&t, today));
        t.due_on = None;
        assert!(!is_due_by(&t, today));
    }

    #[test]
    fn codes_round_trip() {
        for k in TaskKind::ALL {
            assert_eq!(TaskKind::from_code(k.code()), Some(k));
        }
        for p in Priority::ALL {
            assert_eq!(Priority::from_code(p.code()), Some(p));
        }
        for s in TaskStatus::ALL {
            assert_eq!(TaskStatus::from_code(s.code()), Some(s));
        }
    }
}
