//! Transitions of care in the store, against real SQLite files: encounters
//! and the clocks they start, each a task with a hard deadline; what meets
//! each clock; what a cancellation undoes; ADT messages applied, queued,
//! repeated and resolved. The tests' today is Tuesday 24 November 2026.

mod common;

use std::path::Path;

use chrono::{NaiveDate, NaiveDateTime, TimeZone, Utc};
use tend::domain::encounter::{
    Complexity, Diagnosis, Disposition, EncounterClass, EncounterStatus, ProviderKind,
};
use tend::domain::note::{Direction, Method, NoteHeader, Outcome, Party};
use tend::domain::task::TaskStatus;
use tend::domain::transitions::{ClockKind, ClockState};
use tend::store::{
    AdtAction, AdtOutcome, AdtPlan, ClockRow, EncounterFields, NewEncounter, ReceivedMessage,
    Store, StoreError, TaskRef,
};

fn date(y: i32, m: u32, d: u32) -> NaiveDate {
    NaiveDate::from_ymd_opt(y, m, d).unwrap()
}

fn at(y: i32, m: u32, d: u32, h: u32) -> NaiveDateTime {
    date(y, m, d).and_hms_opt(h, 0, 0).unwrap()
}

/// A store with members SYN0 (enrolled, ccuser's) and SYN1 (disenrolled).
fn store(dir: &Path) -> (Store, i64) {
    let (store, [first, _]) = common::members::enrolled_and_disenrolled(
        &dir.join("transitions.db"),
        ["SYN0", "SYN1"],
        "Testa",
        "Una",
    );
    (store, first)
}

fn stay(patient_id: i64, admitted: NaiveDateTime, discharged: NaiveDateTime) -> NewEncounter {
    NewEncounter {
        patient_id,
        class: EncounterClass::Inpatient,
        status: EncounterStatus::Finished,
        facility: "Synthetic General".into(),
        started_at: admitted,
        ended_at: Some(discharged),
        disposition: Some(Disposition::Home),
        disposition_code: None,
        complexity: Complexity::Moderate,
        provider: None,
        diagnoses: vec![Diagnosis {
            code: "I50.9".into(),
            display: "Heart failure".into(),
        }],
    }
}

fn visit(patient_id: i64, on: NaiveDateTime, provider: ProviderKind) -> NewEncounter {
    NewEncounter {
        patient_id,
        class: EncounterClass::Outpatient,
        status: EncounterStatus::Finished,
        facility: "Synthetic Clinic".into(),
        started_at: on,
        ended_at: Some(on),
        disposition: None,
        disposition_code: None,
        complexity: Complexity::Moderate,
        provider: Some(provider),
        diagnoses: vec![],
    }
}

fn clock(store: &Store, patient: i64, kind: ClockKind) -> ClockRow {
    store
        .patient_clocks(patient)
        .unwrap()
        .into_iter()
        .find(|c| c.kind == kind)
        .unwrap_or_else(|| panic!("no {kind:?} clock"))
}

fn task_status(store: &Store, task_id: i64) -> (TaskStatus, bool, Option<NaiveDate>) {
    let task = store.task(task_id).unwrap().unwrap();
    (task.status, task.hard_deadline, task.due_on)
}

const REACHED: NoteHeader = NoteHeader {
    method: Method::Phone,
    direction: Direction::Outbound,
    party: Party::Patient,
    outcome: Outcome::Reached,
    minutes: 10,
};

fn sign_note(store: &mut Store, patient: i64, header: NoteHeader) -> i64 {
    let started = Utc.with_ymd_and_hms(2026, 11, 24, 14, 0, 0).unwrap();
    store
        .save_draft(
            patient,
            &header.into(),
            "Spoke about the discharge.",
            started,
            None,
        )
        .unwrap();
    let seen = store.draft(patient).unwrap().unwrap().version;
    store.sign_note(patient, seen).unwrap()
}

