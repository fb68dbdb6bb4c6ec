//! `corridor init`: create a store, optionally with a retention policy.

use std::process::ExitCode;

use crate::Ctx;
use crate::args::InitArgs;
use crate::exit::Result;

pub(crate) fn run(ctx: &Ctx, args: &InitArgs) -> Result<ExitCode> {
    let path = ctx.store_path();
    // The policy file is read and parsed before the store is created or touched;
    // the application checks its periods.
    let policy = args
        .retention
        .as_deref()
        .map(corridor_app::node::read_retention_policy)
        .transpose()?;
    let key_path = ctx.key_path(&path);
    let made = corridor_app::node::create_store(&path, &key_path, &ctx.session()?, policy.as_ref())?;
    let (created, new_key, fingerprint) = (made.created, made.key_created, made.fingerprint);
    if ctx.json {
        ctx.print_json(&serde_json::json!({
            "store": path, "created": created,
            "node_key": key_path, "node_key_created": new_key, "fingerprint": fingerprint,
        }))?;
    } else {
        if created {
            crate::outln!("created store {}", path.display());
        } else {
            crate::outln!("store {} already exists; it is at the current schema", path.display());
        }
        crate::outln!(
            "node key {} ({}): fingerprint {}; keep a copy of it, and the fingerprint, away from this machine",
            key_path.display(),
            if new_key { "created" } else { "already there" },
            fingerprint
        );
    }
    Ok(ExitCode::SUCCESS)
}
