//! Rows taken from another system's FHIR, each linked to the resource it
//! came from (schema v22), so that importing the same data again changes
//! nothing, a later export of it updates what it sent before, and what a
//! user of tend changed meanwhile is kept and said, never overwritten.
//!
//! A resource is taken in one of four ways ([`Taken`]). Linked before:
//! the same values again leave the row alone; new values update it when
//! the row still holds what the last import wrote; a row someone changed
//! since (or that was in tend before the first import) is kept as tend
//! holds it, and said at every import until it and what is sent agree
//! again. Not linked yet: a row of the patient that is the same thing (the
//! same condition code, the same medication or allergen by name, the same
//! member ID) is linked, and kept as tend holds it; anything else is a new
//! row.

use rusqlite::{params, OptionalExtension};

pub use super::import_rows::SentRow;
use super::{StoreError, Tx};
use crate::domain::patient::Patient;
use crate::domain::roster::RosterRow;

/// Where a resource came from: the system that sent it, its type and id.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SourceKey {
    pub source: String,
    pub resource_type: String,
    pub resource_id: String,
}

/// What an import did with one resource.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Taken {
    Created,
    Updated,
    Unchanged,
    /// The row differs from what the system sends, and tend's was kept:
    /// a user changed it since the last import, or it was in tend before
    /// the system first sent it, or it was removed in tend.
    KeptTends,
}

/// What becomes of a row an import took before, seen again.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Again {
    /// Someone changed it in tend since (or it was there before the first
    /// import), and it differs from what is sent: tend's is kept, and said
    /// at every import until the two agree.
    Kept,
    /// Nothing to do: the same is sent again, and the row holds it or was
    /// left alone since.
    Same,
    /// The row has come to hold what is sent now (someone in tend took the
    /// system's word): linked to it, nothing written.
    Agreed,
    /// New values, and the row holds what the last import wrote: updated.
    Update,
}

/// From the values last taken (`before`), those the row holds (`held`)
/// and those sent now.
fn again(before: &str, held: &str, sent: &str) -> Again {
    match (held == before, held == sent, before == sent) {
        (false, false, _) => Again::Kept,
        (_, _, true) => Again::Same,
        (_, true, false) => Again::Agreed,
        (true, false, false) => Again::Update,
    }
}

/// A member's fields as the values the system sent: only those it sends
/// (a field it leaves out is tend's alone), taken from `patient`.
fn member_values(row: &RosterRow, patient: &Patient) -> String {
    let sent = |given: bool, value: &Option<String>| if given { value.clone() } else { None };
    serde_json::json!([
        patient.member_id,
        patient.given_name,
        patient.family_name,
        patient.birth_date.to_string(),
        row.sex.map(|_| patient.sex.code()),
        sent(row.gender_identity.is_some(), &patient.gender_identity),
        sent(row.phone_primary.is_some(), &patient.phone_primary),
        sent(row.phone_secondary.is_some(), &patient.phone_secondary),
        sent(row.address_line.is_some(), &patient.address_line),
        sent(row.city.is_some(), &patient.city),
        sent(row.state.is_some(), &patient.state),
        sent(row.postal_code.is_some(), &patient.postal_code),
        row.language.as_ref().map(|_| patient.language.clone()),
        sent(row.plan_name.is_some(), &patient.plan_name),
        sent(row.medicaid_id.is_some(), &patient.medicaid_id),
    ])
    .to_string()
}

