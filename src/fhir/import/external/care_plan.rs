//! Another system's CarePlan: its goals (those it contains too) and its
//! activities, each a task of the patient (an intervention of the goal it
//! serves), owned by the patient's coordinator as a transition's clock
//! tasks are.
//!
//! An activity still to do (not started, scheduled, in progress, on hold)
//! becomes an open task, due at the end of its scheduled period, else, when
//! it has not started, on the day it is to start; one under way with no
//! end has no due day (it shows under its goal, not in anyone's day). An
//! activity done or cancelled closes the task an earlier import made of it,
//! and is passed over when tend never had it: a plan's history is not a
//! coordinator's work. A plan completed or revoked closes, as cancelled,
//! what it still held open. A draft plan, or one entered in error, is
//! passed over whole, as is an activity that only refers to another
//! resource (an Appointment, a ServiceRequest): tend does not read those
//! from other systems.
//!
//! An activity is known by its plan and its `id`, else its place in the
//! plan; a sender that reorders a plan's unnamed activities makes new
//! tasks of them.

use std::collections::HashMap;

use chrono::NaiveDate;

use super::map::Mapped;
use super::{input, Run, SourceKey};
use crate::domain::task::{TaskKind, TaskStatus};
use crate::fhir::import::read::{Node, Read};
use crate::store::{SentRow, Tx};

/// Where a plan stands, as its activities' tasks see it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum PlanStatus {
    /// Active, on hold, or unknown: each activity says where it is.
    Open,
    /// Completed or revoked: what it held open was not done.
    Ended,
}

/// A plan's activity read as a task; what it is not yet tied to is the
/// goal (`goals` names the ones it serves, as references).
#[derive(Debug, Clone, PartialEq)]
pub struct Activity {
    /// Its key in the plan: `activity-ID`, else `activity-N` by place.
    pub key: String,
    pub goals: Vec<String>,
    /// The task, or why the activity is passed over.
    pub task: Result<PlanTask, &'static str>,
}

#[derive(Debug, Clone, PartialEq)]
pub struct PlanTask {
    pub kind: TaskKind,
    pub description: String,
    pub status: TaskStatus,
    pub due_on: Option<NaiveDate>,
}

/// What a CarePlan holds for tend.
pub struct Plan<'a> {
    /// Its contained Goals: each one's local id (`#g1`) and resource.
    pub contained_goals: Vec<(String, Node<'a>)>,
    /// The goals the plan as a whole serves, as references.
    pub goals: Vec<String>,
    pub activities: Vec<Activity>,
}

/// A CarePlan as tend reads it, or why it is passed over whole.
pub fn care_plan<'a>(r: &Node<'a>) -> Read<Result<Plan<'a>, &'static str>> {
    let status = match r.field("status").str()? {
        "draft" => return Ok(Err("draft")),
        "entered-in-error" => return Ok(Err("entered in error")),
        "completed" | "revoked" => PlanStatus::Ended,
        _ => PlanStatus::Open,
    };
    let mut contained_goals = Vec::new();
    for resource in r.field("contained").items()? {
        if resource.field("resourceType").opt_str()? == Some("Goal") {
            if let Some(id) = resource.field("id").opt_str()? {
                contained_goals.push((format!("#{id}"), resource));
            }
        }
    }
    let mut activities = Vec::new();
    for (i, activity) in r.field("activity").items()?.into_iter().enumerate() {
        let key = match activity.field("id").opt_str()? {
            Some(id) => format!("activity-{id}"),
            None => format!("activity-{i}"),
        };
        let detail = activity.field("detail");
        let goals = references(&detail.field("goal"))?;
        let task = if detail.is_present() {
            plan_task(&detail, status)?
        } else {
            Err("a reference to another resource")
        };
        activities.push(Activity { key, goals, task });
    }
    Ok(Ok(Plan {
        contained_goals,
        goals: references(&r.field("goal"))?,
        activities,
    }))
}

fn references(list: &Node<'_>) -> Read<Vec<String>> {
    let mut found = Vec::new();
    for item in list.items()? {
        found.extend(item.field("reference").opt_string()?);
    }
    Ok(found)
}

