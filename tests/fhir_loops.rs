//! FHIR out and in for the closed loops (issue 17): referrals as
//! ServiceRequest, appointments as Appointment, prior authorizations as
//! Claim and ClaimResponse, and the tasks that are their steps. A store
//! holding each loop in several of its statuses exports a bundle the
//! independent validator (fhir.resources, FHIR R4 4.0.1) accepts, whose
//! codes come from their value sets; read back into an empty database it
//! gives the same rows and exports the same bytes; and a bundle whose
//! loops break FHIR's or tend's rules is refused, naming the entry and the
//! element, never a value.

mod common;
mod fixtures;
#[path = "fhir/setup.rs"]
mod setup;
#[path = "fhir/validator.rs"]
mod validator;

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use chrono::{NaiveDate, NaiveDateTime};
use common::open;
use fixtures::{day, zoe_db};
use rusqlite::types::Value as Sql;
use serde_json::{json, Value};
use tend::domain::appointment::AppointmentStatus;
use tend::domain::authorization::AuthStatus;
use tend::domain::care_plan::{GoalPriority, NeedDomain};
use tend::domain::goal::{Goal, GoalStatus};
use tend::domain::referral::{ReceiptConfirmation, ReferralKind, ReferralStatus, Urgency};
use tend::fhir::export::{export, export_with, Scope};
use tend::fhir::import::import_file;
use tend::store::{
    AppointmentMove, AuditAction, AuthMove, NewAppointment, NewAuthorization, NewReferral,
    ReferralMove, Store,
};
use validator::validate;

fn at(d: NaiveDate, h: u32, m: u32) -> NaiveDateTime {
    d.and_hms_opt(h, m, 0).unwrap()
}

