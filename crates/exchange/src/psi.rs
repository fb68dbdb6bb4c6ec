//! Private set intersection of exact selectors (phones, document numbers, plates,
//! IBANs, vessels), built on the oblivious pseudorandom function of RFC 9497 over
//! ristretto255 in base mode (the `voprf` crate).
//!
//! The responder holds an OPRF key per partner and **prepares** its side once: the
//! first [`TAG_BYTES`] bytes of F(k, selector) for every selector it may match
//! with that partner (its *tags*), sent to the partner once and kept up to date by
//! additions and removals as it ingests and erases. A **query** costs work in
//! proportion to the query, not to the responder's store: the requester blinds
//! each of its selectors (r·H(x)), the responder multiplies each by its key (one
//! scalar multiplication per selector, each counted against the agreement's
//! budget), and the requester unblinds, finishes F(k, x) and looks it up among
//! the responder's tags.
//!
//! What each side learns:
//! - the requester: which of its own selectors the responder holds (and the tag,
//!   an opaque per-hit reference for a disclosure request); the number of the
//!   responder's tags for that kind, and how it changes over time (the additions
//!   and removals); nothing else about a selector it did not query, since F
//!   without the key is a random function;
//! - the responder: that a query of a given kind and size was made under the
//!   agreement, for a reference, at a time; nothing of the values (a blinded
//!   element is uniformly random whatever the selector).
//!
//! Why the budget matters: a requester can evaluate F on any value it likes, one
//! evaluation per value. For enumerable kinds (a country's phone numbers, plates)
//! a requester with an unlimited budget could evaluate them all and read the
//! responder's whole set off its tags. The protection is the agreement's daily
//! budget and both audit logs, not the cryptography.
//!
//! Tags are truncated to 128 bits: a false hit among a million tags and ten
//! thousand queries has probability about 2^-94.

use std::collections::HashSet;

use base64::Engine;
use rayon::prelude::*;
use serde::{Deserialize, Serialize};
use voprf::{BlindedElement, EvaluationElement, OprfClient, OprfServer, Ristretto255};

use crate::{Refusal, SelectorKind};

/// Bytes of F(k, x) kept as a tag.
pub const TAG_BYTES: usize = 16;

/// Bytes of one blinded or evaluated element (a compressed ristretto255 point).
pub const ELEMENT_BYTES: usize = 32;

/// The input of F for a selector: a domain tag, the kind and the normalised
/// value, so that equal strings of two kinds never match.
fn input(kind: SelectorKind, value: &str) -> Vec<u8> {
    let mut m = Vec::with_capacity(24 + value.len());
    m.extend_from_slice(b"corridor psi v1\0");
    m.extend_from_slice(kind.as_str().as_bytes());
    m.push(0);
    m.extend_from_slice(value.as_bytes());
    m
}

/// One selector's tag on the responder's side.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct Tag(pub [u8; TAG_BYTES]);

impl Tag {
    pub fn to_hex(self) -> String {
        hex::encode(self.0)
    }

    fn of(output: &[u8]) -> Tag {
        let mut t = [0u8; TAG_BYTES];
        t.copy_from_slice(&output[..TAG_BYTES]);
        Tag(t)
    }
}

/// The responder's OPRF key for one partner.
pub struct ResponderKey {
    server: OprfServer<Ristretto255>,
    bytes: [u8; 32],
}

impl std::fmt::Debug for ResponderKey {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("ResponderKey(..)")
    }
}

impl ResponderKey {
    /// A new random key.
    pub fn generate() -> Result<ResponderKey, Refusal> {
        let mut seed = [0u8; 32];
        getrandom::fill(&mut seed).map_err(|e| internal(format!("no random bytes for a key: {e}")))?;
        let server = OprfServer::<Ristretto255>::new_from_seed(&seed, b"corridor psi key")
            .map_err(|_| internal("the key could not be derived".into()))?;
        seed.fill(0);
        ResponderKey::from_server(server)
    }

    /// The key kept as [`ResponderKey::to_bytes`] gave it.
    pub fn from_bytes(bytes: &[u8]) -> Result<ResponderKey, Refusal> {
        let server = OprfServer::<Ristretto255>::new_with_key(bytes).map_err(|_| Refusal::Malformed {
            what: "matching key",
            why: "not a ristretto255 scalar".into(),
        })?;
        ResponderKey::from_server(server)
    }

