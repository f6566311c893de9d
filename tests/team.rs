//! A team on one database (issue 15, items 3 and 4): who reaches which
//! patients by role and team through every read path, breaking the glass,
//! cover that ends by itself, and the sentences a user gets when they may
//! not. Against real SQLite in a temp dir, at the tests' fixed clock; the
//! command line with real accounts is in `tests/cli.rs`.

mod common;
mod fixtures;

use tend::clock::Clock;
use tend::domain::role::{Right, Role};
use tend::domain::task_line::{Assignee, TaskFilter};
use tend::store::{
    AuditAction, CaseloadQuery, CaseloadSort, NewCommunication, OpenOptions, Scope, Store,
    StoreError,
};

use common::{clock, open, today};
use fixtures::{day, patient, task};

/// The team database: boss (admin), ana and bea (coordinators, north),
/// ben (coordinator, south), sue (supervisor, north), aud (auditor); one
/// patient each for ana, bea and ben, and one nobody holds, each with a
/// task due today and a signed note about a bus pass.
struct Team {
    _dir: tempfile::TempDir,
    path: std::path::PathBuf,
}

const ANA_S: &str = "N-ANA";
const BEA_S: &str = "N-BEA";
const BEN_S: &str = "S-BEN";
const NOBODY_S: &str = "U-NONE";

impl Team {
    fn new() -> Team {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("team.db");
        let mut store = open(&path, "boss");
        store
            .add_user("boss", "The Boss", Role::Admin, &[])
            .unwrap();
        let north = vec!["north".to_string()];
        let south = vec!["south".to_string()];
        store
            .add_user("ana", "Ana", Role::Coordinator, &north)
            .unwrap();
        store
            .add_user("bea", "Bea", Role::Coordinator, &north)
            .unwrap();
        store
            .add_user("ben", "Ben", Role::Coordinator, &south)
            .unwrap();
        store
            .add_user("sue", "Sue", Role::Supervisor, &north)
            .unwrap();
        store.add_user("aud", "Aud", Role::Auditor, &[]).unwrap();
        store
            .write(|tx| {
                let holders = [
                    (ANA_S, "ana"),
                    (BEA_S, "bea"),
                    (BEN_S, "ben"),
                    (NOBODY_S, ""),
                ];
                for (n, (member, holder)) in holders.into_iter().enumerate() {
                    let owner = if holder.is_empty() {
                        tx.practitioner("boss", "The Boss")?
                    } else {
                        tx.practitioner(holder, holder)?
                    };
                    let mut record = patient(member, &format!("Testa{n}"), "Una", owner);
                    if holder.is_empty() {
                        record.coordinator = None;
                    }
                    let id = tx.insert_patient(&record)?;
                    tx.insert_task(&task(
                        id,
                        owner,
                        tend::domain::task::TaskKind::Call,
                        &format!("Call {member}"),
                        day(24),
                    ))?;
                    tx.insert_communication(&NewCommunication {
                        patient_id: id,
                        author_id: Some(owner),
                        sent_at: clock().now_utc() - chrono::Duration::days(1),
                        medium: "phone".into(),
                        direction: "outbound".into(),
                        recipient: "patient".into(),
                        outcome: "reached".into(),
                        reached: true,
                        duration_minutes: Some(5),
                        body: format!("Talked about the bus pass for {member}."),
                    })?;
                }
                tx.audit(AuditAction::Create, "Bundle", None, None, Some("team test"))
            })
            .unwrap();
        Team { _dir: dir, path }
    }

    /// The store as `login`, signed in, at the tests' now.
    fn as_user(&self, login: &str) -> Store {
        self.at(login, clock())
    }

    /// The store as `login`, signed in, at `clock`.
    fn at(&self, login: &str, clock: Clock) -> Store {
        let mut store = Store::open(&self.path, login, clock, &OpenOptions::default()).unwrap();
        store.sign_in().unwrap();
        store
    }

