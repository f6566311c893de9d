//! Encounters and the clocks of transitions of care.
//!
//! An encounter is written (by hand, or by a feed's message) in one
//! transaction with everything that follows from it: its diagnoses, whether
//! it is a readmission, and its clocks. The clocks are brought in line with
//! the rules (`domain::transitions::clocks_for`) after every change of the
//! encounter, so an update, a class change or a cancellation needs no rule
//! of its own: a clock the encounter no longer calls for is voided (never
//! deleted, audited with why), a new one is added with its task, and one
//! whose window moved is moved. Each clock is met by the event that meets
//! it (a signed contact, a recorded visit, the medication reconciliation
//! stamp, a stamp on its task), and the evidence already on file is looked
//! for when a clock is added, so a visit recorded before the discharge
//! message arrived still counts.

use chrono::{NaiveDate, NaiveDateTime};
use rusqlite::{params, OptionalExtension};

use super::caseload::parse_date;
use super::clocks::ClockChanges;
use super::write::utc_text;
use super::{AuditAction, Store, StoreError, Tx};
use crate::domain::business_days::Calendar;
use crate::domain::encounter::{
    Complexity, Diagnosis, Disposition, Encounter, EncounterClass, EncounterStatus, ProviderKind,
};
use crate::domain::role::Right;

use crate::domain::transitions::{self, ClockKind, ClockState};

/// How wall-clock times of encounters are stored.
const WALL_CLOCK: &str = "%Y-%m-%dT%H:%M:%S";

pub(crate) fn wall_text(at: NaiveDateTime) -> String {
    at.format(WALL_CLOCK).to_string()
}

pub(crate) fn parse_wall(text: &str) -> Option<NaiveDateTime> {
    NaiveDateTime::parse_from_str(text, WALL_CLOCK).ok()
}

/// An encounter as the patient pane and the transitions view show it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct EncounterRow {
    pub encounter: Encounter,
    /// The earlier stay this admission came within 30 days of (HEDIS PCR).
    pub readmission_of: Option<i64>,
    /// Whether it came from a feed (rather than entered by hand).
    pub from_feed: bool,
}

/// What is known of an encounter before it is stored: the encounter
/// without its ids, and where it came from.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct NewEncounter {
    pub patient_id: i64,
    pub class: EncounterClass,
    pub status: EncounterStatus,
    pub facility: String,
    pub started_at: NaiveDateTime,
    pub ended_at: Option<NaiveDateTime>,
    pub disposition: Option<Disposition>,
    /// The disposition's code as a feed sent it.
    pub disposition_code: Option<String>,
    pub complexity: Complexity,
    pub provider: Option<ProviderKind>,
    pub diagnoses: Vec<Diagnosis>,
}

/// One clock, with its state today.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ClockRow {
    pub id: i64,
    pub encounter_id: i64,
    pub patient_id: i64,
    pub kind: ClockKind,
    pub opens_on: NaiveDate,
    pub due_on: NaiveDate,
    pub task_id: Option<i64>,
    pub met_on: Option<NaiveDate>,
    pub met_by: Option<String>,
    pub state: ClockState,
}

/// What the clocks are counted by: the business-day calendar and the
/// clock of "today" (whose offset also turns a note's stored instant into
/// the coordinator's calendar date).
#[derive(Debug, Clone)]
pub(crate) struct Rules {
    pub calendar: Calendar,
    pub clock: crate::clock::Clock,
    /// The day the event reached tend, when not today: the generator's
    /// history, whose notices came when their events happened.
    pub arrived_on: Option<NaiveDate>,
}

impl Rules {
    pub(super) fn today(&self) -> NaiveDate {
        self.clock.today()
    }

    /// The day the event being applied reached tend.
    pub(super) fn arrival(&self) -> NaiveDate {
        self.arrived_on.unwrap_or_else(|| self.today())
    }
}

pub(super) const ENCOUNTER_COLUMNS: &str =
    "e.id, e.patient_id, e.class, e.status, e.facility, e.started_at,
    e.ended_at, e.disposition, e.complexity, e.provider, e.readmission_of, e.source_system";

