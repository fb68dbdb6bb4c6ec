//! `corridor resolve`: records into identities, explanations, review, decisions,
//! export. Reading the records is logged with the purpose; runs and decisions are
//! logged with who and why.

use std::collections::HashMap;
use std::path::Path;
use std::process::ExitCode;

use anyhow::{Context, anyhow};
use corridor_resolve::{Features, Model, Options, Policy, Record, Resolution, TermFrequencies};
use corridor_store::{ResolutionWrite, ReviewPair, SqliteStore, Store};

use crate::Ctx;
use crate::args::{ResolveCommand, ResolveRunArgs};
use crate::exit::{Code, Failure, Result};
use crate::files::{check_new, write_whole};
use crate::text::spreadsheet_cell;

/// The schemata a record is built from.
const SCHEMATA: [&str; 6] = [
    "Person",
    "Phone",
    "TravelDocument",
    "BiometricReference",
    "Uses",
    "Holds",
];

pub(crate) fn run(ctx: &Ctx, cmd: &ResolveCommand) -> Result<ExitCode> {
    let mut store = ctx.open()?;
    match cmd {
        ResolveCommand::Run(a) => {
            let (resolution, records) = run_resolution(ctx, &mut store, a)?;
            report(ctx, &resolution, &records, a.truth.as_deref())?;
        }
        ResolveCommand::Explain { a, b } => explain(ctx, &mut store, a, b)?,
        ResolveCommand::Review => {
            let review = store.resolution_review()?;
            if ctx.json {
                ctx.print_json(&review)?;
            } else {
                for r in &review {
                    crate::outln!("{:.3}  {:<18} {}  {}", r.probability, r.why, r.a, r.b);
                }
                crate::outln!(
                    "{} pairs to review; decide with `corridor resolve decide A B --confirm|--reject --reason ...`",
                    review.len()
                );
            }
        }
        ResolveCommand::Decide(d) => {
            let decision = if d.confirm { "confirm" } else { "reject" };
            let Loaded {
                records,
                links: things,
                features,
            } = load(ctx, &mut store, true, true)?;
            for id in [&d.a, &d.b] {
                if !records.iter().any(|r| &r.id == id) {
                    return Err(Failure::new(
                        Code::NotFound,
                        anyhow!(
                            "no Person record '{id}': ids are dataset:record:name, as `corridor resolve export` lists them"
                        ),
                    ));
                }
            }
            if d.a == d.b {
                return Err(Failure::new(
                    Code::BadInput,
                    anyhow!("a record is always its own identity: give two different records"),
                ));
            }
            store.decide(&d.a, &d.b, decision, &d.reason, &ctx.actor)?;
            // Re-run as the latest run was run: its model, thresholds and mode.
            let latest = store.latest_resolution()?;
            let model = latest
                .as_ref()
                .and_then(|r| serde_json::from_str::<Model>(&r.model).ok())
                .filter(|m| m.check_levels().is_ok());
            let summary: serde_json::Value = latest
                .as_ref()
                .and_then(|r| serde_json::from_str(&r.summary).ok())
                .unwrap_or_default();
            let args = ResolveRunArgs {
                seed: model.as_ref().map_or(42, |m| m.seed),
                model: None,
                save_model: None,
                truth: None,
                match_probability: summary["match_probability"].as_f64().unwrap_or(0.9),
                review_probability: summary["review_probability"].as_f64().unwrap_or(0.5),
                link_only: summary["link_only"].as_bool().unwrap_or(false),
                pairs_per_record: summary["pairs_per_record"].as_f64().unwrap_or(10.0),
                max_identity: summary["max_identity"].as_u64().map_or(50, |m| m as u32),
                pairs: None,
            };
            let resolution = resolve_records(ctx, &mut store, &args, model, &records, features, &things)?;
            let id = |x: &str| {
                records
                    .iter()
                    .position(|r| r.id == x)
                    .map(|i| resolution.identity[i].clone())
            };
            let (ia, ib) = (id(&d.a), id(&d.b));
            if ctx.json {
                ctx.print_json(&serde_json::json!({"decision": decision, "a": ia, "b": ib}))?;
            } else {
                crate::outln!(
                    "{decision}ed {} / {}: now {}",
                    d.a,
                    d.b,
                    if ia.is_some() && ia == ib {
                        "one identity"
                    } else {
                        "two identities"
                    }
                );
            }
        }
        ResolveCommand::Status => {
            let Some(run) = store.latest_resolution()? else {
                crate::outln!("no resolution yet: run `corridor resolve run`");
                return Ok(ExitCode::SUCCESS);
            };
            if ctx.json {
                ctx.print_json(&run)?;
            } else {
                crate::outln!(
                    "resolution {} at {} by {} (purpose: {})",
                    run.id,
                    run.at,
                    run.actor,
                    run.purpose
                );
                crate::outln!("{}", run.summary);
                crate::outln!("decisions in force: {}", store.decisions()?.len());
            }
        }
        ResolveCommand::Export(e) => export(ctx, &mut store, &e.format)?,
        ResolveCommand::Records(e) => export_records(ctx, &mut store, &e.format)?,
    }
    Ok(ExitCode::SUCCESS)
}

