//! Unlocking the screen with the system password: the one the user logs in
//! with, checked by the server's own PAM stack (`/etc/pam.d/tend`), so
//! that tend keeps no secret of its own where the server has one. Built
//! with the `pam` cargo feature (it links the system's libpam, through
//! `pam-client2`); without it, or on a server with no `/etc/pam.d/tend`,
//! the lock takes tend's own passphrase (`crate::secret`).
//!
//! The PAM service is fixed, never taken from the environment or a config:
//! a service that lets anyone in (`pam_permit`) must not be choosable by
//! the person at the keyboard.

use std::path::Path;

/// The PAM service tend asks: `/etc/pam.d/tend`.
pub const SERVICE: &str = "tend";

/// Whether this build and this server check the system password.
pub fn available() -> bool {
    cfg!(feature = "pam") && Path::new("/etc/pam.d").join(SERVICE).is_file()
}

/// Whether `password` is `login`'s system password, and the account may
/// be used (PAM's authentication and account management both agree).
#[cfg(feature = "pam")]
pub fn check(login: &str, password: &str) -> bool {
    use pam_client2::{conv_mock::Conversation, Context, Flag};
    let Ok(mut context) = Context::new(
        SERVICE,
        Some(login),
        Conversation::with_credentials(login, password),
    ) else {
        return false;
    };
    context.authenticate(Flag::SILENT).is_ok() && context.acct_mgmt(Flag::SILENT).is_ok()
}

/// Without PAM in this build, no system password is ever right (and
/// [`available`] is false, so the lock never asks for one).
#[cfg(not(feature = "pam"))]
pub fn check(_login: &str, _password: &str) -> bool {
    false
}
