//! The side-by-side row (issue 5, item 3): taskwarrior 2.6 with
//! taskwarrior-tui 0.25, holding as many tasks as tend's database has open,
//! driven through the same pseudo-terminal harness (`Session`) as tend.
//!
//! The two tools are installed here when missing: taskwarrior from Debian's
//! packages, taskwarrior-tui with `cargo install` into `target/rivals` (kept
//! there, so later runs do not build it again). Nothing here may fail the
//! benchmark: whatever cannot be installed or measured is reported as "not
//! measured", with the reason.
//!
//! taskwarrior-tui does not wrap its frames in synchronized output, so the
//! end of a frame cannot be read from the bytes. Instead, output is read in
//! bursts: reads less than `QUIET` apart belong to one burst, and a burst
//! ends once nothing more has come for `QUIET`. The answer to a key is the
//! first burst after which the selected row of the task list (the row
//! marked `•`) differs from the one before the key; its time is taken at
//! its first and at its last byte, never including the quiet wait. Bursts
//! that do not move the selection are taskwarrior-tui's periodic redraws
//! (every 250 ms, even when idle) and are counted as idle output.

use std::fs::File;
use std::io::Write as _;
use std::path::{Path, PathBuf};
use std::process::{Command, ExitStatus, Stdio};
use std::sync::atomic::{AtomicUsize, Ordering};
use std::time::{Duration, Instant};

use portable_pty::CommandBuilder;
use rand::{Rng, SeedableRng};

use super::{mib, ms, percentile, Result, Session, Settings, FRAME_DEADLINE, NOW, START_DEADLINE};

/// The version taskwarrior-tui is installed at: 0.26 and later expect
/// Taskwarrior 3 (and reload everything every tick against 2.6).
const TUI_VERSION: &str = "~0.25";
const TUI_PREFIX: &str = "taskwarrior-tui 0.25.";
const TASK_PREFIX: &str = "2.6.";
/// The row taskwarrior-tui selects starts with this marker (its default
/// `uda.taskwarrior-tui.selection.indicator`).
const SELECTED: char = '•';

/// Output less than this apart is one burst (one frame); a burst is over
/// once the terminal has been quiet this long. ratatui writes a frame in
/// back-to-back writes microseconds apart, and taskwarrior-tui's idle
/// redraws are 250 ms apart, so 30 ms separates them with room to spare.
const QUIET: Duration = Duration::from_millis(30);
/// How long output is watched, after the keys, to measure idle output.
const IDLE_WINDOW: Duration = Duration::from_secs(3);
/// The most one session may spend pressing keys: at 100,000 patients each
/// answer may take seconds.
const KEYS_BUDGET: Duration = Duration::from_secs(60);
/// The most the start-up runs of one size may take together (at least one
/// run is always made).
const STARTUP_BUDGET: Duration = Duration::from_secs(60);
/// The most `q` may take to end taskwarrior-tui before it is killed.
const QUIT_DEADLINE: Duration = Duration::from_secs(30);
const IMPORT_DEADLINE: Duration = Duration::from_secs(15 * 60);
const APT_DEADLINE: Duration = Duration::from_secs(10 * 60);
const BUILD_DEADLINE: Duration = Duration::from_secs(30 * 60);
/// Gaps between keys at a reading pace: random in this range (in ms), so
/// the keys land at every phase of taskwarrior-tui's 250 ms tick.
const PACE_MS: std::ops::RangeInclusive<u64> = 200..=800;

// ---------------------------------------------------------------------------
// Installing the tools.

/// What `prepare` found: the tools, or why there is no side-by-side row.
pub enum Rivals {
    Ready(Tools),
    Skipped(String),
    NotMeasured(String),
}

pub struct Tools {
    tui: PathBuf,
    /// "taskwarrior-tui 0.25.4 with taskwarrior 2.6.2".
    pub versions: String,
    /// How each tool was found or installed, and how long that took.
    pub notes: Vec<String>,
}

/// Whether the side-by-side row runs: on in the full run, off in quick mode
/// (CI), either way overridden by `TEND_BENCH_RIVALS=1` or `=0`.
pub fn wanted(quick: bool) -> bool {
    match std::env::var("TEND_BENCH_RIVALS").ok().as_deref() {
        Some("0") | Some("") => false,
        Some(_) => true,
        None => !quick,
    }
}

/// Finds or installs taskwarrior and taskwarrior-tui.
pub fn prepare(settings: &Settings) -> Rivals {
    if !settings.rivals {
        let why = if settings.quick {
            "skipped in quick mode; set TEND_BENCH_RIVALS=1 to run it"
        } else {
            "skipped: TEND_BENCH_RIVALS=0"
        };
        return Rivals::Skipped(why.into());
    }
    let mut notes = Vec::new();
    let task = match ensure_taskwarrior(&mut notes) {
        Ok(version) => version,
        Err(why) => return Rivals::NotMeasured(format!("taskwarrior: {why}")),
    };
    match ensure_tui(&mut notes) {
        Ok((tui, version)) => Rivals::Ready(Tools {
            tui,
            versions: format!("{version} with taskwarrior {task}"),
            notes,
        }),
        Err(why) => Rivals::NotMeasured(format!("taskwarrior-tui: {why}")),
    }
}

/// Runs a command with its output going to `log` (a pipe could fill up and
/// block it), killing it if it outlives `deadline`.
fn run_bounded(
    command: &mut Command,
    log: &Path,
    deadline: Duration,
) -> Result<(ExitStatus, Duration)> {
    let out = File::create(log)?;
    let started = Instant::now();
    let mut child = command
        .stdin(Stdio::null())
        .stdout(out.try_clone()?)
        .stderr(out)
        .spawn()?;
    loop {
        if let Some(status) = child.try_wait()? {
            return Ok((status, started.elapsed()));
        }
        if started.elapsed() > deadline {
            let _ = child.kill();
            let _ = child.wait();
            return Err(format!("took more than {} s, stopped", deadline.as_secs()).into());
        }
        std::thread::sleep(Duration::from_millis(20));
    }
}

