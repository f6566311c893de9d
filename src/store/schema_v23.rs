//! Schema version 23, in a file of its own (see `schema` for the rest).

/// Version 23: a care plan's activities from other systems (issue 20).
///
/// `tend import fhir --member-id SYSTEM` now reads a CarePlan's activities
/// into tasks of the patient (interventions of the goals they serve), each
/// linked to its plan and activity like every other imported row, so the
/// links may name a task. SQLite cannot change a CHECK in place: the table
/// is made again with the wider one and its rows copied over.
pub(super) const V23: &str = "
CREATE TABLE import_source_v23 (
    source        TEXT NOT NULL,
    resource_type TEXT NOT NULL,
    resource_id   TEXT NOT NULL,
    row_table     TEXT NOT NULL
                  CHECK (row_table = 'patient' OR row_table = 'condition'
                         OR row_table = 'medication' OR row_table = 'allergy'
                         OR row_table = 'care_team_member' OR row_table = 'goal'
                         OR row_table = 'encounter' OR row_table = 'goal_progress'
                         OR row_table = 'task'),
    row_id        INTEGER NOT NULL,
    sent          TEXT NOT NULL,
    PRIMARY KEY (source, resource_type, resource_id)
) WITHOUT ROWID;
INSERT INTO import_source_v23 SELECT source, resource_type, resource_id, row_table, row_id, sent
  FROM import_source;
DROP TABLE import_source;
ALTER TABLE import_source_v23 RENAME TO import_source;
CREATE INDEX import_source_by_row ON import_source (row_table, row_id);
";

#[cfg(test)]
mod tests {
    use super::super::schema::MIGRATIONS;

    #[test]
    fn a_version_22_file_keeps_its_links_and_may_link_tasks() {
        let dir = tempfile::tempdir().unwrap();
        let mut conn = rusqlite::Connection::open(dir.path().join("v22.db")).unwrap();
        let by = super::super::schema::Upgrade {
            agent: "test",
            now: chrono::DateTime::UNIX_EPOCH,
        };
        let tx = conn.transaction().unwrap();
        for step in &MIGRATIONS[..22] {
            step.apply(&tx, &by).unwrap();
        }
        tx.execute(
            "INSERT INTO import_source VALUES ('urn:x', 'Goal', 'g1', 'goal', 7, '[]')",
            [],
        )
        .unwrap();
        let task = "INSERT INTO import_source VALUES ('urn:x', 'CarePlan activity', 'p#a', 'task', 9, '[]')";
        assert!(tx.execute(task, []).is_err(), "version 22 links no task");
        MIGRATIONS[22].apply(&tx, &by).unwrap();
        tx.execute(task, []).unwrap();
        let rows: Vec<String> = tx
            .prepare("SELECT resource_id || '|' || row_table || '|' || row_id FROM import_source ORDER BY 1")
            .unwrap()
            .query_map([], |r| r.get(0))
            .unwrap()
            .map(Result::unwrap)
            .collect();
        assert_eq!(rows, ["g1|goal|7", "p#a|task|9"]);
        let plan: String = tx
            .query_row(
                "EXPLAIN QUERY PLAN SELECT 1 FROM import_source WHERE row_table = 'task' AND row_id = 9",
                [],
                |r| r.get(3),
            )
            .unwrap();
        assert!(plan.contains("import_source_by_row"), "{plan}");
    }
}
