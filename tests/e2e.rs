//! End to end: the built `tend` binary in a real pseudo-terminal, driven by
//! key presses, with a vt100 parser as the screen the user sees (the
//! harness is in `common/`).

mod common;

use common::*;

/// The status line's start: the demo badge, the user and "today".
const STATUS_START: &str = " DEMO  ccuser Tue 2026-11-24 │ ";

// ---------------------------------------------------------------------------
// The tests.

/// Start-up, moving between panes, opening a patient from the day's tasks,
/// filtering the caseload, help, and quitting with the terminal restored.
#[test]
fn walkthrough_at_80x24() {
    let mut tend = Tend::demo(80, 24);

    // Start-up: four panes, my 60 patients, focus on the caseload.
    let screen = tend.wait_for("the four panes and my 60 patients", |s| {
        PANES.iter().all(|title| find_pane(s, title).is_some())
            && caseload(s).is_some_and(|c| c.scope == "mine" && c.count == 60)
    });
    assert_eq!(focused(&screen), Some(CASELOAD));
    let status = status_line(&screen);
    assert!(status.starts_with(STATUS_START), "status line: {status:?}");
    assert!(
        status.contains("Enter open  / filter"),
        "status: {status:?}"
    );
    let today = find_pane(&screen, TODAY).unwrap().title(&screen);
    assert!(today.contains(" overdue · "), "Today's title: {today:?}");

    // Tab: the patient's record, whose keys the status line now shows.
    tend.send(TAB);
    let screen = tend.wait_for("focus on the patient", |s| focused(s) == Some(PATIENT));
    let status = status_line(&screen);
    assert!(status.starts_with(STATUS_START), "status line: {status:?}");
    assert!(
        status.ends_with("? help  q quit  n note  Enter notes  e edit"),
        "status: {status:?}"
    );
    assert!(!status.contains("Enter open"), "status: {status:?}");

    // 4: today's tasks.
    tend.send("4");
    let screen = tend.wait_for("focus on today's tasks", |s| focused(s) == Some(TODAY));
    let tasks = find_pane(&screen, TODAY).unwrap();
    let (first_row, _) = tasks.selected(&screen).expect("a task is selected");

    // j: the next task.
    tend.send("j");
    let screen = tend.wait_for("the second task selected", |s| {
        tasks
            .selected(s)
            .is_some_and(|(row, _)| row == first_row + 1)
    });
    let (_, task) = tasks.selected(&screen).unwrap();

    // Enter: that task's patient, in the patient pane and the caseload.
    tend.send(ENTER);
    let screen = tend.wait_for("the task's patient opened", |s| {
        focused(s) == Some(PATIENT)
            && caseload(s)
                .and_then(|c| c.selected)
                .is_some_and(|name| patient_name(s) == Some(given_family(&name)))
    });
    let listed = caseload(&screen).unwrap().selected.unwrap();
    let family = listed.split_once(", ").expect("\"Family, Given\"").0;
    // The task's row names its patient, perhaps shortened.
    let family_start: String = family.chars().take(8).collect();
    assert!(
        task.contains(&family_start),
        "the task {task:?} is not {listed:?}'s"
    );
    assert_eq!(patient_name(&screen), Some(given_family(&listed)));

    // 1, then /: a filter typed as you go narrows the caseload.
    tend.send("1");
    tend.wait_for("focus on the caseload", |s| focused(s) == Some(CASELOAD));
    let typed: String = family.chars().take(3).collect();
    tend.send("/");
    tend.send(&typed);
    let screen = tend.wait_for("the caseload filtered", |s| {
        caseload(s).is_some_and(|c| c.filter.as_deref() == Some(typed.as_str()) && c.count < 60)
    });
    let filtered = caseload(&screen).unwrap();
    assert!(filtered.count >= 1, "{filtered:?}");
    assert!(!filtered.names.is_empty(), "{filtered:?}");
    assert!(filtered.names.len() <= filtered.count, "{filtered:?}");
    for name in &filtered.names {
        assert!(
            name.to_lowercase().contains(&typed.to_lowercase()),
            "{name:?} is listed under the filter {typed:?}"
        );
    }
    assert!(
        filtered.names.contains(&listed),
        "{listed:?} is missing under the filter {typed:?}: {filtered:?}"
    );

    // Enter keeps the filter.
    tend.send(ENTER);
    let screen = tend.wait_for("the filter kept", |s| {
        caseload(s)
            .and_then(|c| c.filter)
            .is_some_and(|f| f.starts_with(&typed) && f.contains("Esc clears"))
    });
    let kept = caseload(&screen).unwrap();
    assert_eq!(kept.count, filtered.count);
    assert_eq!(kept.names, filtered.names);
    let selected = kept.selected.expect("a patient is selected");

    // Esc clears it, keeping the selected patient.
    tend.send(ESC);
    let screen = tend.wait_for("the filter cleared", |s| {
        caseload(s).is_some_and(|c| c.filter.is_none() && c.count == 60)
    });
    assert_eq!(caseload(&screen).unwrap().selected, Some(selected));

    // ?: the caseload's keys first, then those that work everywhere; at
    // 80x24 the list is longer than the overlay, and j scrolls it.
    tend.send("?");
    let mut screen = tend.wait_for("the help overlay", |s| words(s).contains("Keys · "));
    let help = words(&screen);
    assert!(help.contains("In Caseload"), "{help}");
    assert!(help.contains("filter by name or member ID"), "{help}");
    assert!(help.contains("Everywhere"), "{help}");
    for _ in 0..40 {
        if words(&screen).contains("quit tend") {
            break;
        }
        let before = words(&screen);
        tend.send("j");
        screen = tend.wait_for("the help scrolled", |s| words(s) != before);
    }
    assert!(
        words(&screen).contains("q quit tend"),
        "{}",
        framed(&screen)
    );
    tend.send("x");
    tend.wait_for("the help overlay closed", |s| {
        !words(s).contains("quit tend") && focused(s) == Some(CASELOAD)
    });

    // q: tend exits and the terminal is as it was.
    tend.send("q");
    let status = tend.wait_exit();
    assert!(status.success(), "tend exited with {status:?}");
    tend.wait_for("the main screen and the cursor back", restored);
    assert_cooked(&tend);
}

