//! The screen as a user sees it: the app over a real database, drawn through
//! ratatui's TestBackend, driven by key presses.

mod common;

use std::path::{Path, PathBuf};

use chrono::NaiveDate;
use crossterm::event::{KeyCode, KeyEvent, KeyModifiers};
use ratatui::backend::TestBackend;
use ratatui::buffer::Buffer;
use ratatui::style::{Color, Modifier};
use ratatui::Terminal;
use tend::app::pane::PaneId;
use tend::app::{App, Message, Overlay};
use tend::app::{Settings, ThemeName};
use tend::domain::patient::{EnrollmentStatus, RiskTier, Sex};
use tend::domain::patient::{Patient, Practitioner};
use tend::domain::task::{Priority, TaskKind, TaskStatus};
use tend::store::{AuditAction, NewTask, Scope};
use tend::synth::{self, GenParams};

use common::{clock, keys, open, press, settings_at_once, today};

/// A demo database (the same one `tend demo` shows) in a temporary folder.
fn demo_db(dir: &Path) -> PathBuf {
    let path = dir.join("demo.db");
    let mut store = open(&path, "ccuser");
    synth::generate(
        &mut store,
        &GenParams {
            patients: synth::DEMO_PATIENTS,
            seed: 1,
            user: "ccuser".into(),
        },
    )
    .unwrap();
    path
}

/// The settings the screens are drawn with. The detail panes follow the
/// caseload at once here, since each screen is drawn right after its keys;
/// the delay has a test of its own.
fn config(theme: ThemeName) -> Settings {
    let mut config = settings_at_once();
    config.theme = theme;
    config
}

fn app_on(path: &Path, theme: ThemeName) -> App {
    App::new(open(path, "ccuser"), &config(theme), true).unwrap()
}

fn draw(app: &mut App, width: u16, height: u16) -> Buffer {
    app.resize(width, height);
    let mut terminal = Terminal::new(TestBackend::new(width, height)).unwrap();
    terminal.draw(|frame| tend::ui::render(app, frame)).unwrap();
    terminal.backend().buffer().clone()
}

/// The screen as text, one line per row.
fn text(buffer: &Buffer) -> String {
    let mut out = String::new();
    for y in 0..buffer.area.height {
        let mut skip = 0;
        for x in 0..buffer.area.width {
            if skip > 0 {
                skip -= 1;
                continue;
            }
            let symbol = buffer[(x, y)].symbol();
            skip = unicode_width(symbol).saturating_sub(1);
            out.push_str(symbol);
        }
        out.push('\n');
    }
    out
}

fn unicode_width(symbol: &str) -> usize {
    ratatui::text::Span::raw(symbol).width()
}

fn row_text(buffer: &Buffer, y: u16) -> String {
    text(buffer)
        .lines()
        .nth(y as usize)
        .unwrap_or("")
        .to_string()
}

fn status_line(buffer: &Buffer) -> String {
    row_text(buffer, buffer.area.height - 1)
}

#[test]
fn the_four_panes_at_80x24() {
    let dir = tempfile::tempdir().unwrap();
    let mut app = app_on(&demo_db(dir.path()), ThemeName::Default);
    let screen = draw(&mut app, 80, 24);
    insta::assert_snapshot!("start_80x24", text(&screen));
    let all = text(&screen);
    for title in [
        "1 Caseload",
        "2 Patient",
        "3 Care plan",
        "4 Today",
        "mine 60",
    ] {
        assert!(all.contains(title), "{title} missing:\n{all}");
    }
    assert!(status_line(&screen).contains("ccuser Tue 2026-11-24"));
}

#[test]
fn larger_terminals_get_more_columns_and_rows() {
    let dir = tempfile::tempdir().unwrap();
    let mut app = app_on(&demo_db(dir.path()), ThemeName::Default);
    let screen = draw(&mut app, 120, 40);
    insta::assert_snapshot!("start_120x40", text(&screen));
    assert!(
        row_text(&screen, 1).contains("Member"),
        "member IDs shown when wide"
    );
    press(&mut app, KeyCode::Char('t'));
    let screen = draw(&mut app, 160, 50);
    assert!(
        row_text(&screen, 1).contains("Coord."),
        "coordinators shown for the team"
    );
}

