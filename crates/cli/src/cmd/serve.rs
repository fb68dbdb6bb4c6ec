//! `corridor serve`: the node server on the store, until Ctrl-C or SIGTERM.

use std::path::Path;
use std::process::ExitCode;

use crate::Ctx;
use crate::exit::{Code, Failure, Result};
use crate::steps;

pub(crate) fn run(ctx: &Ctx, listen: &str, tls: Option<(&Path, &Path)>) -> Result<ExitCode> {
    // The certificate is checked before anything else is touched.
    let tls = tls
        .map(|(cert, key)| corridor_server::tls::load_config(cert, key))
        .transpose()
        .map_err(|e| Failure::new(Code::BadInput, e))?;
    // So are the partners' CAs, when given: users may then exchange online.
    let partner_trust = ctx
        .partner_ca
        .as_ref()
        .map(|ca| corridor_transport::Trust::from_pem_file(ca))
        .transpose()
        .map_err(|e| Failure::new(Code::BadInput, e))?;
    // The lock first: a restore between opening and locking would leave this
    // server on the store it moved aside.
    let lock = steps::lock_node(&ctx.store_path())?;
    let store = ctx.open()?;
    let listener = steps::bind(listen)?;
    let addr = listener.local_addr().map_err(|e| Failure::new(Code::Internal, e))?;
    let scheme = if tls.is_some() { "https" } else { "http" };
    eprintln!(
        "serving the node at {scheme}://{addr}/api/v1 (the API: {scheme}://{addr}/api/v1/openapi.json); Ctrl-C stops it"
    );
    let path = ctx.store_path();
    let paths = corridor_server::jobs::NodePaths {
        key: ctx.key_path(&path),
        store: path,
    };
    steps::serve_node(store, paths, listener, tls, lock, partner_trust)?;
    Ok(ExitCode::SUCCESS)
}
