use crate::{code, corridor, fixture, stderr, stdout};

#[test]
fn init_ingest_show_stats_and_audit_through_the_binary() {
    let dir = tempfile::tempdir().expect("tmp");
    let store = dir.path().join("s.db");
    let (mapping, csv) = fixture(dir.path(), 20);
    let m = mapping.to_str().expect("utf8");
    let c = csv.to_str().expect("utf8");

    let o = corridor(&store, &["init"]);
    assert_eq!(code(&o), 0, "{}", stderr(&o));
    let o = corridor(
        &store,
        &["--json", "--purpose", "case MK-1", "ingest", "--mapping", m, c],
    );
    assert_eq!(code(&o), 0, "{}", stderr(&o));
    let report: serde_json::Value = serde_json::from_str(&stdout(&o)).expect("json");
    assert_eq!(report["new_records"], 20);
    assert_eq!(report["statements"], 20 * 6);

    let o = corridor(&store, &["--json", "ingest", "--mapping", m, c]);
    let again: serde_json::Value = serde_json::from_str(&stdout(&o)).expect("json");
    assert_eq!(
        (again["unchanged"].as_u64(), again["batch_id"].is_null()),
        (Some(20), true)
    );

    let o = corridor(
        &store,
        &[
            "--json",
            "--purpose",
            "case MK-1",
            "show",
            "mk-crossings:MK-0000003:person",
        ],
    );
    assert_eq!(code(&o), 0, "{}", stderr(&o));
    let shown: serde_json::Value = serde_json::from_str(&stdout(&o)).expect("json");
    assert_eq!(shown["schema"], "Person");
    assert_eq!(shown["category"], "victim");
    assert_eq!(shown["restrictions"]["handling"]["code"], "H2");
    assert!(shown["review_date"].is_string());
    let names: Vec<&str> = shown["statements"]
        .as_array()
        .expect("statements")
        .iter()
        .filter(|s| s["prop"] == "name")
        .filter_map(|s| s["value"].as_str())
        .collect();
    assert_eq!(names, vec!["Person Number 3"]);

    let o = corridor(&store, &["show", "mk-crossings:nope:person"]);
    assert_eq!(code(&o), 7);
    assert!(stderr(&o).contains("no entity"), "{}", stderr(&o));

    let o = corridor(&store, &["--json", "stats"]);
    let stats: serde_json::Value = serde_json::from_str(&stdout(&o)).expect("json");
    assert_eq!(stats["entities_by_schema"]["Person"], 20);
    assert_eq!(stats["persons_by_category"]["suspect"], 4);

    let o = corridor(&store, &["audit", "log"]);
    let log = stdout(&o);
    assert!(
        log.contains("ingest") && log.contains("read") && log.contains("purpose=case MK-1"),
        "{log}"
    );
    let o = corridor(&store, &["audit", "verify"]);
    assert_eq!(code(&o), 0, "{}", stdout(&o));
    assert!(stdout(&o).starts_with("audit log intact"));
}

#[test]
fn a_bad_mapping_exits_4_before_touching_the_store_or_the_file() {
    let dir = tempfile::tempdir().expect("tmp");
    let store = dir.path().join("s.db");
    corridor(&store, &["init"]);
    let (mapping, _csv) = fixture(dir.path(), 1);
    let text = std::fs::read_to_string(&mapping)
        .expect("read")
        .replace("birthDate", "birthdate");
    std::fs::write(&mapping, text).expect("write");
    let o = corridor(
        &store,
        &[
            "ingest",
            "--mapping",
            mapping.to_str().expect("utf8"),
            "/does/not/exist.csv",
        ],
    );
    assert_eq!(code(&o), 4);
    let err = stderr(&o);
    assert!(
        err.contains("mk.mapping.toml:21:1: unknown property 'birthdate'"),
        "{err}"
    );
}

#[test]
fn rejected_rows_exit_3_and_land_in_the_rejects_file() {
    let dir = tempfile::tempdir().expect("tmp");
    let store = dir.path().join("s.db");
    corridor(&store, &["init"]);
    let (mapping, csv) = fixture(dir.path(), 3);
    let mut text = std::fs::read_to_string(&csv).expect("read");
    text.push_str("MK-X,Bad Date,31/02/1990,suspect,\n");
    std::fs::write(&csv, text).expect("write");
    let o = corridor(
        &store,
        &[
            "ingest",
            "--mapping",
            mapping.to_str().expect("utf8"),
            csv.to_str().expect("utf8"),
        ],
    );
    assert_eq!(code(&o), 3, "{}", stderr(&o));
    let rejects = std::fs::read_to_string(dir.path().join("mk.csv.rejects.jsonl")).expect("rejects file");
    let line: serde_json::Value = serde_json::from_str(rejects.trim()).expect("json");
    assert_eq!(line["row"], 5);
    assert!(
        line["reason"]
            .as_str()
            .is_some_and(|r| r.contains("not a calendar date"))
    );
    assert!(
        stdout(&o).contains("3 new") && stdout(&o).contains("1 rejected"),
        "{}",
        stdout(&o)
    );
}

