//! `tend import fhir --member-id SYSTEM`: FHIR R4 written by an
//! independent generator (carebundle, US Core 6.1.0: transaction bundles
//! and Bulk Data NDJSON), imported by the built binary. Counts per type,
//! the rows it maps, the same data twice, a later export that changes what
//! it sent (and a row a user changed meanwhile), a patient without a member
//! ID, another FHIR version, 10,000 patients streamed, and the validator
//! over tend's export after such an import. Then the FHIR specification's
//! own examples (a folder of resources, then a search's Bundle of them):
//! coverage, care team, goals, and a stay whose clocks the rules start.

#[path = "fhir/carebundle.rs"]
mod carebundle;
mod common;
#[path = "fhir/external_run.rs"]
mod external_run;
#[path = "fhir/setup.rs"]
mod setup;
#[path = "fhir/spec_examples.rs"]
mod spec_examples;
#[path = "fhir/validator.rs"]
mod validator;

use std::path::Path;
use std::process::{Command, Output};

use carebundle::MEMBER_SYSTEM;
use external_run::{import_as, ok, one, stderr, stdout, strings, tables, tend, validated_export};
use rusqlite::Connection;
use serde_json::Value;

/// `tend import fhir PATH` with carebundle's member ID system.
fn import(db: &Path, path: &Path, args: &[&str]) -> Output {
    import_as(db, path, MEMBER_SYSTEM, args)
}

#[test]
fn a_us_core_bundle_imports_with_counts_per_type_and_again_changes_nothing() {
    let dir = tempfile::tempdir().unwrap();
    let data = dir.path().join("data");
    carebundle::generate(
        &data,
        &[
            "--profile",
            "type2_diabetes",
            "--count",
            "1",
            "--seed",
            "42",
        ],
    );
    let bundle = data.join("type2_diabetes-42-0000.json");
    let json: Value = serde_json::from_str(&std::fs::read_to_string(&bundle).unwrap()).unwrap();
    assert_eq!(json["type"], "transaction");
    let patient = &json["entry"][0]["resource"];
    let member_id = patient["identifier"][0]["value"].as_str().unwrap();

    let db = dir.path().join("t.db");
    let said = ok(import(&db, &bundle, &[]));
    assert_eq!(
        said.lines().skip(1).collect::<Vec<_>>(),
        [
            "Condition: 4 created, 0 updated, 0 unchanged, 0 kept as tend holds them.",
            "Encounter: 1 created, 0 updated, 0 unchanged, 0 kept as tend holds them.",
            "MedicationRequest: 4 created, 0 updated, 0 unchanged, 0 kept as tend holds them.",
            "skipped (not held by tend): 30 Observation, 5 DiagnosticReport, 1 Practitioner.",
            "passed over: 4 Observation (no goal of the patient tracks it).",
        ],
        "{said}"
    );
    assert!(said.starts_with(&format!(
        "Imported {} into {}: members 1 created, 0 updated, 0 unchanged, 0 kept",
        bundle.display(),
        db.display()
    )));

    // The member, as the generator wrote them.
    let (family, given, born, sex): (String, String, String, String) = Connection::open(&db)
        .unwrap()
        .query_row(
            "SELECT family_name, given_name, birth_date, sex FROM patient WHERE member_id = ?1",
            [member_id],
            |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?, r.get(3)?)),
        )
        .unwrap();
    assert_eq!(
        (family.as_str(), given.as_str(), born.as_str(), sex.as_str()),
        (
            patient["name"][0]["family"].as_str().unwrap(),
            patient["name"][0]["given"][0].as_str().unwrap(),
            patient["birthDate"].as_str().unwrap(),
            patient["gender"].as_str().unwrap(),
        )
    );
    // The problem list by ICD-10-CM code, the prescriptions by name.
    let sent_codes: Vec<String> = json["entry"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|e| e["resource"]["resourceType"] == "Condition")
        .map(|e| {
            e["resource"]["code"]["coding"][0]["code"]
                .as_str()
                .unwrap()
                .to_string()
        })
        .collect();
    let mut codes = strings(
        &db,
        "SELECT code FROM condition WHERE clinical_status = 'active'",
    );
    let mut expected = sent_codes.clone();
    codes.sort();
    expected.sort();
    assert_eq!(codes, expected);
    assert_eq!(
        strings(
            &db,
            "SELECT name FROM medication WHERE status = 'active' ORDER BY name"
        ),
        [
            "amlodipine 5 MG Oral Tablet",
            "atorvastatin 20 MG Oral Tablet",
            "lisinopril 10 MG Oral Tablet",
            "metformin hydrochloride 500 MG Oral Tablet"
        ]
    );

    // The ambulatory visit, an office visit to tend: no clock of its own.
    assert_eq!(
        strings(&db, "SELECT class || '|' || status FROM encounter"),
        ["outpatient|finished"]
    );
    assert_eq!(one::<i64>(&db, "SELECT count(*) FROM transition_clock"), 0);

    let before = tables(&db);
    let again = ok(import(&db, &bundle, &[]));
    assert!(
        again.contains("members 0 created, 0 updated, 1 unchanged, 0 kept"),
        "{again}"
    );
    assert!(
        again.contains("Condition: 0 created, 0 updated, 4 unchanged, 0 kept"),
        "{again}"
    );
    assert_eq!(tables(&db), before, "the same bundle again changes nothing");

    // A coordinator's goal on the HbA1c: the lab's result comes in as its
    // progress (and only once).
    let a1c = json["entry"]
        .as_array()
        .unwrap()
        .iter()
        .map(|e| &e["resource"])
        .find(|r| r["code"]["coding"][0]["code"] == "4548-4")
        .unwrap();
    Connection::open(&db)
        .unwrap()
        .execute(
            "INSERT INTO goal (patient_id, description, lifecycle_status, measure)
             VALUES (1, 'Keep my sugar in range', 'active', 'HbA1c below 8%')",
            [],
        )
        .unwrap();
    for _ in 0..2 {
        ok(import(&db, &bundle, &[]));
    }
    assert_eq!(
        strings(
            &db,
            "SELECT recorded_on || '|' || note || '|' || value FROM goal_progress"
        ),
        [format!(
            "{}|HbA1c {} % (imported)|{}",
            &a1c["effectiveDateTime"].as_str().unwrap()[..10],
            a1c["valueQuantity"]["value"],
            a1c["valueQuantity"]["value"].as_f64().unwrap()
        )]
    );
}

