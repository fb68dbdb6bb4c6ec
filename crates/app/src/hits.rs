//! Hit/no-hit on exact selectors with partner nodes (step 1 of the Prüm model),
//! by private set intersection (`corridor_exchange::psi`).
//!
//! The **responder** prepares, per partner and selector kind, the tags of what it
//! may match ([`prepare_tags`]): its selectors of that kind, except those of
//! records that name a victim or a witness and those under H3. The tags are kept
//! with a keyed digest of their selector, so each update evaluates only what is
//! new and drops what is gone (erased, restricted, no longer matchable); the
//! partner receives the whole current set. It answers a partner's query
//! ([`answer_query`]) after the agreement's checks, one evaluation per selector.
//! The **requester** blinds its selectors under a case and a purpose
//! ([`start_query`]), keeps the blindings until the answer comes, and finishes
//! it against the partner's tags ([`receive`]): its hits, each with the partner's
//! opaque reference for a disclosure request. Every step is on both audit chains;
//! no selector value is ever logged, only kinds, counts and references.
//!
//! A query's selectors and blindings are kept only while its answer can come:
//! they go once answered, when its partner is revoked, or once its message has
//! expired (at the next query).
//!
//! Data received from a partner (a disclosure, `crate::disclosure`) is matched
//! with that partner, and with others only if its agreement allows onward use
//! (the third-party rule). Not yet: a tag update sends the whole set rather than
//! the changes.

use std::collections::{HashMap, HashSet};

use corridor_exchange::psi::{self, ResponderKey, Tag};
use corridor_exchange::{Envelope, QueryAsk, Refusal, Sealing, SelectorKind};
use corridor_model::HandlingCode;
use corridor_normalize::ident;
use corridor_store::{AuditAction, AuditEntry, SqliteStore, Store};
use serde::{Deserialize, Serialize};
use sha2::{Digest, Sha256};

use crate::exchange::{self, PartnerView};
use crate::{Error, Result, Session};

/// The most selectors one query may send.
pub const MAX_QUERY_SELECTORS: usize = exchange::MAX_QUERY_LIMIT as usize;

/// A selector of `kind` as every node normalises it before matching; `None` when
/// the text is not one.
pub fn selector_of(kind: SelectorKind, raw: &str) -> Option<String> {
    let raw = raw.trim();
    if raw.is_empty() || raw.len() > 200 || raw.chars().any(char::is_control) {
        return None;
    }
    let value = match kind {
        SelectorKind::Phone => corridor_normalize::normalize_phone(raw, None).e164?,
        SelectorKind::TravelDocument => ident::document_match_key(raw),
        SelectorKind::Plate => ident::plate(raw).canonical,
        SelectorKind::Iban => ident::iban(raw).canonical,
        SelectorKind::Vessel => {
            let imo = ident::imo(raw);
            if imo.problem.is_none() {
                format!("IMO{}", imo.canonical.trim_start_matches("IMO"))
            } else {
                ident::mmsi(raw).canonical
            }
        }
        SelectorKind::PersonIdentity => return None,
    };
    (!value.is_empty()).then_some(value)
}

