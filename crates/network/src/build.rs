//! Building the investigation graph from entities and the identity mapping.

use std::collections::{BTreeMap, BTreeSet, HashMap};
use std::str::FromStr;

use corridor_model::{DataSubjectCategory, EntityEvidence, Grading, Handling, PropType, SchemaKind, schema};
use serde::Serialize;

/// How two parties are linked.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum LinkKind {
    /// A stated relation: associate, family, membership, companion, unknown link.
    Relation,
    /// Money from one to the other (a payment event or a `Paid` relation).
    Payment,
    /// Both use the same phone, vehicle, vessel, document, account, address, e-mail
    /// or biometric reference.
    Selector,
    /// Both were involved in the same event.
    Event,
}

impl LinkKind {
    pub const ALL: [LinkKind; 4] = [
        LinkKind::Relation,
        LinkKind::Payment,
        LinkKind::Selector,
        LinkKind::Event,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            LinkKind::Relation => "relation",
            LinkKind::Payment => "payment",
            LinkKind::Selector => "selector",
            LinkKind::Event => "event",
        }
    }
}

impl FromStr for LinkKind {
    type Err = String;
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        LinkKind::ALL
            .into_iter()
            .find(|k| k.as_str() == s.trim().to_ascii_lowercase())
            .ok_or_else(|| format!("unknown link kind `{s}`: one of relation, payment, selector, event"))
    }
}

/// One reason two parties are linked, with what it rests on.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Evidence {
    pub kind: LinkKind,
    /// What links them: the relation's, the shared thing's or the event's schema.
    pub via_schema: String,
    /// The shared thing's identity, or the relation's or event's entity id.
    pub via: String,
    /// The entities the evidence rests on (relations, uses, events).
    pub entities: Vec<String>,
    /// Their current statements: what a reader can check it against.
    pub statements: Vec<i64>,
    /// The weakest grading among those statements, after any later downgrade of a
    /// source.
    pub grading: Grading,
    /// The strictest handling among them: what applies to the link.
    pub handling: Handling,
    pub agencies: Vec<String>,
    /// The latest date of what it rests on (`YYYY-MM-DD`), when any is known.
    pub date: Option<String>,
}

/// A party: the identity of one or more person or organisation records.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Node {
    /// The identity id (a record's own id when resolution left it alone).
    pub id: String,
    pub schema: String,
    pub name: String,
    /// Every data-subject category its records give, most serious first.
    pub categories: Vec<DataSubjectCategory>,
    /// The record entities it resolves (those the reader may see, after
    /// [`InvestigationGraph::filtered`]).
    pub records: Vec<String>,
    pub agencies: Vec<String>,
    /// Each record's provenance and name, so a reader's filter can hide the records
    /// (and with them the name) it may not see.
    #[serde(skip)]
    pub sources: Vec<RecordSource>,
}

/// What a party's record rests on: its agencies, weakest grading and strictest
/// handling, and the name it gives.
#[derive(Debug, Clone, PartialEq)]
pub struct RecordSource {
    pub record: String,
    pub name: Option<String>,
    /// The data-subject categories this record gives.
    pub categories: Vec<DataSubjectCategory>,
    pub agencies: Vec<String>,
    pub grading: Grading,
    pub handling: Handling,
}

impl Node {
    /// Recorded as a victim or witness by any record: stricter protection, and left
    /// out of broker rankings by default.
    pub fn is_protected(&self) -> bool {
        self.categories.iter().any(|c| c.is_protected())
    }
}

/// The evidence linking two parties, `a < b`.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Link {
    pub a: u32,
    pub b: u32,
    pub evidence: Vec<Evidence>,
}

impl Link {
    pub fn kinds(&self) -> BTreeSet<LinkKind> {
        self.evidence.iter().map(|e| e.kind).collect()
    }
}

