//! Exchanges with a partner node online: the same messages as files, posted to
//! the partner's address by a [`Courier`] (the front end's HTTPS client) and
//! answered in the same exchange. A query fetches the partner's current tags,
//! sends the blinded selectors and finishes the answer in one go; a disclosure
//! request, a decision and a notice are delivered and acknowledged.
//!
//! The courier only carries text: every message is sealed and every reply
//! admitted here, with the same checks as a file (signature, recipient, time,
//! nonce, agreement).

use corridor_store::SqliteStore;
use serde::Deserialize;

use crate::disclosure::{self, Choice, DisclosureView};
use crate::hits::{self, QueryRequest, Received};
use crate::inbox::TagsAsk;
use crate::{Error, Result, Session};

/// Carries a message to a partner node and brings back its reply.
pub trait Courier {
    /// Posts `message` to the node at `address`; the reply's HTTP status and body,
    /// or [`Error::Partner`] when the node cannot be reached.
    fn post(&self, address: &str, message: &str) -> Result<(u16, String)>;
}

/// An error body of a partner's API.
#[derive(Debug, Deserialize)]
struct PartnerError {
    code: String,
    message: String,
}

/// A message to carry to a partner: where, and what.
#[derive(Debug, Clone)]
pub struct Outgoing {
    pub partner: String,
    pub address: String,
    pub message: String,
}

fn outgoing(partner: &crate::exchange::PartnerView, message: String) -> Result<Outgoing> {
    if partner.address.is_empty() {
        return Err(Error::Conflict(format!(
            "the partner {} has no address on its card: exchange files with it (--out)",
            partner.name
        )));
    }
    Ok(Outgoing {
        partner: partner.name.clone(),
        address: partner.address.clone(),
        message,
    })
}

/// The body of a partner's reply on success; a refusal in the partner's words.
pub fn reply_body(partner: &str, (status, body): (u16, String)) -> Result<String> {
    if (200..300).contains(&status) {
        return Ok(body);
    }
    let said: String = match serde_json::from_str::<PartnerError>(&body) {
        Ok(e) => format!("{} ({})", e.message, e.code),
        Err(_) => format!("HTTP {status}"),
    }
    .chars()
    .filter(|c| !c.is_control())
    .take(500)
    .collect();
    Err(match status {
        403 => Error::Forbidden(format!("the partner {partner} refused: {said}")),
        400 | 404 | 409 | 413 => Error::Conflict(format!("the partner {partner} refused: {said}")),
        _ => Error::Partner(format!("the partner {partner} could not answer: {said}")),
    })
}

fn carry(courier: &dyn Courier, out: &Outgoing) -> Result<String> {
    reply_body(&out.partner, courier.post(&out.address, &out.message)?)
}

/// A query to a partner, owned (it outlives the request that made it while its
/// messages travel).
#[derive(Debug, Clone)]
pub struct QueryOrder {
    pub case: String,
    pub purpose: String,
    pub partner: String,
    pub kind: corridor_exchange::SelectorKind,
    pub lines: Vec<String>,
}

impl QueryOrder {
    fn request(&self) -> QueryRequest<'_> {
        QueryRequest {
            case: &self.case,
            purpose: &self.purpose,
            partner: &self.partner,
            kind: self.kind,
            lines: &self.lines,
        }
    }
}

/// A query online, step 1: the request for the partner's current tags (none for
/// a query of people: their encodings need no tags).
pub fn query_tags(
    store: &SqliteStore,
    me: &corridor_node_key::NodeKey,
    order: &QueryOrder,
    now: chrono::DateTime<chrono::Utc>,
) -> Result<Option<Outgoing>> {
    if order.kind == corridor_exchange::SelectorKind::PersonIdentity {
        return Ok(None);
    }
    let (partner, _) = hits::partner_in_force(store, &order.partner)?;
    let ask = hits::seal(
        me,
        &partner,
        "psi-tags-request",
        &hits::new_reference("r")?,
        &TagsAsk { kind: order.kind },
        now,
    )?;
    outgoing(&partner, ask.to_json()).map(Some)
}

/// Step 2: the partner's tags taken in (unless older than those held), and the
/// blinded query to send.
pub fn query_send(
    store: &mut SqliteStore,
    me: &corridor_node_key::NodeKey,
    session: &Session,
    order: &QueryOrder,
    tags: Option<&str>,
    now: chrono::DateTime<chrono::Utc>,
) -> Result<Outgoing> {
    if let Some(tags) = tags {
        match hits::receive_tags(store, me, session, tags, now) {
            // Tags made earlier than those held: the ones held stand.
            Ok(_) | Err(Error::Conflict(_)) => {}
            Err(e) => return Err(e),
        }
    }
    let (partner, _) = hits::partner_in_force(store, &order.partner)?;
    let (envelope, _) = hits::start_any_query(store, me, session, &order.request(), now)?;
    outgoing(&partner, envelope.to_json())
}

