//! `tend backup FILE`: a copy of the database, checked, made while other
//! sessions keep working.

use std::path::PathBuf;
use std::process::ExitCode;

use super::check::{damaged_text_sentence, describe_counts, leftover_lines};
use super::context::Context;
use super::error::CliResult;
use crate::domain::role::Right;
use crate::text::clean;

#[derive(Debug, clap::Args)]
pub(crate) struct BackupArgs {
    /// The copy (a new file; made readable by you alone)
    file: PathBuf,
}

pub(crate) fn run(cx: &Context, args: BackupArgs) -> CliResult<ExitCode> {
    let db = cx.db_path()?;
    let mut store = cx.open_store(&db, false, Right::Backup)?;
    // The copy is the user's own file (an admin's: only they may back up),
    // made with their own rights; the database is read through the
    // connection already open.
    let backup = crate::team_install::as_user(|| store.backup_to(&args.file))?;
    for line in leftover_lines(&backup.leftovers) {
        errln!("tend: {line}");
    }
    outln!(
        "Backed up {} to {}: it passes the integrity check and holds {}.",
        clean(&db.display().to_string()),
        clean(&args.file.display().to_string()),
        describe_counts(&backup.counts)
    )?;
    // The trail's head after the backup's own row: kept outside the
    // database, it shows later whether the trail was rewritten since.
    if let Some(head) = store.audit_head()? {
        outln!("Audit head: {head}")?;
        if let Err(why) = super::audit::keep_head(cx, &db, &head) {
            errln!("tend: {why}");
        }
    }
    if backup.damaged_text.is_empty() {
        return Ok(ExitCode::SUCCESS);
    }
    // The copy is kept (it is as good as the database), but the damage is
    // not "all well": the exit status says so to a script.
    errln!(
        "tend: the copy holds {}, as the database does; run `tend check`",
        damaged_text_sentence(&backup.damaged_text)
    );
    Ok(ExitCode::from(1))
}
