//! The append-only, hash-chained audit log (Directive 2016/680 Art. 25): every write,
//! every read of personal data and every export, with who, when, what and why.
//!
//! Each entry's hash covers its own fields, its sequence number and the previous
//! entry's hash, so editing, deleting or reordering entries breaks the chain at a
//! place [`verify`] can name. The newest entry's hash is also kept in `meta` under
//! `audit_head`, updated in the same transaction, so cutting entries off the end is
//! detected too. Triggers refuse UPDATE and DELETE through SQL; the chain is what
//! catches someone who edits the file directly.
//!
//! Anyone able to rewrite the whole file could rebuild a consistent chain, so the
//! chain is anchored outside the file: the node signs its head with its Ed25519 key
//! (kept in a file of its own, `corridor-node-key`) at every batch and for every
//! anchor (`corridor audit anchor`), and [`verify_full`] checks those signatures
//! with a public key that does not come from the store, and the chain against an
//! anchor kept elsewhere. The evidence is under the chain too: each batch's entry
//! carries the hash of its statements' leaf hashes (`evidence.rs`), recomputed on
//! verification, and every committed batch must have its entry.

use rusqlite::{Connection, OptionalExtension, params};
use serde::Serialize;

use crate::error::Result;

pub use crate::chain::GENESIS;

/// What an audit entry records. Stored, hashed and shown as its word; a word
/// this version does not name (a later version's, an entry of one's own) is kept
/// as it is, so no entry is ever read back changed.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub enum AuditAction {
    /// The store was created.
    Init,
    /// A batch was committed.
    Ingest,
    /// An ingest kept no batch but wrote rejected rows to a file.
    IngestRejected,
    /// Personal data was read.
    Read,
    /// Personal data left the store (a file, standard output).
    Export,
    /// A derived fact was recorded.
    Derive,
    /// Findings of checks were recorded.
    FindingRecord,
    /// A resolution run replaced the identity mapping.
    ResolveRun,
    /// Records matched at ingest were added to it.
    ResolveIncremental,
    /// An analyst confirmed a pair.
    ResolveConfirm,
    /// An analyst rejected a pair.
    ResolveReject,
    /// The retention policy was set.
    RetentionSet,
    /// A source was regraded.
    SourceGrade,
    /// A stolen/lost document list was imported.
    WatchlistImport,
    /// A user was added.
    UserAdd,
    /// A user's role, clearance, password, lock-out or state was changed.
    UserChange,
    /// A user logged in.
    Login,
    /// A login failed.
    LoginFailed,
    /// An API token was made.
    TokenCreate,
    /// An API token was revoked.
    TokenRevoke,
    /// A case was opened.
    CaseAdd,
    /// A user joined or left a case.
    CaseMember,
    /// A data set was put into a case.
    CaseData,
    /// A purpose was defined.
    PurposeAdd,
    /// A user was refused case content (not a member, not their role).
    AccessDenied,
    /// Records were erased (Art. 16).
    RecordErase,
    /// Records were restricted (Art. 16).
    RecordRestrict,
    /// A restriction was lifted.
    RecordLift,
    /// A supervisor kept a record past its review date.
    RetentionKeep,
    /// A backup was written.
    Backup,
    /// An export was drafted (what and why), waiting for a supervisor.
    ExportDraft,
    /// A supervisor approved an export.
    ExportApprove,
    /// A supervisor refused an export.
    ExportRefuse,
    /// An approved export was produced (its approval used).
    ExportProduced,
    /// A statement was rectified (Art. 16(1)): a corrected statement added, the
    /// old one marked.
    Rectify,
    /// A partner node was added from its card.
    PartnerAdd,
    /// A partner node was revoked.
    PartnerRevoke,
    /// The sharing agreement with a partner was set or changed.
    AgreementSet,
    /// A message from a partner node was refused (and why).
    ExchangeRefused,
    /// A selector query was sent to a partner (kind, size, reference).
    HitQuery,
    /// A partner's answer to a selector query was received (how many hits).
    HitAnswer,
    /// This node answered a partner's selector query (kind, size, reference).
    ExchangeAnswer,
    /// This node's prepared tags were sent to a partner (kind, count).
    ExchangeTags,
    /// A disclosure was requested (by this node, or of it by a partner).
    DisclosureRequest,
    /// A request for disclosure was approved, approved in part or refused here.
    DisclosureDecide,
    /// The owner's answer to this node's request arrived (and its records were ingested).
    DisclosureAnswer,
    /// Erasure or rectification notices about disclosed records were sent, or
    /// one was received and applied.
    DisclosureNotice,
    /// Any other word.
    Other(String),
}

