//! What a loop's move asks for after its status is chosen: the day a
//! referral's service is scheduled, why a referral is declined or
//! cancelled, an appointment's new day and time, the date on a denial's
//! notice. Esc goes back to the list, changing nothing.

use chrono::{Datelike, NaiveDate};

use super::Purpose;
use crate::app::forms::appointment::parse_date_time;
use crate::app::loops::{LoopMove, MoveTarget};
use crate::app::{App, Message};
use crate::domain::appointment::AppointmentStatus;
use crate::domain::authorization::AuthStatus;
use crate::domain::dates;
use crate::domain::referral::ReferralStatus;
use crate::store::{AppointmentMove, AuthMove, ReferralMove, StoreError};

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
    /// An appointment rescheduled: the new day and time.
    NewStart,
    /// An appointment cancelled: why, if said.
    AppointmentNote,
    /// A prior authorization denied: the date on the notice (the appeal
    /// deadline counts from it).
    DenialNotice,
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
            Ask::NewStart => parse_date_time(text, app.today())
                .map(|at| format!("→ {} · {submit} books it", at.format("%a %Y-%m-%d %H:%M"))),
            Ask::AppointmentNote => Ok(format!("{submit} records it cancelled")),
            Ask::DenialNotice if text.trim().is_empty() => Ok(format!(
                "→ notice dated today · {submit} records the denial and its appeal task"
            )),
            Ask::DenialNotice => notice_date(text, app.today()).map(|d| {
                format!(
                    "→ notice dated {} · {submit} records the denial and its appeal task",
                    dates::show(d)
                )
            }),
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
            Ask::NewStart => LoopMove::Appointment(AppointmentMove {
                to: AppointmentStatus::Rescheduled,
                new_start: parse_date_time(text, app.today()).ok(),
                note: None,
            }),
            Ask::AppointmentNote => LoopMove::Appointment(AppointmentMove {
                to: AppointmentStatus::Cancelled,
                new_start: None,
                note: (!text.is_empty()).then(|| text.to_string()),
            }),
            Ask::DenialNotice => LoopMove::Authorization(AuthMove {
                to: AuthStatus::Denied,
                on: notice_date(text, app.today()).ok(),
                units: None,
                authorized_from: None,
                authorized_until: None,
                payer_ref: None,
                note: None,
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

/// The date on a notice, which has come: "11/20" typed on 24 November is
/// this year's 20 November, not next year's (as a date planned ahead
/// would be).
fn notice_date(text: &str, today: NaiveDate) -> Result<NaiveDate, String> {
    let date = dates::parse(text, today).map_err(|e| e.to_string())?;
    let last_year = date.with_year(date.year() - 1);
    match last_year {
        _ if date <= today => Ok(date),
        Some(earlier) if text.matches('/').count() == 1 && earlier <= today => Ok(earlier),
        _ => Err("a notice is not dated in the future".into()),
    }
}
