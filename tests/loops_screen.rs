//! Closed loops on the screen, in-process over a real database: a
//! patient's referrals (`F`), appointments (`A`) and prior authorizations
//! (`P`), the open loops (`L`, `:loops`) and my week (`W`), each drawn at
//! 80x24 and 120x40; and driven by keys: a referral made in its form and
//! moved along its loop (a move it does not allow refused with the
//! store's reason, closing asking how receipt was confirmed), an
//! appointment booked then missed (its outreach call in the patient's
//! tasks), an authorization denied (its appeal due by the deadline). The
//! tests' today is Tuesday 24 November 2026, 09:00 New York.

mod common;

use std::path::{Path, PathBuf};

use chrono::NaiveDate;
use crossterm::event::KeyCode;
use tend::app::{App, Overlay};
use tend::domain::appointment::AppointmentStatus;
use tend::domain::authorization::AuthStatus;
use tend::domain::patient::{EnrollmentStatus, Patient, Practitioner, RiskTier, Sex};
use tend::domain::referral::{ReceiptConfirmation, ReferralKind, ReferralStatus, Urgency};
use tend::store::{AuditAction, AuthMove, NewAppointment, NewAuthorization, NewReferral, Store};

use common::{app_with, keys, message, open, press, screen, settings_at_once, typed};

fn day(m: u32, d: u32) -> NaiveDate {
    let year = if m < 6 { 2027 } else { 2026 };
    NaiveDate::from_ymd_opt(year, m, d).unwrap()
}

/// Two of ccuser's patients: Alpha (English), who has loops of every
/// kind, and Bravo (Spanish), who has none. Returns their ids.
fn database(dir: &Path) -> (PathBuf, [i64; 2]) {
    let path = dir.join("tend.db");
    let mut store = open(&path, "ccuser");
    let ids = store
        .write(|tx| {
            let me = tx.practitioner("ccuser", "ccuser")?;
            let mut ids = Vec::new();
            for (n, (family, language)) in
                [("Alpha", "en"), ("Bravo", "es")].into_iter().enumerate()
            {
                ids.push(tx.insert_patient(&Patient {
                    member_id: format!("SYN{n}"),
                    family_name: family.into(),
                    given_name: "Synth".into(),
                    birth_date: NaiveDate::from_ymd_opt(1970, 1, 2).unwrap(),
                    sex: Sex::Female,
                    language: language.into(),
                    enrollment_status: EnrollmentStatus::Enrolled,
                    risk_tier: RiskTier::Low,
                    coordinator: Some(Practitioner {
                        id: me,
                        ..Practitioner::default()
                    }),
                    ..Patient::default()
                })?);
            }
            tx.audit(AuditAction::Create, "Bundle", None, None, None)?;
            Ok([ids[0], ids[1]])
        })
        .unwrap();
    loops_of(&mut store, ids[0]);
    (path, ids)
}

fn loops_of(store: &mut Store, alpha: i64) {
    let referral = |to: &str, kind, urgency, sent| NewReferral {
        patient_id: alpha,
        kind,
        urgency,
        reason: "Evaluation".into(),
        need_id: None,
        goal_id: None,
        to_name: to.into(),
        to_phone: Some("2125550134".into()),
        service_ref: None,
        sent,
    };
    store
        .add_referral(&referral(
            "Dr Lee Psychiatry",
            ReferralKind::Clinical,
            Urgency::Urgent,
            true,
        ))
        .unwrap();
    store
        .add_referral(&referral(
            "Eastside Food Pantry",
            ReferralKind::Community,
            Urgency::Routine,
            false,
        ))
        .unwrap();
    let appointment = |start: NaiveDate, hour, with: &str, transport| NewAppointment {
        patient_id: alpha,
        starts_at: start.and_hms_opt(hour, 30, 0).unwrap(),
        minutes: Some(30),
        with_whom: with.into(),
        place: Some("Synthetic Clinic".into()),
        reason: "Follow-up".into(),
        referral_id: None,
        transport_needed: transport,
        transport_arranged: false,
        interpreter_needed: false,
        interpreter_arranged: false,
    };
    store
        .book_appointment(&appointment(day(11, 26), 10, "Dr Okafor", true))
        .unwrap();
    store
        .book_appointment(&appointment(day(12, 1), 14, "Dr Lee", false))
        .unwrap();
    let auth = |item: &str| NewAuthorization {
        patient_id: alpha,
        payer: "Synth Health Plan".into(),
        item: item.into(),
        item_system: Some("cpt".into()),
        item_code: Some("72148".into()),
        diagnosis_code: Some("M54.5".into()),
        submitted: true,
    };
    store.add_authorization(&auth("MRI lumbar spine")).unwrap();
    let approved = store.add_authorization(&auth("Physical therapy")).unwrap();
    let version = store.authorization(approved).unwrap().unwrap().version;
    store
        .move_authorization(
            approved,
            version,
            &AuthMove {
                to: AuthStatus::Approved,
                on: None,
                units: Some(12),
                authorized_from: Some(day(11, 24)),
                authorized_until: Some(day(2, 28)),
                payer_ref: Some("PA-7781".into()),
                note: None,
            },
        )
        .unwrap();
}

