//! One synthetic patient and their record: identity, contact and consent,
//! flags, medications, allergies, conditions and care team (the
//! distributions the module above lists). Their goals, tasks and notes are
//! drawn in `care.rs`.

use chrono::Duration;
use rand::seq::SliceRandom;
use rand::Rng;

use crate::domain::clinical::{AllergyCriticality, Condition, ConditionStatus};
use crate::domain::patient::{
    ConsentStatus, EnrollmentStatus, FlagKind, Patient, Practitioner, RiskTier, Sex,
};
use crate::store::{Medication, NewCareTeamMember};

use super::records::{PatientRecords, UNSAVED};
use super::{Generator, OTHER_LANGUAGES};

impl Generator {
    /// One patient and everything recorded about them, ready to write.
    pub(super) fn patient(
        &mut self,
        index: usize,
        coordinator: &Practitioner,
        own: bool,
    ) -> PatientRecords {
        let family_name = self.family_name();
        let given_name = self.pick(&self.vocab.given_names).clone();
        let age_days = self.rng.gen_range(19 * 365..85 * 365);
        let language = match self.weighted(&[60, 20, 20]) {
            0 => "en".to_string(),
            1 => "es".to_string(),
            _ => self.pick(&OTHER_LANGUAGES).to_string(),
        };
        let interpreter_needed = language != "en" && self.rng.gen_bool(0.7);
        let enrollment_status = [
            EnrollmentStatus::Enrolled,
            EnrollmentStatus::Outreach,
            EnrollmentStatus::Disenrolled,
        ][self.weighted(&[75, 18, 7])];
        let enrolled_on = (enrollment_status != EnrollmentStatus::Outreach)
            .then(|| self.days_from_today(-3 * 365, -20));
        let phone_primary = Some(self.phone());
        let phone_secondary = self.rng.gen_bool(0.5).then(|| self.phone());
        let mut patient = Patient {
            member_id: format!("SYN{:07}", index + 1),
            family_name,
            given_name,
            birth_date: self.today - Duration::days(age_days),
            sex: [Sex::Female, Sex::Male, Sex::Other, Sex::Unknown][self.weighted(&[50, 46, 3, 1])],
            language,
            interpreter_needed,
            phone_primary,
            phone_secondary,
            medicaid_id: Some(format!(
                "ZZ{:05}{}",
                self.rng.gen_range(0..100_000),
                char::from(b'A' + self.rng.gen_range(0..26u8))
            )),
            plan_name: Some(self.pick(&self.vocab.plans).clone()),
            enrollment_status,
            enrolled_on,
            risk_tier: RiskTier::ALL[self.weighted(&[25, 35, 28, 12])],
            coordinator: Some(coordinator.clone()),
            ..Patient::default()
        };
        self.details(&mut patient);
        if patient.phone_secondary.is_none() {
            // Only a second phone on file can be the preferred one (the
            // record's own rule); the draw stays, so the data after it does.
            patient.preferred_phone = 1;
        }
        let encounters = super::encounters::encounters_for(self.seed, index, &patient, self.today);
        let mut records = PatientRecords {
            patient,
            flags: self.flags(),
            medications: self.medications(),
            allergies: self.allergies(),
            conditions: Vec::new(),
            care_team: Vec::new(),
            needs: Vec::new(),
            goals: Vec::new(),
            tasks: Vec::new(),
            notes: Vec::new(),
            encounters,
            loops: Default::default(),
            screenings: Vec::new(),
        };
        self.conditions(&mut records);
        self.care_team(&mut records);
        self.goals(&mut records);
        self.tasks(&mut records, coordinator.id);
        self.notes(&mut records, coordinator.id);
        records.loops = super::loops::loops_for(
            self.seed,
            index,
            &records.patient,
            &records.needs,
            &self.directory,
            self.today,
        );
        records.screenings = super::screenings::screenings_for(
            self.seed,
            index,
            own,
            &records.patient,
            &records.conditions,
            &self.instruments,
            self.clock,
        );
        records
    }

