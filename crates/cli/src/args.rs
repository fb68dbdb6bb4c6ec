//! The command line, defined with clap.

use std::path::PathBuf;

use corridor_app::network::NetworkQuery;
use corridor_app::resolution::RunSettings;

use clap::{Args, Parser, Subcommand};

use crate::exit::EXIT_CODES_HELP;

/// Corridor: a node for holding, linking and lawfully sharing intelligence on
/// migrant-smuggling networks.
#[derive(Debug, Parser)]
#[command(
    name = "corridor",
    version,
    about = "Corridor: a node for holding, linking and lawfully sharing intelligence on migrant-smuggling networks",
    after_help = EXIT_CODES_HELP
)]
pub struct Cli {
    #[command(flatten)]
    pub global: Global,
    #[command(subcommand)]
    pub command: Command,
}

#[derive(Debug, Args)]
pub struct Global {
    /// The store file [default: corridor.db; for demo: DIR/corridor.db].
    #[arg(long, global = true, env = "CORRIDOR_STORE")]
    pub store: Option<PathBuf>,
    /// Print machine-readable JSON instead of text.
    #[arg(long, global = true)]
    pub json: bool,
    /// Who is acting, for the audit log (default: the login name): 1 to 128
    /// characters, no control characters.
    #[arg(long = "user", global = true, env = "CORRIDOR_USER", value_parser = actor)]
    pub user: Option<String>,
    /// The case or purpose of this action, for the audit log: at most 1,000
    /// characters, no control characters.
    #[arg(long, global = true, default_value = "", value_parser = purpose)]
    pub purpose: String,
    /// The case this work is for. Once the node has users, reading case content
    /// needs --case (a case you are a member of) and --purpose (one the node
    /// defines), and `ingest --case` puts the new data set into the case.
    #[arg(long = "case", global = true, value_name = "CASE")]
    pub case: Option<String>,
    /// Seconds to wait for another command's write to finish (an ingest holds the
    /// store's write lock for its whole batch) before giving up: 0 to 3600.
    #[arg(long, global = true, default_value = "10", value_name = "SECONDS", value_parser = wait_seconds)]
    pub wait: f64,
    /// Open the store read-only, as for an archived copy: nothing is written, reads
    /// of personal data (which must be logged) are refused; `audit verify`, `check`
    /// and `stats` work. A store that cannot be written is opened so anyway.
    #[arg(long, global = true)]
    pub read_only: bool,
    /// The node's key file (Ed25519; made by `init`, readable by its owner only,
    /// kept outside the store) [default: the store's path with .key appended].
    #[arg(long, global = true, env = "CORRIDOR_KEY")]
    pub key: Option<PathBuf>,
    /// Replace output files that already exist (--out, --pairs, --nodes,
    /// --save-model); without it they are refused.
    #[arg(long, global = true)]
    pub force: bool,
    /// The certificate authorities (PEM) that partner nodes' HTTPS certificates
    /// are checked against, for exchanges online (no public roots are trusted).
    #[arg(long, global = true, env = "CORRIDOR_PARTNER_CA", value_name = "FILE")]
    pub partner_ca: Option<PathBuf>,
}

/// A wait in seconds: finite, 0 to an hour.
fn wait_seconds(s: &str) -> Result<f64, String> {
    match s.trim().parse::<f64>() {
        Ok(w) if (0.0..=3600.0).contains(&w) => Ok(w),
        _ => Err(format!("--wait {s}: expected seconds from 0 to 3600")),
    }
}

/// An actor for the audit log (the rules are the application's, see
/// `corridor_app::validate_actor`).
pub fn actor(s: &str) -> Result<String, String> {
    corridor_app::validate_actor(s).map_err(|e| {
        if s.trim().is_empty() {
            format!("{e}, or leave --user out to use the login name")
        } else {
            e.to_string()
        }
    })
}

/// A purpose for the audit log (see [`actor`]); empty is allowed.
pub fn purpose(s: &str) -> Result<String, String> {
    corridor_app::validate_purpose(s).map_err(|e| e.to_string())
}

