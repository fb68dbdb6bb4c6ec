//! The node's store, owned by one thread of its own that runs every request's
//! store work in turn, and commits the log entries of the reads it ran together
//! (group commit).
//!
//! Why a thread and not a mutex: SQLite serialises writers anyway, and a request's
//! store work is a few hundred microseconds, so the requests took turns on one
//! connection either way. Behind a mutex, each turn was a Tokio worker blocking
//! (`block_in_place`, which hands the worker's other tasks to a fresh thread) and
//! a condition variable waking the requests whose log entries another had written:
//! the load benchmark's profile spent a fifth of the node's time switching
//! threads. Here a request sends its work and awaits the answer without blocking
//! any worker; the thread takes whatever has queued, runs it, writes all the
//! waiting log entries in one transaction and then answers. A request whose reads
//! were logged is answered only once its entries are in the chain (or durably in
//! the read log): nothing is handed out unlogged.
//!
//! Work whose requester has gone (its time limit passed) is not started. A panic in
//! one request's work answers that request with an error and leaves the thread
//! running: the store is transactional.

use std::panic::{AssertUnwindSafe, catch_unwind};
use std::sync::mpsc;
use std::time::{Duration, Instant};

use corridor_store::SqliteStore;

/// The most deferred log entries one group commit gathers before writing them.
const GROUP_COMMIT_MAX: usize = 64;

/// The most jobs one batch runs, and the longest it gathers once an entry waits:
/// a steady stream of jobs that log nothing (refused logins, bad tokens) must not
/// hold back the requests whose entries wait to be written.
const BATCH_MAX_JOBS: usize = 256;
const BATCH_MAX_WAIT: Duration = Duration::from_millis(5);

/// How often, between batches, the store's own connection checkpoints the
/// write-ahead log: the background thread's checkpoints never catch up with a
/// steady writer, and the log starts over only after one that copied it all
/// (see `SqliteStore::checkpoint`). Measured at 1M records under 4 connections:
/// 2-7 ms each, the load's p99 8 ms.
const CHECKPOINT_EVERY: Duration = Duration::from_millis(250);

/// One request's store work. Run, it answers at once when it logged nothing, or
/// returns the ticket of its last log entry and what answers it once the entries
/// up to that ticket are settled.
type Job = Box<dyn FnOnce(&mut SqliteStore) -> Option<(u64, Settle)> + Send>;

/// Answers a request with the outcome of its log entries' commit.
type Settle = Box<dyn FnOnce(corridor_store::Result<()>) + Send>;

/// The sending side of the store's thread; the thread ends, and the store closes,
/// when the last clone is dropped.
#[derive(Clone)]
pub(crate) struct StoreThread {
    jobs: mpsc::Sender<Job>,
}

/// Why a request's store work gave no answer.
pub(crate) enum Unanswered {
    /// The store's thread could not be started or has ended.
    Gone,
    /// The work panicked.
    Panicked,
}

impl StoreThread {
    /// Moves `store` to a thread of its own.
    pub(crate) fn start(store: SqliteStore) -> std::io::Result<StoreThread> {
        let (jobs, queue) = mpsc::channel::<Job>();
        std::thread::Builder::new()
            .name("corridor-store".into())
            .spawn(move || serve(store, queue))?;
        Ok(StoreThread { jobs })
    }

    /// Runs `f` on the store, its log entries deferred to the next group commit,
    /// and gives its result once they are written.
    pub(crate) async fn run<T, E, F>(&self, f: F) -> Result<Result<T, E>, Unanswered>
    where
        T: Send + 'static,
        E: From<corridor_store::Error> + Send + 'static,
        F: FnOnce(&mut SqliteStore) -> Result<T, E> + Send + 'static,
    {
        let (answer, answered) = tokio::sync::oneshot::channel::<Result<T, E>>();
        let job: Job = Box::new(move |store: &mut SqliteStore| {
            if answer.is_closed() {
                return None;
            }
            let before = store.log_ticket();
            let result = match catch_unwind(AssertUnwindSafe(|| f(store))) {
                Ok(result) => result,
                // The answer is dropped: the requester hears `Panicked`. A
                // transaction the work left open is rolled back, or every later
                // commit (the log's above all) would fail.
                Err(_) => {
                    store.recover();
                    return None;
                }
            };
            let ticket = store.log_ticket();
            if ticket == before {
                let _ = answer.send(result);
                return None;
            }
            let settle: Settle = Box::new(move |logged: corridor_store::Result<()>| {
                let _ = answer.send(logged.map_err(E::from).and(result));
            });
            Some((ticket, settle))
        });
        self.jobs.send(job).map_err(|_| Unanswered::Gone)?;
        answered.await.map_err(|_| Unanswered::Panicked)
    }

