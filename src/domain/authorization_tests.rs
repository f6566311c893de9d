use chrono::{Datelike, Weekday};

use super::*;

fn d(y: i32, m: u32, day: u32) -> NaiveDate {
    NaiveDate::from_ymd_opt(y, m, day).unwrap()
}

/// Every allowed move, written out: any pair not here is refused.
const ALLOWED: &[(&str, &str)] = &[
    ("draft", "submitted"),
    ("submitted", "more-info-requested"),
    ("submitted", "approved"),
    ("submitted", "denied"),
    ("more-info-requested", "submitted"),
    ("more-info-requested", "approved"),
    ("more-info-requested", "denied"),
    ("denied", "appealed"),
    ("appealed", "approved"),
    ("appealed", "denied"),
    ("approved", "expired"),
];

#[test]
fn every_move_over_all_statuses_is_allowed_or_refused_as_the_table_says() {
    let mut allowed = 0;
    for &from in AuthStatus::ALL {
        for &to in AuthStatus::ALL {
            let expected = ALLOWED.contains(&(from.code(), to.code()));
            let got = move_allowed(from, to);
            assert_eq!(
                got.is_ok(),
                expected,
                "{} -> {}: {got:?}",
                from.code(),
                to.code()
            );
            match got {
                Ok(()) => allowed += 1,
                Err(refused) => assert!(!refused.0.is_empty()),
            }
        }
    }
    assert_eq!(allowed, ALLOWED.len());
    assert_eq!(AuthStatus::ALL.len(), 7);
}

#[test]
fn refusals_say_why() {
    use AuthStatus::*;
    let why = |from, to| move_allowed(from, to).unwrap_err().0;
    assert_eq!(
        why(Expired, Submitted),
        "an expired authorization is final; ask again with a new authorization"
    );
    assert_eq!(
        why(Approved, Approved),
        "the authorization is already approved"
    );
    assert_eq!(
        why(Draft, Approved),
        "a draft authorization must be submitted first"
    );
    assert_eq!(
        why(Submitted, Draft),
        "an authorization that was submitted cannot go back to draft"
    );
    assert_eq!(
        why(Submitted, Appealed),
        "only a denied authorization can be appealed"
    );
    assert_eq!(
        why(Denied, Expired),
        "only an approved authorization expires"
    );
    assert_eq!(
        why(Denied, Approved),
        "a denial is overturned only by its appeal; record the appeal first"
    );
    assert_eq!(
        why(Approved, MoreInfoRequested),
        "the payer asks for more information only while it is deciding"
    );
}

#[test]
fn follow_up_five_business_days_after_submission() {
    let cal = Calendar::default();
    let rules = LoopSettings::default();
    // Wednesday 25 November 2026: Thanksgiving (Thu 26) and the weekend are
    // skipped: Fri 27, Mon 30, Tue 1, Wed 2, Thu 3 December.
    assert_eq!(d(2026, 11, 25).weekday(), Weekday::Wed);
    assert_eq!(follow_up_due(d(2026, 11, 25), &rules, &cal), d(2026, 12, 3));
    // Monday 4 May 2026, no holiday: Monday 11 May.
    assert_eq!(follow_up_due(d(2026, 5, 4), &rules, &cal), d(2026, 5, 11));
    let two = LoopSettings {
        pending_business_days: 2,
        ..LoopSettings::default()
    };
    assert_eq!(follow_up_due(d(2026, 11, 25), &two, &cal), d(2026, 11, 30));
}

#[test]
fn renewal_thirty_days_before_the_end() {
    let rules = LoopSettings::default();
    let decided = d(2026, 1, 15);
    assert_eq!(
        renewal_due(decided, Some(d(2026, 6, 30)), &rules),
        Some(d(2026, 5, 31))
    );
    // Across February (2026 is not a leap year).
    assert_eq!(
        renewal_due(decided, Some(d(2026, 3, 15)), &rules),
        Some(d(2026, 2, 13))
    );
    // A short approval: renew from the day it was given.
    assert_eq!(
        renewal_due(decided, Some(d(2026, 2, 1)), &rules),
        Some(decided)
    );
    assert_eq!(renewal_due(decided, None, &rules), None);
    let sixty = LoopSettings {
        renewal_days_before: 60,
        ..LoopSettings::default()
    };
    assert_eq!(
        renewal_due(decided, Some(d(2026, 6, 30)), &sixty),
        Some(d(2026, 5, 1))
    );
}

#[test]
fn appeal_sixty_calendar_days_from_the_notice() {
    let rules = LoopSettings::default();
    // Calendar days, weekends and holidays included.
    assert_eq!(appeal_due(d(2026, 3, 2), &rules), d(2026, 5, 1));
    // Across a year end: 17 days left in December, 31 in January, 12 in February.
    assert_eq!(appeal_due(d(2026, 12, 14), &rules), d(2027, 2, 12));
    // Across a leap February.
    assert_eq!(appeal_due(d(2028, 1, 15), &rules), d(2028, 3, 15));
    let ninety = LoopSettings {
        appeal_days: 90,
        ..LoopSettings::default()
    };
    assert_eq!(appeal_due(d(2026, 12, 14), &ninety), d(2027, 3, 14));
}

#[test]
fn next_steps_by_status() {
    use AuthStatus::*;
    let cal = Calendar::default();
    let rules = LoopSettings::default();
    let on = d(2026, 12, 14);
    let until = Some(d(2027, 3, 31));
    let step = |status| next_step(status, on, until, &rules, &cal);

    assert_eq!(step(Draft), None);
    assert_eq!(step(Expired), None);
    let pending = step(Submitted).unwrap();
    assert_eq!(pending.due, d(2026, 12, 21));
    assert_eq!(pending.kind, TaskKind::FollowUp);
    assert_eq!(step(MoreInfoRequested).unwrap().due, d(2026, 12, 15));
    assert_eq!(step(Approved).unwrap().due, d(2027, 3, 1));
    assert_eq!(next_step(Approved, on, None, &rules, &cal), None);
    let appeal = step(Denied).unwrap();
    assert_eq!(appeal.due, d(2027, 2, 12));
    assert!(appeal.hard_deadline);
    assert!(!pending.hard_deadline);
    assert_eq!(step(Appealed).unwrap().due, d(2026, 12, 21));
}

#[test]
fn choice_codes_and_keys_are_unique() {
    let codes: std::collections::BTreeSet<_> = AuthStatus::ALL.iter().map(|s| s.code()).collect();
    let keys: std::collections::BTreeSet<_> = AuthStatus::ALL.iter().map(|s| s.key()).collect();
    assert_eq!(codes.len(), AuthStatus::ALL.len());
    assert_eq!(keys.len(), AuthStatus::ALL.len());
    assert_eq!(
        AuthStatus::from_code("more-info-requested"),
        Some(AuthStatus::MoreInfoRequested)
    );
}
