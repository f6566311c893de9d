//! `tend audit verify` and `tend audit head`: the audit trail's hash chain
//! walked and its head exported. Every head tend prints (here and at each
//! `tend backup`) is also kept in the user's own heads file, outside the
//! database, so that a trail rewritten from scratch — whole again as a chain
//! — no longer holds a head recorded before.

use std::io::Write;
use std::path::{Path, PathBuf};
use std::process::ExitCode;

use super::context::Context;
use super::error::{CliError, CliResult};
use super::output::counted;
use crate::domain::role::Right;
use crate::store::{ChainReport, Head};
use crate::text::clean;

#[derive(Debug, clap::Subcommand)]
pub(crate) enum Audit {
    /// Walk the audit trail's hash chain, check every signed note against
    /// its seal and the heads recorded earlier; exit status 1 on a problem
    Verify(VerifyArgs),
    /// Print the head of the audit trail (also kept in your heads file)
    Head,
    /// Write the audit trail out, as CSV or as FHIR R4 AuditEvent resources,
    /// filtered by user, patient, action and dates (the export is audited too)
    Export(ExportArgs),
}

#[derive(Debug, clap::Args)]
pub(crate) struct ExportArgs {
    /// csv (a spreadsheet opens it as it is) or fhir (a Bundle of AuditEvents)
    #[arg(long, value_enum, default_value_t = Format::Csv)]
    format: Format,
    /// Only what this user did (a login)
    #[arg(long, value_name = "LOGIN")]
    user: Option<String>,
    /// Only rows about this patient
    #[arg(long, value_name = "MEMBER_ID")]
    patient: Option<String>,
    /// Only this action: create, read, update, delete or execute (or C, R, U, D, E)
    #[arg(long, value_name = "ACTION")]
    action: Option<String>,
    /// From this day on (YYYY-MM-DD, in tend's time zone)
    #[arg(long, value_name = "DATE")]
    from: Option<chrono::NaiveDate>,
    /// Up to and including this day (YYYY-MM-DD)
    #[arg(long, value_name = "DATE")]
    to: Option<chrono::NaiveDate>,
    /// Write to this file (created readable by you alone) instead of standard output
    #[arg(long, value_name = "FILE")]
    out: Option<PathBuf>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub(crate) enum Format {
    Csv,
    Fhir,
}

#[derive(Debug, clap::Args)]
pub(crate) struct VerifyArgs {
    /// A file of heads recorded earlier (`tend-audit-head` lines), checked
    /// besides those in your own heads file; may be given more than once
    #[arg(long = "head", value_name = "FILE")]
    heads: Vec<PathBuf>,
}

pub(crate) fn run(cx: &Context, what: Audit) -> CliResult<ExitCode> {
    match what {
        Audit::Verify(args) => verify(cx, &args),
        Audit::Head => head(cx),
        Audit::Export(args) => export(cx, args),
    }
}

fn export(cx: &Context, args: ExportArgs) -> CliResult<ExitCode> {
    use crate::store::{AuditAction, AuditFilter};
    let mut store = cx.open_store(&cx.db_path()?, false, Right::ReadAudit)?;
    let action = match args.action.as_deref().map(str::trim) {
        None => None,
        Some(word) => Some(AuditAction::from_word(word).ok_or_else(|| {
            CliError::AuditHeads(format!(
                "--action {:?}: use create, read, update, delete or execute",
                clean(word)
            ))
        })?),
    };
    let patient_id = match &args.patient {
        None => None,
        Some(member) => Some(
            store
                .any_patient_id_by_member(member)?
                .ok_or_else(|| CliError::NoSuchMember(clean(member.trim()).into_owned()))?,
        ),
    };
    // Days in tend's time zone (the clock's offset), as the screen shows them.
    let start_of = |day: chrono::NaiveDate| cx.clock.start_of(day);
    let filter = AuditFilter {
        agent: args.user.map(|u| u.trim().to_string()),
        patient_id,
        action,
        from: args.from.and_then(start_of),
        until: args.to.and_then(|d| d.succ_opt()).and_then(start_of),
    };
    let write = |store: &mut crate::store::Store, out: &mut dyn std::io::Write| match args.format {
        Format::Csv => crate::reports::audit::audit_csv(store, &filter, out),
        Format::Fhir => crate::fhir::export::audit::audit_events(store, &filter, out),
    };
    match &args.out {
        Some(path) => {
            let mut file = super::output::create_private(path)?;
            let count = write(&mut store, &mut file)?;
            errln!(
                "Wrote {} to {}",
                counted(count, "audit row"),
                clean(&path.display().to_string())
            );
        }
        None => {
            let mut out = PipeWatch {
                inner: std::io::stdout().lock(),
                closed: false,
            };
            let written = write(&mut store, &mut out);
            // The reader has gone (`| head`): quietly done, as for any tool.
            if !out.closed {
                written?;
            }
        }
    }
    Ok(ExitCode::SUCCESS)
}

/// Standard output, noticing when its reader has gone.
struct PipeWatch<W> {
    inner: W,
    closed: bool,
}

impl<W: Write> Write for PipeWatch<W> {
    fn write(&mut self, bytes: &[u8]) -> std::io::Result<usize> {
        self.inner.write(bytes).inspect_err(|e| {
            self.closed |= e.kind() == std::io::ErrorKind::BrokenPipe;
        })
    }