/// Reads the records (logged as reads with the purpose).
fn load_records(ctx: &Ctx, store: &mut SqliteStore) -> Result<Vec<Record>> {
    Ok(load(ctx, store, false, false)?.records)
}

/// `(entity, identity)` pairs.
type Links = Vec<(String, String)>;

/// What resolution reads from the store.
struct Loaded {
    records: Vec<Record>,
    /// With `things`: the identities of phones, documents, vehicles, vessels and
    /// organisations by their selectors.
    links: Links,
    /// With `features`: each record's, in order.
    features: Vec<Features>,
}

/// Source rows whose records the reading thread hands over at a time.
const ROWS_PER_BATCH: usize = 256;

/// The person records and, with `things` and `features`, the identities of things
/// and the records' features.
///
/// One pass over the statements, without per-statement provenance, a source row at
/// a time: at a million persons, holding every entity at once, or reading
/// provenance, was most of a run's memory and time. This thread reads the store and
/// turns each row into records and things; a second computes the records' features
/// as they come. Reading is SQLite's work on one core, and computing the features
/// after it left the other core idle for most of a second at 100k records (records
/// and things are built here to even the two threads' work).
fn load(ctx: &Ctx, store: &mut SqliteStore, things: bool, features: bool) -> Result<Loaded> {
    let mut schemata: Vec<&str> = SCHEMATA.to_vec();
    if things {
        schemata.extend(["Vehicle", "Vessel", "Organization"]);
    }
    // Sized once: grown as they fill, the two largest vectors of a run were copied
    // into fresh memory again and again (and fresh memory is dear on a VM).
    let persons = store.count_entities(&["Person"])?;
    std::thread::scope(|scope| {
        let (send, receive) = std::sync::mpsc::sync_channel::<Vec<Record>>(8);
        let builder = scope.spawn(move || {
            let mut records: Vec<Record> = Vec::with_capacity(persons);
            let mut built: Vec<Features> = Vec::with_capacity(if features { persons } else { 0 });
            let mut keys = corridor_resolve::FeatureBuilder::default();
            for batch in receive {
                if features {
                    built.extend(batch.iter().map(|r| keys.features(r)));
                }
                records.extend(batch);
            }
            (records, built)
        });
        let mut links = Vec::new();
        let mut resolver = corridor_resolve::things::Things::default();
        let mut batch: Vec<Record> = Vec::new();
        let mut rows = 0;
        let read = store.entity_values_by_record(&schemata, &ctx.actor, &ctx.purpose, &mut |row| {
            batch.extend(corridor_resolve::records_from_values(&row));
            if things {
                resolver.add(&row, &mut links);
            }
            rows += 1;
            if rows % ROWS_PER_BATCH == 0 {
                // A closed channel means the builder panicked; join says so below.
                let _ = send.send(std::mem::take(&mut batch));
            }
        });
        if !batch.is_empty() {
            let _ = send.send(batch);
        }
        drop(send);
        let (records, features) = builder.join().unwrap_or_else(|panic| std::panic::resume_unwind(panic));
        read?;
        Ok(Loaded {
            records,
            links,
            features,
        })
    })
}