#[test]
fn a_terminal_smaller_than_80x24_is_told_so() {
    let dir = tempfile::tempdir().unwrap();
    let mut app = app_on(&demo_db(dir.path()), ThemeName::Default);
    for (w, h) in [(79, 24), (80, 23), (40, 10)] {
        let screen = draw(&mut app, w, h);
        let all = text(&screen)
            .split_whitespace()
            .collect::<Vec<_>>()
            .join(" ");
        assert!(
            all.contains(&format!(
                "needs a terminal of at least 80×24; this one is {w}×{h}"
            )),
            "{all}"
        );
        assert!(!all.contains("Caseload"));
    }
}

#[test]
fn help_lists_the_focused_panes_keys_from_the_keymap() {
    let dir = tempfile::tempdir().unwrap();
    let mut app = app_on(&demo_db(dir.path()), ThemeName::Default);
    press(&mut app, KeyCode::Char('?'));
    let screen = draw(&mut app, 80, 24);
    insta::assert_snapshot!("help_caseload_80x24", text(&screen));
    let all = text(&screen);
    assert!(all.contains("In Caseload"));
    assert!(all.contains("filter by name or member ID as you type"));
    assert!(
        all.contains("quit tend"),
        "quitting is shown without scrolling"
    );
    assert!(!all.contains("go to today's tasks"));
    // Scrolling reaches the last key and stops there: one k after many j
    // moves back at once.
    for _ in 0..30 {
        press(&mut app, KeyCode::Char('j'));
    }
    let bottom = text(&draw(&mut app, 80, 24));
    assert!(bottom.contains("lock the screen now"), "{bottom}");
    press(&mut app, KeyCode::Char('k'));
    let one_up = text(&draw(&mut app, 80, 24));
    assert_ne!(one_up, bottom, "k scrolls back at once");
    press(&mut app, KeyCode::Char('x'));
    assert_eq!(app.overlay(), None, "any other key closes help");

    press(&mut app, KeyCode::Char('4'));
    press(&mut app, KeyCode::Char('?'));
    let all = text(&draw(&mut app, 120, 40));
    assert!(all.contains("In Today"));
    assert!(all.contains("switch between my day and the selected patient's tasks"));
    assert!(
        !all.contains("filter by name"),
        "only this pane's keys and global ones"
    );
}

#[test]
fn focus_moves_with_tab_shift_tab_and_numbers_and_shows_in_the_status_line() {
    let dir = tempfile::tempdir().unwrap();
    let mut app = app_on(&demo_db(dir.path()), ThemeName::Default);
    assert_eq!(app.focus, PaneId::Caseload);
    assert!(status_line(&draw(&mut app, 80, 24))
        .contains("? help  q quit  n note  Enter open  / filter"));
    press(&mut app, KeyCode::Tab);
    assert_eq!(app.focus, PaneId::Patient);
    assert!(status_line(&draw(&mut app, 80, 24)).contains("? help  q quit"));
    app.handle_key(KeyEvent::new(KeyCode::BackTab, KeyModifiers::SHIFT));
    assert_eq!(app.focus, PaneId::Caseload);
    for (key, pane) in [
        ('3', PaneId::Goals),
        ('4', PaneId::Tasks),
        ('2', PaneId::Patient),
        ('1', PaneId::Caseload),
    ] {
        press(&mut app, KeyCode::Char(key));
        assert_eq!(app.focus, pane);
    }
    // The focused pane's title is in reverse video; borders never change.
    let reversed = |screen: &Buffer, x: u16, y: u16| {
        screen[(x, y)]
            .style()
            .add_modifier
            .contains(Modifier::REVERSED)
    };
    let screen = draw(&mut app, 80, 24);
    assert!(reversed(&screen, 2, 0), "1 Caseload is focused");
    assert!(!reversed(&screen, 2, 13), "4 Today is not");
    press(&mut app, KeyCode::Char('4'));
    let screen = draw(&mut app, 80, 24);
    assert!(!reversed(&screen, 2, 0));
    assert!(reversed(&screen, 2, 13));
    assert_eq!(screen[(0, 0)].symbol(), "┌");
    assert_eq!(screen[(0, 13)].symbol(), "┌");
}