    fn flush(&mut self) -> std::io::Result<()> {
        self.inner.flush().inspect_err(|e| {
            self.closed |= e.kind() == std::io::ErrorKind::BrokenPipe;
        })
    }
}

fn verify(cx: &Context, args: &VerifyArgs) -> CliResult<ExitCode> {
    let db = cx.db_path()?;
    cx.require_on(&db, Right::ReadAudit)?;
    let mut heads = recorded_heads(cx, &db)?;
    for file in &args.heads {
        let text = crate::team_install::as_user(|| std::fs::read_to_string(file)).map_err(|e| {
            CliError::AuditHeads(format!(
                "cannot read the heads file {}: {e}",
                file.display()
            ))
        })?;
        heads.extend(
            Head::parse_all(&text)
                .map_err(|why| CliError::AuditHeads(format!("{}: {why}", file.display())))?,
        );
    }
    let report = crate::store::verify_file(&db, &heads)?;
    out!(
        "{}:\n{}",
        clean(&db.display().to_string()),
        chain_lines(&report)
    )?;
    Ok(if report.is_whole() {
        ExitCode::SUCCESS
    } else {
        ExitCode::from(1)
    })
}

fn head(cx: &Context) -> CliResult<ExitCode> {
    let db = cx.db_path()?;
    cx.require_on(&db, Right::ReadAudit)?;
    let report = crate::store::verify_file(&db, &[])?;
    let Some(head) = report.head else {
        outln!(
            "The audit trail of {} is empty.",
            clean(&db.display().to_string())
        )?;
        return Ok(ExitCode::SUCCESS);
    };
    outln!("{head}")?;
    if let Err(why) = keep_head(cx, &db, &head) {
        errln!("tend: {why}");
    }
    Ok(ExitCode::SUCCESS)
}

/// What the walk found, a finding a line, as `tend check` says it too.
pub(crate) fn chain_lines(report: &ChainReport) -> String {
    const NAMED: usize = 20;
    let mut out = String::new();
    let mut say = |ok: bool, line: &str| {
        out.push_str(if ok { "  ok       " } else { "  PROBLEM  " });
        out.push_str(line);
        out.push('\n');
    };
    if !report.chained {
        say(
            false,
            "the audit trail is not a hash chain yet (a database of an older schema): opening it \
             with tend upgrades it",
        );
        return out;
    }
    if report.problems.is_empty() {
        say(
            true,
            &format!(
                "the audit trail is whole: {} chained, {} matching {}",
                counted(report.rows as usize, "row"),
                counted(report.notes as usize, "signed note"),
                if report.notes == 1 {
                    "its seal"
                } else {
                    "their seals"
                }
            ),
        );
        if report.heads_checked > 0 {
            say(
                true,
                &format!(
                    "{} recorded earlier still in the trail",
                    counted(report.heads_checked, "head")
                ),
            );
        }
    }
    for problem in report.problems.iter().take(NAMED) {
        say(false, &problem.to_string());
    }
    if report.problems.len() > NAMED {
        say(
            false,
            &format!(
                "and {} more",
                counted(report.problems.len() - NAMED, "problem")
            ),
        );
    }
    if !report.problems.is_empty() {
        out.push_str(
            "           the trail or the notes were changed behind tend's back: keep this file \
             as it is for whoever investigates, and compare it with a backup\n",
        );
    }
    if let Some(head) = &report.head {
        out.push_str(&format!("  head     {head}\n"));
    }
    out
}

/// The user's heads file: every head tend printed for them, one a line.
fn heads_file(cx: &Context) -> Option<PathBuf> {
    cx.paths.as_ref().map(|p| p.state_dir.join("audit-heads"))
}

/// Keeps a head in the user's heads file, with the database it is of.
pub(crate) fn keep_head(cx: &Context, db: &Path, head: &Head) -> Result<(), String> {
    let file = heads_file(cx).ok_or("no home folder to keep the audit head in")?;
    let db = db.canonicalize().unwrap_or_else(|_| db.to_path_buf());
    let line = format!(
        "{head} at={} db={}\n",
        cx.clock.now().to_rfc3339(),
        db.display()
    );
    let kept = crate::team_install::as_user(|| {
        file.parent()
            .map_or(Ok(()), crate::private::folder)
            .and_then(|()| crate::private::file(&file, crate::private::Open::Append))
            .and_then(|mut f| f.write_all(line.as_bytes()))
    });
    kept.map_err(|e| format!("the audit head was not kept in {}: {e}", file.display()))
}

/// The heads recorded in the user's heads file for this database.
pub(crate) fn recorded_heads(cx: &Context, db: &Path) -> CliResult<Vec<Head>> {
    let Some(file) = heads_file(cx) else {
        return Ok(Vec::new());
    };
    let text = match crate::team_install::as_user(|| std::fs::read_to_string(&file)) {
        Ok(text) => text,
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => return Ok(Vec::new()),
        Err(e) => {
            return Err(CliError::AuditHeads(format!(
                "cannot read your audit heads ({}): {e}",
                file.display()
            )))
        }
    };
    let db = db.canonicalize().unwrap_or_else(|_| db.to_path_buf());
    let db = db.display().to_string();
    let ours: String = text
        .lines()
        .filter(|line| line.split_once(" db=").is_some_and(|(_, path)| path == db))
        .map(|line| format!("{line}\n"))
        .collect();
    Head::parse_all(&ours).map_err(|why| CliError::AuditHeads(format!("{}: {why}", file.display())))
}