    fn id_of(&self, member: &str) -> i64 {
        self.as_user("boss")
            .patient_id_by_member(member)
            .unwrap()
            .unwrap()
    }
}

fn caseload(store: &Store, scope: Scope, user: &str) -> Vec<String> {
    let query = CaseloadQuery {
        scope,
        sort: CaseloadSort::Name,
        filter: String::new(),
        user: user.into(),
    };
    let n = store.caseload_count(&query).unwrap();
    let rows = store.caseload_window(&query, 0, 100).unwrap();
    assert_eq!(rows.len(), n, "the count and the rows agree");
    let mut members: Vec<String> = rows.into_iter().map(|r| r.member_id).collect();
    members.sort();
    members
}

fn team_day(store: &Store, user: &str, who: Assignee) -> Vec<String> {
    let filter = TaskFilter {
        who,
        ..TaskFilter::default()
    };
    let mut titles: Vec<String> = store
        .day_tasks(user, &filter, today())
        .unwrap()
        .into_iter()
        .map(|t| t.title)
        .collect();
    titles.sort();
    titles
}

fn searched(store: &Store, words: &str) -> Vec<String> {
    let mut lines: Vec<String> = store
        .search_notes(words, 50)
        .unwrap()
        .into_iter()
        .map(|h| h.line)
        .collect();
    lines.sort();
    lines
}

#[test]
fn each_role_reaches_the_patients_of_its_teams_in_the_caseload() {
    let team = Team::new();
    let ana = team.as_user("ana");
    assert_eq!(caseload(&ana, Scope::Mine, "ana"), [ANA_S]);
    assert_eq!(caseload(&ana, Scope::Team, "ana"), [ANA_S, BEA_S]);
    let ben = team.as_user("ben");
    assert_eq!(caseload(&ben, Scope::Team, "ben"), [BEN_S]);
    // A supervisor also sees who nobody holds yet, to give them to someone.
    let sue = team.as_user("sue");
    assert_eq!(caseload(&sue, Scope::Team, "sue"), [ANA_S, BEA_S, NOBODY_S]);
    let boss = team.as_user("boss");
    assert_eq!(
        caseload(&boss, Scope::Team, "boss"),
        [ANA_S, BEA_S, BEN_S, NOBODY_S]
    );
    let aud = team.as_user("aud");
    assert!(caseload(&aud, Scope::Team, "aud").is_empty());
    assert!(matches!(
        aud.require(Right::ReadCharts),
        Err(StoreError::NotAllowed {
            role: Role::Auditor,
            ..
        })
    ));
}

#[test]
fn a_filter_of_whole_words_finds_no_patient_of_another_team() {
    let team = Team::new();
    let ana = team.as_user("ana");
    // "Testa" is every patient's family name: three letters and more go
    // through the name index, which must not count the whole program.
    let query = CaseloadQuery {
        scope: Scope::Team,
        sort: CaseloadSort::Name,
        filter: "Testa".into(),
        user: "ana".into(),
    };
    assert_eq!(ana.caseload_count(&query).unwrap(), 2);
    assert_eq!(ana.caseload_window(&query, 0, 10).unwrap().len(), 2);
    let ben_id = team.id_of(BEN_S);
    assert_eq!(ana.caseload_position(&query, ben_id).unwrap(), None);
}

#[test]
fn the_teams_day_holds_only_tasks_of_patients_in_reach() {
    let team = Team::new();
    let ana = team.as_user("ana");
    assert_eq!(team_day(&ana, "ana", Assignee::Mine), ["Call N-ANA"]);
    assert_eq!(
        team_day(&ana, "ana", Assignee::Team),
        ["Call N-ANA", "Call N-BEA"]
    );
    // Naming someone of another team shows nothing of theirs.
    assert!(team_day(&ana, "ana", Assignee::Named("ben".into())).is_empty());
    let ben = team.as_user("ben");
    assert_eq!(team_day(&ben, "ben", Assignee::Team), ["Call S-BEN"]);
}

