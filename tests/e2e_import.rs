//! End to end: a coordinator's first day, as a new user would try it. A
//! 10,000-member roster exported from a spreadsheet goes in with
//! `tend import patients` in a terminal (a progress bar while it loads,
//! the counts after), and `tend` then opens on the caseload.

mod common;

use common::*;

#[test]
fn a_spreadsheet_roster_imported_in_a_terminal_then_the_caseload() {
    let dir = tempfile::tempdir().unwrap();
    let roster = dir.path().join("roster.csv");
    let today = chrono::NaiveDate::from_ymd_opt(2026, 11, 24).unwrap();
    std::fs::write(
        &roster,
        tend::synth::roster_csv(10_000, 11, today, "ccuser"),
    )
    .unwrap();
    let db = dir.path().join("program.db");
    let db_arg = db.to_str().unwrap();

    let mut import = Tend::start(
        Options::new(100, 24),
        &[
            "--db",
            db_arg,
            "import",
            "patients",
            roster.to_str().unwrap(),
        ],
    );
    // The summary's last line (the database) says it is all written: a
    // screen read at its first line may not show the rest yet.
    let screen = import.wait_for("the import's summary", |s| {
        s.contents()
            .contains("10000 rows: 10000 created, 0 updated, 0 unchanged, 0 rejected")
            && s.contents().contains("Database: ")
    });
    assert!(import.wait_exit().success());
    assert!(
        import.has_written("/10000 members"),
        "a progress bar was shown while it loaded"
    );
    assert!(
        !screen.contents().contains(" members "),
        "and cleared when done: {}",
        screen.contents()
    );
    // A roster names only coordinators tend knows: in a new database, the
    // user importing it, whose members the synthetic roster assigns.
    assert!(screen
        .contents()
        .contains("New coordinator: ccuser (you, importing the roster)"));

    // tend opens on the user's share of the roster.
    let mut tend = Tend::start(Options::new(80, 24), &["--db", db_arg]);
    tend.wait_for("the caseload of the user's 65 members", |s| {
        PANES.iter().all(|title| find_pane(s, title).is_some())
            && caseload(s).is_some_and(|c| c.scope == "mine" && c.count == 65)
    });
    tend.send("q");
    assert!(tend.wait_exit().success());
}
