//! `tend import patients`, step by step (see the module above): read and
//! check the file, prepare what comes before the database is opened, then
//! import or rehearse, and say what happened in an [`ImportReport`].

use std::path::{Path, PathBuf};

use chrono::NaiveDate;

use super::read::{read_roster, RosterFile};
use super::rejects::{rejects_path, write_rejects};
use super::RosterError;
use crate::domain::roster::Coordinators;
use crate::store::{RosterCounts, Store};
use crate::text::clean;

/// How `tend import patients` was asked to run.
#[derive(Debug, Clone, Default)]
pub struct Options {
    /// Import the good rows, and write the rejected ones to a file.
    pub partial: bool,
    /// Where the rejected rows go [default: ROSTER.rejected.csv].
    pub rejects: Option<PathBuf>,
    /// Say what an import would do, and change nothing.
    pub dry_run: bool,
}

/// A roster read from its file, on its way into a database.
pub struct RosterImport {
    file: PathBuf,
    db: PathBuf,
    roster: RosterFile,
    options: Options,
}

/// Where the store is opened for [`RosterImport::run`], and what was done
/// before opening it.
pub struct Target {
    path: PathBuf,
    create: bool,
    rejects: Option<PathBuf>,
    /// A dry run's scratch folder, removed when the target is dropped.
    _scratch: Option<tempfile::TempDir>,
}

impl Target {
    /// The database to open: the real one, or for a dry run perhaps a
    /// scratch one.
    pub fn path(&self) -> &Path {
        &self.path
    }

    /// Whether opening may create it.
    pub fn create(&self) -> bool {
        self.create
    }
}

/// What an import did, or a dry run found it would do.
#[derive(Debug, Clone)]
pub struct ImportReport {
    pub file: PathBuf,
    pub db: PathBuf,
    /// The file's rows, good and rejected.
    pub rows: usize,
    pub rejected: usize,
    pub counts: RosterCounts,
    /// Where the rejected rows were written, if any were.
    pub rejects_file: Option<PathBuf>,
    pub dry_run: bool,
    /// Whether the database is there now (a dry run never makes it).
    pub db_exists: bool,
}

impl RosterImport {
    /// Reads the roster in `file` for the database `db`. A coordinator the
    /// roster names must be one tend knows: the database's, or `user`, the
    /// person importing it (whose name comes from their login).
    pub fn read(
        file: &Path,
        db: &Path,
        user: &str,
        today: NaiveDate,
        options: Options,
    ) -> Result<RosterImport, RosterError> {
        let known = Store::coordinators_in(db)?;
        let coordinators = Coordinators::new(known.iter().map(String::as_str).chain([user]));
        let roster = read_roster(file, today, &coordinators)?;
        Ok(RosterImport {
            file: file.to_path_buf(),
            db: db.to_path_buf(),
            roster,
            options,
        })
    }

    /// The roster as read.
    pub fn roster(&self) -> &RosterFile {
        &self.roster
    }

    /// What is wrong in the file, a line each (`FILE:LINE: problem`), to
    /// be said before the database is touched.
    pub fn problems(&self) -> Vec<String> {
        let shown = clean(&self.file.display().to_string()).into_owned();
        let mut lines = Vec::new();
        if !self.roster.unknown_columns.is_empty() {
            lines.push(format!(
                "{shown}:1: columns tend does not read, ignored: {}",
                clean(&self.roster.unknown_columns.join(", "))
            ));
        }
        for row in &self.roster.rejected {
            for problem in &row.problems {
                lines.push(format!("{shown}:{}: {}", row.line, clean(problem)));
            }
        }
        lines
    }

    /// An error when the problems stop the import: any bad row, without
    /// `--partial`.
    pub fn check(&self) -> Result<(), RosterError> {
        let rejected = self.roster.rejected.len();
        if rejected > 0 && !self.options.partial {
            return Err(RosterError::RowsRefused {
                rejected,
                total: self.total(),
                good: self.roster.rows.len(),
            });
        }
        Ok(())
    }

