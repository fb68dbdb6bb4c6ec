//! `corridor mrz check`: validate machine-readable zones from standard input.

use std::io::{BufRead, Write};
use std::process::ExitCode;

use chrono::Datelike;
use serde::Serialize;

use crate::args::MrzCommand;
use crate::exit::Result;

#[derive(Serialize)]
struct Out<'a> {
    #[serde(skip_serializing_if = "Option::is_none")]
    id: Option<&'a serde_json::Value>,
    #[serde(flatten)]
    parsed: corridor_mrz::Parsed,
}

pub(crate) fn run(cmd: &MrzCommand) -> Result<ExitCode> {
    let MrzCommand::Check { jsonl } = cmd;
    let now = chrono::Utc::now().date_naive();
    let today = (now.year(), now.month(), now.day());
    let stdin = std::io::stdin();
    let stdout = std::io::stdout();
    let mut out = std::io::BufWriter::new(stdout.lock());
    let emit = |out: &mut dyn Write, id: Option<&serde_json::Value>, lines: &[String]| -> Result<()> {
        let parsed = corridor_mrz::parse(lines, today);
        writeln!(out, "{}", serde_json::to_string(&Out { id, parsed })?)?;
        Ok(())
    };
    if *jsonl {
        for (n, line) in stdin.lock().lines().enumerate() {
            let line = line?;
            if line.trim().is_empty() {
                continue;
            }
            let value: serde_json::Value = match serde_json::from_str(&line) {
                Ok(v) => v,
                Err(e) => {
                    let bad = serde_json::json!({"valid": false, "errors": [format!("input line {}: invalid JSON: {e}", n + 1)]});
                    writeln!(out, "{bad}")?;
                    continue;
                }
            };
            let lines: Option<Vec<String>> = value["lines"]
                .as_array()
                .map(|a| a.iter().filter_map(|l| l.as_str().map(str::to_string)).collect());
            match lines {
                Some(lines) => emit(&mut out, value.get("id"), &lines)?,
                None => writeln!(
                    out,
                    "{}",
                    serde_json::json!({
                        "id": value.get("id"), "valid": false,
                        "errors": [format!("input line {}: expected {{\"id\": ..., \"lines\": [...]}}", n + 1)]
                    })
                )?,
            }
        }
    } else {
        let mut doc: Vec<String> = Vec::new();
        for line in stdin.lock().lines() {
            let line = line?;
            if line.trim().is_empty() {
                if !doc.is_empty() {
                    emit(&mut out, None, &doc)?;
                    doc.clear();
                }
            } else {
                doc.push(line.trim().to_string());
            }
        }
        if !doc.is_empty() {
            emit(&mut out, None, &doc)?;
        }
    }
    out.flush()?;
    Ok(ExitCode::SUCCESS)
}
