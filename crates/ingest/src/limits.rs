//! Limits on what one row of an input file may cost, and the reader that keeps CSV
//! records within them.
//!
//! A 50 MB field, or a file with no line breaks at all, used to be buffered whole
//! (570 MB for the field, an abort on a 1 GiB allocation for `/dev/zero`). Rows
//! over a limit are now rejected with their reason, each at a bounded cost, and the
//! rest of the file is read on.
//!
//! The csv crate buffers a record until it ends, so the limit on a record's length
//! has to act below it: [`RecordLimit`] follows the CSV quoting rules (those of
//! csv-core's defaults: a quote opens a field only at its start, `""` inside quotes
//! is a quote) to know where each record ends, ends a record that grows past the
//! limit early (closing its quotes), skips the rest of it, and flags the cut so the
//! reader rejects the truncated record instead of taking it for a whole one.

use std::io::Read;
use std::sync::Arc;
use std::sync::Mutex;
use std::sync::atomic::{AtomicU64, Ordering};

/// What one row may be, by default: a line (record) of at most 1 MiB, a field of at
/// most 64 KiB. Real agency rows are a few hundred bytes; a free-text note of a
/// few pages fits.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Limits {
    /// The longest line (a CSV record, quoted line breaks included, or a JSON line),
    /// in bytes.
    pub max_line: u64,
    /// The longest field value, in bytes.
    pub max_field: usize,
}

impl Default for Limits {
    fn default() -> Self {
        Limits {
            max_line: 1 << 20,
            max_field: 64 << 10,
        }
    }
}

/// How far past the line limit one record may run before the file, rather than the
/// record, is refused: a file with no record ends (`/dev/zero`, a binary file) is
/// not read to its end one skipped byte at a time.
pub(crate) const SKIP_FACTOR: u64 = 64;

/// What [`RecordLimit`] tells the CSV reader above it.
#[derive(Debug, Default)]
pub(crate) struct Cuts {
    /// The numbers (from 0, as the csv reader returns them: blank lines are no
    /// records) of the records cut at the limit and not yet taken. The reader runs
    /// ahead of the records returned, so a flag would name the wrong one.
    cut: Mutex<std::collections::VecDeque<u64>>,
    /// Line breaks skipped with cut records, which the csv reader never saw.
    skipped_lines: AtomicU64,
    /// Bytes skipped, for progress.
    skipped_bytes: AtomicU64,
    /// The line each record delivered but not yet taken starts on, counted from 1
    /// on every line break the file holds: the csv crate counts a CRLF record's
    /// break only when it reads the next, one line short for Windows files.
    starts: Mutex<std::collections::VecDeque<u64>>,
}

impl Cuts {
    /// Whether record number `record` (from 0) was cut.
    pub(crate) fn take_cut(&self, record: u64) -> bool {
        let mut cut = self.cut.lock().unwrap_or_else(std::sync::PoisonError::into_inner);
        if cut.front() == Some(&record) {
            cut.pop_front();
            true
        } else {
            false
        }
    }

    /// The line the next record taken starts on.
    pub(crate) fn take_start(&self) -> Option<u64> {
        self.starts
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner)
            .pop_front()
    }

    pub(crate) fn skipped_lines(&self) -> u64 {
        self.skipped_lines.load(Ordering::Relaxed)
    }

    pub(crate) fn skipped_bytes(&self) -> u64 {
        self.skipped_bytes.load(Ordering::Relaxed)
    }
}

/// Where the CSV state machine is.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum State {
    StartField,
    InField,
    InQuoted,
    QuoteInQuoted,
}

/// A reader that ends CSV records at `max` bytes; see the module doc.
pub(crate) struct RecordLimit<R> {
    inner: R,
    max: u64,
    delimiter: u8,
    state: State,
    /// Bytes of the current record delivered so far.
    current: u64,
    /// Records delivered so far (blank lines not counted, as the csv reader skips
    /// them).
    records: u64,
    /// Line breaks seen so far, delivered or skipped.
    lines: u64,
    /// Bytes of the current record skipped so far.
    skipping: Option<u64>,
    inject: &'static [u8],
    carry: Vec<u8>,
    at: usize,
    cuts: Arc<Cuts>,
}

