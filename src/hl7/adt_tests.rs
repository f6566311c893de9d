use chrono::{NaiveDate, NaiveDateTime};

use super::*;
use crate::hl7::ack::AckCode;

fn at(y: i32, mo: u32, d: u32, h: u32, mi: u32) -> Option<NaiveDateTime> {
    NaiveDate::from_ymd_opt(y, mo, d)
        .unwrap()
        .and_hms_opt(h, mi, 0)
}

/// PV1 with class I, location facility, service, visit number,
/// disposition, admit and discharge times.
fn pv1() -> String {
    let mut f = vec![""; 46];
    f[0] = "PV1";
    f[1] = "1";
    f[2] = "I";
    f[3] = "4W^401^1^Good \\T\\ Well Hospital";
    f[10] = "MED";
    f[19] = "V100^^^GH";
    f[36] = "03";
    f[44] = "202605011030";
    f[45] = "202605061145";
    f.join("|")
}

/// A synthetic A03 with every field read, in the given version.
fn a03(version: &str) -> String {
    [
        &format!("MSH|^~\\&|ADT1|GOOD HEALTH|TEND|CARE|202605061200-0500||ADT^A03^ADT_A03|MSG00003|P|{version}"),
        "EVN|A03|202605061158",
        "PID|1||M0001^^^STATEMCD^MB~555^^^GH&1.2.3&ISO^MR||Testpatient^Alpha||19800101|F",
        &pv1(),
        "DG1|1||E11.9^Type 2 diabetes mellitus without complications^I10||||||||||||2",
        "DG1|2||250.00^Diabetes^I9||||||||||||1",
        "DG1|3||I50.9^Heart failure\\S\\ unspecified^I10||||||||||||1",
        "",
    ]
    .join("\r")
}

#[test]
fn an_a03_reads_every_field() {
    let m = parse(&a03("2.5.1")).unwrap();
    assert_eq!(m.control_id, "MSG00003");
    assert_eq!(m.sending_application, "ADT1");
    assert_eq!(m.sending_facility, "GOOD HEALTH");
    assert_eq!(m.receiving_application, "TEND");
    assert_eq!(m.sent_at, at(2026, 5, 6, 12, 0));
    assert_eq!(m.version, "2.5.1");
    assert_eq!(m.event, AdtEvent::A03);
    assert_eq!(m.event_at, at(2026, 5, 6, 11, 58));
    let ids: Vec<(&str, &str)> = m
        .identifiers
        .iter()
        .map(|i| (i.id.as_str(), i.authority.as_str()))
        .collect();
    assert_eq!(ids, [("M0001", "STATEMCD"), ("555", "GH")]);
    assert_eq!(m.patient_class.as_deref(), Some("I"));
    assert_eq!(m.class, Some(EncounterClass::Inpatient));
    assert_eq!(m.hospital_service.as_deref(), Some("MED"));
    assert_eq!(m.facility.as_deref(), Some("Good & Well Hospital"));
    assert_eq!(m.visit_number.as_deref(), Some("V100"));
    assert_eq!(m.admitted_at, at(2026, 5, 1, 10, 30));
    assert_eq!(m.discharged_at, at(2026, 5, 6, 11, 45));
    assert_eq!(m.disposition_code.as_deref(), Some("03"));
    let dx: Vec<(&str, &str)> = m
        .diagnoses
        .iter()
        .map(|d| (d.code.as_str(), d.display.as_str()))
        .collect();
    assert_eq!(
        dx,
        [
            ("I50.9", "Heart failure^ unspecified"),
            ("E11.9", "Type 2 diabetes mellitus without complications")
        ]
    );
    assert!(m.prior_identifiers.is_empty());
}

#[test]
fn every_version_from_2_3_to_2_8_and_no_other() {
    for v in VERSIONS {
        assert_eq!(parse(&a03(v)).unwrap().version, *v);
    }
    for v in ["2.2", "2.1", "3.0", "2.9"] {
        let e = parse(&a03(v)).unwrap_err();
        assert_eq!(
            (e.code, e.field, e.severity()),
            (ErrorCode::UnsupportedVersionId, Some(12), AckCode::AR)
        );
    }
}