/// With the default delay the list answers a move at once and the record
/// and plan follow when the selection rests: the patients passed over are
/// neither drawn nor audited, and a key that acts brings them up first.
#[test]
fn the_record_follows_the_caseload_once_the_selection_rests() {
    let dir = tempfile::tempdir().unwrap();
    let config = Settings::defaults("ccuser");
    assert_eq!(config.detail_delay, std::time::Duration::from_millis(150));
    let mut app = App::new(open(&demo_db(dir.path()), "ccuser"), &config, true).unwrap();
    let first = app.caseload.selected_id().unwrap();
    let first_member = app.patient.record.as_ref().unwrap().member_id.clone();
    let viewed = |app: &App| -> Vec<i64> {
        app.store()
            .recent_audit(1000)
            .unwrap()
            .iter()
            .filter(|a| a.action == AuditAction::Read && a.entity_type == "Patient")
            .filter_map(|a| a.entity_id)
            .collect()
    };
    assert_eq!(viewed(&app), vec![first]);

    press(&mut app, KeyCode::Char('j'));
    let passed = app.caseload.selected_id().unwrap();
    press(&mut app, KeyCode::Char('j'));
    let rested = app.caseload.selected_id().unwrap();
    assert!(passed != first && rested != passed);
    let due = app.detail_due().expect("the detail panes are behind");
    assert_eq!(
        app.patient.record.as_ref().unwrap().id,
        first,
        "not yet followed"
    );
    let screen = text(&draw(&mut app, 80, 24));
    assert!(
        screen.contains(&format!("2 Patient  {first_member}")),
        "{screen}"
    );

    assert!(!app.settle_detail_at(due - std::time::Duration::from_millis(1)));
    assert!(app.settle_detail_at(due));
    assert_eq!(app.patient.record.as_ref().unwrap().id, rested);
    assert_eq!(app.detail_due(), None);
    assert_eq!(
        viewed(&app),
        vec![rested, first],
        "the patient passed over is not audited"
    );

    // A key that acts settles first: `n` right after `j` writes about the
    // patient the highlight is on.
    press(&mut app, KeyCode::Char('j'));
    let next = app.caseload.selected_id().unwrap();
    press(&mut app, KeyCode::Char('n'));
    assert_eq!(app.patient.record.as_ref().unwrap().id, next);
    assert_eq!(app.editor().map(|e| e.patient_id), Some(next));
}

/// Quitting while the panes are behind does not read (nor audit) a record
/// nobody will see.
#[test]
fn quitting_during_the_delay_leaves_the_passed_record_unread() {
    let dir = tempfile::tempdir().unwrap();
    let config = Settings::defaults("ccuser");
    let mut app = App::new(open(&demo_db(dir.path()), "ccuser"), &config, true).unwrap();
    let first = app.caseload.selected_id().unwrap();
    press(&mut app, KeyCode::Char('j'));
    assert!(app.detail_due().is_some());
    press(&mut app, KeyCode::Char('q'));
    assert!(app.should_quit());
    assert_eq!(app.detail_due(), None);
    let viewed: Vec<i64> = app
        .store()
        .recent_audit(100)
        .unwrap()
        .iter()
        .filter(|a| a.action == AuditAction::Read && a.entity_type == "Patient")
        .filter_map(|a| a.entity_id)
        .collect();
    assert_eq!(viewed, vec![first]);
}

#[test]
fn moving_in_the_caseload_shows_each_patient_and_audits_each_view() {
    let dir = tempfile::tempdir().unwrap();
    let mut app = app_on(&demo_db(dir.path()), ThemeName::Default);
    let first = app.caseload.selected_id().unwrap();
    let views = |app: &App| {
        app.store()
            .recent_audit(1000)
            .unwrap()
            .into_iter()
            .filter(|e| e.action == AuditAction::Read)
            .map(|e| e.patient_id.unwrap())
            .collect::<Vec<_>>()
    };
    assert_eq!(
        views(&app),
        vec![first],
        "opening shows and audits the first patient"
    );

    press(&mut app, KeyCode::Char('j'));
    let second = app.caseload.selected_id().unwrap();
    assert_ne!(first, second);
    let record = app.patient.record.clone().unwrap();
    assert_eq!(record.id, second);
    let screen = draw(&mut app, 80, 24);
    let name = format!("{} {}", record.given_name, record.family_name);
    assert!(row_text(&screen, 1).contains(&name), "{}", text(&screen));
    assert_eq!(views(&app), vec![second, first]);

    // Moving down and back is two more views; a key that does not move is none.
    press(&mut app, KeyCode::Down);
    press(&mut app, KeyCode::Up);
    press(&mut app, KeyCode::Char('g'));
    press(&mut app, KeyCode::Char('g'));
    assert_eq!(views(&app).len(), 5);
    press(&mut app, KeyCode::Char('G'));
    assert_eq!(app.caseload.cursor.selected(), Some(59));
    press(&mut app, KeyCode::PageUp);
    assert!(app.caseload.cursor.selected().unwrap() < 59);
}

