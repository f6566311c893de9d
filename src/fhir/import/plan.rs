//! The care plan from FHIR: needs, Goal, progress Observations, CarePlan
//! and Task, read back into tend's rows (ids are the entries' keys).

use chrono::NaiveDate;

use super::context::Ctx;
use super::read::{Node, Read};
use super::record::{clinical_status, need_domain};
use crate::domain::care_plan::GoalPriority;
use crate::domain::goal::Goal;
use crate::domain::goal::GoalStatus;
use crate::domain::task::{Priority, TaskKind, TaskStatus};
use crate::fhir::codes::{ext, system};
use crate::fhir::ids::Kind;
use crate::store::fhir::{NeedRow, ProgressRow, TaskRow};

pub fn need(ctx: &Ctx<'_>, key: i64, r: &Node<'_>) -> Read<NeedRow> {
    let description = r.field("code");
    Ok(NeedRow {
        id: key,
        patient_id: ctx.required_target(&r.field("subject"), Kind::Patient)?,
        domain: need_domain(r)?,
        description: description
            .concept_text()?
            .ok_or_else(|| description.field("text").problem("is missing"))?
            .to_string(),
        resolved: clinical_status(r, &["active", "resolved"])? == Some("resolved"),
        created_at: r.field("recordedDate").opt_instant()?.unwrap_or(ctx.now),
    })
}

pub fn goal(ctx: &Ctx<'_>, key: i64, r: &Node<'_>) -> Read<Goal> {
    let status = r.field("lifecycleStatus");
    let priority = match r.field("priority").code_from(system::GOAL_PRIORITY)? {
        Some(code) => code.opt_code(
            GoalPriority::from_code,
            &GoalPriority::ALL.map(|p| p.code()),
        )?,
        None => None,
    };
    let target = r.field("target").first()?;
    let mut need_id = None;
    for addressed in r.field("addresses").items()? {
        let need = ctx.required_target(&addressed, Kind::Need)?;
        if need_id.replace(need).is_some() {
            return Err(addressed.problem("is a second need; a tend goal serves one"));
        }
    }
    let description = r.field("description");
    Ok(Goal {
        id: key,
        patient_id: ctx.required_target(&r.field("subject"), Kind::Patient)?,
        description: description
            .concept_text()?
            .ok_or_else(|| description.field("text").problem("is missing"))?
            .to_string(),
        status: status
            .opt_code(GoalStatus::from_code, &GoalStatus::ALL.map(|s| s.code()))?
            .ok_or_else(|| status.problem("is missing"))?,
        start_date: r.field("startDate").opt_date()?,
        target_date: target.field("dueDate").opt_date()?,
        need_id,
        measure: target.field("measure").concept_text()?.map(str::to_string),
        priority: priority.unwrap_or(GoalPriority::Medium),
        // The version is the database's own: an imported goal starts at 1.
        version: 1,
    })
}

/// A progress entry, with the patient its Observation is about (checked
/// against the goal's by the caller).
pub fn progress(ctx: &Ctx<'_>, key: i64, r: &Node<'_>) -> Read<(i64, ProgressRow)> {
    let patient = ctx.required_target(&r.field("subject"), Kind::Patient)?;
    let focus = r.field("focus").first()?;
    if !focus.is_present() {
        return Err(focus.problem(
            "is missing (tend keeps an Observation as a goal's progress, so it needs the Goal)",
        ));
    }
    let note = r.field("note").first()?.field("text");
    Ok((
        patient,
        ProgressRow {
            id: key,
            goal_id: ctx.required_target(&focus, Kind::Goal)?,
            recorded_on: r.field("effectiveDateTime").date()?,
            note: note.str()?.to_string(),
            value: r.field("valueQuantity").field("value").opt_f64()?,
            author_id: ctx.target(&r.field("performer").first()?, Kind::Practitioner)?,
        },
    ))
}

/// The patient a CarePlan is for, and its next review date.
pub fn care_plan(ctx: &Ctx<'_>, r: &Node<'_>) -> Read<(i64, Option<NaiveDate>)> {
    Ok((
        ctx.required_target(&r.field("subject"), Kind::Patient)?,
        r.extension(ext::NEXT_REVIEW)?
            .field("valueDate")
            .opt_date()?,
    ))
}

pub fn task(ctx: &Ctx<'_>, key: i64, r: &Node<'_>) -> Read<TaskRow> {
    let status = r.field("status");
    let kind = match r.field("code").code_from(system::TASK_KIND)? {
        Some(code) => code.opt_code(TaskKind::from_code, &TaskKind::ALL.map(|k| k.code()))?,
        None => None,
    };
    let mut goal_id = None;
    for based_on in r.field("basedOn").items()? {
        let target = based_on.field("reference").opt_str()?;
        let is_goal = target
            .and_then(|t| ctx.index.resolve(t))
            .is_some_and(|i| ctx.entries[i].resource_type == "Goal");
        if is_goal
            && goal_id
                .replace(ctx.required_target(&based_on, Kind::Goal)?)
                .is_some()
        {
            return Err(based_on.problem("is a second goal; a tend task serves one"));
        }
    }
    let mut outcome = None;
    for output in r.field("output").items()? {
        if output.field("type").field("text").opt_str()? == Some("outcome") {
            outcome = Some(output.field("valueString").str()?.to_string());
        }
    }
    let description = r.field("description");
    Ok(TaskRow {
        id: key,
        patient_id: ctx.required_target(&r.field("for"), Kind::Patient)?,
        owner_id: ctx.target(&r.field("owner"), Kind::Practitioner)?,
        kind: kind.unwrap_or(TaskKind::Other),
        description: description.str()?.to_string(),
        status: status
            .opt_code(TaskStatus::from_code, &TaskStatus::ALL.map(|s| s.code()))?
            .ok_or_else(|| status.problem("is missing"))?,
        priority: r
            .field("priority")
            .opt_code(Priority::from_code, &Priority::ALL.map(|p| p.code()))?
            .unwrap_or(Priority::Routine),
        due_on: r
            .field("restriction")
            .field("period")
            .field("end")
            .opt_date()?,
        hard_deadline: r
            .extension(ext::HARD_DEADLINE)?
            .field("valueBoolean")
            .opt_bool()?
            .unwrap_or(false),
        authored_at: r.field("authoredOn").opt_instant()?.unwrap_or(ctx.now),
        completed_at: r.field("executionPeriod").field("end").opt_instant()?,
        outcome,
        recurrence: r
            .extension(ext::RECURRENCE)?
            .field("valueString")
            .opt_string()?,
        previous_id: ctx.target(
            &r.extension(ext::PREVIOUS_OCCURRENCE)?
                .field("valueReference"),
            Kind::Task,
        )?,
        goal_id,
    })
}
