//! The layers of the code (DESIGN.md, "Shape"), checked: no module imports
//! one of a layer above its own, and no source file grows past
//! `MAX_LINES` unless it is a data table. Without this the layering drifts
//! one convenient import at a time, as it did before issue 14.
//!
//! The test reads every `src/**/*.rs`, finds each path that leaves its own
//! top-level module (`use crate::…`, `use crate::{…}`, `crate::x::f()` in
//! code, `super::` chains that climb to the crate root, and `tend::…` in
//! `main.rs`), and looks up both ends in `MODULES`. Comments, strings and
//! character literals are blanked first, so a path in a doc comment or an
//! SQL string is not an import.

use std::collections::BTreeSet;
use std::fmt;
use std::path::{Path, PathBuf};

/// The layers, lowest first: a module may use its own layer and those below
/// it (except what `NOT_REACHED` forbids), never one above.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord)]
enum Layer {
    /// Pure helpers with no knowledge of tend's data: text cleaning, the
    /// clock, private files, JSON that cannot be tricked.
    Helpers,
    /// Plain types and rules, no I/O.
    Domain,
    /// The only code that speaks SQL.
    Store,
    /// Feeds, formats and reports that sit on the store, and the config
    /// file read into settings (config must not know the app: `App` is
    /// built from settings).
    Services,
    /// State and behaviour: `App`, its layers and components. No drawing.
    App,
    /// Drawing only.
    Ui,
    /// The terminal: set-up and restore, the event loop, the crash report
    /// (which restores the terminal).
    Tui,
    /// The command line; `main.rs` only calls it.
    Cli,
}

use Layer::*;

/// Every top-level module of `src/` (a `src/NAME.rs` or `src/NAME/`) and
/// its layer. A new module is one line here; a module missing from this
/// table fails the test.
const MODULES: &[(&str, Layer)] = &[
    ("text", Helpers),
    ("clock", Helpers),
    ("private", Helpers),
    ("safe_json", Helpers),
    ("secret", Helpers),
    ("system_password", Helpers),
    ("team_install", Helpers),
    ("domain", Domain),
    ("store", Store),
    ("fhir", Services),
    // HL7 v2 ADT: files and the MLLP listener (issue 16).
    ("hl7", Services),
    ("instruments", Services),
    ("synth", Services),
    ("templates", Services),
    // The roster import's workflow (dry run, report, rejects, progress),
    // leaving the CLI in issue 14.
    ("roster", Services),
    // Today's list and the exports, gathered into reports/ in issue 14;
    // until then each its own module.
    ("reports", Services),
    ("resources", Services),
    ("today", Services),
    ("export", Services),
    ("export_csv", Services),
    ("import", Services),
    ("config", Services),
    ("app", App),
    ("ui", Ui),
    ("tui", Tui),
    ("crash", Tui),
    ("cli", Cli),
    ("main", Cli),
];

/// Pairs (from, to) a layer may not use although `to` is below it: drawing
/// shows the app's state, so what it shows reaches it through app (or is a
/// domain type), never straight from the store, a service or the config.
const NOT_REACHED: &[(Layer, Layer)] = &[(Ui, Store), (Ui, Services)];

/// The most lines a source file may have (unit tests included).
const MAX_LINES: usize = 600;

/// Source files allowed past `MAX_LINES` because they are data (a table a
/// reader looks things up in, not code read top to bottom): path under
/// `src/`, and why.
const DATA_TABLES: &[(&str, &str)] = &[];

fn layer_of(module: &str) -> Option<Layer> {
    MODULES
        .iter()
        .find(|(name, _)| *name == module)
        .map(|(_, layer)| *layer)
}

fn may_use(from: Layer, to: Layer) -> bool {
    to <= from && !NOT_REACHED.contains(&(from, to))
}

