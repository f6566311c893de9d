//! `tend import patients`: the built binary on roster files. A corpus of
//! malformed files (`tests/roster/*.csv`), each with the exact messages it
//! must get (`*.expected`) and a database left as it was; then re-imports
//! that update by member ID, `--partial`, `--dry-run`, and the audit row.

mod common;
mod fixtures;

use std::path::{Path, PathBuf};
use std::process::{Command, Output};

use rusqlite::Connection;

use common::NOW;

fn corpus() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/roster")
}

/// `tend --db DB import patients ARGS…`, run in `dir` with a private home.
fn import(dir: &Path, db: &Path, args: &[&str]) -> Output {
    let home = tempfile::tempdir().unwrap();
    common::home_as_ccuser(home.path());
    Command::new(env!("CARGO_BIN_EXE_tend"))
        .args(["--db", db.to_str().unwrap(), "import", "patients"])
        .args(args)
        .current_dir(dir)
        .env_clear()
        .env("HOME", home.path())
        .env("USER", "ccuser")
        .env("TEND_NOW", NOW)
        .output()
        .unwrap()
}

fn text(bytes: &[u8]) -> String {
    String::from_utf8_lossy(bytes).into_owned()
}

/// Every table's row count, to see that nothing was written.
fn counts(db: &Path) -> Vec<(String, i64)> {
    let conn = Connection::open(db).unwrap();
    let tables: Vec<String> = conn
        .prepare("SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE '%fts%' ORDER BY name")
        .unwrap()
        .query_map([], |r| r.get(0))
        .unwrap()
        .map(Result::unwrap)
        .collect();
    tables
        .into_iter()
        .map(|t| {
            let n = conn
                .query_row(&format!("SELECT count(*) FROM \"{t}\""), [], |r| r.get(0))
                .unwrap();
            (t, n)
        })
        .collect()
}

#[test]
fn every_malformed_roster_gets_its_exact_messages_and_nothing_is_written() {
    let dir = tempfile::tempdir().unwrap();
    // A database with a member in it already, which must come out as it was.
    let db = fixtures::zoe_db(dir.path());
    let before = counts(&db);
    let mut checked = 0;
    let mut files: Vec<PathBuf> = std::fs::read_dir(corpus())
        .unwrap()
        .map(|e| e.unwrap().path())
        .filter(|p| p.extension().is_some_and(|e| e == "csv"))
        .collect();
    files.sort();
    for file in files {
        let name = file.file_name().unwrap().to_str().unwrap();
        let expected = std::fs::read_to_string(file.with_extension("expected"))
            .unwrap_or_else(|_| panic!("{name} has no .expected file"));
        let out = import(&corpus(), &db, &[name]);
        assert_eq!(text(&out.stderr), expected, "{name}");
        assert_eq!(out.status.code(), Some(1), "{name}");
        assert_eq!(text(&out.stdout), "", "{name}");
        assert_eq!(counts(&db), before, "{name} wrote nothing");
        checked += 1;
    }
    assert!(checked >= 14, "the corpus is there: {checked} files");
}

#[test]
fn a_missing_database_is_not_made_for_a_roster_that_is_refused() {
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("new.db");
    let out = import(&corpus(), &db, &["bad-date.csv"]);
    assert_eq!(out.status.code(), Some(1));
    assert!(!db.exists());
}

fn write(dir: &Path, name: &str, body: &str) -> PathBuf {
    let path = dir.join(name);
    std::fs::write(&path, body).unwrap();
    path
}

