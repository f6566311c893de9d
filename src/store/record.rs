//! One patient's lists: conditions and care team (the patient itself is
//! `patient.rs`, the goals `goal.rs`).

use rusqlite::params;

use super::codec::code;
use super::{Store, StoreError};
use crate::domain::clinical::ConditionStatus;

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Condition {
    pub id: i64,
    pub code: Option<String>,
    pub display: String,
    pub clinical_status: ConditionStatus,
}

impl Condition {
    /// "E11.9 Type 2 diabetes"; the code alone when it is all the roster
    /// gave ("I10"), the name alone when there is no code.
    pub fn label(&self) -> String {
        match &self.code {
            Some(code) if *code != self.display => format!("{code} {}", self.display),
            _ => self.display.clone(),
        }
    }
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CareTeamMember {
    pub id: i64,
    pub role: String,
    pub name: String,
    pub organization: Option<String>,
    pub phone: Option<String>,
}

impl Store {
    /// Active conditions first, then by name.
    pub fn conditions(&self, patient_id: i64) -> Result<Vec<Condition>, StoreError> {
        let mut stmt = self.conn().prepare_cached(
            "SELECT code, display, clinical_status, id FROM condition WHERE patient_id = ?1
              ORDER BY clinical_status <> 'active', display COLLATE NOCASE, id",
        )?;
        let rows = stmt.query_map(params![patient_id], |row| {
            Ok(Condition {
                code: row.get(0)?,
                display: row.get(1)?,
                clinical_status: code(row, 2, ConditionStatus::from_code)?,
                id: row.get(3)?,
            })
        })?;
        Ok(rows.collect::<Result<_, _>>()?)
    }

    pub fn care_team(&self, patient_id: i64) -> Result<Vec<CareTeamMember>, StoreError> {
        let mut stmt = self.conn().prepare_cached(
            "SELECT role, name, organization, phone, id FROM care_team_member
              WHERE patient_id = ?1 ORDER BY id",
        )?;
        let rows = stmt.query_map(params![patient_id], |row| {
            Ok(CareTeamMember {
                role: row.get(0)?,
                name: row.get(1)?,
                organization: row.get(2)?,
                phone: row.get(3)?,
                id: row.get(4)?,
            })
        })?;
        Ok(rows.collect::<Result<_, _>>()?)
    }
}