fn run_resolution(ctx: &Ctx, store: &mut SqliteStore, a: &ResolveRunArgs) -> Result<(Resolution, Vec<Record>)> {
    let model = match &a.model {
        Some(p) => {
            let text = std::fs::read_to_string(p)
                .with_context(|| format!("cannot read model {}", p.display()))
                .map_err(|e| Failure::new(Code::BadInput, e))?;
            let model = serde_json::from_str::<Model>(&text)
                .with_context(|| format!("{} is not a Corridor resolution model", p.display()))
                .map_err(|e| Failure::new(Code::BadInput, e))?;
            model
                .check_levels()
                .map_err(|e| Failure::new(Code::BadInput, anyhow!("{}: {e}", p.display())))?;
            Some(model)
        }
        None => None,
    };
    for p in a.pairs.iter().chain(&a.save_model) {
        check_new(p, ctx.force).map_err(|e| Failure::new(Code::BadInput, e))?;
    }
    let (resolution, records) = resolve_with(ctx, store, a, model)?;
    if let Some(p) = &a.pairs {
        // Personal data leaves the store: logged as an export.
        store.audit(&corridor_store::AuditEntry {
            actor: ctx.actor.clone(),
            action: "export".into(),
            target: format!("resolution pairs to {}", p.display()),
            purpose: ctx.purpose.clone(),
            detail: serde_json::json!({"pairs": resolution.scored.len()}).to_string(),
        })?;
        write_whole(p, ctx.force, |out| {
            let mut w = csv::Writer::from_writer(out);
            w.write_record([
                "record_id_l",
                "record_id_r",
                "entity_l",
                "entity_r",
                "match_weight",
                "match_probability",
            ])?;
            for s in &resolution.scored {
                let (l, r) = (&records[s.a as usize], &records[s.b as usize]);
                w.write_record(
                    [
                        l.source_record.as_str(),
                        r.source_record.as_str(),
                        l.id.as_str(),
                        r.id.as_str(),
                        &format!("{:.6}", s.weight),
                        &format!("{:.8}", s.probability),
                    ]
                    .map(|c| spreadsheet_cell(c).into_owned()),
                )?;
            }
            w.flush()?;
            Ok(())
        })
        .map_err(|e| Failure::new(Code::BadInput, e))?;
    }
    if let Some(p) = &a.save_model {
        let text = serde_json::to_string_pretty(&resolution.model)?;
        write_whole(p, ctx.force, |w| Ok(std::io::Write::write_all(w, text.as_bytes())?))
            .map_err(|e| Failure::new(Code::BadInput, e))?;
    }
    Ok((resolution, records))
}

pub(crate) fn resolve_with(
    ctx: &Ctx,
    store: &mut SqliteStore,
    a: &ResolveRunArgs,
    model: Option<Model>,
) -> Result<(Resolution, Vec<Record>)> {
    let started = std::time::Instant::now();
    let loaded = load(ctx, store, true, true)?;
    let read = started.elapsed().as_secs_f64();
    let read_peak = corridor_resolve::peak_memory_mib();
    let mut resolution = resolve_records(ctx, store, a, model, &loaded.records, loaded.features, &loaded.links)?;
    resolution.timings.insert(
        0,
        corridor_resolve::Phase {
            phase: "reading the store and features",
            seconds: read,
            peak_mib: read_peak,
        },
    );
    Ok((resolution, loaded.records))
}

