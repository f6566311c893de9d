//! Whether this account can reach a database file, and when it cannot,
//! who can: the owner and group of the file or of the folder in the way,
//! named from the password and group databases (`getpwuid_r(3)`,
//! `getgrgid_r(3)` through libc, which tend already uses for `access(2)`
//! and `poll(2)`; a crate such as `nix` or `uzers` would add a dependency
//! for three calls).
//!
//! `Path::exists` is false both when there is no file and when a folder on
//! the way does not let this account in, and a coordinator without
//! permission was told there was no database and to make a demo one.

use std::ffi::CString;
use std::os::unix::ffi::OsStrExt;
use std::os::unix::fs::MetadataExt;
use std::path::{Path, PathBuf};

use super::OpenError;

/// Whether there is a file at `path` this account can read: `Ok(false)`
/// when there is none, an error saying who can read it when this account
/// cannot (a folder on the way it may not enter, or the file itself).
pub(crate) fn reachable(path: &Path) -> Result<bool, OpenError> {
    match std::fs::metadata(path) {
        Ok(meta) => {
            if meta.is_file() && !allowed(path, libc::R_OK) {
                return Err(OpenError::NoAccess(describe_file(path, &meta)));
            }
            Ok(true)
        }
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => Ok(false),
        Err(e) if e.raw_os_error() == Some(libc::EACCES) => match closed_folder(path) {
            Some((folder, meta)) => Err(OpenError::NoAccess(describe_folder(path, &folder, &meta))),
            None => Err(OpenError::Io {
                path: path.to_path_buf(),
                source: e,
            }),
        },
        Err(e) => Err(OpenError::Io {
            path: path.to_path_buf(),
            source: e,
        }),
    }
}

/// Whether this process (its effective user and groups, as `open(2)`
/// judges) may `mode` the file.
fn allowed(path: &Path, mode: libc::c_int) -> bool {
    let Ok(c_path) = CString::new(path.as_os_str().as_bytes()) else {
        return false;
    };
    // SAFETY: a valid NUL-terminated path; faccessat(2) only reads it.
    unsafe { libc::faccessat(libc::AT_FDCWD, c_path.as_ptr(), mode, libc::AT_EACCESS) == 0 }
}

/// The first folder on the way to `path`, from the root down, that this
/// account may not enter, with its metadata.
fn closed_folder(path: &Path) -> Option<(PathBuf, std::fs::Metadata)> {
    let mut folders: Vec<&Path> = path.ancestors().skip(1).collect();
    folders.reverse();
    folders
        .into_iter()
        .map(|f| {
            if f.as_os_str().is_empty() {
                Path::new(".")
            } else {
                f
            }
        })
        .find(|f| !allowed(f, libc::X_OK))
        .and_then(|f| Some((f.to_path_buf(), std::fs::metadata(f).ok()?)))
}

fn describe_file(path: &Path, meta: &std::fs::Metadata) -> String {
    let owner = user_name(meta.uid());
    format!(
        "{} exists but this account ({}) cannot read it: it belongs to {owner}{} (mode {:04o}); \
         ask {owner} or an administrator to give your account access",
        path.display(),
        this_account(),
        group_part(meta, 0o040),
        meta.mode() & 0o7777
    )
}

fn describe_folder(path: &Path, folder: &Path, meta: &std::fs::Metadata) -> String {
    let owner = user_name(meta.uid());
    format!(
        "{} cannot be reached from this account ({}): the folder {} belongs to {owner}{} \
         (mode {:04o}) and does not let this account in; ask {owner} or an administrator to give \
         your account access",
        path.display(),
        this_account(),
        folder.display(),
        group_part(meta, 0o010),
        meta.mode() & 0o7777
    )
}

/// " and the group NAME" when the mode gives the group the access asked
/// for (`bit`): joining the group is a way in.
fn group_part(meta: &std::fs::Metadata, bit: u32) -> String {
    if meta.mode() & bit != 0 {
        format!(" and the group {}", group_name(meta.gid()))
    } else {
        String::new()
    }
}

/// This process's account, as `open(2)` sees it (the effective user).
fn this_account() -> String {
    // SAFETY: geteuid cannot fail.
    user_name(unsafe { libc::geteuid() })
}

/// The account's name from the password database, or `uid N`.
fn user_name(uid: u32) -> String {
    let mut buffer = vec![0 as libc::c_char; 4096];
    // SAFETY: an all-zero passwd is a valid value for getpwuid_r to fill.
    let mut entry: libc::passwd = unsafe { std::mem::zeroed() };
    let mut found: *mut libc::passwd = std::ptr::null_mut();
    // SAFETY: getpwuid_r writes only into `entry` and `buffer`, whose sizes
    // are given; `found` is non-null only when `entry` was filled.
    let status = unsafe {
        libc::getpwuid_r(
            uid,
            &mut entry,
            buffer.as_mut_ptr(),
            buffer.len(),
            &mut found,
        )
    };
    if status != 0 || found.is_null() || entry.pw_name.is_null() {
        return format!("uid {uid}");
    }
    // SAFETY: pw_name points into `buffer`, NUL-terminated by getpwuid_r.
    let name = unsafe { std::ffi::CStr::from_ptr(entry.pw_name) };
    name.to_string_lossy().into_owned()
}

/// The group's name from the group database, or `gid N`.
fn group_name(gid: u32) -> String {
    let mut buffer = vec![0 as libc::c_char; 16384];
    // SAFETY: an all-zero group is a valid value for getgrgid_r to fill.
    let mut entry: libc::group = unsafe { std::mem::zeroed() };
    let mut found: *mut libc::group = std::ptr::null_mut();
    // SAFETY: as for getpwuid_r above.
    let status = unsafe {
        libc::getgrgid_r(
            gid,
            &mut entry,
            buffer.as_mut_ptr(),
            buffer.len(),
            &mut found,
        )
    };
    if status != 0 || found.is_null() || entry.gr_name.is_null() {
        return format!("gid {gid}");
    }
    // SAFETY: gr_name points into `buffer`, NUL-terminated by getgrgid_r.
    let name = unsafe { std::ffi::CStr::from_ptr(entry.gr_name) };
    name.to_string_lossy().into_owned()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_missing_file_is_missing_and_an_existing_one_reachable() {
        let dir = tempfile::tempdir().unwrap();
        assert!(!reachable(&dir.path().join("none.db")).unwrap());
        assert!(!reachable(&dir.path().join("no/such/folder.db")).unwrap());
        let file = dir.path().join("there.db");
        std::fs::write(&file, b"").unwrap();
        assert!(reachable(&file).unwrap());
    }

    #[test]
    fn names_come_from_the_password_and_group_databases() {
        assert_eq!(user_name(0), "root");
        assert_eq!(group_name(0), "root");
        assert_eq!(user_name(4_000_000_000), "uid 4000000000");
    }
}