#[test]
fn no_layer_imports_one_above_it_and_no_file_is_too_long() {
    let src = Path::new(env!("CARGO_MANIFEST_DIR")).join("src");
    let mut problems = Vec::new();
    for file in rust_files(&src) {
        let relative = file.strip_prefix(&src).unwrap();
        let shown = format!("src/{}", relative.display());
        let source = std::fs::read_to_string(&file).unwrap();

        let lines = source.lines().count();
        if lines > MAX_LINES && !DATA_TABLES.iter().any(|(path, _)| shown == *path) {
            problems.push(format!(
                "{shown}: {lines} lines, over {MAX_LINES} (split it, or list it in \
                 DATA_TABLES with the reason if it is a data table)"
            ));
        }

        let Some(place) = Place::of(relative) else {
            continue;
        };
        let Some(from) = layer_of(&place.top) else {
            problems.push(format!(
                "{shown}: the module `{}` is not in MODULES in tests/architecture.rs; \
                 add it with its layer",
                place.top
            ));
            continue;
        };
        for import in imports(&source, &place) {
            if import.module == place.top {
                continue;
            }
            let line = source.lines().nth(import.line - 1).unwrap_or("").trim();
            match layer_of(&import.module) {
                None => problems.push(format!(
                    "{shown}:{}: `{}` is not in MODULES in tests/architecture.rs; add it \
                     with its layer: {line}",
                    import.line, import.module
                )),
                Some(to) if !may_use(from, to) => problems.push(format!(
                    "{shown}:{}: {} ({from:?}) uses {} ({to:?}): {line}",
                    import.line, place.top, import.module
                )),
                Some(_) => {}
            }
        }
    }
    assert!(
        problems.is_empty(),
        "{} problems with the layers (lowest first: {:?}):\n{}",
        problems.len(),
        [Helpers, Domain, Store, Services, App, Ui, Tui, Cli],
        problems.join("\n")
    );
}

/// The scanner itself, on the forms of import it must find and the places
/// a path is not an import. Not ignored: it holds whatever the tree does.
#[test]
fn the_scanner_finds_every_form_of_import_and_nothing_else() {
    let source = r##"
//! Docs naming crate::ui::Doc are not imports.
use crate::store::Scope;
use crate::{
    app::{self, App},
    domain,
};
use super::theme::Theme;
use super::super::config;
pub(crate) fn f() {
    let s = "crate::tui::in_a_string";
    let c = '"';
    crate::tui::restore(); // crate::cli::in_a_comment
    /* crate::cli::in_a_block /* nested */ crate::cli::still */
    let r = r#"crate::cli::raw "quoted" "#;
    pub(in crate::ui) struct Hidden;
}
#[cfg(test)]
mod tests {
    use super::*;
    use super::super::super::text::clean;
}
"##;
    // src/ui/pane/mod.rs: the module ui::pane, two below the crate root.
    let place = Place::of(Path::new("ui/pane/mod.rs")).unwrap();
    let found: Vec<(usize, String)> = imports(source, &place)
        .into_iter()
        .map(|i| (i.line, i.module))
        .collect();
    assert_eq!(
        found,
        [
            (3, "store".to_string()),
            (5, "app".to_string()),
            (6, "domain".to_string()),
            (9, "config".to_string()),
            (13, "tui".to_string()),
            (16, "ui".to_string()),
            (21, "text".to_string()),
        ]
    );
    // super:: inside ui::pane stays in ui; main.rs reaches the library by
    // its name.
    let main = Place::of(Path::new("main.rs")).unwrap();
    let found: Vec<String> = imports("fn main() { tend::cli::main() }", &main)
        .into_iter()
        .map(|i| i.module)
        .collect();
    assert_eq!(found, ["cli"]);
}

/// Every table entry is a module of today's tree or one issue 14 plans,
/// and names a layer once.
#[test]
fn the_table_names_each_module_once() {
    let names: BTreeSet<&str> = MODULES.iter().map(|(name, _)| *name).collect();
    assert_eq!(names.len(), MODULES.len(), "a module listed twice");
    for (path, why) in DATA_TABLES {
        assert!(!why.is_empty(), "{path}: say why it is a data table");
    }
}

// ---------------------------------------------------------------------------
// Reading the source.

fn rust_files(dir: &Path) -> Vec<PathBuf> {
    let mut files = Vec::new();
    let mut entries: Vec<_> = std::fs::read_dir(dir)
        .unwrap()
        .map(|e| e.unwrap().path())
        .collect();
    entries.sort();
    for path in entries {
        if path.is_dir() {
            files.extend(rust_files(&path));
        } else if path.extension().is_some_and(|e| e == "rs") {
            files.push(path);
        }
    }
    files
}

/// Where a file sits: its top-level module and how many modules deep it is
/// below the crate root (what `super::` climbs).
struct Place {
    top: String,
    depth: usize,
    /// `main.rs`, which reaches the library as `tend::`.
    binary: bool,
}

