//! The caseload read by seeking along its indexes (schema v16,
//! src/store/caseload_seek.rs) gives what the queries before it gave: the
//! same count, the same rows in the same order in every window however it
//! is reached (from the top, the bottom, or the rows read before), the
//! same positions, for every sort and scope, with and without filters, for
//! a user who reaches everyone and one who reaches a team. The order the
//! old queries made is the reference: their ORDER BY, next due computed
//! from the tasks by the old subquery, run on the patients the filter
//! matches (found here by a plain LIKE, the filter's meaning). The
//! maintained next due is checked against the tasks after every kind of
//! change, and after the upgrade from version 15. Real SQLite in a
//! temporary folder, at the tests' fixed now.

mod common;

use std::path::{Path, PathBuf};

use rusqlite::Connection;
use tend::domain::role::Role;
use tend::domain::task_line::parse_task;
use tend::store::{Anchor, CaseloadQuery, CaseloadSort, Scope, Store, TaskRef};
use tend::synth::{self, GenParams};

const PATIENTS: usize = 1200;

/// The caseload's orders as they were written before schema v16.
fn old_order(sort: CaseloadSort) -> &'static str {
    match sort {
        CaseloadSort::Name => "p.family_name COLLATE NOCASE, p.given_name COLLATE NOCASE, p.id",
        CaseloadSort::Risk => "p.risk_tier DESC, p.family_name COLLATE NOCASE, p.given_name COLLATE NOCASE, p.id",
        CaseloadSort::LastContact => "p.last_contact_at IS NOT NULL, p.last_contact_at, p.family_name COLLATE NOCASE, p.given_name COLLATE NOCASE, p.id",
        CaseloadSort::NextDue => "next_due IS NULL, next_due, p.family_name COLLATE NOCASE, p.given_name COLLATE NOCASE, p.id",
    }
}

/// Next due as the caseload computed it before v16.
const OLD_NEXT_DUE: &str = "(SELECT min(t.due_on) FROM task t
    WHERE t.patient_id = p.id AND t.status IN ('requested', 'in-progress'))";

/// A generated caseload, with patients that tie on every part of the
/// order but the id (the same names in other cases), never contacted, and
/// without open tasks.
fn caseload(dir: &Path) -> PathBuf {
    let path = dir.join("seek.db");
    let mut store = common::open(&path, "ccuser");
    synth::generate(
        &mut store,
        &GenParams {
            patients: PATIENTS,
            seed: 11,
            user: "ccuser".into(),
        },
    )
    .unwrap();
    drop(store);
    let conn = Connection::open(&path).unwrap();
    let mut sql = String::new();
    for n in 1..=12 {
        sql.push_str(&format!(
            "INSERT INTO patient (member_id, family_name, given_name, birth_date,
                   enrollment_status, risk_tier, coordinator_id)
                 VALUES ('TIE{n}', '{}', '{}', '1970-01-01', 'outreach', {},
                   (SELECT id FROM practitioner WHERE username = 'ccuser'));",
            if n % 2 == 0 { "Tiewell" } else { "TIEWELL" },
            match n {
                _ if n % 5 == 0 => "Tiernan",
                _ if n % 3 == 0 => "ana",
                _ => "Ana",
            },
            1 + n % 4
        ));
    }
    conn.execute_batch(&sql).unwrap();
    path
}

