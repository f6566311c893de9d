//! The README's key tables against the default keymap, both ways: every
//! key a table lists is bound in the layer the table is about, and every
//! binding of every layer is listed in a table for that layer.
//!
//! A key table is a Markdown table whose header's first cell is `key`. Its
//! second header cell names the layer, as `?` heads it: `in Today`, `in the
//! note editor`, `in a form`; `in the panes` is every pane and the keys
//! that work in all of them. A table whose second header cell is just `in`
//! names the layer on each row instead, in its second cell (the overlays'
//! table: `the timeline`, `a note's view`…). The keys are the backticked
//! words of a row's first cell, as the screen names them (`Ctrl-S`,
//! `Shift-Tab`, `↓`, `Space`, `F1`, `j`).

use std::collections::BTreeSet;

use crossterm::event::{KeyCode, KeyModifiers};
use tend::app::keymap::{Binding, Context, Key, Keymap};

const README: &str = include_str!("../README.md");

/// One row of a key table.
struct Row {
    /// The README's line number, from 1.
    line: usize,
    /// The layer as the README names it.
    layer: String,
    keys: Vec<String>,
}

fn cells(line: &str) -> Vec<String> {
    let line = line.trim();
    let inner = line
        .strip_prefix('|')
        .unwrap_or(line)
        .strip_suffix('|')
        .unwrap_or(line);
    inner.split('|').map(|c| c.trim().to_string()).collect()
}

/// The backticked words of a cell.
fn backticked(cell: &str) -> Vec<String> {
    cell.split('`')
        .skip(1)
        .step_by(2)
        .map(str::to_string)
        .collect()
}

/// Every row of every key table in the README.
fn key_rows() -> Vec<Row> {
    let lines: Vec<&str> = README.lines().collect();
    let mut rows = Vec::new();
    let mut i = 0;
    while i < lines.len() {
        let header = cells(lines[i]);
        let is_table = lines[i].trim_start().starts_with('|')
            && lines
                .get(i + 1)
                .is_some_and(|l| l.trim_start().starts_with("| ---"));
        if !is_table || !header[0].eq_ignore_ascii_case("key") {
            i += 1;
            continue;
        }
        let named = header.get(1).map(|c| c.to_lowercase()).unwrap_or_default();
        let table_layer = match named.strip_prefix("in ") {
            Some(layer) => Some(layer.trim().to_string()),
            None if named == "in" => None,
            None => panic!(
                "README.md:{}: a key table's second header cell names its layer (`in Today`, `in a form`), or is `in` with the layer on each row; it is {:?}",
                i + 1,
                header.get(1)
            ),
        };
        i += 2;
        while i < lines.len() && lines[i].trim_start().starts_with('|') {
            let row = cells(lines[i]);
            let layer = match &table_layer {
                Some(layer) => layer.clone(),
                None => row.get(1).cloned().unwrap_or_default().to_lowercase(),
            };
            let keys = backticked(&row[0]);
            assert!(
                !keys.is_empty(),
                "README.md:{}: a key table's row names no key in backticks: {}",
                i + 1,
                lines[i]
            );
            rows.push(Row {
                line: i + 1,
                layer,
                keys,
            });
            i += 1;
        }
    }
    rows
}

/// A key as the README writes it, as the keymap holds it.
fn parse(text: &str) -> Result<Key, String> {
    let named = match text {
        "↓" => "down",
        "↑" => "up",
        "←" => "left",
        "→" => "right",
        other => other,
    };
    Key::parse(named).map(normalise)
}

/// `Ctrl-S` and `Ctrl-s` are one key: a terminal reports the letter as it
/// is, lower case.
fn normalise(key: Key) -> Key {
    match key.code {
        KeyCode::Char(c)
            if key
                .modifiers
                .intersects(KeyModifiers::CONTROL | KeyModifiers::ALT) =>
        {
            Key {
                code: KeyCode::Char(c.to_ascii_lowercase()),
                modifiers: key.modifiers,
            }
        }
        _ => key,
    }
}

