//! Who the signed-in user is on this database, and which patients are in
//! their reach: the one place every read of patients asks.
//!
//! A database where nobody has a role yet is one person's own (made by
//! `tend gen`, `tend demo`, or a coordinator working alone): its user sees
//! and does everything, as before roles existed. Once an admin is added
//! (`tend admin user add`), the database is a team's, and every login must
//! be an active user of it. Then a coordinator reaches the patients held by
//! anyone in their teams, and those of whoever they cover today; a
//! supervisor also those nobody holds yet; an admin everyone; an auditor no
//! patient at all. A patient outside that is reached only by breaking the
//! glass ([`Store::break_glass`]), for a while, for a stated reason — or
//! while the user has a note of theirs unsigned: a call noted under cover
//! or broken glass is never lost, nor kept from being signed, because the
//! cover ended or the glass closed while it was being written.
//!
//! The reach is SQL, not a list of ids read once: cover ends by itself
//! and glass closes by itself, in a screen left open all day, because every
//! query asks with the clock's present moment.

use rusqlite::{params, types::Value, OptionalExtension};

use super::{utc_text, write::date_text, Store, StoreError};
use crate::domain::role::{Right, Role};

/// How the reach is written in SQL (see [`Store::reach_set`]).
#[derive(Clone, Copy)]
enum Form {
    PerRow,
    Set,
}

/// How the user of this session stands on the database.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub enum Access {
    /// Nobody has a role on this database: it is its user's own.
    #[default]
    Own,
    /// An active user of a team's database.
    User { id: i64, role: Role },
    /// Someone who is not (or no longer) an active user of this team's
    /// database: they reach nothing and may do nothing.
    Outsider { login: String },
}

impl Access {
    pub fn role(&self) -> Option<Role> {
        match self {
            Access::Own | Access::Outsider { .. } => None,
            Access::User { role, .. } => Some(*role),
        }
    }
}

impl Store {
    pub fn access(&self) -> &Access {
        &self.access
    }

    /// Signs the session's user in: on a team's database they must be an
    /// active user (one sentence otherwise, naming only their own login).
    ///
    /// Asked again whenever it may have changed (an admin deactivating
    /// them meanwhile): until it answers, and whenever it refuses, the
    /// session reaches nothing.
    pub fn sign_in(&mut self) -> Result<&Access, StoreError> {
        self.access = Access::Outsider {
            login: self.agent.clone(),
        };
        self.access = access_in(self.conn(), &self.agent)?;
        Ok(&self.access)
    }

    /// Whether anyone has a role here: then the database is a team's.
    pub fn is_team_database(&self) -> Result<bool, StoreError> {
        is_team_database(self.conn())
    }

    /// Refuses, with a sentence and before anything is written, what the
    /// user's role may not do.
    pub fn require(&self, right: Right) -> Result<(), StoreError> {
        match &self.access {
            Access::User { role, .. } if !role.may(right) => {
                Err(StoreError::NotAllowed { role: *role, right })
            }
            Access::Outsider { login } => Err(StoreError::NotAUser {
                login: login.clone(),
            }),
            _ => Ok(()),
        }
    }

    /// An SQL condition on the patient table (as `p`) that holds for the
    /// patients in the user's reach now. Only integers and dates the store
    /// wrote itself are spliced in.
    pub(crate) fn reach(&self, p: &str) -> String {
        self.reach_as(p, Form::PerRow)
    }

    /// Like [`Store::reach`], as one set of patient ids made once a
    /// statement: for a name filter, which then meets it by rowid (1.4 ms
    /// for a coordinator's "kel" among 100,000 patients, where the
    /// conditions checked on each of the filter's 3,500 matches took
    /// 3.8 ms, and the window behind it 5.3 ms). Elsewhere the conditions
    /// row by row cost less: a list that is already narrow (mine, one
    /// patient) need not gather the whole team's ids first.
    pub(crate) fn reach_set(&self, p: &str) -> String {
        self.reach_as(p, Form::Set)
    }

