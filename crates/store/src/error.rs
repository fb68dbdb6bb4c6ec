//! Errors of the store.

/// The store's result type.
pub type Result<T, E = Error> = std::result::Result<T, E>;

/// What can go wrong opening, writing or reading a store.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum Error {
    /// No store file at the path; `corridor init` creates one.
    #[error("no Corridor store at {path}: create one first")]
    NotFound { path: String },
    /// A file that is not a Corridor store.
    #[error("{path} is not a Corridor store ({detail}): give the path of a store, or create a new one at another path")]
    Foreign { path: String, detail: String },
    /// A file could not be created.
    #[error("cannot create {path}: {cause}")]
    Io { path: String, cause: std::io::Error },
    /// The file was written by a newer Corridor than this one.
    #[error("the store at {path} has schema version {found}, newer than this program's {supported}: upgrade Corridor")]
    TooNew { path: String, found: i64, supported: i64 },
    /// Another process held the write lock for longer than this one would wait.
    #[error(
        "the store is busy: another ingest or command held its write lock for longer than this request waits; try again when it has finished, or wait longer"
    )]
    Busy,
    /// The store could only be opened read-only and this needs to write, or to log a
    /// read of personal data.
    #[error(
        "the store is open read-only (as asked, or because the file, its directory or its medium cannot be written): nothing can be written to it, and reads of personal data are refused because they could not be logged; `audit verify`, `check` and `stats` work on it. To work with its data, copy it where it can be written"
    )]
    ReadOnly,
    /// A read-only copy whose write-ahead log cannot be read without writing.
    #[error(
        "{path} is read-only and has a write-ahead log beside it ({path}-wal) that cannot be read without writing its index: copy the store with its -wal file where they can be written, or checkpoint the store before archiving it"
    )]
    ReadOnlyWal { path: String },
    /// A read-only store older than this code: it cannot be migrated in place.
    #[error(
        "the store at {path} is read-only and has schema version {found}, older than this program's {supported}: it cannot be upgraded in place; copy it where it can be written, or use the Corridor that wrote it"
    )]
    ReadOnlyOld { path: String, found: i64, supported: i64 },
    /// An entity id that is not of the form `dataset:record:name`.
    #[error("'{id}' is not an entity id: expected dataset:record:name, as ingest gives them")]
    BadEntityId { id: String },
    /// A registered object that does not exist.
    #[error("no {what} '{name}' in this store")]
    Unknown { what: &'static str, name: String },
    /// A name that is already taken (a user, a case, a purpose).
    #[error("there is already a {what} '{name}': choose another name")]
    Exists { what: &'static str, name: String },
    /// A node server holds the store (its lock file): what needs the store alone
    /// (a restore) waits for it to stop.
    #[error(
        "a node server is running on this store (it holds {path}): stop it first (Ctrl-C in its terminal, or its service)"
    )]
    Locked { path: String },
    /// A restore is replacing the store (it holds the writers' lock alone).
    #[error("a restore is replacing this store (it holds {path}): run the command again once it has finished")]
    Restoring { path: String },
    /// Commands are working on the store: a restore waits for them.
    #[error(
        "other commands are working on this store (they share {path}): let them finish (or stop them), then restore"
    )]
    InUse { path: String },
    /// A record under restriction or erased: it cannot be kept, changed or read.
    #[error("record {record} is {state}: nothing more can be done with it until a DPO lifts a restriction")]
    Held { record: i64, state: &'static str },
    /// A value in the store that no longer parses: the file was edited outside Corridor.
    #[error("the store holds an invalid {what} '{value}': it was changed outside Corridor; verify its audit log")]
    Corrupt { what: &'static str, value: String },
    /// The SQLite layer failed.
    #[error("database error: {0}")]
    Sqlite(rusqlite::Error),
    /// Serialising a record for the audit log failed.
    #[error("could not encode audit detail: {0}")]
    Json(#[from] serde_json::Error),
}

impl From<rusqlite::Error> for Error {
    fn from(e: rusqlite::Error) -> Self {
        match e.sqlite_error_code() {
            Some(rusqlite::ErrorCode::DatabaseBusy) | Some(rusqlite::ErrorCode::DatabaseLocked) => Error::Busy,
            Some(rusqlite::ErrorCode::ReadOnly) => Error::ReadOnly,
            _ => Error::Sqlite(e),
        }
    }
}
