//! The node's identity key (Ed25519) and the signed audit anchor.
//!
//! The key is created at `corridor init` and kept in a file outside the store
//! (readable by its owner only), so that someone who can rewrite the store file
//! cannot re-sign a rewritten audit chain. The store keeps the signatures it was
//! given; a verifier checks them with a public key that does not come from the
//! store: the key file's, or the one in an anchor whose fingerprint was written
//! down elsewhere. The same key will identify the node to partner nodes.
//!
//! Written with `ed25519-dalek` (RFC 8032); this crate only adds the file format,
//! the fingerprint and what is signed.

use std::path::{Path, PathBuf};

use ed25519_dalek::{Signature, Signer, SigningKey, VerifyingKey};
use serde::{Deserialize, Serialize};
use sha2::{Digest, Sha256};

/// What can go wrong with a key or an anchor.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum Error {
    #[error("cannot read the node key {path}: {cause}")]
    Read { path: PathBuf, cause: std::io::Error },
    #[error("cannot create the node key {path}: {cause}")]
    Create { path: PathBuf, cause: std::io::Error },
    #[error("{path} is not a Corridor node key: {reason}")]
    Malformed { path: PathBuf, reason: String },
    #[error(
        "the node key {path} can be read by others (mode {mode:o}): make it readable by its owner only (chmod 600)"
    )]
    Exposed { path: PathBuf, mode: u32 },
    #[error("the operating system gave no random bytes for a key: {0}")]
    Random(String),
    #[error("not a Corridor audit anchor: {0}")]
    BadAnchor(String),
}

/// The key file's content: the secret seed and, for reading by eye, the public key.
#[derive(Serialize, Deserialize)]
struct KeyFile {
    kind: String,
    secret: String,
    public: String,
    /// The store's audit log had this many entries when the key was made: every
    /// batch after it must be signed, which the store alone cannot be trusted to
    /// say.
    #[serde(default)]
    since_seq: i64,
}

const KIND: &str = "corridor-node-key/ed25519/v1";

/// The node's signing key.
pub struct NodeKey {
    key: SigningKey,
    since_seq: i64,
}

impl std::fmt::Debug for NodeKey {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("NodeKey")
            .field("fingerprint", &self.fingerprint())
            .finish()
    }
}

/// A key file is a few hundred bytes of JSON.
const MAX_KEY_FILE: u64 = 64 * 1024;

impl NodeKey {
    /// Creates a new key at `path`, which must not exist (0600, created exclusively),
    /// for a store whose audit log has `since_seq` entries now.
    pub fn create(path: &Path, since_seq: i64) -> Result<NodeKey, Error> {
        let mut seed = [0u8; 32];
        getrandom::fill(&mut seed).map_err(|e| Error::Random(e.to_string()))?;
        let key = NodeKey {
            key: SigningKey::from_bytes(&seed),
            since_seq,
        };
        let file = KeyFile {
            kind: KIND.into(),
            secret: hex::encode(seed),
            public: key.public_hex(),
            since_seq,
        };
        seed.fill(0);
        use std::io::Write;
        use std::os::unix::fs::OpenOptionsExt;
        let create = |cause| Error::Create {
            path: path.to_path_buf(),
            cause,
        };
        let mut f = std::fs::OpenOptions::new()
            .write(true)
            .create_new(true)
            .mode(0o600)
            .open(path)
            .map_err(create)?;
        let text = serde_json::to_string_pretty(&file).map_err(|e| create(std::io::Error::other(e)))?;
        // A key file half written would block making it again and never load:
        // removed when the write fails.
        if let Err(e) = f.write_all(text.as_bytes()).and_then(|()| f.sync_all()) {
            drop(f);
            let _ = std::fs::remove_file(path);
            return Err(create(e));
        }
        Ok(key)
    }

