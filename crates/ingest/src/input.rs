//! Reading agency files row by row in constant memory: CSV with a header line, or
//! JSON Lines. Each row is either values for the mapper or a reason to reject it.

use std::collections::HashSet;
use std::fs::File;
use std::io::{BufRead, BufReader, Read};

use sha2::{Digest, Sha256};
use std::path::{Path, PathBuf};

use crate::apply::{Cell, RowValues};
use crate::error::{Error, Result};
use crate::limits::{Cuts, Limits, RecordLimit};
use crate::mapping::{ColumnId, Format, Mapping};

/// A row as read, before mapping.
pub enum RawRow {
    Csv(csv::StringRecord),
    Json(serde_json::Map<String, serde_json::Value>),
}

impl RawRow {
    /// The row as JSON, for the rejects file.
    pub fn to_json(&self) -> serde_json::Value {
        match self {
            RawRow::Csv(r) => {
                serde_json::Value::Array(r.iter().map(|f| serde_json::Value::String(f.to_string())).collect())
            }
            RawRow::Json(o) => serde_json::Value::Object(o.clone()),
        }
    }
}

/// What the reader yields for each row of the file.
pub enum ReadItem {
    Row {
        row_number: u64,
        row: RawRow,
    },
    Reject {
        row_number: u64,
        reason: String,
        original: serde_json::Value,
    },
}

/// A file opened under a mapping, its header checked.
pub struct InputReader {
    path: PathBuf,
    kind: Kind,
    /// For CSV: the header position of each mapping column.
    positions: Vec<usize>,
    header_len: usize,
    /// For JSON Lines: top-level keys a row may have.
    known_keys: HashSet<String>,
    /// The mapping's columns (JSON key paths).
    columns: Vec<String>,
    /// Header columns the mapping neither reads nor ignores.
    pub unmapped: Vec<String>,
    bytes: u64,
    limits: Limits,
}

enum Kind {
    Csv {
        reader: Box<csv::Reader<RecordLimit<HashingFile>>>,
        cuts: std::sync::Arc<Cuts>,
        /// Records cut at the line limit so far.
        cut: u64,
        /// Records read so far, the header included.
        records: u64,
    },
    Json {
        reader: BufReader<HashingFile>,
        line: u64,
    },
}

/// The input file, hashed (SHA-256) as it is read, so the batch records the file's
/// digest without a second pass over it.
struct HashingFile {
    file: File,
    hasher: Sha256,
}

impl Read for HashingFile {
    fn read(&mut self, buf: &mut [u8]) -> std::io::Result<usize> {
        let n = self.file.read(buf)?;
        self.hasher.update(&buf[..n]);
        Ok(n)
    }
}

