//! Writing an imported bundle's rows back with their ids: the highest ids
//! in use, the checks an import makes before it writes, and the inserts.

use rusqlite::{params, OptionalExtension};

use crate::domain::patient::Practitioner;
use crate::store::codec::{date_text, utc_text};
use crate::store::{StoreError, Tx};

use super::rows::*;

/// The highest row id in use in each table a bundle writes to, so that
/// imported rows can be given ids that are free.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct LastIds {
    pub practitioner: i64,
    pub patient: i64,
    pub condition: i64,
    pub need: i64,
    pub medication: i64,
    pub allergy: i64,
    pub flag: i64,
    pub care_team_member: i64,
    pub goal: i64,
    pub progress: i64,
    pub task: i64,
    pub note: i64,
    pub encounter: i64,
    pub referral: i64,
    pub appointment: i64,
    pub authorization: i64,
    pub screening: i64,
}

impl Tx<'_> {
    /// Lets the rows of a load refer to each other in any order: foreign
    /// keys are checked when the transaction commits (and a violation then
    /// rolls the whole load back), not row by row.
    pub fn defer_foreign_keys(&mut self) -> Result<(), StoreError> {
        self.conn()
            .execute_batch("PRAGMA defer_foreign_keys = ON")?;
        Ok(())
    }

    pub fn patient_count(&self) -> Result<i64, StoreError> {
        Ok(self
            .conn()
            .query_row("SELECT count(*) FROM patient", [], |r| r.get(0))?)
    }

    pub fn last_ids(&self) -> Result<LastIds, StoreError> {
        let last = |table: &str| -> Result<i64, StoreError> {
            let sql = format!("SELECT COALESCE(MAX(id), 0) FROM {table}");
            Ok(self.conn().query_row(&sql, [], |r| r.get(0))?)
        };
        Ok(LastIds {
            practitioner: last("practitioner")?,
            patient: last("patient")?,
            condition: last("condition")?,
            need: last("need")?,
            medication: last("medication")?,
            allergy: last("allergy")?,
            flag: last("patient_flag")?,
            care_team_member: last("care_team_member")?,
            goal: last("goal")?,
            progress: last("goal_progress")?,
            task: last("task")?,
            note: last("communication")?,
            encounter: last("encounter")?,
            referral: last("referral")?,
            appointment: last("appointment")?,
            authorization: last("prior_auth")?,
            screening: last("screening")?,
        })
    }

    pub fn member_id_taken(&self, member_id: &str) -> Result<bool, StoreError> {
        Ok(self
            .conn()
            .prepare_cached("SELECT 1 FROM patient WHERE member_id = ?1")?
            .query_row([member_id], |_| Ok(()))
            .optional()?
            .is_some())
    }

    pub fn practitioner_by_username(&self, username: &str) -> Result<Option<i64>, StoreError> {
        Ok(self
            .conn()
            .prepare_cached("SELECT id FROM practitioner WHERE username = ?1")?
            .query_row([username], |r| r.get(0))
            .optional()?)
    }

    pub fn practitioner_id_taken(&self, id: i64) -> Result<bool, StoreError> {
        Ok(self
            .conn()
            .prepare_cached("SELECT 1 FROM practitioner WHERE id = ?1")?
            .query_row([id], |_| Ok(()))
            .optional()?
            .is_some())
    }

    pub fn insert_practitioner_row(&mut self, p: &Practitioner) -> Result<(), StoreError> {
        self.conn()
            .prepare_cached(
                "INSERT INTO practitioner (id, username, display_name) VALUES (?1, ?2, ?3)",
            )?
            .execute(params![p.id, p.username, p.display_name])?;
        Ok(())
    }

    /// Writes a patient and all their rows, with the ids they carry.
    pub fn insert_patient_data(&mut self, data: &PatientData) -> Result<(), StoreError> {
        self.insert_patient(&data.patient)?;
        for c in &data.conditions {
            self.insert_condition(c)?;
        }
        let conn = self.conn();
        for n in &data.needs {
            conn.prepare_cached(
                "INSERT INTO need (id, patient_id, domain, description, status, created_at)
                 VALUES (?1, ?2, ?3, ?4, ?5, ?6)",
            )?
            .execute(params![
                n.id,
                n.patient_id,
                n.domain.code(),
                n.description,
                if n.resolved { "resolved" } else { "active" },
                utc_text(n.created_at)
            ])?;
        }
        for m in &data.medications {
            conn.prepare_cached(
                "INSERT INTO medication (id, patient_id, name, dose, frequency, prescriber, status)
                 VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7)",
            )?
            .execute(params![
                m.id,
                m.patient_id,
                m.name,
                m.dose,
                m.frequency,
                m.prescriber,
                if m.active { "active" } else { "stopped" }
            ])?;
        }
        for a in &data.allergies {
            conn.prepare_cached(
                "INSERT INTO allergy (id, patient_id, substance, reaction, criticality)
                 VALUES (?1, ?2, ?3, ?4, ?5)",
            )?
            .execute(params![
                a.id,
                a.patient_id,
                a.substance,
                a.reaction,
                a.criticality.code()
            ])?;
        }
        for f in &data.flags {
            conn.prepare_cached(
                "INSERT INTO patient_flag (id, patient_id, kind, text, active, created_at)
                 VALUES (?1, ?2, ?3, ?4, ?5, ?6)",
            )?
            .execute(params![
                f.id,
                f.patient_id,
                f.kind.code(),
                f.text,
                f.active,
                utc_text(f.created_at)
            ])?;
        }
        for m in &data.care_team {
            conn.prepare_cached(
                "INSERT INTO care_team_member (id, patient_id, role, name, organization, phone)
                 VALUES (?1, ?2, ?3, ?4, ?5, ?6)",
            )?
            .execute(params![
                m.id,
                m.patient_id,
                m.role,
                m.name,
                m.organization,
                m.phone
            ])?;
        }
        for g in &data.goals {
            self.insert_goal(g)?;
        }
        let conn = self.conn();
        for e in &data.progress {
            conn.prepare_cached(
                "INSERT INTO goal_progress (id, goal_id, recorded_on, note, value, author_id)
                 VALUES (?1, ?2, ?3, ?4, ?5, ?6)",
            )?
            .execute(params![
                e.id,
                e.goal_id,
                date_text(e.recorded_on),
                e.note,
                e.value,
                e.author_id
            ])?;
        }
        for t in &data.tasks {
            conn.prepare_cached(
                "INSERT INTO task (id, patient_id, owner_id, kind, description, status, priority,
                   due_on, hard_deadline, authored_at, completed_at, outcome, recurrence,
                   previous_id, goal_id)
                 VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13, ?14, ?15)",
            )?
            .execute(params![
                t.id,
                t.patient_id,
                t.owner_id,
                t.kind.code(),
                t.description,
                t.status.code(),
                t.priority.code(),
                t.due_on.map(date_text),
                t.hard_deadline,
                utc_text(t.authored_at),
                t.completed_at.map(utc_text),
                t.outcome,
                t.recurrence,
                t.previous_id,
                t.goal_id
            ])?;
        }
        for n in &data.notes {
            conn.prepare_cached(
                "INSERT INTO communication (id, patient_id, author_id, sent_at, medium, direction,
                   recipient, outcome, duration_minutes, body, status, signed_at, part_of)
                 VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, 'completed', ?11, ?12)",
            )?
            .execute(params![
                n.id,
                n.patient_id,
                n.author_id,
                utc_text(n.sent_at),
                n.method.code(),
                n.direction.code(),
                n.party.code(),
                n.outcome.code(),
                n.duration_minutes,
                n.body,
                n.signed_at.map(utc_text),
                n.part_of
            ])?;
        }
        self.insert_loops(&data.loops)
    }
}