    /// Runs `f` on the store and waits for it, blocking the calling thread: for
    /// setting the node up, never from a request.
    pub(crate) fn run_blocking<T, F>(&self, f: F) -> Result<T, Unanswered>
    where
        T: Send + 'static,
        F: FnOnce(&mut SqliteStore) -> T + Send + 'static,
    {
        let (answer, answered) = mpsc::sync_channel::<T>(1);
        let job: Job = Box::new(move |store: &mut SqliteStore| {
            match catch_unwind(AssertUnwindSafe(|| f(store))) {
                Ok(result) => {
                    let _ = answer.send(result);
                }
                Err(_) => store.recover(),
            }
            None
        });
        self.jobs.send(job).map_err(|_| Unanswered::Gone)?;
        answered.recv().map_err(|_| Unanswered::Panicked)
    }
}

/// The thread's loop: a batch is the first job and whatever queued behind it (up
/// to [`GROUP_COMMIT_MAX`] log entries, [`BATCH_MAX_JOBS`] jobs, or
/// [`BATCH_MAX_WAIT`] after its first entry); then one commit of the batch's
/// entries, then the answers.
fn serve(mut store: SqliteStore, queue: mpsc::Receiver<Job>) {
    // Outside the jobs (whose panics are caught) nothing should panic; if it
    // does, the node must not go on serving without its store: it stops, and
    // its supervisor starts it again.
    struct AbortOnPanic;
    impl Drop for AbortOnPanic {
        fn drop(&mut self) {
            if std::thread::panicking() {
                eprintln!("corridor serve: the store's thread failed; the node stops");
                std::process::abort();
            }
        }
    }
    let _abort = AbortOnPanic;
    let mut waiting: Vec<(u64, Settle)> = Vec::new();
    let mut checkpointed = Instant::now();
    while let Ok(first) = queue.recv() {
        store.defer_log(true);
        let mut next = Some(first);
        let mut jobs = 0;
        let mut first_entry: Option<Instant> = None;
        while let Some(job) = next.take() {
            if let Some(pending) = job(&mut store) {
                waiting.push(pending);
                first_entry.get_or_insert_with(Instant::now);
            }
            jobs += 1;
            let gathered = store.log_waiting() >= GROUP_COMMIT_MAX
                || jobs >= BATCH_MAX_JOBS
                || first_entry.is_some_and(|t| t.elapsed() >= BATCH_MAX_WAIT);
            if !gathered {
                next = queue.try_recv().ok();
            }
        }
        store.defer_log(false);
        let flushed = if store.log_waiting() > 0 {
            store.flush_log()
        } else {
            Ok(())
        };
        for (ticket, settle) in waiting.drain(..) {
            let outcome = match store.log_outcome(ticket) {
                Some(outcome) => outcome,
                None => flushed.as_ref().map(|_| ()).map_err(|_| corridor_store::Error::Busy),
            };
            settle(outcome);
        }
        if checkpointed.elapsed() >= CHECKPOINT_EVERY {
            // A failure here (another checkpoint running) leaves it to the next.
            let _ = store.checkpoint();
            checkpointed = Instant::now();
        }
    }
    // Every sender gone: the store closes here (its drop writes any entry left).
}

#[cfg(test)]
mod tests {
    use super::*;

    use corridor_store::{AuditAction, AuditEntry, SqliteStore, Store};

    fn entry(target: &str) -> AuditEntry {
        AuditEntry {
            actor: "ana".into(),
            action: AuditAction::Read,
            target: target.into(),
            purpose: "case".into(),
            detail: String::new(),
        }
    }

    /// Requests that arrive together are answered, each only once its own log
    /// entry is in the chain as another connection sees it, however their
    /// entries were grouped.
    #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
    async fn a_request_is_answered_only_once_its_log_entry_is_in_the_chain() {
        let dir = tempfile::tempdir().expect("tmp");
        let path = dir.path().join("node.corridor");
        let (store, _) = SqliteStore::create(&path, "tester").expect("store");
        let thread = StoreThread::start(store).expect("thread");
        let requests = (0..200).map(|n| {
            let thread = thread.clone();
            let path = path.clone();
            tokio::spawn(async move {
                let target = format!("entity:{n}");
                let logged = target.clone();
                let answer: Result<String, corridor_store::Error> = thread
                    .run(move |store: &mut SqliteStore| {
                        store.log_access(&entry(&logged))?;
                        Ok(logged)
                    })
                    .await
                    .unwrap_or_else(|_| panic!("answered"));
                let answer = answer.expect("logged");
                let chain = SqliteStore::open(&path).expect("another connection");
                let logged = chain
                    .audit_entries()
                    .expect("log")
                    .iter()
                    .any(|r| r.entry.target == answer);
                assert!(logged, "{target} was answered before its entry was written");
            })
        });
        for request in requests.collect::<Vec<_>>() {
            request.await.expect("request");
        }
        let store = SqliteStore::open(&path).expect("open");
        let reads = store
            .audit_entries()
            .expect("log")
            .iter()
            .filter(|r| r.entry.target.starts_with("entity:"))
            .count();
        assert_eq!(reads, 200);
        assert!(store.verify_audit().expect("verify").is_intact());
    }

