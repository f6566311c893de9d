//! Encryption at rest: SQLCipher (the `encryption` cargo feature), with the
//! database's key in a file beside it, `tend.db.key`: 64 hexadecimal digits,
//! a raw 256-bit key, readable by its owner alone (on a team install, by
//! the team's group: root's, mode 0640, in the folder nobody else enters).
//!
//! A raw key rather than a passphrase: SQLCipher then derives nothing when
//! a connection opens (its PBKDF2 of a passphrase costs a quarter of a
//! million rounds on every open, and tend opens several connections). The
//! file is the secret: whoever may read it may read the database, exactly
//! as whoever may read an unencrypted file may; what encryption adds is
//! that the database file, its write-ahead log and its backups are nothing
//! without it (a disk or a backup tape gone astray).
//!
//! Every connection tend opens goes through [`connect`], which gives it the
//! key when the database has one. A build without the feature opens
//! unencrypted databases only, and says so of an encrypted one.

use std::io::Write;
use std::path::{Path, PathBuf};

use rusqlite::{Connection, OpenFlags};

/// Whether this build can read and write encrypted databases.
pub const ENCRYPTION: bool = cfg!(feature = "encryption");

/// Where a database's key is kept: beside it, `NAME.key`.
pub fn key_path(database: &Path) -> PathBuf {
    let mut name = database.as_os_str().to_owned();
    name.push(".key");
    PathBuf::from(name)
}

/// The key of the database at `database`, if it has one, as SQLCipher
/// takes a raw key (`x'…'`).
pub(crate) fn read_key(database: &Path) -> std::io::Result<Option<String>> {
    let path = key_path(database);
    let text = match std::fs::read_to_string(&path) {
        Ok(text) => text,
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => return Ok(None),
        Err(e) => return Err(e),
    };
    let hex = text.trim();
    if hex.len() != 64 || !hex.bytes().all(|b| b.is_ascii_hexdigit()) {
        return Err(std::io::Error::new(
            std::io::ErrorKind::InvalidData,
            "it does not hold a key (64 hexadecimal digits)",
        ));
    }
    Ok(Some(format!("x'{hex}'")))
}

/// Opens the database at `path` with `flags` and gives the connection its
/// key, when it has one.
pub(crate) fn connect(path: &Path, flags: OpenFlags) -> rusqlite::Result<Connection> {
    connect_keyed_as(path, path, flags)
}

/// Opens `target` (a file: a path, or a `file:` URI with `flags` saying
/// so) with the key of the database at `keyed_as`: a backup or a scratch
/// copy is encrypted with its original's key.
pub(crate) fn connect_keyed_as<P: AsRef<Path>>(
    target: P,
    keyed_as: &Path,
    flags: OpenFlags,
) -> rusqlite::Result<Connection> {
    let conn = Connection::open_with_flags(target, flags)?;
    let key = read_key(keyed_as).map_err(|e| {
        rusqlite::Error::SqliteFailure(
            rusqlite::ffi::Error::new(rusqlite::ffi::SQLITE_AUTH),
            Some(format!("the database's key cannot be read: {e}")),
        )
    })?;
    if let Some(key) = key {
        // First, before anything is read: SQLCipher decrypts with it.
        conn.pragma_update(None, "key", key)?;
    }
    Ok(conn)
}

/// Makes a new key for a database not made yet: random (from the kernel),
/// in a new file beside it, readable by its owner alone, or by its group
/// too (`shared_with_group`, a team install). Never over a key already
/// there: a database encrypted with it would be lost.
pub fn make_key(database: &Path, shared_with_group: bool) -> std::io::Result<PathBuf> {
    use std::io::Read;
    use std::os::unix::fs::{OpenOptionsExt, PermissionsExt};
    let mut bytes = [0u8; 32];
    std::fs::File::open("/dev/urandom")?.read_exact(&mut bytes)?;
    let path = key_path(database);
    let mode = if shared_with_group { 0o640 } else { 0o600 };
    let mut file = std::fs::OpenOptions::new()
        .write(true)
        .create_new(true)
        .custom_flags(libc::O_NOFOLLOW)
        .mode(mode)
        .open(&path)?;
    file.set_permissions(std::fs::Permissions::from_mode(mode))?;
    writeln!(file, "{}", hex::encode(bytes))?;
    file.sync_all()?;
    Ok(path)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_new_key_is_64_hex_digits_private_and_never_replaced() {
        use std::os::unix::fs::PermissionsExt;
        let dir = tempfile::tempdir().unwrap();
        let db = dir.path().join("t.db");
        let path = make_key(&db, false).unwrap();
        assert_eq!(path, dir.path().join("t.db.key"));
        let key = read_key(&db).unwrap().unwrap();
        assert!(key.starts_with("x'") && key.len() == 67, "{key}");
        assert_eq!(
            std::fs::metadata(&path).unwrap().permissions().mode() & 0o777,
            0o600
        );
        assert!(make_key(&db, false).is_err(), "an existing key is kept");
        assert_eq!(read_key(&db).unwrap().unwrap(), key);
        std::fs::write(&path, "not a key\n").unwrap();
        assert!(read_key(&db).is_err());
    }
}
