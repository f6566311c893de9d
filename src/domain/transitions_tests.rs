//! The rules of `transitions`, each at its edge days.

use super::fixtures::*;
use super::*;
use crate::domain::note::Direction;
use chrono::{Datelike, Weekday};

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