/// Resolves `records` with the decisions in force and stores the run.
fn resolve_records(
    ctx: &Ctx,
    store: &mut SqliteStore,
    a: &ResolveRunArgs,
    model: Option<Model>,
    records: &[Record],
    features: Vec<Features>,
    things: &[(String, String)],
) -> Result<Resolution> {
    let mut confirmed = Vec::new();
    let mut rejected = Vec::new();
    for d in store.decisions()? {
        if d.decision == "confirm" {
            confirmed.push((d.a, d.b));
        } else {
            rejected.push((d.a, d.b));
        }
    }
    let opts = Options {
        seed: a.seed,
        model,
        link_only: a.link_only,
        keep_all_scores: a.pairs.is_some(),
        limits: corridor_resolve::Limits {
            pairs_per_record: a.pairs_per_record,
            ..corridor_resolve::Limits::default()
        },
        policy: Policy {
            match_probability: a.match_probability,
            review_probability: a.review_probability,
            max_identity: a.max_identity as usize,
            ..Policy::default()
        },
        ..Options::default()
    };
    let mut resolution = corridor_resolve::resolve_with_features(records, features, &confirmed, &rejected, &opts);
    let storing = std::time::Instant::now();
    let summary = serde_json::json!({
        "records": records.len(),
        "identities": resolution.identities,
        "candidate_pairs": resolution.pairs,
        "links": resolution.links.len(),
        "review": resolution.review.len(),
        "things": things.len(),
        "thing_identities": things.iter().map(|(_, i)| i).collect::<std::collections::HashSet<_>>().len(),
        "blocking": resolution.blocking,
        "em_iterations": resolution.model.em_iterations,
        "em_converged": resolution.model.converged,
        "seed": a.seed,
        "link_only": a.link_only,
        "pairs_per_record": a.pairs_per_record,
        "match_probability": a.match_probability,
        "review_probability": a.review_probability,
        "max_identity": a.max_identity,
        "identity_sizes": resolution.sizes,
    });
    let write = ResolutionWrite {
        model: serde_json::to_string(&resolution.model)?,
        summary: summary.to_string(),
        links: records
            .iter()
            .zip(&resolution.identity)
            .map(|(r, i)| (r.id.clone(), i.clone()))
            .chain(things.iter().cloned())
            .collect(),
        review: resolution
            .review
            .iter()
            .map(|r| ReviewPair {
                a: records[r.pair.a as usize].id.clone(),
                b: records[r.pair.b as usize].id.clone(),
                weight: r.pair.weight,
                probability: r.pair.probability,
                why: r.why.name().to_string(),
            })
            .collect(),
    };
    store.record_resolution(&write, &ctx.actor, &ctx.purpose)?;
    resolution.timings.push(corridor_resolve::Phase {
        phase: "storing",
        seconds: storing.elapsed().as_secs_f64(),
        peak_mib: corridor_resolve::peak_memory_mib(),
    });
    Ok(resolution)
}

/// Ground truth as the synthetic generator writes it: dataset, record_id, entity, true_id.
fn read_truth(path: &Path) -> Result<HashMap<String, String>> {
    let bad = |e: anyhow::Error| Failure::new(Code::BadInput, e);
    let mut reader = csv::Reader::from_path(path)
        .with_context(|| format!("cannot read {}", path.display()))
        .map_err(bad)?;
    let headers = reader.headers().map_err(|e| bad(e.into()))?.clone();
    let col = |n: &str| headers.iter().position(|h| h == n);
    let (Some(d), Some(r), Some(e), Some(t)) = (col("dataset"), col("record_id"), col("entity"), col("true_id")) else {
        return Err(bad(anyhow!(
            "{} needs the columns dataset, record_id, entity and true_id",
            path.display()
        )));
    };
    let mut out = HashMap::new();
    for row in reader.records() {
        let row = row.map_err(|e| bad(e.into()))?;
        let get = |i: usize| row.get(i).unwrap_or("");
        out.insert(format!("{}:{}:{}", get(d), get(r), get(e)), get(t).to_string());
    }
    Ok(out)
}

/// Scores a resolution against a ground-truth file; records without a truth entry
/// count as people of their own.
pub(crate) fn score_against(
    res: &Resolution,
    records: &[Record],
    truth: &Path,
) -> Result<corridor_resolve::evaluate::Scores> {
    let t = read_truth(truth)?;
    let truth_ids: Vec<String> = records
        .iter()
        .map(|r| t.get(&r.id).cloned().unwrap_or_else(|| format!("unknown:{}", r.id)))
        .collect();
    Ok(corridor_resolve::evaluate::score(&res.identity, &truth_ids))
}

