//! A program's member roster as payers and EHRs send it: which column is
//! which (header names vary), and each cell read into its type or refused
//! with the reason. Pure: reading the file is `import.rs`'s job.

use std::collections::BTreeSet;

use chrono::NaiveDate;

use super::language::{self, PreferredLanguage};
use super::names::person_name;
use super::patient::{
    check_icd10, check_postal_code, check_state, earliest_birth_date, normalize_phone,
    EnrollmentStatus, Patient, Practitioner, RiskTier, Sex,
};

/// A column tend reads from a roster.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Column {
    MemberId,
    FirstName,
    LastName,
    Dob,
    Sex,
    GenderIdentity,
    Pronouns,
    Phone,
    Phone2,
    Address,
    City,
    State,
    Zip,
    Language,
    Interpreter,
    MedicaidId,
    Plan,
    RiskTier,
    Coordinator,
    EnrollmentStatus,
    EnrolledOn,
    PcpName,
    PcpPhone,
    Conditions,
}

impl Column {
    pub const ALL: [Column; 24] = [
        Column::MemberId,
        Column::FirstName,
        Column::LastName,
        Column::Dob,
        Column::Sex,
        Column::GenderIdentity,
        Column::Pronouns,
        Column::Phone,
        Column::Phone2,
        Column::Address,
        Column::City,
        Column::State,
        Column::Zip,
        Column::Language,
        Column::Interpreter,
        Column::MedicaidId,
        Column::Plan,
        Column::RiskTier,
        Column::Coordinator,
        Column::EnrollmentStatus,
        Column::EnrolledOn,
        Column::PcpName,
        Column::PcpPhone,
        Column::Conditions,
    ];

    /// The column's name in messages, as the documentation writes it.
    pub fn name(self) -> &'static str {
        match self {
            Column::MemberId => "member_id",
            Column::FirstName => "first_name",
            Column::LastName => "last_name",
            Column::Dob => "dob",
            Column::Sex => "sex",
            Column::GenderIdentity => "gender_identity",
            Column::Pronouns => "pronouns",
            Column::Phone => "phone",
            Column::Phone2 => "phone2",
            Column::Address => "address",
            Column::City => "city",
            Column::State => "state",
            Column::Zip => "zip",
            Column::Language => "language",
            Column::Interpreter => "interpreter",
            Column::MedicaidId => "medicaid_id",
            Column::Plan => "plan",
            Column::RiskTier => "risk_tier",
            Column::Coordinator => "coordinator",
            Column::EnrollmentStatus => "enrollment_status",
            Column::EnrolledOn => "enrolled_on",
            Column::PcpName => "pcp_name",
            Column::PcpPhone => "pcp_phone",
            Column::Conditions => "conditions",
        }
    }

    /// Other header names that mean this column (already normalised).
    fn aliases(self) -> &'static [&'static str] {
        match self {
            Column::MemberId => &["mrn", "cin", "id"],
            Column::Dob => &["dateofbirth", "birthdate"],
            Column::Zip => &["zipcode", "postalcode"],
            Column::Language => &["preferredlanguage", "primarylanguage", "spokenlanguage"],
            _ => &[],
        }
    }

    pub fn is_required(self) -> bool {
        matches!(
            self,
            Column::MemberId | Column::FirstName | Column::LastName | Column::Dob
        )
    }

    /// The column a header names, compared without case, spaces or
    /// underscores ("First Name", "FIRST_NAME" and "firstname" agree).
    pub fn from_header(header: &str) -> Option<Column> {
        let key = normalise_header(header);
        Column::ALL
            .into_iter()
            .find(|c| normalise_header(c.name()) == key || c.aliases().contains(&key.as_str()))
    }
}

fn normalise_header(header: &str) -> String {
    header
        .trim()
        .chars()
        .filter(|c| !c.is_whitespace() && *c != '_')
        .flat_map(char::to_lowercase)
        .collect()
}

