//! `corridor audit`: verify, anchor and read the audit log.

use std::process::ExitCode;

use corridor_store::Store;

use crate::Ctx;
use crate::args::AuditCommand;
use crate::exit::{Code, Result};

pub(crate) fn run(ctx: &Ctx, cmd: &AuditCommand) -> Result<ExitCode> {
    let store = ctx.open()?;
    match cmd {
        AuditCommand::Verify => {
            let report = store.verify_audit()?;
            if ctx.json {
                ctx.print_json(&report)?;
            } else if report.is_intact() {
                crate::outln!("audit log intact: {} entries, head {}", report.entries, report.head);
            } else {
                crate::outln!("audit log NOT intact ({} entries):", report.entries);
                for p in &report.problems {
                    crate::outln!("  {p}");
                }
            }
            Ok(if report.is_intact() {
                ExitCode::SUCCESS
            } else {
                ExitCode::from(Code::Integrity as u8)
            })
        }
        AuditCommand::Head => {
            let report = store.verify_audit()?;
            if ctx.json {
                ctx.print_json(&serde_json::json!({"head": report.head, "entries": report.entries}))?;
            } else {
                crate::outln!("{}", report.head);
            }
            Ok(ExitCode::SUCCESS)
        }
        AuditCommand::Log { last } => {
            let mut entries = store.audit_entries()?;
            if let Some(n) = last {
                let skip = entries.len().saturating_sub(*n);
                entries.drain(..skip);
            }
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
                        shown(&e.entry.action),
                        shown(&e.entry.target)
                    );
                }
            }
            Ok(ExitCode::SUCCESS)
        }
    }
}
