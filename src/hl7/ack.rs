//! The acknowledgement (ACK) sent back for each message received: MSH,
//! MSA and, for an error or a reject, ERR.

use chrono::NaiveDateTime;
use hl7_parser::message::Separators;

use super::adt::MshEcho;
use super::error::Hl7Error;

/// MSA-1 (table 0008, original mode).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum AckCode {
    /// Accepted.
    AA,
    /// Error: the message was understood but its content could not be
    /// taken; resending it as it is will fail again.
    AE,
    /// Reject: not a message we take (type, event, version) or not one we
    /// can read at all.
    AR,
}

impl AckCode {
    pub fn code(self) -> &'static str {
        match self {
            AckCode::AA => "AA",
            AckCode::AE => "AE",
            AckCode::AR => "AR",
        }
    }
}

/// The version an ACK is written in when the original's is unknown.
pub const DEFAULT_VERSION: &str = "2.5.1";

/// Our application name in an ACK's MSH-3 when the original named no
/// receiving application.
pub const OUR_APPLICATION: &str = "TEND";

/// Writes the ACK for a message: `original` is what could be read of its
/// MSH (from [`super::adt::AdtMessage::echo`], or [`super::adt::msh_echo`]
/// for a message that did not parse, or nothing at all).
///
/// - MSH: the original's receiving application and facility become the
///   sender, its sender the receiver; MSH-7 `now`; MSH-9 `ACK^<event>^ACK`;
///   MSH-10 `our_control_id`; MSH-11 `P`; MSH-12 the original's version,
///   else 2.5.1.
/// - MSA: the code, the original's control id (empty when unknown), and
///   for AE and AR the error's text in MSA-3 (which v2.3 receivers read).
/// - ERR (AE, AR): ERR-1 as v2.3 and v2.4 had it
///   (segment^sequence^field^code&text&HL70357), ERR-2 the location
///   (segment^sequence^field^repetition^component), ERR-3 the table 0357
///   code, ERR-4 severity `E`, ERR-8 the text. A missing segment (sequence
///   0) leaves the sequence empty.
///
/// Segments end with `\r`. Every value is escaped.
pub fn ack(
    original: Option<&MshEcho>,
    code: AckCode,
    error: Option<&Hl7Error>,
    now: NaiveDateTime,
    our_control_id: &str,
) -> String {
    let seps = Separators::default();
    let e = |s: &str| seps.encode(s).to_string();
    let blank = MshEcho::default();
    let o = original.unwrap_or(&blank);
    let version = if o.version.trim().is_empty() {
        DEFAULT_VERSION
    } else {
        o.version.trim()
    };
    let ours = if o.receiving_application.is_empty() {
        OUR_APPLICATION
    } else {
        &o.receiving_application
    };
    let mut out = format!(
        "MSH|^~\\&|{}|{}|{}|{}|{}||ACK^{}^ACK|{}|P|{}\r",
        e(ours),
        e(&o.receiving_facility),
        e(&o.sending_application),
        e(&o.sending_facility),
        now.format("%Y%m%d%H%M%S"),
        e(&o.event),
        e(our_control_id),
        e(version),
    );
    let text = match (code, error) {
        (AckCode::AA, _) | (_, None) => String::new(),
        (_, Some(err)) => e(&err.message),
    };
    out.push_str(&format!(
        "MSA|{}|{}|{}\r",
        code.code(),
        e(&o.control_id),
        text
    ));
    if let (AckCode::AE | AckCode::AR, Some(err)) = (code, error) {
        let seq = if err.sequence == 0 {
            String::new()
        } else {
            err.sequence.to_string()
        };
        let field = err.field.map_or(String::new(), |f| f.to_string());
        let rep = if err.field.is_some() { "1" } else { "" };
        let component = err.component.map_or(String::new(), |c| c.to_string());
        let segment = e(&err.segment);
        let (number, words) = (err.code.code(), err.code.text());
        out.push_str(&format!(
            "ERR|{segment}^{seq}^{field}^{number}&{words}&HL70357|{segment}^{seq}^{field}^{rep}^{component}|{number}^{words}^HL70357|E||||{text}\r"
        ));
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::hl7::adt::parse;
    use chrono::NaiveDate;
    use hl7_parser::Message;

    fn now() -> NaiveDateTime {
        NaiveDate::from_ymd_opt(2026, 5, 6)
            .unwrap()
            .and_hms_opt(7, 8, 9)
            .unwrap()
    }

    const A01: &str = "MSH|^~\\&|ADT1|GOOD HEALTH|TEND|CARE|202605060700||ADT^A01^ADT_A01|MSG00001|P|2.5\rPID|||M0001^^^STATEMCD^MB||Testpatient^Alpha\rPV1||I|W^1^1^GOOD HEALTH";

    #[test]
    fn an_accept_echoes_the_original_and_parses_back() {
        let msg = parse(A01).unwrap();
        let text = ack(Some(&msg.echo()), AckCode::AA, None, now(), "ACK0001");
        assert!(text.ends_with('\r') && !text.contains('\n'));
        let ack = Message::parse(text.trim_end_matches('\r')).unwrap();
        let q = |s: &str| {
            ack.query(s)
                .map(|r| r.raw_value().to_string())
                .unwrap_or_default()
        };
        assert_eq!(q("MSH.3"), "TEND");
        assert_eq!(q("MSH.4"), "CARE");
        assert_eq!(q("MSH.5"), "ADT1");
        assert_eq!(q("MSH.6"), "GOOD HEALTH");
        assert_eq!(q("MSH.7"), "20260506070809");
        assert_eq!(q("MSH.9"), "ACK^A01^ACK");
        assert_eq!(q("MSH.10"), "ACK0001");
        assert_eq!(q("MSH.11"), "P");
        assert_eq!(q("MSH.12"), "2.5");
        assert_eq!(q("MSA.1"), "AA");
        assert_eq!(q("MSA.2"), "MSG00001");
        assert!(ack.segment("ERR").is_none());
    }

    #[test]
    fn an_error_says_where_and_what() {
        let tail = format!("W^1^1^GOOD HEALTH{}2026-13-45", "|".repeat(42));
        let bad = A01.replace("W^1^1^GOOD HEALTH", &tail);
        let error = parse(&bad).unwrap_err();
        assert_eq!(error.severity(), AckCode::AE);
        let text = ack(
            msh_of(&bad).as_ref(),
            error.severity(),
            Some(&error),
            now(),
            "A2",
        );
        let ack = Message::parse(text.trim_end_matches('\r')).unwrap();
        let q = |s: &str| {
            ack.query(s)
                .map(|r| r.raw_value().to_string())
                .unwrap_or_default()
        };
        assert_eq!(q("MSA.1"), "AE");
        assert_eq!(q("MSA.2"), "MSG00001");
        assert_eq!(q("MSA.3"), "PV1-45 is not a date");
        assert_eq!(q("ERR.2"), "PV1^3^45^1^");
        assert_eq!(q("ERR.3"), "102^Data type error^HL70357");
        assert_eq!(q("ERR.4"), "E");
        assert_eq!(q("ERR.8"), "PV1-45 is not a date");
        assert!(!text.contains("2026-13-45"));
    }

    fn msh_of(text: &str) -> Option<MshEcho> {
        crate::hl7::adt::msh_echo(text)
    }

    #[test]
    fn a_message_without_msh_is_rejected_with_what_can_be_said() {
        let error = parse("PID|||M0001\r").unwrap_err();
        assert_eq!(error.severity(), AckCode::AR);
        let text = ack(None, AckCode::AR, Some(&error), now(), "A3");
        let ack = Message::parse(text.trim_end_matches('\r')).unwrap();
        let q = |s: &str| {
            ack.query(s)
                .map(|r| r.raw_value().to_string())
                .unwrap_or_default()
        };
        assert_eq!(q("MSH.12"), DEFAULT_VERSION);
        assert_eq!(q("MSH.9"), "ACK^^ACK");
        assert_eq!(q("MSA.1"), "AR");
        assert_eq!(q("MSA.2"), "");
        assert_eq!(q("ERR.3"), "100^Segment sequence error^HL70357");
    }

    #[test]
    fn values_with_separators_are_escaped() {
        let o = MshEcho {
            sending_application: "A|B".into(),
            control_id: "X^1".into(),
            ..MshEcho::default()
        };
        let text = ack(Some(&o), AckCode::AA, None, now(), "ours");
        let ack = Message::parse(text.trim_end_matches('\r')).unwrap();
        let msa = ack.segment("MSA").unwrap();
        assert_eq!(
            msa.field(2).unwrap().display(&ack.separators).to_string(),
            "X^1"
        );
        let msh = ack.segment("MSH").unwrap();
        assert_eq!(
            msh.field(5).unwrap().display(&ack.separators).to_string(),
            "A|B"
        );
    }
}
