//! Corridor's vocabulary: statements with provenance, the grading and handling that
//! travel with every value, data-subject categories and the schemata.
//!
//! This crate does no I/O and knows nothing of SQL, files, HTTP or terminals; every
//! other crate speaks in its types.

pub mod category;
pub mod country;
mod error;
pub mod grading;
pub mod handling;
pub mod provenance;
pub mod schema;
pub mod statement;
pub mod value;

pub use category::{DataSubjectCategory, RetentionPolicy};
pub use error::ParseError;
pub use grading::{Grading, InformationAccuracy, SourceReliability};
pub use handling::{Handling, HandlingCode, Tlp};
pub use provenance::{Assessment, Provenance, Restrictions, SourceRef};
pub use schema::{PropType, Property, SCHEMATA, Schema, SchemaKind, schema};
pub use statement::{Entity, EntityEvidence, EntityValues, EvidenceStatement, Statement, entity_key};
pub use value::{PartialDate, clean};