#[derive(Debug, Subcommand)]
pub enum Command {
    /// Create an empty store (or bring an existing one to the current schema).
    Init(InitArgs),
    /// Generate a synthetic multi-agency data set with ground truth.
    Synth(SynthArgs),
    /// Ingest one agency file through its mapping, as one atomic batch.
    Ingest(IngestArgs),
    /// Show counts of what the store holds.
    Stats,
    /// Show one entity with every statement and its provenance (logged as a read).
    Show(ShowArgs),
    /// Correct a statement found wrong (Art. 16(1)): a corrected statement is added as
    /// the record's new version, the old one stays as history, marked with who, when
    /// and why; the record is matched again. Statement ids are those `show` prints
    /// (#N). Once the node has users: a case worker, with --case and --purpose
    Rectify(RectifyArgs),
    /// List persons with their data-subject category and review date.
    Review(ReviewArgs),
    /// Registered sources and their reliability grades.
    #[command(subcommand)]
    Source(SourceCommand),
    /// Read and verify the audit log.
    #[command(subcommand)]
    Audit(AuditCommand),
    /// Check that every batch in the store is whole.
    Check,
    /// Names across scripts: comparison keys and similarity.
    #[command(subcommand)]
    Names(NamesCommand),
    /// Machine-readable zones of travel documents (ICAO Doc 9303).
    #[command(subcommand)]
    Mrz(MrzCommand),
    /// Travel-document fraud checks over the store.
    #[command(subcommand)]
    Docs(DocsCommand),
    /// Entity resolution: which records are the same person.
    #[command(subcommand)]
    Resolve(ResolveCommand),
    /// Stolen/lost document lists (national lists, Interpol SLTD extracts), checked at
    /// every ingest from the moment they are imported.
    #[command(subcommand)]
    Watchlist(WatchlistCommand),
    /// Smuggling networks in the store: who works with whom, brokers, and how two
    /// people are connected, on the evidence the reader may use (reads are logged).
    #[command(subcommand)]
    Network(NetworkCommand),
    /// Movements and routes: tracks, weekly flows between places, spikes (reads are logged).
    #[command(subcommand)]
    Routes(RoutesCommand),
    /// Network analysis on a plain edge list, for side-by-side runs with other tools.
    #[command(subcommand)]
    Graph(GraphCommand),
    /// Run the whole chain on synthetic data: generate, ingest every agency's files, summarise.
    Demo(DemoArgs),
    /// Serve the node's JSON API (`/api/v1`, described at /api/v1/openapi.json) on
    /// ADDR until interrupted. Requests authenticate with API tokens (`corridor
    /// token create`); every route passes the node's policy.
    Serve {
        /// Address and port to listen on; a loopback address unless the node is
        /// meant to be reached from other machines.
        #[arg(long, default_value = "127.0.0.1:8080")]
        listen: String,
        /// Serve HTTPS with this certificate chain (PEM); needs --tls-key.
        #[arg(long, requires = "tls_key", value_name = "PEM")]
        tls_cert: Option<std::path::PathBuf>,
        /// The certificate's private key (PEM).
        #[arg(long, requires = "tls_cert", value_name = "PEM")]
        tls_key: Option<std::path::PathBuf>,
    },
    /// Write a consistent, verified snapshot of the store to a new file (an
    /// administrator, once the node has users); prints its SHA-256.
    Backup {
        /// The backup file to write (must not exist).
        #[arg(long, value_name = "FILE")]
        to: std::path::PathBuf,
    },
    /// Restore a backup as the store (--store): every record erased since the
    /// backup is erased again, from the erasure journal beside the store and the
    /// store being replaced, which is moved aside. Stop the node server first.
    Restore {
        /// The backup file.
        #[arg(long, value_name = "FILE")]
        from: std::path::PathBuf,
    },
    /// The retention queue for the data-protection officer: persons' records due for
    /// review, without content (opaque ids, categories, dates, agencies); logged.
    ///
    /// Its subcommands keep, restrict and erase records (Directive 2016/680 Art. 5
    /// and 16): the DPO names records by the queue's opaque ids, a case's supervisor
    /// by entity id with --case.
    #[command(args_conflicts_with_subcommands = true)]
    Retention {
        /// Only records due on or before this day (YYYY-MM-DD).
        #[arg(long, value_name = "DAY")]
        due: Option<String>,
        #[command(subcommand)]
        command: Option<RetentionCommand>,
    },
    /// Export requests of a case: list them; a supervisor approves or refuses one
    /// (never their own). Drafting and producing are options of the exporting
    /// command (`--draft "why"`, then `--approved ID`).
    #[command(subcommand)]
    Export(ExportCommand),
    /// The node's users: add, list, change role or clearance, disable, unlock, reset
    /// a password. Once a node has users, these need --user naming an administrator.
    #[command(subcommand)]
    User(UserCommand),
    /// API tokens for the node server (`Authorization: Bearer …`).
    #[command(subcommand)]
    Token(TokenCommand),
    /// Cases (need-to-know): who works on which data sets.
    #[command(subcommand)]
    Case(CaseCommand),
    /// The purposes requests for personal data may name.
    #[command(subcommand)]
    Purpose(PurposeCommand),
    /// This node's identity towards partner nodes: `node card` writes the partner
    /// card to hand them, with the fingerprint to read out to them.
    #[command(subcommand)]
    Node(NodeCommand),
    /// Partner nodes: add one from its card (only with the fingerprint the partner
    /// read out to you by another channel), list them, revoke one.
    #[command(subcommand)]
    Partner(PartnerCommand),
    /// The sharing agreement with a partner: what it may match, for which purposes,
    /// how much a day, until when, and who approves disclosures.
    #[command(subcommand)]
    Agreement(AgreementCommand),
    /// Hit/no-hit: ask a partner node which of the case's selectors it holds
    /// (private set intersection: it learns none of them), and list the answers.
    /// Needs --case and --purpose.
    #[command(subcommand)]
    Hit(HitCommand),
    /// Messages between partner nodes carried as files: prepare this node's tags
    /// for a partner, answer a partner's query, receive a partner's tags or answer.
    #[command(subcommand)]
    Exchange(ExchangeCommand),
    /// After a hit: ask the partner for the record behind it (a case member), and,
    /// at the owning node, list, show, approve (in part) or refuse partners'
    /// requests (the agreement's approver; any supervisor once overdue).
    #[command(subcommand)]
    Disclosure(DisclosureCommand),
}

