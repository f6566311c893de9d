//! The screen's lock (HIPAA §164.312(a)(2)(iii), automatic logoff): after
//! `lock_after_minutes` without a key, or at once on Ctrl-L, the screen
//! shows nothing of any patient until the user types their own passphrase.
//! What was open underneath (a note half-written, a form) stays as it was;
//! a note is saved first. Failed unlocks are audited, and after five tend
//! saves everything and leaves.
//!
//! Where the server checks system passwords for tend (a build with the
//! `pam` feature and `/etc/pam.d/tend`: `crate::system_password`), the
//! lock takes the user's own system password. Else the passphrase is
//! tend's own, set at the first Ctrl-L and kept only as an Argon2id hash
//! (`crate::secret`); a screen that locks by itself before one is set
//! cannot tell who comes back: it offers only to save and leave.

use std::time::Instant;

use crossterm::event::{KeyCode, KeyEvent, KeyModifiers};

use super::keymap::{Action, Context};
use super::{App, Message};
use crate::store::StoreError;

/// Refused unlocks before tend saves everything and leaves.
pub const MAX_REFUSED: u8 = 5;

/// The longest passphrase taken (what is typed beyond is not kept).
const MAX_TYPED: usize = 1024;

/// Why the screen locked.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Locked {
    /// No key for `lock_after`.
    Idle,
    /// The user asked (Ctrl-L).
    Asked,
}

/// What the lock screen asks for.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Stage {
    /// The user's system password, checked through PAM.
    System,
    /// The user's passphrase, which unlocks.
    Unlock,
    /// A first passphrase, chosen at the first Ctrl-L: typed once, then
    /// (`first`) again.
    Choose { first: Option<String> },
    /// Locked by itself with no passphrase set: nobody can be told apart,
    /// so the only way on is to save and leave.
    CannotUnlock,
}

/// The lock screen's state. What is typed is never drawn, only counted.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct LockScreen {
    pub why: Locked,
    pub stage: Stage,
    typed: String,
    pub refused: u8,
    /// What the last Enter came to ("That is not your passphrase…").
    pub said: Option<String>,
}

impl LockScreen {
    /// How many characters are typed (drawn as dots).
    pub fn typed_len(&self) -> usize {
        self.typed.chars().count()
    }

    /// Text pasted on the lock screen: the passphrase, as typed (a line
    /// break or other control character is not part of one).
    pub(super) fn paste(&mut self, text: &str) {
        for c in text.chars().filter(|c| !c.is_control()) {
            if self.typed.len() >= MAX_TYPED {
                break;
            }
            self.typed.push(c);
        }
    }
}

impl App {
    /// The lock screen, while the screen is locked.
    pub fn lock_screen(&self) -> Option<&LockScreen> {
        self.layers.lock()
    }

    /// Locks the screen once `lock_after` has passed since the last key
    /// (by `now`); returns whether it locked.
    pub fn lock_if_idle(&mut self, now: Instant) -> bool {
        if self.layers.lock().is_some()
            || now.saturating_duration_since(self.last_key) < self.settings.lock_after
        {
            return false;
        }
        self.lock(Locked::Idle);
        true
    }

    /// Locks the screen: the note being written is saved first, the lock
    /// is audited, and nothing of any patient is drawn until it is undone.
    pub fn lock(&mut self, why: Locked) {
        if self.layers.lock().is_some() {
            return;
        }
        let saved = self.autosave(true);
        self.report(saved);
        let system = crate::system_password::available() && crate::config::login_name().is_some();
        let stage = match (self.store.unlock_secret(), why) {
            _ if system => Stage::System,
            (Ok(Some(_)), _) => Stage::Unlock,
            (Ok(None), Locked::Asked) => Stage::Choose { first: None },
            // Locked by itself, with no passphrase (or none that can be
            // read): nobody here can be told apart from the user.
            (Ok(None) | Err(_), Locked::Idle) => Stage::CannotUnlock,
            (Err(_), Locked::Asked) => Stage::CannotUnlock,
        };
        let minutes = self.settings.lock_after.as_secs_f64() / 60.0;
        let _ = self.store.record_session_event(&match why {
            Locked::Idle => format!("screen locked after {minutes} minutes without a key"),
            Locked::Asked => "screen locked".to_string(),
        });
        self.layers.set_lock(Some(LockScreen {
            why,
            stage,
            typed: String::new(),
            refused: 0,
            said: None,
        }));
    }

