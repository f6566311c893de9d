//! A checked bundle read into tend's rows, grouped by patient, with each
//! row's id still the key of where it came from (an entry's index, or for a
//! care-team member a number after the entries') and what id it could keep.

use std::collections::{BTreeMap, HashMap};

use super::bundle::Entry;
use super::context::Ctx;
use super::read::{Node, Problem};
use super::{encounter, loops, notes, plan, record, screenings};
use crate::domain::patient::Practitioner;
use crate::fhir::ids::Kind;
use crate::store::fhir::{PatientData, StepRole};

/// Where a row came from and the row id its resource id carries (in tend's
/// form, `p-12`), which an import into an empty database gives it back.
#[derive(Debug, Clone, Copy)]
pub struct Slot {
    pub kind: Kind,
    pub number: Option<i64>,
}

#[derive(Debug, Default)]
pub struct Parsed {
    pub practitioners: Vec<Practitioner>,
    pub patients: Vec<PatientData>,
    /// By key, in the bundle's order (so new ids are given in that order).
    pub slots: BTreeMap<i64, Slot>,
    /// The entry each patient came from, "entry 3 (Patient/p-1)", by key
    /// (for problems found while loading).
    pub patient_entry: HashMap<i64, String>,
    /// The same for each encounter that carries a feed's key.
    pub encounter_entry: HashMap<i64, String>,
}

impl Parsed {
    /// Whether every row carries a row id in tend's form, none of them twice
    /// in its table: only then can the rows keep them.
    pub fn ids_are_tends(&self) -> bool {
        let mut seen = std::collections::HashSet::new();
        self.slots
            .values()
            .all(|slot| slot.number.is_some_and(|n| seen.insert((slot.kind, n))))
    }
}

fn at(entry: &Entry<'_>, problem: Problem) -> String {
    format!("entry {} ({}): {}", entry.index, entry.name(), problem.0)
}

fn plain(entry: &Entry<'_>, what: &str) -> String {
    format!("entry {} ({}): {what}", entry.index, entry.name())
}

