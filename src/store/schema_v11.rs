//! Schema version 11, in a file of its own (see `schema` for the rest).

/// Version 11: transitions of care. Encounters (emergency visits, stays,
/// follow-up visits) with their diagnoses; the clocks each starts, every
/// one tied to its task with a hard deadline and kept when met, missed or
/// voided; and every HL7 v2 ADT message received, as it came, with what
/// became of it (applied, queued for a supervisor, rejected) so that none
/// is ever dropped and none applied twice.
pub(super) const V11: &str = "
CREATE TABLE encounter (
    id               INTEGER PRIMARY KEY,
    patient_id       INTEGER NOT NULL REFERENCES patient(id) ON DELETE CASCADE,
    class            TEXT NOT NULL
                     CHECK (class = 'emergency' OR class = 'inpatient' OR class = 'observation'
                            OR class = 'skilled-nursing' OR class = 'outpatient'),
    status           TEXT NOT NULL
                     CHECK (status = 'in-progress' OR status = 'finished' OR status = 'cancelled'),
    facility         TEXT NOT NULL,
    started_at       TEXT NOT NULL,   -- facility wall clock, YYYY-MM-DDTHH:MM:SS
    ended_at         TEXT,
    disposition      TEXT,            -- grouped (domain::encounter::Disposition)
    disposition_code TEXT,            -- as the feed sent it (HL7 table 0112)
    complexity       TEXT NOT NULL DEFAULT 'moderate'
                     CHECK (complexity = 'moderate' OR complexity = 'high'),
    provider         TEXT,            -- who was seen, for follow-up visits
    source_system    TEXT,            -- the feed's sending application and facility
    source_visit     TEXT,            -- its visit number (PV1-19)
    readmission_of   INTEGER REFERENCES encounter(id),
    recorded_at      TEXT NOT NULL,   -- UTC RFC 3339
    updated_at       TEXT NOT NULL,   -- UTC RFC 3339
    version          INTEGER NOT NULL DEFAULT 1
);
CREATE INDEX encounter_by_patient ON encounter (patient_id, started_at);
CREATE UNIQUE INDEX encounter_by_source ON encounter (source_system, source_visit)
    WHERE source_visit IS NOT NULL;

CREATE TABLE encounter_diagnosis (
    encounter_id INTEGER NOT NULL REFERENCES encounter(id) ON DELETE CASCADE,
    rank         INTEGER NOT NULL,    -- 1 is the principal diagnosis
    code         TEXT NOT NULL,       -- ICD-10-CM
    display      TEXT NOT NULL,
    PRIMARY KEY (encounter_id, rank)
) WITHOUT ROWID;

CREATE TABLE transition_clock (
    id           INTEGER PRIMARY KEY,
    encounter_id INTEGER NOT NULL REFERENCES encounter(id) ON DELETE CASCADE,
    patient_id   INTEGER NOT NULL REFERENCES patient(id) ON DELETE CASCADE,
    kind         TEXT NOT NULL,       -- domain::transitions::ClockKind
    opens_on     TEXT NOT NULL,       -- YYYY-MM-DD, the window's first day
    due_on       TEXT NOT NULL,       -- YYYY-MM-DD, its last
    task_id      INTEGER REFERENCES task(id),
    met_on       TEXT,                -- YYYY-MM-DD; after due_on it was met late
    met_by       TEXT,                -- what met it, in words without patient data
    voided_at    TEXT,                -- UTC RFC 3339
    void_reason  TEXT
);
CREATE INDEX transition_clock_open ON transition_clock (due_on)
    WHERE met_on IS NULL AND voided_at IS NULL;
CREATE INDEX transition_clock_late ON transition_clock (due_on)
    WHERE voided_at IS NULL AND met_on > due_on;
CREATE INDEX transition_clock_met ON transition_clock (met_on)
    WHERE voided_at IS NULL AND met_on IS NOT NULL;
CREATE INDEX transition_clock_by_patient ON transition_clock (patient_id, due_on);
CREATE INDEX transition_clock_by_encounter ON transition_clock (encounter_id);
CREATE UNIQUE INDEX transition_clock_by_task ON transition_clock (task_id)
    WHERE task_id IS NOT NULL;

CREATE TABLE adt_message (
    id           INTEGER PRIMARY KEY,
    received_at  TEXT NOT NULL,       -- UTC RFC 3339
    sender       TEXT NOT NULL,       -- MSH-3 and MSH-4 as read ('' when unreadable)
    control_id   TEXT,                -- MSH-10
    event        TEXT,                -- A01, A03, ...
    raw          TEXT NOT NULL,       -- the message as received
    state        TEXT NOT NULL
                 CHECK (state = 'applied' OR state = 'queued' OR state = 'rejected'
                        OR state = 'resolved' OR state = 'dismissed'),
    reason       TEXT,                -- why queued or rejected, without patient data
    patient_id   INTEGER REFERENCES patient(id),
    encounter_id INTEGER REFERENCES encounter(id),
    resolved_by  INTEGER REFERENCES practitioner(id),
    resolved_at  TEXT,
    resolution   TEXT
);
CREATE UNIQUE INDEX adt_message_once ON adt_message (sender, control_id)
    WHERE control_id IS NOT NULL AND state != 'rejected';
CREATE INDEX adt_message_waiting ON adt_message (received_at)
    WHERE state = 'queued' OR state = 'rejected';
";
