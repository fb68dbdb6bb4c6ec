//! Disclosure after a hit (step 2 of the Prüm model): the record behind a hit
//! moves only after a human on the owning side decided, and only to the node
//! that asked, sealed to its key.
//!
//! 1. The **requester** (a member of the case whose query found the hit) asks
//!    for the record behind it, naming the legal basis ([`request`]); the
//!    request travels signed, under an opaque reference, with the hit's opaque
//!    reference (the owner's tag) and the query's purpose.
//! 2. The **owner** admits it like any message and checks it against the
//!    agreement (in force, kind, purpose) ([`receive_request`]); it waits for the
//!    agreement's approver, with a deadline (48 hours, as Prüm II), after which
//!    it is shown as overdue and any supervisor may decide it.
//! 3. The approver sees what would go ([`proposal`]: a logged read) and approves,
//!    approves in part (choosing statements), or refuses with a reason
//!    ([`decide`]). What goes: every current statement of the owner's source
//!    records that hold the selector, except statements under H2 or H3 and
//!    records naming a victim, a witness or an informant. The records travel
//!    sealed to the requester's X25519 key (`corridor_exchange::sealed`), each
//!    statement with its grading, handling code and assessment.
//! 4. The requester opens them and ingests them as a batch into the case
//!    ([`receive_answer`]), with the partner's agency as the source
//!    (`partner:NAME/AGENCY`) so that every fact still says where it came from,
//!    and marks them as a partner's, so they are matched for no other partner
//!    unless the agreement allows onward use (the third-party rule).
//! 5. An erasure or rectification of a disclosed record at the owner notes a
//!    notice in the same transaction; [`seal_notices`] seals them for their
//!    partners, and the recipient applies them ([`receive_notice`]): it erases
//!    its copy, or writes the rectified record as its new version.
//!
//! Every step is on both audit chains (references, kinds, decisions, counts;
//! never a value in the log).

use std::collections::{HashMap, HashSet};

use corridor_exchange::disclosure::{self as wire, Decision, DisclosureAsk, DisclosureReply, Notice, Package};
use corridor_exchange::{Envelope, QueryAsk, Refusal, SelectorKind, sealed};
use corridor_model::{DataSubjectCategory, HandlingCode};
use corridor_store::{
    BatchSpec, Directory, DisclosureRecord, EntityWrite, ProvenanceSpec, RowWrite, SqliteStore, StatementWrite, Store,
};
use serde::Serialize;

use crate::exchange::{self, PartnerView};
use crate::hits;
use crate::{Error, Result, Session};

/// How long the owner's approver has to decide (Prüm II: 48 hours).
pub const DEADLINE: chrono::Duration = chrono::Duration::hours(48);

/// A disclosure request as a user sees it.
#[derive(Debug, Clone, Serialize)]
pub struct DisclosureView {
    #[serde(flatten)]
    pub record: DisclosureRecord,
    /// The partner's name at this node.
    pub partner: String,
    /// Pending past its deadline.
    pub overdue: bool,
}

fn view(store: &SqliteStore, record: DisclosureRecord, now: chrono::DateTime<chrono::Utc>) -> Result<DisclosureView> {
    let partner = partner_by_id(store, record.partner_id)?.name;
    let overdue = record.state == "pending" && record.deadline.as_str() < stamp(now).as_str();
    Ok(DisclosureView {
        record,
        partner,
        overdue,
    })
}

fn stamp(t: chrono::DateTime<chrono::Utc>) -> String {
    t.to_rfc3339_opts(chrono::SecondsFormat::Micros, true)
}

fn partner_by_id(store: &SqliteStore, id: i64) -> Result<PartnerView> {
    let record = store
        .partners()?
        .into_iter()
        .find(|p| p.id == id)
        .ok_or_else(|| Error::Integrity(format!("partner #{id} of a disclosure is gone")))?;
    exchange::partner(store, &record.name)
}

/// Asks the partner that answered a query of `case` for the record behind the
/// hit `hit` (the partner's reference, as `corridor hit list` shows it), on
/// `legal_basis`; sealed for the partner and logged.
pub fn request(
    store: &mut SqliteStore,
    me: &corridor_node_key::NodeKey,
    session: &Session,
    case: &str,
    hit: &str,
    legal_basis: &str,
    now: chrono::DateTime<chrono::Utc>,
) -> Result<(Envelope, DisclosureView)> {
    let hit = hit.trim();
    let query = store
        .hit_queries(&[case.to_string()])?
        .into_iter()
        .find(|q| q.hits.iter().any(|(_, r)| r == hit || r.split('@').next() == Some(hit)))
        .ok_or_else(|| {
            Error::NotFound(format!(
                "no hit with the reference '{}' in case {case}: `corridor hit list` shows the case's hits",
                printable(hit)
            ))
        })?;
    let partner = partner_by_id(store, query.partner_id)?;
    let (partner, _) = hits::partner_in_force(store, &partner.name)?;
    let kind: SelectorKind = query
        .kind
        .parse()
        .map_err(|_| Error::Integrity(format!("query {}: kind {} unknown", query.reference, query.kind)))?;
    // An identity hit reads REFERENCE@SIMILARITY: the reference is what is asked for.
    let hit = hit.split('@').next().unwrap_or(hit);
    let reference = hits::new_reference("d")?;
    // A selector hit carries the selector, sealed to the owner: the proof that
    // this node holds it, which the hit's tag alone is not.
    let selector = match kind {
        SelectorKind::PersonIdentity => None,
        _ => {
            let value = query
                .hits
                .iter()
                .find(|(_, r)| r == hit)
                .map(|(v, _)| v.clone())
                .ok_or_else(|| Error::Integrity("the hit's selector is not kept".into()))?;
            let context = sealed::context(
                &me.fingerprint(),
                &partner.fingerprint,
                "disclosure-selector",
                &reference,
            );
            let key = partner_exchange_key(store, &partner)?;
            Some(sealed::seal(&key, &context, value.as_bytes()).map_err(|r| Error::Integrity(r.to_string()))?)
        }
    };
    let ask = DisclosureAsk {
        kind,
        hit: hit.to_string(),
        purpose: query.purpose.clone(),
        legal_basis: legal_basis.trim().to_string(),
        officer: session.user().to_string(),
        query: query.reference.clone(),
        selector,
    };
    ask.check().map_err(|_| {
        Error::BadInput(
            "give the legal basis (--legal-basis, up to 1,000 characters on one line), such as the article and the case's reference"
                .into(),
        )
    })?;
    if store
        .disclosures("asked")?
        .iter()
        .any(|d| d.hit == hit && d.partner_id == query.partner_id && d.state == "pending")
    {
        return Err(Error::Conflict(format!(
            "the record behind {} was asked for already and the answer is awaited: `corridor disclosure list`",
            printable(hit)
        )));
    }
    let envelope = hits::seal(me, &partner, "disclosure-request", &reference, &ask, now)?;
    store.add_disclosure(&corridor_store::NewDisclosure {
        reference: &reference,
        asked: true,
        partner_id: query.partner_id,
        case_name: Some(case),
        kind: kind.as_str(),
        hit,
        purpose: &ask.purpose,
        legal_basis: &ask.legal_basis,
        officer: session.user(),
        approver: None,
        deadline: &stamp(now + DEADLINE),
        actor: session.actor(),
    })?;
    let record = store
        .disclosure(Some(query.partner_id), "asked", &reference)?
        .ok_or_else(|| Error::Integrity("the request was not kept".into()))?;
    Ok((envelope, view(store, record, now)?))
}

