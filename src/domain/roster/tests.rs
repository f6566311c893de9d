use super::*;

fn today() -> NaiveDate {
    NaiveDate::from_ymd_opt(2026, 11, 24).unwrap()
}

#[test]
fn headers_match_without_case_spaces_or_underscores() {
    assert_eq!(Column::from_header("First Name"), Some(Column::FirstName));
    assert_eq!(Column::from_header(" FIRST_NAME "), Some(Column::FirstName));
    assert_eq!(Column::from_header("MRN"), Some(Column::MemberId));
    assert_eq!(Column::from_header("CIN"), Some(Column::MemberId));
    assert_eq!(Column::from_header("Member ID"), Some(Column::MemberId));
    assert_eq!(Column::from_header("phone 2"), Some(Column::Phone2));
    assert_eq!(Column::from_header("Date of Birth"), Some(Column::Dob));
    assert_eq!(Column::from_header("favourite colour"), None);
}

fn row(cells: &[(Column, &str)]) -> Result<RosterRow, Vec<CellError>> {
    let cells: Vec<(Column, String)> = cells.iter().map(|(c, t)| (*c, t.to_string())).collect();
    read_row(
        2,
        |column| {
            cells
                .iter()
                .find(|(c, _)| *c == column)
                .map(|(_, t)| t.clone())
        },
        today(),
        &Coordinators::new(["ccuser", "cc0002"]),
    )
}

const REQUIRED: [(Column, &str); 4] = [
    (Column::MemberId, "SYN1"),
    (Column::FirstName, "Zoë"),
    (Column::LastName, "Testa"),
    (Column::Dob, "02/03/1970"),
];

#[test]
fn a_row_is_read_into_its_types() {
    let mut cells = REQUIRED.to_vec();
    cells.extend([
        (Column::Sex, "F"),
        (Column::Phone, "212 555 0100"),
        (Column::Language, "Spanish"),
        (Column::Interpreter, "Yes"),
        (Column::RiskTier, "very high"),
        (Column::EnrollmentStatus, "Enrolled"),
        (Column::State, "ny"),
        (
            Column::Conditions,
            "E11.9 Type 2 diabetes; I10; Housing instability",
        ),
    ]);
    let row = row(&cells).unwrap();
    assert_eq!(row.birth_date, NaiveDate::from_ymd_opt(1970, 2, 3).unwrap());
    assert_eq!(row.sex, Some(Sex::Female));
    assert_eq!(row.phone_primary.as_deref(), Some("(212) 555-0100"));
    assert_eq!(row.language.as_ref().map(|l| l.code()), Some("es"));
    assert_eq!(row.interpreter_needed, Some(true));
    assert_eq!(row.risk_tier, Some(RiskTier::VeryHigh));
    assert_eq!(row.enrollment_status, Some(EnrollmentStatus::Enrolled));
    assert_eq!(row.state.as_deref(), Some("NY"));
    assert_eq!(
        row.conditions,
        [
            RosterCondition {
                code: Some("E11.9".into()),
                name: "Type 2 diabetes".into()
            },
            RosterCondition {
                code: Some("I10".into()),
                name: "I10".into()
            },
            RosterCondition {
                code: None,
                name: "Housing instability".into()
            },
        ]
    );
    assert_eq!(row.plan_name, None, "a column the file lacks is left alone");
}

