//! The one text cleaner every piece of stored text passes through before it
//! is drawn, and fitting text into columns.
//!
//! ratatui passes control characters in spans straight to the terminal, so a
//! name imported with an escape sequence in it could recolour, move or retitle
//! the coordinator's screen. Control characters (C0, DEL, C1) and bidi
//! overrides are shown instead, in caret form (`^[`) or as `<U+202E>`, so
//! what was stored stays visible and nothing reaches the terminal raw.

use std::borrow::Cow;

use unicode_width::UnicodeWidthStr;

/// Characters that reorder text around them (Trojan Source) or break lines.
fn is_layout_control(c: char) -> bool {
    matches!(c,
        '\u{061C}' | '\u{200E}' | '\u{200F}'
        | '\u{202A}'..='\u{202E}'
        | '\u{2066}'..='\u{2069}'
        | '\u{2028}' | '\u{2029}')
}

/// Whether `c` must never reach the terminal as it is.
pub fn is_unsafe(c: char) -> bool {
    c.is_control() || is_layout_control(c)
}

/// `text` made safe to draw: control characters in caret form (`^[`, `^I`,
/// `^?`), C1 controls and bidi controls as `<U+XXXX>`.
pub fn clean(text: &str) -> Cow<'_, str> {
    if !text.chars().any(is_unsafe) {
        return Cow::Borrowed(text);
    }
    let mut out = String::with_capacity(text.len() + 8);
    for c in text.chars() {
        match c as u32 {
            code @ 0x00..=0x1F => {
                out.push('^');
                out.push(char::from(code as u8 + 0x40));
            }
            0x7F => out.push_str("^?"),
            code if is_unsafe(c) => out.push_str(&format!("<U+{code:04X}>")),
            _ => out.push(c),
        }
    }
    Cow::Owned(out)
}

/// Cleans `text` and cuts it to at most `width` columns, ending with `…`
/// when cut. Wide characters (CJK, emoji) count as two columns.
pub fn fit(text: &str, width: usize) -> String {
    let cleaned = clean(text);
    if cleaned.width() <= width {
        return cleaned.into_owned();
    }
    if width == 0 {
        return String::new();
    }
    let mut out = String::new();
    let mut used = 0;
    for c in cleaned.chars() {
        let w = unicode_width::UnicodeWidthChar::width(c).unwrap_or(0);
        if used + w > width - 1 {
            break;
        }
        out.push(c);
        used += w;
    }
    out.push('…');
    out
}

/// [`fit`] and then padded with spaces to exactly `width` columns, for
/// aligned plain-text columns.
pub fn pad(text: &str, width: usize) -> String {
    let mut out = fit(text, width);
    let used = out.width();
    out.extend(std::iter::repeat_n(' ', width.saturating_sub(used)));
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn plain_text_passes_untouched_and_unborrowed() {
        assert!(matches!(clean("Zoë 美玲 Ana-Lucía 👋"), Cow::Borrowed(_)));
    }

    #[test]
    fn escape_sequences_are_shown_in_caret_form() {
        assert_eq!(
            clean("Ann\x1b[31mRed\x1b]0;pwned\x07"),
            "Ann^[[31mRed^[]0;pwned^G"
        );
        assert_eq!(clean("a\tb\r\nc\x7f\0"), "a^Ib^M^Jc^?^@");
    }

    #[test]
    fn c1_controls_and_bidi_overrides_are_named() {
        assert_eq!(clean("x\u{9b}31m"), "x<U+009B>31m");
        assert_eq!(clean("abc\u{202e}fed\u{2066}"), "abc<U+202E>fed<U+2066>");
        assert_eq!(clean("line\u{2028}break"), "line<U+2028>break");
    }

    #[test]
    fn nothing_unsafe_survives_cleaning() {
        let all: String = (0u32..0x250)
            .chain(0x2000..0x2070)
            .filter_map(char::from_u32)
            .collect();
        assert!(!clean(&all).chars().any(is_unsafe));
    }

    #[test]
    fn fit_counts_columns_and_marks_cuts() {
        assert_eq!(fit("Quinorrow, Ana", 20), "Quinorrow, Ana");
        assert_eq!(fit("Quinorrow, Ana-Lucía", 10), "Quinorrow…");
        assert_eq!(fit("美玲美玲美玲", 5), "美玲…");
        assert_eq!(fit("\x1bXY", 3), "^[…");
        assert_eq!(fit("abc", 0), "");
    }

    #[test]
    fn pad_fills_to_the_column_width() {
        assert_eq!(pad("Kelith, 지우", 14), "Kelith, 지우  ");
        assert_eq!(pad("abcdef", 4), "abc…");
        assert_eq!(pad("", 2), "  ");
    }
}
