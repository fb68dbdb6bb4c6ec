//! The investigation graph as one reader may see it, and what is computed on it.

use std::collections::HashMap;
use std::sync::Arc;

use corridor_model::EntityEvidence;
use corridor_network::{InvestigationGraph, Networks, networks, routes};
use corridor_store::{AuditEntry, Store};
use serde_json::json;

use super::query::NetworkQuery;
use crate::error::{Error, Result};
use crate::session::Session;

/// The graph of the evidence a reader may use, with what it was built from.
pub struct NetworkView {
    /// The filtered graph: every computation runs on it.
    pub graph: InvestigationGraph,
    /// Whether a resolution mapped records to identities (without one, each record
    /// is its own identity).
    pub resolved: bool,
    pub(crate) entities: Arc<Vec<EntityEvidence>>,
    pub(crate) identity_of: Arc<HashMap<String, String>>,
    query: NetworkQuery,
}

impl std::fmt::Debug for NetworkView {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("NetworkView")
            .field("parties", &self.graph.nodes.len())
            .field("links", &self.graph.links.len())
            .finish()
    }
}

/// What the log says a graph was built from.
fn evidence_target() -> String {
    let schemata: Vec<&str> = corridor_model::SCHEMATA.iter().map(|s| s.name).collect();
    format!(
        "evidence of all {} entities in the investigation graph (every linked party's records, their relations, \
         things and events)",
        schemata.join(", ")
    )
}

/// The whole graph, before any reader's filter.
pub(crate) struct Unfiltered {
    pub graph: InvestigationGraph,
    pub resolved: bool,
    pub entities: Arc<Vec<EntityEvidence>>,
    pub identity_of: Arc<HashMap<String, String>>,
}

impl Unfiltered {
    /// Reads the evidence of every party something links (see [`super::select`]),
    /// and of the parties `query` names, with its provenance (one read, logged with
    /// the session's purpose), and builds the graph under the latest resolution.
    pub(crate) fn read(store: &mut dyn Store, session: &Session, query: &NetworkQuery) -> Result<Unfiltered> {
        let index = store.link_index()?;
        let identities = store.identity_digests(&index.digester)?;
        let digest = |k: &str| index.digester.digest(k);
        let named: Vec<_> = query.parties.iter().map(|p| digest(p)).collect();
        let places = super::select::needed(&index, &identities, &named);
        drop(identities);
        drop(index);
        let entities = store.entity_evidence_at(&places, &evidence_target(), session.actor(), session.purpose())?;
        let resolved = store.latest_resolution()?.is_some();
        let ids: Vec<String> = entities.iter().map(|e| e.id.clone()).collect();
        let identity_of: HashMap<String, String> = store.identities_of(&ids)?.into_iter().collect();
        let graph = InvestigationGraph::build(&entities, &identity_of, query.max_group);
        Ok(Unfiltered {
            graph,
            resolved,
            entities: Arc::new(entities),
            identity_of: Arc::new(identity_of),
        })
    }

    /// The view of it `query` allows.
    pub(crate) fn view(&self, query: &NetworkQuery) -> Result<NetworkView> {
        Ok(NetworkView {
            graph: self.graph.filtered(&query.filter()?),
            resolved: self.resolved,
            entities: self.entities.clone(),
            identity_of: self.identity_of.clone(),
            query: query.clone(),
        })
    }
}

/// Reads the evidence of every party something links (see [`super::select`]) with
/// its provenance (one read, logged with the session's purpose), takes records to
/// the latest resolution's identities, and builds the graph of the evidence
/// `query` allows.
pub fn open(store: &mut dyn Store, session: &Session, query: &NetworkQuery) -> Result<NetworkView> {
    query.filter()?;
    Unfiltered::read(store, session, query)?.view(query)
}

/// The investigation graph kept between requests by a long-running node (the
/// server): built once per [`Store::data_version`] (every committed batch,
/// resolution change or regrading makes a new one) and filtered for each reader
/// on every request, so no community, path, centrality or count is computed over
/// evidence the reader may not see. Each request is still a read of personal data,
/// logged with its session.
#[derive(Default)]
pub struct GraphCache {
    built: Option<(i64, usize, Unfiltered)>,
    builds: usize,
}

impl std::fmt::Debug for GraphCache {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("GraphCache").field("builds", &self.builds).finish()
    }
}

impl GraphCache {
    /// The view `query` allows, from the graph kept when the data has not changed
    /// since (and it holds every party the query names), built anew otherwise.
    pub fn open(&mut self, store: &mut dyn Store, session: &Session, query: &NetworkQuery) -> Result<NetworkView> {
        query.filter()?;
        let version = store.data_version()?;
        let fresh = self.built.as_ref().is_some_and(|(v, max_group, u)| {
            *v == version && *max_group == query.max_group && query.parties.iter().all(|p| u.graph.node(p).is_some())
        });
        if fresh {
            let (_, _, unfiltered) = self
                .built
                .as_ref()
                .ok_or_else(|| Error::Integrity("graph cache".into()))?;
            store.log_access(&AuditEntry {
                actor: session.actor().into(),
                action: corridor_store::AuditAction::Read,
                target: evidence_target(),
                purpose: session.purpose().into(),
                detail: json!({"entities": unfiltered.entities.len(), "cached": true}).to_string(),
            })?;
            return unfiltered.view(query);
        }
        let unfiltered = Unfiltered::read(store, session, query)?;
        let view = unfiltered.view(query);
        self.built = Some((version, query.max_group, unfiltered));
        self.builds += 1;
        view
    }

