//! The ingest pipeline: a reader thread parses and maps rows while the calling
//! thread writes them into one store batch, with a bounded channel between them so
//! memory stays flat whatever the file size.

use std::fs::File;
use std::io::{BufWriter, Write};
use std::path::{Path, PathBuf};
use std::sync::mpsc;
use std::time::Instant;

use corridor_model::entity_key;
use corridor_store::{BatchSpec, BatchSummary, FindingWrite, RowOutcome, RowWrite, SourceSpec, Store};
use serde::Serialize;
use sha2::{Digest, Sha256};

use crate::apply::{MappedRow, Mapper};
use crate::error::{Error, Result};
use crate::input::{InputReader, ReadItem, View};
use crate::mapping::Mapping;

/// Rows per message between the threads, and messages in flight.
const CHUNK: usize = 512;
const IN_FLIGHT: usize = 8;

/// Who ingests, why, and where rejected rows go.
#[derive(Debug, Clone)]
pub struct IngestOptions {
    pub actor: String,
    pub purpose: String,
    /// Where rejected rows are written (created only if a row is rejected; an
    /// earlier file there is replaced, or removed when no row is rejected).
    pub rejects_path: PathBuf,
    /// RFC 3339 time the batch is received; the caller reads the clock.
    pub received_at: String,
    /// What one row may cost.
    pub limits: crate::Limits,
}

/// Told about progress; the CLI draws a bar with it, libraries stay silent.
pub trait Progress: Sync {
    fn advance(&self, bytes_read: u64, rows: u64);
}

/// Progress that reports nowhere.
#[derive(Debug)]
pub struct NoProgress;

impl Progress for NoProgress {
    fn advance(&self, _: u64, _: u64) {}
}

/// The outcome of one ingest.
#[derive(Debug, Clone, Serialize)]
pub struct IngestReport {
    pub dataset: String,
    pub file: String,
    #[serde(flatten)]
    pub summary: BatchSummary,
    /// The rejects file, when a row was rejected.
    pub rejects_file: Option<PathBuf>,
    /// Whether the rejects file was written, replaced an earlier one, or an earlier
    /// one was removed.
    pub rejects: RejectsOutcome,
    /// Header columns neither mapped nor listed under `ignore`.
    pub unmapped_columns: Vec<String>,
    /// What the checks at ingest found (stolen/lost watchlist hits, specimen
    /// numbers), stored with the batch.
    pub findings: Vec<FindingWrite>,
    pub seconds: f64,
}

enum Item {
    /// A mapped row, with its original content when its record id was seen before
    /// in this file: the store rejects it if the content differs, and the rejects
    /// file must show what was rejected.
    Row(MappedRow, Option<serde_json::Value>),
    Reject {
        row_number: u64,
        reason: String,
        original: serde_json::Value,
    },
}

enum Message {
    Items(Vec<Item>, u64, u64),
    /// The end of the file, with its SHA-256.
    Done(String),
    Failed(Error),
}