/// The last non-empty line of a log, to say why something failed.
fn last_line(log: &Path) -> String {
    let text = std::fs::read_to_string(log).unwrap_or_default();
    text.lines()
        .rev()
        .find(|l| !l.trim().is_empty())
        .unwrap_or("(no output)")
        .trim()
        .to_string()
}

/// The first line a program prints for `--version`, if it runs at all.
fn version_of(program: &Path, scratch: &Path) -> Option<String> {
    let log = scratch.join("version.txt");
    // No taskrc: taskwarrior would otherwise offer to create one and wait.
    let mut command = Command::new(program);
    command.arg("--version").env("TASKRC", "/dev/null");
    match run_bounded(&mut command, &log, Duration::from_secs(20)) {
        Ok((status, _)) if status.success() => {
            let text = std::fs::read_to_string(&log).ok()?;
            text.lines().next().map(|l| l.trim().to_string())
        }
        _ => None,
    }
}

/// Where taskwarrior-tui is built and kept: `target/rivals`. The bench runs
/// from `target/release/deps/`, which finds the target folder wherever
/// `CARGO_TARGET_DIR` put it.
fn rivals_dir() -> PathBuf {
    let target = std::env::current_exe()
        .ok()
        .and_then(|exe| Some(exe.parent()?.parent()?.parent()?.to_path_buf()))
        .unwrap_or_else(|| Path::new(env!("CARGO_MANIFEST_DIR")).join("target"));
    target.join("rivals")
}

fn ensure_taskwarrior(notes: &mut Vec<String>) -> Result<String> {
    let scratch = tempfile::tempdir()?;
    let task = Path::new("task");
    if let Some(version) = version_of(task, scratch.path()) {
        notes.push(format!("taskwarrior {version} was already installed"));
        return check_task_version(version);
    }
    let started = Instant::now();
    apt_install(scratch.path())?;
    let version = version_of(task, scratch.path())
        .ok_or("apt-get installed taskwarrior, but `task --version` does not run")?;
    notes.push(format!(
        "taskwarrior {version} installed with `apt-get install -y taskwarrior` in {:.0} s",
        started.elapsed().as_secs_f64()
    ));
    check_task_version(version)
}

fn check_task_version(version: String) -> Result<String> {
    if version.starts_with(TASK_PREFIX) {
        Ok(version)
    } else {
        Err(
            format!("`task --version` says {version}; taskwarrior-tui 0.25 needs taskwarrior 2.6")
                .into(),
        )
    }
}

/// `apt-get install -y taskwarrior`, as root or through `sudo -n`.
fn apt_install(scratch: &Path) -> Result<()> {
    // SAFETY: geteuid has no preconditions.
    let root = unsafe { libc::geteuid() } == 0;
    let log = scratch.join("apt.log");
    let apt = |args: &[&str]| -> std::result::Result<(), String> {
        let mut command = if root {
            Command::new("apt-get")
        } else {
            let mut sudo = Command::new("sudo");
            sudo.arg("-n").arg("apt-get");
            sudo
        };
        command.args(args).env("DEBIAN_FRONTEND", "noninteractive");
        let shown = format!(
            "{}apt-get {}",
            if root { "" } else { "sudo -n " },
            args.join(" ")
        );
        match run_bounded(&mut command, &log, APT_DEADLINE) {
            Ok((status, _)) if status.success() => Ok(()),
            Ok(_) => Err(format!("`{shown}` failed: {}", last_line(&log))),
            Err(e) => Err(format!("`{shown}`: {e}")),
        }
    };
    let install = ["install", "-y", "taskwarrior"];
    // A fresh machine may have no package lists yet: update, and try again.
    apt(&install)
        .or_else(|_| apt(&["update"]).and_then(|()| apt(&install)))
        .map_err(|e| format!("not installed, and {e}").into())
}

/// Finds taskwarrior-tui 0.25 in `target/rivals`, or builds it there.
fn ensure_tui(notes: &mut Vec<String>) -> Result<(PathBuf, String)> {
    let dir = rivals_dir();
    std::fs::create_dir_all(&dir)?;
    let tui = dir.join("bin").join("taskwarrior-tui");
    let built_note = dir.join("built.txt");
    let scratch = tempfile::tempdir()?;
    if let Some(version) = version_of(&tui, scratch.path()).filter(|v| v.starts_with(TUI_PREFIX)) {
        let how = std::fs::read_to_string(&built_note).unwrap_or_default();
        notes.push(format!(
            "{version} was already built in `{}`{}",
            dir.display(),
            if how.trim().is_empty() {
                String::new()
            } else {
                format!(" ({})", how.trim())
            }
        ));
        return Ok((tui, version));
    }
    let cargo = std::env::var_os("CARGO").unwrap_or_else(|| "cargo".into());
    let build = dir.join("build");
    let log = dir.join("install.log");
    eprintln!(
        "pty bench: building taskwarrior-tui {TUI_VERSION} into {} (a few minutes, once; log: {})",
        dir.display(),
        log.display()
    );
    let mut command = Command::new(cargo);
    // Its own target folder: the one this bench runs from is locked by the
    // cargo that runs it.
    command
        .args([
            "install",
            "taskwarrior-tui",
            "--version",
            TUI_VERSION,
            "--locked",
            "--root",
        ])
        .arg(&dir)
        .arg("--target-dir")
        .arg(&build)
        .current_dir(&dir);
    let (status, took) = run_bounded(&mut command, &log, BUILD_DEADLINE).map_err(|e| {
        format!("`cargo install taskwarrior-tui --version '{TUI_VERSION}' --locked` {e}")
    })?;
    if !status.success() {
        return Err(format!(
            "`cargo install taskwarrior-tui --version '{TUI_VERSION}' --locked` failed after {:.0} s: {} (log: {})",
            took.as_secs_f64(),
            last_line(&log),
            log.display()
        )
        .into());
    }
    // The binary is what is kept; the build folder is most of a gigabyte.
    let _ = std::fs::remove_dir_all(&build);
    let version = version_of(&tui, scratch.path())
        .ok_or("cargo install succeeded, but the binary does not run")?;
    let how = format!(
        "built with `cargo install taskwarrior-tui --version '{TUI_VERSION}' --locked` in {:.0} s on {}",
        took.as_secs_f64(),
        super::shell("date", &["-u", "+%Y-%m-%d"])
    );
    std::fs::write(&built_note, &how)?;
    notes.push(format!(
        "{version} {how}, kept in `{}` for later runs",
        dir.display()
    ));
    Ok((tui, version))
}