/// A larger terminal shows more: the member ID column.
#[test]
fn a_larger_terminal_shows_more_columns() {
    let mut tend = Tend::demo(120, 40);
    let screen = tend.wait_for_panes();
    let list = caseload(&screen).expect("the caseload");
    assert_eq!((list.scope.as_str(), list.count), ("mine", 60));
    assert!(
        list.columns.iter().any(|c| c == "Member"),
        "columns: {:?}",
        list.columns
    );
    let pane = find_pane(&screen, CASELOAD).unwrap();
    assert!(
        pane.lines(&screen).iter().any(|l| l.contains("SYN")),
        "no member IDs listed:\n{}",
        framed(&screen)
    );
    // More rows than at 80x24 (which lists 10).
    assert!(list.names.len() > 10, "{list:?}");

    // t: the whole team, then mine again.
    tend.send("t");
    let screen = tend.wait_for("the team's caseload", |s| {
        caseload(s).is_some_and(|c| c.scope == "team")
    });
    assert!(caseload(&screen).unwrap().count > 60);
    tend.send("t");
    tend.wait_for("my caseload again", |s| {
        caseload(s).is_some_and(|c| c.scope == "mine" && c.count == 60)
    });

    tend.send("q");
    assert!(tend.wait_exit().success());
}

/// SIGTERM (a shutdown, `kill`): tend exits and restores the terminal.
#[test]
fn sigterm_restores_the_terminal() {
    let mut tend = Tend::demo(80, 24);
    tend.wait_for_panes();
    assert!(tend.screen().alternate_screen());

    // SAFETY: signals only the process this test started.
    let sent = unsafe { libc::kill(tend.pid(), libc::SIGTERM) };
    assert_eq!(sent, 0, "kill: {}", std::io::Error::last_os_error());
    let status = tend.wait_exit();
    assert_eq!(
        status.exit_code(),
        128 + 15,
        "exits as a shell reports SIGTERM"
    );
    tend.wait_for("the main screen and the cursor back", restored);
    assert_cooked(&tend);
}

/// The terminal goes away (window closed, connection dropped): tend exits
/// rather than running on with nobody to see it.
#[test]
fn tend_exits_when_the_terminal_hangs_up() {
    let mut tend = Tend::demo(80, 24);
    tend.wait_for_panes();
    tend.hang_up();
    let status = tend.wait_exit();
    assert_eq!(
        status.exit_code(),
        128 + 1,
        "exits as a shell reports SIGHUP"
    );
}

/// The same without a controlling terminal, so no SIGHUP comes: tend must
/// notice the hang-up itself.
#[test]
fn tend_exits_when_the_terminal_hangs_up_without_sighup() {
    let mut options = Options::new(80, 24);
    options.controlling_tty = false;
    let mut tend = Tend::start(options, &["demo"]);
    tend.wait_for_panes();
    tend.hang_up();
    let status = tend.wait_exit();
    assert_eq!(
        status.exit_code(),
        128 + 1,
        "exits as a shell reports SIGHUP"
    );
}

