//! Corridor's store: statements with their provenance, registered sources with
//! their grading history, import batches, derived facts and the audit log.
//!
//! [`Store`] is the narrow interface the rest of Corridor uses; [`SqliteStore`] is
//! the embedded single-file implementation (bundled SQLite, WAL). A PostgreSQL
//! implementation can follow behind the same trait: the SQL is kept portable and
//! nothing above this crate sees SQL.
//!
//! Invariants:
//! - a batch is one transaction: after a crash the store has all of it or none;
//! - statements are never updated or deleted by ingest: a changed source row adds
//!   a new version and the old statements stay as history;
//! - every write appends to the hash-chained audit log inside the same transaction
//!   as the act itself; every read of personal data and every export is logged
//!   before anything is handed out: in the chain, or, while another process holds
//!   the write lock (a long ingest), in the store's read log (`STORE.readlog`),
//!   from which the next writer moves it into the chain (see `readlog.rs`).

mod audit;
mod backup;
mod batch;
mod chain;
mod checks;
mod directory;
mod disclosures;
mod error;
mod evidence;
mod exports;
mod hits;
mod hold;
mod links;
mod lock;
mod matching;
mod migrations;
mod partners;
mod read;
mod readlog;
mod rectify;
mod resolution;
mod sqlite;

pub use audit::{AuditAction, AuditEntry, AuditProblem, AuditRecord, AuditReport, GENESIS, NodePublicKey};
pub use backup::{BackupReport, RestoreReport, journal_path};
pub use batch::{BatchSpec, BatchSummary, EntityWrite, ProvenanceSpec, RowOutcome, RowWrite, StatementWrite};
pub use checks::{FindingWrite, StoredFinding, StoredWatchlist, WatchlistEntry, WatchlistSpec};
pub use corridor_node_key::{Anchor, NodeKey, default_path as node_key_path};
pub use directory::{CaseRecord, Directory, LoginAttempt, NewUser, PurposeRecord, TokenRecord, UserChange, UserRecord};
pub use disclosures::{DisclosedRecordRow, DisclosureRecord, NewDisclosure, PendingNotice};
pub use error::{Error, Result};
pub use exports::{ExportDraft, ExportRecord, ExportState};
pub use hits::{HitQueryRecord, NewHitQuery, TagSet};
pub use hold::{HoldReport, HoldRequest, HoldState, RecordHold};
pub use links::{EntityPlace, IndexedEntity, KeyDigest, KeyDigester, LinkIndex, LinkIndexBuilder, Reference};
pub use lock::{NodeLock, StoreShare, lock_path, writers_path};
pub use matching::{MatchAdditions, MatchBlock};
pub use partners::{NewPartner, PartnerRecord};
pub use read::{ConsistencyReport, DerivedFact, GradeChange, PersonReview, SourceInfo, Stats};
pub use rectify::{Rectification, Rectified, RectifyRequest, StatementOrigin};
pub use resolution::{Decision, DecisionKind, ResolutionRun, ResolutionWrite, ReviewPair};
pub use sqlite::{SqliteBatch, SqliteStore, WAL_LIMIT_PAGES};

use corridor_model::{Entity, EntityEvidence, EntityValues, RetentionPolicy, SourceReliability};

/// A registered source, as ingest names it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SourceSpec {
    pub agency: String,
    pub country: String,
    pub agency_name: String,
    pub unit: String,
    pub informant_code: String,
}

/// The operations Corridor needs from a store, whatever holds it.
pub trait Store: Directory {
    /// Registers (or finds) a source and returns its id.
    fn register_source(&mut self, source: &SourceSpec) -> Result<i64>;

    /// Every registered source with its reliability history.
    fn sources(&self) -> Result<Vec<SourceInfo>>;

    /// Records a new reliability grade for a source; old statements show it from now on.
    fn grade_source(&mut self, source_id: i64, grade: SourceReliability, reason: &str, actor: &str) -> Result<()>;

    /// Starts a batch: one import of one file, written atomically.
    fn begin_batch(&mut self, spec: &BatchSpec) -> Result<Box<dyn Batch + '_>>;

    /// Reads an entity with every statement, current and historical, and logs the read.
    fn entity(&mut self, id: &str, actor: &str, purpose: &str) -> Result<Option<Entity>>;

    /// Every entity of `schema` with its current statements, logged as a read of
    /// personal data (who, why, how many).
    fn entities_of_schema(&mut self, schema: &str, actor: &str, purpose: &str) -> Result<Vec<Entity>>;

