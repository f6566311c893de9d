//! `tend instruments [FILE...]`: the screening instruments tend reads as it
//! starts (the shipped ones and the program's own folder), or the files
//! named, checked as tend would check them — so a program can try its own
//! instrument before putting it where every coordinator's tend reads it.

use std::path::PathBuf;
use std::process::ExitCode;

use super::context::Context;
use super::error::CliResult;
use crate::domain::instrument;
use crate::text::{clean, pad};

#[derive(Debug, clap::Args)]
pub(crate) struct InstrumentsArgs {
    /// Instrument files (TOML) to check; none lists what tend reads
    files: Vec<PathBuf>,
}

pub(crate) fn run(cx: &Context, args: InstrumentsArgs) -> CliResult<ExitCode> {
    if args.files.is_empty() {
        return list(cx);
    }
    let mut failed = false;
    for file in &args.files {
        let shown = clean(&file.display().to_string()).into_owned();
        let text = match std::fs::read_to_string(file) {
            Ok(text) => text,
            Err(e) => {
                failed = true;
                outln!("{shown}: cannot be read: {e}")?;
                continue;
            }
        };
        match instrument::parse(&text) {
            Ok(found) => outln!(
                "{shown}: ok: {} ({}), {} items{}, {}",
                clean(&found.name),
                clean(&found.id),
                found.items.len(),
                shape(&found),
                if found.has_total {
                    format!("total 0 to {}", found.max_total())
                } else {
                    "no total".to_string()
                }
            )?,
            Err(problems) => {
                failed = true;
                for p in problems {
                    outln!("{shown}:{}: {}", p.line, clean(&p.message))?;
                }
            }
        }
    }
    Ok(if failed {
        ExitCode::FAILURE
    } else {
        ExitCode::SUCCESS
    })
}

/// Its sections and free-text items, where it has them: " (4 sections, 5
/// free text)".
fn shape(found: &instrument::Instrument) -> String {
    let text = found
        .items
        .iter()
        .filter(|i| i.kind == instrument::ItemKind::Text)
        .count();
    let mut parts = Vec::new();
    if !found.sections.is_empty() {
        parts.push(format!("{} sections", found.sections.len()));
    }
    if text > 0 {
        parts.push(format!("{text} free text"));
    }
    if parts.is_empty() {
        String::new()
    } else {
        format!(" ({})", parts.join(", "))
    }
}

/// What tend reads as it starts, and what it leaves out.
fn list(cx: &Context) -> CliResult<ExitCode> {
    let loaded = &cx.config.instruments;
    for i in &loaded.instruments {
        let shipped = crate::instruments::SHIPPED
            .iter()
            .any(|(name, _)| name.trim_end_matches(".toml") == i.id);
        outln!(
            "{} {} {:>3} items  {}",
            pad(&i.id, 12),
            pad(&i.name, 12),
            i.items.len(),
            if shipped {
                "shipped"
            } else {
                "the program's own"
            }
        )?;
    }
    for problem in &loaded.problems {
        outln!("left out: {}", clean(problem))?;
    }
    Ok(if loaded.problems.is_empty() {
        ExitCode::SUCCESS
    } else {
        ExitCode::FAILURE
    })
}
