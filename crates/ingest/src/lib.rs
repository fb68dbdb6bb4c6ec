//! Ingest of agency files (CSV, JSON Lines) into a Corridor store through a
//! declarative TOML mapping.
//!
//! Flow: [`Mapping::parse`] checks the mapping before anything is read;
//! [`ingest`] opens the file, checks its header, then streams rows through the
//! [`apply::Mapper`] on a reader thread into one store batch. Every row ends as
//! stored, unchanged, or rejected with a reason in the rejects file: none is
//! dropped silently.

pub mod apply;
pub mod dates;
mod error;
pub mod input;
mod limits;
pub mod mapping;
mod run;
mod selectors;

pub use error::{Error, MappingError, Result};
pub use limits::Limits;
pub use mapping::Mapping;
pub use run::{IngestOptions, IngestReport, NoProgress, Progress, RejectsOutcome, ingest, is_stream, open_stream};
pub use selectors::Flag;