/// Zoë, with a food need and a goal for it, and every loop in the
/// statuses a caseload holds: referrals sent, closed with how receipt was
/// confirmed, declined by a service since removed from the directory (the
/// referral keeps its id, name and phone), a draft, one with no response
/// and one cancelled; appointments booked (with transport and an
/// interpreter), kept, missed (its outreach call follows) and rescheduled;
/// authorizations submitted, approved with units and dates, denied (its
/// appeal due by a hard deadline) and a draft.
fn loops_db(dir: &Path) -> (PathBuf, Store) {
    let path = zoe_db(dir);
    let mut store = open(&path, "ccuser");
    let p = store.patient_id_by_member("SYN1").unwrap().unwrap();
    let need = store
        .add_need(
            p,
            NeedDomain::Food,
            "Runs out of food before the month ends",
        )
        .unwrap();
    let goal = store
        .write(|tx| {
            tx.insert_goal(&Goal {
                id: 0,
                patient_id: p,
                description: "Enough food every week".into(),
                status: GoalStatus::Active,
                start_date: Some(day(2)),
                target_date: None,
                need_id: Some(need),
                measure: None,
                priority: GoalPriority::High,
                version: 1,
            })
            .and_then(|id| {
                tx.audit(AuditAction::Create, "Goal", Some(id), Some(p), None)?;
                Ok(id)
            })
        })
        .unwrap();

    let referral = |store: &mut Store, kind, to: &str, service: Option<&str>, sent| {
        store
            .add_referral(&NewReferral {
                patient_id: p,
                kind,
                urgency: Urgency::Routine,
                reason: format!("Referral to {to}"),
                need_id: None,
                goal_id: None,
                to_name: to.into(),
                to_phone: Some("(212) 555-0142".into()),
                service_ref: service.map(str::to_string),
                sent,
            })
            .unwrap()
    };
    let step = |store: &mut Store, id: i64, to, note: Option<&str>| {
        let version = store.referral(id).unwrap().unwrap().version;
        let change = ReferralMove {
            to,
            appointment_on: (to == ReferralStatus::Scheduled).then(|| day(30)),
            confirmation: (to == ReferralStatus::Closed)
                .then_some(ReceiptConfirmation::ReceiverReport),
            note: note.map(str::to_string),
        };
        store.move_referral(id, version, &change).unwrap();
    };
    let psychiatry = store
        .add_referral(&NewReferral {
            patient_id: p,
            kind: ReferralKind::Clinical,
            urgency: Urgency::Urgent,
            reason: "Psychiatric evaluation for depression".into(),
            need_id: None,
            goal_id: None,
            to_name: "Example Behavioral Health".into(),
            to_phone: None,
            service_ref: None,
            sent: true,
        })
        .unwrap();
    let pantry = store
        .add_referral(&NewReferral {
            patient_id: p,
            kind: ReferralKind::Community,
            urgency: Urgency::Routine,
            reason: "Weekly groceries".into(),
            need_id: Some(need),
            goal_id: Some(goal),
            to_name: "Example Food Pantry".into(),
            to_phone: Some("(212) 555-0199".into()),
            service_ref: Some("svc-pantry-17".into()),
            sent: true,
        })
        .unwrap();
    for to in [
        ReferralStatus::Accepted,
        ReferralStatus::Scheduled,
        ReferralStatus::Received,
        ReferralStatus::Closed,
    ] {
        step(&mut store, pantry, to, None);
    }
    // Its service has since left the directory: the referral alone names it.
    let gone = referral(
        &mut store,
        ReferralKind::Community,
        "Example Meals on Wheels",
        Some("svc-removed-9"),
        true,
    );
    step(
        &mut store,
        gone,
        ReferralStatus::Declined,
        Some("No openings until spring"),
    );
    referral(
        &mut store,
        ReferralKind::Clinical,
        "Example Dental",
        None,
        false,
    );
    let silent = referral(
        &mut store,
        ReferralKind::Community,
        "Example Legal Aid",
        None,
        true,
    );
    step(&mut store, silent, ReferralStatus::NoResponse, None);
    let dropped = referral(
        &mut store,
        ReferralKind::Clinical,
        "Example Podiatry",
        None,
        false,
    );
    step(
        &mut store,
        dropped,
        ReferralStatus::Cancelled,
        Some("Member moved it to her PCP"),
    );

    let book = |store: &mut Store, starts_at, minutes, referral_id| {
        store
            .book_appointment(&NewAppointment {
                patient_id: p,
                starts_at,
                minutes,
                with_whom: "Dr. Example".into(),
                place: Some("Example Clinic, 2nd floor".into()),
                reason: "Follow-up visit".into(),
                referral_id,
                transport_needed: referral_id.is_some(),
                transport_arranged: referral_id.is_some(),
                interpreter_needed: referral_id.is_some(),
                interpreter_arranged: false,
            })
            .unwrap()
    };
    let went = |store: &mut Store, id: i64, to, new_start| {
        let version = store.appointment(id).unwrap().unwrap().version;
        let change = AppointmentMove {
            to,
            new_start,
            note: Some("Said so on the phone".into()),
        };
        store.move_appointment(id, version, &change).unwrap()
    };
    book(&mut store, at(day(30), 10, 30), Some(45), Some(psychiatry));
    let kept = book(&mut store, at(day(24), 7, 0), None, None);
    went(&mut store, kept, AppointmentStatus::Kept, None);
    let missed = book(&mut store, at(day(24), 8, 0), Some(30), None);
    went(&mut store, missed, AppointmentStatus::Missed, None);
    let moved = book(&mut store, at(day(27), 9, 0), Some(30), None);
    let again = went(
        &mut store,
        moved,
        AppointmentStatus::Rescheduled,
        Some(at(day(28), 14, 0)),
    );
    assert!(again.is_some(), "rescheduling books the new one");

    let authorize = |store: &mut Store, item: &str, system: &str, code: &str, submitted| {
        store
            .add_authorization(&NewAuthorization {
                patient_id: p,
                payer: "Example Health Plan".into(),
                item: item.into(),
                item_system: Some(system.into()),
                item_code: Some(code.into()),
                diagnosis_code: Some("F32.9".into()),
                submitted,
            })
            .unwrap()
    };
    let decide = |store: &mut Store, id: i64, change: AuthMove| {
        let version = store.authorization(id).unwrap().unwrap().version;
        store.move_authorization(id, version, &change).unwrap();
    };
    authorize(
        &mut store,
        "Psychotherapy, 60 minutes",
        "cpt",
        "90837",
        true,
    );
    let approved = authorize(&mut store, "CPAP device", "hcpcs", "E0601", true);
    decide(
        &mut store,
        approved,
        AuthMove {
            to: AuthStatus::Approved,
            on: Some(day(20)),
            units: Some(12),
            authorized_from: Some(day(20)),
            authorized_until: Some(NaiveDate::from_ymd_opt(2027, 5, 20).unwrap()),
            payer_ref: Some("PA-2026-0042".into()),
            note: None,
        },
    );
    let denied = authorize(
        &mut store,
        "Sertraline 50 mg tablet",
        "rxnorm",
        "312940",
        true,
    );
    decide(
        &mut store,
        denied,
        AuthMove {
            to: AuthStatus::Denied,
            on: Some(day(23)),
            units: None,
            authorized_from: None,
            authorized_until: None,
            payer_ref: Some("PA-2026-0051".into()),
            note: Some("Step therapy not documented".into()),
        },
    );
    authorize(
        &mut store,
        "Insulin pen needles",
        "ndc",
        "08290-3201-01",
        false,
    );
    (path, store)
}

