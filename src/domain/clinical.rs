//! The record's clinical lists' choices: a condition's clinical status and
//! an allergy's criticality, as FHIR codes them (tend stores the codes).

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