    /// How many times the graph was built (not taken from the cache).
    pub fn builds(&self) -> usize {
        self.builds
    }
}

impl NetworkView {
    /// The networks (communities), their roles, brokers and selectors.
    pub fn networks(&self) -> Networks {
        networks(&self.graph, &self.query.options())
    }

    /// The party an id names: an identity id or a record id.
    pub fn party(&self, id: &str) -> Result<u32> {
        self.graph.node(id).ok_or_else(|| {
            Error::NotFound(format!(
                "no person or organisation '{id}' in the investigation graph: give the identity id or a record id \
                 (dataset:record:name) of a party that something links to another or to an event (a record \
                 nothing links is in no network)"
            ))
        })
    }

    /// The parties within `hops` links of party `id`, nearest first, each with its
    /// distance and the kinds of the link joining it to `id` directly (none when
    /// it is further away).
    pub fn near(&self, id: &str, hops: usize) -> Result<Vec<NearParty>> {
        let v = self.party(id)?;
        let g = &self.graph;
        let graph = g.graph();
        let found = corridor_graph::paths::Search::new(&graph).neighbourhood_with_hops(&graph, v, hops);
        Ok(found
            .iter()
            .skip(1)
            .map(|&(u, hops)| NearParty {
                party: u,
                hops,
                linked_by: g
                    .link(v, u)
                    .map(|l| l.kinds().into_iter().collect())
                    .unwrap_or_default(),
            })
            .collect())
    }

    /// The network numbered `id` among `found`.
    pub fn network<'n>(&self, found: &'n Networks, id: usize) -> Result<&'n corridor_network::NetworkSummary> {
        found.networks.iter().find(|n| n.id == id).ok_or_else(|| {
            Error::NotFound(format!(
                "no network N{id}: there are {} with the same filters",
                found.networks.len()
            ))
        })
    }

    /// The weekly flows between places, of every network or one.
    pub fn flows(&self, found: &Networks, network: Option<usize>) -> Result<Vec<routes::Flow>> {
        if let Some(n) = network {
            self.network(found, n)?;
        }
        let places = routes::Places::of(&self.graph);
        Ok(routes::flows(&self.graph, &places, &found.network_of)
            .into_iter()
            .filter(|f| network.is_none_or(|n| f.network == n))
            .collect())
    }

    /// The strictest handling of the events of party `v` (all events with `None`):
    /// what applies to a file made of them.
    pub fn strictest_handling(&self, v: Option<u32>) -> Option<String> {
        corridor_model::Handling::strictest(
            self.graph
                .events
                .iter()
                .filter(|e| v.is_none_or(|v| e.parties.contains(&v)))
                .map(|e| &e.evidence.handling),
        )
        .map(|h| h.to_string())
    }
}

/// A party near another ([`NetworkView::near`]).
#[derive(Debug, Clone)]
pub struct NearParty {
    /// Its node in the view's graph.
    pub party: u32,
    pub hops: usize,
    pub linked_by: Vec<corridor_network::LinkKind>,
}

/// One party's movements as GeoJSON (its events as points, the track as a line),
/// marked with the strictest handling of the events in it.
#[derive(Debug, Clone)]
pub struct TrackGeoJson {
    pub geojson: serde_json::Value,
}

/// The GeoJSON of party `id`'s track: one person's movements leave the store, so
/// it is logged as an export (to `destination`, for the log) before it is handed out.
pub fn track_geojson(
    store: &mut dyn Store,
    session: &Session,
    view: &NetworkView,
    id: &str,
    destination: &str,
) -> Result<TrackGeoJson> {
    let v = view.party(id)?;
    let g = &view.graph;
    let node = &g.nodes[v as usize];
    let places = routes::Places::of(g);
    let points = routes::track(g, &places, v);
    let located: Vec<[f64; 2]> = points.iter().filter_map(|p| p.position).collect();
    let mut features: Vec<serde_json::Value> = points
        .iter()
        .filter_map(|p| {
            let at = p.position?;
            Some(json!({
                "type": "Feature",
                "id": p.event,
                "geometry": {"type": "Point", "coordinates": at},
                "properties": {"schema": p.schema, "date": p.date, "place": p.place, "agencies": p.agencies},
            }))
        })
        .collect();
    if located.len() >= 2 {
        features.push(json!({
            "type": "Feature",
            "id": format!("track:{}", node.id),
            "geometry": {"type": "LineString", "coordinates": located},
            "properties": {"party": node.id, "events": located.len()},
        }));
    }
    let handling = view.strictest_handling(Some(v));
    store.log_access(&AuditEntry {
        actor: session.actor().into(),
        action: corridor_store::AuditAction::Export,
        target: format!("track of {} as geojson to {destination}", node.id),
        purpose: session.purpose().into(),
        detail: json!({"events": points.len(), "handling": handling}).to_string(),
    })?;
    Ok(TrackGeoJson {
        geojson: json!({"type": "FeatureCollection", "features": features, "handling_full": handling}),
    })
}