/// The schema and properties that hold selectors of `kind`.
pub(crate) fn schema_of(kind: SelectorKind) -> Option<(&'static str, &'static [&'static str])> {
    Some(match kind {
        SelectorKind::Phone => ("Phone", &["number"]),
        SelectorKind::TravelDocument => ("TravelDocument", &["number"]),
        SelectorKind::Plate => ("Vehicle", &["registrationNumber"]),
        SelectorKind::Iban => ("BankAccount", &["iban"]),
        SelectorKind::Vessel => ("Vessel", &["imoNumber", "mmsi"]),
        SelectorKind::PersonIdentity => return None,
    })
}

/// The selectors of `kind` this node may match with partners. Left out: any
/// value that appears in a record naming a victim, a witness or an informant
/// (wherever else it appears too: a victim's phone in a smuggler's contact list
/// stays out), and statements under H2 ("not to be disseminated without the
/// provider's permission") or H3, and, for matching with `partner`, data
/// received from another partner whose agreement does not allow onward use
/// (the third-party rule: disclosed records carry their partner in their
/// source, `partner:NAME/AGENCY`). One logged bulk read.
pub fn matchable_selectors(
    store: &mut SqliteStore,
    session: &Session,
    kind: SelectorKind,
    partner: &str,
) -> Result<Vec<String>> {
    let onward = Onward::for_partner(store, partner)?;
    let may_match = |agency: &str| onward.may_match(agency);
    let (schema, props) =
        schema_of(kind).ok_or_else(|| Error::BadInput(format!("{kind} is matched on encodings, not as a selector")))?;
    let read = store.entity_evidence(&["Person", schema], session.actor(), session.purpose())?;
    // A source record (dataset:record) that names a protected person.
    let record_of = |id: &str| id.rsplit_once(':').map_or(id.to_string(), |(r, _)| r.to_string());
    let protected: HashSet<String> = read
        .iter()
        .filter(|e| e.schema == "Person")
        .filter(|e| {
            e.values("category").iter().any(|c| {
                c.parse::<corridor_model::DataSubjectCategory>()
                    .is_ok_and(|c| c.is_protected() || c == corridor_model::DataSubjectCategory::Informant)
            })
        })
        .map(|e| record_of(&e.id))
        .collect();
    let values_of = |e: &corridor_model::EntityEvidence| -> Vec<(String, HandlingCode)> {
        e.statements
            .iter()
            .filter(|s| props.contains(&s.prop.as_ref()))
            .filter_map(|s| {
                let code = if may_match(&s.agency) {
                    s.handling.code
                } else {
                    // Not ours to pass on: kept out like an H2 statement.
                    HandlingCode::H2
                };
                selector_of(kind, &s.value).map(|v| (v, code))
            })
            .collect()
    };
    let selectors = read.iter().filter(|e| e.schema == schema);
    let kept_out: HashSet<String> = selectors
        .clone()
        .filter(|e| protected.contains(&record_of(&e.id)))
        .flat_map(values_of)
        .map(|(v, _)| v)
        .collect();
    let mut out: Vec<String> = selectors
        .flat_map(values_of)
        .filter(|(v, code)| *code < HandlingCode::H2 && !kept_out.contains(v))
        .map(|(v, _)| v)
        .collect();
    out.sort();
    out.dedup();
    Ok(out)
}

/// The third-party rule for matching with one partner: data received from a
/// partner (its source `partner:NAME/AGENCY`) may be matched with that partner,
/// and with others only if its agreement allows onward use.
pub(crate) struct Onward(HashSet<String>);

impl Onward {
    pub(crate) fn for_partner(store: &SqliteStore, partner: &str) -> Result<Onward> {
        Ok(Onward(
            exchange::partners(store)?
                .into_iter()
                .filter(|p| p.name == partner || p.agreement.as_ref().is_some_and(|a| a.onward_use))
                .map(|p| p.name)
                .collect(),
        ))
    }

    /// Whether a statement of `agency` may be matched.
    pub(crate) fn may_match(&self, agency: &str) -> bool {
        match agency.strip_prefix("partner:") {
            None => true,
            Some(rest) => self.0.contains(rest.split('/').next().unwrap_or_default()),
        }
    }
}

/// What [`prepare_tags`] did.
#[derive(Debug, Clone, Serialize)]
pub struct Prepared {
    pub partner: String,
    pub kind: SelectorKind,
    pub added: usize,
    pub removed: usize,
    pub tags: usize,
}

/// The body of a `psi-tags` message.
#[derive(Debug, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
struct TagsBody {
    kind: SelectorKind,
    /// The id of the key the tags were made under ([`ResponderKey::id`]).
    key: String,
    count: usize,
    /// Base64 of the tags' concatenation, in order.
    tags: String,
}

/// Brings the tags prepared for `partner` and `kind` up to date with the store
/// and seals them for the partner. Refused for a kind the agreement does not cover.
pub fn prepare_tags(
    store: &mut SqliteStore,
    me: &corridor_node_key::NodeKey,
    session: &Session,
    partner: &str,
    kind: SelectorKind,
    now: chrono::DateTime<chrono::Utc>,
) -> Result<(Envelope, Prepared)> {
    let (view, id) = partner_in_force(store, partner)?;
    let agreement = view
        .agreement
        .as_ref()
        .ok_or_else(|| Error::Conflict(format!("no agreement with {partner}: `corridor agreement set` first")))?;
    if !agreement.kinds.contains(&kind) || now.date_naive() > agreement.expires {
        return Err(Error::Forbidden(format!(
            "the agreement with {partner} does not cover matching {kind} today"
        )));
    }
    let key = responder_key(store, id)?;
    let values = matchable_selectors(store, session, kind, &view.name)?;
    let digest = |v: &str| prepared_digest(&key, kind, v);
    let current: HashMap<Vec<u8>, &str> = values.iter().map(|v| (digest(v), v.as_str())).collect();
    let kept: HashSet<Vec<u8>> = store.prepared_digests(id, kind.as_str())?.into_iter().collect();
    let new: Vec<(&Vec<u8>, &str)> = current
        .iter()
        .filter(|(d, _)| !kept.contains(*d))
        .map(|(d, v)| (d, *v))
        .collect();
    let removed: Vec<Vec<u8>> = kept.iter().filter(|d| !current.contains_key(*d)).cloned().collect();
    let evaluated = key.tags(&new.iter().map(|(_, v)| (kind, *v)).collect::<Vec<_>>());
    let added: Vec<(Vec<u8>, Vec<u8>)> = new
        .iter()
        .zip(evaluated)
        .filter_map(|((d, _), t)| t.map(|t| ((*d).clone(), t.0.to_vec())))
        .collect();
    let tags = store.update_prepared(id, kind.as_str(), &added, &removed)?;
    let mut all = Vec::with_capacity(tags.len() * psi::TAG_BYTES);
    for t in &tags {
        all.extend_from_slice(t);
    }
    let body = TagsBody {
        kind,
        key: key.id(),
        count: tags.len(),
        tags: b64(&all),
    };
    let envelope = seal(me, &view, "psi-tags", &new_reference("t")?, &body, now)?;
    store.audit(&AuditEntry {
        actor: session.actor().into(),
        action: AuditAction::ExchangeTags,
        target: format!("partner:{id}"),
        purpose: String::new(),
        detail: serde_json::json!({"kind": kind, "tags": tags.len(), "added": added.len(), "removed": removed.len(), "reference": envelope.reference})
            .to_string(),
    })?;
    Ok((
        envelope,
        Prepared {
            partner: view.name,
            kind,
            added: added.len(),
            removed: removed.len(),
            tags: tags.len(),
        },
    ))
}

/// The keyed digest a prepared tag is kept under: names its selector only to
/// whoever holds the partner's key (this node), so that an update finds what is
/// new and a disclosure request finds the selector behind its tag.
pub(crate) fn prepared_digest(key: &ResponderKey, kind: SelectorKind, value: &str) -> Vec<u8> {
    let mut h = Sha256::new();
    h.update(b"corridor psi digest v1\0");
    h.update(key.to_bytes());
    h.update(kind.as_str().as_bytes());
    h.update([0]);
    h.update(value.as_bytes());
    h.finalize().to_vec()
}

/// A query started: its reference and what was sent.
#[derive(Debug, Clone, Serialize)]
pub struct Started {
    pub reference: String,
    pub partner: String,
    pub kind: SelectorKind,
    /// Selectors sent (normalised, each once).
    pub size: usize,
    /// Lines that were no selector of the kind, by their number (from 1).
    pub not_selectors: Vec<usize>,
}

/// A query to a partner, as the requester asks it.
#[derive(Debug, Clone)]
pub struct QueryRequest<'a> {
    /// The case it belongs to (never sent: the partner sees only a reference).
    pub case: &'a str,
    /// The purpose's id, as the agreement names it (sent).
    pub purpose: &'a str,
    pub partner: &'a str,
    pub kind: SelectorKind,
    /// The selectors, one per line as typed.
    pub lines: &'a [String],
}

