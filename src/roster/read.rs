//! Reading a roster file (`tend import patients FILE.csv`): the bytes
//! checked (UTF-8 with or without a BOM; not UTF-16, Latin-1 or binary),
//! the CSV read (CRLF or LF, quoted fields with commas and newlines), the
//! header mapped to tend's columns, and every row read or refused with
//! `FILE:LINE: column: what is wrong`. Nothing here writes to the database.

use std::collections::HashMap;
use std::path::Path;

use chrono::NaiveDate;

use crate::domain::roster::{read_row, Column, Coordinators, RosterRow};

/// A row the import refuses, with the reasons.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RejectedRow {
    /// The line the row starts on.
    pub line: u64,
    /// The row's cells as the file has them, for the rejects file.
    pub cells: Vec<String>,
    /// "dob: \"02/30/1980\" is not a day of the calendar".
    pub problems: Vec<String>,
}

/// A roster read from its file.
#[derive(Debug, Clone)]
pub struct RosterFile {
    /// The header line as the file has it.
    pub headers: Vec<String>,
    pub rows: Vec<RosterRow>,
    pub rejected: Vec<RejectedRow>,
    /// Header names tend does not read (reported once, then ignored).
    pub unknown_columns: Vec<String>,
}

/// Why a whole file cannot be read as a roster; the message names the file
/// (and the line, where there is one).
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("{0}")]
pub struct FileError(pub String);

/// Which line each record starts on, counted as the reader moves on (so a
/// big file is counted once, not once a record).
struct LineCounter<'a> {
    bytes: &'a [u8],
    /// The offset counted up to, and the line it is on.
    offset: usize,
    line: u64,
}

impl<'a> LineCounter<'a> {
    fn new(bytes: &'a [u8]) -> LineCounter<'a> {
        LineCounter {
            bytes,
            offset: 0,
            line: 1,
        }
    }

    /// The line of a record starting at byte `offset` (offsets only grow).
    /// After a CRLF line end the csv crate puts a record's start at the
    /// `\n` of the line before (and counts its own lines one short), so line
    /// ends are passed over first.
    fn line_of(&mut self, offset: usize) -> u64 {
        let offset = offset.clamp(self.offset, self.bytes.len());
        let start = self.bytes[offset..]
            .iter()
            .position(|b| *b != b'\r' && *b != b'\n')
            .map_or(self.bytes.len(), |skip| offset + skip);
        self.line += line_ends(&self.bytes[self.offset..start]) as u64;
        self.offset = start;
        self.line
    }
}

/// Line ends in `bytes`: LF, CRLF, or a CR alone (old Macintosh CSV).
fn line_ends(bytes: &[u8]) -> usize {
    bytes
        .iter()
        .enumerate()
        .filter(|(i, b)| **b == b'\n' || (**b == b'\r' && bytes.get(i + 1) != Some(&b'\n')))
        .count()
}

/// The line (1-based) holding byte `offset` of `bytes`.
fn line_at(bytes: &[u8], offset: usize) -> usize {
    line_ends(&bytes[..offset.min(bytes.len())]) + 1
}

/// The file's text (borrowed: a 30 MB roster is not held twice), or why it
/// is not a UTF-8 text file.
fn text_of<'a>(shown: &str, bytes: &'a [u8]) -> Result<&'a str, FileError> {
    let fail = |what: String| Err(FileError(format!("{shown}{what}")));
    if bytes.starts_with(&[0xFF, 0xFE]) || bytes.starts_with(&[0xFE, 0xFF]) {
        return fail(": the file is UTF-16; save it as CSV UTF-8 and import that".into());
    }
    let bytes = bytes.strip_prefix(b"\xEF\xBB\xBF").unwrap_or(bytes);
    if let Some(at) = bytes.iter().position(|b| *b == 0) {
        return fail(format!(
            ":{}: the file holds NUL bytes: it is not a CSV text file",
            line_at(bytes, at)
        ));
    }
    match std::str::from_utf8(bytes) {
        Ok(text) if text.trim().is_empty() => fail(
            ": the file is empty: a roster is a header line (member_id, first_name, \
             last_name, dob, ...) and a row for each member"
                .into(),
        ),
        Ok(text) => Ok(text),
        Err(e) => {
            let at = e.valid_up_to();
            fail(format!(
                ":{}: the file is not UTF-8 (byte 0x{:02X}; Latin-1 or Windows-1252, perhaps): \
                 save it as CSV UTF-8 and import that",
                line_at(bytes, at),
                bytes[at]
            ))
        }
    }
}

