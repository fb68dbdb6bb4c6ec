//! The signed envelope every message between partner nodes travels in.
//!
//! ```json
//! {"format": "corridor-exchange/1", "from": "<sender's fingerprint>",
//!  "to": "<recipient's fingerprint>", "kind": "psi-query",
//!  "reference": "<opaque per-query reference>", "nonce": "<32 hex>",
//!  "at": "2026-12-07T20:00:00.000Z", "expires": "2026-12-10T20:00:00.000Z",
//!  "body": "<the kind's JSON, as text>", "signature": "<128 hex>"}
//! ```
//!
//! Signed by the sending node's key over every other field (length-prefixed), so
//! it holds end to end whatever carries it: HTTPS between nodes, or a file passed
//! by any secure channel. The body is signed as the exact text sent, never
//! re-serialised. The reference names the query to both sides without naming the
//! requester's case. A receiver checks, in this order: the format, that the sender
//! is a partner it has not revoked, that it is the recipient, the signature, the
//! times, then that the nonce is new. A message is good from its time (allowing
//! [`MAX_CLOCK_SKEW`] for the sender's clock) until it expires (at most
//! [`MAX_VALIDITY`] later: files travel by courier, HTTPS in seconds); the node
//! keeps each nonce until the message expires, so a replay is caught by the nonce
//! while the message is good and by the time after.

use serde::{Deserialize, Serialize};

use crate::{Refusal, hex_array, printable, signed_bytes};

/// The envelope format's name and version.
pub const ENVELOPE_FORMAT: &str = "corridor-exchange/1";

/// How far the sender's clock may be ahead of the receiver's, or a message be
/// read after it expired.
pub const MAX_CLOCK_SKEW: chrono::Duration = chrono::Duration::minutes(5);

/// The longest a message may stay good: a file carried by hand takes days.
pub const MAX_VALIDITY: chrono::Duration = chrono::Duration::days(7);

/// How long a message carried as a file stays good unless said otherwise.
pub const FILE_VALIDITY: chrono::Duration = chrono::Duration::hours(72);

/// An envelope's largest size: a query of the largest allowed size (100,000
/// selectors, 44 base64 characters each) fits, and a responder's tags for a
/// million selectors (22 characters each).
pub const MAX_ENVELOPE_BYTES: usize = 32 * 1024 * 1024;

/// A signed message between partner nodes.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Envelope {
    pub format: String,
    pub from: String,
    pub to: String,
    pub kind: String,
    pub reference: String,
    pub nonce: String,
    pub at: String,
    pub expires: String,
    pub body: String,
    pub signature: String,
}

/// What a sender puts in an envelope besides its key.
#[derive(Debug, Clone)]
pub struct Sealing<'a> {
    /// The recipient's fingerprint (from its card).
    pub to: &'a str,
    pub kind: &'a str,
    pub reference: &'a str,
    pub body: &'a str,
    pub at: chrono::DateTime<chrono::Utc>,
    /// How long it stays good (at most [`MAX_VALIDITY`]).
    pub valid_for: chrono::Duration,
}

impl Envelope {
    /// Seals `what` with the node's key and a fresh random nonce.
    pub fn seal(key: &corridor_node_key::NodeKey, what: &Sealing<'_>) -> Result<Envelope, Refusal> {
        let mut nonce = [0u8; 16];
        getrandom::fill(&mut nonce).map_err(|e| Refusal::Malformed {
            what: "envelope",
            why: format!("no random bytes for its nonce: {e}"),
        })?;
        let mut envelope = Envelope {
            format: ENVELOPE_FORMAT.into(),
            from: key.fingerprint(),
            to: what.to.into(),
            kind: what.kind.into(),
            reference: what.reference.into(),
            nonce: hex::encode(nonce),
            at: what.at.to_rfc3339_opts(chrono::SecondsFormat::Millis, true),
            expires: (what.at + what.valid_for).to_rfc3339_opts(chrono::SecondsFormat::Millis, true),
            body: what.body.into(),
            signature: String::new(),
        };
        envelope.check_fields()?;
        envelope.signature = hex::encode(key.sign_exchange(&envelope.signed()));
        Ok(envelope)
    }

    /// Reads an envelope's text, checking its form only (see [`Envelope::verify`]).
    pub fn parse(text: &str) -> Result<Envelope, Refusal> {
        let envelope = Envelope::read(text)?;
        envelope.check_form()?;
        Ok(envelope)
    }

    /// Reads an envelope's text as JSON of its shape, its fields not yet checked:
    /// a receiver looks its sender up first, so that a message from no partner is
    /// refused as such whatever else is wrong with it ([`Envelope::check_form`]
    /// follows).
    pub fn read(text: &str) -> Result<Envelope, Refusal> {
        crate::parse_json(text, "envelope", MAX_ENVELOPE_BYTES)
    }

