//! `corridor stats`: what the store holds.

use std::process::ExitCode;

use corridor_store::Stats;

use crate::Ctx;
use crate::exit::Result;

pub(crate) fn print_stats(s: &Stats) {
    crate::outln!(
        "{} data sets, {} batches, {} records ({} versions), {} entities, {} statements, {} audit entries",
        s.datasets,
        s.batches,
        s.records,
        s.record_versions,
        s.entities,
        s.statements,
        s.audit_entries
    );
    if !s.entities_by_schema.is_empty() {
        crate::outln!("entities by schema:");
        for (schema, n) in &s.entities_by_schema {
            crate::outln!("  {schema:<20} {n:>9}");
        }
    }
    if !s.persons_by_category.is_empty() {
        crate::outln!("persons by data-subject category:");
        for (c, n) in &s.persons_by_category {
            crate::outln!("  {c:<20} {n:>9}");
        }
    }
}

pub(crate) fn run(ctx: &Ctx) -> Result<ExitCode> {
    let store = ctx.open()?;
    let s = corridor_app::admin::stats(&store)?;
    if ctx.json {
        ctx.print_json(&s)?;
    } else {
        print_stats(&s);
    }
    Ok(ExitCode::SUCCESS)
}