    fn reach_as(&self, p: &str, form: Form) -> String {
        let (me, role) = match &self.access {
            Access::Own => return "1".into(),
            Access::Outsider { .. } => return "0".into(),
            Access::User { role, .. } if role.sees_everyone() => return "1".into(),
            Access::User { role, .. } if !role.may(Right::ReadCharts) => return "0".into(),
            Access::User { id, role } => (*id, *role),
        };
        let today = date_text(self.clock.today());
        // To the minute: the text of the statement (and so SQLite's cache
        // of prepared statements) changes once a minute, not every second.
        let now = utc_text({
            use chrono::DurationRound;
            let now = self.clock.now_utc();
            now.duration_trunc(chrono::TimeDelta::minutes(1))
                .unwrap_or(now)
        });
        let holders = format!(
            "SELECT {me}
             UNION SELECT b.practitioner_id FROM team_member a
                    JOIN team_member b ON b.team_id = a.team_id
                   WHERE a.practitioner_id = {me}
             UNION SELECT covered_id FROM coverage
                   WHERE covering_id = {me} AND '{today}' BETWEEN starts_on AND ends_on"
        );
        let glass = format!(
            "SELECT patient_id FROM glass WHERE practitioner_id = {me} AND until > '{now}'"
        );
        let drafts = format!(
            "SELECT patient_id FROM communication WHERE author_id = {me} AND status = 'preparation'"
        );
        let unassigned = role.may(Right::SeeUnassigned);
        match form {
            Form::PerRow => {
                let unassigned = if unassigned {
                    format!(" OR {p}.coordinator_id IS NULL")
                } else {
                    String::new()
                };
                format!(
                    "({p}.coordinator_id IN ({holders}) OR {p}.id IN ({glass}) \
                     OR {p}.id IN ({drafts}){unassigned})"
                )
            }
            Form::Set => {
                let unassigned = if unassigned {
                    "UNION SELECT id FROM patient WHERE coordinator_id IS NULL"
                } else {
                    ""
                };
                format!(
                    "{p}.id IN (SELECT id FROM patient WHERE coordinator_id IN ({holders}) \
                     {unassigned} UNION {glass} UNION {drafts})"
                )
            }
        }
    }

    /// An SQL condition that `column` (a practitioner id) is `user` or
    /// someone `user` covers today, with its parameters: "mine" in the
    /// caseload and in Today, covered work included.
    pub(crate) fn mine(&self, column: &str, user: &str) -> (String, Vec<Value>) {
        let sql = format!(
            "{column} IN (SELECT id FROM practitioner WHERE username = ?
                 UNION SELECT c.covered_id FROM coverage c
                        JOIN practitioner me ON me.id = c.covering_id
                       WHERE me.username = ? AND ? BETWEEN c.starts_on AND c.ends_on)"
        );
        let today = date_text(self.clock.today());
        let values = vec![
            Value::Text(user.to_string()),
            Value::Text(user.to_string()),
            Value::Text(today),
        ];
        (sql, values)
    }

    /// Whether the patient is in the user's reach now.
    pub fn in_reach(&self, patient_id: i64) -> Result<bool, StoreError> {
        let sql = format!(
            "SELECT EXISTS (SELECT 1 FROM patient p WHERE p.id = ?1 AND {})",
            self.reach("p")
        );
        Ok(self
            .conn()
            .prepare_cached(&sql)?
            .query_row(params![patient_id], |r| r.get(0))?)
    }

    /// Refuses a patient outside the user's reach with a sentence saying
    /// how to reach them (breaking the glass), before anything is read.
    pub fn require_reach(&self, patient_id: i64) -> Result<(), StoreError> {
        self.require(Right::ReadCharts)?;
        if self.in_reach(patient_id)? {
            Ok(())
        } else {
            Err(StoreError::OutOfReach)
        }
    }
}

/// How `login` stands on the database at `path`, read without changing the
/// file (no upgrade, no write): for commands that read it without the
/// store (`tend check`, `tend audit verify`).
pub fn access_of_file(path: &std::path::Path, login: &str) -> Result<Access, StoreError> {
    let conn = super::key::connect(
        path,
        rusqlite::OpenFlags::SQLITE_OPEN_READ_ONLY | rusqlite::OpenFlags::SQLITE_OPEN_NO_MUTEX,
    )?;
    let has_roles: bool = conn.query_row(
        "SELECT EXISTS (SELECT 1 FROM pragma_table_info('practitioner') WHERE name = 'role')",
        [],
        |r| r.get(0),
    )?;
    if !has_roles {
        // Older than roles: one person's own.
        return Ok(Access::Own);
    }
    access_in(&conn, login)
}

fn is_team_database(conn: &rusqlite::Connection) -> Result<bool, StoreError> {
    Ok(conn.query_row(
        "SELECT EXISTS (SELECT 1 FROM practitioner WHERE role IS NOT NULL)",
        [],
        |r| r.get(0),
    )?)
}

/// How `login` stands on the database: its own when nobody has a role, an
/// active user's role, or a sentence.
fn access_in(conn: &rusqlite::Connection, login: &str) -> Result<Access, StoreError> {
    if !is_team_database(conn)? {
        return Ok(Access::Own);
    }
    let found: Option<(i64, Option<String>, bool)> = conn
        .prepare_cached("SELECT id, role, active FROM practitioner WHERE username = ?1")?
        .query_row([login], |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?)))
        .optional()?;
    let login = login.to_string();
    match found {
        Some((id, Some(role), true)) => {
            let role = Role::from_code(&role).ok_or(StoreError::NotAUser { login })?;
            Ok(Access::User { id, role })
        }
        Some((_, Some(_), false)) => Err(StoreError::Deactivated { login }),
        _ => Err(StoreError::NotAUser { login }),
    }
}
