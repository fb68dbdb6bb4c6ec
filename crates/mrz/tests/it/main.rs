//! Property tests of the MRZ: every format round-trips through build and parse, and a
//! single corrupted character is caught or leaves a consistent document.

use corridor_mrz::{Document, Format, build_lines, parse};
use proptest::prelude::*;

const TODAY: corridor_mrz::Today = (2026, 11, 25);

fn format() -> impl Strategy<Value = Format> {
    prop_oneof![
        Just(Format::Td1),
        Just(Format::Td2),
        Just(Format::Td3),
        Just(Format::MrvA),
        Just(Format::MrvB)
    ]
}

prop_compose! {
    fn document()(
        format in format(),
        surname in "[A-Z]{2,12}",
        given in "[A-Z]{2,8}( [A-Z]{2,8})?",
        number in "[A-Z0-9]{6,9}",
        y in 30u32..99, m in 1u32..=12, d in 1u32..=28,
        ey in 27u32..40, sex in prop_oneof![Just('M'), Just('F'), Just('<')],
        state in prop_oneof![Just("SRB"), Just("MKD"), Just("SYR"), Just("D"), Just("RKS"), Just("UTO")],
    ) -> Document {
        let code = match format { Format::Td3 => "P", Format::MrvA | Format::MrvB => "V", _ => "ID" };
        Document {
            format,
            code: code.into(),
            issuing_state: state.into(),
            surname,
            given_names: given.replace(' ', "<"),
            number,
            nationality: state.into(),
            birth_date: format!("{y:02}{m:02}{d:02}"),
            sex,
            expiry_date: format!("{ey:02}{m:02}{d:02}"),
            optional: String::new(),
            optional_2: String::new(),
        }
    }
}

proptest! {
    #[test]
    fn build_then_parse_round_trips(doc in document()) {
        let lines = build_lines(&doc).expect("build");
        let r = parse(&lines, TODAY);
        prop_assert!(r.valid, "{lines:?} {:?}", r.errors);
        prop_assert_eq!(&r.fields.document_number, &doc.number);
        prop_assert_eq!(&r.fields.issuing_state, &doc.issuing_state);
        prop_assert_eq!(r.fields.surname.replace(' ', "<"), doc.surname.clone());
        let birth = &doc.birth_date;
        let expected_birth = format!("19{}-{}-{}", &birth[0..2], &birth[2..4], &birth[4..6]);
        prop_assert_eq!(&r.fields.birth_date, &expected_birth);
    }

    #[test]
    fn one_corrupted_character_is_caught_or_consistent(doc in document(), line in 0usize..3, pos in 0usize..44, c in "[A-Z0-9<]") {
        let mut lines = build_lines(&doc).expect("build");
        let line = line % lines.len();
        let pos = pos % lines[line].len();
        let original = lines[line].clone();
        let mut bytes = original.clone().into_bytes();
        bytes[pos] = c.as_bytes()[0];
        lines[line] = String::from_utf8(bytes).expect("ascii");
        let r = parse(&lines, TODAY);
        let independent = corridor_mrz::field_checks(doc.format, &lines);
        if r.valid {
            // Undetected changes must leave a consistent document: the builder's own check
            // routine agrees every check digit holds (the weights 7-3-1 modulo 10 cannot
            // tell, e.g., '0' from 'A', 'K' or 'U' at the same place).
            prop_assert!(independent.iter().all(|(_, ok)| *ok), "{lines:?} {independent:?}");
        } else if lines[line] != original {
            prop_assert!(!r.errors.is_empty());
        }
        // Whatever the parser says of a check digit, the builder's routine says the same.
        for (name, ok) in independent {
            if let Some(c) = r.checks.iter().find(|c| c.name == name) {
                prop_assert_eq!(c.ok, ok, "{} on {:?}", name, lines);
            }
        }
    }
}
