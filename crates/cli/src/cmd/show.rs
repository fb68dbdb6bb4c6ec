//! `corridor show`: one entity, every statement, full provenance. Logged as a read.

use crate::text::one_line;
use std::process::ExitCode;

use corridor_model::{DataSubjectCategory, Restrictions, Statement};
use corridor_store::Store;
use serde::Serialize;

use crate::Ctx;
use crate::args::ShowArgs;
use crate::exit::{Code, Failure, Result};

#[derive(Serialize)]
struct Shown<'a> {
    id: &'a str,
    schema: &'a str,
    /// What applies to the entity as a whole: the strictest handling and weakest
    /// grading over its current statements.
    restrictions: Option<Restrictions>,
    category: Option<DataSubjectCategory>,
    review_date: Option<String>,
    statements: Vec<&'a Statement>,
    /// Stored findings of checks about this entity (watchlist hits, MRZ problems …).
    findings: Vec<corridor_store::StoredFinding>,
}

pub(crate) fn run(ctx: &Ctx, args: &ShowArgs) -> Result<ExitCode> {
    let mut store = ctx.open()?;
    let Some(entity) = store.entity(&args.id, &ctx.actor, &ctx.purpose)? else {
        return Err(Failure::new(
            Code::NotFound,
            anyhow::anyhow!(
                "no entity '{}': ids are dataset:record:name, as ingest prints them",
                args.id
            ),
        ));
    };
    let current: Vec<&Statement> = entity.statements.iter().filter(|s| s.current).collect();
    let restrictions = Restrictions::of(current.iter().map(|s| &s.provenance));
    let category = entity
        .values("category")
        .first()
        .and_then(|c| c.parse::<DataSubjectCategory>().ok());
    let review_date = match category {
        Some(c) if entity.schema == "Person" => {
            let policy = store.retention_policy()?;
            let received = entity
                .statements
                .iter()
                .map(|s| s.provenance.received_at.as_str())
                .min()
                .and_then(|r| chrono::NaiveDate::parse_from_str(r.get(..10)?, "%Y-%m-%d").ok());
            received.map(|d| policy.review_date(c, d).to_string())
        }
        _ => None,
    };
    let statements: Vec<&Statement> = entity.statements.iter().filter(|s| args.history || s.current).collect();
    let shown = Shown {
        id: &entity.id,
        schema: &entity.schema,
        restrictions,
        category,
        review_date,
        statements,
        findings: store.findings(Some(&entity.id))?,
    };
    if ctx.json {
        ctx.print_json(&shown)?;
        return Ok(ExitCode::SUCCESS);
    }
    crate::outln!("{} ({})", one_line(shown.id), shown.schema);
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
        let downgraded = if p.effective_grading() != p.grading {
            format!(" now {} (source regraded)", p.effective_grading())
        } else {
            String::new()
        };
        crate::outln!("  {:<14} {}{raw}{old}", s.prop, one_line(&s.value));
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