/// An event with its place and the parties involved, for timelines and routes.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct EventInfo {
    pub id: String,
    pub schema: String,
    pub place: Option<String>,
    pub country: Option<String>,
    pub latitude: Option<f64>,
    pub longitude: Option<f64>,
    pub parties: Vec<u32>,
    /// When it happened as recorded (down to the minute when given), to order two
    /// events of one day; `evidence.date` holds the day.
    pub at: Option<String>,
    /// The event's own statements, date, grading, handling and agencies, so the
    /// reader's filter applies to events as it does to links.
    pub evidence: Evidence,
}

/// Parties, the links between them with their evidence, and the events.
#[derive(Debug, Clone, Default)]
pub struct InvestigationGraph {
    pub nodes: Vec<Node>,
    pub links: Vec<Link>,
    pub events: Vec<EventInfo>,
    /// Shared things and events with more parties than `max_group`: linking each
    /// pair would swamp the graph (a call-centre number, a lorry used for years),
    /// so each party is linked only to the next few in time order, and they are
    /// listed here: (schema, id, parties).
    pub too_large: Vec<(String, String, usize)>,
    /// The members of those large things and events, in time order, with what
    /// attaches each: their chains are drawn again among the members a reader may
    /// see (see [`InvestigationGraph::retain_evidence`]).
    chains: Vec<Chain>,
    index: HashMap<String, u32>,
}

/// A shared thing or event above the size limit and its parties in time order.
#[derive(Debug, Clone)]
struct Chain {
    kind: LinkKind,
    via_schema: String,
    via: String,
    members: Vec<(u32, Basis)>,
}

impl Chain {
    /// Each member `keep` accepts alone linked to the next [`CHAIN`] such members:
    /// hidden members are passed over, not left as gaps that would break the chain.
    fn links(&self, keep: &dyn Fn(&Evidence) -> bool, into: &mut BTreeMap<(u32, u32), Vec<Evidence>>) {
        let seen: Vec<&(u32, Basis)> = self
            .members
            .iter()
            .filter(|(_, b)| {
                b.evidence(self.kind, &self.via_schema, &self.via)
                    .is_some_and(|e| keep(&e))
            })
            .collect();
        for (i, (a, ba)) in seen.iter().enumerate() {
            for (b, bb) in seen[i + 1..].iter().take(CHAIN) {
                link_through(into, (*a, ba), (*b, bb), self.kind, &self.via_schema, &self.via, keep);
            }
        }
    }
}

/// Links parties `a` and `b` through what they share (`via`), on the evidence of
/// both their attachments, if `keep` accepts it.
fn link_through(
    into: &mut BTreeMap<(u32, u32), Vec<Evidence>>,
    (a, ba): (u32, &Basis),
    (b, bb): (u32, &Basis),
    kind: LinkKind,
    via_schema: &str,
    via: &str,
    keep: &dyn Fn(&Evidence) -> bool,
) {
    let mut basis = ba.clone();
    basis.add(bb);
    if let Some(ev) = basis.evidence(kind, via_schema, via).filter(|e| keep(e)) {
        into.entry((a.min(b), a.max(b))).or_default().push(ev);
    }
}

/// What one entity contributes as evidence: its statements and their provenance.
#[derive(Debug, Clone, Default)]
struct Basis {
    entities: BTreeSet<String>,
    statements: BTreeSet<i64>,
    grading: Option<Grading>,
    handling: Vec<Handling>,
    agencies: BTreeSet<String>,
    date: Option<String>,
}

impl Basis {
    fn of(e: &EntityEvidence) -> Basis {
        let mut b = Basis::default();
        b.entities.insert(e.id.clone());
        for s in &e.statements {
            b.statements.insert(s.id);
            let g = s.grading;
            b.grading = Some(b.grading.map_or(g, |old| old.weakest(g)));
            if !b.handling.contains(&*s.handling) {
                b.handling.push((*s.handling).clone());
            }
            b.agencies.insert(s.agency.to_string());
            if matches!(&*s.prop, "date" | "startDate") {
                let day: String = s.value.chars().take(10).collect();
                if b.date.as_ref().is_none_or(|d| *d < day) {
                    b.date = Some(day);
                }
            }
        }
        b
    }

