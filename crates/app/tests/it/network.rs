//! The investigation graph read by following the evidence is the graph of the
//! whole store without its isolated parties.

use std::collections::{BTreeMap, BTreeSet, HashMap};

use corridor_app::Session;
use corridor_app::ingest::{IngestRequest, ingest_file};
use corridor_app::network::{NetworkQuery, open};
use corridor_app::resolution::{RunSettings, run};
use corridor_ingest::{Limits, NoProgress};
use corridor_model::SCHEMATA;
use corridor_network::InvestigationGraph;
use corridor_store::{SqliteStore, Store};

/// Every party's id with its links (other party id, evidence via), and every
/// event with its parties.
type Shape = (
    BTreeMap<String, BTreeSet<(String, String)>>,
    BTreeSet<(String, Vec<String>)>,
);

fn shape(g: &InvestigationGraph) -> Shape {
    let mut parties: BTreeMap<String, BTreeSet<(String, String)>> = BTreeMap::new();
    for l in &g.links {
        let (a, b) = (&g.nodes[l.a as usize].id, &g.nodes[l.b as usize].id);
        for ev in &l.evidence {
            parties
                .entry(a.clone())
                .or_default()
                .insert((b.clone(), ev.via.clone()));
            parties
                .entry(b.clone())
                .or_default()
                .insert((a.clone(), ev.via.clone()));
        }
    }
    let events = g
        .events
        .iter()
        .map(|e| {
            let mut who: Vec<String> = e.parties.iter().map(|&p| g.nodes[p as usize].id.clone()).collect();
            who.sort();
            for p in &who {
                parties.entry(p.clone()).or_default();
            }
            (e.id.clone(), who)
        })
        .collect();
    (parties, events)
}

