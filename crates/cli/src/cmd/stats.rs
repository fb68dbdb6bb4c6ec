//! `corridor stats`: what the store holds.

use std::process::ExitCode;

use crate::Ctx;
use crate::exit::Result;

pub(crate) fn run(ctx: &Ctx) -> Result<ExitCode> {
    let (store, _) = ctx.open_for(corridor_access::Action::NodeStatus)?;
    let s = corridor_app::admin::stats(&store)?;
    if ctx.json {
        ctx.print_json(&s)?;
    } else {
        crate::steps::print_stats(&s);
    }
    Ok(ExitCode::SUCCESS)
}
