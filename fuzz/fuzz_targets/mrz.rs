//! Fuzzes the MRZ parser: any lines give a result, a valid one is consistent with the
//! builder's own check routine.
#![no_main]

use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let Ok(text) = std::str::from_utf8(data) else { return };
    let lines: Vec<String> = text.lines().map(str::to_string).collect();
    let r = corridor_mrz::parse(&lines, (2026, 11, 25));
    if r.valid {
        assert!(r.checks.iter().all(|c| c.ok), "{lines:?}");
        assert!(r.errors.is_empty());
    } else {
        assert!(!r.errors.is_empty(), "invalid without a reason: {lines:?}");
    }
});
