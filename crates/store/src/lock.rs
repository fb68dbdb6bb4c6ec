//! The node lock: a running node server holds an exclusive advisory lock on
//! `STORE.lock` for as long as it serves, and a restore takes the same lock before
//! it moves the store aside. Without it, a restore under a running server would
//! swap the file from under it: the server would go on writing (audit entries,
//! ingests) into the file moved aside, and those writes would be lost.
//!
//! `flock(2)` (through rustix): released by the kernel when the process ends, so a
//! killed server leaves no stale lock. Other commands (ingest, reads) do not take
//! it: SQLite's own locking lets them work beside a running node.
//!
//! The same danger comes from any other command that writes: an erasure made by
//! `corridor erase` while a restore swaps the file would land in the file moved
//! aside, and the erased record would come back from the backup. So every
//! writable opening of a store shares a second lock, `STORE.writers`
//! ([`StoreShare`], held as long as the store is open), and a restore takes that
//! one alone: it is refused while commands work, and they are refused while it
//! runs, each with a message that says to wait.

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
        let file = lock_file(&path)?;
        match flock(&file, &path, rustix::fs::FlockOperation::NonBlockingLockExclusive)? {
            true => Ok(NodeLock { _file: file, path }),
            false => Err(Error::Locked {
                path: path.display().to_string(),
            }),
        }
    }

    /// The lock file.
    pub fn path(&self) -> &Path {
        &self.path
    }
}

/// The writers' lock file of `store`.
pub fn writers_path(store: &Path) -> PathBuf {
    let mut p = store.as_os_str().to_owned();
    p.push(".writers");
    PathBuf::from(p)
}

/// A writable store's share of `STORE.writers`: many at once, none while a
/// restore holds it alone. Released when dropped.
#[derive(Debug)]
pub struct StoreShare {
    _file: std::fs::File,
}

impl StoreShare {
    /// Shares the writers' lock of `store`, or says a restore runs
    /// ([`Error::Restoring`]) without waiting.
    pub fn take(store: &Path) -> Result<StoreShare> {
        let path = writers_path(store);
        let file = lock_file(&path)?;
        match flock(&file, &path, rustix::fs::FlockOperation::NonBlockingLockShared)? {
            true => Ok(StoreShare { _file: file }),
            false => Err(Error::Restoring {
                path: path.display().to_string(),
            }),
        }
    }

    /// Holds the writers' lock of `store` alone, for a restore, or says that
    /// commands are working on it ([`Error::InUse`]) without waiting.
    pub fn alone(store: &Path) -> Result<StoreShare> {
        let path = writers_path(store);
        let file = lock_file(&path)?;
        match flock(&file, &path, rustix::fs::FlockOperation::NonBlockingLockExclusive)? {
            true => Ok(StoreShare { _file: file }),
            false => Err(Error::InUse {
                path: path.display().to_string(),
            }),
        }
    }
}

/// Opens (creating, 0600) the lock file at `path`; a symbolic link planted there is
/// refused, never followed, and so is anything but a regular file (a FIFO would
/// block the opening forever: it is opened without waiting).
fn lock_file(path: &Path) -> Result<std::fs::File> {
    use std::os::unix::fs::OpenOptionsExt;
    let io = |cause| Error::Io {
        path: path.display().to_string(),
        cause,
    };
    let file = std::fs::OpenOptions::new()
        .create(true)
        .truncate(false)
        .write(true)
        .mode(0o600)
        .custom_flags((rustix::fs::OFlags::NOFOLLOW | rustix::fs::OFlags::NONBLOCK).bits() as i32)
        .open(path)
        .map_err(io)?;
    if !file.metadata().map_err(io)?.is_file() {
        return Err(Error::Foreign {
            path: path.display().to_string(),
            detail: "a lock file that is not a regular file: remove it".into(),
        });
    }
    Ok(file)
}

/// Takes `how` on `file` without waiting: `false` when another holds it.
fn flock(file: &std::fs::File, path: &Path, how: rustix::fs::FlockOperation) -> Result<bool> {
    match rustix::fs::flock(file, how) {
        Ok(()) => Ok(true),
        Err(e) if e == rustix::io::Errno::WOULDBLOCK => Ok(false),
        Err(e) => Err(Error::Io {
            path: path.display().to_string(),
            cause: e.into(),
        }),
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

    /// Commands share the writers' lock; a restore holds it alone, and each side
    /// is refused, without waiting, while the other holds it.
    #[test]
    fn a_restore_and_writing_commands_exclude_each_other() {
        let dir = tempfile::tempdir().expect("tmp");
        let store = dir.path().join("node.corridor");
        let one = StoreShare::take(&store).expect("a command");
        let two = StoreShare::take(&store).expect("another beside it");
        assert!(matches!(StoreShare::alone(&store), Err(Error::InUse { .. })));
        drop((one, two));
        let restoring = StoreShare::alone(&store).expect("the restore");
        assert!(matches!(StoreShare::take(&store), Err(Error::Restoring { .. })));
        drop(restoring);
        StoreShare::take(&store).expect("after the restore");
    }

    /// A link planted where a lock file goes is refused, not followed.
    #[test]
    fn a_planted_link_at_a_lock_file_is_refused() {
        let dir = tempfile::tempdir().expect("tmp");
        let store = dir.path().join("node.corridor");
        let target = dir.path().join("elsewhere");
        std::os::unix::fs::symlink(&target, writers_path(&store)).expect("link");
        assert!(StoreShare::take(&store).is_err());
        assert!(!target.exists(), "the link was followed");
        std::os::unix::fs::symlink(&target, lock_path(&store)).expect("link");
        assert!(NodeLock::acquire(&store).is_err());
        assert!(!target.exists(), "the link was followed");
    }

    /// A FIFO or a directory where a lock file goes is refused at once, never
    /// waited on.
    #[test]
    fn a_lock_file_that_is_no_file_is_refused_without_waiting() {
        let dir = tempfile::tempdir().expect("tmp");
        let store = dir.path().join("node.corridor");
        rustix::fs::mknodat(
            rustix::fs::CWD,
            writers_path(&store),
            rustix::fs::FileType::Fifo,
            rustix::fs::Mode::from_raw_mode(0o600),
            0,
        )
        .expect("fifo");
        assert!(StoreShare::take(&store).is_err());
        std::fs::create_dir(lock_path(&store)).expect("dir");
        assert!(NodeLock::acquire(&store).is_err());
    }
}