#[derive(Debug, Subcommand)]
pub enum DisclosureCommand {
    /// Ask for the record behind a hit of the case (its reference, as `hit list`
    /// shows it), naming the legal basis; writes the request for the partner.
    Request {
        /// The partner's reference of the hit.
        #[arg(long)]
        hit: String,
        /// The legal basis relied on (an article and the case's reference).
        #[arg(long)]
        legal_basis: String,
        /// The request file to write; without it the request goes online.
        #[arg(long, value_name = "FILE")]
        out: Option<std::path::PathBuf>,
    },
    /// The case's requests to partners, or with --received the requests partners
    /// made of this node (a supervisor), overdue ones marked.
    List {
        #[arg(long)]
        received: bool,
    },
    /// What would go for a partner's request: the records behind its hit, every
    /// statement with its id (a logged read).
    Show { reference: String },
    /// Approve a partner's request, all of it or --only the statements named;
    /// writes the answer (the records sealed to the partner's key).
    Approve {
        reference: String,
        /// Statement ids (as `disclosure show` lists them), comma-separated.
        #[arg(long, value_delimiter = ',')]
        only: Option<Vec<i64>>,
        /// Why only part goes (required with --only).
        #[arg(long, default_value = "")]
        reason: String,
        /// The answer file to write; without it the answer goes online.
        #[arg(long, value_name = "FILE")]
        out: Option<std::path::PathBuf>,
    },
    /// Send again the answer to a partner's request decided here, when it did not
    /// arrive (the same decision and records, sealed anew).
    Resend {
        reference: String,
        /// The answer file to write; without it the answer goes online.
        #[arg(long, value_name = "FILE")]
        out: Option<std::path::PathBuf>,
    },
    /// Refuse a partner's request, saying why; writes the answer.
    Refuse {
        reference: String,
        #[arg(long)]
        reason: String,
        /// The answer file to write; without it the answer goes online.
        #[arg(long, value_name = "FILE")]
        out: Option<std::path::PathBuf>,
    },
}

#[derive(Debug, Subcommand)]
pub enum HitCommand {
    /// Write a query for a partner: the selectors of FILE (one per line, as
    /// written), blinded; send the file to the partner by any secure channel.
    Query {
        /// The partner's name on this node.
        #[arg(long)]
        partner: String,
        /// phone, travel-document, plate, iban or vessel.
        #[arg(long)]
        kind: String,
        /// The selectors, one per line.
        #[arg(long, value_name = "FILE")]
        selectors: std::path::PathBuf,
        /// The query file to write (must not exist); without it the query goes
        /// to the partner online (HTTPS, --partner-ca) and the hits come back.
        #[arg(long, value_name = "FILE")]
        out: Option<std::path::PathBuf>,
    },
    /// The case's queries to partners, newest first, with their hits.
    List,
    /// For the data-protection officer: which queries to partners held a given
    /// selector (who, case, purpose, when; never their hits). Logged.
    Audit {
        #[arg(long)]
        kind: String,
        #[arg(long)]
        value: String,
    },
}

#[derive(Debug, Subcommand)]
pub enum ExchangeCommand {
    /// Bring this node's tags of a kind up to date for a partner and write them
    /// for it (an administrator; only kinds its agreement covers).
    Tags {
        #[arg(long)]
        partner: String,
        #[arg(long)]
        kind: String,
        #[arg(long, value_name = "FILE")]
        out: std::path::PathBuf,
    },
    /// Answer a partner's query file after checking it and the agreement (an
    /// administrator); writes the answer file for the partner.
    Answer {
        /// The partner's query file.
        file: std::path::PathBuf,
        #[arg(long, value_name = "FILE")]
        out: std::path::PathBuf,
    },
    /// Receive a partner's message: its tags, a disclosure request, or an erasure
    /// or rectification notice (an administrator; a notice is applied at once); its
    /// answer to one of the case's queries or disclosure requests (a member of that
    /// case, with --case and --purpose).
    Receive { file: std::path::PathBuf },
    /// Seal the erasure and rectification notices owed to partners that records
    /// were disclosed to, one file each into DIR (an administrator).
    Notices {
        /// Where the notice files go (with --send: those not delivered).
        #[arg(long, value_name = "DIR")]
        out: std::path::PathBuf,
        /// Deliver each to its partner online (HTTPS, --partner-ca).
        #[arg(long)]
        send: bool,
    },
}

#[derive(Debug, Subcommand)]
pub enum NodeCommand {
    /// Write this node's partner card (its name, country, address and public keys,
    /// signed by the node key); prints the fingerprint partners must check.
    Card {
        /// The node's name as partners will see it, e.g. "RS Border Police, Belgrade".
        #[arg(long)]
        name: String,
        /// ISO 3166-1 alpha-2 country code (EU for a Union agency).
        #[arg(long)]
        country: String,
        /// Where the node answers partners (https://...); leave out for files only.
        #[arg(long, default_value = "")]
        address: String,
        /// Write the card to this file (must not exist) instead of standard output.
        #[arg(long, value_name = "FILE")]
        out: Option<std::path::PathBuf>,
    },
}

