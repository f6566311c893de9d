//! Referrals (ServiceRequest), appointments (Appointment) and prior
//! authorizations (Claim, with the payer's ClaimResponse) from FHIR, read
//! back into tend's rows (ids are the entries' keys), and the loop step a
//! Task is.
//!
//! A loop's status is tend's own, from the `loop-status` extension, and
//! must go with the resource's FHIR status (a `declined` referral is a
//! `revoked` ServiceRequest); a resource without it (a bundle from
//! elsewhere) takes the first of tend's statuses its FHIR status stands
//! for: an active ServiceRequest is a sent referral, an active Claim a
//! submitted authorization. A status tend's loop has no place for
//! (`on-hold`, `entered-in-error`, an Appointment `proposed`) refuses the
//! file, as does what the loop's rules forbid: a referral closed without
//! how receipt was confirmed.

use chrono::{DateTime, NaiveDate};

use super::context::Ctx;
use super::encounter::wall;
use super::read::{Node, Read};
use crate::domain::appointment::AppointmentStatus;
use crate::domain::authorization::AuthStatus;
use crate::domain::choice::ChoiceList;
use crate::domain::referral::{ReceiptConfirmation, ReferralKind, ReferralStatus, Urgency};
use crate::fhir::codes::{self, ext, id_system, system};
use crate::fhir::ids::Kind;
use crate::store::fhir::{AppointmentRow, AuthorizationRow, ReferralRow, StepRole};

/// tend's status extension, read.
struct LoopStatus<'a> {
    /// The `status` code (an absent node without the extension).
    code: Node<'a>,
    on: Option<NaiveDate>,
    note: Option<String>,
    confirmation: Node<'a>,
}

fn loop_status<'a>(r: &Node<'a>) -> Read<LoopStatus<'a>> {
    let own = r.extension(ext::LOOP_STATUS)?;
    Ok(LoopStatus {
        code: own.extension("status")?.field("valueCode"),
        on: own.extension("on")?.field("valueDate").opt_date()?,
        note: own.extension("note")?.field("valueString").opt_string()?,
        confirmation: own.extension("confirmation")?.field("valueCode"),
    })
}

/// tend's status: its own code when the resource carries one, which must
/// go with the FHIR status, else the one `from_fhir` reads in FHIR's.
fn status<T: ChoiceList>(
    fhir: &Node<'_>,
    own: &Node<'_>,
    to_fhir: fn(T) -> &'static str,
    from_fhir: fn(&str) -> Option<T>,
) -> Read<T> {
    let mut readable: Vec<&str> = Vec::new();
    for &s in T::ALL {
        if !readable.contains(&to_fhir(s)) {
            readable.push(to_fhir(s));
        }
    }
    let written = fhir.str()?;
    if !readable.contains(&written) {
        return Err(fhir.problem(&format!("is not one of {}", readable.join(", "))));
    }
    match own.opt_code(T::from_code, &T::codes())? {
        Some(s) if to_fhir(s) == written => Ok(s),
        Some(s) => Err(fhir.problem(&format!(
            "does not go with {} (tend's {} is {} in FHIR)",
            own.path(),
            s.code(),
            to_fhir(s)
        ))),
        None => from_fhir(written).ok_or_else(|| fhir.problem("is not one tend can read")),
    }
}

/// The practitioner a reference leads to, when it leads to one (an
/// organisation as Claim.provider, say, names no coordinator).
fn practitioner(ctx: &Ctx<'_>, reference: &Node<'_>) -> Read<Option<i64>> {
    let target = reference.field("reference").opt_str()?;
    let is_practitioner = target
        .and_then(|t| ctx.index.resolve(t))
        .is_some_and(|i| ctx.entries[i].kind() == Some(Kind::Practitioner));
    if is_practitioner {
        ctx.target(reference, Kind::Practitioner)
    } else {
        Ok(None)
    }
}

