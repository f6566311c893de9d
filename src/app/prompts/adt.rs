//! The ADT queue's questions: why a message is dismissed (`d`), and which
//! member it is for (`m`); and the transitions view's: why a clock should
//! not run (`v`). Esc goes back to the list.

use super::Purpose;
use crate::app::{App, Message};
use crate::store::{StoreError, REASON_MIN_CHARS};

pub struct DismissAdt {
    pub id: i64,
}

pub struct MatchAdt {
    pub id: i64,
}

pub struct VoidClock {
    pub clock_id: i64,
    pub team: bool,
}

impl Purpose for VoidClock {
    fn preview(&self, app: &App, text: &str) -> Result<String, String> {
        if text.trim().chars().count() < REASON_MIN_CHARS {
            Err(format!(
                "say why the clock should not run (at least {REASON_MIN_CHARS} characters)"
            ))
        } else {
            Ok(format!(
                "{} voids the clock and cancels its task (audited)",
                app.key("line_submit")
            ))
        }
    }

    fn submit(self: Box<Self>, app: &mut App, text: &str) -> Result<(), StoreError> {
        app.void_clock(self.clock_id, text, self.team)
    }

    fn cancel(self: Box<Self>, app: &mut App) -> Result<(), StoreError> {
        app.message = Some(Message::Info("Cancelled; nothing was changed".into()));
        app.open_transitions(self.team)
    }
}

impl Purpose for DismissAdt {
    fn preview(&self, app: &App, text: &str) -> Result<String, String> {
        if text.trim().chars().count() < REASON_MIN_CHARS {
            Err(format!(
                "say why it is dismissed (at least {REASON_MIN_CHARS} characters)"
            ))
        } else {
            Ok(format!(
                "{} dismisses message {} (audited)",
                app.key("line_submit"),
                self.id
            ))
        }
    }

    fn submit(self: Box<Self>, app: &mut App, text: &str) -> Result<(), StoreError> {
        app.dismiss_adt(self.id, text)
    }

    fn cancel(self: Box<Self>, app: &mut App) -> Result<(), StoreError> {
        app.message = Some(Message::Info("Cancelled; nothing was changed".into()));
        app.show_adt_queue().map(|_| ())
    }
}

impl Purpose for MatchAdt {
    fn preview(&self, app: &App, text: &str) -> Result<String, String> {
        if text.trim().is_empty() {
            Err("type the member ID the message is for".to_string())
        } else {
            Ok(format!(
                "{} applies message {} to that member (audited)",
                app.key("line_submit"),
                self.id
            ))
        }
    }

    fn submit(self: Box<Self>, app: &mut App, text: &str) -> Result<(), StoreError> {
        app.match_adt(self.id, text)
    }

    fn cancel(self: Box<Self>, app: &mut App) -> Result<(), StoreError> {
        app.message = Some(Message::Info("Cancelled; nothing was changed".into()));
        app.show_adt_queue().map(|_| ())
    }
}