/// Starts a query: blinds the selectors, keeps the blindings, logs the query
/// (kind, size, reference) and seals it for the partner.
pub fn start_query(
    store: &mut SqliteStore,
    me: &corridor_node_key::NodeKey,
    session: &Session,
    request: &QueryRequest<'_>,
    now: chrono::DateTime<chrono::Utc>,
) -> Result<(Envelope, Started)> {
    let QueryRequest {
        case,
        purpose,
        partner,
        kind,
        lines: raw,
    } = *request;
    crate::access::validate_name("purpose", purpose)?;
    let (view, id) = partner_in_force(store, partner)?;
    let mut not_selectors = Vec::new();
    let mut values = Vec::new();
    for (i, line) in raw.iter().enumerate() {
        match selector_of(kind, line) {
            Some(v) => values.push(v),
            None if line.trim().is_empty() => {}
            None => not_selectors.push(i + 1),
        }
    }
    values.sort();
    values.dedup();
    if values.is_empty() {
        return Err(Error::BadInput(format!(
            "no {kind} selector to query among the lines given"
        )));
    }
    if values.len() > MAX_QUERY_SELECTORS {
        return Err(Error::TooLarge(format!(
            "{} selectors: a query holds at most {MAX_QUERY_SELECTORS}",
            values.len()
        )));
    }
    let (query, pending) = psi::blind(kind, purpose, &values).map_err(|r| Error::BadInput(r.to_string()))?;
    let reference = new_reference("q")?;
    let envelope = seal(me, &view, "psi-query", &reference, &query, now)?;
    let secret = value_secret(store)?;
    let digests: Vec<Vec<u8>> = values.iter().map(|v| value_digest(&secret, kind, v)).collect();
    store.add_hit_query(&corridor_store::NewHitQuery {
        reference: &reference,
        partner_id: id,
        case_name: case,
        purpose,
        kind: kind.as_str(),
        size: values.len() as i64,
        pending: &pending.to_bytes(),
        actor: session.actor(),
        forget_pending_before: &(now - corridor_exchange::FILE_VALIDITY - corridor_exchange::MAX_CLOCK_SKEW)
            .to_rfc3339_opts(chrono::SecondsFormat::Micros, true),
        value_digests: &digests,
    })?;
    Ok((
        envelope,
        Started {
            reference,
            partner: view.name,
            kind,
            size: values.len(),
            not_selectors,
        },
    ))
}

