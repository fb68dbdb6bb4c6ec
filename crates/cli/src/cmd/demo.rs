//! `corridor demo`: the whole chain on synthetic data. Generates a data set, creates
//! a store beside it, ingests every agency's files through their mappings and prints
//! what the node now holds. Running it again re-ingests the same files, which the
//! store recognises as unchanged.

use std::collections::BTreeMap;
use std::process::ExitCode;

use chrono::Datelike;
use std::time::Instant;

use serde::Serialize;

use crate::Ctx;
use crate::args::{DemoArgs, WatchlistImportArgs};
use crate::exit::{Code, Result};
use crate::steps;

#[derive(Serialize)]
struct DemoReport {
    data: std::path::PathBuf,
    store: std::path::PathBuf,
    synth: corridor_synth::SynthReport,
    ingests: Vec<corridor_ingest::IngestReport>,
    stats: corridor_store::Stats,
    /// Document findings by kind (watchlist hits, invalid MRZ …), stored with the documents.
    document_findings: BTreeMap<&'static str, usize>,
    /// Identities found and how they score against the generator's ground truth.
    resolution: serde_json::Value,
    /// Networks found over the identities, scored against the generator's networks.
    networks: corridor_app::network::Overview,
    audit_intact: bool,
    seconds: f64,
    /// The node being served, its users and their passwords for this run (absent
    /// with --no-serve).
    #[serde(skip_serializing_if = "Option::is_none")]
    node: Option<DemoNode>,
}

#[derive(Serialize)]
struct DemoNode {
    url: String,
    case: &'static str,
    purpose: &'static str,
    users: Vec<corridor_app::access::DemoUser>,
}

