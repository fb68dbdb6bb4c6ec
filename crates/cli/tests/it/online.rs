//! Three real nodes on loopback (`corridor serve` over HTTPS), each holding one
//! agency's part of the synthetic corridor data: RS asks GR and BG which of its
//! phones they hold (private set intersection online), asks GR for the record
//! behind a hit, GR's approver approves, RS ingests it with its provenance, GR
//! erases the record and RS's copy goes too; every step on both audit chains,
//! and messages from no partner or replayed are refused.

use std::collections::HashSet;
use std::io::{BufRead, BufReader};
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};

use crate::partners::{card_at, node, ok};
use crate::users::as_user;
use crate::{BIN, code, stdout};

/// A node being served; stopped when dropped.
struct Served {
    child: Child,
    address: String,
}

impl Drop for Served {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

fn serve(store: &Path, ca: &Path, cert: &Path, key: &Path) -> Served {
    let mut child = Command::new(BIN)
        .arg("--store")
        .arg(store)
        .arg("--partner-ca")
        .arg(ca)
        .args(["serve", "--listen", "127.0.0.1:0", "--tls-cert"])
        .arg(cert)
        .arg("--tls-key")
        .arg(key)
        .stderr(Stdio::piped())
        .spawn()
        .expect("serve");
    let mut lines = BufReader::new(child.stderr.take().expect("stderr")).lines();
    let first = lines.next().expect("a line").expect("text");
    let port = first
        .split("https://127.0.0.1:")
        .nth(1)
        .and_then(|r| r.split('/').next())
        .expect("the port")
        .to_string();
    // Keep reading what the node says, so it never blocks on a full pipe.
    std::thread::spawn(move || for _ in lines {});
    Served {
        child,
        address: format!("https://localhost:{port}"),
    }
}

/// A small PKI as a police network would have: a CA, and a node certificate it
/// signed for `localhost` (every node here serves with it). (CA, cert, key).
fn pki(dir: &Path) -> (PathBuf, PathBuf, PathBuf) {
    let f = |n: &str| dir.join(n);
    let run = |args: &[&str]| {
        let o = Command::new("openssl")
            .args(args)
            .current_dir(dir)
            .output()
            .expect("openssl (Debian's openssl package) makes the test certificates");
        assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
    };
    run(&[
        "req",
        "-x509",
        "-newkey",
        "ec",
        "-pkeyopt",
        "ec_paramgen_curve:prime256v1",
        "-nodes",
        "-days",
        "2",
        "-subj",
        "/CN=Test Police CA",
        "-keyout",
        "ca.key",
        "-out",
        "ca.pem",
        "-addext",
        "basicConstraints=critical,CA:TRUE",
        "-addext",
        "keyUsage=critical,keyCertSign",
    ]);
    run(&[
        "req",
        "-newkey",
        "ec",
        "-pkeyopt",
        "ec_paramgen_curve:prime256v1",
        "-nodes",
        "-subj",
        "/CN=localhost",
        "-keyout",
        "node.key",
        "-out",
        "node.csr",
    ]);
    std::fs::write(
        f("node.ext"),
        "basicConstraints=CA:FALSE\nsubjectAltName=DNS:localhost\nextendedKeyUsage=serverAuth\n",
    )
    .expect("ext");
    run(&[
        "x509",
        "-req",
        "-in",
        "node.csr",
        "-CA",
        "ca.pem",
        "-CAkey",
        "ca.key",
        "-CAcreateserial",
        "-days",
        "2",
        "-extfile",
        "node.ext",
        "-out",
        "node.pem",
    ]);
    (f("ca.pem"), f("node.pem"), f("node.key"))
}

/// The phones of a folder's files, by their last nine digits (as written, any
/// format): what the test expects the nodes to find, computed apart from them.
fn phones_in(dir: &Path) -> HashSet<String> {
    let mut out = HashSet::new();
    for entry in std::fs::read_dir(dir).expect("dir").flatten() {
        let path = entry.path();
        if path.extension().is_some_and(|e| e == "toml") {
            continue;
        }
        let text = std::fs::read_to_string(&path).expect("file");
        for cell in text.split([';', ',', '\t', '\n']) {
            let cell = cell.trim();
            let digits: String = cell.chars().filter(char::is_ascii_digit).collect();
            if (cell.starts_with('+') || cell.starts_with("00")) && (9..=15).contains(&digits.len()) {
                out.insert(digits[digits.len() - 9..].to_string());
            }
        }
    }
    out
}

fn last9(value: &str) -> String {
    let digits: String = value.chars().filter(char::is_ascii_digit).collect();
    digits[digits.len().saturating_sub(9)..].to_string()
}

fn json(o: &std::process::Output) -> serde_json::Value {
    ok(o);
    serde_json::from_str(&stdout(o)).unwrap_or_else(|e| panic!("{e}: {}", stdout(o)))
}

#[test]
fn three_nodes_match_selectors_and_disclose_a_record_online_and_an_erasure_follows() {
    let dir = tempfile::tempdir().expect("dir");
    let p = |path: &Path| path.to_str().expect("path").to_string();
    let data = dir.path().join("synth");
    let o = Command::new(BIN)
        .args(["synth", "--size", "demo", "--out"])
        .arg(&data)
        .output()
        .expect("synth");
    ok(&o);
    let (ca_cert, cert, key) = pki(dir.path());
    // Three nodes, each with one agency's files, ingested into a case of its own.
    let agencies = [("rs", "rs-bp", "RS"), ("gr", "gr-hp", "GR"), ("bg", "bg-bp", "BG")];
    let mut stores: Vec<PathBuf> = Vec::new();
    for (name, agency, _) in agencies {
        let store = node(dir.path(), name);
        let case = format!("op-{name}");
        ok(&as_user(&store, "root", &["case", "add", &case], ""));
        ok(&as_user(&store, "root", &["case", "member", "add", &case, "ana"], ""));
        ok(&as_user(
            &store,
            "root",
            &["user", "add", "dora", "--role", "dpo"],
            "a long enough passphrase\n",
        ));
        for entry in std::fs::read_dir(data.join(agency)).expect("agency").flatten() {
            let mapping = entry.path();
            let Some(stem) = mapping.to_str().and_then(|m| m.strip_suffix(".mapping.toml")) else {
                continue;
            };
            let file = [".csv", ".tsv"]
                .iter()
                .map(|ext| PathBuf::from(format!("{stem}{ext}")))
                .find(|f| f.exists())
                .expect("the mapping's file");
            ok(&as_user(
                &store,
                "ana",
                &[
                    "--case",
                    &case,
                    "--purpose",
                    "investigation",
                    "ingest",
                    "--mapping",
                    &p(&mapping),
                    &p(&file),
                ],
                "",
            ));
        }
        stores.push(store);
    }
    let [rs, gr, bg] = [&stores[0], &stores[1], &stores[2]];
    let served: Vec<Served> = stores.iter().map(|s| serve(s, &ca_cert, &cert, &key)).collect();
    // Cards with their addresses, fingerprints checked, partners both ways; GR and
    // BG agree to phone queries from RS, approved by their supervisor sam.
    let cards: Vec<(PathBuf, String)> = agencies
        .iter()
        .zip(stores.iter().zip(&served))
        .map(|((name, _, country), (store, node))| card_at(dir.path(), store, name, country, Some(&node.address)))
        .collect();
    let add = |store: &Path, name: &str, i: usize| {
        ok(&as_user(
            store,
            "root",
            &[
                "partner",
                "add",
                name,
                "--card",
                &p(&cards[i].0),
                "--fingerprint",
                &cards[i].1,
            ],
            "",
        ));
    };
    for (i, (name, _, _)) in agencies.iter().enumerate().skip(1) {
        add(rs, name, i);
        add(&stores[i], "rs", 0);
        ok(&as_user(
            &stores[i],
            "root",
            &[
                "agreement",
                "set",
                "rs",
                "--kinds",
                "phone,person-identity",
                "--purposes",
                "investigation",
                "--budget",
                "1000",
                "--max-query",
                "500",
                "--expires",
                "2099-12-31",
                "--approver",
                "sam",
            ],
            "",
        ));
    }
    // RS's phones from its interceptions, as written there.
    let rs_phones: Vec<String> = std::fs::read_to_string(data.join("rs-bp/presretanja.csv"))
        .expect("rs")
        .lines()
        .skip(1)
        .filter_map(|l| l.split(';').nth(16).map(str::to_string))
        .filter(|v| !v.trim().is_empty())
        .collect();
    assert!(rs_phones.len() > 20, "the synthetic data has phones");
    let selectors = dir.path().join("phones.txt");
    std::fs::write(&selectors, rs_phones.join("\n")).expect("selectors");
    let ca = p(&ca_cert);
    let ana_rs = |args: &[&str]| {
        let mut all = vec![
            "--partner-ca",
            ca.as_str(),
            "--case",
            "op-rs",
            "--purpose",
            "investigation",
        ];
        all.extend_from_slice(args);
        as_user(rs, "ana", &all, "")
    };
    // The API as a client of RS's node would use it: ana's token, the case and purpose.
    let o = as_user(rs, "root", &["token", "create", "--for", "ana", "--expires", "1"], "");
    ok(&o);
    let token = stdout(&o).trim().to_string();
    let api = |method: &str, path: &str, body: Option<&str>| {
        let mut c = Command::new("curl");
        c.args(["-s", "-w", "\n%{http_code}", "--cacert", &ca, "-X", method])
            .args(["-H", &format!("authorization: Bearer {token}")])
            .args(["-H", "corridor-case: op-rs", "-H", "corridor-purpose: investigation"])
            .args(["-H", "content-type: application/json"]);
        if let Some(b) = body {
            c.args(["--data-binary", b]);
        }
        let o = c.arg(format!("{}{path}", served[0].address)).output().expect("curl");
        let text = String::from_utf8_lossy(&o.stdout).to_string();
        let (body, status) = text.rsplit_once('\n').expect("status");
        (
            status.to_string(),
            serde_json::from_str::<serde_json::Value>(body).unwrap_or_default(),
        )
    };
    // Online: each partner's tags, the blinded query, its answer, in one command
    // (GR), or one API request (BG).
    let mut found = Vec::new();
    for (name, agency, _) in &agencies[1..] {
        let got = if *name == "gr" {
            json(&ana_rs(&[
                "--json",
                "hit",
                "query",
                "--partner",
                name,
                "--kind",
                "phone",
                "--selectors",
                &p(&selectors),
            ]))
        } else {
            let body = serde_json::json!({"partner": name, "kind": "phone", "selectors": rs_phones}).to_string();
            let (status, got) = api("POST", "/api/v1/hits", Some(&body));
            assert_eq!(status, "200", "{got}");
            got
        };
        let held = phones_in(&data.join(agency));
        let hits: Vec<(String, String)> = got["hits"]
            .as_array()
            .expect("hits")
            .iter()
            .map(|h| {
                (
                    h["value"].as_str().expect("value").to_string(),
                    h["reference"].as_str().expect("reference").to_string(),
                )
            })
            .collect();
        for (value, _) in &hits {
            assert!(held.contains(&last9(value)), "{value} is not in {agency}'s files");
        }
        found.push(hits);
    }
    assert!(!found[0].is_empty(), "RS and GR share phones in the synthetic data");
    // People: RS asks GR about people of GR's arrests as RS would write them, in
    // Serbian Cyrillic: GR's suspects must be found across the scripts, the
    // migrants GR recorded (mapped to victims) never.
    let cyrillic = |latin: &str| -> String {
        latin
            .to_uppercase()
            .chars()
            .map(|c| match c {
                'A' => 'А',
                'B' => 'Б',
                'C' => 'Ц',
                'D' => 'Д',
                'E' => 'Е',
                'F' => 'Ф',
                'G' => 'Г',
                'H' => 'Х',
                'I' => 'И',
                'J' => 'Ј',
                'K' => 'К',
                'L' => 'Л',
                'M' => 'М',
                'N' => 'Н',
                'O' => 'О',
                'P' => 'П',
                'R' => 'Р',
                'S' => 'С',
                'T' => 'Т',
                'U' => 'У',
                'V' => 'В',
                'Z' => 'З',
                other => other,
            })
            .collect()
    };
    let (mut suspects, mut migrants) = (Vec::new(), Vec::new());
    let arrests = std::fs::read_to_string(data.join("gr-hp/syllipseis_evros_lesvos.tsv")).expect("gr");
    for line in arrests.lines().skip(1) {
        let f: Vec<&str> = line.split('\t').collect();
        let born: Vec<&str> = f[11].split('/').collect();
        let latin = |t: &str| t.chars().all(|c| c.is_ascii_uppercase() || c == ' ' || c == '-');
        if born.len() != 3
            || !latin(f[8])
            || !latin(f[9])
            || f[8].contains(['Q', 'W', 'X', 'Y'])
            || f[9].contains(['Q', 'W', 'X', 'Y'])
        {
            continue;
        }
        let person = format!(
            "{} {};{}-{}-{}",
            cyrillic(f[9]),
            cyrillic(f[8]),
            born[2],
            born[1],
            born[0]
        );
        match f[14] {
            "μετανάστης" | "μάρτυρας" => migrants.push(person),
            _ => suspects.push(person),
        }
    }
    migrants.retain(|m| !suspects.contains(m));
    migrants.truncate(40);
    assert!(
        suspects.len() >= 5,
        "GR's arrests name suspects in Latin script: {suspects:?}"
    );
    let persons_file = dir.path().join("people.txt");
    std::fs::write(&persons_file, [suspects.clone(), migrants.clone()].concat().join("\n")).expect("people");
    let got = json(&ana_rs(&[
        "--json",
        "hit",
        "query",
        "--partner",
        "gr",
        "--kind",
        "person-identity",
        "--selectors",
        &p(&persons_file),
    ]));
    let people_found: HashSet<&str> = got["hits"]
        .as_array()
        .expect("hits")
        .iter()
        .filter_map(|h| h["value"].as_str())
        .collect();
    for s in &suspects {
        assert!(
            people_found.contains(s.as_str()),
            "{s} not found at GR: {people_found:?}"
        );
    }
    for m in &migrants {
        assert!(
            !people_found.contains(m.as_str()),
            "a migrant GR holds was matched: {m}"
        );
    }
    let (status, listed) = api("GET", "/api/v1/hits", None);
    assert_eq!(status, "200");
    assert_eq!(
        listed.as_array().map(Vec::len),
        Some(3),
        "every query listed, phones and people: {listed}"
    );
    // The responders' logs hold no phone of RS's.
    for store in [gr, bg] {
        let log = json(&as_user(store, "dora", &["--json", "audit", "log"], ""));
        let text = log.to_string();
        for (value, _) in found.iter().flatten() {
            assert!(!text.contains(&last9(value)), "a phone in a responder's log");
        }
    }
    // Step 2: RS asks GR for the record behind its first hit, online.
    let (_, hit) = &found[0][0];
    let asked = json(&ana_rs(&[
        "--json",
        "disclosure",
        "request",
        "--hit",
        hit,
        "--legal-basis",
        "Art. 7, case KT-12/2026",
    ]));
    let reference = asked["reference"].as_str().expect("reference").to_string();
    let gr_list = json(&as_user(gr, "sam", &["--json", "disclosure", "list", "--received"], ""));
    assert_eq!(gr_list[0]["reference"], reference.as_str());
    assert_eq!(gr_list[0]["state"], "pending");
    let shown = json(&as_user(gr, "sam", &["--json", "disclosure", "show", &reference], ""));
    let record = shown["package"]["records"][0].clone();
    let record_ref = record["reference"].as_str().expect("record").to_string();
    let name = record["entities"]
        .as_array()
        .expect("entities")
        .iter()
        .find(|e| e["schema"] == "Person")
        .and_then(|e| e["statements"].as_array())
        .and_then(|s| s.iter().find(|s| s["prop"] == "name"))
        .and_then(|s| s["value"].as_str())
        .expect("a person's name")
        .to_string();
    // The approver approves; the answer goes online and RS ingests it at once.
    let decided = json(&as_user(
        gr,
        "sam",
        &["--partner-ca", &ca, "--json", "disclosure", "approve", &reference],
        "",
    ));
    assert_eq!(decided["state"], "approved");
    // Sent again through GR's API: RS has it already and says so.
    let o = as_user(gr, "root", &["token", "create", "--for", "sam", "--expires", "1"], "");
    ok(&o);
    let sam_token = stdout(&o).trim().to_string();
    let resent = Command::new("curl")
        .args([
            "-s",
            "-o",
            "/dev/null",
            "-w",
            "%{http_code}",
            "--cacert",
            &ca,
            "-X",
            "POST",
        ])
        .args(["-H", &format!("authorization: Bearer {sam_token}")])
        .args(["-H", "content-type: application/json", "--data-binary", "{}"])
        .arg(format!(
            "{}/api/v1/disclosure-requests/{reference}/resend",
            served[1].address
        ))
        .output()
        .expect("curl");
    assert_eq!(
        String::from_utf8_lossy(&resent.stdout),
        "409",
        "delivered, and refused by RS as received already"
    );
    let rs_list = json(&ana_rs(&["--json", "disclosure", "list"]));
    assert_eq!(rs_list[0]["state"], "approved", "{rs_list}");
    assert_eq!(rs_list[0]["dataset"], "disclosed+gr+op-rs");
    let copy = format!("disclosed+gr+op-rs:{reference}/{record_ref}:person");
    let o = ana_rs(&["show", &copy]);
    ok(&o);
    assert!(stdout(&o).contains(&name), "{}", stdout(&o));
    assert!(
        stdout(&o).contains("partner:gr/gr-hp"),
        "the partner's agency: {}",
        stdout(&o)
    );
    // GR's DPO erases the record; the notice goes online and RS's copy goes.
    let report = json(&as_user(
        gr,
        "dora",
        &[
            "--json",
            "retention",
            "subject-access",
            "--name",
            &name,
            "--reference",
            "SAR-1",
        ],
        "",
    ));
    let (dataset, key) = record_ref.split_once('/').expect("dataset/key");
    let opaque = report["records"]
        .as_array()
        .expect("records")
        .iter()
        .find(|r| {
            r["dataset"] == dataset
                && r["statements"].as_array().is_some_and(|s| {
                    s.iter().any(|s| {
                        s["entity"]
                            .as_str()
                            .is_some_and(|e| e.starts_with(&format!("{dataset}:{key}:")))
                    })
                })
        })
        .and_then(|r| r["record"].as_str())
        .expect("the record in the report")
        .to_string();
    ok(&as_user(
        gr,
        "dora",
        &[
            "retention",
            "erase",
            "--record",
            &opaque,
            "--reason",
            "Art. 16 request 7",
            "--whole-record",
        ],
        "",
    ));
    let outbox = dir.path().join("outbox");
    std::fs::create_dir(&outbox).expect("outbox");
    let o = as_user(
        gr,
        "root",
        &[
            "--partner-ca",
            &ca,
            "exchange",
            "notices",
            "--send",
            "--out",
            &p(&outbox),
        ],
        "",
    );
    ok(&o);
    assert!(stdout(&o).contains("delivered to rs"), "{}", stdout(&o));
    let o = ana_rs(&["show", &copy]);
    assert_ne!(code(&o), 0, "the copy is erased: {}", stdout(&o));
    // Nothing from a node that is no partner: BG's node has no agreement for GR's
    // phones, and a message replayed is refused.
    let query = dir.path().join("q.json");
    ok(&ana_rs(&[
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
    ]));
    let post = |address: &str, body: &Path| {
        Command::new("curl")
            .args([
                "-s",
                "-o",
                "/dev/null",
                "-w",
                "%{http_code}",
                "--cacert",
                &ca,
                "-H",
                "content-type: application/json",
            ])
            .arg("--data-binary")
            .arg(format!("@{}", p(body)))
            .arg(format!("{address}/api/v1/exchange"))
            .output()
            .expect("curl")
    };
    let first = post(&served[1].address, &query);
    assert_eq!(String::from_utf8_lossy(&first.stdout), "200");
    let replay = post(&served[1].address, &query);
    assert_eq!(String::from_utf8_lossy(&replay.stdout), "403", "a replay");
    // The query was for GR: BG is not its recipient.
    let elsewhere = post(&served[2].address, &query);
    assert_eq!(String::from_utf8_lossy(&elsewhere.stdout), "403");
    // Every chain holds its part and verifies.
    for (store, words) in [
        (
            rs,
            &[
                "hit.query",
                "hit.answer",
                "disclosure.request",
                "disclosure.answer",
                "disclosure.notice",
            ][..],
        ),
        (
            gr,
            &[
                "exchange.tags",
                "exchange.answer",
                "disclosure.request",
                "disclosure.decide",
                "disclosure.notice",
                "exchange.refused",
            ][..],
        ),
        (bg, &["exchange.tags", "exchange.answer", "exchange.refused"][..]),
    ] {
        let log = json(&as_user(store, "dora", &["--json", "audit", "log"], "")).to_string();
        for w in words {
            assert!(log.contains(&format!("\"{w}\"")), "{w} missing from {}", p(store));
        }
        ok(&as_user(store, "root", &["audit", "verify"], ""));
    }
    drop(served);
}
