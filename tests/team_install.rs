//! A team install (issue 15, item 2), as `scripts/install-team.sh` makes
//! it, with real accounts: two coordinators use tend on one database, and
//! neither can read it any other way; nothing from their environment or
//! command line points tend at other data or another time; their own files
//! are theirs, not the team's. Root only (it makes a group, accounts and a
//! setgid binary), as CI runs.

mod common;

use std::os::unix::fs::{MetadataExt, PermissionsExt};
use std::os::unix::process::CommandExt;
use std::path::{Path, PathBuf};
use std::process::{Command, Output, Stdio};

use common::Account;

/// The installed tend, its data folder and the group, removed after.
struct Install {
    root: tempfile::TempDir,
    group: String,
}

impl Install {
    /// `scripts/install-team.sh` run as root, with root the first admin.
    fn new() -> Install {
        let root = tempfile::tempdir_in(setgid_honoured()).unwrap();
        std::fs::set_permissions(root.path(), std::fs::Permissions::from_mode(0o755)).unwrap();
        let group = format!("tendg{}", std::process::id());
        let install = Install { root, group };
        let script = Path::new(env!("CARGO_MANIFEST_DIR")).join("scripts/install-team.sh");
        let out = Command::new("sh")
            .arg(script)
            .args(["--admin", "root", "--group", &install.group])
            .arg("--prefix")
            .arg(install.path("prefix"))
            .arg("--data")
            .arg(install.path("data"))
            .arg("--binary")
            .arg(env!("CARGO_BIN_EXE_tend"))
            .env("HOME", "/nonexistent")
            .env_remove("TEND_NOW")
            .env_remove("TEND_DB")
            .output()
            .unwrap();
        assert!(out.status.success(), "{}", text(&out.stderr));
        install
    }

    fn path(&self, name: &str) -> PathBuf {
        self.root.path().join(name)
    }

    fn database(&self) -> PathBuf {
        self.path("data/tend.db")
    }

    /// The installed tend as root (the admin), with no settings of its own.
    fn as_root(&self, args: &[&str]) -> Output {
        self.tend()
            .env("HOME", "/nonexistent")
            .args(args)
            .output()
            .unwrap()
    }

    /// The installed tend as `account`, in its own home, with `env` set.
    fn as_account(&self, account: &Account, env: &[(&str, &str)], args: &[&str]) -> Output {
        let mut command = self.tend();
        command
            .env("HOME", self.home(account))
            .uid(account.uid)
            .gid(account.gid)
            .args(args);
        for (name, value) in env {
            command.env(name, value);
        }
        command.output().unwrap()
    }

    fn tend(&self) -> Command {
        let mut command = Command::new(self.path("prefix/bin/tend"));
        command
            .env_clear()
            .env("PATH", std::env::var_os("PATH").unwrap_or_default())
            .stdin(Stdio::null());
        command
    }

    /// A home folder of the account's own.
    fn home(&self, account: &Account) -> PathBuf {
        let home = self.path(&format!("home-{}", account.name));
        if !home.exists() {
            std::fs::create_dir(&home).unwrap();
            std::os::unix::fs::chown(&home, Some(account.uid), Some(account.gid)).unwrap();
        }
        home
    }
}

/// A folder for the install on a file system that honours setgid (not
/// mounted nosuid, as /tmp sometimes is) and that every account may enter.
fn setgid_honoured() -> PathBuf {
    for candidate in ["/tmp", "/var/tmp", "/srv", "/opt"] {
        let Ok(path) = std::ffi::CString::new(candidate) else {
            continue;
        };
        let mut stat: libc::statvfs = unsafe { std::mem::zeroed() };
        // SAFETY: a NUL-terminated path and a statvfs to fill.
        if unsafe { libc::statvfs(path.as_ptr(), &mut stat) } == 0
            && stat.f_flag & libc::ST_NOSUID == 0
        {
            return PathBuf::from(candidate);
        }
    }
    panic!("no folder here honours setgid (/tmp, /var/tmp, /srv and /opt are nosuid or missing)");
}

impl Drop for Install {
    fn drop(&mut self) {
        let _ = Command::new("groupdel").arg(&self.group).status();
    }
}

fn text(bytes: &[u8]) -> String {
    String::from_utf8_lossy(bytes).into_owned()
}

fn ok(out: &Output) -> String {
    assert!(out.status.success(), "{}", text(&out.stderr));
    text(&out.stdout)
}

/// One line on standard error, the command failed.
fn refused(out: &Output) -> String {
    assert!(!out.status.success(), "{}", text(&out.stdout));
    let said = text(&out.stderr);
    assert_eq!(said.lines().count(), 1, "{said}");
    said
}

