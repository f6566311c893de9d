//! The generated caseload's screening history (src/synth/screenings.rs,
//! written through src/store/screening_synth.rs): every total and band is
//! what the shipped instrument makes of the stored answers, every
//! screening signed in the past year by the member's coordinator while
//! enrolled, a fired safety rule's flag and task there and closed, the
//! same history for a seed. Real SQLite in a temporary folder, at the
//! tests' fixed now (Tuesday 24 November 2026).

mod common;

use std::path::{Path, PathBuf};

use rusqlite::Connection;
use tend::domain::instrument::{Answer, RuleSex};
use tend::domain::screening::answer_of;
use tend::synth::{self, GenParams, GenReport};

const PATIENTS: usize = 1300;

fn generate(dir: &Path, patients: usize, seed: u64) -> (PathBuf, GenReport) {
    let path = dir.join("synth.db");
    let mut store = common::open(&path, "ccuser");
    let report = synth::generate(
        &mut store,
        &GenParams {
            patients,
            seed,
            user: "ccuser".into(),
        },
    )
    .unwrap();
    (path, report)
}

/// A screening as read back: id, instrument, total, band, the patient's
/// sex, and whether its safety rule raised.
type Row = (i64, String, Option<u32>, Option<String>, String, bool);

fn one(conn: &Connection, sql: &str) -> i64 {
    conn.query_row(sql, [], |r| r.get(0)).unwrap()
}

#[test]
fn every_generated_screening_is_scored_by_its_instrument() {
    let dir = tempfile::tempdir().unwrap();
    let (path, report) = generate(dir.path(), PATIENTS, 3);
    let conn = Connection::open(&path).unwrap();
    let instruments = tend::instruments::load(None);
    assert_eq!(
        report.screenings as i64,
        one(&conn, "SELECT count(*) FROM screening")
    );
    assert!(report.screenings > 100, "{}", report.screenings);

    let mut stmt = conn
        .prepare(
            "SELECT s.id, s.instrument, s.total, s.band, p.sex, s.safety_raised_at IS NOT NULL
               FROM screening s JOIN patient p ON p.id = s.patient_id ORDER BY s.id",
        )
        .unwrap();
    let screenings: Vec<Row> = stmt
        .query_map([], |r| {
            Ok((
                r.get(0)?,
                r.get(1)?,
                r.get(2)?,
                r.get(3)?,
                r.get(4)?,
                r.get(5)?,
            ))
        })
        .unwrap()
        .collect::<Result<_, _>>()
        .unwrap();
    let mut fired = std::collections::BTreeMap::<String, usize>::new();
    let mut bands = std::collections::BTreeSet::new();
    for (id, instrument_id, total, band, sex, safety) in &screenings {
        let instrument = instruments.get(instrument_id).unwrap();
        let mut answers: Vec<Option<Answer>> = vec![None; instrument.items.len()];
        let mut stmt = conn
            .prepare_cached("SELECT position, chosen FROM screening_answer WHERE screening_id = ?1")
            .unwrap();
        let mut rows = stmt.query([id]).unwrap();
        while let Some(row) = rows.next().unwrap() {
            let position: usize = row.get::<_, i64>(0).unwrap() as usize;
            let chosen: String = row.get(1).unwrap();
            let chosen: Vec<usize> = chosen.split(',').map(|c| c.parse().unwrap()).collect();
            answers[position] = answer_of(&instrument.items[position], &chosen);
        }
        let sex = match sex.as_str() {
            "female" => RuleSex::Female,
            "male" => RuleSex::Male,
            _ => RuleSex::Other,
        };
        let score = instrument.score(&answers, sex);
        assert_eq!(*total, score.total, "screening {id}");
        assert_eq!(
            band.as_deref(),
            score.band.map(|b| b.label.as_str()),
            "screening {id}"
        );
        if instrument.has_total {
            assert!(total.is_some(), "screening {id}: every item answered");
        }
        let safety_fired = score
            .fired
            .iter()
            .any(|r| tend::domain::screening::is_safety(&r.action));
        assert_eq!(*safety, safety_fired, "screening {id}");
        for rule in &score.fired {
            *fired
                .entry(format!("{instrument_id}/{}", rule.id))
                .or_default() += 1;
        }
        if let Some(band) = band {
            bands.insert(format!("{instrument_id}/{band}"));
        }
    }
    // The demo shows positive screens of each kind, not only calm ones.
    for rule in ["phq-9/self-harm", "ahc-hrsn/food", "audit-c/positive-women"] {
        assert!(fired.contains_key(rule), "{rule} never fires: {fired:?}");
    }
    for band in [
        "phq-9/minimal",
        "phq-9/moderate",
        "phq-9/severe",
        "gad-7/mild",
    ] {
        assert!(bands.contains(band), "no {band}: {bands:?}");
    }
    let self_harm = fired["phq-9/self-harm"] as f64;
    let phq9 = screenings.iter().filter(|s| s.1 == "phq-9").count() as f64;
    assert!(
        self_harm / phq9 < 0.1,
        "item 9 is positive in {self_harm} of {phq9}"
    );
}

