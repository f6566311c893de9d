//! The community resource directory written (schema v13): a flattened
//! HSDS package imported in one transaction with one audit row.
//!
//! Kept by HSDS id: a service or organization already there is updated in
//! place (its tend id stays), a new one added, one the package no longer
//! has marked removed (never deleted: referrals name it), one back again
//! un-removed. A service whose fingerprint (a hash of everything imported
//! for it) is the same as last time is left as it is, so a re-import of an
//! unchanged directory of 50,000 services writes almost nothing.

use std::collections::HashMap;

use rusqlite::{params, OptionalExtension};
use sha2::{Digest, Sha256};

use super::write::utc_text;
use super::{AuditAction, Store, StoreError, Tx};
use crate::domain::directory::{DirectoryRecords, ImportCounts, OrganizationRecord, ServiceRecord};
use crate::domain::role::Right;

impl Store {
    /// Imports a flattened package (see the module's documentation); what
    /// it did, in services. Needs the right to import.
    pub fn import_resources(
        &mut self,
        records: &DirectoryRecords,
    ) -> Result<ImportCounts, StoreError> {
        self.require(Right::Import)?;
        self.write(|tx| {
            let organizations = write_organizations(tx, &records.organizations)?;
            let counts = write_services(tx, &records.services, &organizations)?;
            let detail = format!(
                "resource import: {} ({} services, {} organizations)",
                counts.summary(),
                records.services.len(),
                records.organizations.len()
            );
            tx.audit(
                AuditAction::Execute,
                "HealthcareService",
                None,
                None,
                Some(&detail),
            )?;
            Ok(counts)
        })
    }
}

/// Organizations upserted by HSDS id, the absent ones marked removed;
/// their tend ids by HSDS id.
fn write_organizations(
    tx: &mut Tx<'_>,
    organizations: &[OrganizationRecord],
) -> Result<HashMap<String, i64>, StoreError> {
    let now = utc_text(tx.now());
    let conn = tx.conn();
    let mut ids = HashMap::new();
    let mut upsert = conn.prepare_cached(
        "INSERT INTO resource_organization
             (source_id, name, description, website, email, imported_at, updated_at)
         VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?6)
         ON CONFLICT (source_id) DO UPDATE SET
             name = excluded.name, description = excluded.description,
             website = excluded.website, email = excluded.email,
             updated_at = excluded.updated_at, removed_at = NULL
         WHERE name IS NOT excluded.name OR description IS NOT excluded.description
            OR website IS NOT excluded.website OR email IS NOT excluded.email
            OR removed_at IS NOT NULL
         RETURNING id",
    )?;
    let mut find =
        conn.prepare_cached("SELECT id FROM resource_organization WHERE source_id = ?1")?;
    for o in organizations {
        let changed: Option<i64> = upsert
            .query_row(
                params![o.source_id, o.name, o.description, o.website, o.email, now],
                |r| r.get(0),
            )
            .optional()?;
        let id = match changed {
            Some(id) => id,
            None => find.query_row([&o.source_id], |r| r.get(0))?,
        };
        ids.insert(o.source_id.clone(), id);
    }
    let mut removed = conn.prepare_cached(
        "UPDATE resource_organization SET removed_at = ?2 WHERE id = ?1 AND removed_at IS NULL",
    )?;
    let mut all = conn.prepare_cached("SELECT id, source_id FROM resource_organization")?;
    let known: Vec<(i64, String)> = all
        .query_map([], |r| Ok((r.get(0)?, r.get(1)?)))?
        .collect::<Result<_, _>>()?;
    for (id, source_id) in known {
        if !ids.contains_key(&source_id) {
            removed.execute(params![id, now])?;
        }
    }
    Ok(ids)
}

/// What the directory held for a service before this import.
struct Known {
    id: i64,
    fingerprint: String,
    removed: bool,
}

