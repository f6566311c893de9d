//! ADT messages read into what tend keeps of them.
//!
//! Pipeline: the text is cut into segments (`\r`, `\n` or `\r\n` between
//! them, empty lines ignored), each line checked to be a segment, then
//! hl7-parser gives the structure and decodes escapes; the interpretation
//! of MSH, EVN, PID, PV1, DG1 and MRG is this file's. Nothing here does
//! I/O. Errors name segment and field and never carry a value from the
//! message (see [`Hl7Error`]).
//!
//! Times are the wall clock as sent, the offset dropped (see
//! [`super::fields::timestamp`]).

use chrono::NaiveDateTime;
use hl7_parser::message::{Segment, Separators};
use hl7_parser::Message;

use super::error::{ErrorCode, Hl7Error};
use super::fields::{comp, opt_text, repeats, sub, text, timestamp};
use crate::domain::encounter::{Diagnosis, EncounterClass};

/// The HL7 versions read (MSH-12.1).
pub const VERSIONS: &[&str] = &[
    "2.3", "2.3.1", "2.4", "2.5", "2.5.1", "2.6", "2.7", "2.7.1", "2.8", "2.8.1", "2.8.2",
];

macro_rules! events {
    ($($v:ident = $doc:literal),* $(,)?) => {
        /// The ADT trigger events read.
        #[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
        pub enum AdtEvent { $(#[doc = $doc] $v),* }

        impl AdtEvent {
            pub const ALL: &'static [AdtEvent] = &[$(AdtEvent::$v),*];

            /// The event code ("A01").
            pub fn code(self) -> &'static str {
                match self { $(AdtEvent::$v => stringify!($v)),* }
            }

            pub fn from_code(code: &str) -> Option<AdtEvent> {
                let code = code.trim();
                AdtEvent::ALL.iter().copied().find(|e| e.code().eq_ignore_ascii_case(code))
            }
        }
    };
}

events!(
    A01 = "Admit (an inpatient or observation stay begins).",
    A03 = "Discharge (a stay or visit ends).",
    A04 = "Register (an emergency or outpatient visit).",
    A06 = "Change an outpatient to an inpatient.",
    A07 = "Change an inpatient to an outpatient.",
    A08 = "Update patient information.",
    A11 = "Cancel admit or registration.",
    A13 = "Cancel discharge.",
    A40 = "Merge patient identifier lists (MRG names the identifiers merged away).",
);

/// A patient identifier (CX): CX.1 and the assigning authority CX.4's
/// first component (HD.1).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Identifier {
    pub id: String,
    pub authority: String,
}

/// One ADT message, read.
#[derive(Debug, Clone, PartialEq)]
pub struct AdtMessage {
    /// MSH-10.
    pub control_id: String,
    /// MSH-3.1.
    pub sending_application: String,
    /// MSH-4.1.
    pub sending_facility: String,
    /// MSH-5.1 (echoed back as the ACK's sender).
    pub receiving_application: String,
    /// MSH-6.1.
    pub receiving_facility: String,
    /// MSH-7.
    pub sent_at: Option<NaiveDateTime>,
    /// MSH-11.1: P (production), T (training) or D (debugging).
    pub processing_id: String,
    /// MSH-12.1.
    pub version: String,
    /// MSH-9.2, else EVN-1.
    pub event: AdtEvent,
    /// EVN-2.
    pub event_at: Option<NaiveDateTime>,
    /// PID-3, every repetition that has an id.
    pub identifiers: Vec<Identifier>,
    /// PV1-2 as sent (table 0004: E, I, O, P, R, B, ...).
    pub patient_class: Option<String>,
    /// Mapped by [`encounter_class`].
    pub class: Option<EncounterClass>,
    /// PV1-10.
    pub hospital_service: Option<String>,
    /// PV1-3.4 (HD.1), else PV1-39, else MSH-4.1.
    pub facility: Option<String>,
    /// PV1-19.1: ties the A01, A08 and A03 of one stay together.
    pub visit_number: Option<String>,
    /// PV1-44.
    pub admitted_at: Option<NaiveDateTime>,
    /// PV1-45.
    pub discharged_at: Option<NaiveDateTime>,
    /// PV1-36 as sent (see `Disposition::from_hl7`).
    pub disposition_code: Option<String>,
    /// DG1-3, priority 1 first, then in the order sent; only ICD-10 codes.
    pub diagnoses: Vec<Diagnosis>,
    /// MRG-1, for A40.
    pub prior_identifiers: Vec<Identifier>,
}

