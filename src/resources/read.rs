//! Finding a package's files and reading each into a [`Table`]: header
//! names (trimmed, lower-cased, a BOM dropped) and rows of trimmed text,
//! each with the line it starts on. No meaning yet; see `rows`.

use std::collections::HashMap;
use std::path::Path;

use super::check::Problem;
use super::PackageError;

/// One HSDS table: its 3.0 file name, the 2.0 names read in its place, and
/// whether a package must have it.
#[derive(Clone, Copy, Debug)]
pub struct FileSpec {
    pub name: &'static str,
    pub aliases: &'static [&'static str],
    pub required: bool,
    /// Columns that must be in the header; the file is left out without.
    pub columns: &'static [&'static str],
}

pub const ORGANIZATION: FileSpec = FileSpec {
    name: "organization.csv",
    aliases: &["organizations.csv"],
    required: true,
    columns: &["id", "name"],
};
pub const SERVICE: FileSpec = FileSpec {
    name: "service.csv",
    aliases: &["services.csv"],
    required: true,
    columns: &["id", "organization_id", "name"],
};
pub const LOCATION: FileSpec = FileSpec {
    name: "location.csv",
    aliases: &["locations.csv"],
    required: false,
    columns: &["id"],
};
pub const SERVICE_AT_LOCATION: FileSpec = FileSpec {
    name: "service_at_location.csv",
    aliases: &["services_at_location.csv", "services_at_locations.csv"],
    required: false,
    columns: &["id", "service_id", "location_id"],
};
pub const PHONE: FileSpec = FileSpec {
    name: "phone.csv",
    aliases: &["phones.csv"],
    required: false,
    columns: &["id", "number"],
};
pub const LANGUAGE: FileSpec = FileSpec {
    name: "language.csv",
    aliases: &["languages.csv"],
    required: false,
    columns: &["id"],
};
pub const SCHEDULE: FileSpec = FileSpec {
    name: "schedule.csv",
    aliases: &["schedules.csv", "regular_schedules.csv"],
    required: false,
    columns: &["id"],
};
pub const ADDRESS: FileSpec = FileSpec {
    name: "address.csv",
    aliases: &["addresses.csv", "physical_addresses.csv"],
    required: false,
    columns: &["id", "address_1", "city", "state_province", "postal_code"],
};
pub const TAXONOMY_TERM: FileSpec = FileSpec {
    name: "taxonomy_term.csv",
    aliases: &["taxonomy_terms.csv", "taxonomy.csv"],
    required: false,
    columns: &["id", "name"],
};

/// attribute.csv: HSDS 3.0's link from a row (a service, mostly) to a
/// taxonomy term, which is how a service says what it is for.
pub const ATTRIBUTE: FileSpec = FileSpec {
    name: "attribute.csv",
    aliases: &["attributes.csv"],
    required: false,
    columns: &["id", "link_id", "taxonomy_term_id"],
};
/// HSDS 2.0's service_taxonomy.csv: a service and a taxonomy term, read
/// as attributes linking a service. Its columns differ from attribute.csv's,
/// so it is a file of its own rather than an alias.
pub const SERVICE_TAXONOMY: FileSpec = FileSpec {
    name: "service_taxonomy.csv",
    aliases: &["services_taxonomy.csv"],
    required: false,
    columns: &["id", "service_id", "taxonomy_id"],
};

/// One row: the line it starts on and its fields, trimmed.
#[derive(Clone, Debug)]
pub struct Row {
    pub line: usize,
    fields: Vec<String>,
}

/// One file read: the name it has in the folder, its columns, its rows.
#[derive(Clone, Debug)]
pub struct Table {
    pub file: String,
    columns: HashMap<String, usize>,
    pub rows: Vec<Row>,
}

impl Table {
    pub fn has(&self, column: &str) -> bool {
        self.columns.contains_key(column)
    }

    /// The field of `row` under the first of `names` the header has,
    /// trimmed; "" when none of them is a column or the row is short.
    pub fn get<'a>(&self, row: &'a Row, names: &[&str]) -> &'a str {
        names
            .iter()
            .find_map(|name| self.columns.get(*name))
            .and_then(|&index| row.fields.get(index))
            .map(String::as_str)
            .unwrap_or("")
    }

    /// [`Table::get`], `None` when blank.
    pub fn opt(&self, row: &Row, names: &[&str]) -> Option<String> {
        let value = self.get(row, names);
        (!value.is_empty()).then(|| value.to_string())
    }
}