pub(super) fn read_encounter(
    conn: &rusqlite::Connection,
    row: &rusqlite::Row<'_>,
) -> rusqlite::Result<EncounterRow> {
    let id: i64 = row.get(0)?;
    let text = |i: usize| -> rusqlite::Result<String> { row.get(i) };
    let bad = |i: usize, what: &str| {
        rusqlite::Error::FromSqlConversionFailure(
            i,
            rusqlite::types::Type::Text,
            format!("encounter {id}: {what} is not one tend knows").into(),
        )
    };
    let class = EncounterClass::from_code(&text(2)?).ok_or_else(|| bad(2, "class"))?;
    let status = EncounterStatus::from_code(&text(3)?).ok_or_else(|| bad(3, "status"))?;
    let started_at = parse_wall(&text(5)?).ok_or_else(|| bad(5, "start"))?;
    let ended_at: Option<String> = row.get(6)?;
    let disposition: Option<String> = row.get(7)?;
    let provider: Option<String> = row.get(9)?;
    let source: Option<String> = row.get(11)?;
    Ok(EncounterRow {
        encounter: Encounter {
            id,
            patient_id: row.get(1)?,
            class,
            status,
            facility: text(4)?,
            started_at,
            ended_at: ended_at.as_deref().and_then(parse_wall),
            disposition: disposition.as_deref().and_then(Disposition::from_code),
            complexity: Complexity::from_code(&text(8)?).unwrap_or(Complexity::Moderate),
            provider: provider.as_deref().and_then(ProviderKind::from_code),
            diagnoses: diagnoses_of(conn, id)?,
        },
        readmission_of: row.get(10)?,
        from_feed: source.is_some(),
    })
}

fn diagnoses_of(
    conn: &rusqlite::Connection,
    encounter_id: i64,
) -> rusqlite::Result<Vec<Diagnosis>> {
    let mut stmt = conn.prepare_cached(
        "SELECT code, display FROM encounter_diagnosis WHERE encounter_id = ?1 ORDER BY rank",
    )?;
    let rows = stmt.query_map([encounter_id], |r| {
        Ok(Diagnosis {
            code: r.get(0)?,
            display: r.get(1)?,
        })
    })?;
    rows.collect()
}

pub(super) const CLOCK_COLUMNS: &str =
    "c.id, c.encounter_id, c.patient_id, c.kind, c.opens_on, c.due_on,
    c.task_id, c.met_on, c.met_by, c.voided_at";

pub(super) fn read_clock(
    row: &rusqlite::Row<'_>,
    today: NaiveDate,
    calendar: &Calendar,
) -> rusqlite::Result<ClockRow> {
    let id: i64 = row.get(0)?;
    let bad = |i: usize, what: &str| {
        rusqlite::Error::FromSqlConversionFailure(
            i,
            rusqlite::types::Type::Text,
            format!("clock {id}: {what} cannot be read").into(),
        )
    };
    let kind_code: String = row.get(3)?;
    let kind = ClockKind::from_code(&kind_code).ok_or_else(|| bad(3, "kind"))?;
    let date = |i: usize| -> rusqlite::Result<NaiveDate> {
        let text: String = row.get(i)?;
        parse_date(&text).ok_or_else(|| bad(i, "date"))
    };
    let opens_on = date(4)?;
    let due_on = date(5)?;
    let met_on: Option<String> = row.get(7)?;
    let met_on = met_on.as_deref().and_then(parse_date);
    let voided: Option<String> = row.get(9)?;
    Ok(ClockRow {
        id,
        encounter_id: row.get(1)?,
        patient_id: row.get(2)?,
        kind,
        opens_on,
        due_on,
        task_id: row.get(6)?,
        met_on,
        met_by: row.get(8)?,
        state: transitions::state(kind, due_on, met_on, voided.is_some(), today, calendar),
    })
}

impl Store {
    /// The rules' business-day calendar (federal holidays, and the
    /// program's own from the config).
    pub fn calendar(&self) -> &Calendar {
        &self.calendar
    }

    pub fn set_calendar(&mut self, calendar: Calendar) {
        self.calendar = calendar;
    }

    /// How long each closed loop waits before its next step is due.
    pub fn set_loop_settings(&mut self, loops: crate::domain::loops::LoopSettings) {
        self.loops = loops;
    }

    pub fn loop_settings(&self) -> &crate::domain::loops::LoopSettings {
        &self.loops
    }

