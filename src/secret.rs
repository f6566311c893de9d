//! The passphrase that unlocks a locked screen: kept only as an Argon2id
//! hash (a PHC string, `$argon2id$v=19$m=19456,t=2,p=1$…`), with a salt of
//! its own, never as the passphrase itself.

use argon2::password_hash::rand_core::OsRng;
use argon2::password_hash::{PasswordHash, PasswordHasher, PasswordVerifier, SaltString};
use argon2::Argon2;

/// The shortest passphrase tend takes.
pub const MIN_PASSPHRASE_CHARS: usize = 8;

/// Why a passphrase is not taken.
pub fn refuse(passphrase: &str) -> Option<String> {
    (passphrase.chars().count() < MIN_PASSPHRASE_CHARS)
        .then(|| format!("a passphrase needs at least {MIN_PASSPHRASE_CHARS} characters"))
}

/// The hash to keep for `passphrase`: Argon2id with the parameters OWASP
/// recommends (19 MiB, two passes, one lane), which take a few tens of
/// milliseconds here.
pub fn hash(passphrase: &str) -> Result<String, String> {
    let salt = SaltString::generate(&mut OsRng);
    Argon2::default()
        .hash_password(passphrase.as_bytes(), &salt)
        .map(|hash| hash.to_string())
        .map_err(|e| format!("the passphrase could not be hashed: {e}"))
}

/// Whether `passphrase` is the one `kept` was made from. A kept hash that
/// cannot be read matches nothing.
pub fn matches(passphrase: &str, kept: &str) -> bool {
    PasswordHash::new(kept).is_ok_and(|parsed| {
        Argon2::default()
            .verify_password(passphrase.as_bytes(), &parsed)
            .is_ok()
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_passphrase_matches_its_own_hash_and_no_other() {
        let kept = hash("correct horse").unwrap();
        assert!(
            kept.starts_with("$argon2id$v=19$m=19456,t=2,p=1$"),
            "{kept}"
        );
        assert!(!kept.contains("correct horse"));
        assert!(matches("correct horse", &kept));
        assert!(!matches("correct hors", &kept));
        assert!(!matches("correct horse ", &kept));
        assert!(!matches("correct horse", "not a hash"));
        assert_ne!(hash("correct horse").unwrap(), kept, "a salt of its own");
    }

    #[test]
    fn a_short_passphrase_is_refused() {
        assert_eq!(
            refuse("short"),
            Some("a passphrase needs at least 8 characters".into())
        );
        assert_eq!(refuse("long enough"), None);
    }
}