#[derive(Debug, Subcommand)]
pub enum PartnerCommand {
    /// Add a partner from its card file.
    Add {
        /// This node's short name for the partner (ASCII), e.g. gr-hp.
        name: String,
        /// The partner's card (from `corridor node card` on its node).
        #[arg(long, value_name = "FILE")]
        card: std::path::PathBuf,
        /// The fingerprint the partner read out to you by another channel.
        #[arg(long)]
        fingerprint: String,
    },
    /// List the partners, with their fingerprints and agreements.
    List,
    /// Revoke a partner: nothing more is accepted from it.
    Revoke {
        name: String,
        #[arg(long)]
        reason: String,
    },
}

#[derive(Debug, Subcommand)]
pub enum AgreementCommand {
    /// Set (or replace) the agreement with a partner.
    Set {
        /// The partner's name on this node.
        partner: String,
        /// Selector kinds it may match, comma-separated: phone, travel-document,
        /// plate, iban, vessel, person-identity.
        #[arg(long, value_delimiter = ',', required = true)]
        kinds: Vec<String>,
        /// This node's purposes a query may name, comma-separated.
        #[arg(long, value_delimiter = ',', required = true)]
        purposes: Vec<String>,
        /// Oblivious evaluations (selectors queried) allowed per UTC day.
        #[arg(long)]
        budget: u64,
        /// The most selectors in one query.
        #[arg(long)]
        max_query: u64,
        /// The last day the agreement is in force (YYYY-MM-DD).
        #[arg(long)]
        expires: String,
        /// The supervisor who approves disclosures under it.
        #[arg(long)]
        approver: String,
        /// Data received from this partner may be matched for other partners
        /// (the third-party rule: off unless the partner agreed).
        #[arg(long)]
        onward_use: bool,
    },
    /// Show the agreement with a partner.
    Show { partner: String },
}

#[derive(Debug, Subcommand)]
pub enum UserCommand {
    /// Add a user; the password is read from standard input (one line).
    Add {
        name: String,
        /// analyst, supervisor, dpo or admin.
        #[arg(long)]
        role: String,
        /// The strictest handling code the user may read: H0, H1, H2 or H3.
        #[arg(long, default_value = "H1")]
        clearance: String,
    },
    /// List the users with their roles, clearances, state and cases.
    List,
    /// Change a user's role.
    Role { name: String, role: String },
    /// Change a user's clearance.
    Clearance { name: String, clearance: String },
    /// Disable a user: their tokens and sessions stop working at once.
    Disable { name: String },
    /// Enable a disabled user.
    Enable { name: String },
    /// Lift a lock-out after failed logins.
    Unlock { name: String },
    /// Set a new password, read from standard input (one line); lifts a lock-out.
    Reset { name: String },
}

/// Export requests.
#[derive(Debug, Subcommand)]
pub enum ExportCommand {
    /// The case's export requests, newest first.
    List,
    /// Approve a pending export (a supervisor of the case; not one's own draft).
    Approve {
        id: i64,
        #[arg(long)]
        reason: String,
    },
    /// Refuse a pending export.
    Refuse {
        id: i64,
        #[arg(long)]
        reason: String,
    },
}

/// How an export leaves a node with users: drafted, approved, then produced.
#[derive(Debug, Args, Clone, Default)]
pub struct ExportApproval {
    /// Draft this export for a supervisor's approval, with its justification, and stop.
    #[arg(long, value_name = "WHY", conflicts_with = "approved")]
    pub draft: Option<String>,
    /// Produce this export under the approved request ID (exactly as drafted; once).
    #[arg(long, value_name = "ID")]
    pub approved: Option<i64>,
}

/// Keeping, restricting and erasing records.
#[derive(Debug, Subcommand)]
pub enum RetentionCommand {
    /// Erase records: their values leave the store, its indexes and its log file;
    /// a tombstone stays and a re-ingest does not bring them back. The DPO names
    /// opaque ids (--record); a supervisor names their case's records due for
    /// review (--entity, with --case).
    Erase {
        /// An opaque record id from the retention queue or `retention held` (DPO).
        #[arg(long = "record", value_name = "ID", required_unless_present = "entities")]
        records: Vec<String>,
        /// An entity id of the case's record (supervisor, with --case).
        #[arg(long = "entity", value_name = "ID", conflicts_with = "records")]
        entities: Vec<String>,
        /// The legal ground or the request's reference (kept in the audit log).
        #[arg(long)]
        reason: String,
        /// Erase a record that names other people too, all of them.
        #[arg(long)]
        whole_record: bool,
    },
    /// Restrict records (Art. 16): no one but the DPO reads them until lifted.
    Restrict {
        #[arg(long = "record", value_name = "ID", required = true)]
        records: Vec<String>,
        #[arg(long)]
        reason: String,
        /// Restrict a record that names other people too, all of them.
        #[arg(long)]
        whole_record: bool,
    },
    /// Lift restrictions.
    Lift {
        #[arg(long = "record", value_name = "ID", required = true)]
        records: Vec<String>,
        #[arg(long)]
        reason: String,
    },
    /// Restricted and erased records, without content; with --record, that
    /// restricted record's statements (the DPO alone; logged).
    Held {
        #[arg(long, value_name = "ID")]
        record: Option<String>,
    },
    /// The subject-access report (Art. 14-15): every record the node holds about a
    /// person, in every case, with each statement's agency, grading and handling,
    /// for the DPO to review before anything is given; logged with the reference.
    SubjectAccess {
        /// The subject's name, in any script.
        #[arg(long)]
        name: String,
        /// A birth date (YYYY-MM-DD) or year to tell namesakes apart.
        #[arg(long, value_name = "DATE")]
        born: Option<String>,
        /// A travel-document number the subject gave.
        #[arg(long)]
        document: Option<String>,
        /// The request's reference (kept in the audit log).
        #[arg(long)]
        reference: String,
    },
    /// The case's person records and their review dates (a supervisor, with --case).
    Case {
        /// Only records due on or before this day (YYYY-MM-DD).
        #[arg(long, value_name = "DAY")]
        due: Option<String>,
    },
    /// Keep a case's record until a new review date (a supervisor, with --case).
    Keep {
        /// The record's entity id (dataset:record:name).
        entity: String,
        /// The next review's day (YYYY-MM-DD), after today.
        #[arg(long, value_name = "DAY")]
        until: String,
        #[arg(long)]
        reason: String,
    },
}

