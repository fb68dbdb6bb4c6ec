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

/// A self-signed certificate for `localhost` (openssl, as Debian ships it).
fn self_signed(dir: &std::path::Path) -> (std::path::PathBuf, std::path::PathBuf) {
    let (cert, key) = (dir.join("cert.pem"), dir.join("key.pem"));
    let made = Command::new("openssl")
        .args([
            "req",
            "-x509",
            "-newkey",
            "ec",
            "-pkeyopt",
            "ec_paramgen_curve:prime256v1",
            "-nodes",
            "-days",
            "2",
        ])
        .args(["-subj", "/CN=localhost", "-addext", "subjectAltName=DNS:localhost"])
        .arg("-keyout")
        .arg(&key)
        .arg("-out")
        .arg(&cert)
        .output()
        .expect("openssl (Debian's openssl package) makes the test certificate");
    assert!(made.status.success(), "{}", String::from_utf8_lossy(&made.stderr));
    (cert, key)
}

#[test]
fn the_node_serves_https_with_secure_cookies_and_refuses_a_bad_certificate() {
    let dir = tempfile::tempdir().expect("dir");
    let store = dir.path().join("node.corridor");
    assert_eq!(code(&corridor(&store, &["init"])), 0);
    let (cert, key) = self_signed(dir.path());
    let mut add = Command::new(BIN)
        .arg("--store")
        .arg(&store)
        .args(["--user", "root", "user", "add", "root", "--role", "admin"])
        .stdin(Stdio::piped())
        .stdout(Stdio::null())
        .spawn()
        .expect("user add");
    add.stdin
        .take()
        .expect("stdin")
        .write_all(b"a long enough passphrase\n")
        .expect("password");
    assert!(add.wait().expect("wait").success());
    // A key file that is not a key is refused before anything starts.
    let o = corridor(
        &store,
        &[
            "serve",
            "--listen",
            "127.0.0.1:0",
            "--tls-cert",
            cert.to_str().expect("path"),
            "--tls-key",
            cert.to_str().expect("path"),
        ],
    );
    assert_eq!(code(&o), 4, "{}", stderr(&o));
    assert!(stderr(&o).contains("private key"), "{}", stderr(&o));

    let mut child = Command::new(BIN)
        .arg("--store")
        .arg(&store)
        .args(["serve", "--listen", "127.0.0.1:0", "--tls-cert"])
        .arg(&cert)
        .arg("--tls-key")
        .arg(&key)
        .stderr(Stdio::piped())
        .spawn()
        .expect("serve");
    let mut lines = BufReader::new(child.stderr.take().expect("stderr")).lines();
    let first = lines.next().expect("a line").expect("text");
    assert!(first.contains("https://"), "{first}");
    let port = first
        .split("https://127.0.0.1:")
        .nth(1)
        .and_then(|r| r.split('/').next())
        .expect("the port")
        .to_string();
    let curl = |args: &[&str]| {
        Command::new("curl")
            .args(["-sS", "--max-time", "10", "--cacert"])
            .arg(&cert)
            .args(["--resolve", &format!("localhost:{port}:127.0.0.1")])
            .args(args)
            .output()
            .expect("curl")
    };
    let o = curl(&[&format!("https://localhost:{port}/api/v1/health")]);
    assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
    assert!(String::from_utf8_lossy(&o.stdout).contains("\"ok\""));
    // A login's cookie is Secure over TLS.
    let o = curl(&[
        "-i",
        "-H",
        "content-type: application/json",
        "-d",
        r#"{"user": "root", "password": "a long enough passphrase"}"#,
        &format!("https://localhost:{port}/api/v1/login"),
    ]);
    let text = String::from_utf8_lossy(&o.stdout);
    let cookie = text
        .lines()
        .find(|l| l.to_ascii_lowercase().starts_with("set-cookie:"))
        .unwrap_or_else(|| panic!("no cookie in {text}"));
    assert!(cookie.contains("; Secure") && cookie.contains("HttpOnly"), "{cookie}");
    let session = cookie
        .split_once(':')
        .map(|(_, v)| v.trim().split(';').next().unwrap_or_default().to_string())
        .expect("name=value");
    let me = |session: &str| {
        curl(&[
            "-H",
            &format!("cookie: {session}"),
            &format!("https://localhost:{port}/api/v1/me"),
        ])
    };
    assert!(String::from_utf8_lossy(&me(&session).stdout).contains("\"root\""));
    // A password reset from the command line (another process) ends the session.
    let mut reset = Command::new(BIN)
        .arg("--store")
        .arg(&store)
        .args(["--user", "root", "user", "reset", "root"])
        .stdin(Stdio::piped())
        .stdout(Stdio::null())
        .spawn()
        .expect("reset");
    reset
        .stdin
        .take()
        .expect("stdin")
        .write_all(b"a brand new long passphrase\n")
        .expect("password");
    assert!(reset.wait().expect("wait").success());
    let after = String::from_utf8_lossy(&me(&session).stdout).into_owned();
    assert!(after.contains("unauthenticated"), "{after}");
    // Plain HTTP to the TLS port gets no answer.
    let o = Command::new("curl")
        .args([
            "-sS",
            "--max-time",
            "5",
            &format!("http://127.0.0.1:{port}/api/v1/health"),
        ])
        .output()
        .expect("curl");
    assert!(!o.status.success() || !String::from_utf8_lossy(&o.stdout).contains("\"ok\""));
    let killed = Command::new("kill")
        .args(["-TERM", &child.id().to_string()])
        .status()
        .expect("kill");
    assert!(killed.success());
    assert!(child.wait().expect("wait").success());
}
