//! Every kind of bad row lands in the rejects file with its row number and a
//! precise reason, the good rows are stored, and the summary counts both.

use crate::{Fixture, HEADER, INTERCEPTIONS};

fn run(fx: &mut Fixture, body: &[u8]) -> corridor_ingest::IngestReport {
    let mut bytes = HEADER.as_bytes().to_vec();
    bytes.extend_from_slice(body);
    let file = fx.write("in.csv", &bytes);
    fx.ingest(INTERCEPTIONS, &file)
}

#[test]
fn each_kind_of_bad_csv_row_is_rejected_with_its_reason() {
    let mut fx = Fixture::new();
    let mut body = Vec::new();
    body.extend_from_slice(b"1;Marko;Petrovic;03.07.1991;SRB;suspect;;;12.03.2024;Horgos;;\n"); // line 2: good
    body.extend_from_slice(b"2;Ana;Jovanovi\xe6;03.07.1991;SRB;suspect;;;12.03.2024;Horgos;;\n"); // line 3: Latin-2 byte
    body.extend_from_slice(b"3;Ana;Jovanovic;03.07.1991;SRB\n"); // line 4: short
    body.extend_from_slice(b"4;Ana;Jovanovic;31.02.1991;SRB;suspect;;;12.03.2024;Horgos;;\n"); // line 5: no such date
    body.extend_from_slice(b"5;Ana;Jovanovic;1991/07/03;SRB;suspect;;;12.03.2024;Horgos;;\n"); // line 6: unknown format
    body.extend_from_slice(b"6;;;;SRB;suspect;;;12.03.2024;Horgos;;\n"); // line 7: no name, no birth date
    body.extend_from_slice(b";Ana;Jovanovic;03.07.1991;SRB;suspect;;;12.03.2024;Horgos;;\n"); // line 8: no record id
    body.extend_from_slice(b"9;Ana;Jovanovic;03.07.1991;Serbia;suspect;;;12.03.2024;Horgos;;\n"); // line 9: country name
    body.extend_from_slice(b"10;Ana;Jovanovic;03.07.1991;SRB;smuggler;;;12.03.2024;Horgos;;\n"); // line 10: category
    body.extend_from_slice(b"11;Ana;Jovanovic;03.07.1991;SRB;suspect;;;12.03.2024;Horgos;95.1;19\n"); // line 11: latitude
    body.extend_from_slice(b"1;Marko;Markovic;03.07.1991;SRB;suspect;;;12.03.2024;Horgos;;\n"); // line 12: duplicate id
    let r = run(&mut fx, &body);
    assert_eq!(
        (r.summary.rows_read, r.summary.new_records, r.summary.rejected),
        (11, 1, 10)
    );

    let rejects = fx.rejects();
    let rows: Vec<u64> = rejects.iter().map(|(r, _)| *r).collect();
    assert_eq!(rows, vec![3, 4, 5, 6, 7, 8, 9, 10, 11, 12]);
    let reason = |row: u64| {
        rejects
            .iter()
            .find(|(r, _)| *r == row)
            .map(|(_, s)| s.clone())
            .unwrap_or_default()
    };
    assert!(reason(3).starts_with("invalid UTF-8 in field 3"), "{}", reason(3));
    assert_eq!(reason(4), "wrong column count: the header has 12, this row has 5");
    assert!(
        reason(5).contains("bad date in column 'rodjen' for person.birthDate")
            && reason(5).contains("not a calendar date"),
        "{}",
        reason(5)
    );
    assert!(
        reason(6).contains("matches none of the date formats %d.%m.%Y, %d.%m.%Y %H:%M"),
        "{}",
        reason(6)
    );
    assert!(
        reason(7).starts_with("missing required field: person (Person) has values but none of name, firstName"),
        "{}",
        reason(7)
    );
    assert_eq!(
        reason(8),
        "missing required field: the record id column 'broj' is empty"
    );
    assert!(
        reason(9).contains("'Serbia' is not an ISO 3166 country code"),
        "{}",
        reason(9)
    );
    assert!(
        reason(10).contains("invalid data-subject category 'smuggler'"),
        "{}",
        reason(10)
    );
    assert!(
        reason(11).contains("latitude 95.1 is outside -90..90"),
        "{}",
        reason(11)
    );
    assert!(
        reason(12).starts_with("duplicate record id '1': row 2"),
        "{}",
        reason(12)
    );
    let original: serde_json::Value = serde_json::from_str(
        std::fs::read_to_string(fx.rejects_path())
            .expect("rejects")
            .lines()
            .nth(1)
            .expect("line"),
    )
    .expect("json");
    assert_eq!(
        original["original"][0], "3",
        "the rejected row itself is kept for correction"
    );
}

