//! The escape corpus: text that would drive a terminal, or move its
//! columns, if it reached one raw. Shared by the tests that put it through
//! every path by which a file's text reaches a terminal (`mod escapes;`).
//!
//! [`assert_terminal_safe`] checks printed bytes against its own list of
//! what must not be there, written here rather than taken from tend's
//! cleaner, so the test does not grade the cleaner with itself.

// Each test file uses a different part.
#![allow(dead_code)]

/// One hostile value.
#[derive(Debug, Clone, Copy)]
pub struct Escape {
    pub name: &'static str,
    pub raw: &'static str,
}

/// Every hostile value, each with a letter or two around it so a cut or
/// a dropped character shows.
pub const CORPUS: &[Escape] = &[
    Escape {
        name: "OSC 52 clipboard write",
        raw: "a\u{1b}]52;c;cGhpc2hlZA==\u{7}z",
    },
    Escape {
        name: "erase the screen",
        raw: "a\u{1b}[2Jz",
    },
    Escape {
        name: "recolour and retitle",
        raw: "a\u{1b}[31m\u{1b}]0;pwned\u{1b}\\z",
    },
    Escape {
        name: "C1 CSI (U+009B)",
        raw: "a\u{9b}2Jz",
    },
    Escape {
        name: "every C1 control",
        raw: "a\u{80}\u{81}\u{82}\u{83}\u{84}\u{85}\u{86}\u{87}\u{88}\u{89}\u{8a}\u{8b}\u{8c}\u{8d}\u{8e}\u{8f}\u{90}\u{91}\u{92}\u{93}\u{94}\u{95}\u{96}\u{97}\u{98}\u{99}\u{9a}\u{9b}\u{9c}\u{9d}\u{9e}\u{9f}z",
    },
    Escape {
        name: "right-to-left override (U+202E)",
        raw: "abc\u{202e}fedz",
    },
    Escape {
        name: "bidi embeddings and pop (U+202A-U+202D, U+202C)",
        raw: "a\u{202a}b\u{202b}c\u{202d}d\u{202c}z",
    },
    Escape {
        name: "bidi isolates (U+2066-U+2069)",
        raw: "a\u{2066}b\u{2067}c\u{2068}d\u{2069}z",
    },
    Escape {
        name: "bidi marks (U+200E, U+200F, U+061C)",
        raw: "a\u{200e}b\u{200f}c\u{61c}z",
    },
    Escape {
        name: "zero-width space (U+200B)",
        raw: "cc0002\u{200b}",
    },
    Escape {
        name: "zero-width joiner and non-joiner (U+200D, U+200C)",
        raw: "a\u{200d}b\u{200c}z",
    },
    Escape {
        name: "byte-order mark and word joiner (U+FEFF, U+2060)",
        raw: "a\u{feff}b\u{2060}z",
    },
    Escape {
        name: "NUL",
        raw: "a\u{0}z",
    },
    Escape {
        name: "DEL",
        raw: "a\u{7f}z",
    },
    Escape {
        name: "a lone ESC",
        raw: "a\u{1b}",
    },
    Escape {
        name: "bell, backspace, carriage return",
        raw: "a\u{7}\u{8}\rz",
    },
    Escape {
        name: "a line break that would forge a line",
        raw: "a\ntend: all is well\n",
    },
    Escape {
        name: "line separator (U+2028)",
        raw: "a\u{2028}z",
    },
];

/// A corpus item as tend's cleaner shows it, spelled out independently:
/// C0 controls and DEL in caret form (`^[`, `^?`), C1 controls, bidi
/// controls, zero-width characters and separators as `<U+XXXX>`.
pub fn shown(raw: &str) -> String {
    raw.chars()
        .map(|c| match c as u32 {
            n @ 0..=0x1f => format!("^{}", char::from(b'@' + n as u8)),
            0x7f => "^?".to_string(),
            n if is_forbidden(c) => format!("<U+{n:04X}>"),
            _ => c.to_string(),
        })
        .collect()
}

/// Characters printed output must never hold (besides C0 controls other
/// than a line end): C1 controls, bidi controls, zero-width characters and
/// the rest of Unicode's default-ignorable characters, line and paragraph
/// separators.
pub fn is_forbidden(c: char) -> bool {
    matches!(c as u32,
        0x7f..=0x9f
        | 0xad | 0x34f | 0x61c | 0x115f | 0x1160 | 0x17b4 | 0x17b5
        | 0x180b..=0x180f
        | 0x200b..=0x200f
        | 0x2028..=0x202e
        | 0x2060..=0x206f
        | 0x3164 | 0xfeff | 0xffa0
        | 0xfe00..=0xfe0f
        | 0xe0000..=0xe0fff)
}

/// Panics, naming `context`, unless `bytes` are UTF-8 holding no control
/// byte but the line end, and none of [`is_forbidden`].
pub fn assert_terminal_safe(context: &str, bytes: &[u8]) {
    let text = std::str::from_utf8(bytes)
        .unwrap_or_else(|e| panic!("{context}: the output is not UTF-8 ({e})"));
    for (at, c) in text.char_indices() {
        let control = (c as u32) < 0x20 && c != '\n';
        assert!(
            !control && !is_forbidden(c),
            "{context}: {c:?} at byte {at} of {text:?}"
        );
    }
}

/// The corpus items that can be part of a file name (no NUL, no slash).
pub fn file_name_safe() -> impl Iterator<Item = &'static Escape> {
    CORPUS.iter().filter(|e| !e.raw.contains(['\0', '/']))
}
