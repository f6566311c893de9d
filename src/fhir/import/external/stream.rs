//! A JSON document read as it streams: a Bundle's entries handed over one
//! at a time as they are reached, so a bundle of a million entries takes
//! the memory of one; the rest of the document (a lone resource, a
//! Bundle's own fields) kept whole, being small.
//!
//! The file is read in large blocks and split by a scan that follows only
//! strings and brackets: each entry's bytes are then parsed from memory.
//! (`serde_json` reading from a stream goes byte by byte through the
//! reader, half of a large bundle's import in a profile; its parser from
//! memory does not.) Whether the JSON is valid is still `serde_json`'s to
//! say, as each entry is parsed: the scan only finds where each entry
//! begins and ends, and where in the file, so a problem is placed by the
//! file's line and column.

use std::io::Read;

use serde_json::{Map, Value};

/// What the document held besides the entries it handed over: its other
/// top-level fields (a lone resource whole), and how many entries there
/// were.
pub struct Rest {
    pub fields: Map<String, Value>,
    pub entries: usize,
}

/// Why reading stopped: the JSON was bad (the problem worded, with its
/// line and column in the file), the file could not be read, or the
/// entry's handler said so.
pub enum Stop {
    Json(String),
    Io(std::io::Error),
    Handler(String),
}

/// The bytes that matter to the scan inside a string of an entry (its end,
/// an escape, a line's end) and outside one (a string's start, a bracket,
/// a line's end): the others are copied a run at a time.
const IN_STRING: [bool; 256] = table(b"\"\\\n");
const IN_ENTRY: [bool; 256] = table(b"\"{}[]\n");

const fn table(bytes: &[u8]) -> [bool; 256] {
    let mut table = [false; 256];
    let mut i = 0;
    while i < bytes.len() {
        table[bytes[i] as usize] = true;
        i += 1;
    }
    table
}

/// What is told each entry: its place in the list, its bytes, and the
/// line and column of the file it starts at.
pub type OnEntry<'h> = dyn FnMut(usize, &[u8], (usize, usize)) -> Result<(), String> + 'h;

/// Where a scan is: in the top-level object, or in its `entry` list.
#[derive(Clone, Copy, PartialEq, Eq)]
enum Part {
    Top,
    Entries,
}

/// Reads the JSON document from `reader`, calling `entry` with each item
/// of its top-level `entry` list as it is reached: its place in the list,
/// its bytes (not yet known to be valid JSON: the handler's parse says,
/// placing a problem by the line and column in the file the entry starts
/// at, given last).
pub fn read(mut reader: impl Read, entry: &mut OnEntry<'_>) -> Result<Rest, Stop> {
    let mut scan = Scan::default();
    let mut block = vec![0u8; 1 << 20];
    loop {
        let n = reader.read(&mut block).map_err(Stop::Io)?;
        if n == 0 {
            break;
        }
        scan.feed(&block[..n], entry)?;
    }
    scan.finish()
}

/// The state of the scan across blocks.
#[derive(Default)]
struct Scan {
    /// Brackets open: 1 inside the top-level object, 2 in its `entry`
    /// list, more inside an entry.
    depth: usize,
    in_string: bool,
    escaped: bool,
    /// At depth 1: whether the next string is a key, and the last key read.
    expect_key: bool,
    key: Vec<u8>,
    reading_key: bool,
    /// The `entry` list is next (its key and colon read).
    entries_next: bool,
    part: Option<Part>,
    /// The entry being read, its bytes and where it began.
    current: Vec<u8>,
    current_at: (usize, usize),
    entries: usize,
    /// The document but its entries (the list written as `[]`).
    rest: Vec<u8>,
    line: usize,
    column: usize,
}

