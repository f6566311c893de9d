//! The schema, as an ordered list of migrations.
//!
//! `PRAGMA user_version` holds the number of migrations applied. Each migration
//! runs once, in order, inside the transaction that opens the store. Append new
//! migrations; never edit one that has shipped.

/// Migration `i` (0-based) takes the schema from version `i` to `i + 1`.
/// The search indexes' insert triggers, by name, because a bulk load
/// ([`super::Tx::bulk_load`]) takes them off and puts them back exactly.
macro_rules! communication_fts_insert_trigger {
    () => {
        "CREATE TRIGGER communication_fts_insert AFTER INSERT ON communication
    WHEN NEW.status = 'completed'
BEGIN
    INSERT INTO communication_fts (rowid, body) VALUES (NEW.id, NEW.body);
END;
"
    };
}
macro_rules! patient_name_index_insert_trigger {
    () => {
        "CREATE TRIGGER patient_name_index_insert AFTER INSERT ON patient BEGIN
    INSERT INTO patient_name_index (rowid, family_name, given_name, member_id)
        VALUES (NEW.id, NEW.family_name, NEW.given_name, NEW.member_id);
END;
"
    };
}

/// Both insert triggers, to put back after a bulk load.
pub(crate) const SEARCH_INDEX_INSERT_TRIGGERS: &str = concat!(
    communication_fts_insert_trigger!(),
    patient_name_index_insert_trigger!()
);

