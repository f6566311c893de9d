//! FHIR from other systems (issue 20): the release binary, `tend import
//! fhir DIR --member-id SYSTEM`, on FHIR Bulk Data NDJSON of 10,000 and
//! 100,000 patients: into an empty database, then the same files again
//! (every resource unchanged). Wall time, patients and resources a second,
//! and the import's own peak RSS.
//!
//! The data: 100 patients from carebundle (PyPI; US Core 6.1.0, `--profile
//! mixed --seed 7 --format ndjson`), copied with their own ids and member
//! IDs up to the size (`tests/fhir/carebundle.rs`).
//!
//! `cargo bench --bench fhir_import` writes its section of BENCHMARKS.md
//! (between the `fhir-import` markers). `TEND_BENCH_SIZES=10000` picks
//! sizes; `TEND_BENCH_QUICK=1` runs 1,000 patients and writes nothing.

#[path = "../tests/fhir/carebundle.rs"]
mod carebundle;
#[path = "common/report.rs"]
mod report;
#[path = "../tests/fhir/setup.rs"]
mod setup;

use std::io::Read;
use std::path::Path;
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

const NOW: &str = "2026-11-24T09:00:00-05:00";
const USER: &str = "ccuser";

/// Runs `tend ARGS` with `dir` as its home: its wall time, its own peak
/// RSS (KiB, from `wait4`) and the first line it said.
// The child is reaped by `wait4` (for its rusage), not by `Child::wait`.
#[allow(clippy::zombie_processes)]
fn run(dir: &Path, args: &[&str]) -> (Duration, u64, String) {
    std::fs::create_dir_all(dir.join(".config/tend")).expect("a config folder");
    std::fs::write(
        dir.join(".config/tend/config.toml"),
        format!("user = \"{USER}\"\n"),
    )
    .expect("a config");
    let started = Instant::now();
    let mut child = Command::new(env!("CARGO_BIN_EXE_tend"))
        .args(args)
        .env("TEND_NOW", NOW)
        .env("USER", USER)
        .env("HOME", dir)
        .stdout(Stdio::piped())
        .stderr(Stdio::inherit())
        .spawn()
        .expect("tend runs");
    let mut said = String::new();
    child
        .stdout
        .take()
        .expect("its output")
        .read_to_string(&mut said)
        .expect("its output is read");
    // SAFETY: wait4 reaps this child and fills the two values it is given.
    let (status, max_rss_kb) = unsafe {
        let mut status = 0;
        let mut usage: libc::rusage = std::mem::zeroed();
        libc::wait4(child.id() as libc::pid_t, &mut status, 0, &mut usage);
        (status, usage.ru_maxrss as u64)
    };
    let elapsed = started.elapsed();
    assert!(
        libc::WIFEXITED(status) && libc::WEXITSTATUS(status) == 0,
        "tend {args:?} failed"
    );
    (
        elapsed,
        max_rss_kb,
        said.lines().next().unwrap_or("").to_string(),
    )
}

/// Resources and bytes of the NDJSON files in `dir`, read a block at a
/// time: the bench stays small, since a child's peak RSS as `wait4` gives
/// it starts from its parent's at the spawn.
fn measure(dir: &Path) -> (usize, u64) {
    let mut resources = 0;
    let mut bytes = 0;
    let mut block = vec![0u8; 1 << 16];
    for entry in std::fs::read_dir(dir).expect("the data") {
        let mut file = std::fs::File::open(entry.expect("a file").path()).expect("a file");
        loop {
            let n = file.read(&mut block).expect("a file is read");
            if n == 0 {
                break;
            }
            bytes += n as u64;
            resources += block[..n].iter().filter(|b| **b == b'\n').count();
        }
    }
    (resources, bytes)
}