impl Scan {
    fn feed(&mut self, bytes: &[u8], entry: &mut OnEntry<'_>) -> Result<(), Stop> {
        if self.line == 0 {
            self.line = 1;
        }
        let mut i = 0;
        while i < bytes.len() {
            // Inside an entry, the bytes that change nothing of the scan
            // (most of them) are copied a run at a time.
            if self.part == Some(Part::Entries) && self.depth > 2 && !self.escaped {
                let table = if self.in_string {
                    &IN_STRING
                } else {
                    &IN_ENTRY
                };
                let run = bytes[i..]
                    .iter()
                    .position(|&b| table[b as usize])
                    .unwrap_or(bytes.len() - i);
                self.current.extend_from_slice(&bytes[i..i + run]);
                self.column += run;
                i += run;
                if i == bytes.len() {
                    break;
                }
            }
            let b = bytes[i];
            i += 1;
            if b == b'\n' {
                self.line += 1;
                self.column = 0;
            } else {
                self.column += 1;
            }
            let in_entries = self.part == Some(Part::Entries);
            if self.in_string {
                if in_entries {
                    self.current.push(b);
                } else {
                    self.rest.push(b);
                    if self.reading_key {
                        self.key.push(b);
                    }
                }
                if self.escaped {
                    self.escaped = false;
                } else if b == b'\\' {
                    self.escaped = true;
                } else if b == b'"' {
                    self.in_string = false;
                    if self.reading_key {
                        self.reading_key = false;
                        self.key.pop();
                    }
                }
                continue;
            }
            if in_entries {
                self.entry_byte(b, entry)?;
                continue;
            }
            self.top_byte(b);
        }
        Ok(())
    }

    /// A byte outside the entries (and outside a string).
    fn top_byte(&mut self, b: u8) {
        if self.entries_next && self.depth == 1 && b == b'[' {
            self.entries_next = false;
            self.part = Some(Part::Entries);
            self.depth = 2;
            self.rest.push(b'[');
            return;
        }
        self.rest.push(b);
        match b {
            b'"' => {
                self.in_string = true;
                if self.depth == 1 && self.expect_key {
                    self.reading_key = true;
                    self.key.clear();
                }
            }
            b'{' | b'[' => {
                self.depth += 1;
                if self.depth == 1 {
                    self.part = Some(Part::Top);
                    self.expect_key = true;
                }
            }
            b'}' | b']' => self.depth = self.depth.saturating_sub(1),
            b':' if self.depth == 1 => {
                self.expect_key = false;
                self.entries_next = self.key == b"entry";
            }
            b',' if self.depth == 1 => {
                self.expect_key = true;
                self.entries_next = false;
            }
            b if b.is_ascii_whitespace() => {}
            _ if self.depth == 1 => self.entries_next = false,
            _ => {}
        }
    }

    /// A byte inside the `entry` list (and outside a string).
    fn entry_byte(&mut self, b: u8, entry: &mut OnEntry<'_>) -> Result<(), Stop> {
        if self.depth == 2 {
            match b {
                b',' => return self.hand_over(entry),
                b']' => {
                    self.hand_over(entry)?;
                    self.depth = 1;
                    self.part = Some(Part::Top);
                    self.rest.push(b']');
                    return Ok(());
                }
                b if b.is_ascii_whitespace() => return Ok(()),
                _ => {}
            }
            if self.current.is_empty() {
                self.current_at = (self.line, self.column);
            }
        }
        self.current.push(b);
        match b {
            b'"' => self.in_string = true,
            b'{' | b'[' => self.depth += 1,
            // A closing bracket with nothing open in the entry is kept in
            // it, for `serde_json` to place when the entry is parsed.
            b'}' | b']' if self.depth > 2 => self.depth -= 1,
            _ => {}
        }
        Ok(())
    }

    /// The entry read so far, parsed by the handler; none when the list
    /// is empty (`[]`). A comma with nothing before it is left for
    /// `serde_json` to refuse with the rest.
    fn hand_over(&mut self, entry: &mut OnEntry<'_>) -> Result<(), Stop> {
        if self.current.is_empty() {
            return Ok(());
        }
        entry(self.entries, &self.current, self.current_at).map_err(Stop::Handler)?;
        self.entries += 1;
        self.current.clear();
        Ok(())
    }

