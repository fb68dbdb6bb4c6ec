//! The Corridor node server: a JSON API under `/api/v1` over the application
//! layer (`corridor-app`), as meilisearch keeps its HTTP layer apart from its
//! engine. It holds no use case: a handler parses, calls one use case, and answers.
//!
//! Every route is declared once in the route table ([`routes::ROUTES`]) with the
//! [`corridor_access::Action`] it performs; the router is built from that table and
//! puts each route behind the guard (`guard.rs`), which authenticates the request
//! and passes it through `corridor_access::authorize` — the one policy function —
//! before the handler runs. A handler receives the resulting `Grant`; it never
//! checks a role itself. The OpenAPI document is generated from the handlers'
//! annotations, and a test fails when a route of the table is missing from it.
//!
//! The store is one SQLite connection behind a mutex, used from Tokio's blocking
//! pool: SQLite serialises writers anyway, and reads are short; a pool of read
//! connections is the next step when measurements ask for it.

mod api;
mod error;
mod exports;
mod extract;
mod guard;
pub mod jobs;
pub mod listen;
mod openapi;
mod rectify;
mod retention;
pub mod routes;
mod sessions;
pub mod tls;

use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{Arc, Condvar, Mutex};

use corridor_store::SqliteStore;

pub use error::ApiError;
pub use openapi::api_description;
pub use routes::{ROUTES, RouteSpec, router};

/// The node a server runs: its store, shared by every request.
#[derive(Clone)]
pub struct Node {
    store: Arc<Mutex<SqliteStore>>,
    /// The investigation graph kept between requests, filtered for each reader.
    graphs: Arc<Mutex<corridor_app::network::GraphCache>>,
    /// The search index kept between requests.
    search: Arc<Mutex<corridor_app::search::SearchIndex>>,
    sessions: sessions::Sessions,
    /// Whether the node is served over TLS: its cookies are then `Secure`.
    tls: bool,
    /// How long one request may take before it is answered 503 `busy`.
    request_limit: std::time::Duration,
    /// Where the store and key are, for ingest jobs (none: uploads refused).
    paths: Option<jobs::NodePaths>,
    jobs: jobs::Jobs,
    /// Requests waiting for the store lock, and the signal that deferred log
    /// entries were written: the group commit of `Node::run`.
    queued: Arc<AtomicUsize>,
    settled: Arc<Condvar>,
}

/// The most deferred log entries one group commit waits to gather.
const GROUP_COMMIT_MAX: usize = 64;

/// How long a request waits for another to write its log entry before it writes
/// it itself.
const GROUP_COMMIT_WAIT: std::time::Duration = std::time::Duration::from_millis(10);

impl std::fmt::Debug for Node {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Node").finish_non_exhaustive()
    }
}

impl Node {
    pub fn new(store: SqliteStore) -> Node {
        Node {
            store: Arc::new(Mutex::new(store)),
            graphs: Arc::default(),
            search: Arc::default(),
            sessions: sessions::Sessions::default(),
            tls: false,
            request_limit: std::time::Duration::from_secs(60),
            paths: None,
            jobs: jobs::Jobs::default(),
            queued: Arc::default(),
            settled: Arc::default(),
        }
    }

    /// Where the node's store and key files are, so that uploads can be ingested
    /// on a connection of their own, and the write-ahead log checkpointed on one
    /// (see [`Node::checkpoint_in_background`]).
    pub fn with_paths(mut self, paths: jobs::NodePaths) -> Node {
        if let Ok(dir) = paths.uploads() {
            jobs::clear_uploads(&dir);
        }
        self.checkpoint_in_background(&paths.store);
        self.paths = Some(paths);
        self
    }

    /// Checkpoints the store's write-ahead log from a thread of its own, every
    /// quarter second, instead of in whichever request's commit passes SQLite's
    /// threshold (that request waited for the checkpoint's `fsync`: the load
    /// benchmark's p99 of 20 ms). If the second connection cannot be opened, the
    /// requests' connection keeps checkpointing as before.
    fn checkpoint_in_background(&self, store: &std::path::Path) {
        let Ok(mut checkpointer) = SqliteStore::open(store) else {
            return;
        };
        // A restarting checkpoint waits this long for the readers of the moment.
        if checkpointer.set_wait(std::time::Duration::from_millis(100)).is_err() {
            return;
        }
        let handed = self
            .store
            .lock()
            .unwrap_or_else(|poisoned| poisoned.into_inner())
            .hand_off_checkpoints();
        if handed.is_err() {
            return;
        }
        // The thread holds only a weak reference to the node's store: it ends
        // with the node.
        let alive = Arc::downgrade(&self.store);
        let spawned = std::thread::Builder::new()
            .name("corridor-checkpoint".into())
            .spawn(move || {
                while alive.strong_count() > 0 {
                    std::thread::sleep(std::time::Duration::from_millis(250));
                    let _ = checkpointer.checkpoint();
                }
            });
        if spawned.is_err() {
            // No thread: the requests' connection checkpoints again.
            let _ = self
                .store
                .lock()
                .unwrap_or_else(|poisoned| poisoned.into_inner())
                .restore_auto_checkpoints();
        }
    }

    /// How long one request may take (60 s unless set).
    pub fn with_request_limit(mut self, limit: std::time::Duration) -> Node {
        self.request_limit = limit;
        self
    }

    /// Marks the node as served over TLS (cookies become `Secure`).
    pub fn with_tls(mut self, tls: bool) -> Node {
        self.tls = tls;
        self
    }

