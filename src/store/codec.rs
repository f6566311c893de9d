//! How values are written in columns and read back: calendar dates as ISO
//! `YYYY-MM-DD`, instants as RFC 3339 UTC, choices as their codes. Every
//! row mapping reads through these, so a column holding something tend
//! never writes there is one kind of error everywhere (named by column,
//! never by the value, which may be patient data).

use chrono::{DateTime, NaiveDate, Utc};
use rusqlite::types::Type;
use rusqlite::Row;

pub(crate) use super::caseload::{parse_date, parse_instant};
pub(crate) use super::write::{date_text, utc_text};

/// A conversion failure for a column that does not hold what tend writes
/// there. It names the column, never the value.
pub(crate) fn unreadable(column: usize, what: &str) -> rusqlite::Error {
    rusqlite::Error::FromSqlConversionFailure(column, Type::Text, format!("not {what}").into())
}

pub(crate) fn opt_date(row: &Row<'_>, i: usize) -> rusqlite::Result<Option<NaiveDate>> {
    match row.get::<_, Option<String>>(i)? {
        None => Ok(None),
        Some(text) => parse_date(&text)
            .map(Some)
            .ok_or_else(|| unreadable(i, "a date")),
    }
}

pub(crate) fn date(row: &Row<'_>, i: usize) -> rusqlite::Result<NaiveDate> {
    opt_date(row, i)?.ok_or_else(|| unreadable(i, "a date"))
}

pub(crate) fn opt_instant(row: &Row<'_>, i: usize) -> rusqlite::Result<Option<DateTime<Utc>>> {
    match row.get::<_, Option<String>>(i)? {
        None => Ok(None),
        Some(text) => parse_instant(&text)
            .map(Some)
            .ok_or_else(|| unreadable(i, "an RFC 3339 instant")),
    }
}

pub(crate) fn instant(row: &Row<'_>, i: usize) -> rusqlite::Result<DateTime<Utc>> {
    opt_instant(row, i)?.ok_or_else(|| unreadable(i, "an RFC 3339 instant"))
}

/// A choice stored as its code, read back with the choice's `from_code`.
pub(crate) fn code<T>(
    row: &Row<'_>,
    i: usize,
    from_code: fn(&str) -> Option<T>,
) -> rusqlite::Result<T> {
    let text: String = row.get(i)?;
    from_code(&text).ok_or_else(|| unreadable(i, "one of tend's codes"))
}