fn write_services(
    tx: &mut Tx<'_>,
    services: &[ServiceRecord],
    organizations: &HashMap<String, i64>,
) -> Result<ImportCounts, StoreError> {
    let now = utc_text(tx.now());
    let conn = tx.conn();
    let mut known: HashMap<String, Known> = conn
        .prepare_cached(
            "SELECT source_id, id, fingerprint, removed_at IS NOT NULL FROM resource_service",
        )?
        .query_map([], |r| {
            Ok((
                r.get::<_, String>(0)?,
                Known {
                    id: r.get(1)?,
                    fingerprint: r.get(2)?,
                    removed: r.get(3)?,
                },
            ))
        })?
        .collect::<Result<_, _>>()?;
    let mut counts = ImportCounts::default();
    for service in services {
        let organization_id = *organizations
            .get(&service.organization_source_id)
            .ok_or_else(|| {
                StoreError::Refused(format!(
                    "service {:?} names the organization {:?}, which the package does not have",
                    service.source_id, service.organization_source_id
                ))
            })?;
        let fingerprint = fingerprint(service);
        match known.remove(&service.source_id) {
            Some(before) if before.fingerprint == fingerprint && !before.removed => {
                counts.unchanged += 1;
            }
            Some(before) if before.fingerprint == fingerprint => {
                conn.prepare_cached(
                    "UPDATE resource_service SET removed_at = NULL, updated_at = ?2 WHERE id = ?1",
                )?
                .execute(params![before.id, now])?;
                counts.updated += 1;
                counts.restored += 1;
            }
            Some(before) => {
                conn.prepare_cached(
                    "UPDATE resource_service SET
                         organization_id = ?2, name = ?3, description = ?4, url = ?5, email = ?6,
                         status = ?7, phone = ?8, address = ?9, zip = ?10, languages = ?11,
                         domains = ?12, terms = ?13, schedule = ?14, fingerprint = ?15,
                         updated_at = ?16, removed_at = NULL
                     WHERE id = ?1",
                )?
                .execute(params![
                    before.id,
                    organization_id,
                    service.name,
                    service.description,
                    service.url,
                    service.email,
                    service.status,
                    first_phone(service),
                    service.addresses.first().map(|a| a.line()),
                    service.zips().first(),
                    service.languages.join(","),
                    domain_codes(service),
                    service.terms.join("; "),
                    service.schedule,
                    fingerprint,
                    now,
                ])?;
                for table in [
                    "resource_phone",
                    "resource_address",
                    "resource_domain",
                    "resource_language",
                    "resource_zip",
                ] {
                    conn.prepare_cached(&format!("DELETE FROM {table} WHERE service_id = ?1"))?
                        .execute([before.id])?;
                }
                conn.prepare_cached("DELETE FROM resource_fts WHERE rowid = ?1")?
                    .execute([before.id])?;
                write_parts(conn, before.id, service)?;
                counts.updated += 1;
                if before.removed {
                    counts.restored += 1;
                }
            }
            None => {
                let id: i64 = conn
                    .prepare_cached(
                        "INSERT INTO resource_service
                             (source_id, organization_id, name, description, url, email, status,
                              phone, address, zip, languages, domains, terms, schedule,
                              fingerprint, imported_at, updated_at)
                         VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13, ?14,
                                 ?15, ?16, ?16)
                         RETURNING id",
                    )?
                    .query_row(
                        params![
                            service.source_id,
                            organization_id,
                            service.name,
                            service.description,
                            service.url,
                            service.email,
                            service.status,
                            first_phone(service),
                            service.addresses.first().map(|a| a.line()),
                            service.zips().first(),
                            service.languages.join(","),
                            domain_codes(service),
                            service.terms.join("; "),
                            service.schedule,
                            fingerprint,
                            now,
                        ],
                        |r| r.get(0),
                    )?;
                write_parts(conn, id, service)?;
                counts.added += 1;
            }
        }
    }
    // What is left was in the directory and is not in this package.
    let mut remove = conn.prepare_cached(
        "UPDATE resource_service SET removed_at = ?2, updated_at = ?2 WHERE id = ?1",
    )?;
    for gone in known.values().filter(|k| !k.removed) {
        remove.execute(params![gone.id, now])?;
        counts.removed += 1;
    }
    Ok(counts)
}

fn first_phone(service: &ServiceRecord) -> Option<String> {
    service.phones.first().map(|p| p.shown())
}

