//! `corridor review`: persons, their category, and when their data is due for review.

use std::process::ExitCode;

use crate::Ctx;
use crate::args::ReviewArgs;
use crate::exit::{Code, Failure, Result};

pub(crate) fn run(ctx: &Ctx, args: &ReviewArgs) -> Result<ExitCode> {
    let mut store = ctx.open_unfiltered("the review listing")?;
    let due = args
        .due
        .as_deref()
        .map(|d| {
            chrono::NaiveDate::parse_from_str(d, "%Y-%m-%d")
                .map_err(|_| Failure::new(Code::BadInput, anyhow::anyhow!("--due {d}: expected a date YYYY-MM-DD")))
        })
        .transpose()?;
    let reviews = corridor_app::persons_due(&mut store, &ctx.session()?, due)?.persons;
    if ctx.json {
        ctx.print_json(&reviews)?;
    } else {
        for r in &reviews {
            crate::outln!(
                "{}  {:<20} received {}  review {}",
                r.entity,
                r.category.to_string(),
                r.received,
                r.review_date
            );
        }
        crate::outln!("{} persons", reviews.len());
    }
    Ok(ExitCode::SUCCESS)
}
