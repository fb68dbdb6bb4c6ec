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

/// Uploads received or ingested at once: more wait (429), so that a few clients
/// cannot fill the disk and the write lock with parallel uploads.
pub const MAX_CONCURRENT_UPLOADS: usize = 2;

/// Free space an upload leaves on the disk of the uploads folder, beyond as much
/// again as it has sent (the store grows by about a file's size as it is ingested).
pub const DISK_RESERVE: u64 = 1 << 30;

/// The node's jobs.
#[derive(Debug, Clone)]
pub(crate) struct Jobs {
    next: Arc<AtomicU64>,
    all: Arc<Mutex<HashMap<u64, Arc<Job>>>>,
    /// One permit per upload in progress, held until its ingest ends.
    pub(crate) uploads: Arc<tokio::sync::Semaphore>,
}

impl Default for Jobs {
    fn default() -> Self {
        Jobs {
            next: Arc::default(),
            all: Arc::default(),
            uploads: Arc::new(tokio::sync::Semaphore::new(MAX_CONCURRENT_UPLOADS)),
        }
    }
}

/// Free bytes on the file system holding `dir` (none known: no limit applied).
pub(crate) fn free_space(dir: &std::path::Path) -> Option<u64> {
    #[cfg(unix)]
    {
        let s = rustix::fs::statvfs(dir).ok()?;
        Some(s.f_bavail.saturating_mul(s.f_frsize))
    }
    #[cfg(not(unix))]
    {
        let _ = dir;
        None
    }
}

impl Jobs {
    pub fn start(&self, owner: i64, bytes_total: u64) -> (u64, Arc<Job>) {
        let id = self.next.fetch_add(1, Ordering::Relaxed) + 1;
        {
            // Finished jobs beyond the last thousand are forgotten.
            let mut all = self.all.lock().unwrap_or_else(|p| p.into_inner());
            if all.len() >= 1000 {
                let mut done: Vec<u64> = all
                    .iter()
                    .filter(|(_, j)| j.outcome.lock().map(|o| o.is_some()).unwrap_or(true))
                    .map(|(id, _)| *id)
                    .collect();
                done.sort_unstable();
                for old in done.iter().take(all.len().saturating_sub(999)) {
                    all.remove(old);
                }
            }
        }
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

/// The first rows of a rejects file (JSON Lines), for the job's owner: at most
/// [`MAX_REJECTS_SHOWN`] rows of at most 64 KiB each, whatever the file's size.
pub(crate) fn read_rejects(path: &Path) -> Vec<serde_json::Value> {
    use std::io::{BufRead, Read};
    let Ok(file) = std::fs::File::open(path) else {
        return Vec::new();
    };
    let mut reader = std::io::BufReader::new(file);
    let mut out = Vec::new();
    let mut line = Vec::new();
    while out.len() < MAX_REJECTS_SHOWN {
        line.clear();
        let read = (&mut reader).take(64 << 10).read_until(b'\n', &mut line);
        match read {
            Ok(0) | Err(_) => break,
            Ok(_) if line.last() != Some(&b'\n') && line.len() >= 64 << 10 => {
                // Too long a row: skip to the end of its line, holding none of it.
                if reader.skip_until(b'\n').is_err() {
                    break;
                }
            }
            Ok(_) => {
                if let Ok(v) = serde_json::from_slice(&line) {
                    out.push(v);
                }
            }
        }
    }
    out
}

/// An upload's file, removed when dropped (a failed, cut-off or finished upload
/// leaves nothing behind).
#[derive(Debug)]
pub(crate) struct TempUpload(pub PathBuf);

impl Drop for TempUpload {
    fn drop(&mut self) {
        let _ = std::fs::remove_file(&self.0);
        let _ = std::fs::remove_file(self.0.with_extension("rejects.jsonl"));
    }
}

/// Removes what a stopped node left in its uploads folder.
pub(crate) fn clear_uploads(dir: &Path) {
    if let Ok(entries) = std::fs::read_dir(dir) {
        for e in entries.flatten() {
            if e.file_name().to_string_lossy().starts_with("upload-") {
                let _ = std::fs::remove_file(e.path());
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn rejected_rows_are_read_back_bounded_and_an_overlong_row_is_skipped() {
        let dir = tempfile::tempdir().expect("dir");
        let path = dir.path().join("r.jsonl");
        let long = format!("{{\"row\": 1, \"raw\": \"{}\"}}\n", "x".repeat(200_000));
        let mut text = long;
        for i in 2..(MAX_REJECTS_SHOWN + 10) {
            text.push_str(&format!("{{\"row\": {i}}}\n"));
        }
        std::fs::write(&path, text).expect("write");
        let rows = read_rejects(&path);
        assert_eq!(rows.len(), MAX_REJECTS_SHOWN);
        assert_eq!(rows[0]["row"], 2, "the overlong row is skipped");
        assert!(read_rejects(&dir.path().join("none.jsonl")).is_empty());
    }
}