    fn from_server(server: OprfServer<Ristretto255>) -> Result<ResponderKey, Refusal> {
        let bytes: [u8; 32] = server
            .serialize()
            .as_slice()
            .try_into()
            .map_err(|_| internal("unexpected key length".into()))?;
        Ok(ResponderKey { server, bytes })
    }

    /// The key's 32 bytes, to keep (secret).
    pub fn to_bytes(&self) -> [u8; 32] {
        self.bytes
    }

    /// A public name for the key (8 bytes of a hash of it, hex): tags and answers
    /// carry it, so that a requester never finishes an answer against tags made
    /// under another key (the responder makes a new one whenever what it may
    /// match shrinks).
    pub fn id(&self) -> String {
        use sha2::Digest;
        let mut h = sha2::Sha256::new();
        h.update(b"corridor psi key id v1\0");
        h.update(self.bytes);
        hex::encode(&h.finalize()[..8])
    }

    /// The tag of one selector.
    pub fn tag(&self, kind: SelectorKind, value: &str) -> Result<Tag, Refusal> {
        let out = self
            .server
            .evaluate(&input(kind, value))
            .map_err(|_| Refusal::Malformed {
                what: "selector",
                why: "empty or longer than 65,535 bytes".into(),
            })?;
        Ok(Tag::of(&out))
    }

    /// The tags of many selectors, on every core; a selector that cannot be
    /// evaluated (empty, over 64 KiB) has none.
    pub fn tags(&self, selectors: &[(SelectorKind, &str)]) -> Vec<Option<Tag>> {
        selectors
            .par_iter()
            .map(|(kind, value)| self.tag(*kind, value).ok())
            .collect()
    }

    /// Answers a query: each blinded element multiplied by the key, in order. The
    /// caller has checked the query against the agreement and counted it.
    pub fn answer(&self, query: &Query) -> Result<Answer, Refusal> {
        let blinded = decode_elements(&query.blinded, "query")?;
        let evaluated: Vec<Vec<u8>> = blinded
            .par_chunks(ELEMENT_BYTES)
            .map(|b| {
                BlindedElement::<Ristretto255>::deserialize(b)
                    .map(|e| self.server.blind_evaluate(&e).serialize().to_vec())
                    .map_err(|_| Refusal::Malformed {
                        what: "query",
                        why: "an element is not a valid point".into(),
                    })
            })
            .collect::<Result<_, _>>()?;
        Ok(Answer {
            key: self.id(),
            evaluated: encode_elements(evaluated.iter().map(Vec::as_slice)),
        })
    }
}

/// A query's body: the kind and the blinded elements, base64 of their
/// concatenation.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Query {
    pub kind: SelectorKind,
    pub purpose: String,
    pub blinded: String,
}

impl Query {
    /// How many selectors it holds (without decoding the points).
    pub fn size(&self) -> u64 {
        (self.blinded.len() as u64 * 3 / 4) / ELEMENT_BYTES as u64
    }
}

/// An answer's body: the evaluated elements in the query's order.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Answer {
    /// The id of the key that answered ([`ResponderKey::id`]).
    pub key: String,
    pub evaluated: String,
}

/// The requester's side of a query in flight: each selector and its blinding.
pub struct Pending {
    kind: SelectorKind,
    items: Vec<(String, OprfClient<Ristretto255>)>,
}

impl std::fmt::Debug for Pending {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Pending")
            .field("kind", &self.kind)
            .field("size", &self.items.len())
            .finish()
    }
}

/// One selector of the query that the responder holds.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Hit {
    pub value: String,
    /// The responder's tag: the opaque reference for a disclosure request.
    pub reference: String,
}

/// Blinds `values` of `kind` (normalised as the responder normalises them) for a
/// query under `purpose`.
pub fn blind(kind: SelectorKind, purpose: &str, values: &[String]) -> Result<(Query, Pending), Refusal> {
    let each: Vec<(String, OprfClient<Ristretto255>, Vec<u8>)> = values
        .par_iter()
        .map(|v| {
            let r = OprfClient::<Ristretto255>::blind(&input(kind, v), &mut rand_core::OsRng).map_err(|_| {
                Refusal::Malformed {
                    what: "selector",
                    why: "empty or longer than 65,535 bytes".into(),
                }
            })?;
            Ok((v.clone(), r.state, r.message.serialize().to_vec()))
        })
        .collect::<Result<_, Refusal>>()?;
    let mut items = Vec::with_capacity(each.len());
    let mut blinded = Vec::with_capacity(each.len() * ELEMENT_BYTES);
    for (value, state, element) in each {
        blinded.extend_from_slice(&element);
        items.push((value, state));
    }
    let query = Query {
        kind,
        purpose: purpose.into(),
        blinded: base64::engine::general_purpose::STANDARD.encode(&blinded),
    };
    Ok((query, Pending { kind, items }))
}