#[test]
fn a_friday_discharge_starts_every_clock_each_a_task_with_a_hard_deadline() {
    let dir = tempfile::tempdir().unwrap();
    let (mut store, patient) = store(dir.path());
    // Admitted Tuesday 17th, discharged Friday 20 November 2026.
    store
        .add_encounter(&stay(patient, at(2026, 11, 17, 8), at(2026, 11, 20, 15)))
        .unwrap();
    let contact = clock(&store, patient, ClockKind::TcmContact);
    // Friday is day 0: Monday 23rd is business day 1, Tuesday 24th day 2.
    assert_eq!(contact.due_on, date(2026, 11, 24));
    assert_eq!(
        contact.state,
        ClockState::Open {
            days_left: 0,
            business_days_left: Some(0)
        }
    );
    let (status, hard, due) = task_status(&store, contact.task_id.unwrap());
    assert_eq!(
        (status, hard, due),
        (TaskStatus::Requested, true, Some(date(2026, 11, 24)))
    );
    // Moderate complexity: the visit within 14 days.
    assert_eq!(
        clock(&store, patient, ClockKind::TcmVisit).due_on,
        date(2026, 12, 4)
    );
    // HEDIS TRC: reconciliation through 30 days after discharge.
    assert_eq!(
        clock(&store, patient, ClockKind::MedRec).due_on,
        date(2026, 12, 20)
    );
    // Discharge information: the day of discharge and 2 days after; today
    // is past it, so it is missed, and stays listed as missed.
    let info = clock(&store, patient, ClockKind::DischargeInfo);
    assert_eq!(info.due_on, date(2026, 11, 22));
    assert_eq!(info.state, ClockState::Missed { met_late_on: None });
    // The admission notice is met by its arrival, here late (entered on
    // the 24th for an admission of the 17th): a missed clock, met late.
    let notice = clock(&store, patient, ClockKind::AdmissionNotice);
    assert_eq!(notice.task_id, None);
    assert_eq!(
        notice.state,
        ClockState::Missed {
            met_late_on: Some(date(2026, 11, 24))
        }
    );
    // Not a mental health stay: no FUH clocks.
    assert!(store
        .patient_clocks(patient)
        .unwrap()
        .iter()
        .all(|c| !matches!(c.kind, ClockKind::Fuh7 | ClockKind::Fuh30)));
    // The view lists open ones first, nearest deadline first, then missed.
    let view = store.transitions("ccuser", false, 30).unwrap();
    let kinds: Vec<ClockKind> = view.iter().map(|r| r.clock.kind).collect();
    assert_eq!(
        kinds,
        [
            ClockKind::TcmContact,
            ClockKind::TcmVisit,
            ClockKind::MedRec,
            ClockKind::AdmissionNotice,
            ClockKind::DischargeInfo
        ]
    );
}

#[test]
fn a_signed_contact_that_reached_the_member_meets_the_contact_clock_and_closes_its_task() {
    let dir = tempfile::tempdir().unwrap();
    let (mut store, patient) = store(dir.path());
    store
        .add_encounter(&stay(patient, at(2026, 11, 17, 8), at(2026, 11, 20, 15)))
        .unwrap();
    // A voicemail does not meet it.
    let attempt = NoteHeader {
        outcome: Outcome::LeftVoicemail,
        ..REACHED
    };
    sign_note(&mut store, patient, attempt);
    let contact = clock(&store, patient, ClockKind::TcmContact);
    assert!(matches!(contact.state, ClockState::Open { .. }));
    let note = sign_note(&mut store, patient, REACHED);
    let contact = clock(&store, patient, ClockKind::TcmContact);
    assert_eq!(
        contact.state,
        ClockState::Met {
            on: date(2026, 11, 24)
        }
    );
    assert_eq!(
        contact.met_by.as_deref(),
        Some(format!("note {note}").as_str())
    );
    let (status, ..) = task_status(&store, contact.task_id.unwrap());
    assert_eq!(status, TaskStatus::Completed);
}