// ---------------------------------------------------------------------------
// The same tasks in taskwarrior.

/// A taskwarrior set-up of its own: TASKRC and TASKDATA in a fresh folder.
struct Taskwarrior {
    home: PathBuf,
    taskrc: PathBuf,
    data: PathBuf,
}

impl Taskwarrior {
    fn create(home: &Path) -> Result<Taskwarrior> {
        let home = home.join("taskwarrior");
        let data = home.join("data");
        std::fs::create_dir_all(&data)?;
        let taskrc = home.join("taskrc");
        // No confirmations or hooks to wait on, no garbage collection
        // rewriting the files (and so making taskwarrior-tui reload), and no
        // "run task news" notice.
        std::fs::write(
            &taskrc,
            format!(
                "data.location={}\nconfirmation=off\nhooks=off\ngc=off\nnews.version=2.6.0\n",
                data.display()
            ),
        )?;
        Ok(Taskwarrior { home, taskrc, data })
    }

    fn task(&self) -> Command {
        let mut command = Command::new("task");
        command
            .env("TASKRC", &self.taskrc)
            .env("TASKDATA", &self.data)
            .env("HOME", &self.home)
            .current_dir(&self.home);
        command
    }
}

/// How many tasks tend's database holds: open ones (requested or in
/// progress) and all.
fn count_tasks(db: &Path) -> Result<(usize, usize)> {
    let conn = rusqlite::Connection::open(db)?;
    let open: i64 = conn.query_row(
        "SELECT count(*) FROM task WHERE status IN ('requested', 'in-progress')",
        [],
        |r| r.get(0),
    )?;
    let all: i64 = conn.query_row("SELECT count(*) FROM task", [], |r| r.get(0))?;
    Ok((open as usize, all as usize))
}

/// Writes tend's open tasks as taskwarrior JSON, one task a line: the same
/// titles (with the patient's synthetic member ID, as a coordinator would
/// note it), the kind as the project, the priority, and the due date. Dates
/// are moved by the days between tend's fixed "now" and today, because
/// taskwarrior reads the real clock: what is overdue in tend is overdue in
/// taskwarrior by as many days.
fn write_import(db: &Path, path: &Path) -> Result<usize> {
    let tend_today = chrono::DateTime::parse_from_rfc3339(NOW)?.date_naive();
    let shift = chrono::Local::now().date_naive() - tend_today;
    let conn = rusqlite::Connection::open(db)?;
    let mut query = conn.prepare(
        "SELECT t.id, t.kind, t.description, t.priority, t.due_on, t.hard_deadline,
                t.authored_at, p.member_id
         FROM task t JOIN patient p ON p.id = t.patient_id
         WHERE t.status IN ('requested', 'in-progress')
         ORDER BY t.id",
    )?;
    let mut rows = query.query([])?;
    let mut out = std::io::BufWriter::new(File::create(path)?);
    let mut written = 0;
    while let Some(row) = rows.next()? {
        let id: i64 = row.get(0)?;
        let mut task = serde_json::Map::new();
        let mut put = |key: &str, value: serde_json::Value| task.insert(key.to_string(), value);
        put("uuid", format!("00000000-0000-4000-8000-{id:012x}").into());
        put("status", "pending".into());
        put(
            "description",
            format!("{} {}", row.get::<_, String>(2)?, row.get::<_, String>(7)?).into(),
        );
        put("project", row.get::<_, String>(1)?.into());
        match row.get::<_, String>(3)?.as_str() {
            "urgent" => put("priority", "M".into()),
            "asap" | "stat" => put("priority", "H".into()),
            _ => None,
        };
        if let Some(due) = row.get::<_, Option<String>>(4)? {
            let due = chrono::NaiveDate::parse_from_str(&due, "%Y-%m-%d")? + shift;
            // Midday, so the day is the same in any time zone near UTC.
            put("due", format!("{}T120000Z", due.format("%Y%m%d")).into());
        }
        if row.get::<_, bool>(5)? {
            put("tags", serde_json::json!(["deadline"]));
        }
        let authored = chrono::DateTime::parse_from_rfc3339(&row.get::<_, String>(6)?)?
            .with_timezone(&chrono::Utc)
            + shift;
        put(
            "entry",
            authored.format("%Y%m%dT%H%M%SZ").to_string().into(),
        );
        serde_json::to_writer(&mut out, &task)?;
        out.write_all(b"\n")?;
        written += 1;
    }
    out.flush()?;
    Ok(written)
}

/// Loads the tasks with `task import`, then checks taskwarrior counts as
/// many pending tasks as were written.
fn import(tw: &Taskwarrior, file: &Path, expected: usize) -> Result<Duration> {
    let log = tw.home.join("import.log");
    let mut command = tw.task();
    command.arg("rc.verbose=nothing").arg("import").arg(file);
    let (status, took) = run_bounded(&mut command, &log, IMPORT_DEADLINE)
        .map_err(|e| format!("`task import` {e}"))?;
    if !status.success() {
        return Err(format!("`task import` failed: {}", last_line(&log)).into());
    }
    let count_log = tw.home.join("count.log");
    let mut count = tw.task();
    count
        .arg("rc.verbose=nothing")
        .arg("status:pending")
        .arg("count");
    run_bounded(&mut count, &count_log, IMPORT_DEADLINE)?;
    let counted = std::fs::read_to_string(&count_log)?
        .trim()
        .parse::<usize>()
        .unwrap_or(0);
    if counted != expected {
        return Err(format!("`task import` left {counted} pending tasks, not {expected}").into());
    }
    Ok(took)
}

