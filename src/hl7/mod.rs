//! HL7 v2 ADT: admissions, discharges and visits as hospitals' interface
//! engines send them, from files and live over MLLP.
//!
//! Pipeline, each step pure: bytes ([`mllp::FrameReader`] for a
//! connection, a file's contents otherwise) → text ([`mllp::decode`]:
//! UTF-8, else Latin-1 byte by byte) → [`adt::parse`] (structure and
//! escapes by hl7-parser, the ADT interpretation here) → an
//! [`adt::AdtMessage`] for the caller to plan and write in one transaction,
//! and an [`ack::ack`] to answer the sender with, whose code comes from
//! [`error::Hl7Error::severity`] when the message was refused.

pub mod ack;
pub mod adt;
pub mod error;
mod fields;
pub mod mllp;

pub use ack::{ack, AckCode};
pub use adt::{encounter_class, msh_echo, parse, AdtEvent, AdtMessage, Identifier, MshEcho};
pub use error::{ErrorCode, Hl7Error};
pub use mllp::{decode, write_frame, FrameReader};
