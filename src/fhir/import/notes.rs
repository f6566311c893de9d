//! Signed notes from FHIR Communication (ids are the entries' keys).

use super::context::Ctx;
use super::read::{Node, Read};
use crate::domain::note::{Direction, Method, Outcome, Party};
use crate::fhir::codes::{self, ext, system};
use crate::fhir::ids::Kind;
use crate::store::fhir::NoteRow;

pub fn communication(ctx: &Ctx<'_>, key: i64, r: &Node<'_>) -> Read<NoteRow> {
    let status = r.field("status");
    if status.str()? != "completed" {
        return Err(status.problem("is not completed (tend imports signed notes only)"));
    }
    let patient_id = ctx.required_target(&r.field("subject"), Kind::Patient)?;
    let method = method(&r.field("medium"))?;
    let sender = r.field("sender");
    let recipients = r.field("recipient").items()?;
    let refers_to = |node: &Node<'_>, kind: Kind| -> bool {
        node.field("reference")
            .opt_str()
            .ok()
            .flatten()
            .and_then(|t| ctx.index.resolve(t))
            .is_some_and(|i| ctx.entries[i].kind() == Some(kind))
    };
    let direction_ext = r.extension(ext::CONTACT_DIRECTION)?.field("valueCode");
    let direction = match direction_ext.opt_code(
        Direction::from_code,
        &Direction::ALL.iter().map(|c| c.code()).collect::<Vec<_>>(),
    )? {
        Some(direction) => direction,
        // From elsewhere: a note the coordinator sent is outbound.
        None if refers_to(&sender, Kind::Practitioner) => Direction::Outbound,
        None => Direction::Inbound,
    };
    let party_ext = r.extension(ext::CONTACT_PARTY)?.field("valueCode");
    let party = match party_ext.opt_code(
        Party::from_code,
        &Party::ALL.iter().map(|c| c.code()).collect::<Vec<_>>(),
    )? {
        Some(party) => party,
        None if refers_to(&sender, Kind::Patient)
            || recipients.iter().any(|n| refers_to(n, Kind::Patient)) =>
        {
            Party::Patient
        }
        None => {
            return Err(
                party_ext.problem("is missing (tend needs to know who the contact was with)")
            )
        }
    };
    let outcome = r.extension(ext::CONTACT_OUTCOME)?.field("valueCode");
    let outcome = outcome
        .opt_code(
            Outcome::from_code,
            &Outcome::ALL.iter().map(|c| c.code()).collect::<Vec<_>>(),
        )?
        .ok_or_else(|| outcome.problem("is missing (tend needs each note's outcome)"))?;
    // The author is the coordinator's side of the contact.
    let author_side = match direction {
        Direction::Outbound => vec![sender],
        Direction::Inbound => recipients,
    };
    let mut author_id = None;
    for node in &author_side {
        if refers_to(node, Kind::Practitioner) {
            author_id = ctx.target(node, Kind::Practitioner)?;
            break;
        }
    }
    Ok(NoteRow {
        id: key,
        patient_id,
        author_id,
        sent_at: r
            .field("sent")
            .opt_instant()?
            .ok_or_else(|| r.field("sent").problem("is missing"))?,
        method,
        direction,
        party,
        outcome,
        duration_minutes: r
            .extension(ext::CONTACT_DURATION)?
            .field("valueDuration")
            .field("value")
            .opt_i64()?,
        body: r
            .field("payload")
            .first()?
            .field("contentString")
            .str()?
            .to_string(),
        signed_at: r
            .extension(ext::SIGNED)?
            .field("valueDateTime")
            .opt_instant()?,
        part_of: ctx.target(&r.field("partOf").first()?, Kind::Note)?,
    })
}

/// How the contact was made: tend's code, else the R4 ParticipationMode
/// that stands for one method alone.
fn method(medium: &Node<'_>) -> Read<Method> {
    let first = medium.first()?;
    if let Some(code) = first.code_from(system::CONTACT_METHOD)? {
        if let Some(method) = code.opt_code(
            Method::from_code,
            &Method::ALL.iter().map(|c| c.code()).collect::<Vec<_>>(),
        )? {
            return Ok(method);
        }
    }
    if let Some(code) = first.code_from(system::PARTICIPATION_MODE)? {
        // FACE is both in person and a home visit: read as in person.
        let mode = code.opt_str()?;
        let found = Method::ALL
            .iter()
            .copied()
            .filter(|m| *m != Method::HomeVisit)
            .find(|m| mode.is_some() && codes::participation_mode(*m).map(|(c, _)| c) == mode);
        if let Some(method) = found {
            return Ok(method);
        }
    }
    Err(medium.problem("names none of tend's contact methods"))
}
