//! The rules of `transitions`, each at its edge days.
use chrono::{Datelike, NaiveDateTime, Weekday};

use super::*;
use crate::domain::note::Direction;

fn d(y: i32, m: u32, day: u32) -> NaiveDate {
    NaiveDate::from_ymd_opt(y, m, day).unwrap()
}

fn at(date: NaiveDate, hour: u32) -> NaiveDateTime {
    date.and_hms_opt(hour, 0, 0).unwrap()
}

fn dx(code: &str) -> Diagnosis {
    Diagnosis {
        code: code.into(),
        display: String::new(),
    }
}

/// An inpatient stay admitted three days before its discharge, home.
fn stay(discharged: NaiveDate) -> Encounter {
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

fn ed_visit(on: NaiveDate, codes: &[&str]) -> Encounter {
    Encounter {
        id: 2,
        class: EncounterClass::Emergency,
        started_at: at(on, 22),
        ended_at: Some(at(on, 23)),
        diagnoses: codes.iter().map(|c| dx(c)).collect(),
        ..stay(on)
    }
}

fn visit(on: NaiveDate, provider: ProviderKind, codes: &[&str]) -> Encounter {
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

fn clock(encounter: &Encounter, kind: ClockKind) -> Option<ClockDue> {
    clocks_for(encounter, &Calendar::default())
        .into_iter()
        .find(|c| c.kind == kind)
}

fn kinds(encounter: &Encounter) -> Vec<ClockKind> {
    clocks_for(encounter, &Calendar::default())
        .into_iter()
        .map(|c| c.kind)
        .collect()
}

fn contact_due(encounter: &Encounter) -> NaiveDate {
    clock(encounter, ClockKind::TcmContact).unwrap().due_on
}

// --- code families ----------------------------------------------------

#[test]
fn mental_illness_code_family_boundaries() {
    for code in [
        "F20.9", "F32.9", "F329", "f41.1", "F48.9", "F50.00", "F53.0", "F59", "F60.3", "F84.0",
        "F99",
    ] {
        assert!(is_mental_illness(&dx(code)), "{code}");
        assert!(is_mental_health_for_fuh(&dx(code)), "{code}");
    }
    for code in [
        "F09", "F03.90", "F10.20", "F19.99", "F54", "F55.0", "G30.9", "Z13.31", "X71.0XXA", "", "F",
    ] {
        assert!(!is_mental_illness(&dx(code)), "{code}");
    }
}

#[test]
fn intentional_self_harm_code_family_boundaries() {
    for code in ["X71.0XXA", "X78.9XXA", "X83.8XXA", "T14.91XA", "T1491"] {
        assert!(is_intentional_self_harm(&dx(code)), "{code}");
        assert!(is_mental_health_for_fuh(&dx(code)), "{code}");
        assert!(!is_mental_illness(&dx(code)), "{code}");
    }
    for code in ["X70.XXXA", "X84", "T14.90XA", "T14.8", "Y28.9XXA"] {
        assert!(!is_intentional_self_harm(&dx(code)), "{code}");
    }
}

#[test]
fn substance_use_and_overdose_code_families() {
    for code in ["F10.20", "F11.20", "F15.10", "F16.10", "F18.20", "F19.21"] {
        assert!(is_substance_use(&dx(code)), "{code}");
    }
    for code in ["F09", "F17.210", "F20.9", "T40.1X1A", "Z72.0"] {
        assert!(!is_substance_use(&dx(code)), "{code}");
    }
    for code in [
        "T40.1X1A", "T40.411A", "T40.2X4A", "T42.4X1A", "T42.3X2A", "T43.621A",
    ] {
        assert!(is_drug_overdose(&dx(code)), "{code}");
    }
    // Adverse effects (5), underdosing (6), other drugs: not overdoses.
    for code in [
        "T40.2X5A", "T42.4X6A", "T42.5X1A", "T43.1X1A", "T39.1X1A", "T40",
    ] {
        assert!(!is_drug_overdose(&dx(code)), "{code}");
    }
}

// --- the contact clock and business days -------------------------------

#[test]
fn a_friday_discharge_is_contacted_by_tuesday() {
    let friday = d(2026, 3, 6);
    assert_eq!(friday.weekday(), Weekday::Fri);
    let due = clock(&stay(friday), ClockKind::TcmContact).unwrap();
    assert_eq!(due.opens_on, friday);
    assert_eq!(due.due_on, d(2026, 3, 10));
    assert_eq!(due.due_on.weekday(), Weekday::Tue);
}

#[test]
fn a_thursday_discharge_is_contacted_by_monday() {
    let thursday = d(2026, 3, 5);
    assert_eq!(thursday.weekday(), Weekday::Thu);
    let due = contact_due(&stay(thursday));
    assert_eq!(due, d(2026, 3, 9));
    assert_eq!(due.weekday(), Weekday::Mon);
}

#[test]
fn a_discharge_before_thanksgiving_skips_it() {
    let wednesday = d(2026, 11, 25);
    assert_eq!(wednesday.weekday(), Weekday::Wed);
    // Thursday 26 is Thanksgiving: Friday 27 then Monday 30.
    assert_eq!(contact_due(&stay(wednesday)), d(2026, 11, 30));
    let tuesday = d(2026, 11, 24);
    assert_eq!(contact_due(&stay(tuesday)), d(2026, 11, 27));
}

#[test]
fn independence_day_observed_on_friday_or_monday() {
    // 4 July 2026 is a Saturday, observed Friday 3 July.
    assert_eq!(d(2026, 7, 4).weekday(), Weekday::Sat);
    let thursday = d(2026, 7, 2);
    assert_eq!(thursday.weekday(), Weekday::Thu);
    assert_eq!(contact_due(&stay(thursday)), d(2026, 7, 7));
    // 4 July 2027 is a Sunday, observed Monday 5 July.
    assert_eq!(d(2027, 7, 4).weekday(), Weekday::Sun);
    let friday = d(2027, 7, 2);
    assert_eq!(friday.weekday(), Weekday::Fri);
    assert_eq!(contact_due(&stay(friday)), d(2027, 7, 7));
}

#[test]
fn new_years_day_on_a_saturday_is_observed_on_31_december() {
    assert_eq!(d(2022, 1, 1).weekday(), Weekday::Sat);
    let thursday = d(2021, 12, 30);
    assert_eq!(thursday.weekday(), Weekday::Thu);
    // Friday 31 December 2021 is New Year's Day observed.
    assert_eq!(contact_due(&stay(thursday)), d(2022, 1, 4));
}

#[test]
fn a_discharge_on_31_december() {
    let thursday = d(2026, 12, 31);
    assert_eq!(thursday.weekday(), Weekday::Thu);
    // Friday 1 January 2027 is New Year's Day: Monday 4, Tuesday 5.
    assert_eq!(contact_due(&stay(thursday)), d(2027, 1, 5));
    // Friday 31 December 2021 (itself a holiday): Mon 3, Tue 4 January.
    assert_eq!(contact_due(&stay(d(2021, 12, 31))), d(2022, 1, 4));
    let e = stay(thursday);
    assert_eq!(clock(&e, ClockKind::MedRec).unwrap().due_on, d(2027, 1, 30));
}

#[test]
fn a_program_holiday_from_config_moves_the_contact() {
    let wednesday = d(2026, 11, 25);
    let calendar = Calendar::new([d(2026, 11, 27)]);
    let due = clocks_for(&stay(wednesday), &calendar)
        .into_iter()
        .find(|c| c.kind == ClockKind::TcmContact)
        .unwrap();
    assert_eq!(due.due_on, d(2026, 12, 1));
}

#[test]
fn a_contact_counts_when_interactive_with_the_patient_or_caregiver() {
    let friday = d(2026, 3, 6);
    let due = clock(&stay(friday), ClockKind::TcmContact).unwrap();
    let reached = NoteHeader {
        method: Method::Phone,
        direction: Direction::Outbound,
        party: Party::Patient,
        outcome: Outcome::Reached,
        minutes: 10,
    };
    assert!(
        contact_meets(&due, friday, &reached),
        "the discharge day counts"
    );
    assert!(
        contact_meets(&due, d(2026, 3, 10), &reached),
        "the due day counts"
    );
    assert!(!contact_meets(&due, d(2026, 3, 11), &reached), "a day late");
    assert!(
        !contact_meets(&due, d(2026, 3, 5), &reached),
        "before discharge"
    );
    for method in [
        Method::InPerson,
        Method::HomeVisit,
        Method::Telehealth,
        Method::Text,
    ] {
        let header = NoteHeader { method, ..reached };
        assert!(contact_meets(&due, friday, &header), "{method:?}");
    }
    for method in [Method::Letter, Method::Collateral] {
        let header = NoteHeader { method, ..reached };
        assert!(!contact_meets(&due, friday, &header), "{method:?}");
    }
    let caregiver = NoteHeader {
        party: Party::Caregiver,
        direction: Direction::Inbound,
        ..reached
    };
    assert!(contact_meets(&due, friday, &caregiver));
    for party in [Party::Provider, Party::Agency] {
        assert!(!contact_meets(
            &due,
            friday,
            &NoteHeader { party, ..reached }
        ));
    }
    for outcome in [
        Outcome::NoAnswer,
        Outcome::LeftVoicemail,
        Outcome::WrongNumber,
        Outcome::Declined,
    ] {
        assert!(!contact_meets(
            &due,
            friday,
            &NoteHeader { outcome, ..reached }
        ));
    }
    let visit_clock = clock(&stay(friday), ClockKind::TcmVisit).unwrap();
    assert!(!contact_meets(&visit_clock, friday, &reached));
}

// --- which clocks -------------------------------------------------------

#[test]
fn an_inpatient_discharge_home_starts_tcm_and_trc_clocks() {
    let discharged = d(2026, 3, 6);
    let e = stay(discharged);
    use ClockKind::*;
    assert_eq!(
        kinds(&e),
        vec![AdmissionNotice, TcmContact, TcmVisit, MedRec, DischargeInfo]
    );
    let notice = clock(&e, AdmissionNotice).unwrap();
    assert_eq!(
        (notice.opens_on, notice.due_on),
        (d(2026, 3, 3), d(2026, 3, 5))
    );
    let med_rec = clock(&e, MedRec).unwrap();
    assert_eq!(
        (med_rec.opens_on, med_rec.due_on),
        (discharged, d(2026, 4, 5))
    );
    assert_eq!((med_rec.due_on - med_rec.opens_on).num_days() + 1, 31);
    let info = clock(&e, DischargeInfo).unwrap();
    assert_eq!((info.opens_on, info.due_on), (discharged, d(2026, 3, 8)));
}

#[test]
fn a_stay_in_progress_starts_only_the_admission_notice() {
    let mut e = stay(d(2026, 3, 6));
    e.status = EncounterStatus::InProgress;
    e.ended_at = None;
    assert_eq!(kinds(&e), vec![ClockKind::AdmissionNotice]);
}

#[test]
fn a_cancelled_encounter_starts_nothing() {
    let mut e = stay(d(2026, 3, 6));
    e.status = EncounterStatus::Cancelled;
    assert!(kinds(&e).is_empty());
    let mut ed = ed_visit(d(2026, 3, 6), &["F32.9"]);
    ed.status = EncounterStatus::Cancelled;
    assert!(kinds(&ed).is_empty());
}

#[test]
fn death_or_transfer_starts_no_discharge_clock() {
    for disposition in [
        Disposition::Expired,
        Disposition::AcuteTransfer,
        Disposition::SkilledNursing,
    ] {
        let mut e = stay(d(2026, 3, 6));
        e.diagnoses = vec![dx("F32.9")];
        e.disposition = Some(disposition);
        assert_eq!(
            kinds(&e),
            vec![ClockKind::AdmissionNotice],
            "{disposition:?}"
        );
    }
    let mut ed = ed_visit(d(2026, 3, 6), &["F32.9"]);
    ed.disposition = Some(Disposition::Expired);
    assert!(kinds(&ed).is_empty());
}

#[test]
fn community_dispositions_start_the_clocks() {
    for disposition in [
        None,
        Some(Disposition::Home),
        Some(Disposition::HomeHealth),
        Some(Disposition::LeftAgainstAdvice),
        Some(Disposition::Other),
    ] {
        let mut e = stay(d(2026, 3, 6));
        e.disposition = disposition;
        assert!(
            kinds(&e).contains(&ClockKind::TcmContact),
            "{disposition:?}"
        );
    }
}

#[test]
fn observation_starts_tcm_but_not_trc() {
    let mut e = stay(d(2026, 3, 6));
    e.class = EncounterClass::Observation;
    e.diagnoses = vec![dx("F32.9")];
    assert_eq!(kinds(&e), vec![ClockKind::TcmContact, ClockKind::TcmVisit]);
    e.class = EncounterClass::SkilledNursing;
    use ClockKind::*;
    assert_eq!(
        kinds(&e),
        vec![AdmissionNotice, TcmContact, TcmVisit, MedRec, DischargeInfo],
        "FUH is for acute inpatient stays only"
    );
}

#[test]
fn high_complexity_visit_within_7_days_moderate_within_14() {
    let discharged = d(2026, 3, 6);
    let mut e = stay(discharged);
    let moderate = clock(&e, ClockKind::TcmVisit).unwrap();
    assert_eq!(
        (moderate.opens_on, moderate.due_on),
        (discharged, d(2026, 3, 20))
    );
    e.complexity = Complexity::High;
    let high = clock(&e, ClockKind::TcmVisit).unwrap();
    assert_eq!((high.opens_on, high.due_on), (discharged, d(2026, 3, 13)));
    let primary = |on| visit(on, ProviderKind::PrimaryCare, &["Z09"]);
    assert!(
        visit_meets(&high, &primary(discharged)),
        "the discharge day"
    );
    assert!(visit_meets(&high, &primary(d(2026, 3, 13))), "day 7");
    assert!(!visit_meets(&high, &primary(d(2026, 3, 14))), "day 8");
    assert!(late_visit_meets(&high, &primary(d(2026, 3, 14))));
    assert!(visit_meets(&moderate, &primary(d(2026, 3, 20))), "day 14");
    assert!(!visit_meets(&moderate, &primary(d(2026, 3, 21))), "day 15");
    assert!(!late_visit_meets(&moderate, &primary(d(2026, 3, 20))));
}

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
