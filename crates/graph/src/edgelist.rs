//! Plain edge lists, the format every graph tool reads: one edge per line, `u v`
//! or `u v weight`, separated by spaces or tabs; blank lines and lines starting with
//! `#` or `%` are comments. Node labels are any tokens. Labels that are plain
//! numbers (no sign, no leading zero) are numbered first, in numeric order, then the
//! others in byte order, so a file of `0..n` keeps its numbers and the numbering
//! never depends on the order of lines. The file is parsed in parallel.

use rayon::prelude::*;

use crate::csr::Graph;

/// A line that is not an edge, with its number (from 1) and what is wrong.
#[derive(Debug, Clone, PartialEq, thiserror::Error)]
#[error("line {line}: {problem}")]
pub struct ParseError {
    pub line: usize,
    pub problem: String,
}

/// The node labels of a parsed edge list, by node number.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Labels {
    numeric: Vec<u64>,
    /// When the numbers are dense enough, node by number (`u32::MAX`: no such
    /// label), so numbering a line needs no search; empty otherwise.
    dense: Vec<u32>,
    text: Vec<Box<str>>,
}

impl Labels {
    pub fn len(&self) -> usize {
        self.numeric.len() + self.text.len()
    }

    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }

    /// The label of node `v`.
    pub fn label(&self, v: u32) -> String {
        let v = v as usize;
        match self.numeric.get(v) {
            Some(n) => n.to_string(),
            None => self
                .text
                .get(v - self.numeric.len())
                .map(|s| s.to_string())
                .unwrap_or_default(),
        }
    }

    /// The node labelled `label`, if any.
    pub fn find(&self, label: &str) -> Option<u32> {
        match Label::of(label) {
            Label::Number(n) if !self.dense.is_empty() => {
                self.dense.get(n as usize).copied().filter(|&v| v != u32::MAX)
            }
            Label::Number(n) => self.numeric.binary_search(&n).ok().map(|i| i as u32),
            Label::Text(t) => self
                .text
                .binary_search_by(|x| (**x).cmp(t))
                .ok()
                .map(|i| (i + self.numeric.len()) as u32),
        }
    }

    fn id(&self, label: Label<'_>) -> u32 {
        match label {
            Label::Number(n) => {
                // A file numbered 0..k needs no search.
                if self
                    .numeric
                    .last()
                    .is_some_and(|&l| l as usize == self.numeric.len() - 1)
                {
                    n as u32
                } else {
                    self.numeric.binary_search(&n).unwrap_or(0) as u32
                }
            }
            Label::Text(t) => (self.text.binary_search_by(|x| (**x).cmp(t)).unwrap_or(0) + self.numeric.len()) as u32,
        }
    }
}

/// A parsed edge list: the graph and its labels.
#[derive(Debug, Clone)]
pub struct EdgeList {
    pub graph: Graph,
    pub labels: Labels,
    /// Lines that held an edge (parallel edges and self-loops included).
    pub lines: usize,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
enum Label<'a> {
    Number(u64),
    Text(&'a str),
}

impl<'a> Label<'a> {
    fn of(token: &'a str) -> Label<'a> {
        let b = token.as_bytes();
        let canonical =
            !b.is_empty() && b.len() <= 19 && b.iter().all(u8::is_ascii_digit) && (b[0] != b'0' || b.len() == 1);
        match canonical.then(|| token.parse::<u64>().ok()).flatten() {
            Some(n) => Label::Number(n),
            None => Label::Text(token),
        }
    }
}

type Parsed<'a> = (Label<'a>, Label<'a>, f64);

/// Parses one chunk of whole lines; on error, the byte offset of the bad line in
/// `text` and the problem.
fn parse_chunk<'a>(text: &'a str, start: usize, end: usize) -> Result<Vec<Parsed<'a>>, (usize, String)> {
    let mut out = Vec::with_capacity((end - start) / 12);
    let mut at = start;
    for line in text[start..end].split_inclusive('\n') {
        let offset = at;
        at += line.len();
        let line = line.trim();
        if line.is_empty() || line.starts_with('#') || line.starts_with('%') {
            continue;
        }
        let mut tokens = line.split_ascii_whitespace();
        let (Some(u), Some(v)) = (tokens.next(), tokens.next()) else {
            return Err((
                offset,
                format!("`{line}` has one node; an edge is `u v` or `u v weight`"),
            ));
        };
        let weight = match tokens.next() {
            None => 1.0,
            Some(w) => match w.parse::<f64>() {
                Ok(w) if w.is_finite() && w > 0.0 => w,
                _ => {
                    return Err((offset, format!("weight `{w}` is not a positive number")));
                }
            },
        };
        if let Some(extra) = tokens.next() {
            return Err((offset, format!("unexpected `{extra}` after the weight")));
        }
        out.push((Label::of(u), Label::of(v), weight));
    }
    Ok(out)
}

