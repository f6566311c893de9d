//! The log of HL7 v2 ADT messages received, and what each did.
//!
//! Every message is kept as it came, in the transaction that applies it:
//! applied (its encounter written, with its clocks), queued for a
//! supervisor (no known member, a disenrolled member, a merge or a
//! cancellation tend cannot place), or rejected (it could not be read). A
//! message whose sender and control ID were seen before is not applied
//! again: its first outcome is answered again. What a message means is
//! decided by the feed (`hl7::plan`); the store only writes it.

use chrono::NaiveDateTime;
use rusqlite::{params, OptionalExtension};

use super::encounters::{NewEncounter, Rules};
use super::write::utc_text;
use super::{AuditAction, Store, StoreError, Tx};
use crate::domain::encounter::{
    Complexity, Diagnosis, Disposition, EncounterClass, EncounterStatus,
};
use crate::domain::patient::EnrollmentStatus;
use crate::domain::role::Right;

/// A message as received, before anything is made of it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ReceivedMessage {
    /// The sending application and facility (MSH-3, MSH-4), as read.
    pub sender: String,
    pub control_id: Option<String>,
    pub event: Option<String>,
    pub raw: String,
}

/// What a readable message asks of tend.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct AdtPlan {
    /// The member IDs the message names (PID-3, filtered by the configured
    /// assigning authority), the first match wins.
    pub member_ids: Vec<String>,
    pub action: AdtAction,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum AdtAction {
    /// Admit, discharge, register, class change or update: the encounter
    /// as the message says it is now. Fields the message leaves empty keep
    /// what an earlier message said.
    Encounter {
        visit: Option<String>,
        fields: EncounterFields,
    },
    /// A11: the admission (or registration) did not happen.
    CancelAdmit { visit: Option<String> },
    /// A13: the discharge did not happen; the stay goes on.
    CancelDischarge { visit: Option<String> },
    /// A40: the sender merged the record of `prior` into the member's.
    Merge { prior_member_ids: Vec<String> },
}

/// An encounter's fields as one message gives them.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct EncounterFields {
    pub class: Option<EncounterClass>,
    /// When the message alone decides the class (A06, A07 without PV1-2).
    pub class_if_unknown: Option<EncounterClass>,
    pub facility: Option<String>,
    pub started_at: Option<NaiveDateTime>,
    pub ended_at: Option<NaiveDateTime>,
    /// A03: the stay or visit ended.
    pub discharged: bool,
    pub disposition_code: Option<String>,
    pub diagnoses: Vec<Diagnosis>,
    /// The message's own time, for a start the message does not give.
    pub event_at: Option<NaiveDateTime>,
    /// The message amends an encounter already known (A06, A07, A08):
    /// without a visit number it is the member's latest from the sender,
    /// whether or not it is still going on.
    pub amends: bool,
}

/// Which encounter a message without a visit number is about.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Lookup {
    /// The member's latest from the sender still going on (an admission,
    /// a registration, a discharge).
    Open,
    /// The latest not cancelled (an update, a class change, a cancelled
    /// admission).
    Latest,
    /// The latest finished stay (a cancelled discharge).
    Discharged,
}

/// What became of a message.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum AdtOutcome {
    Applied {
        message_id: i64,
        encounter_id: Option<i64>,
    },
    /// Kept for a supervisor, with why (never patient data).
    Queued { message_id: i64, reason: String },
    /// Could not be read; kept, with why.
    Rejected { message_id: i64, reason: String },
    /// Its control ID was seen before from this sender: not applied again.
    Repeated { message_id: i64, state: String },
}

