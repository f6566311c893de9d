//! What meets a clock, and what opens one again: a signed contact, a
//! recorded visit (and its cancellation), the medication reconciliation
//! stamp, a stamp on the clock's task (and its undo); and a clock voided
//! by hand. A clock met after its deadline stays missed ("met late").

use chrono::NaiveDate;
use rusqlite::{params, OptionalExtension};

use super::caseload::parse_date;
use super::write::{date_text, utc_text};
use super::{AuditAction, Store, StoreError, Tx};
use crate::domain::encounter::Encounter;
use crate::domain::note::NoteHeader;
use crate::domain::role::Right;
use crate::domain::task::TaskStatus;
use crate::domain::transitions::{self, ClockDue, ClockKind, MetBy};

/// A clock's row as `void_clock` checks it: patient, task, met on, voided.
type ClockCheck = (i64, Option<i64>, Option<String>, Option<String>);

impl Tx<'_> {
    /// Marks a clock met on `on` by `by` (words without patient data), and
    /// completes its task. A clock met after its deadline stays missed:
    /// met late, said in its task's outcome.
    pub(crate) fn meet_clock(
        &mut self,
        clock_id: i64,
        on: NaiveDate,
        by: &str,
    ) -> Result<(), StoreError> {
        let (task_id, patient_id, due): (Option<i64>, i64, String) = self.conn().query_row(
            "SELECT task_id, patient_id, due_on FROM transition_clock WHERE id = ?1",
            [clock_id],
            |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?)),
        )?;
        let changed = self.conn().execute(
            "UPDATE transition_clock SET met_on = ?2, met_by = ?3
              WHERE id = ?1 AND met_on IS NULL AND voided_at IS NULL",
            params![clock_id, date_text(on), by],
        )?;
        if changed == 0 {
            return Ok(());
        }
        let late = parse_date(&due).is_some_and(|due| on > due);
        let outcome = if late {
            format!("met late on {on} by {by}")
        } else {
            format!("met on {on} by {by}")
        };
        if let Some(task) = task_id {
            self.conn().execute(
                "UPDATE task SET status = 'completed', outcome = ?2, completed_at = ?3,
                        version = version + 1, updated_at = ?3
                  WHERE id = ?1 AND status IN ('requested', 'in-progress')",
                params![task, outcome, utc_text(self.now())],
            )?;
        }
        self.audit(
            AuditAction::Update,
            "TransitionClock",
            Some(clock_id),
            Some(patient_id),
            Some(&outcome),
        )
    }

    /// Meets the encounter's open clock of `kind` on `on`, if it has one:
    /// for history written in bulk (the generator), where what met it
    /// happened before it was written.
    pub(crate) fn meet_encounter_clock(
        &mut self,
        encounter_id: i64,
        kind: ClockKind,
        on: NaiveDate,
        by: &str,
    ) -> Result<(), StoreError> {
        let clock: Option<i64> = self
            .conn()
            .prepare_cached(
                "SELECT id FROM transition_clock
                  WHERE encounter_id = ?1 AND kind = ?2 AND met_on IS NULL AND voided_at IS NULL",
            )?
            .query_row(params![encounter_id, kind.code()], |r| r.get(0))
            .optional()?;
        match clock {
            Some(id) => self.meet_clock(id, on, by),
            None => Ok(()),
        }
    }

    /// Meets the open visit clocks of the patient that this follow-up
    /// visit meets.
    pub(crate) fn meet_visit_clocks(&mut self, visit: &Encounter) -> Result<(), StoreError> {
        for (clock_id, due) in self.unmet_clocks(visit.patient_id)? {
            if due.kind.met_by() != MetBy::Visit {
                continue;
            }
            if transitions::visit_meets(&due, visit) || transitions::late_visit_meets(&due, visit) {
                self.meet_clock(clock_id, visit.started_on(), &format!("visit {}", visit.id))?;
            }
        }
        Ok(())
    }

    /// Opens again the clocks this encounter met as a visit, now that it
    /// is no longer one (cancelled, or made a stay by A06): their tasks
    /// reopen, and each change is audited.
    pub(crate) fn unmeet_by_visit(&mut self, visit: &Encounter) -> Result<(), StoreError> {
        let by = format!("visit {}", visit.id);
        let clocks: Vec<(i64, Option<i64>)> = self
            .conn()
            .prepare_cached(
                "SELECT id, task_id FROM transition_clock
                  WHERE met_by = ?1 AND patient_id = ?2 AND voided_at IS NULL",
            )?
            .query_map(params![by, visit.patient_id], |r| {
                Ok((r.get(0)?, r.get(1)?))
            })?
            .collect::<Result<_, _>>()?;
        for (clock_id, task_id) in clocks {
            self.conn().execute(
                "UPDATE transition_clock SET met_on = NULL, met_by = NULL WHERE id = ?1",
                [clock_id],
            )?;
            if let Some(task) = task_id {
                self.conn().execute(
                    "UPDATE task SET status = 'requested', outcome = NULL, completed_at = NULL,
                            version = version + 1, updated_at = ?2
                      WHERE id = ?1 AND status = 'completed'",
                    params![task, utc_text(self.now())],
                )?;
            }
            self.audit(
                AuditAction::Update,
                "TransitionClock",
                Some(clock_id),
                Some(visit.patient_id),
                Some(&format!("open again: {by} is no longer a visit")),
            )?;
        }
        Ok(())
    }

    /// Meets the patient's open contact clocks with a signed note.
    pub(crate) fn meet_contact_clocks(
        &mut self,
        patient_id: i64,
        note_id: i64,
        on: NaiveDate,
        header: &NoteHeader,
    ) -> Result<(), StoreError> {
        for (clock_id, due) in self.unmet_clocks(patient_id)? {
            if due.kind.met_by() == MetBy::Contact && transitions::contact_meets(&due, on, header) {
                self.meet_clock(clock_id, on, &format!("note {note_id}"))?;
            }
        }
        Ok(())
    }

    /// Meets the patient's open medication reconciliation clocks with the
    /// reconciliation stamp of `on`.
    pub(crate) fn meet_med_rec_clocks(
        &mut self,
        patient_id: i64,
        on: NaiveDate,
    ) -> Result<(), StoreError> {
        for (clock_id, due) in self.unmet_clocks(patient_id)? {
            if due.kind == ClockKind::MedRec && on >= due.opens_on {
                self.meet_clock(clock_id, on, "medications reconciled")?;
            }
        }
        Ok(())
    }

    fn unmet_clocks(&self, patient_id: i64) -> Result<Vec<(i64, ClockDue)>, StoreError> {
        let mut stmt = self.conn().prepare_cached(
            "SELECT id, kind, opens_on, due_on FROM transition_clock
              WHERE patient_id = ?1 AND met_on IS NULL AND voided_at IS NULL",
        )?;
        let rows = stmt.query_map([patient_id], |r| {
            Ok((
                r.get::<_, i64>(0)?,
                r.get::<_, String>(1)?,
                r.get::<_, String>(2)?,
                r.get::<_, String>(3)?,
            ))
        })?;
        let mut clocks = Vec::new();
        for row in rows {
            let (id, kind, opens, due) = row?;
            if let (Some(kind), Some(opens_on), Some(due_on)) = (
                ClockKind::from_code(&kind),
                parse_date(&opens),
                parse_date(&due),
            ) {
                clocks.push((
                    id,
                    ClockDue {
                        kind,
                        opens_on,
                        due_on,
                    },
                ));
            }
        }
        Ok(clocks)
    }

    /// The clock a task belongs to, if any: its id and kind.
    pub(crate) fn clock_of_task(
        &self,
        task_id: i64,
    ) -> Result<Option<(i64, ClockKind)>, StoreError> {
        let row: Option<(i64, String)> = self
            .conn()
            .prepare_cached("SELECT id, kind FROM transition_clock WHERE task_id = ?1")?
            .query_row([task_id], |r| Ok((r.get(0)?, r.get(1)?)))
            .optional()?;
        Ok(row.and_then(|(id, kind)| ClockKind::from_code(&kind).map(|k| (id, k))))
    }

    /// Keeps a stamp clock in line with its task: met when the task is
    /// completed, open again when an undo reopens it.
    pub(crate) fn sync_stamp_clock(
        &mut self,
        task_id: i64,
        today: NaiveDate,
    ) -> Result<(), StoreError> {
        let Some((clock_id, kind)) = self.clock_of_task(task_id)? else {
            return Ok(());
        };
        if kind.met_by() != MetBy::Stamp || kind == ClockKind::MedRec {
            return Ok(());
        }
        let status: String =
            self.conn()
                .query_row("SELECT status FROM task WHERE id = ?1", [task_id], |r| {
                    r.get(0)
                })?;
        if status == TaskStatus::Completed.code() {
            let by = format!("stamped done by {}", self.agent());
            self.conn().execute(
                "UPDATE transition_clock SET met_on = ?2, met_by = ?3
                  WHERE id = ?1 AND met_on IS NULL AND voided_at IS NULL",
                params![clock_id, date_text(today), by],
            )?;
        } else {
            self.conn().execute(
                "UPDATE transition_clock SET met_on = NULL, met_by = NULL WHERE id = ?1",
                [clock_id],
            )?;
        }
        Ok(())
    }
}

