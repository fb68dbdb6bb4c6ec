//! The stolen-document list an Interpol national central bureau would hand over:
//! every number of each stolen blank batch the forgers hold (whether or not a blank
//! from it has been used yet), plus ordinary lost and stolen passports that match
//! nothing in the data. Ingesting after importing it shows hits at ingest.

use std::io::BufWriter;
use std::path::{Path, PathBuf};

use rand::{Rng as _, SeedableRng};
use serde::Serialize;

use crate::Error;
use crate::formats::COUNTRIES;
use crate::world::World;

/// Numbers listed per stolen batch of blanks.
const BATCH_LISTED: u32 = 1000;

/// Lost/stolen passports of ordinary travellers (they match nothing in the data).
const OTHERS: usize = 300;

/// The list as the manifest describes it: file and who supplies it.
#[derive(Debug, Clone, Serialize)]
pub struct SynthWatchlist {
    /// Relative to the output directory.
    pub file: PathBuf,
    /// Supplying agency node, country and unit, for `corridor watchlist import`.
    pub agency: String,
    pub country: String,
    pub unit: String,
    pub grading: String,
    pub handling: String,
}

/// Writes `watchlists/sltd.csv` from the world's stolen blank batches.
pub fn write(out: &Path, world: &World, seed: u64) -> Result<SynthWatchlist, Error> {
    let rel = PathBuf::from("watchlists").join("sltd.csv");
    let path = out.join(&rel);
    let io = |source| Error::Io {
        path: path.clone(),
        source,
    };
    std::fs::create_dir_all(out.join("watchlists")).map_err(io)?;
    let file = crate::create_fresh(&path).map_err(io)?;
    let mut w = csv::WriterBuilder::new()
        .terminator(csv::Terminator::Any(b'\n'))
        .from_writer(BufWriter::new(file));
    let csv_err = |source| Error::Csv {
        path: path.clone(),
        source,
    };
    w.write_record(["number", "country", "status", "list"])
        .map_err(csv_err)?;
    for net in &world.nets {
        let Some(b) = &net.blanks else { continue };
        let country = COUNTRIES[b.issuing].a3;
        let width = 9 - b.prefix.len();
        for i in 0..BATCH_LISTED {
            let number = format!("{}{:0width$}", b.prefix, b.start + i);
            w.write_record([number.as_str(), country, "stolen blank", "SLTD"])
                .map_err(csv_err)?;
        }
    }
    // A separate stream, so the list never changes the rest of the data set.
    let mut rng = crate::util::Rng::seed_from_u64(seed ^ 0x5174_d000);
    for _ in 0..OTHERS {
        let c = &COUNTRIES[rng.random_range(0..COUNTRIES.len())];
        let number = format!(
            "{}{}{:07}",
            char::from(b'A' + rng.random_range(0..26u8)),
            char::from(b'A' + rng.random_range(0..26u8)),
            rng.random_range(0..10_000_000u32)
        );
        let status = if rng.random_bool(0.6) { "lost" } else { "stolen" };
        w.write_record([number.as_str(), c.a3, status, "SLTD"])
            .map_err(csv_err)?;
    }
    w.flush().map_err(io)?;
    Ok(SynthWatchlist {
        file: rel,
        agency: "rs-ncb".into(),
        country: "SRB".into(),
        unit: "Interpol NCB Belgrade, SLTD extract".into(),
        grading: "A1".into(),
        handling: "H1".into(),
    })
}
