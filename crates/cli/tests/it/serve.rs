//! `corridor serve`: the binary serves the node's API on the address given and
//! stops cleanly on SIGTERM.

use std::io::{BufRead, BufReader, Read, Write};
use std::net::TcpStream;
use std::process::{Command, Stdio};

use crate::{BIN, code, corridor, stderr};

/// One HTTP/1.1 request over a fresh connection; the status line and body.
fn http_get(addr: &str, path: &str, headers: &[(&str, &str)]) -> (String, String) {
    let mut s = TcpStream::connect(addr).expect("connect");
    let mut req = format!("GET {path} HTTP/1.1\r\nHost: {addr}\r\nConnection: close\r\n");
    for (k, v) in headers {
        req.push_str(&format!("{k}: {v}\r\n"));
    }
    req.push_str("\r\n");
    s.write_all(req.as_bytes()).expect("send");
    let mut answer = String::new();
    s.read_to_string(&mut answer).expect("read");
    let status = answer.lines().next().unwrap_or_default().to_string();
    let body = answer
        .split_once("\r\n\r\n")
        .map(|(_, b)| b.to_string())
        .unwrap_or_default();
    (status, body)
}

#[test]
fn the_node_serves_its_api_and_stops_on_sigterm() {
    let dir = tempfile::tempdir().expect("dir");
    let store = dir.path().join("node.corridor");
    assert_eq!(code(&corridor(&store, &["init"])), 0);
    let mut child = Command::new(BIN)
        .arg("--store")
        .arg(&store)
        .args(["serve", "--listen", "127.0.0.1:0"])
        .stderr(Stdio::piped())
        .spawn()
        .expect("serve");
    let mut lines = BufReader::new(child.stderr.take().expect("stderr")).lines();
    let first = lines.next().expect("a line").expect("text");
    let addr = first
        .split("http://")
        .nth(1)
        .and_then(|r| r.split('/').next())
        .expect("the address")
        .to_string();
    let (status, body) = http_get(&addr, "/api/v1/health", &[]);
    assert!(status.contains(" 200 "), "{status} {body}");
    assert!(body.contains("\"ok\""), "{body}");
    let (status, body) = http_get(&addr, "/api/v1/me", &[]);
    assert!(status.contains(" 401 "), "{status}");
    assert!(body.contains("unauthenticated"), "{body}");
    let (status, body) = http_get(&addr, "/api/v1/openapi.json", &[]);
    assert!(status.contains(" 200 ") && body.contains("\"openapi\""), "{status}");
    let killed = Command::new("kill")
        .args(["-TERM", &child.id().to_string()])
        .status()
        .expect("kill");
    assert!(killed.success());
    let status = child.wait().expect("wait");
    assert!(status.success(), "stopped cleanly: {status:?}");
}

#[test]
fn serving_an_address_in_use_says_what_to_do() {
    let dir = tempfile::tempdir().expect("dir");
    let store = dir.path().join("node.corridor");
    assert_eq!(code(&corridor(&store, &["init"])), 0);
    let taken = std::net::TcpListener::bind("127.0.0.1:0").expect("bind");
    let addr = taken.local_addr().expect("addr").to_string();
    let o = corridor(&store, &["serve", "--listen", &addr]);
    assert_eq!(code(&o), 4, "{}", stderr(&o));
    assert!(stderr(&o).contains("cannot listen on"), "{}", stderr(&o));
}