fn export_all(store: &mut Store) -> String {
    let mut out = Vec::new();
    export(store, Scope::All, &mut out).unwrap();
    String::from_utf8(out).unwrap()
}

fn resources<'v>(bundle: &'v Value, kind: &str) -> Vec<&'v Value> {
    bundle["entry"]
        .as_array()
        .unwrap()
        .iter()
        .map(|e| &e["resource"])
        .filter(|r| r["resourceType"] == kind)
        .collect()
}

fn by_id<'v>(bundle: &'v Value, kind: &str, id: &str) -> &'v Value {
    resources(bundle, kind)
        .into_iter()
        .find(|r| r["id"] == id)
        .unwrap_or_else(|| panic!("no {kind}/{id}"))
}

/// A complex extension's part, by URL.
fn part<'v>(resource: &'v Value, url: &str, name: &str) -> Option<&'v Value> {
    let outer = resource["extension"]
        .as_array()?
        .iter()
        .find(|e| e["url"] == url)?;
    outer["extension"]
        .as_array()?
        .iter()
        .find(|e| e["url"] == name)
}

/// Every column of the loop tables but their edit bookkeeping, and the
/// tasks they point at.
const LOOP_TABLES: &[(&str, &str)] = &[
    (
        "referral",
        "id, patient_id, kind, status, urgency, reason, need_id, goal_id, to_name, to_phone,
         service_ref, appointment_on, confirmation, status_note, status_on, task_id, author_id,
         created_at",
    ),
    (
        "appointment",
        "id, patient_id, status, starts_at, minutes, with_whom, place, reason, referral_id,
         transport_needed, transport_arranged, interpreter_needed, interpreter_arranged,
         reminder_task_id, task_id, outreach_task_id, rescheduled_to, status_note, status_on,
         author_id, created_at",
    ),
    (
        "prior_auth",
        "id, patient_id, status, payer, item, item_system, item_code, diagnosis_code,
         submitted_on, decided_on, units, authorized_from, authorized_until, payer_ref,
         status_note, status_on, task_id, author_id, created_at",
    ),
    (
        "task",
        "id, patient_id, owner_id, kind, description, status, priority, due_on, hard_deadline,
         authored_at, completed_at, outcome, recurrence, previous_id, goal_id",
    ),
];

fn rows(path: &Path, table: &str, columns: &str) -> Vec<Vec<Sql>> {
    let conn = rusqlite::Connection::open(path).unwrap();
    let width = columns.split(',').count();
    let mut stmt = conn
        .prepare(&format!("SELECT {columns} FROM {table} ORDER BY id"))
        .unwrap();
    let rows = stmt
        .query_map([], |r| (0..width).map(|i| r.get::<_, Sql>(i)).collect())
        .unwrap();
    rows.collect::<Result<_, _>>().unwrap()
}