impl InputReader {
    /// Opens `path` and checks its header against the mapping before any row is read.
    pub fn open(path: &Path, mapping: &Mapping, limits: Limits) -> Result<InputReader> {
        let io = |source| Error::Io {
            path: path.to_path_buf(),
            source,
        };
        // A directory or a device (`/dev/zero`, `/dev/urandom`) is no agency file:
        // refused before a byte is read. Pipes are read as files.
        let kind = std::fs::metadata(path).map_err(io)?.file_type();
        {
            use std::os::unix::fs::FileTypeExt;
            if kind.is_dir() || kind.is_char_device() || kind.is_block_device() || kind.is_socket() {
                return Err(Error::Input {
                    path: path.to_path_buf(),
                    message: "not a regular file: give a CSV or JSON Lines file".into(),
                });
            }
        }
        let file = HashingFile {
            file: File::open(path).map_err(io)?,
            hasher: Sha256::new(),
        };
        match mapping.format {
            Format::Csv { delimiter } => {
                let (limited, cuts) = RecordLimit::new(file, limits.max_line, delimiter);
                let mut reader = csv::ReaderBuilder::new()
                    .delimiter(delimiter)
                    .has_headers(false)
                    .flexible(true)
                    .from_reader(limited);
                let mut header = csv::ByteRecord::new();
                let got = reader.read_byte_record(&mut header).map_err(|e| Error::Input {
                    path: path.to_path_buf(),
                    message: format!("cannot read the header line: {e}"),
                })?;
                cuts.take_start();
                if cuts.take_cut(0) {
                    return Err(Error::Input {
                        path: path.to_path_buf(),
                        message: format!(
                            "the header line is longer than {} bytes: this is not a CSV file with a header",
                            limits.max_line
                        ),
                    });
                }
                if !got {
                    return Err(Error::Input {
                        path: path.to_path_buf(),
                        message: "the file is empty: a header line is expected".into(),
                    });
                }
                let names: Vec<String> = header
                    .iter()
                    .enumerate()
                    .map(|(i, f)| {
                        let s = String::from_utf8_lossy(f);
                        let s = if i == 0 { s.trim_start_matches('\u{feff}') } else { &s };
                        s.trim().to_string()
                    })
                    .collect();
                // A column named twice: which of the two the mapping means is a
                // guess, and the other's values would be dropped without a word.
                let (mut seen, mut reported) = (std::collections::HashSet::new(), std::collections::HashSet::new());
                let duplicated: Vec<&str> = names
                    .iter()
                    .map(String::as_str)
                    .filter(|n| !n.is_empty() && !seen.insert(*n) && reported.insert(*n))
                    .collect();
                if !duplicated.is_empty() {
                    return Err(Error::Input {
                        path: path.to_path_buf(),
                        message: format!(
                            "the header names column(s) more than once: {}; give every column its own name",
                            duplicated
                                .iter()
                                .map(|n| format!("'{n}'"))
                                .collect::<Vec<_>>()
                                .join(", ")
                        ),
                    });
                }
                let mut positions = Vec::with_capacity(mapping.columns.len());
                let mut missing = Vec::new();
                for (i, col) in mapping.columns.iter().enumerate() {
                    match names.iter().position(|n| n == col) {
                        Some(p) => positions.push(p),
                        None => missing.push((mapping.column_lines[i], col)),
                    }
                }
                missing.sort();
                let missing: Vec<String> = missing
                    .iter()
                    .map(|(line, col)| format!("'{col}' (mapping line {line})"))
                    .collect();
                if !missing.is_empty() {
                    return Err(Error::Input {
                        path: path.to_path_buf(),
                        message: format!(
                            "the header lacks column(s) the mapping reads: {}; the header has: {}",
                            missing.join(", "),
                            names.join(", ")
                        ),
                    });
                }
                let unmapped = names
                    .iter()
                    .filter(|n| !mapping.columns.contains(n) && !mapping.ignore.contains(n))
                    .cloned()
                    .collect();
                Ok(InputReader {
                    path: path.to_path_buf(),
                    header_len: names.len(),
                    kind: Kind::Csv {
                        reader: Box::new(reader),
                        cuts,
                        cut: 0,
                        records: 1,
                    },
                    positions,
                    known_keys: HashSet::new(),
                    columns: mapping.columns.clone(),
                    unmapped,
                    bytes: 0,
                    limits,
                })
            }
            Format::JsonLines => {
                let mut known_keys: HashSet<String> = mapping
                    .columns
                    .iter()
                    .map(|c| c.split('.').next().unwrap_or(c).to_string())
                    .collect();
                known_keys.extend(mapping.ignore.iter().cloned());
                Ok(InputReader {
                    path: path.to_path_buf(),
                    header_len: 0,
                    kind: Kind::Json {
                        reader: BufReader::with_capacity(1 << 16, file),
                        line: 0,
                    },
                    positions: Vec::new(),
                    known_keys,
                    columns: mapping.columns.clone(),
                    unmapped: Vec::new(),
                    bytes: 0,
                    limits,
                })
            }
        }
    }

