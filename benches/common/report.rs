//! Writing a benchmark's section of BENCHMARKS.md: the text between
//! `<!-- MARKER -->` and `<!-- /MARKER -->` replaced, or the section added
//! at the end the first time. Each benchmark includes this file
//! (`#[path = "common/report.rs"] mod report;`), being a crate of its own.

use std::path::Path;

/// Puts `section` (which starts and ends with the markers) in place of
/// the one between `marker`'s markers, and says where it wrote.
pub fn write_section(marker: &str, section: &str) {
    let (open, close) = (format!("<!-- {marker} -->"), format!("<!-- /{marker} -->"));
    let path = Path::new(env!("CARGO_MANIFEST_DIR")).join("BENCHMARKS.md");
    let existing = std::fs::read_to_string(&path).unwrap_or_default();
    let updated = match (existing.find(&open), existing.find(&close)) {
        (Some(start), Some(end)) => format!(
            "{}{}{}",
            &existing[..start],
            section,
            &existing[(end + close.len() + 1).min(existing.len())..]
        ),
        _ => format!("{}\n\n{section}", existing.trim_end()),
    };
    std::fs::write(&path, updated).expect("BENCHMARKS.md is written");
    eprintln!("wrote {}", path.display());
}

/// Whether `TEND_BENCH_QUICK` asks for the short run CI makes.
#[allow(dead_code)] // Not every bench has sizes or a quick run.
pub fn quick() -> bool {
    std::env::var_os("TEND_BENCH_QUICK").is_some()
}

/// The patient counts `TEND_BENCH_SIZES` names (comma-separated), else
/// 1,000 for a quick run, else `full`.
#[allow(dead_code)]
pub fn sizes(quick: bool, full: &[usize]) -> Vec<usize> {
    std::env::var("TEND_BENCH_SIZES")
        .ok()
        .map(|s| s.split(',').filter_map(|n| n.trim().parse().ok()).collect())
        .unwrap_or_else(|| if quick { vec![1000] } else { full.to_vec() })
}