#[test]
fn every_loop_validates_and_comes_back_the_same() {
    let dir = tempfile::tempdir().unwrap();
    let (source, mut store) = loops_db(dir.path());
    let first = export_all(&mut store);
    let bundle_path = dir.path().join("bundle.json");
    std::fs::write(&bundle_path, &first).unwrap();

    let stdout = validate(&bundle_path);
    let validated: BTreeMap<&str, usize> = stdout
        .lines()
        .filter(|line| !line.starts_with("valid:"))
        .map(|line| {
            let (kind, n) = line.split_once(' ').unwrap();
            (kind, n.parse().unwrap())
        })
        .collect();
    assert_eq!(validated["ServiceRequest"], 6);
    assert_eq!(
        validated["Appointment"], 5,
        "the rescheduled one and its new date"
    );
    assert_eq!(validated["Claim"], 4);
    assert_eq!(validated["ClaimResponse"], 2, "the approval and the denial");

    let bundle: Value = serde_json::from_str(&first).unwrap();
    // The closed referral: completed, with how receipt was confirmed, the
    // service it went to (from the directory), the need and the goal.
    let pantry = by_id(&bundle, "ServiceRequest", "sr-2");
    assert_eq!(pantry["status"], "completed");
    assert_eq!(pantry["intent"], "order");
    assert_eq!(
        part(pantry, LOOP_STATUS, "status").unwrap()["valueCode"],
        "closed"
    );
    assert_eq!(
        part(pantry, LOOP_STATUS, "confirmation").unwrap()["valueCode"],
        "receiver-report"
    );
    assert_eq!(
        pantry["category"][0]["coding"][0],
        json!({"system": "http://hl7.org/fhir/us/core/CodeSystem/us-core-category", "code": "sdoh", "display": "SDOH"})
    );
    assert_eq!(pantry["occurrenceDateTime"], "2026-11-30");
    assert_eq!(pantry["reasonReference"][0]["reference"], "Condition/n-1");
    assert_eq!(pantry["supportingInfo"][0]["reference"], "Goal/g-1");
    let receiver = &pantry["contained"][0];
    assert_eq!(receiver["resourceType"], "HealthcareService");
    assert_eq!(
        receiver["identifier"][0],
        json!({"system": "urn:tend:hsds-service", "value": "svc-pantry-17"})
    );
    assert_eq!(receiver["telecom"][0]["value"], "(212) 555-0199");
    assert_eq!(pantry["performer"][0]["reference"], "#receiver");
    // The one whose service was removed keeps its id, name and phone.
    let gone = by_id(&bundle, "ServiceRequest", "sr-3");
    assert_eq!(gone["status"], "revoked");
    assert_eq!(gone["contained"][0]["name"], "Example Meals on Wheels");
    assert_eq!(
        gone["contained"][0]["identifier"][0]["value"],
        "svc-removed-9"
    );
    assert_eq!(
        part(gone, LOOP_STATUS, "note").unwrap()["valueString"],
        "No openings until spring"
    );
    let urgent = by_id(&bundle, "ServiceRequest", "sr-1");
    assert_eq!(urgent["priority"], "urgent");
    assert_eq!(urgent["category"][0]["coding"][0]["code"], "3457005");
    assert_eq!(urgent["contained"][0]["resourceType"], "Organization");

    // Appointments: the booked one on its referral, what is arranged; the
    // rescheduled one cancelled in FHIR, tend's status and its new date kept.
    let booked = by_id(&bundle, "Appointment", "apt-1");
    assert_eq!(booked["status"], "booked");
    assert_eq!(booked["basedOn"][0]["reference"], "ServiceRequest/sr-1");
    assert_eq!(booked["start"], "2026-11-30T10:30:00-05:00");
    assert_eq!(booked["end"], "2026-11-30T11:15:00-05:00");
    assert_eq!(booked["minutesDuration"], 45);
    for (name, yes) in [
        ("transport-needed", true),
        ("transport-arranged", true),
        ("interpreter-needed", true),
        ("interpreter-arranged", false),
    ] {
        assert_eq!(part(booked, ARRANGEMENTS, name).is_some(), yes, "{name}");
    }
    assert_eq!(
        by_id(&bundle, "Appointment", "apt-2")["status"],
        "fulfilled"
    );
    assert_eq!(by_id(&bundle, "Appointment", "apt-3")["status"], "noshow");
    let moved = by_id(&bundle, "Appointment", "apt-4");
    assert_eq!(moved["status"], "cancelled");
    assert_eq!(
        part(moved, LOOP_STATUS, "status").unwrap()["valueCode"],
        "rescheduled"
    );

    // The approval: its code, units, the payer's number and the dates.
    let approved = by_id(&bundle, "Claim", "pa-2");
    assert_eq!(approved["use"], "preauthorization");
    assert_eq!(approved["status"], "active");
    assert_eq!(
        approved["item"][0]["productOrService"]["coding"][0],
        json!({"system": "urn:oid:2.16.840.1.113883.6.285", "code": "E0601"})
    );
    assert_eq!(approved["item"][0]["quantity"]["value"], 12);
    assert_eq!(
        approved["insurance"][0]["coverage"]["reference"],
        "#coverage"
    );
    let answer = by_id(&bundle, "ClaimResponse", "par-2");
    assert_eq!(answer["outcome"], "complete");
    assert_eq!(answer["disposition"], "approved");
    assert_eq!(answer["preAuthRef"], "PA-2026-0042");
    assert_eq!(
        answer["preAuthPeriod"],
        json!({"start": "2026-11-20", "end": "2027-05-20"})
    );
    assert_eq!(
        by_id(&bundle, "Claim", "pa-3")["type"]["coding"][0]["code"],
        "pharmacy"
    );
    assert_eq!(by_id(&bundle, "Claim", "pa-4")["status"], "draft");

    // Each loop's steps are Tasks whose focus is the loop: the appeal
    // (a hard deadline), a missed appointment's outreach, a reminder.
    let tasks = resources(&bundle, "Task");
    let step_of = |focus: &str, role: &str| {
        tasks
            .iter()
            .find(|t| {
                t["focus"]["reference"] == focus
                    && t["extension"].as_array().is_some_and(|e| {
                        e.iter()
                            .any(|e| e["url"] == LOOP_STEP && e["valueCode"] == role)
                    })
            })
            .unwrap_or_else(|| panic!("no {role} of {focus}"))
    };
    let appeal = step_of("Claim/pa-3", "next-step");
    assert_eq!(appeal["priority"], "urgent");
    assert_eq!(appeal["restriction"]["period"]["end"], "2027-01-22");
    step_of("Appointment/apt-3", "outreach");
    step_of("Appointment/apt-1", "reminder");
    step_of("Appointment/apt-1", "next-step");
    step_of("ServiceRequest/sr-1", "next-step");
    assert!(
        !tasks
            .iter()
            .any(|t| t["focus"]["reference"] == "ServiceRequest/sr-2"),
        "a closed referral has no next step"
    );

    // Read back into an empty database: the same rows, the same bundle.
    let target = dir.path().join("target.db");
    let mut imported = open(&target, "ccuser");
    let report = import_file(&mut imported, &bundle_path).unwrap();
    assert!(report.kept_ids);
    let second = export_all(&mut imported);
    assert!(first == second, "the bundle read back exports unchanged");
    for (table, columns) in LOOP_TABLES {
        let before = rows(&source, table, columns);
        assert!(!before.is_empty(), "{table} is exercised");
        assert_eq!(before, rows(&target, table, columns), "{table}");
    }
}

