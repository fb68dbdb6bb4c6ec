//! Serving over TLS (rustls): the certificate chain and key from PEM files, TLS 1.2
//! and 1.3 only, HTTP/1.1 over each connection (hyper), the handshake given 10
//! seconds. The node's cookies are `Secure` here. The crypto provider is aws-lc-rs,
//! not ring: its default key exchange is the post-quantum hybrid X25519MLKEM768,
//! which ring's provider lacks, and what crosses a police network today must stay
//! confidential for decades (about a minute more to build once).

use std::path::Path;
use std::sync::Arc;

pub use tokio_rustls::rustls::ServerConfig;
use tokio_rustls::rustls::pki_types::pem::PemObject;
use tokio_rustls::rustls::pki_types::{CertificateDer, PrivateKeyDer};

use crate::Node;

/// A certificate or key that cannot be used, with what to do.
#[derive(Debug, thiserror::Error)]
#[error("{0}")]
pub struct TlsError(String);

/// Reads the certificate chain and private key (PEM) into a server configuration.
pub fn load_config(cert: &Path, key: &Path) -> Result<Arc<ServerConfig>, TlsError> {
    let certs: Vec<CertificateDer<'static>> = CertificateDer::pem_file_iter(cert)
        .map_err(|e| TlsError(format!("cannot read the certificate {}: {e}", cert.display())))?
        .collect::<Result<_, _>>()
        .map_err(|e| TlsError(format!("{} is not a PEM certificate chain: {e}", cert.display())))?;
    if certs.is_empty() {
        return Err(TlsError(format!(
            "{} holds no certificate: give the PEM file with the node's certificate (and its chain)",
            cert.display()
        )));
    }
    let key = PrivateKeyDer::from_pem_file(key).map_err(|e| {
        TlsError(format!(
            "cannot read a private key from {}: {e} (give the PEM key that goes with the certificate)",
            key.display()
        ))
    })?;
    let provider = Arc::new(tokio_rustls::rustls::crypto::aws_lc_rs::default_provider());
    let mut config = ServerConfig::builder_with_provider(provider)
        .with_safe_default_protocol_versions()
        .map_err(|e| TlsError(e.to_string()))?
        .with_no_client_auth()
        .with_single_cert(certs, key)
        .map_err(|e| TlsError(format!("the certificate and key do not make a TLS identity: {e}")))?;
    config.alpn_protocols = vec![b"http/1.1".to_vec()];
    Ok(Arc::new(config))
}

/// Serves the node over TLS on `listener` until `shutdown` completes.
pub async fn serve_tls(
    listener: tokio::net::TcpListener,
    node: Node,
    config: Arc<ServerConfig>,
    shutdown: impl std::future::Future<Output = ()> + Send + 'static,
) -> std::io::Result<()> {
    crate::listen::serve_connections(
        listener,
        node,
        Some(crate::listen::acceptor(config)),
        crate::listen::Limits::default(),
        shutdown,
    )
    .await
}
