//! What keeps the screen true to the database and safe on a full disk:
//! drafts left from an earlier session offered back, what was kept aside
//! written in when there is room, and another session's changes re-read.

use super::{capitalise, App, Message};
use crate::store::{KeptBack, StoreError};

impl App {
    /// Says at start-up how many drafts were left unsigned (in the database
    /// or kept aside), and lines them up for `d`.
    pub(super) fn offer_drafts(&mut self) -> Result<(), StoreError> {
        let mut waiting: Vec<(i64, String)> = self
            .store
            .drafts_kept_aside()
            .iter()
            .map(|d| (d.patient_id, format!("patient {}", d.patient_id)))
            .collect();
        for draft in self.store.drafts()? {
            if let Some(aside) = waiting.iter_mut().find(|(id, _)| *id == draft.patient_id) {
                aside.1 = draft.patient_name;
            } else {
                waiting.push((draft.patient_id, draft.patient_name));
            }
        }
        for (id, name) in waiting.iter_mut() {
            if name.starts_with("patient ") {
                match self.store.patient(*id) {
                    Ok(Some(record)) => {
                        *name = crate::domain::patient::list_name(
                            &record.family_name,
                            &record.given_name,
                        );
                    }
                    // A draft kept aside for a patient out of reach now
                    // (cover over, glass closed) is still offered, by number.
                    Ok(None) | Err(StoreError::OutOfReach) => {}
                    Err(other) => return Err(other),
                }
            }
        }
        if let Some((_, newest)) = waiting.first() {
            let name = crate::text::fit(newest, 30);
            self.message = Some(Message::Info(match waiting.len() {
                1 => format!("A draft note for {name} was not signed: d reopens it"),
                n => format!(
                    "{n} draft notes were not signed, newest for {name}: d reopens them one by one"
                ),
            }));
        }
        self.pending_drafts = waiting.into_iter().map(|(id, _)| id).collect();
        Ok(())
    }

    /// Called about once a second when idle: if another session changed the
    /// database, re-reads what is on screen. Returns whether anything may
    /// have changed (and so whether to draw).
    pub fn tick(&mut self) -> bool {
        let trouble_before = self.disk_trouble.clone();
        let saved = self.autosave(false);
        self.report(saved);
        let taken_back = self.take_back_kept_aside() || self.disk_trouble != trouble_before;
        match self.refresh_if_changed() {
            Ok(changed) => changed || taken_back,
            Err(error) => {
                self.message = Some(Message::Error(capitalise(&error.to_string())));
                true
            }
        }
    }

    /// Writes into the database what waited aside (audit rows, drafts),
    /// when it can; returns whether the screen has something new to say.
    pub(super) fn take_back_kept_aside(&mut self) -> bool {
        self.notice_reserve_used();
        if self.disk_trouble.is_none() || self.store.read_only().is_some() {
            return false;
        }
        let open = self.layers.editor().map(|e| e.patient_id);
        let editor_waits = self
            .layers
            .editor()
            .is_some_and(|e| !e.kept.is_in_database());
        match self.store.write_kept_aside(open) {
            Ok(back)
                if !self.store.audits_waiting()
                    && !editor_waits
                    && !self.store.lacks_room_aside() =>
            {
                self.view_kept_aside = None;
                self.disk_trouble = None;
                self.message = Some(Message::Info(match back {
                    KeptBack { drafts: 0, audits: 0 } => "There is room on the disk again".into(),
                    KeptBack { drafts: 0, .. } => {
                        "There is room again: the audit rows kept aside are in the database".into()
                    }
                    _ => "There is room again: what was kept aside is in the database (d reopens drafts)".into(),
                }));
                true
            }
            _ => false,
        }
    }

    /// Says so when tend has no room kept aside for a full disk (it was
    /// used, or the disk has too little left to keep it): once the disk is
    /// full, notes and audit rows can only be kept in files.
    pub(super) fn notice_reserve_used(&mut self) {
        if self.disk_trouble.is_none() && self.store.lacks_room_aside() {
            self.disk_trouble = Some(
                "The disk is (nearly) full: tend has no room left aside for notes; free some space soon".into(),
            );
        }
    }

    pub(super) fn refresh_if_changed(&mut self) -> Result<bool, StoreError> {
        let version = self.store.data_version()?;
        if version == self.data_version {
            return Ok(false);
        }
        self.data_version = version;
        // Another session's change may have been an admin's: who the user
        // is here is asked again, and a user deactivated meanwhile reaches
        // nothing from now on (their open note stays theirs to keep).
        if let Err(refused) = self.store.sign_in() {
            self.shown_patient = None;
            self.reload_view()?;
            return Err(refused);
        }
        self.reload_view()?;
        Ok(true)
    }

    /// Re-reads everything on screen after a change, keeping the selection.
    pub(super) fn reload_view(&mut self) -> Result<(), StoreError> {
        let keep = self.caseload.selected_id();
        self.caseload.reload(&self.store, keep)?;
        self.load_tasks()?;
        if self.detail_due.is_some() {
            // The selection is still moving; the panes follow when it rests.
        } else if self.subject() == self.shown_patient {
            // Same patient: re-read their record, without a new audit row.
            self.load_patient(self.shown_patient)?;
        } else {
            // The list changed under the selection (a task completed in
            // Today leaves the next one, perhaps another patient's).
            self.patient_changed()?;
        }
        Ok(())
    }
}