#[test]
fn a_clock_task_cannot_be_ticked_off_or_moved_except_a_stamp_which_undo_reopens() {
    let dir = tempfile::tempdir().unwrap();
    let (mut store, patient) = store(dir.path());
    store
        .add_encounter(&stay(patient, at(2026, 11, 21, 8), at(2026, 11, 23, 15)))
        .unwrap();
    let today = date(2026, 11, 24);
    let task_ref = |store: &Store, kind| {
        let id = clock(store, patient, kind).task_id.unwrap();
        let version = store.task(id).unwrap().unwrap().version;
        TaskRef { id, version }
    };
    let contact = task_ref(&store, ClockKind::TcmContact);
    let refused = store.complete_tasks(&[contact], None, today).unwrap_err();
    assert!(
        matches!(&refused, StoreError::Refused(m) if m.contains("signed note")),
        "{refused}"
    );
    let refused = store
        .snooze_tasks(&[contact], date(2026, 12, 1))
        .unwrap_err();
    assert!(
        matches!(&refused, StoreError::Refused(m) if m.contains("cannot be moved")),
        "{refused}"
    );
    let med_rec = task_ref(&store, ClockKind::MedRec);
    let refused = store.complete_tasks(&[med_rec], None, today).unwrap_err();
    assert!(matches!(&refused, StoreError::Refused(m) if m.contains("reconciled")));
    // Receipt of discharge information is a stamp: completing its task.
    let info = task_ref(&store, ClockKind::DischargeInfo);
    let change = store.complete_tasks(&[info], None, today).unwrap();
    assert_eq!(
        clock(&store, patient, ClockKind::DischargeInfo).state,
        ClockState::Met { on: today }
    );
    store.undo(&change).unwrap();
    assert!(matches!(
        clock(&store, patient, ClockKind::DischargeInfo).state,
        ClockState::Open { .. }
    ));
    // The medication list stamped reconciled meets its clock.
    let (version, _) = store.medications_reconciled(patient).unwrap();
    store
        .reconcile_medications(patient, version, today)
        .unwrap();
    assert_eq!(
        clock(&store, patient, ClockKind::MedRec).state,
        ClockState::Met { on: today }
    );
}

#[test]
fn a_mental_health_discharge_is_followed_up_by_a_mental_health_visit_after_the_discharge_day() {
    let dir = tempfile::tempdir().unwrap();
    let (mut store, patient) = store(dir.path());
    let mut psych = stay(patient, at(2026, 11, 18, 8), at(2026, 11, 23, 11));
    psych.diagnoses = vec![Diagnosis {
        code: "F32.2".into(),
        display: "Major depressive disorder".into(),
    }];
    store.add_encounter(&psych).unwrap();
    assert_eq!(
        clock(&store, patient, ClockKind::Fuh7).due_on,
        date(2026, 11, 30)
    );
    assert_eq!(
        clock(&store, patient, ClockKind::Fuh30).due_on,
        date(2026, 12, 23)
    );
    // A visit on the discharge date does not count for FUH (it does for
    // the TCM face-to-face visit).
    store
        .add_encounter(&visit(
            patient,
            at(2026, 11, 23, 16),
            ProviderKind::MentalHealth,
        ))
        .unwrap();
    assert!(matches!(
        clock(&store, patient, ClockKind::Fuh7).state,
        ClockState::Open { .. }
    ));
    assert_eq!(
        clock(&store, patient, ClockKind::TcmVisit).state,
        ClockState::Met {
            on: date(2026, 11, 23)
        }
    );
    // A primary care visit the next day does not meet FUH either.
    store
        .add_encounter(&visit(
            patient,
            at(2026, 11, 24, 9),
            ProviderKind::PrimaryCare,
        ))
        .unwrap();
    assert!(matches!(
        clock(&store, patient, ClockKind::Fuh7).state,
        ClockState::Open { .. }
    ));
    // A mental health visit the day after meets both.
    store
        .add_encounter(&visit(
            patient,
            at(2026, 11, 24, 10),
            ProviderKind::MentalHealth,
        ))
        .unwrap();
    for kind in [ClockKind::Fuh7, ClockKind::Fuh30] {
        assert_eq!(
            clock(&store, patient, kind).state,
            ClockState::Met {
                on: date(2026, 11, 24)
            }
        );
    }
}

#[test]
fn an_admission_within_30_days_of_a_discharge_is_a_readmission() {
    let dir = tempfile::tempdir().unwrap();
    let (mut store, patient) = store(dir.path());
    let first = store
        .add_encounter(&stay(patient, at(2026, 11, 1, 8), at(2026, 11, 5, 12)))
        .unwrap();
    let mut again = stay(patient, at(2026, 11, 20, 8), at(2026, 11, 22, 12));
    again.ended_at = None;
    again.status = EncounterStatus::InProgress;
    let second = store.add_encounter(&again).unwrap();
    let rows = store.encounters(patient, 10).unwrap();
    let second_row = rows.iter().find(|r| r.encounter.id == second).unwrap();
    assert_eq!(second_row.readmission_of, Some(first));
    let first_row = rows.iter().find(|r| r.encounter.id == first).unwrap();
    assert_eq!(first_row.readmission_of, None);
}

