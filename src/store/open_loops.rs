//! Reads across loops: the open loops of the user's patients (or the
//! team's), oldest first; a search of all loops by words; the week of
//! appointments; and the no-show counts (issue 17).
//!
//! Open means waiting on someone: a referral not closed, declined or
//! cancelled; a prior authorization not yet decided, or denied and not yet
//! appealed (approved and expired are decided); an appointment whose day
//! has passed with nobody saying whether the member went.

use chrono::{Duration, NaiveDate};
use rusqlite::types::Value;

use super::appointments::{read_appointment, WeekAppointment, APPOINTMENT_COLUMNS};
use super::caseload::{local_day, parse_date};
use super::encounters::wall_text;
use super::resource_search::fts_words;
use super::schema_v14::loop_index;
use super::write::date_text;
use super::{Store, StoreError};
use crate::domain::appointment::AppointmentStatus;
use crate::domain::authorization::AuthStatus;
use crate::domain::referral::ReferralStatus;
use crate::domain::role::Right;

/// The most rows the open-loops view reads of each kind: the oldest, as a
/// supervisor reads from the top.
pub const OPEN_LOOP_ROWS: usize = 300;

/// The most appointments the team's week reads: a statewide team's week
/// holds thousands, more than anyone reads down.
pub const WEEK_TEAM_ROWS: usize = 1000;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum LoopKind {
    Referral,
    Appointment,
    Authorization,
}

impl LoopKind {
    pub fn label(self) -> &'static str {
        match self {
            LoopKind::Referral => "referral",
            LoopKind::Appointment => "appointment",
            LoopKind::Authorization => "authorization",
        }
    }
}

/// One loop of the open-loops view or of a search.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct OpenLoop {
    pub kind: LoopKind,
    pub id: i64,
    pub patient_id: i64,
    pub patient_name: String,
    pub member_id: String,
    /// Who or what: the receiver, the appointment's provider, the item.
    pub what: String,
    /// The status, in words.
    pub status: String,
    /// When the loop started: referred, booked, asked.
    pub since: NaiveDate,
    pub next_due: Option<NaiveDate>,
}

/// Each kind's rows in one shape: kind, id, patient, what, status code,
/// since (an instant made, or an appointment's start), next due.
const REFERRALS: &str = "SELECT 'referral', r.id, r.patient_id, r.to_name, r.status,
        r.created_at,
        (SELECT t.due_on FROM task t WHERE t.id = r.task_id
            AND (t.status = 'requested' OR t.status = 'in-progress')),
        p.family_name, p.given_name, p.member_id, r.reason
   FROM referral r JOIN patient p ON p.id = r.patient_id";
const REFERRAL_OPEN: &str =
    "r.status != 'closed' AND r.status != 'declined' AND r.status != 'cancelled'";
const AUTHORIZATIONS: &str = "SELECT 'authorization', z.id, z.patient_id,
        z.item || ' (' || z.payer || ')', z.status, z.created_at,
        (SELECT t.due_on FROM task t WHERE t.id = z.task_id
            AND (t.status = 'requested' OR t.status = 'in-progress')),
        p.family_name, p.given_name, p.member_id, z.item_code
   FROM prior_auth z JOIN patient p ON p.id = z.patient_id";
const AUTHORIZATION_OPEN: &str = "z.status != 'approved' AND z.status != 'expired'";
const APPOINTMENTS: &str = "SELECT 'appointment', a.id, a.patient_id, a.with_whom, a.status,
        substr(a.starts_at, 1, 10),
        (SELECT t.due_on FROM task t WHERE t.id = a.task_id
            AND (t.status = 'requested' OR t.status = 'in-progress')),
        p.family_name, p.given_name, p.member_id, a.reason
   FROM appointment a JOIN patient p ON p.id = a.patient_id";

