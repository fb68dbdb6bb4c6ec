//! Fuzzes the name normaliser: keys never panic, scores stay in [0, 1] and are symmetric.
#![no_main]

use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let Ok(text) = std::str::from_utf8(data) else { return };
    let (a, b) = text.split_at(text.char_indices().nth(text.chars().count() / 2).map_or(0, |(i, _)| i));
    let _ = corridor_normalize::keys(a);
    // Parsing keeps every token it does not set aside as a marker.
    let p = corridor_normalize::parse_name(text);
    let kept = p.given.len() + p.surname.len() + p.patronymic.len() + p.initials.len();
    assert!(kept <= text.split_whitespace().count() + text.matches(['<', ',', '_']).count() + 1);
    let ab = corridor_normalize::compare(a, b);
    let ba = corridor_normalize::compare(b, a);
    assert!((0.0..=1.0).contains(&ab.score));
    assert_eq!(ab.score, ba.score, "{a:?} / {b:?}");
});
