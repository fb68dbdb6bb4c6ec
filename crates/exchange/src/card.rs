//! The partner card: what a node tells a partner about itself, once, out of band.
//!
//! ```json
//! {"format": "corridor-partner-card/1", "name": "RS Border Police, Belgrade node",
//!  "country": "RS", "address": "https://corridor.rs-bp.example:8443",
//!  "signing_key": "<64 hex: Ed25519 public key>",
//!  "exchange_key": "<64 hex: X25519 public key>",
//!  "created": "2026-12-07T20:00:00Z", "signature": "<128 hex>"}
//! ```
//!
//! The signature is the node's over the other fields (length-prefixed, in that
//! order): it proves the card was made by the holder of the signing key, not that
//! the holder is who the card says. That is the fingerprint's job: the receiving
//! administrator adds a card only with the fingerprint the partner read out to
//! them over another channel. The exchange key must be the Montgomery form of the
//! signing key (`corridor_node_key::exchange_public_of`), so it needs no
//! signature of its own. The address is empty for a partner reached by files only.

use serde::{Deserialize, Serialize};

use crate::{Refusal, hex_array, printable, signed_bytes};

/// The card format's name and version.
pub const CARD_FORMAT: &str = "corridor-partner-card/1";

/// A card is a few hundred bytes; anything far larger is not one.
pub const MAX_CARD_BYTES: usize = 16 * 1024;

/// A node's partner card.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct PartnerCard {
    pub format: String,
    pub name: String,
    /// ISO 3166-1 alpha-2 (EU for a Union agency such as Frontex or Europol).
    pub country: String,
    /// Where the node answers (`https://…`), or empty for files only.
    pub address: String,
    pub signing_key: String,
    pub exchange_key: String,
    pub created: String,
    pub signature: String,
}

impl PartnerCard {
    /// The card of the node holding `key`.
    pub fn make(
        key: &corridor_node_key::NodeKey,
        name: &str,
        country: &str,
        address: &str,
        created: chrono::DateTime<chrono::Utc>,
    ) -> Result<PartnerCard, Refusal> {
        let mut card = PartnerCard {
            format: CARD_FORMAT.into(),
            name: name.trim().into(),
            country: country.trim().to_ascii_uppercase(),
            address: address.trim().into(),
            signing_key: hex::encode(key.public_bytes()),
            exchange_key: hex::encode(key.exchange_public()),
            created: created.to_rfc3339_opts(chrono::SecondsFormat::Secs, true),
            signature: String::new(),
        };
        card.check_fields()?;
        card.signature = hex::encode(key.sign_exchange(&card.signed()));
        Ok(card)
    }

    /// Reads a card and checks it is whole and signed by its own key; says
    /// nothing yet of whose key that is (see [`PartnerCard::verify_fingerprint`]).
    pub fn parse(text: &str) -> Result<PartnerCard, Refusal> {
        let card: PartnerCard = crate::parse_json(text, "partner card", MAX_CARD_BYTES)?;
        card.check_fields()?;
        let public = card.signing_key_bytes()?;
        let signature: [u8; 64] = hex_array(&card.signature).ok_or_else(|| Refusal::Malformed {
            what: "partner card",
            why: "the signature is not 64 bytes of hex".into(),
        })?;
        if !corridor_node_key::verify_exchange(&public, &card.signed(), &signature) {
            return Err(Refusal::BadSignature);
        }
        Ok(card)
    }

    /// The signing key's fingerprint: what the partner reads out to be checked.
    pub fn fingerprint(&self) -> String {
        corridor_node_key::fingerprint(&self.signing_key_bytes().unwrap_or_default())
    }

    /// Checks `given` (as typed: any case, with or without separators) against the
    /// card's fingerprint.
    pub fn verify_fingerprint(&self, given: &str) -> Result<(), Refusal> {
        let actual = self.fingerprint();
        if normalise_fingerprint(given) != normalise_fingerprint(&actual) || normalise_fingerprint(given).is_empty() {
            return Err(Refusal::WrongFingerprint {
                given: given.chars().filter(|c| !c.is_control()).take(80).collect(),
                actual,
            });
        }
        Ok(())
    }

    /// The Ed25519 public key.
    pub fn signing_key_bytes(&self) -> Result<[u8; 32], Refusal> {
        hex_array(&self.signing_key).ok_or_else(|| Refusal::Malformed {
            what: "partner card",
            why: "the signing key is not 32 bytes of hex".into(),
        })
    }

    /// The X25519 public key.
    pub fn exchange_key_bytes(&self) -> Result<[u8; 32], Refusal> {
        hex_array(&self.exchange_key).ok_or_else(|| Refusal::Malformed {
            what: "partner card",
            why: "the exchange key is not 32 bytes of hex".into(),
        })
    }

    /// The card as its JSON text.
    pub fn to_json(&self) -> String {
        serde_json::to_string_pretty(self).unwrap_or_default()
    }

    fn signed(&self) -> Vec<u8> {
        signed_bytes(&[
            self.format.as_bytes(),
            self.name.as_bytes(),
            self.country.as_bytes(),
            self.address.as_bytes(),
            self.signing_key.as_bytes(),
            self.exchange_key.as_bytes(),
            self.created.as_bytes(),
        ])
    }

