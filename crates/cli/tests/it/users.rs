//! `corridor user`, `token`, `case`, `purpose`: the first administrator is added
//! on an open node; from then on the console acts as a registered user and the
//! policy decides.

use std::io::Write;
use std::path::Path;
use std::process::{Command, Output, Stdio};

use crate::{BIN, code, stderr, stdout};

/// Runs `corridor --store STORE --user USER ARGS...` with `input` on standard input.
pub(crate) fn as_user(store: &Path, user: &str, args: &[&str], input: &str) -> Output {
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

    // The audit log is the DPO's to read, not the administrator's.
    let o = as_user(&store, "root", &["audit", "log"], "");
    assert_eq!(code(&o), 8, "{}", stderr(&o));
    ok(&as_user(
        &store,
        "root",
        &["user", "add", "dora", "--role", "dpo"],
        "dora's long passphrase\n",
    ));
    let o = as_user(&store, "dora", &["audit", "log"], "");
    ok(&o);
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

#[test]
fn on_a_node_with_users_case_content_needs_a_case_and_stays_in_it() {
    let dir = tempfile::tempdir().expect("dir");
    let store = dir.path().join("node.corridor");
    let (mapping, csv) = crate::fixture(dir.path(), 5);
    // Three people sharing one phone: a network the case can see.
    std::fs::write(
        &csv,
        "id,name,born,category,phone\n\
         MK-0000000,Person Number 0,01/01/1980,suspect,+38970111222\n\
         MK-0000001,Person Number 1,02/02/1981,suspect,+38970111222\n\
         MK-0000002,Person Number 2,03/03/1982,suspect,+38970111222\n",
    )
    .expect("csv");
    let ok = |o: &Output| assert_eq!(code(o), 0, "{}", stderr(o));
    ok(&as_user(&store, "root", &["init"], ""));
    ok(&as_user(
        &store,
        "root",
        &["user", "add", "root", "--role", "admin"],
        "a long enough passphrase\n",
    ));
    ok(&as_user(
        &store,
        "root",
        &["user", "add", "ana", "--role", "analyst"],
        "ana's long passphrase\n",
    ));
    ok(&as_user(
        &store,
        "root",
        &["user", "add", "otto", "--role", "analyst"],
        "otto's long passphrase\n",
    ));
    ok(&as_user(&store, "root", &["case", "add", "op-vardar"], ""));
    ok(&as_user(&store, "root", &["case", "add", "op-evros"], ""));
    ok(&as_user(
        &store,
        "root",
        &["case", "member", "add", "op-vardar", "ana"],
        "",
    ));
    ok(&as_user(
        &store,
        "root",
        &["case", "member", "add", "op-evros", "otto"],
        "",
    ));
    ok(&as_user(
        &store,
        "root",
        &["purpose", "add", "investigation", "criminal investigation of smuggling"],
        "",
    ));
    let (m, f) = (mapping.to_str().expect("path"), csv.to_str().expect("path"));
    // Ingest needs a case and a purpose, and puts the data set into the case.
    let o = as_user(&store, "ana", &["ingest", "--mapping", m, f], "");
    assert_eq!(code(&o), 4, "no case: {}", stderr(&o));
    let o = as_user(
        &store,
        "ana",
        &[
            "--case",
            "op-evros",
            "--purpose",
            "investigation",
            "ingest",
            "--mapping",
            m,
            f,
        ],
        "",
    );
    assert_eq!(code(&o), 8, "not her case: {}", stderr(&o));
    let o = as_user(
        &store,
        "ana",
        &[
            "--case",
            "op-vardar",
            "--purpose",
            "investigation",
            "ingest",
            "--mapping",
            m,
            f,
        ],
        "",
    );
    assert!(matches!(code(&o), 0 | 3), "{}", stderr(&o));
    // Otto may not add rows to (and so bring into his case) Ana's case's data set.
    let o = as_user(
        &store,
        "otto",
        &[
            "--case",
            "op-evros",
            "--purpose",
            "investigation",
            "ingest",
            "--mapping",
            m,
            f,
        ],
        "",
    );
    assert_eq!(code(&o), 8, "{}", stderr(&o));
    assert!(stderr(&o).contains("is not this case's"), "{}", stderr(&o));
    let o = as_user(&store, "root", &["--json", "case", "list"], "");
    let cases: serde_json::Value = serde_json::from_str(&stdout(&o)).expect("json");
    let vardar = cases
        .as_array()
        .expect("cases")
        .iter()
        .find(|c| c["name"] == "op-vardar")
        .expect("case");
    assert_eq!(vardar["datasets"], serde_json::json!(["mk-crossings"]));
    // Ana reads the record in her case; Otto, in another case, is told it is not there.
    let id = "mk-crossings:MK-0000000:person";
    let o = as_user(
        &store,
        "ana",
        &[
            "--case",
            "op-vardar",
            "--purpose",
            "investigation",
            "--json",
            "show",
            id,
        ],
        "",
    );
    ok(&o);
    let shown: serde_json::Value = serde_json::from_str(&stdout(&o)).expect("json");
    assert_eq!(shown["id"], id);
    // The fixture's statements are H2, above an analyst's default clearance H1.
    assert!(shown["statements"].as_array().is_some_and(|s| s.is_empty()), "{shown}");
    assert!(stderr(&o).contains("withheld"), "{}", stderr(&o));
    let o = as_user(
        &store,
        "otto",
        &["--case", "op-evros", "--purpose", "investigation", "show", id],
        "",
    );
    assert_eq!(code(&o), 7, "{}", stderr(&o));
    let o = as_user(
        &store,
        "otto",
        &["--case", "op-vardar", "--purpose", "investigation", "show", id],
        "",
    );
    assert_eq!(code(&o), 8, "{}", stderr(&o));
    // Cleared for H2 she sees them.
    ok(&as_user(&store, "root", &["user", "clearance", "ana", "H2"], ""));
    let o = as_user(
        &store,
        "ana",
        &[
            "--case",
            "op-vardar",
            "--purpose",
            "investigation",
            "--json",
            "show",
            id,
        ],
        "",
    );
    let shown: serde_json::Value = serde_json::from_str(&stdout(&o)).expect("json");
    assert!(shown["statements"].as_array().is_some_and(|s| !s.is_empty()), "{shown}");
    // A resolution run is a node job, the administrator's; it hands out no personal data.
    ok(&as_user(&store, "root", &["resolve", "run"], ""));
    let o = as_user(&store, "ana", &["resolve", "run"], "");
    assert_eq!(code(&o), 8, "{}", stderr(&o));
    // Networks are read within the case: Ana sees her case's parties, Otto none of them.
    let o = as_user(
        &store,
        "ana",
        &[
            "--case",
            "op-vardar",
            "--purpose",
            "investigation",
            "--json",
            "network",
            "list",
            "--min-size",
            "1",
        ],
        "",
    );
    ok(&o);
    let mine: serde_json::Value = serde_json::from_str(&stdout(&o)).expect("json");
    assert!(mine["parties"].as_u64().is_some_and(|n| n > 0), "{mine}");
    let o = as_user(
        &store,
        "otto",
        &[
            "--case",
            "op-evros",
            "--purpose",
            "investigation",
            "--json",
            "network",
            "list",
            "--min-size",
            "1",
        ],
        "",
    );
    ok(&o);
    let theirs: serde_json::Value = serde_json::from_str(&stdout(&o)).expect("json");
    assert_eq!(
        theirs["parties"], 0,
        "another case's parties are not there at all: {theirs}"
    );
    // Exports need an approval the node does not yet record: refused, not let out.
    let o = as_user(
        &store,
        "ana",
        &[
            "--case",
            "op-vardar",
            "--purpose",
            "investigation",
            "network",
            "export",
            "--format",
            "graphml",
        ],
        "",
    );
    assert_eq!(code(&o), 8, "{}", stderr(&o));
    // Commands that do not yet filter by case are refused rather than read everything.
    let o = as_user(
        &store,
        "ana",
        &["--case", "op-vardar", "--purpose", "investigation", "resolve", "export"],
        "",
    );
    assert_eq!(code(&o), 8, "{}", stderr(&o));
    assert!(stderr(&o).contains("does not yet filter by case"), "{}", stderr(&o));
    // An unregistered name, or one dressed as a token's actor, is nobody.
    let o = as_user(
        &store,
        "ana (token 1)",
        &["--case", "op-vardar", "--purpose", "investigation", "show", id],
        "",
    );
    assert_eq!(code(&o), 8, "{}", stderr(&o));
    // Otto's probe of Ana's case is in the log.
    ok(&as_user(
        &store,
        "root",
        &["user", "add", "dora", "--role", "dpo"],
        "dora's long passphrase\n",
    ));
    let o = as_user(&store, "dora", &["audit", "log"], "");
    assert!(stdout(&o).contains("access.denied"), "{}", stdout(&o));
    // The DPO's retention queue: every person's record, no content.
    let o = as_user(&store, "dora", &["--json", "retention"], "");
    ok(&o);
    let queue: serde_json::Value = serde_json::from_str(&stdout(&o)).expect("json");
    assert_eq!(queue.as_array().map(Vec::len), Some(3), "{queue}");
    assert!(!stdout(&o).contains("mk-crossings") && !stdout(&o).contains("Person Number"));
    let o = as_user(&store, "ana", &["retention"], "");
    assert_eq!(code(&o), 8, "the queue is the DPO's: {}", stderr(&o));
}