/// A loop's record damaged on the disk is left out with `--skip-damaged`,
/// and so are the links to it and to what else was left out: the
/// appointment based on a damaged referral, the referral for a damaged
/// need, the one rescheduled to a damaged appointment, and the referral's
/// next step (a plain task then) all go without them, and the bundle
/// still validates and reads back.
#[test]
fn a_damaged_loop_is_left_out_with_the_links_to_it() {
    let dir = tempfile::tempdir().unwrap();
    let (source, store) = loops_db(dir.path());
    drop(store);
    let conn = rusqlite::Connection::open(&source).unwrap();
    // Text whose bytes are not UTF-8, as damage on the disk leaves it.
    for sql in [
        "UPDATE referral SET reason = CAST(x'4576616cff' AS TEXT) WHERE id = 1",
        "UPDATE need SET description = CAST(x'466f6fff' AS TEXT) WHERE id = 1",
        "UPDATE appointment SET with_whom = CAST(x'4472ff' AS TEXT) WHERE id = 5",
    ] {
        conn.execute(sql, []).unwrap();
    }
    drop(conn);
    let mut store = open(&source, "ccuser");
    let mut out = Vec::new();
    let report = export_with(&mut store, Scope::All, &mut out, true).unwrap();
    let left: Vec<&str> = report.skipped.iter().map(|r| r.resource.as_str()).collect();
    assert_eq!(
        left,
        ["Condition/n-1", "ServiceRequest/sr-1", "Appointment/apt-5"]
    );
    let text = String::from_utf8(out).unwrap();
    for gone in &left {
        assert!(
            !text.contains(&format!("\"{gone}\"")),
            "{gone} is still referred to"
        );
    }
    let bundle: Value = serde_json::from_str(&text).unwrap();
    let booked = by_id(&bundle, "Appointment", "apt-1");
    assert!(booked.get("basedOn").is_none());
    assert!(by_id(&bundle, "ServiceRequest", "sr-2")
        .get("reasonReference")
        .is_none());
    let step = by_id(&bundle, "Task", "t-2");
    assert!(step.get("focus").is_none(), "{step}");

    let file = dir.path().join("bundle.json");
    std::fs::write(&file, &text).unwrap();
    validate(&file);
    let mut restored = open(&dir.path().join("restored.db"), "ccuser");
    import_file(&mut restored, &file).unwrap();
}

