//! FHIR out and in: the export of a generated caseload read back into an
//! empty database gives the same bundle and the same rows; the bundle passes
//! an independent validator (fhir.resources, FHIR R4 4.0.1); the codes it
//! writes come from their published value sets; and every kind of bad input
//! is refused with its message and the database left as it was.

mod common;
mod fixtures;
#[path = "fhir/setup.rs"]
mod setup;
#[path = "fhir/validator.rs"]
mod validator;

use std::collections::{BTreeMap, BTreeSet, HashMap};
use std::path::{Path, PathBuf};

use chrono::{DateTime, NaiveDate, NaiveDateTime, Utc};
use common::{clock, open};
use fixtures::zoe_db;
use rusqlite::types::Value as Sql;
use serde_json::{json, Value};
use tend::domain::care_plan::{GoalPriority, NeedDomain};
use tend::domain::clinical::{AllergyCriticality, Condition, ConditionStatus};
use tend::domain::encounter::{
    Complexity, Diagnosis, Disposition, EncounterClass, EncounterStatus, ProviderKind,
};
use tend::domain::goal::{Goal, GoalStatus};
use tend::domain::note::{Direction, Method, NoteHeader, Outcome, Party};
use tend::domain::patient::{
    ConsentStatus, EnrollmentStatus, FlagKind, Patient, Practitioner, RiskTier, Sex,
};
use tend::domain::task::{Priority, TaskKind, TaskStatus};
use tend::fhir::export::{export, ExportError, ExportReport, Scope};
use tend::fhir::import::import_file;
use tend::store::fhir::{
    AllergyRow, CareTeamRow, FlagRow, MedicationRow, NeedRow, NoteRow, PatientData, ProgressRow,
    TaskRow,
};
use tend::store::{AuditAction, NewEncounter, Store};
use tend::synth::{self, GenParams};
use validator::validate;

fn date(y: i32, m: u32, d: u32) -> NaiveDate {
    NaiveDate::from_ymd_opt(y, m, d).unwrap()
}

fn at(text: &str) -> DateTime<Utc> {
    DateTime::parse_from_rfc3339(text)
        .unwrap()
        .with_timezone(&Utc)
}

/// A generated caseload of `patients`, and three hand-made patients who use
/// every column (the second with no language known, the third having
/// declined to say) (and what the generator never writes: text with escape
/// sequences, a second phone alone, addenda, repeats, ended entries), and a
/// draft that must not leave tend.
fn caseload(dir: &Path, patients: usize) -> (PathBuf, Store) {
    let path = dir.join("source.db");
    let mut store = open(&path, "ccuser");
    synth::generate(
        &mut store,
        &GenParams {
            patients,
            seed: 7,
            user: "ccuser".into(),
        },
    )
    .unwrap();
    let sink = store
        .write(|tx| {
            let me = tx.practitioner("ccuser", "ccuser")?;
            let night = tx.practitioner("cc-night", "Night Coordinator")?;
            let (full, bare) = every_column(me, night);
            tx.insert_patient_data(&full)?;
            tx.insert_patient_data(&bare)?;
            // One who was asked which language and declined to say.
            let mut declined = bare.clone();
            declined.patient.id = SINK + 3;
            declined.patient.member_id = "SYNSINK03".into();
            declined.patient.language = "und-x-declined".into();
            tx.insert_patient_data(&declined)?;
            tx.audit(AuditAction::Create, "Patient", None, None, Some("test"))?;
            Ok(full.patient.id)
        })
        .unwrap();
    let header = NoteHeader {
        method: Method::Phone,
        direction: Direction::Outbound,
        party: Party::Patient,
        outcome: Outcome::Reached,
        minutes: 3,
    };
    store
        .save_draft(
            sink,
            &header.into(),
            "A draft never leaves tend",
            clock().now_utc(),
            None,
        )
        .unwrap();
    add_encounters(&path, &mut store, sink);
    (path, store)
}

fn wall(text: &str) -> NaiveDateTime {
    NaiveDateTime::parse_from_str(text, "%Y-%m-%dT%H:%M:%S").unwrap()
}

/// Encounters of every class and status on one patient, as a coordinator
/// and a feed would record them (the generator writes none yet): a
/// discharged stay with two diagnoses whose clocks a follow-up visit
/// meets, an emergency visit, a readmission still in progress, an
/// observation stay transferred out, a cancelled skilled nursing stay. The
/// first carries a feed's key and disposition code, set as a feed does.
fn add_encounters(path: &Path, store: &mut Store, patient_id: i64) {
    let dx = |code: &str, display: &str| Diagnosis {
        code: code.into(),
        display: display.into(),
    };
    let base = NewEncounter {
        patient_id,
        class: EncounterClass::Inpatient,
        status: EncounterStatus::Finished,
        facility: "St. Example General".into(),
        started_at: wall("2026-11-10T08:15:00"),
        ended_at: Some(wall("2026-11-18T16:40:00")),
        disposition: Some(Disposition::Home),
        disposition_code: None,
        complexity: Complexity::High,
        provider: None,
        diagnoses: vec![
            dx("F32.9", "Major depressive disorder, single episode"),
            dx("I10", "Essential hypertension"),
        ],
    };
    let stay = store.add_encounter(&base).unwrap();
    let others = [
        NewEncounter {
            class: EncounterClass::Outpatient,
            facility: "Example Behavioral Health \u{1b}[2J".into(),
            started_at: wall("2026-11-20T10:00:00"),
            ended_at: Some(wall("2026-11-20T10:50:00")),
            disposition: None,
            complexity: Complexity::Moderate,
            provider: Some(ProviderKind::MentalHealth),
            diagnoses: vec![dx("F32.9", "Major depressive disorder, single episode")],
            ..base.clone()
        },
        NewEncounter {
            class: EncounterClass::Emergency,
            started_at: wall("2026-11-22T23:30:00"),
            ended_at: Some(wall("2026-11-23T03:10:00")),
            disposition: Some(Disposition::Other),
            complexity: Complexity::Moderate,
            diagnoses: vec![dx("F10.20", "Alcohol dependence, uncomplicated")],
            ..base.clone()
        },
        NewEncounter {
            status: EncounterStatus::InProgress,
            started_at: wall("2026-11-23T05:00:00"),
            ended_at: None,
            disposition: None,
            complexity: Complexity::Moderate,
            diagnoses: vec![],
            ..base.clone()
        },
        NewEncounter {
            class: EncounterClass::Observation,
            facility: "Example Valley Hospital".into(),
            started_at: wall("2026-10-01T12:00:00"),
            ended_at: Some(wall("2026-10-02T09:00:00")),
            disposition: Some(Disposition::AcuteTransfer),
            complexity: Complexity::Moderate,
            diagnoses: vec![dx("R07.9", "Chest pain, unspecified")],
            ..base.clone()
        },
        NewEncounter {
            class: EncounterClass::SkilledNursing,
            status: EncounterStatus::Cancelled,
            facility: "Example Rehab".into(),
            started_at: wall("2026-11-19T09:00:00"),
            ended_at: None,
            disposition: None,
            diagnoses: vec![],
            ..base.clone()
        },
    ];
    for new in &others {
        store.add_encounter(new).unwrap();
    }
    let conn = rusqlite::Connection::open(path).unwrap();
    conn.execute(
        "UPDATE encounter SET source_system = 'EPIC^ST EXAMPLE GENERAL', source_visit = 'V-1001',
                disposition_code = '01' WHERE id = ?1",
        [stay],
    )
    .unwrap();
}

/// Every live clock, without its row id (a clock is the rules' and gets a
/// new one on import): by encounter and kind. A voided clock's history is
/// not carried by a bundle.
fn clocks(path: &Path) -> Vec<Vec<Sql>> {
    let conn = rusqlite::Connection::open(path).unwrap();
    let mut stmt = conn
        .prepare(
            "SELECT encounter_id, patient_id, kind, opens_on, due_on, task_id, met_on, met_by,
                    voided_at IS NULL
               FROM transition_clock WHERE voided_at IS NULL ORDER BY encounter_id, kind",
        )
        .unwrap();
    let rows = stmt
        .query_map([], |r| (0..9).map(|i| r.get::<_, Sql>(i)).collect())
        .unwrap();
    rows.collect::<Result<_, _>>().unwrap()
}

/// Ids far above the generator's, so they are free.
const SINK: i64 = 900_000;

