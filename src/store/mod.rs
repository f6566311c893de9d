//! The store: the only code that speaks SQL.
//!
//! One SQLite file in WAL mode, with foreign keys on and a busy timeout, its
//! schema brought up to date by migrations when it is opened. Every change is
//! one `BEGIN IMMEDIATE` transaction that also writes its audit row
//! ([`Store::write`]), so a second tend process waits its turn instead of
//! failing halfway through, and no change is ever without its trail.

mod access;
mod adt;
mod adt_queue;
mod appointments;
mod aside;
mod audit;
mod authorizations;
mod backup;
mod bulk_deferred;
mod care;
mod care_plan;
mod caseload;
mod caseload_held;
mod caseload_rank;
mod caseload_seek;
mod chain;
mod clock_meeting;
mod clocks;
mod codec;
mod consent;
mod damage;
mod encounters;
mod error;
pub mod fhir;
mod fts_rank;
mod goal;
mod import_rows;
mod import_source;
pub mod key;
mod lock;
mod loop_load;
mod loop_steps;
mod notes;
mod open;
mod open_loops;
mod packed_keys;
mod patient;
mod reach;
mod record;
mod referrals;
mod reserve;
mod resource_search;
mod resources;
mod roster;
mod safekeeping;
pub mod schema;
mod schema_rewrite;
mod schema_v11;
mod schema_v12;
mod schema_v13;
mod schema_v14;
mod schema_v15;
mod schema_v16;
mod schema_v17;
mod schema_v18;
mod schema_v19;
mod schema_v20;
mod schema_v21;
mod schema_v22;
mod schema_v23;
mod screening_due;
mod screening_load;
mod screening_synth;
mod screenings;
mod task_changes;
mod tasks;
mod team;
pub mod team_day;
mod transitions_view;
mod wait;
mod write;

use std::path::{Path, PathBuf};
use std::time::Duration;

use rusqlite::{Connection, ErrorCode, TransactionBehavior};

use crate::clock::Clock;

use access::reachable;

pub use adt::{AdtAction, AdtOutcome, AdtPlan, EncounterFields, ReceivedMessage};
pub use adt_queue::QueuedMessage;
pub use appointments::{Appointment, AppointmentMove, NewAppointment, WeekAppointment};
pub use aside::{KeptDraft, PendingAudit};
pub use audit::{AuditAction, AuditEvent, AuditFilter, AuditRow};
pub use authorizations::{AuthMove, Authorization, NewAuthorization, ITEM_SYSTEMS};
pub use backup::{Backup, Leftover};
pub use care::{
    check_file, check_file_against, copy_read_only, needs_upgrade, CheckReport, RowCounts,
};
pub use care_plan::{Intervention, Need, ProgressEntry};
pub use caseload::{CaseloadQuery, CaseloadRow, CaseloadSort, Scope};
pub use caseload_seek::Anchor;
pub use chain::{verify_file, ChainProblem, ChainReport, Head};
pub use clocks::ClockChanges;
pub use damage::DamagedText;
pub(crate) use encounters::Rules;
pub use encounters::{ClockRow, EncounterRow, NewEncounter};
pub use error::{OpenError, StoreError};
pub use import_source::{SentRow, SourceKey, Taken};
pub use loop_load::{AppointmentHistory, AuthorizationHistory, Loaded, LoopLoad, ReferralHistory};
pub use loop_steps::LoopTask;
pub use notes::{
    Draft, DraftSaved, DraftSummary, NoteSummary, SearchHit, DAMAGED_NOTE, MERGE_MARK,
    SEARCH_CANDIDATES,
};
pub use open::OpenOptions;
pub use open_loops::{LoopKind, OpenLoop, OPEN_LOOP_ROWS, WEEK_TEAM_ROWS};
pub use reach::{access_of_file, Access};
pub use record::{Allergy, CareTeamMember, Flag, Medication, RecordItem};
pub use referrals::{NewReferral, Referral, ReferralMove};
pub use reserve::{Reserve, RESERVE_BYTES};
pub use roster::RosterCounts;
pub use safekeeping::{DraftKept, KeptBack, ViewAudited};
pub use screening_due::RescreenPlan;
pub use screening_synth::{SafetyRaised, SynthScreening};
pub use screenings::{
    SafetyRaise, SavedAnswer, Screening, ScreeningResult, ScreeningStatus, UnfinishedScreening,
};
pub use task_changes::{TaskChange, TaskRef};
pub use tasks::RankedDay;
pub use team::{Cover, GlassOpened, User, GLASS_OPEN_FOR, REASON_MIN_CHARS};
pub use transitions_view::{TransitionRow, TRANSITION_ROWS};
pub use wait::{lock_holder, Busy, Holder, BATCH_BUSY_TIMEOUT};
pub(crate) use write::utc_text;
pub use write::{NewCareTeamMember, NewCommunication, NewTask, Tx};

