//! Hit/no-hit on person identities with a partner (two-party mode): the
//! requester sends the encodings of the people it asks about
//! (`corridor_exchange::bloom`, `corridor-bf/1`); the responder compares them
//! with the encodings of the persons it may match and answers, for each, the
//! opaque references of its persons whose encodings are similar enough, with
//! the similarity. Neither side sends a name or a date.
//!
//! **The encoding secret** of a pair of nodes is never sent: both derive it from
//! the X25519 agreement of their node keys (each holds its own secret key and
//! the other's public key from its verified card), so only the two can encode
//! alike, and a third node (or a linkage unit) cannot.
//!
//! **What each side learns.** The responder: that a query of so many people was
//! made under the agreement, for a purpose, and the encodings themselves; with
//! the secret it could test guesses against them (as the requester can against
//! its answers), which is why every encoding counts against the agreement's
//! daily budget and every query is on both audit chains. The requester: for each
//! person asked about, whether the responder holds someone similar, an opaque
//! reference to each such person (to ask for the record, a disclosure) and the
//! similarity. What may be matched is what selectors may: no victim's, witness's
//! or informant's record, nothing under H2 or H3, no other partner's data without
//! its onward-use consent.
//!
//! Not yet: the responder encodes its persons at each query (about 41,000 a
//! second on one core: 25 s for a million) rather than keeping them prepared,
//! and the linkage-unit mode.

use corridor_exchange::bloom::{Encoder, Encoding, Identity};
use corridor_exchange::{Envelope, QueryAsk, Refusal, SelectorKind};
use corridor_model::{DataSubjectCategory, HandlingCode};
use corridor_store::{AuditAction, AuditEntry, SqliteStore, Store};
use serde::{Deserialize, Serialize};
use sha2::{Digest, Sha256};

use crate::exchange::{self, PartnerView};
use crate::hits::{self, Received};
use crate::{Error, Result, Session};

/// The least Dice similarity reported as a hit: on `corridor-bf/1`, a spelling
/// variant measures about 0.95, the same person in another script about 0.80,
/// the same name with another birth date about 0.58 and strangers about 0.5.
pub const THRESHOLD: f64 = 0.72;
/// The most matches reported for one person asked about.
pub const MAX_MATCHES: usize = 5;

/// The encoding secret this node shares with `partner`: never sent (see the
/// module doc).
fn pair_secret(store: &SqliteStore, me: &corridor_node_key::NodeKey, partner: &PartnerView) -> Result<[u8; 32]> {
    let theirs = crate::disclosure::partner_exchange_key(store, partner)?;
    let shared = me
        .exchange_agree(&theirs)
        .ok_or_else(|| Error::Integrity(format!("partner {}: its exchange key is of small order", partner.name)))?;
    let mut fingerprints = [me.fingerprint(), partner.fingerprint.clone()];
    fingerprints.sort();
    let mut h = Sha256::new();
    h.update(b"corridor-bf/1 pair secret\0");
    h.update(shared);
    for f in &fingerprints {
        h.update(f.as_bytes());
        h.update([0]);
    }
    Ok(h.finalize().into())
}

fn encoder(store: &SqliteStore, me: &corridor_node_key::NodeKey, partner: &PartnerView) -> Result<Encoder> {
    Encoder::new(&pair_secret(store, me, partner)?).ok_or_else(|| Error::Integrity("no encoder".into()))
}

/// The body of a `bf-query`.
#[derive(Debug, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
struct QueryBody {
    purpose: String,
    count: usize,
    /// Base64 of the encodings, 128 bytes each, in order.
    encodings: String,
}

/// The body of a `bf-answer`: (index asked, the responder's reference, Dice × 1000).
#[derive(Debug, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
struct AnswerBody {
    matches: Vec<(usize, String, u16)>,
}

/// A person asked about, from a line `NAME;BIRTH DATE` (the date `YYYY`,
/// `YYYY-MM` or `YYYY-MM-DD`, or nothing).
fn person_of(line: &str) -> Option<(String, Option<String>)> {
    let line = line.trim();
    if line.is_empty() || line.len() > 400 || line.chars().any(char::is_control) {
        return None;
    }
    let (name, date) = match line.rsplit_once(';') {
        Some((n, d)) => (n.trim(), Some(d.trim()).filter(|d| !d.is_empty())),
        None => (line, None),
    };
    if name.is_empty() {
        return None;
    }
    if let Some(d) = date
        && corridor_model::PartialDate::parse_iso(d).is_err()
    {
        return None;
    }
    Some((name.to_string(), date.map(str::to_string)))
}

