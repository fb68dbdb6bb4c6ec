//! The shapes ingest hands to a batch: one source row with the entities and
//! statements it produced, already cleaned and validated.

use corridor_model::{Assessment, Grading, Handling};
use serde::Serialize;

/// One import of one file.
#[derive(Debug, Clone)]
pub struct BatchSpec {
    /// The data set: one mapped file layout of one agency.
    pub dataset: String,
    pub source_id: i64,
    pub file_name: String,
    pub file_sha256: String,
    pub mapping_sha256: String,
    pub actor: String,
    pub purpose: String,
    /// RFC 3339, UTC: when the batch was received; every statement in it carries it.
    pub received_at: String,
}

/// The conditions attached to a group of statements.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct ProvenanceSpec {
    pub source_id: i64,
    pub grading: Grading,
    pub handling: Handling,
    pub assessment: Assessment,
}

/// One value to store.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct StatementWrite {
    pub prop: &'static str,
    pub value: String,
    /// The value as received, when cleaning changed it.
    pub raw: Option<String>,
    /// From [`crate::Batch::provenance`].
    pub provenance_id: i64,
}

/// One entity produced from a row; `name` is its name in the mapping, unique per row.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct EntityWrite {
    pub name: String,
    pub schema: &'static str,
    pub statements: Vec<StatementWrite>,
}

/// One source row.
#[derive(Debug, Clone)]
pub struct RowWrite<'a> {
    /// The row's id in the agency's system, unique within the data set.
    pub record_key: &'a str,
    /// 1-based line or row number in the file, for history and error messages.
    pub row_number: u64,
    /// A hash of everything the row produced; equal hashes mean an unchanged row.
    pub content_hash: [u8; 16],
    pub entities: Vec<EntityWrite>,
}

/// What happened to one row.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum RowOutcome {
    /// A record never seen before.
    New,
    /// A known record whose content changed; the old version stays as history.
    NewVersion,
    /// A known record with identical content: nothing written.
    Unchanged,
    /// The same record id appeared earlier in this file with other content.
    Duplicate { first_row: u64 },
    /// The record was erased or is restricted: the row is refused (see `hold.rs`).
    Held { erased: bool },
}

/// The outcome of a whole batch.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize)]
pub struct BatchSummary {
    /// `None` when nothing changed and the batch was not kept.
    pub batch_id: Option<i64>,
    pub rows_read: u64,
    pub new_records: u64,
    pub new_versions: u64,
    pub unchanged: u64,
    pub rejected: u64,
    pub statements: u64,
}