/// The one target of `kind` among a list of references (others ignored);
/// a second is refused, as tend keeps one.
fn one_of(ctx: &Ctx<'_>, list: &Node<'_>, kind: Kind, what: &str) -> Read<Option<i64>> {
    let mut found = None;
    for item in list.items()? {
        let target = item.field("reference").opt_str()?;
        let of_kind = target
            .and_then(|t| ctx.index.resolve(t))
            .is_some_and(|i| ctx.entries[i].kind() == Some(kind));
        if of_kind && found.replace(ctx.required_target(&item, kind)?).is_some() {
            return Err(item.problem(&format!("is a second {what}; tend keeps one")));
        }
    }
    Ok(found)
}

/// Text that tend cannot do without.
fn words(node: &Node<'_>, why: &str) -> Read<String> {
    match node.opt_str()? {
        Some(text) if !text.trim().is_empty() => Ok(text.to_string()),
        _ => Err(node.problem(&format!("is missing ({why})"))),
    }
}

fn created(ctx: &Ctx<'_>, node: &Node<'_>) -> Read<DateTime<chrono::Utc>> {
    Ok(node.opt_instant()?.unwrap_or(ctx.now))
}

pub fn referral(ctx: &Ctx<'_>, key: i64, r: &Node<'_>) -> Read<ReferralRow> {
    let own = loop_status(r)?;
    let status = status(
        &r.field("status"),
        &own.code,
        codes::service_request_status,
        codes::referral_status_from_fhir,
    )?;
    let confirmation = own.confirmation.opt_code(
        ReceiptConfirmation::from_code,
        &ReceiptConfirmation::codes(),
    )?;
    // The loop's rule: closed as done only with how receipt was confirmed.
    match (status, confirmation) {
        (ReferralStatus::Closed, None) => {
            return Err(own
                .confirmation
                .problem("is missing (a closed referral says how receipt was confirmed)"))
        }
        (s, Some(_)) if s != ReferralStatus::Closed => {
            return Err(own.confirmation.problem("is for a closed referral only"))
        }
        _ => {}
    }
    let category = r.field("category");
    let mut kind = None;
    let mut fhir_kind = None;
    for concept in category.items()? {
        if let Some(code) = concept.code_from(system::REFERRAL_KIND)? {
            kind = code.opt_code(ReferralKind::from_code, &ReferralKind::codes())?;
        }
        if concept.code_from(system::US_CORE_CATEGORY)?.is_some() {
            fhir_kind = Some(ReferralKind::Community);
        }
        if let Some(code) = concept.code_from(system::SNOMED)? {
            if code.opt_str()? == Some(codes::PATIENT_REFERRAL.0) {
                fhir_kind = Some(ReferralKind::Clinical);
            }
        }
    }
    let (to_name, to_phone, service_ref) = receiver(r)?;
    let authored = r.field("authoredOn");
    let created_at = created(ctx, &authored)?;
    let priority = r.field("priority");
    Ok(ReferralRow {
        id: key,
        patient_id: ctx.required_target(&r.field("subject"), Kind::Patient)?,
        // A referral is clinical unless it says it is for a social need.
        kind: kind.or(fhir_kind).unwrap_or(ReferralKind::Clinical),
        status,
        urgency: priority
            .opt_code(Urgency::from_code, &Urgency::codes())?
            .unwrap_or(Urgency::Routine),
        reason: words(
            &r.field("code").field("text"),
            "tend needs the referral's reason",
        )?,
        need_id: one_of(ctx, &r.field("reasonReference"), Kind::Need, "need")?,
        goal_id: one_of(ctx, &r.field("supportingInfo"), Kind::Goal, "goal")?,
        to_name,
        to_phone,
        service_ref,
        appointment_on: wall(&r.field("occurrenceDateTime"))?.map(|at| at.date()),
        confirmation,
        status_note: own.note,
        status_on: own.on.unwrap_or(created_at.date_naive()),
        task_id: None,
        author_id: practitioner(ctx, &r.field("requester"))?,
        created_at,
    })
}