    pub(crate) fn rules(&self) -> Rules {
        Rules {
            calendar: self.calendar.clone(),
            clock: self.clock,
            arrived_on: None,
        }
    }

    /// The patient's latest encounters, newest first.
    pub fn encounters(
        &self,
        patient_id: i64,
        limit: usize,
    ) -> Result<Vec<EncounterRow>, StoreError> {
        self.require_reach(patient_id)?;
        let sql = format!(
            "SELECT {ENCOUNTER_COLUMNS} FROM encounter e
              WHERE e.patient_id = ?1 ORDER BY e.started_at DESC, e.id DESC LIMIT ?2"
        );
        let conn = self.conn();
        let mut stmt = conn.prepare_cached(&sql)?;
        let rows = stmt.query_map(params![patient_id, limit as i64], |r| {
            read_encounter(conn, r)
        })?;
        Ok(rows.collect::<Result<_, _>>()?)
    }

    pub fn encounter(&self, id: i64) -> Result<Option<EncounterRow>, StoreError> {
        let sql = format!("SELECT {ENCOUNTER_COLUMNS} FROM encounter e WHERE e.id = ?1");
        let conn = self.conn();
        let row = conn
            .prepare_cached(&sql)?
            .query_row([id], |r| read_encounter(conn, r))
            .optional()?;
        if let Some(row) = &row {
            self.require_reach(row.encounter.patient_id)?;
        }
        Ok(row)
    }

    /// The patient's clocks (voided ones too), nearest deadline first.
    pub fn patient_clocks(&self, patient_id: i64) -> Result<Vec<ClockRow>, StoreError> {
        self.require_reach(patient_id)?;
        let sql = format!(
            "SELECT {CLOCK_COLUMNS} FROM transition_clock c
              WHERE c.patient_id = ?1 ORDER BY c.due_on, c.id"
        );
        let today = self.clock.today();
        let mut stmt = self.conn().prepare_cached(&sql)?;
        let rows = stmt.query_map([patient_id], |r| read_clock(r, today, &self.calendar))?;
        Ok(rows.collect::<Result<_, _>>()?)
    }

    /// Records an encounter entered by hand on the patient, with its clocks
    /// and (for a follow-up visit) the clocks it meets.
    pub fn add_encounter(&mut self, new: &NewEncounter) -> Result<i64, StoreError> {
        self.require(Right::WriteCharts)?;
        self.require_reach(new.patient_id)?;
        check_times(new, self.clock.today())?;
        let rules = self.rules();
        self.write(|tx| {
            let id = tx.insert_encounter(None, new, None, None)?;
            tx.audit(
                AuditAction::Create,
                "Encounter",
                Some(id),
                Some(new.patient_id),
                Some(&format!("{} entered by hand", new.class.code())),
            )?;
            tx.encounter_changed(id, &rules, "entered by hand")?;
            Ok(id)
        })
    }

    /// Sets the transitional care complexity of a stay (which sets how soon
    /// its face-to-face visit is due).
    pub fn set_complexity(
        &mut self,
        encounter_id: i64,
        complexity: Complexity,
    ) -> Result<(), StoreError> {
        self.require(Right::WriteCharts)?;
        let Some(row) = self.encounter(encounter_id)? else {
            return Err(StoreError::Refused(format!(
                "encounter {encounter_id} is not there"
            )));
        };
        let rules = self.rules();
        self.write(|tx| {
            tx.conn().execute(
                "UPDATE encounter SET complexity = ?2, version = version + 1, updated_at = ?3
                  WHERE id = ?1",
                params![encounter_id, complexity.code(), utc_text(tx.now())],
            )?;
            tx.audit(
                AuditAction::Update,
                "Encounter",
                Some(encounter_id),
                Some(row.encounter.patient_id),
                Some(&format!("complexity {}", complexity.code())),
            )?;
            tx.encounter_changed(encounter_id, &rules, "complexity changed")?;
            Ok(())
        })
    }
}

/// How far from today an encounter's times may be: a feed's backlog may
/// be years old, and an admission may be booked a few weeks ahead; a time
/// outside is a mistake (a year typed wrong, 99991231 for "unknown") that
/// would make a clock due in another century.
const YEARS_BACK: i64 = 10;
const DAYS_AHEAD: i64 = 31;