#[test]
fn a_tampered_audit_log_exits_6_and_names_the_entry() {
    let dir = tempfile::tempdir().expect("tmp");
    let store = dir.path().join("s.db");
    let (mapping, csv) = fixture(dir.path(), 2);
    corridor(&store, &["init"]);
    corridor(
        &store,
        &[
            "ingest",
            "--mapping",
            mapping.to_str().expect("utf8"),
            csv.to_str().expect("utf8"),
        ],
    );
    corridor(&store, &["show", "mk-crossings:MK-0000001:person"]);
    let conn = rusqlite::Connection::open(&store).expect("open");
    conn.execute_batch("DROP TRIGGER audit_no_update; UPDATE audit SET purpose = 'nothing to see' WHERE seq = 3;")
        .expect("tamper");
    drop(conn);
    let o = corridor(&store, &["audit", "verify"]);
    assert_eq!(code(&o), 6);
    assert!(stdout(&o).contains("entry 3 was altered"), "{}", stdout(&o));
}

#[test]
fn a_missing_store_exits_5_and_says_how_to_create_one() {
    let dir = tempfile::tempdir().expect("tmp");
    let o = corridor(&dir.path().join("none.db"), &["stats"]);
    assert_eq!(code(&o), 5);
    assert!(stderr(&o).contains("corridor init"), "{}", stderr(&o));
}

#[test]
fn downgrading_a_source_shows_on_its_statements() {
    let dir = tempfile::tempdir().expect("tmp");
    let store = dir.path().join("s.db");
    let (mapping, csv) = fixture(dir.path(), 1);
    corridor(&store, &["init"]);
    corridor(
        &store,
        &[
            "ingest",
            "--mapping",
            mapping.to_str().expect("utf8"),
            csv.to_str().expect("utf8"),
        ],
    );
    let o = corridor(&store, &["--json", "source", "list"]);
    let sources: serde_json::Value = serde_json::from_str(&stdout(&o)).expect("json");
    let id = sources[0]["id"].as_i64().expect("id").to_string();
    let o = corridor(&store, &["source", "grade", &id, "C", "--reason", "false reports"]);
    assert_eq!(code(&o), 0, "{}", stderr(&o));
    let o = corridor(&store, &["show", "mk-crossings:MK-0000000:person"]);
    assert!(stdout(&o).contains("B2 now C2 (source regraded)"), "{}", stdout(&o));
    let o = corridor(&store, &["source", "grade", "999", "C", "--reason", "x"]);
    assert_eq!(code(&o), 7);
}