/// Ingests one file into `store` under `mapping`, as one atomic batch.
pub fn ingest(
    store: &mut dyn Store,
    mapping: &Mapping,
    mapping_text: &str,
    input: &Path,
    opts: &IngestOptions,
    progress: &dyn Progress,
) -> Result<IngestReport> {
    let started = Instant::now();
    check_rejects_target(&opts.rejects_path)?;
    let reader = InputReader::open(input, mapping, opts.limits)?;
    let unmapped_columns = reader.unmapped.clone();
    let source_id = store.register_source(&SourceSpec {
        agency: mapping.source.agency.clone(),
        country: mapping.source.country.clone(),
        agency_name: mapping.source.agency_name.clone(),
        unit: mapping.source.unit.clone(),
        informant_code: mapping.source.informant_code.clone(),
    })?;
    let spec = BatchSpec {
        dataset: mapping.dataset.clone(),
        source_id,
        file_name: input.display().to_string(),
        // Filled in from the reader, which hashes the file as it reads it.
        file_sha256: String::new(),
        mapping_sha256: hex::encode(Sha256::digest(mapping_text.as_bytes())),
        actor: opts.actor.clone(),
        purpose: opts.purpose.clone(),
        received_at: opts.received_at.clone(),
    };
    let at_ingest = corridor_docs::AtIngest::from_store(store)?;
    let mut findings: Vec<FindingWrite> = Vec::new();
    let mut batch = store.begin_batch(&spec)?;
    let mut rejects = Rejects::new(&opts.rejects_path);
    let mut local_to_db: Vec<i64> = Vec::new();
    let mut rows_read = 0u64;

    let outcome: Result<()> = std::thread::scope(|scope| {
        let (tx, rx) = mpsc::sync_channel::<Message>(IN_FLIGHT);
        let today = received_date(&opts.received_at);
        scope.spawn(move || read_and_map(reader, mapping, source_id, today, &tx));
        for msg in rx {
            let (items, bytes, rows) = match msg {
                Message::Items(items, bytes, rows) => (items, bytes, rows),
                Message::Done(sha256) => {
                    batch.set_file_sha256(&sha256)?;
                    continue;
                }
                Message::Failed(e) => return Err(e),
            };
            for item in items {
                rows_read += 1;
                match item {
                    Item::Reject {
                        row_number,
                        reason,
                        original,
                    } => rejects.write(row_number, &reason, original)?,
                    Item::Row(mut row, original) => {
                        let findings_before = findings.len();
                        for (local, spec) in &row.new_provenances {
                            let id = batch.provenance(spec)?;
                            if local_to_db.len() <= *local {
                                local_to_db.resize(*local + 1, 0);
                            }
                            local_to_db[*local] = id;
                        }
                        for e in &mut row.entities {
                            for s in &mut e.statements {
                                s.provenance_id = local_to_db[s.provenance_id as usize];
                            }
                        }
                        for (name, flag) in std::mem::take(&mut row.flags) {
                            findings.push(FindingWrite {
                                kind: flag.kind.to_string(),
                                entity: entity_key(&mapping.dataset, &row.record_key, &name),
                                related: Vec::new(),
                                reason: flag.reason,
                            });
                        }
                        for e in row.entities.iter().filter(|e| e.schema == "TravelDocument") {
                            let value = |p: &str| e.statements.iter().find(|s| s.prop == p).map(|s| s.value.as_str());
                            if let Some(number) = value("number") {
                                for (kind, reason) in at_ingest.document(number, value("country").unwrap_or("")) {
                                    findings.push(FindingWrite {
                                        kind: kind.to_string(),
                                        entity: entity_key(&mapping.dataset, &row.record_key, &e.name),
                                        related: Vec::new(),
                                        reason,
                                    });
                                }
                            }
                        }
                        let outcome = batch.write_row(RowWrite {
                            record_key: &row.record_key,
                            row_number: row.row_number,
                            content_hash: row.content_hash,
                            entities: std::mem::take(&mut row.entities),
                        })?;
                        match outcome {
                            RowOutcome::Duplicate { first_row } => {
                                let reason = format!(
                                    "duplicate record id '{}': row {first_row} of this file has the same id with other content",
                                    row.record_key
                                );
                                rejects.write(row.row_number, &reason, original.unwrap_or_default())?;
                            }
                            RowOutcome::Held { erased } => {
                                // Its findings would name a record that is not there.
                                findings.truncate(findings_before);
                                let reason = if erased {
                                    "this record was erased under the data-protection rules and is not brought back; \
                                     remove the row from the file"
                                } else {
                                    "this record is restricted (frozen by the data-protection officer) and cannot change \
                                     until the restriction is lifted"
                                };
                                rejects.write(row.row_number, reason, original.unwrap_or_default())?;
                            }
                            _ => {}
                        }
                    }
                }
            }
            progress.advance(bytes, rows);
        }
        Ok(())
    });
    outcome?;
    let rejected = rejects.count;
    if !findings.is_empty() {
        batch.record_findings(&findings)?;
    }
    // The batch first, whose log entry names the rejects file: a batch that fails
    // to commit must not leave rejected rows (personal data) on disk unlogged.
    let summary = batch.commit(rows_read, rejected)?;
    let rejects_outcome = rejects.finish()?;
    if summary.batch_id.is_none() && rejected > 0 {
        // No batch was kept, so no batch entry logs the rows written to the rejects
        // file: personal data leaving the store's protection must still be logged.
        store.audit(&corridor_store::AuditEntry {
            actor: opts.actor.clone(),
            action: corridor_store::AuditAction::IngestRejected,
            target: input.display().to_string(),
            purpose: opts.purpose.clone(),
            detail: serde_json::json!({
                "dataset": mapping.dataset, "rows_read": rows_read, "rejected": rejected,
                "rejects_file": opts.rejects_path.display().to_string(),
            })
            .to_string(),
        })?;
    }
    if summary.batch_id.is_none() {
        // Nothing changed, so the batch and its findings were rolled back; the rows
        // were checked when they first came in.
        findings.clear();
    }
    Ok(IngestReport {
        dataset: mapping.dataset.clone(),
        file: input.display().to_string(),
        summary,
        rejects_file: (rejected > 0).then(|| opts.rejects_path.clone()),
        rejects: rejects_outcome,
        unmapped_columns,
        findings,
        seconds: started.elapsed().as_secs_f64(),
    })
}