/// Step 3: the answer finished against the tags: the hits.
pub fn query_finish(
    store: &mut SqliteStore,
    me: &corridor_node_key::NodeKey,
    session: &Session,
    order: &QueryOrder,
    answer: &str,
    now: chrono::DateTime<chrono::Utc>,
) -> Result<Received> {
    hits::receive_any_answer(store, me, session, &order.case, answer, now)
}

/// A query to a partner online, all three steps carried by `courier`.
pub fn query(
    store: &mut SqliteStore,
    me: &corridor_node_key::NodeKey,
    session: &Session,
    order: &QueryOrder,
    courier: &dyn Courier,
    now: chrono::DateTime<chrono::Utc>,
) -> Result<Received> {
    let tags = match query_tags(store, me, order, now)? {
        Some(ask) => Some(carry(courier, &ask)?),
        None => None,
    };
    let query = query_send(store, me, session, order, tags.as_deref(), now)?;
    let answer = carry(courier, &query)?;
    query_finish(store, me, session, order, &answer, now)
}

/// Asks for the record behind a hit: the request kept and logged, and the
/// message to carry to the partner.
pub fn disclosure_request(
    store: &mut SqliteStore,
    me: &corridor_node_key::NodeKey,
    session: &Session,
    (case, hit, legal_basis): (&str, &str, &str),
    now: chrono::DateTime<chrono::Utc>,
) -> Result<(DisclosureView, Outgoing)> {
    let (envelope, view) = disclosure::request(store, me, session, case, hit, legal_basis, now)?;
    let partner = crate::exchange::partner(store, &view.partner)?;
    match outgoing(&partner, envelope.to_json()) {
        Ok(out) => Ok((view, out)),
        // A partner reached by files only: the request goes no further.
        Err(e) => {
            not_delivered(store, session, &view, &e)?;
            Err(e)
        }
    }
}

/// Asks for the record behind a hit online: the partner keeps the request for
/// its approver and acknowledges it.
pub fn request_disclosure(
    store: &mut SqliteStore,
    me: &corridor_node_key::NodeKey,
    session: &Session,
    what: (&str, &str, &str),
    courier: &dyn Courier,
    now: chrono::DateTime<chrono::Utc>,
) -> Result<DisclosureView> {
    let (view, out) = disclosure_request(store, me, session, what, now)?;
    if let Err(e) = carry(courier, &out) {
        not_delivered(store, session, &view, &e)?;
        return Err(e);
    }
    Ok(view)
}

/// A request that did not reach its partner stops being pending (a new one may
/// be made for the hit), and says why.
pub fn not_delivered(store: &mut SqliteStore, session: &Session, view: &DisclosureView, e: &Error) -> Result<()> {
    let why: String = e.to_string().chars().filter(|c| !c.is_control()).take(500).collect();
    Ok(store.disclosure_undelivered(view.record.id, &why, session.actor())?)
}

/// One sealed message as it goes to its partner (its address; refused for a
/// partner reached by files only).
pub fn outgoing_of(partner: &crate::exchange::PartnerView, envelope: &corridor_exchange::Envelope) -> Result<Outgoing> {
    outgoing(partner, envelope.to_json())
}

/// Delivers one sealed message to its partner online.
pub fn deliver(
    partner: &crate::exchange::PartnerView,
    envelope: &corridor_exchange::Envelope,
    courier: &dyn Courier,
) -> Result<()> {
    carry(courier, &outgoing(partner, envelope.to_json())?).map(|_| ())
}

