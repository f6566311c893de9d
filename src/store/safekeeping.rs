//! Keeping what must not be lost when the database cannot take it (issue
//! 13): the note being typed and the audit row of every record viewed.
//!
//! A write that fails for want of room frees the reserve
//! ([`super::reserve`]) and is tried once more; if it still fails, the
//! draft or the audit row is kept aside ([`super::aside`]), and written
//! into the database by the next tick (or the next session) that can.
//! Only when nothing at all can be written does a draft stay on the
//! screen alone, and the editor says so.

use std::path::PathBuf;

use chrono::{DateTime, Utc};

use super::aside::{KeptDraft, PendingAudit};
use super::{AuditAction, DraftSaved, Store, StoreError};
use crate::domain::note::DraftHeader;

/// Where a draft went.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum DraftKept {
    /// Into the database, as always.
    Database(DraftSaved),
    /// Not into the database (for the reason given) but into this file,
    /// from which it goes into the database as soon as it can.
    Aside { path: PathBuf, why: String },
    /// Nowhere but the screen: nothing could be written.
    Nowhere { why: String },
}

/// Where the audit row of a record viewed went.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum ViewAudited {
    Database,
    /// Kept aside in this file until the database can take it.
    Aside(PathBuf),
    /// Held in this session only, written as soon as anything can be.
    Memory,
}

/// What [`Store::write_kept_aside`] took back into the database.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct KeptBack {
    pub drafts: usize,
    pub audits: usize,
}

impl Store {
    /// Why the database is open read-only, if it is.
    pub fn read_only(&self) -> Option<&str> {
        self.read_only.as_deref()
    }

    /// Whether audit rows are waiting to go into the database.
    pub fn audits_waiting(&self) -> bool {
        !self.unwritten_audits.is_empty()
    }

    /// Whether this session keeps room aside for a full disk but has none
    /// now: it was used, or the disk never had it to give. The disk is
    /// (nearly) full.
    pub fn lacks_room_aside(&self) -> bool {
        self.holds_reserve && !self.reserve.is_held()
    }

    /// Runs a write; if it fails for want of room, frees the reserve and
    /// tries once more.
    pub(super) fn with_room<T>(
        &mut self,
        mut write: impl FnMut(&mut Store) -> Result<T, StoreError>,
    ) -> Result<T, StoreError> {
        match write(self) {
            Err(error) if error.is_no_room() && self.reserve.release() => {
                self.maybe_aside = true;
                write(self)
            }
            other => other,
        }
    }

    /// Saves the draft into the database if it can ([`Store::save_draft`]),
    /// else keeps it aside; says where it went.
    pub fn keep_draft(
        &mut self,
        patient_id: i64,
        header: &DraftHeader,
        body: &str,
        started_at: DateTime<Utc>,
        seen: Option<i64>,
    ) -> DraftKept {
        let agent = self.agent.clone();
        match self.with_room(|s| s.save_draft(patient_id, header, body, started_at, seen)) {
            Ok(saved) => {
                self.aside.forget_draft(&agent, patient_id);
                DraftKept::Database(saved)
            }
            Err(error) => {
                self.maybe_aside = true;
                let why = error.to_string();
                match self
                    .aside
                    .keep_draft(&agent, patient_id, header, body, started_at, seen)
                {
                    Ok(path) => DraftKept::Aside { path, why },
                    Err(also) => DraftKept::Nowhere {
                        why: format!("{why}; nor could it be kept in a file ({also})"),
                    },
                }
            }
        }
    }

    /// This user's drafts kept aside (not yet back in the database).
    pub fn drafts_kept_aside(&self) -> Vec<KeptDraft> {
        self.aside.drafts(&self.agent)
    }

    /// Forgets a draft kept aside (signed or thrown away meanwhile).
    pub(crate) fn forget_kept_draft(&self, patient_id: i64) {
        self.aside.forget_draft(&self.agent, patient_id);
    }

    /// Records that the user opened a patient's record: in the database,
    /// or, when it cannot take the row, aside or (as a last resort) in this
    /// session, to be written as soon as anything can. A view is never
    /// left unaudited, and never stops a record from being shown.
    pub fn record_view(&mut self, patient_id: i64) -> ViewAudited {
        self.record_kept(
            AuditAction::Read,
            "Patient",
            Some(patient_id),
            Some(patient_id),
            None,
        )
    }