/// The patients a query should list, by the filter's meaning: each word
/// inside the family name, given name or member ID, whatever the case
/// (the generated names are ASCII, so LIKE says it), in the user's reach,
/// and for "mine" the user's own.
fn expected_ids(conn: &Connection, store: &Store, query: &CaseloadQuery) -> Vec<i64> {
    let mut sql = String::from(
        "SELECT p.id FROM patient p LEFT JOIN practitioner c ON c.id = p.coordinator_id WHERE 1",
    );
    let mut values: Vec<String> = Vec::new();
    if query.scope == Scope::Mine {
        sql.push_str(" AND c.username = ?");
        values.push(query.user.clone());
    }
    for word in query.filter.split([' ', ',']).filter(|w| !w.is_empty()) {
        if word.chars().count() < 3 {
            // One or two letters: the start of the family or given name.
            sql.push_str(" AND (p.family_name LIKE ? OR p.given_name LIKE ?)");
            for _ in 0..2 {
                values.push(format!("{word}%"));
            }
            continue;
        }
        sql.push_str(" AND (p.family_name LIKE ? OR p.given_name LIKE ? OR p.member_id LIKE ?)");
        for _ in 0..3 {
            values.push(format!("%{word}%"));
        }
    }
    let mut stmt = conn.prepare(&sql).unwrap();
    let ids: Vec<i64> = stmt
        .query_map(rusqlite::params_from_iter(values), |r| r.get(0))
        .unwrap()
        .collect::<Result<_, _>>()
        .unwrap();
    ids.into_iter()
        .filter(|id| store.in_reach(*id).unwrap())
        .collect()
}

/// Those patients in the old queries' order.
fn old_ordered(conn: &Connection, ids: &[i64], sort: CaseloadSort) -> Vec<i64> {
    let list = serde_json::to_string(ids).unwrap();
    let sql = format!(
        "SELECT id FROM (SELECT p.*, {OLD_NEXT_DUE} AS next_due FROM patient p
                          WHERE p.id IN (SELECT value FROM json_each(?1))) p
          ORDER BY {}",
        old_order(sort)
    );
    let mut stmt = conn.prepare(&sql).unwrap();
    let rows = stmt.query_map([list], |r| r.get(0)).unwrap();
    rows.collect::<Result<_, _>>().unwrap()
}

fn ids_of(rows: &[tend::store::CaseloadRow]) -> Vec<i64> {
    rows.iter().map(|r| r.id).collect()
}

/// Every way of reading the query agrees with the old order.
fn agrees(conn: &Connection, store: &Store, query: &CaseloadQuery) {
    let want = old_ordered(conn, &expected_ids(conn, store, query), query.sort);
    let len = want.len();
    let what = format!("{query:?}");
    assert_eq!(store.caseload_count(query).unwrap(), len, "count of {what}");
    assert_eq!(
        ids_of(&store.caseload_window(query, 0, len + 5).unwrap()),
        want,
        "the whole list of {what}"
    );
    // Windows as the pane reads them: walking down a page at a time from
    // the rows before, back up, from the bottom, and jumps.
    let page = 23;
    let mut held: Vec<Anchor> = Vec::new();
    let mut offsets: Vec<usize> = (0..len).step_by(page).collect();
    offsets.extend((0..len).step_by(page).rev());
    offsets.extend([
        len.saturating_sub(page),
        len / 2,
        1,
        len.saturating_sub(1),
        len / 3,
    ]);
    for offset in offsets {
        let rows = store
            .caseload_window_near(query, offset, page, len, &held)
            .unwrap();
        let end = (offset + page).min(len);
        assert_eq!(
            ids_of(&rows),
            want[offset.min(len)..end],
            "window at {offset} of {what}, from {held:?}"
        );
        held = [(offset, rows.first()), (end.saturating_sub(1), rows.last())]
            .into_iter()
            .filter_map(|(position, row)| {
                row.map(|r| Anchor {
                    position,
                    patient_id: r.id,
                })
            })
            .collect();
    }
    for (position, id) in want.iter().enumerate().step_by((len / 17).max(1)) {
        assert_eq!(
            store.caseload_position_in(query, *id, Some(len)).unwrap(),
            Some(position),
            "position of {id} in {what}"
        );
        assert_eq!(
            store.caseload_position(query, *id).unwrap(),
            Some(position),
            "position of {id} in {what}, its length unknown"
        );
    }
    if let Some(last) = want.last() {
        assert_eq!(
            store.caseload_position(query, *last).unwrap(),
            Some(len - 1)
        );
    }
    let outside: Option<i64> = conn
        .query_row(
            "SELECT id FROM patient WHERE id NOT IN (SELECT value FROM json_each(?1)) LIMIT 1",
            [serde_json::to_string(&want).unwrap()],
            |r| r.get(0),
        )
        .ok();
    if let Some(outside) = outside {
        assert_eq!(store.caseload_position(query, outside).unwrap(), None);
    }
}

