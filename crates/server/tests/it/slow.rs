//! A client that sends its request head slowly holds a connection only until the
//! header limit, while others are answered.

use std::io::{Read, Write};
use std::time::{Duration, Instant};

use corridor_server::listen::{Limits, serve_connections};

use crate::fixture;

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_slow_client_is_cut_off_and_does_not_hold_up_others() {
    let f = fixture();
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.expect("bind");
    let addr = listener.local_addr().expect("addr");
    let limits = Limits {
        header_read: Duration::from_millis(400),
        ..Limits::default()
    };
    let (stop, stopped) = tokio::sync::oneshot::channel::<()>();
    let server = tokio::spawn(serve_connections(listener, f.node.clone(), None, limits, async {
        let _ = stopped.await;
    }));
    let outcome = tokio::task::spawn_blocking(move || {
        let mut slow = std::net::TcpStream::connect(addr).expect("connect");
        slow.set_read_timeout(Some(Duration::from_secs(5))).expect("timeout");
        slow.write_all(b"GET /api/v1/health HTTP/1.1\r\nHost: x\r\n")
            .expect("half a head");
        // Another client is answered meanwhile.
        let mut quick = std::net::TcpStream::connect(addr).expect("connect");
        quick
            .write_all(b"GET /api/v1/health HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n")
            .expect("request");
        let mut answer = String::new();
        quick.read_to_string(&mut answer).expect("answer");
        let started = Instant::now();
        let mut rest = Vec::new();
        let read = slow.read_to_end(&mut rest);
        (answer, read.is_ok(), started.elapsed())
    })
    .await
    .expect("client");
    let (answer, closed, waited) = outcome;
    assert!(answer.starts_with("HTTP/1.1 200"), "{answer}");
    assert!(closed, "the slow connection was closed by the server, not left hanging");
    assert!(waited < Duration::from_secs(3), "cut off after {waited:?}");
    let _ = stop.send(());
    server.await.expect("server").expect("served");
}
