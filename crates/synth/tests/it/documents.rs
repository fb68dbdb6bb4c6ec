//! Documents' MRZs: genuine ones pass every check digit, counterfeits fail at least
//! one, altered ones disagree with the visual zone.

use std::collections::BTreeMap;

use corridor_mrz::{Format, field_checks};

use crate::common::{entity, store, truth};

#[test]
fn genuine_mrzs_pass_and_forged_ones_fail() {
    let kinds: BTreeMap<String, (String, String)> = truth("documents.csv")
        .into_iter()
        .map(|r| (r["true_id"].clone(), (r["kind"].clone(), r["format"].clone())))
        .collect();
    let mut s = store();
    let mut counts: BTreeMap<String, usize> = BTreeMap::new();
    for row in truth("identities.csv").iter().filter(|r| r["entity"] == "document") {
        let Some((kind, format)) = kinds.get(&row["true_id"]) else {
            continue;
        };
        let id = format!("{}:{}:document", row["dataset"], row["record_id"]);
        let e = entity(&mut s, &id).unwrap_or_else(|| panic!("{id} missing"));
        let Some(mrz) = e.values("mrz").first().map(|m| m.to_string()) else {
            continue;
        };
        let lines: Vec<String> = mrz.split_whitespace().map(str::to_string).collect();
        let format = if format == "TD1" { Format::Td1 } else { Format::Td3 };
        let checks = field_checks(format, &lines);
        match kind.as_str() {
            "forged" => assert!(
                checks.iter().any(|(_, ok)| !ok),
                "{id}: a counterfeit passes every check: {lines:?}"
            ),
            "altered" => {
                assert!(checks.iter().all(|(_, ok)| *ok), "{id}: {lines:?}");
                let viz = e
                    .values("birthDate")
                    .first()
                    .map(|d| d.replace('-', ""))
                    .unwrap_or_default();
                let mrz_birth = if format == Format::Td1 {
                    &lines[1][0..6]
                } else {
                    &lines[1][13..19]
                };
                assert_ne!(
                    viz.get(2..).unwrap_or(""),
                    mrz_birth,
                    "{id}: an altered document agrees with its MRZ"
                );
            }
            _ => assert!(checks.iter().all(|(_, ok)| *ok), "{id} ({kind}): {checks:?} {lines:?}"),
        }
        *counts.entry(kind.clone()).or_default() += 1;
    }
    for kind in ["genuine", "forged", "altered", "impostor"] {
        assert!(
            counts.get(kind).copied().unwrap_or(0) > 0,
            "no {kind} document checked: {counts:?}"
        );
    }
}
