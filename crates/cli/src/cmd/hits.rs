//! `corridor hit` and `corridor exchange`: hit/no-hit on selectors with partner
//! nodes, the messages carried as files (signed end to end; any secure channel
//! carries them). A query and its answer belong to a case (`--case`,
//! `--purpose`); preparing tags and answering a partner are the administrator's.

use std::io::Read;
use std::process::ExitCode;

use corridor_access::Action;
use corridor_app::disclosure;
use corridor_app::hits::{self, Received};
use corridor_exchange::SelectorKind;

use crate::Ctx;
use crate::args::{ExchangeCommand, HitCommand};
use crate::exit::{Code, Failure, Result};
use crate::text::one_line;

/// The largest message file read: an envelope's limit.
pub(crate) const MAX_FILE: u64 = corridor_exchange::MAX_ENVELOPE_BYTES as u64;

pub(crate) fn hit(ctx: &Ctx, cmd: &HitCommand) -> Result<ExitCode> {
    if let HitCommand::Audit { kind, value } = cmd {
        let (mut store, grant) = ctx.open_for(Action::ReadAuditLog)?;
        let session = ctx.session_for(grant.as_ref())?;
        let found = hits::queries_with_selector(&mut store, &session, parse_kind(kind)?, value)?;
        if ctx.json {
            ctx.print_json(&found)?;
        } else if found.is_empty() {
            crate::outln!("no query to a partner held it");
        }
        if !ctx.json {
            for q in &found {
                crate::outln!(
                    "{} partner #{} case {} purpose {} by {} at {}",
                    q.reference,
                    q.partner_id,
                    one_line(&q.case_name),
                    one_line(&q.purpose),
                    one_line(&q.created_by),
                    q.created_at
                );
            }
        }
        return Ok(ExitCode::SUCCESS);
    }
    let (mut store, grant) = ctx.open_for(Action::QueryPartners)?;
    let session = ctx.session_for(grant.as_ref())?;
    let case = case_of(ctx, grant.as_ref())?;
    let purpose = match grant.as_ref().and_then(|g| g.purpose()) {
        Some(p) => p.to_string(),
        None => ctx.purpose.clone(),
    };
    match cmd {
        HitCommand::Query {
            partner,
            kind,
            selectors,
            out,
        } => {
            if let Some(out) = out {
                ctx.check_output(out)?;
            }
            let kind = parse_kind(kind)?;
            let lines: Vec<String> = read_text(selectors, 64 * 1024 * 1024)?
                .lines()
                .map(str::to_string)
                .collect();
            let key = node_key(ctx)?;
            let request = hits::QueryRequest {
                case: &case,
                purpose: &purpose,
                partner,
                kind,
                lines: &lines,
            };
            let Some(out) = out else {
                // Online: the partner's tags, the query and its answer in one go.
                let courier = crate::courier::https(ctx)?;
                let order = corridor_app::online::QueryOrder {
                    case: case.clone(),
                    purpose: purpose.clone(),
                    partner: partner.clone(),
                    kind,
                    lines: lines.clone(),
                };
                let received =
                    corridor_app::online::query(&mut store, &key, &session, &order, &courier, chrono::Utc::now())?;
                return print_received(ctx, &received);
            };
            let (envelope, started) = hits::start_any_query(&mut store, &key, &session, &request, chrono::Utc::now())?;
            write_message(ctx, out, &envelope.to_json())?;
            if ctx.json {
                ctx.print_json(&started)?;
            } else {
                crate::outln!(
                    "query {} to {}: {} {} selectors; send {} to the partner",
                    started.reference,
                    started.partner,
                    started.size,
                    started.kind,
                    out.display()
                );
                if !started.not_selectors.is_empty() {
                    eprintln!(
                        "note: {} lines are no {} and were left out (lines {})",
                        started.not_selectors.len(),
                        started.kind,
                        started
                            .not_selectors
                            .iter()
                            .take(20)
                            .map(|n| n.to_string())
                            .collect::<Vec<_>>()
                            .join(", ")
                    );
                }
            }
        }
        // Answered above, for its own role.
        HitCommand::Audit { .. } => {}
        HitCommand::List => {
            let queries = hits::queries(&store, std::slice::from_ref(&case))?;
            if ctx.json {
                ctx.print_json(&queries)?;
            } else if queries.is_empty() {
                crate::outln!("no queries to partners in case {case}");
            }
            if !ctx.json {
                for q in &queries {
                    crate::outln!(
                        "{} partner #{} {} ×{} sent {} by {}: {}",
                        q.reference,
                        q.partner_id,
                        q.kind,
                        q.size,
                        q.created_at,
                        one_line(&q.created_by),
                        match &q.answered_at {
                            None => "waiting for the answer".to_string(),
                            Some(at) => format!("{} hits (answered {at})", q.hits.len()),
                        }
                    );
                    for (value, reference) in &q.hits {
                        crate::outln!("    hit {} (their reference {reference})", one_line(value));
                    }
                }
            }
        }
    }
    Ok(ExitCode::SUCCESS)
}