impl Store {
    /// Voids a clock that should not run (the member went to hospice, the
    /// discharge was to a place the feed did not say), with a reason: its
    /// task is cancelled, the clock kept with why, all audited. A clock met
    /// or already voided is refused.
    pub fn void_clock(&mut self, clock_id: i64, reason: &str) -> Result<(), StoreError> {
        self.require(Right::WriteCharts)?;
        let reason = reason.trim();
        if reason.chars().count() < super::REASON_MIN_CHARS {
            return Err(StoreError::Refused(format!(
                "say why the clock should not run (at least {} characters); nothing was changed",
                super::REASON_MIN_CHARS
            )));
        }
        let row: Option<ClockCheck> = self
            .conn()
            .query_row(
                "SELECT patient_id, task_id, met_on, voided_at FROM transition_clock WHERE id = ?1",
                [clock_id],
                |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?, r.get(3)?)),
            )
            .optional()?;
        let Some((patient_id, task_id, met_on, voided_at)) = row else {
            return Err(StoreError::Refused(format!(
                "clock {clock_id} is not there"
            )));
        };
        self.require_reach(patient_id)?;
        if met_on.is_some() || voided_at.is_some() {
            return Err(StoreError::Refused(
                "that clock was already met or voided; nothing was changed".into(),
            ));
        }
        let why = format!("by hand: {reason}");
        self.write(|tx| tx.void_clock(clock_id, task_id, patient_id, &why))
    }
}
