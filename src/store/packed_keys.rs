//! A list's sort keys packed into bytes that compare, as bytes, the way
//! SQLite orders the rows: for sorting tens of thousands of rows in memory
//! (`store::caseload_held`) without a string and a value apiece.
//!
//! Why: held as a value and two strings a row, the 35,456 matches of `/ke`
//! at 1,000,000 patients took 40 ms to sort (each comparison chased three
//! pointers and matched on the value's kind) and 20 ms more to allocate and
//! free. Packed, every row's key is one run of one buffer, and its first 16
//! bytes, held beside it as a number, settle most comparisons without
//! reading the buffer at all.
//!
//! A key is the row's terms one after another, each written so that no
//! term's bytes are the start of another's (the first byte that differs
//! decides, as it does between the values):
//!
//! - NULL, number, text, blob: a class byte first (SQLite's order of kinds);
//! - a number: its double's bits in an order-preserving form, then its
//!   exact integer (what SQLite compares when two doubles are equal);
//! - text and blobs: their bytes with every 0x00 written 0x00 0xFF, ended
//!   by 0x00 0x00, so a shorter text comes first as in `memcmp`;
//! - a term in descending order: every byte of it inverted;
//! - the id last, so no two keys are equal.

use rusqlite::types::ValueRef;

/// Every key of a list, in one buffer.
#[derive(Debug, Default)]
pub(super) struct PackedKeys {
    bytes: Vec<u8>,
    rows: Vec<PackedRow>,
}

#[derive(Debug)]
struct PackedRow {
    /// The key's first 16 bytes (zeros past its end), big-endian.
    head: u128,
    start: usize,
    end: usize,
    id: i64,
}

/// How a term of a key is compared.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) enum Term {
    /// As SQLite compares the values, ascending.
    Ascending,
    /// As SQLite compares the values, descending.
    Descending,
    /// Text as NOCASE compares it (ASCII letters folded to lower case,
    /// then bytes), ascending.
    NoCase,
}

impl PackedKeys {
    pub(super) fn with_capacity(rows: usize) -> PackedKeys {
        PackedKeys {
            bytes: Vec::with_capacity(rows * 48),
            rows: Vec::with_capacity(rows),
        }
    }

    /// Adds a row: its id, and its terms in the order's order.
    pub(super) fn push(&mut self, id: i64, terms: &[(ValueRef<'_>, Term)]) {
        let start = self.bytes.len();
        for (value, term) in terms {
            let from = self.bytes.len();
            write_value(&mut self.bytes, *value, *term == Term::NoCase);
            if *term == Term::Descending {
                for byte in &mut self.bytes[from..] {
                    *byte = !*byte;
                }
            }
        }
        self.bytes
            .extend_from_slice(&((id as u64) ^ (1 << 63)).to_be_bytes());
        let end = self.bytes.len();
        let mut head = [0u8; 16];
        let shown = (end - start).min(16);
        head[..shown].copy_from_slice(&self.bytes[start..start + shown]);
        self.rows.push(PackedRow {
            head: u128::from_be_bytes(head),
            start,
            end,
            id,
        });
    }

    /// The ids, in the order of their keys.
    pub(super) fn sorted_ids(mut self) -> Vec<i64> {
        let bytes = &self.bytes;
        self.rows.sort_unstable_by(|a, b| {
            a.head
                .cmp(&b.head)
                .then_with(|| bytes[a.start..a.end].cmp(&bytes[b.start..b.end]))
        });
        self.rows.into_iter().map(|row| row.id).collect()
    }
}

fn write_value(out: &mut Vec<u8>, value: ValueRef<'_>, fold_case: bool) {
    match value {
        ValueRef::Null => out.push(0),
        ValueRef::Integer(i) => {
            out.push(1);
            out.extend_from_slice(&double_order_bits(i as f64).to_be_bytes());
            out.extend_from_slice(&((i as u64) ^ (1 << 63)).to_be_bytes());
        }
        ValueRef::Real(r) => {
            out.push(1);
            out.extend_from_slice(&double_order_bits(r).to_be_bytes());
            // Equal doubles: an integer and a real compare as integers
            // (a double this close to an integer's is that integer, or
            // the integer is beyond 2^53 and the double a whole number).
            out.extend_from_slice(&((r as i64 as u64) ^ (1 << 63)).to_be_bytes());
        }
        ValueRef::Text(text) => {
            out.push(2);
            write_bytes(out, text, fold_case);
        }
        ValueRef::Blob(blob) => {
            out.push(3);
            write_bytes(out, blob, false);
        }
    }
}

/// A double's bits, so that they compare as unsigned integers in the
/// double's order: negative ones inverted, positive ones with the sign set.
fn double_order_bits(value: f64) -> u64 {
    let bits = value.to_bits();
    if bits >> 63 == 1 {
        !bits
    } else {
        bits | (1 << 63)
    }
}

fn write_bytes(out: &mut Vec<u8>, bytes: &[u8], fold_case: bool) {
    for &byte in bytes {
        let byte = if fold_case {
            byte.to_ascii_lowercase()
        } else {
            byte
        };
        out.push(byte);
        if byte == 0 {
            out.push(0xFF);
        }
    }
    out.extend_from_slice(&[0, 0]);
}
