//! Files Corridor writes and opens: rejects files, exports, the store itself
//! (issue 20, items 13-14).

use std::os::unix::fs::PermissionsExt;
use std::path::Path;

use crate::{code, corridor, fixture, stderr, stdout};

fn mode(p: &Path) -> u32 {
    std::fs::metadata(p).expect("meta").permissions().mode() & 0o777
}

fn ingest(store: &Path, mapping: &Path, csv: &Path) -> std::process::Output {
    corridor(
        store,
        &[
            "--purpose",
            "case MK-1",
            "ingest",
            "--mapping",
            mapping.to_str().expect("utf8"),
            csv.to_str().expect("utf8"),
        ],
    )
}

#[test]
fn the_store_and_the_rejects_file_are_private_and_a_planted_symlink_is_not_followed() {
    let dir = tempfile::tempdir().expect("tmp");
    let store = dir.path().join("s.db");
    assert_eq!(code(&corridor(&store, &["init"])), 0);
    assert_eq!(mode(&store), 0o600, "the store holds personal data");

    let (mapping, csv) = fixture(dir.path(), 3);
    let good = std::fs::read_to_string(&csv).expect("read");
    std::fs::write(&csv, format!("{good}MK-X,Secret Name,31/02/1990,suspect,\n")).expect("write");
    let victim = dir.path().join("victim.txt");
    std::fs::write(&victim, "precious").expect("write");
    let rejects = dir.path().join("mk.csv.rejects.jsonl");
    std::os::unix::fs::symlink(&victim, &rejects).expect("symlink");

    let o = ingest(&store, &mapping, &csv);
    assert_eq!(code(&o), 3, "{}", stderr(&o));
    assert_eq!(
        std::fs::read_to_string(&victim).expect("read"),
        "precious",
        "the link was followed"
    );
    let meta = std::fs::symlink_metadata(&rejects).expect("rejects");
    assert!(meta.file_type().is_file());
    assert_eq!(mode(&rejects), 0o600);
    assert!(std::fs::read_to_string(&rejects).expect("read").contains("Secret Name"));
    assert!(
        stdout(&o).contains("replaced the earlier rejects file"),
        "{}",
        stdout(&o)
    );
    let temporaries: Vec<_> = std::fs::read_dir(dir.path())
        .expect("ls")
        .filter_map(|e| e.ok())
        .filter(|e| e.file_name().to_string_lossy().ends_with(".partial"))
        .collect();
    assert!(temporaries.is_empty());

    // The input corrected: the earlier rejects file no longer describes it.
    std::fs::write(&csv, &good).expect("write");
    let o = ingest(&store, &mapping, &csv);
    assert_eq!(code(&o), 0, "{}", stderr(&o));
    assert!(!rejects.exists(), "a stale rejects file stayed");
    assert!(stdout(&o).contains("removed the earlier"), "{}", stdout(&o));
}

#[test]
fn an_ingest_whose_every_row_is_rejected_is_logged_and_duplicates_keep_their_row() {
    let dir = tempfile::tempdir().expect("tmp");
    let store = dir.path().join("s.db");
    assert_eq!(code(&corridor(&store, &["init"])), 0);
    let (mapping, csv) = fixture(dir.path(), 0);
    let header = std::fs::read_to_string(&csv).expect("read");
    std::fs::write(&csv, format!("{header}MK-X,Secret Name,31/02/1990,suspect,\n")).expect("write");
    let o = ingest(&store, &mapping, &csv);
    assert_eq!(code(&o), 3, "{}", stderr(&o));
    let log = stdout(&corridor(&store, &["--json", "audit", "log"]));
    let entries: serde_json::Value = serde_json::from_str(&log).expect("json");
    let last = entries.as_array().and_then(|a| a.last()).expect("an entry");
    assert_eq!(last["action"], "ingest.rejected", "{last}");
    assert_eq!(last["purpose"], "case MK-1");
    assert!(last["detail"].as_str().is_some_and(|d| d.contains("rejects_file")));

    std::fs::write(
        &csv,
        format!("{header}MK-1,First Person,01/02/1990,suspect,\nMK-1,Other Person,02/02/1990,suspect,\n"),
    )
    .expect("write");
    let o = ingest(&store, &mapping, &csv);
    assert_eq!(code(&o), 3, "{}", stderr(&o));
    let text = std::fs::read_to_string(dir.path().join("mk.csv.rejects.jsonl")).expect("rejects");
    let line: serde_json::Value = serde_json::from_str(text.trim()).expect("json");
    assert!(
        line["reason"].as_str().is_some_and(|r| r.contains("duplicate")),
        "{line}"
    );
    assert!(line["original"].to_string().contains("Other Person"), "{line}");
}

