//! Browser sessions: login sets a strict cookie, a change needs the CSRF token,
//! logout ends the session, failures are one answer, and one address is limited.

use axum::http::StatusCode;

use crate::{fixture, send, send_body};

fn cookie_of(headers: &axum::http::HeaderMap) -> String {
    let set = headers
        .get("set-cookie")
        .and_then(|v| v.to_str().ok())
        .expect("a session cookie")
        .to_string();
    assert!(set.contains("HttpOnly") && set.contains("SameSite=Strict"), "{set}");
    set.split(';').next().expect("name=value").to_string()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_session_reads_with_its_cookie_and_changes_only_with_its_csrf_token() {
    let f = fixture();
    let json = [("content-type", "application/json")];
    let (status, headers, body) = send_body(
        &f.node,
        "POST",
        "/api/v1/login",
        &json,
        r#"{"user": "ana", "password": "a long enough passphrase"}"#,
    )
    .await;
    assert_eq!(status, StatusCode::OK, "{body}");
    assert_eq!(body["user"]["name"], "ana");
    let csrf = body["csrf_token"].as_str().expect("csrf").to_string();
    let cookie = cookie_of(&headers);
    let (status, me) = send(&f.node, "GET", "/api/v1/me", &[("cookie", &cookie)]).await;
    assert_eq!(status, StatusCode::OK, "{me}");
    assert_eq!(me["cases"], serde_json::json!(["op-danube"]));
    // A change without the CSRF token is refused; with it, it goes through.
    let (status, body) = send(&f.node, "POST", "/api/v1/logout", &[("cookie", &cookie)]).await;
    assert_eq!(status, StatusCode::FORBIDDEN, "{body}");
    let (status, body) = send(
        &f.node,
        "POST",
        "/api/v1/logout",
        &[("cookie", &cookie), ("x-csrf-token", "0000")],
    )
    .await;
    assert_eq!(status, StatusCode::FORBIDDEN, "{body}");
    let (status, body) = send(
        &f.node,
        "POST",
        "/api/v1/logout",
        &[("cookie", &cookie), ("x-csrf-token", &csrf)],
    )
    .await;
    assert_eq!(status, StatusCode::OK, "{body}");
    let (status, body) = send(&f.node, "GET", "/api/v1/me", &[("cookie", &cookie)]).await;
    assert_eq!(status, StatusCode::UNAUTHORIZED, "the session ended: {body}");
    let (status, body) = send(&f.node, "GET", "/api/v1/me", &[("cookie", "corridor_session=forged")]).await;
    assert_eq!(status, StatusCode::UNAUTHORIZED, "{body}");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn failed_logins_read_alike_are_logged_and_bad_bodies_are_json_errors() {
    let f = fixture();
    let json = [("content-type", "application/json")];
    let (s1, _, wrong) = send_body(
        &f.node,
        "POST",
        "/api/v1/login",
        &json,
        r#"{"user": "ana", "password": "not it at all"}"#,
    )
    .await;
    let (s2, _, unknown) = send_body(
        &f.node,
        "POST",
        "/api/v1/login",
        &json,
        r#"{"user": "nobody", "password": "not it at all"}"#,
    )
    .await;
    assert_eq!((s1, s2), (StatusCode::UNAUTHORIZED, StatusCode::UNAUTHORIZED));
    assert_eq!(wrong, unknown, "one answer for a wrong password and an unknown name");
    for bad in [
        "",
        "{",
        r#"{"user": "ana"}"#,
        r#"{"user": 5, "password": "x"}"#,
        r#"{"user": "ana", "password": "x", "admin": true}"#,
    ] {
        let (status, _, body) = send_body(&f.node, "POST", "/api/v1/login", &json, bad).await;
        assert!(status.is_client_error(), "{bad:?}: {status}");
        assert!(body["code"].is_string(), "{bad:?}: {body}");
    }
    let huge = format!(r#"{{"user": "ana", "password": "{}"}}"#, "x".repeat(2 << 20));
    let (status, _, body) = send_body(&f.node, "POST", "/api/v1/login", &json, &huge).await;
    assert_eq!(status, StatusCode::PAYLOAD_TOO_LARGE, "{body}");
    assert_eq!(body["code"], "too_large");
    // Ten attempts a minute from one address (here: all from no address).
    let mut limited = false;
    for _ in 0..12 {
        let (status, _, _) = send_body(
            &f.node,
            "POST",
            "/api/v1/login",
            &json,
            r#"{"user": "sam", "password": "wrong wrong wrong"}"#,
        )
        .await;
        limited |= status == StatusCode::TOO_MANY_REQUESTS;
    }
    assert!(limited, "the address is limited");
    let dpo = format!("Bearer {}", f.tokens["dora"]);
    let (_, log) = send(&f.node, "GET", "/api/v1/audit?limit=1000", &[("authorization", &dpo)]).await;
    let failed = log
        .as_array()
        .expect("entries")
        .iter()
        .filter(|e| e["action"] == "login.failed")
        .count();
    assert!(failed >= 2, "{failed}");
    assert!(!log.to_string().contains("nobody"), "the name typed is not kept");
}
