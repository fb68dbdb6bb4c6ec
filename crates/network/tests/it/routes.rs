use corridor_network::routes::{self, Places};

use super::*;

#[test]
fn tracks_follow_time_and_flows_count_movements_between_places_by_week() {
    let g = built();
    let places = Places::of(&g);
    let ilir = node(&g, "rs:2:person");
    let track = routes::track(&g, &places, ilir);
    let events: Vec<&str> = track.iter().map(|p| p.event.as_str()).collect();
    assert_eq!(events, ["rs:7:interception", "rs:11:sighting"]);
    assert_eq!(track[0].place, "Horgoš");
    assert_eq!(track[0].position, Some([19.97, 46.1522]));
    // Marko's track: the payment, undated events last (none here).
    let marko = routes::track(&g, &places, node(&g, "P-marko"));
    assert_eq!(marko.len(), 1);
    assert_eq!(marko[0].schema, "Payment");

    let found = networks(
        &g,
        &NetworkOptions {
            min_size: 1,
            ..NetworkOptions::default()
        },
    );
    let flows = routes::flows(&g, &places, &found.network_of);
    // Only Ilir moves between two places with dates (10 and 12 April 2026, W15).
    assert_eq!(flows.len(), 1);
    let f = &flows[0];
    assert_eq!((f.week.as_str(), f.from.as_str(), f.parties), ("2026-W15", "Horgoš", 1));
    assert_eq!(f.network, found.network_of[ilir as usize]);
    // The sighting's place has no name: its position stands for it.
    assert_eq!(f.to, "at:45.2671,19.8335");
}

#[test]
fn the_same_place_in_two_scripts_is_one_place_when_located() {
    let (mut entities, identity_of) = case();
    // A Serbian report of Horgoš in Cyrillic, 300 m away, a week later.
    let mut m = Maker {
        next: 10_000,
        entities: Vec::new(),
    };
    m.add(
        "rs:12:sighting",
        "Sighting",
        "rs",
        "B2",
        H1,
        &[
            ("date", "2026-04-17"),
            ("place", "Хоргош"),
            ("latitude", "46.1540"),
            ("longitude", "19.9710"),
            ("involved", "rs:2:person"),
        ],
    );
    entities.extend(m.evidence());
    let g = InvestigationGraph::build(&entities, &identity_of, 100);
    let places = Places::of(&g);
    let a = places.of_event("rs:7:interception").expect("located");
    let b = places.of_event("rs:12:sighting").expect("located");
    assert_eq!(a, b);
    assert_eq!(places.places[a].events, 2);
}

#[test]
fn two_events_of_one_day_are_ordered_by_their_time() {
    let mut m = Maker {
        next: 0,
        entities: Vec::new(),
    };
    m.add(
        "rs:1:person",
        "Person",
        "rs",
        "B2",
        H1,
        &[("name", "Driver"), ("category", "suspect")],
    );
    // Evening in the south, morning in the north: he went north to south.
    for (id, at, lat, lon) in [
        ("rs:2:sighting", "2026-04-12T20:00", "45.0000", "20.0000"),
        ("rs:3:sighting", "2026-04-12T08:00", "46.0000", "19.0000"),
    ] {
        m.add(
            id,
            "Sighting",
            "rs",
            "B2",
            H1,
            &[
                ("date", at),
                ("latitude", lat),
                ("longitude", lon),
                ("involved", "rs:1:person"),
            ],
        );
    }
    let g = InvestigationGraph::build(&m.evidence(), &HashMap::new(), 100);
    let places = Places::of(&g);
    let track = routes::track(&g, &places, 0);
    let events: Vec<&str> = track.iter().map(|p| p.event.as_str()).collect();
    assert_eq!(events, ["rs:3:sighting", "rs:2:sighting"]);
    let flows = routes::flows(&g, &places, &[0]);
    assert_eq!(flows.len(), 1);
    assert_eq!(
        (flows[0].from.as_str(), flows[0].to.as_str()),
        ("at:46.0000,19.0000", "at:45.0000,20.0000")
    );
}
