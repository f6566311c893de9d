//! What a loop's move asks for after its status is chosen: the day a
//! referral's service is scheduled, why a referral is declined or
//! cancelled. Esc goes back to the list, changing nothing.

use super::Purpose;
use crate::app::loops::{LoopMove, MoveTarget};
use crate::app::{App, Message};
use crate::domain::dates;
use crate::domain::referral::ReferralStatus;
use crate::store::{ReferralMove, StoreError};

pub struct LoopAnswer {
    pub target: MoveTarget,
    pub ask: Ask,
}

/// The question asked.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Ask {
    /// A referral scheduled: the day of the service, if known.
    ScheduledOn,
    /// A referral declined or cancelled: why.
    ReferralNote(ReferralStatus),
}

impl Purpose for LoopAnswer {
    fn preview(&self, app: &App, text: &str) -> Result<String, String> {
        let submit = app.key("line_submit");
        match self.ask {
            Ask::ScheduledOn if text.trim().is_empty() => Ok(format!(
                "{submit} records it scheduled, the day not known yet"
            )),
            Ask::ScheduledOn => dates::parse(text, app.today())
                .map(|d| format!("→ {} · {submit} records it scheduled", dates::show(d)))
                .map_err(|e| e.to_string()),
            Ask::ReferralNote(to) if text.trim().is_empty() => Err(format!(
                "say why the referral is {} (what the receiver or the member said)",
                to.label()
            )),
            Ask::ReferralNote(to) => Ok(format!("{submit} records it {}", to.label())),
        }
    }

    fn submit(self: Box<Self>, app: &mut App, text: &str) -> Result<(), StoreError> {
        let text = text.trim();
        let change = match self.ask {
            Ask::ScheduledOn => LoopMove::Referral(ReferralMove {
                to: ReferralStatus::Scheduled,
                appointment_on: if text.is_empty() {
                    None
                } else {
                    dates::parse(text, app.today()).ok()
                },
                confirmation: None,
                note: None,
            }),
            Ask::ReferralNote(to) => LoopMove::Referral(ReferralMove {
                to,
                appointment_on: None,
                confirmation: None,
                note: Some(text.to_string()),
            }),
        };
        app.make_loop_move(self.target, change)
    }

    fn cancel(self: Box<Self>, app: &mut App) -> Result<(), StoreError> {
        let t = self.target;
        app.show_loop_list(t.kind, t.patient_id, Some(t.id))?;
        app.message = Some(Message::Info("Cancelled; nothing was changed".into()));
        Ok(())
    }
}
