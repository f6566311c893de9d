//! The store against real SQLite files in a temporary folder.

mod common;

use std::os::unix::fs::PermissionsExt;
use std::path::{Path, PathBuf};
use std::time::Duration;

use chrono::NaiveDate;
use rusqlite::Connection;
use tend::domain::patient::{EnrollmentStatus, Patient, RiskTier, Sex};
use tend::domain::task::{Priority, TaskKind, TaskStatus};
use tend::domain::task_line::TaskFilter;
use tend::domain::urgency::UrgencyWeights;
use tend::store::{
    schema, AuditAction, CaseloadQuery, CaseloadSort, NewTask, OpenError, OpenOptions, Scope,
    Store, StoreError, ViewAudited,
};
use tend::synth::{self, GenParams};

use common::{clock, today};

/// Creates (or opens) the store at `path` as ccuser.
fn create(path: &Path) -> Store {
    common::open(path, "ccuser")
}

/// Opens the store at `path` without creating it, and gives back the
/// error: unlike `common::open`, for the tests of what opening refuses.
fn open(path: &Path, agent: &str) -> Result<Store, OpenError> {
    Store::open(path, agent, clock(), &OpenOptions::default())
}

fn demo(dir: &Path, patients: usize, seed: u64) -> (PathBuf, Store) {
    let path = dir.join("demo.db");
    let mut store = create(&path);
    synth::generate(
        &mut store,
        &GenParams {
            patients,
            seed,
            user: "ccuser".into(),
        },
    )
    .unwrap();
    (path, store)
}

fn query(scope: Scope, sort: CaseloadSort, filter: &str) -> CaseloadQuery {
    CaseloadQuery {
        scope,
        sort,
        filter: filter.into(),
        user: "ccuser".into(),
    }
}

fn mode(path: &Path) -> u32 {
    std::fs::metadata(path).unwrap().permissions().mode() & 0o777
}

#[test]
fn a_new_store_is_private_current_and_in_wal_mode() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("data/tend/tend.db");
    let store = create(&path);
    assert_eq!(
        mode(&path),
        0o600,
        "the database is readable by its owner only"
    );
    assert_eq!(mode(path.parent().unwrap()), 0o700);
    assert_eq!(store.schema_version().unwrap(), schema::LATEST);
    drop(store);

    let conn = Connection::open(&path).unwrap();
    let journal: String = conn
        .query_row("PRAGMA journal_mode", [], |r| r.get(0))
        .unwrap();
    assert_eq!(journal, "wal");
    let tables: Vec<String> = conn
        .prepare("SELECT name FROM sqlite_master WHERE type = 'table' ORDER BY name")
        .unwrap()
        .query_map([], |r| r.get(0))
        .unwrap()
        .collect::<Result<_, _>>()
        .unwrap();
    for table in [
        "audit_event",
        "care_team_member",
        "communication",
        "condition",
        "goal",
        "patient",
        "practitioner",
        "task",
    ] {
        assert!(tables.iter().any(|t| t == table), "missing table {table}");
    }
}

#[test]
fn migrations_run_on_an_empty_file_and_reopening_changes_nothing() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("empty.db");
    std::fs::write(&path, b"").unwrap();
    let store = open(&path, "ccuser").unwrap();
    assert_eq!(store.schema_version().unwrap(), schema::LATEST);
    drop(store);
    let store = open(&path, "ccuser").unwrap();
    assert_eq!(store.schema_version().unwrap(), schema::LATEST);
    assert_eq!(store.patient_count().unwrap(), 0);
}

#[test]
fn foreign_keys_are_enforced() {
    let dir = tempfile::tempdir().unwrap();
    let mut store = create(&dir.path().join("fk.db"));
    let result = store.write(|tx| {
        tx.audit(AuditAction::Create, "Task", None, Some(999), None)?;
        tx.insert_task(&NewTask {
            patient_id: 999,
            owner_id: None,
            kind: TaskKind::Call,
            description: "Call".into(),
            status: TaskStatus::Requested,
            priority: Priority::Routine,
            due_on: Some(today()),
            hard_deadline: false,
            authored_at: clock().now_utc(),
            completed_at: None,
        })
    });
    assert!(result.is_err(), "a task for a patient who does not exist");
    let audit_rows = store.recent_audit(10).unwrap();
    assert!(audit_rows.is_empty(), "the failed change left no audit row");
}

fn bytes(path: &Path) -> Vec<u8> {
    std::fs::read(path).unwrap()
}

#[test]
fn a_database_from_a_newer_tend_is_refused_and_left_untouched() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("newer.db");
    drop(create(&path));
    {
        let conn = Connection::open(&path).unwrap();
        conn.execute_batch(&format!(
            "PRAGMA user_version = {}; PRAGMA wal_checkpoint(TRUNCATE);",
            schema::LATEST + 1
        ))
        .unwrap();
    }
    let before = bytes(&path);
    let error = open(&path, "ccuser").err().expect("refused");
    let text = error.to_string();
    assert!(matches!(error, OpenError::Newer { .. }), "{text}");
    assert!(text.contains(path.to_str().unwrap()), "{text}");
    assert!(text.contains("newer tend"), "{text}");
    assert!(text.contains("not changed"), "{text}");
    assert_eq!(bytes(&path), before);
}

