//! The community resource directory (issue 17, item 2): an HSDS package
//! the test writes, imported into a real database; re-imports that update
//! by HSDS id, mark removed and bring back; packages refused whole with
//! their exact messages, or imported without their bad rows (`--partial`);
//! the search by words, need domain, language and ZIP; and
//! `tend import resources` run as the built binary.

mod common;

use std::collections::BTreeMap;
use std::path::Path;
use std::process::{Command, Output};

use tend::domain::care_plan::NeedDomain;
use tend::domain::directory::{ImportCounts, ResourceHit, ResourceQuery};
use tend::resources::{ResourceImport, ResourceImportError};
use tend::store::Store;

type Files = BTreeMap<&'static str, String>;

/// A small valid package: two organizations, three services (two at the
/// pantry in ZIP 00012, the shelter in 00057), languages by code, by name
/// and through the pantry's phone, a schedule, taxonomy terms.
fn package() -> Files {
    let mut files = Files::new();
    let mut put = |name, text: &str| files.insert(name, text.to_string());
    put(
        "organization.csv",
        "id,name,description\n\
         org-1,Sample Food Pantry,Groceries for families\n\
         org-2,Sample Housing Help,\n",
    );
    put(
        "service.csv",
        "id,organization_id,name,description,status\n\
         svc-1,org-1,Weekly groceries,Free groceries for families,active\n\
         svc-2,org-2,Emergency shelter,Beds for the night,active\n\
         svc-3,org-1,Holiday meals,,\n",
    );
    put(
        "location.csv",
        "id,organization_id,name\n\
         loc-1,org-1,Pantry on Main\n\
         loc-2,org-2,Shelter on Elm\n\
         loc-3,org-2,Shelter annex\n",
    );
    put(
        "service_at_location.csv",
        "id,service_id,location_id\n\
         sal-1,svc-1,loc-1\n\
         sal-2,svc-2,loc-2\n\
         sal-3,svc-3,loc-1\n",
    );
    put(
        "address.csv",
        "id,location_id,address_1,city,state_province,postal_code,country\n\
         addr-1,loc-1,1 Main St,Sampleton,NY,00012,US\n\
         addr-2,loc-2,2 Elm St,Sampleton,NY,00057-0001,US\n\
         addr-3,loc-3,3 Oak St,Example Falls,NY,00150,US\n",
    );
    put(
        "phone.csv",
        "id,organization_id,service_id,number,extension\n\
         ph-1,org-1,,(555) 555-0101,\n\
         ph-2,,svc-2,555-555-0102,12\n",
    );
    put(
        "language.csv",
        "id,service_id,phone_id,name,code\n\
         lang-1,svc-1,,,es\n\
         lang-2,,ph-1,Haitian Creole,\n\
         lang-3,svc-2,,Spanish,\n",
    );
    put(
        "schedule.csv",
        "id,service_id,freq,byday,opens_at,closes_at\n\
         sch-1,svc-1,WEEKLY,\"MO,WE\",09:00,17:00\n",
    );
    put(
        "taxonomy_term.csv",
        "id,name,parent_id\n\
         t-food,Food,\n\
         t-pantry,Food Pantry,t-food\n\
         t-housing,Housing,\n\
         t-shelter,Temporary Shelter,t-housing\n",
    );
    put(
        "attribute.csv",
        "id,link_id,link_type,link_entity,taxonomy_term_id\n\
         a-1,svc-1,,service,t-pantry\n\
         a-2,svc-2,,service,t-shelter\n\
         a-3,svc-3,,service,t-food\n",
    );
    files
}

/// The package a month later: svc-1 renamed, svc-3 gone, svc-4 new (at the
/// annex, ZIP 00150, another region).
fn next_package() -> Files {
    let mut files = package();
    files.insert(
        "service.csv",
        "id,organization_id,name,description,status\n\
         svc-1,org-1,Weekly groceries and produce,Free groceries for families,active\n\
         svc-2,org-2,Emergency shelter,Beds for the night,active\n\
         svc-4,org-2,Rent assistance,Help paying rent,active\n"
            .into(),
    );
    files.insert(
        "service_at_location.csv",
        "id,service_id,location_id\nsal-1,svc-1,loc-1\nsal-2,svc-2,loc-2\nsal-4,svc-4,loc-3\n"
            .into(),
    );
    files.insert(
        "attribute.csv",
        "id,link_id,link_type,link_entity,taxonomy_term_id\n\
         a-1,svc-1,,service,t-pantry\na-2,svc-2,,service,t-shelter\na-4,svc-4,,service,t-housing\n"
            .into(),
    );
    files
}