impl Place {
    /// The place of a file, by its path under `src/`; `None` for `lib.rs`,
    /// which only declares the modules.
    fn of(relative: &Path) -> Option<Place> {
        let mut parts: Vec<String> = relative
            .iter()
            .map(|p| p.to_string_lossy().into_owned())
            .collect();
        let last = parts.pop().unwrap();
        let stem = last.trim_end_matches(".rs").to_string();
        if parts.is_empty() && stem == "lib" {
            return None;
        }
        if parts.is_empty() && stem == "main" {
            return Some(Place {
                top: "main".into(),
                depth: 0,
                binary: true,
            });
        }
        if stem != "mod" {
            parts.push(stem);
        }
        Some(Place {
            top: parts[0].clone(),
            depth: parts.len(),
            binary: false,
        })
    }
}

impl fmt::Debug for Place {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{} (depth {})", self.top, self.depth)
    }
}

/// A path that reaches a top-level module: the module and the line.
struct Import {
    line: usize,
    module: String,
}

/// Every path in `source` that starts at the crate root, by the top-level
/// module it reaches, in order.
fn imports(source: &str, place: &Place) -> Vec<Import> {
    let tokens = tokens(&blank_comments_and_literals(source));
    let mut found = Vec::new();
    // Inline modules (`mod tests { … }`) are one level more for `super::`:
    // the brace depth at which each opened.
    let mut inline_mods: Vec<usize> = Vec::new();
    let mut braces = 0usize;
    let is = |i: usize, text: &str| tokens.get(i).is_some_and(|t| t.text == text);
    for i in 0..tokens.len() {
        match tokens[i].text.as_str() {
            "{" => {
                if i >= 2 && tokens[i - 2].text == "mod" {
                    inline_mods.push(braces);
                }
                braces += 1;
                continue;
            }
            "}" => {
                braces = braces.saturating_sub(1);
                if inline_mods.last() == Some(&braces) {
                    inline_mods.pop();
                }
                continue;
            }
            _ => {}
        }
        // Only the start of a path: not the `crate` of `a::crate`.
        if i > 0 && tokens[i - 1].text == "::" {
            continue;
        }
        let word = tokens[i].text.as_str();
        let after_root = if (word == "crate" || (word == "tend" && place.binary)) && is(i + 1, "::")
        {
            Some(i + 2)
        } else if word == "super" && is(i + 1, "::") {
            let mut climbs = 0;
            let mut j = i;
            while is(j, "super") && is(j + 1, "::") {
                climbs += 1;
                j += 2;
            }
            // Still inside the file's own top-level module: not a way out.
            (climbs >= place.depth + inline_mods.len()).then_some(j)
        } else {
            None
        };
        let Some(at) = after_root else {
            continue;
        };
        let Some(next) = tokens.get(at) else {
            continue;
        };
        if next.text == "{" {
            // A group: the first name of each item at its top level.
            let mut depth = 0;
            let mut expect_item = true;
            for token in &tokens[at..] {
                match token.text.as_str() {
                    "{" => {
                        depth += 1;
                        if depth == 1 {
                            expect_item = true;
                        }
                        continue;
                    }
                    "}" => {
                        depth -= 1;
                        if depth == 0 {
                            break;
                        }
                    }
                    "," if depth == 1 => {
                        expect_item = true;
                        continue;
                    }
                    name if expect_item && depth == 1 && is_name(name) && name != "self" => {
                        found.push(Import {
                            line: token.line,
                            module: name.to_string(),
                        });
                    }
                    _ => {}
                }
                expect_item = false;
            }
        } else if is_name(&next.text) {
            found.push(Import {
                line: next.line,
                module: next.text.clone(),
            });
        }
    }
    found
}

fn is_name(text: &str) -> bool {
    text.chars()
        .next()
        .is_some_and(|c| c.is_alphabetic() || c == '_')
}

struct Token {
    text: String,
    line: usize,
}

