//! A synthetic community resource directory, written as an Open Referral
//! HSDS 3.0 data package (a folder of CSV files), for `tend demo`, the
//! tests and the benchmarks. Deterministic for a seed. Everything in it is
//! invented and plainly so: "Northside Food Pantry 12", "Example Street",
//! phone numbers in the fictional 555-01xx range, ZIP codes 000xx to
//! 002xx (no US ZIP code starts with 000, 001 or 002), cities named
//! Sampleton, Example Falls and Testburg.
//!
//! Shape: organizations of one kind each (a food pantry, a shelter, a
//! clinic, …) with 1 to 4 services of that kind, one or two locations
//! (each with a physical address), every service at each of its
//! organization's locations; a phone per service (one in five with an
//! extension) and one per organization; English and 0 to 3 other
//! languages per service, by name, by code or both; one or two schedule
//! rows; one or two taxonomy terms (an Open Eligibility-like tree) linked
//! through attribute.csv.

use std::path::Path;

use rand::seq::SliceRandom;
use rand::{Rng, SeedableRng};
use rand_chacha::ChaCha8Rng;

/// The size of `tend demo`'s directory.
pub const DEMO_SERVICES: usize = 60;

/// The taxonomy: id, name, parent id.
const TERMS: &[(&str, &str, &str)] = &[
    ("t-food", "Food", ""),
    ("t-pantry", "Food Pantry", "t-food"),
    ("t-meals", "Meals", "t-food"),
    ("t-housing", "Housing", ""),
    ("t-shelter", "Temporary Shelter", "t-housing"),
    ("t-rent", "Rent Assistance", "t-housing"),
    ("t-transit", "Transit", ""),
    ("t-rides", "Medical Rides", "t-transit"),
    ("t-health", "Health", ""),
    ("t-primary", "Primary Care", "t-health"),
    ("t-dental", "Dental Care", "t-health"),
    ("t-mental", "Mental Health Care", "t-health"),
    ("t-addiction", "Addiction & Recovery", "t-health"),
    ("t-money", "Money", ""),
    ("t-benefits", "Government Benefits", "t-money"),
    ("t-legal", "Legal", ""),
    ("t-violence", "Domestic Violence Help", "t-legal"),
    ("t-care", "Care", ""),
    ("t-support", "Support Groups", "t-care"),
];

/// A kind of organization: its name's noun, its services' names and
/// descriptions, their terms.
struct Kind {
    org: &'static str,
    services: &'static [&'static str],
    description: &'static str,
    terms: &'static [&'static str],
}

const KINDS: &[Kind] = &[
    Kind {
        org: "Food Pantry",
        services: &[
            "Weekly Groceries",
            "Emergency Food Boxes",
            "Fresh Produce Day",
        ],
        description: "Free groceries for households, no appointment needed",
        terms: &["t-pantry"],
    },
    Kind {
        org: "Community Kitchen",
        services: &["Hot Meals", "Senior Lunch", "Meal Delivery"],
        description: "Free meals served daily; delivery for people who cannot leave home",
        terms: &["t-meals"],
    },
    Kind {
        org: "Housing Help",
        services: &[
            "Emergency Shelter Beds",
            "Rent Assistance",
            "Eviction Prevention",
        ],
        description: "Shelter beds and help paying rent to prevent eviction",
        terms: &["t-shelter", "t-rent"],
    },
    Kind {
        org: "Ride Program",
        services: &["Rides to Appointments", "Bus Passes"],
        description: "Free rides to medical appointments and reduced-fare bus passes",
        terms: &["t-rides"],
    },
    Kind {
        org: "Health Center",
        services: &["Primary Care Visits", "Dental Clinic", "Walk-in Clinic"],
        description: "Sliding-scale primary and dental care for uninsured and Medicaid patients",
        terms: &["t-primary", "t-dental"],
    },
    Kind {
        org: "Counseling Center",
        services: &[
            "Outpatient Counseling",
            "Crisis Walk-in",
            "Psychiatric Evaluation",
        ],
        description: "Counseling and psychiatry for adults, same-week intake",
        terms: &["t-mental"],
    },
    Kind {
        org: "Recovery Services",
        services: &["Outpatient Detox", "Recovery Coaching", "Methadone Program"],
        description: "Treatment and peer coaching for alcohol and drug use",
        terms: &["t-addiction"],
    },
    Kind {
        org: "Benefits Office",
        services: &[
            "SNAP Application Help",
            "Medicaid Enrollment",
            "Tax Preparation",
        ],
        description: "Help applying for benefits and filing taxes",
        terms: &["t-benefits"],
    },
    Kind {
        org: "Safe Haven",
        services: &["Domestic Violence Hotline", "Legal Advocacy"],
        description: "Confidential help for survivors of abuse, with legal advocates",
        terms: &["t-violence", "t-legal"],
    },
    Kind {
        org: "Family Support",
        services: &["Caregiver Support Group", "Peer Support Circle"],
        description: "Groups for caregivers and peers, meeting weekly",
        terms: &["t-support"],
    },
];