fn write(dir: &Path, files: &Files) {
    std::fs::create_dir_all(dir).unwrap();
    for (name, text) in files {
        std::fs::write(dir.join(name), text).unwrap();
    }
}

/// `files` written to a fresh folder and imported into `store`.
fn import(store: &mut Store, files: &Files, partial: bool) -> Result<ImportCounts, String> {
    let dir = tempfile::tempdir().unwrap();
    write(dir.path(), files);
    let import = ResourceImport::read(dir.path(), partial).map_err(|e| e.to_string())?;
    import
        .run(store)
        .map(|report| report.counts)
        .map_err(|e| e.to_string())
}

fn open() -> (tempfile::TempDir, Store) {
    let dir = tempfile::tempdir().unwrap();
    let store = common::open(&dir.path().join("t.db"), "ccuser");
    (dir, store)
}

fn search(store: &Store, query: ResourceQuery) -> Vec<ResourceHit> {
    store
        .search_resources(&ResourceQuery { limit: 20, ..query })
        .unwrap()
}

fn words(store: &Store, typed: &str) -> Vec<String> {
    names(&search(
        store,
        ResourceQuery {
            words: typed.into(),
            ..ResourceQuery::default()
        },
    ))
}

fn names(hits: &[ResourceHit]) -> Vec<String> {
    hits.iter().map(|h| h.name.clone()).collect()
}

fn counts(added: usize, updated: usize, removed: usize, unchanged: usize) -> ImportCounts {
    ImportCounts {
        added,
        updated,
        removed,
        unchanged,
        restored: 0,
    }
}

#[test]
fn a_package_is_imported_with_what_a_referral_needs() {
    let (_dir, mut store) = open();
    assert_eq!(
        import(&mut store, &package(), false),
        Ok(counts(3, 0, 0, 0))
    );
    let all = search(&store, ResourceQuery::default());
    assert_eq!(
        names(&all),
        ["Emergency shelter", "Holiday meals", "Weekly groceries"]
    );
    let groceries = &all[2];
    assert_eq!(groceries.source_id, "svc-1");
    assert_eq!(groceries.organization, "Sample Food Pantry");
    assert_eq!(groceries.phone.as_deref(), Some("(555) 555-0101"));
    assert_eq!(
        groceries.address.as_deref(),
        Some("1 Main St, Sampleton NY 00012")
    );
    assert_eq!(groceries.zip.as_deref(), Some("00012"));
    assert_eq!(groceries.languages, ["es", "ht"]);
    assert_eq!(groceries.schedule.as_deref(), Some("Mon, Wed 09:00–17:00"));
    assert_eq!(groceries.domains, [NeedDomain::Food]);
    assert_eq!(groceries.status.as_deref(), Some("active"));
    assert!(!groceries.removed);
    let shelter = &all[0];
    assert_eq!(shelter.phone.as_deref(), Some("555-555-0102 x12"));
    assert_eq!(shelter.zip.as_deref(), Some("00057"));
    assert_eq!(shelter.domains, [NeedDomain::Housing]);

    let detail = store.resource_service(groceries.id).unwrap().unwrap();
    assert_eq!(
        detail.description.as_deref(),
        Some("Free groceries for families")
    );
    assert_eq!(detail.terms, ["Food Pantry", "Food"]);
    assert_eq!(
        detail.addresses[0].location.as_deref(),
        Some("Pantry on Main")
    );
    assert_eq!(detail.phones.len(), 1);
    assert_eq!(detail.removed_at, None);
    let by_source = store.resource_service_by_source("svc-1").unwrap().unwrap();
    assert_eq!(by_source, detail);
    assert_eq!(store.resource_service(9999).unwrap(), None);
}

