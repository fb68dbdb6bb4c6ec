use corridor_store::Store;

use crate::{Fixture, HEADER, INTERCEPTIONS};

#[test]
fn an_interception_row_yields_person_phone_vehicle_event_and_relations() {
    let mut fx = Fixture::new();
    let csv = format!(
        "{HEADER}1;Marko;Đorđević;03.07.1991;SRB;suspect;+381 64 123 4567;NS-123-AB;12.03.2024 02:15;Horgoš;46.17;19.97\n"
    );
    let file = fx.write("in.csv", csv.as_bytes());
    let r = fx.ingest(INTERCEPTIONS, &file);
    assert_eq!((r.summary.new_records, r.summary.rejected), (1, 0));
    assert!(fx.rejects().is_empty());

    let stats = fx.store.stats().expect("stats");
    let by_schema: Vec<(&str, i64)> = stats.entities_by_schema.iter().map(|(k, v)| (k.as_str(), *v)).collect();
    assert_eq!(
        by_schema,
        vec![
            ("Interception", 1),
            ("Person", 1),
            ("Phone", 1),
            ("Uses", 2),
            ("Vehicle", 1)
        ]
    );

    let person = fx
        .store
        .entity("rs-intercepts:1:person", "t", "")
        .expect("read")
        .expect("person");
    assert_eq!(person.values("name"), vec!["Marko Đorđević"]);
    assert_eq!(person.values("birthDate"), vec!["1991-07-03"]);
    let birth = person.statements.iter().find(|s| s.prop == "birthDate").expect("birth");
    assert_eq!(
        birth.raw.as_deref(),
        Some("03.07.1991"),
        "the value as received is kept"
    );
    let p = &birth.provenance;
    assert_eq!(
        (
            p.source.agency.as_str(),
            p.source.country.as_str(),
            p.source.unit.as_str()
        ),
        ("rs-bp", "SRB", "Subotica")
    );
    assert_eq!(
        (p.grading.to_string(), p.handling.to_string()),
        ("B2".into(), "H1 TLP:AMBER".into())
    );
    assert_eq!(
        (p.record_id.as_str(), p.received_at.as_str()),
        ("1", "2026-11-01T00:00:00Z")
    );

    let event = fx
        .store
        .entity("rs-intercepts:1:event", "t", "")
        .expect("read")
        .expect("event");
    assert_eq!(event.values("date"), vec!["2024-03-12T02:15"]);
    assert_eq!(event.values("involved"), vec!["rs-intercepts:1:person"]);
    assert_eq!(event.values("vehicle"), vec!["rs-intercepts:1:vehicle"]);
    let uses = fx
        .store
        .entity("rs-intercepts:1:uses_phone", "t", "")
        .expect("read")
        .expect("uses");
    assert_eq!(uses.values("object"), vec!["rs-intercepts:1:phone"]);
}

#[test]
fn empty_optional_entities_and_their_relations_are_left_out() {
    let mut fx = Fixture::new();
    let csv = format!("{HEADER}2;Ahmad;Karimi;1990;Sirija;victim;;;12.03.2024;Horgoš;;\n");
    let file = fx.write("in.csv", csv.as_bytes());
    let r = fx.ingest(INTERCEPTIONS, &file);
    assert_eq!((r.summary.new_records, r.summary.rejected), (1, 0));
    let stats = fx.store.stats().expect("stats");
    assert_eq!(
        stats.entities_by_schema.keys().cloned().collect::<Vec<_>>(),
        vec!["Interception", "Person"]
    );
    let person = fx
        .store
        .entity("rs-intercepts:2:person", "t", "")
        .expect("read")
        .expect("person");
    assert_eq!(
        person.values("birthDate"),
        vec!["1990"],
        "a year of birth keeps its precision"
    );
    assert_eq!(person.values("nationality"), vec!["SYR"], "value maps apply");
    assert_eq!(stats.persons_by_category.get("victim"), Some(&1));
}