impl AuditAction {
    const NAMED: [(AuditAction, &'static str); 47] = [
        (AuditAction::Init, "init"),
        (AuditAction::Ingest, "ingest"),
        (AuditAction::IngestRejected, "ingest.rejected"),
        (AuditAction::Read, "read"),
        (AuditAction::Export, "export"),
        (AuditAction::Derive, "derive"),
        (AuditAction::FindingRecord, "finding.record"),
        (AuditAction::ResolveRun, "resolve.run"),
        (AuditAction::ResolveIncremental, "resolve.incremental"),
        (AuditAction::ResolveConfirm, "resolve.confirm"),
        (AuditAction::ResolveReject, "resolve.reject"),
        (AuditAction::RetentionSet, "retention.set"),
        (AuditAction::SourceGrade, "source.grade"),
        (AuditAction::WatchlistImport, "watchlist.import"),
        (AuditAction::UserAdd, "user.add"),
        (AuditAction::UserChange, "user.change"),
        (AuditAction::Login, "login"),
        (AuditAction::LoginFailed, "login.failed"),
        (AuditAction::TokenCreate, "token.create"),
        (AuditAction::TokenRevoke, "token.revoke"),
        (AuditAction::CaseAdd, "case.add"),
        (AuditAction::CaseMember, "case.member"),
        (AuditAction::CaseData, "case.data"),
        (AuditAction::PurposeAdd, "purpose.add"),
        (AuditAction::AccessDenied, "access.denied"),
        (AuditAction::RecordErase, "record.erase"),
        (AuditAction::RecordRestrict, "record.restrict"),
        (AuditAction::RecordLift, "record.lift"),
        (AuditAction::RetentionKeep, "retention.keep"),
        (AuditAction::Backup, "backup"),
        (AuditAction::ExportDraft, "export.draft"),
        (AuditAction::ExportApprove, "export.approve"),
        (AuditAction::ExportRefuse, "export.refuse"),
        (AuditAction::ExportProduced, "export.produced"),
        (AuditAction::Rectify, "rectify"),
        (AuditAction::PartnerAdd, "partner.add"),
        (AuditAction::PartnerRevoke, "partner.revoke"),
        (AuditAction::AgreementSet, "agreement.set"),
        (AuditAction::ExchangeRefused, "exchange.refused"),
        (AuditAction::HitQuery, "hit.query"),
        (AuditAction::HitAnswer, "hit.answer"),
        (AuditAction::ExchangeAnswer, "exchange.answer"),
        (AuditAction::ExchangeTags, "exchange.tags"),
        (AuditAction::DisclosureRequest, "disclosure.request"),
        (AuditAction::DisclosureDecide, "disclosure.decide"),
        (AuditAction::DisclosureAnswer, "disclosure.answer"),
        (AuditAction::DisclosureNotice, "disclosure.notice"),
    ];

    /// Whether the act changes what is derived from the data (the investigation
    /// graph, identities, gradings): committed batches, resolution, regrading.
    pub fn changes_data(&self) -> bool {
        matches!(
            self,
            AuditAction::Ingest
                | AuditAction::ResolveRun
                | AuditAction::ResolveIncremental
                | AuditAction::SourceGrade
                | AuditAction::RecordErase
                | AuditAction::RecordRestrict
                | AuditAction::RecordLift
        )
    }

    /// The word stored and hashed.
    pub fn as_str(&self) -> &str {
        match self {
            AuditAction::Other(word) => word,
            named => AuditAction::NAMED
                .iter()
                .find(|(a, _)| a == named)
                .map_or("", |(_, w)| w),
        }
    }
}

impl Default for AuditAction {
    fn default() -> Self {
        AuditAction::Other(String::new())
    }
}

impl From<&str> for AuditAction {
    fn from(word: &str) -> Self {
        AuditAction::NAMED
            .iter()
            .find(|(_, w)| *w == word)
            .map_or_else(|| AuditAction::Other(word.to_string()), |(a, _)| a.clone())
    }
}

impl From<String> for AuditAction {
    fn from(word: String) -> Self {
        AuditAction::from(word.as_str())
    }
}

impl std::fmt::Display for AuditAction {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.as_str())
    }
}

