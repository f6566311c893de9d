//! The independent FHIR validator the FHIR tests run (`#[path =
//! "fhir/validator.rs"] mod validator;`, and `fhir/setup.rs` as `mod
//! setup` beside it): fhir.resources 6.4.0, FHIR R4 4.0.1, through
//! `validate.py` beside this file.

use std::path::{Path, PathBuf};

/// The Python with the validator installed: `TEND_FHIR_PYTHON` (which
/// .ci/run sets after making its virtual environment), else the
/// repository's `.venv-fhir`, else one this test makes with
/// `tests/fhir/setup-validator.sh` in Cargo's scratch folder (so `cargo
/// test` on a fresh machine sets up what it needs). When that cannot be
/// made either this test fails, saying how to install it: a validator that
/// did not run has validated nothing.
fn fhir_python() -> PathBuf {
    // Once a test binary: its tests run side by side, and each making the
    // environment again removed it under the others.
    static PYTHON: std::sync::OnceLock<PathBuf> = std::sync::OnceLock::new();
    PYTHON.get_or_init(find_or_make_python).clone()
}

fn find_or_make_python() -> PathBuf {
    const HOW: &str = "the FHIR validator needs a Python with fhir.resources 6.4.0 (FHIR R4 4.0.1 \
        models): in the repository run `python3 -m venv .venv-fhir && .venv-fhir/bin/pip install \
        'fhir.resources==6.4.0' 'pydantic<2'`, or set TEND_FHIR_PYTHON to such a python \
        (.ci/run does this itself)";
    if let Some(python) = std::env::var_os("TEND_FHIR_PYTHON") {
        let python = PathBuf::from(python);
        assert!(
            python.exists(),
            "TEND_FHIR_PYTHON={} does not exist; {HOW}",
            python.display()
        );
        return python;
    }
    let local = Path::new(env!("CARGO_MANIFEST_DIR")).join(".venv-fhir/bin/python");
    if local.exists() {
        return local;
    }
    let python = super::setup::run("setup-validator.sh", "fhir-venv", HOW);
    assert!(python.exists(), "{HOW}");
    python
}

/// Runs the independent validator over a bundle file; its output (a line
/// per resource type), having asserted that it accepted the bundle.
pub fn validate(bundle_path: &Path) -> String {
    let script = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fhir/validate.py");
    let out = std::process::Command::new(fhir_python())
        .arg(&script)
        .arg(bundle_path)
        .output()
        .unwrap();
    let stdout = String::from_utf8_lossy(&out.stdout).into_owned();
    assert!(
        out.status.success(),
        "the validator refused the bundle:\n{stdout}{}",
        String::from_utf8_lossy(&out.stderr)
    );
    stdout
}
