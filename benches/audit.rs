//! The audit trail's hash chain (issue 15): how long `tend audit verify`
//! takes over a trail of 10 million rows, and what chaining costs a write.
//!
//! The trail is written through the store, as tend writes it (each row
//! hashed and chained to the one before), in transactions of 100,000 rows;
//! then `verify_file` walks it from a fresh read-only connection, as the
//! command does. `cargo bench --bench audit` writes its section of
//! BENCHMARKS.md (between the `audit` markers); `TEND_BENCH_AUDIT_ROWS=N`
//! picks the size; `TEND_BENCH_QUICK=1` runs 100,000 rows and writes nothing.

#[path = "common/report.rs"]
mod report;

use std::time::Instant;

use tend::clock::Clock;
use tend::store::{verify_file, AuditAction, OpenOptions, Store};

const NOW: &str = "2026-11-24T09:00:00-05:00";
const BATCH: u64 = 100_000;

fn peak_rss_mib() -> f64 {
    // SAFETY: getrusage only fills the struct it is given.
    let kb = unsafe {
        let mut usage: libc::rusage = std::mem::zeroed();
        libc::getrusage(libc::RUSAGE_SELF, &mut usage);
        usage.ru_maxrss
    };
    kb as f64 / 1024.0
}

fn main() {
    let quick = std::env::var_os("TEND_BENCH_QUICK").is_some();
    let rows: u64 = std::env::var("TEND_BENCH_AUDIT_ROWS")
        .ok()
        .and_then(|n| n.parse().ok())
        .unwrap_or(if quick { 100_000 } else { 10_000_000 });
    let dir = tempfile::tempdir().expect("a temporary folder");
    let db = dir.path().join("audit.db");
    let options = OpenOptions {
        create: true,
        ..OpenOptions::default()
    };
    let mut store =
        Store::open(&db, "ccuser", Clock::parse(NOW).unwrap(), &options).expect("the store opens");
    eprintln!("audit bench: writing {rows} audit rows…");
    let started = Instant::now();
    let mut written = 0;
    while written < rows {
        let batch = BATCH.min(rows - written);
        store
            .write(|tx| {
                for i in written..written + batch {
                    // A record viewed, as most of a real trail is.
                    let patient = (i % 100_000) as i64 + 1;
                    tx.audit(
                        AuditAction::Read,
                        "Patient",
                        Some(patient),
                        Some(patient),
                        None,
                    )?;
                }
                Ok(())
            })
            .expect("the rows are written");
        written += batch;
    }
    let write_secs = started.elapsed().as_secs_f64();
    drop(store);
    let size_mib = std::fs::metadata(&db).map(|m| m.len()).unwrap_or(0) as f64 / 1048576.0
        + std::fs::metadata(dir.path().join("audit.db-wal"))
            .map(|m| m.len())
            .unwrap_or(0) as f64
            / 1048576.0;
    let rss_after_write = peak_rss_mib();
    eprintln!("audit bench: verifying…");
    let started = Instant::now();
    let report = verify_file(&db, &[]).expect("the trail is read");
    let verify_secs = started.elapsed().as_secs_f64();
    assert_eq!(report.rows, rows);
    assert!(report.problems.is_empty(), "{:?}", &report.problems[..1]);
    let machine = std::process::Command::new("sh")
        .args(["-c", "echo \"$(nproc) CPUs ($(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2 | xargs)), $(uname -sr)\""])
        .output()
        .map(|o| String::from_utf8_lossy(&o.stdout).trim().to_string())
        .unwrap_or_default();
    let date = chrono::Utc::now().format("%Y-%m-%d %H:%M UTC");
    let section = format!(
        "<!-- audit -->\n## Audit chain\n\n\
         Written by `benches/audit.rs`: `cargo bench --bench audit` ({date}; {machine}). \
         A trail of {rows} rows (records viewed) written through the store, each row hashed \
         (SHA-256) and chained to the one before, in transactions of {BATCH} rows; then walked \
         by `verify_file` (what `tend audit verify` and `tend check` run) from a fresh read-only \
         connection: every row against its own hash and the row before it.\n\n\
         | rows | writing (chained) | rows/s written | file | verifying | rows/s verified | peak RSS |\n\
         |---:|---:|---:|---:|---:|---:|---:|\n\
         | {rows} | {write_secs:.1} s | {:.0} | {size_mib:.0} MiB | {verify_secs:.2} s | {:.0} | {:.1} MiB after writing, {:.1} MiB after verifying |\n\
         <!-- /audit -->\n",
        rows as f64 / write_secs,
        rows as f64 / verify_secs,
        rss_after_write,
        peak_rss_mib(),
    );
    println!("{section}");
    if quick {
        return;
    }
    report::write_section("audit", &section);
}
