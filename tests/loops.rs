//! Closed loops in the store, against real SQLite files (issue 17):
//! referrals, appointments and prior authorizations each move only as
//! their loop allows, and every open one holds exactly one open task that
//! is its next step, written in the same transaction as the move. The
//! tests' today is Tuesday 24 November 2026 (Thanksgiving is Thursday 26).

mod common;

use common::loops::{at, date, open_tasks, refusal, reopen_on, store, task_ref};

use chrono::NaiveDateTime;
use tend::domain::appointment::AppointmentStatus;
use tend::domain::referral::{ReceiptConfirmation, ReferralKind, ReferralStatus, Urgency};
use tend::domain::task::{Priority, TaskStatus};
use tend::store::{
    LoopKind, NewAppointment, NewAuthorization, NewReferral, ReferralMove, StoreError,
};

fn referral(patient_id: i64, sent: bool) -> NewReferral {
    NewReferral {
        patient_id,
        kind: ReferralKind::Clinical,
        urgency: Urgency::Routine,
        reason: "Medication management for depression".into(),
        need_id: None,
        goal_id: None,
        to_name: "Synthetic Behavioral Health Clinic".into(),
        to_phone: Some("555-0142".into()),
        service_ref: Some("svc-00007".into()),
        sent,
    }
}

fn to(status: ReferralStatus) -> ReferralMove {
    ReferralMove {
        to: status,
        appointment_on: None,
        confirmation: None,
        note: None,
    }
}

fn appointment(patient_id: i64, starts_at: NaiveDateTime) -> NewAppointment {
    NewAppointment {
        patient_id,
        starts_at,
        minutes: Some(30),
        with_whom: "Synthetic Cardiology".into(),
        place: Some("Clinic B".into()),
        reason: "Heart failure follow-up".into(),
        referral_id: None,
        transport_needed: true,
        transport_arranged: false,
        interpreter_needed: false,
        interpreter_arranged: false,
    }
}

