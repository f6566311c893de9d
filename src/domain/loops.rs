//! What the closed loops share (issue 17): referrals
//! ([`super::referral`]), appointments ([`super::appointment`]) and prior
//! authorizations ([`super::authorization`]) each move through a closed list
//! of statuses, refuse a move their loop does not allow with a sentence
//! saying why, and name the one task that follows each open status.

use chrono::NaiveDate;

use super::task::TaskKind;

/// The task that follows a loop's open status: what to do, by when, and
/// which kind of task it is.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct NextStep {
    pub title: String,
    pub due: NaiveDate,
    pub kind: TaskKind,
    /// Set by a rule with a legal deadline (an appeal's filing limit), as
    /// opposed to a coordinator's own target.
    pub hard_deadline: bool,
}

impl NextStep {
    pub(crate) fn new(title: &str, due: NaiveDate, kind: TaskKind) -> NextStep {
        NextStep {
            title: title.to_string(),
            due,
            kind,
            hard_deadline: false,
        }
    }
}

/// A move, or an action, the loop does not allow, with the reason in a
/// sentence shown to the coordinator as it is.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("{0}")]
pub struct MoveRefused(pub String);

impl MoveRefused {
    pub(crate) fn new(reason: impl Into<String>) -> MoveRefused {
        MoveRefused(reason.into())
    }
}

/// `[loops]` in config.toml: how long each loop waits before its follow-up
/// task is due.
#[derive(Debug, Clone, PartialEq, Eq, serde::Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct LoopSettings {
    /// Business days a sent referral waits for the receiver's answer before
    /// a task to chase it is due (1 to 30).
    pub no_response_business_days: u32,
    /// Calendar days before an appointment its reminder is due (0 to 30;
    /// 0: on the day).
    pub reminder_days_before: u32,
    /// Business days a submitted prior authorization waits for the payer's
    /// decision before a task to follow up is due (1 to 30).
    pub pending_business_days: u32,
    /// Calendar days before an approval ends its renewal is due (1 to 365).
    pub renewal_days_before: u32,
    /// Calendar days from a denial notice to file an appeal (1 to 365; 60
    /// by 42 CFR 438.402(c)(2)(ii), see [`super::authorization::appeal_due`]).
    pub appeal_days: u32,
}

impl Default for LoopSettings {
    fn default() -> Self {
        LoopSettings {
            no_response_business_days: 5,
            reminder_days_before: 2,
            pending_business_days: 5,
            renewal_days_before: 30,
            appeal_days: 60,
        }
    }
}

impl LoopSettings {
    /// Refuses a value out of its range: its key in `[loops]`, and the
    /// sentence saying what is allowed.
    pub fn check(&self) -> Result<(), (&'static str, String)> {
        let ranges: [(&str, u32, u32, u32, &str); 5] = [
            (
                "no_response_business_days",
                self.no_response_business_days,
                1,
                30,
                "business days",
            ),
            (
                "reminder_days_before",
                self.reminder_days_before,
                0,
                30,
                "days",
            ),
            (
                "pending_business_days",
                self.pending_business_days,
                1,
                30,
                "business days",
            ),
            (
                "renewal_days_before",
                self.renewal_days_before,
                1,
                365,
                "days",
            ),
            ("appeal_days", self.appeal_days, 1, 365, "days"),
        ];
        for (key, value, low, high, unit) in ranges {
            if !(low..=high).contains(&value) {
                return Err((
                    key,
                    format!("[loops] {key} must be from {low} to {high} {unit}; it is {value}"),
                ));
            }
        }
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn defaults_are_the_issues_and_pass_their_check() {
        let s = LoopSettings::default();
        assert_eq!(s.no_response_business_days, 5);
        assert_eq!(s.reminder_days_before, 2);
        assert_eq!(s.pending_business_days, 5);
        assert_eq!(s.renewal_days_before, 30);
        assert_eq!(s.appeal_days, 60);
        assert_eq!(s.check(), Ok(()));
    }

    #[test]
    fn reads_from_toml_with_defaults_and_refuses_unknown_keys() {
        let s: LoopSettings = toml::from_str("appeal_days = 90").unwrap();
        assert_eq!(s.appeal_days, 90);
        assert_eq!(s.pending_business_days, 5);
        let err = toml::from_str::<LoopSettings>("appeal_day = 90").unwrap_err();
        assert!(
            err.to_string().contains("unknown field `appeal_day`"),
            "{err}"
        );
    }

    #[test]
    fn check_names_the_key_out_of_range() {
        let refused = |s: LoopSettings| s.check().unwrap_err().1;
        assert_eq!(
            refused(LoopSettings {
                no_response_business_days: 0,
                ..LoopSettings::default()
            }),
            "[loops] no_response_business_days must be from 1 to 30 business days; it is 0"
        );
        assert_eq!(
            refused(LoopSettings {
                pending_business_days: 31,
                ..LoopSettings::default()
            }),
            "[loops] pending_business_days must be from 1 to 30 business days; it is 31"
        );
        assert_eq!(
            refused(LoopSettings {
                reminder_days_before: 31,
                ..LoopSettings::default()
            }),
            "[loops] reminder_days_before must be from 0 to 30 days; it is 31"
        );
        assert_eq!(
            refused(LoopSettings {
                renewal_days_before: 0,
                ..LoopSettings::default()
            }),
            "[loops] renewal_days_before must be from 1 to 365 days; it is 0"
        );
        assert_eq!(
            refused(LoopSettings {
                appeal_days: 366,
                ..LoopSettings::default()
            }),
            "[loops] appeal_days must be from 1 to 365 days; it is 366"
        );
        // The ends of each range are allowed.
        let ends = LoopSettings {
            no_response_business_days: 30,
            reminder_days_before: 0,
            pending_business_days: 1,
            renewal_days_before: 365,
            appeal_days: 1,
        };
        assert_eq!(ends.check(), Ok(()));
    }
}
