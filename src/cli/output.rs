//! What the command line writes: only here does tend print. A closed pipe
//! ends standard output quietly, as for any Unix tool.

use std::io::Write;
use std::path::Path;
use std::sync::atomic::{AtomicBool, Ordering};

use super::error::{CliError, CliResult};
use crate::reports::StreamError;

/// `println!` to standard output, through [`write_out`]: a closed pipe
/// ends the output quietly. Evaluates to a [`CliResult`].
macro_rules! outln {
    ($($arg:tt)*) => {
        $crate::cli::output::write_out(format_args!("{}\n", format_args!($($arg)*)))
    };
}

/// `print!` to standard output, through [`write_out`].
macro_rules! out {
    ($($arg:tt)*) => {
        $crate::cli::output::write_out(format_args!($($arg)*))
    };
}

/// `eprintln!` to standard error, through [`write_err`].
macro_rules! errln {
    ($($arg:tt)*) => {
        $crate::cli::output::write_err(format_args!("{}\n", format_args!($($arg)*)))
    };
}

/// Whether the reader of standard output has gone.
static STDOUT_CLOSED: AtomicBool = AtomicBool::new(false);

/// Writes to standard output. `println!` panics when the reader has gone
/// (`tend today --all | head -1`: Rust ignores SIGPIPE, so the write fails
/// with EPIPE), which ended tend with exit status 101 and a crash report.
/// Here a closed pipe ends the output quietly, as for any Unix tool: the
/// rest is dropped, the command finishes (its audit row is written before
/// it prints) and exits 0, as `head` had all it wanted. Any other failure
/// (a full disk behind `> file`) is an error like any other.
pub(crate) fn write_out(text: std::fmt::Arguments<'_>) -> CliResult<()> {
    if STDOUT_CLOSED.load(Ordering::Relaxed) {
        return Ok(());
    }
    let mut stdout = std::io::stdout().lock();
    match stdout.write_fmt(text).and_then(|()| stdout.flush()) {
        Ok(()) => Ok(()),
        Err(e) if e.kind() == std::io::ErrorKind::BrokenPipe => {
            STDOUT_CLOSED.store(true, Ordering::Relaxed);
            Ok(())
        }
        Err(e) => Err(CliError::Stdout(e)),
    }
}

/// Writes to standard error; if that fails too (`2>&1 | head -1`) there is
/// nowhere left to say so, and the rest is dropped quietly.
pub(crate) fn write_err(text: std::fmt::Arguments<'_>) {
    let mut stderr = std::io::stderr().lock();
    let _ = stderr.write_fmt(text).and_then(|()| stderr.flush());
}

/// "1 patient", "3 patients".
pub(crate) fn counted(n: usize, what: &str) -> String {
    if n == 1 {
        format!("1 {what}")
    } else {
        format!("{n} {what}s")
    }
}

/// Writes health information to a file (`--out FILE`) only its owner can
/// read.
pub(crate) fn write_private(path: &Path, text: &str) -> CliResult<()> {
    create_private(path)?
        .write_all(text.as_bytes())
        .map_err(|source| cannot_write(path, source))
}

/// Opens a file for health information, emptied, that only its owner can
/// read (see [`crate::private::file`]): for exports written as they are read.
pub(crate) fn create_private(path: &Path) -> CliResult<std::fs::File> {
    // The user's own file: theirs, not the team's (see `team_install`).
    crate::team_install::as_user(|| crate::private::file(path, crate::private::Open::Emptied))
        .map_err(|source| cannot_write(path, source))
}

/// Writes a report that is read as it is written (`tend today`, `tend
/// export csv`) to a private file (`--out`) or to standard output, through
/// a buffer. A closed pipe ends it quietly, as [`write_out`] does. A report
/// the store stopped half-way is not left to be taken for a whole one: its
/// file is removed, or the message says what was printed is unfinished.
pub(crate) fn stream(
    out: Option<&Path>,
    write: impl FnOnce(&mut dyn Write) -> Result<(), StreamError>,
) -> CliResult<()> {
    let Some(path) = out else {
        if STDOUT_CLOSED.load(Ordering::Relaxed) {
            return Ok(());
        }
        let mut stdout = std::io::BufWriter::with_capacity(64 * 1024, std::io::stdout().lock());
        let written = write(&mut stdout).and_then(|()| stdout.flush().map_err(StreamError::from));
        return match written {
            Ok(()) => Ok(()),
            Err(StreamError::Write(e)) if e.kind() == std::io::ErrorKind::BrokenPipe => {
                STDOUT_CLOSED.store(true, Ordering::Relaxed);
                Ok(())
            }
            Err(StreamError::Write(e)) => Err(CliError::Stdout(e)),
            Err(StreamError::Store(error)) => Err(CliError::Unfinished {
                error,
                what_became: " (what was written above is unfinished)".into(),
            }),
        };
    };
    let mut file = std::io::BufWriter::new(create_private(path)?);
    let written = write(&mut file).and_then(|()| file.flush().map_err(StreamError::from));
    let Err(error) = written else {
        return Ok(());
    };
    drop(file);
    // The user's own file, removed with their own rights.
    let removed = crate::team_install::as_user(|| std::fs::remove_file(path)).is_ok();
    let what_became = if removed {
        format!(
            " ({} was removed: it held an unfinished report)",
            crate::text::clean(&path.display().to_string())
        )
    } else {
        String::new()
    };
    Err(match error {
        StreamError::Write(source) => CliError::Write {
            path: path.to_path_buf(),
            source: std::io::Error::new(source.kind(), format!("{source}{what_became}")),
        },
        StreamError::Store(error) => CliError::Unfinished { error, what_became },
    })
}

fn cannot_write(path: &Path, source: std::io::Error) -> CliError {
    CliError::Write {
        path: path.to_path_buf(),
        source,
    }
}