// ---------------------------------------------------------------------------
// taskwarrior-tui in the pseudo-terminal.

/// Output written in one go: reads less than `QUIET` apart.
struct Burst {
    first: Instant,
    last: Instant,
    bytes: usize,
}

/// Waits up to `deadline` for output, then reads until the terminal has
/// been quiet for `QUIET` (or `deadline` is over). Everything read goes
/// through the session's screen. `None` if nothing came in time.
fn next_burst(session: &mut Session, deadline: Duration) -> Result<Option<Burst>> {
    let started = Instant::now();
    let mut buffer = [0u8; 64 * 1024];
    let mut burst: Option<Burst> = None;
    loop {
        let left = deadline.saturating_sub(started.elapsed());
        let wait = match &burst {
            None if left.is_zero() => return Ok(None),
            None => left,
            Some(b) => {
                let quiet_left = QUIET.saturating_sub(b.last.elapsed());
                if quiet_left.is_zero() || left.is_zero() {
                    return Ok(burst);
                }
                quiet_left
            }
        };
        let (n, at) = session.read_some(&mut buffer, wait)?;
        if n == 0 {
            continue;
        }
        session.parser.process(&buffer[..n]);
        match &mut burst {
            None => {
                burst = Some(Burst {
                    first: at,
                    last: at,
                    bytes: n,
                })
            }
            Some(b) => {
                b.last = at;
                b.bytes += n;
            }
        }
    }
}

/// Reads for `window`, counting the bytes.
fn bytes_within(session: &mut Session, window: Duration) -> Result<usize> {
    let started = Instant::now();
    let mut bytes = 0;
    while let Some(left) = window.checked_sub(started.elapsed()) {
        if let Some(burst) = next_burst(session, left)? {
            bytes += burst.bytes;
        }
    }
    Ok(bytes)
}

/// The text of the row taskwarrior-tui shows as selected, if any.
fn selected_row(session: &Session) -> Option<String> {
    let screen = session.parser.screen();
    let (_, cols) = screen.size();
    screen
        .rows(0, cols)
        .find(|row| row.trim_start().starts_with(SELECTED))
}

/// One key's answer: from writing the key to the first and to the last
/// byte of the burst that moved the selection, and that burst's size.
struct Answer {
    first: Duration,
    last: Duration,
    bytes: usize,
}

/// taskwarrior-tui in a pseudo-terminal, started through this benchmark's
/// own binary (`--peak-rss-of`, see `peak_rss_wrapper`) so that the memory
/// of the `task` processes it runs is known too. Everything it started is
/// killed with the session's process group when dropped.
struct Tui {
    session: Session,
    rss_file: PathBuf,
}

impl Tui {
    fn start(tools: &Tools, tw: &Taskwarrior, cols: u16, rows: u16) -> Result<Tui> {
        // One file per session: sessions follow one another, but a killed
        // one must not leave a figure for the next.
        static SESSIONS: AtomicUsize = AtomicUsize::new(0);
        let n = SESSIONS.fetch_add(1, Ordering::Relaxed);
        let rss_file = tw.home.join(format!("peak-rss-{n}"));
        let mut command = CommandBuilder::new(std::env::current_exe()?);
        command.arg("--peak-rss-of");
        command.arg(&rss_file);
        command.arg(&tools.tui);
        command.env_clear();
        command.env("PATH", std::env::var_os("PATH").unwrap_or_default());
        command.env("HOME", &tw.home);
        command.env("TMPDIR", &tw.home);
        command.env("USER", "ccuser");
        command.env("TERM", "xterm-256color");
        command.env("TASKRC", &tw.taskrc);
        command.env("TASKDATA", &tw.data);
        command.env("TASKWARRIOR_TUI_DATA", tw.home.join("tui"));
        command.cwd(&tw.home);
        Ok(Tui {
            session: Session::spawn(command, cols, rows)?,
            rss_file,
        })
    }

    /// Waits for the first burst after which a task is shown selected;
    /// returns the time from spawning to its last byte.
    fn first_frame(&mut self, deadline: Duration) -> Result<Option<Duration>> {
        let started = Instant::now();
        while let Some(left) = deadline.checked_sub(started.elapsed()) {
            let Some(burst) = next_burst(&mut self.session, left)? else {
                break;
            };
            if selected_row(&self.session).is_some() {
                return Ok(Some(burst.last.duration_since(self.session.spawned)));
            }
        }
        Ok(None)
    }

    /// Reads until the terminal is quiet, so that a key is not sent into the
    /// middle of a redraw (at most a second: it redraws every 250 ms).
    fn settle(&mut self) -> Result<()> {
        let started = Instant::now();
        while started.elapsed() < Duration::from_secs(1) {
            if next_burst(&mut self.session, QUIET)?.is_none() {
                break;
            }
        }
        Ok(())
    }

    /// Sends a key and waits up to `deadline` for the burst that moves the
    /// selection; bursts before it (idle redraws) do not count.
    fn press(&mut self, key: &[u8], deadline: Duration) -> Result<Option<Answer>> {
        let before = selected_row(&self.session);
        let sent = self.session.send(key)?;
        while let Some(left) = deadline.checked_sub(sent.elapsed()) {
            let Some(burst) = next_burst(&mut self.session, left)? else {
                break;
            };
            if selected_row(&self.session) != before {
                return Ok(Some(Answer {
                    first: burst.first.duration_since(sent),
                    last: burst.last.duration_since(sent),
                    bytes: burst.bytes,
                }));
            }
        }
        Ok(None)
    }

    /// The peak resident memory (VmHWM) of taskwarrior-tui itself, the
    /// child of the wrapper that the pseudo-terminal runs.
    fn peak_rss_kib(&self) -> Option<u64> {
        let wrapper = self.session.child.process_id()?;
        let pid = child_of(wrapper)?;
        vm_hwm_kib(pid)
    }

