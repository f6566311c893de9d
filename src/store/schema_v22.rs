//! Schema version 22, in a file of its own (see `schema` for the rest).

/// Version 22: where rows from other systems came from (issue 20).
///
/// `tend import fhir --member-id SYSTEM` takes FHIR from an EHR, an HIE or
/// a payer. Each row it writes or finds (a patient, a condition, a
/// medication, an allergy, a care team member, a goal, an encounter, a
/// measurement as a goal's progress) is linked here to the resource it
/// came from: the sending system (`source`), the resource's type and id (an
/// encounter keeps them as its feed key too, as an ADT message's visit
/// does). `sent` holds
/// the values the import last took from that resource, in the import's
/// own text form, so that the next import of it can tell three cases
/// apart: the system sends the same again (nothing changes), the system
/// changed it and tend's row is still as the import left it (the row is
/// updated), or a user of tend changed the row since (tend's row is kept,
/// and the import says so). A row removed in tend is not brought back.
pub(super) const V22: &str = "
CREATE TABLE import_source (
    source        TEXT NOT NULL,
    resource_type TEXT NOT NULL,
    resource_id   TEXT NOT NULL,
    row_table     TEXT NOT NULL
                  CHECK (row_table = 'patient' OR row_table = 'condition'
                         OR row_table = 'medication' OR row_table = 'allergy'
                         OR row_table = 'care_team_member' OR row_table = 'goal'
                         OR row_table = 'encounter' OR row_table = 'goal_progress'),
    row_id        INTEGER NOT NULL,
    sent          TEXT NOT NULL,
    PRIMARY KEY (source, resource_type, resource_id)
) WITHOUT ROWID;
CREATE INDEX import_source_by_row ON import_source (row_table, row_id);
";