/// Who a referral went to: the contained Organization or HealthcareService
/// `performer[0]` leads to (its name, phone and directory id), else the
/// performer's display.
fn receiver(r: &Node<'_>) -> Read<(String, Option<String>, Option<String>)> {
    let performer = r.field("performer").first()?;
    let why = "tend needs who the referral goes to";
    let at = performer.field("reference");
    let Some(target) = at.opt_str()?.and_then(|t| t.strip_prefix('#')) else {
        return Ok((words(&performer.field("display"), why)?, None, None));
    };
    let contained = r.field("contained").items()?;
    let Some(found) = contained
        .iter()
        .find(|c| c.field("id").opt_str().ok().flatten() == Some(target))
    else {
        return Err(at.problem("does not lead to a contained resource"));
    };
    let mut phone = None;
    for telecom in found.field("telecom").items()? {
        if telecom.field("system").opt_str()? == Some("phone") {
            phone = telecom.field("value").opt_string()?;
            break;
        }
    }
    let mut service = None;
    for identifier in found.field("identifier").items()? {
        if identifier.field("system").opt_str()? == Some(id_system::HSDS_SERVICE) {
            service = identifier.field("value").opt_string()?;
        }
    }
    Ok((words(&found.field("name"), why)?, phone, service))
}

pub fn appointment(ctx: &Ctx<'_>, key: i64, r: &Node<'_>) -> Read<AppointmentRow> {
    let own = loop_status(r)?;
    let status = status(
        &r.field("status"),
        &own.code,
        codes::appointment_status,
        AppointmentStatus::from_code,
    )?;
    let start = r.field("start");
    let starts_at = wall(&start)?.ok_or_else(|| start.problem("is missing"))?;
    let end = wall(&r.field("end"))?;
    if end.is_some_and(|end| end < starts_at) {
        return Err(r.field("end").problem("is before start"));
    }
    let duration = r.field("minutesDuration");
    let minutes = match duration.opt_i64()? {
        Some(m) if m < 1 => return Err(duration.problem("is not a positive whole number")),
        Some(m) => Some(m),
        // From elsewhere, the length may be the end alone.
        None => end
            .map(|end| (end - starts_at).num_minutes())
            .filter(|m| *m > 0),
    };
    let (mut patient, mut with_whom, mut place) = (None, None, None);
    for participant in r.field("participant").items()? {
        let actor = participant.field("actor");
        let target = actor.field("reference").opt_str()?;
        let is_patient = target
            .and_then(|t| ctx.index.resolve(t))
            .is_some_and(|i| ctx.entries[i].kind() == Some(Kind::Patient));
        if is_patient {
            if patient
                .replace(ctx.required_target(&actor, Kind::Patient)?)
                .is_some()
            {
                return Err(actor.problem("is a second patient; an appointment is one's"));
            }
            continue;
        }
        let kind = participant.field("type").first()?;
        let is_location = kind
            .code_from(system::PARTICIPATION_TYPE)?
            .is_some_and(|c| c.opt_str().ok().flatten() == Some(codes::LOCATION.0));
        let slot = if is_location {
            &mut place
        } else {
            &mut with_whom
        };
        if slot.is_none() {
            *slot = actor.field("display").opt_string()?;
        }
    }
    let participants = r.field("participant");
    let arrangements = r.extension(ext::ARRANGEMENTS)?;
    let arranged = |name: &str| -> Read<bool> {
        Ok(arrangements
            .extension(name)?
            .field("valueBoolean")
            .opt_bool()?
            .unwrap_or(false))
    };
    Ok(AppointmentRow {
        id: key,
        patient_id: patient.ok_or_else(|| {
            participants.problem("has no actor that is the Patient (tend needs whose it is)")
        })?,
        status,
        starts_at,
        minutes,
        with_whom: with_whom.filter(|w| !w.trim().is_empty()).ok_or_else(|| {
            participants.problem("names no one it is with (tend needs who the member sees)")
        })?,
        place,
        reason: words(
            &r.field("description"),
            "tend needs the appointment's reason",
        )?,
        referral_id: one_of(ctx, &r.field("basedOn"), Kind::Referral, "referral")?,
        transport_needed: arranged("transport-needed")?,
        transport_arranged: arranged("transport-arranged")?,
        interpreter_needed: arranged("interpreter-needed")?,
        interpreter_arranged: arranged("interpreter-arranged")?,
        reminder_task_id: None,
        task_id: None,
        outreach_task_id: None,
        rescheduled_to: ctx.target(
            &r.extension(ext::RESCHEDULED_TO)?.field("valueReference"),
            Kind::Appointment,
        )?,
        status_note: own.note,
        status_on: own.on.unwrap_or(starts_at.date()),
        author_id: ctx.target(
            &r.extension(ext::RECORDED_BY)?.field("valueReference"),
            Kind::Practitioner,
        )?,
        created_at: created(ctx, &r.field("created"))?,
    })
}

