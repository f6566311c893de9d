//! The typed rows of a community resource directory, as read from an HSDS
//! package: plain data, only the columns tend uses. Ids are the package's
//! own strings; an empty optional column is `None`.

/// Everything read from one package, rows with problems left out.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct Directory {
    pub organizations: Vec<Organization>,
    pub services: Vec<Service>,
    pub locations: Vec<Location>,
    pub service_at_location: Vec<ServiceAtLocation>,
    pub phones: Vec<Phone>,
    pub languages: Vec<Language>,
    pub schedules: Vec<Schedule>,
    pub addresses: Vec<Address>,
    /// `None` when the package has no taxonomy_term.csv.
    pub taxonomy: Option<Vec<TaxonomyTerm>>,
    /// attribute.csv's rows, then 2.0's service_taxonomy.csv's.
    pub attributes: Vec<Attribute>,
}

/// organization.csv (2.0: organizations.csv).
#[derive(Clone, Debug, PartialEq)]
pub struct Organization {
    pub id: String,
    pub name: String,
    pub description: Option<String>,
    pub email: Option<String>,
    /// 3.0's `website`; 2.0's `url`.
    pub website: Option<String>,
}

/// A service's `status`, HSDS 3.0's enumeration.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum ServiceStatus {
    Active,
    Inactive,
    Defunct,
    TemporarilyClosed,
}

impl ServiceStatus {
    /// The HSDS spelling, case and surrounding blanks ignored.
    pub fn parse(text: &str) -> Option<Self> {
        match text.trim().to_ascii_lowercase().as_str() {
            "active" => Some(Self::Active),
            "inactive" => Some(Self::Inactive),
            "defunct" => Some(Self::Defunct),
            "temporarily closed" => Some(Self::TemporarilyClosed),
            _ => None,
        }
    }

    pub fn as_str(self) -> &'static str {
        match self {
            Self::Active => "active",
            Self::Inactive => "inactive",
            Self::Defunct => "defunct",
            Self::TemporarilyClosed => "temporarily closed",
        }
    }
}

/// service.csv (2.0: services.csv).
#[derive(Clone, Debug, PartialEq)]
pub struct Service {
    pub id: String,
    pub organization_id: String,
    pub name: String,
    pub description: Option<String>,
    pub url: Option<String>,
    pub email: Option<String>,
    /// `None` when the column is absent or blank.
    pub status: Option<ServiceStatus>,
}

/// location.csv (2.0: locations.csv).
#[derive(Clone, Debug, PartialEq)]
pub struct Location {
    pub id: String,
    pub organization_id: Option<String>,
    pub name: Option<String>,
    pub description: Option<String>,
    /// `physical`, `postal` or `virtual` in 3.0; kept as written.
    pub location_type: Option<String>,
}

/// service_at_location.csv (2.0: services_at_location.csv).
#[derive(Clone, Debug, PartialEq)]
pub struct ServiceAtLocation {
    pub id: String,
    pub service_id: String,
    pub location_id: String,
    pub description: Option<String>,
}

/// phone.csv (2.0: phones.csv). At least one link is set.
#[derive(Clone, Debug, PartialEq)]
pub struct Phone {
    pub id: String,
    pub organization_id: Option<String>,
    pub service_id: Option<String>,
    pub location_id: Option<String>,
    pub service_at_location_id: Option<String>,
    /// As written in the package (checked: 7–15 digits).
    pub number: String,
    /// The `extension` column, or the one written in `number` ("x 12").
    pub extension: Option<String>,
    /// The `type` column: voice, fax, text, cell, …
    pub kind: Option<String>,
    pub description: Option<String>,
}

/// language.csv (2.0: languages.csv). At least one link, and a name or a
/// code, are set.
#[derive(Clone, Debug, PartialEq)]
pub struct Language {
    pub id: String,
    pub service_id: Option<String>,
    pub location_id: Option<String>,
    pub phone_id: Option<String>,
    /// 3.0's `name`; 2.0's `language`.
    pub name: Option<String>,
    /// ISO 639-1 or 639-3, as written.
    pub code: Option<String>,
}

/// schedule.csv (2.0: regular_schedules.csv). At least one link is set.
#[derive(Clone, Debug, PartialEq)]
pub struct Schedule {
    pub id: String,
    pub service_id: Option<String>,
    pub location_id: Option<String>,
    pub service_at_location_id: Option<String>,
    /// `WEEKLY` or `MONTHLY`, as written.
    pub freq: Option<String>,
    /// The iCal BYDAY list, upper-cased and without blanks: "MO,TU", "1MO".
    pub byday: Option<String>,
    /// As written (HH:MM, HH:MM:SS, with an optional `Z` or UTC offset).
    pub opens_at: Option<String>,
    pub closes_at: Option<String>,
    pub valid_from: Option<chrono::NaiveDate>,
    pub valid_to: Option<chrono::NaiveDate>,
    pub description: Option<String>,
}

/// address.csv (2.0: physical_addresses.csv).
#[derive(Clone, Debug, PartialEq)]
pub struct Address {
    pub id: String,
    pub location_id: Option<String>,
    pub address_1: String,
    pub address_2: Option<String>,
    pub city: String,
    pub state_province: String,
    pub postal_code: String,
    /// ISO 3166-1 code as written; blank is read as the US.
    pub country: Option<String>,
    pub address_type: Option<String>,
}

/// taxonomy_term.csv (2.0: taxonomy.csv).
#[derive(Clone, Debug, PartialEq)]
pub struct TaxonomyTerm {
    pub id: String,
    pub code: Option<String>,
    pub name: String,
    pub description: Option<String>,
    pub parent_id: Option<String>,
    pub taxonomy: Option<String>,
}

/// attribute.csv (3.0), or a row of service_taxonomy.csv (2.0, read as
/// an attribute of a service): `link_id`'s row is described by the
/// taxonomy term `taxonomy_term_id`.
#[derive(Clone, Debug, PartialEq)]
pub struct Attribute {
    pub id: String,
    pub link_id: String,
    /// The table `link_id` is in (`service`, `organization`, `location`,
    /// …), lower-cased; blank is read as `service`, which is what 2.0's
    /// service_taxonomy.csv links and what most 3.0 packages mean.
    pub link_entity: String,
    pub link_type: Option<String>,
    pub taxonomy_term_id: String,
    pub value: Option<String>,
    pub label: Option<String>,
}

impl Attribute {
    /// Whether it describes a service.
    pub fn of_service(&self) -> bool {
        self.link_entity == "service"
    }
}
