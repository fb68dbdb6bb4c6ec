//! The investigation graph in the formats other tools read: GraphML (yEd, Gephi,
//! NetworkX, igraph), GEXF 1.3 (Gephi), Cytoscape.js JSON, and GeoJSON (RFC 7946)
//! for the events and each party's track on a map.
//!
//! Every export carries, per link, the strictest handling code and the weakest
//! grading of its evidence, and for the whole file the strictest code of anything in
//! it, so the receiving tool's user can see what applies. Victims and witnesses are
//! exported without their names (their category and a stable placeholder only)
//! unless the caller asks for them: a chart passed round a task force should not
//! carry the names of the people smuggled.

use std::collections::{BTreeMap, BTreeSet};
use std::io::{self, Write};

use corridor_model::{Grading, Handling, HandlingCode};
use serde_json::json;

use crate::build::{InvestigationGraph, Link};
use crate::networks::Networks;

/// What to export and how.
#[derive(Debug, Clone, Default)]
pub struct ExportOptions {
    /// Only these parties (and the links between them); all when `None`.
    pub parties: Option<BTreeSet<u32>>,
    /// Export victims' and witnesses' names too.
    pub include_protected_names: bool,
}

/// The parties and links selected for export, with the values every format
/// writes.
struct Selection<'a> {
    g: &'a InvestigationGraph,
    found: &'a Networks,
    nodes: Vec<u32>,
    links: Vec<&'a Link>,
    names: bool,
}

impl<'a> Selection<'a> {
    fn new(g: &'a InvestigationGraph, found: &'a Networks, opts: &ExportOptions) -> Selection<'a> {
        let keep = |v: u32| opts.parties.as_ref().is_none_or(|p| p.contains(&v));
        Selection {
            g,
            found,
            nodes: (0..g.nodes.len() as u32).filter(|&v| keep(v)).collect(),
            links: g.links.iter().filter(|l| keep(l.a) && keep(l.b)).collect(),
            names: opts.include_protected_names,
        }
    }

    fn node_id(&self, v: u32) -> &str {
        &self.g.nodes[v as usize].id
    }

    fn label(&self, v: u32) -> String {
        let n = &self.g.nodes[v as usize];
        if n.is_protected() && !self.names {
            let category = n
                .categories
                .iter()
                .find(|c| c.is_protected())
                .map_or("protected", |c| c.as_str());
            format!("{category} #{v}")
        } else {
            n.name.clone()
        }
    }

    fn categories(&self, v: u32) -> String {
        let n = &self.g.nodes[v as usize];
        n.categories.iter().map(|c| c.as_str()).collect::<Vec<_>>().join(" ")
    }

    fn link_values(&self, l: &Link) -> LinkValues {
        let mut kinds = BTreeSet::new();
        let mut agencies = BTreeSet::new();
        let mut statements = BTreeSet::new();
        let mut grading: Option<Grading> = None;
        let mut handling = HandlingCode::H0;
        let (mut first, mut last): (Option<&str>, Option<&str>) = (None, None);
        for e in &l.evidence {
            kinds.insert(e.kind.as_str());
            agencies.extend(e.agencies.iter().map(String::as_str));
            statements.extend(e.statements.iter().copied());
            grading = Some(grading.map_or(e.grading, |g| g.weakest(e.grading)));
            handling = handling.max(e.handling.code);
            if let Some(d) = e.date.as_deref() {
                first = Some(first.map_or(d, |f| f.min(d)));
                last = Some(last.map_or(d, |x| x.max(d)));
            }
        }
        LinkValues {
            handling_full: Handling::strictest(l.evidence.iter().map(|e| &e.handling))
                .map(|h| h.to_string())
                .unwrap_or_default(),
            kinds: kinds.into_iter().collect::<Vec<_>>().join(" "),
            evidence: l.evidence.len(),
            grading: grading.map(|g| g.to_string()).unwrap_or_default(),
            handling: handling.to_string(),
            agencies: agencies.into_iter().collect::<Vec<_>>().join(" "),
            statements: statements.iter().map(|s| s.to_string()).collect::<Vec<_>>().join(" "),
            first: first.unwrap_or_default().to_string(),
            last: last.unwrap_or_default().to_string(),
        }
    }

    /// The strictest handling of everything exported (the links, the events that
    /// involve an exported party, the parties' records), with every H3 restriction
    /// text and the strictest TLP marking.
    fn strictest(&self) -> Option<Handling> {
        let selected: BTreeSet<u32> = self.nodes.iter().copied().collect();
        let events = self
            .g
            .events
            .iter()
            .filter(|e| e.parties.iter().any(|p| selected.contains(p)))
            .map(|e| &e.evidence.handling);
        let parties = self
            .nodes
            .iter()
            .flat_map(|&v| self.g.nodes[v as usize].sources.iter().map(|s| &s.handling));
        Handling::strictest(
            self.links
                .iter()
                .flat_map(|l| l.evidence.iter().map(|e| &e.handling))
                .chain(events)
                .chain(parties),
        )
    }

    /// The strictest handling code of everything exported.
    fn handling(&self) -> HandlingCode {
        self.strictest().map_or(HandlingCode::H0, |h| h.code)
    }

    /// The strictest handling in full (`H3 (text) TLP:AMBER`), what a recipient
    /// must obey.
    fn handling_full(&self) -> String {
        self.strictest()
            .map_or_else(|| HandlingCode::H0.to_string(), |h| h.to_string())
    }
}