#[test]
fn the_whole_team_sorts_and_pages_through_hundreds_of_patients() {
    let dir = tempfile::tempdir().unwrap();
    let mut app = app_on(&demo_db(dir.path()), ThemeName::Default);
    press(&mut app, KeyCode::Char('t'));
    assert_eq!(app.caseload.query.scope, Scope::Team);
    let screen = draw(&mut app, 80, 24);
    assert!(row_text(&screen, 0).contains("team 360"));
    assert_eq!(
        app.message,
        Some(Message::Info(
            "Showing the whole team (360 patients)".into()
        ))
    );
    press(&mut app, KeyCode::Char('G'));
    assert_eq!(app.caseload.cursor.selected(), Some(359));
    let screen = draw(&mut app, 80, 24);
    let selected_row = (1..13)
        .map(|y| row_text(&screen, y))
        .find(|row| row.contains('▶'))
        .expect("the selection is on screen");
    let row = app.caseload.selected().unwrap().clone();
    assert!(selected_row.contains(&row.family_name), "{selected_row}");

    press(&mut app, KeyCode::Char('o'));
    assert!(row_text(&draw(&mut app, 80, 24), 0).contains("by risk"));
    assert_eq!(
        app.caseload.selected_id(),
        Some(row.id),
        "re-sorting keeps the selected patient"
    );
    press(&mut app, KeyCode::Char('g'));
    let top = app.caseload.selected().unwrap();
    assert_eq!(top.risk_tier, RiskTier::VeryHigh);
    for label in ["last contact", "next due", "name"] {
        press(&mut app, KeyCode::Char('o'));
        assert!(row_text(&draw(&mut app, 80, 24), 0).contains(&format!("by {label}")));
    }
    press(&mut app, KeyCode::Char('t'));
    assert!(row_text(&draw(&mut app, 80, 24), 0).contains("mine 60"));
}

#[test]
fn the_filter_narrows_the_caseload_as_you_type() {
    let dir = tempfile::tempdir().unwrap();
    let mut app = app_on(&demo_db(dir.path()), ThemeName::Default);
    let family = app.caseload.selected().unwrap().family_name.clone();
    let piece: String = family.chars().take(4).collect();
    press(&mut app, KeyCode::Char('/'));
    keys(&mut app, &piece.to_lowercase());
    let count = app.caseload.cursor.len();
    assert!(count > 0 && count < 60, "{count}");
    let screen = draw(&mut app, 80, 24);
    insta::assert_snapshot!("filter_80x24", text(&screen));
    assert!(row_text(&screen, 1).contains(&format!("/ {}", piece.to_lowercase())));
    let rows = app.caseload.visible();
    for row in rows {
        let haystack = format!("{} {} {}", row.family_name, row.given_name, row.member_id);
        assert!(
            haystack.to_lowercase().contains(&piece.to_lowercase()),
            "{haystack}"
        );
    }
    // Keys typed into the filter do not act on the panes.
    keys(&mut app, "q");
    assert!(!app.should_quit());
    press(&mut app, KeyCode::Backspace);
    assert_eq!(app.caseload.cursor.len(), count);
    keys(&mut app, "#");
    assert_eq!(app.caseload.cursor.len(), 0);
    assert!(text(&draw(&mut app, 80, 24)).contains("No patient matches"));
    press(&mut app, KeyCode::Backspace);
    assert_eq!(app.caseload.cursor.len(), count);
    press(&mut app, KeyCode::Enter);
    assert!(app.filter_input().is_none());
    assert_eq!(
        app.caseload.query.filter,
        piece.to_lowercase(),
        "Enter keeps it"
    );
    press(&mut app, KeyCode::Char('j'));
    press(&mut app, KeyCode::Esc);
    assert_eq!(app.caseload.query.filter, "", "Esc clears it");
    assert_eq!(app.caseload.cursor.len(), 60);
}

