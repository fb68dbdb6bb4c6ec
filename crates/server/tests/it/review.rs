//! Decisions on pairs through the API: only the case's records; a pair with a
//! victim's or witness's record is a supervisor's to decide, on its own route.

use axum::http::StatusCode;

use crate::{Fixture, fixture, send, send_body};

async fn post(f: &Fixture, user: &str, path: &str, body: &str) -> (StatusCode, serde_json::Value) {
    let bearer = format!("Bearer {}", f.tokens[user]);
    let (status, _, json) = send_body(
        &f.node,
        "POST",
        path,
        &[
            ("authorization", &bearer),
            ("corridor-case", "op-danube"),
            ("corridor-purpose", "investigation"),
            ("content-type", "application/json"),
        ],
        body,
    )
    .await;
    (status, json)
}

fn pair(a: &str, b: &str, decision: &str, reason: &str) -> String {
    serde_json::json!({"a": a, "b": b, "decision": decision, "reason": reason}).to_string()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_pair_with_a_victim_is_a_supervisors_decision() {
    let f = fixture();
    // Goran here is the H1 suspect Milan Petrović; record 3 is H3.
    let (marko, ahmad, goran) = (
        "mk-crossings:1:person",
        "mk-crossings:2:person",
        "mk-crossings:4:person",
    );
    let ordinary = "/api/v1/review/decisions";
    let protected = "/api/v1/review/protected-decisions";
    // Ahmad is recorded as a victim: not the analyst's to decide, nor on the ordinary route.
    let (status, body) = post(&f, "ana", ordinary, &pair(marko, ahmad, "reject", "different people")).await;
    assert_eq!(status, StatusCode::FORBIDDEN, "{body}");
    let (status, body) = post(&f, "sam", ordinary, &pair(marko, ahmad, "reject", "different people")).await;
    assert_eq!(status, StatusCode::FORBIDDEN, "{body}");
    let (status, body) = post(&f, "ana", protected, &pair(marko, ahmad, "reject", "different people")).await;
    assert_eq!(
        status,
        StatusCode::FORBIDDEN,
        "the analyst may not use the protected route: {body}"
    );
    let (status, body) = post(&f, "sam", protected, &pair(marko, ahmad, "reject", "different people")).await;
    assert_eq!(status, StatusCode::OK, "{body}");
    assert_eq!(body["joined"], false);
    // Two suspects: the analyst decides.
    let (status, body) = post(
        &f,
        "ana",
        ordinary,
        &pair(marko, goran, "reject", "different birth places"),
    )
    .await;
    assert_eq!(status, StatusCode::OK, "{body}");
    // A record above her clearance (H3) is not there for her.
    let h3 = "mk-crossings:3:person";
    let (status, body) = post(&f, "ana", ordinary, &pair(marko, h3, "reject", "different people")).await;
    assert_eq!(status, StatusCode::NOT_FOUND, "{body}");
    // Not the case's records, no reason, an unknown word: refused.
    let (status, body) = post(&f, "ana", ordinary, &pair(marko, "other:1:person", "reject", "x")).await;
    assert_eq!(status, StatusCode::NOT_FOUND, "{body}");
    let (status, body) = post(&f, "ana", ordinary, &pair(marko, goran, "reject", "  ")).await;
    assert_eq!(status, StatusCode::BAD_REQUEST, "{body}");
    let (status, body) = post(&f, "ana", ordinary, &pair(marko, goran, "merge", "x")).await;
    assert_eq!(status, StatusCode::BAD_REQUEST, "{body}");
    // Every decision is in the log with its user, token, case and purpose.
    let dpo = format!("Bearer {}", f.tokens["dora"]);
    let (_, log) = send(&f.node, "GET", "/api/v1/audit?limit=1000", &[("authorization", &dpo)]).await;
    let rejects: Vec<&serde_json::Value> = log
        .as_array()
        .expect("log")
        .iter()
        .filter(|e| e["action"] == "resolve.reject")
        .collect();
    assert_eq!(rejects.len(), 2, "{rejects:?}");
    assert!(
        rejects
            .iter()
            .any(|e| e["actor"].as_str().is_some_and(|a| a.starts_with("sam (token ")))
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_pair_reaching_an_identity_that_holds_a_victim_is_a_supervisors_too() {
    let f = fixture();
    let (marko, ahmad, goran) = (
        "mk-crossings:1:person",
        "mk-crossings:2:person",
        "mk-crossings:4:person",
    );
    // The supervisor confirms the suspect's and the victim's records as one person.
    let (status, body) = post(
        &f,
        "sam",
        "/api/v1/review/protected-decisions",
        &pair(marko, ahmad, "confirm", "same person, verified in interview"),
    )
    .await;
    assert_eq!(status, StatusCode::OK, "{body}");
    assert_eq!(body["joined"], true);
    // Goran and Marko are both suspects, but Marko's identity now holds a victim's record.
    let (status, body) = post(
        &f,
        "ana",
        "/api/v1/review/decisions",
        &pair(goran, marko, "confirm", "same phone"),
    )
    .await;
    assert_eq!(status, StatusCode::FORBIDDEN, "{body}");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_explanation_is_a_waterfall_of_two_visible_records_of_the_case() {
    let f = fixture();
    let bearer = format!("Bearer {}", f.tokens["ana"]);
    let h = [
        ("authorization", bearer.as_str()),
        ("corridor-case", "op-danube"),
        ("corridor-purpose", "investigation"),
    ];
    let uri = "/api/v1/entities/mk-crossings:1:person/explanation?with=mk-crossings:4:person";
    let (status, body) = crate::send(&f.node, "GET", uri, &h).await;
    assert_eq!(status, StatusCode::OK, "{body}");
    let terms = body["terms"].as_array().expect("terms");
    assert!(terms.len() > 1, "{body}");
    let sum: f64 = terms.iter().map(|t| t["weight"].as_f64().expect("weight")).sum();
    let weight = body["match_weight"].as_f64().expect("weight");
    assert!((sum - weight).abs() < 1e-6, "the terms add up to the weight: {body}");
    // An H3 record is above the analyst's clearance: as if it were not there.
    let uri = "/api/v1/entities/mk-crossings:1:person/explanation?with=mk-crossings:3:person";
    let (status, body) = crate::send(&f.node, "GET", uri, &h).await;
    assert_eq!(status, StatusCode::NOT_FOUND, "{body}");
    // A record of no case's: not found either.
    let uri = "/api/v1/entities/mk-crossings:1:person/explanation?with=elsewhere:1:person";
    let (status, _) = crate::send(&f.node, "GET", uri, &h).await;
    assert_eq!(status, StatusCode::NOT_FOUND);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_export_is_drafted_approved_by_another_and_produced_once_by_its_drafter() {
    let f = fixture();
    let draft =
        serde_json::json!({"format": "graphml", "justification": "for the prosecutor, case K-12/26"}).to_string();
    let (status, body) = post(&f, "ana", "/api/v1/exports", &draft).await;
    assert_eq!(status, StatusCode::CREATED, "{body}");
    let id = body["id"].as_i64().expect("id");
    let get = |user: &'static str, path: String| {
        let f = &f;
        async move {
            let bearer = format!("Bearer {}", f.tokens[user]);
            crate::send_raw(
                &f.node,
                "GET",
                &path,
                &[
                    ("authorization", &bearer),
                    ("corridor-case", "op-danube"),
                    ("corridor-purpose", "investigation"),
                ],
            )
            .await
        }
    };
    let file = format!("/api/v1/exports/{id}/file");
    let (status, _) = get("ana", file.clone()).await;
    assert_eq!(status, StatusCode::CONFLICT, "waits for approval");
    // A supervisor does not approve their own draft.
    let (status, body) = post(&f, "sam", "/api/v1/exports", &draft).await;
    assert_eq!(status, StatusCode::CREATED, "{body}");
    let own = body["id"].as_i64().expect("id");
    let decision = serde_json::json!({"approve": true, "reason": "needed for the hearing"}).to_string();
    let (status, body) = post(&f, "sam", &format!("/api/v1/exports/{own}/decision"), &decision).await;
    assert_eq!(status, StatusCode::FORBIDDEN, "{body}");
    // The analyst may not approve at all; the supervisor approves the analyst's.
    let (status, _) = post(&f, "ana", &format!("/api/v1/exports/{id}/decision"), &decision).await;
    assert_eq!(status, StatusCode::FORBIDDEN);
    let (status, body) = post(&f, "sam", &format!("/api/v1/exports/{id}/decision"), &decision).await;
    assert_eq!(status, StatusCode::OK, "{body}");
    assert_eq!(body["state"], "approved");
    let (status, body) = post(&f, "sam", &format!("/api/v1/exports/{id}/decision"), &decision).await;
    assert_eq!(status, StatusCode::CONFLICT, "decided once: {body}");
    // Only its drafter produces it, once.
    let (status, _) = get("sam", file.clone()).await;
    assert_eq!(status, StatusCode::FORBIDDEN);
    let (status, bytes) = get("ana", file.clone()).await;
    assert_eq!(status, StatusCode::OK);
    assert!(String::from_utf8_lossy(&bytes).contains("<graphml"));
    let (status, _) = get("ana", file).await;
    assert_eq!(status, StatusCode::CONFLICT, "an approval is used once");
    // Another case's member does not see it.
    let bearer = format!("Bearer {}", f.tokens["otto"]);
    let (status, body) = crate::send(
        &f.node,
        "GET",
        "/api/v1/exports",
        &[
            ("authorization", &bearer),
            ("corridor-case", "op-evros"),
            ("corridor-purpose", "investigation"),
        ],
    )
    .await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(body.as_array().map(Vec::len), Some(0), "{body}");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_dpo_erases_a_record_through_the_api_and_it_is_gone_from_the_file() {
    let f = fixture();
    let store = f._dir.path().join("node.corridor");
    let dora = format!("Bearer {}", f.tokens["dora"]);
    let ana = format!("Bearer {}", f.tokens["ana"]);
    let h = |bearer: &str| {
        vec![
            ("authorization", bearer.to_string()),
            ("corridor-case", "op-danube".to_string()),
            ("corridor-purpose", "investigation".to_string()),
        ]
    };
    let as_refs = |v: &[(&'static str, String)]| v.iter().map(|(k, v)| (*k, v.clone())).collect::<Vec<_>>();
    let dh = as_refs(&h(&dora));
    let dh: Vec<(&str, &str)> = dh.iter().map(|(k, v)| (*k, v.as_str())).collect();
    // The queue's opaque ids; Marko Jovanović's record is erased by its id.
    let (status, queue) = crate::send(&f.node, "GET", "/api/v1/retention", &dh).await;
    assert_eq!(status, StatusCode::OK, "{queue}");
    // The store and its WAL, as bytes.
    let bytes = || {
        let mut all = std::fs::read(&store).expect("read");
        all.extend(std::fs::read(store.with_extension("corridor-wal")).unwrap_or_default());
        all
    };
    let holds = |all: &[u8]| all.windows("Jovanović".len()).any(|w| w == "Jovanović".as_bytes());
    assert!(holds(&bytes()), "the name is in the store before");
    let ids: Vec<String> = queue
        .as_array()
        .expect("queue")
        .iter()
        .map(|i| i["record"].as_str().expect("id").to_string())
        .collect();
    // Erase each record the analyst can read in turn until Marko's is gone.
    let ah = as_refs(&h(&ana));
    let ah: Vec<(&str, &str)> = ah.iter().map(|(k, v)| (*k, v.as_str())).collect();
    let marko = "/api/v1/entities/mk-crossings:1:person";
    let (status, _) = crate::send(&f.node, "GET", marko, &ah).await;
    assert_eq!(status, StatusCode::OK);
    let mut erased = false;
    for id in ids {
        let body = serde_json::json!({"records": [id], "reason": "Art. 16 request 7"}).to_string();
        let mut hb = dh.clone();
        hb.push(("content-type", "application/json"));
        let (status, _, out) = crate::send_body(&f.node, "POST", "/api/v1/retention/erasures", &hb, &body).await;
        assert_eq!(status, StatusCode::OK, "{out}");
        let (status, _) = crate::send(&f.node, "GET", marko, &ah).await;
        if status == StatusCode::NOT_FOUND {
            erased = true;
            break;
        }
    }
    assert!(erased, "Marko's record was among the queue's");
    assert!(!holds(&bytes()), "the name is gone from the store and its WAL");
    let (status, held) = crate::send(&f.node, "GET", "/api/v1/retention/held", &dh).await;
    assert_eq!(status, StatusCode::OK);
    assert!(held.as_array().is_some_and(|a| !a.is_empty()), "{held}");
}

/// A case worker rectifies a statement of the case: the corrected one is current,
/// the old one history and marked; other roles, bad ids and unknown fields are
/// refused with the error table's codes.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_statement_is_rectified_through_the_api() {
    let f = fixture();
    let bearer = format!("Bearer {}", f.tokens["ana"]);
    let headers = [
        ("authorization", bearer.as_str()),
        ("corridor-case", "op-danube"),
        ("corridor-purpose", "investigation"),
    ];
    let (status, entity) = send(&f.node, "GET", "/api/v1/entities/mk-crossings:1:person", &headers).await;
    assert_eq!(status, StatusCode::OK, "{entity}");
    let name = entity["statements"]
        .as_array()
        .expect("statements")
        .iter()
        .find(|s| s["prop"] == "name")
        .expect("a name");
    let id = name["id"].as_i64().expect("id");
    let path = format!("/api/v1/statements/{id}/rectification");
    let body = serde_json::json!({"value": "Marko Jovanovski", "reason": "ticket 7: surname misread"}).to_string();
    let (status, _) = post(&f, "dora", &path, &body).await;
    assert_eq!(status, StatusCode::FORBIDDEN, "a DPO reads and changes no case content");
    let (status, out) = post(&f, "ana", "/api/v1/statements/x1/rectification", &body).await;
    assert_eq!(status, StatusCode::NOT_FOUND, "{out}");
    let unknown = serde_json::json!({"value": "x", "reason": "y", "extra": 1}).to_string();
    let (status, out) = post(&f, "ana", &path, &unknown).await;
    assert_eq!(status, StatusCode::BAD_REQUEST, "{out}");
    let (status, out) = post(&f, "ana", &path, &body).await;
    assert_eq!(status, StatusCode::OK, "{out}");
    let new = out["new"].as_i64().expect("the new statement");
    assert!(new > id);
    let (status, entity) = send(
        &f.node,
        "GET",
        "/api/v1/entities/mk-crossings:1:person?history=true",
        &headers,
    )
    .await;
    assert_eq!(status, StatusCode::OK);
    let current: Vec<&serde_json::Value> = entity["statements"]
        .as_array()
        .expect("statements")
        .iter()
        .filter(|s| s["prop"] == "name" && s["current"] == true)
        .collect();
    assert_eq!(current.len(), 1);
    assert_eq!(current[0]["value"], "Marko Jovanovski");
    let marks = entity["rectifications"].as_array().expect("marks");
    assert_eq!(
        (marks[0]["old"].as_i64(), marks[0]["new"].as_i64()),
        (Some(id), Some(new))
    );
    assert!(
        marks[0]["by"].as_str().is_some_and(|b| b.starts_with("ana")),
        "{marks:?}"
    );
    let (status, out) = post(&f, "ana", &path, &body).await;
    assert_eq!(status, StatusCode::BAD_REQUEST, "history is not rectified again: {out}");
}

/// Reads answered at once from several connections are each logged before they
/// are answered (the read log's group commit writes them together), and the
/// chain verifies.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn concurrent_reads_are_each_logged_before_they_are_answered() {
    let f = fixture();
    let path = f._dir.path().join("node.corridor");
    let reads = |store: &corridor_store::SqliteStore| {
        store
            .audit_entries()
            .expect("log")
            .iter()
            .filter(|r| r.entry.action.as_str() == "read" && r.entry.target.contains("mk-crossings:1:person"))
            .count()
    };
    let before = reads(&corridor_store::SqliteStore::open(&path).expect("open"));
    let bearer = format!("Bearer {}", f.tokens["ana"]);
    let mut tasks = Vec::new();
    for _ in 0..24 {
        let node = f.node.clone();
        let bearer = bearer.clone();
        tasks.push(tokio::spawn(async move {
            let headers = [
                ("authorization", bearer.as_str()),
                ("corridor-case", "op-danube"),
                ("corridor-purpose", "investigation"),
            ];
            send(&node, "GET", "/api/v1/entities/mk-crossings:1:person", &headers)
                .await
                .0
        }));
    }
    for t in tasks {
        assert_eq!(t.await.expect("task"), StatusCode::OK);
    }
    use corridor_store::Store;
    let store = corridor_store::SqliteStore::open(&path).expect("open");
    assert!(
        reads(&store) >= before + 24,
        "{} logged reads, {before} before",
        reads(&store)
    );
    assert!(store.verify_audit().expect("verify").problems.is_empty());
}
