//! The community resource directory on the screen (issue 17, item 2),
//! in-process over a real database with a small directory imported: from
//! a patient's referrals (`F`), `s` opens the directory with the patient's
//! ZIP code on its line and their language offered; words typed, a need
//! domain (`Tab`, `domain:`) and a ZIP narrow the services as they are
//! typed; `Enter` opens the referral's form filled in with the service,
//! and the referral saved names the service by its HSDS id with its own
//! copy of the name and phone, which it keeps after a re-import removes
//! the service. `:directory WORDS` browses without a patient. Drawn at
//! 80x24 and 120x40.

mod common;

use std::path::{Path, PathBuf};

use chrono::NaiveDate;
use crossterm::event::KeyCode;
use tend::app::App;
use tend::domain::care_plan::NeedDomain;
use tend::domain::directory::{
    AddressRecord, DirectoryRecords, OrganizationRecord, PhoneRecord, ServiceRecord,
};
use tend::domain::patient::{EnrollmentStatus, Patient, Practitioner, RiskTier, Sex};
use tend::store::{AuditAction, Store};

use common::{app_with, ctrl, keys, message, open, press, screen, settings_at_once};

/// A service of the directory: its id, name, organization, domain, ZIP,
/// languages and phone.
fn service(
    id: &str,
    name: &str,
    org: &str,
    domain: NeedDomain,
    zip: &str,
    languages: &[&str],
    phone: &str,
) -> ServiceRecord {
    ServiceRecord {
        source_id: id.into(),
        organization_source_id: format!("org-{org}"),
        organization: org.into(),
        name: name.into(),
        description: Some(format!("{name} for residents")),
        status: Some("active".into()),
        domains: vec![domain],
        terms: vec![domain.label().into()],
        languages: languages.iter().map(|l| l.to_string()).collect(),
        phones: vec![PhoneRecord {
            number: phone.into(),
            kind: Some("voice".into()),
            ..PhoneRecord::default()
        }],
        addresses: vec![AddressRecord {
            location: None,
            address_1: "1 Sample St".into(),
            address_2: None,
            city: "Sampleton".into(),
            state: "NY".into(),
            postal_code: zip.into(),
        }],
        schedule: Some("Mon, Wed 09:00–17:00".into()),
        ..ServiceRecord::default()
    }
}

/// Five services (three of food: one in the patient's ZIP, one nearby,
/// one in another region), without those whose ids are in `leave_out`.
fn directory(leave_out: &[&str]) -> DirectoryRecords {
    let services: Vec<ServiceRecord> = vec![
        service(
            "svc-groceries",
            "Weekly groceries",
            "Harlem Food Pantry",
            NeedDomain::Food,
            "10027",
            &["en", "es"],
            "212-555-0101",
        ),
        service(
            "svc-lunch",
            "Senior lunches",
            "Uptown Meals",
            NeedDomain::Food,
            "10031",
            &["en"],
            "212-555-0102",
        ),
        service(
            "svc-kitchen",
            "Hot meals",
            "Bronx Community Kitchen",
            NeedDomain::Food,
            "10451",
            &["en", "es"],
            "718-555-0103",
        ),
        service(
            "svc-shelter",
            "Emergency shelter",
            "Harlem Housing Help",
            NeedDomain::Housing,
            "10027",
            &["en"],
            "212-555-0104",
        ),
        service(
            "svc-rides",
            "Rides to appointments",
            "Harlem Rides",
            NeedDomain::Transportation,
            "10027",
            &["en", "ht"],
            "212-555-0105",
        ),
    ]
    .into_iter()
    .filter(|s| !leave_out.contains(&s.source_id.as_str()))
    .collect();
    let mut organizations: Vec<OrganizationRecord> = Vec::new();
    for s in &services {
        if !organizations
            .iter()
            .any(|o| o.source_id == s.organization_source_id)
        {
            organizations.push(OrganizationRecord {
                source_id: s.organization_source_id.clone(),
                name: s.organization.clone(),
                ..OrganizationRecord::default()
            });
        }
    }
    DirectoryRecords {
        organizations,
        services,
    }
}