fn report(ctx: &Ctx, res: &Resolution, records: &[Record], truth: Option<&Path>) -> Result<()> {
    let scores = truth.map(|p| score_against(res, records, p)).transpose()?;
    if ctx.json {
        ctx.print_json(&serde_json::json!({
            "records": records.len(),
            "identities": res.identities,
            "candidate_pairs": res.pairs,
            "links": res.links.len(),
            "review": res.review.len(),
            "identity_sizes": res.sizes,
            "blocking": res.blocking,
            "model": res.model,
            "timings": res.timings,
            "scores": scores,
        }))?;
        return Ok(());
    }
    crate::outln!(
        "{} records → {} identities; {} candidate pairs scored, {} joined, {} held for review",
        records.len(),
        res.identities,
        res.pairs,
        res.links.len(),
        res.review.len()
    );
    for b in &res.blocking {
        crate::outln!(
            "  rule {:<28} {:>9} pairs ({} new: {} matching, ~{} matches), largest block {}{}",
            b.rule,
            b.pairs_before_dedup,
            b.new_pairs,
            b.new_pairs_matching,
            b.expected_matches,
            b.largest_block,
            match (b.refined_blocks, b.oversized_blocks) {
                (0, 0) => String::new(),
                (0, skipped) => format!(", {skipped} oversized blocks skipped"),
                (refined, skipped) =>
                    format!(", {refined} oversized blocks refined, {skipped} still too large skipped"),
            }
        );
    }
    let sizes = &res.sizes;
    crate::outln!(
        "  identities: largest {} records, {} above 20, {} above the bound; by size {}",
        sizes.largest,
        sizes.over_20,
        sizes.over_bound,
        sizes
            .histogram
            .iter()
            .map(|c| format!("{}: {}", c.records, c.identities))
            .collect::<Vec<_>>()
            .join(", ")
    );
    let mut held: Vec<(String, usize)> = Vec::new();
    for r in &res.review {
        let why = r.why.name().to_string();
        match held.iter_mut().find(|(w, _)| *w == why) {
            Some((_, n)) => *n += 1,
            None => held.push((why, 1)),
        }
    }
    if !held.is_empty() {
        crate::outln!(
            "  held for review: {}",
            held.iter()
                .map(|(w, n)| format!("{n} {w}"))
                .collect::<Vec<_>>()
                .join(", ")
        );
    }
    crate::outln!(
        "  model: prior {:.4}, EM {} iterations ({})",
        res.model.prior,
        res.model.em_iterations,
        if res.model.converged {
            "converged"
        } else {
            "not converged"
        }
    );
    crate::outln!(
        "  time: {}",
        res.timings
            .iter()
            .map(|p| format!("{} {:.2} s", p.phase, p.seconds))
            .collect::<Vec<_>>()
            .join(", ")
    );
    if let Some(peak) = res.timings.iter().filter_map(|p| p.peak_mib).max() {
        crate::outln!("  peak memory: {peak} MiB");
    }
    if let Some(s) = scores {
        crate::outln!(
            "  against the truth: precision {:.3}, recall {:.3}, F1 {:.3}, cluster precision {:.3}",
            s.precision,
            s.recall,
            s.f1,
            s.cluster_precision
        );
    }
    Ok(())
}