/// The MSH fields an ACK echoes, read from a parsed message or, best
/// effort, from one that could not be parsed ([`msh_echo`]).
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct MshEcho {
    pub sending_application: String,
    pub sending_facility: String,
    pub receiving_application: String,
    pub receiving_facility: String,
    pub control_id: String,
    pub version: String,
    pub event: String,
}

impl AdtMessage {
    pub fn echo(&self) -> MshEcho {
        MshEcho {
            sending_application: self.sending_application.clone(),
            sending_facility: self.sending_facility.clone(),
            receiving_application: self.receiving_application.clone(),
            receiving_facility: self.receiving_facility.clone(),
            control_id: self.control_id.clone(),
            version: self.version.clone(),
            event: self.event.code().to_string(),
        }
    }
}

/// The encounter class of a visit, chosen from PV1-2 (patient class, table
/// 0004), PV1-10 (hospital service) and PV1-18 (patient type):
///
/// - PV1-2 `E` emergency; `I` inpatient; `B` (obstetrics) inpatient; `O`
///   outpatient; `R` (recurring) outpatient; `OBS` (a local value some
///   feeds send) observation. `P` (preadmit), `N`, `U`, `C` and anything
///   else: no class.
/// - An inpatient whose hospital service is `SNF`, `REH`, `REHAB` or `RHB`
///   is in a skilled nursing or rehabilitation stay.
/// - An emergency, inpatient or outpatient whose patient type contains
///   `OBS` is an observation stay (how most feeds mark observation).
pub fn encounter_class(
    patient_class: &str,
    hospital_service: &str,
    patient_type: &str,
) -> Option<EncounterClass> {
    let base = match patient_class.trim().to_ascii_uppercase().as_str() {
        "E" => EncounterClass::Emergency,
        "I" | "B" => EncounterClass::Inpatient,
        "O" | "R" => EncounterClass::Outpatient,
        "OBS" => return Some(EncounterClass::Observation),
        _ => return None,
    };
    let service = hospital_service.trim().to_ascii_uppercase();
    if base == EncounterClass::Inpatient
        && matches!(service.as_str(), "SNF" | "REH" | "REHAB" | "RHB")
    {
        return Some(EncounterClass::SkilledNursing);
    }
    if patient_type.to_ascii_uppercase().contains("OBS") {
        return Some(EncounterClass::Observation);
    }
    Some(base)
}

fn err(seg: &str, seq: usize, field: Option<usize>, code: ErrorCode, msg: &str) -> Hl7Error {
    Hl7Error::new(seg, seq, field, code, msg)
}

/// Cuts the text into segment lines and checks each is a segment: MSH
/// first, with readable encoding characters; the others a three-letter
/// id followed by the field separator (or nothing).
fn lines(input: &str) -> Result<Vec<String>, Hl7Error> {
    let input = input.strip_prefix('\u{feff}').unwrap_or(input);
    let lines: Vec<&str> = input
        .split(['\r', '\n'])
        .filter(|l| !l.trim().is_empty())
        .collect();
    let Some(first) = lines.first().filter(|l| l.starts_with("MSH")) else {
        let m = "no MSH segment at the start";
        return Err(err("MSH", 1, None, ErrorCode::SegmentSequence, m));
    };
    let bad_msh = || {
        let m = "MSH-1 and MSH-2 (field separator and encoding characters) are not readable";
        err("MSH", 1, Some(2), ErrorCode::DataType, m)
    };
    let mut chars = first.chars().skip(3);
    let fs = chars
        .next()
        .filter(|c| c.is_ascii_punctuation())
        .ok_or_else(bad_msh)?;
    let encoding: String = chars.take_while(|c| *c != fs).collect();
    let distinct = |s: &str| s.chars().all(|c| c.is_ascii_punctuation() && c != fs);
    let msh = match encoding.chars().count() {
        4 if distinct(&encoding) => first.to_string(),
        // 2.7 adds a truncation character, which hl7-parser does not expect.
        5 if distinct(&encoding) => format!("MSH{fs}{}{}", &encoding[..4], &first[9..]),
        _ => return Err(bad_msh()),
    };
    let mut out = vec![msh];
    for (i, line) in lines.iter().enumerate().skip(1) {
        let name_ok = line.len() >= 3 && line.as_bytes()[..3].iter().all(u8::is_ascii_alphanumeric);
        if name_ok && line.len() == 3 {
            out.push(format!("{line}{fs}"));
        } else if name_ok && line[3..].starts_with(fs) {
            out.push(line.to_string());
        } else {
            let m = format!(
                "segment {} is not a segment (no segment id and field separator)",
                i + 1
            );
            return Err(err("", i + 1, None, ErrorCode::SegmentSequence, &m));
        }
    }
    Ok(out)
}

