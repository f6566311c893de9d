//! Open Referral HSDS data packages read into a directory (issue 17): a
//! small valid package the test writes, read whole and field by field, the
//! same under HSDS 2.0's plural file names, and malformed packages each
//! with its exact message, the bad row left out and the good ones kept.

use std::path::Path;

use tend::resources::{read_package, Package, PackageError, ServiceStatus};

const ORGANIZATION: &str = "\u{feff}id,name,description,email,website\r\n\
org-1,Sample Food Pantry,Groceries for families,pantry@example.org,https://pantry.example.org\r\n\
org-2,Sample Housing Help,\"Rent help,\nshelter referrals\",,\r\n";

const SERVICE: &str = "id,organization_id,name,description,url,email,status\n\
svc-1,org-1,Weekly groceries,Free groceries,https://pantry.example.org/food,,active\n\
svc-2,org-2,Emergency shelter,,,shelter@example.org,temporarily closed\n\
svc-3,org-1,Holiday meals,,,,\n";

const LOCATION: &str = "id,organization_id,name,description,location_type\n\
loc-1,org-1,Pantry on Main,Back door,physical\n";

const SERVICE_AT_LOCATION: &str = "id,service_id,location_id,description\n\
sal-1,svc-1,loc-1,Groceries at Main\n";

const PHONE: &str = "id,organization_id,service_id,location_id,service_at_location_id,number,extension,type,description\n\
ph-1,org-1,,,,(555) 010-0101,,voice,Front desk\n\
ph-2,,svc-2,,,555-010-0102 x 12,,voice,\n\
ph-3,,,loc-1,,555-010-0103,7,fax,\n";

const LANGUAGE: &str = "id,service_id,location_id,phone_id,name,code\n\
lang-1,svc-1,,,Spanish,es\n\
lang-2,,,ph-1,Haitian Creole,ht\n";

const SCHEDULE: &str = "id,service_id,location_id,service_at_location_id,freq,byday,opens_at,closes_at,valid_from,valid_to,description\n\
sch-1,svc-1,,,WEEKLY,\"MO, we\",09:00,17:00,2026-01-01,2026-12-31,Weekdays\n\
sch-2,,,sal-1,MONTHLY,1SA,10:00:00,12:00:00,,,First Saturday\n\
sch-3,svc-2,,,WEEKLY,FR,18:00,24:00,,,Overnight start\n";

const ADDRESS: &str =
    "id,location_id,address_1,address_2,city,state_province,postal_code,country,address_type\n\
addr-1,loc-1,1 Main St,Suite 2,Sampletown,MA,00001,US,physical\n\
addr-2,loc-1,PO Box 9,,Sampletown,MA,00001-0009,,postal\n";

const TAXONOMY: &str = "id,code,name,description,parent_id,taxonomy\n\
tax-1,BD,Food,Food assistance,,AIRS\n";

/// The files of the valid package, under their HSDS 3.0 names.
fn valid() -> Vec<(&'static str, String)> {
    vec![
        ("organization.csv", ORGANIZATION.into()),
        ("service.csv", SERVICE.into()),
        ("location.csv", LOCATION.into()),
        ("service_at_location.csv", SERVICE_AT_LOCATION.into()),
        ("phone.csv", PHONE.into()),
        ("language.csv", LANGUAGE.into()),
        ("schedule.csv", SCHEDULE.into()),
        ("address.csv", ADDRESS.into()),
        ("taxonomy_term.csv", TAXONOMY.into()),
    ]
}

fn write(files: &[(&str, String)]) -> tempfile::TempDir {
    let dir = tempfile::tempdir().unwrap();
    for (name, text) in files {
        std::fs::write(dir.path().join(name), text).unwrap();
    }
    dir
}

fn read(files: &[(&str, String)]) -> Package {
    let dir = write(files);
    read_package(dir.path()).unwrap()
}