#[test]
fn a_referral_moves_with_its_next_step_until_closed_with_how_receipt_was_confirmed() {
    let dir = tempfile::tempdir().unwrap();
    let (mut store, patient) = store(dir.path());
    let id = store.add_referral(&referral(patient, true)).unwrap();
    let sent = store.referral(id).unwrap().unwrap();
    assert_eq!(sent.status, ReferralStatus::Sent);
    // Five business days from Tuesday 24 November, Thanksgiving skipped.
    assert_eq!(sent.next_due, Some(date(2026, 12, 2)));
    assert_eq!(
        open_tasks(&store, patient),
        vec![(
            "Chase the receiver: no answer to the referral yet".to_string(),
            Some(date(2026, 12, 2)),
            false
        )]
    );

    // Closing before the service was received is refused, with the reason.
    assert_eq!(
        refusal(store.move_referral(id, sent.version, &to(ReferralStatus::Closed))),
        "a referral is closed only after the service was received; nothing was changed"
    );
    store
        .move_referral(id, sent.version, &to(ReferralStatus::Accepted))
        .unwrap();
    let accepted = store.referral(id).unwrap().unwrap();
    let chase = store.task(sent.task_id.unwrap()).unwrap().unwrap();
    assert_eq!(chase.status, TaskStatus::Completed);
    assert_eq!(
        open_tasks(&store, patient),
        vec![(
            "Confirm the appointment date with the receiver".to_string(),
            Some(date(2026, 12, 2)),
            false
        )]
    );

    // A second session working from the old version is told, not obeyed.
    let stale = store.move_referral(id, sent.version, &to(ReferralStatus::Scheduled));
    assert!(matches!(stale, Err(StoreError::Conflict(_))), "{stale:?}");

    let scheduled = ReferralMove {
        appointment_on: Some(date(2026, 12, 3)),
        ..to(ReferralStatus::Scheduled)
    };
    store
        .move_referral(id, accepted.version, &scheduled)
        .unwrap();
    let r = store.referral(id).unwrap().unwrap();
    assert_eq!(r.appointment_on, Some(date(2026, 12, 3)));
    assert_eq!(
        open_tasks(&store, patient),
        vec![(
            "Ask whether the member went to the referral appointment".to_string(),
            Some(date(2026, 12, 4)),
            false
        )]
    );
    store
        .move_referral(id, r.version, &to(ReferralStatus::Received))
        .unwrap();
    let r = store.referral(id).unwrap().unwrap();
    assert_eq!(
        refusal(store.move_referral(id, r.version, &to(ReferralStatus::Closed))),
        "a referral is closed as done only with how receipt was confirmed \
         (the member told us, the receiver's report, a visit note on file, or other); \
         nothing was changed"
    );
    let close = ReferralMove {
        confirmation: Some(ReceiptConfirmation::ReceiverReport),
        ..to(ReferralStatus::Closed)
    };
    store.move_referral(id, r.version, &close).unwrap();
    let closed = store.referral(id).unwrap().unwrap();
    assert_eq!(closed.status, ReferralStatus::Closed);
    assert_eq!(
        closed.confirmation,
        Some(ReceiptConfirmation::ReceiverReport)
    );
    assert_eq!(closed.task_id, None);
    assert_eq!(open_tasks(&store, patient), vec![]);
    // The receiver's copy stays, whatever becomes of the directory.
    assert_eq!(closed.to_name, "Synthetic Behavioral Health Clinic");
    assert_eq!(closed.to_phone.as_deref(), Some("555-0142"));
    assert_eq!(closed.service_ref.as_deref(), Some("svc-00007"));

    // Every move is in the audit trail.
    let mut moves: Vec<String> = Vec::new();
    store
        .for_each_audit_row(&Default::default(), |row| {
            if row.event.entity_type == "ServiceRequest" {
                moves.extend(row.event.detail);
            }
            Ok(())
        })
        .unwrap();
    assert_eq!(
        moves,
        [
            "clinical referral, sent",
            "sent → accepted",
            "accepted → scheduled",
            "scheduled → received",
            "received → closed (receiver-report)"
        ]
    );
}

#[test]
fn a_referrals_step_is_done_by_moving_the_referral_not_by_ticking_it() {
    let dir = tempfile::tempdir().unwrap();
    let (mut store, patient) = store(dir.path());
    let id = store.add_referral(&referral(patient, false)).unwrap();
    let draft = store.referral(id).unwrap().unwrap();
    assert_eq!(draft.status, ReferralStatus::Draft);
    assert_eq!(
        open_tasks(&store, patient),
        vec![(
            "Send the referral".to_string(),
            Some(date(2026, 11, 24)),
            false
        )]
    );
    let step = task_ref(&store, draft.task_id.unwrap());
    let why = refusal(store.complete_tasks(&[step], None, common::today()));
    assert!(why.starts_with("done by moving the referral"), "{why}");
    // Moving its day is the coordinator's own business.
    store.snooze_tasks(&[step], date(2026, 11, 25)).unwrap();
    assert_eq!(
        store.referral(id).unwrap().unwrap().next_due,
        Some(date(2026, 11, 25))
    );

    // Cancelling ends the loop and cancels its step.
    let version = store.referral(id).unwrap().unwrap().version;
    store
        .move_referral(
            id,
            version,
            &ReferralMove {
                note: Some("member moved out of the area".into()),
                ..to(ReferralStatus::Cancelled)
            },
        )
        .unwrap();
    let cancelled = store.referral(id).unwrap().unwrap();
    assert_eq!(
        cancelled.status_note.as_deref(),
        Some("member moved out of the area")
    );
    assert_eq!(
        store.task(step.id).unwrap().unwrap().status,
        TaskStatus::Cancelled
    );
    assert_eq!(
        refusal(store.move_referral(id, cancelled.version, &to(ReferralStatus::Sent))),
        "a cancelled referral is finished and cannot change; make a new referral; nothing was changed"
    );
}