    fn add(&mut self, other: &Basis) {
        self.entities.extend(other.entities.iter().cloned());
        self.statements.extend(other.statements.iter().copied());
        if let Some(g) = other.grading {
            self.grading = Some(self.grading.map_or(g, |old| old.weakest(g)));
        }
        for h in &other.handling {
            if !self.handling.contains(h) {
                self.handling.push(h.clone());
            }
        }
        self.agencies.extend(other.agencies.iter().cloned());
        if let Some(d) = &other.date
            && self.date.as_ref().is_none_or(|old| old < d)
        {
            self.date = Some(d.clone());
        }
    }

    fn evidence(&self, kind: LinkKind, via_schema: &str, via: &str) -> Option<Evidence> {
        Some(Evidence {
            kind,
            via_schema: via_schema.to_string(),
            via: via.to_string(),
            entities: self.entities.iter().cloned().collect(),
            statements: self.statements.iter().copied().collect(),
            grading: self.grading?,
            handling: Handling::strictest(&self.handling)?,
            agencies: self.agencies.iter().cloned().collect(),
            date: self.date.clone(),
        })
    }
}

/// Whether entities of this schema are parties (nodes of the graph).
pub fn is_party(schema_name: &str) -> bool {
    matches!(schema_name, "Person" | "Organization")
}

/// Whether a thing named in an event's property `prop` is the thing of the party
/// involved in role `role`, among `involved` parties: a payment's accounts belong
/// to the payer or the beneficiary; a document to the one person it was shown by
/// (unknown when several were involved); a vehicle or boat to everyone on it.
pub fn event_thing_is_theirs(prop: &str, role: &str, involved: usize) -> bool {
    match prop {
        "payerAccount" => role == "payer",
        "beneficiaryAccount" => role == "beneficiary",
        "document" => involved == 1,
        _ => true,
    }
}

/// Whether an event of this schema links the parties attending it (a payment links
/// payer and beneficiary as a payment, not as a co-occurrence).
pub fn event_links_attendees(schema_name: &str) -> bool {
    schema_name != "Payment"
}

/// In a group above the size limit, each party is linked to this many next in time.
const CHAIN: usize = 3;

/// Parties attached to one shared thing or event, each with what attaches it.
type Attached = BTreeMap<u32, Basis>;