/// ccuser's patient Alpha, Spanish-speaking, in ZIP 10027, with a need of
/// food on the plan; the directory imported. Returns the path and her id.
fn database(dir: &Path) -> (PathBuf, i64) {
    let path = dir.join("tend.db");
    let mut store = open(&path, "ccuser");
    let id = store
        .write(|tx| {
            let me = tx.practitioner("ccuser", "ccuser")?;
            let id = tx.insert_patient(&Patient {
                member_id: "SYN0".into(),
                family_name: "Alpha".into(),
                given_name: "Synth".into(),
                birth_date: NaiveDate::from_ymd_opt(1970, 1, 2).unwrap(),
                sex: Sex::Female,
                language: "es".into(),
                postal_code: Some("10027".into()),
                enrollment_status: EnrollmentStatus::Enrolled,
                risk_tier: RiskTier::Low,
                coordinator: Some(Practitioner {
                    id: me,
                    ..Practitioner::default()
                }),
                ..Patient::default()
            })?;
            tx.audit(AuditAction::Create, "Bundle", None, None, None)?;
            Ok(id)
        })
        .unwrap();
    store
        .add_need(
            id,
            NeedDomain::Food,
            "Runs out of food before the month ends",
        )
        .unwrap();
    store.import_resources(&directory(&[])).unwrap();
    (path, id)
}

fn app(path: &Path, cols: u16, rows: u16) -> App {
    app_with(path, &settings_at_once(), cols, rows)
}

/// `F` then `s`: the directory for the patient on screen.
fn directory_open(app: &mut App) {
    press(app, KeyCode::Char('F'));
    press(app, KeyCode::Char('s'));
    assert!(
        app.layers().directory().is_some(),
        "the directory is open: {}",
        message(app)
    );
}

fn line(app: &App) -> String {
    app.layers().directory().unwrap().input.text()
}

fn hit_names(app: &App) -> Vec<String> {
    let view = app.layers().directory().unwrap();
    view.hits.iter().map(|h| h.name.clone()).collect()
}

fn clear_line(app: &mut App) {
    for _ in 0..line(app).chars().count() {
        press(app, KeyCode::Backspace);
    }
}

#[test]
fn the_directory_at_80x24_and_120x40() {
    let dir = tempfile::tempdir().unwrap();
    let (path, _) = database(dir.path());
    for (cols, rows) in [(80, 24), (120, 40)] {
        let mut app = app(&path, cols, rows);
        directory_open(&mut app);
        let shown = screen(&mut app);
        assert!(shown.contains("Weekly groceries"), "{shown}");
        assert!(shown.contains("speaks Spanish"), "{shown}");
        insta::assert_snapshot!(format!("directory_{cols}x{rows}"), shown);
    }
}

#[test]
fn the_line_starts_at_the_patients_zip_and_offers_her_language() {
    let dir = tempfile::tempdir().unwrap();
    let (path, _) = database(dir.path());
    let mut app = app(&path, 100, 30);
    directory_open(&mut app);
    assert_eq!(line(&app), "zip:10027 ");
    // In her ZIP first, then nearby; another region not at all.
    let names = hit_names(&app);
    assert_eq!(names.last().map(String::as_str), Some("Senior lunches"));
    assert!(!names.contains(&"Hot meals".to_string()), "{names:?}");
    let shown = screen(&mut app);
    assert!(shown.contains("in 10027"), "{shown}");
    assert!(shown.contains("nearby 10031"), "{shown}");
    assert!(shown.contains("Ctrl-G adds lang:es"), "{shown}");
    // Her language, taken and given back.
    ctrl(&mut app, 'g');
    assert_eq!(line(&app), "zip:10027 lang:es ");
    assert_eq!(hit_names(&app), ["Weekly groceries"]);
    assert!(screen(&mut app).contains("Spanish · near 10027"));
    ctrl(&mut app, 'g');
    assert_eq!(line(&app), "zip:10027 ");
    // Another region, typed.
    clear_line(&mut app);
    keys(&mut app, "zip:104");
    assert_eq!(hit_names(&app), ["Hot meals"]);
    // A ZIP half typed is said, and left out of the search.
    clear_line(&mut app);
    keys(&mut app, "zip:1");
    assert_eq!(hit_names(&app).len(), 5);
    assert!(screen(&mut app).contains("zip:1: a ZIP code is 3 to 5 digits"));
}