/// The valid package with `file` replaced by `text` (or removed if None).
fn with(file: &str, text: Option<&str>) -> Package {
    let mut files = valid();
    files.retain(|(name, _)| *name != file);
    if let Some(text) = text {
        files.push((Box::leak(file.to_string().into_boxed_str()), text.into()));
    }
    read(&files)
}

fn messages(package: &Package) -> Vec<String> {
    package.problems.iter().map(ToString::to_string).collect()
}

fn ids<T>(rows: &[T], id: impl Fn(&T) -> &str) -> Vec<String> {
    rows.iter().map(|row| id(row).to_string()).collect()
}

#[test]
fn valid_package_read_whole_and_field_by_field() {
    let package = read(&valid());
    assert_eq!(messages(&package), Vec::<String>::new());
    let d = &package.directory;

    assert_eq!(d.organizations.len(), 2);
    let pantry = &d.organizations[0];
    assert_eq!(pantry.id, "org-1");
    assert_eq!(pantry.name, "Sample Food Pantry");
    assert_eq!(
        pantry.description.as_deref(),
        Some("Groceries for families")
    );
    assert_eq!(pantry.email.as_deref(), Some("pantry@example.org"));
    assert_eq!(
        pantry.website.as_deref(),
        Some("https://pantry.example.org")
    );
    let housing = &d.organizations[1];
    assert_eq!(
        housing.description.as_deref(),
        Some("Rent help,\nshelter referrals")
    );
    assert_eq!(housing.email, None);
    assert_eq!(housing.website, None);

    assert_eq!(ids(&d.services, |s| &s.id), ["svc-1", "svc-2", "svc-3"]);
    let food = &d.services[0];
    assert_eq!(food.organization_id, "org-1");
    assert_eq!(food.name, "Weekly groceries");
    assert_eq!(food.description.as_deref(), Some("Free groceries"));
    assert_eq!(food.url.as_deref(), Some("https://pantry.example.org/food"));
    assert_eq!(food.status, Some(ServiceStatus::Active));
    assert_eq!(d.services[1].email.as_deref(), Some("shelter@example.org"));
    assert_eq!(d.services[1].status, Some(ServiceStatus::TemporarilyClosed));
    assert_eq!(d.services[2].status, None);

    assert_eq!(d.locations.len(), 1);
    assert_eq!(d.locations[0].organization_id.as_deref(), Some("org-1"));
    assert_eq!(d.locations[0].name.as_deref(), Some("Pantry on Main"));
    assert_eq!(d.locations[0].location_type.as_deref(), Some("physical"));

    assert_eq!(d.service_at_location.len(), 1);
    assert_eq!(d.service_at_location[0].service_id, "svc-1");
    assert_eq!(d.service_at_location[0].location_id, "loc-1");

    assert_eq!(ids(&d.phones, |p| &p.id), ["ph-1", "ph-2", "ph-3"]);
    assert_eq!(d.phones[0].number, "(555) 010-0101");
    assert_eq!(d.phones[0].organization_id.as_deref(), Some("org-1"));
    assert_eq!(d.phones[0].kind.as_deref(), Some("voice"));
    assert_eq!(d.phones[0].description.as_deref(), Some("Front desk"));
    assert_eq!(d.phones[1].service_id.as_deref(), Some("svc-2"));
    assert_eq!(d.phones[1].extension.as_deref(), Some("12"));
    assert_eq!(d.phones[2].extension.as_deref(), Some("7"));
    assert_eq!(d.phones[2].location_id.as_deref(), Some("loc-1"));

    assert_eq!(d.languages.len(), 2);
    assert_eq!(d.languages[0].name.as_deref(), Some("Spanish"));
    assert_eq!(d.languages[0].code.as_deref(), Some("es"));
    assert_eq!(d.languages[1].phone_id.as_deref(), Some("ph-1"));

    assert_eq!(ids(&d.schedules, |s| &s.id), ["sch-1", "sch-2", "sch-3"]);
    let weekly = &d.schedules[0];
    assert_eq!(weekly.byday.as_deref(), Some("MO,WE"));
    assert_eq!(weekly.opens_at.as_deref(), Some("09:00"));
    assert_eq!(weekly.closes_at.as_deref(), Some("17:00"));
    assert_eq!(weekly.freq.as_deref(), Some("WEEKLY"));
    assert_eq!(weekly.valid_from.unwrap().to_string(), "2026-01-01");
    assert_eq!(weekly.valid_to.unwrap().to_string(), "2026-12-31");
    assert_eq!(
        d.schedules[1].service_at_location_id.as_deref(),
        Some("sal-1")
    );
    assert_eq!(d.schedules[1].byday.as_deref(), Some("1SA"));
    assert_eq!(d.schedules[2].closes_at.as_deref(), Some("24:00"));

    assert_eq!(d.addresses.len(), 2);
    let street = &d.addresses[0];
    assert_eq!(street.location_id.as_deref(), Some("loc-1"));
    assert_eq!(street.address_1, "1 Main St");
    assert_eq!(street.address_2.as_deref(), Some("Suite 2"));
    assert_eq!(street.city, "Sampletown");
    assert_eq!(street.state_province, "MA");
    assert_eq!(street.postal_code, "00001");
    assert_eq!(street.country.as_deref(), Some("US"));
    assert_eq!(d.addresses[1].postal_code, "00001-0009");
    assert_eq!(d.addresses[1].country, None);

    let taxonomy = d.taxonomy.as_ref().unwrap();
    assert_eq!(taxonomy.len(), 1);
    assert_eq!(taxonomy[0].name, "Food");
    assert_eq!(taxonomy[0].code.as_deref(), Some("BD"));
}