    /// What comes before the database is opened. A dry run changes
    /// nothing, not even by making the database (a missing one is rehearsed
    /// as an empty one) or by upgrading it (an older one is rehearsed on a
    /// copy). An import writes the rows `--partial` leaves out first: if
    /// that file cannot be written, nothing is imported either.
    pub fn prepare(&self) -> Result<Target, RosterError> {
        if self.options.dry_run {
            // On a team install, beside the database, in the team's folder
            // that nobody else may enter: a copy of the database must not
            // land where the user (or `TMPDIR`) can read it.
            let scratch = match (crate::team_install::current(), self.db.parent()) {
                (Some(_), Some(folder)) => tempfile::tempdir_in(folder),
                _ => tempfile::tempdir(),
            }
            .map_err(RosterError::Scratch)?;
            let (path, create) = if !self.db.exists() {
                (scratch.path().join("empty.db"), true)
            } else if crate::store::needs_upgrade(&self.db)? {
                let copy = scratch.path().join("copy.db");
                crate::store::copy_read_only(&self.db, &copy)?;
                (copy, false)
            } else {
                (self.db.clone(), false)
            };
            return Ok(Target {
                path,
                create,
                rejects: None,
                _scratch: Some(scratch),
            });
        }
        let rejects = if self.roster.rejected.is_empty() {
            None
        } else {
            let path = rejects_path(&self.file, self.options.rejects.as_deref());
            write_rejects(&path, &self.file, &self.db, &self.roster)?;
            Some(path)
        };
        Ok(Target {
            path: self.db.clone(),
            create: true,
            rejects,
            _scratch: None,
        })
    }

    /// Imports the good rows into `store` (opened at `target`) in one
    /// transaction, calling `progress` with the rows done so far; or, for a
    /// dry run, rehearses the import and rolls it back.
    pub fn run(
        &self,
        store: &mut Store,
        target: &Target,
        progress: &mut dyn FnMut(usize),
    ) -> Result<ImportReport, RosterError> {
        let counts = if self.options.dry_run {
            store
                .rehearse_roster(&self.roster.rows)
                .map_err(RosterError::Rehearse)?
        } else {
            store
                .import_roster(&self.roster.rows, progress)
                .map_err(RosterError::Import)?
        };
        Ok(ImportReport {
            file: self.file.clone(),
            db: self.db.clone(),
            rows: self.total(),
            rejected: self.roster.rejected.len(),
            counts,
            rejects_file: target.rejects.clone(),
            dry_run: self.options.dry_run,
            db_exists: self.db.exists(),
        })
    }

    /// The file's rows, good and rejected.
    fn total(&self) -> usize {
        self.roster.rows.len() + self.roster.rejected.len()
    }
}

impl ImportReport {
    /// What happened, a line each, for standard output.
    pub fn lines(&self) -> Vec<String> {
        let shown = clean(&self.file.display().to_string()).into_owned();
        let rows = if self.rows == 1 { "row" } else { "rows" };
        let counts = &self.counts;
        let mut lines = vec![if self.dry_run {
            format!(
                "{shown}: {} {rows}; an import would create {}, update {}, leave {} unchanged, \
                 reject {}. Nothing was written (--dry-run).",
                self.rows, counts.created, counts.updated, counts.unchanged, self.rejected
            )
        } else {
            let mut summary = format!(
                "{shown}: {} {rows}: {} created, {} updated, {} unchanged, {} rejected",
                self.rows, counts.created, counts.updated, counts.unchanged, self.rejected
            );
            if let Some(path) = &self.rejects_file {
                summary.push_str(&format!(
                    " (written to {}, with the reasons)",
                    clean(&path.display().to_string())
                ));
            }
            summary
        }];
        // The one coordinator a roster can add: the person importing it
        // (any other it names must be one tend knows already).
        for name in &counts.new_coordinators {
            lines.push(format!(
                "New coordinator: {} (you, importing the roster)",
                clean(name)
            ));
        }
        lines.push(format!(
            "Database: {}{}",
            clean(&self.db.display().to_string()),
            if self.db_exists {
                ""
            } else {
                " (not there yet)"
            }
        ));
        lines
    }
}

#[cfg(test)]
mod tests {
    use std::os::unix::fs::PermissionsExt as _;

    use super::*;
    use crate::clock::Clock;
    use crate::store::OpenOptions;

