//! `tend import fhir --member-id SYSTEM` with a CarePlan another system
//! sent: the FHIR R4 specification's example "integrate" (a care
//! coordination plan of five goals and twelve activities, its goals
//! contained in it), imported by the built binary. Its goals become the
//! patient's goals, its activities still to do their interventions, owned
//! by the patient's coordinator; the same plan again changes nothing; a
//! later plan closes what it marks done, and what a coordinator changed
//! meanwhile is kept and said; tend's export of it all passes the
//! independent validator. Then the specification's "example" plan: in a
//! Bundle before the Goal it names, and with an intervention a coordinator
//! had already written from it (linked, not made twice).

mod common;
#[path = "fhir/external_run.rs"]
mod external_run;
#[path = "fhir/setup.rs"]
mod setup;
#[path = "fhir/spec_examples.rs"]
mod spec_examples;
#[path = "fhir/validator.rs"]
mod validator;

use std::path::{Path, PathBuf};

use external_run::{import_as, ok, strings, tables, tend};
use rusqlite::Connection;
use serde_json::Value;
use spec_examples::{example, MRN_SYSTEM};

/// The specification's patient "example" and its "integrate" care plan,
/// which names a patient the examples do not hold, made that patient's.
fn plan_folder(dir: &Path) -> (PathBuf, Value) {
    let folder = dir.join("plan");
    std::fs::create_dir_all(&folder).unwrap();
    let mut plan = example("CarePlan-integrate");
    plan["subject"] = serde_json::json!({ "reference": "Patient/example" });
    std::fs::write(
        folder.join("Patient-example.json"),
        example("Patient-example").to_string(),
    )
    .unwrap();
    (folder, plan)
}

/// A collection Bundle of `resources`, written into `folder`.
fn collection<const N: usize>(folder: &Path, resources: [Value; N]) -> PathBuf {
    let entries: Vec<Value> = resources
        .into_iter()
        .map(|resource| serde_json::json!({ "resource": resource }))
        .collect();
    let bundle = folder.join(format!("bundle-{N}.json"));
    std::fs::write(
        &bundle,
        serde_json::json!({ "resourceType": "Bundle", "type": "collection", "entry": entries })
            .to_string(),
    )
    .unwrap();
    bundle
}

/// The spec's "example" plan with its activity made one still to do.
fn weight_plan() -> Value {
    let mut plan = example("CarePlan-example");
    plan["activity"][0]["detail"]["status"] = "scheduled".into();
    plan["activity"][0]["detail"]["scheduledTiming"] =
        serde_json::json!({ "event": ["2026-12-07T09:00:00Z"] });
    plan
}

fn write_plan(folder: &Path, plan: &Value) {
    std::fs::write(folder.join("CarePlan-integrate.json"), plan.to_string()).unwrap();
}

/// The plan's tasks: words, status, due day, goal (its first words) and
/// owner, in the order they were made.
fn tasks(db: &Path) -> Vec<String> {
    strings(
        db,
        "SELECT substr(t.description, 1, 32) || '|' || t.status || '|' || coalesce(t.due_on, '-')
                || '|' || coalesce(substr(g.description, 1, 24), '-')
                || '|' || coalesce(p.username, '-')
           FROM task t LEFT JOIN goal g ON g.id = t.goal_id
           LEFT JOIN practitioner p ON p.id = t.owner_id ORDER BY t.id",
    )
}

