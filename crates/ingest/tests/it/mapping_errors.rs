//! A wrong mapping is reported with its line before any row is read.

use corridor_ingest::{Error, Mapping};

use crate::{Fixture, INTERCEPTIONS};

fn error_of(text: &str) -> (usize, String) {
    let e = Mapping::parse("m.toml", text).expect_err("the mapping must be refused");
    (e.line, e.message)
}

fn line_of(text: &str, needle: &str) -> usize {
    text.lines().position(|l| l.contains(needle)).expect("needle") + 1
}

#[test]
fn unknown_property_is_reported_at_its_line_with_a_suggestion() {
    let text = INTERCEPTIONS.replace("firstName = {", "firstNme = {");
    let (line, msg) = error_of(&text);
    assert_eq!(line, line_of(&text, "firstNme"));
    assert!(
        msg.contains("unknown property 'firstNme' for schema Person (did you mean 'firstName'?)"),
        "{msg}"
    );
}

#[test]
fn unknown_schema_bad_reference_and_missing_category_are_reported() {
    let text = INTERCEPTIONS.replace("schema = \"Vehicle\"", "schema = \"Vehicel\"");
    let (line, msg) = error_of(&text);
    assert_eq!(line, line_of(&text, "Vehicel"));
    assert!(
        msg.contains("unknown schema 'Vehicel' (did you mean 'Vehicle'?)"),
        "{msg}"
    );

    let text = INTERCEPTIONS.replace(
        "properties.object = { entity = \"phone\" }",
        "properties.object = { entity = \"event\" }",
    );
    let (line, msg) = error_of(&text);
    assert_eq!(line, line_of(&text, "entity = \"event\""));
    assert!(msg.contains("must point at one of"), "{msg}");

    let text = INTERCEPTIONS.replace("category = { column = \"kategorija\" }\n", "");
    let (line, msg) = error_of(&text);
    assert!(msg.contains("does not map its required property 'category'"), "{msg}");
    assert!(line > 1);

    let text = INTERCEPTIONS.replace("handling = \"H1\"", "handling = \"H3\"");
    let (line, msg) = error_of(&text);
    assert_eq!(line, line_of(&text, "handling = \"H3\""));
    assert!(msg.contains("H3 needs the provider's restriction text"), "{msg}");

    let text = INTERCEPTIONS.replace("grading = \"B2\"", "grading = \"B7\"");
    let (line, msg) = error_of(&text);
    assert_eq!(line, line_of(&text, "B7"));
    assert!(msg.contains("invalid information accuracy '7'"), "{msg}");

    let text = INTERCEPTIONS.replace("[source]", "[sauce]");
    let (line, _msg) = error_of(&text);
    assert_eq!(line, line_of(&text, "[sauce]"));

    let text = INTERCEPTIONS.replace("\"%d.%m.%Y\",", "\"%d.%q.%Y\",");
    let (line, msg) = error_of(&text);
    assert_eq!(line, line_of(&text, "%d.%q.%Y"));
    assert!(msg.contains("unknown date token %q"), "{msg}");
}

#[test]
fn a_header_missing_a_mapped_column_stops_before_any_row() {
    let mut fx = Fixture::new();
    let file = fx.write("in.csv", b"broj;ime\n1;Marko\n");
    let err = fx.try_ingest(INTERCEPTIONS, &file).expect_err("refused");
    assert!(matches!(err, Error::Input { .. }));
    assert!(
        err.to_string().contains(
            "the header lacks column(s) the mapping reads: 'prezime' (mapping line 24), 'rodjen' (mapping line 25)"
        ),
        "{err}"
    );
    assert_eq!(corridor_store::Store::stats(&fx.store).expect("stats").batches, 0);
    assert!(!fx.rejects_path().exists());
}

/// A header naming a column twice (`id,given,given`) kept the first and dropped the
/// second without a word (issue 20, item 3): the file is refused, naming the column.
#[test]
fn a_header_naming_a_column_twice_is_refused() {
    let mut fx = Fixture::new();
    let header = crate::HEADER.trim_end().to_string() + ";ime\n";
    let file = fx.write("in.csv", header.as_bytes());
    let err = fx.try_ingest(INTERCEPTIONS, &file).expect_err("refused");
    assert!(
        err.to_string()
            .contains("the header names column(s) more than once: 'ime'"),
        "{err}"
    );
    assert_eq!(corridor_store::Store::stats(&fx.store).expect("stats").batches, 0);
}
