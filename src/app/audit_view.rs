//! The audit view on the screen (`:audit`, and an auditor's screen from the
//! start): the newest rows of the audit trail, filtered by user, member,
//! action and days, for those whose role reads the trail. Reading it is
//! itself a row of the trail.

use chrono::NaiveDate;

use super::overlays::Overlay;
use super::{App, Message};
use crate::domain::role::Right;
use crate::store::{AuditAction, AuditFilter, StoreError};
use crate::text::fit;

/// The most rows the view reads: the newest, as a supervisor scrolls from
/// the top; `tend audit export` writes every one.
pub const AUDIT_VIEW_ROWS: usize = 500;

/// What `:audit` asks for, word by word.
#[derive(Debug, Default, PartialEq, Eq)]
pub struct AuditWords {
    pub user: Option<String>,
    pub member: Option<String>,
    pub action: Option<AuditAction>,
    pub from: Option<NaiveDate>,
    pub to: Option<NaiveDate>,
}

/// The filter's words, `user:LOGIN member:ID action:read from:DATE
/// to:DATE`, any of them; a word that is none of these is named.
pub fn parse(words: &str) -> Result<AuditWords, String> {
    let mut asked = AuditWords::default();
    let date = |key: &str, value: &str| {
        NaiveDate::parse_from_str(value, "%Y-%m-%d")
            .map_err(|_| format!("{key}:{} is not a date (YYYY-MM-DD)", fit(value, 12)))
    };
    for word in words.split_whitespace() {
        match word.split_once(':') {
            Some(("user", v)) if !v.is_empty() => asked.user = Some(v.to_string()),
            Some(("member", v)) if !v.is_empty() => asked.member = Some(v.to_string()),
            Some(("action", v)) => {
                asked.action = Some(AuditAction::from_word(v).ok_or_else(|| {
                    format!(
                        "action:{} is not one: create, read, update, delete or execute",
                        fit(v, 12)
                    )
                })?)
            }
            Some(("from", v)) => asked.from = Some(date("from", v)?),
            Some(("to", v)) => asked.to = Some(date("to", v)?),
            _ => {
                return Err(format!(
                    "{:?} is not a filter: user:LOGIN member:ID action:read from:DATE to:DATE",
                    fit(word, 20)
                ))
            }
        }
    }
    Ok(asked)
}

impl App {
    /// `:audit WORDS`: the trail's newest rows through the filter.
    pub(super) fn open_audit(&mut self, words: &str) -> Result<(), StoreError> {
        self.store.require(Right::ReadAudit)?;
        let asked = match parse(words) {
            Ok(asked) => asked,
            Err(problem) => {
                self.message = Some(Message::Error(problem));
                return Ok(());
            }
        };
        let patient_id = match &asked.member {
            None => None,
            Some(member) => match self.store.any_patient_id_by_member(member)? {
                Some(id) => Some(id),
                None => {
                    self.message = Some(Message::Error(format!(
                        "No patient has the member ID {}",
                        fit(member, 20)
                    )));
                    return Ok(());
                }
            },
        };
        let clock = self.store.clock();
        let filter = AuditFilter {
            agent: asked.user,
            patient_id,
            action: asked.action,
            from: asked.from.and_then(|d| clock.start_of(d)),
            until: asked
                .to
                .and_then(|d| d.succ_opt())
                .and_then(|d| clock.start_of(d)),
        };
        let rows = self
            .store
            .latest_audit_rows_audited(&filter, AUDIT_VIEW_ROWS)?;
        self.message = Some(Message::Info(match rows.len() {
            0 => "No audit row matches".to_string(),
            AUDIT_VIEW_ROWS => {
                format!("The newest {AUDIT_VIEW_ROWS} rows; `tend audit export` writes them all")
            }
            1 => "1 audit row".to_string(),
            n => format!("{n} audit rows"),
        }));
        self.layers.show(Overlay::Audit {
            words: words.trim().to_string(),
            rows,
            selected: 0,
        });
        Ok(())
    }
}

/// An audit row's action as a word, each as wide as the widest: the
/// view's column.
pub fn action_word(action: AuditAction) -> &'static str {
    match action {
        AuditAction::Create => "create ",
        AuditAction::Read => "read   ",
        AuditAction::Update => "update ",
        AuditAction::Delete => "delete ",
        AuditAction::Execute => "execute",
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_filter_word_is_read_and_a_stray_one_named() {
        let asked =
            parse("user:ana member:SYN1 action:read from:2026-11-01 to:2026-11-30").unwrap();
        assert_eq!(asked.user.as_deref(), Some("ana"));
        assert_eq!(asked.member.as_deref(), Some("SYN1"));
        assert_eq!(asked.action, Some(AuditAction::Read));
        assert_eq!(asked.from, NaiveDate::from_ymd_opt(2026, 11, 1));
        assert_eq!(asked.to, NaiveDate::from_ymd_opt(2026, 11, 30));
        assert_eq!(parse("").unwrap(), AuditWords::default());
        assert!(parse("action:peek").unwrap_err().contains("is not one"));
        assert!(parse("from:yesterday").unwrap_err().contains("not a date"));
        assert!(parse("ana").unwrap_err().contains("is not a filter"));
    }
}