    /// Quits with `q`, or kills taskwarrior-tui if `q` does not end it in
    /// time; then reads what the wrapper wrote.
    fn quit(mut self) -> Ended {
        let quit = self.session.send(b"q").is_ok() && self.wait_for_end(QUIT_DEADLINE);
        if !quit {
            // taskwarrior-tui alone, not the group: the wrapper then still
            // writes the figure of the processes that had ended.
            let wrapper = self.session.child.process_id();
            if let Some(pid) = wrapper.and_then(child_of) {
                // SAFETY: kill has no memory preconditions; `pid` is the
                // wrapper's child, taskwarrior-tui, started by this run.
                unsafe { libc::kill(pid as libc::pid_t, libc::SIGKILL) };
            }
            self.wait_for_end(Duration::from_secs(5));
        }
        let tree_rss_kib = std::fs::read_to_string(&self.rss_file)
            .ok()
            .and_then(|text| text.trim().parse().ok());
        Ended {
            killed: !quit,
            tree_rss_kib,
        }
    }

    /// Waits up to `deadline` for the wrapper to end.
    fn wait_for_end(&mut self, deadline: Duration) -> bool {
        let started = Instant::now();
        let mut buffer = [0u8; 64 * 1024];
        while started.elapsed() < deadline {
            if let Ok(Some(_)) = self.session.child.try_wait() {
                return true;
            }
            // Keep reading so it never blocks on a full terminal; once it has
            // closed the terminal, reading fails and only waiting is left.
            if self
                .session
                .read_some(&mut buffer, Duration::from_millis(10))
                .is_err()
            {
                std::thread::sleep(Duration::from_millis(5));
            }
        }
        false
    }
}

/// How a taskwarrior-tui session ended.
struct Ended {
    /// `q` did not end it in time.
    killed: bool,
    /// The largest peak RSS of any process in its tree (itself or a `task`
    /// it ran) that had ended, from the wrapper.
    tree_rss_kib: Option<u64>,
}

/// The process whose parent is `parent` (the wrapper has exactly one).
fn child_of(parent: u32) -> Option<u32> {
    for entry in std::fs::read_dir("/proc").ok()?.flatten() {
        let Some(pid) = entry
            .file_name()
            .to_str()
            .and_then(|s| s.parse::<u32>().ok())
        else {
            continue;
        };
        let Ok(stat) = std::fs::read_to_string(entry.path().join("stat")) else {
            continue;
        };
        // "pid (comm) state ppid ...": the name may hold spaces and ')'.
        let after_name = &stat[stat.rfind(')')? + 1..];
        if after_name.split_whitespace().nth(1) == Some(&parent.to_string()) {
            return Some(pid);
        }
    }
    None
}

fn vm_hwm_kib(pid: u32) -> Option<u64> {
    let status = std::fs::read_to_string(format!("/proc/{pid}/status")).ok()?;
    status
        .lines()
        .find_map(|l| l.strip_prefix("VmHWM:"))
        .and_then(|v| v.trim().trim_end_matches("kB").trim().parse().ok())
}

/// `pty --peak-rss-of FILE PROGRAM [ARGS...]`: runs PROGRAM on this
/// terminal, waits for it, and writes to FILE the largest peak resident
/// memory (KiB) of it and of every process it started and waited for
/// (getrusage's RUSAGE_CHILDREN takes the largest single one). Exits as
/// PROGRAM did.
pub fn peak_rss_wrapper(args: &[String]) -> ! {
    let [file, program, rest @ ..] = args else {
        eprintln!("usage: --peak-rss-of FILE PROGRAM [ARGS...]");
        std::process::exit(2);
    };
    let status = match Command::new(program).args(rest).status() {
        Ok(status) => status,
        Err(e) => {
            eprintln!("{program}: {e}");
            std::process::exit(127);
        }
    };
    // SAFETY: getrusage writes one rusage into memory we own.
    let mut usage: libc::rusage = unsafe { std::mem::zeroed() };
    if unsafe { libc::getrusage(libc::RUSAGE_CHILDREN, &mut usage) } == 0 {
        let _ = std::fs::write(file, usage.ru_maxrss.to_string());
    }
    std::process::exit(status.code().unwrap_or(1));
}

// ---------------------------------------------------------------------------
// Measurements.

/// Key presses in one session.
#[derive(Default)]
pub struct Keys {
    first: Vec<Duration>,
    last: Vec<Duration>,
    bytes: Vec<usize>,
    /// Why the presses stopped early, if they did.
    stopped: Option<String>,
    asked: usize,
}

impl Keys {
    fn push(&mut self, answer: Answer) {
        self.first.push(answer.first);
        self.last.push(answer.last);
        self.bytes.push(answer.bytes);
    }

    fn mean_bytes(&self) -> Option<f64> {
        (!self.bytes.is_empty())
            .then(|| self.bytes.iter().sum::<usize>() as f64 / self.bytes.len() as f64)
    }

    /// "0.52 / 0.61 ms", or what happened when nothing was answered.
    fn times(values: &[Duration]) -> String {
        if values.is_empty() {
            return "no answer".into();
        }
        format!(
            "{} / {} ms",
            ms(percentile(values, 50.0)),
            ms(percentile(values, 95.0))
        )
    }

    /// "200 of 200 answered", and why it stopped, if it did.
    fn answered(&self) -> String {
        let mut text = format!("{} of {} answered", self.last.len(), self.asked);
        if let Some(why) = &self.stopped {
            text.push_str(&format!("; {why}"));
        }
        text
    }
}

/// How the keys are paced.
#[derive(Clone, Copy)]
enum Pace {
    /// The next key as soon as the answer to the last one is over (after
    /// `QUIET`), as the rest of this benchmark does.
    BackToBack,
    /// A random 0.2 to 0.8 s after the answer, as someone reading each task.
    Reading,
}