#[test]
fn an_export_refuses_to_overwrite_without_force_and_is_private() {
    let dir = tempfile::tempdir().expect("tmp");
    let store = dir.path().join("s.db");
    assert_eq!(code(&corridor(&store, &["init"])), 0);
    let (mapping, csv) = fixture(dir.path(), 10);
    assert_eq!(code(&ingest(&store, &mapping, &csv)), 0);
    let out = dir.path().join("net.graphml");
    std::fs::write(&out, "keep me").expect("write");
    let export = |extra: &[&str]| {
        let args = [
            extra,
            &[
                "network",
                "export",
                "--format",
                "graphml",
                "--out",
                out.to_str().expect("utf8"),
            ],
        ]
        .concat();
        corridor(&store, &args)
    };
    let o = export(&[]);
    assert_eq!(code(&o), 4, "{}", stderr(&o));
    assert!(stderr(&o).contains("--force"), "{}", stderr(&o));
    assert_eq!(std::fs::read_to_string(&out).expect("read"), "keep me");
    let o = export(&["--force"]);
    assert_eq!(code(&o), 0, "{}", stderr(&o));
    assert!(std::fs::read_to_string(&out).expect("read").contains("<graphml"));
    assert_eq!(mode(&out), 0o600);
}

#[test]
fn another_applications_database_and_an_empty_file_are_not_taken_for_stores() {
    let dir = tempfile::tempdir().expect("tmp");
    let other = dir.path().join("other.sqlite");
    let conn = rusqlite::Connection::open(&other).expect("open");
    conn.execute_batch("CREATE TABLE invoices (id INTEGER PRIMARY KEY, amount REAL)")
        .expect("create");
    drop(conn);
    let before = std::fs::read(&other).expect("read");
    for args in [&["init"][..], &["stats"][..]] {
        let o = corridor(&other, args);
        assert_ne!(code(&o), 0, "{args:?}");
        assert!(stderr(&o).contains("not a Corridor store"), "{}", stderr(&o));
    }
    assert_eq!(
        std::fs::read(&other).expect("read"),
        before,
        "the other database was changed"
    );

    let empty = dir.path().join("empty.db");
    std::fs::write(&empty, "").expect("write");
    let o = corridor(&empty, &["stats"]);
    assert_eq!(code(&o), 5, "{}", stderr(&o));
    assert!(stderr(&o).contains("not a Corridor store"), "{}", stderr(&o));
    assert_eq!(std::fs::metadata(&empty).expect("meta").len(), 0);

    let text = dir.path().join("notes.txt");
    std::fs::write(&text, "this is not a database at all, just some text\n".repeat(100)).expect("write");
    let o = corridor(&text, &["init"]);
    assert_ne!(code(&o), 0);
    assert!(stderr(&o).contains("not a Corridor store"), "{}", stderr(&o));
}

#[test]
fn an_absurd_retention_period_and_an_impossible_window_day_are_refused() {
    let dir = tempfile::tempdir().expect("tmp");
    let store = dir.path().join("s.db");
    let policy = dir.path().join("policy.json");
    std::fs::write(
        &policy,
        r#"{"review_after_months": {"suspect": 2000000000, "victim": 12}}"#,
    )
    .expect("write");
    let o = corridor(&store, &["init", "--retention", policy.to_str().expect("utf8")]);
    assert_eq!(code(&o), 4, "{}", stderr(&o));
    assert!(stderr(&o).contains("1 to 1200 months"), "{}", stderr(&o));
    assert!(!store.exists(), "a store was created with a refused policy");

    assert_eq!(code(&corridor(&store, &["init"])), 0);
    let o = corridor(&store, &["network", "list", "--from", "2024-02-30"]);
    assert_ne!(code(&o), 0);
    assert!(stderr(&o).contains("2024-02-30"), "{}", stderr(&o));
}

