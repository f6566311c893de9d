//! carebundle, the independent generator of US Core FHIR R4 data the
//! import tests read (`#[path = "fhir/carebundle.rs"] mod carebundle;`, and
//! `fhir/setup.rs` as `mod setup` beside it):
//! a pinned release from PyPI, in a virtual environment of its own.

use std::path::{Path, PathBuf};
use std::process::Command;

/// The `carebundle` command: `TEND_CAREBUNDLE` (which .ci/run sets after
/// making its virtual environment), else one this test makes with
/// `tests/fhir/setup-carebundle.sh` in Cargo's scratch folder. A generator
/// that could not be installed fails the test, saying so: data nobody
/// generated has tested nothing.
fn command() -> PathBuf {
    static COMMAND: std::sync::OnceLock<PathBuf> = std::sync::OnceLock::new();
    COMMAND.get_or_init(find_or_make).clone()
}

fn find_or_make() -> PathBuf {
    const HOW: &str = "the FHIR import tests need carebundle 0.5.0 from PyPI: run \
        `tests/fhir/setup-carebundle.sh DIR` and set TEND_CAREBUNDLE to the command it prints \
        (.ci/run does this itself)";
    if let Some(command) = std::env::var_os("TEND_CAREBUNDLE") {
        let command = PathBuf::from(command);
        assert!(
            command.exists(),
            "TEND_CAREBUNDLE={} does not exist; {HOW}",
            command.display()
        );
        return command;
    }
    let command = super::setup::run("setup-carebundle.sh", "carebundle-venv", HOW);
    assert!(command.exists(), "{HOW}");
    command
}

/// Runs `carebundle generate ARGS… --out OUT`.
pub fn generate(out: &Path, args: &[&str]) {
    let run = Command::new(command())
        .arg("generate")
        .args(args)
        .arg("--out")
        .arg(out)
        .output()
        .unwrap_or_else(|e| panic!("cannot run carebundle ({}): {e}", command().display()));
    assert!(
        run.status.success(),
        "carebundle failed: {}",
        String::from_utf8_lossy(&run.stderr)
    );
}

/// The identifier system carebundle gives its patients' medical record
/// numbers: the member ID of these tests.
pub const MEMBER_SYSTEM: &str = "urn:uuid:6f2a1d3e-9c47-5b8a-a1f0-2d4e6c8b0a17";

/// `copies` of the bulk export in `data` written to `out`, each copy with
/// its own resource ids and member IDs (`-0`, `-1`, … after the
/// generator's), and the references to its patients following them: many
/// patients of the generator's shapes without running it for each.
pub fn multiplied(data: &Path, out: &Path, copies: usize) {
    use std::io::Write;
    std::fs::create_dir_all(out).unwrap();
    for entry in std::fs::read_dir(data).unwrap() {
        let file = entry.unwrap().path();
        let mut writer = std::io::BufWriter::new(
            std::fs::File::create(out.join(file.file_name().unwrap())).unwrap(),
        );
        // The file read again for each copy, a line at a time, so that a
        // benchmark measuring its children's memory stays small itself.
        for copy in 0..copies {
            let reader = std::io::BufReader::new(std::fs::File::open(&file).unwrap());
            for line in std::io::BufRead::lines(reader) {
                let mut resource: serde_json::Value = serde_json::from_str(&line.unwrap()).unwrap();
                if let Some(id) = resource["id"].as_str() {
                    resource["id"] = format!("{id}-{copy}").into();
                }
                if resource["resourceType"] == "Patient" {
                    let member = resource["identifier"][0]["value"].as_str().unwrap();
                    resource["identifier"][0]["value"] = format!("{member}-{copy}").into();
                }
                for field in ["subject", "patient", "beneficiary"] {
                    if let Some(reference) = resource[field]["reference"].as_str() {
                        resource[field]["reference"] = format!("{reference}-{copy}").into();
                    }
                }
                writeln!(writer, "{resource}").unwrap();
            }
        }
        writer.flush().unwrap();
    }
}