fn explain(ctx: &Ctx, store: &mut SqliteStore, a: &str, b: &str) -> Result<()> {
    let Some(run) = store.latest_resolution()? else {
        return Err(Failure::new(
            Code::NotFound,
            anyhow!("no resolution yet: run `corridor resolve run` first"),
        ));
    };
    let model: Model = serde_json::from_str(&run.model).context("the stored model does not parse")?;
    model
        .check_levels()
        .map_err(|e| Failure::new(Code::BadInput, anyhow!("{e}")))?;
    let records = load_records(ctx, store)?;
    let features: Vec<Features> = Features::of_all(&records);
    let find = |id: &str| {
        records.iter().position(|r| r.id == id).ok_or_else(|| {
            Failure::new(
                Code::NotFound,
                anyhow!(
                    "no Person record '{id}': ids are dataset:record:name, as `corridor resolve export` lists them"
                ),
            )
        })
    };
    let (ia, ib) = (find(a)?, find(b)?);
    let tf = TermFrequencies::of(&features);
    let e = model.explain(&features[ia], &features[ib], &tf);
    if ctx.json {
        ctx.print_json(&e)?;
    } else {
        for t in &e.terms {
            let mu = match (t.m, t.u) {
                (Some(m), Some(u)) => format!("m {m:.4} u {u:.6}"),
                (None, Some(u)) => format!("u {u:.6}"),
                _ => String::new(),
            };
            crate::outln!("{:>+8.2}  {:<12} {:<45} {mu}", t.weight, t.name, t.level);
        }
        crate::outln!(
            "{:>+8.2}  match weight → probability {:.4}",
            e.match_weight,
            e.match_probability
        );
    }
    Ok(())
}

/// One line of `resolve export`.
#[derive(serde::Serialize)]
struct ExportRow<'a> {
    agency: &'a str,
    dataset: &'a str,
    record_id: &'a str,
    entity: &'a str,
    identity: &'a str,
}

fn export(ctx: &Ctx, store: &mut SqliteStore, format: &str) -> Result<()> {
    if format != "csv" && format != "jsonl" {
        return Err(Failure::new(
            Code::BadInput,
            anyhow!("--format {format}: give csv or jsonl"),
        ));
    }
    let links = store.identity_links()?;
    if links.is_empty() {
        return Err(Failure::new(
            Code::NotFound,
            anyhow!("no resolution yet: run `corridor resolve run` first"),
        ));
    }
    // Only the persons' ids and origins are needed, not their values (at a million
    // records reading the values was most of the export).
    let persons = store.entity_origins(&["Person"])?;
    let agency_of: HashMap<String, String> = store
        .sources()?
        .into_iter()
        .flat_map(|s| {
            let agency = s.source.agency.clone();
            s.datasets.into_iter().map(move |d| (d, agency.clone()))
        })
        .collect();
    store.audit(&corridor_store::AuditEntry {
        actor: ctx.actor.clone(),
        action: "export".into(),
        target: "resolution".into(),
        purpose: ctx.purpose.clone(),
        detail: serde_json::json!({"format": format, "records": links.len()}).to_string(),
    })?;
    let identity_of: rustc_hash::FxHashMap<&str, &str> = links.iter().map(|(e, i)| (e.as_str(), i.as_str())).collect();
    let mut csv_out = (format == "csv").then(|| {
        csv::WriterBuilder::new()
            .terminator(csv::Terminator::Any(b'\n'))
            .has_headers(false)
            .from_writer(std::io::BufWriter::new(std::io::stdout().lock()))
    });
    let mut json_out = (format != "csv").then(|| std::io::BufWriter::new(std::io::stdout().lock()));
    let mut write = |row: ExportRow| -> Result<()> {
        use std::io::Write;
        if let Some(out) = &mut csv_out {
            let cells = [row.agency, row.dataset, row.record_id, row.entity, row.identity];
            out.write_record(cells.iter().map(|c| spreadsheet_cell(c).into_owned()))
                .map_err(anyhow::Error::from)?;
        } else if let Some(out) = &mut json_out {
            serde_json::to_writer(&mut *out, &row).map_err(anyhow::Error::from)?;
            out.write_all(b"\n")?;
        }
        Ok(())
    };
    if format == "csv" {
        write(ExportRow {
            agency: "agency",
            dataset: "dataset",
            record_id: "record_id",
            entity: "entity",
            identity: "identity",
        })?;
    }
    // Persons first, then the phones, documents, vehicles, vessels and organisations
    // resolved by their selectors (their agency is their data set's), by entity id.
    let person_ids: rustc_hash::FxHashSet<&str> = persons.iter().map(|p| p.id.as_str()).collect();
    for p in &persons {
        write(ExportRow {
            agency: &p.agency,
            dataset: &p.dataset,
            record_id: &p.record_id,
            entity: &p.id,
            identity: identity_of.get(p.id.as_str()).copied().unwrap_or_default(),
        })?;
    }
    let mut things: Vec<&(String, String)> = links.iter().filter(|(e, _)| !person_ids.contains(e.as_str())).collect();
    // The store lists the mapping by entity; sorting is for a store that does not.
    if !things.is_sorted() {
        things.sort_unstable();
    }
    for (entity, identity) in things {
        let (dataset, rest) = entity.split_once(':').unwrap_or(("", entity));
        let record = rest.rsplit_once(':').map_or(rest, |(r, _)| r);
        write(ExportRow {
            agency: agency_of.get(dataset).map_or("", String::as_str),
            dataset,
            record_id: record,
            entity,
            identity,
        })?;
    }
    if let Some(out) = &mut csv_out {
        out.flush()?;
    }
    if let Some(out) = &mut json_out {
        std::io::Write::flush(out)?;
    }
    Ok(())
}