fn app(path: &Path, cols: u16, rows: u16) -> App {
    app_with(path, &settings_at_once(), cols, rows)
}

fn command(app: &mut App, line: &str) {
    keys(app, &format!(":{line}"));
    press(app, KeyCode::Enter);
}

#[test]
fn each_loop_overlay_and_the_week_at_80x24_and_120x40() {
    let dir = tempfile::tempdir().unwrap();
    let (path, _) = database(dir.path());
    for (cols, rows) in [(80, 24), (120, 40)] {
        for (key, name, shows) in [
            ('F', "referrals", "Dr Lee"),
            ('A', "appointments", "Dr Okafor"),
            ('P', "authorizations", "MRI lumbar"),
            ('L', "open_loops", "Eastside Food"),
            ('W', "week", "Dr Okafor"),
        ] {
            let mut app = app(&path, cols, rows);
            press(&mut app, KeyCode::Char(key));
            assert!(app.overlay().is_some(), "{key}: {}", message(&app));
            let shown = screen(&mut app);
            assert!(shown.contains(shows), "{key}:\n{shown}");
            insta::assert_snapshot!(format!("{name}_{cols}x{rows}"), shown);
        }
    }
}

#[test]
fn the_lists_say_what_is_urgent_late_and_unarranged_in_words() {
    let dir = tempfile::tempdir().unwrap();
    let (path, _) = database(dir.path());
    let mut app = app(&path, 120, 40);
    press(&mut app, KeyCode::Char('F'));
    let shown = screen(&mut app);
    assert!(shown.contains("URGENT Dr Lee"), "{shown}");
    assert!(shown.contains("Send the referral"), "{shown}");
    press(&mut app, KeyCode::Esc);
    press(&mut app, KeyCode::Char('A'));
    let shown = screen(&mut app);
    assert!(shown.contains("RIDE NOT"), "{shown}");
    press(&mut app, KeyCode::Esc);
    press(&mut app, KeyCode::Char('W'));
    let shown = screen(&mut app);
    assert!(shown.contains("no-shows: none counted"), "{shown}");
    press(&mut app, KeyCode::Char(']'));
    let shown = screen(&mut app);
    assert!(shown.contains("Week 12-01→12-07"), "{shown}");
    assert!(shown.contains("Dr Lee"), "{shown}");
    // The patient pane: the next appointments, a ride not arranged said.
    press(&mut app, KeyCode::Esc);
    let lines = format!("{:?}", app.patient.lines);
    assert!(lines.contains("NO RIDE 11-26 10:30 Dr Okafor"), "{lines}");
    assert!(lines.contains("2 referrals · 1 auth open"), "{lines}");
}

fn referral_status(app: &App, to: &str) -> (ReferralStatus, Option<ReceiptConfirmation>) {
    let id = app.patient.record.as_ref().unwrap().id;
    let referral = app
        .store()
        .referrals(id)
        .unwrap()
        .into_iter()
        .find(|r| r.to_name == to)
        .expect("the referral");
    (referral.status, referral.confirmation)
}

/// The row of `to` selected in the referrals overlay.
fn select_referral(app: &mut App, to: &str) {
    let Some(Overlay::Referrals(list)) = app.overlay() else {
        panic!("no referrals overlay: {}", message(app));
    };
    let at = list
        .rows
        .iter()
        .position(|r| r.referral.to_name == to)
        .expect("listed");
    let list = list.clone();
    for _ in 0..list.rows.len() {
        press(app, KeyCode::Char('k'));
    }
    for _ in 0..at {
        press(app, KeyCode::Char('j'));
    }
}