    /// The current values of every entity of these schemata, without per-statement
    /// provenance, in one pass: for bulk analysis of the whole store. Logged as a
    /// read of personal data like [`Store::entities_of_schema`].
    /// Which current entity names which in an entity-valued property, with every
    /// entity's schema, keys digested and no other value: what decides which
    /// entities a graph needs before any is read. Not logged: it holds no personal
    /// data.
    fn link_index(&self) -> Result<LinkIndex>;

    /// The current evidence of the entities at `places` (from [`Store::link_index`])
    /// alone, logged as one read of `what`.
    fn entity_evidence_at(
        &mut self,
        places: &[EntityPlace],
        what: &str,
        actor: &str,
        purpose: &str,
    ) -> Result<Vec<EntityEvidence>>;

    fn entity_values(&mut self, schemata: &[&str], actor: &str, purpose: &str) -> Result<Vec<EntityValues>>;

    /// Every entity of these schemata with its current statements and what evidence
    /// needs of their provenance (agency, grading after any downgrade, handling):
    /// what the investigation graph reads. Logged as one read with the purpose.
    fn entity_evidence(&mut self, schemata: &[&str], actor: &str, purpose: &str) -> Result<Vec<EntityEvidence>>;

    /// [`Store::entity_values`] one source record at a time: `each` gets the
    /// entities one row produced (all a relation in that row can point at), so a
    /// million persons can be turned into what the caller needs without holding
    /// every entity at once. The entities are the caller's to keep or to hand to
    /// another thread (resolution builds records there while the store reads on).
    /// Logged the same way.
    fn entity_values_by_record(
        &mut self,
        schemata: &[&str],
        actor: &str,
        purpose: &str,
        each: &mut dyn FnMut(Vec<EntityValues>),
    ) -> Result<usize>;

    /// How many entities of these schemata the store holds (every version's: at least
    /// as many as a bulk read hands over), counted without reading any value: for a
    /// caller to size what it builds from a bulk read once instead of growing it.
    fn count_entities(&self, schemata: &[&str]) -> Result<usize>;

    /// The entities of these schemata in their records' current versions, with their
    /// data set, agency and source record but no values, in the order they were
    /// stored: what an export of the identity mapping lists. Not a read of personal
    /// data (ids and origins only); the export that uses it is logged by its caller.
    fn entity_origins(&self, schemata: &[&str]) -> Result<Vec<EntityValues>>;

    /// The entities of `schema` that one batch wrote, logged as a read like
    /// [`Store::entities_of_schema`]; checks at ingest use it.
    fn entities_of_batch(&mut self, batch: i64, schema: &str, actor: &str, purpose: &str) -> Result<Vec<Entity>>;

    /// Imports a stolen/lost document list, replacing one of the same name; logged.
    fn import_watchlist(&mut self, spec: &WatchlistSpec, entries: &[WatchlistEntry], actor: &str) -> Result<i64>;

    /// Every stored watchlist with its provenance and entries.
    fn watchlists(&self) -> Result<Vec<StoredWatchlist>>;

    /// Stores the findings of a check run (`origin` names it); a finding already
    /// stored is kept as first found. Returns how many were new.
    fn record_findings(&mut self, findings: &[FindingWrite], origin: &str, actor: &str) -> Result<u64>;

    /// Stored findings about one entity, or all of them.
    fn findings(&self, entity: Option<&str>) -> Result<Vec<StoredFinding>>;

    /// Stores a resolution run, replacing the previous mapping and review list; logged.
    fn record_resolution(&mut self, run: &ResolutionWrite, actor: &str, purpose: &str) -> Result<i64>;

    /// Adds records matched incrementally (at ingest) to the latest run's mapping,
    /// with their review pairs; logged with `origin`.
    fn add_identity_links(
        &mut self,
        links: &[(String, String)],
        review: &[ReviewPair],
        index: &MatchAdditions,
        origin: &str,
        actor: &str,
    ) -> Result<()>;

    /// Every record → identity link where the two differ, as digests under
    /// `digester`: the identity mapping of a million records without a million
    /// strings (see [`LinkIndex`]). Whether any run resolved anything is
    /// `latest_resolution`.
    fn identity_digests(&self, digester: &KeyDigester) -> Result<std::collections::HashMap<KeyDigest, KeyDigest>>;