#[test]
fn today_lists_my_overdue_and_due_tasks_first_and_enter_opens_the_patient() {
    let dir = tempfile::tempdir().unwrap();
    let mut app = app_on(&demo_db(dir.path()), ThemeName::Default);
    let tasks = &app.tasks;
    let counts = tasks.counts;
    let due = tasks.counts.overdue + tasks.counts.today;
    assert!(due > 0);
    assert!(tasks.rows[..due]
        .iter()
        .all(|t| t.due_on.unwrap() <= today()));
    assert!(tasks.rows[due..]
        .iter()
        .all(|t| t.due_on.unwrap() > today()));
    let screen = draw(&mut app, 80, 24);
    assert!(row_text(&screen, 13).contains(&format!(
        "{} overdue · {} today",
        counts.overdue, counts.today
    )));
    assert!(row_text(&screen, 14).contains("overdue") || row_text(&screen, 14).contains("today"));

    press(&mut app, KeyCode::Char('4'));
    press(&mut app, KeyCode::Char('j'));
    let task = app.tasks.selected().unwrap().clone();
    press(&mut app, KeyCode::Enter);
    assert_eq!(app.focus, PaneId::Patient);
    assert_eq!(app.caseload.selected_id(), Some(task.patient_id));
    assert_eq!(app.patient.record.as_ref().unwrap().id, task.patient_id);

    // p follows the selected patient instead of my day.
    press(&mut app, KeyCode::Char('4'));
    press(&mut app, KeyCode::Char('p'));
    assert!(app
        .tasks
        .rows
        .iter()
        .all(|t| t.patient_id == task.patient_id));
    assert!(app.tasks.rows.iter().any(|t| t.id == task.id));
    let screen = draw(&mut app, 80, 24);
    assert!(
        row_text(&screen, 13).contains("open"),
        "{}",
        row_text(&screen, 13)
    );
    press(&mut app, KeyCode::Char('p'));
    assert!(row_text(&draw(&mut app, 80, 24), 13).contains("overdue ·"));
}

#[test]
fn enter_on_a_task_reveals_a_patient_hidden_by_the_filter_or_scope() {
    let dir = tempfile::tempdir().unwrap();
    let mut app = app_on(&demo_db(dir.path()), ThemeName::Default);
    let task = app.tasks.rows[0].clone();
    press(&mut app, KeyCode::Char('/'));
    keys(&mut app, "zzzz");
    press(&mut app, KeyCode::Enter);
    assert_eq!(app.caseload.cursor.len(), 0);
    press(&mut app, KeyCode::Char('4'));
    press(&mut app, KeyCode::Char('g'));
    press(&mut app, KeyCode::Enter);
    assert_eq!(
        app.caseload.query.filter, "",
        "the filter that hid the patient is cleared"
    );
    assert_eq!(app.caseload.selected_id(), Some(task.patient_id));
    assert_eq!(app.focus, PaneId::Patient);
}

#[test]
fn goals_show_status_and_target_and_enter_shows_the_whole_goal() {
    let dir = tempfile::tempdir().unwrap();
    let mut app = app_on(&demo_db(dir.path()), ThemeName::Default);
    // Find a patient with an overdue goal.
    let mut guard = 0;
    while !app.goals.goals.iter().any(|g| g.is_overdue(today())) {
        press(&mut app, KeyCode::Char('j'));
        guard += 1;
        assert!(guard < 60, "the demo has overdue goals");
    }
    let screen = draw(&mut app, 120, 40);
    let all = text(&screen);
    assert!(all.contains("overdue 20"), "overdue target marked:\n{all}");
    assert!(
        all.contains("goals, 1 overdue") || all.contains("overdue ─"),
        "{all}"
    );
    press(&mut app, KeyCode::Char('3'));
    press(&mut app, KeyCode::Enter);
    let goal = app.goals.selected().unwrap().clone();
    let Some(Overlay::Goal(detail)) = app.overlay() else {
        panic!("the goal overlay is open");
    };
    assert_eq!(detail.goal, goal);
    assert!(detail.need.is_some(), "the demo's goals serve needs");
    let all = text(&draw(&mut app, 80, 24));
    assert!(all.contains(" Goal · Esc closes "));
    assert!(all.contains(goal.status.label()));
    assert!(all.contains("Measure"), "{all}");
    press(&mut app, KeyCode::Esc);
    assert_eq!(app.overlay(), None);
    press(&mut app, KeyCode::Esc);
    assert_eq!(app.focus, PaneId::Caseload, "Esc goes back to the caseload");
}

