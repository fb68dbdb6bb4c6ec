//! Networks and routes over the investigation graph: what the reader's filters
//! allow (handling codes, agencies, grading, link kinds, time window) builds the
//! links; communities, brokers, paths, neighbourhoods, tracks and flows are
//! computed on that filtered graph only, never on evidence the reader may not see.
//! Reading the evidence is logged (by the store, with the purpose); exports are
//! logged here before a byte is written, with the handling marking of the file.

mod evaluate;
mod export;
mod query;
mod select;
mod view;

pub use evaluate::{NetworkScores, Overview, OverviewBroker, overview, score};
pub use export::{ExportFormat, ExportRequest, export};
pub use query::NetworkQuery;
pub use view::{GraphCache, NearParty, NetworkView, TrackGeoJson, open, track_geojson};