impl Tx<'_> {
    /// The row `key` is linked to, and the values last taken from it.
    fn source_link(&self, key: &SourceKey) -> Result<Option<(i64, String)>, StoreError> {
        Ok(self
            .conn()
            .prepare_cached(
                "SELECT row_id, sent FROM import_source
                  WHERE source = ?1 AND resource_type = ?2 AND resource_id = ?3",
            )?
            .query_row(
                params![key.source, key.resource_type, key.resource_id],
                |r| Ok((r.get(0)?, r.get(1)?)),
            )
            .optional()?)
    }

    /// Whether an import took `key` before.
    pub fn is_linked(&self, key: &SourceKey) -> Result<bool, StoreError> {
        Ok(self.source_link(key)?.is_some())
    }

    fn link_source(
        &self,
        key: &SourceKey,
        table: &str,
        row_id: i64,
        sent: &str,
    ) -> Result<(), StoreError> {
        self.conn()
            .prepare_cached(
                "INSERT OR REPLACE INTO import_source
                   (source, resource_type, resource_id, row_table, row_id, sent)
                 VALUES (?1, ?2, ?3, ?4, ?5, ?6)",
            )?
            .execute(params![
                key.source,
                key.resource_type,
                key.resource_id,
                table,
                row_id,
                sent
            ])?;
        Ok(())
    }

    /// A member from another system: created, or found by the link to
    /// `key` or by member ID. Returns the patient's id and what was done.
    pub fn take_member(
        &mut self,
        key: &SourceKey,
        row: &RosterRow,
    ) -> Result<(i64, Taken), StoreError> {
        let blank = Patient {
            member_id: row.member_id.clone(),
            ..Patient::default()
        };
        let sent = member_values(row, &row.laid_over(&blank, None));
        // A link to a patient no longer there (tend removes none; a
        // restore might) is passed by: the member is found or made anew.
        let linked = match self.source_link(key)? {
            Some((id, before)) => self.patient(id)?.map(|stored| (stored, before)),
            None => None,
        };
        if let Some((stored, before)) = linked {
            let id = stored.id;
            match again(&before, &member_values(row, &stored), &sent) {
                Again::Kept => return Ok((id, Taken::KeptTends)),
                Again::Same => return Ok((id, Taken::Unchanged)),
                Again::Agreed => {
                    self.link_source(key, "patient", id, &sent)?;
                    return Ok((id, Taken::Unchanged));
                }
                Again::Update => {}
            }
            let merged = row.laid_over(&stored, None);
            if merged != stored {
                self.update_patient(&merged)?;
                self.bump_patient_version(id)?;
            }
            self.link_source(key, "patient", id, &sent)?;
            return Ok((id, Taken::Updated));
        }
        if let Some(stored) = self.patient_by_member(&row.member_id)? {
            self.link_source(key, "patient", stored.id, &sent)?;
            let taken = if member_values(row, &stored) == sent {
                Taken::Unchanged
            } else {
                Taken::KeptTends
            };
            return Ok((stored.id, taken));
        }
        let id = self.insert_patient(&row.new_patient(None))?;
        self.link_source(key, "patient", id, &sent)?;
        Ok((id, Taken::Created))
    }

    fn bump_patient_version(&mut self, id: i64) -> Result<(), StoreError> {
        let now = super::write::utc_text(self.now());
        self.conn()
            .prepare_cached(
                "UPDATE patient SET version = version + 1, updated_at = ?2 WHERE id = ?1",
            )?
            .execute(params![id, now])?;
        Ok(())
    }

    /// A row of patient `patient_id`'s lists (or an encounter of theirs)
    /// from another system: its id and what was done.
    pub fn take_row(
        &mut self,
        key: &SourceKey,
        patient_id: i64,
        row: &SentRow,
    ) -> Result<(i64, Taken), StoreError> {
        let sent = row.values();
        if let Some((id, before)) = self.source_link(key)? {
            let Some(now) = self.stored_row(row, id)? else {
                // Removed in tend: not brought back.
                return Ok((id, Taken::KeptTends));
            };
            match again(&before, &now.values(), &sent) {
                Again::Kept => return Ok((id, Taken::KeptTends)),
                Again::Same => return Ok((id, Taken::Unchanged)),
                Again::Agreed => {
                    self.link_source(key, row.table(), id, &sent)?;
                    return Ok((id, Taken::Unchanged));
                }
                Again::Update => {}
            }
            self.update_row(row, id)?;
            self.link_source(key, row.table(), id, &sent)?;
            return Ok((id, Taken::Updated));
        }
        if let Some(id) = self.same_row(row, patient_id)? {
            self.link_source(key, row.table(), id, &sent)?;
            let now = self.stored_row(row, id)?;
            let taken = if now.is_some_and(|now| now.values() == sent) {
                Taken::Unchanged
            } else {
                Taken::KeptTends
            };
            return Ok((id, taken));
        }
        let id = self.insert_row(row, patient_id, key)?;
        self.link_source(key, row.table(), id, &sent)?;
        Ok((id, Taken::Created))
    }
}

#[cfg(test)]
mod tests {
    use super::{again, Again};

    #[test]
    fn a_row_seen_again_is_kept_while_tend_and_the_sender_disagree() {
        // (before, held, sent)
        assert_eq!(again("a", "a", "a"), Again::Same);
        assert_eq!(again("a", "a", "b"), Again::Update);
        assert_eq!(
            again("a", "x", "a"),
            Again::Kept,
            "changed in tend, sent the same"
        );
        assert_eq!(
            again("a", "x", "b"),
            Again::Kept,
            "changed in tend and by the sender"
        );
        assert_eq!(
            again("a", "b", "b"),
            Again::Agreed,
            "tend took the sender's word"
        );
    }
}