    /// A key on the lock screen. Text goes into the passphrase; Enter tries
    /// it; Ctrl-Q saves everything and leaves.
    pub(super) fn lock_key(&mut self, key: KeyEvent) -> Result<(), StoreError> {
        let command = self.settings.keymap.command(Context::Lock, &key);
        let Some(lock) = self.layers.lock_mut() else {
            return Ok(());
        };
        match command {
            Some(Action::Submit) => return self.lock_submit(),
            Some(Action::Quit) => return self.leave_locked("left from the lock screen"),
            Some(Action::Cancel) => {
                if matches!(lock.stage, Stage::Choose { .. }) {
                    // The user is here, and has no passphrase yet: nothing
                    // to unlock with, so no lock.
                    self.layers.set_lock(None);
                    self.message =
                        Some(Message::Info("Not locked: no passphrase was chosen".into()));
                    let _ = self
                        .store
                        .record_session_event("lock given up: no passphrase chosen");
                } else {
                    lock.typed.clear();
                }
                return Ok(());
            }
            _ => {}
        }
        match key.code {
            KeyCode::Char(c)
                if !key
                    .modifiers
                    .intersects(KeyModifiers::CONTROL | KeyModifiers::ALT)
                    && lock.typed.len() < MAX_TYPED =>
            {
                lock.typed.push(c);
            }
            KeyCode::Backspace => {
                lock.typed.pop();
            }
            _ => {}
        }
        Ok(())
    }

    fn lock_submit(&mut self) -> Result<(), StoreError> {
        let Some(lock) = self.layers.lock_mut() else {
            return Ok(());
        };
        let typed = std::mem::take(&mut lock.typed);
        match lock.stage.clone() {
            Stage::CannotUnlock => self.leave_locked("left the lock screen: no passphrase set"),
            Stage::Choose { first: None } => {
                lock.said = crate::secret::refuse(&typed).map(|why| format!("Not taken: {why}"));
                if lock.said.is_none() {
                    lock.stage = Stage::Choose { first: Some(typed) };
                }
                Ok(())
            }
            Stage::Choose { first: Some(first) } => {
                if typed != first {
                    lock.stage = Stage::Choose { first: None };
                    lock.said = Some("The two did not match: choose it again".into());
                    return Ok(());
                }
                match crate::secret::hash(&typed) {
                    Ok(phc) => self.store.set_unlock_secret(&phc)?,
                    Err(why) => {
                        lock.said = Some(why);
                        return Ok(());
                    }
                }
                if let Some(lock) = self.layers.lock_mut() {
                    lock.stage = Stage::Unlock;
                    lock.said = Some("Passphrase kept. Type it to unlock".into());
                }
                Ok(())
            }
            Stage::Unlock | Stage::System => {
                let matches = if lock.stage == Stage::System {
                    // The login of the account tend runs as: the system's
                    // own password is for that account, whoever the config
                    // names.
                    crate::config::login_name()
                        .is_some_and(|login| crate::system_password::check(&login, &typed))
                } else {
                    self.store
                        .unlock_secret()?
                        .is_some_and(|kept| crate::secret::matches(&typed, &kept))
                };
                if matches {
                    self.layers.set_lock(None);
                    let _ = self.store.record_session_event("screen unlocked");
                    // The idle clock starts again from the unlock.
                    self.last_key = Instant::now();
                    return Ok(());
                }
                let Some(lock) = self.layers.lock_mut() else {
                    return Ok(());
                };
                lock.refused += 1;
                let refused = lock.refused;
                let _ = self
                    .store
                    .record_session_event(&format!("unlock refused ({refused} of {MAX_REFUSED})"));
                if refused >= MAX_REFUSED {
                    return self.leave_locked("left after five refused unlocks");
                }
                if let Some(lock) = self.layers.lock_mut() {
                    let what = if lock.stage == Stage::System {
                        "password"
                    } else {
                        "passphrase"
                    };
                    lock.said = Some(format!(
                        "That is not your {what} ({} {} left)",
                        MAX_REFUSED - refused,
                        if MAX_REFUSED - refused == 1 {
                            "try"
                        } else {
                            "tries"
                        }
                    ));
                }
                Ok(())
            }
        }
    }

    /// Saves everything and leaves tend, from the lock screen.
    fn leave_locked(&mut self, why: &str) -> Result<(), StoreError> {
        let saved = self.autosave(true);
        let _ = self.store.record_session_event(why);
        self.quit = true;
        saved
    }
}