    /// The checks of [`Envelope::parse`] on an envelope [`Envelope::read`]: its
    /// fields, and a signature of the right form (so that a message whose
    /// signature is no signature is refused before any key is looked at).
    pub fn check_form(&self) -> Result<(), Refusal> {
        self.check_fields()?;
        if hex_array::<64>(&self.signature).is_none() {
            return Err(Refusal::Malformed {
                what: "envelope",
                why: "the signature must be 64 bytes of hex".into(),
            });
        }
        Ok(())
    }

    /// Checks that the envelope is for the node whose fingerprint is `me`, signed
    /// by the key `sender` (the partner's, found by [`Envelope::from`] among the
    /// node's partners), and good at `now` (made no later than `now` allowing
    /// [`MAX_CLOCK_SKEW`], not expired). The nonce is the caller's to check
    /// against those it has seen, and to keep until [`Envelope::expiry`].
    pub fn verify(&self, me: &str, sender: &[u8; 32], now: chrono::DateTime<chrono::Utc>) -> Result<(), Refusal> {
        self.check_fields()?;
        if crate::normalise_fingerprint(&self.to) != crate::normalise_fingerprint(me) {
            return Err(Refusal::NotForUs {
                to: self.to.chars().take(80).collect(),
            });
        }
        if crate::normalise_fingerprint(&self.from)
            != crate::normalise_fingerprint(&corridor_node_key::fingerprint(sender))
        {
            return Err(Refusal::BadSignature);
        }
        let signature: [u8; 64] = hex_array(&self.signature).ok_or_else(|| Refusal::Malformed {
            what: "envelope",
            why: "the signature is not 64 bytes of hex".into(),
        })?;
        if !corridor_node_key::verify_exchange(sender, &self.signed(), &signature) {
            return Err(Refusal::BadSignature);
        }
        let at = self.time()?;
        if at - now > MAX_CLOCK_SKEW {
            return Err(Refusal::ClockSkew {
                at: self.at.clone(),
                max_seconds: MAX_CLOCK_SKEW.num_seconds(),
            });
        }
        if now - self.expiry()? > MAX_CLOCK_SKEW {
            return Err(Refusal::Expired {
                expires: self.expires.clone(),
            });
        }
        Ok(())
    }

    /// When it stops being good.
    pub fn expiry(&self) -> Result<chrono::DateTime<chrono::Utc>, Refusal> {
        chrono::DateTime::parse_from_rfc3339(&self.expires)
            .map(|t| t.to_utc())
            .map_err(|_| Refusal::Malformed {
                what: "envelope",
                why: "its expiry is not an RFC 3339 time".into(),
            })
    }

    /// When the sender made it.
    pub fn time(&self) -> Result<chrono::DateTime<chrono::Utc>, Refusal> {
        chrono::DateTime::parse_from_rfc3339(&self.at)
            .map(|t| t.to_utc())
            .map_err(|_| Refusal::Malformed {
                what: "envelope",
                why: "its time is not an RFC 3339 time".into(),
            })
    }

    /// The envelope as its JSON text.
    pub fn to_json(&self) -> String {
        serde_json::to_string(self).unwrap_or_default()
    }

    fn signed(&self) -> Vec<u8> {
        signed_bytes(&[
            self.format.as_bytes(),
            self.from.as_bytes(),
            self.to.as_bytes(),
            self.kind.as_bytes(),
            self.reference.as_bytes(),
            self.nonce.as_bytes(),
            self.at.as_bytes(),
            self.expires.as_bytes(),
            self.body.as_bytes(),
        ])
    }

