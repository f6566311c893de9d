//! The lock with the system password (issue 15, item 5): a build with the
//! `pam` feature, on a server with `/etc/pam.d/tend`. A file of its own:
//! the PAM service it writes for the test is the server's for as long as
//! it runs, and the other lock tests, in their own process, never see it.
#![cfg(feature = "pam")]

mod common;
mod fixtures;

use rusqlite::Connection;

use fixtures::zoe_db as db;

/// Where the server checks system passwords for tend (a build with the
/// `pam` feature, and `/etc/pam.d/tend`), the lock takes the user's own
/// system password: the real binary in a terminal, run as an account made
/// for the test with a password of its own (root only, as CI runs).
#[test]
fn with_pam_the_lock_takes_the_system_password() {
    use common::{Account, Options, Tend, ENTER};
    use std::os::unix::fs::chown;
    if unsafe { libc::geteuid() } != 0 {
        eprintln!("skipped: an account with a password and a PAM service need root");
        return;
    }
    let service = std::path::Path::new("/etc/pam.d/tend");
    if service.exists() {
        eprintln!("skipped: /etc/pam.d/tend is this server's own, and is left alone");
        return;
    }
    /// The PAM service for the test, removed after it.
    struct Service;
    impl Drop for Service {
        fn drop(&mut self) {
            let _ = std::fs::remove_file("/etc/pam.d/tend");
        }
    }
    std::fs::write(
        service,
        "auth required pam_unix.so nodelay\naccount required pam_unix.so\n",
    )
    .unwrap();
    let _service = Service;
    let account = Account::create_named("pam");
    let mut chpasswd = std::process::Command::new("chpasswd")
        .stdin(std::process::Stdio::piped())
        .spawn()
        .unwrap();
    {
        use std::io::Write;
        let stdin = chpasswd.stdin.as_mut().unwrap();
        writeln!(stdin, "{}:Correct-Horse-9", account.name).unwrap();
    }
    assert!(chpasswd.wait().unwrap().success());

    // Her own folder and database, as tend makes them for an account.
    let dir = tempfile::tempdir().unwrap();
    let path = db(dir.path());
    for file in [dir.path(), path.as_path()] {
        chown(file, Some(account.uid), Some(account.gid)).unwrap();
    }
    common::home_as_ccuser(dir.path());
    for entry in walk(dir.path()) {
        chown(&entry, Some(account.uid), Some(account.gid)).unwrap();
    }
    let options = Options {
        run_as: Some((account.uid, account.gid)),
        ..Options::new(80, 24)
    };
    let mut tend = Tend::start_in(
        options,
        &["--db", path.to_str().unwrap()],
        dir.path().to_path_buf(),
    );
    tend.wait_for("Zoë in the caseload", |s| {
        common::framed(s).contains("Testa, Zoë")
    });
    tend.send("\x0c"); // Ctrl-L: no passphrase to choose, the system's
    let locked = tend.wait_for("the system password asked for", |s| {
        common::framed(s).contains("Type your password (the one you log in")
    });
    let text = common::framed(&locked);
    for word in ["Testa", "Zoë", "SYN1", "555-0100"] {
        assert!(!text.contains(word), "{word:?} shows while locked:\n{text}");
    }
    tend.send(&format!("not-the-one{ENTER}"));
    tend.wait_for("a wrong password refused", |s| {
        common::framed(s).contains("That is not your password (4 tries left)")
    });
    tend.send(&format!("Correct-Horse-9{ENTER}"));
    tend.wait_for("unlocked", |s| common::framed(s).contains("Testa, Zoë"));
    tend.send("q");
    assert!(tend.wait_exit().success());
    // Both are in the trail, and no passphrase of tend's was ever kept.
    let conn = Connection::open(&path).unwrap();
    let said: Vec<String> = conn
        .prepare("SELECT detail FROM audit_event WHERE entity_type = 'Practitioner' AND action = 'E' ORDER BY id")
        .unwrap()
        .query_map([], |r| r.get(0))
        .unwrap()
        .collect::<Result<_, _>>()
        .unwrap();
    assert!(
        said.iter().any(|d| d == "unlock refused (1 of 5)"),
        "{said:?}"
    );
    assert!(said.iter().any(|d| d == "screen unlocked"), "{said:?}");
    let kept: i64 = conn
        .query_row("SELECT count(*) FROM unlock_secret", [], |r| r.get(0))
        .unwrap();
    assert_eq!(kept, 0);
}

/// Every file and folder under `dir`.
fn walk(dir: &std::path::Path) -> Vec<std::path::PathBuf> {
    let mut found = Vec::new();
    for entry in std::fs::read_dir(dir).unwrap().flatten() {
        let path = entry.path();
        if path.is_dir() {
            found.extend(walk(&path));
        }
        found.push(path);
    }
    found
}