/// Refuses encounter times that cannot be right, naming which.
pub(crate) fn check_plausible(
    started_at: NaiveDateTime,
    ended_at: Option<NaiveDateTime>,
    today: NaiveDate,
) -> Result<(), StoreError> {
    let earliest = today - chrono::Duration::days(YEARS_BACK * 366);
    let latest = today + chrono::Duration::days(DAYS_AHEAD);
    for (what, at) in [
        ("start (admission, PV1-44)", Some(started_at)),
        ("end (discharge, PV1-45)", ended_at),
    ] {
        if let Some(at) = at {
            if at.date() < earliest || at.date() > latest {
                return Err(StoreError::Refused(format!(
                    "the encounter's {what} is more than {YEARS_BACK} years back or \
                     {DAYS_AHEAD} days ahead; nothing was recorded"
                )));
            }
        }
    }
    Ok(())
}

fn check_times(new: &NewEncounter, today: NaiveDate) -> Result<(), StoreError> {
    check_plausible(new.started_at, new.ended_at, today)?;
    if let Some(end) = new.ended_at {
        if end < new.started_at {
            return Err(StoreError::Refused(
                "the encounter cannot end before it starts; nothing was recorded".into(),
            ));
        }
    }
    if new.facility.trim().is_empty() {
        return Err(StoreError::Refused(
            "say where the encounter was (the facility); nothing was recorded".into(),
        ));
    }
    Ok(())
}

