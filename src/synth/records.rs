//! A patient and everything recorded about them, as the generator made
//! them, and how they are written: through the same store functions real
//! data takes.

use chrono::NaiveDate;

use super::GenReport;
use crate::domain::care_plan::NeedDomain;
use crate::domain::clinical::{AllergyCriticality, Condition};
use crate::domain::goal::Goal;
use crate::domain::loops::LoopSettings;
use crate::domain::patient::{FlagKind, Patient};
use crate::domain::transitions::ClockKind;
use crate::store::{
    LoopLoad, Medication, NewCareTeamMember, NewCommunication, NewTask, Rules, SafetyRaised,
    StoreError, Tx,
};

/// Stands for the patient's id in records made before the patient is
/// written; [`PatientRecords::write`] puts the real one in.
pub(super) const UNSAVED: i64 = 0;

/// The loops' steps closed in this many days before today are written as
/// tasks; older ones are not (see `LoopLoad::steps_from`): the loops' rows
/// hold all of their history, and the tasks of the last three months show
/// how each recent loop moved.
const STEPS_DAYS: i64 = 90;

/// A patient and what is recorded about them, made but not yet written.
pub(super) struct PatientRecords {
    pub(super) patient: Patient,
    pub(super) flags: Vec<(FlagKind, String)>,
    pub(super) medications: Vec<Medication>,
    /// Substance, reaction, criticality.
    pub(super) allergies: Vec<(String, String, AllergyCriticality)>,
    pub(super) conditions: Vec<Condition>,
    pub(super) care_team: Vec<NewCareTeamMember>,
    /// The plan's needs, by domain and description.
    pub(super) needs: Vec<(NeedDomain, String)>,
    pub(super) goals: Vec<GoalRecords>,
    pub(super) tasks: Vec<NewTask>,
    pub(super) notes: Vec<NewCommunication>,
    /// Recent hospital and emergency visits (see `encounters`).
    pub(super) encounters: Vec<super::encounters::Generated>,
    /// Referrals, appointments and prior authorizations (see `loops`).
    pub(super) loops: super::loops::Loops,
    /// Signed screenings of the past year (see `screenings`).
    pub(super) screenings: Vec<crate::store::SynthScreening>,
}

/// A goal, the index of its need in [`PatientRecords::needs`], and its
/// progress entries.
pub(super) struct GoalRecords {
    pub(super) need: usize,
    pub(super) goal: Goal,
    pub(super) progress: Vec<Progress>,
}

/// A progress entry: when, what, and the value when measured.
pub(super) type Progress = (NaiveDate, String, Option<f64>);

impl PatientRecords {
    /// Writes the patient, then the rest with the patient's new id; what
    /// the screenings' safety rules raised goes into `raised`, written
    /// after every patient.
    pub(super) fn write(
        self,
        tx: &mut Tx<'_>,
        report: &mut GenReport,
        rules: &Rules,
        loop_rules: &LoopSettings,
        raised: &mut Vec<SafetyRaised>,
    ) -> Result<(), StoreError> {
        let patient_id = tx.insert_patient(&self.patient)?;
        report.patients += 1;
        if let Some(review) = self.patient.plan_review_on {
            tx.plan_review_task(patient_id, review)?;
            report.tasks += 1;
        }
        for (kind, text) in &self.flags {
            tx.insert_flag(patient_id, *kind, text)?;
        }
        for medication in &self.medications {
            tx.insert_medication(patient_id, medication)?;
        }
        for (substance, reaction, criticality) in &self.allergies {
            tx.insert_allergy(patient_id, substance, Some(reaction), *criticality)?;
        }
        for mut condition in self.conditions {
            condition.patient_id = patient_id;
            tx.insert_condition(&condition)?;
            report.conditions += 1;
        }
        for mut member in self.care_team {
            member.patient_id = patient_id;
            tx.insert_care_team_member(&member)?;
            report.care_team_members += 1;
        }
        let mut need_ids = Vec::with_capacity(self.needs.len());
        for (domain, description) in &self.needs {
            need_ids.push(tx.insert_need(patient_id, *domain, description)?);
        }
        for GoalRecords {
            need,
            mut goal,
            progress,
        } in self.goals
        {
            goal.patient_id = patient_id;
            goal.need_id = need_ids.get(need).copied();
            let goal_id = tx.insert_goal(&goal)?;
            report.goals += 1;
            for (on, note, value) in &progress {
                tx.insert_progress(goal_id, *on, note, *value, self.patient.coordinator_id())?;
            }
        }
        for mut task in self.tasks {
            task.patient_id = patient_id;
            tx.insert_task(&task)?;
            report.tasks += 1;
        }
        for mut note in self.notes {
            note.patient_id = patient_id;
            tx.insert_communication(&note)?;
            report.notes += 1;
        }
        // After the notes: a contact already on file meets its clock.
        for generated in self.encounters {
            let mut encounter = generated.encounter;
            encounter.patient_id = patient_id;
            let id = tx.insert_encounter(None, &encounter, None, None)?;
            // Its notice came when it happened, as a feed's would have.
            let arrived = Rules {
                arrived_on: Some(encounter.started_at.date()),
                ..rules.clone()
            };
            tx.encounter_changed(id, &arrived, "synthetic caseload")?;
            if let Some(on) = generated.information_on {
                tx.meet_encounter_clock(id, ClockKind::DischargeInfo, on, "the discharge summary")?;
            }
            report.encounters += 1;
        }
        let load = LoopLoad {
            rules: loop_rules,
            calendar: &rules.calendar,
            today: rules.clock.today(),
            owner: self.patient.coordinator_id(),
            author: self.patient.coordinator_id(),
            steps_from: Some(rules.clock.today() - chrono::Duration::days(STEPS_DAYS)),
        };
        let loops = self.loops;
        for (need, mut history) in loops.referrals {
            history.new.patient_id = patient_id;
            history.new.need_id = need.and_then(|n| need_ids.get(n).copied());
            let loaded = tx.load_referral(&history, &load)?;
            report.referrals += loaded.rows;
            report.tasks += loaded.tasks;
        }
        for mut history in loops.appointments {
            history.new.patient_id = patient_id;
            let loaded = tx.load_appointment(&history, &load)?;
            report.appointments += loaded.rows;
            report.tasks += loaded.tasks;
        }
        for mut history in loops.authorizations {
            history.new.patient_id = patient_id;
            let loaded = tx.load_authorization(&history, &load)?;
            report.authorizations += loaded.rows;
            report.tasks += loaded.tasks;
        }
        for screening in &self.screenings {
            raised.extend(tx.load_screening(patient_id, screening)?);
            report.screenings += 1;
        }
        Ok(())
    }
}