#[test]
fn a_referral_made_in_its_form_moves_along_its_loop_and_is_closed_with_confirmation() {
    let dir = tempfile::tempdir().unwrap();
    let (path, _) = database(dir.path());
    let mut app = app(&path, 80, 24);
    press(&mut app, KeyCode::Char('F'));
    press(&mut app, KeyCode::Char('n'));
    assert!(app.form().is_some(), "{}", message(&app));
    typed(
        &mut app,
        "clinical\rSynth Cardiology\r\rChest pain work-up\r\r\r\r",
    );
    assert!(app.form().is_none(), "saved: {}", message(&app));
    assert!(
        message(&app).contains("Referral to Synth Cardiology sent"),
        "{}",
        message(&app)
    );
    let to = "Synth Cardiology";
    assert_eq!(referral_status(&app, to).0, ReferralStatus::Sent);

    select_referral(&mut app, to);
    press(&mut app, KeyCode::Char('m'));
    assert!(matches!(app.overlay(), Some(Overlay::KeyChoice(_))));
    let shown = screen(&mut app);
    assert!(
        shown.contains(" a  accepted"),
        "the keys are shown:\n{shown}"
    );
    press(&mut app, KeyCode::Char('a'));
    assert_eq!(referral_status(&app, to).0, ReferralStatus::Accepted);
    assert!(
        message(&app).contains("Referral accepted; next: Confirm the appointment date"),
        "{}",
        message(&app)
    );

    // A move the loop does not allow: the store's reason, nothing changed.
    select_referral(&mut app, to);
    press(&mut app, KeyCode::Char('m'));
    press(&mut app, KeyCode::Char('c'));
    assert_eq!(
        message(&app),
        "A referral is closed only after the service was received; nothing was changed"
    );
    assert_eq!(referral_status(&app, to).0, ReferralStatus::Accepted);
    assert!(matches!(app.overlay(), Some(Overlay::Referrals(_))));

    // A key that is no status at all is said, and the choice stays.
    select_referral(&mut app, to);
    press(&mut app, KeyCode::Char('m'));
    press(&mut app, KeyCode::Char('z'));
    assert!(matches!(app.overlay(), Some(Overlay::KeyChoice(_))));
    assert!(
        message(&app).contains("is not one of the choices"),
        "{}",
        message(&app)
    );
    press(&mut app, KeyCode::Char('r'));
    assert_eq!(referral_status(&app, to).0, ReferralStatus::Received);

    // Closing asks how receipt was confirmed, one key each.
    select_referral(&mut app, to);
    press(&mut app, KeyCode::Char('m'));
    press(&mut app, KeyCode::Char('c'));
    let shown = screen(&mut app);
    assert!(shown.contains("how was receipt confirmed"), "{shown}");
    assert!(shown.contains("the receiver's report"), "{shown}");
    press(&mut app, KeyCode::Char('r'));
    assert_eq!(
        referral_status(&app, to),
        (
            ReferralStatus::Closed,
            Some(ReceiptConfirmation::ReceiverReport)
        )
    );
    assert!(
        message(&app).contains("nothing is left to do"),
        "{}",
        message(&app)
    );

    // Enter shows the whole referral; any key goes back to the list.
    select_referral(&mut app, to);
    press(&mut app, KeyCode::Enter);
    let shown = screen(&mut app);
    assert!(shown.contains("the receiver's report"), "{shown}");
    press(&mut app, KeyCode::Char('x'));
    assert!(matches!(app.overlay(), Some(Overlay::Referrals(_))));
}

#[test]
fn a_declined_referral_asks_why_and_scheduled_asks_the_day() {
    let dir = tempfile::tempdir().unwrap();
    let (path, _) = database(dir.path());
    let mut app = app(&path, 100, 30);
    press(&mut app, KeyCode::Char('F'));
    select_referral(&mut app, "Dr Lee Psychiatry");
    press(&mut app, KeyCode::Char('m'));
    press(&mut app, KeyCode::Char('h'));
    assert!(app.prompt().is_some(), "the day is asked");
    keys(&mut app, "12/03");
    press(&mut app, KeyCode::Enter);
    let id = app.patient.record.as_ref().unwrap().id;
    let lee = app
        .store()
        .referrals(id)
        .unwrap()
        .into_iter()
        .find(|r| r.to_name == "Dr Lee Psychiatry")
        .unwrap();
    assert_eq!(lee.status, ReferralStatus::Scheduled);
    assert_eq!(lee.appointment_on, Some(day(12, 3)));

    select_referral(&mut app, "Dr Lee Psychiatry");
    press(&mut app, KeyCode::Char('m'));
    press(&mut app, KeyCode::Char('x'));
    assert!(app.prompt().is_some(), "why is asked");
    press(&mut app, KeyCode::Enter);
    assert!(app.prompt().is_some(), "an empty reason is not taken");
    keys(&mut app, "member moved away");
    press(&mut app, KeyCode::Enter);
    assert_eq!(
        referral_status(&app, "Dr Lee Psychiatry").0,
        ReferralStatus::Cancelled
    );
}