#[test]
fn only_the_required_files() {
    let package = read(&[
        ("organization.csv", ORGANIZATION.into()),
        ("service.csv", SERVICE.into()),
    ]);
    assert_eq!(messages(&package), Vec::<String>::new());
    assert_eq!(package.directory.services.len(), 3);
    assert!(package.directory.phones.is_empty());
    assert_eq!(package.directory.taxonomy, None);
}

#[test]
fn hsds_2_plural_names_read_the_same() {
    let plural = |name: &str| match name {
        "organization.csv" => "organizations.csv",
        "service.csv" => "services.csv",
        "location.csv" => "locations.csv",
        "service_at_location.csv" => "services_at_location.csv",
        "phone.csv" => "phones.csv",
        "language.csv" => "languages.csv",
        "schedule.csv" => "regular_schedules.csv",
        "address.csv" => "physical_addresses.csv",
        "taxonomy_term.csv" => "taxonomy.csv",
        other => panic!("{other}"),
    };
    let files: Vec<(&str, String)> = valid()
        .into_iter()
        .map(|(name, text)| (plural(name), text))
        .collect();
    // 2.0 spelled an organization's website `url`, a language's name `language`.
    let files: Vec<(&str, String)> = files
        .into_iter()
        .map(|(name, text)| match name {
            "organizations.csv" => (name, text.replacen("website", "url", 1)),
            "languages.csv" => (name, text.replacen(",name,", ",language,", 1)),
            _ => (name, text),
        })
        .collect();
    assert_eq!(read(&files), read(&valid()));
}

#[test]
fn a_folder_that_cannot_be_read_is_an_error() {
    let dir = tempfile::tempdir().unwrap();
    let missing = dir.path().join("nowhere");
    assert!(matches!(
        read_package(&missing),
        Err(PackageError::Folder { .. })
    ));
    let file = dir.path().join("file.csv");
    std::fs::write(&file, "id\n").unwrap();
    assert!(matches!(
        read_package(Path::new(&file)),
        Err(PackageError::NotAFolder { .. })
    ));
}