impl PartialEq<&str> for AuditAction {
    fn eq(&self, other: &&str) -> bool {
        self.as_str() == *other
    }
}

impl rusqlite::types::FromSql for AuditAction {
    fn column_result(v: rusqlite::types::ValueRef<'_>) -> rusqlite::types::FromSqlResult<Self> {
        Ok(AuditAction::from(v.as_str()?))
    }
}

impl Serialize for AuditAction {
    fn serialize<S: serde::Serializer>(&self, s: S) -> std::result::Result<S::Ok, S::Error> {
        s.serialize_str(self.as_str())
    }
}

/// One thing to log.
#[derive(Debug, Clone, Default, Serialize)]
pub struct AuditEntry {
    /// The user or service account that acted.
    pub actor: String,
    /// What was done.
    pub action: AuditAction,
    /// What it was done to: an entity id, a batch, a file.
    pub target: String,
    /// The case or purpose given for it, empty when none was given.
    pub purpose: String,
    /// Anything else worth keeping, usually a small JSON object.
    pub detail: String,
}

/// An entry as stored.
#[derive(Debug, Clone, Serialize)]
pub struct AuditRecord {
    pub seq: i64,
    pub at: String,
    #[serde(flatten)]
    pub entry: AuditEntry,
    pub prev_hash: String,
    pub hash: String,
}

/// Something `verify` found wrong, with the entry it concerns.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(tag = "kind", rename_all = "snake_case")]
pub enum AuditProblem {
    /// The entry's content no longer matches its hash.
    Altered { seq: i64 },
    /// Entries are missing between two sequence numbers.
    Removed { after: i64, before: i64 },
    /// The entry is intact but sits at a different place in the chain.
    Reordered { seq: i64, original_seq: i64 },
    /// The entry does not follow the one before it and nothing more precise could be said.
    ChainBroken { seq: i64 },
    /// Entries after the last one are missing (the recorded head is further on).
    Truncated { last_seq: i64, head_seq: i64 },
    /// A batch's statements no longer hash to the evidence hash in its entry.
    EvidenceAltered { batch: i64, seq: i64 },
    /// A committed batch has no entry in the log.
    BatchUnlogged { batch: i64 },
    /// Evidence an entry logged (a decision, findings, the identity mapping) no
    /// longer hashes to what the entry recorded, or is gone.
    RecordAltered { what: String, seq: i64 },
    /// A row of evidence that no entry logged: added behind the log's back.
    RecordUnlogged { what: String },
    /// A stored signature does not verify with the node's public key, or signs a
    /// head the chain no longer has.
    BadSignature { seq: i64 },
    /// An ingest entry after signing began has no signature.
    Unsigned { seq: i64 },
    /// The chain does not hold the head an anchor kept elsewhere signed.
    AnchorMismatch { seq: i64 },
    /// Heads signed by a key other than the node's: its key was replaced.
    OtherKey { seq: i64, count: usize },
}