const LOOP_STATUS: &str = "https://tend.example/fhir/StructureDefinition/loop-status";
const LOOP_STEP: &str = "https://tend.example/fhir/StructureDefinition/loop-step";
const ARRANGEMENTS: &str = "https://tend.example/fhir/StructureDefinition/arrangements";

/// The codes the loops' resources write, each from its R4 value set (or
/// the code system the element is bound to).
#[test]
fn the_loops_codes_come_from_their_value_sets() {
    let dir = tempfile::tempdir().unwrap();
    let (_, mut store) = loops_db(dir.path());
    let bundle: Value = serde_json::from_str(&export_all(&mut store)).unwrap();
    let rules: &[(&str, &str, &[&str])] = &[
        // http://hl7.org/fhir/R4/valueset-request-status.html
        (
            "ServiceRequest",
            "status",
            &[
                "draft",
                "active",
                "on-hold",
                "revoked",
                "completed",
                "entered-in-error",
                "unknown",
            ],
        ),
        // request-intent, request-priority
        ("ServiceRequest", "intent", &["order"]),
        (
            "ServiceRequest",
            "priority",
            &["routine", "urgent", "asap", "stat"],
        ),
        // http://hl7.org/fhir/R4/valueset-appointmentstatus.html
        (
            "Appointment",
            "status",
            &[
                "proposed",
                "pending",
                "booked",
                "arrived",
                "fulfilled",
                "cancelled",
                "noshow",
                "entered-in-error",
                "checked-in",
                "waitlist",
            ],
        ),
        // fm-status, claim-use, remittance-outcome
        (
            "Claim",
            "status",
            &["active", "cancelled", "draft", "entered-in-error"],
        ),
        (
            "Claim",
            "use",
            &["claim", "preauthorization", "predetermination"],
        ),
        (
            "ClaimResponse",
            "status",
            &["active", "cancelled", "draft", "entered-in-error"],
        ),
        (
            "ClaimResponse",
            "use",
            &["claim", "preauthorization", "predetermination"],
        ),
        (
            "ClaimResponse",
            "outcome",
            &["queued", "complete", "error", "partial"],
        ),
    ];
    let mut seen = BTreeMap::new();
    for (kind, element, allowed) in rules {
        for r in resources(&bundle, kind) {
            let code = r[element].as_str().unwrap();
            assert!(allowed.contains(&code), "{kind}.{element}: {code}");
            seen.insert((*kind, *element), ());
        }
    }
    assert_eq!(seen.len(), rules.len(), "every rule met its element");
    for claim in resources(&bundle, "Claim") {
        // http://terminology.hl7.org/CodeSystem/claim-type, processpriority
        let kind = &claim["type"]["coding"][0];
        assert_eq!(
            kind["system"],
            "http://terminology.hl7.org/CodeSystem/claim-type"
        );
        assert!(["professional", "pharmacy"].contains(&kind["code"].as_str().unwrap()));
        assert_eq!(
            claim["priority"]["coding"][0],
            json!({"system": "http://terminology.hl7.org/CodeSystem/processpriority", "code": "normal", "display": "Normal"})
        );
        assert_eq!(
            claim["diagnosis"][0]["diagnosisCodeableConcept"]["coding"][0]["system"],
            "http://hl7.org/fhir/sid/icd-10-cm"
        );
    }
    for appointment in resources(&bundle, "Appointment") {
        for participant in appointment["participant"].as_array().unwrap() {
            // participationstatus
            assert_eq!(participant["status"], "accepted");
            for coding in participant["type"].as_array().into_iter().flatten() {
                let coding = &coding["coding"][0];
                assert_eq!(
                    coding["system"],
                    "http://terminology.hl7.org/CodeSystem/v3-ParticipationType"
                );
                assert!(["PPRF", "LOC"].contains(&coding["code"].as_str().unwrap()));
            }
        }
    }
}

