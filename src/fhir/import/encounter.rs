//! Encounters from FHIR, read back into tend's rows (ids are the entries'
//! keys), and the transition clock a Task is the work of.
//!
//! Times: the wall clock as written, its offset dropped (tend keeps the
//! facility's wall clock, and the rules count days in its dates); a full
//! date alone is the start of that day. Diagnoses are the contained
//! Conditions that `diagnosis[].condition` leads to, in rank order. What
//! follows from the encounters (whether a stay is a readmission, its
//! clocks) is worked out again when they are written, never read.

use chrono::{DateTime, NaiveDate, NaiveDateTime, Timelike};

use super::context::Ctx;
use super::read::{Node, Read};
use crate::domain::encounter::{
    Complexity, Diagnosis, Disposition, Encounter, EncounterStatus, ProviderKind,
};
use crate::domain::transitions::ClockKind;
use crate::fhir::codes::{self, ext, id_system, system};
use crate::fhir::ids::Kind;
use crate::store::fhir::{ClockTask, EncounterData};

/// A wall-clock time: the digits as written, the offset dropped.
pub(super) fn wall(node: &Node<'_>) -> Read<Option<NaiveDateTime>> {
    let Some(text) = node.opt_str()? else {
        return Ok(None);
    };
    if let Ok(at) = DateTime::parse_from_rfc3339(text) {
        return Ok(at.naive_local().with_nanosecond(0));
    }
    if text.len() == 10 {
        if let Ok(day) = NaiveDate::parse_from_str(text, "%Y-%m-%d") {
            return Ok(day.and_hms_opt(0, 0, 0));
        }
    }
    Err(node.problem("is not a full date, or a date and time with its offset"))
}

pub fn encounter(ctx: &Ctx<'_>, key: i64, r: &Node<'_>) -> Read<EncounterData> {
    let status = r.field("status");
    let class = r.field("class");
    let class_system = class.field("system").opt_str()?;
    let class = match class.field("code").opt_str()? {
        Some(code) if class_system.is_none_or(|s| s == system::ACT_CODE) => {
            codes::encounter_class_from_code(code)
        }
        None if !class.is_present() => return Err(class.problem("is missing")),
        _ => None,
    }
    .ok_or_else(|| {
        class.problem("is not one tend knows (v3 ActCode EMER, IMP, OBSENC, NONAC or AMB)")
    })?;
    let period = r.field("period");
    let start = period.field("start");
    let started_at = wall(&start)?.ok_or_else(|| start.problem("is missing"))?;
    let ended_at = wall(&period.field("end"))?;
    if ended_at.is_some_and(|end| end < started_at) {
        return Err(period.field("end").problem("is before period.start"));
    }
    let provider = r.field("serviceProvider").field("display");
    let location = r
        .field("location")
        .first()?
        .field("location")
        .field("display");
    let facility = match provider.opt_str()? {
        Some(name) => Some(name),
        None => location.opt_str()?,
    }
    .filter(|name| !name.trim().is_empty())
    .ok_or_else(|| provider.problem("is missing (tend needs the facility's name)"))?;

    let (disposition, disposition_code) =
        disposition(&r.field("hospitalization").field("dischargeDisposition"))?;
    let (source_system, source_visit) = source(r)?;
    Ok(EncounterData {
        encounter: Encounter {
            id: key,
            patient_id: ctx.required_target(&r.field("subject"), Kind::Patient)?,
            class,
            status: status
                .opt_code(
                    EncounterStatus::from_code,
                    &EncounterStatus::ALL
                        .iter()
                        .map(|s| s.code())
                        .collect::<Vec<_>>(),
                )?
                .ok_or_else(|| status.problem("is missing"))?,
            facility: facility.to_string(),
            started_at,
            ended_at,
            disposition,
            complexity: r
                .extension(ext::ENCOUNTER_COMPLEXITY)?
                .field("valueCode")
                .opt_code(
                    Complexity::from_code,
                    &Complexity::ALL.iter().map(|c| c.code()).collect::<Vec<_>>(),
                )?
                .unwrap_or(Complexity::Moderate),
            provider: r
                .extension(ext::PROVIDER_KIND)?
                .field("valueCode")
                .opt_code(
                    ProviderKind::from_code,
                    &ProviderKind::ALL
                        .iter()
                        .map(|p| p.code())
                        .collect::<Vec<_>>(),
                )?,
            diagnoses: diagnoses(r)?,
        },
        disposition_code,
        source_system,
        source_visit,
        readmission_of: None,
        notified_on: r
            .extension(ext::ADMISSION_NOTIFIED)?
            .field("valueDate")
            .opt_date()?,
    })
}

