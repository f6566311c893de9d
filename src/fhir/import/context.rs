//! What every resource reader needs: the entries, how references resolve,
//! and the instant of the import (for the few values tend must have and a
//! bundle from elsewhere may leave out).

use chrono::{DateTime, Utc};

use super::bundle::{Entry, Index};
use super::read::{Node, Read};
use crate::fhir::ids::Kind;

pub struct Ctx<'a> {
    pub entries: &'a [Entry<'a>],
    pub index: &'a Index,
    pub now: DateTime<Utc>,
}

impl Ctx<'_> {
    /// The key of the entry a Reference element leads to (its index in
    /// the bundle), checked to be of `kind`; None when the element is absent
    /// or holds only a display.
    pub fn target(&self, reference: &Node<'_>, kind: Kind) -> Read<Option<i64>> {
        let at = reference.field("reference");
        let Some(target) = at.opt_str()? else {
            return Ok(None);
        };
        let entry = self
            .index
            .resolve(target)
            .map(|i| &self.entries[i])
            .ok_or_else(|| at.problem(&format!("does not lead to a {}", describe(kind))))?;
        if entry.kind() != Some(kind) {
            return Err(at.problem(&format!(
                "refers to {}, not to a {}",
                entry.name(),
                describe(kind)
            )));
        }
        Ok(Some(entry.index as i64))
    }

    /// Like [`Ctx::target`], for a reference tend cannot do without.
    pub fn required_target(&self, reference: &Node<'_>, kind: Kind) -> Read<i64> {
        self.target(reference, kind)?
            .ok_or_else(|| reference.problem("is missing"))
    }
}

/// A kind of row as the problems name it.
pub fn describe(kind: Kind) -> &'static str {
    match kind {
        Kind::Practitioner => "Practitioner",
        Kind::Patient => "Patient",
        Kind::Condition => "Condition (a diagnosis)",
        Kind::Need => "Condition of the health-concern category (a need)",
        Kind::Medication => "MedicationStatement",
        Kind::Allergy => "AllergyIntolerance",
        Kind::Flag => "Flag",
        Kind::CareTeamMember => "care-team member",
        Kind::Goal => "Goal",
        Kind::Progress => "Observation",
        Kind::Task => "Task",
        Kind::Note => "Communication",
        Kind::Encounter => "Encounter",
        Kind::Referral => "ServiceRequest (a referral)",
        Kind::Appointment => "Appointment",
        Kind::Authorization => "Claim (a prior authorization)",
        Kind::Screening => "QuestionnaireResponse (a signed screening)",
    }
}