/// The small bundle the refusals spoil: Zoë's loops.
fn spoil(dir: &Path, change: impl FnOnce(&mut Value) -> usize) -> (PathBuf, usize) {
    let (_, mut store) = loops_db(dir);
    let mut bundle: Value = serde_json::from_str(&export_all(&mut store)).unwrap();
    let entry = change(&mut bundle);
    let file = dir.join("spoiled.json");
    std::fs::write(&file, serde_json::to_string(&bundle).unwrap()).unwrap();
    (file, entry)
}

/// The entry index of `Type/id`, and its resource to spoil.
fn entry<'v>(bundle: &'v mut Value, kind: &str, id: &str) -> (usize, &'v mut Value) {
    let entries = bundle["entry"].as_array_mut().unwrap();
    let i = entries
        .iter()
        .position(|e| e["resource"]["resourceType"] == kind && e["resource"]["id"] == id)
        .unwrap();
    (i, &mut entries[i]["resource"])
}

/// Imports the spoiled bundle into an empty database: the problem, having
/// checked that nothing was written.
fn refusal(dir: &Path, file: &Path) -> String {
    let empty = dir.join("empty.db");
    let mut store = open(&empty, "ccuser");
    let error = import_file(&mut store, file).unwrap_err();
    assert!(store.fhir_patient_ids().unwrap().is_empty());
    error.problem
}

macro_rules! refused {
    ($($case:ident: |$b:ident| $spoil:block => $reason:expr;)*) => {
        $(
            #[test]
            fn $case() {
                let dir = tempfile::tempdir().unwrap();
                let (file, i) = spoil(dir.path(), |$b: &mut Value| $spoil);
                // `{i}` is the entry spoiled, `{j}` the one before it.
                let reason: String = $reason
                    .replace("{i}", &i.to_string())
                    .replace("{j}", &i.saturating_sub(1).to_string());
                assert_eq!(refusal(dir.path(), &file), reason);
            }
        )*
    };
}

mod a_bundle_whose_loops_break_the_rules_is_refused {
    use super::*;

