use corridor_model::{Assessment, Entity, Handling, HandlingCode, Provenance, SourceRef, Statement};

use std::collections::HashMap;

use super::*;

fn doc(id: &str, props: &[(&str, &str)]) -> Entity {
    let provenance = Provenance {
        source: SourceRef {
            agency: "mk-bp".into(),
            country: "MKD".into(),
            unit: String::new(),
            informant_code: String::new(),
            current_reliability: None,
        },
        dataset: "ds".into(),
        record_id: id.into(),
        batch: 1,
        received_at: "2026-01-01T00:00:00Z".into(),
        grading: "B2".parse().expect("grading"),
        handling: Handling::new(HandlingCode::H1, None, None).expect("handling"),
        assessment: Assessment::Fact,
    };
    Entity {
        id: format!("ds:{id}:document"),
        schema: "TravelDocument".into(),
        statements: props
            .iter()
            .enumerate()
            .map(|(i, (p, v))| Statement {
                id: i as i64,
                entity: format!("ds:{id}:document"),
                schema: "TravelDocument".into(),
                prop: p.to_string(),
                value: v.to_string(),
                raw: None,
                current: true,
                provenance: provenance.clone(),
            })
            .collect(),
    }
}

const TODAY: (i32, u32, u32) = (2026, 11, 25);
const MRZ: &str = "P<UTOERIKSSON<<ANNA<MARIA<<<<<<<<<<<<<<<<<<<\nL898902C36UTO7408122F1204159ZE184226B<<<<<10";

#[test]
fn each_kind_of_finding() {
    let docs = vec![
        // The specimen, consistent with its visual zone: only the specimen finding.
        doc(
            "1",
            &[
                ("number", "L898902C3"),
                ("country", "UTO"),
                ("surname", "Eriksson"),
                ("birthDate", "1974-08-12"),
                ("mrz", MRZ),
            ],
        ),
        // Altered birth date in the visual zone.
        doc(
            "2",
            &[
                ("number", "L898902C3"),
                ("country", "UTO"),
                ("surname", "Eriksson"),
                ("birthDate", "1980-01-01"),
                ("mrz", MRZ),
            ],
        ),
        // Broken check digit.
        doc(
            "3",
            &[
                ("number", "X1"),
                (
                    "mrz",
                    "P<UTOERIKSSON<<ANNA<MARIA<<<<<<<<<<<<<<<<<<<\nL898902C37UTO7408122F1204159ZE184226B<<<<<10",
                ),
            ],
        ),
        doc(
            "4",
            &[
                ("number", "AA11"),
                ("birthDate", "1990-01-01"),
                ("startDate", "1989-05-01"),
                ("endDate", "1988-01-01"),
            ],
        ),
    ];
    let f = check(&docs, &[], TODAY);
    let kinds = |id: &str| -> Vec<&str> {
        f.iter()
            .filter(|x| x.document == format!("ds:{id}:document"))
            .map(|x| x.kind)
            .collect()
    };
    assert!(kinds("1").contains(&"specimen"));
    assert!(!kinds("1").contains(&"mrz_mismatch"), "{f:?}");
    assert!(kinds("2").contains(&"mrz_mismatch"));
    assert!(
        kinds("2").contains(&"number_reuse"),
        "same number, other birth date: {f:?}"
    );
    assert!(kinds("3").contains(&"mrz_invalid"));
    assert_eq!(kinds("4"), vec!["date_order", "date_order"]);
}

#[test]
fn watchlist_hits_carry_the_list_and_read_o_as_zero() {
    let dir = std::env::temp_dir().join(format!("corridor-docs-{}", std::process::id()));
    std::fs::create_dir_all(&dir).expect("dir");
    let path = dir.join("sltd.csv");
    std::fs::write(
        &path,
        "number,country,status,list\nAB1O2345,SY,stolen,SLTD extract 2026-10\n",
    )
    .expect("write");
    let list = Watchlist::from_csv(&path).expect("list");
    let docs = vec![doc("9", &[("number", "AB 102345"), ("country", "SYR")])];
    let f = check(&docs, std::slice::from_ref(&list), TODAY);
    assert_eq!(f.len(), 1, "{f:?}");
    assert_eq!(f[0].kind, "watchlist");
    assert!(
        f[0].reason.contains("stolen") && f[0].reason.contains("sltd.csv") && f[0].reason.contains("row 2"),
        "{}",
        f[0].reason
    );
    let other = vec![doc("9", &[("number", "AB102345"), ("country", "IRQ")])];
    assert!(
        check(&other, std::slice::from_ref(&list), TODAY).is_empty(),
        "another country's number is not a hit"
    );
    std::fs::write(&path, "nr,country\n1,SY\n").expect("write");
    assert!(Watchlist::from_csv(&path).is_err_and(|e| e.to_string().contains("no 'number' column")));
    // A country name would never match a document's code, a row without a number
    // matches nothing (issue 20, item 5): the list is refused, naming the rows.
    std::fs::write(
        &path,
        "number,country,status\nAB102345,Serbia,stolen\n,SRB,lost\nAB777777,SRB,stolen\n",
    )
    .expect("write");
    let err = Watchlist::from_csv(&path).expect_err("refused").to_string();
    assert!(
        err.contains("2 row(s)")
            && err.contains("row 2: country 'Serbia' is not an ISO 3166 code")
            && err.contains("row 3: no document number")
            && err.contains("nothing was imported"),
        "{err}"
    );
}

#[test]
fn validity_at_events_and_against_the_issuing_states_rules() {
    let docs = vec![
        doc(
            "5",
            &[
                ("number", "012345678"),
                ("country", "SRB"),
                ("type", "passport"),
                ("startDate", "2015-03-10"),
                ("endDate", "2025-03-10"),
            ],
        ),
        // A Bulgarian passport valid for ten years: Bulgaria issues them for five.
        doc(
            "6",
            &[
                ("number", "380000001"),
                ("country", "BGR"),
                ("type", "passport"),
                ("startDate", "2020-01-15"),
                ("endDate", "2030-01-15"),
            ],
        ),
        // A Bulgarian ID card valid for ten years is fine: the passport rule does not apply.
        doc(
            "7",
            &[
                ("number", "640000001"),
                ("country", "BGR"),
                ("type", "id_card"),
                ("startDate", "2020-01-15"),
                ("endDate", "2030-01-15"),
            ],
        ),
    ];
    let mut uses = HashMap::new();
    uses.insert(
        "ds:5:document".to_string(),
        vec![
            DocumentUse {
                event: "ds:5:crossing".into(),
                date: "2025-06-01T03:30".into(),
            },
            DocumentUse {
                event: "ds:9:crossing".into(),
                date: "2014-12-31".into(),
            },
            DocumentUse {
                event: "ds:10:crossing".into(),
                date: "2024-01-01".into(),
            },
        ],
    );
    let f = check_with_uses(&docs, &uses, &[], TODAY);
    let of = |id: &str| -> Vec<(&str, &str)> {
        f.iter()
            .filter(|x| x.document == format!("ds:{id}:document"))
            .map(|x| (x.kind, x.related.first().map_or("", String::as_str)))
            .collect()
    };
    assert_eq!(
        of("5"),
        vec![
            ("expired_at_event", "ds:5:crossing"),
            ("used_before_issue", "ds:9:crossing")
        ]
    );
    assert_eq!(of("6"), vec![("validity_period", "")]);
    assert!(
        f.iter()
            .any(|x| x.reason.contains("(10 years 0 months), longer than the 5 years BGR")),
        "{f:?}"
    );
    assert!(of("7").is_empty(), "{f:?}");
}