/// The calendar date of an RFC 3339 time; a time that does not parse gives a date
/// far in the future, so no birth date is wrongly called "in the future".
fn received_date(received_at: &str) -> (i32, u32, u32) {
    chrono::NaiveDate::parse_from_str(received_at.get(..10).unwrap_or(""), "%Y-%m-%d")
        .map(|d| {
            use chrono::Datelike;
            (d.year(), d.month(), d.day())
        })
        .unwrap_or((9999, 12, 31))
}

fn read_and_map(
    mut reader: InputReader,
    mapping: &Mapping,
    source_id: i64,
    today: (i32, u32, u32),
    tx: &mpsc::SyncSender<Message>,
) {
    let mut mapper = Mapper::new(mapping, source_id, today);
    // Hashes of the record ids seen (8 bytes a row, not the ids): a collision only
    // keeps one more row's original.
    let mut seen: std::collections::HashSet<u64> = std::collections::HashSet::new();
    let mut chunk = Vec::with_capacity(CHUNK);
    let mut rows = 0u64;
    loop {
        let item = match reader.next_item() {
            Ok(Some(i)) => i,
            Ok(None) => break,
            Err(e) => {
                let _ = tx.send(Message::Failed(e));
                return;
            }
        };
        rows += 1;
        chunk.push(match item {
            ReadItem::Reject {
                row_number,
                reason,
                original,
            } => Item::Reject {
                row_number,
                reason,
                original,
            },
            ReadItem::Row { row_number, row } => {
                let view = View {
                    row: &row,
                    positions: reader.positions(),
                    columns: &mapping.columns,
                };
                match mapper.map_row(&view, row_number) {
                    Ok(mapped) => {
                        let again = !seen.insert(xxhash_rust::xxh3::xxh3_64(mapped.record_key.as_bytes()));
                        let original = again.then(|| row.to_json());
                        Item::Row(mapped, original)
                    }
                    Err(reason) => Item::Reject {
                        row_number,
                        reason,
                        original: row.to_json(),
                    },
                }
            }
        });
        if chunk.len() == CHUNK {
            let full = std::mem::replace(&mut chunk, Vec::with_capacity(CHUNK));
            if tx.send(Message::Items(full, reader.bytes_read(), rows)).is_err() {
                return;
            }
        }
    }
    if tx.send(Message::Items(chunk, reader.bytes_read(), rows)).is_ok() {
        let _ = tx.send(Message::Done(reader.sha256()));
    }
}

/// The rejects file: one JSON object per rejected row, `{"row", "reason", "original"}`.
///
/// Rows hold personal data, so the file is written as exports are: into a temporary
/// file of a random name created exclusively and readable by its owner only (0600),
/// renamed over the target when the ingest is done. The rename replaces whatever is
/// at the target, a symbolic link included, and never writes through it.
///
/// A target that is a stream rather than a file (`--rejects /dev/null`, a named
/// pipe, `/dev/stderr`) is written to directly: there is nothing to replace, and
/// renaming over a device would replace the device.
struct Rejects<'p> {
    path: &'p Path,
    out: Option<BufWriter<RejectsFile>>,
    count: u64,
}

