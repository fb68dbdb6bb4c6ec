//! `corridor ingest`: one file through its mapping into the store.

use std::path::{Path, PathBuf};
use std::process::ExitCode;

use anyhow::Context;
use corridor_app::ingest::IngestOutcome;
use corridor_ingest::{IngestReport, RejectsOutcome};
use corridor_store::SqliteStore;

use crate::Ctx;
use crate::args::IngestArgs;
use crate::exit::{Code, Failure, Result};
use crate::progress::Bar;

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
pub(crate) fn ingest_file(
    ctx: &Ctx,
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
    let outcome = corridor_app::ingest::ingest_file(store, &ctx.session()?, &request, &bar);
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

pub(crate) fn run(ctx: &Ctx, args: &IngestArgs) -> Result<ExitCode> {
    // The mapping is checked before the store is touched or any row read.
    let text = load_mapping(&args.mapping)?;
    let mut store = ctx.open()?;
    let limits = corridor_ingest::Limits {
        max_line: args.max_line,
        max_field: usize::try_from(args.max_field.min(args.max_line)).unwrap_or(usize::MAX),
    };
    let IngestOutcome { report, resolution } = ingest_file(
        ctx,
        &mut store,
        &args.mapping,
        &text,
        &args.file,
        args.rejects.clone(),
        limits,
    )?;
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
