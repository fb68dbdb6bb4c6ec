//! The HTTPS transport between partner nodes: one signed message posted to the
//! partner's `POST /api/v1/exchange`, its reply read back. What the message
//! says and who may send it is checked end to end by the envelope's signature
//! (`corridor-exchange`); TLS here keeps the exchange confidential on the way
//! and is verified against the certificate authorities the node's
//! administrator names (`--partner-ca`: police networks run their own PKI, so
//! no public root store is trusted by default).
//!
//! A client of its own (hyper's HTTP/1.1 connection over tokio-rustls, the
//! crates the server already builds, aws-lc-rs as the provider for its
//! post-quantum key exchange) rather than reqwest: one request per exchange
//! needs no pool, and reqwest would add a second HTTP stack to the build.

use std::path::Path;
use std::sync::Arc;
use std::time::Duration;

use http_body_util::{BodyExt, Full, Limited};
use hyper::body::Bytes;
use tokio_rustls::rustls::pki_types::pem::PemObject;
use tokio_rustls::rustls::pki_types::{CertificateDer, ServerName};
use tokio_rustls::rustls::{ClientConfig, RootCertStore};

/// The largest reply read: a responder's tags for a million selectors fit.
pub const MAX_REPLY: usize = 32 * 1024 * 1024;

/// How long a whole exchange may take (connecting, TLS, the partner's work).
pub const TIMEOUT: Duration = Duration::from_secs(120);

/// Why a message did not reach the partner or its reply did not come back.
#[derive(Debug, thiserror::Error)]
pub enum Error {
    #[error("{0}")]
    Config(String),
    #[error("cannot reach the partner at {address}: {why}")]
    Unreachable { address: String, why: String },
    #[error("the partner at {address} did not answer within {} s", TIMEOUT.as_secs())]
    Timeout { address: String },
    #[error("the partner's reply is larger than {MAX_REPLY} bytes")]
    TooLarge,
}

/// The partner's reply: its HTTP status and body.
#[derive(Debug, Clone)]
pub struct Reply {
    pub status: u16,
    pub body: String,
}

/// The TLS trust for partners: the certificate authorities in the PEM file `ca`.
#[derive(Clone)]
pub struct Trust(Arc<ClientConfig>);

impl std::fmt::Debug for Trust {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Trust").finish_non_exhaustive()
    }
}

impl Trust {
    pub fn from_pem_file(ca: &Path) -> Result<Trust, Error> {
        let bad = |why: String| Error::Config(format!("--partner-ca {}: {why}", ca.display()));
        let certs: Vec<CertificateDer<'static>> = CertificateDer::pem_file_iter(ca)
            .map_err(|e| bad(format!("cannot read it ({e})")))?
            .collect::<Result<_, _>>()
            .map_err(|e| bad(format!("not PEM certificates ({e})")))?;
        let mut roots = RootCertStore::empty();
        for c in certs {
            roots
                .add(c)
                .map_err(|e| bad(format!("a certificate that cannot be a trust anchor ({e})")))?;
        }
        if roots.is_empty() {
            return Err(bad("holds no certificate".into()));
        }
        let provider = Arc::new(tokio_rustls::rustls::crypto::aws_lc_rs::default_provider());
        let mut config = ClientConfig::builder_with_provider(provider)
            .with_safe_default_protocol_versions()
            .map_err(|e| Error::Config(e.to_string()))?
            .with_root_certificates(roots)
            .with_no_client_auth();
        config.alpn_protocols = vec![b"http/1.1".to_vec()];
        Ok(Trust(Arc::new(config)))
    }
}

/// Posts `message` (an envelope's JSON) to the partner at `address` (its card's
/// `https://host[:port]`) and returns its reply.
pub fn post(address: &str, trust: &Trust, message: &str) -> Result<Reply, Error> {
    let runtime = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .map_err(|e| Error::Config(format!("no runtime for the exchange: {e}")))?;
    runtime.block_on(post_async(address, trust, message))
}

