//! The HL7 v2 ADT reader against messages written by independent
//! libraries: python's hl7apy (structure-aware) and `hl7`, through
//! `tests/python/make_adt.py`; and tend's ACKs read back by `hl7`.
//!
//! Python: `TEND_HL7_PYTHON`, else `python3`. When it cannot import `hl7`
//! and `hl7apy`, the test installs them with
//! `python3 -m pip install --quiet hl7 hl7apy` (CI runs as root on a clean
//! machine with PyPI reachable). If that fails the test fails, saying so: a
//! comparison that did not run has compared nothing.

use std::path::{Path, PathBuf};
use std::process::Command;
use std::sync::OnceLock;

use chrono::{NaiveDate, NaiveDateTime};
use tend::domain::encounter::EncounterClass;
use tend::hl7::{
    ack, decode, msh_echo, parse, write_frame, AckCode, AdtEvent, AdtMessage, ErrorCode,
    FrameReader,
};

fn python() -> PathBuf {
    PathBuf::from(std::env::var_os("TEND_HL7_PYTHON").unwrap_or_else(|| "python3".into()))
}

fn has_packages(python: &Path) -> bool {
    Command::new(python)
        .args(["-c", "import hl7, hl7apy"])
        .output()
        .is_ok_and(|o| o.status.success())
}

/// The messages, written once per test run into Cargo's scratch folder.
fn messages() -> &'static Path {
    static DIR: OnceLock<PathBuf> = OnceLock::new();
    DIR.get_or_init(|| {
        let python = python();
        if !has_packages(&python) {
            let out = Command::new(&python)
                .args(["-m", "pip", "install", "--quiet", "hl7", "hl7apy"])
                .output()
                .unwrap_or_else(|e| panic!("cannot run {}: {e}", python.display()));
            assert!(
                out.status.success() && has_packages(&python),
                "the HL7 tests need python's hl7 and hl7apy packages and `{} -m pip install \
                 hl7 hl7apy` failed: {}\ninstall them (or set TEND_HL7_PYTHON to a python \
                 that has them)",
                python.display(),
                String::from_utf8_lossy(&out.stderr)
            );
        }
        let dir = Path::new(env!("CARGO_TARGET_TMPDIR")).join("hl7-python");
        let out = Command::new(&python)
            .arg(script())
            .arg(&dir)
            .output()
            .expect("run make_adt.py");
        assert!(
            out.status.success(),
            "make_adt.py failed: {}",
            String::from_utf8_lossy(&out.stderr)
        );
        dir
    })
}

fn script() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/python/make_adt.py")
}

fn text(name: &str) -> String {
    let path = messages().join(name);
    decode(&std::fs::read(&path).unwrap_or_else(|e| panic!("{}: {e}", path.display())))
}

fn read(name: &str) -> AdtMessage {
    parse(&text(name)).unwrap_or_else(|e| panic!("{name}: {e}"))
}

fn at(y: i32, mo: u32, d: u32, h: u32, mi: u32) -> Option<NaiveDateTime> {
    NaiveDate::from_ymd_opt(y, mo, d)
        .unwrap()
        .and_hms_opt(h, mi, 0)
}

fn ids(list: &[tend::hl7::Identifier]) -> Vec<(&str, &str)> {
    list.iter()
        .map(|i| (i.id.as_str(), i.authority.as_str()))
        .collect()
}

fn dx(m: &AdtMessage) -> Vec<(&str, &str)> {
    m.diagnoses
        .iter()
        .map(|d| (d.code.as_str(), d.display.as_str()))
        .collect()
}

const MEMBER: [(&str, &str); 2] = [("M0001", "STATEMCD"), ("555123", "GH")];

#[test]
fn a01_admission() {
    let m = read("a01.hl7");
    assert_eq!(m.control_id, "A01-0001");
    assert_eq!(m.sending_application, "ADT1");
    assert_eq!(m.sending_facility, "GOOD HEALTH");
    assert_eq!(m.receiving_application, "TEND");
    assert_eq!(m.sent_at, at(2026, 5, 1, 10, 30));
    assert_eq!(m.version, "2.5");
    assert_eq!(m.event, AdtEvent::A01);
    assert_eq!(m.event_at, at(2026, 5, 1, 10, 29));
    assert_eq!(ids(&m.identifiers), MEMBER);
    assert_eq!(m.patient_class.as_deref(), Some("I"));
    assert_eq!(m.class, Some(EncounterClass::Inpatient));
    assert_eq!(m.hospital_service.as_deref(), Some("MED"));
    assert_eq!(m.facility.as_deref(), Some("Good & Well Hospital"));
    assert_eq!(m.visit_number.as_deref(), Some("V1001"));
    assert_eq!(m.admitted_at, at(2026, 5, 1, 10, 30));
    assert_eq!(m.discharged_at, None);
    assert_eq!(m.disposition_code, None);
    // Priority 1 first; the ICD-9 code left out; `|` came escaped.
    assert_eq!(
        dx(&m),
        [
            ("F32.9", "Major depressive disorder | single episode"),
            ("I50.9", "Heart failure, unspecified"),
        ]
    );
    assert!(m.prior_identifiers.is_empty());
}