#[test]
fn segment_separators_of_every_kind() {
    let cr = a03("2.5");
    for sep in ["\n", "\r\n", "\r\r", "\n\n\n"] {
        let text = cr.replace('\r', sep);
        assert_eq!(parse(&text).unwrap(), parse(&cr).unwrap(), "{sep:?}");
    }
    let bom = format!("\u{feff}{cr}\r\n\r\n");
    assert_eq!(parse(&bom).unwrap(), parse(&cr).unwrap());
}

#[test]
fn a_2_7_truncation_character_is_understood() {
    let text = a03("2.7").replacen("^~\\&|", "^~\\&#|", 1);
    assert_eq!(parse(&text).unwrap().sending_application, "ADT1");
}

#[test]
fn the_event_comes_from_evn_when_msh_9_has_none() {
    let text = a03("2.3").replace("ADT^A03^ADT_A03", "ADT");
    assert_eq!(parse(&text).unwrap().event, AdtEvent::A03);
}

#[test]
fn class_mapping() {
    use EncounterClass::*;
    assert_eq!(encounter_class("E", "", ""), Some(Emergency));
    assert_eq!(encounter_class("I", "", ""), Some(Inpatient));
    assert_eq!(encounter_class("B", "", ""), Some(Inpatient));
    assert_eq!(encounter_class("O", "", ""), Some(Outpatient));
    assert_eq!(encounter_class("R", "", ""), Some(Outpatient));
    assert_eq!(encounter_class("P", "", ""), None);
    assert_eq!(encounter_class("", "", ""), None);
    assert_eq!(encounter_class("OBS", "", ""), Some(Observation));
    assert_eq!(encounter_class("O", "", "OBS"), Some(Observation));
    assert_eq!(encounter_class("E", "", "ED-OBS"), Some(Observation));
    assert_eq!(encounter_class("I", "SNF", ""), Some(SkilledNursing));
    assert_eq!(encounter_class("I", "reh", ""), Some(SkilledNursing));
    assert_eq!(encounter_class("O", "SNF", ""), Some(Outpatient));
}

#[test]
fn facility_falls_back_to_pv1_39_then_msh_4() {
    let mut fields = vec![""; 46];
    fields[0] = "PV1";
    fields[2] = "E";
    fields[3] = "ED^^^";
    fields[39] = "Other \\T\\ Site";
    let pv1 = fields.join("|");
    let text = a03("2.5");
    let line = text.split('\r').find(|l| l.starts_with("PV1")).unwrap();
    let m = parse(&text.replace(line, &pv1)).unwrap();
    assert_eq!(m.facility.as_deref(), Some("Other & Site"));
    assert_eq!(m.class, Some(EncounterClass::Emergency));
    fields[39] = "";
    let m = parse(&text.replace(line, &fields.join("|"))).unwrap();
    assert_eq!(m.facility.as_deref(), Some("GOOD HEALTH"));
}

/// Errors: (text, ack code, segment, sequence, field) and the value that
/// must not appear in the error's message.
/// (text, ack code, segment, sequence, field, code, a value that must not
/// appear in the error).
type Case<'a> = (
    String,
    AckCode,
    &'a str,
    usize,
    Option<usize>,
    ErrorCode,
    &'a str,
);