#[test]
fn a_coordinators_search_never_returns_another_teams_note() {
    let team = Team::new();
    assert_eq!(
        searched(&team.as_user("ana"), "bus pass"),
        [
            "Talked about the bus pass for N-ANA.",
            "Talked about the bus pass for N-BEA."
        ]
    );
    assert_eq!(
        searched(&team.as_user("ben"), "bus pass"),
        ["Talked about the bus pass for S-BEN."]
    );
    assert!(searched(&team.as_user("aud"), "bus pass").is_empty());
    assert_eq!(searched(&team.as_user("boss"), "bus pass").len(), 4);
}

#[test]
fn a_record_outside_reach_is_refused_by_id_and_by_member_id() {
    let team = Team::new();
    let ben_id = team.id_of(BEN_S);
    let ana = team.as_user("ana");
    let refused = ana.patient(ben_id).unwrap_err();
    assert!(matches!(refused, StoreError::OutOfReach));
    assert!(refused.to_string().contains("break the glass"), "{refused}");
    assert!(matches!(
        ana.patient_id_by_member(BEN_S),
        Err(StoreError::OutOfReach)
    ));
    // A member ID nobody has is still "none", not a refusal.
    assert_eq!(ana.patient_id_by_member("NO-SUCH").unwrap(), None);
    let mut ana = ana;
    let careplan = tend::reports::careplan::careplan_for_member(&mut ana, BEN_S, today());
    assert!(careplan.is_err());
}

#[test]
fn the_fhir_export_of_a_coordinator_holds_their_teams_patients_only() {
    let team = Team::new();
    let mut ana = team.as_user("ana");
    let mut bundle = Vec::new();
    let report =
        tend::fhir::export::export(&mut ana, tend::fhir::export::Scope::All, &mut bundle).unwrap();
    assert_eq!(report.patients, 2);
    let text = String::from_utf8(bundle).unwrap();
    assert!(text.contains(ANA_S) && text.contains(BEA_S));
    assert!(!text.contains(BEN_S), "another team's patient left tend");
    assert!(!text.contains(NOBODY_S));
    assert!(!text.contains("S-BEN."), "another team's note left tend");
}

#[test]
fn breaking_the_glass_opens_one_record_for_a_while_audited_and_reviewed() {
    let team = Team::new();
    let ben_id = team.id_of(BEN_S);
    let mut ana = team.as_user("ana");
    // A reason that is not one is refused, and nothing opens.
    assert!(matches!(
        ana.break_glass(ben_id, " ok "),
        Err(StoreError::Refused(_))
    ));
    assert!(!ana.in_reach(ben_id).unwrap());
    let until = ana
        .break_glass(ben_id, "Ben is off sick and the member called in crisis")
        .unwrap()
        .expect("the glass was broken");
    assert_eq!(until, clock().now_utc() + tend::store::GLASS_OPEN_FOR);
    assert!(ana.patient(ben_id).unwrap().is_some());
    assert_eq!(
        caseload(&ana, Scope::Team, "ana"),
        [ANA_S, BEA_S, BEN_S],
        "the opened record is in reach"
    );
    // Audited as such, with the reason.
    let audit = ana.recent_audit(5).unwrap();
    assert!(audit.iter().any(|e| e.agent == "ana"
        && e.patient_id == Some(ben_id)
        && e.detail.as_deref().is_some_and(
            |d| d.starts_with("break the glass") && d.contains("member called in crisis")
        )));
    // Ana's supervisor sees it for review; Ben, a coordinator, may not.
    let mut sue = team.as_user("sue");
    let listed = sue.glass_opened(false).unwrap();
    assert_eq!(listed.len(), 1);
    assert_eq!(
        (listed[0].user.as_str(), listed[0].member_id.as_str()),
        ("ana", BEN_S)
    );
    assert!(matches!(
        team.as_user("ben").glass_opened(false),
        Err(StoreError::NotAllowed { .. })
    ));
    sue.review_glass(listed[0].id, "Confirmed with Ben's on-call log")
        .unwrap();
    assert!(sue.glass_opened(false).unwrap().is_empty());
    assert_eq!(
        sue.glass_opened(true).unwrap()[0].reviewed_by.as_deref(),
        Some("sue")
    );
    // Eight hours on, the record is out of reach again.
    let later = Clock::parse("2026-11-24T17:01:00-05:00").unwrap();
    let ana_later = team.at("ana", later);
    assert!(!ana_later.in_reach(ben_id).unwrap());
}