/// Where to connect, from the card's address.
fn target(address: &str) -> Result<(String, u16, String), Error> {
    let bad = || {
        Error::Config(format!(
            "the partner's address {address:?} is not https://HOST[:PORT]: correct its card"
        ))
    };
    let rest = address.strip_prefix("https://").ok_or_else(bad)?;
    let host_port = rest.split('/').next().unwrap_or_default();
    let prefix = rest[host_port.len()..].trim_end_matches('/').to_string();
    let (host, port) = match host_port.rsplit_once(':') {
        Some((h, p)) if !h.ends_with(']') || h.starts_with('[') => {
            (h.to_string(), p.parse::<u16>().map_err(|_| bad())?)
        }
        _ => (host_port.to_string(), 443),
    };
    if host.is_empty() {
        return Err(bad());
    }
    Ok((host, port, prefix))
}

/// [`post`] for a caller already on a Tokio runtime (the node server), within
/// [`TIMEOUT`].
pub async fn post_async(address: &str, trust: &Trust, message: &str) -> Result<Reply, Error> {
    match tokio::time::timeout(TIMEOUT, exchange(address, trust, message)).await {
        Ok(r) => r,
        Err(_) => Err(Error::Timeout {
            address: address.to_string(),
        }),
    }
}

async fn exchange(address: &str, trust: &Trust, message: &str) -> Result<Reply, Error> {
    let unreachable = |why: String| Error::Unreachable {
        address: address.to_string(),
        why,
    };
    let (host, port, prefix) = target(address)?;
    let bare = host.trim_start_matches('[').trim_end_matches(']').to_string();
    let tcp = tokio::net::TcpStream::connect((bare.as_str(), port))
        .await
        .map_err(|e| unreachable(e.to_string()))?;
    let name = ServerName::try_from(bare.clone()).map_err(|_| Error::Config(format!("{host} is no host name")))?;
    let tls = tokio_rustls::TlsConnector::from(trust.0.clone())
        .connect(name, tcp)
        .await
        .map_err(|e| unreachable(format!("TLS: {e}")))?;
    let (mut sender, connection) = hyper::client::conn::http1::handshake(hyper_util::rt::TokioIo::new(tls))
        .await
        .map_err(|e| unreachable(e.to_string()))?;
    let driver = tokio::spawn(connection);
    let request = hyper::Request::post(format!("{prefix}/api/v1/exchange"))
        .header(hyper::header::HOST, format!("{host}:{port}"))
        .header(hyper::header::CONTENT_TYPE, "application/json")
        .body(Full::new(Bytes::from(message.to_string())))
        .map_err(|e| Error::Config(e.to_string()))?;
    let response = sender
        .send_request(request)
        .await
        .map_err(|e| unreachable(e.to_string()))?;
    let status = response.status().as_u16();
    let body = Limited::new(response.into_body(), MAX_REPLY)
        .collect()
        .await
        .map_err(|e| {
            if e.downcast_ref::<http_body_util::LengthLimitError>().is_some() {
                Error::TooLarge
            } else {
                unreachable(e.to_string())
            }
        })?
        .to_bytes();
    driver.abort();
    Ok(Reply {
        status,
        body: String::from_utf8_lossy(&body).into_owned(),
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn addresses_are_read_as_the_card_writes_them() {
        assert_eq!(
            target("https://corridor.gr.example:8443").expect("ok"),
            ("corridor.gr.example".into(), 8443, String::new())
        );
        assert_eq!(
            target("https://node.example/corridor/").expect("ok"),
            ("node.example".into(), 443, "/corridor".into())
        );
        assert_eq!(
            target("https://[::1]:9000").expect("ok"),
            ("[::1]".into(), 9000, String::new())
        );
        assert!(target("http://node.example").is_err(), "plain HTTP is refused");
        assert!(target("https://:443").is_err());
        assert!(target("https://host:notaport").is_err());
    }

    #[test]
    fn a_ca_file_that_is_none_is_refused_with_what_to_do() {
        let dir = std::env::temp_dir().join(format!("corridor-transport-{}", std::process::id()));
        std::fs::create_dir_all(&dir).expect("dir");
        let empty = dir.join("empty.pem");
        std::fs::write(&empty, "not a certificate").expect("write");
        let e = Trust::from_pem_file(&empty).expect_err("no certificate");
        assert!(e.to_string().contains("--partner-ca"), "{e}");
        assert!(Trust::from_pem_file(&dir.join("missing.pem")).is_err());
        std::fs::remove_dir_all(&dir).ok();
    }
}