/// The NDJSON files of `data` as one collection Bundle at `out`, written
/// a line at a time.
fn as_bundle(data: &Path, out: &Path) {
    use std::io::{BufRead, Write};
    let mut writer = std::io::BufWriter::new(std::fs::File::create(out).expect("a bundle"));
    write!(
        writer,
        r#"{{"resourceType":"Bundle","type":"collection","entry":["#
    )
    .expect("written");
    let mut first = true;
    let mut files: Vec<_> = std::fs::read_dir(data)
        .expect("the data")
        .map(|e| e.expect("a file").path())
        .collect();
    files.sort();
    for file in files {
        let reader = std::io::BufReader::new(std::fs::File::open(file).expect("a file"));
        for line in reader.lines() {
            let line = line.expect("a line");
            if !first {
                writer.write_all(b",").expect("written");
            }
            first = false;
            write!(writer, r#"{{"resource":{line}}}"#).expect("written");
        }
    }
    writer.write_all(b"]}").expect("written");
    writer.flush().expect("written");
}

fn section(sample: &Path, size: usize) -> String {
    let dir = tempfile::tempdir().expect("a temporary folder");
    let data = dir.path().join("bulk");
    carebundle::multiplied(sample, &data, size / 100);
    let (resources, bytes) = measure(&data);
    let db = dir.path().join("t.db");
    let mut out = format!(
        "### {size} patients ({resources} resources, {:.0} MB of NDJSON)\n\n\
         | import | time | patients/s | resources/s | peak RSS | said |\n|---|---:|---:|---:|---:|---|\n",
        bytes as f64 / 1e6
    );
    let bundle = dir.path().join("bundle.json");
    as_bundle(&data, &bundle);
    let other_db = dir.path().join("bundle.db");
    for (what, input, db) in [
        ("into an empty database", &data, &db),
        ("the same files again (all unchanged)", &data, &db),
        (
            "the same resources as one Bundle, into an empty database",
            &bundle,
            &other_db,
        ),
    ] {
        let (elapsed, rss_kb, said) = run(
            dir.path(),
            &[
                "--db",
                db.to_str().unwrap(),
                "import",
                "fhir",
                input.to_str().unwrap(),
                "--member-id",
                carebundle::MEMBER_SYSTEM,
            ],
        );
        let said = said
            .split_once(": ")
            .map_or(said.as_str(), |(_, counts)| counts)
            .to_string();
        out.push_str(&format!(
            "| {what} | {:.2} s | {:.0} | {:.0} | {:.1} MiB | {said} |\n",
            elapsed.as_secs_f64(),
            size as f64 / elapsed.as_secs_f64(),
            resources as f64 / elapsed.as_secs_f64(),
            rss_kb as f64 / 1024.0
        ));
    }
    out.push('\n');
    out
}

fn main() {
    let quick = report::quick();
    let sizes = report::sizes(quick, &[10_000, 100_000]);
    let scratch = tempfile::tempdir().expect("a temporary folder");
    let sample = scratch.path().join("sample");
    carebundle::generate(
        &sample,
        &[
            "--profile",
            "mixed",
            "--count",
            "100",
            "--seed",
            "7",
            "--format",
            "ndjson",
        ],
    );
    let mut report = String::from(
        "<!-- fhir-import -->\n## FHIR from other systems\n\nWritten by `benches/fhir_import.rs`: \
         `cargo bench --bench fhir_import`. The release binary runs `tend import fhir DIR \
         --member-id SYSTEM` on FHIR Bulk Data NDJSON (one file per resource type): 100 patients \
         from carebundle 0.5.0 (PyPI; US Core 6.1.0, `--profile mixed --seed 7 --format ndjson`), \
         copied with their own ids and member IDs up to the size, and the same resources as one \
         collection Bundle. Times are wall time of the whole process (three passes over the files, \
         one transaction); peak RSS is the import's own (`wait4`).\n\n",
    );
    for size in sizes {
        eprintln!("FHIR import benchmark: {size} patients…");
        report.push_str(&section(&sample, size));
    }
    report.push_str("<!-- /fhir-import -->\n");
    println!("{report}");
    if quick {
        return;
    }
    report::write_section("fhir-import", &report);
}
