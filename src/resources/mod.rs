//! The community resource directory: Open Referral HSDS data packages read
//! into typed rows (issue 17, item 2), then into one record per service
//! (`flatten`), and written by `import` through the store. All but
//! `import` is pure: it reads files, nothing more.
//!
//! Format: HSDS 3.0's tabular form, a folder of CSV files with headers,
//! one per table, named in the singular (`organization.csv`,
//! `service.csv`, `location.csv`, `service_at_location.csv`, `phone.csv`,
//! `language.csv`, `schedule.csv`, `address.csv`, `taxonomy_term.csv`,
//! `attribute.csv`), columns as in the specification's
//! `schema/simple/schema.csv` (github.com/openreferral/specification,
//! branch 3.0). `organization.csv` and `service.csv` are required, the
//! rest optional; other files (contact.csv, funding.csv, …) are not read.
//! `attribute.csv` is how 3.0 says what a service is for: it links a row
//! (`link_entity`, `link_id`) to a taxonomy term; tend reads the need
//! domains of a service from its terms (`flatten`).
//!
//! HSDS 2.0's plural names are read as aliases: `organizations.csv`,
//! `services.csv`, `locations.csv`, `services_at_location.csv`,
//! `phones.csv`, `languages.csv`, `regular_schedules.csv`,
//! `physical_addresses.csv`, `taxonomy.csv`; so are 2.0's column names
//! where they differ in the columns tend uses (`url` for an organization's
//! `website`, `language` for a language's `name`). Both spellings of one
//! file in a folder is a problem. 2.0's `service_taxonomy.csv`
//! (`service_id`, `taxonomy_id`) is read as attributes of services.
//!
//! Pipeline, each step pure:
//!
//! 1. [`read`]: find each file (3.0 name, then 2.0 aliases) and read it
//!    with the `csv` crate into a `Table`: header names trimmed and
//!    lower-cased, a UTF-8 BOM dropped, CRLF or LF, quoted newlines, short
//!    rows padded, blank rows skipped, each row with the line it starts on.
//!    A missing required file or column is a problem; a file without a
//!    required column is left out whole.
//! 2. [`rows`]: each table into typed rows ([`types`]), in link order
//!    (organizations, services, locations, services at locations, phones,
//!    languages, schedules, addresses, taxonomy terms, attributes). Each
//!    row's values are checked by [`check`] (phones, schedule times,
//!    BYDAY, dates, US ZIP codes, service status), its id must be new in
//!    its file, and its links must name a row kept so far.
//! 3. [`read_package`] returns the [`Directory`] of the rows without a
//!    problem and every [`Problem`], `FILE:LINE: COLUMN: what is wrong`.
//!    The caller refuses the package whole when there is any problem, or
//!    (with `--partial`) imports the directory and lists the problems: a
//!    row whose link names a row left out is left out too, so the
//!    directory never links to nothing.
//!
//! Decisions: a blank service `status` is `None` (HSDS requires it, but
//! many published packages leave it out); a blank `country` is read as
//! the US, whose ZIP codes are checked; a schedule that reaches midnight
//! closes at `24:00` (or `00:00`), and hours past midnight are a second
//! row, since HSDS has no "next day" marker; times may carry `Z` or a UTC
//! offset, compared as written.

pub mod check;
pub mod flatten;
pub mod import;
pub mod read;
pub mod rows;
pub mod types;

use std::path::Path;

pub use check::Problem;
pub use import::{import_folder, ResourceImport, ResourceImportError, ResourceReport};
pub use types::*;

/// A package read: the rows without problems, and the problems.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct Package {
    pub directory: Directory,
    pub problems: Vec<Problem>,
}

/// A folder that cannot be read at all.
#[derive(Debug, thiserror::Error)]
pub enum PackageError {
    #[error("{folder}: not a folder")]
    NotAFolder { folder: String },
    #[error("{folder}: cannot be read: {source}")]
    Folder {
        folder: String,
        source: std::io::Error,
    },
    #[error("{file}: cannot be read: {source}")]
    File {
        file: String,
        source: std::io::Error,
    },
}

/// Reads the HSDS package in `folder` (see the module's documentation).
pub fn read_package(folder: &Path) -> Result<Package, PackageError> {
    let shown = folder.display().to_string();
    let meta = std::fs::metadata(folder).map_err(|source| PackageError::Folder {
        folder: shown.clone(),
        source,
    })?;
    if !meta.is_dir() {
        return Err(PackageError::NotAFolder { folder: shown });
    }
    std::fs::read_dir(folder).map_err(|source| PackageError::Folder {
        folder: shown,
        source,
    })?;
    let mut problems = Vec::new();
    let mut table = |spec: &read::FileSpec| read::read_table(folder, spec, &mut problems);
    let tables = rows::Tables {
        organization: table(&read::ORGANIZATION)?,
        service: table(&read::SERVICE)?,
        location: table(&read::LOCATION)?,
        service_at_location: table(&read::SERVICE_AT_LOCATION)?,
        phone: table(&read::PHONE)?,
        language: table(&read::LANGUAGE)?,
        schedule: table(&read::SCHEDULE)?,
        address: table(&read::ADDRESS)?,
        taxonomy_term: table(&read::TAXONOMY_TERM)?,
        attribute: table(&read::ATTRIBUTE)?,
        service_taxonomy: table(&read::SERVICE_TAXONOMY)?,
    };
    let directory = rows::directory(&tables, &mut problems);
    Ok(Package {
        directory,
        problems,
    })
}