/// Answers a partner's query (`text`, a sealed `psi-query`) after every check of
/// the message and the agreement; the answer is sealed for the partner.
pub fn answer_query(
    store: &mut SqliteStore,
    me: &corridor_node_key::NodeKey,
    text: &str,
    now: chrono::DateTime<chrono::Utc>,
) -> Result<Envelope> {
    let admitted = exchange::admit(store, me, text, now)?;
    if admitted.envelope.kind != "psi-query" {
        return Err(exchange::refuse(
            store,
            &admitted,
            Refusal::Malformed {
                what: "query",
                why: format!("a {} message, not a query", admitted.envelope.kind),
            },
        ));
    }
    let query: psi::Query = match serde_json::from_str(&admitted.envelope.body) {
        Ok(q) => q,
        Err(_) => {
            let r = Refusal::Malformed {
                what: "query",
                why: "its body is not a selector query".into(),
            };
            return Err(exchange::refuse(store, &admitted, r));
        }
    };
    let ask = QueryAsk {
        kind: query.kind,
        purpose: &query.purpose,
        size: query.size(),
    };
    exchange::admit_query(store, &admitted, &ask, now.date_naive())?;
    let key = responder_key(store, admitted.partner_id)?;
    let answer = match key.answer(&query) {
        Ok(a) => a,
        Err(r) => return Err(exchange::refuse(store, &admitted, r)),
    };
    let envelope = seal(
        me,
        &admitted.partner,
        "psi-answer",
        &admitted.envelope.reference,
        &answer,
        now,
    )?;
    // A disclosure request must name this query, and no more of them than it held.
    store.record_answered_query(
        admitted.partner_id,
        &admitted.envelope.reference,
        query.kind.as_str(),
        ask.size as i64,
        &[],
    )?;
    store.audit(&AuditEntry {
        actor: "partner node".into(),
        action: AuditAction::ExchangeAnswer,
        target: format!("partner:{}", admitted.partner_id),
        purpose: query.purpose.chars().filter(|c| !c.is_control()).take(64).collect(),
        detail: serde_json::json!({"kind": query.kind, "size": ask.size, "reference": admitted.envelope.reference})
            .to_string(),
    })?;
    Ok(envelope)
}

/// What a received message brought.
#[derive(Debug, Clone, Serialize)]
#[serde(tag = "received", rename_all = "snake_case")]
pub enum Received {
    /// A partner's current tags of a kind.
    Tags {
        partner: String,
        kind: SelectorKind,
        tags: usize,
    },
    /// The answer to one of this node's queries: its hits.
    Hits {
        partner: String,
        reference: String,
        case: String,
        kind: SelectorKind,
        size: i64,
        hits: Vec<psi::Hit>,
    },
}

/// Starts a query of any kind: selectors by PSI, people by their encodings.
pub fn start_any_query(
    store: &mut SqliteStore,
    me: &corridor_node_key::NodeKey,
    session: &Session,
    request: &QueryRequest<'_>,
    now: chrono::DateTime<chrono::Utc>,
) -> Result<(Envelope, Started)> {
    if request.kind == SelectorKind::PersonIdentity {
        crate::identities::start_query(store, me, session, request, now)
    } else {
        start_query(store, me, session, request, now)
    }
}

/// Receives the answer to one of `case`'s queries, of any kind.
pub fn receive_any_answer(
    store: &mut SqliteStore,
    me: &corridor_node_key::NodeKey,
    session: &Session,
    case: &str,
    text: &str,
    now: chrono::DateTime<chrono::Utc>,
) -> Result<Received> {
    if message_kind(text)? == "bf-answer" {
        crate::identities::receive_answer(store, me, session, case, text, now)
    } else {
        receive_answer(store, me, session, case, text, now)
    }
}

/// Answers a partner's query of any kind (`psi-query`, `bf-query`).
pub fn answer_any_query(
    store: &mut SqliteStore,
    me: &corridor_node_key::NodeKey,
    text: &str,
    now: chrono::DateTime<chrono::Utc>,
) -> Result<Envelope> {
    if message_kind(text)? == "bf-query" {
        crate::identities::answer_query(store, me, text, now)
    } else {
        answer_query(store, me, text, now)
    }
}

