//! The accept loop both plain HTTP and TLS go through: each connection served by
//! hyper with a limit on how long a client may take to send its request head (a
//! slow client holds a connection, not the node), TLS handshakes limited too, and
//! every request answered within a limit or refused with a JSON error.

use std::net::SocketAddr;
use std::sync::Arc;
use std::time::Duration;

use axum::extract::ConnectInfo;
use hyper_util::rt::{TokioExecutor, TokioIo, TokioTimer};
use hyper_util::server::conn::auto::Builder;
use hyper_util::service::TowerToHyperService;
use tokio::io::{AsyncRead, AsyncWrite};
use tokio_rustls::TlsAcceptor;
use tower::ServiceExt;

use crate::{Node, router};

/// How long clients and requests may take.
#[derive(Debug, Clone, Copy)]
pub struct Limits {
    /// To send the request line and headers.
    pub header_read: Duration,
    /// To finish a TLS handshake.
    pub handshake: Duration,
    /// For the node to answer one request (then 503 `busy`).
    pub request: Duration,
    /// Connections open at once.
    pub connections: usize,
}

impl Default for Limits {
    fn default() -> Self {
        Limits {
            header_read: Duration::from_secs(10),
            handshake: Duration::from_secs(10),
            request: Duration::from_secs(60),
            connections: 1024,
        }
    }
}

/// Serves `node` on `listener`, over TLS with an acceptor, until `shutdown`.
pub async fn serve_connections(
    listener: tokio::net::TcpListener,
    node: Node,
    tls: Option<TlsAcceptor>,
    limits: Limits,
    shutdown: impl std::future::Future<Output = ()> + Send + 'static,
) -> std::io::Result<()> {
    let app = router(node.with_tls(tls.is_some()).with_request_limit(limits.request));
    let open = Arc::new(tokio::sync::Semaphore::new(limits.connections));
    let mut shutdown = std::pin::pin!(shutdown);
    loop {
        // At most `connections` at once: the next waits for one to close.
        let permit = tokio::select! {
            p = open.clone().acquire_owned() => match p {
                Ok(p) => p,
                Err(_) => return Ok(()),
            },
            _ = &mut shutdown => return Ok(()),
        };
        let (tcp, addr): (_, SocketAddr) = tokio::select! {
            accepted = listener.accept() => match accepted {
                Ok(a) => a,
                // A connection that failed before it was accepted, or too many open
                // files for a moment: pause rather than spin, then go on.
                Err(_) => {
                    tokio::time::sleep(Duration::from_millis(100)).await;
                    continue;
                }
            },
            _ = &mut shutdown => return Ok(()),
        };
        let (tls, app) = (tls.clone(), app.clone());
        tokio::spawn(async move {
            let _permit = permit;
            match tls {
                None => connection(tcp, addr, app, limits).await,
                Some(acceptor) => {
                    if let Ok(Ok(stream)) = tokio::time::timeout(limits.handshake, acceptor.accept(tcp)).await {
                        connection(stream, addr, app, limits).await;
                    }
                }
            }
        });
    }
}

async fn connection<S>(stream: S, addr: SocketAddr, app: axum::Router, limits: Limits)
where
    S: AsyncRead + AsyncWrite + Unpin + Send + 'static,
{
    let service = app.map_request(move |mut req: axum::http::Request<hyper::body::Incoming>| {
        req.extensions_mut().insert(ConnectInfo(addr));
        req
    });
    let mut builder = Builder::new(TokioExecutor::new());
    builder
        .http1()
        .timer(TokioTimer::new())
        .header_read_timeout(limits.header_read);
    let _ = builder
        .serve_connection(TokioIo::new(stream), TowerToHyperService::new(service))
        .await;
}

/// The TLS acceptor for a server configuration.
pub(crate) fn acceptor(config: Arc<tokio_rustls::rustls::ServerConfig>) -> TlsAcceptor {
    TlsAcceptor::from(config)
}