/// Which column of the file each of tend's columns is.
fn map_headers(
    shown: &str,
    headers: &[String],
) -> Result<(HashMap<Column, usize>, Vec<String>), FileError> {
    let mut columns: HashMap<Column, usize> = HashMap::new();
    let mut unknown = Vec::new();
    for (index, header) in headers.iter().enumerate() {
        match Column::from_header(header) {
            Some(column) => {
                if let Some(&earlier) = columns.get(&column) {
                    return Err(FileError(format!(
                        "{shown}:1: columns {:?} and {:?} both give {}; keep one",
                        clean(&headers[earlier]),
                        clean(header),
                        column.name()
                    )));
                }
                columns.insert(column, index);
            }
            None if header.trim().is_empty() => {}
            None => unknown.push(clean(header)),
        }
    }
    let missing: Vec<&str> = Column::ALL
        .into_iter()
        .filter(|c| c.is_required() && !columns.contains_key(c))
        .map(Column::name)
        .collect();
    if columns.is_empty() {
        let first_line: Vec<String> = headers.iter().take(6).map(|h| clean(h)).collect();
        return Err(FileError(format!(
            "{shown}:1: none of tend's columns: is this a roster? It starts with a header line \
             such as member_id,first_name,last_name,dob; this one reads: {}",
            first_line.join(",")
        )));
    }
    if !missing.is_empty() {
        let first_line: Vec<String> = headers.iter().take(6).map(|h| clean(h)).collect();
        return Err(FileError(format!(
            "{shown}:1: no {} column{} (member_id may also be mrn, cin or id); the first line reads: {}",
            missing.join(", "),
            if missing.len() == 1 { "" } else { "s" },
            first_line.join(",")
        )));
    }
    Ok((columns, unknown))
}

/// Text from the file as it may appear in a message: control characters
/// in caret form, so a message cannot drive the terminal.
fn clean(text: &str) -> String {
    crate::text::clean(text).into_owned()
}

