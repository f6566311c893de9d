//! Schema version 12, in a file of its own (see `schema` for the rest).

/// Version 12: closed loops (issue 17). Referrals (FHIR ServiceRequest),
/// appointments (FHIR Appointment) and prior authorizations (FHIR Claim
/// with use `preauthorization`), each holding the task that is its next
/// step (`task_id`), so that no open loop is ever without one: every
/// move of a loop closes that task and writes the next in the same
/// transaction. A referral keeps its own copy of the receiver's name and
/// phone, so a service later removed from the resource directory still
/// shows where the member was sent.
///
/// CHECKs are written as OR chains, not IN lists (see version 5).
pub(super) const V12: &str = "
CREATE TABLE referral (
    id             INTEGER PRIMARY KEY,
    patient_id     INTEGER NOT NULL REFERENCES patient(id) ON DELETE CASCADE,
    kind           TEXT NOT NULL CHECK (kind = 'clinical' OR kind = 'community'),
    status         TEXT NOT NULL
                   CHECK (status = 'draft' OR status = 'sent' OR status = 'accepted'
                          OR status = 'scheduled' OR status = 'received' OR status = 'closed'
                          OR status = 'declined' OR status = 'cancelled'
                          OR status = 'no-response'),
    urgency        TEXT NOT NULL CHECK (urgency = 'routine' OR urgency = 'urgent'),
    reason         TEXT NOT NULL,
    need_id        INTEGER REFERENCES need(id),
    goal_id        INTEGER REFERENCES goal(id),
    to_name        TEXT NOT NULL,     -- the receiver, as it was when referred
    to_phone       TEXT,
    service_ref    TEXT,              -- the directory's service id (HSDS), kept after removal
    appointment_on TEXT,              -- YYYY-MM-DD once scheduled
    confirmation   TEXT,              -- how receipt was confirmed (closed only)
    status_note    TEXT,              -- why declined, cancelled; what the receiver said
    status_on      TEXT NOT NULL,     -- YYYY-MM-DD the status was set
    task_id        INTEGER REFERENCES task(id),
    author_id      INTEGER REFERENCES practitioner(id),
    created_at     TEXT NOT NULL,     -- UTC RFC 3339
    updated_at     TEXT NOT NULL,     -- UTC RFC 3339
    version        INTEGER NOT NULL DEFAULT 1
);
CREATE INDEX referral_by_patient ON referral (patient_id, created_at);
CREATE INDEX referral_open ON referral (created_at)
    WHERE status != 'closed' AND status != 'declined' AND status != 'cancelled';
CREATE UNIQUE INDEX referral_by_task ON referral (task_id) WHERE task_id IS NOT NULL;

CREATE TABLE appointment (
    id                   INTEGER PRIMARY KEY,
    patient_id           INTEGER NOT NULL REFERENCES patient(id) ON DELETE CASCADE,
    status               TEXT NOT NULL
                         CHECK (status = 'booked' OR status = 'fulfilled' OR status = 'noshow'
                                OR status = 'rescheduled' OR status = 'cancelled'),
    starts_at            TEXT NOT NULL,   -- local wall clock, YYYY-MM-DDTHH:MM:SS
    minutes              INTEGER,
    with_whom            TEXT NOT NULL,
    place                TEXT,
    reason               TEXT NOT NULL,
    referral_id          INTEGER REFERENCES referral(id),
    transport_needed     INTEGER NOT NULL DEFAULT 0,
    transport_arranged   INTEGER NOT NULL DEFAULT 0,
    interpreter_needed   INTEGER NOT NULL DEFAULT 0,
    interpreter_arranged INTEGER NOT NULL DEFAULT 0,
    reminder_task_id     INTEGER REFERENCES task(id),
    task_id              INTEGER REFERENCES task(id),  -- did they go?
    outreach_task_id     INTEGER REFERENCES task(id),  -- after a missed one
    rescheduled_to       INTEGER REFERENCES appointment(id),
    status_note          TEXT,
    status_on            TEXT NOT NULL,   -- YYYY-MM-DD
    author_id            INTEGER REFERENCES practitioner(id),
    created_at           TEXT NOT NULL,
    updated_at           TEXT NOT NULL,
    version              INTEGER NOT NULL DEFAULT 1
);
CREATE INDEX appointment_by_patient ON appointment (patient_id, starts_at);
CREATE INDEX appointment_booked ON appointment (starts_at) WHERE status = 'booked';
-- The team's week reads every status in a date range.
CREATE INDEX appointment_by_start ON appointment (starts_at);
CREATE UNIQUE INDEX appointment_by_task ON appointment (task_id) WHERE task_id IS NOT NULL;
CREATE UNIQUE INDEX appointment_by_reminder ON appointment (reminder_task_id)
    WHERE reminder_task_id IS NOT NULL;

CREATE TABLE prior_auth (
    id               INTEGER PRIMARY KEY,
    patient_id       INTEGER NOT NULL REFERENCES patient(id) ON DELETE CASCADE,
    status           TEXT NOT NULL
                     CHECK (status = 'draft' OR status = 'submitted'
                            OR status = 'more-info-requested' OR status = 'approved'
                            OR status = 'denied' OR status = 'appealed' OR status = 'expired'),
    payer            TEXT NOT NULL,
    item             TEXT NOT NULL,   -- the service or medication, in words
    item_system      TEXT,            -- its code system: cpt, hcpcs, rxnorm, ndc
    item_code        TEXT,
    diagnosis_code   TEXT,            -- ICD-10-CM
    submitted_on     TEXT,            -- YYYY-MM-DD
    decided_on       TEXT,            -- YYYY-MM-DD, the notice's date
    units            INTEGER,
    authorized_from  TEXT,            -- YYYY-MM-DD
    authorized_until TEXT,            -- YYYY-MM-DD
    payer_ref        TEXT,            -- the payer's authorization number
    status_note      TEXT,
    status_on        TEXT NOT NULL,   -- YYYY-MM-DD
    task_id          INTEGER REFERENCES task(id),
    author_id        INTEGER REFERENCES practitioner(id),
    created_at       TEXT NOT NULL,
    updated_at       TEXT NOT NULL,
    version          INTEGER NOT NULL DEFAULT 1
);
CREATE INDEX prior_auth_by_patient ON prior_auth (patient_id, created_at);
-- Open as the open-loops view reads it: not yet decided, or denied and not
-- yet appealed (approved ones are most rows, and were walked past).
CREATE INDEX prior_auth_open ON prior_auth (created_at)
    WHERE status != 'approved' AND status != 'expired';
CREATE UNIQUE INDEX prior_auth_by_task ON prior_auth (task_id) WHERE task_id IS NOT NULL;
";
