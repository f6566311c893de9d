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
