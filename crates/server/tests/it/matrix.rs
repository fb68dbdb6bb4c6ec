//! The authorisation matrix, generated from the route table: every route × every
//! role, anonymous, a bad, an expired and a revoked token × the case and purpose
//! present, missing, unknown, or a case the user is not a member of. What each
//! role may do is stated here again, apart from the policy, from the table of
//! roles in the domain brief: the test fails if the two disagree, and a route
//! added to the table is tested at once.

use axum::http::StatusCode;
use corridor_access::{Action, Need};
use corridor_server::ROUTES;

use crate::{fixture, send};

/// The roles of the domain brief, restated: who may do what.
fn allowed(action: Action, user: &str) -> bool {
    let role = match user {
        "ana" | "otto" => "analyst",
        "sam" => "supervisor",
        "dora" => "dpo",
        "root" => "admin",
        _ => unreachable!("a fixture user"),
    };
    use Action::*;
    match action {
        Health | ApiDescription | LogIn | PartnerMessage => true,
        WhoAmI | LogOut | ListOwnCases | ListPurposes | NodeStatus => true,
        VerifyAudit => matches!(role, "dpo" | "admin"),
        Search | ReadEntity | ReadDocuments | ExplainResolution | ReadNetworks | ReadMovements | ReadReviewQueue
        | Ingest | Rectify | DecidePair | DraftExport | DraftDisclosure | QueryPartners => {
            matches!(role, "analyst" | "supervisor")
        }
        DecideProtectedPair | ApproveExport | ApproveDisclosure | DecideRetention | ReadCaseRetention => {
            role == "supervisor"
        }
        ReadAuditLog | ReadRetentionQueue | RestrictRecord | OrderErasure | SubjectAccessReport => role == "dpo",
        ManageUsers | ManageTokens | ManageCases | ManagePurposes | NodeSettings | Backup | ManagePartners => {
            role == "admin"
        }
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn every_route_every_role_every_credential_and_case() {
    let f = fixture();
    let mut checked = 0;
    for route in ROUTES {
        let mut path = route.path.replace("{id}", &f.entity);
        // The required query parameters of the table's routes.
        if route.path == "/api/v1/search" {
            path.push_str("?q=Marko");
        }
        if route.path == "/api/v1/entities/{id}/explanation" {
            path.push_str(&format!("?with={}", f.entity));
        }
        let public = route.action.needs() == Need::Nothing;
        let case_route = matches!(route.action.needs(), Need::Case(_));
        // Changes take a JSON body this matrix does not send (logging out takes none),
        // and the token route's id is a number, not the entity id put in every path:
        // past the guard, these are bad input.
        let needs_body = (matches!(route.method, "POST" | "PATCH") && route.action != Action::LogOut)
            || route.path == "/api/v1/tokens/{id}";
        let contexts: &[(&str, Option<&str>, Option<&str>)] = &[
            ("member", Some("op-danube"), Some("investigation")),
            ("no case", None, Some("investigation")),
            ("no purpose", Some("op-danube"), None),
            ("unknown purpose", Some("op-danube"), Some("curiosity")),
            ("other case", Some("op-evros"), Some("investigation")),
            ("no such case", Some("op-nowhere"), Some("investigation")),
            ("case in capitals", Some("OP-DANUBE"), Some("investigation")),
            ("case with spaces", Some("  op-danube "), Some("investigation")),
        ];
        for (what, case, purpose) in contexts {
            let mut ctx_headers: Vec<(&str, &str)> = Vec::new();
            if let Some(c) = case {
                ctx_headers.push(("corridor-case", c));
            }
            if let Some(p) = purpose {
                ctx_headers.push(("corridor-purpose", p));
            }
            // Without credentials, and with credentials that are no good.
            let bad_tokens = [
                None,
                Some("Bearer ctk_0000000000000000000000000000000000000000000000000000000000000000".to_string()),
                Some("Bearer not-a-token".to_string()),
                Some(format!("Bearer {}", f.expired)),
                Some(format!("Bearer {}", f.revoked)),
                Some("Basic YW5hOnBhc3N3b3Jk".to_string()),
            ];
            for auth in &bad_tokens {
                let mut h = ctx_headers.clone();
                if let Some(a) = auth {
                    h.push(("authorization", a));
                }
                let (status, body) = send(&f.node, route.method, &path, &h).await;
                checked += 1;
                if public {
                    // Public routes ignore credentials, good or bad.
                    let expected = if needs_body {
                        StatusCode::BAD_REQUEST
                    } else {
                        StatusCode::OK
                    };
                    assert_eq!(
                        status, expected,
                        "{} {path} ({what}) with {auth:?}: {body}",
                        route.method
                    );
                } else {
                    assert_eq!(
                        status,
                        StatusCode::UNAUTHORIZED,
                        "{} {path} ({what}) with {auth:?}: {body}",
                        route.method
                    );
                    assert_eq!(body["code"], "unauthenticated", "{body}");
                }
            }
            for (user, token) in &f.tokens {
                let mut h = ctx_headers.clone();
                let bearer = format!("Bearer {token}");
                h.push(("authorization", &bearer));
                let (status, body) = send(&f.node, route.method, &path, &h).await;
                checked += 1;
                let label = format!("{} {path} as {user} ({what}): {status} {body}", route.method);
                if !allowed(route.action, user) {
                    assert_eq!(status, StatusCode::FORBIDDEN, "{label}");
                    assert_eq!(body["code"], "forbidden", "{label}");
                    continue;
                }
                if !case_route {
                    let expected = if needs_body {
                        StatusCode::BAD_REQUEST
                    } else if route.path == "/api/v1/disclosure-requests/{id}" {
                        // No partner's request has the entity id as its reference.
                        StatusCode::NOT_FOUND
                    } else {
                        StatusCode::OK
                    };
                    assert_eq!(status, expected, "{label}");
                    continue;
                }
                let member_of = |c: &str| match *user {
                    "ana" | "sam" => c.trim() == "op-danube",
                    "otto" => c.trim() == "op-evros",
                    _ => false,
                };
                match (case, purpose) {
                    (None, _) | (_, None) => assert_eq!(status, StatusCode::BAD_REQUEST, "{label}"),
                    (Some(_), Some("curiosity")) => assert_eq!(status, StatusCode::BAD_REQUEST, "{label}"),
                    (Some(c), Some(_)) if !member_of(c) => assert_eq!(status, StatusCode::FORBIDDEN, "{label}"),
                    // A member of a case that does not hold the entity is told it is not there.
                    // Past the guard, a change without its body is bad input.
                    (Some(_), Some(_)) if needs_body => assert_eq!(status, StatusCode::BAD_REQUEST, "{label}"),
                    (Some(c), Some(_)) if c.trim() != "op-danube" => {
                        // A member of another case: the entity is not there; listings are empty.
                        let expected = if route.path.contains("{id}") || route.path.contains("{name}") {
                            StatusCode::NOT_FOUND
                        } else {
                            StatusCode::OK
                        };
                        assert_eq!(status, expected, "{label}");
                    }
                    // No job has the entity id put in every path as its number.
                    _ if route.path == "/api/v1/jobs/{id}" || route.path == "/api/v1/exports/{id}/file" => {
                        assert_eq!(status, StatusCode::NOT_FOUND, "{label}")
                    }
                    _ => assert_eq!(status, StatusCode::OK, "{label}"),
                }
            }
        }
    }
    assert!(checked >= ROUTES.len() * 8 * 11, "{checked}");
}

#[tokio::test]
async fn every_route_of_the_table_is_in_the_api_description() {
    let doc = serde_json::to_value(corridor_server::api_description()).expect("json");
    for route in ROUTES {
        let method = route.method.to_ascii_lowercase();
        assert!(
            doc["paths"][route.path][&method].is_object(),
            "{} {} is served but missing from the OpenAPI document",
            route.method,
            route.path
        );
    }
    let described: usize = doc["paths"]
        .as_object()
        .map_or(0, |p| p.values().map(|m| m.as_object().map_or(0, |m| m.len())).sum());
    assert_eq!(
        described,
        ROUTES.len(),
        "the document describes routes that are not served"
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_read_names_user_token_case_and_purpose_in_the_audit_log() {
    let f = fixture();
    let ana = format!("Bearer {}", f.tokens["ana"]);
    let uri = format!("/api/v1/entities/{}", f.entity);
    let (status, body) = send(
        &f.node,
        "GET",
        &uri,
        &[
            ("authorization", &ana),
            ("corridor-case", "op-danube"),
            ("corridor-purpose", "investigation"),
        ],
    )
    .await;
    assert_eq!(status, StatusCode::OK, "{body}");
    assert_eq!(body["id"], f.entity.as_str());
    assert!(body["statements"].as_array().is_some_and(|s| !s.is_empty()), "{body}");
    assert_eq!(body["withheld"], 0);
    assert_eq!(body["category"], "suspect");
    let dpo = format!("Bearer {}", f.tokens["dora"]);
    let (status, log) = send(&f.node, "GET", "/api/v1/audit?limit=1000", &[("authorization", &dpo)]).await;
    assert_eq!(status, StatusCode::OK, "{log}");
    let reads: Vec<&serde_json::Value> = log
        .as_array()
        .expect("entries")
        .iter()
        .filter(|e| e["action"] == "read" && e["target"].as_str().is_some_and(|t| t.contains(&f.entity)))
        .collect();
    assert_eq!(reads.len(), 1, "one read, logged once: {reads:?}");
    assert!(
        reads[0]["actor"].as_str().is_some_and(|a| a.starts_with("ana (token ")),
        "{}",
        reads[0]
    );
    assert_eq!(reads[0]["purpose"], "case=op-danube; purpose=investigation");
}

#[tokio::test]
async fn unknown_routes_and_methods_answer_json_errors() {
    let f = fixture();
    let (status, body) = send(&f.node, "GET", "/api/v1/nothing-here", &[]).await;
    assert_eq!(status, StatusCode::NOT_FOUND);
    assert_eq!(body["code"], "not_found");
    let (status, body) = send(&f.node, "DELETE", "/api/v1/health", &[]).await;
    assert_eq!(status, StatusCode::METHOD_NOT_ALLOWED, "{body}");
    assert!(body["code"].is_string(), "{body}");
    let long = "x".repeat(5000);
    let (status, body) = send(
        &f.node,
        "GET",
        &format!("/api/v1/entities/{long}"),
        &[
            ("authorization", &format!("Bearer {}", f.tokens["ana"])),
            ("corridor-case", "op-danube"),
            ("corridor-purpose", "investigation"),
        ],
    )
    .await;
    assert_eq!(status, StatusCode::BAD_REQUEST, "{body}");
    let (status, body) = send(
        &f.node,
        "GET",
        "/api/v1/audit?limit=0",
        &[("authorization", &format!("Bearer {}", f.tokens["dora"]))],
    )
    .await;
    assert_eq!(status, StatusCode::BAD_REQUEST, "{body}");
    for query in ["bogus=1", "limit=-1", "limit=x", "after=1e99"] {
        let (status, body) = send(
            &f.node,
            "GET",
            &format!("/api/v1/audit?{query}"),
            &[("authorization", &format!("Bearer {}", f.tokens["dora"]))],
        )
        .await;
        assert_eq!(status, StatusCode::BAD_REQUEST, "{query}: {body}");
        assert_eq!(body["code"], "bad_input", "{query}: {body}");
    }
    let analyst = [
        ("authorization", format!("Bearer {}", f.tokens["ana"])),
        ("corridor-case", "op-danube".to_string()),
        ("corridor-purpose", "investigation".to_string()),
    ];
    let h: Vec<(&str, &str)> = analyst.iter().map(|(k, v)| (*k, v.as_str())).collect();
    for uri in [
        "/api/v1/entities/x?history=yes",
        "/api/v1/entities/%FF%FE",
        "/api/v1/entities/a?bogus=1",
    ] {
        let (status, body) = send(&f.node, "GET", uri, &h).await;
        assert!(
            status == StatusCode::BAD_REQUEST || status == StatusCode::NOT_FOUND,
            "{uri}: {status} {body}"
        );
        assert!(body["code"].is_string(), "{uri}: {body}");
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn statements_above_the_clearance_are_withheld_with_what_rests_on_them() {
    let f = fixture();
    let h3 = "/api/v1/entities/mk-crossings:3:person";
    let ask = |token: String| async move {
        let bearer = format!("Bearer {token}");
        send(
            &f.node,
            "GET",
            h3,
            &[
                ("authorization", &bearer),
                ("corridor-case", "op-danube"),
                ("corridor-purpose", "investigation"),
            ],
        )
        .await
    };
    let (status, body) = ask(f.tokens["ana"].clone()).await;
    assert_eq!(status, StatusCode::OK, "{body}");
    assert_eq!(body["clearance"], "H1");
    assert!(body["withheld"].as_u64().is_some_and(|n| n > 0), "{body}");
    assert_eq!(body["statements"], serde_json::json!([]), "{body}");
    let text = body.to_string();
    for secret in ["Goran", "Petrovski", "JIT-7", "H3"] {
        assert!(!text.contains(secret), "{secret} shows through: {text}");
    }
    assert!(body["category"].is_null() && body["restrictions"].is_null(), "{body}");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn networks_are_drawn_from_the_case_alone() {
    let f = fixture();
    let headers = |user: &str, case: &'static str| {
        vec![
            ("authorization", format!("Bearer {}", f.tokens[user])),
            ("corridor-case", case.to_string()),
            ("corridor-purpose", "investigation".to_string()),
        ]
    };
    let call = |h: &Vec<(&'static str, String)>| h.iter().map(|(k, v)| (*k, v.clone())).collect::<Vec<_>>();
    let otto = call(&headers("otto", "op-evros"));
    let otto: Vec<(&str, &str)> = otto.iter().map(|(k, v)| (*k, v.as_str())).collect();
    let (status, other) = send(&f.node, "GET", "/api/v1/networks?min_size=1", &otto).await;
    assert_eq!(status, StatusCode::OK, "{other}");
    assert_eq!(other["parties"], 0, "{other}");
    let (status, near) = send(
        &f.node,
        "GET",
        "/api/v1/parties/mk-crossings:1:person/near?hops=2",
        &otto,
    )
    .await;
    assert_eq!(
        status,
        StatusCode::NOT_FOUND,
        "another case's party is not there: {near}"
    );
    let ana = call(&headers("ana", "op-danube"));
    let ana: Vec<(&str, &str)> = ana.iter().map(|(k, v)| (*k, v.as_str())).collect();
    let (status, bad) = send(&f.node, "GET", "/api/v1/networks?min_size=0", &ana).await;
    assert_eq!(status, StatusCode::BAD_REQUEST, "{bad}");
    let (status, near) = send(
        &f.node,
        "GET",
        "/api/v1/parties/mk-crossings:1:person/near?hops=2",
        &ana,
    )
    .await;
    assert_eq!(
        status,
        StatusCode::OK,
        "a party of the case, named, is there even unlinked: {near}"
    );
    assert_eq!(near, serde_json::json!([]));
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_dpo_sees_the_retention_queue_without_content() {
    let f = fixture();
    let dpo = format!("Bearer {}", f.tokens["dora"]);
    let (status, queue) = send(&f.node, "GET", "/api/v1/retention", &[("authorization", &dpo)]).await;
    assert_eq!(status, StatusCode::OK, "{queue}");
    let items = queue.as_array().expect("items");
    assert_eq!(items.len(), 4, "every person's record: {queue}");
    let text = queue.to_string();
    for content in ["mk-crossings", "Marko", "Ahmad", "Goran", "Milan", ":1:", "person\""] {
        assert!(!text.contains(content), "{content} in the DPO's queue: {text}");
    }
    assert!(items.iter().all(|i| {
        i["record"]
            .as_str()
            .is_some_and(|r| r.starts_with("r-") && r.len() == 26)
    }));
    assert!(items.iter().any(|i| i["category"] == "victim"));
    assert!(items.iter().all(|i| i["agency"] == "mk-bp"));
    // The same record keeps its opaque id.
    let (_, again) = send(&f.node, "GET", "/api/v1/retention", &[("authorization", &dpo)]).await;
    assert_eq!(queue, again);
    let (status, none) = send(
        &f.node,
        "GET",
        "/api/v1/retention?due=2000-01-01",
        &[("authorization", &dpo)],
    )
    .await;
    assert_eq!((status, none), (StatusCode::OK, serde_json::json!([])));
    let (status, _) = send(
        &f.node,
        "GET",
        "/api/v1/retention?due=2024-02-30",
        &[("authorization", &dpo)],
    )
    .await;
    assert_eq!(status, StatusCode::BAD_REQUEST);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_administrator_manages_users_tokens_and_cases_through_the_api() {
    let f = fixture();
    let root = format!("Bearer {}", f.tokens["root"]);
    let json = |b: &str| b.to_string();
    let call = |method: &'static str, path: String, body: String| {
        let (node, root) = (f.node.clone(), root.clone());
        async move {
            crate::send_body(
                &node,
                method,
                &path,
                &[("authorization", &root), ("content-type", "application/json")],
                &body,
            )
            .await
        }
    };
    let (status, _, body) = call(
        "POST",
        "/api/v1/users".into(),
        json(r#"{"name": "vera", "role": "analyst", "password": "vera's long passphrase"}"#),
    )
    .await;
    assert_eq!(status, StatusCode::OK, "{body}");
    let (status, _, body) = call(
        "POST",
        "/api/v1/users".into(),
        json(r#"{"name": "vera", "role": "analyst", "password": "another long passphrase"}"#),
    )
    .await;
    assert_eq!(status, StatusCode::CONFLICT, "{body}");
    let (status, _, token) = call("POST", "/api/v1/tokens".into(), json(r#"{"user": "vera", "days": 7}"#)).await;
    assert_eq!(status, StatusCode::OK, "{token}");
    let secret = token["secret"].as_str().expect("secret").to_string();
    let vera = format!("Bearer {secret}");
    let (status, me) = send(&f.node, "GET", "/api/v1/me", &[("authorization", &vera)]).await;
    assert_eq!((status, me["role"].as_str()), (StatusCode::OK, Some("analyst")));
    let (status, _, body) = call(
        "POST",
        "/api/v1/cases/op-danube/members".into(),
        json(r#"{"user": "vera", "member": true}"#),
    )
    .await;
    assert_eq!(status, StatusCode::OK, "{body}");
    let (status, me) = send(&f.node, "GET", "/api/v1/me", &[("authorization", &vera)]).await;
    assert_eq!(
        (status, me["cases"].clone()),
        (StatusCode::OK, serde_json::json!(["op-danube"]))
    );
    let (status, _, body) = call(
        "PATCH",
        "/api/v1/users/vera".into(),
        json(r#"{"role": "supervisor", "clearance": "H2"}"#),
    )
    .await;
    assert_eq!(status, StatusCode::OK, "{body}");
    let (_, me) = send(&f.node, "GET", "/api/v1/me", &[("authorization", &vera)]).await;
    assert_eq!(
        (me["role"].as_str(), me["clearance"].as_str()),
        (Some("supervisor"), Some("H2")),
        "at once"
    );
    // A change with a bad part changes nothing at all.
    let (status, _, body) = call(
        "PATCH",
        "/api/v1/users/vera".into(),
        json(r#"{"clearance": "H3", "password": "short"}"#),
    )
    .await;
    assert_eq!(status, StatusCode::BAD_REQUEST, "{body}");
    let (_, me) = send(&f.node, "GET", "/api/v1/me", &[("authorization", &vera)]).await;
    assert_eq!(me["clearance"].as_str(), Some("H2"), "the clearance was not changed");
    // Nobody changes their own role, not even an administrator.
    let (status, _, body) = call("PATCH", "/api/v1/users/root".into(), json(r#"{"clearance": "H3"}"#)).await;
    assert_eq!(status, StatusCode::FORBIDDEN, "{body}");
    let id = token["id"].as_i64().expect("id");
    let (status, _, body) = call("DELETE", format!("/api/v1/tokens/{id}"), String::new()).await;
    assert_eq!(status, StatusCode::OK, "{body}");
    let (status, _) = send(&f.node, "GET", "/api/v1/me", &[("authorization", &vera)]).await;
    assert_eq!(status, StatusCode::UNAUTHORIZED, "a revoked token is refused at once");
    let (status, _, tokens) = call("GET", "/api/v1/tokens".into(), String::new()).await;
    assert_eq!(status, StatusCode::OK);
    assert!(!tokens.to_string().contains(&secret[4..]), "no secret is listed");
    let (status, _, body) = call(
        "POST",
        "/api/v1/purposes".into(),
        json(r#"{"id": "prevention", "description": "preventing smuggling"}"#),
    )
    .await;
    assert_eq!(status, StatusCode::OK, "{body}");
    // The DPO reads the log of all this, with the administrator's token named.
    let dpo = format!("Bearer {}", f.tokens["dora"]);
    let (_, log) = send(&f.node, "GET", "/api/v1/audit?limit=1000", &[("authorization", &dpo)]).await;
    let by_root: Vec<&str> = log
        .as_array()
        .expect("log")
        .iter()
        .filter(|e| e["actor"].as_str().is_some_and(|a| a.starts_with("root (token ")))
        .filter_map(|e| e["action"].as_str())
        .collect();
    for action in [
        "user.add",
        "token.create",
        "case.member",
        "user.change",
        "token.revoke",
        "purpose.add",
    ] {
        assert!(by_root.contains(&action), "{action} in {by_root:?}");
    }
}

/// utoipa names a body's schema after its Rust type: two handlers' bodies of the
/// same name would share one schema in the API description, and one route would be
/// described with the other's body (schemathesis found exports' decision described
/// with a disclosure decision's fields). Every schema type's name is unique.
#[test]
fn every_schema_type_of_the_api_has_a_name_of_its_own() {
    let dir = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("src");
    let mut names: Vec<String> = Vec::new();
    for entry in std::fs::read_dir(&dir).expect("src").flatten() {
        let text = std::fs::read_to_string(entry.path()).expect("source");
        let mut schema_next = false;
        for line in text.lines() {
            let line = line.trim();
            if line.starts_with("#[derive(") && line.contains("ToSchema") {
                schema_next = true;
            } else if schema_next && (line.contains("struct ") || line.contains("enum ")) {
                let name = line
                    .split_whitespace()
                    .skip_while(|w| *w != "struct" && *w != "enum")
                    .nth(1)
                    .expect("a name")
                    .trim_end_matches(['{', '(', ';'])
                    .to_string();
                names.push(name);
                schema_next = false;
            }
        }
    }
    let mut sorted = names.clone();
    sorted.sort();
    sorted.dedup();
    assert!(names.len() > 10, "the scan found the schema types: {names:?}");
    assert_eq!(sorted.len(), names.len(), "a schema name used twice: {names:?}");
}