#[test]
fn the_patient_pane_scrolls_to_the_care_team() {
    let dir = tempfile::tempdir().unwrap();
    let mut app = app_on(&demo_db(dir.path()), ThemeName::Default);
    press(&mut app, KeyCode::Char('2'));
    assert!(!text(&draw(&mut app, 80, 24)).contains("Care team ("));
    // The care team follows the conditions; a few rows down it shows.
    let mut all = String::new();
    for _ in 0..30 {
        press(&mut app, KeyCode::Char('j'));
        all = text(&draw(&mut app, 80, 24));
        if all.contains("• PCP: Dr. ") {
            break;
        }
    }
    assert!(all.contains("Care team ("), "{all}");
    assert!(all.contains("• PCP: Dr. "), "{all}");
    // G goes to the end of the record: its notes.
    press(&mut app, KeyCode::Char('G'));
    let end = text(&draw(&mut app, 80, 24));
    assert!(!end.contains("• PCP: Dr. "), "{end}");
    assert!(
        end.contains("│2026-") || end.contains("│2025-"),
        "the last lines are dated notes: {end}"
    );
}

#[test]
fn unknown_keys_say_so_and_q_quits() {
    let dir = tempfile::tempdir().unwrap();
    let mut app = app_on(&demo_db(dir.path()), ThemeName::Default);
    press(&mut app, KeyCode::Char('y'));
    assert!(status_line(&draw(&mut app, 80, 24)).contains("y does nothing in the Caseload pane"));
    press(&mut app, KeyCode::Char('q'));
    assert!(app.should_quit());
}

#[test]
fn without_colour_the_selection_is_reverse_video_and_nothing_is_coloured() {
    let dir = tempfile::tempdir().unwrap();
    let mut app = app_on(&demo_db(dir.path()), ThemeName::Mono);
    let screen = draw(&mut app, 80, 24);
    for cell in screen.content() {
        assert_eq!((cell.fg, cell.bg), (Color::Reset, Color::Reset), "{cell:?}");
    }
    let selected = (0..80u16)
        .filter(|x| screen[(*x, 2)].modifier.contains(Modifier::REVERSED))
        .count();
    assert!(
        selected > 30,
        "the selected row is reversed ({selected} cells)"
    );
    assert_eq!(screen[(1, 2)].symbol(), "▶", "and marked");
    insta::assert_snapshot!("mono_80x24", text(&screen));
}

#[test]
fn stored_control_characters_and_bidi_overrides_never_reach_the_terminal() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("hostile.db");
    let mut store = open(&path, "ccuser");
    store
        .write(|tx| {
            let me = tx.practitioner("ccuser", "ccuser")?;
            let id = tx.insert_patient(&Patient {
                member_id: "SYN\u{202e}0001".into(),
                family_name: "Evil\x1b[2J\x1b]0;owned\x07".into(),
                given_name: "Bell\x07\u{9b}31m".into(),
                birth_date: NaiveDate::from_ymd_opt(1980, 5, 5).unwrap(),
                sex: Sex::Unknown,
                language: "en".into(),
                interpreter_needed: false,
                phone_primary: Some("555\r\n0100".into()),
                phone_secondary: None,
                medicaid_id: None,
                plan_name: None,
                enrollment_status: EnrollmentStatus::Enrolled,
                enrolled_on: None,
                risk_tier: RiskTier::Low,
                coordinator: Some(Practitioner {
                    id: me,
                    ..Practitioner::default()
                }),
                ..Patient::default()
            })?;
            tx.insert_task(&NewTask {
                patient_id: id,
                owner_id: Some(me),
                kind: TaskKind::Call,
                description: "Call\x1b[31m now".into(),
                status: TaskStatus::Requested,
                priority: Priority::Routine,
                due_on: Some(today()),
                hard_deadline: false,
                authored_at: clock().now_utc(),
                completed_at: None,
            })?;
            tx.audit(AuditAction::Create, "Patient", Some(id), Some(id), None)
        })
        .unwrap();
    drop(store);
    // tend now stores names in one form, without control characters; a
    // database written before may still hold them, and the screen cleans.
    rusqlite::Connection::open(&path)
        .unwrap()
        .execute(
            "UPDATE patient SET family_name = ?1, given_name = ?2",
            ["Evil\x1b[2J\x1b]0;owned\x07", "Bell\x07\u{9b}31m\u{200b}"],
        )
        .unwrap();
    let mut app = app_on(&path, ThemeName::Default);
    let screen = draw(&mut app, 120, 40);
    for cell in screen.content() {
        assert!(
            !cell.symbol().chars().any(|c| c.is_control()
                || ('\u{202a}'..='\u{202e}').contains(&c)
                || c == '\u{200b}'),
            "raw control character drawn: {:?}",
            cell.symbol()
        );
    }
    let all = text(&screen);
    assert!(all.contains("Evil^[[2J^[]0;owned^G"), "{all}");
    assert!(all.contains("Bell^G<U+009B>31m<U+200B>"), "{all}");
    assert!(all.contains("SYN<U+202E>0001"), "{all}");
    assert!(all.contains("Call^[[31m now"), "{all}");
    assert!(all.contains("555^M^J0100"), "{all}");
}

