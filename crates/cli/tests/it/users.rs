//! `corridor user`, `token`, `case`, `purpose`: the first administrator is added
//! on an open node; from then on the console acts as a registered user and the
//! policy decides.

use std::io::Write;
use std::path::Path;
use std::process::{Command, Output, Stdio};

use crate::{BIN, code, stderr, stdout};

/// Runs `corridor --store STORE --user USER ARGS...` with `input` on standard input.
fn as_user(store: &Path, user: &str, args: &[&str], input: &str) -> Output {
    let mut child = Command::new(BIN)
        .arg("--store")
        .arg(store)
        .arg("--user")
        .arg(user)
        .args(args)
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("run corridor");
    child
        .stdin
        .take()
        .expect("stdin")
        .write_all(input.as_bytes())
        .expect("write stdin");
    child.wait_with_output().expect("wait")
}

#[test]
fn the_first_administrator_opens_the_node_and_the_policy_decides_after() {
    let dir = tempfile::tempdir().expect("dir");
    let store = dir.path().join("node.corridor");
    let ok = |o: &Output| assert_eq!(code(o), 0, "{}", stderr(o));
    ok(&as_user(&store, "root", &["init"], ""));
    ok(&as_user(
        &store,
        "root",
        &["user", "add", "root", "--role", "admin"],
        "a long enough passphrase\n",
    ));
    // Now the node has a user: an unregistered console user is refused.
    let o = as_user(
        &store,
        "mallory",
        &["user", "add", "m", "--role", "admin"],
        "a long enough passphrase\n",
    );
    assert_eq!(code(&o), 8, "{}", stderr(&o));
    assert!(stderr(&o).contains("this node has users"), "{}", stderr(&o));
    // A weak password is refused and nothing is added.
    let o = as_user(&store, "root", &["user", "add", "ana", "--role", "analyst"], "short\n");
    assert_eq!(code(&o), 4, "{}", stderr(&o));
    ok(&as_user(
        &store,
        "root",
        &["user", "add", "ana", "--role", "analyst", "--clearance", "H2"],
        "ana's long passphrase\n",
    ));
    // An analyst manages nobody.
    let o = as_user(
        &store,
        "ana",
        &["user", "add", "bob", "--role", "admin"],
        "a long enough passphrase\n",
    );
    assert_eq!(code(&o), 8, "{}", stderr(&o));
    assert!(stderr(&o).contains("needs the role admin"), "{}", stderr(&o));

    ok(&as_user(
        &store,
        "root",
        &["case", "add", "op-danube", "--description", "Danube crossings"],
        "",
    ));
    ok(&as_user(
        &store,
        "root",
        &["case", "member", "add", "op-danube", "ana"],
        "",
    ));
    ok(&as_user(
        &store,
        "root",
        &["purpose", "add", "investigation", "criminal investigation of smuggling"],
        "",
    ));
    let o = as_user(&store, "root", &["--json", "case", "list"], "");
    ok(&o);
    let cases: serde_json::Value = serde_json::from_str(&stdout(&o)).expect("json");
    assert_eq!(cases[0]["members"], serde_json::json!(["ana"]));
    let o = as_user(&store, "ana", &["purpose", "list"], "");
    ok(&o);
    assert!(stdout(&o).contains("investigation"));

    let o = as_user(
        &store,
        "root",
        &["token", "create", "--for", "ana", "--expires", "30"],
        "",
    );
    ok(&o);
    let token = stdout(&o).trim().to_string();
    assert!(token.starts_with("ctk_") && token.len() == 68, "{token}");
    let o = as_user(&store, "root", &["token", "list"], "");
    ok(&o);
    assert!(!stdout(&o).contains(&token[4..]), "the secret is never listed");
    ok(&as_user(&store, "root", &["token", "revoke", "1"], ""));
    let o = as_user(&store, "root", &["--json", "token", "list"], "");
    let tokens: serde_json::Value = serde_json::from_str(&stdout(&o)).expect("json");
    assert!(tokens[0]["revoked_at"].is_string());

    let o = as_user(&store, "root", &["--json", "user", "list"], "");
    let users: serde_json::Value = serde_json::from_str(&stdout(&o)).expect("json");
    let ana = users
        .as_array()
        .expect("list")
        .iter()
        .find(|u| u["name"] == "ana")
        .expect("ana");
    assert_eq!(
        (ana["role"].as_str(), ana["clearance"].as_str()),
        (Some("analyst"), Some("H2"))
    );
    assert!(!stdout(&o).contains("argon2"), "no password hash is shown");

    // Every change is in the audit log; no secret is.
    let o = as_user(&store, "root", &["audit", "log"], "");
    let log = stdout(&o);
    for word in [
        "user.add",
        "case.add",
        "case.member",
        "purpose.add",
        "token.create",
        "token.revoke",
    ] {
        assert!(log.contains(word), "{word} in\n{log}");
    }
    let bytes = std::fs::read(&store).expect("read store");
    assert!(
        !bytes.windows(token.len()).any(|w| w == token.as_bytes()),
        "the token's secret is nowhere in the store file"
    );
    ok(&as_user(&store, "root", &["audit", "verify"], ""));
}
