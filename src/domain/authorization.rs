//! Prior authorizations (FHIR Claim with use `preauthorization`, and the
//! payer's ClaimResponse), followed from submission to decision, appeal
//! and renewal (issue 17).
//!
//! FHIR has no status list for this loop (Claim.status is the record's
//! own: active, cancelled, draft, entered-in-error; ClaimResponse.outcome
//! is the processing's: queued, complete, error, partial), so the codes
//! here are tend's own.
//!
//! Deadlines:
//! - a submitted request with no decision after `pending_business_days`
//!   business days: follow up with the payer ([`follow_up_due`]);
//! - an approval ending: renew it `renewal_days_before` days before the
//!   end ([`renewal_due`]);
//! - a denial: appeal within `appeal_days` calendar days of the notice,
//!   60 by default as Medicaid managed care sets it ([`appeal_due`]).

use chrono::{Duration, NaiveDate};

use super::business_days::Calendar;
use super::choice::choices;
use super::loops::{LoopSettings, MoveRefused, NextStep};
use super::task::TaskKind;

choices!(
    /// Where a prior authorization stands.
    AuthStatus {
        Draft = ("draft", "draft", 'd'),
        Submitted = ("submitted", "submitted", 's'),
        MoreInfoRequested = ("more-info-requested", "more information requested", 'i'),
        Approved = ("approved", "approved", 'a'),
        Denied = ("denied", "denied", 'n'),
        Appealed = ("appealed", "appealed", 'p'),
        Expired = ("expired", "expired", 'e'),
    }
);

impl AuthStatus {
    /// The statuses `self` may move to.
    ///
    /// Expired is final: asking again is a new authorization, not a move
    /// (its dates, units and decision are its own). A denial not appealed
    /// stays denied.
    pub fn moves(self) -> &'static [AuthStatus] {
        use AuthStatus::*;
        match self {
            Draft => &[Submitted],
            Submitted => &[MoreInfoRequested, Approved, Denied],
            MoreInfoRequested => &[Submitted, Approved, Denied],
            Denied => &[Appealed],
            Appealed => &[Approved, Denied],
            Approved => &[Expired],
            Expired => &[],
        }
    }
}

/// Whether a prior authorization may move `from` → `to`, and why not.
///
/// Allowed: draft → submitted; submitted → more information requested,
/// approved or denied; more information requested → submitted (the
/// information sent), approved or denied; denied → appealed; appealed →
/// approved or denied; approved → expired. Expired is final.
pub fn move_allowed(from: AuthStatus, to: AuthStatus) -> Result<(), MoveRefused> {
    use AuthStatus::*;
    if from.moves().contains(&to) {
        return Ok(());
    }
    let why = match (from, to) {
        _ if from == to => format!("the authorization is already {}", from.label()),
        (Expired, _) => {
            "an expired authorization is final; ask again with a new authorization".into()
        }
        (_, Draft) => "an authorization that was submitted cannot go back to draft".into(),
        (Draft, _) => "a draft authorization must be submitted first".into(),
        (_, Expired) => "only an approved authorization expires".into(),
        (_, Appealed) => "only a denied authorization can be appealed".into(),
        (_, MoreInfoRequested) => {
            "the payer asks for more information only while it is deciding".into()
        }
        (Approved, Denied) => {
            "an approval is not turned into a denial; record the payer's new decision \
             as a new authorization"
                .into()
        }
        (Approved | Denied, Submitted) => {
            "a decided authorization is not submitted again; ask with a new authorization".into()
        }
        (Denied, Approved) => {
            "a denial is overturned only by its appeal; record the appeal first".into()
        }
        (Appealed, Submitted) => "an appealed authorization waits for the payer's decision".into(),
        _ => format!(
            "an authorization that is {} cannot become {}",
            from.label(),
            to.label()
        ),
    };
    Err(MoveRefused::new(why))
}

/// When to follow up with the payer on a request submitted on
/// `submitted_on` and not yet decided: `pending_business_days` business
/// days later.
pub fn follow_up_due(
    submitted_on: NaiveDate,
    rules: &LoopSettings,
    calendar: &Calendar,
) -> NaiveDate {
    calendar.add_business_days(submitted_on, rules.pending_business_days)
}

/// When to start renewing an approval decided on `decided_on` and ending
/// on `authorized_until`: `renewal_days_before` calendar days before the
/// end, and not before the decision (a short approval is renewed from the
/// day it is given). `None` for an approval without an end.
pub fn renewal_due(
    decided_on: NaiveDate,
    authorized_until: Option<NaiveDate>,
    rules: &LoopSettings,
) -> Option<NaiveDate> {
    let until = authorized_until?;
    Some((until - Duration::days(i64::from(rules.renewal_days_before))).max(decided_on))
}

/// The last day to appeal a denial whose notice is dated `notice_on`:
/// `appeal_days` calendar days after it.
///
/// 42 CFR 438.402(c)(2)(ii), as revised by the Medicaid and CHIP managed
/// care final rule (81 FR 27498, 6 May 2016): following receipt of a
/// notification of an adverse benefit determination, an enrollee has 60
/// calendar days from the date on the notice to file a request for an
/// appeal to the MCO, PIHP or PAHP. (Before that rule the State set the
/// limit, 20 to 90 days from the notice of action.) Other plans set their
/// own limits; hence the setting.
pub fn appeal_due(notice_on: NaiveDate, rules: &LoopSettings) -> NaiveDate {
    notice_on + Duration::days(i64::from(rules.appeal_days))
}

/// The task that follows an authorization in `status` since `changed_on`,
/// or `None` when nothing is left to do (draft is the coordinator's own
/// work in the form; expired is over).
///
/// - submitted: follow up with the payer on [`follow_up_due`];
/// - more information requested: send it, the next business day;
/// - approved: renew on [`renewal_due`] (nothing for an approval without
///   an end);
/// - denied: appeal by [`appeal_due`] from `changed_on` taken as the date
///   on the notice, a hard deadline;
/// - appealed: follow up on the appeal like a submission.
pub fn next_step(
    status: AuthStatus,
    changed_on: NaiveDate,
    authorized_until: Option<NaiveDate>,
    rules: &LoopSettings,
    calendar: &Calendar,
) -> Option<NextStep> {
    use AuthStatus::*;
    let step = match status {
        Draft | Expired => return None,
        Submitted => NextStep::new(
            "Follow up with the payer: prior authorization still pending",
            follow_up_due(changed_on, rules, calendar),
            TaskKind::FollowUp,
        ),
        MoreInfoRequested => NextStep::new(
            "Send the payer the information it asked for",
            calendar.add_business_days(changed_on, 1),
            TaskKind::Admin,
        ),
        Approved => NextStep::new(
            "Renew the prior authorization before it ends",
            renewal_due(changed_on, authorized_until, rules)?,
            TaskKind::Admin,
        ),
        Denied => NextStep {
            hard_deadline: true,
            ..NextStep::new(
                "File the appeal of the denied prior authorization",
                appeal_due(changed_on, rules),
                TaskKind::Admin,
            )
        },
        Appealed => NextStep::new(
            "Follow up with the payer on the appeal",
            follow_up_due(changed_on, rules, calendar),
            TaskKind::FollowUp,
        ),
    };
    Some(step)
}

#[cfg(test)]
#[path = "authorization_tests.rs"]
mod tests;