#[test]
fn a03_discharge_in_crlf_lines_with_an_offset() {
    let m = read("a03.hl7");
    assert_eq!((m.event, m.version.as_str()), (AdtEvent::A03, "2.5.1"));
    assert_eq!(m.control_id, "A03-0001");
    assert_eq!(m.visit_number.as_deref(), Some("V1001"));
    assert_eq!(m.admitted_at, at(2026, 5, 1, 10, 30));
    // 20260506114500-0500: the wall clock as sent.
    assert_eq!(m.discharged_at, at(2026, 5, 6, 11, 45));
    assert_eq!(m.disposition_code.as_deref(), Some("03"));
    assert_eq!(dx(&m), [("I50.9", "Heart failure, unspecified")]);
    assert_eq!(m.facility.as_deref(), Some("Good & Well Hospital"));
}

#[test]
fn a04_emergency_visit_in_2_3() {
    let m = read("a04.hl7");
    assert_eq!((m.event, m.version.as_str()), (AdtEvent::A04, "2.3"));
    assert_eq!(m.patient_class.as_deref(), Some("E"));
    assert_eq!(m.class, Some(EncounterClass::Emergency));
    // No facility in PV1-3: PV1-39, the servicing facility.
    assert_eq!(m.facility.as_deref(), Some("MERCY ED"));
    assert_eq!(m.visit_number.as_deref(), Some("E2002"));
    assert_eq!(m.admitted_at, at(2026, 5, 10, 22, 15));
    assert_eq!(dx(&m), [("R07.9", "Chest pain, unspecified")]);
    assert_eq!(ids(&m.identifiers), MEMBER);
}

#[test]
fn a08_update_to_observation_in_2_6() {
    let m = read("a08.hl7");
    assert_eq!((m.event, m.version.as_str()), (AdtEvent::A08, "2.6"));
    assert_eq!(m.patient_class.as_deref(), Some("O"));
    assert_eq!(m.class, Some(EncounterClass::Observation));
    assert_eq!(m.visit_number.as_deref(), Some("V3003"));
    assert_eq!(m.admitted_at, at(2026, 5, 11, 6, 0));
    assert!(m.diagnoses.is_empty());
}

#[test]
fn a11_cancel_of_a_skilled_nursing_admission_in_2_4() {
    let m = read("a11.hl7");
    assert_eq!((m.event, m.version.as_str()), (AdtEvent::A11, "2.4"));
    assert_eq!(m.class, Some(EncounterClass::SkilledNursing));
    assert_eq!(m.hospital_service.as_deref(), Some("SNF"));
    assert_eq!(m.facility.as_deref(), Some("Riverside Rehab"));
    assert_eq!(m.visit_number.as_deref(), Some("S4004"));
}

#[test]
fn a13_cancel_discharge_in_2_7_with_a_truncation_character() {
    let m = read("a13.hl7");
    assert_eq!((m.event, m.version.as_str()), (AdtEvent::A13, "2.7"));
    assert_eq!(m.sending_application, "ADT1");
    assert_eq!(m.class, Some(EncounterClass::Inpatient));
    assert_eq!(m.visit_number.as_deref(), Some("V1001"));
}

#[test]
fn a40_merge() {
    let m = read("a40.hl7");
    assert_eq!(m.event, AdtEvent::A40);
    assert_eq!(ids(&m.identifiers), [("M0001", "STATEMCD")]);
    assert_eq!(
        ids(&m.prior_identifiers),
        [("M0999", "STATEMCD"), ("777000", "GH")]
    );
    assert_eq!(m.class, None);
    assert_eq!(m.visit_number, None);
    assert_eq!(m.facility.as_deref(), Some("GOOD HEALTH"));
}

#[test]
fn a01_from_the_hl7_package_in_latin_1() {
    let m = read("legacy_a01.hl7");
    assert_eq!((m.event, m.version.as_str()), (AdtEvent::A01, "2.3.1"));
    assert_eq!(m.sending_application, "LEGACY");
    assert_eq!(m.facility.as_deref(), Some("Hôpital Saint-Rémi"));
    assert_eq!(m.visit_number.as_deref(), Some("L5005"));
    assert_eq!(m.admitted_at, at(2026, 5, 15, 15, 0));
    assert_eq!(ids(&m.identifiers), [("M0002", "STATEMCD")]);
    assert_eq!(dx(&m), [("J18.9", "Pneumonia")]);
}

