use super::*;

#[test]
fn filters_keep_only_the_evidence_a_reader_may_use() {
    let g = built();
    let marko = node(&g, "P-marko");
    let dimitris = node(&g, "gr:3:person");
    let ilir = node(&g, "rs:2:person");

    // Minimum grading B2: the C3 association goes, the B2 phone stays.
    let f = Filter {
        min_grading: Some("B2".parse().expect("grade")),
        ..Filter::default()
    };
    let strict = g.retain_evidence(|e| f.accepts(e));
    assert!(strict.link(dimitris, marko).is_none());
    assert!(strict.link(marko, ilir).is_some());

    // A reader cleared for H0 and H1 only does not see the H2 association.
    let f = Filter {
        handling: Some(BTreeSet::from([HandlingCode::H0, HandlingCode::H1])),
        ..Filter::default()
    };
    assert!(g.retain_evidence(|e| f.accepts(e)).link(dimitris, marko).is_none());

    // Only Serbian reports: the boat link between the two interceptions rests on a
    // Greek one too and goes; the Serbian interception stays.
    let f = Filter {
        agencies: Some(BTreeSet::from(["rs".to_string()])),
        ..Filter::default()
    };
    let rs = g.retain_evidence(|e| f.accepts(e));
    assert!(rs.link(dimitris, node(&g, "rs:4:person")).is_none());
    assert!(rs.link(ilir, node(&g, "rs:4:person")).is_some());

    // April 2026 only: the interception and the payment, not March's phone use.
    let f = Filter::window(Some("2026-04-01"), Some("2026-04-30")).expect("window");
    let april = g.retain_evidence(|e| f.accepts(e));
    assert!(april.link(marko, ilir).is_none());
    assert!(april.link(node(&g, "rs:4:person"), marko).is_some());

    // Kinds.
    let f = Filter {
        kinds: Some(BTreeSet::from([LinkKind::Payment])),
        ..Filter::default()
    };
    assert_eq!(g.retain_evidence(|e| f.accepts(e)).links.len(), 1);
}

#[test]
fn bad_windows_are_refused_with_what_to_give() {
    assert!(
        Filter::window(Some("2026-13"), None)
            .unwrap_err()
            .to_string()
            .contains("YYYY-MM-DD")
    );
    let e = Filter::window(Some("2026-05-01"), Some("2026-04-01")).unwrap_err();
    assert!(e.to_string().contains("before it starts"), "{e}");
    assert!("owns".parse::<LinkKind>().unwrap_err().contains("selector"));
}