#[test]
fn cover_puts_the_covered_caseload_and_day_in_mine_and_ends_by_itself() {
    let team = Team::new();
    // A supervisor of north may not set cover for someone of south.
    let mut sue = team.as_user("sue");
    let refused = sue.add_cover("ana", "ben", day(24), day(27)).unwrap_err();
    assert!(
        refused
            .to_string()
            .contains("ben is not in one of your teams"),
        "{refused}"
    );
    // Within north she may; across teams the admin does.
    sue.add_cover("ana", "bea", day(24), day(25)).unwrap();
    let mut boss = team.as_user("boss");
    boss.add_cover("ana", "ben", day(24), day(27)).unwrap();

    let ana = team.as_user("ana");
    assert_eq!(ana.covered_today("ana").unwrap(), ["bea", "ben"]);
    assert_eq!(caseload(&ana, Scope::Mine, "ana"), [ANA_S, BEA_S, BEN_S]);
    assert_eq!(
        team_day(&ana, "ana", Assignee::Mine),
        ["Call N-ANA", "Call N-BEA", "Call S-BEN"]
    );
    let ben_id = team.id_of(BEN_S);
    assert!(ana.patient(ben_id).unwrap().is_some());

    // Thursday the 26th: Bea is back, Ben still covered.
    let thursday = team.at("ana", Clock::parse("2026-11-26T09:00:00-05:00").unwrap());
    assert_eq!(caseload(&thursday, Scope::Mine, "ana"), [ANA_S, BEN_S]);
    // Saturday the 28th: the cover is over, without anyone ending it.
    let saturday = team.at("ana", Clock::parse("2026-11-28T09:00:00-05:00").unwrap());
    assert_eq!(caseload(&saturday, Scope::Mine, "ana"), [ANA_S]);
    assert_eq!(team_day(&saturday, "ana", Assignee::Mine), ["Call N-ANA"]);
    assert!(!saturday.in_reach(ben_id).unwrap());
}

#[test]
fn cover_ended_early_is_over_from_today() {
    let team = Team::new();
    let mut boss = team.as_user("boss");
    let id = boss.add_cover("ana", "ben", day(20), day(30)).unwrap();
    boss.end_cover(id).unwrap();
    let ana = team.as_user("ana");
    assert!(ana.covered_today("ana").unwrap().is_empty());
    assert_eq!(caseload(&ana, Scope::Mine, "ana"), [ANA_S]);
}

#[test]
fn an_unknown_or_deactivated_login_gets_one_sentence() {
    let team = Team::new();
    let mut stranger = Store::open(&team.path, "zed", clock(), &OpenOptions::default()).unwrap();
    let refused = stranger.sign_in().unwrap_err();
    assert_eq!(
        refused.to_string(),
        "you (zed) are not a user of this team's tend database: ask one of its admins to add you"
    );
    let mut boss = team.as_user("boss");
    boss.set_user_active("bea", false).unwrap();
    let mut bea = Store::open(&team.path, "bea", clock(), &OpenOptions::default()).unwrap();
    let refused = bea.sign_in().unwrap_err();
    assert!(matches!(refused, StoreError::Deactivated { .. }));
    assert!(
        refused.to_string().contains("no longer active"),
        "{refused}"
    );
    // Her patient stays with her team.
    assert_eq!(
        caseload(&team.as_user("ana"), Scope::Team, "ana"),
        [ANA_S, BEA_S]
    );
    boss.set_user_active("bea", true).unwrap();
    assert!(team.as_user("bea").access().role() == Some(Role::Coordinator));
}

