//! Files that hold health information and are for their owner's eyes only:
//! made mode 0600 (an existing one made private before anything is written
//! into it), in folders made 0700, and never opened through a symbolic link,
//! behind which someone else's file could be.

use std::fs::File;
use std::io::{self, Write};
use std::os::unix::fs::{DirBuilderExt, OpenOptionsExt, PermissionsExt};
use std::path::{Path, PathBuf};

/// Opens `path` for writing, emptied, readable by its owner only.
pub fn create(path: &Path) -> io::Result<File> {
    let file = std::fs::OpenOptions::new()
        .write(true)
        .create(true)
        .custom_flags(libc::O_NOFOLLOW)
        .mode(0o600)
        .open(path)?;
    file.set_permissions(std::fs::Permissions::from_mode(0o600))?;
    file.set_len(0)?;
    Ok(file)
}

/// Makes `folder` (and its parents) if it is not there, mode 0700.
pub fn folder(folder: &Path) -> io::Result<()> {
    std::fs::DirBuilder::new()
        .recursive(true)
        .mode(0o700)
        .create(folder)
}

/// Replaces `path` with `bytes` in one step: written and flushed to disk
/// under a temporary name beside it, then renamed, so a reader (or the next
/// start after a crash) finds the old whole file or the new whole file,
/// never half of one. On any failure the temporary file is removed and
/// `path` is as it was.
pub fn replace(path: &Path, bytes: &[u8]) -> io::Result<()> {
    let temporary = temporary_beside(path);
    let written = (|| {
        let mut file = create(&temporary)?;
        file.write_all(bytes)?;
        file.sync_all()?;
        std::fs::rename(&temporary, path)
    })();
    if written.is_err() {
        let _ = std::fs::remove_file(&temporary);
    }
    written
}

/// `.NAME.PID.tmp` beside `path`.
fn temporary_beside(path: &Path) -> PathBuf {
    let name = path
        .file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_default();
    path.with_file_name(format!(".{name}.{}.tmp", std::process::id()))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn mode(path: &Path) -> u32 {
        std::fs::metadata(path).unwrap().permissions().mode() & 0o777
    }

    #[test]
    fn private_files_are_the_owner_s_and_links_are_not_followed() {
        let dir = tempfile::tempdir().unwrap();
        let inner = dir.path().join("a/b");
        folder(&inner).unwrap();
        assert_eq!(mode(&inner), 0o700);
        let path = inner.join("note");
        std::fs::write(&path, "old, world-readable").unwrap();
        std::fs::set_permissions(&path, std::fs::Permissions::from_mode(0o644)).unwrap();
        create(&path).unwrap().write_all(b"new").unwrap();
        assert_eq!(mode(&path), 0o600, "made private before writing");
        assert_eq!(std::fs::read(&path).unwrap(), b"new");

        let target = dir.path().join("someone-else");
        std::fs::write(&target, "theirs").unwrap();
        let link = inner.join("link");
        std::os::unix::fs::symlink(&target, &link).unwrap();
        assert!(create(&link).is_err(), "not through a link");
        assert!(replace(&link, b"x").is_ok(), "the link itself is replaced");
        assert_eq!(std::fs::read(&target).unwrap(), b"theirs");
    }

    #[test]
    fn a_replaced_file_is_old_or_new_whole_and_leaves_no_temporary() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("draft");
        replace(&path, b"first").unwrap();
        replace(&path, b"second").unwrap();
        assert_eq!(std::fs::read(&path).unwrap(), b"second");
        assert_eq!(mode(&path), 0o600);
        let names: Vec<_> = std::fs::read_dir(dir.path()).unwrap().collect();
        assert_eq!(names.len(), 1, "no temporary file left");
        let missing = dir.path().join("no/such/folder/draft");
        assert!(replace(&missing, b"x").is_err());
    }
}
