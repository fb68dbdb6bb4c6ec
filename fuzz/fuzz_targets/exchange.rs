//! Fuzzes what a partner node sends: partner cards, signed envelopes, and the
//! bodies of disclosure messages (requests, answers, and the disclosed records a
//! receiver checks before storing them). Any bytes give a result, never a panic;
//! whatever parses re-serialises to the same thing, and no envelope verifies with
//! a key that did not sign it.
#![no_main]

use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let Ok(text) = std::str::from_utf8(data) else { return };
    if let Ok(card) = corridor_exchange::PartnerCard::parse(text) {
        assert_eq!(corridor_exchange::PartnerCard::parse(&card.to_json()).ok(), Some(card.clone()));
        assert!(card.verify_fingerprint("0000").is_err());
    }
    if let Ok(envelope) = corridor_exchange::Envelope::parse(text) {
        assert_eq!(corridor_exchange::Envelope::parse(&envelope.to_json()).ok(), Some(envelope.clone()));
        // The all-zero key signs nothing.
        let now = envelope.time().expect("a parsed envelope has a time");
        assert!(envelope.verify(&envelope.to, &[0u8; 32], now).is_err());
    }
    use corridor_exchange::disclosure::{DisclosureAsk, DisclosureReply, Notice, Package};
    if let Ok(ask) = serde_json::from_str::<DisclosureAsk>(text) {
        let _ = ask.check();
    }
    if let Ok(reply) = serde_json::from_str::<DisclosureReply>(text) {
        let again: DisclosureReply = serde_json::from_str(&serde_json::to_string(&reply).expect("json")).expect("reads");
        assert_eq!(again, reply);
    }
    if let Ok(package) = serde_json::from_str::<Package>(text)
        && package.check().is_ok()
    {
        // What passed the checks provenance-parses, statement by statement.
        for r in &package.records {
            for e in &r.entities {
                for s in &e.statements {
                    assert!(s.provenance().is_ok());
                }
            }
        }
    }
    if let Ok(notice) = serde_json::from_str::<Notice>(text)
        && let Some(p) = &notice.package
    {
        let _ = p.check();
    }
});
