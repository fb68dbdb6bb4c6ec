use corridor_network::export::{self, ExportOptions};
use serde_json::Value;

use super::*;

fn found(g: &InvestigationGraph) -> corridor_network::Networks {
    networks(
        g,
        &NetworkOptions {
            min_size: 1,
            ..NetworkOptions::default()
        },
    )
}

#[test]
fn graphml_and_gexf_carry_every_party_and_link_with_handling_and_hide_victims_names() {
    let g = built();
    let f = found(&g);
    let mut out = Vec::new();
    export::graphml(&g, &f, &ExportOptions::default(), &mut out).expect("write");
    let text = String::from_utf8(out).expect("utf8");
    assert_eq!(text.matches("<node id=").count(), g.nodes.len());
    assert_eq!(text.matches("<edge id=").count(), g.links.len());
    // The whole file is under the strictest code in it (the H2 association).
    assert!(text.contains(r#"<data key="g_handling">H2</data>"#));
    // Victims appear by category, not by name; others by name (escaped).
    assert!(!text.contains("Amina Rahimi"));
    assert!(text.contains("victim #"));
    assert!(text.contains("Dimitris Kostas"));
    let mut out = Vec::new();
    let named = ExportOptions {
        include_protected_names: true,
        ..ExportOptions::default()
    };
    export::gexf(&g, &f, &named, &mut out).expect("write");
    let gexf = String::from_utf8(out).expect("utf8");
    assert!(gexf.contains(r#"label="Amina Rahimi""#));
    assert_eq!(gexf.matches("<edge id=").count(), g.links.len());
    // One network only: its members and the links among them.
    let marko = node(&g, "P-marko");
    let only = ExportOptions {
        parties: Some(BTreeSet::from([marko, node(&g, "rs:2:person")])),
        ..ExportOptions::default()
    };
    let cy = export::cytoscape(&g, &f, &only);
    assert_eq!(cy["elements"]["nodes"].as_array().map(Vec::len), Some(2));
    assert_eq!(cy["elements"]["edges"].as_array().map(Vec::len), Some(1));
    assert_eq!(cy["elements"]["edges"][0]["data"]["kinds"], "selector");
    assert_eq!(cy["data"]["handling"], "H1");
    assert_eq!(cy["data"]["handling_full"], "H1");
}

/// The rules of RFC 7946 a GeoJSON reader relies on.
fn assert_rfc7946(v: &Value) {
    assert_eq!(v["type"], "FeatureCollection");
    assert!(v.get("crs").is_none(), "RFC 7946 §4: no crs member");
    for f in v["features"].as_array().expect("features") {
        assert_eq!(f["type"], "Feature");
        assert!(f["properties"].is_object());
        assert!(f["id"].is_string() || f["id"].is_number());
        let geometry = &f["geometry"];
        let position = |p: &Value| {
            let p = p.as_array().expect("position");
            assert!(p.len() >= 2);
            let (lon, lat) = (p[0].as_f64().expect("lon"), p[1].as_f64().expect("lat"));
            assert!(
                (-180.0..=180.0).contains(&lon) && (-90.0..=90.0).contains(&lat),
                "{p:?}"
            );
        };
        match geometry["type"].as_str() {
            Some("Point") => position(&geometry["coordinates"]),
            Some("LineString") => {
                let line = geometry["coordinates"].as_array().expect("line");
                assert!(line.len() >= 2, "§3.1.4: two or more positions");
                line.iter().for_each(position);
            }
            other => panic!("unexpected geometry {other:?}"),
        }
    }
}

#[test]
fn geojson_has_located_events_and_tracks_in_longitude_latitude_order() {
    let g = built();
    let v = export::geojson(&g, &found(&g), &ExportOptions::default());
    assert_rfc7946(&v);
    let features = v["features"].as_array().expect("features");
    let points: Vec<&Value> = features.iter().filter(|f| f["geometry"]["type"] == "Point").collect();
    assert_eq!(points.len(), 2, "the two located events with parties");
    let horgos = points.iter().find(|f| f["id"] == "rs:7:interception").expect("Horgoš");
    assert_eq!(horgos["geometry"]["coordinates"][0], 19.97, "longitude first");
    assert_eq!(horgos["geometry"]["coordinates"][1], 46.1522);
    // Ilir: intercepted at Horgoš on 10 April, sighted on 12 April: one track.
    let tracks: Vec<&Value> = features
        .iter()
        .filter(|f| f["geometry"]["type"] == "LineString")
        .collect();
    assert_eq!(tracks.len(), 1);
    assert_eq!(tracks[0]["properties"]["party"], "rs:2:person");
    assert_eq!(tracks[0]["geometry"]["coordinates"][0][0], 19.97);
    // Two events have no coordinates (Evros without them, the payment): counted.
    assert_eq!(v["unlocated"], 2);
}

#[test]
fn followthemoney_entities_have_safe_ids_resolved_references_and_no_victim_names() {
    let (entities, identity_of) = case();
    let g = InvestigationGraph::build(&entities, &identity_of, 100);
    let out = corridor_network::ftm::ftm(&g, &entities, &identity_of, None, false);
    let ids: BTreeSet<&str> = out.iter().filter_map(|e| e["id"].as_str()).collect();
    assert_eq!(ids.len(), out.len(), "one entity per id");
    for id in &ids {
        assert!(
            id.chars().all(|c| c.is_ascii_alphanumeric() || c == '-' || c == '.'),
            "FtM ids hold letters, digits, dots and dashes: {id}"
        );
    }
    let by_schema = |s: &str| out.iter().filter(|e| e["schema"] == s).collect::<Vec<_>>();
    // Five parties: four persons after resolution merged Marko's two records.
    let persons = by_schema("Person");
    assert_eq!(persons.len(), 5);
    let marko = persons
        .iter()
        .find(|p| p["id"] == corridor_network::ftm::ftm_id("P-marko"))
        .expect("Marko");
    let names: Vec<&str> = marko["properties"]["name"]
        .as_array()
        .expect("names")
        .iter()
        .filter_map(|v| v.as_str())
        .collect();
    assert_eq!(names, ["Marko Petrovic", "Marko Petrović"], "both records' spellings");
    assert_eq!(marko["properties"]["phone"][0], "+381641234567", "the phone he uses");
    // Victims: a placeholder and nothing else.
    let text = serde_json::to_string(&out).expect("json");
    assert!(!text.contains("Amina") && !text.contains("Farid"));
    // Every reference points at an exported entity.
    for e in &out {
        for prop in [
            "involved",
            "person",
            "associate",
            "payer",
            "beneficiary",
            "subject",
            "object",
        ] {
            for v in e["properties"][prop].as_array().into_iter().flatten() {
                assert!(ids.contains(v.as_str().expect("id")), "{prop} -> {v}");
            }
        }
    }
    // The boat of the interceptions is exported once (resolved), linked from each.
    let vessels = by_schema("Vessel");
    assert_eq!(vessels.len(), 1);
    let boat = vessels[0]["id"].as_str().expect("id");
    let from_events = by_schema("UnknownLink")
        .into_iter()
        .filter(|l| l["properties"]["role"][0] == "vessel" && l["properties"]["object"][0] == boat)
        .count();
    assert_eq!(from_events, 2);
    assert_eq!(by_schema("Associate").len(), 1);
    assert_eq!(by_schema("Payment").len(), 1);
    assert_eq!(by_schema("Event").len(), 3, "two interceptions and a sighting");
    assert_eq!(
        by_schema("Event")[0]["properties"]["country"].as_array().map(Vec::len),
        None
    );
    // The reader's filter holds: without the H2 association, no Associate.
    let f = Filter {
        handling: Some(BTreeSet::from([HandlingCode::H0, HandlingCode::H1])),
        ..Filter::default()
    };
    let cleared = g.retain_evidence(|e| f.accepts(e));
    let out = corridor_network::ftm::ftm(&cleared, &entities, &identity_of, None, false);
    assert!(out.iter().all(|e| e["schema"] != "Associate"));
}

#[test]
fn an_h3_restriction_travels_with_the_link_and_the_file() {
    let (mut entities, identity_of) = case();
    let mut m = Maker {
        next: 20_000,
        entities: Vec::new(),
    };
    m.add(
        "gr:20:associate",
        "Associate",
        "gr",
        "B2",
        HandlingCode::H3,
        &[("person", "gr:3:person"), ("associate", "rs:2:person")],
    );
    entities.extend(m.evidence());
    let g = InvestigationGraph::build(&entities, &identity_of, 100);
    let f = found(&g);
    let mut out = Vec::new();
    export::graphml(&g, &f, &ExportOptions::default(), &mut out).expect("write");
    let text = String::from_utf8(out).expect("utf8");
    // The Maker gives every H3 the provider's text "ask first".
    assert!(text.contains(r#"<data key="g_handling">H3</data>"#));
    assert!(
        text.contains(r#"<data key="g_handling_full">H3 (ask first)</data>"#),
        "{text}"
    );
    assert!(text.contains(r#"<data key="e_handling_full">H3 (ask first)</data>"#));
    let geo = export::geojson(&g, &f, &ExportOptions::default());
    assert_eq!(geo["handling_full"], "H3 (ask first)");
}

/// followthemoney 4.11's model, as far as this export writes it: the properties
/// each schema requires (per schema, not inherited) and the schemata that are no
/// `Thing`, the range of an UnknownLink's ends. `bench/graph/validate_exports.sh`
/// checks the demo's export against the model itself.
#[test]
fn followthemoney_entities_have_what_the_model_requires_and_references_in_range() {
    let mut m = Maker {
        next: 0,
        entities: Vec::new(),
    };
    let props = |p: &[(&'static str, &'static str)]| p.to_vec();
    for (id, schema, p) in [
        (
            "x:1:person",
            "Person",
            props(&[("firstName", "Goran"), ("lastName", "Ilić"), ("category", "suspect")]),
        ),
        (
            "x:2:person",
            "Person",
            props(&[("name", "Besnik Krasniqi"), ("category", "suspect")]),
        ),
        (
            "x:3:vessel",
            "Vessel",
            props(&[("imoNumber", "9074729"), ("flag", "D")]),
        ),
        (
            "x:4:document",
            "TravelDocument",
            props(&[("number", "L898902C3"), ("country", "D")]),
        ),
        (
            "x:5:interception",
            "Interception",
            props(&[
                ("date", "2026-04-10"),
                ("involved", "x:1:person"),
                ("involved", "x:2:person"),
                ("vessel", "x:3:vessel"),
                ("document", "x:4:document"),
            ]),
        ),
        (
            "x:6:holds",
            "Holds",
            props(&[("holder", "x:1:person"), ("document", "x:4:document")]),
        ),
    ] {
        m.add(id, schema, "rs", "B2", H1, &p);
    }
    let entities = m.evidence();
    let identity_of = HashMap::new();
    let g = InvestigationGraph::build(&entities, &identity_of, 100);
    let out = corridor_network::ftm::ftm(&g, &entities, &identity_of, None, false);
    let schema_of: HashMap<&str, &str> = out
        .iter()
        .filter_map(|e| Some((e["id"].as_str()?, e["schema"].as_str()?)))
        .collect();
    let has = |e: &Value, p: &str| e["properties"][p].as_array().is_some_and(|v| !v.is_empty());
    for e in &out {
        let schema = e["schema"].as_str().expect("schema");
        let required: &[&str] = match schema {
            "Person" | "Organization" | "Vessel" | "Event" => &["name"],
            "Passport" => &["holder", "number"],
            "UnknownLink" => &["subject", "object"],
            _ => &[],
        };
        for p in required {
            assert!(has(e, p), "{schema} without {p}: {e}");
        }
        if schema == "UnknownLink" {
            for end in ["subject", "object"] {
                let target = e["properties"][end][0].as_str().expect("id");
                let target_schema = schema_of.get(target).copied();
                assert!(
                    !matches!(target_schema, None | Some("Passport" | "Payment")),
                    "UnknownLink.{end} -> {target_schema:?}: outside Thing"
                );
            }
        }
    }
    let one = |schema: &str| {
        let all: Vec<&Value> = out.iter().filter(|e| e["schema"] == schema).collect();
        assert_eq!(all.len(), 1, "{schema}: {all:?}");
        all[0].clone()
    };
    let vessel = one("Vessel");
    assert_eq!(vessel["properties"]["name"][0], "9074729", "a boat known by its number");
    assert_eq!(vessel["properties"]["flag"][0], "de", "the MRZ code D is Germany");
    // The document of the interception: no link (a Passport is no Thing), and no
    // passport without its holder.
    assert!(out.iter().all(|e| e["schema"] != "Passport" || has(e, "holder")));
    let names: Vec<&str> = out
        .iter()
        .filter(|e| e["schema"] == "Person")
        .filter_map(|e| e["properties"]["name"][0].as_str())
        .collect();
    assert!(names.contains(&"Goran Ilić"), "{names:?}");
}
