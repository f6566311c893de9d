//! The roster import's throughput (issue 7): the release binary,
//! `tend import patients`, on a synthetic spreadsheet-style roster
//! (`tend gen --roster`) of 10,000 and 100,000 members: into an empty
//! database, again with nothing changed, and again with one member in ten
//! changed. Wall time, members a second, and the import's peak RSS.
//!
//! `cargo bench --bench import` writes its section of BENCHMARKS.md
//! (between the `import` markers). `TEND_BENCH_SIZES=10000` picks sizes;
//! `TEND_BENCH_QUICK=1` runs 1,000 members and writes nothing.

#[path = "common/report.rs"]
mod report;

use std::path::Path;
use std::process::Command;
use std::time::{Duration, Instant};

const NOW: &str = "2026-11-24T09:00:00-05:00";
const USER: &str = "ccuser";

/// Runs `tend ARGS` in `dir`; its wall time and the largest RSS any child
/// has had so far (children run one at a time, smallest first).
fn run(dir: &Path, args: &[&str]) -> (Duration, u64, String) {
    // Who tend's user is comes from the system; the config names USER, as
    // it may on a database only this account can change.
    std::fs::create_dir_all(dir.join(".config/tend")).expect("a config folder");
    std::fs::write(
        dir.join(".config/tend/config.toml"),
        format!("user = \"{USER}\"\n"),
    )
    .expect("a config");
    let started = Instant::now();
    let out = Command::new(env!("CARGO_BIN_EXE_tend"))
        .args(args)
        .current_dir(dir)
        .env("TEND_NOW", NOW)
        .env("USER", USER)
        .env("HOME", dir)
        .output()
        .expect("tend runs");
    let elapsed = started.elapsed();
    assert!(
        out.status.success(),
        "tend {args:?}: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    // SAFETY: getrusage only fills the struct it is given.
    let max_rss_kb = unsafe {
        let mut usage: libc::rusage = std::mem::zeroed();
        libc::getrusage(libc::RUSAGE_CHILDREN, &mut usage);
        usage.ru_maxrss as u64
    };
    (
        elapsed,
        max_rss_kb,
        String::from_utf8_lossy(&out.stdout)
            .lines()
            .next()
            .unwrap_or("")
            .to_string(),
    )
}

/// One member in ten with a new phone number, the rest as they were.
fn changed_roster(text: &str) -> String {
    text.split("\r\n")
        .enumerate()
        .map(|(i, line)| {
            if i > 0 && i % 10 == 0 && !line.is_empty() {
                // The sixth field is the phone: "(212) 555-01xx".
                let mut fields: Vec<String> = line.split(',').map(str::to_string).collect();
                if fields.len() > 5 {
                    fields[5] = "(646) 555-0199".into();
                }
                fields.join(",")
            } else {
                line.to_string()
            }
        })
        .collect::<Vec<_>>()
        .join("\r\n")
}

fn section(size: usize) -> String {
    let dir = tempfile::tempdir().expect("a temporary folder");
    let roster = dir.path().join("roster.csv");
    let size_text = size.to_string();
    run(
        dir.path(),
        &[
            "gen",
            "--patients",
            &size_text,
            "--roster",
            roster.to_str().unwrap(),
        ],
    );
    let text = std::fs::read_to_string(&roster).expect("the roster was written");
    let changed = dir.path().join("changed.csv");
    std::fs::write(&changed, changed_roster(&text)).expect("the changed roster is written");
    let mb = text.len() as f64 / 1e6;
    let mut out = format!(
        "### {size} members ({mb:.1} MB of CSV)\n\n| import | time | members/s | peak RSS | said |\n|---|---:|---:|---:|---|\n"
    );
    for (what, file) in [
        ("into an empty database", "roster.csv"),
        ("the same file again (all unchanged)", "roster.csv"),
        ("one member in ten changed", "changed.csv"),
    ] {
        let (elapsed, rss_kb, said) =
            run(dir.path(), &["--db", "t.db", "import", "patients", file]);
        out.push_str(&format!(
            "| {what} | {:.2} s | {:.0} | {:.1} MiB | {said} |\n",
            elapsed.as_secs_f64(),
            size as f64 / elapsed.as_secs_f64(),
            rss_kb as f64 / 1024.0
        ));
    }
    out.push('\n');
    out
}

fn main() {
    let quick = report::quick();
    let sizes = report::sizes(quick, &[10_000, 100_000]);
    let mut report = String::from(
        "<!-- import -->\n## Roster import\n\nWritten by `benches/import.rs`: `cargo bench --bench import`. \
         The release binary runs `tend import patients` on a synthetic roster as a spreadsheet \
         exports it (`tend gen --roster FILE --patients N`: BOM, CRLF, quoted addresses, US dates, \
         22 columns, 1–3 conditions and a PCP a member). Times are wall time of the whole process \
         (reading, checking and writing, one transaction); peak RSS is the largest of the runs so far.\n\n",
    );
    for size in sizes {
        eprintln!("import benchmark: {size} members…");
        report.push_str(&section(size));
    }
    report.push_str("<!-- /import -->\n");
    println!("{report}");
    if quick {
        return;
    }
    report::write_section("import", &report);
}