/// How long a write on the screen waits for another tend session's write
/// to finish before giving up (the screen must not freeze), and how long
/// any write waits for another program that holds the lock (see `wait`).
pub const DEFAULT_BUSY_TIMEOUT: Duration = Duration::from_secs(5);

/// Prepared statements a connection keeps compiled: rusqlite's own default.
const STATEMENT_CACHE: usize = 16;

/// Prepared statements kept during a bulk load: every statement it runs.
const BULK_STATEMENT_CACHE: usize = 256;

/// SQLite's page cache during a bulk load, in KiB (1 GiB), where the store
/// otherwise keeps 16 MiB (see `open`): filled only as pages are used.
const BULK_PAGE_CACHE_KIB: i64 = 1 << 20;

pub struct Store {
    conn: Connection,
    path: PathBuf,
    /// Who is making changes: written into every audit row.
    agent: String,
    clock: Clock,
    /// How long a write waits for another session's to finish.
    busy_timeout: Duration,
    /// Room kept aside for a full disk.
    reserve: Reserve,
    /// Whether this session keeps the reserve (makes it again when it can).
    holds_reserve: bool,
    /// Where drafts and audit rows wait when the database cannot take them.
    aside: aside::Aside,
    /// Audit rows that could not be written anywhere yet (not even aside):
    /// written as soon as they can be.
    unwritten_audits: Vec<PendingAudit>,
    /// Whether something may be waiting aside, so that only then each tick
    /// looks for it.
    maybe_aside: bool,
    /// Set when the database could only be opened read-only (its disk was
    /// full): why, for the screen to say.
    read_only: Option<String>,
    /// Whether a long wait says so on a terminal.
    announce_waits: bool,
    /// The longest caseload read from its filter's own rows rather than
    /// along the order's index (see `caseload::Drive`).
    caseload_set_at_most: usize,
    /// The narrow caseload list last read, in its order (see
    /// `caseload_held`).
    held_list: caseload_held::HeldList,
    /// Whether `tend_rank` (see `fts_rank`) is registered on the connection (note
    /// search ranks one word with it, else with FTS5's `bm25()`).
    term_rank: bool,
    /// Whether the whole program's day is merged from its groups of alike
    /// tasks (see `team_day`), or ranked whole.
    day_merge: bool,
    /// Whether opening rolled back a change that had been interrupted.
    rolled_back: bool,
    /// Who the user is on this database, and so what they reach.
    access: reach::Access,
    /// The business days the transition clocks count (see
    /// `domain::business_days`).
    calendar: crate::domain::business_days::Calendar,
    /// How long each closed loop waits before its next step is due
    /// (`[loops]`, see `domain::loops`).
    loops: crate::domain::loops::LoopSettings,
}

impl Store {
    pub fn path(&self) -> &Path {
        &self.path
    }

    /// Whether opening the file rolled back a change that had been
    /// interrupted (a process killed half-way through a change under a
    /// rollback journal): none of that change is in the database.
    pub fn rolled_back_interrupted_change(&self) -> bool {
        self.rolled_back
    }

    /// Makes every commit reach the disk before it returns (SQLite's
    /// `synchronous = FULL`), where tend answers someone else for what it
    /// took: the ADT listener acknowledges a message only once it is
    /// committed, and the sender then forgets it, so a power cut right
    /// after must not lose it. Elsewhere NORMAL is kept: in WAL mode it
    /// loses nothing to a killed process, only perhaps the last commits to
    /// a power cut, and costs no fsync a keystroke.
    pub fn sync_every_commit(&self) -> Result<(), StoreError> {
        self.conn.execute_batch("PRAGMA synchronous = FULL")?;
        Ok(())
    }