/// Filters of each kind drawn from the caseload itself: one, two and three
/// letters of a name, from its start (in another case) and from inside it;
/// a given name's first two letters; two words, short and long together,
/// and both short;
/// part of a member ID; the tied names, and the start of names that some
/// of them start both with.
fn filters(conn: &Connection) -> Vec<String> {
    let (family, given): (String, String) = conn
        .query_row(
            "SELECT family_name, given_name FROM patient ORDER BY id LIMIT 1 OFFSET 7",
            [],
            |r| Ok((r.get(0)?, r.get(1)?)),
        )
        .unwrap();
    let lower = family.to_lowercase();
    vec![
        String::new(),
        lower[1..2].to_string(),
        lower[1..3].to_string(),
        lower[1..4].to_string(),
        family[..1].to_uppercase(),
        family[..2].to_uppercase(),
        given.to_lowercase()[..2].to_string(),
        format!("{} {}", &given[..2], &family[..3]),
        format!("{} {}", &given[..3], &family[..3]),
        format!("{} {}", &family[..2], &given[..1]),
        "SYN00001".into(),
        "tiewell".into(),
        "ti".into(),
        "tie".into(),
        "zzqx".into(),
    ]
}

/// Every list, read both ways the store reads lists (see
/// `Store::set_caseload_set_at_most`): from its filter's own rows (every
/// list here is narrow enough) and along its order's index.
fn all_agree(path: &Path, user: &str) {
    let mut store = common::open(path, user);
    let conn = Connection::open(path).unwrap();
    for set_at_most in [20_000, 0] {
        store.set_caseload_set_at_most(set_at_most);
        for scope in [Scope::Team, Scope::Mine] {
            for sort in CaseloadSort::ALL {
                for filter in filters(&conn) {
                    let query = CaseloadQuery {
                        scope,
                        sort,
                        filter,
                        user: user.into(),
                    };
                    agrees(&conn, &store, &query);
                }
            }
        }
    }
}

#[test]
fn every_sort_scope_and_filter_reads_as_the_old_queries_did() {
    let dir = tempfile::tempdir().unwrap();
    let path = caseload(dir.path());
    all_agree(&path, "ccuser");
}

#[test]
fn a_coordinator_who_reaches_one_team_reads_as_the_old_queries_did() {
    let dir = tempfile::tempdir().unwrap();
    let path = caseload(dir.path());
    let mut admin = common::open(&path, "boss");
    admin.add_user("boss", "Boss", Role::Admin, &[]).unwrap();
    let north = ["north".to_string()];
    for login in ["cc0001", "cc0002", "cc0003"] {
        admin
            .add_user(login, login, Role::Coordinator, &north)
            .unwrap();
    }
    drop(admin);
    all_agree(&path, "cc0001");
}

