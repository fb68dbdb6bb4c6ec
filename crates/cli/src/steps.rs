//! Steps shared by several commands (a command and `demo`): reading and checking a
//! mapping, ingesting a file with a progress bar, importing a watchlist, generating
//! synthetic data, and printing an ingest report or the store's counts. Kept here so
//! that no command module imports another.

use std::path::{Path, PathBuf};

use anyhow::Context;
use corridor_app::ingest::IngestOutcome;
use corridor_ingest::{IngestReport, RejectsOutcome};
use corridor_store::{SqliteStore, Stats};
use corridor_synth::{Size, SynthConfig, SynthReport};

use crate::Ctx;
use crate::args::WatchlistImportArgs;
use crate::exit::{Code, Failure, Result};
use crate::progress::Bar;

pub(crate) fn parse_size(text: &str) -> Result<Size> {
    text.parse::<Size>()
        .map_err(|e| Failure::new(Code::BadInput, anyhow::anyhow!("--size {text}: {e}")))
}

pub(crate) fn generate(seed: u64, size: Size, out: &std::path::Path, latin_only: bool) -> Result<SynthReport> {
    Ok(corridor_synth::generate(&SynthConfig { seed, size, latin_only }, out)?)
}

/// Reads a mapping file and checks it; its errors carry the line.
pub(crate) fn load_mapping(path: &Path) -> Result<String> {
    let text = std::fs::read_to_string(path)
        .with_context(|| format!("cannot read mapping {}", path.display()))
        .map_err(|e| Failure::new(Code::BadInput, e))?;
    corridor_app::ingest::check_mapping(&path.display().to_string(), &text)?;
    Ok(text)
}

/// Ingests one file with the mapping `text` read from `mapping_path` (read once:
/// what was checked is what is applied), with a progress bar; shared with `demo`.
/// Who ingests: a session (a node without users, the demo) or a grant for a case.
pub(crate) enum Ingester<'a> {
    Session(corridor_app::Session),
    Grant(&'a corridor_access::Grant),
}

pub(crate) fn ingest_file(
    who: Ingester<'_>,
    store: &mut SqliteStore,
    mapping_path: &Path,
    text: &str,
    file: &Path,
    rejects: Option<PathBuf>,
    limits: corridor_ingest::Limits,
) -> Result<IngestOutcome> {
    let total = std::fs::metadata(file).map(|m| m.len()).unwrap_or(0);
    let label = file
        .file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_default();
    let bar = Bar::new(total, &label);
    let request = corridor_app::ingest::IngestRequest {
        mapping_name: &mapping_path.display().to_string(),
        mapping_text: text,
        file,
        rejects,
        limits,
    };
    let outcome = match who {
        Ingester::Session(session) => corridor_app::ingest::ingest_file(store, &session, &request, &bar),
        Ingester::Grant(grant) => corridor_app::ingest::ingest_file_in_case(store, grant, &request, &bar),
    };
    bar.finish();
    Ok(outcome?)
}

pub(crate) fn print_report(r: &IngestReport) {
    let s = &r.summary;
    let verdict = match s.batch_id {
        Some(id) => format!("batch {id}"),
        None => "nothing changed, no batch kept".to_string(),
    };
    crate::outln!(
        "{}: {} rows read: {} new, {} new versions, {} unchanged, {} rejected; {} statements ({verdict}, {:.1} s)",
        r.file,
        s.rows_read,
        s.new_records,
        s.new_versions,
        s.unchanged,
        s.rejected,
        s.statements,
        r.seconds
    );
    if let Some(p) = &r.rejects_file {
        let replaced = if r.rejects == RejectsOutcome::Replaced {
            " (replaced the earlier rejects file)"
        } else {
            ""
        };
        crate::outln!("  rejected rows and reasons: {}{replaced}", p.display());
    } else if r.rejects == RejectsOutcome::RemovedStale {
        crate::outln!("  no row rejected: removed the earlier ingest's rejects file beside the input");
    }
    // The first few findings in full, then counts: a file with thousands of
    // flagged values must not bury the summary.
    const SHOWN: usize = 5;
    for f in r.findings.iter().take(SHOWN) {
        crate::outln!("  {} {}: {}", f.kind, f.entity, f.reason);
    }
    if r.findings.len() > SHOWN {
        let mut kinds: std::collections::BTreeMap<&str, usize> = std::collections::BTreeMap::new();
        for f in &r.findings {
            *kinds.entry(f.kind.as_str()).or_default() += 1;
        }
        let counts: Vec<String> = kinds.iter().map(|(k, n)| format!("{n} {k}")).collect();
        crate::outln!(
            "  … {} findings in all ({}); stored with the batch, listed by `corridor show` and `--json`",
            r.findings.len(),
            counts.join(", ")
        );
    }
    if !r.unmapped_columns.is_empty() {
        crate::outln!(
            "  columns not mapped (add them to `ignore` to silence this): {}",
            r.unmapped_columns.join(", ")
        );
    }
}