impl std::fmt::Display for AuditProblem {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            AuditProblem::Altered { seq } => write!(f, "entry {seq} was altered: its content does not match its hash"),
            AuditProblem::Removed { after, before } => {
                write!(
                    f,
                    "entries {}..={} were removed (between entries {after} and {before})",
                    after + 1,
                    before - 1
                )
            }
            AuditProblem::Reordered { seq, original_seq } => {
                write!(f, "entry {seq} is entry {original_seq} moved: the log was reordered")
            }
            AuditProblem::ChainBroken { seq } => {
                write!(
                    f,
                    "entry {seq} does not follow the entry before it: an entry was removed or replaced"
                )
            }
            AuditProblem::Truncated { last_seq, head_seq } => {
                write!(
                    f,
                    "entries {}..={head_seq} were cut off the end of the log",
                    last_seq + 1
                )
            }
            AuditProblem::EvidenceAltered { batch, seq } => write!(
                f,
                "the statements of batch {batch} were altered: they no longer hash to the evidence hash of entry {seq}"
            ),
            AuditProblem::RecordAltered { what, seq } => {
                write!(f, "{what}, logged by entry {seq}, was altered or removed")
            }
            AuditProblem::RecordUnlogged { what } => {
                write!(
                    f,
                    "{what} is in no entry of the log: it was added behind the log's back"
                )
            }
            AuditProblem::BatchUnlogged { batch } => {
                write!(f, "batch {batch} has no entry in the log: the log was cut or rewritten")
            }
            AuditProblem::BadSignature { seq } => write!(
                f,
                "the node's signature of entry {seq} does not verify with the node's key: the log was rewritten"
            ),
            AuditProblem::Unsigned { seq } => write!(
                f,
                "entry {seq} (an ingest) has no signature of the node: a signature was removed or the log rewritten"
            ),
            AuditProblem::OtherKey { seq, count } => write!(
                f,
                "{count} heads from entry {seq} on are signed by another key than this node's: the node key was replaced, or the log rewritten and signed anew"
            ),
            AuditProblem::AnchorMismatch { seq } => write!(
                f,
                "the log does not hold the anchored head at entry {seq}: entries up to it were rewritten or removed"
            ),
        }
    }
}

/// What `verify` found.
#[derive(Debug, Clone, Serialize)]
pub struct AuditReport {
    pub entries: i64,
    pub head: String,
    pub problems: Vec<AuditProblem>,
    /// Entries of reads made while another process held the write lock, waiting in
    /// the read log to join the chain at the next write.
    pub queued: usize,
}

impl AuditReport {
    pub fn is_intact(&self) -> bool {
        self.problems.is_empty()
    }
}

/// Appends an entry; the caller decides the transaction it belongs to.
pub(crate) fn append(conn: &Connection, at: &str, e: &AuditEntry) -> Result<AuditRecord> {
    // Cached statements: every logged read of a node comes through here.
    let last: Option<(i64, String)> = conn
        .prepare_cached("SELECT seq, hash FROM audit ORDER BY seq DESC LIMIT 1")?
        .query_row([], |r| Ok((r.get(0)?, r.get(1)?)))
        .optional()?;
    let (seq, prev, hash) = crate::chain::link(last, at, e);
    if e.action.changes_data() {
        // What caches of derived views key on (`Store::data_version`): bumped in the
        // transaction of the change itself.
        conn.prepare_cached(
            "INSERT INTO meta (key, value) VALUES ('data_version', ?1) \
             ON CONFLICT (key) DO UPDATE SET value = CAST(CAST(value AS INTEGER) + 1 AS TEXT)",
        )?
        .execute(["1"])?;
    }
    conn.prepare_cached(
        "INSERT INTO audit (seq, at, actor, action, target, purpose, detail, prev_hash, hash) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9)",
    )?
    .execute(params![seq, at, e.actor, e.action.as_str(), e.target, e.purpose, e.detail, prev, hash])?;
    conn.prepare_cached(
        "INSERT INTO meta (key, value) VALUES ('audit_head', ?1) ON CONFLICT (key) DO UPDATE SET value = excluded.value",
    )?
    .execute([format!("{seq}:{hash}")])?;
    Ok(AuditRecord {
        seq,
        at: at.to_string(),
        entry: e.clone(),
        prev_hash: prev,
        hash,
    })
}

