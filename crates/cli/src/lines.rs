//! Line-by-line filters over standard input that spread the work over every core
//! while keeping the output in input order.

use std::io::{BufRead, Write};

use crate::exit::{Code, Failure, Result};

/// Lines per worker per round; rounds keep memory flat whatever the input size.
const CHUNK: usize = 20_000;

/// The longest line these filters read (a name, an MRZ line, a JSON object of
/// them): input without line ends (`/dev/zero`) is refused, not held in memory.
pub(crate) const MAX_LINE: usize = 1 << 20;

/// The next line of `input` without its `\n`, `None` at the end; an error when a
/// line runs past [`MAX_LINE`] bytes.
pub(crate) fn next_line<R: BufRead>(input: &mut R, line_number: u64) -> Result<Option<Vec<u8>>> {
    let mut line = Vec::new();
    let n = std::io::Read::take(&mut *input, MAX_LINE as u64 + 1).read_until(b'\n', &mut line)?;
    if n == 0 {
        return Ok(None);
    }
    if line.last() == Some(&b'\n') {
        line.pop();
    } else if n > MAX_LINE {
        return Err(Failure::new(
            Code::BadInput,
            anyhow::anyhow!(
                "line {line_number} is longer than {MAX_LINE} bytes: give one item per line (the results of the \
                 lines before it are written)"
            ),
        ));
    }
    Ok(Some(line))
}

/// Applies `f` to every line of standard input and writes its results, one per line,
/// in input order. A line that is not UTF-8 stops the run there: the results of the
/// lines before it are written, and the error names the line (one bad byte after a
/// thousand good lines lost all their results and said nothing of where).
pub(crate) fn map_stdin_lines(f: impl Fn(&str) -> String + Sync) -> Result<()> {
    let threads = std::thread::available_parallelism().map_or(1, |n| n.get());
    let stdin = std::io::stdin();
    let mut input = stdin.lock();
    let stdout = std::io::stdout();
    let mut out = std::io::BufWriter::new(stdout.lock());
    let f = &f;
    let mut line_number = 0u64;
    let mut bad_line = None;
    loop {
        let mut batch: Vec<String> = Vec::with_capacity(CHUNK * threads);
        let mut too_long = None;
        while batch.len() < CHUNK * threads {
            let mut line = match next_line(&mut input, line_number + 1) {
                Ok(Some(line)) => line,
                Ok(None) => break,
                Err(e) => {
                    too_long = Some(e);
                    break;
                }
            };
            line_number += 1;
            if line.last() == Some(&b'\r') {
                line.pop();
            }
            match String::from_utf8(line) {
                Ok(text) => batch.push(text),
                Err(e) => {
                    bad_line = Some((line_number, e.utf8_error().valid_up_to()));
                    break;
                }
            }
        }
        if batch.is_empty() && bad_line.is_none() && too_long.is_none() {
            break;
        }
        let rendered: Vec<std::thread::Result<String>> = std::thread::scope(|s| {
            let handles: Vec<_> = batch
                .chunks(CHUNK)
                .map(|chunk| {
                    s.spawn(move || {
                        let mut text = String::with_capacity(chunk.len() * 128);
                        for line in chunk {
                            text.push_str(&f(line));
                            text.push('\n');
                        }
                        text
                    })
                })
                .collect();
            handles.into_iter().map(|h| h.join()).collect()
        });
        for r in rendered {
            let text = r.map_err(|_| {
                Failure::new(
                    Code::Internal,
                    anyhow::anyhow!("a worker thread failed; no output was lost silently: rerun"),
                )
            })?;
            out.write_all(text.as_bytes())?;
        }
        if let Some(e) = too_long {
            out.flush()?;
            return Err(e);
        }
        if let Some((line, at)) = bad_line {
            out.flush()?;
            return Err(Failure::new(
                Code::BadInput,
                anyhow::anyhow!(
                    "line {line} is not UTF-8 (byte {} of the line): the results of the lines before it are written; \
                     convert the input to UTF-8 and run again from line {line}",
                    at + 1
                ),
            ));
        }
    }
    out.flush()?;
    Ok(())
}
