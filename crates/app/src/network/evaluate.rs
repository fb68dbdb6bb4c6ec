//! How well the networks found match known truth (the synthetic generator's
//! `truth/` directory), and the one-look overview the demo prints.

use std::collections::{BTreeSet, HashMap};
use std::path::Path;

use corridor_network::{InvestigationGraph, Networks, quality};
use corridor_store::Store;
use serde::Serialize;

use super::{NetworkQuery, open};
use crate::error::{Error, Result};
use crate::session::Session;

/// Networks found against true networks, over the records of their members.
#[derive(Debug, Clone, Serialize)]
pub struct NetworkScores {
    /// Records of members of a true network (facilitators and the people moved).
    pub records: usize,
    pub true_networks: usize,
    pub found_networks: usize,
    pub adjusted_rand_index: f64,
    pub nmi: f64,
}

/// How well the networks found match the generator's: over every record of a
/// member of a true network (its facilitators and the people it moved), the true
/// network against the network found (a party in no listed network, or a record
/// nothing links, counts as a network of its own). `truth` is the `truth/`
/// directory the generator writes (`networks.csv`, `identities.csv`).
pub fn score(g: &InvestigationGraph, found: &Networks, truth: &Path) -> Result<NetworkScores> {
    let read = |name: &str| -> Result<Vec<csv::StringRecord>> {
        let path = truth.join(name);
        let mut r = csv::Reader::from_path(&path).map_err(|e| {
            Error::BadInput(format!(
                "cannot read {}: {e}; the truth is the truth/ directory the synthetic generator writes",
                path.display()
            ))
        })?;
        r.records()
            .collect::<std::result::Result<Vec<_>, _>>()
            .map_err(|e| Error::BadInput(format!("{}: {e}", path.display())))
    };
    let network_of: HashMap<String, String> = read("networks.csv")?
        .iter()
        .filter_map(|r| Some((r.get(0)?.to_string(), r.get(1)?.to_string())))
        .collect();
    let (mut truth_labels, mut found_labels) = (Vec::new(), Vec::new());
    for r in read("identities.csv")? {
        let (Some(dataset), Some(record), Some(name), Some(true_id)) = (r.get(0), r.get(1), r.get(2), r.get(3)) else {
            continue;
        };
        let Some(net) = network_of.get(true_id) else {
            continue;
        };
        let record = format!("{dataset}:{record}:{name}");
        truth_labels.push(net.clone());
        found_labels.push(match g.node(&record).map(|v| (v, found.network_of[v as usize])) {
            None => format!("record-{record}"),
            Some((v, 0)) => format!("party-{v}"),
            Some((_, n)) => format!("N{n}"),
        });
    }
    let distinct = |xs: &[String]| xs.iter().collect::<BTreeSet<_>>().len();
    Ok(NetworkScores {
        records: truth_labels.len(),
        true_networks: distinct(&truth_labels),
        found_networks: distinct(&found_labels),
        adjusted_rand_index: quality::adjusted_rand(&truth_labels, &found_labels),
        nmi: quality::normalized_mutual_information(&truth_labels, &found_labels),
    })
}

/// The networks over all the evidence the session may see, in a few numbers.
#[derive(Debug, Clone, Serialize)]
pub struct Overview {
    pub parties: usize,
    pub links: usize,
    pub networks: usize,
    /// The sizes of the five largest networks.
    pub largest: Vec<usize>,
    pub modularity: f64,
    /// The first broker of each of the three largest networks.
    pub brokers: Vec<OverviewBroker>,
    pub against_truth: Option<NetworkScores>,
}

/// A broker named in an overview.
#[derive(Debug, Clone, Serialize)]
pub struct OverviewBroker {
    pub id: String,
    pub name: String,
}

/// Every piece of evidence with the default options: the networks' count and
/// sizes, the top brokers, and with `truth` the scores against it.
pub fn overview(store: &mut dyn Store, session: &Session, truth: Option<&Path>) -> Result<Overview> {
    let view = open(store, session, &NetworkQuery::default())?;
    let g = &view.graph;
    let found = view.networks();
    let against_truth = truth.map(|t| score(g, &found, t)).transpose()?;
    Ok(Overview {
        parties: g.nodes.len(),
        links: g.links.len(),
        networks: found.networks.len(),
        largest: found.networks.iter().take(5).map(|n| n.size).collect(),
        modularity: found.modularity,
        brokers: found
            .networks
            .iter()
            .take(3)
            .filter_map(|n| n.brokers.first())
            .map(|b| OverviewBroker {
                id: b.id.clone(),
                name: b.name.clone(),
            })
            .collect(),
        against_truth,
    })
}
