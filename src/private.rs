//! Files that hold health information and are for their owner's eyes only:
//! made mode 0600 (an existing one made private before anything is written
//! into it), in folders made 0700, and never opened through a symbolic link,
//! behind which someone else's file could be.

use std::fs::File;
use std::io::{self, Write};
use std::os::unix::fs::{DirBuilderExt, OpenOptionsExt, PermissionsExt};
use std::path::{Path, PathBuf};

/// How [`file`] opens a private file.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Open {
    /// Made if it is not there; emptied if it is (an export, a reserve).
    Emptied,
    /// Made new, never over anything already there (a file, a link, anyone's):
    /// `AlreadyExists` if something is (a new database, a crash report).
    New,
    /// Made if it is not there; written at its end (rows kept aside).
    Append,
}

/// Opens `path` for writing, readable and writable by its owner only: the
/// one way tend makes a file that holds health information.
///
/// - Never through a symbolic link (`O_NOFOLLOW`; `O_EXCL` for [`Open::New`]):
///   behind one could be someone else's file, which would then receive
///   health information (or be emptied).
/// - Mode 0600 for a new file, and an existing file is made 0600 too, before
///   anything is written into it (or it is emptied): the mode given when
///   opening applies to new files only, so a world-readable file already at
///   the path would otherwise keep what is written readable by all.
pub fn file(path: &Path, open: Open) -> io::Result<File> {
    let mut options = std::fs::OpenOptions::new();
    options.custom_flags(libc::O_NOFOLLOW).mode(0o600);
    match open {
        Open::Emptied => options.write(true).create(true),
        Open::New => options.write(true).create_new(true),
        Open::Append => options.append(true).create(true),
    };
    let file = options.open(path)?;
    // On the open descriptor, so it is this very file (not whatever a
    // rename put at the path since) that is made private; after the umask
    // too, for a new one.
    file.set_permissions(std::fs::Permissions::from_mode(0o600))?;
    if open == Open::Emptied {
        // Emptied only now, once private: not with O_TRUNC, which would
        // empty a file this process then fails to make private.
        file.set_len(0)?;
    }
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
        let mut out = file(&temporary, Open::Emptied)?;
        out.write_all(bytes)?;
        out.sync_all()?;
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
        file(&path, Open::Emptied)
            .unwrap()
            .write_all(b"new")
            .unwrap();
        assert_eq!(mode(&path), 0o600, "made private before writing");
        assert_eq!(std::fs::read(&path).unwrap(), b"new");

        let target = dir.path().join("someone-else");
        std::fs::write(&target, "theirs").unwrap();
        let link = inner.join("link");
        std::os::unix::fs::symlink(&target, &link).unwrap();
        for open in [Open::Emptied, Open::New, Open::Append] {
            assert!(file(&link, open).is_err(), "not through a link ({open:?})");
        }
        assert!(replace(&link, b"x").is_ok(), "the link itself is replaced");
        assert_eq!(std::fs::read(&target).unwrap(), b"theirs");
    }

    #[test]
    fn an_existing_file_is_made_private_before_a_byte_is_written_however_opened() {
        let dir = tempfile::tempdir().unwrap();
        for open in [Open::Emptied, Open::Append] {
            let path = dir.path().join(format!("{open:?}"));
            std::fs::write(&path, "old").unwrap();
            std::fs::set_permissions(&path, std::fs::Permissions::from_mode(0o644)).unwrap();
            let mut opened = file(&path, open).unwrap();
            assert_eq!(mode(&path), 0o600, "{open:?}: private once opened");
            let kept = if open == Open::Append { "old" } else { "" };
            assert_eq!(std::fs::read_to_string(&path).unwrap(), kept, "{open:?}");
            opened.write_all(b"new").unwrap();
            assert_eq!(
                std::fs::read_to_string(&path).unwrap(),
                format!("{kept}new")
            );
        }
        let there = dir.path().join("Emptied");
        let error = file(&there, Open::New).unwrap_err();
        assert_eq!(
            error.kind(),
            io::ErrorKind::AlreadyExists,
            "never over a file"
        );
        let new = dir.path().join("new");
        file(&new, Open::New).unwrap();
        assert_eq!(mode(&new), 0o600);
    }

    #[test]
    fn a_link_at_the_path_is_refused_and_what_it_points_at_is_untouched() {
        let dir = tempfile::tempdir().unwrap();
        let target = dir.path().join("someone-else");
        std::fs::write(&target, "theirs").unwrap();
        std::fs::set_permissions(&target, std::fs::Permissions::from_mode(0o644)).unwrap();
        let link = dir.path().join("link");
        std::os::unix::fs::symlink(&target, &link).unwrap();
        for open in [Open::Emptied, Open::New, Open::Append] {
            assert!(file(&link, open).is_err(), "{open:?} follows no link");
        }
        assert_eq!(std::fs::read_to_string(&target).unwrap(), "theirs");
        assert_eq!(mode(&target), 0o644, "not made private through the link");
        // A link to a folder that does not exist yet: not created through it.
        let dangling = dir.path().join("dangling");
        std::os::unix::fs::symlink(dir.path().join("nowhere"), &dangling).unwrap();
        for open in [Open::Emptied, Open::New, Open::Append] {
            assert!(file(&dangling, open).is_err(), "{open:?}");
        }
        assert!(!dir.path().join("nowhere").exists());
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