#[test]
fn an_urgent_referral_has_urgent_steps_and_a_blank_receiver_is_refused() {
    let dir = tempfile::tempdir().unwrap();
    let (mut store, patient) = store(dir.path());
    let urgent = NewReferral {
        urgency: Urgency::Urgent,
        kind: ReferralKind::Community,
        ..referral(patient, true)
    };
    let id = store.add_referral(&urgent).unwrap();
    let task = store.referral(id).unwrap().unwrap().task_id.unwrap();
    assert_eq!(
        store.task(task).unwrap().unwrap().priority,
        Priority::Urgent
    );
    let blank = NewReferral {
        to_name: "  ".into(),
        ..referral(patient, true)
    };
    assert_eq!(
        refusal(store.add_referral(&blank)),
        "a referral needs who it goes to; nothing was changed"
    );
    assert_eq!(store.referrals(patient).unwrap().len(), 1);
}

#[test]
fn an_appointment_has_a_reminder_before_and_did_they_go_after() {
    let dir = tempfile::tempdir().unwrap();
    let (mut store, patient) = store(dir.path());
    assert_eq!(
        refusal(store.book_appointment(&appointment(patient, at(2026, 11, 23, 10)))),
        "an appointment in the past cannot be booked; record it as kept or missed; nothing was changed"
    );
    let id = store
        .book_appointment(&appointment(patient, at(2026, 12, 1, 10)))
        .unwrap();
    let booked = store.appointment(id).unwrap().unwrap();
    assert_eq!(booked.status, AppointmentStatus::Booked);
    assert_eq!(booked.needs_arranging(), vec!["transport"]);
    assert_eq!(
        open_tasks(&store, patient),
        vec![
            (
                "Remind the member: appointment with Synthetic Cardiology on Tue 1 Dec 10:00; \
                 arrange transport"
                    .to_string(),
                Some(date(2026, 11, 29)),
                false
            ),
            (
                "Did they go? Appointment with Synthetic Cardiology on Tue 1 Dec".to_string(),
                Some(date(2026, 12, 2)),
                false
            ),
        ]
    );
    // Not kept or missed before its day.
    assert_eq!(
        refusal(store.move_appointment(
            id,
            booked.version,
            &tend::store::AppointmentMove {
                to: AppointmentStatus::Missed,
                new_start: None,
                note: None,
            }
        )),
        "an appointment is missed only once its day has come; nothing was changed"
    );
    // Arranging transport says so in the reminder.
    store
        .set_arrangements(id, booked.version, true, false)
        .unwrap();
    let reminder = store
        .task(booked.reminder_task_id.unwrap())
        .unwrap()
        .unwrap();
    assert_eq!(
        reminder.title,
        "Remind the member: appointment with Synthetic Cardiology on Tue 1 Dec 10:00"
    );
    // The reminder is a plain task: done when done.
    store
        .complete_tasks(&[task_ref(&store, reminder.id)], None, common::today())
        .unwrap();
    // "Did they go?" is answered, not ticked.
    let went = task_ref(&store, booked.task_id.unwrap());
    let why = refusal(store.complete_tasks(&[went], None, common::today()));
    assert!(why.starts_with("done by saying whether they went"), "{why}");

    assert_eq!(
        store
            .upcoming_appointments(patient, 3)
            .unwrap()
            .iter()
            .map(|a| a.id)
            .collect::<Vec<_>>(),
        [id]
    );
    // Seven days from today end on Monday 30 November; the next week has it.
    let week = |from| store.appointments_week("ccuser", false, from).unwrap();
    assert_eq!(week(common::today()), vec![]);
    let week = week(date(2026, 12, 1));
    assert_eq!(week.len(), 1);
    assert_eq!(week[0].member_id, "SYN0");
}