/// The current head: the newest entry's sequence number and hash (0 and the
/// genesis hash for an empty log).
pub(crate) fn head(conn: &Connection) -> Result<(i64, String)> {
    let last: Option<(i64, String)> = conn
        .query_row("SELECT seq, hash FROM audit ORDER BY seq DESC LIMIT 1", [], |r| {
            Ok((r.get(0)?, r.get(1)?))
        })
        .optional()?;
    Ok(last.unwrap_or((0, GENESIS.to_string())))
}

/// Keeps the node's signature of the head `seq:hash`.
pub(crate) fn store_signature(
    conn: &Connection,
    public_key: &str,
    seq: i64,
    hash: &str,
    signature: &str,
    at: &str,
) -> Result<()> {
    conn.execute(
        "INSERT INTO audit_signature (seq, hash, public_key, signature, at) VALUES (?1, ?2, ?3, ?4, ?5) \
         ON CONFLICT (seq) DO NOTHING",
        params![seq, hash, public_key, signature, at],
    )?;
    Ok(())
}

/// The node's public key as a verifier has it from outside the store: the key
/// (hex) and the log's length when it was made (every later ingest is signed).
#[derive(Debug, Clone)]
pub struct NodePublicKey {
    pub public_hex: String,
    pub since_seq: i64,
}

/// [`verify`], and then what only an anchor outside the file can prove: the
/// evidence hashes of every batch, that every batch is logged, the node's
/// signatures checked with `key` (from the key file; `None` checks none, and says
/// nothing about them), and the chain against `anchor`.
pub(crate) fn verify_full(
    conn: &Connection,
    key: Option<&NodePublicKey>,
    anchor: Option<&corridor_node_key::Anchor>,
) -> Result<AuditReport> {
    // The log is read once: a node's log holds an entry for every read.
    let all = entries(conn)?;
    let mut report = verify_entries(conn, &all)?;
    let hash_at: std::collections::HashMap<i64, &str> = all.iter().map(|r| (r.seq, r.hash.as_str())).collect();
    // Evidence of each batch, and every committed batch logged.
    let mut logged = std::collections::HashSet::new();
    for rec in all.iter().filter(|r| r.entry.action == "ingest") {
        let Some(batch) = batch_of(rec) else {
            continue;
        };
        logged.insert(batch);
        let detail: serde_json::Value = serde_json::from_str(&rec.entry.detail).unwrap_or_default();
        let Some(expected) = detail["evidence"].as_str() else {
            continue;
        };
        let range: Option<(i64, i64)> = conn
            .query_row(
                "SELECT first_statement, last_statement FROM batch WHERE id = ?1",
                [batch],
                |r| Ok((r.get(0)?, r.get(1)?)),
            )
            .optional()?;
        let found = match range {
            Some((first, last)) => crate::evidence::statements_hash(conn, first, last)?,
            None => String::new(),
        };
        if found != expected {
            report
                .problems
                .push(AuditProblem::EvidenceAltered { batch, seq: rec.seq });
        }
    }
    let mut batches = conn.prepare("SELECT id FROM batch WHERE committed_at IS NOT NULL ORDER BY id")?;
    for batch in batches.query_map([], |r| r.get::<_, i64>(0))? {
        let batch = batch?;
        if !logged.contains(&batch) {
            report.problems.push(AuditProblem::BatchUnlogged { batch });
        }
    }
    other_evidence(conn, &all, &mut report.problems)?;
    // The node's signatures, with a key from outside the store.
    if let Some(NodePublicKey {
        public_hex: public,
        since_seq,
    }) = key
    {
        let public = public.as_str();
        let last_seq = all.last().map_or(0, |r| r.seq);
        if last_seq < *since_seq {
            report.problems.push(AuditProblem::Truncated {
                last_seq,
                head_seq: *since_seq,
            });
        }
        let mut stmt = conn.prepare("SELECT seq, hash, public_key, signature FROM audit_signature ORDER BY seq")?;
        let rows = stmt.query_map([], |r| {
            Ok((
                r.get::<_, i64>(0)?,
                r.get::<_, String>(1)?,
                r.get::<_, String>(2)?,
                r.get::<_, String>(3)?,
            ))
        })?;
        let mut signed = std::collections::HashSet::new();
        let mut other: Option<(i64, usize)> = None;
        for row in rows {
            let (seq, hash, key, signature) = row?;
            // There is no key rotation yet: a head signed by another key means the
            // key was replaced (a lost key file, `init` making a new one) or the log
            // was rewritten and signed with an attacker's key.
            if key != public {
                other.get_or_insert((seq, 0)).1 += 1;
                continue;
            }
            signed.insert(seq);
            let valid = corridor_node_key::verify_head(public, seq, &hash, &signature);
            if !valid || hash_at.get(&seq).copied() != Some(hash.as_str()) {
                report.problems.push(AuditProblem::BadSignature { seq });
            }
        }
        if let Some((seq, count)) = other {
            report.problems.push(AuditProblem::OtherKey { seq, count });
        }
        for rec in all.iter().filter(|r| r.entry.action == "ingest" && r.seq > *since_seq) {
            if !signed.contains(&rec.seq) {
                report.problems.push(AuditProblem::Unsigned { seq: rec.seq });
            }
        }
    }
    if let Some(a) = anchor
        && hash_at.get(&a.seq).copied() != Some(a.hash.as_str())
    {
        report.problems.push(AuditProblem::AnchorMismatch { seq: a.seq });
    }
    Ok(report)
}

