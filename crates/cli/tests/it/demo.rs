use crate::{BIN, code, stderr};

#[test]
fn demo_generates_ingests_everything_cleanly_and_is_idempotent() {
    let dir = tempfile::tempdir().expect("tmp");
    let work = dir.path().join("demo");
    let run = || {
        std::process::Command::new(BIN)
            .args(["--json", "demo", "--dir"])
            .arg(&work)
            .output()
            .expect("run demo")
    };
    let o = run();
    assert_eq!(code(&o), 0, "{}", stderr(&o));
    let report: serde_json::Value = serde_json::from_slice(&o.stdout).expect("json");
    let ingests = report["ingests"].as_array().expect("ingests");
    assert!(ingests.len() >= 10, "every agency's files are ingested");
    assert!(
        ingests.iter().all(|i| i["rejected"] == 0),
        "synthetic data ingests cleanly"
    );
    let records: u64 = ingests.iter().filter_map(|i| i["new_records"].as_u64()).sum();
    assert_eq!(records, report["synth"]["records"].as_u64().expect("records"));
    assert_eq!(report["audit_intact"], true);
    let schemas = report["stats"]["entities_by_schema"].as_object().expect("schemas");
    for s in [
        "Person",
        "Phone",
        "TravelDocument",
        "BorderCrossing",
        "Interception",
        "Sighting",
        "Payment",
        "Uses",
    ] {
        assert!(
            schemas.get(s).and_then(|n| n.as_u64()).is_some_and(|n| n > 0),
            "demo data has {s}"
        );
    }
    assert!(
        report["stats"]["persons_by_category"]["victim"]
            .as_u64()
            .is_some_and(|n| n > 0)
    );

    let again = run();
    assert_eq!(code(&again), 0, "{}", stderr(&again));
    let report: serde_json::Value = serde_json::from_slice(&again.stdout).expect("json");
    let ingests = report["ingests"].as_array().expect("ingests");
    assert!(
        ingests
            .iter()
            .all(|i| i["new_records"] == 0 && i["new_versions"] == 0 && i["batch_id"].is_null())
    );
}

#[test]
fn docs_check_finds_the_forged_and_altered_documents_of_the_demo_and_logs_the_read() {
    let dir = tempfile::tempdir().expect("tmp");
    let work = dir.path().join("demo");
    let o = std::process::Command::new(BIN)
        .args(["demo", "--dir"])
        .arg(&work)
        .output()
        .expect("demo");
    assert_eq!(code(&o), 0, "{}", stderr(&o));
    let store = work.join("corridor.db");
    let o = std::process::Command::new(BIN)
        .arg("--store")
        .arg(&store)
        .args(["--json", "--purpose", "document review", "docs", "check"])
        .output()
        .expect("docs check");
    assert_eq!(code(&o), 0, "{}", stderr(&o));
    let findings: serde_json::Value = serde_json::from_slice(&o.stdout).expect("json");
    let kinds: Vec<&str> = findings
        .as_array()
        .expect("list")
        .iter()
        .filter_map(|f| f["kind"].as_str())
        .collect();
    assert!(
        kinds.contains(&"mrz_invalid"),
        "forged documents have failing check digits: {kinds:?}"
    );
    assert!(
        kinds.contains(&"mrz_mismatch"),
        "altered documents disagree with their MRZ: {kinds:?}"
    );
    let truth = std::fs::read_to_string(work.join("data/truth/documents.csv")).expect("truth");
    assert!(truth.contains("forged") || truth.contains("altered"));
    // The demo imports the synthetic SLTD extract before ingesting: every hit is a
    // personalised stolen blank, and some were caught.
    let stolen: Vec<&str> = truth
        .lines()
        .filter(|l| l.contains(",stolen_blank,"))
        .filter_map(|l| l.split(',').nth(4))
        .collect();
    let hits: Vec<&serde_json::Value> = findings
        .as_array()
        .expect("list")
        .iter()
        .filter(|f| f["kind"] == "watchlist")
        .collect();
    assert!(!hits.is_empty(), "stolen blanks are on the demo's watchlist");
    for h in &hits {
        let reason = h["reason"].as_str().expect("reason");
        assert!(
            stolen.iter().any(|n| reason.contains(&format!(" {n} is listed"))),
            "a hit that is not a stolen blank: {reason}"
        );
    }
    let o = std::process::Command::new(BIN)
        .arg("--store")
        .arg(&store)
        .args(["audit", "log", "--last", "10"])
        .output()
        .expect("log");
    let log = String::from_utf8_lossy(&o.stdout);
    assert!(
        log.contains("all TravelDocument entities") && log.contains("purpose=document review"),
        "{log}"
    );
}