/// Presses `j` and `k` alternately, so every press moves the selection one
/// row without scrolling; stops at the first key not answered within
/// `FRAME_DEADLINE` or once `KEYS_BUDGET` is spent.
fn press_keys(tui: &mut Tui, presses: usize, pace: Pace) -> Result<Keys> {
    let mut rng = rand_chacha::ChaCha8Rng::seed_from_u64(5);
    let started = Instant::now();
    let mut keys = Keys::default();
    for i in 0..presses {
        if started.elapsed() > KEYS_BUDGET {
            keys.stopped = Some(format!(
                "stopped after {} s, the time allowed",
                KEYS_BUDGET.as_secs()
            ));
            break;
        }
        match pace {
            Pace::BackToBack => tui.settle()?,
            Pace::Reading => {
                let gap = Duration::from_millis(rng.gen_range(PACE_MS));
                bytes_within(&mut tui.session, gap)?;
                tui.settle()?;
            }
        }
        let key: &[u8] = if i % 2 == 0 { b"j" } else { b"k" };
        keys.asked += 1;
        match tui.press(key, FRAME_DEADLINE)? {
            Some(answer) => keys.push(answer),
            None => {
                keys.stopped = Some(format!(
                    "press {} got no answer within {} s",
                    i + 1,
                    FRAME_DEADLINE.as_secs()
                ));
                break;
            }
        }
    }
    Ok(keys)
}

/// tend's figures for the same row: its Today pane, measured with the same
/// reading pace, and its idle output.
pub struct TendSide {
    reading: Keys,
    idle_bytes: usize,
}

/// tend in its Today pane (`4`), `j`/`k` at a reading pace, then idle. The
/// frame end is tend's own marker, as in the rest of the benchmark. A key's
/// time is to the end of its frame (the list's answer); its bytes also
/// count what tend writes during the pause before the next key, when the
/// record and care plan follow the selected task's patient (150 ms later),
/// so the link's whole cost of a move is counted, as for taskwarrior-tui,
/// whose details follow at its tick.
fn tend_side(db: &Path, home: &Path, presses: usize) -> Result<TendSide> {
    let mut session = Session::start(db, home, 80, 24)?;
    session.first_frame()?;
    session.press(b"4")?;
    let mut rng = rand_chacha::ChaCha8Rng::seed_from_u64(5);
    let mut reading = Keys::default();
    let mut pause = || Duration::from_millis(rng.gen_range(PACE_MS));
    std::thread::sleep(pause());
    for i in 0..presses {
        let key: &[u8] = if i % 2 == 0 { b"j" } else { b"k" };
        reading.asked += 1;
        let (time, bytes) = session.press(key)?;
        std::thread::sleep(pause());
        let followed = session.take_pending()?;
        reading.push(Answer {
            first: time,
            last: time,
            bytes: bytes + followed,
        });
    }
    // The last move's follow-up came during the last pause (counted
    // above): what comes now is idle output.
    session.drain()?;
    let idle_bytes = bytes_within(&mut session, IDLE_WINDOW)?;
    session.quit()?;
    Ok(TendSide {
        reading,
        idle_bytes,
    })
}

/// What one patient count measured for taskwarrior-tui (and tend's side).
#[derive(Default)]
pub struct SizeReport {
    open_tasks: usize,
    all_tasks: usize,
    import: Option<Duration>,
    startup: Vec<Duration>,
    back_to_back: Option<Keys>,
    reading: Option<Keys>,
    large: Option<Keys>,
    idle_bytes: Option<usize>,
    rss_kib: Option<u64>,
    tree_rss_kib: Option<u64>,
    tend: Option<TendSide>,
    /// What could not be measured, and why.
    notes: Vec<String>,
}

/// Loads tend's open tasks into taskwarrior and measures taskwarrior-tui,
/// then tend's side. Never fails: what goes wrong becomes a note.
pub fn measure_size(
    settings: &Settings,
    tools: &Tools,
    db: &Path,
    home: &Path,
    patients: usize,
) -> SizeReport {
    let mut report = SizeReport::default();
    if let Err(e) = measure_tui(settings, tools, db, home, patients, &mut report) {
        report.notes.push(format!("not measured further: {e}"));
    }
    eprintln!("pty bench: {patients} patients: tend at a reading pace");
    match tend_side(db, home, reading_presses(settings)) {
        Ok(side) => report.tend = Some(side),
        Err(e) => report
            .notes
            .push(format!("tend's reading-pace session failed: {e}")),
    }
    report
}

/// Fewer presses at a reading pace: each costs half a second.
fn reading_presses(settings: &Settings) -> usize {
    (settings.presses / 4).max(10)
}

fn measure_tui(
    settings: &Settings,
    tools: &Tools,
    db: &Path,
    home: &Path,
    patients: usize,
    report: &mut SizeReport,
) -> Result<()> {
    let (open, all) = count_tasks(db)?;
    report.open_tasks = open;
    report.all_tasks = all;
    eprintln!("pty bench: {patients} patients: loading {open} tasks into taskwarrior");
    let tw = Taskwarrior::create(home)?;
    let file = tw.home.join("tasks.json");
    let written = write_import(db, &file)?;
    report.import = Some(import(&tw, &file, written)?);

    eprintln!("pty bench: {patients} patients: taskwarrior-tui start-up");
    let started = Instant::now();
    while report.startup.len() < settings.startup_runs
        && (report.startup.is_empty() || started.elapsed() < STARTUP_BUDGET)
    {
        let mut tui = Tui::start(tools, &tw, 80, 24)?;
        let Some(time) = tui.first_frame(START_DEADLINE)? else {
            return Err(format!(
                "no task list on screen within {} s of start",
                START_DEADLINE.as_secs()
            )
            .into());
        };
        report.startup.push(time);
        // Killed rather than quit: nothing more is read from it, and `q`
        // can wait behind seconds of queued work at the largest sizes.
        drop(tui);
    }

    // Each pace in a session of its own, from a fresh start: past about
    // 10,000 tasks taskwarrior-tui's ticks take longer than the 250 ms
    // between them, so they queue up ahead of the keys and a long session
    // answers later and later; a fresh start keeps the sessions comparable.
    let plans = [
        Plan {
            what: "back to back, 80x24",
            size: (80, 24),
            presses: settings.presses,
            pace: Pace::BackToBack,
            slot: |r| &mut r.back_to_back,
        },
        Plan {
            what: "at a reading pace, 80x24",
            size: (80, 24),
            presses: reading_presses(settings),
            pace: Pace::Reading,
            slot: |r| &mut r.reading,
        },
        Plan {
            what: "back to back, 200x50",
            size: (200, 50),
            presses: settings.presses,
            pace: Pace::BackToBack,
            slot: |r| &mut r.large,
        },
    ];
    for (i, plan) in plans.iter().enumerate() {
        let what = plan.what;
        eprintln!("pty bench: {patients} patients: taskwarrior-tui keys {what}");
        // Idle output once, after the first session's keys.
        let measure_idle = i == 0;
        let session = match key_session(tools, &tw, plan, measure_idle) {
            Ok(session) => session,
            Err(e) => {
                report.notes.push(format!("keys {what}: not measured: {e}"));
                continue;
            }
        };
        report.rss_kib = report.rss_kib.max(session.rss_kib);
        report.tree_rss_kib = report.tree_rss_kib.max(session.ended.tree_rss_kib);
        if session.ended.killed {
            report.notes.push(format!(
                "keys {what}: `q` did not end taskwarrior-tui within {} s; it was killed",
                QUIT_DEADLINE.as_secs()
            ));
        }
        if measure_idle {
            report.idle_bytes = session.idle_bytes;
        }
        *(plan.slot)(report) = Some(session.keys);
    }
    Ok(())
}