/// The owner receives a partner's request (`disclosure-request`): admitted like
/// any message, checked against the agreement (in force, kind, purpose), kept
/// for the agreement's approver with its deadline, and logged.
pub fn receive_request(
    store: &mut SqliteStore,
    me: &corridor_node_key::NodeKey,
    text: &str,
    now: chrono::DateTime<chrono::Utc>,
) -> Result<DisclosureView> {
    let admitted = exchange::admit(store, me, text, now)?;
    if admitted.envelope.kind != "disclosure-request" {
        return Err(hits::malformed(store, &admitted, "not a disclosure request"));
    }
    let ask: DisclosureAsk = match serde_json::from_str(&admitted.envelope.body) {
        Ok(a) => a,
        Err(_) => {
            return Err(hits::malformed(
                store,
                &admitted,
                "its body is not a disclosure request",
            ));
        }
    };
    if let Err(r) = ask.check() {
        return Err(exchange::refuse(store, &admitted, r));
    }
    let Some(agreement) = admitted.partner.agreement.clone() else {
        let r = Refusal::NoAgreement {
            partner: admitted.partner.name.clone(),
        };
        return Err(exchange::refuse(store, &admitted, r));
    };
    // The agreement's terms without its budget (a disclosure evaluates nothing).
    let terms = QueryAsk {
        kind: ask.kind,
        purpose: &ask.purpose,
        size: 1,
    };
    if let Err(r) = agreement.permits(&terms, 0, now.date_naive()) {
        return Err(exchange::refuse(store, &admitted, r));
    }
    // One pending request per hit, and no more pending at once than one query may
    // hold: a partner cannot fill the approver's queue.
    let pending: Vec<DisclosureRecord> = store
        .disclosures("received")?
        .into_iter()
        .filter(|d| d.partner_id == admitted.partner_id && d.state == "pending")
        .collect();
    if pending.iter().any(|d| d.hit == ask.hit) || pending.len() as u64 >= agreement.max_query {
        let r = Refusal::OverBudget {
            used: pending.len() as u64,
            budget: agreement.max_query,
            size: 1,
        };
        return Err(exchange::refuse(store, &admitted, r));
    }
    // The hit must come from a query this node answered for the partner (one
    // request per selector it held), and be real: the reference it answered for a
    // person, or the selector itself for a tag.
    let refuse_as = |why: &str| Refusal::Malformed {
        what: "disclosure request",
        why: why.into(),
    };
    let Some(answered) = store.take_disclosure_slot(admitted.partner_id, &ask.query, ask.kind.as_str())? else {
        let r = refuse_as(
            "it names no query of that kind this node answered for the partner, or more requests than that query held",
        );
        return Err(exchange::refuse(store, &admitted, r));
    };
    let proven = match ask.kind {
        SelectorKind::PersonIdentity => answered.contains(&ask.hit),
        kind => selector_proven(store, me, &admitted, &ask, kind)?,
    };
    if !proven {
        let r = refuse_as("its hit is not one this node answered: no record goes for it");
        return Err(exchange::refuse(store, &admitted, r));
    }
    store.add_disclosure(&corridor_store::NewDisclosure {
        reference: &admitted.envelope.reference,
        asked: false,
        partner_id: admitted.partner_id,
        case_name: None,
        kind: ask.kind.as_str(),
        hit: &ask.hit,
        purpose: &ask.purpose,
        legal_basis: &ask.legal_basis,
        officer: &ask.officer,
        approver: Some(&agreement.approver),
        deadline: &stamp(now + DEADLINE),
        actor: "partner node",
    })?;
    let record = store
        .disclosure(Some(admitted.partner_id), "received", &admitted.envelope.reference)?
        .ok_or_else(|| Error::Integrity("the request was not kept".into()))?;
    view(store, record, now)
}

/// Whether the selector sealed in a request is the one behind its hit's tag.
fn selector_proven(
    store: &mut SqliteStore,
    me: &corridor_node_key::NodeKey,
    admitted: &exchange::Admitted,
    ask: &DisclosureAsk,
    kind: SelectorKind,
) -> Result<bool> {
    let Some(sealed_value) = &ask.selector else {
        return Ok(false);
    };
    let e = &admitted.envelope;
    let context = sealed::context(&e.from, &e.to, "disclosure-selector", &e.reference);
    let Ok(value) = sealed::open(me, &context, sealed_value) else {
        return Ok(false);
    };
    let Some(value) = std::str::from_utf8(&value)
        .ok()
        .and_then(|v| hits::selector_of(kind, v))
    else {
        return Ok(false);
    };
    let (Some(tag), Some(key)) = (hex::decode(&ask.hit).ok(), store.psi_key(admitted.partner_id)?) else {
        return Ok(false);
    };
    let key = corridor_exchange::psi::ResponderKey::from_bytes(&key).map_err(|r| Error::Integrity(r.to_string()))?;
    let held = store.prepared_digest(admitted.partner_id, kind.as_str(), &tag)?;
    Ok(held.is_some_and(|d| d == hits::prepared_digest(&key, kind, &value)))
}

/// The requests partners made of this node (`received`), or those this node
/// made in the cases named (`asked`), newest first; overdue ones flagged.
pub fn list(
    store: &SqliteStore,
    received: bool,
    cases: &[String],
    now: chrono::DateTime<chrono::Utc>,
) -> Result<Vec<DisclosureView>> {
    let direction = if received { "received" } else { "asked" };
    store
        .disclosures(direction)?
        .into_iter()
        .filter(|d| received || d.case_name.as_ref().is_some_and(|c| cases.contains(c)))
        .map(|d| view(store, d, now))
        .collect()
}

/// What would go for a request received: the records behind its hit as they
/// stand, and what is held back.
#[derive(Debug, Clone, Serialize)]
pub struct Proposal {
    pub request: DisclosureView,
    /// The records that would go (all their statements that may), `None` when
    /// nothing is held under the hit any more (erased, restricted, no longer
    /// matchable): refuse it.
    pub package: Option<Package>,
    /// Statements held back: under H2 or H3.
    pub withheld: usize,
    /// Records held back: they name a victim, a witness or an informant.
    pub records_withheld: usize,
}

/// The records behind the hit of the request `reference` received, for its
/// approver: a read of personal data, logged with the request as the purpose.
pub fn proposal(
    store: &mut SqliteStore,
    session: &Session,
    reference: &str,
    now: chrono::DateTime<chrono::Utc>,
) -> Result<Proposal> {
    let record = received_request(store, reference)?;
    may_decide(session, &record, now)?;
    let (package, _, withheld, records_withheld) = records_behind(store, session, &record)?;
    Ok(Proposal {
        request: view(store, record, now)?,
        package,
        withheld,
        records_withheld,
    })
}

/// Only the approver the agreement names sees what would go and decides, until
/// the request is overdue; then any supervisor may.
fn may_decide(session: &Session, record: &DisclosureRecord, now: chrono::DateTime<chrono::Utc>) -> Result<()> {
    let overdue = record.deadline.as_str() < stamp(now).as_str();
    let approver = record.approver.clone().unwrap_or_default();
    if session.user() != approver && !overdue {
        return Err(Error::Forbidden(format!(
            "the agreement names {approver} to approve disclosures; another supervisor may see or decide the request only once it is overdue ({})",
            record.deadline
        )));
    }
    Ok(())
}

fn received_request(store: &SqliteStore, reference: &str) -> Result<DisclosureRecord> {
    store.disclosure(None, "received", reference.trim())?.ok_or_else(|| {
        Error::NotFound(format!(
            "no disclosure request '{}' from a partner: `corridor disclosure list --received` shows them",
            printable(reference)
        ))
    })
}

