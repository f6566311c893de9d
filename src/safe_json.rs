//! JSON that is safe to print: `tend today --json` and `tend export fhir`
//! are read in terminals (`| less`, `cat`) and viewers as often as by
//! programs.
//!
//! JSON requires only C0 controls, `"` and `\` to be escaped, so
//! serde_json writes a C1 control (U+009B, a CSI to many terminals), a
//! bidi override (U+202E) or a zero-width space raw, and a name imported
//! with one drives the terminal of whoever looks at the file. Here they are
//! written as `\u` escapes (`\u009b`, `\u202e`, `\u200b`; as a surrogate
//! pair beyond the Basic Multilingual Plane): the same string to any JSON
//! reader, safe to print. Escaped: DEL and the C1 controls, the line and
//! paragraph separators, and every character Unicode draws as nothing
//! (Default_Ignorable_Code_Point: bidi controls, zero-width characters,
//! variation selectors, tags). The output is otherwise serde_json's pretty
//! form, byte for byte, so the same data always gives the same bytes.

use std::io;

use serde::Serialize;
use serde_json::ser::{Formatter, PrettyFormatter};

use crate::text::is_default_ignorable;

/// Whether `c` is written as a `\u` escape.
fn escaped(c: char) -> bool {
    matches!(c, '\u{7f}'..='\u{9f}' | '\u{2028}' | '\u{2029}') || is_default_ignorable(c)
}

/// serde_json's [`PrettyFormatter`], escaping what [`escaped`] says too.
struct SafeFormatter<'a>(PrettyFormatter<'a>);

impl Formatter for SafeFormatter<'_> {
    fn write_string_fragment<W: ?Sized + io::Write>(
        &mut self,
        writer: &mut W,
        fragment: &str,
    ) -> io::Result<()> {
        let mut start = 0;
        for (at, c) in fragment.char_indices() {
            if escaped(c) {
                writer.write_all(&fragment.as_bytes()[start..at])?;
                let mut units = [0u16; 2];
                for unit in c.encode_utf16(&mut units) {
                    write!(writer, "\\u{unit:04x}")?;
                }
                start = at + c.len_utf8();
            }
        }
        writer.write_all(&fragment.as_bytes()[start..])
    }

    // The rest is the pretty formatter's (the trait's defaults are compact).
    fn begin_array<W: ?Sized + io::Write>(&mut self, writer: &mut W) -> io::Result<()> {
        self.0.begin_array(writer)
    }

    fn end_array<W: ?Sized + io::Write>(&mut self, writer: &mut W) -> io::Result<()> {
        self.0.end_array(writer)
    }

    fn begin_array_value<W: ?Sized + io::Write>(
        &mut self,
        writer: &mut W,
        first: bool,
    ) -> io::Result<()> {
        self.0.begin_array_value(writer, first)
    }

    fn end_array_value<W: ?Sized + io::Write>(&mut self, writer: &mut W) -> io::Result<()> {
        self.0.end_array_value(writer)
    }

    fn begin_object<W: ?Sized + io::Write>(&mut self, writer: &mut W) -> io::Result<()> {
        self.0.begin_object(writer)
    }

    fn end_object<W: ?Sized + io::Write>(&mut self, writer: &mut W) -> io::Result<()> {
        self.0.end_object(writer)
    }

    fn begin_object_key<W: ?Sized + io::Write>(
        &mut self,
        writer: &mut W,
        first: bool,
    ) -> io::Result<()> {
        self.0.begin_object_key(writer, first)
    }

    fn begin_object_value<W: ?Sized + io::Write>(&mut self, writer: &mut W) -> io::Result<()> {
        self.0.begin_object_value(writer)
    }

    fn end_object_value<W: ?Sized + io::Write>(&mut self, writer: &mut W) -> io::Result<()> {
        self.0.end_object_value(writer)
    }
}

/// `value` as pretty JSON into `writer`, safe to print.
pub fn to_writer_pretty<W: io::Write, T: ?Sized + Serialize>(
    writer: W,
    value: &T,
) -> serde_json::Result<()> {
    let mut serializer =
        serde_json::Serializer::with_formatter(writer, SafeFormatter(PrettyFormatter::new()));
    value.serialize(&mut serializer)
}

/// `value` as pretty JSON, safe to print.
pub fn to_string_pretty<T: ?Sized + Serialize>(value: &T) -> serde_json::Result<String> {
    let mut bytes = Vec::new();
    to_writer_pretty(&mut bytes, value)?;
    // serde_json writes UTF-8 only, and the escapes are ASCII.
    Ok(String::from_utf8(bytes).expect("serde_json writes UTF-8"))
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::{json, Value};

    #[test]
    fn what_would_drive_a_terminal_is_escaped_and_reads_back_the_same() {
        let value = json!({
            "name\u{202e}": "Ann\u{9b}2J \u{202e}fed\u{200b}\u{2066}x\u{2069}\u{feff}\u{7f}\u{1b}[31m",
            "tag": "a\u{e0041}b",
            "plain": ["Zoë", "美玲", "👋", "\"q\"\\"]
        });
        let text = to_string_pretty(&value).unwrap();
        assert_eq!(
            text,
            "{\n  \"name\\u202e\": \"Ann\\u009b2J \\u202efed\\u200b\\u2066x\\u2069\\ufeff\\u007f\\u001b[31m\",\n  \
             \"tag\": \"a\\udb40\\udc41b\",\n  \"plain\": [\n    \"Zoë\",\n    \"美玲\",\n    \"👋\",\n    \
             \"\\\"q\\\"\\\\\"\n  ]\n}"
        );
        assert!(!text.chars().any(escaped));
        assert_eq!(serde_json::from_str::<Value>(&text).unwrap(), value);
    }

    #[test]
    fn plain_data_is_written_as_serde_json_writes_it() {
        let value = json!({"resourceType": "Patient", "name": [{"family": "Testa", "given": ["Zoë"]}], "n": 1.5});
        assert_eq!(
            to_string_pretty(&value).unwrap(),
            serde_json::to_string_pretty(&value).unwrap()
        );
    }
}
