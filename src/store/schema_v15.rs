//! Schema version 15, in a file of its own (see `schema` for the rest).

/// Version 15: screenings and assessments (issue 18).
///
/// - `screening`: one administration of an instrument to a patient. It is
///   written as it is answered (`in-progress`), so a dropped link or a
///   kill loses nothing; signing (`completed`) stamps who and when with
///   the total and band as they were then. The instrument's name and
///   version of its items are copied, so the row reads the same after a
///   program edits or removes its instrument file.
/// - `screening_answer`: each answered item, with the option's words and
///   score as they were chosen (and the LOINC answer code, for FHIR); a
///   free-text answer in `text`.
/// - A signed screening is final: triggers refuse any change to it or its
///   answers, and its deletion. A wrong one is corrected by a new
///   screening that names it (`corrects_id`).
/// - `safety_raised_at`: when a safety rule of the screening raised the
///   patient's flag and the escalation task, so it is raised once however
///   often the answers are saved.
pub(super) const V15: &str = "
CREATE TABLE screening (
    id               INTEGER PRIMARY KEY,
    patient_id       INTEGER NOT NULL REFERENCES patient(id) ON DELETE CASCADE,
    instrument       TEXT NOT NULL,               -- the instrument's id: 'phq-9'
    instrument_name  TEXT NOT NULL,               -- as shown: 'PHQ-9'
    author_id        INTEGER NOT NULL REFERENCES practitioner(id),
    started_at       TEXT NOT NULL,               -- UTC RFC 3339
    status           TEXT NOT NULL DEFAULT 'in-progress'
                     CHECK (status = 'in-progress' OR status = 'completed'
                            OR status = 'abandoned'),
    position         INTEGER NOT NULL DEFAULT 0,  -- the item on screen when last saved
    signed_at        TEXT,
    signed_by        INTEGER REFERENCES practitioner(id),
    total            INTEGER,
    band             TEXT,
    safety_raised_at TEXT,
    corrects_id      INTEGER REFERENCES screening(id),
    updated_at       TEXT NOT NULL,
    CHECK ((status = 'completed') = (signed_at IS NOT NULL AND signed_by IS NOT NULL))
);
-- A patient's screenings of one instrument, in order: trends and the latest.
CREATE INDEX screening_by_patient ON screening (patient_id, instrument, signed_at);
-- What each coordinator left unfinished: offered back at start-up.
CREATE INDEX screening_unfinished ON screening (author_id) WHERE status = 'in-progress';
-- The screening that corrects another: a corrected one leaves the trends.
CREATE INDEX screening_corrected ON screening (corrects_id) WHERE corrects_id IS NOT NULL;

CREATE TABLE screening_answer (
    screening_id INTEGER NOT NULL REFERENCES screening(id) ON DELETE CASCADE,
    item         TEXT NOT NULL,                   -- the instrument's item id: '9'
    position     INTEGER NOT NULL,                -- the item's place in the instrument
    chosen       TEXT,                            -- option indexes, comma-separated
    label        TEXT,                            -- the options' words, as chosen
    score        INTEGER,
    code         TEXT,                            -- LOINC answer codes, comma-separated
    text         TEXT,                            -- a free-text answer
    PRIMARY KEY (screening_id, item)
) WITHOUT ROWID;

CREATE TRIGGER screening_signed_is_final BEFORE UPDATE ON screening
    WHEN OLD.status <> 'in-progress'
BEGIN
    SELECT RAISE(ABORT, 'a signed screening cannot be changed');
END;
CREATE TRIGGER screening_signed_not_deleted BEFORE DELETE ON screening
    WHEN OLD.status = 'completed'
BEGIN
    SELECT RAISE(ABORT, 'a signed screening cannot be deleted');
END;
CREATE TRIGGER screening_answer_insert_final BEFORE INSERT ON screening_answer
    WHEN (SELECT status FROM screening WHERE id = NEW.screening_id) <> 'in-progress'
BEGIN
    SELECT RAISE(ABORT, 'a signed screening cannot be changed');
END;
CREATE TRIGGER screening_answer_update_final BEFORE UPDATE ON screening_answer
    WHEN (SELECT status FROM screening WHERE id = OLD.screening_id) <> 'in-progress'
BEGIN
    SELECT RAISE(ABORT, 'a signed screening cannot be changed');
END;
CREATE TRIGGER screening_answer_delete_final BEFORE DELETE ON screening_answer
    WHEN (SELECT status FROM screening WHERE id = OLD.screening_id) = 'completed'
BEGIN
    SELECT RAISE(ABORT, 'a signed screening cannot be changed');
END;

-- The tasks that say a screening is due (`[[screening.rescreen]]`): one a
-- patient, instrument and cycle, the cycle being the last signed screening
-- it follows (0: never screened), so a cycle's task is made once, however
-- often tend starts, and not again if it was closed by hand; signing a
-- screening of the instrument completes the open one.
CREATE TABLE screening_due (
    patient_id INTEGER NOT NULL REFERENCES patient(id) ON DELETE CASCADE,
    instrument TEXT NOT NULL,
    cycle      INTEGER NOT NULL,
    task_id    INTEGER NOT NULL REFERENCES task(id) ON DELETE CASCADE,
    PRIMARY KEY (patient_id, instrument, cycle)
) WITHOUT ROWID;
CREATE INDEX screening_due_by_task ON screening_due (task_id);
";