#[test]
fn an_appointment_booked_then_missed_puts_the_outreach_call_in_the_patient_s_tasks() {
    let dir = tempfile::tempdir().unwrap();
    let (path, [_, bravo]) = database(dir.path());
    let mut app = app(&path, 80, 24);
    press(&mut app, KeyCode::Char('j')); // Bravo, who speaks Spanish
    assert_eq!(app.patient.record.as_ref().map(|r| r.id), Some(bravo));
    press(&mut app, KeyCode::Char('A'));
    press(&mut app, KeyCode::Char('n'));
    let form = app.form().expect("the booking form");
    assert_eq!(
        form.fields[8].text(),
        "yes",
        "an interpreter is offered for a patient who speaks Spanish"
    );
    typed(&mut app, "today\r11:00\rDr Ruiz\r\rDiabetes check\r\r");
    // Transport needed: "no" becomes "yes".
    press(&mut app, KeyCode::Backspace);
    press(&mut app, KeyCode::Backspace);
    typed(&mut app, "yes\r\r\r\r");
    assert!(
        app.form().is_none(),
        "booked: {} {:?}",
        message(&app),
        app.form().map(|f| (
            f.focused,
            f.problem.clone(),
            f.fields.iter().map(|x| x.text()).collect::<Vec<_>>()
        ))
    );
    assert!(
        message(&app).contains("booked for Tue 2026-11-24 11:00"),
        "{}",
        message(&app)
    );
    let booked = app.store().appointments(bravo).unwrap()[0].clone();
    assert!(booked.transport_needed && !booked.transport_arranged);
    assert!(booked.interpreter_needed);

    press(&mut app, KeyCode::Char('t'));
    let now = app.store().appointment(booked.id).unwrap().unwrap();
    assert!(now.transport_arranged, "{}", message(&app));

    press(&mut app, KeyCode::Char('m'));
    press(&mut app, KeyCode::Char('m'));
    let now = app.store().appointment(booked.id).unwrap().unwrap();
    assert_eq!(now.status, AppointmentStatus::Missed, "{}", message(&app));
    let tasks = app.store().patient_tasks(bravo).unwrap();
    assert!(
        tasks
            .iter()
            .any(|t| t.title.starts_with("Call the member: missed appointment")),
        "{tasks:#?}"
    );
    assert!(
        message(&app).contains("Appointment missed; next: Call the member"),
        "{}",
        message(&app)
    );
}

#[test]
fn a_rescheduled_appointment_asks_the_new_day_and_time() {
    let dir = tempfile::tempdir().unwrap();
    let (path, [alpha, _]) = database(dir.path());
    let mut app = app(&path, 100, 30);
    press(&mut app, KeyCode::Char('A'));
    press(&mut app, KeyCode::Char('m'));
    press(&mut app, KeyCode::Char('r'));
    assert!(app.prompt().is_some());
    keys(&mut app, "12/02 9:15");
    press(&mut app, KeyCode::Enter);
    let all = app.store().appointments(alpha).unwrap();
    assert!(all
        .iter()
        .any(|a| a.status == AppointmentStatus::Rescheduled));
    assert!(all.iter().any(|a| a.status == AppointmentStatus::Booked
        && a.starts_at == day(12, 2).and_hms_opt(9, 15, 0).unwrap()));
}

