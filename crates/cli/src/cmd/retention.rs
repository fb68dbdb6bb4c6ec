//! `corridor retention`: the data-protection officer's queue of records due for
//! review, without content (the use case is `corridor_app::retention_queue`).

use std::process::ExitCode;

use crate::Ctx;
use crate::exit::{Code, Failure, Result};

pub(crate) fn run(ctx: &Ctx, due: Option<&str>) -> Result<ExitCode> {
    let due = due
        .map(|d| {
            chrono::NaiveDate::parse_from_str(d, "%Y-%m-%d")
                .ok()
                .filter(|_| d.len() == 10)
                .ok_or_else(|| Failure::new(Code::BadInput, anyhow::anyhow!("--due {d}: give a day as YYYY-MM-DD")))
        })
        .transpose()?;
    let (mut store, grant) = ctx.open_for(corridor_access::Action::ReadRetentionQueue)?;
    let items = corridor_app::retention_queue(&mut store, &ctx.session_for(grant.as_ref())?, due)?;
    if ctx.json {
        ctx.print_json(&items)?;
    } else {
        for i in &items {
            crate::outln!(
                "{}  {:<22} received {}  review {}  {}",
                i.record,
                i.category.to_string(),
                i.received,
                i.review_date,
                i.agency.as_deref().unwrap_or("-")
            );
        }
        crate::outln!("{} records", items.len());
    }
    Ok(ExitCode::SUCCESS)
}