fn now() -> NaiveDateTime {
    at(2026, 6, 1, 9, 0).unwrap()
}

/// An ACK read back by python's `hl7`: MSA-1, MSA-2, ERR-2, ERR-3.1, MSH-9.
fn python_reads(ack_text: &str, name: &str) -> Vec<String> {
    let path = messages().join(format!("{name}.ack"));
    std::fs::write(&path, ack_text).unwrap();
    let out = Command::new(python())
        .arg(script())
        .arg("--read-ack")
        .arg(&path)
        .output()
        .expect("run make_adt.py --read-ack");
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    String::from_utf8(out.stdout)
        .unwrap()
        .lines()
        .map(str::to_string)
        .collect()
}

#[test]
fn acks_for_good_messages_read_back_in_python() {
    for (name, event) in [
        ("a01.hl7", "A01"),
        ("a40.hl7", "A40"),
        ("legacy_a01.hl7", "A01"),
    ] {
        let m = read(name);
        let text = ack(Some(&m.echo()), AckCode::AA, None, now(), "TEND-1");
        let got = python_reads(&text, name);
        assert_eq!(got[0], "AA", "{name}");
        assert_eq!(got[1], m.control_id, "{name}");
        assert_eq!(got[2], "", "{name}");
        assert_eq!(got[4], format!("ACK^{event}^ACK"), "{name}");
    }
}

#[test]
fn malformed_messages_are_refused_where_they_are_wrong() {
    // (file, ack code, segment, sequence, field, table 0357 code, the
    // value that must not appear in the error, ERR-2 as python reads it)
    let cases = [
        (
            "bad_no_msh.hl7",
            AckCode::AR,
            "MSH",
            1,
            None,
            ErrorCode::SegmentSequence,
            "Testpatient",
            "MSH^1^^^",
        ),
        (
            "bad_version.hl7",
            AckCode::AR,
            "MSH",
            1,
            Some(12),
            ErrorCode::UnsupportedVersionId,
            "2.2",
            "MSH^1^12^1^",
        ),
        (
            "bad_event.hl7",
            AckCode::AR,
            "MSH",
            1,
            Some(9),
            ErrorCode::UnsupportedEventCode,
            "A99",
            "MSH^1^9^1^2",
        ),
        (
            "bad_date.hl7",
            AckCode::AE,
            "PV1",
            4,
            Some(45),
            ErrorCode::DataType,
            "2026-13-45",
            "PV1^4^45^1^",
        ),
        (
            "bad_type.hl7",
            AckCode::AR,
            "MSH",
            1,
            Some(9),
            ErrorCode::UnsupportedMessageType,
            "ORU",
            "MSH^1^9^1^1",
        ),
    ];
    for (name, code, segment, sequence, field, error_code, value, err2) in cases {
        let raw = text(name);
        let e = parse(&raw).expect_err(name);
        assert_eq!(
            (
                e.severity(),
                e.segment.as_str(),
                e.sequence,
                e.field,
                e.code
            ),
            (code, segment, sequence, field, error_code),
            "{name}: {e}"
        );
        assert!(!e.message.contains(value), "{name}: {e}");
        assert!(!e.to_string().contains(value), "{name}: {e}");

        let echo = msh_echo(&raw);
        let text = ack(echo.as_ref(), e.severity(), Some(&e), now(), "TEND-2");
        // The ACK echoes MSH's event and version as an ACK does; patient
        // data it never carries.
        if matches!(name, "bad_date.hl7" | "bad_no_msh.hl7") {
            assert!(!text.contains(value), "{name}: {text}");
        }
        let got = python_reads(&text, name);
        assert_eq!(got[0], code.code(), "{name}");
        let control = if name == "bad_no_msh.hl7" {
            ""
        } else {
            "A03-0001"
        };
        assert_eq!(got[1], control, "{name}");
        assert_eq!(got[2], err2, "{name}");
        assert_eq!(got[3], e.code.code().to_string(), "{name}");
    }
}

#[test]
fn the_messages_framed_in_one_stream_read_back_whole() {
    let names = ["a01.hl7", "a03.hl7", "a04.hl7", "a08.hl7", "a40.hl7"];
    let mut stream = Vec::new();
    for name in names {
        write_frame(&mut stream, text(name).as_bytes()).unwrap();
    }
    let mut reader = FrameReader::new(&stream[..]);
    for name in names {
        let frame = reader.next_frame().unwrap().expect(name);
        assert_eq!(parse(&decode(&frame)).unwrap(), read(name));
    }
    assert_eq!(reader.next_frame().unwrap(), None);
    assert!(!reader.partial_dropped());
}