#[test]
fn a_team_install_reaches_the_database_through_tend_only() {
    if unsafe { libc::geteuid() } != 0 {
        eprintln!("skipped: a team install needs root (a group, accounts, a setgid binary)");
        return;
    }
    let (ana, ben) = (Account::create_named("ia"), Account::create_named("ib"));
    let install = Install::new();

    // What the script made: the folder and the file the group's alone, the
    // binary setgid to it.
    let gid_of = |path: &Path| std::fs::metadata(path).unwrap().gid();
    let mode_of = |path: &Path| std::fs::metadata(path).unwrap().mode() & 0o7777;
    let group_id = gid_of(&install.path("data"));
    assert_eq!(mode_of(&install.path("data")), 0o2770);
    assert_eq!(mode_of(&install.database()), 0o660);
    assert_eq!(gid_of(&install.database()), group_id);
    assert_eq!(mode_of(&install.path("prefix/bin/tend")), 0o2755);
    assert_eq!(gid_of(&install.path("prefix/bin/tend")), group_id);

    // The admin adds the two coordinators and loads a roster naming them.
    for (account, team) in [(&ana, "north"), (&ben, "south")] {
        ok(&install.as_root(&[
            "admin",
            "user",
            "add",
            &account.name,
            "--role",
            "coordinator",
            "--team",
            team,
        ]));
    }
    let roster = install.path("roster.csv");
    std::fs::write(
        &roster,
        format!(
            "member_id,first_name,last_name,dob,coordinator\n\
             T-1,Una,Testa,1970-01-02,{}\n\
             T-2,Eli,Testb,1971-02-03,{}\n",
            ana.name, ben.name
        ),
    )
    .unwrap();
    ok(&install.as_root(&["import", "patients", roster.to_str().unwrap()]));

    // Both use tend on the one database, each as the system says, whatever
    // USER says, and each sees their own team.
    let said = ok(&install.as_account(&ana, &[("USER", &ben.name)], &["today"]));
    assert!(
        said.starts_with(&format!("Today for {},", ana.name)),
        "{said}"
    );
    let caseload = |account: &Account| {
        ok(&install.as_account(account, &[], &["export", "csv", "caseload", "--all"]))
    };
    let (anas, bens) = (caseload(&ana), caseload(&ben));
    assert!(anas.contains("T-1,") && !anas.contains("T-2,"), "{anas}");
    assert!(bens.contains("T-2,") && !bens.contains("T-1,"), "{bens}");

    // Neither can read the file any other way.
    let database = install.database();
    for account in [&ana, &ben] {
        let out = Command::new("python3")
            .args([
                "-c",
                "import sqlite3, sys; print(sqlite3.connect(sys.argv[1]).execute('select count(*) from patient').fetchone())",
            ])
            .arg(&database)
            .uid(account.uid)
            .gid(account.gid)
            .output()
            .unwrap();
        assert!(
            !out.status.success(),
            "sqlite read it: {}",
            text(&out.stdout)
        );
        assert!(
            text(&out.stderr).contains("unable to open database file"),
            "{}",
            text(&out.stderr)
        );
        let out = Command::new("cat")
            .arg(&database)
            .uid(account.uid)
            .gid(account.gid)
            .output()
            .unwrap();
        assert!(!out.status.success() && out.stdout.is_empty());
    }

    // Nothing points it at other data or another time.
    let elsewhere = install.path("elsewhere.db");
    let elsewhere = elsewhere.to_str().unwrap();
    for (env, args, what) in [
        (
            vec![("TEND_NOW", "2026-01-05T09:00:00-05:00")],
            vec!["today"],
            "TEND_NOW",
        ),
        (vec![("TEND_DB", elsewhere)], vec!["today"], "TEND_DB"),
        (vec![], vec!["--db", elsewhere, "today"], "--db"),
        (
            vec![("TEND_CONFIG", "/etc/passwd")],
            vec!["today"],
            "TEND_CONFIG",
        ),
        (vec![], vec!["--config", "/etc/passwd", "today"], "--config"),
    ] {
        let said = refused(&install.as_account(&ana, &env, &args));
        assert!(
            said.starts_with(&format!(
                "tend: {what} is not taken here: this tend is installed for a team"
            )),
            "{said}"
        );
    }
    assert!(!Path::new(elsewhere).exists());
    let said = refused(&install.as_account(&ana, &[], &["gen", "--patients", "5"]));
    assert!(
        said.contains("tend gen writes synthetic patients"),
        "{said}"
    );

    // What her role may not do, she may not do here either: read the trail
    // or the file's health, or load patients (not even a dry run, which
    // would copy the database).
    for args in [
        vec!["check"],
        vec!["audit", "verify"],
        vec!["import", "patients", roster.to_str().unwrap(), "--dry-run"],
    ] {
        let said = refused(&install.as_account(&ana, &[], &args));
        assert!(
            said.starts_with("tend: your role (coordinator) may not"),
            "{args:?}: {said}"
        );
    }
    assert!(ok(&install.as_root(&["check"])).contains("  ok       the audit trail is whole"));

    // Her own files are hers, not the team's: an export...
    let export = install.home(&ana).join("plan.json");
    ok(&install.as_account(
        &ana,
        &[],
        &[
            "export",
            "fhir",
            "--reason",
            "test of the install",
            "--out",
            export.to_str().unwrap(),
        ],
    ));
    let meta = std::fs::metadata(&export).unwrap();
    assert_eq!(
        (meta.uid(), meta.gid(), meta.mode() & 0o777),
        (ana.uid, ana.gid, 0o600)
    );
    // ...and her config is read with her rights: a link to the database
    // is not read through the team's.
    let config = install.home(&ben).join(".config/tend");
    std::fs::create_dir_all(&config).unwrap();
    std::os::unix::fs::symlink(&database, config.join("config.toml")).unwrap();
    let said = refused(&install.as_account(&ben, &[], &["today"]));
    assert!(said.contains("Permission denied"), "{said}");
    assert!(!said.contains("SQLite"), "{said}");

    // The trail names each by their login.
    let trail = ok(&install.as_root(&["audit", "export", "--user", &ana.name]));
    assert!(trail.lines().count() > 1, "{trail}");
    assert!(
        trail.lines().skip(1).all(|l| l.contains(&ana.name)),
        "{trail}"
    );
}
