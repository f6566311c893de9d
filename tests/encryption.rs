//! Encryption at rest (issue 15, item 8): with the `encryption` feature
//! (SQLCipher), a database made with `--encrypt` is nothing without its
//! key — not to Python's `sqlite3`, not without the key file — and works
//! through tend as any other: the screen's commands, the audit trail's
//! verification, backups (encrypted too). Without the feature, tend says
//! what it cannot do, in one sentence.

mod common;

use std::path::{Path, PathBuf};
use std::process::{Command, Output, Stdio};

use common::NOW;

struct Sandbox {
    dir: tempfile::TempDir,
}

impl Sandbox {
    fn new() -> Sandbox {
        let dir = tempfile::tempdir().unwrap();
        common::home_as_ccuser(dir.path());
        Sandbox { dir }
    }

    fn path(&self, name: &str) -> PathBuf {
        self.dir.path().join(name)
    }

    fn run(&self, args: &[&str]) -> Output {
        Command::new(env!("CARGO_BIN_EXE_tend"))
            .env_clear()
            .env("PATH", std::env::var_os("PATH").unwrap_or_default())
            .env("HOME", self.dir.path())
            .env("TEND_NOW", NOW)
            .stdin(Stdio::null())
            .args(args)
            .output()
            .unwrap()
    }
}

fn stderr(out: &Output) -> String {
    String::from_utf8_lossy(&out.stderr).into_owned()
}

#[cfg_attr(not(feature = "encryption"), allow(dead_code))]
fn stdout(out: &Output) -> String {
    String::from_utf8_lossy(&out.stdout).into_owned()
}

/// Whether the file starts as every unencrypted SQLite database does.
fn is_plain_sqlite(path: &Path) -> bool {
    std::fs::read(path)
        .unwrap()
        .starts_with(b"SQLite format 3\0")
}

#[cfg(feature = "encryption")]
#[test]
fn an_encrypted_database_is_nothing_without_its_key_and_works_through_tend() {
    use std::os::unix::fs::PermissionsExt;
    let sandbox = Sandbox::new();
    let db = sandbox.path("enc.db");
    let path = db.to_str().unwrap();
    let out = sandbox.run(&["gen", "--db", path, "--patients", "200", "--encrypt"]);
    assert!(out.status.success(), "{}", stderr(&out));
    assert!(
        stderr(&out).contains("is encrypted with the key in"),
        "{}",
        stderr(&out)
    );
    let key = sandbox.path("enc.db.key");
    assert_eq!(
        std::fs::metadata(&key).unwrap().permissions().mode() & 0o777,
        0o600
    );
    assert!(!is_plain_sqlite(&db), "the file is encrypted");

    // Through tend, as any other database.
    let out = sandbox.run(&["--db", path, "today"]);
    assert!(out.status.success(), "{}", stderr(&out));
    assert!(
        stdout(&out).starts_with("Today for ccuser,"),
        "{}",
        stdout(&out)
    );
    let out = sandbox.run(&["--db", path, "audit", "verify"]);
    assert!(out.status.success(), "{}", stdout(&out));
    let out = sandbox.run(&["--db", path, "check"]);
    assert!(out.status.success(), "{}", stdout(&out));

    // Not through anything else.
    let out = Command::new("python3")
        .args([
            "-c",
            "import sqlite3, sys; print(sqlite3.connect(sys.argv[1]).execute('select count(*) from patient').fetchone())",
        ])
        .arg(&db)
        .output()
        .unwrap();
    assert!(!out.status.success());
    assert!(
        stderr(&out).contains("file is not a database"),
        "{}",
        stderr(&out)
    );

    // A backup is encrypted with the same key, and opens with it.
    let copy = sandbox.path("copy.db");
    let out = sandbox.run(&["--db", path, "backup", copy.to_str().unwrap()]);
    assert!(out.status.success(), "{}", stderr(&out));
    assert!(!is_plain_sqlite(&copy), "the backup is encrypted");
    std::fs::copy(&key, sandbox.path("copy.db.key")).unwrap();
    let out = sandbox.run(&["--db", copy.to_str().unwrap(), "today"]);
    assert!(out.status.success(), "{}", stderr(&out));

    // Without its key, one sentence, and the file as it was.
    let before = std::fs::read(&db).unwrap();
    std::fs::rename(&key, sandbox.path("elsewhere.key")).unwrap();
    let out = sandbox.run(&["--db", path, "today"]);
    assert!(!out.status.success());
    let said = stderr(&out);
    assert_eq!(said.lines().count(), 1, "{said}");
    assert!(said.contains("is encrypted, and its key"), "{said}");
    assert_eq!(std::fs::read(&db).unwrap(), before);
    // A key that is not one is named.
    std::fs::write(&key, "0123\n").unwrap();
    let said = stderr(&sandbox.run(&["--db", path, "today"]));
    assert!(said.contains("cannot read the key"), "{said}");
}

#[cfg(not(feature = "encryption"))]
#[test]
fn a_build_without_encryption_says_so() {
    let sandbox = Sandbox::new();
    let db = sandbox.path("plain.db");
    let path = db.to_str().unwrap();
    let out = sandbox.run(&["gen", "--db", path, "--patients", "5", "--encrypt"]);
    assert!(!out.status.success());
    assert!(
        stderr(&out).contains("built without encryption"),
        "{}",
        stderr(&out)
    );
    assert!(!db.exists(), "nothing was made");
    // A database with a key beside it is refused, not opened as plain.
    let out = sandbox.run(&["gen", "--db", path, "--patients", "5"]);
    assert!(out.status.success(), "{}", stderr(&out));
    std::fs::write(
        sandbox.path("plain.db.key"),
        "00112233445566778899aabbccddeeff00112233445566778899aabbccddeeff\n",
    )
    .unwrap();
    let said = stderr(&sandbox.run(&["--db", path, "today"]));
    assert!(
        said.contains(
            "is encrypted (its key is beside it), and this tend was built without encryption"
        ),
        "{said}"
    );
    assert!(is_plain_sqlite(&db));
}
