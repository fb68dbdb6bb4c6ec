//! `corridor init`: create a store, optionally with a retention policy.

use std::process::ExitCode;

use anyhow::Context;
use corridor_model::RetentionPolicy;
use corridor_store::SqliteStore;

use crate::Ctx;
use crate::args::InitArgs;
use crate::exit::{Code, Failure, Result};

pub(crate) fn run(ctx: &Ctx, args: &InitArgs) -> Result<ExitCode> {
    let path = ctx.store_path();
    // The policy is checked before the store is created or touched.
    let policy = match &args.retention {
        Some(file) => {
            let text = std::fs::read_to_string(file)
                .with_context(|| format!("cannot read the retention policy {}", file.display()))
                .map_err(|e| Failure::new(Code::BadInput, e))?;
            let policy: RetentionPolicy = serde_json::from_str(&text)
                .with_context(|| {
                    format!(
                        "{} is not a retention policy: expected {{\"review_after_months\": {{\"suspect\": 36, \"victim\": 12, ...}}}}",
                        file.display()
                    )
                })
                .map_err(|e| Failure::new(Code::BadInput, e))?;
            policy
                .validate()
                .map_err(|e| Failure::new(Code::BadInput, anyhow::anyhow!("{}: {e}", file.display())))?;
            Some(policy)
        }
        None => None,
    };
    // A key file that is there must be a good one before the store is touched.
    let key_path = ctx.key_path(&path);
    if std::fs::symlink_metadata(&key_path).is_ok() {
        corridor_store::NodeKey::load(&key_path).map_err(|e| Failure::new(Code::Store, e))?;
    }
    let (mut store, created) = SqliteStore::create(&path, &ctx.actor)?;
    if let Some(policy) = &policy {
        store.set_retention_policy(policy, &ctx.actor)?;
    }
    let new_key = std::fs::symlink_metadata(&key_path).is_err();
    let key = ctx.make_node_key(&store, &path)?;
    if ctx.json {
        ctx.print_json(&serde_json::json!({
            "store": path, "created": created,
            "node_key": key_path, "node_key_created": new_key, "fingerprint": key.fingerprint(),
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
            key.fingerprint()
        );
    }
    Ok(ExitCode::SUCCESS)
}
