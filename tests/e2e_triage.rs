//! End to end: a morning of triage in the built `tend` binary, in a real
//! pseudo-terminal, checked in the database afterwards.

mod common;
mod fixtures;

use fixtures::{morning_db, MORNING};

use std::path::Path;

use common::*;

/// The patient whose task has this title, as the Today pane lists them
/// ("Testa8, Una"): at 80 columns the pane has little room for titles, so
/// rows are told apart by patient.
fn patient_of(title: &str) -> String {
    let n = MORNING.iter().position(|t| t.0 == title).unwrap();
    format!("Testa{n}, Una")
}

/// tend in a terminal, and the triage keys sent to it (not `4`, which
/// focuses Today, nor `q`).
struct Morning {
    tend: Tend,
    /// Keys that drive triage: x s r u g Space Enter Tab.
    commands: usize,
    /// Characters typed into a prompt: an outcome, a date, a name.
    typed: usize,
}

impl Morning {
    /// One key that drives triage.
    fn press(&mut self, key: &str) {
        assert_eq!(key.chars().count(), 1, "one key at a time: {key:?}");
        self.commands += 1;
        self.tend.send(key);
    }

    /// Text typed into a prompt, one key press per character.
    fn type_text(&mut self, text: &str) {
        self.typed += text.chars().count();
        self.tend.send(text);
    }

    /// Waits until the status line ends with `message`.
    fn wait_for_message(&self, message: &str) -> vt100::Screen {
        self.tend
            .wait_for(&format!("the message {message:?}"), |s| {
                status_line(s).ends_with(message)
            })
    }

    /// Waits for the Today pane (no prompt over it) with this title and
    /// this task selected.
    fn wait_for_today(&self, counts: Counts, selected: &str) -> vt100::Screen {
        let patient = patient_of(selected);
        self.tend
            .wait_for(&format!("Today: {counts:?}, {selected:?} selected"), |s| {
                today_counts(s) == Some(counts)
                    && selected_task(s).is_some_and(|row| row.contains(&patient))
            })
    }

    /// After a snooze: the Today pane with these counts; g, if the next
    /// task to handle (the top one) is not the one selected.
    fn back_to_the_top_if_needed(&mut self, counts: Counts, next: &str) {
        let screen = self.tend.wait_for(&format!("Today: {counts:?}"), |s| {
            today_counts(s) == Some(counts) && selected_task(s).is_some()
        });
        let patient = patient_of(next);
        if !selected_task(&screen).is_some_and(|row| row.contains(&patient)) {
            self.press("g");
        }
        self.wait_for_today(counts, next);
    }

    /// Waits for the prompt to show `text` (its title, line or preview).
    fn wait_for_prompt(&self, text: &str) -> vt100::Screen {
        self.tend
            .wait_for(&format!("the prompt to show {text:?}"), |s| {
                prompt_lines(s).iter().any(|line| line.contains(text))
            })
    }
}

/// What the Today pane shows: the title's counts ("7 overdue · 3 today ·
/// 0 upcoming", or "… 0 soon" when that does not fit) and the rows marked
/// with Space ("•").
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
struct Counts {
    overdue: usize,
    today: usize,
    upcoming: usize,
    marked: usize,
}

const fn counts(overdue: usize, today: usize, upcoming: usize, marked: usize) -> Counts {
    Counts {
        overdue,
        today,
        upcoming,
        marked,
    }
}

/// The marks are counted on the rows, not read from the title: at 80
/// columns the title's " · 3 marked" does not fit and is cut off.
fn today_counts(screen: &vt100::Screen) -> Option<Counts> {
    let pane = find_pane(screen, TODAY)?;
    let title = pane.title(screen);
    let detail = title.trim_start().strip_prefix(TODAY)?;
    let mut parts = detail.split(" · ").map(|part| {
        let (number, what) = part.trim().split_once(' ')?;
        Some((
            number.parse::<usize>().ok()?,
            what.trim_end_matches(['━', '─', ' ']),
        ))
    });
    let (Some((overdue, "overdue")), Some((today, "today")), Some((upcoming, "upcoming" | "soon"))) =
        (parts.next()?, parts.next()?, parts.next()?)
    else {
        return None;
    };
    Some(counts(overdue, today, upcoming, marked_rows(screen).len()))
}