fn message(control: &str, event: &str) -> ReceivedMessage {
    ReceivedMessage {
        sender: "SYNADT^SYNHOSP".into(),
        control_id: Some(control.into()),
        event: Some(event.into()),
        raw: format!("MSH|^~\\&|SYNADT|SYNHOSP|||20261124||ADT^{event}|{control}|P|2.5.1"),
    }
}

fn plan(member: &str, action: AdtAction) -> AdtPlan {
    AdtPlan {
        member_ids: vec![member.into()],
        action,
    }
}

fn admit(visit: &str) -> AdtAction {
    AdtAction::Encounter {
        visit: Some(visit.into()),
        fields: EncounterFields {
            class: Some(EncounterClass::Inpatient),
            facility: Some("Synthetic General".into()),
            started_at: Some(at(2026, 11, 22, 22)),
            ..EncounterFields::default()
        },
    }
}

fn discharge(visit: &str) -> AdtAction {
    AdtAction::Encounter {
        visit: Some(visit.into()),
        fields: EncounterFields {
            ended_at: Some(at(2026, 11, 24, 8)),
            discharged: true,
            disposition_code: Some("01".into()),
            ..EncounterFields::default()
        },
    }
}

fn live_kinds(store: &Store, patient: i64) -> Vec<ClockKind> {
    store
        .patient_clocks(patient)
        .unwrap()
        .into_iter()
        .filter(|c| c.state != ClockState::Void)
        .map(|c| c.kind)
        .collect()
}

#[test]
fn admit_then_discharge_make_one_stay_and_a_cancelled_discharge_voids_its_clocks() {
    let dir = tempfile::tempdir().unwrap();
    let (mut store, patient) = store(dir.path());
    let a01 = store
        .receive_adt(&message("M1", "A01"), Ok(&plan("SYN0", admit("V1"))))
        .unwrap();
    assert!(matches!(a01, AdtOutcome::Applied { .. }));
    // The admission alone: the notice, met on arrival within its 2 days.
    assert_eq!(live_kinds(&store, patient), [ClockKind::AdmissionNotice]);
    assert_eq!(
        clock(&store, patient, ClockKind::AdmissionNotice).state,
        ClockState::Met {
            on: date(2026, 11, 24)
        }
    );
    let a03 = store
        .receive_adt(&message("M2", "A03"), Ok(&plan("SYN0", discharge("V1"))))
        .unwrap();
    let AdtOutcome::Applied { encounter_id, .. } = a03 else {
        panic!("{a03:?}")
    };
    let encounters = store.encounters(patient, 10).unwrap();
    assert_eq!(
        encounters.len(),
        1,
        "the discharge found the admission's stay"
    );
    assert_eq!(Some(encounters[0].encounter.id), encounter_id);
    assert_eq!(encounters[0].encounter.status, EncounterStatus::Finished);
    assert_eq!(encounters[0].encounter.facility, "Synthetic General");
    assert!(live_kinds(&store, patient).contains(&ClockKind::TcmContact));
    // The same message again is not applied again.
    let again = store
        .receive_adt(&message("M2", "A03"), Ok(&plan("SYN0", discharge("V1"))))
        .unwrap();
    assert!(matches!(again, AdtOutcome::Repeated { .. }), "{again:?}");
    assert_eq!(store.patient_clocks(patient).unwrap().len(), 5);
    // A13: the discharge did not happen. Its clocks are voided, not
    // deleted, and their tasks cancelled.
    let contact_task = clock(&store, patient, ClockKind::TcmContact)
        .task_id
        .unwrap();
    store
        .receive_adt(
            &message("M3", "A13"),
            Ok(&plan(
                "SYN0",
                AdtAction::CancelDischarge {
                    visit: Some("V1".into()),
                },
            )),
        )
        .unwrap();
    assert_eq!(live_kinds(&store, patient), [ClockKind::AdmissionNotice]);
    assert_eq!(store.patient_clocks(patient).unwrap().len(), 5);
    assert_eq!(task_status(&store, contact_task).0, TaskStatus::Cancelled);
    let encounter = &store.encounters(patient, 10).unwrap()[0].encounter;
    assert_eq!(encounter.status, EncounterStatus::InProgress);
    assert_eq!(encounter.ended_at, None);
    assert!(store
        .recent_audit(100)
        .unwrap()
        .iter()
        .any(|e| e.detail.as_deref() == Some("voided (the discharge was cancelled (A13))")));
    // A11: the admission did not happen either: nothing is left running.
    store
        .receive_adt(
            &message("M4", "A11"),
            Ok(&plan(
                "SYN0",
                AdtAction::CancelAdmit {
                    visit: Some("V1".into()),
                },
            )),
        )
        .unwrap();
    assert!(live_kinds(&store, patient).is_empty());
}