#[test]
fn words_and_a_domain_narrow_the_services_as_they_are_typed() {
    let dir = tempfile::tempdir().unwrap();
    let (path, _) = database(dir.path());
    let mut app = app(&path, 100, 30);
    directory_open(&mut app);
    clear_line(&mut app);
    assert_eq!(hit_names(&app).len(), 5);
    keys(&mut app, "harl");
    let shown = screen(&mut app);
    assert!(shown.contains("Emergency shelter"), "{shown}");
    assert!(!shown.contains("Senior lunches"), "{shown}");
    keys(&mut app, "em gro");
    assert_eq!(hit_names(&app), ["Weekly groceries"]);
    let shown = screen(&mut app);
    assert!(!shown.contains("Emergency shelter"), "{shown}");
    // Tab goes round the need domains: the fourth is housing.
    clear_line(&mut app);
    for _ in 0..4 {
        press(&mut app, KeyCode::Tab);
    }
    assert_eq!(line(&app), "domain:housing ");
    assert_eq!(hit_names(&app), ["Emergency shelter"]);
    press(&mut app, KeyCode::BackTab);
    assert_eq!(line(&app), "domain:substance-use ");
    assert!(screen(&mut app).contains("No service matches"));
    // Typed, by the start of a label.
    clear_line(&mut app);
    keys(&mut app, "domain:transp");
    assert_eq!(hit_names(&app), ["Rides to appointments"]);
    clear_line(&mut app);
    keys(&mut app, "d:s");
    assert!(screen(&mut app).contains("d:s: substance-use, safety, social-support?"));
    // Esc: back to her referrals.
    press(&mut app, KeyCode::Esc);
    assert!(app.layers().directory().is_none());
    assert!(matches!(
        app.overlay(),
        Some(tend::app::Overlay::Referrals(_))
    ));
}

#[test]
fn a_referral_from_the_directory_names_the_service_and_keeps_its_copy_when_removed() {
    let dir = tempfile::tempdir().unwrap();
    let (path, patient_id) = database(dir.path());
    let mut app = app(&path, 80, 24);
    directory_open(&mut app);
    keys(&mut app, "groceries");
    press(&mut app, KeyCode::Enter);
    assert!(app.form().is_some(), "the form: {}", message(&app));
    let shown = screen(&mut app);
    for filled in [
        "community service",
        "Weekly groceries — Harlem Food Pantry",
        "(212) 555-0101",
        "food: Runs out of food",
        "directory service svc-groceries",
    ] {
        assert!(shown.contains(filled), "{filled}:\n{shown}");
    }
    keys(&mut app, "Groceries for the family");
    ctrl(&mut app, 's');
    assert!(app.form().is_none(), "saved: {}", message(&app));
    let referrals = app.store().referrals(patient_id).unwrap();
    let [referral] = referrals.as_slice() else {
        panic!("one referral: {referrals:?}");
    };
    assert_eq!(referral.service_ref.as_deref(), Some("svc-groceries"));
    assert_eq!(referral.to_name, "Weekly groceries — Harlem Food Pantry");
    assert_eq!(referral.to_phone.as_deref(), Some("(212) 555-0101"));
    assert!(referral.need_id.is_some(), "the food need");

    // Its view: still in the directory.
    press(&mut app, KeyCode::Enter);
    let shown = screen(&mut app);
    assert!(shown.contains("still in the directory"), "{shown}");
    drop(app);

    // A re-import without it: the referral keeps its copy, and says so.
    let mut store: Store = open(&path, "ccuser");
    let counts = store
        .import_resources(&directory(&["svc-groceries"]))
        .unwrap();
    assert_eq!(counts.removed, 1);
    drop(store);
    let mut app = self::app(&path, 120, 40);
    press(&mut app, KeyCode::Char('F'));
    press(&mut app, KeyCode::Enter);
    let shown = screen(&mut app);
    assert!(
        shown.contains("REMOVED from the directory since Tue 2026-11-24"),
        "{shown}"
    );
    assert!(
        shown.contains("Weekly groceries — Harlem Food Pantry"),
        "{shown}"
    );
    assert!(shown.contains("(212) 555-0101"), "{shown}");
    // Nor is it found any more.
    press(&mut app, KeyCode::Char('x'));
    press(&mut app, KeyCode::Char('s'));
    keys(&mut app, "groceries");
    assert!(hit_names(&app).is_empty());
}

#[test]
fn the_directory_is_browsed_without_a_patient() {
    let dir = tempfile::tempdir().unwrap();
    let (path, _) = database(dir.path());
    let mut app = app(&path, 100, 30);
    keys(&mut app, ":directory shelter");
    press(&mut app, KeyCode::Enter);
    assert_eq!(line(&app), "shelter ");
    assert_eq!(hit_names(&app), ["Emergency shelter"]);
    press(&mut app, KeyCode::Enter);
    assert!(app.form().is_none(), "no referral without a patient");
    let shown = screen(&mut app);
    assert!(shown.contains("HSDS id      svc-shelter"), "{shown}");
    assert!(shown.contains("1 Sample St, Sampleton NY 10027"), "{shown}");
    // Any key: back to the directory, as it was.
    press(&mut app, KeyCode::Char('x'));
    assert_eq!(hit_names(&app), ["Emergency shelter"]);
    press(&mut app, KeyCode::Esc);
    assert!(app.layers().directory().is_none());
    assert!(app.overlay().is_none());
}