impl<R: Read> RecordLimit<R> {
    pub(crate) fn new(inner: R, max: u64, delimiter: u8) -> (Self, Arc<Cuts>) {
        let cuts = Arc::new(Cuts::default());
        let reader = RecordLimit {
            inner,
            max,
            delimiter,
            state: State::StartField,
            current: 0,
            records: 0,
            lines: 0,
            skipping: None,
            inject: b"",
            carry: Vec::new(),
            at: 0,
            cuts: Arc::clone(&cuts),
        };
        (reader, cuts)
    }

    pub(crate) fn into_inner(self) -> R {
        self.inner
    }

    /// Advances the state machine by one byte; true at the end of a record.
    fn step(&mut self, b: u8) -> bool {
        let end = b == b'\n' || b == b'\r';
        let (next, record_end) = match self.state {
            State::StartField if b == b'"' => (State::InQuoted, false),
            State::StartField | State::InField | State::QuoteInQuoted if end => (State::StartField, true),
            State::StartField | State::InField | State::QuoteInQuoted if b == self.delimiter => {
                (State::StartField, false)
            }
            State::QuoteInQuoted if b == b'"' => (State::InQuoted, false),
            State::StartField | State::InField | State::QuoteInQuoted => (State::InField, false),
            State::InQuoted if b == b'"' => (State::QuoteInQuoted, false),
            State::InQuoted => (State::InQuoted, false),
        };
        self.state = next;
        record_end
    }

    /// Refills `carry` from the inner reader; false at its end.
    fn refill(&mut self) -> std::io::Result<bool> {
        if self.at < self.carry.len() {
            return Ok(true);
        }
        self.carry.resize(1 << 16, 0);
        let n = self.inner.read(&mut self.carry)?;
        self.carry.truncate(n);
        self.at = 0;
        Ok(n > 0)
    }
}

