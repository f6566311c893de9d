//! A team's users, their roles and teams, who covers whom, and records
//! opened by breaking the glass: each change one audited transaction, each
//! refused with a sentence when the user's role may not make it.

use chrono::{DateTime, Duration, NaiveDate, Utc};
use rusqlite::{params, OptionalExtension};

use super::caseload::{parse_date, parse_instant};
use super::reach::Access;
use super::write::{date_text, utc_text};
use super::{AuditAction, Store, StoreError, Tx};
use crate::domain::role::{Right, Role};

/// How long a patient opened by breaking the glass stays in reach: a
/// working day, after which the glass must be broken again.
pub const GLASS_OPEN_FOR: Duration = Duration::hours(8);

/// The fewest characters a stated reason may have.
pub const REASON_MIN_CHARS: usize = 5;

/// One user of a team's database.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct User {
    pub login: String,
    pub display_name: String,
    /// None for someone tend knows (an author, an owner) who is not a user.
    pub role: Option<Role>,
    pub active: bool,
    pub teams: Vec<String>,
}

/// One period of cover.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Cover {
    pub id: i64,
    pub covering: String,
    pub covered: String,
    pub starts_on: NaiveDate,
    pub ends_on: NaiveDate,
}

/// A record opened by breaking the glass.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct GlassOpened {
    pub id: i64,
    pub user: String,
    pub member_id: String,
    pub reason: String,
    pub opened_at: DateTime<Utc>,
    pub until: DateTime<Utc>,
    pub reviewed_by: Option<String>,
    pub review_note: Option<String>,
}

impl Store {
    /// Everyone tend knows here, by login, with their role and teams.
    pub fn users(&self) -> Result<Vec<User>, StoreError> {
        if self.require(Right::ManageUsers).is_err() {
            self.require(Right::SetCover)?;
        }
        let mut stmt = self.conn().prepare_cached(
            "SELECT p.username, p.display_name, p.role, p.active,
                    (SELECT group_concat(name, ',') FROM (
                        SELECT t.name FROM team_member m JOIN team t ON t.id = m.team_id
                         WHERE m.practitioner_id = p.id ORDER BY t.name))
               FROM practitioner p ORDER BY p.username",
        )?;
        let rows = stmt.query_map([], |r| {
            let role: Option<String> = r.get(2)?;
            let teams: Option<String> = r.get(4)?;
            Ok(User {
                login: r.get(0)?,
                display_name: r.get(1)?,
                role: role.as_deref().and_then(Role::from_code),
                active: r.get(3)?,
                teams: teams
                    .map(|t| t.split(',').map(str::to_string).collect())
                    .unwrap_or_default(),
            })
        })?;
        Ok(rows.collect::<Result<_, _>>()?)
    }

    /// Adds a user (or gives a role to someone tend already knows, an
    /// author or owner from before). On a database nobody has a role on
    /// yet, only its owner may, and the first user must be an admin: that
    /// makes it a team's database.
    pub fn add_user(
        &mut self,
        login: &str,
        display_name: &str,
        role: Role,
        teams: &[String],
    ) -> Result<(), StoreError> {
        self.require(Right::ManageUsers)?;
        if self.access == Access::Own {
            if role != Role::Admin {
                return Err(StoreError::Refused(format!(
                    "the first user of a database must be an admin (it makes the database a team's, and someone must manage it): add an admin first, for example `tend admin user add {} --role admin`",
                    self.agent
                )));
            }
            if !owns_file(&self.path) {
                return Err(StoreError::Refused(
                    "only the owner of this database file may add its first user".into(),
                ));
            }
        }
        let display = if display_name.trim().is_empty() {
            login
        } else {
            display_name.trim()
        };
        let was_own = self.access == Access::Own;
        self.write(|tx| {
            let existing: Option<Option<String>> = tx
                .conn()
                .prepare_cached("SELECT role FROM practitioner WHERE username = ?1")?
                .query_row([login], |r| r.get(0))
                .optional()?;
            if let Some(Some(role)) = existing {
                return Err(StoreError::Refused(format!(
                    "{login} is already a user here ({role}): change them with `tend admin user set`"
                )));
            }
            let id = tx.practitioner(login, display)?;
            tx.conn().execute(
                "UPDATE practitioner SET role = ?2, active = 1, display_name = ?3 WHERE id = ?1",
                params![id, role.code(), display],
            )?;
            set_teams(tx, id, teams)?;
            tx.audit(
                AuditAction::Create,
                "Practitioner",
                Some(id),
                None,
                Some(&format!(
                    "user added: {login} as {role}, teams: {}",
                    teams_text(teams)
                )),
            )
        })?;
        if was_own {
            // The database is a team's now: whoever added the first admin
            // goes on as the user they are here (root, adding someone else,
            // is nobody here now and reaches nothing).
            let signed = self.sign_in().map(|_| ());
            if login == self.agent {
                signed?;
            }
        }
        Ok(())
    }

