//! Recent hospital and emergency visits for the generated caseload, so the
//! transitions view and its deadlines are there to see in the demo: a few
//! patients in a hundred were discharged in the last three weeks (some from
//! a psychiatric unit, some readmitted), a few went to the emergency
//! department in the last two weeks (some for a mental illness or a
//! substance use), some are in hospital now, and some discharges already
//! had their follow-up visit.
//!
//! Drawn from a random stream of their own (seeded by the caseload's seed
//! and the patient's index), so adding them left every other generated
//! record as it was for a given seed.

use chrono::{Duration, NaiveDate, NaiveDateTime};
use rand::seq::SliceRandom;
use rand::{Rng, SeedableRng};
use rand_chacha::ChaCha8Rng;

use crate::domain::encounter::{
    Complexity, Diagnosis, Disposition, EncounterClass, EncounterStatus, ProviderKind,
};
use crate::domain::patient::{EnrollmentStatus, Patient};
use crate::store::NewEncounter;

/// Invented facilities (no real hospital's name).
const FACILITIES: [&str; 4] = [
    "Synthetic General Hospital",
    "Riverside Synthetic Medical Center",
    "Northgate Synthetic Hospital",
    "Lakeside Synthetic Behavioral Health",
];

/// Principal diagnoses by kind of visit: ICD-10-CM code and words.
const MEDICAL: [(&str, &str); 5] = [
    ("I50.9", "Heart failure, unspecified"),
    ("J44.1", "COPD with acute exacerbation"),
    ("E11.65", "Type 2 diabetes with hyperglycemia"),
    ("J18.9", "Pneumonia, unspecified organism"),
    ("N39.0", "Urinary tract infection"),
];
const MENTAL: [(&str, &str); 4] = [
    ("F32.2", "Major depressive disorder, single episode, severe"),
    ("F20.9", "Schizophrenia, unspecified"),
    ("F31.9", "Bipolar disorder, unspecified"),
    ("F41.1", "Generalized anxiety disorder"),
];
const SUBSTANCE: [(&str, &str); 3] = [
    ("F10.129", "Alcohol abuse with intoxication"),
    ("F11.20", "Opioid dependence, uncomplicated"),
    ("F14.10", "Cocaine abuse, uncomplicated"),
];
const ED_OTHER: [(&str, &str); 3] = [
    ("R07.9", "Chest pain, unspecified"),
    ("J45.901", "Asthma with acute exacerbation"),
    ("S93.401A", "Sprain of ankle, initial encounter"),
];

/// A generated encounter, and the day its discharge summary came (the
/// stamp of "discharge information received"), when it has come.
pub(super) struct Generated {
    pub(super) encounter: NewEncounter,
    pub(super) information_on: Option<NaiveDate>,
}

/// The encounters of the patient with this index (their id unset).
pub(super) fn encounters_for(
    seed: u64,
    index: usize,
    patient: &Patient,
    today: NaiveDate,
) -> Vec<Generated> {
    let mut rng = ChaCha8Rng::seed_from_u64(seed ^ 0x7e4d_u64.rotate_left(40) ^ index as u64);
    let made = draw(&mut rng, patient, today);
    made.into_iter()
        .map(|encounter| {
            // Most discharge summaries arrive the next day; some never do.
            let information_on = encounter
                .ended_at
                .map(|at| at.date())
                .filter(|_| encounter.class.is_stay() && rng.gen_bool(0.8))
                .map(|on| on + Duration::days(1))
                .filter(|on| *on < today);
            Generated {
                encounter,
                information_on,
            }
        })
        .collect()
}