#[test]
fn a_corrupt_file_is_refused_and_left_untouched() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("corrupt.db");
    let garbage: Vec<u8> = (0..8192u32).map(|i| (i * 7 + 13) as u8).collect();
    std::fs::write(&path, &garbage).unwrap();
    let error = open(&path, "ccuser").err().expect("refused");
    assert!(matches!(error, OpenError::NotADatabase(_)), "{error}");
    assert!(error.to_string().contains("not a tend database"), "{error}");
    assert_eq!(bytes(&path), garbage);
    assert!(!dir.path().join("corrupt.db-wal").exists());
}

#[test]
fn another_programs_sqlite_database_is_refused_and_left_untouched() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("other.db");
    {
        let conn = Connection::open(&path).unwrap();
        conn.execute_batch("CREATE TABLE recipes (id INTEGER PRIMARY KEY, name TEXT);")
            .unwrap();
    }
    let before = bytes(&path);
    let error = open(&path, "ccuser").err().expect("refused");
    assert!(matches!(error, OpenError::Foreign(_)), "{error}");
    assert_eq!(bytes(&path), before);
}

#[test]
fn a_missing_file_is_not_created_unless_asked() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("typo.db");
    let error = open(&path, "ccuser").err().expect("refused");
    assert!(matches!(error, OpenError::Missing(_)), "{error}");
    assert!(error.to_string().contains("tend gen --db"), "{error}");
    assert!(!path.exists());
}

#[test]
fn a_database_locked_by_another_session_is_refused_with_a_clear_message() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("locked.db");
    drop(create(&path));
    let holder = Connection::open(&path).unwrap();
    holder.execute_batch("BEGIN EXCLUSIVE;").unwrap();
    let options = OpenOptions {
        create: false,
        busy_timeout: Duration::from_millis(100),
        ..OpenOptions::default()
    };
    let error = Store::open(&path, "ccuser", clock(), &options)
        .err()
        .expect("refused while locked");
    assert!(matches!(error, OpenError::Locked { .. }), "{error}");
    // The holder is this test's own connection, and the message says so
    // (on Linux, where tend can see who holds a lock).
    #[cfg(target_os = "linux")]
    assert!(
        error
            .to_string()
            .contains("stayed locked by another session in this same process writing to it for "),
        "{error}"
    );
    assert!(error.to_string().contains("it was not changed"), "{error}");
    holder.execute_batch("ROLLBACK;").unwrap();
    assert!(Store::open(&path, "ccuser", clock(), &options).is_ok());
}

#[test]
fn every_change_commits_with_its_audit_row_and_unaudited_changes_are_refused() {
    let dir = tempfile::tempdir().unwrap();
    let mut store = create(&dir.path().join("audit.db"));
    let error = store
        .write(|tx| tx.practitioner("someone", "Someone"))
        .unwrap_err();
    assert!(matches!(error, StoreError::Unaudited));
    let nobody: i64 = Connection::open(store.path())
        .unwrap()
        .query_row("SELECT count(*) FROM practitioner", [], |r| r.get(0))
        .unwrap();
    assert_eq!(nobody, 0, "the refused change was rolled back");

    let id = store
        .write(|tx| {
            let id = tx.insert_patient(&Patient {
                member_id: "SYN9".into(),
                family_name: "Testa".into(),
                given_name: "Una".into(),
                birth_date: NaiveDate::from_ymd_opt(1970, 1, 2).unwrap(),
                sex: Sex::Female,
                language: "en".into(),
                interpreter_needed: false,
                phone_primary: None,
                phone_secondary: None,
                medicaid_id: None,
                plan_name: None,
                enrollment_status: EnrollmentStatus::Enrolled,
                enrolled_on: None,
                risk_tier: RiskTier::High,
                coordinator: None,
                ..Patient::default()
            })?;
            tx.audit(AuditAction::Create, "Patient", Some(id), Some(id), None)?;
            Ok(id)
        })
        .unwrap();
    assert_eq!(store.record_view(id), ViewAudited::Database);

    let trail = store.recent_audit(10).unwrap();
    assert_eq!(trail.len(), 2);
    let (view, create) = (&trail[0], &trail[1]);
    assert_eq!(create.action, AuditAction::Create);
    assert_eq!(create.entity_type, "Patient");
    assert_eq!((create.entity_id, create.patient_id), (Some(id), Some(id)));
    assert_eq!(view.action, AuditAction::Read);
    assert_eq!(view.patient_id, Some(id));
    for row in &trail {
        assert_eq!(row.agent, "ccuser");
        assert_eq!(row.recorded_at.to_rfc3339(), "2026-11-24T14:00:00+00:00");
    }
    // No patient data in the trail itself.
    assert!(trail.iter().all(|r| r.detail.is_none()));
}

