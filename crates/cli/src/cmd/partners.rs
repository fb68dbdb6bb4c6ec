//! `corridor node card`, `partner` and `agreement`: this node's identity towards
//! partner nodes, the partners it knows and what each may ask. All are the
//! administrator's (`Action::ManagePartners`) once the node has users.

use std::io::Read;
use std::process::ExitCode;

use corridor_access::Action;
use corridor_app::exchange::{self, AgreementTerms, PartnerView};

use crate::Ctx;
use crate::args::{AgreementCommand, NodeCommand, PartnerCommand};
use crate::exit::{Code, Failure, Result};
use crate::text::one_line;

pub(crate) fn node(ctx: &Ctx, cmd: &NodeCommand) -> Result<ExitCode> {
    let NodeCommand::Card {
        name,
        country,
        address,
        out,
    } = cmd;
    if let Some(path) = out {
        // Never the store or its key, whatever --force says.
        ctx.check_output(path)?;
    }
    // Authorised like any partner act; the card holds public keys only.
    drop(ctx.open_for(Action::ManagePartners)?);
    let key = ctx.node_key()?.ok_or_else(|| {
        Failure::new(
            Code::Store,
            anyhow::anyhow!(
                "this node has no key file at {}: a node made by `corridor init` has one; give --key if it is elsewhere",
                ctx.key_path(&ctx.store_path()).display()
            ),
        )
    })?;
    let card = exchange::node_card(&key, name, country, address, chrono::Utc::now())?;
    let text = format!("{}\n", card.to_json());
    match out {
        Some(path) => crate::files::write_whole(path, ctx.force, |w| {
            use std::io::Write;
            w.write_all(text.as_bytes())?;
            Ok(())
        })?,
        None => crate::text::print_raw(&text),
    }
    eprintln!(
        "fingerprint: {}\nread it out to each partner by another channel (a call, a letter): they add the card only with it",
        card.fingerprint()
    );
    Ok(ExitCode::SUCCESS)
}

pub(crate) fn partner(ctx: &Ctx, cmd: &PartnerCommand) -> Result<ExitCode> {
    let (mut store, _) = ctx.open_for(Action::ManagePartners)?;
    let session = ctx.session()?;
    match cmd {
        PartnerCommand::Add {
            name,
            card,
            fingerprint,
        } => {
            let text = read_card(card)?;
            let me = ctx.node_key()?;
            let added = exchange::add_partner(&mut store, me.as_ref(), &session, name, &text, fingerprint)?;
            print_partners(ctx, &[added])?;
        }
        PartnerCommand::List => print_partners(ctx, &exchange::partners(&store)?)?,
        PartnerCommand::Revoke { name, reason } => {
            exchange::revoke_partner(&mut store, &session, name, reason)?;
            print_partners(ctx, &[exchange::partner(&store, name)?])?;
        }
    }
    Ok(ExitCode::SUCCESS)
}

pub(crate) fn agreement(ctx: &Ctx, cmd: &AgreementCommand) -> Result<ExitCode> {
    let (mut store, _) = ctx.open_for(Action::ManagePartners)?;
    let session = ctx.session()?;
    let partner = match cmd {
        AgreementCommand::Set {
            partner,
            kinds,
            purposes,
            budget,
            max_query,
            expires,
            approver,
            onward_use,
        } => {
            exchange::set_agreement(
                &mut store,
                &session,
                &AgreementTerms {
                    partner,
                    kinds,
                    purposes,
                    daily_budget: *budget,
                    max_query: *max_query,
                    expires,
                    approver,
                    onward_use: *onward_use,
                },
                chrono::Utc::now().date_naive(),
            )?;
            partner
        }
        AgreementCommand::Show { partner } => partner,
    };
    let view = exchange::partner(&store, partner)?;
    if ctx.json {
        ctx.print_json(&view.agreement)?;
        return Ok(ExitCode::SUCCESS);
    }
    match &view.agreement {
        None => crate::outln!("no agreement with {}: `corridor agreement set` makes one", view.name),
        Some(a) => crate::outln!(
            "{}: kinds {}; purposes {}; {} evaluations a day, at most {} a query; until {}; disclosures approved by {}; onward use {}",
            view.name,
            a.kinds.iter().map(|k| k.as_str()).collect::<Vec<_>>().join(", "),
            one_line(&a.purposes.iter().cloned().collect::<Vec<_>>().join(", ")),
            a.daily_budget,
            a.max_query,
            a.expires,
            a.approver,
            if a.onward_use { "allowed" } else { "not allowed" }
        ),
    }
    Ok(ExitCode::SUCCESS)
}

/// Reads a card file: a regular file of at most the card size (never a pipe or a
/// device that would not end).
fn read_card(path: &std::path::Path) -> Result<String> {
    let bad = |why: String| Failure::new(Code::BadInput, anyhow::anyhow!("{}: {why}", path.display()));
    let meta = std::fs::metadata(path).map_err(|e| bad(format!("cannot read it ({e})")))?;
    if !meta.is_file() {
        return Err(bad("not a file".into()));
    }
    let limit = corridor_exchange::MAX_CARD_BYTES as u64;
    let mut text = String::new();
    std::fs::File::open(path)
        .and_then(|f| f.take(limit + 1).read_to_string(&mut text))
        .map_err(|e| bad(format!("cannot read it as text ({e})")))?;
    if text.len() as u64 > limit {
        return Err(bad(format!("larger than a partner card ({limit} bytes)")));
    }
    Ok(text)
}

fn print_partners(ctx: &Ctx, partners: &[PartnerView]) -> Result<()> {
    if ctx.json {
        return ctx.print_json(&partners);
    }
    if partners.is_empty() {
        crate::outln!("no partners: `corridor partner add NAME --card FILE --fingerprint FP` adds one");
    }
    for p in partners {
        crate::outln!(
            "{:<16} {} ({}) {}  {}{}",
            p.name,
            one_line(&p.display_name),
            p.country,
            p.fingerprint,
            if p.agreement.is_some() {
                "agreement set"
            } else {
                "no agreement"
            },
            p.revoked_at
                .as_ref()
                .map(|at| format!("; REVOKED {at}: {}", one_line(p.revoked_why.as_deref().unwrap_or(""))))
                .unwrap_or_default()
        );
    }
    Ok(())
}
