//! Names that identify a person (a patient's given and family names, a
//! coordinator's user name and display name), made one canonical form
//! wherever they come in: a roster, a FHIR bundle, a form.
//!
//! Two names that look the same must be the same text, or a roster could
//! name "cc0002" followed by an invisible zero-width space, a second
//! coordinator no one can tell from the first. So a name is put in Unicode
//! Normalization Form C (UAX #15: "é" typed as `e` + U+0301 and as U+00E9
//! are one name), loses every character Unicode says is drawn as nothing
//! (Default_Ignorable_Code_Point: zero-width spaces and joiners, bidi
//! controls, variation selectors, Hangul fillers, tags) and every control
//! character, and has its spaces collapsed. Free text (notes, addresses) is
//! kept as written; the screen's cleaner shows what it holds.

use unicode_normalization::UnicodeNormalization;

pub use crate::text::{is_bidi_control, is_default_ignorable, is_variation_selector};

/// A name that identifies a person, in its one canonical form: NFC, no
/// default-ignorable or control characters (a line break or tab, and the
/// Unicode line and paragraph separators, become a space), runs of
/// whitespace made one space, no space at either end.
pub fn person_name(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    let mut space = false;
    let kept = text
        .chars()
        .filter(|c| !is_default_ignorable(*c))
        .nfc()
        .map(|c| match c {
            '\u{2028}' | '\u{2029}' | '\u{85}' => ' ',
            c if c.is_control() && c.is_whitespace() => ' ',
            c => c,
        })
        .filter(|c| !c.is_control());
    for c in kept {
        if c.is_whitespace() {
            space = !out.is_empty();
            continue;
        }
        if space {
            out.push(' ');
            space = false;
        }
        out.push(c);
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_that_look_alike_are_one_name() {
        assert_eq!(person_name("cc0002\u{200B}"), "cc0002");
        assert_eq!(person_name("\u{FEFF}cc\u{200D}0002"), "cc0002");
        assert_eq!(person_name("Zoe\u{0301}"), "Zoé");
        assert_eq!(person_name("Zo\u{00E9}"), "Zoé");
        assert_eq!(person_name("Ana\u{202E}ícuL"), "AnaícuL");
        assert_eq!(person_name("  Mary \t Ann\n"), "Mary Ann");
        assert_eq!(person_name("Ann\u{1b}[31m\u{9b}Red"), "Ann[31mRed");
        assert_eq!(person_name("\u{3164}"), "", "a Hangul filler is no name");
        assert_eq!(person_name("Ng\u{2028}Lan"), "Ng Lan");
    }

    #[test]
    fn real_names_are_kept_as_written() {
        for name in [
            "Zoë",
            "Ana-Lucía",
            "O'Brien",
            "美玲",
            "Nguyễn",
            "Đặng",
            "José María",
            "Ngũgĩ",
        ] {
            let nfc: String = name.nfc().collect();
            assert_eq!(person_name(name), nfc);
        }
    }

    #[test]
    fn the_bidi_controls_are_default_ignorable() {
        for c in ('\u{0}'..='\u{3000}').filter(|c| is_bidi_control(*c)) {
            assert!(is_default_ignorable(c), "{c:?}");
        }
        assert!(is_variation_selector('\u{FE0F}') && is_default_ignorable('\u{FE0F}'));
        assert!(!is_default_ignorable('a') && !is_default_ignorable('\u{0301}'));
    }
}