impl Store {
    /// The open loops of the user's patients (or the team's), oldest
    /// first. The team's reads at most [`OPEN_LOOP_ROWS`] of each kind,
    /// each through its index of open rows in age order.
    pub fn open_loops(&self, user: &str, team: bool) -> Result<Vec<OpenLoop>, StoreError> {
        self.require(Right::ReadCharts)?;
        let today = date_text(self.clock.today());
        let mut rows = Vec::new();
        let kinds: [(&str, String, &str); 3] = [
            (REFERRALS, REFERRAL_OPEN.to_string(), "r.created_at, r.id"),
            (
                AUTHORIZATIONS,
                AUTHORIZATION_OPEN.to_string(),
                "z.created_at, z.id",
            ),
            (
                APPOINTMENTS,
                "a.status = 'booked' AND a.starts_at < ?".into(),
                "a.starts_at, a.id",
            ),
        ];
        for (select, open, order) in kinds {
            let mut clauses = vec![open.clone()];
            let mut values: Vec<Value> = Vec::new();
            if open.contains('?') {
                values.push(today.clone().into());
            }
            self.narrow(&mut clauses, &mut values, user, team);
            let limit = if team {
                format!("LIMIT {OPEN_LOOP_ROWS}")
            } else {
                String::new()
            };
            let sql = format!(
                "{select} WHERE {} ORDER BY {order} {limit}",
                clauses.join(" AND ")
            );
            rows.extend(self.loop_rows(&sql, values)?);
        }
        rows.sort_by_key(|row| (row.since, row.kind as u8, row.id));
        Ok(rows)
    }

    /// Referrals, appointments and prior authorizations (open or not) of
    /// the patients the user reaches whose receiver, provider, place, item,
    /// payer, code, authorization number or reason has a word starting
    /// with each word typed; at most `limit` of each kind, the latest
    /// entered, shown newest first. Each kind read through its full-text
    /// index (schema version 14), from its newest entry down, so a common
    /// word stops at the limit.
    pub fn search_loops(&self, words: &str, limit: usize) -> Result<Vec<OpenLoop>, StoreError> {
        self.require(Right::ReadCharts)?;
        let Some(query) = fts_words(words) else {
            return Ok(Vec::new());
        };
        let kinds: [(&str, &str, &str); 3] = [
            (REFERRALS, "referral r", "r"),
            (AUTHORIZATIONS, "prior_auth z", "z"),
            (APPOINTMENTS, "appointment a", "a"),
        ];
        let mut rows = Vec::new();
        for (select, table, alias) in kinds {
            let name = table.split(' ').next().unwrap_or(table);
            let index = loop_index(name);
            let select = select.replacen(
                &format!("FROM {table}"),
                &format!("FROM {index} f JOIN {table} ON {alias}.id = f.rowid"),
                1,
            );
            let mut clauses = vec![format!("{index} MATCH ?")];
            let mut values: Vec<Value> = vec![query.clone().into()];
            self.narrow(&mut clauses, &mut values, "", true);
            let sql = format!(
                "{select} WHERE {} ORDER BY f.rowid DESC LIMIT {limit}",
                clauses.join(" AND ")
            );
            rows.extend(self.loop_rows(&sql, values)?);
        }
        rows.sort_by(|a, b| b.since.cmp(&a.since).then(a.id.cmp(&b.id)));
        Ok(rows)
    }

    /// The appointments of the user's patients (or the team's, at most
    /// [`WEEK_TEAM_ROWS`] of them, the earliest) in the seven days from
    /// `from`, by start.
    pub fn appointments_week(
        &self,
        user: &str,
        team: bool,
        from: NaiveDate,
    ) -> Result<Vec<WeekAppointment>, StoreError> {
        self.require(Right::ReadCharts)?;
        let start = from.and_hms_opt(0, 0, 0).unwrap_or_default();
        let mut clauses = vec!["a.starts_at >= ? AND a.starts_at < ?".to_string()];
        let mut values: Vec<Value> = vec![
            wall_text(start).into(),
            wall_text(start + Duration::days(7)).into(),
        ];
        self.narrow(&mut clauses, &mut values, user, team);
        let sql = format!(
            "SELECT {APPOINTMENT_COLUMNS}, p.family_name, p.given_name, p.member_id
               FROM appointment a JOIN patient p ON p.id = a.patient_id
              WHERE {} ORDER BY a.starts_at, a.id {}",
            clauses.join(" AND "),
            if team {
                format!("LIMIT {WEEK_TEAM_ROWS}")
            } else {
                String::new()
            }
        );
        let offset = self.offset();
        let mut stmt = self.conn().prepare_cached(&sql)?;
        let rows = stmt.query_map(rusqlite::params_from_iter(values), |r| {
            let family: String = r.get(21)?;
            let given: String = r.get(22)?;
            Ok(WeekAppointment {
                appointment: read_appointment(r, offset)?,
                patient_name: format!("{family}, {given}"),
                member_id: r.get(23)?,
            })
        })?;
        Ok(rows.collect::<Result<_, _>>()?)
    }