    /// The SHA-256 of everything read, hex; complete once `next_item` returned `None`.
    pub fn sha256(self) -> String {
        let file = match self.kind {
            Kind::Csv { reader, .. } => reader.into_inner().into_inner(),
            Kind::Json { reader, .. } => reader.into_inner(),
        };
        hex::encode(file.hasher.finalize())
    }

    /// Bytes consumed so far, for progress.
    pub fn bytes_read(&self) -> u64 {
        self.bytes
    }

    /// The next row, `Ok(None)` at the end of the file.
    pub fn next_item(&mut self) -> Result<Option<ReadItem>> {
        match &mut self.kind {
            Kind::Csv {
                reader,
                cuts,
                cut,
                records,
            } => {
                let mut rec = csv::ByteRecord::new();
                let more = reader.read_byte_record(&mut rec).map_err(|e| Error::Input {
                    path: self.path.clone(),
                    message: format!("unreadable CSV: {e}"),
                })?;
                if !more {
                    return Ok(None);
                }
                let pos = rec.position().cloned().unwrap_or_else(csv::Position::new);
                self.bytes = pos.byte() + cuts.skipped_bytes();
                // The line the record starts on, as the limiting reader counted it
                // (every break, CRLF or LF, skipped ones too); the csv reader's
                // count is the fallback.
                let row_number = cuts
                    .take_start()
                    .unwrap_or_else(|| (pos.line() + cuts.skipped_lines()).saturating_sub(*cut));
                *records += 1;
                if cuts.take_cut(*records - 1) {
                    *cut += 1;
                    return Ok(Some(ReadItem::Reject {
                        row_number,
                        reason: format!(
                            "line longer than {} bytes, the limit (--max-line): the row was skipped",
                            self.limits.max_line
                        ),
                        original: serde_json::Value::Null,
                    }));
                }
                if let Some((i, f)) = rec.iter().enumerate().find(|(_, f)| f.len() > self.limits.max_field) {
                    return Ok(Some(ReadItem::Reject {
                        row_number,
                        reason: format!(
                            "field {} is {} bytes long, over the limit of {} (--max-field)",
                            i + 1,
                            f.len(),
                            self.limits.max_field
                        ),
                        original: serde_json::Value::Null,
                    }));
                }
                let original = || {
                    serde_json::Value::Array(
                        rec.iter()
                            .map(|f| serde_json::Value::String(String::from_utf8_lossy(f).into_owned()))
                            .collect(),
                    )
                };
                if rec.len() != self.header_len {
                    return Ok(Some(ReadItem::Reject {
                        row_number,
                        reason: format!(
                            "wrong column count: the header has {}, this row has {}",
                            self.header_len,
                            rec.len()
                        ),
                        original: original(),
                    }));
                }
                match csv::StringRecord::from_byte_record(rec.clone()) {
                    Ok(r) => Ok(Some(ReadItem::Row {
                        row_number,
                        row: RawRow::Csv(r),
                    })),
                    Err(e) => {
                        let field = e.utf8_error().field();
                        let offset = e.utf8_error().valid_up_to();
                        Ok(Some(ReadItem::Reject {
                            row_number,
                            reason: format!(
                                "invalid UTF-8 in field {} at byte {offset}: convert the file to UTF-8",
                                field + 1
                            ),
                            original: original(),
                        }))
                    }
                }
            }
            Kind::Json { reader, line } => loop {
                let mut buf = Vec::new();
                let n = reader
                    .by_ref()
                    .take(self.limits.max_line + 1)
                    .read_until(b'\n', &mut buf)
                    .map_err(|source| Error::Io {
                        path: self.path.clone(),
                        source,
                    })?;
                if n == 0 {
                    return Ok(None);
                }
                *line += 1;
                self.bytes += n as u64;
                let row_number = *line;
                let max_line = self.limits.max_line;
                if n as u64 > max_line && !buf.ends_with(b"\n") {
                    // Skip the rest of the over-long line, at bounded cost: input
                    // that never ends a line is not JSON Lines.
                    let most = max_line.saturating_mul(crate::limits::SKIP_FACTOR);
                    let mut skipped = n as u64;
                    let mut rest = Vec::new();
                    loop {
                        rest.clear();
                        let m = reader
                            .by_ref()
                            .take(1 << 20)
                            .read_until(b'\n', &mut rest)
                            .map_err(|source| Error::Io {
                                path: self.path.clone(),
                                source,
                            })?;
                        self.bytes += m as u64;
                        skipped += m as u64;
                        if m == 0 || rest.ends_with(b"\n") {
                            break;
                        }
                        if skipped > most {
                            return Err(Error::Input {
                                path: self.path.clone(),
                                message: format!(
                                    "a line runs on past {most} bytes without ending: this is not a file of JSON \
                                     lines"
                                ),
                            });
                        }
                    }
                    return Ok(Some(ReadItem::Reject {
                        row_number,
                        reason: format!(
                            "line longer than {max_line} bytes, the limit (--max-line): the row was skipped"
                        ),
                        original: serde_json::Value::Null,
                    }));
                }
                let text = match std::str::from_utf8(&buf) {
                    Ok(t) => t,
                    Err(e) => {
                        return Ok(Some(ReadItem::Reject {
                            row_number,
                            reason: format!("invalid UTF-8 at byte {}: convert the file to UTF-8", e.valid_up_to()),
                            original: serde_json::Value::String(String::from_utf8_lossy(&buf).into_owned()),
                        }));
                    }
                };
                if text.trim().is_empty() {
                    continue;
                }
                let original = || serde_json::Value::String(text.trim_end().to_string());
                let obj = match serde_json::from_str::<serde_json::Value>(text) {
                    Ok(serde_json::Value::Object(o)) => o,
                    Ok(_) => {
                        return Ok(Some(ReadItem::Reject {
                            row_number,
                            reason: "the line is JSON but not an object".into(),
                            original: original(),
                        }));
                    }
                    Err(e) => {
                        return Ok(Some(ReadItem::Reject {
                            row_number,
                            reason: format!("invalid JSON: {e}"),
                            original: original(),
                        }));
                    }
                };
                if let Some(len) = obj
                    .iter()
                    .flat_map(|(k, v)| [Some(k.len()), longest_string(v)])
                    .flatten()
                    .max()
                    .filter(|l| *l > self.limits.max_field)
                {
                    return Ok(Some(ReadItem::Reject {
                        row_number,
                        reason: format!(
                            "a value is {len} bytes long, over the limit of {} (--max-field)",
                            self.limits.max_field
                        ),
                        original: serde_json::Value::Null,
                    }));
                }
                if let Some(unknown) = obj.keys().find(|k| !self.known_keys.contains(*k)) {
                    return Ok(Some(ReadItem::Reject {
                        row_number,
                        reason: format!(
                            "unknown property '{unknown}': it is not in the mapping; map it, or list it under ignore"
                        ),
                        original: original(),
                    }));
                }
                if let Some(reason) = self
                    .columns
                    .iter()
                    .find_map(|c| nested_value(&obj, c).or_else(|| inexact_number(&obj, c)))
                {
                    return Ok(Some(ReadItem::Reject {
                        row_number,
                        reason,
                        original: original(),
                    }));
                }
                return Ok(Some(ReadItem::Row {
                    row_number,
                    row: RawRow::Json(obj),
                }));
            },
        }
    }
}

