//! `corridor show`: one entity, every statement, full provenance (the use case is
//! `corridor_app::show_entity`, which logs the read).

use crate::text::one_line;
use std::process::ExitCode;

use crate::Ctx;
use crate::args::ShowArgs;
use crate::exit::Result;

pub(crate) fn run(ctx: &Ctx, args: &ShowArgs) -> Result<ExitCode> {
    let (mut store, grant) = ctx.open_for(corridor_access::Action::ReadEntity)?;
    let shown = match &grant {
        // On a node with users: only in the case, filtered by clearance.
        Some(g) => {
            let v = corridor_app::show_entity_in_case(&mut store, g, &args.id, args.history)?;
            if v.withheld > 0 || v.findings_withheld > 0 {
                eprintln!(
                    "note: {} statements above your clearance {} and {} findings that reach outside the case are withheld",
                    v.withheld, v.clearance, v.findings_withheld
                );
            }
            v.entity
        }
        None => corridor_app::show_entity(&mut store, &ctx.session()?, &args.id, args.history)?,
    };
    if ctx.json {
        ctx.print_json(&shown)?;
        return Ok(ExitCode::SUCCESS);
    }
    crate::outln!("{} ({})", one_line(&shown.id), shown.schema);
    if let Some(r) = &shown.restrictions {
        crate::outln!(
            "  as a whole: {}, weakest grading {}, {}, on {} statements",
            r.handling,
            r.grading,
            r.assessment,
            r.basis
        );
    }
    if let (Some(c), Some(d)) = (shown.category, &shown.review_date) {
        crate::outln!("  data-subject category {c}; due for review on {d}");
    }
    for f in &shown.findings {
        crate::outln!(
            "  finding {}: {} ({}, {} by {})",
            f.kind,
            f.reason,
            f.origin,
            f.found_at,
            f.found_by
        );
    }
    for s in &shown.statements {
        let p = &s.provenance;
        let raw = s
            .raw
            .as_deref()
            .map(|r| format!(" (as received: {r:?})"))
            .unwrap_or_default();
        let old = if s.current { "" } else { " [older version]" };
        let rectified = shown
            .rectifications
            .iter()
            .find(|r| r.old == s.id)
            .map(|r| {
                format!(
                    " [rectified by #{} on {} by {}: {}]",
                    r.new,
                    r.at,
                    one_line(&r.by),
                    one_line(&r.reason)
                )
            })
            .or_else(|| {
                shown
                    .rectifications
                    .iter()
                    .find(|r| r.new == s.id)
                    .map(|r| format!(" [rectifies #{}]", r.old))
            })
            .unwrap_or_default();
        let downgraded = if p.effective_grading() != p.grading {
            format!(" now {} (source regraded)", p.effective_grading())
        } else {
            String::new()
        };
        crate::outln!("  {:<14} {}{raw}{old}{rectified} #{}", s.prop, one_line(&s.value), s.id);
        crate::outln!(
            "  {:<14} {}{downgraded} {} {} · {} ({}){} · record {} · batch {} · received {}",
            "",
            p.grading,
            p.handling,
            p.assessment,
            p.source.agency,
            p.source.country,
            if p.source.unit.is_empty() {
                String::new()
            } else {
                format!(" {}", p.source.unit)
            },
            one_line(&p.record_id),
            p.batch,
            p.received_at
        );
    }
    Ok(ExitCode::SUCCESS)
}