/// One key session to run, and where its figures go in the report.
struct Plan {
    what: &'static str,
    size: (u16, u16),
    presses: usize,
    pace: Pace,
    slot: fn(&mut SizeReport) -> &mut Option<Keys>,
}

/// What one key session of taskwarrior-tui measured.
struct TuiSession {
    keys: Keys,
    idle_bytes: Option<usize>,
    rss_kib: Option<u64>,
    ended: Ended,
}

/// Starts taskwarrior-tui, presses the keys, optionally watches it idle,
/// reads its memory and quits.
fn key_session(
    tools: &Tools,
    tw: &Taskwarrior,
    plan: &Plan,
    measure_idle: bool,
) -> Result<TuiSession> {
    let (cols, rows) = plan.size;
    let mut tui = Tui::start(tools, tw, cols, rows)?;
    if tui.first_frame(START_DEADLINE)?.is_none() {
        return Err(format!(
            "no task list on screen within {} s",
            START_DEADLINE.as_secs()
        )
        .into());
    }
    let keys = press_keys(&mut tui, plan.presses, plan.pace)?;
    let idle_bytes = if measure_idle {
        tui.settle()?;
        Some(bytes_within(&mut tui.session, IDLE_WINDOW)?)
    } else {
        None
    };
    let rss_kib = tui.peak_rss_kib();
    Ok(TuiSession {
        keys,
        idle_bytes,
        rss_kib,
        ended: tui.quit(),
    })
}

// ---------------------------------------------------------------------------
// The report.

/// tend's figures from the main measurement, for its row.
pub struct TendFigures<'a> {
    pub patients: usize,
    pub startup: &'a [Duration],
    pub today_small: (&'a [Duration], f64),
    pub today_large_bytes: f64,
    pub peak_rss_kib: u64,
}

/// The "How it measures" bullets for the side-by-side row.
pub fn how_it_measures(out: &mut String) -> std::fmt::Result {
    use std::fmt::Write as _;
    let q = QUIET.as_millis();
    let lines = [
        "- **Side by side** with taskwarrior 2.6 and taskwarrior-tui 0.25 (its default settings):"
            .to_string(),
        "  - *The same tasks*: for each size, tend's open tasks (status requested or in \
         progress: what a coordinator triages; tend's completed ones are history that its \
         screens do not read) are written as taskwarrior JSON (the same titles with the \
         patient's synthetic member ID, the kind as project, the priority, due dates moved to \
         today's calendar) and loaded with `task import` into a fresh TASKDATA with its own \
         TASKRC (`confirmation=off`, `hooks=off`, `gc=off`)."
            .to_string(),
        format!(
            "  - *Frames*: taskwarrior-tui does not mark its frames, so its output is read in \
             bursts: reads less than {q} ms apart are one burst, which is over after {q} ms \
             of quiet. The quiet wait is never counted in a time, but it does delay each next key."
        ),
        "  - *Start-up*: from spawning to the last byte of the first burst that shows a \
         selected task (the `•` row)."
            .to_string(),
        "  - *A key* (`j` and `k` alternately, so each moves the selection one row without \
         scrolling, for both tools) is answered by the first burst after which the selected row \
         differs; it is timed from writing the key to that burst's first and to its last byte \
         (the table shows the last). Bursts that do not move the selection are its idle \
         redraws (every 250 ms, even untouched) and count as idle output, not as bytes per key."
            .to_string(),
        format!(
            "  - *Pace*: back to back (the next key once the answer is over, as for tend above, \
             whose figures are its Today pane's), then at a reading pace: a random {}–{} ms \
             after each answer, so keys land at any point of taskwarrior-tui's 250 ms tick, \
             which runs `task` for the selected task's details and holds keys up meanwhile. \
             tend is measured at the same reading pace in its Today pane (`4`); there its \
             record and care plan follow the selected task's patient once a move has rested \
             (150 ms), and those bytes, written before the next key, count in its bytes at a \
             reading pace. taskwarrior-tui's details, redrawn at its tick, count as its idle \
             output.",
            PACE_MS.start(),
            PACE_MS.end()
        ),
        format!(
            "  - *Deadlines*: each key waits at most {} s, a session's keys at most {} s in all, \
             a start-up at most {} s; past that the presses stop and the report says so.",
            FRAME_DEADLINE.as_secs(),
            KEYS_BUDGET.as_secs(),
            START_DEADLINE.as_secs()
        ),
        format!(
            "  - *Idle output*: bytes written in {} s with no key, after the keys.",
            IDLE_WINDOW.as_secs()
        ),
        format!(
            "  - *Peak RSS*: VmHWM of taskwarrior-tui before `q`; and the largest process in \
             its tree (itself or a `task` it ran), from getrusage in a small wrapper (this \
             benchmark's own binary) that starts it in the pseudo-terminal. If `q` does not end \
             it within {} s, taskwarrior-tui is killed, and the second figure covers only the \
             processes that had ended.",
            QUIT_DEADLINE.as_secs()
        ),
    ];
    for line in lines {
        writeln!(out, "{line}")?;
    }
    Ok(())
}

