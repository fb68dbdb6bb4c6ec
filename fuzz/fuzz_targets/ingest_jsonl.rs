//! Fuzzes JSON Lines ingest: JSON parsing, nested paths, unknown keys and rejects.
#![no_main]

use libfuzzer_sys::fuzz_target;

#[path = "common.rs"]
mod common;

fuzz_target!(|data: &[u8]| {
    let mapping = format!(
        "[dataset]\nname = \"fz\"\nformat = \"jsonl\"\nrecord_id = \"id\"\n{}",
        common::MAPPING_FIELDS
    );
    common::ingest_bytes(&mapping, data);
});