/// The kind of a message file (`psi-tags`, `psi-answer`, …) as it says, before
/// any check: to choose who may receive it.
pub fn message_kind(text: &str) -> Result<String> {
    Envelope::read(text)
        .map(|e| e.kind)
        .map_err(|r| Error::BadInput(r.to_string()))
}

/// Receives a partner's tags (`psi-tags`): they replace those held for the kind,
/// unless those were made later. Logged (kind, count, key).
pub fn receive_tags(
    store: &mut SqliteStore,
    me: &corridor_node_key::NodeKey,
    session: &Session,
    text: &str,
    now: chrono::DateTime<chrono::Utc>,
) -> Result<Received> {
    let admitted = exchange::admit(store, me, text, now)?;
    if admitted.envelope.kind != "psi-tags" {
        return Err(malformed(store, &admitted, "not a tag set"));
    }
    let body: TagsBody = match serde_json::from_str(&admitted.envelope.body) {
        Ok(b) => b,
        Err(_) => return Err(malformed(store, &admitted, "its body is not a tag set")),
    };
    let bytes = match unb64(&body.tags) {
        Some(b) if b.len() % psi::TAG_BYTES == 0 && b.len() / psi::TAG_BYTES == body.count => b,
        _ => return Err(malformed(store, &admitted, "the tags do not match their count")),
    };
    let tags: Vec<Vec<u8>> = bytes.chunks(psi::TAG_BYTES).map(<[u8]>::to_vec).collect();
    let set = corridor_store::TagSet {
        key_id: body.key.chars().filter(char::is_ascii_hexdigit).take(32).collect(),
        made_at: admitted.envelope.at.clone(),
        count: tags.len() as i64,
    };
    if !store.replace_partner_tags(admitted.partner_id, body.kind.as_str(), &set, &tags)? {
        return Err(Error::Conflict(format!(
            "these {} tags of {} are older than those held: nothing changed",
            body.kind, admitted.partner.name
        )));
    }
    store.audit(&AuditEntry {
        actor: session.actor().into(),
        action: AuditAction::ExchangeTags,
        target: format!("partner:{}", admitted.partner_id),
        purpose: String::new(),
        detail: serde_json::json!({"received": true, "kind": body.kind, "tags": tags.len(), "key": set.key_id, "reference": admitted.envelope.reference})
            .to_string(),
    })?;
    Ok(Received::Tags {
        partner: admitted.partner.name,
        kind: body.kind,
        tags: tags.len(),
    })
}

/// Receives a partner's answer (`psi-answer`) to one of the queries of `case`:
/// finished against the partner's tags, its hits kept and logged (their number).
/// It waits, unread and its nonce unspent, while the tags are missing or were
/// made under another key than the answer's (the partner has a newer tag set).
pub fn receive_answer(
    store: &mut SqliteStore,
    me: &corridor_node_key::NodeKey,
    session: &Session,
    case: &str,
    text: &str,
    now: chrono::DateTime<chrono::Utc>,
) -> Result<Received> {
    let peek = Envelope::parse(text).map_err(|r| Error::BadInput(r.to_string()))?;
    let (query, pending) = waiting_query(store, &peek, case)?;
    let held = store.partner_tags(query.partner_id, &query.kind)?;
    let answer_key = serde_json::from_str::<psi::Answer>(&peek.body)
        .map(|a| a.key)
        .unwrap_or_default();
    match &held {
        None => {
            return Err(Error::Conflict(format!(
                "no {} tags from this partner yet: receive its `corridor exchange tags` file first, then this answer",
                query.kind
            )));
        }
        Some((set, _)) if set.key_id != answer_key => {
            return Err(Error::Conflict(format!(
                "the partner answered under a newer key than its {} tags held here: receive its newest tags first, then this answer",
                query.kind
            )));
        }
        Some(_) => {}
    }
    let admitted = exchange::admit(store, me, text, now)?;
    if admitted.envelope.kind != "psi-answer" {
        return Err(malformed(store, &admitted, "not an answer"));
    }
    if query.partner_id != admitted.partner_id {
        return Err(malformed(
            store,
            &admitted,
            "it answers a query sent to another partner",
        ));
    }
    // The envelope read above was the one admitted (same text); a second copy
    // received meanwhile is refused by its nonce, and the answer is recorded
    // only while the query is unanswered.
    let answer: psi::Answer = match serde_json::from_str(&admitted.envelope.body) {
        Ok(a) => a,
        Err(_) => return Err(malformed(store, &admitted, "its body is not an answer")),
    };
    let pending = psi::Pending::from_bytes(&pending).map_err(|r| Error::Integrity(r.to_string()))?;
    let tags: HashSet<Tag> = held
        .map(|(_, tags)| tags)
        .unwrap_or_default()
        .into_iter()
        .filter_map(|t| t.try_into().ok().map(Tag))
        .collect();
    let kind = pending.kind();
    let hits = match pending.finish(&answer, &tags) {
        Ok(h) => h,
        Err(r) => return Err(exchange::refuse(store, &admitted, r)),
    };
    let pairs: Vec<(String, String)> = hits.iter().map(|h| (h.value.clone(), h.reference.clone())).collect();
    store.answer_hit_query(query.id, &pairs, session.actor())?;
    Ok(Received::Hits {
        partner: admitted.partner.name,
        reference: query.reference,
        case: query.case_name,
        kind,
        size: query.size,
        hits,
    })
}

