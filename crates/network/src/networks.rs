//! Networks: communities of the party graph (Leiden, seeded), each summarised the
//! way an analyst reads one: members by role, brokers, links by kind, selectors,
//! active period, contributing agencies and the places its events happened.

use std::collections::{BTreeMap, BTreeSet};

use corridor_graph::{betweenness, components, leiden, pagerank};
use serde::Serialize;

use crate::build::{InvestigationGraph, LinkKind};

/// How networks are found and ranked.
#[derive(Debug, Clone)]
pub struct NetworkOptions {
    pub seed: u64,
    /// Leiden's modularity resolution: above 1 splits networks finer.
    pub resolution: f64,
    /// Communities smaller than this are not listed as networks.
    pub min_size: usize,
    /// Rank victims and witnesses among brokers too (off by default).
    pub include_protected: bool,
    /// Brokers listed per network.
    pub top: usize,
    /// Betweenness is exact up to this many parties, sampled from this many sources
    /// beyond.
    pub exact_up_to: usize,
}

impl Default for NetworkOptions {
    fn default() -> Self {
        NetworkOptions {
            seed: 42,
            resolution: 1.0,
            min_size: 3,
            include_protected: false,
            top: 5,
            exact_up_to: 5000,
        }
    }
}

/// A member ranked as a broker: on many shortest paths between others.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Broker {
    pub node: u32,
    pub id: String,
    pub name: String,
    pub betweenness: f64,
    pub pagerank: f64,
    pub degree: usize,
}

#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct NetworkSummary {
    /// 1 for the largest network, then by size.
    pub id: usize,
    pub size: usize,
    pub members: Vec<u32>,
    /// Members by data-subject category (a member with several counts in each).
    pub roles: BTreeMap<String, usize>,
    /// Members recorded as victims or witnesses.
    pub protected: usize,
    pub brokers: Vec<Broker>,
    /// Links inside the network, by kind of evidence.
    pub links: BTreeMap<LinkKind, usize>,
    /// Distinct shared selectors inside the network, by schema.
    pub selectors: BTreeMap<String, usize>,
    pub first_seen: Option<String>,
    pub last_seen: Option<String>,
    pub agencies: Vec<String>,
    /// Where its members' events happened: (place, events), most frequent first;
    /// places as `routes::Places` groups them.
    pub places: Vec<(String, usize)>,
}

/// The networks of a graph and the per-party measures behind them.
#[derive(Debug, Clone)]
pub struct Networks {
    pub networks: Vec<NetworkSummary>,
    /// Each party's network id (0: in no listed network).
    pub network_of: Vec<usize>,
    pub components: usize,
    pub modularity: f64,
    pub betweenness: Vec<f64>,
    pub pagerank: Vec<f64>,
    /// Betweenness from every party (exact) or from a sample.
    pub betweenness_exact: bool,
    /// The places of the graph's events, as the summaries name them.
    pub places: crate::routes::Places,
}

/// Finds and summarises the networks of `g`.
pub fn networks(g: &InvestigationGraph, opts: &NetworkOptions) -> Networks {
    let graph = g.graph();
    let n = graph.nodes();
    let comps = components::components(&graph);
    let communities = leiden::leiden(
        &graph,
        &leiden::Options {
            resolution: opts.resolution,
            seed: opts.seed,
            ..Default::default()
        },
    );
    let pr = pagerank::pagerank(&graph, 0.85, 1e-10, 200);
    let exact = n <= opts.exact_up_to;
    let between = if exact {
        betweenness::exact(&graph)
    } else {
        betweenness::sampled(&graph, 1000, opts.seed).0
    };

    let mut groups: Vec<Vec<u32>> = vec![Vec::new(); communities.count];
    for v in 0..n as u32 {
        groups[communities.of[v as usize] as usize].push(v);
    }
    groups.retain(|m| m.len() >= opts.min_size.max(1));
    groups.sort_by(|a, b| b.len().cmp(&a.len()).then(a[0].cmp(&b[0])));
    let mut network_of = vec![0usize; n];
    for (i, members) in groups.iter().enumerate() {
        for &v in members {
            network_of[v as usize] = i + 1;
        }
    }

    let places = crate::routes::Places::of(g);
    let summaries = groups
        .into_iter()
        .enumerate()
        .map(|(i, members)| {
            let measures = (between.as_slice(), pr.scores.as_slice());
            summarise(g, &graph, &places, i + 1, members, &network_of, measures, opts)
        })
        .collect();
    Networks {
        networks: summaries,
        network_of,
        components: comps.count,
        modularity: communities.modularity,
        betweenness: between,
        pagerank: pr.scores,
        betweenness_exact: exact,
        places,
    }
}