#[test]
fn a_discharge_without_an_admission_makes_the_stay() {
    let dir = tempfile::tempdir().unwrap();
    let (mut store, patient) = store(dir.path());
    store
        .receive_adt(&message("M9", "A03"), Ok(&plan("SYN0", discharge("V9"))))
        .unwrap();
    let encounters = store.encounters(patient, 10).unwrap();
    assert_eq!(encounters.len(), 1);
    let stay = &encounters[0].encounter;
    assert_eq!(stay.class, EncounterClass::Inpatient);
    assert_eq!(stay.ended_at, Some(at(2026, 11, 24, 8)));
    assert_eq!(stay.disposition, Some(Disposition::Home));
    assert!(live_kinds(&store, patient).contains(&ClockKind::TcmContact));
}

#[test]
fn unknown_and_disenrolled_members_are_queued_and_a_supervisor_resolves_them() {
    let dir = tempfile::tempdir().unwrap();
    let (mut store, patient) = store(dir.path());
    let unknown = store
        .receive_adt(&message("Q1", "A03"), Ok(&plan("NOBODY", discharge("V2"))))
        .unwrap();
    let AdtOutcome::Queued { message_id, reason } = unknown else {
        panic!("{unknown:?}")
    };
    assert!(reason.contains("no member"), "{reason}");
    assert!(!reason.contains("NOBODY"), "no values in the reason");
    let gone = store
        .receive_adt(&message("Q2", "A03"), Ok(&plan("SYN1", discharge("V3"))))
        .unwrap();
    assert!(matches!(&gone, AdtOutcome::Queued { reason, .. } if reason.contains("disenrolled")));
    let unreadable = store
        .receive_adt(
            &message("Q3", "A99"),
            Err("MSH-9 names an event tend does not take"),
        )
        .unwrap();
    assert!(matches!(unreadable, AdtOutcome::Rejected { .. }));
    assert_eq!(store.adt_queue().unwrap().len(), 3);
    // Nothing was applied to anyone.
    assert!(store.encounters(patient, 10).unwrap().is_empty());
    // Matched to SYN0 by a supervisor: applied as if it had named them.
    store
        .resolve_adt(message_id, "SYN0", &plan("NOBODY", discharge("V2")))
        .unwrap();
    assert_eq!(store.encounters(patient, 10).unwrap().len(), 1);
    let refused = store.dismiss_adt(2, "no").unwrap_err();
    assert!(matches!(refused, StoreError::Refused(_)));
    store.dismiss_adt(2, "member left the program").unwrap();
    let left: Vec<i64> = store.adt_queue().unwrap().iter().map(|m| m.id).collect();
    assert_eq!(left, [3]);
}

#[test]
fn a_control_id_used_again_for_a_different_message_is_rejected_not_taken_as_a_repeat() {
    let dir = tempfile::tempdir().unwrap();
    let (mut store, patient) = store(dir.path());
    store
        .receive_adt(&message("R1", "A01"), Ok(&plan("SYN0", admit("V7"))))
        .unwrap();
    let mut other = message("R1", "A03");
    other.raw.push_str("\rPV1|1|I");
    let outcome = store
        .receive_adt(&other, Ok(&plan("SYN0", discharge("V7"))))
        .unwrap();
    assert!(
        matches!(&outcome, AdtOutcome::Rejected { reason, .. } if reason.contains("MSH-10")),
        "{outcome:?}"
    );
    // The discharge was not applied, and it waits in the queue.
    assert_eq!(live_kinds(&store, patient), [ClockKind::AdmissionNotice]);
    assert_eq!(store.adt_queue().unwrap().len(), 1);
}

