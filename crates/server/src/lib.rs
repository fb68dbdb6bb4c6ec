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

use std::sync::{Arc, Mutex};

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
}

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
        }
    }

    /// Where the node's store and key files are, so that uploads can be ingested
    /// on a connection of their own.
    pub fn with_paths(mut self, paths: jobs::NodePaths) -> Node {
        if let Ok(dir) = paths.uploads() {
            jobs::clear_uploads(&dir);
        }
        self.paths = Some(paths);
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

    /// Runs `f` on the store on the blocking pool (SQLite blocks; the async
    /// workers must not).
    pub(crate) async fn run<T, F>(&self, f: F) -> Result<T, ApiError>
    where
        T: Send + 'static,
        F: FnOnce(&mut SqliteStore) -> corridor_app::Result<T> + Send + 'static,
    {
        let store = self.store.clone();
        let work = move || {
            // A panic in another request poisons the lock; the store itself is
            // transactional, so the next request may go on.
            let mut guard = store.lock().unwrap_or_else(|poisoned| poisoned.into_inner());
            f(&mut guard)
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