    /// How many of the patient's referrals and prior authorizations are
    /// open, as the open-loops view counts them: two counts through the
    /// patient's indexes, not the rows (the patient pane asks on every
    /// patient the caseload rests on).
    pub fn open_loop_counts(&self, patient_id: i64) -> Result<(usize, usize), StoreError> {
        self.require(Right::ReadCharts)?;
        self.require_reach(patient_id)?;
        let count = |sql: &str| -> Result<usize, StoreError> {
            let n: i64 = self
                .conn()
                .prepare_cached(sql)?
                .query_row([patient_id], |r| r.get(0))?;
            Ok(n as usize)
        };
        Ok((
            count(&format!(
                "SELECT count(*) FROM referral r WHERE r.patient_id = ?1 AND {REFERRAL_OPEN}"
            ))?,
            count(&format!(
                "SELECT count(*) FROM prior_auth z WHERE z.patient_id = ?1 AND {AUTHORIZATION_OPEN}"
            ))?,
        ))
    }

    /// Kept and missed appointments (rescheduled and cancelled do not
    /// count) of one patient, or of all the user's patients.
    pub fn no_show_counts(
        &self,
        patient_id: Option<i64>,
        user: &str,
    ) -> Result<(u32, u32), StoreError> {
        self.require(Right::ReadCharts)?;
        let mut clauses = vec!["(a.status = ? OR a.status = ?)".to_string()];
        let mut values: Vec<Value> = vec![
            AppointmentStatus::Kept.code().to_string().into(),
            AppointmentStatus::Missed.code().to_string().into(),
        ];
        match patient_id {
            Some(id) => {
                self.require_reach(id)?;
                clauses.push("a.patient_id = ?".into());
                values.push(id.into());
            }
            None => self.narrow(&mut clauses, &mut values, user, false),
        }
        let sql = format!(
            "SELECT a.status, count(*) FROM appointment a JOIN patient p ON p.id = a.patient_id
              WHERE {} GROUP BY a.status",
            clauses.join(" AND ")
        );
        let mut stmt = self.conn().prepare_cached(&sql)?;
        let counts: Vec<(String, i64)> = stmt
            .query_map(rusqlite::params_from_iter(values), |r| {
                Ok((r.get(0)?, r.get(1)?))
            })?
            .collect::<Result<_, _>>()?;
        let count = |s: AppointmentStatus| {
            counts
                .iter()
                .find(|(code, _)| code == s.code())
                .map_or(0, |(_, n)| *n as u32)
        };
        Ok((
            count(AppointmentStatus::Kept),
            count(AppointmentStatus::Missed),
        ))
    }

    /// Adds the conditions that keep to the patients the user reaches, and
    /// (unless `team`) to the user's own and those they cover.
    fn narrow(&self, clauses: &mut Vec<String>, values: &mut Vec<Value>, user: &str, team: bool) {
        let reach = self.reach("p");
        if reach != "1" {
            clauses.push(reach);
        }
        if !team {
            let (mine, mine_values) = self.mine("p.coordinator_id", user);
            clauses.push(mine);
            values.extend(mine_values);
        }
    }

    fn loop_rows(&self, sql: &str, values: Vec<Value>) -> Result<Vec<OpenLoop>, StoreError> {
        let offset = self.offset();
        let mut stmt = self.conn().prepare_cached(sql)?;
        let rows = stmt.query_map(rusqlite::params_from_iter(values), |r| {
            let kind: String = r.get(0)?;
            let status: String = r.get(4)?;
            let since: String = r.get(5)?;
            let due: Option<String> = r.get(6)?;
            let family: String = r.get(7)?;
            let given: String = r.get(8)?;
            let (kind, status) = match kind.as_str() {
                "referral" => (
                    LoopKind::Referral,
                    ReferralStatus::from_code(&status).map_or(status.clone(), |s| s.label().into()),
                ),
                "authorization" => (
                    LoopKind::Authorization,
                    AuthStatus::from_code(&status).map_or(status.clone(), |s| s.label().into()),
                ),
                _ => (
                    LoopKind::Appointment,
                    AppointmentStatus::from_code(&status)
                        .map_or(status.clone(), |s| s.label().into()),
                ),
            };
            Ok(OpenLoop {
                kind,
                id: r.get(1)?,
                patient_id: r.get(2)?,
                what: r.get(3)?,
                status,
                // An appointment's start is a wall time; the others' start
                // an instant, whose day is the coordinator's.
                since: match kind {
                    LoopKind::Appointment => since.get(..10).and_then(parse_date),
                    _ => local_day(&since, offset),
                }
                .unwrap_or_default(),
                next_due: due.as_deref().and_then(parse_date),
                patient_name: format!("{family}, {given}"),
                member_id: r.get(9)?,
            })
        })?;
        Ok(rows.collect::<Result<_, _>>()?)
    }
}