#[test]
fn another_connections_commit_changes_the_data_version_and_neither_sees_locked() {
    let dir = tempfile::tempdir().unwrap();
    let (path, store_a) = demo(dir.path(), 30, 3);
    let mut store_b = open(&path, "cc0001").unwrap();
    let before = store_a.data_version().unwrap();
    let b_before = store_b.data_version().unwrap();
    assert_eq!(store_b.record_view(1), ViewAudited::Database);
    assert_ne!(store_a.data_version().unwrap(), before, "A sees B's commit");
    assert_eq!(
        store_b.data_version().unwrap(),
        b_before,
        "a connection's own commits do not count as outside changes"
    );

    // Two processes writing at once: the second waits its turn (BEGIN
    // IMMEDIATE with a busy timeout) instead of failing.
    let path_c = path.clone();
    let writer = std::thread::spawn(move || {
        let mut store_c = open(&path_c, "cc0002").unwrap();
        for _ in 0..50 {
            store_c
                .write(|tx| {
                    tx.audit(AuditAction::Read, "Patient", Some(2), Some(2), None)?;
                    std::thread::sleep(Duration::from_millis(2));
                    Ok(())
                })
                .unwrap();
        }
    });
    for _ in 0..50 {
        assert_eq!(store_b.record_view(3), ViewAudited::Database);
    }
    writer.join().unwrap();
    assert!(store_a.recent_audit(200).unwrap().len() >= 101);
}

#[test]
fn the_generator_is_deterministic_and_refuses_a_database_with_patients() {
    let dir = tempfile::tempdir().unwrap();
    let dump = |path: &Path| -> Vec<String> {
        let conn = Connection::open(path).unwrap();
        let mut rows = Vec::new();
        for table in [
            "patient",
            "condition",
            "care_team_member",
            "goal",
            "task",
            "communication",
        ] {
            let mut stmt = conn
                .prepare(&format!("SELECT * FROM {table} ORDER BY id"))
                .unwrap();
            let columns = stmt.column_count();
            let mut q = stmt.query([]).unwrap();
            while let Some(row) = q.next().unwrap() {
                let values: Vec<String> = (0..columns)
                    .map(|i| format!("{:?}", row.get_ref(i).unwrap()))
                    .collect();
                rows.push(format!("{table}: {}", values.join("|")));
            }
        }
        rows
    };
    let a = dir.path().join("a");
    let b = dir.path().join("b");
    let c = dir.path().join("c");
    std::fs::create_dir_all(&a).unwrap();
    std::fs::create_dir_all(&b).unwrap();
    std::fs::create_dir_all(&c).unwrap();
    let (path_a, mut store_a) = demo(&a, 120, 7);
    let (path_b, _) = demo(&b, 120, 7);
    let (path_c, _) = demo(&c, 120, 8);
    assert_eq!(
        dump(&path_a),
        dump(&path_b),
        "same seed, same date: same data"
    );
    assert_ne!(dump(&path_a), dump(&path_c), "another seed: other data");

    let error = synth::generate(
        &mut store_a,
        &GenParams {
            patients: 10,
            seed: 1,
            user: "ccuser".into(),
        },
    )
    .unwrap_err();
    assert!(
        error.to_string().contains("already holds 120 patients"),
        "{error}"
    );
    assert_eq!(store_a.patient_count().unwrap(), 120);
}

/// Leaves out the tasks of the closed loops' steps (src/synth/loops.rs,
/// tested in tests/loops_synth.rs): open ones are held by their loop, done
/// ones carry their loop's move (or "reminded", "reached the member") as
/// their outcome, and are closed when the loop moved, whatever their due date.
const NOT_A_LOOP_STEP: &str = "id NOT IN (SELECT id FROM (
        SELECT task_id id FROM referral UNION SELECT task_id FROM prior_auth
        UNION SELECT task_id FROM appointment UNION SELECT reminder_task_id FROM appointment
        UNION SELECT outreach_task_id FROM appointment) WHERE id IS NOT NULL)
    AND NOT (COALESCE(outcome, '') LIKE 'referral %' OR COALESCE(outcome, '') LIKE 'appointment %'
        OR COALESCE(outcome, '') LIKE 'prior authorization %'
        OR COALESCE(outcome, '') IN ('reminded', 'reached the member'))";