/// A narrow list is held in its order once read (src/store/caseload_held.rs):
/// a change by another session, or by this one, between two reads must
/// show in the second. Each change moves a patient within the list, into
/// it or out of it. The same changes move patients between the whole
/// team's buckets (schema v20), whose positions are checked too.
#[test]
fn a_narrow_list_held_follows_every_change_after_it_was_read() {
    let dir = tempfile::tempdir().unwrap();
    let path = caseload(dir.path());
    let mut store = common::open(&path, "ccuser");
    let other = Connection::open(&path).unwrap();
    let conn = Connection::open(&path).unwrap();
    // The narrow lists, and the whole team's unfiltered (whose positions
    // come from the kept buckets of schema v20, which the same changes move).
    let queries: Vec<CaseloadQuery> = [
        (Scope::Team, "tie"),
        (Scope::Mine, "tie"),
        (Scope::Team, ""),
    ]
    .into_iter()
    .flat_map(|(scope, filter)| {
        CaseloadSort::ALL
            .into_iter()
            .map(move |sort| CaseloadQuery {
                scope,
                sort,
                filter: filter.into(),
                user: "ccuser".into(),
            })
    })
    .collect();
    let ids = |sql: &str| -> Vec<i64> {
        let mut stmt = conn.prepare(sql).unwrap();
        let rows = stmt.query_map([], |r| r.get(0)).unwrap();
        rows.collect::<Result<_, _>>().unwrap()
    };
    let tied = ids("SELECT id FROM patient WHERE member_id LIKE 'TIE%' ORDER BY id");
    let others = ids("SELECT id FROM patient WHERE member_id NOT LIKE 'TIE%' ORDER BY id LIMIT 12");
    // Each query read, then changed under it and read again: the list last
    // held is that query's, and each change is one it must show.
    for (i, query) in queries.iter().enumerate() {
        agrees(&conn, &store, query);
        // Another session: a risk and a contact moved, one patient renamed
        // out of the filter and another into it.
        other
            .execute_batch(&format!(
                "UPDATE patient SET risk_tier = {}, last_contact_at = '2026-11-2{}T15:00:00Z'
                  WHERE id = {};
                 UPDATE patient SET family_name = 'Awell' WHERE id = {};
                 UPDATE patient SET family_name = 'Stiegler' WHERE id = {};",
                1 + i % 4,
                i % 10,
                tied[(i + 5) % tied.len()],
                tied[i % tied.len()],
                others[i],
            ))
            .unwrap();
        agrees(&conn, &store, query);
        // This session, through the store: the one renamed out comes back.
        let mut renamed = store.patient(tied[i % tied.len()]).unwrap().unwrap();
        renamed.family_name = "Tiewell".into();
        store.update_patient_record(&renamed).unwrap();
        agrees(&conn, &store, query);
    }
}

/// Every patient's kept next due against the tasks.
fn next_due_drift(conn: &Connection) -> Vec<(i64, Option<String>, Option<String>)> {
    let sql = format!(
        "SELECT * FROM (SELECT p.id, p.next_due AS kept, {OLD_NEXT_DUE} AS computed FROM patient p)
          WHERE kept IS NOT computed"
    );
    let mut stmt = conn.prepare(&sql).unwrap();
    let rows = stmt
        .query_map([], |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?)))
        .unwrap();
    rows.collect::<Result<_, _>>().unwrap()
}