/// The flat person table: what resolution compares, for another tool to read.
fn export_records(ctx: &Ctx, store: &mut SqliteStore, format: &str) -> Result<()> {
    if format != "csv" && format != "jsonl" {
        return Err(Failure::new(
            Code::BadInput,
            anyhow!("--format {format}: give csv or jsonl"),
        ));
    }
    let records = load_records(ctx, store)?;
    store.audit(&corridor_store::AuditEntry {
        actor: ctx.actor.clone(),
        action: "export".into(),
        target: "resolution records".into(),
        purpose: ctx.purpose.clone(),
        detail: serde_json::json!({"format": format, "records": records.len()}).to_string(),
    })?;
    let mut stdout = std::io::stdout().lock();
    if format == "jsonl" {
        use std::io::Write;
        for r in &records {
            serde_json::to_writer(&mut stdout, r)?;
            stdout.write_all(b"\n")?;
        }
        stdout.flush()?;
        return Ok(());
    }
    let mut out = csv::WriterBuilder::new()
        .terminator(csv::Terminator::Any(b'\n'))
        .from_writer(stdout);
    out.write_record(RECORD_COLUMNS).map_err(anyhow::Error::from)?;
    for r in &records {
        let opt = |o: &Option<String>| o.clone().unwrap_or_default();
        let category = r
            .category
            .and_then(|c| serde_json::to_value(c).ok())
            .and_then(|v| v.as_str().map(str::to_string))
            .unwrap_or_default();
        out.write_record(
            [
                r.id.clone(),
                r.agency.clone(),
                r.dataset.clone(),
                r.source_record.clone(),
                r.names.first().cloned().unwrap_or_default(),
                r.names.get(1..).map(|a| a.join("; ")).unwrap_or_default(),
                opt(&r.given),
                opt(&r.surname),
                opt(&r.birth_date),
                opt(&r.sex),
                opt(&r.nationality),
                r.phones.join("; "),
                r.documents.join("; "),
                r.biometrics.join("; "),
                opt(&r.address),
                category,
            ]
            .map(|c| spreadsheet_cell(&c).into_owned()),
        )
        .map_err(anyhow::Error::from)?;
    }
    out.flush()?;
    Ok(())
}

/// Columns of `corridor resolve records --format csv`; lists are joined with "; ".
const RECORD_COLUMNS: [&str; 16] = [
    "id",
    "agency",
    "dataset",
    "source_record",
    "name",
    "aliases",
    "given",
    "surname",
    "birth_date",
    "sex",
    "nationality",
    "phones",
    "documents",
    "biometrics",
    "address",
    "category",
];

/// What matching at ingest did.
#[derive(Debug, serde::Serialize)]
pub(crate) struct AtIngest {
    /// Person records that were not yet resolved.
    pub new_records: usize,
    /// Of those, how many joined an existing identity.
    pub joined: usize,
    pub held_for_review: usize,
}

