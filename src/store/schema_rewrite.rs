//! Schema changes SQLite's ALTER TABLE cannot make: the stored `CREATE
//! TABLE` text rewritten, for the few edits SQLite documents as safe.

/// Rewrites the stored `CREATE TABLE` text of each `(table, column)` with
/// `edit`, under `writable_schema`, then bumps `schema_version` so every
/// connection reads the new text. Only for edits SQLite documents as safe
/// this way (constraints every stored row already satisfies); an edit that
/// finds nothing to change fails the migration, and the upgrade rolls back.
pub(super) fn rewrite_tables(
    tx: &rusqlite::Transaction<'_>,
    edits: &[(&str, &str)],
    edit: impl Fn(&str, &str) -> Result<String, String>,
) -> rusqlite::Result<()> {
    let schema_version: i64 = tx.query_row("PRAGMA schema_version", [], |row| row.get(0))?;
    tx.execute_batch("PRAGMA writable_schema = ON")?;
    let rewritten = (|| -> rusqlite::Result<()> {
        for (table, column) in edits {
            let sql: String = tx.query_row(
                "SELECT sql FROM sqlite_schema WHERE type = 'table' AND name = ?1",
                [table],
                |row| row.get(0),
            )?;
            let new_sql = edit(&sql, column).map_err(|why| {
                rusqlite::Error::SqliteFailure(
                    rusqlite::ffi::Error::new(rusqlite::ffi::SQLITE_ERROR),
                    Some(format!("{why} in table {table}")),
                )
            })?;
            tx.execute(
                "UPDATE sqlite_schema SET sql = ?2 WHERE type = 'table' AND name = ?1",
                [table, &new_sql.as_str()],
            )?;
        }
        Ok(())
    })();
    tx.execute_batch("PRAGMA writable_schema = OFF")?;
    rewritten?;
    tx.execute_batch(&format!("PRAGMA schema_version = {}", schema_version + 1))
}

/// `CREATE TABLE` text with the column declared on its own line as
/// `column TEXT NOT NULL…` made nullable; None unless exactly one line
/// declares it so.
pub(crate) fn without_not_null(sql: &str, column: &str) -> Option<String> {
    let declares = |line: &str| {
        let mut words = line.split_whitespace();
        words.next() == Some(column) && line.contains(" NOT NULL")
    };
    let mut found = sql.lines().filter(|line| declares(line));
    let line = found.next()?;
    if found.next().is_some() {
        return None;
    }
    let start = sql.find(line)?;
    let relaxed = line.replacen(" NOT NULL", "", 1);
    Some(format!(
        "{}{relaxed}{}",
        &sql[..start],
        &sql[start + line.len()..]
    ))
}

/// `CREATE TABLE` text with `CHECK (column IN ('a', 'b'))` written as
/// `CHECK (column = 'a' OR column = 'b')`; None unless that CHECK occurs
/// exactly once and its list holds only plain quoted words.
pub(crate) fn in_list_as_or_chain(sql: &str, column: &str) -> Option<String> {
    let opening = format!("CHECK ({column} IN (");
    let start = sql.find(&opening)?;
    if sql[start + opening.len()..].contains(&opening) {
        return None;
    }
    let list_start = start + opening.len();
    let list_len = sql[list_start..].find("))")?;
    let values: Vec<&str> = sql[list_start..list_start + list_len]
        .split(',')
        .map(str::trim)
        .collect();
    let plain = |v: &&str| {
        v.len() >= 3
            && v.starts_with('\'')
            && v.ends_with('\'')
            && v[1..v.len() - 1]
                .chars()
                .all(|c| c.is_ascii_alphanumeric() || c == '-')
    };
    if !values.iter().all(plain) {
        return None;
    }
    let chain: Vec<String> = values.iter().map(|v| format!("{column} = {v}")).collect();
    let end = list_start + list_len + 2;
    Some(format!(
        "{}CHECK ({}){}",
        &sql[..start],
        chain.join(" OR "),
        &sql[end..]
    ))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn an_in_list_check_becomes_an_or_chain() {
        let sql = "CREATE TABLE t (a TEXT CHECK (a IN ('x', 'y-z',\n    'w')), b INTEGER)";
        assert_eq!(
            in_list_as_or_chain(sql, "a").unwrap(),
            "CREATE TABLE t (a TEXT CHECK (a = 'x' OR a = 'y-z' OR a = 'w'), b INTEGER)"
        );
        assert_eq!(in_list_as_or_chain(sql, "b"), None, "no such check");
        let twice = "CREATE TABLE t (a CHECK (a IN ('x')), c CHECK (a IN ('y')))";
        assert_eq!(in_list_as_or_chain(twice, "a"), None, "ambiguous");
        let odd = "CREATE TABLE t (a CHECK (a IN ('x', 'it''s')))";
        assert_eq!(in_list_as_or_chain(odd, "a"), None, "only plain words");
    }

    #[test]
    fn a_not_null_column_becomes_nullable() {
        let sql = "CREATE TABLE t (\n    id INTEGER,\n    medium    TEXT NOT NULL,\n    mediums TEXT NOT NULL,\n    dir TEXT NOT NULL CHECK (dir IN ('a', 'b'))\n)";
        assert_eq!(
            without_not_null(sql, "medium").unwrap(),
            "CREATE TABLE t (\n    id INTEGER,\n    medium    TEXT,\n    mediums TEXT NOT NULL,\n    dir TEXT NOT NULL CHECK (dir IN ('a', 'b'))\n)"
        );
        assert!(without_not_null(sql, "dir")
            .unwrap()
            .contains("dir TEXT CHECK (dir IN ('a', 'b'))"));
        assert_eq!(without_not_null(sql, "id"), None, "nullable already");
        assert_eq!(without_not_null(sql, "body"), None, "no such column");
    }
}
