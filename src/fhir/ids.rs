//! Resource ids: each is its table's prefix and the row's id (`Patient/p-12`,
//! `Condition/n-4` for a need), so the same database always exports the
//! same ids, and an import into an empty database can give every row back
//! the id it had.

/// A table whose rows become resources (or, for care-team members,
/// resources contained in the patient's CareTeam).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Kind {
    Practitioner,
    Patient,
    Condition,
    Need,
    Medication,
    Allergy,
    Flag,
    CareTeamMember,
    Goal,
    Progress,
    Task,
    Note,
    Encounter,
    /// A referral (ServiceRequest).
    Referral,
    Appointment,
    /// A prior authorization (Claim with use `preauthorization`).
    Authorization,
    /// A signed screening (QuestionnaireResponse); its total, when it has
    /// one, is an Observation of its own id ([`screening_score_id`]).
    Screening,
}

impl Kind {
    pub const ALL: [Kind; 17] = [
        Kind::Practitioner,
        Kind::Patient,
        Kind::Condition,
        Kind::Need,
        Kind::Medication,
        Kind::Allergy,
        Kind::Flag,
        Kind::CareTeamMember,
        Kind::Goal,
        Kind::Progress,
        Kind::Task,
        Kind::Note,
        Kind::Encounter,
        Kind::Referral,
        Kind::Appointment,
        Kind::Authorization,
        Kind::Screening,
    ];

    fn prefix(self) -> &'static str {
        match self {
            Kind::Practitioner => "pr",
            Kind::Patient => "p",
            Kind::Condition => "c",
            Kind::Need => "n",
            Kind::Medication => "m",
            Kind::Allergy => "a",
            Kind::Flag => "f",
            Kind::CareTeamMember => "ctm",
            Kind::Goal => "g",
            Kind::Progress => "gp",
            Kind::Task => "t",
            Kind::Note => "com",
            Kind::Encounter => "enc",
            Kind::Referral => "sr",
            Kind::Appointment => "apt",
            Kind::Authorization => "pa",
            Kind::Screening => "qr",
        }
    }

    /// The FHIR resource type its rows become.
    pub fn resource_type(self) -> &'static str {
        match self {
            Kind::Practitioner | Kind::CareTeamMember => "Practitioner",
            Kind::Patient => "Patient",
            Kind::Condition | Kind::Need => "Condition",
            Kind::Medication => "MedicationStatement",
            Kind::Allergy => "AllergyIntolerance",
            Kind::Flag => "Flag",
            Kind::Goal => "Goal",
            Kind::Progress => "Observation",
            Kind::Task => "Task",
            Kind::Note => "Communication",
            Kind::Encounter => "Encounter",
            Kind::Referral => "ServiceRequest",
            Kind::Appointment => "Appointment",
            Kind::Authorization => "Claim",
            Kind::Screening => "QuestionnaireResponse",
        }
    }

    /// The resource id of row `row`.
    pub fn id(self, row: i64) -> String {
        format!("{}-{row}", self.prefix())
    }

    /// A relative reference to row `row`: `Patient/p-12`.
    pub fn reference(self, row: i64) -> String {
        format!("{}/{}", self.resource_type(), self.id(row))
    }

    /// The row id in a resource id of this kind's form, if it is one.
    pub fn row_of(self, id: &str) -> Option<i64> {
        let digits = id.strip_prefix(self.prefix())?.strip_prefix('-')?;
        // Only the form tend writes: no sign, no leading zero, no overflow.
        if digits.is_empty()
            || digits.starts_with('0')
            || !digits.bytes().all(|b| b.is_ascii_digit())
        {
            return None;
        }
        digits.parse().ok()
    }
}

/// The patient's CareTeam (one a patient, holding every member).
pub fn care_team_id(patient: i64) -> String {
    format!("ct-{patient}")
}

/// The patient's CarePlan (one a patient).
pub fn care_plan_id(patient: i64) -> String {
    format!("cp-{patient}")
}

/// The payer's answer to a prior authorization (a ClaimResponse, one a
/// Claim): not a row of its own, but columns of the authorization's.
pub fn claim_response_id(authorization: i64) -> String {
    format!("par-{authorization}")
}

/// A signed screening's total (an Observation, one a screening that has
/// a total): not a row of its own, but columns of the screening's.
pub fn screening_score_id(screening: i64) -> String {
    format!("qrs-{screening}")
}

/// A care-team member's organisation, contained beside them.
pub fn organization_id(member: i64) -> String {
    format!("org-{member}")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ids_read_back_only_in_their_own_form() {
        for kind in Kind::ALL {
            assert_eq!(kind.row_of(&kind.id(12)), Some(12));
        }
        assert_eq!(Kind::Patient.reference(7), "Patient/p-7");
        assert_eq!(Kind::Need.reference(4), "Condition/n-4");
        assert_eq!(Kind::Patient.row_of("p-007"), None);
        assert_eq!(Kind::Patient.row_of("p--7"), None);
        assert_eq!(Kind::Patient.row_of("p-"), None);
        assert_eq!(Kind::Patient.row_of("pr-7"), None);
        assert_eq!(Kind::Progress.row_of("g-7"), None);
        assert_eq!(Kind::Screening.row_of(&screening_score_id(7)), None);
        assert_eq!(Kind::Patient.row_of("p-99999999999999999999"), None);
    }
}
