//! Exports of the investigation graph for other tools: GraphML, GEXF, Cytoscape.js,
//! GeoJSON and FollowTheMoney. Logged as an export before a byte is written.

use std::collections::BTreeSet;
use std::io::Write;

use corridor_network::{Networks, export as formats, ftm};
use corridor_store::{AuditEntry, Store};
use serde_json::json;

use super::view::NetworkView;
use crate::error::{Error, Result};
use crate::session::Session;

/// The formats the graph is exported in.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ExportFormat {
    GraphMl,
    Gexf,
    Cytoscape,
    GeoJson,
    Ftm,
}

impl ExportFormat {
    pub const NAMES: [&'static str; 5] = ["graphml", "gexf", "cytoscape", "geojson", "ftm"];

    pub fn as_str(self) -> &'static str {
        match self {
            ExportFormat::GraphMl => "graphml",
            ExportFormat::Gexf => "gexf",
            ExportFormat::Cytoscape => "cytoscape",
            ExportFormat::GeoJson => "geojson",
            ExportFormat::Ftm => "ftm",
        }
    }
}

impl std::str::FromStr for ExportFormat {
    type Err = Error;

    fn from_str(s: &str) -> Result<Self> {
        Ok(match s {
            "graphml" => ExportFormat::GraphMl,
            "gexf" => ExportFormat::Gexf,
            "cytoscape" => ExportFormat::Cytoscape,
            "geojson" => ExportFormat::GeoJson,
            "ftm" => ExportFormat::Ftm,
            _ => {
                return Err(Error::BadInput(format!(
                    "unknown export format `{s}`: one of {}",
                    ExportFormat::NAMES.join(", ")
                )));
            }
        })
    }
}

/// What to export.
#[derive(Debug, Clone)]
pub struct ExportRequest {
    pub format: ExportFormat,
    /// Only this network's members (its number among the networks found).
    pub network: Option<usize>,
    /// Name victims and witnesses too.
    pub include_protected_names: bool,
    /// Where it goes, for the log ("standard output", a file name).
    pub destination: String,
}

/// Writes the export to `out`, after logging it.
pub fn export(
    store: &mut dyn Store,
    session: &Session,
    view: &NetworkView,
    found: &Networks,
    request: &ExportRequest,
    out: &mut dyn Write,
) -> Result<()> {
    let g = &view.graph;
    let parties = match request.network {
        None => None,
        Some(id) => Some(
            view.network(found, id)?
                .members
                .iter()
                .copied()
                .collect::<BTreeSet<u32>>(),
        ),
    };
    let names = request.include_protected_names;
    let opts = formats::ExportOptions {
        parties,
        include_protected_names: names,
    };
    let count = opts.parties.as_ref().map_or(g.nodes.len(), BTreeSet::len);
    // Personal data leaves the store: logged before a byte is written.
    store.log_access(&AuditEntry {
        actor: session.actor().into(),
        action: corridor_store::AuditAction::Export,
        target: format!(
            "network graph{} as {} to {}",
            request.network.map(|n| format!(" N{n}")).unwrap_or_default(),
            request.format.as_str(),
            request.destination
        ),
        purpose: session.purpose().into(),
        detail: json!({"parties": count, "protected_names": names}).to_string(),
    })?;
    let written: std::io::Result<()> = (|| {
        let mut w = &mut *out;
        match request.format {
            ExportFormat::GraphMl => formats::graphml(g, found, &opts, &mut w)?,
            ExportFormat::Gexf => formats::gexf(g, found, &opts, &mut w)?,
            ExportFormat::Cytoscape => serde_json::to_writer_pretty(&mut w, &formats::cytoscape(g, found, &opts))?,
            ExportFormat::Ftm => {
                let entities = ftm::ftm(g, &view.entities, &view.identity_of, opts.parties.as_ref(), names);
                for (i, e) in entities.iter().enumerate() {
                    if i > 0 {
                        writeln!(w)?;
                    }
                    serde_json::to_writer(&mut w, e)?;
                }
            }
            ExportFormat::GeoJson => serde_json::to_writer(&mut w, &formats::geojson(g, found, &opts))?,
        }
        writeln!(w)
    })();
    written.map_err(Error::Output)
}