#[test]
fn json_lines_rejects_unknown_properties_bad_json_and_nested_values() {
    let mapping = r#"
[dataset]
name = "uk"
format = "jsonl"
record_id = "ref"
[source]
agency = "uk-bf"
country = "GB"
[entities.person]
schema = "Person"
[entities.person.properties]
name = { column = "name" }
category = { literal = "suspect" }
"#;
    let mut fx = Fixture::new();
    let lines = concat!(
        r#"{"ref": "1", "name": "Arben Hoxha"}"#,
        "\n",
        r#"{"ref": "2", "name": "Arben Hoxha", "shoe_size": 44}"#,
        "\n",
        r#"{"ref": "3", "name": "#,
        "\n",
        "[1, 2]\n",
        r#"{"ref": "5", "name": {"first": "Arben"}}"#,
        "\n"
    );
    let file = fx.write("in.jsonl", lines.as_bytes());
    let r = fx.ingest(mapping, &file);
    assert_eq!((r.summary.new_records, r.summary.rejected), (1, 4));
    let rejects = fx.rejects();
    assert_eq!(rejects.iter().map(|(r, _)| *r).collect::<Vec<_>>(), vec![2, 3, 4, 5]);
    assert!(
        rejects[0].1.starts_with("unknown property 'shoe_size'"),
        "{}",
        rejects[0].1
    );
    assert!(rejects[1].1.starts_with("invalid JSON"), "{}", rejects[1].1);
    assert_eq!(rejects[2].1, "the line is JSON but not an object");
    assert!(rejects[3].1.contains("holds an object"), "{}", rejects[3].1);
}

#[test]
fn a_clean_file_writes_no_rejects_file() {
    let mut fx = Fixture::new();
    let r = run(
        &mut fx,
        b"1;Marko;Petrovic;03.07.1991;SRB;suspect;;;12.03.2024;Horgos;;\n",
    );
    assert_eq!((r.summary.rejected, r.rejects_file), (0, None));
    assert!(!fx.rejects_path().exists());
}

#[test]
fn on_invalid_skip_keeps_the_row_and_flags_the_value() {
    let mut fx = Fixture::new();
    let mapping = INTERCEPTIONS.replacen(
        "birthDate = { column = \"rodjen\" }",
        "birthDate = { column = \"rodjen\", on_invalid = \"skip\" }",
        1,
    );
    assert_ne!(mapping, INTERCEPTIONS, "the fixture maps birthDate from 'rodjen'");
    let mut bytes = HEADER.as_bytes().to_vec();
    bytes.extend_from_slice(b"4;Ana;Jovanovic;31.02.1991;SRB;suspect;;;12.03.2024;Horgos;;\n");
    let file = fx.write("in.csv", &bytes);
    let r = fx.ingest(&mapping, &file);
    assert_eq!((r.summary.new_records, r.summary.rejected), (1, 0));
    let flag = r.findings.iter().find(|f| f.kind == "value_skipped").expect("flagged");
    assert!(
        flag.reason.contains("not a calendar date") && flag.reason.contains("'31.02.1991' left out"),
        "{}",
        flag.reason
    );
    let bad = INTERCEPTIONS.replacen(
        "birthDate = { column = \"rodjen\" }",
        "birthDate = { column = \"rodjen\", on_invalid = \"ignore\" }",
        1,
    );
    let err = corridor_ingest::Mapping::parse("m.toml", &bad).expect_err("unknown on_invalid");
    assert!(err.to_string().contains("give \"reject\""), "{err}");
}

/// A first row rejected after the mapping's provenance was registered for it panicked
/// the ingest (issue 20, item 1): the rows after it are stored, each statement on a
/// provenance that is in the store.
#[test]
fn a_rejected_first_row_takes_back_its_provenance() {
    let mut fx = Fixture::new();
    let mut body = Vec::new();
    body.extend_from_slice(b"4;Ana;Jovanovic;31.02.1991;SRB;suspect;;;12.03.2024;Horgos;;\n"); // no such date
    body.extend_from_slice(b"1;Marko;Petrovic;03.07.1991;SRB;suspect;;;12.03.2024;Horgos;;\n");
    body.extend_from_slice(b"2;Ana;Jovanovic;03.07.1991;SRB;suspect;;;12.03.2024;Horgos;;\n");
    let r = run(&mut fx, &body);
    assert_eq!(
        (r.summary.rows_read, r.summary.new_records, r.summary.rejected),
        (3, 2, 1)
    );
    assert_eq!(fx.rejects().iter().map(|(r, _)| *r).collect::<Vec<_>>(), vec![2]);
}
