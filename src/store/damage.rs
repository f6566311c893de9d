//! Text damaged on the disk: a stored value SQLite holds as TEXT whose
//! bytes are not UTF-8.
//!
//! SQLite stores whatever bytes it is given as TEXT, and its integrity
//! check looks at pages and indexes, not at what a value says: issue 13
//! flipped 64 bytes inside one note's text, and `tend check` and `tend
//! backup` found all well while the note could no longer be read (rusqlite's
//! `String` refuses such bytes). Here every text value of every table is
//! read as bytes and checked, and a damaged one is named by its table, row
//! id, column and the member ID of its patient: never by its text.

use rusqlite::types::ValueRef;
use rusqlite::{Connection, OptionalExtension};

/// A record holding text that is not valid UTF-8.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DamagedText {
    pub table: String,
    pub row: i64,
    /// The columns whose text is damaged.
    pub columns: Vec<String>,
    /// The member ID of the record's patient, when the record belongs to
    /// one and that member ID can itself be read.
    pub member_id: Option<String>,
}

impl DamagedText {
    /// "communication row 12 (body; patient SYN0000012)": no stored text
    /// but the member ID, which names the patient everywhere in tend.
    pub fn describe(&self) -> String {
        let mut what = format!(
            "{} row {} ({}",
            self.table,
            self.row,
            self.columns.join(", ")
        );
        match &self.member_id {
            Some(member) => what.push_str(&format!("; patient {member})")),
            None => what.push(')'),
        }
        what
    }
}

/// Every record of the database with damaged text, table by table.
pub(crate) fn damaged_text(conn: &Connection) -> rusqlite::Result<Vec<DamagedText>> {
    // Tables only: views hold nothing, the search indexes are virtual
    // tables over these (their own shadow tables hold tokens, not text),
    // and SQLite's own tables are not tend's.
    let tables: Vec<String> = conn
        .prepare(
            "SELECT name FROM pragma_table_list
              WHERE schema = 'main' AND type = 'table' AND wr = 0 AND name NOT LIKE 'sqlite_%'
              ORDER BY name",
        )?
        .query_map([], |r| r.get(0))?
        .collect::<Result<_, _>>()?;
    let mut damaged = Vec::new();
    for table in &tables {
        let columns: Vec<String> = conn
            .prepare("SELECT name FROM pragma_table_info(?1) ORDER BY cid")?
            .query_map([table], |r| r.get(0))?
            .collect::<Result<_, _>>()?;
        let list: Vec<String> = columns.iter().map(|c| quoted(c)).collect();
        let sql = format!("SELECT rowid, {} FROM {}", list.join(", "), quoted(table));
        let mut stmt = conn.prepare(&sql)?;
        let mut rows = stmt.query([])?;
        while let Some(row) = rows.next()? {
            let mut bad = Vec::new();
            for (i, column) in columns.iter().enumerate() {
                if let ValueRef::Text(bytes) = row.get_ref(i + 1)? {
                    if std::str::from_utf8(bytes).is_err() {
                        bad.push(column.clone());
                    }
                }
            }
            if !bad.is_empty() {
                damaged.push(DamagedText {
                    table: table.clone(),
                    row: row.get(0)?,
                    columns: bad,
                    member_id: None,
                });
            }
        }
    }
    for record in &mut damaged {
        record.member_id = member_of(conn, &record.table, record.row)?;
    }
    Ok(damaged)
}

/// The member ID of the patient a row belongs to: the patient's own, a row
/// with a `patient_id`, or a goal's progress entry through its goal.
pub(crate) fn member_of(
    conn: &Connection,
    table: &str,
    row: i64,
) -> rusqlite::Result<Option<String>> {
    let has = |column: &str| -> rusqlite::Result<bool> {
        conn.query_row(
            "SELECT count(*) FROM pragma_table_info(?1) WHERE name = ?2",
            [table, column],
            |r| r.get::<_, i64>(0),
        )
        .map(|n| n > 0)
    };
    let patient: Option<i64> = if table == "patient" {
        Some(row)
    } else if has("patient_id")? {
        conn.query_row(
            &format!("SELECT patient_id FROM {} WHERE rowid = ?1", quoted(table)),
            [row],
            |r| r.get(0),
        )
        .optional()?
        .flatten()
    } else if has("goal_id")? {
        conn.query_row(
            &format!(
                "SELECT g.patient_id FROM {} t JOIN goal g ON g.id = t.goal_id WHERE t.rowid = ?1",
                quoted(table)
            ),
            [row],
            |r| r.get(0),
        )
        .optional()?
        .flatten()
    } else {
        None
    };
    let Some(patient) = patient else {
        return Ok(None);
    };
    let member = conn
        .query_row(
            "SELECT member_id FROM patient WHERE id = ?1",
            [patient],
            |r| Ok(r.get_ref(0)?.as_str().ok().map(str::to_string)),
        )
        .optional()?
        .flatten();
    Ok(member)
}

/// An SQL identifier in double quotes.
fn quoted(name: &str) -> String {
    format!("\"{}\"", name.replace('"', "\"\""))
}
