//! Signed notes as FHIR Communication; an addendum is part of the note it
//! corrects.

use serde_json::{json, Value};

use super::json::{coding, extension, instant, reference};
use crate::domain::note::{Direction, Party};
use crate::fhir::codes::{self, ext, system};
use crate::fhir::ids::Kind;
use crate::store::fhir::NoteRow;

pub fn communication(n: &NoteRow) -> Value {
    let author = n
        .author_id
        .map(|id| reference(Kind::Practitioner.reference(id)));
    // The other side: the patient, or a caregiver, provider or agency that
    // tend names but does not keep as a record.
    let other = match n.party {
        Party::Patient => reference(Kind::Patient.reference(n.patient_id)),
        party => json!({ "display": party.label() }),
    };
    let (sender, recipient) = match n.direction {
        Direction::Outbound => (author, Some(other)),
        Direction::Inbound => (Some(other), author),
    };
    let standard_medium = codes::participation_mode(n.method)
        .map(|(code, display)| coding(system::PARTICIPATION_MODE, code, Some(display)));
    json!({
        "resourceType": "Communication",
        "id": Kind::Note.id(n.id),
        "extension": [
            extension(ext::CONTACT_DIRECTION, "valueCode", Some(json!(n.direction.code()))),
            extension(ext::CONTACT_PARTY, "valueCode", Some(json!(n.party.code()))),
            extension(ext::CONTACT_OUTCOME, "valueCode", Some(json!(n.outcome.code()))),
            extension(
                ext::CONTACT_DURATION,
                "valueDuration",
                n.duration_minutes.map(|minutes| json!({
                    "value": minutes,
                    "unit": "min",
                    "system": system::UCUM,
                    "code": "min",
                })),
            ),
            extension(ext::SIGNED, "valueDateTime", n.signed_at.map(instant)),
        ],
        "partOf": [n.part_of.map(|note| reference(Kind::Note.reference(note)))],
        "status": "completed",
        "medium": [{
            "coding": [
                standard_medium,
                coding(system::CONTACT_METHOD, n.method.code(), Some(n.method.label())),
            ],
        }],
        "subject": reference(Kind::Patient.reference(n.patient_id)),
        "sent": instant(n.sent_at),
        "recipient": [recipient],
        "sender": sender,
        "payload": [{ "contentString": n.body }],
    })
}
