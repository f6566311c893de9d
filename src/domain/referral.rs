//! Referrals (FHIR ServiceRequest) to a clinical provider or a community
//! service, followed until the loop is closed (issue 17).
//!
//! The loop: draft → sent → accepted / scheduled → service received →
//! closed once the coordinator confirms the member got the service and the
//! result came back; or declined, cancelled, or no response. Every open
//! status has exactly one next step ([`next_step`]), so no open referral is
//! ever without a task; a referral is not closed as done without saying
//! how receipt was confirmed ([`close`]).
//!
//! FHIR's ServiceRequest.status is coarser than this loop; the export maps
//! draft → `draft`; sent, accepted, scheduled, received and no-response →
//! `active`; closed → `completed`; declined and cancelled → `revoked`. The
//! codes here are tend's own.

use chrono::{Duration, NaiveDate};

use super::business_days::Calendar;
use super::choice::choices;
use super::loops::{LoopSettings, MoveRefused, NextStep};
use super::task::TaskKind;

choices!(
    /// Where a referral is in its loop.
    ReferralStatus {
        Draft = ("draft", "draft", 'd'),
        Sent = ("sent", "sent", 's'),
        Accepted = ("accepted", "accepted", 'a'),
        Scheduled = ("scheduled", "scheduled", 'h'),
        Received = ("received", "service received", 'r'),
        Closed = ("closed", "closed (done, confirmed)", 'c'),
        Declined = ("declined", "declined", 'l'),
        Cancelled = ("cancelled", "cancelled", 'x'),
        NoResponse = ("no-response", "no response", 'n'),
    }
);

choices!(
    /// Who the referral goes to.
    ReferralKind {
        Clinical = ("clinical", "clinical provider", 'c'),
        Community = ("community", "community service", 'o'),
    }
);

choices!(
    /// How soon the service is needed: FHIR's request-priority codes
    /// `routine` and `urgent` (the other two, `asap` and `stat`, are for
    /// orders, not referrals).
    Urgency {
        Routine = ("routine", "routine", 'r'),
        Urgent = ("urgent", "urgent", 'u'),
    }
);

choices!(
    /// How the coordinator knows the member got the service: required to
    /// close a referral as done.
    ReceiptConfirmation {
        MemberTold = ("member-told", "the member told us", 'm'),
        ReceiverReport = ("receiver-report", "the receiver's report", 'r'),
        VisitNote = ("visit-note", "a visit note on file", 'v'),
        Other = ("other", "other", 'o'),
    }
);

/// Business days from acceptance to the task confirming the appointment
/// date, and from receipt to the task confirming the result came back.
pub const CONFIRM_BUSINESS_DAYS: u32 = 5;

impl ReferralStatus {
    /// Closed, declined and cancelled: the loop is over (a new referral
    /// starts a new one).
    pub fn is_terminal(self) -> bool {
        matches!(
            self,
            ReferralStatus::Closed | ReferralStatus::Declined | ReferralStatus::Cancelled
        )
    }

    /// The statuses `self` may move to.
    pub fn moves(self) -> &'static [ReferralStatus] {
        use ReferralStatus::*;
        match self {
            Draft => &[Sent, Cancelled],
            Sent => &[Accepted, Scheduled, Declined, NoResponse, Cancelled],
            Accepted => &[Scheduled, Received, Cancelled],
            // No response from scheduled: the member missed it.
            Scheduled => &[Received, Cancelled, NoResponse],
            Received => &[Closed],
            // Sent again, or given up.
            NoResponse => &[Sent, Cancelled],
            Closed | Declined | Cancelled => &[],
        }
    }
}

/// Whether a referral may move `from` → `to`, and why not.
///
/// Allowed: draft → sent or cancelled; sent → accepted, scheduled,
/// declined, no response or cancelled; accepted → scheduled, received or
/// cancelled; scheduled → received, cancelled or no response (the member
/// did not go); received → closed; no response → sent (sent again) or
/// cancelled. Closed, declined and cancelled are final. Closing also needs
/// a [`ReceiptConfirmation`]: see [`close`].
pub fn move_allowed(from: ReferralStatus, to: ReferralStatus) -> Result<(), MoveRefused> {
    if from.moves().contains(&to) {
        Ok(())
    } else {
        Err(MoveRefused::new(refusal(from, to)))
    }
}

