//! Schema version 17, in a file of its own (see `schema` for the rest).

/// Version 17: every link from a record to its patient or its goal can be
/// followed by an index (issue 19).
///
/// At 1,000,000 patients (18 million tasks) two reads walked the whole
/// task table: a goal's interventions (`task.goal_id`), read for each goal
/// the goals pane and the care plan show, 2.6 s a goal; and all of a
/// patient's tasks, closed ones too (`task.patient_id`: the index there
/// holds open tasks only), read by `tend export fhir`, 8.9 s a patient.
/// The same walk ran for each foreign key SQLite checks when a goal or a
/// patient row is deleted. The links that had no index are given one;
/// where the link is mostly empty, the index holds only the rows that have
/// it. `tests/record_links.rs` keeps it so for every table.
pub(super) const V17: &str = "
CREATE INDEX task_by_patient ON task (patient_id);
CREATE INDEX task_by_goal ON task (goal_id) WHERE goal_id IS NOT NULL;
CREATE INDEX patient_flag_of_patient ON patient_flag (patient_id);
CREATE INDEX glass_by_patient ON glass (patient_id);
CREATE INDEX adt_message_by_patient ON adt_message (patient_id) WHERE patient_id IS NOT NULL;
CREATE INDEX referral_by_goal ON referral (goal_id) WHERE goal_id IS NOT NULL;
";