fn every_column(me: i64, night: i64) -> (PatientData, PatientData) {
    let p = SINK + 1;
    let full = PatientData {
        patient: Patient {
            id: p,
            member_id: "SYNSINK01".into(),
            family_name: "Testa-Red".into(),
            given_name: "Zoë Ann".into(),
            birth_date: date(1961, 2, 28),
            sex: Sex::Other,
            language: "pt-BR".into(),
            interpreter_needed: true,
            phone_primary: Some("(212) 555-0100".into()),
            phone_secondary: Some("(212) 555-0101".into()),
            preferred_phone: 2,
            medicaid_id: Some("ZZ99999Z".into()),
            plan_name: Some("Sample Care HMO".into()),
            enrollment_status: EnrollmentStatus::Disenrolled,
            enrolled_on: Some(date(2024, 1, 5)),
            enrollment_ended_on: Some(date(2026, 10, 31)),
            risk_tier: RiskTier::VeryHigh,
            coordinator: Some(Practitioner {
                id: me,
                username: "ccuser".into(),
                display_name: "ccuser".into(),
            }),
            last_contact_at: Some(at("2026-11-20T15:04:05Z")),
            gender_identity: Some("nonbinary".into()),
            pronouns: Some("they/them".into()),
            // Free text is kept as written: what would drive a terminal
            // (an escape sequence, a C1 CSI, a bidi override, a zero-width
            // space) goes out escaped and comes back the same.
            best_time_to_call: Some("after 2 pm\u{9b}2J, not \u{202e}Mondays\u{200b}".into()),
            address_line: Some("1 Example Street\u{1b}[31m, Apt 2".into()),
            city: Some("Sampleton".into()),
            state: Some("NY".into()),
            postal_code: Some("10001".into()),
            consent_status: ConsentStatus::Active,
            consent_expires_on: Some(date(2027, 6, 30)),
            advance_directive: true,
            medications_reconciled_on: Some(date(2026, 11, 2)),
            plan_review_on: Some(date(2027, 1, 15)),
            version: 1,
        },
        conditions: vec![
            Condition {
                id: SINK + 10,
                patient_id: p,
                code: Some("E11.9".into()),
                display: "Type 2 diabetes".into(),
                clinical_status: ConditionStatus::Remission,
                onset_date: Some(date(2015, 3, 1)),
            },
            Condition {
                id: SINK + 11,
                patient_id: p,
                code: None,
                display: "Chronic back pain".into(),
                clinical_status: ConditionStatus::Active,
                onset_date: None,
            },
        ],
        needs: vec![
            NeedRow {
                id: SINK + 20,
                patient_id: p,
                domain: NeedDomain::Housing,
                description: "Facing eviction".into(),
                resolved: false,
                created_at: at("2026-09-01T13:00:00Z"),
            },
            NeedRow {
                id: SINK + 21,
                patient_id: p,
                domain: NeedDomain::IncomeBenefits,
                description: "SNAP lapsed".into(),
                resolved: true,
                created_at: at("2026-02-01T13:00:00Z"),
            },
        ],
        medications: vec![
            MedicationRow {
                id: SINK + 30,
                patient_id: p,
                name: "Metformin".into(),
                dose: Some("500 mg".into()),
                frequency: Some("twice daily".into()),
                prescriber: Some("Dr. Sample".into()),
                active: true,
            },
            MedicationRow {
                id: SINK + 31,
                patient_id: p,
                name: "Lisinopril".into(),
                dose: None,
                frequency: Some("daily".into()),
                prescriber: None,
                active: false,
            },
            MedicationRow {
                id: SINK + 32,
                patient_id: p,
                name: "Albuterol".into(),
                dose: Some("2 puffs as needed".into()),
                frequency: None,
                prescriber: None,
                active: true,
            },
        ],
        allergies: vec![
            AllergyRow {
                id: SINK + 40,
                patient_id: p,
                substance: "Penicillin".into(),
                reaction: Some("hives".into()),
                criticality: AllergyCriticality::High,
            },
            AllergyRow {
                id: SINK + 41,
                patient_id: p,
                substance: "Latex".into(),
                reaction: None,
                criticality: AllergyCriticality::UnableToAssess,
            },
        ],
        flags: vec![
            FlagRow {
                id: SINK + 50,
                patient_id: p,
                kind: FlagKind::Safety,
                text: "Two-person home visits only".into(),
                active: true,
                created_at: at("2026-03-01T14:00:00Z"),
            },
            FlagRow {
                id: SINK + 51,
                patient_id: p,
                kind: FlagKind::DoNotCall,
                text: "Not at the home number".into(),
                active: false,
                created_at: at("2026-03-02T14:00:00Z"),
            },
            FlagRow {
                id: SINK + 52,
                patient_id: p,
                kind: FlagKind::Other,
                text: "Prefers text first".into(),
                active: true,
                created_at: at("2026-03-03T14:00:00Z"),
            },
        ],
        care_team: vec![
            CareTeamRow {
                id: SINK + 60,
                patient_id: p,
                role: "Primary care provider".into(),
                name: "Dr. Sample".into(),
                organization: Some("Demo Health Center".into()),
                phone: Some("(212) 555-0150".into()),
            },
            CareTeamRow {
                id: SINK + 61,
                patient_id: p,
                role: "Sister (caregiver)".into(),
                name: "Ana Testa".into(),
                organization: None,
                phone: None,
            },
        ],
        goals: vec![
            Goal {
                id: SINK + 70,
                patient_id: p,
                description: "I want to keep my apartment".into(),
                status: GoalStatus::Active,
                start_date: Some(date(2026, 9, 2)),
                target_date: Some(date(2027, 3, 1)),
                need_id: Some(SINK + 20),
                measure: Some("Rent paid on time 3 months running".into()),
                priority: GoalPriority::High,
                version: 1,
            },
            Goal {
                id: SINK + 71,
                patient_id: p,
                description: "Get SNAP back".into(),
                status: GoalStatus::Completed,
                start_date: None,
                target_date: None,
                need_id: None,
                measure: None,
                priority: GoalPriority::Low,
                version: 1,
            },
        ],
        progress: vec![
            ProgressRow {
                id: SINK + 80,
                goal_id: SINK + 70,
                recorded_on: date(2026, 10, 1),
                note: "October rent paid".into(),
                value: Some(1.0),
                author_id: Some(me),
            },
            ProgressRow {
                id: SINK + 81,
                goal_id: SINK + 70,
                recorded_on: date(2026, 11, 1),
                note: "Landlord agreed to a plan".into(),
                value: None,
                author_id: None,
            },
        ],
        tasks: vec![
            TaskRow {
                id: SINK + 90,
                patient_id: p,
                owner_id: Some(me),
                kind: TaskKind::Referral,
                description: "Refer to legal aid".into(),
                status: TaskStatus::InProgress,
                priority: Priority::Asap,
                due_on: Some(date(2026, 11, 30)),
                hard_deadline: true,
                authored_at: at("2026-11-01T14:00:00Z"),
                completed_at: None,
                outcome: None,
                recurrence: None,
                previous_id: None,
                goal_id: Some(SINK + 70),
            },
            TaskRow {
                id: SINK + 91,
                patient_id: p,
                owner_id: Some(night),
                kind: TaskKind::Call,
                description: "Monthly check-in".into(),
                status: TaskStatus::Completed,
                priority: Priority::Routine,
                due_on: Some(date(2026, 10, 24)),
                hard_deadline: false,
                authored_at: at("2026-09-24T14:00:00Z"),
                completed_at: Some(at("2026-10-24T18:30:00Z")),
                outcome: Some("Reached; all well".into()),
                recurrence: Some("1m".into()),
                previous_id: None,
                goal_id: None,
            },
            TaskRow {
                id: SINK + 92,
                patient_id: p,
                owner_id: Some(night),
                kind: TaskKind::Call,
                description: "Monthly check-in".into(),
                status: TaskStatus::Requested,
                priority: Priority::Routine,
                due_on: Some(date(2026, 11, 24)),
                hard_deadline: false,
                authored_at: at("2026-10-24T18:30:00Z"),
                completed_at: None,
                outcome: None,
                recurrence: Some("1m".into()),
                previous_id: Some(SINK + 91),
                goal_id: None,
            },
            TaskRow {
                id: SINK + 93,
                patient_id: p,
                owner_id: None,
                kind: TaskKind::Admin,
                description: "Old paperwork".into(),
                status: TaskStatus::Cancelled,
                priority: Priority::Stat,
                due_on: None,
                hard_deadline: false,
                authored_at: at("2025-01-01T14:00:00Z"),
                completed_at: None,
                outcome: None,
                recurrence: None,
                previous_id: None,
                goal_id: None,
            },
        ],
        notes: vec![
            NoteRow {
                id: SINK + 100,
                patient_id: p,
                author_id: Some(me),
                sent_at: at("2026-11-20T15:04:05Z"),
                method: Method::Phone,
                direction: Direction::Outbound,
                party: Party::Patient,
                outcome: Outcome::Reached,
                duration_minutes: Some(12),
                body: "Talked about rent.\nSays \u{1b}]0;pwned\u{7} landlord called.".into(),
                signed_at: Some(at("2026-11-20T15:20:00Z")),
                part_of: None,
            },
            NoteRow {
                id: SINK + 101,
                patient_id: p,
                author_id: Some(me),
                sent_at: at("2026-11-21T15:00:00Z"),
                method: Method::Phone,
                direction: Direction::Outbound,
                party: Party::Patient,
                outcome: Outcome::Reached,
                duration_minutes: None,
                body: "Addendum: the landlord called on Thursday.".into(),
                signed_at: Some(at("2026-11-21T15:00:00Z")),
                part_of: Some(SINK + 100),
            },
            NoteRow {
                id: SINK + 102,
                patient_id: p,
                author_id: Some(night),
                sent_at: at("2026-11-18T23:00:00Z"),
                method: Method::Text,
                direction: Direction::Inbound,
                party: Party::Caregiver,
                outcome: Outcome::Reached,
                duration_minutes: Some(0),
                body: "Sister texted: 住所が変わりました 🙂".into(),
                signed_at: None,
                part_of: None,
            },
            NoteRow {
                id: SINK + 103,
                patient_id: p,
                author_id: None,
                sent_at: at("2026-11-10T14:00:00Z"),
                method: Method::Letter,
                direction: Direction::Outbound,
                party: Party::Provider,
                outcome: Outcome::NoAnswer,
                duration_minutes: None,
                body: "Records request mailed".into(),
                signed_at: None,
                part_of: None,
            },
            NoteRow {
                id: SINK + 104,
                patient_id: p,
                author_id: Some(me),
                sent_at: at("2026-11-11T14:00:00Z"),
                method: Method::Collateral,
                direction: Direction::Inbound,
                party: Party::Agency,
                outcome: Outcome::Declined,
                duration_minutes: Some(5),
                body: "Housing agency called back".into(),
                signed_at: None,
                part_of: None,
            },
            NoteRow {
                id: SINK + 105,
                patient_id: p,
                author_id: Some(me),
                sent_at: at("2026-11-12T14:00:00Z"),
                method: Method::Telehealth,
                direction: Direction::Inbound,
                party: Party::Patient,
                outcome: Outcome::WrongNumber,
                duration_minutes: None,
                body: "Video visit".into(),
                signed_at: None,
                part_of: None,
            },
            NoteRow {
                id: SINK + 106,
                patient_id: p,
                author_id: Some(me),
                sent_at: at("2026-11-13T14:00:00Z"),
                method: Method::HomeVisit,
                direction: Direction::Outbound,
                party: Party::Patient,
                outcome: Outcome::LeftVoicemail,
                duration_minutes: Some(45),
                body: "Home visit; left a note".into(),
                signed_at: None,
                part_of: None,
            },
        ],
        encounters: vec![],
        clock_tasks: vec![],
        loops: Default::default(),
        screenings: vec![],
    };
    let bare = PatientData {
        patient: Patient {
            id: SINK + 2,
            member_id: "SYNSINK02".into(),
            family_name: "Bare".into(),
            given_name: "Bo".into(),
            birth_date: date(2001, 12, 31),
            sex: Sex::Unknown,
            // Not known: no `communication` at all.
            language: "und".into(),
            interpreter_needed: false,
            phone_primary: None,
            phone_secondary: Some("(212) 555-0199".into()),
            preferred_phone: 2,
            medicaid_id: None,
            plan_name: None,
            enrollment_status: EnrollmentStatus::Outreach,
            enrolled_on: None,
            enrollment_ended_on: None,
            risk_tier: RiskTier::Low,
            coordinator: None,
            last_contact_at: None,
            gender_identity: None,
            pronouns: None,
            best_time_to_call: None,
            address_line: None,
            city: None,
            state: None,
            postal_code: None,
            consent_status: ConsentStatus::Revoked,
            consent_expires_on: None,
            advance_directive: false,
            medications_reconciled_on: None,
            plan_review_on: None,
            version: 1,
        },
        conditions: vec![],
        needs: vec![],
        medications: vec![],
        allergies: vec![],
        flags: vec![],
        care_team: vec![],
        goals: vec![],
        progress: vec![],
        tasks: vec![],
        notes: vec![],
        encounters: vec![],
        clock_tasks: vec![],
        loops: Default::default(),
        screenings: vec![],
    };
    (full, bare)
}

