//! Rows and names past the documented limits (issue 20, item 7): rejected or
//! bounded, each at a bounded cost, never buffered whole.

use crate::{code, corridor, fixture, stderr, stdout};

#[test]
fn overlong_lines_and_fields_are_rejected_by_row_and_the_rest_is_ingested() {
    let dir = tempfile::tempdir().expect("tmp");
    let store = dir.path().join("s.db");
    assert_eq!(code(&corridor(&store, &["init"])), 0);
    let (mapping, csv) = fixture(dir.path(), 2);
    let mut text = std::fs::read_to_string(&csv).expect("read");
    // Row 4: a 2 MiB line, quoted, with line breaks inside the quotes.
    let huge = "Z".repeat(700_000);
    text.push_str(&format!("MK-H,\"{huge}\n{huge}\n{huge}\",01/02/1990,suspect,\n"));
    // Row 7 (the quoted breaks count as lines): a 100 KB field.
    text.push_str(&format!("MK-F,{},01/02/1990,suspect,\n", "Y".repeat(100_000)));
    // Row 8: 3,000 words, under the field limit: stored, compared on 16 words.
    let words = vec!["Ahmad"; 3000].join(" ");
    text.push_str(&format!("MK-W,{words},01/02/1990,suspect,\n"));
    text.push_str("MK-L,Last Person,03/04/1985,suspect,+38970999999\n");
    std::fs::write(&csv, text).expect("write");
    let o = corridor(
        &store,
        &[
            "ingest",
            "--mapping",
            mapping.to_str().expect("utf8"),
            csv.to_str().expect("utf8"),
        ],
    );
    assert_eq!(code(&o), 3, "{}", stderr(&o));
    assert!(
        stdout(&o).contains("4 new") && stdout(&o).contains("2 rejected"),
        "{}",
        stdout(&o)
    );
    let rejects = std::fs::read_to_string(dir.path().join("mk.csv.rejects.jsonl")).expect("rejects");
    let rows: Vec<serde_json::Value> = rejects
        .lines()
        .map(|l| serde_json::from_str(l).expect("json"))
        .collect();
    assert_eq!(rows.len(), 2);
    assert_eq!(rows[0]["row"], 4);
    assert!(
        rows[0]["reason"].as_str().is_some_and(|r| r.contains("--max-line")),
        "{}",
        rows[0]
    );
    assert_eq!(rows[1]["row"], 7);
    assert!(
        rows[1]["reason"].as_str().is_some_and(|r| r.contains("--max-field")),
        "{}",
        rows[1]
    );
    assert!(rejects.len() < 10_000, "the rejects file holds the overlong values");
    let o = corridor(&store, &["show", "mk-crossings:MK-L:person"]);
    assert_eq!(code(&o), 0, "{}", stderr(&o));

    // The limits are the user's to set.
    let o = corridor(
        &store,
        &[
            "ingest",
            "--max-field",
            "200000",
            "--mapping",
            mapping.to_str().expect("utf8"),
            csv.to_str().expect("utf8"),
        ],
    );
    assert!(stdout(&o).contains("1 rejected"), "{}", stdout(&o));

    // The 3,000-word name costs what 16 words cost.
    let o = corridor(&store, &["resolve", "run"]);
    assert_eq!(code(&o), 0, "{}", stderr(&o));
}

#[test]
fn a_device_or_a_file_without_line_ends_is_refused_and_a_huge_name_is_not_compared() {
    let dir = tempfile::tempdir().expect("tmp");
    let store = dir.path().join("s.db");
    assert_eq!(code(&corridor(&store, &["init"])), 0);
    let (mapping, _) = fixture(dir.path(), 0);
    let m = mapping.to_str().expect("utf8");
    let o = corridor(&store, &["ingest", "--mapping", m, "/dev/zero"]);
    assert_eq!(code(&o), 4, "{}", stderr(&o));
    assert!(stderr(&o).contains("not a regular file"), "{}", stderr(&o));

    let zeros = dir.path().join("zeros.csv");
    std::fs::write(&zeros, vec![0u8; 3 << 20]).expect("write");
    let o = corridor(&store, &["ingest", "--mapping", m, zeros.to_str().expect("utf8")]);
    assert_eq!(code(&o), 4, "{}", stderr(&o));
    assert!(stderr(&o).contains("header line is longer"), "{}", stderr(&o));

    let long = vec!["Abdul"; 10_000].join(" ");
    let o = corridor(&store, &["names", "compare", &long, "Abdul Rahman"]);
    assert_eq!(code(&o), 4, "{}", stderr(&o));
    assert!(stderr(&o).contains("256"), "{}", stderr(&o));
}

#[test]
fn line_filters_refuse_a_line_without_end_instead_of_holding_it() {
    use std::io::Write;
    for args in [&["names", "keys"][..], &["mrz", "check"], &["mrz", "check", "--jsonl"]] {
        let mut child = std::process::Command::new(crate::BIN)
            .args(args)
            .stdin(std::process::Stdio::piped())
            .stdout(std::process::Stdio::piped())
            .stderr(std::process::Stdio::piped())
            .spawn()
            .expect("spawn");
        let mut input = child.stdin.take().expect("stdin");
        // "Ana", an empty line (the end of a document), then 3 MiB without a line end.
        let writer = std::thread::spawn(move || {
            let _ = input.write_all(b"Ana\n\n");
            let _ = input.write_all(&vec![b'A'; 3 << 20]);
        });
        let o = child.wait_with_output().expect("wait");
        let _ = writer.join();
        assert_eq!(
            o.status.code(),
            Some(4),
            "{args:?}: {}",
            String::from_utf8_lossy(&o.stderr)
        );
        assert!(
            String::from_utf8_lossy(&o.stderr).contains("line 3 is longer than"),
            "{args:?}"
        );
        assert!(!o.stdout.is_empty(), "{args:?}: the first line's result is written");
    }
}