/// Numbers the labels of the parsed lines: numbers in numeric order, then text.
/// Numbers no larger than a few times the token count (files numbered `0..n`, or
/// nearly) are marked in a table instead of sorted.
fn number_labels(parsed: &[Vec<Parsed<'_>>]) -> Labels {
    let tokens = || parsed.par_iter().flatten().flat_map_iter(|&(u, v, _)| [u, v]);
    let number = |l: Label<'_>| match l {
        Label::Number(n) => Some(n),
        Label::Text(_) => None,
    };
    let count: usize = parsed.iter().map(Vec::len).sum::<usize>() * 2;
    let max = tokens().filter_map(number).max();
    let (numeric, dense) = match max {
        Some(max) if max <= (4 * count as u64).max(1024) => {
            let mut present = vec![false; max as usize + 1];
            for &(u, v, _) in parsed.iter().flatten() {
                for l in [u, v] {
                    if let Label::Number(n) = l {
                        present[n as usize] = true;
                    }
                }
            }
            let mut dense = vec![u32::MAX; present.len()];
            let mut numeric = Vec::new();
            for (n, _) in present.iter().enumerate().filter(|(_, p)| **p) {
                dense[n] = numeric.len() as u32;
                numeric.push(n as u64);
            }
            (numeric, dense)
        }
        _ => {
            let mut numeric: Vec<u64> = tokens().filter_map(number).collect();
            numeric.par_sort_unstable();
            numeric.dedup();
            (numeric, Vec::new())
        }
    };
    let mut text: Vec<&str> = tokens()
        .filter_map(|l| match l {
            Label::Text(t) => Some(t),
            Label::Number(_) => None,
        })
        .collect();
    text.par_sort_unstable();
    text.dedup();
    Labels {
        numeric,
        dense,
        text: text.into_iter().map(Box::from).collect(),
    }
}