/// A condition as a roster lists it: an ICD-10 code, a name, or both.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RosterCondition {
    pub code: Option<String>,
    pub name: String,
}

/// One member as the roster gives them. `None` is a column the file does
/// not have or a cell left empty: the import leaves what tend holds.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct RosterRow {
    /// The file's line the row starts on.
    pub line: u64,
    pub member_id: String,
    pub given_name: String,
    pub family_name: String,
    pub birth_date: NaiveDate,
    pub sex: Option<Sex>,
    pub gender_identity: Option<String>,
    pub pronouns: Option<String>,
    pub phone_primary: Option<String>,
    pub phone_secondary: Option<String>,
    pub address_line: Option<String>,
    pub city: Option<String>,
    pub state: Option<String>,
    pub postal_code: Option<String>,
    pub language: Option<PreferredLanguage>,
    pub interpreter_needed: Option<bool>,
    pub medicaid_id: Option<String>,
    pub plan_name: Option<String>,
    pub risk_tier: Option<RiskTier>,
    /// The coordinator's user name.
    pub coordinator: Option<String>,
    pub enrollment_status: Option<EnrollmentStatus>,
    pub enrolled_on: Option<NaiveDate>,
    pub pcp_name: Option<String>,
    pub pcp_phone: Option<String>,
    pub conditions: Vec<RosterCondition>,
}

impl RosterRow {
    /// The patient as tend holds them (`stored`) with what the row says laid
    /// over it, the coordinator the row names already found (`coordinator`).
    /// A cell the row leaves empty keeps what is stored: a payer's file that
    /// does not know a phone number must not erase the one a coordinator
    /// found.
    pub fn laid_over(&self, stored: &Patient, coordinator: Option<Practitioner>) -> Patient {
        let over = |stored: &Option<String>, given: &Option<String>| {
            given.clone().or_else(|| stored.clone())
        };
        let enrollment_status = self.enrollment_status.unwrap_or(stored.enrollment_status);
        Patient {
            given_name: self.given_name.clone(),
            family_name: self.family_name.clone(),
            birth_date: self.birth_date,
            sex: self.sex.unwrap_or(stored.sex),
            gender_identity: over(&stored.gender_identity, &self.gender_identity),
            pronouns: over(&stored.pronouns, &self.pronouns),
            phone_primary: over(&stored.phone_primary, &self.phone_primary),
            phone_secondary: over(&stored.phone_secondary, &self.phone_secondary),
            address_line: over(&stored.address_line, &self.address_line),
            city: over(&stored.city, &self.city),
            state: over(&stored.state, &self.state),
            postal_code: over(&stored.postal_code, &self.postal_code),
            // A roster that does not know the language (an empty cell, or
            // "Unknown") says nothing new: what a coordinator learnt stays.
            // "Declined" is an answer, and is taken.
            language: match &self.language {
                None | Some(PreferredLanguage::Unknown) => stored.language.clone(),
                Some(answer) => answer.code().to_string(),
            },
            interpreter_needed: self.interpreter_needed.unwrap_or(stored.interpreter_needed),
            medicaid_id: over(&stored.medicaid_id, &self.medicaid_id),
            plan_name: over(&stored.plan_name, &self.plan_name),
            risk_tier: self.risk_tier.unwrap_or(stored.risk_tier),
            coordinator: coordinator.or_else(|| stored.coordinator.clone()),
            enrollment_status,
            enrolled_on: self.enrolled_on.or(stored.enrolled_on),
            // An end of enrollment stays only while the member is
            // disenrolled: a roster that enrolls them again ends it, or the
            // record would break the rule every later edit is checked
            // against.
            enrollment_ended_on: stored
                .enrollment_ended_on
                .filter(|_| enrollment_status == EnrollmentStatus::Disenrolled),
            ..stored.clone()
        }
    }

    /// A member tend does not hold yet, as the row gives them: what the row
    /// leaves empty is what a new record starts with (a roster that does
    /// not say has not said English; a member new to the program is someone
    /// to reach).
    pub fn new_patient(&self, coordinator: Option<Practitioner>) -> Patient {
        let blank = Patient {
            member_id: self.member_id.clone(),
            ..Patient::default()
        };
        self.laid_over(&blank, coordinator)
    }
}

