//! Another system's CareTeam, Goal and Encounter read into tend's rows:
//! the people around the patient, the care plan's goals, and the hospital
//! stays, emergency and office visits whose clocks the transitions of care
//! keep (the rules work them out when the encounter is written).

use std::collections::HashMap;

use chrono::NaiveDate;

use super::map::Mapped;
use crate::domain::choice::ChoiceList;
use crate::domain::encounter::{Complexity, Diagnosis, EncounterStatus};
use crate::domain::goal::{Goal, GoalPriority, GoalStatus};
use crate::fhir::codes;
use crate::fhir::import::encounter::{disposition, wall};
use crate::fhir::import::read::{Node, Read};
use crate::store::{NewCareTeamMember, NewEncounter, SentRow};

/// The facility of an encounter whose sender named none: tend keeps the
/// stay (its clocks matter more than its place) and says so.
pub const FACILITY_NOT_NAMED: &str = "(not named by the sender)";

/// Who a reference names, as the input's Practitioners, Organizations and
/// RelatedPersons give them: a name and a phone.
pub type People = HashMap<String, (String, Option<String>)>;

/// A person's or an organization's name and first phone, from its
/// resource.
pub fn person(r: &Node<'_>) -> Read<Option<(String, Option<String>)>> {
    let name = match r.field("name").value() {
        Some(serde_json::Value::String(_)) => r.field("name").opt_string()?,
        _ => {
            let first = r.field("name").first()?;
            match first.field("text").opt_string()? {
                Some(text) => Some(text),
                None => {
                    let mut parts = Vec::new();
                    for given in first.field("given").items()? {
                        parts.push(given.str()?.to_string());
                    }
                    parts.extend(first.field("family").opt_string()?);
                    (!parts.is_empty()).then(|| parts.join(" "))
                }
            }
        }
    };
    let mut phone = None;
    for telecom in r.field("telecom").items()? {
        if telecom.field("system").opt_str()? == Some("phone") {
            phone = telecom.field("value").opt_string()?;
            break;
        }
    }
    Ok(name.map(|n| (n, phone)))
}

/// A care team's participant: the member's key and row, or why it is
/// passed over.
pub type Participant = Result<(String, SentRow), &'static str>;

/// A CareTeam's participants other than the patient: each a member of the
/// patient's care team with the key it is known by (the member's
/// reference, else its name), or why it is passed over (its participation
/// has ended, nothing names it). An inactive team, or one entered in
/// error, is passed over whole.
pub fn care_team(
    r: &Node<'_>,
    patient_refs: &[String],
    people: &People,
    today: NaiveDate,
) -> Read<Result<Vec<Participant>, &'static str>> {
    match r.field("status").opt_str()? {
        Some("inactive") => return Ok(Err("inactive")),
        Some("entered-in-error") => return Ok(Err("entered in error")),
        _ => {}
    }
    let mut contained = People::new();
    for resource in r.field("contained").items()? {
        if let (Some(id), Some(found)) = (resource.field("id").opt_str()?, person(&resource)?) {
            contained.insert(format!("#{id}"), found);
        }
    }
    let mut members = Vec::new();
    for participant in r.field("participant").items()? {
        let ended = super::map::date_of(&participant.field("period").field("end"))?;
        if ended.is_some_and(|end| end < today) {
            members.push(Err("participation ended"));
            continue;
        }
        let member = participant.field("member");
        let reference = member.field("reference").opt_str()?;
        let key = reference.map(super::reference_key);
        if key.as_ref().is_some_and(|k| patient_refs.contains(k)) {
            continue;
        }
        let found = reference.and_then(|r| {
            contained
                .get(r)
                .or_else(|| people.get(&super::reference_key(r)))
        });
        let name = match (member.field("display").opt_string()?, found) {
            (Some(display), _) => display,
            (None, Some((name, _))) => name.clone(),
            (None, None) => {
                members.push(Err("named by nothing tend can read"));
                continue;
            }
        };
        let role = participant
            .field("role")
            .first()?
            .concept_text()?
            .unwrap_or("care team member")
            .to_string();
        let organization = participant
            .field("onBehalfOf")
            .field("display")
            .opt_string()?
            .or_else(|| {
                participant
                    .field("onBehalfOf")
                    .field("reference")
                    .opt_str()
                    .ok()
                    .flatten()
                    .and_then(|o| people.get(&super::reference_key(o)))
                    .map(|(n, _)| n.clone())
            });
        members.push(Ok((
            key.unwrap_or_else(|| name.clone()),
            SentRow::CareTeamMember(NewCareTeamMember {
                patient_id: 0,
                role,
                name,
                organization,
                phone: found.and_then(|(_, phone)| phone.clone()),
            }),
        )));
    }
    Ok(Ok(members))
}