#[test]
fn re_importing_updates_by_member_id_and_says_how_many_of_each() {
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("t.db");
    write(
        dir.path(),
        "roster.csv",
        "\u{feff}Member ID,First Name,Last Name,DOB,Phone,Language,Interpreter,Risk Tier,Coordinator,PCP Name,Conditions,Shoe Size\r\n\
         SYN1,Zoë,Testa,02/03/1970,212 555 0100,Spanish,Y,high,ccuser,Dr. Example,E11.9 Type 2 diabetes; I10,9\r\n\
         SYN2,Ana,\"Sample, Jr.\",1980-02-03,,,,,ccuser,,,\r\n",
    );
    let database = format!("Database: {}\n", db.display());
    // A dry run on a database that is not there yet makes none.
    let out = import(dir.path(), &db, &["roster.csv", "--dry-run"]);
    assert_eq!(
        text(&out.stdout),
        format!(
            "roster.csv: 2 rows; an import would create 2, update 0, leave 0 unchanged, reject 0. Nothing was written (--dry-run).\nNew coordinator: ccuser (you, importing the roster)\nDatabase: {} (not there yet)\n",
            db.display()
        )
    );
    assert!(!db.exists());
    let out = import(dir.path(), &db, &["roster.csv"]);
    assert!(out.status.success(), "{}", text(&out.stderr));
    assert_eq!(
        text(&out.stdout),
        format!("roster.csv: 2 rows: 2 created, 0 updated, 0 unchanged, 0 rejected\nNew coordinator: ccuser (you, importing the roster)\n{database}")
    );
    assert_eq!(
        text(&out.stderr),
        "roster.csv:1: columns tend does not read, ignored: Shoe Size\n",
        "no progress bar when stderr is not a terminal"
    );

    // The same file again: nothing changes.
    let out = import(dir.path(), &db, &["roster.csv"]);
    assert_eq!(
        text(&out.stdout),
        format!("roster.csv: 2 rows: 0 created, 0 updated, 2 unchanged, 0 rejected\n{database}")
    );

    // A later roster: one member renamed, one new; a cell left empty keeps
    // what tend holds.
    write(
        dir.path(),
        "later.csv",
        "member_id,first_name,last_name,dob,phone\nSYN1,Zoë,Testa-Ray,1970-02-03,\nSYN3,Ben,Example,1960-05-05,646 555 0199\n",
    );
    let out = import(dir.path(), &db, &["later.csv", "--dry-run"]);
    assert_eq!(
        text(&out.stdout),
        format!("later.csv: 2 rows; an import would create 1, update 1, leave 0 unchanged, reject 0. Nothing was written (--dry-run).\n{database}")
    );
    let out = import(dir.path(), &db, &["later.csv"]);
    assert_eq!(
        text(&out.stdout),
        format!("later.csv: 2 rows: 1 created, 1 updated, 0 unchanged, 0 rejected\n{database}")
    );

    let conn = Connection::open(&db).unwrap();
    let zoe: (String, String, Option<String>, String, i64, i64) = conn
        .query_row(
            "SELECT family_name, birth_date, phone_primary, language, interpreter_needed, risk_tier
               FROM patient WHERE member_id = 'SYN1'",
            [],
            |r| {
                Ok((
                    r.get(0)?,
                    r.get(1)?,
                    r.get(2)?,
                    r.get(3)?,
                    r.get(4)?,
                    r.get(5)?,
                ))
            },
        )
        .unwrap();
    assert_eq!(
        zoe,
        (
            "Testa-Ray".into(),
            "1970-02-03".into(),
            Some("(212) 555-0100".into()),
            "es".into(),
            1,
            3
        )
    );
    let conditions: Vec<(Option<String>, String)> = conn
        .prepare("SELECT code, display FROM condition ORDER BY id")
        .unwrap()
        .query_map([], |r| Ok((r.get(0)?, r.get(1)?)))
        .unwrap()
        .map(Result::unwrap)
        .collect();
    assert_eq!(
        conditions,
        [
            (Some("E11.9".into()), "Type 2 diabetes".into()),
            (Some("I10".into()), "I10".into())
        ],
        "not added twice by the second import"
    );
    let pcp: String = conn
        .query_row(
            "SELECT name FROM care_team_member WHERE role = 'PCP'",
            [],
            |r| r.get(0),
        )
        .unwrap();
    assert_eq!(pcp, "Dr. Example");
    let family: String = conn
        .query_row(
            "SELECT family_name FROM patient WHERE member_id = 'SYN2'",
            [],
            |r| r.get(0),
        )
        .unwrap();
    assert_eq!(family, "Sample, Jr.", "a quoted comma is part of the value");
    let audited: Vec<String> = conn
        .prepare("SELECT detail FROM audit_event WHERE action = 'E' ORDER BY id")
        .unwrap()
        .query_map([], |r| r.get(0))
        .unwrap()
        .map(Result::unwrap)
        .collect();
    assert_eq!(
        audited,
        [
            "roster import: 2 created, 0 updated, 0 unchanged",
            "roster import: 0 created, 0 updated, 2 unchanged",
            "roster import: 1 created, 1 updated, 0 unchanged",
        ],
        "each import audited, the dry run not"
    );
}