pub(crate) fn exchange(ctx: &Ctx, cmd: &ExchangeCommand) -> Result<ExitCode> {
    match cmd {
        ExchangeCommand::Tags { partner, kind, out } => {
            ctx.check_output(out)?;
            let (mut store, grant) = ctx.open_for(Action::ManagePartners)?;
            let session = ctx.session_for(grant.as_ref())?;
            let session = corridor_app::Session::new(session.actor(), "partner matching: tags")?;
            let key = node_key(ctx)?;
            let (envelope, prepared) = hits::prepare_tags(
                &mut store,
                &key,
                &session,
                partner,
                parse_kind(kind)?,
                chrono::Utc::now(),
            )?;
            write_message(ctx, out, &envelope.to_json())?;
            if ctx.json {
                ctx.print_json(&prepared)?;
            } else {
                crate::outln!(
                    "{} {} tags for {} ({} new, {} gone since the last); send {} to the partner",
                    prepared.tags,
                    prepared.kind,
                    prepared.partner,
                    prepared.added,
                    prepared.removed,
                    out.display()
                );
            }
        }
        ExchangeCommand::Answer { file, out } => {
            ctx.check_output(out)?;
            let (mut store, _) = ctx.open_for(Action::ManagePartners)?;
            let key = node_key(ctx)?;
            let text = read_text(file, MAX_FILE)?;
            let envelope = hits::answer_any_query(&mut store, &key, &text, chrono::Utc::now())?;
            write_message(ctx, out, &envelope.to_json())?;
            crate::outln!("answered query {}; send {} back", envelope.reference, out.display());
        }
        ExchangeCommand::Receive { file } => {
            let text = read_text(file, MAX_FILE)?;
            let key = node_key(ctx)?;
            let now = chrono::Utc::now();
            // What is the node's (tags, requests and notices from partners) is the
            // administrator's to take in; an answer belongs to the case that asked,
            // and only its members receive it.
            let received = match hits::message_kind(&text)?.as_str() {
                "psi-tags" => {
                    let (mut store, grant) = ctx.open_for(Action::ManagePartners)?;
                    let session = ctx.session_for(grant.as_ref())?;
                    hits::receive_tags(&mut store, &key, &session, &text, now)?
                }
                "disclosure-request" => {
                    let (mut store, _) = ctx.open_for(Action::ManagePartners)?;
                    let got = disclosure::receive_request(&mut store, &key, &text, now)?;
                    return crate::cmd::disclosure::print_requests(ctx, std::slice::from_ref(&got));
                }
                "disclosure-notice" => {
                    let (mut store, grant) = ctx.open_for(Action::ManagePartners)?;
                    let session = ctx.session_for(grant.as_ref())?;
                    let applied = disclosure::receive_notice(&mut store, &key, &session, &text, now)?;
                    if ctx.json {
                        ctx.print_json(&applied)?;
                    } else {
                        crate::outln!(
                            "notice from {} on disclosure {}: {} records {}",
                            applied.partner,
                            applied.disclosure,
                            applied.records,
                            match applied.change {
                                corridor_exchange::disclosure::Change::Erased => "erased here too",
                                corridor_exchange::disclosure::Change::Rectified => "rectified here too",
                            }
                        );
                    }
                    return Ok(ExitCode::SUCCESS);
                }
                "disclosure-answer" => {
                    let (mut store, grant) = ctx.open_for(Action::DraftDisclosure)?;
                    let session = ctx.session_for(grant.as_ref())?;
                    let case = case_of(ctx, grant.as_ref())?;
                    let got = disclosure::receive_answer(&mut store, &key, &session, &case, &text, now)?;
                    if ctx.json {
                        ctx.print_json(&got)?;
                    } else {
                        match &got.dataset {
                            Some(d) => crate::outln!(
                                "{} {}: {} records ({} statements) ingested into {d}, the partner's agency as their source",
                                got.reference,
                                got.decision.as_str(),
                                got.records,
                                got.statements
                            ),
                            None => crate::outln!(
                                "{} refused by {}: {}",
                                got.reference,
                                got.partner,
                                one_line(&got.reason)
                            ),
                        }
                    }
                    return Ok(ExitCode::SUCCESS);
                }
                _ => {
                    let (mut store, grant) = ctx.open_for(Action::QueryPartners)?;
                    let session = ctx.session_for(grant.as_ref())?;
                    let case = case_of(ctx, grant.as_ref())?;
                    hits::receive_any_answer(&mut store, &key, &session, &case, &text, now)?
                }
            };
            return print_received(ctx, &received);
        }
        ExchangeCommand::Notices { out, send } => {
            let (mut store, grant) = ctx.open_for(Action::ManagePartners)?;
            let session = ctx.session_for(grant.as_ref())?;
            let key = node_key(ctx)?;
            let meta = std::fs::symlink_metadata(out).map_err(|e| {
                bad(anyhow::anyhow!(
                    "{}: not a directory to write into ({e})",
                    out.display()
                ))
            })?;
            if !meta.is_dir() {
                return Err(bad(anyhow::anyhow!("{}: not a directory", out.display())));
            }
            let now = chrono::Utc::now();
            let sealed: Vec<corridor_app::online::NoticeSent> = if *send {
                let courier = crate::courier::https(ctx)?;
                corridor_app::online::send_notices(&mut store, &key, &session, &courier, now)?
            } else {
                disclosure::seal_notices(&mut store, &key, &session, now)?
                    .into_iter()
                    .map(|sealed| corridor_app::online::NoticeSent {
                        sealed,
                        undelivered: Some("to be sent as a file".into()),
                    })
                    .collect()
            };
            for n in &sealed {
                let partner = &n.sealed.partner;
                match &n.undelivered {
                    None => crate::outln!("{} notices delivered to {partner}", n.sealed.envelopes.len()),
                    Some(why) => {
                        // Counted sent only once every file of them is written.
                        for envelope in &n.sealed.envelopes {
                            let path = out.join(format!("notice-{partner}-{}.json", envelope.reference));
                            write_message(ctx, &path, &envelope.to_json())?;
                            if *send {
                                eprintln!(
                                    "note: not delivered to {partner} ({why}): send {} instead",
                                    path.display()
                                );
                            }
                            crate::outln!("{}: send it to {partner}", path.display());
                        }
                        disclosure::notices_delivered(&mut store, &session, &n.sealed)?;
                    }
                }
            }
            if sealed.is_empty() {
                crate::outln!("no notice owed to a partner");
            }
        }
    }
    Ok(ExitCode::SUCCESS)
}

