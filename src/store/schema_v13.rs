//! Schema version 13, in a file of its own (see `schema` for the rest).

/// Version 13: the community resource directory (issue 17, item 2), as
/// imported from Open Referral HSDS packages (`tend import resources`).
///
/// - Organizations and services are kept by their HSDS id (`source_id`):
///   a re-import updates a row in place, so tend's ids stay. A service the
///   latest package no longer has is marked `removed_at`, never deleted:
///   a referral keeps the HSDS id of the service it went to
///   (`referral.service_ref`, version 12) with its own copy of the name
///   and phone.
/// - What a list shows (first phone, first address, ZIP, languages,
///   domains, schedule in words) is kept on the service row, so a search
///   reads one row per hit; the phones and addresses in full are in their
///   own tables, for the detail.
/// - The search's filters each have a table keyed for it (`domain`,
///   `language`, `zip` first, then the service), WITHOUT ROWID so the key
///   is the table; each also indexed by service, for replacing a service's
///   rows when it changes.
/// - `resource_fts` (FTS5) indexes the service's name, description,
///   organization and taxonomy terms, its rowid the service's id. Written
///   by the import (not by triggers: the organization's name and the terms
///   come from other tables). Prefix indexes of 1 to 3 characters make a
///   search typed letter by letter cheap.
/// - `fingerprint` is a hash of everything imported for a service, so a
///   re-import tells an unchanged service from a changed one without
///   reading its rows back.
///
/// CHECKs are written as OR chains, not IN lists (see version 5).
pub(super) const V13: &str = "
CREATE TABLE resource_organization (
    id          INTEGER PRIMARY KEY,
    source_id   TEXT NOT NULL UNIQUE,  -- the HSDS id
    name        TEXT NOT NULL,
    description TEXT,
    website     TEXT,
    email       TEXT,
    imported_at TEXT NOT NULL,         -- UTC RFC 3339, first import
    updated_at  TEXT NOT NULL,
    removed_at  TEXT                   -- not in the latest import
);

CREATE TABLE resource_service (
    id              INTEGER PRIMARY KEY,
    source_id       TEXT NOT NULL UNIQUE,  -- the HSDS id
    organization_id INTEGER NOT NULL REFERENCES resource_organization(id),
    name            TEXT NOT NULL,
    description     TEXT,
    url             TEXT,
    email           TEXT,
    status          TEXT CHECK (status IS NULL OR status = 'active' OR status = 'inactive'
                                OR status = 'defunct' OR status = 'temporarily closed'),
    phone           TEXT,              -- the first phone, as shown
    address         TEXT,              -- the first address, one line
    zip             TEXT,              -- its 5-digit ZIP
    languages       TEXT NOT NULL DEFAULT '',  -- tags, comma-separated
    domains         TEXT NOT NULL DEFAULT '',  -- need domain codes, comma-separated
    terms           TEXT NOT NULL DEFAULT '',  -- taxonomy term names, '; '-separated
    schedule        TEXT,              -- when it is open, in words
    fingerprint     TEXT NOT NULL,
    imported_at     TEXT NOT NULL,
    updated_at      TEXT NOT NULL,
    removed_at      TEXT
);
CREATE INDEX resource_service_by_organization ON resource_service (organization_id);
CREATE INDEX resource_service_by_name ON resource_service (name COLLATE NOCASE)
    WHERE removed_at IS NULL;

CREATE TABLE resource_phone (
    id          INTEGER PRIMARY KEY,
    service_id  INTEGER NOT NULL REFERENCES resource_service(id) ON DELETE CASCADE,
    position    INTEGER NOT NULL,
    number      TEXT NOT NULL,
    extension   TEXT,
    kind        TEXT,
    description TEXT
);
CREATE INDEX resource_phone_by_service ON resource_phone (service_id, position);

CREATE TABLE resource_address (
    id          INTEGER PRIMARY KEY,
    service_id  INTEGER NOT NULL REFERENCES resource_service(id) ON DELETE CASCADE,
    position    INTEGER NOT NULL,
    location    TEXT,
    address_1   TEXT NOT NULL,
    address_2   TEXT,
    city        TEXT NOT NULL,
    state       TEXT NOT NULL,
    postal_code TEXT NOT NULL
);
CREATE INDEX resource_address_by_service ON resource_address (service_id, position);

CREATE TABLE resource_domain (
    domain     TEXT NOT NULL
               CHECK (domain = 'medical' OR domain = 'behavioral-health'
                      OR domain = 'substance-use' OR domain = 'housing' OR domain = 'food'
                      OR domain = 'transportation' OR domain = 'income-benefits'
                      OR domain = 'safety' OR domain = 'social-support' OR domain = 'other'),
    service_id INTEGER NOT NULL REFERENCES resource_service(id) ON DELETE CASCADE,
    PRIMARY KEY (domain, service_id)
) WITHOUT ROWID;
CREATE INDEX resource_domain_by_service ON resource_domain (service_id);

CREATE TABLE resource_language (
    code       TEXT NOT NULL,          -- a language tag's primary subtag: es, ht, zh
    service_id INTEGER NOT NULL REFERENCES resource_service(id) ON DELETE CASCADE,
    PRIMARY KEY (code, service_id)
) WITHOUT ROWID;
CREATE INDEX resource_language_by_service ON resource_language (service_id);

CREATE TABLE resource_zip (
    zip        TEXT NOT NULL,          -- 5 digits
    service_id INTEGER NOT NULL REFERENCES resource_service(id) ON DELETE CASCADE,
    PRIMARY KEY (zip, service_id)
) WITHOUT ROWID;
CREATE INDEX resource_zip_by_service ON resource_zip (service_id);

CREATE VIRTUAL TABLE resource_fts USING fts5(
    name, description, organization, terms,
    tokenize = 'unicode61 remove_diacritics 2',
    prefix = '1 2 3'
);
";
