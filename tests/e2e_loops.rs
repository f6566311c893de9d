//! End to end: closed loops from the keyboard in the built binary, in a
//! real pseudo-terminal, checked in the database after tend has quit
//! (issue 17).
//!
//! On a database of one patient (Zoë Testa, who speaks Spanish) and a
//! synthetic community resource directory: a referral to a food pantry
//! found in the directory, chased, accepted, received and closed with how
//! receipt was confirmed, each move writing the next step; an
//! appointment booked for this morning and marked missed, which puts the
//! outreach call in her tasks.

mod common;
mod fixtures;

use common::start_on_zoe as start;
use common::*;
use fixtures::zoe_db;
use rusqlite::{Connection, OpenFlags};

/// Opens the referrals and waits for the list.
fn referrals(tend: &mut Tend) {
    tend.send("F");
    tend.wait_for("the referrals", |s| s.contents().contains("Referrals"));
}

#[test]
fn a_referral_followed_to_closed_and_a_missed_appointment_reach_the_database() {
    let dir = tempfile::tempdir().unwrap();
    let path = zoe_db(dir.path());
    let package = dir.path().join("directory");
    std::fs::create_dir(&package).unwrap();
    tend::synth::resources::write_package(&package, 60, 1).unwrap();
    tend::resources::import_folder(&mut open(&path, "ccuser"), &package, false).unwrap();
    let mut tend = start(&path);

    // The directory, searched as the words are typed; Enter on a pantry
    // opens the referral form with the service filled in.
    referrals(&mut tend);
    tend.send("s");
    tend.wait_for("the directory", |s| s.contents().contains("irectory"));
    tend.send("pantry");
    tend.wait_for("food pantries found", |s| s.contents().contains("Pantry"));
    tend.send(ENTER);
    tend.wait_for("the referral form, filled in", |s| {
        s.contents().contains("New referral") && s.contents().contains("Pantry")
    });
    // At the reason: it, then urgency, need and "sent now" as offered.
    tend.send("Food insecurity\r\r\r\r");
    tend.wait_for("the referral sent", |s| {
        status_line(s).contains("Referral to") && status_line(s).contains("sent")
    });

    // Accepted, then received, then closed: each move one key, closing
    // one more for how receipt was confirmed.
    tend.send("m");
    tend.wait_for("the statuses the loop allows", |s| {
        s.contents().contains("accepted")
    });
    tend.send("a");
    tend.wait_for("the referral accepted", |s| {
        status_line(s).contains("Referral accepted; next: Confirm the appointment date")
    });
    tend.send("m");
    tend.wait_for("the statuses again", |s| {
        s.contents().contains("service received")
    });
    tend.send("r");
    tend.wait_for("the service received", |s| {
        status_line(s).contains("Referral service received")
    });
    tend.send("m");
    tend.wait_for("closing offered", |s| s.contents().contains("closed"));
    tend.send("c");
    tend.wait_for("how receipt was confirmed", |s| {
        s.contents().contains("how was receipt confirmed")
    });
    tend.send("m");
    tend.wait_for("the referral closed", |s| {
        status_line(s).contains("nothing is left to do")
    });
    // Esc alone, then the next key: sent together they would read as Alt-A.
    tend.send(ESC);
    tend.wait_for("the referrals closed", |s| {
        !s.contents().contains("Referrals")
    });

    // An appointment this morning that she missed.
    tend.send("A");
    tend.wait_for("the appointments", |s| {
        s.contents().contains("Appointments")
    });
    tend.send("n");
    tend.wait_for("the booking form", |s| s.contents().contains("Book"));
    // Day, time, with whom, where, reason, minutes; transport, interpreter
    // (offered as needed: she speaks Spanish) and their arrangements as
    // offered.
    tend.send("today\r08:00\rSynthetic Cardiology\r\rHeart failure follow-up\r\r\r\r\r\r");
    tend.wait_for("the appointment booked", |s| {
        status_line(s).contains("Appointment with Synthetic Cardiology booked")
    });
    tend.send("m");
    tend.wait_for("what became of it", |s| s.contents().contains("missed"));
    tend.send("m");
    tend.wait_for("the outreach call", |s| {
        status_line(s).contains("Appointment missed; next: Call the member")
    });
    tend.send(ESC);
    tend.wait_for("the appointments closed", |s| {
        !s.contents().contains("Appointments")
    });
    tend.send("q");
    assert!(tend.wait_exit().success());

    let db = Connection::open_with_flags(&path, OpenFlags::SQLITE_OPEN_READ_ONLY).unwrap();
    let (status, confirmation, to_name, service, open_step): (String, String, String, String, i64) =
        db.query_row(
            "SELECT r.status, r.confirmation, r.to_name, r.service_ref,
                    (SELECT count(*) FROM task t WHERE t.id = r.task_id)
               FROM referral r",
            [],
            |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?, r.get(3)?, r.get(4)?)),
        )
        .unwrap();
    assert_eq!(
        (status.as_str(), confirmation.as_str(), open_step),
        ("closed", "member-told", 0)
    );
    // The receiver as the directory named it, and the service's HSDS id.
    assert!(to_name.contains("Pantry"), "{to_name}");
    let named: String = db
        .query_row(
            "SELECT name FROM resource_service WHERE source_id = ?1",
            [&service],
            |r| r.get(0),
        )
        .unwrap();
    assert!(to_name.starts_with(&named), "{to_name} / {named}");
    // Each step the referral took was a task, closed by its move.
    let steps: Vec<(String, String)> = db
        .prepare(
            "SELECT description, status FROM task
              WHERE description LIKE 'Chase%' OR description LIKE 'Confirm%'
              ORDER BY id",
        )
        .unwrap()
        .query_map([], |r| Ok((r.get(0)?, r.get(1)?)))
        .unwrap()
        .collect::<Result<_, _>>()
        .unwrap();
    assert_eq!(
        steps,
        [
            (
                "Chase the receiver: no answer to the referral yet".to_string(),
                "completed".to_string()
            ),
            (
                "Confirm the appointment date with the receiver".to_string(),
                "completed".to_string()
            ),
            (
                "Confirm the member got the service and the result came back".to_string(),
                "completed".to_string()
            ),
        ]
    );
    let (appointment, interpreter, outreach_due, outreach_status): (String, bool, String, String) =
        db.query_row(
            "SELECT a.status, a.interpreter_needed, t.due_on, t.status
               FROM appointment a JOIN task t ON t.id = a.outreach_task_id",
            [],
            |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?, r.get(3)?)),
        )
        .unwrap();
    assert_eq!(appointment, "noshow");
    assert!(interpreter, "an interpreter was offered as needed");
    // The next business day: Wednesday 25 November.
    assert_eq!(
        (outreach_due.as_str(), outreach_status.as_str()),
        ("2026-11-25", "requested")
    );
}