#[test]
fn a_role_without_the_right_writes_nothing() {
    let team = Team::new();
    let mut ana = team.as_user("ana");
    let rows_before = audit_rows(&ana);
    let refused = ana.add_user("eve", "Eve", Role::Admin, &[]).unwrap_err();
    assert_eq!(
        refused.to_string(),
        "your role (coordinator) may not add or change users; nothing was changed"
    );
    assert!(ana.add_cover("ana", "bea", day(24), day(25)).is_err());
    // Giving her patient to someone else is a supervisor's decision.
    let id = team.id_of(ANA_S);
    let mut record = ana.patient(id).unwrap().unwrap();
    let bea = team
        .as_user("boss")
        .practitioners()
        .unwrap()
        .into_iter()
        .find(|p| p.username == "bea")
        .unwrap();
    record.coordinator = Some(bea);
    assert!(matches!(
        ana.update_patient_record(&record),
        Err(StoreError::NotAllowed {
            right: Right::AssignPatients,
            ..
        })
    ));
    assert_eq!(audit_rows(&ana), rows_before, "nothing was written");
    assert_eq!(
        team.as_user("sue")
            .update_patient_record(&record)
            .map(|_| ())
            .ok(),
        Some(())
    );
}

#[test]
fn the_last_admin_cannot_be_removed_and_the_first_user_must_be_one() {
    let team = Team::new();
    let mut boss = team.as_user("boss");
    for refused in [
        boss.set_user_active("boss", false).unwrap_err(),
        boss.set_user("boss", Some(Role::Coordinator), None, None)
            .unwrap_err(),
    ] {
        assert!(
            refused.to_string().contains("nobody to manage the users"),
            "{refused}"
        );
    }
    // On a database that is still one person's, the first user is an admin.
    let dir = tempfile::tempdir().unwrap();
    let mut own = open(&dir.path().join("own.db"), "solo");
    let refused = own
        .add_user("solo", "Solo", Role::Coordinator, &[])
        .unwrap_err();
    assert!(
        refused.to_string().contains("must be an admin"),
        "{refused}"
    );
    assert!(!own.is_team_database().unwrap());
    own.add_user("solo", "Solo", Role::Admin, &[]).unwrap();
    assert!(own.is_team_database().unwrap());
    assert_eq!(own.access().role(), Some(Role::Admin));
    // Its owner may make someone else the first admin (root, setting up a
    // team's server): done, and the owner is nobody there afterwards.
    let mut by_root = open(&dir.path().join("roots.db"), "root");
    by_root
        .add_user("jdoe", "J. Doe", Role::Admin, &[])
        .unwrap();
    assert!(by_root.is_team_database().unwrap());
    assert!(matches!(
        by_root.require(Right::ReadCharts),
        Err(StoreError::NotAUser { .. })
    ));
    assert!(
        by_root
            .caseload_count(&CaseloadQuery {
                scope: Scope::Team,
                sort: CaseloadSort::Name,
                filter: String::new(),
                user: "root".into(),
            })
            .unwrap()
            == 0
    );
}

