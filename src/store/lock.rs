//! The passphrase that unlocks a locked screen, as its hash, one per user
//! of the database (see `secret`); setting it is audited.

use rusqlite::{params, OptionalExtension};

use super::{AuditAction, Store, StoreError};

impl Store {
    /// The hash of this user's unlock passphrase, if they have set one.
    pub fn unlock_secret(&self) -> Result<Option<String>, StoreError> {
        Ok(self
            .conn()
            .prepare_cached("SELECT phc FROM unlock_secret WHERE username = ?1")?
            .query_row(params![self.agent()], |row| row.get(0))
            .optional()?)
    }

    /// Keeps the hash of this user's new unlock passphrase (`phc`, an
    /// Argon2id PHC string: never the passphrase itself).
    pub fn set_unlock_secret(&mut self, phc: &str) -> Result<(), StoreError> {
        let agent = self.agent().to_string();
        self.write(|tx| {
            tx.conn()
                .prepare_cached(
                    "INSERT INTO unlock_secret (username, phc, set_at) VALUES (?1, ?2, ?3)
                     ON CONFLICT (username) DO UPDATE SET phc = ?2, set_at = ?3",
                )?
                .execute(params![agent, phc, super::write::utc_text(tx.now())])?;
            tx.audit(
                AuditAction::Update,
                "Practitioner",
                None,
                None,
                Some("unlock passphrase set"),
            )
        })
    }
}