/// A pending query as kept between sending it and receiving its answer.
#[derive(Serialize, Deserialize)]
struct KeptPending {
    kind: SelectorKind,
    items: Vec<(String, String)>,
}

impl Pending {
    /// The kind queried.
    pub fn kind(&self) -> SelectorKind {
        self.kind
    }

    /// The pending query to keep until its answer comes (the selectors and their
    /// blinding scalars: secret).
    pub fn to_bytes(&self) -> Vec<u8> {
        let kept = KeptPending {
            kind: self.kind,
            items: self
                .items
                .iter()
                .map(|(v, s)| (v.clone(), hex::encode(s.serialize())))
                .collect(),
        };
        serde_json::to_vec(&kept).unwrap_or_default()
    }

    /// A pending query kept with [`Pending::to_bytes`].
    pub fn from_bytes(bytes: &[u8]) -> Result<Pending, Refusal> {
        let bad = || Refusal::Malformed {
            what: "pending query",
            why: "it no longer reads".into(),
        };
        let kept: KeptPending = serde_json::from_slice(bytes).map_err(|_| bad())?;
        let items = kept
            .items
            .into_iter()
            .map(|(v, s)| {
                let b = hex::decode(s).map_err(|_| bad())?;
                Ok((v, OprfClient::<Ristretto255>::deserialize(&b).map_err(|_| bad())?))
            })
            .collect::<Result<_, Refusal>>()?;
        Ok(Pending { kind: kept.kind, items })
    }

    /// Finishes the query with the responder's answer: the selectors whose value
    /// of F is among the responder's `tags`.
    pub fn finish(self, answer: &Answer, tags: &HashSet<Tag>) -> Result<Vec<Hit>, Refusal> {
        let evaluated = decode_elements(&answer.evaluated, "answer")?;
        if evaluated.len() != self.items.len() * ELEMENT_BYTES {
            return Err(Refusal::Malformed {
                what: "answer",
                why: format!(
                    "{} elements for a query of {}",
                    evaluated.len() / ELEMENT_BYTES,
                    self.items.len()
                ),
            });
        }
        let kind = self.kind;
        self.items
            .into_par_iter()
            .zip(evaluated.par_chunks(ELEMENT_BYTES))
            .map(|((value, state), e)| {
                let e = EvaluationElement::<Ristretto255>::deserialize(e).map_err(|_| Refusal::Malformed {
                    what: "answer",
                    why: "an element is not a valid point".into(),
                })?;
                let out = state
                    .finalize(&input(kind, &value), &e)
                    .map_err(|_| Refusal::Malformed {
                        what: "answer",
                        why: "an element could not be finished".into(),
                    })?;
                let tag = Tag::of(&out);
                Ok(tags.contains(&tag).then(|| Hit {
                    value,
                    reference: tag.to_hex(),
                }))
            })
            .filter_map(|r| r.transpose())
            .collect()
    }
}

fn decode_elements(text: &str, what: &'static str) -> Result<Vec<u8>, Refusal> {
    let bytes = base64::engine::general_purpose::STANDARD
        .decode(text)
        .map_err(|_| Refusal::Malformed {
            what,
            why: "the elements are not base64".into(),
        })?;
    if bytes.len() % ELEMENT_BYTES != 0 {
        return Err(Refusal::Malformed {
            what,
            why: format!("the elements are not a whole number of {ELEMENT_BYTES}-byte points"),
        });
    }
    Ok(bytes)
}

fn encode_elements<'a>(elements: impl Iterator<Item = &'a [u8]>) -> String {
    let mut all = Vec::new();
    for e in elements {
        all.extend_from_slice(e);
    }
    base64::engine::general_purpose::STANDARD.encode(all)
}

