//! The investigation graph on a small hand-built case: two records of one
//! smuggler resolved together, a shared phone, a boat used twice, an interception,
//! a stated association and a payment, with victims among the people involved.

use std::collections::{BTreeSet, HashMap};

use corridor_model::{Assessment, Entity, EntityEvidence, Handling, HandlingCode, Provenance, SourceRef, Statement};
use corridor_network::{Filter, InvestigationGraph, LinkKind, NetworkOptions, networks, path};

struct Maker {
    next: i64,
    entities: Vec<Entity>,
}

impl Maker {
    /// The entities as the investigation graph reads them.
    fn evidence(&self) -> Vec<EntityEvidence> {
        self.entities.iter().map(EntityEvidence::of).collect()
    }

    fn add(
        &mut self,
        id: &str,
        schema: &str,
        agency: &str,
        grading: &str,
        handling: HandlingCode,
        props: &[(&str, &str)],
    ) {
        let restriction = (handling == HandlingCode::H3).then(|| "ask first".to_string());
        let provenance = Provenance {
            source: SourceRef {
                agency: agency.into(),
                country: "SRB".into(),
                unit: String::new(),
                informant_code: String::new(),
                current_reliability: None,
            },
            dataset: id.split(':').next().unwrap_or("ds").into(),
            record_id: id.into(),
            batch: 1,
            received_at: "2026-01-01T00:00:00Z".into(),
            grading: grading.parse().expect("grading"),
            handling: Handling::new(handling, restriction, None).expect("handling"),
            assessment: Assessment::Fact,
        };
        let statements = props
            .iter()
            .map(|(p, v)| {
                self.next += 1;
                Statement {
                    id: self.next,
                    entity: id.into(),
                    schema: schema.into(),
                    prop: p.to_string(),
                    value: v.to_string(),
                    raw: None,
                    current: true,
                    provenance: provenance.clone(),
                }
            })
            .collect();
        self.entities.push(Entity {
            id: id.into(),
            schema: schema.into(),
            statements,
        });
    }
}

const H1: HandlingCode = HandlingCode::H1;

/// The case, and the identity mapping resolution would give it.
fn case() -> (Vec<EntityEvidence>, HashMap<String, String>) {
    let mut m = Maker {
        next: 0,
        entities: Vec::new(),
    };
    for (id, name, category) in [
        ("rs:1:person", "Marko Petrović", "suspect"),
        ("mk:9:person", "Marko Petrovic", "suspect"),
        ("rs:2:person", "Ilir Hoxha", "suspect"),
        ("gr:3:person", "Dimitris Kostas", "suspect"),
        ("rs:4:person", "Amina Rahimi", "victim"),
        ("rs:5:person", "Farid Nazari", "victim"),
    ] {
        m.add(
            id,
            "Person",
            id.split(':').next().unwrap_or("rs"),
            "B2",
            H1,
            &[("name", name), ("category", category)],
        );
    }
    // One phone number in two records: one phone after resolution.
    m.add("rs:1:phone", "Phone", "rs", "B2", H1, &[("number", "+381641234567")]);
    m.add("rs:2:phone", "Phone", "rs", "A1", H1, &[("number", "+381641234567")]);
    m.add(
        "rs:1:uses",
        "Uses",
        "rs",
        "B2",
        H1,
        &[
            ("user", "rs:1:person"),
            ("object", "rs:1:phone"),
            ("startDate", "2026-03-01"),
        ],
    );
    m.add(
        "rs:2:uses",
        "Uses",
        "rs",
        "A1",
        H1,
        &[
            ("user", "rs:2:person"),
            ("object", "rs:2:phone"),
            ("startDate", "2026-03-05"),
        ],
    );
    // The boat, seen twice.
    m.add(
        "rs:7:vessel",
        "Vessel",
        "rs",
        "B2",
        H1,
        &[("name", "Sirena"), ("registrationNumber", "BG-1234")],
    );
    m.add(
        "gr:8:vessel",
        "Vessel",
        "gr",
        "B2",
        H1,
        &[("name", "Sirena"), ("registrationNumber", "BG-1234")],
    );
    m.add(
        "rs:7:interception",
        "Interception",
        "rs",
        "B2",
        H1,
        &[
            ("date", "2026-04-10"),
            ("place", "Horgoš"),
            ("latitude", "46.1522"),
            ("longitude", "19.9700"),
            ("involved", "rs:2:person"),
            ("involved", "rs:4:person"),
            ("involved", "rs:5:person"),
            ("vessel", "rs:7:vessel"),
        ],
    );
    m.add(
        "gr:8:interception",
        "Interception",
        "gr",
        "B1",
        H1,
        &[
            ("date", "2026-05-20"),
            ("place", "Evros"),
            ("involved", "gr:3:person"),
            ("vessel", "gr:8:vessel"),
        ],
    );
    m.add(
        "rs:11:sighting",
        "Sighting",
        "rs",
        "B2",
        H1,
        &[
            ("date", "2026-04-12"),
            ("latitude", "45.2671"),
            ("longitude", "19.8335"),
            ("involved", "rs:2:person"),
        ],
    );
    // A weak, restricted report that two of them are associates.
    m.add(
        "gr:9:associate",
        "Associate",
        "gr",
        "C3",
        HandlingCode::H2,
        &[
            ("person", "gr:3:person"),
            ("associate", "mk:9:person"),
            ("startDate", "2025-11-01"),
        ],
    );
    m.add(
        "mk:10:payment",
        "Payment",
        "mk",
        "B2",
        H1,
        &[
            ("date", "2026-04-01"),
            ("payer", "rs:4:person"),
            ("beneficiary", "mk:9:person"),
            ("amount", "2500"),
        ],
    );
    let identity_of: HashMap<String, String> = [
        ("rs:1:person", "P-marko"),
        ("mk:9:person", "P-marko"),
        ("rs:1:phone", "T-phone"),
        ("rs:2:phone", "T-phone"),
        ("rs:7:vessel", "T-boat"),
        ("gr:8:vessel", "T-boat"),
    ]
    .into_iter()
    .map(|(a, b)| (a.to_string(), b.to_string()))
    .collect();
    (m.evidence(), identity_of)
}

fn built() -> InvestigationGraph {
    let (entities, identity_of) = case();
    InvestigationGraph::build(&entities, &identity_of, 100)
}

fn node(g: &InvestigationGraph, id: &str) -> u32 {
    g.node(id).unwrap_or_else(|| panic!("no party {id}"))
}

mod build;
mod exports;
mod filters;
mod paths_and_networks;
mod routes;