struct LinkValues {
    handling_full: String,
    kinds: String,
    evidence: usize,
    grading: String,
    handling: String,
    agencies: String,
    statements: String,
    first: String,
    last: String,
}

/// Escapes text for XML content and attribute values.
fn xml(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for c in s.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&apos;"),
            // Characters XML 1.0 cannot carry at all.
            c if (c as u32) < 0x20 && !matches!(c, '\t' | '\n' | '\r') => {}
            c => out.push(c),
        }
    }
    out
}

/// Node attributes: (key, type, value getter).
const NODE_KEYS: [(&str, &str); 7] = [
    ("label", "string"),
    ("schema", "string"),
    ("categories", "string"),
    ("protected", "boolean"),
    ("network", "int"),
    ("betweenness", "double"),
    ("pagerank", "double"),
];
const EDGE_KEYS: [(&str, &str); 9] = [
    ("kinds", "string"),
    ("evidence", "int"),
    ("grading", "string"),
    ("handling", "string"),
    ("handling_full", "string"),
    ("agencies", "string"),
    ("statements", "string"),
    ("first_seen", "string"),
    ("last_seen", "string"),
];

fn node_values(s: &Selection<'_>, v: u32) -> [String; 7] {
    let n = &s.g.nodes[v as usize];
    [
        s.label(v),
        n.schema.clone(),
        s.categories(v),
        n.is_protected().to_string(),
        s.found.network_of[v as usize].to_string(),
        s.found.betweenness[v as usize].to_string(),
        s.found.pagerank[v as usize].to_string(),
    ]
}

fn edge_values(v: &LinkValues) -> [String; 9] {
    [
        v.kinds.clone(),
        v.evidence.to_string(),
        v.grading.clone(),
        v.handling.clone(),
        v.handling_full.clone(),
        v.agencies.clone(),
        v.statements.clone(),
        v.first.clone(),
        v.last.clone(),
    ]
}