impl InvestigationGraph {
    /// The graph of `entities` (every schema; statements with provenance) under the
    /// identity mapping `identity_of` (record entity id → identity id; entities it
    /// does not name are their own identity). Things and events with more than
    /// `max_group` parties link them as a chain in time order (see
    /// [`InvestigationGraph::too_large`]).
    pub fn build(
        entities: &[EntityEvidence],
        identity_of: &HashMap<String, String>,
        max_group: usize,
    ) -> InvestigationGraph {
        let identity = |id: &str| identity_of.get(id).cloned().unwrap_or_else(|| id.to_string());
        let by_id: HashMap<&str, &EntityEvidence> = entities.iter().map(|e| (e.id.as_str(), e)).collect();
        let mut g = InvestigationGraph::default();

        // Parties first, in a stable order: by identity, then record.
        let mut parties: BTreeMap<String, Vec<&EntityEvidence>> = BTreeMap::new();
        for e in entities.iter().filter(|e| is_party(&e.schema)) {
            parties.entry(identity(&e.id)).or_default().push(e);
        }
        for (id, mut records) in parties {
            records.sort_by(|a, b| a.id.cmp(&b.id));
            let v = g.nodes.len() as u32;
            let mut categories: Vec<DataSubjectCategory> = records
                .iter()
                .flat_map(|r| r.values("category"))
                .filter_map(|c| c.parse().ok())
                .collect();
            categories.sort();
            categories.dedup();
            let name_of = |r: &EntityEvidence| {
                r.values("name").first().map(|s| s.to_string()).or_else(|| {
                    let parts: Vec<&str> = ["firstName", "lastName"].iter().flat_map(|p| r.values(p)).collect();
                    (!parts.is_empty()).then(|| parts.join(" "))
                })
            };
            let name = records.iter().find_map(|r| name_of(r)).unwrap_or_default();
            let sources: Vec<RecordSource> = records
                .iter()
                .filter_map(|r| {
                    let b = Basis::of(r);
                    Some(RecordSource {
                        record: r.id.clone(),
                        name: name_of(r),
                        categories: r.values("category").iter().filter_map(|c| c.parse().ok()).collect(),
                        agencies: b.agencies.iter().cloned().collect(),
                        grading: b.grading?,
                        handling: Handling::strictest(&b.handling)?,
                    })
                })
                .collect();
            let agencies: BTreeSet<String> = records
                .iter()
                .flat_map(|r| r.statements.iter().map(|s| s.agency.to_string()))
                .collect();
            for r in &records {
                g.index.insert(r.id.clone(), v);
            }
            g.index.insert(id.clone(), v);
            g.nodes.push(Node {
                id,
                schema: records[0].schema.to_string(),
                name,
                categories,
                records: records.iter().map(|r| r.id.clone()).collect(),
                agencies: agencies.into_iter().collect(),
                sources,
            });
        }
        let party_of = |id: &str, g: &InvestigationGraph| g.index.get(id).copied();

        // Direct links, things shared and events attended.
        let mut direct: Vec<(u32, u32, Evidence)> = Vec::new();
        let mut things: BTreeMap<String, (String, Attached)> = BTreeMap::new();
        let mut events: BTreeMap<String, (String, Attached)> = BTreeMap::new();
        let attach =
            |map: &mut BTreeMap<String, (String, Attached)>, key: String, schema: &str, party: u32, basis: &Basis| {
                let entry = map.entry(key).or_insert_with(|| (schema.to_string(), Attached::new()));
                entry.1.entry(party).or_default().add(basis);
            };
        for e in entities {
            let Some(s) = schema(&e.schema) else { continue };
            match s.kind {
                SchemaKind::Relation => {
                    let Some((from, to)) = s.edge else { continue };
                    let basis = Basis::of(e);
                    for a in e.values(from) {
                        for b in e.values(to) {
                            let (Some(ea), Some(eb)) = (by_id.get(a), by_id.get(b)) else {
                                continue;
                            };
                            match (party_of(a, &g), party_of(b, &g)) {
                                (Some(pa), Some(pb)) if pa != pb => {
                                    let kind = if e.schema == "Paid" {
                                        LinkKind::Payment
                                    } else {
                                        LinkKind::Relation
                                    };
                                    if let Some(ev) = basis.evidence(kind, &e.schema, &e.id) {
                                        direct.push((pa.min(pb), pa.max(pb), ev));
                                    }
                                }
                                (Some(p), None) | (None, Some(p)) => {
                                    let other = if party_of(a, &g).is_some() { eb } else { ea };
                                    match schema(&other.schema).map(|o| o.kind) {
                                        Some(SchemaKind::Thing) => {
                                            attach(&mut things, identity(&other.id), &other.schema, p, &basis)
                                        }
                                        Some(SchemaKind::Event) => {
                                            attach(&mut events, other.id.clone(), &other.schema, p, &basis)
                                        }
                                        _ => {}
                                    }
                                }
                                _ => {}
                            }
                        }
                    }
                }
                SchemaKind::Event => {
                    let basis = Basis::of(e);
                    let mut involved = Vec::new();
                    let mut used = Vec::new();
                    for prop in s.properties {
                        if !matches!(prop.ty, PropType::Entity(_)) {
                            continue;
                        }
                        for target in e.values(prop.name) {
                            if let Some(p) = party_of(target, &g) {
                                involved.push((prop.name, p));
                            } else if let Some(t) = by_id.get(target) {
                                used.push((prop.name, identity(&t.id), t.schema.to_string()));
                            }
                        }
                    }
                    for &(role, p) in &involved {
                        attach(&mut events, e.id.clone(), &e.schema, p, &basis);
                        for (prop, thing, thing_schema) in &used {
                            if event_thing_is_theirs(prop, role, involved.len()) {
                                attach(&mut things, thing.clone(), thing_schema, p, &basis);
                            }
                        }
                    }
                    if e.schema == "Payment" {
                        for &(pp, payer) in &involved {
                            for &(pb, other) in &involved {
                                if pp == "payer"
                                    && pb != "payer"
                                    && payer != other
                                    && let Some(ev) = basis.evidence(LinkKind::Payment, &e.schema, &e.id)
                                {
                                    direct.push((payer.min(other), payer.max(other), ev));
                                }
                            }
                        }
                    }
                    let first = |p: &str| e.values(p).first().map(|v| v.to_string());
                    let mut parties: Vec<u32> = involved.iter().map(|&(_, p)| p).collect();
                    parties.sort_unstable();
                    parties.dedup();
                    if let Some(evidence) = basis.evidence(LinkKind::Event, &e.schema, &e.id) {
                        g.events.push(EventInfo {
                            id: e.id.clone(),
                            schema: e.schema.to_string(),
                            place: first("place"),
                            country: first("country"),
                            latitude: first("latitude").and_then(|v| v.parse().ok()),
                            longitude: first("longitude").and_then(|v| v.parse().ok()),
                            parties,
                            at: e.values("date").first().map(|d| d.chars().take(16).collect()),
                            evidence,
                        });
                    }
                }
                SchemaKind::Thing => {
                    // A biometric reference names its subject itself.
                    if e.schema == "BiometricReference" {
                        let basis = Basis::of(e);
                        for subject in e.values("subject") {
                            if let Some(p) = party_of(subject, &g) {
                                attach(&mut things, identity(&e.id), &e.schema, p, &basis);
                            }
                        }
                    }
                }
            }
        }
        // A payment is also an event the payer and beneficiary attend; its link is
        // the payment itself, not a second co-occurrence.
        events.retain(|_, (s, _)| event_links_attendees(s));

        let mut pairs: BTreeMap<(u32, u32), Vec<Evidence>> = BTreeMap::new();
        for (a, b, ev) in direct {
            pairs.entry((a, b)).or_default().push(ev);
        }
        for (kind, map) in [(LinkKind::Selector, &things), (LinkKind::Event, &events)] {
            for (via, (via_schema, attached)) in map {
                if attached.len() < 2 {
                    continue;
                }
                let mut members: Vec<(&u32, &Basis)> = attached.iter().collect();
                // Everyone with everyone, or for a large group (a lorry that carried
                // hundreds over the years) each with the next few in time order: the
                // group stays one connected chain in linear, not quadratic, links.
                if members.len() > max_group {
                    g.too_large.push((via_schema.clone(), via.clone(), members.len()));
                    members.sort_by(|a, b| a.1.date.cmp(&b.1.date).then(a.0.cmp(b.0)));
                    let chain = Chain {
                        kind,
                        via_schema: via_schema.clone(),
                        via: via.clone(),
                        members: members.iter().map(|(p, b)| (**p, (*b).clone())).collect(),
                    };
                    chain.links(&|_| true, &mut pairs);
                    g.chains.push(chain);
                    continue;
                }
                for (i, (a, ba)) in members.iter().enumerate() {
                    for (b, bb) in &members[i + 1..] {
                        link_through(&mut pairs, (**a, ba), (**b, bb), kind, via_schema, via, &|_| true);
                    }
                }
            }
        }
        g.links = pairs
            .into_iter()
            .map(|((a, b), evidence)| Link { a, b, evidence })
            .collect();
        g
    }