/// The length of the longest string in a JSON value (keys included), if any.
fn longest_string(v: &serde_json::Value) -> Option<usize> {
    match v {
        serde_json::Value::String(s) => Some(s.len()),
        serde_json::Value::Array(a) => a.iter().filter_map(longest_string).max(),
        serde_json::Value::Object(o) => o
            .iter()
            .flat_map(|(k, v)| [Some(k.len()), longest_string(v)])
            .flatten()
            .max(),
        _ => None,
    }
}

/// A raw row seen through the mapping's column numbering.
pub struct View<'a> {
    pub row: &'a RawRow,
    pub positions: &'a [usize],
    pub columns: &'a [String],
}

impl InputReader {
    pub fn positions(&self) -> &[usize] {
        &self.positions
    }
}

impl RowValues for View<'_> {
    fn cell(&self, column: ColumnId) -> Cell<'_> {
        match self.row {
            RawRow::Csv(rec) => match self.positions.get(column).and_then(|&p| rec.get(p)) {
                Some(v) if !v.trim().is_empty() => Cell::One(v),
                _ => Cell::Empty,
            },
            RawRow::Json(obj) => {
                let mut parts = self.columns[column].split('.');
                let mut cur = parts.next().and_then(|k| obj.get(k));
                for k in parts {
                    cur = cur.and_then(|v| v.get(k));
                }
                json_cell(cur)
            }
        }
    }
}

