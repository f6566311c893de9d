//! The audit trail as a hash chain, so that it cannot be rewritten
//! unnoticed (ONC §170.315(d)(2): audit records tamper-detectable).
//!
//! Each audit row stores the hash of the row before it (`prev_hash`) and its
//! own (`chain_hash`): SHA-256 over the previous hash and every column of the
//! row, each written with its type and length, so no two rows encode alike.
//! A row changed in place no longer matches its own hash; a row removed or
//! inserted breaks the link of the row after it. A chain recomputed from
//! scratch by someone who knows this scheme is whole again, which is why its
//! head (the last row's id and hash) is exported — by `tend audit head` and
//! at every `tend backup` — and checked later with `tend audit verify
//! --head`: a rewritten trail no longer holds the head recorded before.
//!
//! Signed notes are sealed into the same chain: the row that signs a note
//! (or adds an addendum) carries the hash of the note as signed
//! (`content_hash`), and a bulk load (the generator, a FHIR import, and the
//! upgrade that brought in the chain) ends with one row whose
//! `content_hash` covers every signed note it wrote, ids `sealed_from` to
//! `entity_id`. A signed note changed, removed or slipped in behind tend's
//! back no longer matches the chain.

mod migrate;
mod verify;

pub(crate) use migrate::v8_audit_chain;
pub(crate) use verify::verify;
pub use verify::{verify_file, ChainProblem, ChainReport};

use rusqlite::types::ValueRef;
use rusqlite::{params, Connection, OptionalExtension};
use sha2::{Digest, Sha256};

/// A SHA-256 hash.
pub type Hash = [u8; 32];

/// The `prev_hash` of the first row of a trail.
pub const GENESIS: Hash = [0; 32];

/// What the hash of a row begins with, naming the scheme, so that a later
/// scheme can never produce the same hash from the same row.
const ROW_SCHEME: &[u8] = b"tend audit row v1\0";
const NOTE_SCHEME: &[u8] = b"tend signed note v1\0";
const LOAD_SCHEME: &[u8] = b"tend signed notes loaded v1\0";

/// The columns of `audit_event` the chain covers, in the order hashed.
pub(crate) const ROW_COLUMNS: &str = "id, recorded_at, agent, action, entity_type, entity_id, \
     patient_id, detail, content_hash, sealed_from";

/// The columns of a signed note (`communication`) its seal covers: all that
/// a signed note keeps (its bookkeeping, `updated_at` and `version`, aside).
pub(crate) const NOTE_COLUMNS: &str = "id, patient_id, author_id, sent_at, medium, direction, \
     recipient, outcome, duration_minutes, body, status, started_at, signed_at, part_of";

/// Feeds one SQL value to a hasher: its type, then its length and bytes, so
/// that NULL, '' and 0 differ and no value runs into the next.
fn feed(hasher: &mut Sha256, value: ValueRef<'_>) {
    // Written out per type rather than through a byte vector: this runs
    // for every column of every row a verification walks (ten million rows
    // in the benchmark), and allocates nothing.
    let (tag, bytes): (u8, &[u8]) = match value {
        ValueRef::Null => (0, &[]),
        ValueRef::Integer(i) => {
            hasher.update([1]);
            hasher.update(8u64.to_le_bytes());
            hasher.update(i.to_le_bytes());
            return;
        }
        ValueRef::Real(r) => {
            hasher.update([2]);
            hasher.update(8u64.to_le_bytes());
            hasher.update(r.to_le_bytes());
            return;
        }
        ValueRef::Text(t) => (3, t),
        ValueRef::Blob(b) => (4, b),
    };
    hasher.update([tag]);
    hasher.update((bytes.len() as u64).to_le_bytes());
    hasher.update(bytes);
}

