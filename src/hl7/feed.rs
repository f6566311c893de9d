//! One message in, one answer out: the pipeline every ADT message takes,
//! from a file or off the wire. Read (decode, parse) → plan → write (the
//! store applies, queues or rejects it in one transaction with its log
//! row) → the ACK. A message that cannot be read is still kept, in the
//! rejected queue, and answered AE or AR with where it went wrong.

use super::ack::{ack, AckCode};
use super::adt::{msh_echo, parse, MshEcho};
use super::error::{ErrorCode, Hl7Error};
use super::mllp::decode;
use super::plan::{plan, FeedSettings};
use crate::store::{AdtOutcome, ReceivedMessage, Store, StoreError};

/// What became of one message, and the ACK that says so.
#[derive(Debug, Clone)]
pub struct Answer {
    pub outcome: AdtOutcome,
    pub code: AckCode,
    pub ack: String,
    /// The message's control ID and event, as far as they could be read
    /// (for the log: neither is patient data).
    pub control_id: String,
    pub event: String,
    /// Why it was not applied, for a message that was not (no values).
    pub reason: Option<String>,
}

impl Answer {
    /// One line for the listener's log or the import's report.
    pub fn log_line(&self) -> String {
        let what = match &self.outcome {
            AdtOutcome::Applied { .. } => "applied".to_string(),
            AdtOutcome::Queued { reason, .. } => format!("queued for a supervisor: {reason}"),
            AdtOutcome::Rejected { reason, .. } => format!("rejected: {reason}"),
            AdtOutcome::Repeated { state, .. } => {
                format!("a repeat of a message already {state}: not applied again")
            }
        };
        let control = if self.control_id.is_empty() {
            "(no control ID)".to_string()
        } else {
            crate::text::clean(&self.control_id).into_owned()
        };
        let event = if self.event.is_empty() {
            "?"
        } else {
            &self.event
        };
        format!("message {control} {event}: {what} ({})", self.code.code())
    }
}

/// Receives one message's bytes into the store and answers it.
pub fn receive(
    store: &mut Store,
    bytes: &[u8],
    settings: &FeedSettings,
) -> Result<Answer, StoreError> {
    let text = decode(bytes);
    let parsed = parse(&text);
    let echo = match &parsed {
        Ok(message) => message.echo(),
        Err(_) => msh_echo(&text).unwrap_or_default(),
    };
    let received = ReceivedMessage {
        sender: sender_of(&echo),
        control_id: Some(echo.control_id.clone()).filter(|c| !c.trim().is_empty()),
        event: Some(echo.event.clone()).filter(|e| !e.is_empty()),
        raw: text.clone(),
    };
    let (outcome, error) = match &parsed {
        Ok(message) => {
            let plan = plan(message, settings);
            match store.receive_adt(&received, Ok(&plan)) {
                Ok(outcome) => (outcome, None),
                // The store would not apply it (a visit number that is
                // another member's, no time at all): kept as rejected.
                Err(StoreError::Refused(reason)) => {
                    let error = Hl7Error {
                        segment: "PV1".into(),
                        sequence: 0,
                        field: None,
                        component: None,
                        code: ErrorCode::ApplicationInternal,
                        message: reason,
                    };
                    let outcome = store.receive_adt(&received, Err(&error.message))?;
                    (outcome, Some(error))
                }
                Err(other) => return Err(other),
            }
        }
        Err(error) => {
            let outcome = store.receive_adt(&received, Err(&error.message))?;
            (outcome, Some(error.clone()))
        }
    };
    // Rejected by the store rather than the parser (a control ID used
    // before for another message): an application error, said in ERR.
    let (code, error) = match (&outcome, error) {
        (AdtOutcome::Rejected { .. }, Some(error)) => (error.severity(), Some(error)),
        (AdtOutcome::Rejected { reason, .. }, None) => (
            AckCode::AE,
            Some(Hl7Error {
                segment: "MSH".into(),
                sequence: 1,
                field: Some(10),
                component: None,
                code: ErrorCode::ApplicationInternal,
                message: reason.clone(),
            }),
        ),
        (_, error) => (AckCode::AA, error),
    };
    let reason = match &outcome {
        AdtOutcome::Queued { reason, .. } | AdtOutcome::Rejected { reason, .. } => {
            Some(reason.clone())
        }
        _ => None,
    };
    let message_id = match &outcome {
        AdtOutcome::Applied { message_id, .. }
        | AdtOutcome::Queued { message_id, .. }
        | AdtOutcome::Rejected { message_id, .. }
        | AdtOutcome::Repeated { message_id, .. } => *message_id,
    };
    let now = store.clock().now().naive_local();
    let ack_text = ack(
        Some(&echo),
        code,
        error.as_ref().filter(|_| code != AckCode::AA),
        now,
        &format!("TEND{message_id}"),
    );
    Ok(Answer {
        outcome,
        code,
        ack: ack_text,
        control_id: echo.control_id,
        event: echo.event,
        reason,
    })
}

/// The sender as the log keys it: MSH-3 and MSH-4.
fn sender_of(echo: &MshEcho) -> String {
    format!("{}^{}", echo.sending_application, echo.sending_facility)
}

/// A frame too large to take (over the MLLP reader's limit): its text is
/// not kept, but that it came is, in the rejected queue, and the sender is
/// answered AR (it would only send it again otherwise).
pub fn too_large(store: &mut Store) -> Result<Answer, StoreError> {
    let received = ReceivedMessage {
        sender: String::new(),
        control_id: None,
        event: None,
        raw: String::new(),
    };
    let reason = format!(
        "a message over {} MiB: not kept (the sender must split it)",
        super::mllp::DEFAULT_MAX_FRAME / (1024 * 1024)
    );
    let outcome = store.receive_adt(&received, Err(&reason))?;
    let error = Hl7Error {
        segment: "MSH".into(),
        sequence: 0,
        field: None,
        component: None,
        code: ErrorCode::ApplicationInternal,
        message: reason.clone(),
    };
    let now = store.clock().now().naive_local();
    let ack_text = ack(None, AckCode::AR, Some(&error), now, "TEND");
    Ok(Answer {
        outcome,
        code: AckCode::AR,
        ack: ack_text,
        control_id: String::new(),
        event: String::new(),
        reason: Some(reason),
    })
}
