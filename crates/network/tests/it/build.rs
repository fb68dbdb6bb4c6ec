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

/// One lorry and the ten passengers of its crossings on ten dates; crossing `i` has
/// the handling `handling(i)`.
fn lorry(handling: impl Fn(usize) -> HandlingCode) -> Maker {
    let mut m = Maker {
        next: 0,
        entities: Vec::new(),
    };
    m.add(
        "rs:0:vehicle",
        "Vehicle",
        "rs",
        "B2",
        H1,
        &[("registrationNumber", "NS-123-AB")],
    );
    for i in 0..10 {
        let person = format!("rs:{i}:person");
        m.add(
            &person,
            "Person",
            "rs",
            "B2",
            H1,
            &[("name", &format!("Person {i}")), ("category", "victim")],
        );
        m.add(
            &format!("rs:{i}:crossing"),
            "BorderCrossing",
            "rs",
            "B2",
            handling(i),
            &[
                ("date", &format!("2026-0{}-01", 9 - i % 9)),
                ("involved", &person),
                ("vehicle", "rs:0:vehicle"),
            ],
        );
    }
    m
}

#[test]
fn a_thing_shared_by_many_links_them_as_a_chain_in_time_and_is_reported() {
    let m = lorry(|_| H1);
    let g = InvestigationGraph::build(&m.evidence(), &HashMap::new(), 5);
    assert_eq!(g.too_large.len(), 1);
    assert_eq!(g.too_large[0].2, 10);
    // Each linked to the next three in time: 9 + 8 + 7 links, not 45, one component.
    assert_eq!(g.links.len(), 24);
    let graph = g.graph();
    assert_eq!(corridor_graph::components::components(&graph).count, 1);
    // A reader who may not see the crossings (H1) is not told about the lorry.
    let h0 = Filter {
        handling: Some(BTreeSet::from([HandlingCode::H0])),
        ..Filter::default()
    };
    assert!(g.filtered(&h0).too_large.is_empty());
    assert_eq!(g.filtered(&Filter::default()).too_large.len(), 1);
    // Below the limit, everyone with everyone.
    assert_eq!(
        InvestigationGraph::build(&m.evidence(), &HashMap::new(), 10)
            .links
            .len(),
        45
    );
}

#[test]
fn a_chain_passes_over_the_members_a_reader_may_not_see() {
    // Three crossings in a row (the 4th-6th in time) are H2.
    let hidden = [3, 4, 5];
    let m = lorry(|i| if hidden.contains(&i) { HandlingCode::H2 } else { H1 });
    let g = InvestigationGraph::build(&m.evidence(), &HashMap::new(), 5);
    let reader = Filter {
        handling: Some(BTreeSet::from([HandlingCode::H0, HandlingCode::H1])),
        ..Filter::default()
    };
    let seen = g.filtered(&reader);
    // The seven crossings the reader sees still make one chain: 6 + 5 + 4 links.
    assert_eq!(seen.links.len(), 15);
    let components = corridor_graph::components::components(&seen.graph());
    let visible: Vec<u32> = (0..10)
        .filter(|i| !hidden.contains(i))
        .map(|i| node(&seen, &format!("rs:{i}:person")))
        .collect();
    assert!(
        visible
            .iter()
            .all(|&v| components.of[v as usize] == components.of[visible[0] as usize]),
        "one chain among what the reader sees"
    );
    // No link rests on a hidden crossing.
    for link in &seen.links {
        for e in &link.evidence {
            assert!(e.handling.code != HandlingCode::H2, "{:?}", e.entities);
        }
    }
    // And the reader who sees everything gets the whole chain.
    assert_eq!(g.filtered(&Filter::default()).links.len(), 24);
}

#[test]
fn payers_into_one_account_are_not_linked_to_each_other_by_it() {
    let mut m = Maker {
        next: 0,
        entities: Vec::new(),
    };
    m.add(
        "mk:0:person",
        "Person",
        "mk",
        "B2",
        H1,
        &[("name", "Smuggler"), ("category", "suspect")],
    );
    m.add(
        "mk:0:account",
        "BankAccount",
        "mk",
        "B2",
        H1,
        &[("iban", "MK07250120000058984")],
    );
    for i in 1..=3 {
        let payer = format!("mk:{i}:person");
        m.add(
            &payer,
            "Person",
            "mk",
            "B2",
            H1,
            &[("name", &format!("Migrant {i}")), ("category", "victim")],
        );
        m.add(
            &format!("mk:{i}:payment"),
            "Payment",
            "mk",
            "B2",
            H1,
            &[
                ("date", "2026-04-01"),
                ("payer", &payer),
                ("beneficiary", "mk:0:person"),
                ("beneficiaryAccount", "mk:0:account"),
            ],
        );
    }
    let g = InvestigationGraph::build(&m.evidence(), &HashMap::new(), 100);
    let smuggler = node(&g, "mk:0:person");
    // Three payments, nothing between the payers: the account is the beneficiary's.
    assert_eq!(g.links.len(), 3);
    assert!(g.links.iter().all(|l| l.a == smuggler || l.b == smuggler));
    assert!(g.links.iter().all(|l| l.kinds() == BTreeSet::from([LinkKind::Payment])));
}