#[test]
fn a_re_import_updates_in_place_marks_removed_and_brings_back() {
    let (dir, mut store) = open();
    import(&mut store, &package(), false).unwrap();
    let id_of = |store: &Store, source: &str| {
        store
            .resource_service_by_source(source)
            .unwrap()
            .map(|d| d.hit.id)
    };
    let (svc1, svc3) = (id_of(&store, "svc-1"), id_of(&store, "svc-3"));

    assert_eq!(
        import(&mut store, &package(), false),
        Ok(counts(0, 0, 0, 3)),
        "the same package again changes nothing"
    );
    assert_eq!(
        import(&mut store, &next_package(), false),
        Ok(counts(1, 1, 1, 1))
    );
    assert_eq!(id_of(&store, "svc-1"), svc1, "updated in place");
    assert_eq!(words(&store, "produce"), ["Weekly groceries and produce"]);
    let removed = store.resource_service(svc3.unwrap()).unwrap().unwrap();
    assert!(removed.hit.removed);
    assert_eq!(removed.hit.name, "Holiday meals", "kept, not deleted");
    assert_eq!(removed.removed_at.as_deref(), Some("2026-11-24T14:00:00Z"));
    assert!(words(&store, "holiday").is_empty(), "removed: not found");
    let with_removed = search(
        &store,
        ResourceQuery {
            words: "holiday".into(),
            include_removed: true,
            ..ResourceQuery::default()
        },
    );
    assert_eq!(names(&with_removed), ["Holiday meals"]);
    assert!(with_removed[0].removed);

    // Back again: un-removed, with its id; svc-4 removed in its turn.
    let back = import(&mut store, &package(), false).unwrap();
    assert_eq!(
        back,
        ImportCounts {
            restored: 1,
            ..counts(0, 2, 1, 1)
        }
    );
    assert_eq!(id_of(&store, "svc-3"), svc3);
    assert_eq!(words(&store, "holiday"), ["Holiday meals"]);
    assert!(words(&store, "rent").is_empty());

    // Each import is one audit row with its counts, and no patient.
    let conn = rusqlite::Connection::open(dir.path().join("t.db")).unwrap();
    let details: Vec<(String, Option<i64>)> = conn
        .prepare(
            "SELECT detail, patient_id FROM audit_event
              WHERE entity_type = 'HealthcareService' ORDER BY id",
        )
        .unwrap()
        .query_map([], |r| Ok((r.get(0)?, r.get(1)?)))
        .unwrap()
        .map(Result::unwrap)
        .collect();
    assert_eq!(details.len(), 4);
    assert_eq!(
        details[2],
        (
            "resource import: 1 added, 1 updated, 1 removed, 1 unchanged \
             (3 services, 2 organizations)"
                .to_string(),
            None
        )
    );
}

/// The valid package with one file replaced (or removed, with `None`).
fn with(file: &'static str, text: Option<&str>) -> Files {
    let mut files = package();
    match text {
        Some(text) => files.insert(file, text.to_string()),
        None => files.remove(file),
    };
    files
}

/// The two required files alone, `service.csv` as given (or none).
fn minimal(service: Option<&str>) -> Files {
    let mut files = Files::new();
    files.insert("organization.csv", package()["organization.csv"].clone());
    if let Some(service) = service {
        files.insert("service.csv", service.to_string());
    }
    files
}

