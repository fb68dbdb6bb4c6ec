//! The investigation graph: who is linked to whom, how, and on what evidence.
//!
//! Built from entities as the store holds them (every statement with its
//! provenance) and resolution's mapping of record entities to identities. Nodes are
//! identities of persons and organisations (the parties). A link between two
//! parties comes from
//! - an explicit relation (associate, family, membership, companion, payment,
//!   unknown link),
//! - a shared selector: both use the same phone, vehicle, vessel, document,
//!   account, address, e-mail or biometric reference (the same identity after
//!   resolution, so two records of one phone number count as one phone),
//! - co-occurrence: both were involved in the same event (interception, crossing,
//!   arrest, sighting, payment), or in events on the same boat or vehicle.
//!
//! Every link keeps its evidence: the entities and statements it rests on, the
//! weakest grading and the strictest handling among them, the agencies that
//! reported them and the date. [`Filter`] keeps only evidence a reader may use
//! (time window, agencies, minimum grading, link kinds, handling codes); links
//! left with no evidence disappear. Persons recorded as victims or witnesses stay
//! in the graph, marked, and are left out of broker and influence rankings unless
//! asked for (domain brief §3: they are the people smuggled, not the targets).
//!
//! Knows nothing of the store or of terminals; the algorithms are `corridor-graph`'s.

mod build;
pub mod export;
mod filter;
pub mod ftm;
mod networks;
mod path;
pub mod quality;
pub mod routes;

pub use build::{
    EventInfo, Evidence, InvestigationGraph, Link, LinkKind, Node, RecordSource, event_links_attendees,
    event_thing_is_theirs, is_party,
};
pub use filter::{Filter, FilterError};
pub use networks::{Broker, NetworkOptions, NetworkSummary, Networks, networks};
pub use path::{PathStep, path};