/// GraphML, undirected, with the node and edge attributes declared as keys.
pub fn graphml(g: &InvestigationGraph, found: &Networks, opts: &ExportOptions, out: &mut impl Write) -> io::Result<()> {
    let s = Selection::new(g, found, opts);
    writeln!(out, r#"<?xml version="1.0" encoding="UTF-8"?>"#)?;
    writeln!(
        out,
        r#"<graphml xmlns="http://graphml.graphdrawing.org/xmlns" xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance" xsi:schemaLocation="http://graphml.graphdrawing.org/xmlns http://graphml.graphdrawing.org/xmlns/1.0/graphml.xsd">"#
    )?;
    writeln!(
        out,
        r#"  <key id="g_handling" for="graph" attr.name="handling" attr.type="string"/>"#
    )?;
    writeln!(
        out,
        r#"  <key id="g_handling_full" for="graph" attr.name="handling_full" attr.type="string"/>"#
    )?;
    for (k, t) in NODE_KEYS {
        writeln!(out, r#"  <key id="n_{k}" for="node" attr.name="{k}" attr.type="{t}"/>"#)?;
    }
    for (k, t) in EDGE_KEYS {
        writeln!(out, r#"  <key id="e_{k}" for="edge" attr.name="{k}" attr.type="{t}"/>"#)?;
    }
    writeln!(out, r#"  <graph id="corridor" edgedefault="undirected">"#)?;
    writeln!(out, r#"    <data key="g_handling">{}</data>"#, s.handling())?;
    writeln!(
        out,
        r#"    <data key="g_handling_full">{}</data>"#,
        xml(&s.handling_full())
    )?;
    for &v in &s.nodes {
        writeln!(out, r#"    <node id="{}">"#, xml(s.node_id(v)))?;
        for ((k, _), value) in NODE_KEYS.iter().zip(node_values(&s, v)) {
            writeln!(out, r#"      <data key="n_{k}">{}</data>"#, xml(&value))?;
        }
        writeln!(out, "    </node>")?;
    }
    for (i, l) in s.links.iter().enumerate() {
        writeln!(
            out,
            r#"    <edge id="e{i}" source="{}" target="{}">"#,
            xml(s.node_id(l.a)),
            xml(s.node_id(l.b))
        )?;
        for ((k, _), value) in EDGE_KEYS.iter().zip(edge_values(&s.link_values(l))) {
            writeln!(out, r#"      <data key="e_{k}">{}</data>"#, xml(&value))?;
        }
        writeln!(out, "    </edge>")?;
    }
    writeln!(out, "  </graph>")?;
    writeln!(out, "</graphml>")
}

/// GEXF 1.3, the format Gephi reads natively, with declared attributes.
pub fn gexf(g: &InvestigationGraph, found: &Networks, opts: &ExportOptions, out: &mut impl Write) -> io::Result<()> {
    let s = Selection::new(g, found, opts);
    fn gexf_type(t: &str) -> &str {
        if t == "int" { "integer" } else { t }
    }
    writeln!(out, r#"<?xml version="1.0" encoding="UTF-8"?>"#)?;
    writeln!(
        out,
        r#"<gexf xmlns="http://gexf.net/1.3" xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance" xsi:schemaLocation="http://gexf.net/1.3 http://gexf.net/1.3/gexf.xsd" version="1.3">"#
    )?;
    writeln!(
        out,
        "  <meta><creator>corridor</creator><description>investigation graph; strictest handling {}</description></meta>",
        xml(&s.handling_full())
    )?;
    writeln!(out, r#"  <graph defaultedgetype="undirected" mode="static">"#)?;
    writeln!(out, r#"    <attributes class="node">"#)?;
    // `label` is GEXF's own node attribute; the rest are declared.
    for (i, (k, t)) in NODE_KEYS.iter().enumerate().skip(1) {
        writeln!(
            out,
            r#"      <attribute id="{i}" title="{k}" type="{}"/>"#,
            gexf_type(t)
        )?;
    }
    writeln!(out, "    </attributes>")?;
    writeln!(out, r#"    <attributes class="edge">"#)?;
    for (i, (k, t)) in EDGE_KEYS.iter().enumerate() {
        writeln!(
            out,
            r#"      <attribute id="{i}" title="{k}" type="{}"/>"#,
            gexf_type(t)
        )?;
    }
    writeln!(out, "    </attributes>")?;
    writeln!(out, "    <nodes>")?;
    for &v in &s.nodes {
        let values = node_values(&s, v);
        writeln!(
            out,
            r#"      <node id="{}" label="{}">"#,
            xml(s.node_id(v)),
            xml(&values[0])
        )?;
        writeln!(out, "        <attvalues>")?;
        for (i, value) in values.iter().enumerate().skip(1) {
            writeln!(out, r#"          <attvalue for="{i}" value="{}"/>"#, xml(value))?;
        }
        writeln!(out, "        </attvalues>")?;
        writeln!(out, "      </node>")?;
    }
    writeln!(out, "    </nodes>")?;
    writeln!(out, "    <edges>")?;
    for (i, l) in s.links.iter().enumerate() {
        let values = s.link_values(l);
        writeln!(
            out,
            r#"      <edge id="{i}" source="{}" target="{}" weight="{}">"#,
            xml(s.node_id(l.a)),
            xml(s.node_id(l.b)),
            values.evidence
        )?;
        writeln!(out, "        <attvalues>")?;
        for (j, value) in edge_values(&values).iter().enumerate() {
            writeln!(out, r#"          <attvalue for="{j}" value="{}"/>"#, xml(value))?;
        }
        writeln!(out, "        </attvalues>")?;
        writeln!(out, "      </edge>")?;
    }
    writeln!(out, "    </edges>")?;
    writeln!(out, "  </graph>")?;
    writeln!(out, "</gexf>")
}

/// Cytoscape.js elements JSON (`cy.add(json.elements)` or `cytoscape({elements})`).
pub fn cytoscape(g: &InvestigationGraph, found: &Networks, opts: &ExportOptions) -> serde_json::Value {
    let s = Selection::new(g, found, opts);
    let nodes: Vec<serde_json::Value> = s
        .nodes
        .iter()
        .map(|&v| {
            let mut data = serde_json::Map::new();
            data.insert("id".into(), json!(s.node_id(v)));
            for ((k, t), value) in NODE_KEYS.iter().zip(node_values(&s, v)) {
                data.insert((*k).into(), typed(t, &value));
            }
            json!({ "data": data })
        })
        .collect();
    let edges: Vec<serde_json::Value> = s
        .links
        .iter()
        .enumerate()
        .map(|(i, l)| {
            let mut data = serde_json::Map::new();
            data.insert("id".into(), json!(format!("e{i}")));
            data.insert("source".into(), json!(s.node_id(l.a)));
            data.insert("target".into(), json!(s.node_id(l.b)));
            for ((k, t), value) in EDGE_KEYS.iter().zip(edge_values(&s.link_values(l))) {
                data.insert((*k).into(), typed(t, &value));
            }
            json!({ "data": data })
        })
        .collect();
    json!({
        "data": { "handling": s.handling().to_string(), "handling_full": s.handling_full() },
        "elements": { "nodes": nodes, "edges": edges },
    })
}

fn typed(t: &str, value: &str) -> serde_json::Value {
    match t {
        "int" => value.parse::<i64>().map_or(json!(value), |v| json!(v)),
        "double" => value
            .parse::<f64>()
            .ok()
            .filter(|v| v.is_finite())
            .map_or(json!(null), |v| json!(v)),
        "boolean" => json!(value == "true"),
        _ => json!(value),
    }
}

/// GeoJSON (RFC 7946): one Point per located event involving a selected party, and
/// one LineString per party with two or more located events (its track, in time
/// order). Events without coordinates are counted in the collection's
/// `unlocated` member rather than dropped silently.
pub fn geojson(g: &InvestigationGraph, found: &Networks, opts: &ExportOptions) -> serde_json::Value {
    let s = Selection::new(g, found, opts);
    let selected: BTreeSet<u32> = s.nodes.iter().copied().collect();
    let mut features = Vec::new();
    let mut tracks: BTreeMap<u32, Vec<(String, [f64; 2])>> = BTreeMap::new();
    let mut unlocated = 0usize;
    for ev in &g.events {
        let parties: Vec<u32> = ev.parties.iter().copied().filter(|p| selected.contains(p)).collect();
        if parties.is_empty() {
            continue;
        }
        let Some(at) = crate::routes::position(ev) else {
            unlocated += 1;
            continue;
        };
        // Only dated events have a place in a track's order.
        if let Some(date) = &ev.evidence.date {
            for &p in &parties {
                tracks.entry(p).or_default().push((date.clone(), at));
            }
        }
        features.push(json!({
            "type": "Feature",
            "id": ev.id,
            "geometry": { "type": "Point", "coordinates": at },
            "properties": {
                "kind": "event",
                "schema": ev.schema,
                "date": ev.evidence.date,
                "place": ev.place,
                "country": ev.country,
                "agencies": ev.evidence.agencies,
                "grading": ev.evidence.grading.to_string(),
                "handling": ev.evidence.handling.code.to_string(),
                "parties": parties.iter().map(|&p| s.node_id(p)).collect::<Vec<_>>(),
            },
        }));
    }
    for (p, mut points) in tracks {
        points.sort_by(|a, b| a.0.cmp(&b.0));
        points.dedup_by(|a, b| a.1 == b.1);
        if points.len() < 2 {
            continue;
        }
        features.push(json!({
            "type": "Feature",
            "id": format!("track:{}", s.node_id(p)),
            "geometry": {
                "type": "LineString",
                "coordinates": points.iter().map(|(_, at)| *at).collect::<Vec<_>>(),
            },
            "properties": {
                "kind": "track",
                "party": s.node_id(p),
                "label": s.label(p),
                "categories": s.categories(p),
                "network": found.network_of[p as usize],
                "from": points.first().map(|x| x.0.clone()),
                "to": points.last().map(|x| x.0.clone()),
            },
        }));
    }
    json!({
        "type": "FeatureCollection",
        "features": features,
        "handling": s.handling().to_string(),
        "handling_full": s.handling_full(),
        "unlocated": unlocated,
    })
}
