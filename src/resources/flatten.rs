//! A package's tables into one record per service ([`ServiceRecord`]):
//! what a coordinator needs to refer someone there, gathered through the
//! package's links.
//!
//! - phones: the service's own, then those of its services at locations,
//!   of its locations, of its organization (the first is the one shown);
//! - addresses: of its locations (through service_at_location), physical
//!   ones first; a postal address (a PO box) only when there is no other;
//! - languages: the service's, its locations', its phones'; each read as a
//!   language through tend's registry (code first, then name), so "Spanish"
//!   and `spa` and `es` are one language; one no registry knows is kept as
//!   its name in lower case;
//! - schedule: the service's rows, then its services at locations', then
//!   (if it has none of its own) its locations', in words;
//! - need domains and terms: its attributes' taxonomy terms, placed by
//!   `domain::need_taxonomy`.

use std::collections::HashMap;

use super::types::*;
use crate::domain::directory::{
    schedule_line, AddressRecord, DirectoryRecords, OrganizationRecord, PhoneRecord, ServiceRecord,
};
use crate::domain::language;
use crate::domain::need_taxonomy::{domains_of_service, Taxonomy, Term};

/// Rows grouped by the id they link to.
struct ByLink<'a, T> {
    map: HashMap<&'a str, Vec<&'a T>>,
}

impl<'a, T> ByLink<'a, T> {
    fn new(rows: &'a [T], key: impl Fn(&'a T) -> Option<&'a str>) -> Self {
        let mut map: HashMap<&str, Vec<&T>> = HashMap::new();
        for row in rows {
            if let Some(k) = key(row) {
                map.entry(k).or_default().push(row);
            }
        }
        ByLink { map }
    }

    fn get(&self, id: &str) -> &[&'a T] {
        self.map.get(id).map_or(&[], Vec::as_slice)
    }
}

/// The package's rows, indexed for gathering each service's.
struct Index<'a> {
    organizations: HashMap<&'a str, &'a Organization>,
    locations: HashMap<&'a str, &'a Location>,
    sal_by_service: ByLink<'a, ServiceAtLocation>,
    phones_by_service: ByLink<'a, Phone>,
    phones_by_sal: ByLink<'a, Phone>,
    phones_by_location: ByLink<'a, Phone>,
    phones_by_organization: ByLink<'a, Phone>,
    languages_by_service: ByLink<'a, Language>,
    languages_by_location: ByLink<'a, Language>,
    languages_by_phone: ByLink<'a, Language>,
    schedules_by_service: ByLink<'a, Schedule>,
    schedules_by_sal: ByLink<'a, Schedule>,
    schedules_by_location: ByLink<'a, Schedule>,
    addresses_by_location: ByLink<'a, Address>,
    terms_by_service: ByLink<'a, Attribute>,
}

impl<'a> Index<'a> {
    fn new(d: &'a Directory) -> Self {
        Index {
            organizations: d.organizations.iter().map(|o| (o.id.as_str(), o)).collect(),
            locations: d.locations.iter().map(|l| (l.id.as_str(), l)).collect(),
            sal_by_service: ByLink::new(&d.service_at_location, |s| Some(&s.service_id)),
            phones_by_service: ByLink::new(&d.phones, |p| p.service_id.as_deref()),
            phones_by_sal: ByLink::new(&d.phones, |p| p.service_at_location_id.as_deref()),
            phones_by_location: ByLink::new(&d.phones, |p| p.location_id.as_deref()),
            phones_by_organization: ByLink::new(&d.phones, |p| p.organization_id.as_deref()),
            languages_by_service: ByLink::new(&d.languages, |l| l.service_id.as_deref()),
            languages_by_location: ByLink::new(&d.languages, |l| l.location_id.as_deref()),
            languages_by_phone: ByLink::new(&d.languages, |l| l.phone_id.as_deref()),
            schedules_by_service: ByLink::new(&d.schedules, |s| s.service_id.as_deref()),
            schedules_by_sal: ByLink::new(&d.schedules, |s| s.service_at_location_id.as_deref()),
            schedules_by_location: ByLink::new(&d.schedules, |s| s.location_id.as_deref()),
            addresses_by_location: ByLink::new(&d.addresses, |a| a.location_id.as_deref()),
            terms_by_service: ByLink::new(&d.attributes, |a| {
                a.of_service().then_some(a.link_id.as_str())
            }),
        }
    }
}

/// The directory's organizations and services as records.
pub fn records(directory: &Directory) -> DirectoryRecords {
    let index = Index::new(directory);
    let terms: Vec<Term> = directory
        .taxonomy
        .iter()
        .flatten()
        .map(|t| Term {
            id: t.id.clone(),
            name: t.name.clone(),
            code: t.code.clone(),
            parent_id: t.parent_id.clone(),
            taxonomy: t.taxonomy.clone(),
        })
        .collect();
    let taxonomy = Taxonomy::new(&terms);
    let organizations = directory
        .organizations
        .iter()
        .map(|o| OrganizationRecord {
            source_id: o.id.clone(),
            name: o.name.clone(),
            description: o.description.clone(),
            website: o.website.clone(),
            email: o.email.clone(),
        })
        .collect();
    let services = directory
        .services
        .iter()
        .map(|s| service(s, &index, &taxonomy))
        .collect();
    DirectoryRecords {
        organizations,
        services,
    }
}