enum RejectsFile {
    Temp(tempfile::NamedTempFile),
    Stream(File),
}

impl Write for RejectsFile {
    fn write(&mut self, buf: &[u8]) -> std::io::Result<usize> {
        match self {
            RejectsFile::Temp(t) => t.write(buf),
            RejectsFile::Stream(f) => f.write(buf),
        }
    }

    fn flush(&mut self) -> std::io::Result<()> {
        match self {
            RejectsFile::Temp(t) => t.flush(),
            RejectsFile::Stream(f) => f.flush(),
        }
    }
}

/// Whether `path` is written to as a stream, never replaced or removed: it leads
/// (through any links) to a device, pipe or socket, or it is one of the names of
/// the process's own open files (`/dev/stdout`, `/dev/fd/N`, `/proc/self/fd/N`, or
/// a link to them), which name a regular file when standard output is redirected
/// to one. A regular file elsewhere under /dev (`/dev/shm`) is a file like any other.
pub fn is_stream(path: &Path) -> bool {
    use std::os::unix::fs::FileTypeExt;
    let own_fd = |p: &Path| {
        ["/dev/stdin", "/dev/stdout", "/dev/stderr"]
            .iter()
            .any(|n| p == Path::new(n))
            || p.starts_with("/dev/fd")
            || p.starts_with("/proc/self/fd")
            || p.starts_with("/proc/thread-self/fd")
    };
    own_fd(path)
        || std::fs::read_link(path).is_ok_and(|t| own_fd(&t))
        || std::fs::metadata(path).is_ok_and(|m| {
            let t = m.file_type();
            t.is_char_device() || t.is_fifo() || t.is_socket() || t.is_block_device()
        })
}

/// Opens a stream (see [`is_stream`]) for writing. Standard output and standard
/// error, by any of their names, are written through the process's own open file
/// (a copy of its descriptor): opened afresh, a redirected `>> file` would be
/// written from its start, over what it held. Other names are opened as given.
pub fn open_stream(path: &Path) -> std::io::Result<std::fs::File> {
    use std::os::fd::AsFd;
    let number = |p: &Path| -> Option<u32> {
        match p.to_str()? {
            "/dev/stdin" => Some(0),
            "/dev/stdout" => Some(1),
            "/dev/stderr" => Some(2),
            s => ["/dev/fd/", "/proc/self/fd/", "/proc/thread-self/fd/"]
                .iter()
                .find_map(|prefix| s.strip_prefix(prefix))?
                .parse()
                .ok(),
        }
    };
    let fd = number(path).or_else(|| std::fs::read_link(path).ok().and_then(|t| number(&t)));
    match fd {
        Some(1) => Ok(std::fs::File::from(std::io::stdout().as_fd().try_clone_to_owned()?)),
        Some(2) => Ok(std::fs::File::from(std::io::stderr().as_fd().try_clone_to_owned()?)),
        _ => std::fs::OpenOptions::new().write(true).open(path),
    }
}

/// Refuses a rejects path that holds something other than an earlier rejects file
/// (the store, its key, the input, any other file): it would be replaced, or
/// removed when no row is rejected. Checked before anything is read or written.
fn check_rejects_target(path: &Path) -> Result<()> {
    if is_stream(path) {
        return Ok(());
    }
    let refuse = |why: &str| Error::Input {
        path: path.to_path_buf(),
        message: format!("{why}: give the rejects file another path (--rejects), or remove it"),
    };
    let Ok(meta) = std::fs::symlink_metadata(path) else {
        return Ok(());
    };
    if meta.is_symlink() {
        // A link is replaced, never followed.
        return Ok(());
    }
    if !meta.is_file() {
        return Err(refuse("it exists and is not a file"));
    }
    use std::io::Read;
    let mut head = Vec::with_capacity(4096);
    File::open(path)
        .and_then(|f| f.take(1 << 16).read_to_end(&mut head))
        .map_err(|e| refuse(&format!("it exists and cannot be read ({e})")))?;
    if head.is_empty() {
        return Ok(());
    }
    let first = head.split(|b| *b == b'\n').next().unwrap_or_default();
    // Written by this version: `{"row":N,"reason":"…"` leads; by an earlier one,
    // keys in another order, so the first line is parsed whole.
    let leads = std::str::from_utf8(first)
        .ok()
        .and_then(|t| t.strip_prefix("{\"row\":"))
        .is_some_and(|t| {
            let digits = t.bytes().take_while(u8::is_ascii_digit).count();
            digits > 0 && t[digits..].starts_with(",\"reason\":")
        });
    let is_rejects = leads
        || serde_json::from_slice::<serde_json::Value>(first)
            .is_ok_and(|v| v.get("row").is_some() && v.get("reason").is_some());
    if is_rejects {
        Ok(())
    } else {
        Err(refuse("it exists and is not a rejects file"))
    }
}