/// The query of this node that the answer `peek` (read, not yet admitted)
/// answers, with what finishes it: refused when it is another case's (not this
/// user's to read, nor to use up), or answered already, or no longer answerable
/// (partner revoked, message expired: its blindings are gone). Said before the
/// answer's nonce is spent.
pub(crate) fn waiting_query(
    store: &SqliteStore,
    peek: &Envelope,
    case: &str,
) -> Result<(corridor_store::HitQueryRecord, Vec<u8>)> {
    let Some((query, pending)) = store.hit_query(&peek.reference)? else {
        return Err(Error::NotFound(format!(
            "no query {} of this node: an answer to another node's query?",
            peek.reference
        )));
    };
    if query.case_name != case {
        return Err(Error::Forbidden(format!(
            "the query {} belongs to another case: a member of that case receives its answer",
            query.reference
        )));
    }
    let Some(pending) = pending else {
        return Err(Error::Conflict(format!(
            "the query {} was answered already, or can no longer be (its partner revoked or its message expired): `corridor hit list` shows it",
            query.reference
        )));
    };
    Ok((query, pending))
}

/// The node's secret for the digests of queried selectors (made on first use).
fn value_secret(store: &mut SqliteStore) -> Result<String> {
    let mut fresh = [0u8; 32];
    getrandom::fill(&mut fresh).map_err(|e| Error::Integrity(format!("no random bytes: {e}")))?;
    Ok(corridor_store::Directory::node_secret(
        store,
        "hit-values",
        &hex::encode(fresh),
    )?)
}

/// The keyed digest of a queried selector: names nothing without the node's
/// secret, and lets a data-protection officer check whether it was queried.
fn value_digest(secret: &str, kind: SelectorKind, value: &str) -> Vec<u8> {
    let mut h = Sha256::new();
    h.update(b"corridor hit value v1\0");
    h.update(secret.as_bytes());
    h.update([0]);
    h.update(kind.as_str().as_bytes());
    h.update([0]);
    h.update(value.as_bytes());
    h.finalize().to_vec()
}

/// For a data-protection officer: the queries to partners that held `raw` (a
/// selector of `kind`, normalised as queries are), newest first, with who made
/// them, for which case and purpose, and when; never their hits. The look-up is
/// logged (kind and how many queries, not the value).
pub fn queries_with_selector(
    store: &mut SqliteStore,
    session: &Session,
    kind: SelectorKind,
    raw: &str,
) -> Result<Vec<corridor_store::HitQueryRecord>> {
    let value = selector_of(kind, raw).ok_or_else(|| Error::BadInput(format!("that is no {kind}")))?;
    let secret = value_secret(store)?;
    let found = store.hit_queries_with_value(&value_digest(&secret, kind, &value))?;
    store.audit(&AuditEntry {
        actor: session.actor().into(),
        action: AuditAction::Read,
        target: "hit-queries".into(),
        purpose: session.purpose().into(),
        detail: serde_json::json!({"kind": kind, "queries": found.len()}).to_string(),
    })?;
    Ok(found)
}

/// The queries of the cases named, newest first, with their hits.
pub fn queries(store: &SqliteStore, cases: &[String]) -> Result<Vec<corridor_store::HitQueryRecord>> {
    Ok(store.hit_queries(cases)?)
}

pub(crate) fn partner_in_force(store: &SqliteStore, name: &str) -> Result<(PartnerView, i64)> {
    let record = store.partner(name)?.ok_or_else(|| {
        Error::NotFound(format!(
            "no partner '{}': `corridor partner list` shows them",
            name.chars().take(64).collect::<String>()
        ))
    })?;
    let id = record.id;
    let view = exchange::partner(store, &record.name)?;
    if view.revoked_at.is_some() {
        return Err(Error::Conflict(format!("the partner {} was revoked", view.name)));
    }
    Ok((view, id))
}

