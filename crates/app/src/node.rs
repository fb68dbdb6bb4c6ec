//! Creating a node's store with its identity key, and opening its key.

use std::path::Path;

use corridor_model::RetentionPolicy;
use corridor_store::{NodeKey, SqliteStore};
use serde::Serialize;

use crate::error::{Error, Result};
use crate::session::Session;

/// What creating (or bringing up to date) a store did.
#[derive(Debug, Serialize)]
pub struct Created {
    pub created: bool,
    pub key_created: bool,
    pub fingerprint: String,
    #[serde(skip)]
    pub store: SqliteStore,
}

/// Creates the store at `path` (or brings an existing one to the current schema)
/// with its node key at `key_path`, and `policy` if given (checked first). A key
/// file already there must be a good one before the store is touched; a store
/// whose batches were signed never gets a new key in place of a lost one.
pub fn create_store(
    path: &Path,
    key_path: &Path,
    session: &Session,
    policy: Option<&RetentionPolicy>,
) -> Result<Created> {
    if let Some(p) = policy {
        p.validate().map_err(Error::BadInput)?;
    }
    let existing_key = if std::fs::symlink_metadata(key_path).is_ok() {
        Some(NodeKey::load(key_path).map_err(|e| Error::Key(e.to_string()))?)
    } else {
        None
    };
    let (mut store, created) = SqliteStore::create(path, session.actor())?;
    if let Some(p) = policy {
        store.set_retention_policy(p, session.actor())?;
    }
    let key_created = existing_key.is_none();
    let key = match existing_key {
        Some(k) => k,
        None => {
            if let Some(signer) = store.signing_keys()?.last() {
                let bytes = hex::decode(signer).unwrap_or_default();
                return Err(Error::Key(format!(
                    "this store's batches are signed by node key {}, and its key file {} is missing: restore it, or give its path; a new key would leave the signatures unchecked",
                    corridor_node_key::fingerprint(&bytes),
                    key_path.display()
                )));
            }
            let since = store.audit_entries()?.last().map_or(0, |e| e.seq);
            NodeKey::create(key_path, since).map_err(|e| Error::Key(e.to_string()))?
        }
    };
    let fingerprint = key.fingerprint();
    store.set_signer(key);
    Ok(Created {
        created,
        key_created,
        fingerprint,
        store,
    })
}

/// Reads a retention policy file (`{"review_after_months": {"suspect": 36, ...}}`)
/// and checks its periods, before any store is created or touched.
pub fn read_retention_policy(path: &Path) -> Result<RetentionPolicy> {
    let text = std::fs::read_to_string(path)
        .map_err(|e| Error::BadInput(format!("cannot read the retention policy {}: {e}", path.display())))?;
    let policy: RetentionPolicy = serde_json::from_str(&text).map_err(|e| {
        Error::BadInput(format!(
            "{} is not a retention policy: expected {{\"review_after_months\": {{\"suspect\": 36, \"victim\": 12, ...}}}} ({e})",
            path.display()
        ))
    })?;
    policy
        .validate()
        .map_err(|e| Error::BadInput(format!("{}: {e}", path.display())))?;
    Ok(policy)
}

/// The node key at `key_path`, when that file exists.
pub fn load_key(key_path: &Path) -> Result<Option<NodeKey>> {
    if std::fs::symlink_metadata(key_path).is_err() {
        return Ok(None);
    }
    NodeKey::load(key_path).map(Some).map_err(|e| Error::Key(e.to_string()))
}

/// Opens the node's store at `path` (read-only when asked, or when it cannot be
/// written) with its key at `key_path` when that file exists, so that every batch
/// it commits is signed: how every front end opens a node's store.
pub fn open_store(path: &Path, key_path: &Path, read_only: bool) -> Result<SqliteStore> {
    let mut store = if read_only {
        SqliteStore::open_read_only(path)?
    } else {
        SqliteStore::open(path)?
    };
    if let Some(key) = load_key(key_path)? {
        store.set_signer(key);
    }
    Ok(store)
}