/// Decides a partner's request: decided and logged, and the answer to carry.
pub fn decision(
    store: &mut SqliteStore,
    me: &corridor_node_key::NodeKey,
    session: &Session,
    (reference, choice, reason): (&str, Choice<'_>, &str),
    now: chrono::DateTime<chrono::Utc>,
) -> Result<(DisclosureView, Outgoing)> {
    let (envelope, view) = disclosure::decide(store, me, session, reference, choice, reason, now)?;
    let partner = crate::exchange::partner(store, &view.partner)?;
    let out = outgoing(&partner, envelope.to_json())?;
    Ok((view, out))
}

/// What to say when a decision was made but its answer did not arrive.
pub fn undelivered(view: &DisclosureView, e: &Error) -> Error {
    Error::Partner(format!(
        "decided ({}), but the answer did not reach {}: {e}; send it again (`corridor disclosure resend`, online or with --out as a file)",
        view.record.state, view.partner
    ))
}

/// Decides a partner's request and delivers the answer online (the requester's
/// node ingests approved records into the case that asked).
pub fn decide(
    store: &mut SqliteStore,
    me: &corridor_node_key::NodeKey,
    session: &Session,
    what: (&str, Choice<'_>, &str),
    courier: &dyn Courier,
    now: chrono::DateTime<chrono::Utc>,
) -> Result<DisclosureView> {
    let (view, out) = decision(store, me, session, what, now)?;
    // Decided and logged here whatever happens on the way.
    carry(courier, &out).map_err(|e| undelivered(&view, &e))?;
    Ok(view)
}

/// Notices sealed for a partner, and whether they were delivered online.
#[derive(Debug)]
pub struct NoticeSent {
    pub sealed: disclosure::SealedNotices,
    /// Why they were not delivered: still owed, the front end writes them as
    /// files and then counts them sent ([`disclosure::notices_delivered`]).
    pub undelivered: Option<String>,
}

/// Seals the notices owed and delivers them online; those delivered are counted
/// sent, those not come back with why.
pub fn send_notices(
    store: &mut SqliteStore,
    me: &corridor_node_key::NodeKey,
    session: &Session,
    courier: &dyn Courier,
    now: chrono::DateTime<chrono::Utc>,
) -> Result<Vec<NoticeSent>> {
    let sealed = disclosure::seal_notices(store, me, session, now)?;
    let mut out = Vec::new();
    for s in sealed {
        let partner = crate::exchange::partner(store, &s.partner)?;
        let mut undelivered = None;
        for envelope in &s.envelopes {
            if let Err(e) = outgoing(&partner, envelope.to_json()).and_then(|out| carry(courier, &out)) {
                undelivered = Some(e.to_string());
                break;
            }
        }
        if undelivered.is_none() {
            disclosure::notices_delivered(store, session, &s)?;
        }
        out.push(NoticeSent { sealed: s, undelivered });
    }
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A courier whose partner never answers.
    struct Unreachable;

    impl Courier for Unreachable {
        fn post(&self, _: &str, _: &str) -> Result<(u16, String)> {
            Err(Error::Partner("connection refused".into()))
        }
    }

    #[test]
    fn a_request_that_never_arrived_does_not_block_the_hit() {
        let (mut a, mut b) = (crate::test_support::node(), crate::test_support::node());
        crate::test_support::partners(&mut a, &mut b);
        crate::test_support::ingest(
            &mut b,
            "one.csv",
            "id,name,category,phone\n1,One,suspect,+306931111111\n",
        );
        let admin = Session::new("root", "partner matching").expect("session");
        let now = chrono::Utc::now();
        let (tags, _) = hits::prepare_tags(
            &mut b.store,
            &b.key,
            &admin,
            "a",
            corridor_exchange::SelectorKind::Phone,
            now,
        )
        .expect("tags");
        hits::receive_tags(&mut a.store, &a.key, &crate::test_support::root(), &tags.to_json(), now).expect("tags");
        let ana = Session::new("ana", "case=c; purpose=inv").expect("session");
        let lines = vec!["+306931111111".to_string()];
        let request = QueryRequest {
            case: "c",
            purpose: "inv",
            partner: "b",
            kind: corridor_exchange::SelectorKind::Phone,
            lines: &lines,
        };
        let (query, _) = hits::start_query(&mut a.store, &a.key, &ana, &request, now).expect("query");
        let answer = hits::answer_query(&mut b.store, &b.key, &query.to_json(), now).expect("answer");
        let Received::Hits { hits, .. } =
            hits::receive_answer(&mut a.store, &a.key, &ana, "c", &answer.to_json(), now).expect("hits")
        else {
            panic!("hits");
        };
        // The partner's card has no address: nothing goes, and nothing stays pending.
        let what = ("c", hits[0].reference.as_str(), "Art. 7");
        assert!(request_disclosure(&mut a.store, &a.key, &ana, what, &Unreachable, now).is_err());
        assert!(request_disclosure(&mut a.store, &a.key, &ana, what, &Unreachable, now).is_err());
        let asked = disclosure::list(&a.store, false, &["c".to_string()], now).expect("list");
        assert_eq!(asked.len(), 2, "asked twice: the first did not block the second");
        assert!(asked.iter().all(|d| d.record.state == "undelivered"));
    }
}