#[test]
fn control_characters_are_escaped_on_the_terminal_and_formulas_neutralised_in_csv() {
    let dir = tempfile::tempdir().expect("tmp");
    let store = dir.path().join("s.db");
    assert_eq!(code(&corridor(&store, &["init"])), 0);
    let (mapping, csv) = fixture(dir.path(), 0);
    let header = std::fs::read_to_string(&csv).expect("read");
    let rows = "MK-1,\"Evil\u{1b}]0;owned\u{7}\u{0}Name\",01/02/1990,suspect,\n\
                MK-\u{1b}[2J9,Escaped Id,01/02/1990,suspect,\n\
                MK-2,\"=cmd|' /C calc'!A0\",02/02/1990,suspect,\n\
                MK-3,\"@HYPERLINK(\"\"http://x\"\")\",03/02/1990,suspect,+38970123456\n";
    std::fs::write(&csv, format!("{header}{rows}")).expect("write");
    let o = ingest(&store, &mapping, &csv);
    assert_eq!(code(&o), 3, "{}", stderr(&o));
    let rejects = std::fs::read_to_string(dir.path().join("mk.csv.rejects.jsonl")).expect("rejects");
    assert!(
        rejects.contains("control character"),
        "an id with ESC was not refused: {rejects}"
    );

    let id = "mk-crossings:MK-1:person";
    let o = corridor(&store, &["show", id]);
    assert_eq!(code(&o), 0, "{}", stderr(&o));
    let text = stdout(&o);
    assert!(
        !text.contains('\u{1b}') && !text.contains('\0') && !text.contains('\u{7}'),
        "{text:?}"
    );
    assert!(text.contains("\\u{1b}"), "{text}");
    let log = stdout(&corridor(&store, &["audit", "log"]));
    assert!(!log.contains('\u{1b}'), "{log:?}");

    let o = corridor(&store, &["resolve", "records"]);
    assert_eq!(code(&o), 0, "{}", stderr(&o));
    let mut reader = csv::Reader::from_reader(o.stdout.as_slice());
    let names: Vec<String> = reader.records().map(|r| r.expect("row")[4].to_string()).collect();
    assert!(names.contains(&"'=cmd|' /C calc'!A0".to_string()), "{names:?}");
    assert!(names.iter().any(|n| n.starts_with("'@HYPERLINK")), "{names:?}");
    let phones: Vec<String> = csv::Reader::from_reader(o.stdout.as_slice())
        .records()
        .map(|r| r.expect("row")[11].to_string())
        .collect();
    assert!(
        phones.contains(&"+38970123456".to_string()),
        "a phone was altered: {phones:?}"
    );

    let o = corridor(&store, &["resolve", "records", "--format", "jsonl"]);
    assert!(
        stdout(&o).contains("\"=cmd|' /C calc'!A0\""),
        "JSON Lines must keep values as stored"
    );
}

#[test]
fn a_device_as_the_rejects_file_or_the_output_is_written_to_never_replaced() {
    use std::os::unix::fs::FileTypeExt;
    let dir = tempfile::tempdir().expect("tmp");
    let store = dir.path().join("s.db");
    assert_eq!(code(&corridor(&store, &["init"])), 0);
    let (mapping, csv) = fixture(dir.path(), 2);
    let good = std::fs::read_to_string(&csv).expect("read");
    let m = mapping.to_str().expect("utf8");
    let c = csv.to_str().expect("utf8");
    // A row rejected, then none (nothing new): a device is neither replaced nor
    // removed as a stale rejects file.
    for (text, want) in [(format!("{good}MK-X,Bad,31/02/1990,suspect,\n"), 3), (good.clone(), 0)] {
        std::fs::write(&csv, text).expect("write");
        let o = corridor(&store, &["ingest", "--rejects", "/dev/null", "--mapping", m, c]);
        assert_eq!(code(&o), want, "{}", stderr(&o));
    }
    // A named pipe gets the export, and stays a pipe.
    let fifo = dir.path().join("pipe");
    let made = std::process::Command::new("mkfifo")
        .arg(&fifo)
        .status()
        .expect("mkfifo");
    assert!(made.success());
    let reading = {
        let fifo = fifo.clone();
        std::thread::spawn(move || std::fs::read_to_string(&fifo).expect("read the pipe"))
    };
    let o = corridor(
        &store,
        &[
            "network",
            "export",
            "--format",
            "graphml",
            "--out",
            fifo.to_str().expect("utf8"),
        ],
    );
    assert_eq!(code(&o), 0, "{}", stderr(&o));
    assert!(reading.join().expect("reader").contains("<graphml"));
    assert!(std::fs::metadata(&fifo).expect("meta").file_type().is_fifo());
}