impl Tx<'_> {
    /// Inserts an encounter and its diagnoses, as `id` (a FHIR import
    /// keeps the bundle's ids) or a new one; `system` and `visit` are the
    /// feed's sending system and visit number, when it came from one.
    pub(crate) fn insert_encounter(
        &mut self,
        id: Option<i64>,
        new: &NewEncounter,
        system: Option<&str>,
        visit: Option<&str>,
    ) -> Result<i64, StoreError> {
        let now = utc_text(self.now());
        self.conn()
            .prepare_cached(
                "INSERT INTO encounter (id, patient_id, class, status, facility, started_at,
                   ended_at, disposition, disposition_code, complexity, provider,
                   source_system, source_visit, recorded_at, updated_at)
                 VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13, ?14, ?14)",
            )?
            .execute(params![
                id,
                new.patient_id,
                new.class.code(),
                new.status.code(),
                new.facility,
                wall_text(new.started_at),
                new.ended_at.map(wall_text),
                new.disposition.map(|d| d.code()),
                new.disposition_code,
                new.complexity.code(),
                new.provider.map(|p| p.code()),
                system,
                visit,
                now,
            ])?;
        let id = self.conn().last_insert_rowid();
        self.set_diagnoses(id, &new.diagnoses)?;
        Ok(id)
    }

    /// Replaces an encounter's fields with what a later message says.
    pub(crate) fn update_encounter(
        &mut self,
        id: i64,
        new: &NewEncounter,
    ) -> Result<(), StoreError> {
        self.conn()
            .prepare_cached(
                "UPDATE encounter SET class = ?2, status = ?3, facility = ?4, started_at = ?5,
                   ended_at = ?6, disposition = ?7,
                   disposition_code = coalesce(?8, disposition_code), provider = ?9,
                   version = version + 1, updated_at = ?10
                 WHERE id = ?1",
            )?
            .execute(params![
                id,
                new.class.code(),
                new.status.code(),
                new.facility,
                wall_text(new.started_at),
                new.ended_at.map(wall_text),
                new.disposition.map(|d| d.code()),
                new.disposition_code,
                new.provider.map(|p| p.code()),
                utc_text(self.now()),
            ])?;
        if !new.diagnoses.is_empty() {
            self.set_diagnoses(id, &new.diagnoses)?;
        }
        Ok(())
    }

    fn set_diagnoses(&mut self, id: i64, diagnoses: &[Diagnosis]) -> Result<(), StoreError> {
        self.conn().execute(
            "DELETE FROM encounter_diagnosis WHERE encounter_id = ?1",
            [id],
        )?;
        let mut insert = self.conn().prepare_cached(
            "INSERT INTO encounter_diagnosis (encounter_id, rank, code, display) VALUES (?1, ?2, ?3, ?4)",
        )?;
        for (rank, d) in diagnoses.iter().enumerate() {
            insert.execute(params![id, rank as i64 + 1, d.code, d.display])?;
        }
        Ok(())
    }

    pub(crate) fn load_encounter(&self, id: i64) -> Result<Encounter, StoreError> {
        let sql = format!("SELECT {ENCOUNTER_COLUMNS} FROM encounter e WHERE e.id = ?1");
        let conn = self.conn();
        Ok(conn
            .prepare_cached(&sql)?
            .query_row([id], |r| read_encounter(conn, r))?
            .encounter)
    }

    /// Everything that follows from an encounter's being added or changed:
    /// whether it is a readmission, its clocks brought in line with the
    /// rules, and (for a follow-up visit) the clocks it meets.
    pub(crate) fn encounter_changed(
        &mut self,
        id: i64,
        rules: &Rules,
        why: &str,
    ) -> Result<ClockChanges, StoreError> {
        let encounter = self.load_encounter(id)?;
        self.mark_readmission(&encounter)?;
        if encounter.class.is_stay() || encounter.status == EncounterStatus::Cancelled {
            self.mark_later_admissions(&encounter)?;
        }
        let changes = self.reconcile_clocks(&encounter, rules, why)?;
        if encounter.class.is_stay() {
            self.reconsider_emergency_visits(&encounter, rules)?;
        }
        if encounter.class == EncounterClass::Outpatient
            && encounter.status != EncounterStatus::Cancelled
        {
            self.meet_visit_clocks(&encounter)?;
        } else {
            self.unmeet_by_visit(&encounter)?;
        }
        Ok(changes)
    }

    /// The admissions of the 31 days after this stay ended have their
    /// readmission mark set again: a stay cancelled, undischarged or
    /// discharged late changes whether they came within 30 days of it.
    fn mark_later_admissions(&mut self, stay: &Encounter) -> Result<(), StoreError> {
        let end = stay.ended_at.unwrap_or(stay.started_at);
        let until = wall_text(end + chrono::Duration::days(32));
        let ids: Vec<i64> = self
            .conn()
            .prepare_cached(
                "SELECT id FROM encounter
                  WHERE patient_id = ?1 AND id != ?2 AND class = 'inpatient'
                    AND started_at >= ?3 AND started_at <= ?4",
            )?
            .query_map(
                params![stay.patient_id, stay.id, wall_text(stay.started_at), until],
                |r| r.get(0),
            )?
            .collect::<Result<_, _>>()?;
        for id in ids {
            let admission = self.load_encounter(id)?;
            self.mark_readmission(&admission)?;
        }
        Ok(())
    }

    /// Sets (or clears) `readmission_of`: an inpatient admission within 30
    /// days of an earlier inpatient discharge of the same patient.
    fn mark_readmission(&mut self, admission: &Encounter) -> Result<(), StoreError> {
        let mut found = None;
        if admission.class == EncounterClass::Inpatient
            && admission.status != EncounterStatus::Cancelled
        {
            let sql = format!(
                "SELECT {ENCOUNTER_COLUMNS} FROM encounter e
                  WHERE e.patient_id = ?1 AND e.id != ?2 AND e.class = 'inpatient'
                    AND e.status = 'finished' AND e.ended_at IS NOT NULL
                    AND e.ended_at <= ?3 AND e.ended_at >= ?4
                  ORDER BY e.ended_at DESC"
            );
            let from = wall_text(
                (admission.started_on() - chrono::Duration::days(31))
                    .and_hms_opt(0, 0, 0)
                    .unwrap_or(admission.started_at),
            );
            let conn = self.conn();
            let mut stmt = conn.prepare_cached(&sql)?;
            let priors = stmt.query_map(
                params![
                    admission.patient_id,
                    admission.id,
                    wall_text(admission.started_at),
                    from
                ],
                |r| read_encounter(conn, r),
            )?;
            for prior in priors {
                let prior = prior?;
                if transitions::is_readmission(&prior.encounter, admission) {
                    found = Some(prior.encounter.id);
                    break;
                }
            }
        }
        self.conn().execute(
            "UPDATE encounter SET readmission_of = ?2 WHERE id = ?1 AND readmission_of IS NOT ?2",
            params![admission.id, found],
        )?;
        Ok(())
    }
}