fn export_all(store: &mut Store, scope: Scope<'_>) -> (String, ExportReport) {
    let mut out = Vec::new();
    let report = export(store, scope, &mut out).unwrap();
    (String::from_utf8(out).unwrap(), report)
}

/// Every exported column of the patient tables, row by row in id order.
/// Text holding no control character but the line end, and none that
/// would reorder or hide text on a terminal: no C1 control, bidi control,
/// zero-width character or other default-ignorable character (listed here
/// independently of tend's own list).
fn assert_printable(text: &str) {
    for (at, c) in text.char_indices() {
        let bad = ((c as u32) < 0x20 && c != '\n')
            || matches!(c as u32,
                0x7f..=0x9f | 0xad | 0x34f | 0x61c | 0x115f | 0x1160 | 0x17b4 | 0x17b5
                | 0x180b..=0x180f | 0x200b..=0x200f | 0x2028..=0x202e | 0x2060..=0x206f
                | 0x3164 | 0xfe00..=0xfe0f | 0xfeff | 0xffa0 | 0xe0000..=0xe0fff);
        assert!(!bad, "{c:?} at byte {at}");
    }
}

const KEY_TABLES: &[(&str, &str)] = &[
    ("practitioner", "id, username, display_name"),
    (
        "patient",
        "id, member_id, family_name, given_name, birth_date, sex, language, interpreter_needed,
         phone_primary, phone_secondary, preferred_phone, medicaid_id, plan_name,
         enrollment_status, enrolled_on, enrollment_ended_on, risk_tier, coordinator_id,
         last_contact_at, gender_identity, pronouns, best_time_to_call, address_line, city, state,
         postal_code, consent_status, consent_expires_on, advance_directive,
         medications_reconciled_on, plan_review_on",
    ),
    (
        "condition",
        "id, patient_id, code, display, clinical_status, onset_date",
    ),
    (
        "need",
        "id, patient_id, domain, description, status, created_at",
    ),
    (
        "medication",
        "id, patient_id, name, dose, frequency, prescriber, status",
    ),
    (
        "allergy",
        "id, patient_id, substance, reaction, criticality",
    ),
    (
        "patient_flag",
        "id, patient_id, kind, text, active, created_at",
    ),
    (
        "care_team_member",
        "id, patient_id, role, name, organization, phone",
    ),
    (
        "goal",
        "id, patient_id, description, lifecycle_status, start_date, target_date, need_id,
         measure, priority",
    ),
    (
        "goal_progress",
        "id, goal_id, recorded_on, note, value, author_id",
    ),
    (
        "task",
        "id, patient_id, owner_id, kind, description, status, priority, due_on, hard_deadline,
         authored_at, completed_at, outcome, recurrence, previous_id, goal_id",
    ),
    (
        "communication",
        "id, patient_id, author_id, sent_at, medium, direction, recipient, outcome,
         duration_minutes, body, status, signed_at, part_of",
    ),
    (
        "encounter",
        "id, patient_id, class, status, facility, started_at, ended_at, disposition,
         disposition_code, complexity, provider, source_system, source_visit, readmission_of",
    ),
];

fn rows(path: &Path, table: &str, columns: &str) -> Vec<Vec<Sql>> {
    let conn = rusqlite::Connection::open(path).unwrap();
    // Drafts are the author's until signed: they stay behind.
    let only_signed = if table == "communication" {
        "WHERE status = 'completed'"
    } else {
        ""
    };
    let width = columns.split(',').count();
    let mut stmt = conn
        .prepare(&format!(
            "SELECT {columns} FROM {table} {only_signed} ORDER BY id"
        ))
        .unwrap();
    let rows = stmt
        .query_map([], |r| (0..width).map(|i| r.get::<_, Sql>(i)).collect())
        .unwrap();
    rows.collect::<Result<_, _>>().unwrap()
}

/// How many rows each table holds, the audit trail and the search indexes included.
fn counts(path: &Path) -> BTreeMap<String, i64> {
    let conn = rusqlite::Connection::open(path).unwrap();
    let tables: Vec<String> = conn
        .prepare("SELECT name FROM sqlite_schema WHERE type = 'table' AND name NOT LIKE 'sqlite_%' AND name NOT LIKE '%_fts_%' AND name NOT LIKE '%_index_%'")
        .unwrap()
        .query_map([], |r| r.get(0))
        .unwrap()
        .collect::<Result<_, _>>()
        .unwrap();
    tables
        .into_iter()
        .map(|t| {
            let n = conn
                .query_row(&format!("SELECT count(*) FROM {t}"), [], |r| r.get(0))
                .unwrap();
            (t, n)
        })
        .collect()
}

fn audit_rows(path: &Path, action: &str, entity: &str) -> Vec<(Option<i64>, Option<String>)> {
    let conn = rusqlite::Connection::open(path).unwrap();
    let mut stmt = conn
        .prepare(
            "SELECT patient_id, detail FROM audit_event WHERE action = ?1 AND entity_type = ?2
              ORDER BY id",
        )
        .unwrap();
    let rows = stmt
        .query_map([action, entity], |r| Ok((r.get(0)?, r.get(1)?)))
        .unwrap();
    rows.collect::<Result<_, _>>().unwrap()
}