impl Store {
    /// Receives one message: applies its plan (or queues or rejects it) in
    /// one transaction with its log row. `plan` is `Err(reason)` for a
    /// message that could not be read.
    pub fn receive_adt(
        &mut self,
        message: &ReceivedMessage,
        plan: Result<&AdtPlan, &str>,
    ) -> Result<AdtOutcome, StoreError> {
        self.require(Right::Import)?;
        let rules = self.rules();
        self.write(|tx| {
            let plan = match plan {
                Ok(plan) => plan,
                Err(reason) => return tx.reject(message, reason),
            };
            if let Some(control_id) = &message.control_id {
                let seen: Option<(i64, String, String)> = tx
                    .conn()
                    .prepare_cached(
                        "SELECT id, state, raw FROM adt_message
                          WHERE sender = ?1 AND control_id = ?2 AND state != 'rejected'",
                    )?
                    .query_row(params![message.sender, control_id], |r| {
                        Ok((r.get(0)?, r.get(1)?, r.get(2)?))
                    })
                    .optional()?;
                match seen {
                    // The same message again (the sender missed the ACK):
                    // nothing new is written, but the repeat is audited.
                    Some((message_id, state, raw)) if same_text(&raw, &message.raw) => {
                        tx.audit(
                            AuditAction::Execute,
                            "AdtMessage",
                            Some(message_id),
                            None,
                            Some("repeated control ID: not applied again"),
                        )?;
                        return Ok(AdtOutcome::Repeated { message_id, state });
                    }
                    Some(_) => return tx.reject(
                        message,
                        "MSH-10: the sender used this control ID before for a different message",
                    ),
                    None => {}
                }
            }
            let patient = match tx.match_member(&plan.member_ids)? {
                Matched::Patient(id) => id,
                Matched::Nobody(reason) => return tx.queue(message, reason, None),
            };
            tx.apply_plan(message, plan, patient, &rules)
        })
    }
}

/// Whether two messages are the same text, whatever their line breaks.
fn same_text(a: &str, b: &str) -> bool {
    let segments = |t: &str| -> Vec<String> {
        t.split(['\r', '\n'])
            .filter(|s| !s.trim().is_empty())
            .map(str::to_string)
            .collect()
    };
    segments(a) == segments(b)
}

pub(super) enum Matched {
    Patient(i64),
    Nobody(String),
}