/// Starts an identity query: the people of `lines` (`NAME;BIRTH DATE`) encoded
/// under the pair's secret, the query kept (the lines, to show the answer
/// against) and logged (size, never a name), sealed for the partner.
pub fn start_query(
    store: &mut SqliteStore,
    me: &corridor_node_key::NodeKey,
    session: &Session,
    request: &hits::QueryRequest<'_>,
    now: chrono::DateTime<chrono::Utc>,
) -> Result<(Envelope, hits::Started)> {
    crate::access::validate_name("purpose", request.purpose)?;
    let (view, id) = hits::partner_in_force(store, request.partner)?;
    let mut people = Vec::new();
    let mut not_people = Vec::new();
    for (i, line) in request.lines.iter().enumerate() {
        match person_of(line) {
            Some(p) => people.push(p),
            None if line.trim().is_empty() => {}
            None => not_people.push(i + 1),
        }
    }
    people.sort();
    people.dedup();
    if people.is_empty() {
        return Err(Error::BadInput(
            "no person to ask about: one per line, NAME;YYYY-MM-DD (the date may be a year, or left out)".into(),
        ));
    }
    if people.len() > hits::MAX_QUERY_SELECTORS {
        return Err(Error::TooLarge(format!(
            "{} people: a query holds at most {}",
            people.len(),
            hits::MAX_QUERY_SELECTORS
        )));
    }
    let enc = encoder(store, me, &view)?;
    let mut bytes = Vec::with_capacity(people.len() * 128);
    let mut kept = Vec::with_capacity(people.len());
    for (name, date) in &people {
        let Some(e) = enc.encode(&Identity {
            name,
            birth_date: date.as_deref(),
        }) else {
            continue;
        };
        bytes.extend_from_slice(&e.to_bytes());
        kept.push(match date {
            Some(d) => format!("{name};{d}"),
            None => name.clone(),
        });
    }
    let body = QueryBody {
        purpose: request.purpose.to_string(),
        count: kept.len(),
        encodings: hits::b64(&bytes),
    };
    let reference = hits::new_reference("q")?;
    let envelope = hits::seal(me, &view, "bf-query", &reference, &body, now)?;
    let pending = serde_json::to_vec(&kept).map_err(|e| Error::Integrity(e.to_string()))?;
    store.add_hit_query(&corridor_store::NewHitQuery {
        reference: &reference,
        partner_id: id,
        case_name: request.case,
        purpose: request.purpose,
        kind: SelectorKind::PersonIdentity.as_str(),
        size: kept.len() as i64,
        pending: &pending,
        actor: session.actor(),
        forget_pending_before: &(now - corridor_exchange::FILE_VALIDITY - corridor_exchange::MAX_CLOCK_SKEW)
            .to_rfc3339_opts(chrono::SecondsFormat::Micros, true),
        value_digests: &[],
    })?;
    Ok((
        envelope,
        hits::Started {
            reference,
            partner: view.name,
            kind: SelectorKind::PersonIdentity,
            size: kept.len(),
            not_selectors: not_people,
        },
    ))
}

/// A person this node may match, with its opaque reference.
struct Held {
    reference: String,
    encoding: Encoding,
}

/// The opaque reference of a person for a partner: a keyed digest of its entity
/// id under the node's secret, which names nothing without it.
pub(crate) fn person_reference(secret: &str, partner: i64, entity: &str) -> String {
    let mut h = Sha256::new();
    h.update(b"corridor person reference v1\0");
    h.update(secret.as_bytes());
    h.update(partner.to_le_bytes());
    h.update(entity.as_bytes());
    hex::encode(&h.finalize()[..16])
}

pub(crate) fn reference_secret(store: &mut SqliteStore) -> Result<String> {
    let mut fresh = [0u8; 32];
    getrandom::fill(&mut fresh).map_err(|e| Error::Integrity(format!("no random bytes: {e}")))?;
    Ok(corridor_store::Directory::node_secret(
        store,
        "person-references",
        &hex::encode(fresh),
    )?)
}