/// Prints what a received message brought (tags, or a query's hits).
fn print_received(ctx: &Ctx, received: &Received) -> Result<ExitCode> {
    if ctx.json {
        ctx.print_json(received)?;
        return Ok(ExitCode::SUCCESS);
    }
    match received {
        Received::Tags { partner, kind, tags } => {
            crate::outln!("{tags} {kind} tags from {partner} kept (they replace the last)")
        }
        Received::Hits {
            partner,
            reference,
            kind,
            size,
            hits,
            ..
        } => {
            crate::outln!(
                "query {reference} to {partner}: {} of {size} {kind} selectors held there",
                hits.len()
            );
            for h in hits {
                crate::outln!("    hit {} (their reference {})", one_line(&h.value), h.reference);
            }
        }
    }
    Ok(ExitCode::SUCCESS)
}

/// The case a query or an answer belongs to: the grant's, or `--case` on a node
/// without users.
pub(crate) fn case_of(ctx: &Ctx, grant: Option<&corridor_access::Grant>) -> Result<String> {
    match grant.and_then(|g| g.case()) {
        Some(c) => Ok(c.name.clone()),
        None => ctx
            .case
            .clone()
            .ok_or_else(|| bad(anyhow::anyhow!("a query belongs to a case: give --case and --purpose"))),
    }
}

