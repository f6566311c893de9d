//! Accounts of the operating system made for one test: identity comes
//! from the system, so tests of who someone is need real accounts (root
//! only, as CI runs).

use std::process::Command;

/// An account of the operating system made for one test (root only), and
/// removed after it.
pub struct Account {
    pub name: String,
    pub uid: u32,
    pub gid: u32,
}

impl Account {
    pub fn create() -> Account {
        Account::create_named("")
    }

    /// An account whose name ends in `tag`, for tests that need two.
    pub fn create_named(tag: &str) -> Account {
        let name = format!("tendt{}{tag}", std::process::id());
        let made = Command::new("useradd")
            .args([
                "--no-create-home",
                "--user-group",
                "--shell",
                "/usr/sbin/nologin",
            ])
            .arg(&name)
            .status()
            .unwrap();
        assert!(made.success(), "useradd {name}");
        let id = |flag: &str| -> u32 {
            let out = Command::new("id").args([flag, &name]).output().unwrap();
            String::from_utf8_lossy(&out.stdout).trim().parse().unwrap()
        };
        Account {
            uid: id("-u"),
            gid: id("-g"),
            name,
        }
    }
}

impl Drop for Account {
    fn drop(&mut self) {
        let _ = Command::new("userdel").arg(&self.name).status();
    }
}