/// Matches the records that are not resolved yet (a batch just ingested) against the
/// latest resolution, with its model, and adds them to it. Nothing happens before the
/// first `corridor resolve run`.
pub(crate) fn match_new_records(ctx: &Ctx, store: &mut SqliteStore, batch: i64) -> Result<Option<AtIngest>> {
    let Some(run) = store.latest_resolution()? else {
        return Ok(None);
    };
    // A batch without persons (a phone download, a payments file) changes no person's
    // identity: skip reading the whole store.
    if store
        .entities_of_batch(batch, "Person", &ctx.actor, &ctx.purpose)?
        .is_empty()
    {
        return Ok(None);
    }
    let origin = format!("ingest batch {batch}");
    let origin = origin.as_str();
    let model: Model = serde_json::from_str(&run.model).context("the stored resolution model does not parse")?;
    if let Err(e) = model.check_levels() {
        // The batch is stored; its persons are resolved by the next run.
        eprintln!("not matched at ingest: {e}");
        return Ok(None);
    }
    let links: HashMap<String, String> = store.identity_links()?.into_iter().collect();
    let records = load_records(ctx, store)?;
    let (known, new): (Vec<usize>, Vec<usize>) = (0..records.len()).partition(|&i| links.contains_key(&records[i].id));
    if new.is_empty() {
        return Ok(Some(AtIngest {
            new_records: 0,
            joined: 0,
            held_for_review: 0,
        }));
    }
    let features: Vec<Features> = Features::of_all(&records);
    // The latest run's thresholds and each rule's block limit, so that matching at
    // ingest finds and joins what that run would have.
    let summary: serde_json::Value = serde_json::from_str(&run.summary).unwrap_or_default();
    let policy = Policy {
        match_probability: summary["match_probability"].as_f64().unwrap_or(0.9),
        review_probability: summary["review_probability"].as_f64().unwrap_or(0.5),
        max_identity: summary["max_identity"].as_u64().map_or(50, |m| m as usize),
        ..Policy::default()
    };
    let mut index = corridor_resolve::Index::new(
        model,
        corridor_resolve::default_rules(),
        policy,
        TermFrequencies::of(&features),
    );
    if let Some(reports) = summary["blocking"].as_array() {
        // Matched by rule name: a rule the run did not have keeps no limit.
        let limits: Vec<usize> = corridor_resolve::default_rules()
            .iter()
            .map(|rule| {
                reports
                    .iter()
                    .find(|r| r["rule"].as_str() == Some(rule.name.as_str()))
                    .and_then(|r| r["block_limit"].as_u64())
                    .map_or(usize::MAX, |l| l as usize)
            })
            .collect();
        index.set_block_limits(&limits);
    }
    for d in store.decisions()? {
        if d.decision == "reject" {
            index.reject(&d.a, &d.b);
        }
    }
    // Each record's features, computed once above, handed to the index.
    let mut features: Vec<Option<Features>> = features.into_iter().map(Some).collect();
    let mut take = |i: usize| features[i].take().unwrap_or_else(|| Features::of(&records[i]));
    // Each identity's first record first, so the others join it.
    let (roots, rest): (Vec<usize>, Vec<usize>) = known
        .iter()
        .partition(|&&i| links.get(&records[i].id) == Some(&records[i].id));
    for &i in roots.iter().chain(&rest) {
        let f = take(i);
        index.insert_resolved_with(&records[i], f, &links[&records[i].id]);
    }
    let mut joined = 0;
    let mut review = Vec::new();
    let order: Vec<&Record> = roots.iter().chain(&rest).chain(&new).map(|&i| &records[i]).collect();
    for &i in &new {
        let r = &records[i];
        let added = index.add_with(r, take(i));
        joined += usize::from(!added.joined.is_empty());
        review.extend(added.review.into_iter().map(|(other, p, why)| ReviewPair {
            a: r.id.clone(),
            b: other,
            weight: 0.0,
            probability: p,
            why: why.name().to_string(),
        }));
    }
    let changed: Vec<(String, String)> = order
        .iter()
        .zip(index.identities())
        .filter(|(r, identity)| links.get(&r.id) != Some(identity))
        .map(|(r, identity)| (r.id.clone(), identity))
        .collect();
    store.add_identity_links(&changed, &review, origin, &ctx.actor)?;
    Ok(Some(AtIngest {
        new_records: new.len(),
        joined,
        held_for_review: review.len(),
    }))
}