#[test]
fn a_missed_appointment_starts_outreach_and_counts_as_a_no_show() {
    let dir = tempfile::tempdir().unwrap();
    let (mut store, patient) = store(dir.path());
    let kept = store
        .book_appointment(&appointment(patient, at(2026, 11, 24, 8)))
        .unwrap();
    let missed = store
        .book_appointment(&appointment(patient, at(2026, 11, 25, 14)))
        .unwrap();
    drop(store);
    // Friday 27 November: the day after Thanksgiving.
    let mut store = reopen_on(dir.path(), "2026-11-27T09:00:00-05:00");
    let move_to = |to| tend::store::AppointmentMove {
        to,
        new_start: None,
        note: None,
    };
    let v = store.appointment(kept).unwrap().unwrap().version;
    store
        .move_appointment(kept, v, &move_to(AppointmentStatus::Kept))
        .unwrap();
    let before = store.appointment(missed).unwrap().unwrap();
    store
        .move_appointment(missed, before.version, &move_to(AppointmentStatus::Missed))
        .unwrap();
    let after = store.appointment(missed).unwrap().unwrap();
    assert_eq!(after.status, AppointmentStatus::Missed);
    let outreach = store
        .task(after.outreach_task_id.unwrap())
        .unwrap()
        .unwrap();
    assert_eq!(
        outreach.title,
        "Call the member: missed appointment, find out why and book again"
    );
    // The next business day after Wednesday 25: Thanksgiving is skipped.
    assert_eq!(outreach.due_on, Some(date(2026, 11, 27)));
    assert_eq!(outreach.priority, Priority::Urgent);
    assert_eq!(
        store.task(before.task_id.unwrap()).unwrap().unwrap().status,
        TaskStatus::Completed
    );
    assert_eq!(
        store
            .task(before.reminder_task_id.unwrap())
            .unwrap()
            .unwrap()
            .status,
        TaskStatus::Cancelled
    );
    assert_eq!(
        store.no_show_counts(Some(patient), "ccuser").unwrap(),
        (1, 1)
    );
    assert_eq!(store.no_show_counts(None, "ccuser").unwrap(), (1, 1));
    // Final: a missed appointment is not kept afterwards.
    assert_eq!(
        refusal(store.move_appointment(missed, after.version, &move_to(AppointmentStatus::Kept))),
        "a missed appointment is final; book a new one; nothing was changed"
    );
}

#[test]
fn rescheduling_books_the_new_date_with_its_own_steps() {
    let dir = tempfile::tempdir().unwrap();
    let (mut store, patient) = store(dir.path());
    let first = store
        .book_appointment(&appointment(patient, at(2026, 12, 1, 10)))
        .unwrap();
    let booked = store.appointment(first).unwrap().unwrap();
    let no_date = tend::store::AppointmentMove {
        to: AppointmentStatus::Rescheduled,
        new_start: None,
        note: None,
    };
    assert_eq!(
        refusal(store.move_appointment(first, booked.version, &no_date)),
        "a rescheduled appointment needs its new date and time; nothing was changed"
    );
    let again = tend::store::AppointmentMove {
        new_start: Some(at(2026, 12, 8, 15)),
        ..no_date
    };
    let second = store
        .move_appointment(first, booked.version, &again)
        .unwrap()
        .unwrap();
    let old = store.appointment(first).unwrap().unwrap();
    assert_eq!(old.status, AppointmentStatus::Rescheduled);
    assert_eq!(old.rescheduled_to, Some(second));
    let new = store.appointment(second).unwrap().unwrap();
    assert_eq!(new.starts_at, at(2026, 12, 8, 15));
    assert_eq!(new.with_whom, "Synthetic Cardiology");
    let titles: Vec<String> = open_tasks(&store, patient)
        .into_iter()
        .map(|(title, ..)| title)
        .collect();
    assert_eq!(
        titles,
        [
            "Remind the member: appointment with Synthetic Cardiology on Tue 8 Dec 15:00; arrange transport",
            "Did they go? Appointment with Synthetic Cardiology on Tue 8 Dec",
        ]
    );
}

