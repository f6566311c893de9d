//! Tables into typed rows, each row checked on its own (required values,
//! formats) and against the rows already kept (ids unique in their file,
//! links to rows that exist). A row with any problem is left out, and a
//! row linking to a row left out is left out too, saying why.

use std::collections::{HashMap, HashSet};

use super::check::{self, Problem};
use super::read::{Row, Table};
use super::types::*;

/// The ids of one table: those kept, and those read but left out.
#[derive(Default)]
pub struct Ids {
    kept: HashSet<String>,
    left_out: HashSet<String>,
}

/// The problems of one row, gathered before deciding to keep it.
struct RowCheck<'a> {
    table: &'a Table,
    row: &'a Row,
    problems: Vec<Problem>,
}

impl<'a> RowCheck<'a> {
    fn new(table: &'a Table, row: &'a Row) -> Self {
        RowCheck {
            table,
            row,
            problems: Vec::new(),
        }
    }

    fn problem(&mut self, column: &str, message: impl Into<String>) {
        self.problems.push(Problem::new(
            &self.table.file,
            self.row.line,
            Some(column),
            message,
        ));
    }

    fn opt(&self, column: &str) -> Option<String> {
        self.table.opt(self.row, &[column])
    }

    /// A value that must not be blank.
    fn required(&mut self, column: &str) -> String {
        let value = self.table.get(self.row, &[column]).to_string();
        if value.is_empty() {
            self.problem(column, "is empty");
        }
        value
    }

    /// A link (blank allowed unless `required`) to a row of `ids`.
    fn link(&mut self, column: &str, what: &str, ids: &Ids, required: bool) -> Option<String> {
        let value = if required {
            self.required(column)
        } else {
            self.table.get(self.row, &[column]).to_string()
        };
        if value.is_empty() {
            return None;
        }
        if ids.left_out.contains(&value) && !ids.kept.contains(&value) {
            self.problem(
                column,
                format!(
                    "{value:?} names {} {what} left out for its own problem",
                    article(what)
                ),
            );
        } else if !ids.kept.contains(&value) {
            self.problem(column, format!("{value:?} names no {what}"));
        }
        Some(value)
    }

    /// Keeps the row's id and value if it has no problem, else records it
    /// left out. Duplicates are checked here, after the row's own checks.
    fn finish<T>(
        mut self,
        id: String,
        value: T,
        seen: &mut HashMap<String, usize>,
        ids: &mut Ids,
        out: &mut Vec<T>,
        problems: &mut Vec<Problem>,
    ) {
        if !id.is_empty() {
            if let Some(first) = seen.get(&id) {
                let message = format!("{id:?} is already the id on line {first}");
                self.problem("id", message);
            } else {
                seen.insert(id.clone(), self.row.line);
            }
        }
        if self.problems.is_empty() {
            ids.kept.insert(id);
            out.push(value);
        } else {
            if !ids.kept.contains(&id) {
                ids.left_out.insert(id);
            }
            problems.append(&mut self.problems);
        }
    }
}

/// Runs `each` over the rows of `table`, keeping what it returns.
fn rows<T>(
    table: &Table,
    problems: &mut Vec<Problem>,
    mut each: impl FnMut(&mut RowCheck) -> (String, T),
) -> (Vec<T>, Ids) {
    let mut out = Vec::new();
    let mut ids = Ids::default();
    let mut seen = HashMap::new();
    for row in &table.rows {
        let mut check = RowCheck::new(table, row);
        let (id, value) = each(&mut check);
        check.finish(id, value, &mut seen, &mut ids, &mut out, problems);
    }
    (out, ids)
}

/// A table that may be absent: no rows and no ids then.
fn maybe<T>(
    table: Option<&Table>,
    problems: &mut Vec<Problem>,
    each: impl FnMut(&mut RowCheck) -> (String, T),
) -> (Vec<T>, Ids) {
    match table {
        Some(table) => rows(table, problems, each),
        None => (Vec::new(), Ids::default()),
    }
}

/// The tables read from a package, each `None` when absent or unusable.
#[derive(Default)]
pub struct Tables {
    pub organization: Option<Table>,
    pub service: Option<Table>,
    pub location: Option<Table>,
    pub service_at_location: Option<Table>,
    pub phone: Option<Table>,
    pub language: Option<Table>,
    pub schedule: Option<Table>,
    pub address: Option<Table>,
    pub taxonomy_term: Option<Table>,
    pub attribute: Option<Table>,
    pub service_taxonomy: Option<Table>,
}

