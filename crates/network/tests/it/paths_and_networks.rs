use super::*;

#[test]
fn a_path_between_two_parties_carries_the_evidence_of_each_step() {
    let g = built();
    let (ilir, dimitris) = (node(&g, "rs:2:person"), node(&g, "gr:3:person"));
    // Ilir and Dimitris: the boat directly.
    let steps = path(&g, ilir, dimitris).expect("connected");
    assert_eq!(steps.len(), 2);
    assert!(steps[0].evidence.is_empty());
    assert_eq!(steps[1].evidence[0].via, "T-boat");

    // Without selectors and events, Ilir is linked to nobody.
    let f = Filter {
        kinds: Some(BTreeSet::from([LinkKind::Relation, LinkKind::Payment])),
        ..Filter::default()
    };
    let stated = g.retain_evidence(|e| f.accepts(e));
    assert!(path(&stated, ilir, dimitris).is_none());
    // Amina to Dimitris through Marko (named by his first record, mk:9): the
    // payment, then the association.
    let amina = node(&g, "rs:4:person");
    let steps = path(&stated, amina, dimitris).expect("connected");
    let names: Vec<&str> = steps.iter().map(|s| s.name.as_str()).collect();
    assert_eq!(names, ["Amina Rahimi", "Marko Petrovic", "Dimitris Kostas"]);
    assert!(steps[0].protected);
    assert_eq!(steps[1].evidence[0].kind, LinkKind::Payment);
    assert_eq!(steps[2].evidence[0].via, "gr:9:associate");
}

#[test]
fn networks_rank_brokers_without_victims_unless_asked() {
    let g = built();
    let found = networks(
        &g,
        &NetworkOptions {
            min_size: 2,
            ..NetworkOptions::default()
        },
    );
    assert_eq!(found.components, 1);
    let total: usize = found.networks.iter().map(|n| n.size).sum();
    assert_eq!(total, 5, "every party is in a listed network");
    for n in &found.networks {
        assert!(n.brokers.iter().all(|b| !g.nodes[b.node as usize].is_protected()));
        assert_eq!(
            n.protected,
            n.members
                .iter()
                .filter(|&&v| g.nodes[v as usize].is_protected())
                .count()
        );
    }
    // Amina links the payment side to the boat side: with victims ranked, her
    // betweenness shows; by default she is not listed.
    let amina = node(&g, "rs:4:person");
    assert!(found.betweenness[amina as usize] > 0.0);
    let all = networks(
        &g,
        &NetworkOptions {
            min_size: 1,
            include_protected: true,
            top: 10,
            ..NetworkOptions::default()
        },
    );
    assert!(all.networks.iter().any(|n| n.brokers.iter().any(|b| b.node == amina)));
    assert!(found.networks.iter().all(|n| n.brokers.iter().all(|b| b.node != amina)));
    // Places and period come from the members' events and links.
    let places: BTreeSet<&str> = found
        .networks
        .iter()
        .flat_map(|n| n.places.iter().map(|(p, _)| p.as_str()))
        .collect();
    assert!(places.contains("Horgoš") && places.contains("Evros"));
    assert!(found.networks.iter().any(|n| n.first_seen.is_some()));
    // The same seed gives the same networks.
    let again = networks(
        &g,
        &NetworkOptions {
            min_size: 2,
            ..NetworkOptions::default()
        },
    );
    assert_eq!(found.network_of, again.network_of);
}
