//! Schema version 14, in a file of its own (see `schema` for the rest).

/// Each loop table's indexed text, as an SQL expression over a row (`NEW`
/// or the table's own columns): what a search of the loops from `:` finds
/// it by. One list, so the triggers, the first fill and a bulk load's fill
/// index the same words.
pub(crate) const LOOP_SEARCH_TEXT: [(&str, &str); 3] = [
    (
        "referral",
        "coalesce(to_name, '') || ' ' || coalesce(reason, '') || ' ' || coalesce(to_phone, '')",
    ),
    (
        "appointment",
        "coalesce(with_whom, '') || ' ' || coalesce(reason, '') || ' ' || coalesce(place, '')",
    ),
    (
        "prior_auth",
        "coalesce(item, '') || ' ' || coalesce(payer, '') || ' ' || coalesce(item_code, '')
            || ' ' || coalesce(payer_ref, '')",
    ),
];

/// The columns [`LOOP_SEARCH_TEXT`] reads, per table: an update of any of
/// them re-indexes the row.
const LOOP_SEARCH_COLUMNS: [&[&str]; 3] = [
    &["to_name", "reason", "to_phone"],
    &["with_whom", "reason", "place"],
    &["item", "payer", "item_code", "payer_ref"],
];

/// The name of a loop table's search index.
pub(crate) fn loop_index(table: &str) -> String {
    format!("{table}_fts")
}

/// `text` with each column name prefixed by `row.` (`NEW`, `OLD`).
fn over_row(text: &str, row: &str, columns: &[&str]) -> String {
    let mut out = text.to_string();
    for column in columns {
        out = out.replace(&format!("({column},"), &format!("({row}.{column},"));
    }
    out
}

/// The insert triggers, which a bulk load ([`super::Tx::bulk_load`]) takes
/// off and puts back, filling the indexes once at its end.
pub(crate) fn loop_search_insert_triggers() -> String {
    LOOP_SEARCH_TEXT
        .iter()
        .zip(LOOP_SEARCH_COLUMNS)
        .map(|((table, text), columns)| {
            format!(
                "CREATE TRIGGER {index}_insert AFTER INSERT ON {table} BEGIN
    INSERT INTO {index} (rowid, text) VALUES (NEW.id, {new});
END;
",
                index = loop_index(table),
                new = over_row(text, "NEW", columns),
            )
        })
        .collect()
}

/// Version 14: a full-text index of each loop table (`referral_fts`,
/// `appointment_fts`, `prior_auth_fts`), so the search of the loops from
/// `:` reads the rows that hold the words instead of every loop (a LIKE
/// scan of 700,000 loops took over a second at 100,000 patients).
///
/// Contentless (`content = ''`): the text is the loop's own columns, kept
/// once, in its table; `contentless_delete = 1` lets a trigger remove a
/// row's entry by rowid. Kept in step by triggers on insert, on a change
/// of an indexed column, and on delete; prefix indexes of 2 and 3
/// characters make a word typed in part cheap.
pub(super) fn v14(tx: &rusqlite::Transaction<'_>) -> rusqlite::Result<()> {
    let mut sql = String::new();
    for ((table, text), columns) in LOOP_SEARCH_TEXT.iter().zip(LOOP_SEARCH_COLUMNS) {
        let index = loop_index(table);
        let changed: Vec<String> = columns
            .iter()
            .map(|c| format!("OLD.{c} IS NOT NEW.{c}"))
            .collect();
        sql.push_str(&format!(
            "CREATE VIRTUAL TABLE {index} USING fts5(
    text, content = '', contentless_delete = 1,
    tokenize = 'unicode61 remove_diacritics 2', prefix = '2 3'
);
INSERT INTO {index} (rowid, text) SELECT id, {text} FROM {table};
CREATE TRIGGER {index}_update AFTER UPDATE OF {listed} ON {table}
    WHEN {changed}
BEGIN
    DELETE FROM {index} WHERE rowid = OLD.id;
    INSERT INTO {index} (rowid, text) VALUES (NEW.id, {new});
END;
CREATE TRIGGER {index}_delete AFTER DELETE ON {table} BEGIN
    DELETE FROM {index} WHERE rowid = OLD.id;
END;
",
            listed = columns.join(", "),
            changed = changed.join(" OR "),
            new = over_row(text, "NEW", columns),
        ));
    }
    sql.push_str(&loop_search_insert_triggers());
    tx.execute_batch(&sql)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_text_over_a_row_names_every_column_of_the_row() {
        for ((_, text), columns) in LOOP_SEARCH_TEXT.iter().zip(LOOP_SEARCH_COLUMNS) {
            let over = over_row(text, "NEW", columns);
            for column in columns {
                assert!(over.contains(&format!("NEW.{column}")), "{over}");
                assert!(!over.contains(&format!("({column},")), "{over}");
            }
        }
    }
}