    fn check_fields(&self) -> Result<(), Refusal> {
        let bad = |why: &str| {
            Err(Refusal::Malformed {
                what: "partner card",
                why: why.into(),
            })
        };
        if self.format != CARD_FORMAT {
            return bad(&format!("the format is not {CARD_FORMAT}"));
        }
        let name_chars = self.name.chars().count();
        if name_chars == 0 || name_chars > 200 || !printable(&self.name) || self.name.trim() != self.name {
            return bad("the name must be 1 to 200 printable characters");
        }
        if self.country.len() != 2 || !self.country.bytes().all(|b| b.is_ascii_uppercase()) {
            return bad("the country must be an ISO 3166-1 alpha-2 code such as RS, or EU");
        }
        if !self.address.is_empty()
            && (!self.address.starts_with("https://")
                || self.address.len() > 500
                || self.address.chars().any(|c| c.is_control() || c.is_whitespace()))
        {
            return bad("the address must be an https:// URL of at most 500 characters, or empty for files only");
        }
        let public = self.signing_key_bytes()?;
        let exchange = self.exchange_key_bytes()?;
        match corridor_node_key::exchange_public_of(&public) {
            Some(bound) if bound == exchange => {}
            Some(_) => return bad("the exchange key does not belong to the signing key"),
            None => return bad("the signing key is not a valid Ed25519 public key"),
        }
        if chrono::DateTime::parse_from_rfc3339(&self.created).is_err() {
            return bad("the creation time is not an RFC 3339 time");
        }
        Ok(())
    }
}

/// A fingerprint as compared: hex digits only, lower case.
pub fn normalise_fingerprint(text: &str) -> String {
    text.chars()
        .filter(char::is_ascii_hexdigit)
        .map(|c| c.to_ascii_lowercase())
        .collect()
}

/// A fingerprint in the form the node key writes it (`1a2b:3c4d:…`), whatever
/// separators and case it was typed with; `None` when it is not 32 hex digits.
pub fn canonical_fingerprint(text: &str) -> Option<String> {
    let digits = normalise_fingerprint(text);
    (digits.len() == 32 && text.len() <= 80).then(|| {
        digits
            .as_bytes()
            .chunks(4)
            .map(|c| String::from_utf8_lossy(c).into_owned())
            .collect::<Vec<_>>()
            .join(":")
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn key() -> (tempfile::TempDir, corridor_node_key::NodeKey) {
        let dir = tempfile::tempdir().expect("tmp");
        let key = corridor_node_key::NodeKey::create(&dir.path().join("node.key"), 0).expect("key");
        (dir, key)
    }

    fn now() -> chrono::DateTime<chrono::Utc> {
        chrono::DateTime::parse_from_rfc3339("2026-12-07T20:00:00Z")
            .expect("time")
            .to_utc()
    }

    #[test]
    fn a_card_round_trips_and_is_added_only_with_its_fingerprint() {
        let (_dir, key) = key();
        let card =
            PartnerCard::make(&key, "RS Border Police", "rs", "https://node.rs.example:8443", now()).expect("card");
        assert_eq!(card.country, "RS");
        let read = PartnerCard::parse(&card.to_json()).expect("parse");
        assert_eq!(read, card);
        assert_eq!(read.fingerprint(), key.fingerprint());
        read.verify_fingerprint(&key.fingerprint().to_uppercase().replace(':', " "))
            .expect("as read out");
        assert_eq!(
            canonical_fingerprint(&key.fingerprint().to_uppercase().replace(':', " ")),
            Some(key.fingerprint())
        );
        assert_eq!(canonical_fingerprint("abcd"), None);
        let (_dir2, other) = self::key();
        assert!(matches!(
            read.verify_fingerprint(&other.fingerprint()),
            Err(Refusal::WrongFingerprint { .. })
        ));
        assert!(read.verify_fingerprint("").is_err());
    }

    #[test]
    fn an_altered_or_foreign_card_is_refused() {
        let (_dir, key) = key();
        let card = PartnerCard::make(&key, "GR Hellenic Police", "GR", "", now()).expect("card");
        // A field changed after signing.
        let mut moved = card.clone();
        moved.address = "https://attacker.example".into();
        assert_eq!(PartnerCard::parse(&moved.to_json()), Err(Refusal::BadSignature));
        // Another node's exchange key slipped in.
        let (_dir2, other) = self::key();
        let mut swapped = card.clone();
        swapped.exchange_key = hex::encode(other.exchange_public());
        assert!(matches!(
            PartnerCard::parse(&swapped.to_json()),
            Err(Refusal::Malformed { .. })
        ));
        // Unknown fields, control characters, wrong country, a plain-HTTP address.
        let mut v: serde_json::Value = serde_json::from_str(&card.to_json()).expect("json");
        v["extra"] = "x".into();
        assert!(PartnerCard::parse(&v.to_string()).is_err());
        assert!(PartnerCard::make(&key, "bad\u{1b}[2Jname", "GR", "", now()).is_err());
        assert!(
            PartnerCard::make(&key, "RS Border \u{202E}ecilop", "GR", "", now()).is_err(),
            "a bidirectional override"
        );
        assert!(PartnerCard::make(&key, "x", "GRC", "", now()).is_err());
        assert!(PartnerCard::make(&key, "x", "GR", "http://node.gr.example", now()).is_err());
        assert!(PartnerCard::parse(&"x".repeat(MAX_CARD_BYTES + 1)).is_err());
        assert!(PartnerCard::parse("{").is_err());
    }
}