#[test]
fn an_emergency_visit_followed_by_an_admission_leaves_fum_and_a_cancelled_admission_brings_it_back()
{
    let dir = tempfile::tempdir().unwrap();
    let (mut store, patient) = store(dir.path());
    let ed = NewEncounter {
        class: EncounterClass::Emergency,
        started_at: at(2026, 11, 20, 23),
        ended_at: Some(at(2026, 11, 21, 4)),
        diagnoses: vec![Diagnosis {
            code: "F32.9".into(),
            display: "Depression".into(),
        }],
        ..stay(patient, at(2026, 11, 20, 23), at(2026, 11, 21, 4))
    };
    store.add_encounter(&ed).unwrap();
    assert_eq!(
        live_kinds(&store, patient),
        [ClockKind::Fum7, ClockKind::Fum30]
    );
    // Admitted three days later, by the feed: HEDIS leaves the ED visit out.
    store
        .receive_adt(&message("X1", "A01"), Ok(&plan("SYN0", admit("V30"))))
        .unwrap();
    assert_eq!(live_kinds(&store, patient), [ClockKind::AdmissionNotice]);
    // The admission is cancelled: the visit's follow-up is due again.
    store
        .receive_adt(
            &message("X2", "A11"),
            Ok(&plan(
                "SYN0",
                AdtAction::CancelAdmit {
                    visit: Some("V30".into()),
                },
            )),
        )
        .unwrap();
    assert_eq!(
        live_kinds(&store, patient),
        [ClockKind::Fum7, ClockKind::Fum30]
    );
}

fn visitless(action: AdtAction) -> AdtAction {
    match action {
        AdtAction::Encounter { fields, .. } => AdtAction::Encounter {
            visit: None,
            fields,
        },
        other => other,
    }
}

#[test]
fn without_visit_numbers_a_cancelled_discharge_and_a_late_update_find_the_stay() {
    let dir = tempfile::tempdir().unwrap();
    let (mut store, patient) = store(dir.path());
    for (control, event, action) in [
        ("N1", "A01", visitless(admit("x"))),
        ("N2", "A03", visitless(discharge("x"))),
    ] {
        store
            .receive_adt(&message(control, event), Ok(&plan("SYN0", action)))
            .unwrap();
    }
    assert!(live_kinds(&store, patient).contains(&ClockKind::TcmContact));
    // An update after the discharge amends the stay; it makes no second one.
    let update = AdtAction::Encounter {
        visit: None,
        fields: EncounterFields {
            facility: Some("Synthetic General East".into()),
            amends: true,
            ..EncounterFields::default()
        },
    };
    store
        .receive_adt(&message("N3", "A08"), Ok(&plan("SYN0", update)))
        .unwrap();
    let encounters = store.encounters(patient, 10).unwrap();
    assert_eq!(encounters.len(), 1);
    assert_eq!(encounters[0].encounter.facility, "Synthetic General East");
    assert_eq!(encounters[0].encounter.status, EncounterStatus::Finished);
    // A13 without a visit number finds the finished stay.
    let outcome = store
        .receive_adt(
            &message("N4", "A13"),
            Ok(&plan("SYN0", AdtAction::CancelDischarge { visit: None })),
        )
        .unwrap();
    assert!(matches!(outcome, AdtOutcome::Applied { .. }), "{outcome:?}");
    assert_eq!(live_kinds(&store, patient), [ClockKind::AdmissionNotice]);
}

#[test]
fn a_visit_cancelled_after_it_met_a_clock_opens_the_clock_again() {
    let dir = tempfile::tempdir().unwrap();
    let (mut store, patient) = store(dir.path());
    let ed = NewEncounter {
        class: EncounterClass::Emergency,
        diagnoses: vec![Diagnosis {
            code: "F32.9".into(),
            display: "Depression".into(),
        }],
        ..stay(patient, at(2026, 11, 20, 23), at(2026, 11, 21, 4))
    };
    store.add_encounter(&ed).unwrap();
    let registration = |mut fields: EncounterFields| {
        fields.class = Some(EncounterClass::Outpatient);
        fields.facility = Some("Synthetic Clinic".into());
        fields.started_at = Some(at(2026, 11, 23, 10));
        AdtAction::Encounter {
            visit: Some("OV1".into()),
            fields,
        }
    };
    // A clinic registration for a mental illness meets FUM; a visit with no
    // provider known does not meet a TCM visit (it may be a lab draw).
    let fields = EncounterFields {
        diagnoses: vec![Diagnosis {
            code: "F32.9".into(),
            display: "Depression".into(),
        }],
        ..EncounterFields::default()
    };
    store
        .receive_adt(
            &message("V1", "A04"),
            Ok(&plan("SYN0", registration(fields))),
        )
        .unwrap();
    let fum = clock(&store, patient, ClockKind::Fum7);
    assert_eq!(
        fum.state,
        ClockState::Met {
            on: date(2026, 11, 23)
        }
    );
    assert_eq!(
        task_status(&store, fum.task_id.unwrap()).0,
        TaskStatus::Completed
    );
    // The registration is cancelled: the clock is open again, its task too.
    store
        .receive_adt(
            &message("V2", "A11"),
            Ok(&plan(
                "SYN0",
                AdtAction::CancelAdmit {
                    visit: Some("OV1".into()),
                },
            )),
        )
        .unwrap();
    let fum = clock(&store, patient, ClockKind::Fum7);
    assert!(
        matches!(fum.state, ClockState::Open { .. }),
        "{:?}",
        fum.state
    );
    assert_eq!(
        task_status(&store, fum.task_id.unwrap()).0,
        TaskStatus::Requested
    );
}