/// The coordinators a roster may name: the ones tend knows already. A
/// roster assigns members to people; it does not create them, or a cell
/// holding `cc0002` and a zero-width space, or `=cc0002`, would make a
/// second coordinator no one can tell from the first.
#[derive(Debug, Clone, Default)]
pub struct Coordinators {
    known: BTreeSet<String>,
}

impl Coordinators {
    pub fn new<S: AsRef<str>>(names: impl IntoIterator<Item = S>) -> Coordinators {
        Coordinators {
            known: names.into_iter().map(|n| n.as_ref().to_string()).collect(),
        }
    }

    /// The user name a cell names, normalised as every person's name is
    /// (NFC, no invisible or control characters), or why it names no one.
    fn read(&self, text: &str) -> Result<String, String> {
        let name = person_name(text);
        if self.known.contains(&name) {
            return Ok(name);
        }
        Err(format!(
            "{text:?} is not a coordinator tend knows ({})",
            self.hint(&name)
        ))
    }

    /// A known name the cell may have meant (the same but for case or a
    /// leading `=`, `+`, `-` or `@`), or the ones tend knows.
    fn hint(&self, name: &str) -> String {
        let key = |s: &str| {
            s.trim_start_matches(['=', '+', '-', '@', ' '])
                .to_lowercase()
        };
        if let Some(close) = self.known.iter().find(|k| key(k) == key(name)) {
            return format!("did you mean {close}?");
        }
        const NAMED: usize = 5;
        let mut names: Vec<&str> = self.known.iter().take(NAMED).map(String::as_str).collect();
        let more = self.known.len().saturating_sub(NAMED);
        let list = match (names.pop(), more) {
            (None, _) => return "it knows none yet".into(),
            (Some(last), 0) if names.is_empty() => last.to_string(),
            (Some(last), 0) => format!("{} or {last}", names.join(", ")),
            (Some(last), more) => format!("{}, {last} or {more} more", names.join(", ")),
        };
        format!("a roster names one it knows: {list}")
    }
}

/// What is wrong with one cell.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CellError {
    pub column: Column,
    pub message: String,
}

/// One row's cells being read, and what was wrong with them so far.
struct Cells<F> {
    cell: F,
    errors: Vec<CellError>,
}

impl<F: Fn(Column) -> Option<String>> Cells<F> {
    /// The column's cell read with `parse`; `None` when it is empty or the
    /// file has no such column (an error for a required one), or when it
    /// cannot be read (the error noted).
    fn read<T>(&mut self, column: Column, parse: impl Fn(&str) -> Result<T, String>) -> Option<T> {
        let text = (self.cell)(column)
            .map(|t| t.trim().to_string())
            .filter(|t| !t.is_empty());
        let Some(text) = text else {
            if column.is_required() {
                self.errors.push(CellError {
                    column,
                    message: "is empty; every member needs one".into(),
                });
            }
            return None;
        };
        match no_control_characters(&text).and_then(|()| parse(&text)) {
            Ok(value) => Some(value),
            Err(message) => {
                self.errors.push(CellError { column, message });
                None
            }
        }
    }

    fn text(&mut self, column: Column) -> Option<String> {
        self.read(column, |t| Ok(t.to_string()))
    }

    /// A name that identifies a person, in its canonical form.
    fn name(&mut self, column: Column) -> Option<String> {
        self.read(column, |t| {
            let name = person_name(t);
            if name.is_empty() {
                Err("holds no letters, only invisible characters".into())
            } else {
                Ok(name)
            }
        })
    }
}