/// The selected row of the Today pane.
fn selected_task(screen: &vt100::Screen) -> Option<String> {
    find_pane(screen, TODAY)?
        .selected(screen)
        .map(|(_, line)| line)
}

/// The rows of the Today pane that carry a mark ("•").
fn marked_rows(screen: &vt100::Screen) -> Vec<String> {
    let Some(pane) = find_pane(screen, TODAY) else {
        return Vec::new();
    };
    pane.lines(screen)
        .into_iter()
        .filter(|line| line.chars().nth(2) == Some('•'))
        .collect()
}

/// The prompt's rows: the four rows above the status line, drawn with a
/// double border ("╔ … ╗", "║ … ║").
fn prompt_lines(screen: &vt100::Screen) -> Vec<String> {
    let (rows, cols) = screen.size();
    (rows.saturating_sub(5)..rows - 1)
        .map(|row| text(screen, row, 0, cols))
        .filter(|line| line.starts_with(['╔', '║', '╚']))
        .collect()
}

/// (status, due_on, owner, outcome) of each task, by title.
type TaskInDb = (String, String, String, Option<String>);

fn tasks_in_db(path: &Path) -> Vec<(String, TaskInDb)> {
    let conn = rusqlite::Connection::open(path).unwrap();
    let mut stmt = conn
        .prepare(
            "SELECT t.description, t.status, t.due_on, p.username, t.outcome FROM task t
               JOIN practitioner p ON p.id = t.owner_id
              ORDER BY t.id",
        )
        .unwrap();
    let rows = stmt
        .query_map([], |r| {
            Ok((r.get(0)?, (r.get(1)?, r.get(2)?, r.get(3)?, r.get(4)?)))
        })
        .unwrap()
        .collect::<Result<_, _>>()
        .unwrap();
    rows
}

/// The task audit trail: (action, task title, detail), oldest first.
fn task_audit(path: &Path) -> Vec<(String, String, String)> {
    let conn = rusqlite::Connection::open(path).unwrap();
    let mut stmt = conn
        .prepare(
            "SELECT a.action, t.description, coalesce(a.detail, '') FROM audit_event a
               LEFT JOIN task t ON t.id = a.entity_id
              WHERE a.entity_type = 'Task' ORDER BY a.id",
        )
        .unwrap();
    let rows = stmt
        .query_map([], |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?)))
        .unwrap()
        .collect::<Result<_, _>>()
        .unwrap();
    rows
}

