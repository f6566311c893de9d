//! A really small disk for the tests of a full one: a tmpfs of a few
//! megabytes mounted in a temporary folder (the tests run as root in CI;
//! elsewhere, a test that needs one says it cannot run and passes without
//! asserting, unless `CI` is set, when it fails). Filling it is done with
//! ordinary files, as a log or a download would.

#![allow(dead_code)]

use std::io::Write;
use std::path::{Path, PathBuf};
use std::process::Command;

pub struct SmallDisk {
    dir: tempfile::TempDir,
    fillers: usize,
}

impl SmallDisk {
    /// A tmpfs of `megabytes` MiB; `None` (having said why) where none can
    /// be mounted outside CI.
    pub fn mount(megabytes: u32) -> Option<SmallDisk> {
        let dir = tempfile::tempdir().expect("a folder to mount on");
        let mounted = Command::new("mount")
            .args(["-t", "tmpfs", "-o"])
            .arg(format!("size={megabytes}m,mode=0755"))
            .arg("tmpfs")
            .arg(dir.path())
            .output();
        match mounted {
            Ok(out) if out.status.success() => Some(SmallDisk { dir, fillers: 0 }),
            other => {
                let why = match other {
                    Ok(out) => String::from_utf8_lossy(&out.stderr).into_owned(),
                    Err(e) => e.to_string(),
                };
                assert!(
                    std::env::var_os("CI").is_none(),
                    "CI must be able to mount a small tmpfs (it runs as root): {why}"
                );
                eprintln!("skipped: no small disk can be mounted here ({why})");
                None
            }
        }
    }

    pub fn path(&self) -> &Path {
        self.dir.path()
    }

    /// Writes a new file until the disk refuses more: the disk is full.
    pub fn fill(&mut self) -> PathBuf {
        self.fillers += 1;
        let path = self.dir.path().join(format!("filler-{}", self.fillers));
        let mut file = std::fs::File::create(&path).expect("a filler file");
        let block = vec![0x55u8; 4096];
        while file.write_all(&block).is_ok() {}
        let _ = file.flush();
        path
    }

    /// Frees everything the fillers took.
    pub fn free(&mut self) {
        for n in 1..=self.fillers {
            let _ = std::fs::remove_file(self.dir.path().join(format!("filler-{n}")));
        }
    }

    /// Bytes free on it.
    pub fn free_bytes(&self) -> u64 {
        let out = Command::new("df")
            .args(["-B1", "--output=avail"])
            .arg(self.dir.path())
            .output()
            .expect("df");
        String::from_utf8_lossy(&out.stdout)
            .lines()
            .nth(1)
            .and_then(|l| l.trim().parse().ok())
            .unwrap_or(0)
    }
}

impl Drop for SmallDisk {
    fn drop(&mut self) {
        // Lazily: a process of the test may still hold a file open.
        let _ = Command::new("umount")
            .arg("-l")
            .arg(self.dir.path())
            .status();
    }
}