#[test]
fn next_due_follows_every_change_to_the_tasks() {
    let dir = tempfile::tempdir().unwrap();
    let path = caseload(dir.path());
    let conn = Connection::open(&path).unwrap();
    assert_eq!(next_due_drift(&conn), [], "as generated");
    let mut store = common::open(&path, "ccuser");
    let today = common::today();

    // Through the store, as the screens change tasks.
    let mine = store
        .day_tasks("ccuser", &Default::default(), today + chrono::Days::new(60))
        .unwrap();
    assert!(mine.len() > 20, "{}", mine.len());
    // Rule-set deadlines cannot be moved: the rest can.
    let refs: Vec<TaskRef> = mine
        .iter()
        .filter(|t| !t.hard_deadline)
        .map(TaskRef::from)
        .collect();
    store.complete_tasks(&refs[..5], None, today).unwrap();
    store
        .snooze_tasks(&refs[5..10], today + chrono::Days::new(400))
        .unwrap();
    store
        .snooze_tasks(&refs[10..12], today - chrono::Days::new(30))
        .unwrap();
    let line = parse_task("Call back soon due:+3d", today).unwrap();
    store
        .add_task(mine[20].patient_id, "ccuser", &line, today, None)
        .unwrap();
    assert_eq!(next_due_drift(&conn), [], "after the store's changes");
    let report = tend::store::check_file(&path).unwrap();
    assert!(report.is_healthy(), "{report:?}");

    // And by hand, as a repair might: a task moved to another patient, a
    // due date cleared, tasks deleted.
    // (Other rows point at tasks: the repair does not look.)
    conn.execute_batch(
        "PRAGMA foreign_keys = OFF;
         UPDATE task SET patient_id = patient_id + 1
          WHERE id = (SELECT min(id) FROM task WHERE status = 'requested');
         UPDATE task SET due_on = NULL
          WHERE id = (SELECT max(id) FROM task WHERE status = 'requested');
         DELETE FROM task WHERE id IN (SELECT id FROM task WHERE status = 'in-progress' LIMIT 3);
         DELETE FROM task WHERE id IN (SELECT id FROM task WHERE status = 'requested' LIMIT 3);",
    )
    .unwrap();
    assert_eq!(next_due_drift(&conn), [], "after changes by hand");
    drop(store);
    assert_eq!(
        tend::store::check_file(&path).unwrap().kept_problems,
        Vec::<String>::new()
    );

    // A kept date made wrong behind the triggers' back: `tend check` says
    // which row, and the file is not healthy.
    conn.execute_batch(
        "UPDATE patient SET next_due = '1999-01-01' WHERE id = 5;
         UPDATE patient SET next_due = NULL WHERE id = 9 AND next_due IS NOT NULL;",
    )
    .unwrap();
    let report = tend::store::check_file(&path).unwrap();
    assert!(!report.is_healthy());
    let said = report.kept_problems.join("\n");
    assert!(
        said.contains("patient.next_due: ") && said.contains("(first: patient row 5)"),
        "{said}"
    );
}

/// The whole team's buckets (schema v20) follow every change to a patient
/// made through SQL (inserted, renamed, re-tiered, contacted, a task
/// moved, deleted),
/// and `tend check` names a count made wrong by hand.
#[test]
fn the_caseload_buckets_follow_every_change_and_a_wrong_one_is_named() {
    let dir = tempfile::tempdir().unwrap();
    let path = caseload(dir.path());
    let healthy = |path: &Path| tend::store::check_file(path).unwrap().kept_problems;
    assert_eq!(healthy(&path), Vec::<String>::new(), "as generated");
    let conn = Connection::open(&path).unwrap();
    conn.execute_batch(
        "UPDATE patient SET family_name = 'Zyzzyva' WHERE id = 3;
         UPDATE patient SET risk_tier = 1 + (risk_tier % 4) WHERE id IN (4, 5, 6);
         UPDATE patient SET last_contact_at = NULL WHERE id = 7;
         UPDATE patient SET last_contact_at = '2026-11-23T10:00:00Z' WHERE id = 8;
         UPDATE task SET due_on = '2026-12-31'
          WHERE patient_id = 9 AND status IN ('requested', 'in-progress');
         INSERT INTO patient (member_id, family_name, given_name, birth_date,
                enrollment_status, risk_tier)
              VALUES ('NEW1', 'Émile', 'Zoë', '1980-01-01', 'outreach', 2);
         DELETE FROM patient WHERE member_id = 'TIE1';",
    )
    .unwrap();
    assert_eq!(healthy(&path), Vec::<String>::new(), "after the changes");
    conn.execute_batch(
        "UPDATE caseload_bucket SET patients = patients + 1
          WHERE (sort, lead, initial) =
                (SELECT sort, lead, initial FROM caseload_bucket WHERE sort = 'risk' LIMIT 1)",
    )
    .unwrap();
    let said = healthy(&path).join("\n");
    assert!(
        said.contains("caseload_bucket: 1 kept counts") && said.contains("the risk order"),
        "{said}"
    );
}

