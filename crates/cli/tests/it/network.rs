//! `corridor network` on the demo store: networks with brokers, one network's
//! members, a path with evidence, the reader's filters, clear refusals, and every
//! read in the audit log.

use crate::{BIN, code, corridor, stderr, stdout};

#[test]
fn networks_members_and_paths_of_the_demo_on_the_evidence_allowed() {
    let dir = tempfile::tempdir().expect("tmp");
    let work = dir.path().join("demo");
    let o = std::process::Command::new(BIN)
        .args(["demo", "--no-serve", "--dir"])
        .arg(&work)
        .output()
        .expect("run demo");
    assert_eq!(code(&o), 0, "{}", stderr(&o));
    let store = work.join("corridor.db");
    let json = |args: &[&str]| -> serde_json::Value {
        let mut all = vec!["--json", "--purpose", "case NET-1"];
        all.extend_from_slice(args);
        let o = corridor(&store, &all);
        assert_eq!(code(&o), 0, "{args:?}: {}", stderr(&o));
        serde_json::from_str(&stdout(&o)).expect("json")
    };

    let list = json(&["network", "list"]);
    let networks = list["networks"].as_array().expect("networks");
    assert!(networks.len() >= 3, "the demo has several networks");
    let sizes: Vec<u64> = networks.iter().map(|n| n["size"].as_u64().expect("size")).collect();
    assert!(sizes.windows(2).all(|w| w[0] >= w[1]), "largest first: {sizes:?}");
    assert!(sizes.iter().all(|&s| s >= 3));
    for n in networks {
        // Victims are counted but never ranked as brokers by default.
        for b in n["brokers"].as_array().expect("brokers") {
            assert!(b["betweenness"].as_f64().is_some());
        }
        assert!(!n["agencies"].as_array().expect("agencies").is_empty());
    }
    assert!(list["modularity"].as_f64().expect("q") > 0.3);

    let shown = json(&["network", "show", "1"]);
    let members = shown["members"].as_array().expect("members");
    assert_eq!(members.len() as u64, sizes[0]);
    let protected: Vec<&str> = members
        .iter()
        .filter(|m| m["protected"] == true)
        .filter_map(|m| m["id"].as_str())
        .collect();
    for b in shown["brokers"].as_array().expect("brokers") {
        assert!(
            !protected.contains(&b["id"].as_str().expect("id")),
            "a victim ranked as broker"
        );
    }
    // Two members of one network are joined by a path whose every step has evidence.
    let (a, b) = (
        members[0]["id"].as_str().expect("id"),
        members[members.len() - 1]["id"].as_str().expect("id"),
    );
    let p = json(&["network", "path", a, b]);
    let steps = p["path"].as_array().expect("path");
    assert_eq!(steps.first().and_then(|s| s["id"].as_str()), Some(a));
    assert_eq!(steps.last().and_then(|s| s["id"].as_str()), Some(b));
    for s in &steps[1..] {
        let evidence = s["evidence"].as_array().expect("evidence");
        assert!(!evidence.is_empty());
        for e in evidence {
            assert!(!e["statements"].as_array().expect("statements").is_empty());
            assert!(e["grading"].is_string() || e["grading"].is_object());
        }
    }

    // A reader that stops early (`| head`) ends the command quietly.
    let mut child = std::process::Command::new(BIN)
        .arg("--store")
        .arg(&store)
        .args(["--json", "network", "show", "1"])
        .stdout(std::process::Stdio::piped())
        .stderr(std::process::Stdio::piped())
        .spawn()
        .expect("spawn");
    let mut first = [0u8; 16];
    std::io::Read::read_exact(child.stdout.as_mut().expect("stdout"), &mut first).expect("some output");
    drop(child.stdout.take());
    let done = child.wait_with_output().expect("wait");
    assert!(done.status.success(), "{}", String::from_utf8_lossy(&done.stderr));
    assert!(!String::from_utf8_lossy(&done.stderr).contains("panicked"));

    // Neighbourhood: direct contacts first, each with how it is linked.
    let near = json(&["network", "near", a, "--hops", "2"]);
    let rows = near["near"].as_array().expect("near");
    assert!(!rows.is_empty());
    let hops: Vec<u64> = rows.iter().map(|r| r["hops"].as_u64().expect("hops")).collect();
    assert!(hops.windows(2).all(|w| w[0] <= w[1]) && hops.iter().all(|&h| (1..=2).contains(&h)));
    assert!(
        rows.iter()
            .filter(|r| r["hops"] == 1)
            .all(|r| !r["linked_by"].as_array().expect("kinds").is_empty())
    );

    // Filters: only stated relations and payments leave fewer links; an impossible
    // window leaves none.
    let stated = json(&["network", "list", "--kind", "relation", "--kind", "payment"]);
    assert!(stated["links"].as_u64() < list["links"].as_u64());
    let none = json(&["network", "list", "--from", "1990-01-01", "--to", "1990-12-31"]);
    assert_eq!(none["links"], 0);
    assert_eq!(none["networks"].as_array().map(Vec::len), Some(0));

    // Clear refusals.
    let o = corridor(&store, &["network", "list", "--kind", "friends"]);
    assert_eq!(code(&o), 4);
    assert!(
        stderr(&o).contains("relation, payment, selector, event"),
        "{}",
        stderr(&o)
    );
    let o = corridor(&store, &["network", "list", "--from", "2026-31-01x"]);
    assert_eq!(code(&o), 4);
    assert!(stderr(&o).contains("YYYY-MM-DD"));
    let o = corridor(&store, &["network", "list", "--min-grading", "Z9"]);
    assert_eq!(code(&o), 4);
    let o = corridor(&store, &["network", "show", "9999"]);
    assert_eq!(code(&o), 7);
    // The message comes from the application layer and names no command.
    assert!(stderr(&o).contains("no network N9999"), "{}", stderr(&o));
    let o = corridor(&store, &["network", "path", a, "nobody:1:person"]);
    assert_eq!(code(&o), 7);
    assert!(stderr(&o).contains("nobody:1:person"));

    // Exports: written whole, one network only, logged; a bad format is refused
    // before anything is read or written.
    let file = dir.path().join("n1.graphml");
    let o = corridor(
        &store,
        &[
            "--purpose",
            "case NET-1",
            "network",
            "export",
            "--format",
            "graphml",
            "--network",
            "1",
            "--out",
            file.to_str().expect("utf8"),
        ],
    );
    assert_eq!(code(&o), 0, "{}", stderr(&o));
    let graphml = std::fs::read_to_string(&file).expect("written");
    assert_eq!(graphml.matches("<node id=").count() as u64, sizes[0]);
    assert!(graphml.trim_end().ends_with("</graphml>"));
    let o = corridor(&store, &["network", "export", "--format", "geojson"]);
    assert_eq!(code(&o), 0, "{}", stderr(&o));
    let geo: serde_json::Value = serde_json::from_str(&stdout(&o)).expect("geojson");
    assert_eq!(geo["type"], "FeatureCollection");
    assert!(geo["features"].as_array().is_some_and(|f| !f.is_empty()));
    let bad_out = dir.path().join("never.xml");
    let o = corridor(
        &store,
        &[
            "network",
            "export",
            "--format",
            "pdf",
            "--out",
            bad_out.to_str().expect("utf8"),
        ],
    );
    assert_eq!(code(&o), 4);
    assert!(
        stderr(&o).contains("graphml, gexf, cytoscape, geojson"),
        "{}",
        stderr(&o)
    );
    assert!(!bad_out.exists());

    // Routes: tracks in time order, weekly flows, spikes.
    let flows = json(&["routes", "flows"]);
    let flows = flows.as_array().expect("flows");
    assert!(!flows.is_empty());
    for f in flows {
        assert!(
            f["week"].as_str().is_some_and(|w| w.len() == 8 && &w[4..6] == "-W"),
            "{f}"
        );
        assert_ne!(f["from"], f["to"]);
        assert!(f["parties"].as_u64().is_some_and(|p| p >= 1));
    }
    let one = json(&["routes", "flows", "--network", "1"]);
    assert!(one.as_array().expect("flows").iter().all(|f| f["network"] == 1));
    let spikes = json(&["routes", "spikes"]);
    for s in spikes["places"]
        .as_array()
        .expect("places")
        .iter()
        .chain(spikes["routes"].as_array().expect("routes"))
    {
        assert!(s["count"].as_f64().expect("count") > s["baseline_mean"].as_f64().expect("mean"));
    }
    let mover = flows[0]["week"].as_str().map(|_| ()).and_then(|_| {
        members.iter().find_map(|m| {
            let id = m["id"].as_str()?;
            let t = json(&["routes", "track", id]);
            (t["track"].as_array()?.len() >= 2).then(|| (id.to_string(), t))
        })
    });
    let (mover, track) = mover.expect("a member of network 1 with two events");
    let dates: Vec<&str> = track["track"]
        .as_array()
        .expect("track")
        .iter()
        .filter_map(|p| p["date"].as_str())
        .collect();
    assert!(dates.windows(2).all(|w| w[0] <= w[1]), "{dates:?}");
    let geo = json(&["routes", "track", &mover, "--geojson"]);
    assert_eq!(geo["type"], "FeatureCollection");
    assert!(
        geo["handling_full"].as_str().is_some_and(|h| h.starts_with('H')),
        "{geo}"
    );
    let o = corridor(&store, &["routes", "track", "nobody:1:person"]);
    assert_eq!(code(&o), 7);
    let o = corridor(&store, &["routes", "spikes", "--window", "0"]);
    assert_eq!(code(&o), 4);

    // Every read of personal data is in the audit log with its purpose, and so is
    // every export.
    let o = corridor(&store, &["audit", "log"]);
    let log = stdout(&o);
    assert!(
        log.contains("evidence of all Person, Organization") && log.contains("purpose=case NET-1"),
        "{log}"
    );
    assert!(log.contains("network graph N1 as graphml to"), "{log}");
    let o = corridor(&store, &["audit", "verify"]);
    assert_eq!(code(&o), 0, "{}", stdout(&o));
}