/// Reads one ADT message.
pub fn parse(input: &str) -> Result<AdtMessage, Hl7Error> {
    let lines = lines(input)?;
    let joined = lines.join("\r");
    let message = Message::parse(&joined).map_err(|_| {
        err(
            "MSH",
            1,
            None,
            ErrorCode::ApplicationInternal,
            "the message could not be read",
        )
    })?;
    if message.segments.len() != lines.len() {
        let seq = message.segments.len() + 1;
        let m = format!("segment {seq} could not be read");
        return Err(err("", seq, None, ErrorCode::SegmentSequence, &m));
    }
    Reader {
        message: &message,
        seps: &message.separators,
    }
    .read()
}

struct Reader<'a, 'm> {
    message: &'a Message<'m>,
    seps: &'a Separators,
}

impl<'a, 'm> Reader<'a, 'm> {
    /// The first segment named `name` and its 1-based position.
    fn find(&self, name: &str) -> Option<(usize, &'a Segment<'m>)> {
        let segments = &self.message.segments;
        segments
            .iter()
            .enumerate()
            .find(|(_, s)| s.name == name)
            .map(|(i, s)| (i + 1, s))
    }

    fn required(&self, name: &str, what: &str) -> Result<(usize, &'a Segment<'m>), Hl7Error> {
        self.find(name).ok_or_else(|| {
            let m = format!("no {name} segment ({what})");
            err(name, 0, None, ErrorCode::SegmentSequence, &m)
        })
    }

    fn text(&self, raw: &str) -> String {
        text(raw, self.seps)
    }

    fn time(
        &self,
        seg: &Segment<'_>,
        seq: usize,
        f: usize,
    ) -> Result<Option<NaiveDateTime>, Hl7Error> {
        timestamp(comp(seg, f, 1, 1)).map_err(|()| {
            let m = format!("{}-{f} is not a date", seg.name);
            err(seg.name, seq, Some(f), ErrorCode::DataType, &m)
        })
    }

    fn identifiers(&self, seg: &Segment<'_>, f: usize) -> Vec<Identifier> {
        (1..=repeats(seg, f))
            .map(|r| Identifier {
                id: self.text(comp(seg, f, r, 1)),
                authority: self.text(sub(seg, f, r, 4, 1)),
            })
            .filter(|i| !i.id.is_empty())
            .collect()
    }