    fn finish(self) -> Result<Rest, Stop> {
        if self.part == Some(Part::Entries) || (self.depth > 0 && !self.rest.is_empty()) {
            return Err(Stop::Json(format!(
                "it is not valid JSON: it ends too early, at line {}, column {}",
                self.line.max(1),
                self.column
            )));
        }
        // The rest is the document itself outside the entries, so its
        // problems are placed as the file's.
        let rest: Value = serde_json::from_slice(&self.rest)
            .map_err(|e| Stop::Json(super::super::json_problem_from(&e, 1, 1)))?;
        let Value::Object(fields) = rest else {
            return Err(Stop::Json(
                "it is JSON but not a FHIR resource (not a JSON object)".into(),
            ));
        };
        let mut fields = fields;
        fields.remove("entry");
        Ok(Rest {
            fields,
            entries: self.entries,
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn entries_of(text: &str) -> (Vec<(usize, Value)>, Result<Rest, Stop>) {
        let mut seen = Vec::new();
        let rest = read(text.as_bytes(), &mut |i, v, (line, column)| {
            let value = serde_json::from_slice(v)
                .map_err(|e| super::super::super::json_problem_from(&e, line, column))?;
            seen.push((i, value));
            Ok(())
        });
        (seen, rest)
    }

    fn problem(text: &str) -> String {
        match entries_of(text).1 {
            Err(Stop::Json(why)) => why,
            Err(Stop::Handler(why)) => why,
            Err(Stop::Io(e)) => format!("io: {e}"),
            Ok(_) => "no problem".into(),
        }
    }

    #[test]
    fn a_bundles_entries_come_one_at_a_time_and_its_other_fields_whole() {
        let (seen, rest) = entries_of(
            r#"{"resourceType": "Bundle", "entry": [{"a": "x]}\"{"}, {"b": [2, {"c": []}]}],
                "type": "collection", "link": [{"entry": [1]}]}"#,
        );
        let rest = rest.ok().unwrap();
        assert_eq!(
            seen,
            [
                (0, serde_json::json!({"a": "x]}\"{"})),
                (1, serde_json::json!({"b": [2, {"c": []}]}))
            ]
        );
        assert_eq!(rest.entries, 2);
        assert_eq!(rest.fields["type"], "collection");
        assert_eq!(rest.fields["link"], serde_json::json!([{"entry": [1]}]));
        assert!(!rest.fields.contains_key("entry"));
        // Split anywhere, the same: blocks end mid-string and mid-escape.
        let text = r#"{"entry":[{"s":"a\"b\\"},{"t":1}],"resourceType":"Bundle"}"#;
        for cut in 1..text.len() {
            let mut seen = Vec::new();
            let mut scan = Scan::default();
            let mut hand = |i: usize, v: &[u8], _: (usize, usize)| {
                seen.push((i, String::from_utf8(v.to_vec()).unwrap()));
                Ok(())
            };
            scan.feed(&text.as_bytes()[..cut], &mut hand).ok().unwrap();
            scan.feed(&text.as_bytes()[cut..], &mut hand).ok().unwrap();
            let rest = scan.finish().ok().unwrap();
            assert_eq!(rest.fields["resourceType"], "Bundle");
            assert_eq!(
                seen,
                [
                    (0, r#"{"s":"a\"b\\"}"#.to_string()),
                    (1, r#"{"t":1}"#.to_string())
                ],
                "cut at {cut}"
            );
        }
    }

    #[test]
    fn a_lone_resource_is_kept_whole_and_bad_json_is_placed_in_the_file() {
        let (seen, rest) = entries_of(r#"{"resourceType": "Patient", "id": "p"}"#);
        assert!(seen.is_empty());
        assert_eq!(rest.ok().unwrap().fields["id"], "p");
        assert_eq!(problem(r#"{"entry": []}"#), "no problem");
        assert_eq!(
            problem("{\"entry\": [\n  {\"a\": 1},\n  {\"b\" 2}\n]}"),
            "it is not valid JSON: expected `:` at line 3, column 8"
        );
        assert_eq!(
            problem("{\"entry\": [{\"a\": 1}"),
            "it is not valid JSON: it ends too early, at line 1, column 19"
        );
        assert_eq!(
            problem("not json"),
            "it is not valid JSON: expected ident at line 1, column 2"
        );
        assert_eq!(
            problem(r#"{"a": 1} {"b": 2}"#),
            "it is not valid JSON: trailing characters at line 1, column 10"
        );
        let stopped = read(r#"{"entry": [1, 2, 3]}"#.as_bytes(), &mut |i, _, _| {
            if i == 1 {
                Err("no".into())
            } else {
                Ok(())
            }
        });
        assert!(matches!(stopped, Err(Stop::Handler(why)) if why == "no"));
    }
}
