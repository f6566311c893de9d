//! The one text cleaner every piece of stored text passes through before it
//! is drawn, and fitting text into columns.
//!
//! ratatui passes control characters in spans straight to the terminal, so a
//! name imported with an escape sequence in it could recolour, move or retitle
//! the coordinator's screen. Control characters (C0, DEL, C1) are shown
//! instead in caret form (`^[`), and bidi controls, zero-width characters
//! and the other characters Unicode draws as nothing as `<U+202E>`, so what
//! was stored stays visible and nothing reaches the terminal raw.
//!
//! Cleaned text also keeps every terminal's cursor where ratatui thinks it
//! is. ratatui gives each cell a base character and appends characters of
//! no width (combining accents) to the cell before; terminals disagree on
//! the characters that are drawn as nothing (some give a zero-width space
//! a column), on a combining mark with no character before it, and on how
//! many marks a cell holds (tmux keeps 21 bytes a cell). So those characters
//! are shown by name, a mark with nothing before it gets U+25CC DOTTED
//! CIRCLE (Unicode's convention for showing a mark alone), a character
//! carries at most [`MAX_MARKS`] marks on screen, and variation selectors
//! (which only choose an emoji's or a CJK character's glyph) are left out.

use std::borrow::Cow;

use unicode_width::{UnicodeWidthChar, UnicodeWidthStr};

/// The most combining marks one character carries on screen: Vietnamese
/// needs two, Thai and pointed Hebrew three; a longer run ("Zalgo" text) is
/// cut to four, which keeps a cell within tmux's 21 bytes.
pub const MAX_MARKS: usize = 4;

/// Whether `c` must never reach the terminal as it is: a control character
/// (C0, DEL, C1), a line or paragraph separator, or a character Unicode
/// draws as nothing (zero-width spaces and joiners, bidi controls, variation
/// selectors, fillers, tags).
pub fn is_unsafe(c: char) -> bool {
    c.is_control() || matches!(c, '\u{2028}' | '\u{2029}') || is_default_ignorable(c)
}

/// A character of no width that is drawn on the one before it: a combining
/// mark (accents, vowel signs), a conjoining Hangul vowel or final.
fn is_mark(c: char) -> bool {
    !is_unsafe(c) && c.width() == Some(0)
}