    /// Reads the key at `path`; refuses a file others may read.
    pub fn load(path: &Path) -> Result<NodeKey, Error> {
        use std::os::unix::fs::PermissionsExt;
        let read = |cause| Error::Read {
            path: path.to_path_buf(),
            cause,
        };
        if std::fs::symlink_metadata(path).map_err(read)?.is_symlink() {
            return Err(Error::Malformed {
                path: path.to_path_buf(),
                reason: "it is a symbolic link; give the key file's own path".into(),
            });
        }
        let meta = std::fs::metadata(path).map_err(read)?;
        // A FIFO or device would block or never end.
        if !meta.is_file() || meta.len() > MAX_KEY_FILE {
            return Err(Error::Malformed {
                path: path.to_path_buf(),
                reason: format!("it is not a key file (a regular file of at most {MAX_KEY_FILE} bytes)"),
            });
        }
        let mode = meta.permissions().mode() & 0o777;
        if mode & 0o077 != 0 {
            return Err(Error::Exposed {
                path: path.to_path_buf(),
                mode,
            });
        }
        let text = std::fs::read_to_string(path).map_err(read)?;
        let malformed = |reason: &str| Error::Malformed {
            path: path.to_path_buf(),
            reason: reason.into(),
        };
        let file: KeyFile = serde_json::from_str(&text).map_err(|_| malformed("not the JSON of a key file"))?;
        if file.kind != KIND {
            return Err(malformed("unknown kind"));
        }
        let seed: [u8; 32] = hex::decode(&file.secret)
            .ok()
            .and_then(|b| b.try_into().ok())
            .ok_or_else(|| malformed("the secret is not 32 bytes of hex"))?;
        let key = NodeKey {
            key: SigningKey::from_bytes(&seed),
            since_seq: file.since_seq,
        };
        if key.public_hex() != file.public {
            return Err(malformed("the public key does not belong to the secret"));
        }
        Ok(key)
    }

    /// The audit log's length when the key was made: later batches must be signed.
    pub fn since_seq(&self) -> i64 {
        self.since_seq
    }

    /// The public key, hex.
    pub fn public_hex(&self) -> String {
        hex::encode(self.key.verifying_key().as_bytes())
    }

    /// The public key's fingerprint (see [`fingerprint`]).
    pub fn fingerprint(&self) -> String {
        fingerprint(self.key.verifying_key().as_bytes())
    }

    /// The public key's 32 bytes.
    pub fn public_bytes(&self) -> [u8; 32] {
        self.key.verifying_key().to_bytes()
    }

    /// The node's key for receiving encrypted data (X25519): the Montgomery form of
    /// its Ed25519 public key, as age and libsodium derive it, so that a partner
    /// who verified the node's fingerprint has its encryption key bound to it.
    pub fn exchange_public(&self) -> [u8; 32] {
        self.key.verifying_key().to_montgomery().to_bytes()
    }

    /// X25519 key agreement of this node's exchange key with `their_public`: the
    /// shared secret a partner made with [`exchange_public`](Self::exchange_public)
    /// when it sealed data for this node. The scalar is the one behind the Ed25519
    /// key (the first half of SHA-512 of the seed, clamped by X25519), as
    /// libsodium's `crypto_sign_ed25519_sk_to_curve25519`; it never leaves here.
    /// `None` for a point of small order (an all-zero secret: an attacker's).
    pub fn exchange_agree(&self, their_public: &[u8; 32]) -> Option<[u8; 32]> {
        let scalar = zeroize::Zeroizing::new(self.key.to_scalar_bytes());
        let shared = curve25519_dalek::MontgomeryPoint(*their_public).mul_clamped(*scalar);
        let bytes = shared.to_bytes();
        (bytes != [0u8; 32]).then_some(bytes)
    }

    /// Signs a message between partner nodes; the domain tag keeps such a
    /// signature from ever passing for an audit head's, or the reverse.
    pub fn sign_exchange(&self, message: &[u8]) -> [u8; 64] {
        self.key.sign(&exchange_message(message)).to_bytes()
    }

