//! Every mapping written beside a data file parses, names its data set uniquely,
//! and reads only columns the file has.

use corridor_ingest::Mapping;

use crate::common::fixture;

#[test]
fn every_mapping_parses() {
    let fx = fixture();
    let mut datasets = Vec::new();
    for f in &fx.report.files {
        let text = std::fs::read_to_string(fx.dir.join(&f.mapping)).expect("mapping file");
        let m = Mapping::parse(&f.mapping.display().to_string(), &text).unwrap_or_else(|e| panic!("{e}"));
        assert_eq!(m.source.agency, f.agency);
        datasets.push(m.dataset);
    }
    let n = datasets.len();
    datasets.sort();
    datasets.dedup();
    assert_eq!(datasets.len(), n, "data set names are unique");
    assert!(n >= 18, "agencies export many layouts");
}

#[test]
fn ten_agencies_in_their_own_formats() {
    let fx = fixture();
    let mut agencies: Vec<&str> = fx.report.files.iter().map(|f| f.agency.as_str()).collect();
    agencies.dedup();
    assert_eq!(
        agencies.len(),
        10,
        "files of one agency are listed together: {agencies:?}"
    );
    let ext = |e: &str| {
        fx.report
            .files
            .iter()
            .filter(|f| f.data.extension().is_some_and(|x| x == e))
            .count()
    };
    assert!(ext("jsonl") >= 3 && ext("tsv") >= 2 && ext("csv") >= 10);
    assert!(
        fx.report.files.iter().all(|f| f.rows > 0),
        "every file has rows in a demo: {:?}",
        fx.report.files
    );
}

/// Whatever the seed, a demo fills every file, so every layout can be shown.
#[test]
fn demos_fill_every_file_whatever_the_seed() {
    let tmp = tempfile::tempdir().expect("tempdir");
    for seed in 0..20 {
        let r = crate::common::generate(&tmp.path().join(seed.to_string()), seed, corridor_synth::Size::Demo);
        let empty: Vec<_> = r
            .files
            .iter()
            .filter(|f| f.rows == 0)
            .map(|f| f.data.display().to_string())
            .collect();
        assert!(empty.is_empty(), "seed {seed}: no rows in {empty:?}");
    }
}