/// Each kind of bad package: its exact messages; refused whole, nothing
/// written.
#[test]
fn a_bad_package_is_refused_whole_with_file_line_and_column() {
    let corpus: Vec<(&str, Files, Vec<&str>)> = vec![
        (
            "missing file",
            minimal(None),
            vec!["service.csv: missing (an HSDS package needs organization.csv and service.csv)"],
        ),
        (
            "missing column",
            minimal(Some("id,name\nsvc-1,Weekly groceries\n")),
            vec!["service.csv:1: organization_id: required column is missing"],
        ),
        (
            "no organisation",
            with(
                "service.csv",
                Some(
                    "id,organization_id,name\nsvc-1,org-1,Weekly groceries\n\
                     svc-2,org-2,Emergency shelter\nsvc-3,org-9,Holiday meals\n",
                ),
            ),
            vec![
                "service.csv:4: organization_id: \"org-9\" names no organization",
                "service_at_location.csv:4: service_id: \"svc-3\" names a service left out for its own problem",
                "attribute.csv:4: link_id: \"svc-3\" names a service left out for its own problem",
            ],
        ),
        (
            "bad phone",
            with(
                "phone.csv",
                Some("id,organization_id,service_id,number\nph-1,org-1,,(555) 555-0101\nph-2,,svc-2,call 555\n"),
            ),
            vec!["phone.csv:3: number: \"call 555\" is not a phone number (7 to 15 digits, then an optional \"ext\" and extension)"],
        ),
        (
            "impossible schedule",
            with(
                "schedule.csv",
                Some("id,service_id,byday,opens_at,closes_at\nsch-1,svc-1,MO,17:00,09:00\n"),
            ),
            vec!["schedule.csv:2: closes_at: \"09:00\" is not after opens_at \"17:00\" (hours past midnight close at 24:00 and go on in a row from 00:00)"],
        ),
        (
            "unknown taxonomy term",
            with(
                "attribute.csv",
                Some("id,link_id,link_entity,taxonomy_term_id\na-1,svc-1,service,t-nothing\n"),
            ),
            vec!["attribute.csv:2: taxonomy_term_id: \"t-nothing\" names no taxonomy term"],
        ),
    ];
    for (what, files, expected) in corpus {
        let (dir, mut store) = open();
        let folder = tempfile::tempdir().unwrap();
        write(folder.path(), &files);
        let import = ResourceImport::read(folder.path(), false).unwrap();
        let problems: Vec<String> = import.problems().iter().map(ToString::to_string).collect();
        assert_eq!(problems, expected, "{what}");
        let refused = import.run(&mut store).unwrap_err();
        assert!(
            matches!(refused, ResourceImportError::Refused { count, .. } if count == expected.len()),
            "{what}: {refused}"
        );
        let conn = rusqlite::Connection::open(dir.path().join("t.db")).unwrap();
        for table in ["resource_service", "resource_organization", "resource_fts"] {
            let n: i64 = conn
                .query_row(&format!("SELECT count(*) FROM {table}"), [], |r| r.get(0))
                .unwrap();
            assert_eq!(n, 0, "{what}: nothing written to {table}");
        }
    }
}

#[test]
fn partial_imports_without_the_bad_rows() {
    let (_dir, mut store) = open();
    let mut files = with(
        "service.csv",
        Some(
            "id,organization_id,name\nsvc-1,org-1,Weekly groceries\n\
             svc-2,org-2,Emergency shelter\nsvc-3,org-9,Holiday meals\n",
        ),
    );
    files.insert(
        "phone.csv",
        "id,organization_id,service_id,number\nph-1,org-1,,(555) 555-0101\nph-2,,svc-2,call 555\n"
            .into(),
    );
    let folder = tempfile::tempdir().unwrap();
    write(folder.path(), &files);
    let import = ResourceImport::read(folder.path(), true).unwrap();
    assert_eq!(import.problems().len(), 4);
    let report = import.run(&mut store).unwrap();
    assert_eq!(report.counts, counts(2, 0, 0, 0));
    assert_eq!(report.left_out, 4);
    let all = search(&store, ResourceQuery::default());
    assert_eq!(names(&all), ["Emergency shelter", "Weekly groceries"]);
    assert_eq!(all[0].phone, None, "the shelter, without its bad phone");

    // A package whose every service is bad is refused even so: importing
    // it would mark the whole directory removed.
    let none = with(
        "service.csv",
        Some("id,organization_id,name\nsvc-1,org-9,X\n"),
    );
    let error = import_err(&mut store, &none, true);
    assert!(
        error.contains("no service to import once the rows with problems are left out"),
        "{error}"
    );
    assert_eq!(search(&store, ResourceQuery::default()).len(), 2);
}

fn import_err(store: &mut Store, files: &Files, partial: bool) -> String {
    import(store, files, partial).unwrap_err()
}

