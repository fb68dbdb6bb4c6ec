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
//! The store is one SQLite connection owned by a thread of its own
//! (`store_thread.rs`), which runs the requests' store work in turn and commits
//! their read-log entries together: SQLite serialises writers anyway, and reads
//! are short; a pool of read connections is the next step when measurements ask
//! for it.

mod api;
mod error;
mod exchange;
mod exports;
mod extract;
mod guard;
pub mod jobs;
pub mod listen;
mod openapi;
mod partners;
mod rectify;
mod retention;
pub mod routes;
mod sessions;
mod store_thread;
pub mod tls;

use std::sync::{Arc, Mutex};

use corridor_store::SqliteStore;

pub use error::ApiError;
pub use openapi::api_description;
pub use routes::{ROUTES, RouteSpec, router};

/// How often the background thread checkpoints the write-ahead log.
const BACKGROUND_CHECKPOINT_EVERY: std::time::Duration = std::time::Duration::from_millis(50);

/// The node a server runs: its store, shared by every request.
#[derive(Clone)]
pub struct Node {
    store: store_thread::StoreThread,
    /// Held by every clone of the node: the background checkpointer ends when the
    /// last is dropped.
    alive: Arc<()>,
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
    /// The node key, for partners' messages (none: they are refused).
    key: Option<Arc<corridor_store::NodeKey>>,
    /// The CAs partners' certificates are checked against, for exchanges the
    /// node's users start online (none: they are refused with what to do).
    partner_trust: Option<corridor_transport::Trust>,
}

impl std::fmt::Debug for Node {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Node").finish_non_exhaustive()
    }
}

impl Node {
    /// The node on `store`, which moves to a thread of its own; fails only when
    /// that thread cannot be started.
    pub fn new(store: SqliteStore) -> std::io::Result<Node> {
        Ok(Node {
            store: store_thread::StoreThread::start(store)?,
            alive: Arc::default(),
            graphs: Arc::default(),
            search: Arc::default(),
            sessions: sessions::Sessions::default(),
            tls: false,
            request_limit: std::time::Duration::from_secs(60),
            paths: None,
            jobs: jobs::Jobs::default(),
            key: None,
            partner_trust: None,
        })
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
    /// [`BACKGROUND_CHECKPOINT_EVERY`], instead of in whichever request's commit
    /// passes SQLite's threshold (that request waited for the whole checkpoint:
    /// the load benchmark's p99 of 20 ms); the store's thread copies the little
    /// left between requests (see `SqliteStore::checkpoint`). If the second
    /// connection cannot be opened, the requests' connection keeps checkpointing
    /// as before.
    fn checkpoint_in_background(&self, store: &std::path::Path) {
        let Ok(checkpointer) = SqliteStore::open(store) else {
            return;
        };
        if !matches!(
            self.store.run_blocking(|store| store.hand_off_checkpoints()),
            Ok(Ok(()))
        ) {
            return;
        }
        // The thread holds only a weak reference to the node: it ends with it.
        let alive = Arc::downgrade(&self.alive);
        let spawned = std::thread::Builder::new()
            .name("corridor-checkpoint".into())
            .spawn(move || {
                while alive.strong_count() > 0 {
                    std::thread::sleep(BACKGROUND_CHECKPOINT_EVERY);
                    let _ = checkpointer.checkpoint();
                }
            });
        if spawned.is_err() {
            // No thread: the requests' connection checkpoints again.
            let _ = self.store.run_blocking(|store| store.restore_auto_checkpoints());
        }
    }

    /// The node key: partners' messages are taken (`POST /api/v1/exchange`).
    pub fn with_key(mut self, key: corridor_store::NodeKey) -> Node {
        self.key = Some(Arc::new(key));
        self
    }

    /// The CAs of partners' HTTPS certificates: users may exchange online.
    pub fn with_partner_trust(mut self, trust: corridor_transport::Trust) -> Node {
        self.partner_trust = Some(trust);
        self
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

    /// Runs `f` on the store's thread (SQLite blocks; the async workers must
    /// not) and answers once the reads it logged are written (group commit: see
    /// `store_thread.rs`).
    pub(crate) async fn run<T, F>(&self, f: F) -> Result<T, ApiError>
    where
        T: Send + 'static,
        F: FnOnce(&mut SqliteStore) -> corridor_app::Result<T> + Send + 'static,
    {
        match self.store.run(f).await {
            Ok(outcome) => outcome.map_err(ApiError::from),
            Err(store_thread::Unanswered::Gone) => Err(ApiError::internal("the node's store is closed")),
            Err(store_thread::Unanswered::Panicked) => Err(ApiError::internal("the request's work stopped")),
        }
    }
}

impl Node {
    /// Runs `f` on the store and a structure kept beside it (locked after the
    /// store, always in that order) on the store's thread.
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
