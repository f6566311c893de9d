//! The care plan as FHIR: needs (Condition, health-concern), Goal, progress
//! entries (Observation), CarePlan and Task.

use serde_json::{json, Value};

use super::json::{coding, concept, date, extension, instant, reference, text_concept};
use crate::domain::goal::Goal;
use crate::fhir::codes::{self, ext, system};
use crate::fhir::ids::{self, Kind};
use crate::store::fhir::{ClockTask, LoopOf, NeedRow, PatientData, ProgressRow, StepRole, TaskRow};

/// A need: a Condition of the health-concern category, its domain a second
/// category from tend's need-domain code system.
pub fn need(n: &NeedRow) -> Value {
    let (category, category_display) = codes::HEALTH_CONCERN;
    json!({
        "resourceType": "Condition",
        "id": Kind::Need.id(n.id),
        "clinicalStatus": concept(system::CONDITION_CLINICAL, codes::need_status(n.resolved), None),
        "category": [
            concept(system::US_CORE_CONDITION_CATEGORY, category, Some(category_display)),
            concept(system::NEED_DOMAIN, n.domain.code(), Some(n.domain.label())),
        ],
        "code": text_concept(&n.description),
        "subject": reference(Kind::Patient.reference(n.patient_id)),
        "recordedDate": instant(n.created_at),
    })
}

pub fn goal(g: &Goal) -> Value {
    let target = (g.measure.is_some() || g.target_date.is_some()).then(|| {
        json!({
            "measure": g.measure.as_deref().map(text_concept),
            "dueDate": g.target_date.map(date),
        })
    });
    json!({
        "resourceType": "Goal",
        "id": Kind::Goal.id(g.id),
        "lifecycleStatus": g.status.code(),
        "priority": concept(
            system::GOAL_PRIORITY,
            g.priority.code(),
            Some(codes::goal_priority_display(g.priority)),
        ),
        "description": text_concept(&g.description),
        "subject": reference(Kind::Patient.reference(g.patient_id)),
        "startDate": g.start_date.map(date),
        "target": [target],
        "addresses": [g.need_id.map(|need| reference(Kind::Need.reference(need)))],
    })
}

/// A progress entry: an Observation whose focus is the goal, the words in
/// a note and the measured value, when there is one, as its value.
pub fn progress(patient_id: i64, e: &ProgressRow) -> Value {
    let (code, display) = codes::GOAL_PROGRESS;
    json!({
        "resourceType": "Observation",
        "id": Kind::Progress.id(e.id),
        "status": "final",
        "code": {
            "coding": [coding(system::OBSERVATION, code, Some(display))],
            "text": "Goal progress",
        },
        "subject": reference(Kind::Patient.reference(patient_id)),
        "focus": [reference(Kind::Goal.reference(e.goal_id))],
        "effectiveDateTime": date(e.recorded_on),
        "performer": [e.author_id.map(|id| reference(Kind::Practitioner.reference(id)))],
        "valueQuantity": e.value.map(|value| json!({ "value": value })),
        "note": [{ "text": e.note }],
    })
}

/// The patient's one care plan: the needs it addresses, its goals, the
/// tasks that serve them, the team, and when it is next reviewed.
pub fn care_plan(data: &PatientData) -> Value {
    let patient_id = data.patient.id;
    json!({
        "resourceType": "CarePlan",
        "id": ids::care_plan_id(patient_id),
        "extension": [extension(ext::NEXT_REVIEW, "valueDate", data.patient.plan_review_on.map(date))],
        "status": "active",
        "intent": "plan",
        "title": "Care plan",
        "subject": reference(Kind::Patient.reference(patient_id)),
        "careTeam": [(!data.care_team.is_empty()).then(|| reference(format!("CareTeam/{}", ids::care_team_id(patient_id))))],
        "addresses": data.needs.iter().map(|n| reference(Kind::Need.reference(n.id))).collect::<Vec<_>>(),
        "goal": data.goals.iter().map(|g| reference(Kind::Goal.reference(g.id))).collect::<Vec<_>>(),
        "activity": data
            .tasks
            .iter()
            .filter(|t| t.goal_id.is_some())
            .map(|t| json!({ "reference": reference(Kind::Task.reference(t.id)) }))
            .collect::<Vec<_>>(),
    })
}

/// A task; `clock` when it is the work of a transition clock.
/// A task; `clock` is the transition clock it is the work of, `step` the
/// closed loop it is a step of.
pub fn task(t: &TaskRow, clock: Option<&ClockTask>, step: Option<(LoopOf, StepRole)>) -> Value {
    let kind = codes::task_kind_display(t.kind);
    json!({
        "resourceType": "Task",
        "id": Kind::Task.id(t.id),
        "extension": [
            extension(ext::HARD_DEADLINE, "valueBoolean", t.hard_deadline.then_some(json!(true))),
            extension(ext::RECURRENCE, "valueString", t.recurrence.as_deref().map(Value::from)),
            extension(
                ext::PREVIOUS_OCCURRENCE,
                "valueReference",
                t.previous_id.map(|id| reference(Kind::Task.reference(id))),
            ),
            super::encounter::clock_extension(clock),
            super::loops::step_extension(step),
        ],
        "basedOn": [t.goal_id.map(|goal| reference(Kind::Goal.reference(goal)))],
        "status": t.status.code(),
        "intent": codes::task_intent(t.goal_id.is_some()),
        "priority": t.priority.code(),
        "code": { "coding": [coding(system::TASK_KIND, t.kind.code(), Some(kind))], "text": kind },
        "description": t.description,
        "focus": super::loops::focus(step),
        "for": reference(Kind::Patient.reference(t.patient_id)),
        "executionPeriod": { "end": t.completed_at.map(instant) },
        "authoredOn": instant(t.authored_at),
        "owner": t.owner_id.map(|id| reference(Kind::Practitioner.reference(id))),
        "restriction": { "period": { "end": t.due_on.map(date) } },
        "output": [t.outcome.as_ref().map(|outcome| json!({
            "type": text_concept("outcome"),
            "valueString": outcome,
        }))],
    })
}
