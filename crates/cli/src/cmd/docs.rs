//! `corridor docs check`: document fraud findings over the store.

use std::process::ExitCode;

use chrono::Datelike;
use corridor_store::Store;

use crate::Ctx;
use crate::args::DocsCommand;
use crate::exit::{Code, Failure, Result};

pub(crate) fn run(ctx: &Ctx, cmd: &DocsCommand) -> Result<ExitCode> {
    let DocsCommand::Check { watchlist } = cmd;
    let lists = watchlist
        .iter()
        .map(|p| corridor_docs::Watchlist::from_csv(p).map_err(|e| Failure::new(Code::BadInput, e)))
        .collect::<Result<Vec<_>>>()?;
    let mut store = ctx.open()?;
    let docs = store.entities_of_schema("TravelDocument", &ctx.actor, &ctx.purpose)?;
    let now = chrono::Utc::now().date_naive();
    let today = (now.year(), now.month(), now.day());
    let findings = corridor_docs::check(&docs, &lists, today);
    if ctx.json {
        ctx.print_json(&findings)?;
    } else {
        for f in &findings {
            println!("{:<13} {}  {}", f.kind, f.document, f.reason);
        }
        println!("{} findings on {} documents", findings.len(), docs.len());
    }
    Ok(ExitCode::SUCCESS)
}