#[test]
fn search_by_words_domain_language_and_zip() {
    let (_dir, mut store) = open();
    import(&mut store, &next_package(), false).unwrap();
    // svc-3 back as a fourth service, at the pantry.
    let mut files = next_package();
    files.insert(
        "service.csv",
        format!(
            "{}svc-3,org-1,Holiday meals,,\n",
            next_package()["service.csv"]
        ),
    );
    files.insert(
        "service_at_location.csv",
        format!(
            "{}sal-3,svc-3,loc-1\n",
            next_package()["service_at_location.csv"]
        ),
    );
    files.insert(
        "attribute.csv",
        format!(
            "{}a-3,svc-3,,service,t-food\n",
            next_package()["attribute.csv"]
        ),
    );
    import(&mut store, &files, false).unwrap();

    // Words: prefixes, typed letter by letter; organization and terms count.
    assert_eq!(words(&store, "g"), ["Weekly groceries and produce"]);
    assert_eq!(words(&store, "gro"), ["Weekly groceries and produce"]);
    let mut pantry = words(&store, "pantry");
    pantry.sort();
    assert_eq!(pantry, ["Holiday meals", "Weekly groceries and produce"]);
    assert_eq!(words(&store, "shelter beds"), ["Emergency shelter"]);
    let mut housing = words(&store, "housing");
    housing.sort();
    assert_eq!(housing, ["Emergency shelter", "Rent assistance"]);
    assert!(words(&store, "groceries shelter").is_empty(), "every word");
    assert_eq!(
        words(&store, "\"(*)\" -").len(),
        4,
        "no word: every service"
    );
    assert!(
        words(&store, "OR NEAR(x").is_empty(),
        "no FTS syntax reaches FTS5"
    );
    assert_eq!(words(&store, "GROCÉRIES"), ["Weekly groceries and produce"]);

    let by = |query: ResourceQuery| names(&search(&store, query));
    assert_eq!(
        by(ResourceQuery {
            domain: Some(NeedDomain::Housing),
            ..ResourceQuery::default()
        }),
        ["Emergency shelter", "Rent assistance"]
    );
    assert_eq!(
        by(ResourceQuery {
            domain: Some(NeedDomain::Food),
            words: "meal".into(),
            ..ResourceQuery::default()
        }),
        ["Holiday meals"]
    );
    // Languages by name or code, through the registry: es, spa, Spanish;
    // Haitian Creole (ht) through the pantry's phone.
    for spanish in ["Spanish", "es", "spa", " SPANISH "] {
        assert_eq!(
            by(ResourceQuery {
                language: Some(spanish.into()),
                ..ResourceQuery::default()
            }),
            ["Emergency shelter", "Weekly groceries and produce"],
            "{spanish}"
        );
    }
    assert_eq!(
        by(ResourceQuery {
            language: Some("haitian creole".into()),
            domain: Some(NeedDomain::Food),
            ..ResourceQuery::default()
        }),
        ["Holiday meals", "Weekly groceries and produce"]
    );
    assert!(by(ResourceQuery {
        language: Some("Klingon".into()),
        ..ResourceQuery::default()
    })
    .is_empty());

    // ZIP: that ZIP first, then nearby (same 3-digit region) by distance;
    // another region not at all.
    let zip = |typed: &str| {
        search(
            &store,
            ResourceQuery {
                zip: Some(typed.into()),
                ..ResourceQuery::default()
            },
        )
        .iter()
        .map(|h| (h.name.clone(), h.in_zip))
        .collect::<Vec<_>>()
    };
    let hit = |name: &str, in_zip| (name.to_string(), in_zip);
    assert_eq!(
        zip("00057"),
        [
            hit("Emergency shelter", true),
            hit("Holiday meals", false),
            hit("Weekly groceries and produce", false)
        ]
    );
    assert_eq!(
        zip("00012-3456"),
        [
            hit("Holiday meals", true),
            hit("Weekly groceries and produce", true),
            hit("Emergency shelter", false)
        ]
    );
    assert_eq!(zip("00150"), [hit("Rent assistance", true)]);
    assert_eq!(zip("00199"), [hit("Rent assistance", false)]);
    assert!(zip("12345").is_empty());
    assert_eq!(
        by(ResourceQuery {
            zip: Some("00012".into()),
            domain: Some(NeedDomain::Housing),
            words: "em".into(),
            ..ResourceQuery::default()
        }),
        ["Emergency shelter"]
    );
    let first = store
        .search_resources(&ResourceQuery {
            limit: 1,
            ..ResourceQuery::default()
        })
        .unwrap();
    assert_eq!(names(&first), ["Emergency shelter"]);
}

/// `tend --db DB import resources ARGS…` in `dir`, with a private home.
fn tend(dir: &Path, args: &[&str]) -> Output {
    let home = tempfile::tempdir().unwrap();
    common::home_as_ccuser(home.path());
    Command::new(env!("CARGO_BIN_EXE_tend"))
        .args(["--db", "t.db", "import", "resources"])
        .args(args)
        .current_dir(dir)
        .env_clear()
        .env("HOME", home.path())
        .env("USER", "ccuser")
        .env("TEND_NOW", common::NOW)
        .output()
        .unwrap()
}