#[test]
fn another_sessions_change_appears_on_the_next_tick_without_a_key() {
    let dir = tempfile::tempdir().unwrap();
    let path = demo_db(dir.path());
    let mut app = app_on(&path, ThemeName::Default);
    assert!(!app.tick(), "nothing changed yet");
    let patient = app.caseload.selected_id().unwrap();

    // A second process (another coordinator covering) adds a task for us.
    let mut other = open(&path, "cc0001");
    other
        .write(|tx| {
            let me = tx.practitioner("ccuser", "ccuser")?;
            let id = tx.insert_task(&NewTask {
                patient_id: patient,
                owner_id: Some(me),
                kind: TaskKind::FollowUp,
                description: "Cross-coverage: call back about discharge".into(),
                status: TaskStatus::Requested,
                priority: Priority::Asap,
                due_on: Some(today()),
                hard_deadline: true,
                authored_at: clock().now_utc(),
                completed_at: None,
            })?;
            tx.audit(AuditAction::Create, "Task", Some(id), Some(patient), None)
        })
        .unwrap();

    assert!(!text(&draw(&mut app, 120, 40)).contains("Cross-coverage"));
    assert!(app.tick(), "the change is noticed");
    let all = text(&draw(&mut app, 120, 40));
    assert!(all.contains("Cross-coverage"), "{all}");
    assert_eq!(app.caseload.selected_id(), Some(patient), "selection kept");
    let views = app
        .store()
        .recent_audit(100)
        .unwrap()
        .iter()
        .filter(|e| e.action == AuditAction::Read && e.agent == "ccuser")
        .count();
    assert_eq!(views, 1, "refreshing the same patient is not a new view");
    assert!(!app.tick());
}

#[test]
fn an_empty_database_explains_itself() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("empty.db");
    drop(open(&path, "ccuser"));
    let mut app = app_on(&path, ThemeName::Default);
    let all = text(&draw(&mut app, 80, 24));
    assert!(all.contains("No patients here."), "{all}");
    assert!(all.contains("Nothing due."), "{all}");
    press(&mut app, KeyCode::Char('j'));
    press(&mut app, KeyCode::Enter);
    assert_eq!(app.focus, PaneId::Caseload);
}

/// `z` in Today at 80x24: the list takes the whole screen and every task
/// on it shows whole — its patient's name and its title — where four panes
/// leave a title nine characters.
#[test]
fn zoomed_today_at_80x24_shows_each_task_whole() {
    let dir = tempfile::tempdir().unwrap();
    let mut app = app_on(&demo_db(dir.path()), ThemeName::Default);
    press(&mut app, KeyCode::Char('4'));
    let four = text(&draw(&mut app, 80, 24));
    let first = app.tasks.rows[0].clone();
    assert!(!four.contains(&first.title), "cut short in four panes");
    press(&mut app, KeyCode::Char('z'));
    let screen = draw(&mut app, 80, 24);
    insta::assert_snapshot!("today_zoomed_80x24", text(&screen));
    let shown = text(&screen);
    assert!(!shown.contains("1 Caseload"), "one pane only");
    let on_screen = app.tasks.cursor.visible();
    assert!(on_screen.len() >= 10, "{on_screen:?}");
    for task in &app.tasks.rows[on_screen] {
        assert!(
            shown.contains(&task.title),
            "{:?} whole:\n{shown}",
            task.title
        );
        assert!(shown.contains(&task.patient_name), "{shown}");
    }
    // Moving past the last row shown keeps the selection in view.
    for _ in 0..12 {
        press(&mut app, KeyCode::Char('j'));
    }
    let selected = app.tasks.selected().unwrap().title.clone();
    let shown = text(&draw(&mut app, 80, 24));
    assert!(shown.contains(&selected), "{shown}");
    // z again: the four panes.
    press(&mut app, KeyCode::Char('z'));
    let shown = text(&draw(&mut app, 80, 24));
    assert!(shown.contains("1 Caseload") && shown.contains("4 Today"));
}

