//! Schema version 18, in a file of its own (see `schema` for the rest).

/// Version 18: the team's day and a filter's first letters read from
/// indexes (issue 19).
///
/// At 1,000,000 patients the whole team's day (1.7 million open tasks due
/// within the week) was read whole to rank it and count it: 9 s each time
/// Today showed it. And a filter of one or two letters, which no trigram
/// can hold, was matched with `LIKE '%..%'` against every patient: 0.4 to
/// 2 s a letter. Now:
///
/// - `task_open_by_rank`: open tasks by what their urgency is made of
///   besides the date and the patient's risk (deadline, priority, kind),
///   then by due date. Within one such group a task due earlier is never
///   less urgent (see `domain::urgency`), so the day's head is a merge of
///   the groups' first rows (`store::team_day`), not a sort of all of them.
/// - `open_task_day`: how many open tasks fall due each day, of each kind,
///   kept by triggers on `task` in the statement that changes a task, so
///   the day's counts (overdue, today, upcoming) are a sum over its days
///   rather than a count of its tasks; filled here once.
/// - `patient_by_given_name`: with `patient_by_name`, a word of one or two
///   letters is the start of a family or a given name, two ranges of
///   indexes (`store::caseload`).
pub(super) const V18: &str = "
CREATE INDEX task_open_by_rank ON task (hard_deadline, priority, kind, due_on)
    WHERE status IN ('requested', 'in-progress');

CREATE INDEX patient_by_given_name ON patient (given_name COLLATE NOCASE);

CREATE TABLE open_task_day (
    due_on TEXT NOT NULL,     -- YYYY-MM-DD
    kind   TEXT NOT NULL,
    tasks  INTEGER NOT NULL CHECK (tasks >= 0),
    PRIMARY KEY (due_on, kind)
) WITHOUT ROWID;

-- From the index just made, which holds both columns: SQLite's own choice,
-- the open tasks' date index, looked up each task's kind in the table
-- (5.4 million reads across the file at 1,000,000 patients: minutes).
INSERT INTO open_task_day (due_on, kind, tasks)
SELECT due_on, kind, count(*) FROM task INDEXED BY task_open_by_rank
 WHERE status IN ('requested', 'in-progress') AND due_on IS NOT NULL
 GROUP BY due_on, kind;

CREATE TRIGGER task_open_day_insert AFTER INSERT ON task
    WHEN NEW.status IN ('requested', 'in-progress') AND NEW.due_on IS NOT NULL
BEGIN
    INSERT INTO open_task_day (due_on, kind, tasks) VALUES (NEW.due_on, NEW.kind, 1)
        ON CONFLICT (due_on, kind) DO UPDATE SET tasks = tasks + 1;
END;

CREATE TRIGGER task_open_day_delete AFTER DELETE ON task
    WHEN OLD.status IN ('requested', 'in-progress') AND OLD.due_on IS NOT NULL
BEGIN
    UPDATE open_task_day SET tasks = tasks - 1
     WHERE due_on = OLD.due_on AND kind = OLD.kind;
    DELETE FROM open_task_day
     WHERE due_on = OLD.due_on AND kind = OLD.kind AND tasks = 0;
END;

-- Out of the old day (if it was counted), into the new one (if it counts).
CREATE TRIGGER task_open_day_update AFTER UPDATE OF status, due_on, kind ON task
BEGIN
    UPDATE open_task_day SET tasks = tasks - 1
     WHERE due_on = OLD.due_on AND kind = OLD.kind
       AND OLD.status IN ('requested', 'in-progress');
    DELETE FROM open_task_day
     WHERE due_on = OLD.due_on AND kind = OLD.kind AND tasks = 0;
    INSERT INTO open_task_day (due_on, kind, tasks)
    SELECT NEW.due_on, NEW.kind, 1
     WHERE NEW.status IN ('requested', 'in-progress') AND NEW.due_on IS NOT NULL
        ON CONFLICT (due_on, kind) DO UPDATE SET tasks = tasks + 1;
END;
";

/// Open tasks whose day is not counted as `open_task_day` says, or counts
/// of days no open task falls on: for `tend check`. Said by day, never by
/// task or patient.
pub(super) fn open_task_day_problems(conn: &rusqlite::Connection) -> rusqlite::Result<Vec<String>> {
    let (wrong, first): (i64, Option<String>) = conn.query_row(
        "WITH counted AS (
             SELECT due_on, kind, count(*) AS tasks FROM task
              WHERE status IN ('requested', 'in-progress') AND due_on IS NOT NULL
              GROUP BY due_on, kind),
         differ AS (
             SELECT c.due_on FROM counted c
               LEFT JOIN open_task_day d ON d.due_on = c.due_on AND d.kind = c.kind
              WHERE d.tasks IS NOT c.tasks
             UNION ALL
             SELECT d.due_on FROM open_task_day d
               LEFT JOIN counted c ON c.due_on = d.due_on AND c.kind = d.kind
              WHERE c.tasks IS NULL AND d.tasks != 0)
         SELECT count(*), min(due_on) FROM differ",
        [],
        |r| Ok((r.get(0)?, r.get(1)?)),
    )?;
    Ok(first
        .map(|first| {
            format!(
                "open_task_day: {wrong} kept counts of open tasks (by day and kind) are not \
                 the tasks' (first: {first}); Today's counts of the whole team are wrong"
            )
        })
        .into_iter()
        .collect())
}