/// The records behind a request's hit: the package, the records' ids at this
/// node, how many statements and records are held back.
fn records_behind(
    store: &mut SqliteStore,
    session: &Session,
    request: &DisclosureRecord,
) -> Result<(Option<Package>, Vec<i64>, usize, usize)> {
    let kind: SelectorKind = request
        .kind
        .parse()
        .map_err(|_| Error::Integrity(format!("disclosure {}: kind unknown", request.reference)))?;
    let nothing = Ok((None, Vec::new(), 0, 0));
    let read = Session::new(session.actor(), &format!("disclosure {}", request.reference))?;
    let partner = partner_by_id(store, request.partner_id)?;
    let holders: Vec<String> = if kind == SelectorKind::PersonIdentity {
        // The person whose opaque reference the hit gave, if it may still be matched.
        let secret = crate::identities::reference_secret(store)?;
        crate::identities::matchable_persons(store, &read, &partner.name)?
            .into_iter()
            .map(|(entity, _, _)| entity)
            .filter(|entity| crate::identities::person_reference(&secret, request.partner_id, entity) == request.hit)
            .collect()
    } else {
        let Some(tag) = hex::decode(&request.hit).ok() else {
            return nothing;
        };
        let Some(digest) = store.prepared_digest(request.partner_id, kind.as_str(), &tag)? else {
            return nothing;
        };
        let key = hits::responder_key(store, request.partner_id)?;
        let values = hits::matchable_selectors(store, &read, kind, &partner.name)?;
        let Some(value) = values
            .iter()
            .find(|v| hits::prepared_digest(&key, kind, v) == digest)
            .cloned()
        else {
            return nothing;
        };
        // The entities holding the selector, then every entity of their source rows.
        let (schema, props) = hits::schema_of(kind).ok_or_else(|| Error::Integrity("no schema for the kind".into()))?;
        store
            .entity_evidence(&[schema], read.actor(), read.purpose())?
            .into_iter()
            .filter(|e| {
                e.statements.iter().any(|s| {
                    props.contains(&s.prop.as_ref()) && hits::selector_of(kind, &s.value).as_deref() == Some(&value)
                })
            })
            .map(|e| e.id)
            .collect()
    };
    if holders.is_empty() {
        return nothing;
    }
    let all: Vec<&str> = corridor_model::SCHEMATA.iter().map(|s| s.name).collect();
    let rows = store.values_of_records(&holders, &all, read.actor(), read.purpose())?;
    let mut records = Vec::new();
    let mut ids = Vec::new();
    let (mut withheld, mut records_withheld) = (0usize, 0usize);
    for row in rows {
        let Some(first) = row.first() else { continue };
        let (dataset, key) = (first.dataset.to_string(), first.record_id.clone());
        // Data received from a partner is never passed on: the third-party rule
        // (its onward use for matching is the agreement's; disclosure is not).
        let from_partner = row.iter().any(|e| e.agency.starts_with("partner:"));
        if from_partner {
            records_withheld += 1;
            continue;
        }
        let protected = row.iter().any(|e| {
            e.values.iter().any(|(p, v)| {
                p == "category"
                    && v.parse::<DataSubjectCategory>()
                        .is_ok_and(|c| c.is_protected() || c == DataSubjectCategory::Informant)
            })
        });
        if protected {
            records_withheld += 1;
            continue;
        }
        let Some(record_id) = store.record_id(&dataset, &key)? else {
            continue;
        };
        let mut entities = Vec::new();
        let mut agency = String::new();
        for e in &row {
            let Some(full) = store.entity(&e.id, read.actor(), read.purpose())? else {
                continue;
            };
            let name = e.id.rsplit_once(':').map_or(e.id.as_str(), |(_, n)| n).to_string();
            let mut statements = Vec::new();
            for s in full.statements.iter().filter(|s| s.current) {
                if s.provenance.handling.code >= HandlingCode::H2 {
                    withheld += 1;
                    continue;
                }
                agency = s.provenance.source.agency.clone();
                let value = match corridor_model::schema(&full.schema).and_then(|sc| sc.property(&s.prop)) {
                    // A reference names the other entity by its name in the row.
                    Some(p) if matches!(p.ty, corridor_model::PropType::Entity(_)) => {
                        s.value.rsplit_once(':').map_or(s.value.clone(), |(_, n)| n.to_string())
                    }
                    _ => s.value.clone(),
                };
                statements.push(wire::Statement {
                    id: s.id,
                    prop: s.prop.clone(),
                    value,
                    grading: s.provenance.grading.to_string(),
                    handling: s.provenance.handling.code.to_string(),
                    tlp: s.provenance.handling.tlp.map(|t| t.to_string()),
                    assessment: s.provenance.assessment.as_str().to_string(),
                });
            }
            if !statements.is_empty() {
                entities.push(wire::Entity {
                    name,
                    schema: full.schema.clone(),
                    statements,
                });
            }
        }
        if entities.is_empty() {
            continue;
        }
        records.push(wire::Record {
            reference: format!("{dataset}/{key}"),
            agency,
            entities,
        });
        ids.push(record_id);
    }
    if records.is_empty() {
        return Ok((None, ids, withheld, records_withheld));
    }
    Ok((Some(Package { records }), ids, withheld, records_withheld))
}

/// The approver's decision on a request received.
#[derive(Debug, Clone)]
pub enum Choice<'a> {
    /// Everything that may go, or only the statements named (their ids, as the
    /// proposal shows them).
    Approve {
        only: Option<&'a [i64]>,
    },
    Refuse,
}

/// Decides the request `reference` received: by the agreement's approver, or by
/// any supervisor once it is overdue. The answer is sealed for the partner (the
/// records sealed to its key) and logged.
pub fn decide(
    store: &mut SqliteStore,
    me: &corridor_node_key::NodeKey,
    session: &Session,
    reference: &str,
    choice: Choice<'_>,
    reason: &str,
    now: chrono::DateTime<chrono::Utc>,
) -> Result<(Envelope, DisclosureView)> {
    let record = received_request(store, reference)?;
    if record.state != "pending" {
        return Err(Error::Conflict(format!(
            "the request {} was decided already ({})",
            record.reference, record.state
        )));
    }
    may_decide(session, &record, now)?;
    let reason = reason.trim();
    let (partner, _) = hits::partner_in_force(store, &partner_by_id(store, record.partner_id)?.name)?;
    // The agreement as it stands now: an approval after it expired, or after the
    // kind or the purpose left it, does not go.
    if !matches!(choice, Choice::Refuse) {
        let kind: SelectorKind = record
            .kind
            .parse()
            .map_err(|_| Error::Integrity(format!("disclosure {}: kind unknown", record.reference)))?;
        let terms = corridor_exchange::QueryAsk {
            kind,
            purpose: &record.purpose,
            size: 1,
        };
        let allowed = partner
            .agreement
            .as_ref()
            .map(|a| a.permits(&terms, 0, now.date_naive()));
        if !matches!(allowed, Some(Ok(()))) {
            return Err(Error::Conflict(format!(
                "the agreement with {} no longer covers this request (expired, or its kind or purpose taken out): refuse it",
                partner.name
            )));
        }
    }
    let (decision, package, ids) = match choice {
        Choice::Refuse => {
            wire::check_text("reason", reason).map_err(|_| {
                Error::BadInput("say why the request is refused (--reason, up to 1,000 characters on one line)".into())
            })?;
            (Decision::Refused, None, HashMap::new())
        }
        Choice::Approve { only } => {
            let (package, ids, _, _) = records_behind(store, session, &record)?;
            let Some(offered) = package else {
                return Err(Error::Conflict(format!(
                    "nothing is held under the hit of {} any more (erased, restricted or no longer matchable): refuse it, saying so",
                    record.reference
                )));
            };
            let mut package = offered.clone();
            let decision = match only {
                None => Decision::Approved,
                Some(chosen) => {
                    wire::check_text("reason", reason).map_err(|_| {
                        Error::BadInput("say why only part goes (--reason, up to 1,000 characters on one line)".into())
                    })?;
                    let ids_offered: HashSet<i64> = offered
                        .records
                        .iter()
                        .flat_map(|r| r.entities.iter().flat_map(|e| e.statements.iter().map(|s| s.id)))
                        .collect();
                    if let Some(bad) = chosen.iter().find(|id| !ids_offered.contains(id)) {
                        return Err(Error::BadInput(format!(
                            "statement {bad} is not among those that may go: `corridor disclosure show {}` lists them",
                            record.reference
                        )));
                    }
                    keep_only(&mut package, chosen);
                    if package.records.is_empty() {
                        return Err(Error::BadInput(
                            "the statements chosen leave nothing to send: refuse the request instead".into(),
                        ));
                    }
                    Decision::ApprovedInPart
                }
            };
            let ids: HashMap<String, i64> = offered
                .records
                .iter()
                .zip(ids)
                .map(|(r, id)| (r.reference.clone(), id))
                .collect();
            (decision, Some(package), ids)
        }
    };
    // What of each record went, for a rectification notice later: (entity, property).
    let mut rows = Vec::new();
    for sent in package.iter().flat_map(|p| p.records.iter()) {
        let Some(id) = ids.get(&sent.reference) else {
            continue;
        };
        let what: Vec<(&str, &str)> = sent
            .entities
            .iter()
            .flat_map(|e| e.statements.iter().map(move |s| (e.name.as_str(), s.prop.as_str())))
            .collect();
        rows.push(corridor_store::DisclosedRecordRow {
            reference: sent.reference.clone(),
            record_id: *id,
            what: serde_json::to_string(&what).map_err(|e| Error::Integrity(e.to_string()))?,
        });
    }
    let sealed = match &package {
        Some(p) => Some(seal_package(
            store,
            &partner,
            me,
            "disclosure-answer",
            &record.reference,
            p,
        )?),
        None => None,
    };
    let reply = DisclosureReply {
        decision,
        reason: reason.to_string(),
        records: sealed,
    };
    let envelope = hits::seal(me, &partner, "disclosure-answer", &record.reference, &reply, now)?;
    let body = serde_json::to_string(&reply).map_err(|e| Error::Integrity(e.to_string()))?;
    store.decide_disclosure(record.id, (decision.as_str(), reason, &body), session.user(), &rows)?;
    let record = received_request(store, &record.reference)?;
    Ok((envelope, view(store, record, now)?))
}

/// The answer to a request decided here, sealed again (a fresh nonce and time)
/// for a partner it did not reach: the same decision and the same records, by
/// whoever decided, the approver, or any supervisor once overdue. Logged.
pub fn resend(
    store: &mut SqliteStore,
    me: &corridor_node_key::NodeKey,
    session: &Session,
    reference: &str,
    now: chrono::DateTime<chrono::Utc>,
) -> Result<(Envelope, DisclosureView)> {
    let record = received_request(store, reference)?;
    if record.decided_by.as_deref() != Some(session.user()) {
        may_decide(session, &record, now)?;
    }
    let body = store.disclosure_answer(record.id)?.ok_or_else(|| {
        Error::Conflict(format!(
            "the request {} is not decided yet: nothing to send again",
            record.reference
        ))
    })?;
    let reply: DisclosureReply =
        serde_json::from_str(&body).map_err(|_| Error::Integrity("the kept answer no longer reads".into()))?;
    let partner = partner_by_id(store, record.partner_id)?;
    let envelope = hits::seal(me, &partner, "disclosure-answer", &record.reference, &reply, now)?;
    store.audit(&corridor_store::AuditEntry {
        actor: session.actor().into(),
        action: corridor_store::AuditAction::DisclosureDecide,
        target: format!("partner:{}", record.partner_id),
        purpose: format!("disclosure {}", record.reference),
        detail: serde_json::json!({"reference": record.reference, "resent": true, "decision": record.state})
            .to_string(),
    })?;
    Ok((envelope, view(store, record, now)?))
}