/// The generator's distributions, as `src/synth/mod.rs` documents them: two
/// years of history, about 10 tasks and 20 notes a patient, one coordinator
/// per 65 patients; and the bulk load leaves both search indexes complete
/// and their triggers in place.
#[test]
fn the_generator_writes_two_years_of_history_at_the_documented_rates() {
    let dir = tempfile::tempdir().unwrap();
    let (path, mut store) = demo(dir.path(), 650, 3);
    let conn = Connection::open(&path).unwrap();
    let one = |sql: &str| -> f64 { conn.query_row(sql, [], |r| r.get(0)).unwrap() };
    let per_patient = |table: &str| one(&format!("SELECT COUNT(*) * 1.0 / 650 FROM {table}"));
    let tasks = one(&format!(
        "SELECT COUNT(*) * 1.0 / 650 FROM task WHERE {NOT_A_LOOP_STEP}"
    ));
    let notes = per_patient("communication");
    assert!((9.5..=11.5).contains(&tasks), "tasks per patient: {tasks}");
    assert!((18.5..=22.5).contains(&notes), "notes per patient: {notes}");
    assert_eq!(one("SELECT COUNT(*) * 1.0 FROM practitioner"), 10.0);
    // Besides the transition clocks' tasks (their own rates below).
    let open = one(&format!(
        "SELECT COUNT(*) * 1.0 / 650 FROM task WHERE status = 'requested'
          AND id NOT IN (SELECT task_id FROM transition_clock WHERE task_id IS NOT NULL)
          AND {NOT_A_LOOP_STEP}"
    ));
    assert!(
        (2.8..=3.2).contains(&open),
        "open tasks per patient (one of them the plan's review): {open}"
    );
    assert_eq!(
        one(
            "SELECT COUNT(*) * 1.0 FROM task WHERE kind = 'care-plan-review'
              AND status = 'requested'"
        ),
        650.0,
        "one open review task a patient"
    );
    // Recent hospital and emergency visits (src/synth/encounters.rs): a
    // few patients in a hundred discharged, a few to the ED; every
    // discharge home with its contact clock.
    let discharges = one("SELECT COUNT(*) * 100.0 / 650 FROM encounter
          WHERE class = 'inpatient' AND status = 'finished'");
    assert!(
        (3.0..=10.0).contains(&discharges),
        "discharges per 100: {discharges}"
    );
    let ed = one("SELECT COUNT(*) * 100.0 / 650 FROM encounter WHERE class = 'emergency'");
    assert!((2.0..=8.0).contains(&ed), "ED visits per 100: {ed}");
    assert_eq!(
        one("SELECT COUNT(*) * 1.0 FROM transition_clock WHERE kind = 'tcm-contact'"),
        one("SELECT COUNT(*) * 1.0 FROM encounter
              WHERE class = 'inpatient' AND status = 'finished' AND disposition = 'home'"),
        "every discharge home has its contact clock"
    );
    // Spread over two years before 2026-11-24, none in the future.
    let oldest_note =
        one("SELECT julianday('2026-11-24') - julianday(MIN(sent_at)) FROM communication");
    assert!((700.0..=731.0).contains(&oldest_note), "{oldest_note}");
    assert_eq!(
        one("SELECT COUNT(*) * 1.0 FROM communication WHERE sent_at > '2026-11-24T14:00:00Z'"),
        0.0
    );
    let oldest_done = one("SELECT julianday('2026-11-24') - julianday(MIN(due_on)) FROM task WHERE status = 'completed'");
    assert!((700.0..=731.0).contains(&oldest_done), "{oldest_done}");
    assert_eq!(
        one(&format!(
            "SELECT COUNT(*) * 1.0 FROM task WHERE status = 'completed'
              AND (completed_at < due_on OR completed_at > '2026-11-24T14:00:00Z')
              AND id NOT IN (SELECT task_id FROM transition_clock WHERE task_id IS NOT NULL)
              AND {NOT_A_LOOP_STEP}"
        )),
        0.0,
        "done on or after the due date (a clock is met as soon as it is), never in the future"
    );
    // Every patient has a note (a contact or an attempt) in the last 90 days.
    assert_eq!(
        one("SELECT COUNT(*) * 1.0 FROM patient WHERE NOT EXISTS (
               SELECT 1 FROM communication c
                WHERE c.patient_id = patient.id AND c.sent_at >= '2026-08-26')"),
        0.0
    );

    // Both search indexes hold every row, and rows added later are indexed.
    assert_eq!(
        one("SELECT COUNT(*) * 1.0 FROM communication_fts WHERE communication_fts MATCH 'voicemail'"),
        one("SELECT COUNT(*) * 1.0 FROM communication WHERE body LIKE '%voicemail%'")
    );
    let named = |name: &str| {
        store
            .caseload_window(&query(Scope::Team, CaseloadSort::Name, name), 0, 1000)
            .unwrap()
            .len()
    };
    assert_eq!(
        named("SYN0000650"),
        1,
        "the last patient written is in the name index"
    );
    let triggers = one(
        "SELECT COUNT(*) * 1.0 FROM sqlite_schema WHERE type = 'trigger'
          AND name IN ('communication_fts_insert', 'patient_name_index_insert')",
    );
    assert_eq!(triggers, 2.0, "the insert triggers are back");
    let journal: String = conn
        .query_row("PRAGMA journal_mode", [], |r| r.get(0))
        .unwrap();
    assert_eq!(journal, "wal", "the write-ahead log is back");
    drop(conn);
    let patient = store
        .caseload_window(&query(Scope::Mine, CaseloadSort::Name, ""), 0, 1)
        .unwrap()[0]
        .id;
    store
        .write(|tx| {
            tx.insert_communication(&tend::store::NewCommunication {
                patient_id: patient,
                author_id: None,
                sent_at: chrono::DateTime::parse_from_rfc3339("2026-11-24T14:00:00Z")
                    .unwrap()
                    .into(),
                medium: "phone".into(),
                direction: "outbound".into(),
                recipient: "patient".into(),
                outcome: "reached".into(),
                reached: true,
                duration_minutes: Some(5),
                body: "Zanzibarian kumquats discussed.".into(),
            })?;
            tx.audit(
                tend::store::AuditAction::Create,
                "Communication",
                None,
                Some(patient),
                None,
            )
        })
        .unwrap();
    assert_eq!(store.search_notes("kumquats", 10).unwrap().len(), 1);
}

/// With another connection on the file the load cannot leave the
/// write-ahead log; it runs in it instead, and writes the same data.
#[test]
fn the_generator_writes_while_another_session_has_the_file_open() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("shared.db");
    let mut store = create(&path);
    let other = open(&path, "colleague").unwrap();
    assert_eq!(other.patient_count().unwrap(), 0);
    let report = synth::generate(
        &mut store,
        &GenParams {
            patients: 120,
            seed: 5,
            user: "ccuser".into(),
        },
    )
    .unwrap();
    assert_eq!(report.patients, 120);
    assert_eq!(
        other.patient_count().unwrap(),
        120,
        "the other session sees it"
    );
    let conn = Connection::open(&path).unwrap();
    let journal: String = conn
        .query_row("PRAGMA journal_mode", [], |r| r.get(0))
        .unwrap();
    assert_eq!(journal, "wal");
    let notes: i64 = conn
        .query_row(
            "SELECT count(*) FROM communication_fts WHERE communication_fts MATCH 'voicemail'",
            [],
            |r| r.get(0),
        )
        .unwrap();
    assert!(notes > 0, "the notes are searchable");
}

#[test]
fn the_demo_caseload_has_what_the_panes_need() {
    let dir = tempfile::tempdir().unwrap();
    let (path, store) = demo(dir.path(), synth::DEMO_PATIENTS, 1);
    let mine = store
        .caseload_count(&query(Scope::Mine, CaseloadSort::Name, ""))
        .unwrap();
    let team = store
        .caseload_count(&query(Scope::Team, CaseloadSort::Name, ""))
        .unwrap();
    assert_eq!(mine, 60, "about 60 patients are the user's");
    assert_eq!(team, synth::DEMO_PATIENTS);

    let conn = Connection::open(&path).unwrap();
    let per_patient = |sql: &str| -> (i64, i64) {
        conn.query_row(
            &format!("SELECT min(n), max(n) FROM (SELECT p.id, ({sql}) AS n FROM patient p)"),
            [],
            |r| Ok((r.get(0)?, r.get(1)?)),
        )
        .unwrap()
    };
    let (min, max) = per_patient("SELECT count(*) FROM goal g WHERE g.patient_id = p.id");
    assert!(min >= 1 && max <= 5, "1 to 5 goals, got {min}..{max}");
    let (min, _) = per_patient("SELECT count(*) FROM condition c WHERE c.patient_id = p.id");
    assert!(min >= 1);
    let (min, _) = per_patient(
        "SELECT count(*) FROM care_team_member m WHERE m.patient_id = p.id AND m.role = 'PCP'",
    );
    assert_eq!(min, 1, "everyone has a primary care provider");
    let (min, _) = per_patient("SELECT count(*) FROM communication c WHERE c.patient_id = p.id");
    assert!(min >= 1, "a few notes each");
    let varied = |column: &str| -> i64 {
        conn.query_row(
            &format!("SELECT count(DISTINCT {column}) FROM patient"),
            [],
            |r| r.get(0),
        )
        .unwrap()
    };
    assert_eq!(varied("risk_tier"), 4);
    assert_eq!(varied("enrollment_status"), 3);
    assert!(varied("language") >= 5);
    let (overdue, later): (i64, i64) = conn
        .query_row(
            "SELECT sum(due_on < '2026-11-24'), sum(due_on > '2026-12-15') FROM task
              WHERE status = 'requested'",
            [],
            |r| Ok((r.get(0)?, r.get(1)?)),
        )
        .unwrap();
    assert!(overdue > 0 && later > 0, "tasks from overdue to next month");
    // Plainly synthetic: reserved fictional phone numbers and marked IDs.
    let real_looking: i64 = conn
        .query_row(
            "SELECT count(*) FROM patient WHERE phone_primary NOT LIKE '(___) 555-01__'
                OR member_id NOT LIKE 'SYN%' OR medicaid_id NOT LIKE 'ZZ%'",
            [],
            |r| r.get(0),
        )
        .unwrap();
    assert_eq!(real_looking, 0);
}

#[test]
fn the_caseload_filters_sorts_and_pages() {
    let dir = tempfile::tempdir().unwrap();
    let (_, store) = demo(dir.path(), 200, 5);
    let all = store
        .caseload_window(&query(Scope::Mine, CaseloadSort::Name, ""), 0, 1000)
        .unwrap();
    assert!(!all.is_empty());
    // SQLite's NOCASE folds ASCII letters only and compares bytes otherwise.
    let keys: Vec<(String, String, i64)> = all
        .iter()
        .map(|r| {
            (
                r.family_name.to_ascii_lowercase(),
                r.given_name.to_ascii_lowercase(),
                r.id,
            )
        })
        .collect();
    assert!(keys.windows(2).all(|w| w[0] <= w[1]), "sorted by name");

    // A window is a slice of the whole order.
    let q = query(Scope::Mine, CaseloadSort::Name, "");
    let window = store.caseload_window(&q, 5, 7).unwrap();
    assert_eq!(window, all[5..12].to_vec());
    let target = &all[9];
    assert_eq!(store.caseload_position(&q, target.id).unwrap(), Some(9));

    // Filter by a piece of a family name, and by member ID.
    let piece: String = all[0].family_name.chars().take(4).collect();
    let filtered = store
        .caseload_window(&query(Scope::Mine, CaseloadSort::Name, &piece), 0, 1000)
        .unwrap();
    assert!(!filtered.is_empty());
    assert!(filtered.iter().all(|r| r.family_name.contains(&piece)
        || r.given_name.contains(&piece)
        || r.member_id.contains(&piece)));
    let by_id = store
        .caseload_window(
            &query(
                Scope::Team,
                CaseloadSort::Name,
                &all[3].member_id.to_lowercase(),
            ),
            0,
            10,
        )
        .unwrap();
    assert_eq!(by_id.len(), 1);
    assert_eq!(by_id[0].id, all[3].id);
    // "given family" finds the patient whichever order it is typed in.
    let both = format!("{} {}", all[3].given_name, all[3].family_name);
    let found = store
        .caseload_window(&query(Scope::Mine, CaseloadSort::Name, &both), 0, 10)
        .unwrap();
    assert!(found.iter().any(|r| r.id == all[3].id));
    // LIKE wildcards typed by the user are literal.
    assert_eq!(
        store
            .caseload_count(&query(Scope::Team, CaseloadSort::Name, "%"))
            .unwrap(),
        0
    );

    let by_risk = store
        .caseload_window(&query(Scope::Mine, CaseloadSort::Risk, ""), 0, 1000)
        .unwrap();
    assert!(by_risk.windows(2).all(|w| w[0].risk_tier >= w[1].risk_tier));
    let by_contact = store
        .caseload_window(&query(Scope::Mine, CaseloadSort::LastContact, ""), 0, 1000)
        .unwrap();
    let first_contacted = by_contact
        .iter()
        .position(|r| r.last_contact_at.is_some())
        .unwrap_or(by_contact.len());
    assert!(by_contact[..first_contacted]
        .iter()
        .all(|r| r.last_contact_at.is_none()));
    assert!(by_contact[first_contacted..]
        .windows(2)
        .all(|w| w[0].last_contact_at <= w[1].last_contact_at));
    let by_due = store
        .caseload_window(&query(Scope::Mine, CaseloadSort::NextDue, ""), 0, 1000)
        .unwrap();
    let dated: Vec<_> = by_due.iter().filter_map(|r| r.next_due).collect();
    assert!(dated.windows(2).all(|w| w[0] <= w[1]));
    assert!(by_due
        .iter()
        .skip(dated.len())
        .all(|r| r.next_due.is_none()));
}

/// Every order, mine and the team's: each patient's position is where the
/// window shows them (the position query once failed for next due, and
/// the caseload's `o` with it).
#[test]
fn every_sort_in_both_scopes_places_each_patient_where_the_list_shows_them() {
    let dir = tempfile::tempdir().unwrap();
    let (_, store) = demo(dir.path(), 120, 3);
    for scope in [Scope::Mine, Scope::Team] {
        for sort in CaseloadSort::ALL {
            for filter in ["", "a"] {
                let q = query(scope, sort, filter);
                let all = store.caseload_window(&q, 0, 10_000).unwrap();
                assert_eq!(all.len(), store.caseload_count(&q).unwrap());
                assert!(all.len() > 5, "{scope:?} {sort:?} {filter:?}");
                for (index, row) in all.iter().enumerate() {
                    assert_eq!(
                        store.caseload_position(&q, row.id).unwrap(),
                        Some(index),
                        "{scope:?} by {} filtered {filter:?}: {}",
                        sort.label(),
                        row.member_id
                    );
                }
            }
        }
    }
}

#[test]
fn my_day_holds_my_open_tasks_up_to_the_horizon_most_urgent_first() {
    let dir = tempfile::tempdir().unwrap();
    let (path, store) = demo(dir.path(), 200, 2);
    let horizon = today() + chrono::Duration::days(7);
    let mine = TaskFilter::default();
    let mut day = store.day_tasks("ccuser", &mine, horizon).unwrap();
    UrgencyWeights::default().sort_day(&mut day, today());
    assert!(!day.is_empty());
    assert!(day.iter().all(|t| t.status.is_open()));
    assert!(day.iter().all(|t| t.due_on.is_some_and(|d| d <= horizon)));
    // Due-by-today first, then upcoming.
    let split = day
        .iter()
        .position(|t| t.due_on.unwrap() > today())
        .unwrap_or(day.len());
    assert!(day[split..].iter().all(|t| t.due_on.unwrap() > today()));
    assert!(day[..split]
        .windows(2)
        .all(|w| w[0].hard_deadline || !w[1].hard_deadline));

    // Exactly the user's open tasks in that window, by an independent query.
    let conn = Connection::open(&path).unwrap();
    let expected: i64 = conn
        .query_row(
            "SELECT count(*) FROM task t JOIN practitioner c ON c.id = t.owner_id
              WHERE c.username = 'ccuser' AND t.status IN ('requested', 'in-progress')
                AND t.due_on <= '2026-12-01'",
            [],
            |r| r.get(0),
        )
        .unwrap();
    assert_eq!(day.len() as i64, expected);
    assert!(store
        .day_tasks("nobody", &mine, horizon)
        .unwrap()
        .is_empty());

    let patient = day[0].patient_id;
    let tasks = store.patient_tasks(patient).unwrap();
    assert!(tasks
        .iter()
        .all(|t| t.patient_id == patient && t.status.is_open()));
    assert!(tasks.iter().any(|t| t.id == day[0].id));
}

/// The ranked day reads only the head of the list in full, yet it is the
/// same head, in the same order, with the counts of the whole list.
#[test]
fn the_ranked_day_is_the_head_of_the_whole_day() {
    let dir = tempfile::tempdir().unwrap();
    let (_, store) = demo(dir.path(), 360, 4);
    let horizon = today() + chrono::Duration::days(7);
    let weights = UrgencyWeights::default();
    for filter in [
        TaskFilter::parse("who:team").unwrap(),
        TaskFilter::default(),
        TaskFilter::parse("who:team kind:follow-up").unwrap(),
        TaskFilter::parse("who:team call").unwrap(),
    ] {
        let mut whole = store.day_tasks("ccuser", &filter, horizon).unwrap();
        weights.sort_day(&mut whole, today());
        assert!(whole.len() > 20, "{filter:?}: {}", whole.len());
        for limit in [10, 20, whole.len() + 5] {
            let ranked = store
                .ranked_day("ccuser", &filter, horizon, today(), &weights, limit)
                .unwrap();
            let head: Vec<_> = whole.iter().take(limit).cloned().collect();
            assert_eq!(ranked.rows, head, "{filter:?}, limit {limit}");
            assert_eq!(ranked.counts.total(), whole.len());
            assert_eq!(
                ranked.counts.overdue,
                whole.iter().filter(|t| t.due_on.unwrap() < today()).count()
            );
        }
    }
}

/// Who upgrades an old file in these tests (the old migrations write no
/// audit rows, so neither is used).
fn upgrade() -> schema::Upgrade<'static> {
    schema::Upgrade {
        agent: "ccuser",
        now: chrono::DateTime::UNIX_EPOCH,
    }
}