    /// Signs the audit head `seq:hash`; the signature, hex.
    pub fn sign_head(&self, seq: i64, hash: &str) -> String {
        hex::encode(self.key.sign(&head_message(seq, hash)).to_bytes())
    }

    /// A signed anchor of the head `seq:hash` at time `at`.
    pub fn anchor(&self, seq: i64, hash: &str, at: &str) -> Anchor {
        Anchor {
            kind: ANCHOR_KIND.into(),
            seq,
            hash: hash.into(),
            signed_at: at.into(),
            public_key: self.public_hex(),
            fingerprint: self.fingerprint(),
            signature: self.sign_head(seq, hash),
        }
    }
}

/// A public key's fingerprint: the first 16 bytes of its SHA-256 in hex groups of
/// four, short enough to read out over a telephone or print on a card.
pub fn fingerprint(public: &[u8]) -> String {
    let digest = Sha256::digest(public);
    hex::encode(&digest[..16])
        .as_bytes()
        .chunks(4)
        .map(|c| String::from_utf8_lossy(c).into_owned())
        .collect::<Vec<_>>()
        .join(":")
}

/// What is signed for an audit head: a domain tag, so a signature over a head can
/// never be taken for one over anything else the key signs.
fn head_message(seq: i64, hash: &str) -> Vec<u8> {
    format!("corridor audit head v1\n{seq}:{hash}").into_bytes()
}

/// What is signed for a message between partner nodes (see
/// [`NodeKey::sign_exchange`]).
fn exchange_message(message: &[u8]) -> Vec<u8> {
    let mut m = b"corridor exchange v1\n".to_vec();
    m.extend_from_slice(message);
    m
}

/// Checks a partner node's signature over `message` with its public key (strict
/// RFC 8032 verification: no malleable or small-order forms).
pub fn verify_exchange(public: &[u8; 32], message: &[u8], signature: &[u8; 64]) -> bool {
    let Ok(key) = VerifyingKey::from_bytes(public) else {
        return false;
    };
    key.verify_strict(&exchange_message(message), &Signature::from_bytes(signature))
        .is_ok()
}

/// The X25519 key bound to an Ed25519 public key (see [`NodeKey::exchange_public`]);
/// `None` for bytes that are no curve point.
pub fn exchange_public_of(public: &[u8; 32]) -> Option<[u8; 32]> {
    VerifyingKey::from_bytes(public)
        .ok()
        .map(|k| k.to_montgomery().to_bytes())
}

/// Checks a signature over the head `seq:hash` with a public key (hex).
pub fn verify_head(public_hex: &str, seq: i64, hash: &str, signature_hex: &str) -> bool {
    let Some(public) = hex::decode(public_hex).ok().and_then(|b| <[u8; 32]>::try_from(b).ok()) else {
        return false;
    };
    let Some(sig) = hex::decode(signature_hex)
        .ok()
        .and_then(|b| <[u8; 64]>::try_from(b).ok())
    else {
        return false;
    };
    let Ok(key) = VerifyingKey::from_bytes(&public) else {
        return false;
    };
    key.verify_strict(&head_message(seq, hash), &Signature::from_bytes(&sig))
        .is_ok()
}

const ANCHOR_KIND: &str = "corridor-audit-anchor/v1";

/// The signed head of the audit chain, to be kept outside the node: a file, a
/// partner node, a printout. `audit verify --anchor` checks the chain against it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Anchor {
    pub kind: String,
    pub seq: i64,
    pub hash: String,
    pub signed_at: String,
    pub public_key: String,
    pub fingerprint: String,
    pub signature: String,
}