fn keep_only(package: &mut Package, chosen: &[i64]) {
    let chosen: HashSet<i64> = chosen.iter().copied().collect();
    for r in &mut package.records {
        for e in &mut r.entities {
            e.statements.retain(|s| chosen.contains(&s.id));
        }
        // A reference left pointing at an entity not sent is dropped with it.
        let names: HashSet<String> = r
            .entities
            .iter()
            .filter(|e| !e.statements.is_empty())
            .map(|e| e.name.clone())
            .collect();
        for e in &mut r.entities {
            let schema = corridor_model::schema(&e.schema);
            e.statements
                .retain(|s| match schema.and_then(|sc| sc.property(&s.prop)).map(|p| p.ty) {
                    Some(corridor_model::PropType::Entity(_)) => names.contains(&s.value),
                    _ => true,
                });
        }
        r.entities.retain(|e| !e.statements.is_empty());
    }
    package.records.retain(|r| !r.entities.is_empty());
}

fn seal_package(
    store: &SqliteStore,
    partner: &PartnerView,
    me: &corridor_node_key::NodeKey,
    kind: &str,
    reference: &str,
    package: &impl Serialize,
) -> Result<sealed::Sealed> {
    let key = partner_exchange_key(store, partner)?;
    let plain = serde_json::to_vec(package).map_err(|e| Error::Integrity(e.to_string()))?;
    let context = sealed::context(&me.fingerprint(), &partner.fingerprint, kind, reference);
    sealed::seal(&key, &context, &plain).map_err(|r| Error::Integrity(r.to_string()))
}

pub(crate) fn partner_exchange_key(store: &SqliteStore, partner: &PartnerView) -> Result<[u8; 32]> {
    let record = store
        .partner(&partner.name)?
        .ok_or_else(|| Error::Integrity(format!("partner {} is gone", partner.name)))?;
    hex::decode(&record.exchange_key)
        .ok()
        .and_then(|b| <[u8; 32]>::try_from(b).ok())
        .ok_or_else(|| Error::Integrity(format!("partner {}: its exchange key is no key", partner.name)))
}

/// What the owner's answer brought.
#[derive(Debug, Clone, Serialize)]
pub struct AnswerReceived {
    pub reference: String,
    pub partner: String,
    pub decision: Decision,
    pub reason: String,
    /// Where the records were ingested, and how many.
    pub dataset: Option<String>,
    pub records: usize,
    pub statements: usize,
}

/// Receives the owner's answer to one of `case`'s requests: a refusal is
/// recorded; approved records are opened with this node's key, checked, and
/// ingested into the case as one batch with their provenance. Logged.
pub fn receive_answer(
    store: &mut SqliteStore,
    me: &corridor_node_key::NodeKey,
    session: &Session,
    grant_case: &str,
    text: &str,
    now: chrono::DateTime<chrono::Utc>,
) -> Result<AnswerReceived> {
    let peek = Envelope::read(text).map_err(|r| Error::BadInput(r.to_string()))?;
    let mine = store
        .disclosures("asked")?
        .into_iter()
        .filter(|d| d.reference == peek.reference)
        .collect::<Vec<_>>();
    let [record] = mine.as_slice() else {
        return Err(Error::NotFound(format!(
            "no disclosure request {} of this node",
            printable(&peek.reference)
        )));
    };
    if record.case_name.as_deref() != Some(grant_case) {
        return Err(Error::Forbidden(format!(
            "the request {} belongs to another case: a member of that case receives its answer",
            record.reference
        )));
    }
    if record.state != "pending" {
        return Err(Error::Conflict(format!(
            "the answer to {} was received already ({})",
            record.reference, record.state
        )));
    }
    let admitted = exchange::admit(store, me, text, now)?;
    if admitted.envelope.kind != "disclosure-answer" || admitted.partner_id != record.partner_id {
        return Err(hits::malformed(
            store,
            &admitted,
            "not the answer to this request from its partner",
        ));
    }
    let reply: DisclosureReply = match serde_json::from_str(&admitted.envelope.body) {
        Ok(r) => r,
        Err(_) => return Err(hits::malformed(store, &admitted, "its body is not a disclosure answer")),
    };
    let reason: String = reply
        .reason
        .chars()
        .filter(|c| !c.is_control())
        .take(wire::MAX_TEXT)
        .collect();
    let partner = admitted.partner.clone();
    if (reply.decision == Decision::Refused) != reply.records.is_none() {
        return Err(hits::malformed(
            store,
            &admitted,
            "an approval without records, or a refusal with them",
        ));
    }
    let Some(sealed_records) = reply.records.as_ref() else {
        store.disclosure_answered(
            record.id,
            Decision::Refused.as_str(),
            &reason,
            None,
            &[],
            session.actor(),
        )?;
        return Ok(AnswerReceived {
            reference: record.reference.clone(),
            partner: partner.name,
            decision: Decision::Refused,
            reason,
            dataset: None,
            records: 0,
            statements: 0,
        });
    };
    let package = match open_package(me, &admitted.envelope, sealed_records) {
        Ok(p) => p,
        Err(r) => return Err(exchange::refuse(store, &admitted, r)),
    };
    // `+` is in no partner or case name: no two pairs give one data set.
    let dataset = format!("disclosed+{}+{}", partner.name, grant_case);
    // The answer and the records it brings are noted first, in one transaction,
    // then ingested: a crash between leaves a disclosure without its copy (asked
    // again), never a copy no notice can find.
    let coming: Vec<corridor_store::DisclosedRecordRow> = package
        .records
        .iter()
        .map(|r| corridor_store::DisclosedRecordRow {
            reference: r.reference.clone(),
            record_id: 0,
            what: String::new(),
        })
        .collect();
    store.disclosure_answered(
        record.id,
        reply.decision.as_str(),
        &reason,
        Some(&dataset),
        &coming,
        session.actor(),
    )?;
    let (written, statements) = write_package(
        store,
        session,
        &partner,
        (&dataset, grant_case),
        &package,
        &record.reference,
    )?;
    Ok(AnswerReceived {
        reference: record.reference.clone(),
        partner: partner.name,
        decision: reply.decision,
        reason,
        dataset: Some(dataset),
        records: written.len(),
        statements,
    })
}

fn open_package(
    me: &corridor_node_key::NodeKey,
    envelope: &Envelope,
    sealed: &sealed::Sealed,
) -> std::result::Result<Package, Refusal> {
    let context = sealed::context(&envelope.from, &envelope.to, &envelope.kind, &envelope.reference);
    let plain = sealed::open(me, &context, sealed)?;
    let package: Package = serde_json::from_slice(&plain).map_err(|e| Refusal::Malformed {
        what: "disclosed record",
        why: format!("not disclosed records (JSON of another shape at line {})", e.line()),
    })?;
    package.check()?;
    Ok(package)
}