fn text(bytes: &[u8]) -> String {
    String::from_utf8_lossy(bytes).into_owned()
}

#[test]
fn tend_import_resources_on_the_command_line() {
    let dir = tempfile::tempdir().unwrap();
    let mut bad = package();
    bad.insert(
        "phone.csv",
        "id,organization_id,service_id,number\nph-1,org-1,,(555) 555-0101\nph-2,,svc-2,call 555\n"
            .into(),
    );
    write(&dir.path().join("bad"), &bad);
    let out = tend(dir.path(), &["bad"]);
    assert!(!out.status.success());
    assert_eq!(
        text(&out.stderr),
        "phone.csv:3: number: \"call 555\" is not a phone number (7 to 15 digits, then an optional \"ext\" and extension)\n\
         tend: bad: refused, 1 problem; nothing was written (--partial imports the rows without problems)\n"
    );
    assert_eq!(text(&out.stdout), "");
    assert!(!dir.path().join("t.db").exists(), "no database made");

    let out = tend(dir.path(), &["bad", "--partial"]);
    assert!(out.status.success(), "{}", text(&out.stderr));
    assert_eq!(
        text(&out.stderr),
        "left out: phone.csv:3: number: \"call 555\" is not a phone number (7 to 15 digits, then an optional \"ext\" and extension)\n"
    );
    assert_eq!(
        text(&out.stdout),
        "bad: 3 services of 2 organizations: 3 added, 0 updated, 0 removed, 0 unchanged; \
         1 problem left out (listed above)\n"
    );

    write(&dir.path().join("next"), &next_package());
    let out = tend(dir.path(), &["next"]);
    assert!(out.status.success(), "{}", text(&out.stderr));
    assert_eq!(text(&out.stderr), "");
    assert_eq!(
        text(&out.stdout),
        "next: 3 services of 2 organizations: 1 added, 2 updated, 1 removed, 0 unchanged\n"
    );

    let out = tend(dir.path(), &["nowhere"]);
    assert!(!out.status.success());
    assert!(
        text(&out.stderr).starts_with("tend: nowhere: cannot be read: "),
        "{}",
        text(&out.stderr)
    );
}

#[test]
fn the_synthetic_directory_reads_without_a_problem_and_is_the_same_for_a_seed() {
    use tend::synth::resources::{write_package, DEMO_SERVICES};
    let (first, second) = (tempfile::tempdir().unwrap(), tempfile::tempdir().unwrap());
    write_package(first.path(), DEMO_SERVICES, 7).unwrap();
    write_package(second.path(), DEMO_SERVICES, 7).unwrap();
    for file in [
        "service.csv",
        "language.csv",
        "attribute.csv",
        "address.csv",
    ] {
        assert_eq!(
            std::fs::read(first.path().join(file)).unwrap(),
            std::fs::read(second.path().join(file)).unwrap(),
            "{file}"
        );
    }
    let read = tend::resources::read_package(first.path()).unwrap();
    assert_eq!(read.problems, []);
    assert_eq!(read.directory.services.len(), DEMO_SERVICES);

    let (_dir, mut store) = open();
    let report = tend::resources::import_folder(&mut store, first.path(), false).unwrap();
    assert_eq!(report.counts, counts(DEMO_SERVICES, 0, 0, 0));
    let all = search(
        &store,
        ResourceQuery {
            limit: 100,
            ..ResourceQuery::default()
        },
    );
    let mut domains: Vec<NeedDomain> = all.iter().flat_map(|h| h.domains.clone()).collect();
    domains.sort_by_key(|d| d.code());
    domains.dedup();
    assert!(domains.len() >= 4, "{domains:?}");
    assert!(!domains.contains(&NeedDomain::Other), "every term placed");
    for domain in domains {
        let hits = search(
            &store,
            ResourceQuery {
                domain: Some(domain),
                ..ResourceQuery::default()
            },
        );
        assert!(!hits.is_empty(), "{domain:?}");
        assert!(hits.iter().all(|h| h.domains.contains(&domain)));
        assert!(hits
            .iter()
            .all(|h| h.phone.as_deref().is_some_and(|p| p.contains("555-01"))));
    }
}
