//! Prior authorizations in the store, against real SQLite files (issue
//! 17): followed up while pending, appealed by the deadline a denial sets,
//! renewed before an approval ends. The tests' today is Tuesday 24
//! November 2026.

mod common;

use common::loops::{date, open_tasks, refusal, store, task_ref};
use tend::domain::authorization::AuthStatus;
use tend::domain::task::Priority;
use tend::store::{AuthMove, NewAuthorization};

fn auth_move(to: AuthStatus) -> AuthMove {
    AuthMove {
        to,
        on: None,
        units: None,
        authorized_from: None,
        authorized_until: None,
        payer_ref: None,
        note: None,
    }
}

#[test]
fn a_prior_authorization_is_followed_up_renewed_and_appealed_by_its_deadline() {
    let dir = tempfile::tempdir().unwrap();
    let (mut store, patient) = store(dir.path());
    let new = NewAuthorization {
        patient_id: patient,
        payer: "Synthetic Health Plan".into(),
        item: "Home health aide".into(),
        item_system: Some("hcpcs".into()),
        item_code: Some("G0156".into()),
        diagnosis_code: Some("I50.9".into()),
        submitted: true,
    };
    let bad_system = NewAuthorization {
        item_system: Some("loinc".into()),
        ..new.clone()
    };
    assert_eq!(
        refusal(store.add_authorization(&bad_system)),
        "the item's code system must be one of cpt, hcpcs, rxnorm, ndc; nothing was changed"
    );
    let id = store.add_authorization(&new).unwrap();
    let submitted = store.authorization(id).unwrap().unwrap();
    assert_eq!(submitted.submitted_on, Some(date(2026, 11, 24)));
    assert_eq!(submitted.next_due, Some(date(2026, 12, 2)));

    // A notice dated in the future is a mistake.
    let future = AuthMove {
        on: Some(date(2026, 11, 30)),
        ..auth_move(AuthStatus::Denied)
    };
    assert_eq!(
        refusal(store.move_authorization(id, submitted.version, &future)),
        "the date of a submission or a notice cannot be in the future; nothing was changed"
    );
    // Denied by a notice dated Friday 20 November: appeal within 60 days.
    let denied = AuthMove {
        on: Some(date(2026, 11, 20)),
        ..auth_move(AuthStatus::Denied)
    };
    store
        .move_authorization(id, submitted.version, &denied)
        .unwrap();
    let d = store.authorization(id).unwrap().unwrap();
    assert_eq!(d.decided_on, Some(date(2026, 11, 20)));
    assert_eq!(d.next_due, Some(date(2027, 1, 19)));
    let appeal = store.task(d.task_id.unwrap()).unwrap().unwrap();
    assert!(appeal.hard_deadline);
    assert_eq!(appeal.priority, Priority::Urgent);
    assert_eq!(
        refusal(store.snooze_tasks(&[task_ref(&store, appeal.id)], date(2027, 2, 1))),
        "a deadline set by a rule cannot be moved (the appeal's filing limit); nothing was changed"
    );
    assert_eq!(
        refusal(store.move_authorization(id, d.version, &auth_move(AuthStatus::Approved))),
        "a denial is overturned only by its appeal; record the appeal first; nothing was changed"
    );
    store
        .move_authorization(id, d.version, &auth_move(AuthStatus::Appealed))
        .unwrap();
    let appealed = store.authorization(id).unwrap().unwrap();
    let backwards = AuthMove {
        authorized_from: Some(date(2026, 12, 1)),
        authorized_until: Some(date(2026, 11, 30)),
        ..auth_move(AuthStatus::Approved)
    };
    assert_eq!(
        refusal(store.move_authorization(id, appealed.version, &backwards)),
        "the authorization cannot end before it starts; nothing was changed"
    );
    let approved = AuthMove {
        units: Some(24),
        authorized_from: Some(date(2026, 11, 24)),
        authorized_until: Some(date(2027, 2, 28)),
        payer_ref: Some("PA-SYN-0001".into()),
        ..auth_move(AuthStatus::Approved)
    };
    store
        .move_authorization(id, appealed.version, &approved)
        .unwrap();
    let a = store.authorization(id).unwrap().unwrap();
    assert_eq!(a.units, Some(24));
    assert_eq!(a.payer_ref.as_deref(), Some("PA-SYN-0001"));
    // Renewal 30 days before the end.
    assert_eq!(a.next_due, Some(date(2027, 1, 29)));
    let titles: Vec<String> = open_tasks(&store, patient)
        .into_iter()
        .map(|(title, ..)| title)
        .collect();
    assert_eq!(titles, ["Renew the prior authorization before it ends"]);
}