    /// Changes a user's role, teams or display name (those given).
    pub fn set_user(
        &mut self,
        login: &str,
        role: Option<Role>,
        teams: Option<&[String]>,
        display_name: Option<&str>,
    ) -> Result<(), StoreError> {
        self.require(Right::ManageUsers)?;
        self.write(|tx| {
            let (id, old_role) = user_row(tx, login)?;
            let mut said = Vec::new();
            if let Some(role) = role {
                if old_role == Role::Admin && role != Role::Admin {
                    keeps_an_admin(tx, id)?;
                }
                tx.conn().execute(
                    "UPDATE practitioner SET role = ?2 WHERE id = ?1",
                    params![id, role.code()],
                )?;
                said.push(format!("role {old_role} → {role}"));
            }
            if let Some(teams) = teams {
                set_teams(tx, id, teams)?;
                said.push(format!("teams: {}", teams_text(teams)));
            }
            if let Some(name) = display_name.map(str::trim).filter(|n| !n.is_empty()) {
                tx.conn().execute(
                    "UPDATE practitioner SET display_name = ?2 WHERE id = ?1",
                    params![id, name],
                )?;
                said.push("display name changed".into());
            }
            if said.is_empty() {
                return Err(StoreError::Refused(
                    "nothing to change: give --role, --team or --name".into(),
                ));
            }
            tx.audit(
                AuditAction::Update,
                "Practitioner",
                Some(id),
                None,
                Some(&format!("user changed: {login}: {}", said.join("; "))),
            )
        })?;
        // The change is made; the session goes on as what it is now (a
        // user who changed their own role, or nobody if they deactivated
        // themselves).
        let _ = self.sign_in();
        Ok(())
    }

    /// Deactivates a user (they can no longer sign in; what they wrote
    /// stays theirs) or makes them active again.
    pub fn set_user_active(&mut self, login: &str, active: bool) -> Result<(), StoreError> {
        self.require(Right::ManageUsers)?;
        self.write(|tx| {
            let (id, role) = user_row(tx, login)?;
            if !active && role == Role::Admin {
                keeps_an_admin(tx, id)?;
            }
            tx.conn().execute(
                "UPDATE practitioner SET active = ?2 WHERE id = ?1",
                params![id, active],
            )?;
            let what = if active { "reactivated" } else { "deactivated" };
            tx.audit(
                AuditAction::Update,
                "Practitioner",
                Some(id),
                None,
                Some(&format!("user {what}: {login}")),
            )
        })?;
        // The change is made; the session goes on as what it is now (a
        // user who changed their own role, or nobody if they deactivated
        // themselves).
        let _ = self.sign_in();
        Ok(())
    }