    /// The party an identity id or a record entity id names.
    pub fn node(&self, id: &str) -> Option<u32> {
        self.index.get(id).copied()
    }

    /// The same parties with only the evidence `keep` accepts; links left without
    /// evidence are dropped, and so are events nobody may see.
    pub fn retain_evidence(&self, keep: impl Fn(&Evidence) -> bool) -> InvestigationGraph {
        // A large group's chain links are drawn again among the members the reader
        // may see: filtering the links drawn among all of them would break the chain
        // wherever a few hidden members follow one another.
        let chained: BTreeSet<(LinkKind, &str)> = self.chains.iter().map(|c| (c.kind, c.via.as_str())).collect();
        let mut pairs: BTreeMap<(u32, u32), Vec<Evidence>> = BTreeMap::new();
        for l in &self.links {
            let evidence: Vec<Evidence> = l
                .evidence
                .iter()
                .filter(|e| !chained.contains(&(e.kind, e.via.as_str())) && keep(e))
                .cloned()
                .collect();
            if !evidence.is_empty() {
                pairs.insert((l.a, l.b), evidence);
            }
        }
        for chain in &self.chains {
            chain.links(&keep, &mut pairs);
        }
        let links = pairs
            .into_iter()
            .map(|((a, b), evidence)| Link { a, b, evidence })
            .collect();
        InvestigationGraph {
            nodes: self.nodes.clone(),
            links,
            events: self.events.iter().filter(|e| keep(&e.evidence)).cloned().collect(),
            too_large: self.too_large.clone(),
            chains: self.chains.clone(),
            index: self.index.clone(),
        }
    }

