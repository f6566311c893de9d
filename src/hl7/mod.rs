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
//!
//! Then [`plan`] says what the message asks of tend, [`feed::receive`]
//! has the store apply (or queue, or reject) it in one transaction with
//! its log row and builds the ACK; [`file`] reads files of messages for
//! `tend import adt`, and [`listen`] is `tend listen adt`'s MLLP server.

pub mod ack;
pub mod adt;
pub mod error;
pub mod feed;
mod fields;
pub mod file;
pub mod listen;
pub mod mllp;
pub mod plan;

pub use ack::{ack, AckCode};
pub use adt::{encounter_class, msh_echo, parse, AdtEvent, AdtMessage, Identifier, MshEcho};
pub use error::{ErrorCode, Hl7Error};
pub use mllp::{decode, write_frame, FrameReader};