const AREAS: &[&str] = &[
    "Northside",
    "Southside",
    "Eastside",
    "Westside",
    "Riverside",
    "Hillcrest",
    "Lakeview",
    "Midtown",
    "Oakwood",
    "Fairview",
    "Brookside",
    "Cedar Park",
];

/// The synthetic region: three 3-digit ZIP regions, one city each.
const REGIONS: &[(&str, &str)] = &[
    ("000", "Sampleton"),
    ("001", "Example Falls"),
    ("002", "Testburg"),
];

/// ZIP codes used in each region: `REGION` + 10 to 10 + `ZIPS_PER_REGION`.
pub const ZIPS_PER_REGION: u32 = 30;

/// Languages besides English: name, code.
const LANGUAGES: &[(&str, &str)] = &[
    ("Spanish", "es"),
    ("Chinese", "zh"),
    ("Haitian Creole", "ht"),
    ("Russian", "ru"),
    ("Bengali", "bn"),
    ("Arabic", "ar"),
    ("Korean", "ko"),
    ("Vietnamese", "vi"),
    ("French", "fr"),
];

/// The package's tables, as CSV writers in the folder.
struct Files {
    organization: csv::Writer<std::fs::File>,
    service: csv::Writer<std::fs::File>,
    location: csv::Writer<std::fs::File>,
    service_at_location: csv::Writer<std::fs::File>,
    phone: csv::Writer<std::fs::File>,
    language: csv::Writer<std::fs::File>,
    schedule: csv::Writer<std::fs::File>,
    address: csv::Writer<std::fs::File>,
    attribute: csv::Writer<std::fs::File>,
}

fn writer(dir: &Path, name: &str, header: &[&str]) -> std::io::Result<csv::Writer<std::fs::File>> {
    let mut w = csv::Writer::from_path(dir.join(name))?;
    w.write_record(header)?;
    Ok(w)
}

impl Files {
    fn create(dir: &Path) -> std::io::Result<Files> {
        Ok(Files {
            organization: writer(
                dir,
                "organization.csv",
                &["id", "name", "description", "email", "website"],
            )?,
            service: writer(
                dir,
                "service.csv",
                &[
                    "id",
                    "organization_id",
                    "name",
                    "description",
                    "url",
                    "email",
                    "status",
                ],
            )?,
            location: writer(
                dir,
                "location.csv",
                &["id", "organization_id", "name", "location_type"],
            )?,
            service_at_location: writer(
                dir,
                "service_at_location.csv",
                &["id", "service_id", "location_id"],
            )?,
            phone: writer(
                dir,
                "phone.csv",
                &[
                    "id",
                    "organization_id",
                    "service_id",
                    "number",
                    "extension",
                    "type",
                ],
            )?,
            language: writer(dir, "language.csv", &["id", "service_id", "name", "code"])?,
            schedule: writer(
                dir,
                "schedule.csv",
                &[
                    "id",
                    "service_id",
                    "freq",
                    "byday",
                    "opens_at",
                    "closes_at",
                    "description",
                ],
            )?,
            address: writer(
                dir,
                "address.csv",
                &[
                    "id",
                    "location_id",
                    "address_1",
                    "city",
                    "state_province",
                    "postal_code",
                    "country",
                    "address_type",
                ],
            )?,
            attribute: writer(
                dir,
                "attribute.csv",
                &[
                    "id",
                    "link_id",
                    "link_type",
                    "link_entity",
                    "taxonomy_term_id",
                ],
            )?,
        })
    }

    fn flush(&mut self) -> std::io::Result<()> {
        for w in [
            &mut self.organization,
            &mut self.service,
            &mut self.location,
            &mut self.service_at_location,
            &mut self.phone,
            &mut self.language,
            &mut self.schedule,
            &mut self.address,
            &mut self.attribute,
        ] {
            w.flush()?;
        }
        Ok(())
    }
}

fn io(error: csv::Error) -> std::io::Error {
    std::io::Error::other(error.to_string())
}

/// A fictional phone number: 555-0100 to 555-0199 in a 555 area code.
fn phone(n: usize) -> String {
    format!("(555) 555-01{:02}", n % 100)
}

