//! Between partner nodes: who a partner is (its card), what may be asked of it
//! (a sharing agreement), and how a request travels (a signed envelope).
//!
//! Each agency runs its own node; partners learn of each other out of band. A node
//! writes its **partner card** (`card.rs`: name, country, address and public keys,
//! signed by the node's Ed25519 key, which also signs its audit anchors); the
//! other side adds it only after checking the key's fingerprint with the sender
//! over a second channel (a telephone call, a letter), because a card can come
//! from anyone. A **sharing agreement** (`agreement.rs`) per partner says which
//! selector kinds may be matched, for which purposes, how many evaluations a day,
//! how large one query may be, until when, and who approves disclosures. Every
//! request and answer is an **envelope** (`envelope.rs`) signed end to end by the
//! sending node, whatever transport carries it (HTTPS, or a file on any secure
//! channel), with a nonce, the time, and an opaque per-query reference in place
//! of the local case name. A receiver refuses a message not for it, from a
//! partner it does not know or has revoked, with a bad signature, outside the
//! allowed clock skew, or seen before (replay); then checks the agreement.
//!
//! This crate is pure protocol: no store, no network, no clock of its own (times
//! are passed in), so that every check can be tested exactly. What a node keeps
//! (partners, agreements, nonces seen, evaluations counted) is the store's; the
//! use cases are the application layer's.
//!
//! Written with the crates the node key already uses (ed25519-dalek through
//! `corridor-node-key`); the formats are Corridor's own, documented in
//! `docs/exchange.md`.

mod agreement;
pub mod bloom;
mod card;
pub mod clk;
pub mod disclosure;
mod envelope;
pub mod psi;
pub mod sealed;

pub use agreement::{Agreement, QueryAsk, SelectorKind};
pub use card::{CARD_FORMAT, MAX_CARD_BYTES, PartnerCard, canonical_fingerprint, normalise_fingerprint};
pub use envelope::{
    ENVELOPE_FORMAT, Envelope, FILE_VALIDITY, MAX_CLOCK_SKEW, MAX_ENVELOPE_BYTES, MAX_VALIDITY, Sealing,
};

/// Why a card, an envelope or a query is refused. The same reasons are logged on
/// both sides, so each names what it is about without quoting the content.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum Refusal {
    #[error("not a Corridor {what}: {why}")]
    Malformed { what: &'static str, why: String },
    #[error("the {what} is larger than {limit} bytes")]
    TooLarge { what: &'static str, limit: usize },
    #[error("the signature does not verify with the sender's key: altered, or not from that node")]
    BadSignature,
    #[error(
        "the fingerprint given ({given}) is not the card's ({actual}): check it with the partner again, by another channel"
    )]
    WrongFingerprint { given: String, actual: String },
    #[error("the message is addressed to another node ({to})")]
    NotForUs { to: String },
    #[error("the message comes from no partner of this node ({from})")]
    UnknownPartner { from: String },
    #[error("the partner {partner} was revoked")]
    Revoked { partner: String },
    #[error("the message was made at {at}, more than {max_seconds} s from this node's clock: check both clocks")]
    ClockSkew { at: String, max_seconds: i64 },
    #[error("the message expired at {expires}: ask the partner to send it again")]
    Expired { expires: String },
    #[error("the message was seen before (same nonce): a replay")]
    Replayed,
    #[error("no agreement with {partner} in force")]
    NoAgreement { partner: String },
    #[error("the agreement with {partner} expired on {expired}")]
    AgreementExpired { partner: String, expired: String },
    #[error("the agreement does not cover matching {kind}")]
    KindNotAgreed { kind: String },
    #[error("the agreement does not cover the purpose '{purpose}'")]
    PurposeNotAgreed { purpose: String },
    #[error("a query with no selector")]
    EmptyQuery,
    #[error("a query of {size} selectors is larger than the agreement's {max}")]
    QueryTooLarge { size: u64, max: u64 },
    #[error("the agreement's budget for today is spent ({used} of {budget} evaluations; this query needs {size})")]
    OverBudget { used: u64, budget: u64, size: u64 },
}

impl Refusal {
    /// A short stable name, for logs and API error bodies.
    pub fn code(&self) -> &'static str {
        match self {
            Refusal::Malformed { .. } => "malformed",
            Refusal::TooLarge { .. } => "too_large",
            Refusal::BadSignature => "bad_signature",
            Refusal::WrongFingerprint { .. } => "wrong_fingerprint",
            Refusal::NotForUs { .. } => "not_for_us",
            Refusal::UnknownPartner { .. } => "unknown_partner",
            Refusal::Revoked { .. } => "revoked",
            Refusal::ClockSkew { .. } => "clock_skew",
            Refusal::Expired { .. } => "expired",
            Refusal::Replayed => "replayed",
            Refusal::NoAgreement { .. } => "no_agreement",
            Refusal::AgreementExpired { .. } => "agreement_expired",
            Refusal::KindNotAgreed { .. } => "kind_not_agreed",
            Refusal::PurposeNotAgreed { .. } => "purpose_not_agreed",
            Refusal::QueryTooLarge { .. } => "query_too_large",
            Refusal::EmptyQuery => "empty_query",
            Refusal::OverBudget { .. } => "over_budget",
        }
    }
}

/// Length-prefixed concatenation of fields: what is signed, so that no two
/// different field lists give the same bytes (no `a|b` = `a|` + `b` confusion).
pub(crate) fn signed_bytes(fields: &[&[u8]]) -> Vec<u8> {
    let mut out = Vec::with_capacity(fields.iter().map(|f| f.len() + 8).sum());
    for f in fields {
        out.extend_from_slice(&(f.len() as u64).to_be_bytes());
        out.extend_from_slice(f);
    }
    out
}

/// Whether `text` is free of control characters and of the invisible format
/// characters (bidirectional overrides, zero-width marks) that could make one
/// partner's name read as another's, neither of which a card or a reference needs.
pub(crate) fn printable(text: &str) -> bool {
    !text.chars().any(|c| {
        c.is_control()
            || matches!(c, '\u{200B}'..='\u{200F}' | '\u{202A}'..='\u{202E}' | '\u{2060}'..='\u{2069}' | '\u{FEFF}' | '\u{061C}' | '\u{00AD}')
    })
}

/// Decodes `N` bytes of hex.
pub(crate) fn hex_array<const N: usize>(text: &str) -> Option<[u8; N]> {
    hex::decode(text).ok().and_then(|b| b.try_into().ok())
}

/// Reads `text` as the JSON of a `what`, refusing it unread past `limit` bytes.
pub(crate) fn parse_json<T: serde::de::DeserializeOwned>(
    text: &str,
    what: &'static str,
    limit: usize,
) -> Result<T, Refusal> {
    if text.len() > limit {
        return Err(Refusal::TooLarge { what, limit });
    }
    serde_json::from_str(text).map_err(|e| Refusal::Malformed {
        what,
        why: json_error(&e),
    })
}

/// Where JSON failed to parse, without quoting it (it may hold anything).
pub(crate) fn json_error(e: &serde_json::Error) -> String {
    let what = match e.classify() {
        serde_json::error::Category::Io => "unreadable",
        serde_json::error::Category::Syntax => "not JSON",
        serde_json::error::Category::Data => "JSON of another shape (a field missing, unknown or of the wrong type)",
        serde_json::error::Category::Eof => "cut short",
    };
    format!("{what}, at line {} column {}", e.line(), e.column())
}
