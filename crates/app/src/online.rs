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

/// Sends `message` to `partner` and returns the reply's body on success; a
/// refusal comes back in the partner's words.
fn send(courier: &dyn Courier, partner: &crate::exchange::PartnerView, message: &str) -> Result<String> {
    if partner.address.is_empty() {
        return Err(Error::Conflict(format!(
            "the partner {} has no address on its card: exchange files with it (--out)",
            partner.name
        )));
    }
    let (status, body) = courier.post(&partner.address, message)?;
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
        403 => Error::Forbidden(format!("the partner {} refused: {said}", partner.name)),
        400 | 404 | 409 | 413 => Error::Conflict(format!("the partner {} refused: {said}", partner.name)),
        _ => Error::Partner(format!("the partner {} could not answer: {said}", partner.name)),
    })
}

/// A query to a partner online: its current tags first (taken in as a file of
/// them would be), then the query and its answer. The hits.
pub fn query(
    store: &mut SqliteStore,
    me: &corridor_node_key::NodeKey,
    session: &Session,
    request: &QueryRequest<'_>,
    courier: &dyn Courier,
    now: chrono::DateTime<chrono::Utc>,
) -> Result<Received> {
    let (partner, _) = hits::partner_in_force(store, request.partner)?;
    let ask = hits::seal(
        me,
        &partner,
        "psi-tags-request",
        &hits::new_reference("r")?,
        &TagsAsk { kind: request.kind },
        now,
    )?;
    let tags = send(courier, &partner, &ask.to_json())?;
    match hits::receive_tags(store, me, session, &tags, now) {
        // Tags made earlier than those held: the ones held stand.
        Ok(_) | Err(Error::Conflict(_)) => {}
        Err(e) => return Err(e),
    }
    let (envelope, _) = hits::start_query(store, me, session, request, now)?;
    let answer = send(courier, &partner, &envelope.to_json())?;
    hits::receive_answer(store, me, session, request.case, &answer, now)
}

/// Asks for the record behind a hit online: the partner keeps the request for
/// its approver and acknowledges it.
pub fn request_disclosure(
    store: &mut SqliteStore,
    me: &corridor_node_key::NodeKey,
    session: &Session,
    (case, hit, legal_basis): (&str, &str, &str),
    courier: &dyn Courier,
    now: chrono::DateTime<chrono::Utc>,
) -> Result<DisclosureView> {
    let (envelope, view) = disclosure::request(store, me, session, case, hit, legal_basis, now)?;
    let partner = crate::exchange::partner(store, &view.partner)?;
    send(courier, &partner, &envelope.to_json())?;
    Ok(view)
}

/// Decides a partner's request and delivers the answer online (the requester's
/// node ingests approved records into the case that asked).
pub fn decide(
    store: &mut SqliteStore,
    me: &corridor_node_key::NodeKey,
    session: &Session,
    (reference, choice, reason): (&str, Choice<'_>, &str),
    courier: &dyn Courier,
    now: chrono::DateTime<chrono::Utc>,
) -> Result<DisclosureView> {
    let (envelope, view) = disclosure::decide(store, me, session, reference, choice, reason, now)?;
    let partner = crate::exchange::partner(store, &view.partner)?;
    // Decided and logged here whatever happens on the way: a delivery that
    // fails is said, and the answer can be sent again as a file.
    send(courier, &partner, &envelope.to_json()).map_err(|e| {
        Error::Partner(format!(
            "decided ({}), but the answer did not reach {}: {e}",
            view.record.state, view.partner
        ))
    })?;
    Ok(view)
}

/// A notice sealed for a partner, and whether it was delivered online.
#[derive(Debug)]
pub struct NoticeSent {
    pub partner: String,
    pub envelope: corridor_exchange::Envelope,
    /// Why it was not delivered: the front end keeps it as a file to send so.
    pub undelivered: Option<String>,
}

/// Seals the notices owed and delivers each online; any not delivered comes
/// back with why, for the front end to keep as a file (the store counts every
/// notice sealed as sent: it is the file's to travel then).
pub fn send_notices(
    store: &mut SqliteStore,
    me: &corridor_node_key::NodeKey,
    session: &Session,
    courier: &dyn Courier,
    now: chrono::DateTime<chrono::Utc>,
) -> Result<Vec<NoticeSent>> {
    let sealed = disclosure::seal_notices(store, me, session, now)?;
    let mut out = Vec::new();
    for (partner_name, envelope) in sealed {
        let partner = crate::exchange::partner(store, &partner_name)?;
        let undelivered = send(courier, &partner, &envelope.to_json())
            .err()
            .map(|e| e.to_string());
        out.push(NoticeSent {
            partner: partner_name,
            envelope,
            undelivered,
        });
    }
    Ok(out)
}