#[test]
fn a_version_15_database_gets_next_due_and_the_indexes_when_upgraded() {
    let dir = tempfile::tempdir().unwrap();
    let path = caseload(dir.path());
    let conn = Connection::open(&path).unwrap();
    conn.execute_batch(common::UNDO_V22).unwrap();
    conn.execute_batch(common::UNDO_V21).unwrap();
    conn.execute_batch(common::UNDO_V20).unwrap();
    conn.execute_batch(common::UNDO_V19).unwrap();
    conn.execute_batch(common::UNDO_V18).unwrap();
    conn.execute_batch(common::UNDO_V17).unwrap();
    conn.execute_batch(
        "DROP INDEX patient_by_risk; DROP INDEX patient_by_contact;
         DROP INDEX patient_by_next_due; DROP TRIGGER task_next_due_insert;
         DROP TRIGGER task_next_due_update; DROP TRIGGER task_next_due_delete;
         ALTER TABLE patient DROP COLUMN next_due;
         PRAGMA user_version = 15;",
    )
    .unwrap();
    drop(conn);
    let store = common::open(&path, "ccuser");
    assert_eq!(store.schema_version().unwrap(), tend::store::schema::LATEST);
    drop(store);
    let conn = Connection::open(&path).unwrap();
    assert_eq!(next_due_drift(&conn), [], "filled from the tasks");
    let with_due: i64 = conn
        .query_row(
            "SELECT count(*) FROM patient WHERE next_due IS NOT NULL",
            [],
            |r| r.get(0),
        )
        .unwrap();
    assert!(with_due > PATIENTS as i64 / 2, "{with_due}");
    all_agree(&path, "ccuser");
}

/// The plan SQLite makes for each order: a walk along its index, never a
/// sort of the whole list (which is what took seconds at 1,000,000).
#[test]
fn every_order_of_the_team_list_walks_an_index() {
    let dir = tempfile::tempdir().unwrap();
    let path = caseload(dir.path());
    let conn = Connection::open(&path).unwrap();
    conn.execute_batch("ANALYZE").unwrap();
    for (sort, index) in [
        (CaseloadSort::Name, "patient_by_name"),
        (CaseloadSort::Risk, "patient_by_risk"),
        (CaseloadSort::LastContact, "patient_by_contact"),
        (CaseloadSort::NextDue, "patient_by_next_due"),
    ] {
        let sql = format!(
            "EXPLAIN QUERY PLAN SELECT p.id FROM patient p ORDER BY {} LIMIT 50 OFFSET 10",
            new_order(sort)
        );
        let plan: Vec<String> = conn
            .prepare(&sql)
            .unwrap()
            .query_map([], |r| r.get(3))
            .unwrap()
            .collect::<Result<_, _>>()
            .unwrap();
        let plan = plan.join("\n");
        assert!(plan.contains(index), "{sort:?}: {plan}");
        assert!(!plan.contains("TEMP B-TREE"), "{sort:?}: {plan}");
    }
}

/// The orders as the store now writes them (the same as `old_order`, each
/// led by an indexed expression).
fn new_order(sort: CaseloadSort) -> &'static str {
    match sort {
        CaseloadSort::Name => "p.family_name COLLATE NOCASE, p.given_name COLLATE NOCASE, p.id",
        CaseloadSort::Risk => "p.risk_tier DESC, p.family_name COLLATE NOCASE, p.given_name COLLATE NOCASE, p.id",
        CaseloadSort::LastContact => "coalesce(p.last_contact_at, ''), p.family_name COLLATE NOCASE, p.given_name COLLATE NOCASE, p.id",
        CaseloadSort::NextDue => "coalesce(p.next_due, '9999-99-99'), p.family_name COLLATE NOCASE, p.given_name COLLATE NOCASE, p.id",
    }
}