#[test]
fn signed_in_the_past_year_by_the_coordinator_of_an_enrolled_member() {
    let dir = tempfile::tempdir().unwrap();
    let (path, _) = generate(dir.path(), PATIENTS, 3);
    let conn = Connection::open(&path).unwrap();
    let wrong = |sql: &str| {
        let n = one(&conn, sql);
        assert_eq!(n, 0, "{n} screenings: {sql}");
    };
    wrong("SELECT count(*) FROM screening WHERE status <> 'completed' OR signed_at IS NULL");
    wrong(
        "SELECT count(*) FROM screening s JOIN patient p ON p.id = s.patient_id
          WHERE p.enrollment_status <> 'enrolled' OR s.author_id <> p.coordinator_id
             OR s.signed_by <> p.coordinator_id",
    );
    wrong(
        "SELECT count(*) FROM screening s JOIN patient p ON p.id = s.patient_id
          WHERE s.signed_at > '2026-11-24T14:00:00Z' OR s.signed_at < '2025-11-24'
             OR date(s.signed_at) < p.enrolled_on OR s.started_at >= s.signed_at",
    );
    // A fired safety rule's flag and escalation task: raised and closed.
    let raised = one(
        &conn,
        "SELECT count(*) FROM screening WHERE safety_raised_at IS NOT NULL",
    );
    assert!(raised > 0);
    assert_eq!(
        raised,
        one(
            &conn,
            "SELECT count(*) FROM task WHERE description LIKE 'Safety escalation (PHQ-9)%'
               AND status = 'completed' AND priority = 'stat'"
        )
    );
    assert_eq!(
        raised,
        one(
            &conn,
            "SELECT count(*) FROM patient_flag WHERE text LIKE 'PHQ-9: %' AND kind = 'safety' AND active = 0"
        )
    );
    wrong("SELECT count(*) FROM patient_flag WHERE text LIKE 'PHQ-9: %' AND kind = 'safety' AND active = 1");
    // The user's caseload, which the demo shows, has a fuller history.
    let share = |who: &str| {
        one(
            &conn,
            &format!(
                "SELECT count(DISTINCT s.patient_id) * 1000 / (SELECT count(*) FROM patient p
                   JOIN practitioner c ON c.id = p.coordinator_id
                  WHERE c.username {who} AND p.enrollment_status = 'enrolled')
                   FROM screening s JOIN patient p ON p.id = s.patient_id
                   JOIN practitioner c ON c.id = p.coordinator_id WHERE c.username {who}"
            ),
        )
    };
    assert!(share("= 'ccuser'") > share("<> 'ccuser'"));
}

#[test]
fn the_history_is_the_same_for_a_seed() {
    let dir = tempfile::tempdir().unwrap();
    let [a, b] = ["a", "b"].map(|n| {
        let d = dir.path().join(n);
        std::fs::create_dir_all(&d).unwrap();
        d
    });
    let dump = |path: &Path| {
        let conn = Connection::open(path).unwrap();
        let mut rows = Vec::new();
        for sql in [
            "SELECT id, patient_id, instrument, started_at, signed_at, total, band FROM screening
              ORDER BY id",
            "SELECT screening_id, item, chosen, label, score, code FROM screening_answer
              ORDER BY screening_id, position",
        ] {
            let mut stmt = conn.prepare(sql).unwrap();
            let columns = stmt.column_count();
            let mut q = stmt.query([]).unwrap();
            while let Some(row) = q.next().unwrap() {
                let values: Vec<String> = (0..columns)
                    .map(|i| format!("{:?}", row.get_ref(i).unwrap()))
                    .collect();
                rows.push(values.join("|"));
            }
        }
        rows
    };
    let (path_a, report_a) = generate(&a, 200, 9);
    let (path_b, report_b) = generate(&b, 200, 9);
    assert_eq!(report_a, report_b);
    let rows = dump(&path_a);
    assert!(!rows.is_empty());
    assert!(
        rows == dump(&path_b),
        "same seed, same date: same screenings"
    );
}
