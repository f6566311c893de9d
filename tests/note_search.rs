//! Note search at scale (issue 19): the best matches are ranked with bm25
//! among the newest `SEARCH_CANDIDATES` matches, so a common word in
//! millions of notes answers as fast as a rare one. A word in fewer notes
//! than that gives exactly what ranking every match gave; a common word
//! gives the best of the newest matches. The references are SQL over the
//! full-text index itself: every match ranked, or the newest ones ranked,
//! by FTS5's own `bm25()`.
//! The words are the generated notes' own, picked by how many notes hold
//! them (`fts5vocab`), so the test does not depend on the generator's
//! phrasing. Real SQLite in a temporary folder, at the tests' fixed now.

mod common;

use rusqlite::Connection;
use tend::store::{Store, SEARCH_CANDIDATES};
use tend::synth::{self, GenParams};

fn generated(dir: &std::path::Path) -> (Store, Connection) {
    let path = dir.join("search.db");
    let mut store = common::open(&path, "ccuser");
    synth::generate(
        &mut store,
        &GenParams {
            patients: 1200,
            seed: 23,
            user: "ccuser".into(),
        },
    )
    .unwrap();
    let conn = Connection::open(&path).unwrap();
    conn.execute_batch(
        "CREATE VIRTUAL TABLE temp.vocab USING fts5vocab(main, communication_fts, row)",
    )
    .unwrap();
    (store, conn)
}

/// A word of the notes held by between `fewest` and `most` notes, and how
/// many hold it.
fn word_held_by(conn: &Connection, fewest: usize, most: usize) -> (String, usize) {
    conn.query_row(
        "SELECT term, doc FROM temp.vocab WHERE doc BETWEEN ?1 AND ?2
          AND term GLOB '[a-z][a-z][a-z]*' ORDER BY doc DESC, term LIMIT 1",
        [fewest as i64, most as i64],
        |r| Ok((r.get(0)?, r.get::<_, i64>(1)? as usize)),
    )
    .unwrap()
}

/// The note ids bm25 ranks best among the matches whose ids are at least
/// `from_id`, best first (ties: the newer note first).
fn ranked(conn: &Connection, word: &str, from_id: i64, limit: usize) -> Vec<i64> {
    ranked_match(conn, &format!("\"{word}\""), from_id, limit)
}

/// Like [`ranked`], for an FTS5 MATCH expression.
fn ranked_match(conn: &Connection, expression: &str, from_id: i64, limit: usize) -> Vec<i64> {
    let mut stmt = conn
        .prepare(
            "SELECT rowid FROM communication_fts WHERE communication_fts MATCH ?1
                AND rowid >= ?2 ORDER BY rank, rowid DESC LIMIT ?3",
        )
        .unwrap();
    let rows = stmt
        .query_map(rusqlite::params![expression, from_id, limit as i64], |r| {
            r.get(0)
        })
        .unwrap();
    rows.collect::<Result<_, _>>().unwrap()
}

fn hit_ids(store: &Store, word: &str, limit: usize) -> Vec<i64> {
    store
        .search_notes(word, limit)
        .unwrap()
        .iter()
        .map(|h| h.note_id)
        .collect()
}

#[test]
fn a_word_in_fewer_notes_than_the_candidates_is_ranked_over_every_match() {
    let dir = tempfile::tempdir().unwrap();
    let (store, conn) = generated(dir.path());
    let (word, holding) = word_held_by(&conn, 300, SEARCH_CANDIDATES - 1);
    for limit in [50, 200] {
        let expected = ranked(&conn, &word, 0, limit);
        assert_eq!(expected.len(), limit.min(holding));
        assert_eq!(hit_ids(&store, &word, limit), expected, "{word:?}, {limit}");
    }
}

#[test]
fn a_common_word_is_ranked_among_its_newest_matches() {
    let dir = tempfile::tempdir().unwrap();
    let (store, conn) = generated(dir.path());
    let (word, holding) = word_held_by(&conn, 3 * SEARCH_CANDIDATES, usize::MAX >> 1);
    assert!(holding > 3 * SEARCH_CANDIDATES);
    // The oldest of the newest candidates: the matches from it on are the
    // ones ranked.
    let oldest_candidate: i64 = conn
        .query_row(
            "SELECT min(rowid) FROM (SELECT rowid FROM communication_fts
              WHERE communication_fts MATCH ?1 ORDER BY rowid DESC LIMIT ?2)",
            rusqlite::params![format!("\"{word}\""), SEARCH_CANDIDATES as i64],
            |r| r.get(0),
        )
        .unwrap();
    let expected = ranked(&conn, &word, oldest_candidate, 50);
    let hits = hit_ids(&store, &word, 50);
    assert_eq!(hits, expected, "{word:?}");
    assert_ne!(
        hits,
        ranked(&conn, &word, 0, 50),
        "the bound matters here: the best of all matches are older notes"
    );
    // Every hit names the word on its line, as before.
    for hit in store.search_notes(&word, 50).unwrap() {
        assert!(hit.line.to_lowercase().contains(&word), "{:?}", hit.line);
    }
}

/// Several words: each weighed by its rarity as `bm25()` weighs it (here,
/// with fewer notes than the weights are counted among, its very weights),
/// the best of the newest matches of them all.
#[test]
fn several_words_are_ranked_as_bm25_ranks_them() {
    let dir = tempfile::tempdir().unwrap();
    let (store, conn) = generated(dir.path());
    let (common, _) = word_held_by(&conn, 3 * SEARCH_CANDIDATES, usize::MAX >> 1);
    let (rarer, _) = word_held_by(&conn, 300, SEARCH_CANDIDATES - 1);
    let expression = format!("\"{common}\" \"{rarer}\"");
    let (both, oldest_candidate): (i64, i64) = conn
        .query_row(
            "SELECT count(*), coalesce(min(rowid), 0) FROM (SELECT rowid FROM communication_fts
              WHERE communication_fts MATCH ?1 ORDER BY rowid DESC LIMIT ?2)",
            rusqlite::params![expression, SEARCH_CANDIDATES as i64],
            |r| Ok((r.get(0)?, r.get(1)?)),
        )
        .unwrap();
    assert!(both > 60, "{common} and {rarer} together in {both} notes");
    let expected = ranked_match(&conn, &expression, oldest_candidate, 50);
    assert_eq!(
        hit_ids(&store, &format!("{common} {rarer}"), 50),
        expected,
        "{expression}"
    );
}
