//! Plain types and rules of care coordination: no I/O, no SQL, no drawing.

pub mod appointment;
pub mod authorization;
pub mod business_days;
pub mod care_plan;
pub mod choice;
pub mod clinical;
pub mod dates;
pub mod directory;
pub mod encounter;
pub mod goal;
pub mod instrument;
pub mod language;
pub mod loops;
pub mod names;
pub mod need_taxonomy;
pub mod note;
pub mod patient;
pub mod recurrence;
pub mod referral;
pub mod role;
pub mod roster;
pub mod screening;
pub mod task;
pub mod task_line;
pub mod transitions;
pub mod urgency;

/// Whole days from `from` to `to` (negative when `to` is earlier).
pub fn days_between(from: chrono::NaiveDate, to: chrono::NaiveDate) -> i64 {
    (to - from).num_days()
}