fn claim_status_from_fhir(code: &str) -> Option<AuthStatus> {
    match code {
        "draft" => Some(AuthStatus::Draft),
        "active" => Some(AuthStatus::Submitted),
        _ => None,
    }
}

pub fn authorization(ctx: &Ctx<'_>, key: i64, r: &Node<'_>) -> Read<AuthorizationRow> {
    let usage = r.field("use");
    if usage.str()? != "preauthorization" {
        return Err(usage.problem("is not preauthorization (tend keeps prior authorizations)"));
    }
    let own = loop_status(r)?;
    let status = status(
        &r.field("status"),
        &own.code,
        codes::claim_status,
        claim_status_from_fhir,
    )?;
    let insurer = r.field("insurer").field("display");
    let payer = match insurer.opt_str()? {
        Some(name) => Some(name.to_string()),
        None => coverage_payer(r)?,
    }
    .filter(|p| !p.trim().is_empty())
    .ok_or_else(|| insurer.problem("is missing (tend needs the payer's name)"))?;
    let items = r.field("item").items()?;
    if let Some(second) = items.get(1) {
        return Err(second.problem("is a second item; a tend prior authorization is for one"));
    }
    let item = r.field("item").first()?;
    let product = item.field("productOrService");
    let (item_system, item_code) = product_code(&product)?;
    let diagnoses = r.field("diagnosis").items()?;
    if let Some(second) = diagnoses.get(1) {
        return Err(second.problem("is a second diagnosis; tend keeps one"));
    }
    let diagnosis = r
        .field("diagnosis")
        .first()?
        .field("diagnosisCodeableConcept");
    let diagnosis_code = match diagnosis.code_from(system::ICD10CM)? {
        Some(code) => code.opt_string()?,
        None => None,
    };
    let units = item.field("quantity").field("value");
    let insurance = r.field("insurance").first()?;
    let created_at = created(ctx, &r.field("created"))?;
    Ok(AuthorizationRow {
        id: key,
        patient_id: ctx.required_target(&r.field("patient"), Kind::Patient)?,
        status,
        payer,
        item: product
            .concept_text()?
            .filter(|t| !t.trim().is_empty())
            .ok_or_else(|| {
                product
                    .field("text")
                    .problem("is missing (tend needs the service or medication in words)")
            })?
            .to_string(),
        item_system,
        item_code,
        diagnosis_code,
        submitted_on: r.extension(ext::SUBMITTED)?.field("valueDate").opt_date()?,
        decided_on: None,
        units: match units.opt_i64()? {
            Some(n) if n < 0 => return Err(units.problem("is below zero")),
            other => other,
        },
        authorized_from: None,
        authorized_until: None,
        payer_ref: insurance.field("preAuthRef").first()?.opt_string()?,
        status_note: own.note,
        status_on: own.on.unwrap_or(created_at.date_naive()),
        task_id: None,
        author_id: practitioner(ctx, &r.field("provider"))?,
        created_at,
    })
}