/// The "Side by side: taskwarrior-tui" section.
pub fn section(
    out: &mut String,
    rivals: &Rivals,
    tend: &[TendFigures],
    reports: &[Option<&SizeReport>],
) -> std::fmt::Result {
    use std::fmt::Write as _;
    writeln!(out, "## Side by side: taskwarrior-tui\n")?;
    let tools = match rivals {
        Rivals::Skipped(why) => return writeln!(out, "Not run: {why}.\n"),
        Rivals::NotMeasured(why) => return writeln!(out, "Not measured: {why}.\n"),
        Rivals::Ready(tools) => tools,
    };
    writeln!(
        out,
        "A tool a coordinator could use instead for keyboard task triage in a terminal: \
         {}, holding as many pending tasks as tend's database holds open tasks, measured \
         in this run by the same pseudo-terminal harness (see How it measures). \
         Key times are to the last byte of the answer; bytes are per move, mean. \
         Reading its source explains the slow answers at the larger sizes: every 250 ms a \
         tick runs `task` for the selected task's details, and the ticks are queued with the \
         keys; once one `task` takes longer than 250 ms (at about 20,000 tasks on the machine above), ticks \
         pile up faster than they are handled, from start-up on, and keys wait behind them.\n",
        tools.versions
    )?;
    for note in &tools.notes {
        writeln!(out, "- {note}")?;
    }
    writeln!(out)?;
    writeln!(
        out,
        "| patients | tasks | tool | start-up (median) | `j`/`k` back to back p50 / p95 | `j`/`k` at a reading pace p50 / p95 | bytes per move 80x24 | bytes per move 200x50 | idle output | peak RSS |"
    )?;
    writeln!(out, "|---:|---:|---|---:|---:|---:|---:|---:|---:|---:|")?;
    let or_dash = |v: Option<String>| v.unwrap_or_else(|| "—".into());
    for (t, r) in tend.iter().zip(reports) {
        let tasks = r.map_or("—".into(), |r| {
            format!("{} open of {}", r.open_tasks, r.all_tasks)
        });
        let reading = r.and_then(|r| r.tend.as_ref());
        // Back to back, a move's frame is the list's; at a reading pace the
        // record and plan follow the task's patient too (see the notes).
        let small_bytes = match reading.and_then(|s| s.reading.mean_bytes()) {
            Some(read) => format!("{:.0}; {read:.0} at a reading pace", t.today_small.1),
            None => format!("{:.0}", t.today_small.1),
        };
        writeln!(
            out,
            "| {} | {tasks} | tend | {} ms | {} | {} | {small_bytes} | {:.0} | {} | {} |",
            t.patients,
            ms(percentile(t.startup, 50.0)),
            Keys::times(t.today_small.0),
            or_dash(reading.map(|s| Keys::times(&s.reading.last))),
            t.today_large_bytes,
            or_dash(reading.map(|s| per_second(s.idle_bytes))),
            mib(t.peak_rss_kib),
        )?;
        let Some(r) = r else { continue };
        let startup =
            (!r.startup.is_empty()).then(|| format!("{} ms", ms(percentile(&r.startup, 50.0))));
        let rss = r.rss_kib.map(|kib| {
            let tree = r.tree_rss_kib.map_or(String::new(), |t| {
                format!(" (largest in its tree: {})", mib(t))
            });
            format!("{}{tree}", mib(kib))
        });
        writeln!(
            out,
            "| {} | {} pending | taskwarrior-tui | {} | {} | {} | {} | {} | {} | {} |",
            t.patients,
            r.open_tasks,
            or_dash(startup),
            or_dash(r.back_to_back.as_ref().map(|k| Keys::times(&k.last))),
            or_dash(r.reading.as_ref().map(|k| Keys::times(&k.last))),
            or_dash(
                r.back_to_back
                    .as_ref()
                    .and_then(Keys::mean_bytes)
                    .map(|b| format!("{b:.0}"))
            ),
            or_dash(
                r.large
                    .as_ref()
                    .and_then(Keys::mean_bytes)
                    .map(|b| format!("{b:.0}"))
            ),
            or_dash(r.idle_bytes.map(per_second)),
            or_dash(rss),
        )?;
    }
    writeln!(out)?;
    for (t, r) in tend.iter().zip(reports) {
        let Some(r) = r else { continue };
        writeln!(
            out,
            "{} patients ({} tasks in taskwarrior):\n",
            t.patients, r.open_tasks
        )?;
        if let Some(took) = r.import {
            writeln!(
                out,
                "- `task import`: {:.1} s ({:.0} tasks/s)",
                took.as_secs_f64(),
                r.open_tasks as f64 / took.as_secs_f64().max(1e-9)
            )?;
        }
        if !r.startup.is_empty() {
            let runs: Vec<String> = r.startup.iter().map(|d| ms(*d)).collect();
            writeln!(
                out,
                "- taskwarrior-tui start-up runs: {} ms",
                runs.join(", ")
            )?;
        }
        let sessions = [
            ("back to back, 80x24", &r.back_to_back),
            ("at a reading pace, 80x24", &r.reading),
            ("back to back, 200x50", &r.large),
        ];
        for (what, keys) in sessions {
            match keys {
                Some(k) if !k.last.is_empty() => writeln!(
                    out,
                    "- keys {what}: first byte {}, last byte {}; {}",
                    Keys::times(&k.first),
                    Keys::times(&k.last),
                    k.answered()
                )?,
                Some(k) => writeln!(out, "- keys {what}: {}", k.answered())?,
                None => {}
            }
        }
        for note in &r.notes {
            writeln!(out, "- {note}")?;
        }
        writeln!(out)?;
    }
    Ok(())
}

fn per_second(bytes: usize) -> String {
    format!("{:.0} B/s", bytes as f64 / IDLE_WINDOW.as_secs_f64())
}