/// The evidence other than statements under the chain: analysts' decisions, stored
/// findings, and the record → identity mapping (see `evidence.rs`). Rows older
/// than the first entry that logged their kind's hashes are not judged.
fn other_evidence(conn: &Connection, all: &[AuditRecord], problems: &mut Vec<AuditProblem>) -> Result<()> {
    use crate::evidence;
    let detail = |r: &AuditRecord| serde_json::from_str::<serde_json::Value>(&r.entry.detail).unwrap_or_default();
    let altered = |problems: &mut Vec<AuditProblem>, what: String, seq: i64| {
        problems.push(AuditProblem::RecordAltered { what, seq });
    };
    let mut decisions = std::collections::HashSet::new();
    let mut legacy_decisions = 0usize;
    let mut finding_ranges: Vec<(i64, i64)> = Vec::new();
    let mut legacy_findings = 0usize;
    let mut grades = std::collections::HashSet::new();
    let mut legacy_grades = 0usize;
    let mut links: Option<(i64, String)> = None;
    let mut watchlists: std::collections::BTreeMap<String, (i64, Option<String>)> = std::collections::BTreeMap::new();
    let mut retention: Option<(i64, String)> = None;
    for rec in all {
        let d = detail(rec);
        match rec.entry.action.as_str() {
            "ingest" => {
                let Some(context) = d["context"].as_str() else { continue };
                let Some(batch) = batch_of(rec) else {
                    continue;
                };
                if evidence::batch_context(conn, batch)? != context {
                    altered(
                        problems,
                        format!("the records, entities, provenance or batch row of batch {batch}"),
                        rec.seq,
                    );
                }
            }
            "resolve.confirm" | "resolve.reject" => {
                let (Some(id), Some(leaf)) = (d["decision_id"].as_i64(), d["evidence"].as_str()) else {
                    legacy_decisions += 1;
                    continue;
                };
                decisions.insert(id);
                if evidence::decision_leaf_of(conn, id)?.as_deref() != Some(leaf) {
                    altered(problems, format!("decision {id}"), rec.seq);
                }
            }
            "finding.record" => {
                let (Some(first), Some(last), Some(hash)) =
                    (d["first"].as_i64(), d["last"].as_i64(), d["evidence"].as_str())
                else {
                    legacy_findings += d["new"].as_u64().unwrap_or(0) as usize;
                    continue;
                };
                finding_ranges.push((first, last));
                if evidence::findings_hash(conn, first, last)? != hash {
                    altered(problems, format!("findings {first}..={last}"), rec.seq);
                }
            }
            "source.grade" => {
                let (Some(id), Some(hash)) = (d["grade_id"].as_i64(), d["evidence"].as_str()) else {
                    legacy_grades += 1;
                    continue;
                };
                grades.insert(id);
                if evidence::grade_hash(conn, id)? != hash {
                    altered(problems, format!("source grading {id}"), rec.seq);
                }
            }
            "watchlist.import" => {
                if let Some(name) = rec.entry.target.strip_prefix("watchlist:") {
                    watchlists.insert(name.to_string(), (rec.seq, d["evidence"].as_str().map(str::to_string)));
                }
            }
            "retention.set" => retention = Some((rec.seq, rec.entry.detail.clone())),
            "resolve.run" | "resolve.incremental" | "record.erase" | "record.restrict" | "record.lift" => {
                if let Some(state) = d["links_state"].as_str() {
                    links = Some((rec.seq, state.to_string()));
                }
                if let (Some(hash), Some(id)) = (
                    d["run_evidence"].as_str(),
                    rec.entry
                        .target
                        .strip_prefix("resolution:")
                        .and_then(|i| i.parse::<i64>().ok()),
                ) && evidence::run_hash(conn, id)? != hash
                {
                    altered(problems, format!("resolution run {id}"), rec.seq);
                }
            }
            _ => {}
        }
    }
    // Rows no entry logged: those past the rows of entries written before these
    // hashes existed (a store from an earlier version) were added behind the log.
    let unlogged = |problems: &mut Vec<AuditProblem>,
                    sql: &str,
                    what: &str,
                    legacy: usize,
                    logged: &dyn Fn(i64) -> bool|
     -> Result<()> {
        let mut stmt = conn.prepare(sql)?;
        let ids: Vec<i64> = stmt.query_map([], |r| r.get(0))?.collect::<rusqlite::Result<_>>()?;
        let mut legacy_left = legacy;
        for id in ids {
            if logged(id) {
                continue;
            }
            if legacy_left > 0 {
                legacy_left -= 1;
                continue;
            }
            problems.push(AuditProblem::RecordUnlogged {
                what: format!("{what} {id}"),
            });
        }
        Ok(())
    };
    unlogged(
        problems,
        "SELECT id FROM resolution_decision ORDER BY id",
        "decision",
        legacy_decisions,
        &|id| decisions.contains(&id),
    )?;
    unlogged(
        problems,
        "SELECT id FROM finding ORDER BY id",
        "finding",
        legacy_findings,
        &|id| finding_ranges.iter().any(|(a, b)| (*a..=*b).contains(&id)),
    )?;
    unlogged(
        problems,
        "SELECT id FROM source_reliability ORDER BY id",
        "source grading",
        legacy_grades,
        &|id| grades.contains(&id),
    )?;
    for (name, (seq, hash)) in &watchlists {
        if let Some(hash) = hash
            && evidence::watchlist_hash(conn, name)?.as_deref() != Some(hash.as_str())
        {
            altered(problems, format!("watchlist {name}"), *seq);
        }
    }
    let policy: Option<String> = conn
        .query_row("SELECT value FROM meta WHERE key = 'retention_policy'", [], |r| {
            r.get(0)
        })
        .optional()?;
    let expected = match &retention {
        Some((_, logged)) => Some(logged.clone()),
        None => serde_json::to_string(&corridor_model::RetentionPolicy::default()).ok(),
    };
    if policy.is_some() && policy != expected {
        altered(
            problems,
            "the retention policy".into(),
            retention.as_ref().map_or(0, |r| r.0),
        );
    }
    let now = |state: &str| -> Result<String> {
        if state.len() == 64 {
            evidence::LinkState::legacy_hex_of_table(conn)
        } else {
            Ok(evidence::LinkState::of_table(conn)?.hex())
        }
    };
    if let Some((seq, state)) = links
        && now(&state)? != state
    {
        altered(problems, "the record → identity mapping".into(), seq);
    }
    Ok(())
}

