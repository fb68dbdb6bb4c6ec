//! Data sealed to one partner: what travels after a human approved it (a
//! disclosed record, an erasure notice) is encrypted to the recipient's X25519
//! key, bound to the partner's card by its fingerprint, so that only that node
//! reads it, whatever carries the message and whoever holds the file meanwhile.
//!
//! The construction is the ECIES pattern of libsodium's sealed boxes and of age's
//! X25519 recipients: a fresh ephemeral X25519 key per message; the key is
//! SHA-256 over a domain tag, the shared secret and both public keys; the data is
//! encrypted with ChaCha20-Poly1305 (RFC 8439) under a random 12-byte nonce, with
//! the envelope's header (sender, recipient, kind, reference) as associated data,
//! so a sealed body cannot be lifted into another message. The envelope's
//! signature (Ed25519, over the body) says who sealed it: together, signed then
//! encrypted to one key, as the issue asks ("signed and encrypted to the
//! requester's key").
//!
//! Written here rather than with `age` because the recipient key is the node's
//! card key (Montgomery form of its Ed25519 key) and the body is JSON inside a
//! signed envelope; the primitives are the RustCrypto and dalek crates.

use base64::Engine;
use chacha20poly1305::aead::{Aead, KeyInit, Payload};
use chacha20poly1305::{ChaCha20Poly1305, Key, Nonce};
use curve25519_dalek::MontgomeryPoint;
use serde::{Deserialize, Serialize};
use sha2::{Digest, Sha256};

use crate::{Refusal, hex_array};

/// Data sealed to one node's X25519 key.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Sealed {
    /// The sender's ephemeral X25519 public key, hex.
    pub ephemeral: String,
    /// The ChaCha20-Poly1305 nonce, hex.
    pub nonce: String,
    /// Base64 of the ciphertext with its 16-byte tag.
    pub data: String,
}

/// What binds a sealed body to its message: sender, recipient, kind, reference.
pub fn context(from: &str, to: &str, kind: &str, reference: &str) -> Vec<u8> {
    crate::signed_bytes(&[
        b"corridor sealed v1",
        from.as_bytes(),
        to.as_bytes(),
        kind.as_bytes(),
        reference.as_bytes(),
    ])
}

fn key_of(shared: &[u8; 32], ephemeral: &[u8; 32], recipient: &[u8; 32]) -> [u8; 32] {
    let mut h = Sha256::new();
    h.update(b"corridor sealed v1 key\0");
    h.update(shared);
    h.update(ephemeral);
    h.update(recipient);
    h.finalize().into()
}

fn refused(why: &str) -> Refusal {
    Refusal::Malformed {
        what: "sealed data",
        why: why.into(),
    }
}

/// Seals `plain` to the node whose X25519 key is `recipient`, for the message
/// `context` names.
pub fn seal(recipient: &[u8; 32], context: &[u8], plain: &[u8]) -> Result<Sealed, Refusal> {
    let mut eph = zeroize::Zeroizing::new([0u8; 32]);
    let mut nonce = [0u8; 12];
    getrandom::fill(eph.as_mut()).map_err(|_| refused("no random bytes"))?;
    getrandom::fill(&mut nonce).map_err(|_| refused("no random bytes"))?;
    let ephemeral = MontgomeryPoint::mul_base_clamped(*eph).to_bytes();
    let shared = MontgomeryPoint(*recipient).mul_clamped(*eph).to_bytes();
    if shared == [0u8; 32] {
        return Err(refused("the recipient's key is a point of small order"));
    }
    let key = zeroize::Zeroizing::new(key_of(&shared, &ephemeral, recipient));
    let cipher = ChaCha20Poly1305::new(Key::from_slice(key.as_ref()));
    let data = cipher
        .encrypt(
            Nonce::from_slice(&nonce),
            Payload {
                msg: plain,
                aad: context,
            },
        )
        .map_err(|_| refused("encryption failed"))?;
    Ok(Sealed {
        ephemeral: hex::encode(ephemeral),
        nonce: hex::encode(nonce),
        data: base64::engine::general_purpose::STANDARD.encode(data),
    })
}

/// Opens data sealed to this node (`me`) for the message `context` names;
/// refused when it was sealed to another key, for another message, or altered.
pub fn open(me: &corridor_node_key::NodeKey, context: &[u8], sealed: &Sealed) -> Result<Vec<u8>, Refusal> {
    let ephemeral: [u8; 32] = hex_array(&sealed.ephemeral).ok_or_else(|| refused("its ephemeral key is no key"))?;
    let nonce: [u8; 12] = hex_array(&sealed.nonce).ok_or_else(|| refused("its nonce is not 12 bytes"))?;
    let data = base64::engine::general_purpose::STANDARD
        .decode(&sealed.data)
        .map_err(|_| refused("its data is not base64"))?;
    let shared = me
        .exchange_agree(&ephemeral)
        .ok_or_else(|| refused("its ephemeral key is a point of small order"))?;
    let key = zeroize::Zeroizing::new(key_of(&shared, &ephemeral, &me.exchange_public()));
    ChaCha20Poly1305::new(Key::from_slice(key.as_ref()))
        .decrypt(
            Nonce::from_slice(&nonce),
            Payload {
                msg: &data,
                aad: context,
            },
        )
        .map_err(|_| refused("it does not open with this node's key: sealed to another node, or altered"))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn key() -> (tempfile::TempDir, corridor_node_key::NodeKey) {
        let dir = tempfile::tempdir().expect("dir");
        let key = corridor_node_key::NodeKey::create(&dir.path().join("k"), 0).expect("key");
        (dir, key)
    }

    #[test]
    fn only_the_recipient_opens_and_only_for_the_same_message() {
        let (_d1, me) = key();
        let (_d2, other) = key();
        let ctx = context("a", "b", "disclosure-answer", "d-1");
        let sealed = seal(&me.exchange_public(), &ctx, b"the record").expect("seal");
        assert_eq!(open(&me, &ctx, &sealed).expect("open"), b"the record");
        assert!(open(&other, &ctx, &sealed).is_err(), "another node's key");
        let elsewhere = context("a", "b", "disclosure-answer", "d-2");
        assert!(open(&me, &elsewhere, &sealed).is_err(), "lifted into another message");
        let mut altered = sealed.clone();
        let mut bytes = base64::engine::general_purpose::STANDARD
            .decode(&altered.data)
            .expect("b64");
        bytes[0] ^= 1;
        altered.data = base64::engine::general_purpose::STANDARD.encode(bytes);
        assert!(open(&me, &ctx, &altered).is_err(), "altered");
        let zero = Sealed {
            ephemeral: hex::encode([0u8; 32]),
            ..sealed.clone()
        };
        assert!(open(&me, &ctx, &zero).is_err(), "small-order ephemeral key");
        assert!(seal(&[0u8; 32], &ctx, b"x").is_err(), "small-order recipient");
        let again = seal(&me.exchange_public(), &ctx, b"the record").expect("seal");
        assert_ne!(again.data, sealed.data, "a fresh key every time");
    }

    #[test]
    fn the_exchange_key_is_the_one_on_the_card() {
        let (_d, me) = key();
        let from_card = corridor_node_key::exchange_public_of(&me.public_bytes()).expect("point");
        assert_eq!(from_card, me.exchange_public());
        let ctx = context("a", "b", "k", "r");
        let sealed = seal(&from_card, &ctx, b"x").expect("seal");
        assert_eq!(open(&me, &ctx, &sealed).expect("open"), b"x");
    }
}