/// A roster names coordinators tend knows, and names in their one form:
/// a coordinator cell holding a known name and a zero-width space is that
/// coordinator (and makes no second one); a name tend does not know, or one
/// dressed as a formula, is a problem of its line; a patient's name with a
/// decomposed accent and a zero-width space is stored as typed in NFC.
#[test]
fn a_roster_names_only_coordinators_tend_knows_in_their_one_form() {
    let dir = tempfile::tempdir().unwrap();
    let db = fixtures::zoe_db(dir.path());
    {
        let mut store = common::open(&db, "ccuser");
        store
            .write(|tx| {
                tx.practitioner("cc0002", "Casey Cover")?;
                tx.audit(
                    tend::store::AuditAction::Create,
                    "Practitioner",
                    None,
                    None,
                    None,
                )
            })
            .unwrap();
    }
    write(
        dir.path(),
        "look-alike.csv",
        "member_id,first_name,last_name,dob,coordinator\n\
         SYN2,Zoe\u{0301}\u{200B},Testa,1970-02-03,cc0002\u{200B}\n\
         SYN3,Ana,Sample,1980-02-03,=cc0002\n\
         SYN4,Bea,Example,1980-02-03,cc0003\n\
         SYN5,Cy,Example,1980-02-03,\n",
    );
    let out = import(dir.path(), &db, &["look-alike.csv", "--partial"]);
    assert!(out.status.success(), "{}", text(&out.stderr));
    assert_eq!(
        text(&out.stderr),
        "look-alike.csv:3: coordinator: \"=cc0002\" is not a coordinator tend knows (did you mean cc0002?)\n\
         look-alike.csv:4: coordinator: \"cc0003\" is not a coordinator tend knows (a roster names one it knows: cc0002 or ccuser)\n"
    );
    assert!(
        text(&out.stdout)
            .starts_with("look-alike.csv: 4 rows: 2 created, 0 updated, 0 unchanged, 2 rejected"),
        "{}",
        text(&out.stdout)
    );
    let conn = Connection::open(&db).unwrap();
    let coordinators: Vec<String> = conn
        .prepare("SELECT username FROM practitioner ORDER BY username")
        .unwrap()
        .query_map([], |r| r.get(0))
        .unwrap()
        .map(Result::unwrap)
        .collect();
    assert_eq!(
        coordinators,
        ["cc0002", "ccuser"],
        "no coordinator was added"
    );
    let (given, coordinator): (String, String) = conn
        .query_row(
            "SELECT p.given_name, c.username FROM patient p JOIN practitioner c
               ON c.id = p.coordinator_id WHERE p.member_id = 'SYN2'",
            [],
            |r| Ok((r.get(0)?, r.get(1)?)),
        )
        .unwrap();
    assert_eq!(
        (given.as_str(), coordinator.as_str()),
        ("Zo\u{e9}", "cc0002")
    );
    let rejects = std::fs::read_to_string(dir.path().join("look-alike.rejected.csv")).unwrap();
    assert!(rejects.contains("SYN4,Bea,Example,1980-02-03,cc0003,\"line 4: coordinator: \"\"cc0003\"\" is not a coordinator tend knows"), "{rejects}");
}

/// Each member of `good/payer-languages.csv`, what its language cell says
/// and the tag tend must store: the spellings payers' rosters and EHRs use,
/// ISO 639-1, 639-2/B, 639-2/T and 639-3 codes and BCP 47 tags.
const PAYER_LANGUAGES: [(&str, &str, &str); 46] = [
    ("SYN0100001", "Mandarin", "cmn"),
    ("SYN0100002", "MANDARIN", "cmn"),
    ("SYN0100003", "Mandarin Chinese", "cmn"),
    ("SYN0100004", "Cantonese", "yue"),
    ("SYN0100005", "Chinese", "zh"),
    ("SYN0100006", "Fuzhounese", "cdo"),
    ("SYN0100007", "Haitian Creole", "ht"),
    ("SYN0100008", "Creole", "ht"),
    ("SYN0100009", "Haitian", "ht"),
    ("SYN0100010", "Farsi", "fa"),
    ("SYN0100011", "Persian", "fa"),
    ("SYN0100012", "Punjabi", "pa"),
    ("SYN0100013", "Urdu", "ur"),
    ("SYN0100014", "Yiddish", "yi"),
    ("SYN0100015", "Tagalog", "tl"),
    ("SYN0100016", "ASL", "ase"),
    ("SYN0100017", "Other", "mis"),
    ("SYN0100018", "Unknown", "und"),
    ("SYN0100019", "Declined", "und-x-declined"),
    ("SYN0100020", "Refused", "und-x-declined"),
    ("SYN0100021", "English", "en"),
    ("SYN0100022", "Spanish", "es"),
    ("SYN0100023", "es", "es"),
    ("SYN0100024", "ES", "es"),
    ("SYN0100025", "spa", "es"),
    ("SYN0100026", "ger", "de"),
    ("SYN0100027", "deu", "de"),
    ("SYN0100028", "chi", "zh"),
    ("SYN0100029", "zho", "zh"),
    ("SYN0100030", "per", "fa"),
    ("SYN0100031", "fas", "fa"),
    ("SYN0100032", "cmn", "cmn"),
    ("SYN0100033", "yue", "yue"),
    ("SYN0100034", "hat", "ht"),
    ("SYN0100035", "pt-BR", "pt-BR"),
    ("SYN0100036", "pt-br", "pt-BR"),
    ("SYN0100037", "zh-Hant-TW", "zh-Hant-TW"),
    ("SYN0100038", "zh-cmn", "cmn"),
    ("SYN0100039", "zh-yue", "yue"),
    ("SYN0100040", "es-419", "es-419"),
    ("SYN0100041", "sgn-US", "ase"),
    ("SYN0100042", "en-US", "en-US"),
    ("SYN0100043", "Cape Verdean Creole", "kea"),
    ("SYN0100044", "Somali", "so"),
    ("SYN0100045", "und", "und"),
    // No language given: a new member's language is unknown, not English.
    ("SYN0100046", "", "und"),
];