/// Writes disclosed records into `dataset` as one batch (new records, or new
/// versions of records received before), the partner's agency as the source;
/// the data set joins the case. Returns the records written and the statements.
fn write_package(
    store: &mut SqliteStore,
    session: &Session,
    partner: &PartnerView,
    (dataset, case): (&str, &str),
    package: &Package,
    reference: &str,
) -> Result<(Vec<corridor_store::DisclosedRecordRow>, usize)> {
    let country = corridor_model::country::to_alpha3(&partner.country).unwrap_or("XXX");
    // The data set is the case's, as an ingest into the case makes it: claimed
    // before a row is written, put into the case after.
    let case_id = store.cases()?.into_iter().find(|c| c.name == case).map(|c| c.id);
    if let Some(id) = case_id
        && !store.claim_dataset(id, dataset)?
    {
        return Err(Error::Conflict(format!(
            "the data set {dataset} belongs to another case: ask an administrator"
        )));
    }
    let mut sources: HashMap<String, i64> = HashMap::new();
    for r in &package.records {
        if !sources.contains_key(&r.agency) {
            let id = store.register_source(&corridor_store::SourceSpec {
                agency: format!("partner:{}/{}", partner.name, r.agency),
                country: country.to_string(),
                agency_name: partner.display_name.clone(),
                unit: String::new(),
                informant_code: String::new(),
            })?;
            sources.insert(r.agency.clone(), id);
        }
    }
    let first_source = sources.values().copied().min().unwrap_or_default();
    let received_at = chrono::Utc::now().to_rfc3339_opts(chrono::SecondsFormat::Secs, true);
    let digest = {
        use sha2::Digest;
        hex::encode(sha2::Sha256::digest(format!("disclosure {}/{reference}", partner.name)))
    };
    let mut batch = store.begin_batch(&BatchSpec {
        dataset: dataset.to_string(),
        source_id: first_source,
        file_name: format!("disclosure {reference} from {}", partner.name),
        file_sha256: digest.clone(),
        mapping_sha256: digest,
        actor: session.actor().into(),
        purpose: session.purpose().into(),
        received_at,
    })?;
    let mut statements = 0usize;
    let mut keys = Vec::new();
    for (row_number, r) in package.records.iter().enumerate() {
        let source_id = sources.get(&r.agency).copied().unwrap_or(first_source);
        let mut entities = Vec::new();
        let mut hasher = <sha2::Sha256 as sha2::Digest>::new();
        for e in &r.entities {
            let schema = corridor_model::schema(&e.schema).ok_or_else(|| Error::Integrity("schema".into()))?;
            let mut writes = Vec::new();
            for s in &e.statements {
                let prop = schema
                    .property(&s.prop)
                    .ok_or_else(|| Error::Integrity("property".into()))?;
                let p = s.provenance().map_err(Error::BadInput)?;
                let provenance_id = batch.provenance(&ProvenanceSpec {
                    source_id,
                    grading: p.grading,
                    handling: p.handling,
                    assessment: p.assessment,
                })?;
                let value = match prop.ty {
                    corridor_model::PropType::Entity(_) => {
                        corridor_model::entity_key(dataset, &copy_key(reference, &r.reference), &s.value)
                    }
                    _ => s.value.clone(),
                };
                for part in [e.name.as_str(), &s.prop, &value, &s.grading, &s.handling, &s.assessment] {
                    sha2::Digest::update(&mut hasher, (part.len() as u64).to_le_bytes());
                    sha2::Digest::update(&mut hasher, part.as_bytes());
                }
                writes.push(StatementWrite {
                    prop: prop.name,
                    value,
                    raw: None,
                    provenance_id,
                });
            }
            statements += writes.len();
            entities.push(EntityWrite {
                name: e.name.clone(),
                schema: schema.name,
                statements: writes,
            });
        }
        let key = copy_key(reference, &r.reference);
        batch.write_row(RowWrite {
            record_key: &key,
            row_number: row_number as u64 + 1,
            content_hash: {
                let digest = sha2::Digest::finalize(hasher);
                let mut h = [0u8; 16];
                h.copy_from_slice(&digest[..16]);
                h
            },
            entities,
        })?;
        keys.push(r.reference.clone());
    }
    batch.commit(package.records.len() as u64, 0)?;
    if case_id.is_some() {
        match crate::access::add_case_data(store, session, case, dataset) {
            Err(e) if e.code() == crate::ErrorCode::NotFound => {}
            other => other?,
        }
    }
    let mut rows = Vec::new();
    for k in keys {
        if let Some(id) = store.record_id(dataset, &copy_key(reference, &k))? {
            rows.push(corridor_store::DisclosedRecordRow {
                reference: k,
                record_id: id,
                what: String::new(),
            });
        }
    }
    Ok((rows, statements))
}

/// The key of a disclosed record's copy: the disclosure's reference, then the
/// owner's reference of the record. Each disclosure keeps a copy of its own: a
/// second disclosure of the same record (perhaps in part) does not overwrite
/// the first, and each is erased or rectified by its own notices.
fn copy_key(disclosure: &str, record: &str) -> String {
    format!("{disclosure}/{record}")
}

/// Seals every erasure and rectification notice waiting, one message per
/// disclosure and change (and one more for records withdrawn), for its partner.
/// They stay owed until [`notices_delivered`].
pub fn seal_notices(
    store: &mut SqliteStore,
    me: &corridor_node_key::NodeKey,
    session: &Session,
    now: chrono::DateTime<chrono::Utc>,
) -> Result<Vec<SealedNotices>> {
    let pending = store.pending_notices()?;
    // One message per disclosure and change, in the order they were noted.
    let mut groups: std::collections::BTreeMap<(i64, String), Vec<corridor_store::PendingNotice>> =
        std::collections::BTreeMap::new();
    for n in pending {
        groups.entry((n.disclosure_id, n.change.clone())).or_default().push(n);
    }
    let mut out = Vec::new();
    for ((_, change), notices) in groups {
        let Some(first) = notices.first() else { continue };
        let (disclosure, partner_id) = (first.disclosure.clone(), first.partner_id);
        // A revoked partner is told too: its copies must follow the erasure.
        let partner = partner_by_id(store, partner_id)?;
        let mut messages: Vec<Notice> = Vec::new();
        if change == "erased" {
            messages.push(Notice {
                change: wire::Change::Erased,
                disclosure: disclosure.clone(),
                records: notices.iter().map(|n| n.reference.clone()).collect(),
                package: None,
            });
        } else {
            // The records as they stand now, read from the records themselves
            // (not through the hit, which a rectification may have changed);
            // those that may no longer go are withdrawn as erased.
            let (package, withdrawn) = rectified_package(store, session, &notices)?;
            if let Some(package) = package {
                messages.push(Notice {
                    change: wire::Change::Rectified,
                    disclosure: disclosure.clone(),
                    records: package.records.iter().map(|r| r.reference.clone()).collect(),
                    package: Some(package),
                });
            }
            if !withdrawn.is_empty() {
                messages.push(Notice {
                    change: wire::Change::Erased,
                    disclosure: disclosure.clone(),
                    records: withdrawn,
                    package: None,
                });
            }
        }
        let mut envelopes = Vec::new();
        for notice in &messages {
            let reference = hits::new_reference("n")?;
            let sealed = seal_package(store, &partner, me, "disclosure-notice", &reference, notice)?;
            envelopes.push(hits::seal(me, &partner, "disclosure-notice", &reference, &sealed, now)?);
        }
        out.push(SealedNotices {
            partner: partner.name.clone(),
            envelopes,
            ids: notices.iter().map(|n| n.id).collect(),
        });
    }
    Ok(out)
}

/// Notices sealed for a partner (one disclosure's, of one change): the messages,
/// and the notes they discharge once written or delivered ([`notices_delivered`]).
#[derive(Debug, Clone)]
pub struct SealedNotices {
    pub partner: String,
    pub envelopes: Vec<Envelope>,
    pub ids: Vec<i64>,
}

/// Marks notices as sent, once their messages are written out or delivered: a
/// notice sealed but lost on the way (a failed write, a crash) is sealed again
/// at the next `exchange notices`. Logged.
pub fn notices_delivered(store: &mut SqliteStore, session: &Session, sealed: &SealedNotices) -> Result<()> {
    Ok(store.notices_sent(&sealed.ids, session.actor())?)
}

/// The rectified records as they now stand, only what was approved of them
/// (entity and property), read by their ids; and the references of those that
/// may no longer go (they now name a victim, a witness or an informant, or hold
/// nothing under H0/H1), to withdraw.
fn rectified_package(
    store: &mut SqliteStore,
    session: &Session,
    notices: &[corridor_store::PendingNotice],
) -> Result<(Option<Package>, Vec<String>)> {
    let read = Session::new(session.actor(), "disclosure notice")?;
    let mut records = Vec::new();
    let mut withdrawn = Vec::new();
    for n in notices {
        let what: Vec<(String, String)> = serde_json::from_str(&n.what).unwrap_or_default();
        let Some((dataset, key)) = n.reference.split_once('/') else {
            withdrawn.push(n.reference.clone());
            continue;
        };
        let mut names: Vec<&str> = what.iter().map(|(e, _)| e.as_str()).collect();
        names.sort();
        names.dedup();
        let mut entities = Vec::new();
        let mut agency = String::new();
        let mut protected = false;
        for name in names {
            let id = corridor_model::entity_key(dataset, key, name);
            let Some(full) = store.entity(&id, read.actor(), read.purpose())? else {
                continue;
            };
            let current = full.statements.iter().filter(|s| s.current);
            protected |= current.clone().any(|s| {
                s.prop == "category"
                    && s.value
                        .parse::<DataSubjectCategory>()
                        .is_ok_and(|c| c.is_protected() || c == DataSubjectCategory::Informant)
            });
            let statements: Vec<wire::Statement> = current
                .filter(|s| s.provenance.handling.code < HandlingCode::H2)
                .filter(|s| what.iter().any(|(e, p)| e == name && *p == s.prop))
                .map(|s| {
                    agency = s.provenance.source.agency.clone();
                    let value = match corridor_model::schema(&full.schema).and_then(|sc| sc.property(&s.prop)) {
                        Some(p) if matches!(p.ty, corridor_model::PropType::Entity(_)) => {
                            s.value.rsplit_once(':').map_or(s.value.clone(), |(_, n)| n.to_string())
                        }
                        _ => s.value.clone(),
                    };
                    wire::Statement {
                        id: s.id,
                        prop: s.prop.clone(),
                        value,
                        grading: s.provenance.grading.to_string(),
                        handling: s.provenance.handling.code.to_string(),
                        tlp: s.provenance.handling.tlp.map(|t| t.to_string()),
                        assessment: s.provenance.assessment.as_str().to_string(),
                    }
                })
                .collect();
            if !statements.is_empty() {
                entities.push(wire::Entity {
                    name: name.to_string(),
                    schema: full.schema.clone(),
                    statements,
                });
            }
        }
        if protected || entities.is_empty() {
            withdrawn.push(n.reference.clone());
            continue;
        }
        records.push(wire::Record {
            reference: n.reference.clone(),
            agency,
            entities,
        });
    }
    let mut package = Package { records };
    // A reference left pointing at an entity not sent goes with it.
    let all: Vec<i64> = package
        .records
        .iter()
        .flat_map(|r| r.entities.iter().flat_map(|e| e.statements.iter().map(|s| s.id)))
        .collect();
    keep_only(&mut package, &all);
    Ok(((!package.records.is_empty()).then_some(package), withdrawn))
}

