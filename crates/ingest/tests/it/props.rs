//! Property tests of the parsers of outside input: they never panic, and what they
//! accept round-trips.

use corridor_ingest::Mapping;
use corridor_ingest::dates::{DateFormat, parse_date};
use proptest::prelude::*;

proptest! {
    #![proptest_config(ProptestConfig::with_cases(512))]

    #[test]
    fn mapping_parse_never_panics(text in "\\PC{0,400}") {
        let _ = Mapping::parse("fuzz.toml", &text);
    }

    #[test]
    fn mapping_parse_never_panics_on_mutated_mappings(cut in 0usize..2000, insert in "\\PC{0,8}") {
        let base = crate::INTERCEPTIONS;
        let at = base.char_indices().map(|(i, _)| i).nth(cut % base.chars().count()).unwrap_or(0);
        let text = format!("{}{insert}{}", &base[..at], &base[at..]);
        if let Err(e) = Mapping::parse("m.toml", &text) {
            prop_assert!(e.line >= 1 && e.line <= text.lines().count() + 1);
        }
    }

    #[test]
    fn date_parsing_never_panics(value in "\\PC{0,30}", pattern in "[%YymdHMS./: -]{0,12}") {
        if let Ok(f) = DateFormat::new(&pattern) {
            let _ = f.parse(&value);
        }
        let _ = parse_date(&value, &[]);
    }

    #[test]
    fn dotted_dates_round_trip(y in 1000i32..9999, m in 1u32..=12, d in 1u32..=28, h in 0u32..24, min in 0u32..60) {
        let f = DateFormat::new("%d.%m.%Y %H:%M").expect("format");
        let text = format!("{d}.{m:02}.{y} {h:02}:{min:02}");
        let parsed = parse_date(&text, &[f]).expect("valid date");
        prop_assert_eq!(parsed.to_iso(true), format!("{y:04}-{m:02}-{d:02}T{h:02}:{min:02}"));
    }
}
