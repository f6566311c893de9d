//! The community resource directory as tend keeps it (issue 17, item 2):
//! one record per service of an HSDS package, flattened from the package's
//! tables by `resources::flatten`, stored by the store, and found by
//! [`ResourceQuery`]. Plain data; the store speaks SQL, `resources` reads
//! HSDS, neither needs the other's types.
//!
//! Names follow FHIR where it has them: a service is a HealthcareService,
//! provided by an Organization.

use super::care_plan::NeedDomain;

/// An organization of the directory, kept by its HSDS id.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct OrganizationRecord {
    pub source_id: String,
    pub name: String,
    pub description: Option<String>,
    pub website: Option<String>,
    pub email: Option<String>,
}

/// A phone of a service: its own, its locations', or its organization's,
/// in that order (the first is the one a list shows).
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct PhoneRecord {
    pub number: String,
    pub extension: Option<String>,
    /// voice, fax, text, … as the package says.
    pub kind: Option<String>,
    pub description: Option<String>,
}

impl PhoneRecord {
    /// The number as shown: "555-0100 x12".
    pub fn shown(&self) -> String {
        match &self.extension {
            Some(ext) if !self.number.contains(ext.as_str()) => {
                format!("{} x{ext}", self.number)
            }
            _ => self.number.clone(),
        }
    }
}

/// Where a service is given.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct AddressRecord {
    /// The location's name, when it has one ("Pantry on Main").
    pub location: Option<String>,
    pub address_1: String,
    pub address_2: Option<String>,
    pub city: String,
    pub state: String,
    pub postal_code: String,
}

impl AddressRecord {
    /// One line: "1 Main St, Suite 2, Sampletown MA 00001".
    pub fn line(&self) -> String {
        let mut parts = vec![self.address_1.clone()];
        parts.extend(self.address_2.clone());
        parts.push(format!("{} {} {}", self.city, self.state, self.postal_code));
        parts.join(", ")
    }

    /// The 5-digit ZIP code of a US postal code ("00001-0009" → "00001").
    pub fn zip5(&self) -> Option<String> {
        zip5(&self.postal_code)
    }
}

/// The first five characters of `text` when they are digits.
pub fn zip5(text: &str) -> Option<String> {
    let head = text.trim().get(..5)?;
    head.bytes()
        .all(|b| b.is_ascii_digit())
        .then(|| head.to_string())
}

/// One service of the directory, with what a coordinator needs to refer
/// someone to it: an import writes one of these per service.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct ServiceRecord {
    /// The service's HSDS id: what a re-import and a referral know it by.
    pub source_id: String,
    pub organization_source_id: String,
    /// The organization's name (a copy, so the search index holds it).
    pub organization: String,
    pub name: String,
    pub description: Option<String>,
    pub url: Option<String>,
    pub email: Option<String>,
    /// HSDS's status: active, inactive, defunct, temporarily closed.
    pub status: Option<String>,
    /// At least one ([`NeedDomain::Other`] when its terms say none).
    pub domains: Vec<NeedDomain>,
    /// The names of its taxonomy terms and their parents, for the search.
    pub terms: Vec<String>,
    /// Canonical language tags (`es`, `ht`), or, for a language no
    /// registry knows, its name folded to lower case.
    pub languages: Vec<String>,
    pub phones: Vec<PhoneRecord>,
    pub addresses: Vec<AddressRecord>,
    /// When it is open, in words ("Mon, Wed 09:00–17:00").
    pub schedule: Option<String>,
}

impl ServiceRecord {
    /// Its 5-digit ZIP codes, each once, in the order of its addresses.
    pub fn zips(&self) -> Vec<String> {
        let mut zips: Vec<String> = Vec::new();
        for zip in self.addresses.iter().filter_map(AddressRecord::zip5) {
            if !zips.contains(&zip) {
                zips.push(zip);
            }
        }
        zips
    }
}

/// A package flattened: what an import writes.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct DirectoryRecords {
    pub organizations: Vec<OrganizationRecord>,
    pub services: Vec<ServiceRecord>,
}

/// What an import did, in services.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct ImportCounts {
    pub added: usize,
    /// Changed since the last import (a service back after being removed
    /// counts here too, and in `restored`).
    pub updated: usize,
    /// In the directory before, not in this package: marked removed.
    pub removed: usize,
    pub unchanged: usize,
    /// Removed before, back in this package.
    pub restored: usize,
}

impl ImportCounts {
    /// "3 added, 1 updated, 1 removed, 10 unchanged" (and ", 1 back
    /// after removal" when one came back): the summary and the audit
    /// detail.
    pub fn summary(&self) -> String {
        let mut text = format!(
            "{} added, {} updated, {} removed, {} unchanged",
            self.added, self.updated, self.removed, self.unchanged
        );
        if self.restored > 0 {
            text.push_str(&format!(", {} back after removal", self.restored));
        }
        text
    }
}

/// A search of the directory. Every part given must hold; none given
/// finds every service (by name). See `Store::search_resources`.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct ResourceQuery {
    /// Words typed, each matched as the start of a word of the service's
    /// name, description, organization or taxonomy terms.
    pub words: String,
    pub domain: Option<NeedDomain>,
    /// A language by name ("Spanish", "Haitian Creole") or code (`es`).
    pub language: Option<String>,
    /// A ZIP code: services there first, then those nearby.
    pub zip: Option<String>,
    /// Services removed from the directory are left out unless this is set.
    pub include_removed: bool,
    pub limit: usize,
}

