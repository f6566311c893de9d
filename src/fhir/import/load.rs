//! Writing a parsed bundle in one transaction: every row gets its id
//! (back the one it had, into an empty database), coordinators are matched
//! by user name, and a member ID already in the database refuses the whole
//! import.

use std::collections::{HashMap, HashSet};

use super::parse::Parsed;
use crate::domain::patient::Practitioner;
use crate::fhir::ids::Kind;
use crate::store::fhir::{ClockRules, LastIds, PatientData};
use crate::store::{AuditAction, StoreError, Tx};

/// What an import wrote.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct ImportReport {
    pub patients: usize,
    /// Coordinators added (those already known by user name are reused).
    pub practitioners_added: usize,
    /// Rows written, every table together (patients included).
    pub rows: usize,
    /// Whether the rows kept the ids their resources carried.
    pub kept_ids: bool,
}

/// Loads `parsed`; `source` names the file in the audit row.
pub fn load(
    tx: &mut Tx<'_>,
    parsed: &Parsed,
    source: &str,
    rules: &ClockRules,
) -> Result<ImportReport, StoreError> {
    tx.defer_foreign_keys()?;
    // Ids are kept only into a database without patients (a restore, a
    // move): there they cannot meet rows, or the audit rows of rows, that
    // had them before.
    let kept_ids = tx.patient_count()? == 0 && parsed.ids_are_tends();
    let mut ids = Ids {
        map: HashMap::new(),
        last: tx.last_ids()?,
    };

    let mut practitioners_added = 0;
    let mut claimed = HashSet::new();
    let mut waiting = Vec::new();
    for p in &parsed.practitioners {
        if let Some(id) = tx.practitioner_by_username(&p.username)? {
            ids.map.insert(p.id, id);
            continue;
        }
        let own = parsed.slots.get(&p.id).and_then(|s| s.number);
        match own {
            Some(n) if kept_ids && !tx.practitioner_id_taken(n)? && claimed.insert(n) => {
                ids.map.insert(p.id, n);
            }
            _ => waiting.push(p.id),
        }
    }
    ids.last.practitioner = ids
        .last
        .practitioner
        .max(claimed.iter().copied().max().unwrap_or(0));
    for key in waiting {
        let id = ids.next(Kind::Practitioner);
        ids.map.insert(key, id);
    }
    for p in &parsed.practitioners {
        let id = ids.get(p.id)?;
        if !tx.practitioner_id_taken(id)? {
            let mut row = p.clone();
            row.id = id;
            tx.insert_practitioner_row(&row)?;
            practitioners_added += 1;
        }
    }

    for (key, slot) in &parsed.slots {
        if slot.kind == Kind::Practitioner {
            continue;
        }
        let id = match slot.number {
            Some(n) if kept_ids => n,
            _ => ids.next(slot.kind),
        };
        ids.map.insert(*key, id);
    }

    let mut rows = 0;
    let mut encounters = Vec::new();
    let mut clock_tasks = Vec::new();
    for data in &parsed.patients {
        if tx.member_id_taken(&data.patient.member_id)? {
            let entry = parsed
                .patient_entry
                .get(&data.patient.id)
                .map_or("a Patient", String::as_str);
            return Err(StoreError::Refused(format!(
                "{entry}: a patient with its member ID is already in the database \
                 (tend does not merge records)"
            )));
        }
        let data = ids.apply(data, &parsed.practitioners)?;
        rows += 1
            + data.conditions.len()
            + data.needs.len()
            + data.medications.len()
            + data.allergies.len()
            + data.flags.len()
            + data.care_team.len()
            + data.goals.len()
            + data.progress.len()
            + data.tasks.len()
            + data.notes.len()
            + data.encounters.len()
            + data.loops.referrals.len()
            + data.loops.appointments.len()
            + data.loops.authorizations.len()
            + data.screenings.len();
        tx.insert_patient_data(&data)?;
        tx.load_screenings(&data.screenings)?;
        encounters.extend(data.encounters);
        clock_tasks.extend(data.clock_tasks);
    }
    for (key, entry) in &parsed.encounter_entry {
        let found = parsed
            .patients
            .iter()
            .flat_map(|d| &d.encounters)
            .find(|e| e.encounter.id == *key);
        if let Some(e) = found {
            if let (Some(system), Some(visit)) = (&e.source_system, &e.source_visit) {
                if tx.encounter_source_taken(system, visit)? {
                    return Err(StoreError::Refused(format!(
                        "{entry}: an encounter with its visit number from the same sending \
                         system is already in the database"
                    )));
                }
            }
        }
    }
    // After every patient's rows: the clocks look for the notes, visits
    // and stamps that meet them.
    tx.load_encounters(&encounters, &clock_tasks, rules)?;
    let report = ImportReport {
        patients: parsed.patients.len(),
        practitioners_added,
        rows: rows + practitioners_added,
        kept_ids,
    };
    tx.audit(
        AuditAction::Create,
        "Bundle",
        None,
        None,
        Some(&format!(
            "imported from the FHIR bundle {source}: {} patients, {} rows",
            report.patients, report.rows
        )),
    )?;
    Ok(report)
}

/// The id each key gets.
struct Ids {
    map: HashMap<i64, i64>,
    /// The last id given in each table.
    last: LastIds,
}

