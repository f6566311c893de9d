//! `tend import adt`, `tend listen adt` and `tend adt`: the hospitals'
//! ADT feed from files, live over MLLP, and the queue of messages a
//! supervisor resolves. The work is done by `hl7`; here it is asked for
//! and said.

use std::net::TcpListener;
use std::path::{Path, PathBuf};
use std::process::ExitCode;
use std::sync::atomic::AtomicBool;
use std::sync::Arc;

use super::context::Context;
use super::error::{CliError, CliResult};
use super::output::counted;
use crate::domain::role::Right;
use crate::hl7::feed;
use crate::hl7::file::messages_in;
use crate::hl7::listen::Listener;
use crate::store::AdtOutcome;
use crate::text::clean;

#[derive(Debug, clap::Subcommand)]
pub(crate) enum Listen {
    /// HL7 v2 ADT messages over MLLP: each applied and acknowledged (ACK) as it comes,
    /// until SIGTERM or Ctrl-C
    Adt {
        /// Where to listen, such as 0.0.0.0:2575 or 127.0.0.1:2575
        #[arg(long, value_name = "HOST:PORT")]
        mllp: String,
    },
}

#[derive(Debug, clap::Subcommand)]
pub(crate) enum Adt {
    /// The messages waiting for a supervisor: no known member, or unreadable
    Queue,
    /// One logged message as it came (reading it is audited)
    Show { id: i64 },
    /// Apply a queued message to the member with this member ID
    Match { id: i64, member_id: String },
    /// Dismiss a queued or rejected message, saying why
    Dismiss { id: i64, reason: String },
}

/// `tend import adt FILE|FOLDER…`: each message in its own transaction, as
/// the live feed takes it, so a file replays exactly what the feed would
/// have done (a rejected message is kept and the rest still apply).
pub(crate) fn import(cx: &Context, paths: Vec<PathBuf>) -> CliResult<ExitCode> {
    let db = cx.db_path()?;
    let mut store = cx.open_store(&db, false, Right::Import)?;
    let mut files = Vec::new();
    for path in &paths {
        files_in(path, &mut files)?;
    }
    let (mut applied, mut queued, mut repeated) = (0, 0, 0);
    let mut rejected = Vec::new();
    for file in &files {
        let bytes = std::fs::read(file).map_err(|source| CliError::Read {
            path: file.clone(),
            source,
        })?;
        for message in messages_in(&bytes) {
            let answer = feed::receive(&mut store, &message.bytes, &cx.config.adt)?;
            match &answer.outcome {
                AdtOutcome::Applied { .. } => applied += 1,
                AdtOutcome::Queued { reason, .. } => {
                    queued += 1;
                    errln!(
                        "{}, line {}: queued for a supervisor: {reason}",
                        clean(&file.display().to_string()),
                        message.line
                    );
                }
                AdtOutcome::Repeated { .. } => repeated += 1,
                AdtOutcome::Rejected { reason, .. } => {
                    errln!(
                        "{}, line {}: rejected: {reason}",
                        clean(&file.display().to_string()),
                        message.line
                    );
                    rejected.push(message.line);
                }
            }
        }
    }
    outln!(
        "Read {} from {}: {} applied, {} queued for a supervisor, {} rejected, {} already received.",
        counted(applied + queued + repeated + rejected.len(), "message"),
        counted(files.len(), "file"),
        applied,
        queued,
        rejected.len(),
        repeated
    )?;
    if rejected.is_empty() {
        Ok(ExitCode::SUCCESS)
    } else {
        Err(CliError::AdtRejected(counted(rejected.len(), "message")))
    }
}

