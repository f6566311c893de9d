//! `tend import resources FOLDER [--partial]`, the workflow: read the
//! package (`read_package`), decide (refuse it whole on any problem, or
//! with `--partial` go on without the bad rows), flatten it into one record
//! per service (`flatten`), and write it in one transaction
//! (`Store::import_resources`), which updates by HSDS id and marks removed
//! what the package no longer has.
//!
//! A package that holds no service is refused even with `--partial`: an
//! import of it would mark every service of the directory removed, which
//! is never what an empty or wrong folder means.

use std::path::{Path, PathBuf};

use super::{flatten, read_package, PackageError, Problem};
use crate::domain::directory::ImportCounts;
use crate::store::{Store, StoreError};

/// Why an import wrote nothing.
#[derive(Debug, thiserror::Error)]
pub enum ResourceImportError {
    #[error(transparent)]
    Package(#[from] PackageError),
    /// Problems found, without `--partial`; each was listed.
    #[error("{folder}: refused, {count} {}; nothing was written (--partial imports the rows without problems)", if *.count == 1 { "problem" } else { "problems" })]
    Refused { folder: String, count: usize },
    #[error("{folder}: no service to import{}; nothing was written (an import without services would mark every service of the directory removed)", if *.left_out { " once the rows with problems are left out" } else { "" })]
    NoServices { folder: String, left_out: bool },
    #[error(transparent)]
    Store(#[from] StoreError),
}

/// A package read, waiting to be written.
pub struct ResourceImport {
    folder: PathBuf,
    partial: bool,
    package: super::Package,
}

/// What an import did.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ResourceReport {
    pub counts: ImportCounts,
    pub organizations: usize,
    pub services: usize,
    /// Rows left out for their problems (`--partial`).
    pub left_out: usize,
}

impl ResourceReport {
    /// The summary line: "FOLDER: 60 services of 12 organizations: 60
    /// added, 0 updated, 0 removed, 0 unchanged".
    pub fn line(&self, folder: &Path) -> String {
        let plural =
            |n: usize, one: &str, many: &str| format!("{n} {}", if n == 1 { one } else { many });
        let mut line = format!(
            "{}: {} of {}: {}",
            folder.display(),
            plural(self.services, "service", "services"),
            plural(self.organizations, "organization", "organizations"),
            self.counts.summary()
        );
        if self.left_out > 0 {
            line.push_str(&format!(
                "; {} left out (listed above)",
                plural(self.left_out, "problem", "problems")
            ));
        }
        line
    }
}

impl ResourceImport {
    /// Reads the package in `folder`; nothing is decided yet.
    pub fn read(folder: &Path, partial: bool) -> Result<Self, ResourceImportError> {
        Ok(ResourceImport {
            folder: folder.to_path_buf(),
            partial,
            package: read_package(folder)?,
        })
    }

    /// Every problem, in file order (for the caller to list).
    pub fn problems(&self) -> &[Problem] {
        &self.package.problems
    }

    /// Whether it may be written: no problem, or `--partial`; and some
    /// service to write.
    pub fn check(&self) -> Result<(), ResourceImportError> {
        let folder = self.folder.display().to_string();
        let problems = self.package.problems.len();
        if problems > 0 && !self.partial {
            return Err(ResourceImportError::Refused {
                folder,
                count: problems,
            });
        }
        if self.package.directory.services.is_empty() {
            return Err(ResourceImportError::NoServices {
                folder,
                left_out: problems > 0,
            });
        }
        Ok(())
    }

    /// Writes it (after [`ResourceImport::check`]) in one transaction.
    pub fn run(&self, store: &mut Store) -> Result<ResourceReport, ResourceImportError> {
        self.check()?;
        let records = flatten::records(&self.package.directory);
        let counts = store.import_resources(&records)?;
        Ok(ResourceReport {
            counts,
            organizations: records.organizations.len(),
            services: records.services.len(),
            left_out: self.package.problems.len(),
        })
    }
}

/// Reads and writes the package in `folder` (the demo's directory):
/// refused on any problem unless `partial`.
pub fn import_folder(
    store: &mut Store,
    folder: &Path,
    partial: bool,
) -> Result<ResourceReport, ResourceImportError> {
    ResourceImport::read(folder, partial)?.run(store)
}