    /// A number that grows with every change to what views of the data derive
    /// from (a committed batch, a resolution run or match at ingest, a source
    /// regraded): the key of a cache of such a view.
    fn data_version(&self) -> Result<i64>;

    /// The run whose matching index the store holds (see [`MatchBlock`]), if its
    /// keys were made in format `format` (the rules and hash that made them).
    fn match_index_run(&self, format: &str) -> Result<Option<i64>>;

    /// Replaces the matching index with that of run `run`: each resolved person
    /// record with its blocking keys (made in `format`), and every name value with
    /// its count.
    fn replace_match_index(
        &mut self,
        run: i64,
        format: &str,
        records: &mut dyn Iterator<Item = (String, Vec<i64>)>,
        names: &mut dyn Iterator<Item = (String, u32)>,
    ) -> Result<()>;

    /// The blocks of `keys` in the matching index, each with its limit: the
    /// records holding it where fewer than the limit.
    fn match_blocks(&self, keys: &[(i64, usize)]) -> Result<Vec<MatchBlock>>;

    /// The ids of the entities of `schema` one batch wrote (not logged: ids only).
    fn entity_ids_of_batch(&self, batch: i64, schema: &str) -> Result<Vec<String>>;

    /// How many records of the index have each of `values` as their name, and how
    /// many have a name.
    fn name_counts(&self, values: &[String]) -> Result<(std::collections::HashMap<String, u32>, u32)>;

    /// The identity of each of `entities` that the latest run (or a match since)
    /// resolved.
    fn identities_of(&self, entities: &[String]) -> Result<Vec<(String, String)>>;

    /// Every `(record, identity)` of the identities named.
    fn identity_members(&self, identities: &[String]) -> Result<Vec<(String, String)>>;

    /// The current values of the entities of `schemata` in the source rows of the
    /// records named (entity ids), a group per row, logged as one read.
    fn values_of_records(
        &mut self,
        entities: &[String],
        schemata: &[&str],
        actor: &str,
        purpose: &str,
    ) -> Result<Vec<Vec<EntityValues>>>;

    /// The latest resolution run, if any.
    fn latest_resolution(&self) -> Result<Option<ResolutionRun>>;

    /// `(record entity, identity)` of the latest run, in no particular order (sort
    /// what needs an order; at a million links the ordered read was a quarter of an
    /// export).
    fn identity_links(&self) -> Result<Vec<(String, String)>>;

    /// Pairs the latest run held for review.
    fn resolution_review(&self) -> Result<Vec<ReviewPair>>;

    /// Records an analyst's decision on a pair (`confirm` or `reject`) with the
    /// reason; logged. A later decision on the same pair overrides it (undo).
    fn decide(&mut self, a: &str, b: &str, decision: DecisionKind, reason: &str, actor: &str) -> Result<i64>;

    /// The decision in force on each decided pair.
    fn decisions(&self) -> Result<Vec<Decision>>;

    /// Records a fact derived from stored statements.
    fn record_derived(&mut self, kind: &str, description: &str, basis: &[i64], actor: &str) -> Result<i64>;

    /// Reads a derived fact with the restrictions computed from its basis now.
    fn derived(&self, id: i64) -> Result<Option<DerivedFact>>;

    /// Counts for `corridor stats`.
    fn stats(&self) -> Result<Stats>;

    /// The retention policy in force.
    fn retention_policy(&self) -> Result<RetentionPolicy>;

    /// Persons with their category and review date.
    fn person_reviews(&self) -> Result<Vec<PersonReview>>;

    /// A record's internal id from its data set and key.
    fn record_id(&self, dataset: &str, key: &str) -> Result<Option<i64>>;