/// A bulk export of `count` patients, with the member ID of one of them
/// taken out when `without_member` names its line.
fn bulk(dir: &Path, count: &str) -> std::path::PathBuf {
    let data = dir.join("bulk");
    carebundle::generate(
        &data,
        &[
            "--profile",
            "mixed",
            "--count",
            count,
            "--seed",
            "7",
            "--format",
            "ndjson",
        ],
    );
    data
}

fn lines(file: &Path) -> Vec<Value> {
    std::fs::read_to_string(file)
        .unwrap()
        .lines()
        .map(|l| serde_json::from_str(l).unwrap())
        .collect()
}

fn write_lines(file: &Path, values: &[Value]) {
    let text: String = values.iter().map(|v| format!("{v}\n")).collect();
    std::fs::write(file, text).unwrap();
}

#[test]
fn a_patient_without_the_member_id_is_listed_and_partial_leaves_it_and_its_records_out() {
    let dir = tempfile::tempdir().unwrap();
    let data = bulk(dir.path(), "20");
    let patients = data.join("Patient.ndjson");
    let mut all = lines(&patients);
    let third = all[2]["id"].as_str().unwrap().to_string();
    all[2].as_object_mut().unwrap().remove("identifier");
    write_lines(&patients, &all);
    let theirs = lines(&data.join("Condition.ndjson"))
        .iter()
        .filter(|c| c["subject"]["reference"] == format!("Patient/{third}"))
        .count();

    let db = dir.path().join("t.db");
    let refused = import(&db, &data, &[]);
    assert!(!refused.status.success());
    assert_eq!(
        stderr(&refused),
        format!(
            "Patient.ndjson:3: identifier has no {MEMBER_SYSTEM}\n\
             tend: cannot import {}: 1 problem; nothing was imported\n",
            data.display()
        )
    );
    assert!(
        !stderr(&refused).contains(&third),
        "the problem names the place, not the values"
    );
    assert_eq!(one::<i64>(&db, "SELECT count(*) FROM patient"), 0);
    assert_eq!(one::<i64>(&db, "SELECT count(*) FROM condition"), 0);

    let partial = import(&db, &data, &["--partial"]);
    assert!(partial.status.success(), "{}", stderr(&partial));
    assert_eq!(
        stderr(&partial),
        format!("left out: Patient.ndjson:3: identifier has no {MEMBER_SYSTEM}\n")
    );
    assert!(
        stdout(&partial).contains("members 19 created"),
        "{}",
        stdout(&partial)
    );
    assert!(stdout(&partial).contains("left out: 1 problem (listed on standard error)."));
    let all_conditions = lines(&data.join("Condition.ndjson")).len() as i64;
    assert_eq!(
        one::<i64>(&db, "SELECT count(*) FROM condition"),
        all_conditions - theirs as i64,
        "the left-out patient's conditions are left out with them"
    );
}

