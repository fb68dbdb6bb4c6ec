//! The ground truth agrees with the data: victims are never facilitators and are
//! recorded as victims, networks have their roles, persons recur across agencies
//! under other spellings, and biometric references recur across agencies.

use std::collections::{BTreeMap, BTreeSet};

use crate::common::{agency_of, entity, store, truth};

const PERSON_ENTITIES: [&str; 7] = [
    "person",
    "owner",
    "contact",
    "payer",
    "beneficiary",
    "employee",
    "facilitator",
];

#[test]
fn victims_are_victims_and_never_facilitators() {
    let net = truth("networks.csv");
    let mut roles: BTreeMap<&str, BTreeSet<&str>> = BTreeMap::new();
    for r in &net {
        roles
            .entry(r["true_id"].as_str())
            .or_default()
            .insert(r["role"].as_str());
    }
    let victims: BTreeSet<&str> = roles
        .iter()
        .filter(|(_, r)| r.contains("smuggled_person"))
        .map(|(id, _)| *id)
        .collect();
    assert!(victims.len() > 300);
    for (id, r) in &roles {
        if r.contains("smuggled_person") {
            assert_eq!(r.len(), 1, "{id} is smuggled and also {r:?}");
        }
    }
    let mut s = store();
    let mut checked = 0;
    for row in truth("identities.csv") {
        if !PERSON_ENTITIES.contains(&row["entity"].as_str()) || !victims.contains(row["true_id"].as_str()) {
            continue;
        }
        let id = format!("{}:{}:{}", row["dataset"], row["record_id"], row["entity"]);
        let e = entity(&mut s, &id).unwrap_or_else(|| panic!("{id} missing"));
        assert_eq!(e.values("category"), vec!["victim"], "{id} is a smuggled person");
        checked += 1;
    }
    assert!(checked > 1_000, "{checked}");
}

#[test]
fn networks_have_the_roles_of_smuggling_networks() {
    let net = truth("networks.csv");
    let mut by_net: BTreeMap<&str, BTreeSet<&str>> = BTreeMap::new();
    for r in &net {
        by_net
            .entry(r["network_id"].as_str())
            .or_default()
            .insert(r["role"].as_str());
    }
    assert!(by_net.len() >= 7);
    for (n, roles) in &by_net {
        for needed in [
            "organiser",
            "recruiter",
            "driver",
            "money_collector",
            "safe_house_keeper",
        ] {
            assert!(roles.contains(needed), "{n} lacks a {needed}: {roles:?}");
        }
    }
    let all: BTreeSet<&str> = by_net.values().flatten().copied().collect();
    for role in ["boat_pilot", "document_forger", "smuggled_person"] {
        assert!(all.contains(role), "no network has a {role}");
    }
}

#[test]
fn persons_recur_across_agencies_under_other_spellings() {
    let mut s = store();
    let mut seen: BTreeMap<String, Vec<(String, String)>> = BTreeMap::new();
    for row in truth("identities.csv").iter().filter(|r| r["entity"] == "person") {
        let id = format!("{}:{}:person", row["dataset"], row["record_id"]);
        let e = entity(&mut s, &id).unwrap_or_else(|| panic!("{id} missing"));
        for name in e.values("name") {
            seen.entry(row["true_id"].clone())
                .or_default()
                .push((agency_of(&row["dataset"]).to_string(), name.to_string()));
        }
    }
    let recurring = seen
        .values()
        .filter(|obs| {
            let agencies: BTreeSet<&str> = obs.iter().map(|(a, _)| a.as_str()).collect();
            let names: BTreeSet<&str> = obs.iter().map(|(_, n)| n.as_str()).collect();
            agencies.len() >= 2 && names.len() >= 2
        })
        .count();
    assert!(
        recurring >= 50,
        "only {recurring} persons recur across agencies under different spellings"
    );
}

#[test]
fn biometric_references_recur_across_agencies() {
    let mut s = store();
    let mut refs: BTreeMap<String, BTreeSet<&'static str>> = BTreeMap::new();
    let rows = truth("identities.csv");
    for row in rows.iter().filter(|r| r["entity"] == "person") {
        for name in ["biometric", "prior_hit"] {
            let id = format!("{}:{}:{name}", row["dataset"], row["record_id"]);
            if let Some(e) = entity(&mut s, &id) {
                for r in e.values("referenceId") {
                    refs.entry(r.to_string())
                        .or_default()
                        .insert(agency_of(&row["dataset"]));
                }
            }
        }
    }
    let shared = refs.values().filter(|a| a.len() >= 2).count();
    assert!(shared >= 20, "only {shared} biometric references recur across agencies");
}

#[test]
fn the_agencies_files_never_name_the_truths_networks() {
    // The networks' codes are what network detection is scored against: no agency
    // file may carry one (an arrest note once did).
    let codes: BTreeSet<String> = truth("networks.csv").iter().map(|r| r["network_id"].clone()).collect();
    assert!(codes.len() >= 5, "{codes:?}");
    let fixture = crate::common::fixture();
    for f in &fixture.report.files {
        let text = std::fs::read_to_string(fixture.dir.join(&f.data)).expect("read agency file");
        for code in &codes {
            assert!(!text.contains(code.as_str()), "{} names {code}", f.data.display());
        }
    }
    assert!(fixture.report.files.len() >= 10, "every agency file checked");
}
