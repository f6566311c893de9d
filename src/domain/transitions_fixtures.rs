//! What the tests of `transitions` build on: dates, diagnoses, stays and visits.

use super::*;
use chrono::NaiveDateTime;

pub(super) fn d(y: i32, m: u32, day: u32) -> NaiveDate {
    NaiveDate::from_ymd_opt(y, m, day).unwrap()
}

pub(super) fn at(date: NaiveDate, hour: u32) -> NaiveDateTime {
    date.and_hms_opt(hour, 0, 0).unwrap()
}

pub(super) fn dx(code: &str) -> Diagnosis {
    Diagnosis {
        code: code.into(),
        display: String::new(),
    }
}

/// An inpatient stay admitted three days before its discharge, home.
pub(super) fn stay(discharged: NaiveDate) -> Encounter {
    Encounter {
        id: 1,
        patient_id: 7,
        class: EncounterClass::Inpatient,
        status: EncounterStatus::Finished,
        facility: "Mercy General".into(),
        started_at: at(discharged - days(3), 14),
        ended_at: Some(at(discharged, 11)),
        disposition: Some(Disposition::Home),
        complexity: Complexity::Moderate,
        provider: None,
        diagnoses: vec![dx("I50.9")],
    }
}

pub(super) fn ed_visit(on: NaiveDate, codes: &[&str]) -> Encounter {
    Encounter {
        id: 2,
        class: EncounterClass::Emergency,
        started_at: at(on, 22),
        ended_at: Some(at(on, 23)),
        diagnoses: codes.iter().map(|c| dx(c)).collect(),
        ..stay(on)
    }
}

pub(super) fn visit(on: NaiveDate, provider: ProviderKind, codes: &[&str]) -> Encounter {
    Encounter {
        id: 3,
        class: EncounterClass::Outpatient,
        started_at: at(on, 9),
        ended_at: Some(at(on, 10)),
        disposition: None,
        provider: Some(provider),
        diagnoses: codes.iter().map(|c| dx(c)).collect(),
        ..stay(on)
    }
}

pub(super) fn clock(encounter: &Encounter, kind: ClockKind) -> Option<ClockDue> {
    clocks_for(encounter, &Calendar::default())
        .into_iter()
        .find(|c| c.kind == kind)
}

pub(super) fn kinds(encounter: &Encounter) -> Vec<ClockKind> {
    clocks_for(encounter, &Calendar::default())
        .into_iter()
        .map(|c| c.kind)
        .collect()
}

pub(super) fn contact_due(encounter: &Encounter) -> NaiveDate {
    clock(encounter, ClockKind::TcmContact).unwrap().due_on
}
