//! The generated caseload's closed loops (src/synth/loops.rs, written through
//! src/store/loop_load.rs): the same for a seed, every open loop with its
//! next step as the rules give it, every booked appointment with its
//! reminder and "did they go?", the documented rates, and a database
//! `tend check` finds whole. Real SQLite in a temporary folder, at the
//! tests' fixed now (Tuesday 24 November 2026).

mod common;

use std::path::{Path, PathBuf};

use chrono::{Duration, NaiveDate};
use rusqlite::Connection;
use tend::domain::authorization::{self, AuthStatus};
use tend::domain::business_days::Calendar;
use tend::domain::loops::LoopSettings;
use tend::domain::referral::{self, ReferralStatus};
use tend::store::Store;
use tend::synth::{self, GenParams, GenReport};

use common::today;

const PATIENTS: usize = 650;

/// A caseload generated as the demo makes it: into a store that already
/// holds the synthetic resource directory, so community referrals name
/// its services.
fn generate(dir: &Path, patients: usize, seed: u64) -> (PathBuf, Store, GenReport) {
    let path = dir.join("loops.db");
    let mut store = common::open(&path, "ccuser");
    let package = dir.join("resources");
    std::fs::create_dir_all(&package).unwrap();
    synth::resources::write_package(&package, synth::resources::DEMO_SERVICES, seed).unwrap();
    tend::resources::import_folder(&mut store, &package, false).unwrap();
    let report = synth::generate(
        &mut store,
        &GenParams {
            patients,
            seed,
            user: "ccuser".into(),
        },
    )
    .unwrap();
    store.sign_in().unwrap();
    (path, store, report)
}

fn one(conn: &Connection, sql: &str) -> f64 {
    conn.query_row(sql, [], |r| r.get(0)).unwrap()
}