/// Names, `::`, and every other character as a token of its own, with the
/// line each is on (from 1).
fn tokens(code: &str) -> Vec<Token> {
    let mut tokens = Vec::new();
    let mut line = 1;
    let chars: Vec<char> = code.chars().collect();
    let mut i = 0;
    while i < chars.len() {
        let c = chars[i];
        if c == '\n' {
            line += 1;
            i += 1;
        } else if c.is_whitespace() {
            i += 1;
        } else if c.is_alphanumeric() || c == '_' {
            let start = i;
            while i < chars.len() && (chars[i].is_alphanumeric() || chars[i] == '_') {
                i += 1;
            }
            tokens.push(Token {
                text: chars[start..i].iter().collect(),
                line,
            });
        } else if c == ':' && chars.get(i + 1) == Some(&':') {
            tokens.push(Token {
                text: "::".into(),
                line,
            });
            i += 2;
        } else {
            tokens.push(Token {
                text: c.to_string(),
                line,
            });
            i += 1;
        }
    }
    tokens
}

/// The source with comments, strings and character literals replaced by
/// spaces, newlines kept, so lines still count the same.
fn blank_comments_and_literals(source: &str) -> String {
    let chars: Vec<char> = source.chars().collect();
    let mut out = String::with_capacity(source.len());
    let blank = |c: char| if c == '\n' { '\n' } else { ' ' };
    let mut i = 0;
    while i < chars.len() {
        let c = chars[i];
        let next = chars.get(i + 1).copied();
        if c == '/' && next == Some('/') {
            while i < chars.len() && chars[i] != '\n' {
                out.push(' ');
                i += 1;
            }
        } else if c == '/' && next == Some('*') {
            let mut depth = 0;
            while i < chars.len() {
                if chars[i] == '/' && chars.get(i + 1) == Some(&'*') {
                    depth += 1;
                    out.push_str("  ");
                    i += 2;
                } else if chars[i] == '*' && chars.get(i + 1) == Some(&'/') {
                    depth -= 1;
                    out.push_str("  ");
                    i += 2;
                    if depth == 0 {
                        break;
                    }
                } else {
                    out.push(blank(chars[i]));
                    i += 1;
                }
            }
        } else if (c == 'r' || c == 'b')
            && raw_string_hashes(&chars[i..]).is_some()
            && !chars
                .get(i.wrapping_sub(1))
                .is_some_and(|p| p.is_alphanumeric() || *p == '_')
        {
            // r"…", r#"…"#, br"…": ends at a quote and as many #.
            let (prefix, hashes) = raw_string_hashes(&chars[i..]).unwrap();
            for _ in 0..prefix {
                out.push(' ');
            }
            i += prefix;
            let closing: Vec<char> = std::iter::once('"')
                .chain(std::iter::repeat_n('#', hashes))
                .collect();
            while i < chars.len() && !chars[i..].starts_with(&closing) {
                out.push(blank(chars[i]));
                i += 1;
            }
            for _ in 0..closing.len().min(chars.len() - i) {
                out.push(' ');
            }
            i += closing.len();
        } else if c == '"' {
            out.push(' ');
            i += 1;
            while i < chars.len() && chars[i] != '"' {
                if chars[i] == '\\' {
                    out.push(' ');
                    i += 1;
                }
                if i < chars.len() {
                    out.push(blank(chars[i]));
                    i += 1;
                }
            }
            out.push(' ');
            i += 1;
        } else if c == '\'' {
            // A character literal ('x', '\n', '\u{1b}') rather than a
            // lifetime ('a): it closes within a few characters.
            let close = if next == Some('\\') {
                chars[i + 2..]
                    .iter()
                    .position(|&c| c == '\'')
                    .map(|p| i + 2 + p)
            } else if chars.get(i + 2) == Some(&'\'') {
                Some(i + 2)
            } else {
                None
            };
            match close {
                Some(end) => {
                    for _ in i..=end {
                        out.push(' ');
                    }
                    i = end + 1;
                }
                None => {
                    out.push(c);
                    i += 1;
                }
            }
        } else {
            out.push(c);
            i += 1;
        }
    }
    out
}

/// For a raw string's start (`r"`, `r#"`, `br##"`…): how many characters
/// its opening takes, and how many `#` close it.
fn raw_string_hashes(chars: &[char]) -> Option<(usize, usize)> {
    let mut i = 0;
    if chars.first() == Some(&'b') {
        i += 1;
    }
    if chars.get(i) != Some(&'r') {
        return None;
    }
    i += 1;
    let hashes = chars[i..].iter().take_while(|&&c| c == '#').count();
    i += hashes;
    (chars.get(i) == Some(&'"')).then_some((i + 1, hashes))
}