/// Reads a roster file; a coordinator it names must be one of
/// `coordinators`.
pub fn read_roster(
    path: &Path,
    today: NaiveDate,
    coordinators: &Coordinators,
) -> Result<RosterFile, FileError> {
    // How messages name the file: a file name can hold anything.
    let shown = clean(&path.display().to_string());
    let bytes = crate::team_install::as_user(|| std::fs::read(path))
        .map_err(|e| FileError(format!("{shown}: cannot read: {e}")))?;
    let text = text_of(&shown, &bytes)?;
    let mut reader = csv::ReaderBuilder::new()
        .flexible(true)
        .from_reader(text.as_bytes());
    let headers: Vec<String> = reader
        .headers()
        .map_err(|e| FileError(format!("{shown}:1: {e}")))?
        .iter()
        .map(str::to_string)
        .collect();
    let (columns, unknown_columns) = map_headers(&shown, &headers)?;
    let mut rows = Vec::new();
    let mut rejected = Vec::new();
    let mut first_line_of: HashMap<String, u64> = HashMap::new();
    let mut lines = LineCounter::new(text.as_bytes());
    for record in reader.records() {
        let record = record.map_err(|e| {
            let line = e.position().map_or(0, |p| lines.line_of(p.byte() as usize));
            FileError(format!("{shown}:{line}: {e}"))
        })?;
        let line = record
            .position()
            .map_or(0, |p| lines.line_of(p.byte() as usize));
        let cells: Vec<String> = record.iter().map(str::to_string).collect();
        if cells.iter().all(|c| c.trim().is_empty()) {
            continue; // a blank line, often the last one
        }
        // More cells than the header shifts every value after the extra
        // comma; fewer is a row whose last cells were left off (empty).
        if cells.len() > headers.len() {
            rejected.push(RejectedRow {
                line,
                problems: vec![format!(
                    "the row has {} fields; the header has {} (a comma in a value that is \
                     not in quotes?)",
                    cells.len(),
                    headers.len()
                )],
                cells,
            });
            continue;
        }
        let cell = |column: Column| {
            columns
                .get(&column)
                .map(|&i| cells.get(i).cloned().unwrap_or_default())
        };
        // Every row's member ID counts, a rejected row's too: once fixed and
        // imported again, it must not land on top of a later duplicate.
        let member_id = cell(Column::MemberId)
            .map(|id| id.trim().to_string())
            .unwrap_or_default();
        let duplicate = match first_line_of.get(&member_id) {
            Some(first) => Some(format!(
                "{}: {} is also on line {first}",
                Column::MemberId.name(),
                clean(&member_id)
            )),
            None => {
                if !member_id.is_empty() {
                    first_line_of.insert(member_id, line);
                }
                None
            }
        };
        match (read_row(line, cell, today, coordinators), duplicate) {
            (Ok(row), None) => rows.push(row),
            (Ok(_), Some(duplicate)) => rejected.push(RejectedRow {
                line,
                problems: vec![duplicate],
                cells,
            }),
            (Err(errors), duplicate) => rejected.push(RejectedRow {
                line,
                problems: duplicate
                    .into_iter()
                    .chain(
                        errors
                            .iter()
                            .map(|e| format!("{}: {}", e.column.name(), e.message)),
                    )
                    .collect(),
                cells,
            }),
        }
    }
    Ok(RosterFile {
        headers,
        rows,
        rejected,
        unknown_columns,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn today() -> NaiveDate {
        NaiveDate::from_ymd_opt(2026, 11, 24).unwrap()
    }

    fn read(bytes: &[u8]) -> Result<RosterFile, FileError> {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("r.csv");
        std::fs::write(&path, bytes).unwrap();
        read_roster(&path, today(), &Coordinators::new(["ccuser"]))
            .map_err(|FileError(m)| FileError(m.replace(&path.display().to_string(), "r.csv")))
    }

    #[test]
    fn quoted_fields_crlf_and_a_bom_are_read() {
        let roster = read(
            b"\xEF\xBB\xBFMember ID,First Name,Last Name,DOB,Address\r\n\
              SYN1,Zo\xC3\xAB,Testa,1970-02-03,\"12 Example St, Apt 4\"\r\n\
              SYN2,Ana,\"Sample\nJones\",02/03/1980,\r\n",
        )
        .unwrap();
        assert_eq!(roster.rows.len(), 2);
        assert_eq!(roster.rows[0].given_name, "Zoë");
        assert_eq!(
            roster.rows[0].address_line.as_deref(),
            Some("12 Example St, Apt 4")
        );
        assert_eq!(
            roster.rows[1].family_name, "Sample Jones",
            "read across the quoted line break, which a name keeps as a space"
        );
        assert_eq!(roster.rows[1].line, 3);
    }

    #[test]
    fn a_duplicate_of_a_rejected_row_is_a_duplicate_and_old_mac_lines_count() {
        let roster = read(b"member_id,first_name,last_name,dob\rSYN1,Zoe,Testa,1970-02-30\rSYN1,Zoe,Testa,1970-02-03\r").unwrap();
        assert!(roster.rows.is_empty());
        assert_eq!(roster.rejected[0].line, 2);
        assert_eq!(
            roster.rejected[1].problems,
            ["member_id: SYN1 is also on line 2"],
            "line 3 is refused though line 2 was"
        );
        let extra =
            read(b"member_id,first_name,last_name,dob\nSYN1,Zoe,Testa,1970-02-03,surplus\n")
                .unwrap();
        assert_eq!(
            super::super::rejects::rejects_csv(&extra).unwrap(),
            "member_id,first_name,last_name,dob,,problem\nSYN1,Zoe,Testa,1970-02-03,surplus,line 2: the row has 5 fields; the header has 4 (a comma in a value that is not in quotes?)\n",
            "no cell of a rejected row is lost"
        );
    }

    #[test]
    fn whole_file_problems_name_the_file_and_line() {
        assert_eq!(
            read(b"member_id,first_name,last_name,dob\nSYN1,Ren\xE9,X,1970-01-01\n").unwrap_err().0,
            "r.csv:2: the file is not UTF-8 (byte 0xE9; Latin-1 or Windows-1252, perhaps): save it as CSV UTF-8 and import that"
        );
        assert_eq!(
            read(b"").unwrap_err().0,
            "r.csv: the file is empty: a roster is a header line (member_id, first_name, last_name, dob, ...) and a row for each member"
        );
        assert_eq!(
            read(b"id,first_name,surname,date of birth\n").unwrap_err().0,
            "r.csv:1: no last_name column (member_id may also be mrn, cin or id); the first line reads: id,first_name,surname,date of birth"
        );
        assert_eq!(
            read(b"mrn,member id,first_name,last_name,dob\n")
                .unwrap_err()
                .0,
            "r.csv:1: columns \"mrn\" and \"member id\" both give member_id; keep one"
        );
    }
}
