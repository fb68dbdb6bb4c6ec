//! Integration tests of the node server, one binary (see style.md): requests go
//! through the real router (guard, policy, handlers, store) without a socket.

mod matrix;
mod review;
mod sessions;
mod slow;
mod upload;

use axum::body::Body;
use axum::http::{Request, StatusCode};
use corridor_app::Session;
use corridor_app::access;
use corridor_server::{Node, router};
use corridor_store::SqliteStore;
use http_body_util::BodyExt;
use tower::ServiceExt;

pub(crate) const MAPPING: &str = r#"
[dataset]
name = "mk-crossings"
format = "csv"
record_id = "id"

[source]
agency = "mk-bp"
country = "MK"
unit = "Gevgelija"

[defaults]
grading = "B2"
handling = { column = "handling" }
restriction = { column = "restriction" }

[entities.person]
schema = "Person"
[entities.person.properties]
name = { column = "name" }
category = { column = "category" }
"#;

/// A node with one data set in case `op-danube` (members: ana the analyst, sam the
/// supervisor), a second case `op-evros` with no members, a DPO, an administrator,
/// the purpose `investigation`, and a token per user.
pub(crate) struct Fixture {
    pub _dir: tempfile::TempDir,
    pub node: Node,
    pub tokens: std::collections::BTreeMap<&'static str, String>,
    pub expired: String,
    pub revoked: String,
    pub entity: String,
}

pub(crate) fn fixture() -> Fixture {
    let dir = tempfile::tempdir().expect("dir");
    let path = dir.path().join("node.corridor");
    let (mut store, _) = SqliteStore::create(&path, "root").expect("create");
    let root = Session::new("root", "").expect("session");
    let csv = dir.path().join("mk.csv");
    std::fs::write(
        &csv,
        "id,name,category,handling,restriction\n\
         1,Marko Jovanović,suspect,H1,\n\
         2,Ahmad Rahimi,victim,H1,\n\
         3,Goran Petrovski,suspect,H3,only for the joint investigation team JIT-7\n\
         4,Milan Petrović,suspect,H1,\n",
    )
    .expect("csv");
    corridor_app::ingest::ingest_file(
        &mut store,
        &root,
        &corridor_app::ingest::IngestRequest {
            mapping_name: "mk.toml",
            mapping_text: MAPPING,
            file: &csv,
            rejects: None,
            limits: Default::default(),
        },
        &corridor_ingest::NoProgress,
    )
    .expect("ingest");
    // A resolution run, so that decisions have one to re-run.
    corridor_app::resolution::run(
        &mut store,
        &root,
        &corridor_app::resolution::RunSettings::default(),
        None,
        false,
    )
    .expect("resolve");
    let users = [
        ("ana", "analyst"),
        ("sam", "supervisor"),
        ("dora", "dpo"),
        ("root", "admin"),
        ("otto", "analyst"),
    ];
    for (name, role) in users {
        access::add_user(&mut store, &root, name, role, None, "a long enough passphrase").expect("user");
    }
    access::add_case(&mut store, &root, "op-danube", "Danube").expect("case");
    access::add_case(&mut store, &root, "op-evros", "Evros").expect("case");
    for member in ["ana", "sam"] {
        access::set_case_member(&mut store, &root, "op-danube", member, true).expect("member");
    }
    access::set_case_member(&mut store, &root, "op-evros", "otto", true).expect("member");
    access::add_case_data(&mut store, &root, "op-danube", "mk-crossings").expect("data");
    access::add_purpose(
        &mut store,
        &root,
        "investigation",
        "criminal investigation of smuggling",
    )
    .expect("purpose");
    let now = chrono::Utc::now();
    let mut tokens = std::collections::BTreeMap::new();
    for (name, _) in users {
        tokens.insert(
            name,
            access::create_token(&mut store, &root, name, Some(30), now)
                .expect("token")
                .secret,
        );
    }
    let long_ago = now - chrono::Duration::days(40);
    let expired = access::create_token(&mut store, &root, "ana", Some(30), long_ago)
        .expect("token")
        .secret;
    let revoked_token = access::create_token(&mut store, &root, "ana", Some(30), now).expect("token");
    access::revoke_token(&mut store, &root, revoked_token.id).expect("revoke");
    let key = corridor_store::node_key_path(&path);
    Fixture {
        _dir: dir,
        node: Node::new(store)
            .expect("store thread")
            .with_paths(corridor_server::jobs::NodePaths { store: path, key }),
        tokens,
        expired,
        revoked: revoked_token.secret,
        entity: "mk-crossings:1:person".into(),
    }
}

/// Sends one request through the router; returns the status and the JSON body
/// (every answer of this API is JSON: a body that is not fails the test).
pub(crate) async fn send(
    node: &Node,
    method: &str,
    uri: &str,
    headers: &[(&str, &str)],
) -> (StatusCode, serde_json::Value) {
    let (status, _, json) = send_body(node, method, uri, headers, "").await;
    (status, json)
}

/// Sends one request with a body; returns the status, the headers and the JSON body.
pub(crate) async fn send_body(
    node: &Node,
    method: &str,
    uri: &str,
    headers: &[(&str, &str)],
    body: &str,
) -> (StatusCode, axum::http::HeaderMap, serde_json::Value) {
    let mut req = Request::builder().method(method).uri(uri);
    for (k, v) in headers {
        req = req.header(*k, *v);
    }
    let res = router(node.clone())
        .oneshot(req.body(Body::from(body.to_string())).expect("request"))
        .await
        .expect("answer");
    let status = res.status();
    let headers = res.headers().clone();
    let bytes = res.into_body().collect().await.expect("body").to_bytes();
    let json = serde_json::from_slice(&bytes).unwrap_or_else(|e| {
        panic!(
            "{method} {uri}: {status} with a body that is not JSON ({e}): {:?}",
            String::from_utf8_lossy(&bytes)
        )
    });
    (status, headers, json)
}

/// A request whose answer is not JSON (a file): its status and bytes.
pub(crate) async fn send_raw(node: &Node, method: &str, uri: &str, headers: &[(&str, &str)]) -> (StatusCode, Vec<u8>) {
    let mut req = Request::builder().method(method).uri(uri);
    for (k, v) in headers {
        req = req.header(*k, *v);
    }
    let res = router(node.clone())
        .oneshot(req.body(Body::empty()).expect("request"))
        .await
        .expect("answer");
    let status = res.status();
    let bytes = res.into_body().collect().await.expect("body").to_bytes();
    (status, bytes.to_vec())
}
