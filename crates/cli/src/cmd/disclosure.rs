//! `corridor disclosure`: after a hit, the record behind it. A case member asks
//! (`request`, with --case and --purpose); at the owning node the agreement's
//! approver (any supervisor once the request is overdue) sees what would go
//! (`show`, a logged read) and approves, in part or whole, or refuses. The
//! messages are files carried by any secure channel, as for hits; the approved
//! records travel sealed to the requester's key.

use std::process::ExitCode;

use corridor_access::Action;
use corridor_app::disclosure::{self, Choice, DisclosureView};

use crate::Ctx;
use crate::args::DisclosureCommand;
use crate::cmd::hits::{case_of, node_key, write_message};
use crate::exit::Result;
use crate::text::one_line;

pub(crate) fn disclosure(ctx: &Ctx, cmd: &DisclosureCommand) -> Result<ExitCode> {
    let now = chrono::Utc::now();
    match cmd {
        DisclosureCommand::Request { hit, legal_basis, out } => {
            if let Some(out) = out {
                ctx.check_output(out)?;
            }
            let (mut store, grant) = ctx.open_for(Action::DraftDisclosure)?;
            let session = ctx.session_for(grant.as_ref())?;
            let case = case_of(ctx, grant.as_ref())?;
            let key = node_key(ctx)?;
            let asked = match out {
                Some(out) => {
                    let (envelope, asked) =
                        disclosure::request(&mut store, &key, &session, &case, hit, legal_basis, now)?;
                    write_message(ctx, out, &envelope.to_json())?;
                    asked
                }
                None => {
                    let courier = crate::courier::https(ctx)?;
                    corridor_app::online::request_disclosure(
                        &mut store,
                        &key,
                        &session,
                        (&case, hit, legal_basis),
                        &courier,
                        now,
                    )?
                }
            };
            if ctx.json {
                ctx.print_json(&asked)?;
            } else {
                crate::outln!(
                    "request {} to {}: {}; its answer is due by {}",
                    asked.record.reference,
                    asked.partner,
                    match out {
                        Some(out) => format!("send {} to the partner", out.display()),
                        None => "delivered".to_string(),
                    },
                    asked.record.deadline
                );
            }
        }
        DisclosureCommand::List { received: true } => {
            let (store, _) = ctx.open_for(Action::ApproveDisclosure)?;
            let found = disclosure::list(&store, true, &[], now)?;
            return print_requests(ctx, &found);
        }
        DisclosureCommand::List { received: false } => {
            let (store, grant) = ctx.open_for(Action::DraftDisclosure)?;
            let case = case_of(ctx, grant.as_ref())?;
            let found = disclosure::list(&store, false, std::slice::from_ref(&case), now)?;
            return print_requests(ctx, &found);
        }
        DisclosureCommand::Show { reference } => {
            let (mut store, grant) = ctx.open_for(Action::ApproveDisclosure)?;
            let session = ctx.session_for(grant.as_ref())?;
            let shown = disclosure::proposal(&mut store, &session, reference, now)?;
            if ctx.json {
                ctx.print_json(&shown)?;
                return Ok(ExitCode::SUCCESS);
            }
            print_requests(ctx, std::slice::from_ref(&shown.request))?;
            match &shown.package {
                None => crate::outln!("nothing is held under this hit any more: refuse the request, saying so"),
                Some(p) => {
                    for r in &p.records {
                        crate::outln!("record {} (agency {})", one_line(&r.reference), one_line(&r.agency));
                        for e in &r.entities {
                            crate::outln!("  {} {}", one_line(&e.name), e.schema);
                            for s in &e.statements {
                                crate::outln!(
                                    "    [{}] {} = {}  ({} {})",
                                    s.id,
                                    s.prop,
                                    one_line(&s.value),
                                    s.grading,
                                    s.handling
                                );
                            }
                        }
                    }
                }
            }
            if shown.withheld + shown.records_withheld > 0 {
                crate::outln!(
                    "held back: {} statements under H2 or H3, {} records naming a victim, a witness or an informant",
                    shown.withheld,
                    shown.records_withheld
                );
            }
        }
        DisclosureCommand::Approve {
            reference,
            only,
            reason,
            out,
        } => {
            let choice = Choice::Approve { only: only.as_deref() };
            return decide(ctx, reference, choice, reason, out.as_deref());
        }
        DisclosureCommand::Resend { reference, out } => {
            if let Some(out) = out {
                ctx.check_output(out)?;
            }
            let (mut store, grant) = ctx.open_for(Action::ApproveDisclosure)?;
            let session = ctx.session_for(grant.as_ref())?;
            let key = node_key(ctx)?;
            let (envelope, decided) = disclosure::resend(&mut store, &key, &session, reference, now)?;
            match out {
                Some(out) => {
                    write_message(ctx, out, &envelope.to_json())?;
                    crate::outln!(
                        "{} sent again: send {} to {}",
                        decided.record.reference,
                        out.display(),
                        decided.partner
                    );
                }
                None => {
                    let courier = crate::courier::https(ctx)?;
                    let partner = corridor_app::exchange::partner(&store, &decided.partner)?;
                    corridor_app::online::deliver(&partner, &envelope, &courier)?;
                    crate::outln!("{} sent again to {}", decided.record.reference, decided.partner);
                }
            }
        }
        DisclosureCommand::Refuse { reference, reason, out } => {
            return decide(ctx, reference, Choice::Refuse, reason, out.as_deref());
        }
    }
    Ok(ExitCode::SUCCESS)
}

