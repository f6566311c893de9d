//! `tend_rank`, an FTS5 auxiliary function: BM25 as FTS5's `bm25()`
//! computes it, with each phrase's weight (its rarity) given rather than
//! counted.
//!
//! Why: note search ranks the newest 2,000 matches of its words (see
//! `Store::search_notes`). FTS5's `bm25()` weighs each phrase by how rare
//! it is, and to know that it first walks the phrase's whole index: at
//! 1,000,000 patients "called" is in millions of notes, and that walk was
//! all but 2 ms of a 190 ms search. For one phrase the weight is the same
//! for every note, so leaving it out changes no order: `tend_rank` ranks a
//! search of one phrase exactly as `bm25()` did, without the walk. For
//! several, [`note_phrase_weights`] counts each one's rarity among the
//! newest notes.
//!
//! rusqlite does not wrap FTS5's extension API, so this is the one place
//! the store speaks to SQLite's C interface directly.

use std::ffi::c_int;
use std::ptr;

use rusqlite::ffi;

/// BM25's parameters, FTS5's own.
const K1: f64 = 1.2;
const B: f64 = 0.75;

/// Adds `tend_rank` to the connection's FTS5.
pub(super) fn register(conn: &rusqlite::Connection) -> rusqlite::Result<()> {
    // SAFETY: the handle is the connection's own and outlives this call;
    // FTS5 keeps the function for as long as the connection lives, and the
    // function holds no state (no context pointer, no destructor).
    unsafe {
        let api = fts5_api(conn.handle())?;
        let Some(create) = (*api).xCreateFunction else {
            return Err(failure(ffi::SQLITE_ERROR, "FTS5 offers no xCreateFunction"));
        };
        let rc = create(
            api,
            c"tend_rank".as_ptr(),
            ptr::null_mut(),
            Some(tend_rank),
            None,
        );
        if rc != ffi::SQLITE_OK {
            return Err(failure(rc, "FTS5 refused the function tend_rank"));
        }
    }
    Ok(())
}

/// How many of the newest signed notes a search of several words weighs
/// its words' rarity among (see [`note_phrase_weights`]).
pub(super) const WEIGHT_WINDOW: i64 = 100_000;

/// Each phrase's weight for ranking notes, as `bm25()` weighs it by its
/// rarity, `ln((N - n + 0.5) / (n + 0.5))` (at least 1e-6), where `N` is
/// how many signed notes there are and `n` how many hold the phrase:
/// counted among the newest [`WEIGHT_WINDOW`] notes only. Below that many
/// notes these are `bm25()`'s own weights, and the ranking its own; above,
/// a word's rarity in the recent notes, which is what the candidates are
/// (the newest matches), found without walking millions of matches: at
/// 1,000,000 patients `bm25()` took 375 ms to weigh "called housing".
pub(super) fn note_phrase_weights(
    conn: &rusqlite::Connection,
    phrases: &[String],
) -> rusqlite::Result<Vec<f64>> {
    let newest: i64 = conn
        .prepare_cached("SELECT coalesce(max(id), 0) FROM communication_fts_docsize")?
        .query_row([], |row| row.get(0))?;
    let after = newest - WEIGHT_WINDOW;
    let notes: i64 = conn
        .prepare_cached("SELECT count(*) FROM communication_fts_docsize WHERE id > ?")?
        .query_row([after], |row| row.get(0))?;
    let mut holding = conn.prepare_cached(
        "SELECT count(*) FROM communication_fts WHERE communication_fts MATCH ? AND rowid > ?",
    )?;
    phrases
        .iter()
        .map(|phrase| {
            let hits: i64 =
                holding.query_row(rusqlite::params![phrase, after], |row| row.get(0))?;
            let weight = ((notes - hits) as f64 + 0.5) / (hits as f64 + 0.5);
            Ok(weight.ln().max(1e-6))
        })
        .collect()
}

fn failure(rc: c_int, message: &str) -> rusqlite::Error {
    rusqlite::Error::SqliteFailure(ffi::Error::new(rc), Some(message.to_string()))
}

/// FTS5's extension API, as SQLite hands it out: through `SELECT fts5(?)`
/// with a pointer bound of the type "fts5_api_ptr" (FTS5's documented way).
///
/// # Safety
/// `db` must be an open connection.
unsafe fn fts5_api(db: *mut ffi::sqlite3) -> rusqlite::Result<*mut ffi::fts5_api> {
    let mut stmt = ptr::null_mut();
    let rc = ffi::sqlite3_prepare_v2(
        db,
        c"SELECT fts5(?1)".as_ptr(),
        -1,
        &mut stmt,
        ptr::null_mut(),
    );
    if rc != ffi::SQLITE_OK {
        return Err(failure(rc, "FTS5 is not in this SQLite"));
    }
    let mut api: *mut ffi::fts5_api = ptr::null_mut();
    let bound = ffi::sqlite3_bind_pointer(
        stmt,
        1,
        (&mut api as *mut *mut ffi::fts5_api).cast(),
        c"fts5_api_ptr".as_ptr(),
        None,
    );
    let stepped = if bound == ffi::SQLITE_OK {
        ffi::sqlite3_step(stmt)
    } else {
        bound
    };
    ffi::sqlite3_finalize(stmt);
    if api.is_null() {
        return Err(failure(stepped, "FTS5 gave no extension API"));
    }
    Ok(api)
}