/// The payer named by the contained Coverage, for a Claim without
/// `insurer.display`.
fn coverage_payer(r: &Node<'_>) -> Read<Option<String>> {
    for c in r.field("contained").items()? {
        if c.field("resourceType").opt_str()? == Some("Coverage") {
            return c.field("payor").first()?.field("display").opt_string();
        }
    }
    Ok(None)
}

/// The item's code, from the first coding in a system tend knows (or one
/// without a system); a code in another system is not kept.
fn product_code(product: &Node<'_>) -> Read<(Option<String>, Option<String>)> {
    for coding in product.field("coding").items()? {
        let code = coding.field("code").opt_string()?;
        match coding.field("system").opt_str()? {
            None => return Ok((None, code)),
            Some(uri) => {
                if let Some((name, _)) = codes::ITEM_SYSTEMS.iter().find(|(_, u)| *u == uri) {
                    return Ok((Some(name.to_string()), code));
                }
            }
        }
    }
    Ok((None, None))
}

/// What a ClaimResponse adds to its Claim's row: the decision's date, the
/// payer's number, the dates authorized.
#[derive(Debug, Clone)]
pub struct Response {
    /// The Claim's key.
    pub claim: i64,
    pub decided_on: Option<NaiveDate>,
    pub payer_ref: Option<String>,
    pub authorized_from: Option<NaiveDate>,
    pub authorized_until: Option<NaiveDate>,
}

pub fn claim_response(ctx: &Ctx<'_>, r: &Node<'_>) -> Read<Response> {
    let request = r.field("request");
    if !request.is_present() {
        return Err(request.problem("is missing (tend keeps a response with its Claim)"));
    }
    let outcome = r.field("outcome");
    let complete = match outcome.str()? {
        "complete" | "partial" => true,
        "queued" => false,
        _ => return Err(outcome.problem("is not one of queued, complete, partial")),
    };
    let period = r.field("preAuthPeriod");
    let from = wall(&period.field("start"))?.map(|at| at.date());
    let until = wall(&period.field("end"))?.map(|at| at.date());
    if let (Some(from), Some(until)) = (from, until) {
        if until < from {
            return Err(period.field("end").problem("is before preAuthPeriod.start"));
        }
    }
    Ok(Response {
        claim: ctx.required_target(&request, Kind::Authorization)?,
        decided_on: match complete {
            true => wall(&r.field("created"))?.map(|at| at.date()),
            false => None,
        },
        payer_ref: r.field("preAuthRef").opt_string()?,
        authorized_from: from,
        authorized_until: until,
    })
}

/// The loop a Task is a step of, if it says so: the key of its focus, the
/// focus's kind, and which step.
pub fn loop_step(ctx: &Ctx<'_>, r: &Node<'_>) -> Read<Option<(i64, Kind, StepRole)>> {
    let step = r.extension(ext::LOOP_STEP)?.field("valueCode");
    let Some(role) = step.opt_code(StepRole::from_code, &StepRole::ALL.map(|s| s.code()))? else {
        return Ok(None);
    };
    let focus = r.field("focus");
    let target = focus.field("reference").opt_str()?;
    let kind = target
        .and_then(|t| ctx.index.resolve(t))
        .and_then(|i| ctx.entries[i].kind())
        .filter(|k| matches!(k, Kind::Referral | Kind::Appointment | Kind::Authorization))
        .ok_or_else(|| {
            focus
                .problem("does not lead to the ServiceRequest, Appointment or Claim the step is of")
        })?;
    if role != StepRole::NextStep && kind != Kind::Appointment {
        return Err(step.problem("is a step only an Appointment has"));
    }
    Ok(Some((ctx.required_target(&focus, kind)?, kind, role)))
}