pub(crate) fn run(ctx: &Ctx, args: &DemoArgs) -> Result<ExitCode> {
    let started = Instant::now();
    let size = steps::parse_size(&args.size)?;
    if !args.no_serve {
        let loopback = args
            .listen
            .parse::<std::net::SocketAddr>()
            .is_ok_and(|a| a.ip().is_loopback());
        if !loopback {
            return Err(crate::exit::Failure::new(
                Code::BadInput,
                anyhow::anyhow!(
                    "--listen {}: the demo serves on a loopback address only (127.0.0.1:PORT), since it prints its users' passwords",
                    args.listen
                ),
            ));
        }
    }
    // Bound first, so a port in use is said before the work, not after it.
    let mut listener = if args.no_serve {
        None
    } else {
        Some(steps::bind(&args.listen)?)
    };
    let data = args.dir.join("data");
    let store_path = ctx.store.clone().unwrap_or_else(|| args.dir.join("corridor.db"));
    let rejects_dir = args.dir.join("rejects");
    std::fs::create_dir_all(&rejects_dir)?;
    if !ctx.json {
        crate::outln!(
            "1/5 generating a synthetic corridor data set (seed {}, size {size}) in {}",
            args.seed,
            data.display()
        );
    }
    let report = steps::generate(args.seed, size, &data, false)?;
    if !ctx.json {
        crate::outln!(
            "    {} records in {} files from {} agencies; ground truth in {}",
            report.records,
            report.files.len(),
            {
                let mut agencies: Vec<&str> = report.files.iter().map(|f| f.agency.as_str()).collect();
                agencies.dedup();
                agencies.len()
            },
            data.join("truth").display()
        );
        crate::outln!("2/5 ingesting every agency's files into {}", store_path.display());
    }
    let mut store = ctx.open_at(&store_path)?;
    if !corridor_app::access::is_demo_store(&store)? {
        return Err(crate::exit::Failure::new(
            Code::Denied,
            anyhow::anyhow!(
                "{} has users of its own: the demo runs only on a store of its own (give another --dir, or no --store)",
                store_path.display()
            ),
        ));
    }
    for w in &report.watchlists {
        let (name, entries) = steps::import_into(
            ctx,
            &mut store,
            &WatchlistImportArgs {
                file: data.join(&w.file),
                name: None,
                agency: w.agency.clone(),
                country: w.country.clone(),
                unit: w.unit.clone(),
                grading: w.grading.clone(),
                handling: w.handling.clone(),
                restriction: None,
            },
        )?;
        if !ctx.json {
            crate::outln!(
                "    watchlist {name} from {}: {entries} stolen/lost documents",
                w.agency
            );
        }
    }
    let mut ingests = Vec::new();
    for f in &report.files {
        let rejects = rejects_dir.join(format!(
            "{}.rejects.jsonl",
            f.data
                .file_name()
                .map(|n| n.to_string_lossy().into_owned())
                .unwrap_or_default()
        ));
        let r = steps::ingest_file(
            steps::Ingester::Session(ctx.session()?),
            &mut store,
            &data.join(&f.mapping),
            &steps::load_mapping(&data.join(&f.mapping))?,
            &data.join(&f.data),
            Some(rejects),
            corridor_ingest::Limits::default(),
        )?;
        let r = r.report;
        if !ctx.json {
            crate::text::print_raw(&crate::text::terminal(&format!("    {:<10} ", f.agency)));
            steps::print_report(&r);
        }
        ingests.push(r);
    }
    let now = chrono::Utc::now().date_naive();
    let docs = corridor_app::documents::check_documents(
        &mut store,
        &ctx.session()?,
        &[],
        (now.year(), now.month(), now.day()),
    )?;
    let mut findings: BTreeMap<&str, usize> = BTreeMap::new();
    for f in &docs.findings {
        *findings.entry(f.kind).or_default() += 1;
    }
    if !ctx.json {
        crate::outln!("3/5 resolving persons into identities");
    }
    let truth_file = data.join("truth").join("identities.csv");
    let settings = corridor_app::resolution::RunSettings {
        seed: args.seed,
        ..corridor_app::resolution::RunSettings::DEFAULT
    };
    let outcome = corridor_app::resolution::run(&mut store, &ctx.session()?, &settings, None, false)?;
    let (res, records) = (outcome.resolution, outcome.records);
    let scores = corridor_app::resolution::score_against(&res, &records, &truth_file)?;
    let resolution = serde_json::json!({
        "records": records.len(),
        "identities": res.identities,
        "candidate_pairs": res.pairs,
        "held_for_review": res.review.len(),
        "against_truth": scores,
    });
    if !ctx.json {
        crate::outln!(
            "    {} person records → {} identities ({} pairs held for review); against the generator's truth: \
             precision {:.3}, recall {:.3}, F1 {:.3}, cluster precision {:.3}",
            records.len(),
            res.identities,
            res.review.len(),
            scores.precision,
            scores.recall,
            scores.f1,
            scores.cluster_precision
        );
    }
    if !ctx.json {
        crate::outln!("4/5 mapping networks: relations, shared selectors and shared events between identities");
    }
    let networks = corridor_app::network::overview(&mut store, &ctx.session()?, Some(&data.join("truth")))?;
    if !ctx.json {
        let (ari, nmi) = networks
            .against_truth
            .as_ref()
            .map_or((0.0, 0.0), |q| (q.adjusted_rand_index, q.nmi));
        crate::outln!(
            "    {} parties, {} links → {} networks (largest {}), modularity {:.3}; against the generator's \
             networks: ARI {:.3}, NMI {:.3}. See `corridor --store {} network list` (with --user, --case and \
             --purpose once the node serves)",
            networks.parties,
            networks.links,
            networks.networks,
            serde_json::to_string(&networks.largest)?,
            networks.modularity,
            ari,
            nmi,
            store_path.display()
        );
    }
    // The node to serve, bound before anything is printed so its address is known;
    // the demo's users get passwords of their own for this run.
    let serving = match listener.take() {
        None => None,
        Some(listener) => {
            let addr = listener
                .local_addr()
                .map_err(|e| crate::exit::Failure::new(Code::Internal, e))?;
            let users = corridor_app::access::seed_demo(&mut store, &ctx.session()?)?;
            Some((
                listener,
                DemoNode {
                    url: format!("http://{addr}/api/v1"),
                    case: "demo",
                    purpose: "investigation",
                    users,
                },
            ))
        }
    };
    let s = corridor_app::admin::stats(&store)?;
    let audit = corridor_app::admin::verify_audit(&store, None, None)?;
    let rejected: u64 = ingests.iter().map(|r| r.summary.rejected).sum();
    let demo = DemoReport {
        data,
        store: store_path,
        synth: report,
        ingests,
        stats: s,
        document_findings: findings,
        resolution,
        networks,
        audit_intact: audit.is_intact(),
        seconds: started.elapsed().as_secs_f64(),
        node: None,
    };
    let (listener, node) = match serving {
        Some((l, n)) => (Some(l), Some(n)),
        None => (None, None),
    };
    let demo = DemoReport { node, ..demo };
    if ctx.json {
        ctx.print_json(&demo)?;
    } else {
        crate::outln!("5/5 the node now holds:");
        steps::print_stats(&demo.stats);
        let listed: Vec<String> = demo.document_findings.iter().map(|(k, n)| format!("{n} {k}")).collect();
        crate::outln!(
            "document checks on {} travel documents: {} (stored; `corridor show` lists them with the document)",
            docs.documents,
            if listed.is_empty() {
                "nothing found".to_string()
            } else {
                listed.join(", ")
            }
        );
        crate::outln!(
            "audit log {}: {} entries, head {}",
            if demo.audit_intact { "intact" } else { "NOT intact" },
            audit.entries,
            audit.head
        );
        let example = example_person(&demo.data).unwrap_or_else(|| "<dataset:record:name>".to_string());
        match &demo.node {
            None => crate::outln!(
                "done in {:.1} s. Try: corridor --store {} show {example}",
                demo.seconds,
                demo.store.display()
            ),
            Some(node) => {
                crate::outln!("done in {:.1} s.", demo.seconds);
                crate::outln!(
                    "the demo node is serving at {} (its API: {}/openapi.json); Ctrl-C stops it",
                    node.url,
                    node.url
                );
                crate::outln!("  users for this run (new passwords each run):");
                for u in &node.users {
                    crate::outln!(
                        "    {:<11} {:<11} {}  {}",
                        u.name,
                        u.role,
                        u.password,
                        if u.cases.is_empty() {
                            String::new()
                        } else {
                            format!("cases: {}", u.cases.join(", "))
                        }
                    );
                }
                crate::outln!(
                    "  requests for case content name the case and purpose: Corridor-Case: {}, Corridor-Purpose: {}",
                    node.case,
                    node.purpose
                );
                crate::outln!(
                    "  from the command line too: corridor --store {} --user analyst --case {} --purpose {} show {example}",
                    demo.store.display(),
                    node.case,
                    node.purpose
                );
            }
        }
    }
    if let Some(listener) = listener {
        let paths = corridor_server::jobs::NodePaths {
            key: ctx.key_path(&demo.store),
            store: demo.store.clone(),
        };
        let lock = steps::lock_node(&demo.store)?;
        steps::serve_node(store, paths, listener, None, lock, None)?;
    }
    Ok(if rejected > 0 {
        ExitCode::from(Code::Rejected as u8)
    } else {
        ExitCode::SUCCESS
    })
}

/// An entity id from the ground truth, to show the user something real to look at.
fn example_person(data: &std::path::Path) -> Option<String> {
    let text = std::fs::read_to_string(data.join("truth").join("identities.csv")).ok()?;
    let line = text.lines().nth(1)?;
    let mut parts = line.split(',');
    let (dataset, record, entity) = (parts.next()?, parts.next()?, parts.next()?);
    Some(format!("{dataset}:{record}:{entity}"))
}