#[test]
fn every_bad_cell_says_what_is_wrong() {
    let bad = |column: Column, text: &str| {
        let mut cells = REQUIRED.to_vec();
        cells.retain(|(c, _)| *c != column);
        cells.push((column, text));
        let errors = row(&cells).unwrap_err();
        assert_eq!(errors.len(), 1, "{errors:?}");
        assert_eq!(errors[0].column, column);
        errors[0].message.clone()
    };
    assert_eq!(
        bad(Column::Dob, "1970-13-01"),
        "\"1970-13-01\" is not a day of the calendar"
    );
    assert_eq!(
        bad(Column::Dob, "02/30/1980"),
        "\"02/30/1980\" is not a day of the calendar"
    );
    assert_eq!(
        bad(Column::Dob, "1980/02/03"),
        "\"1980/02/03\" is not a date: write YYYY-MM-DD or MM/DD/YYYY"
    );
    assert_eq!(
        bad(Column::Dob, "Feb 3 1970"),
        "\"Feb 3 1970\" is not a date: write YYYY-MM-DD or MM/DD/YYYY"
    );
    assert_eq!(
        bad(Column::Dob, "2030-01-01"),
        "2030-01-01 is in the future"
    );
    assert_eq!(
        bad(Column::Dob, "1890-01-01"),
        "1890-01-01 would make the member older than 120"
    );
    assert_eq!(
        bad(Column::MemberId, " "),
        "is empty; every member needs one"
    );
    assert_eq!(
        bad(Column::Phone, "555-0100"),
        "a phone number has 10 digits; this has 7"
    );
    assert_eq!(
        bad(Column::Interpreter, "sometimes"),
        "\"sometimes\" is not Y/N, yes/no or true/false"
    );
    assert_eq!(
        bad(Column::RiskTier, "5"),
        "\"5\" is not a risk tier: 1–4, or low, medium, high, very high"
    );
    assert_eq!(
        parse_conditions("A1C elevated; H1N1 influenza; Z59.0").unwrap(),
        [
            RosterCondition {
                code: None,
                name: "A1C elevated".into()
            },
            RosterCondition {
                code: None,
                name: "H1N1 influenza".into()
            },
            RosterCondition {
                code: Some("Z59.0".into()),
                name: "Z59.0".into()
            },
        ],
        "names that look a little like codes stay names"
    );
    assert_eq!(bad(Column::Conditions, "E1.9 diabetes"), "\"E1.9\" is not an ICD-10 code: a letter, two digits, then a dot and up to four more (E11.9)");
    assert_eq!(
        bad(Column::LastName, "Testa\u{1b}[2J"),
        "holds a control character (^[); a roster holds text only"
    );
    assert_eq!(
        bad(Column::LastName, "\u{200B}\u{200D}"),
        "holds no letters, only invisible characters"
    );
    assert_eq!(
        bad(Column::Coordinator, "jdoe"),
        "\"jdoe\" is not a coordinator tend knows (a roster names one it knows: cc0002 or ccuser)"
    );
    assert_eq!(
        bad(Column::Coordinator, "=CC0002"),
        "\"=CC0002\" is not a coordinator tend knows (did you mean cc0002?)"
    );
}

#[test]
fn names_are_read_in_their_one_form_and_coordinators_only_if_known() {
    let mut cells = REQUIRED.to_vec();
    cells.retain(|(c, _)| *c != Column::FirstName);
    cells.extend([
        (Column::FirstName, "Zoe\u{0308}\u{200B}"),
        (Column::Coordinator, "cc0002\u{200B}"),
    ]);
    let row = row(&cells).unwrap();
    assert_eq!(row.given_name, "Zoë");
    assert_eq!(row.coordinator.as_deref(), Some("cc0002"));
    let many = Coordinators::new((1..=9).map(|n| format!("cc000{n}")));
    assert_eq!(
        many.read("cc0010").unwrap_err(),
        "\"cc0010\" is not a coordinator tend knows (a roster names one it knows: cc0001, \
         cc0002, cc0003, cc0004, cc0005 or 4 more)"
    );
}

#[test]
fn a_row_laid_over_a_patient_keeps_what_its_empty_cells_do_not_say() {
    let coordinator = Practitioner {
        id: 2,
        username: "cc0002".into(),
        display_name: "Coordinator Two".into(),
    };
    let stored = Patient {
        id: 7,
        member_id: "SYN1".into(),
        family_name: "Testa".into(),
        given_name: "Zoë".into(),
        language: "es".into(),
        phone_primary: Some("(212) 555-0100".into()),
        postal_code: Some("10001".into()),
        enrollment_status: EnrollmentStatus::Disenrolled,
        enrollment_ended_on: NaiveDate::from_ymd_opt(2026, 10, 31),
        coordinator: Some(coordinator.clone()),
        version: 3,
        ..Patient::default()
    };
    let row = RosterRow {
        member_id: "SYN1".into(),
        family_name: "Testa-Ray".into(),
        given_name: "Zoë".into(),
        language: Some(PreferredLanguage::Unknown),
        phone_secondary: Some("(212) 555-0101".into()),
        ..RosterRow::default()
    };
    let merged = row.laid_over(&stored, None);
    assert_eq!(merged.family_name, "Testa-Ray");
    assert_eq!(
        merged.phone_primary, stored.phone_primary,
        "an empty cell keeps it"
    );
    assert_eq!(merged.phone_secondary.as_deref(), Some("(212) 555-0101"));
    assert_eq!(
        merged.language, "es",
        "a roster that does not know says nothing"
    );
    assert_eq!(merged.coordinator, Some(coordinator));
    assert_eq!((merged.id, merged.version), (7, 3), "the record's own");
    assert_eq!(merged.enrollment_ended_on, stored.enrollment_ended_on);

    let enrolled = RosterRow {
        enrollment_status: Some(EnrollmentStatus::Enrolled),
        ..row.clone()
    };
    assert_eq!(
        enrolled.laid_over(&stored, None).enrollment_ended_on,
        None,
        "enrolled again: the end date goes"
    );

    let new = row.new_patient(None);
    assert_eq!(new.member_id, "SYN1");
    assert_eq!(new.language, "und", "not said is not English");
    assert_eq!(new.enrollment_status, EnrollmentStatus::Outreach);
    assert_eq!(new.id, 0);
}