/// Every context a binding has, and the ones the keymap can look keys up
/// in.
fn contexts(keymap: &Keymap) -> Vec<Context> {
    let mut all: Vec<Context> = Vec::new();
    for b in keymap.all() {
        if !all.contains(&b.context) {
            all.push(b.context);
        }
    }
    all
}

/// The README's name for a context: its help heading without "In " and
/// without what the overlays add ("any other key closes it").
fn name(context: Context) -> String {
    let heading = context.heading().to_lowercase();
    let heading = heading.strip_prefix("in ").unwrap_or(&heading);
    heading
        .split(" (")
        .next()
        .unwrap_or(heading)
        .trim()
        .to_string()
}

/// The contexts a README layer stands for.
fn layer(keymap: &Keymap, named: &str, line: usize) -> Vec<Context> {
    let all = contexts(keymap);
    if named == "the panes" {
        return all
            .into_iter()
            .filter(|c| matches!(c, Context::Global | Context::Pane(_)))
            .collect();
    }
    let found: Vec<Context> = all.into_iter().filter(|c| name(*c) == named).collect();
    assert!(
        !found.is_empty(),
        "README.md:{line}: {named:?} is not a layer of the keymap; the layers are: the panes, {}",
        contexts(keymap)
            .into_iter()
            .map(name)
            .collect::<Vec<_>>()
            .join(", ")
    );
    found
}

#[test]
fn every_key_in_the_readme_is_bound_in_its_layer() {
    let keymap = Keymap::default();
    let rows = key_rows();
    assert!(
        rows.len() > 20,
        "README.md has only {} key table rows: are its tables headed `| key | in … |`?",
        rows.len()
    );
    let mut errors = Vec::new();
    for row in &rows {
        let here = layer(&keymap, &row.layer, row.line);
        // A layer's keys, and those of the layers it falls back to.
        let bound: Vec<&Binding> = here.iter().flat_map(|c| keymap.bindings_in(*c)).collect();
        for text in &row.keys {
            match parse(text) {
                Err(e) => errors.push(format!("README.md:{}: `{text}`: {e}", row.line)),
                Ok(key) => {
                    if !bound
                        .iter()
                        .any(|b| b.keys.iter().any(|k| normalise(*k) == key))
                    {
                        errors.push(format!(
                            "README.md:{}: `{text}` is not bound {} in the keymap",
                            row.line,
                            if row.layer == "the panes" {
                                "in the panes".to_string()
                            } else {
                                format!("in {}", row.layer)
                            }
                        ));
                    }
                }
            }
        }
    }
    assert!(errors.is_empty(), "{}", errors.join("\n"));
}

#[test]
fn every_binding_is_in_a_readme_table_for_its_layer() {
    let keymap = Keymap::default();
    let mut listed: BTreeSet<(String, String)> = BTreeSet::new();
    for row in key_rows() {
        for context in layer(&keymap, &row.layer, row.line) {
            for text in &row.keys {
                if let Ok(key) = parse(text) {
                    listed.insert((format!("{context:?}"), key.to_string()));
                }
            }
        }
    }
    let mut missing = Vec::new();
    for b in keymap.all() {
        for key in &b.keys {
            let key = normalise(*key);
            if !listed.contains(&(format!("{:?}", b.context), key.to_string())) {
                let layer = match b.context {
                    Context::Global => "the panes".to_string(),
                    Context::Pane(_) => format!("{} or the panes", name(b.context)),
                    other => name(other),
                };
                missing.push(format!(
                    "{key} ({}: {}) is in no README key table for {layer:?}",
                    b.name, b.description
                ));
            }
        }
    }
    assert!(
        missing.is_empty(),
        "README.md does not list these keys (add a row to the layer's table, `| key | in … |`):\n{}",
        missing.join("\n")
    );
}