#[test]
fn a_later_export_updates_what_it_sent_and_keeps_what_a_user_changed_since() {
    let dir = tempfile::tempdir().unwrap();
    let data = bulk(dir.path(), "20");
    let db = dir.path().join("t.db");
    ok(import(&db, &data, &[]));

    // Two conditions the system will send again as resolved: a user of
    // tend marked the first inactive meanwhile.
    let file = data.join("Condition.ndjson");
    let mut conditions = lines(&file);
    let (a, b) = (0, 1);
    let code_of = |c: &Value| c["code"]["coding"][0]["code"].as_str().unwrap().to_string();
    let owner = |c: &Value| {
        let reference = c["subject"]["reference"].as_str().unwrap();
        let id = reference.trim_start_matches("Patient/");
        let patient = lines(&data.join("Patient.ndjson"))
            .into_iter()
            .find(|p| p["id"] == id)
            .unwrap();
        patient["identifier"][0]["value"]
            .as_str()
            .unwrap()
            .to_string()
    };
    let row_of = |c: &Value| {
        format!(
            "FROM condition WHERE code = '{}' AND patient_id =
               (SELECT id FROM patient WHERE member_id = '{}')",
            code_of(c),
            owner(c)
        )
    };
    let (row_a, row_b) = (row_of(&conditions[a]), row_of(&conditions[b]));
    Connection::open(&db)
        .unwrap()
        .execute(&format!("UPDATE condition SET clinical_status = 'inactive' WHERE rowid IN (SELECT rowid {row_a})"), [])
        .unwrap();
    for i in [a, b] {
        conditions[i]["clinicalStatus"]["coding"][0]["code"] = "resolved".into();
    }
    write_lines(&file, &conditions);
    // And a member's new family name.
    let patients_file = data.join("Patient.ndjson");
    let mut patients = lines(&patients_file);
    patients[5]["name"][0]["family"] = "Newname".into();
    let renamed = patients[5]["identifier"][0]["value"]
        .as_str()
        .unwrap()
        .to_string();
    write_lines(&patients_file, &patients);

    let said = ok(import(&db, &data, &[]));
    assert!(
        said.contains("members 0 created, 1 updated, 19 unchanged, 0 kept"),
        "{said}"
    );
    assert!(said.contains("Condition: 0 created, 1 updated, "), "{said}");
    assert!(
        said.contains(" unchanged, 1 kept as tend holds them."),
        "{said}"
    );
    assert!(
        said.contains(
            "kept as tend holds them (changed in tend since, or there before): Condition.ndjson:1."
        ),
        "{said}"
    );
    assert_eq!(
        one::<String>(&db, &format!("SELECT clinical_status {row_a}")),
        "inactive",
        "the user's change stays"
    );
    assert_eq!(
        one::<String>(&db, &format!("SELECT clinical_status {row_b}")),
        "resolved",
        "the system's change is taken"
    );
    assert_eq!(
        one::<String>(
            &db,
            &format!("SELECT family_name FROM patient WHERE member_id = '{renamed}'")
        ),
        "Newname"
    );
    // And once more: nothing new, and the row the two disagree on said
    // again, until someone reconciles them.
    let before = tables(&db);
    let again = ok(import(&db, &data, &[]));
    assert!(
        again.contains("members 0 created, 0 updated, 20 unchanged"),
        "{again}"
    );
    assert!(
        again.contains("Condition: 0 created, 0 updated, ")
            && again.contains(" unchanged, 1 kept as tend holds them.")
            && again.contains("(changed in tend since, or there before): Condition.ndjson:1."),
        "{again}"
    );
    assert_eq!(tables(&db), before);
    // The coordinator takes the system's word: agreed, nothing kept.
    Connection::open(&db)
        .unwrap()
        .execute(&format!("UPDATE condition SET clinical_status = 'resolved' WHERE rowid IN (SELECT rowid {row_a})"), [])
        .unwrap();
    let agreed = ok(import(&db, &data, &[]));
    assert!(!agreed.contains("kept as tend holds them ("), "{agreed}");
}