    /// Puts `covered`'s patients and tasks in `covering`'s caseload and
    /// Today from `from` to `to` (both included). A supervisor may set
    /// cover between people of their own teams; an admin between anyone.
    pub fn add_cover(
        &mut self,
        covering: &str,
        covered: &str,
        from: NaiveDate,
        to: NaiveDate,
    ) -> Result<i64, StoreError> {
        self.require(Right::SetCover)?;
        if to < from {
            return Err(StoreError::Refused(format!(
                "cover cannot end ({to}) before it starts ({from})"
            )));
        }
        if to < self.clock.today() {
            return Err(StoreError::Refused(format!(
                "cover ending {to} would already be over"
            )));
        }
        if covering == covered {
            return Err(StoreError::Refused("nobody covers themselves".into()));
        }
        let access = self.access.clone();
        self.write(|tx| {
            let (covering_id, _) = user_row(tx, covering)?;
            let (covered_id, _) = user_row(tx, covered)?;
            if let Access::User {
                id: me,
                role: Role::Supervisor,
            } = access
            {
                for (who, id) in [(covering, covering_id), (covered, covered_id)] {
                    if !shares_a_team(tx, me, id)? {
                        return Err(StoreError::Refused(format!(
                            "{who} is not in one of your teams: an admin sets cover across teams"
                        )));
                    }
                }
            }
            tx.conn().execute(
                "INSERT INTO coverage (covering_id, covered_id, starts_on, ends_on)
                 VALUES (?1, ?2, ?3, ?4)",
                params![covering_id, covered_id, date_text(from), date_text(to)],
            )?;
            let id = tx.conn().last_insert_rowid();
            tx.audit(
                AuditAction::Create,
                "Coverage",
                Some(id),
                None,
                Some(&format!(
                    "cover: {covering} covers {covered} {from} to {to}"
                )),
            )?;
            Ok(id)
        })
    }

    /// Cover in force on `today` or yet to come, soonest first.
    pub fn covers(&self, today: NaiveDate) -> Result<Vec<Cover>, StoreError> {
        let mut stmt = self.conn().prepare_cached(
            "SELECT c.id, a.username, b.username, c.starts_on, c.ends_on
               FROM coverage c
               JOIN practitioner a ON a.id = c.covering_id
               JOIN practitioner b ON b.id = c.covered_id
              WHERE c.ends_on >= ?1 ORDER BY c.starts_on, c.id",
        )?;
        let rows = stmt.query_map([date_text(today)], |r| {
            let starts: String = r.get(3)?;
            let ends: String = r.get(4)?;
            Ok(Cover {
                id: r.get(0)?,
                covering: r.get(1)?,
                covered: r.get(2)?,
                starts_on: parse_date(&starts).unwrap_or_default(),
                ends_on: parse_date(&ends).unwrap_or_default(),
            })
        })?;
        Ok(rows.collect::<Result<_, _>>()?)
    }

    /// Whom `user` covers today, by login.
    pub fn covered_today(&self, user: &str) -> Result<Vec<String>, StoreError> {
        let mut stmt = self.conn().prepare_cached(
            "SELECT b.username FROM coverage c
               JOIN practitioner a ON a.id = c.covering_id
               JOIN practitioner b ON b.id = c.covered_id
              WHERE a.username = ?1 AND ?2 BETWEEN c.starts_on AND c.ends_on
              ORDER BY b.username",
        )?;
        let rows = stmt.query_map(params![user, date_text(self.clock.today())], |r| r.get(0))?;
        Ok(rows.collect::<Result<_, _>>()?)
    }