/// Reads the cells of one row (`cell(column)` is the text, `None` when the
/// file has no such column) into a member, or says what is wrong with the
/// first bad cell of each column. Names are normalised (see
/// [`person_name`]); a coordinator must be one of `coordinators`.
pub fn read_row(
    line: u64,
    cell: impl Fn(Column) -> Option<String>,
    today: NaiveDate,
    coordinators: &Coordinators,
) -> Result<RosterRow, Vec<CellError>> {
    let mut cells = Cells {
        cell,
        errors: Vec::new(),
    };
    let member_id = cells.text(Column::MemberId);
    let given_name = cells.name(Column::FirstName);
    let family_name = cells.name(Column::LastName);
    let birth_date = cells.read(Column::Dob, |t| check_birth_date(t, today));
    let row = RosterRow {
        line,
        member_id: member_id.unwrap_or_default(),
        given_name: given_name.unwrap_or_default(),
        family_name: family_name.unwrap_or_default(),
        birth_date: birth_date.unwrap_or_default(),
        sex: cells.read(Column::Sex, parse_sex),
        gender_identity: cells.text(Column::GenderIdentity),
        pronouns: cells.text(Column::Pronouns),
        phone_primary: cells.read(Column::Phone, normalize_phone),
        phone_secondary: cells.read(Column::Phone2, normalize_phone),
        address_line: cells.text(Column::Address),
        city: cells.text(Column::City),
        state: cells.read(Column::State, |t| check_state(t).map(|()| t.to_uppercase())),
        postal_code: cells.read(Column::Zip, |t| {
            check_postal_code(t).map(|()| t.to_string())
        }),
        language: cells.read(Column::Language, language::parse),
        interpreter_needed: cells.read(Column::Interpreter, parse_yes_no),
        medicaid_id: cells.text(Column::MedicaidId),
        plan_name: cells.text(Column::Plan),
        risk_tier: cells.read(Column::RiskTier, parse_risk_tier),
        coordinator: cells.read(Column::Coordinator, |t| coordinators.read(t)),
        enrollment_status: cells.read(Column::EnrollmentStatus, parse_enrollment),
        enrolled_on: cells.read(Column::EnrolledOn, parse_date),
        pcp_name: cells.text(Column::PcpName),
        pcp_phone: cells.read(Column::PcpPhone, normalize_phone),
        conditions: cells
            .read(Column::Conditions, parse_conditions)
            .unwrap_or_default(),
    };
    if cells.errors.is_empty() {
        Ok(row)
    } else {
        Err(cells.errors)
    }
}

/// Control characters (an escape sequence, a bell, a NUL) have no place in
/// a roster: they are refused, and shown in caret form (`^[`) so the
/// message itself cannot drive the terminal. Line breaks and tabs are text
/// (a quoted address may span lines): kept, and drawn cleaned.
fn no_control_characters(text: &str) -> Result<(), String> {
    let is_text = |c: char| matches!(c, '\n' | '\r' | '\t');
    match text.chars().find(|c| c.is_control() && !is_text(*c)) {
        Some(c) => Err(format!(
            "holds a control character ({}); a roster holds text only",
            caret(c)
        )),
        None => Ok(()),
    }
}

fn caret(c: char) -> String {
    match c as u32 {
        n @ 0..=0x1f => format!("^{}", char::from(b'@' + n as u8)),
        0x7f => "^?".into(),
        n => format!("U+{n:04X}"),
    }
}

/// A date as rosters write it: `YYYY-MM-DD` or `MM/DD/YYYY`.
pub fn parse_date(text: &str) -> Result<NaiveDate, String> {
    let text = text.trim();
    NaiveDate::parse_from_str(text, "%Y-%m-%d")
        .or_else(|_| NaiveDate::parse_from_str(text, "%m/%d/%Y"))
        .map_err(|_| {
            // Written the right way but not a day ("02/30/1980"), or not
            // written as a date at all ("1980/02/03", "Feb 3").
            let digits = |part: &str, len: std::ops::RangeInclusive<usize>| {
                len.contains(&part.len()) && part.chars().all(|c| c.is_ascii_digit())
            };
            let iso: Vec<&str> = text.split('-').collect();
            let us: Vec<&str> = text.split('/').collect();
            let shape_ok = (iso.len() == 3
                && digits(iso[0], 4..=4)
                && digits(iso[1], 1..=2)
                && digits(iso[2], 1..=2))
                || (us.len() == 3
                    && digits(us[0], 1..=2)
                    && digits(us[1], 1..=2)
                    && digits(us[2], 4..=4));
            if shape_ok {
                format!("{text:?} is not a day of the calendar")
            } else {
                format!("{text:?} is not a date: write YYYY-MM-DD or MM/DD/YYYY")
            }
        })
}