#[derive(Debug, Subcommand)]
pub enum TokenCommand {
    /// Make a token for a user and print it once (it is stored only as a digest).
    Create {
        #[arg(long = "for", value_name = "USER")]
        for_user: String,
        /// Days until it expires (1-366; 366 when not given).
        #[arg(long)]
        expires: Option<u32>,
    },
    /// List tokens (ids, users, dates; never the secrets).
    List,
    /// Revoke a token for good.
    Revoke { id: i64 },
}

#[derive(Debug, Subcommand)]
pub enum CaseCommand {
    /// Open a case.
    Add {
        name: String,
        #[arg(long, default_value = "")]
        description: String,
    },
    /// List the cases with their members and data sets.
    List,
    /// Members of a case.
    #[command(subcommand)]
    Member(CaseMemberCommand),
    /// Data sets of a case.
    #[command(subcommand)]
    Data(CaseDataCommand),
}

#[derive(Debug, Subcommand)]
pub enum CaseMemberCommand {
    /// Add a user to a case.
    Add {
        #[arg(value_name = "CASE")]
        case_name: String,
        #[arg(value_name = "USER")]
        member: String,
    },
    /// Take a user out of a case.
    Remove {
        #[arg(value_name = "CASE")]
        case_name: String,
        #[arg(value_name = "USER")]
        member: String,
    },
}

#[derive(Debug, Subcommand)]
pub enum CaseDataCommand {
    /// Put an ingested data set into a case.
    Add {
        #[arg(value_name = "CASE")]
        case_name: String,
        dataset: String,
    },
}

#[derive(Debug, Subcommand)]
pub enum PurposeCommand {
    /// Define a purpose (an ASCII id and a description of what it allows).
    Add { id: String, description: String },
    /// List the purposes.
    List,
}

#[derive(Debug, Subcommand)]
pub enum NetworkCommand {
    /// The networks (communities of linked parties), largest first, with roles,
    /// brokers, links by kind, selectors, period, agencies and places.
    List(NetworkArgs),
    /// One network's members: roles, brokers, links and their evidence counts.
    Show {
        /// The network's number in `network list`.
        id: usize,
        #[command(flatten)]
        args: NetworkArgs,
    },
    /// Write the graph (or one network) as GraphML, GEXF (Gephi), Cytoscape.js JSON,
    /// GeoJSON (events and tracks) or FollowTheMoney entities (JSON lines, for Aleph). Links carry their strictest handling code and
    /// weakest grading; victims and witnesses are unnamed unless
    /// --include-protected-names. Logged as an export.
    Export {
        /// graphml, gexf, cytoscape, geojson or ftm.
        #[arg(long)]
        format: String,
        /// Only this network (its number in `network list`).
        #[arg(long)]
        network: Option<usize>,
        /// The file to write (whole or not at all); standard output without it.
        #[arg(long)]
        out: Option<std::path::PathBuf>,
        /// Name victims and witnesses too.
        #[arg(long)]
        include_protected_names: bool,
        #[command(flatten)]
        approval: ExportApproval,
        #[command(flatten)]
        args: NetworkArgs,
    },
    /// The parties within a few links of one party, nearest first, with how they are
    /// linked to it when directly.
    Near {
        /// An identity id or a record id.
        id: String,
        /// Links away (1: direct contacts).
        #[arg(long, default_value_t = 2)]
        hops: usize,
        #[command(flatten)]
        args: NetworkArgs,
    },
    /// A shortest chain of links between two parties (identity or record ids), with
    /// the evidence of each link.
    Path {
        a: String,
        b: String,
        #[command(flatten)]
        args: NetworkArgs,
    },
}