#[test]
fn a_care_plans_goals_and_activities_come_in_as_goals_and_their_interventions() {
    let dir = tempfile::tempdir().unwrap();
    let (folder, mut plan) = plan_folder(dir.path());
    let db = dir.path().join("t.db");
    // The member is in tend first, with a coordinator.
    ok(import_as(&db, &folder, MRN_SYSTEM, &[]));
    let conn = Connection::open(&db).unwrap();
    conn.execute_batch(
        "INSERT INTO practitioner (username, display_name) VALUES ('kim', 'Kim Coordinator');
         UPDATE patient SET coordinator_id = (SELECT id FROM practitioner WHERE username = 'kim');",
    )
    .unwrap();
    write_plan(&folder, &plan);

    let said = ok(import_as(&db, &folder, MRN_SYSTEM, &[]));
    assert_eq!(
        said.lines().skip(1).collect::<Vec<_>>(),
        [
            "CarePlan activity: 10 created, 0 updated, 0 unchanged, 0 kept as tend holds them.",
            "Goal: 5 created, 0 updated, 0 unchanged, 0 kept as tend holds them.",
            "passed over: 2 CarePlan activity (done before tend had it).",
        ],
        "{said}"
    );
    assert_eq!(
        strings(
            &db,
            "SELECT substr(description, 1, 40) || '|' || lifecycle_status FROM goal ORDER BY id"
        ),
        [
            "Eve will lose weight and reduce her GERD|active",
            "Eve will improve her GERDS symptoms|active",
            "Eve will increase her energy by being mo|active",
            "Eve will set up her medications and take|active",
            "Eve will restart her light treatments|active",
        ]
    );
    // Not started: due the day it was to start (long past, so overdue). Under
    // way (or on hold) with no end: due on no day. Each under the goal it
    // names, owned by the member's coordinator.
    assert_eq!(
        tasks(&db),
        [
            "Eve will review photos of high a|requested|2012-09-10|Eve will lose weight and|kim",
            "Eve will ask her dad to asist he|requested|2012-09-10|Eve will lose weight and|kim",
            "Eve will reduce her intake of co|in-progress|-|Eve will improve her GER|kim",
            "Eve will walk her friend's dog u|in-progress|-|Eve will increase her en|kim",
            "Eve will walk 3 blocks to her pa|in-progress|-|Eve will increase her en|kim",
            "Eve will use a calendar to check|in-progress|-|Eve will set up her medi|kim",
            "Eve will use her lights MWF afte|in-progress|-|Eve will restart her lig|kim",
            "Eve will use a calendar of a cha|in-progress|-|Eve will set up her medi|kim",
            "Eve will start using stretch ban|in-progress|-|Eve will increase her en|kim",
            "Eve will open \"The Firm\" DVD wor|in-progress|-|Eve will increase her en|kim",
        ]
    );
    // The two overdue ones are in the team's day.
    let day = ok(tend(&db, &["today", "--all"]));
    assert_eq!(day.matches("Eve will review photos").count(), 1, "{day}");
    assert_eq!(day.matches("Eve will ask her dad").count(), 1, "{day}");
    assert!(!day.contains("Eve will reduce her intake"), "{day}");

    // The same plan again: nothing changes.
    let before = tables(&db);
    let again = ok(import_as(&db, &folder, MRN_SYSTEM, &[]));
    assert!(
        again.contains("CarePlan activity: 0 created, 0 updated, 10 unchanged"),
        "{again}"
    );
    assert_eq!(tables(&db), before, "the same plan twice changes nothing");

    // Meanwhile the coordinator finishes the dog walks in tend; the next
    // plan marks the photos done, puts the dog walks back on hold and
    // moves the dad's to the new year.
    conn.execute(
        "UPDATE task SET status = 'completed', completed_at = '2026-11-23T15:00:00Z'
          WHERE description LIKE 'Eve will walk her friend%'",
        [],
    )
    .unwrap();
    plan["activity"][0]["detail"]["status"] = "completed".into();
    plan["activity"][1]["detail"]["scheduledPeriod"] = serde_json::json!({"start": "2027-01-04"});
    plan["activity"][3]["detail"]["status"] = "on-hold".into();
    plan["activity"][3]["detail"]["description"] = "Eve will walk her friend's dog daily".into();
    write_plan(&folder, &plan);
    let later = ok(import_as(&db, &folder, MRN_SYSTEM, &[]));
    assert!(
        later.contains("CarePlan activity: 0 created, 2 updated, 7 unchanged, 1 kept"),
        "{later}"
    );
    assert!(
        later.contains(
            "kept as tend holds them (changed in tend since, or there before): \
             CarePlan-integrate.json"
        ),
        "{later}"
    );
    let now = tasks(&db);
    assert_eq!(
        now[..4],
        [
            "Eve will review photos of high a|completed|2012-09-10|Eve will lose weight and|kim",
            "Eve will ask her dad to asist he|requested|2027-01-04|Eve will lose weight and|kim",
            "Eve will reduce her intake of co|in-progress|-|Eve will improve her GER|kim",
            "Eve will walk her friend's dog u|completed|-|Eve will increase her en|kim",
        ]
    );
    assert_eq!(
        strings(
            &db,
            "SELECT substr(completed_at, 1, 10) FROM task WHERE description LIKE 'Eve will review%'"
        ),
        ["2026-11-24"],
        "closed on the day of the import that said it was done"
    );

    // The plan ends: what it still held open is cancelled, not done.
    plan["status"] = "revoked".into();
    write_plan(&folder, &plan);
    ok(import_as(&db, &folder, MRN_SYSTEM, &[]));
    assert_eq!(
        strings(
            &db,
            "SELECT status || ' ' || count(*) FROM task GROUP BY status ORDER BY status"
        ),
        ["cancelled 8", "completed 2"]
    );

    // tend's export of it, through the independent validator.
    let validated = external_run::validated_export(&db, dir.path());
    for kind in ["Patient 1", "CarePlan 1", "Goal 5", "Task 10"] {
        assert!(validated.contains(kind), "{kind} in {validated}");
    }
}

