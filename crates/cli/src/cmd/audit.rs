//! `corridor audit`: verify, anchor and read the audit log.

use std::process::ExitCode;

use crate::Ctx;
use crate::args::AuditCommand;

use crate::exit::{Code, Failure, Result};

pub(crate) fn run(ctx: &Ctx, cmd: &AuditCommand) -> Result<ExitCode> {
    let action = match cmd {
        AuditCommand::Verify { .. } | AuditCommand::Head => corridor_access::Action::VerifyAudit,
        AuditCommand::Anchor => corridor_access::Action::NodeSettings,
        AuditCommand::Log { .. } => corridor_access::Action::ReadAuditLog,
    };
    let (store, _) = ctx.open_for(action)?;
    match cmd {
        AuditCommand::Verify { anchor } => {
            let anchor = anchor.as_deref().map(corridor_app::admin::read_anchor).transpose()?;
            let key = ctx.node_key()?;
            let verification = corridor_app::admin::verify_audit_against(&store, key.as_ref(), anchor.as_ref())?;
            let report = &verification.report;
            if ctx.json {
                ctx.print_json(&serde_json::json!({
                    "entries": report.entries, "head": report.head, "problems": report.problems,
                    "intact": report.is_intact(), "queued_reads": report.queued,
                    "signatures_checked_with": verification.checked_with,
                    "anchor": anchor.as_ref().map(|a| serde_json::json!({"seq": a.seq, "fingerprint": a.fingerprint})),
                }))?;
            } else {
                if report.is_intact() {
                    crate::outln!("audit log intact: {} entries, head {}", report.entries, report.head);
                } else {
                    crate::outln!("audit log NOT intact ({} entries):", report.entries);
                    for p in &report.problems {
                        crate::outln!("  {p}");
                    }
                }
                match (&verification.checked_with, verification.key_file_used) {
                    (Some(k), true) => crate::outln!("  node signatures checked with key {k}"),
                    (Some(k), false) => crate::outln!(
                        "  no node key at {}: the node's signatures were checked with the anchor's key {k}",
                        ctx.key_path(&ctx.store_path()).display(),
                    ),
                    (None, _) => crate::outln!(
                        "  no node key at {}: the node's signatures were not checked (give --key, or --anchor)",
                        ctx.key_path(&ctx.store_path()).display()
                    ),
                }
                if report.queued > 0 {
                    crate::outln!(
                        "  {} entries of reads made while another command held the store wait in its read log; they \
                         join the chain at the next write",
                        report.queued
                    );
                }
                if let Some(a) = &anchor {
                    crate::outln!(
                        "  checked against the anchor of entry {} signed by key {} (compare this fingerprint with the one kept elsewhere)",
                        a.seq,
                        a.fingerprint
                    );
                }
            }
            Ok(if report.is_intact() {
                ExitCode::SUCCESS
            } else {
                ExitCode::from(Code::Integrity as u8)
            })
        }
        AuditCommand::Anchor => {
            let mut store = store;
            let anchor = corridor_app::admin::anchor(&mut store)?.ok_or_else(|| {
                Failure::new(
                    Code::Store,
                    anyhow::anyhow!(
                        "no node key at {}: run `corridor init` to make one (or give --key)",
                        ctx.key_path(&ctx.store_path()).display()
                    ),
                )
            })?;
            crate::text::print_raw(&format!("{}\n", serde_json::to_string_pretty(&anchor)?));
            Ok(ExitCode::SUCCESS)
        }
        AuditCommand::Head => {
            let report = corridor_app::admin::audit_head(&store)?;
            if ctx.json {
                ctx.print_json(&serde_json::json!({"head": report.head, "entries": report.entries}))?;
            } else {
                crate::outln!("{}", report.head);
            }
            Ok(ExitCode::SUCCESS)
        }
        AuditCommand::Log { last, after, limit } => {
            let entries = if after.is_some() || limit.is_some() {
                corridor_app::admin::audit_page(&store, after.unwrap_or(0), limit.unwrap_or(usize::MAX))?
            } else {
                corridor_app::admin::audit_log(&store, *last)?
            };
            if ctx.json {
                ctx.print_json(&entries)?;
            } else {
                for e in &entries {
                    // Entries written before actors were checked, or by another
                    // program, are shown escaped: no entry prints a line of its own.
                    let shown = crate::text::one_line;
                    let why = if e.entry.purpose.is_empty() {
                        String::new()
                    } else {
                        format!(" purpose={}", shown(&e.entry.purpose))
                    };
                    crate::outln!(
                        "{:>6} {} {:<10} {:<14} {}{why}",
                        e.seq,
                        e.at,
                        shown(&e.entry.actor),
                        shown(e.entry.action.as_str()),
                        shown(&e.entry.target)
                    );
                }
            }
            Ok(ExitCode::SUCCESS)
        }
    }
}
