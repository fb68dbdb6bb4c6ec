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
    let (mut store, created) = SqliteStore::create(&path, &ctx.actor)?;
    if let Some(policy) = &policy {
        store.set_retention_policy(policy, &ctx.actor)?;
    }
    if ctx.json {
        ctx.print_json(&serde_json::json!({"store": path, "created": created}))?;
    } else if created {
        crate::outln!("created store {}", path.display());
    } else {
        crate::outln!("store {} already exists; it is at the current schema", path.display());
    }
    Ok(ExitCode::SUCCESS)
}
