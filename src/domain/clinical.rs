//! The record's clinical lists: a condition (the one type the record, the
//! roster import, FHIR and the generator share), and the choices of a
//! condition's clinical status and an allergy's criticality, as FHIR codes
//! them (tend stores the codes).

use chrono::NaiveDate;

/// A condition on the record (FHIR `Condition`, problem-list item).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Condition {
    /// The row id; 0 for one not yet stored.
    pub id: i64,
    pub patient_id: i64,
    /// ICD-10-CM, when known.
    pub code: Option<String>,
    pub display: String,
    pub clinical_status: ConditionStatus,
    pub onset_date: Option<NaiveDate>,
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

/// FHIR `Condition.clinicalStatus` (condition-clinical).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default)]
pub enum ConditionStatus {
    #[default]
    Active,
    Recurrence,
    Relapse,
    Inactive,
    Remission,
    Resolved,
}

impl ConditionStatus {
    pub const ALL: [ConditionStatus; 6] = [
        ConditionStatus::Active,
        ConditionStatus::Recurrence,
        ConditionStatus::Relapse,
        ConditionStatus::Inactive,
        ConditionStatus::Remission,
        ConditionStatus::Resolved,
    ];

    pub fn code(self) -> &'static str {
        match self {
            ConditionStatus::Active => "active",
            ConditionStatus::Recurrence => "recurrence",
            ConditionStatus::Relapse => "relapse",
            ConditionStatus::Inactive => "inactive",
            ConditionStatus::Remission => "remission",
            ConditionStatus::Resolved => "resolved",
        }
    }

    pub fn from_code(code: &str) -> Option<ConditionStatus> {
        ConditionStatus::ALL.into_iter().find(|s| s.code() == code)
    }
}

super::choice::choice_list!(ConditionStatus, |s| s.code());

/// FHIR `AllergyIntolerance.criticality`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default)]
pub enum AllergyCriticality {
    #[default]
    Low,
    High,
    UnableToAssess,
}

impl AllergyCriticality {
    pub const ALL: [AllergyCriticality; 3] = [
        AllergyCriticality::Low,
        AllergyCriticality::High,
        AllergyCriticality::UnableToAssess,
    ];

    pub fn code(self) -> &'static str {
        match self {
            AllergyCriticality::Low => "low",
            AllergyCriticality::High => "high",
            AllergyCriticality::UnableToAssess => "unable-to-assess",
        }
    }

    pub fn from_code(code: &str) -> Option<AllergyCriticality> {
        AllergyCriticality::ALL
            .into_iter()
            .find(|c| c.code() == code)
    }
}

super::choice::choice_list!(AllergyCriticality, |c| match c {
    AllergyCriticality::UnableToAssess => "unable to assess",
    other => other.code(),
});

#[cfg(test)]
mod tests {
    use super::*;
    use crate::domain::choice::ChoiceList;

    #[test]
    fn codes_round_trip() {
        for s in ConditionStatus::ALL {
            assert_eq!(
                <ConditionStatus as ChoiceList>::from_code(s.code()),
                Some(s)
            );
        }
        for c in AllergyCriticality::ALL {
            assert_eq!(
                <AllergyCriticality as ChoiceList>::from_code(c.code()),
                Some(c)
            );
        }
    }
}
