//! Versioned schema migrations. Each migration runs once, in order, inside one
//! transaction with the bump of `PRAGMA user_version`, so a store is always at
//! exactly one known version.
//!
//! The SQL keeps to what PostgreSQL also accepts (integer keys, `TEXT`, `BLOB`
//! becomes `BYTEA`) apart from the triggers, so a PostgreSQL store can follow.
//!
//! Speed notes (ingest writes millions of statements, and the goal is at least half
//! the speed of a bare append loop): `statement` and `entity` have no secondary index
//! at all. A batch allocates ids in order under its write lock, so the statements of
//! one record version, the entities a version creates, and the versions of one batch
//! are contiguous id ranges, and those ranges are stored instead
//! (`record_version.first_statement..=last_statement`, `first_entity..=last_entity`;
//! `batch.first_version..=last_version`, `first_statement..=last_statement`).
//! An entity row is three integers: its name in the mapping and its schema are
//! interned in `entity_kind` (a mapping has a handful), read through the view
//! `entity_named`. Reading an entity goes record → its versions (index on `record_version.record_id`,
//! which grows in order) → rowid ranges. The only index on a text key is
//! `record(dataset_id, key)`: one probe per source row, which is what makes re-import
//! idempotent.

use rusqlite::Connection;

use crate::error::Result;

/// The migrations, in order; index + 1 is the version they bring the store to.
const MIGRATIONS: &[(&str, &str)] = &[
    ("initial schema", INITIAL),
    ("watchlists and findings", CHECKS),
    ("resolution", RESOLUTION),
    ("signed audit heads", SIGNATURES),
    ("matching index", crate::matching::SCHEMA),
    ("users, tokens, cases and purposes", crate::directory::SCHEMA),
    ("when a user's password last changed", crate::directory::CREDENTIALS_AT),
    ("data set names claimed by cases", crate::directory::DATASET_CLAIMS),
    ("restriction, erasure and retention decisions", crate::hold::SCHEMA),
    ("export requests and their approval", crate::exports::SCHEMA),
    ("rectified statements", crate::rectify::SCHEMA),
    (
        "the agency's row a rectified version stands for",
        crate::rectify::SOURCE_HASH,
    ),
    ("partner nodes and sharing agreements", crate::partners::SCHEMA),
    ("selector matching with partners", crate::hits::SCHEMA),
    ("digests of the selectors queried", crate::hits::VALUES),
    ("disclosures after a hit", crate::disclosures::SCHEMA),
    ("queries answered for partners", crate::disclosures::ANSWERED),
    ("disclosure answers kept to send again", crate::disclosures::ANSWERS),
];

/// The newest schema version this code knows.
pub const LATEST: i64 = MIGRATIONS.len() as i64;

