//! What went wrong with a message, in HL7's own terms (table 0357, message
//! error condition codes) and located the way an ERR segment locates it.
//!
//! The text of an error names the segment and the field, never a value
//! from the message: values are patient data, and errors end up in logs,
//! ACKs sent back over the wire and on the screen.

use std::fmt;

use super::ack::AckCode;

/// HL7 table 0357 (message error condition codes), the ones this reader
/// reports.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum ErrorCode {
    /// 100: a required segment is missing or out of place.
    SegmentSequence,
    /// 101: a required field is empty.
    RequiredFieldMissing,
    /// 102: a field does not hold its data type (a date that is not one).
    DataType,
    /// 103: a coded value is not in its table.
    TableValueNotFound,
    /// 200: not an ADT message.
    UnsupportedMessageType,
    /// 201: an ADT event this reader does not handle.
    UnsupportedEventCode,
    /// 202: a processing id other than P, T or D.
    UnsupportedProcessingId,
    /// 203: an HL7 version other than 2.3 to 2.8.
    UnsupportedVersionId,
    /// 207: anything else that went wrong on our side.
    ApplicationInternal,
}

impl ErrorCode {
    /// The code as table 0357 numbers it.
    pub fn code(self) -> u16 {
        match self {
            ErrorCode::SegmentSequence => 100,
            ErrorCode::RequiredFieldMissing => 101,
            ErrorCode::DataType => 102,
            ErrorCode::TableValueNotFound => 103,
            ErrorCode::UnsupportedMessageType => 200,
            ErrorCode::UnsupportedEventCode => 201,
            ErrorCode::UnsupportedProcessingId => 202,
            ErrorCode::UnsupportedVersionId => 203,
            ErrorCode::ApplicationInternal => 207,
        }
    }

    /// Table 0357's description of the code.
    pub fn text(self) -> &'static str {
        match self {
            ErrorCode::SegmentSequence => "Segment sequence error",
            ErrorCode::RequiredFieldMissing => "Required field missing",
            ErrorCode::DataType => "Data type error",
            ErrorCode::TableValueNotFound => "Table value not found",
            ErrorCode::UnsupportedMessageType => "Unsupported message type",
            ErrorCode::UnsupportedEventCode => "Unsupported event code",
            ErrorCode::UnsupportedProcessingId => "Unsupported processing id",
            ErrorCode::UnsupportedVersionId => "Unsupported version id",
            ErrorCode::ApplicationInternal => "Application internal error",
        }
    }
}

/// A message that could not be read, and where.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Hl7Error {
    /// The segment's id ("MSH", "PV1"); for a line that is not a readable
    /// segment at all, "" (its first characters could be data).
    pub segment: String,
    /// The segment's 1-based position among the message's segments (empty
    /// lines not counted); 0 when the segment is missing altogether.
    pub sequence: usize,
    /// The field number (MSH-9 is 9), when a field is at fault.
    pub field: Option<usize>,
    /// The component number within the field, when one is at fault.
    pub component: Option<usize>,
    pub code: ErrorCode,
    /// What is wrong, naming segment and field and no value.
    pub message: String,
}

impl Hl7Error {
    pub(crate) fn new(
        segment: &str,
        sequence: usize,
        field: Option<usize>,
        code: ErrorCode,
        message: impl Into<String>,
    ) -> Hl7Error {
        Hl7Error {
            segment: segment.to_string(),
            sequence,
            field,
            component: None,
            code,
            message: message.into(),
        }
    }

    pub(crate) fn at_component(mut self, component: usize) -> Hl7Error {
        self.component = Some(component);
        self
    }

    /// How the sender is answered. `AR` (reject: resending the same
    /// message will not help, or we cannot tell what it is) when there is
    /// no readable MSH, when MSH is missing a field we need to know what
    /// the message is (MSH-9, MSH-10, MSH-11, MSH-12), or when the message
    /// type, event, processing id or version is one we do not take. `AE`
    /// (error in the content) for everything else: a bad date, a missing
    /// PID-3, a missing PV1, an unreadable segment further down.
    pub fn severity(&self) -> AckCode {
        let header = self.segment == "MSH" && self.field != Some(7);
        if header || (200..=203).contains(&self.code.code()) {
            AckCode::AR
        } else {
            AckCode::AE
        }
    }
}

impl fmt::Display for Hl7Error {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "{} ({} {})",
            self.message,
            self.code.code(),
            self.code.text()
        )
    }
}

impl std::error::Error for Hl7Error {}
