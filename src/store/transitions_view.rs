//! The transitions view's reads: the clocks of a coordinator's patients
//! (or the team's) that are open, or were missed or met lately, with their
//! patient and their event.

use chrono::NaiveDate;

use super::encounters::{parse_wall, read_clock, ClockRow, CLOCK_COLUMNS};
use super::write::date_text;
use super::{Store, StoreError};
use crate::domain::encounter::EncounterClass;
use crate::domain::role::Right;

/// The most rows the team's transitions view reads of each state (open,
/// missed, met): the nearest deadlines, as a supervisor reads from the top.
pub const TRANSITION_ROWS: usize = 300;

/// One row of the transitions view: a clock, its patient and its event.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TransitionRow {
    pub clock: ClockRow,
    pub patient_name: String,
    pub member_id: String,
    pub class: EncounterClass,
    pub facility: String,
    /// The day the transition started: the discharge, or the visit.
    pub event_on: NaiveDate,
    pub readmission: bool,
}

impl Store {
    /// The transitions view: the clocks of the user's patients (or the
    /// team's) that are open, or were missed or met in the last
    /// `looking_back` days; open ones first, nearest deadline first, then
    /// the missed (met late among them), then the met. Voided clocks are
    /// not listed (the patient's own list keeps them).
    ///
    /// The team's view reads at most [`TRANSITION_ROWS`] of each of the
    /// three, each through its own index in deadline order: at 100,000
    /// patients the team holds some 70,000 clocks, and reading them all to
    /// sort them took 0.2 s on every `T`. Mine starts from the user's
    /// patients instead, which are few.
    pub fn transitions(
        &self,
        user: &str,
        team: bool,
        looking_back: i64,
    ) -> Result<Vec<TransitionRow>, StoreError> {
        self.require(Right::ReadCharts)?;
        let today = self.clock.today();
        let since = date_text(today - chrono::Duration::days(looking_back));
        let today_text = date_text(today);
        let reach = self.reach("p");
        let mut clauses = vec![];
        let mut values: Vec<rusqlite::types::Value> = vec![];
        if reach != "1" {
            clauses.push(reach);
        }
        if !team {
            let (mine, mine_values) = self.mine("p.coordinator_id", user);
            clauses.push(mine);
            values.extend(mine_values);
        }
        // Open; missed (unmet, or met after the deadline); met in time
        // within the window: each through its own index, in its own order
        // (the met, newest first, so the window's limit keeps the latest).
        // Each names ?1 (today) and ?2 (the window's first day), so the
        // user's parameters that follow are ?3 on in all of them.
        const OPEN: &str =
            "c.met_on IS NULL AND c.voided_at IS NULL AND c.due_on >= ?1 AND c.due_on >= ?2";
        const UNMET: &str =
            "c.met_on IS NULL AND c.voided_at IS NULL AND c.due_on < ?1 AND c.due_on >= ?2";
        const LATE: &str =
            "c.voided_at IS NULL AND c.met_on > c.due_on AND c.due_on < ?1 AND c.due_on >= ?2";
        const MET: &str = "c.voided_at IS NULL AND c.met_on IS NOT NULL AND c.met_on <= ?1
             AND c.met_on >= ?2 AND c.met_on <= c.due_on";
        let limit = if team {
            format!("LIMIT {TRANSITION_ROWS}")
        } else {
            String::new()
        };
        let read = |condition: &str, order: &str| -> Result<Vec<TransitionRow>, StoreError> {
            let mut all = vec![condition.to_string()];
            all.extend(clauses.iter().cloned());
            let sql = format!(
                "SELECT {CLOCK_COLUMNS}, p.family_name, p.given_name, p.member_id,
                        e.class, e.facility, e.started_at, e.ended_at, e.readmission_of
                   FROM transition_clock c
                   JOIN patient p ON p.id = c.patient_id
                   JOIN encounter e ON e.id = c.encounter_id
                  WHERE {}
                  ORDER BY {order} {limit}",
                all.join(" AND ")
            );
            let mut params: Vec<rusqlite::types::Value> =
                vec![today_text.clone().into(), since.clone().into()];
            params.extend(values.iter().cloned());
            self.transition_rows(&sql, params, today)
        };
        let by_deadline = |mut rows: Vec<TransitionRow>| {
            rows.sort_by_key(|row| (row.clock.due_on, row.clock.id));
            rows
        };
        let mut rows = read(OPEN, "c.due_on, c.id")?;
        let mut missed = read(UNMET, "c.due_on, c.id")?;
        missed.extend(read(LATE, "c.due_on, c.id")?);
        rows.extend(by_deadline(missed));
        rows.extend(by_deadline(read(MET, "c.met_on DESC, c.id")?));
        Ok(rows)
    }

    fn transition_rows(
        &self,
        sql: &str,
        params: Vec<rusqlite::types::Value>,
        today: NaiveDate,
    ) -> Result<Vec<TransitionRow>, StoreError> {
        let mut stmt = self.conn().prepare_cached(sql)?;
        let rows = stmt.query_map(rusqlite::params_from_iter(params), |r| {
            let clock = read_clock(r, today, &self.calendar)?;
            let family: String = r.get(10)?;
            let given: String = r.get(11)?;
            let class: String = r.get(13)?;
            let started: String = r.get(15)?;
            let ended: Option<String> = r.get(16)?;
            let readmission: Option<i64> = r.get(17)?;
            let class = EncounterClass::from_code(&class).unwrap_or(EncounterClass::Inpatient);
            let event_at = if class == EncounterClass::Emergency {
                parse_wall(&started)
            } else {
                ended
                    .as_deref()
                    .and_then(parse_wall)
                    .or_else(|| parse_wall(&started))
            };
            Ok(TransitionRow {
                clock,
                patient_name: format!("{family}, {given}"),
                member_id: r.get(12)?,
                class,
                facility: r.get(14)?,
                event_on: event_at.map(|t| t.date()).unwrap_or(today),
                readmission: readmission.is_some(),
            })
        })?;
        Ok(rows.collect::<Result<_, _>>()?)
    }
}