#[test]
fn nobody_reviews_their_own_broken_glass_and_cover_is_ended_within_ones_teams() {
    let team = Team::new();
    let ben_id = team.id_of(BEN_S);
    let mut sue = team.as_user("sue");
    sue.break_glass(ben_id, "crisis call on the on-call line")
        .unwrap();
    assert!(sue.glass_opened(true).unwrap().is_empty(), "not her own");
    let mut boss = team.as_user("boss");
    let listed = boss.glass_opened(false).unwrap();
    assert_eq!(listed.len(), 1);
    assert!(matches!(
        sue.review_glass(listed[0].id, "fine"),
        Err(StoreError::Refused(_))
    ));
    boss.review_glass(listed[0].id, "checked").unwrap();
    // Cover across teams, set by the admin, is not a north supervisor's to end.
    let id = boss.add_cover("ana", "ben", day(24), day(27)).unwrap();
    let refused = sue.end_cover(id).unwrap_err();
    assert!(
        refused
            .to_string()
            .contains("not between people of your teams"),
        "{refused}"
    );
    assert_eq!(team.as_user("ana").covered_today("ana").unwrap(), ["ben"]);
}

#[test]
fn a_user_deactivated_while_their_screen_is_open_reaches_nothing_from_then_on() {
    let team = Team::new();
    let mut bea = screen_as(&team, "bea", 100, 30);
    assert!(common::screen(&mut bea).contains("Testa1"));
    team.as_user("boss").set_user_active("bea", false).unwrap();
    bea.tick();
    assert!(
        common::message(&bea).contains("no longer active"),
        "{}",
        common::message(&bea)
    );
    let shown = common::screen(&mut bea);
    assert!(!shown.contains("Testa"), "{shown}");
}

#[test]
fn every_change_to_users_and_cover_is_audited() {
    let team = Team::new();
    let mut boss = team.as_user("boss");
    boss.set_user("ben", None, Some(&["north".into(), "south".into()]), None)
        .unwrap();
    boss.add_cover("ana", "ben", day(24), day(25)).unwrap();
    let details: Vec<String> = boss
        .recent_audit(20)
        .unwrap()
        .into_iter()
        .filter(|e| e.agent == "boss")
        .filter_map(|e| e.detail)
        .collect();
    for expected in [
        "user added: ana as coordinator, teams: north",
        "user added: aud as auditor, teams: none",
        "user changed: ben: teams: north, south",
        "cover: ana covers ben 2026-11-24 to 2026-11-25",
    ] {
        assert!(
            details.iter().any(|d| d == expected),
            "{expected} in {details:?}"
        );
    }
    // Ben, now in north too, is in Ana's team.
    assert_eq!(
        caseload(&team.as_user("ana"), Scope::Team, "ana"),
        [ANA_S, BEA_S, BEN_S]
    );
}

#[test]
fn a_database_nobody_has_a_role_on_is_its_users_own() {
    let dir = tempfile::tempdir().unwrap();
    let path = fixtures::morning_db(dir.path());
    let mut store = open(&path, "ccuser");
    assert!(store.sign_in().is_ok());
    assert_eq!(store.access().role(), None);
    assert!(store.require(Right::ManageUsers).is_ok());
    assert_eq!(caseload(&store, Scope::Mine, "ccuser").len(), 10);
}

fn audit_rows(store: &Store) -> usize {
    store.recent_audit(100_000).unwrap().len()
}

// ---------------------------------------------------------------------------
// On the screen.

/// The app as `login` on the team database, signed in, at `cols`x`rows`.
fn screen_as(team: &Team, login: &str, cols: u16, rows: u16) -> tend::app::App {
    let mut settings = tend::app::Settings::defaults(login);
    settings.detail_delay = std::time::Duration::ZERO;
    let mut app = tend::app::App::new(team.as_user(login), &settings, false).unwrap();
    app.resize(cols, rows);
    app
}