#[test]
fn the_rejects_path_and_outputs_never_take_the_store_its_key_or_another_file() {
    let dir = tempfile::tempdir().expect("tmp");
    let store = dir.path().join("s.db");
    assert_eq!(code(&corridor(&store, &["init"])), 0);
    let (mapping, csv) = fixture(dir.path(), 2);
    let good = std::fs::read_to_string(&csv).expect("read");
    let m = mapping.to_str().expect("utf8");
    let c = csv.to_str().expect("utf8");
    let precious = dir.path().join("notes.txt");
    std::fs::write(&precious, "precious").expect("write");
    let store_bytes = std::fs::read(&store).expect("read");
    for target in [&store, &dir.path().join("s.db.key"), &precious, &csv] {
        for text in [format!("{good}MK-X,Bad,31/02/1990,suspect,\n"), good.clone()] {
            std::fs::write(&csv, &text).expect("write");
            let before = std::fs::read(target).expect("read");
            let o = corridor(
                &store,
                &["ingest", "--rejects", target.to_str().expect("utf8"), "--mapping", m, c],
            );
            assert_eq!(code(&o), 4, "{target:?}: {}", stderr(&o));
            assert!(stderr(&o).contains("not a rejects file"), "{}", stderr(&o));
            assert_eq!(
                std::fs::read(target).expect("still there"),
                before,
                "{target:?} was changed"
            );
        }
    }
    assert_eq!(std::fs::read(&store).expect("read"), store_bytes);

    // Outputs: never the store or its key, not twice the same file.
    assert_eq!(code(&corridor(&store, &["ingest", "--mapping", m, c])), 0);
    let s = store.to_str().expect("utf8");
    let o = corridor(&store, &["--force", "resolve", "run", "--pairs", s]);
    assert_eq!(code(&o), 4, "{}", stderr(&o));
    let same = dir.path().join("same.out");
    let same = same.to_str().expect("utf8");
    let o = corridor(&store, &["resolve", "run", "--pairs", same, "--save-model", same]);
    assert_eq!(code(&o), 4, "{}", stderr(&o));
    assert_eq!(code(&corridor(&store, &["check"])), 0);

    // A store is never created through a symbolic link.
    let link = dir.path().join("link.db");
    std::os::unix::fs::symlink(dir.path().join("elsewhere.db"), &link).expect("symlink");
    let o = corridor(&link, &["init"]);
    assert_ne!(code(&o), 0);
    assert!(!dir.path().join("elsewhere.db").exists());
}

#[test]
fn a_name_under_dev_is_written_to_as_a_stream() {
    let dir = tempfile::tempdir().expect("tmp");
    let store = dir.path().join("s.db");
    assert_eq!(code(&corridor(&store, &["init"])), 0);
    let (mapping, csv) = fixture(dir.path(), 3);
    let m = mapping.to_str().expect("utf8");
    assert_eq!(
        code(&corridor(
            &store,
            &["ingest", "--mapping", m, csv.to_str().expect("utf8")]
        )),
        0
    );
    // Standard output a file, written through /dev/stdout, which stays a link.
    let captured = dir.path().join("captured.graphml");
    let o = std::process::Command::new(crate::BIN)
        .arg("--store")
        .arg(&store)
        .args([
            "--user",
            "tester",
            "--force",
            "network",
            "export",
            "--format",
            "graphml",
            "--out",
            "/dev/stdout",
        ])
        .stdout(std::fs::File::create(&captured).expect("create"))
        .output()
        .expect("run");
    assert_eq!(code(&o), 0, "{}", stderr(&o));
    assert!(std::fs::read_to_string(&captured).expect("read").contains("<graphml"));
}