#[test]
fn the_graph_of_the_evidence_is_the_whole_stores_graph_without_isolated_parties() {
    let dir = tempfile::tempdir().expect("tmp");
    let report = corridor_synth::generate(
        &corridor_synth::SynthConfig {
            seed: 7,
            size: corridor_synth::Size::Demo,
            latin_only: false,
        },
        &dir.path().join("data"),
    )
    .expect("synth");
    let (mut store, _) = SqliteStore::create(&dir.path().join("s.db"), "tester").expect("store");
    let session = Session::new("tester", "test").expect("session");
    for f in &report.files {
        let text = std::fs::read_to_string(dir.path().join("data").join(&f.mapping)).expect("mapping");
        ingest_file(
            &mut store,
            &session,
            &IngestRequest {
                mapping_name: "m.toml",
                mapping_text: &text,
                file: &dir.path().join("data").join(&f.data),
                rejects: Some(dir.path().join("rejects.jsonl")),
                limits: Limits::default(),
            },
            &NoProgress,
        )
        .expect("ingest");
    }
    // Four people with a phone each, two of them the same phone: two are isolated.
    let mapping = r#"
[dataset]
name = "extra"
format = "csv"
record_id = "id"
[source]
agency = "extra"
country = "SRB"
[defaults]
grading = "B2"
handling = "H1"
[entities.person]
schema = "Person"
properties.name = { column = "name" }
properties.birthDate = { column = "born" }
properties.category = { literal = "suspect" }
[entities.phone]
schema = "Phone"
properties.number = { column = "phone" }
[entities.uses]
schema = "Uses"
properties.user = { entity = "person" }
properties.object = { entity = "phone" }
"#;
    let csv = dir.path().join("extra.csv");
    std::fs::write(
        &csv,
        "id,name,born,phone\nx1,Zoran Isolatedić,1971-03-04,+381601110001\nx2,Goran Alonović,1972-05-06,+381601110002\n\
         x3,Dragan Sharović,1973-07-08,+381601110003\nx4,Milan Sharović,1974-09-10,+381601110003\n",
    )
    .expect("csv");
    ingest_file(
        &mut store,
        &session,
        &IngestRequest {
            mapping_name: "extra.toml",
            mapping_text: mapping,
            file: &csv,
            rejects: Some(dir.path().join("extra.rejects.jsonl")),
            limits: Limits::default(),
        },
        &NoProgress,
    )
    .expect("ingest extra");
    run(&mut store, &session, &RunSettings::DEFAULT, None, false).expect("resolve");

    let query = NetworkQuery::default();
    let lean = open(&mut store, &session, &query).expect("graph");
    let schemata: Vec<&str> = SCHEMATA.iter().map(|s| s.name).collect();
    let all = store.entity_evidence(&schemata, "tester", "test").expect("evidence");
    let identity_of: HashMap<String, String> = store.identity_links().expect("links").into_iter().collect();
    let full =
        InvestigationGraph::build(&all, &identity_of, query.max_group).filtered(&query.filter().expect("filter"));

    let (lean_parties, lean_events) = shape(&lean.graph);
    let (full_parties, full_events) = shape(&full);
    assert!(lean_parties.len() > 100, "{} parties", lean_parties.len());
    assert_eq!(
        full.nodes.len(),
        lean.graph.nodes.len() + 2,
        "the two isolated parties are left out"
    );
    assert!(lean.graph.node("extra:x1:person").is_none() && lean.graph.node("extra:x2:person").is_none());
    assert!(full.node("extra:x1:person").is_some());
    let (a, b) = (lean.graph.node("extra:x3:person"), lean.graph.node("extra:x4:person"));
    assert!(
        a.zip(b)
            .is_some_and(|(a, b)| lean.graph.link(a.min(b), a.max(b)).is_some())
    );
    assert_eq!(lean.graph.nodes.len(), lean_parties.len(), "every party read is linked");
    assert_eq!(lean_parties, full_parties);
    assert_eq!(lean_events, full_events);
    assert_eq!(lean.graph.links.len(), full.links.len());
    // A node keeps the graph while the data stays the same, and filters it for
    // each reader: the same as opening it afresh with that reader's filter.
    let mut cache = corridor_app::network::GraphCache::default();
    let strict = NetworkQuery {
        handling: vec!["H0".into(), "H1".into()],
        ..NetworkQuery::default()
    };
    let logged = |store: &SqliteStore| store.audit_page(0, 100_000).expect("log").len();
    let before = logged(&store);
    let first = cache.open(&mut store, &session, &query).expect("cached");
    let narrow = cache.open(&mut store, &session, &strict).expect("cached");
    assert_eq!(cache.builds(), 1, "one build for both readers");
    assert_eq!(logged(&store), before + 2, "each request is a logged read");
    assert_eq!(shape(&first.graph), shape(&lean.graph));
    let afresh = open(&mut store, &session, &strict).expect("graph");
    assert_eq!(shape(&narrow.graph), shape(&afresh.graph));
    assert!(narrow.graph.links.len() <= first.graph.links.len());
    // New data, a new graph.
    let more = dir.path().join("more.csv");
    std::fs::write(
        &more,
        "id,name,born,phone\nx5,Petar Sharović,1975-01-02,+381601110003\n",
    )
    .expect("csv");
    ingest_file(
        &mut store,
        &session,
        &IngestRequest {
            mapping_name: "extra.toml",
            mapping_text: mapping,
            file: &more,
            rejects: Some(dir.path().join("more.rejects.jsonl")),
            limits: Limits::default(),
        },
        &NoProgress,
    )
    .expect("ingest more");
    let after = cache.open(&mut store, &session, &query).expect("rebuilt");
    assert_eq!(cache.builds(), 2, "a committed batch makes a new graph");
    // (Its phone is its own until the next run resolves things: x5 is not linked.)
    assert!(after.graph.node("extra:x5:person").is_none());
    let named_new = NetworkQuery {
        parties: vec!["extra:x5:person".into()],
        ..NetworkQuery::default()
    };
    assert!(
        cache
            .open(&mut store, &session, &named_new)
            .expect("named")
            .graph
            .node("extra:x5:person")
            .is_some()
    );
    assert_eq!(cache.builds(), 3, "a party the kept graph lacks is read afresh");

    // A party asked about by name is in the graph, unlinked.
    let named = NetworkQuery {
        parties: vec!["extra:x1:person".into()],
        ..NetworkQuery::default()
    };
    let with = open(&mut store, &session, &named).expect("graph");
    let x1 = with.graph.node("extra:x1:person").expect("named party");
    assert!(with.graph.links.iter().all(|l| l.a != x1 && l.b != x1));
    assert_eq!(with.graph.nodes.len(), lean.graph.nodes.len() + 1);
    // The same records make up each party.
    for n in &lean.graph.nodes {
        let v = full.node(&n.id).expect("in the full graph");
        assert_eq!(n.records, full.nodes[v as usize].records, "{}", n.id);
        assert_eq!(n.name, full.nodes[v as usize].name);
    }
    // The read is logged once, with the purpose.
    let log = store.audit_page(0, 10_000).expect("log");
    let reads: Vec<_> = log
        .iter()
        .filter(|e| e.entry.target.contains("in the investigation graph"))
        .collect();
    assert_eq!(reads.len(), 7, "one read per graph opened, from the cache or not");
    assert_eq!(reads[0].entry.purpose, "test");
}