#[test]
fn open_loops_oldest_first_and_search_finds_loops_by_their_words() {
    let dir = tempfile::tempdir().unwrap();
    let (mut store, patient) = store(dir.path());
    store.add_referral(&referral(patient, true)).unwrap();
    store
        .add_authorization(&NewAuthorization {
            patient_id: patient,
            payer: "Synthetic Health Plan".into(),
            item: "Adult day health".into(),
            item_system: None,
            item_code: None,
            diagnosis_code: None,
            submitted: true,
        })
        .unwrap();
    let booked = store
        .book_appointment(&appointment(patient, at(2026, 11, 24, 8)))
        .unwrap();
    drop(store);
    let store = reopen_on(dir.path(), "2026-11-25T09:00:00-05:00");
    let loops = store.open_loops("ccuser", false).unwrap();
    let kinds: Vec<(LoopKind, &str)> = loops.iter().map(|l| (l.kind, l.status.as_str())).collect();
    // The appointment whose day passed unanswered is open too; all three
    // began the same day.
    assert_eq!(
        kinds,
        [
            (LoopKind::Referral, "sent"),
            (LoopKind::Appointment, "booked"),
            (LoopKind::Authorization, "submitted"),
        ]
    );
    assert_eq!(loops[1].id, booked);
    assert_eq!(loops[0].member_id, "SYN0");
    assert_eq!(store.open_loops("someone-else", false).unwrap(), vec![]);
    assert_eq!(store.open_loops("someone-else", true).unwrap().len(), 3);

    let found = store.search_loops("behavioral clinic", 50).unwrap();
    assert_eq!(found.len(), 1);
    assert_eq!(found[0].kind, LoopKind::Referral);
    let found = store.search_loops("day health", 50).unwrap();
    assert_eq!(found[0].kind, LoopKind::Authorization);
    assert_eq!(store.search_loops("cardiology", 50).unwrap().len(), 1);
    assert_eq!(store.search_loops("nothing-like-it", 50).unwrap(), vec![]);
}

#[test]
fn tend_check_names_an_open_loop_left_without_a_next_step() {
    let dir = tempfile::tempdir().unwrap();
    let (mut store, patient) = store(dir.path());
    let id = store.add_referral(&referral(patient, true)).unwrap();
    assert_eq!(
        tend::store::check_file(&dir.path().join("loops.db"))
            .unwrap()
            .foreign_key_problems,
        Vec::<String>::new()
    );
    // Changed outside tend: the step closed, the referral left open.
    let task = store.referral(id).unwrap().unwrap().task_id.unwrap();
    drop(store);
    let conn = rusqlite::Connection::open(dir.path().join("loops.db")).unwrap();
    conn.execute("UPDATE task SET status = 'completed' WHERE id = ?1", [task])
        .unwrap();
    drop(conn);
    let report = tend::store::check_file(&dir.path().join("loops.db")).unwrap();
    assert_eq!(
        report.foreign_key_problems,
        [format!(
            "referral row {id} is open without an open next step"
        )]
    );
    assert!(!report.is_healthy());
}

#[test]
fn a_loop_made_in_the_evening_is_of_that_day_not_the_next_in_utc() {
    let dir = tempfile::tempdir().unwrap();
    let (store, patient) = store(dir.path());
    drop(store);
    // 8:30 p.m. in New York: already Wednesday in UTC.
    let mut store = reopen_on(dir.path(), "2026-11-24T20:30:00-05:00");
    let id = store.add_referral(&referral(patient, true)).unwrap();
    let booked = store
        .book_appointment(&appointment(patient, at(2026, 12, 1, 10)))
        .unwrap();
    assert_eq!(
        store.referral(id).unwrap().unwrap().created_on,
        date(2026, 11, 24)
    );
    assert_eq!(
        store.appointment(booked).unwrap().unwrap().created_on,
        date(2026, 11, 24)
    );
    let open = store.open_loops("ccuser", false).unwrap();
    let referral_row = open.iter().find(|l| l.kind == LoopKind::Referral);
    assert_eq!(referral_row.map(|l| l.since), Some(date(2026, 11, 24)));
}
