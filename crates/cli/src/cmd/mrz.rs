//! `corridor mrz check`: validate machine-readable zones from standard input.

use std::io::Write;
use std::process::ExitCode;

use chrono::Datelike;
use serde::Serialize;

use crate::args::MrzCommand;
use crate::exit::{Code, Failure, Result};

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
        drop(out);
        return crate::lines::map_stdin_lines(|line| check_json_line(line, today)).map(|()| ExitCode::SUCCESS);
    } else {
        let mut doc: Vec<String> = Vec::new();
        let mut input = stdin.lock();
        let mut n = 0u64;
        loop {
            let line = match crate::lines::next_line(&mut input, n + 1) {
                Ok(Some(bytes)) => String::from_utf8(bytes).map_err(|_| std::io::ErrorKind::InvalidData.into()),
                Ok(None) => break,
                Err(e) => {
                    out.flush()?;
                    return Err(e);
                }
            };
            n += 1;
            let line = match line {
                Ok(line) => line,
                Err::<_, std::io::Error>(e) if e.kind() == std::io::ErrorKind::InvalidData => {
                    // The documents before it are written (the writer flushes as it
                    // is dropped); the error says where to look.
                    out.flush()?;
                    return Err(Failure::new(
                        Code::BadInput,
                        anyhow::anyhow!(
                            "line {n} is not UTF-8: the documents before it are written; convert the input to UTF-8 and run again"
                        ),
                    ));
                }
                Err(e) => return Err(e.into()),
            };
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

#[derive(serde::Deserialize)]
struct In {
    #[serde(default)]
    id: Option<serde_json::Value>,
    lines: Vec<String>,
}

/// One `{"id", "lines"}` object in, one result object out; a line that is not such an
/// object gets a result saying so, so every input line has exactly one output line.
fn check_json_line(line: &str, today: corridor_mrz::Today) -> String {
    if line.trim().is_empty() {
        return serde_json::json!({"valid": false, "errors": ["empty input line"]}).to_string();
    }
    match serde_json::from_str::<In>(line) {
        Ok(input) => {
            let parsed = corridor_mrz::parse(&input.lines, today);
            serde_json::to_string(&Out {
                id: input.id.as_ref(),
                parsed,
            })
            .unwrap_or_else(|e| {
                serde_json::json!({"valid": false, "errors": [format!("could not write the result: {e}")]}).to_string()
            })
        }
        Err(e) => serde_json::json!({
            "valid": false,
            "errors": [format!("expected {{\"id\": ..., \"lines\": [...]}}: {e}")]
        })
        .to_string(),
    }
}