fn internal(why: String) -> Refusal {
    Refusal::Malformed {
        what: "matching key",
        why,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn values(v: &[&str]) -> Vec<String> {
        v.iter().map(|s| s.to_string()).collect()
    }

    #[test]
    fn a_query_finds_exactly_the_selectors_the_responder_holds() {
        let key = ResponderKey::generate().expect("key");
        let held = ["+306931355247", "+359877421744", "+381641234567"];
        let tags: HashSet<Tag> = key
            .tags(&held.iter().map(|v| (SelectorKind::Phone, *v)).collect::<Vec<_>>())
            .into_iter()
            .map(|t| t.expect("tag"))
            .collect();
        // Documents with the same digits are another kind: no hit.
        let doc_tag = key.tag(SelectorKind::TravelDocument, "+306931355247").expect("tag");
        assert!(!tags.contains(&doc_tag));
        let asked = values(&["+359877421744", "+491701234567", "+306931355247", "+306931355248"]);
        let (query, pending) = blind(SelectorKind::Phone, "investigation", &asked).expect("blind");
        assert_eq!(query.size(), 4);
        let answer = key.answer(&query).expect("answer");
        // Kept between sending and the answer.
        let pending = Pending::from_bytes(&pending.to_bytes()).expect("kept");
        let hits = pending.finish(&answer, &tags).expect("finish");
        let found: Vec<&str> = hits.iter().map(|h| h.value.as_str()).collect();
        assert_eq!(found, ["+359877421744", "+306931355247"]);
        assert_eq!(
            hits[1].reference,
            key.tag(SelectorKind::Phone, "+306931355247").expect("tag").to_hex()
        );
        // A key saved and read back gives the same tags.
        let again = ResponderKey::from_bytes(&key.to_bytes()).expect("key");
        assert_eq!(
            again.tag(SelectorKind::Phone, held[0]).ok(),
            key.tag(SelectorKind::Phone, held[0]).ok()
        );
        // Another partner's key gives other tags: no hit across keys.
        let other = ResponderKey::generate().expect("key");
        let (query, pending) = blind(SelectorKind::Phone, "investigation", &asked).expect("blind");
        let hits = pending
            .finish(&other.answer(&query).expect("answer"), &tags)
            .expect("finish");
        assert!(hits.is_empty());
    }

    #[test]
    fn what_travels_reveals_no_selector() {
        let key = ResponderKey::generate().expect("key");
        let asked = values(&["+306931355247"]);
        let (q1, _) = blind(SelectorKind::Phone, "investigation", &asked).expect("blind");
        let (q2, _) = blind(SelectorKind::Phone, "investigation", &asked).expect("blind");
        // The same selector blinded twice: unlinkable elements, and answers.
        assert_ne!(q1.blinded, q2.blinded);
        let (a1, a2) = (key.answer(&q1).expect("answer"), key.answer(&q2).expect("answer"));
        assert_ne!(a1.evaluated, a2.evaluated);
        // Neither the value, nor its hash to the curve, nor its tag appear in the
        // query or the answer.
        let tag = key.tag(SelectorKind::Phone, &asked[0]).expect("tag").to_hex();
        for text in [&q1.blinded, &a1.evaluated] {
            let bytes = base64::engine::general_purpose::STANDARD.decode(text).expect("b64");
            assert!(!bytes.windows(6).any(|w| w == b"693135"));
            assert!(!hex::encode(&bytes).contains(&tag));
        }
    }

    #[test]
    fn malformed_queries_and_answers_are_refused() {
        let key = ResponderKey::generate().expect("key");
        let bad = |blinded: &str| Query {
            kind: SelectorKind::Phone,
            purpose: "investigation".into(),
            blinded: blinded.into(),
        };
        assert!(key.answer(&bad("not base64!")).is_err());
        let b64 = |b: &[u8]| base64::engine::general_purpose::STANDARD.encode(b);
        assert!(key.answer(&bad(&b64(&[1u8; 31]))).is_err(), "not whole points");
        assert!(key.answer(&bad(&b64(&[0u8; 32]))).is_err(), "the identity");
        assert!(key.answer(&bad(&b64(&[0xffu8; 32]))).is_err(), "not a point");
        assert!(key.answer(&bad("")).expect("an empty query").evaluated.is_empty());
        let (query, pending) = blind(SelectorKind::Phone, "investigation", &values(&["+1", "+2"])).expect("blind");
        let mut answer = key.answer(&query).expect("answer");
        answer.evaluated = b64(&[1u8; 32]);
        assert!(pending.finish(&answer, &HashSet::new()).is_err(), "one element for two");
    }
}