/// Writes a package of `services` synthetic services into `dir` (which
/// must exist), the same for the same seed. Ids are `org-N`, `svc-N`, …
/// in the order written.
pub fn write_package(dir: &Path, services: usize, seed: u64) -> std::io::Result<()> {
    let mut rng = ChaCha8Rng::seed_from_u64(seed);
    let mut files = Files::create(dir)?;
    let mut taxonomy = writer(
        dir,
        "taxonomy_term.csv",
        &["id", "code", "name", "description", "parent_id", "taxonomy"],
    )?;
    for (id, name, parent) in TERMS {
        taxonomy
            .write_record([id, "", name, "", parent, "Synthetic Open Eligibility"])
            .map_err(io)?;
    }
    taxonomy.flush()?;

    let (mut service_n, mut org_n, mut location_n, mut row_n) = (0usize, 0usize, 0usize, 0usize);
    while service_n < services {
        org_n += 1;
        let kind = &KINDS[rng.gen_range(0..KINDS.len())];
        let area = AREAS[rng.gen_range(0..AREAS.len())];
        let org = format!("org-{org_n}");
        let slug = format!("{}{}", area.to_lowercase().replace(' ', ""), org_n);
        files
            .organization
            .write_record([
                org.as_str(),
                &format!("{area} {} {org_n}", kind.org),
                kind.description,
                &format!("info@{slug}.example.org"),
                &format!("https://{slug}.example.org"),
            ])
            .map_err(io)?;
        row_n += 1;
        files
            .phone
            .write_record([
                &format!("ph-{row_n}"),
                org.as_str(),
                "",
                &phone(org_n),
                "",
                "voice",
            ])
            .map_err(io)?;

        let mut locations = Vec::new();
        for _ in 0..if rng.gen_bool(0.2) { 2 } else { 1 } {
            location_n += 1;
            let location = format!("loc-{location_n}");
            let (region, city) = REGIONS[rng.gen_range(0..REGIONS.len())];
            let zip = format!("{region}{:02}", 10 + rng.gen_range(0..ZIPS_PER_REGION));
            files
                .location
                .write_record([
                    location.as_str(),
                    org.as_str(),
                    &format!("{area} {} site {location_n}", kind.org),
                    "physical",
                ])
                .map_err(io)?;
            let street = ["Street", "Avenue", "Road", "Lane"][rng.gen_range(0..4)];
            files
                .address
                .write_record([
                    &format!("addr-{location_n}"),
                    location.as_str(),
                    &format!("{} Example {street}", rng.gen_range(1..2000)),
                    city,
                    "NY",
                    &zip,
                    "US",
                    "physical",
                ])
                .map_err(io)?;
            locations.push(location);
        }

        let count = rng.gen_range(1..=4).min(services - service_n);
        for k in 0..count {
            service_n += 1;
            write_service(
                &mut files, &mut rng, kind, &org, &locations, service_n, k, &mut row_n,
            )?;
        }
    }
    files.flush()
}

/// One service and its rows.
#[allow(clippy::too_many_arguments)]
fn write_service(
    files: &mut Files,
    rng: &mut ChaCha8Rng,
    kind: &Kind,
    org: &str,
    locations: &[String],
    n: usize,
    k: usize,
    row_n: &mut usize,
) -> std::io::Result<()> {
    let id = format!("svc-{n}");
    let name = format!("{} {n}", kind.services[k % kind.services.len()]);
    let status = if rng.gen_bool(0.03) {
        "temporarily closed"
    } else {
        "active"
    };
    files
        .service
        .write_record([id.as_str(), org, &name, kind.description, "", "", status])
        .map_err(io)?;
    for location in locations {
        *row_n += 1;
        files
            .service_at_location
            .write_record([&format!("sal-{row_n}"), id.as_str(), location.as_str()])
            .map_err(io)?;
    }
    *row_n += 1;
    let extension = if rng.gen_bool(0.2) {
        rng.gen_range(10..100).to_string()
    } else {
        String::new()
    };
    files
        .phone
        .write_record([
            &format!("ph-{row_n}"),
            "",
            id.as_str(),
            &phone(n),
            &extension,
            "voice",
        ])
        .map_err(io)?;

    *row_n += 1;
    files
        .language
        .write_record([&format!("lang-{row_n}"), id.as_str(), "English", "en"])
        .map_err(io)?;
    let mut others: Vec<&(&str, &str)> = LANGUAGES.iter().collect();
    others.shuffle(rng);
    // Spanish is the most common second language by far.
    let extra = rng.gen_range(0..=3);
    if rng.gen_bool(0.5) {
        others.sort_by_key(|(_, code)| *code != "es");
    }
    for (name, code) in others.into_iter().take(extra) {
        *row_n += 1;
        let (name, code) = match rng.gen_range(0..3) {
            0 => (*name, ""),
            1 => ("", *code),
            _ => (*name, *code),
        };
        files
            .language
            .write_record([&format!("lang-{row_n}"), id.as_str(), name, code])
            .map_err(io)?;
    }

    let schedules: &[(&str, &str, &str, &str)] = match rng.gen_range(0..4) {
        0 => &[("WEEKLY", "MO,TU,WE,TH,FR", "09:00", "17:00")],
        1 => &[
            ("WEEKLY", "MO,WE,FR", "10:00", "14:00"),
            ("WEEKLY", "SA", "09:00", "12:00"),
        ],
        2 => &[("WEEKLY", "TU,TH", "13:00", "19:00")],
        _ => &[("MONTHLY", "1SA", "10:00", "12:00")],
    };
    for (freq, byday, opens, closes) in schedules {
        *row_n += 1;
        files
            .schedule
            .write_record([
                &format!("sch-{row_n}"),
                id.as_str(),
                freq,
                byday,
                opens,
                closes,
                "",
            ])
            .map_err(io)?;
    }
    for term in kind
        .terms
        .iter()
        .take(if rng.gen_bool(0.5) { 2 } else { 1 })
    {
        *row_n += 1;
        files
            .attribute
            .write_record([&format!("attr-{row_n}"), id.as_str(), "", "service", term])
            .map_err(io)?;
    }
    Ok(())
}
