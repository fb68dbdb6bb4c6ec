//! Fuzzes CSV ingest: header checks, row parsing, cleaning and rejects.
#![no_main]

use libfuzzer_sys::fuzz_target;

#[path = "common.rs"]
mod common;

fuzz_target!(|data: &[u8]| {
    let mapping = format!(
        "[dataset]\nname = \"fz\"\nformat = \"csv\"\nrecord_id = \"id\"\ndate_formats = [\"%d.%m.%Y\", \"%d.%m.%Y %H:%M\"]\n{}",
        common::MAPPING_FIELDS
    );
    let mut input = b"id,name,born,country,category,phone,at,lat,lon\n".to_vec();
    input.extend_from_slice(data);
    common::ingest_bytes(&mapping, &input);
});
