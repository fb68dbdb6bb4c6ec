//! Fuzzes ingest through a mapping of every schema's every property: every value
//! cleaning and every selector check, with arbitrary values in well-formed rows.
#![no_main]

use libfuzzer_sys::fuzz_target;

#[path = "common.rs"]
mod common;
#[path = "every_schema.rs"]
mod every_schema;

fuzz_target!(|data: &[u8]| {
    let (mapping, columns) = every_schema::mapping_and_columns();
    let rows = every_schema::csv_rows(data, &columns);
    common::ingest_bytes(&mapping, &rows);
});