impl Ids {
    fn next(&mut self, kind: Kind) -> i64 {
        let last = match kind {
            Kind::Practitioner => &mut self.last.practitioner,
            Kind::Patient => &mut self.last.patient,
            Kind::Condition => &mut self.last.condition,
            Kind::Need => &mut self.last.need,
            Kind::Medication => &mut self.last.medication,
            Kind::Allergy => &mut self.last.allergy,
            Kind::Flag => &mut self.last.flag,
            Kind::CareTeamMember => &mut self.last.care_team_member,
            Kind::Goal => &mut self.last.goal,
            Kind::Progress => &mut self.last.progress,
            Kind::Task => &mut self.last.task,
            Kind::Note => &mut self.last.note,
            Kind::Encounter => &mut self.last.encounter,
            Kind::Referral => &mut self.last.referral,
            Kind::Appointment => &mut self.last.appointment,
            Kind::Authorization => &mut self.last.authorization,
            Kind::Screening => &mut self.last.screening,
        };
        *last += 1;
        *last
    }

    fn get(&self, key: i64) -> Result<i64, StoreError> {
        self.map.get(&key).copied().ok_or_else(|| {
            // Every key was given an id above; reaching this is a defect.
            StoreError::Refused("a record of the bundle was given no id (a bug in tend)".into())
        })
    }

    fn opt(&self, key: Option<i64>) -> Result<Option<i64>, StoreError> {
        key.map(|k| self.get(k)).transpose()
    }

    /// The patient's rows with their ids in place of keys.
    fn apply(
        &self,
        data: &PatientData,
        practitioners: &[Practitioner],
    ) -> Result<PatientData, StoreError> {
        let mut d = data.clone();
        d.patient.id = self.get(d.patient.id)?;
        if let Some(coordinator) = &mut d.patient.coordinator {
            if let Some(named) = practitioners.iter().find(|p| p.id == coordinator.id) {
                coordinator.clone_from(named);
            }
            coordinator.id = self.get(coordinator.id)?;
        }
        for c in &mut d.conditions {
            c.id = self.get(c.id)?;
            c.patient_id = d.patient.id;
        }
        for n in &mut d.needs {
            n.id = self.get(n.id)?;
            n.patient_id = d.patient.id;
        }
        for m in &mut d.medications {
            m.id = self.get(m.id)?;
            m.patient_id = d.patient.id;
        }
        for a in &mut d.allergies {
            a.id = self.get(a.id)?;
            a.patient_id = d.patient.id;
        }
        for f in &mut d.flags {
            f.id = self.get(f.id)?;
            f.patient_id = d.patient.id;
        }
        for m in &mut d.care_team {
            m.id = self.get(m.id)?;
            m.patient_id = d.patient.id;
        }
        for g in &mut d.goals {
            g.id = self.get(g.id)?;
            g.patient_id = d.patient.id;
            g.need_id = self.opt(g.need_id)?;
        }
        for e in &mut d.progress {
            e.id = self.get(e.id)?;
            e.goal_id = self.get(e.goal_id)?;
            e.author_id = self.opt(e.author_id)?;
        }
        for t in &mut d.tasks {
            t.id = self.get(t.id)?;
            t.patient_id = d.patient.id;
            t.owner_id = self.opt(t.owner_id)?;
            t.previous_id = self.opt(t.previous_id)?;
            t.goal_id = self.opt(t.goal_id)?;
        }
        for n in &mut d.notes {
            n.id = self.get(n.id)?;
            n.patient_id = d.patient.id;
            n.author_id = self.opt(n.author_id)?;
            n.part_of = self.opt(n.part_of)?;
        }
        for e in &mut d.encounters {
            e.encounter.id = self.get(e.encounter.id)?;
            e.encounter.patient_id = d.patient.id;
            e.readmission_of = None;
        }
        for c in &mut d.clock_tasks {
            c.task_id = self.get(c.task_id)?;
            c.encounter_id = self.get(c.encounter_id)?;
        }
        let patient = d.patient.id;
        for r in &mut d.loops.referrals {
            r.id = self.get(r.id)?;
            r.patient_id = patient;
            r.need_id = self.opt(r.need_id)?;
            r.goal_id = self.opt(r.goal_id)?;
            r.task_id = self.opt(r.task_id)?;
            r.author_id = self.opt(r.author_id)?;
        }
        for a in &mut d.loops.appointments {
            a.id = self.get(a.id)?;
            a.patient_id = patient;
            a.referral_id = self.opt(a.referral_id)?;
            a.reminder_task_id = self.opt(a.reminder_task_id)?;
            a.task_id = self.opt(a.task_id)?;
            a.outreach_task_id = self.opt(a.outreach_task_id)?;
            a.rescheduled_to = self.opt(a.rescheduled_to)?;
            a.author_id = self.opt(a.author_id)?;
        }
        for z in &mut d.loops.authorizations {
            z.id = self.get(z.id)?;
            z.patient_id = patient;
            z.task_id = self.opt(z.task_id)?;
            z.author_id = self.opt(z.author_id)?;
        }
        for s in &mut d.screenings {
            s.id = self.get(s.id)?;
            s.patient_id = patient;
            s.signed_by = self.get(s.signed_by)?;
            s.corrects_id = self.opt(s.corrects_id)?;
        }
        Ok(d)
    }
}