/// What applying a notice did.
#[derive(Debug, Clone, Serialize)]
pub struct NoticeApplied {
    pub partner: String,
    pub disclosure: String,
    pub change: wire::Change,
    pub records: usize,
}

/// Receives a partner's notice about records it disclosed to this node and
/// applies it: the copies are erased, or their rectified versions written.
pub fn receive_notice(
    store: &mut SqliteStore,
    me: &corridor_node_key::NodeKey,
    session: &Session,
    text: &str,
    now: chrono::DateTime<chrono::Utc>,
) -> Result<NoticeApplied> {
    let admitted = exchange::admit(store, me, text, now)?;
    if admitted.envelope.kind != "disclosure-notice" {
        return Err(hits::malformed(store, &admitted, "not a disclosure notice"));
    }
    let sealed_body: sealed::Sealed = match serde_json::from_str(&admitted.envelope.body) {
        Ok(s) => s,
        Err(_) => return Err(hits::malformed(store, &admitted, "its body is not sealed data")),
    };
    let context = sealed::context(
        &admitted.envelope.from,
        &admitted.envelope.to,
        &admitted.envelope.kind,
        &admitted.envelope.reference,
    );
    let notice: Notice = match sealed::open(me, &context, &sealed_body).and_then(|p| {
        serde_json::from_slice(&p).map_err(|_| Refusal::Malformed {
            what: "notice",
            why: "not a notice".into(),
        })
    }) {
        Ok(n) => n,
        Err(r) => return Err(exchange::refuse(store, &admitted, r)),
    };
    if let Some(p) = &notice.package
        && let Err(r) = p.check()
    {
        return Err(exchange::refuse(store, &admitted, r));
    }
    let Some(record) = store.disclosure(Some(admitted.partner_id), "asked", &notice.disclosure)? else {
        return Err(hits::malformed(
            store,
            &admitted,
            "it names no disclosure this node received from the partner",
        ));
    };
    // The copies, by the key each disclosure's copy has in its data set.
    let mut came: HashMap<String, i64> = HashMap::new();
    for r in store.disclosed_records(record.id)? {
        let id = match &record.dataset {
            Some(dataset) => store.record_id(dataset, &copy_key(&record.reference, &r.reference))?,
            None => None,
        };
        came.insert(r.reference, id.unwrap_or(0));
    }
    let ids: Vec<i64> = notice
        .records
        .iter()
        .filter_map(|r| came.get(r).copied())
        .filter(|id| *id > 0)
        .collect();
    let purpose = format!("notice {} from {}", admitted.envelope.reference, admitted.partner.name);
    let acting = Session::new(session.actor(), &purpose)?;
    match notice.change {
        wire::Change::Erased => {
            if !ids.is_empty() {
                let reviews = store.person_reviews()?;
                crate::erasure::erase(
                    store,
                    &acting,
                    &ids,
                    &format!("erased at the owner, {}", record.reference),
                    &reviews,
                )?;
            }
        }
        wire::Change::Rectified => {
            if let (Some(package), Some(dataset)) = (&notice.package, &record.dataset) {
                // Only records that came under this disclosure.
                let mut package = package.clone();
                package.records.retain(|r| came.contains_key(&r.reference));
                if !package.records.is_empty() {
                    let case = record.case_name.clone().unwrap_or_default();
                    write_package(
                        store,
                        &acting,
                        &admitted.partner,
                        (dataset, &case),
                        &package,
                        &record.reference,
                    )?;
                }
            }
        }
    }
    store.audit(&corridor_store::AuditEntry {
        actor: session.actor().into(),
        action: corridor_store::AuditAction::DisclosureNotice,
        target: format!("partner:{}", admitted.partner_id),
        purpose,
        detail: serde_json::json!({"received": true, "disclosure": record.reference, "change": notice.change, "records": ids.len()})
            .to_string(),
    })?;
    Ok(NoticeApplied {
        partner: admitted.partner.name,
        disclosure: record.reference,
        change: notice.change,
        records: ids.len(),
    })
}

