//! `corridor retention`: the data-protection officer's queue of records due for
//! review, without content, and keeping, restricting and erasing records (the use
//! cases are `corridor_app::retention_queue` and `corridor_app::erasure`).

use std::process::ExitCode;

use corridor_access::Action;
use corridor_app::erasure::{self, HoldOutcome, Scope};

use crate::Ctx;
use crate::args::RetentionCommand;
use crate::exit::{Code, Failure, Result};

fn day(d: &str, flag: &str) -> Result<chrono::NaiveDate> {
    Ok(corridor_app::parse_day(d, flag)?)
}

fn scope(whole_record: bool) -> Scope {
    if whole_record {
        Scope::WholeRecord
    } else {
        Scope::OnePerson
    }
}

fn needs_grant(grant: Option<corridor_access::Grant>, what: &str) -> Result<corridor_access::Grant> {
    grant.ok_or_else(|| {
        Failure::new(
            Code::BadInput,
            anyhow::anyhow!(
                "{what} works on a case's records, and this node has no users and so no cases: \
                 the DPO's commands name records by the retention queue's ids (--record)"
            ),
        )
    })
}

pub(crate) fn run(ctx: &Ctx, due: Option<&str>, command: Option<&RetentionCommand>) -> Result<ExitCode> {
    let Some(command) = command else {
        return queue(ctx, due);
    };
    let today = chrono::Utc::now().date_naive();
    match command {
        RetentionCommand::Erase {
            records,
            entities,
            reason,
            whole_record,
        } => {
            let scope = scope(*whole_record);
            let outcome = if entities.is_empty() {
                let (mut store, grant) = ctx.open_for(Action::OrderErasure)?;
                erasure::order_erasure(&mut store, &ctx.session_for(grant.as_ref())?, records, reason, scope)?
            } else {
                let (mut store, grant) = ctx.open_for(Action::DecideRetention)?;
                let grant = needs_grant(grant, "erase --entity")?;
                erasure::erase_in_case(&mut store, &grant, entities, reason, today, scope)?
            };
            report(ctx, "erased", &outcome)
        }
        RetentionCommand::Restrict {
            records,
            reason,
            whole_record,
        } => {
            let (mut store, grant) = ctx.open_for(Action::RestrictRecord)?;
            let session = ctx.session_for(grant.as_ref())?;
            let outcome = erasure::restrict(&mut store, &session, records, reason, scope(*whole_record))?;
            report(ctx, "restricted", &outcome)
        }
        RetentionCommand::Lift { records, reason } => {
            let (mut store, grant) = ctx.open_for(Action::RestrictRecord)?;
            let outcome = erasure::lift(&mut store, &ctx.session_for(grant.as_ref())?, records, reason)?;
            report(ctx, "lifted", &outcome)
        }
        RetentionCommand::Held { record } => {
            let (mut store, grant) = ctx.open_for(Action::ReadRetentionQueue)?;
            let session = ctx.session_for(grant.as_ref())?;
            match record {
                Some(id) => {
                    let statements = erasure::read_restricted(&mut store, &session, id)?;
                    if ctx.json {
                        ctx.print_json(&statements)?;
                    } else {
                        for s in &statements {
                            crate::outln!(
                                "{}  {} = {}",
                                crate::text::one_line(&s.entity),
                                s.prop,
                                crate::text::one_line(&s.value)
                            );
                        }
                    }
                }
                None => {
                    let items = erasure::holds(&mut store, &session)?;
                    if ctx.json {
                        ctx.print_json(&items)?;
                    } else {
                        for i in &items {
                            crate::outln!("{}  {:?}  {}  by {}", i.record, i.state, i.at, i.by);
                        }
                        crate::outln!("{} records", items.len());
                    }
                }
            }
            Ok(ExitCode::SUCCESS)
        }
        RetentionCommand::SubjectAccess {
            name,
            born,
            document,
            reference,
        } => {
            let (mut store, grant) = ctx.open_for(Action::SubjectAccessReport)?;
            let session = ctx.session_for(grant.as_ref())?;
            let mut index = corridor_app::search::SearchIndex::default();
            let report = corridor_app::subject::subject_access(
                &mut index,
                &mut store,
                &session,
                &corridor_app::subject::SubjectQuery {
                    name: Some(name),
                    birth_date: born.as_deref(),
                    document: document.as_deref(),
                    reference,
                },
            )?;
            if ctx.json {
                ctx.print_json(&report)?;
            } else {
                for r in &report.records {
                    crate::outln!(
                        "{}  {}  {}{}",
                        r.record,
                        r.dataset,
                        r.category.map(|c| c.to_string()).unwrap_or_default(),
                        if r.restricted { "  [restricted]" } else { "" }
                    );
                    for s in &r.statements {
                        crate::outln!(
                            "    {:<14} {}  ({} {} {}{})",
                            s.property,
                            crate::text::one_line(&s.value),
                            s.agency,
                            s.grading,
                            s.handling,
                            s.restriction
                                .as_deref()
                                .map(|t| format!(": {}", crate::text::one_line(t)))
                                .unwrap_or_default()
                        );
                    }
                }
                crate::outln!(
                    "{} records{}",
                    report.records.len(),
                    if report.truncated {
                        " (more matched: narrow with --born or --document)"
                    } else {
                        ""
                    }
                );
            }
            Ok(ExitCode::SUCCESS)
        }
        RetentionCommand::Case { due } => {
            let due = due.as_deref().map(|d| day(d, "--due")).transpose()?;
            let (mut store, grant) = ctx.open_for(Action::ReadCaseRetention)?;
            let grant = needs_grant(grant, "retention case")?;
            let items = erasure::persons_due_in_case(&mut store, &grant, due)?;
            if ctx.json {
                ctx.print_json(&items)?;
            } else {
                for i in &items {
                    crate::outln!(
                        "{}  {:<22} received {}  review {}{}",
                        i.entity,
                        i.category.to_string(),
                        i.received,
                        i.review_date,
                        if i.kept { "  (kept)" } else { "" }
                    );
                }
                crate::outln!("{} records", items.len());
            }
            Ok(ExitCode::SUCCESS)
        }
        RetentionCommand::Keep { entity, until, reason } => {
            let until = day(until, "--until")?;
            let (mut store, grant) = ctx.open_for(Action::DecideRetention)?;
            let grant = needs_grant(grant, "retention keep")?;
            erasure::keep_in_case(&mut store, &grant, entity, until, reason, today)?;
            if ctx.json {
                ctx.print_json(&serde_json::json!({"kept_until": until.to_string()}))?;
            } else {
                crate::outln!("kept until {until}");
            }
            Ok(ExitCode::SUCCESS)
        }
    }
}