    /// The graph as a reader with filter `f` may see it: only the evidence it
    /// accepts (see [`InvestigationGraph::retain_evidence`]), and of each party only
    /// the records whose agencies, grading and handling it accepts; a party none of
    /// whose records it may see keeps its place (its links may be visible) but loses
    /// its name, records and agencies. Its categories stay: they decide protection.
    pub fn filtered(&self, f: &crate::Filter) -> InvestigationGraph {
        let mut g = self.retain_evidence(|e| f.accepts(e));
        // A large shared thing is listed only if the reader still sees a link
        // through it.
        let seen: BTreeSet<&str> = g
            .links
            .iter()
            .flat_map(|l| l.evidence.iter().map(|e| e.via.as_str()))
            .collect();
        let too_large: Vec<(String, String, usize)> = g
            .too_large
            .iter()
            .filter(|(_, id, _)| seen.contains(id.as_str()))
            .cloned()
            .collect();
        g.too_large = too_large;
        for (v, node) in g.nodes.iter_mut().enumerate() {
            node.sources.retain(|s| f.accepts_source(s));
            node.records = node.sources.iter().map(|s| s.record.clone()).collect();
            let agencies: BTreeSet<String> = node.sources.iter().flat_map(|s| s.agencies.iter().cloned()).collect();
            node.agencies = agencies.into_iter().collect();
            node.name = node
                .sources
                .iter()
                .find_map(|s| s.name.clone())
                .unwrap_or_else(|| format!("restricted #{v}"));
        }
        if let Some(datasets) = &f.datasets {
            // Inside a case, a party none of whose records the case holds is not
            // there at all: not as a restricted node, not in counts, not by id.
            g = g.without_unseen_parties(datasets);
        }
        g
    }