/// NO_COLOR: no colour at all, and the selection still shows, in reverse
/// video.
#[test]
fn no_color_shows_the_selection_in_reverse_video() {
    let mut options = Options::new(80, 24);
    options.no_color = true;
    let mut tend = Tend::start(options, &["demo"]);
    let screen = tend.wait_for_panes();

    let pane = find_pane(&screen, CASELOAD).unwrap();
    let (row, line) = pane.selected(&screen).expect("a selected caseload row");
    for col in pane.left + 1..pane.right {
        let cell = screen.cell(row, col).unwrap();
        assert!(
            cell.inverse(),
            "the selected row {line:?} is not in reverse video at column {col}"
        );
    }
    // The other rows of the list are not.
    for other in pane.inner_rows().filter(|&r| r != row) {
        let cell = screen.cell(other, pane.left + 3).unwrap();
        assert!(!cell.inverse(), "row {other} is in reverse video too");
    }

    let (rows, cols) = screen.size();
    for r in 0..rows {
        for c in 0..cols {
            let cell = screen.cell(r, c).unwrap();
            assert_eq!(
                (cell.fgcolor(), cell.bgcolor()),
                (vt100::Color::Default, vt100::Color::Default),
                "a colour at row {r}, column {c} ({:?}) under NO_COLOR",
                cell.contents()
            );
        }
    }

    tend.send("q");
    assert!(tend.wait_exit().success());
}

/// A terminal smaller than 80x24 says so, and the panes come when it grows.
#[test]
fn a_small_terminal_asks_for_more_room_until_resized() {
    let mut tend = Tend::demo(60, 20);
    let screen = tend.wait_for("the terminal-too-small message", |s| {
        words(s).contains("needs a terminal of at least 80×24")
    });
    assert!(
        words(&screen).contains("this one is 60×20"),
        "{}",
        framed(&screen)
    );
    assert!(find_pane(&screen, CASELOAD).is_none());

    // tend starts listening for resizes only when its input thread first
    // reads (crossterm sets up its SIGWINCH handler then), a moment after
    // the first frame; a resize before that is lost (see
    // `a_resize_right_after_start_up_is_not_lost`). A key tend has read
    // shows it is listening. j moves the (hidden) caseload selection.
    tend.send_and_wait_for_frame("j");
    tend.resize(80, 24);
    let screen = tend.wait_for_panes();
    assert!(!words(&screen).contains("needs a terminal"));
    assert_eq!(caseload(&screen).map(|c| c.count), Some(60));

    tend.send("q");
    assert!(tend.wait_exit().success());
}

/// The too-small message says q quits, and it does.
#[test]
fn q_quits_from_a_small_terminal() {
    let mut tend = Tend::demo(60, 20);
    tend.wait_for("the terminal-too-small message", |s| {
        words(s).contains("press q to quit")
    });
    tend.send("q");
    assert!(tend.wait_exit().success());
    tend.wait_for("the main screen and the cursor back", restored);
    assert_cooked(&tend);
}

/// A window resized as soon as tend shows its first frame (as a tiling
/// window manager does to a new terminal) must still get the panes.
///
/// crossterm installs its SIGWINCH handler lazily, on the first look at
/// input; tend makes that look before measuring the terminal, so a resize
/// between the first frame and the first key is not lost.
#[test]
fn a_resize_right_after_start_up_is_not_lost() {
    for attempt in 1..=30 {
        let mut tend = Tend::demo(60, 20);
        tend.wait_for("the terminal-too-small message", |s| {
            words(s).contains("needs a terminal of at least 80×24")
        });
        tend.resize(80, 24);
        // What the user sees once the window has its size: the message
        // gone and the demo caseload in its pane, as if started at 80x24.
        let screen = tend.wait_for_panes();
        assert!(
            !words(&screen).contains("needs a terminal"),
            "attempt {attempt}: the too-small message is still shown:\n{}",
            framed(&screen)
        );
        assert_eq!(
            caseload(&screen).map(|c| c.count),
            Some(60),
            "attempt {attempt}: the caseload shows the demo's 60 patients:\n{}",
            framed(&screen)
        );
        assert!(
            status_line(&screen).starts_with(STATUS_START),
            "attempt {attempt}: the status line is the demo's:\n{}",
            framed(&screen)
        );
    }
}
