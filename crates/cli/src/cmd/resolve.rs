//! `corridor resolve`: records into identities, explanations, review, decisions,
//! export. The use cases are `corridor_app::resolution`'s; this module parses,
//! presents, and writes the files asked for.

use std::path::Path;
use std::process::ExitCode;

use anyhow::anyhow;
use corridor_app::resolution::{self, Decision, RunOutcome, RunSettings};
use corridor_resolve::{Record, Resolution};
use corridor_store::SqliteStore;

use crate::Ctx;
use crate::args::{ResolveCommand, ResolveRunArgs};
use crate::exit::{Code, Failure, Result};
use crate::files::write_whole;
use crate::text::spreadsheet_cell;

pub(crate) fn run(ctx: &Ctx, cmd: &ResolveCommand) -> Result<ExitCode> {
    // A run that writes no pairs file hands out no personal data: a node-wide job.
    // The listings and exports do not yet filter by case.
    // An explanation on a node with users is a case member's, for two of the case's
    // records.
    let (mut store, grant) = match cmd {
        ResolveCommand::Run(a) if a.pairs.is_none() => (ctx.open_for(corridor_access::Action::NodeSettings)?.0, None),
        ResolveCommand::Explain { .. } => ctx.open_for(corridor_access::Action::ExplainResolution)?,
        _ => (ctx.open_unfiltered("resolution's listings and exports")?, None),
    };
    let session = ctx.session()?;
    match cmd {
        ResolveCommand::Run(a) => {
            let outcome = run_resolution(ctx, &mut store, a)?;
            report(ctx, &outcome.resolution, &outcome.records, a.truth.as_deref())?;
        }
        ResolveCommand::Explain { a, b } => {
            let e = match &grant {
                Some(grant) => resolution::explain_in_case(&mut store, grant, a, b)?,
                None => resolution::explain(&mut store, &session, a, b)?,
            };
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
        }
        ResolveCommand::Review => {
            let review = resolution::review(&mut store)?;
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
            let decision = if d.confirm { Decision::Confirm } else { Decision::Reject };
            let decided = resolution::decide(&mut store, &session, &d.a, &d.b, decision, &d.reason)?;
            let word = if d.confirm { "confirm" } else { "reject" };
            if ctx.json {
                ctx.print_json(&serde_json::json!({"decision": word, "a": decided.a, "b": decided.b}))?;
            } else {
                crate::outln!(
                    "{word}ed {} / {}: now {}",
                    d.a,
                    d.b,
                    if decided.joined() {
                        "one identity"
                    } else {
                        "two identities"
                    }
                );
            }
        }
        ResolveCommand::Status => {
            let Some((run, decisions)) = resolution::status(&mut store)? else {
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
                crate::outln!("decisions in force: {decisions}");
            }
        }
        ResolveCommand::Export(e) => export(ctx, &mut store, &e.format)?,
        ResolveCommand::Records(e) => export_records(ctx, &mut store, &e.format)?,
    }
    Ok(ExitCode::SUCCESS)
}

/// The run's settings from the command line.
pub(crate) fn settings(a: &ResolveRunArgs) -> RunSettings {
    RunSettings {
        seed: a.seed,
        link_only: a.link_only,
        pairs_per_record: a.pairs_per_record,
        match_probability: a.match_probability,
        review_probability: a.review_probability,
        max_identity: a.max_identity,
    }
}

fn run_resolution(ctx: &Ctx, store: &mut SqliteStore, a: &ResolveRunArgs) -> Result<RunOutcome> {
    let model = a.model.as_deref().map(resolution::load_model).transpose()?;
    for p in a.pairs.iter().chain(&a.save_model) {
        ctx.check_output(p)?;
    }
    if let (Some(x), Some(y)) = (&a.pairs, &a.save_model)
        && x == y
    {
        return Err(Failure::new(
            Code::BadInput,
            anyhow!(
                "--pairs and --save-model both name {}: give each its own file",
                x.display()
            ),
        ));
    }
    let session = ctx.session()?;
    let outcome = resolution::run(store, &session, &settings(a), model, a.pairs.is_some())?;
    if let Some(p) = &a.pairs {
        let pairs = resolution::scored_pairs(store, &session, &outcome, &p.display().to_string())?;
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
            for (l, r, weight, probability) in pairs {
                w.write_record(
                    [
                        l.source_record.as_str(),
                        r.source_record.as_str(),
                        l.id.as_str(),
                        r.id.as_str(),
                        &format!("{weight:.6}"),
                        &format!("{probability:.8}"),
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
        let text = serde_json::to_string_pretty(&outcome.resolution.model)?;
        write_whole(p, ctx.force, |w| Ok(std::io::Write::write_all(w, text.as_bytes())?))
            .map_err(|e| Failure::new(Code::BadInput, e))?;
    }
    Ok(outcome)
}

fn report(ctx: &Ctx, res: &Resolution, records: &[Record], truth: Option<&Path>) -> Result<()> {
    let scores = truth.map(|p| resolution::score_against(res, records, p)).transpose()?;
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

fn export(ctx: &Ctx, store: &mut SqliteStore, format: &str) -> Result<()> {
    if format != "csv" && format != "jsonl" {
        return Err(Failure::new(
            Code::BadInput,
            anyhow!("--format {format}: give csv or jsonl"),
        ));
    }
    let stdout = std::io::BufWriter::new(std::io::stdout().lock());
    if format == "csv" {
        let mut out = csv::WriterBuilder::new()
            .terminator(csv::Terminator::Any(b'\n'))
            .has_headers(false)
            .from_writer(stdout);
        out.write_record(["agency", "dataset", "record_id", "entity", "identity"])
            .map_err(anyhow::Error::from)?;
        let tty = std::io::IsTerminal::is_terminal(&std::io::stdout());
        resolution::export_identities(store, &ctx.session()?, format, &mut |row| {
            let cells = [row.agency, row.dataset, row.record_id, row.entity, row.identity];
            out.write_record(cells.iter().map(|c| csv_cell(c, tty)))
                .map_err(std::io::Error::other)
        })?;
        out.flush()?;
    } else {
        let mut out = stdout;
        resolution::export_identities(store, &ctx.session()?, format, &mut |row| {
            serde_json::to_writer(&mut out, &row)?;
            std::io::Write::write_all(&mut out, b"\n")
        })?;
        std::io::Write::flush(&mut out)?;
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
    let records = resolution::export_records(store, &ctx.session()?, format)?;
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
    let tty = std::io::IsTerminal::is_terminal(&stdout);
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
            .map(|c| csv_cell(&c, tty)),
        )
        .map_err(anyhow::Error::from)?;
    }
    out.flush()?;
    Ok(())
}

/// A CSV cell: neutralised for spreadsheets, and escaped as text output is when the
/// CSV goes to a terminal rather than a file or a pipe.
fn csv_cell(c: &str, terminal: bool) -> String {
    let cell = spreadsheet_cell(c);
    if terminal {
        crate::text::terminal(&cell).into_owned()
    } else {
        cell.into_owned()
    }
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