    fn read(&self) -> Result<AdtMessage, Hl7Error> {
        let msh = &self.message.segments[0];
        let missing = |f: usize, what: &str| {
            let m = format!("MSH-{f} ({what}) is empty");
            err("MSH", 1, Some(f), ErrorCode::RequiredFieldMissing, &m)
        };
        let kind = comp(msh, 9, 1, 1).trim();
        if kind.is_empty() {
            return Err(missing(9, "message type"));
        }
        let control_id = self.text(msh.field(10).map_or("", |f| f.raw_value()));
        if control_id.is_empty() {
            return Err(missing(10, "message control id"));
        }
        let version = comp(msh, 12, 1, 1).trim().to_string();
        if version.is_empty() {
            return Err(missing(12, "version id"));
        }
        if !VERSIONS.contains(&version.as_str()) {
            let m = "MSH-12 (version id) is not a version read here (2.3 to 2.8)";
            return Err(err("MSH", 1, Some(12), ErrorCode::UnsupportedVersionId, m));
        }
        if kind != "ADT" {
            let m = "MSH-9 (message type) is not ADT";
            let e = err("MSH", 1, Some(9), ErrorCode::UnsupportedMessageType, m);
            return Err(e.at_component(1));
        }
        let processing_id = comp(msh, 11, 1, 1).trim().to_string();
        if processing_id.is_empty() {
            return Err(missing(11, "processing id"));
        }
        if !matches!(processing_id.as_str(), "P" | "T" | "D") {
            let m = "MSH-11 (processing id) is not P, T or D";
            return Err(err(
                "MSH",
                1,
                Some(11),
                ErrorCode::UnsupportedProcessingId,
                m,
            ));
        }
        let evn = self.find("EVN");
        let event = self.event(msh, evn)?;
        let sent_at = self.time(msh, 1, 7)?;
        let event_at = match evn {
            Some((seq, seg)) => self.time(seg, seq, 2)?,
            None => None,
        };

        let (pid_seq, pid) = self.required("PID", "patient identification")?;
        let identifiers = self.identifiers(pid, 3);
        if identifiers.is_empty() {
            let m = "PID-3 (patient identifier list) has no identifier";
            return Err(err(
                "PID",
                pid_seq,
                Some(3),
                ErrorCode::RequiredFieldMissing,
                m,
            ));
        }

        let sending_facility = self.text(comp(msh, 4, 1, 1));
        let mut adt = AdtMessage {
            control_id,
            sending_application: self.text(comp(msh, 3, 1, 1)),
            sending_facility: sending_facility.clone(),
            receiving_application: self.text(comp(msh, 5, 1, 1)),
            receiving_facility: self.text(comp(msh, 6, 1, 1)),
            sent_at,
            processing_id,
            version,
            event,
            event_at,
            identifiers,
            patient_class: None,
            class: None,
            hospital_service: None,
            facility: Some(sending_facility).filter(|f| !f.is_empty()),
            visit_number: None,
            admitted_at: None,
            discharged_at: None,
            disposition_code: None,
            diagnoses: Vec::new(),
            prior_identifiers: Vec::new(),
        };

        let pv1 = if event == AdtEvent::A40 {
            self.find("PV1")
        } else {
            Some(self.required("PV1", "patient visit")?)
        };
        if let Some((seq, pv1)) = pv1 {
            self.visit(&mut adt, seq, pv1)?;
        }
        adt.diagnoses = self.diagnoses();
        if event == AdtEvent::A40 {
            let (seq, mrg) = self.required("MRG", "merge patient information")?;
            adt.prior_identifiers = self.identifiers(mrg, 1);
            if adt.prior_identifiers.is_empty() {
                let m = "MRG-1 (prior patient identifier list) has no identifier";
                return Err(err("MRG", seq, Some(1), ErrorCode::RequiredFieldMissing, m));
            }
        }
        Ok(adt)
    }