/// Matching at ingest through the matching index gives the identities that
/// matching against every record gives.
#[test]
fn matching_through_the_index_equals_matching_against_everything() {
    let dir = tempfile::tempdir().expect("tmp");
    let data = dir.path().join("data");
    let report = corridor_synth::generate(
        &corridor_synth::SynthConfig {
            seed: 11,
            size: corridor_synth::Size::Demo,
            latin_only: false,
        },
        &data,
    )
    .expect("synth");
    let session = Session::new("tester", "test").expect("session");
    let ingest = |store: &mut SqliteStore, f: &corridor_synth::SynthFile| {
        let text = std::fs::read_to_string(data.join(&f.mapping)).expect("mapping");
        ingest_file(
            store,
            &session,
            &IngestRequest {
                mapping_name: "m.toml",
                mapping_text: &text,
                file: &data.join(&f.data),
                rejects: Some(dir.path().join("rejects.jsonl")),
                limits: Limits::default(),
            },
            &NoProgress,
        )
        .expect("ingest")
    };
    let path = dir.path().join("s.db");
    let (mut store, _) = SqliteStore::create(&path, "tester").expect("store");
    let (last, first) = report.files.split_last().expect("files");
    for f in first {
        ingest(&mut store, f);
    }
    run(&mut store, &session, &RunSettings::DEFAULT, None, false).expect("resolve");
    let run_id = store.latest_resolution().expect("run").expect("run").id;
    let format = corridor_resolve::match_format(&corridor_resolve::default_rules());
    assert_eq!(store.match_index_run(&format).expect("index"), Some(run_id));
    drop(store);
    let copy = dir.path().join("copy.db");
    std::fs::copy(&path, &copy).expect("copy");

    // Through the index.
    let mut store = SqliteStore::open(&path).expect("open");
    let indexed = ingest(&mut store, last);
    let through_index: BTreeSet<(String, String)> = store.identity_links().expect("links").into_iter().collect();
    // Against everything: the copy's index made stale.
    let mut other = SqliteStore::open(&copy).expect("open");
    other
        .replace_match_index(0, &format, &mut std::iter::empty(), &mut std::iter::empty())
        .expect("stale index");
    let everything = ingest(&mut other, last);
    let against_all: BTreeSet<(String, String)> = other.identity_links().expect("links").into_iter().collect();

    let counts = |o: &corridor_app::ingest::IngestOutcome| match &o.resolution {
        Some(corridor_app::resolution::IngestMatch::Matched {
            new_records, joined, ..
        }) => (*new_records, *joined),
        other => panic!("not matched: {other:?}"),
    };
    let (new, joined) = counts(&indexed);
    assert!(new > 20 && joined > 0, "{new} new, {joined} joined");
    assert_eq!(counts(&indexed), counts(&everything));
    assert_eq!(through_index, against_all);
    // The index grew by the new records.
    assert_eq!(store.match_index_run(&format).expect("index"), Some(run_id));
    let reads = store.audit_page(0, 100_000).expect("log");
    assert!(
        reads
            .iter()
            .any(|e| e.entry.target.starts_with("values of ") && e.entry.purpose == "test")
    );
}
