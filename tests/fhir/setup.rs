//! Running one of this folder's set-up scripts from a test (each one
//! makes or reuses what a test needs from outside: a Python environment, a
//! package's files) and taking the path it prints on its last line.

use std::path::{Path, PathBuf};

/// Runs `tests/fhir/SCRIPT` on the folder `dir` of Cargo's scratch space
/// and returns the path its output's last line names. A script that fails
/// fails the test, with `how` (the way to set it up by hand): a set-up
/// that did not happen has tested nothing.
pub fn run(script: &str, dir: &str, how: &str) -> PathBuf {
    let script = Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("tests/fhir")
        .join(script);
    let dir = Path::new(env!("CARGO_TARGET_TMPDIR")).join(dir);
    let out = std::process::Command::new("bash")
        .arg(&script)
        .arg(&dir)
        .output()
        .unwrap_or_else(|e| panic!("cannot run {}: {e}; {how}", script.display()));
    assert!(
        out.status.success(),
        "{} failed: {}; {how}",
        script.display(),
        String::from_utf8_lossy(&out.stderr)
    );
    PathBuf::from(
        String::from_utf8_lossy(&out.stdout)
            .lines()
            .last()
            .unwrap_or("")
            .trim(),
    )
}