/// Wider, each task keeps one row; `2` and Tab while zoomed show another
/// pane on the whole screen, the patient pane with the selected task's
/// patient, and back in the caseload its own selection.
#[test]
fn zoomed_panes_at_120x40_and_tab_between_them() {
    let dir = tempfile::tempdir().unwrap();
    let mut app = app_on(&demo_db(dir.path()), ThemeName::Default);
    press(&mut app, KeyCode::Char('4'));
    press(&mut app, KeyCode::Char('z'));
    let screen = draw(&mut app, 120, 40);
    insta::assert_snapshot!("today_zoomed_120x40", text(&screen));
    assert!(app.tasks.cursor.visible().len() >= 35, "one row a task");
    let patient = app.tasks.selected().unwrap().patient_name.clone();
    let name_shown = |app: &App| {
        let record = app.patient.record.as_ref().unwrap();
        format!("{}, {}", record.family_name, record.given_name)
    };
    press(&mut app, KeyCode::Char('2'));
    let shown = text(&draw(&mut app, 120, 40));
    assert!(
        shown.contains("2 Patient") && !shown.contains("4 Today"),
        "{shown}"
    );
    assert_eq!(name_shown(&app), patient, "the selected task's patient");
    press(&mut app, KeyCode::Tab); // Care plan, zoomed
    assert!(text(&draw(&mut app, 120, 40)).contains("3 Care plan"));
    press(&mut app, KeyCode::Tab); // Today
    press(&mut app, KeyCode::Tab); // Caseload: its selection is shown
    let shown = text(&draw(&mut app, 120, 40));
    assert!(
        shown.contains("1 Caseload") && !shown.contains("2 Patient"),
        "{shown}"
    );
    let listed = app.caseload.selected().unwrap();
    assert_eq!(
        name_shown(&app),
        format!("{}, {}", listed.family_name, listed.given_name)
    );
}

/// `o` through every order, mine and then the team's: each says so in the
/// title, keeps the selected patient selected, lists the rows in that
/// order, and no database error reaches the status line.
#[test]
fn every_sort_of_the_caseload_works_in_both_scopes() {
    let dir = tempfile::tempdir().unwrap();
    let mut app = app_on(&demo_db(dir.path()), ThemeName::Default);
    for scope in ["mine", "team"] {
        if scope == "team" {
            press(&mut app, KeyCode::Char('t'));
        }
        press(&mut app, KeyCode::Char('j'));
        let kept = app.caseload.selected_id();
        for label in ["risk", "last contact", "next due", "name"] {
            press(&mut app, KeyCode::Char('o'));
            let screen = draw(&mut app, 80, 24);
            let title = row_text(&screen, 0);
            assert!(
                title.contains(&format!("{scope} ")) && title.contains(&format!("by {label}")),
                "{title}"
            );
            assert!(
                matches!(app.message, Some(Message::Info(ref m)) if *m == format!("Sorted by {label}")),
                "{:?}",
                app.message
            );
            assert_eq!(app.caseload.selected_id(), kept, "{scope} by {label}");
            let rows = app.caseload.visible();
            let in_order = rows.windows(2).all(|w| match label {
                "risk" => w[0].risk_tier >= w[1].risk_tier,
                "last contact" => {
                    w[0].last_contact_at.is_none()
                        || w[1]
                            .last_contact_at
                            .is_some_and(|b| w[0].last_contact_at <= Some(b))
                }
                "next due" => {
                    w[1].next_due.is_none()
                        || w[0].next_due.is_some_and(|a| Some(a) <= w[1].next_due)
                }
                _ => w[0].family_name.to_lowercase() <= w[1].family_name.to_lowercase(),
            });
            assert!(in_order, "{scope} by {label}");
        }
    }
}