const INITIAL: &str = r#"
CREATE TABLE meta (
    key   TEXT PRIMARY KEY,
    value TEXT NOT NULL
);
CREATE TABLE agency (
    id      INTEGER PRIMARY KEY,
    node    TEXT NOT NULL UNIQUE,
    country TEXT NOT NULL,
    name    TEXT NOT NULL DEFAULT ''
);
CREATE TABLE source (
    id             INTEGER PRIMARY KEY,
    agency_id      INTEGER NOT NULL REFERENCES agency(id),
    unit           TEXT NOT NULL DEFAULT '',
    informant_code TEXT NOT NULL DEFAULT '',
    UNIQUE (agency_id, unit, informant_code)
);
CREATE TABLE source_reliability (
    id          INTEGER PRIMARY KEY,
    source_id   INTEGER NOT NULL REFERENCES source(id),
    reliability TEXT NOT NULL,
    valid_from  TEXT NOT NULL,
    reason      TEXT NOT NULL,
    recorded_by TEXT NOT NULL
);
CREATE INDEX source_reliability_source ON source_reliability(source_id);
CREATE TABLE dataset (
    id        INTEGER PRIMARY KEY,
    name      TEXT NOT NULL UNIQUE,
    source_id INTEGER NOT NULL REFERENCES source(id)
);
CREATE TABLE batch (
    id           INTEGER PRIMARY KEY,
    dataset_id   INTEGER NOT NULL REFERENCES dataset(id),
    file_name    TEXT NOT NULL,
    file_sha256  TEXT NOT NULL,
    mapping_sha256 TEXT NOT NULL,
    actor        TEXT NOT NULL,
    purpose      TEXT,
    received_at  TEXT NOT NULL,
    committed_at TEXT,
    rows_read    INTEGER NOT NULL DEFAULT 0,
    new_records  INTEGER NOT NULL DEFAULT 0,
    new_versions INTEGER NOT NULL DEFAULT 0,
    unchanged    INTEGER NOT NULL DEFAULT 0,
    rejected     INTEGER NOT NULL DEFAULT 0,
    statements   INTEGER NOT NULL DEFAULT 0,
    first_version   INTEGER,
    last_version    INTEGER,
    first_statement INTEGER,
    last_statement  INTEGER
);
CREATE TABLE provenance (
    id          INTEGER PRIMARY KEY,
    source_id   INTEGER NOT NULL REFERENCES source(id),
    grading     TEXT NOT NULL,
    handling    TEXT NOT NULL,
    restriction TEXT NOT NULL DEFAULT '',
    tlp         TEXT NOT NULL DEFAULT '',
    assessment  TEXT NOT NULL,
    UNIQUE (source_id, grading, handling, restriction, tlp, assessment)
);
CREATE TABLE record (
    id              INTEGER PRIMARY KEY,
    dataset_id      INTEGER NOT NULL,
    key             TEXT NOT NULL,
    current_version INTEGER NOT NULL,
    current_hash    BLOB NOT NULL,
    UNIQUE (dataset_id, key)
);
CREATE TABLE record_version (
    id              INTEGER PRIMARY KEY,
    record_id       INTEGER NOT NULL,
    batch_id        INTEGER NOT NULL,
    row_number      INTEGER NOT NULL,
    content_hash    BLOB NOT NULL,
    first_statement INTEGER NOT NULL,
    last_statement  INTEGER NOT NULL,
    first_entity    INTEGER NOT NULL,
    last_entity     INTEGER NOT NULL
);
CREATE INDEX record_version_record ON record_version(record_id);
CREATE TABLE entity_kind (
    id     INTEGER PRIMARY KEY,
    name   TEXT NOT NULL,
    schema TEXT NOT NULL,
    UNIQUE (name, schema)
);
CREATE TABLE entity (
    id        INTEGER PRIMARY KEY,
    record_id INTEGER NOT NULL,
    kind_id   INTEGER NOT NULL
);
CREATE VIEW entity_named AS
    SELECT e.id, e.record_id, k.name, k.schema FROM entity e JOIN entity_kind k ON k.id = e.kind_id;
CREATE TABLE statement (
    id            INTEGER PRIMARY KEY,
    entity_id     INTEGER NOT NULL,
    version_id    INTEGER NOT NULL,
    prop          TEXT NOT NULL,
    value         TEXT NOT NULL,
    raw           TEXT,
    provenance_id INTEGER NOT NULL
);
CREATE TABLE derived_fact (
    id          INTEGER PRIMARY KEY,
    kind        TEXT NOT NULL,
    description TEXT NOT NULL,
    created_at  TEXT NOT NULL,
    created_by  TEXT NOT NULL
);
CREATE TABLE derived_basis (
    derived_id   INTEGER NOT NULL REFERENCES derived_fact(id),
    statement_id INTEGER NOT NULL,
    PRIMARY KEY (derived_id, statement_id)
);
CREATE TABLE audit (
    seq       INTEGER PRIMARY KEY,
    at        TEXT NOT NULL,
    actor     TEXT NOT NULL,
    action    TEXT NOT NULL,
    target    TEXT NOT NULL,
    purpose   TEXT NOT NULL DEFAULT '',
    detail    TEXT NOT NULL DEFAULT '',
    prev_hash TEXT NOT NULL,
    hash      TEXT NOT NULL
);
CREATE TRIGGER audit_no_update BEFORE UPDATE ON audit
BEGIN SELECT RAISE(ABORT, 'the audit log is append-only'); END;
CREATE TRIGGER audit_no_delete BEFORE DELETE ON audit
BEGIN SELECT RAISE(ABORT, 'the audit log is append-only'); END;
"#;