/// `(member_id, language)` of every member, by member ID.
fn stored_languages(db: &Path) -> Vec<(String, String)> {
    Connection::open(db)
        .unwrap()
        .prepare("SELECT member_id, language FROM patient ORDER BY member_id")
        .unwrap()
        .query_map([], |r| Ok((r.get(0)?, r.get(1)?)))
        .unwrap()
        .map(Result::unwrap)
        .collect()
}

/// A payer's roster of 46 members whose "Primary Language" says what such
/// files say (issue 12: a roster was refused whole for "Mandarin"): it
/// imports whole, every member with the tag expected; a later roster that
/// does not know a member's language keeps what tend holds.
#[test]
fn a_payer_roster_with_every_spelling_of_a_language_imports_with_the_tags_expected() {
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("t.db");
    let good = corpus().join("good");
    // The file says what the table says it says.
    let mut file = csv::Reader::from_path(good.join("payer-languages.csv")).unwrap();
    let cells: Vec<(String, String)> = file
        .records()
        .map(|r| {
            let r = r.unwrap();
            (r[0].to_string(), r[6].to_string())
        })
        .collect();
    assert_eq!(
        cells,
        PAYER_LANGUAGES
            .iter()
            .map(|(m, cell, _)| (m.to_string(), cell.to_string()))
            .collect::<Vec<_>>()
    );

    let out = import(&good, &db, &["payer-languages.csv"]);
    assert_eq!(text(&out.stderr), "");
    assert!(out.status.success());
    assert_eq!(
        text(&out.stdout),
        format!(
            "payer-languages.csv: 46 rows: 46 created, 0 updated, 0 unchanged, 0 rejected\nDatabase: {}\n",
            db.display()
        )
    );
    let expected: Vec<(String, String)> = PAYER_LANGUAGES
        .iter()
        .map(|(m, _, tag)| (m.to_string(), tag.to_string()))
        .collect();
    assert_eq!(stored_languages(&db), expected);

    // The same file again changes nothing; a later file that does not know
    // the language (an empty cell, "Unknown") keeps what tend holds, and
    // one that says "Declined" or another language is taken.
    let out = import(&good, &db, &["payer-languages.csv"]);
    assert!(text(&out.stdout).contains("0 updated, 46 unchanged"));
    write(
        dir.path(),
        "later.csv",
        "member_id,first_name,last_name,dob,language\n\
         SYN0100001,Ben,Sample,02/08/1953,\n\
         SYN0100002,Cai,Testa,03/15/1956,Unknown\n\
         SYN0100003,Dara,Demo,04/22/1959,Declined\n\
         SYN0100018,Hana,Placeholder,07/06/2004,Farsi\n",
    );
    let out = import(dir.path(), &db, &["later.csv"]);
    assert!(
        text(&out.stdout).starts_with("later.csv: 4 rows: 0 created, 2 updated, 2 unchanged"),
        "{}",
        text(&out.stdout)
    );
    let after = stored_languages(&db);
    assert_eq!(after[0].1, "cmn", "an empty cell keeps it");
    assert_eq!(after[1].1, "cmn", "so does Unknown");
    assert_eq!(after[2].1, "und-x-declined", "Declined is an answer");
    assert_eq!(after[17].1, "fa", "an unknown language is learnt");
}

