//! Fuzzes the mapping parser: any text is either a mapping or an error with a line.
#![no_main]

use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    if let Ok(text) = std::str::from_utf8(data)
        && let Err(e) = corridor_ingest::Mapping::parse("fuzz.toml", text)
    {
        assert!(
            e.line >= 1 && e.line <= text.lines().count() + 1,
            "line {} out of range",
            e.line
        );
    }
});
