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