#[test]
fn an_authorization_denied_brings_its_appeal_due_by_the_deadline() {
    let dir = tempfile::tempdir().unwrap();
    let (path, [_, bravo]) = database(dir.path());
    let mut app = app(&path, 80, 24);
    press(&mut app, KeyCode::Char('j'));
    command(&mut app, "auth");
    assert!(app.form().is_some(), "{}", message(&app));
    typed(
        &mut app,
        "Synth Health Plan\rHome oxygen\rhcpcs\rE1390\rJ44.9\r\r",
    );
    assert!(app.form().is_none(), "{}", message(&app));
    let auth = app.store().authorizations(bravo).unwrap()[0].clone();
    assert_eq!(auth.status, AuthStatus::Submitted);

    press(&mut app, KeyCode::Char('m'));
    press(&mut app, KeyCode::Char('n'));
    assert!(app.prompt().is_some(), "the notice's date is asked");
    keys(&mut app, "11/20");
    press(&mut app, KeyCode::Enter);
    let auth = app.store().authorization(auth.id).unwrap().unwrap();
    assert_eq!(auth.status, AuthStatus::Denied, "{}", message(&app));
    // 60 calendar days from the notice.
    assert_eq!(auth.next_due, Some(day(1, 19)));
    let tasks = app.store().patient_tasks(bravo).unwrap();
    let appeal = tasks
        .iter()
        .find(|t| t.title.starts_with("File the appeal"))
        .expect("the appeal task");
    assert!(appeal.hard_deadline);
    press(&mut app, KeyCode::Enter);
    let shown = screen(&mut app);
    assert!(shown.contains("Appeal by"), "{shown}");
    assert!(shown.contains("Tue 2027-01-19"), "{shown}");
}

#[test]
fn loops_words_searches_all_loops_and_enter_opens_the_patient() {
    let dir = tempfile::tempdir().unwrap();
    let (path, [alpha, _]) = database(dir.path());
    let mut app = app(&path, 100, 30);
    press(&mut app, KeyCode::Char('j')); // Bravo on screen
    command(&mut app, "loops pantry");
    let Some(Overlay::OpenLoops(view)) = app.overlay() else {
        panic!("no loops view: {}", message(&app));
    };
    assert_eq!(view.rows.len(), 1, "{:?}", view.rows);
    assert_eq!(message(&app), "1 loop matches");
    press(&mut app, KeyCode::Enter);
    assert_eq!(app.patient.record.as_ref().map(|r| r.id), Some(alpha));
}

#[test]
fn g_and_shift_g_move_to_the_top_and_bottom_of_a_loop_list_which_stays_open() {
    let dir = tempfile::tempdir().unwrap();
    let (path, _) = database(dir.path());
    let mut app = app(&path, 120, 40);
    press(&mut app, KeyCode::Char('F'));
    let selected = |app: &App| match app.overlay() {
        Some(Overlay::Referrals(list)) => (list.selected, list.rows.len()),
        _ => panic!("the referrals overlay closed: {}", message(app)),
    };
    let (_, rows) = selected(&app);
    assert!(rows >= 2, "{rows} referrals");
    press(&mut app, KeyCode::Char('G'));
    assert_eq!(selected(&app), (rows - 1, rows));
    press(&mut app, KeyCode::Char('g'));
    assert_eq!(selected(&app), (0, rows));
    press(&mut app, KeyCode::End);
    assert_eq!(selected(&app), (rows - 1, rows));
    press(&mut app, KeyCode::PageUp);
    assert_eq!(selected(&app), (0, rows));
}

/// The column at which `text` starts on row `y` of the frame, counting
/// cells as the terminal does (a wide character takes two).
fn column_of(buffer: &ratatui::buffer::Buffer, y: u16, text: &str) -> Option<u16> {
    let first = text.chars().next()?.to_string();
    (0..buffer.area.width).find(|&x| {
        buffer[(x, y)].symbol() == first
            && (0..buffer.area.width - x)
                .map(|dx| buffer[(x + dx, y)].symbol())
                .collect::<String>()
                .starts_with(text)
    })
}

#[test]
fn a_name_of_wide_characters_keeps_the_open_loops_columns_in_line() {
    let dir = tempfile::tempdir().unwrap();
    let (path, _) = database(dir.path());
    rusqlite::Connection::open(&path)
        .unwrap()
        .execute(
            "UPDATE patient SET given_name = '美玲' WHERE family_name = 'Alpha'",
            [],
        )
        .unwrap();
    let mut app = app(&path, 100, 30);
    press(&mut app, KeyCode::Char('L'));
    let mut terminal = ratatui::Terminal::new(ratatui::backend::TestBackend::new(100, 30)).unwrap();
    terminal.draw(|f| tend::ui::render(&app, f)).unwrap();
    let buffer = terminal.backend().buffer();
    let header = (0..30)
        .find(|&y| column_of(buffer, y, "patient").is_some())
        .expect("the header");
    let row = (0..30)
        .find(|&y| column_of(buffer, y, "Eastside").is_some())
        .expect("the pantry referral");
    assert!(column_of(buffer, row, "美").is_some(), "the name is shown");
    assert_eq!(
        column_of(buffer, row, "Eastside"),
        column_of(buffer, header, "what"),
        "the what column starts under its header"
    );
}
