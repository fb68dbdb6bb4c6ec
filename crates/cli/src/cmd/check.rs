//! `corridor check`: is every batch whole and the file intact?

use std::process::ExitCode;

use crate::Ctx;
use crate::exit::{Code, Result};

pub(crate) fn run(ctx: &Ctx) -> Result<ExitCode> {
    let (store, _) = ctx.open_for(corridor_access::Action::VerifyAudit)?;
    let report = corridor_app::admin::consistency(&store)?;
    if ctx.json {
        ctx.print_json(&report)?;
    } else if report.problems.is_empty() {
        crate::outln!(
            "store consistent: {} batches, {} statements, every batch whole",
            report.batches,
            report.statements
        );
    } else {
        for p in &report.problems {
            crate::outln!("{p}");
        }
    }
    Ok(if report.problems.is_empty() {
        ExitCode::SUCCESS
    } else {
        ExitCode::from(Code::Integrity as u8)
    })
}
