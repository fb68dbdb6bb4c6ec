//! `corridor docs check`: document fraud findings over the store, stored so that
//! `corridor show` lists them with the document.

use std::process::ExitCode;

use chrono::Datelike;

use crate::Ctx;
use crate::args::DocsCommand;
use crate::exit::{Code, Failure, Result};

pub(crate) fn run(ctx: &Ctx, cmd: &DocsCommand) -> Result<ExitCode> {
    let DocsCommand::Check { watchlist } = cmd;
    let lists = watchlist
        .iter()
        .map(|p| corridor_docs::Watchlist::from_csv(p).map_err(|e| Failure::new(Code::BadInput, e)))
        .collect::<Result<Vec<_>>>()?;
    let (mut store, _) = ctx.open_for(corridor_access::Action::NodeSettings)?;
    let now = chrono::Utc::now().date_naive();
    let today = (now.year(), now.month(), now.day());
    let outcome = corridor_app::documents::check_documents(&mut store, &ctx.session()?, &lists, today)?;
    if ctx.json {
        ctx.print_json(&outcome.findings)?;
    } else {
        for f in &outcome.findings {
            crate::outln!("{:<13} {}  {}", f.kind, f.document, f.reason);
        }
        crate::outln!(
            "{} findings on {} documents ({} not found before)",
            outcome.findings.len(),
            outcome.documents,
            outcome.new
        );
    }
    Ok(ExitCode::SUCCESS)
}
