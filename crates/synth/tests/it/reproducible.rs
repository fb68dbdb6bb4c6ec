//! The same seed and size give the same bytes; another seed gives other bytes.

use std::path::Path;

use corridor_synth::Size;

use crate::common::generate;

fn files(dir: &Path) -> Vec<(String, Vec<u8>)> {
    let mut out = Vec::new();
    let mut stack = vec![dir.to_path_buf()];
    while let Some(d) = stack.pop() {
        for e in std::fs::read_dir(&d).expect("read dir") {
            let p = e.expect("entry").path();
            if p.is_dir() {
                stack.push(p);
            } else {
                let rel = p.strip_prefix(dir).expect("prefix").display().to_string();
                out.push((rel, std::fs::read(&p).expect("read")));
            }
        }
    }
    out.sort();
    out
}

#[test]
fn same_seed_same_bytes_other_seed_other_bytes() {
    let tmp = tempfile::tempdir().expect("tempdir");
    let a = generate(&tmp.path().join("a"), 7, Size::Demo);
    let b = generate(&tmp.path().join("b"), 7, Size::Demo);
    let c = generate(&tmp.path().join("c"), 8, Size::Demo);
    let (fa, fb, fc) = (
        files(&tmp.path().join("a")),
        files(&tmp.path().join("b")),
        files(&tmp.path().join("c")),
    );
    assert_eq!(
        fa.len(),
        2 * a.files.len() + a.truth.len() + a.watchlists.len() + 1,
        "data, mappings, truth, watchlists and manifest"
    );
    assert_eq!(
        fa.iter().map(|f| &f.0).collect::<Vec<_>>(),
        fb.iter().map(|f| &f.0).collect::<Vec<_>>()
    );
    for ((name, x), (_, y)) in fa.iter().zip(&fb) {
        assert!(x == y, "{name} differs between two runs with the same seed");
    }
    assert_eq!(a.records, b.records);
    let data_differs = fa
        .iter()
        .zip(&fc)
        .filter(|((n, _), _)| !n.ends_with(".toml"))
        .any(|((_, x), (_, y))| x != y);
    assert!(data_differs, "another seed must give other data");
    assert_ne!(a.persons, 0);
    assert!(c.records >= 3_000);
}

#[test]
fn refuses_foreign_directories_and_overwrites_its_own_output() {
    let tmp = tempfile::tempdir().expect("tempdir");
    std::fs::write(tmp.path().join("notes.txt"), "mine").expect("write");
    let err = corridor_synth::generate(
        &corridor_synth::SynthConfig {
            seed: 1,
            size: Size::Records(200),
            latin_only: false,
        },
        tmp.path(),
    )
    .expect_err("a foreign non-empty directory is refused");
    assert!(err.to_string().contains("manifest.json"), "{err}");
    let out = tmp.path().join("out");
    let first = generate(&out, 1, Size::Records(500));
    let again = corridor_synth::generate(
        &corridor_synth::SynthConfig {
            seed: 1,
            size: Size::Records(500),
            latin_only: false,
        },
        &out,
    )
    .expect("overwrite");
    assert_eq!(first.records, again.records);
    let manifest: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(out.join("manifest.json")).expect("manifest")).expect("json");
    assert_eq!(manifest["records"].as_u64(), Some(again.records));
}

#[test]
fn the_latin_twin_has_the_same_records_with_names_in_latin_script() {
    let tmp = tempfile::tempdir().expect("tempdir");
    let make = |dir: &str, latin_only: bool| {
        corridor_synth::generate(
            &corridor_synth::SynthConfig {
                seed: 3,
                size: Size::Records(2000),
                latin_only,
            },
            &tmp.path().join(dir),
        )
        .expect("generate")
    };
    let (mixed, latin) = (make("mixed", false), make("latin", true));
    assert_eq!(mixed.records, latin.records);
    let truth = |dir: &str| std::fs::read(tmp.path().join(dir).join("truth/identities.csv")).expect("truth");
    assert_eq!(truth("mixed"), truth("latin"), "same people in the same records");
    let text = |dir: &str| -> String {
        let mut all = String::new();
        for f in &mixed.files {
            all.push_str(&std::fs::read_to_string(tmp.path().join(dir).join(&f.data)).expect("data"));
        }
        all
    };
    let non_latin = |s: &str| s.chars().filter(|c| ('\u{0370}'..='\u{06FF}').contains(c)).count();
    assert!(
        non_latin(&text("mixed")) > 0,
        "the original writes Greek, Cyrillic or Arabic names"
    );
    let (m, l) = (non_latin(&text("mixed")), non_latin(&text("latin")));
    assert!(
        l + 500 < m,
        "the twin writes names in Latin (agency vocabulary stays in its script): {l} vs {m} letters"
    );
}
