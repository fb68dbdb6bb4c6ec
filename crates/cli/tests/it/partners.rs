//! `corridor node card`, `partner`, `agreement`: two nodes exchange cards; a card
//! is added only with the fingerprint read out, an agreement only with terms the
//! node can keep, and only an administrator does either.

use std::path::Path;
use std::process::Output;

use crate::users::as_user;
use crate::{code, stderr, stdout};

pub(crate) fn ok(o: &Output) {
    assert_eq!(code(o), 0, "{}", stderr(o));
}

/// A node with an administrator (root), a supervisor (sam), an analyst (ana) and
/// the purpose `investigation`.
pub(crate) fn node(dir: &Path, name: &str) -> std::path::PathBuf {
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
    // Never over the node's own key, even with --force.
    let key = corridor_store::node_key_path(&gr);
    let o = as_user(
        &gr,
        "root",
        &[
            "--force",
            "node",
            "card",
            "--name",
            "GR",
            "--country",
            "GR",
            "--out",
            key.to_str().expect("path"),
        ],
        "",
    );
    assert_eq!(code(&o), 4, "{}", stderr(&o));
    assert!(
        std::fs::read_to_string(&key)
            .expect("key")
            .contains("corridor-node-key")
    );
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

/// Writes `name`'s partner card and returns (card path, fingerprint).
pub(crate) fn card(dir: &Path, store: &Path, name: &str, country: &str) -> (std::path::PathBuf, String) {
    card_at(dir, store, name, country, None)
}

/// [`card`], with the address the node answers partners at, when it has one.
pub(crate) fn card_at(
    dir: &Path,
    store: &Path,
    name: &str,
    country: &str,
    address: Option<&str>,
) -> (std::path::PathBuf, String) {
    let path = dir.join(format!("{name}.card.json"));
    let mut args = vec!["node", "card", "--name", name, "--country", country];
    if let Some(a) = address {
        args.extend(["--address", a]);
    }
    args.extend(["--out", path.to_str().expect("path")]);
    let o = as_user(store, "root", &args, "");
    ok(&o);
    let fingerprint = stderr(&o)
        .lines()
        .find_map(|l| l.strip_prefix("fingerprint: "))
        .expect("fingerprint")
        .to_string();
    (path, fingerprint)
}

const GR_MAPPING: &str = r#"
[dataset]
name = "gr-intercepts"
format = "csv"
record_id = "id"
date_formats = ["%d/%m/%Y"]

[source]
agency = "gr-hcg"
country = "GR"

[defaults]
grading = "B2"
handling = "H1"

[entities.person]
schema = "Person"
[entities.person.properties]
name = { column = "name" }
birthDate = { column = "born" }
category = { column = "category" }

[entities.phone]
schema = "Phone"
properties.number = { column = "phone" }

[entities.uses]
schema = "Uses"
properties.user = { entity = "person" }
properties.object = { entity = "phone" }
"#;

#[test]
fn a_selector_query_finds_what_the_partner_holds_and_nothing_of_its_victims() {
    let dir = tempfile::tempdir().expect("dir");
    let (rs, gr) = (node(dir.path(), "rs"), node(dir.path(), "gr"));
    let p = |path: &std::path::Path| path.to_str().expect("path").to_string();
    // GR holds three suspects' phones and a victim's.
    let mapping = dir.path().join("gr.mapping.toml");
    std::fs::write(&mapping, GR_MAPPING).expect("mapping");
    let data = dir.path().join("gr.csv");
    std::fs::write(
        &data,
        "id,name,born,category,phone\n\
         1,Suspect One,01/02/1980,suspect,+306931111111\n\
         2,Suspect Two,02/03/1981,suspect,+306932222222\n\
         3,Victim Three,03/04/1990,victim,+306933333333\n\
         4,Suspect Four,04/05/1975,suspect,+381641234567\n",
    )
    .expect("csv");
    for (store, case) in [(&gr, "op-gr"), (&rs, "op-rs")] {
        ok(&as_user(store, "root", &["case", "add", case], ""));
        ok(&as_user(store, "root", &["case", "member", "add", case, "ana"], ""));
    }
    let o = as_user(
        &gr,
        "ana",
        &[
            "--case",
            "op-gr",
            "--purpose",
            "investigation",
            "ingest",
            "--mapping",
            &p(&mapping),
            &p(&data),
        ],
        "",
    );
    ok(&o);
    ok(&as_user(
        &gr,
        "root",
        &["case", "data", "add", "op-gr", "gr-intercepts"],
        "",
    ));
    // Cards both ways, checked by fingerprint; GR agrees to phone queries.
    let (rs_card, rs_fp) = card(dir.path(), &rs, "RS Border Police", "RS");
    let (gr_card, gr_fp) = card(dir.path(), &gr, "GR Coast Guard", "GR");
    ok(&as_user(
        &rs,
        "root",
        &["partner", "add", "gr", "--card", &p(&gr_card), "--fingerprint", &gr_fp],
        "",
    ));
    ok(&as_user(
        &gr,
        "root",
        &["partner", "add", "rs", "--card", &p(&rs_card), "--fingerprint", &rs_fp],
        "",
    ));
    ok(&as_user(
        &gr,
        "root",
        &[
            "agreement",
            "set",
            "rs",
            "--kinds",
            "phone",
            "--purposes",
            "investigation",
            "--budget",
            "100",
            "--max-query",
            "50",
            "--expires",
            "2099-12-31",
            "--approver",
            "sam",
        ],
        "",
    ));
    // GR prepares its tags for RS: the victim's phone is not among them.
    let tags = dir.path().join("tags.json");
    let o = as_user(
        &gr,
        "root",
        &[
            "--json",
            "exchange",
            "tags",
            "--partner",
            "rs",
            "--kind",
            "phone",
            "--out",
            &p(&tags),
        ],
        "",
    );
    ok(&o);
    let prepared: serde_json::Value = serde_json::from_str(&stdout(&o)).expect("json");
    assert_eq!(prepared["tags"], 3, "{prepared}");
    // Nothing of a phone number travels in the tags.
    let tag_text = std::fs::read_to_string(&tags).expect("tags");
    assert!(!tag_text.contains("693111") && !tag_text.contains("6931111111"));
    // RS asks about four phones (one written another way, one line no phone).
    let selectors = dir.path().join("phones.txt");
    std::fs::write(
        &selectors,
        "+306931111111\n0030 693 222 2222\n+306933333333\n+306939999999\nnot a phone\n",
    )
    .expect("sel");
    // Packed with gzip by its name; read back either way.
    let query = dir.path().join("query.json.gz");
    let ana_rs = |args: &[&str]| {
        let mut all = vec!["--case", "op-rs", "--purpose", "investigation"];
        all.extend_from_slice(args);
        as_user(&rs, "ana", &all, "")
    };
    let o = ana_rs(&[
        "hit",
        "query",
        "--partner",
        "gr",
        "--kind",
        "phone",
        "--selectors",
        &p(&selectors),
        "--out",
        &p(&query),
    ]);
    ok(&o);
    assert!(stdout(&o).contains("4 phone selectors"), "{}", stdout(&o));
    assert!(stderr(&o).contains("lines 5"), "{}", stderr(&o));
    let packed = std::fs::read(&query).expect("query");
    assert_eq!(&packed[..2], &[0x1f, 0x8b], "a gzip file");
    let mut query_text = String::new();
    std::io::Read::read_to_string(&mut flate2::read::GzDecoder::new(packed.as_slice()), &mut query_text)
        .expect("gunzip");
    assert!(
        !query_text.contains("693111") && !query_text.contains("op-rs"),
        "no value, no case name"
    );
    // An analyst at GR may not answer partners; the administrator does.
    let answer = dir.path().join("answer.json");
    let o = as_user(
        &gr,
        "ana",
        &["exchange", "answer", &p(&query), "--out", &p(&answer)],
        "",
    );
    assert_eq!(code(&o), 8, "{}", stderr(&o));
    ok(&as_user(
        &gr,
        "root",
        &["exchange", "answer", &p(&query), "--out", &p(&answer)],
        "",
    ));
    // The same query again is a replay.
    let again = dir.path().join("again.json");
    let o = as_user(
        &gr,
        "root",
        &["exchange", "answer", &p(&query), "--out", &p(&again)],
        "",
    );
    assert_eq!(code(&o), 8, "{}", stderr(&o));
    // The sender hears one reason for every refusal of a message not proven
    // fresh; the log keeps the precise one.
    assert!(stderr(&o).contains("seen before"), "{}", stderr(&o));
    let o = as_user(
        &gr,
        "root",
        &["user", "add", "dora", "--role", "dpo"],
        "a long enough passphrase\n",
    );
    ok(&o);
    let log = as_user(&gr, "dora", &["--json", "audit", "log"], "");
    ok(&log);
    assert!(stdout(&log).contains("replayed"), "the code in the log");
    // The answer waits for GR's tags; then two hits, not the victim's.
    let o = ana_rs(&["exchange", "receive", &p(&answer)]);
    assert_ne!(code(&o), 0, "{}", stdout(&o));
    // The tags are the administrator's to take in; an analyst may not.
    assert_eq!(code(&ana_rs(&["exchange", "receive", &p(&tags)])), 8);
    ok(&as_user(&rs, "root", &["exchange", "receive", &p(&tags)], ""));
    // Only a member of the case that asked receives the answer.
    ok(&as_user(&rs, "root", &["case", "add", "op-other"], ""));
    ok(&as_user(&rs, "root", &["case", "member", "add", "op-other", "sam"], ""));
    let o = as_user(
        &rs,
        "sam",
        &[
            "--case",
            "op-other",
            "--purpose",
            "investigation",
            "exchange",
            "receive",
            &p(&answer),
        ],
        "",
    );
    assert_eq!(code(&o), 8, "{}", stderr(&o));
    let o = ana_rs(&["--json", "exchange", "receive", &p(&answer)]);
    ok(&o);
    let got: serde_json::Value = serde_json::from_str(&stdout(&o)).expect("json");
    let values: Vec<&str> = got["hits"]
        .as_array()
        .expect("hits")
        .iter()
        .filter_map(|h| h["value"].as_str())
        .collect();
    assert_eq!(values, ["+306931111111", "+306932222222"], "{got}");
    let o = ana_rs(&["hit", "list"]);
    ok(&o);
    assert!(stdout(&o).contains("2 hits"), "{}", stdout(&o));
    // The DPO can tell which queries held a number; an analyst may not ask.
    ok(&as_user(
        &rs,
        "root",
        &["user", "add", "dora", "--role", "dpo"],
        "a long enough passphrase\n",
    ));
    let o = as_user(
        &rs,
        "dora",
        &["--json", "hit", "audit", "--kind", "phone", "--value", "+306933333333"],
        "",
    );
    ok(&o);
    let found: serde_json::Value = serde_json::from_str(&stdout(&o)).expect("json");
    assert_eq!(found.as_array().map(Vec::len), Some(1), "{found}");
    assert_eq!(found[0]["case_name"], "op-rs");
    assert_eq!(
        found[0]["hits"].as_array().map(Vec::len),
        Some(0),
        "no hits for the DPO"
    );
    let o = ana_rs(&["hit", "audit", "--kind", "phone", "--value", "+306933333333"]);
    assert_eq!(code(&o), 8, "{}", stderr(&o));
    // Step 2: RS asks for the record behind the first hit, naming the legal basis.
    let reference = got["hits"][0]["reference"].as_str().expect("reference").to_string();
    let request = dir.path().join("request.json");
    let o = ana_rs(&[
        "disclosure",
        "request",
        "--hit",
        &reference,
        "--legal-basis",
        "Art. 7, case KT-12/2026",
        "--out",
        &p(&request),
    ]);
    ok(&o);
    assert!(!std::fs::read_to_string(&request).expect("request").contains("op-rs"));
    // GR's administrator takes it in; its supervisor (the agreement's approver) sees it.
    ok(&as_user(&gr, "root", &["exchange", "receive", &p(&request)], ""));
    let o = as_user(&gr, "sam", &["--json", "disclosure", "list", "--received"], "");
    ok(&o);
    let listed: serde_json::Value = serde_json::from_str(&stdout(&o)).expect("json");
    let d_ref = listed[0]["reference"].as_str().expect("reference").to_string();
    assert_eq!(listed[0]["state"], "pending");
    assert_eq!(listed[0]["approver"], "sam");
    // An analyst may not see partners' requests.
    assert_eq!(code(&as_user(&gr, "ana", &["disclosure", "list", "--received"], "")), 8);
    let o = as_user(&gr, "sam", &["disclosure", "show", &d_ref], "");
    ok(&o);
    assert!(stdout(&o).contains("Suspect One"), "{}", stdout(&o));
    assert!(!stdout(&o).contains("Victim"), "{}", stdout(&o));
    let answer = dir.path().join("disclosed.json");
    ok(&as_user(
        &gr,
        "sam",
        &["disclosure", "approve", &d_ref, "--out", &p(&answer)],
        "",
    ));
    assert!(
        !std::fs::read_to_string(&answer)
            .expect("answer")
            .contains("Suspect One"),
        "sealed"
    );
    // RS's analyst receives it into the case: the person is there, GR's agency its source.
    let o = ana_rs(&["--json", "exchange", "receive", &p(&answer)]);
    ok(&o);
    let received: serde_json::Value = serde_json::from_str(&stdout(&o)).expect("json");
    assert_eq!(received["records"], 1, "{received}");
    assert_eq!(received["decision"], "approved");
    // Each disclosure keeps its copy under its own reference.
    let copy = format!("disclosed+gr+op-rs:{d_ref}/gr-intercepts/1:person");
    let o = ana_rs(&["show", &copy]);
    ok(&o);
    assert!(stdout(&o).contains("Suspect One"), "{}", stdout(&o));
    assert!(
        stdout(&o).contains("partner:gr/"),
        "the partner's agency: {}",
        stdout(&o)
    );
    let o = ana_rs(&["disclosure", "list"]);
    ok(&o);
    assert!(stdout(&o).contains("approved"), "{}", stdout(&o));
    // A rectification at GR reaches RS by a notice.
    let o = as_user(
        &gr,
        "ana",
        &[
            "--case",
            "op-gr",
            "--purpose",
            "investigation",
            "--json",
            "show",
            "gr-intercepts:1:person",
        ],
        "",
    );
    ok(&o);
    let shown: serde_json::Value = serde_json::from_str(&stdout(&o)).expect("json");
    let name_id = shown["statements"]
        .as_array()
        .or_else(|| shown["entity"]["statements"].as_array())
        .expect("statements")
        .iter()
        .find(|s| s["prop"] == "name")
        .and_then(|s| s["id"].as_i64())
        .expect("name statement");
    ok(&as_user(
        &gr,
        "ana",
        &[
            "--case",
            "op-gr",
            "--purpose",
            "investigation",
            "rectify",
            &name_id.to_string(),
            "--value",
            "Suspect Won",
            "--reason",
            "spelling per passport",
        ],
        "",
    ));
    let outbox = dir.path().join("outbox");
    std::fs::create_dir(&outbox).expect("outbox");
    ok(&as_user(
        &gr,
        "root",
        &["exchange", "notices", "--out", &p(&outbox)],
        "",
    ));
    let notices: Vec<_> = std::fs::read_dir(&outbox)
        .expect("dir")
        .flatten()
        .map(|e| e.path())
        .collect();
    assert_eq!(notices.len(), 1);
    ok(&as_user(&rs, "root", &["exchange", "receive", &p(&notices[0])], ""));
    let o = ana_rs(&["show", &copy]);
    ok(&o);
    assert!(stdout(&o).contains("Suspect Won"), "{}", stdout(&o));
    // Both chains record it, and verify.
    for store in [&rs, &gr] {
        let o = as_user(store, "root", &["audit", "verify"], "");
        ok(&o);
    }
}