    refused! {
        a_service_request_status_fhir_does_not_have: |b| {
            let (i, r) = entry(b, "ServiceRequest", "sr-1");
            r["status"] = json!("sent");
            i
        } => "entry {i} (ServiceRequest/sr-1): status is not one of draft, active, completed, revoked";
        a_fhir_status_that_does_not_go_with_tends: |b| {
            let (i, r) = entry(b, "ServiceRequest", "sr-2");
            r["status"] = json!("active");
            i
        } => "entry {i} (ServiceRequest/sr-2): status does not go with extension[0].extension[0].valueCode (tend's closed is completed in FHIR)";
        a_loop_status_tend_does_not_have: |b| {
            let (i, r) = entry(b, "Claim", "pa-1");
            r["extension"][0]["extension"][0]["valueCode"] = json!("pending");
            i
        } => "entry {i} (Claim/pa-1): extension[0].extension[0].valueCode is not one of draft, submitted, more-info-requested, approved, denied, appealed, expired";
        a_referral_closed_without_how_receipt_was_confirmed: |b| {
            let (i, r) = entry(b, "ServiceRequest", "sr-2");
            r["extension"][0]["extension"].as_array_mut().unwrap().retain(|e| e["url"] != "confirmation");
            i
        } => "entry {i} (ServiceRequest/sr-2): extension[0].extension(confirmation).valueCode is missing (a closed referral says how receipt was confirmed)";
        a_referral_without_its_reason: |b| {
            let (i, r) = entry(b, "ServiceRequest", "sr-1");
            r.as_object_mut().unwrap().remove("code");
            i
        } => "entry {i} (ServiceRequest/sr-1): code.text is missing (tend needs the referral's reason)";
        an_appointment_without_its_start: |b| {
            let (i, r) = entry(b, "Appointment", "apt-2");
            r.as_object_mut().unwrap().remove("start");
            i
        } => "entry {i} (Appointment/apt-2): start is missing";
        an_appointment_status_tend_does_not_keep: |b| {
            let (i, r) = entry(b, "Appointment", "apt-2");
            r["status"] = json!("waitlist");
            i
        } => "entry {i} (Appointment/apt-2): status is not one of booked, fulfilled, noshow, cancelled";
        an_appointment_based_on_a_referral_not_in_the_bundle: |b| {
            let (i, r) = entry(b, "Appointment", "apt-1");
            r["basedOn"][0]["reference"] = json!("ServiceRequest/sr-99");
            i
        } => "entry {i} (Appointment/apt-1), basedOn[0].reference: ServiceRequest/sr-99 is not in the bundle";
        a_claim_that_is_not_a_preauthorization: |b| {
            let (i, r) = entry(b, "Claim", "pa-2");
            r["use"] = json!("claim");
            i
        } => "entry {i} (Claim/pa-2): use is not preauthorization (tend keeps prior authorizations)";
        a_claim_without_its_payer: |b| {
            let (i, r) = entry(b, "Claim", "pa-2");
            r.as_object_mut().unwrap().remove("insurer");
            r["contained"][0].as_object_mut().unwrap().remove("payor");
            i
        } => "entry {i} (Claim/pa-2): insurer.display is missing (tend needs the payer's name)";
        a_second_response_to_one_claim: |b| {
            // A copy of the approval's answer just before it: the answer
            // itself is then the second.
            let (i, r) = entry(b, "ClaimResponse", "par-2");
            let mut copy = r.clone();
            copy["id"] = json!("par-99");
            b["entry"].as_array_mut().unwrap().insert(i, json!({"resource": copy}));
            i + 1
        } => "entry {i} (ClaimResponse/par-2): entry {j} is already the response to its Claim (tend keeps one)";
        a_reminder_of_a_referral: |b| {
            let entries = b["entry"].as_array_mut().unwrap();
            let i = entries
                .iter()
                .position(|e| e["resource"]["focus"]["reference"] == "ServiceRequest/sr-1")
                .unwrap();
            let task = &mut entries[i]["resource"];
            for e in task["extension"].as_array_mut().unwrap() {
                if e["url"] == LOOP_STEP {
                    e["valueCode"] = json!("reminder");
                }
            }
            i
        } => "entry {i} (Task/t-2): extension[0].valueCode is a step only an Appointment has";
    }
}