fn push_unique<T: PartialEq>(list: &mut Vec<T>, value: T) {
    if !list.contains(&value) {
        list.push(value);
    }
}

fn service(s: &Service, index: &Index<'_>, taxonomy: &Taxonomy<'_>) -> ServiceRecord {
    let sals = index.sal_by_service.get(&s.id);
    let location_ids: Vec<&str> = sals.iter().map(|sal| sal.location_id.as_str()).collect();

    let mut phone_rows: Vec<&Phone> = index.phones_by_service.get(&s.id).to_vec();
    for sal in sals {
        phone_rows.extend(index.phones_by_sal.get(&sal.id));
    }
    for location in &location_ids {
        phone_rows.extend(index.phones_by_location.get(location));
    }
    phone_rows.extend(index.phones_by_organization.get(&s.organization_id));
    let mut phones = Vec::new();
    let mut phone_ids = Vec::new();
    for p in phone_rows {
        push_unique(&mut phone_ids, p.id.as_str());
        push_unique(
            &mut phones,
            PhoneRecord {
                number: p.number.clone(),
                extension: p.extension.clone(),
                kind: p.kind.clone(),
                description: p.description.clone(),
            },
        );
    }

    let mut languages = Vec::new();
    let language_rows = index
        .languages_by_service
        .get(&s.id)
        .iter()
        .chain(
            location_ids
                .iter()
                .flat_map(|l| index.languages_by_location.get(l)),
        )
        .chain(
            phone_ids
                .iter()
                .flat_map(|p| index.languages_by_phone.get(p)),
        );
    for row in language_rows {
        if let Some(tag) = language_tag(row) {
            push_unique(&mut languages, tag);
        }
    }

    let (mut physical, mut postal) = (Vec::new(), Vec::new());
    for location in &location_ids {
        let name = index.locations.get(location).and_then(|l| l.name.clone());
        for a in index.addresses_by_location.get(location) {
            let record = AddressRecord {
                location: name.clone(),
                address_1: a.address_1.clone(),
                address_2: a.address_2.clone(),
                city: a.city.clone(),
                state: a.state_province.clone(),
                postal_code: a.postal_code.clone(),
            };
            let is_postal = a
                .address_type
                .as_deref()
                .is_some_and(|t| t.eq_ignore_ascii_case("postal"));
            push_unique(
                if is_postal {
                    &mut postal
                } else {
                    &mut physical
                },
                record,
            );
        }
    }
    let addresses = if physical.is_empty() {
        postal
    } else {
        physical
    };

    let mut schedule_rows: Vec<&Schedule> = index.schedules_by_service.get(&s.id).to_vec();
    for sal in sals {
        schedule_rows.extend(index.schedules_by_sal.get(&sal.id));
    }
    if schedule_rows.is_empty() {
        for location in &location_ids {
            schedule_rows.extend(index.schedules_by_location.get(location));
        }
    }
    let mut lines = Vec::new();
    for row in schedule_rows {
        let line = schedule_line(
            row.byday.as_deref(),
            row.opens_at.as_deref(),
            row.closes_at.as_deref(),
            row.description.as_deref(),
        );
        if let Some(line) = line {
            push_unique(&mut lines, line);
        }
    }

    let term_ids: Vec<&str> = index
        .terms_by_service
        .get(&s.id)
        .iter()
        .map(|a| a.taxonomy_term_id.as_str())
        .collect();
    let mut terms = Vec::new();
    for id in &term_ids {
        for term in taxonomy.lineage(id) {
            push_unique(&mut terms, term.name.clone());
        }
    }
    let domains = domains_of_service(taxonomy, term_ids.iter().copied());

    ServiceRecord {
        source_id: s.id.clone(),
        organization_source_id: s.organization_id.clone(),
        organization: index
            .organizations
            .get(s.organization_id.as_str())
            .map(|o| o.name.clone())
            .unwrap_or_default(),
        name: s.name.clone(),
        description: s.description.clone(),
        url: s.url.clone(),
        email: s.email.clone(),
        status: s.status.map(|st| st.as_str().to_string()),
        domains,
        terms,
        languages,
        phones,
        addresses,
        schedule: (!lines.is_empty()).then(|| lines.join("; ")),
    }
}

/// A language row as a tag: its code read by the registry, else its name;
/// else the name (or code) folded, so a search typing it still finds it.
fn language_tag(row: &Language) -> Option<String> {
    let known = |answer: Result<language::PreferredLanguage, String>| match answer {
        Ok(language::PreferredLanguage::Tag(tag)) => Some(tag.primary().to_string()),
        _ => None,
    };
    row.code
        .as_deref()
        .and_then(|code| known(language::parse_code(code)))
        .or_else(|| {
            row.name
                .as_deref()
                .and_then(|name| known(language::parse(name)))
        })
        .or_else(|| {
            row.name
                .as_deref()
                .or(row.code.as_deref())
                .map(language::fold)
                .filter(|f| !f.is_empty())
        })
}