#[test]
fn missing_service_csv() {
    let package = with("service.csv", None);
    // Then every row naming a service names nothing, and is left out too.
    assert_eq!(
        messages(&package),
        [
            "service.csv: missing (an HSDS package needs organization.csv and service.csv)",
            "service_at_location.csv:2: service_id: \"svc-1\" names no service",
            "phone.csv:3: service_id: \"svc-2\" names no service",
            "language.csv:2: service_id: \"svc-1\" names no service",
            "schedule.csv:2: service_id: \"svc-1\" names no service",
            "schedule.csv:3: service_at_location_id: \"sal-1\" names a service at location left out for its own problem",
            "schedule.csv:4: service_id: \"svc-2\" names no service",
        ]
    );
    assert_eq!(package.problems[0].line, 0);
    assert_eq!(package.problems[0].column, None);
    assert!(package.directory.services.is_empty());
    assert_eq!(ids(&package.directory.phones, |p| &p.id), ["ph-1", "ph-3"]);
    assert_eq!(package.directory.organizations.len(), 2);
}

#[test]
fn missing_column_name_in_organization_csv() {
    let package = with(
        "organization.csv",
        Some("id,description\norg-1,Groceries\n"),
    );
    let found = messages(&package);
    assert_eq!(
        found[0],
        "organization.csv:1: name: required column is missing"
    );
    assert!(package.directory.organizations.is_empty());
    // Every service then names no organization, and is left out.
    assert_eq!(
        found[1],
        "service.csv:2: organization_id: \"org-1\" names no organization"
    );
    assert!(package.directory.services.is_empty());
}

#[test]
fn a_service_naming_an_unknown_organization() {
    let text = SERVICE.replace("svc-2,org-2,", "svc-2,org-9,");
    let package = with("service.csv", Some(&text));
    assert_eq!(
        messages(&package)[0],
        "service.csv:3: organization_id: \"org-9\" names no organization"
    );
    assert_eq!(
        ids(&package.directory.services, |s| &s.id),
        ["svc-1", "svc-3"]
    );
    // ph-2 belonged to svc-2: left out too, saying why.
    assert_eq!(
        messages(&package)[1..],
        [
            "phone.csv:3: service_id: \"svc-2\" names a service left out for its own problem",
            "schedule.csv:4: service_id: \"svc-2\" names a service left out for its own problem"
        ]
    );
    assert_eq!(ids(&package.directory.phones, |p| &p.id), ["ph-1", "ph-3"]);
}

#[test]
fn a_bad_phone() {
    let text = PHONE.replace("555-010-0103", "555-01");
    let package = with("phone.csv", Some(&text));
    assert_eq!(
        messages(&package),
        ["phone.csv:4: number: \"555-01\" is not a phone number (7 to 15 digits, then an optional \"ext\" and extension)"]
    );
    assert_eq!(ids(&package.directory.phones, |p| &p.id), ["ph-1", "ph-2"]);
}

#[test]
fn closes_before_it_opens() {
    let text = SCHEDULE.replace("09:00,17:00", "17:00,09:00");
    let package = with("schedule.csv", Some(&text));
    assert_eq!(
        messages(&package),
        ["schedule.csv:2: closes_at: \"09:00\" is not after opens_at \"17:00\" (hours past midnight close at 24:00 and go on in a row from 00:00)"]
    );
    assert_eq!(
        ids(&package.directory.schedules, |s| &s.id),
        ["sch-2", "sch-3"]
    );
}

#[test]
fn a_time_that_is_not_a_time() {
    let text = SCHEDULE.replace("10:00:00", "10am");
    let package = with("schedule.csv", Some(&text));
    assert_eq!(
        messages(&package),
        ["schedule.csv:3: opens_at: \"10am\" is not a time (HH:MM or HH:MM:SS)"]
    );
}

#[test]
fn a_bad_byday() {
    let text = SCHEDULE.replace(",FR,", ",Friday,");
    let package = with("schedule.csv", Some(&text));
    assert_eq!(
        messages(&package),
        ["schedule.csv:4: byday: \"Friday\" is not an iCal BYDAY list (days MO,TU,WE,TH,FR,SA,SU, each may start with an ordinal like 1MO or -1FR)"]
    );
    assert_eq!(
        ids(&package.directory.schedules, |s| &s.id),
        ["sch-1", "sch-2"]
    );
}