    /// Records something that happened to the session itself (the screen
    /// locked, an unlock refused), the same way as a view: never lost to a
    /// full disk.
    pub fn record_session_event(&mut self, detail: &str) -> ViewAudited {
        self.record_kept(
            AuditAction::Execute,
            "Practitioner",
            None,
            None,
            Some(detail),
        )
    }

    fn record_kept(
        &mut self,
        action: AuditAction,
        entity_type: &str,
        entity_id: Option<i64>,
        patient_id: Option<i64>,
        detail: Option<&str>,
    ) -> ViewAudited {
        let at = self.clock.now_utc();
        let written = self.with_room(|s| {
            s.write(|tx| tx.audit(action, entity_type, entity_id, patient_id, detail))
        });
        if written.is_ok() {
            return ViewAudited::Database;
        }
        self.maybe_aside = true;
        let row = PendingAudit {
            recorded_at: at,
            agent: self.agent.clone(),
            action: action.code().to_string(),
            entity_type: entity_type.into(),
            entity_id,
            patient_id,
            detail: detail.map(str::to_string),
        };
        match self.aside.keep_audit(&row) {
            Ok(path) => ViewAudited::Aside(path),
            Err(_) => {
                self.unwritten_audits.push(row);
                ViewAudited::Memory
            }
        }
    }

    /// Takes what was kept aside into the database, when it can: the audit
    /// rows (each with the time it was recorded) and this user's drafts,
    /// but for `except`'s, which an editor open on it saves itself. Then
    /// holds the reserve again, if this session keeps one and there is room.
    pub fn write_kept_aside(&mut self, except: Option<i64>) -> Result<KeptBack, StoreError> {
        let mut back = KeptBack::default();
        if !self.maybe_aside || self.read_only.is_some() {
            return Ok(back);
        }
        let agent = self.agent.clone();
        let mut rows = self.aside.audits(&agent);
        rows.extend(self.unwritten_audits.iter().cloned());
        if !rows.is_empty() {
            self.write(|tx| {
                for row in &rows {
                    tx.audit_as_recorded(row)?;
                }
                Ok(())
            })?;
            self.aside.forget_audits(&agent);
            self.unwritten_audits.clear();
            back.audits = rows.len();
        }
        let mut open_draft_waits = false;
        for draft in self.aside.drafts(&agent) {
            if Some(draft.patient_id) == except {
                open_draft_waits = true;
                continue;
            }
            self.save_draft(
                draft.patient_id,
                &draft.header,
                &draft.body,
                draft.started_at,
                draft.seen,
            )?;
            self.aside.forget_draft(&agent, draft.patient_id);
            back.drafts += 1;
        }
        self.hold_reserve_if_room();
        // Looked for again while the open editor's draft waits aside, or
        // while the reserve is still to be held again.
        self.maybe_aside = open_draft_waits || self.lacks_room_aside();
        Ok(back)
    }

    /// Takes the reserve aside again if this session keeps one, it is not
    /// held, and the disk has plenty of room (four times the reserve), so
    /// that holding it never takes the last of the space.
    pub(crate) fn hold_reserve_if_room(&mut self) {
        if !self.holds_reserve || self.reserve.is_held() {
            return;
        }
        let folder = self
            .path
            .parent()
            .filter(|d| !d.as_os_str().is_empty())
            .unwrap_or(std::path::Path::new("."));
        if free_bytes(folder).is_some_and(|free| free >= 4 * super::RESERVE_BYTES) {
            self.reserve.hold();
        }
    }
}

/// Bytes free for an unprivileged user on the file system holding `folder`.
fn free_bytes(folder: &std::path::Path) -> Option<u64> {
    use std::os::unix::ffi::OsStrExt;
    let path = std::ffi::CString::new(folder.as_os_str().as_bytes()).ok()?;
    // SAFETY: statvfs is plain data, filled in by statvfs(3).
    let mut stat: libc::statvfs = unsafe { std::mem::zeroed() };
    let result = unsafe { libc::statvfs(path.as_ptr(), &mut stat) };
    (result == 0).then(|| stat.f_bavail as u64 * stat.f_frsize as u64)
}