pub fn parse(ctx: &Ctx<'_>) -> Result<Parsed, String> {
    let mut parsed = Parsed::default();
    let mut position: HashMap<i64, usize> = HashMap::new();
    let mut member_ids: HashMap<String, usize> = HashMap::new();
    let mut usernames: HashMap<String, usize> = HashMap::new();
    let slot = |parsed: &mut Parsed, key: i64, kind: Kind, id: Option<&str>| {
        parsed.slots.insert(
            key,
            Slot {
                kind,
                number: id.and_then(|id| kind.row_of(id)),
            },
        );
    };

    // Practitioners and patients first: everything else hangs from them.
    for entry in ctx.entries {
        let key = entry.index as i64;
        let node = Node::root(entry.resource);
        match entry.kind() {
            Some(Kind::Practitioner) => {
                let row = record::practitioner(key, &node).map_err(|p| at(entry, p))?;
                if let Some(first) = usernames.insert(row.username.clone(), entry.index) {
                    return Err(plain(
                        entry,
                        &format!("entry {first} has the same user name"),
                    ));
                }
                slot(&mut parsed, key, Kind::Practitioner, entry.id);
                parsed.practitioners.push(row);
            }
            Some(Kind::Patient) => {
                let row = record::patient(ctx, key, &node).map_err(|p| at(entry, p))?;
                if let Some(first) = member_ids.insert(row.member_id.clone(), entry.index) {
                    return Err(plain(
                        entry,
                        &format!("entry {first} has the same member ID"),
                    ));
                }
                slot(&mut parsed, key, Kind::Patient, entry.id);
                position.insert(key, parsed.patients.len());
                parsed
                    .patient_entry
                    .insert(key, format!("entry {} ({})", entry.index, entry.name()));
                parsed.patients.push(PatientData {
                    patient: row,
                    conditions: Vec::new(),
                    needs: Vec::new(),
                    medications: Vec::new(),
                    allergies: Vec::new(),
                    flags: Vec::new(),
                    care_team: Vec::new(),
                    goals: Vec::new(),
                    progress: Vec::new(),
                    tasks: Vec::new(),
                    notes: Vec::new(),
                    encounters: Vec::new(),
                    clock_tasks: Vec::new(),
                    loops: Default::default(),
                    screenings: Vec::new(),
                });
            }
            _ => {}
        }
    }

    let mut next_key = ctx.entries.len() as i64;
    let mut has_plan: HashMap<i64, usize> = HashMap::new();
    // Who each goal, need and note belongs to, to check links between them.
    let mut owner: HashMap<i64, i64> = HashMap::new();
    let mut links: Vec<(&Entry<'_>, i64, i64, &str)> = Vec::new();
    let mut feed_keys: HashMap<(String, String), usize> = HashMap::new();
    // A Claim's response and a loop's steps, joined to their rows at the end.
    let mut responses: Vec<(&Entry<'_>, loops::Response)> = Vec::new();
    let mut steps: Vec<(&Entry<'_>, i64, Kind, StepRole)> = Vec::new();
    let mut scores: Vec<(&Entry<'_>, screenings::Score)> = Vec::new();
    for entry in ctx.entries {
        let key = entry.index as i64;
        let node = Node::root(entry.resource);
        let fail = |p| at(entry, p);
        // Every Patient entry was read above, so a resource's patient is there.
        let data = |patient: i64| -> Result<usize, String> {
            position
                .get(&patient)
                .copied()
                .ok_or_else(|| plain(entry, "its patient is not in the bundle"))
        };
        match (entry.resource_type, entry.kind()) {
            (_, Some(Kind::Practitioner | Kind::Patient)) => continue,
            ("CareTeam", _) => {
                let (patient, members) = record::care_team(ctx, &node).map_err(fail)?;
                let i = data(patient)?;
                for (mut member, number) in members {
                    member.id = next_key;
                    parsed.slots.insert(
                        next_key,
                        Slot {
                            kind: Kind::CareTeamMember,
                            number,
                        },
                    );
                    next_key += 1;
                    parsed.patients[i].care_team.push(member);
                }
                continue;
            }
            ("CarePlan", _) => {
                let (patient, review) = plan::care_plan(ctx, &node).map_err(fail)?;
                if let Some(first) = has_plan.insert(patient, entry.index) {
                    return Err(plain(
                        entry,
                        &format!(
                            "entry {first} is already this patient's CarePlan (tend keeps one)"
                        ),
                    ));
                }
                let i = data(patient)?;
                parsed.patients[i].patient.plan_review_on = review;
                continue;
            }
            ("ClaimResponse", _) => {
                responses.push((entry, loops::claim_response(ctx, &node).map_err(fail)?));
                continue;
            }
            ("Observation", None) => {
                scores.push((entry, screenings::score(ctx, &node).map_err(fail)?));
                continue;
            }
            (_, Some(kind)) => slot(&mut parsed, key, kind, entry.id),
            (other, None) => {
                return Err(plain(
                    entry,
                    &format!("tend does not keep {} resources", crate::text::clean(other)),
                ))
            }
        }
        match entry.kind() {
            Some(Kind::Condition) => {
                let row = record::condition(ctx, key, &node).map_err(fail)?;
                let i = data(row.patient_id)?;
                parsed.patients[i].conditions.push(row);
            }
            Some(Kind::Need) => {
                let row = plan::need(ctx, key, &node).map_err(fail)?;
                owner.insert(key, row.patient_id);
                let i = data(row.patient_id)?;
                parsed.patients[i].needs.push(row);
            }
            Some(Kind::Medication) => {
                let row = record::medication(ctx, key, &node).map_err(fail)?;
                let i = data(row.patient_id)?;
                parsed.patients[i].medications.push(row);
            }
            Some(Kind::Allergy) => {
                let row = record::allergy(ctx, key, &node).map_err(fail)?;
                let i = data(row.patient_id)?;
                parsed.patients[i].allergies.push(row);
            }
            Some(Kind::Flag) => {
                let row = record::flag(ctx, key, &node).map_err(fail)?;
                let i = data(row.patient_id)?;
                parsed.patients[i].flags.push(row);
            }
            Some(Kind::Goal) => {
                let row = plan::goal(ctx, key, &node).map_err(fail)?;
                owner.insert(key, row.patient_id);
                if let Some(need) = row.need_id {
                    links.push((entry, row.patient_id, need, "the need it addresses"));
                }
                let i = data(row.patient_id)?;
                parsed.patients[i].goals.push(row);
            }
            Some(Kind::Progress) => {
                let (patient, row) = plan::progress(ctx, key, &node).map_err(fail)?;
                links.push((entry, patient, row.goal_id, "the goal in its focus"));
                let i = data(patient)?;
                parsed.patients[i].progress.push(row);
            }
            Some(Kind::Task) => {
                let row = plan::task(ctx, key, &node).map_err(fail)?;
                if let Some(goal) = row.goal_id {
                    links.push((entry, row.patient_id, goal, "the goal it is based on"));
                }
                let clock = encounter::clock_task(ctx, key, &node).map_err(fail)?;
                if let Some(clock) = clock {
                    let what = "the encounter of its transition clock";
                    links.push((entry, row.patient_id, clock.encounter_id, what));
                }
                if let Some((target, kind, role)) = loops::loop_step(ctx, &node).map_err(fail)? {
                    links.push((entry, row.patient_id, target, "the loop it is a step of"));
                    steps.push((entry, target, kind, role));
                }
                let i = data(row.patient_id)?;
                parsed.patients[i].clock_tasks.extend(clock);
                parsed.patients[i].tasks.push(row);
            }
            Some(Kind::Note) => {
                let row = notes::communication(ctx, key, &node).map_err(fail)?;
                owner.insert(key, row.patient_id);
                if let Some(note) = row.part_of {
                    links.push((entry, row.patient_id, note, "the note it is part of"));
                }
                let i = data(row.patient_id)?;
                parsed.patients[i].notes.push(row);
            }
            Some(Kind::Encounter) => {
                let row = encounter::encounter(ctx, key, &node).map_err(fail)?;
                owner.insert(key, row.encounter.patient_id);
                if let (Some(system), Some(visit)) = (&row.source_system, &row.source_visit) {
                    let feed_key = (system.clone(), visit.clone());
                    if let Some(first) = feed_keys.insert(feed_key, entry.index) {
                        return Err(plain(
                            entry,
                            &format!("entry {first} has the same visit number from the same sending system"),
                        ));
                    }
                    parsed
                        .encounter_entry
                        .insert(key, format!("entry {} ({})", entry.index, entry.name()));
                }
                let i = data(row.encounter.patient_id)?;
                parsed.patients[i].encounters.push(row);
            }
            Some(Kind::Referral) => {
                let row = loops::referral(ctx, key, &node).map_err(fail)?;
                owner.insert(key, row.patient_id);
                for (link, what) in [
                    (row.need_id, "the need it is for"),
                    (row.goal_id, "the goal it serves"),
                ] {
                    if let Some(target) = link {
                        links.push((entry, row.patient_id, target, what));
                    }
                }
                let i = data(row.patient_id)?;
                parsed.patients[i].loops.referrals.push(row);
            }
            Some(Kind::Appointment) => {
                let row = loops::appointment(ctx, key, &node).map_err(fail)?;
                owner.insert(key, row.patient_id);
                for (link, what) in [
                    (row.referral_id, "the referral it is based on"),
                    (row.rescheduled_to, "the appointment it was rescheduled to"),
                ] {
                    if let Some(target) = link {
                        links.push((entry, row.patient_id, target, what));
                    }
                }
                let i = data(row.patient_id)?;
                parsed.patients[i].loops.appointments.push(row);
            }
            Some(Kind::Authorization) => {
                let row = loops::authorization(ctx, key, &node).map_err(fail)?;
                owner.insert(key, row.patient_id);
                let i = data(row.patient_id)?;
                parsed.patients[i].loops.authorizations.push(row);
            }
            Some(Kind::Screening) => {
                let row = screenings::questionnaire_response(ctx, key, &node).map_err(fail)?;
                owner.insert(key, row.patient_id);
                if let Some(corrected) = row.corrects_id {
                    links.push((
                        entry,
                        row.patient_id,
                        corrected,
                        "the screening it corrects",
                    ));
                }
                let i = data(row.patient_id)?;
                parsed.patients[i].screenings.push(row);
            }
            _ => {}
        }
    }
    join_responses(&mut parsed, responses)?;
    join_steps(&mut parsed, steps)?;
    join_scores(&mut parsed, scores)?;
    for (entry, patient, target, what) in links {
        if owner.get(&target) != Some(&patient) {
            return Err(plain(entry, &format!("{what} is another patient's")));
        }
    }
    Ok(parsed)
}

/// Gives each ClaimResponse's decision to its Claim's row (one response a
/// Claim).
fn join_responses(
    parsed: &mut Parsed,
    responses: Vec<(&Entry<'_>, loops::Response)>,
) -> Result<(), String> {
    let mut answered: HashMap<i64, usize> = HashMap::new();
    for (entry, response) in responses {
        if let Some(first) = answered.insert(response.claim, entry.index) {
            return Err(plain(
                entry,
                &format!("entry {first} is already the response to its Claim (tend keeps one)"),
            ));
        }
        let row = parsed
            .patients
            .iter_mut()
            .flat_map(|d| d.loops.authorizations.iter_mut())
            .find(|z| z.id == response.claim)
            .ok_or_else(|| plain(entry, "its Claim is not in the bundle"))?;
        row.decided_on = response.decided_on;
        row.authorized_from = response.authorized_from;
        row.authorized_until = response.authorized_until;
        if row.payer_ref.is_none() {
            row.payer_ref = response.payer_ref;
        }
    }
    Ok(())
}

/// Gives each screening's total to its screening (one total a screening,
/// about the same patient).
fn join_scores(
    parsed: &mut Parsed,
    scores: Vec<(&Entry<'_>, screenings::Score)>,
) -> Result<(), String> {
    let mut scored: HashMap<i64, usize> = HashMap::new();
    for (entry, score) in scores {
        if let Some(first) = scored.insert(score.screening, entry.index) {
            return Err(plain(
                entry,
                &format!(
                    "entry {first} is already the total of its QuestionnaireResponse (tend keeps one)"
                ),
            ));
        }
        let row = parsed
            .patients
            .iter_mut()
            .flat_map(|d| d.screenings.iter_mut())
            .find(|s| s.id == score.screening)
            .ok_or_else(|| plain(entry, "its QuestionnaireResponse is not in the bundle"))?;
        if row.patient_id != score.patient {
            return Err(plain(
                entry,
                "subject is not the patient of the QuestionnaireResponse it is derived from",
            ));
        }
        row.total = Some(score.total);
        row.band = score.band;
    }
    Ok(())
}

/// Links each loop to the tasks that are its steps (one task a step).
fn join_steps(
    parsed: &mut Parsed,
    steps: Vec<(&Entry<'_>, i64, Kind, StepRole)>,
) -> Result<(), String> {
    for (entry, target, kind, role) in steps {
        let task = entry.index as i64;
        let loops = parsed.patients.iter_mut().map(|d| &mut d.loops);
        let slot = match kind {
            Kind::Referral => loops
                .flat_map(|l| l.referrals.iter_mut())
                .find(|r| r.id == target)
                .map(|r| &mut r.task_id),
            Kind::Appointment => loops
                .flat_map(|l| l.appointments.iter_mut())
                .find(|a| a.id == target)
                .map(|a| match role {
                    StepRole::NextStep => &mut a.task_id,
                    StepRole::Reminder => &mut a.reminder_task_id,
                    StepRole::Outreach => &mut a.outreach_task_id,
                }),
            _ => loops
                .flat_map(|l| l.authorizations.iter_mut())
                .find(|z| z.id == target)
                .map(|z| &mut z.task_id),
        }
        .ok_or_else(|| plain(entry, "the loop it is a step of is not in the bundle"))?;
        if let Some(first) = slot.replace(task) {
            return Err(plain(
                entry,
                &format!(
                    "entry {first} is already the {} of the loop in its focus",
                    role.code()
                ),
            ));
        }
    }
    Ok(())
}