/// Reads and checks the list, then imports it; returns its name and entry count.
/// Shared with `demo`.
pub(crate) fn import_into(
    ctx: &Ctx,
    store: &mut dyn corridor_store::Store,
    a: &WatchlistImportArgs,
) -> Result<(String, usize)> {
    Ok(corridor_app::documents::import_watchlist(
        store,
        &ctx.session()?,
        &corridor_app::documents::WatchlistImport {
            file: &a.file,
            name: a.name.clone(),
            agency: a.agency.clone(),
            country: a.country.clone(),
            unit: a.unit.clone(),
            grading: a.grading.clone(),
            handling: a.handling.clone(),
            restriction: a.restriction.clone(),
        },
    )?)
}

pub(crate) fn print_stats(s: &Stats) {
    crate::outln!(
        "{} data sets, {} batches, {} records ({} versions), {} entities, {} statements, {} audit entries",
        s.datasets,
        s.batches,
        s.records,
        s.record_versions,
        s.entities,
        s.statements,
        s.audit_entries
    );
    if !s.entities_by_schema.is_empty() {
        crate::outln!("entities by schema:");
        for (schema, n) in &s.entities_by_schema {
            crate::outln!("  {schema:<20} {n:>9}");
        }
    }
    if !s.persons_by_category.is_empty() {
        crate::outln!("persons by data-subject category:");
        for (c, n) in &s.persons_by_category {
            crate::outln!("  {c:<20} {n:>9}");
        }
    }
}

/// Binds the address a node is to serve on, with a message that says what to do.
pub(crate) fn bind(listen: &str) -> Result<std::net::TcpListener> {
    let listener = std::net::TcpListener::bind(listen).map_err(|e| {
        Failure::new(
            Code::BadInput,
            anyhow::anyhow!("cannot listen on {listen}: {e} (give --listen HOST:PORT that is free)"),
        )
    })?;
    listener
        .set_nonblocking(true)
        .map_err(|e| Failure::new(Code::Internal, e))?;
    Ok(listener)
}

/// The node lock of `store` (see `corridor_store::NodeLock`), taken before a
/// server says it serves.
pub(crate) fn lock_node(store: &std::path::Path) -> Result<corridor_store::NodeLock> {
    corridor_store::NodeLock::acquire(store).map_err(|e| match e {
        corridor_store::Error::Locked { path } => Failure::new(
            Code::Store,
            anyhow::anyhow!(
                "another `corridor serve` already serves this store (it holds {path}): one node server per store"
            ),
        ),
        other => Failure::new(Code::Store, other),
    })
}

/// Serves the node's store on a bound listener (over TLS with a configuration)
/// until Ctrl-C or SIGTERM, holding the node lock (from [`lock_node`]) all along.
pub(crate) fn serve_node(
    store: SqliteStore,
    paths: corridor_server::jobs::NodePaths,
    listener: std::net::TcpListener,
    tls: Option<std::sync::Arc<corridor_server::tls::ServerConfig>>,
    lock: corridor_store::NodeLock,
    partner_trust: Option<corridor_transport::Trust>,
) -> Result<()> {
    if store.is_read_only() {
        return Err(Failure::new(
            Code::Store,
            anyhow::anyhow!("a node serves only a store it can write: every read it answers is logged"),
        ));
    }
    // Held while the node serves: a restore refuses to swap the store from under it.
    let _lock = lock;
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()
        .map_err(|e| Failure::new(Code::Internal, e))?;
    runtime.block_on(async {
        let listener = tokio::net::TcpListener::from_std(listener).map_err(|e| Failure::new(Code::Internal, e))?;
        // With its key the node takes partners' messages online; without one
        // (a store made before keys) it serves everything else.
        let key = corridor_store::NodeKey::load(&paths.key).ok();
        let mut node = corridor_server::Node::new(store)
            .map_err(|e| Failure::new(Code::Internal, e))?
            .with_paths(paths);
        if let Some(key) = key {
            node = node.with_key(key);
        }
        if let Some(trust) = partner_trust {
            node = node.with_partner_trust(trust);
        }
        // Built in the background while the node already answers (requests that
        // need the store wait for it).
        let warming = node.clone();
        tokio::spawn(async move {
            if let Err(e) = warming.warm().await {
                eprintln!(
                    "corridor serve: building the indexes failed ({}); they are built at the first request",
                    e.message
                );
            }
        });
        match tls {
            Some(config) => corridor_server::tls::serve_tls(listener, node, config, shutdown()).await,
            None => corridor_server::serve(listener, node, shutdown()).await,
        }
        .map_err(|e| Failure::new(Code::Internal, e))
    })
}

/// Completes on Ctrl-C or, on Unix, SIGTERM.
async fn shutdown() {
    let ctrl_c = async {
        let _ = tokio::signal::ctrl_c().await;
    };
    #[cfg(unix)]
    let term = async {
        match tokio::signal::unix::signal(tokio::signal::unix::SignalKind::terminate()) {
            Ok(mut s) => {
                s.recv().await;
            }
            Err(_) => std::future::pending::<()>().await,
        }
    };
    #[cfg(not(unix))]
    let term = std::future::pending::<()>();
    tokio::select! {
        _ = ctrl_c => {},
        _ = term => {},
    }
}