/// The batch an `ingest` entry logged.
fn batch_of(rec: &AuditRecord) -> Option<i64> {
    rec.entry.target.strip_prefix("batch:")?.parse().ok()
}

/// Up to `limit` entries after sequence number `after`, in order.
pub(crate) fn page(conn: &Connection, after: i64, limit: usize) -> Result<Vec<AuditRecord>> {
    let limit = i64::try_from(limit).unwrap_or(i64::MAX);
    let mut stmt = conn.prepare_cached(
        "SELECT seq, at, actor, action, target, purpose, detail, prev_hash, hash FROM audit \
         WHERE seq > ?1 ORDER BY seq LIMIT ?2",
    )?;
    let rows = stmt.query_map(params![after, limit], record)?;
    Ok(rows.collect::<Result<Vec<_>, _>>()?)
}

fn record(r: &rusqlite::Row<'_>) -> rusqlite::Result<AuditRecord> {
    Ok(AuditRecord {
        seq: r.get(0)?,
        at: r.get(1)?,
        entry: AuditEntry {
            actor: r.get(2)?,
            action: r.get::<_, String>(3)?.into(),
            target: r.get(4)?,
            purpose: r.get(5)?,
            detail: r.get(6)?,
        },
        prev_hash: r.get(7)?,
        hash: r.get(8)?,
    })
}