#[test]
fn row_numbers_are_physical_lines_in_windows_files_too() {
    let dir = tempfile::tempdir().expect("tmp");
    let store = dir.path().join("s.db");
    assert_eq!(code(&corridor(&store, &["init"])), 0);
    let (mapping, _) = fixture(dir.path(), 0);
    let m = mapping.to_str().expect("utf8");
    for (name, eol) in [("crlf.csv", "\r\n"), ("lf.csv", "\n")] {
        let file = dir.path().join(name);
        let text = [
            "id,name,born,category,phone",
            "MK-1,Good,01/02/1990,suspect,",
            "",
            "MK-2,Bad,31/02/1990,suspect,",
        ]
        .join(eol)
            + eol;
        std::fs::write(&file, text).expect("write");
        let o = corridor(&store, &["ingest", "--mapping", m, file.to_str().expect("utf8")]);
        assert_eq!(code(&o), 3, "{}", stderr(&o));
        let mut rejects = file.as_os_str().to_owned();
        rejects.push(".rejects.jsonl");
        let line: serde_json::Value =
            serde_json::from_str(std::fs::read_to_string(&rejects).expect("rejects").trim()).expect("json");
        assert_eq!(line["row"], 4, "{name}: {line}");
    }
}

#[test]
fn rejects_to_standard_output_appended_to_a_file_keep_what_the_file_held() {
    let dir = tempfile::tempdir().expect("tmp");
    let store = dir.path().join("s.db");
    assert_eq!(code(&corridor(&store, &["init"])), 0);
    let (mapping, csv) = fixture(dir.path(), 2);
    let good = std::fs::read_to_string(&csv).expect("read");
    std::fs::write(&csv, format!("{good}MK-X,Secret Name,31/02/1990,suspect,\n")).expect("write");
    // `corridor ingest … --rejects /dev/stdout >> log`.
    let log = dir.path().join("log.txt");
    std::fs::write(&log, "EARLIER LINE\n").expect("write");
    let appending = std::fs::OpenOptions::new().append(true).open(&log).expect("open");
    let status = std::process::Command::new(crate::BIN)
        .args([
            "--store",
            store.to_str().expect("utf8"),
            "--user",
            "tester",
            "--purpose",
            "case MK-1",
        ])
        .args([
            "ingest",
            "--mapping",
            mapping.to_str().expect("utf8"),
            csv.to_str().expect("utf8"),
        ])
        .args(["--rejects", "/dev/stdout"])
        .stdout(appending)
        .status()
        .expect("run");
    assert_eq!(status.code(), Some(3), "a rejected row");
    let text = std::fs::read_to_string(&log).expect("read");
    assert!(text.starts_with("EARLIER LINE\n"), "{text}");
    assert!(text.contains("MK-X") && text.contains("\"reason\""), "{text}");
}

#[test]
fn a_rejects_file_whose_first_row_is_long_is_still_recognised_on_a_rerun() {
    let dir = tempfile::tempdir().expect("tmp");
    let store = dir.path().join("s.db");
    assert_eq!(code(&corridor(&store, &["init"])), 0);
    let (mapping, csv) = fixture(dir.path(), 2);
    let good = std::fs::read_to_string(&csv).expect("read");
    // A rejected row of 100 KiB: its line in the rejects file outgrows the 64 KiB
    // read to recognise the file.
    let long = "x".repeat(100 * 1024);
    std::fs::write(&csv, format!("{good}MK-X,{long},31/02/1990,suspect,\n")).expect("write");
    for run in 0..2 {
        let o = ingest(&store, &mapping, &csv);
        assert_eq!(code(&o), 3, "run {run}: {}", stderr(&o));
    }
    let rejects = std::fs::read_to_string(dir.path().join("mk.csv.rejects.jsonl")).expect("rejects");
    assert!(rejects.starts_with("{\"row\":"), "{}", &rejects[..40]);
}