#[test]
fn a_version_1_database_is_upgraded_with_its_data_kept() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("v1.db");
    {
        let conn = Connection::open(&path).unwrap();
        let tx = conn.unchecked_transaction().unwrap();
        schema::MIGRATIONS[0].apply(&tx, &upgrade()).unwrap();
        tx.commit().unwrap();
        conn.execute_batch(
            "PRAGMA user_version = 1;
             INSERT INTO practitioner (id, username, display_name) VALUES (1, 'ccuser', 'ccuser');
             INSERT INTO patient (id, member_id, family_name, given_name, birth_date,
               enrollment_status, risk_tier, coordinator_id)
               VALUES (1, 'SYN1', 'Testa', 'Una', '1970-01-02', 'enrolled', 2, 1);
             INSERT INTO task (id, patient_id, owner_id, kind, description, status, priority,
               due_on, authored_at)
               VALUES (1, 1, 1, 'call', 'Outreach call', 'requested', 'routine',
                       '2026-11-24', '2026-11-01T00:00:00Z');",
        )
        .unwrap();
    }
    let mut store = open(&path, "ccuser").unwrap();
    assert_eq!(store.schema_version().unwrap(), schema::LATEST);
    {
        // Version 5 rewrote the CHECK constraints' IN lists as OR chains:
        // they still hold.
        let conn = Connection::open(&path).unwrap();
        let sql: String = conn
            .query_row(
                "SELECT sql FROM sqlite_schema WHERE name = 'task'",
                [],
                |r| r.get(0),
            )
            .unwrap();
        assert!(
            sql.contains("CHECK (kind = 'call' OR kind = 'follow-up'"),
            "{sql}"
        );
        assert!(!sql.contains("kind IN ("), "{sql}");
        let refused = conn.execute(
            "INSERT INTO task (patient_id, kind, description, status, authored_at)
             VALUES (1, 'nonsense', 'x', 'requested', '2026-11-01T00:00:00Z')",
            [],
        );
        assert!(
            refused
                .unwrap_err()
                .to_string()
                .contains("CHECK constraint failed"),
            "an unknown kind is still refused"
        );
        let check: String = conn
            .query_row("PRAGMA integrity_check", [], |r| r.get(0))
            .unwrap();
        assert_eq!(check, "ok");
    }
    let task = store.task(1).unwrap().unwrap();
    assert_eq!(task.title, "Outreach call");
    assert_eq!((task.version, task.recurrence), (1, None));
    // And the new columns work.
    store
        .complete_tasks(&[(&task).into()], Some("reached"), today())
        .unwrap();
    assert_eq!(
        store.task(1).unwrap().unwrap().status,
        TaskStatus::Completed
    );
}