#[test]
fn a_resource_of_another_fhir_version_is_refused_by_name() {
    let dir = tempfile::tempdir().unwrap();
    let data = bulk(dir.path(), "3");
    let file = data.join("Condition.ndjson");
    let mut conditions = lines(&file);
    conditions[1]["meta"]["profile"] =
        serde_json::json!(["http://hl7.org/fhir/StructureDefinition/Condition|5.0.0"]);
    write_lines(&file, &conditions);
    let db = dir.path().join("t.db");
    let out = import(&db, &data, &[]);
    assert!(!out.status.success());
    assert!(
        stderr(&out).contains("Condition.ndjson:2: it is FHIR R5 (its meta.profile says so), and tend reads FHIR R4 only"),
        "{}",
        stderr(&out)
    );
    assert_eq!(
        one::<i64>(&db, "SELECT count(*) FROM patient"),
        0,
        "nothing was imported"
    );

    // An Observation of a kind no goal tracks is not parsed in the
    // measurements' pass, but one of R5 is still told by an element R4
    // lacks.
    write_lines(&file, &lines(&file)[..1]);
    let file = data.join("Observation.ndjson");
    let mut observations = lines(&file);
    let untracked = observations
        .iter()
        .position(|o| !o.to_string().contains("\"4548-4\""))
        .unwrap();
    observations[untracked]["triggeredBy"] = serde_json::json!([]);
    write_lines(&file, &observations);
    let out = import(&db, &data, &[]);
    assert!(
        stderr(&out).contains(&format!(
            "Observation.ndjson:{}: it is FHIR R5 (it has triggeredBy, which R4 does not)",
            untracked + 1
        )),
        "{}",
        stderr(&out)
    );
}

#[test]
fn ten_thousand_patients_of_ndjson_stream_in_and_tends_export_of_them_validates() {
    let dir = tempfile::tempdir().unwrap();
    let data = bulk(dir.path(), "100");
    let big = dir.path().join("big");
    carebundle::multiplied(&data, &big, 100);
    let conditions = lines(&big.join("Condition.ndjson")).len();
    let db = dir.path().join("t.db");
    let said = ok(import(&db, &big, &[]));
    assert!(
        said.contains("members 10000 created, 0 updated, 0 unchanged, 0 kept"),
        "{said}"
    );
    assert_eq!(one::<i64>(&db, "SELECT count(*) FROM patient"), 10_000);
    assert_eq!(
        one::<i64>(&db, "SELECT count(*) FROM condition") as usize,
        conditions
    );
    assert_eq!(
        one::<i64>(&db, "SELECT count(*) FROM import_source"),
        one::<i64>(
            &db,
            "SELECT (SELECT count(*) FROM patient) + (SELECT count(*) FROM condition)
                  + (SELECT count(*) FROM medication) + (SELECT count(*) FROM allergy)
                  + (SELECT count(*) FROM encounter)"
        ),
        "every row keeps where it came from"
    );

    // tend's own export of a few of them, to the independent validator.
    // (Consent to share is tend's to record: an import brings none, and the
    // export leaves out whoever has none.)
    Connection::open(&db)
        .unwrap()
        .execute(
            "UPDATE patient SET consent_status = 'active' WHERE id IN (SELECT id FROM patient LIMIT 50)",
            [],
        )
        .unwrap();
    let bundle = dir.path().join("export.json");
    ok(tend(
        &db,
        &[
            "export",
            "fhir",
            "--out",
            bundle.to_str().unwrap(),
            "--skip-damaged",
        ],
    ));
    let validated = validator::validate(&bundle);
    assert!(validated.contains("Patient 50"), "{validated}");
    assert!(validated.contains("Condition "), "{validated}");
}

