//! The node lock: a running node server holds an exclusive advisory lock on
//! `STORE.lock` for as long as it serves, and a restore takes the same lock before
//! it moves the store aside. Without it, a restore under a running server would
//! swap the file from under it: the server would go on writing (audit entries,
//! ingests) into the file moved aside, and those writes would be lost.
//!
//! `flock(2)` (through rustix): released by the kernel when the process ends, so a
//! killed server leaves no stale lock. Other commands (ingest, reads) do not take
//! it: SQLite's own locking lets them work beside a running node.

use std::path::{Path, PathBuf};

use crate::error::{Error, Result};

/// The lock held; released when dropped (or when the process ends).
#[derive(Debug)]
pub struct NodeLock {
    _file: std::fs::File,
    path: PathBuf,
}

/// The lock file of `store`.
pub fn lock_path(store: &Path) -> PathBuf {
    let mut p = store.as_os_str().to_owned();
    p.push(".lock");
    PathBuf::from(p)
}

impl NodeLock {
    /// Takes the lock of `store`, or says who holds it ([`Error::Locked`]) without
    /// waiting.
    pub fn acquire(store: &Path) -> Result<NodeLock> {
        let path = lock_path(store);
        let file = std::fs::OpenOptions::new()
            .create(true)
            .truncate(false)
            .write(true)
            .open(&path)
            .map_err(|cause| Error::Io {
                path: path.display().to_string(),
                cause,
            })?;
        match rustix::fs::flock(&file, rustix::fs::FlockOperation::NonBlockingLockExclusive) {
            Ok(()) => Ok(NodeLock { _file: file, path }),
            Err(e) if e == rustix::io::Errno::WOULDBLOCK => Err(Error::Locked {
                path: path.display().to_string(),
            }),
            Err(e) => Err(Error::Io {
                path: path.display().to_string(),
                cause: e.into(),
            }),
        }
    }

    /// The lock file.
    pub fn path(&self) -> &Path {
        &self.path
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_lock_is_exclusive_and_released_when_dropped() {
        let dir = tempfile::tempdir().expect("dir");
        let store = dir.path().join("n.db");
        let held = NodeLock::acquire(&store).expect("first");
        assert!(matches!(NodeLock::acquire(&store), Err(Error::Locked { .. })));
        drop(held);
        NodeLock::acquire(&store).expect("free again");
    }
}
