//! The patient on screen: the detail panes follow the selection of the
//! list that had focus last, once it rests, and every per-patient key acts
//! on the patient they show.

use std::time::Instant;

use super::pane::PaneId;
use super::tasks::{TaskContext, TaskScope};
use super::App;
use crate::store::{StoreError, ViewAudited};

impl App {
    /// When the detail panes are due to follow the caseload selection, if
    /// they are behind it: the event loop wakes then.
    pub fn detail_due(&self) -> Option<Instant> {
        self.detail_due
    }

    /// Brings the patient and care-plan panes up to the caseload selection
    /// once it has rested until `now`; returns whether they changed.
    pub fn settle_detail_at(&mut self, now: Instant) -> bool {
        // Locked, no record is read (nor audited as viewed): nobody sees it.
        if self.layers.lock().is_some() {
            return false;
        }
        if self.detail_due.is_some_and(|due| due <= now) {
            let settled = self.settle_detail();
            self.report(settled);
            return true;
        }
        false
    }

    /// Brings the detail panes up to the caseload selection now.
    pub(super) fn settle_detail(&mut self) -> Result<(), StoreError> {
        if let Some(due) = self.detail_due.take() {
            if let Err(error) = self.patient_changed() {
                // Still behind the selection: the next key tries again.
                self.detail_due = Some(due);
                return Err(error);
            }
        }
        Ok(())
    }

    /// The detail panes are to show the focused list's selection. The list
    /// answers at once; the record and the plan, which cost most of a move's
    /// bytes, follow once the selection rests, so passing over patients (or
    /// over Today with Tab) neither sends their records down the link nor
    /// audits them as viewed. Any key but a move brings them up first.
    pub(super) fn follow_selection(&mut self) -> Result<(), StoreError> {
        if self.settings.detail_delay.is_zero() {
            self.patient_changed()
        } else {
            self.detail_due = Some(Instant::now() + self.settings.detail_delay);
            Ok(())
        }
    }

    /// Moves the focus; the detail panes then show the patient of the
    /// newly focused list's selection.
    pub(super) fn set_focus(&mut self, pane: PaneId) -> Result<(), StoreError> {
        self.focus = pane;
        if pane.is_patient_list() {
            self.patient_list = pane;
        }
        if self.zoomed {
            // The pane now on the whole screen shows more rows.
            self.apply_heights()?;
        }
        if self.subject() != self.shown_patient {
            self.follow_selection()?;
        }
        Ok(())
    }

    /// The patient the detail panes are to show: the selection of the list
    /// that had focus last (a task in Today shows its patient). The patient
    /// and care-plan panes, focused, keep following it.
    pub(super) fn subject(&self) -> Option<i64> {
        match self.patient_list {
            PaneId::Tasks => self
                .tasks
                .selected()
                .map(|t| t.patient_id)
                .or(self.shown_patient),
            _ => self.caseload.selected_id(),
        }
    }

    /// Puts the patient at the caseload's selection (widening it if need
    /// be) and on screen; false if they are no longer in the database.
    pub(super) fn bring_up(&mut self, patient_id: i64) -> Result<bool, StoreError> {
        // A patient brought up ends the typing of a filter.
        self.layers.take_filter();
        let had_filter = self.shows_filter_line();
        if !self.caseload.reveal(&self.store, patient_id)? {
            return Ok(false);
        }
        if had_filter != self.shows_filter_line() {
            self.apply_heights()?;
        }
        self.patient_list = PaneId::Caseload;
        self.detail_due = None;
        self.patient_changed()?;
        Ok(true)
    }

    /// The followed list's selection may have changed: shows its patient's
    /// record, goals and (when following the patient) tasks in the detail
    /// panes, and audits the view. Every per-patient key then acts on this
    /// patient.
    pub(super) fn patient_changed(&mut self) -> Result<(), StoreError> {
        let selected = self.subject();
        if selected == self.shown_patient && self.patient.record.is_some() == selected.is_some() {
            return Ok(());
        }
        // The view is audited before the record is shown. When the database
        // cannot take the row (a full disk), it is kept aside and written
        // later, and the record is shown all the same: a safety flag must
        // be readable whatever the disk.
        self.view_kept_aside = None;
        if let Some(id) = selected {
            match self.store.record_view(id) {
                ViewAudited::Database => {}
                kept => {
                    self.view_kept_aside = Some(id);
                    self.disk_trouble = Some(match kept {
                        ViewAudited::Aside(_) => {
                            "The disk is full: views are audited in a file beside the database until there is room".into()
                        }
                        _ => "The disk is full: views are audited in memory until there is room; do not quit".into(),
                    });
                }
            }
        }
        self.load_patient(selected)?;
        self.shown_patient = selected;
        if self.tasks.scope == TaskScope::Patient {
            self.tasks.cursor.select(0);
            self.load_tasks()?;
        }
        Ok(())
    }

    pub(super) fn load_patient(&mut self, id: Option<i64>) -> Result<(), StoreError> {
        let today = self.today();
        self.patient.load(
            &self.store,
            id,
            today,
            &self.settings.instruments.instruments,
        )?;
        self.goals.load(&self.store, id)?;
        Ok(())
    }

    pub(super) fn load_tasks(&mut self) -> Result<(), StoreError> {
        let cx = TaskContext {
            user: &self.settings.user,
            patient_id: self.shown_patient,
            today: self.clock.today(),
            upcoming_days: self.settings.upcoming_days,
            weights: &self.settings.urgency,
        };
        self.tasks.load(&self.store, &cx)
    }
}