    const ROSTER: &str = "member_id,first_name,last_name,dob,shoe_size\n\
                          SYN1,Zoe,Testa,1970-02-03,9\n\
                          SYN2,Ana,Sample,1970-02-30,7\n";

    fn options(partial: bool, dry_run: bool) -> Options {
        Options {
            partial,
            rejects: None,
            dry_run,
        }
    }

    /// The steps as the CLI takes them, the store opened between.
    fn import(file: &Path, db: &Path, options: Options) -> Result<ImportReport, RosterError> {
        let clock = Clock::parse("2026-11-24T09:00:00-05:00").unwrap();
        let import = RosterImport::read(file, db, "ccuser", clock.today(), options)?;
        import.check()?;
        let target = import.prepare()?;
        let open = OpenOptions::batch(target.create());
        let mut store = Store::open(target.path(), "ccuser", clock, &open).unwrap();
        let mut done = 0;
        let report = import.run(&mut store, &target, &mut |n| done = n)?;
        if !report.dry_run {
            assert_eq!(done, import.roster().rows.len(), "progress reaches the end");
        }
        Ok(report)
    }

    #[test]
    fn problems_are_said_a_line_each_and_stop_the_import_without_partial() {
        let dir = tempfile::tempdir().unwrap();
        let (file, db) = (dir.path().join("r.csv"), dir.path().join("t.db"));
        std::fs::write(&file, ROSTER).unwrap();
        let today = NaiveDate::from_ymd_opt(2026, 11, 24).unwrap();
        let read = RosterImport::read(&file, &db, "ccuser", today, options(false, false)).unwrap();
        let shown = file.display();
        assert_eq!(
            read.problems(),
            [
                format!("{shown}:1: columns tend does not read, ignored: shoe_size"),
                format!("{shown}:3: dob: \"1970-02-30\" is not a day of the calendar"),
            ]
        );
        assert_eq!(
            read.check().unwrap_err().to_string(),
            "nothing was imported: 1 of 2 rows has problems (above); fix them, or use \
             --partial to import the other 1 and write these to a file"
        );
        assert!(!db.exists(), "the database is not touched");
    }

    #[test]
    fn a_dry_run_makes_no_database_and_an_import_writes_its_rejects_first() {
        let dir = tempfile::tempdir().unwrap();
        let (file, db) = (dir.path().join("r.csv"), dir.path().join("t.db"));
        std::fs::write(&file, ROSTER).unwrap();

        let rehearsed = import(&file, &db, options(true, true)).unwrap();
        assert_eq!(rehearsed.counts.created, 1);
        assert!(!db.exists(), "a dry run makes no database");
        let rejects = dir.path().join("r.rejected.csv");
        assert!(!rejects.exists(), "nor a rejects file");
        assert_eq!(
            rehearsed.lines().last().unwrap(),
            &format!("Database: {} (not there yet)", db.display())
        );

        let imported = import(&file, &db, options(true, false)).unwrap();
        assert_eq!(imported.counts.created, 1);
        assert_eq!(imported.rejects_file.as_deref(), Some(rejects.as_path()));
        let mode = std::fs::metadata(&rejects).unwrap().permissions().mode() & 0o777;
        assert_eq!(mode, 0o600, "the rejected rows are health information");
        let rejected = std::fs::read_to_string(&rejects).unwrap();
        assert!(
            rejected.contains("SYN2,Ana,Sample,1970-02-30,7,\"line 3: dob:"),
            "{rejected}"
        );
        assert_eq!(
            imported.lines()[0],
            format!(
                "{}: 2 rows: 1 created, 0 updated, 0 unchanged, 1 rejected (written to {}, with \
                 the reasons)",
                file.display(),
                rejects.display()
            )
        );

        // Never over the roster itself: refused before the database is opened.
        let over = Options {
            rejects: Some(file.clone()),
            ..options(true, false)
        };
        let refused = import(&file, &db, over).unwrap_err();
        assert!(
            matches!(refused, RosterError::RejectsOverInput(_)),
            "{refused}"
        );
        assert_eq!(std::fs::read_to_string(&file).unwrap(), ROSTER);
    }
}