#[test]
fn glass_on_the_command_line_opens_a_record_outside_the_team() {
    let team = Team::new();
    let mut app = screen_as(&team, "ana", 80, 24);
    // The team's list holds no one of south.
    common::keys(&mut app, "t");
    let before = common::screen(&mut app);
    assert!(
        before.contains("Testa0") && before.contains("Testa1"),
        "{before}"
    );
    assert!(!before.contains("Testa2"), "{before}");
    // A reason too short to be one is refused before anything opens.
    common::keys(&mut app, ":glass S-BEN ok");
    assert!(common::screen(&mut app).contains("say why"));
    common::press(&mut app, crossterm::event::KeyCode::Enter);
    assert!(common::message(&app).contains("at least 5 characters"));
    common::keys(&mut app, ":glass S-BEN member called in crisis, Ben is out");
    common::press(&mut app, crossterm::event::KeyCode::Enter);
    assert_eq!(
        common::message(&app),
        "Opened outside your teams until 17:00; your supervisor reviews why"
    );
    let after = common::screen(&mut app);
    assert!(
        after.contains("Testa2, Una"),
        "the record is shown:\n{after}"
    );
    insta::assert_snapshot!("glass_opened_80x24", after);
}

#[test]
fn a_covered_caseload_says_whom_it_covers_and_names_their_coordinator() {
    let team = Team::new();
    team.as_user("boss")
        .add_cover("ana", "ben", day(24), day(27))
        .unwrap();
    let mut app = screen_as(&team, "ana", 100, 30);
    let shown = common::screen(&mut app);
    assert!(shown.contains("mine covering ben 2"), "{shown}");
    let ben_row = shown
        .lines()
        .find(|l| l.contains("Testa2"))
        .expect("ben's patient is in ana's list");
    assert!(ben_row.contains("ben"), "{ben_row}");
    insta::assert_snapshot!("covering_100x30", shown);
}

#[test]
fn an_auditor_has_no_chart_to_show() {
    let team = Team::new();
    let aud = team.as_user("aud");
    // The command line refuses the screen before it starts (tests/cli.rs);
    // the store itself reaches no patient for an auditor either.
    assert!(caseload(&aud, Scope::Mine, "aud").is_empty());
    assert!(aud.patient(team.id_of(ANA_S)).is_err());
}

#[test]
fn a_roster_on_a_team_database_names_only_active_users() {
    use tend::domain::roster::RosterRow;
    let team = Team::new();
    let row = |line: u64, member: &str, coordinator: &str| RosterRow {
        line,
        member_id: member.into(),
        given_name: "Una".into(),
        family_name: "Rostera".into(),
        birth_date: chrono::NaiveDate::from_ymd_opt(1980, 5, 6).unwrap(),
        coordinator: Some(coordinator.into()),
        ..RosterRow::default()
    };
    let mut boss = team.as_user("boss");
    // Someone tend knows (an owner from before) but who is not a user.
    boss.write(|tx| {
        tx.practitioner("old-name", "Old Name")?;
        tx.audit(AuditAction::Create, "Practitioner", None, None, None)
    })
    .unwrap();
    boss.set_user_active("bea", false).unwrap();
    for (coordinator, said) in [
        ("old-name", "line 3: \"old-name\" is not an active user"),
        ("bea", "line 3: \"bea\" is not an active user"),
        (
            "nobody",
            "line 3: \"nobody\" is not a coordinator tend knows",
        ),
    ] {
        let rows = [row(2, "R-1", "ben"), row(3, "R-2", coordinator)];
        let refused = boss.import_roster(&rows, &mut |_| {}).unwrap_err();
        assert!(refused.to_string().starts_with(said), "{refused}");
        assert_eq!(
            boss.any_patient_id_by_member("R-1").unwrap(),
            None,
            "nothing imported"
        );
    }
    boss.import_roster(&[row(2, "R-1", "ben")], &mut |_| {})
        .unwrap();
    // A coordinator does not load rosters.
    let mut ana = team.as_user("ana");
    assert!(matches!(
        ana.import_roster(&[row(2, "R-3", "ana")], &mut |_| {}),
        Err(StoreError::NotAllowed {
            right: Right::Import,
            ..
        })
    ));
}