    /// Ends a period of cover early: it ended yesterday (or, not begun
    /// yet, never happens).
    pub fn end_cover(&mut self, id: i64) -> Result<(), StoreError> {
        self.require(Right::SetCover)?;
        let yesterday = self.clock.today().pred_opt().unwrap_or(self.clock.today());
        let access = self.access.clone();
        self.write(|tx| {
            let found: Option<(String, i64, i64)> = tx
                .conn()
                .query_row(
                    "SELECT starts_on, covering_id, covered_id FROM coverage WHERE id = ?1",
                    [id],
                    |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?)),
                )
                .optional()?;
            let Some((starts, covering, covered)) = found else {
                return Err(StoreError::Refused(format!(
                    "there is no cover numbered {id}"
                )));
            };
            if let Access::User {
                id: me,
                role: Role::Supervisor,
            } = access
            {
                if !shares_a_team(tx, me, covering)? || !shares_a_team(tx, me, covered)? {
                    return Err(StoreError::Refused(format!(
                        "cover {id} is not between people of your teams: an admin ends it"
                    )));
                }
            }
            if starts > date_text(yesterday) {
                tx.conn()
                    .execute("DELETE FROM coverage WHERE id = ?1", [id])?;
            } else {
                tx.conn().execute(
                    "UPDATE coverage SET ends_on = min(ends_on, ?2) WHERE id = ?1",
                    params![id, date_text(yesterday)],
                )?;
            }
            tx.audit(
                AuditAction::Update,
                "Coverage",
                Some(id),
                None,
                Some("cover ended early"),
            )
        })
    }

    /// Opens a patient outside the user's reach for a stated reason: in
    /// reach for [`GLASS_OPEN_FOR`], audited, and listed for review. A
    /// patient already in reach needs no glass broken: None.
    pub fn break_glass(
        &mut self,
        patient_id: i64,
        reason: &str,
    ) -> Result<Option<DateTime<Utc>>, StoreError> {
        self.require(Right::ReadCharts)?;
        let reason = reason.trim();
        if reason.chars().count() < REASON_MIN_CHARS {
            return Err(StoreError::Refused(format!(
                "say why you open this record (at least {REASON_MIN_CHARS} characters): your supervisor reads it"
            )));
        }
        if self.in_reach(patient_id)? {
            return Ok(None);
        }
        let Access::User { id: me, .. } = self.access else {
            return Ok(None);
        };
        let until = self.clock.now_utc() + GLASS_OPEN_FOR;
        self.write(|tx| {
            let now = tx.now();
            tx.conn().execute(
                "INSERT INTO glass (practitioner_id, patient_id, reason, opened_at, until)
                 VALUES (?1, ?2, ?3, ?4, ?5)",
                params![me, patient_id, reason, utc_text(now), utc_text(until)],
            )?;
            let id = tx.conn().last_insert_rowid();
            tx.audit(
                AuditAction::Read,
                "Patient",
                Some(patient_id),
                Some(patient_id),
                Some(&format!("break the glass #{id}: {reason}")),
            )?;
            Ok(Some(until))
        })
    }

    /// Records opened by breaking the glass: those not yet reviewed, or
    /// all of them; a supervisor sees those of their teams' people.
    pub fn glass_opened(&self, all: bool) -> Result<Vec<GlassOpened>, StoreError> {
        self.require(Right::ReviewGlass)?;
        // Nobody reviews their own; a supervisor those of their teams.
        let whose = match &self.access {
            Access::User {
                id,
                role: Role::Supervisor,
            } => format!(
                "g.practitioner_id != {id} AND g.practitioner_id IN (
                   SELECT b.practitioner_id FROM team_member a
                     JOIN team_member b ON b.team_id = a.team_id WHERE a.practitioner_id = {id})"
            ),
            Access::User { id, .. } => format!("g.practitioner_id != {id}"),
            _ => "1".into(),
        };
        let unreviewed = if all { "1" } else { "g.reviewed_at IS NULL" };
        let mut stmt = self.conn().prepare(&format!(
            "SELECT g.id, u.username, p.member_id, g.reason, g.opened_at, g.until,
                    (SELECT username FROM practitioner r WHERE r.id = g.reviewed_by),
                    g.review_note
               FROM glass g
               JOIN practitioner u ON u.id = g.practitioner_id
               JOIN patient p ON p.id = g.patient_id
              WHERE {whose} AND {unreviewed} ORDER BY g.opened_at, g.id"
        ))?;
        let rows = stmt.query_map([], |r| {
            let opened: String = r.get(4)?;
            let until: String = r.get(5)?;
            Ok(GlassOpened {
                id: r.get(0)?,
                user: r.get(1)?,
                member_id: r.get(2)?,
                reason: r.get(3)?,
                opened_at: parse_instant(&opened).unwrap_or_default(),
                until: parse_instant(&until).unwrap_or_default(),
                reviewed_by: r.get(6)?,
                review_note: r.get(7)?,
            })
        })?;
        Ok(rows.collect::<Result<_, _>>()?)
    }

    /// Marks a record opened by breaking the glass as reviewed, with what
    /// the reviewer concluded.
    pub fn review_glass(&mut self, id: i64, note: &str) -> Result<(), StoreError> {
        self.require(Right::ReviewGlass)?;
        if !self.glass_opened(true)?.iter().any(|g| g.id == id) {
            return Err(StoreError::Refused(format!(
                "there is no broken glass numbered {id} for you to review"
            )));
        }
        let Access::User { id: me, .. } = self.access else {
            return Err(StoreError::Refused(
                "glass is broken and reviewed only on a team's database".into(),
            ));
        };
        let note = note.trim().to_string();
        self.write(|tx| {
            let now = tx.now();
            let changed = tx.conn().execute(
                "UPDATE glass SET reviewed_by = ?2, reviewed_at = ?3, review_note = ?4
                  WHERE id = ?1 AND reviewed_at IS NULL",
                params![id, me, utc_text(now), note],
            )?;
            if changed == 0 {
                return Err(StoreError::Refused(format!(
                    "broken glass {id} has been reviewed already"
                )));
            }
            tx.audit(
                AuditAction::Update,
                "Glass",
                Some(id),
                None,
                Some(&format!("broken glass reviewed: {note}")),
            )
        })
    }
}