#[test]
fn a_duplicate_id() {
    let text = format!("{SERVICE}svc-1,org-2,Second try,,,,active\n");
    let package = with("service.csv", Some(&text));
    assert_eq!(
        messages(&package),
        ["service.csv:5: id: \"svc-1\" is already the id on line 2"]
    );
    assert_eq!(
        ids(&package.directory.services, |s| &s.id),
        ["svc-1", "svc-2", "svc-3"]
    );
    assert_eq!(package.directory.services[0].name, "Weekly groceries");
}

#[test]
fn line_numbers_count_quoted_newlines() {
    // org-2's description spans lines 3 and 4 of organization.csv.
    let text = format!("{ORGANIZATION}org-1,Again,,,\r\n");
    let package = with("organization.csv", Some(&text));
    assert_eq!(
        messages(&package),
        ["organization.csv:5: id: \"org-1\" is already the id on line 2"]
    );
}

#[test]
fn a_bad_us_zip_code() {
    let text = ADDRESS.replace("00001-0009", "0001");
    let package = with("address.csv", Some(&text));
    assert_eq!(
        messages(&package),
        ["address.csv:3: postal_code: \"0001\" is not a US ZIP code (5 digits, or 5+4 as 12345-6789)"]
    );
    assert_eq!(ids(&package.directory.addresses, |a| &a.id), ["addr-1"]);
    // Not checked outside the US.
    let text = ADDRESS.replace("00001-0009,,", "K1A 0B1,CA,");
    assert!(with("address.csv", Some(&text)).problems.is_empty());
}

#[test]
fn a_service_at_location_pointing_at_nothing() {
    let text = "id,service_id,location_id\nsal-1,svc-1,loc-9\nsal-2,svc-8,loc-1\n";
    let package = with("service_at_location.csv", Some(text));
    assert_eq!(
        messages(&package)[..2],
        [
            "service_at_location.csv:2: location_id: \"loc-9\" names no location",
            "service_at_location.csv:3: service_id: \"svc-8\" names no service"
        ]
    );
    assert!(package.directory.service_at_location.is_empty());
}

#[test]
fn a_language_or_schedule_pointing_at_nothing() {
    let text = LANGUAGE.replace("lang-1,svc-1,", "lang-1,svc-7,");
    let package = with("language.csv", Some(&text));
    assert_eq!(
        messages(&package),
        ["language.csv:2: service_id: \"svc-7\" names no service"]
    );
    assert_eq!(ids(&package.directory.languages, |l| &l.id), ["lang-2"]);
    let text = SCHEDULE.replace("sch-1,svc-1,", "sch-1,,");
    let package = with("schedule.csv", Some(&text));
    assert_eq!(
        messages(&package),
        ["schedule.csv:2: id: schedule belongs to nothing (no service_id, location_id or service_at_location_id)"]
    );
}

#[test]
fn a_bad_status() {
    let text = SERVICE.replace("temporarily closed", "closed");
    let package = with("service.csv", Some(&text));
    assert_eq!(
        messages(&package)[0],
        "service.csv:3: status: \"closed\" is not one of active, inactive, defunct, temporarily closed"
    );
}

#[test]
fn both_spellings_of_one_file() {
    let mut files = valid();
    files.push(("organizations.csv", ORGANIZATION.into()));
    let package = read(&files);
    assert_eq!(
        messages(&package),
        ["organizations.csv: organization.csv is here too; keep one of the two"]
    );
}

#[test]
fn an_empty_required_value() {
    let text = ORGANIZATION.replace("org-1,Sample Food Pantry,", "org-1,,");
    let package = with("organization.csv", Some(&text));
    assert_eq!(messages(&package)[0], "organization.csv:2: name: is empty");
    assert_eq!(ids(&package.directory.organizations, |o| &o.id), ["org-2"]);
}