/// Reads every entry in sequence order.
pub(crate) fn entries(conn: &Connection) -> Result<Vec<AuditRecord>> {
    let mut stmt = conn
        .prepare("SELECT seq, at, actor, action, target, purpose, detail, prev_hash, hash FROM audit ORDER BY seq")?;
    let rows = stmt.query_map([], record)?;
    Ok(rows.collect::<Result<Vec<_>, _>>()?)
}

/// Walks the chain and names every entry that is not where and what it should be.
pub(crate) fn verify(conn: &Connection) -> Result<AuditReport> {
    verify_entries(conn, &entries(conn)?)
}

/// [`verify`] of the entries `all` already read (the whole log, in order).
fn verify_entries(conn: &Connection, all: &[AuditRecord]) -> Result<AuditReport> {
    let head: Option<String> = conn
        .query_row("SELECT value FROM meta WHERE key = 'audit_head'", [], |r| r.get(0))
        .optional()?;
    let checked = crate::chain::check(all, head.as_deref());
    Ok(AuditReport {
        entries: all.len() as i64,
        head: format!("{}:{}", checked.last_seq, checked.last_hash),
        problems: checked.problems,
        queued: 0,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_action_reads_back_as_itself_and_an_unknown_word_is_kept() {
        for (action, word) in AuditAction::NAMED {
            assert_eq!(action.as_str(), word);
            assert_eq!(AuditAction::from(word), action);
        }
        let mut words: Vec<&str> = AuditAction::NAMED.iter().map(|(_, w)| *w).collect();
        words.sort_unstable();
        words.dedup();
        assert_eq!(words.len(), AuditAction::NAMED.len());
        let own = AuditAction::from("review");
        assert_eq!(own, AuditAction::Other("review".into()));
        assert_eq!(own.as_str(), "review");
        assert_eq!(
            serde_json::to_string(&AuditAction::ResolveRun).expect("json"),
            "\"resolve.run\""
        );
    }
}