/// The specification's examples about its patient "example", as another
/// system might send them one resource a file: the Coverage made current
/// and a Medicaid one, the care team's adviser still on it, the emergency
/// stay finished last week with a discharge home.
fn spec_folder(dir: &Path) -> std::path::PathBuf {
    use spec_examples::example;
    let folder = dir.join("spec");
    std::fs::create_dir_all(&folder).unwrap();
    let write = |name: &str, value: &Value| {
        std::fs::write(folder.join(format!("{name}.json")), value.to_string()).unwrap();
    };
    for name in [
        "Patient-example",
        "AllergyIntolerance-example",
        "AllergyIntolerance-fishallergy",
        "AllergyIntolerance-medication",
        "AllergyIntolerance-nkla",
        "Condition-example",
        "Condition-example2",
        "Condition-family-history",
        "Condition-stroke",
        "Goal-example",
        "Goal-stop-smoking",
        "CarePlan-example",
        "Observation-bmi",
        "Observation-example",
        "Practitioner-example",
        "Encounter-home",
    ] {
        write(name, &example(name));
    }
    let mut coverage = example("Coverage-9876B1");
    coverage["beneficiary"] = serde_json::json!({"reference": "Patient/example"});
    coverage["period"] = serde_json::json!({"start": "2026-01-01"});
    coverage["type"] =
        serde_json::json!({"coding": [{"system": "https://nahdo.org/sopt", "code": "2"}]});
    coverage["subscriberId"] = "ZZ12345Q".into();
    write("Coverage-9876B1", &coverage);
    let mut team = example("CareTeam-example");
    team["participant"][1]
        .as_object_mut()
        .unwrap()
        .remove("period");
    write("CareTeam-example", &team);
    let mut stay = example("Encounter-emerg");
    stay["status"] = "finished".into();
    stay["period"] = serde_json::json!({
        "start": "2026-11-18T07:15:00-05:00", "end": "2026-11-20T10:00:00-05:00"
    });
    stay["hospitalization"]["dischargeDisposition"] = serde_json::json!({"coding": [{
        "system": "http://terminology.hl7.org/CodeSystem/discharge-disposition", "code": "home"
    }]});
    write("Encounter-emerg", &stay);
    folder
}