/// Which evidence counts, and how networks are found.
#[derive(Debug, Args, Clone)]
pub struct NetworkArgs {
    /// Only evidence dated on or after this day (YYYY-MM-DD); undated evidence is left out.
    #[arg(long)]
    pub from: Option<String>,
    /// Only evidence dated on or before this day (YYYY-MM-DD).
    #[arg(long)]
    pub to: Option<String>,
    /// Only evidence resting entirely on these agencies' reports (repeatable).
    #[arg(long = "agency")]
    pub agencies: Vec<String>,
    /// Only evidence graded at least this well on both axes, such as B2.
    #[arg(long)]
    pub min_grading: Option<String>,
    /// Only these kinds of link: relation, payment, selector, event (repeatable).
    #[arg(long = "kind")]
    pub kinds: Vec<String>,
    /// The handling codes the reader may see, such as H0 H1 (repeatable); evidence
    /// under any other code is left out.
    #[arg(long = "handling")]
    pub handling: Vec<String>,
    /// A thing or event with more parties than this links each only to the next few in time (reported).
    #[arg(long, default_value_t = NetworkQuery::DEFAULT.max_group)]
    pub max_group: usize,
    /// Seeds community detection: the same seed gives the same networks.
    #[arg(long, default_value_t = NetworkQuery::DEFAULT.seed)]
    pub seed: u64,
    /// Modularity resolution: above 1 splits networks finer.
    #[arg(long, default_value_t = NetworkQuery::DEFAULT.resolution)]
    pub resolution: f64,
    /// Smallest network listed.
    #[arg(long, default_value_t = NetworkQuery::DEFAULT.min_size)]
    pub min_size: usize,
    /// Rank victims and witnesses among brokers too.
    #[arg(long)]
    pub include_protected: bool,
    /// A synthetic data set's `truth/` directory: score the networks found against
    /// the true ones (adjusted Rand index and NMI over the records of their members).
    #[arg(long)]
    pub truth: Option<std::path::PathBuf>,
}

#[derive(Debug, Subcommand)]
pub enum RoutesCommand {
    /// Parties moving between places, per ISO week and network (from consecutive
    /// dated events of each party at different places).
    Flows {
        /// Only this network's members (its number in `network list`).
        #[arg(long)]
        network: Option<usize>,
        /// Write GeoJSON lines between the places instead of a table.
        #[arg(long)]
        geojson: bool,
        #[command(flatten)]
        args: NetworkArgs,
    },
    /// Weeks in which a place or a route rose well above its own baseline.
    Spikes {
        /// Baseline weeks before each week examined.
        #[arg(long, default_value_t = 8)]
        window: usize,
        /// Standard deviations above the baseline mean.
        #[arg(long, default_value_t = 3.0)]
        threshold: f64,
        /// Fewest events (or parties on a route) in a week to call it a spike.
        #[arg(long, default_value_t = 5)]
        min_count: usize,
        #[command(flatten)]
        args: NetworkArgs,
    },
    /// One party's events in time order (all its records, across agencies).
    Track {
        /// An identity id or a record id.
        id: String,
        /// Write GeoJSON (the track as a line, each event as a point).
        #[arg(long)]
        geojson: bool,
        #[command(flatten)]
        approval: ExportApproval,
        #[command(flatten)]
        args: NetworkArgs,
    },
}

#[derive(Debug, Subcommand)]
pub enum GraphCommand {
    /// Run every algorithm on an edge list (one `u v` or `u v weight` per line, `#`
    /// comments) and write the results and each step's time as JSON: connected
    /// components, PageRank, Leiden communities, sampled betweenness, shortest paths
    /// between random pairs, k-hop neighbourhoods of random nodes.
    Analyze(GraphAnalyzeArgs),
}

#[derive(Debug, Args)]
pub struct GraphAnalyzeArgs {
    /// The edge list (`-` for standard input).
    #[arg(long)]
    pub edges: PathBuf,
    /// Seeds the Leiden visit order and every random sample; the same seed gives the
    /// same output.
    #[arg(long, default_value_t = 42)]
    pub seed: u64,
    /// Modularity resolution for Leiden (above 1: more, smaller communities).
    #[arg(long, default_value_t = 1.0)]
    pub resolution: f64,
    /// Sources for sampled betweenness (all nodes when at least the node count).
    #[arg(long, default_value_t = 1000)]
    pub sources: usize,
    /// Shortest paths between this many random pairs of nodes.
    #[arg(long, default_value_t = 1000)]
    pub paths: usize,
    /// Neighbourhoods of this many random nodes.
    #[arg(long, default_value_t = 1000)]
    pub neighbourhoods: usize,
    /// Hops of each neighbourhood.
    #[arg(long, default_value_t = 2)]
    pub hops: usize,
    /// How many of the top nodes by PageRank and by betweenness to list.
    #[arg(long, default_value_t = 10)]
    pub top: usize,
    /// Also write one CSV row per node: label, degree, component, community,
    /// PageRank, betweenness.
    #[arg(long)]
    pub nodes: Option<PathBuf>,
}

#[derive(Debug, Args)]
pub struct InitArgs {
    /// A file holding the retention policy as JSON, such as
    /// {"review_after_months": {"suspect": 36, "victim": 12, ...}}: 1 to 1,200 months
    /// per category.
    #[arg(long)]
    pub retention: Option<PathBuf>,
}

#[derive(Debug, Args)]
pub struct SynthArgs {
    /// Seed: the same seed and size give the same bytes.
    #[arg(long, default_value_t = 1)]
    pub seed: u64,
    /// demo, small, medium, large, or a number of records such as 250000 or 10M.
    #[arg(long, default_value = "demo")]
    pub size: String,
    /// Output directory (created; must be empty or hold an earlier synth output).
    #[arg(long)]
    pub out: PathBuf,
    /// Write every name in Latin script: the same people, records and noise, for
    /// measuring what scripts cost resolution.
    #[arg(long)]
    pub latin_only: bool,
}