    /// Erases records (internal ids) and what was derived from them, leaving
    /// tombstones (see `hold.rs`); `fresh_secret` becomes the node's secret for
    /// erased-row digests if it has none. Call [`Store::compact`] after.
    fn erase_records(&mut self, records: &[i64], request: &HoldRequest<'_>, fresh_secret: &str) -> Result<HoldReport>;

    /// Restricts records (Art. 16): no read path sees them until lifted.
    fn restrict_records(&mut self, records: &[i64], request: &HoldRequest<'_>) -> Result<HoldReport>;

    /// Lifts the restriction of records.
    fn lift_restriction(&mut self, records: &[i64], request: &HoldRequest<'_>) -> Result<HoldReport>;

    /// Keeps a record until a new review date.
    fn keep_record(&mut self, record: i64, review_date: chrono::NaiveDate, request: &HoldRequest<'_>) -> Result<()>;

    /// Every restricted or erased record.
    fn holds(&self) -> Result<Vec<RecordHold>>;

    /// The strictest handling code of each entity's current statements (no value is
    /// read); entities not found are absent.
    fn strictest_handling(
        &self,
        entities: &[String],
    ) -> Result<std::collections::HashMap<String, corridor_model::HandlingCode>>;

    /// The statements of a restricted record, for the DPO alone.
    fn held_statements(&self, record: i64) -> Result<Vec<corridor_model::Statement>>;

    /// Where a statement is (entity, property, data set, handling), or None.
    fn statement_origin(&self, statement: i64) -> Result<Option<StatementOrigin>>;

    /// Corrects a current statement (Art. 16(1)): the record's current statements
    /// are written again as its new version, in a batch of their own, with the
    /// corrected value; the old statement stays as history, marked with who
    /// rectified it, when and why (see `rectify.rs`). Logged.
    fn rectify(&mut self, request: &RectifyRequest<'_>) -> Result<Rectified>;

    /// The rectifications that name any of `statements`, as corrected or correcting.
    fn rectifications(&self, statements: &[i64]) -> Result<Vec<Rectification>>;

    /// Records an export request (logged); returns its id.
    fn draft_export(&mut self, draft: &ExportDraft<'_>) -> Result<i64>;

    /// An export request.
    fn export_request(&self, id: i64) -> Result<Option<ExportRecord>>;

    /// A case's export requests, newest first (the last thousand).
    fn export_requests(&self, case_id: i64) -> Result<Vec<ExportRecord>>;

    /// Moves an export request from `from` to `to` (approved, refused, produced),
    /// logged; false when it was no longer in `from`.
    #[allow(clippy::too_many_arguments)]
    fn advance_export(
        &mut self,
        id: i64,
        from: ExportState,
        to: ExportState,
        user_id: i64,
        actor: &str,
        purpose: &str,
        reason: Option<&str>,
    ) -> Result<bool>;

    /// Empties the write-ahead log and rebuilds the file so that nothing erased
    /// survives in either; false when a reader kept the log from being emptied.
    fn compact(&mut self) -> Result<bool>;

    /// Appends to the audit log on its own (for acts outside a batch), in the chain
    /// at once, waiting for the write lock as long as the store is told to.
    fn audit(&mut self, entry: &AuditEntry) -> Result<AuditRecord>;

    /// Logs a read or an export of personal data before it is handed out: in the
    /// chain when the write lock is free within a moment, otherwise (a long ingest
    /// holds it) durably in the store's read log, from which the next writer moves
    /// it into the chain with the time it was made.
    fn log_access(&mut self, entry: &AuditEntry) -> Result<()>;

    /// Walks the audit chain.
    fn verify_audit(&self) -> Result<AuditReport>;

    /// Up to `limit` audit entries after sequence number `after`, in order: the log
    /// a page at a time (a node's log holds an entry for every read).
    fn audit_page(&self, after: i64, limit: usize) -> Result<Vec<AuditRecord>>;

    /// Up to `limit` record → identity links after entity `after` (`""` for the
    /// first page), by entity.
    fn identity_links_page(&self, after: &str, limit: usize) -> Result<Vec<(String, String)>>;

    /// Checks that every batch is whole and nothing points at a missing batch.
    fn check_consistency(&self) -> Result<ConsistencyReport>;
}

/// One open batch. Dropping it without [`Batch::commit`] leaves the store unchanged.
pub trait Batch {
    /// The id under which this provenance will be stored, interning repeats.
    fn provenance(&mut self, spec: &ProvenanceSpec) -> Result<i64>;

    /// Records the SHA-256 of the file the batch came from, once it has been read.
    fn set_file_sha256(&mut self, sha256: &str) -> Result<()>;

    /// Writes one source row, unless an identical version is already stored.
    fn write_row(&mut self, row: RowWrite<'_>) -> Result<RowOutcome>;

    /// Stores findings of checks run on this batch's rows, inside its transaction,
    /// so they land with the rows or not at all. Returns how many were new.
    fn record_findings(&mut self, findings: &[checks::FindingWrite]) -> Result<u64>;

    /// Commits the batch with its summary; when nothing changed the batch is rolled
    /// back instead, so a re-import leaves the store exactly as it was.
    fn commit(self: Box<Self>, rows_read: u64, rejected: u64) -> Result<BatchSummary>;
}