    /// The graph without the parties that have no visible record, indices
    /// renumbered; links, events and chains follow; the index keeps only the ids
    /// of parties and of their visible records.
    fn without_unseen_parties(self, datasets: &BTreeSet<String>) -> InvestigationGraph {
        let mut new_index: Vec<Option<u32>> = Vec::with_capacity(self.nodes.len());
        let mut nodes = Vec::new();
        for mut node in self.nodes {
            if node.sources.is_empty() {
                new_index.push(None);
            } else {
                // An identity is named by one of its records, perhaps another
                // case's or one the reader may not see: inside this case it goes
                // by a record the reader sees.
                if !node.records.contains(&node.id)
                    && let Some(first) = node.records.first()
                {
                    node.id = first.clone();
                }
                // What the case's records say the party is, and nothing more.
                let mut categories: Vec<DataSubjectCategory> =
                    node.sources.iter().flat_map(|s| s.categories.iter().copied()).collect();
                categories.sort();
                categories.dedup();
                node.categories = categories;
                if node.name.starts_with("restricted #") {
                    // Its number was the whole graph's: nothing to show here.
                    node.name = "restricted party".into();
                }
                new_index.push(Some(nodes.len() as u32));
                nodes.push(node);
            }
        }
        let map = |v: u32| new_index.get(v as usize).copied().flatten();
        // A shared thing is named by one of its records, perhaps another case's:
        // inside the case it gets a name that says nothing but its schema.
        let mut hidden_things: BTreeMap<String, String> = BTreeMap::new();
        let mut rename = |via_schema: &str, via: &str| -> String {
            if datasets.contains(crate::filter::dataset_of(via)) {
                return via.to_string();
            }
            let n = hidden_things.len() + 1;
            hidden_things
                .entry(via.to_string())
                .or_insert_with(|| format!("{}#shared-{n}", via_schema.to_ascii_lowercase()))
                .clone()
        };
        let links: Vec<Link> = self
            .links
            .into_iter()
            .filter_map(|l| {
                Some(Link {
                    a: map(l.a)?,
                    b: map(l.b)?,
                    evidence: l.evidence,
                })
            })
            .map(|mut l| {
                for e in &mut l.evidence {
                    if e.kind == LinkKind::Selector {
                        e.via = rename(&e.via_schema, &e.via);
                    }
                }
                l
            })
            .collect();
        let events = self
            .events
            .into_iter()
            .map(|mut e| {
                e.parties = e.parties.iter().filter_map(|&p| map(p)).collect();
                e
            })
            .collect();
        let chains: Vec<Chain> = self
            .chains
            .into_iter()
            .map(|mut c| {
                c.members = c.members.into_iter().filter_map(|(p, b)| Some((map(p)?, b))).collect();
                c
            })
            .collect();
        // A large group is listed with the parties the case holds, under its name
        // in the case.
        let too_large = self
            .too_large
            .into_iter()
            .filter_map(|(schema, id, _)| {
                let members = chains.iter().find(|c| c.via == id)?.members.len();
                let shown = if chains.iter().any(|c| c.via == id && c.kind == LinkKind::Selector) {
                    rename(&schema, &id)
                } else {
                    id
                };
                (members > 0).then_some((schema, shown, members))
            })
            .collect();
        let mut index = HashMap::new();
        for (v, node) in nodes.iter().enumerate() {
            index.insert(node.id.clone(), v as u32);
            for r in &node.records {
                index.insert(r.clone(), v as u32);
            }
        }
        InvestigationGraph {
            nodes,
            links,
            events,
            too_large,
            chains,
            index,
        }
    }

    /// The party graph for the algorithms: one edge per link, weighted by its
    /// number of pieces of evidence.
    pub fn graph(&self) -> corridor_graph::Graph {
        let edges: Vec<(u32, u32, f64)> = self.links.iter().map(|l| (l.a, l.b, l.evidence.len() as f64)).collect();
        corridor_graph::Graph::from_edges(self.nodes.len(), &edges)
    }

    /// The link between two parties, if any.
    pub fn link(&self, a: u32, b: u32) -> Option<&Link> {
        let key = (a.min(b), a.max(b));
        self.links
            .binary_search_by(|l| (l.a, l.b).cmp(&key))
            .ok()
            .map(|i| &self.links[i])
    }
}
