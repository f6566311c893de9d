//! Encounters (FHIR `Encounter`): emergency visits, hospital, observation
//! and skilled nursing stays, and the follow-up visits that meet the clocks
//! a stay starts (see [`super::transitions`]).
//!
//! Times are the facility's wall clock as it reported them (an HL7 v2
//! timestamp without a zone is the sender's local time): the rules count
//! calendar days from the dates of those times, as the measures do.

use chrono::{NaiveDate, NaiveDateTime};

use super::choice::choices;

choices!(
    /// What kind of encounter (FHIR `Encounter.class`).
    EncounterClass {
        Emergency = ("emergency", "emergency visit", 'e'),
        Inpatient = ("inpatient", "inpatient stay", 'i'),
        Observation = ("observation", "observation stay", 'o'),
        SkilledNursing = ("skilled-nursing", "skilled nursing or rehabilitation stay", 's'),
        Outpatient = ("outpatient", "office or follow-up visit", 'v'),
    }
);

impl EncounterClass {
    /// A stay in a facility (an admission that ends with a discharge),
    /// rather than a visit.
    pub fn is_stay(self) -> bool {
        matches!(
            self,
            EncounterClass::Inpatient
                | EncounterClass::Observation
                | EncounterClass::SkilledNursing
        )
    }

    /// A short mark for lists.
    pub fn mark(self) -> &'static str {
        match self {
            EncounterClass::Emergency => "ED",
            EncounterClass::Inpatient => "IP",
            EncounterClass::Observation => "OBS",
            EncounterClass::SkilledNursing => "SNF",
            EncounterClass::Outpatient => "OV",
        }
    }
}

choices!(
    /// Where the encounter stands (FHIR `Encounter.status`).
    EncounterStatus {
        InProgress = ("in-progress", "in progress", 'p'),
        Finished = ("finished", "finished", 'f'),
        Cancelled = ("cancelled", "cancelled", 'c'),
    }
);

choices!(
    /// The medical decision making of the transitional care, chosen on the
    /// stay: it sets how soon the face-to-face visit must be.
    Complexity {
        Moderate = ("moderate", "moderate (visit within 14 days)", 'm'),
        High = ("high", "high (visit within 7 days)", 'h'),
    }
);

choices!(
    /// Who saw the member at a follow-up visit: the measures ask for a
    /// mental health provider (FUH) or a visit for a mental illness or
    /// substance use (FUM, FUA).
    ProviderKind {
        MentalHealth = ("mental-health", "mental health provider", 'm'),
        SubstanceUse = ("substance-use", "substance use treatment provider", 's'),
        PrimaryCare = ("primary-care", "primary care", 'p'),
        Other = ("other", "other provider", 'o'),
    }
);

choices!(
    /// Where the member went at discharge, grouped from HL7 table 0112
    /// (discharge disposition) into what the rules need to know.
    Disposition {
        Home = ("home", "home or self care", 'h'),
        HomeHealth = ("home-health", "home with home health services", 'w'),
        SkilledNursing = ("skilled-nursing", "skilled nursing or rehabilitation facility", 's'),
        AcuteTransfer = ("acute-transfer", "transfer to another acute hospital", 't'),
        OtherFacility = ("other-facility", "another health care facility (long-term care hospital, other institution)", 'f'),
        Hospice = ("hospice", "hospice, at home or in a facility", 'p'),
        LeftAgainstAdvice = ("left-against-advice", "left against medical advice", 'a'),
        Expired = ("expired", "died", 'x'),
        Other = ("other", "other", 'o'),
    }
);

impl Disposition {
    /// From an HL7 v2 discharge disposition code (PV1-36, table 0112, whose
    /// values follow the UB-04 patient status codes). Unknown codes are
    /// `Other`, never an error: the code itself is kept on the encounter.
    pub fn from_hl7(code: &str) -> Disposition {
        match code.trim() {
            "01" | "1" => Disposition::Home,
            "06" | "6" | "81" | "86" => Disposition::HomeHealth,
            "03" | "3" | "61" | "62" | "64" | "83" | "84" | "90" => Disposition::SkilledNursing,
            "02" | "2" | "05" | "5" | "43" | "65" | "66" | "82" | "85" | "88" | "93" | "94" => {
                Disposition::AcuteTransfer
            }
            "04" | "4" | "63" | "70" | "89" | "91" | "92" | "95" => Disposition::OtherFacility,
            "50" | "51" => Disposition::Hospice,
            "07" | "7" => Disposition::LeftAgainstAdvice,
            "20" | "40" | "41" | "42" => Disposition::Expired,
            _ => Disposition::Other,
        }
    }
}

/// A diagnosis on an encounter: an ICD-10-CM code as sent (upper case,
/// with its dot when it had one) and the words that came with it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Diagnosis {
    pub code: String,
    pub display: String,
}

impl Diagnosis {
    /// The code without its dot, upper case, as the code families compare
    /// it ("F32.9" and "f329" are the same code).
    pub fn bare_code(&self) -> String {
        self.code
            .chars()
            .filter(|c| *c != '.' && !c.is_whitespace())
            .map(|c| c.to_ascii_uppercase())
            .collect()
    }
}

/// One encounter of one patient.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Encounter {
    pub id: i64,
    pub patient_id: i64,
    pub class: EncounterClass,
    pub status: EncounterStatus,
    /// The facility's name (or its code when the feed sent no name).
    pub facility: String,
    /// Admission, arrival or visit time, facility wall clock.
    pub started_at: NaiveDateTime,
    /// Discharge or departure time; `None` while the stay goes on.
    pub ended_at: Option<NaiveDateTime>,
    pub disposition: Option<Disposition>,
    /// The transitional care complexity, for stays (moderate by default).
    pub complexity: Complexity,
    /// Who was seen, for follow-up visits.
    pub provider: Option<ProviderKind>,
    /// Diagnoses, the principal one first.
    pub diagnoses: Vec<Diagnosis>,
}

impl Encounter {
    pub fn started_on(&self) -> NaiveDate {
        self.started_at.date()
    }

    pub fn ended_on(&self) -> Option<NaiveDate> {
        self.ended_at.map(|t| t.date())
    }

    /// Discharged from a stay: the event that starts the post-discharge
    /// clocks.
    pub fn discharged_on(&self) -> Option<NaiveDate> {
        (self.class.is_stay() && self.status == EncounterStatus::Finished)
            .then(|| self.ended_on())
            .flatten()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn dispositions_group_table_0112() {
        assert_eq!(Disposition::from_hl7("01"), Disposition::Home);
        assert_eq!(Disposition::from_hl7("03"), Disposition::SkilledNursing);
        assert_eq!(Disposition::from_hl7("02"), Disposition::AcuteTransfer);
        assert_eq!(Disposition::from_hl7("20"), Disposition::Expired);
        assert_eq!(Disposition::from_hl7("07"), Disposition::LeftAgainstAdvice);
        assert_eq!(Disposition::from_hl7("43"), Disposition::AcuteTransfer);
        assert_eq!(Disposition::from_hl7("63"), Disposition::OtherFacility);
        assert_eq!(Disposition::from_hl7("70"), Disposition::OtherFacility);
        assert_eq!(Disposition::from_hl7("51"), Disposition::Hospice);
        assert_eq!(Disposition::from_hl7("zz"), Disposition::Other);
    }

    #[test]
    fn a_code_compares_without_its_dot() {
        let d = Diagnosis {
            code: "f32.9".into(),
            display: String::new(),
        };
        assert_eq!(d.bare_code(), "F329");
    }
}