#[derive(Debug, Args)]
pub struct IngestArgs {
    /// The mapping file (TOML); see docs/mapping.md.
    #[arg(long, short)]
    pub mapping: PathBuf,
    /// The CSV or JSON Lines file to ingest.
    pub file: PathBuf,
    /// Where rejected rows go (default: FILE.rejects.jsonl).
    #[arg(long)]
    pub rejects: Option<PathBuf>,
    /// The longest line (CSV record or JSON line) in bytes; longer rows are
    /// rejected: 1 KiB to 256 MiB.
    #[arg(long, default_value_t = 1 << 20, value_parser = clap::value_parser!(u64).range(1024..=(256 << 20)))]
    pub max_line: u64,
    /// The longest field value in bytes; rows with a longer one are rejected: 64 to
    /// 256 MiB, and at most --max-line.
    #[arg(long, default_value_t = 64 << 10, value_parser = clap::value_parser!(u64).range(64..=(256 << 20)))]
    pub max_field: u64,
}

#[derive(Debug, Args)]
pub struct ShowArgs {
    /// The entity id, dataset:record:name, as ingest and stats print them.
    pub id: String,
    /// Include the statements of older versions of the record.
    #[arg(long)]
    pub history: bool,
}

#[derive(Debug, Args)]
pub struct RectifyArgs {
    /// The statement's id (#N in `show`, `id` in `show --json`).
    pub statement: i64,
    /// The corrected value, as ingest takes it for the property (dates YYYY-MM-DD).
    #[arg(long)]
    pub value: String,
    /// Why the statement was wrong (kept in the audit log and with the statement).
    #[arg(long)]
    pub reason: String,
}

#[derive(Debug, Args)]
pub struct ReviewArgs {
    /// Only persons whose review date is on or before this date (YYYY-MM-DD); default: all.
    #[arg(long)]
    pub due: Option<String>,
}

#[derive(Debug, Subcommand)]
pub enum SourceCommand {
    /// List registered sources with their current reliability.
    List,
    /// Record a new reliability grade for a source (shows on every statement it gave).
    Grade {
        /// The source id, as `source list` prints it.
        id: i64,
        /// A, B, C or X.
        grade: String,
        /// Why the grade changed.
        #[arg(long)]
        reason: String,
    },
}

#[derive(Debug, Subcommand)]
pub enum AuditCommand {
    /// Walk the hash chain and name any altered, removed or reordered entry; check
    /// each batch's evidence hash, that every batch is logged, and the node's
    /// signatures with the public key of the key file (never the store's).
    Verify {
        /// Also check the chain against an anchor kept elsewhere (from `audit
        /// anchor`); its public key's fingerprint is printed to compare.
        #[arg(long)]
        anchor: Option<PathBuf>,
    },
    /// Sign the current head with the node's key and print the anchor (JSON), to keep
    /// outside the node: a file elsewhere, a partner node, a printout.
    Anchor,
    /// Print the newest entry's sequence number and hash, unsigned (`anchor` prints
    /// the signed head).
    Head,
    /// Print the log.
    Log {
        /// Only the last N entries.
        #[arg(long, conflicts_with_all = ["after", "limit"])]
        last: Option<usize>,
        /// Only entries after this sequence number (a page: with --limit).
        #[arg(long)]
        after: Option<i64>,
        /// At most this many entries after --after.
        #[arg(long)]
        limit: Option<usize>,
    },
}

#[derive(Debug, Args)]
pub struct DemoArgs {
    /// Working directory for the data set and the store.
    #[arg(long, default_value = "corridor-demo")]
    pub dir: PathBuf,
    #[arg(long, default_value_t = 1)]
    pub seed: u64,
    /// demo, small, medium, large or a number of records.
    #[arg(long, default_value = "demo")]
    pub size: String,
    /// Stop after the summary instead of serving the demo node (for scripts).
    #[arg(long)]
    pub no_serve: bool,
    /// Where the demo node serves: a loopback address (its passwords are printed).
    #[arg(long, default_value = "127.0.0.1:8080")]
    pub listen: String,
}

#[derive(Debug, Subcommand)]
pub enum MrzCommand {
    /// Validate MRZs read from standard input; one JSON object per document on standard output.
    ///
    /// Input: the lines of one document, documents separated by a blank line; or with
    /// --jsonl one JSON object per line, {"id": ..., "lines": [...]}. Output:
    /// {"valid", "format", "fields": {...}, "checks": [{"name", "ok"}], "errors": [...]}.
    /// Policy for what Doc 9303 leaves open (centuries, unknown dates, visas) is in the
    /// `corridor-mrz` crate's parse module.
    Check {
        /// Read one JSON object per line instead of bare MRZ lines.
        #[arg(long)]
        jsonl: bool,
    },
}

#[derive(Debug, Subcommand)]
pub enum NamesCommand {
    /// Print a name's Latin spellings, consonant skeletons and comparison keys.
    Keys {
        /// The name, in Latin, Cyrillic, Greek or Arabic script. Without it, names are
        /// read from standard input, one per line, and one JSON object per name is written
        /// (in input order, computed on every core).
        name: Option<String>,
    },
    /// Compare two names: a score in [0, 1] and the keys that agreed.
    Compare { a: String, b: String },
}