#[test]
fn a_cancelled_earlier_stay_takes_the_readmission_flag_away() {
    let dir = tempfile::tempdir().unwrap();
    let (mut store, patient) = store(dir.path());
    let first = AdtAction::Encounter {
        visit: Some("S1".into()),
        fields: EncounterFields {
            class: Some(EncounterClass::Inpatient),
            facility: Some("Synthetic General".into()),
            started_at: Some(at(2026, 11, 1, 8)),
            ended_at: Some(at(2026, 11, 5, 12)),
            discharged: true,
            disposition_code: Some("01".into()),
            ..EncounterFields::default()
        },
    };
    store
        .receive_adt(&message("R1", "A03"), Ok(&plan("SYN0", first)))
        .unwrap();
    store
        .receive_adt(&message("R2", "A01"), Ok(&plan("SYN0", admit("S2"))))
        .unwrap();
    let readmitted = |store: &Store| {
        store
            .encounters(patient, 10)
            .unwrap()
            .iter()
            .any(|e| e.readmission_of.is_some())
    };
    assert!(readmitted(&store));
    store
        .receive_adt(
            &message("R3", "A11"),
            Ok(&plan(
                "SYN0",
                AdtAction::CancelAdmit {
                    visit: Some("S1".into()),
                },
            )),
        )
        .unwrap();
    assert!(!readmitted(&store), "the earlier stay did not happen");
}

#[test]
fn a_clock_that_should_not_run_is_voided_by_hand_with_a_reason() {
    let dir = tempfile::tempdir().unwrap();
    let (mut store, patient) = store(dir.path());
    store
        .add_encounter(&stay(patient, at(2026, 11, 17, 8), at(2026, 11, 20, 15)))
        .unwrap();
    let contact = clock(&store, patient, ClockKind::TcmContact);
    let refused = store.void_clock(contact.id, "no").unwrap_err();
    assert!(matches!(refused, StoreError::Refused(_)));
    store
        .void_clock(contact.id, "member entered hospice care")
        .unwrap();
    let contact = clock(&store, patient, ClockKind::TcmContact);
    assert_eq!(contact.state, ClockState::Void);
    assert_eq!(
        task_status(&store, contact.task_id.unwrap()).0,
        TaskStatus::Cancelled
    );
    assert!(store
        .recent_audit(20)
        .unwrap()
        .iter()
        .any(|e| e.detail.as_deref() == Some("voided (by hand: member entered hospice care)")));
    assert!(store.void_clock(contact.id, "again, by mistake").is_err());
}

#[test]
fn an_encounter_a_century_away_is_rejected_not_clocked() {
    let dir = tempfile::tempdir().unwrap();
    let (mut store, patient) = store(dir.path());
    let far = AdtAction::Encounter {
        visit: Some("F1".into()),
        fields: EncounterFields {
            class: Some(EncounterClass::Inpatient),
            facility: Some("Synthetic General".into()),
            started_at: Some(at(2026, 11, 20, 8)),
            ended_at: Some(date(9999, 12, 31).and_hms_opt(0, 0, 0).unwrap()),
            discharged: true,
            ..EncounterFields::default()
        },
    };
    let refused = store
        .receive_adt(&message("F1", "A03"), Ok(&plan("SYN0", far)))
        .unwrap_err();
    assert!(
        matches!(&refused, StoreError::Refused(m) if m.contains("PV1-45")),
        "{refused}"
    );
    assert!(store.encounters(patient, 10).unwrap().is_empty());
}