/// `text` made safe to draw: control characters in caret form (`^[`, `^I`,
/// `^?`), C1 controls, bidi controls and zero-width characters as
/// `<U+XXXX>`, variation selectors left out, combining marks at most
/// [`MAX_MARKS`] a character and never without one.
pub fn clean(text: &str) -> Cow<'_, str> {
    if !text.chars().any(|c| is_unsafe(c) || is_mark(c)) {
        return Cow::Borrowed(text);
    }
    let mut out = String::with_capacity(text.len() + 8);
    // How many marks the last character drawn carries; None before any.
    let mut marks: Option<usize> = None;
    for c in text.chars() {
        match c as u32 {
            code @ 0x00..=0x1F => {
                out.push('^');
                out.push(char::from(code as u8 + 0x40));
                marks = Some(0);
            }
            0x7F => {
                out.push_str("^?");
                marks = Some(0);
            }
            _ if is_variation_selector(c) => {}
            code if is_unsafe(c) => {
                out.push_str(&format!("<U+{code:04X}>"));
                marks = Some(0);
            }
            _ if is_mark(c) => match marks {
                None => {
                    out.push('\u{25CC}');
                    out.push(c);
                    marks = Some(1);
                }
                Some(n) if n < MAX_MARKS => {
                    out.push(c);
                    marks = Some(n + 1);
                }
                Some(_) => {}
            },
            _ => {
                out.push(c);
                marks = Some(0);
            }
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

/// Unicode's Default_Ignorable_Code_Point property (DerivedCoreProperties.txt,
/// Unicode 15.1): characters a renderer shows as nothing when it does not
/// support them, and that terminals disagree about (some give them a
/// column, most none). The bidi controls are among them.
pub fn is_default_ignorable(c: char) -> bool {
    matches!(c,
        '\u{00AD}' | '\u{034F}' | '\u{061C}'
        | '\u{115F}'..='\u{1160}'
        | '\u{17B4}'..='\u{17B5}'
        | '\u{180B}'..='\u{180F}'
        | '\u{200B}'..='\u{200F}'
        | '\u{202A}'..='\u{202E}'
        | '\u{2060}'..='\u{206F}'
        | '\u{3164}'
        | '\u{FE00}'..='\u{FE0F}'
        | '\u{FEFF}'
        | '\u{FFA0}'
        | '\u{FFF0}'..='\u{FFF8}'
        | '\u{1BCA0}'..='\u{1BCA3}'
        | '\u{1D173}'..='\u{1D17A}'
        | '\u{E0000}'..='\u{E0FFF}')
}

/// Characters that reorder the text around them (bidi embeddings,
/// overrides, isolates and marks: the "Trojan Source" characters).
pub fn is_bidi_control(c: char) -> bool {
    matches!(c,
        '\u{061C}' | '\u{200E}' | '\u{200F}'
        | '\u{202A}'..='\u{202E}'
        | '\u{2066}'..='\u{2069}')
}

/// Variation selectors: they choose a glyph for the character before them
/// (an emoji's colour form, a CJK variant) and carry no text of their own.
pub fn is_variation_selector(c: char) -> bool {
    matches!(c, '\u{FE00}'..='\u{FE0F}' | '\u{E0100}'..='\u{E01EF}')
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
            .chain(0xFE00..0xFF00)
            .chain(0xE0000..0xE0080)
            .filter_map(char::from_u32)
            .collect();
        assert!(!clean(&all).chars().any(is_unsafe));
        assert_eq!(
            clean(&clean(&all)),
            clean(&all),
            "cleaning twice changes nothing"
        );
    }

    #[test]
    fn zero_width_characters_are_named_and_variation_selectors_left_out() {
        assert_eq!(clean("cc0002\u{200B}"), "cc0002<U+200B>");
        assert_eq!(
            clean("a\u{200D}b\u{FEFF}\u{2060}"),
            "a<U+200D>b<U+FEFF><U+2060>"
        );
        assert_eq!(
            clean("\u{3164}"),
            "<U+3164>",
            "a Hangul filler is drawn as a blank"
        );
        assert_eq!(clean("\u{2764}\u{FE0F} ok"), "\u{2764} ok");
    }

    #[test]
    fn combining_marks_always_have_a_character_and_at_most_four() {
        assert_eq!(clean("Nguye\u{0302}\u{0303}n"), "Nguye\u{0302}\u{0303}n");
        assert_eq!(clean("\u{0301}x"), "\u{25CC}\u{0301}x");
        let zalgo = format!("a{}b", "\u{0300}\u{0301}\u{0302}".repeat(20));
        assert_eq!(clean(&zalgo), "a\u{0300}\u{0301}\u{0302}\u{0300}b");
        assert_eq!(clean("^\u{200B}\u{0301}"), "^<U+200B>\u{0301}");
    }

    /// Draws `text`, cleaned, on a line of a TestBackend, and checks what
    /// each cell would send to a terminal: every cell starts with a
    /// character of a column or two (never with one of no width, which a
    /// terminal would put on the cell before, shifting the rest of the
    /// line), holds no character a terminal could draw as anything but
    /// nothing or a mark, at most MAX_MARKS marks; and the line takes the
    /// columns `fit` counted.
    fn assert_draws_in_place(text: &str) {
        use ratatui::backend::TestBackend;
        use ratatui::text::Line;
        use ratatui::Terminal;
        let width = 60u16;
        let shown = fit(text, width as usize);
        let mut terminal = Terminal::new(TestBackend::new(width, 1)).unwrap();
        terminal
            .draw(|frame| frame.render_widget(Line::raw(shown.clone()), frame.area()))
            .unwrap();
        let buffer = terminal.backend().buffer().clone();
        let mut columns = 0;
        let mut x = 0;
        while x < width {
            let symbol = buffer[(x, 0)].symbol().to_string();
            let first = symbol.chars().next().unwrap();
            let w = first.width().unwrap_or(0);
            assert!(w >= 1, "{text:?}: cell {x} starts with {first:?}");
            assert!(
                !symbol.chars().any(is_unsafe),
                "{text:?}: cell {x} is {symbol:?}"
            );
            assert!(
                symbol.chars().count() <= 1 + MAX_MARKS,
                "{text:?}: cell {x}"
            );
            if x < shown.width() as u16 {
                columns += w;
            }
            x += w as u16;
        }
        assert_eq!(columns, shown.width(), "{text:?}");
    }

    #[test]
    fn zero_width_and_combining_characters_keep_every_cell_in_its_column() {
        for text in [
            "\u{0301}Ann",
            "Ann \u{0301}\u{0301}",
            "cc\u{200B}0002 and \u{200D}",
            "Zo\u{0308}e\u{0301} Testa",
            "美\u{0301}玲\u{200B}美",
            &format!("Z{}algo", "\u{0336}\u{0334}".repeat(40)),
            "\u{2764}\u{FE0F}\u{1F468}\u{200D}\u{1F469}",
            "\u{1100}\u{1161}\u{11A8} \u{1161}",
            "x\u{E0041}\u{E0042}y\u{3164}z",
            "\u{1b}]52;c;aGk=\u{7}\u{9b}2J\u{202E}x",
        ] {
            assert_draws_in_place(text);
        }
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