#[derive(Debug, Subcommand)]
pub enum DocsCommand {
    /// List findings on stored travel documents: invalid MRZ, MRZ against the visual
    /// zone, date order, one number used with different identities, specimen numbers,
    /// and hits on the imported watchlists. Findings are stored and shown with the
    /// entity by `corridor show`. Reads every document: logged as a read.
    Check {
        /// Also check against this list without importing it: CSV with a header
        /// number, country, status, list.
        #[arg(long)]
        watchlist: Vec<PathBuf>,
    },
}

#[derive(Debug, Subcommand)]
pub enum WatchlistCommand {
    /// Import a list (CSV with a header: number (required), country, status, list),
    /// replacing an earlier list of the same name. Logged.
    Import(WatchlistImportArgs),
    /// The imported lists with their provenance and size.
    List,
}

#[derive(Debug, Args)]
pub struct WatchlistImportArgs {
    pub file: PathBuf,
    /// The list's name in this store; defaults to the file name.
    #[arg(long)]
    pub name: Option<String>,
    /// The supplying agency's node id, e.g. interpol-ncb-belgrade or rs-mup.
    #[arg(long)]
    pub agency: String,
    /// The supplying agency's country (ISO 3166 alpha-2 or alpha-3).
    #[arg(long)]
    pub country: String,
    /// The unit within the agency that keeps the list.
    #[arg(long, default_value = "")]
    pub unit: String,
    /// Source reliability and information credibility of the list, e.g. A1.
    #[arg(long, default_value = "A1")]
    pub grading: String,
    /// Handling code of the list: H0, H1, H2, or H3 with --restriction.
    #[arg(long, default_value = "H1")]
    pub handling: String,
    /// The supplier's own restriction text, required with H3.
    #[arg(long)]
    pub restriction: Option<String>,
}

#[derive(Debug, Subcommand)]
pub enum ResolveCommand {
    /// Resolve every Person record in the store into identities (reads are logged).
    Run(ResolveRunArgs),
    /// Why two records scored what they did: each comparison's contribution.
    Explain { a: String, b: String },
    /// Pairs the latest run held for an analyst, with the reason.
    Review,
    /// Confirm or reject a pair (undo a merge by rejecting it); the store is resolved
    /// again at once, and the decision holds in every later run. Logged with the reason.
    Decide(ResolveDecideArgs),
    /// The latest run: when, by whom, counts, blocking report, model.
    Status,
    /// One line per record: agency, dataset, source record id, entity, identity.
    Export(ResolveExportArgs),
    /// The person records as resolution reads them, one flat row each (id, names,
    /// birth date, sex, nationality, phones, documents, address, category): the same
    /// input for another tool. Logged as an export of personal data.
    Records(ResolveExportArgs),
}

#[derive(Debug, Args)]
pub struct ResolveRunArgs {
    /// Seed for the random pairs behind u; the same seed gives the same result.
    #[arg(long, default_value_t = RunSettings::DEFAULT.seed)]
    pub seed: u64,
    /// Use a saved model (JSON) instead of training one.
    #[arg(long)]
    pub model: Option<PathBuf>,
    /// Save the trained model (JSON) here.
    #[arg(long)]
    pub save_model: Option<PathBuf>,
    /// Score the result against ground truth: CSV with dataset, record_id, entity, true_id.
    #[arg(long)]
    pub truth: Option<PathBuf>,
    /// Join automatically at or above this match probability.
    #[arg(long, default_value_t = RunSettings::DEFAULT.match_probability)]
    pub match_probability: f64,
    /// Hold for review at or above this probability.
    #[arg(long, default_value_t = RunSettings::DEFAULT.review_probability)]
    pub review_probability: f64,
    /// Compare only records of different data sets (linking files without
    /// duplicates inside each).
    #[arg(long)]
    pub link_only: bool,
    /// Each blocking rule's budget of candidate pairs per record (at least a
    /// million pairs per rule): the largest blocks past it are skipped and reported.
    #[arg(long, default_value_t = RunSettings::DEFAULT.pairs_per_record)]
    pub pairs_per_record: f64,
    /// No identity grows past this many records by an automatic join unless the
    /// link is corroborated by a shared biometric reference or the same document
    /// number with compatible birth dates; such joins are held for review.
    #[arg(long, default_value_t = RunSettings::DEFAULT.max_identity, value_parser = clap::value_parser!(u32).range(2..))]
    pub max_identity: u32,
    /// Write every scored candidate pair here as CSV (record_id_l, record_id_r: the
    /// source records; entity_l, entity_r: the persons, as one source row can hold
    /// several; match_weight, match_probability), for threshold sweeps.
    #[arg(long)]
    pub pairs: Option<PathBuf>,
}

#[derive(Debug, Args)]
pub struct ResolveDecideArgs {
    pub a: String,
    pub b: String,
    #[arg(long, conflicts_with = "reject", required_unless_present = "reject")]
    pub confirm: bool,
    #[arg(long)]
    pub reject: bool,
    /// Why: kept with the decision and in the audit log.
    #[arg(long)]
    pub reason: String,
}

#[derive(Debug, Args)]
pub struct ResolveExportArgs {
    /// csv or jsonl.
    #[arg(long, default_value = "csv")]
    pub format: String,
}