/// Every table into typed rows, in the order links need: organizations,
/// services, locations, services at locations, phones, languages (which
/// may name a phone), schedules, addresses, taxonomy terms, attributes.
pub fn directory(tables: &Tables, problems: &mut Vec<Problem>) -> Directory {
    let (organizations, orgs) = maybe(tables.organization.as_ref(), problems, |r| {
        let id = r.required("id");
        let organization = Organization {
            id: id.clone(),
            name: r.required("name"),
            description: r.opt("description"),
            email: r.opt("email"),
            website: r.table.opt(r.row, &["website", "url"]),
        };
        (id, organization)
    });
    let (services, service_ids) = maybe(tables.service.as_ref(), problems, |r| {
        let id = r.required("id");
        let organization_id = r
            .link("organization_id", "organization", &orgs, true)
            .unwrap_or_default();
        let status = r.opt("status").and_then(|text| {
            let status = ServiceStatus::parse(&text);
            if status.is_none() {
                r.problem(
                    "status",
                    format!("{text:?} is not one of active, inactive, defunct, temporarily closed"),
                );
            }
            status
        });
        let service = Service {
            id: id.clone(),
            organization_id,
            name: r.required("name"),
            description: r.opt("description"),
            url: r.opt("url"),
            email: r.opt("email"),
            status,
        };
        (id, service)
    });
    let (locations, location_ids) = maybe(tables.location.as_ref(), problems, |r| {
        let id = r.required("id");
        let location = Location {
            id: id.clone(),
            organization_id: r.link("organization_id", "organization", &orgs, false),
            name: r.opt("name"),
            description: r.opt("description"),
            location_type: r.opt("location_type"),
        };
        (id, location)
    });
    let (service_at_location, sal_ids) =
        maybe(tables.service_at_location.as_ref(), problems, |r| {
            let id = r.required("id");
            let row = ServiceAtLocation {
                id: id.clone(),
                service_id: r
                    .link("service_id", "service", &service_ids, true)
                    .unwrap_or_default(),
                location_id: r
                    .link("location_id", "location", &location_ids, true)
                    .unwrap_or_default(),
                description: r.opt("description"),
            };
            (id, row)
        });
    let (phones, phone_ids) = maybe(tables.phone.as_ref(), problems, |r| {
        let id = r.required("id");
        let organization_id = r.link("organization_id", "organization", &orgs, false);
        let service_id = r.link("service_id", "service", &service_ids, false);
        let location_id = r.link("location_id", "location", &location_ids, false);
        let service_at_location_id = r.link(
            "service_at_location_id",
            "service at location",
            &sal_ids,
            false,
        );
        if organization_id.is_none()
            && service_id.is_none()
            && location_id.is_none()
            && service_at_location_id.is_none()
            && r.opt("contact_id").is_none()
        {
            r.problem(
                "id",
                "phone belongs to nothing (no organization_id, service_id, location_id or service_at_location_id)",
            );
        }
        let number = r.required("number");
        let mut extension = r.opt("extension");
        if !number.is_empty() {
            match check::phone(&number) {
                Ok((_, written)) => extension = extension.or(written),
                Err(message) => r.problem("number", message),
            }
        }
        let phone = Phone {
            id: id.clone(),
            organization_id,
            service_id,
            location_id,
            service_at_location_id,
            number,
            extension,
            kind: r.opt("type"),
            description: r.opt("description"),
        };
        (id, phone)
    });
    let (languages, _) = maybe(tables.language.as_ref(), problems, |r| {
        let id = r.required("id");
        let service_id = r.link("service_id", "service", &service_ids, false);
        let location_id = r.link("location_id", "location", &location_ids, false);
        let phone_id = r.link("phone_id", "phone", &phone_ids, false);
        if service_id.is_none() && location_id.is_none() && phone_id.is_none() {
            r.problem(
                "id",
                "language belongs to nothing (no service_id, location_id or phone_id)",
            );
        }
        let name = r.table.opt(r.row, &["name", "language"]);
        let code = r.opt("code");
        if name.is_none() && code.is_none() {
            r.problem("name", "is empty, and so is code");
        }
        let language = Language {
            id: id.clone(),
            service_id,
            location_id,
            phone_id,
            name,
            code,
        };
        (id, language)
    });
    let (schedules, _) = maybe(tables.schedule.as_ref(), problems, |r| {
        schedule(r, &service_ids, &location_ids, &sal_ids)
    });
    let (addresses, _) = maybe(tables.address.as_ref(), problems, |r| {
        let id = r.required("id");
        let location_id = r.link("location_id", "location", &location_ids, false);
        let postal_code = r.required("postal_code");
        let country = r.opt("country");
        if !postal_code.is_empty() && check::is_us(country.as_deref().unwrap_or("")) {
            if let Err(message) = check::us_postal_code(&postal_code) {
                r.problem("postal_code", message);
            }
        }
        let address = Address {
            id: id.clone(),
            location_id,
            address_1: r.required("address_1"),
            address_2: r.opt("address_2"),
            city: r.required("city"),
            state_province: r.required("state_province"),
            postal_code,
            country,
            address_type: r.opt("address_type"),
        };
        (id, address)
    });
    let (taxonomy, term_ids) = match tables.taxonomy_term.as_ref() {
        Some(table) => {
            let (terms, ids) = rows(table, problems, |r| {
                let id = r.required("id");
                let term = TaxonomyTerm {
                    id: id.clone(),
                    code: r.opt("code"),
                    name: r.required("name"),
                    description: r.opt("description"),
                    parent_id: r.opt("parent_id"),
                    taxonomy: r.opt("taxonomy"),
                };
                (id, term)
            });
            (Some(terms), ids)
        }
        None => (None, Ids::default()),
    };
    let links = Links {
        organizations: &orgs,
        services: &service_ids,
        locations: &location_ids,
        terms: &term_ids,
    };
    let (mut attributes, _) = maybe(tables.attribute.as_ref(), problems, |r| {
        attribute(r, &links, "link_id", "taxonomy_term_id")
    });
    let (service_taxonomy, _) = maybe(tables.service_taxonomy.as_ref(), problems, |r| {
        attribute(r, &links, "service_id", "taxonomy_id")
    });
    attributes.extend(service_taxonomy);
    Directory {
        organizations,
        services,
        locations,
        service_at_location,
        phones,
        languages,
        schedules,
        addresses,
        taxonomy,
        attributes,
    }
}