#[allow(clippy::too_many_arguments)]
fn summarise(
    g: &InvestigationGraph,
    graph: &corridor_graph::Graph,
    place_names: &crate::routes::Places,
    id: usize,
    members: Vec<u32>,
    network_of: &[usize],
    (between, pr): (&[f64], &[f64]),
    opts: &NetworkOptions,
) -> NetworkSummary {
    let mut roles: BTreeMap<String, usize> = BTreeMap::new();
    let mut protected = 0;
    let mut agencies: BTreeSet<String> = BTreeSet::new();
    for &v in &members {
        let node = &g.nodes[v as usize];
        for c in &node.categories {
            *roles.entry(c.as_str().to_string()).or_default() += 1;
        }
        if node.categories.is_empty() {
            *roles.entry("unknown".to_string()).or_default() += 1;
        }
        protected += usize::from(node.is_protected());
        agencies.extend(node.agencies.iter().cloned());
    }
    let inside = |v: u32| network_of[v as usize] == id;
    let mut links: BTreeMap<LinkKind, usize> = BTreeMap::new();
    let mut selectors: BTreeMap<String, BTreeSet<String>> = BTreeMap::new();
    let (mut first, mut last): (Option<String>, Option<String>) = (None, None);
    for l in g.links.iter().filter(|l| inside(l.a) && inside(l.b)) {
        for k in l.kinds() {
            *links.entry(k).or_default() += 1;
        }
        for e in &l.evidence {
            if e.kind == LinkKind::Selector {
                selectors.entry(e.via_schema.clone()).or_default().insert(e.via.clone());
            }
            if let Some(d) = &e.date {
                if first.as_ref().is_none_or(|f| d < f) {
                    first = Some(d.clone());
                }
                if last.as_ref().is_none_or(|l| d > l) {
                    last = Some(d.clone());
                }
            }
        }
    }
    let mut places: BTreeMap<String, usize> = BTreeMap::new();
    for ev in g.events.iter().filter(|e| e.parties.iter().any(|&p| inside(p))) {
        if let Some(key) = place_names.of_event(&ev.id) {
            *places.entry(place_names.name(key)).or_default() += 1;
        }
    }
    let mut places: Vec<(String, usize)> = places.into_iter().collect();
    places.sort_by(|a, b| b.1.cmp(&a.1).then(a.0.cmp(&b.0)));
    let mut ranked: Vec<u32> = members
        .iter()
        .copied()
        .filter(|&v| opts.include_protected || !g.nodes[v as usize].is_protected())
        .collect();
    ranked.sort_by(|&a, &b| {
        between[b as usize]
            .total_cmp(&between[a as usize])
            .then(pr[b as usize].total_cmp(&pr[a as usize]))
            .then(a.cmp(&b))
    });
    let brokers = ranked
        .into_iter()
        .take(opts.top)
        .map(|v| Broker {
            node: v,
            id: g.nodes[v as usize].id.clone(),
            name: g.nodes[v as usize].name.clone(),
            betweenness: between[v as usize],
            pagerank: pr[v as usize],
            degree: graph.degree(v),
        })
        .collect();
    NetworkSummary {
        id,
        size: members.len(),
        members,
        roles,
        protected,
        brokers,
        links,
        selectors: selectors.into_iter().map(|(k, v)| (k, v.len())).collect(),
        first_seen: first,
        last_seen: last,
        agencies: agencies.into_iter().collect(),
        places,
    }
}
