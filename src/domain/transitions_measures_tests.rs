//! The measures' clocks (FUH, FUM, FUA), states, readmissions and titles.

use super::fixtures::*;
use super::*;

// --- FUH, FUM, FUA ------------------------------------------------------

#[test]
fn fuh_counts_from_the_day_after_discharge_to_day_7() {
    let discharged = d(2026, 3, 6);
    let mut e = stay(discharged);
    e.diagnoses = vec![dx("F33.2"), dx("I10")];
    let fuh7 = clock(&e, ClockKind::Fuh7).unwrap();
    let fuh30 = clock(&e, ClockKind::Fuh30).unwrap();
    assert_eq!(
        (fuh7.opens_on, fuh7.due_on),
        (d(2026, 3, 7), d(2026, 3, 13))
    );
    assert_eq!(
        (fuh30.opens_on, fuh30.due_on),
        (d(2026, 3, 7), d(2026, 4, 5))
    );
    let mh = |on| visit(on, ProviderKind::MentalHealth, &["F33.2"]);
    assert!(
        !visit_meets(&fuh7, &mh(discharged)),
        "not on the discharge date"
    );
    assert!(!late_visit_meets(&fuh7, &mh(discharged)));
    assert!(visit_meets(&fuh7, &mh(d(2026, 3, 7))), "the day after");
    assert!(visit_meets(&fuh7, &mh(d(2026, 3, 13))), "day 7");
    assert!(!visit_meets(&fuh7, &mh(d(2026, 3, 14))), "day 8");
    assert!(late_visit_meets(&fuh7, &mh(d(2026, 3, 14))));
    assert!(visit_meets(&fuh30, &mh(d(2026, 3, 14))));
    assert!(visit_meets(&fuh30, &mh(d(2026, 4, 5))), "day 30");
    assert!(!visit_meets(&fuh30, &mh(d(2026, 4, 6))), "day 31");
    let primary = visit(d(2026, 3, 9), ProviderKind::PrimaryCare, &["F33.2"]);
    assert!(
        !visit_meets(&fuh7, &primary),
        "FUH asks for a mental health provider"
    );
    let mut cancelled = mh(d(2026, 3, 9));
    cancelled.status = EncounterStatus::Cancelled;
    assert!(!visit_meets(&fuh7, &cancelled));
}

#[test]
fn fuh_needs_a_principal_mental_health_diagnosis() {
    let mut e = stay(d(2026, 3, 6));
    e.diagnoses = vec![dx("I50.9"), dx("F32.9")];
    assert!(clock(&e, ClockKind::Fuh7).is_none(), "secondary only");
    e.diagnoses = vec![dx("T14.91XA")];
    assert!(clock(&e, ClockKind::Fuh7).is_some(), "suicide attempt");
    e.diagnoses = vec![dx("F10.239")];
    assert!(
        clock(&e, ClockKind::Fuh7).is_none(),
        "substance use is not FUH"
    );
    e.diagnoses = vec![dx("F32.9")];
    e.disposition = Some(Disposition::AcuteTransfer);
    assert!(clock(&e, ClockKind::Fuh7).is_none());
}

#[test]
fn fum_counts_from_the_ed_date_to_day_7() {
    let on = d(2026, 3, 6);
    let ed = ed_visit(on, &["F32.9"]);
    assert_eq!(kinds(&ed), vec![ClockKind::Fum7, ClockKind::Fum30]);
    let fum7 = clock(&ed, ClockKind::Fum7).unwrap();
    let fum30 = clock(&ed, ClockKind::Fum30).unwrap();
    assert_eq!((fum7.opens_on, fum7.due_on), (on, d(2026, 3, 13)));
    assert_eq!((fum30.opens_on, fum30.due_on), (on, d(2026, 4, 5)));
    let primary = |on| visit(on, ProviderKind::PrimaryCare, &["F32.9"]);
    assert!(visit_meets(&fum7, &primary(on)), "the ED date counts");
    assert!(visit_meets(&fum7, &primary(d(2026, 3, 13))), "day 7");
    assert!(!visit_meets(&fum7, &primary(d(2026, 3, 14))), "day 8");
    assert!(visit_meets(&fum30, &primary(d(2026, 4, 5))), "day 30");
    assert!(!visit_meets(&fum30, &primary(d(2026, 4, 6))), "day 31");
    // What kind of visit.
    let mh_other = visit(on, ProviderKind::MentalHealth, &["Z00.00"]);
    assert!(visit_meets(&fum7, &mh_other), "a mental health provider");
    let unrelated = visit(on, ProviderKind::PrimaryCare, &["I10", "F32.9"]);
    assert!(
        !visit_meets(&fum7, &unrelated),
        "mental illness not principal"
    );
    let self_harm = visit(on, ProviderKind::PrimaryCare, &["X78.9XXD", "F32.9"]);
    assert!(
        visit_meets(&fum7, &self_harm),
        "self-harm with a mental illness"
    );
    let self_harm_only = visit(on, ProviderKind::PrimaryCare, &["X78.9XXD"]);
    assert!(!visit_meets(&fum7, &self_harm_only));
    let mut ed_again = ed_visit(d(2026, 3, 7), &["F32.9"]);
    ed_again.id = 9;
    assert!(
        !visit_meets(&fum7, &ed_again),
        "an ED visit is not a follow-up"
    );
    // Self-harm as principal starts FUM too.
    assert!(clock(&ed_visit(on, &["X71.0XXA"]), ClockKind::Fum7).is_some());
}