fn refusal(from: ReferralStatus, to: ReferralStatus) -> String {
    use ReferralStatus::*;
    if from == to {
        return format!("the referral is already {}", from.label());
    }
    if from.is_terminal() {
        return format!(
            "a {} referral is finished and cannot change; make a new referral",
            from.code()
        );
    }
    match (from, to) {
        (_, Closed) => "a referral is closed only after the service was received".into(),
        (_, Draft) => "a referral that was sent cannot go back to draft".into(),
        (Draft, _) => "a draft referral must be sent first".into(),
        (NoResponse, _) => {
            "a referral with no response is sent again (or cancelled) before anything else".into()
        }
        (Received, Cancelled) => {
            "the service was already received; close the referral with how it was confirmed".into()
        }
        (Received, _) => "the service was already received; what is left is to close it".into(),
        (_, Sent) => "the referral was already sent and answered".into(),
        (_, Accepted) => "the referral was accepted already: it is scheduled".into(),
        (_, Declined) => "only a referral waiting for the receiver's answer can be declined".into(),
        (Accepted, NoResponse) => {
            "the receiver answered (accepted); schedule the service or cancel the referral".into()
        }
        (Sent, Received) => {
            "the service is received only after the receiver accepted or scheduled it".into()
        }
        _ => format!("a {} referral cannot become {}", from.code(), to.code()),
    }
}

/// Closes a received referral as done: refused unless the referral's
/// service was received and `confirmation` says how that was confirmed.
/// Gives back the confirmation to record.
pub fn close(
    from: ReferralStatus,
    confirmation: Option<ReceiptConfirmation>,
) -> Result<ReceiptConfirmation, MoveRefused> {
    move_allowed(from, ReferralStatus::Closed)?;
    confirmation.ok_or_else(|| {
        MoveRefused::new(
            "a referral is closed as done only with how receipt was confirmed \
             (the member told us, the receiver's report, a visit note on file, or other)",
        )
    })
}

/// The one task that follows a referral in `status` since `changed_on`;
/// `None` for a finished referral (closed, declined, cancelled).
///
/// - draft: send it, due the day it was drafted;
/// - sent: chase the receiver when no answer came in
///   `no_response_business_days` business days;
/// - accepted: confirm the appointment date, in [`CONFIRM_BUSINESS_DAYS`]
///   business days;
/// - scheduled: ask whether the member went, the day after
///   `appointment_on`; without a date, find it out the next business day;
/// - received: confirm the member got the service and the result came
///   back, in [`CONFIRM_BUSINESS_DAYS`] business days;
/// - no response: call the member and the receiver, the next business day.
pub fn next_step(
    status: ReferralStatus,
    changed_on: NaiveDate,
    appointment_on: Option<NaiveDate>,
    rules: &LoopSettings,
    calendar: &Calendar,
) -> Option<NextStep> {
    use ReferralStatus::*;
    let business = |n| calendar.add_business_days(changed_on, n);
    let step = match status {
        Draft => NextStep::new("Send the referral", changed_on, TaskKind::Referral),
        Sent => NextStep::new(
            "Chase the receiver: no answer to the referral yet",
            business(rules.no_response_business_days),
            TaskKind::FollowUp,
        ),
        Accepted => NextStep::new(
            "Confirm the appointment date with the receiver",
            business(CONFIRM_BUSINESS_DAYS),
            TaskKind::FollowUp,
        ),
        Scheduled => match appointment_on {
            Some(on) => NextStep::new(
                "Ask whether the member went to the referral appointment",
                on + Duration::days(1),
                TaskKind::Call,
            ),
            None => NextStep::new(
                "Find out the date of the referral appointment",
                business(1),
                TaskKind::FollowUp,
            ),
        },
        Received => NextStep::new(
            "Confirm the member got the service and the result came back",
            business(CONFIRM_BUSINESS_DAYS),
            TaskKind::FollowUp,
        ),
        NoResponse => NextStep::new(
            "Call the member and the receiver: no response to the referral",
            business(1),
            TaskKind::Call,
        ),
        Closed | Declined | Cancelled => return None,
    };
    Some(step)
}

#[cfg(test)]
#[path = "referral_tests.rs"]
mod tests;
