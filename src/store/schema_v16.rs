//! Schema version 16, in a file of its own (see `schema` for the rest).

/// The trigger that moves a patient's next due date earlier as an open task
/// is added, by name, because a bulk load ([`super::Tx::bulk_load`]) takes
/// it off and fills the dates once at its end (see `NEXT_DUE_FILL`).
macro_rules! next_due_insert_trigger {
    () => {
        "CREATE TRIGGER task_next_due_insert AFTER INSERT ON task
    WHEN NEW.status IN ('requested', 'in-progress') AND NEW.due_on IS NOT NULL
BEGIN
    UPDATE patient SET next_due = NEW.due_on
     WHERE id = NEW.patient_id AND (next_due IS NULL OR next_due > NEW.due_on);
END;
"
    };
}

/// The insert trigger, to put back after a bulk load.
pub(crate) const NEXT_DUE_INSERT_TRIGGER: &str = next_due_insert_trigger!();

/// After a bulk load: the next due date of every patient given a task by
/// it (tasks with ids above `?1`), from their open tasks.
pub(crate) const NEXT_DUE_FILL: &str = "
UPDATE patient SET next_due = (
    SELECT min(t.due_on) FROM task t
     WHERE t.patient_id = patient.id AND t.status IN ('requested', 'in-progress'))
 WHERE id IN (SELECT patient_id FROM task WHERE id > ?1)";

/// Version 16: every caseload order served by an index (issue 19).
///
/// At 1,000,000 patients the team's caseload sorted by anything but name
/// was sorted whole for each window (a temporary B-tree spilling to disk),
/// and sorting by next due ran a subquery for every patient first: 1 to
/// 10 s a key. Now:
///
/// - `patient.next_due`: the earliest due date of the patient's open
///   tasks, kept by triggers on `task` in the statement that changes a
///   task, so it cannot drift from the tasks; filled here once, from the
///   open tasks' index.
/// - An index for each order, ending in the names the orders break ties
///   with (and the rowid, which every index holds): a window is a walk
///   along one of them, and a position a count along it.
///
/// The orders are the caseload's (`store::caseload`), and each index's
/// lead is never NULL, so that a window can seek along it with one range
/// (NULL compares as neither greater nor less): last contact puts
/// never-contacted patients first, read as the empty text, before any
/// time; next due puts patients without an open dated task last, read as
/// '9999-99-99', after every date.
pub(super) const V16: &str = concat!(
    "
ALTER TABLE patient ADD COLUMN next_due TEXT;  -- YYYY-MM-DD, kept by triggers

UPDATE patient SET next_due = (
    SELECT min(t.due_on) FROM task t
     WHERE t.patient_id = patient.id AND t.status IN ('requested', 'in-progress'));

",
    next_due_insert_trigger!(),
    "

CREATE TRIGGER task_next_due_update AFTER UPDATE OF status, due_on, patient_id ON task
BEGIN
    UPDATE patient SET next_due = (
        SELECT min(t.due_on) FROM task t
         WHERE t.patient_id = OLD.patient_id AND t.status IN ('requested', 'in-progress'))
     WHERE id = OLD.patient_id;
    UPDATE patient SET next_due = (
        SELECT min(t.due_on) FROM task t
         WHERE t.patient_id = NEW.patient_id AND t.status IN ('requested', 'in-progress'))
     WHERE id = NEW.patient_id AND NEW.patient_id IS NOT OLD.patient_id;
END;

CREATE TRIGGER task_next_due_delete AFTER DELETE ON task
BEGIN
    UPDATE patient SET next_due = (
        SELECT min(t.due_on) FROM task t
         WHERE t.patient_id = OLD.patient_id AND t.status IN ('requested', 'in-progress'))
     WHERE id = OLD.patient_id;
END;

CREATE INDEX patient_by_risk
    ON patient (risk_tier DESC, family_name COLLATE NOCASE, given_name COLLATE NOCASE);
CREATE INDEX patient_by_contact
    ON patient (coalesce(last_contact_at, ''), family_name COLLATE NOCASE, given_name COLLATE NOCASE);
CREATE INDEX patient_by_next_due
    ON patient (coalesce(next_due, '9999-99-99'), family_name COLLATE NOCASE, given_name COLLATE NOCASE);
"
);
