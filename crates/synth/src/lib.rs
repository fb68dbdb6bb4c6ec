//! A seeded, reproducible generator of a realistic multi-agency data set along the
//! Balkan corridor, with ground truth, so Corridor can be demonstrated and
//! benchmarked without real personal data.
//!
//! [`generate`] builds the facilitator world first (networks, shared phones,
//! vehicles, boats, safe houses, money agents, travel agencies; bounded, growing
//! sub-linearly with the size), then streams groups of migrants along their routes
//! straight to every agency's file, each in its own layout, language and formats,
//! with a ready ingest mapping beside it. The same seed and size give the same bytes.

mod agencies;
mod formats;
mod geo;
mod journeys;
mod mrzdocs;
mod names;
mod records;
mod truth;
mod util;
mod watchlist;
mod world;

use std::fmt;
use std::path::{Path, PathBuf};
use std::str::FromStr;

use rand::SeedableRng;
use serde::Serialize;

pub use watchlist::SynthWatchlist;

/// How much data to generate, in records (rows over all files).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Size {
    /// About 3,000 records: a demonstration in seconds.
    Demo,
    /// About 50,000 records.
    Small,
    /// About 1,000,000 records.
    Medium,
    /// About 10,000,000 records.
    Large,
    /// About this many records.
    Records(u64),
}

impl Size {
    /// The number of records to reach; generation stops at the first group after it.
    pub fn target_records(&self) -> u64 {
        match self {
            Size::Demo => 3_000,
            Size::Small => 50_000,
            Size::Medium => 1_000_000,
            Size::Large => 10_000_000,
            Size::Records(n) => *n,
        }
    }
}

impl FromStr for Size {
    type Err = Error;

    /// Accepts `demo`, `small`, `medium`, `large`, or a count such as `250000`,
    /// `250_000`, `250k`, `1m` or `10M`.
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        let t = s.trim().to_ascii_lowercase().replace('_', "");
        let bad = || Error::BadSize { text: s.to_string() };
        match t.as_str() {
            "demo" => return Ok(Size::Demo),
            "small" => return Ok(Size::Small),
            "medium" => return Ok(Size::Medium),
            "large" => return Ok(Size::Large),
            _ => {}
        }
        let (digits, factor) = match t.strip_suffix('k') {
            Some(d) => (d, 1_000),
            None => match t.strip_suffix('m') {
                Some(d) => (d, 1_000_000),
                None => (t.as_str(), 1),
            },
        };
        let n: u64 = digits.parse().map_err(|_| bad())?;
        match n.checked_mul(factor) {
            Some(0) | None => Err(bad()),
            Some(n) => Ok(Size::Records(n)),
        }
    }
}

impl fmt::Display for Size {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Size::Demo => f.write_str("demo"),
            Size::Small => f.write_str("small"),
            Size::Medium => f.write_str("medium"),
            Size::Large => f.write_str("large"),
            Size::Records(n) => write!(f, "{n}"),
        }
    }
}

/// What to generate: the seed makes it reproducible, the size sets its volume.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct SynthConfig {
    /// Same seed and size, same bytes.
    pub seed: u64,
    /// How many records to write.
    pub size: Size,
    /// Write every name in Latin script (the same people, records and noise as
    /// without it): the twin that shows whether scripts cost resolution anything.
    pub latin_only: bool,
}

/// One agency file written, with its mapping; paths are relative to the output directory.
#[derive(Debug, Clone, Serialize)]
pub struct SynthFile {
    /// The agency's node id (`rs-bp`, `frontex` …), the mapping's `source.agency`.
    pub agency: String,
    /// The data file.
    pub data: PathBuf,
    /// Its ingest mapping, beside it.
    pub mapping: PathBuf,
    /// Data rows (without the header line).
    pub rows: u64,
}

/// What was generated; also written as `manifest.json`, with files in ingest order.
#[derive(Debug, Clone, Serialize)]
pub struct SynthReport {
    /// Every file, in the order to ingest them, grouped by agency.
    pub files: Vec<SynthFile>,
    /// Rows over all files.
    pub records: u64,
    /// Distinct real persons appearing in at least one file.
    pub persons: u64,
    /// Smuggling networks in the ground truth.
    pub networks: u64,
    /// Ground-truth files, relative to the output directory.
    pub truth: Vec<PathBuf>,
    /// Stolen/lost document lists to import before ingesting.
    pub watchlists: Vec<SynthWatchlist>,
}

/// Why a data set could not be generated.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum Error {
    #[error("cannot write {}: {source}; check that the directory is writable and the disk has space", path.display())]
    Io { path: PathBuf, source: std::io::Error },
    #[error(
        "{} is not empty and holds no manifest.json of an earlier synth run: choose a new or empty directory, so synthetic files never mix with other data",
        path.display()
    )]
    NotEmpty { path: PathBuf },
    #[error("{} exists and is not a directory: give a directory for the output", path.display())]
    NotADirectory { path: PathBuf },
    #[error("cannot write CSV {}: {source}", path.display())]
    Csv { path: PathBuf, source: csv::Error },
    #[error("cannot write JSON {}: {source}", path.display())]
    Json { path: PathBuf, source: serde_json::Error },
    #[error("size '{text}' is not demo, small, medium, large or a positive record count such as 250000, 250k or 1m")]
    BadSize { text: String },
    #[error(
        "a synthetic document could not be written as an MRZ ({0}); this is a bug in corridor-synth: report it with the seed and size"
    )]
    Mrz(#[from] corridor_mrz::Error),
}