fn domain_codes(service: &ServiceRecord) -> String {
    service
        .domains
        .iter()
        .map(|d| d.code())
        .collect::<Vec<_>>()
        .join(",")
}

/// A service's phones, addresses, filter rows and search index entry.
fn write_parts(
    conn: &rusqlite::Connection,
    id: i64,
    service: &ServiceRecord,
) -> Result<(), StoreError> {
    let mut phone = conn.prepare_cached(
        "INSERT INTO resource_phone (service_id, position, number, extension, kind, description)
         VALUES (?1, ?2, ?3, ?4, ?5, ?6)",
    )?;
    for (position, p) in service.phones.iter().enumerate() {
        phone.execute(params![
            id,
            position as i64,
            p.number,
            p.extension,
            p.kind,
            p.description
        ])?;
    }
    let mut address = conn.prepare_cached(
        "INSERT INTO resource_address
             (service_id, position, location, address_1, address_2, city, state, postal_code)
         VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8)",
    )?;
    for (position, a) in service.addresses.iter().enumerate() {
        address.execute(params![
            id,
            position as i64,
            a.location,
            a.address_1,
            a.address_2,
            a.city,
            a.state,
            a.postal_code
        ])?;
    }
    let mut domain = conn.prepare_cached(
        "INSERT OR IGNORE INTO resource_domain (domain, service_id) VALUES (?1, ?2)",
    )?;
    for d in &service.domains {
        domain.execute(params![d.code(), id])?;
    }
    let mut language = conn.prepare_cached(
        "INSERT OR IGNORE INTO resource_language (code, service_id) VALUES (?1, ?2)",
    )?;
    for code in &service.languages {
        language.execute(params![code, id])?;
    }
    let mut zip = conn
        .prepare_cached("INSERT OR IGNORE INTO resource_zip (zip, service_id) VALUES (?1, ?2)")?;
    for z in service.zips() {
        zip.execute(params![z, id])?;
    }
    conn.prepare_cached(
        "INSERT INTO resource_fts (rowid, name, description, organization, terms)
         VALUES (?1, ?2, ?3, ?4, ?5)",
    )?
    .execute(params![
        id,
        service.name,
        service.description.as_deref().unwrap_or(""),
        service.organization,
        service.terms.join("; ")
    ])?;
    Ok(())
}

/// A hash of everything imported for a service: each field fed with its
/// length, so that no two different records feed the same bytes.
fn fingerprint(s: &ServiceRecord) -> String {
    let mut hasher = Sha256::new();
    let mut feed = |text: Option<&str>| match text {
        Some(text) => {
            hasher.update((text.len() as u64 + 1).to_le_bytes());
            hasher.update(text.as_bytes());
        }
        None => hasher.update(0u64.to_le_bytes()),
    };
    feed(Some(&s.source_id));
    feed(Some(&s.organization_source_id));
    feed(Some(&s.organization));
    feed(Some(&s.name));
    feed(s.description.as_deref());
    feed(s.url.as_deref());
    feed(s.email.as_deref());
    feed(s.status.as_deref());
    feed(s.schedule.as_deref());
    let lists: [Vec<String>; 5] = [
        s.domains.iter().map(|d| d.code().to_string()).collect(),
        s.terms.clone(),
        s.languages.clone(),
        s.phones
            .iter()
            .flat_map(|p| {
                [
                    Some(p.number.clone()),
                    p.extension.clone(),
                    p.kind.clone(),
                    p.description.clone(),
                ]
            })
            .map(Option::unwrap_or_default)
            .collect(),
        s.addresses
            .iter()
            .flat_map(|a| {
                [
                    a.location.clone().unwrap_or_default(),
                    a.address_1.clone(),
                    a.address_2.clone().unwrap_or_default(),
                    a.city.clone(),
                    a.state.clone(),
                    a.postal_code.clone(),
                ]
            })
            .collect(),
    ];
    for list in &lists {
        feed(Some(&list.len().to_string()));
        for item in list {
            feed(Some(item));
        }
    }
    hex::encode(hasher.finalize())
}