#[test]
fn a_note_begun_under_cover_stays_reachable_until_it_is_signed() {
    let team = Team::new();
    let ben_id = team.id_of(BEN_S);
    team.as_user("boss")
        .add_cover("ana", "ben", day(24), day(24))
        .unwrap();
    let mut ana = team.as_user("ana");
    ana.save_draft(
        ben_id,
        &tend::domain::note::DraftHeader::default(),
        "Called about the bus pass; ",
        clock().now_utc(),
        None,
    )
    .unwrap();
    // The next day the cover is over; the unsigned note keeps its patient
    // in reach (and only it), so it can be finished and signed.
    let wednesday = team.at("ana", Clock::parse("2026-11-25T09:00:00-05:00").unwrap());
    assert!(wednesday.in_reach(ben_id).unwrap());
    assert_eq!(caseload(&wednesday, Scope::Mine, "ana"), [ANA_S]);
    assert_eq!(
        caseload(&wednesday, Scope::Team, "ana"),
        [ANA_S, BEA_S, BEN_S]
    );
    // Bea, who wrote nothing, does not reach him.
    assert!(!team.as_user("bea").in_reach(ben_id).unwrap());
}

#[test]
fn a_supervisor_reads_the_trail_on_the_screen_and_a_coordinator_may_not() {
    let team = Team::new();
    let ben_id = team.id_of(BEN_S);
    team.as_user("ana")
        .break_glass(ben_id, "member called in crisis")
        .unwrap();
    let mut sue = screen_as(&team, "sue", 120, 30);
    common::keys(&mut sue, ":audit user:ana action:read");
    common::press(&mut sue, crossterm::event::KeyCode::Enter);
    let shown = common::screen(&mut sue);
    assert!(
        shown.contains("Audit trail · 1 row · user:ana action:read"),
        "{shown}"
    );
    assert!(
        shown.contains("ana         read     Patient S-BEN"),
        "{shown}"
    );
    assert!(
        shown.contains("break the glass #1: member called in crisis"),
        "{shown}"
    );
    // Reading the trail is in the trail.
    let last = team.as_user("boss").recent_audit(1).unwrap().remove(0);
    assert_eq!(
        (last.agent.as_str(), last.detail.as_deref()),
        ("sue", Some("audit view: 1 rows"))
    );
    // A filter word that is not one is named, and nothing is read.
    common::press(&mut sue, crossterm::event::KeyCode::Esc);
    common::keys(&mut sue, ":audit who:ana");
    common::press(&mut sue, crossterm::event::KeyCode::Enter);
    assert!(common::message(&sue).contains("\"who:ana\" is not a filter"));

    let mut ana = screen_as(&team, "ana", 120, 30);
    common::keys(&mut ana, ":audit");
    common::press(&mut ana, crossterm::event::KeyCode::Enter);
    assert_eq!(
        common::message(&ana),
        "Your role (coordinator) may not read the audit trail"
    );
}

#[test]
fn an_auditors_screen_is_the_trail_and_no_chart() {
    let team = Team::new();
    let mut aud = screen_as(&team, "aud", 100, 30);
    let shown = common::screen(&mut aud);
    assert!(shown.contains("Audit trail ·"), "{shown}");
    // Rows name members by ID; no patient's name is anywhere on screen.
    assert!(!shown.contains("Testa"), "{shown}");
    // Closing the trail leaves empty panes, not a chart.
    common::press(&mut aud, crossterm::event::KeyCode::Esc);
    let panes = common::screen(&mut aud);
    assert!(
        !panes.contains("Testa") && !panes.contains("Una"),
        "{panes}"
    );
    // And a chart cannot be reached by breaking the glass either.
    common::keys(&mut aud, ":glass N-ANA checking the trail");
    common::press(&mut aud, crossterm::event::KeyCode::Enter);
    assert!(
        common::message(&aud).contains("may not open patients' records"),
        "{}",
        common::message(&aud)
    );
}
