//! Corridor's use cases, for every front end: the CLI today, the node server and
//! partner exchange next. A use case is a function over a store and a [`Session`]
//! (who acts, why) that returns a typed result and never prints; the front end
//! parses its input, calls one use case, and presents the result. What personal
//! data a use case reads or exports is logged here, in one place, so no front end
//! can forget it. Errors carry a stable [`ErrorCode`] that says which exit code the
//! CLI and which HTTP status the server gives them.
//!
//! Here: entity display, the review listing, resolution, networks and routes,
//! documents and watchlists, ingest, the node's housekeeping, and access (users,
//! tokens, cases, purposes, logging in, and the policy's grant turned into a
//! session).

pub mod access;
pub mod admin;
pub mod documents;
mod entity;
pub mod erasure;
mod error;
pub mod exports;
pub mod ingest;
pub mod network;
pub mod node;
pub mod rectify;
pub mod resolution;
mod review;
pub mod search;
mod session;
pub mod subject;

pub use entity::{CaseDocuments, CaseEntityView, EntityView, documents_in_case, show_entity, show_entity_in_case};
pub use error::{Error, ErrorCode, Result};
pub use review::{RetentionItem, ReviewListing, opaque_record_id, persons_due, retention_queue};
pub use session::{Session, parse_day, validate_actor, validate_purpose};