#[test]
fn fua_counts_from_the_ed_date_to_day_7() {
    let on = d(2026, 3, 6);
    let ed = ed_visit(on, &["F11.20"]);
    assert_eq!(kinds(&ed), vec![ClockKind::Fua7, ClockKind::Fua30]);
    let fua7 = clock(&ed, ClockKind::Fua7).unwrap();
    let fua30 = clock(&ed, ClockKind::Fua30).unwrap();
    let primary = |on| visit(on, ProviderKind::PrimaryCare, &["I10", "F11.20"]);
    assert!(visit_meets(&fua7, &primary(on)), "the ED date counts");
    assert!(visit_meets(&fua7, &primary(d(2026, 3, 13))), "day 7");
    assert!(!visit_meets(&fua7, &primary(d(2026, 3, 14))), "day 8");
    assert!(late_visit_meets(&fua7, &primary(d(2026, 3, 14))));
    assert!(visit_meets(&fua30, &primary(d(2026, 4, 5))), "day 30");
    assert!(!visit_meets(&fua30, &primary(d(2026, 4, 6))), "day 31");
    let sud_provider = visit(on, ProviderKind::SubstanceUse, &["Z71.41"]);
    assert!(visit_meets(&fua7, &sud_provider));
    let mh_only = visit(on, ProviderKind::MentalHealth, &["F32.9"]);
    assert!(!visit_meets(&fua7, &mh_only));
    // An overdose in any position starts FUA; SUD only as principal.
    assert!(clock(&ed_visit(on, &["S06.0X0A", "T40.411A"]), ClockKind::Fua7).is_some());
    assert!(clock(&ed_visit(on, &["S06.0X0A", "F10.20"]), ClockKind::Fua7).is_none());
    assert!(clock(&ed_visit(on, &["F17.210"]), ClockKind::Fua7).is_none());
}

#[test]
fn an_ed_visit_with_both_starts_both() {
    let ed = ed_visit(d(2026, 3, 6), &["F32.9", "T40.1X1A"]);
    use ClockKind::*;
    assert_eq!(kinds(&ed), vec![Fum7, Fum30, Fua7, Fua30]);
}

#[test]
fn an_admission_within_30_days_excludes_the_ed_visit() {
    let ed = d(2026, 3, 6);
    assert!(ed_visit_excluded_by_admission(ed, ed));
    assert!(ed_visit_excluded_by_admission(ed, d(2026, 4, 5)));
    assert!(!ed_visit_excluded_by_admission(ed, d(2026, 4, 6)));
    assert!(!ed_visit_excluded_by_admission(ed, d(2026, 3, 5)));
}

#[test]
fn stamped_and_arrival_clocks_are_never_met_by_a_visit() {
    let e = stay(d(2026, 3, 6));
    let any = visit(d(2026, 3, 7), ProviderKind::MentalHealth, &["F32.9"]);
    for kind in [
        ClockKind::MedRec,
        ClockKind::DischargeInfo,
        ClockKind::AdmissionNotice,
        ClockKind::TcmContact,
    ] {
        let due = clock(&e, kind).unwrap();
        assert!(!visit_meets(&due, &any), "{kind:?}");
    }
}

// --- state --------------------------------------------------------------