/// A file, or the files of a folder (not its subfolders), in name order.
fn files_in(path: &Path, files: &mut Vec<PathBuf>) -> CliResult<()> {
    let unreadable = |source| CliError::Read {
        path: path.to_path_buf(),
        source,
    };
    if path.is_dir() {
        let mut found: Vec<PathBuf> = std::fs::read_dir(path)
            .map_err(unreadable)?
            .filter_map(|entry| entry.ok().map(|e| e.path()))
            .filter(|p| p.is_file())
            .collect();
        found.sort();
        files.extend(found);
    } else {
        std::fs::metadata(path).map_err(unreadable)?;
        files.push(path.to_path_buf());
    }
    Ok(())
}

/// `tend listen adt --mllp HOST:PORT`.
pub(crate) fn listen(cx: &Context, what: Listen) -> CliResult<ExitCode> {
    let Listen::Adt { mllp } = what;
    let db = cx.db_path()?;
    let store = cx.open_store(&db, false, Right::Import)?;
    // An ACK tells the sender it may forget the message: on disk first.
    store.sync_every_commit()?;
    let socket = TcpListener::bind(&mllp)
        .map_err(|e| CliError::Listen(format!("cannot listen on {}: {e}", clean(&mllp))))?;
    let stop = Arc::new(AtomicBool::new(false));
    for signal in [signal_hook::consts::SIGTERM, signal_hook::consts::SIGINT] {
        signal_hook::flag::register(signal, Arc::clone(&stop))
            .map_err(|e| CliError::Listen(format!("cannot watch for signals: {e}")))?;
    }
    let log: Arc<dyn Fn(&str) + Send + Sync> = Arc::new(|line: &str| {
        errln!("tend listen: {}", clean(line));
    });
    let listener = Listener::new(socket, store, cx.config.adt.clone(), stop, Arc::clone(&log))
        .map_err(|e| CliError::Listen(format!("cannot listen: {e}")))?;
    let address = listener
        .local_addr()
        .map_err(|e| CliError::Listen(e.to_string()))?;
    log(&format!(
        "listening for HL7 v2 ADT over MLLP on {address}, into {}",
        db.display()
    ));
    let counts = listener
        .serve()
        .map_err(|e| CliError::Listen(format!("stopped: {e}")))?;
    log(&format!("stopped; {}", counts.summary()));
    Ok(ExitCode::SUCCESS)
}

/// `tend adt queue|show|match|dismiss`.
pub(crate) fn run(cx: &Context, what: Adt) -> CliResult<ExitCode> {
    let db = cx.db_path()?;
    let mut store = cx.open_store(&db, false, Right::Import)?;
    match what {
        Adt::Queue => {
            let queue = store.adt_queue()?;
            if queue.is_empty() {
                outln!("No message is waiting.")?;
            }
            for m in &queue {
                outln!(
                    "{:>6}  {}  {:<8} {:<4} {:<20} {}",
                    m.id,
                    m.received_at,
                    m.state,
                    clean(m.event.as_deref().unwrap_or("?")),
                    clean(m.control_id.as_deref().unwrap_or("(no control ID)")),
                    clean(&m.reason)
                )?;
            }
        }
        Adt::Show { id } => {
            let (raw, state) = store.adt_message(id)?;
            outln!("message {id} ({state}):")?;
            for segment in raw.split(['\r', '\n']).filter(|s| !s.is_empty()) {
                outln!("{}", clean(segment))?;
            }
        }
        Adt::Match { id, member_id } => {
            let (raw, _) = store.adt_message(id)?;
            let message = crate::hl7::adt::parse(&raw).map_err(|e| {
                CliError::Listen(format!(
                    "message {id} cannot be read ({e}); dismiss it with a reason instead"
                ))
            })?;
            let plan = crate::hl7::plan::plan(&message, &cx.config.adt);
            store.resolve_adt(id, &member_id, &plan)?;
            outln!("Message {id} applied to the member {}.", clean(&member_id))?;
        }
        Adt::Dismiss { id, reason } => {
            store.dismiss_adt(id, &reason)?;
            outln!("Message {id} dismissed.")?;
        }
    }
    Ok(ExitCode::SUCCESS)
}
