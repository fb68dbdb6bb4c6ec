//! Passwords and API tokens.
//!
//! Passwords are hashed with Argon2id at the `argon2` crate's defaults (19 MiB,
//! two passes, one lane: OWASP's minimum for Argon2id) into a PHC string that
//! carries its own parameters, so raising them later leaves old hashes readable.
//! An unknown user is answered after hashing against a fixed hash, so the time a
//! login takes does not tell whether the name exists.
//!
//! API tokens are 256 random bits from the operating system, shown once as
//! `ctk_` and 64 hex digits and kept only as their SHA-256 digest: a secret that
//! long cannot be guessed offline, so a slow hash would only slow every request.
//! Digests are compared in constant time.

use argon2::Argon2;
use argon2::password_hash::{PasswordHash, PasswordHasher, PasswordVerifier, SaltString};
use sha2::{Digest, Sha256};
use subtle::ConstantTimeEq;

/// What can go wrong with a secret.
#[derive(Debug, thiserror::Error)]
pub enum Error {
    #[error("{0}")]
    Weak(String),
    #[error("the operating system's random source failed: {0}")]
    Random(String),
    #[error("hashing the password failed: {0}")]
    Hash(String),
}

/// The shortest password accepted.
pub const MIN_PASSWORD_CHARS: usize = 12;
/// The longest, in characters (Argon2 takes any length; a megabyte password is an
/// attack).
pub const MAX_PASSWORD_CHARS: usize = 1024;

/// Whether a password may be set: 12 characters or more, at most 1,024 bytes, no
/// control characters, not all one character.
pub fn check_password(password: &str) -> Result<(), Error> {
    if password.chars().count() < MIN_PASSWORD_CHARS {
        return Err(Error::Weak(format!(
            "the password is shorter than {MIN_PASSWORD_CHARS} characters: choose a longer one (a passphrase of a few words is good)"
        )));
    }
    if password.chars().count() > MAX_PASSWORD_CHARS {
        return Err(Error::Weak(format!(
            "the password is longer than {MAX_PASSWORD_CHARS} characters"
        )));
    }
    if password.chars().any(char::is_control) {
        return Err(Error::Weak(
            "the password contains a control character (a tab, a line break?): give printable characters only".into(),
        ));
    }
    let mut chars = password.chars();
    let first = chars.next();
    if chars.all(|c| Some(c) == first) {
        return Err(Error::Weak("the password repeats one character: choose another".into()));
    }
    Ok(())
}

/// Hashes a password (checked by [`check_password`]) into a PHC string.
pub fn hash_password(password: &str) -> Result<String, Error> {
    check_password(password)?;
    let mut salt = [0u8; 16];
    getrandom::fill(&mut salt).map_err(|e| Error::Random(e.to_string()))?;
    let salt = SaltString::encode_b64(&salt).map_err(|e| Error::Hash(e.to_string()))?;
    Argon2::default()
        .hash_password(password.as_bytes(), &salt)
        .map(|h| h.to_string())
        .map_err(|e| Error::Hash(e.to_string()))
}

/// Whether `password` matches the stored hash; a stored value that is not a PHC
/// string matches nothing.
pub fn verify_password(password: &str, stored: &str) -> bool {
    if password.len() > 4 * MAX_PASSWORD_CHARS {
        return false;
    }
    match PasswordHash::new(stored) {
        Ok(hash) => Argon2::default().verify_password(password.as_bytes(), &hash).is_ok(),
        Err(_) => false,
    }
}

/// Spends the time of one verification, for a login whose user does not exist.
pub fn verify_nothing(password: &str) {
    // A hash of a random password made once with the same parameters, so the work
    // is the same as for a real user.
    static DUMMY: std::sync::OnceLock<String> = std::sync::OnceLock::new();
    let dummy = DUMMY.get_or_init(|| {
        let filler = random_id().unwrap_or_else(|_| "no randomness: any filler will do".into());
        hash_password(&filler).unwrap_or_default()
    });
    let _ = verify_password(password, dummy);
}

/// A new API token: its secret, to show once, and the digest to store.
#[derive(Debug)]
pub struct NewToken {
    pub secret: String,
    pub digest: String,
}

/// The prefix every token carries, so that a leaked one is recognisable (secret
/// scanners) and a password is never mistaken for one.
pub const TOKEN_PREFIX: &str = "ctk_";

/// Makes a token from 256 bits of the operating system's randomness.
pub fn new_token() -> Result<NewToken, Error> {
    let mut bytes = [0u8; 32];
    getrandom::fill(&mut bytes).map_err(|e| Error::Random(e.to_string()))?;
    let secret = format!("{TOKEN_PREFIX}{}", hex::encode(bytes));
    let digest = token_digest(&secret);
    Ok(NewToken { secret, digest })
}

/// The stored form of a token: SHA-256 of its text, in hex.
pub fn token_digest(secret: &str) -> String {
    hex::encode(Sha256::digest(secret.as_bytes()))
}

/// Whether a presented token looks like one of ours (before any lookup).
pub fn is_token_shaped(secret: &str) -> bool {
    secret.len() == TOKEN_PREFIX.len() + 64
        && secret.starts_with(TOKEN_PREFIX)
        && secret[TOKEN_PREFIX.len()..].bytes().all(|b| b.is_ascii_hexdigit())
}

/// Compares two digests in constant time.
pub fn digests_equal(a: &str, b: &str) -> bool {
    a.len() == b.len() && bool::from(a.as_bytes().ct_eq(b.as_bytes()))
}

/// A random opaque identifier (128 bits, hex): browser sessions, CSRF tokens.
pub fn random_id() -> Result<String, Error> {
    let mut bytes = [0u8; 16];
    getrandom::fill(&mut bytes).map_err(|e| Error::Random(e.to_string()))?;
    Ok(hex::encode(bytes))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_password_verifies_against_its_hash_and_nothing_else_does() {
        let h = hash_password("correct horse battery").expect("hash");
        assert!(h.starts_with("$argon2id$"), "{h}");
        assert!(verify_password("correct horse battery", &h));
        assert!(!verify_password("correct horse batterz", &h));
        assert!(!verify_password("correct horse battery", "not a hash"));
        let again = hash_password("correct horse battery").expect("hash");
        assert_ne!(h, again, "each hash has its own salt");
        verify_nothing("anything at all");
    }

    #[test]
    fn weak_passwords_are_refused_with_what_to_do() {
        for weak in ["short", "aaaaaaaaaaaaaaaa", "tab\there in it!", &"x".repeat(2000)] {
            let err = check_password(weak).expect_err(weak);
            assert!(!err.to_string().is_empty());
        }
        assert!(hash_password("short").is_err());
    }

    #[test]
    fn tokens_are_random_shaped_and_stored_as_digests() {
        let a = new_token().expect("token");
        let b = new_token().expect("token");
        assert_ne!(a.secret, b.secret);
        assert!(is_token_shaped(&a.secret));
        assert!(!is_token_shaped("ctk_xyz"));
        assert!(!is_token_shaped(&format!("ctk_{}", "g".repeat(64))));
        assert_eq!(token_digest(&a.secret), a.digest);
        assert!(digests_equal(&a.digest, &token_digest(&a.secret)));
        assert!(!digests_equal(&a.digest, &b.digest));
        assert!(!a.digest.contains(&a.secret[4..]));
    }
}