    /// MSH-9.2, else EVN-1.
    fn event(
        &self,
        msh: &Segment<'_>,
        evn: Option<(usize, &Segment<'_>)>,
    ) -> Result<AdtEvent, Hl7Error> {
        let (seg, seq, f, c, code) = match comp(msh, 9, 1, 2).trim() {
            "" => match evn {
                Some((seq, evn)) => ("EVN", seq, 1, 1, comp(evn, 1, 1, 1).trim()),
                None => ("MSH", 1, 9, 2, ""),
            },
            code => ("MSH", 1, 9, 2, code),
        };
        if code.is_empty() {
            let m = "MSH-9.2 (trigger event) is empty and EVN-1 names none";
            return Err(err(seg, seq, Some(f), ErrorCode::RequiredFieldMissing, m).at_component(c));
        }
        AdtEvent::from_code(code).ok_or_else(|| {
            let m = format!("{seg}-{f} names an ADT event not read here");
            err(seg, seq, Some(f), ErrorCode::UnsupportedEventCode, &m).at_component(c)
        })
    }

    fn visit(&self, adt: &mut AdtMessage, seq: usize, pv1: &Segment<'_>) -> Result<(), Hl7Error> {
        let patient_class = comp(pv1, 2, 1, 1).trim();
        let service = self.text(comp(pv1, 10, 1, 1));
        let patient_type = self.text(comp(pv1, 18, 1, 1));
        adt.class = encounter_class(patient_class, &service, &patient_type);
        adt.patient_class = Some(patient_class.to_string()).filter(|c| !c.is_empty());
        adt.hospital_service = Some(service).filter(|s| !s.is_empty());
        let facility = [sub(pv1, 3, 1, 4, 1), comp(pv1, 39, 1, 1)]
            .into_iter()
            .find_map(|raw| opt_text(raw, self.seps));
        if facility.is_some() {
            adt.facility = facility;
        }
        adt.visit_number = opt_text(comp(pv1, 19, 1, 1), self.seps);
        adt.admitted_at = self.time(pv1, seq, 44)?;
        adt.discharged_at = self.time(pv1, seq, 45)?;
        adt.disposition_code = opt_text(comp(pv1, 36, 1, 1), self.seps);
        Ok(())
    }

    /// DG1-3 of every DG1 coded in ICD-10 (DG1-3.3 empty, `I10`, `I10C`,
    /// `ICD10`, `ICD-10-CM`); the text is DG1-3.2, else DG1-4 (the older
    /// versions' description). Priority 1 (DG1-15) first.
    fn diagnoses(&self) -> Vec<Diagnosis> {
        let mut found: Vec<(bool, Diagnosis)> = Vec::new();
        for seg in self.message.segments.iter().filter(|s| s.name == "DG1") {
            let system: String = comp(seg, 3, 1, 3)
                .chars()
                .filter(|c| c.is_ascii_alphanumeric())
                .collect::<String>()
                .to_ascii_uppercase();
            if !matches!(system.as_str(), "" | "I10" | "I10C" | "ICD10" | "ICD10CM") {
                continue;
            }
            let code = self.text(comp(seg, 3, 1, 1)).to_uppercase();
            if code.is_empty() {
                continue;
            }
            let mut display = self.text(comp(seg, 3, 1, 2));
            if display.is_empty() {
                display = self.text(comp(seg, 4, 1, 1));
            }
            let principal = comp(seg, 15, 1, 1).trim() == "1";
            found.push((principal, Diagnosis { code, display }));
        }
        found.sort_by_key(|(principal, _)| !principal);
        found.into_iter().map(|(_, d)| d).collect()
    }
}

/// The MSH fields an ACK needs, read best effort from a message that
/// [`parse`] refused: the first line starting with `MSH`, cut by its own
/// field separator. `None` when there is no such line.
pub fn msh_echo(input: &str) -> Option<MshEcho> {
    let line = input
        .split(['\r', '\n'])
        .map(|l| l.trim_start_matches('\u{feff}'))
        .find(|l| l.starts_with("MSH"))?;
    let fs = line[3..].chars().next()?;
    let parts: Vec<&str> = line.split(fs).collect();
    let enc: Vec<char> = parts.get(1).map_or(Vec::new(), |p| p.chars().collect());
    let seps = Separators {
        field: fs,
        component: enc.first().copied().unwrap_or('^'),
        repetition: enc.get(1).copied().unwrap_or('~'),
        escape: enc.get(2).copied().unwrap_or('\\'),
        subcomponent: enc.get(3).copied().unwrap_or('&'),
        lenient_newlines: false,
    };
    // MSH-n is parts[n - 1]: MSH-1 is the separator itself.
    let field = |n: usize| parts.get(n - 1).copied().unwrap_or("");
    let first = |raw: &str, c: usize| {
        let component = raw.split(seps.repetition).next().unwrap_or("");
        let component = component.split(seps.component).nth(c - 1).unwrap_or("");
        text(
            component.split(seps.subcomponent).next().unwrap_or(""),
            &seps,
        )
    };
    Some(MshEcho {
        sending_application: first(field(3), 1),
        sending_facility: first(field(4), 1),
        receiving_application: first(field(5), 1),
        receiving_facility: first(field(6), 1),
        control_id: text(field(10), &seps),
        version: first(field(12), 1),
        event: first(field(9), 2),
    })
}

#[cfg(test)]
#[path = "adt_tests.rs"]
mod tests;