fn parse_kind(kind: &str) -> Result<SelectorKind> {
    kind.parse::<SelectorKind>()
        .map_err(|e| bad(anyhow::anyhow!("--kind: {e}")))
}

pub(crate) fn node_key(ctx: &Ctx) -> Result<corridor_store::NodeKey> {
    ctx.node_key()?.ok_or_else(|| {
        Failure::new(
            Code::Store,
            anyhow::anyhow!(
                "this node has no key file at {}: partners know a node by its key; give --key if it is elsewhere",
                ctx.key_path(&ctx.store_path()).display()
            ),
        )
    })
}

/// Reads a text file of at most `limit` bytes (a regular file: never a pipe or a
/// device that would not end); a gzip file is read through, its unpacked text
/// held to the same limit (no unpacking bomb).
pub(crate) fn read_text(path: &std::path::Path, limit: u64) -> Result<String> {
    let fail = |why: String| bad(anyhow::anyhow!("{}: {why}", path.display()));
    let meta = std::fs::metadata(path).map_err(|e| fail(format!("cannot read it ({e})")))?;
    if !meta.is_file() {
        return Err(fail("not a file".into()));
    }
    let mut raw = Vec::new();
    std::fs::File::open(path)
        .and_then(|f| f.take(limit + 1).read_to_end(&mut raw))
        .map_err(|e| fail(format!("cannot read it ({e})")))?;
    let bytes = if raw.starts_with(&[0x1f, 0x8b]) {
        let mut unpacked = Vec::new();
        flate2::read::GzDecoder::new(raw.as_slice())
            .take(limit + 1)
            .read_to_end(&mut unpacked)
            .map_err(|e| fail(format!("not a whole gzip file ({e})")))?;
        unpacked
    } else {
        raw
    };
    if bytes.len() as u64 > limit {
        return Err(fail(format!("larger than {limit} bytes")));
    }
    String::from_utf8(bytes).map_err(|_| fail("not UTF-8 text".into()))
}

/// Writes a message; packed with gzip when the file's name ends in `.gz` (a
/// third smaller: the base64 of random points packs back to about their size).
pub(crate) fn write_message(ctx: &Ctx, path: &std::path::Path, text: &str) -> Result<()> {
    let gzip = path.extension().is_some_and(|e| e == "gz");
    crate::files::write_whole(path, ctx.force, |w| {
        use std::io::Write;
        if gzip {
            let mut z = flate2::write::GzEncoder::new(w, flate2::Compression::best());
            z.write_all(text.as_bytes())?;
            z.write_all(b"\n")?;
            z.finish()?;
        } else {
            w.write_all(text.as_bytes())?;
            w.write_all(b"\n")?;
        }
        Ok(())
    })?;
    Ok(())
}

pub(crate) fn bad(e: anyhow::Error) -> Failure {
    Failure::new(Code::BadInput, e)
}
