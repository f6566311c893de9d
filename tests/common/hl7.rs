//! What the ADT feed's tests share: python's `hl7` and `hl7apy` (installed
//! if missing: they write the messages and `hl7`'s `mllp_send` is the
//! independent client), a stay's messages as they write them, and a
//! database with the member those messages name.

use std::path::{Path, PathBuf};
use std::process::Command;
use std::sync::OnceLock;

use tend::store::Store;

/// The python that has `hl7` and `hl7apy` (`TEND_HL7_PYTHON`, else
/// python3), installing them with pip the first time if need be. Fails,
/// never skips, when they cannot be had.
pub fn python() -> &'static Path {
    static PYTHON: OnceLock<PathBuf> = OnceLock::new();
    PYTHON.get_or_init(|| {
        let python =
            PathBuf::from(std::env::var_os("TEND_HL7_PYTHON").unwrap_or_else(|| "python3".into()));
        let has = |python: &Path| {
            Command::new(python)
                .args(["-c", "import hl7, hl7apy, hl7.client"])
                .output()
                .is_ok_and(|o| o.status.success())
        };
        if !has(&python) {
            let out = Command::new(&python)
                .args(["-m", "pip", "install", "--quiet", "hl7", "hl7apy"])
                .output()
                .unwrap_or_else(|e| panic!("cannot run {}: {e}", python.display()));
            assert!(
                out.status.success() && has(&python),
                "the ADT feed's tests need python's hl7 and hl7apy: pip failed: {}",
                String::from_utf8_lossy(&out.stderr)
            );
        }
        python
    })
}

/// `hl7`'s MLLP client, run through the python that has the package (its
/// console script may not be on PATH).
pub fn mllp_send(file: &Path, port: u16) -> std::process::Output {
    Command::new(python())
        .args([
            "-c",
            "import sys; from hl7.client import mllp_send; sys.argv[0] = 'mllp_send'; mllp_send()",
        ])
        .args(["--port", &port.to_string(), "--file"])
        .arg(file)
        .arg("127.0.0.1")
        .output()
        .expect("mllp_send runs")
}

/// An admission and its discharge for member M0001, written by hl7apy,
/// MLLP-framed in one file. Times as HL7 DTM (YYYYMMDDHHMM).
pub fn stay_file(
    dir: &Path,
    prefix: &str,
    visit: &str,
    admitted: &str,
    discharged: &str,
) -> PathBuf {
    let path = dir.join(format!("{prefix}.mllp"));
    let script = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/python/make_adt.py");
    let out = Command::new(python())
        .arg(script)
        .arg("--stay")
        .arg(&path)
        .args([prefix, visit, admitted, discharged])
        .output()
        .expect("make_adt.py runs");
    assert!(
        out.status.success(),
        "make_adt.py --stay failed: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    path
}

/// A database at `path` with member M0001 (the python messages' member,
/// enrolled, ccuser's) and M0002 (disenrolled): returns M0001's id.
pub fn members(path: &Path) -> (Store, i64) {
    let (store, [first, _]) =
        super::members::enrolled_and_disenrolled(path, ["M0001", "M0002"], "Feedtest", "Ada");
    (store, first)
}