/// What became of the rejects file of an ingest.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum RejectsOutcome {
    /// No row was rejected and no earlier rejects file was there.
    None,
    /// Rows were rejected; the file is new.
    Written,
    /// Rows were rejected; the file replaced an earlier ingest's.
    Replaced,
    /// No row was rejected; an earlier ingest's rejects file was removed, since it no
    /// longer describes this input.
    RemovedStale,
}

impl<'p> Rejects<'p> {
    fn new(path: &'p Path) -> Self {
        Rejects {
            path,
            out: None,
            count: 0,
        }
    }

    fn io(&self, cause: std::io::Error) -> Error {
        Error::Write {
            path: self.path.to_path_buf(),
            cause,
        }
    }

    fn write(&mut self, row: u64, reason: &str, original: serde_json::Value) -> Result<()> {
        if self.out.is_none() && is_stream(self.path) {
            let f = open_stream(self.path).map_err(|e| self.io(e))?;
            self.out = Some(BufWriter::new(RejectsFile::Stream(f)));
        }
        if self.out.is_none() {
            let dir = match self.path.parent() {
                Some(d) if !d.as_os_str().is_empty() => d,
                _ => Path::new("."),
            };
            let mut prefix = std::ffi::OsString::from(".");
            prefix.push(self.path.file_name().unwrap_or_default());
            prefix.push(".");
            let temp = tempfile::Builder::new()
                .prefix(&prefix)
                .suffix(".partial")
                .tempfile_in(dir)
                .map_err(|e| self.io(e))?;
            self.out = Some(BufWriter::new(RejectsFile::Temp(temp)));
        }
        self.count += 1;
        /// One rejected row; `row` first, so that the first bytes of the file say
        /// what it is however long the original row.
        #[derive(serde::Serialize)]
        struct Line<'a> {
            row: u64,
            reason: &'a str,
            original: serde_json::Value,
        }
        let line = serde_json::to_string(&Line { row, reason, original }).map_err(|e| self.io(e.into()))?;
        let written = match &mut self.out {
            Some(out) => writeln!(out, "{line}"),
            None => Ok(()),
        };
        written.map_err(|e| self.io(e))
    }

    /// Puts the file in place, or removes an earlier ingest's when no row was
    /// rejected this time.
    fn finish(mut self) -> Result<RejectsOutcome> {
        if is_stream(self.path) {
            if let Some(mut out) = self.out.take() {
                out.flush().map_err(|e| self.io(e))?;
                return Ok(RejectsOutcome::Written);
            }
            return Ok(RejectsOutcome::None);
        }
        // Only a file or a link is ever removed or replaced; never a directory.
        let earlier = std::fs::symlink_metadata(self.path).is_ok_and(|m| m.is_file() || m.is_symlink());
        let Some(out) = self.out.take() else {
            if earlier {
                std::fs::remove_file(self.path).map_err(|e| self.io(e))?;
                return Ok(RejectsOutcome::RemovedStale);
            }
            return Ok(RejectsOutcome::None);
        };
        let temp = match out.into_inner().map_err(|e| self.io(e.into_error()))? {
            RejectsFile::Temp(t) => t,
            RejectsFile::Stream(_) => return Ok(RejectsOutcome::Written),
        };
        temp.as_file().sync_all().map_err(|e| self.io(e))?;
        temp.persist(self.path).map_err(|e| self.io(e.error))?;
        Ok(if earlier {
            RejectsOutcome::Replaced
        } else {
            RejectsOutcome::Written
        })
    }
}