/// The matching key for partner `id`, made and kept at first use.
pub(crate) fn responder_key(store: &mut SqliteStore, id: i64) -> Result<ResponderKey> {
    if let Some(bytes) = store.psi_key(id)? {
        return ResponderKey::from_bytes(&bytes).map_err(|r| Error::Integrity(r.to_string()));
    }
    let key = ResponderKey::generate().map_err(|r| Error::Integrity(r.to_string()))?;
    store.set_psi_key(id, &key.to_bytes())?;
    // Another command may have kept one first: that one counts.
    match store.psi_key(id)? {
        Some(bytes) => ResponderKey::from_bytes(&bytes).map_err(|r| Error::Integrity(r.to_string())),
        None => Err(Error::Integrity("the matching key was not kept".into())),
    }
}

pub(crate) fn seal<T: Serialize>(
    me: &corridor_node_key::NodeKey,
    to: &PartnerView,
    kind: &str,
    reference: &str,
    body: &T,
    now: chrono::DateTime<chrono::Utc>,
) -> Result<Envelope> {
    let body = serde_json::to_string(body).map_err(|e| Error::Integrity(e.to_string()))?;
    Envelope::seal(
        me,
        &Sealing {
            to: &to.fingerprint,
            kind,
            reference,
            body: &body,
            at: now,
            // Carried as files, by any channel: good for three days.
            valid_for: corridor_exchange::FILE_VALIDITY,
        },
    )
    .map_err(|r| Error::BadInput(r.to_string()))
}

/// A fresh opaque reference: a prefix and 16 random bytes.
pub(crate) fn new_reference(prefix: &str) -> Result<String> {
    let mut b = [0u8; 16];
    getrandom::fill(&mut b).map_err(|e| Error::Integrity(format!("no random bytes: {e}")))?;
    Ok(format!("{prefix}-{}", hex::encode(b)))
}

pub(crate) fn malformed(store: &mut SqliteStore, admitted: &exchange::Admitted, why: &str) -> Error {
    exchange::refuse(
        store,
        admitted,
        Refusal::Malformed {
            what: "message",
            why: why.into(),
        },
    )
}

pub(crate) fn b64(bytes: &[u8]) -> String {
    use base64::Engine;
    base64::engine::general_purpose::STANDARD.encode(bytes)
}

