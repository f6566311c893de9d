//! The clocks of transitions of care, kept in line with their encounter.
//!
//! After every change of an encounter its clocks are brought in line with
//! the rules (`domain::transitions::clocks_for`): a clock the encounter no
//! longer calls for is voided (never deleted; audited with why, its task
//! cancelled), a new one is added with its task, and one whose window
//! moved is moved. Each clock is met by the event that meets it (a signed
//! contact, a recorded visit, the medication reconciliation stamp, a stamp
//! on its task), and evidence already on file is looked for when a clock
//! is added, so a visit recorded before the discharge message arrived
//! still counts (what meets a clock is in `clock_meeting`). A clock met
//! after its deadline stays missed ("met late").

use chrono::NaiveDate;
use rusqlite::params;

use super::caseload::parse_date;
use super::encounters::{read_encounter, wall_text, EncounterRow, Rules, ENCOUNTER_COLUMNS};
use super::write::{date_text, utc_text};
use super::{AuditAction, StoreError, Tx};
use crate::domain::encounter::{Encounter, EncounterClass};
use crate::domain::note::NoteHeader;
use crate::domain::task::{Priority, TaskKind, TaskStatus};
use crate::domain::transitions::{self, ClockDue, ClockKind, MetBy};

/// What changed in the clocks of one encounter.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct ClockChanges {
    pub added: Vec<ClockKind>,
    pub voided: Vec<ClockKind>,
    pub moved: Vec<ClockKind>,
}