    /// A request whose work panics is answered with an error; the thread goes on
    /// with the next.
    #[tokio::test]
    async fn a_panicking_request_leaves_the_thread_serving() {
        let dir = tempfile::tempdir().expect("tmp");
        let (store, _) = SqliteStore::create(&dir.path().join("node.corridor"), "tester").expect("store");
        let thread = StoreThread::start(store).expect("thread");
        let panicked = thread
            .run(|_: &mut SqliteStore| -> Result<(), corridor_store::Error> { panic!("a bug in one use case") })
            .await;
        assert!(matches!(panicked, Err(Unanswered::Panicked)));
        let next = thread
            .run(|store: &mut SqliteStore| store.log_access(&entry("entity:after")).map(|_| 7))
            .await;
        assert!(matches!(next, Ok(Ok(7))));
    }

    /// A panic with a transaction open (a raw `BEGIN IMMEDIATE` unwound past)
    /// leaves the store usable: the next request's log entry is written.
    #[tokio::test]
    async fn a_panic_inside_a_transaction_does_not_block_the_log() {
        let dir = tempfile::tempdir().expect("tmp");
        let path = dir.path().join("node.corridor");
        let (store, _) = SqliteStore::create(&path, "tester").expect("store");
        let thread = StoreThread::start(store).expect("thread");
        let panicked = thread
            .run(|store: &mut SqliteStore| -> Result<(), corridor_store::Error> {
                // Holds the write lock, as a batch or a rectification does, and unwinds.
                store.begin_raw_transaction_for_tests();
                panic!("a bug mid-transaction")
            })
            .await;
        assert!(matches!(panicked, Err(Unanswered::Panicked)));
        let next = thread
            .run(|store: &mut SqliteStore| store.log_access(&entry("entity:after")).map(|_| ()))
            .await;
        assert!(matches!(next, Ok(Ok(()))), "the log is written again");
        let reader = SqliteStore::open(&path).expect("another connection");
        assert!(
            reader
                .audit_entries()
                .expect("log")
                .iter()
                .any(|r| r.entry.target == "entity:after")
        );
    }

    /// Work whose requester stopped waiting (its time limit passed) is not run.
    #[tokio::test]
    async fn work_whose_requester_is_gone_is_not_started() {
        let dir = tempfile::tempdir().expect("tmp");
        let (store, _) = SqliteStore::create(&dir.path().join("node.corridor"), "tester").expect("store");
        let thread = StoreThread::start(store).expect("thread");
        // The thread is held by a first request while a second gives up waiting.
        let (release, held) = mpsc::channel::<()>();
        let started = std::sync::Arc::new(std::sync::atomic::AtomicBool::new(false));
        let (holder, starting) = (thread.clone(), started.clone());
        let first = tokio::spawn(async move {
            holder
                .run(move |_: &mut SqliteStore| -> Result<(), corridor_store::Error> {
                    starting.store(true, std::sync::atomic::Ordering::SeqCst);
                    let _ = held.recv();
                    Ok(())
                })
                .await
        });
        while !started.load(std::sync::atomic::Ordering::SeqCst) {
            tokio::time::sleep(Duration::from_millis(1)).await;
        }
        let ran = std::sync::Arc::new(std::sync::atomic::AtomicBool::new(false));
        let flag = ran.clone();
        let second = thread.run(move |_: &mut SqliteStore| -> Result<(), corridor_store::Error> {
            flag.store(true, std::sync::atomic::Ordering::SeqCst);
            Ok(())
        });
        let gave_up = tokio::time::timeout(Duration::from_millis(50), second).await;
        assert!(gave_up.is_err(), "the second request waited for the first");
        release.send(()).expect("release");
        assert!(matches!(first.await.expect("first"), Ok(Ok(()))));
        // A third request runs after the abandoned one would have.
        let third = thread
            .run(|_: &mut SqliteStore| -> Result<u8, corridor_store::Error> { Ok(3) })
            .await;
        assert!(matches!(third, Ok(Ok(3))));
        assert!(!ran.load(std::sync::atomic::Ordering::SeqCst));
    }
}
