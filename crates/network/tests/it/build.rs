use super::*;

#[test]
fn resolved_records_are_one_party_and_every_link_keeps_its_evidence() {
    let g = built();
    // Six person records, two of them one identity.
    assert_eq!(g.nodes.len(), 5);
    let marko = node(&g, "P-marko");
    assert_eq!(node(&g, "rs:1:person"), marko);
    assert_eq!(node(&g, "mk:9:person"), marko);
    assert_eq!(g.nodes[marko as usize].records, vec!["mk:9:person", "rs:1:person"]);
    assert_eq!(g.nodes[marko as usize].agencies, vec!["mk", "rs"]);

    // Marko and Ilir share a phone only through resolution (two phone records).
    let ilir = node(&g, "rs:2:person");
    let link = g.link(marko, ilir).expect("shared phone");
    assert_eq!(link.evidence.len(), 1);
    let e = &link.evidence[0];
    assert_eq!(
        (e.kind, e.via_schema.as_str(), e.via.as_str()),
        (LinkKind::Selector, "Phone", "T-phone")
    );
    assert_eq!(e.entities, vec!["rs:1:uses", "rs:2:uses"]);
    assert_eq!(e.statements.len(), 6, "both uses' statements");
    assert_eq!(e.grading.to_string(), "B2", "the weaker of A1 and B2");
    assert_eq!(e.date.as_deref(), Some("2026-03-05"));

    // The boat: used in both interceptions, so Dimitris is linked to all on board.
    let dimitris = node(&g, "gr:3:person");
    let amina = node(&g, "rs:4:person");
    let by_boat = g.link(dimitris, amina).expect("same boat");
    assert_eq!(by_boat.evidence[0].via, "T-boat");
    assert_eq!(by_boat.evidence[0].agencies, vec!["gr", "rs"]);
    // Ilir and Amina: the same interception and the same boat.
    let kinds = g.link(ilir, amina).expect("together").kinds();
    assert_eq!(kinds, BTreeSet::from([LinkKind::Selector, LinkKind::Event]));

    // The payment links payer and beneficiary once, as money, not as an event.
    let paid = g.link(amina, marko).expect("payment");
    assert_eq!(paid.kinds(), BTreeSet::from([LinkKind::Payment]));
    // The association keeps its weak grading and restrictive handling.
    let assoc = &g.link(dimitris, marko).expect("associates").evidence[0];
    assert_eq!(
        (assoc.kind, assoc.grading.to_string()),
        (LinkKind::Relation, "C3".to_string())
    );
    assert_eq!(assoc.handling.code, HandlingCode::H2);

    // Victims are in the graph, marked.
    assert!(g.nodes[amina as usize].is_protected());
    assert!(!g.nodes[marko as usize].is_protected());
    assert_eq!(g.events.len(), 4);
}

#[test]
fn a_thing_or_event_shared_by_too_many_links_nobody_and_is_reported() {
    let (entities, identity_of) = case();
    let g = InvestigationGraph::build(&entities, &identity_of, 2);
    let ilir = node(&g, "rs:2:person");
    let amina = node(&g, "rs:4:person");
    assert!(
        g.link(ilir, amina).is_none(),
        "three on board is above the limit of two"
    );
    let big: BTreeSet<&str> = g.too_large.iter().map(|(_, id, _)| id.as_str()).collect();
    assert_eq!(big, BTreeSet::from(["T-boat", "rs:7:interception"]));
    // The shared phone (two users) still links.
    assert!(g.link(node(&g, "P-marko"), ilir).is_some());
}