#[test]
fn reimport_is_idempotent_and_a_changed_row_is_a_new_version() {
    let mut fx = Fixture::new();
    let row1 = "1;Marko;Djordjevic;03.07.1991;SRB;suspect;;;12.03.2024;Horgoš;;\n";
    let row2 = "2;Ali;Rezai;1990;AFG;victim;;;12.03.2024;Horgoš;;\n";
    let file = fx.write("in.csv", format!("{HEADER}{row1}{row2}").as_bytes());
    let first = fx.ingest(INTERCEPTIONS, &file);
    assert_eq!(first.summary.new_records, 2);
    let again = fx.ingest(INTERCEPTIONS, &file);
    assert_eq!(
        (
            again.summary.unchanged,
            again.summary.statements,
            again.summary.batch_id
        ),
        (2, 0, None)
    );

    let changed = "1;Marko;Đorđević;03.07.1991;SRB;suspect;;;12.03.2024;Horgoš;;\n";
    let file = fx.write("in.csv", format!("{HEADER}{changed}{row2}").as_bytes());
    let third = fx.ingest(INTERCEPTIONS, &file);
    assert_eq!((third.summary.new_versions, third.summary.unchanged), (1, 1));
    let p = fx
        .store
        .entity("rs-intercepts:1:person", "t", "")
        .expect("read")
        .expect("person");
    assert_eq!(p.values("lastName"), vec!["Đorđević"]);
    assert!(
        p.statements.iter().any(|s| !s.current && s.value == "Djordjevic"),
        "the old version stays as history"
    );
}

#[test]
fn json_lines_with_nested_keys_arrays_and_per_row_grading() {
    let mapping = r#"
[dataset]
name = "frontex-debrief"
format = "jsonl"
record_id = "id"

[source]
agency = "frontex"
country = "EUE"

[defaults]
grading = { column = "grade", map = { "reliable" = "A2" } }
handling = "H3"
restriction = "not to be shared with third countries"

[entities.person]
schema = "Person"
[entities.person.properties]
name = { column = "person.name" }
alias = { column = "person.aliases" }
category = { literal = "witness" }
role = { column = "role", assessment = "personal_assessment" }
"#;
    let mut fx = Fixture::new();
    let lines = concat!(
        r#"{"id": "D-1", "grade": "reliable", "person": {"name": "Yonas Tesfaye", "aliases": ["Jonas", "Yonas T."]}, "role": "guide"}"#,
        "\n",
        r#"{"id": "D-2", "grade": "C3", "person": {"name": "Sara Haile"}}"#,
        "\n"
    );
    let file = fx.write("d.jsonl", lines.as_bytes());
    let r = fx.ingest(mapping, &file);
    assert_eq!(
        (r.summary.new_records, r.summary.rejected),
        (2, 0),
        "{:?}",
        fx.rejects()
    );
    let p = fx
        .store
        .entity("frontex-debrief:D-1:person", "t", "")
        .expect("read")
        .expect("person");
    assert_eq!(p.values("alias"), vec!["Jonas", "Yonas T."]);
    let name = p.statements.iter().find(|s| s.prop == "name").expect("name");
    assert_eq!(name.provenance.grading.to_string(), "A2");
    assert_eq!(
        name.provenance.handling.restriction.as_deref(),
        Some("not to be shared with third countries")
    );
    let role = p.statements.iter().find(|s| s.prop == "role").expect("role");
    assert_eq!(
        role.provenance.assessment,
        corridor_model::Assessment::PersonalAssessment
    );
    assert_eq!(name.provenance.assessment, corridor_model::Assessment::Fact);
    let p2 = fx
        .store
        .entity("frontex-debrief:D-2:person", "t", "")
        .expect("read")
        .expect("person");
    assert_eq!(p2.statements[0].provenance.grading.to_string(), "C3");
}

/// A JSON number that cannot be kept as written (issue 20, item 4: the name
/// `12345678901234567890123` was stored as `1.2345678901234568e+22`) rejects its row
/// with the reason; small numbers are kept as written.
#[test]
fn json_numbers_are_kept_as_written_or_the_row_is_refused() {
    let mapping = r#"
[dataset]
name = "numbers"
format = "jsonl"
record_id = "id"

[source]
agency = "frontex"
country = "EUE"

[defaults]
grading = "B2"
handling = "H1"

[entities.person]
schema = "Person"
[entities.person.properties]
name = { column = "name" }
category = { literal = "witness" }
"#;
    let mut fx = Fixture::new();
    let lines = concat!(
        r#"{"id": "1", "name": 12345678901234567890123}"#,
        "\n",
        r#"{"id": "2", "name": 1234567}"#,
        "\n",
        r#"{"id": "3", "name": 1.5e300}"#,
        "\n"
    );
    let file = fx.write("n.jsonl", lines.as_bytes());
    let r = fx.ingest(mapping, &file);
    assert_eq!(
        (r.summary.new_records, r.summary.rejected),
        (1, 2),
        "{:?}",
        fx.rejects()
    );
    let rejects = fx.rejects();
    assert!(
        rejects
            .iter()
            .all(|(_, why)| why.contains("too large or too precise to keep exactly")),
        "{rejects:?}"
    );
    let p = fx
        .store
        .entity("numbers:2:person", "t", "")
        .expect("read")
        .expect("person");
    assert_eq!(p.values("name"), vec!["1234567"]);
}
