use chrono::{Datelike, Weekday};

use super::*;

fn d(y: i32, m: u32, day: u32) -> NaiveDate {
    NaiveDate::from_ymd_opt(y, m, day).unwrap()
}

/// Every allowed move, written out: any pair not here is refused.
const ALLOWED: &[(&str, &str)] = &[
    ("draft", "sent"),
    ("draft", "cancelled"),
    ("sent", "accepted"),
    ("sent", "scheduled"),
    ("sent", "declined"),
    ("sent", "no-response"),
    ("sent", "cancelled"),
    ("accepted", "scheduled"),
    ("accepted", "received"),
    ("accepted", "cancelled"),
    ("scheduled", "received"),
    ("scheduled", "cancelled"),
    ("scheduled", "no-response"),
    ("received", "closed"),
    ("no-response", "sent"),
    ("no-response", "cancelled"),
];

#[test]
fn every_move_over_all_statuses_is_allowed_or_refused_as_the_table_says() {
    let mut allowed = 0;
    for &from in ReferralStatus::ALL {
        for &to in ReferralStatus::ALL {
            let expected = ALLOWED.contains(&(from.code(), to.code()));
            let got = move_allowed(from, to);
            assert_eq!(
                got.is_ok(),
                expected,
                "{} -> {}: {got:?}",
                from.code(),
                to.code()
            );
            if let Err(refused) = got {
                assert!(!refused.0.is_empty(), "{} -> {}", from.code(), to.code());
            } else {
                allowed += 1;
            }
        }
    }
    assert_eq!(allowed, ALLOWED.len());
    assert_eq!(ReferralStatus::ALL.len(), 9);
}

#[test]
fn refusals_say_why() {
    use ReferralStatus::*;
    let why = |from, to| move_allowed(from, to).unwrap_err().0;
    assert_eq!(
        why(Sent, Closed),
        "a referral is closed only after the service was received"
    );
    assert_eq!(
        why(Scheduled, Closed),
        "a referral is closed only after the service was received"
    );
    assert_eq!(
        why(Closed, Sent),
        "a closed referral is finished and cannot change; make a new referral"
    );
    assert_eq!(
        why(Cancelled, Draft),
        "a cancelled referral is finished and cannot change; make a new referral"
    );
    assert_eq!(
        why(Sent, Draft),
        "a referral that was sent cannot go back to draft"
    );
    assert_eq!(why(Draft, Accepted), "a draft referral must be sent first");
    assert_eq!(why(Sent, Sent), "the referral is already sent");
    assert_eq!(
        why(Sent, Received),
        "the service is received only after the receiver accepted or scheduled it"
    );
    assert_eq!(
        why(Accepted, Declined),
        "only a referral waiting for the receiver's answer can be declined"
    );
    assert_eq!(
        why(Received, Cancelled),
        "the service was already received; close the referral with how it was confirmed"
    );
}

#[test]
fn terminal_statuses_have_no_moves_and_open_ones_do() {
    for &status in ReferralStatus::ALL {
        assert_eq!(
            status.is_terminal(),
            status.moves().is_empty(),
            "{status:?}"
        );
    }
}

#[test]
fn closing_needs_receipt_and_how_it_was_confirmed() {
    use ReferralStatus::*;
    assert_eq!(
        close(Received, Some(ReceiptConfirmation::VisitNote)),
        Ok(ReceiptConfirmation::VisitNote)
    );
    let refused = close(Received, None).unwrap_err();
    assert!(
        refused
            .0
            .starts_with("a referral is closed as done only with how receipt was confirmed"),
        "{refused}"
    );
    // Not received: the move itself is refused first.
    assert_eq!(
        close(Scheduled, Some(ReceiptConfirmation::MemberTold))
            .unwrap_err()
            .0,
        "a referral is closed only after the service was received"
    );
}

#[test]
fn no_open_status_is_without_a_next_step() {
    let cal = Calendar::default();
    let rules = LoopSettings::default();
    let on = d(2026, 3, 2);
    for &status in ReferralStatus::ALL {
        for appointment in [None, Some(d(2026, 3, 10))] {
            let step = next_step(status, on, appointment, &rules, &cal);
            assert_eq!(step.is_none(), status.is_terminal(), "{status:?}");
            if let Some(step) = step {
                assert!(step.due >= on, "{status:?}: {step:?}");
                assert!(!step.title.is_empty());
            }
        }
    }
}

