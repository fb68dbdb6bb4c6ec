//! End-to-end tests of the `corridor` binary, one test binary (see style.md).

mod anchor;
mod audit_trail;
mod commands;
mod demo;
mod graph;
mod kill;
mod limits;
mod network;
mod online;
mod output_files;
mod partners;
mod serve;
mod store_access;
mod users;

use std::path::{Path, PathBuf};
use std::process::{Command, Output};

pub(crate) const BIN: &str = env!("CARGO_BIN_EXE_corridor");

/// Runs `corridor --store STORE ARGS...` and returns its output.
pub(crate) fn corridor(store: &Path, args: &[&str]) -> Output {
    Command::new(BIN)
        .arg("--store")
        .arg(store)
        .arg("--user")
        .arg("tester")
        .args(args)
        .output()
        .expect("run corridor")
}

pub(crate) fn code(o: &Output) -> i32 {
    o.status.code().expect("exit code")
}

pub(crate) fn stdout(o: &Output) -> String {
    String::from_utf8_lossy(&o.stdout).into_owned()
}

pub(crate) fn stderr(o: &Output) -> String {
    String::from_utf8_lossy(&o.stderr).into_owned()
}

pub(crate) const MAPPING: &str = r#"
[dataset]
name = "mk-crossings"
format = "csv"
record_id = "id"
date_formats = ["%d/%m/%Y"]

[source]
agency = "mk-bp"
country = "MK"
unit = "Gevgelija"

[defaults]
grading = "B2"
handling = "H2"

[entities.person]
schema = "Person"
[entities.person.properties]
name = { column = "name" }
birthDate = { column = "born" }
category = { column = "category" }

[entities.phone]
schema = "Phone"
properties.number = { column = "phone" }

[entities.uses]
schema = "Uses"
properties.user = { entity = "person" }
properties.object = { entity = "phone" }
"#;

/// Writes the mapping and a CSV of `rows` generated rows into `dir`.
pub(crate) fn fixture(dir: &Path, rows: usize) -> (PathBuf, PathBuf) {
    let mapping = dir.join("mk.mapping.toml");
    std::fs::write(&mapping, MAPPING).expect("mapping");
    let csv = dir.join("mk.csv");
    let mut text = String::from("id,name,born,category,phone\n");
    for i in 0..rows {
        let category = if i % 5 == 0 { "suspect" } else { "victim" };
        text.push_str(&format!(
            "MK-{i:07},Person Number {i},{:02}/{:02}/{},{category},+38970{:06}\n",
            i % 28 + 1,
            i % 12 + 1,
            1960 + i % 40,
            i % 1_000_000
        ));
    }
    std::fs::write(&csv, text).expect("csv");
    (mapping, csv)
}
