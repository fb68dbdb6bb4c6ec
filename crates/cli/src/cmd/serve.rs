//! `corridor serve`: the node server on the store, until Ctrl-C or SIGTERM.

use std::path::Path;
use std::process::ExitCode;

use crate::Ctx;
use crate::exit::{Code, Failure, Result};

pub(crate) fn run(ctx: &Ctx, listen: &str, tls: Option<(&Path, &Path)>) -> Result<ExitCode> {
    // The certificate is checked before anything else is touched.
    let tls = tls
        .map(|(cert, key)| corridor_server::tls::load_config(cert, key))
        .transpose()
        .map_err(|e| Failure::new(Code::BadInput, e))?;
    let store = ctx.open()?;
    if store.is_read_only() {
        return Err(Failure::new(
            Code::Store,
            anyhow::anyhow!("a node serves only a store it can write: every read it answers is logged"),
        ));
    }
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()
        .map_err(|e| Failure::new(Code::Internal, e))?;
    runtime.block_on(async {
        let listener = tokio::net::TcpListener::bind(listen).await.map_err(|e| {
            Failure::new(
                Code::BadInput,
                anyhow::anyhow!("cannot listen on {listen}: {e} (give --listen HOST:PORT that is free)"),
            )
        })?;
        let addr = listener.local_addr().map_err(|e| Failure::new(Code::Internal, e))?;
        let scheme = if tls.is_some() { "https" } else { "http" };
        eprintln!(
            "serving the node at {scheme}://{addr}/api/v1 (the API: {scheme}://{addr}/api/v1/openapi.json); Ctrl-C stops it"
        );
        let node = corridor_server::Node::new(store);
        match tls {
            Some(config) => corridor_server::tls::serve_tls(listener, node, config, shutdown()).await,
            None => corridor_server::serve(listener, node, shutdown()).await,
        }
        .map_err(|e| Failure::new(Code::Internal, e))
    })?;
    Ok(ExitCode::SUCCESS)
}

/// Completes on Ctrl-C or, on Unix, SIGTERM.
async fn shutdown() {
    let ctrl_c = async {
        let _ = tokio::signal::ctrl_c().await;
    };
    #[cfg(unix)]
    let term = async {
        match tokio::signal::unix::signal(tokio::signal::unix::SignalKind::terminate()) {
            Ok(mut s) => {
                s.recv().await;
            }
            Err(_) => std::future::pending::<()>().await,
        }
    };
    #[cfg(not(unix))]
    let term = std::future::pending::<()>();
    tokio::select! {
        _ = ctrl_c => {},
        _ = term => {},
    }
}