#[test]
fn partial_imports_the_good_rows_and_writes_the_rest_with_their_reasons() {
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("t.db");
    std::fs::copy(
        corpus().join("impossible-birth-date.csv"),
        dir.path().join("r.csv"),
    )
    .unwrap();
    let mut body = std::fs::read_to_string(dir.path().join("r.csv")).unwrap();
    body.push_str("SYN9,Good,Row,1990-09-09\n");
    write(dir.path(), "r.csv", &body);
    // Never over the roster itself.
    let out = import(
        dir.path(),
        &db,
        &["r.csv", "--partial", "--rejects", "r.csv"],
    );
    assert_eq!(out.status.code(), Some(1));
    assert!(
        text(&out.stderr).ends_with("tend: nothing was imported: the rejected rows would be written over r.csv; choose another file with --rejects\n"),
        "{}",
        text(&out.stderr)
    );
    assert!(!db.exists(), "nothing imported");
    let out = import(dir.path(), &db, &["r.csv", "--partial"]);
    assert!(out.status.success());
    assert_eq!(
        text(&out.stdout),
        format!(
            "r.csv: 4 rows: 1 created, 0 updated, 0 unchanged, 3 rejected (written to r.rejected.csv, with the reasons)\nDatabase: {}\n",
            db.display()
        )
    );
    let rejects = dir.path().join("r.rejected.csv");
    assert_eq!(
        std::fs::read_to_string(&rejects).unwrap(),
        "member_id,first_name,last_name,dob,problem\n\
         SYN1,Zoe,Testa,02/30/1980,\"line 2: dob: \"\"02/30/1980\"\" is not a day of the calendar\"\n\
         SYN2,Ana,Sample,2027-01-01,line 3: dob: 2027-01-01 is in the future\n\
         SYN3,Ben,Example,1880-05-05,line 4: dob: 1880-05-05 would make the member older than 120\n"
    );
    use std::os::unix::fs::PermissionsExt as _;
    assert_eq!(
        std::fs::metadata(&rejects).unwrap().permissions().mode() & 0o777,
        0o600,
        "the rejected rows are health information"
    );
    let members: i64 = Connection::open(&db)
        .unwrap()
        .query_row("SELECT count(*) FROM patient", [], |r| r.get(0))
        .unwrap();
    assert_eq!(members, 1);
}

#[test]
fn a_ten_thousand_row_spreadsheet_export_imports_whole() {
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("t.db");
    let today = chrono::NaiveDate::from_ymd_opt(2026, 11, 24).unwrap();
    write(
        dir.path(),
        "roster.csv",
        &tend::synth::roster_csv(10_000, 7, today, "ccuser"),
    );
    let out = import(dir.path(), &db, &["roster.csv"]);
    assert!(out.status.success(), "{}", text(&out.stderr));
    assert!(
        text(&out.stdout).starts_with(
            "roster.csv: 10000 rows: 10000 created, 0 updated, 0 unchanged, 0 rejected\n"
        ),
        "{}",
        text(&out.stdout)
    );
    let conn = Connection::open(&db).unwrap();
    let mine: i64 = conn
        .query_row(
            "SELECT count(*) FROM patient p JOIN practitioner c ON c.id = p.coordinator_id
              WHERE c.username = 'ccuser'",
            [],
            |r| r.get(0),
        )
        .unwrap();
    assert_eq!(
        mine,
        10_000_usize.div_ceil(154) as i64,
        "every 154th is the user's"
    );
}

/// A dry run on a database of an older schema rehearses on a copy: the
/// file is not upgraded (nor changed at all) by a run that writes nothing.
#[test]
fn a_dry_run_does_not_upgrade_an_older_database() {
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("v1.db");
    {
        let conn = Connection::open(&db).unwrap();
        let tx = conn.unchecked_transaction().unwrap();
        tend::store::schema::MIGRATIONS[0]
            .apply(
                &tx,
                &tend::store::schema::Upgrade {
                    agent: "ccuser",
                    now: chrono::DateTime::UNIX_EPOCH,
                },
            )
            .unwrap();
        tx.commit().unwrap();
        conn.execute_batch("PRAGMA user_version = 1; PRAGMA journal_mode = DELETE;")
            .unwrap();
    }
    let before = std::fs::read(&db).unwrap();
    write(
        dir.path(),
        "r.csv",
        "member_id,first_name,last_name,dob\nSYN1,Zoe,Testa,1970-02-03\n",
    );
    let out = import(dir.path(), &db, &["r.csv", "--dry-run"]);
    assert!(out.status.success(), "{}", text(&out.stderr));
    assert!(
        text(&out.stdout).starts_with("r.csv: 1 row; an import would create 1,"),
        "{}",
        text(&out.stdout)
    );
    assert_eq!(std::fs::read(&db).unwrap(), before, "the file is as it was");
}