/// One service found.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct ResourceHit {
    /// tend's id of the service.
    pub id: i64,
    /// Its HSDS id (what a referral keeps).
    pub source_id: String,
    pub name: String,
    pub organization: String,
    pub phone: Option<String>,
    pub address: Option<String>,
    pub zip: Option<String>,
    /// Language tags (see [`ServiceRecord::languages`]).
    pub languages: Vec<String>,
    pub schedule: Option<String>,
    pub domains: Vec<NeedDomain>,
    pub status: Option<String>,
    pub removed: bool,
    /// Whether a ZIP search found it in that ZIP (else nearby, or no ZIP
    /// asked).
    pub in_zip: bool,
}

/// One service in full: the hit, and the rest of the record.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct ResourceDetail {
    pub hit: ResourceHit,
    pub description: Option<String>,
    pub url: Option<String>,
    pub email: Option<String>,
    pub organization_website: Option<String>,
    pub terms: Vec<String>,
    pub phones: Vec<PhoneRecord>,
    pub addresses: Vec<AddressRecord>,
    /// UTC RFC 3339, when an import found it gone.
    pub removed_at: Option<String>,
}

/// One schedule row in words: "Mon, Wed 09:00–17:00", "1st Sat
/// 10:00–12:00", "Fri from 18:00". The description is added in
/// parentheses; a row with neither days nor times is its description.
pub fn schedule_line(
    byday: Option<&str>,
    opens: Option<&str>,
    closes: Option<&str>,
    description: Option<&str>,
) -> Option<String> {
    let days = byday.map(days_in_words).filter(|d| !d.is_empty());
    let hours = match (opens.map(hh_mm), closes.map(hh_mm)) {
        (Some(o), Some(c)) => Some(format!("{o}–{c}")),
        (Some(o), None) => Some(format!("from {o}")),
        (None, Some(c)) => Some(format!("until {c}")),
        (None, None) => None,
    };
    let main: Vec<String> = days.into_iter().chain(hours).collect();
    let description = description.map(str::trim).filter(|d| !d.is_empty());
    match (main.is_empty(), description) {
        (true, None) => None,
        (true, Some(d)) => Some(d.to_string()),
        (false, None) => Some(main.join(" ")),
        (false, Some(d)) => Some(format!("{} ({d})", main.join(" "))),
    }
}

/// "HH:MM" of a schedule time ("09:00:00Z" → "09:00").
fn hh_mm(time: &str) -> String {
    time.get(..5).unwrap_or(time).to_string()
}

/// An iCal BYDAY list in words: "MO,WE" → "Mon, Wed"; "1SA" → "1st Sat";
/// "-1FR" → "last Fri".
fn days_in_words(byday: &str) -> String {
    byday
        .split(',')
        .filter_map(|part| {
            let part = part.trim();
            let at = part.len().checked_sub(2)?;
            let (ordinal, day) = part.split_at_checked(at)?;
            let name = match day.to_ascii_uppercase().as_str() {
                "MO" => "Mon",
                "TU" => "Tue",
                "WE" => "Wed",
                "TH" => "Thu",
                "FR" => "Fri",
                "SA" => "Sat",
                "SU" => "Sun",
                _ => return None,
            };
            let ordinal = ordinal.trim_start_matches('+');
            Some(match ordinal {
                "" => name.to_string(),
                "-1" => format!("last {name}"),
                n => match n.parse::<i32>() {
                    Ok(1) => format!("1st {name}"),
                    Ok(2) => format!("2nd {name}"),
                    Ok(3) => format!("3rd {name}"),
                    Ok(k) if k > 0 => format!("{k}th {name}"),
                    _ => format!("{n} {name}"),
                },
            })
        })
        .collect::<Vec<_>>()
        .join(", ")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn schedules_in_words() {
        let line = |b, o, c, d| schedule_line(b, o, c, d);
        assert_eq!(
            line(Some("MO,WE"), Some("09:00"), Some("17:00"), None).as_deref(),
            Some("Mon, Wed 09:00–17:00")
        );
        assert_eq!(
            line(
                Some("1SA"),
                Some("10:00:00"),
                Some("12:00:00"),
                Some("First Saturday")
            )
            .as_deref(),
            Some("1st Sat 10:00–12:00 (First Saturday)")
        );
        assert_eq!(
            line(Some("-1FR"), Some("18:00"), None, None).as_deref(),
            Some("last Fri from 18:00")
        );
        assert_eq!(
            line(None, None, None, Some("Call first")).as_deref(),
            Some("Call first")
        );
        assert_eq!(line(None, None, None, None), None);
    }

    #[test]
    fn addresses_phones_and_zips() {
        let address = AddressRecord {
            location: None,
            address_1: "1 Main St".into(),
            address_2: Some("Suite 2".into()),
            city: "Sampletown".into(),
            state: "MA".into(),
            postal_code: "00001-0009".into(),
        };
        assert_eq!(
            address.line(),
            "1 Main St, Suite 2, Sampletown MA 00001-0009"
        );
        assert_eq!(address.zip5().as_deref(), Some("00001"));
        assert_eq!(zip5("K1A 0B1"), None);
        assert_eq!(zip5("123"), None);
        let phone = PhoneRecord {
            number: "555-0100".into(),
            extension: Some("12".into()),
            ..PhoneRecord::default()
        };
        assert_eq!(phone.shown(), "555-0100 x12");
        let written = PhoneRecord {
            number: "555-0100 x 12".into(),
            ..phone
        };
        assert_eq!(written.shown(), "555-0100 x 12");
    }

    #[test]
    fn counts_in_words() {
        let counts = ImportCounts {
            added: 3,
            updated: 1,
            removed: 1,
            unchanged: 10,
            restored: 0,
        };
        assert_eq!(
            counts.summary(),
            "3 added, 1 updated, 1 removed, 10 unchanged"
        );
        let back = ImportCounts {
            restored: 1,
            ..counts
        };
        assert!(back.summary().ends_with(", 1 back after removal"));
    }
}