/// Stolen/lost document lists with their provenance, and stored check findings.
/// A list is replaced whole on re-import (its entries are reference data, not
/// statements); findings are keyed by what they say, so running a check twice
/// stores each finding once.
const CHECKS: &str = r#"
CREATE TABLE watchlist (
    id          INTEGER PRIMARY KEY,
    name        TEXT NOT NULL UNIQUE,
    source_id   INTEGER NOT NULL REFERENCES source(id),
    grading     TEXT NOT NULL,
    handling    TEXT NOT NULL,
    file_name   TEXT NOT NULL,
    file_sha256 TEXT NOT NULL,
    imported_at TEXT NOT NULL,
    imported_by TEXT NOT NULL
);
CREATE TABLE watchlist_entry (
    id           INTEGER PRIMARY KEY,
    watchlist_id INTEGER NOT NULL REFERENCES watchlist(id),
    key          TEXT NOT NULL,
    number       TEXT NOT NULL,
    country      TEXT NOT NULL,
    status       TEXT NOT NULL,
    list         TEXT NOT NULL,
    row_number   INTEGER NOT NULL
);
CREATE INDEX watchlist_entry_list ON watchlist_entry(watchlist_id);
CREATE TABLE finding (
    id         INTEGER PRIMARY KEY,
    kind       TEXT NOT NULL,
    entity     TEXT NOT NULL,
    related    TEXT NOT NULL,
    reason     TEXT NOT NULL,
    origin     TEXT NOT NULL,
    found_at   TEXT NOT NULL,
    found_by   TEXT NOT NULL,
    UNIQUE (entity, kind, reason)
);
"#;

/// Entity resolution: the latest run's mapping from record entities to identities
/// (replaced whole by each run, the runs themselves kept), the pairs it held for
/// review, and analysts' decisions, which are never replaced: the latest decision on
/// a pair is the one in force, so a merge is undone by a later rejection.
/// The node's signatures over audit heads (see `corridor-node-key`): made at every
/// batch and for every anchor; checked by `audit verify` with a public key that
/// does not come from the store.
const SIGNATURES: &str = r#"
CREATE TABLE audit_signature (
    seq        INTEGER PRIMARY KEY,
    hash       TEXT NOT NULL,
    public_key TEXT NOT NULL,
    signature  TEXT NOT NULL,
    at         TEXT NOT NULL
);
CREATE TRIGGER audit_signature_no_update BEFORE UPDATE ON audit_signature
BEGIN SELECT RAISE(ABORT, 'audit signatures are append-only'); END;
CREATE TRIGGER audit_signature_no_delete BEFORE DELETE ON audit_signature
BEGIN SELECT RAISE(ABORT, 'audit signatures are append-only'); END;
"#;

const RESOLUTION: &str = r#"
CREATE TABLE resolution_run (
    id      INTEGER PRIMARY KEY,
    at      TEXT NOT NULL,
    actor   TEXT NOT NULL,
    purpose TEXT NOT NULL DEFAULT '',
    model   TEXT NOT NULL,
    summary TEXT NOT NULL
);
CREATE TABLE identity_link (
    entity   TEXT PRIMARY KEY,
    identity TEXT NOT NULL,
    run_id   INTEGER NOT NULL
);
CREATE INDEX identity_link_identity ON identity_link(identity);
CREATE TABLE resolution_review (
    run_id      INTEGER NOT NULL,
    a           TEXT NOT NULL,
    b           TEXT NOT NULL,
    weight      REAL NOT NULL,
    probability REAL NOT NULL,
    why         TEXT NOT NULL
);
CREATE TABLE resolution_decision (
    id       INTEGER PRIMARY KEY,
    a        TEXT NOT NULL,
    b        TEXT NOT NULL,
    decision TEXT NOT NULL CHECK (decision IN ('confirm', 'reject')),
    reason   TEXT NOT NULL,
    actor    TEXT NOT NULL,
    at       TEXT NOT NULL
);
"#;

/// Brings the store to [`LATEST`], returning the version it was at before.
pub(crate) fn migrate(conn: &mut Connection) -> Result<i64> {
    let before: i64 = conn.query_row("PRAGMA user_version", [], |r| r.get(0))?;
    for (i, (_name, sql)) in MIGRATIONS.iter().enumerate().skip(before.max(0) as usize) {
        let tx = crate::sqlite::write_tx(conn)?;
        // Another process may have migrated while this one waited for the lock.
        let now: i64 = tx.query_row("PRAGMA user_version", [], |r| r.get(0))?;
        if now > i as i64 {
            continue;
        }
        tx.execute_batch(sql)?;
        tx.execute_batch(&format!("PRAGMA user_version = {}", i + 1))?;
        tx.commit()?;
    }
    Ok(before)
}