#[test]
fn a_clock_is_open_met_missed_or_void() {
    let cal = Calendar::default();
    let friday = d(2026, 3, 6);
    let tuesday = d(2026, 3, 10);
    let contact = ClockKind::TcmContact;
    assert_eq!(
        state(contact, tuesday, None, false, friday, &cal),
        ClockState::Open {
            days_left: 4,
            business_days_left: Some(2)
        }
    );
    assert_eq!(
        state(contact, tuesday, None, false, friday, &cal).label(),
        "2 bd left"
    );
    let on_due = state(contact, tuesday, None, false, tuesday, &cal);
    assert_eq!(
        on_due,
        ClockState::Open {
            days_left: 0,
            business_days_left: Some(0)
        }
    );
    assert_eq!(on_due.label(), "today");
    let late = state(contact, tuesday, None, false, d(2026, 3, 11), &cal);
    assert_eq!(late, ClockState::Missed { met_late_on: None });
    assert_eq!(late.label(), "missed");
    let met = state(contact, tuesday, Some(tuesday), false, d(2026, 3, 20), &cal);
    assert_eq!(met, ClockState::Met { on: tuesday });
    assert_eq!(met.label(), "met");
    let met_late = state(
        contact,
        tuesday,
        Some(d(2026, 3, 11)),
        false,
        d(2026, 3, 11),
        &cal,
    );
    assert_eq!(
        met_late,
        ClockState::Missed {
            met_late_on: Some(d(2026, 3, 11))
        }
    );
    assert_eq!(met_late.label(), "met late");
    let void = state(contact, tuesday, None, true, friday, &cal);
    assert_eq!(void, ClockState::Void);
    assert_eq!(void.label(), "void");
    let visit_clock = state(ClockKind::Fuh7, d(2026, 3, 13), None, false, friday, &cal);
    assert_eq!(
        visit_clock,
        ClockState::Open {
            days_left: 7,
            business_days_left: None
        }
    );
    assert_eq!(visit_clock.label(), "7 d left");
}

// --- readmissions -------------------------------------------------------

#[test]
fn a_readmission_is_within_30_days_after_discharge() {
    let discharged = d(2026, 3, 6);
    let prior = stay(discharged);
    let admitted_on = |on: NaiveDate| Encounter {
        id: 5,
        status: EncounterStatus::InProgress,
        started_at: at(on, 8),
        ended_at: None,
        disposition: None,
        ..stay(on)
    };
    assert!(
        !is_readmission(&prior, &admitted_on(discharged)),
        "same day: a transfer"
    );
    assert!(
        !is_readmission(&prior, &admitted_on(d(2026, 3, 7))),
        "next day: a transfer"
    );
    assert!(is_direct_transfer(&prior, &admitted_on(discharged)));
    assert!(is_direct_transfer(&prior, &admitted_on(d(2026, 3, 7))));
    assert!(!is_direct_transfer(&prior, &admitted_on(d(2026, 3, 8))));
    assert!(is_readmission(&prior, &admitted_on(d(2026, 3, 8))));
    assert!(
        is_readmission(&prior, &admitted_on(d(2026, 4, 5))),
        "day 30"
    );
    assert!(
        !is_readmission(&prior, &admitted_on(d(2026, 4, 6))),
        "day 31"
    );
    assert!(!is_readmission(&prior, &prior), "not itself");
    let mut observation = admitted_on(d(2026, 3, 10));
    observation.class = EncounterClass::Observation;
    assert!(!is_readmission(&prior, &observation));
    let mut expired = stay(discharged);
    expired.disposition = Some(Disposition::Expired);
    assert!(!is_readmission(&expired, &admitted_on(d(2026, 3, 10))));
    let mut cancelled = admitted_on(d(2026, 3, 10));
    cancelled.status = EncounterStatus::Cancelled;
    assert!(!is_readmission(&prior, &cancelled));
    let mut still_in = stay(discharged);
    still_in.status = EncounterStatus::InProgress;
    assert!(!is_readmission(&still_in, &admitted_on(d(2026, 3, 10))));
}

// --- titles -------------------------------------------------------------

#[test]
fn titles_name_the_task_and_the_facility_only() {
    let mut e = stay(d(2026, 3, 6));
    assert_eq!(
        due_title(ClockKind::TcmContact, &e),
        "Post-discharge contact (2 business days) — Mercy General"
    );
    assert_eq!(
        due_title(ClockKind::TcmVisit, &e),
        "Post-discharge visit (14 days) — Mercy General"
    );
    e.complexity = Complexity::High;
    assert_eq!(
        due_title(ClockKind::TcmVisit, &e),
        "Post-discharge visit (7 days) — Mercy General"
    );
    e.facility = "Saint Bartholomew's Regional Medical Center of the Valley".into();
    for &kind in ClockKind::ALL {
        let title = due_title(kind, &e);
        assert!(title.chars().count() <= 60, "{title}");
        assert!(!title.contains("I50"), "{title}");
    }
    let long = due_title(ClockKind::TcmContact, &e);
    assert!(long.ends_with('…'), "{long}");
    e.facility = "  ".into();
    assert_eq!(
        due_title(ClockKind::MedRec, &e),
        "Medication reconciliation (30 days)"
    );
}