#[test]
fn errors_locate_and_never_repeat_a_value() {
    let good = a03("2.5");
    let cases: Vec<Case> = vec![
        (
            "PID|||SECRET1\r".into(),
            AckCode::AR,
            "MSH",
            1,
            None,
            ErrorCode::SegmentSequence,
            "SECRET1",
        ),
        (
            good.replace("|P|2.5", "|P|2.2"),
            AckCode::AR,
            "MSH",
            1,
            Some(12),
            ErrorCode::UnsupportedVersionId,
            "2.2",
        ),
        (
            good.replace("ADT^A03^ADT_A03", "ADT^A99"),
            AckCode::AR,
            "MSH",
            1,
            Some(9),
            ErrorCode::UnsupportedEventCode,
            "A99",
        ),
        (
            good.replace("ADT^A03^ADT_A03", "ORU^R01"),
            AckCode::AR,
            "MSH",
            1,
            Some(9),
            ErrorCode::UnsupportedMessageType,
            "ORU",
        ),
        (
            good.replace("|MSG00003|", "||"),
            AckCode::AR,
            "MSH",
            1,
            Some(10),
            ErrorCode::RequiredFieldMissing,
            "MSG00003",
        ),
        (
            good.replace("|P|2.5", "|Q|2.5"),
            AckCode::AR,
            "MSH",
            1,
            Some(11),
            ErrorCode::UnsupportedProcessingId,
            "|Q|",
        ),
        (
            good.replace("202605061145", "2026-13-45"),
            AckCode::AE,
            "PV1",
            4,
            Some(45),
            ErrorCode::DataType,
            "2026-13-45",
        ),
        (
            good.replace("202605011030", "20260230"),
            AckCode::AE,
            "PV1",
            4,
            Some(44),
            ErrorCode::DataType,
            "20260230",
        ),
        (
            good.replace("EVN|A03|202605061158", "EVN|A03|Z0Z"),
            AckCode::AE,
            "EVN",
            2,
            Some(2),
            ErrorCode::DataType,
            "Z0Z",
        ),
        (
            good.replace("M0001^^^STATEMCD^MB~555^^^GH&1.2.3&ISO^MR", ""),
            AckCode::AE,
            "PID",
            3,
            Some(3),
            ErrorCode::RequiredFieldMissing,
            "Testpatient",
        ),
        (
            good.replace("PV1|1|I", "XV1|1|I"),
            AckCode::AE,
            "PV1",
            0,
            None,
            ErrorCode::SegmentSequence,
            "Good",
        ),
        (
            good.replace("DG1|2|", "Testpatient, Alpha|"),
            AckCode::AE,
            "",
            6,
            None,
            ErrorCode::SegmentSequence,
            "Testpatient",
        ),
        (
            "MSH\r".into(),
            AckCode::AR,
            "MSH",
            1,
            Some(2),
            ErrorCode::DataType,
            "MSH|",
        ),
    ];
    for (text, ack, segment, sequence, field, code, value) in cases {
        let e = parse(&text).unwrap_err();
        let got = (
            e.severity(),
            e.segment.as_str(),
            e.sequence,
            e.field,
            e.code,
        );
        assert_eq!(got, (ack, segment, sequence, field, code), "{e}");
        assert!(
            !e.message.contains(value) && !e.to_string().contains(value),
            "{e}"
        );
    }
}

#[test]
fn a40_needs_mrg_and_not_pv1() {
    let text = "MSH|^~\\&|ADT1|GH|TEND|CARE|20260506||ADT^A40^ADT_A39|M40|P|2.5\rEVN|A40|20260506\rPID|||M0001^^^STATEMCD^MB\rMRG|M0999^^^STATEMCD^MB~777^^^GH^MR\r";
    let m = parse(text).unwrap();
    assert_eq!(m.event, AdtEvent::A40);
    assert_eq!(m.class, None);
    assert_eq!(m.facility.as_deref(), Some("GH"));
    let prior: Vec<&str> = m.prior_identifiers.iter().map(|i| i.id.as_str()).collect();
    assert_eq!(prior, ["M0999", "777"]);
    let e = parse(&text.replace("MRG|M0999^^^STATEMCD^MB~777^^^GH^MR", "")).unwrap_err();
    assert_eq!(
        (e.segment.as_str(), e.code),
        ("MRG", ErrorCode::SegmentSequence)
    );
    let e = parse(&text.replace("MRG|M0999^^^STATEMCD^MB~777^^^GH^MR", "MRG|")).unwrap_err();
    assert_eq!(
        (e.segment.as_str(), e.sequence, e.field),
        ("MRG", 4, Some(1))
    );
}

#[test]
fn msh_echo_reads_what_it_can_of_a_refused_message() {
    let text = a03("2.2").replace("ADT^A03^ADT_A03", "ADT^A99");
    let echo = msh_echo(&text).unwrap();
    assert_eq!(echo.control_id, "MSG00003");
    assert_eq!(echo.sending_application, "ADT1");
    assert_eq!(echo.receiving_facility, "CARE");
    assert_eq!(echo.version, "2.2");
    assert_eq!(echo.event, "A99");
    assert_eq!(msh_echo("PID|||x"), None);
    assert_eq!(msh_echo("MSH|").unwrap().control_id, "");
}

#[test]
fn events_round_trip() {
    for e in AdtEvent::ALL {
        assert_eq!(AdtEvent::from_code(e.code()), Some(*e));
    }
    assert_eq!(AdtEvent::from_code("A99"), None);
}
