use crate::{BIN, code, stderr, stdout};

#[test]
fn demo_generates_ingests_everything_cleanly_and_is_idempotent() {
    let dir = tempfile::tempdir().expect("tmp");
    let work = dir.path().join("demo");
    let run = || {
        std::process::Command::new(BIN)
            .args(["--json", "demo", "--no-serve", "--dir"])
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
    // Networks are mapped and scored against the generator's.
    assert!(report["networks"]["networks"].as_u64().is_some_and(|n| n >= 3));
    let ari = report["networks"]["against_truth"]["adjusted_rand_index"]
        .as_f64()
        .expect("ARI");
    assert!(ari > 0.0 && ari <= 1.0, "{ari}");
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
        .args(["demo", "--no-serve", "--dir"])
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

fn run(store: &std::path::Path, args: &[&str]) -> std::process::Output {
    std::process::Command::new(BIN)
        .arg("--store")
        .arg(store)
        .args(["--user", "analyst7", "--purpose", "case RS-14"])
        .args(args)
        .output()
        .expect("run corridor")
}

#[test]
fn resolution_through_the_binary_explains_decides_undoes_and_exports() {
    let dir = tempfile::tempdir().expect("tmp");
    let work = dir.path().join("demo");
    let o = std::process::Command::new(BIN)
        .args(["--json", "demo", "--no-serve", "--dir"])
        .arg(&work)
        .output()
        .expect("demo");
    assert_eq!(code(&o), 0, "{}", stderr(&o));
    let demo: serde_json::Value = serde_json::from_slice(&o.stdout).expect("json");
    let truth = &demo["resolution"]["against_truth"];
    assert!(
        truth["precision"].as_f64() > Some(0.9) && truth["cluster_precision"].as_f64() > Some(0.9),
        "{truth}"
    );
    let store = work.join("corridor.db");

    let o = run(&store, &["resolve", "export"]);
    assert_eq!(code(&o), 0, "{}", stderr(&o));
    let text = stdout(&o);
    let mut lines = text.lines();
    assert_eq!(lines.next(), Some("agency,dataset,record_id,entity,identity"));
    let rows: Vec<Vec<String>> = lines.map(|l| l.rsplitn(2, ',').map(str::to_string).collect()).collect();
    let persons = demo["resolution"]["records"].as_u64().expect("records") as usize;
    assert!(
        rows.len() > persons,
        "persons, then phones, documents, vehicles, vessels, organisations"
    );
    // Phones with one number are one identity.
    let is_phone = |r: &&Vec<String>| r[1].ends_with(":phone") || r[1].ends_with("_phone");
    let phones = rows.iter().filter(is_phone).count();
    let phone_ids: std::collections::HashSet<&str> = rows.iter().filter(is_phone).map(|r| r[0].as_str()).collect();
    assert!(
        phone_ids.len() < phones,
        "{phones} phones in {} identities",
        phone_ids.len()
    );
    // Two records the run joined.
    let mut by_identity: std::collections::HashMap<&str, Vec<&str>> = std::collections::HashMap::new();
    for r in rows.iter().take(persons) {
        let entity = r[1].rsplit(',').next().expect("entity");
        by_identity.entry(r[0].as_str()).or_default().push(entity);
    }
    let pair = by_identity
        .values()
        .find(|v| v.len() == 2)
        .expect("a two-record identity");
    let (a, b) = (pair[0], pair[1]);

    let o = run(&store, &["--json", "resolve", "explain", a, b]);
    assert_eq!(code(&o), 0, "{}", stderr(&o));
    let e: serde_json::Value = serde_json::from_slice(&o.stdout).expect("json");
    let sum: f64 = e["terms"]
        .as_array()
        .expect("terms")
        .iter()
        .filter_map(|t| t["weight"].as_f64())
        .sum();
    let weight = e["match_weight"].as_f64().expect("weight");
    assert!((sum - weight).abs() < 1e-9, "terms {sum} vs weight {weight}");
    assert!(e["match_probability"].as_f64() >= Some(0.9));

    let o = run(
        &store,
        &["resolve", "decide", a, b, "--reject", "--reason", "fingerprints differ"],
    );
    assert_eq!(code(&o), 0, "{}", stderr(&o));
    assert!(stdout(&o).contains("now two identities"), "{}", stdout(&o));
    let o = run(
        &store,
        &["resolve", "decide", a, b, "--confirm", "--reason", "rejected in error"],
    );
    assert!(stdout(&o).contains("now one identity"), "undo: {}", stdout(&o));
    let o = run(&store, &["--json", "audit", "log", "--last", "40"]);
    let log = stdout(&o);
    assert!(
        log.contains("resolve.reject") && log.contains("fingerprints differ") && log.contains("resolve.confirm"),
        "{log}"
    );
    assert!(log.contains("analyst7"), "{log}");
    let o = run(&store, &["resolve", "explain", a, "nope:x:person"]);
    assert_eq!(code(&o), 7, "{}", stderr(&o));
    // A model saved by a version with other comparison levels is refused with what
    // to do, not used to score with the wrong weights.
    let saved = dir.path().join("model.json");
    let saved_arg = saved.to_str().expect("utf-8 path");
    let o = run(&store, &["resolve", "run", "--save-model", saved_arg]);
    assert_eq!(code(&o), 0, "{}", stderr(&o));
    let mut model: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(&saved).expect("saved model")).expect("model json");
    for c in model["comparisons"].as_array_mut().expect("comparisons") {
        if c["attribute"] == "birth_date" {
            c["m"].as_array_mut().expect("m").pop();
            c["u"].as_array_mut().expect("u").pop();
        }
    }
    std::fs::write(&saved, model.to_string()).expect("write model");
    let o = run(&store, &["resolve", "run", "--model", saved_arg]);
    assert_ne!(code(&o), 0, "an old model is refused");
    assert!(stderr(&o).contains("corridor resolve run"), "{}", stderr(&o));
    let o = run(
        &store,
        &["resolve", "decide", a, "nope:x:person", "--reject", "--reason", "x"],
    );
    assert_eq!(
        code(&o),
        7,
        "a decision on an unknown record is refused: {}",
        stderr(&o)
    );
}

/// One HTTP/1.1 request over a fresh connection: the status line, headers and body.
fn http(addr: &str, method: &str, path: &str, headers: &[(&str, &str)], body: &str) -> (String, String) {
    use std::io::{Read, Write};
    let mut s = std::net::TcpStream::connect(addr).expect("connect");
    let mut req = format!(
        "{method} {path} HTTP/1.1\r\nHost: {addr}\r\nConnection: close\r\nContent-Length: {}\r\n",
        body.len()
    );
    for (k, v) in headers {
        req.push_str(&format!("{k}: {v}\r\n"));
    }
    req.push_str("\r\n");
    req.push_str(body);
    s.write_all(req.as_bytes()).expect("send");
    let mut answer = String::new();
    s.read_to_string(&mut answer).expect("read");
    let (head, body) = answer.split_once("\r\n\r\n").unwrap_or((&answer, ""));
    (head.to_string(), body.to_string())
}

#[test]
fn demo_ends_serving_its_node_with_a_user_per_role() {
    use std::io::BufRead;
    let dir = tempfile::tempdir().expect("tmp");
    let mut child = std::process::Command::new(BIN)
        .args(["--json", "demo", "--listen", "127.0.0.1:0", "--dir"])
        .arg(dir.path().join("demo"))
        .stdout(std::process::Stdio::piped())
        .stderr(std::process::Stdio::null())
        .spawn()
        .expect("demo");
    // The report is printed whole before the node serves.
    let mut text = String::new();
    for line in std::io::BufReader::new(child.stdout.take().expect("stdout")).lines() {
        let line = line.expect("line");
        let end = line == "}";
        text.push_str(&line);
        text.push('\n');
        if end {
            break;
        }
    }
    let report: serde_json::Value = serde_json::from_str(&text).expect("json report");
    let node = &report["node"];
    let url = node["url"].as_str().expect("url");
    let addr = url
        .trim_start_matches("http://")
        .trim_end_matches("/api/v1")
        .to_string();
    let users = node["users"].as_array().expect("users");
    let roles: Vec<&str> = users.iter().filter_map(|u| u["role"].as_str()).collect();
    for role in ["admin", "supervisor", "analyst", "dpo"] {
        assert!(roles.contains(&role), "{roles:?}");
    }
    let analyst = users.iter().find(|u| u["role"] == "analyst").expect("analyst");
    let login = serde_json::json!({"user": analyst["name"], "password": analyst["password"]}).to_string();
    let (head, body) = http(
        &addr,
        "POST",
        "/api/v1/login",
        &[("content-type", "application/json")],
        &login,
    );
    assert!(head.starts_with("HTTP/1.1 200"), "{head}\n{body}");
    let cookie = head
        .lines()
        .find(|l| l.to_ascii_lowercase().starts_with("set-cookie:"))
        .and_then(|l| l.split_once(':'))
        .map(|(_, v)| v.trim().split(';').next().unwrap_or_default().to_string())
        .expect("a session cookie");
    let (head, body) = http(
        &addr,
        "GET",
        "/api/v1/networks",
        &[
            ("cookie", &cookie),
            ("corridor-case", "demo"),
            ("corridor-purpose", "investigation"),
        ],
        "",
    );
    assert!(head.starts_with("HTTP/1.1 200"), "{head}\n{body}");
    let listing: serde_json::Value = serde_json::from_str(&body).expect("json");
    assert!(
        listing["networks"].as_array().is_some_and(|n| n.len() >= 3),
        "the demo's networks: {listing}"
    );
    // The demo refuses to print passwords for a node reachable from elsewhere.
    let o = std::process::Command::new(BIN)
        .args(["demo", "--listen", "0.0.0.0:0", "--dir"])
        .arg(dir.path().join("other"))
        .output()
        .expect("demo");
    assert_eq!(code(&o), 4, "{}", stderr(&o));
    let killed = std::process::Command::new("kill")
        .args(["-TERM", &child.id().to_string()])
        .status()
        .expect("kill");
    assert!(killed.success());
    assert!(child.wait().expect("wait").success());
}