#[test]
fn a_version_6_draft_keeps_its_header_and_later_drafts_may_leave_it_unchosen() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("v6.db");
    {
        let conn = Connection::open(&path).unwrap();
        let tx = conn.unchecked_transaction().unwrap();
        for migration in &schema::MIGRATIONS[..6] {
            migration.apply(&tx, &upgrade()).unwrap();
        }
        tx.commit().unwrap();
        conn.execute_batch(
            "PRAGMA user_version = 6;
             INSERT INTO practitioner (id, username, display_name) VALUES (1, 'ccuser', 'ccuser');
             INSERT INTO patient (id, member_id, family_name, given_name, birth_date,
               enrollment_status, risk_tier, coordinator_id)
               VALUES (1, 'SYN1', 'Testa', 'Una', '1970-01-02', 'enrolled', 2, 1),
                      (2, 'SYN2', 'Testa', 'Ida', '1971-01-02', 'enrolled', 2, 1);
             INSERT INTO communication (patient_id, author_id, sent_at, medium, direction,
               recipient, outcome, duration_minutes, body, status, started_at, version)
               VALUES (1, 1, '2026-11-20T14:00:00Z', 'phone', 'outbound', 'patient',
                       'no-answer', 4, 'Rang twice', 'preparation', '2026-11-20T14:00:00Z', 2);",
        )
        .unwrap();
    }
    let mut store = open(&path, "ccuser").unwrap();
    assert_eq!(store.schema_version().unwrap(), schema::LATEST);
    let kept = store.draft(1).unwrap().unwrap();
    assert_eq!(kept.body, "Rang twice");
    assert_eq!(
        kept.header.complete().map(|h| h.outcome),
        Some(tend::domain::note::Outcome::NoAnswer),
        "what was stored stays as it was"
    );
    store
        .save_draft(
            2,
            &tend::domain::note::DraftHeader::default(),
            "Nothing chosen yet",
            today().and_hms_opt(14, 0, 0).unwrap().and_utc(),
            None,
        )
        .unwrap();
    assert_eq!(store.draft(2).unwrap().unwrap().header.outcome, None);
    let conn = Connection::open(&path).unwrap();
    let check: String = conn
        .query_row("PRAGMA integrity_check", [], |r| r.get(0))
        .unwrap();
    assert_eq!(check, "ok");
    let sideways = conn.execute(
        "UPDATE communication SET direction = 'sideways' WHERE patient_id = 2",
        [],
    );
    assert!(sideways.is_err(), "the direction's CHECK still holds");
}