/// tend's grouping (its own code first, else FHIR's, else table 0112's)
/// and the table 0112 code as the feed sent it.
pub(super) fn disposition(concept: &Node<'_>) -> Read<(Option<Disposition>, Option<String>)> {
    let sent = match concept.code_from(system::V2_DISCHARGE_DISPOSITION)? {
        Some(code) => code.opt_string()?,
        None => None,
    };
    let grouped = if let Some(code) = concept.code_from(system::DISPOSITION)? {
        code.opt_code(
            Disposition::from_code,
            &Disposition::ALL
                .iter()
                .map(|d| d.code())
                .collect::<Vec<_>>(),
        )?
    } else if let Some(code) = concept.code_from(system::DISCHARGE_DISPOSITION)? {
        code.opt_str()?.map(codes::disposition_from_fhir)
    } else {
        sent.as_deref().map(Disposition::from_hl7)
    };
    Ok((grouped, sent))
}

/// The feed's key: the sending system and visit number of tend's
/// identifier, when there is one.
fn source(r: &Node<'_>) -> Read<(Option<String>, Option<String>)> {
    for identifier in r.field("identifier").items()? {
        let system = identifier.field("system");
        let Some(uri) = system.opt_str()? else {
            continue;
        };
        if !uri.starts_with(id_system::ADT_SOURCE) {
            continue;
        }
        let source = codes::source_system_of(uri)
            .ok_or_else(|| system.problem("is not a sending system tend can read"))?;
        return Ok((Some(source), identifier.field("value").opt_string()?));
    }
    Ok((None, None))
}

/// The diagnoses, principal first: each `diagnosis[].condition` leads to
/// a contained Condition with an ICD-10-CM coding.
fn diagnoses(r: &Node<'_>) -> Read<Vec<Diagnosis>> {
    let contained = r.field("contained").items()?;
    let mut ranked = Vec::new();
    for (i, item) in r.field("diagnosis").items()?.into_iter().enumerate() {
        let at = item.field("condition").field("reference");
        let target = at.str()?;
        let condition = contained
            .iter()
            .find(|c| {
                c.field("id").opt_str().ok().flatten() == target.strip_prefix('#')
                    && c.field("resourceType").opt_str().ok().flatten() == Some("Condition")
            })
            .ok_or_else(|| at.problem("does not lead to a contained Condition"))?;
        let code = condition.field("code");
        let icd = code
            .code_from(system::ICD10CM)?
            .ok_or_else(|| code.field("coding").problem("has no ICD-10-CM code"))?;
        let rank = item.field("rank").opt_i64()?.unwrap_or(i64::MAX);
        ranked.push((
            rank,
            i,
            Diagnosis {
                code: icd.opt_string()?.unwrap_or_default(),
                display: code.concept_text()?.unwrap_or_default().to_string(),
            },
        ));
    }
    ranked.sort_by_key(|(rank, i, _)| (*rank, *i));
    Ok(ranked.into_iter().map(|(_, _, d)| d).collect())
}

/// The transition clock a Task is the work of, if it says so.
pub fn clock_task(ctx: &Ctx<'_>, key: i64, r: &Node<'_>) -> Read<Option<ClockTask>> {
    let clock = r.extension(ext::TRANSITION_CLOCK)?;
    if !clock.is_present() {
        return Ok(None);
    }
    let kind = clock.extension("kind")?.field("valueCode");
    Ok(Some(ClockTask {
        task_id: key,
        encounter_id: ctx.required_target(
            &clock.extension("encounter")?.field("valueReference"),
            Kind::Encounter,
        )?,
        kind: kind
            .opt_code(
                ClockKind::from_code,
                &ClockKind::ALL.iter().map(|k| k.code()).collect::<Vec<_>>(),
            )?
            .ok_or_else(|| kind.problem("is missing"))?,
    }))
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn wall_clock_keeps_the_digits_and_drops_the_offset() {
        let value = json!({"a": "2026-11-02T23:30:00-05:00", "b": "2026-11-02", "c": "2026-11-02T23:30:00"});
        let root = Node::root(&value);
        let a = wall(&root.field("a")).unwrap().unwrap();
        assert_eq!(a.to_string(), "2026-11-02 23:30:00");
        let b = wall(&root.field("b")).unwrap().unwrap();
        assert_eq!(b.to_string(), "2026-11-02 00:00:00");
        assert_eq!(
            wall(&root.field("c")).unwrap_err().0,
            "c is not a full date, or a date and time with its offset"
        );
    }
}
