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
}

pub(crate) fn run(ctx: &Ctx, args: &DemoArgs) -> Result<ExitCode> {
    let started = Instant::now();
    let size = steps::parse_size(&args.size)?;
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
            &ctx.session()?,
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
             networks: ARI {:.3}, NMI {:.3}. See `corridor --store {} network list`",
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
    };
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
        crate::outln!(
            "done in {:.1} s. Try: corridor --store {} show {example}",
            demo.seconds,
            demo.store.display()
        );
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