#[test]
fn the_specifications_examples_come_in_as_record_care_team_goals_and_a_stay_with_its_clocks() {
    let dir = tempfile::tempdir().unwrap();
    let folder = spec_folder(dir.path());
    let db = dir.path().join("t.db");
    let said = ok(import_as(&db, &folder, spec_examples::MRN_SYSTEM, &[]));
    assert_eq!(
        said.lines().skip(1).collect::<Vec<_>>(),
        [
            "Coverage: 1 in force, read into their members' plan and Medicaid ID.",
            "AllergyIntolerance: 3 created, 0 updated, 0 unchanged, 0 kept as tend holds them.",
            "CareTeam member: 1 created, 0 updated, 0 unchanged, 0 kept as tend holds them.",
            "Condition: 2 created, 0 updated, 0 unchanged, 0 kept as tend holds them.",
            "Encounter: 1 created, 0 updated, 0 unchanged, 0 kept as tend holds them.",
            "Goal: 2 created, 0 updated, 0 unchanged, 0 kept as tend holds them.",
            "Observation (goal progress): 1 created, 0 updated, 0 unchanged, 0 kept as tend holds them.",
            "skipped (not held by tend): 1 Practitioner.",
            "passed over: 2 Condition (an encounter diagnosis), 1 AllergyIntolerance (a statement \
             of no known allergy), 1 CarePlan activity (done before tend had it), 1 Encounter (of \
             a class tend does not keep), 1 Observation (no goal of the patient tracks it).",
        ],
        "{said}"
    );
    // The member: the official name, no phone or state tend could dial or
    // file (the example's are Australian), the plan and Medicaid ID from
    // the coverage.
    assert_eq!(
        strings(
            &db,
            "SELECT family_name || '|' || given_name || '|' || birth_date || '|' || sex || '|'
                    || coalesce(phone_primary, '-') || '|' || address_line || '|' || city || '|'
                    || coalesce(state, '-') || '|' || plan_name || '|' || medicaid_id
               FROM patient WHERE member_id = '12345'"
        ),
        [
            "Chalmers|Peter James|1974-12-25|male|-|534 Erewhon St|PleasantVille|-|\
          Full Coverage: Medical, Dental, Pharmacy, Vision, EHC|ZZ12345Q"
        ]
    );
    assert_eq!(
        strings(
            &db,
            "SELECT substance || '|' || criticality FROM allergy ORDER BY id"
        ),
        [
            "Cashew nuts|high",
            "Allergic to fresh fish. Tolerates canned fish|unable-to-assess",
            "Penicillin G|high"
        ]
    );
    assert_eq!(
        strings(&db, "SELECT display FROM condition ORDER BY id"),
        ["Asthma", "Family history of cancer of colon"]
    );
    assert_eq!(
        strings(&db, "SELECT role || '|' || name FROM care_team_member"),
        ["adviser|Dorothy Dietition"]
    );
    assert_eq!(
        strings(
            &db,
            "SELECT description || '|' || lifecycle_status || '|' || coalesce(target_date, '-')
                    || '|' || coalesce(measure, '-') || '|' || priority FROM goal ORDER BY id"
        ),
        [
            "Target weight is 160 to 180 lbs.|on-hold|2016-04-05|Weight Measured 160–180 lbs|\
             high-priority",
            "Stop smoking|completed|-|-|medium-priority"
        ]
    );
    // The body weight, on the goal that tracks weight (the BMI tracks none).
    assert_eq!(
        strings(
            &db,
            "SELECT recorded_on || '|' || note || '|' || value FROM goal_progress"
        ),
        ["2016-03-28|Weight 185 lbs (imported)|185.0"]
    );
    // The stay, and the clocks the rules start for a discharge home on
    // Friday 20 November: contact in two business days, a visit in 14.
    assert_eq!(
        strings(
            &db,
            "SELECT class || '|' || status || '|' || ended_at || '|' || disposition FROM encounter"
        ),
        ["inpatient|finished|2026-11-20T10:00:00|home"]
    );
    assert_eq!(
        strings(
            &db,
            "SELECT kind || '|' || due_on || '|' || (task_id IS NOT NULL) FROM transition_clock
              WHERE met_on IS NULL ORDER BY due_on, kind"
        ),
        [
            "discharge-info|2026-11-22|1",
            "tcm-contact|2026-11-24|1",
            "tcm-visit|2026-12-04|1",
            "med-rec|2026-12-20|1"
        ]
    );

    // The payer's next export names the plan anew: the member's plan follows.
    let coverage_file = folder.join("Coverage-9876B1.json");
    let mut coverage: Value =
        serde_json::from_str(&std::fs::read_to_string(&coverage_file).unwrap()).unwrap();
    for class in coverage["class"].as_array_mut().unwrap() {
        if class["type"]["coding"][0]["code"] == "plan" {
            class["name"] = "Medicaid Managed Care Plus".into();
        }
    }
    std::fs::write(&coverage_file, coverage.to_string()).unwrap();
    let again = ok(import_as(&db, &folder, spec_examples::MRN_SYSTEM, &[]));
    assert!(
        again.contains("members 0 created, 1 updated, 0 unchanged"),
        "{again}"
    );
    assert_eq!(
        strings(&db, "SELECT plan_name FROM patient"),
        ["Medicaid Managed Care Plus"]
    );

    // The same resources as a search's Bundle, each with its server's
    // fullUrl, the references relative: all already here.
    let entries: Vec<Value> = std::fs::read_dir(&folder)
        .unwrap()
        .map(|f| {
            let resource: Value =
                serde_json::from_str(&std::fs::read_to_string(f.unwrap().path()).unwrap()).unwrap();
            let url = format!(
                "https://ehr.example/fhir/{}/{}",
                resource["resourceType"].as_str().unwrap(),
                resource["id"].as_str().unwrap()
            );
            serde_json::json!({"fullUrl": url, "resource": resource, "search": {"mode": "match"}})
        })
        .collect();
    let bundle = dir.path().join("searchset.json");
    std::fs::write(
        &bundle,
        serde_json::json!({"resourceType": "Bundle", "type": "searchset", "entry": entries})
            .to_string(),
    )
    .unwrap();
    let before = tables(&db);
    let again = ok(import_as(&db, &bundle, spec_examples::MRN_SYSTEM, &[]));
    assert!(
        again.contains("members 0 created, 0 updated, 1 unchanged"),
        "{again}"
    );
    assert!(
        again.contains("Encounter: 0 created, 0 updated, 1 unchanged"),
        "{again}"
    );
    assert_eq!(
        tables(&db),
        before,
        "the same resources in a bundle change nothing"
    );

    // tend's export of all of it, through the independent validator.
    let validated = validated_export(&db, dir.path());
    for kind in [
        "Patient 1",
        "CareTeam 1",
        "Goal 2",
        "Encounter 1",
        "Observation 1",
    ] {
        assert!(validated.contains(kind), "{kind} in {validated}");
    }

    // The member ID as the coverage's subscriber ID, into another database.
    let other = dir.path().join("other.db");
    ok(import_as(&other, &folder, "Coverage.subscriberId", &[]));
    assert_eq!(
        strings(&other, "SELECT member_id FROM patient"),
        ["ZZ12345Q"]
    );
}

