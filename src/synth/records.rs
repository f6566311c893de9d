//! A patient and everything recorded about them, as the generator made
//! them, and how they are written: through the same store functions real
//! data takes.

use chrono::NaiveDate;

use super::GenReport;
use crate::domain::care_plan::NeedDomain;
use crate::domain::clinical::{AllergyCriticality, Condition};
use crate::domain::goal::Goal;
use crate::domain::patient::{FlagKind, Patient};
use crate::domain::transitions::ClockKind;
use crate::store::{
    Medication, NewCareTeamMember, NewCommunication, NewTask, Rules, StoreError, Tx,
};

/// Stands for the patient's id in records made before the patient is
/// written; [`PatientRecords::write`] puts the real one in.
pub(super) const UNSAVED: i64 = 0;

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
    /// Writes the patient, then the rest with the patient's new id.
    pub(super) fn write(
        self,
        tx: &mut Tx<'_>,
        report: &mut GenReport,
        rules: &Rules,
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
        Ok(())
    }
}
