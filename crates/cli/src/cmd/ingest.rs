//! `corridor ingest`: one file through its mapping into the store.

use std::process::ExitCode;

use corridor_app::ingest::IngestOutcome;

use crate::Ctx;
use crate::args::IngestArgs;
use crate::exit::{Code, Result};

pub(crate) fn run(ctx: &Ctx, args: &IngestArgs) -> Result<ExitCode> {
    // The mapping is checked before the store is touched or any row read.
    let text = crate::steps::load_mapping(&args.mapping)?;
    let (mut store, grant) = ctx.open_for(corridor_access::Action::Ingest)?;
    let limits = corridor_ingest::Limits {
        max_line: args.max_line,
        max_field: usize::try_from(args.max_field.min(args.max_line)).unwrap_or(usize::MAX),
    };
    let who = match &grant {
        Some(g) => crate::steps::Ingester::Grant(g),
        None => crate::steps::Ingester::Session(ctx.session()?),
    };
    let IngestOutcome { report, resolution } = crate::steps::ingest_file(
        who,
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
        crate::steps::print_report(&report);
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