fn decide(
    ctx: &Ctx,
    reference: &str,
    choice: Choice<'_>,
    reason: &str,
    out: Option<&std::path::Path>,
) -> Result<ExitCode> {
    if let Some(out) = out {
        ctx.check_output(out)?;
    }
    let (mut store, grant) = ctx.open_for(Action::ApproveDisclosure)?;
    let session = ctx.session_for(grant.as_ref())?;
    let key = node_key(ctx)?;
    let now = chrono::Utc::now();
    let decided = match out {
        Some(out) => {
            let (envelope, decided) = disclosure::decide(&mut store, &key, &session, reference, choice, reason, now)?;
            write_message(ctx, out, &envelope.to_json())?;
            decided
        }
        None => {
            let courier = crate::courier::https(ctx)?;
            corridor_app::online::decide(&mut store, &key, &session, (reference, choice, reason), &courier, now)?
        }
    };
    if ctx.json {
        ctx.print_json(&decided)?;
    } else {
        crate::outln!(
            "{} {}: {}",
            decided.record.reference,
            decided.record.state,
            match out {
                Some(out) => format!("send {} to {}", out.display(), decided.partner),
                None => format!("delivered to {}", decided.partner),
            }
        );
    }
    Ok(ExitCode::SUCCESS)
}

/// Prints disclosure requests, one line each (overdue ones marked).
pub(crate) fn print_requests(ctx: &Ctx, found: &[DisclosureView]) -> Result<ExitCode> {
    if ctx.json {
        ctx.print_json(&found)?;
        return Ok(ExitCode::SUCCESS);
    }
    if found.is_empty() {
        crate::outln!("no disclosure requests");
    }
    for d in found {
        let r = &d.record;
        crate::outln!(
            "{} {} {} {} hit {} — {}{} (asked by {} on {}, due {}; legal basis: {})",
            r.reference,
            if r.direction == "asked" { "to" } else { "from" },
            d.partner,
            r.kind,
            r.hit,
            r.state,
            if d.overdue { ", OVERDUE" } else { "" },
            one_line(&r.officer),
            r.requested_at,
            r.deadline,
            one_line(&r.legal_basis)
        );
    }
    Ok(ExitCode::SUCCESS)
}