/// One step of the schema's history: SQL, or code where SQL cannot say it.
#[derive(Clone, Copy)]
pub enum Migration {
    Sql(&'static str),
    Code(fn(&rusqlite::Transaction<'_>) -> rusqlite::Result<()>),
    /// Code that writes to the audit trail, which needs who is upgrading
    /// the file and when.
    Audited(fn(&rusqlite::Transaction<'_>, &Upgrade<'_>) -> rusqlite::Result<()>),
}

/// Who upgrades the file, and when: for the audit rows a migration writes.
pub struct Upgrade<'a> {
    pub agent: &'a str,
    pub now: chrono::DateTime<chrono::Utc>,
}

impl Migration {
    pub fn apply(&self, tx: &rusqlite::Transaction<'_>, by: &Upgrade<'_>) -> rusqlite::Result<()> {
        match self {
            Migration::Sql(sql) => tx.execute_batch(sql),
            Migration::Code(step) => step(tx),
            Migration::Audited(step) => step(tx, by),
        }
    }
}

use super::schema_rewrite::{in_list_as_or_chain, rewrite_tables, without_not_null};

pub const MIGRATIONS: &[Migration] = &[
    Migration::Sql(V1),
    Migration::Sql(V2),
    Migration::Sql(V3),
    Migration::Sql(V4),
    Migration::Code(v5_checks_without_in_lists),
    Migration::Sql(V6),
    Migration::Code(v7_draft_header_may_be_unchosen),
    Migration::Audited(super::chain::v8_audit_chain),
    Migration::Sql(V9),
    Migration::Sql(V10),
    Migration::Sql(super::schema_v11::V11),
    Migration::Sql(super::schema_v12::V12),
    Migration::Sql(super::schema_v13::V13),
    Migration::Code(super::schema_v14::v14),
    Migration::Sql(super::schema_v15::V15),
    Migration::Sql(super::schema_v16::V16),
    Migration::Sql(super::schema_v17::V17),
    Migration::Sql(super::schema_v18::V18),
    Migration::Sql(super::schema_v19::V19),
    Migration::Code(super::schema_v20::v20),
    Migration::Sql(super::schema_v21::V21),
    Migration::Sql(super::schema_v22::V22),
    Migration::Sql(super::schema_v23::V23),
];

/// The schema version this build of tend writes.
pub const LATEST: i64 = MIGRATIONS.len() as i64;

/// Version 10: a team on one server. Each user's role and whether they may
/// still sign in; teams and who is in them; who covers whom, from when to
/// when; and each record opened by breaking the glass, with its reason and
/// its review. A database where nobody has a role yet is one person's own
/// (see `store::access_scope`).
const V10: &str = "
ALTER TABLE practitioner ADD COLUMN role TEXT
    CHECK (role IS NULL OR role = 'coordinator' OR role = 'supervisor'
           OR role = 'auditor' OR role = 'admin');
ALTER TABLE practitioner ADD COLUMN active INTEGER NOT NULL DEFAULT 1
    CHECK (active = 0 OR active = 1);

CREATE TABLE team (
    id   INTEGER PRIMARY KEY,
    name TEXT NOT NULL UNIQUE COLLATE NOCASE
);

CREATE TABLE team_member (
    practitioner_id INTEGER NOT NULL REFERENCES practitioner(id),
    team_id         INTEGER NOT NULL REFERENCES team(id),
    PRIMARY KEY (practitioner_id, team_id)
) WITHOUT ROWID;
CREATE INDEX team_member_by_team ON team_member (team_id, practitioner_id);

-- 'covering' works 'covered''s patients and tasks from starts_on to
-- ends_on (local dates, both included); it ends by itself.
CREATE TABLE coverage (
    id          INTEGER PRIMARY KEY,
    covering_id INTEGER NOT NULL REFERENCES practitioner(id),
    covered_id  INTEGER NOT NULL REFERENCES practitioner(id),
    starts_on   TEXT NOT NULL,   -- YYYY-MM-DD
    ends_on     TEXT NOT NULL,   -- YYYY-MM-DD
    CHECK (covering_id != covered_id),
    CHECK (starts_on <= ends_on)
);
CREATE INDEX coverage_by_covering ON coverage (covering_id, ends_on);

-- A patient outside the user's reach, opened for a stated reason; in reach
-- for that user until 'until'. Listed for review until a supervisor (or an
-- admin) reviews it.
CREATE TABLE glass (
    id              INTEGER PRIMARY KEY,
    practitioner_id INTEGER NOT NULL REFERENCES practitioner(id),
    patient_id      INTEGER NOT NULL REFERENCES patient(id),
    reason          TEXT NOT NULL,
    opened_at       TEXT NOT NULL,   -- UTC RFC 3339
    until           TEXT NOT NULL,   -- UTC RFC 3339
    reviewed_by     INTEGER REFERENCES practitioner(id),
    reviewed_at     TEXT,
    review_note     TEXT
);
CREATE INDEX glass_by_practitioner ON glass (practitioner_id, until);
CREATE INDEX glass_unreviewed ON glass (opened_at) WHERE reviewed_at IS NULL;
";

/// Version 9: the screen's lock. Each user's unlock passphrase, as an
/// Argon2id hash (PHC string), never the passphrase.
const V9: &str = "
CREATE TABLE unlock_secret (
    username TEXT PRIMARY KEY,
    phc      TEXT NOT NULL,
    set_at   TEXT NOT NULL  -- UTC RFC 3339
);
";

/// Version 1: the foundation. Table names follow FHIR R4 resources.
const V1: &str = r#"
-- Care coordinators and other staff who own work (FHIR Practitioner).
CREATE TABLE practitioner (
    id           INTEGER PRIMARY KEY,
    username     TEXT NOT NULL UNIQUE,
    display_name TEXT NOT NULL
);

-- Members of the program (FHIR Patient).
CREATE TABLE patient (
    id                 INTEGER PRIMARY KEY,
    member_id          TEXT NOT NULL UNIQUE,
    family_name        TEXT NOT NULL,
    given_name         TEXT NOT NULL,
    birth_date         TEXT NOT NULL,            -- YYYY-MM-DD
    sex                TEXT NOT NULL DEFAULT 'unknown'
                       CHECK (sex IN ('female', 'male', 'other', 'unknown')),
    language           TEXT NOT NULL DEFAULT 'en', -- BCP 47 tag
    interpreter_needed INTEGER NOT NULL DEFAULT 0 CHECK (interpreter_needed IN (0, 1)),
    phone_primary      TEXT,
    phone_secondary    TEXT,
    medicaid_id        TEXT,
    plan_name          TEXT,
    enrollment_status  TEXT NOT NULL
                       CHECK (enrollment_status IN ('outreach', 'enrolled', 'disenrolled')),
    enrolled_on        TEXT,                     -- YYYY-MM-DD
    risk_tier          INTEGER NOT NULL CHECK (risk_tier BETWEEN 1 AND 4),
    coordinator_id     INTEGER REFERENCES practitioner(id),
    -- The last completed contact (a Communication that reached someone), UTC
    -- RFC 3339. Kept by the store in the transaction that adds the contact, so
    -- the caseload can sort on it without scanning every note.
    last_contact_at    TEXT
);
CREATE INDEX patient_by_coordinator_name
    ON patient (coordinator_id, family_name COLLATE NOCASE, given_name COLLATE NOCASE);
CREATE INDEX patient_by_name
    ON patient (family_name COLLATE NOCASE, given_name COLLATE NOCASE);
CREATE INDEX patient_by_coordinator_risk ON patient (coordinator_id, risk_tier);
CREATE INDEX patient_by_coordinator_contact ON patient (coordinator_id, last_contact_at);

-- Diagnoses and problems (FHIR Condition).
CREATE TABLE condition (
    id              INTEGER PRIMARY KEY,
    patient_id      INTEGER NOT NULL REFERENCES patient(id) ON DELETE CASCADE,
    code            TEXT,                        -- ICD-10-CM, when known
    display         TEXT NOT NULL,
    clinical_status TEXT NOT NULL DEFAULT 'active'
                    CHECK (clinical_status IN ('active', 'recurrence', 'relapse',
                                               'inactive', 'remission', 'resolved')),
    onset_date      TEXT
);
CREATE INDEX condition_by_patient ON condition (patient_id);

-- The people around the patient (FHIR CareTeam.participant).
CREATE TABLE care_team_member (
    id           INTEGER PRIMARY KEY,
    patient_id   INTEGER NOT NULL REFERENCES patient(id) ON DELETE CASCADE,
    role         TEXT NOT NULL,
    name         TEXT NOT NULL,
    organization TEXT,
    phone        TEXT
);
CREATE INDEX care_team_member_by_patient ON care_team_member (patient_id);

-- Care-plan goals (FHIR Goal).
CREATE TABLE goal (
    id               INTEGER PRIMARY KEY,
    patient_id       INTEGER NOT NULL REFERENCES patient(id) ON DELETE CASCADE,
    description      TEXT NOT NULL,
    lifecycle_status TEXT NOT NULL
                     CHECK (lifecycle_status IN ('proposed', 'active', 'on-hold',
                                                 'completed', 'cancelled')),
    start_date       TEXT,
    target_date      TEXT
);
CREATE INDEX goal_by_patient ON goal (patient_id, target_date);

-- Work to do (FHIR Task).
CREATE TABLE task (
    id            INTEGER PRIMARY KEY,
    patient_id    INTEGER NOT NULL REFERENCES patient(id) ON DELETE CASCADE,
    owner_id      INTEGER REFERENCES practitioner(id),
    kind          TEXT NOT NULL
                  CHECK (kind IN ('call', 'follow-up', 'referral', 'appointment',
                                  'care-plan-review', 'admin', 'other')),
    description   TEXT NOT NULL,
    status        TEXT NOT NULL
                  CHECK (status IN ('requested', 'in-progress', 'completed', 'cancelled')),
    priority      TEXT NOT NULL DEFAULT 'routine'
                  CHECK (priority IN ('routine', 'urgent', 'asap', 'stat')),
    due_on        TEXT,                          -- YYYY-MM-DD
    hard_deadline INTEGER NOT NULL DEFAULT 0 CHECK (hard_deadline IN (0, 1)),
    authored_at   TEXT NOT NULL,                 -- UTC RFC 3339
    completed_at  TEXT
);
-- Open tasks by owner and due date: today's list.
CREATE INDEX task_open_by_owner ON task (owner_id, due_on)
    WHERE status IN ('requested', 'in-progress');
-- Open tasks by patient and due date: a patient's tasks and the caseload's "next due".
CREATE INDEX task_open_by_patient ON task (patient_id, due_on)
    WHERE status IN ('requested', 'in-progress');

-- Notes of contacts and attempts (FHIR Communication).
CREATE TABLE communication (
    id               INTEGER PRIMARY KEY,
    patient_id       INTEGER NOT NULL REFERENCES patient(id) ON DELETE CASCADE,
    author_id        INTEGER REFERENCES practitioner(id),
    sent_at          TEXT NOT NULL,              -- UTC RFC 3339
    medium           TEXT NOT NULL,
    direction        TEXT NOT NULL CHECK (direction IN ('outbound', 'inbound')),
    recipient        TEXT NOT NULL,
    outcome          TEXT NOT NULL,
    duration_minutes INTEGER,
    body             TEXT NOT NULL
);
CREATE INDEX communication_by_patient ON communication (patient_id, sent_at);

-- Who did what to which record, and when (FHIR AuditEvent). No foreign keys:
-- the trail must outlive the rows it describes.
CREATE TABLE audit_event (
    id          INTEGER PRIMARY KEY,
    recorded_at TEXT NOT NULL,                   -- UTC RFC 3339
    agent       TEXT NOT NULL,                   -- the user's name
    action      TEXT NOT NULL CHECK (action IN ('C', 'R', 'U', 'D', 'E')),
    entity_type TEXT NOT NULL,
    entity_id   INTEGER,
    patient_id  INTEGER,
    detail      TEXT
);
CREATE INDEX audit_event_by_patient ON audit_event (patient_id, recorded_at);
"#;

/// Version 2: triage. Tasks keep the outcome of their completion, a repeat
/// rule and the occurrence they follow, and a version that every change
/// bumps, so that an action on a task another session changed meanwhile is
/// refused rather than overwriting it.
const V2: &str = r#"
ALTER TABLE task ADD COLUMN outcome TEXT;
ALTER TABLE task ADD COLUMN recurrence TEXT;           -- '14d', '2w', '1m'
ALTER TABLE task ADD COLUMN previous_id INTEGER REFERENCES task(id);
ALTER TABLE task ADD COLUMN version INTEGER NOT NULL DEFAULT 1;
ALTER TABLE task ADD COLUMN updated_at TEXT;           -- UTC RFC 3339
-- Open tasks by due date across all owners: the team's day.
CREATE INDEX task_open_by_due ON task (due_on)
    WHERE status IN ('requested', 'in-progress');
CREATE INDEX task_by_previous ON task (previous_id);
"#;

/// Version 3: notes. A note is a draft (`preparation`) until its author
/// signs it (`completed`); a signed note can be neither changed nor deleted,
/// by tend or by anything else writing to the file, and corrections are
/// addenda that point to it (`part_of`). Signed notes' text is indexed for
/// full-text search, in the same transaction that signs them.
const V3: &str = concat!(
    r#"
ALTER TABLE communication ADD COLUMN status TEXT NOT NULL DEFAULT 'completed'
    CHECK (status IN ('preparation', 'completed'));
ALTER TABLE communication ADD COLUMN started_at TEXT;   -- when the editor opened
ALTER TABLE communication ADD COLUMN signed_at TEXT;    -- UTC RFC 3339
ALTER TABLE communication ADD COLUMN updated_at TEXT;
ALTER TABLE communication ADD COLUMN part_of INTEGER REFERENCES communication(id);
-- Bumped by every save of a draft, so two windows never overwrite each other.
ALTER TABLE communication ADD COLUMN version INTEGER NOT NULL DEFAULT 1;
UPDATE communication SET signed_at = sent_at, started_at = sent_at;

-- One draft per author and patient.
CREATE UNIQUE INDEX communication_one_draft ON communication (author_id, patient_id)
    WHERE status = 'preparation';
CREATE INDEX communication_by_part_of ON communication (part_of);

CREATE TRIGGER communication_signed_is_final BEFORE UPDATE ON communication
    WHEN OLD.status = 'completed'
BEGIN
    SELECT RAISE(ABORT, 'a signed note cannot be changed; add an addendum');
END;
-- INSERT OR REPLACE would delete a signed note without its DELETE trigger.
CREATE TRIGGER communication_signed_is_not_replaced BEFORE INSERT ON communication
    WHEN EXISTS (SELECT 1 FROM communication WHERE id = NEW.id AND status = 'completed')
BEGIN
    SELECT RAISE(ABORT, 'a signed note cannot be replaced');
END;
CREATE TRIGGER communication_signed_is_kept BEFORE DELETE ON communication
    WHEN OLD.status = 'completed'
BEGIN
    SELECT RAISE(ABORT, 'a signed note cannot be deleted');
END;

CREATE VIRTUAL TABLE communication_fts USING fts5(
    body, content = 'communication', content_rowid = 'id',
    tokenize = 'unicode61 remove_diacritics 2'
);
INSERT INTO communication_fts (rowid, body)
    SELECT id, body FROM communication WHERE status = 'completed';
-- Only signed notes are searchable: index a note when it is inserted
-- signed, or when its draft is signed; a draft's edits are not indexed.
"#,
    communication_fts_insert_trigger!(),
    r#"CREATE TRIGGER communication_fts_sign AFTER UPDATE OF status ON communication
    WHEN OLD.status = 'preparation' AND NEW.status = 'completed'
BEGIN
    INSERT INTO communication_fts (rowid, body) VALUES (NEW.id, NEW.body);
END;
"#
);

/// Version 4: a trigram index over patients' names and member IDs, so the
/// caseload filter finds "kel" inside a name without reading every patient
/// (a LIKE '%kel%' scan took over 100 ms at 100,000 patients). Case and
/// accents do not matter to it. Kept in step with the table by triggers.
const V4: &str = concat!(
    r#"
CREATE VIRTUAL TABLE patient_name_index USING fts5(
    family_name, given_name, member_id,
    content = 'patient', content_rowid = 'id',
    tokenize = 'trigram remove_diacritics 1'
);
INSERT INTO patient_name_index (patient_name_index) VALUES ('rebuild');
"#,
    patient_name_index_insert_trigger!(),
    r#"CREATE TRIGGER patient_name_index_delete AFTER DELETE ON patient BEGIN
    INSERT INTO patient_name_index (patient_name_index, rowid, family_name, given_name, member_id)
        VALUES ('delete', OLD.id, OLD.family_name, OLD.given_name, OLD.member_id);
END;
CREATE TRIGGER patient_name_index_update
    AFTER UPDATE OF family_name, given_name, member_id ON patient
BEGIN
    INSERT INTO patient_name_index (patient_name_index, rowid, family_name, given_name, member_id)
        VALUES ('delete', OLD.id, OLD.family_name, OLD.given_name, OLD.member_id);
    INSERT INTO patient_name_index (rowid, family_name, given_name, member_id)
        VALUES (NEW.id, NEW.family_name, NEW.given_name, NEW.member_id);
END;
"#
);

/// Version 6: the whole record and the care plan (issue 6). The patient
/// gains identity, contact, address, consent, advance directive and review
/// dates, and a version so an edit names what it saw; flags that must be
/// seen first, medications (FHIR MedicationStatement) and allergies (FHIR
/// AllergyIntolerance) get tables; needs group goals by domain, goals gain a
/// measure and a priority, and their progress is kept entry by entry; a task
/// may serve a goal (an intervention). CHECK lists are written as OR chains
/// (see version 5).
const V6: &str = r#"
ALTER TABLE patient ADD COLUMN gender_identity TEXT;
ALTER TABLE patient ADD COLUMN pronouns TEXT;
ALTER TABLE patient ADD COLUMN preferred_phone INTEGER NOT NULL DEFAULT 1
    CHECK (preferred_phone = 1 OR preferred_phone = 2);
ALTER TABLE patient ADD COLUMN best_time_to_call TEXT;
ALTER TABLE patient ADD COLUMN address_line TEXT;
ALTER TABLE patient ADD COLUMN city TEXT;
ALTER TABLE patient ADD COLUMN state TEXT;
ALTER TABLE patient ADD COLUMN postal_code TEXT;
ALTER TABLE patient ADD COLUMN enrollment_ended_on TEXT;        -- YYYY-MM-DD
ALTER TABLE patient ADD COLUMN consent_status TEXT NOT NULL DEFAULT 'none'
    CHECK (consent_status = 'none' OR consent_status = 'active' OR consent_status = 'revoked');
ALTER TABLE patient ADD COLUMN consent_expires_on TEXT;         -- YYYY-MM-DD
ALTER TABLE patient ADD COLUMN advance_directive INTEGER NOT NULL DEFAULT 0
    CHECK (advance_directive IN (0, 1));
ALTER TABLE patient ADD COLUMN medications_reconciled_on TEXT;  -- YYYY-MM-DD
ALTER TABLE patient ADD COLUMN plan_review_on TEXT;             -- YYYY-MM-DD
ALTER TABLE patient ADD COLUMN version INTEGER NOT NULL DEFAULT 1;
ALTER TABLE patient ADD COLUMN updated_at TEXT;

-- What must be seen first whenever the patient is on screen (FHIR Flag).
CREATE TABLE patient_flag (
    id         INTEGER PRIMARY KEY,
    patient_id INTEGER NOT NULL REFERENCES patient(id) ON DELETE CASCADE,
    kind       TEXT NOT NULL CHECK (kind = 'safety' OR kind = 'do-not-call' OR kind = 'other'),
    text       TEXT NOT NULL,
    active     INTEGER NOT NULL DEFAULT 1 CHECK (active IN (0, 1)),
    created_at TEXT NOT NULL                    -- UTC RFC 3339
);
CREATE INDEX patient_flag_by_patient ON patient_flag (patient_id) WHERE active = 1;

-- What the patient takes (FHIR MedicationStatement).
CREATE TABLE medication (
    id         INTEGER PRIMARY KEY,
    patient_id INTEGER NOT NULL REFERENCES patient(id) ON DELETE CASCADE,
    name       TEXT NOT NULL,
    dose       TEXT,
    frequency  TEXT,
    prescriber TEXT,
    status     TEXT NOT NULL DEFAULT 'active' CHECK (status = 'active' OR status = 'stopped'),
    version    INTEGER NOT NULL DEFAULT 1
);
CREATE INDEX medication_by_patient ON medication (patient_id);

-- (FHIR AllergyIntolerance; criticality from its value set.)
CREATE TABLE allergy (
    id          INTEGER PRIMARY KEY,
    patient_id  INTEGER NOT NULL REFERENCES patient(id) ON DELETE CASCADE,
    substance   TEXT NOT NULL,
    reaction    TEXT,
    criticality TEXT NOT NULL DEFAULT 'unable-to-assess'
                CHECK (criticality = 'low' OR criticality = 'high'
                       OR criticality = 'unable-to-assess')
);
CREATE INDEX allergy_by_patient ON allergy (patient_id);

ALTER TABLE condition ADD COLUMN version INTEGER NOT NULL DEFAULT 1;
ALTER TABLE care_team_member ADD COLUMN version INTEGER NOT NULL DEFAULT 1;

-- The care plan's needs, by domain (FHIR CarePlan.addresses, as Conditions
-- of the health-concern category when exported).
CREATE TABLE need (
    id          INTEGER PRIMARY KEY,
    patient_id  INTEGER NOT NULL REFERENCES patient(id) ON DELETE CASCADE,
    domain      TEXT NOT NULL
                CHECK (domain = 'medical' OR domain = 'behavioral-health'
                       OR domain = 'substance-use' OR domain = 'housing' OR domain = 'food'
                       OR domain = 'transportation' OR domain = 'income-benefits'
                       OR domain = 'safety' OR domain = 'social-support' OR domain = 'other'),
    description TEXT NOT NULL,
    status      TEXT NOT NULL DEFAULT 'active' CHECK (status = 'active' OR status = 'resolved'),
    created_at  TEXT NOT NULL,                  -- UTC RFC 3339
    version     INTEGER NOT NULL DEFAULT 1
);
CREATE INDEX need_by_patient ON need (patient_id);

ALTER TABLE goal ADD COLUMN need_id INTEGER REFERENCES need(id);
ALTER TABLE goal ADD COLUMN measure TEXT;
ALTER TABLE goal ADD COLUMN priority TEXT NOT NULL DEFAULT 'medium-priority'
    CHECK (priority = 'high-priority' OR priority = 'medium-priority' OR priority = 'low-priority');
ALTER TABLE goal ADD COLUMN version INTEGER NOT NULL DEFAULT 1;
ALTER TABLE goal ADD COLUMN updated_at TEXT;

-- A goal's progress, entry by entry; `value` when the goal is measured.
CREATE TABLE goal_progress (
    id          INTEGER PRIMARY KEY,
    goal_id     INTEGER NOT NULL REFERENCES goal(id) ON DELETE CASCADE,
    recorded_on TEXT NOT NULL,                  -- YYYY-MM-DD
    note        TEXT NOT NULL,
    value       REAL,
    author_id   INTEGER REFERENCES practitioner(id)
);
CREATE INDEX goal_progress_by_goal ON goal_progress (goal_id, recorded_on);

-- A task may be an intervention serving a goal.
ALTER TABLE task ADD COLUMN goal_id INTEGER REFERENCES goal(id);
"#;

/// Version 5: the same CHECK constraints, written as `x = 'a' OR x = 'b' …`
/// instead of `x IN ('a', 'b', …)`. Why: SQLite evaluates a CHECK's IN list
/// of more than two values by building a temporary B-tree for every row
/// written, and three of them on `task` made a task insert cost about 90,000
/// instructions, most of them allocating and zeroing those trees (callgrind,
/// `tend gen`: 38% of all instructions went once they were gone). The rows
/// on disk satisfy both forms, so this is the kind of change SQLite's
/// documentation allows by editing the stored CREATE TABLE text
/// (`PRAGMA writable_schema`, then a new `schema_version`), without copying
/// any table. Each constraint is found in the stored text and checked to be
/// there exactly once; anything unexpected fails the migration, and the
/// whole upgrade rolls back.
fn v5_checks_without_in_lists(tx: &rusqlite::Transaction<'_>) -> rusqlite::Result<()> {
    const CHECKS: &[(&str, &str)] = &[
        ("patient", "sex"),
        ("patient", "enrollment_status"),
        ("condition", "clinical_status"),
        ("goal", "lifecycle_status"),
        ("task", "kind"),
        ("task", "status"),
        ("task", "priority"),
        ("audit_event", "action"),
    ];
    rewrite_tables(tx, CHECKS, |sql, column| {
        in_list_as_or_chain(sql, column)
            .ok_or_else(|| format!("schema v5: CHECK ({column} IN (…)) not found once"))
    })
}

/// Version 7: a note's method, direction, party and outcome may be empty
/// while it is a draft, because they are only ever what its author chose
/// (issue 12: a default "reached" signed by mistake is a false record of a
/// call). A signed note must have all four, which triggers enforce for
/// whatever writes the file. Relaxing NOT NULL is, like version 5's CHECKs,
/// a change SQLite allows by editing the stored CREATE TABLE text: every
/// row on disk satisfies both. Drafts saved before this version keep the
/// values they were stored with.
fn v7_draft_header_may_be_unchosen(tx: &rusqlite::Transaction<'_>) -> rusqlite::Result<()> {
    const COLUMNS: &[(&str, &str)] = &[
        ("communication", "medium"),
        ("communication", "direction"),
        ("communication", "recipient"),
        ("communication", "outcome"),
    ];
    rewrite_tables(tx, COLUMNS, |sql, column| {
        without_not_null(sql, column)
            .ok_or_else(|| format!("schema v7: {column} TEXT NOT NULL not found once"))
    })?;
    tx.execute_batch(V7_TRIGGERS)
}

const V7_TRIGGERS: &str = r#"
CREATE TRIGGER communication_signed_header_on_insert BEFORE INSERT ON communication
    WHEN NEW.status = 'completed' AND (NEW.medium IS NULL OR NEW.direction IS NULL
        OR NEW.recipient IS NULL OR NEW.outcome IS NULL)
BEGIN
    SELECT RAISE(ABORT, 'a signed note needs its method, direction, party and outcome');
END;
CREATE TRIGGER communication_signed_header_on_sign BEFORE UPDATE OF status ON communication
    WHEN NEW.status = 'completed' AND (NEW.medium IS NULL OR NEW.direction IS NULL
        OR NEW.recipient IS NULL OR NEW.outcome IS NULL)
BEGIN
    SELECT RAISE(ABORT, 'a signed note needs its method, direction, party and outcome');
END;
"#;
