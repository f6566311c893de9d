//! The instruments tend screens with (issue 18): those shipped in
//! `assets/instruments/` (built into the binary, so an install needs no
//! files beside it) and a program's own files in a folder, read at
//! start-up. A file that is wrong is left out whole, each problem said as
//! `FILE:LINE: what`, and tend goes on with the others: never with a
//! wrong instrument.

use std::path::Path;

use crate::domain::instrument::{self, Instrument, RuleAction};

/// The shipped instruments: file name and text.
pub const SHIPPED: &[(&str, &str)] = &[
    (
        "phq-2.toml",
        include_str!("../../assets/instruments/phq-2.toml"),
    ),
    (
        "phq-9.toml",
        include_str!("../../assets/instruments/phq-9.toml"),
    ),
    (
        "gad-2.toml",
        include_str!("../../assets/instruments/gad-2.toml"),
    ),
    (
        "gad-7.toml",
        include_str!("../../assets/instruments/gad-7.toml"),
    ),
    (
        "ahc-hrsn.toml",
        include_str!("../../assets/instruments/ahc-hrsn.toml"),
    ),
    (
        "audit-c.toml",
        include_str!("../../assets/instruments/audit-c.toml"),
    ),
    (
        "dast-10.toml",
        include_str!("../../assets/instruments/dast-10.toml"),
    ),
    (
        "assessment.toml",
        include_str!("../../assets/instruments/assessment.toml"),
    ),
];

/// What start-up read: the instruments to use, and what was left out.
#[derive(Debug, Clone, Default)]
pub struct Loaded {
    pub instruments: Vec<Instrument>,
    /// `FILE:LINE: what`, one a problem.
    pub problems: Vec<String>,
}

impl Loaded {
    pub fn get(&self, id: &str) -> Option<&Instrument> {
        self.instruments.iter().find(|i| i.id == id)
    }
}

/// The shipped instruments and the `.toml` files of `folder` (if given and
/// there), in name order. An id given twice keeps the first (the shipped
/// one before a program's), the second refused.
pub fn load(folder: Option<&Path>) -> Loaded {
    let mut loaded = Loaded::default();
    for (name, text) in SHIPPED {
        add(&mut loaded, &format!("assets/instruments/{name}"), text);
    }
    if let Some(folder) = folder {
        read_folder(&mut loaded, folder);
    }
    check_offers(&mut loaded);
    loaded
}

fn read_folder(loaded: &mut Loaded, folder: &Path) {
    let entries = match std::fs::read_dir(folder) {
        Ok(entries) => entries,
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => return,
        Err(e) => {
            loaded
                .problems
                .push(format!("{}: cannot be read: {e}", folder.display()));
            return;
        }
    };
    let mut files: Vec<_> = entries
        .filter_map(Result::ok)
        .map(|e| e.path())
        .filter(|p| p.extension().is_some_and(|x| x == "toml"))
        .collect();
    files.sort();
    for file in files {
        match std::fs::read_to_string(&file) {
            Ok(text) => add(loaded, &file.display().to_string(), &text),
            Err(e) => loaded
                .problems
                .push(format!("{}: cannot be read: {e}", file.display())),
        }
    }
}

fn add(loaded: &mut Loaded, file: &str, text: &str) {
    match instrument::parse(text) {
        Ok(found) if loaded.get(&found.id).is_some() => loaded.problems.push(format!(
            "{file}:1: the instrument \"{}\" is already given; this file is left out",
            found.id
        )),
        Ok(found) => loaded.instruments.push(found),
        Err(problems) => loaded.problems.extend(
            problems
                .into_iter()
                .map(|p| format!("{file}:{}: {}", p.line, p.message)),
        ),
    }
}

/// A rule offering an instrument that is not there is said, not fatal:
/// the screening still scores, the offer is not made.
fn check_offers(loaded: &mut Loaded) {
    let mut missing = Vec::new();
    for i in &loaded.instruments {
        for rule in &i.rules {
            if let RuleAction::Offer(id) = &rule.action {
                if loaded.get(id).is_none() {
                    missing.push(format!(
                        "{}: rule \"{}\" offers \"{id}\", which is not loaded; it will not be offered",
                        i.name, rule.id
                    ));
                }
            }
        }
    }
    loaded.problems.extend(missing);
}