#[test]
fn the_member_id_system_may_come_from_the_config() {
    let dir = tempfile::tempdir().unwrap();
    let folder = spec_folder(dir.path());
    let home = dir.path().join("home");
    std::fs::create_dir_all(home.join(".config/tend")).unwrap();
    std::fs::write(
        home.join(".config/tend/config.toml"),
        format!(
            "user = \"ccuser\"\nfhir_member_id = \"{}\"\n",
            spec_examples::MRN_SYSTEM
        ),
    )
    .unwrap();
    let db = dir.path().join("t.db");
    let run = |args: &[&str]| {
        Command::new(env!("CARGO_BIN_EXE_tend"))
            .args([
                "--db",
                db.to_str().unwrap(),
                "import",
                "fhir",
                folder.to_str().unwrap(),
            ])
            .args(args)
            .env_clear()
            .env("HOME", &home)
            .env("USER", "ccuser")
            .env("TEND_NOW", common::NOW)
            .output()
            .unwrap()
    };
    let said = ok(run(&[]));
    assert!(said.contains("members 1 created"), "{said}");
    assert_eq!(strings(&db, "SELECT member_id FROM patient"), ["12345"]);
    // --member-id wins over the config.
    let refused = run(&["--member-id", "urn:other"]);
    assert!(!refused.status.success());
    assert!(
        stderr(&refused).contains("Patient-example.json: identifier has no urn:other"),
        "{}",
        stderr(&refused)
    );
}

#[test]
fn a_psychiatric_stays_diagnosis_starts_its_mental_health_follow_up_clocks() {
    // The specification's stroke, made schizophrenia (F20.9), as the
    // encounter diagnosis of the stay: named by the Condition, or listed
    // by the Encounter.
    for listed_by_the_encounter in [false, true] {
        let dir = tempfile::tempdir().unwrap();
        let folder = spec_folder(dir.path());
        let mut condition = spec_examples::example("Condition-stroke");
        condition["code"] = serde_json::json!({"coding": [{
            "system": "http://hl7.org/fhir/sid/icd-10-cm", "code": "F20.9",
            "display": "Schizophrenia, unspecified"
        }]});
        let stay_file = folder.join("Encounter-emerg.json");
        if listed_by_the_encounter {
            let mut stay: Value =
                serde_json::from_str(&std::fs::read_to_string(&stay_file).unwrap()).unwrap();
            stay["diagnosis"] =
                serde_json::json!([{"condition": {"reference": "Condition/stroke"}, "rank": 1}]);
            std::fs::write(&stay_file, stay.to_string()).unwrap();
        } else {
            condition["encounter"] = serde_json::json!({"reference": "Encounter/emerg"});
        }
        std::fs::write(folder.join("Condition-stroke.json"), condition.to_string()).unwrap();
        let db = dir.path().join("t.db");
        ok(import_as(&db, &folder, spec_examples::MRN_SYSTEM, &[]));
        assert_eq!(
            strings(&db, "SELECT rank || '|' || code FROM encounter_diagnosis"),
            ["1|F20.9"]
        );
        assert_eq!(
            strings(
                &db,
                "SELECT kind || '|' || due_on FROM transition_clock
                  WHERE kind LIKE 'fuh%' ORDER BY due_on"
            ),
            ["fuh-7|2026-11-27", "fuh-30|2026-12-20"],
            "discharged Friday 20 November: a mental health visit within 7 and 30 days"
        );
    }
}

