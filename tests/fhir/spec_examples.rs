//! The example resources of the FHIR R4 specification (the npm package
//! hl7.fhir.r4.examples 4.0.1), which the import tests read as data another
//! system sent (`#[path = "fhir/spec_examples.rs"] mod spec_examples;`, and
//! `fhir/setup.rs` as `mod setup` beside it).

use std::path::PathBuf;

use serde_json::Value;

/// The folder holding them: `TEND_R4_EXAMPLES` (which .ci/run sets), else
/// one `tests/fhir/setup-r4-examples.sh` fills in Cargo's scratch folder.
fn folder() -> PathBuf {
    static FOLDER: std::sync::OnceLock<PathBuf> = std::sync::OnceLock::new();
    FOLDER.get_or_init(find_or_fetch).clone()
}

fn find_or_fetch() -> PathBuf {
    const HOW: &str = "the FHIR import tests need the FHIR R4 examples (npm package \
        hl7.fhir.r4.examples 4.0.1): run `tests/fhir/setup-r4-examples.sh DIR` and set \
        TEND_R4_EXAMPLES to the folder it prints (.ci/run does this itself)";
    if let Some(folder) = std::env::var_os("TEND_R4_EXAMPLES") {
        let folder = PathBuf::from(folder);
        assert!(
            folder.join("Patient-example.json").exists(),
            "TEND_R4_EXAMPLES: {HOW}"
        );
        return folder;
    }
    let folder = super::setup::run("setup-r4-examples.sh", "r4-examples", HOW);
    assert!(folder.join("Patient-example.json").exists(), "{HOW}");
    folder
}

/// The example `name` (`Patient-example`), as JSON.
pub fn example(name: &str) -> Value {
    let path = folder().join(format!("{name}.json"));
    serde_json::from_str(&std::fs::read_to_string(&path).unwrap()).unwrap()
}

/// The identifier system of the examples' patient's medical record number.
pub const MRN_SYSTEM: &str = "urn:oid:1.2.36.146.595.217.0.1";
