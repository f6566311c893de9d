//! What a message asks of tend: from a parsed ADT message to the store's
//! plan. Which of the message's patient identifiers is the member ID is
//! the program's setting (the assigning authority of PID-3); everything
//! else follows from the event.

use super::adt::{AdtEvent, AdtMessage};
use crate::domain::encounter::EncounterClass;
use crate::store::{AdtAction, AdtPlan, EncounterFields};

/// How a program's feed is read (`[adt]` in config.toml).
#[derive(Debug, Clone, Default, PartialEq, Eq, serde::Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct FeedSettings {
    /// The assigning authority (PID-3.4) whose identifier is tend's member
    /// ID, such as the state Medicaid agency's code. Empty: any identifier
    /// of the message that is a member ID in tend.
    pub member_id_authority: String,
}

impl FeedSettings {
    /// The member IDs a message names, in its order.
    pub fn member_ids(&self, identifiers: &[super::adt::Identifier]) -> Vec<String> {
        let wanted = self.member_id_authority.trim();
        identifiers
            .iter()
            .filter(|i| wanted.is_empty() || i.authority.trim().eq_ignore_ascii_case(wanted))
            .map(|i| i.id.trim().to_string())
            .filter(|id| !id.is_empty())
            .collect()
    }
}

/// The plan for one message.
pub fn plan(message: &AdtMessage, settings: &FeedSettings) -> AdtPlan {
    let member_ids = settings.member_ids(&message.identifiers);
    let visit = message
        .visit_number
        .clone()
        .filter(|v| !v.trim().is_empty());
    let amends = matches!(message.event, AdtEvent::A06 | AdtEvent::A07 | AdtEvent::A08);
    let fields = |discharged: bool, forced: Option<EncounterClass>, default: EncounterClass| {
        EncounterFields {
            amends,
            class: forced.or(message.class),
            class_if_unknown: Some(default),
            facility: message.facility.clone(),
            started_at: message.admitted_at,
            ended_at: if discharged || message.discharged_at.is_some() {
                message.discharged_at
            } else {
                None
            },
            discharged,
            disposition_code: message
                .disposition_code
                .clone()
                .filter(|c| !c.trim().is_empty()),
            diagnoses: message.diagnoses.clone(),
            event_at: message.event_at.or(message.sent_at),
        }
    };
    let action = match message.event {
        AdtEvent::A01 => AdtAction::Encounter {
            visit,
            fields: fields(false, None, EncounterClass::Inpatient),
        },
        AdtEvent::A03 => AdtAction::Encounter {
            visit,
            fields: fields(true, None, EncounterClass::Inpatient),
        },
        // A registration is the emergency department's (or a clinic's,
        // when PV1-2 says outpatient).
        AdtEvent::A04 => AdtAction::Encounter {
            visit,
            fields: fields(false, None, EncounterClass::Emergency),
        },
        // A06: an outpatient (or emergency, observation) patient becomes an
        // inpatient; A07 the other way. The message's class wins when it
        // gives one.
        AdtEvent::A06 => AdtAction::Encounter {
            visit,
            fields: fields(
                false,
                Some(message.class.unwrap_or(EncounterClass::Inpatient)),
                EncounterClass::Inpatient,
            ),
        },
        AdtEvent::A07 => AdtAction::Encounter {
            visit,
            fields: fields(
                false,
                Some(message.class.unwrap_or(EncounterClass::Outpatient)),
                EncounterClass::Outpatient,
            ),
        },
        AdtEvent::A08 => AdtAction::Encounter {
            visit,
            fields: fields(false, None, EncounterClass::Inpatient),
        },
        AdtEvent::A11 => AdtAction::CancelAdmit { visit },
        AdtEvent::A13 => AdtAction::CancelDischarge { visit },
        AdtEvent::A40 => AdtAction::Merge {
            prior_member_ids: settings.member_ids(&message.prior_identifiers),
        },
    };
    AdtPlan { member_ids, action }
}