    fn check_fields(&self) -> Result<(), Refusal> {
        let bad = |why: &str| {
            Err(Refusal::Malformed {
                what: "envelope",
                why: why.into(),
            })
        };
        if self.format != ENVELOPE_FORMAT {
            return bad(&format!("the format is not {ENVELOPE_FORMAT}"));
        }
        let fingerprint = |f: &str| f.len() <= 64 && crate::normalise_fingerprint(f).len() == 32;
        if !fingerprint(&self.from) || !fingerprint(&self.to) {
            return bad("from and to must be node fingerprints");
        }
        let token = |t: &str, max: usize| {
            !t.is_empty() && t.len() <= max && t.bytes().all(|b| b.is_ascii_alphanumeric() || b == b'-' || b == b'_')
        };
        if !token(&self.kind, 40) {
            return bad("the kind must be 1 to 40 letters, digits, - or _");
        }
        if !token(&self.reference, 64) {
            return bad("the reference must be 1 to 64 letters, digits, - or _ (an opaque id, never a case name)");
        }
        if hex_array::<16>(&self.nonce).is_none() {
            return bad("the nonce must be 16 bytes of hex");
        }
        if self.body.len() > MAX_ENVELOPE_BYTES || !printable(self.body.trim_end_matches('\n')) {
            return bad("the body must be JSON text without control characters");
        }
        let (at, expires) = (self.time()?, self.expiry()?);
        if expires <= at || expires - at > MAX_VALIDITY {
            return bad("it must expire after it was made, and within 7 days");
        }
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn key() -> (tempfile::TempDir, corridor_node_key::NodeKey) {
        let dir = tempfile::tempdir().expect("tmp");
        let key = corridor_node_key::NodeKey::create(&dir.path().join("node.key"), 0).expect("key");
        (dir, key)
    }

    fn at(s: &str) -> chrono::DateTime<chrono::Utc> {
        chrono::DateTime::parse_from_rfc3339(s).expect("time").to_utc()
    }

    #[test]
    fn a_sealed_envelope_verifies_only_for_its_recipient_in_time_and_unaltered() {
        let ((_a, sender), (_b, recipient), (_c, stranger)) = (key(), key(), key());
        let sent = at("2026-12-07T20:00:00Z");
        let envelope = Envelope::seal(
            &sender,
            &Sealing {
                to: &recipient.fingerprint(),
                kind: "psi-query",
                reference: "q-7f3a",
                body: r#"{"kind":"phone","size":3}"#,
                at: sent,
                valid_for: chrono::Duration::minutes(10),
            },
        )
        .expect("seal");
        let text = envelope.to_json();
        let read = Envelope::parse(&text).expect("parse");
        let me = recipient.fingerprint();
        let from = sender.public_bytes();
        read.verify(&me, &from, sent + chrono::Duration::minutes(14))
            .expect("good until it expires, with the skew allowed");
        read.verify(&me, &from, sent - chrono::Duration::minutes(4))
            .expect("the sender's clock a little ahead");
        assert!(matches!(
            read.verify(&me, &from, sent - chrono::Duration::minutes(6)),
            Err(Refusal::ClockSkew { .. })
        ));
        assert!(matches!(
            read.verify(&me, &from, sent + chrono::Duration::minutes(16)),
            Err(Refusal::Expired { .. })
        ));
        assert!(matches!(
            read.verify(&stranger.fingerprint(), &from, sent),
            Err(Refusal::NotForUs { .. })
        ));
        assert_eq!(
            read.verify(&me, &stranger.public_bytes(), sent),
            Err(Refusal::BadSignature),
            "another node's key"
        );
        // Every field altered after sealing breaks the signature.
        for field in ["kind", "reference", "nonce", "at", "expires", "body"] {
            let mut v: serde_json::Value = serde_json::from_str(&text).expect("json");
            let altered = match field {
                "nonce" => "00".repeat(16),
                "at" => "2026-12-07T20:00:01.000Z".into(),
                "expires" => "2026-12-07T20:09:00.000Z".into(),
                "body" => r#"{"kind":"phone","size":4}"#.into(),
                _ => "other".into(),
            };
            v[field] = altered.into();
            let tampered = Envelope::parse(&v.to_string()).expect("still well formed");
            assert_eq!(tampered.verify(&me, &from, sent), Err(Refusal::BadSignature), "{field}");
        }
        // A stranger re-signing it under the sender's name is caught by the key.
        let forged = Envelope::seal(
            &stranger,
            &Sealing {
                to: &me,
                kind: "psi-query",
                reference: "q-7f3a",
                body: "{}",
                at: sent,
                valid_for: chrono::Duration::minutes(10),
            },
        )
        .expect("seal");
        let mut forged = forged;
        forged.from = sender.fingerprint();
        assert_eq!(forged.verify(&me, &from, sent), Err(Refusal::BadSignature));
    }

    #[test]
    fn malformed_envelopes_are_refused_before_any_check() {
        let ((_a, sender), (_b, recipient)) = (key(), key());
        let seal = |reference: &str, kind: &str, body: &str| {
            Envelope::seal(
                &sender,
                &Sealing {
                    to: &recipient.fingerprint(),
                    kind,
                    reference,
                    body,
                    at: at("2026-12-07T20:00:00Z"),
                    valid_for: FILE_VALIDITY,
                },
            )
        };
        assert!(seal("case Ivanović 2026", "psi-query", "{}").is_err(), "a case name");
        assert!(seal(&"r".repeat(65), "psi-query", "{}").is_err());
        assert!(seal("q1", "psi query", "{}").is_err());
        assert!(seal("q1", "psi-query", "{\u{7}}").is_err());
        assert!(Envelope::parse("[]").is_err());
        assert!(Envelope::parse(&" ".repeat(MAX_ENVELOPE_BYTES + 1)).is_err());
        let good = seal("q1", "psi-query", "{}").expect("seal").to_json();
        let mut v: serde_json::Value = serde_json::from_str(&good).expect("json");
        v["unknown"] = 1.into();
        assert!(Envelope::parse(&v.to_string()).is_err());
    }

    proptest::proptest! {
        /// Parsing any text never panics, and whatever parses re-serialises to
        /// an envelope that parses the same.
        #[test]
        fn parsing_never_panics(text in ".{0,400}") {
            if let Ok(e) = Envelope::parse(&text) {
                proptest::prop_assert_eq!(Envelope::parse(&e.to_json()).ok(), Some(e));
            }
        }
    }
}
