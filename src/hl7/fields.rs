//! Reading values out of hl7-parser's structure: a component or
//! subcomponent by number, text with its escapes decoded, timestamps.

use chrono::{NaiveDate, NaiveDateTime, NaiveTime};
use hl7_parser::datetime::parse_timestamp;
use hl7_parser::message::{Segment, Separators};

/// The raw text of component `c` of repetition `r` of field `f` ("" when
/// absent).
pub(crate) fn comp<'m>(seg: &'m Segment<'m>, f: usize, r: usize, c: usize) -> &'m str {
    seg.field(f)
        .and_then(|f| f.repeat(r))
        .and_then(|r| r.component(c))
        .map_or("", |c| c.raw_value())
}

/// The raw text of subcomponent `s` of component `c` of repetition `r`
/// of field `f` ("" when absent).
pub(crate) fn sub<'m>(seg: &'m Segment<'m>, f: usize, r: usize, c: usize, s: usize) -> &'m str {
    seg.field(f)
        .and_then(|f| f.repeat(r))
        .and_then(|r| r.component(c))
        .and_then(|c| c.subcomponent(s))
        .map_or("", |s| s.value)
}

/// How many repetitions field `f` has (0 when absent).
pub(crate) fn repeats(seg: &Segment<'_>, f: usize) -> usize {
    seg.field(f).map_or(0, |f| f.repeats.len())
}

/// Text as a person reads it: the separator escapes (`\F\ \S\ \T\ \R\
/// \E\`, `\X0D\`, `\.br\`) decoded by hl7-parser; `\Xhh..\` hexadecimal
/// bytes decoded here (the parser knows only 0D and 0A) as UTF-8, else
/// Latin-1; highlighting (`\H\ \N\`) and other formatting commands dropped;
/// line breaks become spaces and the ends are trimmed.
pub(crate) fn text(raw: &str, seps: &Separators) -> String {
    let esc = seps.escape;
    let mut out = String::new();
    let mut rest = raw;
    while let Some(start) = rest.find(esc) {
        out.push_str(&rest[..start]);
        let after = &rest[start + esc.len_utf8()..];
        let Some(end) = after.find(esc) else {
            // An escape never closed: keep it as written.
            out.push_str(&rest[start..]);
            rest = "";
            break;
        };
        let seq = &after[..end];
        rest = &after[end + esc.len_utf8()..];
        match seq {
            "H" | "N" => {}
            _ if seq.starts_with('X') && seq.len() > 1 => match hex(&seq[1..]) {
                Some(bytes) => out.push_str(&super::mllp::decode(&bytes)),
                None => out.push_str(&seps.decode(&format!("{esc}{seq}{esc}")).to_string()),
            },
            _ if seq.starts_with('.') && seq != ".br" => out.push(' '),
            _ => out.push_str(&seps.decode(&format!("{esc}{seq}{esc}")).to_string()),
        }
    }
    out.push_str(rest);
    let out: String = out
        .chars()
        .map(|c| if c == '\r' || c == '\n' { ' ' } else { c })
        .collect();
    out.trim().to_string()
}

fn hex(s: &str) -> Option<Vec<u8>> {
    if s.is_empty() || !s.len().is_multiple_of(2) || !s.bytes().all(|b| b.is_ascii_hexdigit()) {
        return None;
    }
    (0..s.len())
        .step_by(2)
        .map(|i| u8::from_str_radix(&s[i..i + 2], 16).ok())
        .collect()
}

/// Text, or `None` when it is empty.
pub(crate) fn opt_text(raw: &str, seps: &Separators) -> Option<String> {
    Some(text(raw, seps)).filter(|s| !s.is_empty())
}

/// An HL7 DTM (or the first component of a TS):
/// `YYYY[MM[DD[HH[MM[SS[.S[S[S[S]]]]]]]]][+/-ZZZZ]`. The wall clock is kept
/// as sent and the offset dropped: the facility's local time is what the
/// measures count days in. Missing parts are the first of their kind (a
/// date alone is midnight, a year alone is 1 January). `Ok(None)` for an
/// empty value, `Err(())` for one that is not a date and time.
pub(crate) fn timestamp(raw: &str) -> Result<Option<NaiveDateTime>, ()> {
    let raw = raw.trim();
    if raw.is_empty() {
        return Ok(None);
    }
    let ts = parse_timestamp(raw, false).map_err(|_| ())?;
    let date = NaiveDate::from_ymd_opt(
        i32::from(ts.year),
        u32::from(ts.month.unwrap_or(1)),
        u32::from(ts.day.unwrap_or(1)),
    )
    .ok_or(())?;
    let time = NaiveTime::from_hms_micro_opt(
        u32::from(ts.hour.unwrap_or(0)),
        u32::from(ts.minute.unwrap_or(0)),
        u32::from(ts.second.unwrap_or(0)),
        ts.microsecond.unwrap_or(0),
    )
    .ok_or(())?;
    Ok(Some(date.and_time(time)))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn t(s: &str) -> Option<NaiveDateTime> {
        timestamp(s).unwrap()
    }

    #[test]
    fn timestamps_keep_the_wall_clock_and_drop_the_offset() {
        let noon = NaiveDate::from_ymd_opt(2026, 3, 4)
            .unwrap()
            .and_hms_opt(12, 30, 0)
            .unwrap();
        assert_eq!(t("202603041230"), Some(noon));
        assert_eq!(t("20260304123000-0500"), Some(noon));
        assert_eq!(t("202603041230+0100"), Some(noon));
        assert_eq!(
            t("20260304"),
            NaiveDate::from_ymd_opt(2026, 3, 4)
                .unwrap()
                .and_hms_opt(0, 0, 0)
        );
        assert_eq!(
            t("20260304123005.25"),
            NaiveDate::from_ymd_opt(2026, 3, 4)
                .unwrap()
                .and_hms_milli_opt(12, 30, 5, 250)
        );
        assert_eq!(t(""), None);
        for bad in [
            "2026-13-45",
            "20261345",
            "20260230",
            "202603042561",
            "tomorrow",
            "2026030412x",
        ] {
            assert!(timestamp(bad).is_err(), "{bad}");
        }
    }

    #[test]
    fn escapes_are_decoded() {
        let seps = Separators::default();
        assert_eq!(
            text(r"Smith \T\ Sons\F\Unit \S\2", &seps),
            "Smith & Sons|Unit ^2"
        );
        assert_eq!(text(r"a\R\b\E\c", &seps), "a~b\\c");
        assert_eq!(text(r"Caf\XC3A9\ \H\bold\N\", &seps), "Café bold");
        assert_eq!(text(r"Caf\XE9\", &seps), "Café");
        assert_eq!(text(r"line\.br\two", &seps), "line two");
        assert_eq!(text(r"open \F", &seps), r"open \F");
    }
}