fn check_birth_date(text: &str, today: NaiveDate) -> Result<NaiveDate, String> {
    let date = parse_date(text)?;
    if date > today {
        return Err(format!("{date} is in the future"));
    }
    if date < earliest_birth_date(today) {
        return Err(format!("{date} would make the member older than 120"));
    }
    Ok(date)
}

fn parse_sex(text: &str) -> Result<Sex, String> {
    match text.trim().to_lowercase().as_str() {
        "f" | "female" => Ok(Sex::Female),
        "m" | "male" => Ok(Sex::Male),
        "o" | "x" | "other" => Ok(Sex::Other),
        "u" | "unknown" => Ok(Sex::Unknown),
        _ => Err(format!(
            "{text:?} is not a sex tend knows: F, M, X (other) or U (unknown)"
        )),
    }
}

fn parse_yes_no(text: &str) -> Result<bool, String> {
    match text.trim().to_lowercase().as_str() {
        "y" | "yes" | "true" => Ok(true),
        "n" | "no" | "false" => Ok(false),
        _ => Err(format!("{text:?} is not Y/N, yes/no or true/false")),
    }
}

fn parse_risk_tier(text: &str) -> Result<RiskTier, String> {
    let lower = text.trim().to_lowercase();
    lower
        .parse::<i64>()
        .ok()
        .and_then(RiskTier::from_number)
        .or_else(|| RiskTier::ALL.into_iter().find(|r| r.label() == lower))
        .ok_or_else(|| format!("{text:?} is not a risk tier: 1–4, or low, medium, high, very high"))
}

fn parse_enrollment(text: &str) -> Result<EnrollmentStatus, String> {
    EnrollmentStatus::from_code(&text.trim().to_lowercase()).ok_or_else(|| {
        format!("{text:?} is not an enrollment status: outreach, enrolled or disenrolled")
    })
}

/// Conditions separated by `;`, each an ICD-10 code, a name, or
/// `CODE name` ("E11.9 Type 2 diabetes").
pub fn parse_conditions(text: &str) -> Result<Vec<RosterCondition>, String> {
    let mut conditions = Vec::new();
    for part in text.split(';').map(str::trim).filter(|p| !p.is_empty()) {
        let (first, rest) = match part.split_once(char::is_whitespace) {
            Some((first, rest)) => (first, rest.trim()),
            None => (part, ""),
        };
        // A code: the shape of one, and either a dot or three characters
        // ending in a digit, so names such as "A1C elevated" or "H1N1
        // influenza" stay names. A dotted token that is not a code ("E1.9")
        // is a code typed wrong, and refused.
        let chars: Vec<char> = first.chars().collect();
        let starts_like_code =
            chars.len() >= 3 && chars[0].is_ascii_alphabetic() && chars[1].is_ascii_digit();
        let dotted = first.contains('.');
        let is_code = check_icd10(first).is_ok() && (dotted || chars[2].is_ascii_digit());
        let condition = match check_icd10(first) {
            Ok(()) if is_code => RosterCondition {
                code: Some(first.to_uppercase()),
                name: if rest.is_empty() {
                    first.to_uppercase()
                } else {
                    rest.to_string()
                },
            },
            Err(problem) if starts_like_code && dotted => return Err(problem),
            _ => RosterCondition {
                code: None,
                name: part.to_string(),
            },
        };
        conditions.push(condition);
    }
    Ok(conditions)
}

#[cfg(test)]
mod tests;
