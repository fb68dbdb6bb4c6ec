//! The fuzz mapping of every schema's every property is one the ingest accepts, and
//! hostile values through it are stored or rejected, never lost or crashing.

use super::Fixture;

#[path = "../../../../fuzz/fuzz_targets/every_schema.rs"]
mod fuzz_mapping;

#[test]
fn every_property_of_every_schema_takes_hostile_values_without_loss() {
    let (mapping, columns) = fuzz_mapping::mapping_and_columns();
    assert!(columns.len() > 100, "{} columns", columns.len());
    let values = [
        "",
        "Ђорђевић",
        "عبد الرحمن",
        "+381641234567",
        "00 381 64 123 4567",
        "RС35260005601001611379",
        "L898902C3",
        "BG 1234 AB",
        "9074729",
        "=cmd|' /C calc'!A0",
        "1,500",
        "-3",
        "29.02.2023",
        "12.03.2024 14:05",
        "91.5",
        "-181",
        "victim",
        "true",
        "x\u{1b}[2J\u{0}y",
        "a@b.c",
    ];
    // Every column gets every value, one value a row.
    let fields = columns.len() - 1;
    let mut data = Vec::new();
    for k in 0..fields * values.len() {
        data.extend_from_slice(values[(k / fields + k) % values.len()].as_bytes());
        data.push(0x1f);
    }
    data.pop();
    let mut f = Fixture::new();
    let file = f.write("every.csv", &fuzz_mapping::csv_rows(&data, &columns));
    let r = f.ingest(&mapping, &file);
    let s = &r.summary;
    assert_eq!(s.rows_read as usize, fields * values.len());
    assert!(s.new_records > 100 && s.rejected > 100, "{s:?}");
    assert_eq!(
        s.rows_read,
        s.new_records + s.new_versions + s.unchanged + s.rejected,
        "{s:?}"
    );
    assert_eq!(f.rejects().len() as u64, s.rejected);
}