#[test]
fn bad_schedule_dates() {
    let text = SCHEDULE.replace("2026-01-01,2026-12-31", "2026-12-31,2026-01-01");
    let package = with("schedule.csv", Some(&text));
    assert_eq!(
        messages(&package),
        ["schedule.csv:2: valid_to: 2026-01-01 is before valid_from 2026-12-31"]
    );
    let text = SCHEDULE.replace("2026-01-01,", "01/01/2026,");
    let package = with("schedule.csv", Some(&text));
    assert_eq!(
        messages(&package),
        ["schedule.csv:2: valid_from: \"01/01/2026\" is not a date (YYYY-MM-DD)"]
    );
}

#[test]
fn a_phone_belonging_to_nothing() {
    let text = PHONE.replace("ph-1,org-1,", "ph-1,,");
    let package = with("phone.csv", Some(&text));
    assert_eq!(
        messages(&package)[0],
        "phone.csv:2: id: phone belongs to nothing (no organization_id, service_id, location_id or service_at_location_id)"
    );
}

#[test]
fn a_row_that_is_not_utf8_and_an_empty_file() {
    let mut files = valid();
    files.retain(|(name, _)| *name != "location.csv" && *name != "taxonomy_term.csv");
    let dir = write(&files);
    let mut bytes = LOCATION.as_bytes().to_vec();
    bytes.extend_from_slice(b"loc-2,org-1,Caf\xe9,,physical\n");
    std::fs::write(dir.path().join("location.csv"), bytes).unwrap();
    std::fs::write(dir.path().join("taxonomy_term.csv"), "").unwrap();
    let package = read_package(dir.path()).unwrap();
    assert_eq!(
        messages(&package),
        [
            "location.csv:3: not UTF-8 text",
            "taxonomy_term.csv:1: empty file (no header)",
        ]
    );
    assert_eq!(ids(&package.directory.locations, |l| &l.id), ["loc-1"]);
    assert_eq!(package.directory.taxonomy, None);
}

#[test]
fn attributes_link_services_to_taxonomy_terms() {
    let attribute = "id,link_id,link_type,link_entity,taxonomy_term_id,value,label\n\
        a-1,svc-1,,service,tax-1,,\n\
        a-2,org-1,,Organization,tax-1,,\n\
        a-3,svc-9,,service,tax-1,,\n\
        a-4,svc-2,,service,tax-9,,\n";
    let package = with("attribute.csv", Some(attribute));
    assert_eq!(
        messages(&package),
        [
            "attribute.csv:4: link_id: \"svc-9\" names no service",
            "attribute.csv:5: taxonomy_term_id: \"tax-9\" names no taxonomy term",
        ]
    );
    let attributes = &package.directory.attributes;
    assert_eq!(ids(attributes, |a| &a.id), ["a-1", "a-2"]);
    assert!(attributes[0].of_service());
    assert_eq!(attributes[0].taxonomy_term_id, "tax-1");
    assert_eq!(attributes[1].link_entity, "organization");
    assert!(!attributes[1].of_service());
}

#[test]
fn hsds_2_service_taxonomy_is_read_as_attributes_of_services() {
    let mut files = valid();
    files.push((
        "services_taxonomy.csv",
        "id,service_id,taxonomy_id,taxonomy_detail\nst-1,svc-1,tax-1,\nst-2,svc-3,tax-2,\n".into(),
    ));
    let package = read(&files);
    assert_eq!(
        messages(&package),
        ["services_taxonomy.csv:3: taxonomy_id: \"tax-2\" names no taxonomy term"]
    );
    let attributes = &package.directory.attributes;
    assert_eq!(attributes.len(), 1);
    assert_eq!(
        (
            attributes[0].link_id.as_str(),
            attributes[0].link_entity.as_str()
        ),
        ("svc-1", "service")
    );
}