/// The loops' rows and every task, in id order, as text.
fn dump(path: &Path) -> Vec<String> {
    let conn = Connection::open(path).unwrap();
    let mut rows = Vec::new();
    for table in ["referral", "appointment", "prior_auth", "task", "patient"] {
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
}

#[test]
fn the_loops_are_the_same_for_a_seed_and_others_for_another() {
    let dir = tempfile::tempdir().unwrap();
    let [a, b, c] = ["a", "b", "c"].map(|n| {
        let d = dir.path().join(n);
        std::fs::create_dir_all(&d).unwrap();
        d
    });
    let (path_a, _, report_a) = generate(&a, 120, 7);
    let (path_b, _, report_b) = generate(&b, 120, 7);
    let (path_c, _, _) = generate(&c, 120, 8);
    assert_eq!(report_a, report_b);
    assert!(
        dump(&path_a) == dump(&path_b),
        "same seed, same date: same loops"
    );
    assert!(dump(&path_a) != dump(&path_c), "another seed: other loops");
}

#[test]
fn every_open_loop_has_its_next_step_as_the_rules_give_it() {
    let dir = tempfile::tempdir().unwrap();
    let (path, store, _) = generate(dir.path(), PATIENTS, 3);
    let conn = Connection::open(&path).unwrap();
    let (rules, calendar) = (LoopSettings::default(), Calendar::default());
    let (mut open_referrals, mut open_auths) = (0, 0);
    for patient in 1..=PATIENTS as i64 {
        for r in store.referrals(patient).unwrap() {
            let step =
                referral::next_step(r.status, r.status_on, r.appointment_on, &rules, &calendar);
            assert_eq!(r.next_due, step.as_ref().map(|s| s.due), "{r:?}");
            assert_eq!(r.status.is_terminal(), r.task_id.is_none(), "{r:?}");
            open_referrals += usize::from(!r.status.is_terminal());
            assert!(
                r.status_on <= today() && r.created_on <= r.status_on,
                "{r:?}"
            );
            if r.status == ReferralStatus::Closed {
                assert!(
                    r.confirmation.is_some(),
                    "closed with how receipt was confirmed: {r:?}"
                );
            }
            if let Some(service) = &r.service_ref {
                let listed = store
                    .resource_service_by_source(service)
                    .unwrap()
                    .unwrap_or_else(|| panic!("{service} is in the directory"));
                assert_eq!(r.to_name, listed.hit.name, "the service's own name");
                assert_eq!(r.to_phone, listed.hit.phone, "and its phone");
            }
        }
        for z in store.authorizations(patient).unwrap() {
            let step = authorization::next_step(
                z.status,
                z.status_on,
                z.authorized_until,
                &rules,
                &calendar,
            );
            assert_eq!(z.next_due, step.as_ref().map(|s| s.due), "{z:?}");
            let open = !matches!(z.status, AuthStatus::Draft | AuthStatus::Expired);
            assert_eq!(open, z.next_due.is_some(), "{z:?}");
            open_auths += usize::from(open);
            if z.status == AuthStatus::Approved {
                assert!(
                    z.authorized_until.unwrap() >= today(),
                    "an ended approval is expired: {z:?}"
                );
            }
        }
    }
    assert!(
        open_referrals > 100 && open_auths > 100,
        "{open_referrals} {open_auths}"
    );
    // Each open loop's step is a task of its own; each denial's appeal has
    // its legal deadline.
    assert_eq!(
        one(
            &conn,
            "SELECT COUNT(*) FROM task t JOIN prior_auth z ON z.task_id = t.id
              WHERE z.status = 'denied' AND (t.hard_deadline = 0 OR t.priority != 'urgent')"
        ),
        0.0
    );
    assert_eq!(
        one(
            &conn,
            "SELECT COUNT(*) FROM task t JOIN referral r ON r.task_id = t.id
              WHERE t.status != 'requested' OR t.patient_id != r.patient_id"
        ),
        0.0
    );
}

#[test]
fn every_booked_appointment_has_its_reminder_and_did_they_go() {
    let dir = tempfile::tempdir().unwrap();
    let (path, store, _) = generate(dir.path(), PATIENTS, 3);
    let conn = Connection::open(&path).unwrap();
    let task = |id: i64| -> (String, NaiveDate) {
        conn.query_row("SELECT status, due_on FROM task WHERE id = ?1", [id], |r| {
            Ok((
                r.get(0)?,
                NaiveDate::parse_from_str(&r.get::<_, String>(1)?, "%Y-%m-%d").unwrap(),
            ))
        })
        .unwrap()
    };
    let (mut upcoming, mut missed) = (0, 0);
    for patient in 1..=PATIENTS as i64 {
        for a in store.appointments(patient).unwrap() {
            let start = a.starts_at.date();
            // The steps of the last 90 days are written as tasks (see
            // src/synth/records.rs), those of older history are not.
            let recent = a.status.is_open() || a.status_on >= today() - Duration::days(90);
            assert_eq!(a.task_id.is_some(), recent, "{a:?}");
            assert_eq!(a.reminder_task_id.is_some(), recent, "{a:?}");
            if !recent {
                continue;
            }
            let (went, went_due) = task(a.task_id.expect("did they go?"));
            assert_eq!(went_due, start + Duration::days(1), "{a:?}");
            let (reminder, reminder_due) = task(a.reminder_task_id.expect("a reminder"));
            assert!(reminder_due <= start, "{a:?}");
            match a.status.code() {
                "booked" => {
                    assert_eq!(went, "requested", "{a:?}");
                    assert!(
                        reminder == "requested" || reminder_due < today(),
                        "a reminder is done only once due: {a:?}"
                    );
                    if start >= today() {
                        upcoming += 1;
                    }
                }
                status => {
                    assert_eq!(went, "completed", "{a:?}");
                    assert!(a.status_on >= a.created_on, "{a:?}");
                    if status == "noshow" {
                        missed += 1;
                        assert!(
                            a.outreach_task_id.is_some(),
                            "a missed one starts outreach: {a:?}"
                        );
                    }
                    if status == "rescheduled" {
                        let to = store
                            .appointment(a.rescheduled_to.unwrap())
                            .unwrap()
                            .unwrap();
                        assert!(to.created_on == a.status_on && to.starts_at.date() >= a.status_on);
                    }
                }
            }
        }
    }
    assert!(
        upcoming > 200 && missed > 100,
        "{upcoming} upcoming, {missed} missed"
    );
    // The upcoming week has appointments for the week view.
    let week = store.appointments_week("ccuser", true, today()).unwrap();
    assert!(week.len() > 20, "{}", week.len());
}

#[test]
fn the_mix_per_patient_is_as_documented() {
    let dir = tempfile::tempdir().unwrap();
    let (path, _, report) = generate(dir.path(), PATIENTS, 3);
    let conn = Connection::open(&path).unwrap();
    let per_patient = |table: &str| {
        one(
            &conn,
            &format!("SELECT COUNT(*) * 1.0 / {PATIENTS} FROM {table}"),
        )
    };
    let (referrals, appointments, auths) = (
        per_patient("referral"),
        per_patient("appointment"),
        per_patient("prior_auth"),
    );
    assert!(
        (1.8..=2.2).contains(&referrals),
        "referrals per patient: {referrals}"
    );
    assert!(
        (3.6..=4.4).contains(&appointments),
        "appointments per patient: {appointments}"
    );
    assert!(
        (0.85..=1.15).contains(&auths),
        "authorizations per patient: {auths}"
    );
    assert_eq!(report.referrals as f64, referrals * PATIENTS as f64);
    assert_eq!(report.appointments as f64, appointments * PATIENTS as f64);
    assert_eq!(report.authorizations as f64, auths * PATIENTS as f64);
    // Every status of every loop is there to see.
    for (table, statuses) in [("referral", 9.0), ("appointment", 5.0), ("prior_auth", 7.0)] {
        assert_eq!(
            one(
                &conn,
                &format!("SELECT COUNT(DISTINCT status) FROM {table}")
            ),
            statuses,
            "{table}"
        );
    }
    for kind in ["clinical", "community"] {
        assert!(
            one(
                &conn,
                &format!("SELECT COUNT(*) FROM referral WHERE kind = '{kind}'")
            ) > 100.0
        );
    }
    assert!(
        one(
            &conn,
            "SELECT COUNT(*) FROM referral WHERE service_ref IS NOT NULL"
        ) > 50.0
    );
    assert!(one(&conn, "SELECT COUNT(*) FROM appointment WHERE status = 'booked'
          AND (transport_needed AND NOT transport_arranged OR interpreter_needed AND NOT interpreter_arranged)") > 10.0);
    // Approvals nearing their end, with their renewal due.
    assert!(
        one(
            &conn,
            &format!(
                "SELECT COUNT(*) FROM prior_auth WHERE status = 'approved'
          AND authorized_until <= '{}'",
                today() + Duration::days(30)
            )
        ) > 5.0
    );
    // Nothing in the future but upcoming appointments and due dates.
    for (table, column) in [
        ("referral", "status_on"),
        ("appointment", "status_on"),
        ("prior_auth", "status_on"),
        ("referral", "created_at"),
        ("prior_auth", "decided_on"),
    ] {
        assert_eq!(
            one(
                &conn,
                &format!("SELECT COUNT(*) FROM {table} WHERE {column} > '2026-11-24T14:00:00Z'")
            ),
            0.0,
            "{table}.{column}"
        );
    }
}

/// A few loop tasks in a coordinator's day, not a flood: on average per
/// coordinator, the loops' open tasks due by today, and those in Today's
/// upcoming week, against all of theirs.
#[test]
fn a_coordinators_day_holds_a_few_loop_tasks() {
    let dir = tempfile::tempdir().unwrap();
    let (path, _, report) = generate(dir.path(), PATIENTS, 3);
    let conn = Connection::open(&path).unwrap();
    let coordinators = report.coordinators as f64;
    // The loops' open tasks are all held by their loop (NULLs left out, for
    // NOT IN).
    let loop_tasks = "(SELECT id FROM (SELECT task_id id FROM referral
        UNION SELECT task_id FROM prior_auth UNION SELECT task_id FROM appointment
        UNION SELECT reminder_task_id FROM appointment
        UNION SELECT outreach_task_id FROM appointment) WHERE id IS NOT NULL)";
    let count = |until: NaiveDate, loops: bool| {
        let which = if loops { "IN" } else { "NOT IN" };
        one(
            &conn,
            &format!(
                "SELECT COUNT(*) / {coordinators} FROM task
              WHERE status = 'requested' AND due_on <= '{until}' AND id {which} {loop_tasks}"
            ),
        )
    };
    let (due, others_due) = (count(today(), true), count(today(), false));
    let week = today() + Duration::days(7);
    let (in_week, others_in_week) = (count(week, true), count(week, false));
    eprintln!("per coordinator: {due:.1} loop tasks due by today (and {others_due:.1} others), {in_week:.1} in the week (and {others_in_week:.1} others)");
    assert!(
        (3.0..=12.0).contains(&due),
        "loop tasks due by today: {due}"
    );
    assert!(
        due < others_due / 2.0,
        "fewer than the rest: {due} and {others_due}"
    );
    assert!(in_week < others_in_week, "{in_week} and {others_in_week}");
}

#[test]
fn tend_check_finds_a_generated_database_whole() {
    let dir = tempfile::tempdir().unwrap();
    let (path, store, _) = generate(dir.path(), 200, 5);
    drop(store);
    let report = tend::store::check_file(&path).unwrap();
    assert!(report.is_healthy(), "{report:?}");
    assert!(report.indexes_checked);
}