/// The manifest's file name in the output directory.
pub const MANIFEST: &str = "manifest.json";

/// Networks for a target size: sub-linear, so the world stays small at any size.
fn networks_for(target: u64) -> usize {
    (((target as f64).powf(0.4) / 2.0).round() as usize).clamp(geo::ROUTES.len(), 600)
}

fn prepare(out: &Path) -> Result<(), Error> {
    let io = |source| Error::Io {
        path: out.to_path_buf(),
        source,
    };
    if out.exists() {
        if !out.is_dir() {
            return Err(Error::NotADirectory {
                path: out.to_path_buf(),
            });
        }
        let mut entries = std::fs::read_dir(out).map_err(io)?;
        if entries.next().is_some() && !out.join(MANIFEST).is_file() {
            return Err(Error::NotEmpty {
                path: out.to_path_buf(),
            });
        }
    }
    std::fs::create_dir_all(out).map_err(io)
}

/// Generates a data set into `out`: one directory per agency with its files and
/// their mappings, `truth/` with the ground truth, and `manifest.json`.
/// Refuses a non-empty directory unless it holds an earlier output, which is overwritten.
pub fn generate(config: &SynthConfig, out: &Path) -> Result<SynthReport, Error> {
    prepare(out)?;
    names::LATIN_ONLY.with(|l| l.set(config.latin_only));
    let result = generate_inner(config, out);
    names::LATIN_ONLY.with(|l| l.set(false));
    result
}

fn generate_inner(config: &SynthConfig, out: &Path) -> Result<SynthReport, Error> {
    let target = config.size.target_records();
    let mut rng = util::Rng::seed_from_u64(config.seed);
    let networks = networks_for(target);
    let world = world::World::build(&mut rng, networks)?;
    let watchlists = vec![watchlist::write(out, &world, config.seed)?];
    let files = agencies::Out::create(out)?;
    let mut sim = journeys::Sim::new(rng, world, files);
    sim.write_networks()?;
    while sim.out.records() < target {
        sim.group()?;
    }
    let persons = sim.persons();
    let records = sim.out.records();
    let (files, truth) = sim.out.finish()?;
    let report = SynthReport {
        files,
        records,
        persons,
        networks: networks as u64,
        truth,
        watchlists,
    };
    let path = out.join(MANIFEST);
    let text = serde_json::to_string_pretty(&report).map_err(|source| Error::Json {
        path: path.clone(),
        source,
    })?;
    write_fresh(&path, (text + "\n").as_bytes()).map_err(|source| Error::Io { path, source })?;
    Ok(report)
}

/// Creates `path` anew: whatever is there (a file, or a link an earlier output
/// directory was given) is removed first, never written through.
pub(crate) fn create_fresh(path: &std::path::Path) -> std::io::Result<std::fs::File> {
    if std::fs::symlink_metadata(path).is_ok_and(|m| !m.is_dir()) {
        std::fs::remove_file(path)?;
    }
    std::fs::OpenOptions::new().write(true).create_new(true).open(path)
}

/// [`create_fresh`] and write `bytes`.
pub(crate) fn write_fresh(path: &std::path::Path, bytes: &[u8]) -> std::io::Result<()> {
    use std::io::Write;
    create_fresh(path)?.write_all(bytes)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn sizes_parse_and_print() {
        assert_eq!("demo".parse::<Size>().ok(), Some(Size::Demo));
        assert_eq!(" Large ".parse::<Size>().ok(), Some(Size::Large));
        assert_eq!("250000".parse::<Size>().ok(), Some(Size::Records(250_000)));
        assert_eq!("250_000".parse::<Size>().ok(), Some(Size::Records(250_000)));
        assert_eq!("1m".parse::<Size>().ok(), Some(Size::Records(1_000_000)));
        assert_eq!("10M".parse::<Size>().ok(), Some(Size::Records(10_000_000)));
        assert_eq!("50k".parse::<Size>().ok(), Some(Size::Records(50_000)));
        assert!("0".parse::<Size>().is_err());
        assert!(
            "huge"
                .parse::<Size>()
                .is_err_and(|e| e.to_string().contains("demo, small"))
        );
        assert_eq!(Size::Records(42).to_string(), "42");
        assert_eq!(Size::Medium.to_string(), "medium");
        assert_eq!(Size::Small.target_records(), 50_000);
    }

    #[test]
    fn networks_grow_sub_linearly() {
        assert!(networks_for(3_000) >= geo::ROUTES.len());
        assert!(networks_for(10_000_000) <= 600);
        assert!(networks_for(1_000_000) < networks_for(3_000) * 20);
    }
}
