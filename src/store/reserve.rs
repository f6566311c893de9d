//! Room kept aside for when the disk fills: a file of a few megabytes
//! beside the database, which any tend session removes when a write fails
//! for want of space, so that what must not be lost (the note being typed,
//! the audit row of a record just viewed) can still be written. tend makes
//! it again once there is room.
//!
//! One reserve per database, shared by every session on it: the first to
//! meet a full disk frees it for all of them. It is a hidden file beside
//! the database (`.tend.db.reserve` for `tend.db`), mode 0600, filled with
//! zeros that are really written, so the space is really held.

use std::io::Write;
use std::path::{Path, PathBuf};

/// How much room is kept aside: a draft and its audit rows need a few
/// pages; SQLite needs its shared-memory file (32 KiB) to open the database
/// at all, and its write-ahead log a page per page changed.
pub const RESERVE_BYTES: u64 = 4 << 20;

#[derive(Debug, Clone)]
pub struct Reserve {
    path: PathBuf,
}

impl Reserve {
    pub fn beside(database: &Path) -> Reserve {
        let name = database
            .file_name()
            .map(|n| n.to_string_lossy().into_owned())
            .unwrap_or_else(|| "tend.db".into());
        Reserve {
            path: database.with_file_name(format!(".{name}.reserve")),
        }
    }

    pub fn path(&self) -> &Path {
        &self.path
    }

    /// Whether the room is held now.
    pub fn is_held(&self) -> bool {
        std::fs::metadata(&self.path).is_ok_and(|m| m.len() >= RESERVE_BYTES)
    }

    /// Takes the room aside if it is not held yet and the disk has it;
    /// returns whether it is held. Half a reserve is not kept.
    pub fn hold(&self) -> bool {
        if self.is_held() {
            return true;
        }
        let written = (|| -> std::io::Result<()> {
            let mut file = crate::private::file(&self.path, crate::private::Open::Emptied)?;
            let zeros = vec![0u8; 64 << 10];
            let mut left = RESERVE_BYTES;
            while left > 0 {
                let n = left.min(zeros.len() as u64) as usize;
                file.write_all(&zeros[..n])?;
                left -= n as u64;
            }
            file.sync_all()
        })();
        if written.is_err() {
            let _ = std::fs::remove_file(&self.path);
        }
        written.is_ok()
    }

    /// Gives the room back to the disk; returns whether there was any to
    /// give.
    pub fn release(&self) -> bool {
        std::fs::remove_file(&self.path).is_ok()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_reserve_is_held_once_and_released_once() {
        let dir = tempfile::tempdir().unwrap();
        let reserve = Reserve::beside(&dir.path().join("tend.db"));
        assert_eq!(reserve.path(), dir.path().join(".tend.db.reserve"));
        assert!(!reserve.is_held());
        assert!(reserve.hold());
        assert!(reserve.is_held());
        assert_eq!(
            std::fs::metadata(reserve.path()).unwrap().len(),
            RESERVE_BYTES
        );
        assert!(reserve.hold(), "held already");
        assert!(reserve.release());
        assert!(!reserve.release(), "nothing left to give");
        assert!(!reserve.is_held());
    }
}