pub(crate) fn unb64(text: &str) -> Option<Vec<u8>> {
    use base64::Engine;
    base64::engine::general_purpose::STANDARD.decode(text).ok()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::test_support::{Node, node, root};

    use crate::test_support::{ingest, partners};

    fn prepare(n: &mut Node) -> (Envelope, Prepared) {
        let session = Session::new("root", "partner matching").expect("session");
        prepare_tags(
            &mut n.store,
            &n.key,
            &session,
            "a",
            SelectorKind::Phone,
            chrono::Utc::now(),
        )
        .expect("tags")
    }

    #[test]
    fn the_prepared_tags_follow_ingest_and_erasure_and_leave_out_victims() {
        let (mut a, mut b) = (node(), node());
        partners(&mut a, &mut b);
        ingest(
            &mut b,
            "one.csv",
            "id,name,category,phone\n1,One,suspect,+306931111111\n2,Two,suspect,+306932222222\n3,Three,victim,+306933333333\n5,Five,suspect,+306933333333\n",
        );
        let (_, first) = prepare(&mut b);
        assert_eq!(
            (first.tags, first.added, first.removed),
            (2, 2, 0),
            "the victim's phone is left out"
        );
        let (_, same) = prepare(&mut b);
        assert_eq!(
            (same.tags, same.added, same.removed),
            (2, 0, 0),
            "nothing evaluated again"
        );
        ingest(
            &mut b,
            "two.csv",
            "id,name,category,phone\n4,Four,suspect,+306934444444\n",
        );
        let (stale, grown) = prepare(&mut b);
        assert_eq!((grown.tags, grown.added, grown.removed), (3, 1, 0));
        // Record 1 erased: its tag goes at the next update.
        crate::test_support::erase(&mut b, "gr-i:1:person");
        let (tags, shrunk) = prepare(&mut b);
        assert_eq!(
            (shrunk.tags, shrunk.added, shrunk.removed),
            (2, 2, 0),
            "after an erasure a new key: everything evaluated anew: {shrunk:?}"
        );
        // The requester finds exactly what is held now.
        let lines: Vec<String> = ["+306931111111", "+306932222222", "+306933333333", "+306934444444"]
            .iter()
            .map(|s| s.to_string())
            .collect();
        let ana = Session::new("ana", "case=c; purpose=inv").expect("session");
        let request = QueryRequest {
            case: "c",
            purpose: "inv",
            partner: "b",
            kind: SelectorKind::Phone,
            lines: &lines,
        };
        let (query, started) = start_query(&mut a.store, &a.key, &ana, &request, chrono::Utc::now()).expect("query");
        assert_eq!(started.size, 4);
        let answer = answer_query(&mut b.store, &b.key, &query.to_json(), chrono::Utc::now()).expect("answer");
        // Another case's member may not take the answer; without the tags it waits.
        let other = receive_answer(
            &mut a.store,
            &a.key,
            &ana,
            "other",
            &answer.to_json(),
            chrono::Utc::now(),
        );
        assert!(matches!(other, Err(Error::Forbidden(_))), "{other:?}");
        assert!(receive_answer(&mut a.store, &a.key, &ana, "c", &answer.to_json(), chrono::Utc::now()).is_err());
        // Tags made before the erasure, under the old key: the answer waits for new ones.
        receive_tags(&mut a.store, &a.key, &root(), &stale.to_json(), chrono::Utc::now()).expect("old tags");
        let waits = receive_answer(&mut a.store, &a.key, &ana, "c", &answer.to_json(), chrono::Utc::now());
        assert!(
            matches!(waits, Err(Error::Conflict(ref m)) if m.contains("newer key")),
            "{waits:?}"
        );
        receive_tags(&mut a.store, &a.key, &root(), &tags.to_json(), chrono::Utc::now()).expect("tags");
        // An older tag file read after a newer one changes nothing.
        let again = prepare(&mut b).0;
        receive_tags(&mut a.store, &a.key, &root(), &again.to_json(), chrono::Utc::now()).expect("newest");
        assert!(receive_tags(&mut a.store, &a.key, &root(), &stale.to_json(), chrono::Utc::now()).is_err());
        let Received::Hits { hits, .. } =
            receive_answer(&mut a.store, &a.key, &ana, "c", &answer.to_json(), chrono::Utc::now()).expect("answer")
        else {
            panic!("hits expected");
        };
        let found: Vec<&str> = hits.iter().map(|h| h.value.as_str()).collect();
        assert_eq!(found, ["+306932222222", "+306934444444"]);
        // Received once only.
        assert!(receive_answer(&mut a.store, &a.key, &ana, "c", &answer.to_json(), chrono::Utc::now()).is_err());
        // A query whose message expired unanswered keeps no selector: the next
        // query made after its expiry forgets it.
        let (_, old) = start_query(&mut a.store, &a.key, &ana, &request, chrono::Utc::now()).expect("query");
        let later = chrono::Utc::now() + corridor_exchange::FILE_VALIDITY + chrono::Duration::hours(1);
        start_query(&mut a.store, &a.key, &ana, &request, later).expect("a later query");
        let (_, pending) = a.store.hit_query(&old.reference).expect("read").expect("kept");
        assert!(pending.is_none(), "expired unanswered: forgotten");
        // The DPO finds every query that held a number, not one that did not.
        let dpo = Session::new("dora", "accountability").expect("session");
        let held =
            queries_with_selector(&mut a.store, &dpo, SelectorKind::Phone, "0030 693 222 2222").expect("look-up");
        assert_eq!(held.len(), 3, "the three queries that held it");
        assert!(held.iter().all(|q| q.hits.is_empty()), "no hits shown to the DPO");
        let none = queries_with_selector(&mut a.store, &dpo, SelectorKind::Phone, "+306939999999").expect("look-up");
        assert!(none.is_empty());
        // A query still waiting when its partner is revoked keeps no selector.
        let (_, waiting) = start_query(&mut a.store, &a.key, &ana, &request, chrono::Utc::now()).expect("query");
        exchange::revoke_partner(&mut a.store, &root(), "b", "agreement ended").expect("revoke");
        let (_, pending) = a.store.hit_query(&waiting.reference).expect("read").expect("kept");
        assert!(pending.is_none(), "the blindings and selectors go with the partner");
        // The responder's log names kinds, sizes and references, never a phone.
        for store in [&a.store, &b.store] {
            let log = store.audit_entries().expect("log");
            assert!(
                log.iter().all(|r| !r.entry.detail.contains("69322")),
                "a value in the log"
            );
            assert!(store.verify_audit().expect("verify").is_intact());
        }
    }

    #[test]
    fn selectors_are_normalised_alike_on_both_sides() {
        assert_eq!(
            selector_of(SelectorKind::Phone, "0030 693 111 1111").as_deref(),
            Some("+306931111111")
        );
        assert_eq!(selector_of(SelectorKind::Phone, "not a phone"), None);
        assert_eq!(
            selector_of(SelectorKind::TravelDocument, "ab 123-4567"),
            selector_of(SelectorKind::TravelDocument, "AB1234567")
        );
        assert_eq!(selector_of(SelectorKind::Plate, "\u{1b}[2J"), None);
        assert_eq!(selector_of(SelectorKind::PersonIdentity, "Ali"), None);
    }
}