/// Parses an edge list.
pub fn parse(text: &str) -> Result<EdgeList, ParseError> {
    // Chunks of whole lines, one per piece of work.
    let pieces = (rayon::current_num_threads() * 8).max(1);
    let step = text.len() / pieces + 1;
    let mut bounds = vec![0];
    while let Some(&last) = bounds.last() {
        if last >= text.len() {
            break;
        }
        // Search bytes, not the str: `target` may fall inside a multi-byte
        // character, and the byte after a newline is always a character boundary.
        let target = (last + step).min(text.len());
        let end = text.as_bytes()[target..]
            .iter()
            .position(|&b| b == b'\n')
            .map_or(text.len(), |i| target + i + 1);
        bounds.push(end);
    }
    let chunks: Vec<Result<Vec<Parsed<'_>>, (usize, String)>> =
        bounds.par_windows(2).map(|w| parse_chunk(text, w[0], w[1])).collect();
    let mut parsed = Vec::with_capacity(chunks.len());
    for c in chunks {
        match c {
            Ok(edges) => parsed.push(edges),
            Err((offset, problem)) => {
                let line = text.as_bytes()[..offset].iter().filter(|&&b| b == b'\n').count() + 1;
                return Err(ParseError { line, problem });
            }
        }
    }
    let labels = number_labels(&parsed);
    if labels.len() > u32::MAX as usize {
        return Err(ParseError {
            line: 0,
            problem: format!("{} nodes: at most {} are supported", labels.len(), u32::MAX),
        });
    }
    // Numbered chunk by chunk (an indexed parallel map, no concatenation).
    let edges: Vec<Vec<(u32, u32, f64)>> = parsed
        .par_iter()
        .map(|chunk| chunk.iter().map(|&(u, v, w)| (labels.id(u), labels.id(v), w)).collect())
        .collect();
    drop(parsed);
    let lines = edges.iter().map(Vec::len).sum();
    let graph = Graph::from_edge_chunks(labels.len(), &edges);
    Ok(EdgeList { graph, labels, lines })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn labels_numbers_first_then_text_and_weights() {
        let e = parse("# comment\n10 2\n\n2 alice 2.5\n% other comment\nbob 0\n007 10\n").expect("parses");
        // Numbers 0, 2, 10 in numeric order, then `007`, `alice`, `bob` (not numbers).
        let labels: Vec<String> = (0..e.labels.len() as u32).map(|v| e.labels.label(v)).collect();
        assert_eq!(labels, ["0", "2", "10", "007", "alice", "bob"]);
        assert_eq!(e.lines, 4);
        assert_eq!(e.graph.edges(), 4);
        let (two, alice) = (e.labels.find("2").expect("2"), e.labels.find("alice").expect("alice"));
        let i = e.graph.neighbours(two).iter().position(|&x| x == alice).expect("edge");
        assert_eq!(e.graph.weights(two)[i], 2.5);
        assert_eq!(e.labels.find("carol"), None);
        assert_eq!(e.labels.find("7"), None);
        // Numbers too sparse for a table are sorted instead, to the same numbering.
        let sparse = parse("5000000000 3\n3 7\nx 7\n").expect("parses");
        let labels: Vec<String> = (0..sparse.labels.len() as u32)
            .map(|v| sparse.labels.label(v))
            .collect();
        assert_eq!(labels, ["3", "7", "5000000000", "x"]);
        assert_eq!(sparse.labels.find("5000000000"), Some(2));
        assert_eq!(sparse.labels.find("4"), None);
        assert_eq!(sparse.graph.neighbours(0), &[1, 2]);
    }

    #[test]
    fn chunks_never_split_a_character() {
        // Found by the fuzzer: a chunk bound inside a two-byte character.
        assert!(parse("\u{362}").is_err());
        let text = "Ђорђевић Đorđević\nΣάββας ñandú\n".repeat(200);
        let e = parse(&text).expect("parses");
        assert_eq!(e.labels.len(), 4);
        assert_eq!(e.lines, 400);
    }

    #[test]
    fn bad_lines_are_named() {
        assert_eq!(
            parse("1 2\n3\n").unwrap_err(),
            ParseError {
                line: 2,
                problem: "`3` has one node; an edge is `u v` or `u v weight`".into()
            }
        );
        assert_eq!(parse("1 2 -1\n").unwrap_err().line, 1);
        assert_eq!(parse("1 2 nan\n").unwrap_err().line, 1);
        assert_eq!(parse("1 2 1 x\n").unwrap_err().line, 1);
    }

    #[test]
    fn the_numbering_does_not_depend_on_line_order_or_chunking() {
        let lines: Vec<String> = (0..5000).map(|i| format!("n{} {}\n", i % 97, (i * 7) % 1013)).collect();
        let forward = parse(&lines.concat()).expect("parses");
        let backward = parse(&lines.iter().rev().cloned().collect::<String>()).expect("parses");
        assert_eq!(forward.labels, backward.labels);
        assert_eq!(forward.graph, backward.graph);
    }
}