    /// Identity, contact, address, consent and dates: most patients have
    /// consent on file (some expired), a quarter an advance directive, and
    /// plan reviews fall from a month ago to five months ahead.
    fn details(&mut self, patient: &mut Patient) {
        let vocab = self.vocab;
        let pronouns = self
            .rng
            .gen_bool(0.3)
            .then(|| self.pick(&vocab.pronouns).clone());
        let best_time_to_call = self
            .rng
            .gen_bool(0.5)
            .then(|| self.pick(&vocab.best_times).clone());
        let consent_status = [
            ConsentStatus::Active,
            ConsentStatus::None,
            ConsentStatus::Revoked,
        ][self.weighted(&[85, 12, 3])];
        let consent_expires_on =
            (consent_status == ConsentStatus::Active).then(|| self.days_from_today(-45, 365));
        // Each draw in the order it was always made, so a seed keeps
        // making the same data.
        *patient = Patient {
            gender_identity: None,
            pronouns,
            preferred_phone: if self.rng.gen_bool(0.2) { 2 } else { 1 },
            best_time_to_call,
            address_line: Some(format!(
                "{} {}",
                self.rng.gen_range(1..400),
                self.pick(&vocab.streets)
            )),
            city: Some(self.pick(&vocab.towns).clone()),
            state: Some("NY".into()),
            postal_code: Some(format!("000{:02}", self.rng.gen_range(0..100))),
            consent_status,
            consent_expires_on,
            advance_directive: self.rng.gen_bool(0.25),
            medications_reconciled_on: self
                .rng
                .gen_bool(0.7)
                .then(|| self.days_from_today(-200, -1)),
            plan_review_on: Some(self.days_from_today(-30, 150)),
            ..patient.clone()
        };
    }

    /// One patient in ten has a flag: a safety concern or a calling rule.
    fn flags(&mut self) -> Vec<(FlagKind, String)> {
        let vocab = self.vocab;
        match self.weighted(&[90, 4, 6]) {
            1 => vec![(FlagKind::Safety, self.pick(&vocab.safety_flags).clone())],
            2 => vec![(
                FlagKind::DoNotCall,
                self.pick(&vocab.do_not_call_flags).clone(),
            )],
            _ => Vec::new(),
        }
    }

    /// 0 to 4 medications, one in ten stopped.
    fn medications(&mut self) -> Vec<Medication> {
        let vocab = self.vocab;
        let n = self.rng.gen_range(0..=4);
        let chosen: Vec<_> = vocab
            .medications
            .choose_multiple(&mut self.rng, n)
            .collect();
        chosen
            .into_iter()
            .map(|m| Medication {
                id: 0,
                name: m.name.clone(),
                dose: Some(m.dose.clone()),
                frequency: Some(m.frequency.clone()),
                prescriber: Some(format!("Dr. {}", self.family_name())),
                active: !self.rng.gen_bool(0.1),
            })
            .collect()
    }

    /// A quarter of patients have a known allergy.
    fn allergies(&mut self) -> Vec<(String, String, AllergyCriticality)> {
        if !self.rng.gen_bool(0.25) {
            return Vec::new();
        }
        let vocab = self.vocab;
        let entry = self.pick(&vocab.allergies);
        let (substance, reaction) = entry.split_once(": ").unwrap_or((entry, "unknown"));
        let criticality = if reaction == "anaphylaxis" {
            AllergyCriticality::High
        } else {
            AllergyCriticality::Low
        };
        vec![(substance.to_string(), reaction.to_string(), criticality)]
    }

    fn conditions(&mut self, out: &mut PatientRecords) {
        let n = self.rng.gen_range(1..=4);
        let vocab = self.vocab;
        for condition in vocab.conditions.choose_multiple(&mut self.rng, n) {
            let clinical_status = if self.rng.gen_bool(0.9) {
                ConditionStatus::Active
            } else {
                ConditionStatus::Remission
            };
            let onset_date = Some(self.days_from_today(-15 * 365, -60));
            out.conditions.push(Condition {
                id: 0,
                patient_id: UNSAVED,
                code: Some(condition.code.clone()),
                display: condition.display.clone(),
                clinical_status,
                onset_date,
            });
        }
    }

    fn care_team(&mut self, out: &mut PatientRecords) {
        let pcp_name = format!("Dr. {}", self.family_name());
        let pcp_phone = Some(self.phone());
        out.care_team.push(NewCareTeamMember {
            patient_id: UNSAVED,
            role: "PCP".into(),
            name: pcp_name,
            organization: Some("Demo Community Health Center".into()),
            phone: pcp_phone,
        });
        let n = self.rng.gen_range(0..=3);
        let vocab = self.vocab;
        for member in vocab.care_team.choose_multiple(&mut self.rng, n) {
            let given = self.pick(&vocab.given_names).clone();
            let name = format!("{given} {}", self.family_name());
            let phone = Some(self.phone());
            out.care_team.push(NewCareTeamMember {
                patient_id: UNSAVED,
                role: member.role.clone(),
                name,
                organization: Some(member.organization.clone()),
                phone,
            });
        }
    }
}
