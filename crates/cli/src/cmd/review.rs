//! `corridor review`: persons, their category, and when their data is due for review.

use std::process::ExitCode;

use corridor_store::Store;

use crate::Ctx;
use crate::args::ReviewArgs;
use crate::exit::{Code, Failure, Result};

pub(crate) fn run(ctx: &Ctx, args: &ReviewArgs) -> Result<ExitCode> {
    let mut store = ctx.open()?;
    let due = args
        .due
        .as_deref()
        .map(|d| {
            chrono::NaiveDate::parse_from_str(d, "%Y-%m-%d")
                .map_err(|_| Failure::new(Code::BadInput, anyhow::anyhow!("--due {d}: expected a date YYYY-MM-DD")))
        })
        .transpose()?;
    let reviews: Vec<_> = store
        .person_reviews()?
        .into_iter()
        .filter(|r| due.is_none_or(|d| r.review_date <= d))
        .collect();
    // The list names persons and their category: a consultation of personal data.
    store.audit(&corridor_store::AuditEntry {
        actor: ctx.actor.clone(),
        action: "read".into(),
        target: "review list".into(),
        purpose: ctx.purpose.clone(),
        detail: serde_json::json!({"due": args.due, "persons": reviews.len()}).to_string(),
    })?;
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
