//! Changes: the write transaction and the inserts that run inside it.
//!
//! The generator and (later) the importers add records through these same
//! functions, so synthetic data takes the code paths real data takes.

use chrono::{DateTime, NaiveDate, SecondsFormat, Utc};
use rusqlite::{params, OptionalExtension, Transaction};

use super::chain::{self, Hash, Seal};
use super::schema_v14::{loop_index, loop_search_insert_triggers, LOOP_SEARCH_TEXT};
use super::{AuditAction, StoreError};
use crate::domain::care_plan::NeedDomain;
use crate::domain::clinical::AllergyCriticality;
use crate::domain::patient::FlagKind;
use crate::domain::task::{Priority, TaskKind, TaskStatus};

/// A write transaction in progress. Dropping it without [`Tx::commit`] rolls back.
pub struct Tx<'c> {
    tx: Transaction<'c>,
    agent: String,
    now: DateTime<Utc>,
    audited: bool,
    /// The trail's last row (id and hash) as this transaction left it,
    /// read at its first audit row: the transaction holds the write lock,
    /// so no other row can come between.
    chain_tip: Option<(i64, Hash)>,
    /// Inside [`Tx::bulk_load`], whose end seals the notes it wrote at once.
    loading: bool,
}

pub(crate) fn utc_text(at: DateTime<Utc>) -> String {
    at.to_rfc3339_opts(SecondsFormat::Secs, true)
}

pub(crate) fn date_text(date: NaiveDate) -> String {
    date.format("%Y-%m-%d").to_string()
}