#[test]
fn sent_wednesday_before_thanksgiving_is_chased_the_monday_after() {
    let cal = Calendar::default();
    let sent = d(2026, 11, 25);
    assert_eq!(sent.weekday(), Weekday::Wed);
    assert_eq!(d(2026, 11, 26).weekday(), Weekday::Thu);
    assert_eq!(cal.is_holiday(d(2026, 11, 26)), Some("Thanksgiving Day"));
    let rules = LoopSettings {
        no_response_business_days: 2,
        ..LoopSettings::default()
    };
    let step = next_step(ReferralStatus::Sent, sent, None, &rules, &cal).unwrap();
    // Friday 27 is day 1, the weekend is skipped, Monday 30 is day 2.
    assert_eq!(step.due, d(2026, 11, 30));
    assert_eq!(step.due.weekday(), Weekday::Mon);
    assert_eq!(step.kind, TaskKind::FollowUp);
    // With the default 5: Fri 27, Mon 30, Tue 1, Wed 2, Thu 3 December.
    let step = next_step(
        ReferralStatus::Sent,
        sent,
        None,
        &LoopSettings::default(),
        &cal,
    );
    assert_eq!(step.unwrap().due, d(2026, 12, 3));
}

#[test]
fn each_open_status_has_its_step_and_due_date() {
    use ReferralStatus::*;
    let cal = Calendar::default();
    let rules = LoopSettings::default();
    // Friday 3 July 2026 is Independence Day observed (the 4th is a Saturday).
    let on = d(2026, 7, 2);
    assert_eq!(on.weekday(), Weekday::Thu);
    let step = |status, appointment| next_step(status, on, appointment, &rules, &cal).unwrap();

    let draft = step(Draft, None);
    assert_eq!((draft.title.as_str(), draft.due), ("Send the referral", on));
    assert_eq!(draft.kind, TaskKind::Referral);

    // 5 business days: Mon 6, Tue 7, Wed 8, Thu 9, Fri 10.
    let accepted = step(Accepted, None);
    assert_eq!(
        accepted.title,
        "Confirm the appointment date with the receiver"
    );
    assert_eq!(accepted.due, d(2026, 7, 10));

    let scheduled = step(Scheduled, Some(d(2026, 7, 14)));
    assert_eq!(scheduled.due, d(2026, 7, 15));
    assert_eq!(scheduled.kind, TaskKind::Call);
    assert_eq!(
        scheduled.title,
        "Ask whether the member went to the referral appointment"
    );
    // Without a date: find it out the next business day, Monday 6 July.
    assert_eq!(step(Scheduled, None).due, d(2026, 7, 6));

    let received = step(Received, None);
    assert_eq!(
        received.title,
        "Confirm the member got the service and the result came back"
    );
    assert_eq!(received.due, d(2026, 7, 10));

    let silent = step(NoResponse, None);
    assert_eq!(silent.due, d(2026, 7, 6));
    assert_eq!(silent.kind, TaskKind::Call);

    for terminal in [Closed, Declined, Cancelled] {
        assert_eq!(next_step(terminal, on, None, &rules, &cal), None);
    }
}

#[test]
fn choice_codes_and_keys_are_unique() {
    fn unique<T: Copy>(all: &[T], code: fn(T) -> &'static str, key: fn(T) -> char) {
        let codes: std::collections::BTreeSet<_> = all.iter().map(|c| code(*c)).collect();
        let keys: std::collections::BTreeSet<_> = all.iter().map(|c| key(*c)).collect();
        assert_eq!(codes.len(), all.len());
        assert_eq!(keys.len(), all.len());
    }
    unique(
        ReferralStatus::ALL,
        ReferralStatus::code,
        ReferralStatus::key,
    );
    unique(ReferralKind::ALL, ReferralKind::code, ReferralKind::key);
    unique(Urgency::ALL, Urgency::code, Urgency::key);
    unique(
        ReceiptConfirmation::ALL,
        ReceiptConfirmation::code,
        ReceiptConfirmation::key,
    );
    assert_eq!(
        ReferralStatus::from_code("no-response"),
        Some(ReferralStatus::NoResponse)
    );
}
