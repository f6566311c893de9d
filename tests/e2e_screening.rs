//! End to end: a PHQ-9 administered by keys in the built binary, in a real
//! pseudo-terminal (issue 18). Killed halfway with SIGKILL, the screening
//! is offered back at the next start with every answer given; item 9
//! answered above 0 shows the program's safety steps at once, puts a
//! safety flag on the patient and an escalation task first in Today; and
//! the signed screening is in the database with its total, its band and
//! who signed it.

mod common;
mod fixtures;

use common::start_on_zoe as start;
use common::*;
use fixtures::zoe_db;
use rusqlite::{Connection, OpenFlags};

fn signal(tend: &Tend, signal: libc::c_int) {
    // SAFETY: signals only the process this test started.
    let sent = unsafe { libc::kill(tend.pid(), signal) };
    assert_eq!(sent, 0, "kill: {}", std::io::Error::last_os_error());
}

/// Sends one answer and waits for the next item (or the page to sign).
fn answer(tend: &mut Tend, key: &str, next: &str) {
    tend.send(key);
    tend.wait_for(next, |s| s.contents().contains(next));
}

#[test]
fn a_phq_9_by_keys_survives_a_kill_and_item_9_raises_the_flag_and_the_task() {
    let dir = tempfile::tempdir().unwrap();
    let path = zoe_db(dir.path());
    let mut tend = start(&path);

    // I lists the instruments; the PHQ-9 is second (after the PHQ-2).
    tend.send("I");
    tend.wait_for("the screenings", |s| s.contents().contains("Screenings of"));
    tend.send("j");
    tend.send("n");
    tend.wait_for("the PHQ-9's first item", |s| {
        s.contents().contains("item 1 of 10") && s.contents().contains("Little interest")
    });
    // Four answers, one key each; each is saved before the next item shows.
    answer(&mut tend, "1", "item 2 of 10");
    answer(&mut tend, "2", "item 3 of 10");
    answer(&mut tend, "3", "item 4 of 10");
    answer(&mut tend, "2", "item 5 of 10");
    signal(&tend, libc::SIGKILL);
    assert!(!tend.wait_exit().success());
    drop(tend);

    // The next start says so; I on her record goes on at item 5.
    let mut tend = start(&path);
    tend.wait_for("the unfinished PHQ-9 offered", |s| {
        status_line(s).contains("A PHQ-9 for Testa, Zoë was left unfinished (4 answered)")
    });
    tend.send("I");
    let screen = tend.wait_for("the PHQ-9 at item 5", |s| {
        s.contents().contains("item 5 of 10") && s.contents().contains("Poor appetite")
    });
    assert!(
        screen.contents().contains("1:1 2:2 3:3 4:2 5:·"),
        "the answers given before the kill:\n{}",
        screen.contents()
    );
    answer(&mut tend, "0", "item 6 of 10");
    answer(&mut tend, "0", "item 7 of 10");
    answer(&mut tend, "1", "item 8 of 10");
    answer(&mut tend, "0", "item 9 of 10");
    // Item 9 above 0: the safety steps at once, before the total.
    tend.send("2");
    let screen = tend.wait_for("the safety steps", |s| {
        s.contents().contains("Safety steps")
    });
    assert!(screen.contents().contains("988"), "{}", screen.contents());
    assert!(
        status_line(&screen).contains("safety flag raised"),
        "{}",
        status_line(&screen)
    );
    // Only Enter (or Esc) puts them away: a digit is not taken as an answer.
    tend.send("1");
    tend.send(ENTER);
    tend.wait_for("item 10, unanswered", |s| {
        s.contents().contains("item 10 of 10") && s.contents().contains("10:·")
    });
    // Item 10 may be skipped; then Enter signs.
    tend.send(TAB);
    tend.wait_for("the page to sign", |s| s.contents().contains("to sign"));
    tend.send(ENTER);
    let screen = tend.wait_for("the PHQ-9 signed", |s| {
        status_line(s).contains("PHQ-9 signed: 11, moderate")
    });
    // The flag on her record; the escalation first in Today.
    assert!(
        screen.contents().contains("SAFETY"),
        "{}",
        screen.contents()
    );
    let today = find_pane(&screen, TODAY).unwrap();
    assert!(
        today.lines(&screen)[0].contains("Testa") && today.lines(&screen)[0].contains("Safety"),
        "the escalation first: {:?}",
        today.lines(&screen)
    );
    tend.send("q");
    assert!(tend.wait_exit().success());

    let db = Connection::open_with_flags(&path, OpenFlags::SQLITE_OPEN_READ_ONLY).unwrap();
    let (status, total, band, signer, answered): (String, i64, String, String, i64) = db
        .query_row(
            "SELECT s.status, s.total, s.band, p.username,
                    (SELECT count(*) FROM screening_answer a WHERE a.screening_id = s.id)
               FROM screening s JOIN practitioner p ON p.id = s.signed_by",
            [],
            |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?, r.get(3)?, r.get(4)?)),
        )
        .unwrap();
    assert_eq!(
        (
            status.as_str(),
            total,
            band.as_str(),
            signer.as_str(),
            answered
        ),
        ("completed", 11, "moderate", "ccuser", 9)
    );
    let (priority, hard, due): (String, bool, String) = db
        .query_row(
            "SELECT priority, hard_deadline, due_on FROM task WHERE description LIKE 'Safety escalation%'",
            [],
            |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?)),
        )
        .unwrap();
    assert_eq!(
        (priority.as_str(), hard, due.as_str()),
        ("stat", true, "2026-11-24")
    );
    let flags: i64 = db
        .query_row(
            "SELECT count(*) FROM patient_flag WHERE kind = 'safety' AND active = 1",
            [],
            |r| r.get(0),
        )
        .unwrap();
    assert_eq!(flags, 1);
}