/// The id and role of a user (someone with a role) by login.
fn user_row(tx: &Tx<'_>, login: &str) -> Result<(i64, Role), StoreError> {
    let found: Option<(i64, Option<String>)> = tx
        .conn()
        .prepare_cached("SELECT id, role FROM practitioner WHERE username = ?1")?
        .query_row([login], |r| Ok((r.get(0)?, r.get(1)?)))
        .optional()?;
    match found {
        Some((id, Some(role))) => Ok((id, Role::from_code(&role).unwrap_or(Role::Coordinator))),
        _ => Err(StoreError::Refused(format!(
            "{login} is not a user here: add them with `tend admin user add {login} --role …`"
        ))),
    }
}

/// Refuses a change that would leave no active admin but `id`.
fn keeps_an_admin(tx: &Tx<'_>, id: i64) -> Result<(), StoreError> {
    let others: i64 = tx.conn().query_row(
        "SELECT count(*) FROM practitioner WHERE role = 'admin' AND active = 1 AND id != ?1",
        [id],
        |r| r.get(0),
    )?;
    if others == 0 {
        return Err(StoreError::Refused(
            "that would leave nobody to manage the users: make someone else an admin first".into(),
        ));
    }
    Ok(())
}

fn shares_a_team(tx: &Tx<'_>, a: i64, b: i64) -> Result<bool, StoreError> {
    Ok(tx.conn().query_row(
        "SELECT EXISTS (SELECT 1 FROM team_member x JOIN team_member y ON y.team_id = x.team_id
                         WHERE x.practitioner_id = ?1 AND y.practitioner_id = ?2)",
        [a, b],
        |r| r.get(0),
    )?)
}

/// Makes the user's teams exactly these, adding teams new to the database.
fn set_teams(tx: &Tx<'_>, id: i64, teams: &[String]) -> Result<(), StoreError> {
    tx.conn()
        .execute("DELETE FROM team_member WHERE practitioner_id = ?1", [id])?;
    for team in teams.iter().map(|t| t.trim()).filter(|t| !t.is_empty()) {
        tx.conn()
            .execute("INSERT OR IGNORE INTO team (name) VALUES (?1)", [team])?;
        tx.conn().execute(
            "INSERT OR IGNORE INTO team_member (practitioner_id, team_id)
             SELECT ?1, id FROM team WHERE name = ?2",
            params![id, team],
        )?;
    }
    Ok(())
}

fn teams_text(teams: &[String]) -> String {
    if teams.is_empty() {
        "none".into()
    } else {
        teams.join(", ")
    }
}

/// Whether this process's real user owns the file.
fn owns_file(path: &std::path::Path) -> bool {
    use std::os::unix::fs::MetadataExt;
    // SAFETY: getuid(2) cannot fail and reads no memory.
    let uid = unsafe { libc::getuid() };
    std::fs::metadata(path).is_ok_and(|m| m.uid() == uid)
}
