//! `corridor init`: create a store, optionally with a retention policy.

use std::process::ExitCode;

use anyhow::Context;
use corridor_model::RetentionPolicy;

use crate::Ctx;
use crate::args::InitArgs;
use crate::exit::{Code, Failure, Result};

pub(crate) fn run(ctx: &Ctx, args: &InitArgs) -> Result<ExitCode> {
    let path = ctx.store_path();
    // The policy file is read and parsed before the store is created or touched;
    // the application checks its periods.
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