impl Tx<'_> {
    fn log_message(
        &mut self,
        message: &ReceivedMessage,
        state: &str,
        reason: Option<&str>,
        patient_id: Option<i64>,
        encounter_id: Option<i64>,
    ) -> Result<i64, StoreError> {
        self.conn()
            .prepare_cached(
                "INSERT INTO adt_message (received_at, sender, control_id, event, raw, state,
                   reason, patient_id, encounter_id)
                 VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9)",
            )?
            .execute(params![
                utc_text(self.now()),
                message.sender,
                message.control_id,
                message.event,
                message.raw,
                state,
                reason,
                patient_id,
                encounter_id
            ])?;
        Ok(self.conn().last_insert_rowid())
    }

    fn reject(
        &mut self,
        message: &ReceivedMessage,
        reason: &str,
    ) -> Result<AdtOutcome, StoreError> {
        let id = self.log_message(message, "rejected", Some(reason), None, None)?;
        self.audit(
            AuditAction::Create,
            "AdtMessage",
            Some(id),
            None,
            Some("rejected"),
        )?;
        Ok(AdtOutcome::Rejected {
            message_id: id,
            reason: reason.to_string(),
        })
    }

    fn queue(
        &mut self,
        message: &ReceivedMessage,
        reason: String,
        patient_id: Option<i64>,
    ) -> Result<AdtOutcome, StoreError> {
        let id = self.log_message(message, "queued", Some(&reason), patient_id, None)?;
        self.audit(
            AuditAction::Create,
            "AdtMessage",
            Some(id),
            patient_id,
            Some(&format!("queued: {reason}")),
        )?;
        Ok(AdtOutcome::Queued {
            message_id: id,
            reason,
        })
    }

    pub(super) fn match_member(&self, member_ids: &[String]) -> Result<Matched, StoreError> {
        if member_ids.is_empty() {
            return Ok(Matched::Nobody(
                "the message names no member ID tend reads (PID-3 with the configured assigning authority)"
                    .into(),
            ));
        }
        let mut stmt = self
            .conn()
            .prepare_cached("SELECT id, enrollment_status FROM patient WHERE member_id = ?1")?;
        for member_id in member_ids {
            let found: Option<(i64, String)> = stmt
                .query_row([member_id.trim()], |r| Ok((r.get(0)?, r.get(1)?)))
                .optional()?;
            if let Some((id, status)) = found {
                if status == EnrollmentStatus::Disenrolled.code() {
                    return Ok(Matched::Nobody(
                        "the member is disenrolled: a supervisor decides whether it applies".into(),
                    ));
                }
                return Ok(Matched::Patient(id));
            }
        }
        Ok(Matched::Nobody(
            "no member in tend has the message's member ID".into(),
        ))
    }

    fn apply_plan(
        &mut self,
        message: &ReceivedMessage,
        plan: &AdtPlan,
        patient_id: i64,
        rules: &Rules,
    ) -> Result<AdtOutcome, StoreError> {
        self.apply_plan_to(message, plan, patient_id, rules, None)
    }

    /// Applies a plan to a patient; logs the message unless it is already
    /// in the log (`logged`, when a supervisor resolves it).
    pub(super) fn apply_plan_to(
        &mut self,
        message: &ReceivedMessage,
        plan: &AdtPlan,
        patient_id: i64,
        rules: &Rules,
        logged: Option<i64>,
    ) -> Result<AdtOutcome, StoreError> {
        let sender = match logged {
            Some(id) => self.conn().query_row(
                "SELECT sender FROM adt_message WHERE id = ?1",
                [id],
                |r| r.get(0),
            )?,
            None => message.sender.clone(),
        };
        let queue = |tx: &mut Self, reason: &str| -> Result<AdtOutcome, StoreError> {
            match logged {
                Some(id) => Ok(AdtOutcome::Queued {
                    message_id: id,
                    reason: reason.to_string(),
                }),
                None => tx.queue(message, reason.to_string(), Some(patient_id)),
            }
        };
        let encounter_id = match &plan.action {
            AdtAction::Encounter { visit, fields } => {
                let lookup = if fields.amends {
                    Lookup::Latest
                } else {
                    Lookup::Open
                };
                let existing =
                    // An amendment may change the class: found whatever it was.
                    self.find_encounter(
                        patient_id,
                        &sender,
                        visit.as_deref(),
                        fields.class.filter(|_| !fields.amends),
                        lookup,
                    )?;
                let id = self.write_encounter(
                    patient_id,
                    &sender,
                    visit.as_deref(),
                    fields,
                    existing,
                    rules.today(),
                )?;
                self.encounter_changed(id, rules, "a feed's message")?;
                Some(id)
            }
            AdtAction::CancelAdmit { visit } | AdtAction::CancelDischarge { visit } => {
                let lookup = match plan.action {
                    AdtAction::CancelAdmit { .. } => Lookup::Latest,
                    _ => Lookup::Discharged,
                };
                let Some(id) =
                    self.find_encounter(patient_id, &sender, visit.as_deref(), None, lookup)?
                else {
                    return queue(
                        self,
                        "no encounter of this member from this sender to cancel",
                    );
                };
                let cancel_admit = matches!(plan.action, AdtAction::CancelAdmit { .. });
                let sql = if cancel_admit {
                    "UPDATE encounter SET status = 'cancelled', version = version + 1,
                            updated_at = ?2 WHERE id = ?1"
                } else {
                    "UPDATE encounter SET status = 'in-progress', ended_at = NULL,
                            disposition = NULL, disposition_code = NULL,
                            version = version + 1, updated_at = ?2 WHERE id = ?1"
                };
                self.conn()
                    .execute(sql, params![id, utc_text(self.now())])?;
                let why = if cancel_admit {
                    "the admission was cancelled (A11)"
                } else {
                    "the discharge was cancelled (A13)"
                };
                self.audit(
                    AuditAction::Update,
                    "Encounter",
                    Some(id),
                    Some(patient_id),
                    Some(why),
                )?;
                self.encounter_changed(id, rules, why)?;
                Some(id)
            }
            AdtAction::Merge { prior_member_ids } => {
                match self.match_member(prior_member_ids)? {
                    Matched::Patient(prior) if prior != patient_id => {
                        return queue(
                            self,
                            "the sender merged two records that are two members in tend: a person decides",
                        );
                    }
                    // The prior record is this member, or not one tend
                    // knows: nothing in tend changes.
                    _ => None,
                }
            }
        };
        let message_id = match logged {
            Some(id) => id,
            None => {
                let id =
                    self.log_message(message, "applied", None, Some(patient_id), encounter_id)?;
                self.audit(
                    AuditAction::Create,
                    "AdtMessage",
                    Some(id),
                    Some(patient_id),
                    Some(&format!(
                        "applied {}",
                        message.event.as_deref().unwrap_or("message")
                    )),
                )?;
                id
            }
        };
        Ok(AdtOutcome::Applied {
            message_id,
            encounter_id,
        })
    }

    /// The encounter a message is about: by the sender's visit number, or
    /// without one, the member's latest encounter from that sender that
    /// `lookup` asks for (of the message's class when it says one).
    fn find_encounter(
        &self,
        patient_id: i64,
        sender: &str,
        visit: Option<&str>,
        class: Option<EncounterClass>,
        lookup: Lookup,
    ) -> Result<Option<i64>, StoreError> {
        if let Some(visit) = visit.filter(|v| !v.trim().is_empty()) {
            let found: Option<(i64, i64)> = self
                .conn()
                .prepare_cached(
                    "SELECT id, patient_id FROM encounter WHERE source_system = ?1 AND source_visit = ?2",
                )?
                .query_row(params![sender, visit], |r| Ok((r.get(0)?, r.get(1)?)))
                .optional()?;
            return match found {
                Some((id, owner)) if owner == patient_id => Ok(Some(id)),
                Some(_) => Err(StoreError::Refused(
                    "the sender's visit number belongs to another member in tend".into(),
                )),
                None => Ok(None),
            };
        }
        let class = class.map(|c| c.code());
        let status = match lookup {
            Lookup::Open => "status = 'in-progress'",
            Lookup::Latest => "status != 'cancelled'",
            Lookup::Discharged => {
                "status = 'finished' AND class IN ('inpatient', 'observation', 'skilled-nursing')"
            }
        };
        let sql = format!(
            "SELECT id FROM encounter
              WHERE patient_id = ?1 AND source_system = ?2 AND source_visit IS NULL
                AND {status} AND (?3 IS NULL OR class = ?3)
              ORDER BY started_at DESC, id DESC LIMIT 1"
        );
        Ok(self
            .conn()
            .prepare_cached(&sql)?
            .query_row(params![patient_id, sender, class], |r| r.get(0))
            .optional()?)
    }

    /// Writes what a message says of an encounter over what was known.
    fn write_encounter(
        &mut self,
        patient_id: i64,
        sender: &str,
        visit: Option<&str>,
        fields: &EncounterFields,
        existing: Option<i64>,
        today: chrono::NaiveDate,
    ) -> Result<i64, StoreError> {
        let before = existing.map(|id| self.load_encounter(id)).transpose()?;
        let class = fields
            .class
            .or(before.as_ref().map(|b| b.class))
            .or(fields.class_if_unknown)
            .unwrap_or(EncounterClass::Inpatient);
        let ended_at = fields
            .ended_at
            .or_else(|| fields.discharged.then_some(fields.event_at).flatten())
            .or(before.as_ref().and_then(|b| b.ended_at));
        let started_at = fields
            .started_at
            .or(before.as_ref().map(|b| b.started_at))
            .or(ended_at)
            .or(fields.event_at)
            .ok_or_else(|| {
                StoreError::Refused(
                    "the message gives no time for the encounter (PV1-44, EVN-2)".into(),
                )
            })?;
        let status = if fields.discharged || fields.ended_at.is_some() {
            EncounterStatus::Finished
        } else {
            before
                .as_ref()
                .map(|b| b.status)
                .filter(|s| *s != EncounterStatus::Cancelled)
                .unwrap_or(EncounterStatus::InProgress)
        };
        let disposition_code = fields.disposition_code.clone();
        let disposition = fields
            .disposition_code
            .as_deref()
            .map(Disposition::from_hl7)
            .or(before.as_ref().and_then(|b| b.disposition));
        super::encounters::check_plausible(started_at, ended_at, today)?;
        let new = NewEncounter {
            patient_id,
            class,
            status,
            facility: fields
                .facility
                .clone()
                .filter(|f| !f.trim().is_empty())
                .or(before.as_ref().map(|b| b.facility.clone()))
                .unwrap_or_else(|| sender.to_string()),
            started_at,
            ended_at,
            disposition,
            disposition_code,
            complexity: before
                .as_ref()
                .map(|b| b.complexity)
                .unwrap_or(Complexity::Moderate),
            provider: before.as_ref().and_then(|b| b.provider),
            diagnoses: fields.diagnoses.clone(),
        };
        match existing {
            Some(id) => {
                self.update_encounter(id, &new)?;
                self.audit(
                    AuditAction::Update,
                    "Encounter",
                    Some(id),
                    Some(patient_id),
                    Some("updated by a feed's message"),
                )?;
                Ok(id)
            }
            None => {
                let visit = visit.filter(|v| !v.trim().is_empty());
                let id = self.insert_encounter(None, &new, Some(sender), visit)?;
                self.audit(
                    AuditAction::Create,
                    "Encounter",
                    Some(id),
                    Some(patient_id),
                    Some(&format!("{} from a feed's message", class.code())),
                )?;
                Ok(id)
            }
        }
    }
}