#[test]
fn review_dates_follow_the_configured_retention_policy_and_the_listing_is_logged() {
    let dir = tempfile::tempdir().expect("tmp");
    let store = dir.path().join("s.db");
    let policy = dir.path().join("retention.json");
    std::fs::write(&policy, r#"{"review_after_months": {"suspect": 24, "victim": 6}}"#).expect("policy");
    let o = corridor(&store, &["init", "--retention", policy.to_str().expect("utf8")]);
    assert_eq!(code(&o), 0, "{}", stderr(&o));
    let (mapping, csv) = fixture(dir.path(), 10);
    corridor(
        &store,
        &[
            "ingest",
            "--mapping",
            mapping.to_str().expect("utf8"),
            csv.to_str().expect("utf8"),
        ],
    );

    let o = corridor(&store, &["--json", "--purpose", "annual review", "review"]);
    assert_eq!(code(&o), 0, "{}", stderr(&o));
    let reviews: serde_json::Value = serde_json::from_str(&stdout(&o)).expect("json");
    let reviews = reviews.as_array().expect("list");
    assert_eq!(reviews.len(), 10);
    let today = chrono_today();
    for r in reviews {
        let received = r["received"].as_str().expect("received");
        assert_eq!(received, today);
        let months = if r["category"] == "suspect" { 24 } else { 6 };
        let (y, m): (i32, u32) = (received[..4].parse().expect("y"), received[5..7].parse().expect("m"));
        let total = y * 12 + m as i32 - 1 + months;
        let expected_prefix = format!("{:04}-{:02}", total / 12, total % 12 + 1);
        assert!(
            r["review_date"]
                .as_str()
                .is_some_and(|d| d.starts_with(&expected_prefix)),
            "{r}"
        );
    }
    let o = corridor(&store, &["--json", "review", "--due", "1999-01-01"]);
    let none: serde_json::Value = serde_json::from_str(&stdout(&o)).expect("json");
    assert_eq!(none.as_array().map(Vec::len), Some(0));
    let o = corridor(&store, &["audit", "log", "--last", "2"]);
    assert!(
        stdout(&o).contains("review list") && stdout(&o).contains("purpose=annual review"),
        "{}",
        stdout(&o)
    );

    let bad = dir.path().join("bad.json");
    std::fs::write(&bad, r#"{"review_after_months": {"smuggler": 1}}"#).expect("bad");
    let o = corridor(&store, &["init", "--retention", bad.to_str().expect("utf8")]);
    assert_eq!(code(&o), 4);
    assert!(stderr(&o).contains("is not a retention policy"), "{}", stderr(&o));
}

/// Today's date (UTC) as YYYY-MM-DD, from the system clock via `date`, independent of the code under test.
fn chrono_today() -> String {
    let out = std::process::Command::new("date")
        .args(["-u", "+%Y-%m-%d"])
        .output()
        .expect("date");
    String::from_utf8_lossy(&out.stdout).trim().to_string()
}

#[test]
fn mrz_check_reads_documents_from_stdin_and_writes_one_json_object_each() {
    use std::io::Write;
    let run = |args: &[&str], input: &str| {
        let mut child = std::process::Command::new(crate::BIN)
            .args(args)
            .stdin(std::process::Stdio::piped())
            .stdout(std::process::Stdio::piped())
            .spawn()
            .expect("spawn");
        child
            .stdin
            .take()
            .expect("stdin")
            .write_all(input.as_bytes())
            .expect("write");
        let out = child.wait_with_output().expect("wait");
        assert!(out.status.success());
        String::from_utf8(out.stdout)
            .expect("utf8")
            .lines()
            .map(|l| serde_json::from_str(l).expect("json"))
            .collect::<Vec<serde_json::Value>>()
    };
    let docs = run(
        &["mrz", "check"],
        "P<UTOERIKSSON<<ANNA<MARIA<<<<<<<<<<<<<<<<<<<\nL898902C36UTO7408122F1204159ZE184226B<<<<<10\n\n\
         I<UTOD231458907<<<<<<<<<<<<<<<\n7408122F1204159UTO<<<<<<<<<<<6\nERIKSSON<<ANNA<MARIA<<<<<<<<<<\n",
    );
    assert_eq!(docs.len(), 2);
    assert_eq!(
        (docs[0]["valid"].as_bool(), docs[0]["format"].as_str()),
        (Some(true), Some("TD3"))
    );
    assert_eq!(docs[0]["fields"]["birth_date"], "1974-08-12");
    assert_eq!(docs[1]["format"], "TD1");
    let docs = run(
        &["mrz", "check", "--jsonl"],
        "{\"id\": \"a\", \"lines\": [\"P<UTOERIKSSON<<ANNA<MARIA<<<<<<<<<<<<<<<<<<<\", \"L898902C37UTO7408122F1204159ZE184226B<<<<<10\"]}\n",
    );
    assert_eq!(
        (docs[0]["id"].as_str(), docs[0]["valid"].as_bool()),
        (Some("a"), Some(false))
    );
    let failed: Vec<&str> = docs[0]["checks"]
        .as_array()
        .expect("checks")
        .iter()
        .filter(|c| c["ok"] == false)
        .filter_map(|c| c["name"].as_str())
        .collect();
    assert_eq!(failed, vec!["document number", "composite"]);
}

#[test]
fn names_compare_prints_score_and_agreeing_keys_as_json() {
    let o = std::process::Command::new(crate::BIN)
        .args(["--json", "names", "compare", "Ђорђевић", "Djordjevic"])
        .output()
        .expect("run");
    assert_eq!(code(&o), 0);
    let v: serde_json::Value = serde_json::from_slice(&o.stdout).expect("json");
    assert_eq!(v["score"], 1.0);
    let keys: Vec<&str> = v["keys"]
        .as_array()
        .expect("keys")
        .iter()
        .filter_map(|k| k.as_str())
        .collect();
    assert!(
        keys.contains(&"latin:DJORDJEVIC") && keys.contains(&"skeleton:DRDVC"),
        "{keys:?}"
    );
    let o = std::process::Command::new(crate::BIN)
        .args(["--json", "names", "compare", "Petrovic", "محمد"])
        .output()
        .expect("run");
    let v: serde_json::Value = serde_json::from_slice(&o.stdout).expect("json");
    assert!(v["score"].as_f64().is_some_and(|s| s < 0.7), "{v}");
    assert_eq!(v["keys"].as_array().map(Vec::len), Some(0));
}

const DOC_MAPPING: &str = r#"
[dataset]
name = "rs-docs"
format = "csv"
record_id = "id"

[source]
agency = "rs-bp"
country = "RS"

[defaults]
grading = "B2"
handling = "H1"

[entities.document]
schema = "TravelDocument"
[entities.document.properties]
number = { column = "passport" }
country = { column = "issuer" }
"#;

#[test]
fn a_listed_stolen_document_is_flagged_at_ingest_stored_and_shown_with_the_entity() {
    let dir = tempfile::tempdir().expect("tmp");
    let store = dir.path().join("s.db");
    let mapping = dir.path().join("docs.mapping.toml");
    std::fs::write(&mapping, DOC_MAPPING).expect("mapping");
    let csv = dir.path().join("docs.csv");
    std::fs::write(
        &csv,
        "id,passport,issuer\nD1,010 821 700,SRB\nD2,010821799,SRB\nD3,01O821701,SRB\nD4,010821702,BIH\n",
    )
    .expect("csv");
    let list = dir.path().join("sltd.csv");
    std::fs::write(
        &list,
        "number,country,status,list\n010821700,RS,stolen blank,SLTD\n010821701,SRB,stolen,SLTD\n010821702,SRB,lost,\n",
    )
    .expect("list");
    let (m, c, l) = (
        mapping.to_str().expect("utf8"),
        csv.to_str().expect("utf8"),
        list.to_str().expect("utf8"),
    );
    assert_eq!(code(&corridor(&store, &["init"])), 0);

    let o = corridor(
        &store,
        &["watchlist", "import", l, "--agency", "rs-ncb", "--country", "XX"],
    );
    assert_eq!(code(&o), 4, "an unknown country is refused: {}", stderr(&o));
    assert!(stderr(&o).contains("ISO 3166"), "{}", stderr(&o));
    let o = corridor(
        &store,
        &[
            "watchlist",
            "import",
            l,
            "--agency",
            "rs-ncb",
            "--country",
            "RS",
            "--unit",
            "SLTD desk",
            "--grading",
            "A1",
        ],
    );
    assert_eq!(code(&o), 0, "{}", stderr(&o));
    assert!(stdout(&o).contains("3 entries"), "{}", stdout(&o));

    let o = corridor(&store, &["--json", "ingest", "--mapping", m, c]);
    assert_eq!(code(&o), 0, "{}", stderr(&o));
    let report: serde_json::Value = serde_json::from_str(&stdout(&o)).expect("json");
    let findings = report["findings"].as_array().expect("findings");
    let hit: Vec<&str> = findings.iter().filter_map(|f| f["entity"].as_str()).collect();
    // D1 (spaces ignored) and D3 (O read as 0) are listed; D2 is not; D4 has the number
    // of a listed Serbian passport but was issued by Bosnia and Herzegovina.
    assert_eq!(hit, vec!["rs-docs:D1:document", "rs-docs:D3:document"], "{findings:?}");
    let reason = findings[0]["reason"].as_str().expect("reason");
    assert!(
        reason.contains("stolen blank") && reason.contains("sltd.csv row 2") && reason.contains("rs-ncb (SLTD desk)"),
        "the hit carries the list's provenance: {reason}"
    );

    let o = corridor(&store, &["--json", "show", "rs-docs:D1:document"]);
    let shown: serde_json::Value = serde_json::from_str(&stdout(&o)).expect("json");
    assert_eq!(shown["findings"][0]["kind"], "watchlist");
    assert_eq!(shown["findings"][0]["origin"], "ingest batch 1");
    let o = corridor(&store, &["show", "rs-docs:D2:document"]);
    assert!(!stdout(&o).contains("finding"), "{}", stdout(&o));

    // On demand, the same hits are found again but stored once.
    let o = corridor(&store, &["docs", "check"]);
    assert_eq!(code(&o), 0, "{}", stderr(&o));
    assert!(
        stdout(&o).contains("2 findings on 4 documents (0 not found before)"),
        "{}",
        stdout(&o)
    );
    let o = corridor(&store, &["audit", "log"]);
    let log = stdout(&o);
    assert!(
        log.contains("watchlist.import") && log.contains("finding.record"),
        "{log}"
    );

    let o = corridor(&store, &["--json", "watchlist", "list"]);
    let lists: serde_json::Value = serde_json::from_str(&stdout(&o)).expect("json");
    assert_eq!(lists[0]["entry_count"], 3);
    assert_eq!(lists[0]["agency"], "rs-ncb");

    std::fs::write(&list, "nr,country\n1,RS\n").expect("list");
    let o = corridor(
        &store,
        &["watchlist", "import", l, "--agency", "rs-ncb", "--country", "RS"],
    );
    assert_eq!(code(&o), 4);
    assert!(stderr(&o).contains("no 'number' column"), "{}", stderr(&o));
    let o = corridor(&store, &["--json", "watchlist", "list"]);
    let lists: serde_json::Value = serde_json::from_str(&stdout(&o)).expect("json");
    assert_eq!(
        lists[0]["entry_count"], 3,
        "a bad file leaves the stored list as it was"
    );
}

#[test]
fn phones_are_stored_in_e164_with_the_raw_value_and_bad_ones_are_flagged_not_dropped() {
    let dir = tempfile::tempdir().expect("tmp");
    let store = dir.path().join("s.db");
    let (mapping, _) = fixture(dir.path(), 1);
    let csv = dir.path().join("phones.csv");
    std::fs::write(
        &csv,
        "id,name,born,category,phone\n\
         P1,Ana,01/02/1990,suspect,070 123 456\n\
         P2,Boris,01/02/1990,suspect,12\n\
         P3,Vesna,01/02/2090,victim,+381 64 123 4567\n",
    )
    .expect("csv");
    assert_eq!(code(&corridor(&store, &["init"])), 0);
    let o = corridor(
        &store,
        &[
            "--json",
            "ingest",
            "--mapping",
            mapping.to_str().expect("utf8"),
            csv.to_str().expect("utf8"),
        ],
    );
    assert_eq!(code(&o), 0, "{}", stderr(&o));
    let report: serde_json::Value = serde_json::from_str(&stdout(&o)).expect("json");
    assert_eq!(report["new_records"], 3, "no row is dropped for a bad value");
    let kinds: Vec<(&str, &str)> = report["findings"]
        .as_array()
        .expect("findings")
        .iter()
        .map(|f| (f["kind"].as_str().unwrap_or(""), f["entity"].as_str().unwrap_or("")))
        .collect();
    assert_eq!(
        kinds,
        vec![
            ("phone_invalid", "mk-crossings:P2:phone"),
            ("implausible_birth_date", "mk-crossings:P3:person")
        ]
    );

    let phone = |id: &str| -> (String, Option<String>) {
        let o = corridor(&store, &["--json", "show", id]);
        let shown: serde_json::Value = serde_json::from_str(&stdout(&o)).expect("json");
        let s = &shown["statements"][0];
        (
            s["value"].as_str().unwrap_or("").to_string(),
            s["raw"].as_str().map(str::to_string),
        )
    };
    // The mapping's agency is Macedonian: a national number gets +389.
    assert_eq!(
        phone("mk-crossings:P1:phone"),
        ("+38970123456".to_string(), Some("070 123 456".to_string()))
    );
    assert_eq!(phone("mk-crossings:P2:phone"), ("12".to_string(), None));
    assert_eq!(phone("mk-crossings:P3:phone").0, "+381641234567");
    let o = corridor(&store, &["show", "mk-crossings:P2:phone"]);
    assert!(
        stdout(&o).contains("finding phone_invalid: phone '12'") && stdout(&o).contains("default region MK"),
        "{}",
        stdout(&o)
    );
}

/// The specimen zones printed in ICAO Doc 9303 (8th edition): Part 4 (TD3 passport),
/// Part 5 (TD1 card), Part 6 (TD2 card), Part 7 (MRV-A and MRV-B visas).
const SPECIMENS: &str = include_str!("icao-specimens.txt");

#[test]
fn mrz_check_reads_every_doc_9303_specimen_as_valid_with_its_fields() {
    use std::io::Write;
    let mut child = std::process::Command::new(crate::BIN)
        .args(["mrz", "check"])
        .stdin(std::process::Stdio::piped())
        .stdout(std::process::Stdio::piped())
        .spawn()
        .expect("spawn");
    child
        .stdin
        .take()
        .expect("stdin")
        .write_all(SPECIMENS.as_bytes())
        .expect("write");
    let o = child.wait_with_output().expect("wait");
    assert_eq!(code(&o), 0);
    let docs: Vec<serde_json::Value> = stdout(&o)
        .lines()
        .map(|l| serde_json::from_str(l).expect("json"))
        .collect();
    let formats: Vec<&str> = docs.iter().filter_map(|d| d["format"].as_str()).collect();
    assert_eq!(formats, vec!["TD3", "TD1", "TD2", "MRV-A", "MRV-B"]);
    for d in &docs {
        assert_eq!(d["valid"], true, "{d}");
        assert_eq!(d["errors"].as_array().map(Vec::len), Some(0));
        assert!(d["checks"].as_array().expect("checks").iter().all(|c| c["ok"] == true));
        let f = &d["fields"];
        assert_eq!(
            (f["surname"].as_str(), f["given_names"].as_str()),
            (Some("ERIKSSON"), Some("ANNA MARIA"))
        );
        assert_eq!(
            (f["issuing_state"].as_str(), f["sex"].as_str()),
            (Some("UTO"), Some("F"))
        );
    }
    let field = |i: usize, k: &str| docs[i]["fields"][k].as_str().unwrap_or("").to_string();
    assert_eq!(field(0, "document_number"), "L898902C3");
    assert_eq!(
        (field(0, "birth_date"), field(0, "expiry_date")),
        ("1974-08-12".into(), "2012-04-15".into())
    );
    assert_eq!(field(0, "optional_data"), "ZE184226B");
    assert_eq!(
        (field(1, "document_number"), field(2, "document_number")),
        ("D23145890".into(), "D23145890".into())
    );
    // The visas: nationality XXX (unspecified), born 1940, expired 1996; no composite digit.
    assert_eq!(
        (field(3, "nationality"), field(3, "birth_date")),
        ("XXX".into(), "1940-09-07".into())
    );
    assert_eq!(
        (field(4, "document_number"), field(4, "expiry_date")),
        ("L8988901C".into(), "1996-12-10".into())
    );
    assert_eq!(docs[3]["checks"].as_array().map(Vec::len), Some(3));
    assert_eq!(docs[0]["checks"].as_array().map(Vec::len), Some(5));
}

const PEOPLE_MAPPING: &str = r#"
[dataset]
name = "people"
format = "csv"
record_id = "id"

[source]
agency = "rs-bp"
country = "RS"

[defaults]
grading = "B2"
handling = "H1"

[entities.person]
schema = "Person"
[entities.person.properties]
name = { column = "name" }
birthDate = { column = "born" }
category = { column = "category" }

[entities.phone]
schema = "Phone"
properties.number = { column = "phone" }

[entities.uses]
schema = "Uses"
properties.user = { entity = "person" }
properties.object = { entity = "phone" }
"#;

#[test]
fn a_record_ingested_after_a_resolution_is_matched_at_once() {
    let dir = tempfile::tempdir().expect("tmp");
    let store = dir.path().join("s.db");
    let mapping = dir.path().join("people.mapping.toml");
    std::fs::write(&mapping, PEOPLE_MAPPING).expect("mapping");
    let first = dir.path().join("first.csv");
    let mut text = String::from("id,name,born,category,phone\n");
    let people = [
        ("Marko Đorđević", "1984-02-29"),
        ("Ahmad Rahimi", "1999-05-01"),
        ("Petar Petrović", "1975-11-20"),
        ("Jovan Jovanović", "1990-01-01"),
        ("Omar Haddad", "1988-03-12"),
        ("Nikola Ilić", "1969-09-30"),
    ];
    for (i, (name, born)) in people.iter().enumerate() {
        for copy in 0..2 {
            text.push_str(&format!("R{i}-{copy},{name},{born},suspect,+38164{i:07}\n"));
        }
    }
    std::fs::write(&first, text).expect("csv");
    let m = mapping.to_str().expect("utf8");
    assert_eq!(code(&corridor(&store, &["init"])), 0);
    let o = corridor(&store, &["ingest", "--mapping", m, first.to_str().expect("utf8")]);
    assert_eq!(code(&o), 0, "{}", stderr(&o));
    assert!(!stdout(&o).contains("resolution:"), "no resolution yet: {}", stdout(&o));
    let o = corridor(&store, &["resolve", "run"]);
    assert_eq!(code(&o), 0, "{}", stderr(&o));

    let second = dir.path().join("second.csv");
    std::fs::write(
        &second,
        "id,name,born,category,phone\nN1,Марко Ђорђевић,1984-02-29,suspect,+381640000000\nN2,Stranger Person,1950-01-01,suspect,+381699999999\n",
    )
    .expect("csv");
    let o = corridor(
        &store,
        &["--json", "ingest", "--mapping", m, second.to_str().expect("utf8")],
    );
    assert_eq!(code(&o), 0, "{}", stderr(&o));
    let report: serde_json::Value = serde_json::from_str(&stdout(&o)).expect("json");
    assert_eq!(report["resolution"]["new_records"], 2, "{report}");
    assert_eq!(report["resolution"]["joined"], 1, "{report}");

    let o = corridor(&store, &["resolve", "export"]);
    let export = stdout(&o);
    let identity = |entity: &str| -> String {
        export
            .lines()
            .find(|l| l.contains(&format!(",{entity},")))
            .and_then(|l| l.rsplit(',').next())
            .unwrap_or_default()
            .to_string()
    };
    assert_eq!(identity("people:N1:person"), identity("people:R0-0:person"), "{export}");
    assert_eq!(identity("people:N2:person"), "people:N2:person");
    let o = corridor(&store, &["audit", "log"]);
    assert!(stdout(&o).contains("resolve.incremental"), "{}", stdout(&o));
}

/// `resolve records` writes the person records exactly as resolution reads them (a
/// person's linked phone included), as CSV or JSON Lines, and logs the export.
#[test]
fn resolve_records_exports_the_flat_person_table_and_logs_it() {
    let dir = tempfile::tempdir().expect("tmp");
    let store = dir.path().join("s.db");
    let mapping = dir.path().join("people.mapping.toml");
    std::fs::write(&mapping, PEOPLE_MAPPING).expect("mapping");
    let csv = dir.path().join("people.csv");
    std::fs::write(
        &csv,
        "id,name,born,category,phone\nP1,Марко Ђорђевић,1984-02-29,suspect,+381640000000\nP2,Amina Rahimi,1999,victim,\n",
    )
    .expect("csv");
    assert_eq!(code(&corridor(&store, &["init"])), 0);
    let o = corridor(
        &store,
        &[
            "ingest",
            "--mapping",
            mapping.to_str().expect("utf8"),
            csv.to_str().expect("utf8"),
        ],
    );
    assert_eq!(code(&o), 0, "{}", stderr(&o));

    let o = corridor(&store, &["resolve", "records"]);
    assert_eq!(code(&o), 0, "{}", stderr(&o));
    let mut reader = csv::Reader::from_reader(o.stdout.as_slice());
    let header: Vec<String> = reader.headers().expect("header").iter().map(str::to_string).collect();
    assert_eq!(header[0], "id");
    assert!(header.contains(&"phones".to_string()) && header.contains(&"category".to_string()));
    let rows: Vec<csv::StringRecord> = reader.records().map(|r| r.expect("row")).collect();
    assert_eq!(rows.len(), 2);
    let col = |row: &csv::StringRecord, name: &str| {
        row.get(header.iter().position(|h| h == name).expect("column"))
            .unwrap_or_default()
            .to_string()
    };
    let marko = rows.iter().find(|r| col(r, "id") == "people:P1:person").expect("P1");
    assert_eq!(col(marko, "name"), "Марко Ђорђевић");
    assert_eq!(col(marko, "birth_date"), "1984-02-29");
    assert_eq!(col(marko, "phones"), "+381640000000", "the phone its row links to it");
    assert_eq!(col(marko, "agency"), "rs-bp");
    let amina = rows.iter().find(|r| col(r, "id") == "people:P2:person").expect("P2");
    assert_eq!(
        (col(amina, "category"), col(amina, "phones")),
        ("victim".to_string(), String::new())
    );

    let o = corridor(&store, &["resolve", "records", "--format", "jsonl"]);
    assert_eq!(code(&o), 0, "{}", stderr(&o));
    let lines: Vec<serde_json::Value> = stdout(&o)
        .lines()
        .map(|l| serde_json::from_str(l).expect("json line"))
        .collect();
    assert_eq!(lines.len(), 2);
    assert_eq!(lines[0]["id"], "people:P1:person");

    let o = corridor(&store, &["resolve", "records", "--format", "xml"]);
    assert_eq!(code(&o), 4, "an unknown format is bad input");
    assert!(stderr(&o).contains("csv or jsonl"), "{}", stderr(&o));

    let o = corridor(&store, &["--json", "audit", "log"]);
    let log = stdout(&o);
    assert_eq!(
        log.matches("resolution records").count(),
        2,
        "each export is logged, the refused one is not: {log}"
    );
}

/// One byte that is not UTF-8 after a thousand good lines (issue 20, item 6): the
/// thousand results are written, the error names the line, the exit code says bad
/// input; for `mrz check --jsonl` and for `names keys` alike.
#[test]
fn a_bad_byte_keeps_the_good_results_and_names_its_line() {
    use std::io::Write;
    let run = |args: &[&str], input: &[u8]| {
        let mut child = std::process::Command::new(crate::BIN)
            .args(args)
            .stdin(std::process::Stdio::piped())
            .stdout(std::process::Stdio::piped())
            .stderr(std::process::Stdio::piped())
            .spawn()
            .expect("spawn");
        child.stdin.take().expect("stdin").write_all(input).expect("write");
        child.wait_with_output().expect("wait")
    };
    let mut input = Vec::new();
    for i in 0..1000 {
        input.extend_from_slice(
            format!("{{\"id\": {i}, \"lines\": [\"P<UTOERIKSSON<<ANNA<MARIA<<<<<<<<<<<<<<<<<<<\", \"L898902C36UTO7408122F1204159ZE184226B<<<<<10\"]}}\n")
                .as_bytes(),
        );
    }
    input.extend_from_slice(b"\xff\n");
    let o = run(&["mrz", "check", "--jsonl"], &input);
    assert_eq!(code(&o), 4, "{}", stderr(&o));
    let results: Vec<serde_json::Value> = stdout(&o)
        .lines()
        .map(|l| serde_json::from_str(l).expect("json"))
        .collect();
    assert_eq!(results.len(), 1000);
    assert_eq!(results[999]["id"], 999);
    assert!(stderr(&o).contains("line 1001"), "{}", stderr(&o));

    let o = run(
        &["mrz", "check"],
        b"P<UTOERIKSSON<<ANNA<MARIA<<<<<<<<<<<<<<<<<<<\nL898902C36UTO7408122F1204159ZE184226B<<<<<10\n\n\xff\n",
    );
    assert_eq!(code(&o), 4, "{}", stderr(&o));
    assert_eq!(stdout(&o).lines().count(), 1, "the document before the bad line");
    assert!(stderr(&o).contains("line 4"), "{}", stderr(&o));

    let o = run(
        &["names", "keys"],
        b"Marko Petrovic\r\nAhmad Karimi\nAn\xe6a\nLater Line\n",
    );
    assert_eq!(code(&o), 4, "{}", stderr(&o));
    assert_eq!(stdout(&o).lines().count(), 2, "{}", stdout(&o));
    assert!(stderr(&o).contains("line 3"), "{}", stderr(&o));
}

/// An actor with a newline printed a forged line in `audit log`, an empty one left an
/// entry with no actor (issue 20, item 11): both are refused before anything is
/// done, and so are control characters in the purpose.
#[test]
fn actors_and_purposes_that_would_forge_the_log_are_refused() {
    let dir = tempfile::tempdir().expect("tmp");
    let store = dir.path().join("c.db");
    let o = corridor(&store, &["init"]);
    assert_eq!(code(&o), 0, "{}", stderr(&o));
    let as_user = |args: &[&str]| {
        std::process::Command::new(crate::BIN)
            .arg("--store")
            .arg(&store)
            .args(args)
            .output()
            .expect("run corridor")
    };
    for bad in [
        vec!["--user", "evil\n  999 2099-01-01T00:00:00Z admin read fake", "stats"],
        vec!["--user", "", "stats"],
        vec!["--user", "   ", "stats"],
        vec!["--user", "analyst", "--purpose", "case\u{1b}[2J", "stats"],
    ] {
        let o = as_user(&bad);
        assert_eq!(code(&o), 2, "{bad:?}: {}", stderr(&o));
        assert!(
            stderr(&o).contains("user") || stderr(&o).contains("purpose"),
            "{}",
            stderr(&o)
        );
    }
    let o = corridor(&store, &["audit", "log"]);
    assert_eq!(code(&o), 0, "{}", stderr(&o));
    assert!(!stdout(&o).contains("fake"), "{}", stdout(&o));
    let o = as_user(&["--user", "Đorđe Petrović", "--purpose", "case RS-14", "stats"]);
    assert_eq!(code(&o), 0, "{}", stderr(&o));
}

/// The top of `--help` says what Corridor is, not the crate's description for
/// developers (issue 20, item 14).
#[test]
fn help_begins_with_what_corridor_is() {
    let o = std::process::Command::new(crate::BIN)
        .arg("--help")
        .output()
        .expect("run corridor");
    assert_eq!(code(&o), 0);
    let help = stdout(&o);
    assert!(help.starts_with("Corridor: a node for holding, linking"), "{help}");
    assert!(!help.contains("crate"), "{help}");
}

#[test]
fn check_finds_statements_whose_provenance_is_gone() {
    let dir = tempfile::tempdir().expect("tmp");
    let store = dir.path().join("s.db");
    let (mapping, csv) = fixture(dir.path(), 3);
    corridor(&store, &["init"]);
    let m = mapping.to_str().expect("utf8");
    assert_eq!(
        code(&corridor(
            &store,
            &["ingest", "--mapping", m, csv.to_str().expect("utf8")]
        )),
        0
    );
    assert_eq!(code(&corridor(&store, &["check"])), 0);
    let conn = rusqlite::Connection::open(&store).expect("open");
    conn.execute_batch("UPDATE statement SET provenance_id = 0 WHERE id = (SELECT MAX(id) FROM statement)")
        .expect("edit");
    drop(conn);
    let o = corridor(&store, &["check"]);
    assert_eq!(code(&o), 6, "{}", stdout(&o));
    assert!(stdout(&o).contains("without a valid provenance"), "{}", stdout(&o));
}