/// A Goal: its words, lifecycle (planned is proposed, accepted is
/// active), start, first target's due date and measure, priority. One
/// rejected or entered in error is passed over.
pub fn goal(r: &Node<'_>) -> Read<Mapped> {
    let status = r.field("lifecycleStatus");
    let status = match status.str()? {
        "proposed" | "planned" => GoalStatus::Proposed,
        "accepted" | "active" => GoalStatus::Active,
        "on-hold" => GoalStatus::OnHold,
        "completed" => GoalStatus::Completed,
        "cancelled" => GoalStatus::Cancelled,
        _ => return Ok(Mapped::PassedOver("rejected or entered in error")),
    };
    let description = r.field("description");
    let words = description
        .concept_text()?
        .ok_or_else(|| description.field("text").problem("is missing"))?;
    let target = r.field("target").first()?;
    let priority = match r
        .field("priority")
        .code_from("http://terminology.hl7.org/CodeSystem/goal-priority")?
    {
        Some(code) => code.opt_code(GoalPriority::from_code, &GoalPriority::codes())?,
        None => None,
    };
    Ok(Mapped::Row(SentRow::Goal(Goal {
        id: 0,
        patient_id: 0,
        description: words.to_string(),
        status,
        start_date: super::map::date_of(&r.field("startDate"))?,
        target_date: super::map::date_of(&target.field("dueDate"))?,
        need_id: None,
        measure: measure(&target)?,
        priority: priority.unwrap_or(GoalPriority::Medium),
        version: 1,
    })))
}

/// A goal target's measure in words: "Weight Measured 160–180 lbs".
fn measure(target: &Node<'_>) -> Read<Option<String>> {
    let Some(what) = target.field("measure").concept_text()? else {
        return Ok(None);
    };
    let quantity = |q: &Node<'_>| -> Read<Option<String>> {
        let Some(value) = q.field("value").opt_f64()? else {
            return Ok(None);
        };
        let unit = q.field("unit").opt_str()?.unwrap_or("");
        Ok(Some(format!("{value} {unit}").trim().to_string()))
    };
    let range = target.field("detailRange");
    let detail = if let Some(q) = quantity(&target.field("detailQuantity"))? {
        Some(q)
    } else if let (Some(low), Some(high)) = (
        range.field("low").field("value").opt_f64()?,
        quantity(&range.field("high"))?,
    ) {
        Some(format!("{low}–{high}"))
    } else {
        target.field("detailString").opt_string()?
    };
    Ok(Some(match detail {
        Some(detail) => format!("{what} {detail}"),
        None => what.to_string(),
    }))
}

/// An Encounter of a class the transitions of care keep (v3 ActCode
/// EMER, IMP, OBSENC, NONAC, AMB): its status, facility, times and
/// discharge disposition, and its `diagnoses` (principal first, read
/// from the input's encounter-diagnosis Conditions). One planned, entered
/// in error or of another class (a home or virtual visit), or without a
/// start, is passed over.
pub fn encounter(r: &Node<'_>, diagnoses: &[Diagnosis]) -> Read<Mapped> {
    let status = match r.field("status").str()? {
        "arrived" | "triaged" | "in-progress" | "onleave" => EncounterStatus::InProgress,
        "finished" => EncounterStatus::Finished,
        "cancelled" => EncounterStatus::Cancelled,
        "planned" => return Ok(Mapped::PassedOver("planned")),
        _ => return Ok(Mapped::PassedOver("entered in error or unknown")),
    };
    let class = r.field("class");
    let class = match class.field("code").opt_str()? {
        Some(code)
            if class
                .field("system")
                .opt_str()?
                .is_none_or(|s| s == codes::system::ACT_CODE) =>
        {
            codes::encounter_class_from_code(code)
        }
        _ => None,
    };
    let Some(class) = class else {
        return Ok(Mapped::PassedOver("of a class tend does not keep"));
    };
    let period = r.field("period");
    let Some(started_at) = wall(&period.field("start"))? else {
        return Ok(Mapped::PassedOver("without a start"));
    };
    let ended_at = wall(&period.field("end"))?;
    if ended_at.is_some_and(|end| end < started_at) {
        return Err(period.field("end").problem("is before period.start"));
    }
    let facility = match r.field("serviceProvider").field("display").opt_string()? {
        Some(name) => Some(name),
        None => r
            .field("location")
            .first()?
            .field("location")
            .field("display")
            .opt_string()?,
    }
    .filter(|name| !name.trim().is_empty())
    .unwrap_or_else(|| FACILITY_NOT_NAMED.to_string());
    let (disposition, disposition_code) =
        disposition(&r.field("hospitalization").field("dischargeDisposition"))?;
    Ok(Mapped::Row(SentRow::Encounter(NewEncounter {
        patient_id: 0,
        class,
        status,
        facility,
        started_at,
        ended_at,
        disposition,
        disposition_code,
        complexity: Complexity::Moderate,
        provider: None,
        diagnoses: diagnoses.to_vec(),
    })))
}
