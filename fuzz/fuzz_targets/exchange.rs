//! Fuzzes what a partner node sends: partner cards and signed envelopes. Any bytes
//! give a result, never a panic; whatever parses re-serialises to the same thing,
//! and no envelope verifies with a key that did not sign it.
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
});