    pub fn agent(&self) -> &str {
        &self.agent
    }

    pub fn clock(&self) -> Clock {
        self.clock
    }

    /// The coordinator's offset from UTC now, for the calendar dates of
    /// stored instants.
    pub(crate) fn offset(&self) -> chrono::FixedOffset {
        *self.clock.now().offset()
    }

    /// The schema version of the open database.
    pub fn schema_version(&self) -> Result<i64, StoreError> {
        Ok(self
            .conn
            .query_row("PRAGMA user_version", [], |row| row.get(0))?)
    }

    /// A number that changes whenever another connection commits to this
    /// database: polled to show other sessions' changes without a key press.
    pub fn data_version(&self) -> Result<i64, StoreError> {
        Ok(self
            .conn
            .query_row("PRAGMA data_version", [], |row| row.get(0))?)
    }

    /// Runs `change` in one IMMEDIATE transaction and commits it. The change
    /// must record at least one audit row through [`Tx::audit`]; one that
    /// does not is rolled back.
    pub fn write<T>(
        &mut self,
        change: impl FnOnce(&mut Tx<'_>) -> Result<T, StoreError>,
    ) -> Result<T, StoreError> {
        self.transact(true, change)
    }

    /// Like [`Store::write`], for loading many records at once (the
    /// generator; later, the importers): the search indexes are filled at
    /// the end ([`Tx::bulk_load`]), and when no other connection has the
    /// file open the transaction runs under a rollback journal instead of
    /// the write-ahead log. Why: a transaction bigger than the page cache
    /// spills its pages into the log, and the checkpoint then copies every
    /// one of them again into the database, so a 900 MB load wrote 1.8 GB.
    /// The rollback journal only keeps the pages that held data before, and
    /// still rolls back a load that fails half-way. WAL is back afterwards.
    pub fn bulk_write<T>(
        &mut self,
        load: impl FnOnce(&mut Tx<'_>) -> Result<T, StoreError>,
    ) -> Result<T, StoreError> {
        self.require(crate::domain::role::Right::Import)?;
        let journal = |conn: &Connection, mode: &str| -> Result<String, StoreError> {
            Ok(
                conn.query_row(&format!("PRAGMA journal_mode = {mode}"), [], |row| {
                    row.get(0)
                })?,
            )
        };
        // Leaving WAL needs the file to itself: while another connection
        // has it open SQLite says it is busy, and the load runs in WAL.
        // Asked without waiting: the busy timeout would only delay the
        // answer.
        self.conn.busy_timeout(Duration::ZERO)?;
        let asked = journal(&self.conn, "DELETE");
        self.conn.busy_timeout(self.busy_timeout)?;
        let switched = match asked {
            Ok(mode) => mode.eq_ignore_ascii_case("delete"),
            Err(StoreError::Busy(_)) => false,
            Err(other) => return Err(other),
        };
        // A load runs some forty statements per patient in turn: more than
        // rusqlite's cache of 16 kept, so each was compiled again at each
        // use (a tenth of the load's time). And a page cache big enough
        // for the tables' growing ends and the indexes the load keeps
        // spares their pages a write and a read back at each spill.
        let page_cache: i64 = self
            .conn
            .query_row("PRAGMA cache_size", [], |row| row.get(0))?;
        self.conn
            .set_prepared_statement_cache_capacity(BULK_STATEMENT_CACHE);
        self.conn
            .execute_batch(&format!("PRAGMA cache_size = -{BULK_PAGE_CACHE_KIB}"))?;
        let loaded = self.write(|tx| tx.bulk_load(|tx| load(tx)));
        // Back to the store's own settings, whatever the load did.
        self.conn
            .set_prepared_statement_cache_capacity(STATEMENT_CACHE);
        let _ = self
            .conn
            .execute_batch(&format!("PRAGMA cache_size = {page_cache}"));
        if switched {
            // Best effort: the load is committed whatever happens here, and
            // every Store::open switches the file back to WAL anyway.
            let _ = journal(&self.conn, "WAL");
        }
        loaded
    }

    /// Like [`Store::write`], but the change need not write an audit row:
    /// for a draft's autosaves only.
    pub(crate) fn write_unaudited<T>(
        &mut self,
        change: impl FnOnce(&mut Tx<'_>) -> Result<T, StoreError>,
    ) -> Result<T, StoreError> {
        self.transact(false, change)
    }

    /// Runs `change` in a transaction and rolls it back: what a change
    /// would do, without doing it (`--dry-run`).
    pub fn rehearse<T>(
        &mut self,
        change: impl FnOnce(&mut Tx<'_>) -> Result<T, StoreError>,
    ) -> Result<T, StoreError> {
        // Immediate, as a real change would be: a rehearsal that reads and
        // then writes must not fail on another session's commit in between.
        let tx = self.begin_immediate()?;
        let mut tx = Tx::new(tx, &self.agent, self.clock.now_utc());
        // Dropped without a commit: rolled back.
        change(&mut tx)
    }

    fn transact<T>(
        &mut self,
        audit_required: bool,
        change: impl FnOnce(&mut Tx<'_>) -> Result<T, StoreError>,
    ) -> Result<T, StoreError> {
        if self.read_only.is_some() {
            return Err(StoreError::ReadOnly);
        }
        let tx = self.begin_immediate()?;
        let mut tx = Tx::new(tx, &self.agent, self.clock.now_utc());
        let value = change(&mut tx)?;
        tx.commit(audit_required)?;
        Ok(value)
    }

    /// Begins a write transaction, waiting behind other sessions' writes as
    /// long as the store's patience allows (see `wait`).
    fn begin_immediate(&self) -> Result<rusqlite::Transaction<'_>, StoreError> {
        let patience = wait::Patience {
            tend: self.busy_timeout,
            announce: self.announce_waits,
        };
        let conn = &self.conn;
        wait::wait_for_lock(conn, &self.path, patience, self.busy_timeout, || {
            rusqlite::Transaction::new_unchecked(conn, TransactionBehavior::Immediate)
        })
        .map_err(|e| match e {
            wait::WaitError::Busy(busy) => StoreError::Busy(busy),
            wait::WaitError::Sqlite(e) => e.into(),
        })
    }

    /// Changes how long writes wait for other tend sessions, and whether
    /// they say so: the screen opens the store as a command does (waiting
    /// its turn, saying so), then waits only briefly once it is drawn.
    pub fn set_patience(&mut self, busy_timeout: Duration, announce_waits: bool) {
        self.busy_timeout = busy_timeout;
        self.announce_waits = announce_waits;
        // Best effort: a failure leaves the timeout it had.
        let _ = self.conn.busy_timeout(busy_timeout);
    }

    /// How many patients the database holds.
    pub fn patient_count(&self) -> Result<usize, StoreError> {
        let n: i64 = self
            .conn
            .query_row("SELECT count(*) FROM patient", [], |row| row.get(0))?;
        Ok(n as usize)
    }

    pub(crate) fn conn(&self) -> &Connection {
        &self.conn
    }
}

/// Creates an empty file readable and writable by its owner only, and its
/// folder (0700) if that does not exist. Never over anything already there,
/// a symbolic link included.
pub(crate) fn create_private_file(path: &Path) -> Result<std::fs::File, OpenError> {
    let io_error = |source| OpenError::Io {
        path: path.to_path_buf(),
        source,
    };
    if let Some(dir) = path.parent().filter(|d| !d.as_os_str().is_empty()) {
        if !dir.exists() {
            crate::private::folder(dir).map_err(io_error)?;
        }
    }
    crate::private::file(path, crate::private::Open::New).map_err(io_error)
}

/// True for SQLite errors that mean "another connection holds the lock".
pub(crate) fn is_busy(error: &rusqlite::Error) -> bool {
    matches!(
        error.sqlite_error_code(),
        Some(ErrorCode::DatabaseBusy | ErrorCode::DatabaseLocked)
    )
}