/// The persons this node may match with `partner`, each with its name and birth
/// date (only statements under H0 or H1, and none from another partner without
/// onward use), and its entity id. No victim, witness or informant.
pub(crate) fn matchable_persons(
    store: &mut SqliteStore,
    session: &Session,
    partner: &str,
) -> Result<Vec<(String, String, Option<String>)>> {
    let onward = hits::Onward::for_partner(store, partner)?;
    let may_match = |agency: &str| onward.may_match(agency);
    let read = store.entity_evidence(&["Person"], session.actor(), session.purpose())?;
    let mut out = Vec::new();
    for e in read {
        let protected = e.values("category").iter().any(|c| {
            c.parse::<DataSubjectCategory>()
                .is_ok_and(|c| c.is_protected() || c == DataSubjectCategory::Informant)
        });
        if protected {
            continue;
        }
        let usable = |prop: &str| {
            e.statements
                .iter()
                .find(|s| s.prop == prop && s.handling.code < HandlingCode::H2 && may_match(&s.agency))
                .map(|s| s.value.clone())
        };
        let Some(name) = usable("name") else { continue };
        out.push((e.id.clone(), name, usable("birthDate")));
    }
    Ok(out)
}

/// Answers a partner's identity query (`bf-query`) after every check of the
/// message and the agreement (one evaluation per person asked about).
pub fn answer_query(
    store: &mut SqliteStore,
    me: &corridor_node_key::NodeKey,
    text: &str,
    now: chrono::DateTime<chrono::Utc>,
) -> Result<Envelope> {
    let admitted = exchange::admit(store, me, text, now)?;
    if admitted.envelope.kind != "bf-query" {
        return Err(hits::malformed(store, &admitted, "not an identity query"));
    }
    let body: QueryBody = match serde_json::from_str(&admitted.envelope.body) {
        Ok(b) => b,
        Err(_) => return Err(hits::malformed(store, &admitted, "its body is not an identity query")),
    };
    let queried: Vec<Encoding> = match hits::unb64(&body.encodings) {
        Some(b) if b.len() % 128 == 0 && b.len() / 128 == body.count => {
            b.chunks(128).filter_map(Encoding::from_bytes).collect()
        }
        _ => {
            return Err(hits::malformed(
                store,
                &admitted,
                "the encodings do not match their count",
            ));
        }
    };
    let ask = QueryAsk {
        kind: SelectorKind::PersonIdentity,
        purpose: &body.purpose,
        size: queried.len() as u64,
    };
    exchange::admit_query(store, &admitted, &ask, now.date_naive())?;
    let enc = encoder(store, me, &admitted.partner)?;
    let session = Session::new(crate::inbox::PARTNER_NODE, "identity matching")?;
    let secret = reference_secret(store)?;
    let held: Vec<Held> = matchable_persons(store, &session, &admitted.partner.name)?
        .into_iter()
        .filter_map(|(entity, name, date)| {
            enc.encode(&Identity {
                name: &name,
                birth_date: date.as_deref(),
            })
            .map(|encoding| Held {
                reference: person_reference(&secret, admitted.partner_id, &entity),
                encoding,
            })
        })
        .collect();
    let mut matches = Vec::new();
    for (i, q) in queried.iter().enumerate() {
        let mut found: Vec<(f64, &Held)> = held
            .iter()
            .map(|h| (q.dice(&h.encoding), h))
            .filter(|(d, _)| *d >= THRESHOLD)
            .collect();
        found.sort_by(|a, b| b.0.total_cmp(&a.0));
        for (d, h) in found.into_iter().take(MAX_MATCHES) {
            matches.push((i, h.reference.clone(), (d * 1000.0).round() as u16));
        }
    }
    // A disclosure request must name this query and one of the references answered.
    let mut answered: Vec<String> = matches.iter().map(|(_, r, _)| r.clone()).collect();
    answered.sort();
    answered.dedup();
    store.record_answered_query(
        admitted.partner_id,
        &admitted.envelope.reference,
        SelectorKind::PersonIdentity.as_str(),
        queried.len() as i64,
        &answered,
    )?;
    let envelope = hits::seal(
        me,
        &admitted.partner,
        "bf-answer",
        &admitted.envelope.reference,
        &AnswerBody { matches },
        now,
    )?;
    store.audit(&AuditEntry {
        actor: crate::inbox::PARTNER_NODE.into(),
        action: AuditAction::ExchangeAnswer,
        target: format!("partner:{}", admitted.partner_id),
        purpose: body.purpose.chars().filter(|c| !c.is_control()).take(64).collect(),
        detail: serde_json::json!({"kind": "person-identity", "size": queried.len(), "held": held.len(), "reference": admitted.envelope.reference})
            .to_string(),
    })?;
    Ok(envelope)
}