    /// Runs `f` on the store on the blocking pool (SQLite blocks; the async
    /// workers must not).
    pub(crate) async fn run<T, F>(&self, f: F) -> Result<T, ApiError>
    where
        T: Send + 'static,
        F: FnOnce(&mut SqliteStore) -> corridor_app::Result<T> + Send + 'static,
    {
        let store = self.store.clone();
        let (queued, settled) = (self.queued.clone(), self.settled.clone());
        let work = move || {
            // A panic in another request poisons the lock; the store itself is
            // transactional, so the next request may go on.
            let lock = || store.lock().unwrap_or_else(|poisoned| poisoned.into_inner());
            // Group commit of the read log: a request's logged reads are deferred
            // while it runs. The last request through the store lock (none queued
            // behind it) writes every waiting entry in one transaction and wakes
            // the others, which wait for that (the lock let go meanwhile) rather
            // than each writing its own. Nothing is handed out before its entry
            // is written; a waiter that is not woken in time writes them itself.
            queued.fetch_add(1, Ordering::SeqCst);
            let mut guard = lock();
            queued.fetch_sub(1, Ordering::SeqCst);
            let before = guard.log_ticket();
            guard.defer_log(true);
            let result = f(&mut guard);
            guard.defer_log(false);
            let ticket = guard.log_ticket();
            let flush_now = |guard: &mut SqliteStore| {
                let flushed = guard.flush_log();
                settled.notify_all();
                flushed
            };
            if guard.log_waiting() > 0
                && (queued.load(Ordering::SeqCst) == 0 || guard.log_waiting() >= GROUP_COMMIT_MAX)
            {
                // Its own entries or others' (a request that logs nothing may be
                // the last through): an error is this request's only if its own
                // entries were in the flush.
                let flushed = flush_now(&mut guard);
                if ticket > before {
                    guard
                        .log_outcome(ticket)
                        .unwrap_or(flushed)
                        .map_err(corridor_app::Error::from)?;
                }
            } else if ticket > before {
                let (mut waited, _) = settled
                    .wait_timeout_while(guard, GROUP_COMMIT_WAIT, |s| s.log_outcome(ticket).is_none())
                    .unwrap_or_else(|poisoned| poisoned.into_inner());
                let outcome = match waited.log_outcome(ticket) {
                    Some(outcome) => outcome,
                    None => {
                        let flushed = flush_now(&mut waited);
                        waited.log_outcome(ticket).unwrap_or(flushed)
                    }
                };
                outcome.map_err(corridor_app::Error::from)?;
            }
            result
        };
        // On the server's multi-threaded runtime the work runs on this worker,
        // which hands its other tasks to the rest (`block_in_place`): a request
        // is a few hundred microseconds of store work, and passing it to the
        // blocking pool and back cost more than that in thread switches (the
        // load benchmark's profile). A single-threaded runtime (tests) cannot
        // do that and uses the pool.
        let outcome =
            if tokio::runtime::Handle::current().runtime_flavor() == tokio::runtime::RuntimeFlavor::MultiThread {
                tokio::task::block_in_place(work)
            } else {
                tokio::task::spawn_blocking(work)
                    .await
                    .map_err(|_| ApiError::internal("the request's worker stopped"))?
            };
        outcome.map_err(ApiError::from)
    }
}

impl Node {
    /// Runs `f` on the store and a structure kept beside it (locked after the
    /// store, always in that order) on the blocking pool.
    async fn run_with<C, T, F>(&self, kept: Arc<Mutex<C>>, f: F) -> Result<T, ApiError>
    where
        C: Send + 'static,
        T: Send + 'static,
        F: FnOnce(&mut SqliteStore, &mut C) -> corridor_app::Result<T> + Send + 'static,
    {
        self.run(move |store| {
            let mut kept = kept.lock().unwrap_or_else(|poisoned| poisoned.into_inner());
            f(store, &mut kept)
        })
        .await
    }

    /// Runs `f` on the store and the kept investigation graph.
    pub(crate) async fn run_graphs<T, F>(&self, f: F) -> Result<T, ApiError>
    where
        T: Send + 'static,
        F: FnOnce(&mut SqliteStore, &mut corridor_app::network::GraphCache) -> corridor_app::Result<T> + Send + 'static,
    {
        self.run_with(self.graphs.clone(), f).await
    }

    /// Runs `f` on the store and the kept search index.
    pub(crate) async fn run_search<T, F>(&self, f: F) -> Result<T, ApiError>
    where
        T: Send + 'static,
        F: FnOnce(&mut SqliteStore, &mut corridor_app::search::SearchIndex) -> corridor_app::Result<T> + Send + 'static,
    {
        self.run_with(self.search.clone(), f).await
    }
}

impl Node {
    /// Builds the search index and the investigation graph before the first
    /// request asks for them (at a million records each takes seconds); the reads
    /// are logged as the node's own. Requests meanwhile wait for the store.
    pub async fn warm(&self) -> Result<(), ApiError> {
        let (graphs, search) = (self.graphs.clone(), self.search.clone());
        self.run(move |store| {
            let session = corridor_app::Session::new("node (warming its indexes)", "indexing")?;
            search.lock().unwrap_or_else(|p| p.into_inner()).warm(store, &session)?;
            graphs.lock().unwrap_or_else(|p| p.into_inner()).open(
                store,
                &session,
                &corridor_app::network::NetworkQuery::default(),
            )?;
            Ok(())
        })
        .await
    }
}

/// Serves the node on `listener` until `shutdown` completes.
pub async fn serve(
    listener: tokio::net::TcpListener,
    node: Node,
    shutdown: impl std::future::Future<Output = ()> + Send + 'static,
) -> std::io::Result<()> {
    listen::serve_connections(listener, node, None, listen::Limits::default(), shutdown).await
}