#[test]
fn export_then_import_into_an_empty_database_gives_the_same_bundle_and_rows() {
    let dir = tempfile::tempdir().unwrap();
    let (source, mut store) = caseload(dir.path(), 40);
    let (first, report) = export_all(&mut store, Scope::All);
    let (again, _) = export_all(&mut store, Scope::All);
    assert_eq!(first, again, "the same database exports the same bytes");
    assert_eq!(report.patients, 43);

    let bundle_path = dir.path().join("bundle.json");
    std::fs::write(&bundle_path, &first).unwrap();
    let target = dir.path().join("target.db");
    let mut imported = open(&target, "ccuser");
    let result = import_file(&mut imported, &bundle_path).unwrap();
    assert!(result.kept_ids);
    assert_eq!(result.patients, 43);

    let (second, _) = export_all(&mut imported, Scope::All);
    assert!(first == second, "the bundle read back exports unchanged");
    for (table, columns) in KEY_TABLES {
        let before = rows(&source, table, columns);
        assert!(!before.is_empty(), "{table} is exercised");
        assert_eq!(before, rows(&target, table, columns), "{table}");
    }
    // Text is kept as written, escape sequences and all; in the bundle,
    // what would drive a terminal is a \u escape, so it is safe to print.
    let kept = rows(&target, "patient", "best_time_to_call, address_line");
    assert!(kept.contains(&vec![
        Sql::Text("after 2 pm\u{9b}2J, not \u{202e}Mondays\u{200b}".into()),
        Sql::Text("1 Example Street\u{1b}[31m, Apt 2".into())
    ]));
    assert!(first.contains(r#""after 2 pm\u009b2J, not \u202eMondays\u200b""#));
    assert!(first.contains(r#""1 Example Street\u001b[31m, Apt 2""#));
    assert_printable(&first);

    // The draft stayed behind; each export and the import left one audit row.
    let draft = "A draft never leaves tend";
    assert!(!first.contains(draft));
    assert_eq!(audit_rows(&source, "E", "Bundle").len(), 2);
    assert_eq!(audit_rows(&target, "E", "Bundle").len(), 1);
    assert_eq!(
        audit_rows(&target, "C", "Bundle"),
        vec![(
            None,
            Some(format!(
                "imported from the FHIR bundle bundle.json: 43 patients, {} rows",
                result.rows
            ))
        )]
    );
    // Imported notes are searchable as signed notes are.
    let hits = imported.search_notes("landlord Thursday", 5).unwrap();
    assert_eq!(hits.len(), 1);

    // Encounters come back field by field, diagnoses in rank order, the
    // feed's key kept; the clocks the rules work out again are the same,
    // each with the task it had (none made twice).
    let sink = store.patient_id_by_member("SYNSINK01").unwrap().unwrap();
    let encounters = store.encounters(sink, 100).unwrap();
    assert_eq!(encounters.len(), 6);
    assert_eq!(encounters, imported.encounters(sink, 100).unwrap());
    assert!(encounters.iter().any(|e| e.readmission_of.is_some()));
    assert!(encounters.iter().any(|e| e.encounter.diagnoses.len() == 2));
    let before = clocks(&source);
    assert!(before.len() >= 5, "{before:?}");
    assert!(before.iter().any(|c| c[6] != Sql::Null), "a clock was met");
    assert_eq!(before, clocks(&target));
    assert_eq!(
        counts(&source)["task"],
        counts(&target)["task"],
        "no clock task made twice"
    );
    let bundle: Value = serde_json::from_str(&first).unwrap();
    let stay = bundle["entry"]
        .as_array()
        .unwrap()
        .iter()
        .map(|e| &e["resource"])
        .find(|r| r["resourceType"] == "Encounter" && r["identifier"].is_array())
        .unwrap();
    assert_eq!(
        stay["identifier"][0],
        json!({"system": "urn:tend:adt-source:EPIC%5EST%20EXAMPLE%20GENERAL", "value": "V-1001"})
    );
    assert_eq!(stay["class"]["code"], "IMP");
    assert_eq!(stay["period"]["start"], "2026-11-10T08:15:00-05:00");
    assert_eq!(
        stay["diagnosis"][0],
        json!({"condition": {"reference": "#dx1"}, "rank": 1})
    );
    assert_eq!(stay["contained"][0]["code"]["coding"][0]["code"], "F32.9");
    assert_eq!(
        at_path(stay, "hospitalization.dischargeDisposition.coding[].code"),
        [&json!("home"), &json!("home"), &json!("01")]
    );
    assert_eq!(stay["serviceProvider"]["display"], "St. Example General");
}

/// The preferred language goes out as a BCP 47 coding with its name; an
/// unknown one leaves `communication` out; one the patient declined to give
/// is the data-absent-reason `asked-declined`. The import reads back each,
/// ISO 639 codes of any part as their tag, and refuses a code that is no
/// language without repeating it.
#[test]
fn languages_go_out_as_bcp_47_or_as_why_they_are_absent_and_come_back() {
    let dir = tempfile::tempdir().unwrap();
    let (_, mut store) = caseload(dir.path(), 3);
    let (text, _) = export_all(&mut store, Scope::All);
    let bundle: Value = serde_json::from_str(&text).unwrap();
    let patient = |id: i64| -> Value {
        bundle["entry"]
            .as_array()
            .unwrap()
            .iter()
            .map(|e| &e["resource"])
            .find(|r| r["resourceType"] == "Patient" && r["id"] == format!("p-{id}"))
            .unwrap()
            .clone()
    };
    assert_eq!(
        patient(SINK + 1)["communication"],
        json!([{
            "language": { "coding": [{
                "system": "urn:ietf:bcp:47", "code": "pt-BR", "display": "Portuguese (pt-BR)"
            }]},
            "preferred": true
        }])
    );
    assert_eq!(patient(SINK + 2).get("communication"), None, "unknown");
    // Every language code is a valid BCP 47 tag in its canonical form.
    let mut languages = 0;
    for entry in bundle["entry"].as_array().unwrap() {
        for code in at_path(&entry["resource"], "communication[].language.coding[].code") {
            let code = code.as_str().unwrap();
            let tag = language_tags::LanguageTag::parse(code).unwrap();
            assert!(tag.is_valid(), "{code}");
            assert_eq!(tag.canonicalize().unwrap().as_str(), code);
            languages += 1;
        }
    }
    assert_eq!(languages, 4, "the generated three and pt-BR");
    assert_eq!(
        patient(SINK + 3)["communication"],
        json!([{
            "language": { "extension": [{
                "url": "http://hl7.org/fhir/StructureDefinition/data-absent-reason",
                "valueCode": "asked-declined"
            }]},
            "preferred": true
        }])
    );

    let (_, zoe) = zoe(dir.path());
    let coding = |code: &str| json!({ "coding": [{ "system": "urn:ietf:bcp:47", "code": code }] });
    let absent = |reason: &str| {
        json!({ "extension": [{
            "url": "http://hl7.org/fhir/StructureDefinition/data-absent-reason",
            "valueCode": reason
        }]})
    };
    let imported = |name: &str, communication: Option<Value>| -> Result<String, String> {
        let mut bundle = zoe.clone();
        let patient = bundle["entry"][1]["resource"].as_object_mut().unwrap();
        match communication {
            Some(c) => patient.insert("communication".into(), c),
            None => patient.remove("communication"),
        };
        let file = dir.path().join(format!("{name}.json"));
        std::fs::write(&file, bundle.to_string()).unwrap();
        let db = dir.path().join(format!("{name}.db"));
        import_file(&mut open(&db, "ccuser"), &file).map_err(|e| e.to_string())?;
        Ok(rusqlite::Connection::open(&db)
            .unwrap()
            .query_row("SELECT language FROM patient", [], |r| r.get(0))
            .unwrap())
    };
    assert_eq!(
        imported("as-is", None).unwrap(),
        "und",
        "none is unknown, not English"
    );
    for (name, communication, stored) in [
        ("spa", json!([{ "language": coding("spa") }]), "es"),
        ("extlang", json!([{ "language": coding("zh-cmn") }]), "cmn"),
        (
            "preferred",
            json!([{ "language": coding("es") }, { "language": coding("yue"), "preferred": true }]),
            "yue",
        ),
        ("absent", json!([{ "language": absent("unknown") }]), "und"),
        (
            "declined",
            json!([{ "language": absent("asked-declined") }]),
            "und-x-declined",
        ),
    ] {
        assert_eq!(
            imported(name, Some(communication)).unwrap(),
            stored,
            "{name}"
        );
    }
    let error = imported(
        "klingon",
        Some(json!([{ "language": coding("Klingon language") }])),
    )
    .unwrap_err();
    assert!(
        error.ends_with(
            "entry 1 (Patient/p-1): communication[0].language.coding[0].code is not a BCP 47 language tag; nothing was imported"
        ),
        "{error}"
    );
    assert!(!error.contains("Klingon"), "never the value: {error}");
}

/// `value` with every id renamed as `names` says: resource and contained
/// ids, references (`Type/id`, `#id`) and full URLs.
fn renamed(value: &Value, names: &HashMap<String, String>) -> Value {
    match value {
        Value::String(s) => {
            if let Some(new) = names.get(s) {
                return Value::String(new.clone());
            }
            if let Some(new) = s.strip_prefix('#').and_then(|id| names.get(id)) {
                return Value::String(format!("#{new}"));
            }
            if let Some((head, tail)) = s.rsplit_once('/') {
                if let Some(new) = names.get(tail) {
                    return Value::String(format!("{head}/{new}"));
                }
            }
            value.clone()
        }
        Value::Array(items) => Value::Array(items.iter().map(|v| renamed(v, names)).collect()),
        Value::Object(map) => Value::Object(
            map.iter()
                .map(|(k, v)| (k.clone(), renamed(v, names)))
                .collect(),
        ),
        other => other.clone(),
    }
}

/// Every id in a bundle (of its resources and of what they contain), in order.
fn ids_in(bundle: &Value) -> Vec<String> {
    let mut ids = Vec::new();
    for entry in bundle["entry"].as_array().unwrap() {
        let resource = &entry["resource"];
        ids.push(resource["id"].as_str().unwrap().to_string());
        for contained in resource["contained"].as_array().into_iter().flatten() {
            ids.push(contained["id"].as_str().unwrap().to_string());
        }
    }
    ids
}

#[test]
fn into_a_database_with_patients_the_records_get_new_ids_and_keep_their_links() {
    let dir = tempfile::tempdir().unwrap();
    let (_, mut store) = caseload(dir.path(), 5);
    let (one, _) = export_all(&mut store, Scope::Member("SYNSINK01"));
    let bundle_path = dir.path().join("one.json");
    std::fs::write(&bundle_path, &one).unwrap();

    let target_path = dir.path().join("busy.db");
    let mut target = open(&target_path, "ccuser");
    synth::generate(
        &mut target,
        &GenParams {
            patients: 12,
            seed: 99,
            user: "ccuser".into(),
        },
    )
    .unwrap();
    let report = import_file(&mut target, &bundle_path).unwrap();
    assert!(!report.kept_ids);
    assert_eq!(report.patients, 1);
    assert_eq!(
        report.practitioners_added, 1,
        "cc-night is new; ccuser is known"
    );

    let (back, _) = export_all(&mut target, Scope::Member("SYNSINK01"));
    let (before, after): (Value, Value) = (
        serde_json::from_str(&one).unwrap(),
        serde_json::from_str(&back).unwrap(),
    );
    let (old_ids, new_ids) = (ids_in(&before), ids_in(&after));
    assert_eq!(old_ids.len(), new_ids.len());
    assert_ne!(old_ids, new_ids, "the rows got new ids");
    let names: HashMap<String, String> = old_ids.into_iter().zip(new_ids).collect();
    assert_eq!(renamed(&before, &names), after);
}

#[test]
fn one_patient_exports_with_the_practitioners_its_records_name() {
    let dir = tempfile::tempdir().unwrap();
    let (source, mut store) = caseload(dir.path(), 5);
    let (text, report) = export_all(&mut store, Scope::Member("SYNSINK01"));
    assert_eq!(report.patients, 1);
    let bundle: Value = serde_json::from_str(&text).unwrap();
    let entries = bundle["entry"].as_array().unwrap();
    let practitioners: Vec<&str> = entries
        .iter()
        .filter(|e| e["resource"]["resourceType"] == "Practitioner")
        .map(|e| e["resource"]["identifier"][0]["value"].as_str().unwrap())
        .collect();
    assert_eq!(practitioners, ["ccuser", "cc-night"]);
    let patients: Vec<&Value> = entries
        .iter()
        .filter(|e| e["resource"]["resourceType"] == "Patient")
        .collect();
    assert_eq!(patients.len(), 1);
    assert_references_resolve(&bundle);
    let sink = store.patient_id_by_member("SYNSINK01").unwrap();
    assert_eq!(
        audit_rows(&source, "E", "Bundle"),
        vec![(sink, Some("exported the patient as FHIR R4".into()))]
    );

    let error = export(&mut store, Scope::Member("NOBODY"), &mut Vec::new()).unwrap_err();
    assert!(matches!(error, ExportError::NoSuchMember));
    assert_eq!(
        audit_rows(&source, "E", "Bundle").len(),
        1,
        "nothing left tend"
    );
}

/// Every reference leads to an entry of the bundle or a contained resource.
fn assert_references_resolve(bundle: &Value) {
    let entries = bundle["entry"].as_array().unwrap();
    let mut known = BTreeSet::new();
    for entry in entries {
        let r = &entry["resource"];
        known.insert(format!(
            "{}/{}",
            r["resourceType"].as_str().unwrap(),
            r["id"].as_str().unwrap()
        ));
    }
    fn walk(value: &Value, found: &mut Vec<String>) {
        match value {
            Value::Object(map) => {
                for (k, v) in map {
                    match (k.as_str(), v) {
                        ("reference", Value::String(s)) => found.push(s.clone()),
                        _ => walk(v, found),
                    }
                }
            }
            Value::Array(items) => items.iter().for_each(|v| walk(v, found)),
            _ => {}
        }
    }
    let mut checked = 0;
    for entry in entries {
        let r = &entry["resource"];
        let contained: BTreeSet<String> = r["contained"]
            .as_array()
            .into_iter()
            .flatten()
            .map(|c| format!("#{}", c["id"].as_str().unwrap()))
            .collect();
        let mut found = Vec::new();
        walk(r, &mut found);
        for target in found {
            assert!(
                known.contains(&target) || contained.contains(&target),
                "{} refers to {target}",
                r["id"]
            );
            checked += 1;
        }
    }
    assert!(checked > 0);
}

#[test]
fn the_validator_accepts_every_resource_type_tend_exports() {
    let dir = tempfile::tempdir().unwrap();
    let (_, mut store) = caseload(dir.path(), 200);
    let (text, report) = export_all(&mut store, Scope::All);
    let bundle_path = dir.path().join("bundle.json");
    std::fs::write(&bundle_path, &text).unwrap();

    let stdout = validate(&bundle_path);
    let validated: BTreeMap<String, usize> = stdout
        .lines()
        .filter(|line| !line.starts_with("valid:"))
        .map(|line| {
            let (kind, n) = line.split_once(' ').unwrap();
            (kind.to_string(), n.parse().unwrap())
        })
        .collect();
    assert_eq!(
        validated, report.resources,
        "every exported resource was validated"
    );
    // The loops (issue 17) too: referrals, appointments, prior
    // authorizations and their responses, as the generator makes them; and
    // the screenings (issue 18), as QuestionnaireResponse with their totals
    // as Observation.
    let every_type = [
        "AllergyIntolerance",
        "Appointment",
        "CarePlan",
        "CareTeam",
        "Claim",
        "ClaimResponse",
        "Communication",
        "Condition",
        "Encounter",
        "Flag",
        "Goal",
        "MedicationStatement",
        "Observation",
        "Patient",
        "Practitioner",
        "QuestionnaireResponse",
        "ServiceRequest",
        "Task",
    ];
    assert_eq!(
        validated.keys().map(String::as_str).collect::<Vec<_>>(),
        every_type
    );
    assert!(
        stdout.contains(&format!("valid: {} resources, FHIR 4.0.1", report.total())),
        "{stdout}"
    );
}

/// The codes of one element of each resource of a type: (resource type,
/// element path with `[]` for each item of a list, system or "" for a code
/// element, the allowed codes).
type CodeRule = (
    &'static str,
    &'static str,
    &'static str,
    &'static [&'static str],
);

const CODE_RULES: &[CodeRule] = &[
    // http://hl7.org/fhir/ValueSet/bundle-type (R4)
    (
        "Bundle",
        "type",
        "",
        &[
            "document",
            "message",
            "transaction",
            "transaction-response",
            "batch",
            "batch-response",
            "history",
            "searchset",
            "collection",
        ],
    ),
    // http://hl7.org/fhir/ValueSet/administrative-gender
    (
        "Patient",
        "gender",
        "",
        &["male", "female", "other", "unknown"],
    ),
    // http://hl7.org/fhir/ValueSet/contact-point-system
    (
        "Patient",
        "telecom[].system",
        "",
        &["phone", "fax", "email", "pager", "url", "sms", "other"],
    ),
    // http://hl7.org/fhir/ValueSet/condition-clinical
    (
        "Condition",
        "clinicalStatus",
        "http://terminology.hl7.org/CodeSystem/condition-clinical",
        &[
            "active",
            "recurrence",
            "relapse",
            "inactive",
            "remission",
            "resolved",
        ],
    ),
    // http://hl7.org/fhir/ValueSet/condition-category (R4: problem-list-item, encounter-diagnosis)
    (
        "Condition",
        "category[]",
        "http://terminology.hl7.org/CodeSystem/condition-category",
        &["problem-list-item", "encounter-diagnosis"],
    ),
    // http://hl7.org/fhir/us/core/ValueSet/us-core-condition-category (US Core 3.1.1, R4)
    (
        "Condition",
        "category[]",
        "http://hl7.org/fhir/us/core/CodeSystem/condition-category",
        &["health-concern"],
    ),
    // http://hl7.org/fhir/ValueSet/medication-statement-status (R4)
    (
        "MedicationStatement",
        "status",
        "",
        &[
            "active",
            "completed",
            "entered-in-error",
            "intended",
            "stopped",
            "on-hold",
            "unknown",
            "not-taken",
        ],
    ),
    // http://hl7.org/fhir/ValueSet/allergyintolerance-clinical
    (
        "AllergyIntolerance",
        "clinicalStatus",
        "http://terminology.hl7.org/CodeSystem/allergyintolerance-clinical",
        &["active", "inactive", "resolved"],
    ),
    // http://hl7.org/fhir/ValueSet/allergy-intolerance-criticality
    (
        "AllergyIntolerance",
        "criticality",
        "",
        &["low", "high", "unable-to-assess"],
    ),
    // http://hl7.org/fhir/ValueSet/flag-status
    (
        "Flag",
        "status",
        "",
        &["active", "inactive", "entered-in-error"],
    ),
    // http://hl7.org/fhir/ValueSet/flag-category (R4)
    (
        "Flag",
        "category[]",
        "http://terminology.hl7.org/CodeSystem/flag-category",
        &[
            "diet",
            "drug",
            "lab",
            "admin",
            "behavioral",
            "clinical",
            "contact",
            "research",
            "advance-directive",
            "safety",
        ],
    ),
    // http://hl7.org/fhir/ValueSet/care-team-status
    (
        "CareTeam",
        "status",
        "",
        &[
            "proposed",
            "active",
            "suspended",
            "inactive",
            "entered-in-error",
        ],
    ),
    // http://hl7.org/fhir/ValueSet/goal-status (R4 lifecycleStatus)
    (
        "Goal",
        "lifecycleStatus",
        "",
        &[
            "proposed",
            "planned",
            "accepted",
            "active",
            "on-hold",
            "completed",
            "cancelled",
            "entered-in-error",
            "rejected",
        ],
    ),
    // http://hl7.org/fhir/ValueSet/goal-priority
    (
        "Goal",
        "priority",
        "http://terminology.hl7.org/CodeSystem/goal-priority",
        &["high-priority", "medium-priority", "low-priority"],
    ),
    // http://hl7.org/fhir/ValueSet/observation-status
    (
        "Observation",
        "status",
        "",
        &[
            "registered",
            "preliminary",
            "final",
            "amended",
            "corrected",
            "cancelled",
            "entered-in-error",
            "unknown",
        ],
    ),
    // http://hl7.org/fhir/ValueSet/request-status (CarePlan.status)
    (
        "CarePlan",
        "status",
        "",
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
    // http://hl7.org/fhir/ValueSet/care-plan-intent
    (
        "CarePlan",
        "intent",
        "",
        &["proposal", "plan", "order", "option"],
    ),
    // http://hl7.org/fhir/ValueSet/task-status
    (
        "Task",
        "status",
        "",
        &[
            "draft",
            "requested",
            "received",
            "accepted",
            "rejected",
            "ready",
            "cancelled",
            "in-progress",
            "on-hold",
            "failed",
            "completed",
            "entered-in-error",
        ],
    ),
    // http://hl7.org/fhir/ValueSet/task-intent
    (
        "Task",
        "intent",
        "",
        &[
            "unknown",
            "proposal",
            "plan",
            "order",
            "original-order",
            "reflex-order",
            "filler-order",
            "instance-order",
            "option",
        ],
    ),
    // http://hl7.org/fhir/ValueSet/request-priority
    (
        "Task",
        "priority",
        "",
        &["routine", "urgent", "asap", "stat"],
    ),
    // http://hl7.org/fhir/ValueSet/event-status (Communication.status)
    (
        "Communication",
        "status",
        "",
        &[
            "preparation",
            "in-progress",
            "not-done",
            "on-hold",
            "stopped",
            "completed",
            "entered-in-error",
            "unknown",
        ],
    ),
    // http://hl7.org/fhir/ValueSet/data-absent-reason (a language declined)
    (
        "Patient",
        "communication[].language.extension[].valueCode",
        "",
        &[
            "unknown",
            "asked-unknown",
            "temp-unknown",
            "not-asked",
            "asked-declined",
            "masked",
            "not-applicable",
            "unsupported",
            "as-text",
            "error",
            "not-a-number",
            "negative-infinity",
            "positive-infinity",
            "not-performed",
            "not-permitted",
        ],
    ),
    // http://hl7.org/fhir/ValueSet/encounter-status (R4)
    (
        "Encounter",
        "status",
        "",
        &[
            "planned",
            "arrived",
            "triaged",
            "in-progress",
            "onleave",
            "finished",
            "cancelled",
            "entered-in-error",
            "unknown",
        ],
    ),
    // http://terminology.hl7.org/ValueSet/v3-ActEncounterCode (R4's release)
    (
        "Encounter",
        "class.code",
        "",
        &[
            "AMB", "EMER", "FLD", "HH", "IMP", "ACUTE", "NONAC", "OBSENC", "PRENC", "SS", "VR",
        ],
    ),
    // http://hl7.org/fhir/ValueSet/encounter-discharge-disposition (R4)
    (
        "Encounter",
        "hospitalization.dischargeDisposition",
        "http://terminology.hl7.org/CodeSystem/discharge-disposition",
        &[
            "home",
            "alt-home",
            "other-hcf",
            "hosp",
            "long",
            "aadvice",
            "exp",
            "psy",
            "rehab",
            "snf",
            "oth",
        ],
    ),
    // http://terminology.hl7.org/ValueSet/v3-ParticipationMode (R4's release)
    (
        "Communication",
        "medium[]",
        "http://terminology.hl7.org/CodeSystem/v3-ParticipationMode",
        &[
            "ELECTRONIC",
            "PHYSICAL",
            "REMOTE",
            "VERBAL",
            "DICTATE",
            "FACE",
            "PHONE",
            "VIDEOCONF",
            "WRITTEN",
            "FAXWRIT",
            "HANDWRIT",
            "MAILWRIT",
            "ONLINEWRIT",
            "EMAILWRIT",
            "TYPEWRIT",
        ],
    ),
];

/// The elements at `path` (`a.b[].c`: each item of the list `b`).
fn at_path<'v>(value: &'v Value, path: &str) -> Vec<&'v Value> {
    let mut found = vec![value];
    for step in path.split('.') {
        let (key, each) = match step.strip_suffix("[]") {
            Some(key) => (key, true),
            None => (step, false),
        };
        found = found
            .into_iter()
            .filter_map(|v| v.get(key))
            .flat_map(|v| match (each, v.as_array()) {
                (true, Some(items)) => items.iter().collect(),
                _ => vec![v],
            })
            .collect();
    }
    found
}

#[test]
fn the_codes_tend_writes_come_from_their_value_sets() {
    let dir = tempfile::tempdir().unwrap();
    let (_, mut store) = caseload(dir.path(), 60);
    let (text, _) = export_all(&mut store, Scope::All);
    let bundle: Value = serde_json::from_str(&text).unwrap();
    let mut resources = vec![&bundle];
    resources.extend(
        bundle["entry"]
            .as_array()
            .unwrap()
            .iter()
            .map(|e| &e["resource"]),
    );

    let mut seen: BTreeMap<(&str, &str, &str), BTreeSet<String>> = BTreeMap::new();
    for resource in &resources {
        let kind = resource["resourceType"].as_str().unwrap();
        for (rule_kind, path, system, allowed) in CODE_RULES {
            if *rule_kind != kind {
                continue;
            }
            for element in at_path(resource, path) {
                let codes: Vec<&str> = if system.is_empty() {
                    vec![element.as_str().unwrap()]
                } else {
                    element["coding"]
                        .as_array()
                        .into_iter()
                        .flatten()
                        .filter(|c| c["system"] == *system)
                        .map(|c| c["code"].as_str().unwrap())
                        .collect()
                };
                for code in codes {
                    assert!(
                        allowed.contains(&code),
                        "{kind}.{path}: {code} is not in {system}"
                    );
                    seen.entry((kind, path, system))
                        .or_default()
                        .insert(code.to_string());
                }
            }
        }
        // An intervention is part of the plan; other tasks are orders.
        if kind == "Task" {
            let serves_goal = at_path(resource, "basedOn[].reference")
                .iter()
                .any(|r| r.as_str().unwrap().starts_with("Goal/"));
            assert_eq!(
                resource["intent"],
                if serves_goal { "plan" } else { "order" }
            );
        }
    }
    // Every rule met the codes it is about (so none of them checked nothing),
    // and the variety tend holds: ended entries, every flag and contact kind.
    for (kind, path, system, _) in CODE_RULES {
        assert!(
            seen.contains_key(&(*kind, *path, *system)),
            "{kind}.{path} {system} never written"
        );
    }
    let codes = |kind, path, system| -> Vec<String> {
        seen[&(kind, path, system)].iter().cloned().collect()
    };
    assert_eq!(
        codes("MedicationStatement", "status", ""),
        ["active", "stopped"]
    );
    assert_eq!(codes("Flag", "status", ""), ["active", "inactive"]);
    assert_eq!(codes("Task", "intent", ""), ["order", "plan"]);
    assert_eq!(
        codes(
            "Communication",
            "medium[]",
            "http://terminology.hl7.org/CodeSystem/v3-ParticipationMode"
        ),
        ["FACE", "MAILWRIT", "PHONE", "VIDEOCONF"]
    );
    assert!(
        codes(
            "Condition",
            "clinicalStatus",
            "http://terminology.hl7.org/CodeSystem/condition-clinical"
        )
        .len()
            >= 3
    );
}

/// A small database (Zoë Testa and an open call) and its bundle, to spoil.
fn zoe(dir: &Path) -> (PathBuf, Value) {
    let path = zoe_db(dir);
    let mut store = open(&path, "ccuser");
    let (text, _) = export_all(&mut store, Scope::All);
    (path, serde_json::from_str(&text).unwrap())
}

/// Imports `content` as a file into `db`: the error's message, checking
/// that not one row changed.
fn refused(db: &Path, name: &str, content: &str) -> String {
    let file = db.with_file_name(name);
    std::fs::write(&file, content).unwrap();
    let before = counts(db);
    let mut store = open(db, "ccuser");
    let error = import_file(&mut store, &file).unwrap_err();
    drop(store);
    assert_eq!(counts(db), before, "{name} changed the database");
    let message = error.to_string();
    let prefix = format!("cannot import {}: ", file.display());
    assert!(message.starts_with(&prefix), "{message}");
    assert!(message.ends_with("; nothing was imported"), "{message}");
    message[prefix.len()..message.len() - "; nothing was imported".len()].to_string()
}

#[test]
fn the_small_bundle_is_what_the_bad_input_tests_spoil() {
    let dir = tempfile::tempdir().unwrap();
    let (_, bundle) = zoe(dir.path());
    let names: Vec<String> = bundle["entry"]
        .as_array()
        .unwrap()
        .iter()
        .map(|e| {
            format!(
                "{}/{}",
                e["resource"]["resourceType"].as_str().unwrap(),
                e["resource"]["id"].as_str().unwrap()
            )
        })
        .collect();
    assert_eq!(
        names,
        [
            "Practitioner/pr-1",
            "Patient/p-1",
            "CarePlan/cp-1",
            "Task/t-1"
        ]
    );
}

/// Files tend refuses whole, each its own test (named by the case, so one
/// refusal that changes does not hide the others): the file's name, its
/// content made from the small bundle tend exports (`zoe`), and the reason
/// the refusal gives. Each goes into an empty database, so only the file
/// can be the reason.
macro_rules! refused_whole {
    ($($case:ident: $file:literal, $content:expr, $reason:expr;)*) => {
        $(
            #[test]
            fn $case() {
                let dir = tempfile::tempdir().unwrap();
                let (_, bundle) = zoe(dir.path());
                let empty = dir.path().join("empty.db");
                drop(open(&empty, "ccuser"));
                let content: fn(&Value) -> String = $content;
                assert_eq!(refused(&empty, $file, &content(&bundle)), $reason);
            }
        )*
    };
}

/// A file that is not a FHIR R4 bundle, or one whose content tend cannot
/// take, is refused whole.
mod a_file_that_is_not_a_fhir_r4_bundle_is_refused_whole {
    use super::*;

    /// An Encounter of Zoë's that tend can read, to spoil.
    fn encounter() -> Value {
        json!({
            "resourceType": "Encounter",
            "id": "e1",
            "contained": [{
                "resourceType": "Condition",
                "id": "dx1",
                "code": {"coding": [{"system": "http://hl7.org/fhir/sid/icd-10-cm", "code": "I10"}]},
                "subject": {"reference": "Patient/p-1"}
            }],
            "status": "finished",
            "class": {"system": "http://terminology.hl7.org/CodeSystem/v3-ActCode", "code": "IMP"},
            "subject": {"reference": "Patient/p-1"},
            "period": {"start": "2026-11-18T08:00:00-05:00", "end": "2026-11-20T11:00:00-05:00"},
            "diagnosis": [{"condition": {"reference": "#dx1"}, "rank": 1}],
            "serviceProvider": {"display": "St. Example General"}
        })
    }

    /// The small bundle, changed by `spoil`.
    fn spoiled(bundle: &Value, spoil: impl FnOnce(&mut Value)) -> String {
        let mut bundle = bundle.clone();
        spoil(&mut bundle);
        bundle.to_string()
    }

    refused_whole! {
        broken_json: "broken.json",
            |_| "{\"resourceType\": \"Bundle\",\n  \"entry\": [\n    {\"resource\": }\n  ]\n}".into(),
            "it is not valid JSON: expected value at line 3, column 18";
        cut_json: "cut.json",
            |_| "{\"resourceType\": \"Bundle\", \"entry\": [{".into(),
            "it is not valid JSON: it ends too early, at line 1, column 38";
        a_list: "list.json",
            |_| "[1, 2]".into(),
            "it is JSON but not a FHIR Bundle (not a JSON object)";
        a_patient: "patient.json",
            |bundle| bundle["entry"][1]["resource"].to_string(),
            "it is a FHIR Patient, not a Bundle";
        no_entries: "nothing.json",
            |_| r#"{"resourceType": "Bundle", "type": "collection"}"#.into(),
            "the bundle has no entries";
        // R5: MedicationStatement.medication is a CodeableReference there.
        r5_by_its_content: "r5.json",
            |bundle| json!({
                "resourceType": "Bundle",
                "type": "collection",
                "entry": [
                    {"fullUrl": "urn:uuid:1", "resource": bundle["entry"][1]["resource"].clone()},
                    {"fullUrl": "urn:uuid:2", "resource": {
                        "resourceType": "MedicationStatement",
                        "id": "ms1",
                        "status": "recorded",
                        "medication": {"concept": {"text": "Metformin"}},
                        "subject": {"reference": "Patient/p-1"}
                    }}
                ]
            })
            .to_string(),
            "it is a FHIR R5 bundle (entry 1, MedicationStatement/ms1 has medication, which R4 \
             does not), and tend reads FHIR R4 (4.0.1) only";
        r5_by_its_meta: "r5-meta.json",
            |bundle| spoiled(bundle, |b| {
                b["meta"] =
                    json!({"profile": ["http://hl7.org/fhir/StructureDefinition/Bundle|5.0.0"]});
            }),
            "it is a FHIR R5 bundle (its meta.profile says so), and tend reads FHIR R4 (4.0.1) only";
        stu3: "stu3.json",
            |bundle| spoiled(bundle, |b| {
                b["entry"].as_array_mut().unwrap().push(json!({"resource": {
                    "resourceType": "Condition",
                    "id": "c1",
                    "clinicalStatus": "active",
                    "code": {"text": "Asthma"},
                    "subject": {"reference": "Patient/p-1"}
                }}));
            }),
            "it is a FHIR STU3 bundle (entry 4, Condition/c1 has clinicalStatus as a code, where R4 \
             has a CodeableConcept), and tend reads FHIR R4 (4.0.1) only";
        a_reference_outside_the_bundle: "broken-reference.json",
            |bundle| spoiled(bundle, |b| {
                b["entry"][3]["resource"]["for"]["reference"] = json!("Patient/p-99");
            }),
            "entry 3 (Task/t-1), for.reference: Patient/p-99 is not in the bundle";
        no_birth_date: "no-birth-date.json",
            |bundle| spoiled(bundle, |b| {
                b["entry"][1]["resource"].as_object_mut().unwrap().remove("birthDate");
            }),
            "entry 1 (Patient/p-1): birthDate is missing";
        a_code_tend_does_not_know: "draft-task.json",
            |bundle| spoiled(bundle, |b| {
                b["entry"][3]["resource"]["status"] = json!("draft");
            }),
            "entry 3 (Task/t-1): status is not one of requested, in-progress, completed, cancelled";
        a_reference_to_the_wrong_kind: "owner.json",
            |bundle| spoiled(bundle, |b| {
                b["entry"][3]["resource"]["owner"]["reference"] = json!("Patient/p-1");
            }),
            "entry 3 (Task/t-1): owner.reference refers to Patient/p-1, not to a Practitioner";
        a_resource_tend_does_not_keep: "immunization.json",
            |bundle| spoiled(bundle, |b| {
                b["entry"].as_array_mut().unwrap().push(json!({"resource": {
                    "resourceType": "Immunization",
                    "id": "i1",
                    "status": "completed",
                    "patient": {"reference": "Patient/p-1"}
                }}));
            }),
            "entry 4 (Immunization/i1): tend does not keep Immunization resources";
        an_encounter_of_a_class_tend_does_not_know: "class.json",
            |bundle| spoiled(bundle, |b| {
                let mut e = encounter();
                e["class"] = json!({"system": "http://terminology.hl7.org/CodeSystem/v3-ActCode", "code": "HH"});
                b["entry"].as_array_mut().unwrap().push(json!({"resource": e}));
            }),
            "entry 4 (Encounter/e1): class is not one tend knows (v3 ActCode EMER, IMP, OBSENC, NONAC or AMB)";
        an_encounter_without_its_facility: "facility.json",
            |bundle| spoiled(bundle, |b| {
                let mut e = encounter();
                e.as_object_mut().unwrap().remove("serviceProvider");
                b["entry"].as_array_mut().unwrap().push(json!({"resource": e}));
            }),
            "entry 4 (Encounter/e1): serviceProvider.display is missing (tend needs the facility's name)";
        an_encounter_that_ends_before_it_starts: "period.json",
            |bundle| spoiled(bundle, |b| {
                let mut e = encounter();
                e["period"]["end"] = json!("2026-11-17T23:00:00-05:00");
                b["entry"].as_array_mut().unwrap().push(json!({"resource": e}));
            }),
            "entry 4 (Encounter/e1): period.end is before period.start";
        an_encounter_time_without_an_offset: "offset.json",
            |bundle| spoiled(bundle, |b| {
                let mut e = encounter();
                e["period"]["start"] = json!("2026-11-18T08:00:00");
                b["entry"].as_array_mut().unwrap().push(json!({"resource": e}));
            }),
            "entry 4 (Encounter/e1): period.start is not a full date, or a date and time with its offset";
        a_diagnosis_that_is_not_contained: "diagnosis.json",
            |bundle| spoiled(bundle, |b| {
                let mut e = encounter();
                e["diagnosis"][0]["condition"]["reference"] = json!("#dx9");
                b["entry"].as_array_mut().unwrap().push(json!({"resource": e}));
            }),
            "entry 4 (Encounter/e1), diagnosis[0].condition.reference: #dx9 is not in the bundle";
        a_diagnosis_without_icd_10_cm: "icd.json",
            |bundle| spoiled(bundle, |b| {
                let mut e = encounter();
                e["contained"][0]["code"]["coding"][0]["system"] = json!("http://snomed.info/sct");
                b["entry"].as_array_mut().unwrap().push(json!({"resource": e}));
            }),
            "entry 4 (Encounter/e1): contained[0].code.coding has no ICD-10-CM code";
        a_clock_task_whose_encounter_is_no_encounter: "clock.json",
            |bundle| spoiled(bundle, |b| {
                b["entry"][3]["resource"]["extension"] = json!([{
                    "url": "https://tend.example/fhir/StructureDefinition/transition-clock",
                    "extension": [
                        {"url": "kind", "valueCode": "tcm-visit"},
                        {"url": "encounter", "valueReference": {"reference": "Patient/p-1"}}
                    ]
                }]);
            }),
            "entry 3 (Task/t-1): extension[0].extension[1].valueReference.reference refers to Patient/p-1, not to a Encounter";
        the_same_resource_twice: "twice.json",
            |bundle| spoiled(bundle, |b| {
                let copy = b["entry"][3].clone();
                b["entry"].as_array_mut().unwrap().push(copy);
            }),
            "entry 4 (Task/t-1): entry 3 is the same resource";
    }

    /// The bundle tend wrote goes into an empty database; into the one it
    /// came from it would make a second Zoë.
    #[test]
    fn a_patient_already_in_the_database() {
        let dir = tempfile::tempdir().unwrap();
        let (db, bundle) = zoe(dir.path());
        let empty = dir.path().join("empty.db");
        let good = dir.path().join("good.json");
        std::fs::write(&good, bundle.to_string()).unwrap();
        import_file(&mut open(&empty, "ccuser"), &good).unwrap();
        assert_eq!(
            refused(&db, "again.json", &bundle.to_string()),
            "entry 1 (Patient/p-1): a patient with its member ID is already in the database (tend \
             does not merge records)"
        );
    }
}

/// Names that identify a person come in in their one form (NFC, without
/// invisible or control characters), as from a roster or a form: a family
/// name with a zero-width space and an escape sequence, given names typed
/// with a combining diaeresis and behind a bidi override, a coordinator's
/// user name with a zero-width space, who is then the coordinator the
/// database knows rather than a second one no one could tell apart.
#[test]
fn names_that_identify_a_person_come_in_in_their_one_form() {
    let dir = tempfile::tempdir().unwrap();
    let (db, mut bundle) = zoe(dir.path());
    let patient = &mut bundle["entry"][1]["resource"];
    patient["identifier"][0]["value"] = json!("SYN2");
    patient["name"][0]["family"] = json!("Tes\u{200b}ta-\u{1b}[31mRed");
    patient["name"][0]["given"] = json!(["Zoe\u{308}", "\u{202e}Ann"]);
    let practitioner = &mut bundle["entry"][0]["resource"];
    practitioner["identifier"][0]["value"] = json!("ccuser\u{200b}");
    practitioner["name"][0]["text"] = json!("Casey \u{202e}Coordinator\u{feff}");
    let file = dir.path().join("names.json");
    std::fs::write(&file, bundle.to_string()).unwrap();

    let empty = dir.path().join("empty.db");
    import_file(&mut open(&empty, "ccuser"), &file).unwrap();
    assert_eq!(
        rows(&empty, "practitioner", "username, display_name"),
        [vec![
            Sql::Text("ccuser".into()),
            Sql::Text("Casey Coordinator".into())
        ]]
    );
    assert_eq!(
        rows(&empty, "patient", "family_name, given_name"),
        [vec![
            Sql::Text("Testa-[31mRed".into()),
            Sql::Text("Zo\u{eb} Ann".into())
        ]]
    );
    // Into the database that knows ccuser: no second ccuser.
    let report = import_file(&mut open(&db, "ccuser"), &file).unwrap();
    assert_eq!(report.practitioners_added, 0);
    assert_eq!(rows(&db, "practitioner", "username").len(), 1);
}

#[test]
fn a_refusal_half_way_through_the_load_leaves_nothing_behind() {
    let dir = tempfile::tempdir().unwrap();
    let (_, mut bundle) = zoe(dir.path());
    // A second patient, whose member ID the target already holds: the
    // first patient is written before the second is refused.
    let mut second = bundle["entry"][1].clone();
    second["fullUrl"] = json!("https://tend.example/fhir/Patient/p-2");
    second["resource"]["id"] = json!("p-2");
    second["resource"]["identifier"][0]["value"] = json!("SYN2");
    bundle["entry"].as_array_mut().unwrap().push(second);

    let target = dir.path().join("target.db");
    let mut store = open(&target, "ccuser");
    store
        .write(|tx| {
            let me = tx.practitioner("ccuser", "ccuser")?;
            tx.insert_patient(&fixtures::patient("SYN2", "Held", "Already", me))?;
            tx.audit(AuditAction::Create, "Patient", None, None, None)
        })
        .unwrap();
    drop(store);
    assert_eq!(
        refused(&target, "two.json", &bundle.to_string()),
        "entry 4 (Patient/p-2): a patient with its member ID is already in the database (tend \
         does not merge records)"
    );
    let conn = rusqlite::Connection::open(&target).unwrap();
    let indexed: i64 = conn
        .query_row(
            "SELECT count(*) FROM patient_name_index WHERE patient_name_index MATCH 'Testa'",
            [],
            |r| r.get(0),
        )
        .unwrap();
    assert_eq!(indexed, 0, "the search index kept nothing of it either");
}

fn tend(dir: &Path, args: &[&str]) -> std::process::Output {
    common::home_as_ccuser(dir);
    std::process::Command::new(env!("CARGO_BIN_EXE_tend"))
        .args(args)
        .env_clear()
        .env("HOME", dir)
        .env("USER", "ccuser")
        .env("TEND_NOW", common::NOW)
        .stdin(std::process::Stdio::null())
        .output()
        .unwrap()
}

#[test]
fn the_command_line_writes_a_private_file_and_reads_it_back() {
    use std::os::unix::fs::PermissionsExt;
    let dir = tempfile::tempdir().unwrap();
    let (db, _) = zoe(dir.path());
    // Her consent to share on file: her records may leave tend.
    rusqlite::Connection::open(&db)
        .unwrap()
        .execute_batch("UPDATE patient SET consent_status = 'active'")
        .unwrap();
    let db = db.to_str().unwrap();
    let file = dir.path().join("zoe.json");
    let out = tend(
        dir.path(),
        &[
            "--db",
            db,
            "export",
            "fhir",
            "--out",
            file.to_str().unwrap(),
        ],
    );
    assert!(out.status.success());
    assert_eq!(
        String::from_utf8_lossy(&out.stderr),
        format!(
            "Wrote 4 resources about 1 patients to {} (1 CarePlan, 1 Patient, 1 Practitioner, \
             1 Task).\n",
            file.display()
        )
    );
    assert_eq!(
        std::fs::metadata(&file).unwrap().permissions().mode() & 0o777,
        0o600
    );
    let to_stdout = tend(
        dir.path(),
        &["--db", db, "export", "fhir", "--patient", "SYN1"],
    );
    assert_eq!(to_stdout.stdout, std::fs::read(&file).unwrap());
    let nobody = tend(
        dir.path(),
        &["--db", db, "export", "fhir", "--patient", "SYN\u{1b}9"],
    );
    assert_eq!(
        String::from_utf8_lossy(&nobody.stderr),
        "tend: no patient has the member ID \"SYN^[9\"\n"
    );

    // Into a database that does not exist yet: it is made.
    let fresh = dir.path().join("fresh.db");
    let out = tend(
        dir.path(),
        &[
            "--db",
            fresh.to_str().unwrap(),
            "import",
            "fhir",
            file.to_str().unwrap(),
        ],
    );
    assert_eq!(
        String::from_utf8_lossy(&out.stdout),
        format!(
            "Imported 1 patient (3 records, 1 new coordinator) from {} into {}; every record \
             kept its id.\n",
            file.display(),
            fresh.display()
        )
    );
    let again = tend(
        dir.path(),
        &[
            "--db",
            fresh.to_str().unwrap(),
            "import",
            "fhir",
            file.to_str().unwrap(),
        ],
    );
    assert_eq!(again.status.code(), Some(1));
    assert_eq!(
        String::from_utf8_lossy(&again.stderr),
        format!(
            "tend: cannot import {}: entry 1 (Patient/p-1): a patient with its member ID is \
             already in the database (tend does not merge records); nothing was imported\n",
            file.display()
        )
    );
    let missing = dir.path().join("missing.json");
    let out = tend(
        dir.path(),
        &[
            "--db",
            fresh.to_str().unwrap(),
            "import",
            "fhir",
            missing.to_str().unwrap(),
        ],
    );
    assert_eq!(
        String::from_utf8_lossy(&out.stderr),
        format!(
            "tend: cannot import {}: cannot read it (No such file or directory (os error 2)); \
             nothing was imported\n",
            missing.display()
        )
    );
}

/// `tend audit export --format fhir` (issue 15): the audit trail as
/// AuditEvent resources, accepted by the independent validator; a patient
/// named by member ID, the user by login, the export itself audited.
#[test]
fn the_validator_accepts_the_audit_trail_as_audit_events() {
    let dir = tempfile::tempdir().unwrap();
    let (_, mut store) = caseload(dir.path(), 20);
    for patient in 1..=5 {
        let _ = store.record_view(patient);
    }
    let mut bytes = Vec::new();
    let filter = tend::store::AuditFilter::default();
    let count = tend::fhir::export::audit::audit_events(&mut store, &filter, &mut bytes).unwrap();
    let bundle_path = dir.path().join("audit.json");
    std::fs::write(&bundle_path, &bytes).unwrap();
    let stdout = validate(&bundle_path);
    assert!(
        stdout.contains(&format!("AuditEvent {count}\n")),
        "{stdout}"
    );
    let json: serde_json::Value = serde_json::from_slice(&bytes).unwrap();
    let events = json["entry"].as_array().unwrap();
    assert_eq!(events.len(), count);
    let view = events
        .iter()
        .map(|e| &e["resource"])
        .find(|r| r["action"] == "R")
        .expect("a record viewed");
    assert_eq!(view["agent"][0]["who"]["identifier"]["value"], "ccuser");
    assert_eq!(
        view["entity"][0]["what"]["identifier"]["system"],
        "urn:tend:member-id"
    );
    assert!(view["entity"][0]["what"]["identifier"]["value"]
        .as_str()
        .unwrap()
        .starts_with("SYN"));
    let last = &events.last().unwrap()["resource"];
    assert_eq!(
        last["entity"][0]["description"],
        "audit trail exported as FHIR R4 AuditEvent"
    );
}
