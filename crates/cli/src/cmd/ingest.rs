//! `corridor ingest`: one file through its mapping into the store.

use std::path::{Path, PathBuf};
use std::process::ExitCode;

use anyhow::Context;
use corridor_ingest::{IngestOptions, IngestReport, Mapping, RejectsOutcome};
use corridor_store::SqliteStore;

use crate::Ctx;
use crate::args::IngestArgs;
use crate::exit::{Code, Failure, Result};
use crate::progress::Bar;

/// Reads and checks a mapping file; its errors carry the line.
pub(crate) fn load_mapping(path: &Path) -> Result<(Mapping, String)> {
    let text = std::fs::read_to_string(path)
        .with_context(|| format!("cannot read mapping {}", path.display()))
        .map_err(|e| Failure::new(Code::BadInput, e))?;
    let mapping = Mapping::parse(&path.display().to_string(), &text).map_err(|e| Failure::new(Code::BadInput, e))?;
    Ok((mapping, text))
}

/// Ingests one file; shared with `demo`.
pub(crate) fn ingest_file(
    ctx: &Ctx,
    store: &mut SqliteStore,
    mapping_path: &Path,
    file: &Path,
    rejects: Option<PathBuf>,
    limits: corridor_ingest::Limits,
) -> Result<IngestReport> {
    let (mapping, text) = load_mapping(mapping_path)?;
    let rejects_path = rejects.unwrap_or_else(|| {
        let mut p = file.as_os_str().to_owned();
        p.push(".rejects.jsonl");
        PathBuf::from(p)
    });
    let opts = IngestOptions {
        actor: ctx.actor.clone(),
        purpose: ctx.purpose.clone(),
        rejects_path,
        received_at: chrono::Utc::now().to_rfc3339_opts(chrono::SecondsFormat::Secs, true),
        limits,
    };
    let total = std::fs::metadata(file).map(|m| m.len()).unwrap_or(0);
    let label = file
        .file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_default();
    let bar = Bar::new(total, &label);
    let report = corridor_ingest::ingest(store, &mapping, &text, file, &opts, &bar);
    bar.finish();
    Ok(report?)
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

pub(crate) fn run(ctx: &Ctx, args: &IngestArgs) -> Result<ExitCode> {
    // The mapping is checked before the store is touched or any row read.
    load_mapping(&args.mapping)?;
    let mut store = ctx.open()?;
    let limits = corridor_ingest::Limits {
        max_line: args.max_line,
        max_field: usize::try_from(args.max_field.min(args.max_line)).unwrap_or(usize::MAX),
    };
    let report = ingest_file(ctx, &mut store, &args.mapping, &args.file, args.rejects.clone(), limits)?;
    // Records arriving after a resolution are matched against it at once.
    let resolution = match report.summary.batch_id {
        Some(b) => Some(corridor_app::resolution::match_new_records(
            &mut store,
            &ctx.session()?,
            b,
        )?),
        None => None,
    };
    if let Some(corridor_app::resolution::IngestMatch::ModelOutdated { reason }) = &resolution {
        eprintln!("not matched at ingest: {reason}");
    }
    let matched = resolution.filter(|r| matches!(r, corridor_app::resolution::IngestMatch::Matched { .. }));
    if ctx.json {
        let mut value = serde_json::to_value(&report)?;
        if let (Some(obj), Some(r)) = (value.as_object_mut(), &matched) {
            obj.insert("resolution".into(), serde_json::to_value(r)?);
        }
        ctx.print_json(&value)?;
    } else {
        print_report(&report);
        if let Some(corridor_app::resolution::IngestMatch::Matched {
            new_records,
            joined,
            held_for_review,
        }) = &matched
        {
            crate::outln!(
                "  resolution: {new_records} new person records matched at once: {joined} joined an existing identity, {held_for_review} held for review"
            );
        }
    }
    Ok(if report.summary.rejected > 0 {
        ExitCode::from(Code::Rejected as u8)
    } else {
        ExitCode::SUCCESS
    })
}