/// The hash of an audit row: the previous row's hash and the row's
/// columns ([`ROW_COLUMNS`], in order).
pub(crate) fn row_hash(prev: &Hash, columns: &[ValueRef<'_>]) -> Hash {
    let mut hasher = Sha256::new();
    hasher.update(ROW_SCHEME);
    hasher.update(prev);
    for value in columns {
        feed(&mut hasher, *value);
    }
    hasher.finalize().into()
}

/// The hash of a signed note, from its columns ([`NOTE_COLUMNS`]).
pub(crate) fn note_hash(columns: &[ValueRef<'_>]) -> Hash {
    let mut hasher = Sha256::new();
    hasher.update(NOTE_SCHEME);
    for value in columns {
        feed(&mut hasher, *value);
    }
    hasher.finalize().into()
}

/// The hash of one signed note as it is stored now; None when there is no
/// such note.
pub(crate) fn stored_note_hash(conn: &Connection, note_id: i64) -> rusqlite::Result<Option<Hash>> {
    conn.prepare_cached(&format!(
        "SELECT {NOTE_COLUMNS} FROM communication WHERE id = ?1"
    ))?
    .query_row(params![note_id], |row| Ok(note_hash(&values(row)?)))
    .optional()
}

/// Every column of a row, as SQL values.
pub(crate) fn values<'r>(row: &'r rusqlite::Row<'_>) -> rusqlite::Result<Vec<ValueRef<'r>>> {
    (0..row.as_ref().column_count())
        .map(|i| row.get_ref(i))
        .collect()
}

/// The combined hash of the signed notes a bulk load wrote, fed one note
/// at a time in the order of their ids.
pub(crate) struct LoadSeal {
    hasher: Sha256,
    pub first: Option<i64>,
    pub last: Option<i64>,
    pub count: u64,
}

impl LoadSeal {
    pub fn new() -> LoadSeal {
        let mut hasher = Sha256::new();
        hasher.update(LOAD_SCHEME);
        LoadSeal {
            hasher,
            first: None,
            last: None,
            count: 0,
        }
    }

    pub fn add(&mut self, note_id: i64, note: &Hash) {
        self.hasher.update(note_id.to_le_bytes());
        self.hasher.update(note);
        self.first.get_or_insert(note_id);
        self.last = Some(note_id);
        self.count += 1;
    }

    pub fn finish(self) -> Hash {
        self.hasher.finalize().into()
    }
}

/// The signed notes a bulk load wrote, sealed.
pub(crate) struct SealedLoad {
    pub hash: Hash,
    pub first: i64,
    pub last: i64,
    pub count: u64,
}

/// Seals the signed notes with ids above `after`, written by the load now
/// ending; None when the load wrote no signed note.
pub(crate) fn seal_notes_after(
    conn: &Connection,
    after: i64,
) -> rusqlite::Result<Option<SealedLoad>> {
    let mut stmt = conn.prepare(&format!(
        "SELECT {NOTE_COLUMNS} FROM communication
          WHERE id > ?1 AND status = 'completed' ORDER BY id"
    ))?;
    let mut rows = stmt.query(params![after])?;
    let mut seal = LoadSeal::new();
    while let Some(row) = rows.next()? {
        let id: i64 = row.get(0)?;
        seal.add(id, &note_hash(&values(row)?));
    }
    Ok(match (seal.first, seal.last) {
        (Some(first), Some(last)) => Some(SealedLoad {
            count: seal.count,
            hash: seal.finish(),
            first,
            last,
        }),
        _ => None,
    })
}

/// The last row of the trail: its id and hash (the chain's head); the
/// genesis hash and id 0 for an empty trail.
pub(crate) fn tip(conn: &Connection) -> rusqlite::Result<(i64, Hash)> {
    let row: Option<(i64, Option<Vec<u8>>)> = conn
        .prepare_cached("SELECT id, chain_hash FROM audit_event ORDER BY id DESC LIMIT 1")?
        .query_row([], |row| Ok((row.get(0)?, row.get(1)?)))
        .optional()?;
    Ok(match row {
        None => (0, GENESIS),
        // A head whose hash is missing or of the wrong size was tampered
        // with; the trail goes on from the genesis hash, which `verify`
        // reports, rather than refusing every change from now on.
        Some((id, hash)) => (id, as_hash(hash.as_deref()).unwrap_or(GENESIS)),
    })
}

pub(crate) fn as_hash(bytes: Option<&[u8]>) -> Option<Hash> {
    bytes.and_then(|b| b.try_into().ok())
}

/// What an audit row seals: the hash of a signed note (the row's entity),
/// or of every signed note a load wrote, ids `from` to the row's entity.
#[derive(Debug, Clone, Copy)]
pub(crate) struct Seal {
    pub hash: Hash,
    pub from: Option<i64>,
}

/// An audit row to append, as its columns will hold it.
pub(crate) struct NewRow<'a> {
    /// UTC RFC 3339.
    pub recorded_at: &'a str,
    pub agent: &'a str,
    /// The FHIR AuditEvent action code.
    pub action: &'a str,
    pub entity_type: &'a str,
    pub entity_id: Option<i64>,
    pub patient_id: Option<i64>,
    pub detail: Option<&'a str>,
    pub seal: Option<Seal>,
}

/// Appends a row to the trail, chained to the row before it (`tip`, when
/// the caller knows it; read otherwise). The caller holds the write lock.
/// Returns the new tip.
pub(crate) fn append(
    conn: &Connection,
    tip: Option<(i64, Hash)>,
    row: &NewRow<'_>,
) -> rusqlite::Result<(i64, Hash)> {
    let (last_id, prev) = match tip {
        Some(tip) => tip,
        None => self::tip(conn)?,
    };
    let id = last_id + 1;
    let content = row.seal.map(|s| s.hash);
    let sealed_from = row.seal.and_then(|s| s.from);
    let optional = |v: Option<i64>| v.map_or(ValueRef::Null, ValueRef::Integer);
    let hash = row_hash(
        &prev,
        &[
            ValueRef::Integer(id),
            ValueRef::Text(row.recorded_at.as_bytes()),
            ValueRef::Text(row.agent.as_bytes()),
            ValueRef::Text(row.action.as_bytes()),
            ValueRef::Text(row.entity_type.as_bytes()),
            optional(row.entity_id),
            optional(row.patient_id),
            row.detail
                .map_or(ValueRef::Null, |d| ValueRef::Text(d.as_bytes())),
            content
                .as_ref()
                .map_or(ValueRef::Null, |h| ValueRef::Blob(h)),
            optional(sealed_from),
        ],
    );
    conn.prepare_cached(
        "INSERT INTO audit_event
           (id, recorded_at, agent, action, entity_type, entity_id, patient_id, detail,
            content_hash, sealed_from, prev_hash, chain_hash)
         VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12)",
    )?
    .execute(params![
        id,
        row.recorded_at,
        row.agent,
        row.action,
        row.entity_type,
        row.entity_id,
        row.patient_id,
        row.detail,
        content.as_ref().map(|h| &h[..]),
        sealed_from,
        &prev[..],
        &hash[..],
    ])?;
    Ok((id, hash))
}