fn draw(rng: &mut ChaCha8Rng, patient: &Patient, today: NaiveDate) -> Vec<NewEncounter> {
    if patient.enrollment_status == EnrollmentStatus::Disenrolled {
        return Vec::new();
    }
    let roll = rng.gen_range(0..100);
    let mut made = Vec::new();
    let facility = *FACILITIES.choose(rng).unwrap_or(&FACILITIES[0]);
    let time = |rng: &mut ChaCha8Rng, on: NaiveDate| -> NaiveDateTime {
        on.and_hms_opt(rng.gen_range(7..22), rng.gen_range(0..60), 0)
            .unwrap_or_default()
    };
    let dx = |(code, display): (&str, &str)| Diagnosis {
        code: code.to_string(),
        display: display.to_string(),
    };
    match roll {
        // Discharged in the last three weeks.
        0..=5 => {
            let psychiatric = rng.gen_bool(0.3);
            let (facility, principal) = if psychiatric {
                (FACILITIES[3], *MENTAL.choose(rng).unwrap_or(&MENTAL[0]))
            } else {
                (facility, *MEDICAL.choose(rng).unwrap_or(&MEDICAL[0]))
            };
            let discharged_on = today - Duration::days(rng.gen_range(0..21));
            let admitted_on = discharged_on - Duration::days(rng.gen_range(1..8));
            if rng.gen_bool(0.15) {
                // An earlier stay, so this admission is a readmission.
                let before = admitted_on - Duration::days(rng.gen_range(5..25));
                made.push(stay(
                    facility,
                    time(rng, before - Duration::days(3)),
                    Some(time(rng, before)),
                    dx(principal),
                ));
            }
            let mut discharge = stay(
                facility,
                time(rng, admitted_on),
                Some(time(rng, discharged_on)),
                dx(principal),
            );
            if rng.gen_bool(0.3) {
                discharge.complexity = Complexity::High;
            }
            made.push(discharge);
            // Some already had their follow-up visit.
            let visit_on = discharged_on + Duration::days(rng.gen_range(1..6));
            if visit_on < today && rng.gen_bool(0.4) {
                let provider = if psychiatric {
                    ProviderKind::MentalHealth
                } else {
                    ProviderKind::PrimaryCare
                };
                made.push(visit(time(rng, visit_on), provider));
            }
        }
        // To the emergency department in the last two weeks.
        6..=10 => {
            let principal = match rng.gen_range(0..10) {
                0..=3 => *MENTAL.choose(rng).unwrap_or(&MENTAL[0]),
                4..=6 => *SUBSTANCE.choose(rng).unwrap_or(&SUBSTANCE[0]),
                _ => *ED_OTHER.choose(rng).unwrap_or(&ED_OTHER[0]),
            };
            let on = today - Duration::days(rng.gen_range(0..14));
            let arrived = time(rng, on);
            made.push(NewEncounter {
                class: EncounterClass::Emergency,
                status: EncounterStatus::Finished,
                ended_at: Some(arrived + Duration::hours(rng.gen_range(2..9))),
                disposition: Some(Disposition::Home),
                ..stay(facility, arrived, None, dx(principal))
            });
        }
        // In hospital now.
        11 => {
            let admitted_on = today - Duration::days(rng.gen_range(0..4));
            let admitted = time(rng, admitted_on);
            made.push(stay(facility, admitted, None, dx(MEDICAL[0])));
        }
        _ => {}
    }
    made
}

fn stay(
    facility: &str,
    admitted: NaiveDateTime,
    discharged: Option<NaiveDateTime>,
    principal: Diagnosis,
) -> NewEncounter {
    NewEncounter {
        patient_id: 0,
        class: EncounterClass::Inpatient,
        status: if discharged.is_some() {
            EncounterStatus::Finished
        } else {
            EncounterStatus::InProgress
        },
        facility: facility.to_string(),
        started_at: admitted,
        ended_at: discharged,
        disposition: discharged.map(|_| Disposition::Home),
        disposition_code: discharged.map(|_| "01".to_string()),
        complexity: Complexity::Moderate,
        provider: None,
        diagnoses: vec![principal],
    }
}

fn visit(on: NaiveDateTime, provider: ProviderKind) -> NewEncounter {
    NewEncounter {
        patient_id: 0,
        class: EncounterClass::Outpatient,
        status: EncounterStatus::Finished,
        facility: "Synthetic Community Clinic".into(),
        started_at: on,
        ended_at: Some(on + Duration::minutes(40)),
        disposition: None,
        disposition_code: None,
        complexity: Complexity::Moderate,
        provider: Some(provider),
        diagnoses: Vec::new(),
    }
}