#[test]
fn bad_input_is_named_by_its_file_line_or_entry_and_nothing_is_written() {
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("t.db");
    let write = |name: &str, text: &str| {
        let path = dir.path().join(name);
        std::fs::create_dir_all(path.parent().unwrap()).unwrap();
        std::fs::write(&path, text).unwrap();
        path
    };
    let patient = r#"{"resourceType":"Patient","id":"a","name":[{"family":"Testa","given":["Una"]}],"birthDate":"1970-01-02","identifier":[{"system":"urn:x","value":"M1"}]}"#;
    let cases = [
        (
            write("not.json", "not json"),
            "not.json: it is not valid JSON: expected ident at line 1, column 2",
        ),
        (
            write(
                "nd/Patient.ndjson",
                &format!("{patient}\n{{\"resourceType\": \"Patient\", oops}}\n"),
            ),
            "Patient.ndjson:2: it is not valid JSON: key must be a string at line 1, column 29",
        ),
        (
            write(
                "escape.json",
                &patient.replace("\"M1\"", "\"M\\u001b[31m1\""),
            ),
            "escape.json: identifier of urn:x holds a control or invisible character; \
             a member ID is text only",
        ),
        (
            write(
                "entry.json",
                r#"{"resourceType":"Bundle","type":"batch","entry":[{"fullUrl":"urn:uuid:1"}]}"#,
            ),
            "entry.json, entry 0: the entry has no resource",
        ),
        (
            write(
                "orphan.json",
                r#"{"resourceType":"Condition","code":{"text":"Asthma"},"subject":{"reference":"Patient/nobody"}}"#,
            ),
            "orphan.json: subject.reference names no Patient of the input",
        ),
    ];
    for (path, said) in cases {
        let out = tend(
            &db,
            &[
                "import",
                "fhir",
                path.to_str().unwrap(),
                "--member-id",
                "urn:x",
            ],
        );
        assert!(!out.status.success());
        assert_eq!(
            stderr(&out),
            format!(
                "{said}\ntend: cannot import {}: 1 problem; nothing was imported\n",
                path.display()
            )
        );
        assert!(!db.exists() || one::<i64>(&db, "SELECT count(*) FROM patient") == 0);
    }
    // A bundle from elsewhere, without --member-id: tend's own import says
    // how to name the member ID.
    let foreign = write(
        "foreign.json",
        &format!(
            r#"{{"resourceType":"Bundle","type":"collection","entry":[{{"resource":{patient}}}]}}"#
        ),
    );
    let out = tend(&db, &["import", "fhir", foreign.to_str().unwrap()]);
    assert!(
        stderr(&out)
            .contains("name the identifier system of its member IDs with --member-id SYSTEM"),
        "{}",
        stderr(&out)
    );
}

#[test]
fn a_batch_response_holding_a_search_is_read_through_and_request_only_entries_are_passed() {
    // The specification's answer to a batch of searches: the patient, and
    // a searchset Bundle of their conditions inside it.
    let dir = tempfile::tempdir().unwrap();
    let bundle = dir.path().join("response.json");
    let response = spec_examples::example("Bundle-bundle-response-simplesummary");
    assert_eq!(response["type"], "batch-response");
    std::fs::write(&bundle, response.to_string()).unwrap();
    let db = dir.path().join("t.db");
    let said = ok(import_as(&db, &bundle, spec_examples::MRN_SYSTEM, &[]));
    assert_eq!(
        said.lines().skip(1).collect::<Vec<_>>(),
        [
            "Condition: 2 created, 0 updated, 0 unchanged, 0 kept as tend holds them.",
            "passed over: 2 Condition (an encounter diagnosis).",
        ],
        "{said}"
    );
    // A transaction whose entries include a read and a delete (requests
    // without a resource): read past, its patients named by what they lack.
    let transaction = dir.path().join("transaction.json");
    std::fs::write(
        &transaction,
        spec_examples::example("Bundle-bundle-transaction").to_string(),
    )
    .unwrap();
    let out = import_as(&db, &transaction, spec_examples::MRN_SYSTEM, &[]);
    assert!(!out.status.success());
    assert!(
        stderr(&out).starts_with(&format!(
            "transaction.json, entry 0: identifier has no {}\n",
            spec_examples::MRN_SYSTEM
        )),
        "{}",
        stderr(&out)
    );
    assert!(
        !stderr(&out).contains("has no resource"),
        "{}",
        stderr(&out)
    );
}