impl<R: Read> Read for RecordLimit<R> {
    fn read(&mut self, out: &mut [u8]) -> std::io::Result<usize> {
        loop {
            if !self.inject.is_empty() {
                let n = self.inject.len().min(out.len());
                out[..n].copy_from_slice(&self.inject[..n]);
                self.inject = &self.inject[n..];
                return Ok(n);
            }
            if !self.refill()? {
                return Ok(0);
            }
            if let Some(mut skipped) = self.skipping {
                let (mut lines, mut bytes, mut ended) = (0u64, 0u64, false);
                while self.at < self.carry.len() {
                    let b = self.carry[self.at];
                    self.at += 1;
                    bytes += 1;
                    lines += u64::from(b == b'\n');
                    self.lines += u64::from(b == b'\n');
                    if self.step(b) {
                        ended = true;
                        break;
                    }
                }
                skipped += bytes;
                self.cuts.skipped_lines.fetch_add(lines, Ordering::Relaxed);
                self.cuts.skipped_bytes.fetch_add(bytes, Ordering::Relaxed);
                let most = self.max.saturating_mul(SKIP_FACTOR);
                if skipped > most {
                    return Err(std::io::Error::new(
                        std::io::ErrorKind::InvalidData,
                        format!(
                            "a line runs on past {most} bytes without ending: this is not a file of lines or CSV records"
                        ),
                    ));
                }
                self.skipping = if ended { None } else { Some(skipped) };
                if ended {
                    self.current = 0;
                }
                continue;
            }
            let mut n = 0;
            while n < out.len() && self.at < self.carry.len() {
                if self.current >= self.max {
                    // The state stays the record's own, so that skipping finds its
                    // real end; the csv reader sees it end here.
                    self.inject = if self.state == State::InQuoted { b"\"\n" } else { b"\n" };
                    self.skipping = Some(0);
                    self.cuts
                        .cut
                        .lock()
                        .unwrap_or_else(std::sync::PoisonError::into_inner)
                        .push_back(self.records);
                    self.records += 1;
                    break;
                }
                let b = self.carry[self.at];
                self.at += 1;
                out[n] = b;
                n += 1;
                let terminator = b == b'\n' || b == b'\r';
                if self.current == 0 && !(terminator && self.state != State::InQuoted) {
                    self.cuts
                        .starts
                        .lock()
                        .unwrap_or_else(std::sync::PoisonError::into_inner)
                        .push_back(self.lines + 1);
                }
                self.lines += u64::from(b == b'\n');
                if self.step(b) {
                    self.records += u64::from(self.current > 0);
                    self.current = 0;
                } else {
                    self.current += 1;
                }
            }
            if n > 0 {
                return Ok(n);
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn records(input: &[u8], max: u64) -> (Vec<(Vec<String>, bool)>, u64) {
        let (limited, cuts) = RecordLimit::new(input, max, b',');
        let mut r = csv::ReaderBuilder::new()
            .has_headers(false)
            .flexible(true)
            .from_reader(limited);
        let mut out = Vec::new();
        let mut rec = csv::StringRecord::new();
        let mut i = 0;
        while r.read_record(&mut rec).expect("read") {
            out.push((rec.iter().map(str::to_string).collect(), cuts.take_cut(i)));
            i += 1;
        }
        (out, cuts.skipped_lines())
    }

    #[test]
    fn records_within_the_limit_pass_unchanged_whatever_their_quoting() {
        let input = b"a,\"b,\"\"c\"\"\nd\",e\r\n\r\nx,5'11\",y\n\n\"q\"\"\",z\n,\n";
        let (recs, _) = records(input, 1 << 20);
        let plain = csv::ReaderBuilder::new()
            .has_headers(false)
            .flexible(true)
            .from_reader(&input[..])
            .records()
            .map(|r| r.expect("row").iter().map(str::to_string).collect::<Vec<_>>())
            .collect::<Vec<_>>();
        assert_eq!(recs.iter().map(|(r, _)| r.clone()).collect::<Vec<_>>(), plain);
        assert!(recs.iter().all(|(_, cut)| !cut));
    }

    #[test]
    fn an_overlong_record_is_cut_flagged_and_skipped_and_the_next_is_read_whole() {
        let long = "x".repeat(5000);
        let input = format!("h1,h2\nshort,1\n\"{long}\nstill quoted\n{long}\",2\nafter,3\n{long},4\nlast,5\n");
        let (recs, skipped) = records(input.as_bytes(), 1000);
        let kept: Vec<(String, bool)> = recs.iter().map(|(r, c)| (r[0].chars().take(5).collect(), *c)).collect();
        assert_eq!(
            kept,
            vec![
                ("h1".into(), false),
                ("short".into(), false),
                ("xxxxx".into(), true),
                ("after".into(), false),
                ("xxxxx".into(), true),
                ("last".into(), false),
            ]
        );
        assert!(
            recs.iter()
                .all(|(r, _)| r.iter().map(String::len).sum::<usize>() <= 1000)
        );
        // Two quoted line breaks and the record's end were skipped in the first cut
        // record, the record's end in the second.
        assert_eq!(skipped, 4);
    }

    #[test]
    fn a_file_without_line_ends_is_refused_not_read_forever() {
        let zeros = std::io::repeat(0).take(u64::MAX);
        let (limited, _) = RecordLimit::new(zeros, 1024, b',');
        let mut r = csv::ReaderBuilder::new().has_headers(false).from_reader(limited);
        let mut rec = csv::ByteRecord::new();
        assert!(r.read_byte_record(&mut rec).expect("first, cut") && rec.as_slice().len() <= 1024);
        assert!(r.read_byte_record(&mut rec).is_err());
    }
}
