//! Errors of the store.

/// The store's result type.
pub type Result<T, E = Error> = std::result::Result<T, E>;

/// What can go wrong opening, writing or reading a store.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum Error {
    /// No store file at the path; `corridor init` creates one.
    #[error("no Corridor store at {path}: run `corridor init --store {path}` first")]
    NotFound { path: String },
    /// The file was written by a newer Corridor than this one.
    #[error("the store at {path} has schema version {found}, newer than this program's {supported}: upgrade Corridor")]
    TooNew { path: String, found: i64, supported: i64 },
    /// Another process holds the write lock for longer than the busy timeout.
    #[error("the store is busy (another ingest or command is writing): wait for it to finish and try again")]
    Busy,
    /// An entity id that is not of the form `dataset:record:name`.
    #[error("'{id}' is not an entity id: expected dataset:record:name, as `corridor show` prints them")]
    BadEntityId { id: String },
    /// A registered object that does not exist.
    #[error("no {what} '{name}' in this store")]
    Unknown { what: &'static str, name: String },
    /// A value in the store that no longer parses: the file was edited outside Corridor.
    #[error(
        "the store holds an invalid {what} '{value}': it was changed outside Corridor; run `corridor audit verify`"
    )]
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
            _ => Error::Sqlite(e),
        }
    }
}