/// The value at a dotted path (`person.name`) of a JSON object.
fn value_at<'v>(obj: &'v serde_json::Map<String, serde_json::Value>, path: &str) -> Option<&'v serde_json::Value> {
    let mut parts = path.split('.');
    let mut cur = parts.next().and_then(|k| obj.get(k));
    for k in parts {
        cur = cur.and_then(|v| v.get(k));
    }
    cur
}

/// A reason to reject the row when a mapped path holds an object or nested arrays,
/// which have no single value to store.
fn nested_value(obj: &serde_json::Map<String, serde_json::Value>, path: &str) -> Option<String> {
    use serde_json::Value;
    let bad = match value_at(obj, path)? {
        Value::Object(_) => true,
        Value::Array(items) => items.iter().any(|i| matches!(i, Value::Object(_) | Value::Array(_))),
        _ => false,
    };
    bad.then(|| format!("'{path}' holds an object or nested list, not a value: map its fields with dotted names such as {path}.field"))
}

/// A reason to reject the row when a mapped path holds a JSON number that cannot be
/// kept as written: an integer beyond 2^53 or one written with an exponent is read as
/// a binary fraction, and `12345678901234567890123` would be stored as
/// `1.2345678901234568e22`. A value is stored as received or refused, never changed.
fn inexact_number(obj: &serde_json::Map<String, serde_json::Value>, path: &str) -> Option<String> {
    use serde_json::Value;
    let inexact = |v: &Value| match v {
        Value::Number(n) if n.is_f64() => {
            let text = n.to_string();
            text.contains(['e', 'E']) || n.as_f64().is_some_and(|f| f.abs() >= 9_007_199_254_740_992.0)
        }
        _ => false,
    };
    let bad = match value_at(obj, path)? {
        Value::Array(items) => items.iter().any(inexact),
        v => inexact(v),
    };
    bad.then(|| {
        format!("'{path}' holds a number too large or too precise to keep exactly: write it as a string (\"...\") in the file")
    })
}

fn json_cell(v: Option<&serde_json::Value>) -> Cell<'_> {
    use serde_json::Value;
    match v {
        None | Some(Value::Null) => Cell::Empty,
        Some(Value::String(s)) => Cell::One(s),
        Some(Value::Number(n)) => Cell::Many(vec![n.to_string()]),
        Some(Value::Bool(b)) => Cell::Many(vec![b.to_string()]),
        Some(Value::Array(items)) => Cell::Many(
            items
                .iter()
                .filter_map(|i| match i {
                    Value::String(s) => Some(s.clone()),
                    Value::Number(n) => Some(n.to_string()),
                    Value::Bool(b) => Some(b.to_string()),
                    _ => None,
                })
                .collect(),
        ),
        Some(Value::Object(_)) => Cell::Many(vec![]),
    }
}
