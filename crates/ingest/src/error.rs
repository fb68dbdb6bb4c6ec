//! Errors of ingest: a mapping that cannot be used, an input that cannot be read,
//! or a store that failed. Rejected rows are not errors: they go to the rejects file.

use std::path::PathBuf;

/// Ingest's result type.
pub type Result<T, E = Error> = std::result::Result<T, E>;

/// A problem in a mapping file, with where it is.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("{file}:{line}:{column}: {message}")]
pub struct MappingError {
    pub file: String,
    /// 1-based line in the mapping file.
    pub line: usize,
    /// 1-based column in that line.
    pub column: usize,
    pub message: String,
}

/// Why an ingest could not run or could not finish.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum Error {
    /// The mapping is wrong; nothing was read.
    #[error("{0}")]
    Mapping(#[from] MappingError),
    /// The input cannot be opened or read.
    #[error("cannot read {path}: {source}")]
    Io { path: PathBuf, source: std::io::Error },
    /// The rejects file cannot be written; nothing was ingested.
    #[error("cannot write the rejects file {path}: {cause}; give --rejects a path that can be written")]
    Write { path: PathBuf, cause: std::io::Error },
    /// The input does not fit the mapping as a whole (a missing column, an unreadable header).
    #[error("{path}: {message}")]
    Input { path: PathBuf, message: String },
    /// The store failed; the batch was rolled back.
    #[error("{0}; the batch was rolled back, nothing from this file was stored")]
    Store(#[from] corridor_store::Error),
}
