//! Ingest through the API: the upload (a mapping and a file, in that order, as
//! multipart form data) is streamed to a private file beside the store, then
//! ingested as a job on a connection of its own, so a long batch holds the write
//! lock while every read goes on through the node's own connection (reads log
//! through the store's read log meanwhile). The job is polled for its progress,
//! its report and its rejected rows; only the user who started it sees it.

use std::collections::HashMap;
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, Mutex};

use serde::Serialize;

/// The largest upload taken.
pub const MAX_UPLOAD: u64 = 4 << 30;
/// Rejected rows given back with a job, at most.
pub const MAX_REJECTS_SHOWN: usize = 1000;

/// Where the node's store and key are, for jobs that open their own connection.
#[derive(Debug, Clone)]
pub struct NodePaths {
    pub store: PathBuf,
    pub key: PathBuf,
}

impl NodePaths {
    /// The private folder uploads wait in (0700), beside the store.
    pub(crate) fn uploads(&self) -> std::io::Result<PathBuf> {
        let mut name = self.store.file_name().unwrap_or_default().to_os_string();
        name.push(".uploads");
        let dir = self.store.with_file_name(name);
        match std::fs::symlink_metadata(&dir) {
            Ok(m) if m.file_type().is_symlink() || !m.is_dir() => {
                return Err(std::io::Error::other(format!(
                    "{} is not a folder of the node's own: remove it",
                    dir.display()
                )));
            }
            Ok(_) => {}
            Err(_) => {
                std::fs::create_dir(&dir)?;
            }
        }
        #[cfg(unix)]
        {
            use std::os::unix::fs::PermissionsExt;
            std::fs::set_permissions(&dir, std::fs::Permissions::from_mode(0o700))?;
        }
        Ok(dir)
    }
}

/// A job's state, as its owner polls it.
#[derive(Debug, Clone, Serialize)]
#[serde(rename_all = "snake_case", tag = "state")]
pub enum JobState {
    Running {
        bytes_read: u64,
        rows: u64,
        bytes_total: u64,
    },
    Done {
        report: serde_json::Value,
        rejects: Vec<serde_json::Value>,
    },
    Failed {
        code: String,
        message: String,
    },
}

#[derive(Debug)]
pub(crate) struct Job {
    pub owner: i64,
    pub bytes_total: u64,
    pub bytes_read: AtomicU64,
    pub rows: AtomicU64,
    pub outcome: Mutex<Option<JobState>>,
}

impl corridor_ingest::Progress for Job {
    fn advance(&self, bytes_read: u64, rows: u64) {
        self.bytes_read.store(bytes_read, Ordering::Relaxed);
        self.rows.store(rows, Ordering::Relaxed);
    }
}

impl Job {
    pub(crate) fn state(&self) -> JobState {
        match self.outcome.lock().unwrap_or_else(|p| p.into_inner()).clone() {
            Some(done) => done,
            None => JobState::Running {
                bytes_read: self.bytes_read.load(Ordering::Relaxed),
                rows: self.rows.load(Ordering::Relaxed),
                bytes_total: self.bytes_total,
            },
        }
    }
}

/// The node's jobs.
#[derive(Debug, Clone, Default)]
pub(crate) struct Jobs {
    next: Arc<AtomicU64>,
    all: Arc<Mutex<HashMap<u64, Arc<Job>>>>,
}

impl Jobs {
    pub fn start(&self, owner: i64, bytes_total: u64) -> (u64, Arc<Job>) {
        let id = self.next.fetch_add(1, Ordering::Relaxed) + 1;
        let job = Arc::new(Job {
            owner,
            bytes_total,
            bytes_read: AtomicU64::new(0),
            rows: AtomicU64::new(0),
            outcome: Mutex::new(None),
        });
        self.all
            .lock()
            .unwrap_or_else(|p| p.into_inner())
            .insert(id, job.clone());
        (id, job)
    }

    /// The job `id`, if `owner` started it.
    pub fn get(&self, id: u64, owner: i64) -> Option<Arc<Job>> {
        self.all
            .lock()
            .unwrap_or_else(|p| p.into_inner())
            .get(&id)
            .filter(|j| j.owner == owner)
            .cloned()
    }
}

/// The first rows of a rejects file (JSON Lines), for the job's owner.
pub(crate) fn read_rejects(path: &Path) -> Vec<serde_json::Value> {
    let Ok(text) = std::fs::read_to_string(path) else {
        return Vec::new();
    };
    text.lines()
        .take(MAX_REJECTS_SHOWN)
        .filter_map(|l| serde_json::from_str(l).ok())
        .collect()
}