/// An activity's detail as a task: its kind, words, status and due day.
fn plan_task(detail: &Node<'_>, plan: PlanStatus) -> Read<Result<PlanTask, &'static str>> {
    if detail.field("doNotPerform").opt_bool()? == Some(true) {
        return Ok(Err("not to be done"));
    }
    let status = match detail.field("status").str()? {
        "not-started" | "scheduled" => TaskStatus::Requested,
        "in-progress" | "on-hold" => TaskStatus::InProgress,
        "completed" => TaskStatus::Completed,
        "cancelled" | "stopped" => TaskStatus::Cancelled,
        _ => return Ok(Err("entered in error or unknown")),
    };
    let status = match (plan, status.is_open()) {
        (PlanStatus::Ended, true) => TaskStatus::Cancelled,
        _ => status,
    };
    let words = match detail.field("description").opt_str()? {
        Some(words) => Some(words),
        None => detail.field("code").concept_text()?,
    };
    let Some(words) = words.map(|w| w.split_whitespace().collect::<Vec<_>>().join(" ")) else {
        return Ok(Err("says not what is to be done"));
    };
    if words.is_empty() {
        return Ok(Err("says not what is to be done"));
    }
    let (due_on, how_often) = scheduled(detail, status)?;
    let description = match how_often {
        Some(how_often) => format!("{words} ({how_often})"),
        None => words,
    };
    let kind = match detail.field("kind").opt_str()? {
        Some("Appointment") => TaskKind::Appointment,
        Some("CommunicationRequest") => TaskKind::Call,
        _ => TaskKind::Other,
    };
    Ok(Ok(PlanTask {
        kind,
        description,
        status,
        due_on,
    }))
}

/// When an activity is due: the end of its period (or of its timing's
/// bounds), else, unless it is under way, its start or first event. A
/// `scheduledString` that is not a date ("daily") is said with its words.
fn scheduled(detail: &Node<'_>, status: TaskStatus) -> Read<(Option<NaiveDate>, Option<String>)> {
    let date = super::map::date_of;
    let timing = detail.field("scheduledTiming");
    let period = if detail.field("scheduledPeriod").is_present() {
        detail.field("scheduledPeriod")
    } else {
        timing.field("repeat").field("boundsPeriod")
    };
    let start = match date(&period.field("start"))? {
        Some(start) => Some(start),
        None => date(&timing.field("event").first()?)?,
    };
    // Under way: its start is behind it, not a day it is due.
    let not_started = status != TaskStatus::InProgress;
    if let Some(end) = date(&period.field("end"))? {
        return Ok((Some(end), None));
    }
    if start.is_some() {
        return Ok((start.filter(|_| not_started), None));
    }
    let Some(text) = detail.field("scheduledString").opt_str()? else {
        return Ok((None, None));
    };
    let text = text.trim();
    match text
        .get(..10)
        .map(|day| NaiveDate::parse_from_str(day, "%Y-%m-%d"))
    {
        Some(Ok(day)) => Ok((Some(day).filter(|_| not_started), None)),
        _ if text.is_empty() => Ok((None, None)),
        _ => Ok((None, Some(text.to_string()))),
    }
}

impl Run<'_> {
    /// A CarePlan: its contained goals taken as goals of the patient, its
    /// activities as tasks tied to the goals they serve (those of the input
    /// by [`Run::goals`], the contained ones by their local id).
    pub(super) fn care_plan(&mut self, tx: &mut Tx<'_>, item: input::Item) -> Result<(), String> {
        Self::r4_only(&item, "CarePlan")?;
        let node = Node::root(&item.resource);
        let Some(plan) = self.settle(&item.place, "CarePlan", care_plan(&node)) else {
            return Ok(());
        };
        let Some((patient, patient_id)) = self.patient_of(&item.place, &node, "subject") else {
            return Ok(());
        };
        let plan_key = self.key(&item, "CarePlan", &patient);
        let mut contained = HashMap::new();
        for (local, goal) in &plan.contained_goals {
            let read = super::plan::goal(goal).map(Mapped::into_result);
            let Some(row) = self.settle(&item.place, "Goal", read) else {
                continue;
            };
            let key = SourceKey {
                resource_type: "Goal".into(),
                resource_id: format!("{}{local}", plan_key.resource_id),
                ..plan_key.clone()
            };
            let id = self.take(tx, &item.place, "Goal", &key, patient_id, &row)?;
            contained.insert(local.clone(), id);
        }
        let goal_of = |reference: &String| {
            if reference.starts_with('#') {
                contained.get(reference).copied()
            } else {
                self.goals.get(&super::reference_key(reference)).copied()
            }
        };
        // The plan's goal, when it names one only.
        let plan_goal = match &plan.goals[..] {
            [only] => goal_of(only),
            _ => None,
        };
        let mut taken = Vec::new();
        for activity in plan.activities {
            let task = match activity.task {
                Ok(task) => task,
                Err(why) => {
                    taken.push(Err(why));
                    continue;
                }
            };
            // The goals it names, else the plan's one goal.
            let goal_id = if activity.goals.is_empty() {
                plan_goal
            } else {
                activity.goals.iter().find_map(goal_of)
            };
            let key = SourceKey {
                resource_type: "CarePlan activity".into(),
                resource_id: format!("{}#{}", plan_key.resource_id, activity.key),
                ..plan_key.clone()
            };
            taken.push(Ok((key, task, goal_id)));
        }
        for activity in taken {
            let (key, task, goal_id) = match activity {
                Ok(found) => found,
                Err(why) => {
                    self.passed_over(&format!("CarePlan activity ({why})"));
                    continue;
                }
            };
            let linked = tx.is_linked(&key).map_err(|e| e.to_string())?;
            if !task.status.is_open() && !linked {
                self.passed_over("CarePlan activity (done before tend had it)");
                continue;
            }
            let row = SentRow::Task {
                kind: task.kind,
                description: task.description,
                status: task.status,
                due_on: task.due_on,
                goal_id,
            };
            self.take(tx, &item.place, "CarePlan activity", &key, patient_id, &row)?;
        }
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn read(plan: serde_json::Value) -> Vec<Activity> {
        care_plan(&Node::root(&plan)).unwrap().unwrap().activities
    }

    fn detail(status: &str, extra: serde_json::Value) -> serde_json::Value {
        let mut detail = json!({ "status": status, "description": "Walk  three\nblocks" });
        detail
            .as_object_mut()
            .unwrap()
            .extend(extra.as_object().unwrap().clone());
        json!({ "resourceType": "CarePlan", "status": "active", "activity": [{ "detail": detail }] })
    }

    fn due(status: &str, extra: serde_json::Value) -> Option<NaiveDate> {
        read(detail(status, extra))[0].task.clone().unwrap().due_on
    }

    fn day(text: &str) -> Option<NaiveDate> {
        Some(text.parse().unwrap())
    }

    #[test]
    fn an_activity_is_due_at_its_period_end_else_when_it_is_to_start() {
        let period = json!({ "scheduledPeriod": { "start": "2026-12-01", "end": "2026-12-20" } });
        assert_eq!(due("in-progress", period.clone()), day("2026-12-20"));
        assert_eq!(due("not-started", period), day("2026-12-20"));
        let start = json!({ "scheduledPeriod": { "start": "2026-12-01T10:00:00Z" } });
        assert_eq!(due("scheduled", start.clone()), day("2026-12-01"));
        // Under way with no end: ongoing, due on no day.
        assert_eq!(due("in-progress", start), None);
        let bounds =
            json!({ "scheduledTiming": { "repeat": { "boundsPeriod": { "end": "2027-01-05" } } } });
        assert_eq!(due("in-progress", bounds), day("2027-01-05"));
        let event = json!({ "scheduledTiming": { "event": ["2026-12-09"] } });
        assert_eq!(due("not-started", event), day("2026-12-09"));
        assert_eq!(due("not-started", json!({})), None);
    }

    #[test]
    fn a_schedule_in_words_is_kept_with_the_task_s_words() {
        let task = read(detail("in-progress", json!({ "scheduledString": "daily" })))[0]
            .task
            .clone()
            .unwrap();
        assert_eq!(task.description, "Walk three blocks (daily)");
        assert_eq!(task.due_on, None);
        assert_eq!(task.status, TaskStatus::InProgress);
    }

    #[test]
    fn statuses_follow_the_activity_and_an_ended_plan_cancels_what_is_open() {
        let status = |plan: &str, activity: &str| {
            let mut p = detail(activity, json!({}));
            p["status"] = json!(plan);
            read(p)[0].task.clone().map(|t| t.status)
        };
        assert_eq!(status("active", "scheduled"), Ok(TaskStatus::Requested));
        assert_eq!(status("active", "on-hold"), Ok(TaskStatus::InProgress));
        assert_eq!(status("active", "stopped"), Ok(TaskStatus::Cancelled));
        assert_eq!(
            status("completed", "not-started"),
            Ok(TaskStatus::Cancelled)
        );
        assert_eq!(status("revoked", "completed"), Ok(TaskStatus::Completed));
        assert_eq!(
            status("active", "entered-in-error"),
            Err("entered in error or unknown")
        );
        let mut draft = detail("scheduled", json!({}));
        draft["status"] = json!("draft");
        assert!(care_plan(&Node::root(&draft)).unwrap().is_err());
    }

    #[test]
    fn an_activity_is_keyed_by_its_id_else_its_place_and_a_bare_reference_is_passed_over() {
        let plan = json!({
            "resourceType": "CarePlan",
            "status": "active",
            "activity": [
                { "reference": { "reference": "Appointment/1" } },
                { "id": "walk", "detail": { "status": "scheduled", "code": { "text": "Walk" },
                  "goal": [{ "reference": "#g1" }], "kind": "Appointment" } },
                { "detail": { "status": "scheduled" } },
            ],
        });
        let activities = read(plan);
        assert_eq!(activities[0].task, Err("a reference to another resource"));
        assert_eq!(activities[1].key, "activity-walk");
        assert_eq!(activities[1].goals, ["#g1"]);
        let walk = activities[1].task.clone().unwrap();
        assert_eq!(
            (walk.kind, walk.description.as_str()),
            (TaskKind::Appointment, "Walk")
        );
        assert_eq!(activities[2].key, "activity-2");
        assert_eq!(activities[2].task, Err("says not what is to be done"));
    }

    #[test]
    fn a_bad_element_is_named() {
        let plan = detail("scheduled", json!({ "scheduledPeriod": { "end": "soon" } }));
        let problem = care_plan(&Node::root(&plan)).err().unwrap();
        assert_eq!(
            problem.0,
            "activity[0].detail.scheduledPeriod.end is not a date"
        );
    }
}
