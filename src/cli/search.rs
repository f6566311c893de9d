//! `tend search WORDS`: signed notes holding all the words.

use std::process::ExitCode;

use super::context::Context;
use super::error::CliResult;
use crate::domain::role::Right;
use crate::text::{clean, pad};

#[derive(Debug, clap::Args)]
pub(crate) struct SearchArgs {
    /// The words to look for (all must appear; accents and case do not matter)
    #[arg(required = true)]
    words: Vec<String>,
    /// At most this many results
    #[arg(long, default_value_t = 50)]
    limit: usize,
}

pub(crate) fn run(cx: &Context, args: SearchArgs) -> CliResult<ExitCode> {
    let mut store = cx.open_store(&cx.db_path()?, false, Right::ReadCharts)?;
    let words = args.words.join(" ");
    let hits = store.search_notes_audited(&words, args.limit)?;
    for hit in &hits {
        outln!(
            "{}  {}  {}",
            hit.sent_at.format("%Y-%m-%d"),
            pad(&hit.patient_name, 24),
            clean(hit.line.trim())
        )?;
    }
    if hits.is_empty() {
        outln!("No signed note holds {}.", clean(&words))?;
    }
    Ok(ExitCode::SUCCESS)
}