/// Receives a partner's answer (`bf-answer`) to one of `case`'s identity
/// queries: each person asked about that the partner holds someone similar to,
/// with the partner's reference and the similarity (`REFERENCE@0.812`).
pub fn receive_answer(
    store: &mut SqliteStore,
    me: &corridor_node_key::NodeKey,
    session: &Session,
    case: &str,
    text: &str,
    now: chrono::DateTime<chrono::Utc>,
) -> Result<Received> {
    let peek = Envelope::read(text).map_err(|r| Error::BadInput(r.to_string()))?;
    let (query, pending) = hits::waiting_query(store, &peek, case)?;
    let admitted = exchange::admit(store, me, text, now)?;
    if admitted.envelope.kind != "bf-answer" || admitted.partner_id != query.partner_id {
        return Err(hits::malformed(
            store,
            &admitted,
            "not the answer to this query from its partner",
        ));
    }
    let asked: Vec<String> =
        serde_json::from_slice(&pending).map_err(|_| Error::Integrity("the query's people no longer read".into()))?;
    let body: AnswerBody = match serde_json::from_str(&admitted.envelope.body) {
        Ok(b) => b,
        Err(_) => return Err(hits::malformed(store, &admitted, "its body is not an identity answer")),
    };
    let well_formed = |r: &str| r.len() == 32 && r.bytes().all(|b| b.is_ascii_hexdigit());
    if body.matches.len() > asked.len() * MAX_MATCHES
        || body
            .matches
            .iter()
            .any(|(i, r, d)| *i >= asked.len() || !well_formed(r) || *d > 1000)
    {
        return Err(exchange::refuse(
            store,
            &admitted,
            Refusal::Malformed {
                what: "identity answer",
                why: "a match for no one asked about, or not a reference".into(),
            },
        ));
    }
    let pairs: Vec<(String, String)> = body
        .matches
        .iter()
        .map(|(i, r, d)| (asked[*i].clone(), format!("{r}@{:.3}", f64::from(*d) / 1000.0)))
        .collect();
    store.answer_hit_query(query.id, &pairs, session.actor())?;
    Ok(Received::Hits {
        partner: admitted.partner.name,
        reference: query.reference,
        case: query.case_name,
        kind: SelectorKind::PersonIdentity,
        size: query.size,
        hits: pairs
            .into_iter()
            .map(|(value, reference)| corridor_exchange::psi::Hit { value, reference })
            .collect(),
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::test_support::{Node, node, root};

    const MAPPING: &str = "[dataset]\nname = \"gr-p\"\nformat = \"csv\"\nrecord_id = \"id\"\n\n[source]\nagency = \"gr-hcg\"\ncountry = \"GR\"\n\n\
        [defaults]\ngrading = \"B2\"\nhandling = \"H1\"\n\n[entities.person]\nschema = \"Person\"\n\
        [entities.person.properties]\nname = { column = \"name\" }\nbirthDate = { column = \"born\" }\ncategory = { column = \"category\" }\n";

    fn agree_identity(me: &mut Node, other: &corridor_node_key::NodeKey, name: &str) {
        crate::test_support::know(me, other, name);
        crate::access::add_purpose(&mut me.store, &root(), "inv", "investigation").expect("purpose");
        crate::access::add_user(
            &mut me.store,
            &root(),
            "sam",
            "supervisor",
            None,
            "a long enough passphrase",
        )
        .expect("user");
        let (kinds, purposes) = (["person-identity".to_string()], ["inv".to_string()]);
        exchange::set_agreement(
            &mut me.store,
            &root(),
            &exchange::AgreementTerms {
                partner: name,
                kinds: &kinds,
                purposes: &purposes,
                daily_budget: 100,
                max_query: 50,
                expires: "2099-12-31",
                approver: "sam",
                onward_use: false,
            },
            chrono::Utc::now().date_naive(),
        )
        .expect("agreement");
    }

    #[test]
    fn a_person_asked_in_latin_is_found_in_cyrillic_and_no_victim_is() {
        let (mut a, mut b) = (node(), node());
        agree_identity(&mut a, &b.key, "b");
        agree_identity(&mut b, &a.key, "a");
        let path = b.dir.path().join("p.csv");
        std::fs::write(
            &path,
            "id,name,born,category\n1,Марко Ђорђевић,1985-03-14,suspect\n2,Ali Hassan,1990-04-02,victim\n3,Ivan Petrov,1979-11-02,suspect\n",
        )
        .expect("csv");
        crate::test_support::ingest_with(&mut b.store, MAPPING, &path);
        let ana = Session::new("ana", "case=c; purpose=inv").expect("session");
        let lines: Vec<String> = [
            "Marko Djordjevic;1985-03-14",
            "Ali Hassan;1990-04-02",
            "Nobody Known;2001",
            "not;a date",
        ]
        .iter()
        .map(|s| s.to_string())
        .collect();
        let request = hits::QueryRequest {
            case: "c",
            purpose: "inv",
            partner: "b",
            kind: SelectorKind::PersonIdentity,
            lines: &lines,
        };
        let (query, started) = start_query(&mut a.store, &a.key, &ana, &request, chrono::Utc::now()).expect("query");
        assert_eq!((started.size, started.not_selectors.clone()), (3, vec![4]));
        assert!(
            !query.to_json().contains("Marko") && !query.to_json().contains("1985"),
            "no name, no date"
        );
        let answer = answer_query(&mut b.store, &b.key, &query.to_json(), chrono::Utc::now()).expect("answer");
        assert!(
            answer_query(&mut b.store, &b.key, &query.to_json(), chrono::Utc::now()).is_err(),
            "a replay"
        );
        let Received::Hits { hits, .. } =
            receive_answer(&mut a.store, &a.key, &ana, "c", &answer.to_json(), chrono::Utc::now()).expect("hits")
        else {
            panic!("hits expected");
        };
        let found: Vec<&str> = hits.iter().map(|h| h.value.as_str()).collect();
        assert_eq!(
            found,
            ["Marko Djordjevic;1985-03-14"],
            "the victim is never matched: {hits:?}"
        );
        // The record behind the identity hit, after the approver's decision.
        let now = chrono::Utc::now();
        let (asked, _) = crate::disclosure::request(&mut a.store, &a.key, &ana, "c", &hits[0].reference, "Art. 7", now)
            .expect("ask");
        crate::disclosure::receive_request(&mut b.store, &b.key, &asked.to_json(), now).expect("received");
        let sam = Session::new("sam", "disclosure").expect("session");
        let shown = crate::disclosure::proposal(&mut b.store, &sam, &asked.reference, now).expect("proposal");
        let package = shown.package.expect("the person's record");
        assert_eq!(package.records.len(), 1);
        let (answer, _) = crate::disclosure::decide(
            &mut b.store,
            &b.key,
            &sam,
            &asked.reference,
            crate::disclosure::Choice::Approve { only: None },
            "",
            now,
        )
        .expect("approve");
        let got = crate::disclosure::receive_answer(&mut a.store, &a.key, &ana, "c", &answer.to_json(), now)
            .expect("records");
        assert_eq!(got.records, 1);
        // A third node cannot encode alike: the pair's secret is theirs alone.
        let c = node();
        let ab = pair_secret(&a.store, &a.key, &exchange::partner(&a.store, "b").expect("b")).expect("secret");
        let ba = pair_secret(&b.store, &b.key, &exchange::partner(&b.store, "a").expect("a")).expect("secret");
        assert_eq!(ab, ba, "both sides derive the same secret");
        assert_ne!(
            c.key.exchange_agree(&b.key.exchange_public()),
            a.key.exchange_agree(&b.key.exchange_public())
        );
        for store in [&a.store, &b.store] {
            let log = store.audit_entries().expect("log");
            assert!(
                log.iter()
                    .all(|r| !r.entry.detail.contains("Marko") && !r.entry.detail.contains("Ђорђ"))
            );
        }
    }
}