#[test]
fn the_name_filter_ignores_case_and_accents_and_follows_changes() {
    let dir = tempfile::tempdir().unwrap();
    let (path, store) = demo(dir.path(), 360, 1);
    let team = |filter: &str| {
        store
            .caseload_window(&query(Scope::Team, CaseloadSort::Name, filter), 0, 1000)
            .unwrap()
    };
    let accented = team("Éstr");
    assert!(!accented.is_empty(), "the demo has Éstr… family names");
    assert_eq!(team("estr").len(), accented.len(), "accents do not matter");
    assert_eq!(team("ESTR").len(), accented.len(), "nor does case");
    assert!(team("estr")
        .iter()
        .all(|r| r.family_name.starts_with("Éstr")));
    // Two letters: no trigram, still found.
    assert!(team("És").len() >= accented.len());

    // A rename made by another program is in the index at once.
    let conn = Connection::open(&path).unwrap();
    conn.execute(
        "UPDATE patient SET family_name = 'Zzyzxian' WHERE id = ?1",
        [accented[0].id],
    )
    .unwrap();
    let renamed = team("zyzx");
    assert_eq!(renamed.len(), 1);
    assert_eq!(renamed[0].id, accented[0].id);
    assert_eq!(team("estr").len(), accented.len() - 1);

    // The count (taken from the name index alone when it can be) agrees
    // with the rows, for one word, several, short ones and the user's own.
    for (scope, filter) in [
        (Scope::Team, "estr"),
        (Scope::Team, "zyzx"),
        (Scope::Team, "estr syn"),
        (Scope::Team, "ell, ana"),
        (Scope::Team, "És"),
        (Scope::Team, "nobody-by-this-name"),
        (Scope::Mine, "ell"),
    ] {
        let q = query(scope, CaseloadSort::Name, filter);
        assert_eq!(
            store.caseload_count(&q).unwrap(),
            store.caseload_window(&q, 0, 1000).unwrap().len(),
            "{scope:?} {filter:?}"
        );
    }
    conn.execute(
        "UPDATE patient SET family_name = 'Ashabee' WHERE id = ?1",
        [accented[0].id],
    )
    .unwrap();
    assert_eq!(
        store
            .caseload_count(&query(Scope::Team, CaseloadSort::Name, "zyzx"))
            .unwrap(),
        0,
        "the old name leaves the index"
    );
}