/// The auxiliary function FTS5 calls once a matching row, with the
/// phrases' weights as its arguments after the table (1 where none: one
/// phrase's weight changes no order).
unsafe extern "C" fn tend_rank(
    api: *const ffi::Fts5ExtensionApi,
    fts: *mut ffi::Fts5Context,
    ctx: *mut ffi::sqlite3_context,
    count: c_int,
    values: *mut *mut ffi::sqlite3_value,
) {
    let weights: Vec<f64> = (0..count.max(0) as usize)
        // SAFETY: FTS5 passes `count` values at `values`.
        .map(|i| unsafe { ffi::sqlite3_value_double(*values.add(i)) })
        .collect();
    // SAFETY: FTS5 passes its own API and this row's context.
    match unsafe { score(&*api, fts, &weights) } {
        Ok(score) => unsafe { ffi::sqlite3_result_double(ctx, score) },
        Err(rc) => unsafe { ffi::sqlite3_result_error_code(ctx, rc) },
    }
}

/// BM25 of the current row with the phrases' weights given, negative as
/// FTS5's `bm25()` is (better matches first in ascending order): the sum
/// over the phrases of `w f (k1 + 1) / (f + k1 (1 - b + b D / avgdl))`,
/// where `w` is the phrase's weight, `f` how often it occurs in the row,
/// `D` the row's length in tokens and `avgdl` the table's mean; the same
/// operations in the same order as FTS5's, so the same weights give the
/// same scores.
///
/// # Safety
/// `api` and `fts` must be what FTS5 passed to the current call.
unsafe fn score(
    api: &ffi::Fts5ExtensionApi,
    fts: *mut ffi::Fts5Context,
    weights: &[f64],
) -> Result<f64, c_int> {
    let ok = |rc: c_int| {
        if rc == ffi::SQLITE_OK {
            Ok(())
        } else {
            Err(rc)
        }
    };
    let missing = ffi::SQLITE_ERROR;
    let (
        Some(row_count),
        Some(total_size),
        Some(size),
        Some(phrase_count),
        Some(inst_count),
        Some(inst),
    ) = (
        api.xRowCount,
        api.xColumnTotalSize,
        api.xColumnSize,
        api.xPhraseCount,
        api.xInstCount,
        api.xInst,
    )
    else {
        return Err(missing);
    };
    let (mut rows, mut tokens, mut length) = (0i64, 0i64, 0 as c_int);
    ok(row_count(fts, &mut rows))?;
    ok(total_size(fts, -1, &mut tokens))?;
    ok(size(fts, -1, &mut length))?;
    let mut frequency = vec![0.0f64; phrase_count(fts).max(0) as usize];
    let mut instances: c_int = 0;
    ok(inst_count(fts, &mut instances))?;
    for i in 0..instances {
        let (mut phrase, mut column, mut offset) = (0, 0, 0);
        ok(inst(fts, i, &mut phrase, &mut column, &mut offset))?;
        if let Some(f) = frequency.get_mut(phrase as usize) {
            *f += 1.0;
        }
    }
    let mean = tokens as f64 / rows as f64;
    let d = length as f64;
    let mut sum = 0.0;
    for (i, f) in frequency.iter().enumerate() {
        let weight = weights.get(i).copied().unwrap_or(1.0);
        sum += weight * ((f * (K1 + 1.0)) / (f + K1 * (1.0 - B + B * d / mean)));
    }
    Ok(-sum)
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Over notes of many lengths and counts of a word, `tend_rank` orders
    /// a one-word search as `bm25()` does, each score `bm25()`'s divided by
    /// the word's weight; several words are scored too, each phrase counted.
    #[test]
    fn one_phrase_ranks_as_bm25_does() {
        let conn = rusqlite::Connection::open_in_memory().unwrap();
        register(&conn).unwrap();
        conn.execute_batch("CREATE VIRTUAL TABLE t USING fts5(body)")
            .unwrap();
        for i in 0..200 {
            let word = if i % 3 == 0 { "called " } else { "" };
            let body = format!(
                "{}note {i} {} {}",
                word.repeat(1 + i % 4),
                "filler ".repeat(i % 17),
                if i % 5 == 0 { "housing" } else { "" }
            );
            conn.execute("INSERT INTO t (body) VALUES (?)", [body])
                .unwrap();
        }
        for word in ["called", "housing", "note"] {
            let read = |order: &str| -> Vec<(i64, f64)> {
                conn.prepare(&format!(
                    "SELECT rowid, {order} FROM t WHERE t MATCH ?1 ORDER BY 2, rowid DESC"
                ))
                .unwrap()
                .query_map([word], |r| Ok((r.get(0)?, r.get(1)?)))
                .unwrap()
                .collect::<Result<_, _>>()
                .unwrap()
            };
            let bm25 = read("bm25(t)");
            let ours = read("tend_rank(t)");
            assert!(bm25.len() > 10, "{word}");
            let ids = |rows: &[(i64, f64)]| rows.iter().map(|r| r.0).collect::<Vec<_>>();
            assert_eq!(ids(&ours), ids(&bm25), "{word}");
            let weight = bm25[0].1 / ours[0].1;
            for ((_, theirs), (_, mine)) in bm25.iter().zip(&ours) {
                assert!((theirs - mine * weight).abs() < 1e-9, "{word}");
            }
        }
        let two: f64 = conn
            .query_row(
                "SELECT tend_rank(t) FROM t WHERE t MATCH 'called housing' AND rowid = 1",
                [],
                |r| r.get(0),
            )
            .unwrap();
        let one: f64 = conn
            .query_row(
                "SELECT tend_rank(t) FROM t WHERE t MATCH 'called' AND rowid = 1",
                [],
                |r| r.get(0),
            )
            .unwrap();
        assert!(two < one, "a second phrase adds to the score: {two} {one}");
    }
}
