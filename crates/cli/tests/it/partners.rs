//! `corridor node card`, `partner`, `agreement`: two nodes exchange cards; a card
//! is added only with the fingerprint read out, an agreement only with terms the
//! node can keep, and only an administrator does either.

use std::io::Write;
use std::path::Path;
use std::process::{Command, Output, Stdio};

use crate::{BIN, code, stderr, stdout};

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

fn ok(o: &Output) {
    assert_eq!(code(o), 0, "{}", stderr(o));
}

/// A node with an administrator (root), a supervisor (sam), an analyst (ana) and
/// the purpose `investigation`.
fn node(dir: &Path, name: &str) -> std::path::PathBuf {
    let store = dir.join(format!("{name}.corridor"));
    ok(&as_user(&store, "root", &["init"], ""));
    for (user, role) in [("root", "admin"), ("sam", "supervisor"), ("ana", "analyst")] {
        ok(&as_user(
            &store,
            "root",
            &["user", "add", user, "--role", role],
            "a long enough passphrase\n",
        ));
    }
    ok(&as_user(
        &store,
        "root",
        &["purpose", "add", "investigation", "criminal investigation"],
        "",
    ));
    store
}

#[test]
fn partners_exchange_cards_checked_by_fingerprint_and_agree_terms() {
    let dir = tempfile::tempdir().expect("dir");
    let (rs, gr) = (node(dir.path(), "rs"), node(dir.path(), "gr"));
    // GR writes its card; the fingerprint goes to standard error, to read out.
    let card = dir.path().join("gr.card.json");
    let o = as_user(
        &gr,
        "root",
        &[
            "node",
            "card",
            "--name",
            "GR Hellenic Police",
            "--country",
            "gr",
            "--address",
            "https://gr.example:8443",
            "--out",
        ],
        "",
    );
    assert_eq!(code(&o), 2, "--out needs a file: {}", stderr(&o));
    let o = as_user(
        &gr,
        "root",
        &[
            "node",
            "card",
            "--name",
            "GR Hellenic Police",
            "--country",
            "gr",
            "--address",
            "https://gr.example:8443",
            "--out",
            card.to_str().expect("path"),
        ],
        "",
    );
    ok(&o);
    let fingerprint = stderr(&o)
        .lines()
        .find_map(|l| l.strip_prefix("fingerprint: "))
        .expect("fingerprint printed")
        .to_string();
    assert_eq!(fingerprint.len(), 39, "{fingerprint}");
    let card_arg = card.to_str().expect("path");
    // An analyst may not manage partners; a wrong fingerprint adds nothing.
    let o = as_user(
        &rs,
        "ana",
        &[
            "partner",
            "add",
            "gr-hp",
            "--card",
            card_arg,
            "--fingerprint",
            &fingerprint,
        ],
        "",
    );
    assert_eq!(code(&o), 8, "{}", stderr(&o));
    let wrong = format!("0000{}", &fingerprint[4..]);
    let o = as_user(
        &rs,
        "root",
        &["partner", "add", "gr-hp", "--card", card_arg, "--fingerprint", &wrong],
        "",
    );
    assert_eq!(code(&o), 4, "{}", stderr(&o));
    assert!(stderr(&o).contains("another channel"), "{}", stderr(&o));
    // Read out in capitals with spaces: accepted.
    let spoken = fingerprint.to_uppercase().replace(':', " ");
    let o = as_user(
        &rs,
        "root",
        &["partner", "add", "gr-hp", "--card", card_arg, "--fingerprint", &spoken],
        "",
    );
    ok(&o);
    assert!(
        stdout(&o).contains(&fingerprint) && stdout(&o).contains("(GR)"),
        "{}",
        stdout(&o)
    );
    // A card file that is not one.
    let junk = dir.path().join("junk.json");
    std::fs::write(&junk, "{\"format\": \"corridor-partner-card/1\"}").expect("write");
    let o = as_user(
        &rs,
        "root",
        &[
            "partner",
            "add",
            "x",
            "--card",
            junk.to_str().expect("path"),
            "--fingerprint",
            &fingerprint,
        ],
        "",
    );
    assert_eq!(code(&o), 4, "{}", stderr(&o));
    // Terms the node cannot keep are refused; then an agreement is set.
    let set = |approver: &str, purposes: &str| {
        as_user(
            &rs,
            "root",
            &[
                "agreement",
                "set",
                "gr-hp",
                "--kinds",
                "phone,travel-document",
                "--purposes",
                purposes,
                "--budget",
                "5000",
                "--max-query",
                "500",
                "--expires",
                "2099-12-31",
                "--approver",
                approver,
            ],
            "",
        )
    };
    assert_eq!(
        code(&set("ana", "investigation")),
        4,
        "an analyst approves no disclosure"
    );
    assert_eq!(code(&set("sam", "fishing")), 4, "no such purpose");
    ok(&set("sam", "investigation"));
    let o = as_user(&rs, "root", &["agreement", "show", "gr-hp"], "");
    ok(&o);
    assert!(
        stdout(&o).contains("phone, travel-document") && stdout(&o).contains("sam"),
        "{}",
        stdout(&o)
    );
    // Revoked with a reason; the list says so; no new agreement after.
    ok(&as_user(
        &rs,
        "root",
        &["partner", "revoke", "gr-hp", "--reason", "agreement ended"],
        "",
    ));
    let o = as_user(&rs, "root", &["--json", "partner", "list"], "");
    ok(&o);
    let list: serde_json::Value = serde_json::from_str(&stdout(&o)).expect("json");
    assert_eq!(list[0]["revoked_why"], "agreement ended");
    assert_ne!(code(&set("sam", "investigation")), 0);
    // Every act is on the audit chain, which still verifies.
    let o = as_user(&rs, "root", &["audit", "verify"], "");
    ok(&o);
}