impl Tx<'_> {
    /// Brings the encounter's clocks in line with what the rules call for.
    pub(crate) fn reconcile_clocks(
        &mut self,
        encounter: &Encounter,
        rules: &Rules,
        why: &str,
    ) -> Result<ClockChanges, StoreError> {
        let mut wanted = transitions::clocks_for(encounter, &rules.calendar);
        if encounter.class == EncounterClass::Emergency && self.admitted_after(encounter)? {
            wanted.retain(|w| {
                !matches!(
                    w.kind,
                    ClockKind::Fum7 | ClockKind::Fum30 | ClockKind::Fua7 | ClockKind::Fua30
                )
            });
        }
        let existing = self.live_clocks(encounter.id)?;
        let mut changes = ClockChanges::default();
        for (clock_id, kind, opens_on, due_on, task_id, met_on) in &existing {
            match wanted.iter().find(|w| w.kind == *kind) {
                None => {
                    self.void_clock(*clock_id, *task_id, encounter.patient_id, why)?;
                    changes.voided.push(*kind);
                }
                Some(w) if (w.opens_on, w.due_on) != (*opens_on, *due_on) && met_on.is_none() => {
                    self.conn().execute(
                        "UPDATE transition_clock SET opens_on = ?2, due_on = ?3 WHERE id = ?1",
                        params![clock_id, date_text(w.opens_on), date_text(w.due_on)],
                    )?;
                    if let Some(task) = task_id {
                        self.conn().execute(
                            "UPDATE task SET due_on = ?2, version = version + 1, updated_at = ?3
                              WHERE id = ?1",
                            params![task, date_text(w.due_on), utc_text(self.now())],
                        )?;
                    }
                    self.audit(
                        AuditAction::Update,
                        "TransitionClock",
                        Some(*clock_id),
                        Some(encounter.patient_id),
                        Some(&format!("{} now due {} ({why})", kind.code(), w.due_on)),
                    )?;
                    changes.moved.push(*kind);
                }
                Some(_) => {}
            }
        }
        for due in &wanted {
            if existing.iter().any(|(_, kind, ..)| *kind == due.kind) {
                continue;
            }
            self.add_clock(encounter, due, rules)?;
            changes.added.push(due.kind);
        }
        Ok(changes)
    }

    /// Whether an inpatient admission of the patient (not cancelled) came
    /// on the date of this emergency visit or within the 30 days after it,
    /// which takes the visit out of FUM and FUA (HEDIS).
    fn admitted_after(&self, ed: &Encounter) -> Result<bool, StoreError> {
        let until = ed.started_on() + chrono::Duration::days(31);
        let mut stmt = self.conn().prepare_cached(
            "SELECT started_at FROM encounter
              WHERE patient_id = ?1 AND class = 'inpatient' AND status != 'cancelled'
                AND started_at >= ?2 AND started_at < ?3",
        )?;
        let starts: Vec<String> = stmt
            .query_map(
                params![ed.patient_id, date_text(ed.started_on()), date_text(until)],
                |r| r.get(0),
            )?
            .collect::<Result<_, _>>()?;
        Ok(starts
            .iter()
            .filter_map(|s| super::encounters::parse_wall(s))
            .any(|admitted| {
                transitions::ed_visit_excluded_by_admission(ed.started_on(), admitted.date())
            }))
    }

    /// After a stay changed (an admission added, moved, cancelled, or made
    /// another class): the
    /// emergency visits of the 30 days before it have their follow-up
    /// clocks brought in line again, voided when the admission takes them
    /// out of FUM and FUA, back when a cancellation puts them in again.
    pub(crate) fn reconsider_emergency_visits(
        &mut self,
        admission: &Encounter,
        rules: &Rules,
    ) -> Result<(), StoreError> {
        let from = admission.started_on() - chrono::Duration::days(30);
        let until = admission.started_on() + chrono::Duration::days(1);
        let ids: Vec<i64> = self
            .conn()
            .prepare_cached(
                "SELECT id FROM encounter
                  WHERE patient_id = ?1 AND class = 'emergency' AND status != 'cancelled'
                    AND started_at >= ?2 AND started_at < ?3",
            )?
            .query_map(
                params![admission.patient_id, date_text(from), date_text(until)],
                |r| r.get(0),
            )?
            .collect::<Result<_, _>>()?;
        for id in ids {
            let ed = self.load_encounter(id)?;
            // Only a void needs a reason: the clocks come back without one.
            let why =
                "an admission followed within 30 days (HEDIS FUM and FUA leave such visits out)";
            self.reconcile_clocks(&ed, rules, why)?;
        }
        Ok(())
    }

    #[allow(clippy::type_complexity)]
    fn live_clocks(
        &self,
        encounter_id: i64,
    ) -> Result<
        Vec<(
            i64,
            ClockKind,
            NaiveDate,
            NaiveDate,
            Option<i64>,
            Option<NaiveDate>,
        )>,
        StoreError,
    > {
        let mut stmt = self.conn().prepare_cached(
            "SELECT id, kind, opens_on, due_on, task_id, met_on FROM transition_clock
              WHERE encounter_id = ?1 AND voided_at IS NULL",
        )?;
        let rows = stmt.query_map([encounter_id], |r| {
            let kind: String = r.get(1)?;
            let opens: String = r.get(2)?;
            let due: String = r.get(3)?;
            let met: Option<String> = r.get(5)?;
            Ok((
                r.get::<_, i64>(0)?,
                kind,
                opens,
                due,
                r.get::<_, Option<i64>>(4)?,
                met,
            ))
        })?;
        let mut clocks = Vec::new();
        for row in rows {
            let (id, kind, opens, due, task, met) = row?;
            let (Some(kind), Some(opens), Some(due)) = (
                ClockKind::from_code(&kind),
                parse_date(&opens),
                parse_date(&due),
            ) else {
                return Err(StoreError::Refused(format!(
                    "clock {id} cannot be read: run tend check"
                )));
            };
            clocks.push((
                id,
                kind,
                opens,
                due,
                task,
                met.as_deref().and_then(parse_date),
            ));
        }
        Ok(clocks)
    }

    pub(crate) fn void_clock(
        &mut self,
        clock_id: i64,
        task_id: Option<i64>,
        patient_id: i64,
        why: &str,
    ) -> Result<(), StoreError> {
        let now = utc_text(self.now());
        self.conn().execute(
            "UPDATE transition_clock SET voided_at = ?2, void_reason = ?3 WHERE id = ?1",
            params![clock_id, now, why],
        )?;
        if let Some(task) = task_id {
            self.conn().execute(
                "UPDATE task SET status = 'cancelled', outcome = ?2, completed_at = ?3,
                        version = version + 1, updated_at = ?3
                  WHERE id = ?1 AND status IN ('requested', 'in-progress')",
                params![task, format!("clock voided: {why}"), now],
            )?;
        }
        self.audit(
            AuditAction::Update,
            "TransitionClock",
            Some(clock_id),
            Some(patient_id),
            Some(&format!("voided ({why})")),
        )
    }

    /// Adds a clock with its task (a clock met on its event's arrival needs
    /// no task), then meets it from what is already on file.
    fn add_clock(
        &mut self,
        encounter: &Encounter,
        due: &ClockDue,
        rules: &Rules,
    ) -> Result<(), StoreError> {
        let arrival = due.kind.met_by() == MetBy::Arrival;
        let task_id = if arrival {
            None
        } else {
            let owner: Option<i64> = self.conn().query_row(
                "SELECT coordinator_id FROM patient WHERE id = ?1",
                [encounter.patient_id],
                |r| r.get(0),
            )?;
            let task = self.insert_task(&super::NewTask {
                patient_id: encounter.patient_id,
                owner_id: owner,
                kind: TaskKind::FollowUp,
                description: transitions::due_title(due.kind, encounter),
                status: TaskStatus::Requested,
                priority: Priority::Urgent,
                due_on: Some(due.due_on),
                hard_deadline: true,
                authored_at: self.now(),
                completed_at: None,
            })?;
            Some(task)
        };
        self.conn().execute(
            "INSERT INTO transition_clock (encounter_id, patient_id, kind, opens_on, due_on, task_id)
             VALUES (?1, ?2, ?3, ?4, ?5, ?6)",
            params![
                encounter.id,
                encounter.patient_id,
                due.kind.code(),
                date_text(due.opens_on),
                date_text(due.due_on),
                task_id
            ],
        )?;
        let clock_id = self.conn().last_insert_rowid();
        self.audit(
            AuditAction::Create,
            "TransitionClock",
            Some(clock_id),
            Some(encounter.patient_id),
            Some(&format!("{} due {}", due.kind.code(), due.due_on)),
        )?;
        if arrival {
            self.meet_clock(clock_id, rules.arrival(), "the event's arrival in tend")?;
        } else {
            self.meet_from_history(clock_id, encounter, due, rules)?;
        }
        Ok(())
    }

    /// Meets a new clock from evidence already on file: a visit recorded
    /// before the discharge message came, a contact already signed, a
    /// reconciliation already stamped.
    fn meet_from_history(
        &mut self,
        clock_id: i64,
        encounter: &Encounter,
        due: &ClockDue,
        rules: &Rules,
    ) -> Result<(), StoreError> {
        match due.kind.met_by() {
            MetBy::Visit => {
                let sql = format!(
                    "SELECT {ENCOUNTER_COLUMNS} FROM encounter e
                      WHERE e.patient_id = ?1 AND e.class = 'outpatient' AND e.status != 'cancelled'
                        AND e.started_at >= ?2 ORDER BY e.started_at"
                );
                let from = wall_text(due.opens_on.and_hms_opt(0, 0, 0).unwrap_or_default());
                let visits: Vec<EncounterRow> = {
                    let conn = self.conn();
                    let mut stmt = conn.prepare_cached(&sql)?;
                    let rows = stmt.query_map(params![encounter.patient_id, from], |r| {
                        read_encounter(conn, r)
                    })?;
                    rows.collect::<Result<_, _>>()?
                };
                let met = visits
                    .iter()
                    .find(|v| transitions::visit_meets(due, &v.encounter))
                    .or_else(|| {
                        visits
                            .iter()
                            .find(|v| transitions::late_visit_meets(due, &v.encounter))
                    });
                if let Some(visit) = met {
                    let by = format!("visit {}", visit.encounter.id);
                    self.meet_clock(clock_id, visit.encounter.started_on(), &by)?;
                }
            }
            MetBy::Contact => {
                let from = utc_text(
                    due.opens_on
                        .and_hms_opt(0, 0, 0)
                        .unwrap_or_default()
                        .and_utc()
                        - chrono::Duration::days(1),
                );
                let mut stmt = self.conn().prepare_cached(
                    "SELECT id, sent_at, medium, direction, recipient, outcome, duration_minutes
                       FROM communication
                      WHERE patient_id = ?1 AND status = 'completed' AND sent_at >= ?2
                      ORDER BY sent_at",
                )?;
                let notes: Vec<(i64, String, NoteHeader)> = stmt
                    .query_map(params![encounter.patient_id, from], |r| {
                        Ok((
                            r.get::<_, i64>(0)?,
                            r.get::<_, String>(1)?,
                            (
                                r.get::<_, String>(2)?,
                                r.get::<_, String>(3)?,
                                r.get::<_, String>(4)?,
                                r.get::<_, String>(5)?,
                                r.get::<_, Option<i64>>(6)?,
                            ),
                        ))
                    })?
                    .filter_map(|row| {
                        let (id, sent, (m, d, p, o, minutes)) = row.ok()?;
                        let header = NoteHeader {
                            method: crate::domain::note::Method::from_code(&m)?,
                            direction: crate::domain::note::Direction::from_code(&d)?,
                            party: crate::domain::note::Party::from_code(&p)?,
                            outcome: crate::domain::note::Outcome::from_code(&o)?,
                            minutes: minutes.unwrap_or(0).max(0) as u32,
                        };
                        Some((id, sent, header))
                    })
                    .collect();
                drop(stmt);
                for (note_id, sent, header) in notes {
                    let Some(at) = super::caseload::parse_instant(&sent) else {
                        continue;
                    };
                    let on = rules.clock.local_date(at);
                    if transitions::contact_meets(due, on, &header) {
                        self.meet_clock(clock_id, on, &format!("note {note_id}"))?;
                        break;
                    }
                }
            }
            // Medication reconciliation is met by the record's stamp (`R`).
            MetBy::Stamp if due.kind == ClockKind::MedRec => {
                let on: Option<String> = self.conn().query_row(
                    "SELECT medications_reconciled_on FROM patient WHERE id = ?1",
                    [encounter.patient_id],
                    |r| r.get(0),
                )?;
                if let Some(on) = on.as_deref().and_then(parse_date) {
                    if on >= due.opens_on {
                        self.meet_clock(clock_id, on, "medications reconciled")?;
                    }
                }
            }
            MetBy::Stamp | MetBy::Arrival => {}
        }
        Ok(())
    }
}