/// Triages a morning of ten tasks (complete, snooze, reassign, bulk) and
/// checks the database afterwards.
#[test]
fn triages_a_morning_of_ten_tasks_and_checks_the_database_afterwards() {
    let dir = tempfile::tempdir().unwrap();
    let db = morning_db(dir.path());
    let tend = Tend::start(Options::new(80, 24), &["--db", db.to_str().unwrap()]);
    tend.wait_for_panes();
    let mut morning = Morning {
        tend,
        commands: 0,
        typed: 0,
    };

    // 4: Today, most urgent first: the post-discharge call with its hard
    // deadline, then by score (see tests/triage.rs). 80x24 shows 8 of the 10.
    morning.tend.send("4");
    morning.wait_for_today(counts(7, 3, 0, 0), "Post-discharge call");

    // x, an outcome, Enter: the post-discharge call is done, and the next
    // task comes up.
    morning.press("x");
    morning.wait_for_prompt("Complete \"Post-discharge call\": outcome (optional)");
    morning.wait_for_prompt("Enter completes it");
    morning.type_text("Reached; appointment kept");
    morning.wait_for_prompt("Enter completes it with this outcome");
    morning.press(ENTER);
    morning.wait_for_message("Completed 1 task · u undoes");
    morning.wait_for_today(counts(6, 3, 0, 0), "Food pantry list");

    // s Enter: the food pantry list, to tomorrow.
    morning.press("s");
    morning.wait_for_prompt("Move \"Food pantry list\" to (tom, fri, +3d, 12/05…)");
    morning.wait_for_prompt("→ Wed 2026-11-25 (Enter: tomorrow)");
    morning.press(ENTER);
    morning.wait_for_message("Moved 1 task to Wed 2026-11-25 · u undoes");
    // The selection follows the snoozed task down to the upcoming ones at
    // the bottom, so the next task needs a key of its own: g, the top.
    morning.back_to_the_top_if_needed(counts(5, 3, 1, 0), "Outreach call B");

    // s, fri, Enter: outreach call B, to Friday; g again if need be.
    morning.press("s");
    morning.type_text("fri");
    morning.wait_for_prompt("→ Fri 2026-11-27");
    morning.press(ENTER);
    morning.wait_for_message("Moved 1 task to Fri 2026-11-27 · u undoes");
    morning.back_to_the_top_if_needed(counts(4, 3, 2, 0), "Refill reminder");

    // r, cc-c, Enter: the refill reminder, to the covering coordinator (the
    // start of a name is enough when only one coordinator's name starts so).
    morning.press("r");
    morning.wait_for_prompt("Give \"Refill reminder\" to (a coordinator; Tab completes)");
    morning.type_text("cc-c");
    morning.wait_for_prompt("→ cc-cover");
    morning.press(ENTER);
    morning.wait_for_message("Gave 1 task to cc-cover · u undoes");
    morning.wait_for_today(counts(4, 2, 2, 0), "Consent renewal");

    // Space three times, x, Enter: three tasks done at once.
    for (marked, next) in [
        (1, "Outreach call A"),
        (2, "Lab follow-up"),
        (3, "Referral check"),
    ] {
        morning.press(" ");
        morning.wait_for_today(counts(4, 2, 2, marked), next);
    }
    let screen = morning.wait_for_message("3 marked: x completes, s snoozes, r reassigns them all");
    let marked: Vec<String> = ["Consent renewal", "Outreach call A", "Lab follow-up"]
        .iter()
        .map(|t| patient_of(t))
        .collect();
    let rows = marked_rows(&screen);
    assert!(
        rows.iter()
            .zip(&marked)
            .all(|(row, p)| row.contains(p.as_str())),
        "marked rows: {rows:?}"
    );
    morning.press("x");
    morning.wait_for_prompt("Complete 3 marked tasks: outcome (optional)");
    morning.wait_for_prompt("Enter completes all 3");
    morning.press(ENTER);
    morning.wait_for_message("Completed 3 tasks · u undoes");
    morning.wait_for_today(counts(1, 2, 2, 0), "Referral check");

    // Space twice, s, +1w, Enter: two tasks to next Tuesday.
    for (marked, next) in [(1, "Care-plan review"), (2, "Appointment reminder")] {
        morning.press(" ");
        morning.wait_for_today(counts(1, 2, 2, marked), next);
    }
    morning.press("s");
    morning.wait_for_prompt("Move 2 marked tasks to (tom, fri, +3d, 12/05…)");
    morning.type_text("+1w");
    morning.wait_for_prompt("→ Tue 2026-12-01");
    morning.press(ENTER);
    morning.wait_for_message("Moved 2 tasks to Tue 2026-12-01 · u undoes");
    morning.wait_for_today(counts(0, 1, 4, 0), "Appointment reminder");
    let triage_commands = morning.commands;

    // u: the two are back where they were.
    morning.press("u");
    morning.wait_for_message("Undone: moved 2 tasks to Tue 2026-12-01");
    morning.wait_for_today(counts(1, 2, 2, 0), "Referral check");

    // q: tend exits and the terminal is as it was.
    morning.tend.send("q");
    let status = morning.tend.wait_exit();
    assert!(status.success(), "tend exited with {status:?}");
    morning
        .tend
        .wait_for("the main screen and the cursor back", restored);
    assert_cooked(&morning.tend);

    // Each task as the morning left it, the undone snooze not in effect.
    let owned = |status: &str, due: &str, owner: &str, outcome: Option<&str>| {
        (
            status.to_string(),
            due.to_string(),
            owner.to_string(),
            outcome.map(str::to_string),
        )
    };
    let expected: Vec<(String, TaskInDb)> = [
        (
            "Post-discharge call",
            owned(
                "completed",
                "2026-11-23",
                "ccuser",
                Some("Reached; appointment kept"),
            ),
        ),
        (
            "Outreach call A",
            owned("completed", "2026-11-20", "ccuser", None),
        ),
        (
            "Outreach call B",
            owned("requested", "2026-11-27", "ccuser", None),
        ),
        (
            "Refill reminder",
            owned("requested", "2026-11-24", "cc-cover", None),
        ),
        (
            "Referral check",
            owned("requested", "2026-11-22", "ccuser", None),
        ),
        (
            "Appointment reminder",
            owned("requested", "2026-11-24", "ccuser", None),
        ),
        (
            "Consent renewal",
            owned("completed", "2026-11-19", "ccuser", None),
        ),
        (
            "Care-plan review",
            owned("requested", "2026-11-24", "ccuser", None),
        ),
        (
            "Food pantry list",
            owned("requested", "2026-11-25", "ccuser", None),
        ),
        (
            "Lab follow-up",
            owned("completed", "2026-11-23", "ccuser", None),
        ),
    ]
    .into_iter()
    .map(|(title, task)| (title.to_string(), task))
    .collect();
    assert_eq!(tasks_in_db(&db), expected);

    // One audit row per task changed, in the order of the changes, then
    // one per task the undo put back.
    let expected: Vec<(String, String, String)> = [
        ("Post-discharge call", "complete"),
        ("Food pantry list", "due 2026-11-25"),
        ("Outreach call B", "due 2026-11-27"),
        ("Refill reminder", "owner cc-cover"),
        ("Consent renewal", "complete"),
        ("Outreach call A", "complete"),
        ("Lab follow-up", "complete"),
        ("Referral check", "due 2026-12-01"),
        ("Care-plan review", "due 2026-12-01"),
        ("Referral check", "undo: moved 2 tasks to Tue 2026-12-01"),
        ("Care-plan review", "undo: moved 2 tasks to Tue 2026-12-01"),
    ]
    .into_iter()
    .map(|(title, detail)| ("U".to_string(), title.to_string(), detail.to_string()))
    .collect();
    assert_eq!(task_audit(&db), expected);
    let conn = rusqlite::Connection::open(&db).unwrap();
    let (rows, mine, own_patient): (i64, i64, i64) = conn
        .query_row(
            "SELECT count(*), sum(a.agent = 'ccuser'), sum(a.patient_id = t.patient_id)
               FROM audit_event a JOIN task t ON t.id = a.entity_id
              WHERE a.entity_type = 'Task'",
            [],
            |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?)),
        )
        .unwrap();
    assert_eq!(
        (rows, mine, own_patient),
        (11, 11, 11),
        "every row by ccuser, naming the task's patient"
    );

    // The key presses. Nine tasks were handled by six actions:
    //   x Enter                    2 (and a 25-character outcome typed)
    //   s Enter                    2
    //   s Enter                    2 (and "fri")
    //   r Enter                    2 (and "cc-c")
    //   Space Space Space x Enter  5
    //   Space Space s Enter        4 (and "+1w")
    // That is 17 keys for the nine tasks, then u. The issue's budget, two a
    // task on average, is 18: it is counted on the keys that drive triage,
    // not the u that took two back, nor what was typed, whose length is the
    // user's to choose. (A `g` is pressed only if the selection has left the
    // top of the list; after an action the next task slides under the
    // cursor, so none is needed.)
    assert_eq!(morning.typed, 25 + 3 + 4 + 3, "characters typed");
    assert_eq!(triage_commands, 17);
    assert_eq!(morning.commands, triage_commands + 1, "then u");
    let tasks_handled = 9;
    assert!(
        triage_commands <= 2 * tasks_handled,
        "the morning took {triage_commands} keys to handle {tasks_handled} tasks, \
         more than two a task ({}): after a single snooze the selection \
         follows the snoozed task down to the upcoming ones, and g brings it back",
        2 * tasks_handled
    );
}