impl<'c> Tx<'c> {
    pub(crate) fn new(tx: Transaction<'c>, agent: &str, now: DateTime<Utc>) -> Tx<'c> {
        Tx {
            tx,
            agent: agent.to_string(),
            now,
            audited: false,
            chain_tip: None,
            loading: false,
        }
    }

    /// Commits; refused when `audit_required` and no audit row was written
    /// (only a draft's autosaves are exempt: see `store::notes`).
    pub(crate) fn commit(self, audit_required: bool) -> Result<(), StoreError> {
        if audit_required && !self.audited {
            return Err(StoreError::Unaudited);
        }
        self.tx.commit()?;
        Ok(())
    }

    pub(crate) fn conn(&self) -> &rusqlite::Connection {
        &self.tx
    }

    /// Who is making the change (the login of the person running tend).
    pub(crate) fn agent(&self) -> &str {
        &self.agent
    }

    /// Runs a bulk load (the generator; later, the importers) with the
    /// search indexes (names, notes, the loops) and the patients' next due
    /// dates filled once at its end instead of row by row, in the same
    /// transaction. Why: the insert triggers give every row's statement
    /// a savepoint, and FTS5 writes its pending terms to disk at each one, so
    /// indexing two million notes row by row spent most of its time merging
    /// tiny index segments (seen with `perf`: `balance_nonroot` under
    /// `fts5IndexFlush`). Filled in one statement, FTS5 sorts the terms in
    /// memory and writes each list once.
    ///
    /// Into an empty store (`tend gen`), the indexes on keys that arrive
    /// in no order and the loops' search update triggers are made after
    /// the rows too (see `bulk_deferred`), and the search indexes are
    /// filled with a big buffer of pending terms.
    ///
    /// `load` must not update the indexed columns (a patient's names and
    /// member ID, a note's body) of rows it inserted itself: those rows would
    /// be indexed twice, which FTS5 reports as a damaged database. Rows that
    /// were there before keep their update triggers and may change (the
    /// roster import updates members by member ID). If `load` fails, the
    /// caller's transaction rolls back, the triggers with it.
    pub fn bulk_load<T>(
        &mut self,
        load: impl FnOnce(&mut Tx<'c>) -> Result<T, StoreError>,
    ) -> Result<T, StoreError> {
        let last_id = |tx: &Transaction<'c>, table: &str| -> Result<i64, StoreError> {
            let sql = format!("SELECT COALESCE(MAX(id), 0) FROM {table}");
            Ok(tx.query_row(&sql, [], |row| row.get(0))?)
        };
        let last_note = last_id(&self.tx, "communication")?;
        let last_patient = last_id(&self.tx, "patient")?;
        let last_task = last_id(&self.tx, "task")?;
        let mut last_loops = Vec::new();
        for (table, _) in LOOP_SEARCH_TEXT {
            last_loops.push(last_id(&self.tx, table)?);
            self.tx
                .execute_batch(&format!("DROP TRIGGER {}_insert;", loop_index(table)))?;
        }
        // The next due dates too: kept row by row, each open task rewrote
        // its patient's row and index entry (schema v16).
        self.tx.execute_batch(
            "DROP TRIGGER communication_fts_insert; DROP TRIGGER patient_name_index_insert;
             DROP TRIGGER task_next_due_insert;",
        )?;
        let deferred = super::bulk_deferred::defer(&self.tx)?;
        self.loading = true;
        let loaded = load(self);
        self.loading = false;
        let loaded = loaded?;
        let tx = &self.tx;
        super::bulk_deferred::with_big_fill_buffer(tx, || {
            tx.execute(
                "INSERT INTO communication_fts (rowid, body)
                 SELECT id, body FROM communication WHERE id > ?1 AND status = 'completed'",
                [last_note],
            )?;
            tx.execute(
                "INSERT INTO patient_name_index (rowid, family_name, given_name, member_id)
                 SELECT id, family_name, given_name, member_id FROM patient WHERE id > ?1",
                [last_patient],
            )?;
            // OR REPLACE: a loop inserted by the load and then changed by it
            // was indexed by the update trigger already (unless the load's
            // store was empty, which had those triggers off: `bulk_deferred`).
            for ((table, text), last) in LOOP_SEARCH_TEXT.iter().zip(last_loops) {
                tx.execute(
                    &format!(
                        "INSERT OR REPLACE INTO {} (rowid, text) SELECT id, {text} FROM {table}
                          WHERE id > ?1",
                        loop_index(table)
                    ),
                    [last],
                )?;
            }
            Ok(())
        })?;
        self.tx
            .execute(super::schema_v16::NEXT_DUE_FILL, [last_task])?;
        // The caseload's buckets, whose triggers the load took off: counted
        // once from the patients as they now are (schema v20).
        if deferred.holds("patient_bucket_insert") {
            super::schema_v20::fill_buckets(&self.tx)?;
        }
        // After the fills, which then rewrote no entries of them.
        deferred.build(&self.tx)?;
        self.tx
            .execute_batch(super::schema_v16::NEXT_DUE_INSERT_TRIGGER)?;
        self.tx
            .execute_batch(super::schema::SEARCH_INDEX_INSERT_TRIGGERS)?;
        self.tx.execute_batch(&loop_search_insert_triggers())?;
        self.seal_loaded_notes(last_note)?;
        Ok(loaded)
    }

    /// Seals the signed notes a bulk load wrote (ids above `after`) into
    /// the audit chain with one row: their combined hash and the range of
    /// their ids (see `store::chain`). A row each would double the size of
    /// a generated database's trail for no gain in what can be detected.
    fn seal_loaded_notes(&mut self, after: i64) -> Result<(), StoreError> {
        let Some(sealed) = chain::seal_notes_after(&self.tx, after)? else {
            return Ok(());
        };
        let (now, agent) = (self.now, self.agent.to_string());
        self.insert_audit(
            now,
            &agent,
            AuditAction::Create.code(),
            "Communication",
            Some(sealed.last),
            None,
            Some(&format!("sealed {} signed notes loaded", sealed.count)),
            Some(Seal {
                hash: sealed.hash,
                from: Some(sealed.first),
            }),
        )
    }

    /// The instant this change is stamped with.
    pub fn now(&self) -> DateTime<Utc> {
        self.now
    }

    /// Writes an audit row for this change.
    pub fn audit(
        &mut self,
        action: AuditAction,
        entity_type: &str,
        entity_id: Option<i64>,
        patient_id: Option<i64>,
        detail: Option<&str>,
    ) -> Result<(), StoreError> {
        let (now, agent) = (self.now, self.agent.to_string());
        self.insert_audit(
            now,
            &agent,
            action.code(),
            entity_type,
            entity_id,
            patient_id,
            detail,
            None,
        )
    }

    /// Writes the audit row that signs a note (or adds an addendum): it
    /// carries the hash of the note as stored now, sealing it into the
    /// chain (see `store::chain`).
    pub(crate) fn audit_signed_note(
        &mut self,
        action: AuditAction,
        note_id: i64,
        patient_id: i64,
        detail: &str,
    ) -> Result<(), StoreError> {
        let hash = chain::stored_note_hash(&self.tx, note_id)?.ok_or_else(|| {
            StoreError::Refused(format!("note {note_id} is not there to be signed"))
        })?;
        let (now, agent) = (self.now, self.agent.to_string());
        self.insert_audit(
            now,
            &agent,
            action.code(),
            "Communication",
            Some(note_id),
            Some(patient_id),
            Some(detail),
            Some(Seal { hash, from: None }),
        )
    }

    /// Writes an audit row kept aside while the database could not take
    /// it, with the time it was recorded and its author (which may be
    /// earlier than this transaction, never another person's row: only the
    /// author's own rows are kept for them).
    pub fn audit_as_recorded(&mut self, row: &super::PendingAudit) -> Result<(), StoreError> {
        self.insert_audit(
            row.recorded_at,
            &row.agent,
            &row.action,
            &row.entity_type,
            row.entity_id,
            row.patient_id,
            row.detail.as_deref(),
            None,
        )
    }

    /// Appends a row to the trail, chained to the row before it.
    #[allow(clippy::too_many_arguments)] // the audit row's columns
    fn insert_audit(
        &mut self,
        recorded_at: DateTime<Utc>,
        agent: &str,
        action: &str,
        entity_type: &str,
        entity_id: Option<i64>,
        patient_id: Option<i64>,
        detail: Option<&str>,
        seal: Option<Seal>,
    ) -> Result<(), StoreError> {
        let tip = chain::append(
            &self.tx,
            self.chain_tip,
            &chain::NewRow {
                recorded_at: &utc_text(recorded_at),
                agent,
                action,
                entity_type,
                entity_id,
                patient_id,
                detail,
                seal,
            },
        )?;
        self.chain_tip = Some(tip);
        self.audited = true;
        Ok(())
    }

    /// The id of the practitioner with this user name, adding them if new.
    pub fn practitioner(&mut self, username: &str, display_name: &str) -> Result<i64, StoreError> {
        let existing = self
            .tx
            .prepare_cached("SELECT id FROM practitioner WHERE username = ?1")?
            .query_row(params![username], |row| row.get(0))
            .optional()?;
        if let Some(id) = existing {
            return Ok(id);
        }
        self.tx
            .prepare_cached("INSERT INTO practitioner (username, display_name) VALUES (?1, ?2)")?
            .execute(params![username, display_name])?;
        Ok(self.tx.last_insert_rowid())
    }

    pub fn insert_medication(
        &mut self,
        patient_id: i64,
        m: &super::Medication,
    ) -> Result<i64, StoreError> {
        self.tx
            .prepare_cached(
                "INSERT INTO medication (patient_id, name, dose, frequency, prescriber, status)
                 VALUES (?1, ?2, ?3, ?4, ?5, ?6)",
            )?
            .execute(params![
                patient_id,
                m.name,
                m.dose,
                m.frequency,
                m.prescriber,
                if m.active { "active" } else { "stopped" }
            ])?;
        Ok(self.tx.last_insert_rowid())
    }

    pub fn insert_allergy(
        &mut self,
        patient_id: i64,
        substance: &str,
        reaction: Option<&str>,
        criticality: AllergyCriticality,
    ) -> Result<i64, StoreError> {
        self.tx
            .prepare_cached(
                "INSERT INTO allergy (patient_id, substance, reaction, criticality)
                 VALUES (?1, ?2, ?3, ?4)",
            )?
            .execute(params![patient_id, substance, reaction, criticality.code()])?;
        Ok(self.tx.last_insert_rowid())
    }

    pub fn insert_flag(
        &mut self,
        patient_id: i64,
        kind: FlagKind,
        text: &str,
    ) -> Result<i64, StoreError> {
        self.tx
            .prepare_cached(
                "INSERT INTO patient_flag (patient_id, kind, text, created_at)
                 VALUES (?1, ?2, ?3, ?4)",
            )?
            .execute(params![patient_id, kind.code(), text, utc_text(self.now)])?;
        Ok(self.tx.last_insert_rowid())
    }

    pub fn insert_care_team_member(&mut self, m: &NewCareTeamMember) -> Result<i64, StoreError> {
        self.tx
            .prepare_cached(
                "INSERT INTO care_team_member (patient_id, role, name, organization, phone)
                 VALUES (?1, ?2, ?3, ?4, ?5)",
            )?
            .execute(params![
                m.patient_id,
                m.role,
                m.name,
                m.organization,
                m.phone
            ])?;
        Ok(self.tx.last_insert_rowid())
    }

    /// Makes sure the patient has one open care-plan review task, due `on`,
    /// for their coordinator: moves the open one, or adds it.
    pub fn plan_review_task(&mut self, patient_id: i64, on: NaiveDate) -> Result<i64, StoreError> {
        let open: Option<i64> = self
            .tx
            .prepare_cached(
                "SELECT id FROM task WHERE patient_id = ?1 AND kind = 'care-plan-review'
                   AND status IN ('requested', 'in-progress') ORDER BY id LIMIT 1",
            )?
            .query_row([patient_id], |r| r.get(0))
            .optional()?;
        if let Some(id) = open {
            self.tx.execute(
                "UPDATE task SET due_on = ?2, version = version + 1, updated_at = ?3
                  WHERE id = ?1",
                params![id, date_text(on), utc_text(self.now)],
            )?;
            return Ok(id);
        }
        let owner: Option<i64> = self.tx.query_row(
            "SELECT coordinator_id FROM patient WHERE id = ?1",
            [patient_id],
            |r| r.get(0),
        )?;
        self.insert_task(&NewTask {
            patient_id,
            owner_id: owner,
            kind: TaskKind::CarePlanReview,
            description: "Care-plan review due".into(),
            status: TaskStatus::Requested,
            priority: Priority::Routine,
            due_on: Some(on),
            hard_deadline: false,
            authored_at: self.now,
            completed_at: None,
        })
    }

    pub fn insert_need(
        &mut self,
        patient_id: i64,
        domain: NeedDomain,
        description: &str,
    ) -> Result<i64, StoreError> {
        self.tx
            .prepare_cached(
                "INSERT INTO need (patient_id, domain, description, created_at)
                 VALUES (?1, ?2, ?3, ?4)",
            )?
            .execute(params![
                patient_id,
                domain.code(),
                description,
                utc_text(self.now)
            ])?;
        Ok(self.tx.last_insert_rowid())
    }

    /// A progress entry on a goal, by `author` (a user name) if known.
    pub fn insert_progress(
        &mut self,
        goal_id: i64,
        recorded_on: NaiveDate,
        note: &str,
        value: Option<f64>,
        author: Option<i64>,
    ) -> Result<i64, StoreError> {
        self.tx
            .prepare_cached(
                "INSERT INTO goal_progress (goal_id, recorded_on, note, value, author_id)
                 VALUES (?1, ?2, ?3, ?4, ?5)",
            )?
            .execute(params![
                goal_id,
                date_text(recorded_on),
                note,
                value,
                author
            ])?;
        Ok(self.tx.last_insert_rowid())
    }

    pub fn insert_task(&mut self, t: &NewTask) -> Result<i64, StoreError> {
        self.tx
            .prepare_cached(
                "INSERT INTO task (patient_id, owner_id, kind, description, status, priority,
                   due_on, hard_deadline, authored_at, completed_at)
                 VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10)",
            )?
            .execute(params![
                t.patient_id,
                t.owner_id,
                t.kind.code(),
                t.description,
                t.status.code(),
                t.priority.code(),
                t.due_on.map(date_text),
                t.hard_deadline,
                utc_text(t.authored_at),
                t.completed_at.map(utc_text),
            ])?;
        Ok(self.tx.last_insert_rowid())
    }

    /// Adds a signed note of a contact or attempt; one that reached someone
    /// moves the patient's "last contact" forward. Outside a bulk load (whose
    /// end seals all it wrote), the note is sealed into the audit chain with
    /// a row of its own.
    pub fn insert_communication(&mut self, c: &NewCommunication) -> Result<i64, StoreError> {
        let sent_at = utc_text(c.sent_at);
        self.tx
            .prepare_cached(
                "INSERT INTO communication (patient_id, author_id, sent_at, medium, direction,
                   recipient, outcome, duration_minutes, body)
                 VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9)",
            )?
            .execute(params![
                c.patient_id,
                c.author_id,
                sent_at,
                c.medium,
                c.direction,
                c.recipient,
                c.outcome,
                c.duration_minutes,
                c.body
            ])?;
        let id = self.tx.last_insert_rowid();
        if c.reached {
            self.tx
                .prepare_cached(
                    "UPDATE patient SET last_contact_at = ?2
                      WHERE id = ?1 AND (last_contact_at IS NULL OR last_contact_at < ?2)",
                )?
                .execute(params![c.patient_id, sent_at])?;
        }
        if !self.loading {
            self.audit_signed_note(AuditAction::Create, id, c.patient_id, "written")?;
        }
        Ok(id)
    }
}

#[derive(Debug, Clone)]
pub struct NewCareTeamMember {
    pub patient_id: i64,
    pub role: String,
    pub name: String,
    pub organization: Option<String>,
    pub phone: Option<String>,
}

#[derive(Debug, Clone)]
pub struct NewTask {
    pub patient_id: i64,
    pub owner_id: Option<i64>,
    pub kind: TaskKind,
    pub description: String,
    pub status: TaskStatus,
    pub priority: Priority,
    pub due_on: Option<NaiveDate>,
    pub hard_deadline: bool,
    pub authored_at: DateTime<Utc>,
    pub completed_at: Option<DateTime<Utc>>,
}

#[derive(Debug, Clone)]
pub struct NewCommunication {
    pub patient_id: i64,
    pub author_id: Option<i64>,
    pub sent_at: DateTime<Utc>,
    pub medium: String,
    pub direction: String,
    pub recipient: String,
    pub outcome: String,
    /// Whether the contact reached someone (versus an attempt).
    pub reached: bool,
    pub duration_minutes: Option<i64>,
    pub body: String,
}