impl Anchor {
    /// Reads an anchor and checks its own signature and fingerprint.
    pub fn parse(text: &str) -> Result<Anchor, Error> {
        let a: Anchor = serde_json::from_str(text).map_err(|e| Error::BadAnchor(e.to_string()))?;
        if a.kind != ANCHOR_KIND {
            return Err(Error::BadAnchor(format!("kind '{}'", a.kind)));
        }
        let public = hex::decode(&a.public_key).map_err(|_| Error::BadAnchor("public key is not hex".into()))?;
        if fingerprint(&public) != a.fingerprint {
            return Err(Error::BadAnchor("the fingerprint is not the public key's".into()));
        }
        if !verify_head(&a.public_key, a.seq, &a.hash, &a.signature) {
            return Err(Error::BadAnchor(
                "its signature does not verify: the anchor was altered".into(),
            ));
        }
        Ok(a)
    }
}

/// The default place of a store's key: beside it, `STORE.key`.
pub fn default_path(store: &Path) -> PathBuf {
    let mut p = store.as_os_str().to_owned();
    p.push(".key");
    PathBuf::from(p)
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::os::unix::fs::PermissionsExt;

    #[test]
    fn a_fifo_or_a_huge_file_at_the_key_path_is_refused_without_blocking() {
        let dir = tempfile::tempdir().expect("tmp");
        let fifo = dir.path().join("fifo.key");
        let made = std::process::Command::new("mkfifo")
            .arg(&fifo)
            .status()
            .expect("mkfifo");
        assert!(made.success());
        std::fs::set_permissions(&fifo, std::fs::Permissions::from_mode(0o600)).expect("chmod");
        assert!(matches!(NodeKey::load(&fifo), Err(Error::Malformed { .. })));
        let big = dir.path().join("big.key");
        std::fs::write(&big, vec![b' '; (MAX_KEY_FILE + 1) as usize]).expect("write");
        std::fs::set_permissions(&big, std::fs::Permissions::from_mode(0o600)).expect("chmod");
        assert!(matches!(NodeKey::load(&big), Err(Error::Malformed { .. })));
    }

    #[test]
    fn a_key_is_private_reloads_and_signs_heads_that_verify_only_as_signed() {
        let dir = tempfile::tempdir().expect("tmp");
        let path = dir.path().join("node.key");
        let key = NodeKey::create(&path, 3).expect("create");
        assert_eq!(
            std::fs::metadata(&path).expect("meta").permissions().mode() & 0o777,
            0o600
        );
        assert!(
            NodeKey::create(&path, 3).is_err(),
            "an existing key is never overwritten"
        );
        let again = NodeKey::load(&path).expect("load");
        assert_eq!((again.public_hex(), again.since_seq()), (key.public_hex(), 3));
        let sig = key.sign_head(7, "abc");
        assert!(verify_head(&key.public_hex(), 7, "abc", &sig));
        assert!(!verify_head(&key.public_hex(), 8, "abc", &sig));
        assert!(!verify_head(&key.public_hex(), 7, "abd", &sig));
        std::fs::set_permissions(&path, std::fs::Permissions::from_mode(0o644)).expect("chmod");
        assert!(matches!(NodeKey::load(&path), Err(Error::Exposed { .. })));
    }

    #[test]
    fn an_anchor_round_trips_and_any_edit_is_refused() {
        let dir = tempfile::tempdir().expect("tmp");
        let key = NodeKey::create(&dir.path().join("k"), 0).expect("create");
        let a = key.anchor(42, "00ff", "2026-12-07T00:00:00Z");
        let text = serde_json::to_string(&a).expect("json");
        assert_eq!(Anchor::parse(&text).expect("parse"), a);
        let forged = text.replace("\"seq\":42", "\"seq\":41");
        assert!(Anchor::parse(&forged).is_err());
        let other = NodeKey::create(&dir.path().join("k2"), 0).expect("create");
        let swapped = Anchor {
            public_key: other.public_hex(),
            fingerprint: other.fingerprint(),
            ..a
        };
        assert!(Anchor::parse(&serde_json::to_string(&swapped).expect("json")).is_err());
    }
}