/// Reads `spec`'s file from `folder` if there is one. A missing required
/// file, a missing required column, two spellings of one file and a row
/// that is not UTF-8 are problems; a file that cannot be read is an error.
pub fn read_table(
    folder: &Path,
    spec: &FileSpec,
    problems: &mut Vec<Problem>,
) -> Result<Option<Table>, PackageError> {
    let present: Vec<&str> = std::iter::once(spec.name)
        .chain(spec.aliases.iter().copied())
        .filter(|name| folder.join(name).is_file())
        .collect();
    let Some(&file) = present.first() else {
        if spec.required {
            problems.push(Problem::new(
                spec.name,
                0,
                None,
                "missing (an HSDS package needs organization.csv and service.csv)",
            ));
        }
        return Ok(None);
    };
    if present.len() > 1 {
        problems.push(Problem::new(
            present[1],
            0,
            None,
            format!("{file} is here too; keep one of the two"),
        ));
    }
    let bytes = std::fs::read(folder.join(file)).map_err(|source| PackageError::File {
        file: file.to_string(),
        source,
    })?;
    let mut reader = csv::ReaderBuilder::new()
        .has_headers(false)
        .flexible(true)
        .from_reader(bytes.as_slice());
    let mut table = Table {
        file: file.to_string(),
        columns: HashMap::new(),
        rows: Vec::new(),
    };
    let mut header_seen = false;
    let mut record = csv::ByteRecord::new();
    let mut lines = LineCounter::default();
    loop {
        match reader.read_byte_record(&mut record) {
            Ok(false) => break,
            Ok(true) => {}
            Err(error) => {
                return Err(PackageError::File {
                    file: file.to_string(),
                    source: std::io::Error::other(error.to_string()),
                })
            }
        }
        let line = record
            .position()
            .map_or(0, |p| lines.line_of(&bytes, p.byte()));
        let mut fields = Vec::with_capacity(record.len());
        let mut utf8 = true;
        for field in record.iter() {
            match std::str::from_utf8(field) {
                Ok(text) => fields.push(text.trim_start_matches('\u{feff}').trim().to_string()),
                Err(_) => {
                    utf8 = false;
                    fields.push(String::new());
                }
            }
        }
        if !header_seen {
            header_seen = true;
            if !utf8 {
                problems.push(Problem::new(file, line, None, "header is not UTF-8 text"));
                return Ok(None);
            }
            for (index, name) in fields.iter().enumerate() {
                table
                    .columns
                    .entry(name.to_ascii_lowercase())
                    .or_insert(index);
            }
            let mut complete = true;
            for column in spec.columns {
                if !table.has(column) {
                    complete = false;
                    problems.push(Problem::new(
                        file,
                        1,
                        Some(column),
                        "required column is missing",
                    ));
                }
            }
            if !complete {
                return Ok(None);
            }
            continue;
        }
        if !utf8 {
            problems.push(Problem::new(file, line, None, "not UTF-8 text"));
            continue;
        }
        if fields.iter().all(String::is_empty) {
            continue;
        }
        table.rows.push(Row { line, fields });
    }
    if !header_seen {
        problems.push(Problem::new(file, 1, None, "empty file (no header)"));
        return Ok(None);
    }
    Ok(Some(table))
}

/// Line numbers of records, counted as the reader moves on: each record's
/// line from the previous one's, so a file of n lines costs n, not n²
/// (counting from the start each time took most of an import's time).
#[derive(Default)]
struct LineCounter {
    /// The byte counted up to, and the line breaks before it.
    at: usize,
    breaks: usize,
}

impl LineCounter {
    /// The line a record starting at byte `start` is on, counting `\n`s.
    /// The csv crate's own line count lags by one after a CRLF (the record
    /// is said to start at the `\n` its predecessor left), so the line
    /// breaks at `start` are skipped first. Records come in order; one
    /// before the last asked (never, from the csv crate) is counted anew.
    fn line_of(&mut self, bytes: &[u8], start: u64) -> usize {
        let mut to = usize::try_from(start)
            .unwrap_or(bytes.len())
            .min(bytes.len());
        while to < bytes.len() && matches!(bytes[to], b'\r' | b'\n') {
            to += 1;
        }
        if to < self.at {
            *self = LineCounter::default();
        }
        self.breaks += bytes[self.at..to].iter().filter(|&&b| b == b'\n').count();
        self.at = to;
        1 + self.breaks
    }
}