fn printable(text: &str) -> String {
    text.chars().filter(|c| !c.is_control()).take(80).collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::test_support::{Node, ingest, node, partners, root};

    fn now() -> chrono::DateTime<chrono::Utc> {
        chrono::Utc::now()
    }

    /// `b` holds the phones; `a` finds one of them in case `c`: the hit's reference.
    fn hit(a: &mut Node, b: &mut Node) -> String {
        let admin = Session::new("root", "partner matching").expect("session");
        let (tags, _) =
            hits::prepare_tags(&mut b.store, &b.key, &admin, "a", SelectorKind::Phone, now()).expect("tags");
        hits::receive_tags(&mut a.store, &a.key, &root(), &tags.to_json(), now()).expect("receive tags");
        let ana = Session::new("ana", "case=c; purpose=inv").expect("session");
        let lines = vec!["+306931111111".to_string(), "+306939999999".to_string()];
        let request = hits::QueryRequest {
            case: "c",
            purpose: "inv",
            partner: "b",
            kind: SelectorKind::Phone,
            lines: &lines,
        };
        let (query, _) = hits::start_query(&mut a.store, &a.key, &ana, &request, now()).expect("query");
        let answer = hits::answer_query(&mut b.store, &b.key, &query.to_json(), now()).expect("answer");
        let hits::Received::Hits { hits, .. } =
            hits::receive_answer(&mut a.store, &a.key, &ana, "c", &answer.to_json(), now()).expect("hits")
        else {
            panic!("hits expected");
        };
        assert_eq!(hits.len(), 1);
        hits[0].reference.clone()
    }

    /// The notices `n` owes, sealed and counted as delivered (one message each).
    fn sealed_once(n: &mut Node) -> Vec<Envelope> {
        let sealed = seal_notices(&mut n.store, &n.key, &root(), now()).expect("notices");
        for s in &sealed {
            notices_delivered(&mut n.store, &root(), s).expect("delivered");
        }
        sealed.into_iter().flat_map(|s| s.envelopes).collect()
    }

    /// Two partners; `b` holds one suspect's phone, which `a` finds in case `c`.
    fn nodes_with_a_hit() -> (Node, Node, String) {
        let (mut a, mut b) = (node(), node());
        partners(&mut a, &mut b);
        ingest(
            &mut b,
            "one.csv",
            "id,name,category,phone\n1,One,suspect,+306931111111\n",
        );
        let reference = hit(&mut a, &mut b);
        (a, b, reference)
    }

    fn entities_of(store: &mut SqliteStore, dataset: &str) -> Vec<corridor_model::Entity> {
        let mut out = Vec::new();
        for schema in ["Person", "Phone", "Uses"] {
            out.extend(
                store
                    .entities_of_schema(schema, "test", "test")
                    .expect("read")
                    .into_iter()
                    .filter(|e| e.id.starts_with(&format!("{dataset}:"))),
            );
        }
        out
    }

    #[test]
    fn a_hit_leads_to_an_approved_disclosure_ingested_with_provenance_and_notices_follow() {
        let (mut a, mut b) = (node(), node());
        partners(&mut a, &mut b);
        ingest(
            &mut b,
            "one.csv",
            "id,name,category,phone\n1,Ali Hassan,suspect,+306931111111\n2,Two,suspect,+306932222222\n3,Three,victim,+306933333333\n",
        );
        let reference = hit(&mut a, &mut b);
        let ana = Session::new("ana", "case=c; purpose=inv").expect("session");
        // A legal basis is required.
        assert!(request(&mut a.store, &a.key, &ana, "c", &reference, " ", now()).is_err());
        // Another case's member cannot ask on this case's hit.
        assert!(request(&mut a.store, &a.key, &ana, "other", &reference, "Art. 7", now()).is_err());
        let (asked, view_a) = request(
            &mut a.store,
            &a.key,
            &ana,
            "c",
            &reference,
            "Art. 7 Prüm, case 12/2026",
            now(),
        )
        .expect("request");
        assert_eq!(view_a.record.state, "pending");
        assert!(
            request(&mut a.store, &a.key, &ana, "c", &reference, "again", now()).is_err(),
            "one request per hit at a time"
        );
        // The owner keeps it for the agreement's approver, with a 48-hour deadline.
        let got = receive_request(&mut b.store, &b.key, &asked.to_json(), now()).expect("received");
        assert_eq!(got.record.approver.as_deref(), Some("sam"));
        assert!(!got.overdue);
        assert!(
            receive_request(&mut b.store, &b.key, &asked.to_json(), now()).is_err(),
            "a replay is refused"
        );
        let sam = Session::new("sam", "disclosure").expect("session");
        let shown = proposal(&mut b.store, &sam, &asked.reference, now()).expect("proposal");
        let package = shown.package.clone().expect("records behind the hit");
        assert_eq!(package.records.len(), 1, "the record holding the phone only");
        assert_eq!(package.records[0].reference, "gr-i/1");
        // Someone else may not decide before the deadline.
        let other = Session::new("tim", "disclosure").expect("session");
        let early = decide(
            &mut b.store,
            &b.key,
            &other,
            &asked.reference,
            Choice::Approve { only: None },
            "",
            now(),
        );
        assert!(matches!(early, Err(Error::Forbidden(_))), "{early:?}");
        // Approved in part: the phone and the person's name go, the category does not.
        let chosen: Vec<i64> = package.records[0]
            .entities
            .iter()
            .flat_map(|e| e.statements.iter())
            .filter(|s| s.prop != "category")
            .map(|s| s.id)
            .collect();
        assert!(
            decide(
                &mut b.store,
                &b.key,
                &sam,
                &asked.reference,
                Choice::Approve { only: Some(&chosen) },
                "",
                now()
            )
            .is_err(),
            "a part approval says why"
        );
        let (answer, decided) = decide(
            &mut b.store,
            &b.key,
            &sam,
            &asked.reference,
            Choice::Approve { only: Some(&chosen) },
            "the category is not needed for the stated purpose",
            now(),
        )
        .expect("approve");
        assert_eq!(decided.record.state, "approved_in_part");
        assert!(
            decide(
                &mut b.store,
                &b.key,
                &sam,
                &asked.reference,
                Choice::Refuse,
                "late",
                now()
            )
            .is_err(),
            "decided once"
        );
        // Nothing readable on the wire: the name travels sealed.
        assert!(!answer.to_json().contains("Ali Hassan"));
        // Another case's member cannot take it in.
        assert!(receive_answer(&mut a.store, &a.key, &ana, "other", &answer.to_json(), now()).is_err());
        let received = receive_answer(&mut a.store, &a.key, &ana, "c", &answer.to_json(), now()).expect("answer");
        assert_eq!((received.records, received.decision), (1, Decision::ApprovedInPart));
        assert!(receive_answer(&mut a.store, &a.key, &ana, "c", &answer.to_json(), now()).is_err());
        let dataset = received.dataset.clone().expect("dataset");
        let got = entities_of(&mut a.store, &dataset);
        let person = got.iter().find(|e| e.schema == "Person").expect("the person came");
        assert_eq!(person.values("name"), ["Ali Hassan"]);
        assert!(person.values("category").is_empty(), "left out by the approver");
        let s = &person.statements[0];
        assert_eq!(
            s.provenance.source.agency, "partner:b/gr-hcg",
            "the partner's agency is the source"
        );
        assert_eq!(s.provenance.grading.to_string(), "B2");
        assert_eq!(s.provenance.handling.code, HandlingCode::H1);
        let uses = got.iter().find(|e| e.schema == "Uses").expect("the link came");
        assert_eq!(
            uses.values("user"),
            [person.id.as_str()],
            "references point inside the copy"
        );
        // The third-party rule: matched back with b, never with another partner
        // (b did not allow onward use).
        let admin = Session::new("root", "matching").expect("session");
        assert_eq!(
            hits::matchable_selectors(&mut a.store, &admin, SelectorKind::Phone, "b").expect("b"),
            ["+306931111111"]
        );
        assert!(
            hits::matchable_selectors(&mut a.store, &admin, SelectorKind::Phone, "x")
                .expect("x")
                .is_empty()
        );
        // A rectification at the owner reaches the copy.
        let name_statement = package.records[0]
            .entities
            .iter()
            .find(|e| e.schema == "Person")
            .and_then(|e| e.statements.iter().find(|s| s.prop == "name"))
            .expect("name")
            .id;
        crate::rectify::rectify(
            &mut b.store,
            &root(),
            name_statement,
            "Ali Hasan",
            "spelling per passport",
        )
        .expect("rectify");
        let notices = sealed_once(&mut b);
        assert_eq!(notices.len(), 1);
        assert!(
            seal_notices(&mut b.store, &b.key, &root(), now())
                .expect("none")
                .is_empty(),
            "sent once"
        );
        let applied = receive_notice(&mut a.store, &a.key, &root(), &notices[0].to_json(), now()).expect("apply");
        assert_eq!((applied.change, applied.records), (wire::Change::Rectified, 1));
        let got = entities_of(&mut a.store, &dataset);
        let person = got.iter().find(|e| e.schema == "Person").expect("person");
        assert_eq!(person.values("name"), ["Ali Hasan"]);
        // An erasure at the owner erases the copy.
        crate::test_support::erase(&mut b, "gr-i:1:person");
        let notices = sealed_once(&mut b);
        assert_eq!(notices.len(), 1);
        // Addressed and sealed to a: no other node takes it.
        assert!(receive_notice(&mut b.store, &b.key, &root(), &notices[0].to_json(), now()).is_err());
        let applied = receive_notice(&mut a.store, &a.key, &root(), &notices[0].to_json(), now()).expect("apply");
        assert_eq!((applied.change, applied.records), (wire::Change::Erased, 1));
        assert!(entities_of(&mut a.store, &dataset).is_empty(), "the copy is erased");
        // Both logs intact, every step on them, no value in them.
        for (store, words) in [
            (
                &a.store,
                ["disclosure.request", "disclosure.answer", "disclosure.notice"],
            ),
            (
                &b.store,
                ["disclosure.request", "disclosure.decide", "disclosure.notice"],
            ),
        ] {
            let log = store.audit_entries().expect("log");
            for w in words {
                assert!(log.iter().any(|r| r.entry.action.as_str() == w), "{w} logged");
            }
            assert!(
                log.iter()
                    .all(|r| !r.entry.detail.contains("69311") && !r.entry.detail.contains("Hassan"))
            );
            assert!(store.verify_audit().expect("verify").is_intact());
        }
    }

    #[test]
    fn rectifying_the_selector_itself_still_reaches_the_copy_and_only_the_approver_looks() {
        let (mut a, mut b, reference) = nodes_with_a_hit();
        let ana = Session::new("ana", "case=c; purpose=inv").expect("session");
        let (asked, _) = request(&mut a.store, &a.key, &ana, "c", &reference, "Art. 7", now()).expect("request");
        receive_request(&mut b.store, &b.key, &asked.to_json(), now()).expect("received");
        // Another supervisor sees nothing of it before the deadline.
        let tim = Session::new("tim", "disclosure").expect("session");
        assert!(matches!(
            proposal(&mut b.store, &tim, &asked.reference, now()),
            Err(Error::Forbidden(_))
        ));
        let sam = Session::new("sam", "disclosure").expect("session");
        let shown = proposal(&mut b.store, &sam, &asked.reference, now()).expect("proposal");
        let phone_statement = shown.package.as_ref().expect("package").records[0]
            .entities
            .iter()
            .find(|e| e.schema == "Phone")
            .map(|e| e.statements[0].id)
            .expect("phone");
        let (answer, _) = decide(
            &mut b.store,
            &b.key,
            &sam,
            &asked.reference,
            Choice::Approve { only: None },
            "",
            now(),
        )
        .expect("approve");
        let got = receive_answer(&mut a.store, &a.key, &ana, "c", &answer.to_json(), now()).expect("answer");
        let dataset = got.dataset.expect("dataset");
        // The number itself is corrected at the owner: the hit no longer finds the
        // record, and the notice must carry it all the same.
        crate::rectify::rectify(&mut b.store, &root(), phone_statement, "+306939999999", "misread digit")
            .expect("rectify");
        // Sealed but never written or delivered (a crash, a full disk): still owed.
        let lost = seal_notices(&mut b.store, &b.key, &root(), now()).expect("notices");
        assert_eq!(lost.len(), 1);
        let notices = sealed_once(&mut b);
        assert_eq!(notices.len(), 1, "sealed again");
        receive_notice(&mut a.store, &a.key, &root(), &notices[0].to_json(), now()).expect("apply");
        let phone = entities_of(&mut a.store, &dataset)
            .into_iter()
            .find(|e| e.schema == "Phone")
            .expect("phone");
        assert_eq!(phone.values("number"), ["+306939999999"]);
        // Revoked, the partner is still told of an erasure, and its notice taken.
        exchange::revoke_partner(&mut a.store, &root(), "b", "agreement ended").expect("revoke");
        crate::test_support::erase(&mut b, "gr-i:1:person");
        let notices = sealed_once(&mut b);
        assert_eq!(notices.len(), 1);
        receive_notice(&mut a.store, &a.key, &root(), &notices[0].to_json(), now())
            .expect("taken from a revoked partner");
        assert!(entities_of(&mut a.store, &dataset).is_empty(), "the copy is erased");
    }

    #[test]
    fn a_second_disclosure_of_the_same_record_keeps_a_copy_of_its_own() {
        let (mut a, mut b, reference) = nodes_with_a_hit();
        let ana = Session::new("ana", "case=c; purpose=inv").expect("session");
        let sam = Session::new("sam", "disclosure").expect("session");
        let mut ask = |only_names: bool| {
            let (asked, _) = request(&mut a.store, &a.key, &ana, "c", &reference, "Art. 7", now()).expect("request");
            receive_request(&mut b.store, &b.key, &asked.to_json(), now()).expect("received");
            let shown = proposal(&mut b.store, &sam, &asked.reference, now()).expect("proposal");
            let names: Vec<i64> = shown.package.expect("package").records[0]
                .entities
                .iter()
                .flat_map(|e| e.statements.iter())
                .filter(|s| s.prop == "name")
                .map(|s| s.id)
                .collect();
            let choice = if only_names {
                Choice::Approve { only: Some(&names) }
            } else {
                Choice::Approve { only: None }
            };
            let (answer, _) = decide(
                &mut b.store,
                &b.key,
                &sam,
                &asked.reference,
                choice,
                "the name only",
                now(),
            )
            .expect("approve");
            receive_answer(&mut a.store, &a.key, &ana, "c", &answer.to_json(), now()).expect("answer")
        };
        let full = ask(false);
        let part = ask(true);
        let dataset = full.dataset.expect("dataset");
        assert_eq!(part.dataset.as_deref(), Some(dataset.as_str()));
        let copies = entities_of(&mut a.store, &dataset);
        let phones = copies.iter().filter(|e| e.schema == "Phone").count();
        let persons = copies.iter().filter(|e| e.schema == "Person").count();
        assert_eq!(
            (persons, phones),
            (2, 1),
            "the full copy keeps its phone beside the partial one"
        );
    }

    #[test]
    fn a_tag_alone_or_a_query_used_up_brings_no_request() {
        let (mut a, mut b, reference) = nodes_with_a_hit();
        let ana = Session::new("ana", "case=c; purpose=inv").expect("session");
        let query = a.store.hit_queries(&["c".to_string()]).expect("queries")[0]
            .reference
            .clone();
        let view = exchange::partner(&a.store, "b").expect("b");
        // A partner that only holds the tag (every partner receives them all), with
        // no selector to prove it: refused, whatever query it names.
        for q in [query.as_str(), "q-none"] {
            let forged = DisclosureAsk {
                kind: SelectorKind::Phone,
                hit: reference.clone(),
                purpose: "inv".into(),
                legal_basis: "Art. 7".into(),
                officer: "mallory".into(),
                query: q.to_string(),
                selector: None,
            };
            let envelope = hits::seal(
                &a.key,
                &view,
                "disclosure-request",
                &hits::new_reference("d").expect("r"),
                &forged,
                now(),
            )
            .expect("seal");
            assert!(
                receive_request(&mut b.store, &b.key, &envelope.to_json(), now()).is_err(),
                "{q}"
            );
        }
        // The real request goes. The query held two selectors: the forged request
        // naming it spent one slot, the real one the other, so a further request
        // (after the first is answered) finds none.
        let (asked, _) = request(&mut a.store, &a.key, &ana, "c", &reference, "Art. 7", now()).expect("request");
        receive_request(&mut b.store, &b.key, &asked.to_json(), now()).expect("received");
        let sam = Session::new("sam", "disclosure").expect("session");
        let (answer, _) = decide(
            &mut b.store,
            &b.key,
            &sam,
            &asked.reference,
            Choice::Refuse,
            "no",
            now(),
        )
        .expect("refuse");
        receive_answer(&mut a.store, &a.key, &ana, "c", &answer.to_json(), now()).expect("answer");
        let (again, _) = request(&mut a.store, &a.key, &ana, "c", &reference, "Art. 7", now()).expect("request");
        assert!(
            receive_request(&mut b.store, &b.key, &again.to_json(), now()).is_err(),
            "no slot left"
        );
    }

    #[test]
    fn an_answer_that_did_not_arrive_is_sent_again() {
        let (mut a, mut b, reference) = nodes_with_a_hit();
        let ana = Session::new("ana", "case=c; purpose=inv").expect("session");
        let sam = Session::new("sam", "disclosure").expect("session");
        let (asked, _) = request(&mut a.store, &a.key, &ana, "c", &reference, "Art. 7", now()).expect("request");
        receive_request(&mut b.store, &b.key, &asked.to_json(), now()).expect("received");
        assert!(
            resend(&mut b.store, &b.key, &sam, &asked.reference, now()).is_err(),
            "nothing decided yet"
        );
        // The answer is lost on the way; the approver sends it again.
        decide(
            &mut b.store,
            &b.key,
            &sam,
            &asked.reference,
            Choice::Approve { only: None },
            "",
            now(),
        )
        .expect("approve");
        let tim = Session::new("tim", "disclosure").expect("session");
        assert!(
            resend(&mut b.store, &b.key, &tim, &asked.reference, now()).is_err(),
            "not tim's"
        );
        let (again, _) = resend(&mut b.store, &b.key, &sam, &asked.reference, now()).expect("again");
        let got = receive_answer(&mut a.store, &a.key, &ana, "c", &again.to_json(), now()).expect("received");
        assert_eq!(got.records, 1);
    }

    #[test]
    fn a_refusal_and_a_hit_no_longer_held() {
        let (mut a, mut b, reference) = nodes_with_a_hit();
        let ana = Session::new("ana", "case=c; purpose=inv").expect("session");
        let sam = Session::new("sam", "disclosure").expect("session");
        let (asked, _) = request(&mut a.store, &a.key, &ana, "c", &reference, "Art. 7", now()).expect("request");
        receive_request(&mut b.store, &b.key, &asked.to_json(), now()).expect("received");
        assert!(
            decide(&mut b.store, &b.key, &sam, &asked.reference, Choice::Refuse, " ", now()).is_err(),
            "a refusal says why"
        );
        let (answer, _) = decide(
            &mut b.store,
            &b.key,
            &sam,
            &asked.reference,
            Choice::Refuse,
            "not proportionate",
            now(),
        )
        .expect("refuse");
        let got = receive_answer(&mut a.store, &a.key, &ana, "c", &answer.to_json(), now()).expect("answer");
        assert_eq!((got.decision, got.records), (Decision::Refused, 0));
        assert_eq!(got.reason, "not proportionate");
        // Asked again after an erasure at the owner: nothing held any more, and
        // once overdue another supervisor may refuse it.
        let (again, _) = request(&mut a.store, &a.key, &ana, "c", &reference, "Art. 7", now()).expect("request");
        receive_request(&mut b.store, &b.key, &again.to_json(), now()).expect("received");
        crate::test_support::erase(&mut b, "gr-i:1:person");
        let shown = proposal(&mut b.store, &sam, &again.reference, now()).expect("proposal");
        assert!(shown.package.is_none(), "nothing held under the hit");
        let later = now() + DEADLINE + chrono::Duration::minutes(1);
        let listed = list(&b.store, true, &[], later).expect("list");
        assert!(
            listed
                .iter()
                .any(|d| d.record.reference == again.reference && d.overdue)
        );
        let tim = Session::new("tim", "disclosure").expect("session");
        assert!(
            decide(
                &mut b.store,
                &b.key,
                &tim,
                &again.reference,
                Choice::Approve { only: None },
                "",
                later
            )
            .is_err()
        );
        decide(
            &mut b.store,
            &b.key,
            &tim,
            &again.reference,
            Choice::Refuse,
            "erased meanwhile",
            later,
        )
        .expect("overdue: any supervisor");
    }
}
