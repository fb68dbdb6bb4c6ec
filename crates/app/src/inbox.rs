//! A partner's message arriving online (over HTTPS, `POST /api/v1/exchange`),
//! handled at once by its kind, with the answer to send back in the same
//! exchange. The same use cases as for messages carried as files; a message
//! has no user here: the partner's key is its credential, checked by
//! `exchange::admit` before anything else is read.
//!
//! | kind | what the node does | reply |
//! |---|---|---|
//! | `psi-tags-request` | brings its tags of the kind up to date for the partner | the `psi-tags` message |
//! | `psi-query` | answers after the agreement's checks and budget | the `psi-answer` message |
//! | `bf-query` | compares the identities asked about, the same checks | the `bf-answer` message |
//! | `disclosure-request` | keeps it for the agreement's approver | accepted, with the deadline |
//! | `disclosure-answer` | ingests the records into the case that asked | accepted |
//! | `disclosure-notice` | applies the erasure or rectification | accepted |

use corridor_exchange::{Envelope, Refusal, SelectorKind};
use corridor_store::SqliteStore;
use serde::{Deserialize, Serialize};

use crate::{Error, Result, Session, disclosure, exchange, hits};

/// Who is named as acting for a partner's message.
pub const PARTNER_NODE: &str = "partner node";

/// What goes back to the partner.
#[derive(Debug, Clone, Serialize)]
#[serde(untagged)]
pub enum Reply {
    /// A signed message (tags, an answer).
    Message(Envelope),
    /// Taken in: what became of it.
    Accepted(Accepted),
}

#[derive(Debug, Clone, Serialize)]
pub struct Accepted {
    pub accepted: &'static str,
    pub reference: String,
    /// A disclosure request's deadline.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub deadline: Option<String>,
}

/// The body of a `psi-tags-request`: which kind's tags.
#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct TagsAsk {
    pub kind: SelectorKind,
}

/// Handles a partner's message `text` arriving online.
pub fn handle(
    store: &mut SqliteStore,
    me: &corridor_node_key::NodeKey,
    text: &str,
    now: chrono::DateTime<chrono::Utc>,
) -> Result<Reply> {
    let kind = hits::message_kind(text)?;
    match kind.as_str() {
        "psi-tags-request" => {
            let admitted = exchange::admit(store, me, text, now)?;
            let ask: TagsAsk = match serde_json::from_str(&admitted.envelope.body) {
                Ok(a) => a,
                Err(_) => return Err(hits::malformed(store, &admitted, "its body is not a request for tags")),
            };
            let session = Session::new(PARTNER_NODE, "partner matching: tags")?;
            match hits::prepare_tags(store, me, &session, &admitted.partner.name, ask.kind, now) {
                Ok((envelope, _)) => Ok(Reply::Message(envelope)),
                Err(Error::Forbidden(_)) => Err(exchange::refuse(
                    store,
                    &admitted,
                    Refusal::KindNotAgreed {
                        kind: ask.kind.to_string(),
                    },
                )),
                Err(e) => Err(e),
            }
        }
        "psi-query" => Ok(Reply::Message(hits::answer_query(store, me, text, now)?)),
        "bf-query" => Ok(Reply::Message(crate::identities::answer_query(store, me, text, now)?)),
        "disclosure-request" => {
            let got = disclosure::receive_request(store, me, text, now)?;
            Ok(Reply::Accepted(Accepted {
                accepted: "disclosure-request",
                reference: got.record.reference,
                deadline: Some(got.record.deadline),
            }))
        }
        "disclosure-answer" => {
            let peek = Envelope::read(text).map_err(|r| Error::BadInput(r.to_string()))?;
            let case = store
                .disclosures("asked")?
                .into_iter()
                .find(|d| d.reference == peek.reference)
                .and_then(|d| d.case_name)
                .ok_or_else(|| Error::NotFound(format!("no disclosure request {} of this node", peek.reference)))?;
            let session = Session::new(PARTNER_NODE, &format!("case={case}; disclosure {}", peek.reference))?;
            let got = disclosure::receive_answer(store, me, &session, &case, text, now)?;
            Ok(Reply::Accepted(Accepted {
                accepted: "disclosure-answer",
                reference: got.reference,
                deadline: None,
            }))
        }
        "disclosure-notice" => {
            let session = Session::new(PARTNER_NODE, "notice from a partner")?;
            let got = disclosure::receive_notice(store, me, &session, text, now)?;
            Ok(Reply::Accepted(Accepted {
                accepted: "disclosure-notice",
                reference: got.disclosure,
                deadline: None,
            }))
        }
        other => {
            // Admitted first, so that the refusal names a proven sender or none.
            let admitted = exchange::admit(store, me, text, now)?;
            Err(hits::malformed(
                store,
                &admitted,
                &format!(
                    "a {} message is not taken online",
                    other
                        .chars()
                        .filter(|c| c.is_ascii_graphic())
                        .take(40)
                        .collect::<String>()
                ),
            ))
        }
    }
}