/// The head of the trail as exported: `tend-audit-head row=ID sha256=HEX`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Head {
    pub row: i64,
    pub hash: Hash,
}

impl Head {
    /// The trail's head now; None for an empty trail.
    pub fn of(conn: &Connection) -> rusqlite::Result<Option<Head>> {
        let (row, hash) = tip(conn)?;
        Ok((row > 0).then_some(Head { row, hash }))
    }

    /// Reads the heads recorded in a text (one a line; other lines, such
    /// as a comment or the date, are passed over). The error names the
    /// line that starts like a head and is not one.
    pub fn parse_all(text: &str) -> Result<Vec<Head>, String> {
        let mut heads = Vec::new();
        for (number, line) in text.lines().enumerate() {
            let line = line.trim();
            let Some(rest) = line.strip_prefix("tend-audit-head ") else {
                continue;
            };
            let bad = || {
                format!(
                    "line {}: not a head tend wrote (tend-audit-head row=ID sha256=HEX)",
                    number + 1
                )
            };
            let mut row = None;
            let mut hash = None;
            for word in rest.split_whitespace() {
                if let Some(id) = word.strip_prefix("row=") {
                    row = Some(id.parse::<i64>().map_err(|_| bad())?);
                } else if let Some(hex_text) = word.strip_prefix("sha256=") {
                    let bytes = hex::decode(hex_text).map_err(|_| bad())?;
                    hash = Some(as_hash(Some(&bytes)).ok_or_else(bad)?);
                }
            }
            match (row, hash) {
                (Some(row), Some(hash)) if row > 0 => heads.push(Head { row, hash }),
                _ => return Err(bad()),
            }
        }
        Ok(heads)
    }
}

impl std::fmt::Display for Head {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(
            f,
            "tend-audit-head row={} sha256={}",
            self.row,
            hex::encode(self.hash)
        )
    }
}
