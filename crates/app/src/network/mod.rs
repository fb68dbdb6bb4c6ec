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

use corridor_access::Grant;
use corridor_store::Store;

use crate::error::{Error, Result};
use crate::session::Session;

/// What a granted reader may ask of the graph: `query` narrowed to their case's
/// data sets and the handling codes up to their clearance, with the session that
/// logs their reads (user, case, purpose).
pub fn scope(store: &dyn Store, grant: &Grant, query: &NetworkQuery) -> Result<(Session, NetworkQuery)> {
    let case = grant
        .case()
        .ok_or_else(|| Error::BadInput("name the case this network is read for".into()))?;
    let datasets = store.case_datasets(case.id)?;
    Ok((
        crate::access::session_of(grant)?,
        query.in_case(datasets, grant.clearance())?,
    ))
}

/// The view for a reader: within their grant on a node with users, or as `query`
/// asks on a node without users (`session` then logs the reads).
pub fn open_granted(
    store: &mut dyn Store,
    grant: Option<&Grant>,
    session: &Session,
    query: &NetworkQuery,
) -> Result<NetworkView> {
    match grant {
        Some(g) => {
            let (session, query) = scope(&*store, g, query)?;
            open(store, &session, &query)
        }
        None => open(store, session, query),
    }
}

/// The networks of a view, for a listing: counts over what the reader may see and
/// each network's summary (members as the view's party numbers).
#[derive(Debug, Clone, serde::Serialize)]
pub struct NetworkListing {
    pub parties: usize,
    pub links: usize,
    pub components: usize,
    pub modularity: f64,
    pub networks: Vec<corridor_network::NetworkSummary>,
}

/// Lists the networks of a view.
pub fn listing(view: &NetworkView) -> NetworkListing {
    let found = view.networks();
    NetworkListing {
        parties: view.graph.nodes.len(),
        links: view.graph.links.len(),
        components: found.components,
        modularity: found.modularity,
        networks: found.networks,
    }
}