#[test]
fn a_plan_naming_the_inputs_goals_ties_its_activities_to_them_in_any_order() {
    let dir = tempfile::tempdir().unwrap();
    // The spec's "example" plan, its activity made one still to do, and
    // the Goal it names; one Bundle, the plan before its goal.
    let plan = weight_plan();
    let mut draft = example("CarePlan-example");
    draft["id"] = "draft".into();
    draft["status"] = "draft".into();
    let bundle = collection(
        dir.path(),
        [
            example("Patient-example"),
            plan,
            draft,
            example("Goal-example"),
        ],
    );
    let db = dir.path().join("t.db");
    let said = ok(import_as(&db, &bundle, MRN_SYSTEM, &[]));
    assert!(said.contains("passed over: 1 CarePlan (draft)."), "{said}");
    // No coordinator yet: no owner, as a transition's clock tasks.
    assert_eq!(
        strings(
            &db,
            "SELECT t.description || '|' || t.status || '|' || t.due_on || '|' || g.description
                    || '|' || (t.owner_id IS NULL)
               FROM task t JOIN goal g ON g.id = t.goal_id"
        ),
        ["Weight Measured|requested|2026-12-07|Target weight is 160 to 180 lbs.|1"]
    );
}

#[test]
fn an_intervention_a_coordinator_wrote_from_the_same_plan_is_linked_not_made_twice() {
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("t.db");
    let first = collection(
        dir.path(),
        [example("Patient-example"), example("Goal-example")],
    );
    ok(import_as(&db, &first, MRN_SYSTEM, &[]));
    // The coordinator writes the plan's step under the goal, due a few
    // days later than the plan will say.
    Connection::open(&db)
        .unwrap()
        .execute(
            "INSERT INTO task (patient_id, kind, description, status, due_on, authored_at, goal_id)
             SELECT patient_id, 'other', 'weight measured', 'requested', '2026-12-10',
                    '2026-11-20T15:00:00Z', id FROM goal",
            [],
        )
        .unwrap();
    let with_plan = collection(
        dir.path(),
        [
            example("Patient-example"),
            weight_plan(),
            example("Goal-example"),
        ],
    );
    for _ in 0..2 {
        let said = ok(import_as(&db, &with_plan, MRN_SYSTEM, &[]));
        assert!(
            said.contains("CarePlan activity: 0 created, 0 updated, 0 unchanged, 1 kept"),
            "{said}"
        );
        assert_eq!(
            strings(&db, "SELECT description || '|' || due_on FROM task"),
            ["weight measured|2026-12-10"],
            "linked and kept as the coordinator wrote it"
        );
    }
}
