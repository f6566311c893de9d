//! `tend today`: the day's tasks, in the order the screen shows them, as
//! plain text or JSON, for scripts and for a quick look without the screen.

use chrono::{Duration, NaiveDate};
use serde::Serialize;

use crate::domain::task::{due_label, is_due_by, TaskRow};
use crate::domain::task_line::{Assignee, TaskFilter};
use crate::domain::urgency::{days_overdue, UrgencyWeights};
use crate::store::{AuditAction, Store, StoreError};
use crate::text::{clean, pad};

/// Whose day, and how far ahead.
pub struct TodayRequest<'a> {
    pub user: &'a str,
    pub who: Assignee,
    pub today: NaiveDate,
    pub upcoming_days: u32,
    pub weights: &'a UrgencyWeights,
}

#[derive(Debug, Serialize)]
pub struct TodayReport {
    /// Whose tasks: a user name, or "team".
    pub who: String,
    pub date: NaiveDate,
    pub overdue: usize,
    pub today: usize,
    pub upcoming: usize,
    pub tasks: Vec<TodayTask>,
}

#[derive(Debug, Serialize)]
pub struct TodayTask {
    pub id: i64,
    /// "overdue", "today" or "upcoming".
    pub section: &'static str,
    pub due_on: Option<NaiveDate>,
    pub due: String,
    pub days_overdue: i64,
    pub urgency: f64,
    pub kind: &'static str,
    pub priority: &'static str,
    pub hard_deadline: bool,
    pub title: String,
    pub repeats: Option<String>,
    pub owner: Option<String>,
    pub patient: TodayPatient,
}

#[derive(Debug, Serialize)]
pub struct TodayPatient {
    /// What every other command takes: `tend export careplan MEMBER_ID`.
    pub member_id: String,
    /// tend's own row id, stable within one database only.
    pub id: i64,
    pub name: String,
}

/// Reads the day and records the look in the audit trail.
pub fn build(store: &mut Store, request: &TodayRequest<'_>) -> Result<TodayReport, StoreError> {
    if let Assignee::Named(name) = &request.who {
        if !store.coordinators()?.iter().any(|c| c == name) {
            return Err(StoreError::Refused(format!(
                "there is no coordinator named {name:?}"
            )));
        }
    }
    let filter = TaskFilter {
        who: request.who.clone(),
        ..TaskFilter::default()
    };
    let until = request.today + Duration::days(request.upcoming_days.into());
    let mut rows = store.day_tasks(request.user, &filter, until)?;
    request.weights.sort_day(&mut rows, request.today);
    let who = match &request.who {
        Assignee::Mine => request.user.to_string(),
        Assignee::Named(name) => name.clone(),
        Assignee::Team => "team".to_string(),
    };
    let detail = format!("tend today: {who}");
    store.write(|tx| tx.audit(AuditAction::Read, "Task", None, None, Some(&detail)))?;

    let tasks: Vec<TodayTask> = rows
        .iter()
        .map(|t| today_task(t, request.today, request.weights))
        .collect();
    let count = |section| tasks.iter().filter(|t| t.section == section).count();
    Ok(TodayReport {
        who,
        date: request.today,
        overdue: count("overdue"),
        today: count("today"),
        upcoming: count("upcoming"),
        tasks,
    })
}

fn today_task(task: &TaskRow, today: NaiveDate, weights: &UrgencyWeights) -> TodayTask {
    let section = match task.due_on {
        Some(due) if due < today => "overdue",
        _ if is_due_by(task, today) => "today",
        _ => "upcoming",
    };
    TodayTask {
        id: task.id,
        section,
        due_on: task.due_on,
        due: due_label(task.due_on, today),
        days_overdue: days_overdue(task, today),
        urgency: weights.score(task, today),
        kind: task.kind.code(),
        priority: task.priority.code(),
        hard_deadline: task.hard_deadline,
        title: task.title.clone(),
        repeats: task.recurrence.map(|r| r.to_string()),
        owner: task.owner.clone(),
        patient: TodayPatient {
            member_id: task.patient_member_id.clone(),
            id: task.patient_id,
            name: task.patient_name.clone(),
        },
    }
}

impl TodayReport {
    /// Plain text, one task a line, cleaned of control characters (it may
    /// well be printed on a terminal).
    pub fn to_text(&self, show_owner: bool) -> String {
        let whose = if self.who == "team" {
            "The team's day".to_string()
        } else {
            format!("Today for {}", clean(&self.who))
        };
        let mut out = format!(
            "{whose}, {}: {} overdue, {} today, {} upcoming\n",
            self.date.format("%a %Y-%m-%d"),
            self.overdue,
            self.today,
            self.upcoming
        );
        let mut section = "";
        for task in &self.tasks {
            let heading = if task.section == "upcoming" {
                "Upcoming"
            } else {
                "Overdue and due today"
            };
            if heading != section {
                out.push_str(&format!("\n{heading}\n"));
                section = heading;
            }
            let kind =
                crate::domain::task::TaskKind::from_code(task.kind).map_or('O', |k| k.mark());
            let mut flags = Vec::new();
            if task.hard_deadline {
                flags.push("hard deadline".to_string());
            }
            if task.priority != "routine" {
                flags.push(task.priority.to_string());
            }
            if let Some(rule) = &task.repeats {
                flags.push(format!("every {rule}"));
            }
            let flags = if flags.is_empty() {
                String::new()
            } else {
                format!("  [{}]", flags.join(", "))
            };
            let owner = if show_owner {
                format!("{} ", pad(task.owner.as_deref().unwrap_or("-"), 10))
            } else {
                String::new()
            };
            // The member ID whole, never cut: a script reads it.
            out.push_str(&format!(
                "  {:<11} {kind}  {owner}{:<12} {} {}{flags}\n",
                task.due,
                clean(&task.patient.member_id),
                pad(&task.patient.name, 24),
                clean(&task.title),
            ));
        }
        if self.tasks.is_empty() {
            out.push_str("\nNothing due.\n");
        }
        out
    }
}