fn report(ctx: &Ctx, what: &str, outcome: &HoldOutcome) -> Result<ExitCode> {
    if ctx.json {
        ctx.print_json(outcome)?;
    } else {
        let r = &outcome.report;
        crate::outln!(
            "{} records {what} ({} already so): {} statements; removed {} identity links, {} findings, {} review pairs, {} derived facts",
            r.records,
            r.unchanged,
            r.statements,
            r.identity_links,
            r.findings,
            r.review_pairs,
            r.derived_facts
        );
        if r.journaled == Some(false) {
            crate::outln!(
                "the journal beside the store ({}) could not be written: a restore of an older backup would not make this again; check the folder's permissions and space",
                corridor_store::journal_path(&ctx.store_path()).display()
            );
        }
        if outcome.compacted == Some(false) {
            crate::outln!(
                "the store's log file could not be emptied while another process used the store: run the erasure again when it is idle"
            );
        }
    }
    Ok(ExitCode::SUCCESS)
}

fn queue(ctx: &Ctx, due: Option<&str>) -> Result<ExitCode> {
    let due = due.map(|d| day(d, "--due")).transpose()?;
    let (mut store, grant) = ctx.open_for(Action::ReadRetentionQueue)?;
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

/// `corridor backup --to FILE`.
pub(crate) fn backup(ctx: &Ctx, to: &std::path::Path) -> Result<ExitCode> {
    let (mut store, grant) = ctx.open_for(Action::Backup)?;
    let report = corridor_app::admin::backup(&mut store, &ctx.session_for(grant.as_ref())?, to)?;
    if ctx.json {
        ctx.print_json(&report)?;
    } else {
        crate::outln!(
            "{}: {} bytes, sha256 {}, audit log to entry {} ({}), verified",
            report.path.display(),
            report.bytes,
            report.sha256,
            report.audit_seq,
            report.audit_head
        );
    }
    Ok(ExitCode::SUCCESS)
}

/// `corridor restore --from FILE`.
pub(crate) fn restore(ctx: &Ctx, from: &std::path::Path) -> Result<ExitCode> {
    let path = ctx.store_path();
    // A node with users: only its administrator restores over it.
    let session = if path.exists() {
        let (_store, grant) = ctx.open_for(Action::Backup)?;
        ctx.session_for(grant.as_ref())?
    } else {
        ctx.session()?
    };
    let report = corridor_app::admin::restore(from, &path, &session)?;
    if ctx.json {
        ctx.print_json(&report)?;
    } else {
        crate::outln!(
            "restored {} as {}: made again since the backup: {} erasures, {} restrictions, {} liftings, {} decisions to keep{}",
            report.from.display(),
            path.display(),
            report.erasures_reapplied,
            report.restrictions_reapplied,
            report.restrictions_lifted,
            report.keeps_reapplied,
            report
                .replaced_store
                .as_ref()
                .map(|p| format!("; the replaced store is at {}", p.display()))
                .unwrap_or_default()
        );
    }
    Ok(ExitCode::SUCCESS)
}