/// A session opening the file while another is in the middle of a
/// rollback-journal load (`tend gen`) waits for it, as for any lock, then
/// opens in WAL; it is not told the file is locked.
#[test]
fn opening_during_a_rollback_journal_load_waits_for_it() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("t.db");
    drop(create(&path));
    let loader = Connection::open(&path).unwrap();
    let mode: String = loader
        .query_row("PRAGMA journal_mode = DELETE", [], |r| r.get(0))
        .unwrap();
    assert_eq!(mode, "delete");
    loader
        .execute_batch(
            "BEGIN IMMEDIATE; INSERT INTO practitioner (username, display_name) VALUES ('x', 'x');",
        )
        .unwrap();
    let finishing = std::thread::spawn(move || {
        std::thread::sleep(Duration::from_millis(300));
        loader.execute_batch("COMMIT").unwrap();
        drop(loader);
    });
    let store = open(&path, "ccuser").expect("opens once the load is done");
    finishing.join().unwrap();
    let conn = Connection::open(&path).unwrap();
    let mode: String = conn
        .query_row("PRAGMA journal_mode", [], |r| r.get(0))
        .unwrap();
    assert_eq!(mode, "wal");
    assert_eq!(store.coordinators().unwrap(), ["x"]);
}

/// Every generated record holds together by the record's own rules (the
/// ones a coordinator's edit is checked against).
#[test]
fn every_generated_record_passes_the_record_rules() {
    let dir = tempfile::tempdir().unwrap();
    let (_, store) = demo(dir.path(), 300, 5);
    for id in 1..=300 {
        let record = store.patient(id).unwrap().unwrap();
        assert_eq!(record.check(today()), Ok(()), "patient {id}");
    }
}