/// The ids an attribute may link to.
struct Links<'a> {
    organizations: &'a Ids,
    services: &'a Ids,
    locations: &'a Ids,
    terms: &'a Ids,
}

/// An attribute.csv row (`link_id`, `taxonomy_term_id`) or a 2.0
/// service_taxonomy.csv row (`service_id`, `taxonomy_id`, no entity). Its
/// link is checked when it names a service, an organization or a location
/// (the rows tend reads); its term always, so a service is never said to be
/// something the package does not define.
fn attribute(r: &mut RowCheck, links: &Links, link: &str, term: &str) -> (String, Attribute) {
    let id = r.required("id");
    let link_entity = r
        .opt("link_entity")
        .map_or_else(|| "service".to_string(), |e| e.to_ascii_lowercase());
    let linked = match link_entity.as_str() {
        "service" => Some(("service", links.services)),
        "organization" => Some(("organization", links.organizations)),
        "location" => Some(("location", links.locations)),
        _ => None,
    };
    let link_id = match linked {
        Some((what, ids)) => r.link(link, what, ids, true).unwrap_or_default(),
        None => r.required(link),
    };
    let taxonomy_term_id = r.link(term, "taxonomy term", links.terms, true);
    let attribute = Attribute {
        id: id.clone(),
        link_id,
        link_entity,
        link_type: r.opt("link_type"),
        taxonomy_term_id: taxonomy_term_id.unwrap_or_default(),
        value: r.opt("value"),
        label: r.opt("label"),
    };
    (id, attribute)
}

fn schedule(r: &mut RowCheck, services: &Ids, locations: &Ids, sals: &Ids) -> (String, Schedule) {
    let id = r.required("id");
    let service_id = r.link("service_id", "service", services, false);
    let location_id = r.link("location_id", "location", locations, false);
    let service_at_location_id =
        r.link("service_at_location_id", "service at location", sals, false);
    if service_id.is_none() && location_id.is_none() && service_at_location_id.is_none() {
        r.problem(
            "id",
            "schedule belongs to nothing (no service_id, location_id or service_at_location_id)",
        );
    }
    let byday = r.opt("byday").and_then(|text| match check::byday(&text) {
        Ok(list) => Some(list),
        Err(message) => {
            r.problem("byday", message);
            None
        }
    });
    let opens_at = r.opt("opens_at");
    let closes_at = r.opt("closes_at");
    if let Err((column, message)) = check::opening_hours(
        opens_at.as_deref().unwrap_or(""),
        closes_at.as_deref().unwrap_or(""),
    ) {
        r.problem(column, message);
    }
    let mut date = |column: &str| {
        r.opt(column).and_then(|text| match check::date(&text) {
            Ok(date) => Some(date),
            Err(message) => {
                r.problem(column, message);
                None
            }
        })
    };
    let valid_from = date("valid_from");
    let valid_to = date("valid_to");
    if let (Some(from), Some(to)) = (valid_from, valid_to) {
        if to < from {
            r.problem("valid_to", format!("{to} is before valid_from {from}"));
        }
    }
    let schedule = Schedule {
        id: id.clone(),
        service_id,
        location_id,
        service_at_location_id,
        freq: r.opt("freq"),
        byday,
        opens_at,
        closes_at,
        valid_from,
        valid_to,
        description: r.opt("description"),
    };
    (id, schedule)
}

fn article(what: &str) -> &'static str {
    if what.starts_with(['a', 'e', 'i', 'o', 'u']) {
        "an"
    } else {
        "a"
    }
}
